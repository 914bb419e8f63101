//! Other tools' timelines (Plaso, Hayabusa, Timesketch) and the generic JSON lines and
//! CSV formats: every record accounted for, exact times and canonical columns, hostile
//! CSV, `--time-field`, and formula-like values kept as text.

use std::ops::ControlFlow;
use std::path::Path;

use tideline::ingest::{import_file, ImportOptions, ImportSummary};
use tideline::store::EventRecord;
use tideline::Case;

use crate::util::{golden, ok, s, sample, shared_dataset, Dir};

/// A spreadsheet formula an attacker can put in a user name.
const FORMULA: &str = "=cmd|' /C calc'!A0";

fn import_as(case: &mut Case, path: &Path, format: Option<&str>) -> ImportSummary {
    let opts = ImportOptions {
        format: format.map(str::to_string),
        ..Default::default()
    };
    import_file(case, path, &opts, &mut |_| ControlFlow::Continue(())).unwrap()
}

/// A fresh case with one file imported.
fn case_with(dir: &Dir, rel: &str, format: Option<&str>) -> (Case, ImportSummary) {
    let mut case = Case::create(&dir.path("c.tideline"), "timelines", "t").unwrap();
    let summary = import_as(&mut case, &sample(rel), format);
    (case, summary)
}

/// Every stored event, in file order.
fn records(case: &Case) -> Vec<EventRecord> {
    let n = case.event_count().unwrap();
    (1..=n).map(|id| case.event(id).unwrap()).collect()
}

fn by_locator<'a>(records: &'a [EventRecord], locator: &str) -> &'a EventRecord {
    records
        .iter()
        .find(|r| r.locator == locator)
        .unwrap_or_else(|| panic!("no event at {locator}"))
}

fn attrs(r: &EventRecord) -> serde_json::Value {
    serde_json::from_str(&r.attrs).unwrap()
}

fn issues(case: &Case) -> Vec<(String, String)> {
    case.issues(100)
        .unwrap()
        .into_iter()
        .map(|i| (i.locator, i.reason))
        .collect()
}

fn counts(s: &ImportSummary) -> (Option<&str>, u64, u64, u64) {
    (s.format.as_deref(), s.events, s.issues, s.skipped)
}

fn span(s: &ImportSummary) -> (Option<&str>, Option<&str>) {
    (s.first_ts.as_deref(), s.last_ts.as_deref())
}

/// The canonical columns of an event, for comparing two files of the same records.
fn canonical(r: &EventRecord) -> Vec<Option<String>> {
    vec![
        r.ts.map(|t| t.to_string()),
        Some(r.ts_quality.clone()),
        Some(r.source.clone()),
        r.host.clone(),
        r.user.clone(),
        r.src_ip.clone(),
        r.dst_ip.clone(),
        r.process.clone(),
        r.event_code.clone(),
        r.action.clone(),
        r.severity.clone(),
    ]
}

#[test]
fn plaso_l2tcsv_reads_dates_in_the_named_zone_and_keeps_the_rest_as_attrs() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/plaso-bastion-01.l2tcsv.csv", None);
    assert_eq!(counts(&s), (Some("plaso"), 7, 1, 1));
    assert_eq!(
        span(&s),
        (
            Some("2026-03-14T02:40:11.000000Z"),
            Some("2026-03-14T03:15:44.000000Z")
        )
    );
    assert_eq!(
        issues(&case),
        vec![(
            "line 8".into(),
            "no usable time: date '00/00/0000', time '--:--:--' (expected MM/DD/YYYY and HH:MM:SS)"
                .into()
        )]
    );
    let rs = records(&case);
    let first = by_locator(&rs, "line 2");
    assert_eq!(first.ts, Some(1_773_456_011_000_000));
    assert_eq!(first.ts_source.as_deref(), Some("03/14/2026 02:40:11 UTC"));
    assert_eq!(first.ts_quality, "exact");
    assert_eq!(first.source, "plaso:syslog");
    assert_eq!(first.host.as_deref(), Some("bastion-01"));
    assert_eq!(first.user, None);
    assert_eq!(
        first.message,
        "[sshd  pid: 22781] Failed password for root from 203.0.113.45 port 40522 ssh2"
    );
    assert_eq!(
        attrs(first),
        serde_json::json!({
            "MACB": "M...", "source": "LOG", "sourcetype": "Log File",
            "type": "Content Modification Time",
            "short": "Failed password for root from 203.0.113.45 port 40522 ssh2",
            "version": "2", "filename": "TSK:/var/log/auth.log", "inode": "262147",
            "format": "syslog", "extra": "pid: 22781; reporter: sshd"
        })
    );
    let wtmp = by_locator(&rs, "line 4");
    assert_eq!(wtmp.user.as_deref(), Some(FORMULA));
    assert_eq!(wtmp.source, "plaso:utmp");
    let stat = by_locator(&rs, "line 6");
    assert_eq!(stat.source, "plaso:filestat");
    assert_eq!(
        attrs(stat)["type"],
        "Content Modification Time; Metadata Modification Time"
    );
    assert_eq!(attrs(by_locator(&rs, "line 9"))["notes"], "reviewed");
}

