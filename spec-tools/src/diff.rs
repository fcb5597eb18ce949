//! Breaking-change classifier for OpenAPI 3.0 documents: `partner-bindings specs diff OLD NEW`.
//!
//! [`compare`] walks two documents side by side (paths and operations, parameters by
//! `(in, name)`, the request body per media type, responses per status and media type,
//! schemas recursively with request/response direction, security requirements and
//! `securitySchemes`) and reports every [`Change`] with a stable check id and a [`Level`]:
//! `ERR` breaks existing clients, `WARN` may break them, `INFO` does not.
//!
//! The check ids and their levels are [oasdiff](https://github.com/oasdiff/oasdiff)'s
//! (`checker/rules.go`), so a reader who knows oasdiff reads ours the same way; [`RULES`]
//! lists every id this classifier can report. Three ids are ours, for what oasdiff does not
//! judge and our specs rely on:
//!
//! - `response-property-open-enum-value-added` (INFO): a value added to an *open* enum in
//!   a response (`anyOf: [{enum: [...]}, {type: string}]`, whose clients already keep
//!   unknown values as text). A closed response enum gets oasdiff's
//!   `response-property-enum-value-added` (WARN).
//! - `api-security-component-api-key-changed` (ERR): an `apiKey` scheme moved to another
//!   header, query parameter or cookie name; every client sends the old one.
//! - `api-security-component-scheme-changed` (ERR): an `http` scheme changed (e.g.
//!   `bearer` to `basic`).
//!
//! Schemas are compared after normalization: local `$ref`s are resolved (a reference
//! cycle stops at the repeated reference), `allOf` is merged into one schema, and the two
//! `anyOf` idioms our specs use are read for what they mean: a null-only branch
//! (`enum: [null]`, `type: 'null'`) makes the rest nullable, and
//! `anyOf: [{enum: [...]}, {type: string}]` is an open enum. Other `anyOf`/`oneOf`
//! lists are alternatives, matched by `$ref` name, else by position.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub mod corpus;
mod load;
mod render;
mod schema;
#[cfg(test)]
mod tests;

pub use load::{LoadError, Spec};
pub use render::{render, render_json, render_markdown, render_text, Format};

use schema::{Schema, SchemaCx};

/// How much a change can hurt an existing client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// Compatible: nothing an existing client does stops working.
    #[serde(rename = "INFO")]
    Info,
    /// Possibly breaking: some clients or some inputs may fail.
    #[serde(rename = "WARN")]
    Warn,
    /// Breaking: existing clients fail.
    #[serde(rename = "ERR")]
    Err,
}

impl Level {
    /// `ERR`, `WARN` or `INFO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Err => "ERR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
        }
    }

    /// Parses `ERR`, `WARN` or `INFO` (case-insensitive).
    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Some(Level::Err),
            "WARN" | "WARNING" => Some(Level::Warn),
            "INFO" => Some(Level::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between the old and the new document, judged for an existing client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The stable check id, e.g. `request-property-became-required` (see [`RULES`]).
    pub id: String,
    /// The check's level.
    pub level: Level,
    /// `"PUT /v1/customers/{customerId}"`, or `None` for a document-level change.
    pub operation: Option<String>,
    /// The operation's HTTP method in upper case, or `None`.
    pub method: Option<String>,
    /// The operation's path, or `None`.
    pub path: Option<String>,
    /// JSON pointer (RFC 6901) to what changed in the new document, or in the old one
    /// for a removal. Inside a schema it points at the schema's own location, which is
    /// in `components` when it was reached through a `$ref`.
    pub pointer: String,
    /// One sentence saying what changed.
    pub text: String,
}

