//! The case report: what the case holds, as a [`Document`].
//!
//! The case summary, the evidence register with hashes, event counts per source and host,
//! an events-over-time chart, the key events with their evidence and locator, the import
//! issues and the audit log. Reads the case; writes nothing.

use std::collections::HashMap;

use super::doc::{Block, Column, Document, Field, Figure, Section, Table};
use crate::error::Result;
use crate::store::Case;
use crate::time::format_micros;
use crate::timeline::Timeline;

/// Actions that make an event a key event in the report.
pub const KEY_ACTIONS: [&str; 11] = [
    "auth_success",
    "sudo",
    "su",
    "user_created",
    "user_deleted",
    "breakin_attempt",
    "group_member_added",
    "service_installed",
    "scheduled_task_created",
    "explicit_credentials_logon",
    "log_cleared",
];
/// Severities that make an event a key event: syslog's names and the Windows /
/// CloudTrail ones.
pub const KEY_SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "critical", "error", "fatal",
];
const KEY_EVENTS_SHOWN: usize = 500;
const ISSUES_SHOWN: usize = 200;

/// Groups digits in threes: 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn section(id: &str, heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        id: id.into(),
        heading: heading.into(),
        blocks,
    }
}

fn field(label: &str, value: String) -> Field {
    Field {
        label: label.into(),
        value,
    }
}

