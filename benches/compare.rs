//! Side-by-side measurements for BENCHMARKS.md (run by scripts/bench.sh). Every result is a
//! ratio of two medians measured in the same run, variants interleaved in rounds so that a
//! noisy shared machine slows them alike. Prints one JSON line per result.
//!
//! `cargo bench --bench compare -- [--smoke]`

use std::{
    collections::HashMap,
    future::Future,
    time::{Duration, Instant},
};

use futures::StreamExt;
use partner_bindings::{
    ecurring, rentalcover, rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, RetryPolicy,
};
use serde::Deserialize;
use serde_json::{json, Value};

const ROCKETKOR_ID: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

#[allow(clippy::too_many_arguments)]
fn report(
    id: &str,
    what: &str,
    target: &str,
    a_name: &str,
    a: f64,
    b_name: &str,
    b: f64,
    unit: &str,
    iterations: usize,
    met: Option<bool>,
) {
    println!(
        "{}",
        json!({
            "id": id, "what": what, "target": target,
            "a": a_name, "a_value": a, "b": b_name, "b_value": b, "unit": unit,
            "ratio": a / b, "iterations": iterations, "met": met,
        })
    );
}

// ------------------------------------------------------------ hand-written serde structs
// What a developer writes by hand for the documented responses, without the generated code.