/// Every check id this classifier reports, with its level (oasdiff's, except the three
/// ids described in the [module documentation](self)).
pub const RULES: &[(&str, Level)] = &[
    ("endpoint-added", Level::Info),
    ("endpoint-deprecated", Level::Info),
    ("endpoint-reactivated", Level::Info),
    ("api-path-removed-without-deprecation", Level::Err),
    ("api-path-removed-with-deprecation", Level::Info),
    ("api-path-removed-before-sunset", Level::Err),
    ("api-removed-without-deprecation", Level::Err),
    ("api-removed-with-deprecation", Level::Info),
    ("api-removed-before-sunset", Level::Err),
    ("api-security-component-removed", Level::Info),
    ("api-security-component-added", Level::Info),
    ("api-security-component-type-changed", Level::Info),
    ("api-security-component-api-key-changed", Level::Err),
    ("api-security-component-scheme-changed", Level::Err),
    ("api-security-component-oauth-url-changed", Level::Info),
    (
        "api-security-component-oauth-token-url-changed",
        Level::Info,
    ),
    ("api-security-component-oauth-scope-added", Level::Info),
    ("api-security-component-oauth-scope-removed", Level::Info),
    ("api-security-component-oauth-scope-changed", Level::Info),
    ("api-security-scope-added", Level::Info),
    ("api-security-scope-removed", Level::Info),
    ("api-global-security-scope-added", Level::Info),
    ("api-global-security-scope-removed", Level::Info),
    ("api-security-removed", Level::Info),
    ("api-security-added", Level::Info),
    ("api-global-security-removed", Level::Info),
    ("api-global-security-added", Level::Info),
    ("api-schema-removed", Level::Info),
    ("api-version-not-bumped", Level::Info),
    ("api-version-decreased", Level::Info),
    ("api-major-version-not-bumped", Level::Info),
    ("request-body-added-required", Level::Err),
    ("request-body-added-optional", Level::Info),
    ("request-body-removed", Level::Err),
    ("request-body-became-required", Level::Err),
    ("request-body-became-optional", Level::Info),
    ("request-body-media-type-added", Level::Info),
    ("request-body-media-type-removed", Level::Err),
    ("request-body-media-type-schema-added", Level::Err),
    ("request-body-media-type-schema-removed", Level::Info),
    ("response-body-media-type-schema-added", Level::Info),
    ("response-body-media-type-schema-removed", Level::Warn),
    ("new-required-request-parameter", Level::Err),
    ("new-optional-request-parameter", Level::Info),
    ("new-request-path-parameter", Level::Err),
    ("request-parameter-removed", Level::Warn),
    ("request-parameter-became-required", Level::Err),
    ("request-parameter-became-optional", Level::Info),
    ("request-parameter-type-changed", Level::Err),
    ("request-parameter-type-generalized", Level::Info),
    ("request-parameter-became-enum", Level::Err),
    ("request-parameter-enum-value-added", Level::Info),
    ("request-parameter-enum-value-removed", Level::Err),
    ("request-parameter-became-nullable", Level::Info),
    ("request-parameter-became-not-nullable", Level::Err),
    ("request-parameter-default-value-changed", Level::Err),
    ("request-parameter-default-value-added", Level::Err),
    ("request-parameter-default-value-removed", Level::Err),
    ("request-parameter-max-length-set", Level::Warn),
    ("request-parameter-max-length-increased", Level::Info),
    ("request-parameter-max-length-decreased", Level::Err),
    ("request-parameter-min-length-increased", Level::Err),
    ("request-parameter-min-length-decreased", Level::Info),
    ("request-parameter-max-set", Level::Warn),
    ("request-parameter-max-increased", Level::Info),
    ("request-parameter-max-decreased", Level::Err),
    ("request-parameter-min-set", Level::Warn),
    ("request-parameter-min-increased", Level::Err),
    ("request-parameter-min-decreased", Level::Info),
    ("request-parameter-max-items-increased", Level::Info),
    ("request-parameter-max-items-decreased", Level::Err),
    ("request-parameter-min-items-increased", Level::Err),
    ("request-parameter-min-items-decreased", Level::Info),
    ("request-parameter-pattern-added", Level::Err),
    ("request-parameter-pattern-removed", Level::Info),
    ("request-parameter-pattern-changed", Level::Warn),
    ("request-parameter-pattern-generalized", Level::Info),
    ("new-required-request-property", Level::Err),
    ("new-required-request-property-with-default", Level::Err),
    ("new-optional-request-property", Level::Info),
    ("request-property-removed", Level::Warn),
    ("request-property-became-required", Level::Err),
    ("request-property-became-required-with-default", Level::Err),
    ("request-property-became-optional", Level::Info),
    ("request-body-type-changed", Level::Err),
    ("request-body-type-generalized", Level::Info),
    ("request-property-type-changed", Level::Err),
    ("request-property-type-generalized", Level::Info),
    ("request-body-became-enum", Level::Err),
    ("request-property-became-enum", Level::Err),
    ("request-body-enum-value-removed", Level::Err),
    ("request-property-enum-value-removed", Level::Err),
    ("request-property-enum-value-added", Level::Info),
    (
        "request-parameter-x-extensible-enum-value-removed",
        Level::Err,
    ),
    (
        "request-property-x-extensible-enum-value-removed",
        Level::Err,
    ),
    ("request-read-only-property-enum-value-removed", Level::Info),
    ("request-read-only-property-max-decreased", Level::Info),
    (
        "request-read-only-property-max-length-decreased",
        Level::Info,
    ),
    ("request-read-only-property-min-increased", Level::Info),
    ("request-body-became-nullable", Level::Info),
    ("request-body-became-not-nullable", Level::Err),
    ("request-property-became-nullable", Level::Info),
    ("request-property-became-not-nullable", Level::Err),
    ("request-body-default-value-added", Level::Info),
    ("request-body-default-value-removed", Level::Info),
    ("request-body-default-value-changed", Level::Info),
    ("request-property-default-value-added", Level::Info),
    ("request-property-default-value-removed", Level::Info),
    ("request-property-default-value-changed", Level::Info),
    ("request-body-max-length-set", Level::Warn),
    ("request-body-max-length-increased", Level::Info),
    ("request-body-max-length-decreased", Level::Err),
    ("request-property-max-length-set", Level::Warn),
    ("request-property-max-length-increased", Level::Info),
    ("request-property-max-length-decreased", Level::Err),
    ("request-body-min-length-increased", Level::Err),
    ("request-body-min-length-decreased", Level::Info),
    ("request-property-min-length-increased", Level::Err),
    ("request-property-min-length-decreased", Level::Info),
    ("request-body-max-set", Level::Warn),
    ("request-body-max-increased", Level::Info),
    ("request-body-max-decreased", Level::Err),
    ("request-property-max-set", Level::Warn),
    ("request-property-max-increased", Level::Info),
    ("request-property-max-decreased", Level::Err),
    ("request-body-min-set", Level::Warn),
    ("request-body-min-increased", Level::Err),
    ("request-body-min-decreased", Level::Info),
    ("request-property-min-set", Level::Warn),
    ("request-property-min-increased", Level::Err),
    ("request-property-min-decreased", Level::Info),
    ("request-body-min-items-increased", Level::Err),
    ("request-property-min-items-increased", Level::Err),
    ("request-property-pattern-added", Level::Err),
    ("request-property-pattern-removed", Level::Info),
    ("request-property-pattern-changed", Level::Warn),
    ("request-property-pattern-generalized", Level::Info),
    ("request-body-any-of-added", Level::Info),
    ("request-body-any-of-removed", Level::Err),
    ("request-property-any-of-added", Level::Info),
    ("request-property-any-of-removed", Level::Err),
    ("request-body-one-of-added", Level::Info),
    ("request-body-one-of-removed", Level::Err),
    ("request-property-one-of-added", Level::Info),
    ("request-property-one-of-removed", Level::Err),
    (
        "request-optional-property-became-not-write-only",
        Level::Info,
    ),
    ("request-optional-property-became-write-only", Level::Info),
    ("request-optional-property-became-read-only", Level::Info),
    (
        "request-optional-property-became-not-read-only",
        Level::Info,
    ),
    (
        "request-required-property-became-not-write-only",
        Level::Info,
    ),
    ("request-required-property-became-write-only", Level::Info),
    ("request-required-property-became-read-only", Level::Info),
    (
        "request-required-property-became-not-read-only",
        Level::Info,
    ),
    (
        "response-optional-property-became-not-write-only",
        Level::Info,
    ),
    ("response-optional-property-became-write-only", Level::Info),
    ("response-optional-property-became-read-only", Level::Info),
    (
        "response-optional-property-became-not-read-only",
        Level::Info,
    ),
    (
        "response-required-property-became-not-write-only",
        Level::Warn,
    ),
    ("response-required-property-became-write-only", Level::Info),
    ("response-required-property-became-read-only", Level::Info),
    (
        "response-required-property-became-not-read-only",
        Level::Info,
    ),
    ("response-success-status-removed", Level::Err),
    ("response-success-status-added", Level::Info),
    ("response-non-success-status-removed", Level::Info),
    ("response-non-success-status-added", Level::Info),
    ("response-media-type-removed", Level::Err),
    ("response-media-type-added", Level::Info),
    ("required-response-header-removed", Level::Err),
    ("optional-response-header-removed", Level::Warn),
    ("response-header-added", Level::Info),
    ("response-header-became-optional", Level::Err),
    ("response-required-property-removed", Level::Err),
    ("response-optional-property-removed", Level::Warn),
    ("response-required-property-added", Level::Info),
    ("response-optional-property-added", Level::Info),
    ("response-required-write-only-property-removed", Level::Info),
    ("response-optional-write-only-property-removed", Level::Info),
    ("response-required-write-only-property-added", Level::Info),
    ("response-optional-write-only-property-added", Level::Info),
    ("response-write-only-property-became-optional", Level::Info),
    ("response-write-only-property-became-required", Level::Info),
    ("response-write-only-property-enum-value-added", Level::Info),
    ("response-property-became-optional", Level::Err),
    ("response-property-became-required", Level::Info),
    ("response-body-type-changed", Level::Err),
    ("response-body-type-generalized", Level::Err),
    ("response-body-type-specialized", Level::Info),
    ("response-property-type-changed", Level::Err),
    ("response-property-type-generalized", Level::Err),
    ("response-property-type-specialized", Level::Info),
    ("response-property-enum-value-added", Level::Warn),
    ("response-property-open-enum-value-added", Level::Info),
    ("response-property-enum-value-removed", Level::Info),
    ("response-mediatype-enum-value-removed", Level::Info),
    ("response-body-became-nullable", Level::Err),
    ("response-body-became-not-nullable", Level::Info),
    ("response-property-became-nullable", Level::Err),
    ("response-property-became-not-nullable", Level::Info),
    ("response-body-default-value-added", Level::Info),
    ("response-body-default-value-removed", Level::Info),
    ("response-body-default-value-changed", Level::Info),
    ("response-property-default-value-added", Level::Info),
    ("response-property-default-value-removed", Level::Info),
    ("response-property-default-value-changed", Level::Info),
    ("response-body-max-length-increased", Level::Err),
    ("response-body-max-length-unset", Level::Err),
    ("response-property-max-length-increased", Level::Err),
    ("response-property-max-length-unset", Level::Err),
    ("response-body-min-length-decreased", Level::Err),
    ("response-property-min-length-decreased", Level::Err),
    ("response-body-max-increased", Level::Err),
    ("response-property-max-increased", Level::Err),
    ("response-body-min-decreased", Level::Err),
    ("response-property-min-decreased", Level::Err),
    ("response-body-min-items-decreased", Level::Err),
    ("response-property-min-items-decreased", Level::Err),
    ("response-property-pattern-added", Level::Info),
    ("response-property-pattern-changed", Level::Info),
    ("response-property-pattern-removed", Level::Info),
    ("response-body-any-of-added", Level::Info),
    ("response-body-any-of-removed", Level::Info),
    ("response-property-any-of-added", Level::Info),
    ("response-property-any-of-removed", Level::Info),
    ("response-body-one-of-added", Level::Err),
    ("response-body-one-of-removed", Level::Info),
    ("response-property-one-of-added", Level::Err),
    ("response-property-one-of-removed", Level::Info),
];

/// The level of a check id, or `None` for an id this classifier does not know.
pub fn level_of(id: &str) -> Option<Level> {
    RULES
        .iter()
        .find(|(rule, _)| *rule == id)
        .map(|(_, level)| *level)
}

/// Counts of changes per level, as in the JSON output.
pub fn counts(changes: &[Change]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::from([("ERR", 0), ("WARN", 0), ("INFO", 0)]);
    for change in changes {
        *counts.entry(change.level.as_str()).or_insert(0) += 1;
    }
    counts
}

/// Whether any change is at `threshold` or above (what `--fail-on` decides the exit on).
pub fn fails(changes: &[Change], threshold: Level) -> bool {
    changes.iter().any(|change| change.level >= threshold)
}

/// Every change from `old` to `new`, in document order (paths, then components).
///
/// Never panics: anything that is not an OpenAPI structure where one is expected is
/// read as absent.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        out: Vec::new(),
        op: None,
    };
    cx.paths();
    cx.global_security();
    cx.components();
    let mut seen = BTreeSet::new();
    cx.versioning();
    cx.out.retain(|c| {
        seen.insert((
            c.id.clone(),
            c.operation.clone(),
            c.pointer.clone(),
            c.text.clone(),
        ))
    });
    cx.out
}

/// What `specs diff OLD NEW` prints, and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The rendered changes (for stdout), or the error message (for stderr).
    pub output: String,
    /// 0: no change at the `--fail-on` level or above; 1: one at least; 2: bad input.
    pub exit: u8,
}

