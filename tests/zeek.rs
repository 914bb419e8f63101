//! Zeek import: the OTRF APT29 JSON logs, hand-made TSV logs, broken and hostile input.

use std::ops::ControlFlow;
use std::path::Path;

use tideline::ingest::{import_file, ImportOptions, ImportSummary};
use tideline::timeline::EventRow;
use tideline::Case;

use crate::util::{all_rows as rows, golden, ok, s, sample, Dir};

/// Each OTRF log with its record count from SOURCE.md.
const OTRF: [(&str, u64); 14] = [
    ("conn", 134),
    ("dce_rpc", 66),
    ("dns", 32),
    ("dpd", 6),
    ("files", 69),
    ("http", 62),
    ("kerberos", 22),
    ("notice", 1),
    ("pe", 1),
    ("smb_files", 6),
    ("smb_mapping", 6),
    ("ssl", 2),
    ("weird", 6),
    ("x509", 2),
];

fn otrf(log: &str) -> std::path::PathBuf {
    sample(&format!("otrf-apt29-zeek/SCRANTON_{log}.log"))
}

fn import(case: &mut Case, path: &Path) -> ImportSummary {
    import_file(case, path, &ImportOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap()
}

fn at<'r>(rows: &'r [EventRow], source: &str, locator: &str) -> &'r EventRow {
    rows.iter()
        .find(|r| r.source == source && r.locator == locator)
        .unwrap_or_else(|| panic!("no {source} {locator}"))
}

fn attrs(case: &Case, id: i64) -> serde_json::Value {
    serde_json::from_str(&case.event(id).unwrap().attrs).unwrap()
}

fn new_case(dir: &Dir) -> Case {
    Case::create(&dir.path("c.tideline"), "zeek", "t").unwrap()
}

fn otrf_case(dir: &Dir) -> (Case, Vec<ImportSummary>) {
    let mut case = new_case(dir);
    let summaries = OTRF
        .iter()
        .map(|(log, _)| import(&mut case, &otrf(log)))
        .collect();
    (case, summaries)
}

#[test]
fn otrf_zeek_logs_account_for_every_record_with_one_source_per_log() {
    let dir = Dir::new();
    let (case, summaries) = otrf_case(&dir);
    for ((log, count), s) in OTRF.iter().zip(&summaries) {
        assert_eq!(s.format.as_deref(), Some("zeek"), "{log}");
        assert_eq!((s.events, s.issues, s.skipped), (*count, 0, 0), "{log}");
    }
    let rows = rows(&case);
    assert_eq!(rows.len(), 415);
    for (log, count) in OTRF {
        let source = format!("zeek_{log}");
        assert_eq!(
            rows.iter().filter(|r| r.source == source).count() as u64,
            count,
            "{source}"
        );
    }
    assert_eq!(
        rows.first().unwrap().ts.as_deref(),
        Some("2020-04-30T00:06:38.899710Z")
    );
    assert_eq!(
        rows.last().unwrap().ts.as_deref(),
        Some("2020-04-30T00:45:00.760719Z")
    );
    assert!(rows
        .iter()
        .all(|r| r.ts_quality == "exact"
            && r.host.as_deref() == Some("simplerockbuild.simplerock.lan")));
}

#[test]
fn otrf_first_and_last_times_per_log() {
    let dir = Dir::new();
    let (_, summaries) = otrf_case(&dir);
    let span = |log: &str| {
        let s = &summaries[OTRF.iter().position(|(l, _)| *l == log).unwrap()];
        (s.first_ts.clone().unwrap(), s.last_ts.clone().unwrap())
    };
    assert_eq!(
        span("conn"),
        (
            "2020-04-30T00:06:38.899710Z".into(),
            "2020-04-30T00:45:00.760719Z".into()
        )
    );
    assert_eq!(
        span("http"),
        (
            "2020-04-30T00:32:18.095510Z".into(),
            "2020-04-30T00:35:25.658110Z".into()
        )
    );
    assert_eq!(
        span("dns"),
        (
            "2020-04-30T00:06:38.899710Z".into(),
            "2020-04-30T00:39:55.956719Z".into()
        )
    );
}

