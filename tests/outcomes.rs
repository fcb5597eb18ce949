//! What an answer means (issue "truthful outcomes"), against a scripted loopback server:
//! the confirm's own total, stored quotes and `max_charge`, Insly's envelope, redirects
//! and credentials, `extra` shadowing, deadlines and per-call overrides. The fault matrix
//! in tests/reliability.rs drives the same rules through the sandbox.

mod common;

use std::time::Duration;

use common::{fast_retries, fixture, Act, Scripted};
use partner_bindings::{
    insly,
    rentalcover::{self, Adjustment, Money},
    transport::Auth,
    BuildError, Decimal, Error, RetryPolicy,
};
use serde_json::{json, Value};

const RC_KEY: &str = "rc-key-SECRET-0001";
const INSLY_TOKEN: &str = "insly-token-SECRET-0002";

fn rc(base: &str) -> rentalcover::Client {
    client!(rentalcover, base, RC_KEY, fast_retries())
}

fn insly_client(base: &str) -> insly::Client {
    client!(insly, base, INSLY_TOKEN, fast_retries())
}

fn aud(cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), "AUD")
}

/// The documented quote answer with another total (and currency, or none).
fn priced(total: Value, currency: Option<&str>) -> Act {
    let mut body = fixture("rentalcover", "update_insurance.response.json");
    body["TotalAmount"] = total;
    match currency {
        Some(c) => body["Currency"] = json!(c),
        None => {
            body.as_object_mut().unwrap().remove("Currency");
        }
    }
    Act::json(200, &body)
}

/// The documented request, QuoteOnly set by the flow; the policy cost 47.50 before.
fn change(edit: impl FnOnce(&mut Value)) -> rentalcover::types::UpdateInsuranceRequest {
    let mut request = fixture("rentalcover", "update_insurance.request.json");
    request["QuoteOnly"] = json!(1);
    edit(&mut request);
    let typed: rentalcover::types::UpdateInsuranceRequest =
        serde_json::from_value(request).unwrap();
    typed
}

async fn quote_for(client: &rentalcover::Client) -> rentalcover::Quote {
    try_quote(client).await.unwrap()
}

/// Quotes the documented change (the policy cost 47.50 before it) on booking AB12-345C-INS.
async fn try_quote(client: &rentalcover::Client) -> Result<rentalcover::Quote, Error> {
    client
        .update_insurance("AB12-345C-INS")
        .request(change(|_| {}))
        .quote(Decimal::new(4750, 2))
        .await
}

fn quote_only_values(server: &Scripted) -> Vec<Value> {
    server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["QuoteOnly"].clone())
        .collect()
}

// ---------------------------------------------------------------- confirm tells the truth

#[tokio::test]
async fn applied_is_computed_from_the_confirms_own_total() {
    // Quoted at 60.00 (a charge of 12.50); the server charges 65.00 at confirm time.
    let server = Scripted::start(vec![
        priced(json!(60), Some("AUD")),
        priced(json!("65.00"), Some("AUD")),
    ])
    .await;
    let client = rc(&server.base);
    let quote = quote_for(&client).await;
    assert_eq!(quote.new_total(), &aud(6000));
    assert_eq!(quote.adjustment(), Adjustment::Charge(aud(1250)));
    let applied = client.confirm(quote).send().await.unwrap();
    assert_eq!(applied.adjustment(), Adjustment::Charge(aud(1750)));
    assert_eq!(applied.quoted_adjustment(), Adjustment::Charge(aud(1250)));
    assert!(applied.differs_from_quote());
    assert_eq!(applied.new_total(), &aud(6500));
    assert_eq!(applied.quoted_total(), &aud(6000));
    assert_eq!(quote_only_values(&server), vec![json!(1), json!(0)]);

    // The same price: not different.
    let server = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let client = rc(&server.base);
    let applied = client
        .confirm(quote_for(&client).await)
        .send()
        .await
        .unwrap();
    assert!(!applied.differs_from_quote());
    assert_eq!(applied.adjustment(), applied.quoted_adjustment());
}

