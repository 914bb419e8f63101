//! Helpers: a temporary directory per test, the CLI as a command, sample paths, and
//! golden-file comparison (`TIDELINE_BLESS=1` rewrites the golden files).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the bundled sample data.
pub fn sample(rel: &str) -> PathBuf {
    repo().join("sample-data").join(rel)
}

/// A dataset from `../shared/datasets`, when that folder is present (the extra tier).
pub fn shared_dataset(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/datasets").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping the shared-dataset tier: {} is not here",
            p.display()
        );
        None
    }
}

pub struct Dir(pub tempfile::TempDir);

impl Dir {
    pub fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// Runs the CLI from the repository root (so relative sample paths are stable).
pub fn tideline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tideline"))
        .args(args)
        .current_dir(repo())
        .env("TIDELINE_ACTOR", "test-investigator")
        .output()
        .expect("run tideline")
}

/// Runs the CLI and insists on success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = tideline(args);
    assert!(
        out.status.success(),
        "tideline {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Compares `actual` with `tests/golden/NAME`.
pub fn golden(name: &str, actual: &str) {
    let path = repo().join("tests/golden").join(name);
    if std::env::var_os("TIDELINE_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}; run with TIDELINE_BLESS=1",
            path.display()
        )
    });
    if want != actual {
        let diff_line = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| want.lines().count().min(actual.lines().count()) + 1);
        panic!(
            "output differs from {} at line {diff_line}\n--- want\n{}\n--- got\n{}",
            path.display(),
            want.lines().nth(diff_line - 1).unwrap_or("(end)"),
            actual.lines().nth(diff_line - 1).unwrap_or("(end)")
        );
    }
}

/// Sets a file's modification time (year-less syslog is dated by it).
pub fn set_mtime(path: &Path, rfc3339: &str) {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("time");
    let st = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.timestamp() as u64);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(st))
        .expect("set mtime");
}

/// Every event of the case, in timeline order.
pub fn all_rows(case: &tideline::Case) -> Vec<tideline::timeline::EventRow> {
    use tideline::timeline::{Timeline, TimelineQuery};
    Timeline::load(case)
        .unwrap()
        .query(&TimelineQuery {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap()
        .rows
}

/// An import that `err` ended was cancelled and left a fresh case as it was: no event,
/// no evidence, and only the "case created" audit entry.
pub fn assert_cancelled_with_case_unchanged(err: &tideline::Error, case: &tideline::Case) {
    assert_eq!(err.code(), "cancelled");
    assert_eq!(case.event_count().unwrap(), 0);
    assert!(case.evidence().unwrap().is_empty());
    assert_eq!(case.audit_log().unwrap().len(), 1); // only "case created"
}
