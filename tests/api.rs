//! The public call shape: the setters generated from the specs (`client.<op>(<ids>)`,
//! one setter per member, `.send()`), as a user writes them. Each test checks the bytes
//! on the wire or the exact violations, and what the server received.

mod common;

use common::{fixture, Act, Scripted};
use partner_bindings::{insly, rentalcover, rocketkor, Decimal, Error, RetryPolicy};
use serde_json::json;

const CUSTOMER: &str = "0d0b3f04-6a4c-4f8e-9a51-3f1c2b7e8d90";

/// A client of each provider at `base`, with the default retry policy.
fn rc(base: &str) -> rentalcover::Client {
    client!(rentalcover, base, "k", RetryPolicy::default())
}
fn ins(base: &str) -> insly::Client {
    client!(insly, base, "t", RetryPolicy::default())
}
fn ec(base: &str) -> partner_bindings::ecurring::Client {
    client!(ecurring, base, "k", RetryPolicy::default())
}
fn rk(base: &str) -> rocketkor::Client {
    client!(rocketkor, base, "t", RetryPolicy::default())
}

fn body(server: &Scripted) -> String {
    String::from_utf8(server.requests()[0].body.clone()).unwrap()
}

/// The violations of `err` as `field: rule` lines, sorted.
fn violations(err: &Error) -> Vec<String> {
    assert!(
        matches!(err, Error::Validation(_)),
        "not a validation: {err:?}"
    );
    let mut lines: Vec<String> = err.violations().iter().map(|v| v.to_string()).collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn setters_take_plain_values_and_send_exactly_those_members() {
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("ecurring", "update_customer.response.json"),
    )])
    .await;
    let client = ec(&server.base);
    let answer = client
        .update_customer("1")
        .street("Payment lane")
        .house_number("1")
        .clear_house_number_add()
        .gender("f")
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(&server),
        r#"{"data":{"attributes":{"gender":"f","house_number":"1","house_number_add":null,"street":"Payment lane"},"id":"1","type":"customer"}}"#
    );
    assert_eq!(server.requests()[0].path(), "/customers/1");
    assert_eq!(answer.status(), 200);
    assert!(answer.data.is_some());

    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("rocketkor", "update_individual_customer.response.json"),
    )])
    .await;
    let client = rk(&server.base);
    client
        .update_individual_customer(CUSTOMER)
        .pronoun("She/Her")
        .middle_name("Ann")
        .clear_middle_name() // the last call wins
        .first_name("Sarah")
        .set_first_name(None) // and may unset
        .send()
        .await
        .unwrap();
    assert_eq!(body(&server), r#"{"middleName":null,"pronoun":"She/Her"}"#);
    assert_eq!(
        server.requests()[0].path(),
        format!("/v1/customers/{CUSTOMER}")
    );
}

#[tokio::test]
async fn a_whole_request_then_single_members() {
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("insly", "update_policy.response.json"),
    )])
    .await;
    let client = ins(&server.base);
    let whole: insly::types::UpdatePolicyRequest =
        serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
    client
        .update_policy()
        .request(whole.clone())
        .home_policy_excess(250.0)
        .send()
        .await
        .unwrap();
    let mut expected = serde_json::to_value(&whole).unwrap();
    expected["home_policy_excess"] = json!(250.0);
    assert_eq!(server.requests()[0].json(), expected);
}

