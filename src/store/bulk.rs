//! Bulk writes (an import, a sweep's hits and tags): the seal's per-row INSERT triggers,
//! set aside for one transaction.
//!
//! Every sealed table carries `BEFORE INSERT` triggers that refuse the row once the case
//! is sealed. SQLite runs such a trigger as a sub-program for every row, and a statement
//! that may `RAISE(ABORT)` needs its own statement journal: together they cost about as
//! much as the insert itself when an import writes a million events (and, with 64 KiB
//! pages, three times the insert when a sweep stores 78,000 hits). An import runs in
//! one write transaction, and inside it nobody else can seal the case, so
//! [`Tx::with_insert_seal_suspended`] checks (inside the transaction) that the case is not
//! sealed, drops those INSERT triggers, does the work, and creates them again from their
//! stored SQL before the transaction commits. Whatever happens in between, no other
//! connection ever sees the case without them: a failure or a crash rolls the drop back
//! with everything else, and the commit includes the triggers exactly as they were.

use rusqlite::OptionalExtension;

use super::Tx;
use crate::error::{Error, Result};
use crate::time::format_micros;

/// The tables an import writes row by row, in bulk.
const IMPORT_TABLES: [&str; 3] = ["events", "import_issue", "evidence_chunk"];

/// The tables a sweep writes row by row: its hits, and the tag on every event hit.
pub const SWEEP_TABLES: [&str; 2] = ["ioc_hit", "event_tag"];

impl Tx<'_> {
    /// Runs `work` with the seal's INSERT triggers on the import tables dropped, and puts
    /// them back, with their exact SQL, when `work` succeeds (see the module documentation).
    /// Refuses a sealed case. When `work` fails the transaction must be rolled back, as
    /// [`super::Case::write`] does.
    pub fn with_insert_seal_suspended<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.with_seal_inserts_suspended_on(&IMPORT_TABLES, work)
    }

    /// [`Tx::with_insert_seal_suspended`] for the INSERT triggers of `tables`.
    pub fn with_seal_inserts_suspended_on<T>(
        &self,
        tables: &[&str],
        work: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let sealed_at: Option<i64> = self
            .0
            .query_row("SELECT sealed_at FROM case_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        if let Some(at) = sealed_at {
            return Err(Error::Sealed {
                sealed_at: format_micros(at),
            });
        }
        let mut saved = Vec::new();
        for table in tables {
            let name = super::seal_trigger_name(table, "INSERT");
            let sql: Option<String> = self
                .0
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(sql) = sql {
                self.0.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
                saved.push(sql);
            }
        }
        let out = work()?;
        for sql in saved {
            self.0.execute_batch(&sql)?;
        }
        Ok(out)
    }
}
