//! The import driver: evidence items in, evidence register and events out, in one
//! transaction.
//!
//! [`import_paths`] expands files, directories and zip archives into evidence items and
//! imports them all inside one write transaction, each item under its own savepoint: an
//! item that cannot be imported (a duplicate, an unreadable file, a decompression bomb,
//! the wrong `--format`) is rolled back alone and reported as refused; cancelling rolls
//! back everything, leaving the case exactly as it was. The transaction is committed into
//! the case's write-ahead log ([`Case::write_bulk`]): readable at once, copied into the
//! main file by a later checkpoint rather than inside the commit.
//!
//! Within an item, three threads share the work. One reads the evidence bytes once,
//! hashing them and cutting them into compressed chunks ([`evidence::pack`]). One runs
//! the parser and makes each event ready to store (attrs as JSON, row hash, every column
//! packed into an [`EventBatch`]). The thread holding the transaction only inserts what
//! the two send it, in the order it arrives. At most `BATCHES_IN_FLIGHT` messages are on
//! their way, so memory stays bounded. A duplicate item is refused as soon as its digests
//! are known, and rolled back with everything stored for it.
//!
//! The next item is started ([`start_item`]) while this one is stored ([`finish_item`]):
//! its evidence is read and its records parsed as far as the channels' bounds allow, so
//! that the end of one item and the start of the next overlap. Its events wait for their
//! ids (and its evidence for its id) until it is stored, so ids follow the order of the
//! items, with no gap left by a refused one.

use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use serde::Serialize;

use super::source::{expand, Item, Refused};
use super::{detect, FileContext, Format, ImportOptions, Sink};
use crate::archive::audit;
use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue};
use crate::evidence::{self, Acquisition, Chunk, Hashes};
use crate::store::{Case, EventBatch, EventWriter, Tx};
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

/// Records parsed in a row: events ready to insert, import issues, and the count of
/// lines that were no record.
#[derive(Default)]
struct Batch {
    events: EventBatch,
    issues: Vec<ImportIssue>,
    skipped: u64,
}

/// What the reading threads send the thread that holds the transaction.
enum Work {
    /// Parsed records, from the parsing thread.
    Records(Batch),
    /// A piece of the evidence bytes, from the evidence thread.
    Chunk(Chunk),
    /// The evidence thread's last message: the digests of the whole item.
    Hashed(Hashes),
}

/// Events per batch handed from the parsing thread to the storing thread.
const BATCH: usize = 2048;
/// A batch is handed over early when its buffer holds this many bytes. EVTX rows are big
/// (about 3 KB): a 1 MiB log is some ten batches, so storing starts while the rest is
/// parsed, where one batch of the whole file left the storing thread idle until the end.
const BATCH_BYTES: usize = 256 << 10;
/// Messages on their way to the storing thread at most: with [`BATCH_BYTES`] and
/// [`evidence::CHUNK_SIZE`], this bounds the memory an import holds, whatever the size of
/// the evidence.
const BATCHES_IN_FLIGHT: usize = 8;

/// The parsing thread's sink: makes each event ready to store (id, attrs JSON, row
/// hash) and hands the records over in batches, reusing the batches the storing thread
/// sends back.
struct ChannelSink {
    out: SyncSender<Work>,
    recycled: Receiver<Batch>,
    batch: Batch,
    /// Until the first event: where the item's events start (its evidence id and first
    /// event id), sent by the storing thread once the items before it are stored.
    start: Option<Receiver<(i64, i64)>>,
    evidence_id: i64,
    next_id: i64,
}

impl ChannelSink {
    /// Waits, before the first event, to learn where the item's events start. Fails
    /// when the import ended first (a cancel or an error).
    fn started(&mut self) -> Result<()> {
        if let Some(start) = self.start.take() {
            (self.evidence_id, self.next_id) = start.recv().map_err(|_| Error::Cancelled)?;
        }
        Ok(())
    }

    fn full(&mut self) -> Result<()> {
        if self.batch.events.len() + self.batch.issues.len() >= BATCH
            || self.batch.events.buffer_len() >= BATCH_BYTES
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Adds an event (with `raw` as its original bytes) to the batch, as the next id.
    fn push(&mut self, event: &Event, raw: &[u8]) -> Result<()> {
        self.started()?;
        self.batch
            .events
            .push_with_raw(event, raw, self.next_id, self.evidence_id)?;
        self.next_id += 1;
        self.full()
    }

    /// Hands the batch over. Fails when the storing thread has stopped (a cancel or an
    /// error of its own, which is the one reported).
    fn flush(&mut self) -> Result<()> {
        if self.batch.events.is_empty() && self.batch.issues.is_empty() && self.batch.skipped == 0 {
            return Ok(());
        }
        let empty = self.recycled.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, empty);
        self.out
            .send(Work::Records(batch))
            .map_err(|_| Error::Cancelled)
    }
}

