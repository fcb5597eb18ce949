//! The HTTP stack's limit for `scripts/bench-sandbox.sh`: axum on tokio, configured as the
//! sandbox is (`axum::serve`, HTTP/1, the multi-threaded runtime of the CLI), answering every
//! request with one fixed body (the sandbox's answer to the benchmark's request) and doing
//! nothing else: no routing, no validation, no JSON.
//!
//! `cargo run --release --example bench_bare_server --features sandbox -- PORT BODY_FILE`

use axum::{body::Bytes, http::header, response::IntoResponse, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|p| p.parse().ok())
        .expect("usage: bench_bare_server PORT BODY_FILE");
    let body = Bytes::from(std::fs::read(args.next().expect("a BODY_FILE"))?);
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/vnd.api+json")], body).into_response() }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await
}
