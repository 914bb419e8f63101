//! CSV records for the CSV-based formats (generic CSV, Plaso l2tcsv, Hayabusa and
//! Timesketch CSV): a header row, then one record per row, split by the `csv` crate
//! into byte records so that invalid UTF-8 survives.
//!
//! Physical lines come from [`LineReader`] (bounded at 1 MiB, CRLF dropped). A record
//! is one line, or several when a quoted field holds line breaks (RFC 4180); its
//! locator is its first line, and its `raw` is its lines joined by `\n`. A record must
//! have as many fields as the header: a short or long row is an import issue that says
//! so. A quote that opens a field and is never closed would swallow the rest of the
//! file, so when the lines it joins run to the end of the input or past 1 MiB, or do not
//! make a row as wide as the header, only the line that opened it becomes an issue and
//! reading starts again on the line after it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::rc::Rc;

use csv::ByteRecord;
use serde_json::{Map, Value};

use super::common;
use super::lines::{LineInfo, LineReader, MAX_LINE};
use super::Sink;
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue};

/// What the reader found next.
#[derive(Debug)]
pub enum Item {
    /// A blank line outside any record.
    Blank,
    /// One record: its first line, its bytes, its fields, and how many lines it spans.
    Record {
        line: u64,
        raw: Vec<u8>,
        fields: ByteRecord,
        lines: usize,
    },
    /// Lines that do not make a record, with the reason.
    Broken {
        line: u64,
        raw: Vec<u8>,
        reason: String,
    },
}

/// Tracks whether a record ends at a line break or continues inside a quoted field,
/// with the `csv` crate's rules: a quote opens a field only at the field's start, and
/// `""` inside a quoted field is a quote. `stray` notes a closing quote followed by
/// more of the field (`"a"b`): the `csv` crate takes it, but after a line break it
/// means the quote that opened the field was not meant to span lines.
#[derive(Debug, Clone, Copy)]
struct Quotes {
    open: bool,
    field_start: bool,
    stray: bool,
}

impl Quotes {
    fn new() -> Self {
        Quotes {
            open: false,
            field_start: true,
            stray: false,
        }
    }

    fn feed(&mut self, line: &[u8]) {
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            if self.open {
                if b == b'"' {
                    match line.get(i + 1) {
                        Some(b'"') => i += 1,
                        Some(b',') | None => self.open = false,
                        Some(_) => {
                            self.open = false;
                            self.stray = true;
                        }
                    }
                }
            } else if b == b'"' && self.field_start {
                self.open = true;
                self.field_start = false;
            } else {
                self.field_start = b == b',';
            }
            i += 1;
        }
    }
}

/// The bytes handed to the [`Splitter`]'s reader, one record at a time.
#[derive(Clone, Default)]
struct Feed(Rc<RefCell<VecDeque<u8>>>);

impl io::Read for Feed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut queue = self.0.borrow_mut();
        let n = queue.len().min(buf.len());
        for (dst, src) in buf.iter_mut().zip(queue.drain(..n)) {
            *dst = src;
        }
        Ok(n)
    }
}

/// Splits one record's bytes into fields with one long-lived `csv` reader (building
/// a reader per record would rebuild its parser every time). Only `\n` ends a record
/// (a stray `\r` is data), and a record holds no line break outside quotes, so each
/// record handed over comes back as one byte record.
struct Splitter {
    feed: Feed,
    reader: csv::Reader<Feed>,
}

impl Splitter {
    fn reader(feed: &Feed) -> csv::Reader<Feed> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(feed.clone())
    }

    fn new() -> Self {
        let feed = Feed::default();
        Splitter {
            reader: Self::reader(&feed),
            feed,
        }
    }

    fn split(&mut self, bytes: &[u8]) -> ByteRecord {
        {
            let mut queue = self.feed.0.borrow_mut();
            queue.clear();
            queue.extend(bytes);
            queue.push_back(b'\n');
        }
        let mut record = ByteRecord::new();
        // Reading from memory cannot fail.
        let _ = self.reader.read_byte_record(&mut record);
        if self.reader.is_done() {
            // The reader saw the end of its input (it wanted more than one record):
            // it would read nothing more, so start a new one.
            self.reader = Self::reader(&self.feed);
        }
        record
    }
}

