//! Secrets (API keys, tokens, socialId, securityAnswer) never appear in TRACE-level logs,
//! Debug or Display of clients, requests, responses or errors, or panic messages: on the
//! success path and on reset, truncated, HTML 503, 500 and 429, each with credentials the
//! sandbox accepts (so the call gets past auth), on a separate pass with credentials it
//! refuses (401), and on validation errors, each call's outcome kind asserted; and every
//! member a spec marks `x-sensitive`, found by walking the specs.
//! Its own test binary: it installs a tracing subscriber.
#![cfg(feature = "sandbox")]

mod common;

use common::fixture;
use partner_bindings::{
    insly, rentalcover, rocketkor,
    sandbox::{Sandbox, Service, SANDBOX_KEY, SANDBOX_TOKEN},
    Decimal, Error, RetryPolicy, Secret,
};
use serde_json::json;

const ROCKETKOR_ID: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";
const OPERATIONS: [&str; 4] = [
    "rentalcover.updateInsurance",
    "insly.updatePolicy",
    "ecurring.updateCustomer",
    "rocketkor.updateIndividualCustomer",
];

fn insurance_change() -> rentalcover::types::UpdateInsuranceRequest {
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(1);
    let typed: rentalcover::types::UpdateInsuranceRequest =
        serde_json::from_value(request).unwrap();
    typed
}

/// The kind of a call's outcome, to check that each pass really took the path it names.
fn kind(result: &Result<String, Error>) -> &'static str {
    match result {
        Ok(_) => "Ok",
        Err(Error::Unauthorized(_)) => "Unauthorized",
        Err(Error::Connection(_)) => "Connection",
        Err(Error::Server(_)) => "Server",
        Err(Error::RateLimited { .. }) => "RateLimited",
        Err(Error::OutcomeUnknown { .. }) => "OutcomeUnknown",
        Err(Error::Validation(_)) => "Validation",
        Err(_) => "other",
    }
}

