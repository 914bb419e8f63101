//! Report documents in every format, the charts and the follow-up exporters.
//!
//! A fixed lessons-learned document full of hostile text is rendered to Markdown and JSON
//! and compared with golden files; HTML and PDF are checked for their sections and for
//! inert evidence text. The sample incident is imported and drawn as the three charts and
//! a realistic report; with `TIDELINE_REPORT_ARTIFACTS=DIR` set, every output (md, html,
//! pdf, json, svg, png) is also written to DIR to be looked at.

use std::ops::ControlFlow;
use std::path::PathBuf;

use tideline::ingest::{import_file, ImportOptions};
use tideline::report::bugs::{self, FollowUp};
use tideline::report::chart::{self, Lane, Milestone, PhaseSpan};
use tideline::report::doc::{Block, CheckItem, Column, Document, Field, Figure, Section, Table};
use tideline::report::{html, markdown, pdf};
use tideline::time::parse_user_time;
use tideline::timeline::Timeline;
use tideline::Case;

use crate::util::{golden, sample, Dir};

const EVIL_USER: &str = "=cmd|' /C calc'!A0";
const EVIL_TITLE: &str = "Rotate keys '$(rm -rf ~) `id` \"$HOME\"";
const SCRIPT: &str = "<script>alert(1)</script>";

fn at(rfc3339: &str) -> i64 {
    parse_user_time(rfc3339).unwrap()
}

fn artifacts() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("TIDELINE_REPORT_ARTIFACTS")?);
    std::fs::create_dir_all(dir.join("figures")).unwrap();
    Some(dir)
}

fn follow_ups() -> Vec<FollowUp> {
    vec![
        FollowUp {
            title: "Disable password logins on bastion-01".into(),
            description: "sshd accepted a password for deploy after 468 failures.\nSet PasswordAuthentication no.".into(),
            kind: "Task".into(),
            owner: Some("octo-ops".into()),
            priority: Some("High".into()),
            due: Some("2026-03-21".into()),
            status: "open".into(),
            tracker_key: None,
            tracker_url: None,
            lesson: Some("What went wrong: a service account had a password".into()),
            labels: vec!["ssh hardening".into(), "bastion".into()],
        },
        FollowUp {
            title: EVIL_TITLE.into(),
            description: "-2+3 looks like a formula; so does @SUM(A1)".into(),
            kind: "Bug".into(),
            owner: Some(EVIL_USER.into()),
            priority: Some("Highest".into()),
            due: Some("2026-03-16".into()),
            status: "done".into(),
            tracker_key: Some("SEC-142".into()),
            tracker_url: Some("https://tracker.example/SEC-142".into()),
            lesson: None,
            labels: vec!["aws".into(), "=HYPERLINK(\"x\")".into(), "keys".into()],
        },
        FollowUp {
            title: "Alert on S3 GetObject bursts | from unknown IPs".into(),
            description: String::new(),
            kind: "Story".into(),
            owner: None,
            priority: None,
            due: None,
            status: "in progress".into(),
            tracker_key: None,
            tracker_url: None,
            lesson: Some("Lucky: the bucket was versioned".into()),
            labels: vec![],
        },
    ]
}

fn tiny_svg(label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"40\" viewBox=\"0 0 200 40\">\
         <rect x=\"0\" y=\"0\" width=\"200\" height=\"40\" fill=\"#1f5e9e\"/>\
         <text x=\"10\" y=\"25\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#ffffff\">{label}</text></svg>"
    )
}

