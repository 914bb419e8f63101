//! Reports handed out from a case, archived with their hash, and the lessons-learned
//! report's review status (draft, in review, final) with its authors.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Case, Tx};
use crate::error::Result;
use crate::time::Micros;

/// The tables of this feature (one migration; see `schema::MIGRATIONS`).
pub(super) const SCHEMA: &str = r#"
-- At most one row: the review status of the lessons-learned report.
CREATE TABLE report_status (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    status     TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'final')),
    -- JSON array of names, in the order given.
    authors    TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
-- Every report generated and stored: exactly the bytes handed out, with their SHA-256.
CREATE TABLE report_archive (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    format       TEXT NOT NULL,
    regime       TEXT,
    file_name    TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    generated_by TEXT NOT NULL,
    generated_at INTEGER NOT NULL
);
"#;

/// The tables a seal freezes.
pub(super) const TABLES: [&str; 2] = ["report_status", "report_archive"];

/// The review status of the lessons-learned report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportStatusRow {
    /// `draft`, `in_review` or `final`.
    pub status: String,
    pub authors: Vec<String>,
    pub updated_by: String,
    pub updated_at: Micros,
}

/// One archived report (without its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedReport {
    pub id: i64,
    pub kind: String,
    pub format: String,
    pub regime: Option<String>,
    pub file_name: String,
    pub bytes: i64,
    pub sha256: String,
    pub generated_by: String,
    pub generated_at: Micros,
}

impl Case {
    /// The report status, `None` when never set (or the case predates reports).
    pub fn report_status(&self) -> Result<Option<ReportStatusRow>> {
        if !self.has_table("report_status")? {
            return Ok(None);
        }
        let row = self
            .conn
            .query_row(
                "SELECT status, authors, updated_by, updated_at FROM report_status WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(match row {
            None => None,
            Some((status, authors, updated_by, updated_at)) => Some(ReportStatusRow {
                status,
                authors: serde_json::from_str(&authors)?,
                updated_by,
                updated_at,
            }),
        })
    }

    /// Every archived report, oldest first (empty when the case predates reports).
    pub fn archived_reports(&self) -> Result<Vec<ArchivedReport>> {
        if !self.has_table("report_archive")? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, format, regime, file_name, bytes, sha256, generated_by, generated_at
             FROM report_archive ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ArchivedReport {
                id: r.get(0)?,
                kind: r.get(1)?,
                format: r.get(2)?,
                regime: r.get(3)?,
                file_name: r.get(4)?,
                bytes: r.get(5)?,
                sha256: r.get(6)?,
                generated_by: r.get(7)?,
                generated_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The stored bytes of one archived report.
    pub fn archived_report_content(&self, id: i64) -> Result<Option<Vec<u8>>> {
        if !self.has_table("report_archive")? {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT content FROM report_archive WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

impl Tx<'_> {
    /// Sets the report status and authors.
    pub fn put_report_status(&self, s: &ReportStatusRow) -> Result<()> {
        self.0.execute(
            "INSERT INTO report_status (id, status, authors, updated_by, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, authors = excluded.authors,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            params![
                s.status,
                serde_json::to_string(&s.authors)?,
                s.updated_by,
                s.updated_at
            ],
        )?;
        Ok(())
    }

    /// Stores a generated report; returns its id.
    pub fn insert_archived_report(&self, r: &ArchivedReport, content: &[u8]) -> Result<i64> {
        self.0.execute(
            "INSERT INTO report_archive (kind, format, regime, file_name, bytes, sha256, content,
                 generated_by, generated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                r.kind,
                r.format,
                r.regime,
                r.file_name,
                r.bytes,
                r.sha256,
                content,
                r.generated_by,
                r.generated_at
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }
}
