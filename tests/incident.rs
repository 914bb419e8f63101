//! The incident record (issue #5): every deadline rule on fixed dates, every metric from a
//! fixed set of milestones, the record's round trip with its audit entries, the refusal of
//! every change once sealed, folder medians, and the CLI's `--json` outputs as golden files.

use std::ops::ControlFlow;
use std::path::Path;

use tideline::archive::{seal, verify};
use tideline::incident::deadlines::{evaluate, Deadline, DeadlineStatus, RuleSet};
use tideline::incident::edit::{self, ActionInput, FollowUpInput, MilestoneAt, NotificationInput};
use tideline::incident::library::{library_metrics, median};
use tideline::incident::metrics::metrics;
use tideline::incident::*;
use tideline::ingest::{import_file, ImportOptions};
use tideline::store::ItemList;
use tideline::time::parse_user_time;
use tideline::Case;

use crate::util::{golden, ok, s, sample, tideline, Dir};

fn t(text: &str) -> i64 {
    parse_user_time(text).unwrap()
}

fn ut(text: &str) -> UtcTime {
    UtcTime(t(text))
}

/// A record held in memory: the deadline engine and the metrics need nothing else.
fn record(regimes: &[&str], milestones: &[(MilestoneKind, &str)]) -> IncidentRecord {
    IncidentRecord {
        case_id: "test".into(),
        details: Details {
            title: "test".into(),
            summary: String::new(),
            category: Category::DataBreach,
            severity: Severity::High,
            status: Status::Open,
            phase: Phase::DetectionAnalysis,
            impact: Impact::default(),
            retain_until: None,
            legal_hold: false,
            legal_hold_reason: String::new(),
        },
        regimes: regimes.iter().map(|r| r.to_string()).collect(),
        people: vec![],
        assets: vec![],
        affected: vec![],
        related: vec![],
        milestones: milestones
            .iter()
            .map(|(kind, at)| Milestone {
                kind: *kind,
                at: ut(at),
                source: MilestoneSource::Manual,
                event_id: None,
                note: String::new(),
                set_by: "t".into(),
                set_at: ut("2026-01-01"),
            })
            .collect(),
        actions: vec![],
        follow_ups: vec![],
        lessons: vec![],
        notifications: vec![],
        sealed_at: None,
    }
}

fn sent(r: &mut IncidentRecord, rule: &str, at: &str, late_reason: &str) {
    let id = r.notifications.len() as i64 + 1;
    r.notifications.push(NotificationSent {
        id,
        rule: rule.into(),
        sent_at: ut(at),
        recipient: "authority".into(),
        channel: "portal".into(),
        text: "notice".into(),
        late_reason: late_reason.into(),
        recorded_by: "t".into(),
    });
}

fn deadlines(r: &IncidentRecord, now: &str) -> Vec<Deadline> {
    evaluate(r, &RuleSet::builtin(), t(now)).unwrap()
}

fn one(r: &IncidentRecord, rule: &str, now: &str) -> Deadline {
    deadlines(r, now)
        .into_iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no deadline {rule}"))
}

fn due(d: &Deadline) -> String {
    d.due.expect("a due time").to_string()
}

const AWARE: (MilestoneKind, &str) = (MilestoneKind::Awareness, "2026-03-13T10:00:00Z");

#[test]
fn gdpr_art33_is_72_hours_from_awareness_with_time_left_or_overdue() {
    let r = record(&["gdpr"], &[AWARE]);
    let d = one(&r, "gdpr_art33", "2026-03-14T09:30:00Z");
    assert_eq!(due(&d), "2026-03-16T10:00:00.000000Z");
    assert_eq!(d.status, DeadlineStatus::Due);
    assert_eq!(d.seconds, Some(2 * 86_400 + 30 * 60));
    assert_eq!(d.remaining, "2 d left");
    assert_eq!(d.basis, "awareness 2026-03-13T10:00:00.000000Z + 72 h");
    let d = one(&r, "gdpr_art33", "2026-03-16T13:15:00Z");
    assert_eq!(d.status, DeadlineStatus::Overdue);
    assert_eq!(d.seconds, Some(-(3 * 3600 + 15 * 60)));
    assert_eq!(d.remaining, "overdue by 3 h 15 min");
}

#[test]
fn gdpr_art33_met_on_time_and_late_with_and_without_the_required_reason() {
    let mut r = record(&["gdpr"], &[AWARE]);
    sent(&mut r, "gdpr_art33", "2026-03-15T10:00:00Z", "");
    let d = one(&r, "gdpr_art33", "2026-04-01");
    assert_eq!(d.status, DeadlineStatus::Met);
    assert_eq!(d.remaining, "sent 1 d early");
    assert!(!d.reason_missing);

    let mut late = record(&["gdpr"], &[AWARE]);
    sent(&mut late, "gdpr_art33", "2026-03-16T14:00:00Z", "");
    let d = one(&late, "gdpr_art33", "2026-04-01");
    assert_eq!(d.status, DeadlineStatus::Late);
    assert!(d.late_reason_required);
    assert!(d.reason_missing);
    assert_eq!(
        d.remaining,
        "sent 4 h late; the required reason for the delay is missing"
    );

    let mut excused = record(&["gdpr"], &[AWARE]);
    sent(
        &mut excused,
        "gdpr_art33",
        "2026-03-16T14:00:00Z",
        "forensic scope unknown until the disk images were read",
    );
    let d = one(&excused, "gdpr_art33", "2026-04-01");
    assert_eq!(d.status, DeadlineStatus::Late);
    assert!(!d.reason_missing);
    assert_eq!(
        d.late_reason,
        "forensic scope unknown until the disk images were read"
    );
    // NIS2 requires no reason: late is late, nothing missing.
    let mut nis2 = record(&["nis2"], &[AWARE]);
    sent(&mut nis2, "nis2_early_warning", "2026-03-14T11:00:00Z", "");
    let d = one(&nis2, "nis2_early_warning", "2026-04-01");
    assert_eq!((d.status, d.reason_missing), (DeadlineStatus::Late, false));
}

#[test]
fn gdpr_art34_is_due_now_without_undue_delay_until_sent() {
    let mut r = record(&["gdpr"], &[AWARE]);
    let d = one(&r, "gdpr_art34", "2026-03-13T16:00:00Z");
    assert_eq!(d.status, DeadlineStatus::DueNow);
    assert!(d.asap);
    assert_eq!(due(&d), "2026-03-13T10:00:00.000000Z");
    assert_eq!(
        d.remaining,
        "due now, without undue delay (6 h since 2026-03-13T10:00:00.000000Z)"
    );
    sent(&mut r, "gdpr_art34", "2026-03-20T09:00:00Z", "");
    let d = one(&r, "gdpr_art34", "2026-04-01");
    assert_eq!(d.status, DeadlineStatus::Met);
}

