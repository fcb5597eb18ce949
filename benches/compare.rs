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
    gap_cover_amount: Option<QNumber>,
    name: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    code: Option<String>,
    excess: Option<QNumber>,
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
    age: Option<QNumber>,
    country: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandPolicy {
    booking_id: Option<QNumber>,
    reference: Option<String>,
    status: Option<String>,
    from_date: Option<String>,
    to_date: Option<String>,
    total_amount: Option<QNumber>,
    insurance_cover_amount: Option<QNumber>,
    supplier_reference: Option<String>,
    expired: Option<QBool>,
    covered_days: Option<QNumber>,
    discount: Option<QNumber>,
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

// Insly's response as a developer would write it by hand to accept the same PHP-isms the
// generated types accept (numbers and booleans as strings or 0/1, `[]` for an empty object,
// a message string in place of the object), each with a direct serde visitor.
mod quirks {
    use std::{fmt, marker::PhantomData};

    use serde::de::{self, value::MapAccessDeserializer, Deserialize, Deserializer, IgnoredAny};

    /// A number, or the same number sent as a string (kept as sent).
    #[allow(dead_code)]
    pub enum Number {
        Float(f64),
        Int(i64),
        Text(String),
    }

    impl<'de> Deserialize<'de> for Number {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl de::Visitor<'_> for V {
                type Value = Number;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a number or a string")
                }
                fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                    Ok(Number::Int(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                    Ok(i64::try_from(v).map_or(Number::Float(v as f64), Number::Int))
                }
                fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                    Ok(Number::Float(v))
                }
                fn visit_str<E>(self, v: &str) -> Result<Number, E> {
                    Ok(Number::Text(v.to_owned()))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// `true`/`false`, `0`/`1`, or those as strings.
    pub struct Bool(#[allow(dead_code)] pub Option<bool>);

    impl<'de> Deserialize<'de> for Bool {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl de::Visitor<'_> for V {
                type Value = Bool;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a boolean, 0/1 or a string")
                }
                fn visit_bool<E>(self, v: bool) -> Result<Bool, E> {
                    Ok(Bool(Some(v)))
                }
                fn visit_i64<E>(self, v: i64) -> Result<Bool, E> {
                    Ok(Bool(Some(v != 0)))
                }
                fn visit_u64<E>(self, v: u64) -> Result<Bool, E> {
                    Ok(Bool(Some(v != 0)))
                }
                fn visit_str<E>(self, v: &str) -> Result<Bool, E> {
                    Ok(Bool(match v {
                        "1" | "true" => Some(true),
                        "0" | "false" | "" => Some(false),
                        _ => None,
                    }))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// An object, or `[]` (PHP's empty array) for none.
    pub struct OrEmpty<T>(#[allow(dead_code)] pub Option<T>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrEmpty<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
                type Value = OrEmpty<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object or []")
                }
                fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<OrEmpty<T>, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map)).map(|t| OrEmpty(Some(t)))
                }
                fn visit_seq<A: de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<OrEmpty<T>, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(OrEmpty(None))
                }
            }
            d.deserialize_any(V(PhantomData))
        }
    }

    /// The adjustment, or a message string in its place.
    #[allow(dead_code)]
    pub enum OrMessage<T> {
        Value(T),
        Message(String),
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrMessage<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
                type Value = OrMessage<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object or a message")
                }
                fn visit_map<A: de::MapAccess<'de>>(
                    self,
                    map: A,
                ) -> Result<OrMessage<T>, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map)).map(OrMessage::Value)
                }
                fn visit_str<E>(self, v: &str) -> Result<OrMessage<T>, E> {
                    Ok(OrMessage::Message(v.to_owned()))
                }
            }
            d.deserialize_any(V(PhantomData))
        }
    }
}

