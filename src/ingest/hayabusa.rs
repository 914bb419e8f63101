//! Hayabusa timelines (`hayabusa csv-timeline` and `json-timeline -L`), so that the
//! Sigma detections Hayabusa found in Windows event logs join the case's timeline.
//! CSV and JSON lines are told apart by the file's first byte.
//!
//! The columns depend on the output profile; every profile has `Timestamp`,
//! `Computer`, `Channel`, `EventID`, `Level` and `RuleTitle`, and the standard one
//! adds `RecordID`, `Details` and `ExtraFieldInfo` (others add `MitreTactics`,
//! `MitreTags`, `OtherTags`, `RuleFile`, `EvtxFile`, `AllFieldInfo`, ...). Columns are
//! found by name, so any profile reads. The CSV quotes every field; `Details` and
//! `ExtraFieldInfo` are `Key: value ¦ Key: value` there and objects in JSON lines.
//! `Timestamp` is `YYYY-MM-DD HH:MM:SS.fff +HH:MM` (local offset by default, `+00:00`
//! with `--UTC`) or RFC 3339 / RFC 2822 with the matching options; a zone-less one is
//! read in `--tz` (`zone_assumed`). A row without a readable `Timestamp` is an import
//! issue. (Sources: hayabusa config/profiles.yaml and its CSV output tests, the
//! Timeline-Output wiki page, takajo's hayabusaJson.nim for the JSON field types.)
//!
//! `host` is `Computer`, `event_code` `EventID`, `severity` the `Level` spelled out
//! (`crit` -> `critical`, `med` -> `medium`, `info` -> `informational`, `emer` ->
//! `emergency`), and the message is `RuleTitle | Details` (the CSV's details as written;
//! JSON details in key order, since JSON objects are read unordered). The user, addresses and
//! process come from Hayabusa's abbreviated detail keys when present (`TgtUser`,
//! `User`, `SrcUser`; `SrcIP`; `TgtIP`, `DstIP`; `Proc`, `Image`). Every other column
//! goes to `attrs` in snake case (`rule_title`, `channel`, `record_id`, `details`, ...).

use std::io::BufRead;

use serde_json::{Map, Value};

use super::fields;
use super::{common, delimited, generic_jsonl, FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::Event;

const SOURCE: &str = "hayabusa";
/// Columns every Hayabusa profile writes.
const REQUIRED: [&str; 4] = ["Timestamp", "Computer", "Level", "RuleTitle"];
/// The separator of `Details` entries in the CSV.
const SEPARATOR: &str = " ¦ ";

/// Whether `head` is a Hayabusa CSV header or JSON lines with Hayabusa's fields.
pub(super) fn sniff(head: &[u8]) -> bool {
    if let Some((header, _)) = delimited::head_table(head, 0) {
        if REQUIRED.iter().all(|r| header.iter().any(|h| h == r)) {
            return true;
        }
    }
    let (objects, seen) = generic_jsonl::head_objects(head, 20);
    objects.len() * 2 > seen
        && objects
            .first()
            .is_some_and(|m| REQUIRED.iter().all(|r| m.contains_key(*r)))
}

/// `Key: value ¦ Key: value` as an object; any other text stays text; `-`, empty
/// text and null are no value.
fn details(v: &Value) -> Option<Value> {
    let pairs = |s: &str| -> Option<Map<String, Value>> {
        s.split(SEPARATOR)
            .map(|part| {
                let (k, v) = part.split_once(": ")?;
                Some((k.trim().to_string(), Value::String(v.to_string())))
            })
            .collect()
    };
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() || s == "-" => None,
        Value::Object(m) if m.is_empty() => None,
        Value::String(s) => Some(pairs(s).map_or_else(|| v.clone(), Value::Object)),
        other => Some(other.clone()),
    }
}

