//! The bad-input matrix, generated from the specs: for every constraint a request schema
//! declares (type, required, enum, minLength, maxLength, pattern, format, maxProperties,
//! and the documented conditional rules), a violating request built from a valid one.
//! Each must be refused by the facade naming the member with nothing sent, and refused by
//! the sandbox in the provider's error shape naming the same member.
#![cfg(feature = "sandbox")]

mod common;

use common::fixture;
use partner_bindings::{
    ecurring, insly, rentalcover, rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, Error, RetryPolicy,
};
use serde_json::{json, Value};

/// The operations: provider, operationId, a valid request (richer than the documented
/// example, so nested members exist to break), the path, the method.
fn operations() -> Vec<(Service, &'static str, Value, &'static str, &'static str)> {
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    insurance["QuoteOnly"] = json!(1);
    insurance["FromDate"] = json!("2026-12-01 10:00:00");
    insurance["ToDate"] = json!("2026-12-05 10:00:00");
    let mut customer = fixture("rentalcover", "update_customer.request.json");
    customer.as_object_mut().unwrap().remove("NewEmail");
    let mut document = fixture("ecurring", "update_customer.request.json");
    document["data"]["attributes"]["first_name"] = json!("Anna");
    let profile = json!({
        "addresses": [{
            "type": "SHIPPING", "name": {"firstName": "Sarah", "lastName": "Green"},
            "streetLine1": "1 Harbour Road", "cityName": "Boston", "stateCode": "MA",
            "countryCode": "USA", "zipCode": "02110", "primary": true
        }],
        "metadata": {"customerRefId": "200000777"},
        "firstName": "Sarah",
        "primaryPhoneNumber": {"number": "+16175550100", "type": "MOBILE", "extension": "31"},
        "primaryEmail": {"value": "sarah@example.com"},
        "placeOfBirth": {"city": "Houston", "countryCode": "USA"},
        "socialId": "123-45-6789", "socialIdCountryCode": "USA"
    });
    vec![
        (
            Service::RentalCover,
            "updateInsurance",
            insurance,
            "/insurances/update/AB12-345C-INS",
            "POST",
        ),
        (
            Service::RentalCover,
            "updateCustomer",
            customer,
            "/insurances/updateCustomer",
            "POST",
        ),
        (
            Service::Insly,
            "updatePolicy",
            fixture("insly", "update_policy.request.json"),
            "/api/policy/update",
            "POST",
        ),
        (
            Service::ECurring,
            "updateCustomer",
            document,
            "/customers/1",
            "PATCH",
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            profile,
            "/v1/customers/0e01f271-80b1-4724-b5dc-6959c7cd88dc",
            "PUT",
        ),
    ]
}

fn spec(provider: Service) -> Value {
    serde_json::from_str(provider.spec_json()).unwrap()
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            spec,
            &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
        ),
        None => schema,
    }
}

/// The constraints of one member's schema (following allOf/anyOf with a single non-null branch).
fn constraints(spec: &Value, schema: &Value, out: &mut Vec<(String, Value)>) {
    let schema = resolve(spec, schema);
    for key in ["allOf", "anyOf"] {
        for branch in schema[key].as_array().into_iter().flatten() {
            if branch.get("enum") != Some(&json!([null])) {
                constraints(spec, branch, out);
            }
        }
    }
    for key in [
        "type",
        "enum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "maxProperties",
        "minimum",
        "maximum",
    ] {
        if let Some(value) = schema.get(key) {
            out.push((key.to_string(), value.clone()));
        }
    }
}