/// Reads CSV records from lines (see the module documentation).
pub struct RecordReader<R> {
    lines: LineReader<R>,
    splitter: Splitter,
    pending: VecDeque<(Vec<u8>, LineInfo)>,
}

impl<R: BufRead> RecordReader<R> {
    pub fn new(input: R) -> Self {
        RecordReader {
            lines: LineReader::new(input),
            pending: VecDeque::new(),
            splitter: Splitter::new(),
        }
    }

    fn next_line(&mut self) -> io::Result<Option<(Vec<u8>, LineInfo)>> {
        if let Some(l) = self.pending.pop_front() {
            return Ok(Some(l));
        }
        let mut buf = Vec::new();
        Ok(self.lines.next_line(&mut buf)?.map(|info| (buf, info)))
    }

    /// Puts lines back to be read again, in their order.
    fn unread(&mut self, lines: Vec<(Vec<u8>, LineInfo)>) {
        for l in lines.into_iter().rev() {
            self.pending.push_front(l);
        }
    }

    /// The next item. `width` is the header's field count, once known.
    pub fn next(&mut self, width: Option<usize>) -> io::Result<Option<Item>> {
        let Some((first, info)) = self.next_line()? else {
            return Ok(None);
        };
        if first.iter().all(u8::is_ascii_whitespace) {
            return Ok(Some(Item::Blank));
        }
        if info.truncated {
            return Ok(Some(Item::Broken {
                line: info.number,
                raw: first,
                reason: format!("a line longer than {MAX_LINE} bytes (kept, cut, not parsed)"),
            }));
        }
        let mut quotes = Quotes::new();
        quotes.feed(&first);
        let mut raw = first.clone();
        let mut more: Vec<(Vec<u8>, LineInfo)> = Vec::new();
        while quotes.open && raw.len() <= MAX_LINE {
            match self.next_line()? {
                Some((l, i)) if !i.truncated => {
                    raw.push(b'\n');
                    raw.extend_from_slice(&l);
                    quotes.feed(&l);
                    more.push((l, i));
                }
                Some(cut) => {
                    self.unread(vec![cut]);
                    break;
                }
                None => break,
            }
        }
        if quotes.open {
            self.unread(more);
            return Ok(Some(Item::Broken {
                line: info.number,
                raw: first,
                reason: "a quoted field opened on this line is never closed".into(),
            }));
        }
        if quotes.stray && !more.is_empty() {
            let closed_at = more.last().map_or(info.number, |(_, i)| i.number);
            self.unread(more);
            return Ok(Some(Item::Broken {
                line: info.number,
                raw: first,
                reason: format!(
                    "a quoted field opened on this line closes on line {closed_at} \
                     in the middle of a field"
                ),
            }));
        }
        let fields = self.splitter.split(&raw);
        if let Some(w) = width {
            if fields.len() != w {
                let reason = format!("{} fields where the header has {w}", fields.len());
                if more.is_empty() {
                    return Ok(Some(Item::Broken {
                        line: info.number,
                        raw,
                        reason,
                    }));
                }
                // The quote most likely never closed and swallowed the lines after it.
                self.unread(more);
                return Ok(Some(Item::Broken {
                    line: info.number,
                    raw: first,
                    reason: format!(
                        "a quoted field opened on this line does not close where the row \
                         should end ({reason})"
                    ),
                }));
            }
        }
        Ok(Some(Item::Record {
            line: info.number,
            raw,
            lines: 1 + more.len(),
            fields,
        }))
    }
}

