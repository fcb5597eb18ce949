//! From a request to an answer: the prefix picks the provider, method and path pick the
//! operation of its spec, the request is checked against the spec (auth, path parameters,
//! content type, size, JSON, body schema) and applied to the provider's state; faults asked
//! for are answered on the way (see [`super::faults`]).

use std::{
    borrow::Cow,
    collections::BTreeMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
    time::Instant,
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::Response,
};
use serde_json::Value;

use super::{
    behaviour::{Behaviour, Reject},
    ecurring,
    faults::Fault,
    insly, rentalcover, rocketkor,
    schema::{Id, Schemas},
    server::{counts, Shared},
    Service, MAX_BODY, SANDBOX_KEY, SANDBOX_TOKEN,
};

/// How a provider authenticates, renders errors and names its media type.
pub(super) struct Wire {
    pub(super) media_type: &'static str,
    /// Status for a body that breaks the spec (422 for JSON:API).
    invalid_status: u16,
    error_body: fn(&Reject) -> Value,
    auth_ok: fn(&HeaderMap) -> bool,
}

impl Wire {
    /// `reject` in the provider's own error shape.
    pub(super) fn error(&self, reject: Reject) -> Response {
        let body = serde_json::to_vec(&(self.error_body)(&reject)).unwrap_or_default();
        json_response(reject.status, self.media_type, body)
    }
}

fn wire(provider: Service) -> Wire {
    match provider {
        Service::RentalCover => Wire {
            media_type: "application/json",
            invalid_status: 400,
            error_body: rentalcover::error_body,
            auth_ok: |h| header_is(h, "x_api_key", SANDBOX_KEY),
        },
        Service::Insly => Wire {
            media_type: "application/json",
            invalid_status: 400,
            error_body: insly::error_body,
            auth_ok: |h| header_is(h, "authorization", &format!("Bearer {SANDBOX_TOKEN}")),
        },
        Service::ECurring => Wire {
            media_type: "application/vnd.api+json",
            invalid_status: 422,
            error_body: ecurring::error_body,
            auth_ok: |h| header_is(h, "x-authorization", SANDBOX_KEY),
        },
        Service::RocketKor => Wire {
            media_type: "application/json",
            invalid_status: 400,
            error_body: rocketkor::error_body,
            auth_ok: |h| header_is(h, "authorization", &format!("Bearer {SANDBOX_TOKEN}")),
        },
    }
}

fn header_is(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected)
}

/// One operation of a spec, as the router needs it.
pub(super) struct Operation {
    pub(super) id: String,
    method: Method,
    segments: Vec<PathSegment>,
    params: Vec<(String, Id)>,
    body: Option<Id>,
    pub(super) received: AtomicU64,
    /// A fault applied to every request of this operation (as if each carried the
    /// `X-Sandbox-Fault` header), set with [`Sandbox::inject`](super::Sandbox::inject).
    pub(super) injected: RwLock<Option<String>>,
}

enum PathSegment {
    Literal(String),
    Param(String),
}

/// One provider: its compiled spec, operations and state.
pub(super) struct Served {
    pub(super) provider: Service,
    wire: Wire,
    schemas: Schemas,
    pub(super) operations: Vec<Operation>,
    state: Mutex<Box<dyn Behaviour>>,
}

impl Served {
    pub(super) fn load(provider: Service) -> Result<Served, String> {
        let spec: Value = serde_json::from_str(provider.spec_json()).map_err(|e| e.to_string())?;
        let mut schemas = Schemas::compile(&spec)?;
        let mut operations = Vec::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let Ok(method) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                let Some(id) = op["operationId"].as_str() else {
                    continue;
                };
                let mut params = Vec::new();
                for param in op["parameters"].as_array().into_iter().flatten() {
                    if param["in"] == "path" {
                        let name = param["name"].as_str().unwrap_or_default().to_owned();
                        params.push((name, schemas.add(&param["schema"])?));
                    }
                }
                let body = op["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .map(|media| schemas.add(&media["schema"]))
                    .transpose()?;
                let segments = path
                    .trim_start_matches('/')
                    .split('/')
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => PathSegment::Param(name.to_owned()),
                            None => PathSegment::Literal(s.to_owned()),
                        },
                    )
                    .collect();
                operations.push(Operation {
                    id: id.to_owned(),
                    method,
                    segments,
                    params,
                    body,
                    received: AtomicU64::new(0),
                    injected: RwLock::new(None),
                });
            }
        }
        Ok(Served {
            provider,
            wire: wire(provider),
            state: Mutex::new(provider.behaviour(&spec)),
            schemas,
            operations,
        })
    }

    /// The operations whose path matches, with the path parameters.
    fn route(&self, path: &str) -> Vec<(&Operation, BTreeMap<String, String>)> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter_map(|op| {
                if op.segments.len() != parts.len() {
                    return None;
                }
                let mut params = BTreeMap::new();
                for (segment, part) in op.segments.iter().zip(&parts) {
                    match segment {
                        PathSegment::Literal(l) if l == part => {}
                        PathSegment::Literal(_) => return None,
                        PathSegment::Param(_) if part.is_empty() => return None,
                        PathSegment::Param(name) => {
                            params.insert(name.clone(), percent_decode(part));
                        }
                    }
                }
                Some((op, params))
            })
            .collect()
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The operation named `"<provider>.<operationId>"`.
pub(super) fn find_operation<'a>(shared: &'a Shared, operation: &str) -> Option<&'a Operation> {
    let (provider, id) = operation.split_once('.')?;
    shared
        .served
        .iter()
        .filter(|s| s.provider.name() == provider)
        .flat_map(|s| &s.operations)
        .find(|op| op.id == id)
}

