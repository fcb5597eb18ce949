//! Drift check: compares each hand-written spec with the provider reference page it was
//! written from (the snapshots in `specs/pages/`).
//!
//! Each page has its own layout, so each has its own extractor ([`extract_page`]); they all
//! produce the same [`PageFacts`]: the documented members (wire name path, required or not,
//! type, request or response), the documented response statuses, URLs, auth headers.
//! [`check`] then walks the spec's operations and reports three kinds of [`Finding`]:
//!
//! - [`Kind::Missing`]: documented on the page, absent from the spec.
//! - [`Kind::Unmarked`]: in the spec (a property, parameter, response status, server, server
//!   variable default or security scheme) but neither documented nor carrying an
//!   `x-assumption: <why>` marker. The marker goes on the undocumented element itself (a
//!   property's schema, the schema it refers to or one of its branches; a parameter; a
//!   response; a server; a server variable; a security scheme) and then covers everything
//!   beneath it, so only the topmost undocumented element of a subtree is reported. A
//!   marker on a *documented* element (say, a request schema marked for its semantics)
//!   does not excuse undocumented members inside it: otherwise one marker on a body would
//!   hide every later drift in it.
//! - [`Kind::Mismatch`]: documented, but the page's required-ness or type disagrees with the
//!   spec; a marker on the member itself (its property schema or the schema it refers to,
//!   or the parameter) accepts the difference.
//!
//! `NOTES.md` (facts beyond the pages) can only vouch for spec elements, never produce a
//! finding: in a provider's section, three-digit numbers are documented response statuses,
//! backticked JSON is the documented error body (for every non-2xx status), backticked
//! `Name: value` or `Name` tokens are documented headers, backticked `Bearer` documents a
//! bearer scheme, and URLs are documented hosts.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// The page layouts the extractors know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// RentalCover GitBook text export: a curl example, a response, a text field list.
    RentalCoverText,
    /// RentalCover GitBook markdown: curl and response tabs, an HTML parameter table.
    RentalCoverMarkdown,
    /// Insly: a label list, a markdown response table, JSON request and response examples.
    Insly,
    /// eCurring: a `name` / `type |` attribute list and HTTP request/response examples.
    Ecurring,
    /// RocketKOR: a flat field list with REQUIRED/CONDITIONAL marks and JSON samples.
    RocketKor,
}

/// Which page documents which operation of which spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    /// File name in the pages directory.
    pub file: &'static str,
    /// Provider, as the spec file's stem (`specs/<provider>.yaml`).
    pub provider: &'static str,
    /// The operationId the page documents.
    pub operation: &'static str,
    /// How to read the page.
    pub layout: Layout,
}

/// The five pages and what they document.
pub const PAGES: &[PageInfo] = &[
    PageInfo {
        file: "rentalcover-update-customer.txt",
        provider: "rentalcover",
        operation: "updateCustomer",
        layout: Layout::RentalCoverText,
    },
    PageInfo {
        file: "rentalcover-update.md",
        provider: "rentalcover",
        operation: "updateInsurance",
        layout: Layout::RentalCoverMarkdown,
    },
    PageInfo {
        file: "insly-policy-update.txt",
        provider: "insly",
        operation: "updatePolicy",
        layout: Layout::Insly,
    },
    PageInfo {
        file: "ecurring-update-customer.txt",
        provider: "ecurring",
        operation: "updateCustomer",
        layout: Layout::Ecurring,
    },
    PageInfo {
        file: "rocketkor-update-individual-customer.txt",
        provider: "rocketkor",
        operation: "updateIndividualCustomer",
        layout: Layout::RocketKor,
    },
];

/// The notes file next to the pages.
pub const NOTES_FILE: &str = "NOTES.md";

/// Where a documented member lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// A request parameter or body field.
    Request,
    /// A field of the response body.
    Response,
}

/// A type as a page states it (dates and date-times are strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocType {
    /// Text (also dates, date-times, enums of text).
    String,
    /// A whole number.
    Integer,
    /// Any number (`float`).
    Number,
    /// `true`/`false`.
    Boolean,
    /// A boolean sent as 0/1 (`boolean [0/1]`): an integer or boolean in the spec.
    Flag,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
}

impl DocType {
    fn name(self) -> &'static str {
        match self {
            DocType::String => "string",
            DocType::Integer => "integer",
            DocType::Number => "number",
            DocType::Boolean => "boolean",
            DocType::Flag => "0/1 flag",
            DocType::Object => "object",
            DocType::Array => "array",
        }
    }
}

/// One member a page documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Request or response.
    pub place: Place,
    /// Wire names from the body's root; `[]` stands for "each array item".
    pub path: Vec<String>,
    /// `Some(true)` required, `Some(false)` optional, `None` where the page does not say.
    pub required: Option<bool>,
    /// The documented type(s); empty when unknown (e.g. a `null` example value).
    pub types: Vec<DocType>,
    /// Listed in the page's field list or table (not only seen in an example).
    pub listed: bool,
}

/// Everything one page (or one provider's section of NOTES.md) documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// The documented members.
    pub members: Vec<Member>,
    /// Documented response statuses.
    pub statuses: BTreeSet<u16>,
    /// URLs the page shows.
    pub urls: BTreeSet<String>,
    /// Header names the page shows.
    pub headers: BTreeSet<String>,
    /// The page shows a `Bearer` token.
    pub bearer: bool,
    /// NOTES.md: "`name` is described as a string but is used as an object": the type a
    /// member really has where its page says another, by member name.
    pub used_as: BTreeMap<String, DocType>,
}

impl PageFacts {
    fn add(&mut self, m: Member) {
        add_member(&mut self.members, m);
    }
}

fn add_member(list: &mut Vec<Member>, m: Member) {
    match list
        .iter_mut()
        .find(|x| x.place == m.place && x.path == m.path)
    {
        None => list.push(m),
        Some(old) => {
            if m.listed && !old.listed {
                old.listed = true;
                old.types = m.types;
                old.required = m.required;
            } else if m.listed == old.listed {
                for t in m.types {
                    if !old.types.contains(&t) {
                        old.types.push(t);
                    }
                }
                if old.required.is_none() {
                    old.required = m.required;
                }
            }
        }
    }
}