#[test]
fn a_deadline_waits_for_its_milestone() {
    let r = record(&["gdpr", "sec"], &[]);
    let list = deadlines(&r, "2026-03-13");
    assert_eq!(list.len(), 3);
    for d in &list {
        assert_eq!(d.status, DeadlineStatus::Pending, "{}", d.rule);
        assert_eq!(d.due, None);
    }
    assert_eq!(
        list[2].waiting_for.as_deref(),
        Some("the materiality_determined milestone")
    );
    // Regimes not chosen give no deadlines.
    assert!(deadlines(&record(&[], &[AWARE]), "2026-03-13").is_empty());
}

#[test]
fn nis2_early_warning_notification_and_final_report_a_month_after_the_notification() {
    let mut r = record(
        &["nis2"],
        &[(MilestoneKind::Awareness, "2026-01-28T08:00:00Z")],
    );
    let list = deadlines(&r, "2026-01-28T09:00:00Z");
    let dues: Vec<_> = list.iter().map(|d| (d.rule.as_str(), due(d))).collect();
    assert_eq!(
        dues,
        [
            ("nis2_early_warning", "2026-01-29T08:00:00.000000Z".into()),
            ("nis2_notification", "2026-01-31T08:00:00.000000Z".into()),
            // Until the notification is sent, its due time stands in: 31 Jan + 1 month
            // is the last day of February.
            ("nis2_final_report", "2026-02-28T08:00:00.000000Z".into()),
        ]
    );
    assert_eq!(
        list[2].basis,
        "nis2_notification due 2026-01-31T08:00:00.000000Z (not sent yet) + 1 month"
    );
    sent(&mut r, "nis2_notification", "2026-01-30T17:45:00Z", "");
    let d = one(&r, "nis2_final_report", "2026-02-01");
    assert_eq!(due(&d), "2026-02-28T17:45:00.000000Z");
    assert_eq!(
        d.basis,
        "nis2_notification sent 2026-01-30T17:45:00.000000Z + 1 month"
    );
}

#[test]
fn dora_initial_is_the_earlier_of_classification_plus_4_h_and_awareness_plus_24_h() {
    // Classified early: classification + 4 h comes first.
    let early = record(
        &["dora"],
        &[
            AWARE,
            (MilestoneKind::ClassifiedMajor, "2026-03-13T11:00:00Z"),
        ],
    );
    let d = one(&early, "dora_initial", "2026-03-13T12:00:00Z");
    assert_eq!(due(&d), "2026-03-13T15:00:00.000000Z");
    assert_eq!(
        d.basis,
        "classified_major 2026-03-13T11:00:00.000000Z + 4 h (the earlier of 2)"
    );
    // Classified late: awareness + 24 h comes first.
    let late = record(
        &["dora"],
        &[
            AWARE,
            (MilestoneKind::ClassifiedMajor, "2026-03-14T08:00:00Z"),
        ],
    );
    let d = one(&late, "dora_initial", "2026-03-13T12:00:00Z");
    assert_eq!(due(&d), "2026-03-14T10:00:00.000000Z");
    assert_eq!(
        d.basis,
        "awareness 2026-03-13T10:00:00.000000Z + 24 h (the earlier of 2)"
    );
    // Not classified yet: awareness + 24 h, which classification may still bring forward.
    let unclassified = record(&["dora"], &[AWARE]);
    let d = one(&unclassified, "dora_initial", "2026-03-13T12:00:00Z");
    assert_eq!(due(&d), "2026-03-14T10:00:00.000000Z");
    assert!(d
        .basis
        .contains("may move earlier once the classified_major milestone is set"));
}

#[test]
fn dora_intermediate_72_h_after_the_initial_and_final_a_month_after_the_last_intermediate() {
    let mut r = record(&["dora"], &[AWARE]);
    sent(&mut r, "dora_initial", "2026-03-13T20:00:00Z", "");
    sent(&mut r, "dora_intermediate", "2026-03-15T09:00:00Z", "");
    sent(&mut r, "dora_intermediate", "2026-03-16T18:30:00Z", "");
    let list = deadlines(&r, "2026-03-17");
    let by = |id: &str| list.iter().find(|d| d.rule == id).unwrap();
    assert_eq!(due(by("dora_intermediate")), "2026-03-16T20:00:00.000000Z");
    // Met by the first intermediate report.
    assert_eq!(by("dora_intermediate").status, DeadlineStatus::Met);
    assert_eq!(
        by("dora_intermediate").sent_at.unwrap().to_string(),
        "2026-03-15T09:00:00.000000Z"
    );
    // The final report counts from the latest intermediate one.
    assert_eq!(due(by("dora_final")), "2026-04-16T18:30:00.000000Z");
    assert_eq!(by("dora_final").status, DeadlineStatus::Due);
}

#[test]
fn sec_8k_is_four_business_days_skipping_a_weekend() {
    // Thursday 12 March 2026: Fri 13, (Sat, Sun), Mon 16, Tue 17, Wed 18.
    let r = record(
        &["sec"],
        &[(MilestoneKind::MaterialityDetermined, "2026-03-12T15:00:00Z")],
    );
    let d = one(&r, "sec_8k_item_1_05", "2026-03-13");
    assert_eq!(due(&d), "2026-03-18T23:59:59.999999Z");
    assert_eq!(
        d.basis,
        "materiality_determined 2026-03-12T15:00:00.000000Z + 4 business days (us_federal) \
         to the end of 2026-03-18, skipping 2026-03-14 Saturday, 2026-03-15 Sunday"
    );
}

#[test]
fn sec_8k_skips_us_federal_holidays_and_their_observed_days() {
    // Thursday 2 July 2026: Independence Day (Saturday) is observed Friday 3 July.
    let r = record(
        &["sec"],
        &[(MilestoneKind::MaterialityDetermined, "2026-07-02T12:00:00Z")],
    );
    let d = one(&r, "sec_8k_item_1_05", "2026-07-02T13:00:00Z");
    assert_eq!(due(&d), "2026-07-09T23:59:59.999999Z");
    assert!(
        d.basis.ends_with(
            "skipping 2026-07-03 Independence Day, 2026-07-04 Saturday, 2026-07-05 Sunday"
        ),
        "{}",
        d.basis
    );
    // Tuesday before Thanksgiving 2026 (Thursday 26 November).
    let r = record(
        &["sec"],
        &[(MilestoneKind::MaterialityDetermined, "2026-11-24T09:00:00Z")],
    );
    assert_eq!(
        due(&one(&r, "sec_8k_item_1_05", "2026-11-24T10:00:00Z")),
        "2026-12-01T23:59:59.999999Z"
    );
    // Determined on a Saturday: counting starts on Monday.
    let r = record(
        &["sec"],
        &[(MilestoneKind::MaterialityDetermined, "2026-03-14T09:00:00Z")],
    );
    assert_eq!(
        due(&one(&r, "sec_8k_item_1_05", "2026-03-14T10:00:00Z")),
        "2026-03-19T23:59:59.999999Z"
    );
}

