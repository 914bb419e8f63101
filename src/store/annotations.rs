//! What investigators add over the imported events: tags, stars, notes, verdicts, and
//! per-evidence clock offsets. These are layers over the event rows (which are never
//! changed); the timeline joins them into its frame.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Case, Tx};
use crate::error::{Error, Result};
use crate::time::Micros;

/// The tables of this feature (one migration; see `schema::MIGRATIONS`).
pub(super) const SCHEMA: &str = r#"
CREATE TABLE event_tag (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    tag      TEXT NOT NULL,
    UNIQUE (event_id, tag)
);
-- One row per event that has a star, a note or a verdict.
CREATE TABLE event_mark (
    event_id INTEGER PRIMARY KEY REFERENCES events(id),
    starred  INTEGER NOT NULL DEFAULT 0,
    note     TEXT,
    verdict  TEXT CHECK (verdict IS NULL OR verdict IN ('benign', 'suspicious', 'malicious'))
);
-- Added to every event time of the evidence when the frame is built (the rows keep
-- what the evidence said).
CREATE TABLE clock_offset (
    evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
    offset_us   INTEGER NOT NULL,
    reason      TEXT NOT NULL
);
"#;

/// The tables a seal freezes.
pub(super) const TABLES: [&str; 3] = ["event_tag", "event_mark", "clock_offset"];

/// Every annotation of the case, column-wise, for the frame.
#[derive(Debug, Default)]
pub struct AnnotationColumns {
    /// (event id, tag), ordered by event id then tag.
    pub tags: Vec<(i64, String)>,
    /// event id, starred, note, verdict.
    pub marks: Vec<(i64, bool, Option<String>, Option<String>)>,
}

/// A clock offset of one evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockOffset {
    pub evidence_id: i64,
    /// Added to the evidence's times, in microseconds.
    pub offset_us: Micros,
    pub reason: String,
}

impl Case {
    /// Every tag and mark (none when the case predates annotations).
    pub fn annotation_columns(&self) -> Result<AnnotationColumns> {
        let mut out = AnnotationColumns::default();
        if !self.has_table("event_tag")? {
            return Ok(out);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT event_id, tag FROM event_tag ORDER BY event_id, tag")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        out.tags = rows.collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare("SELECT event_id, starred, note, verdict FROM event_mark ORDER BY event_id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? != 0, r.get(2)?, r.get(3)?))
        })?;
        out.marks = rows.collect::<rusqlite::Result<_>>()?;
        Ok(out)
    }

    /// The clock offsets, by evidence id.
    pub fn clock_offsets(&self) -> Result<Vec<ClockOffset>> {
        if !self.has_table("clock_offset")? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT evidence_id, offset_us, reason FROM clock_offset ORDER BY evidence_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ClockOffset {
                evidence_id: r.get(0)?,
                offset_us: r.get(1)?,
                reason: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The highest event id (0 for an empty case).
    pub fn max_event_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }
}

impl<'c> Tx<'c> {
    /// Puts `ids` in the connection's temporary id set (`temp.id_set`), so that one
    /// statement changes every row: a statement per id ran the seal trigger and journalled
    /// the changed pages once per id, 26 µs per event on a 10 M-event case with 64 KiB
    /// pages (a verdict on 100,000 events took 2.57 s). The set is loaded once for a check
    /// and a change.
    pub fn load_ids(&self, ids: &[i64]) -> Result<IdSet<'_, 'c>> {
        self.0.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS id_set (id INTEGER PRIMARY KEY); \
             DELETE FROM temp.id_set;",
        )?;
        let mut stmt = self
            .0
            .prepare_cached("INSERT OR IGNORE INTO temp.id_set (id) VALUES (?1)")?;
        for &id in ids {
            stmt.execute([id])?;
        }
        Ok(IdSet(self))
    }
}

/// Event ids loaded by [`Tx::load_ids`]; each method is one statement over all of them.
pub struct IdSet<'t, 'c>(&'t Tx<'c>);