/// The pages and notes, read and extracted.
#[derive(Clone, Debug, Default)]
pub struct Docs {
    pages: BTreeMap<&'static str, PageFacts>,
    notes: BTreeMap<String, PageFacts>,
}

impl Docs {
    /// Reads the five pages of [`PAGES`] and `NOTES.md` from `dir`.
    pub fn load(dir: &Path) -> Result<Docs, String> {
        let mut files = BTreeMap::new();
        for name in PAGES.iter().map(|p| p.file).chain([NOTES_FILE]) {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(name.to_string(), text);
        }
        Docs::from_texts(&files)
    }

    /// Extracts the pages from their texts, by file name (every file of [`PAGES`] and
    /// `NOTES.md` must be there).
    pub fn from_texts(files: &BTreeMap<String, String>) -> Result<Docs, String> {
        let mut docs = Docs::default();
        for page in PAGES {
            let text = files
                .get(page.file)
                .ok_or_else(|| format!("page {} is missing", page.file))?;
            let facts =
                extract_page(page.layout, text).map_err(|e| format!("{}: {e}", page.file))?;
            docs.pages.insert(page.file, facts);
        }
        let notes = files
            .get(NOTES_FILE)
            .ok_or_else(|| format!("{NOTES_FILE} is missing"))?;
        docs.notes = extract_notes(notes);
        Ok(docs)
    }

    /// What a page documents, by file name.
    pub fn page(&self, file: &str) -> Option<&PageFacts> {
        self.pages.get(file)
    }

    /// What NOTES.md says about a provider.
    pub fn notes(&self, provider: &str) -> Option<&PageFacts> {
        self.notes.get(provider)
    }
}

// ---------------------------------------------------------------------------------------
// Extractors
// ---------------------------------------------------------------------------------------

/// Extracts what a page documents. Fails when the page lacks what its layout must have
/// (an example, the field list), so a page in a new format is not silently read as empty.
pub fn extract_page(layout: Layout, text: &str) -> Result<PageFacts, String> {
    let mut facts = PageFacts::default();
    common_facts(text, &mut facts);
    match layout {
        Layout::RentalCoverText => rentalcover_text(text, &mut facts)?,
        Layout::RentalCoverMarkdown => rentalcover_markdown(text, &mut facts)?,
        Layout::Insly => insly(text, &mut facts)?,
        Layout::Ecurring => ecurring(text, &mut facts)?,
        Layout::RocketKor => rocketkor(text, &mut facts)?,
    }
    if !facts.members.iter().any(|m| m.place == Place::Request) {
        return Err("no request members found".into());
    }
    Ok(facts)
}

/// URLs, `-H "Name: ..."` headers, `Bearer` and `/{param}` path parameters.
fn common_facts(text: &str, facts: &mut PageFacts) {
    facts.urls.extend(urls(text));
    let mut rest = text;
    while let Some(i) = rest.find("-H \"") {
        rest = &rest[i + 4..];
        if let Some((name, _)) = rest.split_once(':') {
            if is_header_name(name) {
                facts.headers.insert(name.to_string());
            }
        }
    }
    facts.bearer = text.contains("Bearer ");
    add_path_parameters(facts, text);
}

fn urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("https://") {
        rest = &rest[i..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "\"'`),".contains(c))
            .unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches('.');
        if url.len() > "https://".len() {
            out.push(url.to_string());
        }
        rest = &rest[end.max(1)..];
    }
    out
}

/// Every `/{name}` in `text` is a documented (required) path parameter.
fn add_path_parameters(facts: &mut PageFacts, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find("/{") {
        rest = &rest[i + 2..];
        if let Some((name, _)) = rest.split_once('}') {
            if is_ident(name) {
                facts.add(Member {
                    place: Place::Request,
                    path: vec![name.to_string()],
                    required: Some(true),
                    types: vec![],
                    listed: true,
                });
            }
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The type a field annotation states by its first word (`string [varchar(2)]`,
/// `boolean [0/1]`, `date [yyyy-mm-dd]`, `float`, `string enum, values: ...`).
fn annotation_type(annotation: &str) -> Option<DocType> {
    let first = annotation
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '(')
        .find(|w| !w.is_empty())?;
    let t = match first.to_ascii_lowercase().as_str() {
        "string" | "date" | "datetime" | "text" => DocType::String,
        "integer" | "int" => DocType::Integer,
        "float" | "number" | "double" | "decimal" => DocType::Number,
        "boolean" | "bool" => DocType::Boolean,
        "object" => DocType::Object,
        "array" => DocType::Array,
        _ => return None,
    };
    if t == DocType::Boolean && (annotation.contains("[0/1]") || annotation.contains("[0|1]")) {
        return Some(DocType::Flag);
    }
    Some(t)
}

fn value_type(v: &Value) -> Vec<DocType> {
    match v {
        Value::Null => vec![],
        Value::Bool(_) => vec![DocType::Boolean],
        Value::Number(n) if n.is_f64() => vec![DocType::Number],
        Value::Number(_) => vec![DocType::Integer],
        Value::String(_) => vec![DocType::String],
        Value::Array(_) => vec![DocType::Array],
        Value::Object(_) => vec![DocType::Object],
    }
}

/// Every key of an example, with the type of its value; array items share the `[]` segment.
fn example_members(v: &Value, place: Place, prefix: &[String], out: &mut Vec<Member>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let mut path = prefix.to_vec();
                path.push(k.clone());
                add_member(
                    out,
                    Member {
                        place,
                        path: path.clone(),
                        required: None,
                        types: value_type(child),
                        listed: false,
                    },
                );
                example_members(child, place, &path, out);
            }
        }
        Value::Array(items) => {
            let mut path = prefix.to_vec();
            path.push("[]".into());
            for item in items {
                example_members(item, place, &path, out);
            }
        }
        _ => {}
    }
}

/// The first JSON object at or after byte `from`, and the byte offset after it.
fn json_at(text: &str, from: usize) -> Result<(Value, usize), String> {
    let rest = text.get(from..).ok_or("example out of range")?;
    let start = rest.find('{').ok_or("no JSON example")?;
    // Pages indent their samples with no-break spaces; two spaces keep the byte offsets.
    let json = rest[start..].replace('\u{a0}', "  ");
    let mut stream = serde_json::Deserializer::from_str(&json).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Ok((v, from + start + stream.byte_offset())),
        Some(Err(e)) => Err(format!("JSON example does not parse: {e}")),
        None => Err("no JSON example".into()),
    }
}

