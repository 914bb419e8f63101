//! What commonly named fields mean, for the formats whose records name their own
//! fields (generic JSON lines and CSV, Timesketch), and the small pieces the timeline
//! formats share: reading a time in the investigator's zone, a message on one line,
//! and a short summary for records that carry no message.
//!
//! A field is found by name: an exact match first, then one that is equal once case and
//! every character other than a letter or digit are ignored (`src_ip`, `SrcIP` and
//! `src-ip` are one name; so are `@timestamp` and `timestamp`). The lists are tried in
//! order, so `@timestamp` wins over `time` when a record has both.

use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::common;
use crate::error::{Error, Result};
use crate::event::{Event, TsQuality};
use crate::time::Micros;

/// Fields that hold the time, in the order they are tried.
pub const TIME_FIELDS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "datetime",
    "date",
    "eventTime",
    "ts",
    "TimeCreated",
    "UtcTime",
    "_time",
    "created_at",
];
/// Fields that name the host.
pub const HOST_FIELDS: &[&str] = &["host", "hostname", "host_name", "computer", "computer_name"];
/// Fields that name the user.
pub const USER_FIELDS: &[&str] = &["user", "username", "user_name"];
/// Fields that hold the source (client) address.
pub const SRC_IP_FIELDS: &[&str] = &[
    "src_ip",
    "source_ip",
    "client_ip",
    "remote_addr",
    "remote_ip",
];
/// Fields that hold the destination (server) address.
pub const DST_IP_FIELDS: &[&str] = &["dst_ip", "dest_ip", "destination_ip", "server_ip"];
/// Fields that name the process.
pub const PROCESS_FIELDS: &[&str] = &["process", "process_name", "image", "proc"];
/// Fields that hold the message.
pub const MESSAGE_FIELDS: &[&str] = &["message", "msg"];
/// Fields that hold an event code. Only a short value (at most [`EVENT_CODE_MAX`]
/// characters) is a code: a record's unique id under the same name (CloudTrail's
/// `eventID` is a UUID) stays in `attrs`.
pub const EVENT_CODE_FIELDS: &[&str] = &["event_id", "event_code"];
pub const EVENT_CODE_MAX: usize = 16;
/// Fields that hold a severity.
pub const SEVERITY_FIELDS: &[&str] = &["severity", "level"];
/// Fields that hold an action.
pub const ACTION_FIELDS: &[&str] = &["action"];

/// A field name with case and punctuation dropped.
fn fold(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The record's field (one of `keys`) that first matches `names`.
fn find(keys: &[(&str, String)], names: &[&str]) -> Option<String> {
    names.iter().find_map(|want| {
        keys.iter()
            .find(|(k, _)| k == want)
            .or_else(|| {
                let w = fold(want);
                keys.iter().find(|(_, f)| *f == w)
            })
            .map(|(k, _)| k.to_string())
    })
}

/// Which field of a record holds each canonical column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked {
    pub time: Option<String>,
    pub host: Option<String>,
    pub user: Option<String>,
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub process: Option<String>,
    pub message: Option<String>,
    pub event_code: Option<String>,
    pub severity: Option<String>,
    pub action: Option<String>,
}

impl Picked {
    /// Picks from a record's field names. `time_field`, when given, is the time field
    /// whatever its name.
    pub fn from_keys<'a>(
        keys: impl IntoIterator<Item = &'a str>,
        time_field: Option<&str>,
    ) -> Self {
        let keys: Vec<(&str, String)> = keys.into_iter().map(|k| (k, fold(k))).collect();
        Picked {
            time: match time_field {
                Some(t) => keys.iter().any(|(k, _)| *k == t).then(|| t.to_string()),
                None => find(&keys, TIME_FIELDS),
            },
            host: find(&keys, HOST_FIELDS),
            user: find(&keys, USER_FIELDS),
            src_ip: find(&keys, SRC_IP_FIELDS),
            dst_ip: find(&keys, DST_IP_FIELDS),
            process: find(&keys, PROCESS_FIELDS),
            message: find(&keys, MESSAGE_FIELDS),
            event_code: find(&keys, EVENT_CODE_FIELDS),
            severity: find(&keys, SEVERITY_FIELDS),
            action: find(&keys, ACTION_FIELDS),
        }
    }

    fn columns(&self) -> [&Option<String>; 10] {
        [
            &self.time,
            &self.host,
            &self.user,
            &self.src_ip,
            &self.dst_ip,
            &self.process,
            &self.message,
            &self.event_code,
            &self.severity,
            &self.action,
        ]
    }
}