/// One call of each operation with these credentials, RocketKOR's with the customer
/// secrets in the request; what each call's Debug or error shows is added to `shown`.
async fn call_all(
    sandbox: &Sandbox,
    credentials: [&str; 4],
    customer_secrets: (&str, &str),
    shown: &mut Vec<String>,
) -> Vec<&'static str> {
    let [rc_key, insly_token, ec_key, rk_token] = credentials;
    let rc = client!(
        rentalcover,
        sandbox.base_url(Service::RentalCover),
        rc_key,
        RetryPolicy::none()
    );
    let ins = client!(
        insly,
        sandbox.base_url(Service::Insly),
        insly_token,
        RetryPolicy::none()
    );
    let ec = client!(
        ecurring,
        sandbox.base_url(Service::ECurring),
        ec_key,
        RetryPolicy::none()
    );
    let rk = client!(
        rocketkor,
        sandbox.base_url(Service::RocketKor),
        rk_token,
        RetryPolicy::none()
    );
    shown.push(format!("{rc:?} {ins:?} {ec:?} {rk:?}"));
    let (ssn, answer) = customer_secrets;
    let profile = rk
        .update_individual_customer(ROCKETKOR_ID)
        .social_id(ssn)
        .social_id_country_code("USA")
        .security_answer(answer);
    shown.push(format!("{profile:?}"));
    let results = [
        rc.update_insurance("AB12-345C-INS")
            .request(insurance_change())
            .quote(Decimal::new(60, 0))
            .await
            .map(|q| format!("{q:?}")),
        ins.update_policy()
            .request(
                serde_json::from_value::<insly::types::UpdatePolicyRequest>(fixture(
                    "insly",
                    "update_policy.request.json",
                ))
                .unwrap(),
            )
            .send()
            .await
            .map(|r| format!("{r:?}")),
        ec.update_customer("1")
            .city("Utrecht")
            .send()
            .await
            .map(|r| format!("{r:?}")),
        profile.send().await.map(|r| format!("{r:?}")),
    ];
    let kinds = results.iter().map(kind).collect();
    for result in results {
        match result {
            Ok(debug) => shown.push(debug),
            Err(e) => shown.push(format!(
                "{e} | {e:?} | {:?}",
                std::error::Error::source(&e).map(ToString::to_string)
            )),
        }
    }
    kinds
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_in_logs_debug_errors_or_panics_on_any_path() {
    // Secrets the sandbox accepts, so the success path and the faults applied after the
    // auth check (reset, truncate) really run.
    const ACCEPTED: [&str; 4] = [SANDBOX_KEY, SANDBOX_TOKEN, SANDBOX_KEY, SANDBOX_TOKEN];
    const WRONG: [&str; 4] = [
        "sk-live-RC-7731-SECRET",
        "tok-INSLY-9981-SECRET",
        "ec-7de1-SECRET",
        "rk-bearer-5521-SECRET",
    ];
    const SSN: &str = "078-05-1120";
    const ANSWER: &str = "my first dog was Rex";

    let logs = common::global_logs();
    let sandbox = Sandbox::start().await.unwrap();
    let mut shown: Vec<String> = Vec::new();
    // (fault, the kind each operation must end with: RentalCover quote, Insly update
    // (at most once), eCurring, RocketKOR), all with accepted credentials.
    let passes: [(Option<&str>, [&str; 4]); 6] = [
        (None, ["Ok", "Ok", "Ok", "Ok"]),
        (
            Some("reset"),
            ["Connection", "OutcomeUnknown", "Connection", "Connection"],
        ),
        (
            Some("truncate"),
            ["Connection", "OutcomeUnknown", "Connection", "Connection"],
        ),
        (
            Some("html"),
            ["Server", "OutcomeUnknown", "Server", "Server"],
        ),
        (
            Some("status=500"),
            ["Server", "OutcomeUnknown", "Server", "Server"],
        ),
        (Some("status=429,retry-after=0"), ["RateLimited"; 4]),
    ];
    let mut outcomes = serde_json::Map::new();
    for (fault, expected) in passes {
        for operation in OPERATIONS {
            sandbox.inject(operation, fault);
        }
        let kinds = call_all(&sandbox, ACCEPTED, (SSN, ANSWER), &mut shown).await;
        assert_eq!(kinds, expected, "fault {fault:?}");
        outcomes.insert(fault.unwrap_or("none").into(), serde_json::json!(kinds));
    }
    // A separate pass with credentials the sandbox refuses.
    for operation in OPERATIONS {
        sandbox.inject(operation, None);
    }
    let kinds = call_all(&sandbox, WRONG, (SSN, ANSWER), &mut shown).await;
    assert_eq!(kinds, ["Unauthorized"; 4]);
    outcomes.insert("refused credentials".into(), serde_json::json!(kinds));
    // Validation errors that involve a secret member.
    let rk = sandbox_client!(rocketkor, RocketKor, sandbox);
    let too_long = rocketkor::types::UpdateIndividualCustomerRequest::builder()
        .social_id(Some(Secret::new(format!("{SSN}{}", "9".repeat(60)))));
    let err = rk
        .update_individual_customer(ROCKETKOR_ID)
        .request(too_long)
        .send()
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    // A panic message carrying a request.
    let request = rocketkor::types::UpdateIndividualCustomerRequest::builder()
        .security_answer(Some(Secret::new(ANSWER)));
    let panic = std::panic::catch_unwind(|| panic!("unexpected: {request:?}")).unwrap_err();
    shown.push(panic.downcast_ref::<String>().cloned().unwrap_or_default());

    let logs = logs.text();
    assert!(
        logs.contains("partner_bindings.call") && logs.contains("status=401"),
        "{logs}"
    );
    let everything = format!("{}\n{logs}", shown.join("\n"));
    let [wrong_rc, wrong_insly, wrong_ec, wrong_rk] = WRONG;
    let secrets = [
        SANDBOX_KEY,
        SANDBOX_TOKEN,
        wrong_rc,
        wrong_insly,
        wrong_ec,
        wrong_rk,
        SSN,
        ANSWER,
    ];
    for secret in secrets {
        assert!(
            !everything.contains(secret),
            "{secret} leaked in:\n{everything}"
        );
    }
    common::report(
        "secrets",
        serde_json::json!({"passes": outcomes, "secrets": secrets.len(), "log_bytes": logs.len()}),
    );
}

