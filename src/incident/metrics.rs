//! Response metrics from the milestones.
//!
//! Definitions (each is the time between two milestones, and is absent when either is
//! not set):
//!
//! | metric | from | to |
//! |---|---|---|
//! | `time_to_detect` | impact started | detected |
//! | `time_to_acknowledge` | detected | declared (the response formally started) |
//! | `time_to_contain` | detected | contained |
//! | `time_to_eradicate` | detected | eradicated |
//! | `time_to_recover` | detected | recovered |
//! | `time_to_close` | detected | closed |
//! | `dwell_time` | impact started | contained |
//!
//! The "time to" figures after detection are counted from detection, as Microsoft's
//! incident metrics are, so they compare across incidents however long the attacker went
//! unseen. Dwell time is how long the attacker could act: from the first compromise until
//! containment (time to detect is the unseen part of it). A metric whose end comes before
//! its start is reported as measured (negative) with a warning: the milestones disagree.

use serde::{Deserialize, Serialize};

use super::deadlines::span_words;
use super::{IncidentRecord, MilestoneKind};

/// The metrics, in the order they are shown: (name, label, from, to).
pub const DEFINITIONS: [(&str, &str, MilestoneKind, MilestoneKind); 7] = [
    (
        "time_to_detect",
        "Time to detect",
        MilestoneKind::ImpactStarted,
        MilestoneKind::Detected,
    ),
    (
        "time_to_acknowledge",
        "Time to acknowledge",
        MilestoneKind::Detected,
        MilestoneKind::Declared,
    ),
    (
        "time_to_contain",
        "Time to contain",
        MilestoneKind::Detected,
        MilestoneKind::Contained,
    ),
    (
        "time_to_eradicate",
        "Time to eradicate",
        MilestoneKind::Detected,
        MilestoneKind::Eradicated,
    ),
    (
        "time_to_recover",
        "Time to recover",
        MilestoneKind::Detected,
        MilestoneKind::Recovered,
    ),
    (
        "time_to_close",
        "Time to close",
        MilestoneKind::Detected,
        MilestoneKind::Closed,
    ),
    (
        "dwell_time",
        "Dwell time",
        MilestoneKind::ImpactStarted,
        MilestoneKind::Contained,
    ),
];

/// One metric of one case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Metric {
    pub name: String,
    pub label: String,
    pub from: MilestoneKind,
    pub to: MilestoneKind,
    /// Whole seconds; absent when a milestone is missing.
    pub seconds: Option<i64>,
    /// The same in words (`2 d 3 h`), or `—`.
    pub text: String,
}

/// The metrics of one case, with warnings about milestones out of order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Metrics {
    pub metrics: Vec<Metric>,
    pub warnings: Vec<String>,
}

impl Metrics {
    /// One metric's seconds, by name.
    pub fn seconds(&self, name: &str) -> Option<i64> {
        self.metrics
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| m.seconds)
    }
}

/// The metrics of a record.
pub fn metrics(record: &IncidentRecord) -> Metrics {
    let mut warnings = Vec::new();
    let metrics = DEFINITIONS
        .iter()
        .map(|(name, label, from, to)| {
            let seconds = match (record.milestone(*from), record.milestone(*to)) {
                (Some(a), Some(b)) => Some((b - a).div_euclid(1_000_000)),
                _ => None,
            };
            if seconds.is_some_and(|s| s < 0) {
                warnings.push(format!(
                    "{label}: {to} is before {from}; check the milestones"
                ));
            }
            Metric {
                name: name.to_string(),
                label: label.to_string(),
                from: *from,
                to: *to,
                seconds,
                text: match seconds {
                    Some(s) if s < 0 => format!("-{}", span_words(s * 1_000_000)),
                    Some(s) => span_words(s * 1_000_000),
                    None => "—".into(),
                },
            }
        })
        .collect();
    Metrics { metrics, warnings }
}
