//! Every change to the incident record. Each function is one transaction through
//! [`Case::write`] (so a sealed or read-only case refuses it) that also appends one entry
//! to the hash-chained audit log, with the actor and what changed.

use serde::Deserialize;
use serde_json::json;

use super::deadlines::RuleSet;
use super::*;
use crate::archive::audit;
use crate::error::{Error, Result};
use crate::store::{Case, ItemList, Tx};
use crate::time::{now_micros, Micros};

fn log(tx: &Tx<'_>, actor: &str, action: &str, details: serde_json::Value) -> Result<()> {
    audit::append(tx, actor, action, &details)
}

fn non_empty(what: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::Invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

/// Changes the case details: `change` edits a copy of the current details, which is then
/// checked and written. The audit entry lists each changed field with its old and new value.
/// Status `sealed` is refused (sealing a case sets it).
pub fn update_details(
    case: &mut Case,
    actor: &str,
    change: impl FnOnce(&mut Details) -> Result<()>,
) -> Result<Details> {
    let before = case.incident_record()?.details;
    let mut after = before.clone();
    change(&mut after)?;
    non_empty("the title", &after.title)?;
    if after.status == Status::Sealed && before.status != Status::Sealed {
        return Err(Error::Invalid(
            "status 'sealed' is set by sealing the case (`tideline seal`), not by hand".into(),
        ));
    }
    let old = serde_json::to_value(&before)?;
    let new = serde_json::to_value(&after)?;
    let mut changed = serde_json::Map::new();
    if let (Some(o), Some(n)) = (old.as_object(), new.as_object()) {
        for (k, v) in n {
            if o.get(k) != Some(v) {
                changed.insert(k.clone(), json!({ "from": o.get(k), "to": v }));
            }
        }
    }
    let now = now_micros();
    case.write(|tx| {
        tx.put_incident_details(&after, now)?;
        log(tx, actor, "incident details set", json!(changed))
    })?;
    Ok(after)
}

/// Chooses the notification regimes that apply; each must be a regime of `rules`.
pub fn set_regimes(
    case: &mut Case,
    actor: &str,
    regimes: &[String],
    rules: &RuleSet,
) -> Result<Vec<String>> {
    let known = rules.regimes();
    let mut chosen: Vec<String> = Vec::new();
    for r in regimes {
        let r = r.trim().to_ascii_lowercase();
        if !known.contains(&r) {
            return Err(Error::Invalid(format!(
                "unknown regime '{r}'; the rules know: {}",
                known.join(", ")
            )));
        }
        if !chosen.contains(&r) {
            chosen.push(r);
        }
    }
    chosen.sort();
    case.write(|tx| {
        tx.put_regimes(&chosen)?;
        log(tx, actor, "regimes set", json!({ "regimes": chosen }))
    })?;
    Ok(chosen)
}

/// Adds a person of the response (the `id` given is ignored); returns the new id.
pub fn add_person(case: &mut Case, actor: &str, p: &Person) -> Result<i64> {
    non_empty("a person's name", &p.name)?;
    case.write(|tx| {
        let id = tx.insert_person(p)?;
        log(
            tx,
            actor,
            "person added",
            json!({ "id": id, "name": p.name, "role": p.role, "email": p.email, "phone": p.phone }),
        )?;
        Ok(id)
    })
}

/// Adds an affected asset; returns its id.
pub fn add_asset(case: &mut Case, actor: &str, a: &Asset) -> Result<i64> {
    non_empty("an asset's name", &a.name)?;
    case.write(|tx| {
        let id = tx.insert_asset(a)?;
        log(
            tx,
            actor,
            "asset added",
            json!({ "id": id, "name": a.name, "kind": a.kind }),
        )?;
        Ok(id)
    })
}

/// Adds an affected tenant or customer; returns its id.
pub fn add_party(case: &mut Case, actor: &str, p: &AffectedParty) -> Result<i64> {
    non_empty("an affected party's name", &p.name)?;
    for (what, n) in [
        ("people affected", p.people_affected),
        ("records affected", p.records_affected),
    ] {
        if n.is_some_and(|n| n < 0) {
            return Err(Error::Invalid(format!("{what} must not be negative")));
        }
    }
    case.write(|tx| {
        let id = tx.insert_party(p)?;
        log(
            tx,
            actor,
            "affected party added",
            json!({ "id": id, "kind": p.kind, "name": p.name,
                    "people_affected": p.people_affected, "records_affected": p.records_affected }),
        )?;
        Ok(id)
    })
}

/// Adds a related case; returns its id.
pub fn add_related(case: &mut Case, actor: &str, r: &RelatedCase) -> Result<i64> {
    non_empty("a related case's reference", &r.reference)?;
    case.write(|tx| {
        let id = tx.insert_related(r)?;
        log(
            tx,
            actor,
            "related case added",
            json!({ "id": id, "reference": r.reference, "relation": r.relation }),
        )?;
        Ok(id)
    })
}

/// Removes a person, asset, affected party or related case.
pub fn remove_item(case: &mut Case, actor: &str, list: ItemList, id: i64) -> Result<()> {
    case.write(|tx| {
        tx.delete_item(list, id)?;
        log(
            tx,
            actor,
            &format!("{} removed", list.noun()),
            json!({ "id": id }),
        )
    })
}

/// Where a milestone's time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneAt {
    /// A time typed in.
    Time(Micros),
    /// The time of a timeline event, which the milestone links.
    Event(i64),
}

