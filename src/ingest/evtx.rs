//! Windows XML Event Log files (`.evtx`), read with the `evtx` crate.
//!
//! An EVTX file is a 4 KiB header (`ElfFile\0`) and 64 KiB chunks of binary-XML records.
//! The crate reads it from a seekable source: a log that has wrapped around is read from
//! its oldest chunk, wherever that is in the file. [`EvtxParser::parse`] reads a log of up
//! to 64 MiB into memory, and copies a larger one (Windows allows up to 4 GiB) into a
//! temporary file first, so that memory stays bounded whatever the size. Each chunk is walked record by record; each record is rendered to
//! JSON by the crate, and that JSON is both read for the fields and kept as the event's
//! `raw` (the binary record itself stays in the stored evidence). The JSON is read in one
//! pass, straight into the event's parts ([`Rendered`]): no `serde_json::Value` tree of
//! the whole record is built.
//!
//! Time and id come from the record's XML, `Event/System/TimeCreated/@SystemTime` (UTC)
//! and `Event/System/EventRecordID`, not from the record header: in exported logs the
//! header numbers run 1..N and its times can be off by minutes or zero, while the XML
//! keeps the original log's values. The header id is kept in `attrs.record_header_id`.
//! The locator is `record <EventRecordID>`. A chunk or record the crate cannot read
//! becomes an import issue located by chunk and offset or header id, with the crate's
//! error; the crate resynchronises on the next record, so one bad record costs one issue.
//! What the fields mean (user, addresses, action, message) is shared with the JSON
//! exports in [`super::windows`].

use std::fmt;
use std::io::{self, BufRead, Cursor, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use evtx::err::EvtxError;
use evtx::{EvtxChunkData, EvtxParser as Reader, ParserSettings};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::common::parse_time;
use super::windows::{as_text, as_u64, WinRecord};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue, TsQuality};

const SOURCE: &str = "evtx";
const MAGIC: &[u8] = b"ElfFile\0";
/// An EVTX record header: magic, size, id, time.
const RECORD_HEADER_SIZE: u64 = 24;
const FILE_HEADER_SIZE: usize = 4096;
const CHUNK_SIZE: usize = 65536;

pub(super) fn sniff(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Parses chunks on `threads` worker threads, handing their records on in file order.
pub struct EvtxParser {
    threads: usize,
    /// Logs larger than this are read from a temporary file, not from memory.
    in_memory_max: u64,
}

/// Logs up to this size are read into memory.
const IN_MEMORY_MAX: u64 = 64 << 20;

impl EvtxParser {
    pub fn new(_file: &FileContext, _opts: &ImportOptions) -> Self {
        EvtxParser {
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, MAX_THREADS),
            in_memory_max: IN_MEMORY_MAX,
        }
    }
}

/// An error and the errors under it, as one sentence.
fn explain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let part = c.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = c.source();
    }
    text.trim_end_matches([' ', ':']).to_string()
}

/// Where an error the crate reports happened.
fn locate(err: &EvtxError, chunk: Option<u64>) -> String {
    match err {
        EvtxError::FailedToParseChunk { chunk_id, .. } => format!("chunk {chunk_id}"),
        EvtxError::FailedToReadRecordAt {
            chunk: c, offset, ..
        } => match c.or(chunk) {
            Some(c) => format!("chunk {c}, offset {offset:#x}"),
            None => format!("offset {offset:#x}"),
        },
        EvtxError::FailedToParseRecord { record_id, .. } => match chunk {
            Some(c) => format!("chunk {c}, record header id {record_id}"),
            None => format!("record header id {record_id}"),
        },
        _ => chunk.map_or_else(|| "(file)".into(), |c| format!("chunk {c}")),
    }
}

