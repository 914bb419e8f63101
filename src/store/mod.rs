//! The case file: one SQLite database holding everything a case knows.
//!
//! [`Case`] owns the connection. Reads are methods on `Case`; every write goes through
//! [`Case::write`], which refuses a sealed or read-only case and runs the work in one
//! transaction, so a failed or cancelled import leaves the case as it was. Every SQL
//! statement of Tideline lives in this module.

mod annotations;
mod bulk;
mod frame_rows;
pub use frame_rows::FRAME_TEXT_COLUMNS;
mod incident;
mod ioc;
mod raw;
mod reports;
mod schema;

use std::path::{Path, PathBuf};

use rusqlite::config::DbConfig;
use rusqlite::{params, CachedStatement, Connection, OpenFlags, OptionalExtension, Row};
use serde::Serialize;

pub use annotations::{AnnotationColumns, ClockOffset};
pub use bulk::SWEEP_TABLES;
pub use incident::{ItemList, ListItem};
pub use ioc::{EventHit, IndicatorRow, NewIocList, SweptEvent, SWEPT_COLUMNS};
pub use reports::{ArchivedReport, ReportStatusRow};
pub use schema::{record_tables, seal_trigger_name, sealed_tables, VERSION as SCHEMA_VERSION};

use crate::error::{Error, Result};
use crate::event::{Event, ImportIssue, StoredRow};
use crate::evidence::Hashes;
use crate::time::{format_micros, Micros};
use raw::{Param, RawStatement};

/// An open case file.
pub struct Case {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

/// The case's own record.
#[derive(Debug, Clone, Serialize)]
pub struct CaseMeta {
    pub case_id: String,
    pub title: String,
    pub severity: String,
    pub phase: String,
    pub status: String,
    pub created_at: Micros,
    pub updated_at: Micros,
    pub sealed_at: Option<Micros>,
}

/// One evidence item with the count of what it produced.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub id: i64,
    pub file_name: String,
    pub original_path: String,
    pub size: i64,
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
    pub format: Option<String>,
    pub acquired_at: Option<Micros>,
    pub imported_at: Micros,
    pub imported_by: String,
    pub events: i64,
    pub issues: i64,
}

/// A new evidence item, before it has an id.
pub struct NewEvidence<'a> {
    pub file_name: &'a str,
    pub original_path: &'a str,
    pub hashes: &'a Hashes,
    pub format: Option<&'a str>,
    pub acquired_at: Option<Micros>,
    pub imported_at: Micros,
    pub imported_by: &'a str,
}

/// One entry of an evidence item's custody log.
#[derive(Debug, Clone, Serialize)]
pub struct CustodyEntry {
    pub at: Micros,
    pub actor: String,
    pub action: String,
    pub details: String,
}

/// One stored chunk of evidence bytes.
pub struct ChunkRow {
    pub seq: i64,
    pub raw_len: i64,
    pub sha256: String,
    pub data: Vec<u8>,
}

/// One audit log entry.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: Micros,
    pub actor: String,
    pub action: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The seal record.
#[derive(Debug, Clone)]
pub struct SealRow {
    pub sealed_at: Micros,
    pub sealed_by: String,
    pub manifest: String,
    pub manifest_sha256: String,
}

/// A full event as stored, for the detail view and for exports.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub ts: Option<Micros>,
    pub ts_source: Option<String>,
    pub ts_quality: String,
    pub source: String,
    pub evidence_id: i64,
    pub locator: String,
    pub host: Option<String>,
    pub user: Option<String>,
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub process: Option<String>,
    pub event_code: Option<String>,
    pub action: Option<String>,
    pub severity: Option<String>,
    pub message: String,
    #[serde(skip)]
    pub raw: Vec<u8>,
    pub attrs: String,
    #[serde(skip)]
    pub row_hash: Vec<u8>,
}

impl EventRecord {
    /// The borrowed view the row hash is computed over.
    pub fn as_stored(&self) -> StoredRow<'_> {
        StoredRow {
            id: self.id,
            ts: self.ts,
            ts_source: self.ts_source.as_deref(),
            ts_quality: &self.ts_quality,
            source: &self.source,
            evidence_id: self.evidence_id,
            locator: &self.locator,
            host: self.host.as_deref(),
            user: self.user.as_deref(),
            src_ip: self.src_ip.as_deref(),
            dst_ip: self.dst_ip.as_deref(),
            process: self.process.as_deref(),
            event_code: self.event_code.as_deref(),
            action: self.action.as_deref(),
            severity: self.severity.as_deref(),
            message: &self.message,
            raw: &self.raw,
            attrs: &self.attrs,
        }
    }
}

