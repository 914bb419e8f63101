//! The Reports view's commands: preview the lessons-learned report, export any report kind
//! to a chosen path (stored in the case with its SHA-256 unless the case is sealed), the
//! incident charts as SVG, notification drafts, the report status and the stored reports.

use std::path::PathBuf;

use serde::Serialize;
use tauri::State;
use tideline::report::generate::{self, ArchiveOutcome};
use tideline::report::notify::{self, Draft};
use tideline::report::{html, lessons};
use tideline::store::{ArchivedReport, ReportStatusRow};
use tideline::{ingest, Error};

use crate::commands::{with_case, CommandError, Reply};
use crate::state::AppState;

fn actor() -> String {
    ingest::default_actor()
}

/// The lessons-learned report as one self-contained HTML page, for the sandboxed preview.
#[tauri::command]
pub async fn report_preview(state: State<'_, AppState>) -> Reply<String> {
    with_case(&state, |open| {
        Ok(html::render(&lessons::lessons_report(
            &open.case,
            &open.timeline,
        )?))
    })
}

/// One chart of the incident: its id, caption and SVG.
#[derive(Debug, Serialize)]
pub struct ChartSvg {
    id: String,
    caption: String,
    svg: String,
}

/// The three incident charts as SVG.
#[tauri::command]
pub async fn report_charts(state: State<'_, AppState>) -> Reply<Vec<ChartSvg>> {
    with_case(&state, |open| {
        let record = open.case.incident_record()?;
        Ok(lessons::incident_charts(&record, &open.timeline)?
            .into_iter()
            .map(|(id, caption, svg)| ChartSvg { id, caption, svg })
            .collect())
    })
}

/// What an export wrote and whether the case stored it.
#[derive(Debug, Serialize)]
pub struct ReportExported {
    path: String,
    #[serde(flatten)]
    outcome: ArchiveOutcome,
}

fn io(path: &std::path::Path, e: std::io::Error) -> CommandError {
    CommandError::from(Error::io(path, e))
}

/// Writes a report (`kind` × `format`, a notification's `regime` or its edited `draft`) to
/// `path`, with Markdown figures beside it, and stores it in the case.
#[tauri::command]
pub async fn report_export(
    state: State<'_, AppState>,
    kind: String,
    format: String,
    regime: Option<String>,
    draft: Option<Draft>,
    path: PathBuf,
) -> Reply<ReportExported> {
    let g = with_case(&state, |open| {
        generate::generate(
            &open.case,
            &open.timeline,
            &kind,
            Some(&format),
            regime.as_deref(),
            draft.as_ref(),
        )
    })?;
    std::fs::write(&path, &g.bytes).map_err(|e| io(&path, e))?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    for (rel, svg) in &g.figures {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&p, svg).map_err(|e| io(&p, e))?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = with_case(&state, |open| {
        generate::archive(&mut open.case, &actor(), &g, &file_name)
    })?;
    Ok(ReportExported {
        path: path.display().to_string(),
        outcome,
    })
}

/// A notification draft (`customer`, `gdpr_art33`, `gdpr_art34`, `nis2`, `dora`, `sec`,
/// `hipaa`).
#[tauri::command]
pub async fn notification_draft(state: State<'_, AppState>, kind: String) -> Reply<Draft> {
    with_case(&state, |open| notify::draft(&open.case, &kind))
}

/// The report status, the stored reports and the kinds of notification draft.
#[derive(Debug, Serialize)]
pub struct ReportsInfo {
    status: Option<ReportStatusRow>,
    archived: Vec<ArchivedReport>,
    draft_kinds: Vec<String>,
}

#[tauri::command]
pub async fn reports_info(state: State<'_, AppState>) -> Reply<ReportsInfo> {
    with_case(&state, |open| {
        Ok(ReportsInfo {
            status: open.case.report_status()?,
            archived: open.case.archived_reports()?,
            draft_kinds: notify::KINDS.iter().map(|k| k.to_string()).collect(),
        })
    })
}

/// Sets the lessons-learned report's status and authors.
#[tauri::command]
pub async fn report_set_status(
    state: State<'_, AppState>,
    status: String,
    authors: Vec<String>,
) -> Reply<ReportStatusRow> {
    with_case(&state, |open| {
        generate::set_status(&mut open.case, &actor(), &status, &authors)
    })
}