#[tokio::test]
async fn every_bad_value_is_named_by_its_wire_name_and_nothing_is_sent() {
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let rc = rc(&server.base);
    // Wrong values, a required member unset again, and required members never set.
    let err = rc
        .update_insurance("AB12-345C-INS")
        .country("Australia")
        .from_date("tomorrow")
        .email("jack@example.com")
        .set_email(None)
        .quote(Decimal::new(60, 0))
        .await
        .unwrap_err();
    let found = violations(&err);
    assert_eq!(found.len(), 6, "{found:#?}");
    for (line, field, rule) in [
        (&found[0], "Country", "longer than 2 characters"),
        (&found[1], "Email", "is required"),
        (&found[2], "FirstName", "is required"),
        (&found[3], "FromDate", "doesn't match pattern"),
        (&found[4], "LastName", "is required"),
        (&found[5], "ToDate", "is required"),
    ] {
        assert!(
            line.starts_with(&format!("{field}: {rule}")),
            "{line} (expected {field}: {rule}...)"
        );
    }

    let rk = rk(&server.base);
    let err = rk
        .update_individual_customer("42")
        .citizenship_country_code("Utopia")
        .send()
        .await
        .unwrap_err();
    let found = violations(&err);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("citizenshipCountryCode: "),
        "{found:?}"
    );
    assert!(found[1].starts_with("customerId: "), "{found:?}");

    let ins = ins(&server.base);
    let err = ins.update_policy().policy_oid(0).send().await.unwrap_err();
    assert_eq!(
        violations(&err),
        ["customer_oid: is required", "policy_oid: must not be 0"]
    );

    let ec = ec(&server.base);
    let err = ec
        .update_customer("")
        .country_iso2("Netherlands")
        .send()
        .await
        .unwrap_err();
    let found = violations(&err);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("country_iso2: "), "{found:?}");
    assert!(found[1].starts_with("id: "), "{found:?}");

    assert_eq!(server.count(), 0, "nothing may be sent for a bad request");
}

#[tokio::test]
async fn a_required_member_that_may_be_null_is_sent_as_null() {
    // RentalCover: FirstName and LastName are required, `NULL` when unknown.
    let mut answer = fixture("rentalcover", "update_insurance.response.json");
    answer["TotalAmount"] = json!("75.00");
    let server = Scripted::start(vec![Act::json(200, &answer)]).await;
    let rc = rc(&server.base);
    rc.update_insurance("AB12-345C-INS")
        .from_date("2026-12-01 10:00:00")
        .to_date("2026-12-05 10:00:00")
        .set_first_name(None)
        .set_last_name(None)
        .email("jack@example.com")
        .country("AU")
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    let sent = server.requests()[0].json();
    assert_eq!(sent["FirstName"], json!(null));
    assert_eq!(sent["LastName"], json!(null));
    assert_eq!(sent["QuoteOnly"], json!(1));
}

#[tokio::test]
async fn the_answer_carries_status_headers_and_the_request_id() {
    let server = Scripted::start(vec![Act::Reply(
        200,
        vec![("x-request-id", "req-7".to_string())],
        fixture("rentalcover", "update_customer.response.json").to_string(),
    )])
    .await;
    let client = rc(&server.base);
    let answer = client
        .update_customer()
        .agent_reference("LIUI-HQS7-INS")
        .email("john.doe@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.request_id(), Some("req-7"));
    assert_eq!(answer.headers()["x-request-id"], "req-7");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        body(&server),
        r#"{"AgentReference":"LIUI-HQS7-INS","Email":"john.doe@example.com"}"#
    );
    let customer = answer.into_inner().customer.unwrap();
    assert!(customer.email.is_some());
}

