//! The timeline engine on the sample incident: every query construct, sort, paging, jump,
//! histogram buckets, top-N, distinct counts, "around", annotations, clock offsets,
//! exports (with hostile values), SQL, and the frame cache.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use tideline::ingest::{import_paths, ImportOptions};
use tideline::timeline::annotate::{annotate, set_clock_offset, Change, Verdict};
use tideline::timeline::export::{export_view, ExportFormat};
use tideline::timeline::{bucket_width, Around, FrameSource, Sort, Timeline, TimelineQuery};
use tideline::Case;

use crate::util::{golden, ok, s, sample, tideline, Dir};

/// Lines an attacker controls: a spreadsheet formula and a script tag.
const HOSTILE: &str = "Mar 14 02:30:00 web-01 app[7]: =cmd|' /C calc'!A0\n\
Mar 14 02:30:01 web-01 app[7]: <script>alert(1)</script> user=\"x,y\"\n\
Mar 14 02:30:02 web-01 app[7]: +SUM(A1) -2 @x\n";

fn engine_files(dir: &Dir) -> Vec<PathBuf> {
    let hostile = dir.path("hostile.log");
    std::fs::write(&hostile, HOSTILE).unwrap();
    vec![
        sample("incident-2026-03/bastion-01/auth.log"),
        sample("incident-2026-03/db-01/auth.log"),
        sample("incident-2026-03/web-01/syslog"),
        sample("incident-2026-03/aws/cloudtrail.json"),
        hostile,
    ]
}

