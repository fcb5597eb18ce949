//! Schema normalization: `$ref` resolution, `allOf` merging, and the nullable and
//! open-enum `anyOf` idioms, so that two schemas written differently but meaning the same
//! compare equal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Deepest nesting followed; deeper schemas are read as empty.
pub(crate) const MAX_DEPTH: usize = 40;
/// Most schema nodes built for one top-level schema (guards against `$ref` fan-out).
pub(crate) const MAX_NODES: usize = 20_000;

/// A schema after normalization.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Schema {
    /// Where the schema is in its document (JSON pointer).
    pub ptr: String,
    pub types: Vec<String>,
    pub format: Option<String>,
    pub nullable: bool,
    /// The allowed values, `null` left out (it is [`Schema::nullable`]).
    pub enum_values: Option<Vec<Value>>,
    /// `x-extensible-enum` values.
    pub x_extensible_enum: Option<Vec<Value>>,
    /// `anyOf: [{enum: [...]}, {type: string}]`: values outside the enum may appear.
    pub open_enum: bool,
    pub properties: BTreeMap<String, Schema>,
    pub required: BTreeSet<String>,
    pub items: Option<Box<Schema>>,
    pub additional: Option<Box<Schema>>,
    pub max_length: Option<f64>,
    pub min_length: Option<f64>,
    pub maximum: Option<f64>,
    pub minimum: Option<f64>,
    pub max_items: Option<f64>,
    pub min_items: Option<f64>,
    pub pattern: Option<String>,
    pub default: Option<Value>,
    pub read_only: bool,
    pub write_only: bool,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    /// The `$ref` target this node repeats (a reference cycle), not expanded again.
    pub cycle: Option<String>,
    /// The component name when the schema was reached through `#/components/schemas/NAME`.
    pub ref_name: Option<String>,
}

/// Builds [`Schema`]s from one document.
pub(crate) struct SchemaCx<'a> {
    doc: &'a Value,
    stack: Vec<String>,
    nodes: usize,
}

impl<'a> SchemaCx<'a> {
    pub(crate) fn new(doc: &'a Value) -> Self {
        SchemaCx {
            doc,
            stack: Vec::new(),
            nodes: 0,
        }
    }

    /// Normalizes the schema `value` found at `ptr`.
    pub(crate) fn schema(&mut self, value: &'a Value, ptr: &str) -> Schema {
        self.build(value, ptr.to_string(), 0)
    }

    fn build(&mut self, value: &'a Value, ptr: String, depth: usize) -> Schema {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return Schema {
                ptr,
                ..Schema::default()
            };
        }
        if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let Some(target) = reference.strip_prefix('#') else {
                return Schema {
                    ptr,
                    ..Schema::default()
                };
            };
            let ref_name = target
                .strip_prefix("/components/schemas/")
                .filter(|name| !name.contains('/'))
                .map(|name| name.replace("~1", "/").replace("~0", "~"));
            if self.stack.iter().any(|seen| seen == target) {
                return Schema {
                    ptr: target.to_string(),
                    cycle: Some(target.to_string()),
                    ref_name,
                    ..Schema::default()
                };
            }
            let Some(found) = self.doc.pointer(target) else {
                return Schema {
                    ptr,
                    ref_name,
                    ..Schema::default()
                };
            };
            self.stack.push(target.to_string());
            let mut schema = self.build(found, target.to_string(), depth + 1);
            self.stack.pop();
            if schema.ref_name.is_none() {
                schema.ref_name = ref_name;
            }
            return schema;
        }
        let Some(map) = value.as_object() else {
            return Schema {
                ptr,
                ..Schema::default()
            };
        };
        let mut s = Schema {
            ptr: ptr.clone(),
            ..Schema::default()
        };
        match map.get("type") {
            Some(Value::String(t)) if t == "null" => s.nullable = true,
            Some(Value::String(t)) => s.types.push(t.clone()),
            Some(Value::Array(list)) => {
                for t in list.iter().filter_map(Value::as_str) {
                    if t == "null" {
                        s.nullable = true;
                    } else {
                        s.types.push(t.to_string());
                    }
                }
                s.types.sort();
                s.types.dedup();
            }
            _ => {}
        }
        s.format = map
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_string);
        if map.get("nullable").and_then(Value::as_bool) == Some(true) {
            s.nullable = true;
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            if values.iter().any(Value::is_null) {
                s.nullable = true;
            }
            s.enum_values = Some(values.iter().filter(|v| !v.is_null()).cloned().collect());
        }
        s.x_extensible_enum = map
            .get("x-extensible-enum")
            .and_then(Value::as_array)
            .cloned();
        let number = |key: &str| map.get(key).and_then(Value::as_f64);
        s.max_length = number("maxLength");
        s.min_length = number("minLength");
        s.maximum = number("maximum");
        s.minimum = number("minimum");
        s.max_items = number("maxItems");
        s.min_items = number("minItems");
        s.pattern = map
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_string);
        s.default = map.get("default").cloned();
        s.read_only = map.get("readOnly").and_then(Value::as_bool) == Some(true);
        s.write_only = map.get("writeOnly").and_then(Value::as_bool) == Some(true);
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            s.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let child_ptr = format!("{ptr}/properties/{}", super::escape(name));
                let child = self.build(prop, child_ptr, depth + 1);
                s.properties.insert(name.clone(), child);
            }
        }
        if let Some(items) = map.get("items") {
            s.items = Some(Box::new(self.build(
                items,
                format!("{ptr}/items"),
                depth + 1,
            )));
        }
        if let Some(additional) = map.get("additionalProperties").filter(|v| v.is_object()) {
            s.additional = Some(Box::new(self.build(
                additional,
                format!("{ptr}/additionalProperties"),
                depth + 1,
            )));
        }
        if let Some(all) = map.get("allOf").and_then(Value::as_array) {
            for (i, branch) in all.iter().enumerate() {
                let branch = self.build(branch, format!("{ptr}/allOf/{i}"), depth + 1);
                absorb(&mut s, branch);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(list) = map.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let mut branches = Vec::new();
            for (i, branch) in list.iter().enumerate() {
                let built = self.build(branch, format!("{ptr}/{keyword}/{i}"), depth + 1);
                if null_only(&built) {
                    s.nullable = true;
                } else {
                    branches.push(built);
                }
            }
            let open = if branches.len() == 2 {
                open_enum_pair(&branches[0], &branches[1])
            } else {
                None
            };
            if let Some(index) = open {
                let closed = branches.swap_remove(index);
                absorb(&mut s, closed);
                s.open_enum = true;
            } else if branches.len() == 1 {
                let branch = branches.pop().unwrap_or_default();
                absorb(&mut s, branch);
            } else if keyword == "anyOf" {
                s.any_of = branches;
            } else {
                s.one_of = branches;
            }
        }
        s
    }
}