#[tokio::test]
async fn a_quote_without_currency_is_undecodable_and_a_confirm_without_one_was_applied() {
    let server = Scripted::start(vec![priced(json!(60), None)]).await;
    let err = try_quote(&rc(&server.base)).await.unwrap_err();
    let Error::Undecodable { reason, response } = &err else {
        panic!("{err:?}")
    };
    // The spec requires Currency: its absence is a decode error that names it.
    assert!(reason.contains("no member Currency"), "{reason}");
    assert_eq!(response.status(), 200);
    assert!(!err.may_have_been_applied());
    assert_eq!(err.exit_code(), 3);
    // A quote is repeatable: it was not retried because a 200 is not transient.
    assert_eq!(server.count(), 1);

    for (total, currency, missing) in [
        (json!(60), None, "no member Currency"),
        (json!(null), Some("AUD"), "unexpected type or value"),
        (json!("sixty"), Some("AUD"), "no numeric TotalAmount"),
    ] {
        let server = Scripted::start(vec![
            priced(json!(60), Some("AUD")),
            priced(total, currency),
        ])
        .await;
        let client = rc(&server.base);
        let quote = quote_for(&client).await;
        let err = client.confirm(quote).send().await.unwrap_err();
        let Error::AppliedUnreadable {
            operation,
            reason,
            response,
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*operation, "update_insurance");
        assert!(reason.contains(missing), "{reason}");
        assert_eq!(response.status(), 200);
        // The raw body as received, not a re-encoding.
        assert!(serde_json::from_slice::<Value>(response.body()).is_ok());
        assert!(err.may_have_been_applied());
        assert_eq!(err.exit_code(), 4);
        // The whole answer is reachable from the error, as from every kind with one.
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(err.response().unwrap().body(), response.body());
        assert_eq!(quote_only_values(&server), vec![json!(1), json!(0)]);
    }
}

#[tokio::test]
async fn a_2xx_that_does_not_decode_is_applied_for_a_confirm_and_undecodable_for_a_quote() {
    let html = Act::Reply(200, vec![], "<html><body>Thank you!</body></html>".into());
    let server = Scripted::start(vec![priced(json!(60), Some("AUD")), html.clone()]).await;
    let client = rc(&server.base);
    let quote = quote_for(&client).await;
    let err = client.confirm(quote).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::AppliedUnreadable { response, .. } if response.body().starts_with(b"<html>")),
        "{err:?}"
    );
    assert_eq!(server.count(), 2, "never re-sent");

    let server = Scripted::start(vec![html]).await;
    let err = try_quote(&rc(&server.base)).await.unwrap_err();
    assert!(matches!(err, Error::Undecodable { .. }), "{err:?}");
    assert!(!err.may_have_been_applied());
}

// ---------------------------------------------------------------- stored quotes, max_charge

/// A stored quote is data the caller kept: one whose booking reference was lost or blanked
/// is refused before anything is sent.
#[tokio::test]
async fn a_stored_quote_without_a_reference_is_refused() {
    let server = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let stored = serde_json::to_value(quote_for(&rc(&server.base)).await).unwrap();
    for blank in ["", "  "] {
        let mut edited = stored.clone();
        edited["reference"] = json!(blank);
        let restored: rentalcover::Quote = serde_json::from_value(edited).unwrap();
        let err = rc(&server.base).confirm(restored).send().await.unwrap_err();
        let fields: Vec<&str> = err.violations().iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["Reference"], "{err:?}");
    }
    assert_eq!(server.count(), 1, "only the quote was sent");
}

#[tokio::test]
async fn a_stored_quote_is_confirmed_once_by_a_fresh_client() {
    let server = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let stored = serde_json::to_string(&quote_for(&rc(&server.base)).await).unwrap();
    assert!(!stored.contains(RC_KEY), "no credential inside");
    assert!(stored.contains("AB12-345C-INS"));

    let restored: rentalcover::Quote = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored.adjustment(), Adjustment::Charge(aud(1250)));
    assert_eq!(restored.reference(), "AB12-345C-INS");
    assert_eq!(restored.previous_total(), Decimal::new(4750, 2));
    assert_eq!(restored.new_total(), &aud(6000));
    // Each quote has its own random (version 4) id, kept through storage.
    let other = quote_for(&rc(&server.base)).await;
    assert_ne!(restored.id(), other.id());
    assert_eq!(restored.id().get_version_num(), 4);
    assert!(stored.contains(&restored.id().to_string()));
    assert_eq!(
        serde_json::to_string(&restored).unwrap(),
        stored,
        "round trip"
    );
    let fresh = rc(&server.base);
    let applied = fresh.confirm(restored).send().await.unwrap();
    assert_eq!(applied.adjustment(), Adjustment::Charge(aud(1250)));
    // Two quotes (the second only for its id), one confirm.
    assert_eq!(
        quote_only_values(&server),
        vec![json!(1), json!(1), json!(0)]
    );
    let confirm = &server.requests()[2];
    assert_eq!(confirm.target, "/insurances/update/AB12-345C-INS");
    assert_eq!(confirm.header("x_api_key"), Some(RC_KEY));
}