/// Every member the specs mark sensitive (a component with `x-sensitive: true`, used in a
/// request or a response body), found by walking the specs: a value planted there in the
/// documented example decodes (and is readable on purpose) but never shows in Debug.
#[test]
fn every_member_marked_x_sensitive_is_redacted_in_debug() {
    use serde_json::Value;

    /// Member paths (`a.b.c`) under `schema` that use a sensitive component.
    fn walk(spec: &Value, schema: &Value, path: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 24 {
            return;
        }
        let sensitive = |r: &str| {
            let name = r.trim_start_matches("#/components/schemas/");
            spec["components"]["schemas"][name]["x-sensitive"] == json!(true)
        };
        if let Some(r) = schema["$ref"].as_str() {
            if sensitive(r) {
                out.push(path.to_string());
                return;
            }
            let name = r.trim_start_matches("#/components/schemas/");
            return walk(
                spec,
                &spec["components"]["schemas"][name],
                path,
                depth + 1,
                out,
            );
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in schema[key].as_array().into_iter().flatten() {
                walk(spec, branch, path, depth + 1, out);
            }
        }
        if let Some(items) = schema.get("items") {
            walk(spec, items, &format!("{path}[]"), depth + 1, out);
        }
        for (name, member) in schema["properties"].as_object().into_iter().flatten() {
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            walk(spec, member, &child, depth + 1, out);
        }
    }

    /// Sets `value` at `path` in `document`, creating the last member only.
    fn plant(document: &mut Value, path: &str, value: &str) {
        let mut node = document;
        let parts: Vec<&str> = path.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            node = node
                .get_mut(*part)
                .unwrap_or_else(|| panic!("{path}: no {part}"));
        }
        node[parts[parts.len() - 1]] = json!(value);
    }

    let mut found = Vec::new();
    for (provider, fixture_stem) in [
        ("rentalcover", "update_insurance"),
        ("rentalcover", "update_customer"),
        ("insly", "update_policy"),
        ("ecurring", "update_customer"),
        ("rocketkor", "update_individual_customer"),
    ] {
        let spec = common::spec(provider);
        for (_, item) in spec["paths"].as_object().unwrap() {
            for (_, op) in item.as_object().unwrap() {
                // Every media type (eCurring's is application/vnd.api+json).
                let schemas = |content: &Value| -> Vec<Value> {
                    content
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(_, media)| media["schema"].clone())
                        .collect()
                };
                let requests = schemas(&op["requestBody"]["content"]);
                let responses = schemas(&op["responses"]["200"]["content"]);
                assert!(!responses.is_empty(), "{provider}: no 200 body found");
                let sides = requests
                    .iter()
                    .map(|s| ("request", s))
                    .chain(responses.iter().map(|s| ("response", s)));
                for (side, schema) in sides {
                    let mut paths = Vec::new();
                    walk(&spec, schema, "", 0, &mut paths);
                    for path in paths {
                        found.push(format!("{provider} {side} {path}"));
                        let secret = format!("planted-{}-SECRET", path.replace('.', "-"));
                        let mut document =
                            fixture(provider, &format!("{fixture_stem}.{side}.json"));
                        plant(&mut document, &path, &secret);
                        let debug = match (provider, side) {
                            ("insly", "response") => format!(
                                "{:?}",
                                serde_json::from_value::<insly::types::UpdatePolicyResponse>(
                                    document
                                )
                                .unwrap()
                            ),
                            ("rocketkor", "request") => format!(
                                "{:?}",
                                serde_json::from_value::<
                                    rocketkor::types::UpdateIndividualCustomerRequest,
                                >(document)
                                .unwrap()
                            ),
                            ("rocketkor", "response") => format!(
                                "{:?}",
                                serde_json::from_value::<rocketkor::types::IndividualCustomer>(
                                    document
                                )
                                .unwrap()
                            ),
                            other => panic!("a sensitive member in {other:?}: add its type here"),
                        };
                        assert!(
                            !debug.contains(&secret),
                            "{provider} {side} {path}: {debug}"
                        );
                        assert!(debug.contains("[redacted]"), "{provider} {side} {path}");
                        // And the JSON redaction (CLI output, error excerpts) knows its name.
                        let mut planted = fixture(provider, &format!("{fixture_stem}.{side}.json"));
                        plant(&mut planted, &path, &secret);
                        partner_bindings::redact_secrets(&mut planted);
                        assert!(
                            !planted.to_string().contains(&secret),
                            "{provider} {side} {path}: not redacted by name"
                        );
                    }
                }
            }
        }
    }
    found.sort();
    common::report("sensitive-members", serde_json::json!(found));
    assert_eq!(
        found,
        [
            "insly response response.payment_intent.client_secret",
            "rocketkor request securityAnswer",
            "rocketkor request socialId",
            "rocketkor response securityAnswer",
            "rocketkor response socialId",
        ]
    );
}