/// Sets (or moves) a milestone; returns it as stored.
pub fn set_milestone(
    case: &mut Case,
    actor: &str,
    kind: MilestoneKind,
    when: MilestoneAt,
    note: &str,
) -> Result<Milestone> {
    let now = now_micros();
    case.write(|tx| {
        let (at, event_id) = match when {
            MilestoneAt::Time(t) => (t, None),
            MilestoneAt::Event(id) => match tx.event_time(id)? {
                Some(t) => (t, Some(id)),
                None => {
                    return Err(Error::Invalid(format!(
                        "event {id} has no time, so it cannot mark the '{kind}' milestone"
                    )))
                }
            },
        };
        let m = Milestone {
            kind,
            at: UtcTime(at),
            source: if event_id.is_some() {
                MilestoneSource::Event
            } else {
                MilestoneSource::Manual
            },
            event_id,
            note: note.to_string(),
            set_by: actor.to_string(),
            set_at: UtcTime(now),
        };
        tx.put_milestone(&m)?;
        log(
            tx,
            actor,
            "milestone set",
            json!({ "kind": kind, "at": m.at, "event_id": event_id, "note": note }),
        )?;
        Ok(m)
    })
}

/// Clears a milestone that was set.
pub fn clear_milestone(case: &mut Case, actor: &str, kind: MilestoneKind) -> Result<()> {
    case.write(|tx| {
        if !tx.delete_milestone(kind)? {
            return Err(Error::Invalid(format!("the '{kind}' milestone is not set")));
        }
        log(tx, actor, "milestone cleared", json!({ "kind": kind }))
    })
}

/// A new or changed action, as typed in.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionInput {
    pub what: String,
    pub kind: ActionKind,
    #[serde(default)]
    pub stage: Option<ActionStage>,
    pub status: ActionStatus,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub at: Option<UtcTime>,
    #[serde(default)]
    pub event_ids: Vec<i64>,
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
    #[serde(default)]
    pub notes: String,
}

fn check_links(tx: &Tx<'_>, a: &ActionInput) -> Result<()> {
    non_empty("an action's description", &a.what)?;
    for id in &a.event_ids {
        tx.event_time(*id)?;
    }
    for id in &a.evidence_ids {
        if !tx.evidence_exists(*id)? {
            return Err(Error::Invalid(format!("the case has no evidence #{id}")));
        }
    }
    Ok(())
}

