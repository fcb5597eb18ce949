//! The bad-input matrix, generated from the specs: for every constraint a request schema
//! declares (type, required, enum, minLength, maxLength, pattern, format, maxProperties,
//! and the documented conditional rules), a violating request built from a valid one.
//! Each must be refused by the facade naming the member with nothing sent, and refused by
//! the sandbox in the provider's error shape naming the same member.
#![cfg(feature = "sandbox")]

mod common;

use common::fixture;
use partner_bindings::{
    ecurring, insly, rentalcover, rocketkor,
    sandbox::{Sandbox, Service},
    Decimal, Error, RetryPolicy,
};
use serde_json::{json, Value};

/// The operations: provider, operationId, a valid request (richer than the documented
/// example, so nested members exist to break), the path, the method.
fn operations() -> Vec<(Service, &'static str, Value, &'static str, &'static str)> {
    let mut insurance = fixture("rentalcover", "update_insurance.request.json");
    insurance["QuoteOnly"] = json!(1);
    insurance["FromDate"] = json!("2026-12-01 10:00:00");
    insurance["ToDate"] = json!("2026-12-05 10:00:00");
    let mut customer = fixture("rentalcover", "update_customer.request.json");
    customer.as_object_mut().unwrap().remove("NewEmail");
    let mut document = fixture("ecurring", "update_customer.request.json");
    document["data"]["attributes"]["first_name"] = json!("Anna");
    let profile = json!({
        "addresses": [{
            "type": "SHIPPING", "name": {"firstName": "Sarah", "lastName": "Green"},
            "streetLine1": "1 Harbour Road", "cityName": "Boston", "stateCode": "MA",
            "countryCode": "USA", "zipCode": "02110", "primary": true
        }],
        "metadata": {"customerRefId": "200000777"},
        "firstName": "Sarah",
        "primaryPhoneNumber": {"number": "+16175550100", "type": "MOBILE", "extension": "31"},
        "primaryEmail": {"value": "sarah@example.com"},
        "placeOfBirth": {"city": "Houston", "countryCode": "USA"},
        "socialId": "123-45-6789", "socialIdCountryCode": "USA"
    });
    vec![
        (
            Service::RentalCover,
            "updateInsurance",
            insurance,
            "/insurances/update/AB12-345C-INS",
            "POST",
        ),
        (
            Service::RentalCover,
            "updateCustomer",
            customer,
            "/insurances/updateCustomer",
            "POST",
        ),
        (
            Service::Insly,
            "updatePolicy",
            fixture("insly", "update_policy.request.json"),
            "/api/policy/update",
            "POST",
        ),
        (
            Service::ECurring,
            "updateCustomer",
            document,
            "/customers/1",
            "PATCH",
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            profile,
            "/v1/customers/0e01f271-80b1-4724-b5dc-6959c7cd88dc",
            "PUT",
        ),
    ]
}

fn spec(provider: Service) -> Value {
    serde_json::from_str(provider.spec_json()).unwrap()
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            spec,
            &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
        ),
        None => schema,
    }
}

/// The constraints of one member's schema (following allOf/anyOf with a single non-null branch).
fn constraints(spec: &Value, schema: &Value, out: &mut Vec<(String, Value)>) {
    let schema = resolve(spec, schema);
    for key in ["allOf", "anyOf"] {
        for branch in schema[key].as_array().into_iter().flatten() {
            if branch.get("enum") != Some(&json!([null])) {
                constraints(spec, branch, out);
            }
        }
    }
    for key in [
        "type",
        "enum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "maxProperties",
        "minimum",
        "maximum",
    ] {
        if let Some(value) = schema.get(key) {
            out.push((key.to_string(), value.clone()));
        }
    }
}

