//! One RentalCover quote written by hand with reqwest, serde and tokio (the baseline of the
//! build row): the same request and the members the facade's quote reads.

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Update<'a> {
    quote_only: u8,
    from_date: &'a str,
    to_date: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    email: &'a str,
    country: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Policy {
    total_amount: serde_json::Value,
    currency: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("RENTALCOVER_URL")?;
    let policy: Policy = reqwest::Client::new()
        .post(format!("{url}/insurances/update/AB12-345C-INS"))
        .header("X_API_KEY", "sandbox-key")
        .json(&Update {
            quote_only: 1,
            from_date: "2026-12-01 10:00:00",
            to_date: "2026-12-05 10:00:00",
            first_name: "Jack",
            last_name: "Smith",
            email: "jacksmith@myemail.com.au",
            country: "AU",
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{} {}", policy.total_amount, policy.currency);
    Ok(())
}
