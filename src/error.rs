//! The one error type of every facade call, and how a generated client's outcome becomes it.

use std::{fmt, time::Duration};

use bytes::Bytes;
use reqwest::{header::HeaderMap, StatusCode};

use crate::response::{ConnectorError, RawResponse, Response};
use crate::transport::{Record, Safety};

/// One rule a request breaks, found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The member, as named on the wire (`FromDate`, `addresses[0].name`, `iban`).
    pub field: String,
    /// The rule it breaks, in words.
    pub rule: String,
}

impl Violation {
    pub(crate) fn new(field: impl Into<String>, rule: impl Into<String>) -> Violation {
        Violation {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

/// A message from the provider about the request, with the member it names if any.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The member the provider names (`Email`, `/data/attributes/iban`), if it names one.
    pub field: Option<String>,
    /// The provider's message.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Everything a facade call can fail with. Match on it; every arm that had a response
/// gives it (status, headers, raw body) through [`Error::response`].
///
/// # What an answer means
///
/// Every operation is either *repeatable* (sending it twice does what sending it once
/// does: retried by the [`RetryPolicy`](crate::RetryPolicy)) or *at most once* (it moves
/// money, or re-keys a record: RentalCover `updateInsurance` with `QuoteOnly=0`, Insly
/// `updatePolicy`, RentalCover `updateCustomer` with `NewEmail`). Once an at-most-once
/// request may have reached the server it is never sent again, by the facade or by the
/// raw client.
///
/// | the server's answer | repeatable call | at-most-once call | CLI exit |
/// |---|---|---|---|
/// | nothing: bad input found before sending | [`Validation`](Error::Validation) | [`Validation`](Error::Validation) | 2 |
/// | 2xx that decodes | `Ok` | `Ok` | 0 |
/// | 2xx that refuses inside the body (Insly `status` 0, `declined`) | [`Declined`](Error::Declined) | [`Declined`](Error::Declined): not applied | 3 |
/// | 2xx that does not decode (HTML, another shape, no amount) | [`Undecodable`](Error::Undecodable) | [`AppliedUnreadable`](Error::AppliedUnreadable): applied, never re-sent | 3 / 4 |
/// | 3xx | [`Redirected`](Error::Redirected): not followed, not retried | [`OutcomeUnknown`](Error::OutcomeUnknown) (cause `Redirected`): not followed, never re-sent; a 303 is how many servers answer a POST they processed | 3 / 4 |
/// | 401, 403 | [`Unauthorized`](Error::Unauthorized) | the same: not applied | 3 |
/// | 404 | [`NotFound`](Error::NotFound) | the same: not applied | 3 |
/// | 429 | retried, then [`RateLimited`](Error::RateLimited) | [`RateLimited`](Error::RateLimited), not re-sent: not applied | 3 |
/// | other 4xx | [`Rejected`](Error::Rejected) with the provider's messages | the same: not applied | 3 |
/// | 5xx (503 with `Retry-After` is [`RateLimited`](Error::RateLimited)) | retried, then [`Server`](Error::Server) | [`OutcomeUnknown`](Error::OutcomeUnknown) | 4 |
/// | timeout after connecting, reset, body cut short, deadline passed | retried, then [`Timeout`](Error::Timeout) / [`Connection`](Error::Connection) | [`OutcomeUnknown`](Error::OutcomeUnknown) | 4 |
/// | connection refused or connect timeout (nothing sent) | retried, then [`Connection`](Error::Connection) / [`Timeout`](Error::Timeout) | the same | 4 |
///
/// [`Error::may_have_been_applied`] is true exactly for `AppliedUnreadable` and
/// `OutcomeUnknown`: check the booking or policy before doing anything else, and never
/// repeat the call blindly. [`Error::exit_code`] gives the CLI's exit code.
///
/// Dropping the future of an at-most-once call (a cancelled task, a `select!` that lost)
/// after its request left is an unknown outcome too: no error is returned then, so treat
/// the change as possibly applied.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented rule; nothing was sent.
    Validation(Vec<Violation>),
    /// 401 or 403: the credential is missing, wrong or not allowed.
    Unauthorized(RawResponse),
    /// 404: unknown resource or path.
    NotFound(RawResponse),
    /// Another 4xx: the provider refused the request, with its messages.
    Rejected {
        /// The response.
        response: RawResponse,
        /// The provider's messages, parsed from its error shape.
        problems: Vec<Problem>,
    },
    /// A 2xx whose body says the change was refused (Insly: `status` 0, or
    /// `response.declined` true). Nothing was applied.
    Declined {
        /// The response.
        response: RawResponse,
        /// The provider's reason, or a description of the refusal when it gives none.
        message: String,
    },
    /// A 3xx. It is never followed (the request, and the credential with it, would go
    /// wherever `Location` points) and never retried; on an at-most-once call it is the
    /// cause of an [`Error::OutcomeUnknown`].
    Redirected {
        /// The response.
        response: RawResponse,
        /// Where the server pointed (the `Location` header), if it said.
        location: Option<String>,
    },
    /// 429 (or 503 with `Retry-After`) after the retries allowed.
    RateLimited {
        /// The response.
        response: RawResponse,
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
    /// 5xx after the retries allowed.
    Server(RawResponse),
    /// No response in time (connect, one attempt, or the whole call's deadline).
    Timeout(ConnectorError),
    /// The connection failed: refused, reset, DNS, TLS, or a body cut short.
    Connection(ConnectorError),
    /// A 2xx on a repeatable call whose body is not the documented shape (or an error
    /// status with a body we could not read). `reason` names where decoding stopped,
    /// never the value. Sending it again is safe.
    Undecodable {
        /// The response.
        response: RawResponse,
        /// Where and why decoding failed.
        reason: String,
    },
    /// A 2xx on an at-most-once call whose body we could not read: the server accepted
    /// it, so the change **was applied** (the card was charged or refunded). It is never
    /// re-sent; read the booking or policy to learn the details.
    AppliedUnreadable {
        /// The operation, e.g. `update_insurance`.
        operation: &'static str,
        /// The response.
        response: RawResponse,
        /// Where and why reading it failed.
        reason: String,
    },
    /// A call that must not be sent twice (it may charge or refund a card) may have been
    /// applied, and we cannot tell: it was not re-sent. Check the booking or policy
    /// before doing anything else.
    OutcomeUnknown {
        /// The operation, e.g. `update_insurance`.
        operation: &'static str,
        /// Why it is never re-sent.
        why_not_resent: &'static str,
        /// What happened.
        cause: Box<Error>,
    },
}

impl Error {
    /// The response, where there was a complete one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Unauthorized(r) | Error::NotFound(r) | Error::Server(r) => Some(r),
            Error::Rejected { response, .. }
            | Error::Declined { response, .. }
            | Error::Redirected { response, .. }
            | Error::RateLimited { response, .. }
            | Error::Undecodable { response, .. }
            | Error::AppliedUnreadable { response, .. } => Some(response),
            Error::OutcomeUnknown { cause, .. } => cause.response(),
            Error::Validation(_) | Error::Timeout(_) | Error::Connection(_) => None,
        }
    }

    /// The HTTP status, where there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(RawResponse::status)
    }

