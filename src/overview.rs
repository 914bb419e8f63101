//! What a case holds at a glance, and one event in full: the shapes the desktop app and
//! the CLI's `stats` show. Times are UTC RFC 3339 text.

use serde::Serialize;

use crate::error::Result;
use crate::store::{Case, EventRecord};
use crate::time::format_micros;
use crate::timeline::{EventRow, Timeline};

/// One evidence item as shown to a user.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceInfo {
    pub id: i64,
    pub file_name: String,
    pub original_path: String,
    pub size: i64,
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
    pub format: Option<String>,
    pub acquired_at: Option<String>,
    pub imported_at: String,
    pub imported_by: String,
    pub events: i64,
    pub issues: i64,
}

/// Events per value of a column.
#[derive(Debug, Clone, Serialize)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

/// The case at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct CaseInfo {
    pub path: String,
    pub case_id: String,
    pub title: String,
    pub severity: String,
    pub phase: String,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub sealed_at: Option<String>,
    pub events: u64,
    pub issues: u64,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    pub evidence: Vec<EvidenceInfo>,
    pub sources: Vec<ValueCount>,
    pub hosts: Vec<ValueCount>,
}

fn counts(timeline: &Timeline, column: &str) -> Result<Vec<ValueCount>> {
    Ok(timeline
        .counts_by(column)?
        .into_iter()
        .map(|(value, count)| ValueCount { value, count })
        .collect())
}

/// Summarises the case.
pub fn case_info(case: &Case, timeline: &Timeline) -> Result<CaseInfo> {
    let meta = case.meta()?;
    let span = timeline.span()?;
    let evidence = case
        .evidence()?
        .into_iter()
        .map(|e| EvidenceInfo {
            id: e.id,
            file_name: e.file_name,
            original_path: e.original_path,
            size: e.size,
            sha256: e.sha256,
            sha1: e.sha1,
            md5: e.md5,
            format: e.format,
            acquired_at: e.acquired_at.map(format_micros),
            imported_at: format_micros(e.imported_at),
            imported_by: e.imported_by,
            events: e.events,
            issues: e.issues,
        })
        .collect();
    Ok(CaseInfo {
        path: case.path().display().to_string(),
        case_id: meta.case_id,
        title: meta.title,
        severity: meta.severity,
        phase: meta.phase,
        status: meta.status,
        created_at: format_micros(meta.created_at),
        updated_at: format_micros(meta.updated_at),
        sealed_at: meta.sealed_at.map(format_micros),
        events: timeline.len() as u64,
        issues: case.issue_count()? as u64,
        first_ts: span.map(|s| format_micros(s.0)),
        last_ts: span.map(|s| format_micros(s.1)),
        evidence,
        sources: counts(timeline, "source")?,
        hosts: counts(timeline, "host")?,
    })
}

/// One event with everything known about it.
#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    #[serde(flatten)]
    pub row: EventRow,
    pub ts_source: Option<String>,
    pub evidence_name: String,
    pub evidence_sha256: String,
    /// The original record (invalid UTF-8 shown as U+FFFD; the bytes stay in the case).
    pub raw: String,
    pub attrs: serde_json::Value,
}

fn row_of(r: &EventRecord) -> EventRow {
    EventRow {
        id: r.id,
        ts: r.ts.map(format_micros),
        ts_quality: r.ts_quality.clone(),
        source: r.source.clone(),
        evidence_id: r.evidence_id,
        locator: r.locator.clone(),
        host: r.host.clone(),
        user: r.user.clone(),
        src_ip: r.src_ip.clone(),
        dst_ip: r.dst_ip.clone(),
        process: r.process.clone(),
        event_code: r.event_code.clone(),
        action: r.action.clone(),
        severity: r.severity.clone(),
        message: r.message.clone(),
        tags: Vec::new(),
        starred: false,
        note: None,
        verdict: None,
        clock_offset_us: None,
        iocs: Vec::new(),
    }
}

/// Reads one event in full, with its timeline row (annotations, corrected time).
pub fn event_detail(case: &Case, timeline: &Timeline, id: i64) -> Result<EventDetail> {
    let record = case.event(id)?;
    let row = match timeline.row(id)? {
        Some(row) => row,
        None => row_of(&record),
    };
    let evidence = case
        .evidence()?
        .into_iter()
        .find(|e| e.id == record.evidence_id);
    Ok(EventDetail {
        row,
        ts_source: record.ts_source.clone(),
        evidence_name: evidence
            .as_ref()
            .map(|e| e.file_name.clone())
            .unwrap_or_default(),
        evidence_sha256: evidence.map(|e| e.sha256).unwrap_or_default(),
        raw: String::from_utf8_lossy(&record.raw).into_owned(),
        attrs: serde_json::from_str(&record.attrs)?,
    })
}

/// One import issue as shown to a user: where, why, and the raw line.
#[derive(Debug, Clone, Serialize)]
pub struct IssueInfo {
    pub id: i64,
    pub evidence_id: i64,
    pub evidence_name: String,
    pub locator: String,
    pub reason: String,
    /// The raw record (invalid UTF-8 shown as U+FFFD; the bytes stay in the case).
    pub raw: String,
}

/// A page of import issues, optionally of one evidence item.
#[derive(Debug, Clone, Serialize)]
pub struct IssuePage {
    pub total: u64,
    pub offset: u64,
    pub issues: Vec<IssueInfo>,
}

/// Reads a page of import issues in the order they were found.
pub fn issues(case: &Case, evidence_id: Option<i64>, offset: u64, limit: u64) -> Result<IssuePage> {
    let names: std::collections::HashMap<i64, String> = case
        .evidence()?
        .into_iter()
        .map(|e| (e.id, e.file_name))
        .collect();
    let (total, rows) = case.issue_page(evidence_id, offset, limit)?;
    Ok(IssuePage {
        total,
        offset,
        issues: rows
            .into_iter()
            .map(|i| IssueInfo {
                id: i.id,
                evidence_id: i.evidence_id,
                evidence_name: names.get(&i.evidence_id).cloned().unwrap_or_default(),
                locator: i.locator,
                reason: i.reason,
                raw: String::from_utf8_lossy(&i.raw).into_owned(),
            })
            .collect(),
    })
}