/// An event holding the record's canonical columns (those `picked` names and the record
/// has), its time read in `tz` when zone-less, and every other non-empty field in
/// `attrs`. Without a message field, the message sums up the other fields. `source`,
/// `locator` and `raw` are left to the caller.
pub fn named_event(map: &Map<String, Value>, picked: &Picked, tz: Tz) -> Event {
    let get = |k: &Option<String>| k.as_deref().and_then(|k| common::text(map, k));
    let mut event = Event {
        host: get(&picked.host),
        user: get(&picked.user),
        src_ip: get(&picked.src_ip),
        dst_ip: get(&picked.dst_ip),
        process: get(&picked.process),
        event_code: get(&picked.event_code).filter(|c| c.chars().count() <= EVENT_CODE_MAX),
        severity: get(&picked.severity),
        action: get(&picked.action),
        ..Default::default()
    };
    set_time(&mut event, get(&picked.time), tz);
    // A field is moved to a canonical column only when it had a value there.
    let mut used: Vec<&str> = picked
        .columns()
        .into_iter()
        .filter_map(|k| k.as_deref())
        .filter(|k| common::text(map, k).is_some())
        .collect();
    if event.event_code.is_none() {
        used.retain(|k| Some(*k) != picked.event_code.as_deref());
    }
    event.attrs = non_empty_attrs(map, &used);
    event.message = match get(&picked.message) {
        Some(m) => one_line(&m),
        None => summary(&event.attrs),
    };
    event
}

/// Sets `ts`, `ts_source` and `ts_quality` from a time text (none: missing).
pub fn set_time(event: &mut Event, text: Option<String>, tz: Tz) {
    match text {
        Some(t) => {
            match read_time(&t, tz) {
                Some((ts, q)) => {
                    event.ts = Some(ts);
                    event.ts_quality = q;
                }
                None => {
                    event.ts = None;
                    event.ts_quality = TsQuality::missing();
                }
            }
            event.ts_source = Some(t);
        }
        None => {
            event.ts = None;
            event.ts_source = None;
            event.ts_quality = TsQuality::missing();
        }
    }
}

/// Every field of `map` not in `used` whose value is not an empty string or null.
pub fn non_empty_attrs(map: &Map<String, Value>, used: &[&str]) -> Map<String, Value> {
    let mut attrs = common::attrs_except(map, used);
    attrs.retain(|_, v| !matches!(v, Value::Null) && v.as_str() != Some(""));
    attrs
}

/// Reads a time as [`common::parse_time`] does, plus `YYYY-MM-DD HH:MM:SS.f +HH:MM`,
/// RFC 2822 and C's `asctime` (`Sun Dec 04 04:47:44 2005`), reading a zone-less time in `tz` (flagged `zone_assumed`). A bare
/// number counts as epoch time only from 1e8 (1973) on, so that small numbers in a
/// field called `time` or `date` do not become dates in 1970.
pub fn read_time(text: &str, tz: Tz) -> Option<(Micros, TsQuality)> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some((dt.with_timezone(&Utc).timestamp_micros(), TsQuality::EXACT));
    }
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f %:z") {
        return Some((dt.with_timezone(&Utc).timestamp_micros(), TsQuality::EXACT));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(t) {
        return Some((dt.with_timezone(&Utc).timestamp_micros(), TsQuality::EXACT));
    }
    if let Ok(ndt) = NaiveDateTime::parse_from_str(t, "%a %b %e %H:%M:%S %Y") {
        return Some((local_to_utc(ndt, tz), TsQuality::EXACT.with_zone_assumed()));
    }
    if let Ok(n) = t.parse::<f64>() {
        if n < 1e8 {
            return None;
        }
    }
    let (micros, quality) = common::parse_time(t, false)?;
    if quality == TsQuality::EXACT.with_zone_assumed() && tz != chrono_tz::UTC {
        let naive = DateTime::from_timestamp_micros(micros)?.naive_utc();
        return Some((local_to_utc(naive, tz), quality));
    }
    Some((micros, quality))
}

/// A local time in `tz` as UTC microseconds. An ambiguous time (the hour repeated when
/// daylight saving ends) is read as the earlier one; a time skipped when it starts is
/// read with the offset in force just before.
pub fn local_to_utc(ndt: NaiveDateTime, tz: Tz) -> Micros {
    let offset = match tz.offset_from_local_datetime(&ndt) {
        chrono::LocalResult::Single(o) => o.fix(),
        chrono::LocalResult::Ambiguous(earliest, _) => earliest.fix(),
        chrono::LocalResult::None => tz.offset_from_utc_datetime(&ndt).fix(),
    };
    (ndt - offset).and_utc().timestamp_micros()
}