#[test]
fn otrf_conn_record_with_underscored_ids_has_its_golden_fields() {
    let dir = Dir::new();
    let (case, _) = otrf_case(&dir);
    let rows = rows(&case);
    let r = at(&rows, "zeek_conn", "line 1");
    assert_eq!(r.ts.as_deref(), Some("2020-04-30T00:06:38.899710Z"));
    let detail = case.event(r.id).unwrap();
    assert_eq!(detail.ts_source.as_deref(), Some("1588205198.89971"));
    assert_eq!(r.src_ip.as_deref(), Some("10.0.1.4"));
    assert_eq!(r.dst_ip.as_deref(), Some("10.0.0.4"));
    assert_eq!(r.action.as_deref(), Some("udp/dns"));
    assert_eq!(r.user, None);
    assert_eq!(r.message, "10.0.1.4:64842 -> 10.0.0.4:53 udp dns 0.002 s");
    let a = attrs(&case, r.id);
    assert_eq!(a["id_orig_p"], 64842);
    assert_eq!(a["id_resp_p"], 53);
    assert_eq!(a["uid"], "Cw1Hz43UWS4qXFei8f");
    assert_eq!(a["conn_state"], "SF");
    assert_eq!(a["@proc"], "zeek");
    for moved in ["ts", "id_orig_h", "id_resp_h", "@system", "@stream"] {
        assert!(a.get(moved).is_none(), "{moved}");
    }
}

#[test]
fn otrf_dns_http_and_notice_messages() {
    let dir = Dir::new();
    let (case, _) = otrf_case(&dir);
    let rows = rows(&case);
    let dns = at(&rows, "zeek_dns", "line 1");
    assert_eq!(dns.message, "query newyork.dmevals.local A -> 10.0.0.4");
    assert_eq!(dns.action.as_deref(), Some("A"));
    assert_eq!(
        at(&rows, "zeek_dns", "line 2").message,
        "query wpad.dmevals.local A -> NXDOMAIN"
    );
    let http = at(&rows, "zeek_http", "line 62");
    assert_eq!(http.ts.as_deref(), Some("2020-04-30T00:35:25.658110Z"));
    assert_eq!(http.action.as_deref(), Some("GET"));
    assert_eq!(http.message, "GET 192.168.0.4/webdav/python.exe -> 200");
    assert_eq!(http.dst_ip.as_deref(), Some("192.168.0.4"));
    let methods = |m: &str| {
        rows.iter()
            .filter(|r| r.source == "zeek_http" && r.action.as_deref() == Some(m))
            .count()
    };
    assert_eq!(
        (
            methods("PROPFIND"),
            methods("OPTIONS"),
            methods("PUT"),
            methods("GET")
        ),
        (26, 10, 6, 2)
    );
    let notice = at(&rows, "zeek_notice", "line 1");
    assert_eq!(
        notice.event_code.as_deref(),
        Some("SSL::Invalid_Server_Cert")
    );
    assert_eq!(
        notice.message,
        "SSL::Invalid_Server_Cert: SSL certificate validation failed with (self signed certificate)"
    );
    assert_eq!(notice.dst_ip.as_deref(), Some("192.168.0.5"));
    let files = at(&rows, "zeek_files", "line 1");
    assert_eq!(
        (files.src_ip.as_deref(), files.dst_ip.as_deref()),
        (None, None)
    );
    assert!(files
        .message
        .starts_with("source=SMB mime_type=text/ini filename=dmevals.local\\Policies\\"));
}

