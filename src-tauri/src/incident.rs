//! The incident record's commands: the case dashboard and every edit screen. Each is a
//! thin wrapper over `tideline::incident`; "now" for the deadlines is read here, at the
//! edge, never inside the rule engine.
//!
//! The deadline rules are the shipped ones, with `notification-rules.json` from the app's
//! data folder (`$TIDELINE_HOME` when set) or the file named by `$TIDELINE_RULES` merged
//! over them.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tideline::incident::deadlines::{self, Deadline, RuleSet};
use tideline::incident::edit::{self, ActionInput, FollowUpInput, MilestoneAt, NotificationInput};
use tideline::incident::metrics::{metrics, Metrics};
use tideline::incident::*;
use tideline::ingest;
use tideline::store::ItemList;
use tideline::time::{now_micros, parse_user_time};

use crate::commands::{with_case, Reply};
use crate::state::AppState;

const RULES_FILE: &str = "notification-rules.json";

/// The rules in force for the app.
fn rules(app: &AppHandle) -> tideline::Result<RuleSet> {
    let home = match std::env::var_os("TIDELINE_HOME") {
        Some(h) => Some(PathBuf::from(h)),
        None => app.path().app_data_dir().ok(),
    };
    let in_home = home.map(|h| h.join(RULES_FILE)).filter(|p| p.is_file());
    RuleSet::load(in_home.as_deref())
}

/// What the dashboard counts.
#[derive(Debug, Serialize)]
pub struct Counts {
    events: i64,
    evidence: usize,
    issues: i64,
    actions: usize,
    actions_open: usize,
    follow_ups: usize,
    follow_ups_open: usize,
    lessons: usize,
    notifications: usize,
}

/// Everything the dashboard shows, measured at `now`.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    now: UtcTime,
    record: IncidentRecord,
    metrics: Metrics,
    deadlines: Vec<Deadline>,
    counts: Counts,
    /// The regimes the rules know (for the regime choice).
    regimes_known: Vec<String>,
}

#[tauri::command]
pub async fn incident_dashboard(app: AppHandle, state: State<'_, AppState>) -> Reply<Dashboard> {
    let rules = rules(&app)?;
    with_case(&state, |open| {
        let record = open.case.incident_record()?;
        let now = now_micros();
        let counts = Counts {
            events: open.case.event_count()?,
            evidence: open.case.evidence()?.len(),
            issues: open.case.issue_count()?,
            actions: record.actions.len(),
            actions_open: record
                .actions
                .iter()
                .filter(|a| matches!(a.status, ActionStatus::Planned | ActionStatus::InProgress))
                .count(),
            follow_ups: record.follow_ups.len(),
            follow_ups_open: record
                .follow_ups
                .iter()
                .filter(|f| matches!(f.status, FollowUpStatus::Open | FollowUpStatus::InProgress))
                .count(),
            lessons: record.lessons.len(),
            notifications: record.notifications.len(),
        };
        Ok(Dashboard {
            now: UtcTime(now),
            metrics: metrics(&record),
            deadlines: deadlines::evaluate(&record, &rules, now)?,
            counts,
            regimes_known: rules.regimes(),
            record,
        })
    })
}

/// One vocabulary: its allowed values in order.
#[derive(Debug, Serialize)]
pub struct Vocabulary {
    categories: Vec<&'static str>,
    severities: Vec<&'static str>,
    statuses: Vec<&'static str>,
    phases: Vec<&'static str>,
    functional_impacts: Vec<&'static str>,
    information_impacts: Vec<&'static str>,
    recoverabilities: Vec<&'static str>,
    milestones: Vec<&'static str>,
    roles: Vec<&'static str>,
    action_kinds: Vec<&'static str>,
    action_stages: Vec<&'static str>,
    action_statuses: Vec<&'static str>,
    follow_up_types: Vec<&'static str>,
    follow_up_statuses: Vec<&'static str>,
    priorities: Vec<&'static str>,
    lesson_topics: Vec<(&'static str, &'static str)>,
    rules: Vec<(String, String)>,
}

fn names<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| f(*v)).collect()
}

#[tauri::command]
pub fn incident_vocabulary(app: AppHandle) -> Reply<Vocabulary> {
    let rules = rules(&app)?;
    Ok(Vocabulary {
        categories: names(Category::ALL, Category::as_str),
        severities: names(Severity::ALL, Severity::as_str),
        statuses: names(Status::ALL, Status::as_str),
        phases: names(Phase::ALL, Phase::as_str),
        functional_impacts: names(FunctionalImpact::ALL, FunctionalImpact::as_str),
        information_impacts: names(InformationImpact::ALL, InformationImpact::as_str),
        recoverabilities: names(Recoverability::ALL, Recoverability::as_str),
        milestones: names(MilestoneKind::ALL, MilestoneKind::as_str),
        roles: names(Role::ALL, Role::as_str),
        action_kinds: names(ActionKind::ALL, ActionKind::as_str),
        action_stages: names(ActionStage::ALL, ActionStage::as_str),
        action_statuses: names(ActionStatus::ALL, ActionStatus::as_str),
        follow_up_types: names(FollowUpType::ALL, FollowUpType::as_str),
        follow_up_statuses: names(FollowUpStatus::ALL, FollowUpStatus::as_str),
        priorities: names(Priority::ALL, Priority::as_str),
        lesson_topics: LessonTopic::ALL
            .iter()
            .map(|t| (t.as_str(), t.question()))
            .collect(),
        rules: rules
            .rules()
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect(),
    })
}