/// The visitor methods of the JSON values that are no object and no array, each handing
/// the value to the visitor's own `scalar` method (`null` as `Value::Null`).
macro_rules! visit_scalars {
    ($out:ty) => {
        fn visit_unit<E>(self) -> std::result::Result<$out, E> {
            Ok(self.scalar(Value::Null))
        }
        fn visit_bool<E>(self, v: bool) -> std::result::Result<$out, E> {
            Ok(self.scalar(v.into()))
        }
        fn visit_i64<E>(self, v: i64) -> std::result::Result<$out, E> {
            Ok(self.scalar(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> std::result::Result<$out, E> {
            Ok(self.scalar(v.into()))
        }
        fn visit_f64<E>(self, v: f64) -> std::result::Result<$out, E> {
            Ok(self.scalar(v.into()))
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<$out, E> {
            Ok(self.scalar(v.into()))
        }
    };
}

/// A record's rendered JSON, read in one pass into what its event is made of: what the
/// columns take from System ([`Head`]), and `attrs`: the System values as written, then
/// the EventData/UserData fields, flattened as they are read (see [`flatten_entry`]). A
/// record whose root is not `Event` is read as the event itself; one that is no object
/// at all, as an event with nothing but its header id.
struct Rendered {
    head: Head,
    attrs: Attrs,
}

impl Rendered {
    /// Starts from `System`, and takes the fields read before it.
    fn new(system: System, header_id: u64, early: Map<String, Value>) -> Rendered {
        // Room for the System values, a record's usual fields and the chunk number.
        let mut attrs = Attrs {
            map: Map::with_capacity(SYSTEM_KEYS.len() + 24),
            system: 0,
        };
        let head = Head::read(system, header_id, &mut attrs);
        for (k, v) in early {
            attrs.field(k, v);
        }
        Rendered { head, attrs }
    }
}

/// The members of `Event` (and of a root that is not `Event`) that make the event.
#[derive(Deserialize)]
enum Part {
    Event,
    System,
    EventData,
    UserData,
    #[serde(other)]
    Other,
}

/// Reads the [`Rendered`] record whose header id is `.0`.
#[derive(Clone, Copy)]
struct RenderedSeed(u64);

impl<'de> DeserializeSeed<'de> for RenderedSeed {
    type Value = Rendered;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Rendered, D::Error> {
        d.deserialize_any(self)
    }
}

impl RenderedSeed {
    /// A record that is no object: an event with nothing but its header id.
    fn scalar(self, _: Value) -> Rendered {
        Rendered::new(System::default(), self.0, Map::new())
    }
}

impl<'de> Visitor<'de> for RenderedSeed {
    type Value = Rendered;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event rendered as JSON")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Rendered, A::Error> {
        let mut event = None;
        // Fields come after System in the crate's JSON; any read before it wait here.
        let mut early = Attrs::default();
        let mut built: Option<Rendered> = None;
        while let Some(part) = map.next_key()? {
            match part {
                Part::Event => event = Some(map.next_value_seed(self)?),
                Part::System => {
                    let system = map.next_value::<Lenient<System>>()?.0;
                    built = Some(Rendered::new(
                        system,
                        self.0,
                        std::mem::take(&mut early.map),
                    ));
                }
                Part::EventData | Part::UserData => {
                    let out = built.as_mut().map_or(&mut early, |r| &mut r.attrs);
                    let user_data = matches!(part, Part::UserData);
                    map.next_value_seed(Section(out, user_data))?;
                }
                Part::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(event
            .or(built)
            .unwrap_or_else(|| Rendered::new(System::default(), self.0, early.map)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Rendered, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.scalar(Value::Null))
    }
    visit_scalars!(Rendered);
}

/// The System values `attrs` keeps, in order, under these names.
const SYSTEM_KEYS: [&str; 17] = [
    "channel",
    "provider",
    "provider_guid",
    "event_source_name",
    "qualifiers",
    "version",
    "level",
    "task",
    "opcode",
    "keywords",
    "process_id",
    "thread_id",
    "user_sid",
    "activity_id",
    "related_activity_id",
    "record_header_id",
    "note",
];

/// `attrs` as it is built: the System values, then the fields. A field does not replace
/// a System value of the same name; fields replace each other.
#[derive(Default)]
struct Attrs {
    map: Map<String, Value>,
    /// Which of [`SYSTEM_KEYS`] hold a System value, one bit each.
    system: u32,
}

impl Attrs {
    fn system(&mut self, key: &'static str, v: Option<Value>) {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return;
        };
        if let Some(i) = SYSTEM_KEYS.iter().position(|k| *k == key) {
            self.system |= 1 << i;
        }
        self.map.insert(key.into(), v);
    }

    fn field(&mut self, key: String, v: Value) {
        let system = SYSTEM_KEYS
            .iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.system & (1 << i) != 0);
        if !system {
            self.map.insert(key, v);
        }
    }
}

/// What the columns take from `System`.
struct Head {
    event_id: Option<u32>,
    event_id_text: Option<String>,
    record_id: Option<u64>,
    time_text: Option<String>,
    channel: Option<String>,
    provider: Option<String>,
    computer: Option<String>,
    level: Option<u8>,
    user_sid: Option<String>,
}

impl Head {
    /// Reads the columns' values from `system`, and moves its values into `attrs`.
    fn read(system: System, header_id: u64, attrs: &mut Attrs) -> Head {
        let provider_attrs = system.provider.0.of.0;
        let correlation = system.correlation.0.of.0;
        let execution = system.execution.0.of.0;
        let security = system.security.0.of.0;
        let id_value = system.event_id.as_ref().map(text_of);
        let head = Head {
            event_id: id_value
                .and_then(as_u64)
                .and_then(|n| u32::try_from(n).ok()),
            event_id_text: id_value.and_then(as_text),
            record_id: system
                .event_record_id
                .as_ref()
                .map(text_of)
                .and_then(as_u64),
            time_text: system
                .time_created
                .0
                .of
                .0
                .system_time
                .as_ref()
                .and_then(as_text),
            channel: system.channel.as_ref().map(text_of).and_then(as_text),
            provider: provider_attrs.name.as_ref().and_then(as_text),
            computer: system.computer.as_ref().map(text_of).and_then(as_text),
            level: system
                .level
                .as_ref()
                .map(text_of)
                .and_then(as_u64)
                .and_then(|n| u8::try_from(n).ok()),
            user_sid: security.user_id.as_ref().and_then(as_text),
        };
        let qualifiers = match &system.event_id {
            Some(Value::Object(m)) => m
                .get("#attributes")
                .and_then(|a| a.get("Qualifiers"))
                .cloned(),
            _ => None,
        };
        attrs.system("channel", head.channel.clone().map(Value::String));
        attrs.system("provider", head.provider.clone().map(Value::String));
        attrs.system("provider_guid", provider_attrs.guid);
        attrs.system("event_source_name", provider_attrs.event_source_name);
        attrs.system("qualifiers", qualifiers);
        attrs.system("version", system.version);
        attrs.system("level", system.level);
        attrs.system("task", system.task);
        attrs.system("opcode", system.opcode);
        attrs.system("keywords", system.keywords);
        attrs.system("process_id", execution.process_id);
        attrs.system("thread_id", execution.thread_id);
        attrs.system("user_sid", security.user_id);
        attrs.system("activity_id", correlation.activity_id);
        attrs.system("related_activity_id", correlation.related_activity_id);
        attrs.system("record_header_id", Some(header_id.into()));
        if head.record_id.is_none() {
            attrs.system(
                "note",
                Some(
                    "no EventRecordID in the record: the locator is the record header's id".into(),
                ),
            );
        }
        head
    }
}

/// An EventData (`false`) or UserData (`true`) section, flattened into `attrs` as it is
/// read.
struct Section<'a>(&'a mut Attrs, bool);

impl Section<'_> {
    /// A section that is no object: kept whole as `Data`, unless it is `null`.
    fn scalar(self, v: Value) {
        if !v.is_null() {
            self.0.field("Data".into(), v);
        }
    }
}

impl<'de> DeserializeSeed<'de> for Section<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Section<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an EventData or UserData section")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "#attributes" {
                map.next_value::<IgnoredAny>()?;
            } else {
                flatten_entry(key, map.next_value()?, self.1, self.0);
            }
        }
        Ok(())
    }
    // A section that is no object is kept whole, as `Data`.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        self.scalar(Value::deserialize(SeqAccessDeserializer::new(seq))?);
        Ok(())
    }
    visit_scalars!(());
}

