//! One test per check and direction: each asserts the exact set of `(id, level)`
//! reported, so a rule that reports the wrong id, the wrong level, or too much, fails.

use serde_json::{json, Value};

use super::corpus::apply;
use super::*;

const E: Level = Level::Err;
const W: Level = Level::Warn;
const I: Level = Level::Info;

fn doc(paths: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
}

fn with_components(mut d: Value, components: Value) -> Value {
    d["components"] = components;
    d
}

/// `PUT /x` whose JSON request body is `schema`.
fn req(schema: Value) -> Value {
    doc(json!({"/x": {"put": {
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
        "responses": {"200": {"description": "ok"}}
    }}}))
}

/// `GET /x` whose 200 JSON response is `schema`.
fn resp(schema: Value) -> Value {
    doc(json!({"/x": {"get": {
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
    }}}))
}

/// `GET /x` with one parameter.
fn param(p: Value) -> Value {
    doc(json!({"/x": {"get": {"parameters": [p], "responses": {"200": {"description": "ok"}}}}}))
}

fn qp(schema: Value) -> Value {
    param(json!({"in": "query", "name": "q", "schema": schema}))
}

/// An object with the member `p` (required or not).
fn obj_p(p: Value, required: bool) -> Value {
    if required {
        json!({"type": "object", "properties": {"p": p}, "required": ["p"]})
    } else {
        json!({"type": "object", "properties": {"p": p}})
    }
}

fn got(old: &Value, new: &Value) -> BTreeSet<(String, Level)> {
    compare(old, new)
        .into_iter()
        .map(|c| (c.id, c.level))
        .collect()
}

#[track_caller]
fn expect(old: Value, new: Value, want: &[(&str, Level)]) {
    let want: BTreeSet<(String, Level)> = want.iter().map(|(id, l)| (id.to_string(), *l)).collect();
    assert_eq!(got(&old, &new), want, "\nold: {old}\nnew: {new}");
}

/// Request property `p` from `a` to `b` (optional member).
#[track_caller]
fn req_prop(a: Value, b: Value, want: &[(&str, Level)]) {
    expect(req(obj_p(a, false)), req(obj_p(b, false)), want);
}

/// Response property `p` from `a` to `b` (required member).
#[track_caller]
fn resp_prop(a: Value, b: Value, want: &[(&str, Level)]) {
    expect(resp(obj_p(a, true)), resp(obj_p(b, true)), want);
}

// ---- the rule table ---------------------------------------------------------------------

#[test]
fn rule_ids_are_unique_and_levels_follow_oasdiff() {
    let ids: BTreeSet<&str> = RULES.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), RULES.len());
    assert_eq!(level_of("request-property-became-required"), Some(E));
    assert_eq!(level_of("request-parameter-removed"), Some(W));
    assert_eq!(level_of("response-property-enum-value-added"), Some(W));
    assert_eq!(level_of("response-property-open-enum-value-added"), Some(I));
    assert_eq!(level_of("endpoint-added"), Some(I));
    assert_eq!(level_of("no-such-check"), None);
}

#[test]
fn every_reported_id_is_in_the_rule_table() {
    // The push helper falls back to INFO for an unknown id: make sure none is produced.
    let specs = real_specs();
    for (name, spec) in &specs {
        let mut other = spec.clone();
        other["paths"] = json!({});
        other["components"] = json!({});
        other["security"] = json!([]);
        for change in compare(spec, &other)
            .into_iter()
            .chain(compare(&other, spec))
        {
            assert!(level_of(&change.id).is_some(), "{name}: {}", change.id);
        }
    }
}

// ---- paths and operations ---------------------------------------------------------------

fn get_op(extra: Value) -> Value {
    let mut op = json!({"responses": {"200": {"description": "ok"}}});
    for (k, v) in extra.as_object().into_iter().flatten() {
        op[k] = v.clone();
    }
    op
}

#[test]
fn path_removed_and_added() {
    let one = doc(json!({"/a": {"get": get_op(json!({}))}}));
    let none = doc(json!({}));
    expect(
        one.clone(),
        none.clone(),
        &[("api-path-removed-without-deprecation", E)],
    );
    expect(none, one, &[("endpoint-added", I)]);
}

#[test]
fn deprecated_path_removed_and_sunset() {
    let none = doc(json!({}));
    let dep = doc(json!({"/a": {"get": get_op(json!({"deprecated": true}))}}));
    expect(
        dep,
        none.clone(),
        &[("api-path-removed-with-deprecation", I)],
    );
    let future =
        doc(json!({"/a": {"get": get_op(json!({"deprecated": true, "x-sunset": "2999-01-01"}))}}));
    expect(
        future,
        none.clone(),
        &[("api-path-removed-before-sunset", E)],
    );
    let past =
        doc(json!({"/a": {"get": get_op(json!({"deprecated": true, "x-sunset": "2001-01-01"}))}}));
    expect(past, none, &[]);
}

#[test]
fn operation_removed_and_added_on_an_existing_path() {
    let two = doc(json!({"/a": {"get": get_op(json!({})), "post": get_op(json!({}))}}));
    let one = doc(json!({"/a": {"get": get_op(json!({}))}}));
    expect(
        two.clone(),
        one.clone(),
        &[("api-removed-without-deprecation", E)],
    );
    expect(one.clone(), two, &[("endpoint-added", I)]);
    let dep =
        doc(json!({"/a": {"get": get_op(json!({})), "post": get_op(json!({"deprecated": true}))}}));
    expect(dep, one.clone(), &[("api-removed-with-deprecation", I)]);
    let future = doc(
        json!({"/a": {"get": get_op(json!({})), "post": get_op(json!({"deprecated": true, "x-sunset": "2999-12-31"}))}}),
    );
    expect(future, one, &[("api-removed-before-sunset", E)]);
}

#[test]
fn deprecation_and_reactivation() {
    let live = doc(json!({"/a": {"get": get_op(json!({}))}}));
    let dep = doc(json!({"/a": {"get": get_op(json!({"deprecated": true}))}}));
    expect(live.clone(), dep.clone(), &[("endpoint-deprecated", I)]);
    expect(dep, live, &[("endpoint-reactivated", I)]);
}

#[test]
fn renamed_path_parameter_is_the_same_path() {
    let p = |name: &str| {
        doc(json!({format!("/c/{{{name}}}"): {"get": get_op(json!({
            "parameters": [{"in": "path", "name": name, "required": true, "schema": {"type": "string"}}]
        }))}}))
    };
    let changes = compare(&p("id"), &p("customerId"));
    assert!(
        changes
            .iter()
            .all(|c| c.id != "api-path-removed-without-deprecation" && c.id != "endpoint-added"),
        "{changes:?}"
    );
}

// ---- parameters -------------------------------------------------------------------------

#[test]
fn parameter_removed_and_added() {
    let none = doc(json!({"/x": {"get": get_op(json!({}))}}));
    let opt = qp(json!({"type": "string"}));
    let req_q =
        param(json!({"in": "query", "name": "q", "required": true, "schema": {"type": "string"}}));
    expect(
        opt.clone(),
        none.clone(),
        &[("request-parameter-removed", W)],
    );
    expect(none.clone(), opt, &[("new-optional-request-parameter", I)]);
    expect(
        none.clone(),
        req_q,
        &[("new-required-request-parameter", E)],
    );
    let path_p =
        param(json!({"in": "path", "name": "q", "required": true, "schema": {"type": "string"}}));
    expect(none, path_p, &[("new-request-path-parameter", E)]);
}

#[test]
fn parameter_required_changes_and_header_case() {
    let opt = param(json!({"in": "header", "name": "X-Key", "schema": {"type": "string"}}));
    let req_h = param(
        json!({"in": "header", "name": "x-key", "required": true, "schema": {"type": "string"}}),
    );
    expect(
        opt.clone(),
        req_h.clone(),
        &[("request-parameter-became-required", E)],
    );
    expect(req_h, opt, &[("request-parameter-became-optional", I)]);
}

#[test]
fn path_level_parameters_count() {
    let base = doc(
        json!({"/x": {"parameters": [{"in": "query", "name": "q", "schema": {"type": "string"}}], "get": get_op(json!({}))}}),
    );
    let none = doc(json!({"/x": {"get": get_op(json!({}))}}));
    expect(base, none, &[("request-parameter-removed", W)]);
}

#[test]
fn parameter_type() {
    expect(
        qp(json!({"type": "string"})),
        qp(json!({"type": "integer"})),
        &[("request-parameter-type-changed", E)],
    );
    expect(
        qp(json!({"type": "integer"})),
        qp(json!({"type": "number"})),
        &[("request-parameter-type-generalized", I)],
    );
    expect(
        qp(json!({"type": "number"})),
        qp(json!({"type": "integer"})),
        &[("request-parameter-type-changed", E)],
    );
}

#[test]
fn parameter_enum() {
    let ab = qp(json!({"type": "string", "enum": ["a", "b"]}));
    let a = qp(json!({"type": "string", "enum": ["a"]}));
    expect(
        ab.clone(),
        a.clone(),
        &[("request-parameter-enum-value-removed", E)],
    );
    expect(a, ab.clone(), &[("request-parameter-enum-value-added", I)]);
    expect(
        qp(json!({"type": "string"})),
        ab,
        &[
            ("request-parameter-became-enum", E),
            ("request-parameter-enum-value-added", I),
        ],
    );
}

#[test]
fn parameter_lengths_and_bounds() {
    let s = |extra: Value| {
        let mut schema = json!({"type": "string"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            schema[k] = v.clone();
        }
        qp(schema)
    };
    expect(
        s(json!({})),
        s(json!({"maxLength": 5})),
        &[("request-parameter-max-length-set", W)],
    );
    expect(
        s(json!({"maxLength": 5})),
        s(json!({"maxLength": 3})),
        &[("request-parameter-max-length-decreased", E)],
    );
    expect(
        s(json!({"maxLength": 3})),
        s(json!({"maxLength": 5})),
        &[("request-parameter-max-length-increased", I)],
    );
    expect(s(json!({"maxLength": 3})), s(json!({})), &[]);
    expect(
        s(json!({"minLength": 1})),
        s(json!({"minLength": 2})),
        &[("request-parameter-min-length-increased", E)],
    );
    expect(
        s(json!({"minLength": 2})),
        s(json!({"minLength": 1})),
        &[("request-parameter-min-length-decreased", I)],
    );
    expect(
        s(json!({})),
        s(json!({"maximum": 9})),
        &[("request-parameter-max-set", W)],
    );
    expect(
        s(json!({"maximum": 9})),
        s(json!({"maximum": 8})),
        &[("request-parameter-max-decreased", E)],
    );
    expect(
        s(json!({"maximum": 8})),
        s(json!({"maximum": 9})),
        &[("request-parameter-max-increased", I)],
    );
    expect(
        s(json!({})),
        s(json!({"minimum": 1})),
        &[("request-parameter-min-set", W)],
    );
    expect(
        s(json!({"minimum": 1})),
        s(json!({"minimum": 2})),
        &[("request-parameter-min-increased", E)],
    );
    expect(
        s(json!({"minimum": 2})),
        s(json!({"minimum": 1})),
        &[("request-parameter-min-decreased", I)],
    );
    expect(
        s(json!({"maxItems": 4})),
        s(json!({"maxItems": 3})),
        &[("request-parameter-max-items-decreased", E)],
    );
    expect(
        s(json!({"maxItems": 3})),
        s(json!({"maxItems": 4})),
        &[("request-parameter-max-items-increased", I)],
    );
    expect(
        s(json!({"minItems": 1})),
        s(json!({"minItems": 2})),
        &[("request-parameter-min-items-increased", E)],
    );
    expect(
        s(json!({"minItems": 2})),
        s(json!({"minItems": 1})),
        &[("request-parameter-min-items-decreased", I)],
    );
}

#[test]
fn parameter_pattern() {
    let p = |pattern: Option<&str>| match pattern {
        Some(p) => qp(json!({"type": "string", "pattern": p})),
        None => qp(json!({"type": "string"})),
    };
    expect(
        p(None),
        p(Some("^a$")),
        &[("request-parameter-pattern-added", E)],
    );
    expect(
        p(Some("^a$")),
        p(None),
        &[("request-parameter-pattern-removed", I)],
    );
    expect(
        p(Some("^a$")),
        p(Some("^b$")),
        &[("request-parameter-pattern-changed", W)],
    );
    expect(
        p(Some("^a$")),
        p(Some(".*")),
        &[("request-parameter-pattern-generalized", I)],
    );
}

#[test]
fn parameter_default_and_nullable() {
    let d = |v: Option<i64>| match v {
        Some(v) => qp(json!({"type": "integer", "default": v})),
        None => qp(json!({"type": "integer"})),
    };
    expect(
        d(None),
        d(Some(1)),
        &[("request-parameter-default-value-added", E)],
    );
    expect(
        d(Some(1)),
        d(None),
        &[("request-parameter-default-value-removed", E)],
    );
    expect(
        d(Some(1)),
        d(Some(2)),
        &[("request-parameter-default-value-changed", E)],
    );
    let required = |v: i64| {
        param(
            json!({"in": "query", "name": "q", "required": true, "schema": {"type": "integer", "default": v}}),
        )
    };
    expect(required(1), required(2), &[]);
    let n = |nullable: bool| qp(json!({"type": "string", "nullable": nullable}));
    expect(
        n(false),
        n(true),
        &[("request-parameter-became-nullable", I)],
    );
    expect(
        n(true),
        n(false),
        &[("request-parameter-became-not-nullable", E)],
    );
}

#[test]
fn parameter_x_extensible_enum() {
    let x = |values: Value| qp(json!({"type": "string", "x-extensible-enum": values}));
    expect(
        x(json!(["a", "b"])),
        x(json!(["a"])),
        &[("request-parameter-x-extensible-enum-value-removed", E)],
    );
    expect(x(json!(["a"])), x(json!(["a", "b"])), &[]);
}

// ---- request bodies ---------------------------------------------------------------------

fn body_doc(body: Option<Value>) -> Value {
    let mut op = json!({"responses": {"200": {"description": "ok"}}});
    if let Some(body) = body {
        op["requestBody"] = body;
    }
    doc(json!({"/x": {"post": op}}))
}

#[test]
fn request_body_added_removed_required() {
    let schema = json!({"type": "object"});
    let required = body_doc(Some(
        json!({"required": true, "content": {"application/json": {"schema": schema}}}),
    ));
    let optional = body_doc(Some(
        json!({"content": {"application/json": {"schema": schema}}}),
    ));
    let none = body_doc(None);
    expect(
        none.clone(),
        required.clone(),
        &[("request-body-added-required", E)],
    );
    expect(
        none.clone(),
        optional.clone(),
        &[("request-body-added-optional", I)],
    );
    expect(required.clone(), none, &[("request-body-removed", E)]);
    expect(
        optional.clone(),
        required.clone(),
        &[("request-body-became-required", E)],
    );
    expect(required, optional, &[("request-body-became-optional", I)]);
}

#[test]
fn request_body_by_reference() {
    let body = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}});
    let by_ref = with_components(
        body_doc(Some(json!({"$ref": "#/components/requestBodies/B"}))),
        json!({"requestBodies": {"B": body}}),
    );
    expect(body_doc(Some(body)), by_ref, &[]);
}