/// The column names of a header record: trimmed, a byte-order mark dropped, empty
/// names called `column_N`, repeated names suffixed `_2`, `_3`, ...
pub fn header_names(fields: &ByteRecord) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let f = if i == 0 {
            f.strip_prefix(b"\xef\xbb\xbf").unwrap_or(f)
        } else {
            f
        };
        let mut name = common::lossy(f).trim().to_string();
        if name.is_empty() {
            name = format!("column_{}", i + 1);
        }
        if names.contains(&name) {
            let base = name.clone();
            let mut k = 2;
            while names.contains(&name) {
                name = format!("{base}_{k}");
                k += 1;
            }
        }
        names.push(name);
    }
    names
}

/// Reads a CSV file with a header row. `on_header` sees the column names first and
/// makes what the rows need from them (or refuses them); `row` turns each record, as a
/// map from column name to text, into an event or a reason it could not. Blank lines and the header's lines are skipped;
/// every record becomes an event (locator `line N` of its first line, `raw` its bytes)
/// or an import issue.
pub fn for_each_row<H>(
    input: &mut dyn BufRead,
    sink: &mut dyn Sink,
    on_header: impl FnOnce(&[String]) -> Result<H>,
    mut row: impl FnMut(&H, Map<String, Value>) -> Result<Event, String>,
) -> Result<()> {
    let mut reader = RecordReader::new(input);
    let io_err = |e| Error::io("(csv input)", e);
    let names = loop {
        match reader.next(None).map_err(io_err)? {
            None => return Ok(()),
            Some(Item::Blank) => sink.skip()?,
            Some(Item::Broken { line, raw, reason }) => sink.issue(ImportIssue {
                locator: format!("line {line}"),
                reason: format!("no header row: {reason}"),
                raw,
            })?,
            Some(Item::Record { fields, lines, .. }) => {
                for _ in 0..lines {
                    sink.skip()?;
                }
                break header_names(&fields);
            }
        }
    };
    let context = on_header(&names)?;
    while let Some(item) = reader.next(Some(names.len())).map_err(io_err)? {
        match item {
            Item::Blank => sink.skip()?,
            Item::Broken { line, raw, reason } => sink.issue(ImportIssue {
                locator: format!("line {line}"),
                reason,
                raw,
            })?,
            Item::Record {
                line, raw, fields, ..
            } => {
                let map: Map<String, Value> = names
                    .iter()
                    .zip(fields.iter())
                    .map(|(n, f)| (n.clone(), Value::String(common::lossy(f).into_owned())))
                    .collect();
                match row(&context, map) {
                    Ok(mut event) => {
                        event.locator = format!("line {line}");
                        event.raw = raw;
                        sink.event(event)?;
                    }
                    Err(reason) => sink.issue(ImportIssue {
                        locator: format!("line {line}"),
                        reason,
                        raw,
                    })?,
                }
            }
        }
    }
    Ok(())
}