/// A lessons-learned report with hostile text in every kind of block.
fn fixed_document() -> Document {
    let section = |id: &str, heading: &str, blocks: Vec<Block>| {
        Block::Section(Section {
            id: id.into(),
            heading: heading.into(),
            blocks,
        })
    };
    Document {
        title: "Lessons learned: INC-2026-03 <b>bastion</b> compromise".into(),
        subtitle: Some("Post-incident report (draft)".into()),
        title_block: vec![
            Field { label: "Case".into(), value: "INC-2026-03".into() },
            Field { label: "Status".into(), value: "draft".into() },
            Field { label: "Authors".into(), value: "A. Analyst, B. Lead".into() },
            Field { label: "Incident window (UTC)".into(), value: "2026-03-14T01:49:51Z to 2026-03-14T09:39:05Z".into() },
        ],
        sections: vec![
            Section {
                id: "summary".into(),
                heading: "Summary".into(),
                blocks: vec![
                    Block::Paragraph {
                        text: "An attacker guessed the password of `deploy` on bastion-01 and used a stolen AWS key.\n\
                               # not a heading, - not a list, 1. not ordered, | not a table\n\n\
                               A log line said: <script>alert(1)</script> & see http://evil.example/x"
                            .into(),
                    },
                    Block::Fields {
                        fields: vec![
                            Field { label: "Impact".into(), value: "3,037,505,598 bytes read from s3://backups".into() },
                            Field { label: "Attacker | IP".into(), value: "203.0.113.45".into() },
                        ],
                    },
                ],
            },
            Section {
                id: "timeline".into(),
                heading: "Timeline of key events".into(),
                blocks: vec![
                    Block::Table(Table {
                        columns: vec![
                            Column::mono("Time (UTC)"),
                            Column::text("Event"),
                            Column::text("Evidence"),
                            Column::number("Events"),
                        ],
                        rows: vec![
                            vec![
                                "2026-03-14T02:51:37Z".into(),
                                "Accepted password for deploy | from 203.0.113.45".into(),
                                "auth.log line 2522".into(),
                                "1".into(),
                            ],
                            vec![
                                "2026-03-14T03:14:06Z".into(),
                                format!("GetObject by {EVIL_USER}\nsecond line {SCRIPT}"),
                                "cloudtrail.json record 17".into(),
                                "14".into(),
                            ],
                        ],
                        note: Some("2 of 2 shown".into()),
                    }),
                    Block::Figure(Figure {
                        id: "phases".into(),
                        caption: "Phases <i>of</i> the incident".into(),
                        svg: tiny_svg("phases"),
                    }),
                ],
            },
            Section {
                id: "lessons".into(),
                heading: "Lessons".into(),
                blocks: vec![
                    section(
                        "went-well",
                        "What went well",
                        vec![Block::Bullets {
                            items: vec![
                                "CloudTrail was on in every region".into(),
                                "+1 for the versioned bucket".into(),
                            ],
                        }],
                    ),
                    section(
                        "went-wrong",
                        "What went wrong",
                        vec![
                            Block::Bullets { items: vec![format!("Nobody saw {SCRIPT} in the logs")] },
                            Block::PageBreak,
                        ],
                    ),
                ],
            },
            Section {
                id: "follow-ups".into(),
                heading: "Follow-up items".into(),
                blocks: vec![
                    Block::Checklist {
                        items: vec![
                            CheckItem { text: "Disable password logins".into(), done: false },
                            CheckItem { text: "[x] Rotate keys".into(), done: true },
                        ],
                    },
                    Block::Raw {
                        caption: Some("The line that gave it away:".into()),
                        text: "Mar 14 02:51:37 bastion-01 sshd[45854]: Accepted password for deploy\n```\n</pre><script>x</script>\u{1b}[31m\n".into(),
                    },
                ],
            },
        ],
    }
}

