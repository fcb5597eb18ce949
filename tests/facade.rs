//! The facade against a local scripted HTTP server: headers on the wire, each error kind
//! from a real response, retry counts per operation, Retry-After, timeouts, tri-state
//! bodies, validation with zero requests sent, and secrets kept out of Debug and traces.

mod common;

use std::time::{Duration, Instant};

use common::{fast_retries, fixture, Act, Scripted};
use partner_bindings::{
    ecurring, insly,
    rentalcover::{self, Adjustment},
    rocketkor,
    transport::Auth,
    Decimal, Error, RetryPolicy, Secret,
};
use serde_json::{json, Value};

const RC_KEY: &str = "rc-key-SECRET-0001";
const INSLY_TOKEN: &str = "insly-token-SECRET-0002";
const EC_KEY: &str = "ec-key-SECRET-0003";
const RK_TOKEN: &str = "rk-token-SECRET-0004";
const SSN: &str = "987-65-4321";
const ANSWER: &str = "Mount Fuji in winter";
const CUSTOMER: &str = "0d0b3f04-6a4c-4f8e-9a51-3f1c2b7e8d90";

fn rc(base: &str) -> rentalcover::Client {
    client!(rentalcover, base, RC_KEY, fast_retries())
}

fn insly_client(base: &str) -> insly::Client {
    client!(insly, base, INSLY_TOKEN, fast_retries())
}

fn ec(base: &str) -> ecurring::Client {
    client!(ecurring, base, EC_KEY, fast_retries())
}

fn rk(base: &str) -> rocketkor::Client {
    client!(rocketkor, base, RK_TOKEN, fast_retries())
}

/// The documented update request (it omits QuoteOnly: the flow sets it), edited.
fn insurance_request(edit: impl FnOnce(&mut Value)) -> rentalcover::types::UpdateInsuranceRequest {
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(1);
    edit(&mut request);
    serde_json::from_value(request).unwrap()
}

fn change() -> rentalcover::types::UpdateInsuranceRequest {
    let request = insurance_request(|_| {});
    // The documented response says TotalAmount 60; before the change it was 47.50.
    request
}

fn customer_change() -> rentalcover::types::builder::UpdateCustomerRequest {
    let mut request = fixture("rentalcover", "update_customer.request.json");
    request.as_object_mut().unwrap().remove("NewEmail");
    serde_json::from_value::<rentalcover::types::UpdateCustomerRequest>(request)
        .unwrap()
        .into()
}

fn policy_change() -> insly::types::builder::UpdatePolicyRequest {
    serde_json::from_value::<insly::types::UpdatePolicyRequest>(fixture(
        "insly",
        "update_policy.request.json",
    ))
    .unwrap()
    .into()
}

fn address_patch() -> ecurring::types::builder::CustomerAttributesUpdate {
    ecurring::types::CustomerAttributesUpdate::builder()
        .street(Some("Payment lane".to_string()))
        .house_number(Some("1".to_string()))
}

fn profile_change() -> rocketkor::types::builder::UpdateIndividualCustomerRequest {
    rocketkor::types::UpdateIndividualCustomerRequest::builder()
        .pronoun("She/Her".to_string())
        .social_id(Some(Secret::new(SSN)))
        .social_id_country_code(Some(
            "USA".parse::<rocketkor::types::CountryCode3>().unwrap(),
        ))
        .security_answer(Some(Secret::new(ANSWER)))
}

fn ok(provider: &str, name: &str) -> Act {
    Act::json(200, &fixture(provider, name))
}

fn body_json(captured: &common::Captured) -> Value {
    serde_json::from_slice(&captured.body).unwrap()
}

// ---------------------------------------------------------------- headers on the wire

#[tokio::test]
async fn each_provider_sends_its_auth_media_type_and_user_agent() {
    let agent = format!("partner-bindings/{}", env!("CARGO_PKG_VERSION"));

    let server = Scripted::start(vec![ok("rentalcover", "update_customer.response.json")]).await;
    rc(&server.base)
        .update_customer()
        .request(customer_change())
        .send()
        .await
        .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x_api_key"), Some(RC_KEY));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("user-agent"), Some(agent.as_str()));
    assert_eq!(seen.header("api-version"), None);
    assert_eq!(seen.target, "/insurances/updateCustomer");

    let server = Scripted::start(vec![ok("insly", "update_policy.response.json")]).await;
    insly_client(&server.base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap();
    let seen = &server.requests()[0];
    let bearer = format!("Bearer {INSLY_TOKEN}");
    assert_eq!(seen.header("authorization"), Some(bearer.as_str()));
    assert_eq!(seen.target, "/api/policy/update");

    let server = Scripted::start(vec![ok("ecurring", "update_customer.response.json")]).await;
    ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x-authorization"), Some(EC_KEY));
    assert_eq!(
        seen.header("content-type"),
        Some("application/vnd.api+json")
    );
    assert_eq!(seen.header("accept"), Some("application/vnd.api+json"));
    assert_eq!(seen.method, "PATCH");
    assert_eq!(seen.target, "/customers/1");

    let server = Scripted::start(vec![ok(
        "rocketkor",
        "update_individual_customer.response.json",
    )])
    .await;
    rk(&server.base)
        .update_individual_customer(CUSTOMER)
        .request(profile_change())
        .send()
        .await
        .unwrap();
    let seen = &server.requests()[0];
    let bearer = format!("Bearer {RK_TOKEN}");
    assert_eq!(seen.header("authorization"), Some(bearer.as_str()));
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.target, format!("/v1/customers/{CUSTOMER}"));
    // The secrets are sent as given: redaction is for display, not for the wire.
    let sent = body_json(seen);
    assert_eq!(sent["socialId"], SSN);
    assert_eq!(sent["securityAnswer"], ANSWER);
}