/// Builds the case report.
pub fn case_report(case: &Case, timeline: &Timeline) -> Result<Document> {
    let meta = case.meta()?;
    let evidence = case.evidence()?;
    let issues_total = case.issue_count()?;
    let audit = case.audit_log()?;
    let span = timeline.span()?;

    let summary = vec![
        field("Case id", meta.case_id.clone()),
        field("Severity", meta.severity.clone()),
        field("NIST phase", meta.phase.clone()),
        field("Status", meta.status.clone()),
        field("Created (UTC)", format_micros(meta.created_at)),
        field("Last changed (UTC)", format_micros(meta.updated_at)),
        field(
            "Sealed (UTC)",
            meta.sealed_at
                .map(format_micros)
                .unwrap_or_else(|| "not sealed".into()),
        ),
        field("Evidence items", thousands(evidence.len() as u64)),
        field(
            "Events / import issues",
            format!(
                "{} / {}",
                thousands(timeline.len() as u64),
                thousands(issues_total as u64)
            ),
        ),
        field(
            "Events span (UTC)",
            span.map(|(a, b)| format!("{} to {}", format_micros(a), format_micros(b)))
                .unwrap_or_else(|| "no timed events".into()),
        ),
    ];
    let mut sections = vec![section(
        "summary",
        "Case summary",
        vec![Block::Fields { fields: summary }],
    )];

    let evidence_rows = evidence
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                format!("{}\n{}", e.file_name, e.original_path),
                e.format.clone().unwrap_or_default(),
                thousands(e.size as u64),
                format!("SHA-256 {}\nSHA-1 {}\nMD5 {}", e.sha256, e.sha1, e.md5),
                e.acquired_at.map(format_micros).unwrap_or_default(),
                format!("{} by {}", format_micros(e.imported_at), e.imported_by),
                thousands(e.events as u64),
                thousands(e.issues as u64),
            ]
        })
        .collect();
    sections.push(section(
        "evidence",
        "Evidence",
        vec![Block::Table(Table {
            columns: vec![
                Column::number("#"),
                Column::text("File"),
                Column::text("Format"),
                Column::number("Bytes"),
                Column::mono("Hashes"),
                Column::text("Acquired (mtime, UTC)"),
                Column::text("Imported (UTC) by"),
                Column::number("Events"),
                Column::number("Issues"),
            ],
            rows: evidence_rows,
            note: None,
        })],
    ));

    for (id, heading, column) in [
        ("by-source", "Events by source", "source"),
        ("by-host", "Events by host", "host"),
    ] {
        let rows = timeline
            .counts_by(column)?
            .into_iter()
            .map(|(value, n)| vec![value, thousands(n)])
            .collect();
        sections.push(section(
            id,
            heading,
            vec![Block::Table(Table {
                columns: vec![Column::text(column), Column::number("Events")],
                rows,
                note: None,
            })],
        ));
    }

    let svg = super::chart::events_over_time(&timeline.histogram(60)?, 1100, 320)?;
    sections.push(section(
        "over-time",
        "Events over time",
        vec![Block::Figure(Figure {
            id: "events-over-time".into(),
            caption: "Events per hour across all evidence (UTC)".into(),
            svg,
        })],
    ));

    let key = timeline.select_notable(&KEY_ACTIONS, &KEY_SEVERITIES, KEY_EVENTS_SHOWN)?;
    let names: HashMap<i64, &str> = evidence
        .iter()
        .map(|e| (e.id, e.file_name.as_str()))
        .collect();
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let key_rows = key
        .rows
        .iter()
        .map(|r| {
            vec![
                o(&r.ts),
                o(&r.host),
                o(&r.user),
                o(&r.src_ip),
                o(&r.process),
                o(&r.action),
                r.message.clone(),
                format!(
                    "{} {}",
                    names.get(&r.evidence_id).copied().unwrap_or("?"),
                    r.locator
                ),
            ]
        })
        .collect();
    sections.push(section(
        "key-events",
        "Key events",
        vec![
            Block::Paragraph {
                text: format!(
                    "Logins that succeeded, privilege use, account and group changes, new \
                     services and scheduled tasks, cleared logs, break-in warnings and messages \
                     of severity warning or worse: {} events{}.",
                    thousands(key.total as u64),
                    if key.total > key.rows.len() {
                        format!(", the first {} shown", key.rows.len())
                    } else {
                        String::new()
                    }
                ),
            },
            Block::Table(Table {
                columns: vec![
                    Column::mono("Time (UTC)"),
                    Column::text("Host"),
                    Column::text("User"),
                    Column::text("Source IP"),
                    Column::text("Process"),
                    Column::text("Action"),
                    Column::text("Message"),
                    Column::text("Evidence"),
                ],
                rows: key_rows,
                note: None,
            }),
        ],
    ));

    let mut issue_blocks = vec![Block::Paragraph {
        text: format!(
            "{} lines or records did not become events; each is kept in the case with its raw text.",
            thousands(issues_total as u64)
        ),
    }];
    if issues_total > 0 {
        let rows = case
            .issues(ISSUES_SHOWN)?
            .into_iter()
            .map(|i| {
                vec![
                    names
                        .get(&i.evidence_id)
                        .copied()
                        .unwrap_or("?")
                        .to_string(),
                    i.locator,
                    i.reason,
                    String::from_utf8_lossy(&i.raw).into_owned(),
                ]
            })
            .collect();
        issue_blocks.push(Block::Table(Table {
            columns: vec![
                Column::text("Evidence"),
                Column::text("Where"),
                Column::text("Why"),
                Column::mono("Raw"),
            ],
            rows,
            note: (issues_total > ISSUES_SHOWN as i64)
                .then(|| format!("The first {ISSUES_SHOWN} shown.")),
        }));
    }
    sections.push(section("issues", "Import issues", issue_blocks));

    let audit_rows = audit
        .iter()
        .map(|a| {
            vec![
                a.seq.to_string(),
                format_micros(a.at),
                a.actor.clone(),
                a.action.clone(),
            ]
        })
        .collect();
    sections.push(section(
        "audit",
        "Audit log",
        vec![
            Block::Paragraph {
                text: format!(
                    "{} entries, hash-chained; head {}.",
                    audit.len(),
                    audit.last().map(|a| a.hash.as_str()).unwrap_or("(empty)")
                ),
            },
            Block::Table(Table {
                columns: vec![
                    Column::number("#"),
                    Column::mono("When (UTC)"),
                    Column::text("Who"),
                    Column::text("What"),
                ],
                rows: audit_rows,
                note: None,
            }),
        ],
    ));

    Ok(Document {
        title: format!("Incident report: {}", meta.title),
        subtitle: None,
        title_block: Vec::new(),
        sections,
    })
}

/// Renders the case report as one self-contained HTML page.
pub fn case_report_html(case: &Case, timeline: &Timeline) -> Result<String> {
    Ok(super::html::render(&case_report(case, timeline)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