#[tokio::test]
async fn max_charge_refuses_a_dearer_quote_before_sending() {
    let server = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let client = rc(&server.base);

    for (ceiling, rule) in [
        (
            aud(1249),
            "the quote charges AUD 12.50, more than AUD 12.49",
        ),
        (aud(-1), "must not be negative, not AUD -0.01"),
        (
            Money::new(Decimal::new(100, 0), "NZD"),
            "is in NZD but the quote is in AUD",
        ),
    ] {
        let err = client
            .confirm(quote_for(&client).await)
            .max_charge(ceiling)
            .send()
            .await
            .unwrap_err();
        let Error::Validation(violations) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(violations[0].field, "max_charge");
        assert_eq!(violations[0].rule, rule);
        assert_eq!(err.exit_code(), 2);
    }
    // Three quotes, no confirm.
    assert_eq!(
        quote_only_values(&server),
        vec![json!(1), json!(1), json!(1)]
    );

    // At the ceiling it goes.
    client
        .confirm(quote_for(&client).await)
        .max_charge(aud(1250))
        .send()
        .await
        .unwrap();
    assert_eq!(quote_only_values(&server).last(), Some(&json!(0)));

    // A refund passes any ceiling.
    let server = Scripted::start(vec![priced(json!(40), Some("AUD"))]).await;
    let client = rc(&server.base);
    let quote = quote_for(&client).await;
    assert_eq!(quote.adjustment(), Adjustment::Refund(aud(750)));
    client
        .confirm(quote)
        .max_charge(aud(0))
        .send()
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------- extra cannot shadow

#[tokio::test]
async fn extra_members_cannot_shadow_a_declared_member() {
    let server = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let client = rc(&server.base);
    for key in ["quoteonly", "QUOTEONLY", "fromdate", "Email"] {
        let mut extra = serde_json::Map::new();
        extra.insert(key.to_string(), json!("0"));
        let mut request = fixture("rentalcover", "update_insurance.request.json");
        request["QuoteOnly"] = json!(1);
        let typed: rentalcover::types::UpdateInsuranceRequest =
            serde_json::from_value(request).unwrap();
        let builder = rentalcover::types::builder::UpdateInsuranceRequest::from(typed).extra(extra);
        let err = client
            .update_insurance("AB12-345C-INS")
            .request(builder)
            .quote(Decimal::new(4750, 2))
            .await
            .unwrap_err();
        let violations = err.violations();
        assert_eq!(violations.len(), 1, "{err:?}");
        assert_eq!(violations[0].field, key);
        assert!(
            violations[0].rule.contains("declared member"),
            "{}",
            violations[0].rule
        );
    }
    assert_eq!(server.count(), 0);

    // A stored quote edited to carry one is refused at confirm, before sending.
    let mut stored: Value = serde_json::to_value(quote_for(&client).await).unwrap();
    stored["request"]["quoteonly"] = json!("0");
    let edited: rentalcover::Quote = serde_json::from_value(stored).unwrap();
    let err = client.confirm(edited).send().await.unwrap_err();
    assert_eq!(err.violations()[0].field, "quoteonly", "{err:?}");
    assert_eq!(quote_only_values(&server), vec![json!(1)]);
}

#[test]
fn the_declared_member_lists_come_from_the_spec() {
    use partner_bindings::wire::OpenMembers;
    let spec = common::spec("rentalcover");
    let mut from_spec: Vec<&str> = spec["components"]["schemas"]["UpdateInsuranceRequest"]
        ["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    from_spec.sort_unstable();
    let mut generated = rentalcover::types::UpdateInsuranceRequest::DECLARED.to_vec();
    generated.sort_unstable();
    assert_eq!(generated, from_spec);
    assert!(generated.contains(&"QuoteOnly"));

    // Every request body with an open member map is checked by its facade call: today
    // only RentalCover's UpdateInsuranceRequest has one (a new one must be added above).
    let mut open = Vec::new();
    for provider in ["rentalcover", "insly", "ecurring", "rocketkor"] {
        let spec = common::spec(provider);
        for (_, item) in spec["paths"].as_object().unwrap() {
            for (_, op) in item.as_object().unwrap() {
                let Some(content) = op["requestBody"]["content"].as_object() else {
                    continue;
                };
                for (_, media) in content {
                    let name = media["schema"]["$ref"]
                        .as_str()
                        .unwrap_or_default()
                        .trim_start_matches("#/components/schemas/");
                    let schema = &spec["components"]["schemas"][name];
                    let additional = &schema["additionalProperties"];
                    if !additional.is_null() && *additional != json!(false) {
                        open.push(format!("{provider}.{name}"));
                    }
                }
            }
        }
    }
    assert_eq!(open, vec!["rentalcover.UpdateInsuranceRequest"]);
}

// ---------------------------------------------------------------- Insly's envelope

fn insly_change() -> insly::types::builder::UpdatePolicyRequest {
    let typed: insly::types::UpdatePolicyRequest =
        serde_json::from_value(fixture("insly", "update_policy.request.json")).unwrap();
    typed.into()
}

/// Insly's documented answer with `response.declined` set to `value`.
fn insly_declined(value: Value) -> Value {
    let mut body = fixture("insly", "update_policy.response.json");
    body["response"]["declined"] = value;
    body
}

/// The documented change sent to a server that answers `body` once: the outcome, and how
/// many requests the server saw.
async fn insly_outcome(body: &Value) -> (Result<insly::Accepted, Error>, usize) {
    let server = Scripted::start(vec![Act::json(200, body)]).await;
    let outcome = insly_client(&server.base)
        .update_policy()
        .request(insly_change())
        .send()
        .await;
    (outcome, server.count())
}

#[tokio::test]
async fn insly_refusals_inside_a_200_are_declined_with_the_providers_message() {
    let documented = fixture("insly", "update_policy.response.json");
    let declined = insly_declined(json!(true));
    let mut declined_with_message = declined.clone();
    declined_with_message["message"] = json!("Underwriting referral needed");
    let mut refused_with_policy = documented.clone();
    refused_with_policy["status"] = json!(0);
    let cases = [
        (
            json!({"status": 0, "response": "Policy is locked"}),
            "Policy is locked",
        ),
        (
            json!({"status": "0", "response": "Policy is locked"}),
            "Policy is locked",
        ),
        (
            json!({"status": "0", "response": [], "message": "MTA not allowed"}),
            "MTA not allowed",
        ),
        (json!({"status": 0}), "status 0: the change was refused"),
        (json!({"status": "0e0", "message": "Locked"}), "Locked"),
        (
            json!({"status": " 0.00 "}),
            "status 0: the change was refused",
        ),
        // Status 0 beside a member of an unexpected type: still a refusal, not "applied".
        (
            json!({"status": 0, "response": false, "message": "No"}),
            "No",
        ),
        (declined, "the insurer declined the change"),
        (declined_with_message, "Underwriting referral needed"),
        // Status 0 beside a re-priced policy (the applied shape): the status decides.
        (
            refused_with_policy.clone(),
            "status 0: the change was refused",
        ),
        // Status 0 decides even beside a `declined` that is no plain yes/no.
        (
            {
                let mut body = refused_with_policy.clone();
                body["response"]["declined"] = json!("N");
                body
            },
            "status 0: the change was refused",
        ),
        // Every plain "yes" form of `declined` is a refusal.
        (insly_declined(json!(1)), "the insurer declined the change"),
        (
            insly_declined(json!("1")),
            "the insurer declined the change",
        ),
        (
            insly_declined(json!("true")),
            "the insurer declined the change",
        ),
    ];
    for (body, message) in cases {
        let (outcome, requests) = insly_outcome(&body).await;
        let err = outcome.unwrap_err();
        let Error::Declined {
            message: got,
            response,
        } = &err
        else {
            panic!("{body}: {err:?}")
        };
        assert_eq!(got, message, "{body}");
        assert_eq!(response.status(), 200);
        assert_eq!(
            serde_json::from_slice::<Value>(response.body()).unwrap(),
            body
        );
        assert!(!err.may_have_been_applied());
        assert_eq!(err.exit_code(), 3);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(requests, 1);
    }
}

#[tokio::test]
async fn insly_accepted_without_an_adjustment_was_applied_but_is_unreadable() {
    let with_status = |status: Value| {
        let mut body = fixture("insly", "update_policy.response.json");
        body["status"] = status;
        body
    };
    for body in [
        with_status(json!("2")),
        with_status(json!("error")),
        with_status(json!("")),
        json!({"status": 1, "response": "done"}),
        json!({"status": "1", "response": []}),
        json!({"status": "1", "response": null}),
        json!({"status": "1"}),
        // A reason in the refused shape, but a status that is neither 0 nor 1.
        json!({"status": 2, "response": "maybe"}),
        // A `declined` that is no plain yes/no: neither "refused" nor "accepted" is safe.
        insly_declined(json!("N")),
        insly_declined(json!(2)),
        insly_declined(json!("")),
        insly_declined(json!("maybe")),
        // Without a status too.
        {
            let mut body = insly_declined(json!(2));
            body.as_object_mut().unwrap().remove("status");
            body
        },
    ] {
        let (outcome, requests) = insly_outcome(&body).await;
        let err = outcome.unwrap_err();
        assert!(
            matches!(
                err,
                Error::AppliedUnreadable {
                    operation: "update_policy",
                    ..
                }
            ),
            "{body}: {err:?}"
        );
        assert!(err.may_have_been_applied());
        assert_eq!(requests, 1);
    }
}

#[tokio::test]
async fn insly_payable_exists_only_for_an_accepted_adjustment() {
    let mut body = fixture("insly", "update_policy.response.json");
    body["response"]["charge"] = json!([]);
    body["response"]["close_brothers"] = json!([]);
    body["response"]["payment_intent"]["payment_method_options"] = json!([]);
    let server = Scripted::start(vec![Act::json(200, &body)]).await;
    let accepted = insly_client(&server.base)
        .update_policy()
        .request(insly_change())
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.payable(), Some(Decimal::new(10712, 2)));
    assert!(accepted.adjustment().charge.is_none());
    assert_eq!(accepted.response().status(), 200);
    // The Stripe client secret is a Secret: readable on purpose, never in Debug.
    let intent = accepted.adjustment().payment_intent.as_ref().unwrap();
    let secret = intent.client_secret.as_ref().unwrap();
    assert!(secret.expose().contains("_secret_"));
    let shown = format!("{accepted:?}");
    assert!(!shown.contains(secret.expose()), "client_secret in Debug");
}

// ---------------------------------------------------------------- redirects

/// A server that answers every request with `status` pointing at `location`.
async fn redirecting(status: u16, location: &str) -> Scripted {
    Scripted::start(vec![Act::Reply(
        status,
        vec![("location", location.to_string())],
        "{}".into(),
    )])
    .await
}

#[tokio::test]
async fn redirects_are_never_followed_and_credentials_stay_home() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
        let target = format!("{}/insurances/update/AB12-345C-INS", elsewhere.base);
        let home = Scripted::start(vec![
            priced(json!(60), Some("AUD")),
            Act::Reply(status, vec![("location", target.clone())], "{}".into()),
        ])
        .await;
        // A caller's builder that asks to follow: the facade still does not.
        let client = rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                (&home.base).into(),
            ))
            .credential(RC_KEY)
            .retry(fast_retries())
            .http_client(
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)),
            )
            .build()
            .unwrap();
        let quote = quote_for(&client).await;
        let err = client.confirm(quote).send().await.unwrap_err();
        // Not followed; but a server may redirect after processing a POST (303 above all),
        // so for a charge the outcome is unknown.
        let Error::OutcomeUnknown { cause, .. } = &err else {
            panic!("{status}: {err:?}")
        };
        let Error::Redirected { location, response } = cause.as_ref() else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(location.as_deref(), Some(target.as_str()));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.may_have_been_applied());
        assert_eq!(err.exit_code(), 4);
        assert_eq!(
            home.count(),
            2,
            "{status}: quote + one confirm, not retried"
        );
        assert_eq!(
            elsewhere.count(),
            0,
            "{status}: nothing went to the Location"
        );
    }

    // A repeatable call is not retried on a redirect either.
    let elsewhere = Scripted::start(vec![Act::json(200, &json!({}))]).await;
    let home = redirecting(307, &format!("{}/x", elsewhere.base)).await;
    let err = try_quote(&rc(&home.base)).await.unwrap_err();
    assert!(matches!(err, Error::Redirected { .. }), "{err:?}");
    assert!(!err.may_have_been_applied());
    assert_eq!(err.exit_code(), 3);
    assert_eq!((home.count(), elsewhere.count()), (1, 0));
}

