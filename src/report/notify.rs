//! Notification drafts from the incident record: one for customers in plain language, and
//! one per regulator regime with the fields that regime asks for.
//!
//! A [`Draft`] lists each required field with what the record says, or `None` when the
//! record lacks it; the draft text marks every such gap as `[MISSING: ...]` so nobody
//! sends it unnoticed. The text is meant to be edited before it is sent; what was sent is
//! recorded with [`crate::incident::edit::record_notification`] (the exact text). Drafts
//! read only the case: the same case gives the same draft.
//!
//! The fields follow: GDPR Art. 33(3) (authority) and Art. 34(2) (data subjects); NIS2
//! Art. 23(4) (early warning, notification, final report); DORA Art. 19(4) with the RTS
//! on major incident reporting; SEC Form 8-K Item 1.05; HIPAA 45 CFR 164.404(c).

use serde::{Deserialize, Serialize};

use super::doc::{Block, Column, Document, Field, Section, Table};
use super::thousands;
use crate::error::{Error, Result};
use crate::incident::deadlines::{evaluate, RuleSet};
use crate::incident::{ActionStatus, IncidentRecord, LessonTopic, MilestoneKind, Role};
use crate::store::{Case, IndicatorRow};
use crate::time::format_micros;

/// The kinds of draft: `customer` and the regimes.
pub const KINDS: [&str; 7] = [
    "customer",
    "gdpr_art33",
    "gdpr_art34",
    "nis2",
    "dora",
    "sec",
    "hipaa",
];

/// One field a notification needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftField {
    pub label: String,
    /// What the record says; `None` is a gap.
    pub value: Option<String>,
}

/// A notification draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// `customer` or a regime (`gdpr_art33`, `nis2`, ...).
    pub kind: String,
    /// The deadline rule a sending is recorded against, when there is one.
    pub rule: Option<String>,
    pub title: String,
    pub recipient: String,
    /// The legal reference.
    pub reference: String,
    /// When it is due (UTC), when the record allows computing it.
    pub due: Option<String>,
    pub fields: Vec<DraftField>,
    /// The labels of the fields the record lacks.
    pub gaps: Vec<String>,
    /// The text to send (to be edited).
    pub text: String,
}

/// What the drafts are filled from.
struct Facts<'a> {
    record: &'a IncidentRecord,
    case_id: String,
    indicators: Vec<IndicatorRow>,
}