/// Adds an action to the log; returns its id.
pub fn add_action(case: &mut Case, actor: &str, a: &ActionInput) -> Result<i64> {
    let now = now_micros();
    case.write(|tx| {
        check_links(tx, a)?;
        let id = tx.insert_action(&Action {
            id: 0,
            what: a.what.clone(),
            kind: a.kind,
            stage: a.stage,
            status: a.status,
            owner: a.owner.clone(),
            at: a.at,
            event_ids: a.event_ids.clone(),
            evidence_ids: a.evidence_ids.clone(),
            notes: a.notes.clone(),
            approvals: Vec::new(),
            created_by: actor.to_string(),
            created_at: UtcTime(now),
        })?;
        log(
            tx,
            actor,
            "action added",
            json!({ "id": id, "what": a.what, "kind": a.kind, "stage": a.stage,
                    "status": a.status, "owner": a.owner, "at": a.at,
                    "event_ids": a.event_ids, "evidence_ids": a.evidence_ids }),
        )?;
        Ok(id)
    })
}

/// Replaces an action's fields (its approvals stay).
pub fn update_action(case: &mut Case, actor: &str, id: i64, a: &ActionInput) -> Result<()> {
    let current = case
        .incident_record()?
        .actions
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| Error::Invalid(format!("the case has no action #{id}")))?;
    case.write(|tx| {
        check_links(tx, a)?;
        tx.update_action(&Action {
            what: a.what.clone(),
            kind: a.kind,
            stage: a.stage,
            status: a.status,
            owner: a.owner.clone(),
            at: a.at,
            event_ids: a.event_ids.clone(),
            evidence_ids: a.evidence_ids.clone(),
            notes: a.notes.clone(),
            ..current.clone()
        })?;
        log(
            tx,
            actor,
            "action updated",
            json!({ "id": id, "what": a.what, "kind": a.kind, "stage": a.stage,
                    "status": a.status, "status_before": current.status, "owner": a.owner,
                    "at": a.at, "event_ids": a.event_ids, "evidence_ids": a.evidence_ids }),
        )
    })
}

/// Records an approval of an action; returns the approval's id.
pub fn approve_action(
    case: &mut Case,
    actor: &str,
    action_id: i64,
    approver: &str,
    role: Option<Role>,
    at: Micros,
    note: &str,
) -> Result<i64> {
    non_empty("the approver", approver)?;
    case.write(|tx| {
        let id = tx.insert_approval(
            action_id,
            &Approval {
                id: 0,
                approver: approver.to_string(),
                role,
                at: UtcTime(at),
                note: note.to_string(),
            },
        )?;
        log(
            tx,
            actor,
            "action approved",
            json!({ "action_id": action_id, "approval_id": id, "approver": approver,
                    "role": role, "at": UtcTime(at), "note": note }),
        )?;
        Ok(id)
    })
}

/// A new or changed follow-up item, as typed in.
#[derive(Debug, Clone, Deserialize)]
pub struct FollowUpInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: FollowUpType,
    #[serde(default)]
    pub owner: String,
    pub priority: Priority,
    #[serde(default)]
    pub due: Option<UtcTime>,
    pub status: FollowUpStatus,
    #[serde(default)]
    pub tracker: String,
    #[serde(default)]
    pub lesson: Option<LessonTopic>,
}

fn follow_up_json(id: i64, f: &FollowUpInput) -> serde_json::Value {
    json!({ "id": id, "title": f.title, "type": f.kind, "owner": f.owner,
            "priority": f.priority, "due": f.due, "status": f.status,
            "tracker": f.tracker, "lesson": f.lesson })
}