#[test]
fn markdown_of_a_fixed_document_matches_the_golden_file() {
    let md = markdown::render(&fixed_document());
    golden("report-lessons.md", &md.text);
    assert_eq!(md.files.len(), 1);
    assert_eq!(md.files[0].0, "figures/phases.svg");
    assert!(md
        .text
        .contains("![Figure 1: Phases \\<i\\>of\\</i\\> the incident](figures/phases.svg)"));
    // Nothing from the text can open markup, links or blocks.
    // Only the raw text inside the fence keeps its markup, where it is literal.
    let fence = md.text.find("````text").unwrap();
    assert!(
        !md.text[..fence].replace("\\<", "").contains('<'),
        "an unescaped <"
    );
    assert_eq!(md.text[fence..].matches("</pre><script>").count(), 1);
    assert!(!md.text.contains("http://"));
    assert!(md
        .text
        .contains("Accepted password for deploy \\| from 203.0.113.45"));
    // The raw text's own fence cannot close ours.
    assert!(md.text.contains("\n````text\n"), "{}", md.text);
}

#[test]
fn json_of_a_fixed_document_matches_the_golden_file_and_reads_back() {
    let doc = fixed_document();
    let json = doc.to_json().unwrap();
    golden("report-lessons.json", &json);
    let back: Document = serde_json::from_str(&json).unwrap();
    assert_eq!(back, doc);
    assert_eq!(doc.to_json().unwrap(), json, "the same bytes every time");
}