#[test]
fn request_media_types() {
    let json_body = body_doc(Some(
        json!({"content": {"application/json": {"schema": {"type": "object"}}}}),
    ));
    let both = body_doc(Some(
        json!({"content": {"application/json": {"schema": {"type": "object"}}, "application/xml": {"schema": {"type": "object"}}}}),
    ));
    let xml = body_doc(Some(
        json!({"content": {"application/xml": {"schema": {"type": "object"}}}}),
    ));
    expect(
        json_body.clone(),
        both.clone(),
        &[("request-body-media-type-added", I)],
    );
    expect(
        both,
        json_body.clone(),
        &[("request-body-media-type-removed", E)],
    );
    expect(
        json_body.clone(),
        xml,
        &[
            ("request-body-media-type-added", I),
            ("request-body-media-type-removed", E),
        ],
    );
    let no_schema = body_doc(Some(json!({"content": {"application/json": {}}})));
    expect(
        no_schema.clone(),
        json_body.clone(),
        &[("request-body-media-type-schema-added", E)],
    );
    expect(
        json_body,
        no_schema,
        &[("request-body-media-type-schema-removed", I)],
    );
}

// ---- request properties -----------------------------------------------------------------

#[test]
fn request_property_added_removed() {
    let empty = req(json!({"type": "object", "properties": {}}));
    let s = json!({"type": "string"});
    expect(
        empty.clone(),
        req(obj_p(s.clone(), true)),
        &[("new-required-request-property", E)],
    );
    expect(
        empty.clone(),
        req(obj_p(s.clone(), false)),
        &[("new-optional-request-property", I)],
    );
    expect(
        empty.clone(),
        req(obj_p(json!({"type": "string", "default": "x"}), true)),
        &[("new-required-request-property-with-default", E)],
    );
    expect(
        req(obj_p(s.clone(), true)),
        empty.clone(),
        &[("request-property-removed", W)],
    );
    expect(
        req(obj_p(s, false)),
        empty.clone(),
        &[("request-property-removed", W)],
    );
    let ro = json!({"type": "string", "readOnly": true});
    expect(req(obj_p(ro.clone(), false)), empty.clone(), &[]);
    expect(empty, req(obj_p(ro, true)), &[]);
}

#[test]
fn request_property_required_changes() {
    let s = json!({"type": "string"});
    expect(
        req(obj_p(s.clone(), false)),
        req(obj_p(s.clone(), true)),
        &[("request-property-became-required", E)],
    );
    expect(
        req(obj_p(s.clone(), true)),
        req(obj_p(s, false)),
        &[("request-property-became-optional", I)],
    );
    let d = json!({"type": "string", "default": "x"});
    expect(
        req(obj_p(d.clone(), false)),
        req(obj_p(d, true)),
        &[("request-property-became-required-with-default", E)],
    );
}

#[test]
fn nested_request_property_paths() {
    let inner = |required: bool| json!({"type": "object", "properties": {"outer": obj_p(json!({"type": "string"}), required)}});
    let changes = compare(&req(inner(false)), &req(inner(true)));
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "request-property-became-required");
    assert!(changes[0].text.contains("`outer/p`"), "{}", changes[0].text);
    assert_eq!(changes[0].operation.as_deref(), Some("PUT /x"));
    assert_eq!(
        changes[0].pointer,
        "/paths/~1x/put/requestBody/content/application~1json/schema/properties/outer/properties/p"
    );
}

#[test]
fn request_property_type_and_format() {
    req_prop(
        json!({"type": "string"}),
        json!({"type": "integer"}),
        &[("request-property-type-changed", E)],
    );
    req_prop(
        json!({"type": "integer"}),
        json!({"type": "number"}),
        &[("request-property-type-generalized", I)],
    );
    req_prop(
        json!({"type": "integer", "format": "int32"}),
        json!({"type": "integer", "format": "int64"}),
        &[("request-property-type-generalized", I)],
    );
    req_prop(
        json!({"type": "integer", "format": "int64"}),
        json!({"type": "integer", "format": "int32"}),
        &[("request-property-type-changed", E)],
    );
    req_prop(
        json!({"type": "string"}),
        json!({"type": "string", "format": "date"}),
        &[("request-property-type-changed", E)],
    );
    req_prop(
        json!({"type": "string", "format": "date"}),
        json!({"type": "string"}),
        &[("request-property-type-generalized", I)],
    );
    req_prop(
        json!({"type": "string", "readOnly": true}),
        json!({"type": "integer", "readOnly": true}),
        &[],
    );
}

#[test]
fn request_body_type_and_bounds() {
    expect(
        req(json!({"type": "string"})),
        req(json!({"type": "integer"})),
        &[("request-body-type-changed", E)],
    );
    expect(
        req(json!({"type": "integer"})),
        req(json!({"type": "number"})),
        &[("request-body-type-generalized", I)],
    );
    expect(
        req(json!({"type": "string", "maxLength": 5})),
        req(json!({"type": "string", "maxLength": 4})),
        &[("request-body-max-length-decreased", E)],
    );
    expect(
        req(json!({"type": "string", "maxLength": 4})),
        req(json!({"type": "string", "maxLength": 5})),
        &[("request-body-max-length-increased", I)],
    );
    expect(
        req(json!({"type": "string"})),
        req(json!({"type": "string", "maxLength": 5})),
        &[("request-body-max-length-set", W)],
    );
    expect(
        req(json!({"type": "array", "minItems": 1})),
        req(json!({"type": "array", "minItems": 2})),
        &[("request-body-min-items-increased", E)],
    );
    expect(
        req(json!({"type": "array", "minItems": 2})),
        req(json!({"type": "array", "minItems": 1})),
        &[],
    );
}

#[test]
fn request_enums() {
    let ab = json!({"type": "string", "enum": ["a", "b"]});
    let a = json!({"type": "string", "enum": ["a"]});
    req_prop(
        ab.clone(),
        a.clone(),
        &[("request-property-enum-value-removed", E)],
    );
    req_prop(
        a.clone(),
        ab.clone(),
        &[("request-property-enum-value-added", I)],
    );
    req_prop(
        json!({"type": "string"}),
        a.clone(),
        &[
            ("request-property-became-enum", E),
            ("request-property-enum-value-added", I),
        ],
    );
    expect(
        req(ab.clone()),
        req(a.clone()),
        &[("request-body-enum-value-removed", E)],
    );
    expect(req(a.clone()), req(ab.clone()), &[]);
    expect(
        req(json!({"type": "string"})),
        req(a),
        &[("request-body-became-enum", E)],
    );
    let ro = |e: Value| json!({"type": "string", "readOnly": true, "enum": e});
    req_prop(
        ro(json!(["a", "b"])),
        ro(json!(["a"])),
        &[("request-read-only-property-enum-value-removed", I)],
    );
}

#[test]
fn request_x_extensible_enum() {
    let x = |v: Value| json!({"type": "string", "x-extensible-enum": v});
    req_prop(
        x(json!(["a", "b"])),
        x(json!(["a"])),
        &[("request-property-x-extensible-enum-value-removed", E)],
    );
    req_prop(x(json!(["a"])), x(json!(["a", "b"])), &[]);
}

#[test]
fn request_nullable_and_default() {
    req_prop(
        json!({"type": "string"}),
        json!({"type": "string", "nullable": true}),
        &[("request-property-became-nullable", I)],
    );
    req_prop(
        json!({"type": "string", "nullable": true}),
        json!({"type": "string"}),
        &[("request-property-became-not-nullable", E)],
    );
    expect(
        req(json!({"type": "string"})),
        req(json!({"type": "string", "nullable": true})),
        &[("request-body-became-nullable", I)],
    );
    expect(
        req(json!({"type": "string", "nullable": true})),
        req(json!({"type": "string"})),
        &[("request-body-became-not-nullable", E)],
    );
    req_prop(
        json!({"type": "string"}),
        json!({"type": "string", "default": "a"}),
        &[("request-property-default-value-added", I)],
    );
    req_prop(
        json!({"type": "string", "default": "a"}),
        json!({"type": "string"}),
        &[("request-property-default-value-removed", I)],
    );
    req_prop(
        json!({"type": "string", "default": "a"}),
        json!({"type": "string", "default": "b"}),
        &[("request-property-default-value-changed", I)],
    );
    expect(
        req(json!({"type": "string"})),
        req(json!({"type": "string", "default": "a"})),
        &[("request-body-default-value-added", I)],
    );
    expect(
        req(json!({"type": "string", "default": "a"})),
        req(json!({"type": "string"})),
        &[("request-body-default-value-removed", I)],
    );
    expect(
        req(json!({"type": "string", "default": "a"})),
        req(json!({"type": "string", "default": "b"})),
        &[("request-body-default-value-changed", I)],
    );
}

#[test]
fn request_property_lengths_and_bounds() {
    let s = |extra: Value| {
        let mut schema = json!({"type": "string"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            schema[k] = v.clone();
        }
        schema
    };
    req_prop(
        s(json!({})),
        s(json!({"maxLength": 5})),
        &[("request-property-max-length-set", W)],
    );
    req_prop(
        s(json!({"maxLength": 5})),
        s(json!({"maxLength": 4})),
        &[("request-property-max-length-decreased", E)],
    );
    req_prop(
        s(json!({"maxLength": 4})),
        s(json!({"maxLength": 5})),
        &[("request-property-max-length-increased", I)],
    );
    req_prop(s(json!({"maxLength": 4})), s(json!({})), &[]);
    req_prop(
        s(json!({})),
        s(json!({"minLength": 2})),
        &[("request-property-min-length-increased", E)],
    );
    req_prop(
        s(json!({"minLength": 2})),
        s(json!({"minLength": 1})),
        &[("request-property-min-length-decreased", I)],
    );
    req_prop(
        s(json!({})),
        s(json!({"maximum": 5})),
        &[("request-property-max-set", W)],
    );
    req_prop(
        s(json!({"maximum": 5})),
        s(json!({"maximum": 4})),
        &[("request-property-max-decreased", E)],
    );
    req_prop(
        s(json!({"maximum": 4})),
        s(json!({"maximum": 5})),
        &[("request-property-max-increased", I)],
    );
    req_prop(
        s(json!({})),
        s(json!({"minimum": 5})),
        &[("request-property-min-set", W)],
    );
    req_prop(
        s(json!({"minimum": 4})),
        s(json!({"minimum": 5})),
        &[("request-property-min-increased", E)],
    );
    req_prop(
        s(json!({"minimum": 5})),
        s(json!({"minimum": 4})),
        &[("request-property-min-decreased", I)],
    );
    req_prop(
        s(json!({"minItems": 1})),
        s(json!({"minItems": 3})),
        &[("request-property-min-items-increased", E)],
    );
    // oasdiff does not judge maxItems on properties.
    req_prop(s(json!({"maxItems": 3})), s(json!({"maxItems": 1})), &[]);
    let ro = |extra: Value| {
        let mut schema = s(extra);
        schema["readOnly"] = json!(true);
        schema
    };
    req_prop(
        ro(json!({"maxLength": 5})),
        ro(json!({"maxLength": 4})),
        &[("request-read-only-property-max-length-decreased", I)],
    );
    req_prop(
        ro(json!({"maximum": 5})),
        ro(json!({"maximum": 4})),
        &[("request-read-only-property-max-decreased", I)],
    );
    req_prop(
        ro(json!({"minimum": 4})),
        ro(json!({"minimum": 5})),
        &[("request-read-only-property-min-increased", I)],
    );
    req_prop(ro(json!({"minimum": 5})), ro(json!({"minimum": 4})), &[]);
}

#[test]
fn request_property_pattern() {
    let p = |pattern: Option<&str>| match pattern {
        Some(p) => json!({"type": "string", "pattern": p}),
        None => json!({"type": "string"}),
    };
    req_prop(
        p(None),
        p(Some("^a$")),
        &[("request-property-pattern-added", E)],
    );
    req_prop(
        p(Some("^a$")),
        p(None),
        &[("request-property-pattern-removed", I)],
    );
    req_prop(
        p(Some("^a$")),
        p(Some("^b$")),
        &[("request-property-pattern-changed", W)],
    );
    req_prop(
        p(Some("^a$")),
        p(Some(".*")),
        &[("request-property-pattern-generalized", I)],
    );
    // Body-level patterns are not judged.
    expect(req(p(None)), req(p(Some("^a$"))), &[]);
}

#[test]
fn request_alternatives() {
    let ab =
        json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]});
    let a_c =
        json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/C"}]});
    let comps = json!({"schemas": {"A": {"type": "object"}, "B": {"type": "string"}, "C": {"type": "integer"}}});
    expect(
        with_components(req(ab.clone()), comps.clone()),
        with_components(req(a_c), comps.clone()),
        &[
            ("request-body-one-of-removed", E),
            ("request-body-one-of-added", I),
        ],
    );
    let any = |list: Value| json!({"anyOf": list});
    expect(
        with_components(
            req(obj_p(
                any(
                    json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]),
                ),
                false,
            )),
            comps.clone(),
        ),
        with_components(
            req(obj_p(
                any(
                    json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]),
                ),
                false,
            )),
            comps.clone(),
        ),
        &[("request-property-any-of-added", I)],
    );
    expect(
        with_components(
            req(obj_p(
                any(
                    json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]),
                ),
                false,
            )),
            comps.clone(),
        ),
        with_components(
            req(obj_p(
                any(
                    json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]),
                ),
                false,
            )),
            comps,
        ),
        &[("request-property-any-of-removed", E)],
    );
}

