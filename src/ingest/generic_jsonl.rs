//! Generic JSON lines: one JSON object per line, from any tool Tideline has no parser
//! for. This is a fallback: it is tried after every specific format.
//!
//! The time is the field `--time-field` names (an import is refused when the first
//! record has no such field), or else the first present of [`fields::TIME_FIELDS`]
//! (`@timestamp`, `timestamp`, `time`, `datetime`, `date`, `eventTime`, `ts`,
//! `TimeCreated`, `UtcTime`, `_time`, `created_at`), read as RFC 3339, `YYYY-MM-DD
//! HH:MM:SS[.f][ offset]`, RFC 2822 or epoch seconds / milliseconds / microseconds; a
//! zone-less time is read in `--tz` and flagged `zone_assumed`. A record whose time is
//! missing or unreadable is still an event, with no `ts` (`missing`) and the text it had
//! in `ts_source`. Canonical columns come from commonly named fields when present
//! (see [`fields`]); every other field goes to `attrs`, and without a `message` or `msg`
//! field the message sums up the record's plain fields.

use std::io::BufRead;

use serde_json::{Map, Value};

use super::fields::{self, Picked};
use super::lines::LineReader;
use super::{common, FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};

const SOURCE: &str = "jsonl";

/// The JSON objects on the first complete lines of `head` (at most `max` non-blank
/// lines looked at), and how many non-blank lines were looked at. A single line longer
/// than the head counts as an object when it opens like one.
pub(super) fn head_objects(head: &[u8], max: usize) -> (Vec<Map<String, Value>>, usize) {
    let whole = head.len() < 64 * 1024;
    let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
    if !whole && lines.len() > 1 {
        lines.pop(); // possibly cut in the middle
    }
    let mut objects = Vec::new();
    let mut seen = 0;
    for line in lines {
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        seen += 1;
        match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(m)) => objects.push(m),
            // One record longer than the whole head: it is JSON if it breaks off mid-way.
            Err(e)
                if e.is_eof()
                    && !whole
                    && seen == 1
                    && line.trim_ascii_start().starts_with(b"{") =>
            {
                objects.push(Map::new());
            }
            _ => {}
        }
        if seen == max {
            break;
        }
    }
    (objects, seen)
}

/// Whether most of the first lines are JSON objects.
pub(super) fn sniff(head: &[u8]) -> bool {
    let (objects, seen) = head_objects(head, 20);
    seen > 0 && objects.len() * 2 > seen
}

/// Reads generic JSON lines (see the module documentation).
pub struct JsonlParser {
    time_field: Option<String>,
    tz: chrono_tz::Tz,
}

impl JsonlParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        JsonlParser {
            time_field: opts.time_field.clone(),
            tz: opts.tz,
        }
    }
}

impl Parser for JsonlParser {
    /// Refuses a `--time-field` the first JSON object does not have.
    fn prepare(&mut self, input: &mut dyn BufRead) -> Result<()> {
        let Some(want) = &self.time_field else {
            return Ok(());
        };
        let mut lines = LineReader::new(input);
        let mut buf = Vec::new();
        while let Some(info) = lines
            .next_line(&mut buf)
            .map_err(|e| Error::io("(jsonl input)", e))?
        {
            if let Ok(Value::Object(first)) = serde_json::from_slice::<Value>(&buf) {
                if first.contains_key(want) {
                    return Ok(());
                }
                let mut names: Vec<&str> = first.keys().map(String::as_str).collect();
                names.truncate(20);
                return Err(Error::Invalid(format!(
                    "--time-field '{want}': the first record (line {}) has no such field; \
                     it has {}",
                    info.number,
                    names.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_json_object(input, sink, |map, _| {
            let picked =
                Picked::from_keys(map.keys().map(String::as_str), self.time_field.as_deref());
            let mut event = fields::named_event(&map, &picked, self.tz);
            event.source = SOURCE.into();
            Ok(Some(event))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_json_lines_but_not_text() {
        assert!(sniff(b"{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n"));
        assert!(sniff(b"{\"a\":1}\nnot json\n{\"c\":3}\n"));
        assert!(!sniff(b"{\"a\":1}\nnot json\nnor this\n"));
        assert!(!sniff(b"[1,2]\n[3]\n"));
        assert!(!sniff(b"Mar 14 02:11:09 h sshd[1]: {\"a\":1}\n"));
        assert!(!sniff(b""));
    }

    #[test]
    fn a_record_longer_than_the_head_still_sniffs() {
        let mut head = b"{\"message\": \"".to_vec();
        head.resize(64 * 1024, b'x');
        assert!(sniff(&head));
    }
}
