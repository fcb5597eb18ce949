//! RocketKOR in the sandbox: customers by id; a PUT changes what it sends (`null` clears),
//! adds or changes addresses and applies the documented primary-address rules.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::behaviour::{example, now_text, Behaviour, Reject};

pub(crate) struct State {
    customers: HashMap<String, Value>,
}

/// Members copied as sent (`null` clears them).
const SCALARS: [&str; 16] = [
    "type",
    "firstName",
    "middleName",
    "lastName",
    "prefix",
    "suffix",
    "sex",
    "gender",
    "securityQuestion",
    "pronoun",
    "dateOfBirth",
    "placeOfBirth",
    "socialIdCountryCode",
    "citizenshipCountryCode",
    "metadata",
    "status",
];

impl State {
    pub fn seed(spec: &Value) -> State {
        let mut customer = example(spec, "updateIndividualCustomer", true);
        mask_secrets(&mut customer, None, None);
        let id = customer["id"].as_str().unwrap_or_default().to_lowercase();
        State {
            customers: HashMap::from([(id, customer)]),
        }
    }

    fn update(&mut self, id: &str, body: &Map<String, Value>) -> Result<&Value, Reject> {
        let customer = self
            .customers
            .get_mut(&id.to_lowercase())
            .ok_or_else(|| Reject::new(404, format!("customer {id} was not found")))?;
        let addresses = body
            .get("addresses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        check_addresses(&addresses)?;
        if body.get("socialId").is_some_and(|v| !v.is_null())
            && body.get("socialIdCountryCode").is_none()
        {
            return Err(Reject::field(
                400,
                "socialIdCountryCode",
                "is required when socialId is sent",
            ));
        }
        for name in SCALARS {
            if name == "status" {
                continue;
            }
            if let Some(value) = body.get(name) {
                customer[name] = value.clone();
            }
        }
        for name in ["primaryPhoneNumber", "primaryEmail"] {
            if let Some(Value::Object(changes)) = body.get(name) {
                if !customer[name].is_object() {
                    customer[name] = json!({});
                }
                for (key, value) in changes {
                    let value = if name == "primaryPhoneNumber" && key == "number" {
                        e164(value)
                    } else {
                        value.clone()
                    };
                    customer[name][key] = value;
                }
            }
        }
        let mut stored = customer["addresses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for input in addresses {
            let same = |a: &Value| {
                a["type"] == input["type"]
                    && a["streetLine1"] == input["streetLine1"]
                    && a["zipCode"] == input["zipCode"]
            };
            let primary = input["primary"] == true;
            if primary {
                for other in stored.iter_mut().filter(|a| a["type"] == input["type"]) {
                    other["primary"] = json!(false);
                }
            }
            let mut address = input.clone();
            if input["type"] != "SHIPPING" {
                // The provider ignores `name` on other address types.
                if let Some(a) = address.as_object_mut() {
                    a.remove("name");
                }
            }
            address["primary"] = json!(primary);
            match stored.iter_mut().find(|a| same(a)) {
                Some(existing) => *existing = address,
                None => stored.push(address),
            }
        }
        // Each type with addresses has exactly one primary: the first, when none is marked.
        for kind in ["MAILING", "PHYSICAL", "SHIPPING"] {
            let of_kind = |a: &&mut Value| a["type"] == kind;
            if !stored
                .iter_mut()
                .filter(of_kind)
                .any(|a| a["primary"] == true)
            {
                if let Some(first) = stored.iter_mut().find(|a| a["type"] == kind) {
                    first["primary"] = json!(true);
                }
            }
        }
        customer["addresses"] = Value::Array(stored);
        customer["updatedAt"] = json!(now_text());
        let social = body.get("socialId").cloned();
        let answer = body.get("securityAnswer").cloned();
        mask_secrets(customer, social, answer);
        Ok(customer)
    }
}

/// Secrets are kept only masked, as the provider shows them: the last 4 characters of
/// `socialId`, nothing of `securityAnswer`.
fn mask_secrets(customer: &mut Value, social: Option<Value>, answer: Option<Value>) {
    let social = social.unwrap_or_else(|| customer["socialId"].clone());
    customer["socialId"] = match social.as_str() {
        Some(s) if !s.starts_with('*') => {
            let tail: String = s
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            json!(format!("*****{tail}"))
        }
        _ => social,
    };
    let answer = answer.unwrap_or_else(|| customer["securityAnswer"].clone());
    customer["securityAnswer"] = if answer.is_null() {
        Value::Null
    } else {
        json!("********")
    };
}

fn e164(value: &Value) -> Value {
    match value.as_str() {
        Some(n) if !n.starts_with('+') => json!(format!("+{n}")),
        _ => value.clone(),
    }
}

/// The documented address rules the schema cannot say.
fn check_addresses(addresses: &[Value]) -> Result<(), Reject> {
    let mut primaries: Vec<&Value> = Vec::new();
    for (i, address) in addresses.iter().enumerate() {
        if address["type"] == "SHIPPING" && !address["name"].is_object() {
            return Err(Reject::field(
                400,
                &format!("addresses[{i}].name"),
                "name is required for SHIPPING addresses",
            ));
        }
        if matches!(address["countryCode"].as_str(), Some("USA" | "CAN"))
            && address["stateCode"].is_null()
        {
            return Err(Reject::field(
                400,
                &format!("addresses[{i}].stateCode"),
                "stateCode is required for addresses in USA or CAN",
            ));
        }
        if address["primary"] == true {
            if primaries.contains(&&address["type"]) {
                return Err(Reject::field(
                    400,
                    &format!("addresses[{i}].primary"),
                    "only one primary address per type",
                ));
            }
            primaries.push(&address["type"]);
        }
    }
    Ok(())
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
        match operation {
            "updateIndividualCustomer" => {
                let id = params.get("customerId").map(String::as_str).unwrap_or("");
                self.update(id, &body).map(Cow::Borrowed)
            }
            _ => Err(Reject::new(404, "no such endpoint")),
        }
    }
}

fn code(status: u16) -> &'static str {
    match status {
        400 => "VALIDATION_ERROR",
        401 => "UNAUTHORIZED",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        429 => "RATE_LIMITED",
        500..=599 => "SERVER_ERROR",
        _ => "ERROR",
    }
}

/// `{"status": 400, "code": "...", "message": "...", "errors": [{"field", "message"}]}`.
pub(crate) fn error_body(reject: &Reject) -> Value {
    let errors: Vec<Value> = reject
        .fields
        .iter()
        .map(|(field, _, message)| json!({ "field": field, "message": message }))
        .collect();
    json!({
        "status": reject.status,
        "code": code(reject.status),
        "message": reject.message,
        "errors": errors,
    })
}