/// `specs diff OLD NEW`: loads both sides ([`Spec::load`]), compares them and renders the
/// changes in `format`; with `fail_on`, exits 1 when a change at that level or above
/// exists. A side that cannot be loaded exits 2 with the reason.
pub fn run(old: &str, new: &str, format: Format, fail_on: Option<Level>) -> Outcome {
    let sides = Spec::load(old).and_then(|old| Ok((old, Spec::load(new)?)));
    match sides {
        Err(e) => Outcome {
            output: format!("error: {e}\n"),
            exit: 2,
        },
        Ok((old, new)) => {
            let changes = compare(&old.value, &new.value);
            let failed = fail_on.is_some_and(|level| fails(&changes, level));
            Outcome {
                output: render(&changes, format),
                exit: u8::from(failed),
            }
        }
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one JSON pointer token (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn obj(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// Which side of the exchange a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Request,
    Response,
}

/// The operation being compared.
#[derive(Clone)]
struct Op {
    method: String,
    path: String,
}

struct Cx<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Change>,
    op: Option<Op>,
}

/// Where a schema sits: the request body, a response (with its status), or a parameter.
#[derive(Clone, Copy)]
enum Place<'s> {
    Body(Dir, Option<&'s str>),
    /// `in`, name, and whether the parameter is required (in the new document).
    Param(&'s str, &'s str, bool),
}

/// A schema comparison frame: the place, the property path so far (`""` at the root).
#[derive(Clone, Copy)]
struct At<'s> {
    place: Place<'s>,
    prop: &'s str,
}

impl At<'_> {
    fn dir(&self) -> Dir {
        match self.place {
            Place::Body(dir, _) => dir,
            Place::Param(..) => Dir::Request,
        }
    }
    fn root(&self) -> bool {
        self.prop.is_empty()
    }
    fn status(&self) -> &str {
        match self.place {
            Place::Body(_, Some(status)) => status,
            _ => "",
        }
    }
    /// The id prefix: `request-body`, `request-property`, `response-body`,
    /// `response-property` or `request-parameter`.
    fn prefix(&self) -> &'static str {
        match (self.place, self.root()) {
            (Place::Param(..), _) => "request-parameter",
            (Place::Body(Dir::Request, _), true) => "request-body",
            (Place::Body(Dir::Request, _), false) => "request-property",
            (Place::Body(Dir::Response, _), true) => "response-body",
            (Place::Body(Dir::Response, _), false) => "response-property",
        }
    }
    /// How the sentence names what changed.
    fn subject(&self) -> String {
        match self.place {
            Place::Param(location, name, _) if self.root() => {
                format!("the {location} request parameter `{name}`")
            }
            Place::Param(location, name, _) => {
                format!(
                    "the property `{}` of the {location} request parameter `{name}`",
                    self.prop
                )
            }
            Place::Body(Dir::Request, _) if self.root() => "the request body".to_string(),
            Place::Body(Dir::Request, _) => format!("the request property `{}`", self.prop),
            Place::Body(Dir::Response, _) if self.root() => {
                format!("the response body for the status {}", self.status())
            }
            Place::Body(Dir::Response, _) => format!(
                "the response property `{}` for the status {}",
                self.prop,
                self.status()
            ),
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}/{name}")
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    }
}