// ---- responses ----------------------------------------------------------------------------

fn statuses(codes: &[&str]) -> Value {
    let responses: serde_json::Map<String, Value> = codes
        .iter()
        .map(|c| (c.to_string(), json!({"description": "x"})))
        .collect();
    doc(json!({"/x": {"get": {"responses": responses}}}))
}

#[test]
fn response_statuses() {
    expect(
        statuses(&["200", "201"]),
        statuses(&["200"]),
        &[("response-success-status-removed", E)],
    );
    expect(
        statuses(&["200"]),
        statuses(&["200", "201"]),
        &[("response-success-status-added", I)],
    );
    expect(
        statuses(&["200", "404"]),
        statuses(&["200"]),
        &[("response-non-success-status-removed", I)],
    );
    expect(
        statuses(&["200"]),
        statuses(&["200", "404"]),
        &[("response-non-success-status-added", I)],
    );
    expect(statuses(&["200", "default"]), statuses(&["200"]), &[]);
}

#[test]
fn response_media_types_and_schema_presence() {
    let r = |content: Value| {
        doc(
            json!({"/x": {"get": {"responses": {"200": {"description": "x", "content": content}}}}}),
        )
    };
    let json_only = r(json!({"application/json": {"schema": {"type": "object"}}}));
    let both = r(
        json!({"application/json": {"schema": {"type": "object"}}, "text/plain": {"schema": {"type": "string"}}}),
    );
    expect(
        both.clone(),
        json_only.clone(),
        &[("response-media-type-removed", E)],
    );
    expect(json_only.clone(), both, &[("response-media-type-added", I)]);
    let no_schema = r(json!({"application/json": {}}));
    expect(
        json_only.clone(),
        no_schema.clone(),
        &[("response-body-media-type-schema-removed", W)],
    );
    expect(
        no_schema,
        json_only,
        &[("response-body-media-type-schema-added", I)],
    );
}

#[test]
fn response_by_reference() {
    let response = json!({"description": "x", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}});
    let inline = doc(json!({"/x": {"get": {"responses": {"200": response}}}}));
    let by_ref = with_components(
        doc(json!({"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}})),
        json!({"responses": {"R": response}}),
    );
    expect(inline, by_ref, &[]);
}

#[test]
fn response_headers() {
    let h = |headers: Value| {
        doc(
            json!({"/x": {"get": {"responses": {"200": {"description": "x", "headers": headers}}}}}),
        )
    };
    let required = h(json!({"X-Rate": {"required": true, "schema": {"type": "integer"}}}));
    let optional = h(json!({"x-rate": {"schema": {"type": "integer"}}}));
    let none = h(json!({}));
    expect(
        required.clone(),
        none.clone(),
        &[("required-response-header-removed", E)],
    );
    expect(
        optional.clone(),
        none.clone(),
        &[("optional-response-header-removed", W)],
    );
    expect(none, optional.clone(), &[("response-header-added", I)]);
    expect(
        required.clone(),
        optional.clone(),
        &[("response-header-became-optional", E)],
    );
    expect(optional, required, &[]);
}

#[test]
fn response_property_added_removed() {
    let empty = resp(json!({"type": "object", "properties": {}}));
    let s = json!({"type": "string"});
    expect(
        resp(obj_p(s.clone(), true)),
        empty.clone(),
        &[("response-required-property-removed", E)],
    );
    expect(
        resp(obj_p(s.clone(), false)),
        empty.clone(),
        &[("response-optional-property-removed", W)],
    );
    expect(
        empty.clone(),
        resp(obj_p(s.clone(), true)),
        &[("response-required-property-added", I)],
    );
    expect(
        empty.clone(),
        resp(obj_p(s, false)),
        &[("response-optional-property-added", I)],
    );
    let wo = json!({"type": "string", "writeOnly": true});
    expect(
        resp(obj_p(wo.clone(), true)),
        empty.clone(),
        &[("response-required-write-only-property-removed", I)],
    );
    expect(
        resp(obj_p(wo.clone(), false)),
        empty.clone(),
        &[("response-optional-write-only-property-removed", I)],
    );
    expect(
        empty.clone(),
        resp(obj_p(wo.clone(), true)),
        &[("response-required-write-only-property-added", I)],
    );
    expect(
        empty,
        resp(obj_p(wo, false)),
        &[("response-optional-write-only-property-added", I)],
    );
}

#[test]
fn response_property_required_changes() {
    let s = json!({"type": "string"});
    expect(
        resp(obj_p(s.clone(), true)),
        resp(obj_p(s.clone(), false)),
        &[("response-property-became-optional", E)],
    );
    expect(
        resp(obj_p(s.clone(), false)),
        resp(obj_p(s, true)),
        &[("response-property-became-required", I)],
    );
    let wo = json!({"type": "string", "writeOnly": true});
    expect(
        resp(obj_p(wo.clone(), true)),
        resp(obj_p(wo.clone(), false)),
        &[("response-write-only-property-became-optional", I)],
    );
    expect(
        resp(obj_p(wo.clone(), false)),
        resp(obj_p(wo, true)),
        &[("response-write-only-property-became-required", I)],
    );
}

#[test]
fn response_types() {
    resp_prop(
        json!({"type": "string"}),
        json!({"type": "integer"}),
        &[("response-property-type-changed", E)],
    );
    resp_prop(
        json!({"type": "number"}),
        json!({"type": "integer"}),
        &[("response-property-type-specialized", I)],
    );
    // Widened: the client may now receive 1.5 where it read integers (oasdiff's wording).
    resp_prop(
        json!({"type": "integer"}),
        json!({"type": "number"}),
        &[("response-property-type-generalized", E)],
    );
    resp_prop(
        json!({"type": ["string"]}),
        json!({"type": ["string", "integer"]}),
        &[("response-property-type-generalized", E)],
    );
    resp_prop(
        json!({"type": "string"}),
        json!({"type": "string", "format": "date"}),
        &[("response-property-type-specialized", I)],
    );
    resp_prop(
        json!({"type": "string", "format": "date"}),
        json!({"type": "string"}),
        &[("response-property-type-changed", E)],
    );
    expect(
        resp(json!({"type": "string"})),
        resp(json!({"type": "boolean"})),
        &[("response-body-type-changed", E)],
    );
    expect(
        resp(json!({"type": "number"})),
        resp(json!({"type": "integer"})),
        &[("response-body-type-specialized", I)],
    );
    expect(
        resp(json!({"type": ["integer"]})),
        resp(json!({"type": ["integer", "string"]})),
        &[("response-body-type-generalized", E)],
    );
}

#[test]
fn response_enums_closed_and_open() {
    let ab = json!({"type": "string", "enum": ["a", "b"]});
    let a = json!({"type": "string", "enum": ["a"]});
    resp_prop(
        a.clone(),
        ab.clone(),
        &[("response-property-enum-value-added", W)],
    );
    resp_prop(
        ab.clone(),
        a.clone(),
        &[("response-property-enum-value-removed", I)],
    );
    expect(
        resp(ab.clone()),
        resp(a.clone()),
        &[("response-mediatype-enum-value-removed", I)],
    );
    expect(resp(a.clone()), resp(ab.clone()), &[]);
    let open = |e: Value| json!({"anyOf": [{"type": "string", "enum": e}, {"type": "string"}]});
    resp_prop(
        open(json!(["a"])),
        open(json!(["a", "b"])),
        &[("response-property-open-enum-value-added", I)],
    );
    resp_prop(
        open(json!(["a", "b"])),
        open(json!(["a"])),
        &[("response-property-enum-value-removed", I)],
    );
    let wo = |e: Value| json!({"type": "string", "writeOnly": true, "enum": e});
    resp_prop(
        wo(json!(["a"])),
        wo(json!(["a", "b"])),
        &[("response-write-only-property-enum-value-added", I)],
    );
    // An open enum in a request is still an enum there.
    req_prop(
        open(json!(["a", "b"])),
        open(json!(["a"])),
        &[("request-property-enum-value-removed", E)],
    );
    req_prop(
        json!({"type": "string"}),
        open(json!(["a"])),
        &[("request-property-enum-value-added", I)],
    );
}

#[test]
fn open_enum_through_references() {
    // The RocketKOR idiom: an open enum component referring to the closed one.
    let comps = json!({"schemas": {
        "Known": {"type": "string", "enum": ["a"]},
        "Open": {"anyOf": [{"$ref": "#/components/schemas/Known"}, {"type": "string"}]}
    }});
    let mut more = comps.clone();
    more["schemas"]["Known"]["enum"] = json!(["a", "b"]);
    let schema = obj_p(json!({"$ref": "#/components/schemas/Open"}), true);
    let changes = compare(
        &with_components(resp(schema.clone()), comps),
        &with_components(resp(schema), more),
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "response-property-open-enum-value-added");
    assert_eq!(changes[0].level, I);
    assert_eq!(changes[0].pointer, "/components/schemas/Open");
}

#[test]
fn response_nullable() {
    resp_prop(
        json!({"type": "string"}),
        json!({"type": "string", "nullable": true}),
        &[("response-property-became-nullable", E)],
    );
    resp_prop(
        json!({"type": "string", "nullable": true}),
        json!({"type": "string"}),
        &[("response-property-became-not-nullable", I)],
    );
    expect(
        resp(json!({"type": "object"})),
        resp(json!({"type": "object", "nullable": true})),
        &[("response-body-became-nullable", E)],
    );
    expect(
        resp(json!({"type": "object", "nullable": true})),
        resp(json!({"type": "object"})),
        &[("response-body-became-not-nullable", I)],
    );
}

#[test]
fn nullable_reference_idiom() {
    let comps = json!({"schemas": {"Name": {"type": "string", "maxLength": 40}}});
    let plain = obj_p(json!({"$ref": "#/components/schemas/Name"}), true);
    let nullable = obj_p(
        json!({"anyOf": [{"$ref": "#/components/schemas/Name"}, {"type": "string", "nullable": true, "enum": [null]}]}),
        true,
    );
    expect(
        with_components(resp(plain.clone()), comps.clone()),
        with_components(resp(nullable.clone()), comps.clone()),
        &[("response-property-became-nullable", E)],
    );
    expect(
        with_components(req(nullable.clone()), comps.clone()),
        with_components(req(plain), comps.clone()),
        &[("request-property-became-not-nullable", E)],
    );
    // The same meaning written as 3.1 `type: 'null'` is no change.
    let null_type = obj_p(
        json!({"anyOf": [{"$ref": "#/components/schemas/Name"}, {"type": "null"}]}),
        true,
    );
    expect(
        with_components(resp(nullable), comps.clone()),
        with_components(resp(null_type), comps),
        &[],
    );
}

#[test]
fn response_default() {
    resp_prop(
        json!({"type": "string"}),
        json!({"type": "string", "default": "a"}),
        &[("response-property-default-value-added", I)],
    );
    resp_prop(
        json!({"type": "string", "default": "a"}),
        json!({"type": "string"}),
        &[("response-property-default-value-removed", I)],
    );
    resp_prop(
        json!({"type": "string", "default": "a"}),
        json!({"type": "string", "default": "b"}),
        &[("response-property-default-value-changed", I)],
    );
    expect(
        resp(json!({"type": "string"})),
        resp(json!({"type": "string", "default": "a"})),
        &[("response-body-default-value-added", I)],
    );
    expect(
        resp(json!({"type": "string", "default": "a"})),
        resp(json!({"type": "string"})),
        &[("response-body-default-value-removed", I)],
    );
    expect(
        resp(json!({"type": "string", "default": "a"})),
        resp(json!({"type": "string", "default": "b"})),
        &[("response-body-default-value-changed", I)],
    );
}

#[test]
fn response_lengths_and_bounds() {
    let s = |extra: Value| {
        let mut schema = json!({"type": "string"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            schema[k] = v.clone();
        }
        schema
    };
    resp_prop(
        s(json!({"maxLength": 4})),
        s(json!({"maxLength": 5})),
        &[("response-property-max-length-increased", E)],
    );
    resp_prop(s(json!({"maxLength": 5})), s(json!({"maxLength": 4})), &[]);
    resp_prop(
        s(json!({"maxLength": 5})),
        s(json!({})),
        &[("response-property-max-length-unset", E)],
    );
    resp_prop(s(json!({})), s(json!({"maxLength": 5})), &[]);
    resp_prop(
        s(json!({"minLength": 2})),
        s(json!({"minLength": 1})),
        &[("response-property-min-length-decreased", E)],
    );
    resp_prop(s(json!({"minLength": 1})), s(json!({"minLength": 2})), &[]);
    resp_prop(
        s(json!({"maximum": 4})),
        s(json!({"maximum": 5})),
        &[("response-property-max-increased", E)],
    );
    resp_prop(s(json!({"maximum": 5})), s(json!({"maximum": 4})), &[]);
    resp_prop(
        s(json!({"minimum": 5})),
        s(json!({"minimum": 4})),
        &[("response-property-min-decreased", E)],
    );
    resp_prop(s(json!({"minimum": 4})), s(json!({"minimum": 5})), &[]);
    resp_prop(
        s(json!({"minItems": 2})),
        s(json!({"minItems": 1})),
        &[("response-property-min-items-decreased", E)],
    );
    resp_prop(s(json!({"minItems": 1})), s(json!({"minItems": 2})), &[]);
    expect(
        resp(s(json!({"maxLength": 4}))),
        resp(s(json!({"maxLength": 5}))),
        &[("response-body-max-length-increased", E)],
    );
    expect(
        resp(s(json!({"maxLength": 4}))),
        resp(s(json!({}))),
        &[("response-body-max-length-unset", E)],
    );
    expect(
        resp(s(json!({"minLength": 4}))),
        resp(s(json!({"minLength": 3}))),
        &[("response-body-min-length-decreased", E)],
    );
    expect(
        resp(s(json!({"maximum": 4}))),
        resp(s(json!({"maximum": 5}))),
        &[("response-body-max-increased", E)],
    );
    expect(
        resp(s(json!({"minimum": 4}))),
        resp(s(json!({"minimum": 3}))),
        &[("response-body-min-decreased", E)],
    );
    expect(
        resp(s(json!({"minItems": 4}))),
        resp(s(json!({"minItems": 3}))),
        &[("response-body-min-items-decreased", E)],
    );
}

#[test]
fn response_pattern() {
    let p = |pattern: Option<&str>| match pattern {
        Some(p) => json!({"type": "string", "pattern": p}),
        None => json!({"type": "string"}),
    };
    resp_prop(
        p(None),
        p(Some("^a$")),
        &[("response-property-pattern-added", I)],
    );
    resp_prop(
        p(Some("^a$")),
        p(None),
        &[("response-property-pattern-removed", I)],
    );
    resp_prop(
        p(Some("^a$")),
        p(Some(".*")),
        &[("response-property-pattern-changed", I)],
    );
}

#[test]
fn response_alternatives() {
    let comps = json!({"schemas": {"A": {"type": "object"}, "B": {"type": "string"}, "C": {"type": "integer"}}});
    let one = |refs: &[&str]| {
        let list: Vec<Value> = refs
            .iter()
            .map(|r| json!({"$ref": format!("#/components/schemas/{r}")}))
            .collect();
        with_components(resp(obj_p(json!({"oneOf": list}), true)), comps.clone())
    };
    expect(
        one(&["A", "B"]),
        one(&["A", "B", "C"]),
        &[("response-property-one-of-added", E)],
    );
    expect(
        one(&["A", "B", "C"]),
        one(&["A", "B"]),
        &[("response-property-one-of-removed", I)],
    );
    let any = |refs: &[&str]| {
        let list: Vec<Value> = refs
            .iter()
            .map(|r| json!({"$ref": format!("#/components/schemas/{r}")}))
            .collect();
        with_components(resp(json!({"anyOf": list})), comps.clone())
    };
    expect(
        any(&["A", "B"]),
        any(&["A", "B", "C"]),
        &[("response-body-any-of-added", I)],
    );
    expect(
        any(&["A", "B", "C"]),
        any(&["A", "B"]),
        &[("response-body-any-of-removed", I)],
    );
    // A change inside a matched alternative is judged there.
    let mut narrower = comps.clone();
    narrower["schemas"]["B"]["maxLength"] = json!(3);
    let list = json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]);
    expect(
        with_components(req(obj_p(json!({"oneOf": list}), false)), comps.clone()),
        with_components(req(obj_p(json!({"oneOf": list}), false)), narrower),
        &[("request-property-max-length-set", W)],
    );
}

// ---- normalization ------------------------------------------------------------------------

#[test]
fn references_resolve_and_point_into_components() {
    let comps = |max: u64| json!({"schemas": {"C": {"type": "object", "properties": {"email": {"type": "string", "maxLength": max}}}}});
    let schema = json!({"$ref": "#/components/schemas/C"});
    let changes = compare(
        &with_components(req(schema.clone()), comps(100)),
        &with_components(req(schema), comps(50)),
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "request-property-max-length-decreased");
    assert_eq!(changes[0].pointer, "/components/schemas/C/properties/email");
    assert_eq!(changes[0].operation.as_deref(), Some("PUT /x"));
    assert_eq!(changes[0].method.as_deref(), Some("PUT"));
    assert_eq!(changes[0].path.as_deref(), Some("/x"));
}

#[test]
fn all_of_is_merged() {
    let comps = json!({"schemas": {"Base": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}}});
    let inline = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]});
    let merged = json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"b": {"type": "integer"}}}]});
    expect(
        with_components(resp(inline.clone()), comps.clone()),
        with_components(resp(merged.clone()), comps.clone()),
        &[],
    );
    let dropped = json!({"allOf": [{"$ref": "#/components/schemas/Base"}]});
    expect(
        with_components(resp(merged), comps.clone()),
        with_components(resp(dropped), comps),
        &[("response-optional-property-removed", W)],
    );
}