#[test]
fn plaso_json_line_reads_microsecond_timestamps_and_the_parser() {
    let dir = Dir::new();
    let (case, s) = case_with(
        &dir,
        "tool-timelines/plaso-bastion-01.json_line.jsonl",
        None,
    );
    assert_eq!(counts(&s), (Some("plaso"), 7, 1, 0));
    assert_eq!(
        span(&s),
        (
            Some("2026-03-14T02:40:11.000000Z"),
            Some("2026-03-14T03:15:44.000000Z")
        )
    );
    assert_eq!(
        issues(&case),
        vec![(
            "line 7".into(),
            "timestamp 0: Plaso could not date this event".into()
        )]
    );
    let rs = records(&case);
    let wtmp = by_locator(&rs, "line 3");
    assert_eq!(wtmp.ts, Some(1_773_456_698_412_005));
    assert_eq!(wtmp.ts_source.as_deref(), Some("1773456698412005"));
    assert_eq!(wtmp.source, "plaso:utmp");
    assert_eq!(wtmp.host.as_deref(), Some("bastion-01"));
    assert_eq!(wtmp.user.as_deref(), Some(FORMULA));
    assert_eq!(attrs(wtmp)["timestamp_desc"], "Start Time");
    assert_eq!(attrs(wtmp)["computer_name"], "203.0.113.45");
    let stat = by_locator(&rs, "line 5");
    assert_eq!(stat.ts, Some(1_773_456_820_118_532));
    assert_eq!(
        stat.message,
        "TSK:/home/deploy/.ssh/authorized_keys Type: file"
    );
    assert_eq!(attrs(stat)["file_size"], 568);
    let tagged = by_locator(&rs, "line 8");
    assert_eq!(
        attrs(tagged)["tag"]["labels"],
        serde_json::json!(["reviewed"])
    );
}

#[test]
fn plaso_l2tcsv_and_json_line_give_the_same_canonical_rows() {
    let dir = Dir::new();
    let (csv, _) = case_with(&dir, "tool-timelines/plaso-bastion-01.l2tcsv.csv", None);
    let dir2 = Dir::new();
    let (json, _) = case_with(
        &dir2,
        "tool-timelines/plaso-bastion-01.json_line.jsonl",
        None,
    );
    // json_line keeps the utmp start time's microseconds; l2tcsv has whole seconds.
    let secs = |r: &EventRecord| r.ts.map(|t| t / 1_000_000);
    let a: Vec<_> = records(&csv)
        .iter()
        .map(|r| (secs(r), r.source.clone(), r.host.clone(), r.user.clone()))
        .collect();
    let b: Vec<_> = records(&json)
        .iter()
        .map(|r| (secs(r), r.source.clone(), r.host.clone(), r.user.clone()))
        .collect();
    assert_eq!(a, b);
}