#[test]
fn hipaa_hhs_and_media_only_from_500_people_affected() {
    let mut r = record(&["hipaa"], &[AWARE]);
    r.affected.push(AffectedParty {
        id: 1,
        kind: PartyKind::Customer,
        name: "clinic".into(),
        people_affected: Some(499),
        records_affected: Some(1200),
        notes: String::new(),
    });
    let list = deadlines(&r, "2026-03-14");
    let status: Vec<_> = list.iter().map(|d| (d.rule.as_str(), d.status)).collect();
    assert_eq!(
        status,
        [
            ("hipaa_individuals", DeadlineStatus::Due),
            ("hipaa_hhs", DeadlineStatus::NotApplicable),
            ("hipaa_media", DeadlineStatus::NotApplicable),
        ]
    );
    assert_eq!(due(&list[0]), "2026-05-12T10:00:00.000000Z");
    assert_eq!(
        list[1].waiting_for.as_deref(),
        Some("applies only with 500 or more people affected (499 recorded)")
    );
    r.affected.push(AffectedParty {
        id: 2,
        kind: PartyKind::Tenant,
        name: "second".into(),
        people_affected: Some(1),
        records_affected: None,
        notes: String::new(),
    });
    for d in deadlines(&r, "2026-03-14") {
        assert_eq!(d.status, DeadlineStatus::Due, "{}", d.rule);
        assert_eq!(due(&d), "2026-05-12T10:00:00.000000Z");
    }
}

#[test]
fn a_users_rules_file_adds_and_overrides_rules_and_bad_files_are_refused() {
    let mut rules = RuleSet::builtin();
    rules
        .merge_text(
            r#"{
              "calendars": { "de_be": { "holidays": ["2026-03-16"] } },
              "rules": [
                { "id": "gdpr_art33", "regime": "gdpr", "name": "stricter in-house target",
                  "due": { "after": { "from": { "milestone": "awareness" }, "offset": { "hours": 48 } } } },
                { "id": "board", "regime": "internal", "name": "tell the board",
                  "due": { "after": { "from": { "deadline": "gdpr_art33" },
                           "offset": { "business_days": { "days": 1, "calendar": "de_be" } } } } }
              ]
            }"#,
        )
        .unwrap();
    assert_eq!(
        rules.regimes(),
        ["dora", "gdpr", "hipaa", "internal", "nis2", "sec"]
    );
    let r = record(&["gdpr", "internal"], &[AWARE]);
    let list = evaluate(&r, &rules, t("2026-03-13T12:00:00Z")).unwrap();
    let by = |id: &str| list.iter().find(|d| d.rule == id).unwrap();
    assert_eq!(due(by("gdpr_art33")), "2026-03-15T10:00:00.000000Z");
    assert!(!by("gdpr_art33").late_reason_required);
    // Due Sunday 15th; Monday 16th is the calendar's holiday: Tuesday 17th.
    assert_eq!(due(by("board")), "2026-03-17T23:59:59.999999Z");

    for (bad, want) in [
        (
            r#"{ "rules": [ { "id": "x", "regime": "y", "name": "n",
                 "due": { "after": { "from": { "sent": "nope" }, "offset": { "hours": 1 } } } } ] }"#,
            "rule x counts from unknown rule 'nope'",
        ),
        (
            r#"{ "rules": [
                 { "id": "a", "regime": "y", "name": "n", "due": { "asap": { "from": { "deadline": "b" } } } },
                 { "id": "b", "regime": "y", "name": "n", "due": { "asap": { "from": { "sent": "a" } } } } ] }"#,
            "rules count from each other in a circle: a -> b -> a",
        ),
        (
            r#"{ "rules": [ { "id": "x", "regime": "y", "name": "n",
                 "due": { "after": { "from": { "milestone": "awareness" },
                          "offset": { "business_days": { "days": 2, "calendar": "mars" } } } } } ] }"#,
            "rule x: unknown calendar 'mars'",
        ),
        (
            r#"{ "rules": [ { "id": "x", "regime": "y", "name": "n",
                 "due": { "asap": { "from": { "milestone": "breakfast" } } } } ] }"#,
            "unknown variant `breakfast`",
        ),
    ] {
        let mut set = RuleSet::builtin();
        let err = set.merge_text(bad).unwrap_err().to_string();
        assert!(err.contains(want), "{err}");
        assert_eq!(set.rules().len(), RuleSet::builtin().rules().len());
    }
}

#[test]
fn every_metric_from_a_fixed_set_of_milestones() {
    let r = record(
        &[],
        &[
            (MilestoneKind::ImpactStarted, "2026-03-11T18:20:00Z"),
            (MilestoneKind::Detected, "2026-03-12T02:20:00Z"),
            (MilestoneKind::Declared, "2026-03-12T02:50:00Z"),
            (MilestoneKind::Contained, "2026-03-12T08:20:00Z"),
            (MilestoneKind::Eradicated, "2026-03-13T02:20:00Z"),
            (MilestoneKind::Recovered, "2026-03-14T14:20:00Z"),
            (MilestoneKind::Closed, "2026-03-26T02:20:00Z"),
        ],
    );
    let m = metrics(&r);
    let got: Vec<_> = m
        .metrics
        .iter()
        .map(|x| (x.name.as_str(), x.seconds, x.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("time_to_detect", Some(8 * 3600), "8 h"),
            ("time_to_acknowledge", Some(30 * 60), "30 min"),
            ("time_to_contain", Some(6 * 3600), "6 h"),
            ("time_to_eradicate", Some(86_400), "1 d"),
            ("time_to_recover", Some(2 * 86_400 + 12 * 3600), "2 d 12 h"),
            ("time_to_close", Some(14 * 86_400), "14 d"),
            ("dwell_time", Some(14 * 3600), "14 h"),
        ]
    );
    assert!(m.warnings.is_empty());

    let partial = record(
        &[],
        &[
            (MilestoneKind::Detected, "2026-03-12T02:20:00Z"),
            (MilestoneKind::Contained, "2026-03-12T01:20:00Z"),
        ],
    );
    let m = metrics(&partial);
    assert_eq!(m.seconds("time_to_detect"), None);
    assert_eq!(m.seconds("time_to_contain"), Some(-3600));
    assert_eq!(m.metrics[2].text, "-1 h");
    assert_eq!(
        m.warnings,
        ["Time to contain: contained is before detected; check the milestones"]
    );
}

#[test]
fn median_of_odd_and_even_counts() {
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [30, 10, 20]), Some(20));
    assert_eq!(median(&mut [40, 10, 20, 31]), Some(25));
}

