//! The incident record's tables and every SQL statement that reads or writes them.
//!
//! One single-row table holds the details (title, severity, phase and status are mirrored
//! into `case_meta`, which the header shows but the seal does not digest); the rest are
//! ordinary rowid tables, one per kind of item. All of them are sealed. A case made before
//! these tables existed and opened read-only reads as an empty record.

use rusqlite::{params, OptionalExtension, Row};

use super::{Case, Tx};
use crate::error::{Error, Result};
use crate::incident::*;
use crate::time::Micros;

/// The migration's tables, all frozen by the seal.
pub(super) const TABLES: [&str; 12] = [
    "incident_details",
    "incident_regime",
    "incident_person",
    "incident_asset",
    "incident_party",
    "incident_related",
    "incident_milestone",
    "incident_action",
    "incident_approval",
    "incident_followup",
    "incident_lesson",
    "incident_notification",
];

pub(super) const SCHEMA: &str = r#"
CREATE TABLE incident_details (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    category           TEXT NOT NULL,
    severity           TEXT NOT NULL,
    status             TEXT NOT NULL,
    phase              TEXT NOT NULL,
    functional_impact  TEXT,
    information_impact TEXT,
    recoverability     TEXT,
    retain_until       INTEGER,
    legal_hold         INTEGER NOT NULL,
    legal_hold_reason  TEXT NOT NULL
);
CREATE TABLE incident_regime (
    id     INTEGER PRIMARY KEY,
    regime TEXT NOT NULL UNIQUE
);
CREATE TABLE incident_person (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    role  TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    notes TEXT NOT NULL
);
CREATE TABLE incident_asset (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL,
    notes TEXT NOT NULL
);
CREATE TABLE incident_party (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    people_affected  INTEGER,
    records_affected INTEGER,
    notes            TEXT NOT NULL
);
CREATE TABLE incident_related (
    id        INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    relation  TEXT NOT NULL,
    notes     TEXT NOT NULL
);
-- One row per milestone kind; event_id is the timeline event it was set from.
CREATE TABLE incident_milestone (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL UNIQUE,
    at       INTEGER NOT NULL,
    event_id INTEGER,
    note     TEXT NOT NULL,
    set_by   TEXT NOT NULL,
    set_at   INTEGER NOT NULL
);
-- event_ids and evidence_ids are JSON arrays of ids.
CREATE TABLE incident_action (
    id           INTEGER PRIMARY KEY,
    what         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    stage        TEXT,
    status       TEXT NOT NULL,
    owner        TEXT NOT NULL,
    at           INTEGER,
    event_ids    TEXT NOT NULL,
    evidence_ids TEXT NOT NULL,
    notes        TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE TABLE incident_approval (
    id        INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES incident_action(id),
    approver  TEXT NOT NULL,
    role      TEXT,
    at        INTEGER NOT NULL,
    note      TEXT NOT NULL
);
CREATE TABLE incident_followup (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    type        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    priority    TEXT NOT NULL,
    due         INTEGER,
    status      TEXT NOT NULL,
    tracker     TEXT NOT NULL,
    lesson      TEXT,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE incident_lesson (
    id         INTEGER PRIMARY KEY,
    topic      TEXT NOT NULL UNIQUE,
    answer     TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE incident_notification (
    id          INTEGER PRIMARY KEY,
    rule        TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    recipient   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    text        TEXT NOT NULL,
    late_reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
"#;

/// The kinds of list item that can be removed from the record by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemList {
    Person,
    Asset,
    Party,
    Related,
}

impl ItemList {
    fn table(self) -> &'static str {
        match self {
            ItemList::Person => "incident_person",
            ItemList::Asset => "incident_asset",
            ItemList::Party => "incident_party",
            ItemList::Related => "incident_related",
        }
    }

    /// The item's name in messages and audit entries.
    pub fn noun(self) -> &'static str {
        match self {
            ItemList::Person => "person",
            ItemList::Asset => "asset",
            ItemList::Party => "affected party",
            ItemList::Related => "related case",
        }
    }
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

fn ids_from_json(text: &str) -> rusqlite::Result<Vec<i64>> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn at(r: &Row<'_>, i: usize) -> rusqlite::Result<UtcTime> {
    Ok(UtcTime(r.get(i)?))
}

fn at_opt(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<UtcTime>> {
    Ok(r.get::<_, Option<Micros>>(i)?.map(UtcTime))
}

impl Case {
    /// The whole incident record of the case. A case without the incident tables (made
    /// by an older build, opened read-only) gives the details of its header and empty lists.
    pub fn incident_record(&self) -> Result<IncidentRecord> {
        let meta = self.meta()?;
        let present = self.has_table("incident_details")?;
        let stored = if present {
            self.conn
                .query_row(
                    "SELECT title, summary, category, severity, status, phase, functional_impact, \
                     information_impact, recoverability, retain_until, legal_hold, legal_hold_reason \
                     FROM incident_details WHERE id = 1",
                    [],
                    |r| {
                        Ok(Details {
                            title: r.get(0)?,
                            summary: r.get(1)?,
                            category: r.get(2)?,
                            severity: r.get(3)?,
                            status: r.get(4)?,
                            phase: r.get(5)?,
                            impact: Impact {
                                functional: r.get(6)?,
                                information: r.get(7)?,
                                recoverability: r.get(8)?,
                            },
                            retain_until: at_opt(r, 9)?,
                            legal_hold: r.get(10)?,
                            legal_hold_reason: r.get(11)?,
                        })
                    },
                )
                .optional()?
        } else {
            None
        };
        let mut details = match stored {
            Some(d) => d,
            None => Details {
                title: meta.title.clone(),
                summary: String::new(),
                category: Category::Uncategorized,
                severity: meta.severity.parse().unwrap_or(Severity::Unrated),
                status: meta.status.parse().unwrap_or(Status::Open),
                phase: meta.phase.parse().unwrap_or(Phase::DetectionAnalysis),
                impact: Impact::default(),
                retain_until: None,
                legal_hold: false,
                legal_hold_reason: String::new(),
            },
        };
        if meta.sealed_at.is_some() {
            details.status = Status::Sealed;
        }
        let mut record = IncidentRecord {
            case_id: meta.case_id,
            details,
            regimes: Vec::new(),
            people: Vec::new(),
            assets: Vec::new(),
            affected: Vec::new(),
            related: Vec::new(),
            milestones: Vec::new(),
            actions: Vec::new(),
            follow_ups: Vec::new(),
            lessons: Vec::new(),
            notifications: Vec::new(),
            sealed_at: meta.sealed_at.map(UtcTime),
        };
        if !present {
            return Ok(record);
        }
        record.regimes = self.rows("SELECT regime FROM incident_regime ORDER BY regime", |r| {
            r.get(0)
        })?;
        record.people = self.rows(
            "SELECT id, name, role, email, phone, notes FROM incident_person ORDER BY id",
            |r| {
                Ok(Person {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    email: r.get(3)?,
                    phone: r.get(4)?,
                    notes: r.get(5)?,
                })
            },
        )?;
        record.assets = self.rows(
            "SELECT id, name, kind, notes FROM incident_asset ORDER BY id",
            |r| {
                Ok(Asset {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    notes: r.get(3)?,
                })
            },
        )?;
        record.affected = self.rows(
            "SELECT id, kind, name, people_affected, records_affected, notes \
             FROM incident_party ORDER BY id",
            |r| {
                Ok(AffectedParty {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    people_affected: r.get(3)?,
                    records_affected: r.get(4)?,
                    notes: r.get(5)?,
                })
            },
        )?;
        record.related = self.rows(
            "SELECT id, reference, relation, notes FROM incident_related ORDER BY id",
            |r| {
                Ok(RelatedCase {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    relation: r.get(2)?,
                    notes: r.get(3)?,
                })
            },
        )?;
        let mut milestones = self.rows(
            "SELECT kind, at, event_id, note, set_by, set_at FROM incident_milestone",
            |r| {
                let event_id: Option<i64> = r.get(2)?;
                Ok(Milestone {
                    kind: r.get(0)?,
                    at: at(r, 1)?,
                    source: if event_id.is_some() {
                        MilestoneSource::Event
                    } else {
                        MilestoneSource::Manual
                    },
                    event_id,
                    note: r.get(3)?,
                    set_by: r.get(4)?,
                    set_at: at(r, 5)?,
                })
            },
        )?;
        milestones.sort_by_key(|m| m.kind);
        record.milestones = milestones;
        let approvals: Vec<(i64, Approval)> = self.rows(
            "SELECT action_id, id, approver, role, at, note FROM incident_approval ORDER BY id",
            |r| {
                Ok((
                    r.get(0)?,
                    Approval {
                        id: r.get(1)?,
                        approver: r.get(2)?,
                        role: r.get(3)?,
                        at: at(r, 4)?,
                        note: r.get(5)?,
                    },
                ))
            },
        )?;
        let mut actions = self.rows(
            "SELECT id, what, kind, stage, status, owner, at, event_ids, evidence_ids, notes, \
             created_by, created_at FROM incident_action ORDER BY id",
            |r| {
                Ok(Action {
                    id: r.get(0)?,
                    what: r.get(1)?,
                    kind: r.get(2)?,
                    stage: r.get(3)?,
                    status: r.get(4)?,
                    owner: r.get(5)?,
                    at: at_opt(r, 6)?,
                    event_ids: ids_from_json(&r.get::<_, String>(7)?)?,
                    evidence_ids: ids_from_json(&r.get::<_, String>(8)?)?,
                    notes: r.get(9)?,
                    approvals: Vec::new(),
                    created_by: r.get(10)?,
                    created_at: at(r, 11)?,
                })
            },
        )?;
        for (action_id, approval) in approvals {
            if let Some(a) = actions.iter_mut().find(|a| a.id == action_id) {
                a.approvals.push(approval);
            }
        }
        record.actions = actions;
        record.follow_ups = self.rows(
            "SELECT id, title, description, type, owner, priority, due, status, tracker, lesson, \
             created_by, created_at, updated_at FROM incident_followup ORDER BY id",
            |r| {
                Ok(FollowUp {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    description: r.get(2)?,
                    kind: r.get(3)?,
                    owner: r.get(4)?,
                    priority: r.get(5)?,
                    due: at_opt(r, 6)?,
                    status: r.get(7)?,
                    tracker: r.get(8)?,
                    lesson: r.get(9)?,
                    created_by: r.get(10)?,
                    created_at: at(r, 11)?,
                    updated_at: at(r, 12)?,
                })
            },
        )?;
        let mut lessons = self.rows(
            "SELECT topic, answer, updated_by, updated_at FROM incident_lesson",
            |r| {
                let topic: LessonTopic = r.get(0)?;
                Ok(Lesson {
                    topic,
                    question: topic.question().to_string(),
                    answer: r.get(1)?,
                    updated_by: r.get(2)?,
                    updated_at: at(r, 3)?,
                })
            },
        )?;
        lessons.sort_by_key(|l| l.topic);
        record.lessons = lessons;
        record.notifications = self.rows(
            "SELECT id, rule, sent_at, recipient, channel, text, late_reason, recorded_by \
             FROM incident_notification ORDER BY sent_at, id",
            |r| {
                Ok(NotificationSent {
                    id: r.get(0)?,
                    rule: r.get(1)?,
                    sent_at: at(r, 2)?,
                    recipient: r.get(3)?,
                    channel: r.get(4)?,
                    text: r.get(5)?,
                    late_reason: r.get(6)?,
                    recorded_by: r.get(7)?,
                })
            },
        )?;
        Ok(record)
    }

    fn rows<T>(&self, sql: &str, f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], f)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn not_found(what: &str, id: i64) -> Error {
    Error::Invalid(format!("the case has no {what} #{id}"))
}

impl Tx<'_> {
    /// Writes the details and mirrors title, severity, phase and status into the header.
    pub fn put_incident_details(&self, d: &Details, at: Micros) -> Result<()> {
        self.0.execute(
            "INSERT INTO incident_details (id, title, summary, category, severity, status, phase, \
             functional_impact, information_impact, recoverability, retain_until, legal_hold, \
             legal_hold_reason) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT(id) DO UPDATE SET title = ?1, summary = ?2, category = ?3, severity = ?4, \
             status = ?5, phase = ?6, functional_impact = ?7, information_impact = ?8, \
             recoverability = ?9, retain_until = ?10, legal_hold = ?11, legal_hold_reason = ?12",
            params![
                d.title,
                d.summary,
                d.category,
                d.severity,
                d.status,
                d.phase,
                d.impact.functional,
                d.impact.information,
                d.impact.recoverability,
                d.retain_until.map(|t| t.0),
                d.legal_hold,
                d.legal_hold_reason
            ],
        )?;
        self.0.execute(
            "UPDATE case_meta SET title = ?1, severity = ?2, phase = ?3, status = ?4, \
             updated_at = ?5 WHERE id = 1",
            params![d.title, d.severity, d.phase, d.status, at],
        )?;
        Ok(())
    }

    /// Replaces the list of regimes that apply.
    pub fn put_regimes(&self, regimes: &[String]) -> Result<()> {
        self.0.execute("DELETE FROM incident_regime", [])?;
        for r in regimes {
            self.0.execute(
                "INSERT OR IGNORE INTO incident_regime (regime) VALUES (?1)",
                [r],
            )?;
        }
        Ok(())
    }

    pub fn insert_person(&self, p: &Person) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_person (name, role, email, phone, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![p.name, p.role, p.email, p.phone, p.notes],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    pub fn insert_asset(&self, a: &Asset) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_asset (name, kind, notes) VALUES (?1, ?2, ?3)",
            params![a.name, a.kind, a.notes],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    pub fn insert_party(&self, p: &AffectedParty) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_party (kind, name, people_affected, records_affected, notes) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                p.kind,
                p.name,
                p.people_affected,
                p.records_affected,
                p.notes
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    pub fn insert_related(&self, r: &RelatedCase) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_related (reference, relation, notes) VALUES (?1, ?2, ?3)",
            params![r.reference, r.relation, r.notes],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Removes one person, asset, affected party or related case.
    pub fn delete_item(&self, list: ItemList, id: i64) -> Result<()> {
        let n = self
            .0
            .execute(&format!("DELETE FROM {} WHERE id = ?1", list.table()), [id])?;
        if n == 0 {
            return Err(not_found(list.noun(), id));
        }
        Ok(())
    }

    /// Sets (or replaces) the milestone of `m.kind`.
    pub fn put_milestone(&self, m: &Milestone) -> Result<()> {
        self.0.execute(
            "INSERT INTO incident_milestone (kind, at, event_id, note, set_by, set_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kind) DO UPDATE SET \
             at = ?2, event_id = ?3, note = ?4, set_by = ?5, set_at = ?6",
            params![m.kind, m.at.0, m.event_id, m.note, m.set_by, m.set_at.0],
        )?;
        Ok(())
    }

    /// Clears one milestone; false when it was not set.
    pub fn delete_milestone(&self, kind: MilestoneKind) -> Result<bool> {
        Ok(self
            .0
            .execute("DELETE FROM incident_milestone WHERE kind = ?1", [kind])?
            > 0)
    }

    /// The time of an event (for a milestone set from it).
    pub fn event_time(&self, id: i64) -> Result<Option<Micros>> {
        self.0
            .query_row("SELECT ts FROM events WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NoSuchEvent(id))
    }

    /// Whether an evidence item exists.
    pub fn evidence_exists(&self, id: i64) -> Result<bool> {
        Ok(self
            .0
            .query_row("SELECT 1 FROM evidence WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn insert_action(&self, a: &Action) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_action (what, kind, stage, status, owner, at, event_ids, \
             evidence_ids, notes, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                a.what,
                a.kind,
                a.stage,
                a.status,
                a.owner,
                a.at.map(|t| t.0),
                ids_json(&a.event_ids),
                ids_json(&a.evidence_ids),
                a.notes,
                a.created_by,
                a.created_at.0
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Rewrites an action's changeable fields.
    pub fn update_action(&self, a: &Action) -> Result<()> {
        let n = self.0.execute(
            "UPDATE incident_action SET what = ?2, kind = ?3, stage = ?4, status = ?5, owner = ?6, \
             at = ?7, event_ids = ?8, evidence_ids = ?9, notes = ?10 WHERE id = ?1",
            params![
                a.id,
                a.what,
                a.kind,
                a.stage,
                a.status,
                a.owner,
                a.at.map(|t| t.0),
                ids_json(&a.event_ids),
                ids_json(&a.evidence_ids),
                a.notes
            ],
        )?;
        if n == 0 {
            return Err(not_found("action", a.id));
        }
        Ok(())
    }

    pub fn insert_approval(&self, action_id: i64, a: &Approval) -> Result<i64> {
        let exists = self
            .0
            .query_row(
                "SELECT 1 FROM incident_action WHERE id = ?1",
                [action_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            return Err(not_found("action", action_id));
        }
        self.0.execute(
            "INSERT INTO incident_approval (action_id, approver, role, at, note) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![action_id, a.approver, a.role, a.at.0, a.note],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    pub fn insert_follow_up(&self, f: &FollowUp) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_followup (title, description, type, owner, priority, due, \
             status, tracker, lesson, created_by, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                f.title,
                f.description,
                f.kind,
                f.owner,
                f.priority,
                f.due.map(|t| t.0),
                f.status,
                f.tracker,
                f.lesson,
                f.created_by,
                f.created_at.0,
                f.updated_at.0
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Rewrites a follow-up item's changeable fields.
    pub fn update_follow_up(&self, f: &FollowUp) -> Result<()> {
        let n = self.0.execute(
            "UPDATE incident_followup SET title = ?2, description = ?3, type = ?4, owner = ?5, \
             priority = ?6, due = ?7, status = ?8, tracker = ?9, lesson = ?10, updated_at = ?11 \
             WHERE id = ?1",
            params![
                f.id,
                f.title,
                f.description,
                f.kind,
                f.owner,
                f.priority,
                f.due.map(|t| t.0),
                f.status,
                f.tracker,
                f.lesson,
                f.updated_at.0
            ],
        )?;
        if n == 0 {
            return Err(not_found("follow-up item", f.id));
        }
        Ok(())
    }

    /// Sets the answer to one lessons-learned topic; an empty answer removes it.
    pub fn put_lesson(&self, topic: LessonTopic, answer: &str, by: &str, at: Micros) -> Result<()> {
        if answer.trim().is_empty() {
            self.0
                .execute("DELETE FROM incident_lesson WHERE topic = ?1", [topic])?;
        } else {
            self.0.execute(
                "INSERT INTO incident_lesson (topic, answer, updated_by, updated_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT(topic) DO UPDATE SET \
                 answer = ?2, updated_by = ?3, updated_at = ?4",
                params![topic, answer, by, at],
            )?;
        }
        Ok(())
    }

    pub fn insert_notification(&self, n: &NotificationSent) -> Result<i64> {
        self.0.execute(
            "INSERT INTO incident_notification (rule, sent_at, recipient, channel, text, \
             late_reason, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                n.rule,
                n.sent_at.0,
                n.recipient,
                n.channel,
                n.text,
                n.late_reason,
                n.recorded_by
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }
}