/// The first records of a file's head, for sniffing: the header's names and the field
/// count of each following record, up to `max` records. A head cut at 64 KiB may end
/// inside a record, so the last item is dropped then. `None` when there is no header.
pub fn head_table(head: &[u8], max: usize) -> Option<(Vec<String>, Vec<usize>)> {
    let whole = head.len() < 64 * 1024;
    let mut reader = RecordReader::new(head);
    let mut header: Option<Vec<String>> = None;
    let mut widths = Vec::new();
    while let Ok(Some(item)) = reader.next(None) {
        match item {
            Item::Blank => continue,
            Item::Broken { .. } => {
                header.as_ref()?;
                widths.push(usize::MAX);
            }
            Item::Record { fields, .. } => match header {
                None => header = Some(header_names(&fields)),
                Some(_) => widths.push(fields.len()),
            },
        }
        if widths.len() > max {
            break;
        }
    }
    if !whole && widths.len() <= max {
        widths.pop();
    }
    widths.truncate(max);
    header.map(|h| (h, widths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(input: &[u8], width: usize) -> Vec<String> {
        let mut r = RecordReader::new(io::BufReader::with_capacity(5, input));
        let mut out = Vec::new();
        let mut w = None;
        while let Some(item) = r.next(w).unwrap() {
            out.push(match item {
                Item::Blank => "blank".to_string(),
                Item::Record {
                    line,
                    fields,
                    lines,
                    ..
                } => {
                    w = Some(width);
                    let f: Vec<String> = fields
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect();
                    format!("{line}+{lines}: {}", f.join("|"))
                }
                Item::Broken { line, reason, .. } => format!("{line}! {reason}"),
            });
        }
        out
    }

    #[test]
    fn a_quoted_field_may_hold_line_breaks_and_quotes() {
        let got = items(b"a,b\r\n1,\"x\r\ny \"\"q\"\"\"\r\n\r\n2,z", 2);
        assert_eq!(
            got,
            vec!["1+1: a|b", "2+2: 1|x\ny \"q\"", "blank", "5+1: 2|z"]
        );
    }

    #[test]
    fn a_quote_inside_a_field_is_data() {
        let got = items(b"a,b\n1,say \"hi\n2,ok\n", 2);
        assert_eq!(got, vec!["1+1: a|b", "2+1: 1|say \"hi", "3+1: 2|ok"]);
    }

    #[test]
    fn an_unclosed_quote_costs_one_line_and_reading_resumes() {
        let got = items(b"a,b\n1,\"never closed\n2,ok\n3,ok\n", 2);
        assert_eq!(
            got,
            vec![
                "1+1: a|b",
                "2! a quoted field opened on this line is never closed",
                "3+1: 2|ok",
                "4+1: 3|ok"
            ]
        );
    }

    #[test]
    fn a_quote_closed_lines_later_in_a_row_of_the_wrong_width_is_resynchronised() {
        let got = items(b"a,b\n1,\"open\n2,x\n\",z\n4,w\n", 2);
        assert_eq!(got[1], "2! a quoted field opened on this line does not close where the row should end (3 fields where the header has 2)");
        assert_eq!(
            &got[2..],
            [
                "3+1: 2|x",
                "4! a quoted field opened on this line is never closed",
                "5+1: 4|w"
            ]
        );
    }

    #[test]
    fn a_quote_closed_in_the_middle_of_a_later_field_is_resynchronised() {
        let got = items(b"a,b\n1,\"open\n2,x\n3,\"y\"\"\"\n", 2);
        assert_eq!(
            got[1],
            "2! a quoted field opened on this line closes on line 4 in the middle of a field"
        );
        assert_eq!(&got[2..], ["3+1: 2|x", "4+1: 3|y\""]);
    }

    #[test]
    fn ragged_rows_say_how_many_fields_they_have() {
        let got = items(b"a,b,c\n1,2\n1,2,3,4\n", 3);
        assert_eq!(
            &got[1..],
            [
                "2! 2 fields where the header has 3",
                "3! 4 fields where the header has 3"
            ]
        );
    }

    #[test]
    fn the_splitter_survives_a_record_that_runs_to_the_end_of_its_input() {
        let mut s = Splitter::new();
        assert_eq!(s.split(b"a,\"b\nc\""), ByteRecord::from(vec!["a", "b\nc"]));
        assert_eq!(s.split(b"\"open"), ByteRecord::from(vec!["open\n"]));
        assert_eq!(s.split(b"x,y"), ByteRecord::from(vec!["x", "y"]));
    }

    #[test]
    fn header_names_are_cleaned() {
        let rec = ByteRecord::from(vec![&b"\xef\xbb\xbfTime"[..], b" a ", b"", b"a"]);
        assert_eq!(header_names(&rec), vec!["Time", "a", "column_3", "a_2"]);
    }

    #[test]
    fn head_table_counts_fields_per_row() {
        let (h, w) = head_table(b"t,m\n1,2\n3,\"4\n5\"\n6\n", 10).unwrap();
        assert_eq!(h, vec!["t", "m"]);
        assert_eq!(w, vec![2, 2, 1]);
    }
}
