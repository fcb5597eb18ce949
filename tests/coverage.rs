//! The specs declare every field the providers document: request fields listed in
//! tests/fixtures/<provider>/<operation>.fields, and every member of every documented
//! response example.

mod common;

use common::{fixture, fixture_text, member, operation, resolve, spec};
use partner_bindings::transport::Auth;
use serde_json::Value;

/// (provider, operationId, fixture stem, auth the module sends)
const OPERATIONS: [(&str, &str, &str, Auth); 5] = [
    (
        "rentalcover",
        "updateCustomer",
        "update_customer",
        <partner_bindings::rentalcover::Api as partner_bindings::transport::ProviderApi>::AUTH,
    ),
    (
        "rentalcover",
        "updateInsurance",
        "update_insurance",
        <partner_bindings::rentalcover::Api as partner_bindings::transport::ProviderApi>::AUTH,
    ),
    (
        "insly",
        "updatePolicy",
        "update_policy",
        <partner_bindings::insly::Api as partner_bindings::transport::ProviderApi>::AUTH,
    ),
    (
        "ecurring",
        "updateCustomer",
        "update_customer",
        <partner_bindings::ecurring::Api as partner_bindings::transport::ProviderApi>::AUTH,
    ),
    (
        "rocketkor",
        "updateIndividualCustomer",
        "update_individual_customer",
        <partner_bindings::rocketkor::Api as partner_bindings::transport::ProviderApi>::AUTH,
    ),
];

/// The header each of the spec's security schemes puts on the wire (lower case).
fn security_headers(spec: &Value) -> Vec<String> {
    spec["components"]["securitySchemes"]
        .as_object()
        .unwrap()
        .values()
        .map(|scheme| match scheme["type"].as_str().unwrap() {
            "apiKey" => {
                assert_eq!(scheme["in"], "header");
                scheme["name"].as_str().unwrap().to_ascii_lowercase()
            }
            "http" => {
                assert_eq!(scheme["scheme"], "bearer");
                "authorization".to_string()
            }
            other => panic!("unexpected scheme type {other}"),
        })
        .collect()
}

fn body_schema(op: &Value) -> &Value {
    let content = op["requestBody"]["content"].as_object().unwrap();
    &content.values().next().unwrap()["schema"]
}

#[test]
fn every_documented_request_field_is_declared() {
    let mut total = 0;
    for (provider, operation_id, stem, auth) in OPERATIONS {
        let spec = spec(provider);
        let (_, _, op) = operation(&spec, operation_id);
        let body = body_schema(op);
        let text = fixture_text(provider, &format!("{stem}.fields"));
        let mut missing = Vec::new();
        for field in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            total += 1;
            let declared = if let Some(header) = field.strip_prefix("header:") {
                let header = header.to_ascii_lowercase();
                let module_header = match auth {
                    Auth::Header(name) => name.to_string(),
                    Auth::Bearer => "authorization".to_string(),
                    other => panic!("an auth scheme this test does not know: {other:?}"),
                };
                security_headers(&spec).contains(&header) && module_header == header
            } else if let Some(name) = field.strip_prefix("path:") {
                op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["in"] == "path" && p["name"] == name && p["required"] == true)
            } else if field == "extra:*" {
                resolve(&spec, body)
                    .iter()
                    .any(|part| part.get("additionalProperties").is_some_and(|a| a != false))
            } else {
                let mut schema = Some(body);
                for step in field.split('.') {
                    schema = schema.and_then(|s| member(&spec, s, step));
                }
                schema.is_some()
            };
            if !declared {
                missing.push(field.to_string());
            }
        }
        assert!(
            missing.is_empty(),
            "{provider} {operation_id} does not declare {missing:?}"
        );
    }
    assert_eq!(total, 154, "the .fields lists changed: update this count");
}

/// Members of `value` that `schema` does not declare, as JSON paths. Maps
/// (`additionalProperties` without `properties`) declare any key; for `oneOf`/`anyOf` the
/// alternative with the fewest undeclared members is taken (a null-only alternative,
/// `enum: [null]`, only for `null`).
fn undeclared(spec: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let parts = resolve(spec, schema);
    if let Some(alternatives) = parts.iter().find_map(|p| {
        p.get("oneOf")
            .or_else(|| p.get("anyOf"))
            .and_then(Value::as_array)
    }) {
        let null_only = |alt: &Value| alt.get("enum") == Some(&serde_json::json!([null]));
        return alternatives
            .iter()
            .filter(|alt| value.is_null() || !null_only(alt))
            .filter(|alt| json_type_fits(spec, alt, value))
            .map(|alt| undeclared(spec, alt, value, path))
            .min_by_key(Vec::len)
            .unwrap_or_else(|| vec![format!("{path}: no oneOf alternative fits {value}")]);
    }
    match value {
        Value::Object(map) => {
            let has_properties = parts.iter().any(|p| p.get("properties").is_some());
            let mut out = Vec::new();
            for (k, v) in map {
                let child_path = format!("{path}.{k}");
                if has_properties {
                    match member(spec, schema, k) {
                        Some(child) => out.extend(undeclared(spec, child, v, &child_path)),
                        None => out.push(child_path),
                    }
                } else if let Some(child) = parts
                    .iter()
                    .find_map(|p| p.get("additionalProperties").filter(|a| a.is_object()))
                {
                    out.extend(undeclared(spec, child, v, &child_path));
                }
            }
            out
        }
        Value::Array(items) => match parts.iter().find_map(|p| p.get("items")) {
            Some(item_schema) => items
                .iter()
                .enumerate()
                .flat_map(|(i, v)| undeclared(spec, item_schema, v, &format!("{path}[{i}]")))
                .collect(),
            None => vec![],
        },
        _ => vec![],
    }
}

fn json_type_fits(spec: &Value, schema: &Value, value: &Value) -> bool {
    let types: Vec<&str> = resolve(spec, schema)
        .iter()
        .filter_map(|p| p.get("type").and_then(Value::as_str))
        .collect();
    let actual = match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Null => return true,
    };
    types.is_empty()
        || types
            .iter()
            .any(|t| *t == actual || (*t == "number" && actual == "integer"))
}

#[test]
fn every_documented_response_member_is_declared() {
    let mut members = 0;
    for (provider, operation_id, stem, _) in OPERATIONS {
        let spec = spec(provider);
        let (_, _, op) = operation(&spec, operation_id);
        let schema = &op["responses"]["200"]["content"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["schema"];
        let example = fixture(provider, &format!("{stem}.response.json"));
        let missing = undeclared(&spec, schema, &example, "$");
        assert!(
            missing.is_empty(),
            "{provider} {operation_id} response: undeclared {missing:?}"
        );
        members += count_members(&example);
    }
    assert!(members > 200, "walked only {members} members");
}

fn count_members(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len() + map.values().map(count_members).sum::<usize>(),
        Value::Array(items) => items.iter().map(count_members).sum(),
        _ => 0,
    }
}

#[test]
fn undeclared_members_are_detected() {
    // The checker above must be able to fail: an unknown member is reported.
    let spec = spec("rocketkor");
    let schema = serde_json::json!({"$ref": "#/components/schemas/IndividualCustomer"});
    let value =
        serde_json::json!({"id": "x", "primaryEmail": {"value": "a@b.c", "bogus": 1}, "kyc": 2});
    let mut found = undeclared(&spec, &schema, &value, "$");
    found.sort();
    assert_eq!(found, ["$.kyc", "$.primaryEmail.bogus"]);
}
