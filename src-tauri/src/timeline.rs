//! The timeline engine's commands: histogram, top values, annotations and exports of the
//! current view. Each is a thin wrapper over `tideline::timeline`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::State;
use tideline::ingest;
use tideline::timeline::annotate::{annotate, Change, Verdict};
use tideline::timeline::export::{export_view, ExportFormat, ExportSummary};
use tideline::timeline::{Histogram, TopValues};

use crate::commands::{with_case, PageRequest, Reply};
use crate::state::AppState;

/// Events over time for the query of a page request (its page is ignored).
#[tauri::command]
pub async fn timeline_histogram(
    state: State<'_, AppState>,
    query: PageRequest,
    max_buckets: usize,
) -> Reply<Histogram> {
    with_case(&state, |open| {
        open.timeline
            .histogram_of(&query.to_query()?, max_buckets.clamp(1, 2000))
    })
}

/// The most frequent values of a column in the view.
#[tauri::command]
pub async fn timeline_top(
    state: State<'_, AppState>,
    query: PageRequest,
    column: String,
    n: usize,
) -> Reply<TopValues> {
    with_case(&state, |open| {
        open.timeline.top(&query.to_query()?, &column, n.min(1000))
    })
}

/// One annotation change from the UI.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnnotationChange {
    Tag { tag: String },
    Untag { tag: String },
    Star,
    Unstar,
    Note { note: Option<String> },
    Verdict { verdict: Option<String> },
}

#[derive(Debug, Serialize)]
pub struct Annotated {
    events: usize,
    changed: usize,
}

/// Applies one change to the events `ids`, audit-logged, and refreshes the timeline.
#[tauri::command]
pub async fn annotate_events(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    change: AnnotationChange,
) -> Reply<Annotated> {
    with_case(&state, |open| {
        let change = match change {
            AnnotationChange::Tag { tag } => Change::Tag(tag),
            AnnotationChange::Untag { tag } => Change::Untag(tag),
            AnnotationChange::Star => Change::Star,
            AnnotationChange::Unstar => Change::Unstar,
            AnnotationChange::Note { note } => Change::Note(note),
            AnnotationChange::Verdict { verdict } => Change::Verdict(
                verdict
                    .filter(|v| !v.is_empty() && v != "none")
                    .map(|v| Verdict::parse(&v))
                    .transpose()?,
            ),
        };
        let changed = annotate(&mut open.case, &ids, &change, &ingest::default_actor())?;
        open.timeline.refresh_annotations(&open.case)?;
        Ok(Annotated {
            events: ids.len(),
            changed,
        })
    })
}

/// Writes the view (query and sort) to `path` in `format` (csv, jsonl, timesketch-csv,
/// timesketch-jsonl, parquet).
#[tauri::command]
pub async fn export_timeline(
    state: State<'_, AppState>,
    query: PageRequest,
    format: String,
    path: PathBuf,
) -> Reply<ExportSummary> {
    with_case(&state, |open| {
        export_view(
            &open.timeline,
            &query.to_query()?,
            ExportFormat::parse(&format)?,
            &path,
        )
    })
}