/// A value that breaks `rule`, or None when the rule cannot be broken by a value alone.
fn violation(rule: &str, value: &Value, all: &[(String, Value)]) -> Option<Value> {
    let max_len = all
        .iter()
        .find(|(k, _)| k == "maxLength")
        .and_then(|(_, v)| v.as_u64());
    Some(match rule {
        "type" => match value.as_str()? {
            "string" => json!(12345),
            "integer" | "number" => json!("twelve"),
            "boolean" => json!("maybe"),
            "array" => json!({"not": "a list"}),
            "object" => json!(["not", "an object"]),
            _ => return None,
        },
        "enum" => {
            if value.as_array()?.iter().all(Value::is_number) {
                json!(7)
            } else {
                json!("NOT_ONE_OF_THEM")
            }
        }
        "minLength" if value.as_u64()? > 0 => json!(""),
        "maxLength" => json!("A".repeat(value.as_u64()? as usize + 1)),
        "pattern" => json!("~!~".repeat(max_len.map_or(1, |m| (m as usize / 3).max(1)))),
        "format" => match value.as_str()? {
            "email" => json!("not an email"),
            "date" => json!("2026-02-30"),
            "date-time" => json!("yesterday"),
            _ => return None,
        },
        "maxProperties" => {
            let n = value.as_u64()? as usize + 1;
            Value::Object((0..n).map(|i| (format!("k{i}"), json!("v"))).collect())
        }
        "minimum" => json!(value.as_f64()? - 1.0),
        _ => return None,
    })
}

/// A member: its JSON pointer, its rules, whether it is required.
type Member = (String, Vec<(String, Value)>, bool);
/// A conditional rule: provider, operation, the member named, how to break it.
type Conditional = (Service, &'static str, &'static str, Box<dyn Fn(&mut Value)>);

/// Every member path of a request schema with its constraints, one level into objects and
/// into the first item of arrays, as JSON pointers into the valid request.
fn members(spec: &Value, schema: &Value, pointer: String, valid: &Value, out: &mut Vec<Member>) {
    let schema = resolve(spec, schema);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, member) in schema["properties"].as_object().into_iter().flatten() {
        let path = format!("{pointer}/{name}");
        let mut rules = Vec::new();
        constraints(spec, member, &mut rules);
        out.push((path.clone(), rules, required.contains(&name.as_str())));
        let member = resolve(spec, member);
        let inner = member["allOf"]
            .get(0)
            .or(member["anyOf"].get(0))
            .map(|b| resolve(spec, b))
            .unwrap_or(member);
        if valid.pointer(&path).is_some_and(Value::is_object) && inner["properties"].is_object() {
            members(spec, inner, path.clone(), valid, out);
        }
        if let Some(items) = inner.get("items") {
            if valid.pointer(&format!("{path}/0")).is_some() {
                members(spec, items, format!("{path}/0"), valid, out);
            }
        }
    }
}

fn set(value: &mut Value, pointer: &str, new: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        value
    } else {
        value.pointer_mut(parent).unwrap()
    };
    match (target, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(last.to_string(), new);
        }
        (Value::Object(map), None) => {
            map.remove(last);
        }
        (Value::Array(items), Some(new)) => items[last.parse::<usize>().unwrap()] = new,
        _ => {}
    }
}

