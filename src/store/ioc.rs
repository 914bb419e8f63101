//! The IOC tables: indicator lists as imported, the indicators (one row per kind and
//! normalised value, however often imported), where each came from, the entries that
//! were not indicators, the sweeps, and the hits (indicator, event, field), unique so
//! that sweeping again never duplicates a hit.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::raw::RawStatement;
use super::{Case, Tx};
use crate::error::Result;
use crate::time::{format_micros, Micros};

pub(super) const SCHEMA: &str = r#"
CREATE TABLE ioc_list (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    format      TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL
);

-- value is normalised (see ioc::normalise): one row per indicator, however often listed.
CREATE TABLE ioc_indicator (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    UNIQUE (kind, value)
);

-- Every list entry that gave an indicator, as written (maybe defanged).
CREATE TABLE ioc_source (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES ioc_indicator(id),
    list_id      INTEGER NOT NULL REFERENCES ioc_list(id),
    locator      TEXT NOT NULL,
    original     TEXT NOT NULL,
    description  TEXT,
    source       TEXT
);
CREATE INDEX ioc_source_by_indicator ON ioc_source(indicator_id);

-- List entries that are not indicators, with the reason.
CREATE TABLE ioc_rejected (
    id      INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES ioc_list(id),
    locator TEXT NOT NULL,
    text    TEXT NOT NULL,
    reason  TEXT NOT NULL
);

CREATE TABLE ioc_sweep (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    indicators INTEGER NOT NULL,
    events     INTEGER NOT NULL,
    hits       INTEGER NOT NULL,
    new_hits   INTEGER NOT NULL
);

-- field: a canonical column, attrs.KEY, attrs or raw. sweep_id: the sweep that found it first.
CREATE TABLE ioc_hit (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES ioc_indicator(id),
    event_id     INTEGER NOT NULL REFERENCES events(id),
    field        TEXT NOT NULL,
    sweep_id     INTEGER NOT NULL REFERENCES ioc_sweep(id),
    UNIQUE (indicator_id, event_id, field)
);
CREATE INDEX ioc_hit_by_event ON ioc_hit(event_id);
"#;

/// The IOC tables, for the seal.
pub(super) const TABLES: [&str; 6] = [
    "ioc_list",
    "ioc_indicator",
    "ioc_source",
    "ioc_rejected",
    "ioc_sweep",
    "ioc_hit",
];

/// One indicator of the case with its hits.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    /// How many list entries named it.
    pub sources: i64,
    /// The lists that named it (file names, comma-separated).
    pub lists: String,
    /// Events with at least one hit.
    pub hits: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// One hit of an event, for the event's detail.
#[derive(Debug, Clone, Serialize)]
pub struct EventHit {
    pub indicator_id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub field: String,
}

/// The fields of one event a sweep looks at, borrowed from the database row.
pub struct SweptEvent<'a> {
    pub id: i64,
    pub ts: Option<Micros>,
    /// In [`SWEPT_COLUMNS`] order; a null column is empty.
    pub fields: [&'a [u8]; 11],
}

/// The columns a sweep reads, in order.
pub const SWEPT_COLUMNS: [&str; 11] = [
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "message",
    "attrs",
    "raw",
];

impl Case {
    fn has_ioc_tables(&self) -> Result<bool> {
        self.has_table("ioc_hit")
    }

    /// The lowest and highest event id, if there are events.
    pub fn event_id_range(&self) -> Result<Option<(i64, i64)>> {
        Ok(self
            .conn
            // Two subqueries: each is one b-tree descent, where `min(id), max(id)` in one
            // query reads every row.
            .query_row(
                "SELECT (SELECT min(id) FROM events), (SELECT max(id) FROM events)",
                [],
                |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
            )?)
    }

    /// Calls `f` with the swept fields of every event whose id is in `lo..=hi`, in id
    /// order, without copying them (through [`RawStatement`], which reads a text column
    /// for a fifth less than rusqlite's row API; a number is swept as its text).
    pub fn scan_events(
        &self,
        lo: i64,
        hi: i64,
        mut f: impl FnMut(&SweptEvent<'_>) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT id, ts, {} FROM events WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
            SWEPT_COLUMNS.join(", ")
        );
        let mut rows = RawStatement::prepare(&self.conn, &sql)?;
        rows.bind_i64(1, lo)?;
        rows.bind_i64(2, hi)?;
        while rows.step()? {
            let mut fields: [&[u8]; 11] = [&[]; 11];
            for (i, slot) in (2..).zip(fields.iter_mut()) {
                *slot = rows.bytes(i);
            }
            f(&SweptEvent {
                id: rows.opt_i64(0).unwrap_or_default(),
                ts: rows.opt_i64(1),
                fields,
            })?;
        }
        Ok(())
    }