/// `Event/System`: the values the columns and `attrs` take, each as the crate wrote it.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct System {
    provider: Lenient<Attributes<ProviderAttrs>>,
    #[serde(rename = "EventID")]
    event_id: Option<Value>,
    version: Option<Value>,
    level: Option<Value>,
    task: Option<Value>,
    opcode: Option<Value>,
    keywords: Option<Value>,
    time_created: Lenient<Attributes<TimeAttrs>>,
    #[serde(rename = "EventRecordID")]
    event_record_id: Option<Value>,
    correlation: Lenient<Attributes<CorrelationAttrs>>,
    execution: Lenient<Attributes<ExecutionAttrs>>,
    channel: Option<Value>,
    computer: Option<Value>,
    security: Lenient<Attributes<SecurityAttrs>>,
}

/// An element whose values are its attributes (`{"#attributes": {..}}`).
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "T: Deserialize<'de> + Default"))]
struct Attributes<T> {
    #[serde(rename = "#attributes")]
    of: Lenient<T>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct ProviderAttrs {
    name: Option<Value>,
    guid: Option<Value>,
    event_source_name: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct TimeAttrs {
    system_time: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CorrelationAttrs {
    #[serde(rename = "ActivityID")]
    activity_id: Option<Value>,
    #[serde(rename = "RelatedActivityID")]
    related_activity_id: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExecutionAttrs {
    #[serde(rename = "ProcessID")]
    process_id: Option<Value>,
    #[serde(rename = "ThreadID")]
    thread_id: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecurityAttrs {
    #[serde(rename = "UserID")]
    user_id: Option<Value>,
}

/// A `T` read from a JSON object, and `T::default()` from any other JSON value: an odd
/// shape in a damaged record costs that part of the event, not the event.
#[derive(Default)]
struct Lenient<T>(T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<T: Default> Visit<T> {
            fn scalar(self, _: Value) -> T {
                T::default()
            }
        }
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for Visit<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<T, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(T::default())
            }
            visit_scalars!(T);
        }
        d.deserialize_any(Visit(PhantomData)).map(Lenient)
    }
}

/// `{"#attributes": {..}, "#text": v}` -> `v`; anything else as it is.
fn text_of(v: &Value) -> &Value {
    match v {
        Value::Object(m) if m.contains_key("#text") => &m["#text"],
        _ => v,
    }
}

/// [`text_of`], keeping the value.
fn into_text(v: Value) -> Value {
    match v {
        Value::Object(mut m) if m.contains_key("#text") => m.remove("#text").unwrap_or_default(),
        _ => v,
    }
}

/// One member of an EventData or UserData section, flat. EventData's `Data` elements are
/// named fields; UserData holds one provider-defined element whose children are the
/// fields (its name goes to `user_data`). Attributes are left out.
fn flatten_entry(key: String, value: Value, user_data: bool, out: &mut Attrs) {
    match value {
        Value::Object(inner) if user_data && !inner.contains_key("#text") => {
            out.field("user_data".into(), Value::String(key));
            for (k, v) in inner {
                if k != "#attributes" {
                    flatten_entry(k, v, false, out);
                }
            }
        }
        v => out.field(key, into_text(v)),
    }
}

/// Reads one record's rendered JSON into an event.
fn read_record(json: &[u8], header_id: u64) -> std::result::Result<Event, String> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let rendered = RenderedSeed(header_id)
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| format!("the crate's JSON does not parse: {e}"))?;
    Ok(event_of(rendered, header_id))
}