/// The facade's verdict on a raw request body: the member it names, with nothing sent.
async fn facade(
    provider: Service,
    operation: &str,
    body: Value,
    sandbox: &Sandbox,
) -> Result<String, String> {
    let base = sandbox.base_url(provider);
    let key = provider.credential();
    macro_rules! typed {
        ($t:ty) => {
            match serde_path_to_error::deserialize::<_, $t>(body.clone()) {
                Ok(typed) => typed,
                // serde names a missing member in its message, at the parent's path.
                Err(e) => return Ok(format!("{}: {}", e.path(), e.inner())),
            }
        };
    }
    let result: Result<(), Error> = match (provider, operation) {
        (Service::RentalCover, "updateInsurance") => {
            let typed = typed!(rentalcover::types::UpdateInsuranceRequest);
            let client = rentalcover::Client::builder()
                .environment(partner_bindings::rentalcover::Environment::Custom(base))
                .credential(key)
                .retry(RetryPolicy::none())
                .build()
                .unwrap();
            client
                .update_insurance("AB12-345C-INS")
                .request(typed)
                .quote(Decimal::ONE)
                .await
                .map(drop)
        }
        (Service::RentalCover, _) => {
            let typed = typed!(rentalcover::types::UpdateCustomerRequest);
            let client = rentalcover::Client::builder()
                .environment(partner_bindings::rentalcover::Environment::Custom(base))
                .credential(key)
                .build()
                .unwrap();
            client
                .update_customer()
                .request(typed)
                .send()
                .await
                .map(drop)
        }
        (Service::Insly, _) => {
            let typed = typed!(insly::types::UpdatePolicyRequest);
            let client = insly::Client::builder()
                .environment(partner_bindings::insly::Environment::Custom(base))
                .credential(key)
                .build()
                .unwrap();
            client.update_policy().request(typed).send().await.map(drop)
        }
        (Service::ECurring, _) => {
            let typed = typed!(ecurring::types::CustomerUpdateDocument);
            let client = ecurring::Client::builder()
                .environment(partner_bindings::ecurring::Environment::Custom(base))
                .credential(key)
                .build()
                .unwrap();
            client
                .update_customer("1")
                .request(typed.data.attributes)
                .send()
                .await
                .map(drop)
        }
        (Service::RocketKor, _) => {
            let typed = typed!(rocketkor::types::UpdateIndividualCustomerRequest);
            let client = rocketkor::Client::builder()
                .environment(partner_bindings::rocketkor::Environment::Custom(base))
                .credential(key)
                .build()
                .unwrap();
            client
                .update_individual_customer("0e01f271-80b1-4724-b5dc-6959c7cd88dc")
                .request(typed)
                .send()
                .await
                .map(drop)
        }
    };
    match result {
        Err(Error::Validation(v)) => Ok(v
            .iter()
            .map(|v| v.field.clone())
            .collect::<Vec<_>>()
            .join(",")),
        Err(e) => Err(format!("not refused locally: {e}")),
        Ok(()) => Err("accepted".into()),
    }
}

/// The sandbox's verdict on the same raw body: (status, response body).
async fn sandbox_verdict(
    sandbox: &Sandbox,
    provider: Service,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, String) {
    let (auth_name, auth_value, media) = match provider {
        Service::RentalCover => ("x_api_key", "sandbox-key", "application/json"),
        Service::ECurring => ("x-authorization", "sandbox-key", "application/vnd.api+json"),
        _ => ("authorization", "Bearer sandbox-token", "application/json"),
    };
    let response = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", sandbox.base_url(provider)),
        )
        .header(auth_name, auth_value)
        .header("content-type", media)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The last named segment of a pointer (`/addresses/0/name/firstName` -> `firstName`).
fn leaf(pointer: &str) -> &str {
    pointer
        .rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or(pointer)
}