#[test]
fn hayabusa_csv_reads_offsets_levels_and_details() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/hayabusa-ws-alice.csv", None);
    assert_eq!(counts(&s), (Some("hayabusa"), 7, 1, 1));
    assert_eq!(
        span(&s),
        (
            Some("2026-03-14T02:38:02.441000Z"),
            Some("2026-03-14T03:10:27.003000Z")
        )
    );
    assert_eq!(
        issues(&case),
        vec![(
            "line 8".into(),
            "a Timestamp that is not a time: 'n/a'".into()
        )]
    );
    let rs = records(&case);
    let failed = by_locator(&rs, "line 2");
    assert_eq!(
        failed.ts_source.as_deref(),
        Some("2026-03-14 03:38:02.441 +01:00")
    );
    assert_eq!(failed.ts_quality, "exact");
    assert_eq!(failed.source, "hayabusa");
    assert_eq!(failed.host.as_deref(), Some("ws-alice.corp.example.com"));
    assert_eq!(failed.user.as_deref(), Some("administrator"));
    assert_eq!(failed.src_ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(failed.process, None);
    assert_eq!(failed.event_code.as_deref(), Some("4625"));
    assert_eq!(failed.severity.as_deref(), Some("medium"));
    assert_eq!(
        failed.message,
        "Failed Logon From Public IP | Type: 3 - NETWORK ¦ TgtUser: administrator ¦ \
         SrcComp: kali ¦ SrcIP: 203.0.113.45 ¦ AuthPkg: NTLM ¦ Proc: -"
    );
    let a = attrs(failed);
    assert_eq!(a["rule_title"], "Failed Logon From Public IP");
    assert_eq!(a["channel"], "Sec");
    assert_eq!(a["record_id"], "48211");
    assert_eq!(a["level"], "med");
    assert_eq!(a["details"]["AuthPkg"], "NTLM");
    assert_eq!(a["extra_field_info"]["SubStatus"], "BAD PW");
    assert_eq!(by_locator(&rs, "line 3").user.as_deref(), Some(FORMULA));
    let net = by_locator(&rs, "line 6");
    assert_eq!(net.src_ip.as_deref(), Some("10.20.0.11"));
    assert_eq!(net.dst_ip.as_deref(), Some("198.51.100.23"));
    assert_eq!(net.user.as_deref(), Some("CORP\\alice"));
    assert_eq!(
        net.process.as_deref(),
        Some("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe")
    );
    let defender = by_locator(&rs, "line 7");
    assert_eq!(defender.severity.as_deref(), Some("critical"));
    assert_eq!(defender.process, None); // "Unknown" is no process
    assert_eq!(
        by_locator(&rs, "line 4").severity.as_deref(),
        Some("informational")
    );
}

#[test]
fn hayabusa_csv_and_jsonl_give_the_same_canonical_rows() {
    let dir = Dir::new();
    let (csv, _) = case_with(&dir, "tool-timelines/hayabusa-ws-alice.csv", None);
    let dir2 = Dir::new();
    let (json, s) = case_with(&dir2, "tool-timelines/hayabusa-ws-alice.jsonl", None);
    assert_eq!(counts(&s), (Some("hayabusa"), 7, 1, 0));
    assert_eq!(
        issues(&json),
        vec![(
            "line 7".into(),
            "a Timestamp that is not a time: 'n/a'".into()
        )]
    );
    let a: Vec<_> = records(&csv).iter().map(canonical).collect();
    let b: Vec<_> = records(&json).iter().map(canonical).collect();
    assert_eq!(a, b);
    let rs = records(&json);
    // JSON numbers stay numbers; the details are the same object.
    assert_eq!(attrs(&rs[0])["record_id"], 48211);
    assert_eq!(
        attrs(&rs[0])["details"],
        attrs(&records(&csv)[0])["details"]
    );
}