/// Details as one line: `Key: value ¦ Key: value`.
fn details_text(v: &Value) -> String {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(SEPARATOR),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first of `keys` in the details with a real value.
fn detail(details: Option<&Value>, keys: &[&str]) -> Option<String> {
    let map = details?.as_object()?;
    keys.iter().find_map(|k| {
        common::text(map, k).filter(|v| !matches!(v.as_str(), "n/a" | "N/A" | "Unknown"))
    })
}

fn severity(level: &str) -> String {
    match level {
        "crit" => "critical",
        "med" => "medium",
        "info" => "informational",
        "emer" => "emergency",
        other => other,
    }
    .to_string()
}

fn event_of(row: &Map<String, Value>, tz: chrono_tz::Tz) -> Result<Event, String> {
    let stamp = common::text(row, "Timestamp").ok_or("no Timestamp")?;
    let (ts, quality) = fields::read_time(&stamp, tz)
        .ok_or_else(|| format!("a Timestamp that is not a time: '{stamp}'"))?;
    let parsed = row.get("Details").and_then(details);
    let title = common::text(row, "RuleTitle").unwrap_or_default();
    // The CSV's text keeps Hayabusa's order of the details; JSON objects are re-read.
    let message = match (row.get("Details"), &parsed) {
        (Some(Value::String(text)), Some(_)) => format!("{title} | {text}"),
        (_, Some(d)) => format!("{title} | {}", details_text(d)),
        _ => title,
    };
    let mut attrs = Map::new();
    for (k, v) in row {
        if matches!(k.as_str(), "Timestamp" | "Computer" | "EventID" | "Level") {
            continue;
        }
        let v = match k.as_str() {
            "Details" | "ExtraFieldInfo" | "AllFieldInfo" => match details(v) {
                Some(d) => d,
                None => continue,
            },
            _ => v.clone(),
        };
        if matches!(v, Value::Null) || v.as_str().is_some_and(|s| s.is_empty() || s == "-") {
            continue;
        }
        attrs.insert(fields::snake_case(k), v);
    }
    let level = common::text(row, "Level");
    if let Some(l) = &level {
        if severity(l) != *l {
            attrs.insert("level".into(), Value::String(l.clone()));
        }
    }
    Ok(Event {
        ts: Some(ts),
        ts_source: Some(stamp),
        ts_quality: quality,
        source: SOURCE.into(),
        host: common::text(row, "Computer"),
        user: detail(parsed.as_ref(), &["TgtUser", "User", "SrcUser"]),
        src_ip: detail(parsed.as_ref(), &["SrcIP"]),
        dst_ip: detail(parsed.as_ref(), &["TgtIP", "DstIP"]),
        process: detail(parsed.as_ref(), &["Proc", "Image"]),
        event_code: common::text(row, "EventID"),
        severity: level.as_deref().map(severity),
        message: fields::one_line(&message),
        attrs,
        ..Default::default()
    })
}

/// Reads Hayabusa CSV and JSON lines (see the module documentation).
pub struct HayabusaParser {
    tz: chrono_tz::Tz,
}

impl HayabusaParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        HayabusaParser { tz: opts.tz }
    }
}

impl Parser for HayabusaParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        let tz = self.tz;
        if fields::opens_with_json(input)? {
            common::for_each_json_object(input, sink, |map, _| event_of(&map, tz).map(Some))
        } else {
            delimited::for_each_row(input, sink, |_| Ok(()), |_, row| event_of(&row, tz))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sniffs_csv_and_json_lines() {
        assert!(sniff(
            b"\"Timestamp\",\"Computer\",\"Channel\",\"EventID\",\"Level\",\"RecordID\",\"RuleTitle\",\"Details\",\"ExtraFieldInfo\"\n"
        ));
        assert!(sniff(
            b"{\"Timestamp\":\"2019-03-19 23:23:37.817 +09:00\",\"RuleTitle\":\"x\",\"Level\":\"high\",\"Computer\":\"c\"}\n"
        ));
        assert!(!sniff(b"Timestamp,Computer\n"));
    }

    #[test]
    fn details_become_an_object_and_feed_the_canonical_columns() {
        let row = json!({
            "Timestamp": "2019-03-19 23:23:37.817 +09:00", "Computer": "WS-01",
            "Channel": "Sec", "EventID": "4625", "Level": "med", "RecordID": "8",
            "RuleTitle": "Failed Logon",
            "Details": "Type: 3 - NETWORK ¦ TgtUser: alice ¦ SrcIP: 198.51.100.7 ¦ Proc: -",
            "ExtraFieldInfo": "-"
        });
        let e = event_of(row.as_object().unwrap(), chrono_tz::UTC).unwrap();
        assert_eq!(e.ts, Some(1_553_005_417_817_000));
        assert_eq!(e.user.as_deref(), Some("alice"));
        assert_eq!(e.src_ip.as_deref(), Some("198.51.100.7"));
        assert_eq!(e.process, None);
        assert_eq!(e.severity.as_deref(), Some("medium"));
        assert_eq!(
            e.message,
            "Failed Logon | Type: 3 - NETWORK ¦ TgtUser: alice ¦ SrcIP: 198.51.100.7 ¦ Proc: -"
        );
        assert_eq!(
            Value::Object(e.attrs),
            json!({"channel": "Sec", "record_id": "8", "rule_title": "Failed Logon",
                   "level": "med",
                   "details": {"Type": "3 - NETWORK", "TgtUser": "alice",
                               "SrcIP": "198.51.100.7", "Proc": "-"}})
        );
    }

    #[test]
    fn free_text_details_stay_text() {
        assert_eq!(details(&json!("just words")), Some(json!("just words")));
        assert_eq!(details(&json!("-")), None);
        assert_eq!(details(&json!({})), None);
    }
}