/// A branch that allows only `null`.
fn null_only(s: &Schema) -> bool {
    matches!(&s.enum_values, Some(values) if values.is_empty()) && s.nullable
        || (s.types.is_empty()
            && s.nullable
            && s.properties.is_empty()
            && s.enum_values.is_none()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
            && s.items.is_none()
            && s.cycle.is_none()
            && s.ref_name.is_none())
}

/// For `[enum-branch, plain string]` in either order, the index of the enum branch.
fn open_enum_pair(a: &Schema, b: &Schema) -> Option<usize> {
    let closed = |s: &Schema| {
        matches!(&s.enum_values, Some(values) if !values.is_empty())
            && (s.types.is_empty() || s.types == ["string"])
    };
    let plain = |s: &Schema| {
        s.types == ["string"]
            && s.enum_values.is_none()
            && s.format.is_none()
            && s.pattern.is_none()
            && s.max_length.is_none()
            && s.properties.is_empty()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
    };
    if closed(a) && plain(b) {
        Some(0)
    } else if closed(b) && plain(a) {
        Some(1)
    } else {
        None
    }
}

/// Merges `other` into `s`: keywords `s` does not set are taken from `other`, properties
/// and `required` are united.
fn absorb(s: &mut Schema, other: Schema) {
    fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
        if slot.is_none() {
            *slot = value;
        }
    }
    if s.types.is_empty() {
        s.types = other.types;
    }
    fill(&mut s.format, other.format);
    s.nullable |= other.nullable;
    fill(&mut s.enum_values, other.enum_values);
    fill(&mut s.x_extensible_enum, other.x_extensible_enum);
    s.open_enum |= other.open_enum;
    for (name, prop) in other.properties {
        match s.properties.get_mut(&name) {
            Some(existing) => absorb(existing, prop),
            None => {
                s.properties.insert(name, prop);
            }
        }
    }
    s.required.extend(other.required);
    match (&mut s.items, other.items) {
        (Some(mine), Some(theirs)) => absorb(mine, *theirs),
        (None, theirs) => s.items = theirs,
        _ => {}
    }
    fill(&mut s.additional, other.additional);
    fill(&mut s.max_length, other.max_length);
    fill(&mut s.min_length, other.min_length);
    fill(&mut s.maximum, other.maximum);
    fill(&mut s.minimum, other.minimum);
    fill(&mut s.max_items, other.max_items);
    fill(&mut s.min_items, other.min_items);
    fill(&mut s.pattern, other.pattern);
    fill(&mut s.default, other.default);
    s.read_only |= other.read_only;
    s.write_only |= other.write_only;
    if s.any_of.is_empty() {
        s.any_of = other.any_of;
    }
    if s.one_of.is_empty() {
        s.one_of = other.one_of;
    }
    fill(&mut s.cycle, other.cycle);
    fill(&mut s.ref_name, other.ref_name);
}
