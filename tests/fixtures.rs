//! Every JSON example from the providers' pages, and the quirks real servers send, decode
//! into the generated types and re-encode with nothing lost (see `common::diff_json` for
//! the two normalisations allowed).

mod common;

use common::{assert_round_trip, fixture, fixtures_matching};
use partner_bindings::{ecurring, insly, rentalcover, rocketkor};
use serde_json::json;
use serde_json::Value;

/// Round-trips every response fixture (documented and quirks) of one operation.
fn responses<T>(provider: &str, operation: &str) -> Vec<(String, T)>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let names = fixtures_matching(provider, |n| {
        n.starts_with(&format!("{operation}."))
            && !n.ends_with(".request.json")
            && n.ends_with(".json")
    });
    assert!(
        names.len() >= 2,
        "{provider}/{operation}: expected the documented response and quirks, found {names:?}"
    );
    names
        .into_iter()
        .map(|n| {
            let decoded =
                assert_round_trip::<T>(&format!("{provider}/{n}"), &fixture(provider, &n));
            (n, decoded)
        })
        .collect()
}

fn by_name<T>(all: Vec<(String, T)>, name: &str) -> T {
    all.into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .1
}

#[test]
fn rentalcover_update_customer_responses() {
    let all =
        responses::<rentalcover::types::UpdateCustomerResponse>("rentalcover", "update_customer");
    assert_eq!(all.len(), 3);
    let documented = &all
        .iter()
        .find(|(n, _)| n.ends_with(".response.json"))
        .unwrap()
        .1;
    let customer = documented.customer.as_ref().unwrap();
    assert_eq!(customer.customer_id.as_ref().unwrap().as_str(), "229233");
    assert_eq!(customer.age.as_ref().unwrap().as_i64(), Some(28));
    let rentalcover::types::Coupons::Object(coupons) = customer.coupons.as_ref().unwrap() else {
        panic!("documented coupons are a map")
    };
    let coupon = &coupons["bonvoyage-PAPpC"];
    assert_eq!(coupon.value.as_ref().unwrap().as_f64(), Some(15.0));
    assert!(coupon.amount_remaining.is_none());

    let empty = by_name(all.clone(), "update_customer.quirks-empty-coupons.json");
    let customer = empty.customer.unwrap();
    assert!(
        matches!(customer.coupons, Some(rentalcover::types::Coupons::Array(ref a)) if a.is_empty())
    );
    assert_eq!(customer.customer_id.unwrap().as_i64(), Some(229233));
    assert_eq!(customer.extra["Title"], "Mr", "new fields are kept");

    let quirky = by_name(all, "update_customer.quirks-coupons.json");
    let rentalcover::types::Coupons::Object(coupons) = quirky.customer.unwrap().coupons.unwrap()
    else {
        panic!("map expected")
    };
    assert_eq!(
        coupons["bonvoyage-PAPpC"].value_type,
        Some(rentalcover::types::CouponValueType::String(
            "FreeDays".into()
        )),
        "an unknown enum value is kept as text"
    );
    assert_eq!(
        coupons["welcome-10"]
            .amount_remaining
            .as_ref()
            .unwrap()
            .as_str(),
        "10"
    );
}

#[test]
fn rentalcover_update_insurance_responses() {
    use rentalcover::types::{KnownPolicyStatus, PolicyStatus, PolicyType, UrlOrFalse};
    let all =
        responses::<rentalcover::types::UpdateInsuranceResponse>("rentalcover", "update_insurance");
    assert_eq!(all.len(), 3);
    let documented = by_name(all.clone(), "update_insurance.response.json");
    assert_eq!(
        documented.status,
        Some(PolicyStatus::KnownPolicyStatus(
            KnownPolicyStatus::PendingConfirm
        ))
    );
    assert_eq!(documented.total_amount.as_str(), "60");
    assert!(!documented.expired.as_ref().unwrap().get());
    let policy = documented.policy.unwrap();
    assert_eq!(policy.pds_url, Some(UrlOrFalse::Boolean(false)));
    assert_eq!(policy.gap_cover_amount.unwrap().as_str(), "3500.00");

    let quirks = by_name(all.clone(), "update_insurance.quirks.json");
    assert_eq!(
        quirks.status,
        Some(PolicyStatus::String("AwaitingPayment".into()))
    );
    assert_eq!(quirks.total_amount.as_str(), "72.50");
    assert_eq!(quirks.covered_days.as_ref().unwrap().as_i64(), Some(5));
    assert!(!quirks.expired.as_ref().unwrap().get(), "\"0\" is false");
    assert_eq!(quirks.extra["LoyaltyPoints"], 120);
    let policy = quirks.policy.unwrap();
    assert_eq!(
        policy.type_,
        Some(PolicyType::String("FullProtection".into()))
    );
    assert_eq!(
        policy.pds_url,
        Some(UrlOrFalse::String(
            "https://www.rentalcover.com/pds/AU/RC001.pdf".into()
        ))
    );

    let nulls = by_name(all, "update_insurance.quirks-nulls.json");
    assert!(nulls.expired.unwrap().get(), "1 is true");
    assert!(nulls.disclaimer.is_none());
    assert_eq!(
        nulls.policy.unwrap().modify_url,
        Some(UrlOrFalse::Boolean(false))
    );
}

