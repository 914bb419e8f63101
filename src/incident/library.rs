//! Figures across a folder of cases: how many of each category and severity, and the
//! median of each metric over the cases that have it.
//!
//! Every `*.tideline` file directly in the folder is opened read-only; a file that is not a
//! readable case is listed under `skipped` with the reason, never silently left out. The
//! median of an even number of values is the mean of the middle two, rounded down.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::deadlines::span_words;
use super::metrics::{metrics, DEFINITIONS};
use crate::error::{Error, Result};
use crate::store::Case;

/// One case of the folder.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryCase {
    pub file: String,
    pub case_id: String,
    pub title: String,
    pub category: String,
    pub severity: String,
    pub status: String,
}

/// A file that could not be read as a case.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// The median of one metric.
#[derive(Debug, Clone, Serialize)]
pub struct Median {
    pub name: String,
    pub label: String,
    /// How many cases have the metric.
    pub cases: usize,
    pub median_seconds: Option<i64>,
    pub median: String,
}

/// The figures of a folder of cases.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryMetrics {
    pub cases: Vec<LibraryCase>,
    pub skipped: Vec<Skipped>,
    pub by_category: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<String, usize>,
    pub medians: Vec<Median>,
}

/// The median of `values` (mean of the middle two when even, rounded down).
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]).div_euclid(2)
    })
}

/// Reads every case in `dir`.
pub fn library_metrics(dir: &Path) -> Result<LibraryMetrics> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "tideline"))
        .collect();
    files.sort();
    let mut out = LibraryMetrics {
        cases: Vec::new(),
        skipped: Vec::new(),
        by_category: BTreeMap::new(),
        by_severity: BTreeMap::new(),
        medians: Vec::new(),
    };
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); DEFINITIONS.len()];
    for path in files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let record = match Case::open_read_only(&path).and_then(|c| c.incident_record()) {
            Ok(r) => r,
            Err(e) => {
                out.skipped.push(Skipped {
                    file,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let d = &record.details;
        *out.by_category
            .entry(d.category.as_str().to_string())
            .or_default() += 1;
        *out.by_severity
            .entry(d.severity.as_str().to_string())
            .or_default() += 1;
        for (i, m) in metrics(&record).metrics.iter().enumerate() {
            if let Some(s) = m.seconds {
                values[i].push(s);
            }
        }
        out.cases.push(LibraryCase {
            file,
            case_id: record.case_id.clone(),
            title: d.title.clone(),
            category: d.category.as_str().into(),
            severity: d.severity.as_str().into(),
            status: d.status.as_str().into(),
        });
    }
    for ((name, label, _, _), mut v) in DEFINITIONS.iter().zip(values) {
        let m = median(&mut v);
        out.medians.push(Median {
            name: name.to_string(),
            label: label.to_string(),
            cases: v.len(),
            median_seconds: m,
            median: m.map_or_else(|| "—".to_string(), |s| span_words(s * 1_000_000)),
        });
    }
    Ok(out)
}
