//! Loading one side of a diff: a file, or `REV:path` from git, as YAML or JSON.

use std::fmt;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Number, Value};

/// An OpenAPI 3 document, loaded and checked to be one.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Where it came from: the path or `REV:path` as given.
    pub source: String,
    /// The document as JSON.
    pub value: Value,
}

/// Why a side could not be loaded (the CLI exits 2 on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file, or the git object, could not be read.
    Unreadable {
        /// The argument as given.
        source: String,
        /// The reason (the OS error, or git's message).
        reason: String,
    },
    /// The text is neither JSON nor YAML.
    Syntax {
        /// The argument as given.
        source: String,
        /// The parser's message.
        reason: String,
    },
    /// The document parses but is not OpenAPI 3.x.
    NotOpenApi {
        /// The argument as given.
        source: String,
        /// What is missing or wrong.
        reason: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Unreadable { source, reason } => write!(f, "cannot read {source}: {reason}"),
            LoadError::Syntax { source, reason } => {
                write!(f, "{source} is neither JSON nor YAML: {reason}")
            }
            LoadError::NotOpenApi { source, reason } => {
                write!(f, "{source} is not an OpenAPI 3 document: {reason}")
            }
        }
    }
}

impl std::error::Error for LoadError {}

impl Spec {
    /// Loads `arg`: a file path, or `REV:path` (read with `git show REV:path` in the
    /// current directory) when no file of that name exists.
    pub fn load(arg: &str) -> Result<Spec, LoadError> {
        let text = if Path::new(arg).is_file() {
            std::fs::read_to_string(arg).map_err(|e| LoadError::Unreadable {
                source: arg.to_string(),
                reason: e.to_string(),
            })?
        } else if let Some((rev, path)) = arg
            .split_once(':')
            .filter(|(rev, path)| !rev.is_empty() && !path.is_empty() && !rev.starts_with('-'))
        {
            git_show(arg, rev, path)?
        } else {
            return Err(LoadError::Unreadable {
                source: arg.to_string(),
                reason: "no such file (and not REV:path)".to_string(),
            });
        };
        Spec::parse(&text, arg)
    }

    /// Parses `text` (JSON or YAML) named `source` in messages.
    pub fn parse(text: &str, source: &str) -> Result<Spec, LoadError> {
        let value = parse_value(text).map_err(|reason| LoadError::Syntax {
            source: source.to_string(),
            reason,
        })?;
        Spec::from_value(value, source)
    }

    /// Checks that `value` is an OpenAPI 3 document.
    pub fn from_value(value: Value, source: &str) -> Result<Spec, LoadError> {
        let not = |reason: &str| LoadError::NotOpenApi {
            source: source.to_string(),
            reason: reason.to_string(),
        };
        let Some(map) = value.as_object() else {
            return Err(not("the top level is not a mapping"));
        };
        match map.get("openapi") {
            Some(Value::String(version)) if version.starts_with("3.") => {}
            Some(other) => {
                return Err(not(&format!(
                    "`openapi` is {other}, expected a 3.x version string"
                )))
            }
            None if map.contains_key("swagger") => {
                return Err(not("it is Swagger 2.0; convert it to OpenAPI 3 first"))
            }
            None => return Err(not("no `openapi` version field")),
        }
        if let Some(paths) = map.get("paths") {
            if !paths.is_object() {
                return Err(not("`paths` is not a mapping"));
            }
        }
        Ok(Spec {
            source: source.to_string(),
            value,
        })
    }
}

fn git_show(arg: &str, rev: &str, path: &str) -> Result<String, LoadError> {
    let unreadable = |reason: String| LoadError::Unreadable {
        source: arg.to_string(),
        reason,
    };
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .map_err(|e| unreadable(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(unreadable(if message.is_empty() {
            format!("git show exited with {}", output.status)
        } else {
            message
        }));
    }
    String::from_utf8(output.stdout).map_err(|_| unreadable("not UTF-8".to_string()))
}

/// JSON when it parses as JSON, else YAML (mapping keys become strings: `200:` is "200").
pub(crate) fn parse_value(text: &str) -> Result<Value, String> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    Ok(yaml_to_json(yaml, 0))
}

/// Converts YAML to JSON, stringifying keys; nesting beyond 256 levels becomes null.
pub(crate) fn yaml_to_json(value: serde_yaml::Value, depth: usize) -> Value {
    use serde_yaml::Value as Y;
    if depth > 256 {
        return Value::Null;
    }
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|item| yaml_to_json(item, depth + 1))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => serde_yaml::to_string(&other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                out.insert(key, yaml_to_json(item, depth + 1));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, depth + 1),
    }
}
