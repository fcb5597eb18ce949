//! Insly in the sandbox: policies by `policy_oid`, re-priced on each mid-term adjustment
//! (excess and products change the premium), with the difference payable or refunded.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::behaviour::{example, json_amount, Behaviour, Reject};

struct Policy {
    customer_oid: u64,
    premium: Decimal,
    offer: u64,
}

pub(crate) struct State {
    policies: HashMap<u64, Policy>,
    /// The documented response, the shape every answer takes.
    template: Value,
}

/// The yearly premium: the documented GBP 300.93 at a 200 excess, adjusted for the change.
fn premium(body: &Value) -> Decimal {
    let base = Decimal::new(30093, 2);
    let excess = body["home_policy_excess"]
        .as_f64()
        .and_then(|e| Decimal::try_from(e).ok())
        .unwrap_or(Decimal::new(200, 0));
    // 5p less a year for every pound of excess above 200, never below 50.
    let core =
        (base - (excess - Decimal::new(200, 0)) * Decimal::new(5, 2)).max(Decimal::new(50, 0));
    let possessions = body["products"]["combined"]
        .as_array()
        .is_some_and(|p| p.iter().any(|p| p == "personal_possessions"));
    let extra = if possessions {
        Decimal::new(10692, 2)
    } else {
        Decimal::ZERO
    };
    (core + extra).round_dp(2)
}

impl State {
    pub fn seed(spec: &Value) -> State {
        let request = example(spec, "updatePolicy", false);
        let template = example(spec, "updatePolicy", true);
        let policy_oid = request["policy_oid"].as_u64().unwrap_or(1);
        let customer_oid = request["customer_oid"].as_u64().unwrap_or(1);
        let offer = template["response"]["mta_offer_oid"]
            .as_str()
            .and_then(|o| o.parse().ok())
            .unwrap_or(1);
        State {
            policies: HashMap::from([(
                policy_oid,
                Policy {
                    customer_oid,
                    premium: Decimal::new(30093, 2),
                    offer,
                },
            )]),
            template,
        }
    }

    fn update_policy(&mut self, body: &Value) -> Result<Value, Reject> {
        let policy_oid = body["policy_oid"].as_u64().unwrap_or(0);
        let policy = self
            .policies
            .get_mut(&policy_oid)
            .ok_or_else(|| Reject::new(404, format!("Policy {policy_oid} was not found")))?;
        if body["customer_oid"].as_u64() != Some(policy.customer_oid) {
            return Err(Reject::field(
                400,
                "customer_oid",
                "is not the policy holder",
            ));
        }
        let new_premium = premium(body);
        let payable = new_premium - policy.premium;
        policy.premium = new_premium;
        policy.offer += 1;
        let mut doc = self.template.clone();
        let response = &mut doc["response"];
        response["mta_payable"] = json_amount(payable);
        response["is_mta_diff_negative"] = json!(payable.is_sign_negative() && !payable.is_zero());
        response["mta_offer_oid"] = json!(policy.offer.to_string());
        response["charge"]["refund"] = json!(payable.is_sign_negative() && !payable.is_zero());
        if let Some(products) = body.get("products") {
            response["products"] = products.clone();
        }
        if response["payment_intent"].is_object() {
            let cents = (payable.abs() * Decimal::new(100, 0)).round();
            response["payment_intent"]["amount"] = json_amount(cents);
        }
        Ok(doc)
    }
}

impl Behaviour for State {
    fn handle(
        &mut self,
        operation: &str,
        _params: &BTreeMap<String, String>,
        body: Value,
    ) -> Result<Cow<'_, Value>, Reject> {
        match operation {
            "updatePolicy" => self.update_policy(&body).map(Cow::Owned),
            _ => Err(Reject::new(404, "no such endpoint")),
        }
    }
}

/// `{"status": 400, "message": "...", "errors": {"field": ["message"]}}` (`[]` without fields).
pub(crate) fn error_body(reject: &Reject) -> Value {
    let errors = if reject.fields.is_empty() {
        json!([])
    } else {
        let mut by_field = serde_json::Map::new();
        for (field, _, message) in &reject.fields {
            by_field.insert(field.clone(), json!([message]));
        }
        Value::Object(by_field)
    };
    json!({ "status": reject.status, "message": reject.message, "errors": errors })
}
