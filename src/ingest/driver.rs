//! The import driver: evidence items in, evidence register and events out, in one
//! transaction.
//!
//! [`import_paths`] expands files, directories and zip archives into evidence items and
//! imports them all inside one write transaction, each item under its own savepoint: an
//! item that cannot be imported (a duplicate, an unreadable file, a decompression bomb,
//! the wrong `--format`) is rolled back alone and reported as refused; cancelling rolls
//! back everything, leaving the case exactly as it was.

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use serde::Serialize;

use super::source::{expand, Item, Refused};
use super::{detect, FileContext, Format, ImportOptions, Sink};
use crate::archive::audit;
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue};
use crate::evidence::{self, Acquisition};
use crate::store::{Case, EventWriter, Tx};
use crate::time::{format_micros, now_micros, Micros};

/// How far an import has got.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// The evidence item in work.
    pub path: String,
    /// 1-based position of that item, and how many there are.
    pub file_index: usize,
    pub files_total: usize,
    /// Raw bytes of the item read so far, and its size.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Events and issues of the whole import so far.
    pub events: u64,
    pub issues: u64,
    pub events_per_second: u64,
}

/// The outcome of importing one evidence item.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub path: String,
    pub evidence_id: i64,
    pub sha256: String,
    /// `None` when no parser read the item: it is registered as evidence only.
    pub format: Option<String>,
    /// True when the stored bytes are gzip and were decompressed for parsing.
    pub gzip: bool,
    pub events: u64,
    pub issues: u64,
    /// Lines that are no record (blank lines, headers, comments).
    pub skipped: u64,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
}

/// The outcome of one import: what went in and what was refused.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub imported: Vec<ImportSummary>,
    pub refused: Vec<Refused>,
}

/// How often (in records) progress is reported and cancellation checked.
const PROGRESS_EVERY: u64 = 2048;
/// How many bytes of an item detection looks at.
const HEAD: u64 = 64 * 1024;

struct Counters {
    started: Instant,
    events: u64,
    issues: u64,
}

struct StoreSink<'a, 'w, 't> {
    writer: &'w mut EventWriter<'t>,
    progress: &'a mut dyn FnMut(&Progress) -> ControlFlow<()>,
    state: Progress,
    totals: &'a mut Counters,
    raw_read: Rc<Cell<u64>>,
    events: u64,
    issues: u64,
    skipped: u64,
    first: Option<Micros>,
    last: Option<Micros>,
}

impl StoreSink<'_, '_, '_> {
    fn tick(&mut self) -> Result<()> {
        if (self.events + self.issues) % PROGRESS_EVERY == 0 {
            self.report()?;
        }
        Ok(())
    }

    fn report(&mut self) -> Result<()> {
        self.state.bytes_done = self.raw_read.get().min(self.state.bytes_total);
        self.state.events = self.totals.events;
        self.state.issues = self.totals.issues;
        let secs = self.totals.started.elapsed().as_secs_f64();
        self.state.events_per_second = if secs > 0.0 {
            (self.totals.events as f64 / secs) as u64
        } else {
            0
        };
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
        self.events += 1;
        self.totals.events += 1;
        self.tick()
    }

    fn issue(&mut self, issue: ImportIssue) -> Result<()> {
        self.writer.issue(&issue)?;
        self.issues += 1;
        self.totals.issues += 1;
        self.tick()
    }

    fn skip(&mut self) -> Result<()> {
        self.skipped += 1;
        Ok(())
    }
}