fn find(text: &str, needle: &str) -> Result<usize, String> {
    text.find(needle)
        .ok_or_else(|| format!("`{}` not found", needle.trim()))
}

/// The byte offset just after `needle`.
fn after(text: &str, needle: &str) -> Result<usize, String> {
    find(text, needle).map(|i| i + needle.len())
}

fn rentalcover_text(text: &str, facts: &mut PageFacts) -> Result<(), String> {
    let (request, end) = json_at(text, after(text, "-d '")?)?;
    example_members(&request, Place::Request, &[], &mut facts.members);
    let (response, _) = json_at(text, end)?;
    example_members(&response, Place::Response, &[], &mut facts.members);
    facts.statuses.insert(200);
    let list = find(text, "Request Parameters")?;
    for line in text[list..].lines() {
        let Some((name, annotation)) = line.trim().split_once(' ') else {
            continue;
        };
        if !is_ident(name) {
            continue;
        }
        // `Name type [detail] [required]` and nothing else (not a sentence).
        let mut words = without_brackets(annotation);
        let required = words.last().map(String::as_str) == Some("required");
        if required {
            words.pop();
        }
        if words.len() != 1 {
            continue;
        }
        if let Some(t) = annotation_type(annotation) {
            facts.add(Member {
                place: Place::Request,
                path: vec![name.to_string()],
                required: Some(required),
                types: vec![t],
                listed: true,
            });
        }
    }
    Ok(())
}

