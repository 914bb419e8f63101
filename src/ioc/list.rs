//! Indicator lists: plain text, CSV, STIX 2.1 bundles and MISP events.
//!
//! [`read_list`] picks the format from the file name and content and returns a
//! [`ParsedList`] that accounts for every entry (a line of text or CSV, an object of a
//! STIX bundle, an attribute of a MISP event): it became one or more indicators, or was
//! rejected with its locator and the reason, or was skipped as a comment, a blank line,
//! a header or an object that describes rather than indicates (a STIX `identity`, a
//! MISP attribute not `to_ids` is still an indicator). So
//! `accepted + rejected + skipped == entries`, always.
//!
//! Plain text: one value per line, `#`, `//` and `;` start comments (also after a value
//! and a space: `evil.com  # C2`), the kind is detected ([`super::detect`]) unless given
//! as a prefix (`domain:x.zip`, `string:svc-backup`, `regex:...`). Values are re-fanged
//! ([`super::refang`]) before anything else, except regular expressions.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{detect, normalise, refang, Indicator, Kind};
use crate::error::{Error, Result};

/// The formats of indicator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListFormat {
    Text,
    Csv,
    Stix,
    Misp,
}

impl ListFormat {
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::Text => "text",
            ListFormat::Csv => "csv",
            ListFormat::Stix => "stix",
            ListFormat::Misp => "misp",
        }
    }
}

/// One indicator read from a list, with where it was and how it was written.
#[derive(Debug, Clone, Serialize)]
pub struct ListEntry {
    #[serde(flatten)]
    pub indicator: Indicator,
    /// `line 4`, `objects[2]`, `Attribute[7]`.
    pub locator: String,
    /// The value as written in the list (maybe defanged).
    pub original: String,
    pub defanged: bool,
    pub description: Option<String>,
    pub source: Option<String>,
}

/// An entry that is not an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub locator: String,
    pub text: String,
    pub reason: String,
}

/// Everything read from one list.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedList {
    pub format: ListFormat,
    /// Lines (text, CSV), objects (STIX) or attributes (MISP).
    pub entries: usize,
    /// Entries that gave at least one indicator.
    pub accepted: usize,
    /// Comments, blank lines, headers, descriptive objects.
    pub skipped: usize,
    pub indicators: Vec<ListEntry>,
    pub rejected: Vec<Rejected>,
}

impl ParsedList {
    fn new(format: ListFormat) -> Self {
        ParsedList {
            format,
            entries: 0,
            accepted: 0,
            skipped: 0,
            indicators: Vec::new(),
            rejected: Vec::new(),
        }
    }

    fn reject(&mut self, locator: String, text: &str, reason: impl Into<String>) {
        self.rejected.push(Rejected {
            locator,
            text: text.chars().take(500).collect(),
            reason: reason.into(),
        });
    }
}

/// Reads an indicator list from a file (see the module documentation).
pub fn read_list(path: &Path) -> Result<ParsedList> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let trimmed = text.trim_start();
    if ext == "json" || trimmed.starts_with('{') {
        let doc: Value = serde_json::from_str(text).map_err(|e| Error::WrongFormat {
            path: path.to_path_buf(),
            format: "a STIX 2.1 bundle or MISP event".into(),
            reason: e.to_string(),
        })?;
        if doc.get("objects").is_some() || doc.get("type").and_then(Value::as_str) == Some("bundle")
        {
            return parse_stix(&doc).map_err(|reason| Error::WrongFormat {
                path: path.to_path_buf(),
                format: "STIX 2.1".into(),
                reason,
            });
        }
        return parse_misp(&doc).map_err(|reason| Error::WrongFormat {
            path: path.to_path_buf(),
            format: "a MISP event".into(),
            reason,
        });
    }
    if ext == "csv" {
        return parse_csv(text).map_err(|reason| Error::WrongFormat {
            path: path.to_path_buf(),
            format: "CSV (type, value, description, source)".into(),
            reason,
        });
    }
    Ok(parse_text(text))
}