pub(super) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if !shared.log {
        return respond(&shared, request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = respond(&shared, request).await;
    tracing::info!(
        target: "partner_bindings::sandbox",
        "{method} {path} -> {} ({} us)",
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    response
}

pub(super) async fn respond(shared: &Shared, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/_sandbox/counts" {
        let body = serde_json::to_vec(&counts(shared)).unwrap_or_default();
        return json_response(200, "application/json", body);
    }
    // The path below the provider's prefix (route() reads it without its leading `/`).
    let (prefix, rest) = match path.trim_start_matches('/').split_once('/') {
        Some((prefix, rest)) => (prefix, rest),
        None => (path.trim_start_matches('/'), ""),
    };
    let Some(served) = shared.served.iter().find(|s| s.provider.name() == prefix) else {
        return plain_not_found(&path);
    };
    let wire = &served.wire;

    let routes = served.route(rest);
    if routes.is_empty() {
        return wire.error(Reject::new(404, format!("no such endpoint: {path}")));
    }
    let Some((operation, params)) = routes.iter().find(|(op, _)| op.method == request.method())
    else {
        let allow: Vec<&str> = routes.iter().map(|(op, _)| op.method.as_str()).collect();
        let mut response = wire.error(Reject::new(
            405,
            format!(
                "{} is not allowed here; use {}",
                request.method(),
                allow.join(", ")
            ),
        ));
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    };
    let number = operation.received.fetch_add(1, Ordering::Relaxed) + 1;
    let (parts, body) = request.into_parts();

    let fault = Fault::for_request(&parts.headers, operation, number);
    if let Some(response) = fault
        .answer_before_checks(&parts.headers, &path, wire)
        .await
    {
        return response;
    }

    if !(wire.auth_ok)(&parts.headers) {
        return wire.error(Reject::new(401, "missing or wrong credential"));
    }
    for (name, schema) in &operation.params {
        let value = Value::String(params.get(name).cloned().unwrap_or_default());
        if let Err(v) = served.schemas.validate(*schema, &value) {
            let status = if v.rule.contains("valid uuid") {
                404
            } else {
                wire.invalid_status
            };
            return wire.error(Reject::field(status, name, format!("{name} {}", v.rule)));
        }
    }
    let body = if let Some(schema) = operation.body {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case(wire.media_type) {
            return wire.error(Reject::new(
                415,
                format!(
                    "Content-Type must be {}, not {content_type:?}",
                    wire.media_type
                ),
            ));
        }
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return wire.error(Reject::new(
                    413,
                    format!("the body is over {MAX_BODY} bytes"),
                ));
            }
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => {
                return wire.error(Reject::new(
                    400,
                    format!("malformed JSON at line {}, column {}", e.line(), e.column()),
                ));
            }
        };
        if let Err(v) = served.schemas.validate(schema, &value) {
            let field = v.field();
            let mut reject = Reject::new(wire.invalid_status, format!("{field} {}", v.rule));
            reject
                .fields
                .push((field.clone(), v.pointer(), format!("{field} {}", v.rule)));
            return wire.error(reject);
        }
        value
    } else {
        Value::Null
    };

    if let Some(response) = fault.answer_instead_of_applying(wire.media_type) {
        return response;
    }
    fn encode(value: &Value) -> Vec<u8> {
        // Sized for the answers in the specs' examples, so writing one rarely grows it.
        let mut bytes = Vec::with_capacity(2048);
        serde_json::to_writer(&mut bytes, value).map_or_else(|_| Vec::new(), |()| bytes)
    }
    // A stored record is written out under the lock (not copied); a fresh answer after it.
    let outcome = {
        let mut state = served.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.handle(&operation.id, params, body) {
            Ok(Cow::Borrowed(value)) => Ok(Ok(encode(value))),
            Ok(Cow::Owned(value)) => Ok(Err(value)),
            Err(reject) => Err(reject),
        }
    };
    let response_body = match outcome {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(value)) => encode(&value),
        Err(reject) => return wire.error(reject),
    };
    fault.answer_applied(response_body, wire.media_type)
}

pub(super) fn json_response(status: u16, media_type: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if let Ok(value) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn plain_not_found(path: &str) -> Response {
    let body = serde_json::json!({"error": format!("no provider at {path}; use /rentalcover, /insly, /ecurring or /rocketkor")});
    json_response(404, "application/json", body.to_string().into_bytes())
}
