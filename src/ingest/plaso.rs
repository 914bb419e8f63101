//! Plaso (log2timeline / psort) timelines, so that a super-timeline made with Plaso
//! joins the case's timeline. Two of psort's output modules are read, told apart by the
//! file's first byte:
//!
//! - `l2tcsv` (`psort -o l2tcsv`): CSV with the fixed header
//!   `date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,
//!   filename,inode,notes,format,extra`. Plaso writes `-` for an empty value and turns
//!   commas inside values into spaces, so rows are never quoted. `date` is MM/DD/YYYY
//!   and `time` HH:MM:SS, both in the output zone that `timezone` names: `UTC`, an IANA
//!   name, or the abbreviation Python's `tzname()` gives (`CET`, `EDT`). Known
//!   abbreviations are read at their offset; an unknown or ambiguous one (`CST`, `IST`)
//!   is read in `--tz` and flagged `zone_assumed`. Plaso writes `00/00/0000` for an
//!   event it could not date: such a row is an import issue. (Source:
//!   plaso/output/l2t_csv.py, shared_dsv.py and formatting_helper.py.)
//! - `json_line` (`psort -o json_line`): one JSON object per event, with the event's
//!   attributes: `timestamp` (microseconds since the epoch, UTC), `timestamp_desc`,
//!   `data_type`, `parser`, `message`, `hostname`, `username`, `display_name`,
//!   `filename`, `inode`, `pathspec`, `date_time` and `__container_type__: "event"`.
//!   When `timestamp` is absent an ISO 8601 `datetime` is used. (Source:
//!   plaso/output/json_line.py and shared_json.py.)
//!
//! The `source` column is `plaso:` and the Plaso parser that made the event
//! (`plaso:syslog`, `plaso:winevtx`), or `plaso` when the row does not say. `host` and
//! `user` come from Plaso's host and user, the message from the long description; the
//! rest of the row goes to `attrs` under Plaso's own names.

use std::io::BufRead;

use chrono::{FixedOffset, NaiveDateTime};
use serde_json::{Map, Value};

use super::fields;
use super::{common, delimited, generic_jsonl, FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};
use crate::time::Micros;

/// The l2tcsv header, field by field.
const L2TCSV_HEADER: [&str; 17] = [
    "date",
    "time",
    "timezone",
    "MACB",
    "source",
    "sourcetype",
    "type",
    "user",
    "host",
    "short",
    "desc",
    "version",
    "filename",
    "inode",
    "notes",
    "format",
    "extra",
];

/// Whether a JSON object is a Plaso `json_line` event.
fn is_json_line_event(m: &Map<String, Value>) -> bool {
    m.get("__container_type__").and_then(Value::as_str) == Some("event")
        || (m.contains_key("timestamp")
            && m.contains_key("timestamp_desc")
            && m.contains_key("data_type")
            && !m.contains_key("datetime"))
}

/// Whether `head` starts with the l2tcsv header, or with JSON lines whose first object
/// is a Plaso event.
pub(super) fn sniff(head: &[u8]) -> bool {
    if let Some((header, _)) = delimited::head_table(head, 0) {
        if header == L2TCSV_HEADER {
            return true;
        }
    }
    let (objects, seen) = generic_jsonl::head_objects(head, 20);
    objects.len() * 2 > seen && objects.first().is_some_and(is_json_line_event)
}

/// The source column: `plaso:<parser>`.
fn source_of(parser: Option<String>) -> String {
    match parser {
        Some(p) => format!("plaso:{p}"),
        None => "plaso".into(),
    }
}

/// A value Plaso wrote, or `None` for its `-` and for empty text.
fn value(map: &Map<String, Value>, key: &str) -> Option<String> {
    common::text(map, key)
}

/// Every field but `used`, without Plaso's empty values (`-`, ``, null).
fn plaso_attrs(map: &Map<String, Value>, used: &[&str]) -> Map<String, Value> {
    let mut attrs = fields::non_empty_attrs(map, used);
    attrs.retain(|_, v| v.as_str() != Some("-"));
    attrs
}

/// Time zone abbreviations Python gives with one meaning, and their offsets in minutes.
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UCT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("AWST", 480),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// Reads an l2tcsv date, time and zone as UTC microseconds.
fn l2tcsv_time(
    date: &str,
    time: &str,
    zone: &str,
    fallback: chrono_tz::Tz,
) -> Result<(Micros, TsQuality), String> {
    let ndt = NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%m/%d/%Y %H:%M:%S%.f")
        .map_err(|_| {
            format!(
                "no usable time: date '{date}', time '{time}' (expected MM/DD/YYYY and HH:MM:SS)"
            )
        })?;
    if let Some((_, minutes)) = ABBREVIATIONS.iter().find(|(name, _)| *name == zone) {
        let offset = FixedOffset::east_opt(minutes * 60).expect("offsets in the table are valid");
        return Ok((
            (ndt - offset).and_utc().timestamp_micros(),
            TsQuality::EXACT,
        ));
    }
    if let Ok(tz) = zone.parse::<chrono_tz::Tz>() {
        return Ok((fields::local_to_utc(ndt, tz), TsQuality::EXACT));
    }
    Ok((
        fields::local_to_utc(ndt, fallback),
        TsQuality::EXACT.with_zone_assumed(),
    ))
}

