//! The CLI round trip on the sample incident: new -> import -> timeline -> stats ->
//! report -> seal -> verify, with golden files for the machine-readable outputs.

use crate::util::{golden, ok, s, tideline, Dir};

const INCIDENT: [&str; 5] = [
    "sample-data/incident-2026-03/bastion-01/auth.log",
    "sample-data/incident-2026-03/bastion-01/malformed.log",
    "sample-data/incident-2026-03/bastion-01/messages-rfc5424.log",
    "sample-data/incident-2026-03/db-01/auth.log",
    "sample-data/incident-2026-03/web-01/syslog",
];

/// A case holding the whole sample incident, imported with `--year 2026`.
fn incident_case(dir: &Dir) -> String {
    let case = dir.path("incident.tideline");
    ok(&["new", s(&case), "--title", "Sample incident"]);
    let mut args = vec!["import", s(&case), "--year", "2026", "--json"];
    args.extend(INCIDENT);
    let out = ok(&args);
    golden("import.json", &out);
    s(&case).to_string()
}

#[test]
fn import_json_reports_each_file() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "t"]);
    let out = ok(&[
        "import",
        s(&case),
        "--year",
        "2026",
        "--json",
        INCIDENT[0],
        INCIDENT[1],
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], INCIDENT[0]);
    assert_eq!(
        files[0]["sha256"],
        "c27ecf1953caa8f8ac9cb9946033ad745570f06634aaa9bf5b2d7f48824404ba"
    );
    assert_eq!(files[0]["format"], "syslog");
    assert_eq!(files[0]["events"], 2824);
    assert_eq!(files[0]["issues"], 0);
    assert_eq!(files[0]["first_ts"], "2026-03-11T18:17:01.000000Z");
    assert_eq!(files[0]["last_ts"], "2026-03-14T17:17:01.000000Z");
    assert_eq!(
        files[1]["events"].as_u64().unwrap() + files[1]["issues"].as_u64().unwrap(),
        10
    );
    assert_eq!(files[1]["issues"], 2);
}

#[test]
fn the_round_trip_on_the_sample_incident() {
    let dir = Dir::new();
    let case = incident_case(&dir);

    golden("stats.json", &ok(&["stats", &case, "--json"]));
    golden(
        "timeline-first-20.csv",
        &ok(&["timeline", &case, "--limit", "20", "--format", "csv"]),
    );
    golden(
        "timeline-accepted.jsonl",
        &ok(&[
            "timeline",
            &case,
            "--grep",
            "accepted password",
            "--format",
            "jsonl",
        ]),
    );
    golden(
        "timeline-window.txt",
        &ok(&[
            "timeline",
            &case,
            "--from",
            "2026-03-14T02:40:00Z",
            "--to",
            "2026-03-14 02:45",
            "--limit",
            "15",
        ]),
    );

    let report = dir.path("report.html");
    let out = ok(&["report", &case, "-o", s(&report), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let html = std::fs::read_to_string(&report).unwrap();
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, html.len());

    let out = ok(&["seal", &case, "--json"]);
    let sealed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let out = ok(&["verify", &case, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["intact"], true);
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_eq!(v["seal_sha256"], sealed["seal_sha256"]);

    // After sealing, imports are refused with a clear message.
    let out = tideline(&["import", &case, "sample-data/rollover/syslog-newyear.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the case is sealed"));

    // Alter one event row as someone with the sqlite3 shell would.
    let conn = rusqlite::Connection::open(&case).unwrap();
    conn.execute_batch(
        "DROP TRIGGER sealed_events_update; UPDATE events SET src_ip = '10.9.9.9' WHERE id = 42;",
    )
    .unwrap();
    drop(conn);
    let out = tideline(&["verify", &case, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["intact"], false);
    assert_eq!(
        v["problems"][0],
        "event 42 (line 42 of auth.log) was altered: its content no longer matches its row hash"
    );
    let out = tideline(&["verify", &case]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CHANGED: event 42 (line 42 of auth.log)"),
        "{text}"
    );
    assert!(text.contains("NOT INTACT"), "{text}");
}

#[test]
fn stats_json_counts_by_source() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "t"]);
    ok(&[
        "import",
        s(&case),
        "--year",
        "2025",
        "sample-data/rollover/syslog-newyear.log",
    ]);
    let v: serde_json::Value = serde_json::from_str(&ok(&["stats", s(&case), "--json"])).unwrap();
    assert_eq!(v["events"], 20);
    assert_eq!(v["by_source"], serde_json::json!({ "syslog": 20 }));
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "t"]);
    let out = tideline(&["new", s(&case), "--title", "again"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn a_bad_time_filter_says_what_it_expects() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "t"]);
    let out = tideline(&["timeline", s(&case), "--from", "14/03/2026"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid time '14/03/2026'") && err.contains("RFC 3339"),
        "{err}"
    );
}

#[test]
fn formats_lists_syslog() {
    let out = ok(&["formats"]);
    assert!(out.lines().any(|l| l.starts_with("syslog ")), "{out}");
}

#[test]
fn the_whole_sample_incident_joins_every_format_in_one_timeline() {
    let dir = Dir::new();
    let case = dir.path("all.tideline");
    ok(&["new", s(&case), "--title", "Whole incident"]);
    let files = [
        "sample-data/incident-2026-03/aws/cloudtrail.json",
        "sample-data/incident-2026-03/web-01/access.log",
        "sample-data/incident-2026-03/web-01/access-cet.log",
        "sample-data/incident-2026-03/ws-alice/sysmon.jsonl",
    ];
    let mut args = vec!["import", s(&case), "--year", "2026", "--json"];
    args.extend(INCIDENT);
    args.extend(files);
    let v: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    let formats: Vec<(&str, u64, u64)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["format"].as_str().unwrap(),
                f["events"].as_u64().unwrap(),
                f["issues"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        &formats[5..],
        &[
            ("cloudtrail", 40, 0),
            ("apache_access", 1528, 0),
            ("apache_access", 46, 0),
            ("winevent_json", 144, 0)
        ]
    );
    golden(
        "incident-all-stats.json",
        &ok(&["stats", s(&case), "--json"]),
    );
    // The attacker's S3 exfiltration with the stolen key, in the same timeline as the SSH
    // login that preceded it.
    let exfil = ok(&[
        "timeline",
        s(&case),
        "--grep",
        "GetObject by arn:aws:iam::111122223333:user/backup-bot from 203.0.113.45",
        "--format",
        "jsonl",
    ]);
    assert_eq!(exfil.lines().count(), 14);
    // The CET access log is placed by its offset: 02:49:51 +0100 is 01:49:51Z.
    let cet = ok(&[
        "timeline",
        s(&case),
        "--from",
        "2026-03-14T01:49:51Z",
        "--to",
        "2026-03-14T01:49:51Z",
        "--format",
        "jsonl",
    ]);
    assert!(
        cet.lines().count() >= 1 && cet.contains("203.0.113.45"),
        "{cet}"
    );
}