/// A case with the bastion's auth.log (2,824 events) and nothing else.
fn case_with_events(dir: &Dir, name: &str) -> (std::path::PathBuf, Case) {
    let path = dir.path(name);
    let mut case = Case::create(&path, "incident record test", "alice").unwrap();
    import_file(
        &mut case,
        &sample("incident-2026-03/bastion-01/auth.log"),
        &ImportOptions {
            year: Some(2026),
            ..Default::default()
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    (path, case)
}

fn action(what: &str) -> ActionInput {
    ActionInput {
        what: what.into(),
        kind: ActionKind::EmergencyWorkaround,
        stage: Some(ActionStage::Containment),
        status: ActionStatus::Done,
        owner: "bob".into(),
        at: Some(ut("2026-03-12T08:20:00Z")),
        event_ids: vec![5],
        evidence_ids: vec![1],
        notes: String::new(),
    }
}

fn follow_up(title: &str) -> FollowUpInput {
    FollowUpInput {
        title: title.into(),
        description: "rate-limit SSH at the edge".into(),
        kind: FollowUpType::Prevent,
        owner: "carol".into(),
        priority: Priority::P1,
        due: Some(ut("2026-04-30")),
        status: FollowUpStatus::Open,
        tracker: "SEC-42".into(),
        lesson: Some(LessonTopic::CorrectiveActions),
    }
}

fn notification() -> NotificationInput {
    NotificationInput {
        rule: "gdpr_art33".into(),
        sent_at: ut("2026-03-15T09:00:00Z"),
        recipient: "Berlin DPA".into(),
        channel: "portal".into(),
        text: "We report a personal data breach.".into(),
        late_reason: String::new(),
    }
}

/// Makes one change of every kind; returns the audit actions they wrote, in order.
fn change_everything(case: &mut Case) -> tideline::Result<()> {
    let rules = RuleSet::builtin();
    edit::update_details(case, "alice", |d| {
        d.title = "SSH brute force on bastion-01".into();
        d.category = Category::UnauthorizedAccess;
        d.severity = Severity::High;
        d.phase = Phase::ContainmentEradicationRecovery;
        d.impact.functional = Some(FunctionalImpact::Low);
        d.impact.information = Some(InformationImpact::Privacy);
        d.impact.recoverability = Some(Recoverability::Supplemented);
        d.retain_until = Some(ut("2033-03-31"));
        d.legal_hold = true;
        d.legal_hold_reason = "litigation expected".into();
        Ok(())
    })?;
    edit::set_regimes(case, "alice", &["gdpr".into(), "sec".into()], &rules)?;
    edit::add_item(
        case,
        "alice",
        &Person {
            id: 0,
            name: "Dana Lead".into(),
            role: Role::IncidentResponseLead,
            email: "dana@example.org".into(),
            phone: "+49 30 1234".into(),
            notes: String::new(),
        },
    )?;
    edit::add_item(
        case,
        "alice",
        &Asset {
            id: 0,
            name: "bastion-01".into(),
            kind: "host".into(),
            notes: String::new(),
        },
    )?;
    edit::add_item(
        case,
        "alice",
        &AffectedParty {
            id: 0,
            kind: PartyKind::Customer,
            name: "Example GmbH".into(),
            people_affected: Some(620),
            records_affected: Some(1400),
            notes: String::new(),
        },
    )?;
    edit::add_item(
        case,
        "alice",
        &RelatedCase {
            id: 0,
            reference: "INC-2025-117".into(),
            relation: "same actor".into(),
            notes: String::new(),
        },
    )?;
    edit::set_milestone(
        case,
        "alice",
        MilestoneKind::Awareness,
        MilestoneAt::Time(t("2026-03-12T06:00:00Z")),
        "SOC call",
    )?;
    edit::set_milestone(
        case,
        "alice",
        MilestoneKind::Detected,
        MilestoneAt::Event(5),
        "",
    )?;
    let id = edit::add_action(
        case,
        "alice",
        &action("blocked 203.0.113.45 at the firewall"),
    )?;
    edit::update_action(
        case,
        "alice",
        id,
        &ActionInput {
            status: ActionStatus::Failed,
            ..action("blocked 203.0.113.45 at the firewall")
        },
    )?;
    edit::approve_action(
        case,
        "alice",
        id,
        "Erin Exec",
        Some(Role::ExecutiveIncidentManager),
        t("2026-03-12T08:00:00Z"),
        "ok",
    )?;
    let f = edit::add_follow_up(case, "alice", &follow_up("Rate-limit SSH"))?;
    edit::update_follow_up(case, "alice", f, |x| {
        x.status = FollowUpStatus::InProgress;
        Ok(())
    })?;
    edit::set_lesson(
        case,
        "alice",
        LessonTopic::WentWell,
        "the SOC saw the spike within minutes",
    )?;
    edit::record_notification(case, "alice", &notification(), &rules)?;
    edit::remove_item(case, "alice", ItemList::Related, 1)?;
    edit::clear_milestone(case, "alice", MilestoneKind::Awareness)?;
    Ok(())
}

#[test]
fn every_change_lands_in_the_record_and_the_audit_log() {
    let dir = Dir::new();
    let (path, mut case) = case_with_events(&dir, "c.tideline");
    change_everything(&mut case).unwrap();
    let r = Case::open_read_only(&path)
        .unwrap()
        .incident_record()
        .unwrap();
    assert_eq!(r.details.title, "SSH brute force on bastion-01");
    assert_eq!(r.details.category, Category::UnauthorizedAccess);
    assert_eq!(
        r.details.impact.recoverability,
        Some(Recoverability::Supplemented)
    );
    assert_eq!(r.details.retain_until, Some(ut("2033-03-31")));
    assert!(r.details.legal_hold);
    assert_eq!(r.regimes, ["gdpr", "sec"]);
    assert_eq!(r.people[0].role, Role::IncidentResponseLead);
    assert_eq!(r.assets[0].name, "bastion-01");
    assert_eq!((r.people_affected(), r.records_affected()), (620, 1400));
    assert!(r.related.is_empty(), "removed");
    // Awareness cleared; detected from event 5, at that event's time.
    assert_eq!(r.milestones.len(), 1);
    let m = &r.milestones[0];
    assert_eq!(
        (m.kind, m.source, m.event_id),
        (MilestoneKind::Detected, MilestoneSource::Event, Some(5))
    );
    assert_eq!(m.at, UtcTime(case.event(5).unwrap().ts.unwrap()));
    assert_eq!(m.set_by, "alice");
    let a = &r.actions[0];
    assert_eq!(
        (a.status, a.kind),
        (ActionStatus::Failed, ActionKind::EmergencyWorkaround)
    );
    assert_eq!(
        (a.event_ids.clone(), a.evidence_ids.clone()),
        (vec![5], vec![1])
    );
    assert_eq!(a.approvals.len(), 1);
    assert_eq!(a.approvals[0].role, Some(Role::ExecutiveIncidentManager));
    assert_eq!(a.approvals[0].at, ut("2026-03-12T08:00:00Z"));
    let f = &r.follow_ups[0];
    assert_eq!(
        (f.status, f.priority, f.kind),
        (
            FollowUpStatus::InProgress,
            Priority::P1,
            FollowUpType::Prevent
        )
    );
    assert_eq!(f.lesson, Some(LessonTopic::CorrectiveActions));
    assert_eq!(
        r.lesson(LessonTopic::WentWell),
        Some("the SOC saw the spike within minutes")
    );
    assert_eq!(r.lessons[0].question, "What went well?");
    assert_eq!(r.notifications[0].recipient, "Berlin DPA");
    // The header mirrors the details.
    let meta = case.meta().unwrap();
    assert_eq!(
        (
            meta.title.as_str(),
            meta.severity.as_str(),
            meta.phase.as_str()
        ),
        (
            "SSH brute force on bastion-01",
            "high",
            "containment_eradication_recovery"
        )
    );

    let log = case.audit_log().unwrap();
    let actions: Vec<_> = log.iter().skip(2).map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "incident details set",
            "regimes set",
            "person added",
            "asset added",
            "affected party added",
            "related case added",
            "milestone set",
            "milestone set",
            "action added",
            "action updated",
            "action approved",
            "follow-up added",
            "follow-up updated",
            "lesson set",
            "notification recorded",
            "related case removed",
            "milestone cleared",
        ]
    );
    assert!(log.iter().skip(2).all(|e| e.actor == "alice"));
    let details: serde_json::Value = serde_json::from_str(&log[2].details).unwrap();
    assert_eq!(details["category"]["from"], "uncategorized");
    assert_eq!(details["category"]["to"], "unauthorized_access");
    assert_eq!(details.as_object().unwrap().len(), 8, "{details}");
    let detected: serde_json::Value = serde_json::from_str(&log[9].details).unwrap();
    assert_eq!(detected["event_id"], 5);
    assert!(tideline::archive::audit::check_chain(&log).is_empty());
}