fn l2tcsv_event(row: &Map<String, Value>, tz: chrono_tz::Tz) -> Result<Event, String> {
    let cell = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or("").trim();
    let (date, time, zone) = (cell("date"), cell("time"), cell("timezone"));
    let (ts, quality) = l2tcsv_time(date, time, zone, tz)?;
    let message = value(row, "desc")
        .or_else(|| value(row, "short"))
        .unwrap_or_default();
    Ok(Event {
        ts: Some(ts),
        ts_source: Some(format!("{date} {time} {zone}")),
        ts_quality: quality,
        source: source_of(value(row, "format")).into(),
        host: value(row, "host"),
        user: value(row, "user"),
        message: fields::one_line(&message),
        attrs: plaso_attrs(row, &["date", "time", "timezone", "host", "user", "desc"]),
        ..Default::default()
    })
}

fn json_line_event(map: Map<String, Value>, tz: chrono_tz::Tz) -> Result<Event, String> {
    let mut event = Event::default();
    let mut used = vec!["hostname", "username", "message"];
    match map.get("timestamp") {
        Some(v) => {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let micros = text
                .trim()
                .parse::<i64>()
                .ok()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.is_finite())
                        .map(|f| f.round() as i64)
                })
                .ok_or_else(|| format!("a timestamp that is not microseconds: '{text}'"))?;
            if micros == 0 {
                return Err("timestamp 0: Plaso could not date this event".into());
            }
            event.ts = Some(micros);
            event.ts_source = Some(text);
            used.push("timestamp");
        }
        None => {
            let text = value(&map, "datetime").ok_or("no timestamp and no datetime")?;
            let (ts, q) = fields::read_time(&text, tz)
                .ok_or_else(|| format!("a datetime that is not ISO 8601: '{text}'"))?;
            event.ts = Some(ts);
            event.ts_quality = q;
            event.ts_source = Some(text);
            used.push("datetime");
        }
    }
    event.host = value(&map, "hostname").or_else(|| {
        used.push("computer_name");
        value(&map, "computer_name")
    });
    event.user = value(&map, "username");
    event.event_code = value(&map, "event_identifier");
    if event.event_code.is_some() {
        used.push("event_identifier");
    }
    event.message = fields::one_line(
        &value(&map, "message")
            .or_else(|| value(&map, "display_name"))
            .unwrap_or_default(),
    );
    event.source = source_of(value(&map, "parser").or_else(|| value(&map, "data_type"))).into();
    event.attrs = plaso_attrs(&map, &used);
    Ok(event)
}

/// Reads Plaso l2tcsv and json_line (see the module documentation).
pub struct PlasoParser {
    tz: chrono_tz::Tz,
}

impl PlasoParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        PlasoParser { tz: opts.tz }
    }
}

impl Parser for PlasoParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        let tz = self.tz;
        if fields::opens_with_json(input)? {
            common::for_each_json_object(input, sink, |map, _| json_line_event(map, tz).map(Some))
        } else {
            delimited::for_each_row(input, sink, |_| Ok(()), |_, row| l2tcsv_event(&row, tz))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: chrono_tz::Tz = chrono_tz::UTC;

    #[test]
    fn sniffs_both_outputs_and_nothing_else() {
        assert!(sniff(format!("{}\n", L2TCSV_HEADER.join(",")).as_bytes()));
        assert!(sniff(
            b"{\"__container_type__\": \"event\", \"timestamp\": 1, \"data_type\": \"x\"}\n"
        ));
        assert!(!sniff(b"date,time,timezone\n"));
        assert!(!sniff(
            b"{\"message\": \"m\", \"datetime\": \"2026-03-14T02:11:09Z\", \"timestamp_desc\": \"t\", \"data_type\": \"x\", \"timestamp\": 1}\n"
        ));
    }

    #[test]
    fn reads_l2tcsv_times_in_the_zone_they_name() {
        let want = 1_773_454_269_000_000; // 2026-03-14T02:11:09Z
        assert_eq!(
            l2tcsv_time("03/14/2026", "02:11:09", "UTC", UTC),
            Ok((want, TsQuality::EXACT))
        );
        assert_eq!(
            l2tcsv_time("03/14/2026", "03:11:09", "CET", UTC),
            Ok((want, TsQuality::EXACT))
        );
        assert_eq!(
            l2tcsv_time("03/14/2026", "03:11:09", "Europe/Berlin", UTC),
            Ok((want, TsQuality::EXACT))
        );
        assert_eq!(
            l2tcsv_time("03/14/2026", "07:41:09", "IST", chrono_tz::Asia::Kolkata),
            Ok((want, TsQuality::EXACT.with_zone_assumed()))
        );
        assert_eq!(
            l2tcsv_time("00/00/0000", "--:--:--", "-", UTC).unwrap_err(),
            "no usable time: date '00/00/0000', time '--:--:--' (expected MM/DD/YYYY and HH:MM:SS)"
        );
    }

    #[test]
    fn json_line_time_is_plaso_microseconds() {
        let map = serde_json::json!({"timestamp": 1_773_454_269_000_001_i64, "parser": "syslog",
                                     "hostname": "h", "message": "m", "inode": "-"});
        let e = json_line_event(map.as_object().unwrap().clone(), UTC).unwrap();
        assert_eq!(e.ts, Some(1_773_454_269_000_001));
        assert_eq!(e.ts_source.as_deref(), Some("1773454269000001"));
        assert_eq!(e.source, "plaso:syslog");
        assert_eq!(e.host.as_deref(), Some("h"));
        assert_eq!(
            serde_json::Value::Object(e.attrs),
            serde_json::json!({"parser": "syslog"})
        );
        let zero = serde_json::json!({"timestamp": 0});
        assert_eq!(
            json_line_event(zero.as_object().unwrap().clone(), UTC).unwrap_err(),
            "timestamp 0: Plaso could not date this event"
        );
    }
}
