//! What each provider module builds on: the [`Behaviour`] it implements, the [`Reject`] it
//! refuses with, and helpers to seed its state from the spec and to write values.

use std::{borrow::Cow, collections::BTreeMap};

use serde_json::Value;

/// A refusal from the sandbox, rendered in the provider's own error shape.
#[derive(Debug, Clone)]
pub(crate) struct Reject {
    pub status: u16,
    pub message: String,
    /// (member as `a.b[0].c`, JSON pointer, message)
    pub fields: Vec<(String, String, String)>,
}

impl Reject {
    pub fn new(status: u16, message: impl Into<String>) -> Reject {
        Reject {
            status,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn field(status: u16, field: &str, message: impl Into<String>) -> Reject {
        let message = message.into();
        let pointer = format!(
            "/{}",
            field.replace('[', ".").replace(']', "").replace('.', "/")
        );
        Reject {
            status,
            message: message.clone(),
            fields: vec![(field.to_owned(), pointer, message)],
        }
    }
}

/// What each provider module implements: its state and rules, and its error shape.
pub(crate) trait Behaviour: Send {
    /// Applies operation `operation` (an operationId) with its path parameters and
    /// (already schema-valid) body; the response body on success, borrowed where it is
    /// the stored record (it is written out under the state's lock, not copied).
    fn handle(
        &mut self,
        operation: &str,
        params: &BTreeMap<String, String>,
        body: Value,
    ) -> Result<Cow<'_, Value>, Reject>;
}

/// The documented example of operation `operation_id`: its request body (`response` false)
/// or its 200 response body. The sandbox's state is seeded from these.
pub(crate) fn example(spec: &Value, operation_id: &str, response: bool) -> Value {
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, i)| i)
    {
        for op in item.as_object().into_iter().flatten().map(|(_, o)| o) {
            if op["operationId"] != operation_id {
                continue;
            }
            let content = if response {
                &op["responses"]["200"]["content"]
            } else {
                &op["requestBody"]["content"]
            };
            let media = content.as_object().and_then(|c| c.values().next());
            if let Some(media) = media {
                if let Some(first) = media["examples"]
                    .as_object()
                    .and_then(|e| e.values().next())
                {
                    return first["value"].clone();
                }
                return media["example"].clone();
            }
        }
    }
    Value::Null
}

/// An amount as a JSON number with its exact digits (`72.5`, `-106.92`, `60`).
pub(crate) fn json_amount(amount: rust_decimal::Decimal) -> Value {
    serde_json::from_str(&amount.normalize().to_string()).unwrap_or(Value::Null)
}

/// Now, as RFC 3339 with `+00:00` (the providers' Atom form).
pub(crate) fn now_text() -> String {
    use chrono::{Datelike, Timelike};
    // Written out rather than through `format`, which parses its pattern on every call.
    let now = chrono::Utc::now();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        now.year(),
        now.month(),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_is_written_in_the_atom_form_at_the_current_second() {
        let before = chrono::Utc::now().timestamp();
        let text = super::now_text();
        let after = chrono::Utc::now().timestamp();
        assert_eq!(text.len(), "2024-01-12T09:05:07+00:00".len(), "{text}");
        assert!(text.ends_with("+00:00"), "{text}");
        let parsed = chrono::DateTime::parse_from_rfc3339(&text)
            .unwrap()
            .timestamp();
        assert!((before..=after).contains(&parsed), "{text}");
    }
}