#[test]
fn bad_input_is_refused_with_the_allowed_values_or_the_missing_thing() {
    let dir = Dir::new();
    let (_, mut case) = case_with_events(&dir, "c.tideline");
    let rules = RuleSet::builtin();
    let err = edit::set_regimes(&mut case, "a", &["ccpa".into()], &rules).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: unknown regime 'ccpa'; the rules know: dora, gdpr, hipaa, nis2, sec"
    );
    let err = edit::set_milestone(
        &mut case,
        "a",
        MilestoneKind::Detected,
        MilestoneAt::Event(999_999),
        "",
    )
    .unwrap_err();
    assert_eq!(err.code(), "no_such_event");
    let mut bad = action("x");
    bad.evidence_ids = vec![7];
    assert_eq!(
        edit::add_action(&mut case, "a", &bad)
            .unwrap_err()
            .to_string(),
        "invalid argument: the case has no evidence #7"
    );
    assert_eq!(
        edit::approve_action(&mut case, "a", 3, "x", None, 0, "")
            .unwrap_err()
            .to_string(),
        "invalid argument: the case has no action #3"
    );
    let err = edit::update_details(&mut case, "a", |d| {
        d.status = Status::Sealed;
        Ok(())
    })
    .unwrap_err();
    assert!(err.to_string().contains("set by sealing the case"), "{err}");
    let mut n = notification();
    n.rule = "gdpr_art99".into();
    assert!(edit::record_notification(&mut case, "a", &n, &rules)
        .unwrap_err()
        .to_string()
        .starts_with("invalid argument: unknown deadline rule 'gdpr_art99'; the rules know: gdpr_art33, gdpr_art34,"));
    assert_eq!(
        edit::clear_milestone(&mut case, "a", MilestoneKind::Closed)
            .unwrap_err()
            .to_string(),
        "invalid argument: the 'closed' milestone is not set"
    );
    // Nothing of that reached the audit log: created, imported only.
    assert_eq!(case.audit_log().unwrap().len(), 2);
}

#[test]
fn each_list_adds_reads_back_removes_and_audits_its_own_fields() {
    let dir = Dir::new();
    let (path, mut case) = case_with_events(&dir, "c.tideline");
    let person = Person {
        id: 99,
        name: "Erin".into(),
        role: Role::Legal,
        email: "erin@example.com".into(),
        phone: "+49 30 1".into(),
        notes: "on call".into(),
    };
    let asset = |name: &str| Asset {
        id: 0,
        name: name.into(),
        kind: "host".into(),
        notes: "DMZ".into(),
    };
    let party = AffectedParty {
        id: 0,
        kind: PartyKind::Tenant,
        name: "Acme".into(),
        people_affected: Some(0),
        records_affected: None,
        notes: String::new(),
    };
    let related = RelatedCase {
        id: 0,
        reference: "INC-7".into(),
        relation: "same actor".into(),
        notes: "n".into(),
    };
    // The id given is ignored: each list numbers its own items from 1.
    assert_eq!(edit::add_item(&mut case, "a", &person).unwrap(), 1);
    assert_eq!(edit::add_item(&mut case, "a", &asset("web-01")).unwrap(), 1);
    assert_eq!(edit::add_item(&mut case, "a", &asset("db-01")).unwrap(), 2);
    assert_eq!(edit::add_item(&mut case, "a", &party).unwrap(), 1);
    assert_eq!(edit::add_item(&mut case, "a", &related).unwrap(), 1);
    edit::remove_item(&mut case, "a", "asset".parse().unwrap(), 1).unwrap();

    let r = Case::open_read_only(&path)
        .unwrap()
        .incident_record()
        .unwrap();
    assert_eq!(r.people, [Person { id: 1, ..person }]);
    assert_eq!(
        r.assets,
        [Asset {
            id: 2,
            ..asset("db-01")
        }]
    );
    assert_eq!(r.affected, [AffectedParty { id: 1, ..party }]);
    assert_eq!(r.related, [RelatedCase { id: 1, ..related }]);

    let log = case.audit_log().unwrap();
    let entries: Vec<(&str, serde_json::Value)> = log[2..]
        .iter()
        .map(|e| (e.action.as_str(), serde_json::from_str(&e.details).unwrap()))
        .collect();
    assert_eq!(
        entries,
        [
            (
                "person added",
                serde_json::json!({ "id": 1, "name": "Erin", "role": "legal",
                                    "email": "erin@example.com", "phone": "+49 30 1" })
            ),
            (
                "asset added",
                serde_json::json!({ "id": 1, "name": "web-01", "kind": "host" })
            ),
            (
                "asset added",
                serde_json::json!({ "id": 2, "name": "db-01", "kind": "host" })
            ),
            (
                "affected party added",
                serde_json::json!({ "id": 1, "kind": "tenant", "name": "Acme",
                                    "people_affected": 0, "records_affected": null })
            ),
            (
                "related case added",
                serde_json::json!({ "id": 1, "reference": "INC-7", "relation": "same actor" })
            ),
            ("asset removed", serde_json::json!({ "id": 1 })),
        ]
    );

    // Each list refuses what it must, and nothing of it reaches the log.
    let refused = [
        edit::add_item(
            &mut case,
            "a",
            &Person {
                name: " ".into(),
                ..r.people[0].clone()
            },
        ),
        edit::add_item(&mut case, "a", &asset("")),
        edit::add_item(
            &mut case,
            "a",
            &AffectedParty {
                records_affected: Some(-1),
                ..r.affected[0].clone()
            },
        ),
        edit::add_item(
            &mut case,
            "a",
            &RelatedCase {
                reference: String::new(),
                ..r.related[0].clone()
            },
        ),
        edit::remove_item(&mut case, "a", ItemList::Asset, 1).map(|()| 0),
    ];
    let messages: Vec<String> = refused
        .into_iter()
        .map(|x| x.unwrap_err().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "invalid argument: a person's name must not be empty",
            "invalid argument: an asset's name must not be empty",
            "invalid argument: records affected must not be negative",
            "invalid argument: a related case's reference must not be empty",
            "invalid argument: the case has no asset #1",
        ]
    );
    assert_eq!(case.audit_log().unwrap().len(), log.len());

    // The desktop app names the lists by key.
    for list in [
        ItemList::Person,
        ItemList::Asset,
        ItemList::Party,
        ItemList::Related,
    ] {
        assert_eq!(list.key().parse::<ItemList>().unwrap(), list);
    }
    assert_eq!(
        "people".parse::<ItemList>().unwrap_err().to_string(),
        "invalid argument: unknown list 'people'; allowed: person, asset, party, related"
    );
}

