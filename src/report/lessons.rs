//! The lessons-learned (post-incident) report, built from a case and its incident record.
//!
//! Everything in it comes from the case: the record (details, impact, milestones, actions
//! and approvals, follow-ups, lessons, people), the timeline (starred events, events over
//! time, hosts), the evidence register with custody, the indicators with hits, the import
//! issues and the report's own status and authors. No time is taken from the clock, so
//! the same case gives the same document.

use std::collections::{BTreeMap, HashMap};

use super::chart::{self, Lane, Milestone as ChartMilestone, PhaseSpan};
use super::doc::{Block, CheckItem, Column, Document, Field, Figure, Section, Table};
use super::thousands;
use crate::error::Result;
use crate::incident::{
    metrics::metrics, FollowUp as RecordFollowUp, IncidentRecord, LessonTopic, MilestoneKind, Role,
};
use crate::store::{Case, ReportStatusRow};
use crate::time::{format_micros, Micros};
use crate::timeline::Timeline;

/// How many hosts get their own swimlane.
const MAX_LANES: usize = 12;
/// How many import issue kinds are listed.
const ISSUE_KINDS_SHOWN: usize = 50;

/// A milestone's name as people read it.
pub fn milestone_label(kind: MilestoneKind) -> &'static str {
    match kind {
        MilestoneKind::ImpactStarted => "Impact started",
        MilestoneKind::Detected => "Detected",
        MilestoneKind::Awareness => "Awareness",
        MilestoneKind::Declared => "Declared",
        MilestoneKind::ClassifiedMajor => "Classified major",
        MilestoneKind::MaterialityDetermined => "Materiality determined",
        MilestoneKind::Contained => "Contained",
        MilestoneKind::Eradicated => "Eradicated",
        MilestoneKind::Recovered => "Recovered",
        MilestoneKind::Closed => "Closed",
    }
}

/// The phases between milestones: (phase name, from, to).
const PHASES: [(&str, MilestoneKind, MilestoneKind); 5] = [
    (
        "Undetected",
        MilestoneKind::ImpactStarted,
        MilestoneKind::Detected,
    ),
    (
        "Containment",
        MilestoneKind::Detected,
        MilestoneKind::Contained,
    ),
    (
        "Eradication",
        MilestoneKind::Contained,
        MilestoneKind::Eradicated,
    ),
    (
        "Recovery",
        MilestoneKind::Eradicated,
        MilestoneKind::Recovered,
    ),
    (
        "Post-incident",
        MilestoneKind::Recovered,
        MilestoneKind::Closed,
    ),
];

/// The phase spans the record's milestones give (a phase whose two milestones are both
/// set and in order).
pub fn phase_spans(record: &IncidentRecord) -> Vec<PhaseSpan> {
    PHASES
        .iter()
        .filter_map(|(name, from, to)| {
            let (a, b) = (record.milestone(*from)?, record.milestone(*to)?);
            (b >= a).then(|| PhaseSpan {
                phase: name.to_string(),
                start: a,
                end: b,
            })
        })
        .collect()
}

/// The record's milestones as chart markers.
pub fn chart_milestones(record: &IncidentRecord) -> Vec<ChartMilestone> {
    record
        .milestones
        .iter()
        .map(|m| ChartMilestone {
            label: milestone_label(m.kind).to_string(),
            at: m.at.0,
        })
        .collect()
}