/// A value that breaks `rule`, or None when the rule cannot be broken by a value alone.
fn violation(rule: &str, value: &Value, all: &[(String, Value)]) -> Option<Value> {
    let max_len = all
        .iter()
        .find(|(k, _)| k == "maxLength")
        .and_then(|(_, v)| v.as_u64());
    Some(match rule {
        "type" => match value.as_str()? {
            "string" => json!(12345),
            "integer" | "number" => json!("twelve"),
            "boolean" => json!("maybe"),
            "array" => json!({"not": "a list"}),
            "object" => json!(["not", "an object"]),
            _ => return None,
        },
        "enum" => {
            if value.as_array()?.iter().all(Value::is_number) {
                json!(7)
            } else {
                json!("NOT_ONE_OF_THEM")
            }
        }
        "minLength" if value.as_u64()? > 0 => json!(""),
        "maxLength" => json!("A".repeat(value.as_u64()? as usize + 1)),
        "pattern" => json!("~!~".repeat(max_len.map_or(1, |m| (m as usize / 3).max(1)))),
        "format" => match value.as_str()? {
            "email" => json!("not an email"),
            "date" => json!("2026-02-30"),
            "date-time" => json!("yesterday"),
            _ => return None,
        },
        "maxProperties" => {
            let n = value.as_u64()? as usize + 1;
            Value::Object((0..n).map(|i| (format!("k{i}"), json!("v"))).collect())
        }
        "minimum" if all.iter().any(|(k, v)| k == "type" && v == "integer") => {
            json!(value.as_i64()? - 1)
        }
        "minimum" => json!(value.as_f64()? - 1.0),
        _ => return None,
    })
}

/// A member: its JSON pointer, its rules, whether it is required.
type Member = (String, Vec<(String, Value)>, bool);
/// A conditional rule: provider, operation, the member named, how to break it.
type Conditional = (Service, &'static str, &'static str, Box<dyn Fn(&mut Value)>);

/// Every member path of a request schema with its constraints, one level into objects and
/// into the first item of arrays, as JSON pointers into the valid request.
fn members(spec: &Value, schema: &Value, pointer: String, valid: &Value, out: &mut Vec<Member>) {
    let schema = resolve(spec, schema);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, member) in schema["properties"].as_object().into_iter().flatten() {
        let path = format!("{pointer}/{name}");
        let mut rules = Vec::new();
        constraints(spec, member, &mut rules);
        out.push((path.clone(), rules, required.contains(&name.as_str())));
        let member = resolve(spec, member);
        let inner = member["allOf"]
            .get(0)
            .or(member["anyOf"].get(0))
            .map(|b| resolve(spec, b))
            .unwrap_or(member);
        if valid.pointer(&path).is_some_and(Value::is_object) && inner["properties"].is_object() {
            members(spec, inner, path.clone(), valid, out);
        }
        if let Some(items) = inner.get("items") {
            if valid.pointer(&format!("{path}/0")).is_some() {
                members(spec, items, format!("{path}/0"), valid, out);
            }
        }
    }
}

fn set(value: &mut Value, pointer: &str, new: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        value
    } else {
        value.pointer_mut(parent).unwrap()
    };
    match (target, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(last.to_string(), new);
        }
        (Value::Object(map), None) => {
            map.remove(last);
        }
        (Value::Array(items), Some(new)) => items[last.parse::<usize>().unwrap()] = new,
        _ => {}
    }
}