/// The words of `s` outside `[...]` groups.
fn without_brackets(s: &str) -> Vec<String> {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().map(str::to_string).collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn rentalcover_markdown(text: &str, facts: &mut PageFacts) -> Result<(), String> {
    let (request, _) = json_at(text, after(text, "-d '")?)?;
    example_members(&request, Place::Request, &[], &mut facts.members);
    let (response, _) = json_at(text, after(text, "{% tab title=\"Response\" %}")?)?;
    example_members(&response, Place::Response, &[], &mut facts.members);
    facts.statuses.insert(200);
    let table = find(text, "Request Parameters")?;
    for row in text[table..].split("<tr>").skip(1) {
        let Some(cell) = row
            .split_once("<td>")
            .and_then(|(_, c)| c.split_once("</td>"))
            .map(|(c, _)| c)
        else {
            continue;
        };
        let Some(cell) = cell.strip_prefix("<code>") else {
            continue;
        };
        let Some((name, annotation)) = cell.split_once("</code>") else {
            continue;
        };
        if !is_ident(name) {
            continue;
        }
        let annotation = strip_tags(annotation);
        if let Some(t) = annotation_type(&annotation) {
            facts.add(Member {
                place: Place::Request,
                path: vec![name.to_string()],
                required: Some(annotation.split_whitespace().any(|w| w == "required")),
                types: vec![t],
                listed: true,
            });
        }
    }
    Ok(())
}

/// `{{name}}` template placeholders (Insly's request example) read as `null`.
fn fill_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.split_once("}}") {
            Some((name, tail)) if is_ident(name) => {
                out.push_str("null");
                rest = tail;
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn insly(text: &str, facts: &mut PageFacts) -> Result<(), String> {
    let text = fill_templates(text);
    let text = text.as_str();
    let start = after(text, "Update policy.")?;
    let table = find(text, "| Parameter |")?;
    // The label list has no wire names except where a label is one word (`output`,
    // `UDPRN`): that word, lower-cased, is the wire name. Other names come from the example.
    for line in text.get(start..table).unwrap_or("").lines() {
        let label = line.trim().trim_matches('|').trim();
        if is_ident(label) {
            facts.add(Member {
                place: Place::Request,
                path: vec![label.to_ascii_lowercase()],
                required: None,
                types: vec![],
                listed: true,
            });
        }
    }
    for line in text[table..].lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| name | type | description |` rows of the response table.
        if cells.len() >= 4 && is_ident(cells[1]) {
            if let Some(t) = annotation_type(cells[2]) {
                facts.add(Member {
                    place: Place::Response,
                    path: vec![cells[1].to_string()],
                    required: None,
                    types: vec![t],
                    listed: true,
                });
            }
        }
    }
    let (request, _) = json_at(text, after(text, "Json request example")?)?;
    example_members(&request, Place::Request, &[], &mut facts.members);
    let (response, _) = json_at(text, after(text, "Json response example")?)?;
    example_members(&response, Place::Response, &[], &mut facts.members);
    facts.statuses.insert(200);
    Ok(())
}

fn ecurring(text: &str, facts: &mut PageFacts) -> Result<(), String> {
    let start = find(text, "Request attributes")?;
    let end = find(text, "\nExamples")?;
    let prefix = ["data".to_string(), "attributes".to_string()];
    let lines: Vec<&str> = text.get(start..end).unwrap_or("").lines().collect();
    for pair in lines.windows(2) {
        let name = pair[0].trim();
        let next = pair[1].trim();
        // `name` on its own line, then `type |`.
        if is_ident(name) {
            if let Some(t) = annotation_type(next) {
                let mut path = prefix.to_vec();
                path.push(name.to_string());
                facts.add(Member {
                    place: Place::Request,
                    path,
                    required: None,
                    types: vec![t],
                    listed: true,
                });
            }
        }
    }
    let request = find(text, "\nRequest\n")?;
    let response = find(text, "\nResponse\n")?;
    let (req, _) = json_at(text, request)?;
    example_members(&req, Place::Request, &[], &mut facts.members);
    let (resp, _) = json_at(text, response)?;
    example_members(&resp, Place::Response, &[], &mut facts.members);
    for line in text[response..].lines() {
        if let Some(status) = line.strip_prefix("HTTP/1.1 ") {
            if let Some(code) = status
                .split_whitespace()
                .next()
                .and_then(|c| c.parse().ok())
            {
                facts.statuses.insert(code);
            }
        }
    }
    Ok(())
}

/// The key tree of the page's JSON samples: it tells where a flat field list's names nest.
#[derive(Debug, Default)]
struct Guide {
    children: BTreeMap<String, Guide>,
}

impl Guide {
    fn add(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    self.children.entry(k.clone()).or_default().add(child);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.add(item);
                }
            }
            _ => {}
        }
    }

    /// The sample's spelling of `name`: exact, else the one key equal to it ignoring case.
    fn key(&self, name: &str) -> Option<&str> {
        if let Some((k, _)) = self.children.get_key_value(name) {
            return Some(k);
        }
        let mut found = self
            .children
            .keys()
            .filter(|k| k.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some(k), None) => Some(k),
            _ => None,
        }
    }
}

fn rocketkor(text: &str, facts: &mut PageFacts) -> Result<(), String> {
    let (request, _) = json_at(text, after(text, "SAMPLE REQUEST")?)?;
    let (response, _) = json_at(text, after(text, "SAMPLE RESPONSE")?)?;
    example_members(&request, Place::Request, &[], &mut facts.members);
    example_members(&response, Place::Response, &[], &mut facts.members);
    facts.statuses.insert(200);
    let mut guide = Guide::default();
    guide.add(&request);
    guide.add(&response);

    let start = find(text, "Request Body")?;
    let end = find(text, "\nReturns")?;
    let lines: Vec<String> = text
        .get(start..end)
        .unwrap_or("")
        .lines()
        .map(|l| l.replace('\u{a0}', " ").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    // The list is flat: a field of type object or array opens a scope, and a later name
    // belongs to the innermost open scope whose sample has it (else the innermost scope).
    let empty = Guide::default();
    let mut scopes: Vec<(Vec<String>, &Guide)> = vec![(vec![], &guide)];
    for pair in lines.windows(2) {
        let mut words = pair[0].split_whitespace();
        let (Some(name), mark) = (words.next(), words.next()) else {
            continue;
        };
        if words.next().is_some() || !is_ident(name) {
            continue;
        }
        let required = match mark {
            None => Some(false),
            Some("REQUIRED") => Some(true),
            Some("CONDITIONAL") => None,
            Some(_) => continue,
        };
        let Some(t) = annotation_type(&pair[1]) else {
            continue;
        };
        let depth = (0..scopes.len())
            .rev()
            .find(|&i| scopes[i].1.key(name).is_some())
            .unwrap_or(scopes.len() - 1);
        scopes.truncate(depth + 1);
        let (scope_path, scope_guide) = &scopes[depth];
        let wire = scope_guide.key(name).unwrap_or(name).to_string();
        let child = scope_guide.children.get(&wire).unwrap_or(&empty);
        let mut path = scope_path.clone();
        path.push(wire);
        facts.add(Member {
            place: Place::Request,
            path: path.clone(),
            required,
            types: vec![t],
            listed: true,
        });
        match t {
            DocType::Object => scopes.push((path, child)),
            DocType::Array => {
                path.push("[]".into());
                scopes.push((path, child));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Splits NOTES.md into provider sections (a line holding just the provider's name, up to
/// the next such line or `## ` heading) and reads each section's facts.
pub fn extract_notes(text: &str) -> BTreeMap<String, PageFacts> {
    let providers: BTreeSet<&str> = PAGES.iter().map(|p| p.provider).collect();
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let lower = line.trim().to_ascii_lowercase();
        if providers.contains(lower.as_str()) {
            current = Some(lower);
            continue;
        }
        if line.starts_with('#') {
            current = None;
            continue;
        }
        if let Some(p) = &current {
            let section = sections.entry(p.clone()).or_default();
            section.push_str(line);
            section.push('\n');
        }
    }
    sections
        .into_iter()
        .map(|(p, s)| (p, notes_facts(&s)))
        .collect()
}

fn notes_facts(section: &str) -> PageFacts {
    let mut facts = PageFacts::default();
    for word in section.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Ok(code @ 100..=599) = word.parse::<u16>() {
            facts.statuses.insert(code);
        }
    }
    facts.urls.extend(urls(section));
    add_path_parameters(&mut facts, section);
    for span in section.split('`').skip(1).step_by(2) {
        if span.starts_with('{') {
            let json = span.replace(", ...]", "]").replace(", ...}", "}");
            if let Ok(v) = serde_json::from_str::<Value>(&json) {
                example_members(&v, Place::Response, &[], &mut facts.members);
            }
            continue;
        }
        let name = span.split_once(':').map(|(n, _)| n).unwrap_or(span);
        if is_header_name(name) {
            facts.headers.insert(name.to_string());
        }
        if span.contains("Bearer") {
            facts.bearer = true;
        }
    }
    // NOTES.md may say it in prose ("accept it as a configurable auth (a bearer token by
    // default)") rather than as a header; "not a bearer token" says the opposite.
    let prose = section.to_ascii_lowercase();
    if prose.match_indices("bearer token").any(|(at, _)| {
        let before: Vec<&str> = prose[..at].split_whitespace().rev().take(2).collect();
        !before
            .iter()
            .any(|w| ["not", "no", "never", "isn't", "without"].contains(w))
    }) {
        facts.bearer = true;
    }
    for sentence in section.split(['\n', '.']) {
        let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some((name, rest)) = sentence
            .trim_start_matches(['-', ' '])
            .strip_prefix('`')
            .and_then(|s| s.split_once("` is described as "))
        else {
            continue;
        };
        let Some((_, used)) = rest.split_once(" but is used as ") else {
            continue;
        };
        let used = used.trim_start_matches("an ").trim_start_matches("a ");
        if let Some(t) = used.split_whitespace().next().and_then(annotation_type) {
            facts.used_as.insert(name.to_string(), t);
        }
    }
    facts
}

// ---------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------

/// What kind of drift a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Documented on the page, absent from the spec.
    Missing,
    /// In the spec, neither documented nor marked `x-assumption`.
    Unmarked,
    /// Documented, but required-ness or type differs.
    Mismatch,
}

impl Kind {
    /// `missing`, `unmarked` or `mismatch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Missing => "missing",
            Kind::Unmarked => "unmarked",
            Kind::Mismatch => "mismatch",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between a spec and its pages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// The kind.
    pub kind: Kind,
    /// The provider (the spec file's stem).
    pub provider: String,
    /// The operationId, or `-` for spec-wide elements (servers, security schemes).
    pub operation: String,
    /// The member: `request.<path>`, `parameters.<name>`, `responses.<status>[.<path>]`,
    /// `servers.<url>[.variables.<name>.default]`, `security.<scheme>` or `operation`.
    /// In paths, `[]` is an array's items and `*` a map's values.
    pub member: String,
    /// One sentence saying what differs.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<8} {} {} {}: {}",
            self.kind, self.provider, self.operation, self.member, self.message
        )
    }
}