#[tokio::test]
async fn insly_token_header_is_configurable_and_caller_clients_still_get_auth() {
    let server = Scripted::start(vec![ok("insly", "update_policy.response.json")]).await;
    let client = insly::Client::builder()
        .environment(partner_bindings::insly::Environment::Custom(
            (&server.base).into(),
        ))
        .credential(INSLY_TOKEN)
        .auth(Auth::Header("x-api-token"))
        .http_client(reqwest::Client::builder())
        .build()
        .unwrap();
    client
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("x-api-token"), Some(INSLY_TOKEN));
    assert_eq!(seen.header("authorization"), None);
}

#[test]
fn builder_reads_the_environment_and_names_what_is_missing() {
    // The only test that touches INSLY_API_TOKEN.
    std::env::remove_var("INSLY_API_TOKEN");
    let acme = || insly::Environment::Tenant("acme".into());
    let err = insly::Client::builder()
        .environment(acme())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("INSLY_API_TOKEN"), "{err}");
    std::env::set_var("INSLY_API_TOKEN", INSLY_TOKEN);
    let client = insly::Client::builder()
        .environment(acme())
        .build()
        .unwrap();
    std::env::remove_var("INSLY_API_TOKEN");
    assert_eq!(client.base_url(), "https://acme.insly.com");
    assert!(!format!("{client:?}").contains(INSLY_TOKEN));
    // A tenant is a host label, not a way to put another host (and the token) in the URL.
    for bad in ["", "evil.example/x", "a@evil.example", "acme:1"] {
        let err = insly::Client::builder()
            .credential("t")
            .environment(insly::Environment::Tenant(bad.into()))
            .build()
            .unwrap_err();
        assert!(
            matches!(err, partner_bindings::BuildError::InvalidBaseUrl(_)),
            "{bad:?}: {err}"
        );
    }

    // No default host where a wrong guess would be dangerous or meaningless.
    assert!(matches!(
        rocketkor::Client::builder().credential("t").build(),
        Err(partner_bindings::BuildError::MissingBaseUrl)
    ));
    assert!(matches!(
        rocketkor::Client::builder()
            .credential("t")
            .environment(partner_bindings::rocketkor::Environment::Custom(
                ("ftp://x").into()
            ))
            .build(),
        Err(partner_bindings::BuildError::InvalidBaseUrl(_))
    ));
    // RentalCover defaults to staging, so a forgotten setting cannot charge real cards.
    let client = rentalcover::Client::builder()
        .credential("k")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api-staging.rentalcover.com");
    let client = rentalcover::Client::builder()
        .credential("k")
        .environment(rentalcover::Environment::Production)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.rentalcover.com");
    let client = ecurring::Client::builder().credential("k").build().unwrap();
    assert_eq!(client.base_url(), "https://api.ecurring.com");
}

// ---------------------------------------------------------------- error kinds

