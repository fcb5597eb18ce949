//! eCurring in the sandbox: customers by id; a PATCH changes the attributes it sends
//! (`null` clears) and keeps the others.

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap},
};

use serde_json::{json, Value};

use super::behaviour::{example, now_text, Behaviour, Reject};

pub(crate) struct State {
    /// By id: the whole response document (`links` and `data`).
    customers: HashMap<String, Value>,
}

impl State {
    pub fn seed(spec: &Value) -> State {
        let document = example(spec, "updateCustomer", true);
        let id = document["data"]["id"].as_str().unwrap_or("1").to_owned();
        State {
            customers: HashMap::from([(id, document)]),
        }
    }

    fn update_customer(&mut self, id: &str, mut body: Value) -> Result<&Value, Reject> {
        let document = self
            .customers
            .get_mut(id)
            .ok_or_else(|| Reject::new(404, format!("customer {id} does not exist")))?;
        if body["data"]["id"].as_str() != Some(id) {
            return Err(Reject::field(
                422,
                "data.id",
                "must equal the id in the path",
            ));
        }
        let changes = match body["data"]["attributes"].take() {
            Value::Object(changes) => changes,
            _ => Default::default(),
        };
        let sets_iban = changes.get("iban").is_some_and(|v| !v.is_null());
        let has_holder = changes.get("bank_holder").is_some_and(|v| !v.is_null());
        if sets_iban && !has_holder {
            return Err(Reject::field(
                422,
                "data.attributes.bank_holder",
                "bank_holder is required when iban is present.",
            ));
        }
        let attributes = &mut document["data"]["attributes"];
        for (name, value) in changes {
            attributes[name] = value;
        }
        attributes["updated_at"] = json!(now_text());
        Ok(document)
    }
}

impl Behaviour for State {
    fn handle(
        &mut self,
        operation: &str,
        params: &BTreeMap<String, String>,
        body: Value,
    ) -> Result<Cow<'_, Value>, Reject> {
        match operation {
            "updateCustomer" => {
                let id = params.get("id").map(String::as_str).unwrap_or("");
                self.update_customer(id, body).map(Cow::Borrowed)
            }
            _ => Err(Reject::new(404, "no such endpoint")),
        }
    }
}

fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Invalid attribute",
        429 => "Too Many Requests",
        500..=599 => "Server Error",
        _ => "Error",
    }
}

/// A JSON:API error document, with a pointer per member.
pub(crate) fn error_body(reject: &Reject) -> Value {
    let status = reject.status.to_string();
    let errors: Vec<Value> = if reject.fields.is_empty() {
        vec![json!({ "status": status, "title": title(reject.status), "detail": reject.message })]
    } else {
        reject
            .fields
            .iter()
            .map(|(_, pointer, message)| {
                json!({
                    "status": status,
                    "title": title(reject.status),
                    "detail": message,
                    "source": { "pointer": pointer },
                })
            })
            .collect()
    };
    json!({ "errors": errors })
}