impl IdSet<'_, '_> {
    /// Runs `sql` (one statement over `temp.id_set`, with `?1` bound to `value`); returns
    /// how many rows it changed.
    fn run(&self, sql: &str, value: impl rusqlite::ToSql) -> Result<usize> {
        Ok(self.0 .0.prepare_cached(sql)?.execute([value])?)
    }

    /// Refuses ids that are no event (naming the lowest).
    pub fn check_events(&self) -> Result<()> {
        let missing: Option<i64> = self.0 .0.query_row(
            "SELECT min(s.id) FROM temp.id_set s \
             WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = s.id)",
            [],
            |r| r.get(0),
        )?;
        match missing {
            Some(id) => Err(Error::NoSuchEvent(id)),
            None => Ok(()),
        }
    }

    /// Adds `tag` to each event; returns how many did not have it yet.
    pub fn add_tag(&self, tag: &str) -> Result<usize> {
        self.run(
            "INSERT OR IGNORE INTO event_tag (event_id, tag) SELECT id, ?1 FROM temp.id_set",
            tag,
        )
    }

    /// Removes `tag` from each event; returns how many had it.
    pub fn remove_tag(&self, tag: &str) -> Result<usize> {
        self.run(
            "DELETE FROM event_tag WHERE tag = ?1 AND event_id IN (SELECT id FROM temp.id_set)",
            tag,
        )
    }

    /// Sets one column of the events' mark rows (created where missing) to `value` where
    /// it differs; returns how many changed. Mark rows of these events that no longer say
    /// anything are dropped.
    fn set_mark(&self, column: &str, value: impl rusqlite::ToSql) -> Result<usize> {
        let conn = self.0 .0;
        conn.execute(
            "INSERT OR IGNORE INTO event_mark (event_id) SELECT id FROM temp.id_set",
            [],
        )?;
        let n = self.run(
            &format!(
                "UPDATE event_mark SET {column} = ?1 \
                 WHERE {column} IS NOT ?1 AND event_id IN (SELECT id FROM temp.id_set)"
            ),
            value,
        )?;
        conn.execute(
            "DELETE FROM event_mark WHERE starred = 0 AND note IS NULL AND verdict IS NULL \
             AND event_id IN (SELECT id FROM temp.id_set)",
            [],
        )?;
        Ok(n)
    }

    /// Stars or unstars each event; returns how many changed.
    pub fn set_starred(&self, starred: bool) -> Result<usize> {
        self.set_mark("starred", starred as i64)
    }

    /// Sets (or with `None` clears) the note of each event; returns how many changed.
    pub fn set_note(&self, note: Option<&str>) -> Result<usize> {
        self.set_mark("note", note)
    }

    /// Sets (or clears) the verdict of each event; returns how many changed.
    pub fn set_verdict(&self, verdict: Option<&str>) -> Result<usize> {
        self.set_mark("verdict", verdict)
    }
}

impl Tx<'_> {
    /// The current clock offset of an evidence item, if any.
    pub fn clock_offset(&self, evidence_id: i64) -> Result<Option<Micros>> {
        Ok(self
            .0
            .query_row(
                "SELECT offset_us FROM clock_offset WHERE evidence_id = ?1",
                [evidence_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets (`Some`) or removes (`None`) the clock offset of an evidence item.
    pub fn set_clock_offset(&self, evidence_id: i64, offset: Option<(Micros, &str)>) -> Result<()> {
        let exists: i64 = self.0.query_row(
            "SELECT count(*) FROM evidence WHERE id = ?1",
            [evidence_id],
            |r| r.get(0),
        )?;
        if exists == 0 {
            return Err(Error::Invalid(format!("no evidence with id {evidence_id}")));
        }
        match offset {
            Some((us, reason)) => self.0.execute(
                "INSERT INTO clock_offset (evidence_id, offset_us, reason) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (evidence_id) DO UPDATE SET offset_us = ?2, reason = ?3",
                params![evidence_id, us, reason],
            )?,
            None => self.0.execute(
                "DELETE FROM clock_offset WHERE evidence_id = ?1",
                [evidence_id],
            )?,
        };
        Ok(())
    }
}
