//! A mid-term adjustment of an Insly home policy.
//!
//! `cargo run --example insly --no-default-features --features insly,tls-ring`, with
//! `INSLY_API_TOKEN` set and `INSLY_TENANT` (your subdomain) or `INSLY_URL` (e.g. the
//! sandbox's `http://127.0.0.1:8080/insly`, token `sandbox-token`).

use partner_bindings::{insly, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let environment = match (std::env::var("INSLY_URL"), std::env::var("INSLY_TENANT")) {
        (Ok(url), _) => insly::Environment::Custom(url),
        (_, Ok(tenant)) => insly::Environment::Tenant(tenant),
        _ => return Err("set INSLY_TENANT or INSLY_URL".into()),
    };
    let client = insly::Client::builder().environment(environment).build()?;
    let result = client
        .update_policy()
        .policy_oid(10_985_815)
        .customer_oid(10_985_801)
        .mta_type(2)
        .home_policy_excess(300.0)
        .send()
        .await;
    match result {
        Ok(accepted) => println!("payable now: {:?}", accepted.payable()),
        Err(Error::Declined { message, .. }) => println!("declined: {message}"),
        Err(e) if e.may_have_been_applied() => println!("may have been applied, check: {e}"),
        Err(e) => println!("not applied: {e}"),
    }
    Ok(())
}