/// One import issue as stored.
#[derive(Debug, Clone, Serialize)]
pub struct IssueRow {
    pub id: i64,
    pub evidence_id: i64,
    pub locator: String,
    pub reason: String,
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// The frame columns of every event, in id order: what the timeline loads.
#[derive(Debug, Default)]
pub struct EventColumns {
    pub id: Vec<i64>,
    pub ts: Vec<Option<i64>>,
    pub evidence_id: Vec<i64>,
    /// String columns in [`crate::event::FRAME_COLUMNS`] order, without id/ts/evidence_id.
    pub text: Vec<(&'static str, Vec<Option<String>>)>,
}

const EVENT_SELECT: &str = "SELECT id, ts, ts_source, ts_quality, source, evidence_id, locator, \
    host, user, src_ip, dst_ip, process, event_code, action, severity, message, raw, attrs, row_hash \
    FROM events";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<EventRecord> {
    Ok(EventRecord {
        id: r.get(0)?,
        ts: r.get(1)?,
        ts_source: r.get(2)?,
        ts_quality: r.get(3)?,
        source: r.get(4)?,
        evidence_id: r.get(5)?,
        locator: r.get(6)?,
        host: r.get(7)?,
        user: r.get(8)?,
        src_ip: r.get(9)?,
        dst_ip: r.get(10)?,
        process: r.get(11)?,
        event_code: r.get(12)?,
        action: r.get(13)?,
        severity: r.get(14)?,
        message: r.get(15)?,
        raw: r.get(16)?,
        attrs: r.get(17)?,
        row_hash: r.get(18)?,
    })
}

fn issue_from_row(r: &Row<'_>) -> rusqlite::Result<IssueRow> {
    Ok(IssueRow {
        id: r.get(0)?,
        evidence_id: r.get(1)?,
        locator: r.get(2)?,
        reason: r.get(3)?,
        raw: r.get(4)?,
    })
}

/// The page size of new case files (existing cases keep theirs).
pub const CASE_PAGE_SIZE: i64 = 65_536;

/// SQLite's default: a commit that leaves more than this many pages in the write-ahead
/// log copies them into the main file.
const WAL_AUTOCHECKPOINT: i64 = 1000;

/// The most bytes a write-ahead log keeps on disk once checkpointed and reused.
const WAL_KEPT_BYTES: i64 = 64 << 20;

/// What a checkpoint found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Frames (pages) in the write-ahead log.
    pub log_frames: i64,
    /// Of those, frames now copied into the main file.
    pub checkpointed: i64,
}

fn checkpoint(conn: &Connection) -> Result<Checkpoint> {
    let (busy, log_frames, checkpointed): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if busy != 0 {
        return Err(Error::Invalid(
            "another checkpoint of the case is running".into(),
        ));
    }
    Ok(Checkpoint {
        log_frames,
        checkpointed,
    })
}

fn harden(conn: &Connection) -> Result<()> {
    // Case files may come from elsewhere: no schema-embedded SQL functions, no
    // writable_schema tricks, checked cells.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.pragma_update(None, "cell_size_check", true)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // WAL with synchronous=NORMAL cannot corrupt the case; a power cut may lose the last
    // commit, which the investigator sees and redoes (evidence files are untouched).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    // A large import leaves a write-ahead log as large as what it wrote; once that is
    // checkpointed, the log is cut back to this size when it is next reused.
    conn.pragma_update(None, "journal_size_limit", WAL_KEPT_BYTES)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl Case {
    /// Creates a new case file. Refuses to overwrite an existing file.
    pub fn create(path: &Path, title: &str, actor: &str) -> Result<Case> {
        if path.exists() {
            return Err(Error::CaseExists(path.to_path_buf()));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Large pages: a case is mostly read whole (timeline frame, sweeps), and reading
        // 10 M events takes a third less time from 64 KiB pages than from the default 4 KiB
        // (BENCHMARKS.md). Only possible before the first table exists, and set before
        // `cache_size`: changing the page size of a new database after it leaves the
        // page cache unbounded (measured: 340 MB after 1 M inserts, growing).
        conn.pragma_update(None, "page_size", CASE_PAGE_SIZE)?;
        harden(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&mut conn)?;
        let mut case = Case {
            conn,
            path: path.to_path_buf(),
            read_only: false,
        };
        let now = crate::time::now_micros();
        let case_id =
            crate::evidence::sha256_hex(format!("{}|{}|{}", path.display(), title, now).as_bytes())
                [..32]
                .to_string();
        case.write(|tx| {
            tx.0.execute(
                "INSERT INTO case_meta (id, case_id, title, created_at, updated_at) \
                 VALUES (1, ?1, ?2, ?3, ?3)",
                params![case_id, title, now],
            )?;
            crate::archive::audit::append(
                tx,
                actor,
                "case created",
                &serde_json::json!({ "title": title, "case_id": case_id }),
            )
        })?;
        Ok(case)
    }

    /// Opens an existing case for reading and writing, migrating an older schema.
    pub fn open(path: &Path) -> Result<Case> {
        Self::open_with(path, false)
    }

    /// Opens an existing case without ever writing to it (for verification and for
    /// sealed or foreign cases).
    pub fn open_read_only(path: &Path) -> Result<Case> {
        Self::open_with(path, true)
    }

    fn open_with(path: &Path, read_only: bool) -> Result<Case> {
        if !path.is_file() {
            return Err(Error::NotACase {
                path: path.to_path_buf(),
                reason: "no such file".into(),
            });
        }
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let mut conn = Connection::open_with_flags(path, flags)?;
        harden(&conn)?;
        let not_a_case = |reason: String| Error::NotACase {
            path: path.to_path_buf(),
            reason,
        };
        let has_meta: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'case_meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| not_a_case(e.to_string()))?
            > 0;
        if !has_meta {
            return Err(not_a_case("no case_meta table".into()));
        }
        if read_only {
            let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found > schema::VERSION {
                return Err(Error::SchemaTooNew {
                    found,
                    known: schema::VERSION,
                });
            }
        } else {
            schema::migrate(&mut conn)?;
        }
        Ok(Case {
            conn,
            path: path.to_path_buf(),
            read_only,
        })
    }

    /// The case file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` in one write transaction: all of it is committed, or none of it.
    /// Refuses a sealed or read-only case.
    pub fn write<T>(&mut self, work: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        if let Some(sealed_at) = self.sealed_at()? {
            return Err(Error::Sealed {
                sealed_at: format_micros(sealed_at),
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = work(&Tx(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// [`Case::write`] for a large write (an import): its commit leaves what it wrote in
    /// the write-ahead log, committed and readable, for a checkpoint to copy into the main
    /// file later ([`Case::checkpoint`], [`Case::checkpoint_in_background`], or SQLite's own
    /// when the case is closed). Without this, the commit itself would copy every page
    /// written, and sync both files: about 40 % of a large import's time.
    pub fn write_bulk<T>(&mut self, work: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let out = self.write(work);
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)?;
        out
    }

    /// Copies what the write-ahead log holds into the main file, without waiting for
    /// readers or writers (a passive checkpoint). Returns the frames in the log and how
    /// many of them are now in the main file.
    pub fn checkpoint(&self) -> Result<Checkpoint> {
        checkpoint(&self.conn)
    }

    /// [`Case::checkpoint`] on a connection of its own, on a thread of its own, so that
    /// the caller (the desktop app after an import) can go on reading and writing.
    pub fn checkpoint_in_background(&self) -> std::thread::JoinHandle<Result<Checkpoint>> {
        let path = self.path.clone();
        std::thread::spawn(move || {
            let conn = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            harden(&conn)?;
            checkpoint(&conn)
        })
    }

    fn sealed_at(&self) -> Result<Option<Micros>> {
        Ok(self
            .conn
            .query_row("SELECT sealed_at FROM case_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }

    /// The case's own record.
    pub fn meta(&self) -> Result<CaseMeta> {
        Ok(self.conn.query_row(
            "SELECT case_id, title, severity, phase, status, created_at, updated_at, sealed_at \
             FROM case_meta WHERE id = 1",
            [],
            |r| {
                Ok(CaseMeta {
                    case_id: r.get(0)?,
                    title: r.get(1)?,
                    severity: r.get(2)?,
                    phase: r.get(3)?,
                    status: r.get(4)?,
                    created_at: r.get(5)?,
                    updated_at: r.get(6)?,
                    sealed_at: r.get(7)?,
                })
            },
        )?)
    }

    /// Every evidence item, in import order, with its event and issue counts.
    pub fn evidence(&self) -> Result<Vec<EvidenceRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.file_name, e.original_path, e.size, e.sha256, e.sha1, e.md5, e.format, \
                    e.acquired_at, e.imported_at, e.imported_by, \
                    (SELECT count(*) FROM events v WHERE v.evidence_id = e.id), \
                    (SELECT count(*) FROM import_issue i WHERE i.evidence_id = e.id) \
             FROM evidence e ORDER BY e.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(EvidenceRow {
                id: r.get(0)?,
                file_name: r.get(1)?,
                original_path: r.get(2)?,
                size: r.get(3)?,
                sha256: r.get(4)?,
                sha1: r.get(5)?,
                md5: r.get(6)?,
                format: r.get(7)?,
                acquired_at: r.get(8)?,
                imported_at: r.get(9)?,
                imported_by: r.get(10)?,
                events: r.get(11)?,
                issues: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The custody log of one evidence item, oldest first.
    pub fn custody(&self, evidence_id: i64) -> Result<Vec<CustodyEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, actor, action, details FROM custody WHERE evidence_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([evidence_id], |r| {
            Ok(CustodyEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                details: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Calls `f` with each stored chunk of one evidence item, in order.
    pub fn for_each_chunk(
        &self,
        evidence_id: i64,
        mut f: impl FnMut(ChunkRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, raw_len, sha256, data FROM evidence_chunk \
             WHERE evidence_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([evidence_id])?;
        while let Some(r) = rows.next()? {
            f(ChunkRow {
                seq: r.get(0)?,
                raw_len: r.get(1)?,
                sha256: r.get(2)?,
                data: r.get(3)?,
            })?;
        }
        Ok(())
    }

    /// Number of events in the case.
    pub fn event_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
    }

    /// Number of import issues in the case.
    pub fn issue_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM import_issue", [], |r| r.get(0))?)
    }

    /// One event with every column.
    pub fn event(&self, id: i64) -> Result<EventRecord> {
        self.conn
            .query_row(
                &format!("{EVENT_SELECT} WHERE id = ?1"),
                [id],
                event_from_row,
            )
            .optional()?
            .ok_or(Error::NoSuchEvent(id))
    }

    /// Calls `f` with every event, in id order, one at a time.
    pub fn for_each_event(&self, mut f: impl FnMut(&EventRecord) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!("{EVENT_SELECT} ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(&event_from_row(r)?)?;
        }
        Ok(())
    }

    /// Import issues, oldest first, at most `limit`.
    pub fn issues(&self, limit: usize) -> Result<Vec<IssueRow>> {
        Ok(self.issue_page(None, 0, limit as u64)?.1)
    }

    /// A page of import issues (of one evidence item, or all), with their total.
    pub fn issue_page(
        &self,
        evidence_id: Option<i64>,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<IssueRow>)> {
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM import_issue WHERE ?1 IS NULL OR evidence_id = ?1",
            [evidence_id],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT id, evidence_id, locator, reason, raw FROM import_issue \
             WHERE ?1 IS NULL OR evidence_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(
            params![
                evidence_id,
                limit.min(i64::MAX as u64) as i64,
                offset.min(i64::MAX as u64) as i64
            ],
            issue_from_row,
        )?;
        Ok((total as u64, rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Calls `f` with every import issue, in id order.
    pub fn for_each_issue(&self, mut f: impl FnMut(&IssueRow) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, evidence_id, locator, reason, raw FROM import_issue ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(&issue_from_row(r)?)?;
        }
        Ok(())
    }

    /// The whole audit log, in order.
    pub fn audit_log(&self) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                details: r.get(4)?,
                prev_hash: r.get(5)?,
                hash: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The seal, if the case is sealed.
    pub fn seal(&self) -> Result<Option<SealRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sealed_at, sealed_by, manifest, manifest_sha256 FROM seal WHERE id = 1",
                [],
                |r| {
                    Ok(SealRow {
                        sealed_at: r.get(0)?,
                        sealed_by: r.get(1)?,
                        manifest: r.get(2)?,
                        manifest_sha256: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Names of the triggers present in the case file.
    /// Whether the case has `table` (a case opened read-only may predate it).
    pub fn has_table(&self, table: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// The row count of a record table and a digest over every cell of every row, in
    /// rowid order, each cell tagged with its SQLite type. `table` must be one of
    /// [`record_tables`]; a table the case does not have yet digests as empty.
    pub fn table_digest(&self, table: &str) -> Result<(i64, [u8; 32])> {
        use rusqlite::types::ValueRef;
        let mut h = crate::evidence::FieldHasher::new();
        if !record_tables().any(|t| t == table) {
            return Err(Error::Invalid(format!("{table} is not a record table")));
        }
        if !self.has_table(table)? {
            return Ok((0, h.finish()));
        }
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT rowid, * FROM \"{table}\" ORDER BY rowid"))?;
        let width = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            count += 1;
            for i in 0..width {
                match row.get_ref(i)? {
                    ValueRef::Null => h.bytes(b"n"),
                    ValueRef::Integer(v) => {
                        h.bytes(b"i");
                        h.int(v);
                    }
                    ValueRef::Real(v) => {
                        h.bytes(b"r");
                        h.bytes(&v.to_le_bytes());
                    }
                    ValueRef::Text(t) => {
                        h.bytes(b"t");
                        h.bytes(t);
                    }
                    ValueRef::Blob(b) => {
                        h.bytes(b"b");
                        h.bytes(b);
                    }
                }
            }
        }
        Ok((count, h.finish()))
    }

    pub fn trigger_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A write transaction (see [`Case::write`]).
pub struct Tx<'c>(&'c rusqlite::Transaction<'c>);

impl<'c> Tx<'c> {
    /// The evidence id and file name holding this SHA-256, if any.
    pub fn evidence_by_sha256(&self, sha256: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT id, file_name FROM evidence WHERE sha256 = ?1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn insert_evidence(&self, e: &NewEvidence<'_>) -> Result<i64> {
        self.0.execute(
            "INSERT INTO evidence (file_name, original_path, size, sha256, sha1, md5, format, \
             acquired_at, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.file_name,
                e.original_path,
                e.hashes.size as i64,
                e.hashes.sha256,
                e.hashes.sha1,
                e.hashes.md5,
                e.format,
                e.acquired_at,
                e.imported_at,
                e.imported_by
            ],
        )?;
        self.touch(e.imported_at)?;
        Ok(self.0.last_insert_rowid())
    }

    /// Records the digests of an item registered before its bytes were read.
    pub fn set_evidence_hashes(&self, evidence_id: i64, h: &Hashes) -> Result<()> {
        self.0.execute(
            "UPDATE evidence SET size = ?2, sha256 = ?3, sha1 = ?4, md5 = ?5 WHERE id = ?1",
            params![evidence_id, h.size as i64, h.sha256, h.sha1, h.md5],
        )?;
        Ok(())
    }

    pub fn set_evidence_format(&self, evidence_id: i64, format: &str) -> Result<()> {
        self.0.execute(
            "UPDATE evidence SET format = ?2 WHERE id = ?1",
            params![evidence_id, format],
        )?;
        Ok(())
    }

    pub fn insert_chunk(
        &self,
        evidence_id: i64,
        seq: i64,
        raw_len: i64,
        sha256: &str,
        data: &[u8],
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO evidence_chunk (evidence_id, seq, raw_len, sha256, data) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![evidence_id, seq, raw_len, sha256, data])?;
        Ok(())
    }

    pub fn insert_custody(
        &self,
        evidence_id: i64,
        at: Micros,
        actor: &str,
        action: &str,
        details: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO custody (evidence_id, at, actor, action, details) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![evidence_id, at, actor, action, details],
        )?;
        Ok(())
    }

    /// A writer for the events and import issues of one evidence item.
    pub fn event_writer(&self, evidence_id: i64) -> Result<EventWriter<'_>> {
        let next_id: i64 =
            self.0
                .query_row("SELECT coalesce(max(id), 0) + 1 FROM events", [], |r| {
                    r.get(0)
                })?;
        Ok(EventWriter {
            evidence_id,
            next_id,
            event: RawStatement::prepare(
                self.0,
                "INSERT INTO events (id, ts, ts_source, ts_quality, source, evidence_id, locator, \
                 host, user, src_ip, dst_ip, process, event_code, action, severity, message, raw, \
                 attrs, row_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
                 ?14, ?15, ?16, ?17, ?18, ?19)",
            )?,
            issue: self.0.prepare_cached(
                "INSERT INTO import_issue (evidence_id, locator, reason, raw) VALUES (?1, ?2, ?3, ?4)",
            )?,
        })
    }

    /// The last audit entry's sequence number and hash.
    pub fn last_audit(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn insert_audit(&self, row: &AuditRow) -> Result<()> {
        self.0.execute(
            "INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                row.seq,
                row.at,
                row.actor,
                row.action,
                row.details,
                row.prev_hash,
                row.hash
            ],
        )?;
        Ok(())
    }

    /// Records the seal and freezes the case: after this, the seal triggers refuse
    /// every change.
    pub fn insert_seal(&self, seal: &SealRow) -> Result<()> {
        self.0.execute(
            "INSERT INTO seal (id, sealed_at, sealed_by, manifest, manifest_sha256) \
             VALUES (1, ?1, ?2, ?3, ?4)",
            params![
                seal.sealed_at,
                seal.sealed_by,
                seal.manifest,
                seal.manifest_sha256
            ],
        )?;
        self.0.execute(
            "UPDATE case_meta SET sealed_at = ?1, updated_at = ?1, status = 'sealed' WHERE id = 1",
            [seal.sealed_at],
        )?;
        Ok(())
    }

    /// Starts a savepoint inside the transaction (one per imported item).
    pub fn savepoint(&self) -> Result<()> {
        self.0.execute_batch("SAVEPOINT item")?;
        Ok(())
    }

    /// Keeps what was written since [`Tx::savepoint`].
    pub fn release(&self) -> Result<()> {
        self.0.execute_batch("RELEASE item")?;
        Ok(())
    }

    /// Undoes what was written since [`Tx::savepoint`].
    pub fn rollback_to(&self) -> Result<()> {
        self.0.execute_batch("ROLLBACK TO item; RELEASE item")?;
        Ok(())
    }

    fn touch(&self, at: Micros) -> Result<()> {
        self.0
            .execute("UPDATE case_meta SET updated_at = ?1 WHERE id = 1", [at])?;
        Ok(())
    }
}

/// Where one column's value lies in one of an [`EventBatch`]'s buffers; `len == u32::MAX`
/// is NULL.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

const NULL_SPAN: Span = Span {
    start: 0,
    len: u32::MAX,
};

/// The span of `start..end` of a buffer, which must stay under 4 GiB.
fn span(start: usize, end: usize) -> Result<Span> {
    match (u32::try_from(start), u32::try_from(end - start)) {
        (Ok(start), Ok(len)) if end < u32::MAX as usize => Ok(Span { start, len }),
        _ => Err(Error::Invalid("an event batch grew past 4 GiB".into())),
    }
}

/// The text and blob columns of an event row, in [`PackedRow::spans`] order.
const TS_SOURCE: usize = 0;
const TS_QUALITY: usize = 1;
const SOURCE: usize = 2;
const LOCATOR: usize = 3;
const HOST: usize = 4;
const USER: usize = 5;
const SRC_IP: usize = 6;
const DST_IP: usize = 7;
const PROCESS: usize = 8;
const EVENT_CODE: usize = 9;
const ACTION: usize = 10;
const SEVERITY: usize = 11;
const MESSAGE: usize = 12;
const ATTRS: usize = 13;
const RAW: usize = 14;

#[derive(Debug)]
struct PackedRow {
    id: i64,
    evidence_id: i64,
    ts: Option<Micros>,
    spans: [Span; 15],
    hash: [u8; 32],
}

/// Events made ready to store away from the transaction, on a parsing thread: each has
/// its id, its `attrs` as JSON and its row hash, and every column is copied into one of
/// two buffers (text columns into a `String`, so they need no second UTF-8 check when
/// bound; `raw` bytes into a `Vec`). A batch crosses from the parsing thread to the
/// storing thread as a few allocations (not one per column per event), and can be
/// cleared and sent back for reuse.
#[derive(Debug, Default)]
pub struct EventBatch {
    text: String,
    raw: Vec<u8>,
    /// Where `attrs` is encoded before it is checked and copied into `text`.
    scratch: Vec<u8>,
    rows: Vec<PackedRow>,
}

impl EventBatch {
    pub fn new() -> EventBatch {
        EventBatch::default()
    }

    /// Number of events in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bytes held in the buffers.
    pub fn buffer_len(&self) -> usize {
        self.text.len() + self.raw.len()
    }

    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.raw.clear();
        self.rows.clear();
    }

    fn put(&mut self, s: &str) -> Result<Span> {
        let start = self.text.len();
        self.text.push_str(s);
        span(start, self.text.len())
    }

    fn put_opt(&mut self, s: Option<&str>) -> Result<Span> {
        s.map_or(Ok(NULL_SPAN), |s| self.put(s))
    }

    /// Adds `event` as event `id` of evidence item `evidence_id`: encodes its attrs and
    /// hashes the row exactly as it will be stored.
    pub fn push(&mut self, event: &Event, id: i64, evidence_id: i64) -> Result<()> {
        self.push_with_raw(event, &event.raw, id, evidence_id)
    }

    /// [`EventBatch::push`] with `raw` as the event's original bytes (its own `raw` is
    /// not read).
    pub fn push_with_raw(
        &mut self,
        event: &Event,
        raw: &[u8],
        id: i64,
        evidence_id: i64,
    ) -> Result<()> {
        self.scratch.clear();
        if event.attrs.is_empty() {
            self.scratch.extend_from_slice(b"{}");
        } else {
            serde_json::to_writer(&mut self.scratch, &event.attrs)?;
        }
        let scratch = std::mem::take(&mut self.scratch);
        let attrs = std::str::from_utf8(&scratch)
            .map_err(|e| Error::Invalid(format!("attrs JSON is not UTF-8: {e}")))?;
        let row = StoredRow {
            id,
            ts: event.ts,
            ts_source: event.ts_source.as_deref(),
            ts_quality: event.ts_quality.as_text(),
            source: &event.source,
            evidence_id,
            locator: &event.locator,
            host: event.host.as_deref(),
            user: event.user.as_deref(),
            src_ip: event.src_ip.as_deref(),
            dst_ip: event.dst_ip.as_deref(),
            process: event.process.as_deref(),
            event_code: event.event_code.as_deref(),
            action: event.action.as_deref(),
            severity: event.severity.as_deref(),
            message: &event.message,
            raw,
            attrs,
        };
        let mut spans = [NULL_SPAN; 15];
        spans[TS_SOURCE] = self.put_opt(row.ts_source)?;
        spans[TS_QUALITY] = self.put(row.ts_quality)?;
        spans[SOURCE] = self.put(row.source)?;
        spans[LOCATOR] = self.put(row.locator)?;
        spans[HOST] = self.put_opt(row.host)?;
        spans[USER] = self.put_opt(row.user)?;
        spans[SRC_IP] = self.put_opt(row.src_ip)?;
        spans[DST_IP] = self.put_opt(row.dst_ip)?;
        spans[PROCESS] = self.put_opt(row.process)?;
        spans[EVENT_CODE] = self.put_opt(row.event_code)?;
        spans[ACTION] = self.put_opt(row.action)?;
        spans[SEVERITY] = self.put_opt(row.severity)?;
        spans[MESSAGE] = self.put(row.message)?;
        spans[ATTRS] = self.put(attrs)?;
        let raw_start = self.raw.len();
        self.raw.extend_from_slice(raw);
        spans[RAW] = span(raw_start, self.raw.len())?;
        let hash = row.hash();
        self.scratch = scratch;
        self.rows.push(PackedRow {
            id,
            evidence_id,
            ts: event.ts,
            spans,
            hash,
        });
        Ok(())
    }

    fn range(span: Span) -> Option<std::ops::Range<usize>> {
        (span.len != u32::MAX).then(|| span.start as usize..span.start as usize + span.len as usize)
    }

    fn text_of(&self, span: Span) -> Option<&str> {
        Self::range(span).map(|r| &self.text[r])
    }

    fn stored<'a>(&'a self, row: &PackedRow) -> StoredRow<'a> {
        let t = |i: usize| self.text_of(row.spans[i]);
        StoredRow {
            id: row.id,
            ts: row.ts,
            ts_source: t(TS_SOURCE),
            ts_quality: t(TS_QUALITY).unwrap_or_default(),
            source: t(SOURCE).unwrap_or_default(),
            evidence_id: row.evidence_id,
            locator: t(LOCATOR).unwrap_or_default(),
            host: t(HOST),
            user: t(USER),
            src_ip: t(SRC_IP),
            dst_ip: t(DST_IP),
            process: t(PROCESS),
            event_code: t(EVENT_CODE),
            action: t(ACTION),
            severity: t(SEVERITY),
            message: t(MESSAGE).unwrap_or_default(),
            raw: Self::range(row.spans[RAW]).map_or(&[][..], |r| &self.raw[r]),
            attrs: t(ATTRS).unwrap_or_default(),
        }
    }

    /// The time of event `i` of the batch.
    pub fn ts(&self, i: usize) -> Option<Micros> {
        self.rows[i].ts
    }
}

/// Runs `st` with one packed row bound to its 19 parameters, in place.
fn insert_row(st: &mut RawStatement<'_>, batch: &EventBatch, packed: &PackedRow) -> Result<()> {
    let row = batch.stored(packed);
    st.execute(&[
        Param::Int(row.id),
        Param::opt_int(row.ts),
        Param::opt_text(row.ts_source),
        Param::Text(row.ts_quality),
        Param::Text(row.source),
        Param::Int(row.evidence_id),
        Param::Text(row.locator),
        Param::opt_text(row.host),
        Param::opt_text(row.user),
        Param::opt_text(row.src_ip),
        Param::opt_text(row.dst_ip),
        Param::opt_text(row.process),
        Param::opt_text(row.event_code),
        Param::opt_text(row.action),
        Param::opt_text(row.severity),
        Param::Text(row.message),
        Param::Blob(row.raw),
        Param::Text(row.attrs),
        Param::Blob(&packed.hash),
    ])
}

/// Inserts the events and issues of one evidence item (see [`Tx::event_writer`]).
pub struct EventWriter<'t> {
    evidence_id: i64,
    next_id: i64,
    /// One row per INSERT: a multi-row INSERT makes SQLite keep a statement journal (a
    /// copy of every page it touches, in case a later row fails), which cost more than the
    /// statement steps it saves. Its values are bound in place ([`RawStatement::execute`]).
    event: RawStatement<'t>,
    issue: CachedStatement<'t>,
}

impl EventWriter<'_> {
    /// The evidence item this writer stores events of.
    pub fn evidence_id(&self) -> i64 {
        self.evidence_id
    }

    /// The id the next stored event gets.
    pub fn next_id(&self) -> i64 {
        self.next_id
    }

    /// Stores event `i` of a batch prepared with [`EventWriter::next_id`] and this
    /// writer's evidence item; refuses one prepared out of turn, whose row hash would not
    /// match its row.
    pub fn insert(&mut self, batch: &EventBatch, i: usize) -> Result<()> {
        let packed = &batch.rows[i];
        if packed.id != self.next_id || packed.evidence_id != self.evidence_id {
            return Err(Error::Invalid(format!(
                "event {} of evidence {} prepared out of turn (next is {} of {})",
                packed.id, packed.evidence_id, self.next_id, self.evidence_id
            )));
        }
        insert_row(&mut self.event, batch, packed)?;
        self.next_id += 1;
        Ok(())
    }

    /// Stores one event, giving it the next id and its row hash (for callers that make
    /// events one at a time; the import packs batches and calls [`EventWriter::insert`]).
    pub fn event(&mut self, e: &Event) -> Result<i64> {
        let id = self.next_id;
        let mut one = EventBatch::new();
        one.push(e, id, self.evidence_id)?;
        self.insert(&one, 0)?;
        Ok(id)
    }

    /// Stores one import issue.
    pub fn issue(&mut self, issue: &ImportIssue) -> Result<()> {
        self.issue.execute(params![
            self.evidence_id,
            issue.locator,
            issue.reason,
            issue.raw
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(message: &str, host: Option<&str>) -> Event {
        let mut e = Event {
            ts: Some(1_700_000_000_000_000),
            ts_source: Some("Mar 14 02:11:09".into()),
            source: "syslog".into(),
            locator: "line 1".into(),
            host: host.map(str::to_string),
            message: message.into(),
            raw: b"\xff raw bytes".to_vec(),
            ..Default::default()
        };
        e.attrs.insert("pid".into(), "42".into());
        e
    }

    #[test]
    fn a_new_case_has_large_pages_and_a_write_ahead_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.tideline");
        drop(Case::create(&path, "t", "tester").unwrap());
        let case = Case::open_read_only(&path).unwrap();
        let page: i64 = case
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        let mode: String = case
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!((page, mode.as_str()), (CASE_PAGE_SIZE, "wal"));
    }

    #[test]
    fn a_packed_row_is_the_event_and_hashes_as_stored() {
        let mut batch = EventBatch::new();
        let (a, b) = (event("first", Some("")), event("second", None));
        batch.push(&a, 7, 3).unwrap();
        batch.push(&b, 8, 3).unwrap();
        let row = batch.stored(&batch.rows[0]);
        assert_eq!(row.host, Some(""));
        assert_eq!(row.user, None);
        assert_eq!(row.raw, b"\xff raw bytes");
        assert_eq!(row.attrs, r#"{"pid":"42"}"#);
        assert_eq!(batch.stored(&batch.rows[1]).host, None);
        assert_eq!(batch.stored(&batch.rows[1]).message, "second");
        let direct = StoredRow {
            id: 7,
            ts: a.ts,
            ts_source: a.ts_source.as_deref(),
            ts_quality: "exact",
            source: "syslog",
            evidence_id: 3,
            locator: "line 1",
            host: Some(""),
            user: None,
            src_ip: None,
            dst_ip: None,
            process: None,
            event_code: None,
            action: None,
            severity: None,
            message: "first",
            raw: b"\xff raw bytes",
            attrs: r#"{"pid":"42"}"#,
        };
        assert_eq!(batch.rows[0].hash, direct.hash());
        batch.clear();
        assert!(batch.is_empty());
        assert_eq!(batch.buffer_len(), 0);
    }

    #[test]
    fn a_packed_batch_is_stored_in_turn_with_its_row_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::create(&dir.path().join("c.tideline"), "t", "tester").unwrap();
        let hashes = Hashes {
            size: 0,
            sha256: "0".repeat(64),
            sha1: "0".repeat(40),
            md5: "0".repeat(32),
        };
        let evidence = NewEvidence {
            file_name: "f",
            original_path: "f",
            hashes: &hashes,
            format: None,
            acquired_at: None,
            imported_at: 0,
            imported_by: "tester",
        };
        let ev = case.write(|tx| tx.insert_evidence(&evidence)).unwrap();
        // 37 events; one prepared for another id is refused.
        let events: Vec<Event> = (0..37)
            .map(|i| event(&format!("message {i}"), (i % 3 == 0).then_some("h")))
            .collect();
        let mut batch = EventBatch::new();
        case.write(|tx| {
            let mut w = tx.event_writer(ev)?;
            for (k, e) in events.iter().enumerate() {
                batch.push(e, w.next_id() + k as i64, ev)?;
            }
            w.insert(&batch, 0)?;
            assert!(w.insert(&batch, 0).is_err());
            assert!(w.insert(&batch, 2).is_err());
            (1..37).try_for_each(|i| w.insert(&batch, i))
        })
        .unwrap();
        for (k, e) in events.iter().enumerate() {
            let stored = case.event(k as i64 + 1).unwrap();
            assert_eq!(stored.message, e.message);
            assert_eq!(stored.host, e.host);
            assert_eq!(stored.raw, e.raw);
            assert_eq!(stored.row_hash, batch.rows[k].hash.to_vec());
        }
        assert!(case.event(38).is_err());
    }

    #[test]
    fn a_bulk_write_leaves_checkpoints_off_only_while_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::create(&dir.path().join("c.tideline"), "t", "tester").unwrap();
        let auto = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(auto(&case.conn), WAL_AUTOCHECKPOINT);
        let inside = case.write_bulk(|tx| Ok(auto(tx.0))).unwrap();
        assert_eq!(inside, 0);
        assert_eq!(auto(&case.conn), WAL_AUTOCHECKPOINT);
        let failed: Result<()> = case.write_bulk(|_| Err(Error::Cancelled));
        assert!(failed.is_err());
        assert_eq!(auto(&case.conn), WAL_AUTOCHECKPOINT);
    }
}
