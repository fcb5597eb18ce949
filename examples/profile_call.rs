//! A fixed call workload for `scripts/profile-call.sh` (callgrind counts its instructions):
//! `CALLS` eCurring PATCHes against the in-process sandbox, through the facade or by hand
//! with the same reqwest client settings and the same generated response type, so the
//! difference is the facade's own work (hooks, retry bookkeeping, span, typed errors).
//!
//! `cargo run --release --example profile_call --features sandbox -- facade|hand`

use partner_bindings::{
    ecurring,
    sandbox::{Sandbox, Service},
};

const CALLS: usize = 2000;

// The by-hand request body, serialized on every call as the facade does its own.
#[derive(serde::Serialize)]
struct Patch<'a> {
    data: Resource<'a>,
}

#[derive(serde::Serialize)]
struct Resource<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    id: &'a str,
    attributes: Attributes<'a>,
}

#[derive(serde::Serialize)]
struct Attributes<'a> {
    city: &'a str,
}

fn main() {
    let hand = std::env::args().nth(1).as_deref() == Some("hand");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let base = sandbox.base_url(Service::ECurring);
        let client = ecurring::Client::builder()
            .environment(ecurring::Environment::Custom(base.clone()))
            .credential(Service::ECurring.credential())
            .build()
            .expect("a client");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        let url = format!("{base}/customers/1");
        for _ in 0..CALLS {
            if hand {
                let bytes = http
                    .patch(&url)
                    .header("x-authorization", Service::ECurring.credential())
                    .header("content-type", "application/vnd.api+json")
                    .header("accept", "application/vnd.api+json")
                    .body(
                        serde_json::to_vec(&Patch {
                            data: Resource {
                                kind: "customer",
                                id: "1",
                                attributes: Attributes { city: "Utrecht" },
                            },
                        })
                        .expect("serialized"),
                    )
                    .send()
                    .await
                    .expect("sent")
                    .bytes()
                    .await
                    .expect("read");
                let document: ecurring::types::CustomerDocument =
                    serde_json::from_slice(&bytes).expect("decoded");
                std::hint::black_box(document);
            } else {
                let change = ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string()));
                let document = client
                    .update_customer("1")
                    .request(change)
                    .send()
                    .await
                    .expect("sent");
                std::hint::black_box(document);
            }
        }
    });
}
