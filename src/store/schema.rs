//! The case file's schema and its migrations.
//!
//! `PRAGMA user_version` holds the schema version; [`migrate`] applies every migration
//! above it in one transaction. A case from a newer Tideline is refused, not guessed at.
//!
//! Each feature that keeps records adds one [`Migration`] at the end of [`MIGRATIONS`]
//! (never edits an earlier one) and names its tables in `sealed`: the seal then freezes
//! them with triggers and its manifest carries a digest of their rows.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// One step of the schema.
pub struct Migration {
    /// The SQL that creates or alters tables.
    pub sql: &'static str,
    /// The tables it creates that a seal must freeze.
    pub sealed: &'static [&'static str],
}

/// The schema, in order: migration `i` brings a case to version `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: V1,
        sealed: &CORE_TABLES,
    },
    // The incident record (issue #5): details, people, milestones, actions, follow-ups,
    // lessons, regimes and notifications sent.
    Migration {
        sql: super::incident::SCHEMA,
        sealed: &super::incident::TABLES,
    },
    // Indicators of compromise and their hits (issue #7).
    Migration {
        sql: super::ioc::SCHEMA,
        sealed: &super::ioc::TABLES,
    },
    // Annotations (tags, stars, notes, verdicts) and clock offsets (issue #4).
    Migration {
        sql: super::annotations::SCHEMA,
        sealed: &super::annotations::TABLES,
    },
    // Reports: the lessons-learned report's status and every report handed out, with its
    // SHA-256 (issue #6).
    Migration {
        sql: super::reports::SCHEMA,
        sealed: &super::reports::TABLES,
    },
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The first version's tables; the seal manifest digests each of them its own way
/// (evidence chunks, event row hashes, the audit chain). Tables of later migrations are
/// digested row by row, generically.
pub const CORE_TABLES: [&str; 8] = [
    "case_meta",
    "evidence",
    "evidence_chunk",
    "custody",
    "events",
    "import_issue",
    "audit",
    "seal",
];

/// Every table a seal freezes: once `case_meta.sealed_at` is set, triggers refuse every
/// insert, update and delete on them, whoever opens the file.
pub fn sealed_tables() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().flat_map(|m| m.sealed.iter().copied())
}

/// The sealed tables added after the first version, in migration order.
pub fn record_tables() -> impl Iterator<Item = &'static str> {
    MIGRATIONS[1..]
        .iter()
        .flat_map(|m| m.sealed.iter().copied())
}

const V1: &str = r#"
CREATE TABLE case_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    case_id     TEXT NOT NULL,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL DEFAULT 'unrated',
    phase       TEXT NOT NULL DEFAULT 'detection_analysis',
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    sealed_at   INTEGER
);

CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,
    original_path TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    sha1          TEXT NOT NULL,
    md5           TEXT NOT NULL,
    format        TEXT,
    acquired_at   INTEGER,
    imported_at   INTEGER NOT NULL,
    imported_by   TEXT NOT NULL
);

-- The evidence bytes: zlib-compressed chunks; sha256 is of the uncompressed chunk.
CREATE TABLE evidence_chunk (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    seq         INTEGER NOT NULL,
    raw_len     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (evidence_id, seq)
) WITHOUT ROWID;

CREATE TABLE custody (
    id          INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    details     TEXT NOT NULL
);

-- The canonical event of DESIGN.md. ts is UTC microseconds.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    ts          INTEGER,
    ts_source   TEXT,
    ts_quality  TEXT NOT NULL,
    source      TEXT NOT NULL,
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    locator     TEXT NOT NULL,
    host        TEXT,
    user        TEXT,
    src_ip      TEXT,
    dst_ip      TEXT,
    process     TEXT,
    event_code  TEXT,
    action      TEXT,
    severity    TEXT,
    message     TEXT NOT NULL,
    raw         BLOB NOT NULL,
    attrs       TEXT NOT NULL,
    row_hash    BLOB NOT NULL
);
CREATE INDEX events_by_evidence ON events(evidence_id);

CREATE TABLE import_issue (
    id          INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    locator     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    raw         BLOB NOT NULL
);
CREATE INDEX import_issue_by_evidence ON import_issue(evidence_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash, seq, at, actor, action, details).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE seal (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_at       INTEGER NOT NULL,
    sealed_by       TEXT NOT NULL,
    manifest        TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL
);
"#;

/// The name of the trigger that refuses `op` on `table` once the case is sealed.
pub fn seal_trigger_name(table: &str, op: &str) -> String {
    format!("sealed_{table}_{}", op.to_ascii_lowercase())
}

fn seal_triggers(tables: &[&str]) -> String {
    let mut sql = String::new();
    for table in tables {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            sql.push_str(&format!(
                "CREATE TRIGGER {name} BEFORE {op} ON {table} \
                 WHEN (SELECT sealed_at FROM case_meta WHERE id = 1) IS NOT NULL \
                 BEGIN SELECT RAISE(ABORT, 'the case is sealed'); END;\n",
                name = seal_trigger_name(table, op)
            ));
        }
    }
    sql
}

/// Brings the schema up to [`VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: VERSION,
        });
    }
    if found == VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for m in &MIGRATIONS[found.max(0) as usize..] {
        tx.execute_batch(m.sql)?;
        tx.execute_batch(&seal_triggers(m.sealed))?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}
