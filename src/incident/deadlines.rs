//! Notification deadlines, from rules kept as data.
//!
//! The rules ship with Tideline in `notification-rules.json` (embedded in the binary) and a
//! user can add or override rules with a file of the same shape ([`RuleSet::load`]). A rule
//! says which regime it belongs to, whom it notifies and when it is due:
//!
//! - `{"after": {"from": ANCHOR, "offset": OFFSET}}`: a fixed time after an anchor;
//! - `{"asap": {"from": ANCHOR}}`: "without undue delay": due from the anchor on, shown as
//!   due now until a notification is recorded;
//! - `{"earlier_of": [DUE, DUE, ...]}`: the earliest of those that can be computed (DORA).
//!
//! An ANCHOR is `{"milestone": KIND}`, `{"deadline": RULE}` (another rule's due time) or
//! `{"sent": RULE}` (when the latest notification for that rule was sent; until one is, its
//! due time stands in). An OFFSET is `{"hours": N}`, `{"days": N}`, `{"months": N}`
//! (calendar months, clamped to the month's last day) or `{"business_days": {"days": N,
//! "calendar": NAME}}`, due at the end (UTC) of the Nth business day after the anchor's
//! date, skipping weekends and the calendar's holidays (`us_federal` is computed, see
//! [`super::holidays`]; a calendar may list extra `holidays` dates). A rule may apply only
//! `when` enough people are affected (`min_people_affected`, `below_people_affected`), and
//! may require a reason when the notification is late (`late_reason_required`, GDPR Art. 33).
//!
//! [`evaluate`] turns the rules of the case's regimes into [`Deadline`]s against a `now`
//! passed in (never read from the clock here), each `pending` (its anchor is not set yet),
//! `not_applicable`, `due` (with the time left), `due_now` (asap), `overdue` (by how
//! much), `met` (a notification recorded by the due time) or `late` (recorded after it,
//! with the reason given or missing).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Months, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::holidays::{is_weekend, us_federal_holiday};
use super::{IncidentRecord, MilestoneKind, UtcTime};
use crate::error::{Error, Result};
use crate::time::{format_micros, Micros};

/// The rules shipped with Tideline.
pub const BUILTIN_RULES: &str = include_str!("notification-rules.json");

/// The environment variable naming an extra rules file.
pub const RULES_ENV: &str = "TIDELINE_RULES";

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

/// A rules file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Free text describing the file.
    #[serde(default)]
    pub about: String,
    #[serde(default)]
    pub calendars: BTreeMap<String, Calendar>,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// A business-day calendar: weekends are never business days; neither are its holidays.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Skip the US federal holidays (computed for any year).
    #[serde(default)]
    pub us_federal: bool,
    /// Further days off, `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// Why `d` is not a business day, or `None` when it is one.
    fn day_off(&self, d: NaiveDate) -> Option<String> {
        if is_weekend(d) {
            return Some(format!("{d} {}", d.format("%A")));
        }
        if self.us_federal {
            if let Some(name) = us_federal_holiday(d) {
                return Some(format!("{d} {name}"));
            }
        }
        self.holidays.contains(&d).then(|| format!("{d} holiday"))
    }
}

/// One notification a regime requires.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `gdpr_art33`; notifications sent name it.
    pub id: String,
    /// The regime, e.g. `gdpr`; a case chooses regimes.
    pub regime: String,
    pub name: String,
    #[serde(default)]
    pub recipient: String,
    /// The legal reference.
    #[serde(default)]
    pub reference: String,
    pub due: Due,
    #[serde(default)]
    pub when: Condition,
    #[serde(default)]
    pub late_reason_required: bool,
    #[serde(default)]
    pub note: String,
}

/// When a rule is due.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Due {
    After { from: Anchor, offset: Offset },
    Asap { from: Anchor },
    EarlierOf(Vec<Due>),
}

/// What a deadline counts from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Anchor {
    Milestone(MilestoneKind),
    Deadline(String),
    Sent(String),
}

