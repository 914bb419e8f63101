//! Timesketch's import format (CSV with a header row, or JSON lines), so that a
//! timeline prepared for Timesketch, or exported from it, joins the case's timeline.
//! CSV and JSON lines are told apart by the file's first byte.
//!
//! Timesketch requires three fields: `message` (a readable message), `datetime` (ISO
//! 8601, e.g. `2015-07-24T19:01:01+00:00`) and `timestamp_desc` (what the time means,
//! e.g. `Write time`); `timestamp` (microseconds since the epoch) is optional, and any
//! other field is kept. (Source: Timesketch's docs, "Create timeline from JSON/JSONL/CSV
//! file" / guides/user/import-from-json-csv.md.) The time is read from `datetime`, or
//! from `timestamp` when `datetime` is missing or unreadable; a zone-less `datetime` is
//! read in `--tz` and flagged `zone_assumed`. A row with neither is an import issue,
//! since Timesketch itself would refuse it.
//!
//! The `source` column is `timesketch`, or `timesketch:<parser>` when the row names the
//! Plaso parser that made it. Commonly named fields fill the canonical columns as in
//! the generic formats (`hostname`, `username`, `src_ip`, ...); `timestamp_desc` and
//! every other field go to `attrs`.

use std::io::BufRead;

use serde_json::{Map, Value};

use super::fields::{self, Picked};
use super::{common, delimited, generic_jsonl, FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};

const SOURCE: &str = "timesketch";
const REQUIRED: [&str; 3] = ["message", "datetime", "timestamp_desc"];

/// Whether `head` is a CSV header or JSON lines with Timesketch's required fields.
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

fn event_of(row: &Map<String, Value>, picked: &Picked, tz: chrono_tz::Tz) -> Result<Event, String> {
    let mut event = fields::named_event(row, picked, tz);
    let datetime = common::text(row, "datetime");
    let read = datetime.as_deref().and_then(|t| fields::read_time(t, tz));
    if let (Some(text), Some((ts, q))) = (&datetime, read) {
        event.ts = Some(ts);
        event.ts_quality = q;
        event.ts_source = Some(text.clone());
        event.attrs.remove("datetime");
    } else if let Some(micros) = common::text(row, "timestamp").and_then(|t| t.parse::<i64>().ok())
    {
        event.ts = Some(micros);
        event.ts_quality = TsQuality::EXACT;
        event.ts_source = common::text(row, "timestamp");
        event.attrs.remove("timestamp");
    } else {
        return Err(match datetime {
            Some(t) => format!("a datetime that is not ISO 8601: '{t}' (and no timestamp)"),
            None => "no datetime (Timesketch requires one) and no timestamp".into(),
        });
    }
    event.source = match common::text(row, "parser") {
        Some(p) => format!("{SOURCE}:{p}").into(),
        None => SOURCE.into(),
    };
    Ok(event)
}

/// The canonical fields of a Timesketch row: those of the generic formats, except that
/// the time is read here from `datetime` / `timestamp`.
fn pick<'a>(keys: impl IntoIterator<Item = &'a str>) -> Picked {
    Picked {
        time: None,
        ..Picked::from_keys(keys, None)
    }
}

/// Reads Timesketch CSV and JSON lines (see the module documentation).
pub struct TimesketchParser {
    tz: chrono_tz::Tz,
}

impl TimesketchParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        TimesketchParser { tz: opts.tz }
    }
}

impl Parser for TimesketchParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        let tz = self.tz;
        if fields::opens_with_json(input)? {
            common::for_each_json_object(input, sink, |map, _| {
                let picked = pick(map.keys().map(String::as_str));
                event_of(&map, &picked, tz).map(Some)
            })
        } else {
            delimited::for_each_row(
                input,
                sink,
                |names| Ok(pick(names.iter().map(String::as_str))),
                |picked, row| event_of(&row, picked, tz),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sniffs_the_documented_examples() {
        assert!(sniff(
            b"message,timestamp,datetime,timestamp_desc,extra_field_1,extra_field_2\nA message,1331698658276340,2015-07-24T19:01:01+00:00,Write time,foo,bar\n"
        ));
        assert!(sniff(
            b"{\"message\": \"A message\",\"timestamp\": 123456789,\"datetime\": \"2015-07-24T19:01:01+00:00\",\"timestamp_desc\": \"Write time\",\"extra_field_1\": \"foo\"}\n"
        ));
        assert!(!sniff(b"message,datetime\nx,y\n"));
    }

    #[test]
    fn datetime_wins_and_timestamp_is_the_fallback() {
        let row = json!({"message": "A message", "timestamp": "1331698658276340",
                         "datetime": "2015-07-24T19:01:01+00:00", "timestamp_desc": "Write time",
                         "hostname": "h"});
        let row = row.as_object().unwrap();
        let e = event_of(row, &pick(row.keys().map(String::as_str)), chrono_tz::UTC).unwrap();
        assert_eq!(e.ts, Some(1_437_764_461_000_000));
        assert_eq!(e.host.as_deref(), Some("h"));
        assert_eq!(
            Value::Object(e.attrs),
            json!({"timestamp": "1331698658276340", "timestamp_desc": "Write time"})
        );
        let row = json!({"message": "m", "timestamp": "1331698658276340", "datetime": "soon",
                         "timestamp_desc": "t"});
        let row = row.as_object().unwrap();
        let e = event_of(row, &pick(row.keys().map(String::as_str)), chrono_tz::UTC).unwrap();
        assert_eq!(e.ts, Some(1_331_698_658_276_340));
        assert_eq!(e.attrs.get("datetime"), Some(&json!("soon")));
        let row = json!({"message": "m", "datetime": "soon", "timestamp_desc": "t"});
        let row = row.as_object().unwrap();
        assert_eq!(
            event_of(row, &pick(row.keys().map(String::as_str)), chrono_tz::UTC).unwrap_err(),
            "a datetime that is not ISO 8601: 'soon' (and no timestamp)"
        );
    }
}