/// Turns one record, read from the crate's JSON, into an event.
fn event_of(rendered: Rendered, header_id: u64) -> Event {
    let Rendered { head, attrs } = rendered;
    let (ts, ts_quality) = match head.time_text.as_deref().and_then(|t| parse_time(t, true)) {
        Some((ts, q)) => (Some(ts), q),
        None => (None, TsQuality::missing()),
    };
    let rec = WinRecord {
        event_id: head.event_id,
        event_id_text: head.event_id_text,
        channel: head.channel,
        provider: head.provider,
        computer: head.computer,
        level: head.level,
        user_sid: head.user_sid,
        // The System values' names are lower case; the fields the columns read are not.
        fields: Some(&attrs.map),
        rendered: None,
    };
    let mut out = Event {
        ts,
        ts_source: head.time_text,
        ts_quality,
        source: SOURCE.into(),
        locator: format!("record {}", head.record_id.unwrap_or(header_id)),
        ..Default::default()
    };
    rec.fill(&mut out);
    out.attrs = attrs.map;
    out
}

/// What one chunk yields, in file order. Nearly every record is an event, so the
/// smaller issue variant wastes little, and boxing would cost an allocation per event.
#[allow(clippy::large_enum_variant)]
enum Record {
    Event(Event),
    Issue(ImportIssue),
}

