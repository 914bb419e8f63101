//! Windows events exported as JSON lines: flattened Sysmon/Security exports (NXLog, the
//! OTRF "Mordor" security datasets: EventData fields as top-level keys beside `EventID`,
//! `Channel`, `Hostname`, `Message`) and Winlogbeat's nested shape (`winlog.event_id`,
//! `winlog.channel`, `winlog.computer_name`, `winlog.event_data.*`, `event.code`).
//!
//! Both shapes are brought to the [`WinRecord`] the `evtx` reader uses, so the columns,
//! actions and messages are the same whatever the file.
//!
//! **Time.** These exports often carry local time in fields that look like UTC: OTRF's
//! `TimeCreated` is US local time (sometimes on a 12-hour clock without AM/PM), its
//! `@timestamp` can be that local time with a wrong `Z`, and NXLog's `EventTime` is local
//! too. Only Sysmon's `UtcTime` is UTC by definition. So the time of a record is, first,
//! its `UtcTime`; then, for Winlogbeat records, `@timestamp` (UTC by Winlogbeat's
//! definition); then the first of `@timestamp`, `TimeCreated`, `EventTime` whose offset
//! from UTC this file shows. [`Parser::prepare`] compares those fields with `UtcTime` in
//! every record that has both, rounding the difference to 15 minutes: a field that is
//! always 0 from `UtcTime` is real UTC and used as it is (`exact`; OTRF's `@timestamp` in
//! NXLog files is the *receive* time, a second or three late); a field always off by the
//! same amount is corrected by it and flagged `zone_assumed`, with the offset in
//! `attrs.ts_offset_seconds`; a field whose offset varies is not used (`missing`). In a
//! file without any `UtcTime`, the first time field present is read as written, a zone-less
//! one in the investigator's `--tz` (`zone_assumed`). `attrs.ts_field` names the field
//! used; `ts_source` is its text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use chrono::{NaiveDateTime, TimeZone};
use serde_json::{Map, Value};

use super::common::{self, first_text, parse_time, text};
use super::lines::LineReader;
use super::windows::{as_text, as_u64, WinRecord};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};
use crate::event::{Event, TsQuality};
use crate::time::Micros;

const SOURCE: &str = "winevent_json";
/// Fields that may hold the event's time in local time, in order of preference.
const LOCAL_TIME_FIELDS: [&str; 3] = ["@timestamp", "TimeCreated", "EventTime"];
const HOST_FIELDS: [&str; 3] = ["Hostname", "Computer", "ComputerName"];
/// Offsets from UTC are multiples of 15 minutes.
const OFFSET_STEP: Micros = 15 * 60 * 1_000_000;

pub(super) fn sniff(head: &[u8]) -> bool {
    let mut lines = head.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        return match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(map)) => is_windows_event(&map),
            Ok(_) => false,
            // The head may end inside a long first line: judge by its keys.
            Err(_) if lines.peek().is_none() => {
                let text = common::lossy(line);
                text.trim_start().starts_with('{')
                    && (text.contains("\"winlog\"")
                        || (text.contains("\"EventID\"")
                            && (text.contains("\"Channel\"") || text.contains("\"SourceName\""))))
            }
            Err(_) => false,
        };
    }
    false
}

fn is_windows_event(map: &Map<String, Value>) -> bool {
    if let Some(Value::Object(w)) = map.get("winlog") {
        return w.contains_key("event_id") || w.contains_key("channel");
    }
    map.contains_key("EventID")
        && ["Channel", "SourceName", "ProviderName"]
            .iter()
            .any(|k| map.contains_key(*k))
}

/// A record brought to one shape.
struct Shape<'a> {
    /// EventData-like fields: the record itself (flat), or `winlog.event_data` and
    /// `winlog.user_data` (Winlogbeat).
    fields: Cow<'a, Map<String, Value>>,
    winlogbeat: bool,
}

fn shape(map: &Map<String, Value>) -> Shape<'_> {
    match map.get("winlog") {
        Some(Value::Object(w)) => {
            let mut fields = Map::new();
            for section in ["event_data", "user_data"] {
                if let Some(Value::Object(d)) = w.get(section) {
                    fields.extend(d.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            Shape {
                fields: Cow::Owned(fields),
                winlogbeat: true,
            }
        }
        _ => Shape {
            fields: Cow::Borrowed(map),
            winlogbeat: false,
        },
    }
}

/// `a.b.c` in nested objects.
fn path<'a>(map: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    let mut parts = dotted.split('.');
    let mut v = map.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v)
}

fn path_text(map: &Map<String, Value>, dotted: &str) -> Option<String> {
    path(map, dotted).and_then(as_text).filter(|s| s != "-")
}

