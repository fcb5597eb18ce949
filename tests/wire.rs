//! Each operation called through its generated client against a local server that
//! captures the request: method, path, query, media types, auth header and exact body.

mod common;

use common::{fixture, fixture_text, serve_once, Captured};
use partner_bindings::{ecurring, insly, rentalcover, rocketkor};
use serde_json::{json, Value};

/// Headers every provider request must have, and the ones none may carry.
fn assert_common(req: &Captured, media_type: &str) {
    assert_eq!(req.query(), None, "no query string is documented");
    assert_eq!(req.header("content-type"), Some(media_type));
    assert_eq!(req.header("accept"), Some(media_type));
    assert!(
        req.header("api-version").is_none(),
        "progenitor's api-version header is stripped"
    );
    let agent = req.header("user-agent").unwrap();
    assert!(agent.starts_with("partner-bindings/"), "{agent}");
}

#[tokio::test]
async fn rentalcover_update_customer_wire() {
    let body = fixture("rentalcover", "update_customer.request.json");
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("rentalcover", "update_customer.response.json"),
    )
    .await;
    let client = client!(
        rentalcover,
        &base,
        "rc-test-key-0001",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let response = client
        .update_customer()
        .body(
            serde_json::from_value::<rentalcover::types::UpdateCustomerRequest>(body.clone())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let req = server.await.unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path(), "/insurances/updateCustomer");
    assert_common(&req, "application/json");
    assert_eq!(req.header("X_API_KEY"), Some("rc-test-key-0001"));
    assert!(req.header("authorization").is_none());
    assert_eq!(
        req.json(),
        body,
        "every documented member goes out as written"
    );
    let customer = response.into_inner().customer.unwrap();
    assert_eq!(customer.email.as_deref(), Some("john.doe@example.net"));
}

#[tokio::test]
async fn rentalcover_update_insurance_wire() {
    use rentalcover::types::UpdateInsuranceRequest;
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("rentalcover", "update_insurance.response.json"),
    )
    .await;
    let client = client!(
        rentalcover,
        &base,
        "rc-test-key-0001",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let mut request: UpdateInsuranceRequest = serde_json::from_value(json!({
        "QuoteOnly": 1,
        "FromDate": "2015-04-22 00:00:00",
        "ToDate": "2015-04-23 00:00:00",
        "FirstName": "Jack",
        "LastName": null,
        "Email": "jacksmith@myemail.com.au",
        "Country": "AU",
        "VehicleTypes": "car,motorhome,bus",
        "ContactCustomer": 0,
        "VehicleOffroad4x4": true,
    }))
    .unwrap();
    request.vehicle_pickup_time = Some(
        "2015-04-22T09:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .into(),
    );
    request.vehicle_std_liability_low = Some(1000.0);
    // The partner-defined field the page leaves unnamed travels as an extra top-level member.
    request.extra.insert(
        "PartnerData".into(),
        json!({"securitytoken": "39456fdhUIHIUH", "esim": {"esim_eligible": true}}),
    );
    let response = client
        .update_insurance()
        .reference("AB12-345C-INS")
        .body(request)
        .send()
        .await
        .unwrap();
    let req = server.await.unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path(), "/insurances/update/AB12-345C-INS");
    assert_common(&req, "application/json");
    assert_eq!(req.header("x_api_key"), Some("rc-test-key-0001"));
    // Byte for byte: members in the generated (alphabetical) order, `null` kept for the
    // required LastName, Atom time with a numeric offset, unset optional members absent.
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        concat!(
            r#"{"ContactCustomer":0,"Country":"AU","Email":"jacksmith@myemail.com.au","#,
            r#""FirstName":"Jack","FromDate":"2015-04-22 00:00:00","LastName":null,"QuoteOnly":1,"#,
            r#""ToDate":"2015-04-23 00:00:00","VehicleOffroad4x4":true,"#,
            r#""VehiclePickupTime":"2015-04-22T09:30:00+00:00","VehicleStdLiabilityLow":1000.0,"#,
            r#""VehicleTypes":"car,motorhome,bus","#,
            r#""PartnerData":{"esim":{"esim_eligible":true},"securitytoken":"39456fdhUIHIUH"}}"#
        )
    );
    assert_eq!(
        response.into_inner().reference.as_deref(),
        Some("AB12-345C-INS")
    );
}