/// Findings as text, one line each.
pub fn render_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&f.to_string());
        out.push('\n');
    }
    out
}

/// Findings as a JSON array of `{kind, provider, operation, member, message}`.
pub fn render_json(findings: &[Finding]) -> String {
    let list: Vec<Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "kind": f.kind.as_str(),
                "provider": f.provider,
                "operation": f.operation,
                "member": f.member,
                "message": f.message,
            })
        })
        .collect();
    serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_else(|_| "[]".into())
}

/// Reads a spec file's text (YAML or JSON) as a JSON value.
pub fn parse_spec(text: &str) -> Result<Value, String> {
    let v: Value = serde_yaml::from_str(text).map_err(|e| format!("not YAML or JSON: {e}"))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err("not an OpenAPI document (not an object)".into())
    }
}

/// The provider a spec file is for: its stem (`specs/insly.yaml` is `insly`), when a page
/// documents that provider.
pub fn provider_of(path: &Path) -> Option<&'static str> {
    let stem = path.file_stem()?.to_str()?;
    PAGES.iter().map(|p| p.provider).find(|p| *p == stem)
}

fn join(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if seg == "[]" {
            out.push_str("[]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn is_marked(v: &Value) -> bool {
    v.get("x-assumption").is_some()
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct Spec<'a> {
    root: &'a Value,
}

/// A schema node reached on a walk, and whether an ancestor (or itself) is marked.
type Node<'a> = (&'a Value, bool);

impl<'a> Spec<'a> {
    fn deref(&self, mut v: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                    Some(target) => v = target,
                    None => return &EMPTY_SCHEMA,
                },
                None => return v,
            }
        }
        &EMPTY_SCHEMA
    }

    /// The node and every `allOf`/`anyOf`/`oneOf` branch beneath it, references followed,
    /// each with whether it or a node above it is marked.
    fn branches(&self, node: Node<'a>) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        self.collect_branches(node, 0, &mut out);
        out
    }

    fn collect_branches(
        &self,
        (raw, marked_here): Node<'a>,
        depth: usize,
        out: &mut Vec<Node<'a>>,
    ) {
        let v = self.deref(raw);
        // Each node says whether it, or the reference that led to it, is marked.
        let marked = marked_here || is_marked(raw) || is_marked(v);
        if depth > MAX_BRANCH_DEPTH || out.len() > MAX_BRANCHES {
            return;
        }
        out.push((v, marked));
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.collect_branches((branch, marked), depth + 1, out);
            }
        }
    }

    /// A schema marked itself: on the node, its reference target or an `allOf` part (all
    /// of which describe the same value). A marker on an `anyOf`/`oneOf` alternative is
    /// about that alternative (a value form, guessed enum values), not about the member.
    fn marked_schema(&self, v: &'a Value) -> bool {
        self.marked_in_all_of(v, 0)
    }

    fn marked_in_all_of(&self, raw: &'a Value, depth: usize) -> bool {
        let v = self.deref(raw);
        if is_marked(raw) || is_marked(v) {
            return true;
        }
        depth < MAX_BRANCH_DEPTH
            && v.get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|part| self.marked_in_all_of(part, depth + 1))
    }

    fn all_branches(&self, nodes: &[Node<'a>]) -> Vec<Node<'a>> {
        nodes.iter().flat_map(|n| self.branches(*n)).collect()
    }

    /// The value schema of a map-like branch: an object without declared properties whose
    /// `additionalProperties` is not `false` (absent means "anything").
    fn map_values(&self, (b, marked): Node<'a>) -> Option<Node<'a>> {
        if !b.is_object() || b.get("enum").is_some() {
            return None;
        }
        let ty = b.get("type").and_then(Value::as_str);
        let object_like =
            ty == Some("object") || (ty.is_none() && b.get("additionalProperties").is_some());
        let no_props = b
            .get("properties")
            .and_then(Value::as_object)
            .is_none_or(|p| p.is_empty());
        if !object_like || !no_props {
            return None;
        }
        match b.get("additionalProperties") {
            Some(Value::Bool(false)) => None,
            Some(ap @ Value::Object(_)) => Some((ap, marked)),
            _ => Some((&EMPTY_SCHEMA, marked)),
        }
    }

    /// A schema set that constrains nothing (every branch is `{}` or only describes).
    fn is_free(&self, bs: &[Node<'a>]) -> bool {
        bs.iter().all(|(b, _)| {
            [
                "type",
                "properties",
                "items",
                "additionalProperties",
                "enum",
                "allOf",
                "anyOf",
                "oneOf",
                "$ref",
            ]
            .iter()
            .all(|k| b.get(k).is_none())
        })
    }

    fn types(&self, nodes: &[Node<'a>]) -> Option<BTreeSet<&'static str>> {
        let mut out = BTreeSet::new();
        for (b, _) in self.all_branches(nodes) {
            if let Some(values) = b.get("enum").and_then(Value::as_array) {
                if !values.is_empty() && values.iter().all(Value::is_null) {
                    out.insert("null");
                    continue;
                }
            }
            match b.get("type").and_then(Value::as_str) {
                Some(t) => {
                    for known in ["string", "integer", "number", "boolean", "object", "array"] {
                        if t == known {
                            out.insert(known);
                        }
                    }
                }
                None => {
                    if b.get("properties").is_some() || b.get("additionalProperties").is_some() {
                        out.insert("object");
                    }
                    if b.get("items").is_some() {
                        out.insert("array");
                    }
                }
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }
}

static EMPTY_SCHEMA: Value = Value::Null;

/// How deep the walk of a spec body goes (members, map values and items).
pub const MAX_DEPTH: usize = 32;

/// How deep `allOf`/`anyOf`/`oneOf` branches are followed.
pub const MAX_BRANCH_DEPTH: usize = 16;

/// How many schema nodes one schema's branches may add up to (beyond, they are ignored).
pub const MAX_BRANCHES: usize = 256;

fn compatible(doc: DocType, spec: &BTreeSet<&str>) -> bool {
    let any = |ts: &[&str]| ts.iter().any(|t| spec.contains(t));
    match doc {
        DocType::String => any(&["string"]),
        DocType::Integer => any(&["integer", "number"]),
        DocType::Number => any(&["number"]),
        DocType::Boolean => any(&["boolean"]),
        DocType::Flag => any(&["boolean", "integer"]),
        DocType::Object => any(&["object"]),
        DocType::Array => any(&["array"]),
    }
}

/// Where a page member's path ends up in the spec.
enum Resolved<'a> {
    /// Found: the normalized path (`*` for map keys), the member's schemas, the branches
    /// that declare it, and its name in them.
    Found {
        norm: Vec<String>,
        leaf: Vec<Node<'a>>,
        parents: Vec<&'a Value>,
    },
    /// Under a schema that allows anything: documented, nothing to compare.
    Free,
    /// Not in the spec from this segment on.
    Missing(usize),
}

impl<'a> Spec<'a> {
    fn resolve(&self, roots: Vec<Node<'a>>, segs: &[String]) -> Resolved<'a> {
        let mut current = roots;
        let mut norm = Vec::new();
        let mut parents = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let bs = self.all_branches(&current);
            if self.is_free(&bs) {
                return Resolved::Free;
            }
            if seg == "[]" {
                let items: Vec<Node<'a>> = bs
                    .iter()
                    .filter_map(|(b, m)| b.get("items").map(|it| (it, *m)))
                    .collect();
                if items.is_empty() {
                    return Resolved::Missing(i);
                }
                current = items;
                norm.push("[]".to_string());
                continue;
            }
            let mut props = Vec::new();
            let mut holders = Vec::new();
            for (b, m) in &bs {
                if let Some(p) = b.get("properties").and_then(|p| p.get(seg.as_str())) {
                    props.push((p, *m));
                    holders.push(*b);
                }
            }
            if !props.is_empty() {
                current = props;
                parents = holders;
                norm.push(seg.clone());
                continue;
            }
            let maps: Vec<Node<'a>> = bs.iter().filter_map(|b| self.map_values(*b)).collect();
            if maps.is_empty() {
                return Resolved::Missing(i);
            }
            if maps.iter().any(|(v, _)| v.is_null()) {
                return Resolved::Free;
            }
            current = maps;
            norm.push("*".to_string());
        }
        Resolved::Found {
            norm,
            leaf: current,
            parents,
        }
    }

    /// Mismatch messages for a documented member found in the spec. A marker does not
    /// silence them (it may be about another fact of the member, a pattern say); where
    /// NOTES.md says the member is used as another type than its page says, that type is
    /// what the spec must have.
    fn compare(
        &self,
        m: &Member,
        spec_required: bool,
        leaf: &[Node<'a>],
        used_as: Option<DocType>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        match m.required {
            Some(true) if !spec_required => {
                out.push("the page says required, the spec makes it optional".to_string())
            }
            Some(false) if spec_required => {
                out.push("the page says optional, the spec makes it required".to_string())
            }
            _ => {}
        }
        let documented: Vec<DocType> = match used_as {
            Some(t) => vec![t],
            None => m.types.clone(),
        };
        if !documented.is_empty() {
            if let Some(spec_types) = self.types(leaf) {
                if !documented.iter().any(|t| compatible(*t, &spec_types)) {
                    let doc: Vec<&str> = documented.iter().map(|t| t.name()).collect();
                    let spec: Vec<&str> = spec_types.iter().copied().collect();
                    out.push(format!(
                        "the page types it {}, the spec {}",
                        doc.join(" or "),
                        spec.join(" or ")
                    ));
                }
            }
        }
        out
    }
}

/// What the walk of one body (request, or one response) needs.
struct Body<'s> {
    documented: BTreeSet<String>,
    prefix: &'s str,
}

struct Walk<'a, 'f> {
    spec: &'a Spec<'a>,
    provider: &'f str,
    operation: &'f str,
    findings: &'f mut Vec<Finding>,
}

impl<'a> Walk<'a, '_> {
    fn unmarked(&mut self, member: String, message: &str) {
        self.findings.push(Finding {
            kind: Kind::Unmarked,
            provider: self.provider.to_string(),
            operation: self.operation.to_string(),
            member,
            message: message.to_string(),
        });
    }

    /// Reports the spec's properties beneath `nodes` that the page does not document and
    /// no marker covers.
    fn body(
        &mut self,
        nodes: Vec<Node<'a>>,
        path: &mut Vec<String>,
        body: &Body<'_>,
        stack: &mut Vec<*const Value>,
    ) {
        // Only documented members, map values and items are walked into, and a node already
        // on the way down is skipped, so this ends; the depth bound keeps the stack small.
        if path.len() > MAX_DEPTH {
            return;
        }
        let mut props: BTreeMap<&'a str, Vec<Node<'a>>> = BTreeMap::new();
        let mut maps = Vec::new();
        let mut items = Vec::new();
        let on_stack = stack.len();
        for (b, _) in self.spec.all_branches(&nodes) {
            let ptr = b as *const Value;
            if stack.contains(&ptr) {
                continue;
            }
            stack.push(ptr);
            for (name, p) in b
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                // Only the member's own marker counts: one on a documented ancestor (say,
                // a request schema marked for its semantics) must not hide new members.
                let pm = self.spec.marked_schema(p);
                props.entry(name.as_str()).or_default().push((p, pm));
            }
            if let Some(v) = self.spec.map_values((b, false)) {
                if !v.0.is_null() {
                    maps.push(v);
                }
            }
            if let Some(it) = b.get("items") {
                items.push((it, false));
            }
        }
        for (name, list) in props {
            path.push(name.to_string());
            if body.documented.contains(&join(path)) {
                self.body(list, path, body, stack);
            } else if list.iter().any(|(_, m)| *m) {
                // Marked: the whole subtree is an accepted assumption.
            } else {
                self.unmarked(
                    format!("{}.{}", body.prefix, join(path)),
                    "not on the provider's page and not marked `x-assumption`",
                );
            }
            path.pop();
        }
        if !maps.is_empty() {
            path.push("*".into());
            self.body(maps, path, body, stack);
            path.pop();
        }
        if !items.is_empty() {
            path.push("[]".into());
            self.body(items, path, body, stack);
            path.pop();
        }
        stack.truncate(on_stack);
    }
}

fn media_schema(content: Option<&Value>) -> Option<&Value> {
    let content = content?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

fn url_pattern(url: &str) -> String {
    // `{var}` (spec) and `<var>` (notes) both stand for "any host part".
    let mut out = String::new();
    let mut skip: Option<char> = None;
    for c in url.chars() {
        match (skip, c) {
            (Some(end), c) if c == end => skip = None,
            (Some(_), _) => {}
            (None, '{') => {
                out.push('\u{0}');
                skip = Some('}');
            }
            (None, '<') => {
                out.push('\u{0}');
                skip = Some('>');
            }
            (None, c) => out.push(c),
        }
    }
    out.trim_end_matches('/').to_string()
}

fn url_documented(server: &str, documented: &BTreeSet<String>) -> bool {
    let server = url_pattern(server);
    documented.iter().any(|d| {
        let d = url_pattern(d);
        d == server || (d.starts_with(&server) && d[server.len()..].starts_with('/'))
    })
}

/// Runs the drift check of one provider's spec against the pages.
pub fn check(provider: &str, spec: &Value, docs: &Docs) -> Result<Vec<Finding>, String> {
    if !PAGES.iter().any(|p| p.provider == provider) {
        return Err(format!("no provider page documents `{provider}`"));
    }
    let root = spec;
    if !root.is_object() || !root.get("paths").is_some_and(Value::is_object) {
        return Err(format!("{provider}: not an OpenAPI document (no `paths`)"));
    }
    let spec = Spec { root };
    let empty = PageFacts::default();
    let notes = docs.notes(provider).unwrap_or(&empty);
    let pages: Vec<(&PageInfo, &PageFacts)> = PAGES
        .iter()
        .filter(|p| p.provider == provider)
        .filter_map(|p| docs.page(p.file).map(|f| (p, f)))
        .collect();
    let mut findings = Vec::new();
    let mut seen_ops = BTreeSet::new();

    for (_, item) in root["paths"].as_object().into_iter().flatten() {
        let item = spec.deref(item);
        for method in HTTP_METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let op_id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
            seen_ops.insert(op_id.to_string());
            let page = pages.iter().find(|(p, _)| p.operation == op_id);
            let Some((_, facts)) = page else {
                if !is_marked(op) {
                    findings.push(Finding {
                        kind: Kind::Unmarked,
                        provider: provider.into(),
                        operation: op_id.into(),
                        member: "operation".into(),
                        message: "no provider page documents this operation and it is not marked `x-assumption`".into(),
                    });
                }
                continue;
            };
            check_operation(
                &spec,
                provider,
                op_id,
                item,
                op,
                facts,
                notes,
                &mut findings,
            );
        }
    }
    for (page, _) in &pages {
        if !seen_ops.contains(page.operation) {
            findings.push(Finding {
                kind: Kind::Missing,
                provider: provider.into(),
                operation: page.operation.into(),
                member: "operation".into(),
                message: format!(
                    "{} documents this operation; the spec does not have it",
                    page.file
                ),
            });
        }
    }
    check_spec_wide(&spec, provider, &pages, notes, &mut findings);
    findings.sort();
    findings.dedup();
    Ok(findings)
}

#[allow(clippy::too_many_arguments)]
fn check_operation<'a>(
    spec: &'a Spec<'a>,
    provider: &str,
    op_id: &str,
    item: &'a Value,
    op: &'a Value,
    facts: &PageFacts,
    notes: &PageFacts,
    findings: &mut Vec<Finding>,
) {
    let finding = |kind, member: String, message: String| Finding {
        kind,
        provider: provider.into(),
        operation: op_id.into(),
        member,
        message,
    };
    let params: Vec<&Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .map(|p| spec.deref(p))
        .collect();
    let header_schemes: Vec<&str> = security_schemes(spec)
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("apiKey"))
        .filter_map(|(_, s)| s.get("name").and_then(Value::as_str))
        .collect();
    let request_schema = spec.deref(op.get("requestBody").unwrap_or(&Value::Null));
    let request_root = media_schema(request_schema.get("content"));

    // The page's members, in the spec.
    let mut documented_params = BTreeSet::new();
    let mut documented_request = BTreeSet::new();
    let mut missing_prefixes: Vec<(Place, Vec<String>)> = Vec::new();
    // The page's example answers its (first) 2xx status.
    let success = facts
        .statuses
        .iter()
        .find(|s| (200..300).contains(*s))
        .map(u16::to_string);
    let success_response = success
        .as_deref()
        .and_then(|s| op.get("responses").and_then(|r| r.get(s)))
        .map(|r| spec.deref(r));
    let response_root = success_response.and_then(|r| media_schema(r.get("content")));
    let mut documented_response = BTreeSet::new();
    for m in &facts.members {
        if missing_prefixes
            .iter()
            .any(|(place, p)| *place == m.place && m.path.starts_with(p))
        {
            continue;
        }
        let (prefix, roots) = match m.place {
            Place::Request => {
                if let [name] = m.path.as_slice() {
                    if let Some(p) = params
                        .iter()
                        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
                    {
                        documented_params.insert(name.clone());
                        let spec_required =
                            p.get("required").and_then(Value::as_bool).unwrap_or(false);
                        let leaf = p
                            .get("schema")
                            .map(|s| vec![(s, false)])
                            .unwrap_or_default();
                        let used_as = notes.used_as.get(name).copied();
                        for msg in spec.compare(m, spec_required, &leaf, used_as) {
                            findings.push(finding(
                                Kind::Mismatch,
                                format!("parameters.{name}"),
                                format!("{msg}."),
                            ));
                        }
                        continue;
                    }
                    if header_schemes.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                        continue;
                    }
                }
                (
                    "request".to_string(),
                    request_root.map(|s| vec![(s, false)]),
                )
            }
            Place::Response => (
                format!("responses.{}", success.as_deref().unwrap_or("200")),
                response_root.map(|s| vec![(s, false)]),
            ),
        };
        let Some(roots) = roots else {
            if m.place == Place::Request {
                findings.push(finding(
                    Kind::Missing,
                    "request".into(),
                    "the page documents request members; the spec has no request body schema."
                        .into(),
                ));
            }
            // A response without a schema is reported once, below.
            missing_prefixes.push((m.place, vec![]));
            continue;
        };
        match spec.resolve(roots, &m.path) {
            Resolved::Free => {}
            Resolved::Missing(at) => {
                let path: Vec<String> = m.path.iter().take(at + 1).cloned().collect();
                findings.push(finding(
                    Kind::Missing,
                    format!("{prefix}.{}", join(&path)),
                    "the page documents this member; the spec does not have it.".into(),
                ));
                missing_prefixes.push((m.place, path));
            }
            Resolved::Found {
                norm,
                leaf,
                parents,
            } => {
                let name = m.path.last().cloned().unwrap_or_default();
                let spec_required = parents.iter().any(|p| {
                    p.get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name.as_str())))
                });
                let joined = join(&norm);
                let used_as = notes.used_as.get(&name).copied();
                for msg in spec.compare(m, spec_required, &leaf, used_as) {
                    findings.push(finding(
                        Kind::Mismatch,
                        format!("{prefix}.{joined}"),
                        format!("{msg}."),
                    ));
                }
                match m.place {
                    Place::Request => documented_request.insert(joined),
                    Place::Response => documented_response.insert(joined),
                };
            }
        }
    }
    for status in facts.statuses.iter().filter(|s| {
        op.get("responses")
            .and_then(|r| r.get(s.to_string()))
            .is_none()
    }) {
        findings.push(finding(
            Kind::Missing,
            format!("responses.{status}"),
            "the page documents this response status; the spec does not have it.".into(),
        ));
    }
    let response_members = facts.members.iter().any(|m| m.place == Place::Response);
    if let (Some(status), Some(_), None, true) =
        (&success, success_response, response_root, response_members)
    {
        findings.push(finding(
            Kind::Missing,
            format!("responses.{status}"),
            "the page documents response members; the spec's response has no body schema.".into(),
        ));
    }

    // The spec's elements, against the page.
    let mut walk = Walk {
        spec,
        provider,
        operation: op_id,
        findings,
    };
    for p in &params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        let in_notes = notes
            .members
            .iter()
            .any(|m| m.place == Place::Request && m.path.len() == 1 && m.path[0] == name);
        if !documented_params.contains(name) && !in_notes && !is_marked(p) {
            walk.unmarked(
                format!("parameters.{name}"),
                "this parameter is not on the provider's page and not marked `x-assumption`",
            );
        }
    }
    if let Some(schema) = request_root {
        let body = Body {
            documented: documented_request,
            prefix: "request",
        };
        walk.body(
            vec![(schema, false)],
            &mut Vec::new(),
            &body,
            &mut Vec::new(),
        );
    }
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let r = spec.deref(response);
        let marked = is_marked(response) || is_marked(r);
        let code: Option<u16> = status.parse().ok();
        let documented_status =
            code.is_some_and(|c| facts.statuses.contains(&c) || notes.statuses.contains(&c));
        if !documented_status {
            if marked {
                continue;
            }
            walk.unmarked(
                format!("responses.{status}"),
                "this response status is not on the provider's page or in NOTES.md and not marked `x-assumption`",
            );
            continue;
        }
        let Some(schema) = media_schema(r.get("content")) else {
            continue;
        };
        let documented = if Some(status) == success.as_ref() {
            documented_response.clone()
        } else {
            // NOTES.md's error shapes vouch for the error bodies.
            let mut set = BTreeSet::new();
            for m in notes.members.iter().filter(|m| m.place == Place::Response) {
                if let Resolved::Found { norm, .. } = spec.resolve(vec![(schema, false)], &m.path) {
                    set.insert(join(&norm));
                }
            }
            set
        };
        let prefix = format!("responses.{status}");
        let body = Body {
            documented,
            prefix: &prefix,
        };
        walk.body(
            vec![(schema, false)],
            &mut Vec::new(),
            &body,
            &mut Vec::new(),
        );
    }
}

