//! A validator compiled from the OpenAPI 3.0 schemas of the bundled specs, so the sandbox
//! checks requests by the very rules the specs publish (types, required members, enums,
//! lengths, patterns, ranges, formats, `nullable`, `oneOf`/`anyOf`/`allOf`, `$ref`).

use std::collections::HashMap;

use serde_json::Value;

/// Index of a compiled schema in [`Schemas`].
pub(crate) type Id = usize;

#[derive(Default)]
struct Node {
    types: Vec<String>,
    nullable: bool,
    enumeration: Option<Vec<Value>>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<(String, regress::Regex)>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    format: Option<String>,
    items: Option<Id>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    properties: Vec<(String, Id)>,
    required: Vec<String>,
    /// `None`: any extra member is allowed (the OpenAPI default).
    additional: Option<Additional>,
    max_properties: Option<usize>,
    all_of: Vec<Id>,
    any_of: Vec<Id>,
    one_of: Vec<Id>,
    reference: Option<Id>,
}

enum Additional {
    Forbidden,
    Schema(Id),
}

/// All schemas of one spec, compiled.
pub(crate) struct Schemas {
    nodes: Vec<Node>,
    named: HashMap<String, Id>,
}

/// One broken rule: where (a path of members and indexes) and which rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    pub path: Vec<Segment>,
    pub rule: String,
}

/// A step into a JSON document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Segment {
    Member(String),
    Index(usize),
}

/// A step while checking: borrowed from the value or the schema, made a [`Segment`] only
/// when a rule is broken (a valid request allocates no path).
#[derive(Clone, Copy)]
enum Step<'a> {
    Member(&'a str),
    Index(usize),
}

impl Violation {
    /// `addresses[0].name`, or `request body` at the root.
    pub fn field(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Member(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if out.is_empty() {
            "request body".into()
        } else {
            out
        }
    }

    /// The JSON pointer, `/data/attributes/iban`.
    pub fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|s| match s {
                Segment::Member(m) => format!("/{}", m.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => format!("/{i}"),
            })
            .collect()
    }
}

impl Schemas {
    /// Compiles every schema under `components.schemas` of `spec`.
    pub fn compile(spec: &Value) -> Result<Schemas, String> {
        let mut schemas = Schemas {
            nodes: Vec::new(),
            named: HashMap::new(),
        };
        let components = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // Reserve an id per name first, so references (even cyclic ones) resolve.
        for name in components.keys() {
            let id = schemas.nodes.len();
            schemas.nodes.push(Node::default());
            schemas.named.insert(name.clone(), id);
        }
        for (name, schema) in &components {
            let node = schemas.node(schema)?;
            let id = schemas.named[name];
            schemas.nodes[id] = node;
        }
        Ok(schemas)
    }

    /// Compiles an inline schema (a parameter's or a body's) that may use `$ref`s.
    pub fn add(&mut self, schema: &Value) -> Result<Id, String> {
        let node = self.node(schema)?;
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }

    fn child(&mut self, schema: &Value) -> Result<Id, String> {
        self.add(schema)
    }