#[tokio::test]
async fn each_error_kind_comes_from_a_real_response() {
    let no_retry = |base: &str| {
        rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                (base).into(),
            ))
            .credential(RC_KEY)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    type Expect = fn(&Error) -> bool;
    let cases: Vec<(Act, Expect)> = vec![
        (
            Act::json(401, &json!({"errors": ["Invalid API key"]})),
            |e| matches!(e, Error::Unauthorized(r) if r.status() == 401),
        ),
        (
            Act::json(404, &json!({"errors": ["Policy could not be found."]})),
            |e| matches!(e, Error::NotFound(_)),
        ),
        (
            Act::json(
                400,
                &json!({"errors": {"FromDate": ["The from date must be a date after today."]}}),
            ),
            |e| {
                matches!(e, Error::Rejected { problems, .. }
                if problems.len() == 1
                && problems[0].field.as_deref() == Some("FromDate")
                && problems[0].message == "The from date must be a date after today.")
            },
        ),
        (
            Act::json(400, &json!({"errors": ["Policy is expired"]})),
            |e| {
                matches!(e, Error::Rejected { problems, .. }
                if problems[0].field.is_none() && problems[0].message == "Policy is expired")
            },
        ),
        (
            Act::Reply(429, vec![("retry-after", "7".into())], "{}".into()),
            |e| matches!(e, Error::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(7)),
        ),
        (
            Act::json(
                500,
                &json!({"errors": ["An unexpected internal error occurred"]}),
            ),
            |e| matches!(e, Error::Server(r) if r.status() == 500),
        ),
        (
            Act::Reply(
                503,
                vec![],
                "<html><body><h1>503 Service Unavailable</h1></body></html>".into(),
            ),
            |e| matches!(e, Error::Server(r) if r.status() == 503 && r.excerpt().contains("503 Service")),
        ),
        (
            Act::Reply(200, vec![], "{\"AgentReference\": ".into()),
            |e| {
                matches!(e, Error::Undecodable { response, reason }
                if response.status() == 200 && reason.contains("ends early"))
            },
        ),
        (Act::Reply(200, vec![], "[1, 2]".into()), |e| {
            matches!(e, Error::Undecodable { .. })
        }),
        (
            Act::Truncate(json!({"AgentReference": "LIUI-HQS7-INS"}).to_string()),
            |e| matches!(e, Error::Connection(_)),
        ),
        (Act::Drop, |e| matches!(e, Error::Connection(_))),
    ];
    for (act, expected) in cases {
        let server = Scripted::start(vec![act.clone()]).await;
        let err = no_retry(&server.base)
            .update_customer()
            .request(customer_change())
            .send()
            .await
            .unwrap_err();
        assert!(expected(&err), "{act:?} gave {err:?}");
        assert_eq!(server.count(), 1, "{act:?}");
        // Every arm with a response gives status, headers and the raw body.
        if let Some(response) = err.response() {
            assert!(response.headers().contains_key("content-length"));
            assert_eq!(err.status(), Some(response.status()));
        }
    }

    // Connection refused: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = rc(&base)
        .update_customer()
        .request(customer_change())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Connection(e) if e.is_connect()),
        "{err:?}"
    );
}

#[tokio::test]
async fn provider_error_shapes_name_their_fields() {
    let server = Scripted::start(vec![Act::json(
        422,
        &json!({"errors": [{"status": "422", "title": "Invalid attribute",
            "detail": "bank_holder is required when iban is present.",
            "source": {"pointer": "/data/attributes/bank_holder"}}]}),
    )])
    .await;
    let err = ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap_err();
    let Error::Rejected { problems, response } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status(), 422);
    assert_eq!(problems[0].field.as_deref(), Some("bank_holder"));
    assert_eq!(
        problems[0].message,
        "bank_holder is required when iban is present."
    );

    let server = Scripted::start(vec![Act::json(
        400,
        &json!({"status": 400, "code": "VALIDATION_ERROR", "message": "Invalid request",
            "errors": [{"field": "addresses[0].name", "message": "name is required for SHIPPING addresses"}]}),
    )])
    .await;
    let err = rk(&server.base)
        .update_individual_customer(CUSTOMER)
        .request(profile_change())
        .send()
        .await
        .unwrap_err();
    let Error::Rejected { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(problems[0].field.as_deref(), Some("addresses[0].name"));

    let server = Scripted::start(vec![Act::json(
        400,
        &json!({"status": "400", "message": "Validation failed", "errors": {"birthdate": "Invalid date", "email": ["Taken", "Too long"]}}),
    )])
    .await;
    let err = insly_client(&server.base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    let Error::Rejected { problems, .. } = &err else {
        panic!("{err:?}")
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["birthdate: Invalid date", "email: Taken", "email: Too long"]
    );
    // Insly's `[]` for "no field errors" falls back to the message.
    let server = Scripted::start(vec![Act::json(
        400,
        &json!({"status": 400, "message": "Policy is locked", "errors": []}),
    )])
    .await;
    let err = insly_client(&server.base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "rejected by the provider (400 Bad Request): Policy is locked"
    );
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn repeatable_operations_retry_transient_failures() {
    // eCurring PATCH: 503, a dropped connection, then success = 3 requests, Ok.
    let server = Scripted::start(vec![
        Act::Reply(503, vec![], "busy".into()),
        Act::Drop,
        ok("ecurring", "update_customer.response.json"),
    ])
    .await;
    ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 3);

    // RocketKOR PUT: a truncated body is retried too.
    let server = Scripted::start(vec![
        Act::Truncate(fixture("rocketkor", "update_individual_customer.response.json").to_string()),
        ok("rocketkor", "update_individual_customer.response.json"),
    ])
    .await;
    rk(&server.base)
        .update_individual_customer(CUSTOMER)
        .request(profile_change())
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 2);

    // At most 3 attempts in all, then the last error.
    let server = Scripted::start(vec![Act::Reply(502, vec![], "bad gateway".into())]).await;
    let err = ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Server(r) if r.status() == 502),
        "{err:?}"
    );
    assert_eq!(server.count(), 3);

    // A definite refusal is not retried.
    let server = Scripted::start(vec![Act::json(422, &json!({"errors": []}))]).await;
    ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);

    // RentalCover quote (QuoteOnly=1 saves nothing): retried after a dropped connection.
    let server = Scripted::start(vec![
        Act::Drop,
        ok("rentalcover", "update_insurance.response.json"),
    ])
    .await;
    let client = rc(&server.base);
    let quote = client
        .update_insurance("AB12-345C-INS")
        .request(change())
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
    for seen in server.requests() {
        assert_eq!(body_json(&seen)["QuoteOnly"], 1);
    }
    drop(quote);
}

