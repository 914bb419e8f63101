//! The incident record's commands of the `tideline` CLI: `incident`, `milestone`,
//! `action`, `followup`, `lessons`, `metrics`, `deadlines`, `notify` and `rules`. Each
//! parses its arguments, calls `tideline::incident`, and prints text or, with `--json`,
//! JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use tideline::incident::deadlines::{self, Deadline, RuleSet};
use tideline::incident::edit::{self, ActionInput, FollowUpInput, MilestoneAt, NotificationInput};
use tideline::incident::library::library_metrics;
use tideline::incident::metrics::metrics;
use tideline::incident::*;
use tideline::ingest;
use tideline::store::ItemList;
use tideline::time::{now_micros, parse_user_time};
use tideline::timeline::export::visible;
use tideline::Case;

use crate::{open, print_json};

fn time(s: &str) -> Result<UtcTime, tideline::Error> {
    parse_user_time(s).map(UtcTime)
}

/// `none` (or an empty text) clears an optional time.
fn time_or_none(s: &str) -> Result<Option<UtcTime>, tideline::Error> {
    if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        time(s).map(Some)
    }
}

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Show or change the incident record's details, regimes, people, assets, parties and
    /// related cases.
    Incident {
        case: PathBuf,
        #[command(subcommand)]
        what: IncidentWhat,
    },
    /// Set a milestone from a time or a timeline event (`--event ID`), or clear it.
    Milestone {
        case: PathBuf,
        /// impact_started, detected, awareness, declared, classified_major,
        /// materiality_determined, contained, eradicated, recovered, closed.
        #[arg(value_parser = <MilestoneKind as std::str::FromStr>::from_str)]
        kind: MilestoneKind,
        /// The time (RFC 3339, or YYYY-MM-DD[ HH:MM[:SS]] in UTC).
        time: Option<String>,
        /// Take the time from this timeline event and link it.
        #[arg(long, conflicts_with = "time")]
        event: Option<i64>,
        #[arg(long, default_value = "")]
        note: String,
        /// Clear the milestone instead.
        #[arg(long, conflicts_with_all = ["time", "event"])]
        clear: bool,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The containment, eradication and recovery log.
    Action {
        case: PathBuf,
        #[command(subcommand)]
        what: ActionWhat,
    },
    /// The follow-up (bug) list.
    Followup {
        case: PathBuf,
        #[command(subcommand)]
        what: FollowupWhat,
    },
    /// Lessons learned: the NIST questions and the retrospective's headings.
    Lessons {
        case: PathBuf,
        #[command(subcommand)]
        what: LessonsWhat,
    },
    /// Time to detect, acknowledge, contain, eradicate, recover, close; dwell time. With
    /// `--library DIR`: counts and medians across the cases of a folder.
    Metrics {
        /// The case (omit with --library).
        #[arg(required_unless_present = "library")]
        case: Option<PathBuf>,
        #[arg(long, conflicts_with = "case")]
        library: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The notification deadlines of the case's regimes: due, met, late or overdue.
    Deadlines {
        case: PathBuf,
        /// The time to measure against (default: now).
        #[arg(long)]
        now: Option<String>,
        #[command(flatten)]
        rules: RulesArg,
        #[arg(long)]
        json: bool,
    },
    /// Record a notification actually sent.
    Notify {
        case: PathBuf,
        #[command(subcommand)]
        what: NotifyWhat,
    },
    /// Show the notification deadline rules in force (shipped, plus --rules or $TIDELINE_RULES).
    Rules {
        #[command(flatten)]
        rules: RulesArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct RulesArg {
    /// A rules file to merge over the shipped rules (default: $TIDELINE_RULES if set).
    #[arg(long = "rules")]
    file: Option<PathBuf>,
}

impl RulesArg {
    fn load(&self) -> anyhow::Result<RuleSet> {
        Ok(RuleSet::load(self.file.as_deref())?)
    }
}

#[derive(Args)]
pub struct Actor {
    /// Who makes the change (default: $TIDELINE_ACTOR or the OS user).
    #[arg(long)]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

impl Actor {
    fn name(&self) -> String {
        self.actor.clone().unwrap_or_else(ingest::default_actor)
    }
}

#[derive(Subcommand)]
pub enum IncidentWhat {
    /// The whole record.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change details; only the options given change.
    Set {
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        #[arg(long, value_parser = <Category as std::str::FromStr>::from_str)]
        category: Option<Category>,
        #[arg(long, value_parser = <Severity as std::str::FromStr>::from_str)]
        severity: Option<Severity>,
        #[arg(long, value_parser = <Status as std::str::FromStr>::from_str)]
        status: Option<Status>,
        #[arg(long, value_parser = <Phase as std::str::FromStr>::from_str)]
        phase: Option<Phase>,
        /// Functional impact: none, low, medium, high.
        #[arg(long, value_parser = <FunctionalImpact as std::str::FromStr>::from_str)]
        functional_impact: Option<FunctionalImpact>,
        /// Information impact: none, privacy, proprietary, integrity.
        #[arg(long, value_parser = <InformationImpact as std::str::FromStr>::from_str)]
        information_impact: Option<InformationImpact>,
        /// Recoverability: regular, supplemented, extended, not_recoverable.
        #[arg(long, value_parser = <Recoverability as std::str::FromStr>::from_str)]
        recoverability: Option<Recoverability>,
        /// Keep the case until this date (`none` clears it).
        #[arg(long)]
        retain_until: Option<String>,
        #[arg(long)]
        legal_hold: Option<bool>,
        #[arg(long)]
        legal_hold_reason: Option<String>,
        #[command(flatten)]
        actor: Actor,
    },
    /// Choose the notification regimes (e.g. gdpr nis2); with none given, show them.
    Regimes {
        regimes: Vec<String>,
        #[command(flatten)]
        rules: RulesArg,
        #[command(flatten)]
        actor: Actor,
    },
    /// Add or remove a person of the response.
    Person {
        #[command(subcommand)]
        what: PersonWhat,
    },
    /// Add or remove an affected asset.
    Asset {
        #[command(subcommand)]
        what: AssetWhat,
    },
    /// Add or remove an affected tenant or customer.
    Party {
        #[command(subcommand)]
        what: PartyWhat,
    },
    /// Add or remove a related case.
    Related {
        #[command(subcommand)]
        what: RelatedWhat,
    },
}

#[derive(Subcommand)]
pub enum PersonWhat {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = <Role as std::str::FromStr>::from_str)]
        role: Role,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[command(flatten)]
        actor: Actor,
    },
    Remove {
        id: i64,
        #[command(flatten)]
        actor: Actor,
    },
}

#[derive(Subcommand)]
pub enum AssetWhat {
    Add {
        #[arg(long)]
        name: String,
        /// host, account, service, data store, ...
        #[arg(long, default_value = "")]
        kind: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[command(flatten)]
        actor: Actor,
    },
    Remove {
        id: i64,
        #[command(flatten)]
        actor: Actor,
    },
}

#[derive(Subcommand)]
pub enum PartyWhat {
    Add {
        /// tenant or customer.
        #[arg(long, value_parser = <PartyKind as std::str::FromStr>::from_str)]
        kind: PartyKind,
        #[arg(long)]
        name: String,
        /// People affected.
        #[arg(long)]
        people: Option<i64>,
        /// Records affected.
        #[arg(long)]
        records: Option<i64>,
        #[arg(long, default_value = "")]
        notes: String,
        #[command(flatten)]
        actor: Actor,
    },
    Remove {
        id: i64,
        #[command(flatten)]
        actor: Actor,
    },
}

#[derive(Subcommand)]
pub enum RelatedWhat {
    Add {
        /// A case id, ticket key or URL.
        #[arg(long)]
        reference: String,
        #[arg(long, default_value = "")]
        relation: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[command(flatten)]
        actor: Actor,
    },
    Remove {
        id: i64,
        #[command(flatten)]
        actor: Actor,
    },
}

#[derive(Args)]
pub struct ActionFields {
    #[arg(long)]
    what: Option<String>,
    /// emergency_workaround, temporary_workaround, permanent_fix.
    #[arg(long, value_parser = <ActionKind as std::str::FromStr>::from_str)]
    kind: Option<ActionKind>,
    /// containment, eradication, recovery.
    #[arg(long, value_parser = <ActionStage as std::str::FromStr>::from_str)]
    stage: Option<ActionStage>,
    /// planned, in_progress, done, failed, cancelled.
    #[arg(long, value_parser = <ActionStatus as std::str::FromStr>::from_str)]
    status: Option<ActionStatus>,
    #[arg(long)]
    owner: Option<String>,
    /// When it was done (`none` clears it).
    #[arg(long)]
    at: Option<String>,
    /// A linked timeline event (repeat for more; replaces the list).
    #[arg(long = "event")]
    events: Vec<i64>,
    /// A linked evidence item (repeat for more; replaces the list).
    #[arg(long = "evidence")]
    evidence: Vec<i64>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Subcommand)]
