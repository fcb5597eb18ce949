//! Rules the generated types cannot hold (cross-field rules, calendar dates, formats),
//! checked before anything is sent. Each provider module lists its own rules with these.

use crate::error::{Error, Violation};

/// Collects every broken rule of one request, so the caller sees them all at once.
#[derive(Default)]
pub(crate) struct Checks(Vec<Violation>);

impl Checks {
    /// Records `rule` against `field` unless `ok`.
    pub(crate) fn check(&mut self, ok: bool, field: impl Into<String>, rule: impl Into<String>) {
        if !ok {
            self.0.push(Violation {
                field: field.into(),
                rule: rule.into(),
            });
        }
    }

    /// `Ok` when nothing was broken.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

#[cfg(any(feature = "rentalcover", feature = "insly", feature = "rocketkor"))]
/// A plausible address: one `@`, something on each side, a dot in the domain, no spaces.
pub(crate) fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
                && text.len() <= 320
        }
        None => false,
    }
}

#[cfg(feature = "rentalcover")]
/// RentalCover's `yyyy-mm-dd hh:mm:ss`, as a real calendar date and time.
pub(crate) fn date_time_text(text: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()
}

#[cfg(feature = "insly")]
/// Insly's `DD/MM/YYYY`, as a real calendar date.
pub(crate) fn uk_date(text: &str) -> Option<chrono::NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y").ok()
}

#[cfg(feature = "rocketkor")]
/// A phone number in E.164 form (`+` and 4 to 15 digits), from what people type:
/// spaces, dots, dashes and brackets are dropped and a leading `00` becomes `+`.
/// Numbers without a country code keep RocketKOR's digits-only form.
pub(crate) fn e164(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let (plus, digits) = if let Some(rest) = compact.strip_prefix('+') {
        (true, rest)
    } else if let Some(rest) = compact.strip_prefix("00") {
        (true, rest)
    } else {
        (false, compact.as_str())
    };
    let ok = (4..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{}{digits}", if plus { "+" } else { "" }))
}

#[cfg(all(
    test,
    feature = "rentalcover",
    feature = "insly",
    feature = "rocketkor"
))]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("jane.doe@example.com"));
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(date_time_text("2026-02-28 10:00:00").is_some());
        assert!(date_time_text("2026-02-30 10:00:00").is_none());
        assert!(date_time_text("2026-02-28T10:00:00").is_none());
        assert!(uk_date("29/02/2024").is_some());
        assert!(uk_date("29/02/2025").is_none());
        assert!(uk_date("1/2/2025").is_none());
        assert!(uk_date("2025-02-01").is_none());
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(e164("+1 (415) 555-0100").as_deref(), Some("+14155550100"));
        assert_eq!(e164("0044 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(e164("4151234").as_deref(), Some("4151234"));
        assert_eq!(e164("+1 415 CALL ME"), None);
        assert_eq!(e164("+123"), None);
        assert_eq!(e164("+1234567890123456"), None);
    }
}

#[cfg(feature = "rentalcover")]
/// A key of the open member map must not be a declared member in another case
/// (`quoteonly` beside `QuoteOnly`): the server would read whichever it reads last.
pub(crate) fn open_members<T: crate::wire::OpenMembers>(checks: &mut Checks, value: &T) {
    for key in value.extra().keys() {
        if let Some(declared) = T::DECLARED.iter().find(|d| d.eq_ignore_ascii_case(key)) {
            checks.check(
                false,
                key.as_str(),
                format!(
                    "must not be sent as an extra member: it is the declared member {declared}"
                ),
            );
        }
    }
}