/// The raw client built on a caller's own reqwest client that follows redirects: that
/// client only builds the request; the facade's client sends it, and does not follow. A
/// 307 on a charge (which a follower would re-send, with `X_API_KEY`, to the Location)
/// reaches the Location zero times.
#[tokio::test]
async fn even_the_raw_client_on_a_following_reqwest_client_does_not_follow() {
    use progenitor_client::ClientInfo;
    let elsewhere = Scripted::start(vec![priced(json!(60), Some("AUD"))]).await;
    let home = redirecting(307, &format!("{}/moved", elsewhere.base)).await;
    let facade = rc(&home.base);
    let raw = rentalcover::RawClient::new_with_client(
        &home.base,
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(10))
            .build()
            .unwrap(),
        facade.raw().inner().clone(),
    );
    let mut body = fixture("rentalcover", "update_insurance.request.json");
    body["QuoteOnly"] = json!(0);
    let body: rentalcover::types::UpdateInsuranceRequest = serde_json::from_value(body).unwrap();
    let result = raw
        .update_insurance()
        .reference("AB12-345C-INS")
        .body(body)
        .send()
        .await;
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(307));
    assert_eq!((home.count(), elsewhere.count()), (1, 0));
    assert_eq!(home.requests()[0].header("x_api_key"), Some(RC_KEY));
}

