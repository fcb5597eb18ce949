//! Reliability: the fault matrix (every operation x every fault, driven by the sandbox),
//! and concurrency and limits. (Secrets under TRACE logging: tests/secrets.rs, in its own
//! process because it installs a tracing subscriber.)
//! The matrix is generated from two tables, so adding an operation adds its rows; it is
//! also written to target/reliability/fault-matrix.md for RELIABILITY.md.
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use common::fixture;
use futures::future::join_all;
use partner_bindings::{
    ecurring, insly,
    rentalcover::{self, PolicyChange},
    rocketkor,
    sandbox::{Provider, Sandbox},
    Decimal, Error, RetryPolicy,
};
use serde_json::json;

const ROCKETKOR_ID: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";
const TIMEOUT: Duration = Duration::from_millis(400);

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    }
}

/// The operations, as a caller runs them through the facade.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    RentalCoverCustomer,
    RentalCoverQuote,
    RentalCoverConfirm,
    InslyAdjustment,
    ECurringPatch,
    RocketKorPut,
}

impl Op {
    const ALL: [Op; 6] = [
        Op::RentalCoverCustomer,
        Op::RentalCoverQuote,
        Op::RentalCoverConfirm,
        Op::InslyAdjustment,
        Op::ECurringPatch,
        Op::RocketKorPut,
    ];

    fn counter(self) -> &'static str {
        match self {
            Op::RentalCoverCustomer => "rentalcover.updateCustomer",
            Op::RentalCoverQuote | Op::RentalCoverConfirm => "rentalcover.updateInsurance",
            Op::InslyAdjustment => "insly.updatePolicy",
            Op::ECurringPatch => "ecurring.updateCustomer",
            Op::RocketKorPut => "rocketkor.updateIndividualCustomer",
        }
    }

    fn provider(self) -> Provider {
        match self {
            Op::RentalCoverCustomer | Op::RentalCoverQuote | Op::RentalCoverConfirm => {
                Provider::RentalCover
            }
            Op::InslyAdjustment => Provider::Insly,
            Op::ECurringPatch => Provider::ECurring,
            Op::RocketKorPut => Provider::RocketKor,
        }
    }

    /// Charges or refunds a card: must reach the server at most once.
    fn money_moving(self) -> bool {
        matches!(self, Op::RentalCoverConfirm | Op::InslyAdjustment)
    }

    fn label(self) -> &'static str {
        match self {
            Op::RentalCoverCustomer => "RentalCover updateCustomer",
            Op::RentalCoverQuote => "RentalCover updateInsurance QuoteOnly=1",
            Op::RentalCoverConfirm => "RentalCover updateInsurance QuoteOnly=0",
            Op::InslyAdjustment => "Insly updatePolicy",
            Op::ECurringPatch => "eCurring updateCustomer",
            Op::RocketKorPut => "RocketKOR updateIndividualCustomer",
        }
    }
}

/// The faults: the sandbox's `X-Sandbox-Fault` spec, or a refused connection.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    Refused,
    Reset,
    Truncate,
    Html503,
    TooMany,
    Status500,
    Slow,
}

impl Fault {
    const ALL: [Fault; 7] = [
        Fault::Refused,
        Fault::Reset,
        Fault::Truncate,
        Fault::Html503,
        Fault::TooMany,
        Fault::Status500,
        Fault::Slow,
    ];

    fn spec(self) -> Option<&'static str> {
        match self {
            Fault::Refused => None,
            Fault::Reset => Some("reset"),
            Fault::Truncate => Some("truncate"),
            Fault::Html503 => Some("html"),
            Fault::TooMany => Some("status=429,retry-after=1"),
            Fault::Status500 => Some("status=500"),
            Fault::Slow => Some("delay=1500"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Fault::Refused => "connection refused",
            Fault::Reset => "reset mid-response",
            Fault::Truncate => "truncated body",
            Fault::Html503 => "HTML 503",
            Fault::TooMany => "429 + Retry-After",
            Fault::Status500 => "500",
            Fault::Slow => "delay beyond timeout",
        }
    }
}

/// The error kind and the number of requests the server receives, by the retry rules.
fn expected(op: Op, fault: Fault) -> (&'static str, u64) {
    match (op.money_moving(), fault) {
        // Never left: retried, never "unknown", nothing received.
        (_, Fault::Refused) => ("Connection", 0),
        // A 429 says nothing was done: not re-sent when money moves, retried otherwise.
        (true, Fault::TooMany) => ("RateLimited", 1),
        (false, Fault::TooMany) => ("RateLimited", 3),
        // May have been applied: sent once, outcome unknown.
        (true, _) => ("OutcomeUnknown", 1),
        (false, Fault::Reset | Fault::Truncate) => ("Connection", 3),
        (false, Fault::Html503 | Fault::Status500) => ("Server", 3),
        (false, Fault::Slow) => ("Timeout", 3),
    }
}