    fn node(&mut self, schema: &Value) -> Result<Node, String> {
        let mut node = Node::default();
        let Some(map) = schema.as_object() else {
            return Ok(node); // `true`/`{}`: anything
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| format!("unsupported $ref {reference}"))?;
            node.reference = Some(
                *self
                    .named
                    .get(name)
                    .ok_or_else(|| format!("$ref to unknown schema {name}"))?,
            );
        }
        match map.get("type") {
            Some(Value::String(t)) => node.types.push(t.clone()),
            Some(Value::Array(ts)) => node
                .types
                .extend(ts.iter().filter_map(Value::as_str).map(str::to_owned)),
            _ => {}
        }
        node.nullable = map.get("nullable") == Some(&Value::Bool(true));
        node.enumeration = map.get("enum").and_then(Value::as_array).cloned();
        let usize_of = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n as usize);
        node.min_length = usize_of("minLength");
        node.max_length = usize_of("maxLength");
        node.min_items = usize_of("minItems");
        node.max_items = usize_of("maxItems");
        node.max_properties = usize_of("maxProperties");
        node.minimum = map.get("minimum").and_then(Value::as_f64);
        node.maximum = map.get("maximum").and_then(Value::as_f64);
        node.format = map.get("format").and_then(Value::as_str).map(str::to_owned);
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            let regex = regress::Regex::new(pattern)
                .map_err(|e| format!("pattern {pattern:?} does not compile: {e}"))?;
            node.pattern = Some((pattern.to_owned(), regex));
        }
        if let Some(items) = map.get("items") {
            node.items = Some(self.child(items)?);
        }
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, schema) in properties {
                let id = self.child(schema)?;
                node.properties.push((name.clone(), id));
            }
        }
        node.required = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        node.additional = match map.get("additionalProperties") {
            Some(Value::Bool(false)) => Some(Additional::Forbidden),
            Some(Value::Bool(true)) | None => None,
            Some(schema) => Some(Additional::Schema(self.child(schema)?)),
        };
        for (key, list) in [("allOf", 0), ("anyOf", 1), ("oneOf", 2)] {
            if let Some(schemas) = map.get(key).and_then(Value::as_array) {
                let ids = schemas
                    .iter()
                    .map(|s| self.child(s))
                    .collect::<Result<Vec<_>, _>>()?;
                match list {
                    0 => node.all_of = ids,
                    1 => node.any_of = ids,
                    _ => node.one_of = ids,
                }
            }
        }
        Ok(node)
    }

    /// The first broken rule of `value` against schema `id`, if any.
    pub fn validate(&self, id: Id, value: &Value) -> Result<(), Violation> {
        let mut path = Vec::new();
        self.check(id, value, &mut path)
    }

    fn fail(path: &[Step], rule: impl Into<String>) -> Result<(), Violation> {
        Err(Violation {
            path: path
                .iter()
                .map(|step| match step {
                    Step::Member(name) => Segment::Member((*name).to_owned()),
                    Step::Index(i) => Segment::Index(*i),
                })
                .collect(),
            rule: rule.into(),
        })
    }

    fn check<'a>(
        &'a self,
        id: Id,
        value: &'a Value,
        path: &mut Vec<Step<'a>>,
    ) -> Result<(), Violation> {
        let node = &self.nodes[id];
        // OpenAPI 3.0: `nullable` allows null whatever else the schema says.
        if value.is_null() && node.nullable {
            return Ok(());
        }
        if let Some(target) = node.reference {
            self.check(target, value, path)?;
        }
        if !node.types.is_empty() && !node.types.iter().any(|t| type_matches(t, value)) {
            return Self::fail(path, format!("must be of type {}", node.types.join(" or ")));
        }
        if let Some(allowed) = &node.enumeration {
            if !allowed.iter().any(|a| same_value(a, value)) {
                let shown: Vec<String> = allowed.iter().map(Value::to_string).collect();
                return Self::fail(path, format!("must be one of {}", shown.join(", ")));
            }
        }
        match value {
            Value::String(text) => self.check_string(node, text, path)?,
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if node.minimum.is_some_and(|m| x < m) {
                    return Self::fail(
                        path,
                        format!("must be at least {}", node.minimum.unwrap_or_default()),
                    );
                }
                if node.maximum.is_some_and(|m| x > m) {
                    return Self::fail(
                        path,
                        format!("must be at most {}", node.maximum.unwrap_or_default()),
                    );
                }
            }
            Value::Array(items) => {
                if node.min_items.is_some_and(|m| items.len() < m) {
                    return Self::fail(
                        path,
                        format!(
                            "needs at least {} items",
                            node.min_items.unwrap_or_default()
                        ),
                    );
                }
                if node.max_items.is_some_and(|m| items.len() > m) {
                    return Self::fail(
                        path,
                        format!(
                            "allows at most {} items",
                            node.max_items.unwrap_or_default()
                        ),
                    );
                }
                if let Some(item) = node.items {
                    for (i, value) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        self.check(item, value, path)?;
                        path.pop();
                    }
                }
            }
            Value::Object(members) => {
                for name in &node.required {
                    if !members.contains_key(name) {
                        path.push(Step::Member(name));
                        let result = Self::fail(path, "is required");
                        path.pop();
                        return result;
                    }
                }
                if node.max_properties.is_some_and(|m| members.len() > m) {
                    return Self::fail(
                        path,
                        format!(
                            "allows at most {} members",
                            node.max_properties.unwrap_or_default()
                        ),
                    );
                }
                for (name, member) in members {
                    path.push(Step::Member(name));
                    let declared = node.properties.iter().find(|(n, _)| n == name);
                    match (declared, &node.additional) {
                        (Some((_, id)), _) => self.check(*id, member, path)?,
                        (None, Some(Additional::Schema(id))) => self.check(*id, member, path)?,
                        (None, Some(Additional::Forbidden)) => {
                            return Self::fail(path, "is not a known member");
                        }
                        (None, None) => {}
                    }
                    path.pop();
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
        for sub in &node.all_of {
            self.check(*sub, value, path)?;
        }
        if !node.any_of.is_empty() {
            let firsts: Vec<_> = node
                .any_of
                .iter()
                .map(|s| self.check(*s, value, &mut path.clone()))
                .collect();
            if let Some(deepest) = pick(firsts) {
                return Err(deepest);
            }
        }
        if !node.one_of.is_empty() {
            let results: Vec<_> = node
                .one_of
                .iter()
                .map(|s| self.check(*s, value, &mut path.clone()))
                .collect();
            let matched = results.iter().filter(|r| r.is_ok()).count();
            if matched > 1 {
                return Self::fail(path, "matches more than one of the allowed shapes");
            }
            if let Some(deepest) = pick(results) {
                return Err(deepest);
            }
        }
        Ok(())
    }

    fn check_string(&self, node: &Node, text: &str, path: &[Step]) -> Result<(), Violation> {
        if node.min_length.is_some() || node.max_length.is_some() {
            let length = text.chars().count();
            if let Some(min) = node.min_length.filter(|m| length < *m) {
                return Self::fail(path, format!("must be at least {min} characters"));
            }
            if let Some(max) = node.max_length.filter(|m| length > *m) {
                return Self::fail(path, format!("must be at most {max} characters"));
            }
        }
        if let Some((source, regex)) = &node.pattern {
            if regex.find(text).is_none() {
                return Self::fail(path, format!("must match {source}"));
            }
        }
        let format_ok = match node.format.as_deref() {
            Some("uuid") => uuid::Uuid::parse_str(text).is_ok(),
            Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
            Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            Some("email") => text.contains('@') && !text.chars().any(char::is_whitespace),
            _ => true,
        };
        if !format_ok {
            let format = node.format.as_deref().unwrap_or_default();
            return Self::fail(path, format!("must be a valid {format}"));
        }
        Ok(())
    }
}

