//! The systemd journal as `journalctl -o json` writes it: one JSON object per line, every
//! value a string, except binary values (not valid UTF-8), which are arrays of byte
//! numbers, fields with several values, which are arrays of those, and values too large
//! to show, which are `null`.
//!
//! `__REALTIME_TIMESTAMP` (microseconds since the epoch, as a string) is the time, exact.
//! `_HOSTNAME` is the host, `SYSLOG_IDENTIFIER` (else `_COMM`) the process, `PRIORITY`
//! the severity (by its syslog name), `MESSAGE` the message (byte arrays decoded lossily,
//! line breaks shown as spaces). The message goes through the same reader of sshd, PAM
//! and sudo messages as syslog does ([`super::auth`]), so the same login fills the same
//! `user`, `src_ip` and `action` whichever way it was collected. Every other field,
//! including `_PID` and `__CURSOR` (which finds the entry again in the journal), goes to
//! `attrs`, with byte arrays decoded to text.

use std::io::BufRead;

use serde_json::{Map, Value};

use super::syslog::SEVERITIES;
use super::{auth, common};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};

const SOURCE: &str = "journal_json";
const TIME: &str = "__REALTIME_TIMESTAMP";

/// A journal value as text: a string, a byte array decoded lossily, or several values
/// joined by line breaks. `None` for `null` and anything else.
fn decode(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) if items.iter().all(Value::is_u64) => {
            let bytes: Option<Vec<u8>> = items
                .iter()
                .map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect();
            bytes.map(|b| common::lossy(&b).into_owned())
        }
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(decode).collect();
            parts.map(|p| p.join("\n"))
        }
        _ => None,
    }
}

/// One readable line: surrounding line breaks dropped, inner ones shown as spaces.
fn one_line(s: &str) -> String {
    s.trim_end_matches(['\n', '\r'])
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect()
}

fn event_of(mut map: Map<String, Value>) -> Event {
    let stamp = map.get(TIME).and_then(decode);
    let micros = stamp
        .as_deref()
        .filter(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|s| s.parse::<i64>().ok());
    let (ts, ts_quality) = match micros {
        Some(m) => (Some(m), TsQuality::EXACT),
        None => (None, TsQuality::missing()),
    };
    if stamp.is_some() {
        map.remove(TIME);
    }
    let mut take = |key: &str| -> Option<String> {
        let v = decode(map.get(key)?).filter(|s| !s.is_empty())?;
        map.remove(key);
        Some(v)
    };
    let host = take("_HOSTNAME");
    let process = take("SYSLOG_IDENTIFIER").or_else(|| take("_COMM"));
    let message = take("MESSAGE").unwrap_or_default();
    let severity = map
        .get("PRIORITY")
        .and_then(decode)
        .and_then(|p| p.parse::<usize>().ok())
        .and_then(|p| SEVERITIES.get(p).copied());
    if severity.is_some() {
        map.remove("PRIORITY");
    }
    let fields = auth::extract(process.as_deref(), &message);
    let mut attrs: Map<String, Value> = map
        .into_iter()
        .map(|(k, v)| {
            let v = match &v {
                Value::Array(_) => decode(&v).map_or(v, Value::String),
                _ => v,
            };
            (k, v)
        })
        .collect();
    for (key, value) in fields.extra {
        attrs.insert(key.into(), Value::String(value));
    }
    Event {
        ts,
        ts_source: stamp,
        ts_quality,
        source: SOURCE.into(),
        locator: String::new(),
        host,
        user: fields.user,
        src_ip: fields.src_ip,
        dst_ip: fields.dst_ip,
        process,
        event_code: None,
        action: fields.action.map(str::to_string),
        severity: severity.map(str::to_string),
        message: one_line(&message),
        raw: Vec::new(),
        attrs,
    }
}

/// Whether most of the first lines of `head` are journal entries (JSON objects with a
/// `__REALTIME_TIMESTAMP` or `__CURSOR`).
pub(super) fn sniff(head: &[u8]) -> bool {
    common::sniff_json_lines(head, |map| {
        map.contains_key(TIME) || map.contains_key("__CURSOR")
    })
}

/// Reads `journalctl -o json` exports (see the module documentation).
pub struct JournalJsonParser;

impl JournalJsonParser {
    pub fn new(_file: &FileContext, _opts: &ImportOptions) -> Self {
        JournalJsonParser
    }
}

impl Parser for JournalJsonParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_json_object(input, sink, |map, _| Ok(Some(event_of(map))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Event {
        let Value::Object(map) = serde_json::from_str(json).unwrap() else {
            panic!("not an object")
        };
        event_of(map)
    }

    #[test]
    fn reads_an_sshd_entry_like_syslog_does() {
        let e = event(
            r#"{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1773454269003117","PRIORITY":"6","_HOSTNAME":"bastion-01","SYSLOG_IDENTIFIER":"sshd","_PID":"45001","_COMM":"sshd","MESSAGE":"Failed password for invalid user admin from 203.0.113.45 port 40022 ssh2"}"#,
        );
        assert_eq!(e.ts, Some(1_773_454_269_003_117));
        assert_eq!(e.ts_source.as_deref(), Some("1773454269003117"));
        assert_eq!(e.ts_quality, TsQuality::EXACT);
        assert_eq!(e.host.as_deref(), Some("bastion-01"));
        assert_eq!(e.process.as_deref(), Some("sshd"));
        assert_eq!(e.severity.as_deref(), Some("info"));
        assert_eq!(e.user.as_deref(), Some("admin"));
        assert_eq!(e.src_ip.as_deref(), Some("203.0.113.45"));
        assert_eq!(e.action.as_deref(), Some("auth_failure"));
        assert_eq!(
            Value::Object(e.attrs),
            serde_json::json!({"__CURSOR": "s=1;i=2", "_PID": "45001", "_COMM": "sshd"})
        );
    }

    #[test]
    fn a_binary_message_is_decoded_lossily_and_comm_names_the_process() {
        let e = event(
            r#"{"__REALTIME_TIMESTAMP":"1","_COMM":"backup.sh","MESSAGE":[99,97,102,233,10],"X":[[104,105],"yo"]}"#,
        );
        assert_eq!(e.message, "caf\u{fffd}");
        assert_eq!(e.process.as_deref(), Some("backup.sh"));
        assert_eq!(e.attrs["X"], "hi\nyo");
        assert_eq!(e.severity, None);
    }

    #[test]
    fn a_multi_line_message_becomes_one_line() {
        let e = event(r#"{"__REALTIME_TIMESTAMP":"1","MESSAGE":"first\nsecond\n"}"#);
        assert_eq!(e.message, "first second");
    }

    #[test]
    fn no_usable_time_is_missing_and_a_null_message_stays_in_attrs() {
        let e = event(r#"{"__REALTIME_TIMESTAMP":"soon","MESSAGE":null,"PRIORITY":"9"}"#);
        assert_eq!(e.ts, None);
        assert_eq!(e.ts_quality, TsQuality::missing());
        assert_eq!(e.ts_source.as_deref(), Some("soon"));
        assert_eq!(e.message, "");
        assert_eq!(
            Value::Object(e.attrs),
            serde_json::json!({"MESSAGE": null, "PRIORITY": "9"})
        );
    }

    #[test]
    fn sniffs_journal_exports_only() {
        assert!(sniff(b"{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}\n"));
        assert!(!sniff(
            b"{\"time\":\"2026-03-14T02:11:09Z\",\"msg\":\"x\"}\n"
        ));
        assert!(!sniff(b"Mar 14 02:11:09 h sshd[1]: ok\n"));
    }
}