fn choose_format(item: &Item, opts: &ImportOptions) -> Result<Option<Format>> {
    let path = &item.display;
    let mut head = Vec::with_capacity(HEAD as usize);
    item.open_content(Rc::new(Cell::new(0)))
        .and_then(|r| r.take(HEAD).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    match &opts.format {
        Some(name) => {
            let f = Format::from_name(name)?;
            if !head.is_empty() && !f.sniff(&head) {
                return Err(Error::WrongFormat {
                    path: path.into(),
                    format: f.name().into(),
                    reason: "its first lines do not parse as this format".into(),
                });
            }
            Ok(Some(f))
        }
        None => Ok(detect(&head)),
    }
}

fn import_item(
    tx: &Tx<'_>,
    item: &Item,
    opts: &ImportOptions,
    position: (usize, usize),
    totals: &mut Counters,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportSummary> {
    let path = item.display.clone();
    let io_err = |e| Error::io(&path, e);
    let format = choose_format(item, opts)?;
    let gzip = item.is_gzip().map_err(io_err)?;
    let actor = opts.actor.as_str();
    let acq = Acquisition {
        actor,
        acquired_at: item.modified,
        imported_at: now_micros(),
        format: format.map(Format::name),
    };
    let (evidence_id, hashes) = evidence::register(tx, &item.origin, &|| item.open_raw(), &acq)?;
    let mut summary = ImportSummary {
        path: path.clone(),
        evidence_id,
        sha256: hashes.sha256.clone(),
        format: format.map(|f| f.name().to_string()),
        gzip,
        events: 0,
        issues: 0,
        skipped: 0,
        first_ts: None,
        last_ts: None,
    };
    if let Some(format) = format {
        let file = FileContext {
            path: PathBuf::from(&path),
            modified: item.modified,
        };
        let mut parser = format.parser(&file, opts);
        let mut again = BufReader::with_capacity(
            256 * 1024,
            item.open_content(Rc::new(Cell::new(0))).map_err(io_err)?,
        );
        parser.prepare(&mut again)?;
        let raw_read = Rc::new(Cell::new(0));
        let mut input = BufReader::with_capacity(
            256 * 1024,
            item.open_content(raw_read.clone()).map_err(io_err)?,
        );
        let mut writer = tx.event_writer(evidence_id)?;
        let mut sink = StoreSink {
            writer: &mut writer,
            progress,
            state: Progress {
                path: path.clone(),
                file_index: position.0,
                files_total: position.1,
                bytes_done: 0,
                bytes_total: hashes.size,
                events: 0,
                issues: 0,
                events_per_second: 0,
            },
            totals,
            raw_read,
            events: 0,
            issues: 0,
            skipped: 0,
            first: None,
            last: None,
        };
        sink.report()?;
        parser.parse(&mut input, &mut sink)?;
        sink.report()?;
        summary.events = sink.events;
        summary.issues = sink.issues;
        summary.skipped = sink.skipped;
        summary.first_ts = sink.first.map(format_micros);
        summary.last_ts = sink.last.map(format_micros);
        tx.insert_custody(
            evidence_id,
            now_micros(),
            actor,
            "parsed",
            &serde_json::json!({
                "format": format.name(),
                "gzip": gzip,
                "events": summary.events,
                "issues": summary.issues,
                "skipped": summary.skipped,
                "year": opts.year,
                "tz": opts.tz.name(),
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
}

/// Imports files, directories and zip archives (see the module documentation).
/// `progress` is called now and then; returning `ControlFlow::Break` cancels the whole
/// import and leaves the case unchanged. A file no parser recognises is still registered
/// (hashed, stored, custody entry) with no events.
pub fn import_paths(
    case: &mut Case,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportReport> {
    let (items, refused) = expand(paths);
    case.write(|tx| {
        tx.with_insert_seal_suspended(|| import_items(tx, &items, refused, opts, progress))
    })
}

fn import_items(
    tx: &Tx<'_>,
    items: &[Item],
    mut refused: Vec<Refused>,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportReport> {
    let total = items.len();
    let mut totals = Counters {
        started: Instant::now(),
        events: 0,
        issues: 0,
    };
    let mut imported = Vec::new();
    for (i, item) in items.iter().enumerate() {
        tx.savepoint()?;
        match import_item(tx, item, opts, (i + 1, total), &mut totals, progress) {
            Ok(summary) => {
                tx.release()?;
                imported.push(summary);
            }
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(e @ Error::Sqlite(_)) => return Err(e),
            Err(e) => {
                tx.rollback_to()?;
                refused.push(Refused {
                    path: item.display.clone(),
                    code: e.code().into(),
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(ImportReport { imported, refused })
}

/// Imports one regular file; fails with the reason when it cannot be imported.
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
    let item = Item::file(path);
    let mut totals = Counters {
        started: Instant::now(),
        events: 0,
        issues: 0,
    };
    case.write(|tx| {
        tx.with_insert_seal_suspended(|| {
            import_item(tx, &item, opts, (1, 1), &mut totals, progress)
        })
    })
}
