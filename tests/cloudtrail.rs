//! CloudTrail import: the OTRF NDJSON set, the hand-made delivery file, broken and
//! hostile input.

use std::ops::ControlFlow;
use std::path::Path;

use tideline::ingest::{import_file, ImportOptions, ImportSummary};
use tideline::timeline::EventRow;
use tideline::Case;

use crate::util::{all_rows as rows, golden, ok, s, sample, Dir};

const OTRF: &str = "otrf-aws-cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
const DELIVERY: &str = "synthetic-cloudtrail/CloudTrail-eu-west-1-20260314T0255Z.json";

fn import(case: &mut Case, path: &Path) -> ImportSummary {
    import_file(case, path, &ImportOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap()
}

fn at<'r>(rows: &'r [EventRow], locator: &str) -> &'r EventRow {
    rows.iter().find(|r| r.locator == locator).unwrap()
}

fn attrs(case: &Case, id: i64) -> serde_json::Value {
    serde_json::from_str(&case.event(id).unwrap().attrs).unwrap()
}

fn one_file_case(dir: &Dir, rel: &str) -> (Case, ImportSummary) {
    let mut case = Case::create(&dir.path("c.tideline"), "cloudtrail", "t").unwrap();
    let summary = import(&mut case, &sample(rel));
    (case, summary)
}

#[test]
fn otrf_cloudtrail_accounts_for_all_103_records() {
    let dir = Dir::new();
    let (case, s) = one_file_case(&dir, OTRF);
    assert_eq!(s.format.as_deref(), Some("cloudtrail"));
    assert_eq!((s.events, s.issues, s.skipped), (103, 0, 0));
    assert_eq!(s.first_ts.as_deref(), Some("2020-09-14T00:44:20.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2020-09-14T01:13:20.000000Z"));
    let rows = rows(&case);
    assert!(rows
        .iter()
        .all(|r| r.source == "cloudtrail" && r.ts_quality == "exact" && r.host.is_none()));
}

#[test]
fn otrf_times_come_from_at_timestamp_because_event_time_is_missing() {
    let dir = Dir::new();
    let (case, _) = one_file_case(&dir, OTRF);
    let rows = rows(&case);
    let first = at(&rows, "line 1");
    let detail = case.event(first.id).unwrap();
    assert_eq!(
        detail.ts_source.as_deref(),
        Some("2020-09-14T00:44:23.000Z")
    );
    assert_eq!(first.ts.as_deref(), Some("2020-09-14T00:44:23.000000Z"));
    for r in &rows {
        let a = attrs(&case, r.id);
        assert_eq!(a["time_field"], "@timestamp", "{}", r.locator);
        assert!(a.get("@timestamp").is_none());
        assert_eq!(a["@version"], "1");
    }
}

#[test]
fn otrf_console_user_record_has_its_golden_fields() {
    let dir = Dir::new();
    let (case, _) = one_file_case(&dir, OTRF);
    let rows = rows(&case);
    let r = at(&rows, "line 1");
    assert_eq!(r.user.as_deref(), Some("pedro"));
    assert_eq!(r.src_ip.as_deref(), Some("1.2.3.4"));
    assert_eq!(r.dst_ip, None);
    assert_eq!(r.process.as_deref(), Some("ec2.amazonaws.com"));
    assert_eq!(r.action.as_deref(), Some("DescribeInstanceTypes"));
    assert_eq!(
        (r.event_code.as_deref(), r.severity.as_deref()),
        (None, None)
    );
    assert_eq!(
        r.message,
        "ec2.amazonaws.com DescribeInstanceTypes by arn:aws:iam::123456789123:user/pedro from 1.2.3.4"
    );
    let a = attrs(&case, r.id);
    assert_eq!(a["awsRegion"], "us-east-1");
    assert_eq!(a["recipientAccountId"], "123456789123");
    assert_eq!(a["eventSource"], "ec2.amazonaws.com");
    assert!(a.get("sourceIPAddress").is_none()); // it is src_ip
    let raw = case.event(r.id).unwrap().raw;
    assert!(raw.starts_with(b"{\"requestParameters\":{\"DescribeInstanceTypesRequest\""));
    assert!(raw.ends_with(b"\"eventVersion\":\"1.05\"}"));
}