/// How long after the anchor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Offset {
    Hours(i64),
    Days(i64),
    Months(u32),
    BusinessDays { days: u32, calendar: String },
}

/// When a rule applies at all.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Only when at least this many people are affected.
    #[serde(default)]
    pub min_people_affected: Option<i64>,
    /// Only when fewer than this many people are affected.
    #[serde(default)]
    pub below_people_affected: Option<i64>,
}

impl Condition {
    fn holds(&self, people: i64) -> bool {
        self.min_people_affected.is_none_or(|m| people >= m)
            && self.below_people_affected.is_none_or(|b| people < b)
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.min_people_affected {
            parts.push(format!("{m} or more people affected"));
        }
        if let Some(b) = self.below_people_affected {
            parts.push(format!("fewer than {b} people affected"));
        }
        parts.join(" and ")
    }
}

/// The rules in force: the shipped ones, with a user's file merged over them.
#[derive(Debug, Clone)]
pub struct RuleSet {
    calendars: BTreeMap<String, Calendar>,
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The rules shipped with Tideline.
    pub fn builtin() -> RuleSet {
        let file: RuleFile =
            serde_json::from_str(BUILTIN_RULES).expect("the shipped rules file parses");
        let set = RuleSet {
            calendars: file.calendars,
            rules: file.rules,
        };
        set.check().expect("the shipped rules are consistent");
        set
    }

    /// The shipped rules, then `extra` (if given), else the file named by `$TIDELINE_RULES`
    /// (if set), merged over them.
    pub fn load(extra: Option<&Path>) -> Result<RuleSet> {
        let mut set = RuleSet::builtin();
        let env = std::env::var_os(RULES_ENV).map(std::path::PathBuf::from);
        if let Some(path) = extra.map(Path::to_path_buf).or(env) {
            set.merge_file(&path)?;
        }
        Ok(set)
    }

    /// Merges a rules file: a rule with a known id replaces it, others are added;
    /// calendars likewise.
    pub fn merge_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.merge_text(&text)
            .map_err(|e| Error::Invalid(format!("rules file {}: {e}", path.display())))
    }

    /// Merges rules given as JSON text (see [`RuleSet::merge_file`]).
    pub fn merge_text(&mut self, text: &str) -> Result<()> {
        let file: RuleFile = serde_json::from_str(text)?;
        let mut next = self.clone();
        next.calendars.extend(file.calendars);
        for rule in file.rules {
            match next.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(r) => *r = rule,
                None => next.rules.push(rule),
            }
        }
        next.check()?;
        *self = next;
        Ok(())
    }

    /// Refuses duplicate ids, anchors naming unknown rules, unknown calendars and cycles.
    fn check(&self) -> Result<()> {
        for (i, r) in self.rules.iter().enumerate() {
            if r.id.trim().is_empty() || r.regime.trim().is_empty() {
                return Err(Error::Invalid("every rule needs an id and a regime".into()));
            }
            if r.regime != r.regime.to_ascii_lowercase() {
                return Err(Error::Invalid(format!(
                    "rule {}: regime '{}' must be lower case",
                    r.id, r.regime
                )));
            }
            if self.rules[..i].iter().any(|o| o.id == r.id) {
                return Err(Error::Invalid(format!("rule id {} is used twice", r.id)));
            }
            self.check_due(&r.id, &r.due, &mut vec![r.id.as_str()])?;
        }
        Ok(())
    }

    fn check_due<'a>(&'a self, id: &str, due: &'a Due, path: &mut Vec<&'a str>) -> Result<()> {
        let anchor = match due {
            Due::EarlierOf(list) => {
                if list.is_empty() {
                    return Err(Error::Invalid(format!("rule {id}: earlier_of is empty")));
                }
                for d in list {
                    self.check_due(id, d, path)?;
                }
                return Ok(());
            }
            Due::After { from, offset } => {
                if let Offset::BusinessDays { calendar, .. } = offset {
                    if !self.calendars.contains_key(calendar) {
                        return Err(Error::Invalid(format!(
                            "rule {id}: unknown calendar '{calendar}'"
                        )));
                    }
                }
                from
            }
            Due::Asap { from } => from,
        };
        if let Anchor::Deadline(other) | Anchor::Sent(other) = anchor {
            let Some(r) = self.rule(other) else {
                return Err(Error::Invalid(format!(
                    "rule {id} counts from unknown rule '{other}'"
                )));
            };
            if path.contains(&other.as_str()) {
                return Err(Error::Invalid(format!(
                    "rules count from each other in a circle: {} -> {other}",
                    path.join(" -> ")
                )));
            }
            path.push(&r.id);
            self.check_due(&r.id, &r.due, path)?;
            path.pop();
        }
        Ok(())
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every rule id, in order.
    pub fn rule_ids(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.id.clone()).collect()
    }

    /// The regimes the rules know, sorted.
    pub fn regimes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.rules.iter().map(|r| r.regime.clone()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// What it counts from is not known yet (a milestone not set).
    Pending,
    /// Its condition does not hold (e.g. fewer than 500 people affected).
    NotApplicable,
    /// Not sent yet; time is left.
    Due,
    /// "Without undue delay": not sent yet.
    DueNow,
    /// Not sent and past due.
    Overdue,
    /// Sent by the due time.
    Met,
    /// Sent after the due time.
    Late,
}

