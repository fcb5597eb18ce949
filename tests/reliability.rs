//! Reliability: the fault matrix (every operation x every fault, driven by the sandbox),
//! and concurrency and limits. (Secrets under TRACE logging: tests/secrets.rs, in its own
//! process because it installs a tracing subscriber.)
//! The matrix is generated from two tables, so adding an operation adds its rows; it is
//! also written to target/reliability/fault-matrix.md for RELIABILITY.md.
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use common::{fast_retries, fixture};
use futures::future::join_all;
use partner_bindings::{
    ecurring, insly,
    rentalcover::{self},
    rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, Error,
};
use serde_json::json;

const ROCKETKOR_ID: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";
const TIMEOUT: Duration = Duration::from_millis(400);

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

    fn provider(self) -> Service {
        match self {
            Op::RentalCoverCustomer | Op::RentalCoverQuote | Op::RentalCoverConfirm => {
                Service::RentalCover
            }
            Op::InslyAdjustment => Service::Insly,
            Op::ECurringPatch => Service::ECurring,
            Op::RocketKorPut => Service::RocketKor,
        }
    }

    /// Charges or refunds a card: must reach the server at most once.
    fn money_moving(self) -> bool {
        matches!(self, Op::RentalCoverConfirm | Op::InslyAdjustment)
    }

    /// The end of the operation's URL, where the sandbox's redirects point back to.
    fn path_suffix(self) -> &'static str {
        match self {
            Op::RentalCoverCustomer => "/rentalcover/insurances/updateCustomer",
            Op::RentalCoverQuote | Op::RentalCoverConfirm => {
                "/rentalcover/insurances/update/AB12-345C-INS"
            }
            Op::InslyAdjustment => "/insly/api/policy/update",
            Op::ECurringPatch => "/ecurring/customers/1",
            Op::RocketKorPut => "/rocketkor/v1/customers/0e01f271-80b1-4724-b5dc-6959c7cd88dc",
        }
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
    Html200,
    WrongShape,
    Moved301,
    Found302,
    Temporary307,
    Permanent308,
    Declined,
    Status0,
}

impl Fault {
    const ALL: [Fault; 15] = [
        Fault::Refused,
        Fault::Reset,
        Fault::Truncate,
        Fault::Html503,
        Fault::TooMany,
        Fault::Status500,
        Fault::Slow,
        Fault::Html200,
        Fault::WrongShape,
        Fault::Moved301,
        Fault::Found302,
        Fault::Temporary307,
        Fault::Permanent308,
        Fault::Declined,
        Fault::Status0,
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
            Fault::Html200 => Some("html,status=200"),
            Fault::WrongShape => Some("shape"),
            // Each points back at the same URL: a client that followed would send the
            // change a second time, and the sandbox would count it.
            Fault::Moved301 => Some("redirect=301"),
            Fault::Found302 => Some("redirect=302"),
            Fault::Temporary307 => Some("redirect=307"),
            Fault::Permanent308 => Some("redirect=308"),
            Fault::Declined => Some("declined"),
            Fault::Status0 => Some("status0"),
        }
    }

    /// Insly's refusals inside a 200 exist only in Insly's envelope.
    fn applies_to(self, op: Op) -> bool {
        match self {
            Fault::Declined | Fault::Status0 => op == Op::InslyAdjustment,
            _ => true,
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
            Fault::Html200 => "200 + HTML page (applied)",
            Fault::WrongShape => "200 + JSON of another shape (applied)",
            Fault::Moved301 => "301 to the same URL",
            Fault::Found302 => "302 to the same URL",
            Fault::Temporary307 => "307 to the same URL",
            Fault::Permanent308 => "308 to the same URL",
            Fault::Declined => "200 + declined: true",
            Fault::Status0 => "200 + status 0 with a message",
        }
    }
}