fn num(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

impl<'a> Cx<'a> {
    fn push(&mut self, id: &str, pointer: &str, text: String) {
        let level = level_of(id).unwrap_or(Level::Info);
        let (operation, method, path) = match &self.op {
            Some(op) => (
                Some(format!("{} {}", op.method, op.path)),
                Some(op.method.clone()),
                Some(op.path.clone()),
            ),
            None => (None, None, None),
        };
        let mut text = text;
        if let Some(first) = text.get(0..1) {
            let upper = first.to_uppercase();
            text.replace_range(0..1, &upper);
        }
        if !text.ends_with('.') {
            text.push('.');
        }
        self.out.push(Change {
            id: id.to_string(),
            level,
            operation,
            method,
            path,
            pointer: pointer.to_string(),
            text,
        });
    }

    /// Resolves a local `$ref` chain (at most 32 hops), returning the value and its pointer.
    fn deref(doc: &'a Value, value: &'a Value, pointer: String) -> (&'a Value, String) {
        let mut value = value;
        let mut pointer = pointer;
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = reference.strip_prefix('#') else {
                break;
            };
            match doc.pointer(target) {
                Some(found) => {
                    value = found;
                    pointer = target.to_string();
                }
                None => break,
            }
        }
        (value, pointer)
    }

    /// oasdiff's versioning policy: with a breaking change, `info.version` (semver) should
    /// have gained a major version (a minor one below 1.0).
    fn versioning(&mut self) {
        self.op = None;
        if !self.out.iter().any(|c| c.level == Level::Err) {
            return;
        }
        let version = |doc: &Value| {
            doc.pointer("/info/version")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (Some(old_text), Some(new_text)) = (version(self.old), version(self.new)) else {
            return;
        };
        let (Some(old), Some(new)) = (semver(&old_text), semver(&new_text)) else {
            return;
        };
        if old_text == new_text {
            self.push(
                "api-version-not-bumped",
                "/info/version",
                format!("a breaking change was detected but the version is still {new_text}"),
            );
        } else if new <= old {
            self.push(
                "api-version-decreased",
                "/info/version",
                format!("a breaking change was detected but the version decreased from {old_text} to {new_text}"),
            );
        } else if !(if old.0 == 0 && new.0 == 0 {
            new.1 > old.1
        } else {
            new.0 > old.0
        }) {
            self.push(
                "api-major-version-not-bumped",
                "/info/version",
                format!("a breaking change was detected but the major version did not increase, from {old_text} to {new_text}"),
            );
        }
    }

    // ---- paths and operations -------------------------------------------------------

    fn paths(&mut self) {
        let old_paths = path_index(self.old);
        let new_paths = path_index(self.new);
        for (key, (old_path, old_item)) in &old_paths {
            let old_item = *old_item;
            match new_paths.get(key) {
                None => {
                    for (method, op) in operations(old_item) {
                        self.op = Some(Op {
                            method: method.to_uppercase(),
                            path: old_path.clone(),
                        });
                        let pointer = format!("/paths/{}/{method}", escape(old_path));
                        self.removed_operation(op, true, &pointer);
                    }
                }
                Some((new_path, new_item)) => {
                    let new_item = *new_item;
                    let old_ops: BTreeMap<_, _> = operations(old_item).collect();
                    let new_ops: BTreeMap<_, _> = operations(new_item).collect();
                    for (method, old_op) in &old_ops {
                        self.op = Some(Op {
                            method: method.to_uppercase(),
                            path: new_path.clone(),
                        });
                        match new_ops.get(method) {
                            None => {
                                let pointer = format!("/paths/{}/{method}", escape(old_path));
                                self.removed_operation(old_op, false, &pointer);
                            }
                            Some(new_op) => {
                                let base = OpSide {
                                    item: old_item,
                                    op: old_op,
                                    pointer: format!("/paths/{}/{method}", escape(old_path)),
                                };
                                let rev = OpSide {
                                    item: new_item,
                                    op: new_op,
                                    pointer: format!("/paths/{}/{method}", escape(new_path)),
                                };
                                self.operation(&base, &rev);
                            }
                        }
                    }
                    for method in new_ops.keys().filter(|m| !old_ops.contains_key(*m)) {
                        self.op = Some(Op {
                            method: method.to_uppercase(),
                            path: new_path.clone(),
                        });
                        let pointer = format!("/paths/{}/{method}", escape(new_path));
                        self.push("endpoint-added", &pointer, "endpoint added".into());
                    }
                }
            }
        }
        for (key, (new_path, new_item)) in &new_paths {
            if old_paths.contains_key(key) {
                continue;
            }
            for (method, _) in operations(new_item) {
                self.op = Some(Op {
                    method: method.to_uppercase(),
                    path: new_path.clone(),
                });
                let pointer = format!("/paths/{}/{method}", escape(new_path));
                self.push("endpoint-added", &pointer, "endpoint added".into());
            }
        }
        self.op = None;
    }

    fn removed_operation(&mut self, op: &Value, whole_path: bool, pointer: &str) {
        let (prefix, what) = if whole_path {
            ("api-path-removed", "api path removed")
        } else {
            ("api-removed", "api removed")
        };
        let deprecated = op.get("deprecated").and_then(Value::as_bool) == Some(true);
        if !deprecated {
            self.push(
                &format!("{prefix}-without-deprecation"),
                pointer,
                format!("{what} without deprecation"),
            );
            return;
        }
        match op
            .get("x-sunset")
            .and_then(Value::as_str)
            .and_then(parse_date)
        {
            // Removed after its sunset date: what the deprecation announced.
            Some(sunset) if sunset <= today() => {}
            Some(_) => self.push(
                &format!("{prefix}-before-sunset"),
                pointer,
                format!(
                    "{what} before the sunset date {}",
                    op["x-sunset"].as_str().unwrap_or("")
                ),
            ),
            _ => self.push(
                &format!("{prefix}-with-deprecation"),
                pointer,
                format!("{what} with deprecation"),
            ),
        }
    }

    fn operation(&mut self, base: &OpSide<'a>, rev: &OpSide<'a>) {
        let was = base.op.get("deprecated").and_then(Value::as_bool) == Some(true);
        let is = rev.op.get("deprecated").and_then(Value::as_bool) == Some(true);
        if !was && is {
            self.push(
                "endpoint-deprecated",
                &rev.pointer,
                "endpoint deprecated".into(),
            );
        } else if was && !is {
            self.push(
                "endpoint-reactivated",
                &rev.pointer,
                "endpoint reactivated".into(),
            );
        }
        self.parameters(base, rev);
        self.request_body(base, rev);
        self.responses(base, rev);
        self.operation_security(base, rev);
    }

    // ---- parameters -----------------------------------------------------------------

    fn parameters(&mut self, base: &OpSide<'a>, rev: &OpSide<'a>) {
        let old = params(self.old, base);
        let new = params(self.new, rev);
        for (key, (old_param, old_ptr)) in &old {
            let (location, name) = (&key.0, &old_param.name);
            match new.get(key) {
                None => self.push(
                    "request-parameter-removed",
                    old_ptr,
                    format!("deleted the {location} request parameter `{name}`"),
                ),
                Some((new_param, new_ptr)) => {
                    if !old_param.required && new_param.required {
                        self.push(
                            "request-parameter-became-required",
                            new_ptr,
                            format!("the {location} request parameter `{name}` became required"),
                        );
                    } else if old_param.required && !new_param.required {
                        self.push(
                            "request-parameter-became-optional",
                            new_ptr,
                            format!("the {location} request parameter `{name}` became optional"),
                        );
                    }
                    let old_schema =
                        SchemaCx::new(self.old).schema(old_param.schema, &old_param.schema_ptr);
                    let new_schema =
                        SchemaCx::new(self.new).schema(new_param.schema, &new_param.schema_ptr);
                    let at = At {
                        place: Place::Param(location, name, new_param.required),
                        prop: "",
                    };
                    self.schema(&at, &old_schema, &new_schema, 0);
                }
            }
        }
        for (key, (new_param, new_ptr)) in &new {
            if old.contains_key(key) {
                continue;
            }
            let (location, name) = (&key.0, &new_param.name);
            if location == "path" {
                self.push(
                    "new-request-path-parameter",
                    new_ptr,
                    format!("added the new path request parameter `{name}`"),
                );
            } else if new_param.required {
                self.push(
                    "new-required-request-parameter",
                    new_ptr,
                    format!("added the new required {location} request parameter `{name}`"),
                );
            } else {
                self.push(
                    "new-optional-request-parameter",
                    new_ptr,
                    format!("added the new optional {location} request parameter `{name}`"),
                );
            }
        }
    }

    // ---- request body ---------------------------------------------------------------

    fn request_body(&mut self, base: &OpSide<'a>, rev: &OpSide<'a>) {
        let old = base
            .op
            .get("requestBody")
            .map(|b| Self::deref(self.old, b, format!("{}/requestBody", base.pointer)));
        let new = rev
            .op
            .get("requestBody")
            .map(|b| Self::deref(self.new, b, format!("{}/requestBody", rev.pointer)));
        let required = |body: &Value| body.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (None, Some((body, ptr))) => {
                if required(body) {
                    self.push(
                        "request-body-added-required",
                        &ptr,
                        "added required request body".into(),
                    );
                } else {
                    self.push(
                        "request-body-added-optional",
                        &ptr,
                        "added optional request body".into(),
                    );
                }
            }
            (Some((_, ptr)), None) => self.push(
                "request-body-removed",
                &ptr,
                "removed the request body".into(),
            ),
            (Some((old_body, old_ptr)), Some((new_body, new_ptr))) => {
                if !required(old_body) && required(new_body) {
                    self.push(
                        "request-body-became-required",
                        &new_ptr,
                        "request body became required".into(),
                    );
                } else if required(old_body) && !required(new_body) {
                    self.push(
                        "request-body-became-optional",
                        &new_ptr,
                        "request body became optional".into(),
                    );
                }
                self.content(
                    Dir::Request,
                    None,
                    (old_body.get("content"), &format!("{old_ptr}/content")),
                    (new_body.get("content"), &format!("{new_ptr}/content")),
                );
            }
        }
    }

    /// Media types of a request body or of one response.
    fn content(
        &mut self,
        dir: Dir,
        status: Option<&str>,
        old: (Option<&'a Value>, &str),
        new: (Option<&'a Value>, &str),
    ) {
        let old_types: BTreeMap<&String, &Value> = obj(old.0).collect();
        let new_types: BTreeMap<&String, &Value> = obj(new.0).collect();
        let status_text = status.unwrap_or("");
        for (media, old_media) in &old_types {
            let old_ptr = format!("{}/{}", old.1, escape(media));
            let Some(new_media) = new_types.get(media) else {
                match dir {
                    Dir::Request => self.push(
                        "request-body-media-type-removed",
                        &old_ptr,
                        format!("removed the media type {media} from the request body"),
                    ),
                    Dir::Response => self.push(
                        "response-media-type-removed",
                        &old_ptr,
                        format!("removed the media type {media} for the response with the status {status_text}"),
                    ),
                }
                continue;
            };
            let new_ptr = format!("{}/{}", new.1, escape(media));
            match (old_media.get("schema"), new_media.get("schema")) {
                (None, None) => {}
                (None, Some(_)) => match dir {
                    Dir::Request => self.push(
                        "request-body-media-type-schema-added",
                        &format!("{new_ptr}/schema"),
                        format!("added a schema to the media type {media} of the request body"),
                    ),
                    Dir::Response => self.push(
                        "response-body-media-type-schema-added",
                        &format!("{new_ptr}/schema"),
                        format!("added a schema to the media type {media} for the response with the status {status_text}"),
                    ),
                },
                (Some(_), None) => match dir {
                    Dir::Request => self.push(
                        "request-body-media-type-schema-removed",
                        &format!("{old_ptr}/schema"),
                        format!("removed the schema from the media type {media} of the request body"),
                    ),
                    Dir::Response => self.push(
                        "response-body-media-type-schema-removed",
                        &format!("{old_ptr}/schema"),
                        format!("removed the schema from the media type {media} for the response with the status {status_text}"),
                    ),
                },
                (Some(old_schema), Some(new_schema)) => {
                    let old_schema = SchemaCx::new(self.old).schema(old_schema, &format!("{old_ptr}/schema"));
                    let new_schema = SchemaCx::new(self.new).schema(new_schema, &format!("{new_ptr}/schema"));
                    let at = At {
                        place: Place::Body(dir, status),
                        prop: "",
                    };
                    self.schema(&at, &old_schema, &new_schema, 0);
                }
            }
        }
        for media in new_types.keys().filter(|m| !old_types.contains_key(*m)) {
            let new_ptr = format!("{}/{}", new.1, escape(media));
            match dir {
                Dir::Request => self.push(
                    "request-body-media-type-added",
                    &new_ptr,
                    format!("added the media type {media} to the request body"),
                ),
                Dir::Response => self.push(
                    "response-media-type-added",
                    &new_ptr,
                    format!("added the media type {media} for the response with the status {status_text}"),
                ),
            }
        }
    }

    // ---- responses ------------------------------------------------------------------

    fn responses(&mut self, base: &OpSide<'a>, rev: &OpSide<'a>) {
        let old: BTreeMap<&String, &Value> = obj(base.op.get("responses")).collect();
        let new: BTreeMap<&String, &Value> = obj(rev.op.get("responses")).collect();
        let success = |status: &str| status.parse::<u16>().ok().map(|s| (200..300).contains(&s));
        for (status, old_response) in &old {
            let old_ptr = format!("{}/responses/{}", base.pointer, escape(status));
            let Some(new_response) = new.get(status) else {
                match success(status) {
                    Some(true) => self.push(
                        "response-success-status-removed",
                        &old_ptr,
                        format!("removed the success response with the status {status}"),
                    ),
                    Some(false) => self.push(
                        "response-non-success-status-removed",
                        &old_ptr,
                        format!("removed the non-success response with the status {status}"),
                    ),
                    None => {}
                }
                continue;
            };
            let new_ptr = format!("{}/responses/{}", rev.pointer, escape(status));
            let (old_response, old_ptr) = Self::deref(self.old, old_response, old_ptr);
            let (new_response, new_ptr) = Self::deref(self.new, new_response, new_ptr);
            self.content(
                Dir::Response,
                Some(status),
                (old_response.get("content"), &format!("{old_ptr}/content")),
                (new_response.get("content"), &format!("{new_ptr}/content")),
            );
            self.response_headers(status, (old_response, &old_ptr), (new_response, &new_ptr));
        }
        for status in new.keys().filter(|s| !old.contains_key(*s)) {
            let new_ptr = format!("{}/responses/{}", rev.pointer, escape(status));
            match success(status) {
                Some(true) => self.push(
                    "response-success-status-added",
                    &new_ptr,
                    format!("added the success response with the status {status}"),
                ),
                Some(false) => self.push(
                    "response-non-success-status-added",
                    &new_ptr,
                    format!("added the non-success response with the status {status}"),
                ),
                None => {}
            }
        }
    }

    fn response_headers(&mut self, status: &str, old: (&'a Value, &str), new: (&'a Value, &str)) {
        let headers =
            |doc: &'a Value, response: &'a Value, ptr: &str| -> BTreeMap<String, (bool, String)> {
                obj(response.get("headers"))
                    .map(|(name, header)| {
                        let (header, hptr) =
                            Self::deref(doc, header, format!("{ptr}/headers/{}", escape(name)));
                        let required =
                            header.get("required").and_then(Value::as_bool) == Some(true);
                        (name.to_ascii_lowercase(), (required, hptr))
                    })
                    .collect()
            };
        let old_headers = headers(self.old, old.0, old.1);
        let new_headers = headers(self.new, new.0, new.1);
        for (name, (required, ptr)) in &old_headers {
            match new_headers.get(name) {
                None if *required => self.push(
                    "required-response-header-removed",
                    ptr,
                    format!("the mandatory response header {name} removed for the status {status}"),
                ),
                None => self.push(
                    "optional-response-header-removed",
                    ptr,
                    format!("the optional response header {name} removed for the status {status}"),
                ),
                Some((now_required, new_ptr)) => {
                    if *required && !now_required {
                        self.push(
                            "response-header-became-optional",
                            new_ptr,
                            format!("the response header {name} became optional for the status {status}"),
                        );
                    }
                }
            }
        }
        for (name, (_, ptr)) in &new_headers {
            if !old_headers.contains_key(name) {
                self.push(
                    "response-header-added",
                    ptr,
                    format!("the response header {name} was added for the status {status}"),
                );
            }
        }
    }

    // ---- security -------------------------------------------------------------------

    fn operation_security(&mut self, base: &OpSide<'a>, rev: &OpSide<'a>) {
        let old = requirements(base.op.get("security"));
        let new = requirements(rev.op.get("security"));
        let base_ptr = format!("{}/security", base.pointer);
        let rev_ptr = format!("{}/security", rev.pointer);
        self.security_lists(false, (&old, &base_ptr), (&new, &rev_ptr));
    }

    fn global_security(&mut self) {
        self.op = None;
        let old = requirements(self.old.get("security"));
        let new = requirements(self.new.get("security"));
        self.security_lists(true, (&old, "/security"), (&new, "/security"));
    }

    /// Security requirements added, removed, or with scopes added or removed.
    fn security_lists(
        &mut self,
        global: bool,
        old: (&Requirements, &str),
        new: (&Requirements, &str),
    ) {
        let (prefix, what, whose) = if global {
            ("api-global-security", "the security scheme", "the API")
        } else {
            ("api-security", "the endpoint scheme security", "the API")
        };
        for (key, old_scopes) in old.0 {
            match new.0.get(key) {
                // An empty requirement (`{}`, anonymous access) is judged on the API only.
                None if key.is_empty() && !global => {}
                None => self.push(
                    &format!("{prefix}-removed"),
                    old.1,
                    format!("{what} {} was removed from {whose}", show_key(key)),
                ),
                Some(new_scopes) => {
                    for (scheme, scopes) in old_scopes {
                        let now = new_scopes.get(scheme);
                        for scope in scopes
                            .iter()
                            .filter(|s| !now.is_some_and(|n| n.contains(*s)))
                        {
                            self.push(
                                &format!("{prefix}-scope-removed"),
                                new.1,
                                format!(
                                    "removed the scope {scope} of the security scheme {scheme}"
                                ),
                            );
                        }
                    }
                    for (scheme, scopes) in new_scopes {
                        let was = old_scopes.get(scheme);
                        for scope in scopes
                            .iter()
                            .filter(|s| !was.is_some_and(|w| w.contains(*s)))
                        {
                            self.push(
                                &format!("{prefix}-scope-added"),
                                new.1,
                                format!("added the scope {scope} to the security scheme {scheme}"),
                            );
                        }
                    }
                }
            }
        }
        for key in new.0.keys().filter(|k| !old.0.contains_key(*k)) {
            if key.is_empty() && !global {
                continue;
            }
            self.push(
                &format!("{prefix}-added"),
                new.1,
                format!("{what} {} was added to {whose}", show_key(key)),
            );
        }
    }

    /// OAuth changes of a security scheme's implicit flow (the flow oasdiff compares).
    fn oauth(&mut self, name: &str, ptr: &str, old: &Value, new: &Value) {
        let (Some(old_flow), Some(new_flow)) = (
            old.pointer("/flows/implicit"),
            new.pointer("/flows/implicit"),
        ) else {
            return;
        };
        let ptr = format!("{ptr}/flows/implicit");
        let text = |flow: &Value, key: &str| {
            flow.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        for (key, id, words) in [
            (
                "authorizationUrl",
                "api-security-component-oauth-url-changed",
                "oauth url",
            ),
            (
                "tokenUrl",
                "api-security-component-oauth-token-url-changed",
                "oauth token url",
            ),
        ] {
            let (from, to) = (text(old_flow, key), text(new_flow, key));
            if from != to {
                self.push(
                    id,
                    &format!("{ptr}/{key}"),
                    format!(
                        "the component security scheme {name} {words} changed from {from} to {to}"
                    ),
                );
            }
        }
        let old_scopes: BTreeMap<&String, &Value> = obj(old_flow.get("scopes")).collect();
        let new_scopes: BTreeMap<&String, &Value> = obj(new_flow.get("scopes")).collect();
        for (scope, old_text) in &old_scopes {
            let scope_ptr = format!("{ptr}/scopes/{}", escape(scope));
            match new_scopes.get(scope) {
                None => self.push(
                    "api-security-component-oauth-scope-removed",
                    &scope_ptr,
                    format!("the component security scheme {name} oauth scope {scope} was removed"),
                ),
                Some(new_text) if new_text != old_text => self.push(
                    "api-security-component-oauth-scope-changed",
                    &scope_ptr,
                    format!("the component security scheme {name} oauth scope {scope} was updated from {} to {}", show(old_text), show(new_text)),
                ),
                Some(_) => {}
            }
        }
        for scope in new_scopes.keys().filter(|s| !old_scopes.contains_key(*s)) {
            self.push(
                "api-security-component-oauth-scope-added",
                &format!("{ptr}/scopes/{}", escape(scope)),
                format!("the component security scheme {name} oauth scope {scope} was added"),
            );
        }
    }

    fn components(&mut self) {
        self.op = None;
        let schemes = |doc: &'a Value| -> BTreeMap<&'a String, &'a Value> {
            obj(doc.pointer("/components/securitySchemes")).collect()
        };
        let old = schemes(self.old);
        let new = schemes(self.new);
        for (name, old_scheme) in &old {
            let ptr = format!("/components/securitySchemes/{}", escape(name));
            let Some(new_scheme) = new.get(name) else {
                self.push(
                    "api-security-component-removed",
                    &ptr,
                    format!("the component security scheme {name} was removed"),
                );
                continue;
            };
            let (old_scheme, _) = Self::deref(self.old, old_scheme, ptr.clone());
            let (new_scheme, _) = Self::deref(self.new, new_scheme, ptr.clone());
            let field = |scheme: &Value, key: &str| {
                scheme
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            self.oauth(name, &ptr, old_scheme, new_scheme);
            let (old_type, new_type) = (field(old_scheme, "type"), field(new_scheme, "type"));
            if old_type != new_type {
                self.push(
                    "api-security-component-type-changed",
                    &format!("{ptr}/type"),
                    format!("the component security scheme {name} type changed from {old_type} to {new_type}"),
                );
                continue;
            }
            if new_type == "apiKey" {
                let old_at = (field(old_scheme, "in"), field(old_scheme, "name"));
                let new_at = (field(new_scheme, "in"), field(new_scheme, "name"));
                let same_name = if new_at.0 == "header" {
                    old_at.1.eq_ignore_ascii_case(&new_at.1)
                } else {
                    old_at.1 == new_at.1
                };
                if old_at.0 != new_at.0 || !same_name {
                    self.push(
                        "api-security-component-api-key-changed",
                        &ptr,
                        format!(
                            "the component security scheme {name} now sends its key in the {} {} instead of the {} {}",
                            new_at.0, new_at.1, old_at.0, old_at.1
                        ),
                    );
                }
            } else if new_type == "http" {
                let (old_http, new_http) =
                    (field(old_scheme, "scheme"), field(new_scheme, "scheme"));
                if !old_http.eq_ignore_ascii_case(&new_http) {
                    self.push(
                        "api-security-component-scheme-changed",
                        &format!("{ptr}/scheme"),
                        format!("the component security scheme {name} changed its HTTP scheme from {old_http} to {new_http}"),
                    );
                }
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(
                "api-security-component-added",
                &format!("/components/securitySchemes/{}", escape(name)),
                format!("the component security scheme {name} was added"),
            );
        }
        let old_schemas: BTreeSet<&String> = obj(self.old.pointer("/components/schemas"))
            .map(|(k, _)| k)
            .collect();
        let new_schemas: BTreeSet<&String> = obj(self.new.pointer("/components/schemas"))
            .map(|(k, _)| k)
            .collect();
        for name in old_schemas.difference(&new_schemas) {
            self.push(
                "api-schema-removed",
                &format!("/components/schemas/{}", escape(name)),
                format!("removed the schema {name}"),
            );
        }
    }

    // ---- schemas --------------------------------------------------------------------

    /// Compares one schema node (a body root, a property, items, a parameter's schema)
    /// and recurses into its members.
    fn schema(&mut self, at: &At<'_>, old: &Schema, new: &Schema, depth: usize) {
        if depth > 48 {
            return;
        }
        if let (Some(a), Some(b)) = (&old.cycle, &new.cycle) {
            if a == b {
                return;
            }
        }
        let dir = at.dir();
        let prefix = at.prefix();
        let subject = at.subject();
        let ptr = new.ptr.as_str();
        let param = matches!(at.place, Place::Param(..));
        // A read-only request property is never sent: oasdiff judges only a few of its
        // changes, under `request-read-only-property-*` ids, at INFO.
        if !at.root() && dir == Dir::Request && new.read_only {
            self.read_only_request(at, old, new);
            return;
        }

        self.type_change(at, old, new);

        // nullable
        if old.nullable != new.nullable {
            let became = if new.nullable {
                "nullable"
            } else {
                "not-nullable"
            };
            let words = if new.nullable {
                "nullable"
            } else {
                "not nullable"
            };
            self.push(
                &format!("{prefix}-became-{became}"),
                ptr,
                format!("{subject} became {words}"),
            );
        }

        self.enum_change(at, old, new);
        self.extensible_enum(at, old, new);

        // default (a required parameter's default is never used)
        let unused_default = matches!(at.place, Place::Param(_, _, true));
        match (&old.default, &new.default) {
            _ if unused_default => {}
            (None, Some(d)) => self.push(
                &format!("{prefix}-default-value-added"),
                ptr,
                format!("{subject}: default value {} was added", show(d)),
            ),
            (Some(d), None) => self.push(
                &format!("{prefix}-default-value-removed"),
                &old.ptr,
                format!("{subject}: default value {} was removed", show(d)),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                &format!("{prefix}-default-value-changed"),
                ptr,
                format!(
                    "{subject}: default value changed from {} to {}",
                    show(a),
                    show(b)
                ),
            ),
            _ => {}
        }

        self.constraints(at, old, new);
        self.pattern(at, old, new);

        if param {
            // oasdiff judges a parameter's schema at its root only.
            return;
        }

        // properties
        for (name, old_prop) in &old.properties {
            let path = join(at.prop, name);
            let child = At {
                place: at.place,
                prop: &path,
            };
            match new.properties.get(name) {
                None => match dir {
                    Dir::Request => {
                        if !old_prop.read_only {
                            self.push(
                                "request-property-removed",
                                &old_prop.ptr,
                                format!("removed the request property `{path}`"),
                            );
                        }
                    }
                    Dir::Response => {
                        let kind = if old.required.contains(name) {
                            "required"
                        } else {
                            "optional"
                        };
                        let (wo, wo_text) = if old_prop.write_only {
                            ("write-only-", "write-only ")
                        } else {
                            ("", "")
                        };
                        self.push(
                            &format!("response-{kind}-{wo}property-removed"),
                            &old_prop.ptr,
                            format!("removed the {kind} {wo_text}property `{path}` from the response with the {} status", at.status()),
                        );
                    }
                },
                Some(new_prop) => {
                    let was = old.required.contains(name);
                    let is = new.required.contains(name);
                    match dir {
                        Dir::Request if !new_prop.read_only => {
                            if !was && is {
                                if new_prop.default.is_some() {
                                    self.push(
                                        "request-property-became-required-with-default",
                                        &new_prop.ptr,
                                        format!("the request property `{path}` with a default value became required"),
                                    );
                                } else {
                                    self.push(
                                        "request-property-became-required",
                                        &new_prop.ptr,
                                        format!("the request property `{path}` became required"),
                                    );
                                }
                            } else if was && !is {
                                self.push(
                                    "request-property-became-optional",
                                    &new_prop.ptr,
                                    format!("the request property `{path}` became optional"),
                                );
                            }
                        }
                        Dir::Response
                            if (new_prop.write_only || old_prop.write_only) && was != is =>
                        {
                            let became = if is { "required" } else { "optional" };
                            self.push(
                                &format!("response-write-only-property-became-{became}"),
                                &new_prop.ptr,
                                format!("the write-only response property `{path}` became {became} for the status {}", at.status()),
                            );
                        }
                        Dir::Response => {
                            if was && !is {
                                self.push(
                                    "response-property-became-optional",
                                    &new_prop.ptr,
                                    format!("the response property `{path}` became optional for the status {}", at.status()),
                                );
                            } else if !was && is {
                                self.push(
                                    "response-property-became-required",
                                    &new_prop.ptr,
                                    format!("the response property `{path}` became required for the status {}", at.status()),
                                );
                            }
                        }
                        _ => {}
                    }
                    self.access_change(at, &path, was, old_prop, new_prop);
                    self.schema(&child, old_prop, new_prop, depth + 1);
                }
            }
        }
        for (name, new_prop) in &new.properties {
            if old.properties.contains_key(name) {
                continue;
            }
            let path = join(at.prop, name);
            let required = new.required.contains(name);
            match dir {
                Dir::Request => {
                    if new_prop.read_only {
                        continue;
                    }
                    if required && new_prop.default.is_some() {
                        self.push(
                            "new-required-request-property-with-default",
                            &new_prop.ptr,
                            format!("added the new required request property `{path}` with a default value"),
                        );
                    } else if required {
                        self.push(
                            "new-required-request-property",
                            &new_prop.ptr,
                            format!("added the new required request property `{path}`"),
                        );
                    } else {
                        self.push(
                            "new-optional-request-property",
                            &new_prop.ptr,
                            format!("added the new optional request property `{path}`"),
                        );
                    }
                }
                Dir::Response => {
                    let kind = if required { "required" } else { "optional" };
                    let (wo, wo_text) = if new_prop.write_only {
                        ("write-only-", "write-only ")
                    } else {
                        ("", "")
                    };
                    self.push(
                        &format!("response-{kind}-{wo}property-added"),
                        &new_prop.ptr,
                        format!(
                            "added the {kind} {wo_text}property `{path}` to the response with the {} status",
                            at.status()
                        ),
                    );
                }
            }
        }

        // items and additionalProperties
        if let (Some(a), Some(b)) = (&old.items, &new.items) {
            let path = join(at.prop, "items");
            let child = At {
                place: at.place,
                prop: &path,
            };
            self.schema(&child, a, b, depth + 1);
        }
        if let (Some(a), Some(b)) = (&old.additional, &new.additional) {
            let path = join(at.prop, "additionalProperties");
            let child = At {
                place: at.place,
                prop: &path,
            };
            self.schema(&child, a, b, depth + 1);
        }

        // alternatives
        self.alternatives(at, "anyOf", &old.any_of, &new.any_of, depth);
        self.alternatives(at, "oneOf", &old.one_of, &new.one_of, depth);
    }

    /// A member that became (or stopped being) `readOnly` or `writeOnly`; `was_required`
    /// is its required-ness in the old document, as in oasdiff.
    fn access_change(
        &mut self,
        at: &At<'_>,
        path: &str,
        was_required: bool,
        old: &Schema,
        new: &Schema,
    ) {
        if matches!(at.place, Place::Param(..)) {
            return;
        }
        let side = if at.dir() == Dir::Request {
            "request"
        } else {
            "response"
        };
        let kind = if was_required { "required" } else { "optional" };
        for (flag, from, to) in [
            ("write-only", old.write_only, new.write_only),
            ("read-only", old.read_only, new.read_only),
        ] {
            if from == to {
                continue;
            }
            let became = if to {
                flag.to_string()
            } else {
                format!("not-{flag}")
            };
            let words = became.replace('-', " ");
            self.push(
                &format!("{side}-{kind}-property-became-{became}"),
                &new.ptr,
                format!("the {kind} {side} property `{path}` became {words}"),
            );
        }
    }

    fn alternatives(
        &mut self,
        at: &At<'_>,
        keyword: &str,
        old: &[Schema],
        new: &[Schema],
        depth: usize,
    ) {
        if old.is_empty() && new.is_empty() {
            return;
        }
        let kind = if keyword == "anyOf" {
            "any-of"
        } else {
            "one-of"
        };
        let prefix = at.prefix();
        if prefix == "request-parameter" {
            return;
        }
        let label = |s: &Schema, i: usize| match &s.ref_name {
            Some(name) => format!("#/components/schemas/{name}"),
            None => format!("subschema #{}", i + 1),
        };
        let mut matched_new = vec![false; new.len()];
        let mut pairs = Vec::new();
        let mut removed = Vec::new();
        for (i, o) in old.iter().enumerate() {
            let by_name = o.ref_name.as_ref().and_then(|name| {
                new.iter()
                    .enumerate()
                    .position(|(j, n)| !matched_new[j] && n.ref_name.as_ref() == Some(name))
            });
            let by_position = || {
                (o.ref_name.is_none()
                    && i < new.len()
                    && !matched_new[i]
                    && new[i].ref_name.is_none())
                .then_some(i)
            };
            match by_name.or_else(by_position) {
                Some(j) => {
                    matched_new[j] = true;
                    pairs.push((i, j));
                }
                None => removed.push(i),
            }
        }
        let where_ = if at.root() {
            format!(
                "the {} body `{keyword}` list",
                if at.dir() == Dir::Request {
                    "request"
                } else {
                    "response"
                }
            )
        } else {
            format!(
                "the `{}` {} property `{keyword}` list",
                at.prop,
                if at.dir() == Dir::Request {
                    "request"
                } else {
                    "response"
                }
            )
        };
        let status = if at.dir() == Dir::Response {
            format!(" for the response status {}", at.status())
        } else {
            String::new()
        };
        for i in removed {
            self.push(
                &format!("{prefix}-{kind}-removed"),
                &old[i].ptr,
                format!("removed {} from {where_}{status}", label(&old[i], i)),
            );
        }
        for (j, n) in new.iter().enumerate() {
            if !matched_new[j] {
                self.push(
                    &format!("{prefix}-{kind}-added"),
                    &n.ptr,
                    format!("added {} to {where_}{status}", label(n, j)),
                );
            }
        }
        for (i, j) in pairs {
            let path = join(at.prop, &format!("{keyword}[{}]", label(&new[j], j)));
            let child = At {
                place: at.place,
                prop: &path,
            };
            self.schema(&child, &old[i], &new[j], depth + 1);
        }
    }

    fn type_change(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let type_changed = old.types != new.types;
        let format_changed = old.format != new.format;
        if !type_changed && !format_changed {
            return;
        }
        let dir = at.dir();
        let prefix = at.prefix();
        let render = |s: &Schema| {
            let t = if s.types.is_empty() {
                "any".to_string()
            } else {
                s.types.join(", ")
            };
            match &s.format {
                Some(f) => format!("{t}/{f}"),
                None => t,
            }
        };
        let dimension = match (type_changed, format_changed) {
            (true, true) => "type/format",
            (true, false) => "type",
            _ => "format",
        };
        let (from, to) = (render(old), render(new));
        let subject = at.subject();
        match dir {
            Dir::Request => {
                // Breaking unless every value the old schema allowed is still allowed.
                let widened = widens(old, new);
                let id = if widened {
                    "type-generalized"
                } else {
                    "type-changed"
                };
                let verb = if widened { "was widened" } else { "changed" };
                self.push(
                    &format!("{prefix}-{id}"),
                    &new.ptr,
                    format!("for {subject}, the {dimension} {verb} from {from} to {to}"),
                );
            }
            Dir::Response => {
                if widens(new, old) {
                    self.push(
                        &format!("{prefix}-type-specialized"),
                        &new.ptr,
                        format!("for {subject}, the {dimension} was narrowed from {from} to {to}"),
                    );
                } else if type_set_widened(old, new) {
                    self.push(
                        &format!("{prefix}-type-generalized"),
                        &new.ptr,
                        format!("for {subject}, the {dimension} was widened from {from} to {to}"),
                    );
                } else {
                    self.push(
                        &format!("{prefix}-type-changed"),
                        &new.ptr,
                        format!("for {subject}, the {dimension} changed from {from} to {to}"),
                    );
                }
            }
        }
    }

    fn enum_change(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let prefix = at.prefix();
        let subject = at.subject();
        let ptr = new.ptr.as_str();
        if old.enum_values.is_none()
            && new.enum_values.is_some()
            && at.dir() == Dir::Request
            && !new.open_enum
        {
            self.push(
                &format!("{prefix}-became-enum"),
                ptr,
                format!("{subject} was restricted to a list of enum values"),
            );
        }
        // As in oasdiff, a missing enum lists no values: an enum added or dropped
        // reports each of its values as added or removed.
        let none = Vec::new();
        match (&old.enum_values, &new.enum_values) {
            (None, None) => {}
            (old_values, new_values) => {
                let old_values = old_values.as_ref().unwrap_or(&none);
                let new_values = new_values.as_ref().unwrap_or(&none);
                let removed: Vec<&Value> = old_values
                    .iter()
                    .filter(|v| !new_values.contains(v))
                    .collect();
                let added: Vec<&Value> = new_values
                    .iter()
                    .filter(|v| !old_values.contains(v))
                    .collect();
                for value in removed {
                    let id = match (at.dir(), prefix) {
                        (Dir::Response, "response-body") => {
                            "response-mediatype-enum-value-removed".to_string()
                        }
                        _ => format!("{prefix}-enum-value-removed"),
                    };
                    self.push(
                        &id,
                        ptr,
                        format!("removed the enum value {} from {subject}", show(value)),
                    );
                }
                for value in added {
                    let id = match (at.dir(), prefix) {
                        // oasdiff judges added response values on properties only.
                        (Dir::Response, "response-body") => continue,
                        (Dir::Request, "request-body") => continue,
                        (Dir::Response, _) if new.write_only => {
                            "response-write-only-property-enum-value-added".to_string()
                        }
                        (Dir::Response, _) if new.open_enum => {
                            "response-property-open-enum-value-added".to_string()
                        }
                        _ => format!("{prefix}-enum-value-added"),
                    };
                    let open = if new.open_enum && at.dir() == Dir::Response {
                        " (an open enum)"
                    } else {
                        ""
                    };
                    self.push(
                        &id,
                        ptr,
                        format!(
                            "added the new enum value {} to {subject}{open}",
                            show(value)
                        ),
                    );
                }
            }
        }
    }

    /// `x-extensible-enum` (Zalando's open enum): removing a value from a request breaks
    /// clients that send it; adding one breaks nobody.
    fn extensible_enum(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let (Some(old_values), Some(new_values)) = (&old.x_extensible_enum, &new.x_extensible_enum)
        else {
            return;
        };
        if at.dir() != Dir::Request || at.prefix() == "request-body" {
            return;
        }
        let prefix = at.prefix();
        let subject = at.subject();
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            self.push(
                &format!("{prefix}-x-extensible-enum-value-removed"),
                &new.ptr,
                format!(
                    "removed the x-extensible-enum value {} from {subject}",
                    show(value)
                ),
            );
        }
    }

    fn read_only_request(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let subject = format!("the read-only request property `{}`", at.prop);
        if let (Some(old_values), Some(new_values)) = (&old.enum_values, &new.enum_values) {
            for value in old_values.iter().filter(|v| !new_values.contains(v)) {
                self.push(
                    "request-read-only-property-enum-value-removed",
                    &new.ptr,
                    format!("removed the enum value {} from {subject}", show(value)),
                );
            }
        }
        let bounds = [
            (
                "max-length-decreased",
                "maxLength",
                old.max_length,
                new.max_length,
                true,
            ),
            ("max-decreased", "max", old.maximum, new.maximum, true),
            ("min-increased", "min", old.minimum, new.minimum, false),
        ];
        for (key, word, from, to, upper) in bounds {
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if (upper && to < from) || (!upper && to > from) {
                self.push(
                    &format!("request-read-only-property-{key}"),
                    &new.ptr,
                    format!(
                        "for {subject}, the {word} changed from {} to {}",
                        num(from),
                        num(to)
                    ),
                );
            }
        }
    }

    fn constraints(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let prefix = at.prefix();
        let subject = at.subject();
        let ptr = new.ptr.as_str();
        let dir = at.dir();
        let param = matches!(at.place, Place::Param(..));

        // Upper bounds: maxLength, maximum, maxItems. A request that tightens one breaks
        // clients; a response that loosens one breaks clients.
        let uppers: [(&str, &str, Option<f64>, Option<f64>); 3] = [
            ("max-length", "maxLength", old.max_length, new.max_length),
            ("max", "max", old.maximum, new.maximum),
            ("max-items", "maxItems", old.max_items, new.max_items),
        ];
        for (key, word, from, to) in uppers {
            // oasdiff compares maxItems on parameters only.
            if key == "max-items" && !param {
                continue;
            }
            match (dir, from, to) {
                (Dir::Request, None, Some(to)) if key != "max-items" => self.push(
                    &format!("{prefix}-{key}-set"),
                    ptr,
                    format!("for {subject}, the {word} was set to {}", num(to)),
                ),
                (Dir::Request, Some(from), Some(to)) if to < from => self.push(
                    &format!("{prefix}-{key}-decreased"),
                    ptr,
                    format!(
                        "for {subject}, the {word} was decreased from {} to {}",
                        num(from),
                        num(to)
                    ),
                ),
                (Dir::Request, Some(from), Some(to)) if to > from => self.push(
                    &format!("{prefix}-{key}-increased"),
                    ptr,
                    format!(
                        "for {subject}, the {word} was increased from {} to {}",
                        num(from),
                        num(to)
                    ),
                ),
                (Dir::Response, Some(from), Some(to)) if to > from => self.push(
                    &format!("{prefix}-{key}-increased"),
                    ptr,
                    format!(
                        "for {subject}, the {word} was increased from {} to {}",
                        num(from),
                        num(to)
                    ),
                ),
                (Dir::Response, Some(from), None) if key == "max-length" => self.push(
                    &format!("{prefix}-{key}-unset"),
                    ptr,
                    format!("for {subject}, the {word} was unset from {}", num(from)),
                ),
                _ => {}
            }
        }

        // Lower bounds: minLength and minItems (absent means 0, as in oasdiff), minimum.
        let lowers: [(&str, &str, Option<f64>, Option<f64>); 3] = [
            (
                "min-length",
                "minLength",
                Some(old.min_length.unwrap_or(0.0)),
                Some(new.min_length.unwrap_or(0.0)),
            ),
            ("min", "min", old.minimum, new.minimum),
            (
                "min-items",
                "minItems",
                Some(old.min_items.unwrap_or(0.0)),
                Some(new.min_items.unwrap_or(0.0)),
            ),
        ];
        for (key, word, from, to) in lowers {
            match (dir, from, to) {
                (Dir::Request, None, Some(to)) => self.push(
                    &format!("{prefix}-{key}-set"),
                    ptr,
                    format!("for {subject}, the {word} was set to {}", num(to)),
                ),
                (Dir::Request, Some(from), Some(to)) if to > from => self.push(
                    &format!("{prefix}-{key}-increased"),
                    ptr,
                    format!(
                        "for {subject}, the {word} was increased from {} to {}",
                        num(from),
                        num(to)
                    ),
                ),
                // oasdiff reports a loosened minItems on parameters only.
                (Dir::Request, Some(from), Some(to))
                    if to < from && (key != "min-items" || param) =>
                {
                    self.push(
                        &format!("{prefix}-{key}-decreased"),
                        ptr,
                        format!(
                            "for {subject}, the {word} was decreased from {} to {}",
                            num(from),
                            num(to)
                        ),
                    )
                }
                (Dir::Response, Some(from), Some(to)) if to < from => self.push(
                    &format!("{prefix}-{key}-decreased"),
                    ptr,
                    format!(
                        "for {subject}, the {word} was decreased from {} to {}",
                        num(from),
                        num(to)
                    ),
                ),
                _ => {}
            }
        }
    }

    fn pattern(&mut self, at: &At<'_>, old: &Schema, new: &Schema) {
        let prefix = at.prefix();
        let subject = at.subject();
        if prefix == "request-body" || prefix == "response-body" {
            // oasdiff judges patterns on properties and parameters only.
            return;
        }
        let response = at.dir() == Dir::Response;
        match (&old.pattern, &new.pattern) {
            (None, Some(p)) => self.push(
                &format!("{prefix}-pattern-added"),
                &new.ptr,
                format!("added the pattern `{p}` to {subject}"),
            ),
            (Some(p), None) => self.push(
                &format!("{prefix}-pattern-removed"),
                &new.ptr,
                format!("removed the pattern `{p}` from {subject}"),
            ),
            (Some(a), Some(b)) if a != b => {
                let id = if b == ".*" && !response {
                    "pattern-generalized"
                } else {
                    "pattern-changed"
                };
                let general = if id == "pattern-generalized" {
                    "a more general pattern "
                } else {
                    ""
                };
                self.push(
                    &format!("{prefix}-{id}"),
                    &new.ptr,
                    format!("changed the pattern of {subject} from `{a}` to {general}`{b}`"),
                );
            }
            _ => {}
        }
    }
}

/// Whether every value `from` allows is also allowed by `to` (type and format).
fn widens(from: &Schema, to: &Schema) -> bool {
    let types_ok = if to.types.is_empty() {
        true
    } else if from.types.is_empty() {
        false
    } else {
        from.types.iter().all(|t| {
            to.types
                .iter()
                .any(|u| t == u || (t == "integer" && u == "number"))
        })
    };
    let format_ok = match (&from.format, &to.format) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) if a == b => true,
        (Some(a), Some(b)) => matches!(
            (a.as_str(), b.as_str()),
            ("float", "double")
                | ("int32", "int64")
                | ("int32", "bigint")
                | ("int64", "bigint")
                | ("date", "date-time")
                | ("time", "date-time")
        ),
    };
    types_ok && format_ok
}

/// Whether the type list grew to cover the old one (oasdiff's "type set widened").
fn type_set_widened(old: &Schema, new: &Schema) -> bool {
    old.types != new.types
        && !old.types.is_empty()
        && old.types.iter().all(|t| {
            new.types
                .iter()
                .any(|u| t == u || (t == "integer" && u == "number"))
        })
}

struct OpSide<'a> {
    item: &'a Value,
    op: &'a Value,
    pointer: String,
}