#[test]
fn timesketch_csv_reads_datetime_then_timestamp() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/timesketch-web-01.csv", None);
    assert_eq!(counts(&s), (Some("timesketch"), 5, 1, 1));
    assert_eq!(
        span(&s),
        (
            Some("2026-03-14T02:40:01.000000Z"),
            Some("2026-03-14T02:58:12.250000Z")
        )
    );
    assert_eq!(
        issues(&case),
        vec![(
            "line 5".into(),
            "a datetime that is not ISO 8601: '2026-03-14 25:61:00' (and no timestamp)".into()
        )]
    );
    let rs = records(&case);
    let upload = by_locator(&rs, "line 3");
    assert_eq!(
        upload.message,
        "POST /admin/upload.php 200, 14 KB from 203.0.113.45"
    );
    assert_eq!(upload.source, "timesketch");
    assert_eq!(upload.host.as_deref(), Some("web-01"));
    assert_eq!(upload.src_ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(
        attrs(upload),
        serde_json::json!({"timestamp": "1773456432500000", "timestamp_desc": "Event Recorded",
                           "http_status": "200", "url": "/admin/upload.php",
                           "data_type": "nginx:access"})
    );
    let shell = by_locator(&rs, "line 4");
    assert_eq!(shell.ts, Some(1_773_456_450_000_000)); // 03:47:30+01:00
    assert_eq!(shell.user.as_deref(), Some(FORMULA));
    let naive = by_locator(&rs, "line 6");
    assert_eq!(naive.ts_quality, "zone_assumed");
    let from_timestamp = by_locator(&rs, "line 7");
    assert_eq!(from_timestamp.ts, Some(1_773_456_433_000_000));
    assert_eq!(
        from_timestamp.ts_source.as_deref(),
        Some("1773456433000000")
    );
    assert_eq!(from_timestamp.ts_quality, "exact");
}

#[test]
fn timesketch_jsonl_names_the_plaso_parser_in_the_source() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/timesketch-web-01.jsonl", None);
    assert_eq!(counts(&s), (Some("timesketch"), 5, 1, 0));
    assert_eq!(issues(&case)[0].0, "line 4");
    let rs = records(&case);
    assert_eq!(by_locator(&rs, "line 6").source, "timesketch:filestat");
    let dir2 = Dir::new();
    let (csv, _) = case_with(&dir2, "tool-timelines/timesketch-web-01.csv", None);
    let strip = |r: &EventRecord| {
        let mut c = canonical(r);
        c[2] = None; // the source differs by the parser only
        (c, r.message.clone())
    };
    let a: Vec<_> = records(&csv).iter().map(strip).collect();
    let b: Vec<_> = rs.iter().map(strip).collect();
    assert_eq!(a, b);
}

#[test]
fn generic_csv_fills_commonly_named_columns() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/generic-vpn-sessions.csv", None);
    assert_eq!(counts(&s), (Some("csv"), 5, 0, 1));
    assert_eq!(
        span(&s),
        (
            Some("2026-03-14T02:38:55.000000Z"),
            Some("2026-03-14T03:20:02.000000Z")
        )
    );
    let rs = records(&case);
    let first = by_locator(&rs, "line 2");
    assert_eq!(first.source, "csv");
    assert_eq!(first.ts_quality, "zone_assumed");
    assert_eq!(first.user.as_deref(), Some("alice"));
    assert_eq!(first.src_ip.as_deref(), Some("198.51.100.77"));
    assert_eq!(first.action.as_deref(), Some("connect"));
    assert_eq!(first.message, "tunnel up, split DNS");
    assert_eq!(
        attrs(first),
        serde_json::json!({"Gateway": "vpn-01", "Bytes In": "0"})
    );
    let untimed = by_locator(&rs, "line 5");
    assert_eq!((untimed.ts, untimed.ts_source.as_deref()), (None, None));
    assert_eq!(untimed.ts_quality, "missing");
}

#[test]
fn generic_csv_reads_zone_less_times_in_the_given_zone() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "tz", "t").unwrap();
    let opts = ImportOptions {
        tz: chrono_tz::Europe::Berlin,
        ..Default::default()
    };
    let s = import_file(
        &mut case,
        &sample("tool-timelines/generic-vpn-sessions.csv"),
        &opts,
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(s.first_ts.as_deref(), Some("2026-03-14T01:38:55.000000Z"));
}

