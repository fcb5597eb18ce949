//! Secrets (API keys, tokens, socialId, securityAnswer) never appear in TRACE-level logs,
//! Debug or Display of clients, requests, responses or errors, or panic messages, on the
//! success path and on every error path (401, reset, truncated, HTML 503, 500, 429,
//! validation); and every member a spec marks `x-sensitive`, found by walking the specs.
//! Its own test binary: it installs a tracing subscriber.
#![cfg(feature = "sandbox")]

mod common;

use common::fixture;
use partner_bindings::{
    ecurring, insly,
    rentalcover::{self},
    rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, RetryPolicy, Secret,
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

#[tokio::test(flavor = "current_thread")]
async fn no_secret_in_logs_debug_errors_or_panics_on_any_path() {
    const KEY: &str = "sk-live-RC-7731-SECRET";
    const TOKEN: &str = "tok-INSLY-9981-SECRET";
    const EC: &str = "ec-7de1-SECRET";
    const RK: &str = "rk-bearer-5521-SECRET";
    const SSN: &str = "078-05-1120";
    const ANSWER: &str = "my first dog was Rex";

    let logs = common::global_logs();

    let sandbox = Sandbox::start().await.unwrap();
    let mut shown: Vec<String> = Vec::new();
    // Every provider, with a wrong secret credential (401) and with faults, so every error
    // path runs; RocketKOR also with the customer secrets in the request.
    for fault in [
        None,
        Some("reset"),
        Some("truncate"),
        Some("html"),
        Some("status=500"),
        Some("status=429,retry-after=0"),
    ] {
        for operation in OPERATIONS {
            sandbox.inject(operation, fault);
        }
        let rc = rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                sandbox.base_url(Service::RentalCover),
            ))
            .credential(KEY)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let ins = insly::Client::builder()
            .environment(partner_bindings::insly::Environment::Custom(
                sandbox.base_url(Service::Insly),
            ))
            .credential(TOKEN)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let ec = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(
                sandbox.base_url(Service::ECurring),
            ))
            .credential(EC)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let rk = rocketkor::Client::builder()
            .environment(partner_bindings::rocketkor::Environment::Custom(
                sandbox.base_url(Service::RocketKor),
            ))
            .credential(RK)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        shown.push(format!("{rc:?} {ins:?} {ec:?} {rk:?}"));
        let profile = rocketkor::types::UpdateIndividualCustomerRequest::builder()
            .social_id(Some(Secret::new(SSN)))
            .social_id_country_code(Some(
                "USA".parse::<rocketkor::types::CountryCode3>().unwrap(),
            ))
            .security_answer(Some(Secret::new(ANSWER)));
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
                .request(
                    ecurring::types::CustomerAttributesUpdate::builder().city(Some("x".into())),
                )
                .send()
                .await
                .map(|r| format!("{r:?}")),
            rk.update_individual_customer(ROCKETKOR_ID)
                .request(profile)
                .send()
                .await
                .map(|r| format!("{r:?}")),
        ];
        for result in results {
            match result {
                Ok(debug) => shown.push(debug),
                Err(e) => shown.push(format!(
                    "{e} | {e:?} | {:?}",
                    std::error::Error::source(&e).map(ToString::to_string)
                )),
            }
        }
    }
    // Validation errors that involve a secret member.
    let rk = rocketkor::Client::builder()
        .environment(partner_bindings::rocketkor::Environment::Custom(
            sandbox.base_url(Service::RocketKor),
        ))
        .credential(RK)
        .build()
        .unwrap();
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
    for secret in [KEY, TOKEN, EC, RK, SSN, ANSWER] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked in:\n{everything}"
        );
    }
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