#[test]
fn tsv_logs_skip_their_headers_and_read_typed_values() {
    let dir = Dir::new();
    let mut case = new_case(&dir);
    let conn = import(&mut case, &sample("synthetic-zeek-tsv/conn.log"));
    let dns = import(&mut case, &sample("synthetic-zeek-tsv/dns.log"));
    assert_eq!((conn.events, conn.issues, conn.skipped), (5, 0, 9));
    assert_eq!((dns.events, dns.issues, dns.skipped), (4, 0, 9));
    assert_eq!(
        conn.first_ts.as_deref(),
        Some("2026-03-14T02:40:11.250318Z")
    );
    assert_eq!(conn.last_ts.as_deref(), Some("2026-03-14T03:00:10.999999Z"));
    let rows = rows(&case);

    let ssh = at(&rows, "zeek_conn", "line 9");
    assert_eq!(ssh.src_ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(ssh.dst_ip.as_deref(), Some("10.20.0.5"));
    assert_eq!(ssh.host, None);
    assert_eq!(
        ssh.message,
        "203.0.113.45:53122 -> 10.20.0.5:22 tcp ssh 512.004 s"
    );
    let a = attrs(&case, ssh.id);
    assert_eq!(a["id.orig_p"], 53122);
    assert_eq!(a["duration"], 512.00412);
    assert_eq!(a["local_orig"], false);
    assert_eq!(a["tunnel_parents"], serde_json::json!([]));

    let micro = at(&rows, "zeek_conn", "line 10");
    assert_eq!(micro.ts.as_deref(), Some("2026-03-14T02:50:02.000001Z"));
    assert_eq!(
        case.event(micro.id).unwrap().ts_source.as_deref(),
        Some("1773456602.000001")
    );
    let rej = at(&rows, "zeek_conn", "line 12");
    assert_eq!(rej.action.as_deref(), Some("tcp"));
    assert_eq!(
        rej.message,
        "10.20.0.5:60022 -> 10.20.0.9:3306 tcp 0.000012 s"
    );
    assert!(attrs(&case, rej.id).get("service").is_none());
    let v6 = at(&rows, "zeek_conn", "line 13");
    assert_eq!(
        v6.message,
        "[2001:db8:10::5]:51000 -> [2001:db8:20::443]:443 tcp"
    );

    let a_rec = at(&rows, "zeek_dns", "line 9");
    assert_eq!(
        a_rec.message,
        "query s3.eu-west-1.amazonaws.com A -> 198.51.100.80,198.51.100.81"
    );
    assert_eq!(
        attrs(&case, a_rec.id)["TTLs"],
        serde_json::json!([5.0, 5.0])
    );
    let nx = at(&rows, "zeek_dns", "line 10");
    assert_eq!(
        nx.message,
        "query exfil-203-0-113-45.example.com TXT -> NXDOMAIN"
    );
    assert_eq!(attrs(&case, nx.id)["answers"], serde_json::json!([]));
    let odd = at(&rows, "zeek_dns", "line 11");
    // The message stays one line; attrs hold the real name.
    assert_eq!(odd.message, "query odd\\x09name.example.com A");
    assert_eq!(attrs(&case, odd.id)["query"], "odd\tname.example.com");
    assert_eq!(
        case.event(odd.id)
            .unwrap()
            .raw
            .split(|&b| b == b'\t')
            .nth(9),
        Some(&b"odd\\x09name.example.com"[..])
    );
    let short = at(&rows, "zeek_dns", "line 12");
    assert_eq!(short.ts.as_deref(), Some("2026-03-14T02:55:00.500000Z"));
}

#[test]
fn json_without_a_log_type_takes_it_from_the_file_name() {
    let dir = Dir::new();
    let line = r#"{"ts":1588205198.89971,"uid":"C1","id.orig_h":"10.0.1.4","id.orig_p":1,"id.resp_h":"10.0.0.4","id.resp_p":53,"query":"x.example.com","qtype_name":"A"}"#;
    let named = dir.path("sensor1_dns.log");
    let unnamed = dir.path("capture.json");
    std::fs::write(&named, format!("{line}\n")).unwrap();
    // Another uid: the same bytes twice would be refused as the same evidence.
    std::fs::write(&unnamed, format!("{}\n", line.replace("C1", "C2"))).unwrap();
    let mut case = new_case(&dir);
    import(&mut case, &named);
    import(&mut case, &unnamed);
    let rows = rows(&case);
    let sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(sources, vec!["zeek_dns", "zeek"]);
    assert_eq!(rows[0].message, "query x.example.com A");
    assert_eq!(rows[0].src_ip.as_deref(), Some("10.0.1.4"));
}

#[test]
fn broken_tsv_and_json_lines_become_issues_with_reasons() {
    let dir = Dir::new();
    let file = dir.path("conn.log");
    std::fs::write(
        &file,
        b"#separator \\x09\n\
          1.0\tC1\n\
          #fields\tts\tuid\tid.orig_h\n\
          #types\ttime\tstring\taddr\n\
          1588205198.5\tC2\t10.0.0.1\r\n\
          1588205199\tC3\n\
          yesterday\tC4\t10.0.0.1\n\
          \n\
          {\"ts\": 1588205200.25, \"uid\": \"C5\", \"_path\": \"conn\", \"x\": \"\xff\"\n\
          {\"ts\": 1588205200.25, \"uid\": \"C5\", \"_path\": \"conn\"}\n\
          \x00\x00\tC6\t\xff\xfe\n\
          #close\t2020-04-30-01-00-00",
    )
    .unwrap();
    let mut case = new_case(&dir);
    let s = import(&mut case, &file);
    assert_eq!((s.events, s.issues, s.skipped), (2, 5, 5));
    let issues: Vec<(String, String)> = case
        .issues(10)
        .unwrap()
        .into_iter()
        .map(|i| (i.locator, i.reason))
        .collect();
    assert_eq!(
        issues[0],
        (
            "line 2".into(),
            "a data line before any #fields header".into()
        )
    );
    assert_eq!(
        issues[1],
        (
            "line 6".into(),
            "2 columns where the #fields header names 3".into()
        )
    );
    assert_eq!(
        issues[2],
        ("line 7".into(), "ts \"yesterday\" is not a time".into())
    );
    assert_eq!(issues[3].0, "line 9");
    assert!(issues[3].1.starts_with("not valid JSON"), "{}", issues[3].1);
    assert_eq!(
        issues[4],
        ("line 11".into(), "ts \"\\0\\0\" is not a time".into())
    );
    let rows = rows(&case);
    assert_eq!(rows[0].ts.as_deref(), Some("2020-04-30T00:06:38.500000Z"));
    assert_eq!(rows[0].locator, "line 5");
    assert_eq!(rows[1].ts.as_deref(), Some("2020-04-30T00:06:40.250000Z"));
    assert_eq!(rows[1].locator, "line 10");
    assert!(rows.iter().all(|r| r.source == "zeek_conn"));
}

#[test]
fn other_files_are_refused_as_zeek() {
    let dir = Dir::new();
    let mut case = new_case(&dir);
    let opts = ImportOptions {
        format: Some("zeek".into()),
        ..Default::default()
    };
    for rel in [
        "otrf-aws-cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
        "synthetic-cloudtrail/CloudTrail-eu-west-1-20260314T0255Z.json",
        "rollover/syslog-newyear.log",
    ] {
        let err = import_file(&mut case, &sample(rel), &opts, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert_eq!(err.code(), "wrong_format", "{rel}");
    }
}

#[test]
fn zeek_timeline_golden() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "zeek"]);
    let mut args = vec!["import".to_string(), s(&case).to_string()];
    args.extend(
        OTRF.iter()
            .map(|(log, _)| format!("sample-data/otrf-apt29-zeek/SCRANTON_{log}.log")),
    );
    args.push("sample-data/synthetic-zeek-tsv/conn.log".into());
    args.push("sample-data/synthetic-zeek-tsv/dns.log".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&args);
    let mut out = ok(&["timeline", s(&case), "--limit", "10", "--format", "jsonl"]);
    out.push_str(&ok(&[
        "timeline",
        s(&case),
        "--from",
        "2026-01-01",
        "--format",
        "jsonl",
    ]));
    golden("zeek.jsonl", &out);
}

#[test]
fn a_huge_line_is_one_issue_and_the_next_line_still_reads() {
    let dir = Dir::new();
    let file = dir.path("http.log");
    let good = r#"{"ts":1588206738.09551,"uid":"C1","id.orig_h":"10.0.1.4","id.resp_h":"192.168.0.4","method":"GET","host":"h","uri":"/","status_code":200}"#;
    let huge = format!(
        "{{\"ts\":1588206738.1,\"uid\":\"C2\",\"uri\":\"{}\"}}",
        "a".repeat(2 << 20)
    );
    std::fs::write(&file, format!("{good}\n{huge}\n{good}")).unwrap();
    let mut case = new_case(&dir);
    let s = import(&mut case, &file);
    assert_eq!((s.events, s.issues, s.skipped), (2, 1, 0));
    let issue = &case.issues(1).unwrap()[0];
    assert_eq!(issue.locator, "line 2");
    assert_eq!(
        issue.reason,
        "a record longer than 1048576 bytes (kept, cut, not parsed)"
    );
    assert_eq!(issue.raw.len(), 1 << 20);
    assert!(rows(&case).iter().all(|r| r.message == "GET h/ -> 200"));
}
