//! Import: detect a file's format, parse it into events, store them with the evidence.
//!
//! Each format is one file behind the small [`Parser`] trait; [`Format`] is the closed
//! list of them and the only place that knows them all. Parsers push events and import
//! issues into a [`Sink`] as they read, in bounded memory. [`import_file`] registers the
//! evidence (hash, bytes, custody), runs the parser inside one write transaction, and
//! reports progress; cancelling or failing rolls everything back, so the case is left
//! exactly as it was.

mod apache_access;
mod apache_error;
mod auth;
mod cloudtrail;
pub(crate) mod common;
mod delimited;
mod driver;
mod evtx;
mod fields;
mod generic_csv;
mod generic_jsonl;
mod hayabusa;
mod journal_json;
pub mod lines;
mod plaso;
mod source;
mod syslog;
mod timesketch;
mod windows;
mod winevent_json;
mod zeek;

use std::io::BufRead;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue};
use crate::time::Micros;

/// Receives what a parser produces, in input order.
pub trait Sink {
    fn event(&mut self, event: Event) -> Result<()>;
    /// An event whose `raw` is `raw` (its own `raw` left empty): a line-based parser
    /// lends its line buffer rather than copying it into each event. The import's sink
    /// copies it straight into its batch.
    fn event_with_raw(&mut self, mut event: Event, raw: &[u8]) -> Result<()> {
        event.raw = raw.to_vec();
        self.event(event)
    }
    fn issue(&mut self, issue: ImportIssue) -> Result<()>;
    /// A line that is no record: a blank line, or a header or comment the format defines.
    fn skip(&mut self) -> Result<()>;
}

/// One evidence format's reader. An import runs it on a thread of its own, next to the
/// thread that stores what it produces.
pub trait Parser: Send {
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
    ApacheAccess,
    ApacheError,
    JournalJson,
    CloudTrail,
    Zeek,
    Evtx,
    WinEventJson,
    Syslog,
    Plaso,
    Hayabusa,
    Timesketch,
    Jsonl,
    Csv,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Evtx,
        Format::CloudTrail,
        Format::Zeek,
        Format::Plaso,
        Format::Hayabusa,
        Format::Timesketch,
        Format::WinEventJson,
        Format::JournalJson,
        Format::ApacheAccess,
        Format::ApacheError,
        Format::Syslog,
        Format::Jsonl,
        Format::Csv,
    ];

    /// The name used in `--format`, in the `source` column and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::ApacheAccess => "apache_access",
            Format::ApacheError => "apache_error",
            Format::JournalJson => "journal_json",
            Format::CloudTrail => "cloudtrail",
            Format::Zeek => "zeek",
            Format::Evtx => "evtx",
            Format::WinEventJson => "winevent_json",
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
            Format::ApacheAccess => {
                "apache_access: Apache/nginx/Tomcat access logs, common and combined \
                 (and vhost_combined), with the zone offset of each line"
            }
            Format::ApacheError => {
                "apache_error: Apache httpd error logs, 2.2 ([time] [level] msg) and 2.4 \
                 ([time] [module:level] [pid:tid] [client]); zone-less, read in --tz"
            }
            Format::JournalJson => {
                "journal_json: the systemd journal as `journalctl -o json` writes it"
            }
            Format::CloudTrail => {
                "cloudtrail: AWS CloudTrail, the S3 delivery file ({\"Records\": [...]}) or one \
                 record per line"
            }
            Format::Zeek => {
                "zeek: Zeek logs, TSV with #fields header or JSON lines (source zeek_conn, \
                 zeek_dns, ... per log type)"
            }
            Format::Evtx => {
                "evtx: Windows XML Event Log files (Security, System, Sysmon, PowerShell, ...); \
                 time and id from the record's XML"
            }
            Format::WinEventJson => {
                "winevent_json: Windows events as JSON lines (Sysmon/Security flattened \
                 exports such as NXLog and OTRF Mordor, Winlogbeat)"
            }
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
            Format::ApacheAccess => apache_access::sniff(head),
            Format::ApacheError => apache_error::sniff(head),
            Format::JournalJson => journal_json::sniff(head),
            Format::CloudTrail => cloudtrail::sniff(head),
            Format::Zeek => zeek::sniff(head),
            Format::Evtx => evtx::sniff(head),
            Format::WinEventJson => winevent_json::sniff(head),
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
            Format::ApacheAccess => Box::new(apache_access::ApacheAccessParser::new(file, opts)),
            Format::ApacheError => Box::new(apache_error::ApacheErrorParser::new(file, opts)),
            Format::JournalJson => Box::new(journal_json::JournalJsonParser::new(file, opts)),
            Format::CloudTrail => Box::new(cloudtrail::CloudTrailParser::new(file, opts)),
            Format::Zeek => Box::new(zeek::ZeekParser::new(file, opts)),
            Format::Evtx => Box::new(evtx::EvtxParser::new(file, opts)),
            Format::WinEventJson => Box::new(winevent_json::WinEventJsonParser::new(file, opts)),
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

pub use driver::{import_file, import_paths, ImportReport, ImportSummary, Progress};
pub use source::Refused;
