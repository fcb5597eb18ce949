//! Lenient scalar types for what partner servers really send.
//!
//! The specs name these shapes `FlexNumber` and `FlexBool`; build.rs replaces them with the
//! types below. Both decode every form the providers are known to use and re-encode the
//! exact form they received, so a decoded response can be stored and sent on unchanged.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A number the server may send as a JSON number (`60`, `107.12`) or as a string
/// (`"60"`, `"12.0000"`). The wire text is kept, so nothing is rounded through `f64`.
///
/// ```
/// use partner_bindings::wire::FlexNumber;
/// let n: FlexNumber = serde_json::from_str(r#""12.0000""#).unwrap();
/// assert_eq!(n.as_str(), "12.0000");
/// assert_eq!(n.as_f64(), Some(12.0));
/// assert_eq!(serde_json::to_string(&n).unwrap(), r#""12.0000""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum FlexNumber {
    /// Sent as a JSON number.
    Number(serde_json::Number),
    /// Sent as a string. It may not hold a number at all (`""`, `"n/a"`); [`FlexNumber::as_f64`]
    /// then gives `None`, but decoding never fails on it.
    Text(String),
}

impl FlexNumber {
    /// The number as the server wrote it, without quotes.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            FlexNumber::Number(n) => n.to_string().into(),
            FlexNumber::Text(s) => s.as_str().into(),
        }
    }

    /// The exact decimal value (`"12.0000"`, `107.12`, `-3.5`), for money.
    pub fn as_decimal(&self) -> Option<rust_decimal::Decimal> {
        let text = self.as_str();
        let text = text.trim();
        text.parse::<rust_decimal::Decimal>()
            .ok()
            .or_else(|| rust_decimal::Decimal::from_scientific(text).ok())
    }

    /// The value as `f64`, if it is a number. Use [`FlexNumber::as_str`] for exact amounts.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            FlexNumber::Number(n) => n.as_f64(),
            FlexNumber::Text(s) => s.trim().parse().ok(),
        }
    }

    /// The value as `i64`, if it is a whole number (`"14"`, `14`, `"14.00"`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            // `as` would saturate out-of-range floats, so only whole floats inside i64 convert.
            FlexNumber::Number(n) if n.is_f64() => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(f))
                .map(|f| f as i64),
            FlexNumber::Number(n) => n.as_i64(),
            FlexNumber::Text(s) => {
                let s = s.trim();
                s.parse().ok().or_else(|| {
                    let (whole, frac) = s.split_once('.')?;
                    frac.bytes()
                        .all(|b| b == b'0')
                        .then(|| whole.parse().ok())?
                })
            }
        }
    }
}

impl From<i64> for FlexNumber {
    fn from(value: i64) -> Self {
        FlexNumber::Number(value.into())
    }
}

impl fmt::Display for FlexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl fmt::Debug for FlexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlexNumber::Number(n) => write!(f, "FlexNumber({n})"),
            FlexNumber::Text(s) => write!(f, "FlexNumber({s:?})"),
        }
    }
}