#[tokio::test]
async fn quote_only_0_is_sent_exactly_once_whatever_happens() {
    let faults = [
        Act::Drop,
        Act::Truncate(fixture("rentalcover", "update_insurance.response.json").to_string()),
        Act::json(
            500,
            &json!({"errors": ["An unexpected internal error occurred"]}),
        ),
        Act::Reply(503, vec![], "<html>down</html>".into()),
        Act::Reply(503, vec![("retry-after", "1".into())], "{}".into()),
        Act::Delay(Duration::from_secs(3), "{}".into()),
    ];
    for fault in faults {
        let server = Scripted::start(vec![
            ok("rentalcover", "update_insurance.response.json"),
            fault.clone(),
        ])
        .await;
        let client = rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                (&server.base).into(),
            ))
            .credential(RC_KEY)
            .retry(fast_retries())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let quote = client
            .update_insurance("AB12-345C-INS")
            .request(change())
            .quote(Decimal::new(4750, 2))
            .await
            .unwrap();
        let err = client.confirm(quote).send().await.unwrap_err();
        assert!(
            matches!(err, Error::OutcomeUnknown { .. }),
            "{fault:?} gave {err:?}"
        );
        let Error::OutcomeUnknown {
            operation,
            why_not_resent,
            ..
        } = &err
        else {
            unreachable!()
        };
        assert_eq!(*operation, "update_insurance");
        assert!(why_not_resent.contains("QuoteOnly=0"), "{why_not_resent}");
        // One quote, one confirm: never a second QuoteOnly=0.
        let requests = server.requests();
        let confirms = requests
            .iter()
            .filter(|r| body_json(r)["QuoteOnly"] == 0)
            .count();
        assert_eq!((requests.len(), confirms), (2, 1), "{fault:?}");
    }

    // A definite answer is not "unknown": a 429 says nothing was done, and is not re-sent.
    let server = Scripted::start(vec![
        ok("rentalcover", "update_insurance.response.json"),
        Act::Reply(429, vec![("retry-after", "1".into())], "{}".into()),
    ])
    .await;
    let client = rc(&server.base);
    let quote = client
        .update_insurance("AB12-345C-INS")
        .request(change())
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap();
    let err = client.confirm(quote).send().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn insly_update_and_new_email_changes_are_at_most_once() {
    let server = Scripted::start(vec![Act::json(
        500,
        &json!({"status": 500, "message": "oops"}),
    )])
    .await;
    let err = insly_client(&server.base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(err.to_string().contains("charges or refunds"), "{err}");
    assert_eq!(server.count(), 1);

    let server = Scripted::start(vec![Act::Drop]).await;
    let err = insly_client(&server.base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(server.count(), 1);

    // A connection that was refused provably sent nothing: that may always be retried,
    // and it is a plain connection error, not an unknown outcome.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = insly_client(&base)
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Connection(e) if e.is_connect()),
        "{err:?}"
    );

    // RentalCover updateCustomer with NewEmail re-keys the booking: not repeated.
    let server = Scripted::start(vec![Act::Reply(503, vec![], "busy".into())]).await;
    let with_new_email = customer_change().new_email(Some("john.doe@example.net".to_string()));
    let err = rc(&server.base)
        .update_customer()
        .request(with_new_email)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
    // Without NewEmail it is repeatable.
    let server = Scripted::start(vec![Act::Reply(503, vec![], "busy".into())]).await;
    rc(&server.base)
        .update_customer()
        .request(customer_change())
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn the_raw_generated_client_is_just_as_safe() {
    // Bypassing the quote flow with the raw client still never re-sends QuoteOnly=0.
    let server = Scripted::start(vec![
        Act::Drop,
        ok("rentalcover", "update_insurance.response.json"),
    ])
    .await;
    let client = rc(&server.base);
    let body: rentalcover::types::UpdateInsuranceRequest = serde_json::from_value(json!({
        "QuoteOnly": 0, "FromDate": "2026-12-01 10:00:00", "ToDate": "2026-12-05 10:00:00",
        "FirstName": "Jane", "LastName": "Doe", "Email": "jane@example.com", "Country": "AU"
    }))
    .unwrap();
    client
        .raw()
        .update_insurance()
        .reference("AB12-345C-INS")
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Scripted::start(vec![
        Act::Reply(429, vec![("retry-after", "1".into())], "{}".into()),
        ok("ecurring", "update_customer.response.json"),
    ])
    .await;
    let started = Instant::now();
    ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap();
    // The backoff alone is at most 5 ms here: only Retry-After explains a 1 s wait.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);

    // Longer than the policy accepts: not waited for, handed to the caller.
    let server = Scripted::start(vec![Act::Reply(
        503,
        vec![("retry-after", "120".into())],
        "{}".into(),
    )])
    .await;
    let err = ec(&server.base)
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(120)),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn timeouts_end_an_attempt() {
    let server = Scripted::start(vec![Act::Delay(Duration::from_secs(5), "{}".into())]).await;
    let client = ecurring::Client::builder()
        .environment(partner_bindings::ecurring::Environment::Custom(
            (&server.base).into(),
        ))
        .credential(EC_KEY)
        .retry(fast_retries().with_max_attempts(2))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .update_customer("1")
        .request(address_patch())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Timeout(_)), "{err:?}");
    assert_eq!(
        server.count(),
        2,
        "a repeatable call is retried after a timeout"
    );

    let server = Scripted::start(vec![Act::Delay(Duration::from_secs(5), "{}".into())]).await;
    let client = insly::Client::builder()
        .environment(partner_bindings::insly::Environment::Custom(
            (&server.base).into(),
        ))
        .credential(INSLY_TOKEN)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .update_policy()
        .request(policy_change())
        .send()
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(**cause, Error::Timeout(_)), "{cause:?}");
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------- quote-then-confirm