#[test]
fn hostile_csv_accounts_for_every_record_and_keeps_the_bytes() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, "tool-timelines/hostile.csv", Some("csv"));
    assert_eq!(counts(&s), (Some("csv"), 8, 3, 2));
    assert_eq!(
        issues(&case),
        vec![
            ("line 9".into(), "2 fields where the header has 3".into()),
            ("line 10".into(), "4 fields where the header has 3".into()),
            (
                "line 12".into(),
                "a quoted field opened on this line closes on line 15 in the middle of a field"
                    .into()
            ),
        ]
    );
    let raw: Vec<Vec<u8>> = case
        .issues(10)
        .unwrap()
        .into_iter()
        .map(|i| i.raw)
        .collect();
    assert_eq!(raw[0], b"2026-03-14T02:11:14Z,bastion-01");
    assert_eq!(
        raw[2],
        b"2026-03-14T02:11:16Z,bastion-01,\"unbalanced quote starts here"
    );
    let rs = records(&case);
    let locators: Vec<&str> = rs.iter().map(|r| r.locator.as_str()).collect();
    assert_eq!(
        locators,
        ["line 2", "line 3", "line 4", "line 7", "line 8", "line 13", "line 14", "line 15"]
    );
    let spans = by_locator(&rs, "line 4");
    assert_eq!(spans.message, "spans three lines");
    assert_eq!(
        spans.raw,
        b"2026-03-14T02:11:11Z,bastion-01,\"spans\nthree\nlines\""
    );
    let bad_utf8 = by_locator(&rs, "line 7");
    assert_eq!(bad_utf8.message, "bad utf8 \u{fffd}\u{fffd} here");
    assert_eq!(
        bad_utf8.raw,
        b"2026-03-14T02:11:12Z,bastion-01,bad utf8 \xff\xfe here"
    );
    let nul = by_locator(&rs, "line 8");
    assert_eq!(nul.message, "nul byte");
    assert!(nul.raw.contains(&0));
    let untimed = by_locator(&rs, "line 14");
    assert_eq!(untimed.ts, None);
    assert_eq!(untimed.ts_source.as_deref(), Some("not a time"));
    assert_eq!(untimed.ts_quality, "missing");
    assert_eq!(by_locator(&rs, "line 13").message, "after the broken line");
    assert_eq!(by_locator(&rs, "line 15").message, "say \"hi\"");
}

#[test]
fn cloudtrail_as_generic_jsonl_takes_the_logstash_timestamp() {
    let dir = Dir::new();
    let (case, s) = case_with(
        &dir,
        "otrf-aws-cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
        Some("jsonl"),
    );
    // SOURCE.md: 103 records, 2020-09-14T00:44:20Z -> 01:13:20Z.
    assert_eq!(counts(&s), (Some("jsonl"), 103, 0, 0));
    assert_eq!(
        span(&s),
        (
            Some("2020-09-14T00:44:20.000000Z"),
            Some("2020-09-14T01:13:20.000000Z")
        )
    );
    let rs = records(&case);
    assert!(rs
        .iter()
        .all(|r| r.ts_quality == "exact" && r.source == "jsonl"));
    let first = &rs[0];
    assert_eq!(first.locator, "line 1");
    assert!(first.ts_source.as_deref().unwrap().ends_with(".000Z"));
    assert!(
        first.message.contains("eventName=DescribeInstanceTypes"),
        "{}",
        first.message
    );
    assert!(attrs(first).get("@timestamp").is_none());
    assert_eq!(attrs(first)["userIdentity"]["userName"], "pedro");
}

#[test]
fn a_time_field_names_the_time_and_a_missing_one_is_refused() {
    let dir = Dir::new();
    let file = dir.path("custom.jsonl");
    std::fs::write(
        &file,
        "{\"when\": \"2026-03-14T02:11:09Z\", \"time\": \"ignored\", \"msg\": \"a\"}\n\
         {\"msg\": \"no when\"}\n",
    )
    .unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "tf", "t").unwrap();
    let opts = |field: &str| ImportOptions {
        time_field: Some(field.into()),
        ..Default::default()
    };
    let s = import_file(&mut case, &file, &opts("when"), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(counts(&s), (Some("jsonl"), 2, 0, 0));
    let rs = records(&case);
    assert_eq!(rs[0].ts, Some(1_773_454_269_000_000));
    assert_eq!(attrs(&rs[0])["time"], "ignored");
    assert_eq!(rs[1].ts_quality, "missing");

    let mut other = Case::create(&dir.path("d.tideline"), "tf", "t").unwrap();
    let err = import_file(&mut other, &file, &opts("then"), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.to_string()
            .contains("--time-field 'then': the first record (line 1) has no such field"),
        "{err}"
    );
    assert!(other.evidence().unwrap().is_empty());

    let err = import_file(
        &mut other,
        &sample("tool-timelines/generic-vpn-sessions.csv"),
        &opts("Start"),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.to_string().contains(
            "--time-field 'Start': the header has no such column; it has Time, User, Client IP"
        ),
        "{err}"
    );
}

