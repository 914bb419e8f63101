//! AWS CloudTrail, in its two shapes: the delivery file `{"Records": [...]}` that
//! CloudTrail writes to S3 (one JSON document, compact or pretty-printed; gzip is undone
//! before the parser sees the bytes), and one record per line (NDJSON, as log shippers
//! such as Logstash write it).
//!
//! The delivery file is read as a stream: a serde visitor walks the `Records` array and
//! hands each record on as soon as it is read, so memory holds one record, never the
//! file. A record bigger than [`MAX_RECORD`] stops the reading with an import issue.
//! Records are located as `record N` (1-based index in `Records`; `document D record N`
//! when several delivery documents were concatenated) and keep their exact JSON text as
//! raw. A document that breaks off (a truncated download) becomes one issue at the record
//! where it broke; the records before it are kept.
//!
//! Mapping: time from `eventTime`, else `@timestamp` (the field used is recorded in
//! `attrs.time_field`); `sourceIPAddress` is `src_ip` only when it is an IP address
//! (it can be a service name such as `ec2.amazonaws.com`); user from `userIdentity`
//! (`userName`, else the resource part of `arn`, else `principalId`, else `type`);
//! process = `eventSource`; action = `eventName`; event_code = `errorCode`, which also
//! makes the severity `error`. Host stays empty: a CloudTrail record names no host.
//! Everything but the time field (and `sourceIPAddress` when it became `src_ip`) stays
//! in `attrs`, under CloudTrail's own names.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::net::IpAddr;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::common::{self, attrs_except, text};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue, TsQuality};

const SOURCE: &str = "cloudtrail";
/// The most bytes one record of a delivery file may take (CloudTrail's own records stay
/// far below this); past it the rest of the file is not read.
const MAX_RECORD: usize = 16 << 20;
/// How many bytes of a record that could not be read are kept as its raw text.
const MAX_RAW: usize = 1 << 20;
const HEAD: usize = 64 * 1024;
const BOM: &[u8] = b"\xef\xbb\xbf";

/// How the records are laid out in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One or more `{"Records": [...]}` documents.
    Document,
    /// One JSON record per line.
    Lines,
}

/// The name of the first key of the object that starts `s` (just after its `{`).
fn first_key(s: &[u8]) -> Option<&[u8]> {
    let start = s.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = s[start..].strip_prefix(b"\"")?;
    let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
    (rest[end] == b'"').then(|| &rest[..end])
}