fn some(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl Facts<'_> {
    fn at(&self, kind: MilestoneKind) -> Option<String> {
        self.record.milestone(kind).map(format_micros)
    }
    fn summary(&self) -> Option<String> {
        some(&self.record.details.summary)
    }
    fn people(&self) -> Option<String> {
        let counted: Vec<_> = self
            .record
            .affected
            .iter()
            .filter(|p| p.people_affected.is_some())
            .collect();
        (!counted.is_empty()).then(|| thousands(self.record.people_affected().max(0) as u64))
    }
    fn records(&self) -> Option<String> {
        let counted = self
            .record
            .affected
            .iter()
            .any(|p| p.records_affected.is_some());
        counted.then(|| thousands(self.record.records_affected().max(0) as u64))
    }
    fn affected_names(&self) -> Option<String> {
        let names: Vec<_> = self
            .record
            .affected
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    }
    fn data_kinds(&self) -> Option<String> {
        let d = &self.record.details;
        let info = d.impact.information?;
        let mut s = format!("information impact: {}", info.as_str());
        let notes: Vec<_> = self
            .record
            .affected
            .iter()
            .filter_map(|p| some(&p.notes))
            .collect();
        if !notes.is_empty() {
            s = format!("{s}; {}", notes.join("; "));
        }
        Some(s)
    }
    fn consequences(&self) -> Option<String> {
        let i = &self.record.details.impact;
        let parts: Vec<String> = [
            i.functional
                .map(|x| format!("functional impact: {}", x.as_str())),
            i.information
                .map(|x| format!("information impact: {}", x.as_str())),
            i.recoverability
                .map(|x| format!("recoverability: {}", x.as_str())),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
    fn measures_taken(&self) -> Option<String> {
        let done: Vec<String> = self
            .record
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Done)
            .map(|a| match a.at {
                Some(t) => format!("{} ({})", a.what.trim(), format_micros(t.0)),
                None => a.what.trim().to_string(),
            })
            .collect();
        (!done.is_empty()).then(|| done.join("\n"))
    }
    fn measures_planned(&self) -> Option<String> {
        let planned: Vec<String> = self
            .record
            .actions
            .iter()
            .filter(|a| matches!(a.status, ActionStatus::Planned | ActionStatus::InProgress))
            .map(|a| a.what.trim().to_string())
            .chain(
                self.record
                    .follow_ups
                    .iter()
                    .filter(|f| {
                        matches!(
                            f.status,
                            crate::incident::FollowUpStatus::Open
                                | crate::incident::FollowUpStatus::InProgress
                        )
                    })
                    .map(|f| f.title.trim().to_string()),
            )
            .collect();
        (!planned.is_empty()).then(|| planned.join("\n"))
    }
    fn contact(&self) -> Option<String> {
        let order = [
            Role::Communications,
            Role::Legal,
            Role::SecurityIncidentOwner,
            Role::IncidentResponseLead,
        ];
        let p = order
            .iter()
            .find_map(|r| self.record.people.iter().find(|p| p.role == *r))?;
        let mut s = p.name.trim().to_string();
        for c in [&p.email, &p.phone] {
            if let Some(c) = some(c) {
                s = format!("{s}, {c}");
            }
        }
        Some(s)
    }
    fn root_cause(&self) -> Option<String> {
        some(
            self.record
                .lesson(LessonTopic::ContributingFactors)
                .unwrap_or(""),
        )
    }
    fn iocs(&self) -> Option<String> {
        let hit: Vec<String> = self
            .indicators
            .iter()
            .filter(|i| i.hits > 0)
            .map(|i| format!("{} {}", i.kind, i.value))
            .collect();
        (!hit.is_empty()).then(|| hit.join("\n"))
    }
    fn malicious(&self) -> Option<String> {
        use crate::incident::Category::*;
        match self.record.details.category {
            Uncategorized => None,
            Misconfiguration | LostOrStolenDevice => Some(format!(
                "not known to be malicious (category: {})",
                self.record.details.category.as_str()
            )),
            c => Some(format!(
                "suspected unlawful or malicious act (category: {})",
                c.as_str()
            )),
        }
    }
    fn severity(&self) -> Option<String> {
        use crate::incident::Severity;
        let d = &self.record.details;
        (d.severity != Severity::Unrated).then(|| d.severity.as_str().to_string())
    }
    fn cross_border(&self) -> Option<String> {
        let t: Vec<_> = self
            .record
            .affected
            .iter()
            .filter(|p| {
                let n = p.notes.to_ascii_lowercase();
                n.contains("country") || n.contains("member state") || n.contains("cross-border")
            })
            .map(|p| format!("{}: {}", p.name, p.notes.trim()))
            .collect();
        (!t.is_empty()).then(|| t.join("\n"))
    }
}

fn f(label: &str, value: Option<String>) -> DraftField {
    DraftField {
        label: label.to_string(),
        value,
    }
}

/// The value or a gap marker, for the text.
fn v(field: &DraftField) -> String {
    field
        .value
        .clone()
        .unwrap_or_else(|| format!("[MISSING: {}]", field.label))
}

/// The regime a kind belongs to and the rule ids that kind may answer.
fn rules_of(kind: &str) -> (&'static str, &'static [&'static str]) {
    match kind {
        "gdpr_art33" => ("gdpr", &["gdpr_art33"]),
        "gdpr_art34" | "customer" => ("gdpr", &["gdpr_art34"]),
        "nis2" => (
            "nis2",
            &[
                "nis2_early_warning",
                "nis2_notification",
                "nis2_final_report",
            ],
        ),
        "dora" => ("dora", &["dora_initial", "dora_intermediate", "dora_final"]),
        "sec" => ("sec", &["sec_8k_item_1_05"]),
        _ => ("hipaa", &["hipaa_individuals", "hipaa_hhs", "hipaa_media"]),
    }
}

/// The notification draft of one kind (see [`KINDS`]) for the case.
pub fn draft(case: &Case, kind: &str) -> Result<Draft> {
    if !KINDS.contains(&kind) {
        return Err(Error::Invalid(format!(
            "unknown notification kind '{kind}'; allowed: {}",
            KINDS.join(", ")
        )));
    }
    let record = case.incident_record()?;
    let facts = Facts {
        record: &record,
        case_id: case.meta()?.case_id,
        indicators: case.indicators()?,
    };
    // The due times depend only on the record; evaluate at the case's last change so the
    // draft does not depend on the clock.
    let rules = RuleSet::builtin();
    let now = case.meta()?.updated_at;
    let deadlines = evaluate(&record, &rules, now)?;
    let sent: Vec<&str> = record
        .notifications
        .iter()
        .map(|n| n.rule.as_str())
        .collect();
    let (_, candidates) = rules_of(kind);
    // The first of the kind's rules not sent yet (the next stage), else the last.
    let rule_id = candidates
        .iter()
        .find(|r| !sent.contains(r))
        .or(candidates.last())
        .map(|r| r.to_string());
    let rule = rule_id.as_deref().and_then(|r| rules.rule(r));
    let due = rule_id.as_deref().and_then(|r| {
        deadlines
            .iter()
            .find(|d| d.rule == r)
            .and_then(|d| d.due)
            .map(|d| d.to_string())
    });
    let title = record.details.title.trim().to_string();

    let (fields, text) = match kind {
        "customer" => customer(&facts, &title),
        "gdpr_art33" => {
            let fields = vec![
                f("Nature of the breach", facts.summary()),
                f("Categories of personal data", facts.data_kinds()),
                f("Approximate number of data subjects", facts.people()),
                f(
                    "Approximate number of personal data records",
                    facts.records(),
                ),
                f(
                    "Data protection officer or other contact point",
                    facts.contact(),
                ),
                f("Likely consequences", facts.consequences()),
                f("Measures taken", facts.measures_taken()),
                f("Measures proposed", facts.measures_planned()),
                f("Became aware (UTC)", facts.at(MilestoneKind::Awareness)),
            ];
            let text = letter(
                "To the competent supervisory authority",
                &format!(
                    "Notification of a personal data breach under Article 33 GDPR (our reference {}).",
                    facts.case_id
                ),
                &fields,
            );
            (fields, text)
        }
        "gdpr_art34" => {
            let fields = vec![
                f("Nature of the breach (plain language)", facts.summary()),
                f("Contact point", facts.contact()),
                f("Likely consequences", facts.consequences()),
                f("Measures taken", facts.measures_taken()),
                f("Measures proposed", facts.measures_planned()),
            ];
            let text = letter(
                "To the people whose personal data is concerned",
                "We are writing to tell you about a personal data breach that concerns you (Article 34 GDPR).",
                &fields,
            );
            (fields, text)
        }
        "nis2" => {
            let fields = vec![
                f("Became aware (UTC)", facts.at(MilestoneKind::Awareness)),
                f("Suspected unlawful or malicious act", facts.malicious()),
                f("Cross-border impact", facts.cross_border()),
                f("Description", facts.summary()),
                f("Severity", facts.severity()),
                f("Impact", facts.consequences()),
                f("Indicators of compromise", facts.iocs()),
                f("Type of threat or root cause", facts.root_cause()),
                f("Mitigation measures applied", facts.measures_taken()),
                f("Mitigation measures ongoing", facts.measures_planned()),
            ];
            let text = letter(
                "To the CSIRT or competent authority",
                &format!(
                    "{} under Article 23 of Directive (EU) 2022/2555 (NIS2), our reference {}.",
                    rule.map(|r| r.name.as_str()).unwrap_or("NIS2 notification"),
                    facts.case_id
                ),
                &fields,
            );
            (fields, text)
        }
        "dora" => {
            let fields = vec![
                f("Incident reference", Some(facts.case_id.clone())),
                f("Detected (UTC)", facts.at(MilestoneKind::Detected)),
                f(
                    "Classified as major (UTC)",
                    facts.at(MilestoneKind::ClassifiedMajor),
                ),
                f("Description", facts.summary()),
                f("Severity", facts.severity()),
                f("Clients and counterparts affected", facts.affected_names()),
                f("Number of clients affected", facts.people()),
                f("Data losses", facts.data_kinds()),
                f("Impact on services", facts.consequences()),
                f("Cross-border impact", facts.cross_border()),
                f("Root cause", facts.root_cause()),
                f("Measures taken", facts.measures_taken()),
                f("Measures planned", facts.measures_planned()),
                f("Contained (UTC)", facts.at(MilestoneKind::Contained)),
                f("Recovered (UTC)", facts.at(MilestoneKind::Recovered)),
            ];
            let text = letter(
                "To the competent authority",
                &format!(
                    "{} of a major ICT-related incident under Article 19 of Regulation (EU) 2022/2554 (DORA).",
                    rule.map(|r| r.name.as_str()).unwrap_or("DORA notification")
                ),
                &fields,
            );
            (fields, text)
        }
        "sec" => {
            let fields = vec![
                f(
                    "Materiality determined (UTC)",
                    facts.at(MilestoneKind::MaterialityDetermined),
                ),
                f("Nature of the incident", facts.summary()),
                f("Scope", facts.affected_names()),
                f(
                    "Timing",
                    match (
                        facts.at(MilestoneKind::ImpactStarted),
                        facts.at(MilestoneKind::Detected),
                    ) {
                        (Some(a), Some(b)) => Some(format!("began {a}; detected {b}")),
                        (None, Some(b)) => Some(format!("detected {b}")),
                        _ => None,
                    },
                ),
                f(
                    "Material impact or reasonably likely material impact",
                    facts.consequences(),
                ),
            ];
            let text = letter(
                "Form 8-K, Item 1.05 Material Cybersecurity Incidents",
                "The registrant determined that it experienced a material cybersecurity incident.",
                &fields,
            );
            (fields, text)
        }
        _ => {
            let fields = vec![
                f("What happened", facts.summary()),
                f(
                    "Date of the breach (UTC)",
                    facts.at(MilestoneKind::ImpactStarted),
                ),
                f(
                    "Date of discovery (UTC)",
                    facts.at(MilestoneKind::Awareness),
                ),
                f(
                    "Types of unsecured protected health information",
                    facts.data_kinds(),
                ),
                f(
                    "What we are doing to investigate, mitigate and protect",
                    facts.measures_taken(),
                ),
                f("Steps individuals should take", None),
                f("Contact procedures", facts.contact()),
                f("Individuals affected", facts.people()),
            ];
            let text = letter(
                "To the individuals whose health information is concerned",
                "We are writing to notify you of a breach of your protected health information (45 CFR 164.404).",
                &fields,
            );
            (fields, text)
        }
    };
    let gaps = fields
        .iter()
        .filter(|x| x.value.is_none())
        .map(|x| x.label.clone())
        .collect();
    Ok(Draft {
        kind: kind.to_string(),
        title: match kind {
            "customer" => format!("Customer notification: {title}"),
            _ => format!(
                "{}: {title}",
                rule.map(|r| r.name.clone()).unwrap_or_else(|| kind.into())
            ),
        },
        recipient: match kind {
            "customer" => "affected customers".into(),
            _ => rule.map(|r| r.recipient.clone()).unwrap_or_default(),
        },
        reference: rule.map(|r| r.reference.clone()).unwrap_or_default(),
        rule: rule_id,
        due,
        fields,
        gaps,
        text,
    })
}

/// A letter: salutation, opening line, then each field as a labelled paragraph.
fn letter(to: &str, opening: &str, fields: &[DraftField]) -> String {
    let mut s = format!("{to}\n\n{opening}\n");
    for x in fields {
        s.push_str(&format!("\n{}:\n{}\n", x.label, v(x)));
    }
    s
}

fn customer(facts: &Facts<'_>, title: &str) -> (Vec<DraftField>, String) {
    let fields = vec![
        f("What happened", facts.summary()),
        f(
            "When it happened (UTC)",
            facts.at(MilestoneKind::ImpactStarted),
        ),
        f("When we found out (UTC)", facts.at(MilestoneKind::Detected)),
        f("The effect on your data", facts.data_kinds()),
        f("What we have done", facts.measures_taken()),
        f("What we are still doing", facts.measures_planned()),
        f("What you should do", None),
        f("Whom to contact", facts.contact()),
    ];
    let text = format!(
        "Dear customer,\n\n\
         We are writing to tell you about a security incident ({title}) and what it means for you.\n\n\
         What happened\n{}\n\n\
         When\nIt started on {} and we found it on {}.\n\n\
         What it means for your data\n{}\n\n\
         What we have done\n{}\n\n\
         What we are still doing\n{}\n\n\
         What you should do\n{}\n\n\
         Whom to contact\nIf you have questions, please contact {}.\n\n\
         We are sorry for the trouble this causes you.\n",
        v(&fields[0]),
        v(&fields[1]),
        v(&fields[2]),
        v(&fields[3]),
        v(&fields[4]),
        v(&fields[5]),
        v(&fields[6]),
        v(&fields[7]),
    );
    (fields, text)
}

/// The draft as a document: what it answers, each required field and whether the record
/// has it, the gaps, and the text as it stands (possibly edited).
pub fn draft_document(d: &Draft) -> Document {
    let mut sections = vec![Section {
        id: "text".into(),
        heading: "Text".into(),
        blocks: d
            .text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| Block::Paragraph {
                text: p.trim_end().to_string(),
            })
            .collect(),
    }];
    sections.push(Section {
        id: "fields".into(),
        heading: "Required fields".into(),
        blocks: vec![Block::Table(Table {
            columns: vec![
                Column::text("Field"),
                Column::text("From the incident record"),
            ],
            rows: d
                .fields
                .iter()
                .map(|x| vec![x.label.clone(), v(x)])
                .collect(),
            note: None,
        })],
    });
    sections.push(Section {
        id: "gaps".into(),
        heading: "Gaps".into(),
        blocks: vec![if d.gaps.is_empty() {
            Block::Paragraph {
                text: "The record gives every required field.".into(),
            }
        } else {
            Block::Bullets {
                items: d.gaps.iter().map(|g| format!("MISSING: {g}")).collect(),
            }
        }],
    });
    let mut title_block = vec![
        Field {
            label: "Recipient".into(),
            value: d.recipient.clone(),
        },
        Field {
            label: "Status".into(),
            value: "Draft".into(),
        },
    ];
    if let Some(r) = &d.rule {
        title_block.push(Field {
            label: "Deadline rule".into(),
            value: r.clone(),
        });
    }
    if !d.reference.is_empty() {
        title_block.push(Field {
            label: "Reference".into(),
            value: d.reference.clone(),
        });
    }
    title_block.push(Field {
        label: "Due (UTC)".into(),
        value: d.due.clone().unwrap_or_else(|| "not computable yet".into()),
    });
    Document {
        title: d.title.clone(),
        subtitle: Some("Notification draft".into()),
        title_block,
        sections,
    }
}