/// Rate limits on a repeatable call: a 429 is a refusal (exit 3); a 503 with
/// `Retry-After` is a server error (exit 4) although it is `RateLimited` too. (On a charge a
/// 503 is `OutcomeUnknown`: the fault matrix.)
#[tokio::test]
async fn rate_limits_exit_3_for_429_and_4_for_503() {
    for (status, code) in [(429, 3), (503, 4)] {
        // Retry-After beyond the policy's 5 s: returned at once, not waited for.
        let busy = Act::Reply(status, vec![("retry-after", "100".into())], "{}".into());
        let server = Scripted::start(vec![busy]).await;
        let err = try_quote(&rc(&server.base)).await.unwrap_err();
        let Error::RateLimited { retry_after, .. } = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(*retry_after, Some(Duration::from_secs(100)));
        assert_eq!(err.exit_code(), code, "{status}");
        assert!(!err.may_have_been_applied());
        assert_eq!(server.count(), 1);
    }
}

/// A `Retry-After` beyond the policy's limit is not waited for, even when the deadline
/// would allow the wait.
#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_not_waited_for() {
    let busy = Act::Reply(429, vec![("retry-after", "2".into())], "{}".into());
    let server = Scripted::start(vec![busy]).await;
    let policy = fast_retries().with_max_retry_after(Duration::from_secs(1));
    let client = client!(rentalcover, server.base.clone(), RC_KEY, policy);
    let started = std::time::Instant::now();
    let err = try_quote(&client).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
    assert!(started.elapsed() < Duration::from_secs(1), "it waited");
}