#[test]
fn otrf_stolen_role_downloads_are_named_by_role_and_session() {
    let dir = Dir::new();
    let (case, _) = one_file_case(&dir, OTRF);
    let rows = rows(&case);
    let r = at(&rows, "line 103");
    assert_eq!(r.ts.as_deref(), Some("2020-09-14T01:13:20.000000Z"));
    assert_eq!(
        r.user.as_deref(),
        Some("MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40")
    );
    assert_eq!(r.action.as_deref(), Some("GetObject"));
    assert_eq!(r.process.as_deref(), Some("s3.amazonaws.com"));
    let s3: Vec<&str> = rows
        .iter()
        .filter(|r| r.process.as_deref() == Some("s3.amazonaws.com"))
        .map(|r| r.action.as_deref().unwrap())
        .collect();
    assert_eq!(s3.len(), 11);
    assert_eq!(s3.iter().filter(|a| **a == "GetObject").count(), 2);
    assert_eq!(s3.iter().filter(|a| **a == "ListObjects").count(), 7);
}

#[test]
fn a_service_name_in_source_ip_address_stays_in_attrs() {
    let dir = Dir::new();
    let (case, _) = one_file_case(&dir, OTRF);
    let rows = rows(&case);
    assert_eq!(
        rows.iter()
            .filter(|r| r.src_ip.as_deref() == Some("1.2.3.4"))
            .count(),
        98
    );
    let services: Vec<&EventRow> = rows.iter().filter(|r| r.src_ip.is_none()).collect();
    assert_eq!(services.len(), 5);
    let r = at(&rows, "line 42");
    assert_eq!(r.src_ip, None);
    assert_eq!(r.user.as_deref(), Some("AWSService"));
    assert_eq!(r.action.as_deref(), Some("AssumeRole"));
    assert_eq!(
        r.message,
        "sts.amazonaws.com AssumeRole by AWSService from ec2.amazonaws.com"
    );
    assert_eq!(attrs(&case, r.id)["sourceIPAddress"], "ec2.amazonaws.com");
}

#[test]
fn the_delivery_file_is_read_record_by_record() {
    let dir = Dir::new();
    let (case, s) = one_file_case(&dir, DELIVERY);
    assert_eq!(s.format.as_deref(), Some("cloudtrail"));
    assert_eq!((s.events, s.issues, s.skipped), (5, 0, 0));
    assert_eq!(s.first_ts.as_deref(), Some("2026-03-14T02:40:11.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2026-03-14T03:20:17.000000Z"));
    let rows = rows(&case);
    let locators: Vec<&str> = rows.iter().map(|r| r.locator.as_str()).collect();
    assert_eq!(
        locators,
        vec!["record 1", "record 2", "record 3", "record 4", "record 5"]
    );
    // Each record's raw is its exact text in the file, indentation included.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample(DELIVERY)).unwrap()).unwrap();
    let text = std::fs::read_to_string(sample(DELIVERY)).unwrap();
    for (i, r) in rows.iter().enumerate() {
        let raw = case.event(r.id).unwrap().raw;
        let raw = String::from_utf8(raw).unwrap();
        assert!(text.contains(&raw));
        assert!(raw.starts_with("{\n      \"eventVersion\": \"1.08\","));
        let parsed: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(parsed, file["Records"][i]);
        assert_eq!(attrs(&case, r.id)["time_field"], "eventTime");
    }
}