    /// Every indicator of the case: (id, kind, value), in id order.
    pub fn indicator_values(&self) -> Result<Vec<(i64, String, String)>> {
        if !self.has_ioc_tables()? {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, value FROM ioc_indicator ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every indicator with its hit count and first and last seen (event times).
    pub fn indicators(&self) -> Result<Vec<IndicatorRow>> {
        self.indicators_with_times(&HashMap::new())
    }

    /// [`Case::indicators`], with the times of some events already known (event id →
    /// `ts`, as a sweep has just read them from those rows), so that only the others are
    /// looked up: on a large case each lookup reads a page of the events table, and a
    /// sweep's list would otherwise read one for nearly every event it hit.
    pub fn indicators_with_times(
        &self,
        known: &HashMap<i64, Option<Micros>>,
    ) -> Result<Vec<IndicatorRow>> {
        if !self.has_ioc_tables()? {
            return Ok(Vec::new());
        }
        let mut rows: Vec<IndicatorRow> = self
            .indicator_values()?
            .into_iter()
            .map(|(id, kind, value)| IndicatorRow {
                id,
                kind,
                value,
                sources: 0,
                lists: String::new(),
                hits: 0,
                first_seen: None,
                last_seen: None,
            })
            .collect();
        let at: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        // Sources: how many list entries named each indicator, and the lists' file names
        // (each once, in the order the lists were imported).
        let mut stmt = self.conn.prepare(
            "SELECT s.indicator_id, l.file_name FROM ioc_source s \
             LEFT JOIN ioc_list l ON l.id = s.list_id ORDER BY s.indicator_id, l.id",
        )?;
        let mut names: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let Some(&i) = at.get(&r.get::<_, i64>(0)?) else {
                continue;
            };
            rows[i].sources += 1;
            if let Some(name) = r.get::<_, Option<String>>(1)? {
                if !names[i].contains(&name) {
                    names[i].push(name);
                }
            }
        }
        for (row, names) in rows.iter_mut().zip(names) {
            row.lists = names.join(", ");
        }
        // Hits: the distinct events of each indicator, with their first and last time.
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT indicator_id, event_id FROM ioc_hit ORDER BY indicator_id, event_id",
        )?;
        let mut ts_of = self
            .conn
            .prepare_cached("SELECT ts FROM events WHERE id = ?1")?;
        let mut span: Vec<(Option<Micros>, Option<Micros>)> = vec![(None, None); rows.len()];
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let (indicator, event): (i64, i64) = (r.get(0)?, r.get(1)?);
            let Some(&i) = at.get(&indicator) else {
                continue;
            };
            let ts = match known.get(&event) {
                Some(ts) => *ts,
                None => match ts_of
                    .query_row([event], |r| r.get::<_, Option<Micros>>(0))
                    .optional()?
                {
                    Some(ts) => ts,
                    // A hit on an event the case does not have counts for nothing.
                    None => continue,
                },
            };
            rows[i].hits += 1;
            if let Some(ts) = ts {
                let (first, last) = &mut span[i];
                *first = Some(first.map_or(ts, |f| f.min(ts)));
                *last = Some(last.map_or(ts, |l| l.max(ts)));
            }
        }
        for (row, (first, last)) in rows.iter_mut().zip(span) {
            row.first_seen = first.map(format_micros);
            row.last_seen = last.map(format_micros);
        }
        Ok(rows)
    }

    /// The ids of the events an indicator hit, ascending.
    pub fn ioc_hit_event_ids(&self, indicator_id: i64) -> Result<Vec<i64>> {
        if !self.has_ioc_tables()? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT event_id FROM ioc_hit WHERE indicator_id = ?1 ORDER BY event_id",
        )?;
        let rows = stmt.query_map([indicator_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every (indicator id, event id) pair with a hit, ordered by indicator then event.
    pub fn ioc_hit_pairs(&self) -> Result<Vec<(i64, i64)>> {
        if !self.has_ioc_tables()? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT indicator_id, event_id FROM ioc_hit ORDER BY indicator_id, event_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The hits of one event: which indicators, in which fields.
    pub fn ioc_hits_for_event(&self, event_id: i64) -> Result<Vec<EventHit>> {
        if !self.has_ioc_tables()? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT h.indicator_id, i.kind, i.value, h.field FROM ioc_hit h \
             JOIN ioc_indicator i ON i.id = h.indicator_id \
             WHERE h.event_id = ?1 ORDER BY h.indicator_id, h.field",
        )?;
        let rows = stmt.query_map([event_id], |r| {
            Ok(EventHit {
                indicator_id: r.get(0)?,
                kind: r.get(1)?,
                value: r.get(2)?,
                field: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of stored hits (indicator, event, field).
    pub fn ioc_hit_count(&self) -> Result<i64> {
        if !self.has_ioc_tables()? {
            return Ok(0);
        }
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM ioc_hit", [], |r| r.get(0))?)
    }
}

/// A list being imported.
pub struct NewIocList<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub format: &'a str,
    pub entries: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub skipped: i64,
    pub imported_at: Micros,
    pub imported_by: &'a str,
}

impl Tx<'_> {
    pub fn insert_ioc_list(&self, l: &NewIocList<'_>) -> Result<i64> {
        self.0.execute(
            "INSERT INTO ioc_list (file_name, sha256, format, entries, accepted, rejected, \
             skipped, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                l.file_name,
                l.sha256,
                l.format,
                l.entries,
                l.accepted,
                l.rejected,
                l.skipped,
                l.imported_at,
                l.imported_by
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// The indicator's id, adding it when the case does not have it yet; `true` when new.
    pub fn upsert_indicator(&self, kind: &str, value: &str, at: Micros) -> Result<(i64, bool)> {
        if let Some(id) = self
            .0
            .prepare_cached("SELECT id FROM ioc_indicator WHERE kind = ?1 AND value = ?2")?
            .query_row(params![kind, value], |r| r.get(0))
            .optional()?
        {
            return Ok((id, false));
        }
        self.0
            .prepare_cached(
                "INSERT INTO ioc_indicator (kind, value, added_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![kind, value, at])?;
        Ok((self.0.last_insert_rowid(), true))
    }

    pub fn insert_ioc_source(
        &self,
        indicator_id: i64,
        list_id: i64,
        locator: &str,
        original: &str,
        description: Option<&str>,
        source: Option<&str>,
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO ioc_source (indicator_id, list_id, locator, original, description, \
                 source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                indicator_id,
                list_id,
                locator,
                original,
                description,
                source
            ])?;
        Ok(())
    }

    pub fn insert_ioc_rejected(
        &self,
        list_id: i64,
        locator: &str,
        text: &str,
        reason: &str,
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO ioc_rejected (list_id, locator, text, reason) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![list_id, locator, text, reason])?;
        Ok(())
    }

    /// Records a sweep; its `new_hits` is set by [`Tx::finish_sweep`].
    pub fn insert_sweep(
        &self,
        at: Micros,
        actor: &str,
        indicators: i64,
        events: i64,
        hits: i64,
    ) -> Result<i64> {
        self.0.execute(
            "INSERT INTO ioc_sweep (at, actor, indicators, events, hits, new_hits) \
             VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            params![at, actor, indicators, events, hits],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    pub fn finish_sweep(&self, sweep_id: i64, new_hits: i64) -> Result<()> {
        self.0.execute(
            "UPDATE ioc_sweep SET new_hits = ?2 WHERE id = ?1",
            params![sweep_id, new_hits],
        )?;
        Ok(())
    }

    /// Stores a hit unless the case has it already; `true` when it is new.
    pub fn insert_hit(
        &self,
        indicator_id: i64,
        event_id: i64,
        field: &str,
        sweep_id: i64,
    ) -> Result<bool> {
        let n = self
            .0
            .prepare_cached(
                "INSERT OR IGNORE INTO ioc_hit (indicator_id, event_id, field, sweep_id) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![indicator_id, event_id, field, sweep_id])?;
        Ok(n == 1)
    }
}
