//! The IOC commands: import a list, list the indicators, sweep, an event's hits.

use std::path::PathBuf;

use tauri::State;
use tideline::ingest;
use tideline::ioc::sweep::{self, ImportReport, SweepReport};
use tideline::store::{EventHit, IndicatorRow};

use crate::commands::{with_case, Reply};
use crate::state::AppState;

#[tauri::command]
pub async fn ioc_import(state: State<'_, AppState>, path: PathBuf) -> Reply<ImportReport> {
    with_case(&state, |open| {
        sweep::import_list(&mut open.case, &path, &ingest::default_actor())
    })
}

#[tauri::command]
pub async fn ioc_list(state: State<'_, AppState>) -> Reply<Vec<IndicatorRow>> {
    with_case(&state, |open| open.case.indicators())
}

/// Sweeps every indicator over every event, stores the hits and refreshes the
/// timeline's view of them.
#[tauri::command]
pub async fn ioc_sweep(state: State<'_, AppState>) -> Reply<SweepReport> {
    with_case(&state, |open| {
        let report = sweep::sweep_case(
            &mut open.case,
            &ingest::default_actor(),
            sweep::default_threads(),
        )?;
        open.timeline.reload_ioc_hits(&open.case)?;
        Ok(report)
    })
}

#[tauri::command]
pub async fn event_ioc_hits(state: State<'_, AppState>, id: i64) -> Reply<Vec<EventHit>> {
    with_case(&state, |open| open.case.ioc_hits_for_event(id))
}