#[tokio::test]
async fn the_last_call_of_a_setter_wins_errors_included() {
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("insly", "update_policy.response.json"),
    )])
    .await;
    let ins = ins(&server.base);
    // A bad value corrected by a later call of the same setter is not an error.
    ins.update_policy()
        .policy_oid(10_985_878)
        .customer_oid(5_417_281)
        .birthdate("1990-01-31")
        .birthdate("31/01/1990")
        .home_policy_excess(f64::NAN)
        .set_home_policy_excess(None)
        .send()
        .await
        .unwrap();
    let sent = server.requests()[0].json();
    assert_eq!(sent["birthdate"], "31/01/1990");
    assert!(sent.get("home_policy_excess").is_none(), "{sent}");
    // ... and a whole request replaces every member's error; a bad path id stays.
    let whole: rocketkor::types::UpdateIndividualCustomerRequest =
        serde_json::from_value(json!({"pronoun": "He/Him"})).unwrap();
    let rk = rk(&server.base);
    let err = rk
        .update_individual_customer("42")
        .citizenship_country_code("Utopia")
        .request(whole)
        .send()
        .await
        .unwrap_err();
    let found = violations(&err);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("customerId: "), "{found:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn numbers_that_json_cannot_carry_dates_and_nested_members_are_refused_by_wire_name() {
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let rc = rc(&server.base);
    let err = rc
        .update_customer()
        .agent_reference("LIUI-HQS7-INS")
        .email("john.doe@example.com")
        .date_of_birth("31/01/1990")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        violations(&err),
        ["DateOfBirth: must be a real date, YYYY-MM-DD"]
    );
    // NaN and infinity would be sent as null: refused, on the charging flow too.
    let err = rc
        .update_insurance("AB12-345C-INS")
        .cover_amount(f64::INFINITY)
        .vehicle_std_liability_low(f64::NAN)
        .quote(Decimal::new(60, 0))
        .await
        .unwrap_err();
    let found = violations(&err);
    assert!(
        found.contains(&"CoverAmount: must be a finite number".to_string())
            && found.contains(&"VehicleStdLiabilityLow: must be a finite number".to_string()),
        "{found:#?}"
    );
    // A nested member is named by its path of wire names.
    let rk = rk(&server.base);
    let err = rk
        .update_individual_customer(CUSTOMER)
        .addresses([rocketkor::types::AddressInput::builder()])
        .send()
        .await
        .unwrap_err();
    let found = violations(&err);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("addresses[0].") && found[0].ends_with(": is required"),
        "{found:?}"
    );
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn dates_take_the_rust_value_or_its_text() {
    let mut answer = fixture("rentalcover", "update_insurance.response.json");
    answer["TotalAmount"] = json!("75.00");
    let server = Scripted::start(vec![Act::json(200, &answer)]).await;
    let rc = rc(&server.base);
    let from = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    rc.update_insurance("AB12-345C-INS")
        .from_date(from)
        .to_date("2026-12-05 10:00:00")
        .first_name("Jack")
        .last_name("Smith")
        .email("jack@example.com")
        .country("AU")
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    let sent = server.requests()[0].json();
    assert_eq!(sent["FromDate"], "2026-12-01 10:00:00");
    assert_eq!(sent["ToDate"], "2026-12-05 10:00:00");

    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("rocketkor", "update_individual_customer.response.json"),
    )])
    .await;
    let rk = rk(&server.base);
    rk.update_individual_customer(CUSTOMER)
        .date_of_birth(chrono::NaiveDate::from_ymd_opt(1990, 1, 31).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[0].json()["dateOfBirth"], "1990-01-31");
}

#[tokio::test]
async fn a_whole_request_cannot_turn_a_quote_into_a_charge() {
    let mut answer = fixture("rentalcover", "update_insurance.response.json");
    answer["TotalAmount"] = json!("75.00");
    let server = Scripted::start(vec![Act::json(200, &answer)]).await;
    let rc = rc(&server.base);
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(0);
    let charging: rentalcover::types::UpdateInsuranceRequest =
        serde_json::from_value(request).unwrap();
    assert_eq!(serde_json::to_value(&charging).unwrap()["QuoteOnly"], 0);
    rc.update_insurance("AB12-345C-INS")
        .request(charging)
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    assert_eq!(server.requests()[0].json()["QuoteOnly"], 1);
}

#[tokio::test]
async fn a_transport_failure_is_our_connector_error_with_the_cause_as_source() {
    use std::error::Error as _;
    // A body cut short on a call without retries.
    let server = Scripted::start(vec![Act::Truncate(r#"{"data":"#.into())]).await;
    let client = client!(ecurring, server.base.clone(), "k", RetryPolicy::none());
    let err = client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap_err();
    let Error::Connection(cause) = &err else {
        panic!("not a connection error: {err:?}");
    };
    assert!(cause.is_body() && !cause.is_connect() && !cause.is_timeout());
    assert_eq!(cause.to_string(), "the response body was cut short");
    assert!(
        cause.source().is_some(),
        "the HTTP library's error is the source"
    );
    assert_eq!(
        err.to_string(),
        "connection failed: the response body was cut short"
    );
    // Nothing listening: provably not sent.
    let closed = client!(ecurring, "http://127.0.0.1:9", "k", RetryPolicy::none());
    let err = closed
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap_err();
    let Error::Connection(cause) = &err else {
        panic!("not a connection error: {err:?}");
    };
    assert!(cause.is_connect() && !cause.is_body() && !cause.is_timeout());
    assert_eq!(cause.to_string(), "could not connect");
    assert!(cause.source().is_some());
    // The error's own source is that ConnectorError.
    let source = err.source().expect("Error::Connection has a source");
    assert_eq!(source.to_string(), "could not connect");
    assert!(source
        .downcast_ref::<partner_bindings::ConnectorError>()
        .is_some());
}

#[tokio::test]
async fn debug_output_names_the_parts_without_the_secrets() {
    let server = Scripted::start(vec![
        Act::json(200, &fixture("ecurring", "update_customer.response.json")),
        Act::Reply(500, vec![], r#"{"errors":[{"title":"boom"}]}"#.into()),
    ])
    .await;
    let client = client!(
        ecurring,
        server.base.clone(),
        "ec-debug-KEY",
        RetryPolicy::none()
    );
    let shown = format!("{client:?}");
    assert!(shown.contains("Call") && shown.contains("timeout") && shown.contains("retry"));
    assert!(
        shown.contains("[redacted]") && !shown.contains("ec-debug-KEY"),
        "{shown}"
    );
    let ok = client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap();
    let shown = format!("{ok:?}");
    assert!(shown.starts_with("Response { status: 200"), "{shown}");
    let err = client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap_err();
    let shown = format!("{err:?}");
    assert!(shown.contains("RawResponse { status: 500"), "{shown}");
    assert!(shown.contains("boom"), "the body excerpt: {shown}");
}

#[tokio::test]
async fn a_connect_timeout_keeps_the_other_settings() {
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("ecurring", "update_customer.response.json"),
    )])
    .await;
    let client = partner_bindings::ecurring::Client::builder()
        .environment(partner_bindings::ecurring::Environment::Custom(
            server.base.clone(),
        ))
        .credential("ec-key")
        .connect_timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("x-authorization"),
        Some("ec-key")
    );
}

