//! Per-call cost of the facade against calling the generated client directly, and against
//! a hand-written reqwest + serde call of the same request, on loopback.
//!
//! The three variants run interleaved in rounds (A, B, C, A, B, C, ...) so that a noisy,
//! shared machine slows them alike; the report is the median per-call time of each and
//! the ratios between them. Run: `cargo bench --bench facade_overhead`
//! (`-- --smoke` for a few rounds only).

use std::time::{Duration, Instant};

use partner_bindings::{ecurring, RetryPolicy};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// A keep-alive HTTP/1.1 server answering every request with `body`.
async fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.api+json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(8192);
                loop {
                    // Read one request: head, then content-length bytes of body.
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map(|v| v.trim().parse().unwrap())
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        let mut chunk = [0u8; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..head_end + length);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let (rounds, calls) = if smoke { (3, 20) } else { (30, 300) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fixture = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ecurring/update_customer.response.json"
        ))
        .unwrap();
        let base = serve(fixture).await;
        let client = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(base.to_string()))
            .credential("bench-key")
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .user_agent("bench")
            .build()
            .unwrap();
        let patch = || {
            ecurring::types::CustomerAttributesUpdate::builder()
                .street(Some("Payment lane".to_string()))
                .house_number(Some("1".to_string()))
                .middle_name(ecurring::Patch::Clear)
        };
        let document = || -> ecurring::types::CustomerUpdateDocument {
            ecurring::types::CustomerUpdateDocument::builder()
                .data(
                    ecurring::types::CustomerUpdateResource::builder()
                        .attributes(patch())
                        .id("1")
                        .type_(ecurring::types::CustomerUpdateResourceType::Customer),
                )
                .try_into()
                .unwrap()
        };

        // As a user writes it: the same three members as `patch()`.
        let facade = || async {
            client
                .update_customer("1")
                .street("Payment lane")
                .house_number("1")
                .clear_middle_name()
                .send()
                .await
                .unwrap();
        };
        let generated = || async {
            client
                .raw()
                .update_customer()
                .id("1".parse::<ecurring::types::UpdateCustomerId>().unwrap())
                .body(document())
                .send()
                .await
                .unwrap();
        };
        let url = format!("{base}/customers/1");
        let by_hand = || async {
            let body = serde_json::to_vec(&document()).unwrap();
            let bytes = http
                .patch(&url)
                .header("x-authorization", "bench-key")
                .header("content-type", "application/vnd.api+json")
                .header("accept", "application/vnd.api+json")
                .body(body)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let _: ecurring::types::CustomerDocument = serde_json::from_slice(&bytes).unwrap();
        };

        // Warm up pools and caches.
        for _ in 0..calls {
            facade().await;
            generated().await;
            by_hand().await;
        }
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let started = Instant::now();
            for _ in 0..calls {
                facade().await;
            }
            a.push(started.elapsed() / calls);
            let started = Instant::now();
            for _ in 0..calls {
                generated().await;
            }
            b.push(started.elapsed() / calls);
            let started = Instant::now();
            for _ in 0..calls {
                by_hand().await;
            }
            c.push(started.elapsed() / calls);
        }
        let (a, b, c) = (median(&mut a), median(&mut b), median(&mut c));
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!("eCurring PATCH on loopback, {rounds} rounds x {calls} sequential calls, median per call:");
        println!("  facade (validate, typed errors, hooks)   {:8.1} us", us(a));
        println!("  generated client directly (with hooks)   {:8.1} us", us(b));
        println!("  hand-written reqwest + serde             {:8.1} us", us(c));
        println!(
            "  facade / generated = {:.3}   facade / hand-written = {:.3}   facade - generated = {:+.1} us",
            us(a) / us(b),
            us(a) / us(c),
            us(a) - us(b)
        );
    });
}