/// A value with an optional `kind:` prefix, re-fanged unless it is a regex.
fn typed_value(raw: &str) -> Result<(Indicator, bool), String> {
    if let Some((prefix, rest)) = raw.split_once(':') {
        if !rest.starts_with("//") {
            if let Some(kind) = Kind::from_name(prefix).filter(|_| !prefix.contains(' ')) {
                return indicator_of(Some(kind), rest.trim());
            }
        }
    }
    indicator_of(None, raw)
}

/// Normalises `value` as `kind`, or detects the kind; `ip` style kinds are detected.
fn indicator_of(kind: Option<Kind>, value: &str) -> Result<(Indicator, bool), String> {
    if kind == Some(Kind::Regex) {
        return normalise(Kind::Regex, value).map(|v| {
            (
                Indicator {
                    kind: Kind::Regex,
                    value: v,
                },
                false,
            )
        });
    }
    let (refanged, defanged) = refang(value.trim());
    let ind = match kind {
        Some(kind @ (Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr)) if refanged.contains('/') => {
            let _ = kind;
            normalise(Kind::Cidr, &refanged).map(|value| Indicator {
                kind: Kind::Cidr,
                value,
            })?
        }
        Some(kind) => normalise(kind, &refanged).map(|value| Indicator { kind, value })?,
        None => detect(&refanged)?,
    };
    Ok((ind, defanged))
}

/// Strips a trailing ` # comment` (a `#` after white space).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] == b'#' && bytes[i - 1].is_ascii_whitespace() {
            return line[..i].trim_end();
        }
    }
    line
}

/// Plain text, one indicator per line.
pub fn parse_text(text: &str) -> ParsedList {
    let mut list = ParsedList::new(ListFormat::Text);
    for (i, line) in text.lines().enumerate() {
        list.entries += 1;
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with("//")
            || line.starts_with(';')
        {
            list.skipped += 1;
            continue;
        }
        let value = strip_comment(line);
        let locator = format!("line {}", i + 1);
        match typed_value(value) {
            Ok((indicator, defanged)) => {
                list.accepted += 1;
                list.indicators.push(ListEntry {
                    indicator,
                    locator,
                    original: value.to_string(),
                    defanged,
                    description: None,
                    source: None,
                });
            }
            Err(reason) => list.reject(locator, line, reason),
        }
    }
    list
}

/// CSV with the columns type, value, description, source (a header row names them in any
/// order; without one they are taken in that order). An empty or `auto` type is detected.
pub fn parse_csv(text: &str) -> Result<ParsedList, String> {
    let mut list = ParsedList::new(ListFormat::Csv);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cols = [Some(0usize), Some(1), Some(2), Some(3)];
    let mut first = true;
    let mut record = csv::StringRecord::new();
    let mut lines_seen = 0usize;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| format!("{e}"))?;
        if !more {
            break;
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        // Blank lines are not records to the csv reader: count them as skipped entries.
        if line > lines_seen + 1 {
            let blank = line - lines_seen - 1;
            list.entries += blank;
            list.skipped += blank;
        }
        lines_seen = line;
        list.entries += 1;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        if first {
            first = false;
            let names: Vec<String> = record
                .iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .collect();
            if names.iter().any(|n| n == "value" || n == "indicator") {
                let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
                cols = [
                    find(&["type", "kind", "indicator_type"]),
                    find(&["value", "indicator"]),
                    find(&["description", "comment", "note"]),
                    find(&["source", "reference", "feed"]),
                ];
                list.skipped += 1;
                continue;
            }
        }
        let locator = format!("line {line}");
        let raw_line = record.iter().collect::<Vec<_>>().join(",");
        if cell(cols[0]).starts_with('#') || record.iter().all(|c| c.trim().is_empty()) {
            list.skipped += 1;
            continue;
        }
        let type_cell = cell(cols[0]);
        let value = cell(cols[1]);
        // Empty, `auto` and `ip` (v4, v6 or a range) are detected from the value.
        let kind = if type_cell.is_empty()
            || type_cell.eq_ignore_ascii_case("auto")
            || type_cell.eq_ignore_ascii_case("ip")
        {
            None
        } else {
            match Kind::from_name(type_cell) {
                Some(k) => Some(k),
                None => {
                    list.reject(
                        locator,
                        &raw_line,
                        format!("unknown indicator type '{type_cell}'"),
                    );
                    continue;
                }
            }
        };
        match indicator_of(kind, value) {
            Ok((indicator, defanged)) => {
                list.accepted += 1;
                let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
                list.indicators.push(ListEntry {
                    indicator,
                    locator,
                    original: value.to_string(),
                    defanged,
                    description: opt(cell(cols[2])),
                    source: opt(cell(cols[3])),
                });
            }
            Err(reason) => list.reject(locator, &raw_line, reason),
        }
    }
    let total_lines = text.lines().count();
    if total_lines > lines_seen {
        let blank = total_lines - lines_seen;
        list.entries += blank;
        list.skipped += blank;
    }
    Ok(list)
}

