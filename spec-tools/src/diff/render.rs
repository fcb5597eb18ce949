//! Output formats of `specs diff`: text, JSON and a Markdown changelog section.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{counts, Change, Level};

/// An output format of `specs diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per change (the default).
    Text,
    /// `{"changes": [...], "counts": {"ERR": n, "WARN": n, "INFO": n}}`.
    Json,
    /// A changelog section: breaking, possibly breaking, other changes.
    Markdown,
}

impl Format {
    /// Parses `text`, `json` or `markdown` (also `md`).
    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Renders `changes` in `format`; the text ends with a newline.
pub fn render(changes: &[Change], format: Format) -> String {
    match format {
        Format::Text => render_text(changes),
        Format::Json => render_json(changes),
        Format::Markdown => render_markdown(changes),
    }
}

/// One line per change: `ERR  request-property-became-required  PUT /x  /paths/..  Sentence.`;
/// a document-level change shows `-` for its operation. No changes: `No changes.`
pub fn render_text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No changes.\n".to_string();
    }
    let mut out = String::new();
    for change in changes {
        out.push_str(&format!(
            "{:<5}{}  {}  {}  {}\n",
            change.level.as_str(),
            change.id,
            change.operation.as_deref().unwrap_or("-"),
            change.pointer,
            change.text
        ));
    }
    out
}

/// `{"changes":[...],"counts":{"ERR":n,"WARN":n,"INFO":n}}`, pretty-printed.
pub fn render_json(changes: &[Change]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        changes: &'a [Change],
        counts: BTreeMap<&'static str, usize>,
    }
    let doc = Doc {
        changes,
        counts: counts(changes),
    };
    // A struct keeps the members in declaration order (id, level, operation, ...).
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

/// `### Breaking changes`, `### Possibly breaking` and `### Other changes`, each a bullet
/// list of the operation, the sentence, the check id and the JSON pointer (a section without changes is left out; none at all: `No API changes.`).
pub fn render_markdown(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No API changes.\n".to_string();
    }
    let mut out = String::new();
    for (level, title) in [
        (Level::Err, "Breaking changes"),
        (Level::Warn, "Possibly breaking"),
        (Level::Info, "Other changes"),
    ] {
        let items: Vec<&Change> = changes.iter().filter(|c| c.level == level).collect();
        if items.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("### {title}\n\n"));
        for change in items {
            // The check id and the pointer let a reader find the rule and the spec line.
            let place = format!("(`{}` at `{}`)", change.id, change.pointer);
            match &change.operation {
                Some(op) => out.push_str(&format!("- `{op}`: {} {place}\n", change.text)),
                None => out.push_str(&format!("- {} {place}\n", change.text)),
            }
        }
    }
    out
}