#[test]
fn reference_cycles_terminate() {
    let node = |extra: &str| {
        json!({"schemas": {"Node": {"type": "object", "properties": {
            "name": {"type": "string"},
            "extra": {"type": "string", "maxLength": if extra == "tight" { 5 } else { 10 }},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "parent": {"$ref": "#/components/schemas/Node"}
        }}}})
    };
    let schema = json!({"$ref": "#/components/schemas/Node"});
    let a = with_components(req(schema.clone()), node("loose"));
    let b = with_components(req(schema), node("tight"));
    expect(a.clone(), a.clone(), &[]);
    expect(a, b, &[("request-property-max-length-decreased", E)]);
    // A reference to itself, directly.
    let selfish = with_components(
        req(json!({"$ref": "#/components/schemas/S"})),
        json!({"schemas": {"S": {"$ref": "#/components/schemas/S"}}}),
    );
    expect(selfish.clone(), selfish, &[]);
}

#[test]
fn items_are_compared() {
    let arr = |max: u64| json!({"type": "array", "items": {"type": "object", "properties": {"n": {"type": "string", "maxLength": max}}}});
    let changes = compare(&resp(obj_p(arr(5), true)), &resp(obj_p(arr(9), true)));
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "response-property-max-length-increased");
    assert!(
        changes[0].text.contains("`p/items/n`"),
        "{}",
        changes[0].text
    );
}

// ---- security and components --------------------------------------------------------------

fn secured(global: Value, op_security: Option<Value>, schemes: Value) -> Value {
    let mut op = json!({"responses": {"200": {"description": "ok"}}});
    if let Some(s) = op_security {
        op["security"] = s;
    }
    let mut d = doc(json!({"/x": {"get": op}}));
    d["security"] = global;
    d["components"] = json!({"securitySchemes": schemes});
    d
}

#[test]
fn global_and_operation_security() {
    let schemes = json!({"k": {"type": "apiKey", "in": "header", "name": "X-Key"}, "o": {"type": "oauth2", "flows": {}}});
    let none = secured(json!([]), None, schemes.clone());
    let k = secured(json!([{"k": []}]), None, schemes.clone());
    expect(none.clone(), k.clone(), &[("api-global-security-added", I)]);
    expect(k, none.clone(), &[("api-global-security-removed", I)]);
    let op_k = secured(json!([]), Some(json!([{"k": []}])), schemes.clone());
    expect(none.clone(), op_k.clone(), &[("api-security-added", I)]);
    expect(op_k, none, &[("api-security-removed", I)]);
    let read = secured(
        json!([{"o": ["read"]}]),
        Some(json!([{"o": ["read"]}])),
        schemes.clone(),
    );
    let write = secured(
        json!([{"o": ["read", "write"]}]),
        Some(json!([{"o": ["read", "write"]}])),
        schemes,
    );
    expect(
        read.clone(),
        write.clone(),
        &[
            ("api-global-security-scope-added", I),
            ("api-security-scope-added", I),
        ],
    );
    expect(
        write,
        read,
        &[
            ("api-global-security-scope-removed", I),
            ("api-security-scope-removed", I),
        ],
    );
}

#[test]
fn security_schemes() {
    let with = |schemes: Value| secured(json!([]), None, schemes);
    let key =
        |location: &str, name: &str| json!({"k": {"type": "apiKey", "in": location, "name": name}});
    expect(
        with(key("header", "X-Key")),
        with(json!({})),
        &[("api-security-component-removed", I)],
    );
    expect(
        with(json!({})),
        with(key("header", "X-Key")),
        &[("api-security-component-added", I)],
    );
    expect(
        with(key("header", "X-Key")),
        with(key("header", "X_API_KEY")),
        &[("api-security-component-api-key-changed", E)],
    );
    expect(
        with(key("header", "X-Key")),
        with(key("query", "X-Key")),
        &[("api-security-component-api-key-changed", E)],
    );
    expect(
        with(key("header", "X-Key")),
        with(key("header", "x-key")),
        &[],
    );
    let http = |scheme: &str| json!({"k": {"type": "http", "scheme": scheme}});
    expect(
        with(http("bearer")),
        with(http("basic")),
        &[("api-security-component-scheme-changed", E)],
    );
    expect(with(http("bearer")), with(http("Bearer")), &[]);
    expect(
        with(http("bearer")),
        with(key("header", "Authorization")),
        &[("api-security-component-type-changed", I)],
    );
}

#[test]
fn oauth_implicit_flow() {
    let flow = |url: &str, token: &str, scopes: Value| {
        secured(
            json!([]),
            None,
            json!({"o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": url, "tokenUrl": token, "scopes": scopes}}}}),
        )
    };
    let base = flow("https://a", "https://t", json!({"read": "Read"}));
    expect(
        base.clone(),
        flow("https://b", "https://t", json!({"read": "Read"})),
        &[("api-security-component-oauth-url-changed", I)],
    );
    expect(
        base.clone(),
        flow("https://a", "https://u", json!({"read": "Read"})),
        &[("api-security-component-oauth-token-url-changed", I)],
    );
    expect(
        base.clone(),
        flow(
            "https://a",
            "https://t",
            json!({"read": "Read", "write": "W"}),
        ),
        &[("api-security-component-oauth-scope-added", I)],
    );
    expect(
        base.clone(),
        flow("https://a", "https://t", json!({})),
        &[("api-security-component-oauth-scope-removed", I)],
    );
    expect(
        base,
        flow("https://a", "https://t", json!({"read": "Read all"})),
        &[("api-security-component-oauth-scope-changed", I)],
    );
}

#[test]
fn component_schema_removed() {
    let a = with_components(
        doc(json!({})),
        json!({"schemas": {"A": {"type": "string"}}}),
    );
    let b = with_components(doc(json!({})), json!({"schemas": {}}));
    expect(a.clone(), b.clone(), &[("api-schema-removed", I)]);
    expect(b, a, &[]);
    let changes = compare(
        &with_components(doc(json!({})), json!({"schemas": {"A": {}}})),
        &doc(json!({})),
    );
    assert_eq!(changes[0].operation, None);
    assert_eq!(changes[0].pointer, "/components/schemas/A");
}

// ---- the real specs, loading, rendering, exit codes ---------------------------------------

fn real_specs() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut specs = Vec::new();
    for name in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let path = dir.join(format!("{name}.yaml"));
        let spec = Spec::load(&path.to_string_lossy()).unwrap_or_else(|e| panic!("{e}"));
        specs.push((name.to_string(), spec.value));
    }
    specs
}

#[test]
fn every_spec_equals_itself_and_its_json_form() {
    for (name, spec) in real_specs() {
        assert_eq!(compare(&spec, &spec), vec![], "{name}");
        let json = serde_json::to_string(&spec).unwrap();
        let again = Spec::parse(&json, "json").unwrap().value;
        assert_eq!(compare(&spec, &again), vec![], "{name}");
    }
}

#[test]
fn real_spec_edits() {
    let specs = real_specs();
    let rocketkor = &specs.iter().find(|(n, _)| n == "rocketkor").unwrap().1;
    // The RocketKOR response status is open: a new value is compatible.
    let mut new = rocketkor.clone();
    let known = new
        .pointer_mut("/components/schemas/KnownCustomerStatus/enum")
        .unwrap();
    known
        .as_array_mut()
        .unwrap()
        .push(json!("FROZEN_FOR_TESTS"));
    let changes = compare(rocketkor, &new);
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| c.id == "response-property-open-enum-value-added" && c.level == I),
        "{changes:#?}"
    );
    // The bearer scheme switched to basic breaks every client.
    let mut new = rocketkor.clone();
    new["components"]["securitySchemes"]["bearerAuth"]["scheme"] = json!("basic");
    assert_eq!(
        got(rocketkor, &new),
        BTreeSet::from([
            ("api-security-component-scheme-changed".to_string(), E),
            // info.version stayed 1.0.0.
            ("api-version-not-bumped".to_string(), I),
        ])
    );
}