#[test]
fn html_of_a_fixed_document_has_every_section_and_no_live_markup() {
    let h = html::render(&fixed_document());
    for id in [
        "summary",
        "timeline",
        "lessons",
        "went-well",
        "went-wrong",
        "follow-ups",
    ] {
        assert!(
            h.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(h.contains("<h3>What went well</h3>"));
    assert!(!h.contains("<script"));
    assert!(!h.contains("<b>bastion"));
    assert!(!h.contains("<i>of"));
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(h.contains("&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;\\u{1b}[31m"));
    assert!(h.contains("<thead><tr><th>Time (UTC)</th>"));
    assert!(h.contains("<div class=\"page-break\"></div>"));
    assert!(h.contains("@media print"));
    assert!(h.contains("<figure id=\"fig-phases\"><svg"));
    assert!(h.contains("default-src 'none'"));
    let outside =
        h.matches("http://").count() - h.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(outside, 1, "only the escaped log text mentions http://");
}

fn pdf_text(bytes: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(bytes).unwrap()
}

#[test]
fn pdf_of_a_fixed_document_has_selectable_text_for_every_section() {
    let bytes = pdf::render(&fixed_document()).unwrap();
    if let Some(dir) = artifacts() {
        std::fs::write(dir.join("fixed.pdf"), &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for heading in [
        "Lessons learned: INC-2026-03 <b>bastion</b> compromise",
        "Summary",
        "Timeline of key events",
        "What went well",
        "What went wrong",
        "Follow-up items",
        "Figure 1: Phases <i>of</i> the incident",
        "Accepted password for deploy",
        "\\u{1b}[31m",
        // "What went wrong" and its list do not fit under "What went well" on page 1,
        // and the page break puts the follow-ups on page 3.
        "Page 1 of 3",
        "Page 3 of 3",
    ] {
        assert!(text.contains(heading), "missing {heading:?} in\n{text}");
    }
    // The fonts are embedded, nothing refers to a system font.
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/FontFile2"), "TrueType fonts embedded");
    assert!(raw.contains("DejaVuSans"));
    if let Some(dir) = artifacts() {
        std::fs::write(dir.join("fixed.pdf"), &bytes).unwrap();
    }
}

#[test]
fn jira_csv_matches_the_golden_file_and_neutralises_formulas() {
    let csv = bugs::jira_csv(&follow_ups());
    golden("followups-jira.csv", &csv);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "Summary",
            "Issue Type",
            "Priority",
            "Assignee",
            "Due date",
            "Labels",
            "Labels",
            "Labels",
            "Description"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    // The hostile owner and formula-like cells start with a quote: no spreadsheet runs them.
    assert_eq!(&rows[1][3], "'=cmd|' /C calc'!A0");
    assert_eq!(&rows[1][6], "'=HYPERLINK(\"x\")");
    assert!(rows[1][8].starts_with("'-2+3"));
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
    assert_eq!(&rows[0][5], "ssh_hardening");
}

#[test]
fn github_bodies_and_script_match_the_golden_files_and_stay_inert() {
    let items = follow_ups();
    let json = bugs::github_json(&items).unwrap();
    golden("followups-github.json", &json);
    let bodies: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(bodies[0]["assignees"], serde_json::json!(["octo-ops"]));
    // Not a login: named in the body instead of assigned.
    assert_eq!(bodies[1]["assignees"], serde_json::json!([]));
    assert!(bodies[1]["body"]
        .as_str()
        .unwrap()
        .contains("Owner: =cmd|' /C calc'!A0"));

    let script = bugs::gh_script(&items);
    golden("followups-gh.sh", &script);
    // Run the script with a `gh` that prints each argument on its own line: the hostile
    // title arrives as one argument, unexpanded.
    let dir = Dir::new();
    let bin = dir.path("bin");
    std::fs::create_dir(&bin).unwrap();
    let gh = bin.join("gh");
    std::fs::write(
        &gh,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n--\\n' \"$a\"; done\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script_path = dir.path("file-issues.sh");
    std::fs::write(&script_path, &script).unwrap();
    let out = std::process::Command::new("sh")
        .arg(&script_path)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let args = String::from_utf8(out.stdout).unwrap();
    assert!(
        args.contains(&format!("--title={EVIL_TITLE}\n--\n")),
        "{args}"
    );
    assert_eq!(args.matches("--title=").count(), 3);
}

#[test]
fn markdown_checklist_matches_the_golden_file() {
    let md = bugs::markdown_checklist("Follow-ups: INC-2026-03", &follow_ups());
    golden("followups-checklist.md", &md);
    assert!(md.contains("- [x] Rotate keys"));
    assert_eq!(md.matches("- [ ] ").count(), 2);
}

/// The sample incident in a case, and its timeline.
fn sample_case(dir: &Dir) -> (Case, Timeline) {
    let mut case =
        Case::create(&dir.path("incident.tideline"), "Sample incident", "tester").unwrap();
    for f in [
        "incident-2026-03/bastion-01/auth.log",
        "incident-2026-03/db-01/auth.log",
        "incident-2026-03/web-01/syslog",
        "incident-2026-03/web-01/access.log",
        "incident-2026-03/aws/cloudtrail.json",
        "incident-2026-03/ws-alice/sysmon.jsonl",
    ] {
        import_file(
            &mut case,
            &sample(f),
            &ImportOptions {
                year: Some(2026),
                ..Default::default()
            },
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    }
    let tl = Timeline::load(&case).unwrap();
    (case, tl)
}

fn milestones() -> Vec<Milestone> {
    [
        ("Web scan from 203.0.113.45", "2026-03-14T01:52:07Z"),
        ("SSH brute force", "2026-03-14T02:11:09Z"),
        ("deploy logs in", "2026-03-14T02:51:37Z"),
        ("S3 exfiltration", "2026-03-14T03:14:06Z"),
        ("Detected", "2026-03-14T08:40:00Z"),
        ("Key disabled", "2026-03-14T09:31:48Z"),
        ("Key deleted", "2026-03-14T09:39:05Z"),
    ]
    .iter()
    .map(|(l, t)| Milestone {
        label: l.to_string(),
        at: at(t),
    })
    .collect()
}

fn phases() -> Vec<PhaseSpan> {
    [
        (
            "Detection & Analysis",
            "2026-03-14T08:40:00Z",
            "2026-03-14T09:20:00Z",
        ),
        (
            "Containment",
            "2026-03-14T09:20:00Z",
            "2026-03-14T09:35:00Z",
        ),
        (
            "Eradication",
            "2026-03-14T09:35:00Z",
            "2026-03-14T11:00:00Z",
        ),
        ("Recovery", "2026-03-14T11:00:00Z", "2026-03-14T16:30:00Z"),
    ]
    .iter()
    .map(|(p, a, b)| PhaseSpan {
        phase: p.to_string(),
        start: at(a),
        end: at(b),
    })
    .collect()
}

fn lanes(tl: &Timeline, column: &str, rows: &[tideline::timeline::EventRow]) -> Vec<Lane> {
    let _ = tl;
    let mut map: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for r in rows {
        let key = match column {
            "host" => r.host.clone().unwrap_or_else(|| "(no host)".into()),
            _ => r.source.clone(),
        };
        if let Some(ts) = &r.ts {
            map.entry(key)
                .or_default()
                .push(parse_user_time(ts).unwrap());
        }
    }
    map.into_iter()
        .map(|(label, times)| Lane { label, times })
        .collect()
}

#[test]
fn the_sample_incident_draws_all_three_charts_and_a_readable_report() {
    let dir = Dir::new();
    let (case, tl) = sample_case(&dir);
    let rows = crate::util::all_rows(&case);
    let hist = tl.histogram(80).unwrap();
    let timeline_svg =
        chart::incident_timeline(&hist, &milestones(), &phases(), 1100, 380).unwrap();
    let hosts_svg = chart::swimlanes(
        "Events per host (UTC)",
        &lanes(&tl, "host", &rows),
        3600,
        1100,
        300,
    )
    .unwrap();
    let sources_svg = chart::swimlanes(
        "Events per source (UTC)",
        &lanes(&tl, "source", &rows),
        3600,
        1100,
        260,
    )
    .unwrap();
    let phases_svg = chart::phase_spans(&phases(), &milestones()[4..], 1100, 260).unwrap();

    // What a reader needs is on each chart: title, UTC axis, legend, every label.
    for label in [
        "Events over time (UTC, 1 h per bar)",
        "Time (UTC)",
        "deploy logs in",
        "Key deleted",
        "Containment",
        "milestone",
        "events",
    ] {
        assert!(timeline_svg.contains(label), "timeline chart lacks {label}");
    }
    for label in [
        "Events per host (UTC)",
        "bastion-01",
        "web-01",
        "db-01",
        "Time (UTC)",
    ] {
        assert!(hosts_svg.contains(label), "host chart lacks {label}");
    }
    for label in ["syslog", "cloudtrail", "apache_access"] {
        assert!(sources_svg.contains(label), "source chart lacks {label}");
    }
    for label in [
        "Incident phases (UTC)",
        "Detection &amp; Analysis",
        "40 min",
        "5 h 30 min",
        "Recovery",
    ] {
        assert!(phases_svg.contains(label), "phase chart lacks {label}");
    }
    let png = chart::svg_to_png(&timeline_svg, 2.0).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // 1100 x 380 at scale 2: the IHDR says 2200 x 760.
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 2200);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 760);

    let mut doc = tideline::report::case_report(&case, &tl).unwrap();
    doc.title = "Lessons learned: sample incident 2026-03".into();
    doc.subtitle = Some("Post-incident report (draft)".into());
    doc.title_block = vec![
        Field {
            label: "Case".into(),
            value: "INC-2026-03".into(),
        },
        Field {
            label: "Status".into(),
            value: "draft".into(),
        },
        Field {
            label: "Authors".into(),
            value: "Tideline tests".into(),
        },
    ];
    // Keep the realistic report short enough to read every page: the first key events,
    // and the charts in their own section.
    for s in &mut doc.sections {
        for b in &mut s.blocks {
            if let Block::Table(t) = b {
                if t.rows.len() > 40 {
                    t.note = Some(format!("The first 40 of {} rows shown.", t.rows.len()));
                    t.rows.truncate(40);
                }
            }
        }
    }
    doc.sections.insert(
        1,
        Section {
            id: "charts".into(),
            heading: "The incident at a glance".into(),
            blocks: vec![
                Block::Figure(Figure {
                    id: "incident-timeline".into(),
                    caption: "Events per hour with milestones and phases".into(),
                    svg: timeline_svg.clone(),
                }),
                Block::Figure(Figure {
                    id: "hosts".into(),
                    caption: "Events per host".into(),
                    svg: hosts_svg.clone(),
                }),
                Block::Figure(Figure {
                    id: "sources".into(),
                    caption: "Events per source".into(),
                    svg: sources_svg.clone(),
                }),
                Block::Figure(Figure {
                    id: "phases".into(),
                    caption: "How long each phase took".into(),
                    svg: phases_svg.clone(),
                }),
            ],
        },
    );
    doc.sections.push(Section {
        id: "follow-ups".into(),
        heading: "Follow-up items".into(),
        blocks: vec![bugs::checklist_block(&follow_ups())],
    });
    let pdf_bytes = pdf::render(&doc).unwrap();
    if let Some(out) = artifacts() {
        std::fs::write(out.join("sample.pdf"), &pdf_bytes).unwrap();
    }
    let text = pdf_text(&pdf_bytes);
    for heading in [
        "Lessons learned: sample incident 2026-03",
        "The incident at a glance",
        "Evidence",
        "Events by source",
        "Key events",
        "Import issues",
        "Audit log",
        "Follow-up items",
        "Figure 4: How long each phase took",
        "c27ecf1953caa8f8ac9cb9946033ad745570f06634aaa9bf5b2d7f48824404ba",
    ] {
        assert!(text.contains(heading), "PDF lacks {heading:?}");
    }
    let h = html::render(&doc);
    // The four charts and the case report's own events-over-time chart.
    assert_eq!(h.matches("<figure").count(), 5);
    let md = markdown::render(&doc);
    assert_eq!(md.files.len(), 5);

    if let Some(out) = artifacts() {
        for (name, svg) in [
            ("incident-timeline", &timeline_svg),
            ("hosts", &hosts_svg),
            ("sources", &sources_svg),
            ("phases", &phases_svg),
        ] {
            std::fs::write(out.join(format!("{name}.svg")), svg).unwrap();
            std::fs::write(
                out.join(format!("{name}.png")),
                chart::svg_to_png(svg, 1.0).unwrap(),
            )
            .unwrap();
        }
        std::fs::write(out.join("sample.pdf"), &pdf_bytes).unwrap();
        std::fs::write(out.join("sample.html"), &h).unwrap();
        std::fs::write(out.join("sample.md"), &md.text).unwrap();
        for (path, svg) in &md.files {
            std::fs::write(out.join(path), svg).unwrap();
        }
        std::fs::write(out.join("sample.json"), doc.to_json().unwrap()).unwrap();
    }
}

#[test]
fn the_case_report_renders_as_pdf_and_markdown_with_hostile_text_inert() {
    let dir = Dir::new();
    let log = dir.path("hostile.log");
    std::fs::write(
        &log,
        format!("Mar 14 02:11:10 bastion-01 sshd[1]: Accepted password for {EVIL_USER} from 203.0.113.45 port 2 ssh2\n\
                 Mar 14 02:11:11 bastion-01 sshd[1]: Invalid user {SCRIPT} from 203.0.113.45 port 3\n"),
    )
    .unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "Case | title", "t").unwrap();
    import_file(
        &mut case,
        &log,
        &ImportOptions {
            year: Some(2026),
            ..Default::default()
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    let doc = tideline::report::case_report(&case, &Timeline::load(&case).unwrap()).unwrap();
    let md = markdown::render(&doc).text;
    assert!(md.starts_with("# Incident report: Case \\| title\n"));
    assert!(
        md.contains("Accepted password for =cmd\\|' /C calc'!A0"),
        "{md}"
    );
    assert!(!md.contains("<script"));
    let text = pdf_text(&pdf::render(&doc).unwrap());
    for heading in [
        "Incident report: Case | title",
        "Case summary",
        "Evidence",
        "Events over time",
        "Key events",
        "Import issues",
        "Audit log",
    ] {
        assert!(text.contains(heading), "PDF lacks {heading:?}");
    }
}