    /// The rules broken, for [`Error::Validation`].
    pub fn violations(&self) -> &[Violation] {
        match self {
            Error::Validation(v) => v,
            _ => &[],
        }
    }

    /// Whether the change may have been applied although this error was returned:
    /// [`Error::AppliedUnreadable`] (it was) and [`Error::OutcomeUnknown`] (it may have
    /// been). Never repeat such a call blindly; read the resource first.
    pub fn may_have_been_applied(&self) -> bool {
        matches!(
            self,
            Error::AppliedUnreadable { .. } | Error::OutcomeUnknown { .. }
        )
    }

    /// The exit code the `partner-bindings` CLI gives this error (see the table above):
    /// 2 bad input, nothing sent; 3 the provider answered and nothing was applied (or, for
    /// a repeatable call, an answer we cannot use); 4 a network failure, a server error,
    /// or a change that was or may have been applied.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Validation(_) => 2,
            Error::AppliedUnreadable { .. }
            | Error::OutcomeUnknown { .. }
            | Error::Server(_)
            | Error::Timeout(_)
            | Error::Connection(_) => 4,
            Error::RateLimited { response, .. } if response.status().is_server_error() => 4,
            Error::Unauthorized(_)
            | Error::NotFound(_)
            | Error::Rejected { .. }
            | Error::Declined { .. }
            | Error::Redirected { .. }
            | Error::RateLimited { .. }
            | Error::Undecodable { .. } => 3,
        }
    }

    /// A validation error for one member.
    pub(crate) fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Error {
        Error::Validation(vec![Violation::new(field, rule)])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(violations) => {
                f.write_str("invalid request (nothing sent): ")?;
                for (i, v) in violations.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
            Error::Unauthorized(r) => write!(f, "unauthorized ({}): check the credential", r.status()),
            Error::NotFound(r) => write!(f, "not found ({})", r.status()),
            Error::Rejected { response, problems } => {
                write!(f, "rejected by the provider ({})", response.status())?;
                for (i, p) in problems.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    write!(f, "{p}")?;
                }
                Ok(())
            }
            Error::Declined { response, message } => {
                write!(f, "declined by the provider ({}): {message}", response.status())
            }
            Error::Redirected { response, location } => write!(
                f,
                "redirected ({}) to {}: not followed",
                response.status(),
                location.as_deref().unwrap_or("an unnamed location")
            ),
            Error::RateLimited { retry_after, .. } => match retry_after {
                Some(d) => write!(f, "rate limited: retry after {} s", d.as_secs()),
                None => f.write_str("rate limited"),
            },
            Error::Server(r) => write!(f, "server error ({})", r.status()),
            Error::Timeout(_) => f.write_str("timed out"),
            Error::Connection(e) => write!(f, "connection failed: {e}"),
            Error::Undecodable { response, reason } => write!(
                f,
                "undecodable response ({}): {reason}; body starts {}",
                response.status(),
                response.excerpt()
            ),
            Error::AppliedUnreadable {
                operation,
                response,
                reason,
            } => write!(
                f,
                "{operation} was applied ({}) but its answer is unreadable: {reason}; never re-sent, read the resource for details",
                response.status()
            ),
            Error::OutcomeUnknown {
                operation,
                why_not_resent,
                cause,
            } => write!(
                f,
                "outcome unknown: {operation} may have been applied ({cause}); not re-sent because {why_not_resent}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Connection(e) => Some(e),
            Error::OutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

/// Turns a generated client's outcome, with the transport's record of the call, into the
/// facade's: the one place where the table in [`Error`]'s documentation is applied.
/// `problems` parses the provider's error body. On success it also gives the answer as
/// received (status, headers, exact body).
pub(crate) fn classify<T, E>(
    outcome: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
    record: Record,
    problems: fn(&[u8]) -> Vec<Problem>,
) -> Result<(Response<T>, RawResponse), Error> {
    let at_most_once = match record.safety {
        Some(Safety::AtMostOnce(why)) => Some(why),
        _ => None,
    };
    let typed = match (outcome, record.response) {
        (Ok(value), Some(raw)) => {
            let typed = Response::new(raw.status(), raw.headers().clone(), value.into_inner());
            return Ok((typed, raw));
        }
        // Not reachable through our exec hook (it records every complete response).
        (Ok(value), None) => {
            let raw = RawResponse::new(value.status(), value.headers().clone(), Bytes::new());
            let typed = Response::new(raw.status(), raw.headers().clone(), value.into_inner());
            return Ok((typed, raw));
        }
        (Err(progenitor_client::Error::InvalidRequest(message)), _)
        | (Err(progenitor_client::Error::Custom(message)), _) => {
            builder_violation(&message, |name| name)
        }
        // A complete response was received: its status says what happened.
        (Err(error), Some(response)) => from_response(error, response, problems),
        (Err(progenitor_client::Error::CommunicationError(e)), None)
        | (Err(progenitor_client::Error::ResponseBodyError(e)), None)
        | (Err(progenitor_client::Error::InvalidUpgrade(e)), None) => {
            let e = ConnectorError::new(e);
            if e.is_timeout() {
                Error::Timeout(e)
            } else {
                Error::Connection(e)
            }
        }
        // Not reachable through our exec hook (it always records the response); kept total.
        (Err(other), None) => Error::Undecodable {
            response: RawResponse::new(
                other.status().unwrap_or(StatusCode::OK),
                HeaderMap::new(),
                Bytes::new(),
            ),
            reason: "no response was recorded".into(),
        },
    };
    let Some(why) = at_most_once else {
        return Err(typed);
    };
    Err(match typed {
        // The server said yes (an undecodable answer is always a 2xx): applied, whatever
        // the body looks like.
        Error::Undecodable { response, reason } => Error::AppliedUnreadable {
            operation: record.operation,
            response,
            reason,
        },
        // Only a 429 says for certain that nothing was done; a 503 may come after, and a
        // 3xx (303 See Other above all) is how many servers answer a POST they processed.
        Error::Server(_) | Error::Redirected { .. } => {
            outcome_unknown(record.operation, why, typed)
        }
        Error::RateLimited { ref response, .. }
            if response.status() != StatusCode::TOO_MANY_REQUESTS =>
        {
            outcome_unknown(record.operation, why, typed)
        }
        // A failed connect sent nothing (our client never follows a redirect).
        Error::Timeout(ref e) | Error::Connection(ref e) if !e.is_connect() => {
            outcome_unknown(record.operation, why, typed)
        }
        other => other,
    })
}

fn outcome_unknown(operation: &'static str, why: &'static str, cause: Error) -> Error {
    Error::OutcomeUnknown {
        operation,
        why_not_resent: why,
        cause: Box::new(cause),
    }
}

#[cfg(any(feature = "rentalcover", feature = "insly"))]
/// A decoded 2xx that the facade still cannot use (a refusal inside it, a missing
/// amount): on an at-most-once call the server applied it, so it is
/// [`Error::AppliedUnreadable`]; otherwise [`Error::Undecodable`].
pub(crate) fn unusable_success(
    operation: &'static str,
    at_most_once: bool,
    response: RawResponse,
    reason: impl Into<String>,
) -> Error {
    let reason = reason.into();
    if at_most_once {
        Error::AppliedUnreadable {
            operation,
            response,
            reason,
        }
    } else {
        Error::Undecodable { response, reason }
    }
}

fn from_response<E>(
    error: progenitor_client::Error<E>,
    response: RawResponse,
    problems: fn(&[u8]) -> Vec<Problem>,
) -> Error {
    let status = response.status();
    if status.is_success() {
        let reason = match error {
            progenitor_client::Error::InvalidResponsePayload(_, e) => decode_reason(&e),
            progenitor_client::Error::UnexpectedResponse(_) => {
                format!("status {status} is not a documented response")
            }
            _ => "the body is not the documented shape".into(),
        };
        return Error::Undecodable { response, reason };
    }
    match status.as_u16() {
        300..=399 => Error::Redirected {
            location: response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            response,
        },
        401 | 403 => Error::Unauthorized(response),
        404 => Error::NotFound(response),
        429 => Error::RateLimited {
            retry_after: response.retry_after(),
            response,
        },
        503 if response.retry_after().is_some() => Error::RateLimited {
            retry_after: response.retry_after(),
            response,
        },
        400..=499 => {
            let problems = problems(response.body());
            Error::Rejected { response, problems }
        }
        _ => Error::Server(response),
    }
}

/// Where serde stopped, by category and position only: serde's own message can quote
/// the value, which may be a secret.
pub(crate) fn decode_reason(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => "could not be read",
        serde_json::error::Category::Syntax => "is not valid JSON",
        serde_json::error::Category::Data => "has a member of an unexpected type or value",
        serde_json::error::Category::Eof => "ends early",
    };
    // A missing member is named: the name comes from our own types, never from the body.
    let message = e.to_string();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name)
    {
        return format!(
            "the body has no member {name} (line {}, column {})",
            e.line(),
            e.column()
        );
    }
    format!("the body {what} (line {}, column {})", e.line(), e.column())
}