/// Tells the delivery document from JSON lines by the first bytes of the file.
fn shape(head: &[u8]) -> Option<Shape> {
    let body = head.strip_prefix(BOM).unwrap_or(head);
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = body[start..].strip_prefix(b"{")?;
    if first_key(body) == Some(b"Records") {
        return Some(Shape::Document);
    }
    // The first line, with its `{` back in front.
    let first = &head[head.len() - body.len() - 1..];
    let line = match first.iter().position(|&b| b == b'\n') {
        Some(end) => &first[..end],
        None if head.len() < HEAD => first, // the whole file is this one line
        None => return Some(Shape::Lines),  // one long line, cut by the head: a record
    };
    Some(match serde_json::from_slice::<Map<String, Value>>(line) {
        Ok(map) if map.get("Records").is_some_and(Value::is_array) => Shape::Document,
        Ok(_) => Shape::Lines,
        // `{` and more lines to come: a pretty-printed document.
        Err(e) if e.is_eof() => Shape::Document,
        Err(_) => Shape::Lines,
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn looks_like_a_record(map: &Map<String, Value>) -> bool {
    ["eventSource", "eventName", "awsRegion"]
        .iter()
        .all(|k| map.get(*k).is_some_and(Value::is_string))
}

/// Whether the first bytes are a CloudTrail delivery document or CloudTrail JSON lines.
pub(super) fn sniff(head: &[u8]) -> bool {
    match shape(head) {
        Some(Shape::Document) => {
            contains(head, b"\"Records\"")
                && (["\"eventSource\"", "\"eventName\"", "\"eventVersion\""]
                    .iter()
                    .any(|k| contains(head, k.as_bytes()))
                    || serde_json::from_slice::<Map<String, Value>>(
                        head.strip_prefix(BOM).unwrap_or(head),
                    )
                    .is_ok_and(|m| m.get("Records") == Some(&Value::Array(Vec::new()))))
        }
        Some(Shape::Lines) => {
            let lines = common::head_lines(head, 20);
            if let [only] = lines[..] {
                if head.len() >= HEAD && !head.ends_with(b"\n") {
                    // One record longer than the head: judge it by its keys.
                    return only.starts_with(b"{")
                        && ["\"eventSource\"", "\"eventName\"", "\"awsRegion\""]
                            .iter()
                            .all(|k| contains(only, k.as_bytes()));
                }
            }
            common::sniff_json_lines(head, looks_like_a_record)
        }
        None => false,
    }
}

/// The resource part of an ARN without its type: `pedro` for `...:user/pedro`,
/// `Role/session` for `...:assumed-role/Role/session`, `root` for `...:root`.
fn arn_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let name = resource.split_once('/').map_or(resource, |(_, rest)| rest);
    (!name.is_empty()).then_some(name)
}

fn user_of(identity: &Map<String, Value>) -> Option<String> {
    text(identity, "userName")
        .or_else(|| text(identity, "arn").and_then(|a| arn_name(&a).map(str::to_string)))
        .or_else(|| text(identity, "principalId"))
        .or_else(|| text(identity, "type"))
}

/// One CloudTrail record as an event (without locator and raw).
fn event_of(map: Map<String, Value>) -> Result<Event, String> {
    let time = ["eventTime", "@timestamp"]
        .iter()
        .find_map(|k| text(&map, k).map(|t| (*k, t)));
    let (ts, ts_quality) = match &time {
        Some((field, t)) => {
            let (micros, q) = common::parse_time(t, false)
                .ok_or_else(|| format!("{field} {t:?} is not a time"))?;
            (Some(micros), q)
        }
        None => (None, TsQuality::missing()),
    };
    let identity = match map.get("userIdentity") {
        Some(Value::Object(id)) => Some(id),
        _ => None,
    };
    let user = identity.and_then(user_of);
    let source_address = text(&map, "sourceIPAddress");
    let src_ip = source_address
        .as_deref()
        .filter(|a| a.parse::<IpAddr>().is_ok())
        .map(str::to_string);
    let event_source = text(&map, "eventSource");
    let event_name = text(&map, "eventName");
    let error_code = text(&map, "errorCode");

    let mut message = [event_source.as_deref(), event_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if message.is_empty() {
        message = text(&map, "eventType").unwrap_or_else(|| "CloudTrail record".into());
    }
    if let Some(who) = identity.and_then(|id| text(id, "arn")).or(user.clone()) {
        message.push_str(&format!(" by {who}"));
    }
    if let Some(from) = &source_address {
        message.push_str(&format!(" from {from}"));
    }
    if let Some(code) = &error_code {
        message.push_str(&format!(" ({code})"));
    }

    let mut used = Vec::new();
    if let Some((field, _)) = &time {
        used.push(*field);
    }
    if src_ip.is_some() {
        used.push("sourceIPAddress");
    }
    let mut attrs = attrs_except(&map, &used);
    if let Some((field, _)) = &time {
        attrs.insert("time_field".into(), (*field).into());
    }
    Ok(Event {
        ts,
        ts_source: time.map(|(_, t)| t),
        ts_quality,
        source: SOURCE.into(),
        locator: String::new(),
        host: None,
        user,
        src_ip,
        dst_ip: None,
        process: event_source,
        event_code: error_code.clone(),
        action: event_name,
        severity: error_code.map(|_| "error".to_string()),
        message,
        raw: Vec::new(),
        attrs,
    })
}

/// What the reader below has read since the last record ended.
#[derive(Default)]
struct Tapped {
    /// The first [`MAX_RAW`] of those bytes, as the raw text of a record that breaks.
    kept: Vec<u8>,
    count: usize,
    too_large: bool,
}

impl Tapped {
    fn reset(&mut self) {
        self.kept.clear();
        self.count = 0;
    }
}

/// Passes bytes through to the JSON reader, keeping the current record's first bytes
/// and refusing to go on once one record passes [`MAX_RECORD`].
struct Tap<R> {
    inner: R,
    tapped: Rc<RefCell<Tapped>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut t = self.tapped.borrow_mut();
        t.count += n;
        if t.count > MAX_RECORD {
            t.too_large = true;
            return Err(io::Error::other("record too large"));
        }
        let room = MAX_RAW.saturating_sub(t.kept.len()).min(n);
        t.kept.extend_from_slice(&buf[..room]);
        Ok(n)
    }
}

/// The walk through the delivery documents: where it is and where records go.
struct Walk<'s> {
    sink: &'s mut dyn Sink,
    tapped: Rc<RefCell<Tapped>>,
    /// 1-based number of the document being read.
    document: u64,
    /// How many records of this document have been read.
    record: u64,
    /// An error of the sink, carried out through serde.
    failed: Option<Error>,
}

impl Walk<'_> {
    fn locator(&self, record: u64) -> String {
        if self.document <= 1 {
            format!("record {record}")
        } else {
            format!("document {} record {record}", self.document)
        }
    }

    fn record(&mut self, raw: &RawValue) -> Result<()> {
        self.record += 1;
        let locator = self.locator(self.record);
        let bytes = raw.get().as_bytes().to_vec();
        let outcome = match serde_json::from_str::<Value>(raw.get()) {
            Ok(Value::Object(map)) => event_of(map),
            Ok(_) => Err("a record that is not a JSON object".into()),
            Err(e) => Err(format!("not valid JSON ({e})")),
        };
        match outcome {
            Ok(mut event) => {
                event.locator = locator;
                event.raw = bytes;
                self.sink.event(event)
            }
            Err(reason) => self.sink.issue(ImportIssue {
                locator,
                reason,
                raw: bytes,
            }),
        }
    }

    fn carry<E: de::Error>(&mut self, result: Result<()>) -> Result<(), E> {
        result.map_err(|e| {
            self.failed = Some(e);
            E::custom("the import stopped")
        })
    }
}