use quirks::{Bool as QBool, Number as QNumber, OrEmpty, OrMessage};

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCardSource {
    name: Option<String>,
    last4: Option<String>,
    exp_month: Option<QNumber>,
    exp_year: Option<QNumber>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCharge {
    refund: Option<QBool>,
    source: Option<HandCardSource>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCloseBrothers {
    total_amount_payable: Option<QNumber>,
    number_of_instalments_left: Option<QNumber>,
    first_instalment_amount: Option<QNumber>,
    subsequent_instalment_amount: Option<QNumber>,
    credit_charge: Option<QNumber>,
    original_first_instalment_amount: Option<QNumber>,
    original_subsequent_instalment_amount: Option<QNumber>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCover {
    name: Option<String>,
    premium_raw: Option<QNumber>,
    sub_product_tag: Option<String>,
}

/// Covers by policy, by line, by name; any level may be `[]`.
type HandCovers = HashMap<String, OrEmpty<HashMap<String, OrEmpty<HashMap<String, HandCover>>>>>;

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandChargeList {
    object: Option<String>,
    data: Option<Vec<Value>>,
    has_more: Option<QBool>,
    total_count: Option<QNumber>,
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
    amount: Option<QNumber>,
    amount_capturable: Option<QNumber>,
    amount_details: Option<OrEmpty<HashMap<String, Value>>>,
    amount_received: Option<QNumber>,
    application: Option<String>,
    application_fee_amount: Option<QNumber>,
    automatic_payment_methods: Option<Value>,
    canceled_at: Option<QNumber>,
    cancellation_reason: Option<String>,
    capture_method: Option<String>,
    charges: Option<HandChargeList>,
    client_secret: Option<String>,
    confirmation_method: Option<String>,
    created: Option<QNumber>,
    currency: Option<String>,
    customer: Option<String>,
    description: Option<String>,
    invoice: Option<String>,
    last_payment_error: Option<Value>,
    livemode: Option<QBool>,
    metadata: Option<OrEmpty<HashMap<String, Value>>>,
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
    declined: Option<QBool>,
    ipt_percent: Option<QNumber>,
    is_annual: Option<QBool>,
    is_mta_diff_negative: Option<QBool>,
    mta_offer_oid: Option<QNumber>,
    core_payable: Option<QNumber>,
    mta_payable: Option<QNumber>,
    administration_fee: Option<QNumber>,
    policy_no: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    excess: Option<QNumber>,
    claims_no: Option<QNumber>,
    charge: Option<OrEmpty<HandCharge>>,
    close_brothers: Option<OrEmpty<HandCloseBrothers>>,
    products: Option<OrEmpty<HandProducts>>,
    covers: Option<OrEmpty<HandCovers>>,
    payment_intent: Option<OrEmpty<HandPaymentIntent>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandInslyResponse {
    status: Option<QNumber>,
    response: Option<OrMessage<HandAdjustment>>,
    apirequest_oid: Option<QNumber>,
}

// eCurring's JSON:API customer document and RocketKOR's customer, as a developer would
// write them by hand for the documented responses (the baselines of the call rows).

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandLinks {
    #[serde(rename = "self")]
    this: Option<String>,
    related: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCustomerAttributes {
    gender: Option<String>,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    vat_number: Option<String>,
    bank_holder: Option<String>,
    iban: Option<String>,
    payment_method: Option<String>,
    bank_verification_method: Option<String>,
    card_holder: Option<String>,
    card_number: Option<String>,
    postalcode: Option<String>,
    house_number: Option<String>,
    house_number_add: Option<String>,
    street: Option<String>,
    city: Option<String>,
    country_iso2: Option<String>,
    language: Option<String>,
    email: Option<String>,
    telephone: Option<String>,
    archived: Option<bool>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandRelationship {
    links: Option<HandLinks>,
    data: Option<Vec<HandResourceId>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandResourceId {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandRelationships {
    subscriptions: Option<HandRelationship>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCustomerResource {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    links: Option<HandLinks>,
    attributes: HandCustomerAttributes,
    relationships: Option<HandRelationships>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCustomerDocument {
    links: Option<HandLinks>,
    data: HandCustomerResource,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandName {
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandAddress {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<HandName>,
    street_line1: Option<String>,
    street_line2: Option<String>,
    street_line3: Option<String>,
    street_line4: Option<String>,
    street_line5: Option<String>,
    city_name: Option<String>,
    state_code: Option<String>,
    country_code: Option<String>,
    zip_code: Option<String>,
    primary: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandActor {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandPhone {
    number: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    provider: Option<String>,
    extension: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandEmail {
    value: Option<String>,
    verified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandPlace {
    city: Option<String>,
    country_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandRocketKorCustomer {
    id: String,
    status: Option<String>,
    addresses: Option<Vec<HandAddress>>,
    metadata: Option<HashMap<String, String>>,
    created_by: Option<HandActor>,
    created_at: Option<String>,
    updated_by: Option<HandActor>,
    updated_at: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    sex: Option<String>,
    gender: Option<String>,
    security_question: Option<String>,
    security_answer: Option<String>,
    pronoun: Option<String>,
    primary_phone_number: Option<HandPhone>,
    primary_email: Option<HandEmail>,
    date_of_birth: Option<String>,
    place_of_birth: Option<HandPlace>,
    social_id: Option<String>,
    social_id_country_code: Option<String>,
    citizenship_country_code: Option<String>,
}

/// The sandbox CLI (`partner-bindings sandbox`) in a process of its own, on a free port.
struct ExternalSandbox {
    child: std::process::Child,
    url: String,
}

impl ExternalSandbox {
    fn start(bin: String) -> ExternalSandbox {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&bin)
            .args(["sandbox", "--port", &port.to_string(), "--quiet"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{bin}: {e}"));
        let sandbox = ExternalSandbox {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return sandbox;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the sandbox at {} did not start", sandbox.url);
    }

    /// Requests the sandbox has received for `operation` (its `/_sandbox/counts`).
    fn received(&self, operation: &str) -> u64 {
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect(self.url.trim_start_matches("http://")).unwrap();
        stream
            .write_all(b"GET /_sandbox/counts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let counts: Value = serde_json::from_str(body).unwrap_or_default();
        counts[operation].as_u64().unwrap_or(0)
    }
}

impl Drop for ExternalSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// This process's resident memory in kB (`VmRSS`), 0 where /proc is not there.
fn rss_kb() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
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
        "facade within 10% of hand-written (ratio <= 1.10)",
        "facade",
        f,
        "hand-written reqwest + serde",
        h,
        "us",
        n,
        Some(f / h <= 1.10),
    );
}

/// 100,000 eCurring PATCH calls through one client, 1,024 in flight, against the sandbox
/// CLI in its own process (BENCH_SANDBOX_BIN), so this process's resident memory is the
/// client's alone: the facade (`BENCH_ONLY=scale-facade`) or by hand (`scale-by-hand`: reqwest + serde into typed structs,
/// the same schedule), each run in a process of its own by scripts/bench.sh: the by-hand
/// growth is what reqwest, hyper and the allocator grow by anyway. Memory is read after a
/// warm-up that opens the connections, at every tenth of the run, and at the end.
fn scale(by_hand: bool, smoke: bool) {
    let client = if by_hand { "by-hand" } else { "facade" };
    let bin = std::env::var("BENCH_SANDBOX_BIN").expect("BENCH_SANDBOX_BIN names the CLI");
    let external = ExternalSandbox::start(bin);
    // BENCH_SCALE_CALLS: a longer run, to see where the growth levels off.
    let total: usize = match std::env::var("BENCH_SCALE_CALLS") {
        Ok(n) => n
            .parse()
            .ok()
            .filter(|n| n % 10 == 0 && *n >= 10)
            .unwrap_or_else(|| panic!("BENCH_SCALE_CALLS={n}: a multiple of 10, at least 10")),
        Err(_) if smoke => 500,
        Err(_) => 100_000,
    };
    let in_flight = if smoke { 64 } else { 1024 };
    let warm_up = in_flight * 4;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let base = format!("{}/ecurring", external.url);
        let facade = ecurring::Client::builder()
            .environment(partner_bindings::ecurring::Environment::Custom(base.clone()))
            .credential(Service::ECurring.credential())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let patch_url = format!("{base}/customers/1");
        let failures = std::sync::atomic::AtomicUsize::new(0);
        let call = || async {
            let ok = if by_hand {
                match http
                    .patch(&patch_url)
                    .header("x-authorization", "sandbox-key")
                    .header("content-type", "application/vnd.api+json")
                    .header("accept", "application/vnd.api+json")
                    .body(r#"{"data":{"type":"customer","id":"1","attributes":{"city":"Utrecht"}}}"#)
                    .send()
                    .await
                {
                    Ok(answer) if answer.status().is_success() => match answer.bytes().await {
                        Ok(bytes) => serde_json::from_slice::<HandCustomerDocument>(&bytes)
                            .map(std::hint::black_box)
                            .is_ok(),
                        Err(_) => false,
                    },
                    _ => false,
                }
            } else {
                let change = ecurring::types::CustomerAttributesUpdate::builder()
                    .city(Some("Utrecht".to_string()));
                facade.update_customer("1").request(change).send().await.is_ok()
            };
            if !ok {
                failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        };
        // The latencies' buffer is the benchmark's, not the client's: allocated and touched
        // before memory is first read, so it does not count as growth.
        // Not zeros: a zeroed buffer comes from calloc, whose pages stay untouched until used.
        let mut samples = vec![1.0_f64; total];
        std::hint::black_box(&mut samples);
        samples.clear();
        let mut checkpoints_mb = Vec::with_capacity(10);
        let rss_start = rss_kb();
        concurrent(&call, warm_up, in_flight).await;
        let rss_warm = rss_kb();
        let received_before = external.received("ecurring.updateCustomer");
        let mut elapsed = Duration::ZERO;
        for _ in 0..10 {
            let (part, took) = concurrent(&call, total / 10, in_flight).await;
            samples.extend_from_slice(&part);
            elapsed += took;
            checkpoints_mb.push((rss_kb() - rss_warm) as f64 / 1024.0);
        }
        let rss_growth_mb = (rss_kb() - rss_warm) as f64 / 1024.0;
        let received = external.received("ecurring.updateCustomer") - received_before;
        let failed = failures.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "{}",
            json!({
                "id": format!("scale-{client}"),
                "what": format!("{total} eCurring PATCH calls through one client, {in_flight} in flight, sandbox in its own process"),
                "target": format!("0 failed; resident memory grows <= 5 MB over the run (after a warm-up of {warm_up} calls)"),
                "calls": samples.len(), "failed": failed, "received": received,
                "throughput": samples.len() as f64 / elapsed.as_secs_f64(),
                "p50_us": percentile(&mut samples, 0.50), "p99_us": percentile(&mut samples, 0.99),
                "rss_growth_mb": rss_growth_mb, "warm_up_mb": (rss_warm - rss_start) as f64 / 1024.0,
                "checkpoints_mb": checkpoints_mb,
            })
        );
    });
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let (rounds, calls, decode_per_round) = if smoke { (3, 20, 50) } else { (15, 200, 2000) };
    match only.as_str() {
        "scale-facade" => return scale(false, smoke),
        "scale-by-hand" => return scale(true, smoke),
        _ => {}
    }

    // Decoding: pure CPU, before anything else runs.
    if only.is_empty() || only == "decode" {
        for quirk in [
            "update_insurance.quirks.json",
            "update_insurance.quirks-nulls.json",
        ] {
            let bytes = fixture("rentalcover", quirk);
            serde_json::from_slice::<rentalcover::types::UpdateInsuranceResponse>(&bytes).unwrap();
            if let Err(e) = serde_json::from_slice::<HandPolicy>(&bytes) {
                panic!("the hand-written RentalCover baseline refuses {quirk}: {e}");
            }
        }
        decode_case::<rentalcover::types::UpdateInsuranceResponse, HandPolicy>(
            "decode-rentalcover",
            "RentalCover update response",
            &fixture("rentalcover", "update_insurance.response.json"),
            rounds,
            decode_per_round,
        );
        // Like with like: the hand-written Insly structs accept every quirk fixture the
        // generated types accept (checked here, so the baseline cannot quietly get easier).
        for quirk in [
            "update_policy.quirks.json",
            "update_policy.quirks-nulls.json",
            "envelope-empties.json",
        ] {
            let bytes = fixture("insly", quirk);
            serde_json::from_slice::<partner_bindings::insly::types::UpdatePolicyResponse>(&bytes)
                .unwrap();
            if let Err(e) = serde_json::from_slice::<HandInslyResponse>(&bytes) {
                panic!("the hand-written Insly baseline refuses {quirk}: {e}");
            }
        }
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
    let (url, _sandbox) = rx.recv().unwrap();
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
                let customer: HandCustomerDocument = serde_json::from_slice(&bytes).unwrap();
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
                let customer: HandRocketKorCustomer = serde_json::from_slice(&bytes).unwrap();
                std::hint::black_box(customer);
            },
            rounds,
            calls,
        )
        .await;
    });
}