fn actor() -> String {
    ingest::default_actor()
}

#[tauri::command]
pub async fn incident_update_details(
    state: State<'_, AppState>,
    details: Details,
) -> Reply<Details> {
    with_case(&state, |open| {
        edit::update_details(&mut open.case, &actor(), |d| {
            *d = details;
            Ok(())
        })
    })
}

#[tauri::command]
pub async fn incident_set_regimes(
    app: AppHandle,
    state: State<'_, AppState>,
    regimes: Vec<String>,
) -> Reply<Vec<String>> {
    let rules = rules(&app)?;
    with_case(&state, |open| {
        edit::set_regimes(&mut open.case, &actor(), &regimes, &rules)
    })
}

/// Sets a milestone from a typed time or from a timeline event (`event_id`).
#[tauri::command]
pub async fn incident_set_milestone(
    state: State<'_, AppState>,
    kind: String,
    time: Option<String>,
    event_id: Option<i64>,
    note: Option<String>,
) -> Reply<Milestone> {
    with_case(&state, |open| {
        let kind: MilestoneKind = kind.parse()?;
        let when = match (event_id, time) {
            (Some(id), _) => MilestoneAt::Event(id),
            (None, Some(t)) => MilestoneAt::Time(parse_user_time(&t)?),
            (None, None) => {
                return Err(tideline::Error::Invalid(
                    "a milestone needs a time or an event".into(),
                ))
            }
        };
        edit::set_milestone(
            &mut open.case,
            &actor(),
            kind,
            when,
            note.as_deref().unwrap_or(""),
        )
    })
}

#[tauri::command]
pub async fn incident_clear_milestone(state: State<'_, AppState>, kind: String) -> Reply<()> {
    with_case(&state, |open| {
        edit::clear_milestone(&mut open.case, &actor(), kind.parse()?)
    })
}

#[tauri::command]
pub async fn incident_add_action(state: State<'_, AppState>, action: ActionInput) -> Reply<i64> {
    with_case(&state, |open| {
        edit::add_action(&mut open.case, &actor(), &action)
    })
}

#[tauri::command]
pub async fn incident_update_action(
    state: State<'_, AppState>,
    id: i64,
    action: ActionInput,
) -> Reply<()> {
    with_case(&state, |open| {
        edit::update_action(&mut open.case, &actor(), id, &action)
    })
}

#[tauri::command]
pub async fn incident_approve_action(
    state: State<'_, AppState>,
    id: i64,
    approver: String,
    role: Option<String>,
    note: Option<String>,
) -> Reply<i64> {
    with_case(&state, |open| {
        let role = role
            .filter(|r| !r.is_empty())
            .map(|r| r.parse())
            .transpose()?;
        edit::approve_action(
            &mut open.case,
            &actor(),
            id,
            &approver,
            role,
            now_micros(),
            note.as_deref().unwrap_or(""),
        )
    })
}

#[tauri::command]
pub async fn incident_add_follow_up(
    state: State<'_, AppState>,
    follow_up: FollowUpInput,
) -> Reply<i64> {
    with_case(&state, |open| {
        edit::add_follow_up(&mut open.case, &actor(), &follow_up)
    })
}

#[tauri::command]
pub async fn incident_update_follow_up(
    state: State<'_, AppState>,
    id: i64,
    follow_up: FollowUpInput,
) -> Reply<FollowUp> {
    with_case(&state, |open| {
        edit::update_follow_up(&mut open.case, &actor(), id, |f| {
            *f = follow_up;
            Ok(())
        })
    })
}

#[tauri::command]
pub async fn incident_set_lesson(
    state: State<'_, AppState>,
    topic: String,
    answer: String,
) -> Reply<()> {
    with_case(&state, |open| {
        edit::set_lesson(&mut open.case, &actor(), topic.parse()?, &answer)
    })
}

#[tauri::command]
pub async fn incident_record_notification(
    app: AppHandle,
    state: State<'_, AppState>,
    notification: NotificationInput,
) -> Reply<i64> {
    let rules = rules(&app)?;
    with_case(&state, |open| {
        edit::record_notification(&mut open.case, &actor(), &notification, &rules)
    })
}

#[tauri::command]
pub async fn incident_add_person(state: State<'_, AppState>, person: Person) -> Reply<i64> {
    with_case(&state, |open| {
        edit::add_person(&mut open.case, &actor(), &person)
    })
}

#[tauri::command]
pub async fn incident_add_party(state: State<'_, AppState>, party: AffectedParty) -> Reply<i64> {
    with_case(&state, |open| {
        edit::add_party(&mut open.case, &actor(), &party)
    })
}

/// Removes a person (`person`) or affected party (`party`).
#[tauri::command]
pub async fn incident_remove_item(state: State<'_, AppState>, list: String, id: i64) -> Reply<()> {
    let list = match list.as_str() {
        "person" => ItemList::Person,
        "party" => ItemList::Party,
        "asset" => ItemList::Asset,
        "related" => ItemList::Related,
        other => {
            return Err(tideline::Error::Invalid(format!(
                "unknown list '{other}'; allowed: person, party, asset, related"
            ))
            .into())
        }
    };
    with_case(&state, |open| {
        edit::remove_item(&mut open.case, &actor(), list, id)
    })
}