fn kind(error: &Error) -> &'static str {
    match error {
        Error::Validation(_) => "Validation",
        Error::Unauthorized(_) => "Unauthorized",
        Error::NotFound(_) => "NotFound",
        Error::Rejected { .. } => "Rejected",
        Error::RateLimited { .. } => "RateLimited",
        Error::Server(_) => "Server",
        Error::Timeout(_) => "Timeout",
        Error::Connection(_) => "Connection",
        Error::Undecodable { .. } => "Undecodable",
        Error::OutcomeUnknown { .. } => "OutcomeUnknown",
        _ => "other",
    }
}

fn insurance_change() -> PolicyChange {
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(1);
    let typed: rentalcover::types::UpdateInsuranceRequest =
        serde_json::from_value(request).unwrap();
    PolicyChange::new(Decimal::new(60, 0), typed.into())
}

/// Runs `op` against `base` (a sandbox, or a closed port), with the fault already in place.
async fn call(op: Op, base: &str) -> Result<(), Error> {
    let key = op.provider().credential();
    macro_rules! client {
        ($module:ident) => {
            $module::Client::builder()
                .base_url(base)
                .credential(key)
                .retry(policy())
                .timeout(TIMEOUT)
                .build()
                .unwrap()
        };
    }
    match op {
        Op::RentalCoverCustomer => {
            let mut request = fixture("rentalcover", "update_customer.request.json");
            request.as_object_mut().unwrap().remove("NewEmail");
            let typed: rentalcover::types::UpdateCustomerRequest =
                serde_json::from_value(request).unwrap();
            client!(rentalcover)
                .update_customer(typed.into())
                .await
                .map(drop)
        }
        Op::RentalCoverQuote => client!(rentalcover)
            .update_insurance("AB12-345C-INS", insurance_change())
            .quote()
            .await
            .map(drop),
        Op::RentalCoverConfirm => unreachable!("confirm needs a quote first: see run_case"),
        Op::InslyAdjustment => {
            let typed: insly::types::UpdatePolicyRequest =
                serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
            client!(insly).update_policy(typed.into()).await.map(drop)
        }
        Op::ECurringPatch => client!(ecurring)
            .update_customer(
                "1",
                ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string())),
            )
            .await
            .map(drop),
        Op::RocketKorPut => client!(rocketkor)
            .update_individual_customer(
                ROCKETKOR_ID.parse().unwrap(),
                rocketkor::types::UpdateIndividualCustomerRequest::builder()
                    .pronoun("She/Her".to_string()),
            )
            .await
            .map(drop),
    }
}

