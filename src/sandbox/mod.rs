//! An in-process HTTP server that speaks all four bundled specs, for tests and demos.
//!
//! [`Sandbox::start`] serves on a free loopback port; each provider lives under its own
//! prefix ([`Sandbox::base_url`]). Requests are checked against the specs themselves
//! (auth, method, path, content type, size, JSON, and the body and path parameters by the
//! spec's schemas), then applied to in-memory state seeded from the specs' documented
//! examples. Errors come in each provider's own shape. A request header
//! `X-Sandbox-Fault` injects faults (comma-separated): `delay=MS`, `status=CODE`,
//! `retry-after=S`, `reset`, `truncate`, `html` (a 503 page; with a 2xx `status` the change
//! is applied first), `shape` (applied, then 200 with JSON of another shape),
//! `redirect=3xx` (+ `location=URL`; nothing applied), `declined` and `status0` (Insly's
//! refusals inside a 200; nothing applied), `nth=N` (only the operation's Nth request).
//! [`Sandbox::received`] counts requests per operation.
//!
//! Credentials: RentalCover `X_API_KEY: sandbox-key`, eCurring `X-Authorization: sandbox-key`,
//! Insly and RocketKOR `Authorization: Bearer sandbox-token`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use partner_bindings::{ecurring, sandbox::{Provider, Sandbox}};
//! let sandbox = Sandbox::start().await?;
//! let client = ecurring::Client::builder()
//!     .environment(ecurring::Environment::Custom(sandbox.base_url(Provider::ECurring)))
//!     .credential(Provider::ECurring.credential())
//!     .build()?;
//! client.update_customer("1").city("Utrecht").send().await?;
//! assert_eq!(sandbox.received("ecurring.updateCustomer"), 1);
//! # Ok(()) }
//! ```

mod ecurring;
mod insly;
mod rentalcover;
mod rocketkor;
mod schema;

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::Response,
    Router,
};
use serde_json::Value;

use schema::{Id, Schemas};

/// The API key the sandbox accepts for RentalCover and eCurring.
pub const SANDBOX_KEY: &str = "sandbox-key";
/// The bearer token the sandbox accepts for Insly and RocketKOR.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// Largest request body accepted (413 above it).
pub const MAX_BODY: usize = 1024 * 1024;

/// The four providers the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// RentalCover (`/rentalcover`).
    RentalCover,
    /// Insly (`/insly`).
    Insly,
    /// eCurring (`/ecurring`).
    ECurring,
    /// RocketKOR (`/rocketkor`).
    RocketKor,
}

impl Provider {
    /// All four, in a fixed order.
    pub const ALL: [Provider; 4] = [
        Provider::RentalCover,
        Provider::Insly,
        Provider::ECurring,
        Provider::RocketKor,
    ];

    /// The name used in paths, features and spec files, e.g. `rentalcover`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::RentalCover => "rentalcover",
            Provider::Insly => "insly",
            Provider::ECurring => "ecurring",
            Provider::RocketKor => "rocketkor",
        }
    }

    /// The credential the sandbox accepts for this provider.
    pub fn credential(self) -> &'static str {
        match self {
            Provider::RentalCover | Provider::ECurring => SANDBOX_KEY,
            Provider::Insly | Provider::RocketKor => SANDBOX_TOKEN,
        }
    }

    /// The bundled spec as YAML, exactly as in `specs/`.
    pub fn spec_yaml(self) -> &'static str {
        match self {
            Provider::RentalCover => include_str!("../../specs/rentalcover.yaml"),
            Provider::Insly => include_str!("../../specs/insly.yaml"),
            Provider::ECurring => include_str!("../../specs/ecurring.yaml"),
            Provider::RocketKor => include_str!("../../specs/rocketkor.yaml"),
        }
    }

    /// The bundled spec as JSON (written by build.rs from the YAML).
    pub fn spec_json(self) -> &'static str {
        match self {
            Provider::RentalCover => include_str!(concat!(env!("OUT_DIR"), "/rentalcover.json")),
            Provider::Insly => include_str!(concat!(env!("OUT_DIR"), "/insly.json")),
            Provider::ECurring => include_str!(concat!(env!("OUT_DIR"), "/ecurring.json")),
            Provider::RocketKor => include_str!(concat!(env!("OUT_DIR"), "/rocketkor.json")),
        }
    }

    fn behaviour(self, spec: &Value) -> Box<dyn Behaviour> {
        match self {
            Provider::RentalCover => Box::new(rentalcover::State::seed(spec)),
            Provider::Insly => Box::new(insly::State::seed(spec)),
            Provider::ECurring => Box::new(ecurring::State::seed(spec)),
            Provider::RocketKor => Box::new(rocketkor::State::seed(spec)),
        }
    }
}

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
    /// (already schema-valid) body; the response body on success.
    fn handle(
        &mut self,
        operation: &str,
        params: &BTreeMap<String, String>,
        body: Value,
    ) -> Result<Value, Reject>;
}