#[test]
fn loading() {
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n";
    let spec = Spec::parse(yaml, "inline").unwrap();
    assert!(spec.value.pointer("/paths/~1x/get/responses/200").is_some());
    assert!(matches!(
        Spec::parse("{", "bad"),
        Err(LoadError::Syntax { .. })
    ));
    assert!(matches!(
        Spec::parse("swagger: '2.0'", "s"),
        Err(LoadError::NotOpenApi { .. })
    ));
    assert!(matches!(
        Spec::parse("openapi: 2", "s"),
        Err(LoadError::NotOpenApi { .. })
    ));
    assert!(matches!(
        Spec::parse("[1, 2]", "s"),
        Err(LoadError::NotOpenApi { .. })
    ));
    assert!(matches!(
        Spec::parse("openapi: 3.0.0\npaths: 3", "s"),
        Err(LoadError::NotOpenApi { .. })
    ));
    let missing = Spec::load("/no/such/file.yaml").unwrap_err();
    assert!(matches!(missing, LoadError::Unreadable { .. }));
    assert!(
        missing.to_string().contains("/no/such/file.yaml"),
        "{missing}"
    );
    let not_openapi = Spec::parse("a: 1", "x.yaml").unwrap_err().to_string();
    assert!(
        not_openapi.contains("x.yaml is not an OpenAPI 3 document"),
        "{not_openapi}"
    );
}

#[test]
fn loading_from_git() {
    let in_git = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "HEAD:specs/insly.yaml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !in_git {
        return; // packaged outside the repository
    }
    let dir = std::env::current_dir().unwrap();
    assert!(dir.starts_with(env!("CARGO_MANIFEST_DIR")) || dir.join("spec-tools").exists());
    let spec = Spec::load("HEAD:specs/insly.yaml").unwrap();
    assert!(spec.value["paths"].is_object());
    let bad = Spec::load("HEAD:specs/no-such.yaml").unwrap_err();
    assert!(matches!(bad, LoadError::Unreadable { .. }), "{bad}");
}

fn sample_changes() -> Vec<Change> {
    let old = req(obj_p(json!({"type": "string"}), false));
    let mut new = req(obj_p(json!({"type": "string"}), true));
    new["paths"]["/y"] = json!({"get": {"responses": {"200": {"description": "ok"}}}});
    new["components"] = json!({"securitySchemes": {"k": {"type": "http", "scheme": "bearer"}}});
    compare(&old, &new)
}

#[test]
fn text_rendering() {
    let text = render_text(&sample_changes());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        "ERR  request-property-became-required  PUT /x  /paths/~1x/put/requestBody/content/application~1json/schema/properties/p  The request property `p` became required."
    );
    assert!(
        lines[1].starts_with("INFO endpoint-added  GET /y  /paths/~1y/get  "),
        "{}",
        lines[1]
    );
    assert!(
        lines[2]
            .starts_with("INFO api-security-component-added  -  /components/securitySchemes/k  "),
        "{}",
        lines[2]
    );
    assert_eq!(render_text(&[]), "No changes.\n");
}

#[test]
fn json_rendering() {
    let parsed: Value = serde_json::from_str(&render_json(&sample_changes())).unwrap();
    assert_eq!(parsed["counts"], json!({"ERR": 1, "WARN": 0, "INFO": 2}));
    assert_eq!(
        parsed["changes"][0]["id"],
        "request-property-became-required"
    );
    assert_eq!(parsed["changes"][0]["level"], "ERR");
    assert_eq!(parsed["changes"][0]["operation"], "PUT /x");
    assert_eq!(parsed["changes"][0]["method"], "PUT");
    assert_eq!(parsed["changes"][0]["path"], "/x");
    assert_eq!(parsed["changes"][2]["operation"], Value::Null);
    let text = render_json(&sample_changes());
    let order: Vec<usize> = [
        "\"id\"",
        "\"level\"",
        "\"operation\"",
        "\"method\"",
        "\"path\"",
        "\"pointer\"",
        "\"text\"",
    ]
    .iter()
    .map(|key| text.find(key).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    let empty: Value = serde_json::from_str(&render(&[], Format::Json)).unwrap();
    assert_eq!(
        empty,
        json!({"changes": [], "counts": {"ERR": 0, "WARN": 0, "INFO": 0}})
    );
}

#[test]
fn markdown_rendering() {
    let md = render_markdown(&sample_changes());
    assert!(md.starts_with("### Breaking changes\n\n- `PUT /x`: The request property `p` became required. (`request-property-became-required` at `/paths/~1x/put/requestBody/content/application~1json/schema/properties/p`)\n"), "{md}");
    assert!(!md.contains("### Possibly breaking"), "{md}");
    assert!(
        md.contains("\n### Other changes\n\n- `GET /y`: Endpoint added. (`endpoint-added` at `/paths/~1y/get`)\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "- The component security scheme k was added. (`api-security-component-added` at `/components/securitySchemes/k`)\n"
        ),
        "{md}"
    );
    let warn = compare(
        &resp(obj_p(json!({"type": "string"}), false)),
        &resp(json!({"type": "object", "properties": {}})),
    );
    assert!(render(&warn, Format::Markdown).starts_with("### Possibly breaking\n\n- "));
    assert_eq!(render_markdown(&[]), "No API changes.\n");
}

#[test]
fn formats_levels_and_fail_on() {
    assert_eq!(Format::parse("JSON"), Some(Format::Json));
    assert_eq!(Format::parse("md"), Some(Format::Markdown));
    assert_eq!(Format::parse("text"), Some(Format::Text));
    assert_eq!(Format::parse("xml"), None);
    assert_eq!(Level::parse("warn"), Some(W));
    assert_eq!(Level::parse("ERR"), Some(E));
    assert_eq!(Level::parse("info"), Some(I));
    assert_eq!(Level::parse("fatal"), None);
    assert!(E > W && W > I);
    assert_eq!(E.to_string(), "ERR");
    let changes = sample_changes();
    assert!(fails(&changes, E));
    assert!(fails(&changes, W));
    let info_only: Vec<Change> = changes.iter().filter(|c| c.level == I).cloned().collect();
    assert!(!fails(&info_only, W));
    assert!(fails(&info_only, I));
    let warn_only = compare(
        &resp(obj_p(json!({"type": "string"}), false)),
        &resp(json!({"type": "object", "properties": {}})),
    );
    assert!(fails(&warn_only, W));
    assert!(!fails(&warn_only, E));
    assert_eq!(counts(&changes)["ERR"], 1);
    assert_eq!(counts(&changes)["INFO"], 2);
}

#[test]
fn run_exit_codes() {
    let dir = std::env::temp_dir().join(format!("spec-tools-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, value: &Value| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
        path.to_string_lossy().into_owned()
    };
    let old = write("old.json", &req(obj_p(json!({"type": "string"}), false)));
    let new = write("new.json", &req(obj_p(json!({"type": "string"}), true)));
    let warn = write(
        "warn.json",
        &req(json!({"type": "object", "properties": {}})),
    );
    let same = run(&old, &old, Format::Text, Some(E));
    assert_eq!((same.exit, same.output.as_str()), (0, "No changes.\n"));
    assert_eq!(run(&old, &new, Format::Text, None).exit, 0);
    assert_eq!(run(&old, &new, Format::Text, Some(E)).exit, 1);
    assert_eq!(run(&old, &warn, Format::Text, Some(E)).exit, 0);
    assert_eq!(run(&old, &warn, Format::Text, Some(W)).exit, 1);
    let json_out = run(&old, &new, Format::Json, Some(W));
    assert_eq!(json_out.exit, 1);
    assert!(
        json_out.output.contains("\"ERR\": 1"),
        "{}",
        json_out.output
    );
    let bad = run(
        &old,
        &dir.join("missing.yaml").to_string_lossy(),
        Format::Text,
        None,
    );
    assert_eq!(bad.exit, 2);
    assert!(
        bad.output.starts_with("error: cannot read "),
        "{}",
        bad.output
    );
    let not_spec = write("not.json", &json!({"hello": "world"}));
    let bad = run(&not_spec, &old, Format::Text, Some(E));
    assert_eq!(bad.exit, 2);
    assert!(
        bad.output.contains("is not an OpenAPI 3 document"),
        "{}",
        bad.output
    );
    std::fs::remove_dir_all(&dir).ok();
}

// ---- patches, helpers ---------------------------------------------------------------------

#[test]
fn json_patch_operations() {
    let mut d = json!({"a": {"b": [1, 2]}, "x/y": 1});
    apply(&mut d, &json!({"op": "add", "path": "/a/c", "value": 3})).unwrap();
    apply(&mut d, &json!({"op": "add", "path": "/a/b/-", "value": 9})).unwrap();
    apply(&mut d, &json!({"op": "add", "path": "/a/b/0", "value": 0})).unwrap();
    apply(
        &mut d,
        &json!({"op": "replace", "path": "/a/b/1", "value": 5}),
    )
    .unwrap();
    apply(&mut d, &json!({"op": "remove", "path": "/x~1y"})).unwrap();
    assert_eq!(d, json!({"a": {"b": [0, 5, 2, 9], "c": 3}}));
    apply(&mut d, &json!({"op": "remove", "path": "/a/b/3"})).unwrap();
    assert_eq!(d["a"]["b"], json!([0, 5, 2]));
    assert!(apply(
        &mut d,
        &json!({"op": "replace", "path": "/nope", "value": 1})
    )
    .is_err());
    assert!(apply(&mut d, &json!({"op": "remove", "path": "/a/b/7"})).is_err());
    assert!(apply(&mut d, &json!({"op": "add", "path": "/a/b/01", "value": 1})).is_err());
    assert!(apply(&mut d, &json!({"op": "move", "path": "/a"})).is_err());
    assert!(apply(&mut d, &json!({"op": "add", "path": "a"})).is_err());
    assert!(apply(
        &mut d,
        &json!({"op": "add", "path": "/missing/x", "value": 1})
    )
    .is_err());
    assert!(apply(&mut d, &json!({"op": "add", "path": "/a/c/x", "value": 1})).is_err());
    assert!(apply(&mut d, &json!({"op": "add", "path": "/a/z"})).is_err());
}

#[test]
fn path_keys_and_dates() {
    assert_eq!(
        path_key("/v1/customers/{customerId}/x"),
        "/v1/customers/{}/x"
    );
    assert_eq!(path_key("/a/{b}{c}"), "/a/{}{}");
    assert_eq!(parse_date("1970-01-02"), Some(1));
    assert_eq!(parse_date("2000-03-01"), Some(11_017));
    assert_eq!(parse_date("2026-12-01T10:00:00Z"), Some(20_788));
    assert_eq!(parse_date("2026-13-01"), None);
    assert_eq!(parse_date("soon"), None);
    assert!(today() > 20_000);
}

// ---- no panics on any input ----------------------------------------------------------------

/// A small deterministic generator of arbitrary JSON shaped a bit like OpenAPI.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn value(&mut self, depth: usize) -> Value {
        const KEYS: &[&str] = &[
            "paths",
            "/x",
            "/y/{id}",
            "get",
            "put",
            "parameters",
            "requestBody",
            "responses",
            "200",
            "404",
            "default",
            "content",
            "application/json",
            "schema",
            "$ref",
            "properties",
            "required",
            "items",
            "allOf",
            "anyOf",
            "oneOf",
            "type",
            "enum",
            "nullable",
            "maxLength",
            "minimum",
            "pattern",
            "default",
            "in",
            "name",
            "security",
            "components",
            "schemas",
            "A",
            "securitySchemes",
            "headers",
            "readOnly",
            "writeOnly",
            "format",
            "additionalProperties",
            "flows",
            "implicit",
            "scopes",
            "x-extensible-enum",
            "deprecated",
            "x-sunset",
        ];
        const REFS: &[&str] = &[
            "#/components/schemas/A",
            "#/components/schemas/B",
            "#",
            "#/paths",
            "#/components/schemas/A/properties/a",
            "other.yaml#/X",
            "#/components/requestBodies/A",
        ];
        match self.next() % if depth > 5 { 5 } else { 8 } {
            0 => Value::Null,
            1 => json!(self.next().is_multiple_of(3)),
            2 => json!((self.next() % 200) as i64 - 50),
            3 => json!(self.pick(KEYS)),
            4 => json!(self.pick(REFS)),
            5 | 6 => {
                let mut map = serde_json::Map::new();
                for _ in 0..self.next() % 5 {
                    let key = self.pick(KEYS).to_string();
                    let value = if key == "$ref" {
                        json!(self.pick(REFS))
                    } else {
                        self.value(depth + 1)
                    };
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            _ => Value::Array(
                (0..self.next() % 4)
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
        }
    }
}

#[test]
fn garbage_never_panics() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        let (a, b) = (g.value(0), g.value(0));
        let changes = compare(&a, &b);
        let _ = render_text(&changes);
        let _ = render_markdown(&changes);
        let wrapped_a = json!({"openapi": "3.0.0", "paths": {"/x": {"get": a.clone(), "put": b.clone()}}, "components": {"schemas": {"A": b.clone(), "B": a.clone()}}});
        let wrapped_b = json!({"openapi": "3.0.0", "paths": {"/x": {"get": b, "put": a}}, "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}});
        let _ = compare(&wrapped_a, &wrapped_b);
        let _ = compare(&wrapped_b, &wrapped_a);
    }
}

#[test]
fn random_edits_of_real_specs_never_panic() {
    let mut g = Gen(42);
    for (_, spec) in real_specs() {
        for _ in 0..60 {
            let mut edited = spec.clone();
            // Replace a random node reached by a random walk with garbage.
            let mut pointer = String::new();
            let mut node = &edited;
            for _ in 0..(g.next() % 8) {
                let next = match node {
                    Value::Object(map) if !map.is_empty() => {
                        let key = map
                            .keys()
                            .nth((g.next() % map.len() as u64) as usize)
                            .unwrap()
                            .clone();
                        pointer.push('/');
                        pointer.push_str(&escape(&key));
                        &map[&key]
                    }
                    Value::Array(items) if !items.is_empty() => {
                        let i = (g.next() % items.len() as u64) as usize;
                        pointer.push_str(&format!("/{i}"));
                        &items[i]
                    }
                    _ => break,
                };
                node = next;
            }
            let garbage = g.value(2);
            if let Some(slot) = edited.pointer_mut(&pointer) {
                *slot = garbage;
            }
            let _ = compare(&spec, &edited);
            let _ = compare(&edited, &spec);
        }
    }
}

#[test]
fn deep_reference_fan_out_is_bounded() {
    // Each schema refers to the next twice: a naive expansion would build 2^40 nodes.
    let mut schemas = serde_json::Map::new();
    for i in 0..40 {
        let next = format!("#/components/schemas/S{}", i + 1);
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"a": {"$ref": next}, "b": {"$ref": next}}}),
        );
    }
    schemas.insert("S40".into(), json!({"type": "string"}));
    let d = with_components(
        req(json!({"$ref": "#/components/schemas/S0"})),
        json!({"schemas": schemas}),
    );
    let start = std::time::Instant::now();
    assert_eq!(compare(&d, &d), vec![]);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn versioning_policy() {
    let versioned = |version: &str, required: bool| {
        let mut d = req(obj_p(json!({"type": "string"}), required));
        d["info"]["version"] = json!(version);
        d
    };
    let breaking = ("request-property-became-required", E);
    expect(
        versioned("1.2.3", false),
        versioned("1.2.3", true),
        &[breaking, ("api-version-not-bumped", I)],
    );
    expect(
        versioned("1.2.3", false),
        versioned("1.2.2", true),
        &[breaking, ("api-version-decreased", I)],
    );
    expect(
        versioned("1.2.3", false),
        versioned("1.3.0", true),
        &[breaking, ("api-major-version-not-bumped", I)],
    );
    expect(
        versioned("1.2.3", false),
        versioned("2.0.0", true),
        &[breaking],
    );
    expect(
        versioned("0.2.3", false),
        versioned("0.3.0", true),
        &[breaking],
    );
    expect(
        versioned("0.2.3", false),
        versioned("0.2.4", true),
        &[breaking, ("api-major-version-not-bumped", I)],
    );
    expect(
        versioned("v1.0.0-beta.1", false),
        versioned("v1.0.0-beta.1", true),
        &[breaking, ("api-version-not-bumped", I)],
    );
    // Not semver, or nothing breaking: no verdict.
    expect(versioned("1.0", false), versioned("1.0", true), &[breaking]);
    expect(
        versioned("1.2.3", true),
        versioned("1.2.3", false),
        &[("request-property-became-optional", I)],
    );
    assert_eq!(semver("1.2.3"), Some((1, 2, 3)));
    assert_eq!(semver("v10.0.1+build.5"), Some((10, 0, 1)));
    assert_eq!(semver("1.02.3"), None);
    assert_eq!(semver("1.2"), None);
    assert_eq!(semver("1.2.3.4"), None);
    assert_eq!(semver("1.2.3-"), None);
    assert_eq!(semver("1..3"), None);
    assert_eq!(semver("1.x.3"), None);
    assert_eq!(semver("1.2.3+4"), Some((1, 2, 3)));
    assert_eq!(semver("0.0.0"), Some((0, 0, 0)));
}

