//! Faults on request: the `X-Sandbox-Fault` header (or a fault set with
//! [`Sandbox::inject`](super::Sandbox::inject)), parsed and answered at the three points of a
//! request where they apply: before it is checked, instead of applying it, after applying it.

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    http::{header, HeaderMap, HeaderValue},
    response::Response,
};

use super::{
    behaviour::Reject,
    routing::{json_response, Operation, Wire},
};

/// Faults asked for in `X-Sandbox-Fault`.
#[derive(Default, Debug)]
pub(super) struct Fault {
    delay: Option<Duration>,
    status: Option<u16>,
    retry_after: Option<u64>,
    reset: bool,
    truncate: bool,
    html: bool,
    /// Apply, then answer 200 with valid JSON of another shape.
    shape: bool,
    /// Answer this 3xx pointing at `location` (default: the same URL), applying nothing.
    redirect: Option<u16>,
    location: Option<String>,
    /// Insly: answer 200 with `response.declined` true, applying nothing.
    declined: bool,
    /// Insly: answer 200 with `status` 0 and a message in `response`, applying nothing.
    status0: bool,
    /// Only the operation's Nth request (counted from the sandbox's start) is faulted,
    /// e.g. the confirm after a quote.
    nth: Option<u64>,
}

impl Fault {
    fn parse(headers: &HeaderMap, injected: Option<&str>) -> Fault {
        let mut fault = Fault::default();
        let header = headers.get("x-sandbox-fault").and_then(|v| v.to_str().ok());
        let Some(text) = header.or(injected) else {
            return fault;
        };
        for part in text.split([',', ';']).map(str::trim) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key.trim() {
                "delay" => fault.delay = value.trim().parse().ok().map(Duration::from_millis),
                "status" => {
                    fault.status = value.trim().parse().ok().filter(|s| (100..600).contains(s))
                }
                "retry-after" => fault.retry_after = value.trim().parse().ok(),
                "reset" => fault.reset = true,
                "truncate" => fault.truncate = true,
                "html" => fault.html = true,
                "shape" => fault.shape = true,
                "redirect" => {
                    fault.redirect = value.trim().parse().ok().filter(|s| (300..400).contains(s))
                }
                "location" => fault.location = Some(value.trim().to_owned()),
                "declined" => fault.declined = true,
                "status0" => fault.status0 = true,
                "nth" => fault.nth = value.trim().parse().ok(),
                _ => {}
            }
        }
        fault
    }

    /// The fault for request `number` of `operation`: its own header, else the fault
    /// injected for the operation; none when `nth` names another request.
    pub(super) fn for_request(headers: &HeaderMap, operation: &Operation, number: u64) -> Fault {
        // A read lock: concurrent requests do not wait on each other for it.
        let injected = operation.injected.read().unwrap_or_else(|e| e.into_inner());
        let fault = Fault::parse(headers, injected.as_deref());
        drop(injected);
        match fault.nth {
            Some(n) if n != number => Fault::default(),
            _ => fault,
        }
    }

    /// A 2xx HTML page is sent after the change is applied, like a "thank you" page.
    fn html_after_applying(&self) -> bool {
        self.html && self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// After waiting out `delay`: the answer that comes before the request is checked (a
    /// redirect, an HTML error page, an error status), or None to go on.
    pub(super) async fn answer_before_checks(
        &self,
        headers: &HeaderMap,
        path: &str,
        wire: &Wire,
    ) -> Option<Response> {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(status) = self.redirect {
            let location = self.location.clone().unwrap_or_else(|| {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("127.0.0.1");
                format!("http://{host}{path}")
            });
            let mut response = json_response(status, wire.media_type, b"{}".to_vec());
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return Some(response);
        }
        let html_applied = self.html_after_applying();
        if self.html && !html_applied {
            let status = self.status.unwrap_or(503);
            let page = format!(
                "<!DOCTYPE html><html><head><title>{status}</title></head><body><h1>{status} Service Unavailable</h1><p>The sandbox was asked to fail.</p></body></html>"
            );
            return Some(with_retry_after(
                json_response(status, "text/html; charset=utf-8", page.into_bytes()),
                self.retry_after,
            ));
        }
        if let Some(status) = self.status.filter(|_| !html_applied) {
            return Some(with_retry_after(
                wire.error(Reject::new(
                    status,
                    format!("the sandbox was asked to answer {status}"),
                )),
                self.retry_after,
            ));
        }
        None
    }

    /// Refusals inside a 200, as Insly sends them, for a valid request: nothing is applied.
    pub(super) fn answer_instead_of_applying(&self, media_type: &str) -> Option<Response> {
        if self.declined {
            let body = serde_json::json!({"status": "1", "response": {"declined": true}});
            return Some(json_response(
                200,
                media_type,
                body.to_string().into_bytes(),
            ));
        }
        if self.status0 {
            let body = serde_json::json!({"status": 0, "response": "The sandbox was asked to refuse this change"});
            return Some(json_response(
                200,
                media_type,
                body.to_string().into_bytes(),
            ));
        }
        None
    }

    /// The answer once the change is applied; `body` is the one sent without a fault.
    pub(super) fn answer_applied(&self, body: Vec<u8>, media_type: &str) -> Response {
        if self.reset || self.truncate {
            return broken(body, media_type, self.truncate);
        }
        if self.html_after_applying() {
            let status = self.status.unwrap_or(200);
            let page = "<!DOCTYPE html><html><head><title>Thank you</title></head><body><h1>Thank you</h1><p>Your change has been saved.</p></body></html>";
            return json_response(status, "text/html; charset=utf-8", page.as_bytes().to_vec());
        }
        if self.shape {
            return json_response(200, media_type, br#"["applied"]"#.to_vec());
        }
        json_response(200, media_type, body)
    }
}

fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A 200 whose body breaks: `truncate` sends half of it under the full Content-Length,
/// `reset` sends nothing; then the connection is dropped.
fn broken(body: Vec<u8>, media_type: &str, truncate: bool) -> Response {
    let length = body.len();
    let sent = if truncate {
        Bytes::from(body).slice(..length / 2)
    } else {
        Bytes::new()
    };
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(sent),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault: connection dropped mid-response",
        )),
    ];
    let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}