#[tokio::test]
async fn rentalcover_constrained_fields_reject_bad_values_before_sending() {
    use rentalcover::types::UpdateInsuranceRequestQuoteOnly as QuoteOnly;
    use rentalcover::types::UpdateInsuranceRequestVehicleTypes as VehicleTypes;
    assert!(QuoteOnly::try_from(2).is_err());
    assert!(QuoteOnly::try_from(0).is_ok());
    assert!("car,motorhome".parse::<VehicleTypes>().is_ok());
    assert!(
        "car, motorhome".parse::<VehicleTypes>().is_err(),
        "no spaces"
    );
    assert!(
        "car,spaceship".parse::<VehicleTypes>().is_err(),
        "unknown code"
    );
    assert!("2015-04-22"
        .parse::<rentalcover::types::DateTimeText>()
        .is_err());
    assert!("AUS".parse::<rentalcover::types::CountryCode>().is_err());
    // A bad path parameter fails in the client: nothing reaches the network (the address
    // below is a closed port, so a send would fail differently).
    let client = client!(
        rentalcover,
        "http://127.0.0.1:9",
        "k",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let err = client
        .update_insurance()
        .reference("AB12/../x")
        .body_map(|b| b)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, progenitor_client::Error::InvalidRequest(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn rentalcover_error_shapes_decode() {
    for body in [
        json!({"errors": {"FromDate": ["The from date must be a date after today."]}}),
        json!({"errors": ["Policy could not be found."]}),
    ] {
        let (base, server) = serve_once(400, "application/json", body.to_string()).await;
        let client = client!(
            rentalcover,
            &base,
            "k",
            partner_bindings::RetryPolicy::none()
        )
        .raw()
        .clone();
        let err = client
            .update_customer()
            .body_map(|b| {
                b.agent_reference("LIUI-HQS7-INS")
                    .email("john.doe@example.com")
            })
            .send()
            .await
            .unwrap_err();
        server.await.unwrap();
        let progenitor_client::Error::ErrorResponse(response) = err else {
            panic!("expected the provider's error body, got {err:?}")
        };
        assert_eq!(response.status(), 400);
        assert_eq!(serde_json::to_value(response.into_inner()).unwrap(), body);
    }
}

#[tokio::test]
async fn insly_update_policy_wire() {
    let body = fixture("insly", "update_policy.request.json");
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("insly", "update_policy.response.json"),
    )
    .await;
    let client = client!(
        insly,
        &base,
        "insly-token-42",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let response = client
        .update_policy()
        .body(serde_json::from_value::<insly::types::UpdatePolicyRequest>(body.clone()).unwrap())
        .send()
        .await
        .unwrap();
    let req = server.await.unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path(), "/api/policy/update");
    assert_common(&req, "application/json");
    assert_eq!(req.header("authorization"), Some("Bearer insly-token-42"));
    let sent = req.json();
    let diffs = common::diff_json(&body, &sent);
    assert!(diffs.is_empty(), "{diffs:?}");
    assert_eq!(sent["policy_oid"], 10985815);
    assert_eq!(sent["birthdate"], "10/12/1988");
    assert_eq!(sent["effective_date"], "");
    assert_eq!(
        sent["products"],
        json!({"combined": ["personal_possessions", "core"]})
    );
    let insly::types::UpdatePolicyResponse::AppliedUpdate(applied) = response.into_inner() else {
        panic!("the documented answer is an applied update");
    };
    assert_eq!(applied.response.policy_no.as_deref(), Some("OCC073009A"));
    assert!(
        "1988-12-10".parse::<insly::types::UkDate>().is_err(),
        "dates are DD/MM/YYYY"
    );
}

#[tokio::test]
async fn ecurring_update_customer_wire() {
    let body = fixture("ecurring", "update_customer.request.json");
    let (base, server) = serve_once(
        200,
        "application/vnd.api+json",
        fixture_text("ecurring", "update_customer.response.json"),
    )
    .await;
    let client = client!(
        ecurring,
        &base,
        "ec-key-7",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let response = client
        .update_customer()
        .id("1")
        .body(serde_json::from_value::<ecurring::types::CustomerUpdateDocument>(body).unwrap())
        .send()
        .await
        .unwrap();
    let req = server.await.unwrap();
    assert_eq!(req.method, "PATCH");
    assert_eq!(req.path(), "/customers/1");
    assert_common(&req, "application/vnd.api+json");
    assert_eq!(
        req.header("x-authorization"),
        Some("ec-key-7"),
        "the key as is, no scheme"
    );
    assert!(req.header("authorization").is_none());
    // Only the attributes that change are on the wire.
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        r#"{"data":{"attributes":{"city":"Amsterdam","house_number":"1","postalcode":"1000AA","street":"Payment lane"},"id":"1","type":"customer"}}"#
    );
    let attributes = response.into_inner().data.unwrap().attributes.unwrap();
    assert_eq!(attributes.postalcode.as_deref(), Some("1000AA"));
}

#[tokio::test]
async fn ecurring_json_api_errors_decode() {
    let body = json!({"errors": [{"status": "422", "title": "Invalid attribute",
        "detail": "bank_holder is required when iban is present.",
        "source": {"pointer": "/data/attributes/bank_holder"}}]});
    let (base, server) = serve_once(422, "application/vnd.api+json", body.to_string()).await;
    let client = client!(ecurring, &base, "k", partner_bindings::RetryPolicy::none())
        .raw()
        .clone();
    let doc: ecurring::types::CustomerUpdateDocument =
        serde_json::from_value(json!({"data": {"type": "customer", "id": "1", "attributes": {"iban": "NL91ABNA0417164300"}}})).unwrap();
    let err = client
        .update_customer()
        .id("1")
        .body(doc)
        .send()
        .await
        .unwrap_err();
    server.await.unwrap();
    let progenitor_client::Error::ErrorResponse(response) = err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status(), 422);
    let errors = response.into_inner().errors;
    assert_eq!(
        errors[0].source.as_ref().unwrap().pointer.as_deref(),
        Some("/data/attributes/bank_holder")
    );
}

#[tokio::test]
async fn rocketkor_update_individual_customer_wire() {
    let id = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";
    let body = fixture("rocketkor", "update_individual_customer.request.json");
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("rocketkor", "update_individual_customer.response.json"),
    )
    .await;
    let client = client!(
        rocketkor,
        &base,
        "rk-access-token",
        partner_bindings::RetryPolicy::none()
    )
    .raw()
    .clone();
    let response = client
        .update_individual_customer()
        .customer_id(id.parse::<uuid::Uuid>().unwrap())
        .body(
            serde_json::from_value::<rocketkor::types::UpdateIndividualCustomerRequest>(body)
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let req = server.await.unwrap();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path(), format!("/v1/customers/{id}"));
    assert_common(&req, "application/json");
    assert_eq!(req.header("authorization"), Some("Bearer rk-access-token"));
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        r#"{"primaryPhoneNumber":{"extension":"31"}}"#
    );
    assert_eq!(response.into_inner().id.as_deref(), Some(id));
}