impl Sink for ChannelSink {
    fn event(&mut self, event: Event) -> Result<()> {
        self.push(&event, &event.raw)
    }

    fn event_with_raw(&mut self, event: Event, raw: &[u8]) -> Result<()> {
        self.push(&event, raw)
    }

    fn issue(&mut self, issue: ImportIssue) -> Result<()> {
        self.batch.issues.push(issue);
        self.full()
    }

    fn skip(&mut self) -> Result<()> {
        self.batch.skipped += 1;
        Ok(())
    }
}

/// The storing side: inserts what the parsing thread sends, counts, reports progress.
struct StoreSink<'a, 'w, 't> {
    writer: &'w mut EventWriter<'t>,
    progress: &'a mut dyn FnMut(&Progress) -> ControlFlow<()>,
    state: Progress,
    totals: &'a mut Counters,
    raw_read: Arc<AtomicU64>,
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
        self.state.bytes_done = self
            .raw_read
            .load(Ordering::Relaxed)
            .min(self.state.bytes_total);
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

    /// Stores one batch of records.
    fn store(&mut self, batch: &mut Batch) -> Result<()> {
        self.skipped += batch.skipped;
        for i in 0..batch.events.len() {
            self.writer.insert(&batch.events, i)?;
            if let Some(ts) = batch.events.ts(i) {
                self.first = Some(self.first.map_or(ts, |f| f.min(ts)));
                self.last = Some(self.last.map_or(ts, |l| l.max(ts)));
            }
            self.events += 1;
            self.totals.events += 1;
            self.tick()?;
        }
        for issue in batch.issues.drain(..) {
            self.writer.issue(&issue)?;
            self.issues += 1;
            self.totals.issues += 1;
            self.tick()?;
        }
        batch.events.clear();
        batch.skipped = 0;
        Ok(())
    }
}

/// Stores what the reading threads send until both are done, sending each emptied batch
/// back for reuse; `hashed` is called with the item's digests when they arrive. Takes the
/// receiving end, so that returning early (cancel, error, duplicate) drops it and stops
/// both threads.
fn store_all(
    tx: &Tx<'_>,
    sink: &mut StoreSink<'_, '_, '_>,
    work: Receiver<Work>,
    recycle: Sender<Batch>,
    mut hashed: impl FnMut(Hashes, i64) -> Result<()>,
) -> Result<()> {
    let evidence_id = sink.writer.evidence_id();
    let mut chunks = 0;
    for message in work {
        match message {
            Work::Records(mut batch) => {
                sink.store(&mut batch)?;
                // The parsing thread may have finished: then the batch is simply dropped.
                let _ = recycle.send(batch);
            }
            Work::Chunk(c) => {
                tx.insert_chunk(evidence_id, c.seq, c.raw_len, &c.sha256, &c.data)?;
                chunks += 1;
            }
            Work::Hashed(hashes) => hashed(hashes, chunks)?,
        }
    }
    Ok(())
}

fn choose_format(item: &Item, opts: &ImportOptions) -> Result<Option<Format>> {
    let path = &item.display;
    let mut head = Vec::with_capacity(HEAD as usize);
    item.open_content(Arc::new(AtomicU64::new(0)))
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

/// An item whose reading has begun: its evidence is read and packed, and its records
/// parsed, as far as the channels' bounds allow, while the items before it are stored.
/// Its events wait for their ids until [`finish_item`] stores it.
struct Started<'scope> {
    format: Option<Format>,
    gzip: bool,
    bytes_total: u64,
    raw_read: Arc<AtomicU64>,
    work: Receiver<Work>,
    recycle: Sender<Batch>,
    /// Where the item's events start, for its parsing thread (none without a parser).
    start: Option<SyncSender<(i64, i64)>>,
    packer: ScopedJoinHandle<'scope, Result<()>>,
    parser: Option<ScopedJoinHandle<'scope, Result<()>>>,
}