/// The error kind, the CLI's exit code and the number of requests the server receives,
/// by the table in `Error`'s documentation and the retry rules.
fn expected(op: Op, fault: Fault) -> (&'static str, u8, u64) {
    match (op.money_moving(), fault) {
        // Never left: retried, never "unknown", nothing received.
        (_, Fault::Refused) => ("Connection", 4, 0),
        // A 429 says nothing was done: not re-sent when money moves, retried otherwise.
        (true, Fault::TooMany) => ("RateLimited", 3, 1),
        (false, Fault::TooMany) => ("RateLimited", 3, 3),
        // A redirect is never followed nor retried; when money moves it may follow a
        // processed request (303-style), so the outcome is unknown.
        (true, Fault::Moved301 | Fault::Found302 | Fault::Temporary307 | Fault::Permanent308) => {
            ("OutcomeUnknown", 4, 1)
        }
        (false, Fault::Moved301 | Fault::Found302 | Fault::Temporary307 | Fault::Permanent308) => {
            ("Redirected", 3, 1)
        }
        // A 2xx that refuses: nothing applied.
        (_, Fault::Declined | Fault::Status0) => ("Declined", 3, 1),
        // A 2xx we cannot read: applied when money moves, undecodable (not retried) otherwise.
        (true, Fault::Html200 | Fault::WrongShape) => ("AppliedUnreadable", 4, 1),
        (false, Fault::Html200 | Fault::WrongShape) => ("Undecodable", 3, 1),
        // May have been applied: sent once, outcome unknown.
        (true, _) => ("OutcomeUnknown", 4, 1),
        (false, Fault::Reset | Fault::Truncate) => ("Connection", 4, 3),
        (false, Fault::Html503 | Fault::Status500) => ("Server", 4, 3),
        (false, Fault::Slow) => ("Timeout", 4, 3),
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
        Error::AppliedUnreadable { .. } => "AppliedUnreadable",
        Error::Declined { .. } => "Declined",
        Error::Redirected { .. } => "Redirected",
        Error::OutcomeUnknown { .. } => "OutcomeUnknown",
        _ => "other",
    }
}

fn insurance_change() -> rentalcover::types::UpdateInsuranceRequest {
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(1);
    let typed: rentalcover::types::UpdateInsuranceRequest =
        serde_json::from_value(request).unwrap();
    typed
}

/// Runs `op` against `base` (a sandbox, or a closed port), with the fault already in place.
async fn call(op: Op, base: &str) -> Result<(), Error> {
    let key = op.provider().credential();
    macro_rules! client {
        ($module:ident) => {
            $module::Client::builder()
                .environment(partner_bindings::$module::Environment::Custom(
                    (base).into(),
                ))
                .credential(key)
                .retry(fast_retries())
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
                .update_customer()
                .request(typed)
                .send()
                .await
                .map(drop)
        }
        Op::RentalCoverQuote => client!(rentalcover)
            .update_insurance("AB12-345C-INS")
            .request(insurance_change())
            .quote(Decimal::new(60, 0))
            .await
            .map(drop),
        Op::RentalCoverConfirm => unreachable!("confirm needs a quote first: see run_case"),
        Op::InslyAdjustment => {
            let typed: insly::types::UpdatePolicyRequest =
                serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
            client!(insly)
                .update_policy()
                .request(typed)
                .send()
                .await
                .map(drop)
        }
        Op::ECurringPatch => client!(ecurring)
            .update_customer("1")
            .request(
                ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string())),
            )
            .send()
            .await
            .map(drop),
        Op::RocketKorPut => client!(rocketkor)
            .update_individual_customer(ROCKETKOR_ID)
            .request(
                rocketkor::types::UpdateIndividualCustomerRequest::builder()
                    .pronoun("She/Her".to_string()),
            )
            .send()
            .await
            .map(drop),
    }
}

