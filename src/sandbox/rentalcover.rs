//! RentalCover in the sandbox: bookings' customers by email, policies by reference, and a
//! simple price (a daily rate scaled by the cover amount) so quotes have real charges.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::behaviour::{example, json_amount, Behaviour, Reject};

pub(crate) struct State {
    /// By email, lower case: (AgentReference, the `Customer` document).
    customers: HashMap<String, (String, Value)>,
    /// By reference: (customer email, the policy document).
    policies: HashMap<String, (String, Value)>,
}

impl State {
    pub fn seed(spec: &Value) -> State {
        let customer_request = example(spec, "updateCustomer", false);
        let mut customer_doc = example(spec, "updateCustomer", true)["Customer"].clone();
        let email = text(&customer_request["Email"]).to_lowercase();
        customer_doc["Email"] = json!(email);
        let agent = text(&customer_request["AgentReference"]);
        let policy_request = example(spec, "updateInsurance", false);
        let policy = example(spec, "updateInsurance", true);
        let reference = text(&policy["Reference"]);
        let policy_email = text(&policy_request["Email"]).to_lowercase();
        State {
            customers: HashMap::from([(email, (agent, customer_doc))]),
            policies: HashMap::from([(reference, (policy_email, policy))]),
        }
    }

    fn update_customer(&mut self, body: &Map<String, Value>) -> Result<Value, Reject> {
        let email = text(&body["Email"]).to_lowercase();
        let agent = text(&body["AgentReference"]);
        let not_found = || Reject::new(404, "Customer could not be found.");
        let (stored_agent, _) = self.customers.get(&email).ok_or_else(not_found)?;
        if *stored_agent != agent {
            return Err(not_found());
        }
        let new_email = body
            .get("NewEmail")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
            .filter(|n| *n != email);
        if let Some(new_email) = &new_email {
            if self.customers.contains_key(new_email) {
                return Err(Reject::field(
                    400,
                    "NewEmail",
                    "is already used by another customer",
                ));
            }
        }
        let (agent, mut doc) = self.customers.remove(&email).ok_or_else(not_found)?;
        for (from, to) in [
            ("FirstName", "FirstName"),
            ("LastName", "LastName"),
            ("Address1", "Address1"),
            ("Address2", "Address2"),
            ("City", "City"),
            ("Region", "Region"),
            ("PostalCode", "PostalCode"),
            ("Phone", "Phone"),
            ("DateOfBirth", "DateOfBirth"),
            ("CustomerAge", "Age"),
        ] {
            if let Some(value) = body.get(from) {
                doc[to] = value.clone();
            }
        }
        let key = new_email.unwrap_or(email);
        doc["Email"] = json!(key);
        let country = body
            .get("Country")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.customers.insert(key, (agent, doc.clone()));
        let mut response = json!({ "Customer": doc });
        if let Some(code) = country {
            response["Country"] = json!({ "Code": code });
        }
        Ok(response)
    }

    fn update_insurance(
        &mut self,
        reference: &str,
        body: &Map<String, Value>,
    ) -> Result<Value, Reject> {
        let (email, stored) = self
            .policies
            .get(reference)
            .ok_or_else(|| Reject::new(404, "Policy could not be found."))?;
        if text(&body["Email"]).to_lowercase() != *email {
            return Err(Reject::field(
                400,
                "Email",
                "does not match the policy's customer",
            ));
        }
        let from = date(&body["FromDate"])
            .ok_or_else(|| Reject::field(400, "FromDate", "is not a date"))?;
        let to =
            date(&body["ToDate"]).ok_or_else(|| Reject::field(400, "ToDate", "is not a date"))?;
        if from >= to {
            return Err(Reject::field(400, "FromDate", "must be before ToDate"));
        }
        let mut doc = stored.clone();
        // Days are counted inclusively, as in the documented example (19th to 22nd: 4).
        let days = (to.date() - from.date()).num_days() + 1;
        let cover = [
            &body.get("VehicleStdLiabilityLow"),
            &body.get("CoverAmount"),
        ]
        .into_iter()
        .flatten()
        .filter_map(|v| decimal(v))
        .find(|c| !c.is_zero())
        .or_else(|| decimal(&doc["InsuranceCoverAmount"]))
        .unwrap_or(Decimal::new(3000, 0));
        // AUD 15.00 a day for AUD 3,000 of cover, in proportion.
        let daily = (Decimal::new(15, 0) * cover / Decimal::new(3000, 0)).round_dp(2);
        let total = daily * Decimal::from(days);
        doc["FromDate"] = body["FromDate"].clone();
        doc["ToDate"] = body["ToDate"].clone();
        doc["CoveredDays"] = json!(days);
        doc["TotalAmount"] = json_amount(total);
        doc["InsuranceCoverAmount"] = json_amount(cover);
        doc["TotalAmountFormatted"] = json!(format!("AU${total:.2}"));
        doc["DailyAmountFormatted"] = json!(format!("AU${daily:.2}"));
        doc["InsuranceCoverAmountFormatted"] = json!(format!("AU${}", grouped(cover)));
        if body["QuoteOnly"].as_i64() == Some(0) {
            let email = email.clone();
            self.policies
                .insert(reference.to_owned(), (email, doc.clone()));
        }
        Ok(doc)
    }
}

impl Behaviour for State {
    fn handle(
        &mut self,
        operation: &str,
        params: &BTreeMap<String, String>,
        body: Value,
    ) -> Result<Cow<'_, Value>, Reject> {
        let body = match body {
            Value::Object(body) => body,
            _ => Map::new(),
        };
        let answer = match operation {
            "updateCustomer" => self.update_customer(&body),
            "updateInsurance" => {
                let reference = params.get("Reference").map(String::as_str).unwrap_or("");
                self.update_insurance(reference, &body)
            }
            _ => Err(Reject::new(404, "no such endpoint")),
        };
        answer.map(Cow::Owned)
    }
}

/// `{"errors": {"Field": ["message"]}}`, or `{"errors": ["message"]}` without a field.
pub(crate) fn error_body(reject: &Reject) -> Value {
    if reject.fields.is_empty() {
        return json!({ "errors": [reject.message] });
    }
    let mut by_field = Map::new();
    for (field, _, message) in &reject.fields {
        if let Some(list) = by_field
            .entry(field.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            list.push(json!(message));
        }
    }
    json!({ "errors": by_field })
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn date(value: &Value) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(value.as_str()?, "%Y-%m-%d %H:%M:%S").ok()
}

/// An amount the client sent as a number or a string, exactly (the wire type the
/// responses use does the parsing).
fn decimal(value: &Value) -> Option<Decimal> {
    serde_json::from_value::<crate::wire::FlexNumber>(value.clone())
        .ok()?
        .as_decimal()
}

fn grouped(amount: Decimal) -> String {
    let text = format!("{amount:.2}");
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents}")
}