/// Paths keyed by their template with parameter names blanked (`/a/{}`), so a renamed
/// path parameter is the same path.
fn path_index(doc: &Value) -> BTreeMap<String, (String, &Value)> {
    obj(doc.get("paths"))
        .map(|(path, item)| (path_key(path), (path.clone(), item)))
        .collect()
}

fn path_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    key.push_str("{}");
                }
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => key.push(c),
        }
    }
    key
}

fn operations(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS.iter().filter_map(move |method| {
        item.get(*method)
            .filter(|op| op.is_object())
            .map(|op| (*method, op))
    })
}

struct Param<'a> {
    name: String,
    required: bool,
    schema: &'a Value,
    schema_ptr: String,
}

/// An operation's parameters (path-level ones included, the operation's override them),
/// keyed by `(in, name)`; header names compare case-insensitively.
fn params<'a>(
    doc: &'a Value,
    side: &OpSide<'a>,
) -> BTreeMap<(String, String), (Param<'a>, String)> {
    let mut out = BTreeMap::new();
    let path_ptr = side
        .pointer
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    let lists = [
        (
            side.item.get("parameters"),
            format!("{path_ptr}/parameters"),
        ),
        (
            side.op.get("parameters"),
            format!("{}/parameters", side.pointer),
        ),
    ];
    for (list, list_ptr) in lists {
        for (i, param) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (param, ptr) = Cx::deref(doc, param, format!("{list_ptr}/{i}"));
            let (Some(location), Some(name)) = (
                param.get("in").and_then(Value::as_str),
                param.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key_name = if location == "header" {
                name.to_ascii_lowercase()
            } else {
                name.to_string()
            };
            let required =
                param.get("required").and_then(Value::as_bool) == Some(true) || location == "path";
            let (schema, schema_ptr) = match param.get("schema") {
                Some(schema) => (schema, format!("{ptr}/schema")),
                None => (&Value::Null, format!("{ptr}/schema")),
            };
            out.insert(
                (location.to_string(), key_name),
                (
                    Param {
                        name: name.to_string(),
                        required,
                        schema,
                        schema_ptr,
                    },
                    ptr,
                ),
            );
        }
    }
    out
}