/// A time field as UTC microseconds, read as if it were UTC.
fn read_as_utc(map: &Map<String, Value>, key: &str) -> Option<(String, Micros, TsQuality)> {
    let t = text(map, key)?;
    let (ts, q) = parse_time(&t, false)?;
    Some((t, ts, q))
}

/// What the file shows about a local time field's offset from `UtcTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offset {
    Always(Micros),
    Varies,
}

pub struct WinEventJsonParser {
    tz: chrono_tz::Tz,
    offsets: HashMap<&'static str, Offset>,
}

impl WinEventJsonParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        WinEventJsonParser {
            tz: opts.tz,
            offsets: HashMap::new(),
        }
    }

    /// Learns each local time field's offset from the `UtcTime` of the same record.
    fn learn(&mut self, map: &Map<String, Value>) {
        let shape = shape(map);
        let Some((_, utc, _)) = read_as_utc(&shape.fields, "UtcTime") else {
            return;
        };
        for key in LOCAL_TIME_FIELDS {
            let Some((_, local, _)) = read_as_utc(map, key) else {
                continue;
            };
            let step = (utc - local + OFFSET_STEP / 2).div_euclid(OFFSET_STEP);
            let offset = Offset::Always(step * OFFSET_STEP);
            let seen = self.offsets.entry(key).or_insert(offset);
            if *seen != offset {
                *seen = Offset::Varies;
            }
        }
    }

    /// The record's time: `(ts, ts_source, quality, field, applied offset)`.
    fn time_of(
        &self,
        map: &Map<String, Value>,
        shape: &Shape,
    ) -> Option<(Option<Micros>, String, TsQuality, &'static str, Micros)> {
        if let Some((t, ts, _)) = read_as_utc(&shape.fields, "UtcTime") {
            return Some((Some(ts), t, TsQuality::EXACT, "UtcTime", 0));
        }
        if shape.winlogbeat {
            if let Some((t, ts, q)) = read_as_utc(map, "@timestamp") {
                return Some((Some(ts), t, q, "@timestamp", 0));
            }
        }
        for key in LOCAL_TIME_FIELDS {
            if let (Some(Offset::Always(off)), Some((t, ts, _))) =
                (self.offsets.get(key), read_as_utc(map, key))
            {
                let q = if *off == 0 {
                    TsQuality::EXACT
                } else {
                    TsQuality::EXACT.with_zone_assumed()
                };
                return Some((Some(ts + off), t, q, key, *off));
            }
        }
        let key = LOCAL_TIME_FIELDS
            .into_iter()
            .find(|k| text(map, k).is_some())?;
        let t = text(map, key)?;
        if self.offsets.get(key) == Some(&Offset::Varies) {
            return Some((None, t, TsQuality::missing(), key, 0));
        }
        match self.read_in_zone(&t) {
            Some((ts, q)) => Some((Some(ts), t, q, key, 0)),
            None => Some((None, t, TsQuality::missing(), key, 0)),
        }
    }

    /// A time as written; a zone-less one in the investigator's zone.
    fn read_in_zone(&self, t: &str) -> Option<(Micros, TsQuality)> {
        let (ts, q) = parse_time(t, false)?;
        if q != TsQuality::EXACT.with_zone_assumed() || self.tz == chrono_tz::UTC {
            return Some((ts, q));
        }
        let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t.trim(), f).ok())?;
        let local = self.tz.from_local_datetime(&naive).earliest()?;
        Some((local.timestamp_micros(), q))
    }

    fn event_of(&self, map: Map<String, Value>) -> Result<Event, String> {
        if !is_windows_event(&map) {
            return Err(
                "a JSON object that is no Windows event (no EventID with a Channel or \
                 SourceName, no winlog object)"
                    .into(),
            );
        }
        let shape = shape(&map);
        let beat = shape.winlogbeat;
        let id_value = if beat {
            path(&map, "winlog.event_id").or_else(|| path(&map, "event.code"))
        } else {
            map.get("EventID")
        };
        let host_key = HOST_FIELDS.into_iter().find(|k| text(&map, k).is_some());
        let computer = if beat {
            path_text(&map, "winlog.computer_name").or_else(|| path_text(&map, "host.name"))
        } else {
            host_key.and_then(|k| text(&map, k))
        };
        let channel = if beat {
            path_text(&map, "winlog.channel")
        } else {
            text(&map, "Channel")
        };
        let provider = if beat {
            path_text(&map, "winlog.provider_name")
        } else {
            first_text(&map, &["SourceName", "ProviderName"])
        };
        let level = path(&map, if beat { "winlog.level" } else { "Level" })
            .and_then(as_u64)
            .and_then(|n| u8::try_from(n).ok());
        let level_text = if beat {
            path_text(&map, "log.level")
        } else {
            text(&map, "Severity")
        };
        let rendered = path_text(&map, if beat { "message" } else { "Message" }).and_then(|m| {
            m.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        });
        let user_sid = if beat {
            path_text(&map, "winlog.user.identifier")
        } else {
            text(&map, "UserID")
        };
        let rec = WinRecord {
            event_id: id_value
                .and_then(as_u64)
                .and_then(|n| u32::try_from(n).ok()),
            event_id_text: id_value.and_then(as_text),
            channel: channel.clone(),
            provider: provider.clone(),
            computer,
            level,
            user_sid,
            fields: Some(&shape.fields),
            rendered,
        };
        let mut event = Event {
            source: SOURCE.into(),
            ts_quality: TsQuality::missing(),
            ..Default::default()
        };
        rec.fill(&mut event);
        if event.severity.is_none() {
            event.severity = level_text.and_then(|t| severity_of_text(&t));
        }

        let mut attrs = Map::new();
        if let Some(c) = channel {
            attrs.insert("channel".into(), c.into());
        }
        if let Some(p) = provider {
            attrs.insert("provider".into(), p.into());
        }
        if let Some((ts, source, q, field, offset)) = self.time_of(&map, &shape) {
            event.ts = ts;
            event.ts_source = Some(source);
            event.ts_quality = q;
            attrs.insert("ts_field".into(), field.into());
            if offset != 0 {
                attrs.insert("ts_offset_seconds".into(), (offset / 1_000_000).into());
            }
            if ts.is_none() {
                attrs.insert(
                    "ts_note".into(),
                    format!("{field} is off from UtcTime by varying amounts in this file").into(),
                );
            }
        }
        if beat {
            let Cow::Owned(fields) = shape.fields else {
                unreachable!("Winlogbeat fields are collected")
            };
            attrs.extend(fields);
            for (k, mut v) in map {
                if k == "winlog" {
                    if let Value::Object(w) = &mut v {
                        w.remove("event_data");
                        w.remove("user_data");
                    }
                }
                attrs.entry(k).or_insert(v);
            }
        } else {
            let mut used = vec!["EventID", "Channel", "SourceName", "ProviderName"];
            used.extend(host_key);
            for (k, v) in common::attrs_except(&map, &used) {
                attrs.entry(k).or_insert(v);
            }
        }
        event.attrs = attrs;
        Ok(event)
    }
}