/// One notification owed, as it stands at `now`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Deadline {
    pub rule: String,
    pub regime: String,
    pub name: String,
    pub recipient: String,
    pub reference: String,
    pub status: DeadlineStatus,
    /// The due time (for an asap rule, when it became due).
    pub due: Option<UtcTime>,
    /// "Without undue delay": no fixed offset.
    pub asap: bool,
    /// How the due time was reached, e.g. `awareness 2026-03-14T06:00:00.000000Z + 72 h`.
    pub basis: String,
    /// For `pending`: what it waits for; for `not_applicable`: the condition.
    pub waiting_for: Option<String>,
    /// Seconds from `now` to the due time (negative when past) while not sent; from the
    /// due time to the sending when sent (negative when early).
    pub seconds: Option<i64>,
    /// The same in words: `71 h 20 min left`, `overdue by 2 d 3 h`, `sent 5 h early`.
    pub remaining: String,
    /// When the first notification for it was sent.
    pub sent_at: Option<UtcTime>,
    pub notification_id: Option<i64>,
    pub late_reason_required: bool,
    pub late_reason: String,
    /// Late, a reason is required and none was given.
    pub reason_missing: bool,
    pub note: String,
}

/// A computed due time.
#[derive(Debug, Clone)]
struct DueAt {
    at: Micros,
    asap: bool,
    basis: String,
}

/// A length of time in words: `3 d 4 h`, `5 h 20 min`, `12 min`, `45 s`.
pub fn span_words(micros: i64) -> String {
    let secs = micros.unsigned_abs() / 1_000_000;
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if d > 0 {
        if h > 0 {
            format!("{d} d {h} h")
        } else {
            format!("{d} d")
        }
    } else if h > 0 {
        if m > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{h} h")
        }
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{secs} s")
    }
}

fn date_of(t: Micros) -> Result<NaiveDate> {
    Utc.timestamp_micros(t)
        .single()
        .map(|dt| dt.date_naive())
        .ok_or_else(|| Error::Invalid(format!("time out of range: {t}")))
}

fn start_of(d: NaiveDate) -> Micros {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_micros()
}

struct Evaluator<'a> {
    rules: &'a RuleSet,
    record: &'a IncidentRecord,
}

