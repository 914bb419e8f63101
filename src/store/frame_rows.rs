//! Reading the event columns for the timeline frame in bounded batches, so that building
//! the frame of a 10-million-event case never holds every row as Rust strings at once.

use super::{Case, EventColumns};
use crate::error::{Error, Result};

/// The text columns of the frame, in [`crate::event::FRAME_COLUMNS`] order.
pub const FRAME_TEXT_COLUMNS: [&str; 13] = [
    "ts_source",
    "ts_quality",
    "source",
    "locator",
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "message",
];

impl Case {
    /// Runs `work` in one read transaction: every read it makes sees the case as it was
    /// at the first one, so a frame read in several passes stays one snapshot while
    /// another process imports into the case.
    pub fn in_one_snapshot<T>(&self, work: impl FnOnce(&Case) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let out = work(self);
        // Nothing was written: ending the transaction either way only lets go of it.
        let end = self.conn.execute_batch("COMMIT");
        let out = out?;
        end?;
        Ok(out)
    }

    /// Calls `f` with the frame columns of up to `batch` events at a time, in id order.
    pub fn event_column_batches(
        &self,
        batch: usize,
        f: impl FnMut(EventColumns) -> Result<()>,
    ) -> Result<()> {
        self.event_column_batches_of(&FRAME_TEXT_COLUMNS, batch, f)
    }

    /// Like [`Case::event_column_batches`], with only the text columns `text` (each one
    /// of the frame's; none: only ids, times and evidence).
    pub fn event_column_batches_of(
        &self,
        text: &[&'static str],
        batch: usize,
        mut f: impl FnMut(EventColumns) -> Result<()>,
    ) -> Result<()> {
        if let Some(c) = text.iter().find(|c| !FRAME_TEXT_COLUMNS.contains(c)) {
            return Err(Error::Invalid(format!(
                "'{c}' is not a text column of events"
            )));
        }
        let batch = batch.max(1);
        let fresh = || EventColumns {
            id: Vec::with_capacity(batch),
            ts: Vec::with_capacity(batch),
            evidence_id: Vec::with_capacity(batch),
            text: text
                .iter()
                .map(|c| (*c, Vec::with_capacity(batch)))
                .collect(),
        };
        let sql = format!(
            "SELECT id, ts, evidence_id{}{} FROM events ORDER BY id",
            if text.is_empty() { "" } else { ", " },
            text.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut cols = fresh();
        let mut sent_any = false;
        while let Some(r) = rows.next()? {
            cols.id.push(r.get(0)?);
            cols.ts.push(r.get(1)?);
            cols.evidence_id.push(r.get(2)?);
            for (i, (_, col)) in cols.text.iter_mut().enumerate() {
                col.push(r.get(3 + i)?);
            }
            if cols.id.len() == batch {
                f(std::mem::replace(&mut cols, fresh()))?;
                sent_any = true;
            }
        }
        if !cols.id.is_empty() || !sent_any {
            f(cols)?;
        }
        Ok(())
    }
}