/// One row: (error kind, CLI exit code, requests the sandbox received during the faulted
/// call). Every count is the sandbox's own: for a refused connection the client is pointed
/// at a sandbox that has closed its port, whose counters (requests and accepted
/// connections) are then read like any other.
async fn run_case(op: Op, fault: Fault) -> (String, u8, u64) {
    let mut sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url(op.provider());
    if let Some(spec) = fault.spec() {
        if op != Op::RentalCoverConfirm {
            assert!(sandbox.inject(op.counter(), Some(spec)));
        }
    }
    let mut before = 0;
    let result = if op == Op::RentalCoverConfirm {
        // Quote from the sandbox without a fault, then confirm (through a fresh client,
        // as a stored quote would be) with the fault in place.
        let quote = rentalcover_client(&sandbox.base_url(op.provider()))
            .update_insurance("AB12-345C-INS")
            .request(insurance_change())
            .quote(Decimal::new(60, 0))
            .await
            .unwrap();
        before = sandbox.received(op.counter());
        assert_eq!(before, 1, "one quote");
        match fault.spec() {
            Some(spec) => assert!(sandbox.inject(op.counter(), Some(spec))),
            None => sandbox.close().await,
        }
        rentalcover_client(&base)
            .confirm(quote)
            .send()
            .await
            .map(drop)
    } else {
        if fault == Fault::Refused {
            sandbox.close().await;
        }
        call(op, &base).await
    };
    let connections = sandbox.connections();
    // A request cut off by the client's timeout may still be in the server's socket
    // buffer: let it be read before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = sandbox.received(op.counter()) - before;
    if fault == Fault::Refused {
        // Closed means closed: no connection after the quote's one was even accepted.
        let quoted = u64::from(op == Op::RentalCoverConfirm);
        assert!(
            connections <= quoted,
            "{op:?}: {connections} connections to a closed port"
        );
    }
    match result {
        Ok(()) => ("Ok".to_string(), 0, received),
        Err(e) => {
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
            let redirected = match &e {
                Error::OutcomeUnknown { cause, .. } => cause.as_ref(),
                other => other,
            };
            if let Error::Redirected { location, response } = redirected {
                assert_eq!(response.status().as_u16() / 100, 3, "{e:?}");
                let location = location.as_deref().unwrap_or_default();
                assert!(location.ends_with(op.path_suffix()), "{location}");
            }
            if let Error::Declined { message, .. } = &e {
                if fault == Fault::Status0 {
                    assert_eq!(message, "The sandbox was asked to refuse this change");
                }
            }
            assert_eq!(
                e.may_have_been_applied(),
                matches!(kind(&e), "OutcomeUnknown" | "AppliedUnreadable"),
                "{e:?}"
            );
            (kind(&e).to_string(), e.exit_code(), received)
        }
    }
}