impl Serialize for FlexNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FlexNumber::Number(n) => n.serialize(serializer),
            FlexNumber::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for FlexNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = FlexNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string holding a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<FlexNumber, E> {
                Ok(FlexNumber::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<FlexNumber, E> {
                Ok(FlexNumber::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexNumber, E> {
                serde_json::Number::from_f64(v)
                    .map(FlexNumber::Number)
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
            fn visit_str<E>(self, v: &str) -> Result<FlexNumber, E> {
                Ok(FlexNumber::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<FlexNumber, E> {
                Ok(FlexNumber::Text(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A yes/no value the server may send as `true`/`false`, `0`/`1`, or a string
/// (`"0"`, `"1"`, `"true"`, `"false"`, `""`). The wire form is kept for re-encoding.
///
/// ```
/// use partner_bindings::wire::FlexBool;
/// let b: FlexBool = serde_json::from_str(r#""0""#).unwrap();
/// assert!(!b.get());
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#""0""#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FlexBool {
    value: bool,
    wire: WireBool,
}

#[derive(Clone, PartialEq, Eq)]
enum WireBool {
    Bool,
    Int(i64),
    Text(String),
}

impl FlexBool {
    /// The value: numbers are true unless 0; strings are true unless empty, `0`, `false`,
    /// `no` or `off` (any case), as PHP servers mean them.
    pub fn get(&self) -> bool {
        self.value
    }

    /// Whether the wire form is one of the plain yes/no forms the specs list: `true`,
    /// `false`, `0`, `1`, `"0"`, `"1"`, `"true"`, `"false"`. Anything else (`2`, `"N"`,
    /// `""`) is read by [`get`](Self::get) as PHP would, but a decision that moves money
    /// should not rest on it.
    pub fn is_plain(&self) -> bool {
        match &self.wire {
            WireBool::Bool => true,
            WireBool::Int(i) => *i == 0 || *i == 1,
            WireBool::Text(s) => ["0", "1", "true", "false"].contains(&s.as_str()),
        }
    }
}

impl From<bool> for FlexBool {
    fn from(value: bool) -> Self {
        FlexBool {
            value,
            wire: WireBool::Bool,
        }
    }
}

impl fmt::Debug for FlexBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FlexBool({})", self.value)
    }
}

impl Serialize for FlexBool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.wire {
            WireBool::Bool => serializer.serialize_bool(self.value),
            WireBool::Int(i) => serializer.serialize_i64(*i),
            WireBool::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for FlexBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = FlexBool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, 0/1, or a string such as \"0\" or \"true\"")
            }
            fn visit_bool<E>(self, v: bool) -> Result<FlexBool, E> {
                Ok(v.into())
            }
            fn visit_i64<E>(self, v: i64) -> Result<FlexBool, E> {
                Ok(FlexBool {
                    value: v != 0,
                    wire: WireBool::Int(v),
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexBool, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("a yes/no number out of range"))?;
                self.visit_i64(v)
            }
            fn visit_str<E>(self, v: &str) -> Result<FlexBool, E> {
                let falsy = ["", "0", "false", "no", "off"];
                Ok(FlexBool {
                    value: !falsy.iter().any(|f| v.trim().eq_ignore_ascii_case(f)),
                    wire: WireBool::Text(v.to_owned()),
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An RFC 3339 / Atom date-time (`2018-02-01T11:21:09+01:00`) that keeps the text the
/// server sent, offset and all. Decoding never fails on a string: a placeholder such as
/// `""` or `"0000-00-00 00:00:00"` is kept and [`Timestamp::parsed`] gives `None`.
///
/// Built from a `chrono::DateTime`, it is written in the Atom form RentalCover documents:
/// whole seconds (a fraction of a second is dropped) and a numeric offset (`+00:00`, never
/// `Z`). Text given by the caller is kept as written; a RentalCover request whose time is
/// not in that form ([`Timestamp::is_atom`]) is refused before sending, naming the member.
///
/// ```
/// use partner_bindings::wire::Timestamp;
/// let t: Timestamp = serde_json::from_str(r#""2018-02-01T11:21:09+01:00""#).unwrap();
/// assert_eq!(t.parsed().unwrap().timestamp(), 1517480469);
/// assert_eq!(t.as_str(), "2018-02-01T11:21:09+01:00");
/// let utc = chrono::DateTime::parse_from_rfc3339("2015-04-22T09:30:00Z").unwrap();
/// assert_eq!(Timestamp::from(utc).as_str(), "2015-04-22T09:30:00+00:00");
/// let precise = chrono::DateTime::parse_from_rfc3339("2015-04-22T09:30:00.250+10:00").unwrap();
/// assert_eq!(Timestamp::from(precise).as_str(), "2015-04-22T09:30:00+10:00");
/// assert!(Timestamp::from(precise).is_atom());
/// assert!(!"2015-04-22T09:30:00Z".parse::<Timestamp>().unwrap().is_atom());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
}

impl Timestamp {
    /// The text as sent or received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text is in the Atom form: `yyyy-mm-ddThh:mm:ss` in whole seconds, then a
    /// numeric offset `+hh:mm` or `-hh:mm` (no `Z`, no fraction), and a real date and time.
    pub fn is_atom(&self) -> bool {
        let b = self.text.as_bytes();
        let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
        b.len() == 25
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19)
            && matches!(b[19], b'+' | b'-')
            && digits(20..22)
            && b[22] == b':'
            && digits(23..25)
            && self.parsed().is_some()
    }

    /// The instant with its offset, or `None` when the text is not RFC 3339.
    pub fn parsed(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&self.text).ok()
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        Timestamp {
            text: value
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }
}

impl std::str::FromStr for Timestamp {
    type Err = chrono::ParseError;
    /// Accepts RFC 3339 text only, so a value built by the caller is always well formed.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        chrono::DateTime::parse_from_rfc3339(s)?;
        Ok(Timestamp { text: s.to_owned() })
    }
}

/// So a setter takes the text itself (`.vehicle_pickup_time("2026-12-01T10:00:00+10:00")`),
/// checked like [`str::parse`].
impl TryFrom<&str> for Timestamp {
    type Error = chrono::ParseError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = chrono::ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        chrono::DateTime::parse_from_rfc3339(&s)?;
        Ok(Timestamp { text: s })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Timestamp { text })
    }
}

/// What serde does for a member an object left out: `None` for an `Option` (any type that
/// reads an absent value as none), else a "missing field" error naming it. The decoders
/// build.rs writes for open objects (`direct_open_decoders`) call it.
pub(crate) fn missing_member<'de, T: Deserialize<'de>, E: de::Error>(
    name: &'static str,
) -> Result<T, E> {
    struct Missing<E>(&'static str, std::marker::PhantomData<E>);
    impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
        type Error = E;
        fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
            Err(E::missing_field(self.0))
        }
        fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
            visitor.visit_none()
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
            identifier ignored_any
        }
    }
    T::deserialize(Missing(name, std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flex_values_show_what_was_sent() {
        let n: FlexNumber = serde_json::from_str(r#""12.50""#).unwrap();
        assert_eq!(n.to_string(), "12.50");
        assert_eq!(format!("{n:?}"), r#"FlexNumber("12.50")"#);
        let n: FlexNumber = serde_json::from_str("7").unwrap();
        assert_eq!(
            (n.to_string(), format!("{n:?}")),
            ("7".into(), "FlexNumber(7)".into())
        );
        let b: FlexBool = serde_json::from_str(r#""1""#).unwrap();
        assert_eq!(format!("{b:?}"), "FlexBool(true)");
        let t: Timestamp = "2015-04-22T00:00:00+10:00".parse().unwrap();
        assert_eq!(
            format!("{t:?}"),
            r#"Timestamp("2015-04-22T00:00:00+10:00")"#
        );
        let e = serde_json::from_str::<FlexBool>("[1]").unwrap_err();
        assert!(e.to_string().contains("a boolean, 0/1"), "{e}");
    }

    #[test]
    fn only_the_listed_yes_no_forms_are_plain() {
        for plain in [
            "true",
            "false",
            "0",
            "1",
            "\"0\"",
            "\"1\"",
            "\"true\"",
            "\"false\"",
        ] {
            let b: FlexBool = serde_json::from_str(plain).unwrap();
            assert!(b.is_plain(), "{plain}");
        }
        for other in ["2", "-1", "\"\"", "\"N\"", "\"TRUE\"", "\" 1\"", "\"yes\""] {
            let b: FlexBool = serde_json::from_str(other).unwrap();
            assert!(!b.is_plain(), "{other}");
        }
        assert!(FlexBool::from(false).is_plain());
    }

    #[test]
    fn a_whole_number_is_an_i64_in_any_form() {
        let n = |s: &str| serde_json::from_str::<FlexNumber>(s).unwrap().as_i64();
        assert_eq!(n("14"), Some(14));
        assert_eq!(n("14.0"), Some(14));
        assert_eq!(n("-3"), Some(-3));
        assert_eq!(n(r#""14.00""#), Some(14));
        assert_eq!(n("14.5"), None);
        assert_eq!(n("1e300"), None);
        assert_eq!(n("9223372036854775807"), Some(i64::MAX));
        assert_eq!(n(r#""14.5""#), None);
    }

    #[test]
    fn a_present_member_is_clear_or_set() {
        assert_eq!(
            serde_json::from_str::<Patch<i32>>("null").unwrap(),
            Patch::Clear
        );
        assert_eq!(
            serde_json::from_str::<Patch<i32>>("3").unwrap(),
            Patch::Set(3)
        );
    }

    #[test]
    fn only_a_set_patch_has_a_value() {
        assert_eq!(Patch::Set(1).as_set(), Some(&1));
        assert_eq!(Patch::<i32>::Clear.as_set(), None);
        assert_eq!(Patch::<i32>::Keep.as_set(), None);
        assert!(Patch::<i32>::Keep.is_keep() && !Patch::Set(1).is_keep());
    }

    #[test]
    fn a_value_of_another_type_is_refused_saying_what_was_expected() {
        let e = serde_json::from_str::<FlexNumber>("true").unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a number or a string holding a number"),
            "{e}"
        );
    }

    #[test]
    fn a_date_is_taken_as_a_value_or_as_its_text_in_any_string_form() {
        let date = chrono::NaiveDate::from_ymd_opt(1990, 1, 31).unwrap();
        assert_eq!(date.into_date(), Ok(date));
        assert_eq!("1990-01-31".into_date(), Ok(date));
        assert_eq!(String::from("1990-01-31").into_date(), Ok(date));
        for bad in ["31/01/1990", "1990-02-30", ""] {
            assert_eq!(
                String::from(bad).into_date(),
                Err("must be a real date, YYYY-MM-DD".to_owned()),
                "{bad:?}"
            );
        }
    }

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(json: &str) -> T {
        let value: T = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            json,
            "wire form kept"
        );
        value
    }

    #[test]
    fn flex_number_reads_every_form_and_keeps_it() {
        assert_eq!(round_trip::<FlexNumber>("60").as_i64(), Some(60));
        assert_eq!(round_trip::<FlexNumber>("\"60\"").as_i64(), Some(60));
        assert_eq!(round_trip::<FlexNumber>("\"14.00\"").as_i64(), Some(14));
        assert_eq!(round_trip::<FlexNumber>("\"14.50\"").as_i64(), None);
        assert_eq!(round_trip::<FlexNumber>("-42.17").as_f64(), Some(-42.17));
        assert_eq!(round_trip::<FlexNumber>("\"-42.17\"").as_str(), "-42.17");
        assert_eq!(round_trip::<FlexNumber>("\"\"").as_f64(), None);
        assert_eq!(
            round_trip::<FlexNumber>("18446744073709551615").as_i64(),
            None
        );
        assert!(serde_json::from_str::<FlexNumber>("true").is_err());
        assert!(serde_json::from_str::<FlexNumber>("{}").is_err());
    }

    #[test]
    fn flex_bool_reads_php_forms() {
        for (json, expected) in [
            ("true", true),
            ("false", false),
            ("0", false),
            ("1", true),
            ("2", true),
            ("\"0\"", false),
            ("\"1\"", true),
            ("\"\"", false),
            ("\"false\"", false),
            ("\"FALSE\"", false),
            ("\"no\"", false),
            ("\"yes\"", true),
        ] {
            assert_eq!(round_trip::<FlexBool>(json).get(), expected, "{json}");
        }
        assert!(serde_json::from_str::<FlexBool>("[]").is_err());
    }

    #[test]
    fn timestamp_keeps_text_and_parses_offsets() {
        let t = round_trip::<Timestamp>("\"2022-11-23T00:42:50.311Z\"");
        assert_eq!(t.parsed().unwrap().timestamp_millis(), 1_669_164_170_311);
        let placeholder = round_trip::<Timestamp>("\"0000-00-00 00:00:00\"");
        assert!(placeholder.parsed().is_none());
        assert!("2015-04-22 00:00:00".parse::<Timestamp>().is_err());
        assert!("2015-04-22T00:00:00+10:00".parse::<Timestamp>().is_ok());
        // The setters' conversions check the same way, and keep the text as given.
        assert!(Timestamp::try_from("2015-04-22 00:00:00").is_err());
        assert!(Timestamp::try_from("2015-04-22 00:00:00".to_string()).is_err());
        let given = "2015-04-22T00:00:00.5+10:00";
        assert_eq!(Timestamp::try_from(given).unwrap().as_str(), given);
        assert_eq!(Timestamp::try_from(given).unwrap().to_string(), given);
        assert_eq!(
            Timestamp::try_from(given.to_string()).unwrap().as_str(),
            given
        );
    }
}

/// One member of a partial update (eCurring PATCH, RocketKOR PUT): leave it as it is,
/// clear it, or set it.
///
/// On the wire, [`Patch::Keep`] leaves the member out, [`Patch::Clear`] sends `null` and
/// [`Patch::Set`] sends the value. A plain value converts into `Set`, so builder setters
/// take either.
///
/// ```
/// use partner_bindings::wire::Patch;
/// let clear: Patch<String> = Patch::Clear;
/// assert_eq!(serde_json::to_string(&clear).unwrap(), "null");
/// let set: Patch<String> = "van der".to_string().into();
/// assert_eq!(set, Patch::Set("van der".to_string()));
/// assert!(Patch::<String>::default().is_keep());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Leave the current value unchanged (the member is not sent).
    #[default]
    Keep,
    /// Remove the current value (the member is sent as `null`).
    Clear,
    /// Replace the current value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether this member is left out of the request. Used by serde's `skip_serializing_if`.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// The value being set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Keep | Patch::Clear => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when a Patch is serialised outside a struct field that skips it.
            Patch::Keep | Patch::Clear => serializer.serialize_none(),
            Patch::Set(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A member that is present decodes as `Clear` (`null`) or `Set`; an absent one is
    /// `Keep` through the field's `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Clear,
            Some(value) => Patch::Set(value),
        })
    }
}

/// A generated type with an open member map (`extra`, the spec's `additionalProperties`)
/// beside its declared members. build.rs implements it from the spec, so the list of
/// declared wire names cannot drift from the type.
pub trait OpenMembers {
    /// The wire names of the declared members (`QuoteOnly`, `FromDate`, ...).
    const DECLARED: &'static [&'static str];
    /// The open member map.
    fn extra(&self) -> &serde_json::Map<String, serde_json::Value>;
}

/// Decodes an optional object member that PHP servers send as `[]` when empty: `[]` and
/// `null` are absent; an object (or a string, for a member that may be text, such as
/// Insly's `response`) decodes as the member's type; anything else is an error. build.rs
/// puts it on the members the specs mark `object or []`.
///
/// ```
/// # #[derive(serde::Deserialize, Debug, PartialEq)]
/// # struct Charge { refund: bool }
/// #[derive(serde::Deserialize)]
/// struct Adjustment {
///     #[serde(default, deserialize_with = "partner_bindings::wire::empty_as_none")]
///     charge: Option<Charge>,
/// }
/// let empty: Adjustment = serde_json::from_str(r#"{"charge": []}"#).unwrap();
/// assert_eq!(empty.charge, None);
/// let set: Adjustment = serde_json::from_str(r#"{"charge": {"refund": true}}"#).unwrap();
/// assert_eq!(set.charge, Some(Charge { refund: true }));
/// assert!(serde_json::from_str::<Adjustment>(r#"{"charge": [1]}"#).is_err());
/// assert!(serde_json::from_str::<Adjustment>(r#"{"charge": 5}"#).is_err());
/// let absent: Adjustment = serde_json::from_str("{}").unwrap();
/// assert_eq!(absent.charge, None);
/// ```
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::{value::MapAccessDeserializer, IntoDeserializer};

    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, a string, `[]` or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(None),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }
    }

    deserializer.deserialize_any(Visitor(std::marker::PhantomData))
}

/// A calendar date for a date member (`DateOfBirth`, `dateOfBirth`): a `chrono::NaiveDate`,
/// or its `YYYY-MM-DD` text, checked when the request is sent (the member's wire name is
/// in the error).
///
/// ```
/// use partner_bindings::wire::DateInput;
/// let date = chrono::NaiveDate::from_ymd_opt(1990, 1, 31).unwrap();
/// assert_eq!("1990-01-31".into_date(), Ok(date));
/// assert_eq!(date.into_date(), Ok(date));
/// assert!("31/01/1990".into_date().is_err());
/// ```
pub trait DateInput {
    /// The date, or the rule the text breaks.
    fn into_date(self) -> Result<chrono::NaiveDate, String>;
}

impl DateInput for chrono::NaiveDate {
    fn into_date(self) -> Result<chrono::NaiveDate, String> {
        Ok(self)
    }
}

impl DateInput for &str {
    fn into_date(self) -> Result<chrono::NaiveDate, String> {
        chrono::NaiveDate::parse_from_str(self, "%Y-%m-%d")
            .map_err(|_| "must be a real date, YYYY-MM-DD".to_owned())
    }
}

impl DateInput for String {
    fn into_date(self) -> Result<chrono::NaiveDate, String> {
        self.as_str().into_date()
    }
}