impl Evaluator<'_> {
    /// The latest notification sent for a rule.
    fn last_sent(&self, rule: &str) -> Option<Micros> {
        self.record
            .notifications
            .iter()
            .filter(|n| n.rule == rule)
            .map(|n| n.sent_at.0)
            .max()
    }

    fn anchor(&self, a: &Anchor) -> Result<std::result::Result<(Micros, String), String>> {
        Ok(match a {
            Anchor::Milestone(kind) => match self.record.milestone(*kind) {
                Some(t) => Ok((t, format!("{kind} {}", format_micros(t)))),
                None => Err(format!("the {kind} milestone")),
            },
            Anchor::Deadline(id) => match self.due_of(id)? {
                Ok(d) => Ok((d.at, format!("{id} due {}", format_micros(d.at)))),
                Err(w) => Err(w),
            },
            Anchor::Sent(id) => match self.last_sent(id) {
                Some(t) => Ok((t, format!("{id} sent {}", format_micros(t)))),
                None => match self.due_of(id)? {
                    Ok(d) => Ok((
                        d.at,
                        format!("{id} due {} (not sent yet)", format_micros(d.at)),
                    )),
                    Err(w) => Err(w),
                },
            },
        })
    }

    fn due_of(&self, id: &str) -> Result<std::result::Result<DueAt, String>> {
        let rule = self
            .rules
            .rule(id)
            .ok_or_else(|| Error::Invalid(format!("unknown rule {id}")))?;
        self.due(&rule.due)
    }

    fn due(&self, due: &Due) -> Result<std::result::Result<DueAt, String>> {
        match due {
            Due::Asap { from } => Ok(self.anchor(from)?.map(|(at, basis)| DueAt {
                at,
                asap: true,
                basis: format!("{basis}, without undue delay"),
            })),
            Due::After { from, offset } => match self.anchor(from)? {
                Err(w) => Ok(Err(w)),
                Ok((t, basis)) => {
                    let (at, words) = self.add(t, offset)?;
                    Ok(Ok(DueAt {
                        at,
                        asap: false,
                        basis: format!("{basis} + {words}"),
                    }))
                }
            },
            Due::EarlierOf(list) => {
                let mut best: Option<DueAt> = None;
                let mut waiting = Vec::new();
                for d in list {
                    match self.due(d)? {
                        Ok(x) => {
                            if best.as_ref().is_none_or(|b| x.at < b.at) {
                                best = Some(x);
                            }
                        }
                        Err(w) => waiting.push(w),
                    }
                }
                Ok(match best {
                    Some(mut b) => {
                        b.basis = if waiting.is_empty() {
                            format!("{} (the earlier of {})", b.basis, list.len())
                        } else {
                            format!(
                                "{} (the earliest known; may move earlier once {} is set)",
                                b.basis,
                                waiting.join(", ")
                            )
                        };
                        Ok(b)
                    }
                    None => Err(waiting.join(" or ")),
                })
            }
        }
    }

    fn add(&self, t: Micros, offset: &Offset) -> Result<(Micros, String)> {
        Ok(match offset {
            Offset::Hours(h) => (t + h * HOUR, format!("{h} h")),
            Offset::Days(d) => (t + d * DAY, format!("{d} days")),
            Offset::Months(m) => {
                let dt = Utc
                    .timestamp_micros(t)
                    .single()
                    .and_then(|dt| dt.checked_add_months(Months::new(*m)))
                    .ok_or_else(|| Error::Invalid(format!("time out of range: {t}")))?;
                let words = if *m == 1 {
                    "1 month".to_string()
                } else {
                    format!("{m} months")
                };
                (dt.timestamp_micros(), words)
            }
            Offset::BusinessDays { days, calendar } => {
                let cal = self
                    .rules
                    .calendars
                    .get(calendar)
                    .ok_or_else(|| Error::Invalid(format!("unknown calendar '{calendar}'")))?;
                let mut d = date_of(t)?;
                let mut left = *days;
                let mut skipped = Vec::new();
                while left > 0 {
                    d = d.succ_opt().expect("date in range");
                    match cal.day_off(d) {
                        Some(why) => skipped.push(why),
                        None => left -= 1,
                    }
                }
                // Due at the end of that business day.
                let end = start_of(d.succ_opt().expect("date in range")) - 1;
                let mut words = format!("{days} business days ({calendar}) to the end of {d}");
                if !skipped.is_empty() {
                    words.push_str(&format!(", skipping {}", skipped.join(", ")));
                }
                (end, words)
            }
        })
    }
}