fn rentalcover_client(base: &str) -> rentalcover::Client {
    rentalcover::Client::builder()
        .environment(partner_bindings::rentalcover::Environment::Custom(
            (base).into(),
        ))
        .credential(Service::RentalCover.credential())
        .retry(fast_retries())
        .timeout(TIMEOUT)
        .build()
        .unwrap()
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
        .flat_map(|op| {
            Fault::ALL
                .iter()
                .filter(move |fault| fault.applies_to(*op))
                .map(move |fault| (*op, *fault))
        })
        .collect();
    // One case at a time: concurrent cases freeing and binding ports could hand one case's
    // "closed" port to another case's sandbox.
    let mut outcomes = Vec::new();
    for (op, fault) in &cases {
        outcomes.push(run_case(*op, *fault).await);
    }

    let mut table = vec![
        "| operation | fault | error | CLI exit | requests received | expected |".to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    let mut wrong = Vec::new();
    for ((op, fault), (got, code, received)) in cases.iter().zip(&outcomes) {
        let (want, want_code, want_received) = expected(*op, *fault);
        let ok = got == want && *code == want_code && *received == want_received;
        if !ok {
            wrong.push(format!("{op:?} x {fault:?}: got {got} (exit {code}) after {received} requests, want {want} (exit {want_code}) after {want_received}"));
        }
        if op.money_moving() && *received > 1 {
            wrong.push(format!(
                "{op:?} x {fault:?}: a money-moving request was received {received} times"
            ));
        }
        table.push(format!(
            "| {} | {} | {got} | {code} | {received} | {} |",
            op.label(),
            fault.label(),
            if ok { "yes" } else { "**no**" }
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fault-matrix.md"), table.join("\n") + "\n").unwrap();
    if only.is_none() {
        // 6 operations x 13 faults, and Insly's two refusals inside a 200.
        assert_eq!(cases.len(), 80);
        common::report(
            "fault-matrix",
            serde_json::json!({
                "cases": cases.len(), "operations": Op::ALL.len(),
                "faults": Fault::ALL.iter().filter(|f| f.applies_to(Op::ECurringPatch)).count(),
                "attempts": fast_retries().max_attempts(), "timeout_ms": TIMEOUT.as_millis(),
                "as_expected": cases.len() - wrong.len(),
            }),
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_client() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = ecurring::Client::builder()
        .environment(partner_bindings::ecurring::Environment::Custom(
            sandbox.base_url(Service::ECurring),
        ))
        .credential(Service::ECurring.credential())
        .build()
        .unwrap();
    let calls = (0..1000).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            let change = ecurring::types::CustomerAttributesUpdate::builder()
                .house_number(Some(i.to_string()));
            client.update_customer("1").request(change).send().await
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
    common::report(
        "concurrency",
        serde_json::json!({"calls": results.len(), "failed": failed.len(),
            "received": sandbox.received("ecurring.updateCustomer")}),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_survives_abuse_and_keeps_serving() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sandbox = Sandbox::start().await.unwrap();
    let address = sandbox.addr();

    // Slow clients: connections that send half a request and stall.
    const STALLED: usize = 50;
    const BIG_MB: usize = 5;
    const DEPTHS: [usize; 2] = [1_000, 100_000];
    const AFTER: usize = 20;
    let mut stalled = Vec::new();
    for _ in 0..STALLED {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"PATCH /ecurring/customers/1 HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"da")
            .await
            .unwrap();
        stalled.push(stream);
    }
    // Oversized bodies: 413, without reading 5 MB into memory first.
    // The sandbox answers before the upload ends and closes the connection, so the client
    // may see a reset while still writing: up to 3 tries, and every answer must be 413.
    let big = vec![b'x'; BIG_MB * 1024 * 1024];
    let mut answered = Vec::new();
    for _ in 0..3 {
        let sent = reqwest::Client::new()
            .patch(format!(
                "{}/customers/1",
                sandbox.base_url(Service::ECurring)
            ))
            .header("x-authorization", "sandbox-key")
            .header("content-type", "application/vnd.api+json")
            .body(big.clone())
            .send()
            .await;
        if let Ok(response) = sent {
            answered.push(response.status().as_u16());
            break;
        }
    }
    assert_eq!(answered, [413], "no 413 in 3 tries: {answered:?}");
    // Deep nesting: 400, no stack overflow.
    for depth in DEPTHS {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let response = reqwest::Client::new()
            .post(format!(
                "{}/api/policy/update",
                sandbox.base_url(Service::Insly)
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
        .environment(partner_bindings::ecurring::Environment::Custom(
            sandbox.base_url(Service::ECurring),
        ))
        .credential(Service::ECurring.credential())
        .build()
        .unwrap();
    for _ in 0..AFTER {
        client
            .update_customer("1")
            .request(
                ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Delft".to_string())),
            )
            .send()
            .await
            .unwrap();
    }
    common::report(
        "abuse",
        serde_json::json!({"stalled": stalled.len(), "oversized_mb": BIG_MB,
            "depths": DEPTHS, "calls_after": AFTER}),
    );
    drop(stalled);
}