#[test]
fn a_forced_format_refuses_files_of_another_format() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "wrong", "t").unwrap();
    for (format, rel) in [
        ("plaso", "tool-timelines/timesketch-web-01.csv"),
        (
            "hayabusa",
            "tool-timelines/plaso-bastion-01.json_line.jsonl",
        ),
        ("timesketch", "tool-timelines/hayabusa-ws-alice.csv"),
        ("csv", "incident-2026-03/bastion-01/auth.log"),
        ("jsonl", "tool-timelines/generic-vpn-sessions.csv"),
    ] {
        let opts = ImportOptions {
            format: Some(format.into()),
            ..Default::default()
        };
        let err = import_file(&mut case, &sample(rel), &opts, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert_eq!(err.code(), "wrong_format", "{format} on {rel}");
    }
    assert!(case.evidence().unwrap().is_empty());
}

#[test]
fn timelines_of_each_format_match_their_golden_files() {
    let dir = Dir::new();
    for (name, files) in [
        (
            "plaso",
            &[
                "sample-data/tool-timelines/plaso-bastion-01.l2tcsv.csv",
                "sample-data/tool-timelines/plaso-bastion-01.json_line.jsonl",
            ][..],
        ),
        (
            "hayabusa",
            &[
                "sample-data/tool-timelines/hayabusa-ws-alice.csv",
                "sample-data/tool-timelines/hayabusa-ws-alice.jsonl",
            ][..],
        ),
        (
            "timesketch",
            &[
                "sample-data/tool-timelines/timesketch-web-01.csv",
                "sample-data/tool-timelines/timesketch-web-01.jsonl",
            ][..],
        ),
        (
            "csv",
            &[
                "sample-data/tool-timelines/generic-vpn-sessions.csv",
                "sample-data/tool-timelines/hostile.csv",
            ][..],
        ),
        (
            "jsonl",
            &["sample-data/otrf-aws-cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json"][..],
        ),
    ] {
        let case = dir.path(&format!("{name}.tideline"));
        ok(&["new", s(&case), "--title", name]);
        let mut args = vec!["import", s(&case), "--format", name];
        args.extend(files);
        ok(&args);
        let out = ok(&["timeline", s(&case), "--limit", "10", "--format", "jsonl"]);
        golden(&format!("timeline-{name}.jsonl"), &out);
    }
}

#[test]
fn formula_like_user_names_are_neutralised_in_the_csv_export() {
    let dir = Dir::new();
    let case = dir.path("f.tideline");
    ok(&["new", s(&case), "--title", "formula"]);
    ok(&[
        "import",
        s(&case),
        "sample-data/tool-timelines/plaso-bastion-01.l2tcsv.csv",
        "sample-data/tool-timelines/hayabusa-ws-alice.csv",
        "sample-data/tool-timelines/timesketch-web-01.csv",
    ]);
    let out = ok(&["timeline", s(&case), "--format", "csv"]);
    let hits = out.matches("'=cmd|' /C calc'!A0").count();
    assert_eq!(hits, 3, "{out}");
    assert!(!out.contains(",=cmd"), "{out}");
}

#[test]
fn loghub_structured_csvs_read_as_generic_csv() {
    let Some(apache) = shared_dataset("loghub/Apache_2k.log_structured.csv") else {
        return;
    };
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "loghub", "t").unwrap();
    let s = import_as(&mut case, &apache, None);
    // SOURCE.md: 2,000 rows with a header row.
    assert_eq!(counts(&s), (Some("csv"), 2000, 0, 1));
    assert_eq!(s.first_ts.as_deref(), Some("2005-12-04T04:47:44.000000Z"));
    assert_eq!(case.event(1).unwrap().ts_quality, "zone_assumed");

    let Some(openssh) = shared_dataset("loghub/OpenSSH_2k.log_structured.csv") else {
        return;
    };
    // Its `Time` column is a bare time of day: events without a usable time.
    let s = import_as(&mut case, &openssh, None);
    assert_eq!(counts(&s), (Some("csv"), 2000, 0, 1));
    assert_eq!(s.first_ts, None);
}