#[tokio::test]
async fn quote_then_confirm_sends_the_same_change_with_quote_only_0() {
    let server = Scripted::start(vec![ok("rentalcover", "update_insurance.response.json")]).await;
    let client = rc(&server.base);
    let quote = client
        .update_insurance("AB12-345C-INS")
        .request(change())
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap();
    let aud = |cents| rentalcover::Money::new(Decimal::new(cents, 2), "AUD");
    assert_eq!(quote.adjustment(), Adjustment::Charge(aud(1250)));
    assert_eq!(quote.adjustment().to_string(), "a charge of AUD 12.50");
    assert_eq!(quote.policy().reference.as_deref(), Some("AB12-345C-INS"));
    let applied = client.confirm(quote).send().await.unwrap();
    assert_eq!(applied.adjustment(), Adjustment::Charge(aud(1250)));

    let [quoted, confirmed] = <[_; 2]>::try_from(server.requests()).unwrap();
    assert_eq!(quoted.target, "/insurances/update/AB12-345C-INS");
    assert_eq!(confirmed.target, quoted.target);
    let (mut q, mut c) = (body_json(&quoted), body_json(&confirmed));
    assert_eq!(q["QuoteOnly"], 1);
    assert_eq!(c["QuoteOnly"], 0);
    q.as_object_mut().unwrap().remove("QuoteOnly");
    c.as_object_mut().unwrap().remove("QuoteOnly");
    assert_eq!(q, c, "confirm must send the very change that was quoted");
    // The partner-defined member is sent as given.
    assert_eq!(
        q["PartnerData"],
        fixture("rentalcover", "update_insurance.request.json")["PartnerData"]
    );

    // Refunds and no charge, against other previous totals; amounts as the server wrote them.
    let server = Scripted::start(vec![ok("rentalcover", "update_insurance.response.json")]).await;
    let request = insurance_request(|_| {});
    let quote = rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(request.clone())
        .quote(Decimal::new(7233, 2))
        .await
        .unwrap();
    assert_eq!(quote.adjustment().to_string(), "a refund of AUD 12.33");
    let quote = rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(request)
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    assert_eq!(quote.adjustment(), Adjustment::NoCharge);
}

#[tokio::test]
async fn a_change_built_member_by_member_needs_no_extra_map() {
    // typify's builders used to demand `.extra(..)`; build.rs makes it default to empty.
    let server = Scripted::start(vec![ok("rentalcover", "update_insurance.response.json")]).await;
    let change = rentalcover::types::UpdateInsuranceRequest::builder()
        .from_date(
            "2026-12-01 10:00:00"
                .parse::<rentalcover::types::DateTimeText>()
                .unwrap(),
        )
        .to_date(
            "2026-12-05 10:00:00"
                .parse::<rentalcover::types::DateTimeText>()
                .unwrap(),
        )
        .first_name(Some("Jack".to_string()))
        .last_name(None)
        .email("jack@example.com".to_string())
        .country("AU".parse::<rentalcover::types::CountryCode>().unwrap());
    rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(change)
        .quote(Decimal::ONE)
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(server.requests()[0].body.clone()).unwrap(),
        r#"{"Country":"AU","Email":"jack@example.com","FirstName":"Jack","FromDate":"2026-12-01 10:00:00","LastName":null,"QuoteOnly":1,"ToDate":"2026-12-05 10:00:00"}"#
    );
}