/// Adds a follow-up item; returns its id.
pub fn add_follow_up(case: &mut Case, actor: &str, f: &FollowUpInput) -> Result<i64> {
    non_empty("a follow-up item's title", &f.title)?;
    let now = UtcTime(now_micros());
    case.write(|tx| {
        let id = tx.insert_follow_up(&FollowUp {
            id: 0,
            title: f.title.clone(),
            description: f.description.clone(),
            kind: f.kind,
            owner: f.owner.clone(),
            priority: f.priority,
            due: f.due,
            status: f.status,
            tracker: f.tracker.clone(),
            lesson: f.lesson,
            created_by: actor.to_string(),
            created_at: now,
            updated_at: now,
        })?;
        log(tx, actor, "follow-up added", follow_up_json(id, f))?;
        Ok(id)
    })
}

/// Changes a follow-up item: `change` edits a copy of its current fields.
pub fn update_follow_up(
    case: &mut Case,
    actor: &str,
    id: i64,
    change: impl FnOnce(&mut FollowUpInput) -> Result<()>,
) -> Result<FollowUp> {
    let current = case
        .incident_record()?
        .follow_ups
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| Error::Invalid(format!("the case has no follow-up item #{id}")))?;
    let mut input = FollowUpInput {
        title: current.title.clone(),
        description: current.description.clone(),
        kind: current.kind,
        owner: current.owner.clone(),
        priority: current.priority,
        due: current.due,
        status: current.status,
        tracker: current.tracker.clone(),
        lesson: current.lesson,
    };
    change(&mut input)?;
    non_empty("a follow-up item's title", &input.title)?;
    let updated = FollowUp {
        title: input.title.clone(),
        description: input.description.clone(),
        kind: input.kind,
        owner: input.owner.clone(),
        priority: input.priority,
        due: input.due,
        status: input.status,
        tracker: input.tracker.clone(),
        lesson: input.lesson,
        updated_at: UtcTime(now_micros()),
        ..current
    };
    case.write(|tx| {
        tx.update_follow_up(&updated)?;
        log(tx, actor, "follow-up updated", follow_up_json(id, &input))
    })?;
    Ok(updated)
}

/// Answers one lessons-learned topic; an empty answer clears it.
pub fn set_lesson(case: &mut Case, actor: &str, topic: LessonTopic, answer: &str) -> Result<()> {
    case.write(|tx| {
        tx.put_lesson(topic, answer, actor, now_micros())?;
        log(
            tx,
            actor,
            "lesson set",
            json!({ "topic": topic, "answer": answer }),
        )
    })
}

/// A notification that was sent, as typed in.
#[derive(Debug, Clone, Deserialize)]
pub struct NotificationInput {
    /// The deadline rule it answers, e.g. `gdpr_art33`.
    pub rule: String,
    pub sent_at: UtcTime,
    pub recipient: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub late_reason: String,
}

/// Records a notification actually sent; `rule` must be a rule of `rules`.
pub fn record_notification(
    case: &mut Case,
    actor: &str,
    n: &NotificationInput,
    rules: &RuleSet,
) -> Result<i64> {
    if rules.rule(&n.rule).is_none() {
        return Err(Error::Invalid(format!(
            "unknown deadline rule '{}'; the rules know: {}",
            n.rule,
            rules.rule_ids().join(", ")
        )));
    }
    non_empty("the recipient", &n.recipient)?;
    case.write(|tx| {
        let id = tx.insert_notification(&NotificationSent {
            id: 0,
            rule: n.rule.clone(),
            sent_at: n.sent_at,
            recipient: n.recipient.clone(),
            channel: n.channel.clone(),
            text: n.text.clone(),
            late_reason: n.late_reason.clone(),
            recorded_by: actor.to_string(),
        })?;
        log(
            tx,
            actor,
            "notification recorded",
            json!({ "id": id, "rule": n.rule, "sent_at": n.sent_at, "recipient": n.recipient,
                    "channel": n.channel, "text": n.text, "late_reason": n.late_reason }),
        )?;
        Ok(id)
    })
}