fn security_schemes<'a>(spec: &'a Spec<'a>) -> impl Iterator<Item = (&'a String, &'a Value)> {
    spec.root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k, spec.deref(v)))
}

fn check_spec_wide(
    spec: &Spec<'_>,
    provider: &str,
    pages: &[(&PageInfo, &PageFacts)],
    notes: &PageFacts,
    findings: &mut Vec<Finding>,
) {
    let mut urls = notes.urls.clone();
    let mut headers = notes.headers.clone();
    let mut bearer = notes.bearer;
    for (_, f) in pages {
        urls.extend(f.urls.iter().cloned());
        headers.extend(f.headers.iter().cloned());
        bearer |= f.bearer;
    }
    let mut push = |member: String, message: &str| {
        findings.push(Finding {
            kind: Kind::Unmarked,
            provider: provider.into(),
            operation: "-".into(),
            member,
            message: message.into(),
        })
    };
    for server in spec
        .root
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let url = server.get("url").and_then(Value::as_str).unwrap_or("");
        // With its variables' defaults filled in, a server may be a documented URL.
        let mut concrete = url.to_string();
        for (name, var) in server
            .get("variables")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(default) = var.get("default").and_then(Value::as_str) {
                concrete = concrete.replace(&format!("{{{name}}}"), default);
            }
        }
        if !url_documented(url, &urls) && !url_documented(&concrete, &urls) {
            if is_marked(server) {
                continue;
            }
            push(
                format!("servers.{url}"),
                "this server is not on the provider's page or in NOTES.md and not marked `x-assumption`",
            );
            continue;
        }
        for (name, var) in server
            .get("variables")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(default) = var.get("default").and_then(Value::as_str) else {
                continue;
            };
            let concrete = url.replace(&format!("{{{name}}}"), default);
            let literal = urls.iter().any(|u| u.starts_with(&concrete));
            if !literal && !is_marked(var) {
                push(
                    format!("servers.{url}.variables.{name}.default"),
                    "this default is not on the provider's page or in NOTES.md and not marked `x-assumption`",
                );
            }
        }
    }
    for (name, scheme) in security_schemes(spec) {
        if is_marked(scheme) {
            continue;
        }
        let documented = match scheme.get("type").and_then(Value::as_str) {
            Some("apiKey") => scheme
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| headers.iter().any(|h| h.eq_ignore_ascii_case(n))),
            Some("http") => {
                scheme
                    .get("scheme")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
                    && bearer
            }
            _ => false,
        };
        if !documented {
            push(
                format!("security.{name}"),
                "this security scheme is not on the provider's page or in NOTES.md and not marked `x-assumption`",
            );
        }
    }
}
