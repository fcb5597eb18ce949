//! A fixed workload for `scripts/profile-sandbox.sh` (callgrind counts its instructions):
//! N eCurring PATCHes (the first argument), the request of `scripts/bench-sandbox.sh`, handled by the
//! sandbox in-process (routing, auth, the body read, parsed and checked against the spec,
//! the change applied and the answer written), without the network, which the sandbox and
//! the bare server pay alike.
//!
//! `cargo run --release --example profile_sandbox --features sandbox -- N`

use axum::body::Body;
use partner_bindings::sandbox::Sandbox;

const BODY: &str = r#"{"data":{"type":"customer","id":"1","attributes":{"street":"Payment lane","house_number":"1","city":"Amsterdam","postalcode":"1000AA"}}}"#;

fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("usage: profile_sandbox N");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        for _ in 0..requests {
            let request = axum::http::Request::patch("/ecurring/customers/1")
                .header("content-type", "application/vnd.api+json")
                .header("accept", "application/vnd.api+json")
                .header("x-authorization", "sandbox-key")
                .body(Body::from(BODY))
                .expect("a request");
            let answer = sandbox.handle_in_process(request).await;
            assert_eq!(answer.status(), 200, "the sandbox applies the PATCH");
            let body = axum::body::to_bytes(answer.into_body(), usize::MAX)
                .await
                .expect("the answer's body");
            std::hint::black_box(body);
        }
    });
}
