//! Import: detect a file's format, parse it into events, store them with the evidence.
//!
//! Each format is one file behind the small [`Parser`] trait; [`Format`] is the closed
//! list of them and the only place that knows them all. Parsers push events and import
//! issues into a [`Sink`] as they read, in bounded memory. [`import_file`] registers the
//! evidence (hash, bytes, custody), runs the parser inside one write transaction, and
//! reports progress; cancelling or failing rolls everything back, so the case is left
//! exactly as it was.

mod auth;
pub(crate) mod common;
mod delimited;
mod fields;
mod generic_csv;
mod generic_jsonl;
mod hayabusa;
pub mod lines;
mod plaso;
mod syslog;
mod timesketch;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Serialize;

use crate::archive::audit;
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue};
use crate::evidence::{self, Acquisition};
use crate::store::{Case, EventWriter};
use crate::time::{format_micros, now_micros, Micros};

/// Receives what a parser produces, in input order.
pub trait Sink {
    fn event(&mut self, event: Event) -> Result<()>;
    fn issue(&mut self, issue: ImportIssue) -> Result<()>;
    /// A line that is no record: a blank line, or a header or comment the format defines.
    fn skip(&mut self) -> Result<()>;
}

/// One evidence format's reader.
pub trait Parser {
    /// Reads the input once before [`Parser::parse`], for parsers that must see the
    /// whole file first (syslog places year-less stamps from the file's last line).
    fn prepare(&mut self, _input: &mut dyn BufRead) -> Result<()> {
        Ok(())
    }

    /// Reads every record, pushing an event or an import issue for each.
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()>;
}

/// The formats Tideline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Syslog,
    Plaso,
    Hayabusa,
    Timesketch,
    Jsonl,
    Csv,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Plaso,
        Format::Hayabusa,
        Format::Timesketch,
        Format::Syslog,
        Format::Jsonl,
        Format::Csv,
    ];

    /// The name used in `--format`, in the `source` column and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Syslog => "syslog",
            Format::Plaso => "plaso",
            Format::Hayabusa => "hayabusa",
            Format::Timesketch => "timesketch",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    /// One line for `tideline formats`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Syslog => {
                "syslog: RFC 3164 (auth.log, messages, secure; year-less), RFC 5424, \
                 and rsyslog's RFC 3339 high-precision lines"
            }
            Format::Plaso => {
                "plaso: Plaso (log2timeline/psort) timelines, l2tcsv or json_line; \
                 source plaso:<parser>"
            }
            Format::Hayabusa => {
                "hayabusa: Hayabusa csv-timeline or json-timeline -L output, any profile"
            }
            Format::Timesketch => {
                "timesketch: Timesketch import CSV or JSON lines \
                 (message, datetime, timestamp_desc)"
            }
            Format::Jsonl => {
                "jsonl: any JSON lines; time from --time-field or a common name \
                 (@timestamp, timestamp, time, ...)"
            }
            Format::Csv => {
                "csv: any CSV with a header row; time from --time-field or a common name \
                 (timestamp, time, date, ...)"
            }
        }
    }

    pub fn from_name(name: &str) -> Result<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == name)
            .ok_or_else(|| Error::UnknownFormat(name.to_string()))
    }

    /// Whether the first bytes of a file look like this format.
    pub fn sniff(self, head: &[u8]) -> bool {
        match self {
            Format::Syslog => syslog::sniff(head),
            Format::Plaso => plaso::sniff(head),
            Format::Hayabusa => hayabusa::sniff(head),
            Format::Timesketch => timesketch::sniff(head),
            Format::Jsonl => generic_jsonl::sniff(head),
            Format::Csv => generic_csv::sniff(head),
        }
    }

    fn parser(self, file: &FileContext, opts: &ImportOptions) -> Box<dyn Parser> {
        match self {
            Format::Syslog => Box::new(syslog::SyslogParser::new(file, opts)),
            Format::Plaso => Box::new(plaso::PlasoParser::new(file, opts)),
            Format::Hayabusa => Box::new(hayabusa::HayabusaParser::new(file, opts)),
            Format::Timesketch => Box::new(timesketch::TimesketchParser::new(file, opts)),
            Format::Jsonl => Box::new(generic_jsonl::JsonlParser::new(file, opts)),
            Format::Csv => Box::new(generic_csv::CsvParser::new(file, opts)),
        }
    }
}

/// Finds the format of a file from its first bytes.
pub fn detect(head: &[u8]) -> Option<Format> {
    Format::ALL.iter().copied().find(|f| f.sniff(head))
}

/// Choices the investigator makes for an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Force a format instead of detecting it.
    pub format: Option<String>,
    /// The year of the first year-less timestamp (instead of inferring it from the file's
    /// modification time).
    pub year: Option<i32>,
    /// The zone of zone-less timestamps.
    pub tz: chrono_tz::Tz,
    /// For generic JSON lines and CSV: the field holding the time (default: found among
    /// common names).
    pub time_field: Option<String>,
    /// Who imports (written to the evidence register, custody and audit logs).
    pub actor: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            year: None,
            tz: chrono_tz::UTC,
            time_field: None,
            actor: default_actor(),
        }
    }
}

/// The operating-system user, for "imported by" when nobody says otherwise.
pub fn default_actor() -> String {
    ["TIDELINE_ACTOR", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// What a parser knows about the file it reads.
pub struct FileContext {
    pub path: PathBuf,
    /// The file's modification time.
    pub modified: Option<Micros>,
}

/// How far an import has got.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub path: String,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub events: u64,
    pub issues: u64,
    pub skipped: u64,
}

/// The outcome of importing one file.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub path: String,
    pub evidence_id: i64,
    pub sha256: String,
    /// `None` when no parser read the file: it is registered as evidence only.
    pub format: Option<String>,
    pub events: u64,
    pub issues: u64,
    /// Lines that are no record (blank lines, headers, comments).
    pub skipped: u64,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
}