fn applied(decoded: insly::types::UpdatePolicyResponse) -> insly::types::AppliedUpdate {
    match decoded {
        insly::types::UpdatePolicyResponse::AppliedUpdate(applied) => applied,
        other => panic!("expected an applied update, got {other:?}"),
    }
}

fn refused(decoded: insly::types::UpdatePolicyResponse) -> insly::types::RefusedUpdate {
    match decoded {
        insly::types::UpdatePolicyResponse::RefusedUpdate(refused) => refused,
        other => panic!("expected a refused update, got {other:?}"),
    }
}

/// PHP's `[]` for every object member of the answer, and `null` for each, decode as
/// absent; a `[]` that is not empty, or a number where an object belongs, does not.
#[test]
fn insly_objects_sent_as_php_empty_arrays_or_null_are_absent() {
    let empties = fixture("insly", "envelope-empties.json");
    let decoded: insly::types::UpdatePolicyResponse =
        serde_json::from_value(empties.clone()).unwrap();
    let response = applied(decoded).response;
    assert!(response.charge.is_none());
    assert!(response.close_brothers.is_none());
    assert!(response.payment_intent.is_none());
    assert_eq!(response.mta_payable.unwrap().as_str(), "107.12");
    // One level down: each nested object member as [] and as null.
    for (path, member) in [
        ("/response/charge", "source"),
        ("/response/payment_intent", "charges"),
        ("/response/payment_intent", "payment_method_options"),
        ("/response/payment_intent/payment_method_options", "card"),
    ] {
        for empty in [json!([]), json!(null)] {
            let mut body = fixture("insly", "update_policy.response.json");
            body.pointer_mut(path).unwrap()[member] = empty.clone();
            let decoded: insly::types::UpdatePolicyResponse = serde_json::from_value(body)
                .unwrap_or_else(|e| panic!("{path}/{member} = {empty}: {e}"));
            let again = serde_json::to_value(&decoded).unwrap();
            assert!(
                again.pointer(path).unwrap().get(member).is_none(),
                "{path}/{member} = {empty} must be absent"
            );
        }
        for wrong in [json!([1]), json!(5), json!(true)] {
            let mut body = fixture("insly", "update_policy.response.json");
            body.pointer_mut(path).unwrap()[member] = wrong.clone();
            assert!(
                serde_json::from_value::<insly::types::UpdatePolicyResponse>(body).is_err(),
                "{path}/{member} = {wrong} is not an object"
            );
        }
    }
    // Left out entirely: absent as well (the member decoder must not make it required).
    let minimal: insly::types::UpdatePolicyResponse =
        serde_json::from_str(r#"{"status": "1", "response": {"declined": true}}"#).unwrap();
    let response = applied(minimal).response;
    assert!(response.declined.unwrap().get() && response.charge.is_none());
    // The envelope's own `response` as a number or a non-empty array is neither the
    // re-priced policy nor a reason: no shape holds it.
    for wrong in [json!(5), json!(["x"])] {
        let err = serde_json::from_value::<insly::types::UpdatePolicyResponse>(
            json!({"status": "1", "response": wrong}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("did not match any variant"),
            "{err}"
        );
    }
    // The envelope's own `response` as [] or null: no re-priced policy, so the refused shape
    // holds it, with whatever status came (the facade then decides on the status).
    for empty in [json!([]), json!(null)] {
        let body = json!({"status": "1", "response": empty});
        let decoded = refused(serde_json::from_value(body).unwrap());
        assert!(decoded.response.is_none());
        assert_eq!(decoded.status.as_i64(), Some(1));
    }
    // And as the page's "string": the reason of a refusal.
    let body = json!({"status": 0, "response": "Policy is locked"});
    let decoded = refused(serde_json::from_value(body).unwrap());
    assert_eq!(decoded.response.as_deref(), Some("Policy is locked"));
    assert_eq!(decoded.status.as_i64(), Some(0));
}

#[test]
fn insly_update_policy_responses() {
    use insly::types::{
        Covers, CoversByLine, CoversByName, KnownPaymentIntentStatus, PaymentIntentStatus,
    };
    let all = responses::<insly::types::UpdatePolicyResponse>("insly", "update_policy");
    assert_eq!(all.len(), 3);
    let documented = by_name(all.clone(), "update_policy.response.json");
    let documented = applied(documented);
    assert_eq!(documented.status.as_ref().unwrap().as_i64(), Some(1));
    let response = documented.response;
    assert_eq!(response.mta_payable.as_ref().unwrap().as_str(), "107.12");
    assert_eq!(response.ipt_percent.as_ref().unwrap().as_str(), "12.0000");
    assert!(!response
        .charge
        .as_ref()
        .unwrap()
        .refund
        .as_ref()
        .unwrap()
        .get());
    let Some(Covers::Object(covers)) = &response.covers else {
        panic!("covers map")
    };
    let CoversByLine::Object(lines) = &covers["10985880"] else {
        panic!("lines map")
    };
    let CoversByName::Object(named) = &lines["combined"] else {
        panic!("names map")
    };
    assert_eq!(
        named["Personal Possessions"]
            .premium_raw
            .as_ref()
            .unwrap()
            .as_str(),
        "106.92"
    );
    let intent = response.payment_intent.unwrap();
    assert_eq!(
        intent.status,
        Some(PaymentIntentStatus::KnownPaymentIntentStatus(
            KnownPaymentIntentStatus::RequiresSource
        ))
    );
    assert_eq!(intent.amount.unwrap().as_i64(), Some(10712));

    let quirks = applied(by_name(all.clone(), "update_policy.quirks.json"));
    assert_eq!(
        quirks.status.as_ref().unwrap().as_i64(),
        Some(1),
        "1 and \"1\" are the same status"
    );
    let response = quirks.response;
    assert_eq!(
        response.mta_payable.as_ref().unwrap().as_f64(),
        Some(-42.17),
        "a refund is negative"
    );
    assert!(response.charge.unwrap().refund.unwrap().get());
    assert!(!response.declined.unwrap().get());
    assert!(matches!(response.covers, Some(Covers::EmptyArray(ref a)) if a.is_empty()));
    let intent = response.payment_intent.unwrap();
    assert_eq!(
        intent.status,
        Some(PaymentIntentStatus::String("requires_review".into()))
    );
    assert!(intent.allowed_source_types.is_none());
    assert_eq!(
        response.extra["underwriter_notes"],
        "refund after excess change"
    );

    let nulls = by_name(all, "update_policy.quirks-nulls.json");
    let response = applied(nulls).response;
    assert!(response.payment_intent.is_none() && response.charge.is_none());
}

#[test]
fn ecurring_update_customer_responses() {
    use ecurring::types::{Gender, OpenGender, OpenLanguage, PaymentMethod};
    let all = responses::<ecurring::types::CustomerDocument>("ecurring", "update_customer");
    assert_eq!(all.len(), 2);
    let documented = by_name(all.clone(), "update_customer.response.json");
    let data = documented.data.unwrap();
    let attributes = data.attributes.unwrap();
    assert_eq!(attributes.gender, Some(OpenGender::Gender(Gender::F)));
    assert_eq!(attributes.street.as_deref(), Some("Payment lane"));
    assert!(attributes.middle_name.is_none());
    assert_eq!(
        attributes.created_at.unwrap().parsed().unwrap().timestamp(),
        1_517_480_469
    );

    let quirks = by_name(all, "update_customer.quirks.json");
    assert_eq!(quirks.extra["meta"]["request_id"], "b8f3");
    let data = quirks.data.unwrap();
    let attributes = data.attributes.unwrap();
    assert_eq!(attributes.gender, Some(OpenGender::String("x".into())));
    assert_eq!(attributes.language, Some(OpenLanguage::String("es".into())));
    assert_eq!(
        attributes.payment_method,
        Some(PaymentMethod::String("ideal".into()))
    );
    assert!(!attributes.archived.unwrap().get());
    assert_eq!(attributes.extra["loyalty_tier"], "gold");
    let relationships = data.relationships;
    assert!(relationships["subscriptions"].data.is_none());
    assert!(relationships.contains_key("mandates"));
}

#[test]
fn rocketkor_update_individual_customer_responses() {
    use rocketkor::types::{
        CustomerStatus, KnownCustomerStatus, MetadataOut, OpenAddressType, OpenPhoneType,
    };
    let all = responses::<rocketkor::types::IndividualCustomer>(
        "rocketkor",
        "update_individual_customer",
    );
    assert_eq!(all.len(), 3);
    let documented = by_name(all.clone(), "update_individual_customer.response.json");
    assert_eq!(
        documented.status,
        Some(CustomerStatus::KnownCustomerStatus(
            KnownCustomerStatus::Active
        ))
    );
    let addresses = documented.addresses.unwrap();
    assert_eq!(addresses.len(), 2);
    assert_eq!(
        addresses[1].name.as_ref().unwrap().first_name.as_deref(),
        Some("Sarah")
    );
    assert!(addresses.iter().all(|a| a.primary.as_ref().unwrap().get()));
    assert_eq!(
        documented
            .primary_phone_number
            .unwrap()
            .extension
            .as_deref(),
        Some("31")
    );

    let quirks = by_name(all.clone(), "update_individual_customer.quirks.json");
    assert_eq!(
        quirks.status,
        Some(CustomerStatus::String("PENDING_KYC".into()))
    );
    assert!(matches!(quirks.metadata, Some(MetadataOut::Array(ref a)) if a.is_empty()));
    let addresses = quirks.addresses.unwrap();
    assert_eq!(
        addresses[0].type_,
        Some(OpenAddressType::String("BILLING".into()))
    );
    assert!(
        addresses[0].primary.as_ref().unwrap().get(),
        "\"true\" is true"
    );
    let phone = quirks.primary_phone_number.unwrap();
    assert_eq!(phone.type_, Some(OpenPhoneType::String("FAX".into())));
    assert!(!phone.verified.unwrap().get());
    assert_eq!(quirks.extra["kycStatus"], "REVIEW");

    let nulls = by_name(all, "update_individual_customer.quirks-nulls.json");
    assert!(nulls.addresses.is_none() && nulls.metadata.is_none());
}

/// The documented request examples decode into the generated request types and re-encode
/// unchanged, so every documented request member has a typed home.
#[test]
fn documented_requests_round_trip() {
    assert_round_trip::<rentalcover::types::UpdateCustomerRequest>(
        "rentalcover/update_customer.request.json",
        &fixture("rentalcover", "update_customer.request.json"),
    );
    // The page's example leaves out QuoteOnly although the page marks it required; a
    // request without it does not decode, and one with it round-trips.
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    assert!(
        serde_json::from_value::<rentalcover::types::UpdateInsuranceRequest>(insurance.clone())
            .is_err()
    );
    insurance["QuoteOnly"] = Value::from(1);
    let decoded = assert_round_trip::<rentalcover::types::UpdateInsuranceRequest>(
        "rentalcover/update_insurance.request.json + QuoteOnly",
        &insurance,
    );
    assert!(
        decoded.extra.is_empty(),
        "every documented member is a typed field: {:?}",
        decoded.extra
    );
    assert_round_trip::<insly::types::UpdatePolicyRequest>(
        "insly/update_policy.request.json",
        &fixture("insly", "update_policy.request.json"),
    );
    assert_round_trip::<ecurring::types::CustomerUpdateDocument>(
        "ecurring/update_customer.request.json",
        &fixture("ecurring", "update_customer.request.json"),
    );
    assert_round_trip::<rocketkor::types::UpdateIndividualCustomerRequest>(
        "rocketkor/update_individual_customer.request.json",
        &fixture("rocketkor", "update_individual_customer.request.json"),
    );
}

/// The examples embedded in the specs (published for other languages) decode too.
#[test]
fn spec_examples_decode() {
    fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
        provider: &str,
        operation_id: &str,
        status: &str,
    ) -> usize {
        let spec = common::spec(provider);
        let (_, _, op) = common::operation(&spec, operation_id);
        let content = if status == "request" {
            &op["requestBody"]["content"]
        } else {
            &op["responses"][status]["content"]
        };
        let media = content.as_object().unwrap().values().next().unwrap();
        let examples = media["examples"].as_object().unwrap();
        for (name, example) in examples {
            assert_round_trip::<T>(
                &format!("{provider} {operation_id} {status} example {name}"),
                &example["value"],
            );
        }
        examples.len()
    }
    let mut n = 0;
    n += check::<rentalcover::types::UpdateCustomerRequest>(
        "rentalcover",
        "updateCustomer",
        "request",
    );
    n +=
        check::<rentalcover::types::UpdateCustomerResponse>("rentalcover", "updateCustomer", "200");
    n += check::<rentalcover::types::UpdateInsuranceRequest>(
        "rentalcover",
        "updateInsurance",
        "request",
    );
    n += check::<rentalcover::types::UpdateInsuranceResponse>(
        "rentalcover",
        "updateInsurance",
        "200",
    );
    n += check::<insly::types::UpdatePolicyRequest>("insly", "updatePolicy", "request");
    n += check::<insly::types::UpdatePolicyResponse>("insly", "updatePolicy", "200");
    n += check::<ecurring::types::CustomerUpdateDocument>("ecurring", "updateCustomer", "request");
    n += check::<ecurring::types::CustomerDocument>("ecurring", "updateCustomer", "200");
    n += check::<rocketkor::types::UpdateIndividualCustomerRequest>(
        "rocketkor",
        "updateIndividualCustomer",
        "request",
    );
    n += check::<rocketkor::types::IndividualCustomer>(
        "rocketkor",
        "updateIndividualCustomer",
        "200",
    );
    assert_eq!(n, 12);
}