/// A chunk as the reader hands it over: its bytes, or the error reading it.
enum ChunkSlot {
    Data(Box<EvtxChunkData>),
    Unreadable(ImportIssue),
}

/// Chunks waiting for each worker, and parsed chunks waiting to be handed on: 64 KiB
/// each (and their events), so a few MiB at most are in flight.
const IN_FLIGHT: usize = 4;
/// Worker threads at most, whatever the machine offers.
const MAX_THREADS: usize = 4;

/// Parses one chunk into its events and issues, in record order.
fn parse_chunk(chunk: &mut EvtxChunkData, settings: &Arc<ParserSettings>, out: &mut Vec<Record>) {
    let number = chunk.number;
    let (first_id, last_id) = (
        chunk.header.first_event_record_id,
        chunk.header.last_event_record_id,
    );
    let mut parsed = match chunk.parse(Arc::clone(settings)) {
        Ok(p) => p,
        Err(e) => {
            out.push(Record::Issue(ImportIssue {
                locator: number.map_or_else(|| "chunk ?".into(), |n| format!("chunk {n}")),
                reason: format!(
                    "a chunk whose records cannot be read (its header lists record \
                     header ids {first_id} to {last_id}): {}",
                    explain(&e)
                ),
                raw: Vec::new(),
            }));
            return;
        }
    };
    for record in parsed.iter() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.push(Record::Issue(ImportIssue {
                    locator: locate(&e, number),
                    reason: format!("a record that cannot be read: {}", explain(&e)),
                    raw: Vec::new(),
                }));
                continue;
            }
        };
        let header_id = record.event_record_id;
        let data: &[u8] = record.chunk.data;
        let start = record.binxml_offset.saturating_sub(RECORD_HEADER_SIZE);
        let end = record.binxml_offset + u64::from(record.binxml_size);
        let rendered = record
            .into_json_bytes()
            .map_err(|e| explain(&e))
            .and_then(|r| Ok((read_record(&r.data, header_id)?, r.data)));
        out.push(match rendered {
            Ok((mut event, raw)) => {
                event.raw = raw;
                if let Some(n) = number {
                    event.attrs.insert("chunk".into(), n.into());
                }
                Record::Event(event)
            }
            Err(reason) => Record::Issue(ImportIssue {
                locator: match number {
                    Some(n) => format!("chunk {n}, record header id {header_id}"),
                    None => format!("record header id {header_id}"),
                },
                reason: format!("a record that cannot be rendered: {reason}"),
                raw: data
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                    .to_vec(),
            }),
        });
    }
}

/// A log the crate can seek in, that the chunk-reading thread can take.
trait Seekable: Read + Seek + Send {}
impl<T: Read + Seek + Send> Seekable for T {}
type Log = Box<dyn Seekable>;

impl EvtxParser {
    /// The input as something the crate can seek in, and its size: in memory, or copied
    /// into a temporary file (deleted when dropped) when it is larger than `in_memory_max`.
    fn open(&self, input: &mut dyn BufRead) -> Result<(Log, u64)> {
        let io_err = |e| Error::io("(evtx input)", e);
        let mut bytes = Vec::new();
        let mut head = input.take(self.in_memory_max.saturating_add(1));
        head.read_to_end(&mut bytes).map_err(io_err)?;
        if bytes.len() as u64 <= self.in_memory_max {
            let size = bytes.len() as u64;
            return Ok((Box::new(Cursor::new(bytes)), size));
        }
        let mut spool = tempfile::tempfile().map_err(io_err)?;
        spool.write_all(&bytes).map_err(io_err)?;
        drop(bytes);
        io::copy(input, &mut spool).map_err(io_err)?;
        let size = spool.stream_position().map_err(io_err)?;
        spool.seek(SeekFrom::Start(0)).map_err(io_err)?;
        // Unbuffered: the crate seeks to each chunk and reads it whole (after reading every
        // chunk's header to find the oldest), so a buffer would only copy more.
        Ok((Box::new(spool), size))
    }
}