/// How often (in records) progress is reported and cancellation checked.
const PROGRESS_EVERY: u64 = 2048;

struct StoreSink<'w, 't, 'p> {
    writer: &'w mut EventWriter<'t>,
    progress: &'p mut dyn FnMut(&Progress) -> ControlFlow<()>,
    state: Progress,
    bytes_read: Rc<Cell<u64>>,
    first: Option<Micros>,
    last: Option<Micros>,
}

impl StoreSink<'_, '_, '_> {
    fn tick(&mut self) -> Result<()> {
        if (self.state.events + self.state.issues) % PROGRESS_EVERY == 0 {
            self.report()?;
        }
        Ok(())
    }

    fn report(&mut self) -> Result<()> {
        self.state.bytes_done = self.bytes_read.get().min(self.state.bytes_total);
        match (self.progress)(&self.state) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Error::Cancelled),
        }
    }
}

impl Sink for StoreSink<'_, '_, '_> {
    fn event(&mut self, event: Event) -> Result<()> {
        if let Some(ts) = event.ts {
            self.first = Some(self.first.map_or(ts, |f| f.min(ts)));
            self.last = Some(self.last.map_or(ts, |l| l.max(ts)));
        }
        self.writer.event(&event)?;
        self.state.events += 1;
        self.tick()
    }

    fn issue(&mut self, issue: ImportIssue) -> Result<()> {
        self.writer.issue(&issue)?;
        self.state.issues += 1;
        self.tick()
    }

    fn skip(&mut self) -> Result<()> {
        self.state.skipped += 1;
        Ok(())
    }
}

/// Counts the bytes read through it, for progress.
struct CountingReader<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

fn open_buffered(path: &Path) -> Result<BufReader<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(BufReader::with_capacity(256 * 1024, file))
}

fn read_head(path: &Path) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(64 * 1024);
    File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(head)
}

/// Imports one file into the case: registers it as evidence and, when a parser reads
/// it, stores its events and import issues. `progress` is called now and then; returning
/// `ControlFlow::Break` cancels the import and leaves the case unchanged. A file no
/// parser recognises is still registered (hashed, stored, custody entry) with no events.
pub fn import_file(
    case: &mut Case,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportSummary> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let head = read_head(path)?;
    let format = match &opts.format {
        Some(name) => {
            let f = Format::from_name(name)?;
            if !head.is_empty() && !f.sniff(&head) {
                return Err(Error::WrongFormat {
                    path: path.to_path_buf(),
                    format: f.name().into(),
                    reason: "its first lines do not parse as this format".into(),
                });
            }
            Some(f)
        }
        None => detect(&head),
    };
    let file = FileContext {
        path: path.to_path_buf(),
        modified: evidence::modified_micros(path),
    };
    let path_text = path.display().to_string();
    let actor = opts.actor.as_str();

    case.write(|tx| {
        let acq = Acquisition {
            actor,
            acquired_at: file.modified,
            imported_at: now_micros(),
            format: format.map(Format::name),
        };
        let (evidence_id, hashes) = evidence::register(tx, path, &acq)?;
        let mut summary = ImportSummary {
            path: path_text.clone(),
            evidence_id,
            sha256: hashes.sha256.clone(),
            format: format.map(|f| f.name().to_string()),
            events: 0,
            issues: 0,
            skipped: 0,
            first_ts: None,
            last_ts: None,
        };
        if let Some(format) = format {
            let mut parser = format.parser(&file, opts);
            parser.prepare(&mut open_buffered(path)?)?;
            let bytes_read = Rc::new(Cell::new(0));
            let mut input = BufReader::with_capacity(
                256 * 1024,
                CountingReader {
                    inner: File::open(path).map_err(|e| Error::io(path, e))?,
                    count: Rc::clone(&bytes_read),
                },
            );
            let mut writer = tx.event_writer(evidence_id)?;
            let mut sink = StoreSink {
                writer: &mut writer,
                progress: &mut *progress,
                state: Progress {
                    path: path_text.clone(),
                    bytes_done: 0,
                    bytes_total: hashes.size,
                    events: 0,
                    issues: 0,
                    skipped: 0,
                },
                bytes_read,
                first: None,
                last: None,
            };
            sink.report()?;
            parser.parse(&mut input, &mut sink)?;
            sink.report()?;
            summary.events = sink.state.events;
            summary.issues = sink.state.issues;
            summary.skipped = sink.state.skipped;
            summary.first_ts = sink.first.map(format_micros);
            summary.last_ts = sink.last.map(format_micros);
            tx.insert_custody(
                evidence_id,
                now_micros(),
                actor,
                "parsed",
                &serde_json::json!({
                    "format": format.name(),
                    "events": summary.events,
                    "issues": summary.issues,
                    "skipped": summary.skipped,
                })
                .to_string(),
            )?;
        }
        audit::append(
            tx,
            actor,
            "evidence imported",
            &serde_json::json!({
                "evidence_id": evidence_id,
                "path": summary.path,
                "sha256": summary.sha256,
                "format": summary.format,
                "events": summary.events,
                "issues": summary.issues,
                "skipped": summary.skipped,
                "year": opts.year,
                "tz": opts.tz.name(),
            }),
        )?;
        Ok(summary)
    })
}