#[test]
fn a_sealed_case_refuses_every_kind_of_change_and_verifies_its_record() {
    let dir = Dir::new();
    let (path, mut case) = case_with_events(&dir, "c.tideline");
    change_everything(&mut case).unwrap();
    seal(&mut case, "alice").unwrap();
    let entries = case.audit_log().unwrap().len();
    let rules = RuleSet::builtin();
    let c = &mut case;
    let attempts: Vec<(&str, tideline::Result<()>)> = vec![
        (
            "details",
            edit::update_details(c, "m", |d| {
                d.summary = "x".into();
                Ok(())
            })
            .map(drop),
        ),
        (
            "regimes",
            edit::set_regimes(c, "m", &["nis2".into()], &rules).map(drop),
        ),
        (
            "person",
            edit::add_item(
                c,
                "m",
                &Person {
                    id: 0,
                    name: "x".into(),
                    role: Role::Legal,
                    email: String::new(),
                    phone: String::new(),
                    notes: String::new(),
                },
            )
            .map(drop),
        ),
        (
            "asset",
            edit::add_item(
                c,
                "m",
                &Asset {
                    id: 0,
                    name: "x".into(),
                    kind: String::new(),
                    notes: String::new(),
                },
            )
            .map(drop),
        ),
        (
            "party",
            edit::add_item(
                c,
                "m",
                &AffectedParty {
                    id: 0,
                    kind: PartyKind::Tenant,
                    name: "x".into(),
                    people_affected: None,
                    records_affected: None,
                    notes: String::new(),
                },
            )
            .map(drop),
        ),
        (
            "related",
            edit::add_item(
                c,
                "m",
                &RelatedCase {
                    id: 0,
                    reference: "x".into(),
                    relation: String::new(),
                    notes: String::new(),
                },
            )
            .map(drop),
        ),
        ("remove", edit::remove_item(c, "m", ItemList::Person, 1)),
        (
            "milestone",
            edit::set_milestone(c, "m", MilestoneKind::Closed, MilestoneAt::Time(0), "").map(drop),
        ),
        (
            "milestone from event",
            edit::set_milestone(c, "m", MilestoneKind::Closed, MilestoneAt::Event(5), "").map(drop),
        ),
        (
            "clear milestone",
            edit::clear_milestone(c, "m", MilestoneKind::Detected),
        ),
        ("action", edit::add_action(c, "m", &action("x")).map(drop)),
        (
            "update action",
            edit::update_action(c, "m", 1, &action("y")),
        ),
        (
            "approve",
            edit::approve_action(c, "m", 1, "x", None, 0, "").map(drop),
        ),
        (
            "follow-up",
            edit::add_follow_up(c, "m", &follow_up("x")).map(drop),
        ),
        (
            "update follow-up",
            edit::update_follow_up(c, "m", 1, |f| {
                f.status = FollowUpStatus::Done;
                Ok(())
            })
            .map(drop),
        ),
        (
            "lesson",
            edit::set_lesson(c, "m", LessonTopic::GotLucky, "x"),
        ),
        (
            "notification",
            edit::record_notification(c, "m", &notification(), &rules).map(drop),
        ),
    ];
    for (what, result) in attempts {
        assert_eq!(result.unwrap_err().code(), "sealed", "{what}");
    }
    assert_eq!(case.audit_log().unwrap().len(), entries);
    let r = case.incident_record().unwrap();
    assert_eq!(r.details.status, Status::Sealed);
    assert_eq!(r.follow_ups[0].status, FollowUpStatus::InProgress);
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(v.intact, "{:?}", v.problems);
    // Below Tideline, the seal's triggers refuse the incident tables too.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE incident_milestone SET at = 0",
        "DELETE FROM incident_followup",
        "INSERT INTO incident_lesson (topic, answer, updated_by, updated_at) VALUES ('got_lucky', 'x', 'm', 0)",
        "UPDATE incident_details SET severity = 'low'",
    ] {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("the case is sealed"), "{sql}: {err}");
    }
}

#[test]
fn tampering_with_a_sealed_incident_record_is_named() {
    let dir = Dir::new();
    let (path, mut case) = case_with_events(&dir, "c.tideline");
    change_everything(&mut case).unwrap();
    seal(&mut case, "alice").unwrap();
    drop(case);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER sealed_incident_notification_update; \
         UPDATE incident_notification SET sent_at = sent_at - 86400000000;",
    )
    .unwrap();
    drop(conn);
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(!v.intact);
    assert!(
        v.problems
            .iter()
            .any(|p| p.contains("incident_notification")),
        "{:?}",
        v.problems
    );
}