/// Rust field names are snake case; the wire names are not.
fn same_member(named: &str, wire: &str) -> bool {
    let norm = |s: &str| s.replace('_', "").to_lowercase();
    norm(named).contains(&norm(wire))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declared_constraint_is_refused_by_facade_and_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut report = vec![
        "| operation | member | rule | facade names | sandbox |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for (provider, operation, valid, path, method) in operations() {
        let document = spec(provider);
        let op = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|i| i.as_object().unwrap().values())
            .find(|o| o["operationId"] == operation)
            .unwrap();
        let schema = op["requestBody"]["content"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["schema"]
            .clone();
        // The valid request passes both.
        let before = sandbox.counts().values().sum::<u64>();
        assert!(
            facade(provider, operation, valid.clone(), &sandbox)
                .await
                .is_err_and(|e| e == "accepted"),
            "{operation}: the valid request must pass"
        );
        let (status, body) = sandbox_verdict(&sandbox, provider, method, path, &valid).await;
        assert_eq!(status, 200, "{operation}: {body}");
        assert!(sandbox.counts().values().sum::<u64>() == before + 2);

        let mut paths = Vec::new();
        members(&document, &schema, String::new(), &valid, &mut paths);
        for (pointer, rules, required) in paths {
            let mut mutations: Vec<(String, Option<Value>)> = rules
                .iter()
                .filter_map(|(rule, value)| {
                    violation(rule, value, &rules).map(|v| (format!("{rule}={value}"), Some(v)))
                })
                .collect();
            if required {
                mutations.push(("required".into(), None));
            }
            for (rule, new) in mutations {
                let mut body = valid.clone();
                set(&mut body, &pointer, new);
                cases += 1;
                let counted = sandbox.counts().values().sum::<u64>();
                let local = facade(provider, operation, body.clone(), &sandbox).await;
                let sent = sandbox.counts().values().sum::<u64>() - counted;
                let (status, answer) =
                    sandbox_verdict(&sandbox, provider, method, path, &body).await;
                let wire = leaf(&pointer);
                // `Secret` members (format: password) take any scalar and send its text, so
                // a number becomes a valid string before anything is sent.
                let coerced = rule.starts_with("type=")
                    && rules.iter().any(|(k, v)| k == "format" && v == "password");
                let facade_ok = (matches!(&local, Ok(named) if same_member(named, wire))
                    && sent == 0)
                    || (coerced && local.as_ref().is_err_and(|e| e == "accepted"));
                let invalid = if provider == Service::ECurring {
                    422
                } else {
                    400
                };
                let sandbox_ok = status == invalid && answer.contains(wire);
                report.push(format!(
                    "| {operation} | {pointer} | {rule} | {} | {status} |",
                    local.clone().unwrap_or_else(|e| e)
                ));
                if !facade_ok || !sandbox_ok {
                    failures.push(format!("{operation} {pointer} {rule}: facade {local:?} (sent {sent}), sandbox {status} {answer}"));
                }
            }
        }
    }
    // Conditional rules the schema cannot hold, documented on the pages.
    let conditional: Vec<Conditional> = vec![
        (
            Service::RentalCover,
            "updateInsurance",
            "FromDate",
            Box::new(|b: &mut Value| b["ToDate"] = json!("2026-11-01 10:00:00")),
        ),
        (
            Service::ECurring,
            "updateCustomer",
            "bank_holder",
            Box::new(|b: &mut Value| b["data"]["attributes"]["iban"] = json!("NL91ABNA0417164300")),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "name",
            Box::new(|b: &mut Value| {
                b["addresses"][0].as_object_mut().unwrap().remove("name");
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "stateCode",
            Box::new(|b: &mut Value| {
                b["addresses"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("stateCode");
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "primary",
            Box::new(|b: &mut Value| {
                let a = b["addresses"][0].clone();
                b["addresses"].as_array_mut().unwrap().push(json!({"type": "SHIPPING", "name": a["name"], "streetLine1": "2 Elm St", "zipCode": "02110", "countryCode": "USA", "stateCode": "MA", "primary": true}));
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "socialIdCountryCode",
            Box::new(|b: &mut Value| {
                b.as_object_mut().unwrap().remove("socialIdCountryCode");
            }),
        ),
    ];
    for (provider, operation, field, edit) in conditional {
        let (_, _, valid, path, method) = operations()
            .into_iter()
            .find(|(p, o, ..)| *p == provider && *o == operation)
            .unwrap();
        let mut body = valid;
        edit(&mut body);
        cases += 1;
        let counted = sandbox.counts().values().sum::<u64>();
        let local = facade(provider, operation, body.clone(), &sandbox).await;
        let sent = sandbox.counts().values().sum::<u64>() - counted;
        let (status, answer) = sandbox_verdict(&sandbox, provider, method, path, &body).await;
        report.push(format!(
            "| {operation} | (conditional) | {field} | {} | {status} |",
            local.clone().unwrap_or_else(|e| e)
        ));
        let facade_ok = matches!(&local, Ok(named) if same_member(named, field)) && sent == 0;
        let sandbox_ok = (400..500).contains(&status) && answer.contains(field);
        if !facade_ok || !sandbox_ok {
            failures.push(format!("{operation} conditional {field}: facade {local:?} (sent {sent}), sandbox {status} {answer}"));
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad-input-matrix.md"), report.join("\n") + "\n").unwrap();
    eprintln!("{cases} bad-input cases");
    assert!(cases > 100, "only {cases} cases generated");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