/// Names the member, by its wire name, in a message from the generated builders
/// ("no value supplied for from_date", "error converting supplied value for from_date:
/// doesn't match pattern ..."). `wire_name` maps the Rust name the message uses.
fn builder_violation(message: &str, wire_name: fn(&str) -> &str) -> Error {
    if let Some(field) = message.strip_prefix("no value supplied for ") {
        return Error::invalid(wire_name(field), "is required");
    }
    let rest = message
        .strip_prefix("error converting supplied value for ")
        .unwrap_or(message);
    match rest.split_once(": ") {
        Some((field, rule)) if !field.contains(' ') => Error::invalid(wire_name(field), rule),
        _ => Error::invalid("request", rest),
    }
}

/// A value of member `outer` that did not convert; a message from a nested generated
/// builder names the inner member, by its wire name (`addresses[0].zipCode: is required`).
pub(crate) fn nested_violation(
    outer: &str,
    message: &str,
    wire_name: fn(&str) -> &str,
) -> Violation {
    if let Some(field) = message.strip_prefix("no value supplied for ") {
        return Violation::new(format!("{outer}.{}", wire_name(field)), "is required");
    }
    let converting = message.strip_prefix("error converting supplied value for ");
    if let Some((field, rule)) = converting.and_then(|rest| rest.split_once(": ")) {
        if !field.contains(' ') {
            return Violation::new(format!("{outer}.{}", wire_name(field)), rule);
        }
    }
    Violation::new(outer, message)
}