#[test]
fn an_error_code_becomes_event_code_and_severity_error() {
    let dir = Dir::new();
    let (case, _) = one_file_case(&dir, DELIVERY);
    let rows = rows(&case);
    let r = at(&rows, "record 4");
    assert_eq!(r.ts.as_deref(), Some("2026-03-14T02:53:05.000000Z"));
    assert_eq!(r.ts_quality, "exact");
    assert_eq!(r.event_code.as_deref(), Some("AccessDenied"));
    assert_eq!(r.severity.as_deref(), Some("error"));
    assert_eq!(r.action.as_deref(), Some("GetObject"));
    assert_eq!(
        r.user.as_deref(),
        Some("web-01-instance-role/i-0abc1234def567890")
    );
    assert_eq!(r.src_ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(
        r.message,
        "s3.amazonaws.com GetObject by arn:aws:sts::111122223333:assumed-role/\
         web-01-instance-role/i-0abc1234def567890 from 203.0.113.45 (AccessDenied)"
    );
    let a = attrs(&case, r.id);
    assert_eq!(a["errorMessage"], "Access Denied");
    assert_eq!(a["requestParameters"]["key"], "db/2026-03-13.sql.gz");
    // Records without an error have neither.
    let ok = at(&rows, "record 3");
    assert_eq!(
        (ok.event_code.as_deref(), ok.severity.as_deref()),
        (None, None)
    );
    // An IPv6 caller is an IP too.
    assert_eq!(
        at(&rows, "record 5").src_ip.as_deref(),
        Some("2001:db8:10::5")
    );
    assert_eq!(at(&rows, "record 2").src_ip, None);
}

#[test]
fn a_delivery_file_cut_short_keeps_its_first_records_and_one_issue() {
    let dir = Dir::new();
    let text = std::fs::read_to_string(sample(DELIVERY)).unwrap();
    let cut = text.find("\"eventName\": \"GetObject\"").unwrap();
    let file = dir.path("cut.json");
    std::fs::write(&file, &text[..cut]).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "cut", "t").unwrap();
    let s = import(&mut case, &file);
    assert_eq!((s.events, s.issues), (3, 1));
    let issues = case.issues(10).unwrap();
    assert_eq!(issues[0].locator, "record 4");
    assert!(
        issues[0]
            .reason
            .starts_with("the delivery document breaks off here (EOF while parsing"),
        "{}",
        issues[0].reason
    );
    assert!(issues[0]
        .reason
        .ends_with("the rest of the file is not read"));
    assert!(
        String::from_utf8_lossy(&issues[0].raw).contains("\"eventSource\": \"s3.amazonaws.com\"")
    );
}

#[test]
fn hostile_lines_become_issues_and_never_stop_the_import() {
    let dir = Dir::new();
    let good = std::fs::read_to_string(sample(OTRF)).unwrap();
    let first = good.lines().next().unwrap();
    // Five good lines first, so that the file still sniffs as CloudTrail.
    let mut bytes = Vec::new();
    for _ in 0..5 {
        bytes.extend_from_slice(first.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(
        b"\r\n{\"eventName\":\"x\xff\"}\n[1,2]\n\0\0\0\n{\"eventTime\":\"soon\"}\n",
    );
    bytes.extend_from_slice(first.as_bytes()); // no final newline
    let file = dir.path("hostile.json");
    std::fs::write(&file, &bytes).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "hostile", "t").unwrap();
    let opts = ImportOptions {
        format: Some("cloudtrail".into()),
        ..Default::default()
    };
    let s = import_file(&mut case, &file, &opts, &mut |_| ControlFlow::Continue(())).unwrap();
    assert_eq!((s.events, s.issues, s.skipped), (6, 4, 1));
    let reasons: Vec<(String, String)> = case
        .issues(10)
        .unwrap()
        .into_iter()
        .map(|i| (i.locator, i.reason))
        .collect();
    assert_eq!(reasons[0].0, "line 7");
    assert!(
        reasons[0].1.starts_with("not valid JSON"),
        "{}",
        reasons[0].1
    );
    assert_eq!(
        reasons[1],
        ("line 8".into(), "a JSON value that is not an object".into())
    );
    assert_eq!(reasons[2].0, "line 9");
    assert_eq!(
        reasons[3],
        ("line 10".into(), "eventTime \"soon\" is not a time".into())
    );
}

#[test]
fn other_files_are_refused_as_cloudtrail_and_not_detected_as_it() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "wrong", "t").unwrap();
    let opts = ImportOptions {
        format: Some("cloudtrail".into()),
        ..Default::default()
    };
    for rel in [
        "otrf-apt29-zeek/SCRANTON_conn.log",
        "synthetic-zeek-tsv/dns.log",
        "rollover/syslog-newyear.log",
    ] {
        let err = import_file(&mut case, &sample(rel), &opts, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert_eq!(err.code(), "wrong_format", "{rel}");
    }
    assert!(case.evidence().unwrap().is_empty());
}

#[test]
fn cloudtrail_timeline_golden() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "cloudtrail"]);
    ok(&[
        "import",
        s(&case),
        &format!("sample-data/{OTRF}"),
        &format!("sample-data/{DELIVERY}"),
    ]);
    let mut out = ok(&["timeline", s(&case), "--limit", "10", "--format", "jsonl"]);
    out.push_str(&ok(&[
        "timeline",
        s(&case),
        "--from",
        "2026-01-01",
        "--format",
        "jsonl",
    ]));
    golden("cloudtrail.jsonl", &out);
}
