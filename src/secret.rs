//! A string that must not be shown: credentials and customers' secrets.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What [`Secret`]'s `Debug` and `Display` print instead of the value.
pub const REDACTED: &str = "[redacted]";

/// A secret string: an API key or token, a RocketKOR `socialId` or `securityAnswer`.
///
/// `Debug` and `Display` print `[redacted]`, so a secret inside a request, a response, an
/// error or a panic message is never shown. The value is reached only on purpose, with
/// [`Secret::expose`]. It is sent and decoded as a plain JSON string.
///
/// ```
/// use partner_bindings::Secret;
/// let ssn = Secret::new("123-45-6789");
/// assert_eq!(format!("{ssn:?} {ssn}"), "[redacted] [redacted]");
/// assert_eq!(ssn.expose(), "123-45-6789");
/// assert_eq!(serde_json::to_string(&ssn).unwrap(), r#""123-45-6789""#);
/// ```
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Its length in characters, for length rules (it does not reveal the value).
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl PartialEq for Secret {
    /// Compares without stopping at the first differing byte, so timing says nothing
    /// about how much of a guessed secret was right.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A number or other scalar is kept as its text rather than failing the response,
        // and the serde error (which would quote the value) is never produced.
        Ok(Secret(
            match serde_json::Value::deserialize(deserializer)? {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_and_the_length_match() {
        assert_eq!(Secret::new("abc"), Secret::from("abc".to_string()));
        // A prefix is not equal (the byte-wise fold alone would stop at the shorter one).
        assert_ne!(Secret::new("ab"), Secret::new("abc"));
        // Two differences whose XORs cancel out still differ.
        assert_ne!(Secret::new("ab"), Secret::new("ba"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
    }

    #[test]
    fn conversions_keep_the_value_and_never_show_it() {
        let s = Secret::from(String::from("hunter2"));
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(Secret::from("hunter2").expose(), "hunter2");
        assert_eq!(s.char_len(), 7);
        assert!(!s.is_empty() && Secret::new("").is_empty());
        assert_eq!(format!("{s} {s:?}").matches("hunter2").count(), 0);
        assert_eq!(s.to_string(), "[redacted]");
        let decoded: Secret = serde_json::from_str("12345").unwrap();
        assert_eq!(decoded.expose(), "12345");
        let null: Secret = serde_json::from_str("null").unwrap();
        assert!(null.is_empty());
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""hunter2""#);
    }
}