#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum UrlOrFalse {
    Url(String),
    No(bool),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandCountry {
    code: Option<String>,
    name: Option<String>,
    phone_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandPolicyDetails {
    gap_cover_amount: Option<String>,
    name: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    code: Option<String>,
    excess: Option<String>,
    inclusions: Option<String>,
    description: Option<String>,
    selling_points: Option<String>,
    roadside_assistance_blob: Option<String>,
    gap_cover_amount_formatted: Option<String>,
    excess_formatted: Option<String>,
    pds_url: Option<UrlOrFalse>,
    supplier_name: Option<String>,
    modify_url: Option<UrlOrFalse>,
    cancel_url: Option<UrlOrFalse>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandCustomer {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    age: Option<u32>,
    country: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandPolicy {
    booking_id: Option<String>,
    reference: Option<String>,
    status: Option<String>,
    from_date: Option<String>,
    to_date: Option<String>,
    total_amount: Option<f64>,
    insurance_cover_amount: Option<f64>,
    supplier_reference: Option<String>,
    expired: Option<bool>,
    covered_days: Option<u32>,
    discount: Option<f64>,
    destination_country: Option<String>,
    destination_country_object: Option<HandCountry>,
    currency: Option<String>,
    total_amount_formatted: Option<String>,
    insurance_cover_amount_formatted: Option<String>,
    discount_formatted: Option<String>,
    daily_amount_formatted: Option<String>,
    disclaimer: Option<String>,
    policy: Option<HandPolicyDetails>,
    customer: Option<HandCustomer>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCardSource {
    name: Option<String>,
    last4: Option<String>,
    exp_month: Option<u32>,
    exp_year: Option<u32>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCharge {
    refund: Option<bool>,
    source: Option<HandCardSource>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCloseBrothers {
    total_amount_payable: Option<f64>,
    number_of_instalments_left: Option<u32>,
    first_instalment_amount: Option<f64>,
    subsequent_instalment_amount: Option<f64>,
    credit_charge: Option<f64>,
    original_first_instalment_amount: Option<f64>,
    original_subsequent_instalment_amount: Option<f64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCover {
    name: Option<String>,
    premium_raw: Option<f64>,
    sub_product_tag: Option<String>,
}

/// Covers by policy, by line, by name.
type HandCovers = HashMap<String, HashMap<String, HashMap<String, HandCover>>>;

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandChargeList {
    object: Option<String>,
    data: Vec<Value>,
    has_more: Option<bool>,
    total_count: Option<u32>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCardOptions {
    installments: Option<Value>,
    mandate_options: Option<Value>,
    network: Option<String>,
    request_three_d_secure: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandMethodOptions {
    card: Option<HandCardOptions>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandPaymentIntent {
    id: Option<String>,
    object: Option<String>,
    allowed_source_types: Option<Vec<String>>,
    amount: Option<i64>,
    amount_capturable: Option<i64>,
    amount_details: Option<Value>,
    amount_received: Option<i64>,
    application: Option<String>,
    application_fee_amount: Option<i64>,
    automatic_payment_methods: Option<Value>,
    canceled_at: Option<i64>,
    cancellation_reason: Option<String>,
    capture_method: Option<String>,
    charges: Option<HandChargeList>,
    client_secret: Option<String>,
    confirmation_method: Option<String>,
    created: Option<i64>,
    currency: Option<String>,
    customer: Option<String>,
    description: Option<String>,
    invoice: Option<String>,
    last_payment_error: Option<Value>,
    livemode: Option<bool>,
    metadata: Option<Value>,
    next_action: Option<Value>,
    next_source_action: Option<Value>,
    on_behalf_of: Option<String>,
    payment_method: Option<String>,
    payment_method_options: Option<HandMethodOptions>,
    payment_method_types: Option<Vec<String>>,
    processing: Option<Value>,
    receipt_email: Option<String>,
    review: Option<String>,
    setup_future_usage: Option<String>,
    shipping: Option<Value>,
    source: Option<Value>,
    statement_descriptor: Option<String>,
    statement_descriptor_suffix: Option<String>,
    status: Option<String>,
    transfer_data: Option<Value>,
    transfer_group: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandProducts {
    combined: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandAdjustment {
    declined: Option<bool>,
    ipt_percent: Option<String>,
    is_annual: Option<bool>,
    is_mta_diff_negative: Option<bool>,
    mta_offer_oid: Option<String>,
    core_payable: Option<f64>,
    mta_payable: Option<f64>,
    administration_fee: Option<f64>,
    policy_no: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    excess: Option<String>,
    claims_no: Option<String>,
    charge: Option<HandCharge>,
    close_brothers: Option<HandCloseBrothers>,
    products: Option<HandProducts>,
    covers: Option<HandCovers>,
    payment_intent: Option<HandPaymentIntent>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandInslyResponse {
    status: Option<String>,
    response: Option<HandAdjustment>,
    apirequest_oid: Option<String>,
}

fn fixture(provider: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{provider}/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Per-decode time in ns of each variant, interleaved over `rounds`.
fn decode_case<A, B>(id: &str, what: &str, bytes: &[u8], rounds: usize, per_round: usize)
where
    A: for<'de> Deserialize<'de>,
    B: for<'de> Deserialize<'de>,
{
    let time = |f: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..per_round {
            f();
        }
        started.elapsed().as_nanos() as f64 / per_round as f64
    };
    let generated = || {
        std::hint::black_box(serde_json::from_slice::<A>(bytes).unwrap());
    };
    let by_hand = || {
        std::hint::black_box(serde_json::from_slice::<B>(bytes).unwrap());
    };
    let value = || {
        std::hint::black_box(serde_json::from_slice::<Value>(bytes).unwrap());
    };
    let (mut g, mut h, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        g.push(time(&generated));
        h.push(time(&by_hand));
        v.push(time(&value));
    }
    let (g, h, v) = (median(&mut g), median(&mut h), median(&mut v));
    let n = rounds * per_round;
    report(
        &format!("{id}-vs-hand"),
        &format!("decode {what} ({} bytes)", bytes.len()),
        "within 10% of hand-written (ratio <= 1.10)",
        "generated types",
        g / 1000.0,
        "hand-written serde structs",
        h / 1000.0,
        "us",
        n,
        Some(g / h <= 1.10),
    );
    report(
        &format!("{id}-vs-value"),
        &format!("decode {what} ({} bytes)", bytes.len()),
        "faster than serde_json::Value (ratio < 1)",
        "generated types",
        g / 1000.0,
        "serde_json::Value",
        v / 1000.0,
        "us",
        n,
        Some(g < v),
    );
}

/// Median per-call latency (us) of `calls` sequential calls, and the p50 over `calls`
/// calls run 64 at a time.
async fn sequential<F, Fut>(call: &F, calls: usize) -> f64
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        call().await;
        samples.push(started.elapsed().as_secs_f64() * 1e6);
    }
    median(&mut samples)
}

async fn concurrent<F, Fut>(call: &F, calls: usize, in_flight: usize) -> (Vec<f64>, Duration)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let started = Instant::now();
    let samples: Vec<f64> = futures::stream::iter(0..calls)
        .map(|_| async {
            let begun = Instant::now();
            call().await;
            begun.elapsed().as_secs_f64() * 1e6
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    (samples, started.elapsed())
}

async fn overhead_case<F, FutF, H, FutH>(
    id: &str,
    what: &str,
    facade: F,
    by_hand: H,
    rounds: usize,
    calls: usize,
) where
    F: Fn() -> FutF,
    FutF: Future<Output = ()>,
    H: Fn() -> FutH,
    FutH: Future<Output = ()>,
{
    for _ in 0..calls {
        facade().await;
        by_hand().await;
    }
    let (mut f, mut h) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        f.push(sequential(&facade, calls).await);
        h.push(sequential(&by_hand, calls).await);
    }
    let (f, h) = (median(&mut f), median(&mut h));
    report(
        &format!("{id}-sequential"),
        &format!("{what}, sequential calls, p50 latency"),
        "facade within 5% of hand-written (ratio <= 1.05)",
        "facade",
        f,
        "hand-written reqwest + serde",
        h,
        "us",
        rounds * calls,
        Some(f / h <= 1.05),
    );
    let (mut f, mut h) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        f.extend(concurrent(&facade, calls * 4, 64).await.0);
        h.extend(concurrent(&by_hand, calls * 4, 64).await.0);
    }
    let n = f.len();
    let (f, h) = (median(&mut f), median(&mut h));
    report(
        &format!("{id}-concurrent"),
        &format!("{what}, 64 calls in flight, p50 latency"),
        "facade within 5% of hand-written (ratio <= 1.05)",
        "facade",
        f,
        "hand-written reqwest + serde",
        h,
        "us",
        n,
        Some(f / h <= 1.05),
    );
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let (rounds, calls, decode_per_round) = if smoke { (3, 20, 50) } else { (15, 200, 2000) };

    // Decoding: pure CPU, before anything else runs.
    if only.is_empty() || only == "decode" {
        decode_case::<rentalcover::types::UpdateInsuranceResponse, HandPolicy>(
            "decode-rentalcover",
            "RentalCover update response",
            &fixture("rentalcover", "update_insurance.response.json"),
            rounds,
            decode_per_round,
        );
        decode_case::<partner_bindings::insly::types::UpdatePolicyResponse, HandInslyResponse>(
            "decode-insly",
            "Insly update response",
            &fixture("insly", "update_policy.response.json"),
            rounds,
            decode_per_round,
        );
    }
    if only == "decode" {
        return;
    }
    // The sandbox gets its own thread and runtime, so it does not share the client's.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let sandbox = Sandbox::start().await.unwrap();
            tx.send((sandbox.url(), sandbox)).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let (url, sandbox) = rx.recv().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let base = |p: Service| format!("{url}/{}", p.name());

        // RentalCover quote (QuoteOnly=1 saves nothing, so every call is the same).
        let rc = rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(base(Service::RentalCover)))
            .credential(Service::RentalCover.credential())
            .build()
            .unwrap();
        let request: Value =
            serde_json::from_slice(&fixture("rentalcover", "update_insurance.request.json"))
                .unwrap();
        let typed: rentalcover::types::UpdateInsuranceRequest = serde_json::from_value({
            let mut r = request.clone();
            r["QuoteOnly"] = json!(1);
            r
        })
        .unwrap();
        let quote_url = format!("{}/insurances/update/AB12-345C-INS", base(Service::RentalCover));
        overhead_case(
            "overhead-rentalcover-quote",
            "RentalCover update quote",
            || async {
                let change = typed.clone();
                rc.update_insurance("AB12-345C-INS").request(change).quote(Decimal::new(60, 0)).await.unwrap();
            },
            || async {
                let mut body = request.clone();
                body["QuoteOnly"] = json!(1);
                let bytes = http
                    .post(&quote_url)
                    .header("x_api_key", "sandbox-key")
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&body).unwrap())
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let policy: HandPolicy = serde_json::from_slice(&bytes).unwrap();
                std::hint::black_box(policy.total_amount);
            },
            rounds,
            calls,
        )
        .await;

        // eCurring PATCH.
        let ec = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(base(Service::ECurring)))
            .credential(Service::ECurring.credential())
            .build()
            .unwrap();
        let patch_url = format!("{}/customers/1", base(Service::ECurring));
        let document = json!({"data": {"type": "customer", "id": "1", "attributes": {"street": "Payment lane", "house_number": "1", "middle_name": null}}});
        overhead_case(
            "overhead-ecurring-patch",
            "eCurring customer PATCH",
            || async {
                let change = ecurring::types::CustomerAttributesUpdate::builder()
                    .street(Some("Payment lane".to_string()))
                    .house_number(Some("1".to_string()))
                    .middle_name(ecurring::Patch::Clear);
                ec.update_customer("1").request(change).send().await.unwrap();
            },
            || async {
                let bytes = http
                    .patch(&patch_url)
                    .header("x-authorization", "sandbox-key")
                    .header("content-type", "application/vnd.api+json")
                    .header("accept", "application/vnd.api+json")
                    .body(serde_json::to_vec(&document).unwrap())
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let customer: Value = serde_json::from_slice(&bytes).unwrap();
                std::hint::black_box(customer);
            },
            rounds,
            calls,
        )
        .await;

        // RocketKOR PUT.
        let rk = rocketkor::Client::builder()
            .environment(partner_bindings::rocketkor::Environment::Custom(base(Service::RocketKor)))
            .credential(Service::RocketKor.credential())
            .build()
            .unwrap();
        let put_url = format!("{}/v1/customers/{ROCKETKOR_ID}", base(Service::RocketKor));
        let id: uuid::Uuid = ROCKETKOR_ID.parse().unwrap();
        overhead_case(
            "overhead-rocketkor-put",
            "RocketKOR customer PUT",
            || async {
                let change = rocketkor::types::UpdateIndividualCustomerRequest::builder()
                    .pronoun("She/Her".to_string())
                    .gender(rocketkor::Patch::Clear);
                rk.update_individual_customer(id).request(change).send().await.unwrap();
            },
            || async {
                let bytes = http
                    .put(&put_url)
                    .header("authorization", "Bearer sandbox-token")
                    .header("content-type", "application/json")
                    .body(r#"{"pronoun":"She/Her","gender":null}"#)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let customer: Value = serde_json::from_slice(&bytes).unwrap();
                std::hint::black_box(customer);
            },
            rounds,
            calls,
        )
        .await;

        // Scale: 10,000 calls through one client, 256 in flight.
        let total = if smoke { 500 } else { 10_000 };
        let scale = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(base(Service::ECurring)))
            .credential(Service::ECurring.credential())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let before = sandbox.connections();
        let received_before = sandbox.received("ecurring.updateCustomer");
        let failures = std::sync::atomic::AtomicUsize::new(0);
        let (mut samples, elapsed) = concurrent(
            &|| async {
                let change = ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string()));
                if scale.update_customer("1").request(change).send().await.is_err() {
                    failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            },
            total,
            256,
        )
        .await;
        let connections = sandbox.connections() - before;
        let received = sandbox.received("ecurring.updateCustomer") - received_before;
        let failed = failures.load(std::sync::atomic::Ordering::Relaxed);
        let throughput = total as f64 / elapsed.as_secs_f64();
        let p50 = percentile(&mut samples, 0.50);
        let p99 = percentile(&mut samples, 0.99);
        println!(
            "{}",
            json!({
                "id": "scale", "what": format!("{total} eCurring PATCH calls through one client, 256 in flight"),
                "target": "all succeed; connections reused (<= 256 for all calls)",
                "calls": total, "failed": failed, "received": received, "connections": connections,
                "throughput": throughput, "p50_us": p50, "p99_us": p99,
                "met": failed == 0 && received == total as u64 && connections <= 256,
            })
        );
    });
}
