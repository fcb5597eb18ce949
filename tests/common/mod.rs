//! Shared test support: fixtures, a spec walker, a JSON comparison with listed
//! normalisations, and a one-shot HTTP server that captures the request it receives.
#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub fn fixture_path(provider: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider)
        .join(name)
}

pub fn fixture_text(provider: &str, name: &str) -> String {
    let path = fixture_path(provider, name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn fixture(provider: &str, name: &str) -> Value {
    serde_json::from_str(&fixture_text(provider, name))
        .unwrap_or_else(|e| panic!("{provider}/{name} is not JSON: {e}"))
}

/// Every fixture file of a provider whose name matches `pred`.
pub fn fixtures_matching(provider: &str, pred: impl Fn(&str) -> bool) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| pred(n))
        .collect();
    names.sort();
    names
}

pub fn spec(provider: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("specs/{provider}.yaml"));
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// Compares what a decoder re-encoded (`actual`) with the wire JSON (`expected`).
/// Allowed normalisations, both of which carry the same meaning for every provider:
/// 1. numbers are compared by value: `300` and `300.0` (an `f64` request field re-encodes
///    integral values with a fraction);
/// 2. an explicit `null` for an optional member equals the member being absent (optional
///    fields decode both to `None`, which is not re-sent).
///
/// Returns the JSON path of every difference.
pub fn diff_json(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff_at(&format!("{path}.{k}"), ev, av, out),
                    None if ev.is_null() => {}
                    None => out.push(format!("{path}.{k}: lost")),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) && !av.is_null() {
                    out.push(format!("{path}.{k}: added {av}"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, now {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff_at(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() != a.as_f64() {
                out.push(format!("{path}: {e} became {a}"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: {e} became {a}")),
    }
}

/// Decodes `json` as `T`, re-encodes it and asserts nothing was lost or changed.
pub fn assert_round_trip<T>(label: &str, json: &Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let decoded: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{label} does not decode: {e}"));
    let again = serde_json::to_value(&decoded).unwrap();
    let diffs = diff_json(json, &again);
    assert!(diffs.is_empty(), "{label} lost or changed: {diffs:#?}");
    decoded
}

/// Follows `$ref` and merges `allOf` so a schema's own properties can be read.
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return resolve(spec, &spec["components"]["schemas"][name]);
    }
    let mut parts = vec![schema];
    for sub in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        parts.extend(resolve(spec, sub));
    }
    parts
}

/// The schema of the member `name` of `schema`, looking through arrays to their items.
pub fn member<'a>(spec: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    for part in resolve(spec, schema) {
        if let Some(items) = part.get("items") {
            if let Some(found) = member(spec, items, name) {
                return Some(found);
            }
        }
        if let Some(found) = part.get("properties").and_then(|p| p.get(name)) {
            return Some(found);
        }
    }
    None
}

/// The operation with `operation_id` in the spec: (path, method, operation).
pub fn operation<'a>(spec: &'a Value, operation_id: &str) -> (&'a str, &'a str, &'a Value) {
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                return (path, method, op);
            }
        }
    }
    panic!("no operation {operation_id}")
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    pub target: String,
    /// Header names lower-cased; values in order of arrival.
    pub headers: BTreeMap<String, Vec<String>>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap()
    }
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// Reads one HTTP/1.1 request from `socket`; `None` if the peer closed first.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap().split(' ');
    let method = request_line.next().unwrap().to_string();
    let target = request_line.next().unwrap().to_string();
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').unwrap();
        headers
            .entry(k.trim().to_ascii_lowercase())
            .or_default()
            .push(v.trim().to_string());
    }
    let length: usize = headers
        .get("content-length")
        .map(|v| v[0].parse().unwrap())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Captured {
        method,
        target,
        headers,
        body,
    })
}

fn reply_bytes(
    status: u16,
    headers: &[(&str, String)],
    body: &str,
    declared_len: usize,
) -> Vec<u8> {
    let reason = if status < 300 { "OK" } else { "Error" };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\ncontent-length: {declared_len}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// Serves exactly one HTTP/1.1 request on a free loopback port, answering with `status`,
/// `content_type` and `body`. Returns the base URL and a handle yielding the request.
pub async fn serve_once(
    status: u16,
    content_type: &'static str,
    body: String,
) -> (String, tokio::task::JoinHandle<Captured>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let captured = read_request(&mut socket)
            .await
            .expect("client closed before sending a request");
        let headers = [
            ("content-type", content_type.to_string()),
            ("connection", "close".to_string()),
        ];
        socket
            .write_all(&reply_bytes(status, &headers, &body, body.len()))
            .await
            .unwrap();
        socket.shutdown().await.ok();
        captured
    });
    (base, handle)
}