/// The three charts of an incident: events over time with milestones and phase bands,
/// hosts as swimlanes, the phase span chart. As (id, caption, SVG).
pub fn incident_charts(
    record: &IncidentRecord,
    timeline: &Timeline,
) -> Result<Vec<(String, String, String)>> {
    let milestones = chart_milestones(record);
    let phases = phase_spans(record);
    let hist = timeline.histogram(60)?;
    let over_time = chart::incident_timeline(&hist, &milestones, &phases, 1100, 380)?;
    let lanes: Vec<Lane> = timeline
        .times_by("host", MAX_LANES)?
        .into_iter()
        .map(|(label, times)| Lane {
            label: if label == "(none)" {
                "(no host)".to_string()
            } else {
                label
            },
            times,
        })
        .collect();
    let bucket = hist.bucket_seconds.max(60);
    let lane_height = 120 + 26 * lanes.len().max(1) as u32;
    let hosts = chart::swimlanes("Events per host (UTC)", &lanes, bucket, 1100, lane_height)?;
    let spans = chart::phase_spans(&phases, &milestones, 1100, 260)?;
    Ok(vec![
        (
            "incident-timeline".into(),
            "Events over time with the incident milestones and phases (UTC)".into(),
            over_time,
        ),
        (
            "host-swimlanes".into(),
            "Events per host over time (UTC)".into(),
            hosts,
        ),
        (
            "phase-spans".into(),
            "How long each phase of the response lasted (UTC)".into(),
            spans,
        ),
    ])
}

/// The follow-up items of the record as tracker items for [`super::bugs`].
pub fn bug_list(record: &IncidentRecord) -> Vec<super::bugs::FollowUp> {
    record.follow_ups.iter().map(tracker_item).collect()
}

fn tracker_item(f: &RecordFollowUp) -> super::bugs::FollowUp {
    use crate::incident::{FollowUpStatus, FollowUpType, Priority};
    let tracker = f.tracker.trim();
    let is_url = tracker.starts_with("http://") || tracker.starts_with("https://");
    super::bugs::FollowUp {
        title: f.title.clone(),
        description: f.description.clone(),
        kind: match f.kind {
            FollowUpType::Investigate => "Task",
            FollowUpType::Mitigate => "Task",
            FollowUpType::Repair => "Bug",
            FollowUpType::Detect => "Story",
            FollowUpType::Prevent => "Story",
            FollowUpType::Process => "Task",
        }
        .to_string(),
        owner: Some(f.owner.trim().to_string()).filter(|o| !o.is_empty()),
        priority: Some(
            match f.priority {
                Priority::P0 => "Highest",
                Priority::P1 => "High",
                Priority::P2 => "Medium",
                Priority::P3 => "Low",
            }
            .to_string(),
        ),
        due: f.due.map(|d| format_micros(d.0)[..10].to_string()),
        status: match f.status {
            FollowUpStatus::Open => "open",
            FollowUpStatus::InProgress => "in progress",
            FollowUpStatus::Done => "done",
            FollowUpStatus::WontDo => "won't do",
        }
        .to_string(),
        tracker_key: (!tracker.is_empty() && !is_url).then(|| tracker.to_string()),
        tracker_url: is_url.then(|| tracker.to_string()),
        lesson: f.lesson.map(|l| l.question().to_string()),
        labels: vec![
            "incident".to_string(),
            format!("follow-up-{}", f.kind.as_str()),
        ],
    }
}

/// A custody entry's details (a JSON object) as `key: value` lines, without the hashes
/// the evidence table already shows.
fn custody_details(details: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(details) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .filter(|(k, v)| !matches!(k.as_str(), "sha256" | "sha1" | "md5") && !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => details.to_string(),
    }
}

fn section(id: &str, heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        id: id.into(),
        heading: heading.into(),
        blocks,
    }
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