#[tokio::test]
async fn a_retry_after_equal_to_the_policys_limit_is_waited_for() {
    let server = Scripted::start(vec![
        Act::Reply(429, vec![("retry-after", "1".into())], "{}".into()),
        Act::json(200, &fixture("ecurring", "update_customer.response.json")),
    ])
    .await;
    let policy = common::fast_retries().with_max_retry_after(std::time::Duration::from_secs(1));
    let client = client!(ecurring, server.base.clone(), "k", policy);
    client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_empty_booking_reference_is_refused() {
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    for reference in ["", "   "] {
        let err = rc(&server.base)
            .update_insurance(reference)
            .from_date("2026-12-01 10:00:00")
            .to_date("2026-12-05 10:00:00")
            .email("jack@example.com")
            .country("AU")
            .quote(Decimal::ONE)
            .await
            .unwrap_err();
        assert!(
            violations(&err).iter().any(|v| v.starts_with("Reference")),
            "{err}"
        );
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn an_infinite_amount_in_a_whole_request_is_refused() {
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let request = insly::types::UpdatePolicyRequest::builder()
        .policy_oid(std::num::NonZeroU64::new(10_985_815).unwrap())
        .customer_oid(std::num::NonZeroU64::new(10_985_801).unwrap())
        .home_policy_excess(Some(f64::INFINITY));
    let err = ins(&server.base)
        .update_policy()
        .request(request)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        violations(&err),
        ["home_policy_excess: must be an amount of at least 0"]
    );
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn an_outcome_unknown_has_its_cause_as_source() {
    use std::error::Error as _;
    let server = Scripted::start(vec![Act::Reply(500, vec![], "{}".into())]).await;
    let err = ins(&server.base)
        .update_policy()
        .policy_oid(10_985_815)
        .customer_oid(10_985_801)
        .home_policy_excess(300.0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    let source = err.source().expect("the cause is the source");
    assert!(source.to_string().contains("500"), "{source}");
}

/// The facade reads the answer's headers from its own record and hands the generated
/// decoder a response without them; the raw client's caller still gets them from
/// progenitor's `ResponseValue`.
#[tokio::test]
async fn the_raw_client_still_sees_the_answer_headers() {
    let server = Scripted::start(vec![Act::Reply(
        200,
        vec![("x-request-id", "req-raw".to_string())],
        fixture("rentalcover", "update_customer.response.json").to_string(),
    )])
    .await;
    let body: rentalcover::types::UpdateCustomerRequest = serde_json::from_value(
        serde_json::json!({"AgentReference": "LIUI-HQS7-INS", "Email": "john.doe@example.com"}),
    )
    .unwrap();
    let answer = rc(&server.base)
        .raw()
        .update_customer()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-request-id"], "req-raw");
    assert_eq!(answer.status(), 200);
}