#[tokio::test]
async fn a_quote_without_a_total_is_undecodable_not_a_guess() {
    let mut response = fixture("rentalcover", "update_insurance.response.json");
    response["TotalAmount"] = json!("n/a");
    let server = Scripted::start(vec![Act::json(200, &response)]).await;
    let err = rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(change())
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap_err();
    let Error::Undecodable { response, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status(), 200);
    assert!(reason.contains("TotalAmount"), "{reason}");
}

#[test]
fn calls_are_send_and_static_so_they_can_be_spawned() {
    fn spawnable<T: Send + 'static>(_: T) {}
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    let client = rc("http://127.0.0.1:9");
    shareable(&client);
    spawnable(
        client
            .update_insurance("AB12-345C-INS")
            .request(change())
            .quote(Decimal::new(4750, 2)),
    );
    let c = client.clone();
    spawnable(async move { c.update_customer().request(customer_change()).send().await });
    let e = ec("http://127.0.0.1:9");
    shareable(&e);
    spawnable(async move { e.update_customer("1").request(address_patch()).send().await });
    let r = rk("http://127.0.0.1:9");
    spawnable(async move {
        r.update_individual_customer(CUSTOMER)
            .request(profile_change())
            .send()
            .await
    });
    let i = insly_client("http://127.0.0.1:9");
    spawnable(async move { i.update_policy().request(policy_change()).send().await });
}

// ---------------------------------------------------------------- tri-state bodies

#[tokio::test]
async fn tri_state_members_keep_clear_or_set() {
    let server = Scripted::start(vec![ok("ecurring", "update_customer.response.json")]).await;
    let patch = address_patch()
        .middle_name(ecurring::Patch::Clear)
        .telephone("+31201234567".to_string());
    ec(&server.base)
        .update_customer("1")
        .request(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(server.requests()[0].body.clone()).unwrap(),
        r#"{"data":{"attributes":{"house_number":"1","middle_name":null,"street":"Payment lane","telephone":"+31201234567"},"id":"1","type":"customer"}}"#
    );

    let server = Scripted::start(vec![ok(
        "rocketkor",
        "update_individual_customer.response.json",
    )])
    .await;
    let change = rocketkor::types::UpdateIndividualCustomerRequest::builder()
        .middle_name(rocketkor::Patch::Clear)
        .pronoun("She/Her".to_string())
        .citizenship_country_code(rocketkor::Patch::Keep);
    rk(&server.base)
        .update_individual_customer(CUSTOMER)
        .request(change)
        .send()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(server.requests()[0].body.clone()).unwrap(),
        r#"{"middleName":null,"pronoun":"She/Her"}"#
    );
}

// ---------------------------------------------------------------- validation