/// What the scripted server does with one request.
#[derive(Clone, Debug)]
pub enum Act {
    /// Answer with this status, extra headers and JSON body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// Read the request, then close the connection without a byte of answer.
    Drop,
    /// Answer 200 with a content-length longer than the body, then close.
    Truncate(String),
    /// Wait this long, then answer 200 with this body.
    Delay(std::time::Duration, String),
}

impl Act {
    pub fn json(status: u16, body: &Value) -> Act {
        Act::Reply(status, Vec::new(), body.to_string())
    }
}

/// A loopback HTTP/1.1 server that answers each request with the next act of a script
/// (the last act repeats), records every request and counts connections.
pub struct Scripted {
    pub base: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<Captured>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Scripted {
    pub async fn start(script: Vec<Act>) -> Scripted {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let script = std::sync::Arc::new(script);
        let (reqs, conns) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                conns.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (reqs, script) = (reqs.clone(), script.clone());
                tokio::spawn(async move {
                    while let Some(captured) = read_request(&mut socket).await {
                        let index = {
                            let mut all = reqs.lock().unwrap();
                            all.push(captured);
                            all.len() - 1
                        };
                        let act = script[index.min(script.len() - 1)].clone();
                        let json = ("content-type", "application/json".to_string());
                        match act {
                            Act::Reply(status, mut headers, body) => {
                                headers.push(json);
                                if socket
                                    .write_all(&reply_bytes(status, &headers, &body, body.len()))
                                    .await
                                    .is_err()
                                {
                                    return;
                                }
                            }
                            Act::Drop => return,
                            Act::Truncate(body) => {
                                let cut = &body[..body.len() / 2];
                                let _ = socket
                                    .write_all(&reply_bytes(200, &[json], cut, body.len()))
                                    .await;
                                return;
                            }
                            Act::Delay(wait, body) => {
                                tokio::time::sleep(wait).await;
                                if socket
                                    .write_all(&reply_bytes(200, &[json], &body, body.len()))
                                    .await
                                    .is_err()
                                {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        Scripted {
            base,
            requests,
            connections,
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The default retry policy (3 attempts, Retry-After waited up to 5 s) with millisecond
/// backoff, so tests do not wait on it.
pub fn fast_retries() -> partner_bindings::RetryPolicy {
    partner_bindings::RetryPolicy::standard()
        .with_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(5),
        )
        .with_max_retry_after(std::time::Duration::from_secs(5))
}

/// A facade client for `$provider` at `$base` with credential `$key` and retry policy `$retry`.
#[macro_export]
macro_rules! client {
    ($provider:ident, $base:expr, $key:expr, $retry:expr) => {
        partner_bindings::$provider::Client::builder()
            .environment(partner_bindings::$provider::Environment::Custom(
                ($base).into(),
            ))
            .credential($key)
            .retry($retry)
            .build()
            .unwrap()
    };
}

/// A facade client for `$provider` against an in-process sandbox, with its credential.
#[macro_export]
macro_rules! sandbox_client {
    ($provider:ident, $variant:ident, $sandbox:expr) => {
        client!(
            $provider,
            $sandbox.base_url(partner_bindings::sandbox::Service::$variant),
            partner_bindings::sandbox::Service::$variant.credential(),
            partner_bindings::RetryPolicy::default()
        )
    };
}

/// Installs (once per test process) a global TRACE-level fmt subscriber writing into one
/// buffer, and returns that buffer. Global, not per-thread: tracing caches per-callsite
/// interest, and a thread-local subscriber raced with other tests' threads and lost events.
pub fn global_logs() -> Logs {
    static LOGS: std::sync::OnceLock<Logs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        logs
    })
    .clone()
}

/// Collects everything a tracing fmt subscriber writes (tests of what logs contain).
#[derive(Clone, Default)]
pub struct Logs(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `target/reliability/<name>.json`: what a test measured, for
/// scripts/reliability-report.py to put in RELIABILITY.md (no figure there is typed by hand).
#[allow(dead_code)]
pub fn report(name: &str, value: serde_json::Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(&value).unwrap(),
    )
    .unwrap();
}