/// How a provider authenticates, renders errors and names its media type.
struct Wire {
    media_type: &'static str,
    /// Status for a body that breaks the spec (422 for JSON:API).
    invalid_status: u16,
    error_body: fn(&Reject) -> Value,
    auth_ok: fn(&HeaderMap) -> bool,
}

fn wire(provider: Provider) -> Wire {
    match provider {
        Provider::RentalCover => Wire {
            media_type: "application/json",
            invalid_status: 400,
            error_body: rentalcover::error_body,
            auth_ok: |h| header_is(h, "x_api_key", SANDBOX_KEY),
        },
        Provider::Insly => Wire {
            media_type: "application/json",
            invalid_status: 400,
            error_body: insly::error_body,
            auth_ok: |h| header_is(h, "authorization", &format!("Bearer {SANDBOX_TOKEN}")),
        },
        Provider::ECurring => Wire {
            media_type: "application/vnd.api+json",
            invalid_status: 422,
            error_body: ecurring::error_body,
            auth_ok: |h| header_is(h, "x-authorization", SANDBOX_KEY),
        },
        Provider::RocketKor => Wire {
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
struct Operation {
    id: String,
    method: Method,
    segments: Vec<PathSegment>,
    params: Vec<(String, Id)>,
    body: Option<Id>,
    received: AtomicU64,
    /// A fault applied to every request of this operation (as if each carried the
    /// `X-Sandbox-Fault` header), set with [`Sandbox::inject`].
    injected: Mutex<Option<String>>,
}

enum PathSegment {
    Literal(String),
    Param(String),
}

/// One provider: its compiled spec, operations and state.
struct Served {
    provider: Provider,
    wire: Wire,
    schemas: Schemas,
    operations: Vec<Operation>,
    state: Mutex<Box<dyn Behaviour>>,
}

impl Served {
    fn load(provider: Provider) -> Result<Served, String> {
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
                    injected: Mutex::new(None),
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

/// Everything the server shares between requests.
struct Shared {
    served: Vec<Served>,
    connections: Arc<AtomicU64>,
    log: bool,
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

impl Sandbox {
    /// Serves on a free loopback port, on the current tokio runtime.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::bind(SocketAddr::from(([127, 0, 0, 1], 0)), false).await
    }

    /// Serves on `addr`; with `log`, one `tracing` info line per request
    /// (target `partner_bindings::sandbox`).
    pub async fn bind(addr: SocketAddr, log: bool) -> std::io::Result<Sandbox> {
        let served = Provider::ALL
            .iter()
            .map(|p| Served::load(*p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicU64::new(0));
        let shared = Arc::new(Shared {
            served,
            connections: connections.clone(),
            log,
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listener = Counting {
            inner: listener,
            count: connections,
        };
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to give a provider's client, e.g. `http://127.0.0.1:<port>/rentalcover`.
    pub fn base_url(&self, provider: Provider) -> String {
        format!("{}/{}", self.url(), provider.name())
    }

    /// Requests received for `operation` (`"<provider>.<operationId>"`, e.g.
    /// `"rentalcover.updateInsurance"`), whatever their outcome; 0 for an unknown name.
    pub fn received(&self, operation: &str) -> u64 {
        received(&self.shared, operation)
    }

    /// Applies `fault` (the `X-Sandbox-Fault` syntax, e.g. `"reset"`, `"status=429,retry-after=1"`)
    /// to every following request of `operation` (`"<provider>.<operationId>"`) until
    /// called again with `None`; a request's own header still wins. Returns false for an
    /// unknown operation.
    pub fn inject(&self, operation: &str, fault: Option<&str>) -> bool {
        match find_operation(&self.shared, operation) {
            Some(op) => {
                *op.injected.lock().unwrap_or_else(|e| e.into_inner()) = fault.map(str::to_owned);
                true
            }
            None => false,
        }
    }

    /// Requests received per operation.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        counts(&self.shared)
    }

    /// TCP connections accepted so far (to see that clients reuse connections).
    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// Handles one request in-process, without the network, exactly as the server would
    /// (used by the fuzz target for the sandbox's request handling).
    #[doc(hidden)]
    pub async fn handle_in_process(&self, request: Request) -> Response {
        respond(&self.shared, request).await
    }

    /// Runs until `shutdown` completes (the CLI's `sandbox` command).
    pub async fn serve_until(mut self, shutdown: impl std::future::Future<Output = ()>) {
        shutdown.await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The operation named `"<provider>.<operationId>"`.
fn find_operation<'a>(shared: &'a Shared, operation: &str) -> Option<&'a Operation> {
    let (provider, id) = operation.split_once('.')?;
    shared
        .served
        .iter()
        .filter(|s| s.provider.name() == provider)
        .flat_map(|s| &s.operations)
        .find(|op| op.id == id)
}

fn received(shared: &Shared, operation: &str) -> u64 {
    find_operation(shared, operation).map_or(0, |op| op.received.load(Ordering::Relaxed))
}

fn counts(shared: &Shared) -> BTreeMap<String, u64> {
    shared
        .served
        .iter()
        .flat_map(|s| {
            s.operations.iter().map(move |op| {
                (
                    format!("{}.{}", s.provider.name(), op.id),
                    op.received.load(Ordering::Relaxed),
                )
            })
        })
        .collect()
}

/// A listener that counts the connections it accepts.
struct Counting {
    inner: tokio::net::TcpListener,
    count: Arc<AtomicU64>,
}

impl axum::serve::Listener for Counting {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let _ = io.set_nodelay(true);
                    self.count.fetch_add(1, Ordering::Relaxed);
                    return (io, addr);
                }
                // Like axum's own listener: back off on errors (e.g. too many open files).
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Faults asked for in `X-Sandbox-Fault`.
#[derive(Default, Debug)]
struct Fault {
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
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = respond(&shared, request).await;
    if shared.log {
        tracing::info!(
            target: "partner_bindings::sandbox",
            "{method} {path} -> {} ({} us)",
            response.status().as_u16(),
            started.elapsed().as_micros()
        );
    }
    response
}

async fn respond(shared: &Shared, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/_sandbox/counts" {
        let body = serde_json::to_vec(&counts(shared)).unwrap_or_default();
        return json_response(200, "application/json", body);
    }
    let (prefix, rest) = match path.trim_start_matches('/').split_once('/') {
        Some((prefix, rest)) => (prefix.to_owned(), format!("/{rest}")),
        None => (path.trim_start_matches('/').to_owned(), "/".to_owned()),
    };
    let Some(served) = shared.served.iter().find(|s| s.provider.name() == prefix) else {
        return plain_not_found(&path);
    };
    let wire = &served.wire;
    let error = |reject: Reject| {
        let body = serde_json::to_vec(&(wire.error_body)(&reject)).unwrap_or_default();
        json_response(reject.status, wire.media_type, body)
    };

    let routes = served.route(&rest);
    if routes.is_empty() {
        return error(Reject::new(404, format!("no such endpoint: {path}")));
    }
    let Some((operation, params)) = routes.iter().find(|(op, _)| op.method == request.method())
    else {
        let allow: Vec<&str> = routes.iter().map(|(op, _)| op.method.as_str()).collect();
        let mut response = error(Reject::new(
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

    let injected = operation
        .injected
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let fault = Fault::parse(&parts.headers, injected.as_deref());
    let fault = match fault.nth {
        Some(n) if n != number => Fault::default(),
        _ => fault,
    };
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = fault.redirect {
        let location = fault.location.clone().unwrap_or_else(|| {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            format!("http://{host}{path}")
        });
        let mut response = json_response(status, wire.media_type, b"{}".to_vec());
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return response;
    }
    // A 2xx HTML page is sent after the change is applied (below), like a "thank you" page.
    let html_applied = fault.html && fault.status.is_some_and(|s| (200..300).contains(&s));
    if fault.html && !html_applied {
        let status = fault.status.unwrap_or(503);
        let page = format!(
            "<!DOCTYPE html><html><head><title>{status}</title></head><body><h1>{status} Service Unavailable</h1><p>The sandbox was asked to fail.</p></body></html>"
        );
        return with_retry_after(
            json_response(status, "text/html; charset=utf-8", page.into_bytes()),
            fault.retry_after,
        );
    }
    if let Some(status) = fault.status.filter(|_| !html_applied) {
        return with_retry_after(
            error(Reject::new(
                status,
                format!("the sandbox was asked to answer {status}"),
            )),
            fault.retry_after,
        );
    }

    if !(wire.auth_ok)(&parts.headers) {
        return error(Reject::new(401, "missing or wrong credential"));
    }
    for (name, schema) in &operation.params {
        let value = Value::String(params.get(name).cloned().unwrap_or_default());
        if let Err(v) = served.schemas.validate(*schema, &value) {
            let status = if v.rule.contains("valid uuid") {
                404
            } else {
                wire.invalid_status
            };
            return error(Reject::field(status, name, format!("{name} {}", v.rule)));
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
            return error(Reject::new(
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
                return error(Reject::new(
                    413,
                    format!("the body is over {MAX_BODY} bytes"),
                ));
            }
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => {
                return error(Reject::new(
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
            return error(reject);
        }
        value
    } else {
        Value::Null
    };

    // Refusals inside a 200, as Insly sends them: nothing is applied.
    if fault.declined {
        let body = serde_json::json!({"status": "1", "response": {"declined": true}});
        return json_response(200, wire.media_type, body.to_string().into_bytes());
    }
    if fault.status0 {
        let body = serde_json::json!({"status": 0, "response": "The sandbox was asked to refuse this change"});
        return json_response(200, wire.media_type, body.to_string().into_bytes());
    }
    let outcome = {
        let mut state = served.state.lock().unwrap_or_else(|e| e.into_inner());
        state.handle(&operation.id, params, body)
    };
    let response_body = match outcome {
        Ok(value) => serde_json::to_vec(&value).unwrap_or_default(),
        Err(reject) => return error(reject),
    };
    if fault.reset || fault.truncate {
        return broken(response_body, wire.media_type, fault.truncate);
    }
    if html_applied {
        let status = fault.status.unwrap_or(200);
        let page = "<!DOCTYPE html><html><head><title>Thank you</title></head><body><h1>Thank you</h1><p>Your change has been saved.</p></body></html>";
        return json_response(status, "text/html; charset=utf-8", page.as_bytes().to_vec());
    }
    if fault.shape {
        return json_response(200, wire.media_type, br#"["applied"]"#.to_vec());
    }
    json_response(200, wire.media_type, response_body)
}

fn json_response(status: u16, media_type: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if let Ok(value) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn plain_not_found(path: &str) -> Response {
    let body = serde_json::json!({"error": format!("no provider at {path}; use /rentalcover, /insly, /ecurring or /rocketkor")});
    json_response(404, "application/json", body.to_string().into_bytes())
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
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// Structural problems of an OpenAPI 3.0 document given as JSON: unresolved `$ref`s,
/// schemas that do not compile (e.g. a bad pattern), operations without a unique
/// `operationId`, path parameters not declared, and documented examples that break their
/// own schema. Empty when the spec is sound. Used by `partner-bindings specs check`.
pub fn check_spec(spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !spec["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.0."))
    {
        problems.push("`openapi` must be a 3.0.x version".to_string());
    }
    let mut refs = Vec::new();
    collect_refs(spec, &mut refs);
    for reference in refs {
        let resolves = reference
            .strip_prefix('#')
            .is_some_and(|pointer| spec.pointer(pointer).is_some());
        if !resolves {
            problems.push(format!("$ref {reference} does not resolve"));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let mut schemas = match Schemas::compile(spec) {
        Ok(schemas) => schemas,
        Err(e) => return vec![format!("a schema does not compile: {e}")],
    };
    let mut seen = std::collections::BTreeSet::new();
    let check_examples = |schemas: &mut Schemas, schema: &Value, media: &Value, at: &str| {
        let id = match schemas.add(schema) {
            Ok(id) => id,
            Err(e) => return vec![format!("{at}: schema does not compile: {e}")],
        };
        let mut found = Vec::new();
        if !media["example"].is_null() {
            found.push(("example".to_string(), &media["example"]));
        }
        for (name, example) in media["examples"].as_object().into_iter().flatten() {
            found.push((format!("examples.{name}"), &example["value"]));
        }
        found
            .into_iter()
            .filter_map(|(name, value)| {
                schemas
                    .validate(id, value)
                    .err()
                    .map(|v| format!("{at} {name}: {} {}", v.field(), v.rule))
            })
            .collect::<Vec<_>>()
    };
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if method.to_uppercase().parse::<Method>().is_err() || !op.is_object() {
                continue;
            }
            let at = format!("{} {path}", method.to_uppercase());
            match op["operationId"].as_str() {
                Some(id) if !seen.insert(id.to_owned()) => {
                    problems.push(format!("{at}: operationId {id} is used twice"));
                }
                Some(_) => {}
                None => problems.push(format!("{at}: no operationId")),
            }
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            for segment in path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if !declared.contains(&name) {
                        problems.push(format!("{at}: path parameter {name} is not declared"));
                    }
                }
            }
            for (media_type, media) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                problems.extend(check_examples(
                    &mut schemas,
                    &media["schema"],
                    media,
                    &format!("{at} request {media_type}"),
                ));
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let response = match response["$ref"].as_str() {
                    Some(r) => spec
                        .pointer(r.trim_start_matches('#'))
                        .unwrap_or(&Value::Null),
                    None => response,
                };
                for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                    problems.extend(check_examples(
                        &mut schemas,
                        &media["schema"],
                        media,
                        &format!("{at} response {status} {media_type}"),
                    ));
                }
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if !schema["example"].is_null() {
            let wrapped = serde_json::json!({ "example": schema["example"] });
            problems.extend(check_examples(
                &mut schemas,
                schema,
                &wrapped,
                &format!("schema {name}"),
            ));
        }
    }
    problems
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}
