//! The incident record: what the responders did and owe, beside the timeline of what the
//! attacker did.
//!
//! It follows NIST SP 800-61 (Preparation; Detection & Analysis; Containment,
//! Eradication & Recovery; Post-Incident Activity). [`IncidentRecord`] is the whole record
//! of one case as plain serde data — details and impact ratings, people and their roles,
//! affected assets, tenants and customers, related cases, milestones, actions with their
//! approvals, follow-up items, lessons learned and the notifications sent — read in one
//! call with [`crate::Case::incident_record`]. Everything else is derived from it:
//! [`metrics`] (time to detect, contain, ...), [`deadlines`] (the notifications owed, from
//! rules kept as data) and [`library`] (figures across a folder of cases).
//!
//! Every change goes through [`edit`]: one transaction per change, refused on a sealed
//! or read-only case, written to the hash-chained audit log with the actor. The SQL is in
//! `store/incident.rs`.

pub mod deadlines;
pub mod edit;
pub mod holidays;
pub mod library;
pub mod metrics;
pub mod vocab;

use serde::{Deserialize, Serialize};

pub use vocab::*;

use crate::time::{format_micros, parse_user_time, Micros};

/// A UTC time, kept as microseconds and written as RFC 3339 text
/// (`2026-03-14T02:11:09.000000Z`) in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(pub Micros);

impl Serialize for UtcTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_micros(self.0))
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_user_time(&text)
            .map(UtcTime)
            .map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for UtcTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_micros(self.0))
    }
}

/// The whole incident record of one case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IncidentRecord {
    pub case_id: String,
    pub details: Details,
    /// The notification regimes that apply (`gdpr`, `nis2`, `dora`, `sec`, `hipaa`, or a
    /// regime of a user's rules file), chosen per case.
    pub regimes: Vec<String>,
    pub people: Vec<Person>,
    pub assets: Vec<Asset>,
    /// Tenants and customers affected, with counts of people and records.
    pub affected: Vec<AffectedParty>,
    pub related: Vec<RelatedCase>,
    /// At most one per kind, in [`MilestoneKind`] order.
    pub milestones: Vec<Milestone>,
    /// The containment, eradication and recovery log, oldest first.
    pub actions: Vec<Action>,
    /// The follow-up (bug) list, in the order they were added.
    pub follow_ups: Vec<FollowUp>,
    /// Answered topics only, in [`LessonTopic`] order.
    pub lessons: Vec<Lesson>,
    /// Notifications actually sent, oldest first.
    pub notifications: Vec<NotificationSent>,
    pub sealed_at: Option<UtcTime>,
}

impl IncidentRecord {
    /// The time of one milestone, if set.
    pub fn milestone(&self, kind: MilestoneKind) -> Option<Micros> {
        self.milestones
            .iter()
            .find(|m| m.kind == kind)
            .map(|m| m.at.0)
    }

    /// People affected, summed over the affected tenants and customers that give a count.
    pub fn people_affected(&self) -> i64 {
        self.affected.iter().filter_map(|p| p.people_affected).sum()
    }

    /// Records affected, summed likewise.
    pub fn records_affected(&self) -> i64 {
        self.affected
            .iter()
            .filter_map(|p| p.records_affected)
            .sum()
    }

    /// The answer to one lessons-learned topic, if given.
    pub fn lesson(&self, topic: LessonTopic) -> Option<&str> {
        self.lessons
            .iter()
            .find(|l| l.topic == topic)
            .map(|l| l.answer.as_str())
    }
}

/// The case's details. Title, severity, phase and status are mirrored into the case's
/// own header record (what the app's header shows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Details {
    pub title: String,
    pub summary: String,
    pub category: Category,
    pub severity: Severity,
    pub status: Status,
    pub phase: Phase,
    pub impact: Impact,
    /// Keep the case (and its evidence) at least until this time.
    pub retain_until: Option<UtcTime>,
    /// Under legal hold: must not be destroyed whatever the retention says.
    pub legal_hold: bool,
    pub legal_hold_reason: String,
}

/// The NIST SP 800-61 impact ratings; `None` until rated.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Impact {
    pub functional: Option<FunctionalImpact>,
    pub information: Option<InformationImpact>,
    pub recoverability: Option<Recoverability>,
}

/// One person of the response, with a role and contact details.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

/// One affected asset (host, account, service, data store: `kind` is free text).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Asset {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub notes: String,
}

/// One affected tenant or customer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AffectedParty {
    pub id: i64,
    pub kind: PartyKind,
    pub name: String,
    pub people_affected: Option<i64>,
    pub records_affected: Option<i64>,
    pub notes: String,
}

/// Another case (a ticket, an earlier incident) this one relates to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RelatedCase {
    pub id: i64,
    /// A case id, ticket key or URL.
    pub reference: String,
    /// How it relates, e.g. "same actor", "duplicate", "parent".
    pub relation: String,
    pub notes: String,
}

/// Where a milestone's time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneSource {
    /// Typed in by a person.
    Manual,
    /// Taken from a timeline event (its `event_id` is kept).
    Event,
}

/// One milestone: a UTC time with its source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub at: UtcTime,
    pub source: MilestoneSource,
    /// The timeline event it was set from, when `source` is `event`.
    pub event_id: Option<i64>,
    pub note: String,
    pub set_by: String,
    pub set_at: UtcTime,
}

/// One entry of the containment, eradication and recovery log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Action {
    pub id: i64,
    /// What was (or is to be) done.
    pub what: String,
    pub kind: ActionKind,
    pub stage: Option<ActionStage>,
    pub status: ActionStatus,
    /// Who does it.
    pub owner: String,
    /// When it was done (or is planned).
    pub at: Option<UtcTime>,
    /// Timeline events it relates to.
    pub event_ids: Vec<i64>,
    /// Evidence items it relates to.
    pub evidence_ids: Vec<i64>,
    pub notes: String,
    pub approvals: Vec<Approval>,
    pub created_by: String,
    pub created_at: UtcTime,
}

/// An approval of an action (e.g. by the executive incident manager).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Approval {
    pub id: i64,
    pub approver: String,
    pub role: Option<Role>,
    pub at: UtcTime,
    pub note: String,
}

/// One follow-up item of the bug list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FollowUp {
    pub id: i64,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: FollowUpType,
    pub owner: String,
    pub priority: Priority,
    pub due: Option<UtcTime>,
    pub status: FollowUpStatus,
    /// A tracker key (`SEC-123`) or URL.
    pub tracker: String,
    /// The lessons-learned topic it answers.
    pub lesson: Option<LessonTopic>,
    pub created_by: String,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

/// The answer to one lessons-learned topic.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lesson {
    pub topic: LessonTopic,
    /// The question or heading, as shown to people.
    pub question: String,
    pub answer: String,
    pub updated_by: String,
    pub updated_at: UtcTime,
}

/// A notification actually sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotificationSent {
    pub id: i64,
    /// The deadline rule it answers (e.g. `gdpr_art33`).
    pub rule: String,
    pub sent_at: UtcTime,
    /// To whom (an authority, the customers, the media).
    pub recipient: String,
    /// How (portal, email, letter, press release).
    pub channel: String,
    /// The text sent.
    pub text: String,
    /// Why it was sent after its deadline, when it was.
    pub late_reason: String,
    pub recorded_by: String,
}
