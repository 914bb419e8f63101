//! Generating a report of any kind in any format, and archiving what was handed out.
//!
//! [`generate`] turns a case into the bytes of one report (kind × format); [`archive`]
//! stores those bytes in the case with their SHA-256 and an audit entry, so the case holds
//! exactly what left it. A sealed or read-only case cannot store anything: the report is
//! still produced and [`archive`] says why it was not stored. [`set_status`] records the
//! lessons-learned report's review status and authors.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::doc::Document;
use super::notify::{draft, draft_document, Draft};
use super::{bugs, case_report, html, lessons, markdown, pdf};
use crate::archive::audit;
use crate::error::{Error, Result};
use crate::store::{ArchivedReport, Case, ReportStatusRow};
use crate::time::now_micros;
use crate::timeline::Timeline;

/// The report kinds.
pub const KINDS: [&str; 4] = ["case", "lessons", "followups", "notification"];
/// The formats of document kinds (case, lessons, notification).
pub const DOCUMENT_FORMATS: [&str; 4] = ["html", "md", "pdf", "json"];
/// The formats of the follow-up list.
pub const FOLLOWUP_FORMATS: [&str; 5] = ["jira-csv", "github", "gh-script", "checklist", "json"];
/// The review states of the lessons-learned report.
pub const STATUSES: [&str; 3] = ["draft", "in_review", "final"];

/// One generated report.
#[derive(Debug, Clone)]
pub struct Generated {
    pub kind: String,
    pub format: String,
    /// The notification kind, for a notification.
    pub regime: Option<String>,
    /// The bytes of the report file.
    pub bytes: Vec<u8>,
    /// Markdown only: the figures it links to, (relative path, SVG).
    pub figures: Vec<(String, String)>,
    /// Document kinds: the document (for charts and previews).
    pub document: Option<Document>,
}

/// Checks a kind and format pair; returns the format to use (the kind's default when none).
pub fn check(kind: &str, format: Option<&str>) -> Result<String> {
    if !KINDS.contains(&kind) {
        return Err(Error::Invalid(format!(
            "unknown report kind '{kind}'; allowed: {}",
            KINDS.join(", ")
        )));
    }
    let allowed: &[&str] = if kind == "followups" {
        &FOLLOWUP_FORMATS
    } else {
        &DOCUMENT_FORMATS
    };
    let format = format.unwrap_or(allowed[0]);
    if !allowed.contains(&format) {
        return Err(Error::Invalid(format!(
            "a {kind} report cannot be written as '{format}'; allowed: {}",
            allowed.join(", ")
        )));
    }
    Ok(format.to_string())
}

/// A rendered file and, for Markdown, its figures as (relative path, SVG).
pub type Rendered = (Vec<u8>, Vec<(String, String)>);

/// Renders a document in a document format.
pub fn render(doc: &Document, format: &str) -> Result<Rendered> {
    Ok(match format {
        "html" => (html::render(doc).into_bytes(), Vec::new()),
        "md" => {
            let m = markdown::render(doc);
            (m.text.into_bytes(), m.files)
        }
        "pdf" => (pdf::render(doc)?, Vec::new()),
        "json" => (doc.to_json()?.into_bytes(), Vec::new()),
        other => {
            return Err(Error::Invalid(format!(
                "'{other}' is not a document format; allowed: {}",
                DOCUMENT_FORMATS.join(", ")
            )))
        }
    })
}