/// Starts reading `item` on threads of `scope`: one reads and packs the evidence, one
/// parses (and prepares rows: attrs, row hash). Touches no table.
fn start_item<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    item: &'env Item,
    opts: &'env ImportOptions,
) -> Result<Started<'scope>> {
    let path = &item.display;
    let io_err = |e| Error::io(path, e);
    let format = choose_format(item, opts)?;
    let gzip = item.is_gzip().map_err(io_err)?;
    let raw = item.open_raw().map_err(io_err)?;
    let bytes_total = item.raw_size().map_err(io_err)?;
    let raw_read = Arc::new(AtomicU64::new(0));
    // The parser and what it reads: the input twice, since `prepare` reads it once
    // before `parse` does. Nothing is opened for an item no parser reads.
    let parsing_job = format
        .map(|f| -> Result<_> {
            let file = FileContext {
                path: PathBuf::from(path),
                modified: item.modified,
            };
            let open = |count| -> Result<_> {
                let content = item.open_content(count).map_err(io_err)?;
                Ok(BufReader::with_capacity(256 * 1024, content))
            };
            let again = open(Arc::new(AtomicU64::new(0)))?;
            Ok((f.parser(&file, opts), again, open(raw_read.clone())?))
        })
        .transpose()?;
    let (out, work) = sync_channel(BATCHES_IN_FLIGHT);
    let (recycle, recycled) = channel();
    let packing = out.clone();
    let packer = scope.spawn(move || -> Result<()> {
        let send = |w| packing.send(w).map_err(|_| Error::Cancelled);
        let digests = evidence::pack(raw, path, |c| send(Work::Chunk(c)))?;
        send(Work::Hashed(digests))
    });
    // With no parser, the sink (and its sender) is dropped here, so that storing ends
    // when the evidence thread does.
    let (start, parser) = match parsing_job {
        Some((mut parser, mut again, mut input)) => {
            let (start, started) = sync_channel(1);
            let mut parsing = ChannelSink {
                out,
                recycled,
                batch: Batch::default(),
                start: Some(started),
                evidence_id: 0,
                next_id: 0,
            };
            let thread = scope.spawn(move || -> Result<()> {
                parser.prepare(&mut again)?;
                parser.parse(&mut input, &mut parsing)?;
                parsing.flush()
            });
            (Some(start), Some(thread))
        }
        None => (None, None),
    };
    Ok(Started {
        format,
        gzip,
        bytes_total,
        raw_read,
        work,
        recycle,
        start,
        packer,
        parser,
    })
}

/// Stores a started item: registers its evidence, tells its parsing thread where its
/// events start, stores what its threads send, and completes its evidence, custody and
/// audit entries.
fn finish_item(
    tx: &Tx<'_>,
    item: &Item,
    started: Started<'_>,
    opts: &ImportOptions,
    position: (usize, usize),
    totals: &mut Counters,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportSummary> {
    let (format, gzip) = (started.format, started.gzip);
    let path = item.display.clone();
    let actor = opts.actor.as_str();
    let acq = Acquisition {
        actor,
        acquired_at: item.modified,
        imported_at: now_micros(),
        format: format.map(Format::name),
    };
    let evidence_id = evidence::begin(tx, &item.origin, &acq)?;
    let mut writer = tx.event_writer(evidence_id)?;
    if let Some(start) = started.start {
        // The parsing thread only stops waiting for this by failing.
        let _ = start.send((evidence_id, writer.next_id()));
    }
    let mut sink = StoreSink {
        writer: &mut writer,
        progress,
        state: Progress {
            path: path.clone(),
            file_index: position.0,
            files_total: position.1,
            bytes_done: 0,
            bytes_total: started.bytes_total,
            events: 0,
            issues: 0,
            events_per_second: 0,
        },
        totals,
        raw_read: started.raw_read,
        events: 0,
        issues: 0,
        skipped: 0,
        first: None,
        last: None,
    };
    sink.report()?;
    let mut hashes = None;
    let stored = store_all(
        tx,
        &mut sink,
        started.work,
        started.recycle,
        |digests, chunks| {
            evidence::complete(tx, evidence_id, &item.origin, &acq, &digests, chunks)?;
            hashes = Some(digests);
            Ok(())
        },
    );
    let join = |t: ScopedJoinHandle<'_, Result<()>>| {
        t.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    };
    // When storing stopped first (its receiver is dropped by now), the others' error is
    // only the closed channel.
    let packed = join(started.packer);
    let parsed = started.parser.map_or(Ok(()), join);
    stored.and(packed).and(parsed)?;
    // Storing ended without error, so the evidence thread got to its last message.
    let hashes = hashes.expect("the evidence thread sends the digests last");
    let summary = ImportSummary {
        path: path.clone(),
        evidence_id,
        sha256: hashes.sha256,
        format: format.map(|f| f.name().to_string()),
        gzip,
        events: sink.events,
        issues: sink.issues,
        skipped: sink.skipped,
        first_ts: sink.first.map(format_micros),
        last_ts: sink.last.map(format_micros),
    };
    if let Some(format) = format {
        sink.report()?;
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
    case.write_bulk(|tx| {
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
    std::thread::scope(|scope| {
        let mut next = items.first().map(|item| start_item(scope, item, opts));
        for (i, item) in items.iter().enumerate() {
            let started = next
                .take()
                .expect("each item is started before it is stored");
            // The next item is read and parsed ahead while this one is stored: its events
            // wait for their ids, and the channels' bounds keep it from running far.
            next = items.get(i + 1).map(|item| start_item(scope, item, opts));
            tx.savepoint()?;
            let position = (i + 1, total);
            let result = started
                .and_then(|s| finish_item(tx, item, s, opts, position, &mut totals, progress));
            match result {
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
    })
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
    case.write_bulk(|tx| {
        tx.with_insert_seal_suspended(|| {
            std::thread::scope(|scope| {
                let started = start_item(scope, &item, opts)?;
                finish_item(tx, &item, started, opts, (1, 1), &mut totals, progress)
            })
        })
    })
}
