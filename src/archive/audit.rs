//! The audit log: who did what to the case, when, in an append-only hash chain.
//!
//! Each entry's hash covers the previous entry's hash and its own fields, so changing,
//! removing or reordering any entry breaks every hash after it. The first entry's
//! `prev_hash` is 64 zeros.

use crate::error::Result;
use crate::evidence::FieldHasher;
use crate::store::{AuditRow, Tx};
use crate::time::now_micros;

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash an entry must carry.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    details: &str,
) -> String {
    let mut h = FieldHasher::new();
    h.str(prev_hash);
    h.int(seq);
    h.int(at);
    h.str(actor);
    h.str(action);
    h.str(details);
    hex::encode(h.finish())
}

/// Appends one entry to the audit log inside a write transaction.
pub fn append(tx: &Tx<'_>, actor: &str, action: &str, details: &serde_json::Value) -> Result<()> {
    let (seq, prev_hash) = match tx.last_audit()? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = now_micros();
    let details = details.to_string();
    let hash = entry_hash(&prev_hash, seq, at, actor, action, &details);
    tx.insert_audit(&AuditRow {
        seq,
        at,
        actor: actor.to_string(),
        action: action.to_string(),
        details,
        prev_hash,
        hash,
    })
}

/// Checks the chain; returns one problem per broken entry (empty when intact).
pub fn check_chain(log: &[AuditRow]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for row in log {
        if row.seq != expected_seq {
            problems.push(format!(
                "audit entry {} is out of sequence (expected {expected_seq}): entries were removed or inserted",
                row.seq
            ));
        }
        if row.prev_hash != prev {
            problems.push(format!(
                "audit entry {} does not link to the entry before it",
                row.seq
            ));
        }
        let want = entry_hash(
            &row.prev_hash,
            row.seq,
            row.at,
            &row.actor,
            &row.action,
            &row.details,
        );
        if want != row.hash {
            problems.push(format!(
                "audit entry {} ('{}' by {}) was altered: its content no longer matches its hash",
                row.seq, row.action, row.actor
            ));
        }
        prev = row.hash.clone();
        expected_seq = row.seq + 1;
    }
    problems
}