/// Runs `call` against a live server and asserts it fails validation naming `field`,
/// with nothing sent.
async fn rejected_locally<F, Fut, T>(field: &str, call: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
    T: std::fmt::Debug,
{
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let err = call(server.base.clone()).await.unwrap_err();
    assert!(
        err.violations().iter().any(|v| v.field == field),
        "expected a violation of {field}, got {err:?}"
    );
    assert!(err.to_string().contains(field), "{err}");
    assert_eq!(server.count(), 0, "nothing may be sent for {field}");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_any_io() {
    let with = |edit: fn(&mut Value)| insurance_request(edit);
    rejected_locally("FromDate", |base| async move {
        let change = with(|r| r["FromDate"] = json!("2026-12-09 10:00:00"));
        rc(&base)
            .update_insurance("AB12-345C-INS")
            .request(change)
            .quote(Decimal::new(4750, 2))
            .await
            .map(|_| ())
    })
    .await;
    rejected_locally("ToDate", |base| async move {
        let change = with(|r| r["ToDate"] = json!("2026-02-30 10:00:00"));
        rc(&base)
            .update_insurance("AB12-345C-INS")
            .request(change)
            .quote(Decimal::new(4750, 2))
            .await
            .map(|_| ())
    })
    .await;
    rejected_locally("Email", |base| async move {
        let change = with(|r| r["Email"] = json!("not an email"));
        rc(&base)
            .update_insurance("AB12-345C-INS")
            .request(change)
            .quote(Decimal::new(4750, 2))
            .await
            .map(|_| ())
    })
    .await;
    rejected_locally("PartnerData", |base| async move {
        let change = with(|r| r["PartnerData"] = json!(42));
        rc(&base)
            .update_insurance("AB12-345C-INS")
            .request(change)
            .quote(Decimal::new(4750, 2))
            .await
            .map(|_| ())
    })
    .await;
    rejected_locally("Reference", |base| async move {
        rc(&base)
            .update_insurance("  ")
            .request(change())
            .quote(Decimal::new(4750, 2))
            .await
            .map(|_| ())
    })
    .await;
    // A required member left out of the generated builder is named too.
    rejected_locally("Country", |base| async move {
        let builder = rentalcover::types::builder::UpdateInsuranceRequest::default();
        rc(&base)
            .update_insurance("AB12-345C-INS")
            .request(builder)
            .quote(Decimal::ONE)
            .await
            .map(|_| ())
    })
    .await;
    rejected_locally("NewEmail", |base| async move {
        rc(&base)
            .update_customer()
            .request(customer_change().new_email(Some("john at example".to_string())))
            .send()
            .await
    })
    .await;

    rejected_locally("bank_holder", |base| async move {
        ec(&base)
            .update_customer("1")
            .request(
                address_patch().iban(
                    "NL91ABNA0417164300"
                        .parse::<ecurring::types::CustomerAttributesUpdateIban>()
                        .unwrap(),
                ),
            )
            .send()
            .await
    })
    .await;
    rejected_locally("id", |base| async move {
        ec(&base)
            .update_customer("1/../2")
            .request(address_patch())
            .send()
            .await
    })
    .await;

    rejected_locally("birthdate", |base| async move {
        insly_client(&base)
            .update_policy()
            .request(
                policy_change()
                    .birthdate(Some("31/02/1990".parse::<insly::types::UkDate>().unwrap())),
            )
            .send()
            .await
    })
    .await;

    let address = |v: Value| serde_json::from_value::<rocketkor::types::AddressInput>(v).unwrap();
    rejected_locally("addresses[0].name", |base| async move {
        let change = profile_change().addresses(vec![address(json!(
            {"type": "SHIPPING", "streetLine1": "1 Main St", "zipCode": "77001", "countryCode": "USA", "stateCode": "TX"}
        ))]);
        rk(&base).update_individual_customer(CUSTOMER).request(change).send().await
    })
    .await;
    rejected_locally("addresses[1].stateCode", |base| async move {
        let change = profile_change().addresses(vec![
            address(json!({"type": "MAILING", "streetLine1": "1 Main St", "zipCode": "77001", "countryCode": "USA", "stateCode": "TX"})),
            address(json!({"type": "PHYSICAL", "streetLine1": "2 Bay St", "zipCode": "M5J", "countryCode": "CAN"})),
        ]);
        rk(&base).update_individual_customer(CUSTOMER).request(change).send().await
    })
    .await;
    rejected_locally("addresses[1].primary", |base| async move {
        let change = profile_change().addresses(vec![
            address(json!({"type": "MAILING", "streetLine1": "1 Main St", "zipCode": "1000", "primary": true})),
            address(json!({"type": "MAILING", "streetLine1": "2 Main St", "zipCode": "1000", "primary": true})),
        ]);
        rk(&base).update_individual_customer(CUSTOMER).request(change).send().await
    })
    .await;
    rejected_locally("metadata", |base| async move {
        let metadata: rocketkor::types::Metadata = serde_json::from_value(json!(
            {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
        ))
        .unwrap();
        let change = profile_change().metadata(Some(metadata));
        rk(&base)
            .update_individual_customer(CUSTOMER)
            .request(change)
            .send()
            .await
    })
    .await;
    rejected_locally("socialIdCountryCode", |base| async move {
        let change = profile_change().social_id_country_code(None);
        rk(&base)
            .update_individual_customer(CUSTOMER)
            .request(change)
            .send()
            .await
    })
    .await;
    rejected_locally("socialId", |base| async move {
        let change = profile_change().social_id(Some(Secret::new("9".repeat(51))));
        rk(&base)
            .update_individual_customer(CUSTOMER)
            .request(change)
            .send()
            .await
    })
    .await;
    rejected_locally("primaryPhoneNumber.number", |_base| async move {
        rocketkor::types::PhoneNumberInputNumber::normalized("+1 415 CALL NOW")
    })
    .await;
}

#[test]
fn all_broken_rules_are_reported_at_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
        let typed = insurance_request(|r| {
            r["FromDate"] = json!("2026-12-09 10:00:00");
            r["Email"] = json!("nope");
        });
        let err = rc(&server.base)
            .update_insurance("AB12-345C-INS").request(typed).quote(Decimal::ONE)
            .await
            .unwrap_err();
        let fields: Vec<&str> = err.violations().iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["FromDate", "Email"]);
        assert_eq!(
            err.to_string(),
            "invalid request (nothing sent): FromDate: must be before ToDate; Email: must be an email address"
        );
    });
}

