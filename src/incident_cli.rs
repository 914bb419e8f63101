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
        #[command(flatten)]
        actor: Actor,
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

/// Prints `value` with `--json`, else `text`.
fn done(json: bool, value: serde_json::Value, text: &str) -> anyhow::Result<()> {
    if json {
        print_json(&value)
    } else {
        println!("{text}");
        Ok(())
    }
}

impl Actor {
    /// Opens the case, makes one change as this actor, and prints what `report` makes of
    /// its outcome: the JSON value with `--json`, else the text.
    fn change<T>(
        &self,
        case: &Path,
        make: impl FnOnce(&mut Case, &str) -> anyhow::Result<T>,
        report: impl FnOnce(T) -> anyhow::Result<(serde_json::Value, String)>,
    ) -> anyhow::Result<()> {
        let outcome = make(&mut open(case)?, &self.name())?;
        let (value, text) = report(outcome)?;
        done(self.json, value, &text)
    }

    /// A change that adds one item: prints its new id.
    fn add(
        &self,
        case: &Path,
        noun: &str,
        make: impl FnOnce(&mut Case, &str) -> anyhow::Result<i64>,
    ) -> anyhow::Result<()> {
        self.change(case, make, |id| {
            Ok((json!({ "id": id }), format!("added {noun} #{id}")))
        })
    }

    /// Adds a person, asset, affected party or related case.
    fn add_item<T: edit::NewItem>(&self, case: &Path, item: T) -> anyhow::Result<()> {
        self.add(case, T::LIST.noun(), |c, who| {
            Ok(edit::add_item(c, who, &item)?)
        })
    }

    /// Removes a person, asset, affected party or related case.
    fn remove(&self, case: &Path, list: ItemList, id: i64) -> anyhow::Result<()> {
        self.change(
            case,
            |c, who| Ok(edit::remove_item(c, who, list, id)?),
            |()| {
                Ok((
                    json!({ "removed": list.noun(), "id": id }),
                    format!("removed {} #{id}", list.noun()),
                ))
            },
        )
    }
}

/// Reads the record (read-only) and prints `value` of it with `--json`, else `text` of it.
fn show(
    case: &Path,
    json: bool,
    value: impl FnOnce(&IncidentRecord) -> anyhow::Result<serde_json::Value>,
    text: impl FnOnce(&IncidentRecord),
) -> anyhow::Result<()> {
    let r = record_of(case)?;
    if json {
        print_json(&value(&r)?)
    } else {
        text(&r);
        Ok(())
    }
}