/// The engine's test case: four sample evidence files and the hostile log.
pub(crate) fn engine_case(dir: &Dir) -> (PathBuf, Case) {
    let path = dir.path("engine.tideline");
    let mut case = Case::create(&path, "engine", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        actor: "t".into(),
        ..Default::default()
    };
    let report = import_paths(&mut case, &engine_files(dir), &opts, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(report.refused.is_empty());
    (path, case)
}

/// Imports one file of `sample-data/` (syslog years taken as 2026).
fn import_sample(case: &mut Case, rel: &str) {
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    import_paths(case, &[sample(rel)], &opts, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
}

pub(crate) fn ids(tl: &Timeline, q: &str) -> Vec<i64> {
    tl.query(&TimelineQuery {
        query: q.into(),
        limit: usize::MAX,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{q}: {e}"))
    .rows
    .iter()
    .map(|r| r.id)
    .collect()
}

/// Each construct of the language, with its count and first ids, pinned in one file.
const CONSTRUCTS: [&str; 34] = [
    "",
    "accepted",
    "\"Accepted password\"",
    "or",
    "host:bastion-01",
    "HOST:BASTION-01",
    "host:db-*",
    "host:bastion-01,db-01",
    "host:(db-01, web-01)",
    "source:cloudtrail",
    "user:/^r.o/",
    "user:/^R.O/i",
    "message:/port 5[0-9]{4}/",
    "msg:getobject",
    "ip:203.0.113.45",
    "src_ip:203.0.113.45 action:auth_success",
    "process:sshd AND user:deploy",
    "user:root OR user:deploy",
    "NOT host:bastion-01",
    "-host:bastion-01 -source:cloudtrail",
    "(user:root OR user:deploy) failed",
    "ts:2026-03-14",
    "ts:2026-03-14T02:40..2026-03-14T02:45",
    "ts:2026-03-14T02:50..",
    "after:2026-03-14T08 before:2026-03-14T09",
    "ts>=2026-03-14T02:51:37 ts<2026-03-14T02:52",
    "ts=2026-03-14T02:51",
    "id>=10 id<15",
    "id:100..102",
    "evidence:2",
    "evidence:cloudtrail.json",
    "evidence:*.log host:web-01",
    "has:user NOT has:src_ip",
    "ts_quality:\"year_inferred,zone_assumed\" host:web-01",
];

#[test]
fn each_query_construct_selects_the_pinned_events() {
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    let mut out = String::new();
    for q in CONSTRUCTS {
        let got = ids(&tl, q);
        let first: Vec<String> = got.iter().take(5).map(|i| i.to_string()).collect();
        out.push_str(&format!("{q:<55} {:>5}  {}\n", got.len(), first.join(",")));
    }
    golden("query-constructs.txt", &out);

    // Cross-checks against the rows themselves, so the golden file is not its own proof.
    let all = tl
        .query(&TimelineQuery {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap()
        .rows;
    let count =
        |f: &dyn Fn(&tideline::timeline::EventRow) -> bool| all.iter().filter(|r| f(r)).count();
    assert_eq!(ids(&tl, "").len(), all.len());
    assert_eq!(
        ids(&tl, "host:bastion-01").len(),
        count(&|r| r.host.as_deref() == Some("bastion-01"))
    );
    assert_eq!(
        ids(&tl, "NOT host:bastion-01").len(),
        count(&|r| r.host.as_deref() != Some("bastion-01"))
    );
    assert_eq!(
        ids(&tl, "accepted").len(),
        count(&|r| r.message.to_lowercase().contains("accepted"))
    );
    assert_eq!(
        ids(&tl, "user:root OR user:deploy").len(),
        count(&|r| matches!(r.user.as_deref(), Some("root" | "deploy")))
    );
    assert_eq!(ids(&tl, "HOST:BASTION-01"), ids(&tl, "host:bastion-01"));
    assert_eq!(
        ids(&tl, "host:bastion-01,db-01"),
        ids(&tl, "host:(bastion-01,db-01)")
    );
    assert_eq!(ids(&tl, "id:100..102"), vec![100, 101, 102]);
    assert_eq!(ids(&tl, "id>=10 id<15"), vec![10, 11, 12, 13, 14]);
}

#[test]
fn a_bad_query_names_the_character_and_draws_a_caret() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    drop(case);
    for (q, pos, what) in [
        (
            "host:web-01 (user:root",
            12,
            "this parenthesis is never closed",
        ),
        ("colour:red", 0, "unknown field 'colour'"),
        ("user:/ro(/", 6, "invalid regular expression"),
        ("ts>=yesterday", 4, "'yesterday' is not a time"),
        (
            "evidence:nothing.log",
            9,
            "no evidence is named 'nothing.log'",
        ),
        ("a OR", 4, "the query ends where a search term was expected"),
    ] {
        let out = tideline(&["timeline", s(&path), "-q", q]);
        assert_eq!(out.status.code(), Some(2), "{q}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("query error at character {pos}: {what}")),
            "{q}: {err}"
        );
        let caret = format!("\n  {}^", " ".repeat(pos));
        assert!(err.contains(&format!("\n  {q}{caret}")), "{q}: {err}");
    }
}

#[test]
fn sort_page_and_jump_are_pinned() {
    let dir = Dir::new();
    let (path, _case) = engine_case(&dir);
    let p = s(&path);
    golden(
        "engine-sort-user-desc.csv",
        &ok(&[
            "timeline", p, "-q", "has:user", "--sort", "-user", "--offset", "10", "--limit", "8",
            "--format", "csv",
        ]),
    );
    golden(
        "engine-page.txt",
        &ok(&[
            "timeline",
            p,
            "-q",
            "host:bastion-01",
            "--offset",
            "100",
            "--limit",
            "5",
        ]),
    );
    // Jumping to a time starts the page at the first event at or after it.
    let out = ok(&[
        "timeline",
        p,
        "-q",
        "host:bastion-01",
        "--at",
        "2026-03-14T02:51:37Z",
        "--limit",
        "1",
        "--format",
        "jsonl",
    ]);
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(row["ts"], "2026-03-14T02:51:37.000000Z");
    assert!(row["message"]
        .as_str()
        .unwrap()
        .starts_with("Accepted password for deploy"));

    let tl = Timeline::load(&_case).unwrap();
    let q = TimelineQuery::of("host:bastion-01");
    let at = tideline::time::parse_user_time("2026-03-14T02:51:37Z").unwrap();
    let offset = tl.jump_to(&q, at).unwrap();
    let before = ids(&tl, "host:bastion-01 ts<2026-03-14T02:51:37");
    assert_eq!(offset, before.len());
    // A sort other than time has no place to jump to.
    let sorted = TimelineQuery {
        sort: Some(Sort::parse("user").unwrap()),
        ..q.clone()
    };
    assert!(tl.jump_to(&sorted, at).is_err());
    assert!(Sort::parse("colour").is_err());
}

#[test]
fn histogram_buckets_are_round_and_few_enough() {
    // Bucket choice alone: a 10-minute span in at most 60 buckets is 10 s buckets, a
    // day in 24 is an hour, three days in 5 is a day.
    let t0 = 1_773_446_400_000_000; // 2026-03-14T00:00:00Z
    assert_eq!(bucket_width(t0, t0 + 600_000_000 - 1, 60), 10);
    assert_eq!(bucket_width(t0, t0 + 86_400_000_000 - 1, 24), 3600);
    assert_eq!(bucket_width(t0, t0 + 3 * 86_400_000_000 - 1, 5), 86_400);
    assert_eq!(bucket_width(t0, t0, 10), 1);
    assert_eq!(bucket_width(t0, t0 + 90 * 86_400_000_000, 4), 25 * 86_400);

    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    golden(
        "engine-histogram-attack.json",
        &ok(&[
            "histogram",
            s(&path),
            "-q",
            "ts:2026-03-14T02:40..2026-03-14T02:59",
            "--buckets",
            "24",
            "--json",
        ]),
    );
    let tl = Timeline::load(&case).unwrap();
    for max in [1, 7, 24, 60, 200] {
        let h = tl
            .histogram_of(&TimelineQuery::of("host:bastion-01"), max)
            .unwrap();
        assert!(h.buckets.len() <= max, "{max}: {}", h.buckets.len());
        let total: u64 = h.buckets.iter().map(|b| b.1).sum();
        assert_eq!(total as usize, ids(&tl, "host:bastion-01").len());
    }
}

#[test]
fn top_distinct_and_around_are_pinned() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    let p = s(&path);
    golden(
        "engine-top-users-failed.json",
        &ok(&["top", p, "user", "-q", "failed", "-n", "5", "--json"]),
    );
    golden(
        "engine-distinct.json",
        &ok(&["distinct", p, "-q", "host:bastion-01", "--json"]),
    );
    let tl = Timeline::load(&case).unwrap();
    let login = ids(
        &tl,
        "\"Accepted password for deploy\" ts:2026-03-14T02:51:37",
    )[0];
    let near = tl
        .around(login, 60_000_000, 60_000_000, Around::SameHost, 1000, None)
        .unwrap();
    assert!(near.rows.iter().any(|r| r.id == login));
    assert!(near
        .rows
        .iter()
        .all(|r| r.host.as_deref() == Some("bastion-01")));
    assert_eq!(
        near.total,
        ids(
            &tl,
            "host:bastion-01 ts:2026-03-14T02:50:37..2026-03-14T02:52:37"
        )
        .len()
    );
    let any = tl
        .around(login, 60_000_000, 60_000_000, Around::Any, 1000, None)
        .unwrap();
    assert!(any.total >= near.total);
    golden(
        "engine-around.txt",
        &ok(&[
            "around",
            p,
            &login.to_string(),
            "--window",
            "20s",
            "--same",
            "user",
        ]),
    );
}

fn audit_actions(case: &Case) -> Vec<(String, String)> {
    case.audit_log()
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.details))
        .collect()
}

#[test]
fn annotations_are_stored_audited_joined_and_sealed() {
    let dir = Dir::new();
    let (path, mut case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    let logins = ids(&tl, "\"accepted password\" user:deploy");
    assert_eq!(logins.len(), 2);

    assert_eq!(
        annotate(
            &mut case,
            &logins,
            &Change::Tag("Initial-Access".into()),
            "ann"
        )
        .unwrap(),
        2
    );
    // Tagging again changes nothing.
    assert_eq!(
        annotate(
            &mut case,
            &logins,
            &Change::Tag("initial-access".into()),
            "ann"
        )
        .unwrap(),
        0
    );
    annotate(&mut case, &logins[..1], &Change::Tag("c2".into()), "ann").unwrap();
    annotate(&mut case, &logins[..1], &Change::Star, "ann").unwrap();
    annotate(
        &mut case,
        &logins[..1],
        &Change::Note(Some("stolen password, first use".into())),
        "ann",
    )
    .unwrap();
    annotate(
        &mut case,
        &logins,
        &Change::Verdict(Some(Verdict::Malicious)),
        "ann",
    )
    .unwrap();
    assert!(annotate(&mut case, &[999_999], &Change::Star, "ann").is_err());
    assert!(annotate(&mut case, &logins, &Change::Tag("two words".into()), "ann").is_err());

    let tl = Timeline::load(&case).unwrap();
    assert_eq!(ids(&tl, "is:tagged"), logins);
    assert_eq!(ids(&tl, "tag:c2"), logins[..1].to_vec());
    assert_eq!(ids(&tl, "tag:initial-access"), logins);
    assert_eq!(ids(&tl, "is:starred"), logins[..1].to_vec());
    assert_eq!(ids(&tl, "has:note"), logins[..1].to_vec());
    assert_eq!(ids(&tl, "note:\"first use\""), logins[..1].to_vec());
    assert_eq!(ids(&tl, "verdict:malicious"), logins);
    assert_eq!(ids(&tl, "verdict:benign").len(), 0);
    assert_eq!(ids(&tl, "NOT is:tagged").len(), tl.len() - 2);
    let row = tl.row(logins[0]).unwrap().unwrap();
    assert_eq!(row.tags, ["c2", "initial-access"]);
    assert!(row.starred);
    assert_eq!(row.note.as_deref(), Some("stolen password, first use"));
    assert_eq!(row.verdict.as_deref(), Some("malicious"));
    let top = tl.top(&TimelineQuery::default(), "tags", 5).unwrap();
    assert_eq!(
        top.values,
        [("initial-access".to_string(), 2), ("c2".to_string(), 1)]
    );

    // Every change is in the audit log, with who and which events.
    let log = audit_actions(&case);
    let first = &logins[0].to_string();
    assert!(log.iter().any(|(a, d)| a == "events tagged"
        && d.contains("\"tag\":\"initial-access\"")
        && d.contains("\"changed\":2")));
    assert!(log
        .iter()
        .any(|(a, d)| a == "events starred" && d.contains(&format!("\"events\":\"{first}\""))));
    assert!(log
        .iter()
        .any(|(a, d)| a == "event verdict set" && d.contains("malicious")));

    // Unstar and clear the note: the mark row disappears once it says nothing.
    annotate(&mut case, &logins[..1], &Change::Unstar, "ann").unwrap();
    annotate(&mut case, &logins[..1], &Change::Note(None), "ann").unwrap();
    annotate(&mut case, &logins, &Change::Verdict(None), "ann").unwrap();
    annotate(&mut case, &logins, &Change::Untag("c2".into()), "ann").unwrap();
    let tl = Timeline::load(&case).unwrap();
    assert_eq!(ids(&tl, "is:starred OR has:note OR has:verdict").len(), 0);
    assert_eq!(ids(&tl, "tag:c2").len(), 0);
    assert_eq!(ids(&tl, "is:tagged"), logins);

    // Sealed: annotations are refused, and tampering with one is found by verify.
    tideline::archive::seal(&mut case, "ann").unwrap();
    let err = annotate(&mut case, &logins, &Change::Star, "ann").unwrap_err();
    assert_eq!(err.code(), "sealed");
    drop(case);
    let c = Case::open_read_only(&path).unwrap();
    assert!(tideline::archive::verify(&c).unwrap().intact);
    drop(c);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER sealed_event_tag_update; UPDATE event_tag SET tag = 'benign-looking';",
    )
    .unwrap();
    drop(conn);
    let c = Case::open_read_only(&path).unwrap();
    let v = tideline::archive::verify(&c).unwrap();
    assert!(!v.intact);
    assert!(
        v.problems.iter().any(|p| p.contains("event_tag")),
        "{:?}",
        v.problems
    );
}

#[test]
fn annotations_from_the_cli_by_ids_and_by_query() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    let p = s(&path);
    let q = "\"Failed password\" src_ip:203.0.113.45";
    let n = ids(&Timeline::load(&case).unwrap(), q).len();
    assert!(n > 100);
    drop(case);
    assert_eq!(
        ok(&["tag", p, "brute-force", "--query", q]).trim(),
        format!("{n} events, {n} changed")
    );
    assert_eq!(
        ok(&["star", p, "--ids", "3,5-6"]).trim(),
        "3 events, 3 changed"
    );
    assert_eq!(
        ok(&["note", p, "look here", "--ids", "5"]).trim(),
        "1 events, 1 changed"
    );
    assert!(ok(&["verdict", p, "suspicious", "--ids", "5,6", "--json"]).contains("\"changed\": 2"));
    let out = tideline(&["star", p, "--query", "user:nobody-at-all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no event matches"));
    let out = tideline(&["tag", p, "x"]);
    assert_eq!(out.status.code(), Some(2));
    golden(
        "engine-annotated.jsonl",
        &ok(&[
            "timeline",
            p,
            "-q",
            "is:starred OR has:verdict",
            "--format",
            "jsonl",
        ]),
    );
    let tagged: serde_json::Value =
        serde_json::from_str(&ok(&["top", p, "tags", "--json"])).unwrap();
    assert_eq!(tagged["values"][0]["value"], "brute-force");
    assert_eq!(tagged["values"][0]["events"], n);
}

#[test]
fn a_clock_offset_moves_one_evidence_and_is_marked() {
    let dir = Dir::new();
    let (_, mut case) = engine_case(&dir);
    let before = Timeline::load(&case).unwrap();
    let db = ids(&before, "host:db-01");
    let first_before = before.row(db[0]).unwrap().unwrap();
    assert!(set_clock_offset(&mut case, 2, Some((3_600_000_000, " ")), "clk").is_err());
    set_clock_offset(
        &mut case,
        2,
        Some((-3_600_000_000, "db-01 clock one hour fast")),
        "clk",
    )
    .unwrap();
    let after = Timeline::load(&case).unwrap();
    let first_after = after.row(db[0]).unwrap().unwrap();
    let t = |r: &tideline::timeline::EventRow| {
        tideline::time::parse_user_time(r.ts.as_deref().unwrap()).unwrap()
    };
    assert_eq!(t(&first_after), t(&first_before) - 3_600_000_000);
    assert_eq!(first_after.clock_offset_us, Some(-3_600_000_000));
    let want = match first_before.ts_quality.as_str() {
        "exact" => "clock_corrected".to_string(),
        q => format!("{q},clock_corrected"),
    };
    assert_eq!(first_after.ts_quality, want);
    assert_eq!(ids(&after, "is:corrected").len(), db.len());
    assert_eq!(ids(&after, "ts_quality:*clock_corrected").len(), db.len());
    // Other evidence is untouched and the timeline stays in time order.
    let other = ids(&before, "host:bastion-01")[0];
    assert_eq!(before.row(other).unwrap(), after.row(other).unwrap());
    let rows = after
        .query(&TimelineQuery {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap()
        .rows;
    let times: Vec<i64> = rows.iter().filter(|r| r.ts.is_some()).map(t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    // The event rows themselves keep what the evidence said.
    assert_eq!(case.event(db[0]).unwrap().ts, Some(t(&first_before)));
    let log = audit_actions(&case);
    assert!(log.iter().any(|(a, d)| a == "clock offset set"
        && d.contains("\"offset_us\":-3600000000")
        && d.contains("one hour fast")));
    // Display in a zone: the same instant with the zone's offset.
    let page = after
        .query(&TimelineQuery {
            query: format!("id:{}", db[0]),
            limit: 1,
            zone: Some(chrono_tz::Europe::Berlin),
            ..Default::default()
        })
        .unwrap();
    let shown = page.rows[0].ts.as_deref().unwrap();
    assert!(shown.ends_with("+01:00"), "{shown}");
    assert_eq!(
        tideline::time::parse_user_time(shown).unwrap(),
        t(&first_after)
    );
    set_clock_offset(&mut case, 2, None, "clk").unwrap();
    let again = Timeline::load(&case).unwrap();
    assert_eq!(again.row(db[0]).unwrap().unwrap(), first_before);
}

fn export(case: &Case, q: &str, format: ExportFormat, path: &Path) -> String {
    let tl = Timeline::load(case).unwrap();
    let summary = export_view(&tl, &TimelineQuery::of(q), format, path).unwrap();
    assert_eq!(summary.files.len(), 1);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn exports_of_a_view_neutralise_hostile_cells() {
    let dir = Dir::new();
    let (_, mut case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    let hostile = ids(&tl, "evidence:hostile.log");
    assert_eq!(hostile.len(), 3);
    annotate(
        &mut case,
        &hostile[..1],
        &Change::Tag("formula".into()),
        "x",
    )
    .unwrap();
    annotate(
        &mut case,
        &hostile[..1],
        &Change::Note(Some("=HYPERLINK(\"http://evil\")".into())),
        "x",
    )
    .unwrap();
    let q = "evidence:hostile.log OR ts:2026-03-14T02:51:37";
    let csv = export(&case, q, ExportFormat::Csv, &dir.path("v.csv"));
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "{csv}"
    );
    assert!(!csv.contains(",=cmd"));
    golden("engine-export.csv", &csv);
    golden(
        "engine-export.jsonl",
        &export(&case, q, ExportFormat::Jsonl, &dir.path("v.jsonl")),
    );
    let ts_csv = export(&case, q, ExportFormat::TimesketchCsv, &dir.path("ts.csv"));
    assert!(ts_csv.starts_with("message,datetime,timestamp_desc,timestamp,"));
    assert!(ts_csv.contains("\n'=cmd|' /C calc'!A0,2026-03-14T02:30:00.000000Z,Event Time,"));
    golden("engine-export-timesketch.csv", &ts_csv);
    let ts_jsonl = export(
        &case,
        q,
        ExportFormat::TimesketchJsonl,
        &dir.path("ts.jsonl"),
    );
    for line in ts_jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in ["message", "datetime", "timestamp_desc"] {
            assert!(v[key].is_string(), "{key} in {line}");
        }
    }
    assert!(ts_jsonl.contains("\"message\":\"<script>alert(1)</script> user=\\\"x,y\\\"\""));
    golden("engine-export-timesketch.jsonl", &ts_jsonl);
}

#[test]
fn parquet_exports_one_folder_per_day() {
    use polars::prelude::*;
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    let out = dir.path("pq");
    let q = TimelineQuery::of("host:bastion-01");
    let summary = export_view(&tl, &q, ExportFormat::Parquet, &out).unwrap();
    let want = ids(&tl, "host:bastion-01");
    assert_eq!(summary.events, want.len());
    let mut days: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    days.sort();
    assert_eq!(
        days,
        [
            "day=2026-03-11",
            "day=2026-03-12",
            "day=2026-03-13",
            "day=2026-03-14"
        ]
    );
    let mut read_ids = Vec::new();
    for day in &days {
        let f = std::fs::File::open(out.join(day).join("part-0.parquet")).unwrap();
        let df = ParquetReader::new(f).finish().unwrap();
        assert!(matches!(
            df.column("ts").unwrap().dtype(),
            DataType::Datetime(TimeUnit::Microseconds, _)
        ));
        let ts = df.column("ts").unwrap().cast(&DataType::Int64).unwrap();
        let d = &day[4..];
        for t in ts.i64().unwrap().iter() {
            let date = chrono::DateTime::from_timestamp_micros(t.unwrap()).unwrap();
            assert_eq!(date.format("%Y-%m-%d").to_string(), d);
        }
        read_ids.extend(
            df.column("id")
                .unwrap()
                .i64()
                .unwrap()
                .iter()
                .map(|v| v.unwrap()),
        );
    }
    assert_eq!(read_ids, want);
    // Never over an existing export.
    assert!(export_view(&tl, &q, ExportFormat::Parquet, &out).is_err());
}

#[test]
fn sql_selects_over_the_timeline_and_nothing_else() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    let p = s(&path);
    golden(
        "engine-sql.txt",
        &ok(&[
            "sql",
            p,
            "SELECT host, count(*) AS events, min(ts) AS first FROM events \
             WHERE host IS NOT NULL GROUP BY host ORDER BY events DESC, host",
        ]),
    );
    let out = ok(&[
        "sql",
        p,
        "select message from timeline where message like '=cmd%'",
        "--format",
        "csv",
    ]);
    assert_eq!(out, "message\n'=cmd|' /C calc'!A0\n");
    let out = ok(&[
        "sql",
        p,
        "SELECT count(*) AS n FROM events",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][0]["n"], Timeline::load(&case).unwrap().len());
    for bad in [
        "DROP TABLE events",
        "select 1; delete from events",
        "CREATE TABLE x AS SELECT 1",
    ] {
        let out = tideline(&["sql", p, bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    assert_eq!(
        case.event_count().unwrap() as usize,
        Timeline::load(&case).unwrap().len()
    );
}

#[test]
fn the_frame_cache_is_used_when_it_matches_and_rebuilt_when_not() {
    let dir = Dir::new();
    let (path, mut case) = engine_case(&dir);
    let fresh = Timeline::load(&case).unwrap();
    let all = |tl: &Timeline| {
        tl.query(&TimelineQuery {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap()
        .rows
    };
    let first = Timeline::load_cached(&case).unwrap();
    assert_eq!(first.source(), FrameSource::Case);
    // Built, written, and then used from the written cache: the same rows.
    assert_eq!(all(&first), all(&fresh));
    let second = Timeline::load_cached(&case).unwrap();
    assert_eq!(second.source(), FrameSource::Cache);
    assert_eq!(all(&second), all(&fresh));

    // Annotations are joined fresh: no rebuild, and they show.
    annotate(&mut case, &[1], &Change::Star, "c").unwrap();
    let third = Timeline::load_cached(&case).unwrap();
    assert_eq!(third.source(), FrameSource::Cache);
    assert!(third.row(1).unwrap().unwrap().starred);

    // A clock offset or new evidence makes the cache stale.
    set_clock_offset(&mut case, 1, Some((1_000_000, "test")), "c").unwrap();
    let shifted = Timeline::load_cached(&case).unwrap();
    assert_eq!(shifted.source(), FrameSource::Case);
    let cached = Timeline::load_cached(&case).unwrap();
    assert_eq!(cached.source(), FrameSource::Cache);
    // The cache is built column by column, the in-memory frame in one piece: the
    // shifted times, their marks and offsets, and the value codes agree.
    let in_memory = Timeline::load(&case).unwrap();
    let rows = all(&in_memory);
    assert!(rows
        .iter()
        .any(|r| r.clock_offset_us == Some(1_000_000) && r.ts_quality.contains("clock_corrected")));
    for tl in [&shifted, &cached] {
        assert_eq!(all(tl), rows);
        for column in ["ts_quality", "host", "message"] {
            let q = TimelineQuery::default();
            assert_eq!(
                tl.top(&q, column, usize::MAX).unwrap().values,
                in_memory.top(&q, column, usize::MAX).unwrap().values,
                "{column}"
            );
        }
    }
    import_sample(
        &mut case,
        "incident-2026-03/bastion-01/messages-rfc5424.log",
    );
    let grown = Timeline::load_cached(&case).unwrap();
    assert_eq!(grown.source(), FrameSource::Case);
    assert_eq!(grown.len() as i64, case.event_count().unwrap());

    // A damaged cache file is not trusted: rebuilt from the case, same rows.
    let cache = tideline::timeline::frame::cache_dir(&path);
    let message = cache.join("message.arrow");
    let size = std::fs::metadata(&message).unwrap().len() as usize;
    std::fs::write(&message, vec![b'x'; size]).unwrap();
    let repaired = Timeline::load_cached(&case).unwrap();
    assert_eq!(repaired.source(), FrameSource::Case);
    assert_eq!(all(&repaired), all(&Timeline::load(&case).unwrap()));
    // A cache from a smaller frame under a matching stamp is refused too.
    let small = dir.path("small.tideline");
    let mut other = Case::create(&small, "small", "t").unwrap();
    import_sample(&mut other, "incident-2026-03/db-01/auth.log");
    Timeline::load_cached(&other).unwrap();
    // Its files copied over, and the stamp told their sizes: the heights give it away.
    let stamp_path = cache.join("frame.stamp.json");
    let mut stamp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stamp_path).unwrap()).unwrap();
    for file in stamp["files"].as_array_mut().unwrap() {
        let name = format!("{}.arrow", file[0].as_str().unwrap());
        let from = tideline::timeline::frame::cache_dir(&small).join(&name);
        let size = std::fs::copy(from, cache.join(&name)).unwrap();
        file[1] = size.into();
    }
    std::fs::write(&stamp_path, stamp.to_string()).unwrap();
    assert_eq!(
        Timeline::load_cached(&case).unwrap().source(),
        FrameSource::Case
    );
}

/// Annotating many events at once counts exactly the rows that changed, leaves nothing
/// behind when an id is no event, and keeps only marks that still say something.
#[test]
fn bulk_annotations_count_what_changed_and_refuse_unknown_ids() {
    let dir = Dir::new();
    let (_, mut case) = engine_case(&dir);
    let tag = |t: &str| Change::Tag(t.into());
    let first: Vec<i64> = (1..=300).collect();
    let overlap: Vec<i64> = (201..=400).chain(250..=260).collect();
    assert_eq!(
        annotate(&mut case, &first, &tag("scope"), "t").unwrap(),
        300
    );
    assert_eq!(annotate(&mut case, &first, &tag("scope"), "t").unwrap(), 0);
    assert_eq!(
        annotate(&mut case, &overlap, &tag("scope"), "t").unwrap(),
        100
    );
    let v = Change::Verdict(Some(Verdict::Malicious));
    assert_eq!(annotate(&mut case, &overlap, &v, "t").unwrap(), 200);
    assert_eq!(annotate(&mut case, &[5, 7], &Change::Star, "t").unwrap(), 2);
    // An unknown id: refused (naming the lowest), and the transaction changes nothing.
    let max = case.max_event_id().unwrap();
    let bad = vec![3, max + 9, max + 2];
    let err = annotate(&mut case, &bad, &tag("late"), "t").unwrap_err();
    assert_eq!(err.code(), "no_such_event");
    assert!(err.to_string().contains(&(max + 2).to_string()), "{err}");
    let cols = case.annotation_columns().unwrap();
    assert_eq!(cols.tags.len(), 400);
    assert!(cols.tags.iter().all(|(_, t)| t == "scope"));
    assert_eq!(cols.marks.len(), 202);
    // Clearing the verdict drops the marks that held nothing else; the stars stay.
    let clear = Change::Verdict(None);
    assert_eq!(annotate(&mut case, &overlap, &clear, "t").unwrap(), 200);
    assert_eq!(
        annotate(
            &mut case,
            &(1..=400).collect::<Vec<_>>(),
            &Change::Untag("scope".into()),
            "t"
        )
        .unwrap(),
        400
    );
    let cols = case.annotation_columns().unwrap();
    assert!(cols.tags.is_empty());
    let marks: Vec<(i64, bool)> = cols.marks.iter().map(|m| (m.0, m.1)).collect();
    assert_eq!(marks, vec![(5, true), (7, true)]);
}

/// The frame cache is read from the case in several passes, all in one snapshot: an
/// import that lands in between is not seen by any of them.
#[test]
fn a_snapshot_does_not_see_an_import_that_lands_inside_it() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    let mut other = Case::open(&path).unwrap();
    let before = case.event_count().unwrap();
    let (first, second) = case
        .in_one_snapshot(|c| {
            let first = c.event_count()?;
            import_sample(
                &mut other,
                "incident-2026-03/bastion-01/messages-rfc5424.log",
            );
            Ok((first, c.event_count()?))
        })
        .unwrap();
    assert_eq!((first, second), (before, before));
    let after = case.event_count().unwrap();
    assert!(after > before, "{after} > {before}");
    assert_eq!(Timeline::load_cached(&case).unwrap().len() as i64, after);
}