/// Generates one report. `regime` picks the notification draft (see
/// [`super::notify::KINDS`]; default `customer`); `edited` replaces the draft (text edited
/// in the app) for a notification.
pub fn generate(
    case: &Case,
    timeline: &Timeline,
    kind: &str,
    format: Option<&str>,
    regime: Option<&str>,
    edited: Option<&Draft>,
) -> Result<Generated> {
    let format = check(kind, format)?;
    let mut regime_out = None;
    let (bytes, figures, document) = match kind {
        "followups" => {
            let record = case.incident_record()?;
            let items = lessons::bug_list(&record);
            let bytes = match format.as_str() {
                "jira-csv" => bugs::jira_csv(&items).into_bytes(),
                "github" => bugs::github_json(&items)?.into_bytes(),
                "gh-script" => bugs::gh_script(&items).into_bytes(),
                "checklist" => bugs::markdown_checklist(
                    &format!("Follow-up items: {}", record.details.title),
                    &items,
                )
                .into_bytes(),
                _ => {
                    let mut s = serde_json::to_string_pretty(&items)?;
                    s.push('\n');
                    s.into_bytes()
                }
            };
            (bytes, Vec::new(), None)
        }
        _ => {
            let doc = match kind {
                "case" => case_report(case, timeline)?,
                "lessons" => lessons::lessons_report(case, timeline)?,
                _ => {
                    let d = match edited {
                        Some(d) => d.clone(),
                        None => draft(case, regime.unwrap_or("customer"))?,
                    };
                    regime_out = Some(d.kind.clone());
                    draft_document(&d)
                }
            };
            let (bytes, figures) = render(&doc, &format)?;
            (bytes, figures, Some(doc))
        }
    };
    Ok(Generated {
        kind: kind.to_string(),
        format,
        regime: regime_out,
        bytes,
        figures,
        document,
    })
}

/// What [`archive`] did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchiveOutcome {
    pub sha256: String,
    pub bytes: usize,
    /// The archive entry, when stored.
    pub archived: Option<ArchivedReport>,
    /// Why it was not stored (a sealed or read-only case).
    pub not_archived: Option<String>,
}

/// Stores a generated report in the case with its SHA-256 and an audit entry. A sealed or
/// read-only case is not an error here: the outcome says the report was not archived.
pub fn archive(
    case: &mut Case,
    actor: &str,
    g: &Generated,
    file_name: &str,
) -> Result<ArchiveOutcome> {
    let sha256 = crate::evidence::sha256_hex(&g.bytes);
    let mut entry = ArchivedReport {
        id: 0,
        kind: g.kind.clone(),
        format: g.format.clone(),
        regime: g.regime.clone(),
        file_name: file_name.to_string(),
        bytes: g.bytes.len() as i64,
        sha256: sha256.clone(),
        generated_by: actor.to_string(),
        generated_at: now_micros(),
    };
    let stored = case.write(|tx| {
        let id = tx.insert_archived_report(&entry, &g.bytes)?;
        audit::append(
            tx,
            actor,
            "report archived",
            &json!({ "id": id, "kind": entry.kind, "format": entry.format,
                     "regime": entry.regime, "file_name": entry.file_name,
                     "bytes": entry.bytes, "sha256": entry.sha256 }),
        )?;
        Ok(id)
    });
    match stored {
        Ok(id) => {
            entry.id = id;
            Ok(ArchiveOutcome {
                sha256,
                bytes: g.bytes.len(),
                archived: Some(entry),
                not_archived: None,
            })
        }
        Err(e @ (Error::Sealed { .. } | Error::ReadOnly)) => Ok(ArchiveOutcome {
            sha256,
            bytes: g.bytes.len(),
            archived: None,
            not_archived: Some(format!("not archived in the case: {e}")),
        }),
        Err(e) => Err(e),
    }
}

/// Sets the lessons-learned report's review status and authors (audited).
pub fn set_status(
    case: &mut Case,
    actor: &str,
    status: &str,
    authors: &[String],
) -> Result<ReportStatusRow> {
    if !STATUSES.contains(&status) {
        return Err(Error::Invalid(format!(
            "unknown report status '{status}'; allowed: {}",
            STATUSES.join(", ")
        )));
    }
    let authors: Vec<String> = authors
        .iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    let row = ReportStatusRow {
        status: status.to_string(),
        authors,
        updated_by: actor.to_string(),
        updated_at: now_micros(),
    };
    case.write(|tx| {
        tx.put_report_status(&row)?;
        audit::append(
            tx,
            actor,
            "report status set",
            &json!({ "status": row.status, "authors": row.authors }),
        )
    })?;
    Ok(row)
}