#[test]
fn read_only_and_write_only_transitions() {
    let s = |flag: Option<&str>| match flag {
        Some(f) => json!({"type": "string", f: true}),
        None => json!({"type": "string"}),
    };
    for (side, required) in [
        ("request", false),
        ("request", true),
        ("response", false),
        ("response", true),
    ] {
        let doc_of = |schema: Value| {
            if side == "request" {
                req(obj_p(schema, required))
            } else {
                resp(obj_p(schema, required))
            }
        };
        let kind = if required { "required" } else { "optional" };
        for flag in ["readOnly", "writeOnly"] {
            let words = if flag == "readOnly" {
                "read-only"
            } else {
                "write-only"
            };
            let became = format!("{side}-{kind}-property-became-{words}");
            let became_not = format!("{side}-{kind}-property-became-not-{words}");
            let not_level = if side == "response" && required && flag == "writeOnly" {
                W
            } else {
                I
            };
            let on: BTreeSet<(String, Level)> = got(&doc_of(s(None)), &doc_of(s(Some(flag))));
            let off: BTreeSet<(String, Level)> = got(&doc_of(s(Some(flag))), &doc_of(s(None)));
            assert!(
                on.contains(&(became.clone(), I)),
                "{side} {kind} {flag}: {on:?}"
            );
            assert!(
                off.contains(&(became_not.clone(), not_level)),
                "{side} {kind} {flag}: {off:?}"
            );
            assert_eq!(
                on.iter().filter(|(id, _)| id.contains("-became-")).count(),
                1,
                "{on:?}"
            );
        }
    }
}

#[test]
fn sentences() {
    let texts = |old: Value, new: Value| -> Vec<String> {
        compare(&old, &new).into_iter().map(|c| c.text).collect()
    };
    assert_eq!(
        texts(
            resp(obj_p(json!({"type": "string", "enum": ["a"]}), true)),
            resp(obj_p(json!({"type": "string", "enum": ["a", "b"]}), true))
        ),
        ["Added the new enum value 'b' to the response property `p` for the status 200."]
    );
    assert_eq!(
        texts(
            req(obj_p(json!({"type": "integer", "default": 1}), false)),
            req(obj_p(json!({"type": "integer", "default": 2}), false))
        ),
        ["The request property `p`: default value changed from 1 to 2."]
    );
    assert_eq!(
        texts(
            req(obj_p(json!({"type": "number", "maximum": 2.5}), false)),
            req(obj_p(json!({"type": "number", "maximum": 2}), false))
        ),
        ["For the request property `p`, the max was decreased from 2.5 to 2."]
    );
    assert_eq!(
        texts(qp(json!({"type": "string"})), qp(json!({"type": "integer", "format": "int32"}))),
        ["For the query request parameter `q`, the type/format changed from string to integer/int32."]
    );
    assert_eq!(
        texts(
            resp(json!({"type": "string", "maxLength": 3})),
            resp(json!({"type": "string"}))
        ),
        ["For the response body for the status 200, the maxLength was unset from 3."]
    );
    assert_eq!(
        texts(req(obj_p(json!({"type": "string", "pattern": "^a$"}), false)), req(obj_p(json!({"type": "string", "pattern": ".*"}), false))),
        ["Changed the pattern of the request property `p` from `^a$` to a more general pattern `.*`."]
    );
    assert_eq!(
        texts(statuses(&["200", "201"]), statuses(&["200"])),
        ["Removed the success response with the status 201."]
    );
    assert_eq!(num(1e20), "100000000000000000000");
    assert_eq!(show(&json!(null)), "null");
}

#[test]
fn parameters_and_headers_by_reference() {
    let p = json!({"in": "query", "name": "q", "schema": {"type": "string", "maxLength": 5}});
    let by_ref = with_components(
        param(json!({"$ref": "#/components/parameters/Q"})),
        json!({"parameters": {"Q": p}}),
    );
    expect(param(p.clone()), by_ref.clone(), &[]);
    let mut tighter = by_ref.clone();
    tighter["components"]["parameters"]["Q"]["schema"]["maxLength"] = json!(4);
    let changes = compare(&by_ref, &tighter);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "request-parameter-max-length-decreased");
    assert_eq!(changes[0].pointer, "/components/parameters/Q/schema");
    let h = |required: bool| {
        with_components(
            doc(
                json!({"/x": {"get": {"responses": {"200": {"description": "x", "headers": {"X-Id": {"$ref": "#/components/headers/H"}}}}}}}),
            ),
            json!({"headers": {"H": {"required": required, "schema": {"type": "string"}}}}),
        )
    };
    expect(h(true), h(false), &[("response-header-became-optional", E)]);
}

#[test]
fn non_operations_and_odd_shapes_are_ignored() {
    let base = doc(
        json!({"/x": {"summary": "s", "parameters": [], "get": get_op(json!({})), "x-ext": {"get": 1}}}),
    );
    let odd =
        doc(json!({"/x": {"summary": "t", "get": get_op(json!({})), "put": "not an operation"}}));
    expect(base, odd, &[]);
    let empty_sec = secured(json!([]), Some(json!([{}])), json!({}));
    expect(secured(json!([]), None, json!({})), empty_sec, &[]);
    let anonymous_global = secured(json!([{}]), None, json!({}));
    expect(
        secured(json!([]), None, json!({})),
        anonymous_global,
        &[("api-global-security-added", I)],
    );
}

#[test]
fn formats_that_widen() {
    for (from, to) in [
        ("float", "double"),
        ("int32", "int64"),
        ("int64", "bigint"),
        ("int32", "bigint"),
        ("date", "date-time"),
        ("time", "date-time"),
    ] {
        let t = if from.starts_with("int") {
            "integer"
        } else if from == "float" {
            "number"
        } else {
            "string"
        };
        req_prop(
            json!({"type": t, "format": from}),
            json!({"type": t, "format": to}),
            &[("request-property-type-generalized", I)],
        );
        resp_prop(
            json!({"type": t, "format": to}),
            json!({"type": t, "format": from}),
            &[("response-property-type-specialized", I)],
        );
        resp_prop(
            json!({"type": t, "format": from}),
            json!({"type": t, "format": to}),
            &[("response-property-type-changed", E)],
        );
    }
    req_prop(
        json!({"type": "string", "format": "date"}),
        json!({"type": "string", "format": "email"}),
        &[("request-property-type-changed", E)],
    );
    // No type at all accepts anything.
    req_prop(
        json!({"type": "string"}),
        json!({}),
        &[("request-property-type-generalized", I)],
    );
    req_prop(
        json!({}),
        json!({"type": "string"}),
        &[("request-property-type-changed", E)],
    );
    resp_prop(
        json!({}),
        json!({"type": "string"}),
        &[("response-property-type-specialized", I)],
    );
}

#[test]
fn yaml_shapes() {
    use super::load::parse_value;
    let v = parse_value("a: 1.5\ntrue: x\n2: [1, -3]\n~: n\nt: !tag 5\n").unwrap();
    assert_eq!(
        v,
        json!({"a": 1.5, "true": "x", "2": [1, -3], "null": "n", "t": 5})
    );
    let big = parse_value("n: 18446744073709551615").unwrap();
    assert_eq!(big["n"], json!(18_446_744_073_709_551_615u64));
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    // Past the parsers' recursion limits: an error, not a stack overflow.
    let _ = parse_value(&deep);
    let yaml_deep = "a:\n".to_string()
        + &(1..300)
            .map(|i| format!("{}- \n", " ".repeat(i)))
            .collect::<String>();
    let _ = parse_value(&yaml_deep);
}

// ---- the corpus runner ----------------------------------------------------------------------

struct TempCorpus(std::path::PathBuf);

impl TempCorpus {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("spec-tools-corpus-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cases")).unwrap();
        TempCorpus(dir)
    }
    /// A case; one of ours also says oasdiff reports the same (see `case_departing`).
    fn case(&self, name: &str, source: &str, old: Value, new: Value, expect: Value) {
        let oasdiff = source.starts_with("ours").then(|| expect.clone());
        self.case_departing(name, source, old, new, expect, oasdiff);
    }
    fn case_departing(
        &self,
        name: &str,
        source: &str,
        old: Value,
        new: Value,
        expect: Value,
        oasdiff: Option<Value>,
    ) {
        let mut case = json!({"source": source, "base": old, "revision": new, "expect": expect});
        if let Some(oasdiff) = oasdiff {
            case["oasdiff"] = oasdiff;
        }
        std::fs::write(
            self.0.join(format!("cases/{name}.yaml")),
            serde_json::to_string(&case).unwrap(),
        )
        .unwrap();
    }
    fn file(&self, name: &str, text: &str) {
        std::fs::write(self.0.join(name), text).unwrap();
    }
}

