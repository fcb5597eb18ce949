//! `partner-bindings demo`: the whole job on a fresh machine. Starts the sandbox on a free
//! loopback port and runs each provider's update flow through the library, as a backend
//! would, then prints what happened (text, or JSON with `--json`).

use std::process::ExitCode;

use partner_bindings::{
    ecurring, insly, rentalcover, rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, Error,
};
use serde_json::{json, Value};

/// One step of the demo, as reported.
struct Step {
    provider: &'static str,
    title: &'static str,
    outcome: Result<Vec<String>, String>,
}

type Outcome = Result<Vec<String>, String>;

fn failed(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub async fn run(json_output: bool) -> ExitCode {
    let sandbox = match Sandbox::start().await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            return ExitCode::from(crate::exit::NETWORK);
        }
    };
    let steps = [
        Step {
            provider: "RentalCover",
            title: "move a booking's customer to a new email address",
            outcome: rentalcover_customer(&sandbox).await,
        },
        Step {
            provider: "RentalCover",
            title: "quote a policy change, then confirm it",
            outcome: rentalcover_policy(&sandbox).await,
        },
        Step {
            provider: "Insly",
            title: "mid-term adjustment of a home policy: a charge, then a refund",
            outcome: insly_adjustment(&sandbox).await,
        },
        Step {
            provider: "eCurring",
            title: "change a customer's address (PATCH), other attributes untouched",
            outcome: ecurring_address(&sandbox).await,
        },
        Step {
            provider: "RocketKOR",
            title: "update a card holder's profile with a shipping address",
            outcome: rocketkor_profile(&sandbox).await,
        },
        Step {
            provider: "RocketKOR",
            title: "an invalid change is refused before anything is sent",
            outcome: rocketkor_invalid(&sandbox).await,
        },
    ];
    let all_ok = steps.iter().all(|s| s.outcome.is_ok());
    if json_output {
        let report = json!({
            "sandbox": sandbox.url(),
            "ok": all_ok,
            "steps": steps.iter().map(|s| json!({
                "provider": s.provider,
                "step": s.title,
                "ok": s.outcome.is_ok(),
                "details": match &s.outcome { Ok(lines) => lines.clone(), Err(e) => vec![e.clone()] },
            })).collect::<Vec<Value>>(),
            "requests_received": sandbox.counts(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        println!(
            "partner-bindings demo: every provider's update flow against the embedded sandbox"
        );
        println!(
            "(sandbox at {}; nothing leaves this machine)\n",
            sandbox.url()
        );
        for (i, step) in steps.iter().enumerate() {
            let mark = if step.outcome.is_ok() { "ok  " } else { "FAIL" };
            println!("{}. [{mark}] {}: {}", i + 1, step.provider, step.title);
            match &step.outcome {
                Ok(lines) => lines.iter().for_each(|l| println!("       {l}")),
                Err(e) => println!("       error: {e}"),
            }
            println!();
        }
        println!("requests the sandbox received:");
        for (operation, count) in sandbox.counts() {
            println!("  {operation:<36} {count}");
        }
        println!(
            "\n{}",
            if all_ok {
                "all steps worked."
            } else {
                "some steps FAILED (see above)."
            }
        );
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn rentalcover_client(sandbox: &Sandbox) -> Result<rentalcover::Client, String> {
    rentalcover::Client::builder()
        .environment(rentalcover::Environment::Custom(
            sandbox.base_url(Service::RentalCover),
        ))
        .credential(Service::RentalCover.credential())
        .build()
        .map_err(failed)
}

async fn rentalcover_customer(sandbox: &Sandbox) -> Outcome {
    let client = rentalcover_client(sandbox)?;
    let response = client
        .update_customer()
        .agent_reference("LIUI-HQS7-INS")
        .email("john.doe@example.com")
        .new_email("john.doe@example.net")
        .phone("+61410123456")
        .send()
        .await
        .map_err(failed)?;
    let customer = response
        .customer
        .as_ref()
        .ok_or("no customer in the response")?;
    let email = customer.email.clone().unwrap_or_default();
    if email != "john.doe@example.net" {
        return Err(format!(
            "the customer's email is {email:?}, not the new one"
        ));
    }
    Ok(vec![
        "booking LIUI-HQS7-INS: john.doe@example.com -> john.doe@example.net".into(),
        format!(
            "customer {} {} now reached at {email}, phone {}",
            customer.first_name.as_deref().unwrap_or(""),
            customer.last_name.as_deref().unwrap_or(""),
            customer.phone.as_deref().unwrap_or("")
        ),
    ])
}

async fn rentalcover_policy(sandbox: &Sandbox) -> Outcome {
    let client = rentalcover_client(sandbox)?;
    // Five days instead of four, with AUD 2,900 of cover: the sandbox prices AUD 14.50 a day.
    let previous = Decimal::new(6000, 2);
    let quote = client
        .update_insurance("AB12-345C-INS")
        .from_date("2026-12-01 10:00:00")
        .to_date("2026-12-05 10:00:00")
        .first_name("Jack")
        .last_name("Smith")
        .email("jacksmith@myemail.com.au")
        .country("AU")
        .vehicle_std_liability_low(2900.0)
        .quote(previous)
        .await
        .map_err(failed)?;
    let mut lines = vec![
        format!("policy AB12-345C-INS costs AUD {previous:.2}; the change: 5 days, AUD 2,900 cover"),
        format!("quote (QuoteOnly=1, nothing saved): \"For this update there will be {}. Would you like to proceed?\"", quote.adjustment()),
    ];
    // The quote survives between two requests of an app: stored as JSON, confirmed
    // later by a fresh client, with a ceiling on the charge.
    let stored = serde_json::to_string(&quote).map_err(failed)?;
    let quote: rentalcover::Quote = serde_json::from_str(&stored).map_err(failed)?;
    let ceiling = rentalcover::Money::new(Decimal::new(2000, 2), "AUD");
    lines.push(format!(
        "quote stored ({} bytes of JSON, no credential) and confirmed by a fresh client, at most {ceiling}",
        stored.len()
    ));
    let applied = rentalcover_client(sandbox)?
        .confirm(quote)
        .max_charge(ceiling)
        .send()
        .await
        .map_err(failed)?;
    lines.push(format!(
        "confirmed (QuoteOnly=0, sent once): {} applied ({}); the policy now costs {} for {} days",
        applied.adjustment(),
        if applied.differs_from_quote() {
            "not the quoted price"
        } else {
            "as quoted"
        },
        applied.new_total(),
        applied
            .policy()
            .covered_days
            .as_ref()
            .map(|d| d.as_str().into_owned())
            .unwrap_or_default()
    ));
    Ok(lines)
}

async fn insly_adjustment(sandbox: &Sandbox) -> Outcome {
    let client = insly::Client::builder()
        .environment(insly::Environment::Custom(sandbox.base_url(Service::Insly)))
        .credential(Service::Insly.credential())
        .build()
        .map_err(failed)?;
    let products = |list: &[&str]| -> Result<insly::types::Products, String> {
        serde_json::from_value(json!({ "combined": list })).map_err(failed)
    };
    // Two adjustments: each a request of its own (an Insly update is not Clone, so one
    // built request cannot be sent twice).
    let adjust = |list: &[&str]| -> Result<_, String> {
        Ok(client
            .update_policy()
            .policy_oid(10_985_815)
            .customer_oid(10_985_801)
            .mta_type(2)
            .home_policy_excess(300.0)
            .products(products(list)?))
    };
    let add = adjust(&["core", "personal_possessions"])?
        .send()
        .await
        .map_err(failed)?;
    let remove = adjust(&["core"])?.send().await.map_err(failed)?;
    let (added, removed) = (add.payable(), remove.payable());
    match (added, removed) {
        (Some(a), Some(r)) if a > Decimal::ZERO && r < Decimal::ZERO => Ok(vec![
            format!("policy 10985815: excess 300, add personal possessions -> payable now {a:.2}"),
            format!(
                "then remove personal possessions -> refund of {:.2} (mta_payable {r:.2})",
                -r
            ),
        ]),
        other => Err(format!("expected a charge then a refund, got {other:?}")),
    }
}

async fn ecurring_address(sandbox: &Sandbox) -> Outcome {
    let client = ecurring::Client::builder()
        .environment(ecurring::Environment::Custom(
            sandbox.base_url(Service::ECurring),
        ))
        .credential(Service::ECurring.credential())
        .build()
        .map_err(failed)?;
    let response = client
        .update_customer("1")
        .street("Keizersgracht")
        .house_number("123")
        .clear_house_number_add()
        .postalcode("1015CJ")
        .city("Amsterdam")
        .send()
        .await
        .map_err(failed)?;
    let a = response
        .data
        .as_ref()
        .and_then(|d| d.attributes.as_ref())
        .ok_or("no attributes in the response")?;
    let kept = a.first_name.as_deref() == Some("Customer")
        && a.email.as_deref() == Some("customer.test@ecurring.com");
    if !kept || a.street.as_deref() != Some("Keizersgracht") {
        return Err("the PATCH changed attributes it did not send".into());
    }
    Ok(vec![
        format!(
            "customer 1 now lives at {} {}, {} {} (house_number_add cleared with null)",
            a.street.as_deref().unwrap_or(""),
            a.house_number.as_deref().unwrap_or(""),
            a.postalcode.as_deref().unwrap_or(""),
            a.city.as_deref().unwrap_or("")
        ),
        format!(
            "untouched: name {} {}, email {}",
            a.first_name.as_deref().unwrap_or(""),
            a.last_name.as_deref().unwrap_or(""),
            a.email.as_deref().unwrap_or("")
        ),
    ])
}

fn rocketkor_client(sandbox: &Sandbox) -> Result<rocketkor::Client, String> {
    rocketkor::Client::builder()
        .environment(rocketkor::Environment::Custom(
            sandbox.base_url(Service::RocketKor),
        ))
        .credential(Service::RocketKor.credential())
        .build()
        .map_err(failed)
}

const CARD_HOLDER: &str = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";

async fn rocketkor_profile(sandbox: &Sandbox) -> Outcome {
    let client = rocketkor_client(sandbox)?;
    let shipping: rocketkor::types::AddressInput = serde_json::from_value(json!({
        "type": "SHIPPING",
        "name": {"firstName": "Sarah", "lastName": "Green"},
        "streetLine1": "1 Harbour Road", "cityName": "Boston", "stateCode": "MA",
        "countryCode": "USA", "zipCode": "02110", "primary": true
    }))
    .map_err(failed)?;
    let number = rocketkor::types::PhoneNumberInputNumber::normalized("+1 (617) 555-0100")
        .map_err(failed)?;
    let customer = client
        .update_individual_customer(CARD_HOLDER)
        .addresses([shipping])
        .primary_phone_number(rocketkor::types::PhoneNumberInput::builder().number(Some(number)))
        .clear_middle_name()
        .send()
        .await
        .map_err(failed)?;
    let primary_shipping = customer
        .addresses
        .iter()
        .flatten()
        .find(|a| {
            a.primary.as_ref().is_some_and(|p| p.get())
                && serde_json::to_value(&a.type_).ok() == Some(json!("SHIPPING"))
        })
        .and_then(|a| a.street_line1.clone())
        .unwrap_or_default();
    if primary_shipping != "1 Harbour Road" {
        return Err(format!("primary shipping address is {primary_shipping:?}"));
    }
    Ok(vec![
        "new primary SHIPPING address 1 Harbour Road, Boston MA 02110 (the old one is no longer primary)".into(),
        format!(
            "phone typed as \"+1 (617) 555-0100\" sent as {}; middle name cleared",
            customer
                .primary_phone_number
                .as_ref()
                .and_then(|p| p.number.clone())
                .unwrap_or_default()
        ),
        format!("socialId in the response stays redacted in logs: {:?}", customer.social_id),
    ])
}

async fn rocketkor_invalid(sandbox: &Sandbox) -> Outcome {
    let client = rocketkor_client(sandbox)?;
    let before = sandbox.received("rocketkor.updateIndividualCustomer");
    let unnamed: rocketkor::types::AddressInput = serde_json::from_value(json!({
        "type": "SHIPPING", "streetLine1": "9 Elm St", "zipCode": "10001",
        "countryCode": "USA", "stateCode": "NY"
    }))
    .map_err(failed)?;
    let result = client
        .update_individual_customer(CARD_HOLDER)
        .addresses([unnamed])
        .send()
        .await;
    let sent = sandbox.received("rocketkor.updateIndividualCustomer") - before;
    match result {
        Err(Error::Validation(violations)) if sent == 0 => Ok(vec![
            "a SHIPPING address without a contact name:".into(),
            format!(
                "refused: {}",
                violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            "requests the sandbox received for it: 0".into(),
        ]),
        Err(e) => Err(format!("unexpected error {e} ({sent} requests sent)")),
        Ok(_) => Err("the invalid change was accepted".into()),
    }
}