fn para(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn or_gap(text: &str, gap: &str) -> String {
    if text.trim().is_empty() {
        format!("[{gap}]")
    } else {
        text.trim().to_string()
    }
}

fn when(t: Option<Micros>) -> String {
    t.map(format_micros).unwrap_or_else(|| "not set".into())
}

fn status_label(status: &str) -> &str {
    match status {
        "draft" => "Draft",
        "in_review" => "In review",
        "final" => "Final",
        other => other,
    }
}

fn lesson_answer(record: &IncidentRecord, topic: LessonTopic) -> String {
    or_gap(record.lesson(topic).unwrap_or(""), "not answered")
}

/// Builds the lessons-learned report of a case.
pub fn lessons_report(case: &Case, timeline: &Timeline) -> Result<Document> {
    let meta = case.meta()?;
    let record = case.incident_record()?;
    let status = case.report_status()?;
    let evidence = case.evidence()?;
    let names: HashMap<i64, &str> = evidence
        .iter()
        .map(|e| (e.id, e.file_name.as_str()))
        .collect();
    let evidence_of = |id: i64| names.get(&id).copied().unwrap_or("?").to_string();
    let d = &record.details;

    // Title block.
    let (status_text, authors, status_at) = match &status {
        Some(ReportStatusRow {
            status,
            authors,
            updated_at,
            ..
        }) => (
            status_label(status).to_string(),
            if authors.is_empty() {
                "[no authors named]".to_string()
            } else {
                authors.join(", ")
            },
            format_micros(*updated_at),
        ),
        None => (
            "Draft".to_string(),
            "[no authors named]".to_string(),
            "never set".to_string(),
        ),
    };
    let first = record.milestones.iter().map(|m| m.at.0).min();
    let last = record.milestones.iter().map(|m| m.at.0).max();
    let title_block = vec![
        field("Case", format!("{} ({})", meta.case_id, d.title)),
        field("Report status", status_text),
        field("Authors", authors),
        field("Status set (UTC)", status_at),
        field(
            "Incident (UTC)",
            match (first, last) {
                (Some(a), Some(b)) => format!("{} to {}", format_micros(a), format_micros(b)),
                _ => "no milestones set".into(),
            },
        ),
        field("Case opened (UTC)", format_micros(meta.created_at)),
        field("Case last changed (UTC)", format_micros(meta.updated_at)),
        field(
            "Sealed (UTC)",
            meta.sealed_at
                .map(format_micros)
                .unwrap_or_else(|| "not sealed".into()),
        ),
    ];

    let mut sections = Vec::new();

    // Summary.
    sections.push(section(
        "summary",
        "Summary",
        vec![
            para(or_gap(&d.summary, "no summary written")),
            Block::Fields {
                fields: vec![
                    field("Category", d.category.as_str()),
                    field("Severity", d.severity.as_str()),
                    field("NIST phase", d.phase.as_str()),
                    field("Incident status", d.status.as_str()),
                    field(
                        "Regimes",
                        if record.regimes.is_empty() {
                            "none chosen".to_string()
                        } else {
                            record.regimes.join(", ")
                        },
                    ),
                ],
            },
        ],
    ));

    // Impact.
    let rating = |v: Option<String>| v.unwrap_or_else(|| "not rated".into());
    let mut impact = vec![Block::Fields {
        fields: vec![
            field(
                "Functional impact",
                rating(d.impact.functional.map(|x| x.as_str().to_string())),
            ),
            field(
                "Information impact",
                rating(d.impact.information.map(|x| x.as_str().to_string())),
            ),
            field(
                "Recoverability",
                rating(d.impact.recoverability.map(|x| x.as_str().to_string())),
            ),
            field(
                "People affected",
                thousands(record.people_affected().max(0) as u64),
            ),
            field(
                "Records affected",
                thousands(record.records_affected().max(0) as u64),
            ),
        ],
    }];
    if !record.affected.is_empty() {
        impact.push(Block::Table(Table {
            columns: vec![
                Column::text("Affected"),
                Column::text("Kind"),
                Column::number("People"),
                Column::number("Records"),
                Column::text("Notes"),
            ],
            rows: record
                .affected
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.kind.as_str().to_string(),
                        p.people_affected
                            .map(|n| thousands(n.max(0) as u64))
                            .unwrap_or_else(|| "unknown".into()),
                        p.records_affected
                            .map(|n| thousands(n.max(0) as u64))
                            .unwrap_or_else(|| "unknown".into()),
                        p.notes.clone(),
                    ]
                })
                .collect(),
            note: None,
        }));
    }
    if !record.assets.is_empty() {
        impact.push(Block::Table(Table {
            columns: vec![
                Column::text("Affected asset"),
                Column::text("Kind"),
                Column::text("Notes"),
            ],
            rows: record
                .assets
                .iter()
                .map(|a| vec![a.name.clone(), a.kind.clone(), a.notes.clone()])
                .collect(),
            note: None,
        }));
    }
    sections.push(section("impact", "Impact", impact));

    // Timeline of key events: milestones and starred events.
    let charts = incident_charts(&record, timeline)?;
    let figure = |i: usize| {
        let (id, caption, svg) = &charts[i];
        Block::Figure(Figure {
            id: id.clone(),
            caption: caption.clone(),
            svg: svg.clone(),
        })
    };
    // (time, order, row)
    let mut key: Vec<(Option<Micros>, i64, Vec<String>)> = Vec::new();
    for m in &record.milestones {
        let (evidence_cell, detail) = match m.event_id.map(|id| timeline.row(id)).transpose()? {
            Some(Some(r)) => (
                format!("{} {}", evidence_of(r.evidence_id), r.locator),
                if m.note.trim().is_empty() {
                    r.message.clone()
                } else {
                    format!("{}\n{}", m.note.trim(), r.message)
                },
            ),
            _ => ("(set by hand)".to_string(), m.note.clone()),
        };
        key.push((
            Some(m.at.0),
            0,
            vec![
                format_micros(m.at.0),
                format!("Milestone: {}", milestone_label(m.kind)),
                String::new(),
                detail,
                evidence_cell,
            ],
        ));
    }
    let starred: Vec<i64> = case
        .annotation_columns()?
        .marks
        .into_iter()
        .filter(|m| m.1)
        .map(|m| m.0)
        .collect();
    for id in &starred {
        if let Some(r) = timeline.row(*id)? {
            let ts = r.ts.clone();
            let at = ts
                .as_deref()
                .and_then(|t| crate::time::parse_user_time(t).ok());
            let mut detail = r.message.clone();
            if let Some(n) = r.note.as_deref().filter(|n| !n.trim().is_empty()) {
                detail = format!("{}\nNote: {}", detail, n.trim());
            }
            key.push((
                at,
                1,
                vec![
                    ts.unwrap_or_else(|| "(no time)".into()),
                    format!("Starred event #{}", r.id),
                    r.host.clone().unwrap_or_default(),
                    detail,
                    format!("{} {}", evidence_of(r.evidence_id), r.locator),
                ],
            ));
        }
    }
    key.sort_by(|a, b| (a.0.is_none(), a.0, a.1, &a.2).cmp(&(b.0.is_none(), b.0, b.1, &b.2)));
    sections.push(section(
        "key-events",
        "Timeline of key events",
        vec![
            figure(0),
            para(format!(
                "{} milestones and {} starred events, in time order. Evidence names the file \
                 and where in it the event was read.",
                record.milestones.len(),
                starred.len()
            )),
            Block::Table(Table {
                columns: vec![
                    Column::mono("Time (UTC)"),
                    Column::text("What"),
                    Column::text("Host"),
                    Column::text("Detail"),
                    Column::text("Evidence"),
                ],
                rows: key.into_iter().map(|k| k.2).collect(),
                note: None,
            }),
            figure(1),
        ],
    ));

    // Detection.
    let m = metrics(&record);
    let metric_text = |name: &str| {
        m.metrics
            .iter()
            .find(|x| x.name == name)
            .map(|x| x.text.clone())
            .unwrap_or_else(|| "—".into())
    };
    let mut detection = vec![Block::Fields {
        fields: vec![
            field(
                "Impact started (UTC)",
                when(record.milestone(MilestoneKind::ImpactStarted)),
            ),
            field(
                "Detected (UTC)",
                when(record.milestone(MilestoneKind::Detected)),
            ),
            field(
                "Awareness (UTC)",
                when(record.milestone(MilestoneKind::Awareness)),
            ),
            field(
                "Declared (UTC)",
                when(record.milestone(MilestoneKind::Declared)),
            ),
            field("Time to detect", metric_text("time_to_detect")),
        ],
    }];
    if let Some(ms) = record
        .milestones
        .iter()
        .find(|x| x.kind == MilestoneKind::Detected)
    {
        if let Some(Some(r)) = ms.event_id.map(|id| timeline.row(id)).transpose()? {
            detection.push(Block::Raw {
                caption: Some(format!(
                    "The event that marked detection: {} {}",
                    evidence_of(r.evidence_id),
                    r.locator
                )),
                text: r.message.clone(),
            });
        }
    }
    detection.push(Block::Section(section(
        "precursors",
        LessonTopic::PrecursorsToWatch.question(),
        vec![para(lesson_answer(&record, LessonTopic::PrecursorsToWatch))],
    )));
    sections.push(section("detection", "Detection", detection));

    // Response and recovery: the actions log with approvals.
    let action_rows: Vec<Vec<String>> = record
        .actions
        .iter()
        .map(|a| {
            let approvals = a
                .approvals
                .iter()
                .map(|p| {
                    let mut s = format!("{} at {}", p.approver, format_micros(p.at.0));
                    if let Some(r) = p.role {
                        s = format!("{} ({})", s, r.as_str());
                    }
                    if !p.note.trim().is_empty() {
                        s = format!("{}: {}", s, p.note.trim());
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                a.at.map(|t| format_micros(t.0))
                    .unwrap_or_else(|| "—".into()),
                a.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
                a.kind.as_str().to_string(),
                if a.notes.trim().is_empty() {
                    a.what.clone()
                } else {
                    format!("{}\n{}", a.what, a.notes.trim())
                },
                a.owner.clone(),
                a.status.as_str().to_string(),
                if approvals.is_empty() {
                    "none".into()
                } else {
                    approvals
                },
            ]
        })
        .collect();
    sections.push(section(
        "response",
        "Response and recovery",
        vec![
            Block::Fields {
                fields: vec![
                    field(
                        "Contained (UTC)",
                        when(record.milestone(MilestoneKind::Contained)),
                    ),
                    field(
                        "Eradicated (UTC)",
                        when(record.milestone(MilestoneKind::Eradicated)),
                    ),
                    field(
                        "Recovered (UTC)",
                        when(record.milestone(MilestoneKind::Recovered)),
                    ),
                    field(
                        "Closed (UTC)",
                        when(record.milestone(MilestoneKind::Closed)),
                    ),
                ],
            },
            figure(2),
            para(format!(
                "The containment, eradication and recovery log: {} actions.",
                record.actions.len()
            )),
            Block::Table(Table {
                columns: vec![
                    Column::mono("When (UTC)"),
                    Column::text("Stage"),
                    Column::text("Kind"),
                    Column::text("Action"),
                    Column::text("Owner"),
                    Column::text("Status"),
                    Column::text("Approvals"),
                ],
                rows: action_rows,
                note: None,
            }),
        ],
    ));

    // Root cause and contributing factors.
    sections.push(section(
        "root-cause",
        "Root cause and contributing factors",
        vec![
            Block::Section(section(
                "what-happened",
                LessonTopic::WhatHappened.question(),
                vec![para(lesson_answer(&record, LessonTopic::WhatHappened))],
            )),
            Block::Section(section(
                "contributing-factors",
                "Contributing factors",
                vec![para(lesson_answer(
                    &record,
                    LessonTopic::ContributingFactors,
                ))],
            )),
        ],
    ));

    // The lessons.
    let mut lesson_blocks = Vec::new();
    for (heading, topic) in [
        ("What went well", LessonTopic::WentWell),
        ("What went wrong", LessonTopic::WentWrong),
        ("Where we got lucky", LessonTopic::GotLucky),
    ] {
        lesson_blocks.push(Block::Section(section(
            topic.as_str(),
            heading,
            vec![para(lesson_answer(&record, topic))],
        )));
    }
    for topic in [
        LessonTopic::StaffPerformance,
        LessonTopic::InformationNeededSooner,
        LessonTopic::HinderedRecovery,
        LessonTopic::DoDifferently,
        LessonTopic::InformationSharing,
        LessonTopic::CorrectiveActions,
        LessonTopic::MissingTools,
    ] {
        lesson_blocks.push(Block::Section(section(
            topic.as_str(),
            topic.question(),
            vec![para(lesson_answer(&record, topic))],
        )));
    }
    sections.push(section("lessons", "Lessons learned", lesson_blocks));

    // Metrics.
    let mut metric_blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text("Metric"),
            Column::text("From"),
            Column::text("To"),
            Column::number("Duration"),
        ],
        rows: m
            .metrics
            .iter()
            .map(|x| {
                vec![
                    x.label.clone(),
                    milestone_label(x.from).to_string(),
                    milestone_label(x.to).to_string(),
                    x.text.clone(),
                ]
            })
            .collect(),
        note: None,
    })];
    if !m.warnings.is_empty() {
        metric_blocks.push(Block::Bullets {
            items: m.warnings.clone(),
        });
    }
    sections.push(section("metrics", "Metrics", metric_blocks));

    // Follow-up items.
    let items = bug_list(&record);
    let follow_rows = record
        .follow_ups
        .iter()
        .map(|f| {
            vec![
                f.id.to_string(),
                f.title.clone(),
                f.kind.as_str().to_string(),
                f.priority.as_str().to_string(),
                f.owner.clone(),
                f.due
                    .map(|d| format_micros(d.0)[..10].to_string())
                    .unwrap_or_default(),
                f.status.as_str().to_string(),
                f.tracker.clone(),
            ]
        })
        .collect();
    sections.push(section(
        "follow-ups",
        "Follow-up items",
        vec![
            Block::Table(Table {
                columns: vec![
                    Column::number("#"),
                    Column::text("Item"),
                    Column::text("Type"),
                    Column::text("Priority"),
                    Column::text("Owner"),
                    Column::mono("Due"),
                    Column::text("Status"),
                    Column::text("Tracker"),
                ],
                rows: follow_rows,
                note: None,
            }),
            super::bugs::checklist_block(&items),
        ],
    ));

    // Appendices.
    let mut evidence_blocks = vec![Block::PageBreak];
    evidence_blocks.push(Block::Table(Table {
        columns: vec![
            Column::number("#"),
            Column::text("File"),
            Column::number("Bytes"),
            Column::mono("Hashes"),
            Column::number("Events"),
            Column::number("Issues"),
        ],
        rows: evidence
            .iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    format!("{}\n{}", e.file_name, e.original_path),
                    thousands(e.size.max(0) as u64),
                    format!("SHA-256 {}\nSHA-1 {}\nMD5 {}", e.sha256, e.sha1, e.md5),
                    thousands(e.events.max(0) as u64),
                    thousands(e.issues.max(0) as u64),
                ]
            })
            .collect(),
        note: None,
    }));
    let mut custody_rows = Vec::new();
    for e in &evidence {
        for c in case.custody(e.id)? {
            custody_rows.push(vec![
                e.id.to_string(),
                format_micros(c.at),
                c.actor,
                c.action,
                custody_details(&c.details),
            ]);
        }
    }
    evidence_blocks.push(Block::Table(Table {
        columns: vec![
            Column::number("#"),
            Column::mono("When (UTC)"),
            Column::text("Who"),
            Column::text("What"),
            Column::text("Details"),
        ],
        rows: custody_rows,
        note: Some("Chain of custody of each evidence item.".into()),
    }));
    sections.push(section(
        "appendix-evidence",
        "Appendix A: evidence and custody",
        evidence_blocks,
    ));

    let indicators = case.indicators()?;
    let hit: Vec<_> = indicators.iter().filter(|i| i.hits > 0).collect();
    let mut ioc_blocks = vec![para(format!(
        "{} indicators in the case; {} hit at least one event.",
        thousands(indicators.len() as u64),
        thousands(hit.len() as u64)
    ))];
    if !hit.is_empty() {
        ioc_blocks.push(Block::Table(Table {
            columns: vec![
                Column::text("Type"),
                Column::mono("Indicator"),
                Column::number("Events"),
                Column::mono("First seen (UTC)"),
                Column::mono("Last seen (UTC)"),
                Column::text("Lists"),
            ],
            rows: hit
                .iter()
                .map(|i| {
                    vec![
                        i.kind.clone(),
                        i.value.clone(),
                        thousands(i.hits.max(0) as u64),
                        i.first_seen.clone().unwrap_or_default(),
                        i.last_seen.clone().unwrap_or_default(),
                        i.lists.clone(),
                    ]
                })
                .collect(),
            note: None,
        }));
    }
    sections.push(section(
        "appendix-iocs",
        "Appendix B: indicators of compromise with hits",
        ioc_blocks,
    ));

    let mut kinds: BTreeMap<(String, String), u64> = BTreeMap::new();
    case.for_each_issue(|i| {
        *kinds
            .entry((evidence_of(i.evidence_id), i.reason.clone()))
            .or_default() += 1;
        Ok(())
    })?;
    let total: u64 = kinds.values().sum();
    let mut kinds: Vec<((String, String), u64)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let shown = kinds.len().min(ISSUE_KINDS_SHOWN);
    let mut issue_blocks = vec![para(format!(
        "{} lines or records did not become events; each is kept in the case with its raw \
         text (tideline issues lists them).",
        thousands(total)
    ))];
    if !kinds.is_empty() {
        issue_blocks.push(Block::Table(Table {
            columns: vec![
                Column::text("Evidence"),
                Column::text("Why"),
                Column::number("Lines"),
            ],
            rows: kinds[..shown]
                .iter()
                .map(|((e, r), n)| vec![e.clone(), r.clone(), thousands(*n)])
                .collect(),
            note: (kinds.len() > shown)
                .then(|| format!("The {shown} most frequent of {} kinds shown.", kinds.len())),
        }));
    }
    sections.push(section(
        "appendix-issues",
        "Appendix C: import issues",
        issue_blocks,
    ));

    // Sign-off.
    let mut signers: Vec<Vec<String>> = Vec::new();
    for role in [
        Role::IncidentResponseLead,
        Role::SecurityIncidentOwner,
        Role::ExecutiveIncidentManager,
    ] {
        let people: Vec<_> = record.people.iter().filter(|p| p.role == role).collect();
        if people.is_empty() {
            signers.push(vec![
                role.as_str().replace('_', " "),
                "[nobody named]".into(),
                String::new(),
                String::new(),
            ]);
        }
        for p in people {
            signers.push(vec![
                role.as_str().replace('_', " "),
                p.name.clone(),
                String::new(),
                String::new(),
            ]);
        }
    }
    sections.push(section(
        "sign-off",
        "Sign-off",
        vec![
            para(
                "By signing, each person confirms that this report is a true account of the \
                 incident and the response as far as they know.",
            ),
            Block::Table(Table {
                columns: vec![
                    Column::text("Role"),
                    Column::text("Name"),
                    Column::text("Signature"),
                    Column::text("Date"),
                ],
                rows: signers,
                note: None,
            }),
            Block::Checklist {
                items: vec![
                    CheckItem {
                        text: "Report reviewed by the incident response lead".into(),
                        done: status
                            .as_ref()
                            .is_some_and(|s| s.status == "in_review" || s.status == "final"),
                    },
                    CheckItem {
                        text: "Report approved as final".into(),
                        done: status.as_ref().is_some_and(|s| s.status == "final"),
                    },
                ],
            },
        ],
    ));

    Ok(Document {
        title: format!("Lessons learned: {}", d.title),
        subtitle: Some("Post-incident report".into()),
        title_block,
        sections,
    })
}