pub enum ActionWhat {
    /// Add an action (needs --what and --kind; status defaults to planned).
    Add {
        #[command(flatten)]
        fields: ActionFields,
        #[command(flatten)]
        actor: Actor,
    },
    /// Change an action; only the options given change.
    Set {
        id: i64,
        #[command(flatten)]
        fields: ActionFields,
        #[command(flatten)]
        actor: Actor,
    },
    /// Record an approval of an action.
    Approve {
        id: i64,
        #[arg(long)]
        approver: String,
        #[arg(long, value_parser = <Role as std::str::FromStr>::from_str)]
        role: Option<Role>,
        /// When it was approved (default: now).
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        actor: Actor,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct FollowupFields {
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// investigate, mitigate, repair, detect, prevent, process.
    #[arg(long = "type", value_parser = <FollowUpType as std::str::FromStr>::from_str)]
    kind: Option<FollowUpType>,
    #[arg(long)]
    owner: Option<String>,
    /// p0, p1, p2, p3.
    #[arg(long, value_parser = <Priority as std::str::FromStr>::from_str)]
    priority: Option<Priority>,
    /// Due date (`none` clears it).
    #[arg(long)]
    due: Option<String>,
    /// open, in_progress, done, wont_do.
    #[arg(long, value_parser = <FollowUpStatus as std::str::FromStr>::from_str)]
    status: Option<FollowUpStatus>,
    /// Tracker key or URL.
    #[arg(long)]
    tracker: Option<String>,
    /// The lessons-learned topic it answers (`none` clears it).
    #[arg(long)]
    lesson: Option<String>,
}

#[derive(Subcommand)]
pub enum FollowupWhat {
    /// Add an item (needs --title, --type and --priority; status defaults to open).
    Add {
        #[command(flatten)]
        fields: FollowupFields,
        #[command(flatten)]
        actor: Actor,
    },
    /// Change an item; only the options given change.
    Set {
        id: i64,
        #[command(flatten)]
        fields: FollowupFields,
        #[command(flatten)]
        actor: Actor,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum LessonsWhat {
    /// Answer one topic (an empty answer clears it).
    Set {
        #[arg(value_parser = <LessonTopic as std::str::FromStr>::from_str)]
        topic: LessonTopic,
        answer: String,
        #[command(flatten)]
        actor: Actor,
    },
    /// Every topic with its question and answer.
    Show {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum NotifyWhat {
    /// Record a notification sent for a deadline rule.
    Record(Box<NotifyRecord>),
    /// The notifications sent.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct NotifyRecord {
    /// The deadline rule it answers, e.g. gdpr_art33 (see `tideline rules`).
    #[arg(long)]
    rule: String,
    #[arg(long)]
    sent_at: String,
    #[arg(long)]
    recipient: String,
    #[arg(long, default_value = "")]
    channel: String,
    /// The text sent.
    #[arg(long, default_value = "", conflicts_with = "text_file")]
    text: String,
    /// Read the text sent from a file.
    #[arg(long)]
    text_file: Option<PathBuf>,
    #[arg(long, default_value = "")]
    late_reason: String,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    actor: Actor,
}

fn record_of(case: &Path) -> anyhow::Result<IncidentRecord> {
    Ok(Case::open_read_only(case)?.incident_record()?)
}

fn opt(text: &str) -> &str {
    if text.is_empty() {
        "—"
    } else {
        text
    }
}

fn print_record(r: &IncidentRecord) {
    let d = &r.details;
    println!("{}", visible(&d.title));
    println!(
        "category {}  severity {}  status {}  phase {}",
        d.category, d.severity, d.status, d.phase
    );
    let rating = |v: Option<String>| v.unwrap_or_else(|| "unrated".into());
    println!(
        "impact: functional {}, information {}, recoverability {}",
        rating(d.impact.functional.map(|v| v.to_string())),
        rating(d.impact.information.map(|v| v.to_string())),
        rating(d.impact.recoverability.map(|v| v.to_string()))
    );
    if !d.summary.is_empty() {
        println!("summary: {}", visible(&d.summary));
    }
    println!(
        "retain until {}; legal hold {}{}",
        d.retain_until.map_or("—".into(), |t| t.to_string()),
        if d.legal_hold { "yes" } else { "no" },
        if d.legal_hold_reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", visible(&d.legal_hold_reason))
        }
    );
    println!(
        "regimes: {}",
        if r.regimes.is_empty() {
            "none chosen".to_string()
        } else {
            r.regimes.join(", ")
        }
    );
    println!("milestones:");
    for k in MilestoneKind::ALL {
        match r.milestones.iter().find(|m| m.kind == *k) {
            Some(m) => println!(
                "  {:<24} {}{}{}",
                k.as_str(),
                m.at,
                m.event_id
                    .map_or(String::new(), |e| format!("  (event {e})")),
                if m.note.is_empty() {
                    String::new()
                } else {
                    format!("  {}", visible(&m.note))
                }
            ),
            None => println!("  {:<24} —", k.as_str()),
        }
    }
    for p in &r.people {
        println!(
            "person #{}: {} ({}) {} {}",
            p.id,
            visible(&p.name),
            p.role,
            visible(&p.email),
            visible(&p.phone)
        );
    }
    for a in &r.assets {
        println!("asset #{}: {} {}", a.id, visible(&a.name), visible(&a.kind));
    }
    for p in &r.affected {
        println!(
            "{} #{}: {} people {} records {}",
            p.kind,
            p.id,
            visible(&p.name),
            p.people_affected.map_or("—".into(), |n| n.to_string()),
            p.records_affected.map_or("—".into(), |n| n.to_string())
        );
    }
    for x in &r.related {
        println!(
            "related #{}: {} {}",
            x.id,
            visible(&x.reference),
            visible(&x.relation)
        );
    }
    println!(
        "{} actions, {} follow-up items, {} lessons answered, {} notifications sent",
        r.actions.len(),
        r.follow_ups.len(),
        r.lessons.len(),
        r.notifications.len()
    );
}

fn print_actions(r: &IncidentRecord) {
    for a in &r.actions {
        println!(
            "#{} [{}] {} {} {}: {} (owner {}, at {})",
            a.id,
            a.status,
            a.kind,
            a.stage.map_or("—".into(), |s| s.to_string()),
            a.approvals.len(),
            visible(&a.what),
            visible(opt(&a.owner)),
            a.at.map_or("—".into(), |t| t.to_string())
        );
        for p in &a.approvals {
            println!(
                "    approved by {}{} at {}",
                visible(&p.approver),
                p.role.map_or(String::new(), |r| format!(" ({r})")),
                p.at
            );
        }
    }
    println!("-- {} actions", r.actions.len());
}

fn print_follow_ups(r: &IncidentRecord) {
    for f in &r.follow_ups {
        println!(
            "#{} [{}] {} {}: {} (owner {}, due {}, {})",
            f.id,
            f.status,
            f.priority,
            f.kind,
            visible(&f.title),
            visible(opt(&f.owner)),
            f.due.map_or("—".into(), |t| t.to_string()),
            visible(opt(&f.tracker))
        );
    }
    println!("-- {} follow-up items", r.follow_ups.len());
}

fn print_deadlines(list: &[Deadline]) {
    for d in list {
        println!(
            "{:<6} {:<20} {:<15} {:<28} {}",
            d.regime,
            d.rule,
            serde_json::to_value(d.status)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            d.due.map_or("—".into(), |t| t.to_string()),
            d.remaining
        );
    }
    if list.is_empty() {
        println!("no regimes chosen: `tideline incident CASE regimes gdpr ...`");
    }
}

fn done(json: bool, value: serde_json::Value, text: &str) -> anyhow::Result<()> {
    if json {
        print_json(&value)
    } else {
        println!("{text}");
        Ok(())
    }
}

fn action_input(base: Option<&Action>, f: ActionFields) -> anyhow::Result<ActionInput> {
    let what = f
        .what
        .or_else(|| base.map(|a| a.what.clone()))
        .ok_or_else(|| anyhow::anyhow!("--what is required"))?;
    let kind = f
        .kind
        .or(base.map(|a| a.kind))
        .ok_or_else(|| anyhow::anyhow!("--kind is required ({})", ActionKind::allowed()))?;
    Ok(ActionInput {
        what,
        kind,
        stage: f.stage.or(base.and_then(|a| a.stage)),
        status: f
            .status
            .or(base.map(|a| a.status))
            .unwrap_or(ActionStatus::Planned),
        owner: f
            .owner
            .or_else(|| base.map(|a| a.owner.clone()))
            .unwrap_or_default(),
        at: match f.at {
            Some(t) => time_or_none(&t)?,
            None => base.and_then(|a| a.at),
        },
        event_ids: if f.events.is_empty() {
            base.map(|a| a.event_ids.clone()).unwrap_or_default()
        } else {
            f.events
        },
        evidence_ids: if f.evidence.is_empty() {
            base.map(|a| a.evidence_ids.clone()).unwrap_or_default()
        } else {
            f.evidence
        },
        notes: f
            .notes
            .or_else(|| base.map(|a| a.notes.clone()))
            .unwrap_or_default(),
    })
}

fn apply_follow_up(input: &mut FollowUpInput, f: FollowupFields) -> tideline::Result<()> {
    if let Some(v) = f.title {
        input.title = v;
    }
    if let Some(v) = f.description {
        input.description = v;
    }
    if let Some(v) = f.kind {
        input.kind = v;
    }
    if let Some(v) = f.owner {
        input.owner = v;
    }
    if let Some(v) = f.priority {
        input.priority = v;
    }
    if let Some(v) = f.due {
        input.due = time_or_none(&v)?;
    }
    if let Some(v) = f.status {
        input.status = v;
    }
    if let Some(v) = f.tracker {
        input.tracker = v;
    }
    if let Some(v) = f.lesson {
        input.lesson = if v.trim().is_empty() || v.trim() == "none" {
            None
        } else {
            Some(v.parse()?)
        };
    }
    Ok(())
}

fn remove(case: &Path, list: ItemList, id: i64, actor: &Actor) -> anyhow::Result<()> {
    let mut c = open(case)?;
    edit::remove_item(&mut c, &actor.name(), list, id)?;
    done(
        actor.json,
        json!({ "removed": list.noun(), "id": id }),
        &format!("removed {} #{id}", list.noun()),
    )
}

fn added(json: bool, noun: &str, id: i64) -> anyhow::Result<()> {
    done(json, json!({ "id": id }), &format!("added {noun} #{id}"))
}

pub fn run(cmd: IncidentCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        IncidentCommand::Incident { case, what } => incident(&case, what)?,
        IncidentCommand::Milestone {
            case,
            kind,
            time: at,
            event,
            note,
            clear,
            actor,
            json,
        } => {
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let mut c = open(&case)?;
            if clear {
                edit::clear_milestone(&mut c, &actor, kind)?;
                done(json, json!({ "cleared": kind }), &format!("cleared {kind}"))?;
            } else {
                let when = match (at, event) {
                    (Some(t), None) => MilestoneAt::Time(parse_user_time(&t)?),
                    (None, Some(id)) => MilestoneAt::Event(id),
                    _ => anyhow::bail!("give the milestone's time, or --event ID, or --clear"),
                };
                let m = edit::set_milestone(&mut c, &actor, kind, when, &note)?;
                done(
                    json,
                    serde_json::to_value(&m)?,
                    &format!(
                        "{kind} set to {}{}",
                        m.at,
                        m.event_id
                            .map_or(String::new(), |e| format!(" from event {e}"))
                    ),
                )?;
            }
        }
        IncidentCommand::Action { case, what } => match what {
            ActionWhat::Add { fields, actor } => {
                let input = action_input(None, fields)?;
                let id = edit::add_action(&mut open(&case)?, &actor.name(), &input)?;
                added(actor.json, "action", id)?;
            }
            ActionWhat::Set { id, fields, actor } => {
                let mut c = open(&case)?;
                let record = c.incident_record()?;
                let base = record
                    .actions
                    .iter()
                    .find(|a| a.id == id)
                    .ok_or_else(|| anyhow::anyhow!("the case has no action #{id}"))?;
                let input = action_input(Some(base), fields)?;
                edit::update_action(&mut c, &actor.name(), id, &input)?;
                done(
                    actor.json,
                    json!({ "id": id }),
                    &format!("updated action #{id}"),
                )?;
            }
            ActionWhat::Approve {
                id,
                approver,
                role,
                at,
                note,
                actor,
            } => {
                let at = match at {
                    Some(t) => parse_user_time(&t)?,
                    None => now_micros(),
                };
                let aid = edit::approve_action(
                    &mut open(&case)?,
                    &actor.name(),
                    id,
                    &approver,
                    role,
                    at,
                    &note,
                )?;
                done(
                    actor.json,
                    json!({ "action_id": id, "approval_id": aid }),
                    &format!("action #{id} approved by {}", visible(&approver)),
                )?;
            }
            ActionWhat::List { json } => {
                let r = record_of(&case)?;
                if json {
                    print_json(&serde_json::to_value(&r.actions)?)?;
                } else {
                    print_actions(&r);
                }
            }
        },
        IncidentCommand::Followup { case, what } => match what {
            FollowupWhat::Add { fields, actor } => {
                let missing = |what: &str| anyhow::anyhow!("--{what} is required");
                let mut input = FollowUpInput {
                    title: fields.title.clone().ok_or_else(|| missing("title"))?,
                    description: String::new(),
                    kind: fields.kind.ok_or_else(|| missing("type"))?,
                    owner: String::new(),
                    priority: fields.priority.ok_or_else(|| missing("priority"))?,
                    due: None,
                    status: FollowUpStatus::Open,
                    tracker: String::new(),
                    lesson: None,
                };
                apply_follow_up(&mut input, fields)?;
                let id = edit::add_follow_up(&mut open(&case)?, &actor.name(), &input)?;
                added(actor.json, "follow-up item", id)?;
            }
            FollowupWhat::Set { id, fields, actor } => {
                let f = edit::update_follow_up(&mut open(&case)?, &actor.name(), id, |input| {
                    apply_follow_up(input, fields)
                })?;
                done(
                    actor.json,
                    serde_json::to_value(&f)?,
                    &format!("updated follow-up item #{id}"),
                )?;
            }
            FollowupWhat::List { json } => {
                let r = record_of(&case)?;
                if json {
                    print_json(&serde_json::to_value(&r.follow_ups)?)?;
                } else {
                    print_follow_ups(&r);
                }
            }
        },
        IncidentCommand::Lessons { case, what } => match what {
            LessonsWhat::Set {
                topic,
                answer,
                actor,
            } => {
                edit::set_lesson(&mut open(&case)?, &actor.name(), topic, &answer)?;
                done(
                    actor.json,
                    json!({ "topic": topic, "answer": answer }),
                    &format!("{topic} set"),
                )?;
            }
            LessonsWhat::Show { json } => {
                let r = record_of(&case)?;
                let all: Vec<_> = LessonTopic::ALL
                    .iter()
                    .map(
                        |t| json!({ "topic": t, "question": t.question(), "answer": r.lesson(*t) }),
                    )
                    .collect();
                if json {
                    print_json(&json!(all))?;
                } else {
                    for t in LessonTopic::ALL {
                        println!(
                            "{}\n  {}",
                            t.question(),
                            visible(r.lesson(*t).unwrap_or("—"))
                        );
                    }
                }
            }
        },
        IncidentCommand::Metrics {
            case,
            library,
            json,
        } => {
            if let Some(dir) = library {
                let lib = library_metrics(&dir)?;
                if json {
                    print_json(&serde_json::to_value(&lib)?)?;
                } else {
                    println!("{} cases", lib.cases.len());
                    for (k, n) in &lib.by_category {
                        println!("  category {k:<24} {n}");
                    }
                    for (k, n) in &lib.by_severity {
                        println!("  severity {k:<24} {n}");
                    }
                    for m in &lib.medians {
                        println!(
                            "  median {:<20} {:<12} ({} cases)",
                            m.label, m.median, m.cases
                        );
                    }
                    for s in &lib.skipped {
                        println!("  skipped {}: {}", visible(&s.file), visible(&s.reason));
                    }
                }
            } else if let Some(case) = case {
                let m = metrics(&record_of(&case)?);
                if json {
                    print_json(&serde_json::to_value(&m)?)?;
                } else {
                    for x in &m.metrics {
                        println!("{:<20} {:<12} ({} -> {})", x.label, x.text, x.from, x.to);
                    }
                    for w in &m.warnings {
                        println!("warning: {w}");
                    }
                }
            }
        }
        IncidentCommand::Deadlines {
            case,
            now,
            rules,
            json,
        } => {
            let rules = rules.load()?;
            let now = match now {
                Some(t) => parse_user_time(&t)?,
                None => now_micros(),
            };
            let list = deadlines::evaluate(&record_of(&case)?, &rules, now)?;
            if json {
                print_json(&json!({ "now": UtcTime(now), "deadlines": list }))?;
            } else {
                print_deadlines(&list);
            }
        }
        IncidentCommand::Notify { case, what } => match what {
            NotifyWhat::Record(args) => {
                let NotifyRecord {
                    rule,
                    sent_at,
                    recipient,
                    channel,
                    text,
                    text_file,
                    late_reason,
                    rules,
                    actor,
                } = *args;
                let text = match text_file {
                    Some(p) => {
                        std::fs::read_to_string(&p).map_err(|e| tideline::Error::io(&p, e))?
                    }
                    None => text,
                };
                let input = NotificationInput {
                    rule,
                    sent_at: time(&sent_at)?,
                    recipient,
                    channel,
                    text,
                    late_reason,
                };
                let id = edit::record_notification(
                    &mut open(&case)?,
                    &actor.name(),
                    &input,
                    &rules.load()?,
                )?;
                added(actor.json, "notification", id)?;
            }
            NotifyWhat::List { json } => {
                let r = record_of(&case)?;
                if json {
                    print_json(&serde_json::to_value(&r.notifications)?)?;
                } else {
                    for n in &r.notifications {
                        println!(
                            "#{} {} {} to {} via {}",
                            n.id,
                            n.rule,
                            n.sent_at,
                            visible(&n.recipient),
                            visible(opt(&n.channel))
                        );
                    }
                }
            }
        },
        IncidentCommand::Rules { rules, json } => {
            let set = rules.load()?;
            if json {
                print_json(&json!({ "regimes": set.regimes(), "rules": set.rules() }))?;
            } else {
                for r in set.rules() {
                    println!("{:<6} {:<20} {}", r.regime, r.id, r.name);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn incident(case: &Path, what: IncidentWhat) -> anyhow::Result<()> {
    match what {
        IncidentWhat::Show { json } => {
            let r = record_of(case)?;
            if json {
                print_json(&serde_json::to_value(&r)?)?;
            } else {
                print_record(&r);
            }
        }
        IncidentWhat::Set {
            title,
            summary,
            category,
            severity,
            status,
            phase,
            functional_impact,
            information_impact,
            recoverability,
            retain_until,
            legal_hold,
            legal_hold_reason,
            actor,
        } => {
            let retain_until = retain_until.as_deref().map(time_or_none).transpose()?;
            let d = edit::update_details(&mut open(case)?, &actor.name(), |d| {
                if let Some(v) = title {
                    d.title = v;
                }
                if let Some(v) = summary {
                    d.summary = v;
                }
                if let Some(v) = category {
                    d.category = v;
                }
                if let Some(v) = severity {
                    d.severity = v;
                }
                if let Some(v) = status {
                    d.status = v;
                }
                if let Some(v) = phase {
                    d.phase = v;
                }
                if let Some(v) = functional_impact {
                    d.impact.functional = Some(v);
                }
                if let Some(v) = information_impact {
                    d.impact.information = Some(v);
                }
                if let Some(v) = recoverability {
                    d.impact.recoverability = Some(v);
                }
                if let Some(v) = retain_until {
                    d.retain_until = v;
                }
                if let Some(v) = legal_hold {
                    d.legal_hold = v;
                }
                if let Some(v) = legal_hold_reason {
                    d.legal_hold_reason = v;
                }
                Ok(())
            })?;
            done(actor.json, serde_json::to_value(&d)?, "details saved")?;
        }
        IncidentWhat::Regimes {
            regimes,
            rules,
            actor,
        } => {
            let chosen = if regimes.is_empty() {
                record_of(case)?.regimes
            } else {
                edit::set_regimes(&mut open(case)?, &actor.name(), &regimes, &rules.load()?)?
            };
            done(
                actor.json,
                json!({ "regimes": chosen }),
                &format!("regimes: {}", chosen.join(", ")),
            )?;
        }
        IncidentWhat::Person { what } => match what {
            PersonWhat::Add {
                name,
                role,
                email,
                phone,
                notes,
                actor,
            } => {
                let p = Person {
                    id: 0,
                    name,
                    role,
                    email,
                    phone,
                    notes,
                };
                added(
                    actor.json,
                    "person",
                    edit::add_person(&mut open(case)?, &actor.name(), &p)?,
                )?;
            }
            PersonWhat::Remove { id, actor } => remove(case, ItemList::Person, id, &actor)?,
        },
        IncidentWhat::Asset { what } => match what {
            AssetWhat::Add {
                name,
                kind,
                notes,
                actor,
            } => {
                let a = Asset {
                    id: 0,
                    name,
                    kind,
                    notes,
                };
                added(
                    actor.json,
                    "asset",
                    edit::add_asset(&mut open(case)?, &actor.name(), &a)?,
                )?;
            }
            AssetWhat::Remove { id, actor } => remove(case, ItemList::Asset, id, &actor)?,
        },
        IncidentWhat::Party { what } => match what {
            PartyWhat::Add {
                kind,
                name,
                people,
                records,
                notes,
                actor,
            } => {
                let p = AffectedParty {
                    id: 0,
                    kind,
                    name,
                    people_affected: people,
                    records_affected: records,
                    notes,
                };
                added(
                    actor.json,
                    "affected party",
                    edit::add_party(&mut open(case)?, &actor.name(), &p)?,
                )?;
            }
            PartyWhat::Remove { id, actor } => remove(case, ItemList::Party, id, &actor)?,
        },
        IncidentWhat::Related { what } => match what {
            RelatedWhat::Add {
                reference,
                relation,
                notes,
                actor,
            } => {
                let r = RelatedCase {
                    id: 0,
                    reference,
                    relation,
                    notes,
                };
                added(
                    actor.json,
                    "related case",
                    edit::add_related(&mut open(case)?, &actor.name(), &r)?,
                )?;
            }
            RelatedWhat::Remove { id, actor } => remove(case, ItemList::Related, id, &actor)?,
        },
    }
    Ok(())
}