impl Parser for EvtxParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        let (log, size) = self.open(input)?;
        // The crate stops at the last whole chunk: say so when the file ends inside one.
        let partial = size.saturating_sub(FILE_HEADER_SIZE as u64) % CHUNK_SIZE as u64;
        let partial_chunk = size.saturating_sub(FILE_HEADER_SIZE as u64) / CHUNK_SIZE as u64;
        let settings = ParserSettings::new().indent(false);
        let mut reader = Reader::from_read_seek(log)
            .map_err(|e| Error::Invalid(format!("not a readable EVTX file: {}", explain(&e))))?
            .with_configuration(settings.clone());
        let settings = Arc::new(settings);
        let threads = self.threads.max(1);
        std::thread::scope(|scope| -> Result<()> {
            let mut inputs = Vec::with_capacity(threads);
            let mut outputs = Vec::with_capacity(threads);
            for _ in 0..threads {
                let (to_worker, chunks) = sync_channel::<ChunkSlot>(IN_FLIGHT);
                let (done, from_worker) = sync_channel::<Vec<Record>>(IN_FLIGHT);
                let settings = Arc::clone(&settings);
                scope.spawn(move || {
                    for slot in chunks {
                        let mut out = Vec::new();
                        match slot {
                            ChunkSlot::Data(mut chunk) => {
                                parse_chunk(&mut chunk, &settings, &mut out)
                            }
                            ChunkSlot::Unreadable(issue) => out.push(Record::Issue(issue)),
                        }
                        if done.send(out).is_err() {
                            break; // the sink stopped (cancel or error)
                        }
                    }
                });
                inputs.push(to_worker);
                outputs.push(from_worker);
            }
            // Chunk i goes to worker i % threads, from a thread of its own, so that this
            // thread hands records to the sink while the workers parse the next chunks.
            scope.spawn(move || {
                let mut last_chunk = None;
                for (i, chunk) in reader.chunks().enumerate() {
                    let slot = match chunk {
                        Ok(c) => {
                            last_chunk = c.number.or(last_chunk);
                            ChunkSlot::Data(Box::new(c))
                        }
                        Err(e) => ChunkSlot::Unreadable(ImportIssue {
                            locator: locate(&e, last_chunk.map(|c: u64| c + 1)),
                            reason: format!("an unreadable chunk: {}", explain(&e)),
                            raw: Vec::new(),
                        }),
                    };
                    if inputs[i % threads].send(slot).is_err() {
                        break;
                    }
                }
            });
            // Records in file order: chunk i comes back from worker i % threads, and the
            // first worker with nothing more to give marks the end.
            for i in 0.. {
                let Ok(records) = outputs[i % threads].recv() else {
                    break;
                };
                for record in records {
                    match record {
                        Record::Event(e) => sink.event(e)?,
                        Record::Issue(i) => sink.issue(i)?,
                    }
                }
            }
            Ok(())
        })?;
        if partial > 0 {
            sink.issue(ImportIssue {
                locator: format!("chunk {partial_chunk}"),
                reason: format!(
                    "the file ends inside this chunk ({partial} of {CHUNK_SIZE} bytes): it was \
                     cut short, and the records of this last chunk are not read"
                ),
                raw: Vec::new(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sniffs_the_file_magic_only() {
        assert!(sniff(b"ElfFile\0\0\0\0\0"));
        assert!(!sniff(b"ElfFile"));
        assert!(!sniff(b"{\"EventID\": 4624}"));
    }

    #[test]
    fn reads_time_and_id_from_the_xml_not_the_header() {
        let json = json!({"Event": {"System": {
            "Provider": {"#attributes": {"Name": "Service Control Manager",
                "EventSourceName": "Service Control Manager"}},
            "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045},
            "Level": 4,
            "TimeCreated": {"#attributes": {"SystemTime": "2019-03-19T00:41:29.1234567Z"}},
            "EventRecordID": 9871,
            "Channel": "System",
            "Computer": "WIN-77LTAPHIQ1R.example.corp",
            "Security": {"#attributes": {"UserID": "S-1-5-18"}}},
            "EventData": {"ServiceName": "evil", "ImagePath": "%COMSPEC% /c x",
                "ServiceType": "user mode service", "StartType": "demand start",
                "AccountName": "LocalSystem"}}});
        let e = read_record(json.to_string().as_bytes(), 3).unwrap();
        assert_eq!(e.locator, "record 9871");
        assert_eq!(e.ts, Some(1_552_956_089_123_456));
        assert_eq!(e.ts_source.as_deref(), Some("2019-03-19T00:41:29.1234567Z"));
        assert_eq!(e.event_code.as_deref(), Some("7045"));
        assert_eq!(e.action.as_deref(), Some("service_installed"));
        assert_eq!(e.user.as_deref(), Some("S-1-5-18"));
        assert_eq!(e.attrs["qualifiers"], 16384);
        assert_eq!(e.attrs["record_header_id"], 3);
        assert_eq!(e.attrs["ServiceName"], "evil");
    }

    #[test]
    fn user_data_fields_are_flattened() {
        let json = json!({"Event": {"System": {"EventID": 1102, "Channel": "Security",
            "EventRecordID": 5},
            "UserData": {"LogFileCleared": {"#attributes": {"xmlns": "x"},
                "SubjectUserName": "admin", "SubjectDomainName": "CORP"}}}});
        let e = read_record(json.to_string().as_bytes(), 1).unwrap();
        assert_eq!(e.user.as_deref(), Some("admin"));
        assert_eq!(e.attrs["user_data"], "LogFileCleared");
        assert_eq!(e.ts, None);
        assert_eq!(e.ts_quality, TsQuality::missing());
        assert_eq!(
            e.message,
            "[Security] 1102 The audit log was cleared: \
             SubjectUserName=admin SubjectDomainName=CORP"
        );
    }

    #[test]
    fn odd_shapes_cost_their_own_part_not_the_event() {
        let read = |v: serde_json::Value| read_record(v.to_string().as_bytes(), 3).unwrap();
        // No `Event` root: the root is the event.
        let e = read(json!({"System": {"EventID": 4624, "Channel": "Security",
            "EventRecordID": 7}, "EventData": {"TargetUserName": "bob"}}));
        assert_eq!(
            (e.locator.as_str(), e.user.as_deref()),
            ("record 7", Some("bob"))
        );
        // System no object, EventData text: the text is kept as `Data`.
        let e = read(json!({"Event": {"System": "garbage", "EventData": "just text"}}));
        assert_eq!(e.locator, "record 3");
        assert_eq!(e.attrs["Data"], "just text");
        assert!(e.attrs["note"]
            .as_str()
            .unwrap()
            .contains("no EventRecordID"));
        // Attribute holders that are no objects, the id as text, EventData an array.
        let e = read(
            json!({"Event": {"System": {"Provider": [1, 2], "TimeCreated": 5,
            "EventRecordID": "12"}, "EventData": [1, "a"]}}),
        );
        assert_eq!(e.locator, "record 12");
        assert_eq!(e.attrs["Data"], json!([1, "a"]));
        assert!(!e.attrs.contains_key("provider"));
        assert_eq!(e.ts, None);
        // Attributes are left out, `#text` is taken, both sections are read.
        let e = read(json!({"Event": {"System": {"EventRecordID": 1},
            "EventData": {"#attributes": {"Name": "x"}, "A": {"#attributes": {"t": 1},
                "#text": "v"}, "Null": null},
            "UserData": {"X": {"#attributes": {"xmlns": "u"}, "B": "w"}}}}));
        let keys: Vec<&str> = e.attrs.keys().map(String::as_str).collect();
        assert_eq!(keys, ["record_header_id", "A", "Null", "user_data", "B"]);
        assert_eq!((&e.attrs["A"], &e.attrs["B"]), (&json!("v"), &json!("w")));
        assert_eq!(e.attrs["user_data"], "X");
        // A field named like a System value keeps out of its way; fields read before
        // System still come after the System values.
        let e = read(
            json!({"Event": {"EventData": {"level": "field", "version": 7,
            "B": 1}, "System": {"Level": 4, "EventRecordID": 2}}}),
        );
        let keys: Vec<&str> = e.attrs.keys().map(String::as_str).collect();
        assert_eq!(keys, ["level", "record_header_id", "version", "B"]);
        assert_eq!(
            (&e.attrs["level"], &e.attrs["version"]),
            (&json!(4), &json!(7))
        );
        // Not an object at all: an event with nothing but its header id.
        let e = read(json!([1, 2]));
        assert_eq!((e.locator.as_str(), e.attrs.len()), ("record 3", 2));
        // Not JSON: an error, which the caller turns into an import issue.
        assert!(read_record(b"{\"Event\": ", 3).is_err());
    }

    /// Counts what the parser pushes.
    #[derive(Debug, Default, PartialEq)]
    struct Count(u64, u64);

    impl Sink for Count {
        fn event(&mut self, _: Event) -> Result<()> {
            self.0 += 1;
            Ok(())
        }
        fn issue(&mut self, _: ImportIssue) -> Result<()> {
            self.1 += 1;
            Ok(())
        }
        fn skip(&mut self) -> Result<()> {
            Ok(())
        }
    }

    /// Keeps what the parser pushes.
    #[derive(Default)]
    struct Keep(Vec<Event>, Vec<ImportIssue>);

    impl Sink for Keep {
        fn event(&mut self, e: Event) -> Result<()> {
            self.0.push(e);
            Ok(())
        }
        fn issue(&mut self, i: ImportIssue) -> Result<()> {
            self.1.push(i);
            Ok(())
        }
        fn skip(&mut self) -> Result<()> {
            Ok(())
        }
    }

    /// A real log of 869 records in 17 chunks.
    const SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-data/evtx-attack-samples/lateral_movement/LM_5145_Remote_FileCopy.evtx"
    );

    #[test]
    fn chunks_parsed_on_several_threads_come_out_in_file_order() {
        let bytes = std::fs::read(SAMPLE).unwrap();
        let run = |threads| {
            let mut sink = Keep::default();
            EvtxParser {
                threads,
                in_memory_max: IN_MEMORY_MAX,
            }
            .parse(&mut &bytes[..], &mut sink)
            .unwrap();
            sink
        };
        let one = run(1);
        assert_eq!(one.0.len(), 869);
        assert_eq!(one.0[0].locator, "record 437472");
        assert_eq!(one.0[868].locator, "record 438340");
        // 17 chunks: 2, 3 and 4 workers each leave some with one chunk fewer.
        for threads in [2, 3, 4] {
            let many = run(threads);
            assert!(many.0 == one.0, "{threads} threads");
            assert_eq!(many.1, one.1);
        }
    }

    #[test]
    fn a_log_over_the_memory_limit_is_read_from_a_temporary_file_alike() {
        let whole = std::fs::read(SAMPLE).unwrap();
        // Cut inside chunk 9, so the partial-chunk issue is checked too.
        let bytes = &whole[..FILE_HEADER_SIZE + 9 * CHUNK_SIZE + 30_000];
        let run = |in_memory_max| {
            let mut sink = Keep::default();
            let mut parser = EvtxParser {
                threads: 2,
                in_memory_max,
            };
            // The input as the import hands it: a buffered reader, read in pieces.
            let mut input = io::BufReader::with_capacity(4096, bytes);
            parser.parse(&mut input, &mut sink).unwrap();
            sink
        };
        let in_memory = run(IN_MEMORY_MAX);
        // Chunks 0 to 8 hold the records of header ids 1 to 787.
        assert_eq!(in_memory.0.len(), 787);
        assert_eq!(in_memory.1.len(), 1);
        assert!(in_memory.1[0]
            .reason
            .contains("the file ends inside this chunk"));
        assert_eq!(in_memory.1[0].locator, "chunk 9");
        // Spooled from the start, and after a first part was read into memory.
        for limit in [0, 100_000] {
            let spooled = run(limit);
            assert!(spooled.0 == in_memory.0, "limit {limit}");
            assert_eq!(spooled.1.len(), 1);
            assert_eq!(spooled.1[0].reason, in_memory.1[0].reason);
            assert_eq!(spooled.1[0].locator, in_memory.1[0].locator);
        }
    }

    #[test]
    fn garbage_after_the_magic_is_an_error_not_a_panic() {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[0xff; 5000]);
        let mut sink = Count::default();
        let _ = EvtxParser {
            threads: 2,
            in_memory_max: IN_MEMORY_MAX,
        }
        .parse(&mut &bytes[..], &mut sink);
        assert_eq!(sink.0, 0);
    }
}
