#![allow(dead_code)] // helpers for the parsers being added; remove when all are used
//! Pieces every parser needs: reading JSON lines, reading times in the common
//! spellings, and turning leftover fields into `attrs`.

use std::borrow::Cow;
use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use serde_json::{Map, Value};

use super::lines::{LineInfo, LineReader};
use super::Sink;
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue, TsQuality};
use crate::time::Micros;

/// Bytes as text, with U+FFFD for what is not UTF-8, like `String::from_utf8_lossy`,
/// but checking valid input (nearly every line) with the fast validator first.
pub fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

/// Reads `input` line by line. Blank lines are not records: they are counted as skipped.
/// `record` turns one line into an event (its `locator` and `raw` are filled in here) or
/// a reason it could not; every other line becomes an event or an import issue.
pub fn for_each_record(
    input: &mut dyn BufRead,
    sink: &mut dyn Sink,
    mut record: impl FnMut(&[u8], &LineInfo) -> Result<Option<Event>, String>,
) -> Result<()> {
    let mut lines = LineReader::new(input);
    let mut buf = Vec::new();
    while let Some(info) = lines
        .next_line(&mut buf)
        .map_err(|e| Error::io("(input)", e))?
    {
        if buf.iter().all(u8::is_ascii_whitespace) {
            sink.skip()?;
            continue;
        }
        match record(&buf, &info) {
            Ok(Some(mut event)) => {
                event.locator = line_locator(info.number);
                if info.truncated {
                    event
                        .attrs
                        .insert("truncated_at_bytes".into(), buf.len().into());
                }
                sink.event_with_raw(event, &buf)?;
            }
            // A line that is not a record (a header or comment the format defines).
            Ok(None) => sink.skip()?,
            Err(reason) => sink.issue(ImportIssue {
                locator: line_locator(info.number),
                reason,
                raw: buf.clone(),
            })?,
        }
    }
    Ok(())
}

/// Like [`for_each_record`], for JSON lines: each line must be a JSON object.
pub fn for_each_json_object(
    input: &mut dyn BufRead,
    sink: &mut dyn Sink,
    mut record: impl FnMut(Map<String, Value>, &LineInfo) -> Result<Option<Event>, String>,
) -> Result<()> {
    for_each_record(input, sink, |line, info| {
        if info.truncated {
            return Err(format!(
                "a JSON record longer than {} bytes (kept, cut, not parsed)",
                super::lines::MAX_LINE
            ));
        }
        match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(map)) => record(map, info),
            Ok(_) => Err("a JSON value that is not an object".into()),
            Err(e) => Err(format!("not valid JSON ({e})")),
        }
    })
}

/// The first `max` non-blank lines of a file's first bytes, for sniffing: a UTF-8 byte
/// order mark is dropped, and so is a last line the head may have cut short (one with no
/// newline after it, unless it is the only line).
pub fn head_lines(head: &[u8], max: usize) -> Vec<&[u8]> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
    if lines.len() > 1 && !head.ends_with(b"\n") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(max)
        .collect()
}

/// Whether most of the first 20 non-blank lines of `head` satisfy `accept`: the sniffing
/// rule of the line formats.
pub fn most_lines(head: &[u8], accept: impl Fn(&[u8]) -> bool) -> bool {
    let lines = head_lines(head, 20);
    let ok = lines.iter().filter(|l| accept(l)).count();
    !lines.is_empty() && ok * 2 > lines.len()
}

/// Whether most of the first 20 lines of `head` are JSON objects that `accept` likes:
/// the sniffing rule of a JSON-lines format.
pub fn sniff_json_lines(head: &[u8], accept: impl Fn(&Map<String, Value>) -> bool) -> bool {
    most_lines(
        head,
        |l| matches!(serde_json::from_slice(l), Ok(Value::Object(m)) if accept(&m)),
    )
}

/// `line N`, the locator of a line-based record.
pub fn line_locator(number: u64) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(number);
    let mut locator = String::with_capacity(5 + digits.len());
    locator.push_str("line ");
    locator.push_str(digits);
    locator
}