/// Whether violation field `field` is about member `wire` or something inside it.
pub(crate) fn names_member(field: &str, wire: &str) -> bool {
    field
        .strip_prefix(wire)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Turns a generated builder's conversion error into a validation error naming the member.
pub(crate) fn from_builder(e: impl fmt::Display, wire_name: fn(&str) -> &str) -> Error {
    builder_violation(&e.to_string(), wire_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(rust: &str) -> &str {
        match rust {
            "country_code" => "countryCode",
            "type_" => "type",
            other => other,
        }
    }

    #[test]
    fn a_nested_builder_message_names_the_inner_member_by_its_wire_name() {
        let v = nested_violation("addresses[0]", "no value supplied for type_", wire);
        assert_eq!(v.to_string(), "addresses[0].type: is required");
        let v = nested_violation(
            "addresses[1]",
            "error converting supplied value for country_code: longer than 3 characters",
            wire,
        );
        assert_eq!(
            v.to_string(),
            "addresses[1].countryCode: longer than 3 characters"
        );
        // Not a member name (it has a space): the message is kept whole, on the outer member.
        let message = "error converting supplied value for a thing: bad";
        assert_eq!(
            nested_violation("Country", message, wire).to_string(),
            format!("Country: {message}")
        );
        assert_eq!(
            nested_violation("Country", "longer than 2 characters", wire).to_string(),
            "Country: longer than 2 characters"
        );
    }

    #[test]
    fn a_builder_message_without_a_member_name_is_about_the_request() {
        let Error::Validation(v) = from_builder("no value supplied for from_date", |_| "FromDate")
        else {
            unreachable!()
        };
        assert_eq!(v[0].to_string(), "FromDate: is required");
        // "<name>: <rule>" names a member only when <name> is one word.
        let Error::Validation(v) = from_builder("the value was wrong: twice", wire) else {
            unreachable!()
        };
        assert_eq!(v[0].to_string(), "request: the value was wrong: twice");
        let Error::Validation(v) = from_builder(
            "error converting supplied value for country_code: too long",
            wire,
        ) else {
            unreachable!()
        };
        assert_eq!(v[0].to_string(), "countryCode: too long");
    }

    #[test]
    fn a_violation_belongs_to_a_member_or_to_what_is_inside_it() {
        assert!(names_member("addresses", "addresses"));
        assert!(names_member("addresses[0]", "addresses"));
        assert!(names_member("addresses.name", "addresses"));
        assert!(names_member("addresses[0].zipCode", "addresses"));
        assert!(!names_member("addressesExtra", "addresses"));
        assert!(!names_member("address", "addresses"));
        assert!(!names_member("Email", "NewEmail"));
    }
}