/// One comparison of a STIX pattern: object path and value.
struct Comparison {
    path: String,
    op: String,
    value: String,
}

/// Parses `[a:b = 'x' OR c:d = 'y'] OR [e:f = 'z']`: comparisons joined by OR. AND,
/// FOLLOWEDBY, qualifiers and other operators than `=` and `MATCHES` are refused.
fn stix_comparisons(pattern: &str) -> Result<Vec<Comparison>, String> {
    let mut out = Vec::new();
    let b: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_whitespace() {
            *i += 1;
        }
    };
    let word = |i: &mut usize| -> String {
        let start = *i;
        while *i < b.len()
            && !b[*i].is_whitespace()
            && !matches!(b[*i], '[' | ']' | '\'' | '(' | ')')
        {
            *i += 1;
        }
        b[start..*i].iter().collect()
    };
    let mut expect_open = true;
    let mut in_bracket = false;
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            break;
        }
        if expect_open {
            if b[i] == '[' {
                i += 1;
                in_bracket = true;
                expect_open = false;
                continue;
            }
            return Err(format!("expected '[' at character {}", i + 1));
        }
        if in_bracket {
            let mut path = word(&mut i);
            // Paths may hold quoted keys: file:hashes.'SHA-256'
            while i < b.len() && b[i] == '\'' {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                path.push_str(&b[start..i.min(b.len())].iter().collect::<String>());
                path.push_str(&word(&mut i));
            }
            skip_ws(&mut i);
            let op = word(&mut i);
            skip_ws(&mut i);
            if i >= b.len() || b[i] != '\'' {
                return Err(format!("expected a quoted value after '{path} {op}'"));
            }
            i += 1;
            let mut value = String::new();
            while i < b.len() && b[i] != '\'' {
                if b[i] == '\\' && i + 1 < b.len() {
                    i += 1;
                }
                value.push(b[i]);
                i += 1;
            }
            if i >= b.len() {
                return Err("unterminated quoted value".into());
            }
            i += 1;
            out.push(Comparison { path, op, value });
            skip_ws(&mut i);
            if i < b.len() && b[i] == ']' {
                i += 1;
                in_bracket = false;
                skip_ws(&mut i);
                if i >= b.len() {
                    break;
                }
                let join = word(&mut i);
                if join.eq_ignore_ascii_case("OR") {
                    expect_open = true;
                    continue;
                }
                return Err(format!(
                    "'{join}' between observations is not supported (only OR)"
                ));
            }
            let join = word(&mut i);
            if !join.eq_ignore_ascii_case("OR") {
                return Err(format!(
                    "'{join}' inside an observation is not supported (only OR of equalities)"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("no comparison in the pattern".into());
    }
    Ok(out)
}

/// The kind a STIX object path denotes.
fn stix_kind(path: &str) -> Option<Kind> {
    let p = path.to_ascii_lowercase().replace(['\'', '"'], "");
    Some(match p.as_str() {
        "ipv4-addr:value" => Kind::Ipv4,
        "ipv6-addr:value" => Kind::Ipv6,
        "domain-name:value" => Kind::Domain,
        "url:value" => Kind::Url,
        "email-addr:value" | "email-message:from_ref.value" | "email-message:sender_ref.value" => {
            Kind::Email
        }
        "file:hashes.md5" => Kind::Md5,
        "file:hashes.sha-1" | "file:hashes.sha1" => Kind::Sha1,
        "file:hashes.sha-256" | "file:hashes.sha256" => Kind::Sha256,
        "file:name" => Kind::FileName,
        "directory:path" | "file:parent_directory_ref.path" => Kind::FilePath,
        "network-traffic:extensions.http-request-ext.request_header.user-agent" => Kind::UserAgent,
        "process:command_line" | "user-account:user_id" | "user-account:account_login" => {
            Kind::String
        }
        _ => return None,
    })
}

/// A STIX 2.1 bundle: every `indicator` object with a `stix` pattern is an entry; other
/// objects are skipped (counted).
pub fn parse_stix(doc: &Value) -> Result<ParsedList, String> {
    let objects = doc
        .get("objects")
        .and_then(Value::as_array)
        .ok_or("no 'objects' array")?;
    let mut list = ParsedList::new(ListFormat::Stix);
    for (i, obj) in objects.iter().enumerate() {
        list.entries += 1;
        let locator = format!("objects[{i}]");
        if obj.get("type").and_then(Value::as_str) != Some("indicator") {
            list.skipped += 1;
            continue;
        }
        let pattern = obj.get("pattern").and_then(Value::as_str).unwrap_or("");
        let pattern_type = obj
            .get("pattern_type")
            .and_then(Value::as_str)
            .unwrap_or("stix");
        if pattern_type != "stix" {
            list.reject(
                locator,
                pattern,
                format!("pattern_type '{pattern_type}' is not stix"),
            );
            continue;
        }
        let description = obj
            .get("name")
            .or_else(|| obj.get("description"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let comparisons = match stix_comparisons(pattern) {
            Ok(c) => c,
            Err(reason) => {
                list.reject(locator, pattern, reason);
                continue;
            }
        };
        let mut found = Vec::new();
        let mut problem = None;
        for c in comparisons {
            let kind = match (c.op.to_ascii_uppercase().as_str(), stix_kind(&c.path)) {
                ("MATCHES", Some(_)) => Kind::Regex,
                ("=", Some(k)) => k,
                ("=" | "MATCHES", None) => {
                    problem = Some(format!("object path '{}' is not an indicator type", c.path));
                    break;
                }
                (op, _) => {
                    problem = Some(format!("operator '{op}' is not supported (= or MATCHES)"));
                    break;
                }
            };
            match indicator_of(Some(kind), &c.value) {
                Ok((indicator, defanged)) => found.push(ListEntry {
                    indicator,
                    locator: locator.clone(),
                    original: c.value,
                    defanged,
                    description: description.clone(),
                    source: None,
                }),
                Err(reason) => {
                    problem = Some(reason);
                    break;
                }
            }
        }
        match problem {
            Some(reason) => list.reject(locator, pattern, reason),
            None => {
                list.accepted += 1;
                list.indicators.extend(found);
            }
        }
    }
    Ok(list)
}

/// The kinds a MISP attribute type gives (`filename|sha256` gives two), or `None` when
/// the type is not an indicator (text, comment, link...).
fn misp_kinds(t: &str) -> Option<Vec<Option<Kind>>> {
    let one = |t: &str| -> Option<Option<Kind>> {
        Some(match t {
            "ip-src" | "ip-dst" | "ip" => None,
            "domain" | "hostname" => Some(Kind::Domain),
            "url" | "uri" => Some(Kind::Url),
            "email" | "email-src" | "email-dst" | "email-reply-to" => Some(Kind::Email),
            "md5" => Some(Kind::Md5),
            "sha1" => Some(Kind::Sha1),
            "sha256" => Some(Kind::Sha256),
            "filename" => Some(Kind::FileName),
            "user-agent" => Some(Kind::UserAgent),
            "regexp" => Some(Kind::Regex),
            "port" => return None,
            _ => return None,
        })
    };
    let parts: Vec<&str> = t.split('|').collect();
    let kinds: Vec<Option<Option<Kind>>> = parts.iter().map(|p| one(p)).collect();
    if kinds.iter().all(Option::is_none) {
        return None;
    }
    // ip-dst|port: the port part is dropped (None), the ip part kept.
    Some(
        kinds
            .into_iter()
            .map(|k| k.unwrap_or(Some(Kind::String)))
            .collect(),
    )
}

/// A MISP event (`{"Event": ...}`, `{"response": [{"Event": ...}]}` or the bare event):
/// each attribute, also those of its objects, is an entry.
pub fn parse_misp(doc: &Value) -> Result<ParsedList, String> {
    let mut events = Vec::new();
    if let Some(resp) = doc.get("response").and_then(Value::as_array) {
        events.extend(resp.iter().filter_map(|r| r.get("Event")));
    } else if let Some(e) = doc.get("Event") {
        events.push(e);
    } else if doc.get("Attribute").is_some() {
        events.push(doc);
    }
    if events.is_empty() {
        return Err("no MISP Event and no STIX 'objects'".into());
    }
    let mut list = ParsedList::new(ListFormat::Misp);
    for (ei, event) in events.iter().enumerate() {
        let prefix = if events.len() > 1 {
            format!("Event[{ei}].")
        } else {
            String::new()
        };
        let info = event
            .get("info")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut groups: Vec<(String, &Vec<Value>)> = Vec::new();
        if let Some(a) = event.get("Attribute").and_then(Value::as_array) {
            groups.push((format!("{prefix}Attribute"), a));
        }
        if let Some(objs) = event.get("Object").and_then(Value::as_array) {
            for (oi, o) in objs.iter().enumerate() {
                if let Some(a) = o.get("Attribute").and_then(Value::as_array) {
                    groups.push((format!("{prefix}Object[{oi}].Attribute"), a));
                }
            }
        }
        for (name, attrs) in groups {
            for (i, a) in attrs.iter().enumerate() {
                list.entries += 1;
                let locator = format!("{name}[{i}]");
                let t = a.get("type").and_then(Value::as_str).unwrap_or("");
                let value = a.get("value").and_then(Value::as_str).unwrap_or("");
                let Some(kinds) = misp_kinds(t) else {
                    list.reject(
                        locator,
                        value,
                        format!("MISP type '{t}' is not an indicator type"),
                    );
                    continue;
                };
                let values: Vec<&str> = if kinds.len() > 1 {
                    value.split('|').collect()
                } else {
                    vec![value]
                };
                if values.len() != kinds.len() {
                    list.reject(
                        locator,
                        value,
                        format!(
                            "MISP type '{t}' wants {} values separated by |",
                            kinds.len()
                        ),
                    );
                    continue;
                }
                let comment = a
                    .get("comment")
                    .and_then(Value::as_str)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string);
                let mut found = Vec::new();
                let mut problem = None;
                for (kind, v) in kinds.iter().zip(values) {
                    if *kind == Some(Kind::String) && t.contains("port") {
                        continue; // the port of ip-dst|port
                    }
                    match indicator_of(*kind, v) {
                        Ok((indicator, defanged)) => found.push(ListEntry {
                            indicator,
                            locator: locator.clone(),
                            original: v.to_string(),
                            defanged,
                            description: comment.clone(),
                            source: info.clone(),
                        }),
                        Err(reason) => {
                            problem = Some(reason);
                            break;
                        }
                    }
                }
                match problem {
                    Some(reason) => list.reject(locator, value, reason),
                    None => {
                        list.accepted += 1;
                        list.indicators.extend(found);
                    }
                }
            }
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balanced(l: &ParsedList) {
        assert_eq!(l.accepted + l.rejected.len() + l.skipped, l.entries);
    }

    #[test]
    fn text_lists_account_for_every_line() {
        let l = parse_text(
            "# header\n\n203.0.113[.]45\nhxxp://evil[.]com/x  # C2\nstring:svc-backup\nnot an ioc\n10.0.0.0/8\n",
        );
        balanced(&l);
        assert_eq!(
            (l.entries, l.accepted, l.skipped, l.rejected.len()),
            (7, 4, 2, 1)
        );
        assert_eq!(l.rejected[0].locator, "line 6");
        let got: Vec<(Kind, &str, bool)> = l
            .indicators
            .iter()
            .map(|e| (e.indicator.kind, e.indicator.value.as_str(), e.defanged))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Ipv4, "203.0.113.45", true),
                (Kind::Url, "http://evil.com/x", true),
                (Kind::String, "svc-backup", false),
                (Kind::Cidr, "10.0.0.0/8", false),
            ]
        );
    }

    #[test]
    fn csv_uses_the_header_and_detects_empty_types() {
        let l = parse_csv(
            "value,type,description\nevil[.]com,domain,c2\n1.2.3.4,,scanner\nx,bogus,?\n\n",
        )
        .unwrap();
        balanced(&l);
        assert_eq!(
            (l.entries, l.accepted, l.skipped, l.rejected.len()),
            (5, 2, 2, 1)
        );
        assert_eq!(l.indicators[0].indicator.value, "evil.com");
        assert_eq!(l.indicators[0].description.as_deref(), Some("c2"));
        assert_eq!(l.indicators[1].indicator.kind, Kind::Ipv4);
        assert_eq!(l.rejected[0].locator, "line 4");
    }

    #[test]
    fn stix_patterns_with_or_and_quoted_hash_names() {
        let doc = serde_json::json!({"type": "bundle", "objects": [
            {"type": "identity", "name": "x"},
            {"type": "indicator", "pattern_type": "stix",
             "pattern": "[file:hashes.'SHA-256' = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']"},
            {"type": "indicator", "pattern": "[ipv4-addr:value = '10.0.0.1' OR ipv4-addr:value = '10.0.0.0/24'] OR [domain-name:value = 'evil[.]com']"},
            {"type": "indicator", "pattern": "[ipv4-addr:value = '10.0.0.1' AND domain-name:value = 'a.com']"},
            {"type": "indicator", "pattern": "[x-custom:value = 'a']"},
        ]});
        let l = parse_stix(&doc).unwrap();
        balanced(&l);
        assert_eq!(
            (l.entries, l.accepted, l.skipped, l.rejected.len()),
            (5, 2, 1, 2)
        );
        let kinds: Vec<Kind> = l.indicators.iter().map(|e| e.indicator.kind).collect();
        assert_eq!(kinds, [Kind::Sha256, Kind::Ipv4, Kind::Cidr, Kind::Domain]);
        assert_eq!(l.indicators[3].indicator.value, "evil.com");
        assert!(
            l.rejected[0].reason.contains("AND"),
            "{}",
            l.rejected[0].reason
        );
        assert!(l.rejected[1].reason.contains("x-custom:value"));
    }

    #[test]
    fn misp_attributes_and_composites() {
        let doc = serde_json::json!({"Event": {"info": "op", "Attribute": [
            {"type": "ip-dst", "value": "10.0.0.1"},
            {"type": "text", "value": "Win32/Agent"},
            {"type": "filename|sha1", "value": "a.exe|BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"},
            {"type": "ip-dst|port", "value": "10.0.0.2|443"},
        ], "Object": [{"Attribute": [{"type": "domain", "value": "evil.com"}]}]}});
        let l = parse_misp(&doc).unwrap();
        balanced(&l);
        assert_eq!((l.entries, l.accepted, l.rejected.len()), (5, 4, 1));
        assert_eq!(l.rejected[0].locator, "Attribute[1]");
        let vals: Vec<&str> = l
            .indicators
            .iter()
            .map(|e| e.indicator.value.as_str())
            .collect();
        assert_eq!(
            vals,
            [
                "10.0.0.1",
                "a.exe",
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                "10.0.0.2",
                "evil.com"
            ]
        );
        assert_eq!(l.indicators[4].locator, "Object[0].Attribute[0]");
    }
}