/// A string field, if present and not empty (numbers are given as text).
pub fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    text_ref(map, key).map(Cow::into_owned)
}

/// [`text`], borrowed where the value is text already.
pub fn text_ref<'a>(map: &'a Map<String, Value>, key: &str) -> Option<Cow<'a, str>> {
    match map.get(key)? {
        Value::String(s) if !s.is_empty() && s != "-" => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// The first of `keys` that is present.
pub fn first_text(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(map, k))
}

/// Every field of `map` not in `used`, for `attrs`.
pub fn attrs_except(map: &Map<String, Value>, used: &[&str]) -> Map<String, Value> {
    map.iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Reads a time as the common formats write it. Returns UTC microseconds and the
/// assumption made: RFC 3339 with an offset or `Z` is exact; `YYYY-MM-DD[T ]HH:MM:SS[.f]`
/// without one is read as UTC and flagged `zone_assumed` unless `naive_is_utc` says the
/// format defines it as UTC; a number is seconds (or milliseconds / microseconds when
/// it is too large to be seconds) since the epoch.
pub fn parse_time(text: &str, naive_is_utc: bool) -> Option<(Micros, TsQuality)> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some((dt.with_timezone(&Utc).timestamp_micros(), TsQuality::EXACT));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some((dt.with_timezone(&Utc).timestamp_micros(), TsQuality::EXACT));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
            let q = if naive_is_utc {
                TsQuality::EXACT
            } else {
                TsQuality::EXACT.with_zone_assumed()
            };
            return Some((ndt.and_utc().timestamp_micros(), q));
        }
    }
    let n: f64 = t.parse().ok()?;
    epoch_micros(n).map(|m| (m, TsQuality::EXACT))
}

/// Seconds, milliseconds or microseconds since the epoch, told apart by magnitude
/// (anything below 1e11 is seconds: up to the year 5138).
pub fn epoch_micros(n: f64) -> Option<Micros> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let micros = if n < 1e11 {
        n * 1e6
    } else if n < 1e14 {
        n * 1e3
    } else {
        n
    };
    (micros < 9.2e18).then(|| micros.round() as Micros)
}

/// A zone-less local time read in `tz`, as UTC microseconds. An ambiguous local time (the
/// hour repeated when daylight saving ends) is read as the earlier one; a local time skipped
/// when it starts is read with the offset in force just before the change.
pub fn local_to_utc(tz: chrono_tz::Tz, ndt: NaiveDateTime) -> Micros {
    let offset = match tz.offset_from_local_datetime(&ndt) {
        chrono::LocalResult::Single(o) => o.fix(),
        chrono::LocalResult::Ambiguous(earliest, _) => earliest.fix(),
        chrono::LocalResult::None => tz.offset_from_utc_datetime(&ndt).fix(),
    };
    (ndt - offset).and_utc().timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_locators_are_the_number_in_decimal() {
        assert_eq!(line_locator(1), "line 1");
        assert_eq!(line_locator(1_000_000), "line 1000000");
        assert_eq!(line_locator(u64::MAX), "line 18446744073709551615");
    }

    #[test]
    fn reads_the_common_time_spellings() {
        let exact = TsQuality::EXACT;
        let want = 1_588_205_160_123_456; // 2020-04-30T00:06:00.123456Z
        assert_eq!(
            parse_time("2020-04-30T00:06:00.123456Z", false),
            Some((want, exact))
        );
        assert_eq!(
            parse_time("2020-04-30T02:06:00.123456+02:00", false),
            Some((want, exact))
        );
        assert_eq!(
            parse_time("2020-04-30 00:06:00.123456+0000", false),
            Some((want, exact))
        );
        assert_eq!(
            parse_time("2020-04-30 00:06:00.123456", false),
            Some((want, exact.with_zone_assumed()))
        );
        assert_eq!(
            parse_time("2020-04-30 00:06:00.123456", true),
            Some((want, exact))
        );
        assert_eq!(parse_time("1588205160.123456", false), Some((want, exact)));
        assert_eq!(
            parse_time("1588205160123", false),
            Some((want - 456, exact))
        );
        assert_eq!(parse_time("yesterday", false), None);
    }
}