/// A security requirement list: each requirement keyed by its sorted scheme names joined
/// by ` + ` (`""` for `{}`), with the scopes per scheme.
type Requirements = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn requirements(list: Option<&Value>) -> Requirements {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|req| {
            let schemes: BTreeMap<String, BTreeSet<String>> = req
                .iter()
                .map(|(name, scopes)| {
                    let scopes = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    (name.clone(), scopes)
                })
                .collect();
            let key = schemes.keys().cloned().collect::<Vec<_>>().join(" + ");
            (key, schemes)
        })
        .collect()
}

fn show_key(key: &str) -> String {
    if key.is_empty() {
        "(anonymous access)".to_string()
    } else {
        key.to_string()
    }
}

/// `MAJOR.MINOR.PATCH` with an optional `v`, pre-release and build (SemVer 2.0).
fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split('+').next()?;
    let core = core
        .split_once('-')
        .map_or(core, |(c, pre)| if pre.is_empty() { "" } else { c });
    let mut parts = core.split('.');
    let mut number = || -> Option<u64> {
        let part = parts.next()?;
        // `parse` rejects an empty part and any non-digit (a leading '+', which it would
        // accept, cannot be here: the build was cut off at the first '+').
        if part.len() > 1 && part.starts_with('0') {
            return None;
        }
        part.parse().ok()
    };
    let version = (number()?, number()?, number()?);
    if parts.next().is_some() {
        return None;
    }
    Some(version)
}

/// `YYYY-MM-DD` (a longer RFC 3339 date-time keeps its date) as days since 1970-01-01.
fn parse_date(text: &str) -> Option<i64> {
    let date = text.get(0..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}