/// The severity of a level written as a word (NXLog `Severity`, Winlogbeat `log.level`).
fn severity_of_text(t: &str) -> Option<String> {
    let s = match t.to_ascii_lowercase().as_str() {
        "info" | "information" | "informational" => "info",
        "warning" | "warn" => "warning",
        "error" => "error",
        "critical" => "critical",
        "verbose" | "debug" => "verbose",
        _ => return None,
    };
    Some(s.to_string())
}

impl Parser for WinEventJsonParser {
    fn prepare(&mut self, input: &mut dyn BufRead) -> Result<()> {
        let mut lines = LineReader::new(input);
        let mut buf = Vec::new();
        while let Some(info) = lines
            .next_line(&mut buf)
            .map_err(|e| Error::io("(winevent_json input)", e))?
        {
            if info.truncated {
                continue;
            }
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&buf) {
                self.learn(&map);
            }
        }
        Ok(())
    }

    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_json_object(input, sink, |map, _| self.event_of(map).map(Some))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parser() -> WinEventJsonParser {
        WinEventJsonParser {
            tz: chrono_tz::UTC,
            offsets: HashMap::new(),
        }
    }

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn sniffs_flat_and_winlogbeat_lines_but_not_other_json() {
        assert!(sniff(
            b"{\"EventID\": 4624, \"Channel\": \"Security\", \"Hostname\": \"h\"}\n"
        ));
        assert!(sniff(
            b"\n{\"@timestamp\": \"x\", \"winlog\": {\"event_id\": 1}}\n"
        ));
        assert!(!sniff(b"{\"eventName\": \"ConsoleLogin\"}\n"));
        assert!(!sniff(b"Mar 14 02:11:09 host sshd[22]: hi\n"));
        // A first line longer than the head.
        assert!(sniff(
            b"{\"EventID\": 1, \"Channel\": \"Microsoft-Windows-Sysmon/Oper"
        ));
    }

    #[test]
    fn reads_winlogbeat_nesting() {
        let line = obj(json!({
            "@timestamp": "2021-05-01T10:00:00.123Z",
            "event": {"code": "4624", "provider": "Microsoft-Windows-Security-Auditing"},
            "host": {"name": "dc01"},
            "log": {"level": "information"},
            "message": "An account was successfully logged on.\n\nSubject: ...",
            "winlog": {"channel": "Security", "computer_name": "DC01.corp.local",
                "event_id": 4624, "record_id": 991,
                "provider_name": "Microsoft-Windows-Security-Auditing",
                "event_data": {"TargetUserName": "bob", "LogonType": "3",
                    "IpAddress": "10.0.0.5", "SubjectUserName": "DC01$"}}}));
        let e = parser().event_of(line).unwrap();
        assert_eq!(e.ts, Some(1_619_863_200_123_000));
        assert_eq!(e.ts_quality, TsQuality::EXACT);
        assert_eq!(e.host.as_deref(), Some("DC01.corp.local"));
        assert_eq!(e.user.as_deref(), Some("bob"));
        assert_eq!(e.src_ip.as_deref(), Some("10.0.0.5"));
        assert_eq!(e.event_code.as_deref(), Some("4624"));
        assert_eq!(e.action.as_deref(), Some("logon"));
        assert_eq!(e.severity.as_deref(), Some("info"));
        assert_eq!(
            e.message,
            "[Security] 4624 An account was successfully logged on: \
             TargetUserName=bob LogonType=3 IpAddress=10.0.0.5"
        );
        assert_eq!(e.attrs["TargetUserName"], "bob");
        assert_eq!(e.attrs["winlog"]["record_id"], 991);
        assert!(e.attrs["winlog"].get("event_data").is_none());
        assert_eq!(e.attrs["ts_field"], "@timestamp");
    }

    #[test]
    fn local_time_fields_are_corrected_by_the_offset_the_file_shows() {
        let mut p = parser();
        // A Sysmon record: UtcTime and a local TimeCreated on a 12-hour clock.
        let sysmon = obj(
            json!({"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
            "UtcTime": "2020-10-18 23:49:39.776", "TimeCreated": "2020-10-18 07:49:39.776"}),
        );
        p.learn(&sysmon);
        let security = obj(json!({"EventID": 4689, "Channel": "Security",
            "TimeCreated": "2020-10-18 07:50:06.220", "SubjectUserName": "wardog"}));
        let e = p.event_of(security).unwrap();
        assert_eq!(
            e.ts.map(crate::time::format_micros).as_deref(),
            Some("2020-10-18T23:50:06.220000Z")
        );
        assert_eq!(e.ts_source.as_deref(), Some("2020-10-18 07:50:06.220"));
        assert_eq!(e.ts_quality, TsQuality::EXACT.with_zone_assumed());
        assert_eq!(e.attrs["ts_field"], "TimeCreated");
        assert_eq!(e.attrs["ts_offset_seconds"], 57600);
        let e = p.event_of(sysmon).unwrap();
        assert_eq!(e.attrs["ts_field"], "UtcTime");
        assert_eq!(e.ts_quality, TsQuality::EXACT);
    }

    #[test]
    fn a_field_whose_offset_varies_gives_no_time() {
        let mut p = parser();
        for (utc, local) in [
            ("2020-10-18 23:49:39", "2020-10-18 07:49:39"),
            ("2020-10-18 13:49:39", "2020-10-18 09:49:39"),
        ] {
            p.learn(&obj(json!({"EventID": 1, "Channel": "Sysmon",
                "UtcTime": utc, "TimeCreated": local})));
        }
        let e = p
            .event_of(obj(json!({"EventID": 4689, "Channel": "Security",
                "TimeCreated": "2020-10-18 07:50:06.220"})))
            .unwrap();
        assert_eq!(e.ts, None);
        assert_eq!(e.ts_quality, TsQuality::missing());
        assert_eq!(e.ts_source.as_deref(), Some("2020-10-18 07:50:06.220"));
    }

    #[test]
    fn without_utc_time_a_zone_less_field_is_read_in_the_given_zone() {
        let mut p = parser();
        p.tz = chrono_tz::America::New_York;
        let e = p
            .event_of(obj(json!({"EventID": 4624, "Channel": "Security",
                "EventTime": "2020-09-21 19:18:41", "Severity": "INFO"})))
            .unwrap();
        assert_eq!(
            e.ts.map(crate::time::format_micros).as_deref(),
            Some("2020-09-21T23:18:41.000000Z")
        );
        assert_eq!(e.ts_quality, TsQuality::EXACT.with_zone_assumed());
        assert_eq!(e.severity.as_deref(), Some("info"));
    }

    #[test]
    fn json_that_is_no_windows_event_is_refused_with_a_reason() {
        let err = parser()
            .event_of(obj(json!({"eventName": "ConsoleLogin"})))
            .unwrap_err();
        assert!(err.contains("no Windows event"), "{err}");
    }
}