/// One row: (error kind, requests the server received during the faulted call).
async fn run_case(op: Op, fault: Fault) -> (String, u64) {
    let mut sandbox = Some(Sandbox::start().await.unwrap());
    let base = sandbox.as_ref().unwrap().base_url(op.provider());
    let closed = || {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/{}",
            listener.local_addr().unwrap(),
            op.provider().name()
        );
        drop(listener);
        url
    };
    let outcome = if op == Op::RentalCoverConfirm {
        // Quote without a fault, then fault the confirm only.
        let client = rentalcover::Client::builder()
            .base_url(&base)
            .credential(Provider::RentalCover.credential())
            .retry(policy())
            .timeout(TIMEOUT)
            .build()
            .unwrap();
        let quote = client
            .update_insurance("AB12-345C-INS", insurance_change())
            .quote()
            .await
            .unwrap();
        let before = sandbox.as_ref().unwrap().received(op.counter());
        let result = match fault.spec() {
            Some(spec) => {
                sandbox.as_ref().unwrap().inject(op.counter(), Some(spec));
                client.confirm(quote).send().await.map(drop)
            }
            None => {
                // Stop the server: the confirm finds the port closed.
                drop(sandbox.take());
                tokio::time::sleep(Duration::from_millis(50)).await;
                client.confirm(quote).send().await.map(drop)
            }
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let received = sandbox
            .as_ref()
            .map_or(0, |s| s.received(op.counter()) - before);
        (result, received)
    } else {
        match fault.spec() {
            Some(spec) => {
                let sandbox = sandbox.as_ref().unwrap();
                sandbox.inject(op.counter(), Some(spec));
                let result = call(op, &base).await;
                // A request cut off by the client's timeout may still be in the server's
                // socket buffer: let it be read before counting.
                tokio::time::sleep(Duration::from_millis(300)).await;
                (result, sandbox.received(op.counter()))
            }
            None => (call(op, &closed()).await, 0),
        }
    };
    match outcome {
        (Ok(()), received) => ("Ok".to_string(), received),
        (Err(e), received) => {
            if let Error::Connection(inner) = &e {
                // A refused connection is a connect error, anything else is not.
                assert_eq!(
                    inner.is_connect(),
                    fault == Fault::Refused,
                    "{op:?} {fault:?}: {e:?}"
                );
            }
            if let (Error::OutcomeUnknown { cause, .. }, Fault::Slow) = (&e, fault) {
                assert!(matches!(**cause, Error::Timeout(_)), "{cause:?}");
            }
            (kind(&e).to_string(), received)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let only = std::env::var("MATRIX_ONLY").ok();
    let cases: Vec<(Op, Fault)> = Op::ALL
        .iter()
        .filter(|op| {
            only.as_deref()
                .is_none_or(|o| format!("{op:?}").starts_with(o))
        })
        .flat_map(|op| Fault::ALL.iter().map(move |fault| (*op, *fault)))
        .collect();
    // One case at a time: concurrent cases freeing and binding ports could hand one case's
    // "closed" port to another case's sandbox.
    let mut outcomes = Vec::new();
    for (op, fault) in &cases {
        outcomes.push(run_case(*op, *fault).await);
    }

    let mut table = vec![
        "| operation | fault | error | requests received | expected |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    let mut wrong = Vec::new();
    for ((op, fault), (got, received)) in cases.iter().zip(&outcomes) {
        let (want, want_received) = expected(*op, *fault);
        let ok = got == want && *received == want_received;
        if !ok {
            wrong.push(format!("{op:?} x {fault:?}: got {got} after {received} requests, want {want} after {want_received}"));
        }
        table.push(format!(
            "| {} | {} | {got} | {received} | {} |",
            op.label(),
            fault.label(),
            if ok { "yes" } else { "**no**" }
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fault-matrix.md"), table.join("\n") + "\n").unwrap();
    if only.is_none() {
        assert_eq!(cases.len(), 42);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_client() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = ecurring::Client::builder()
        .base_url(sandbox.base_url(Provider::ECurring))
        .credential(Provider::ECurring.credential())
        .build()
        .unwrap();
    let calls = (0..1000).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            let change = ecurring::types::CustomerAttributesUpdate::builder()
                .house_number(Some(i.to_string()));
            client.update_customer("1", change).await
        })
    });
    let results = join_all(calls).await;
    let failed: Vec<_> = results.iter().filter(|r| !matches!(r, Ok(Ok(_)))).collect();
    assert!(
        failed.is_empty(),
        "{} failed, e.g. {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(sandbox.received("ecurring.updateCustomer"), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_survives_abuse_and_keeps_serving() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sandbox = Sandbox::start().await.unwrap();
    let address = sandbox.addr();

    // Slow clients: 50 connections that send half a request and stall.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"PATCH /ecurring/customers/1 HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"da")
            .await
            .unwrap();
        stalled.push(stream);
    }
    // Oversized bodies: 413, without reading 5 MB into memory first.
    let big = vec![b'x'; 5 * 1024 * 1024];
    let response = reqwest::Client::new()
        .patch(format!(
            "{}/customers/1",
            sandbox.base_url(Provider::ECurring)
        ))
        .header("x-authorization", "sandbox-key")
        .header("content-type", "application/vnd.api+json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    // Deep nesting: 400, no stack overflow.
    for depth in [1_000, 100_000] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let response = reqwest::Client::new()
            .post(format!(
                "{}/api/policy/update",
                sandbox.base_url(Provider::Insly)
            ))
            .header("authorization", "Bearer sandbox-token")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
    // A raw garbage request line.
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(b"\x00\x01garbage\r\n\r\n").await.unwrap();
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut sink)).await;

    // Still serving, with the stalled connections open.
    let client = ecurring::Client::builder()
        .base_url(sandbox.base_url(Provider::ECurring))
        .credential(Provider::ECurring.credential())
        .build()
        .unwrap();
    for _ in 0..20 {
        client
            .update_customer(
                "1",
                ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Delft".to_string())),
            )
            .await
            .unwrap();
    }
    drop(stalled);
}