/// Why a case never reached the facade: the violating value cannot be written in Rust
/// through the API a user calls. Counted apart from "refused".
#[derive(Debug)]
enum Unexpressible {
    /// The setter takes another Rust type (a number where text goes): does not compile.
    Type(&'static str),
    /// The typed value cannot be made: the user's own `parse`/`try_from` of a nested
    /// object's member fails before the facade is called.
    NoValue,
    /// The member is not the caller's to set (the facade or the flow sets it).
    Owned(&'static str),
}

impl Unexpressible {
    fn label(&self) -> String {
        match self {
            Unexpressible::Type(t) => format!("not expressible: the setter takes {t}"),
            Unexpressible::NoValue => "not expressible: no such typed value".into(),
            Unexpressible::Owned(by) => format!("not expressible: set by {by}"),
        }
    }
}

type Set<B> = fn(B, &str, &Value) -> Result<B, Unexpressible>;

fn text(v: &Value) -> Result<&str, Unexpressible> {
    v.as_str().ok_or(Unexpressible::Type("text"))
}

fn parse<T: std::str::FromStr>(v: &Value) -> Result<T, Unexpressible> {
    text(v)?.parse().map_err(|_| Unexpressible::NoValue)
}

/// Sets every member of the JSON object `v` on builder `b`, one setter call each, the way
/// a user writes it (`null` members are left out: there is nothing to set).
fn members_of<B>(mut b: B, v: &Value, set: Set<B>) -> Result<B, Unexpressible> {
    let object = v.as_object().ok_or(Unexpressible::Type("an object"))?;
    for (name, value) in object {
        if !value.is_null() {
            b = set(b, name, value)?;
        }
    }
    Ok(b)
}

/// One setter per member wire name; the kind says how a JSON value becomes the setter's
/// argument (the compiler checks each against the generated signature).
macro_rules! setters {
    ($name:ident: $B:ty { $($wire:literal => $kind:ident $setter:ident $(($($arg:tt)*))?),* $(,)? }) => {
        fn $name(b: $B, wire: &str, v: &Value) -> Result<$B, Unexpressible> {
            Ok(match wire {
                $($wire => setters!(@$kind b, $setter, v $(, $($arg)*)?),)*
                other => panic!("no setter for member {other}: add it to the table"),
            })
        }
    };
    (@text $b:ident, $s:ident, $v:ident) => { $b.$s(text($v)?) };
    (@int $b:ident, $s:ident, $v:ident) => { $b.$s($v.as_i64().ok_or(Unexpressible::Type("an i64"))?) };
    (@uint $b:ident, $s:ident, $v:ident) => { $b.$s($v.as_u64().ok_or(Unexpressible::Type("a u64"))?) };
    (@num $b:ident, $s:ident, $v:ident) => { $b.$s($v.as_f64().ok_or(Unexpressible::Type("an f64"))?) };
    (@flag $b:ident, $s:ident, $v:ident) => { $b.$s($v.as_bool().ok_or(Unexpressible::Type("a bool"))?) };
    (@owned $b:ident, $s:ident, $v:ident, $by:literal) => { return Err(Unexpressible::Owned($by)) };
    // typify builders: optional members take `Option<T>`, so the user parses first.
    (@opt $b:ident, $s:ident, $v:ident, $T:ty) => { $b.$s(Some(parse::<$T>($v)?)) };
    (@opt_text $b:ident, $s:ident, $v:ident) => { $b.$s(Some(text($v)?.to_string())) };
    (@opt_flag $b:ident, $s:ident, $v:ident) => { $b.$s(Some($v.as_bool().ok_or(Unexpressible::Type("a bool"))?)) };
    (@opt_obj $b:ident, $s:ident, $v:ident, $T:ty, $BB:ty, $f:ident) => {
        $b.$s(Some(<$T>::try_from(members_of(<$BB>::default(), $v, $f)?).map_err(|_| Unexpressible::NoValue)?))
    };
    // A nested object given as its typify builder (the setter converts it).
    (@obj $b:ident, $s:ident, $v:ident, $BB:ty, $f:ident) => { $b.$s(members_of(<$BB>::default(), $v, $f)?) };
    (@list $b:ident, $s:ident, $v:ident, $BB:ty, $f:ident) => {
        $b.$s($v.as_array().ok_or(Unexpressible::Type("a list"))?.iter()
            .map(|item| members_of(<$BB>::default(), item, $f))
            .collect::<Result<Vec<_>, _>>()?)
    };
    (@metadata $b:ident, $s:ident, $v:ident) => {
        $b.$s(rocketkor::types::Metadata::from($v.as_object().ok_or(Unexpressible::Type("a map"))?.iter()
            .map(|(k, v)| Ok((k.clone(), parse::<rocketkor::types::MetadataValue>(v)?)))
            .collect::<Result<std::collections::HashMap<_, _>, Unexpressible>>()?))
    };
    (@products $b:ident, $s:ident, $v:ident) => {
        $b.$s(insly::types::Products::from(serde_json::from_value::<std::collections::HashMap<String, Vec<String>>>($v.clone())
            .map_err(|_| Unexpressible::Type("a map of lists of text"))?))
    };
}

setters!(rc_insurance: rentalcover::operation::UpdateInsurance {
    "QuoteOnly" => owned quote_only("the quote-then-confirm flow"),
    "FromDate" => text from_date, "ToDate" => text to_date,
    "FirstName" => text first_name, "LastName" => text last_name, "Email" => text email,
    "Country" => text country, "Currency" => text currency,
    "FromLocationName" => text from_location_name, "ToLocationName" => text to_location_name,
    "Address1" => text address1, "Address2" => text address2, "City" => text city,
    "PostalCode" => text postal_code, "Phone" => text phone, "OtherEmail" => text other_email,
    "Region" => text region, "CustomerAge" => int customer_age,
    "OtherDriveAge1" => int other_drive_age1, "OtherDriveAge2" => int other_drive_age2,
    "CoverAmount" => num cover_amount, "PolicyPrice" => num policy_price,
    "VehicleStdLiabilityHigh" => num vehicle_std_liability_high,
    "VehicleStdLiabilityLow" => num vehicle_std_liability_low,
    "VehicleStdLiabilityCurrency" => text vehicle_std_liability_currency,
    "VehicleSupplierId" => text vehicle_supplier_id,
    "VehicleSupplierIdTwo" => text vehicle_supplier_id_two,
    "VehicleSupplierName" => text vehicle_supplier_name,
    "VehicleSupplierCountryId" => text vehicle_supplier_country_id,
    "VehicleName" => text vehicle_name, "VehicleCategory" => text vehicle_category,
    "VehicleCode" => text vehicle_code, "VehicleBerths" => text vehicle_berths,
    "VehicleOffroad4x4" => flag vehicle_offroad4x4, "VehicleClass" => text vehicle_class,
    "VehicleRentalGross" => num vehicle_rental_gross, "VehicleNettPrice" => num vehicle_nett_price,
    "ContactCustomer" => int contact_customer, "LanguageCode" => text language_code,
    "VehiclePickupTime" => text vehicle_pickup_time, "VehiclePickupCity" => text vehicle_pickup_city,
    "VehiclePickupCountry" => text vehicle_pickup_country,
    "VehicleDropoffTime" => text vehicle_dropoff_time,
    "VehicleDropoffCity" => text vehicle_dropoff_city,
    "VehicleDropoffCountry" => text vehicle_dropoff_country, "VehicleTypes" => text vehicle_types,
});

setters!(rc_customer: rentalcover::operation::UpdateCustomer {
    "AgentReference" => text agent_reference, "Email" => text email, "NewEmail" => text new_email,
    "FirstName" => text first_name, "LastName" => text last_name, "Address1" => text address1,
    "Address2" => text address2, "City" => text city, "Region" => text region,
    "Country" => text country, "PostalCode" => text postal_code, "Phone" => text phone,
    "OtherEmail" => text other_email, "CustomerAge" => int customer_age,
    "DateOfBirth" => text date_of_birth,
});

setters!(insly_policy: insly::operation::UpdatePolicy {
    "ajax_url" => text ajax_url, "output" => text output, "policy_oid" => uint policy_oid,
    "customer_oid" => uint customer_oid, "mta_type" => int mta_type,
    "effective_date" => text effective_date, "name" => text name, "email" => text email,
    "phone" => text phone, "birthdate" => text birthdate,
    "policy_name_additional" => text policy_name_additional, "post_code" => text post_code,
    "address_id" => text address_id, "full_address" => text full_address, "udprn" => text udprn,
    "umrrn" => text umrrn, "home_policy_excess" => num home_policy_excess,
    "home_buildings_policy_excess" => num home_buildings_policy_excess,
    "home_contents_policy_excess" => num home_contents_policy_excess,
    "home_single_article_limit" => num home_single_article_limit,
    "home_single_article_limit_personal_possessions" => num home_single_article_limit_personal_possessions,
    "products" => products products,
});

setters!(ec_attributes: ecurring::operation::UpdateCustomer {
    "gender" => text gender, "first_name" => text first_name, "middle_name" => text middle_name,
    "last_name" => text last_name, "company_name" => text company_name,
    "vat_number" => text vat_number, "iban" => text iban, "bank_holder" => text bank_holder,
    "postalcode" => text postalcode, "house_number" => text house_number,
    "house_number_add" => text house_number_add, "street" => text street, "city" => text city,
    "country_iso2" => text country_iso2, "language" => text language,
    "telephone" => text telephone,
});

/// eCurring's document: `data.type` and `data.id` come from the facade (the path's id).
fn ec_document(
    b: ecurring::operation::UpdateCustomer,
    wire: &str,
    v: &Value,
) -> Result<ecurring::operation::UpdateCustomer, Unexpressible> {
    match wire {
        "data" => members_of(b, v, ec_data),
        other => panic!("no setter for member {other}"),
    }
}

fn ec_data(
    b: ecurring::operation::UpdateCustomer,
    wire: &str,
    v: &Value,
) -> Result<ecurring::operation::UpdateCustomer, Unexpressible> {
    match wire {
        "type" | "id" => Err(Unexpressible::Owned("the facade (the path's id)")),
        "attributes" => members_of(b, v, ec_attributes),
        other => panic!("no setter for member {other}"),
    }
}

use rocketkor::types::builder as rkb;

setters!(rk_customer: rocketkor::operation::UpdateIndividualCustomer {
    "addresses" => list addresses(rkb::AddressInput, rk_address),
    "metadata" => metadata metadata, "type" => text type_, "firstName" => text first_name,
    "middleName" => text middle_name, "lastName" => text last_name, "prefix" => text prefix,
    "suffix" => text suffix, "sex" => text sex, "gender" => text gender,
    "securityQuestion" => text security_question, "securityAnswer" => text security_answer,
    "pronoun" => text pronoun,
    "primaryPhoneNumber" => obj primary_phone_number(rkb::PhoneNumberInput, rk_phone),
    "primaryEmail" => obj primary_email(rkb::EmailInput, rk_email),
    "dateOfBirth" => text date_of_birth,
    "placeOfBirth" => obj place_of_birth(rkb::PlaceOfBirthInput, rk_place),
    "socialId" => text social_id, "socialIdCountryCode" => text social_id_country_code,
    "citizenshipCountryCode" => text citizenship_country_code,
});

setters!(rk_address: rkb::AddressInput {
    "type" => text type_,
    "name" => opt_obj name(rocketkor::types::ContactName, rkb::ContactName, rk_name),
    "streetLine1" => text street_line1,
    "streetLine2" => opt street_line2(rocketkor::types::StreetLine),
    "streetLine3" => opt street_line3(rocketkor::types::StreetLine),
    "streetLine4" => opt street_line4(rocketkor::types::StreetLine),
    "streetLine5" => opt street_line5(rocketkor::types::StreetLine),
    "cityName" => opt city_name(rocketkor::types::AddressInputCityName),
    "stateCode" => opt state_code(rocketkor::types::AddressInputStateCode),
    "countryCode" => opt country_code(rocketkor::types::CountryCode3),
    "zipCode" => text zip_code, "primary" => opt_flag primary,
});

setters!(rk_name: rkb::ContactName {
    "firstName" => text first_name,
    "middleName" => opt middle_name(rocketkor::types::Name40),
    "lastName" => text last_name,
});

setters!(rk_phone: rkb::PhoneNumberInput {
    "number" => opt number(rocketkor::types::PhoneNumberInputNumber),
    "type" => opt type_(rocketkor::types::PhoneType),
    "provider" => opt provider(rocketkor::types::Name40),
    "extension" => opt extension(rocketkor::types::PhoneNumberInputExtension),
    "verified" => opt_flag verified,
});

setters!(rk_email: rkb::EmailInput {
    "value" => opt value(rocketkor::types::EmailInputValue),
    "verified" => opt_flag verified,
});

setters!(rk_place: rkb::PlaceOfBirthInput {
    "city" => opt city(rocketkor::types::PlaceOfBirthInputCity),
    "countryCode" => opt country_code(rocketkor::types::CountryCode3),
});

/// The facade's verdict on a request, built member by member through the setters (and
/// `types::builder::*` for nested objects) as a user writes it: `Ok(fields named)` when the
/// facade refuses it, `Err(Unexpressible)` when it cannot be written, and a failure
/// message (`accepted`, or another error) otherwise.
async fn facade(
    provider: Service,
    operation: &str,
    body: &Value,
    sandbox: &Sandbox,
) -> Result<Result<Vec<String>, String>, Unexpressible> {
    // Members the facade or the flow sets are left to them unless the case changed them.
    let valid = operations()
        .into_iter()
        .find(|(p, o, ..)| *p == provider && *o == operation)
        .unwrap()
        .2;
    let mut body = body.clone();
    for owned in [
        "/QuoteOnly",
        "/data/type",
        "/data/id",
        "/data/attributes",
        "/data",
    ] {
        match (body.pointer(owned), valid.pointer(owned)) {
            // Removing what the facade always writes is not something a caller can do.
            (None, Some(_)) => return Err(Unexpressible::Owned("the facade or the flow, always")),
            (Some(case), Some(valid)) if case == valid && !valid.is_object() => {
                set(&mut body, owned, None)
            }
            _ => {}
        }
    }
    let body = &body;
    let base = sandbox.base_url(provider);
    let key = provider.credential();
    macro_rules! client {
        ($module:ident) => {
            $module::Client::builder()
                .environment(partner_bindings::$module::Environment::Custom(base.clone()))
                .credential(key)
                .retry(RetryPolicy::none())
                .build()
                .unwrap()
        };
    }
    let result: Result<(), Error> = match (provider, operation) {
        (Service::RentalCover, "updateInsurance") => {
            let client = client!(rentalcover);
            members_of(client.update_insurance("AB12-345C-INS"), body, rc_insurance)?
                .quote(Decimal::ONE)
                .await
                .map(drop)
        }
        (Service::RentalCover, _) => {
            let client = client!(rentalcover);
            members_of(client.update_customer(), body, rc_customer)?
                .send()
                .await
                .map(drop)
        }
        (Service::Insly, _) => {
            let client = client!(insly);
            members_of(client.update_policy(), body, insly_policy)?
                .send()
                .await
                .map(drop)
        }
        (Service::ECurring, _) => {
            let client = client!(ecurring);
            members_of(client.update_customer("1"), body, ec_document)?
                .send()
                .await
                .map(drop)
        }
        (Service::RocketKor, _) => {
            let client = client!(rocketkor);
            members_of(
                client.update_individual_customer("0e01f271-80b1-4724-b5dc-6959c7cd88dc"),
                body,
                rk_customer,
            )?
            .send()
            .await
            .map(drop)
        }
    };
    Ok(match result {
        Err(Error::Validation(v)) => Ok(v.iter().map(|v| v.field.clone()).collect()),
        Err(e) => Err(format!("not refused locally: {e}")),
        Ok(()) => Err("accepted".into()),
    })
}

/// The sandbox's verdict on the same raw body: (status, response body).
async fn sandbox_verdict(
    sandbox: &Sandbox,
    provider: Service,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, String) {
    let (auth_name, auth_value, media) = match provider {
        Service::RentalCover => ("x_api_key", "sandbox-key", "application/json"),
        Service::ECurring => ("x-authorization", "sandbox-key", "application/vnd.api+json"),
        _ => ("authorization", "Bearer sandbox-token", "application/json"),
    };
    let response = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", sandbox.base_url(provider)),
        )
        .header(auth_name, auth_value)
        .header("content-type", media)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The last named segment of a pointer (`/addresses/0/name/firstName` -> `firstName`).
fn leaf(pointer: &str) -> &str {
    pointer
        .rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or(pointer)
}

/// The wire name the facade must give for the member at `pointer`:
/// `/addresses/0/name/firstName` -> `addresses[0].name.firstName`; eCurring's members are
/// the document's attributes.
fn wire_field(provider: Service, pointer: &str) -> String {
    let pointer = match provider {
        Service::ECurring => pointer.strip_prefix("/data/attributes").unwrap_or(pointer),
        _ => pointer,
    };
    let mut field = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment.parse::<usize>().is_ok() {
            field.push_str(&format!("[{segment}]"));
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(segment);
        }
    }
    field
}

/// Counts per rule: refused by the facade, or not expressible (and why).
#[derive(Default)]
struct Tally(std::collections::BTreeMap<String, [u32; 4]>);

impl Tally {
    fn add(&mut self, rule: &str, column: usize) {
        let rule = rule.split('=').next().unwrap().to_string();
        self.0.entry(rule).or_default()[column] += 1;
    }
}

/// One case: the facade's verdict through the setters, the sandbox's on the raw body.
/// Returns the report row, or a failure.
async fn run_case(
    sandbox: &Sandbox,
    (provider, operation, path, method): (Service, &str, &str, &str),
    body: &Value,
    expected: &str,
    rule: &str,
    tally: &mut Tally,
) -> Result<String, String> {
    let counted = sandbox.counts().values().sum::<u64>();
    let local = facade(provider, operation, body, sandbox).await;
    let sent = sandbox.counts().values().sum::<u64>() - counted;
    let (status, answer) = sandbox_verdict(sandbox, provider, method, path, body).await;
    let invalid = if provider == Service::ECurring {
        422
    } else {
        400
    };
    let sandbox_ok = if rule == "conditional" {
        (400..500).contains(&status) && answer.contains(leaf(expected))
    } else {
        status == invalid && answer.contains(leaf(expected))
    };
    let (verdict, facade_ok) = match &local {
        Ok(Ok(fields)) => {
            tally.add(rule, 0);
            // Refused before sending, naming the member by its wire name, exactly.
            (
                fields.join(","),
                sent == 0 && fields.iter().any(|f| f == expected),
            )
        }
        Ok(Err(failure)) => (failure.clone(), false),
        Err(why) => {
            // The harness may only give up where Rust's types really leave no way: a value
            // of another JSON type, a member inside a nested object the user builds, or a
            // member the facade owns. Anything else must reach the facade.
            let allowed = match why {
                Unexpressible::Type(_) => rule.starts_with("type="),
                Unexpressible::NoValue => expected.contains('.'),
                Unexpressible::Owned(_) => true,
            };
            if !allowed {
                return Err(format!(
                    "{operation} {expected} {rule}: not expressible ({why:?}), but it should be"
                ));
            }
            tally.add(
                rule,
                match why {
                    Unexpressible::Type(_) => 1,
                    Unexpressible::NoValue => 2,
                    Unexpressible::Owned(_) => 3,
                },
            );
            (why.label(), sent == 0)
        }
    };
    let row = format!("| {operation} | {expected} | {rule} | {verdict} | {status} |");
    if facade_ok && sandbox_ok {
        Ok(row)
    } else {
        Err(format!(
            "{operation} {expected} {rule}: facade {verdict} (sent {sent}), sandbox {status} {answer}"
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declared_constraint_is_refused_by_facade_and_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut cases = 0;
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut report = vec![
        "| operation | member | rule | facade | sandbox |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for (provider, operation, valid, path, method) in operations() {
        let document = spec(provider);
        let op = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|i| i.as_object().unwrap().values())
            .find(|o| o["operationId"] == operation)
            .unwrap();
        let schema = op["requestBody"]["content"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["schema"]
            .clone();
        // The valid request passes both, built through the same setters.
        let before = sandbox.counts().values().sum::<u64>();
        let verdict = facade(provider, operation, &valid, &sandbox).await;
        assert!(
            matches!(&verdict, Ok(Err(e)) if e == "accepted"),
            "{operation}: the valid request must pass: {verdict:?}"
        );
        let (status, body) = sandbox_verdict(&sandbox, provider, method, path, &valid).await;
        assert_eq!(status, 200, "{operation}: {body}");
        assert_eq!(sandbox.counts().values().sum::<u64>(), before + 2);

        let mut paths = Vec::new();
        members(&document, &schema, String::new(), &valid, &mut paths);
        for (pointer, rules, required) in paths {
            let mut mutations: Vec<(String, Option<Value>)> = rules
                .iter()
                .filter_map(|(rule, value)| {
                    violation(rule, value, &rules).map(|v| (format!("{rule}={value}"), Some(v)))
                })
                .collect();
            if required {
                mutations.push(("required".into(), None));
            }
            for (rule, new) in mutations {
                let mut body = valid.clone();
                set(&mut body, &pointer, new);
                cases += 1;
                let expected = wire_field(provider, &pointer);
                match run_case(
                    &sandbox,
                    (provider, operation, path, method),
                    &body,
                    &expected,
                    &rule,
                    &mut tally,
                )
                .await
                {
                    Ok(row) => report.push(row),
                    Err(failure) => failures.push(failure),
                }
            }
        }
    }
    // Conditional rules the schema cannot hold, documented on the pages.
    let conditional: Vec<Conditional> = vec![
        (
            Service::RentalCover,
            "updateInsurance",
            "FromDate",
            Box::new(|b: &mut Value| b["ToDate"] = json!("2026-11-01 10:00:00")),
        ),
        (
            Service::ECurring,
            "updateCustomer",
            "bank_holder",
            Box::new(|b: &mut Value| b["data"]["attributes"]["iban"] = json!("NL91ABNA0417164300")),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "addresses[0].name",
            Box::new(|b: &mut Value| {
                b["addresses"][0].as_object_mut().unwrap().remove("name");
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "addresses[0].stateCode",
            Box::new(|b: &mut Value| {
                b["addresses"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("stateCode");
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "addresses[1].primary",
            Box::new(|b: &mut Value| {
                let a = b["addresses"][0].clone();
                b["addresses"].as_array_mut().unwrap().push(json!({"type": "SHIPPING", "name": a["name"], "streetLine1": "2 Elm St", "zipCode": "02110", "countryCode": "USA", "stateCode": "MA", "primary": true}));
            }),
        ),
        (
            Service::RocketKor,
            "updateIndividualCustomer",
            "socialIdCountryCode",
            Box::new(|b: &mut Value| {
                b.as_object_mut().unwrap().remove("socialIdCountryCode");
            }),
        ),
    ];
    for (provider, operation, field, edit) in conditional {
        let (_, _, valid, path, method) = operations()
            .into_iter()
            .find(|(p, o, ..)| *p == provider && *o == operation)
            .unwrap();
        let mut body = valid;
        edit(&mut body);
        cases += 1;
        match run_case(
            &sandbox,
            (provider, operation, path, method),
            &body,
            field,
            "conditional",
            &mut tally,
        )
        .await
        {
            Ok(row) => report.push(row),
            Err(failure) => failures.push(failure),
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad-input-matrix.md"), report.join("\n") + "\n").unwrap();
    let summary: serde_json::Map<String, Value> = tally
        .0
        .iter()
        .map(|(rule, [refused, type_, no_value, owned])| {
            (
                rule.clone(),
                json!({"refused": refused, "setter_type": type_, "no_value": no_value, "owned": owned}),
            )
        })
        .collect();
    std::fs::write(
        dir.join("bad-input.json"),
        serde_json::to_string_pretty(&json!({"cases": cases, "rules": summary})).unwrap(),
    )
    .unwrap();
    eprintln!("{cases} bad-input cases");
    assert!(cases > 100, "only {cases} cases generated");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
