//! What a server sent: the typed answer of a successful call ([`Response`]), the raw
//! answer kept in errors ([`RawResponse`]), and a transport failure ([`ConnectorError`]).
//! A leaf module: the transport and the error type both use it, it uses neither.

use std::{fmt, time::Duration};

use bytes::Bytes;
use reqwest::{
    header::{HeaderMap, RETRY_AFTER},
    StatusCode,
};

/// The answer of a successful call: status, headers, the provider's request id where it
/// sends one, and the typed body (also reachable through `Deref`).
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

/// Headers in which servers commonly send a request id. None of the four providers
/// documents one; these are read in this order.
const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
];

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Response<T> {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server gave (`X-Request-Id`, `Request-Id`, `X-Correlation-Id`
    /// or `X-Amzn-RequestId`), for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| self.headers.get(*name)?.to_str().ok())
    }

    /// The typed body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The typed body, without status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status.as_u16())
            .field("request_id", &self.request_id())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .finish()
    }
}

/// A transport failure: nothing, or not all, of an answer arrived. Ours, so that an HTTP
/// library upgrade does not change the public API; the library's error is the
/// [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct ConnectorError {
    timeout: bool,
    connect: bool,
    body: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl ConnectorError {
    pub(crate) fn new(error: reqwest::Error) -> ConnectorError {
        ConnectorError {
            timeout: error.is_timeout(),
            connect: error.is_connect(),
            body: error.is_body() || error.is_decode(),
            source: Box::new(error),
        }
    }

    /// No answer in time (connecting, one attempt, or the call's deadline).
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    /// The connection could not be made, so the request was provably not sent.
    pub fn is_connect(&self) -> bool {
        self.connect
    }

    /// The body was cut short.
    pub fn is_body(&self) -> bool {
        self.body
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.timeout {
            "timed out"
        } else if self.connect {
            "could not connect"
        } else if self.body {
            "the response body was cut short"
        } else {
            "the connection broke during the exchange"
        })
    }
}

impl std::error::Error for ConnectorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Parses `Retry-After`: delta-seconds or an HTTP date.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A response the server sent, kept whole: status, headers and the raw body.
///
/// `Debug` shows the status, the header names and a short excerpt of the body with the
/// values of secret-looking members (tokens, keys, `socialId`, `securityAnswer`) masked.
/// [`Response::body`] gives the exact bytes.
#[derive(Clone)]
pub struct RawResponse(Box<Parts>);

// Boxed so that `Result<T, Error>` stays small on the success path.
#[derive(Clone)]
struct Parts {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> RawResponse {
        RawResponse(Box::new(Parts {
            status,
            headers,
            body,
        }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The body exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }

    /// `Retry-After` as a duration (seconds or an HTTP date), if sent.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(&self.0.headers)
    }

    /// At most 200 characters of the body, with secret-looking JSON members masked.
    pub fn excerpt(&self) -> String {
        excerpt(&self.0.body)
    }

    /// Rebuilds a reqwest response from the buffered parts, for the generated decoder (with
    /// the headers only for the raw client: the facade reads them from the record).
    pub(crate) fn to_reqwest(&self, with_headers: bool) -> reqwest::Response {
        let mut builder = http::Response::builder().status(self.0.status);
        if let (true, Some(headers)) = (with_headers, builder.headers_mut()) {
            *headers = self.0.headers.clone();
        }
        let response = builder
            .body(self.0.body.clone())
            .unwrap_or_else(|_| http::Response::new(self.0.body.clone()));
        reqwest::Response::from(response)
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.0.status.as_u16())
            .field("headers", &self.0.headers.keys().collect::<Vec<_>>())
            .field("body", &self.excerpt())
            .finish()
    }
}

/// JSON member names whose values are never shown in excerpts (compared lower case,
/// without `_` and `-`).
const SECRET_KEYS: [&str; 9] = [
    "socialid",
    "securityanswer",
    "token",
    "apikey",
    "xapikey",
    "authorization",
    "password",
    "secret",
    "accesstoken",
];

fn is_secret_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_KEYS.iter().any(|k| folded.contains(k))
}

/// Replaces the value of every secret-looking member (tokens, keys, secrets, `socialId`,
/// `securityAnswer`; names compared without case, `_` or `-`) with `[redacted]`, at any
/// depth: for showing a decoded answer (the CLI's output, a log line) without the secrets
/// a [`crate::Secret`] would serialize in full.
///
/// ```
/// let mut answer = serde_json::json!({"payment_intent": {"client_secret": "pi_1_secret_2", "amount": 10712}});
/// partner_bindings::redact_secrets(&mut answer);
/// assert_eq!(answer["payment_intent"]["client_secret"], "[redacted]");
/// assert_eq!(answer["payment_intent"]["amount"], 10712);
/// ```
pub fn redact_secrets(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if is_secret_key(key) && !member.is_null() {
                    *member = serde_json::Value::String(crate::secret::REDACTED.into());
                } else {
                    redact_secrets(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

/// Masks `"<secret key>": <value>` in text that is not valid JSON (cut short, or JSON
/// inside HTML), so a broken body cannot carry a secret into an error message.
fn mask_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let literal_end = string_end(&rest[start..]).map(|n| start + n);
        let Some(end) = literal_end else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &rest[start + 1..end - 1];
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
        let after = rest.trim_start();
        if is_secret_key(key) && after.starts_with(':') {
            let value = after[1..].trim_start();
            let value_len = if value.starts_with('"') {
                string_end(value).unwrap_or(value.len())
            } else {
                value
                    .find(|c: char| matches!(c, ',' | '}' | ']') || c.is_whitespace())
                    .unwrap_or(value.len())
            };
            out.push_str(": \"");
            out.push_str(crate::secret::REDACTED);
            out.push('"');
            rest = &value[value_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Length of the JSON string literal at the start of `text` (quotes included).
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A short, masked view of a body for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact_secrets(&mut value);
            value.to_string()
        }
        Err(_) => mask_text(&String::from_utf8_lossy(body))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    };
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_mask_secrets_in_json_and_in_broken_json() {
        let shown =
            excerpt(br#"{"id": 5, "socialId": "123-45-6789", "nested": [{"X_API_KEY": "k1"}]}"#);
        assert!(
            !shown.contains("123-45-6789") && !shown.contains("k1"),
            "{shown}"
        );
        assert!(shown.contains(r#""id":5"#), "{shown}");
        let shown = excerpt(br#"<p>{"socialId" : "123-45-6789", "securityAnswer": 42, "name": "Ann", "token": "abc"#);
        assert_eq!(
            shown,
            r#"<p>{"socialId": "[redacted]", "securityAnswer": "[redacted]", "name": "Ann", "token": "[redacted]""#
        );
        // A text that starts or ends at a key's quotes.
        let shown = excerpt(br#""socialId": "123-45-6789", "#);
        assert_eq!(shown, r#""socialId": "[redacted]","#);
        assert_eq!(excerpt(br#"{"a": 1, "socialId""#), r#"{"a": 1, "socialId""#);
        // An escaped quote does not end a string: the whole value is masked.
        let shown = excerpt(br#"{"socialId": "12\"34567", "x"#);
        assert!(!shown.contains("34567"), "{shown}");
        let shown = excerpt(br#"{"socialId": "12\"3"#);
        assert!(!shown.contains("12"), "{shown}");
        assert_eq!(excerpt(&[b'a'; 300]).chars().count(), 201);
    }
}
