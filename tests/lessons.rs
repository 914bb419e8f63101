//! The lessons-learned report, the follow-up bug list and the notification drafts of the
//! sample incident with a fixed incident record built here; archiving in the case.
//!
//! With `TIDELINE_REPORT_ARTIFACTS=DIR` set, the outputs (md, html, pdf, json, csv, charts
//! as PNG) are also written to DIR to be looked at.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use tideline::incident::edit::{self, ActionInput, FollowUpInput, MilestoneAt, NotificationInput};
use tideline::incident::*;
use tideline::ingest::{import_paths, ImportOptions};
use tideline::report::generate::{self, generate};
use tideline::report::notify;
use tideline::time::{now_micros, parse_user_time};
use tideline::timeline::annotate::{annotate, Change};
use tideline::timeline::Timeline;
use tideline::Case;

use crate::util::{golden, ok, repo, s, tideline, Dir};

const EVIL_USER: &str = "=cmd|' /C calc'!A0";
const SCRIPT: &str = "<script>alert(1)</script>";

fn at(t: &str) -> i64 {
    parse_user_time(t).unwrap()
}

fn artifacts() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("TIDELINE_REPORT_ARTIFACTS")?);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// The sample incident plus the hostile log, with a fixed incident record.
fn build(dir: &Dir) -> Case {
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "Bastion compromise", "ana").unwrap();
    // Relative paths (cargo runs tests in the repository root) keep the evidence register
    // the same on every machine.
    assert_eq!(std::env::current_dir().unwrap(), repo());
    import_paths(
        &mut case,
        &[
            PathBuf::from("sample-data/incident-2026-03"),
            PathBuf::from("sample-data/hostile/evil-user.log"),
        ],
        &ImportOptions {
            year: Some(2026),
            actor: "ana".into(),
            ..Default::default()
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    let rows = crate::util::all_rows(&case);
    let find = |needle: &str| {
        rows.iter()
            .find(|r| r.message.contains(needle))
            .unwrap_or_else(|| panic!("no event with {needle:?}"))
            .id
    };
    let first_deploy = find("Accepted password for deploy");
    let evil = find("Accepted password for =cmd");
    let script = find("Invalid user <script>");
    let a = "ana";
    annotate(&mut case, &[evil, script], &Change::Star, a).unwrap();
    annotate(
        &mut case,
        &[evil],
        &Change::Note(Some("Second account used from the attacker address".into())),
        a,
    )
    .unwrap();

    edit::update_details(&mut case, a, |d| {
        d.title = "Bastion compromise".into();
        d.summary =
            "An attacker guessed the password of the deploy account on bastion-01 over SSH, \
                     used its AWS key and copied data from the orders database."
                .into();
        d.category = Category::AccountCompromise;
        d.severity = Severity::High;
        d.impact.functional = Some(FunctionalImpact::Medium);
        d.impact.information = Some(InformationImpact::Privacy);
        d.impact.recoverability = Some(Recoverability::Supplemented);
        Ok(())
    })
    .unwrap();
    edit::set_regimes(
        &mut case,
        a,
        &["gdpr".to_string()],
        &tideline::incident::deadlines::RuleSet::builtin(),
    )
    .unwrap();
    edit::add_item(
        &mut case,
        a,
        &Person {
            id: 0,
            name: "Ana Lead".into(),
            role: Role::IncidentResponseLead,
            email: "ana@example.org".into(),
            phone: String::new(),
            notes: String::new(),
        },
    )
    .unwrap();
    edit::add_item(
        &mut case,
        a,
        &Person {
            id: 0,
            name: "Cy Comms".into(),
            role: Role::Communications,
            email: "press@example.org".into(),
            phone: "+49 30 1234".into(),
            notes: String::new(),
        },
    )
    .unwrap();
    edit::add_item(
        &mut case,
        a,
        &AffectedParty {
            id: 0,
            kind: PartyKind::Customer,
            name: "Online shop customers".into(),
            people_affected: Some(1204),
            records_affected: Some(3310),
            notes: "names, e-mail and postal addresses".into(),
        },
    )
    .unwrap();
    for (kind, when) in [
        (
            MilestoneKind::ImpactStarted,
            MilestoneAt::Event(first_deploy),
        ),
        (
            MilestoneKind::Detected,
            MilestoneAt::Time(at("2026-03-14T06:10:00Z")),
        ),
        (
            MilestoneKind::Awareness,
            MilestoneAt::Time(at("2026-03-14T07:00:00Z")),
        ),
        (
            MilestoneKind::Contained,
            MilestoneAt::Time(at("2026-03-14T09:30:00Z")),
        ),
        (
            MilestoneKind::Eradicated,
            MilestoneAt::Time(at("2026-03-14T13:00:00Z")),
        ),
        (
            MilestoneKind::Recovered,
            MilestoneAt::Time(at("2026-03-14T16:00:00Z")),
        ),
    ] {
        edit::set_milestone(&mut case, a, kind, when, "").unwrap();
    }
    let action = edit::add_action(
        &mut case,
        a,
        &ActionInput {
            what: "Disable the deploy account and revoke its AWS key".into(),
            kind: ActionKind::EmergencyWorkaround,
            stage: Some(ActionStage::Containment),
            status: ActionStatus::Done,
            owner: "Ana Lead".into(),
            at: Some(UtcTime(at("2026-03-14T09:20:00Z"))),
            event_ids: vec![first_deploy],
            evidence_ids: vec![],
            notes: String::new(),
        },
    )
    .unwrap();
    edit::approve_action(
        &mut case,
        a,
        action,
        "Eve Exec",
        Some(Role::ExecutiveIncidentManager),
        at("2026-03-14T09:15:00Z"),
        "approved by phone",
    )
    .unwrap();
    edit::add_action(
        &mut case,
        a,
        &ActionInput {
            what: "Rebuild bastion-01 from the golden image".into(),
            kind: ActionKind::PermanentFix,
            stage: Some(ActionStage::Recovery),
            status: ActionStatus::Planned,
            owner: "ops".into(),
            at: None,
            event_ids: vec![],
            evidence_ids: vec![],
            notes: String::new(),
        },
    )
    .unwrap();
    for (title, owner, priority, status, due, tracker) in [
        (
            "Disable password logins on every bastion",
            "octo-ops",
            Priority::P1,
            FollowUpStatus::Open,
            Some("2026-03-21T00:00:00Z"),
            "",
        ),
        (
            "Alert on 50 failed SSH logins from one address",
            EVIL_USER,
            Priority::P0,
            FollowUpStatus::Done,
            None,
            "SEC-142",
        ),
    ] {
        edit::add_follow_up(
            &mut case,
            a,
            &FollowUpInput {
                title: title.into(),
                description: "-2+3 looks like a formula".into(),
                kind: FollowUpType::Prevent,
                owner: owner.into(),
                priority,
                due: due.map(|d| UtcTime(at(d))),
                status,
                tracker: tracker.into(),
                lesson: Some(LessonTopic::WentWrong),
            },
        )
        .unwrap();
    }
    for (topic, answer) in [
        (
            LessonTopic::WentWell,
            "The AWS key was revoked within three hours of detection.",
        ),
        (
            LessonTopic::WentWrong,
            "A service account had a password and SSH accepted it.",
        ),
        (
            LessonTopic::GotLucky,
            "The attacker copied an old export, not the live table.",
        ),
        (
            LessonTopic::ContributingFactors,
            "Password authentication on an internet-facing bastion; no alert on brute force.",
        ),
    ] {
        edit::set_lesson(&mut case, a, topic, answer).unwrap();
    }
    case
}

/// Times taken from the clock while the case was built (custody, status) become `<clock>`.
fn scrub(text: &str) -> String {
    let re = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z").unwrap();
    let now = now_micros();
    re.replace_all(text, |c: &regex::Captures| {
        let t = parse_user_time(&c[0]).unwrap();
        if (now - t).abs() < 86_400_000_000 {
            "<clock>".to_string()
        } else {
            c[0].to_string()
        }
    })
    .into_owned()
}

fn gen(case: &Case, kind: &str, format: &str) -> Vec<u8> {
    let tl = Timeline::load(case).unwrap();
    generate(case, &tl, kind, Some(format), None, None)
        .unwrap()
        .bytes
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn lessons_report_markdown_json_and_jira_csv_match_golden_and_are_reproducible() {
    let dir = Dir::new();
    let mut case = build(&dir);
    generate::set_status(
        &mut case,
        "ana",
        "in_review",
        &["Ana Lead".into(), "Bo Writer".into()],
    )
    .unwrap();
    let md = text(gen(&case, "lessons", "md"));
    let json = text(gen(&case, "lessons", "json"));
    let csv = text(gen(&case, "followups", "jira-csv"));
    // The same case, the same bytes.
    assert_eq!(md, text(gen(&case, "lessons", "md")));
    assert_eq!(json, text(gen(&case, "lessons", "json")));
    assert_eq!(csv, text(gen(&case, "followups", "jira-csv")));
    // The case id is random and the evidence paths are absolute: the golden files have
    // placeholders for both.
    let id = case.meta().unwrap().case_id;
    let root = repo().to_string_lossy().into_owned();
    let fixed = |t: &str| scrub(t).replace(&id, "<case-id>").replace(&root, "<repo>");
    golden("lessons.md", &fixed(&md));
    golden("lessons.json", &fixed(&json));
    golden("lessons-followups-jira.csv", &csv);

    // The evil user name of the log line and the follow-up owner: neutralised in every CSV.
    assert!(csv.contains("'=cmd|' /C calc'!A0"), "{csv}");
    assert!(!csv.contains(",=cmd"));
    assert!(!csv.contains(",-2+3") && csv.contains("'-2+3"));
    // Sections in reading order.
    let mut last = 0;
    for h in [
        "# Lessons learned: Bastion compromise",
        "## Summary",
        "## Impact",
        "## Timeline of key events",
        "## Detection",
        "## Response and recovery",
        "## Root cause and contributing factors",
        "## Lessons learned",
        "## Metrics",
        "## Follow-up items",
        "## Appendix A: evidence and custody",
        "## Appendix B: indicators of compromise with hits",
        "## Appendix C: import issues",
        "## Sign-off",
    ] {
        let i = md[last..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order"))
            + last;
        last = i;
    }
    // Status and authors from the case; the starred events with evidence and locator.
    assert!(md.contains("- **Report status:** In review\n"), "{md}");
    assert!(md.contains("- **Authors:** Ana Lead, Bo Writer\n"));
    assert!(md.contains("evil-user.log line 1"));
    assert!(md.contains("evil-user.log line 2"));
    assert!(md.contains(
        "Eve Exec at 2026-03-14T09:15:00.000000Z (executive\\_incident\\_manager): approved by phone"
    ));
    assert!(md.contains("| Online shop customers | customer | 1,204 | 3,310 |"));
}

#[test]
fn html_and_pdf_have_every_section_and_the_log_script_is_inert() {
    let dir = Dir::new();
    let case = build(&dir);
    let html = text(gen(&case, "lessons", "html"));
    let pdf = gen(&case, "lessons", "pdf");
    if let Some(out) = artifacts() {
        std::fs::write(out.join("lessons.html"), &html).unwrap();
        std::fs::write(out.join("lessons.pdf"), &pdf).unwrap();
        let tl = Timeline::load(&case).unwrap();
        for (id, _, svg) in
            tideline::report::lessons::incident_charts(&case.incident_record().unwrap(), &tl)
                .unwrap()
        {
            std::fs::write(
                out.join(format!("{id}.png")),
                tideline::report::chart::svg_to_png(&svg, 1.5).unwrap(),
            )
            .unwrap();
        }
    }
    assert!(!html.contains(SCRIPT));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"));
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    for h in [
        "Lessons learned: Bastion compromise",
        "Summary",
        "Impact",
        "Timeline of key events",
        "Detection",
        "Response and recovery",
        "Root cause and contributing factors",
        "Metrics",
        "Follow-up items",
        "Appendix A: evidence and custody",
        "Appendix B: indicators of compromise with hits",
        "Appendix C: import issues",
        "Sign-off",
    ] {
        assert!(html.contains(&format!(">{h}</h")), "HTML lacks {h}");
        assert!(pdf_text.contains(h), "PDF lacks {h}");
    }
    assert!(pdf_text.contains("Invalid user <script>alert(1)</script>"));
}

#[test]
fn notification_drafts_fill_each_regime_and_mark_the_gaps() {
    let dir = Dir::new();
    let mut case = build(&dir);
    let d = notify::draft(&case, "gdpr_art33").unwrap();
    assert_eq!(d.rule.as_deref(), Some("gdpr_art33"));
    assert_eq!(d.due.as_deref(), Some("2026-03-17T07:00:00.000000Z"));
    assert_eq!(
        d.fields
            .iter()
            .find(|f| f.label == "Approximate number of data subjects")
            .unwrap()
            .value
            .as_deref(),
        Some("1,204")
    );
    assert_eq!(
        d.fields
            .iter()
            .find(|f| f.label == "Data protection officer or other contact point")
            .unwrap()
            .value
            .as_deref(),
        Some("Cy Comms, press@example.org, +49 30 1234")
    );
    assert_eq!(d.gaps, Vec::<String>::new());
    let c = notify::draft(&case, "customer").unwrap();
    assert_eq!(c.gaps, vec!["What you should do".to_string()]);
    assert!(c.text.contains("[MISSING: What you should do]"));
    assert!(c.text.contains(
        "Disable the deploy account and revoke its AWS key (2026-03-14T09:20:00.000000Z)"
    ));
    let sec = notify::draft(&case, "sec").unwrap();
    assert_eq!(sec.gaps, vec!["Materiality determined (UTC)".to_string()]);
    let nis2 = notify::draft(&case, "nis2").unwrap();
    assert_eq!(nis2.rule.as_deref(), Some("nis2_early_warning"));
    assert!(nis2.gaps.contains(&"Cross-border impact".to_string()));
    assert!(notify::draft(&case, "ccpa").is_err());

    // What was sent is recorded with its exact text; the next NIS2 draft is the next stage.
    let sent_text = format!("{}\nEdited before sending.", nis2.text);
    edit::record_notification(
        &mut case,
        "ana",
        &NotificationInput {
            rule: "nis2_early_warning".into(),
            sent_at: UtcTime(at("2026-03-14T20:00:00Z")),
            recipient: "BSI".into(),
            channel: "portal".into(),
            text: sent_text.clone(),
            late_reason: String::new(),
        },
        &tideline::incident::deadlines::RuleSet::builtin(),
    )
    .unwrap();
    let record = case.incident_record().unwrap();
    assert_eq!(record.notifications[0].text, sent_text);
    assert_eq!(
        notify::draft(&case, "nis2").unwrap().rule.as_deref(),
        Some("nis2_notification")
    );
}

fn sha256_file(p: &Path) -> String {
    tideline::evidence::sha256_hex(&std::fs::read(p).unwrap())
}

#[test]
fn cli_writes_every_kind_archives_it_with_its_hash_and_a_sealed_case_only_writes_the_file() {
    let dir = Dir::new();
    let case = build(&dir);
    drop(case);
    let c = dir.path("c.tideline");
    let out = dir.path("lessons.md");
    let charts = dir.path("charts");
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        s(&c),
        "--kind",
        "lessons",
        "--format",
        "md",
        "-o",
        s(&out),
        "--charts",
        s(&charts),
        "--actor",
        "ana",
        "--json",
    ]))
    .unwrap();
    assert_eq!(j["archived_id"], 1);
    assert_eq!(j["sha256"], sha256_file(&out));
    for f in ["incident-timeline", "host-swimlanes", "phase-spans"] {
        assert!(dir.path(&format!("figures/{f}.svg")).exists());
        let png = std::fs::read(charts.join(format!("{f}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
    for (kind, format, name) in [
        ("followups", "jira-csv", "f.csv"),
        ("followups", "github", "f.json"),
        ("followups", "gh-script", "f.sh"),
        ("notification", "md", "n.md"),
        ("lessons", "pdf", "l.pdf"),
    ] {
        ok(&[
            "report",
            s(&c),
            "--kind",
            kind,
            "--format",
            format,
            "--regime",
            "gdpr_art33",
            "-o",
            s(&dir.path(name)),
        ]);
    }
    let csv = std::fs::read_to_string(dir.path("f.csv")).unwrap();
    assert!(csv.contains("'=cmd|' /C calc'!A0"));
    let n = std::fs::read_to_string(dir.path("n.md")).unwrap();
    assert!(
        n.starts_with("# GDPR Art. 33: notify the supervisory authority: Bastion compromise\n"),
        "{n}"
    );
    // The list: each stored report with the hash of the file handed out.
    let list: serde_json::Value = serde_json::from_str(&ok(&["reports", s(&c), "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(list[0]["file_name"], "lessons.md");
    assert_eq!(list[0]["sha256"], sha256_file(&out));
    assert_eq!(list[3]["regime"], serde_json::Value::Null);
    assert_eq!(list[4]["regime"], "gdpr_art33");
    assert_eq!(list[5]["sha256"], sha256_file(&dir.path("l.pdf")));
    let back = dir.path("back.md");
    ok(&["reports", s(&c), "--extract", "1", "-o", s(&back)]);
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&out).unwrap());
    // Each archive is in the audit log.
    let case = Case::open_read_only(&c).unwrap();
    let audit = case.audit_log().unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "report archived")
            .count(),
        6
    );
    drop(case);

    ok(&["seal", s(&c), "--actor", "ana"]);
    let sealed_out = dir.path("sealed.md");
    let text = ok(&[
        "report",
        s(&c),
        "--kind",
        "lessons",
        "--format",
        "md",
        "-o",
        s(&sealed_out),
    ]);
    assert!(
        text.contains("not archived in the case: the case is sealed"),
        "{text}"
    );
    assert!(sealed_out.exists());
    let list: serde_json::Value = serde_json::from_str(&ok(&["reports", s(&c), "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 6);
    ok(&["verify", s(&c)]);
    // Unknown kinds and formats are refused with exit code 2.
    let bad = tideline(&[
        "report",
        s(&c),
        "--kind",
        "lessons",
        "--format",
        "jira-csv",
        "-o",
        s(&dir.path("x")),
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