#[tokio::test]
async fn rocketkor_shipping_address_wire() {
    let (base, server) = serve_once(
        200,
        "application/json",
        fixture_text("rocketkor", "update_individual_customer.response.json"),
    )
    .await;
    let client = client!(rocketkor, &base, "t", partner_bindings::RetryPolicy::none())
        .raw()
        .clone();
    let request: rocketkor::types::UpdateIndividualCustomerRequest =
        serde_json::from_value(json!({
            "addresses": [{"type": "SHIPPING", "name": {"firstName": "Sarah", "lastName": "Green"},
                "streetLine1": "200 Queen St", "cityName": "New York", "stateCode": "NY",
                "countryCode": "USA", "zipCode": "10001", "primary": true}],
            "metadata": {"customerRefId": "200000777"},
            "socialId": "123-45-6789", "socialIdCountryCode": "USA"
        }))
        .unwrap();
    client
        .update_individual_customer()
        .customer_id(uuid::Uuid::nil())
        .body(request)
        .send()
        .await
        .unwrap();
    let sent: Value = server.await.unwrap().json();
    assert_eq!(
        sent["addresses"][0]["name"],
        json!({"firstName": "Sarah", "lastName": "Green"})
    );
    assert_eq!(sent["addresses"][0]["primary"], true);
    assert_eq!(sent["metadata"], json!({"customerRefId": "200000777"}));
    // Constraints from the page are enforced by the generated types.
    assert!(
        serde_json::from_value::<rocketkor::types::MetadataValue>(json!("x".repeat(1025))).is_err(),
        "values up to 1024"
    );
    assert!(
        serde_json::from_value::<rocketkor::types::MetadataValue>(json!("x".repeat(1024))).is_ok()
    );
    // typify does not enforce maxProperties (at most 5 pairs): the facade's validation must.
    assert!("US".parse::<rocketkor::types::CountryCode3>().is_err());
    assert!(serde_json::from_value::<rocketkor::types::AddressInput>(
        json!({"type": "HOME", "streetLine1": "x", "zipCode": "1"})
    )
    .is_err());
}

#[test]
fn a_credential_that_cannot_be_a_header_is_refused_without_echo() {
    let err = rentalcover::Client::builder()
        .environment(partner_bindings::rentalcover::Environment::Custom(
            ("http://127.0.0.1:9").into(),
        ))
        .credential("bad\nkey-SECRET")
        .build()
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(matches!(
        err,
        partner_bindings::BuildError::InvalidCredential
    ));
}