impl Drop for TempCorpus {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn corpus_agreement_and_failure_conditions() {
    let c = TempCorpus::new("a");
    let s = json!({"type": "string"});
    let optional = || req(obj_p(json!({"type": "string"}), false));
    let required = || req(obj_p(json!({"type": "string"}), true));
    let became_required = json!([{"id": "request-property-became-required", "level": "ERR"}]);
    c.case(
        "agree",
        "oasdiff x_test.go",
        optional(),
        required(),
        became_required.clone(),
    );
    c.case(
        "none",
        "oasdiff x_test.go",
        optional(),
        optional(),
        json!([]),
    );
    c.case(
        "wrong-level",
        "oasdiff x_test.go",
        optional(),
        required(),
        json!([{"id": "request-property-became-required", "level": "WARN"}]),
    );
    c.case(
        "listed",
        "oasdiff x_test.go",
        required(),
        optional(),
        json!([]),
    );
    c.case(
        "listed-changed",
        "oasdiff x_test.go",
        required(),
        optional(),
        json!([]),
    );
    c.case(
        "stale",
        "oasdiff x_test.go",
        required(),
        required(),
        json!([]),
    );
    c.case(
        "ours-ok",
        "ours: ok",
        optional(),
        required(),
        became_required.clone(),
    );
    c.case(
        "ours-wrong",
        "ours: wrong",
        optional(),
        required(),
        json!([]),
    );
    c.case(
        "ours-listed",
        "ours: listed",
        required(),
        optional(),
        json!([]),
    );
    c.case_departing(
        "ours-departs",
        "ours: we say more",
        optional(),
        required(),
        became_required.clone(),
        Some(json!([])),
    );
    c.case_departing(
        "ours-silent",
        "ours: no oasdiff list",
        optional(),
        required(),
        became_required.clone(),
        None,
    );
    c.file(
        "disagreements.yaml",
        "- {case: listed, why: on purpose, reported: [{id: request-property-became-optional, level: INFO}]}\n\
         - {case: listed-changed, why: was so, reported: []}\n\
         - {case: ours-listed, why: ours, reported: [{id: request-property-became-optional, level: INFO}]}\n\
         - {case: stale, why: old, reported: []}\n\
         - {case: ghost, why: gone, reported: []}\n",
    );
    let specs = TempCorpus::new("specs");
    specs.file(
        "mini.yaml",
        &serde_json::to_string(&req(obj_p(s.clone(), false))).unwrap(),
    );
    c.file(
        "mutations.yaml",
        "- name: m-required\n  spec: mini\n  edits:\n    - {op: add, path: '/paths/~1x/put/requestBody/content/application~1json/schema/required', value: [p]}\n  expect:\n    - {id: request-property-became-required, level: ERR}\n  semver: major\n- name: m-bad-edit\n  spec: mini\n  edits: [{op: remove, path: /nope}]\n  expect: []\n",
    );
    let report = corpus::run_with_specs(&c.0, &specs.0);
    let names: Vec<&str> = report.pairs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "agree",
            "listed-changed",
            "listed",
            "none",
            "ours-departs",
            "ours-listed",
            "ours-ok",
            "ours-wrong",
            "stale",
            "wrong-level",
            "m-required"
        ]
    );
    // Anchored: the six oasdiff cases and the mutation; agreeing: agree, none, stale, m-required.
    assert_eq!(report.anchored().count(), 7);
    assert_eq!(report.agreeing(), 4);
    assert!((report.percentage() - 100.0 * 4.0 / 7.0).abs() < 1e-9);
    assert_eq!(report.pairs[0].origin, corpus::Origin::Oasdiff);
    assert_eq!(report.pairs[5].origin, corpus::Origin::Ours);
    assert_eq!(report.pairs[10].origin, corpus::Origin::Mutation);
    let problems = report.problems().join("\n");
    assert!(
        problems.contains("holds 7 pairs anchored on oasdiff, fewer than 100"),
        "{problems}"
    );
    assert!(
        problems.contains("agreement is 57.1%, below 95%"),
        "{problems}"
    );
    assert!(
        problems.contains("wrong-level disagrees and is not in disagreements.yaml"),
        "{problems}"
    );
    assert!(!problems.contains("listed disagrees"), "{problems}");
    assert!(!problems.contains("listed now reports"), "{problems}");
    assert!(
        problems.contains("listed-changed now reports request-property-became-optional INFO, not the (none) its disagreements.yaml entry explains"),
        "{problems}"
    );
    assert!(
        problems.contains("stale is listed in disagreements.yaml but now agrees"),
        "{problems}"
    );
    for ours in ["ours-wrong", "ours-listed"] {
        assert!(
            problems.contains(&format!("{ours} is our own case: it states our decision")),
            "{problems}"
        );
    }
    assert!(!problems.contains("ours-ok"), "{problems}");
    assert!(
        problems.contains("lists ghost, which is no case or mutation"),
        "{problems}"
    );
    assert!(problems.contains("m-bad-edit: edit #1"), "{problems}");
    assert!(
        problems.contains("cases/ours-silent: our own case needs an `oasdiff` list"),
        "{problems}"
    );
    let md = report.render_agreement();
    assert!(
        md.contains(
            "| ours-departs | (none) | request-property-became-required ERR | we say more |"
        ),
        "{md}"
    );
    assert!(!md.contains("| ours-ok |"), "{md}");
    assert!(
        md.contains("**7 pairs anchored on oasdiff (its ported cases and mutations of our specs), 4 agree: 57.1%.** Our own cases (4) state decisions of ours, 1 of them where oasdiff reports otherwise"),
        "{md}"
    );
    assert!(md.contains("| oasdiff cases | 6 | 3 | 50.0 |"), "{md}");
    assert!(
        md.contains("| our cases (not counted) | 4 | 2 | 50.0 |"),
        "{md}"
    );
    assert!(
        md.contains("| mutations of our specs | 1 | 1 | 100.0 |"),
        "{md}"
    );
    assert!(
        md.contains("| listed | (none) | request-property-became-optional INFO | on purpose |"),
        "{md}"
    );
    assert!(md.contains("| wrong-level | request-property-became-required WARN | request-property-became-required ERR | (not listed) |"), "{md}");
    assert!(md.contains("## Errors"), "{md}");
}

#[test]
fn corpus_passes_when_everything_agrees() {
    let c = TempCorpus::new("b");
    let s = json!({"type": "string"});
    for i in 0..100 {
        c.case(
            &format!("c{i:03}"),
            "oasdiff t_test.go",
            req(obj_p(s.clone(), false)),
            req(obj_p(s.clone(), i % 2 == 0)),
            if i % 2 == 0 {
                json!([{"id": "request-property-became-required", "level": "err"}])
            } else {
                json!([])
            },
        );
    }
    let report = corpus::run(&c.0);
    assert_eq!(report.pairs.len(), 100);
    assert_eq!(report.problems(), Vec::<String>::new());
    assert!(report
        .render_agreement()
        .contains("\n## Disagreements\n\nNone.\n"));
    // One disagreement of 100 is 99%: still enough, but it must be listed.
    c.case(
        "c000",
        "oasdiff t_test.go",
        req(obj_p(s.clone(), false)),
        req(obj_p(s.clone(), true)),
        json!([]),
    );
    let report = corpus::run(&c.0);
    assert_eq!(report.problems().len(), 1, "{:?}", report.problems());
    c.file("disagreements.yaml", "- case: c000\n  why: test\n  reported: [{id: request-property-became-required, level: ERR}]\n");
    assert_eq!(corpus::run(&c.0).problems(), Vec::<String>::new());
    // Six of 100 is below 95%.
    for i in 1..6 {
        c.case(
            &format!("c{:03}", i * 2),
            "oasdiff t_test.go",
            req(obj_p(s.clone(), false)),
            req(obj_p(s.clone(), true)),
            json!([]),
        );
    }
    let problems = corpus::run(&c.0).problems();
    assert!(
        problems.iter().any(|p| p.contains("agreement is 94.0%")),
        "{problems:?}"
    );
}

#[test]
fn corpus_input_errors() {
    let c = TempCorpus::new("c");
    c.file("cases/broken.yaml", "base: [");
    c.file(
        "cases/no-expect.yaml",
        "{source: ours, base: {openapi: 3.0.0, paths: {}}, revision: {openapi: 3.0.0, paths: {}}}",
    );
    c.file("cases/bad-level.yaml", "{source: ours, base: {openapi: 3.0.0, paths: {}}, revision: {openapi: 3.0.0, paths: {}}, expect: [{id: x, level: LOUD}]}");
    c.file(
        "cases/not-openapi.yaml",
        "{source: oasdiff x, base: {a: 1}, revision: {openapi: 3.0.0, paths: {}}, expect: []}",
    );
    c.file("disagreements.yaml", "{case: x}");
    c.file("mutations.yaml", "- {name: m, spec: '../etc', edits: [], expect: []}\n- {name: n, spec: missing, edits: [], expect: []}\n");
    let report = corpus::run(&c.0);
    assert!(report.pairs.is_empty(), "{:?}", report.pairs);
    let errors = report.errors.join("\n");
    for needle in [
        "cases/broken",
        "cases/no-expect: no `expect` list",
        "cases/bad-level: an expectation without a level",
        "cases/not-openapi: base is not an OpenAPI 3 document",
        "disagreements.yaml is not a list",
        "mutations.yaml m: `spec` \"../etc\" is not a spec name",
        "mutations.yaml n: cannot read",
    ] {
        assert!(errors.contains(needle), "{needle}\n{errors}");
    }
}

#[test]
fn gaps_found_by_planted_bugs() {
    // An anonymous (empty) requirement dropped from an operation is not reported.
    expect(
        secured(json!([]), Some(json!([{}])), json!({})),
        secured(json!([]), None, json!({})),
        &[],
    );
    // A path parameter is required whether or not it says so.
    let path_p = |required: Option<bool>| {
        let mut p = json!({"in": "path", "name": "id", "schema": {"type": "string"}});
        if let Some(r) = required {
            p["required"] = json!(r);
        }
        doc(json!({"/x/{id}": {"get": get_op(json!({"parameters": [p]}))}}))
    };
    expect(path_p(None), path_p(Some(true)), &[]);
    // maxItems appearing on a parameter is not judged (oasdiff has no such check).
    expect(
        qp(json!({"type": "array"})),
        qp(json!({"type": "array", "maxItems": 3})),
        &[],
    );
    // Versions equal as semver but written differently count as not increased.
    let versioned = |version: &str, required: bool| {
        let mut d = req(obj_p(json!({"type": "string"}), required));
        d["info"]["version"] = json!(version);
        d
    };
    expect(
        versioned("1.2.3+a", false),
        versioned("1.2.3+b", true),
        &[
            ("request-property-became-required", E),
            ("api-version-decreased", I),
        ],
    );
    // 3xx responses are not success responses.
    expect(
        statuses(&["200", "301"]),
        statuses(&["200"]),
        &[("response-non-success-status-removed", I)],
    );
    expect(
        statuses(&["200", "299"]),
        statuses(&["200"]),
        &[("response-success-status-removed", E)],
    );
    // additionalProperties schemas are compared.
    let map = |max: u64| json!({"type": "object", "additionalProperties": {"type": "string", "maxLength": max}});
    expect(
        req(map(5)),
        req(map(4)),
        &[("request-property-max-length-decreased", E)],
    );
}

#[test]
fn normalization_details() {
    let d = with_components(
        json!({}),
        json!({"schemas": {
            "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
            "Two": {"anyOf": [{"type": "string"}, {"type": "integer", "enum": []}]},
            "Enums": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["b"]}]},
            "Open": {"anyOf": [{"type": "string"}, {"enum": ["a"]}]}
        }}),
    );
    let build = |name: &str| {
        let ptr = format!("/components/schemas/{name}");
        SchemaCx::new(&d).schema(d.pointer(&ptr).unwrap(), &ptr)
    };
    let reference = json!({"$ref": "#/components/schemas/Node"});
    let node = SchemaCx::new(&d).schema(&reference, "/paths/x");
    assert_eq!(node.ptr, "/components/schemas/Node");
    let items = node.properties["children"].items.as_ref().unwrap();
    assert_eq!(items.cycle.as_deref(), Some("/components/schemas/Node"));
    assert_eq!(items.ref_name.as_deref(), Some("Node"));
    // A branch allowing no value at all is not a null branch.
    let two = build("Two");
    assert!(!two.nullable);
    assert_eq!(two.any_of.len(), 2);
    // Two closed enums are alternatives, not an open enum.
    let enums = build("Enums");
    assert!(!enums.open_enum);
    assert_eq!(enums.any_of.len(), 2);
    // The open-enum idiom in either order.
    let open = build("Open");
    assert!(open.open_enum);
    assert_eq!(open.enum_values, Some(vec![json!("a")]));
    assert!(open.any_of.is_empty());
}

#[test]
fn patch_indexes_at_the_bounds() {
    let mut d = json!({"a": [1, 2, 3]});
    assert!(apply(&mut d, &json!({"op": "remove", "path": "/a/3"})).is_err());
    assert!(apply(
        &mut d,
        &json!({"op": "replace", "path": "/a/3", "value": 0})
    )
    .is_err());
    assert!(apply(&mut d, &json!({"op": "add", "path": "/a/4", "value": 0})).is_err());
    apply(&mut d, &json!({"op": "add", "path": "/a/3", "value": 4})).unwrap();
    apply(&mut d, &json!({"op": "remove", "path": "/a/0"})).unwrap();
    assert_eq!(d, json!({"a": [2, 3, 4]}));
    apply(
        &mut d,
        &json!({"op": "replace", "path": "", "value": {"b": 1}}),
    )
    .unwrap();
    assert_eq!(d, json!({"b": 1}));
    assert!(apply(&mut d, &json!({"op": "remove", "path": ""})).is_err());
}

#[test]
fn more_gaps_found_by_planted_bugs() {
    assert_eq!(Level::parse("error"), Some(E));
    assert_eq!(Level::parse("warning"), Some(W));
    // The versioning verdict needs an ERR; a WARN alone is not enough.
    let mut old = req(obj_p(json!({"type": "string"}), false));
    old["info"]["version"] = json!("1.0.0");
    let mut new = req(json!({"type": "object", "properties": {}}));
    new["info"]["version"] = json!("1.0.0");
    expect(old, new, &[("request-property-removed", W)]);
    // Sentences name the dimension that changed.
    let text = compare(
        &req(obj_p(json!({"type": "string"}), false)),
        &req(obj_p(json!({"type": "integer"}), false)),
    );
    assert_eq!(
        text[0].text,
        "For the request property `p`, the type changed from string to integer."
    );
    let text = compare(
        &req(obj_p(json!({"type": "string", "format": "date"}), false)),
        &req(obj_p(json!({"type": "string", "format": "email"}), false)),
    );
    assert_eq!(
        text[0].text,
        "For the request property `p`, the format changed from string/date to string/email."
    );
    // OpenAPI 2 is refused even when its version is a string.
    assert!(matches!(
        Spec::parse("openapi: '2.0'\npaths: {}", "s"),
        Err(LoadError::NotOpenApi { .. })
    ));
    // JSON is read as JSON: a duplicate key (which YAML refuses) keeps the last value.
    let spec = Spec::parse(
        r#"{"openapi": "3.0.0", "paths": {}, "x": 1, "x": 2}"#,
        "dup",
    )
    .unwrap();
    assert_eq!(spec.value["x"], json!(2));
    // Type lists compare as sets; a null in an enum makes the schema nullable.
    resp_prop(
        json!({"type": ["string", "integer"]}),
        json!({"type": ["integer", "string"]}),
        &[],
    );
    resp_prop(
        json!({"type": "string", "enum": ["a"]}),
        json!({"type": "string", "enum": ["a", null]}),
        &[("response-property-became-nullable", E)],
    );
}

