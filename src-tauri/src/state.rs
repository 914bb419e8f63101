//! The app's state: the open case and its timeline, and the default case at start.
//!
//! At start the app opens `$TIDELINE_CASE` when it is set (creating an empty case there if
//! the file does not exist yet), and otherwise the bundled sample incident, built once
//! from `sample-data/` into the app's data folder (`$TIDELINE_HOME` overrides it).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tauri::{AppHandle, Manager};
use tideline::ingest::{self, ImportOptions};
use tideline::timeline::Timeline;
use tideline::Case;

/// A case with its timeline frame, loaded once and rebuilt after each import.
pub struct OpenCase {
    pub case: Case,
    pub timeline: Timeline,
}

impl OpenCase {
    pub fn new(case: Case) -> tideline::Result<Self> {
        let timeline = Timeline::load_cached(&case)?;
        Ok(OpenCase { case, timeline })
    }

    pub fn reload(&mut self) -> tideline::Result<()> {
        self.timeline = Timeline::load_cached(&self.case)?;
        Ok(())
    }
}

#[derive(Default)]
pub struct AppState {
    pub open: Mutex<Option<OpenCase>>,
    pub cancel: Arc<AtomicBool>,
}

const SAMPLE_CASE_FILE: &str = "sample-incident.tideline";

/// Where the bundled sample evidence is: beside the app's resources when installed, in
/// the source tree when run from it.
fn sample_dir(app: &AppHandle) -> Option<PathBuf> {
    let candidates = [
        app.path()
            .resource_dir()
            .ok()
            .map(|d| d.join("sample-data/incident-2026-03")),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-data/incident-2026-03")),
    ];
    candidates.into_iter().flatten().find(|d| d.is_dir())
}

/// The evidence files of the sample incident, in a stable order: everything under its
/// folder but the documents that describe it.
fn sample_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if !(name.starts_with("expected") || name.starts_with("readme")) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn build_sample_case(path: &Path, dir: &Path) -> tideline::Result<Case> {
    let opts = ImportOptions {
        year: Some(2026),
        ..ImportOptions::default()
    };
    let mut case = Case::create(
        path,
        "Sample incident: SSH brute force on bastion-01 (March 2026)",
        &opts.actor,
    )?;
    let report = ingest::import_paths(&mut case, &sample_files(dir), &opts, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })?;
    if let Some(r) = report.refused.first() {
        let why = format!("sample evidence {} not imported: {}", r.path, r.reason);
        return Err(tideline::Error::Invalid(why));
    }
    Ok(case)
}

/// Opens the case the app starts with.
pub fn open_default_case(app: &AppHandle) -> Result<(), Box<dyn std::error::Error>> {
    let case = if let Some(path) = std::env::var_os("TIDELINE_CASE").map(PathBuf::from) {
        if path.exists() {
            Case::open(&path)?
        } else {
            Case::create(&path, "Untitled case", &ingest::default_actor())?
        }
    } else {
        let home = match std::env::var_os("TIDELINE_HOME") {
            Some(h) => PathBuf::from(h),
            None => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&home)?;
        let path = home.join(SAMPLE_CASE_FILE);
        if path.exists() {
            Case::open(&path)?
        } else if let Some(dir) = sample_dir(app) {
            build_sample_case(&path, &dir)?
        } else {
            return Ok(()); // no sample shipped: start with no case open
        }
    };
    let state = app.state::<AppState>();
    *state.open.lock().expect("state lock") = Some(OpenCase::new(case)?);
    Ok(())
}