fn value(v: &impl serde::Serialize) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(v)?)
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
        } => {
            if clear {
                actor.change(
                    &case,
                    |c, who| Ok(edit::clear_milestone(c, who, kind)?),
                    |()| Ok((json!({ "cleared": kind }), format!("cleared {kind}"))),
                )?;
            } else {
                actor.change(
                    &case,
                    |c, who| {
                        let when = match (at, event) {
                            (Some(t), None) => MilestoneAt::Time(parse_user_time(&t)?),
                            (None, Some(id)) => MilestoneAt::Event(id),
                            _ => anyhow::bail!(
                                "give the milestone's time, or --event ID, or --clear"
                            ),
                        };
                        Ok(edit::set_milestone(c, who, kind, when, &note)?)
                    },
                    |m| {
                        let text = format!(
                            "{kind} set to {}{}",
                            m.at,
                            m.event_id
                                .map_or(String::new(), |e| format!(" from event {e}"))
                        );
                        Ok((value(&m)?, text))
                    },
                )?;
            }
        }
        IncidentCommand::Action { case, what } => match what {
            ActionWhat::Add { fields, actor } => {
                let input = action_input(None, fields)?;
                actor.add(&case, "action", |c, who| {
                    Ok(edit::add_action(c, who, &input)?)
                })?;
            }
            ActionWhat::Set { id, fields, actor } => actor.change(
                &case,
                |c, who| {
                    let record = c.incident_record()?;
                    let base = record
                        .actions
                        .iter()
                        .find(|a| a.id == id)
                        .ok_or_else(|| anyhow::anyhow!("the case has no action #{id}"))?;
                    let input = action_input(Some(base), fields)?;
                    Ok(edit::update_action(c, who, id, &input)?)
                },
                |()| Ok((json!({ "id": id }), format!("updated action #{id}"))),
            )?,
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
                actor.change(
                    &case,
                    |c, who| {
                        Ok(edit::approve_action(
                            c, who, id, &approver, role, at, &note,
                        )?)
                    },
                    |aid| {
                        Ok((
                            json!({ "action_id": id, "approval_id": aid }),
                            format!("action #{id} approved by {}", visible(&approver)),
                        ))
                    },
                )?;
            }
            ActionWhat::List { json } => {
                show(&case, json, |r| value(&r.actions), print_actions)?;
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
                actor.add(&case, "follow-up item", |c, who| {
                    Ok(edit::add_follow_up(c, who, &input)?)
                })?;
            }
            FollowupWhat::Set { id, fields, actor } => actor.change(
                &case,
                |c, who| {
                    Ok(edit::update_follow_up(c, who, id, |input| {
                        apply_follow_up(input, fields)
                    })?)
                },
                |f| Ok((value(&f)?, format!("updated follow-up item #{id}"))),
            )?,
            FollowupWhat::List { json } => {
                show(&case, json, |r| value(&r.follow_ups), print_follow_ups)?;
            }
        },
        IncidentCommand::Lessons { case, what } => match what {
            LessonsWhat::Set {
                topic,
                answer,
                actor,
            } => actor.change(
                &case,
                |c, who| Ok(edit::set_lesson(c, who, topic, &answer)?),
                |()| {
                    Ok((
                        json!({ "topic": topic, "answer": answer }),
                        format!("{topic} set"),
                    ))
                },
            )?,
            LessonsWhat::Show { json } => show(
                &case,
                json,
                |r| {
                    let all: Vec<_> = LessonTopic::ALL
                        .iter()
                        .map(|t| {
                            json!({ "topic": t, "question": t.question(), "answer": r.lesson(*t) })
                        })
                        .collect();
                    Ok(json!(all))
                },
                |r| {
                    for t in LessonTopic::ALL {
                        println!(
                            "{}\n  {}",
                            t.question(),
                            visible(r.lesson(*t).unwrap_or("—"))
                        );
                    }
                },
            )?,
        },
        IncidentCommand::Metrics {
            case,
            library,
            json,
        } => {
            if let Some(dir) = library {
                let lib = library_metrics(&dir)?;
                if json {
                    print_json(&value(&lib)?)?;
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
                show(
                    &case,
                    json,
                    |r| value(&metrics(r)),
                    |r| {
                        let m = metrics(r);
                        for x in &m.metrics {
                            println!("{:<20} {:<12} ({} -> {})", x.label, x.text, x.from, x.to);
                        }
                        for w in &m.warnings {
                            println!("warning: {w}");
                        }
                    },
                )?;
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
                actor.add(&case, "notification", |c, who| {
                    Ok(edit::record_notification(c, who, &input, &rules.load()?)?)
                })?;
            }
            NotifyWhat::List { json } => show(
                &case,
                json,
                |r| value(&r.notifications),
                |r| {
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
                },
            )?,
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
        IncidentWhat::Show { json } => show(case, json, value, print_record),
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
            actor.change(
                case,
                |c, who| {
                    Ok(edit::update_details(c, who, |d| {
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
                    })?)
                },
                |d| Ok((value(&d)?, "details saved".into())),
            )
        }
        IncidentWhat::Regimes {
            regimes,
            rules,
            actor,
        } => {
            let report = |chosen: Vec<String>| {
                Ok((
                    json!({ "regimes": chosen }),
                    format!("regimes: {}", chosen.join(", ")),
                ))
            };
            if regimes.is_empty() {
                let (v, text) = report(record_of(case)?.regimes)?;
                done(actor.json, v, &text)
            } else {
                actor.change(
                    case,
                    |c, who| Ok(edit::set_regimes(c, who, &regimes, &rules.load()?)?),
                    report,
                )
            }
        }
        IncidentWhat::Person { what } => match what {
            PersonWhat::Add {
                name,
                role,
                email,
                phone,
                notes,
                actor,
            } => actor.add_item(
                case,
                Person {
                    id: 0,
                    name,
                    role,
                    email,
                    phone,
                    notes,
                },
            ),
            PersonWhat::Remove { id, actor } => actor.remove(case, ItemList::Person, id),
        },
        IncidentWhat::Asset { what } => match what {
            AssetWhat::Add {
                name,
                kind,
                notes,
                actor,
            } => actor.add_item(
                case,
                Asset {
                    id: 0,
                    name,
                    kind,
                    notes,
                },
            ),
            AssetWhat::Remove { id, actor } => actor.remove(case, ItemList::Asset, id),
        },
        IncidentWhat::Party { what } => match what {
            PartyWhat::Add {
                kind,
                name,
                people,
                records,
                notes,
                actor,
            } => actor.add_item(
                case,
                AffectedParty {
                    id: 0,
                    kind,
                    name,
                    people_affected: people,
                    records_affected: records,
                    notes,
                },
            ),
            PartyWhat::Remove { id, actor } => actor.remove(case, ItemList::Party, id),
        },
        IncidentWhat::Related { what } => match what {
            RelatedWhat::Add {
                reference,
                relation,
                notes,
                actor,
            } => actor.add_item(
                case,
                RelatedCase {
                    id: 0,
                    reference,
                    relation,
                    notes,
                },
            ),
            RelatedWhat::Remove { id, actor } => actor.remove(case, ItemList::Related, id),
        },
    }
}
