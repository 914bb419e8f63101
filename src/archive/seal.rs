//! The seal: a manifest over everything the case holds, and its verification.
//!
//! The manifest lists each evidence item (SHA-256, size, a digest over its chunk hashes),
//! the event rows (count and a digest per block of ids over each row's hash), the import
//! issues (one digest) and the audit chain's head. Sealing stores the manifest and its
//! SHA-256, logs it in the audit chain and sets `sealed_at`, after which the case's
//! triggers refuse every change. Verification recomputes everything from the rows and
//! the stored evidence bytes and names each difference: which evidence chunk, which
//! event id, which audit entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::archive::audit;
use crate::error::{Error, Result};
use crate::evidence::{inflate_chunk, sha256_hex, FieldHasher};
use crate::store::{
    record_tables, seal_trigger_name, sealed_tables, Case, SealRow, SCHEMA_VERSION,
};
use crate::time::{format_micros, now_micros};

/// Events per digest block in the manifest.
const BLOCK: i64 = 4096;
const MANIFEST_FORMAT: &str = "tideline-seal/1";
const SEAL_ACTION: &str = "case sealed";

/// What a seal commits to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub schema_version: i64,
    pub case_id: String,
    pub title: String,
    pub sealed_at: String,
    pub sealed_by: String,
    pub evidence: Vec<EvidenceSeal>,
    pub events: EventsSeal,
    pub issues: IssuesSeal,
    pub audit: AuditSeal,
    /// The incident record's tables (annotations, milestones, indicators, ...): per
    /// table, its row count and a digest over its rows.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub records: BTreeMap<String, IssuesSeal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvidenceSeal {
    pub id: i64,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub chunks: i64,
    /// SHA-256 over the chunks' own SHA-256 values, in order.
    pub chunk_digest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EventsSeal {
    pub count: i64,
    pub block_size: i64,
    /// Per block of ids `[k*block_size + 1, (k+1)*block_size]`: a digest over the
    /// `(id, row_hash)` pairs in it.
    pub blocks: BTreeMap<i64, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IssuesSeal {
    pub count: i64,
    pub digest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditSeal {
    pub entries: i64,
    pub head: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub intact: bool,
    pub sealed: bool,
    pub sealed_at: Option<String>,
    /// SHA-256 of the stored manifest: compare it with the one noted when sealing.
    pub seal_sha256: Option<String>,
    pub evidence_checked: usize,
    pub chunks_checked: usize,
    pub events_checked: usize,
    pub audit_entries_checked: usize,
    pub problems: Vec<String>,
}

/// Digest state of the event rows as they are now.
struct EventsNow {
    count: i64,
    blocks: BTreeMap<i64, String>,
    /// Ids whose content no longer matches their stored row hash, with a description.
    altered: Vec<String>,
}

fn scan_events(case: &Case) -> Result<EventsNow> {
    let names: BTreeMap<i64, String> = case
        .evidence()?
        .into_iter()
        .map(|e| (e.id, e.file_name))
        .collect();
    let mut blocks = BTreeMap::new();
    let mut current: Option<(i64, Sha256)> = None;
    let mut count = 0;
    let mut altered = Vec::new();
    case.for_each_event(|row| {
        count += 1;
        if row.as_stored().hash()[..] != row.row_hash[..] {
            let file = names
                .get(&row.evidence_id)
                .map(String::as_str)
                .unwrap_or("unknown evidence");
            altered.push(format!(
                "event {} ({} of {file}) was altered: its content no longer matches its row hash",
                row.id, row.locator
            ));
        }
        let block = (row.id - 1).div_euclid(BLOCK);
        if current.as_ref().map(|(b, _)| *b) != Some(block) {
            if let Some((b, h)) = current.take() {
                blocks.insert(b, hex::encode(h.finalize()));
            }
            current = Some((block, Sha256::new()));
        }
        let (_, h) = current.as_mut().expect("block started above");
        h.update(row.id.to_le_bytes());
        h.update(&row.row_hash);
        Ok(())
    })?;
    if let Some((b, h)) = current {
        blocks.insert(b, hex::encode(h.finalize()));
    }
    Ok(EventsNow {
        count,
        blocks,
        altered,
    })
}

fn issues_digest(case: &Case) -> Result<IssuesSeal> {
    let mut h = FieldHasher::new();
    let mut count = 0;
    case.for_each_issue(|i| {
        count += 1;
        h.int(i.id);
        h.int(i.evidence_id);
        h.str(&i.locator);
        h.str(&i.reason);
        h.bytes(&i.raw);
        Ok(())
    })?;
    Ok(IssuesSeal {
        count,
        digest: hex::encode(h.finish()),
    })
}

fn record_digests(case: &Case) -> Result<BTreeMap<String, IssuesSeal>> {
    let mut out = BTreeMap::new();
    for table in record_tables() {
        let (count, digest) = case.table_digest(table)?;
        out.insert(
            table.to_string(),
            IssuesSeal {
                count,
                digest: hex::encode(digest),
            },
        );
    }
    Ok(out)
}

fn chunk_digest(case: &Case, evidence_id: i64) -> Result<(i64, String)> {
    let mut h = Sha256::new();
    let mut n = 0;
    case.for_each_chunk(evidence_id, |c| {
        n += 1;
        h.update(c.sha256.as_bytes());
        Ok(())
    })?;
    Ok((n, hex::encode(h.finalize())))
}

fn build_manifest(case: &Case, actor: &str, sealed_at: i64) -> Result<Manifest> {
    let meta = case.meta()?;
    let mut evidence = Vec::new();
    for e in case.evidence()? {
        let (chunks, digest) = chunk_digest(case, e.id)?;
        evidence.push(EvidenceSeal {
            id: e.id,
            file_name: e.file_name,
            size: e.size,
            sha256: e.sha256,
            chunks,
            chunk_digest: digest,
        });
    }
    let events = scan_events(case)?;
    if let Some(first) = events.altered.first() {
        return Err(Error::Invalid(format!(
            "refusing to seal a case that fails verification: {first}"
        )));
    }
    let log = case.audit_log()?;
    if let Some(first) = audit::check_chain(&log).first() {
        return Err(Error::Invalid(format!(
            "refusing to seal a case that fails verification: {first}"
        )));
    }
    Ok(Manifest {
        format: MANIFEST_FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        case_id: meta.case_id,
        title: meta.title,
        sealed_at: format_micros(sealed_at),
        sealed_by: actor.into(),
        evidence,
        events: EventsSeal {
            count: events.count,
            block_size: BLOCK,
            blocks: events.blocks,
        },
        issues: issues_digest(case)?,
        records: record_digests(case)?,
        audit: AuditSeal {
            entries: log.len() as i64,
            head: log
                .last()
                .map(|r| r.hash.clone())
                .unwrap_or_else(|| audit::GENESIS.into()),
        },
    })
}

/// Seals the case. Returns the manifest and its SHA-256, which the investigator should
/// note outside the case.
pub fn seal(case: &mut Case, actor: &str) -> Result<(Manifest, String)> {
    let sealed_at = now_micros();
    let manifest = build_manifest(case, actor, sealed_at)?;
    let text = serde_json::to_string_pretty(&manifest)?;
    let digest = sha256_hex(text.as_bytes());
    let head = manifest.audit.head.clone();
    case.write(|tx| {
        let now_head = tx
            .last_audit()?
            .map(|(_, h)| h)
            .unwrap_or_else(|| audit::GENESIS.into());
        if now_head != head {
            return Err(Error::Invalid(
                "the case changed while it was being sealed; seal again".into(),
            ));
        }
        audit::append(
            tx,
            actor,
            SEAL_ACTION,
            &serde_json::json!({ "manifest_sha256": digest }),
        )?;
        tx.insert_seal(&SealRow {
            sealed_at,
            sealed_by: actor.into(),
            manifest: text,
            manifest_sha256: digest.clone(),
        })
    })?;
    Ok((manifest, digest))
}

/// Recomputes everything the case can prove about itself and names every difference.
/// Never writes; works on sealed and unsealed cases (an unsealed case has no manifest to
/// compare with, so only its row hashes, evidence chunks and audit chain are checked).
pub fn verify(case: &Case) -> Result<Verification> {
    let mut problems = Vec::new();
    let seal = case.seal()?;
    let meta = case.meta()?;
    let manifest: Option<Manifest> = match &seal {
        None => None,
        Some(s) => {
            if sha256_hex(s.manifest.as_bytes()) != s.manifest_sha256 {
                problems
                    .push("the seal manifest was altered: it no longer matches its SHA-256".into());
            }
            match serde_json::from_str(&s.manifest) {
                Ok(m) => Some(m),
                Err(e) => {
                    problems.push(format!("the seal manifest cannot be read: {e}"));
                    None
                }
            }
        }
    };
    if seal.is_some() != meta.sealed_at.is_some() {
        problems.push("the case's sealed flag and its seal record disagree".into());
    }

    // Evidence: every chunk against its hash, every file against its SHA-256.
    let evidence = case.evidence()?;
    let mut chunks_checked = 0;
    for e in &evidence {
        let mut whole = Sha256::new();
        let mut size = 0i64;
        let mut digest = Sha256::new();
        let mut chunks = 0i64;
        case.for_each_chunk(e.id, |c| {
            chunks += 1;
            digest.update(c.sha256.as_bytes());
            match inflate_chunk(&c.data) {
                Ok(bytes) => {
                    if sha256_hex(&bytes) != c.sha256 || bytes.len() as i64 != c.raw_len {
                        problems.push(format!(
                            "evidence #{} {}: stored chunk {} was altered",
                            e.id, e.file_name, c.seq
                        ));
                    }
                    size += bytes.len() as i64;
                    whole.update(&bytes);
                }
                Err(err) => problems.push(format!(
                    "evidence #{} {}: stored chunk {} is corrupt ({err})",
                    e.id, e.file_name, c.seq
                )),
            }
            Ok(())
        })?;
        chunks_checked += chunks as usize;
        if chunks > 0 && (hex::encode(whole.finalize()) != e.sha256 || size != e.size) {
            problems.push(format!(
                "evidence #{} {}: the stored bytes no longer match its SHA-256 {}",
                e.id, e.file_name, e.sha256
            ));
        }
        if let Some(m) = &manifest {
            match m.evidence.iter().find(|s| s.id == e.id) {
                None => problems.push(format!(
                    "evidence #{} {} was added after the case was sealed",
                    e.id, e.file_name
                )),
                Some(s) => {
                    if s.sha256 != e.sha256 || s.size != e.size || s.file_name != e.file_name {
                        problems.push(format!(
                            "evidence #{} {}: its register entry was altered (sealed: {} {} bytes, now: {} {} bytes)",
                            e.id, e.file_name, s.sha256, s.size, e.sha256, e.size
                        ));
                    }
                    if s.chunks != chunks || s.chunk_digest != hex::encode(digest.finalize()) {
                        problems.push(format!(
                            "evidence #{} {}: stored chunks were added, removed or re-hashed since sealing",
                            e.id, e.file_name
                        ));
                    }
                }
            }
        }
    }
    if let Some(m) = &manifest {
        for s in &m.evidence {
            if !evidence.iter().any(|e| e.id == s.id) {
                problems.push(format!(
                    "evidence #{} {} (SHA-256 {}) was removed",
                    s.id, s.file_name, s.sha256
                ));
            }
        }
    }

    // Events: each row against its own hash, then the blocks against the manifest.
    let events = scan_events(case)?;
    problems.extend(events.altered.iter().cloned());
    if let Some(m) = &manifest {
        if m.events.count != events.count {
            problems.push(format!(
                "the case held {} events when sealed and holds {} now",
                m.events.count, events.count
            ));
        }
        let blocks: std::collections::BTreeSet<i64> = m
            .events
            .blocks
            .keys()
            .chain(events.blocks.keys())
            .copied()
            .collect();
        for b in blocks {
            if m.events.blocks.get(&b) != events.blocks.get(&b) {
                let lo = b * m.events.block_size + 1;
                let hi = lo + m.events.block_size - 1;
                problems.push(format!(
                    "events with ids {lo}..={hi} were added, removed or re-hashed since sealing"
                ));
            }
        }
        let issues = issues_digest(case)?;
        if issues != m.issues {
            problems.push(format!(
                "import issues changed since sealing ({} when sealed, {} now)",
                m.issues.count, issues.count
            ));
        }
        for (table, now) in record_digests(case)? {
            match m.records.get(&table) {
                Some(then) if *then == now => {}
                Some(then) => problems.push(format!(
                    "the {table} records changed since sealing ({} rows when sealed, {} now)",
                    then.count, now.count
                )),
                // Sealed by a build that did not have this table: it must still be empty.
                None if now.count == 0 => {}
                None => problems.push(format!(
                    "the {table} records were added after the case was sealed ({} rows)",
                    now.count
                )),
            }
        }
        if m.case_id != meta.case_id || m.title != meta.title {
            problems.push("the case record (id or title) was altered since sealing".into());
        }
    }

    // The audit chain, and its head at sealing time.
    let log = case.audit_log()?;
    problems.extend(audit::check_chain(&log));
    if let (Some(m), Some(s)) = (&manifest, &seal) {
        let at_seal = usize::try_from(m.audit.entries).unwrap_or(usize::MAX);
        match log.get(at_seal.wrapping_sub(1)) {
            Some(row) if row.hash == m.audit.head => {}
            _ if at_seal == 0 && m.audit.head == audit::GENESIS => {}
            _ => problems.push(format!(
                "the audit log's first {} entries are not the ones that were sealed",
                m.audit.entries
            )),
        }
        match log.get(at_seal) {
            Some(row) if row.action == SEAL_ACTION && row.details.contains(&s.manifest_sha256) => {}
            _ => problems.push("the audit log has no entry recording this seal".into()),
        }
        if log.len() > at_seal + 1 {
            problems.push(format!(
                "{} audit entries were added after sealing",
                log.len() - at_seal - 1
            ));
        }
        let triggers = case.trigger_names()?;
        for table in sealed_tables() {
            for op in ["INSERT", "UPDATE", "DELETE"] {
                let name = seal_trigger_name(table, op);
                if !triggers.contains(&name) {
                    problems.push(format!(
                        "the seal's write protection on table {table} ({op}) was removed"
                    ));
                }
            }
        }
    }

    Ok(Verification {
        intact: problems.is_empty(),
        sealed: seal.is_some(),
        sealed_at: meta.sealed_at.map(format_micros),
        seal_sha256: seal.map(|s| s.manifest_sha256),
        evidence_checked: evidence.len(),
        chunks_checked,
        events_checked: events.count as usize,
        audit_entries_checked: log.len(),
        problems,
    })
}
