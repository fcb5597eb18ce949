//! The spec linter behind `partner-bindings specs check`.

use axum::http::Method;
use serde_json::Value;

use super::schema::Schemas;

/// Structural problems of an OpenAPI 3.0 document given as JSON: unresolved `$ref`s,
/// schemas that do not compile (e.g. a bad pattern), operations without a unique
/// `operationId`, path parameters not declared, and documented examples that break their
/// own schema. Empty when the spec is sound. Used by `partner-bindings specs check`.
pub fn check_spec(spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !spec["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.0."))
    {
        problems.push("`openapi` must be a 3.0.x version".to_string());
    }
    let mut refs = Vec::new();
    collect_refs(spec, &mut refs);
    for reference in refs {
        let resolves = reference
            .strip_prefix('#')
            .is_some_and(|pointer| spec.pointer(pointer).is_some());
        if !resolves {
            problems.push(format!("$ref {reference} does not resolve"));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let mut schemas = match Schemas::compile(spec) {
        Ok(schemas) => schemas,
        Err(e) => return vec![format!("a schema does not compile: {e}")],
    };
    let mut seen = std::collections::BTreeSet::new();
    let check_examples = |schemas: &mut Schemas, schema: &Value, media: &Value, at: &str| {
        let id = match schemas.add(schema) {
            Ok(id) => id,
            Err(e) => return vec![format!("{at}: schema does not compile: {e}")],
        };
        let mut found = Vec::new();
        if !media["example"].is_null() {
            found.push(("example".to_string(), &media["example"]));
        }
        for (name, example) in media["examples"].as_object().into_iter().flatten() {
            found.push((format!("examples.{name}"), &example["value"]));
        }
        found
            .into_iter()
            .filter_map(|(name, value)| {
                schemas
                    .validate(id, value)
                    .err()
                    .map(|v| format!("{at} {name}: {} {}", v.field(), v.rule))
            })
            .collect::<Vec<_>>()
    };
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if method.to_uppercase().parse::<Method>().is_err() || !op.is_object() {
                continue;
            }
            let at = format!("{} {path}", method.to_uppercase());
            match op["operationId"].as_str() {
                Some(id) if !seen.insert(id.to_owned()) => {
                    problems.push(format!("{at}: operationId {id} is used twice"));
                }
                Some(_) => {}
                None => problems.push(format!("{at}: no operationId")),
            }
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            for segment in path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if !declared.contains(&name) {
                        problems.push(format!("{at}: path parameter {name} is not declared"));
                    }
                }
            }
            for (media_type, media) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                problems.extend(check_examples(
                    &mut schemas,
                    &media["schema"],
                    media,
                    &format!("{at} request {media_type}"),
                ));
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let response = match response["$ref"].as_str() {
                    Some(r) => spec
                        .pointer(r.trim_start_matches('#'))
                        .unwrap_or(&Value::Null),
                    None => response,
                };
                for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                    problems.extend(check_examples(
                        &mut schemas,
                        &media["schema"],
                        media,
                        &format!("{at} response {status} {media_type}"),
                    ));
                }
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if !schema["example"].is_null() {
            let wrapped = serde_json::json!({ "example": schema["example"] });
            problems.extend(check_examples(
                &mut schemas,
                schema,
                &wrapped,
                &format!("schema {name}"),
            ));
        }
    }
    problems
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}