#[test]
fn library_counts_by_category_and_severity_with_medians() {
    let dir = Dir::new();
    let lib = dir.path("lib");
    std::fs::create_dir(&lib).unwrap();
    let cases = [
        ("a.tideline", Category::Phishing, Severity::High, 2),
        ("b.tideline", Category::Phishing, Severity::Low, 4),
        ("c.tideline", Category::Ransomware, Severity::High, 9),
    ];
    for (name, category, severity, hours) in cases {
        let mut c = Case::create(&lib.join(name), name, "t").unwrap();
        edit::update_details(&mut c, "t", |d| {
            d.category = category;
            d.severity = severity;
            Ok(())
        })
        .unwrap();
        let start = t("2026-03-01T00:00:00Z");
        edit::set_milestone(
            &mut c,
            "t",
            MilestoneKind::ImpactStarted,
            MilestoneAt::Time(start),
            "",
        )
        .unwrap();
        edit::set_milestone(
            &mut c,
            "t",
            MilestoneKind::Detected,
            MilestoneAt::Time(start + hours * 3_600_000_000),
            "",
        )
        .unwrap();
        if name != "c.tideline" {
            edit::set_milestone(
                &mut c,
                "t",
                MilestoneKind::Contained,
                MilestoneAt::Time(start + (hours + 1) * 3_600_000_000),
                "",
            )
            .unwrap();
        }
    }
    std::fs::write(lib.join("notes.tideline"), "not a case").unwrap();
    std::fs::write(lib.join("readme.txt"), "ignored").unwrap();
    let m = library_metrics(&lib).unwrap();
    assert_eq!(m.cases.len(), 3);
    assert_eq!(m.by_category.get("phishing"), Some(&2));
    assert_eq!(m.by_category.get("ransomware"), Some(&1));
    assert_eq!(m.by_severity.get("high"), Some(&2));
    assert_eq!(m.by_severity.get("low"), Some(&1));
    let med = |name: &str| m.medians.iter().find(|x| x.name == name).unwrap();
    assert_eq!(
        (
            med("time_to_detect").cases,
            med("time_to_detect").median_seconds
        ),
        (3, Some(4 * 3600))
    );
    assert_eq!(med("time_to_detect").median, "4 h");
    assert_eq!(
        (
            med("time_to_contain").cases,
            med("time_to_contain").median_seconds
        ),
        (2, Some(3600))
    );
    // Dwell: 3 h and 5 h -> 4 h.
    assert_eq!(med("dwell_time").median_seconds, Some(4 * 3600));
    assert_eq!(
        (
            med("time_to_close").cases,
            med("time_to_close").median_seconds
        ),
        (0, None)
    );
    assert_eq!(m.skipped.len(), 1);
    assert_eq!(m.skipped[0].file, "notes.tideline");
}

/// Blanks what depends on the clock (when a change was made), keeping its presence.
fn without_clock(mut v: serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if ["set_at", "created_at", "updated_at", "case_id"].contains(&k.as_str()) {
                        *x = serde_json::json!("(varies)");
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

fn cli_case(dir: &Dir) -> String {
    let case = dir.path("cli.tideline");
    let c = s(&case).to_string();
    ok(&["new", &c, "--title", "Sample incident"]);
    ok(&[
        "import",
        &c,
        "--year",
        "2026",
        "sample-data/incident-2026-03/bastion-01/auth.log",
    ]);
    c
}

#[test]
fn cli_builds_the_record_and_prints_it_as_json() {
    let dir = Dir::new();
    let c = cli_case(&dir);
    let run = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&ok(&all)).unwrap()
    };
    run(&[
        "incident",
        &c,
        "set",
        "--category",
        "unauthorized_access",
        "--severity",
        "high",
        "--phase",
        "containment_eradication_recovery",
        "--functional-impact",
        "medium",
        "--information-impact",
        "privacy",
        "--recoverability",
        "supplemented",
        "--summary",
        "Brute force then a successful login from 203.0.113.45",
        "--retain-until",
        "2033-03-31",
        "--legal-hold",
        "true",
    ]);
    assert_eq!(
        run(&["incident", &c, "regimes", "gdpr", "nis2", "dora", "sec", "hipaa"])["regimes"],
        serde_json::json!(["dora", "gdpr", "hipaa", "nis2", "sec"])
    );
    assert_eq!(
        run(&[
            "incident",
            &c,
            "person",
            "add",
            "--name",
            "Dana Lead",
            "--role",
            "incident_response_lead",
            "--email",
            "dana@example.org"
        ])["id"],
        1
    );
    run(&[
        "incident",
        &c,
        "asset",
        "add",
        "--name",
        "bastion-01",
        "--kind",
        "host",
    ]);
    run(&[
        "incident",
        &c,
        "party",
        "add",
        "--kind",
        "customer",
        "--name",
        "Example GmbH",
        "--people",
        "650",
        "--records",
        "1400",
    ]);
    run(&[
        "incident",
        &c,
        "related",
        "add",
        "--reference",
        "INC-2025-117",
        "--relation",
        "same actor",
    ]);
    let m = run(&[
        "milestone",
        &c,
        "impact_started",
        "--event",
        "5",
        "--note",
        "first failed login",
    ]);
    assert_eq!(m["source"], "event");
    assert_eq!(m["event_id"], 5);
    for (kind, at) in [
        ("detected", "2026-03-12T02:20:00Z"),
        ("awareness", "2026-03-12T06:00:00Z"),
        ("declared", "2026-03-12T06:30:00Z"),
        ("classified_major", "2026-03-12T07:00:00Z"),
        ("materiality_determined", "2026-03-13T16:00:00Z"),
        ("contained", "2026-03-12T09:20:00Z"),
    ] {
        run(&["milestone", &c, kind, at]);
    }
    let a = run(&[
        "action",
        &c,
        "add",
        "--what",
        "Block 203.0.113.45 at the edge firewall",
        "--kind",
        "emergency_workaround",
        "--stage",
        "containment",
        "--status",
        "done",
        "--owner",
        "bob",
        "--at",
        "2026-03-12T09:10:00Z",
        "--event",
        "5",
        "--evidence",
        "1",
    ]);
    assert_eq!(a["id"], 1);
    run(&[
        "action",
        &c,
        "approve",
        "1",
        "--approver",
        "Erin Exec",
        "--role",
        "executive_incident_manager",
        "--at",
        "2026-03-12T09:00:00Z",
    ]);
    run(&["action", &c, "set", "1", "--notes", "rule 4711"]);
    run(&[
        "followup",
        &c,
        "add",
        "--title",
        "Rate-limit SSH on bastions",
        "--type",
        "prevent",
        "--priority",
        "p1",
        "--owner",
        "carol",
        "--due",
        "2026-04-30",
        "--tracker",
        "SEC-42",
        "--lesson",
        "corrective_actions",
    ]);
    let f = run(&["followup", &c, "set", "1", "--status", "in_progress"]);
    assert_eq!(f["status"], "in_progress");
    assert_eq!(f["type"], "prevent");
    run(&[
        "lessons",
        &c,
        "set",
        "went_well",
        "The SOC saw the spike within minutes.",
    ]);
    run(&[
        "notify",
        &c,
        "record",
        "--rule",
        "gdpr_art33",
        "--sent-at",
        "2026-03-15T09:00:00Z",
        "--recipient",
        "Berlin DPA",
        "--channel",
        "portal",
        "--text",
        "We report a personal data breach.",
    ]);
    run(&[
        "notify",
        &c,
        "record",
        "--rule",
        "dora_initial",
        "--sent-at",
        "2026-03-12T12:00:00Z",
        "--recipient",
        "BaFin",
        "--late-reason",
        "n/a",
    ]);

    let record = without_clock(run(&["incident", &c, "show"]));
    golden(
        "incident-show.json",
        &format!("{}\n", serde_json::to_string_pretty(&record).unwrap()),
    );
    golden("incident-metrics.json", &ok(&["metrics", &c, "--json"]));
    golden(
        "incident-deadlines.json",
        &ok(&["deadlines", &c, "--now", "2026-03-14T12:00:00Z", "--json"]),
    );
    let lessons = run(&["lessons", &c, "show"]);
    assert_eq!(lessons.as_array().unwrap().len(), 13);
    assert_eq!(
        lessons[9]["answer"],
        "The SOC saw the spike within minutes."
    );
    assert_eq!(run(&["action", &c, "list"])[0]["notes"], "rule 4711");
    assert_eq!(run(&["followup", &c, "list"])[0]["tracker"], "SEC-42");
    assert_eq!(run(&["notify", &c, "list"]).as_array().unwrap().len(), 2);
    // The text forms say the same.
    let text = ok(&["deadlines", &c, "--now", "2026-03-14T12:00:00Z"]);
    assert!(text.contains("gdpr   gdpr_art33           late            2026-03-15T06:00:00.000000Z  sent 3 h late; the required reason for the delay is missing"), "{text}");
    assert!(
        text.contains("sec    sec_8k_item_1_05     due             2026-03-19T23:59:59.999999Z"),
        "{text}"
    );
    let shown = ok(&["incident", &c, "show"]);
    assert!(
        shown.contains(
            "impact_started           2026-03-11T18:28:52.000000Z  (event 5)  first failed login"
        ),
        "{shown}"
    );
}

