//! The Tauri commands: each parses its input, calls the core, and returns plain data.
//! Errors reach the UI as `{ code, message }`.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use tideline::ingest::{self, ImportOptions, ImportReport};
use tideline::overview::{self, CaseInfo, EventDetail, IssuePage};
use tideline::time::parse_user_time;
use tideline::timeline::{Sort, TimelinePage, TimelineQuery};
use tideline::{report, Case};

use crate::state::{AppState, OpenCase};

/// The one error shape the UI sees.
#[derive(Debug, Serialize)]
pub struct CommandError {
    code: String,
    message: String,
}

impl From<tideline::Error> for CommandError {
    fn from(e: tideline::Error) -> Self {
        CommandError {
            code: e.code().into(),
            message: e.to_string(),
        }
    }
}

fn no_case() -> CommandError {
    CommandError {
        code: "no_case".into(),
        message: "no case is open; create or open one first".into(),
    }
}

pub type Reply<T> = Result<T, CommandError>;

pub fn with_case<T>(
    state: &AppState,
    f: impl FnOnce(&mut OpenCase) -> tideline::Result<T>,
) -> Reply<T> {
    let mut guard = state.open.lock().expect("state lock");
    let open = guard.as_mut().ok_or_else(no_case)?;
    Ok(f(open)?)
}

#[tauri::command]
pub async fn case_info(state: State<'_, AppState>) -> Reply<Option<CaseInfo>> {
    let guard = state.open.lock().expect("state lock");
    match guard.as_ref() {
        None => Ok(None),
        Some(o) => Ok(Some(overview::case_info(&o.case, &o.timeline)?)),
    }
}

fn replace_case(state: &AppState, case: Case) -> Reply<CaseInfo> {
    let open = OpenCase::new(case)?;
    let info = overview::case_info(&open.case, &open.timeline)?;
    *state.open.lock().expect("state lock") = Some(open);
    Ok(info)
}

#[tauri::command]
pub async fn open_case(state: State<'_, AppState>, path: PathBuf) -> Reply<CaseInfo> {
    replace_case(&state, Case::open(&path)?)
}

#[tauri::command]
pub async fn create_case(
    state: State<'_, AppState>,
    path: PathBuf,
    title: String,
) -> Reply<CaseInfo> {
    replace_case(
        &state,
        Case::create(&path, &title, &ingest::default_actor())?,
    )
}

/// Import choices from the UI: the year of year-less stamps and the zone of zone-less
/// ones (an IANA name); both optional.
#[derive(Debug, Default, Deserialize)]
pub struct ImportChoices {
    year: Option<i32>,
    tz: Option<String>,
}

#[tauri::command]
pub async fn import_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    choices: Option<ImportChoices>,
) -> Reply<ImportReport> {
    let choices = choices.unwrap_or_default();
    let mut opts = ImportOptions {
        year: choices.year,
        ..ImportOptions::default()
    };
    if let Some(tz) = choices.tz.filter(|t| !t.trim().is_empty()) {
        opts.tz = tz.trim().parse().map_err(|_| CommandError {
            code: "invalid".into(),
            message: format!("unknown time zone '{tz}' (use an IANA name such as Europe/Berlin)"),
        })?;
    }
    state.cancel.store(false, Ordering::SeqCst);
    let cancel = state.cancel.clone();
    with_case(&state, |open| {
        let report = ingest::import_paths(&mut open.case, &paths, &opts, &mut |p| {
            let _ = app.emit("import-progress", p);
            if cancel.load(Ordering::SeqCst) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        // The import is committed in the write-ahead log; copy it into the main file
        // while the timeline is rebuilt, rather than on the next small write.
        let _ = open.case.checkpoint_in_background();
        open.reload()?;
        Ok(report)
    })
}

#[tauri::command]
pub async fn import_issues(
    state: State<'_, AppState>,
    evidence_id: Option<i64>,
    offset: u64,
    limit: u64,
) -> Reply<IssuePage> {
    with_case(&state, |open| {
        overview::issues(&open.case, evidence_id, offset, limit.min(1000))
    })
}

#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) {
    state.cancel.store(true, Ordering::SeqCst);
}

/// A timeline request from the UI: a query in the timeline language, optional extra
/// time bounds (RFC 3339 or `YYYY-MM-DD HH:MM:SS`, UTC), a sort (`column` or
/// `-column`), the display zone (IANA name) and the page.
#[derive(Debug, Deserialize)]
pub struct PageRequest {
    #[serde(default)]
    query: String,
    from: Option<String>,
    to: Option<String>,
    grep: Option<String>,
    sort: Option<String>,
    zone: Option<String>,
    offset: usize,
    limit: usize,
}

impl PageRequest {
    pub(crate) fn to_query(&self) -> tideline::Result<TimelineQuery> {
        let zone = match self
            .zone
            .as_deref()
            .map(str::trim)
            .filter(|z| !z.is_empty())
        {
            Some(z) => Some(
                z.parse()
                    .map_err(|_| tideline::Error::Invalid(format!("unknown time zone '{z}'")))?,
            ),
            None => None,
        };
        Ok(TimelineQuery {
            query: self.query.clone(),
            from: bound(self.from.clone())?,
            to: bound(self.to.clone())?,
            grep: self.grep.clone(),
            sort: self
                .sort
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(Sort::parse)
                .transpose()?,
            offset: self.offset,
            limit: self.limit.min(5000),
            zone,
        })
    }
}

fn bound(text: Option<String>) -> tideline::Result<Option<i64>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| parse_user_time(&t))
        .transpose()
}

#[tauri::command]
pub async fn timeline_page(state: State<'_, AppState>, query: PageRequest) -> Reply<TimelinePage> {
    with_case(&state, |open| open.timeline.query(&query.to_query()?))
}

#[tauri::command]
pub async fn event_detail(state: State<'_, AppState>, id: i64) -> Reply<EventDetail> {
    with_case(&state, |open| {
        overview::event_detail(&open.case, &open.timeline, id)
    })
}

/// Where a report was written, and its SHA-256.
#[derive(Debug, Serialize)]
pub struct ReportWritten {
    path: String,
    sha256: String,
    bytes: usize,
}

#[tauri::command]
pub async fn write_report(state: State<'_, AppState>, path: PathBuf) -> Reply<ReportWritten> {
    let html = with_case(&state, |open| {
        report::case_report_html(&open.case, &open.timeline)
    })?;
    std::fs::write(&path, &html).map_err(|e| CommandError::from(tideline::Error::io(&path, e)))?;
    Ok(ReportWritten {
        path: path.display().to_string(),
        sha256: tideline::evidence::sha256_hex(html.as_bytes()),
        bytes: html.len(),
    })
}