/// The deadlines of the case's regimes at `now`, in rule order.
pub fn evaluate(record: &IncidentRecord, rules: &RuleSet, now: Micros) -> Result<Vec<Deadline>> {
    let ev = Evaluator { rules, record };
    let people = record.people_affected();
    let mut out = Vec::new();
    for rule in rules.rules() {
        if !record.regimes.contains(&rule.regime) {
            continue;
        }
        let first = record
            .notifications
            .iter()
            .filter(|n| n.rule == rule.id)
            .min_by_key(|n| (n.sent_at, n.id));
        let mut d = Deadline {
            rule: rule.id.clone(),
            regime: rule.regime.clone(),
            name: rule.name.clone(),
            recipient: rule.recipient.clone(),
            reference: rule.reference.clone(),
            status: DeadlineStatus::Pending,
            due: None,
            asap: matches!(rule.due, Due::Asap { .. }),
            basis: String::new(),
            waiting_for: None,
            seconds: None,
            remaining: String::new(),
            sent_at: first.map(|n| n.sent_at),
            notification_id: first.map(|n| n.id),
            late_reason_required: rule.late_reason_required,
            late_reason: first.map(|n| n.late_reason.clone()).unwrap_or_default(),
            reason_missing: false,
            note: rule.note.clone(),
        };
        if !rule.when.holds(people) {
            d.status = DeadlineStatus::NotApplicable;
            d.waiting_for = Some(format!(
                "applies only with {} ({people} recorded)",
                rule.when.describe()
            ));
            out.push(d);
            continue;
        }
        match ev.due(&rule.due)? {
            Err(waiting) => {
                d.status = DeadlineStatus::Pending;
                d.remaining = format!("waiting for {waiting}");
                d.waiting_for = Some(waiting);
            }
            Ok(due) => {
                d.due = Some(UtcTime(due.at));
                d.asap = due.asap;
                d.basis = due.basis;
                match first {
                    Some(n) => {
                        let delta = n.sent_at.0 - due.at;
                        d.seconds = Some(delta.div_euclid(1_000_000));
                        if due.asap || delta <= 0 {
                            d.status = DeadlineStatus::Met;
                            d.remaining = if due.asap {
                                format!("sent {} after it became due", span_words(delta))
                            } else if delta == 0 {
                                "sent on time".into()
                            } else {
                                format!("sent {} early", span_words(delta))
                            };
                        } else {
                            d.status = DeadlineStatus::Late;
                            d.reason_missing =
                                rule.late_reason_required && n.late_reason.trim().is_empty();
                            d.remaining = format!("sent {} late", span_words(delta));
                            if d.reason_missing {
                                d.remaining
                                    .push_str("; the required reason for the delay is missing");
                            }
                        }
                    }
                    None if due.asap => {
                        d.status = DeadlineStatus::DueNow;
                        d.seconds = Some((due.at - now).div_euclid(1_000_000));
                        d.remaining = format!(
                            "due now, without undue delay ({} since {})",
                            span_words(now - due.at),
                            format_micros(due.at)
                        );
                    }
                    None => {
                        let left = due.at - now;
                        d.seconds = Some(left.div_euclid(1_000_000));
                        if left >= 0 {
                            d.status = DeadlineStatus::Due;
                            d.remaining = format!("{} left", span_words(left));
                        } else {
                            d.status = DeadlineStatus::Overdue;
                            d.remaining = format!("overdue by {}", span_words(left));
                        }
                    }
                }
            }
        }
        out.push(d);
    }
    Ok(out)
}