#[test]
fn corpus_counts_and_escapes() {
    let c = TempCorpus::new("d");
    let s = json!({"type": "string"});
    for i in 0..99 {
        c.case(
            &format!("c{i:03}"),
            "oasdiff t_test.go",
            req(obj_p(s.clone(), false)),
            req(obj_p(s.clone(), false)),
            json!([]),
        );
    }
    c.file("cases/README.md", "not a case");
    // Our own cases do not count towards the 100.
    c.case(
        "ours-extra",
        "ours: extra",
        req(obj_p(s.clone(), false)),
        req(obj_p(s.clone(), false)),
        json!([]),
    );
    let problems = corpus::run(&c.0).problems();
    assert_eq!(
        problems,
        ["the corpus holds 99 pairs anchored on oasdiff, fewer than 100"]
    );
    c.case(
        "c099",
        "oasdiff t_test.go",
        req(obj_p(s.clone(), false)),
        req(obj_p(s.clone(), true)),
        json!([]),
    );
    c.file("disagreements.yaml", "- {case: c099, why: 'a | b', reported: [{id: request-property-became-required, level: ERR}]}\n");
    let report = corpus::run(&c.0);
    assert_eq!(report.problems(), Vec::<String>::new());
    assert!(report
        .render_agreement()
        .contains("| c099 | (none) | request-property-became-required ERR | a \\| b |"));
}

#[test]
fn only_whole_components_name_a_reference() {
    let d = with_components(
        json!({}),
        json!({"schemas": {"A": {"type": "object", "properties": {"a": {"type": "string"}}}, "B~1C": {"type": "string"}}}),
    );
    let deep = json!({"$ref": "#/components/schemas/A/properties/a"});
    let built = SchemaCx::new(&d).schema(&deep, "/x");
    assert_eq!(built.types, ["string"]);
    assert_eq!(built.ref_name, None);
    let escaped = json!({"$ref": "#/components/schemas/B~1C"});
    assert_eq!(
        SchemaCx::new(&d).schema(&escaped, "/x").ref_name.as_deref(),
        Some("B/C")
    );
    let whole = json!({"$ref": "#/components/schemas/A"});
    assert_eq!(
        SchemaCx::new(&d).schema(&whole, "/x").ref_name.as_deref(),
        Some("A")
    );
}

#[test]
fn only_rev_and_path_both_present_reach_git() {
    // `HEAD:` would make `git show` print the root tree, `:x` would read the index, and
    // `-n:x` would pass an option: none of them is a REV:path.
    for arg in ["HEAD:", ":x", "-n:x"] {
        match Spec::load(arg) {
            Err(LoadError::Unreadable { source, reason }) => {
                assert_eq!(source, arg);
                assert_eq!(reason, "no such file (and not REV:path)", "{arg}");
            }
            other => panic!("{arg}: {other:?}"),
        }
    }
}

#[test]
fn yaml_nesting_bound_counts_sequences_and_mappings() {
    use serde_yaml::Value as Y;
    let seq = Y::Sequence(vec![Y::Bool(true)]);
    let mut map = serde_yaml::Mapping::new();
    map.insert(Y::String("k".into()), Y::Bool(true));
    let map = Y::Mapping(map);
    let tagged = |v: Y| {
        Y::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new("t"),
            value: v,
        }))
    };
    // At depth 256 the node is kept; its members, at 257, become null.
    assert_eq!(load::yaml_to_json(seq.clone(), 256), json!([null]));
    assert_eq!(load::yaml_to_json(seq.clone(), 255), json!([true]));
    assert_eq!(load::yaml_to_json(map.clone(), 256), json!({"k": null}));
    assert_eq!(load::yaml_to_json(map, 255), json!({"k": true}));
    assert_eq!(load::yaml_to_json(tagged(seq.clone()), 256), Value::Null);
    assert_eq!(load::yaml_to_json(tagged(seq), 255), json!([null]));
}

#[test]
fn a_shorter_unnamed_alternative_list_removes_the_last() {
    let one = |list: Value| json!({"oneOf": list});
    let old = req(one(
        json!([{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]),
    ));
    let new = req(one(json!([{"type": "string"}, {"type": "integer"}])));
    let changes = compare(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "request-body-one-of-removed");
    assert_eq!(changes[0].level, E);
    assert_eq!(
        changes[0].pointer,
        "/paths/~1x/put/requestBody/content/application~1json/schema/oneOf/2"
    );
    assert_eq!(
        changes[0].text,
        "Removed subschema #3 from the request body `oneOf` list."
    );
    // And the other way round: the third is added.
    assert_eq!(
        got(&new, &old),
        BTreeSet::from([("request-body-one-of-added".to_string(), I)])
    );
}

#[test]
fn only_a_response_open_enum_is_called_open() {
    let open = |e: Value| json!({"anyOf": [{"type": "string", "enum": e}, {"type": "string"}]});
    let response = compare(
        &resp(obj_p(open(json!(["a"])), true)),
        &resp(obj_p(open(json!(["a", "b"])), true)),
    );
    assert_eq!(response.len(), 1, "{response:?}");
    assert_eq!(response[0].id, "response-property-open-enum-value-added");
    assert_eq!(
        response[0].text,
        "Added the new enum value 'b' to the response property `p` for the status 200 (an open enum)."
    );
    let request = compare(
        &req(obj_p(open(json!(["a"])), false)),
        &req(obj_p(open(json!(["a", "b"])), false)),
    );
    assert_eq!(request.len(), 1, "{request:?}");
    assert_eq!(request[0].id, "request-property-enum-value-added");
    assert!(
        !request[0].text.contains("open enum"),
        "{}",
        request[0].text
    );
}

#[test]
fn only_max_length_is_judged_when_unset_in_a_response() {
    let s = |extra: Value| {
        let mut schema = json!({"type": "string"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            schema[k] = v.clone();
        }
        schema
    };
    resp_prop(s(json!({"maximum": 5})), s(json!({})), &[]);
    expect(resp(s(json!({"maximum": 5}))), resp(s(json!({}))), &[]);
    resp_prop(
        s(json!({"maxLength": 5, "maximum": 5})),
        s(json!({})),
        &[("response-property-max-length-unset", E)],
    );
}

#[test]
fn schema_node_bound_is_inclusive() {
    // The root plus `n` properties is `n + 1` nodes.
    let object = |n: usize| {
        let props: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("p{i:05}"), json!({"type": "string"})))
            .collect();
        json!({"type": "object", "properties": props})
    };
    let d = json!({});
    let full = object(schema::MAX_NODES - 1);
    let built = SchemaCx::new(&d).schema(&full, "/x");
    assert_eq!(built.properties.len(), schema::MAX_NODES - 1);
    assert!(built.properties.values().all(|p| p.types == ["string"]));
    let over = object(schema::MAX_NODES);
    let built = SchemaCx::new(&d).schema(&over, "/x");
    let empty = built
        .properties
        .values()
        .filter(|p| p.types.is_empty())
        .count();
    assert_eq!(empty, 1);
}

#[test]
fn schema_depth_bound_counts_every_nesting() {
    // `levels` wrappers around a string, each nesting through `via`.
    let nest = |via: &str, levels: usize| {
        let mut s = json!({"type": "string"});
        for _ in 0..levels {
            s = match via {
                "additionalProperties" => json!({"type": "object", "additionalProperties": s}),
                "items" => json!({"type": "array", "items": s}),
                _ => json!({"type": "object", "properties": {"p": s}}),
            };
        }
        s
    };
    let leaf = |via: &str, mut s: &Schema| loop {
        let next = match via {
            "additionalProperties" => s.additional.as_deref(),
            "items" => s.items.as_deref(),
            _ => s.properties.get("p"),
        };
        match next {
            Some(n) => s = n,
            None => return s.types.clone(),
        }
    };
    let d = json!({});
    for via in ["additionalProperties", "items", "properties"] {
        // The leaf at depth MAX_DEPTH is read; one deeper is read as empty.
        let at_bound = nest(via, schema::MAX_DEPTH);
        let built = SchemaCx::new(&d).schema(&at_bound, "/x");
        assert_eq!(leaf(via, &built), ["string"], "{via}");
        let beyond = nest(via, schema::MAX_DEPTH + 1);
        let built = SchemaCx::new(&d).schema(&beyond, "/x");
        assert_eq!(leaf(via, &built), Vec::<String>::new(), "{via}");
    }
}

#[test]
fn a_rev_path_is_read_from_git_and_a_missing_one_is_git_s_error() {
    // The repository this crate lives in: its committed RocketKOR spec loads as is.
    let spec = Spec::load("HEAD:specs/rocketkor.yaml").expect("HEAD:specs/rocketkor.yaml loads");
    assert_eq!(spec.value["openapi"], "3.0.3");
    match Spec::load("HEAD:specs/no-such-spec.yaml") {
        Err(LoadError::Unreadable { source, reason }) => {
            assert_eq!(source, "HEAD:specs/no-such-spec.yaml");
            assert!(reason.contains("no-such-spec.yaml"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// The ids no other test names: a request body's minimum and maximum, and alternatives
/// (`anyOf`/`oneOf`) added or removed where the other tests use the other keyword.
#[test]
fn body_bounds_and_alternatives_each_id() {
    let n = |bounds: Value| {
        let mut schema = json!({"type": "number"});
        schema
            .as_object_mut()
            .unwrap()
            .extend(bounds.as_object().unwrap().clone());
        schema
    };
    expect(
        req(n(json!({}))),
        req(n(json!({"maximum": 9}))),
        &[("request-body-max-set", W)],
    );
    expect(
        req(n(json!({}))),
        req(n(json!({"minimum": 1}))),
        &[("request-body-min-set", W)],
    );
    expect(
        req(n(json!({"minimum": 1}))),
        req(n(json!({"minimum": 2}))),
        &[("request-body-min-increased", E)],
    );
    expect(
        req(n(json!({"minimum": 2}))),
        req(n(json!({"minimum": 1}))),
        &[("request-body-min-decreased", I)],
    );
    let comps = json!({"schemas": {"A": {"type": "object"}, "B": {"type": "string"}, "C": {"type": "integer"}}});
    let list = |refs: &[&str]| -> Value {
        refs.iter()
            .map(|r| json!({"$ref": format!("#/components/schemas/{r}")}))
            .collect()
    };
    let body = |side: fn(Value) -> Value, key: &str, refs: &[&str]| {
        with_components(side(json!({ key: list(refs) })), comps.clone())
    };
    let member = |side: fn(Value) -> Value, key: &str, refs: &[&str]| {
        with_components(side(obj_p(json!({ key: list(refs) }), true)), comps.clone())
    };
    for (old, new, id, level) in [
        (
            body(req, "anyOf", &["A", "B"]),
            body(req, "anyOf", &["A", "B", "C"]),
            "request-body-any-of-added",
            I,
        ),
        (
            body(req, "anyOf", &["A", "B", "C"]),
            body(req, "anyOf", &["A", "B"]),
            "request-body-any-of-removed",
            E,
        ),
        (
            member(req, "oneOf", &["A", "B"]),
            member(req, "oneOf", &["A", "B", "C"]),
            "request-property-one-of-added",
            I,
        ),
        (
            member(req, "oneOf", &["A", "B", "C"]),
            member(req, "oneOf", &["A", "B"]),
            "request-property-one-of-removed",
            E,
        ),
        (
            member(resp, "anyOf", &["A", "B"]),
            member(resp, "anyOf", &["A", "B", "C"]),
            "response-property-any-of-added",
            I,
        ),
        (
            member(resp, "anyOf", &["A", "B", "C"]),
            member(resp, "anyOf", &["A", "B"]),
            "response-property-any-of-removed",
            I,
        ),
        (
            body(resp, "oneOf", &["A", "B"]),
            body(resp, "oneOf", &["A", "B", "C"]),
            "response-body-one-of-added",
            E,
        ),
        (
            body(resp, "oneOf", &["A", "B", "C"]),
            body(resp, "oneOf", &["A", "B"]),
            "response-body-one-of-removed",
            I,
        ),
    ] {
        expect(old, new, &[(id, level)]);
    }
}

/// Only a string enum beside a plain string is an open enum: an integer enum beside a
/// string is two alternatives, and a new integer value is a closed enum's (oasdiff's WARN).
#[test]
fn an_integer_enum_beside_a_string_is_not_open() {
    let pair = |e: Value| json!({"anyOf": [{"type": "integer", "enum": e}, {"type": "string"}]});
    let got_ids = got(
        &resp(obj_p(pair(json!([1])), true)),
        &resp(obj_p(pair(json!([1, 2])), true)),
    );
    assert!(
        !got_ids.contains(&("response-property-open-enum-value-added".to_string(), I)),
        "{got_ids:?}"
    );
    // And a string without an enum beside a plain string is no enum at all.
    let strings =
        |max: u64| json!({"anyOf": [{"type": "string", "maxLength": max}, {"type": "string"}]});
    let text = |max: u64| json!({"type": "string", "maxLength": max});
    assert_eq!(
        got(
            &resp(obj_p(strings(5), true)),
            &resp(obj_p(strings(6), true))
        ),
        got(
            &resp(obj_p(
                json!({"anyOf": [text(5), {"type": "integer"}]}),
                true
            )),
            &resp(obj_p(
                json!({"anyOf": [text(6), {"type": "integer"}]}),
                true
            ))
        ),
    );
}

/// An `allOf` part that brings `items` where the other parts have none keeps them.
#[test]
fn items_from_an_all_of_part_are_compared() {
    let array = |item: &str| json!({"allOf": [{"type": "array"}, {"items": {"type": item}}]});
    expect(
        req(obj_p(array("string"), false)),
        req(obj_p(array("integer"), false)),
        &[("request-property-type-changed", E)],
    );
}
