//! The spec audit of issue 15 (part 3): facts the specs stated more weakly than the
//! provider's page, or than the facade relies on. One test per finding; most failed
//! before their fix, a few guard behaviour that was already right.

mod common;

use common::{fixture, fixture_text, fixtures_matching, serve_once, spec, Scripted};
use partner_bindings::{rentalcover, rocketkor, wire, Decimal, Error, RetryPolicy};
use serde_json::{json, Value};

fn rc(base: &str) -> rentalcover::Client {
    client!(rentalcover, base, "rc-test-key-0001", RetryPolicy::none())
}

fn documented_answer() -> common::Act {
    common::Act::json(
        200,
        &fixture("rentalcover", "update_insurance.response.json"),
    )
}

/// The documented change, built with the setters.
fn change(client: &rentalcover::Client) -> rentalcover::operation::UpdateInsurance {
    client
        .update_insurance("AB12-345C-INS")
        .from_date("2026-12-01 10:00:00")
        .to_date("2026-12-05 10:00:00")
        .first_name("Jack")
        .last_name("Smith")
        .email("jacksmith@myemail.com.au")
        .country("AU")
}

fn pattern_of(schema: &Value) -> regress::Regex {
    let pattern = schema["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("no pattern in {schema}"));
    regress::Regex::new(pattern).unwrap()
}

fn matches(regex: &regress::Regex, text: &str) -> bool {
    regex.find(text).is_some()
}

// --- RentalCover VehiclePickupTime / VehicleDropoffTime: the Atom format -------------------

#[test]
fn the_spec_allows_only_atom_times_whole_seconds_and_a_numeric_offset() {
    let spec = spec("rentalcover");
    let atom = pattern_of(&spec["components"]["schemas"]["Timestamp"]);
    assert!(matches(&atom, "2026-12-01T10:00:00+10:00"));
    assert!(matches(&atom, "2026-12-01T00:00:00-05:00"));
    for bad in [
        "2026-12-01T00:00:00Z",
        "2026-12-01T10:00:00.250+10:00",
        "2026-12-01 10:00:00+10:00",
        "2026-12-01T10:00+10:00",
    ] {
        assert!(!matches(&atom, bad), "{bad}");
    }
}

#[tokio::test]
async fn an_atom_time_from_a_date_time_goes_out_in_whole_seconds_with_its_offset() {
    use chrono::TimeZone;
    let server = Scripted::start(vec![documented_answer()]).await;
    let offset = chrono::FixedOffset::east_opt(10 * 3600).unwrap();
    let pickup = offset
        .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .unwrap()
        .checked_add_signed(chrono::Duration::milliseconds(250))
        .unwrap();
    let dropoff = chrono::Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap();
    assert_eq!(
        wire::Timestamp::from(pickup).as_str(),
        "2026-12-01T10:00:00+10:00"
    );
    let client = rc(&server.base);
    change(&client)
        .vehicle_pickup_time(pickup)
        .vehicle_dropoff_time(dropoff)
        .quote(Decimal::new(6000, 2))
        .await
        .unwrap();
    let body = String::from_utf8(server.requests()[0].body.clone()).unwrap();
    assert!(
        body.contains(r#""VehiclePickupTime":"2026-12-01T10:00:00+10:00""#),
        "{body}"
    );
    assert!(
        body.contains(r#""VehicleDropoffTime":"2026-12-05T00:00:00+00:00""#),
        "{body}"
    );
}

#[tokio::test]
async fn a_z_or_a_fraction_in_an_atom_time_is_refused_naming_the_member() {
    let server = Scripted::start(vec![documented_answer()]).await;
    let client = rc(&server.base);
    for (member, text) in [
        ("VehiclePickupTime", "2026-12-01T00:00:00Z"),
        ("VehicleDropoffTime", "2026-12-05T10:00:00.5+10:00"),
    ] {
        let call = change(&client);
        let call = if member == "VehiclePickupTime" {
            call.vehicle_pickup_time(text)
        } else {
            call.vehicle_dropoff_time(text)
        };
        let err = call.quote(Decimal::ONE).await.unwrap_err();
        let Error::Validation(violations) = &err else {
            panic!("{text}: {err:?}")
        };
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].field, member);
        assert!(violations[0].rule.contains("+hh:mm"), "{violations:?}");
    }
    // A time decoded from a response (tolerant) is checked too when it is sent.
    let decoded: wire::Timestamp = serde_json::from_str(r#""2022-11-23T00:42:50.311Z""#).unwrap();
    let err = change(&client)
        .vehicle_pickup_time(decoded)
        .quote(Decimal::ONE)
        .await
        .unwrap_err();
    assert_eq!(err.violations()[0].field, "VehiclePickupTime");
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_sandbox_refuses_a_z_time_naming_the_member() {
    use partner_bindings::sandbox::{Sandbox, Service};
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!(
        "{}/insurances/update/AB12-345C-INS",
        sandbox.base_url(Service::RentalCover)
    );
    let mut body = fixture("rentalcover", "update_insurance.request.json");
    body["QuoteOnly"] = json!(1);
    body["VehiclePickupTime"] = json!("2015-04-22T09:30:00Z");
    let request = reqwest::Client::new()
        .post(url)
        .header("X_API_KEY", Service::RentalCover.credential());
    refused_naming(request.json(&body), "VehiclePickupTime").await;
}

/// The sandbox answers 400 and names `member`.
#[cfg(feature = "sandbox")]
async fn refused_naming(request: reqwest::RequestBuilder, member: &str) {
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains(member), "{text}");
}

// --- RocketKOR stateCode: letters only ---------------------------------------------------

#[test]
fn a_rocketkor_state_code_is_two_or_three_upper_case_letters() {
    use rocketkor::types::AddressInputStateCode;
    for good in ["MO", "NY", "QLD"] {
        assert!(AddressInputStateCode::try_from(good).is_ok(), "{good}");
    }
    for bad in ["M1", "12", "123", "mo", "M", "ABCD"] {
        assert!(AddressInputStateCode::try_from(bad).is_err(), "{bad}");
    }
    let spec = spec("rocketkor");
    let state = &spec["components"]["schemas"]["AddressInput"]["properties"]["stateCode"];
    assert_eq!(state["minLength"], 2);
    assert_eq!(state["maxLength"], 3);
    assert!(!matches(&pattern_of(state), "M1"));
}

#[cfg(feature = "sandbox")]
#[tokio::test]
async fn the_sandbox_refuses_a_state_code_with_digits() {
    use partner_bindings::sandbox::{Sandbox, Service};
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!(
        "{}/v1/customers/0e01f271-80b1-4724-b5dc-6959c7cd88dc",
        sandbox.base_url(Service::RocketKor)
    );
    let body = json!({"addresses": [{"type": "MAILING", "streetLine1": "1 Main St",
        "zipCode": "10001", "countryCode": "USA", "stateCode": "N1", "primary": true}]});
    let request = reqwest::Client::new()
        .put(url)
        .bearer_auth(Service::RocketKor.credential());
    refused_naming(request.json(&body), "stateCode").await;
}

// --- RentalCover's documented 500 ----------------------------------------------------------

#[test]
fn rentalcover_documents_its_500_on_both_operations() {
    let spec = spec("rentalcover");
    for id in ["updateCustomer", "updateInsurance"] {
        let (_, _, op) = common::operation(&spec, id);
        assert!(op["responses"].get("500").is_some(), "{id} has no 500");
    }
}

#[tokio::test]
async fn an_html_or_json_500_is_a_server_error_with_its_status_on_both_operations() {
    let answers = [
        (
            "text/html",
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        ),
        (
            "application/json",
            r#"{"errors": ["An unexpected internal error occurred."]}"#,
        ),
    ];
    for (content_type, body) in answers {
        let (base, server) = serve_once(500, content_type, body.to_owned()).await;
        let err = change(&rc(&base)).quote(Decimal::ONE).await.unwrap_err();
        server.await.unwrap();
        assert!(matches!(err, Error::Server(_)), "{content_type}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));

        let (base, server) = serve_once(500, content_type, body.to_owned()).await;
        let err = rc(&base)
            .update_customer()
            .agent_reference("LIUI-HQS7-INS")
            .email("john.doe@example.com")
            .city("Sydney")
            .send()
            .await
            .unwrap_err();
        server.await.unwrap();
        assert!(matches!(err, Error::Server(_)), "{content_type}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(err.response().unwrap().body(), body.as_bytes());
    }
}

// --- "if unknown use NULL": one reading on both operations ---------------------------------

#[test]
fn first_and_last_name_read_use_null_the_same_way_on_both_operations() {
    let spec = spec("rentalcover");
    let schemas = &spec["components"]["schemas"];
    for member in ["FirstName", "LastName"] {
        let customer = &schemas["UpdateCustomerRequest"]["properties"][member];
        let insurance = &schemas["UpdateInsuranceRequest"]["properties"][member];
        assert_eq!(
            customer, insurance,
            "{member}: one schema on both operations"
        );
        assert_eq!(customer["nullable"], true, "{member}: null means unknown");
        assert!(
            customer["x-assumption"].is_string(),
            "{member}: our reading"
        );
    }
}

#[tokio::test]
async fn an_unknown_name_goes_out_as_null_on_both_operations() {
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("rentalcover", "update_customer.response.json"),
    )
    .await;
    rc(&base)
        .update_customer()
        .agent_reference("LIUI-HQS7-INS")
        .email("john.doe@example.com")
        .clear_first_name()
        .last_name("Doe")
        .send()
        .await
        .unwrap();
    let sent = server.await.unwrap();
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        r#"{"AgentReference":"LIUI-HQS7-INS","Email":"john.doe@example.com","FirstName":null,"LastName":"Doe"}"#
    );

    let server = Scripted::start(vec![documented_answer()]).await;
    let client = rc(&server.base);
    // The documented change with the names replaced (a setter's last call wins).
    change(&client)
        .set_first_name(None)
        .last_name("Doe")
        .quote(Decimal::ONE)
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(server.requests()[0].body.clone()).unwrap(),
        r#"{"Country":"AU","Email":"jacksmith@myemail.com.au","FirstName":null,"FromDate":"2026-12-01 10:00:00","LastName":"Doe","QuoteOnly":1,"ToDate":"2026-12-05 10:00:00"}"#
    );
}

// --- TotalAmount: what the facade prices from, the spec requires ---------------------------

#[test]
fn the_insurance_answer_requires_what_a_quote_is_priced_from() {
    let spec = spec("rentalcover");
    let required = spec["components"]["schemas"]["UpdateInsuranceResponse"]["required"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for member in ["TotalAmount", "Currency"] {
        assert!(
            required.contains(&json!(member)),
            "{member} is not required"
        );
    }
    // The generated type holds them without an Option.
    let answer: rentalcover::types::UpdateInsuranceResponse =
        serde_json::from_value(fixture("rentalcover", "update_insurance.response.json")).unwrap();
    let total: &wire::FlexNumber = &answer.total_amount;
    let currency: &String = &answer.currency;
    assert_eq!((total.as_str().as_ref(), currency.as_str()), ("60", "AUD"));
}

#[tokio::test]
async fn an_answer_without_a_total_is_refused_naming_it_for_a_quote_and_a_confirm() {
    for member in ["TotalAmount", "Currency"] {
        let mut without = fixture("rentalcover", "update_insurance.response.json");
        without.as_object_mut().unwrap().remove(member);
        let server = Scripted::start(vec![common::Act::json(200, &without)]).await;
        let err = change(&rc(&server.base))
            .quote(Decimal::ONE)
            .await
            .unwrap_err();
        let Error::Undecodable { reason, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(reason.contains(member), "{reason}");

        let server =
            Scripted::start(vec![documented_answer(), common::Act::json(200, &without)]).await;
        let client = rc(&server.base);
        let quote = change(&client).quote(Decimal::ONE).await.unwrap();
        let err = client.confirm(quote).send().await.unwrap_err();
        let Error::AppliedUnreadable { reason, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(reason.contains(member), "{reason}");
        assert!(err.may_have_been_applied());
    }
}

// --- Numbers sent as strings hold a number --------------------------------------------------

/// Every string the fixtures hold where the spec says FlexNumber, as (path, text).
fn flex_strings(
    spec: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if r == "#/components/schemas/FlexNumber" {
            if let Value::String(s) = value {
                out.push((path.to_owned(), s.clone()));
            }
            return;
        }
        let name = r.trim_start_matches("#/components/schemas/");
        return flex_strings(spec, &spec["components"]["schemas"][name], value, path, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            flex_strings(spec, branch, value, path, out);
        }
    }
    match value {
        Value::Object(members) => {
            for (k, v) in members {
                let at = format!("{path}.{k}");
                if let Some(s) = schema.get("properties").and_then(|p| p.get(k)) {
                    flex_strings(spec, s, v, &at, out);
                } else if let Some(s) = schema.get("additionalProperties").filter(|s| s.is_object())
                {
                    flex_strings(spec, s, v, &at, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    flex_strings(spec, s, v, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn a_number_sent_as_a_string_must_hold_a_number() {
    for (provider, operation) in [
        ("rentalcover", "update_customer"),
        ("rentalcover", "update_insurance"),
        ("insly", "update_policy"),
    ] {
        let spec = spec(provider);
        let flex = &spec["components"]["schemas"]["FlexNumber"];
        let text_branch = flex["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "string")
            .unwrap();
        let numeric = pattern_of(text_branch);
        for bad in ["ex dolore", "", "n/a", "1,5", "12.", ".5"] {
            assert!(!matches(&numeric, bad), "{provider}: {bad:?}");
        }
        let schema_name = match operation {
            "update_customer" => "UpdateCustomerResponse",
            "update_insurance" => "UpdateInsuranceResponse",
            _ => "UpdatePolicyResponse",
        };
        let schema = json!({"$ref": format!("#/components/schemas/{schema_name}")});
        let mut seen = Vec::new();
        for name in fixtures_matching(provider, |n| {
            n.starts_with(operation) && n.ends_with(".json") && !n.contains("request")
        }) {
            let mut strings = Vec::new();
            flex_strings(&spec, &schema, &fixture(provider, &name), "$", &mut strings);
            for (path, text) in strings {
                assert!(
                    matches(&numeric, &text),
                    "{provider}/{name} {path}: {text:?} breaks the numeric pattern"
                );
                seen.push(text);
            }
        }
        assert!(
            !seen.is_empty(),
            "{provider} {operation}: no number as text found"
        );
    }
}

// --- Yes/no values: only the documented forms --------------------------------------------

/// FlexBool lists the forms NOTES.md names (booleans, 0/1, "0"/"1") and, marked as our
/// guess, "true"/"false" as text; each branch is closed by an `enum` (so a mock sends, and
/// another language's client expects, only those), and every form means what
/// `wire::FlexBool` reads it as.
#[test]
fn a_yes_no_value_has_only_its_documented_forms() {
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let spec = spec(provider);
        let flex = &spec["components"]["schemas"]["FlexBool"];
        let mut forms = Vec::new();
        for branch in flex["oneOf"].as_array().unwrap() {
            match branch["type"].as_str().unwrap() {
                "boolean" => forms.extend([json!(true), json!(false)]),
                "integer" => {
                    assert_eq!(
                        (&branch["minimum"], &branch["maximum"]),
                        (&json!(0), &json!(1)),
                        "{provider}: FlexBool's integer form is 0 or 1"
                    );
                    forms.extend([json!(0), json!(1)]);
                }
                other => {
                    if other == "string" {
                        assert!(
                            branch["x-assumption"].is_string(),
                            "{provider}: \"true\"/\"false\" as text are a guess, to be marked"
                        );
                    }
                    let values = branch["enum"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{provider}: FlexBool's {other} form is open"));
                    forms.extend(values.iter().cloned());
                }
            }
        }
        let expected = [
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!("0"),
            json!("1"),
            json!("true"),
            json!("false"),
        ];
        assert_eq!(forms, expected, "{provider}");
        for form in forms {
            let yes = [json!(true), json!(1), json!("1"), json!("true")].contains(&form);
            let read: wire::FlexBool = serde_json::from_value(form.clone()).unwrap();
            assert_eq!(read.get(), yes, "{provider}: {form}");
        }
    }
}

// --- RocketKOR: no default host -----------------------------------------------------------

#[test]
fn rocketkor_claims_no_default_host() {
    let spec = spec("rocketkor");
    let server = &spec["servers"][0];
    let host = &server["variables"]["host"];
    let default = host["default"].as_str().unwrap();
    // A reserved name that never resolves (RFC 2606): a client that forgets to choose an
    // environment fails instead of reaching a real one.
    assert!(default.ends_with(".invalid"), "{default}");
    assert!(host["x-assumption"].is_string());
    let err = rocketkor::Client::builder()
        .credential("token")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, partner_bindings::BuildError::MissingBaseUrl),
        "{err:?}"
    );
}
