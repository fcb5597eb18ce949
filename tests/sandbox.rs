//! The embedded sandbox, started in-process: documented examples, the facade against it,
//! every error status in each provider's shape, state across calls, QuoteOnly semantics,
//! fault injection and the request counters.
#![cfg(feature = "sandbox")]

mod common;

use std::time::{Duration, Instant};

use common::fixture;
use partner_bindings::{
    ecurring, insly,
    rentalcover::{self, Adjustment},
    rocketkor,
    sandbox::{Sandbox, Service, SANDBOX_KEY, SANDBOX_TOKEN},
    Decimal, Error, RetryPolicy,
};
use serde_json::{json, Value};

const RENTALCOVER_REF: &str = "AB12-345C-INS";
const ROCKETKOR_ID: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";

/// A raw call: method, provider, path, extra headers, body; returns (status, headers, body).
async fn call(
    sandbox: &Sandbox,
    method: &str,
    provider: Service,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let url = format!("{}{path}", sandbox.base_url(provider));
    let mut request = reqwest::Client::new().request(method.parse().unwrap(), url);
    let overridden = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    for (name, value) in auth(provider)
        .iter()
        .filter(|(n, _)| !overridden(n))
        .chain(headers)
    {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn auth(provider: Service) -> Vec<(&'static str, &'static str)> {
    match provider {
        Service::RentalCover => vec![
            ("x_api_key", SANDBOX_KEY),
            ("content-type", "application/json"),
        ],
        Service::ECurring => vec![
            ("x-authorization", SANDBOX_KEY),
            ("content-type", "application/vnd.api+json"),
        ],
        Service::Insly | Service::RocketKor => vec![
            ("authorization", "Bearer sandbox-token"),
            ("content-type", "application/json"),
        ],
    }
}

/// Each operation: provider, method, path, the documented request.
fn operations() -> Vec<(Service, &'static str, String, Value, &'static str)> {
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    insurance["QuoteOnly"] = json!(1);
    vec![
        (
            Service::RentalCover,
            "POST",
            "/insurances/updateCustomer".into(),
            fixture("rentalcover", "update_customer.request.json"),
            "rentalcover.updateCustomer",
        ),
        (
            Service::RentalCover,
            "POST",
            format!("/insurances/update/{RENTALCOVER_REF}"),
            insurance,
            "rentalcover.updateInsurance",
        ),
        (
            Service::Insly,
            "POST",
            "/api/policy/update".into(),
            fixture("insly", "update_policy.request.json"),
            "insly.updatePolicy",
        ),
        (
            Service::ECurring,
            "PATCH",
            "/customers/1".into(),
            fixture("ecurring", "update_customer.request.json"),
            "ecurring.updateCustomer",
        ),
        (
            Service::RocketKor,
            "PUT",
            format!("/v1/customers/{ROCKETKOR_ID}"),
            fixture("rocketkor", "update_individual_customer.request.json"),
            "rocketkor.updateIndividualCustomer",
        ),
    ]
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

#[tokio::test]
async fn documented_requests_succeed_and_are_counted() {
    let sandbox = Sandbox::start().await.unwrap();
    for (provider, method, path, body, operation) in operations() {
        let (status, headers, response) = call(
            &sandbox,
            method,
            provider,
            &path,
            &[],
            Some(body.to_string().into_bytes()),
        )
        .await;
        assert_eq!(
            status,
            200,
            "{operation}: {}",
            String::from_utf8_lossy(&response)
        );
        let media = if provider == Service::ECurring {
            "application/vnd.api+json"
        } else {
            "application/json"
        };
        assert_eq!(headers["content-type"], media);
        assert!(json_of(&response).is_object());
        assert_eq!(sandbox.received(operation), 1, "{operation}");
    }
    assert_eq!(sandbox.received("rentalcover.nothing"), 0);
    assert_eq!(sandbox.counts().values().sum::<u64>(), 5);
}

#[tokio::test]
async fn errors_come_in_each_providers_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    for (provider, method, path, body, operation) in operations() {
        let body = body.to_string().into_bytes();
        let shape = |status: u16, raw: &[u8]| {
            let value = json_of(raw);
            match provider {
                Service::RentalCover => assert!(
                    value["errors"].is_object() || value["errors"].is_array(),
                    "{value}"
                ),
                Service::Insly => {
                    assert_eq!(value["status"], status, "{value}");
                    assert!(value["message"].is_string(), "{value}");
                }
                Service::ECurring => {
                    assert_eq!(value["errors"][0]["status"], status.to_string(), "{value}")
                }
                Service::RocketKor => {
                    assert_eq!(value["status"], status, "{value}");
                    assert!(
                        value["code"].is_string() && value["errors"].is_array(),
                        "{value}"
                    );
                }
            }
            value
        };
        let url = format!("{}{path}", sandbox.base_url(provider));
        let client = reqwest::Client::new();

        // 401: no credential, and a wrong one.
        let response = client
            .request(method.parse().unwrap(), &url)
            .header("content-type", auth(provider)[1].1)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{operation}");
        shape(401, &response.bytes().await.unwrap());
        let (name, _) = auth(provider)[0];
        let wrong = if name == "authorization" {
            "Bearer nope"
        } else {
            "nope"
        };
        let response = client
            .request(method.parse().unwrap(), &url)
            .header(name, wrong)
            .header("content-type", auth(provider)[1].1)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{operation}");

        // 400: malformed JSON.
        let (status, _, raw) = call(
            &sandbox,
            method,
            provider,
            &path,
            &[],
            Some(b"{\"a\": ".to_vec()),
        )
        .await;
        assert_eq!(status, 400, "{operation}");
        shape(400, &raw);

        // 400 (422 for JSON:API): a body that breaks the spec, naming the member.
        let mut broken = json_of(&body);
        let (member, expected_field) = match provider {
            Service::RentalCover if path.contains("updateCustomer") => {
                ("AgentReference", "AgentReference")
            }
            Service::RentalCover => ("FromDate", "FromDate"),
            Service::Insly => ("policy_oid", "policy_oid"),
            Service::ECurring => ("data", "data"),
            Service::RocketKor => ("firstName", "firstName"),
        };
        match provider {
            Service::ECurring => {
                broken["data"]["attributes"]["country_iso2"] = json!("Netherlands")
            }
            Service::RocketKor => broken[member] = json!("x".repeat(41)),
            Service::Insly => broken[member] = json!("twelve"),
            Service::RentalCover => broken[member] = json!(42),
        }
        let (status, _, raw) = call(
            &sandbox,
            method,
            provider,
            &path,
            &[],
            Some(broken.to_string().into_bytes()),
        )
        .await;
        let invalid = if provider == Service::ECurring {
            422
        } else {
            400
        };
        assert_eq!(
            status,
            invalid,
            "{operation}: {}",
            String::from_utf8_lossy(&raw)
        );
        let value = shape(invalid, &raw);
        let text = value.to_string();
        let named = if provider == Service::ECurring {
            "/data/attributes/country_iso2"
        } else {
            expected_field
        };
        assert!(text.contains(named), "{operation}: {text}");

        // Missing required member.
        if provider != Service::RocketKor {
            let mut missing = json_of(&body);
            let required = match provider {
                Service::RentalCover => "Email",
                Service::Insly => "customer_oid",
                _ => "data",
            };
            missing.as_object_mut().unwrap().remove(required);
            let (status, _, raw) = call(
                &sandbox,
                method,
                provider,
                &path,
                &[],
                Some(missing.to_string().into_bytes()),
            )
            .await;
            assert_eq!(status, invalid, "{operation}");
            assert!(
                String::from_utf8_lossy(&raw).contains(required),
                "{operation}"
            );
        }

        // 405 with Allow.
        let (status, headers, raw) = call(&sandbox, "GET", provider, &path, &[], None).await;
        assert_eq!(status, 405, "{operation}");
        assert_eq!(headers["allow"], method, "{operation}");
        shape(405, &raw);

        // 415.
        let (status, _, raw) = call(
            &sandbox,
            method,
            provider,
            &path,
            &[("content-type", "text/plain")],
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 415, "{operation}");
        shape(415, &raw);

        // 413.
        let mut huge = json_of(&body);
        huge.as_object_mut()
            .unwrap()
            .insert("padding".into(), json!("x".repeat(1024 * 1024)));
        let (status, _, raw) = call(
            &sandbox,
            method,
            provider,
            &path,
            &[],
            Some(huge.to_string().into_bytes()),
        )
        .await;
        assert_eq!(status, 413, "{operation}");
        shape(413, &raw);

        // 404: unknown path under the provider.
        let (status, _, raw) = call(
            &sandbox,
            method,
            provider,
            "/no/such/thing",
            &[],
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 404, "{operation}");
        shape(404, &raw);
    }

    // 404: unknown resources.
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    insurance["QuoteOnly"] = json!(1);
    let (status, _, raw) = call(
        &sandbox,
        "POST",
        Service::RentalCover,
        "/insurances/update/ZZ99-999Z-INS",
        &[],
        Some(insurance.to_string().into_bytes()),
    )
    .await;
    assert_eq!(
        (status, json_of(&raw)),
        (404, json!({"errors": ["Policy could not be found."]}))
    );
    let mut document = fixture("ecurring", "update_customer.request.json");
    document["data"]["id"] = json!("77");
    let (status, _, _) = call(
        &sandbox,
        "PATCH",
        Service::ECurring,
        "/customers/77",
        &[],
        Some(document.to_string().into_bytes()),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, raw) = call(
        &sandbox,
        "PUT",
        Service::RocketKor,
        "/v1/customers/11111111-2222-3333-4444-555555555555",
        &[],
        Some(b"{}".to_vec()),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(json_of(&raw)["code"], "NOT_FOUND");
    let (status, _, _) = call(
        &sandbox,
        "PUT",
        Service::RocketKor,
        "/v1/customers/not-a-uuid",
        &[],
        Some(b"{}".to_vec()),
    )
    .await;
    assert_eq!(status, 404);
    let mut policy = fixture("insly", "update_policy.request.json");
    policy["policy_oid"] = json!(1);
    let (status, _, raw) = call(
        &sandbox,
        "POST",
        Service::Insly,
        "/api/policy/update",
        &[],
        Some(policy.to_string().into_bytes()),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(json_of(&raw)["status"], 404);
    // Outside any provider.
    let response = reqwest::get(format!("{}/nowhere", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn no_input_yields_a_server_error() {
    let sandbox = Sandbox::start().await.unwrap();
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"text\"".to_vec(),
        b"{\"data\": {\"attributes\": []}}".to_vec(),
        b"{\"addresses\": [{\"type\": \"MOON\"}]}".to_vec(),
        vec![0xff, 0xfe, 0x00],
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        b"{\"QuoteOnly\": 1e400}".to_vec(),
    ];
    let paths = [
        (
            Service::RentalCover,
            "POST",
            format!("/insurances/update/{RENTALCOVER_REF}"),
        ),
        (
            Service::RentalCover,
            "POST",
            "/insurances/updateCustomer".to_string(),
        ),
        (Service::Insly, "POST", "/api/policy/update".to_string()),
        (Service::ECurring, "PATCH", "/customers/1".to_string()),
        (
            Service::RocketKor,
            "PUT",
            format!("/v1/customers/{ROCKETKOR_ID}"),
        ),
        (Service::RocketKor, "PUT", "/v1/customers/%ZZ%".to_string()),
        (
            Service::ECurring,
            "DELETE",
            "/customers/%F0%9F%92%A9".to_string(),
        ),
    ];
    for (provider, method, path) in &paths {
        for body in &bodies {
            let (status, _, _) =
                call(&sandbox, method, *provider, path, &[], Some(body.clone())).await;
            assert!(
                (200..500).contains(&status),
                "{provider:?} {method} {path} {:?}: {status}",
                String::from_utf8_lossy(body)
            );
        }
    }
}

fn client_parts(sandbox: &Sandbox, provider: Service) -> (String, &'static str) {
    (sandbox.base_url(provider), provider.credential())
}

#[tokio::test]
async fn quote_only_1_saves_nothing_and_0_applies() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox_client!(rentalcover, RentalCover, sandbox);
    let change = |to: &str| {
        let mut request = fixture("rentalcover", "update_insurance.request.json");
        request["QuoteOnly"] = json!(1);
        request["FromDate"] = json!("2026-12-01 10:00:00");
        request["ToDate"] = json!(to);
        request["VehicleStdLiabilityLow"] = json!(3000);
        serde_json::from_value::<rentalcover::types::UpdateInsuranceRequest>(request).unwrap()
    };
    // The seeded policy costs AUD 60 (4 days at 15). Five days at the same cover: +15.
    let quote = client
        .update_insurance(RENTALCOVER_REF)
        .request(change("2026-12-05 10:00:00"))
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    assert_eq!(quote.adjustment().to_string(), "a charge of AUD 15.00");
    // Quoting again gives the same answer: nothing was saved.
    let again = client
        .update_insurance(RENTALCOVER_REF)
        .request(change("2026-12-05 10:00:00"))
        .quote(Decimal::new(60, 0))
        .await
        .unwrap();
    assert_eq!(again.adjustment(), quote.adjustment());
    let applied = client.confirm(quote).send().await.unwrap();
    assert_eq!(
        applied.policy().total_amount.as_decimal(),
        Some(Decimal::new(75, 0))
    );
    // Now the stored total is 75: going back to 4 days is a refund of 15.
    let back = client
        .update_insurance(RENTALCOVER_REF)
        .request(change("2026-12-04 10:00:00"))
        .quote(Decimal::new(75, 0))
        .await
        .unwrap();
    assert_eq!(
        back.adjustment(),
        Adjustment::Refund(rentalcover::Money::new(Decimal::new(1500, 2), "AUD"))
    );
    assert_eq!(sandbox.received("rentalcover.updateInsurance"), 4);
}

#[tokio::test]
async fn state_is_kept_across_calls() {
    let sandbox = Sandbox::start().await.unwrap();
    // RentalCover: NewEmail moves the customer.
    let rc = sandbox_client!(rentalcover, RentalCover, sandbox);
    let change: rentalcover::types::UpdateCustomerRequest =
        serde_json::from_value(fixture("rentalcover", "update_customer.request.json")).unwrap();
    let moved = rc
        .update_customer()
        .request(change.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        moved.customer.as_ref().unwrap().email.as_deref(),
        Some("john.doe@example.net")
    );
    let err = rc
        .update_customer()
        .request(change.clone())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(_)),
        "the old email is gone: {err:?}"
    );
    let at_new = rentalcover::types::builder::UpdateCustomerRequest::from(change)
        .email("john.doe@example.net".to_string())
        .new_email(None)
        .city(Some("Melbourne".to_string()));
    let found = rc.update_customer().request(at_new).send().await.unwrap();
    assert_eq!(
        found.customer.as_ref().unwrap().city.as_deref(),
        Some("Melbourne")
    );

    // eCurring: absent attributes are kept, null clears.
    let ec = sandbox_client!(ecurring, ECurring, sandbox);
    let before = ec
        .update_customer("1")
        .request(
            ecurring::types::CustomerAttributesUpdate::builder()
                .telephone("+31201234567".to_string()),
        )
        .send()
        .await
        .unwrap();
    let after = ec
        .update_customer("1")
        .request(
            ecurring::types::CustomerAttributesUpdate::builder()
                .city(Some("Utrecht".to_string()))
                .telephone(ecurring::Patch::Clear),
        )
        .send()
        .await
        .unwrap();
    let (b, a) = (
        before.data.as_ref().unwrap().attributes.as_ref().unwrap(),
        after.data.as_ref().unwrap().attributes.as_ref().unwrap(),
    );
    assert_eq!(a.city.as_deref(), Some("Utrecht"));
    assert_eq!(a.telephone, None);
    assert_eq!(b.telephone.as_deref(), Some("+31201234567"));
    assert_eq!(
        (&a.first_name, &a.email, &a.street),
        (&b.first_name, &b.email, &b.street)
    );

    // RocketKOR: a new primary SHIPPING address demotes the old one.
    let rk = sandbox_client!(rocketkor, RocketKor, sandbox);
    let address: rocketkor::types::AddressInput = serde_json::from_value(json!({
        "type": "SHIPPING", "name": {"firstName": "Sarah", "lastName": "Green"},
        "streetLine1": "1 Harbour Rd", "cityName": "Boston", "stateCode": "MA",
        "countryCode": "USA", "zipCode": "02110", "primary": true
    }))
    .unwrap();
    let customer = rk
        .update_individual_customer(ROCKETKOR_ID)
        .request(
            rocketkor::types::UpdateIndividualCustomerRequest::builder().addresses(vec![address]),
        )
        .send()
        .await
        .unwrap();
    let shipping: Vec<_> = customer
        .addresses
        .iter()
        .flatten()
        .filter(|a| serde_json::to_value(&a.type_).unwrap() == "SHIPPING")
        .collect();
    assert_eq!(shipping.len(), 2);
    let primaries: Vec<_> = shipping
        .iter()
        .filter(|a| a.primary.as_ref().is_some_and(|p| p.get()))
        .collect();
    assert_eq!(primaries.len(), 1);
    assert_eq!(primaries[0].street_line1.as_deref(), Some("1 Harbour Rd"));
    // Secrets come back masked, as the provider shows them.
    assert!(customer
        .social_id
        .as_ref()
        .unwrap()
        .expose()
        .starts_with("*****"));

    // Insly: each adjustment re-prices from the last one.
    let insly = sandbox_client!(insly, Insly, sandbox);
    let change: insly::types::UpdatePolicyRequest =
        serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
    let first = insly
        .update_policy()
        .request(change.clone())
        .send()
        .await
        .unwrap();
    let second = insly.update_policy().request(change).send().await.unwrap();
    assert!(first.payable().unwrap() > Decimal::ZERO);
    assert_eq!(
        second.payable(),
        Some(Decimal::ZERO),
        "the same change twice costs nothing more"
    );
}

#[tokio::test]
async fn faults_are_injected_on_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let path = "/customers/1";
    let body = fixture("ecurring", "update_customer.request.json")
        .to_string()
        .into_bytes();
    let fault = |f: &'static str| vec![("x-sandbox-fault", f)];

    let started = Instant::now();
    let (status, _, _) = call(
        &sandbox,
        "PATCH",
        Service::ECurring,
        path,
        &fault("delay=300"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let (status, headers, raw) = call(
        &sandbox,
        "PATCH",
        Service::ECurring,
        path,
        &fault("status=503, retry-after=2"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status, headers["retry-after"].to_str().unwrap()),
        (503, "2")
    );
    assert_eq!(json_of(&raw)["errors"][0]["status"], "503");

    let (status, headers, raw) = call(
        &sandbox,
        "PATCH",
        Service::ECurring,
        path,
        &fault("html"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 503);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&raw).contains("<html>"));

    let (status, _, _) = call(
        &sandbox,
        "PATCH",
        Service::ECurring,
        path,
        &fault("status=429;retry-after=1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 429);

    for broken in ["reset", "truncate"] {
        let url = format!("{}{path}", sandbox.base_url(Service::ECurring));
        let mut request = reqwest::Client::new()
            .patch(url)
            .header("x-sandbox-fault", broken)
            .body(body.clone());
        for (name, value) in auth(Service::ECurring) {
            request = request.header(name, value);
        }
        let result = match request.send().await {
            Ok(response) => response.bytes().await.map(|_| ()),
            Err(e) => Err(e),
        };
        assert!(result.is_err(), "{broken} must break the exchange");
    }
    assert_eq!(sandbox.received("ecurring.updateCustomer"), 6);

    // Through the facade: an at-most-once call on a reset is OutcomeUnknown after exactly one
    // request, and the sandbox applied it (the state changed).
    let (base, key) = client_parts(&sandbox, Service::Insly);
    let http = reqwest::Client::builder().default_headers(
        [(
            reqwest::header::HeaderName::from_static("x-sandbox-fault"),
            reqwest::header::HeaderValue::from_static("reset"),
        )]
        .into_iter()
        .collect(),
    );
    let insly = insly::Client::builder()
        .environment(partner_bindings::insly::Environment::Custom(base))
        .credential(key)
        .http_client(http)
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let change: insly::types::UpdatePolicyRequest =
        serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
    let err = insly
        .update_policy()
        .request(change)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(sandbox.received("insly.updatePolicy"), 1);
}

#[tokio::test]
async fn clients_reuse_connections() {
    let sandbox = Sandbox::start().await.unwrap();
    let ec = sandbox_client!(ecurring, ECurring, sandbox);
    for _ in 0..20 {
        ec.update_customer("1")
            .request(
                ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string())),
            )
            .send()
            .await
            .unwrap();
    }
    assert_eq!(sandbox.received("ecurring.updateCustomer"), 20);
    assert_eq!(sandbox.connections(), 1);
    let counts = reqwest::get(format!("{}/_sandbox/counts", sandbox.url()))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(counts["ecurring.updateCustomer"], 20);
    let _ = SANDBOX_TOKEN;
}

#[test]
fn bundled_specs_pass_the_structural_check_and_broken_ones_fail() {
    for provider in Service::ALL {
        let spec: Value = serde_json::from_str(provider.spec_json()).unwrap();
        assert_eq!(
            partner_bindings::sandbox::check_spec(&spec),
            Vec::<String>::new(),
            "{provider:?}"
        );
    }
    let mut spec: Value = serde_json::from_str(Service::RocketKor.spec_json()).unwrap();
    spec["components"]["schemas"]["Name40"]["maxLength"] = json!(3);
    spec["components"]["schemas"]["CountryCode3"]["pattern"] = json!("^[A-Z{3}$");
    let problems = partner_bindings::sandbox::check_spec(&spec);
    assert!(
        problems.iter().any(|p| p.contains("does not compile")),
        "{problems:?}"
    );
    let mut spec: Value = serde_json::from_str(Service::RocketKor.spec_json()).unwrap();
    spec["components"]["schemas"]["Name40"]["maxLength"] = json!(3);
    let problems = partner_bindings::sandbox::check_spec(&spec);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("firstName must be at most 3 characters")),
        "{problems:?}"
    );
    let mut spec: Value = serde_json::from_str(Service::Insly.spec_json()).unwrap();
    spec["paths"]["/api/policy/update"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["$ref"] = json!("#/components/schemas/Nope");
    let problems = partner_bindings::sandbox::check_spec(&spec);
    assert_eq!(
        problems,
        ["$ref #/components/schemas/Nope does not resolve"]
    );
}