/// Whether the input opens with a JSON object (after blank space and a byte-order
/// mark), for formats written both as CSV and as JSON lines. Only looks at what is
/// buffered; consumes nothing.
pub fn opens_with_json(input: &mut dyn BufRead) -> Result<bool> {
    let buf = input.fill_buf().map_err(|e| Error::io("(input)", e))?;
    let buf = buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(buf);
    Ok(buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

/// A tool's CamelCase column name in snake case (`RecordID` -> `record_id`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Text on one line: control characters (line breaks, tabs, NUL) become spaces.
pub fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The most bytes of a summary message.
const SUMMARY_MAX: usize = 512;

/// `key=value` for each field with a text, number or boolean value, on one line and at
/// most [`SUMMARY_MAX`] bytes (cut with `…`).
pub fn summary(attrs: &Map<String, Value>) -> String {
    let mut out = String::new();
    for (k, v) in attrs {
        let v = match v {
            Value::String(s) => one_line(s),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&one_line(k));
        out.push('=');
        out.push_str(&v);
        if out.len() > SUMMARY_MAX {
            let mut cut = SUMMARY_MAX;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            out.push('…');
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_match_exactly_first_then_ignoring_case_and_punctuation() {
        let p = Picked::from_keys(
            ["Time", "@timestamp", "SrcIP", "Hostname", "MSG", "other"],
            None,
        );
        assert_eq!(p.time.as_deref(), Some("@timestamp"));
        assert_eq!(p.src_ip.as_deref(), Some("SrcIP"));
        assert_eq!(p.host.as_deref(), Some("Hostname"));
        assert_eq!(p.message.as_deref(), Some("MSG"));
        assert_eq!(p.user, None);
        let p = Picked::from_keys(["when", "time"], Some("when"));
        assert_eq!(p.time.as_deref(), Some("when"));
        let p = Picked::from_keys(["time"], Some("when"));
        assert_eq!(p.time, None);
    }

    #[test]
    fn named_event_moves_canonical_fields_and_keeps_the_rest() {
        let map = json!({"ts": "2026-03-14T02:11:09Z", "host": "web-01", "user": "",
                         "msg": "a\nb", "port": 22, "extra": null})
        .as_object()
        .unwrap()
        .clone();
        let p = Picked::from_keys(map.keys().map(String::as_str), None);
        let e = named_event(&map, &p, chrono_tz::UTC);
        assert_eq!(e.ts, Some(1_773_454_269_000_000));
        assert_eq!(e.ts_source.as_deref(), Some("2026-03-14T02:11:09Z"));
        assert_eq!(e.host.as_deref(), Some("web-01"));
        assert_eq!(e.user, None);
        assert_eq!(e.message, "a b");
        assert_eq!(Value::Object(e.attrs), json!({"port": 22}));

        let map = json!({"eventID": "2537a6ac-5b7f-461e-a886-6541a8c58291", "EventCode": "4624"});
        let map = map.as_object().unwrap();
        let e = named_event(map, &Picked::from_keys(["eventID"], None), chrono_tz::UTC);
        assert_eq!(e.event_code, None);
        assert!(e.attrs.contains_key("eventID"));
        let e = named_event(map, &Picked::from_keys(["EventCode"], None), chrono_tz::UTC);
        assert_eq!(e.event_code.as_deref(), Some("4624"));
    }

    #[test]
    fn reads_hayabusa_offsets_rfc2822_and_zone_less_times_in_the_given_zone() {
        let want = 1_553_037_817_817_000; // 2019-03-19T23:23:37.817Z
        assert_eq!(
            read_time("2019-03-20 08:23:37.817 +09:00", chrono_tz::UTC),
            Some((want, TsQuality::EXACT))
        );
        assert_eq!(
            read_time("Tue, 19 Mar 2019 23:23:37 +0000", chrono_tz::UTC),
            Some((want - 817_000, TsQuality::EXACT))
        );
        assert_eq!(
            read_time("2019-03-20 00:23:37.817", chrono_tz::Europe::Berlin),
            Some((want, TsQuality::EXACT.with_zone_assumed()))
        );
        let asctime = Some((1_133_671_664_000_000, TsQuality::EXACT.with_zone_assumed()));
        assert_eq!(
            read_time("Sun Dec 04 04:47:44 2005", chrono_tz::UTC),
            asctime
        );
        assert_eq!(
            read_time("Sun Dec  4 04:47:44 2005", chrono_tz::UTC),
            asctime
        );
        assert_eq!(read_time("153", chrono_tz::UTC), None);
        assert_eq!(read_time("06:55:46", chrono_tz::UTC), None);
    }

    #[test]
    fn snake_cases_tool_column_names() {
        assert_eq!(snake_case("RecordID"), "record_id");
        assert_eq!(snake_case("ExtraFieldInfo"), "extra_field_info");
        assert_eq!(snake_case("MitreTactics"), "mitre_tactics");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn summary_is_one_bounded_line_of_scalar_fields() {
        let map = json!({"a": "x\ty", "b": 2, "c": {"d": 1}, "e": "z".repeat(600)})
            .as_object()
            .unwrap()
            .clone();
        let s = summary(&map);
        assert!(s.starts_with("a=x y b=2 e=zzz"), "{s}");
        assert!(s.ends_with('…'));
        assert_eq!(s.len(), SUMMARY_MAX + '…'.len_utf8());
    }
}

/// Every timeline parser, fed hostile bytes: none may panic, and every line must be
/// counted at most once.
#[cfg(test)]
mod hostile {
    use std::path::PathBuf;

    use super::super::{generic_csv, generic_jsonl, hayabusa, plaso, timesketch};
    use super::super::{FileContext, ImportOptions, Parser, Sink};
    use crate::error::Result;
    use crate::event::{Event, ImportIssue};

    #[derive(Default)]
    struct Count {
        events: usize,
        issues: usize,
        skipped: usize,
    }

    impl Sink for Count {
        fn event(&mut self, _: Event) -> Result<()> {
            self.events += 1;
            Ok(())
        }
        fn issue(&mut self, _: ImportIssue) -> Result<()> {
            self.issues += 1;
            Ok(())
        }
        fn skip(&mut self) -> Result<()> {
            self.skipped += 1;
            Ok(())
        }
    }

    fn parsers() -> Vec<(&'static str, Box<dyn Parser>)> {
        let file = FileContext {
            path: PathBuf::from("hostile"),
            modified: None,
        };
        let opts = ImportOptions::default();
        vec![
            ("plaso", Box::new(plaso::PlasoParser::new(&file, &opts))),
            (
                "hayabusa",
                Box::new(hayabusa::HayabusaParser::new(&file, &opts)),
            ),
            (
                "timesketch",
                Box::new(timesketch::TimesketchParser::new(&file, &opts)),
            ),
            (
                "jsonl",
                Box::new(generic_jsonl::JsonlParser::new(&file, &opts)),
            ),
            ("csv", Box::new(generic_csv::CsvParser::new(&file, &opts))),
        ]
    }

    /// Deterministic noise, heavy in the bytes that matter to CSV and JSON.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed;
        (0..len)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let b = (x >> 33) as u8;
                match b % 8 {
                    0 => b'"',
                    1 => b',',
                    2 => b'\n',
                    3 => b'{',
                    _ => b,
                }
            })
            .collect()
    }

    #[test]
    fn no_parser_panics_and_no_line_is_counted_twice() {
        let mut inputs: Vec<Vec<u8>> = (0..8).map(|s| noise(20_000, s)).collect();
        let mut long = b"time,host,message\n\"".to_vec();
        long.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
        long.extend_from_slice(b"\n2026-03-14T02:11:09Z,h,after\n");
        inputs.push(long);
        let mut open = b"message,datetime,timestamp_desc\nm,\"never closed\n".to_vec();
        for _ in 0..40_000 {
            open.extend_from_slice(b"plain line without quotes, number two\n");
        }
        inputs.push(open);
        inputs.push(b"{\"Timestamp\": \"x\", \"RuleTitle\": 1, \"Level\": null, \"Computer\": []}\n{\0\r\n\r".to_vec());
        inputs.push(b"\xef\xbb\xbf\r\n\r\n".to_vec());
        for input in &inputs {
            let lines = input.split(|&b| b == b'\n').count();
            for (name, mut parser) in parsers() {
                let mut count = Count::default();
                parser.parse(&mut &input[..], &mut count).unwrap();
                let total = count.events + count.issues + count.skipped;
                assert!(total <= lines, "{name}: {total} records from {lines} lines");
            }
        }
    }

    fn csv_counts(input: &[u8]) -> (usize, usize, usize) {
        let (_, mut parser) = parsers().pop().unwrap();
        let mut count = Count::default();
        parser.parse(&mut &input[..], &mut count).unwrap();
        (count.events, count.issues, count.skipped)
    }

    #[test]
    fn a_huge_line_is_one_issue_and_the_next_line_survives() {
        let mut input = b"time,host,message\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
        input.extend_from_slice(b"\n2026-03-14T02:11:09Z,h,after\n");
        assert_eq!(csv_counts(&input), (1, 1, 1));
    }

    #[test]
    fn a_quote_never_closed_costs_one_line_even_after_a_mebibyte() {
        let mut input = b"time,host,message\n1,h,\"never closed\n".to_vec();
        for i in 0..40_000 {
            input.extend_from_slice(format!("{i},h,plain line without quotes\n").as_bytes());
        }
        assert_eq!(csv_counts(&input), (40_000, 1, 1));
    }
}