/// One delivery document: an object whose `Records` key holds the records. Returns
/// whether it had a `Records` array.
struct DocumentSeed<'w, 's>(&'w mut Walk<'s>);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail delivery document ({\"Records\": [...]})")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "Records" && !found {
                map.next_value_seed(RecordsSeed(&mut *self.0))?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The `Records` array, each record handed to the sink as it is read.
struct RecordsSeed<'w, 's>(&'w mut Walk<'s>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.0;
        loop {
            walk.tapped.borrow_mut().reset();
            let Some(raw) = seq.next_element::<Box<RawValue>>()? else {
                return Ok(());
            };
            let result = walk.record(&raw);
            walk.carry(result)?;
        }
    }
}

/// Reads one or more delivery documents from `input`.
fn parse_documents(input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
    let io_err = |e| Error::io("(cloudtrail input)", e);
    if input.fill_buf().map_err(io_err)?.starts_with(BOM) {
        input.consume(BOM.len());
    }
    let tapped = Rc::new(RefCell::new(Tapped::default()));
    let reader = Tap {
        inner: input,
        tapped: Rc::clone(&tapped),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut walk = Walk {
        sink,
        tapped,
        document: 0,
        record: 0,
        failed: None,
    };
    // Concatenated documents (`cat` of several delivery files) are read one after another.
    while de.end().is_err() {
        walk.document += 1;
        walk.record = 0;
        walk.tapped.borrow_mut().reset();
        let outcome = DocumentSeed(&mut walk).deserialize(&mut de);
        if let Some(e) = walk.failed.take() {
            return Err(e);
        }
        let locator = match outcome {
            Ok(_) => format!("document {}", walk.document),
            Err(_) => walk.locator(walk.record + 1),
        };
        let stop = outcome.is_err();
        let reason = match outcome {
            Ok(true) => continue,
            Ok(false) => "a JSON document without a Records array".to_string(),
            Err(_) if walk.tapped.borrow().too_large => format!(
                "a record larger than {} MiB; the rest of the file is not read",
                MAX_RECORD >> 20
            ),
            Err(e) if e.is_io() => return Err(io_err(e.into())),
            Err(e) => format!(
                "the delivery document breaks off here ({e}); the rest of the file is not read"
            ),
        };
        let raw = std::mem::take(&mut walk.tapped.borrow_mut().kept);
        walk.sink.issue(ImportIssue {
            locator,
            reason,
            raw,
        })?;
        if stop {
            break;
        }
    }
    Ok(())
}

/// Reads CloudTrail files (see the module documentation).
pub struct CloudTrailParser {
    shape: Shape,
}

impl CloudTrailParser {
    pub fn new(_file: &FileContext, _opts: &ImportOptions) -> Self {
        CloudTrailParser {
            shape: Shape::Lines,
        }
    }
}

impl Parser for CloudTrailParser {
    fn prepare(&mut self, input: &mut dyn BufRead) -> Result<()> {
        let mut head = Vec::with_capacity(HEAD);
        input
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(|e| Error::io("(cloudtrail input)", e))?;
        self.shape = shape(&head).unwrap_or(Shape::Lines);
        Ok(())
    }

    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        match self.shape {
            Shape::Document => parse_documents(input, sink),
            Shape::Lines => {
                common::for_each_json_object(input, sink, |map, _| event_of(map).map(Some))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Default)]
    struct Collect {
        events: Vec<Event>,
        issues: Vec<ImportIssue>,
        skipped: u64,
    }

    impl Sink for Collect {
        fn event(&mut self, event: Event) -> Result<()> {
            self.events.push(event);
            Ok(())
        }
        fn issue(&mut self, issue: ImportIssue) -> Result<()> {
            self.issues.push(issue);
            Ok(())
        }
        fn skip(&mut self) -> Result<()> {
            self.skipped += 1;
            Ok(())
        }
    }

    fn run(bytes: &[u8]) -> Collect {
        let file = FileContext {
            path: "t.json".into(),
            modified: None,
        };
        let mut p = CloudTrailParser::new(&file, &ImportOptions::default());
        p.prepare(&mut &bytes[..]).unwrap();
        let mut sink = Collect::default();
        p.parse(&mut &bytes[..], &mut sink).unwrap();
        sink
    }

    fn record(name: &str) -> Value {
        json!({"eventVersion": "1.08", "eventTime": "2026-03-14T02:11:09Z",
               "eventSource": "s3.amazonaws.com", "eventName": name, "awsRegion": "eu-west-1",
               "sourceIPAddress": "203.0.113.45",
               "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"}})
    }

    #[test]
    fn tells_the_two_shapes_apart() {
        assert_eq!(shape(b"{\"Records\":[]}"), Some(Shape::Document));
        assert_eq!(
            shape(b"\xef\xbb\xbf {\n  \"Records\": [\n"),
            Some(Shape::Document)
        );
        assert_eq!(
            shape(b"{\n  \"other\": 1,\n  \"Records\": []\n}\n"),
            Some(Shape::Document)
        );
        assert_eq!(shape(b"{\"a\":1,\"Records\":[]}"), Some(Shape::Document));
        assert_eq!(
            shape(b"{\"eventName\":\"X\"}\n{\"eventName\":\"Y\"}\n"),
            Some(Shape::Lines)
        );
        assert_eq!(shape(b"[1]"), None);
    }

    #[test]
    fn names_users_by_arn_resource() {
        assert_eq!(arn_name("arn:aws:iam::123:user/pedro"), Some("pedro"));
        assert_eq!(
            arn_name("arn:aws:sts::123:assumed-role/Role/i-0317"),
            Some("Role/i-0317")
        );
        assert_eq!(arn_name("arn:aws:iam::123:root"), Some("root"));
        assert_eq!(arn_name("not-an-arn"), None);
    }

    #[test]
    fn streams_records_with_their_exact_text() {
        let doc = format!(
            "{{\"Records\": [ {} ,\n{}]}}",
            record("GetObject"),
            record("PutObject")
        );
        let got = run(doc.as_bytes());
        assert_eq!(got.events.len(), 2);
        assert_eq!(got.events[1].locator, "record 2");
        assert_eq!(
            got.events[1].raw,
            record("PutObject").to_string().as_bytes()
        );
        assert_eq!(got.events[0].user.as_deref(), Some("alice"));
        assert_eq!(
            got.events[0].message,
            "s3.amazonaws.com GetObject by arn:aws:iam::111122223333:user/alice from 203.0.113.45"
        );
    }

    #[test]
    fn a_document_cut_short_keeps_the_records_before_the_cut() {
        let doc = format!("{{\"Records\":[{},{}", record("A"), record("B"));
        let cut = &doc.as_bytes()[..doc.len() - 20];
        let got = run(cut);
        assert_eq!(got.events.len(), 1);
        assert_eq!(got.issues.len(), 1);
        assert_eq!(got.issues[0].locator, "record 2");
        assert!(
            got.issues[0]
                .reason
                .starts_with("the delivery document breaks off here (EOF"),
            "{}",
            got.issues[0].reason
        );
        // The kept raw text is where record 2 starts: right after record 1.
        assert!(got.issues[0].raw.starts_with(b",{\""));
        assert!(String::from_utf8_lossy(&got.issues[0].raw).contains("\"awsRegion\""));
    }

    #[test]
    fn concatenated_documents_are_numbered_apart() {
        let doc = format!(
            "{{\"Records\":[{}]}}\n{{\"Records\":[{}, 7]}}\n",
            record("A"),
            record("B")
        );
        let got = run(doc.as_bytes());
        let locators: Vec<&str> = got.events.iter().map(|e| e.locator.as_str()).collect();
        assert_eq!(locators, vec!["record 1", "document 2 record 1"]);
        assert_eq!(got.issues.len(), 1);
        assert_eq!(got.issues[0].locator, "document 2 record 2");
        assert_eq!(got.issues[0].reason, "a record that is not a JSON object");
        assert_eq!(got.issues[0].raw, b"7");
    }

    #[test]
    fn a_bad_event_time_is_an_issue_and_a_missing_one_an_event_without_time() {
        let mut bad = record("A");
        bad["eventTime"] = json!("yesterday");
        let mut none = record("B");
        none.as_object_mut().unwrap().remove("eventTime");
        let got = run(format!("{bad}\n{none}\n").as_bytes());
        assert_eq!(
            got.issues[0].reason,
            "eventTime \"yesterday\" is not a time"
        );
        assert_eq!(got.events[0].ts, None);
        assert_eq!(got.events[0].ts_quality, TsQuality::missing());
        assert!(!got.events[0].attrs.contains_key("time_field"));
    }

    #[test]
    fn a_record_past_the_size_cap_stops_the_reading_with_an_issue() {
        let huge = format!("{{\"eventName\":\"{}\"}}", "a".repeat(MAX_RECORD));
        let doc = format!("{{\"Records\":[{},{huge},{}]}}", record("A"), record("B"));
        let got = run(doc.as_bytes());
        assert_eq!(got.events.len(), 1);
        assert_eq!(got.issues.len(), 1);
        assert_eq!(got.issues[0].locator, "record 2");
        assert_eq!(
            got.issues[0].reason,
            "a record larger than 16 MiB; the rest of the file is not read"
        );
        assert_eq!(got.issues[0].raw.len(), MAX_RAW);
    }

    #[test]
    fn sniffs_both_shapes_and_nothing_else() {
        let line = record("A").to_string();
        assert!(sniff(format!("{line}\n{line}\n").as_bytes()));
        assert!(sniff(format!("{{\"Records\":[{line}]}}").as_bytes()));
        assert!(sniff(b"{\"Records\":[]}"));
        assert!(!sniff(b"{\"ts\":1588205198.89971,\"uid\":\"C1\"}\n"));
        assert!(!sniff(b"{\"Records\":[{\"foo\":1}]}"));
        assert!(!sniff(b"Mar 14 02:11:09 h sshd[1]: ok\n"));
    }
}