#[test]
fn cli_refuses_unknown_values_and_every_change_to_a_sealed_case() {
    let dir = Dir::new();
    let c = cli_case(&dir);
    let out = tideline(&[
        "followup",
        &c,
        "add",
        "--title",
        "x",
        "--type",
        "fix",
        "--priority",
        "p1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown follow-up type 'fix'; allowed: investigate, mitigate, repair, detect, prevent, process"), "{err}");
    ok(&[
        "followup",
        &c,
        "add",
        "--title",
        "x",
        "--type",
        "detect",
        "--priority",
        "p2",
    ]);
    ok(&[
        "action",
        &c,
        "add",
        "--what",
        "x",
        "--kind",
        "permanent_fix",
    ]);
    ok(&["seal", &c]);
    for args in [
        vec!["incident", &c, "set", "--severity", "low"],
        vec!["incident", &c, "regimes", "gdpr"],
        vec![
            "incident", &c, "person", "add", "--name", "x", "--role", "legal",
        ],
        vec!["incident", &c, "asset", "add", "--name", "x"],
        vec![
            "incident", &c, "party", "add", "--kind", "tenant", "--name", "x",
        ],
        vec!["incident", &c, "related", "add", "--reference", "x"],
        vec!["milestone", &c, "detected", "2026-03-12"],
        vec!["milestone", &c, "detected", "--event", "5"],
        vec![
            "action",
            &c,
            "add",
            "--what",
            "x",
            "--kind",
            "permanent_fix",
        ],
        vec!["action", &c, "set", "1", "--status", "done"],
        vec!["action", &c, "approve", "1", "--approver", "x"],
        vec![
            "followup",
            &c,
            "add",
            "--title",
            "x",
            "--type",
            "detect",
            "--priority",
            "p2",
        ],
        vec!["followup", &c, "set", "1", "--status", "done"],
        vec!["lessons", &c, "set", "got_lucky", "x"],
        vec![
            "notify",
            &c,
            "record",
            "--rule",
            "gdpr_art33",
            "--sent-at",
            "2026-03-15",
            "--recipient",
            "x",
        ],
    ] {
        let out = tideline(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("the case is sealed"), "{args:?}: {err}");
    }
    // Reading still works.
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["incident", &c, "show", "--json"])).unwrap();
    assert_eq!(v["details"]["status"], "sealed");
}

#[test]
fn cli_rules_lists_the_shipped_rules_and_merges_a_users_file() {
    let dir = Dir::new();
    let v: serde_json::Value = serde_json::from_str(&ok(&["rules", "--json"])).unwrap();
    assert_eq!(
        v["regimes"],
        serde_json::json!(["dora", "gdpr", "hipaa", "nis2", "sec"])
    );
    assert_eq!(v["rules"].as_array().unwrap().len(), 12);
    let file = dir.path("rules.json");
    std::fs::write(
        &file,
        r#"{ "rules": [ { "id": "ccpa_notice", "regime": "ccpa", "name": "CCPA notice",
             "due": { "asap": { "from": { "milestone": "awareness" } } } } ] }"#,
    )
    .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["rules", "--rules", s(&file), "--json"])).unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), 13);
    assert_eq!(v["regimes"][0], "ccpa");
    assert!(Path::new(&file).exists());
}

#[test]
fn a_case_from_before_the_incident_record_reads_as_an_empty_record() {
    let dir = Dir::new();
    let path = dir.path("old.tideline");
    drop(Case::create(&path, "old case", "t").unwrap());
    // What a build before the incident record left: schema version 1, none of the tables
    // later migrations add (the incident record's among them).
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<&str> = tideline::store::record_tables().collect();
    assert_eq!(
        tables.iter().filter(|t| t.starts_with("incident_")).count(),
        12
    );
    for t in &tables {
        conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
    }
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);
    let r = Case::open_read_only(&path)
        .unwrap()
        .incident_record()
        .unwrap();
    assert_eq!(r.details.title, "old case");
    assert_eq!(r.details.severity, Severity::Unrated);
    assert_eq!(r.details.phase, Phase::DetectionAnalysis);
    assert!(r.milestones.is_empty() && r.regimes.is_empty() && r.actions.is_empty());
    // Opened for writing, it is migrated and takes changes.
    let mut c = Case::open(&path).unwrap();
    edit::set_lesson(
        &mut c,
        "t",
        LessonTopic::GotLucky,
        "the attacker typed slowly",
    )
    .unwrap();
    assert_eq!(c.incident_record().unwrap().lessons.len(), 1);
}