#[tokio::test]
async fn a_period_that_ends_when_it_starts_is_refused() {
    let server = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let same = insurance_request(|r| {
        r["FromDate"] = json!("2026-12-05 10:00:00");
        r["ToDate"] = json!("2026-12-05 10:00:00");
    });
    let err = rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(same)
        .quote(Decimal::ONE)
        .await
        .unwrap_err();
    let fields: Vec<&str> = err.violations().iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["FromDate"]);
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn an_iban_with_its_holder_is_sent_and_without_one_is_refused() {
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("ecurring", "update_customer.response.json"),
    )])
    .await;
    let client = client!(ecurring, server.base.clone(), "k", RetryPolicy::none());
    let err = client
        .update_customer("1")
        .iban("NL91ABNA0417164300")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.violations()[0].field, "bank_holder");
    assert_eq!(server.count(), 0);
    client
        .update_customer("1")
        .iban("NL91ABNA0417164300")
        .bank_holder("A. Holder")
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------- forward compatibility

#[tokio::test]
async fn unknown_members_and_enum_values_are_kept() {
    let mut response = fixture("rentalcover", "update_insurance.response.json");
    response["Status"] = json!("SUSPENDED_FOR_REVIEW");
    response["BrandNewField"] = json!({"nested": [1, 2]});
    let server = Scripted::start(vec![Act::json(200, &response)]).await;
    let quote = rc(&server.base)
        .update_insurance("AB12-345C-INS")
        .request(change())
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap();
    assert_eq!(
        quote.policy().extra["BrandNewField"],
        json!({"nested": [1, 2]})
    );
    assert_eq!(
        serde_json::to_value(&quote.policy().status).unwrap(),
        json!("SUSPENDED_FOR_REVIEW")
    );
}

// ---------------------------------------------------------------- secrets

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_reach_debug_output_errors_or_traces() {
    let logs = common::global_logs();

    let mut shown = Vec::new();
    let mut response = fixture("rocketkor", "update_individual_customer.response.json");
    response["socialId"] = json!(SSN);
    response["securityAnswer"] = json!(ANSWER);
    // Success, then every error path, for the provider with customer secrets.
    for act in [
        Act::json(200, &response),
        Act::json(
            400,
            &json!({"message": "bad", "errors": [{"field": "socialId", "message": "bad"}], "socialId": SSN}),
        ),
        Act::Reply(
            200,
            vec![],
            format!("{{\"socialId\": {SSN:?}, \"id\": 5, \"securityAnswer\": ["),
        ),
        Act::json(401, &json!({"message": "unauthorized"})),
        Act::Drop,
    ] {
        let server = Scripted::start(vec![act]).await;
        let client = rk(&server.base);
        shown.push(format!("{client:?}"));
        let request = profile_change();
        shown.push(format!("{request:?}"));
        match client
            .update_individual_customer(CUSTOMER)
            .request(request)
            .send()
            .await
        {
            Ok(customer) => {
                assert_eq!(customer.social_id.as_ref().map(Secret::expose), Some(SSN));
                shown.push(format!("{customer:?} {:?}", customer.security_answer));
            }
            Err(err) => shown.push(format!("{err} {err:?} {:?}", err.response())),
        }
    }
    for (client, base) in [
        (insly_client("http://127.0.0.1:9"), 0),
        (insly_client("http://127.0.0.1:9"), 1),
    ] {
        shown.push(format!("{client:?} {base}"));
    }
    let rentalcover = rc("http://127.0.0.1:9");
    shown.push(format!("{rentalcover:?} {:?}", rentalcover.raw()));
    shown.push(format!("{:?}", ec("http://127.0.0.1:9")));
    shown.push(format!(
        "{:?}",
        rentalcover::Client::builder().credential(RC_KEY)
    ));
    let panic = std::panic::catch_unwind(|| panic!("{:?}", profile_change())).unwrap_err();
    shown.push(panic.downcast_ref::<String>().cloned().unwrap_or_default());

    let logs = logs.text();
    assert!(logs.contains("partner_bindings.call"), "{logs}");
    assert!(logs.contains("provider=\"rocketkor\""), "{logs}");
    assert!(
        logs.contains("operation=\"update_individual_customer\""),
        "{logs}"
    );
    assert!(
        logs.contains("status=200") && logs.contains("attempt=1"),
        "{logs}"
    );
    let everything = format!("{}\n{logs}", shown.join("\n"));
    for secret in [SSN, ANSWER, RC_KEY, INSLY_TOKEN, EC_KEY, RK_TOKEN] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
    assert!(everything.contains("[redacted]"));
}
