//! A fixed decoding workload for `scripts/profile-decode.sh` (callgrind counts its
//! instructions): one provider's documented response decoded into its generated type, or,
//! as the floor, only parsed (`serde::de::IgnoredAny`), `ROUNDS` times.
//!
//! `cargo run --release --example profile_decode -- insly|rentalcover|ecurring|rocketkor [parse]`

use partner_bindings::{ecurring, insly, rentalcover, rocketkor};
use serde::de::{DeserializeOwned, IgnoredAny};

const ROUNDS: usize = 2000;

fn run<T: DeserializeOwned>(bytes: &[u8]) {
    for _ in 0..ROUNDS {
        std::hint::black_box(serde_json::from_slice::<T>(bytes).expect("the fixture decodes"));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let provider = args.next().unwrap_or_else(|| "insly".into());
    let parse_only = args.next().as_deref() == Some("parse");
    let fixture = match provider.as_str() {
        "rentalcover" => "rentalcover/update_insurance.response.json",
        "insly" => "insly/update_policy.response.json",
        "ecurring" => "ecurring/update_customer.response.json",
        "rocketkor" => "rocketkor/update_individual_customer.response.json",
        other => panic!("no provider {other}"),
    };
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match (parse_only, provider.as_str()) {
        (true, _) => run::<IgnoredAny>(&bytes),
        (false, "rentalcover") => run::<rentalcover::types::UpdateInsuranceResponse>(&bytes),
        (false, "insly") => run::<insly::types::UpdatePolicyResponse>(&bytes),
        (false, "ecurring") => run::<ecurring::types::CustomerDocument>(&bytes),
        (false, _) => run::<rocketkor::types::IndividualCustomer>(&bytes),
    }
}