/// A 2xx status the spec does not document is undecodable, and says which status.
#[tokio::test]
async fn an_undocumented_success_status_is_named() {
    let server = Scripted::start(vec![Act::Reply(202, vec![], "{}".into())]).await;
    let client = client!(ecurring, server.base.clone(), "k", RetryPolicy::none());
    let err = client
        .update_customer("1")
        .city("Utrecht")
        .send()
        .await
        .unwrap_err();
    let Error::Undecodable { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        reason.contains("202") && reason.contains("not a documented response"),
        "{reason}"
    );
}

// ---------------------------------------------------------------- deadlines and overrides

#[tokio::test]
async fn the_deadline_covers_every_attempt_and_wait() {
    let slow = Act::Delay(Duration::from_millis(2_000), "{}".into());
    // Without a deadline that bites: 4 attempts of 150 ms each.
    let patient = Scripted::start(vec![slow.clone()]).await;
    let policy = fast_retries().with_max_attempts(4);
    let attempts_of_150_ms = |base: &str| {
        rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                (base).into(),
            ))
            .credential(RC_KEY)
            .retry(policy.clone())
            .timeout(Duration::from_millis(150))
    };
    let client = attempts_of_150_ms(&patient.base).build().unwrap();
    let err = try_quote(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(patient.count(), 4);

    // With a 220 ms deadline no third attempt starts.
    let hurried = Scripted::start(vec![slow]).await;
    let client = attempts_of_150_ms(&hurried.base)
        .deadline(Duration::from_millis(220))
        .build()
        .unwrap();
    let err = try_quote(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(hurried.count(), 2);

    // The deadline also cuts the attempt itself: a 10 s attempt timeout, one attempt, an
    // answer after 1 s; with a 200 ms deadline it is a timeout, without one it succeeds.
    let late = Act::Delay(
        Duration::from_millis(1_000),
        fixture("rentalcover", "update_insurance.response.json").to_string(),
    );
    let server = Scripted::start(vec![late]).await;
    let builder = || {
        rentalcover::Client::builder()
            .environment(partner_bindings::rentalcover::Environment::Custom(
                (&server.base).into(),
            ))
            .credential(RC_KEY)
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(10))
    };
    let cut = builder().deadline(Duration::from_millis(200));
    let shown = format!("{cut:?}");
    assert!(
        shown.contains("deadline: 200ms") && !shown.contains(RC_KEY),
        "{shown}"
    );
    let err = try_quote(&cut.build().unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    // No deadline at all (too far to represent) is no panic either.
    let unbounded = builder().deadline(Duration::MAX).build().unwrap();
    try_quote(&unbounded).await.unwrap();

    // A Retry-After that would end past the deadline is not waited for.
    let busy = Act::Reply(429, vec![("retry-after", "1".into())], "{}".into());
    let server = Scripted::start(vec![busy]).await;
    let err = try_quote(&rc(&server.base).with_deadline(Duration::from_millis(500)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn per_call_overrides_share_the_pool_and_change_only_the_copy() {
    let server = Scripted::start(vec![Act::Reply(500, vec![], "{}".into())]).await;
    let client = rc(&server.base);
    let once = client.with_retry(RetryPolicy::none());
    once.update_insurance("AB12-345C-INS")
        .request(change(|_| {}))
        .quote(Decimal::new(4750, 2))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    try_quote(&client).await.unwrap_err();
    assert_eq!(server.count(), 4, "the original keeps its 3 attempts");
    // All over one keep-alive connection: the copy shares the pool.
    assert_eq!(server.connections(), 1);

    let server = Scripted::start(vec![Act::Delay(
        Duration::from_millis(300),
        fixture("rentalcover", "update_insurance.response.json").to_string(),
    )])
    .await;
    let client = rentalcover::Client::builder()
        .environment(partner_bindings::rentalcover::Environment::Custom(
            (&server.base).into(),
        ))
        .credential(RC_KEY)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = try_quote(&client.with_timeout(Duration::from_millis(50)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    try_quote(&client).await.unwrap();
}

#[tokio::test]
async fn a_custom_auth_header_is_checked_at_build_time() {
    let err = insly::Client::builder()
        .environment(partner_bindings::insly::Environment::Custom(
            ("http://127.0.0.1:9").into(),
        ))
        .credential(INSLY_TOKEN)
        .auth(Auth::Header("x api token"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, BuildError::InvalidAuthHeader(name) if name == "x api token"),
        "{err:?}"
    );
    assert!(!err.to_string().contains(INSLY_TOKEN));

    // Any case is accepted and sent as HTTP/2 wants it.
    let server = Scripted::start(vec![Act::json(
        200,
        &fixture("insly", "update_policy.response.json"),
    )])
    .await;
    insly::Client::builder()
        .environment(partner_bindings::insly::Environment::Custom(
            (&server.base).into(),
        ))
        .credential(INSLY_TOKEN)
        .auth(Auth::Header("X-Api-Token"))
        .build()
        .unwrap()
        .update_policy()
        .request(insly_change())
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("x-api-token"),
        Some(INSLY_TOKEN)
    );
}

/// Every plain "no" form of `declined` leaves the adjustment accepted.
#[tokio::test]
async fn insly_a_plain_no_in_declined_is_accepted() {
    for no in [json!(false), json!(0), json!("0"), json!("false")] {
        let (outcome, requests) = insly_outcome(&insly_declined(no.clone())).await;
        let accepted = outcome.unwrap_or_else(|e| panic!("declined {no}: {e:?}"));
        assert_eq!(accepted.payable(), Some(Decimal::new(10712, 2)), "{no}");
        assert_eq!(requests, 1);
    }
}