/// `Some(error)` when none of `results` passed: the error that got deepest into the value
/// (it names the member the caller most likely meant).
fn pick(results: Vec<Result<(), Violation>>) -> Option<Violation> {
    if results.iter().any(Result::is_ok) {
        return None;
    }
    results
        .into_iter()
        .filter_map(Result::err)
        .max_by_key(|v| v.path.len())
}

fn type_matches(kind: &str, value: &Value) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// JSON equality where `1` equals `1.0`.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The Insly spec ties `status` to `response` (a mock may only send coherent answers):
    /// exactly the applied or the refused shape matches, never a status 1 without the
    /// re-priced policy.
    #[test]
    fn insly_status_and_response_are_tied() {
        let spec: Value = serde_json::from_str(super::super::Service::Insly.spec_json()).unwrap();
        let mut schemas = Schemas::compile(&spec).unwrap();
        let id = schemas
            .add(&json!({"$ref": "#/components/schemas/UpdatePolicyResponse"}))
            .unwrap();
        let documented = spec.pointer(
            "/paths/~1api~1policy~1update/post/responses/200/content/application~1json/examples/documented/value",
        );
        let documented = documented.expect("the documented example").clone();
        for valid in [
            documented.clone(),
            json!({"response": {"declined": false}}),
            json!({"status": 0, "response": "Policy is locked"}),
            json!({"status": "0", "response": [], "message": "MTA not allowed"}),
            json!({"status": "0", "response": null}),
        ] {
            assert!(schemas.validate(id, &valid).is_ok(), "{valid}");
        }
        let mut refused_with_policy = documented;
        refused_with_policy["status"] = json!(0);
        for invalid in [
            json!({"status": 1, "response": null}),
            json!({"status": "1", "response": []}),
            json!({"status": "1", "response": "done"}),
            json!({"status": "1"}),
            json!({"response": "done"}),
            json!({"status": 2, "response": "maybe"}),
            refused_with_policy,
        ] {
            assert!(schemas.validate(id, &invalid).is_err(), "{invalid}");
        }
    }
}
