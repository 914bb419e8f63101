//! Web server logs: Apache/nginx/Tomcat access logs (real samples with their quirks) and
//! Apache error logs (hand-written lines; loghub's Apache_2k.log when present).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::path::Path;

use tideline::ingest::{import_file, ImportOptions, ImportSummary};
use tideline::store::EventRecord;
use tideline::time::format_micros;
use tideline::Case;

use crate::util::{golden, sample, shared_dataset, Dir};

const ELASTIC: &str = "elastic-apache-access/apache_logs.log";
const TOMCAT: &str =
    "evtx-attack-samples/command_and_control/web_attack_and_isp_webshell_localhost_access_log.txt";

pub fn import(case: &mut Case, path: &Path, opts: &ImportOptions) -> ImportSummary {
    import_file(case, path, opts, &mut |_| ControlFlow::Continue(())).unwrap()
}

/// A new case in `dir` holding `path`, imported with default options.
pub fn case_with(dir: &Dir, path: &Path) -> (Case, ImportSummary) {
    let mut case = Case::create(&dir.path("c.tideline"), "web", "t").unwrap();
    let s = import(&mut case, path, &ImportOptions::default());
    (case, s)
}

/// Every stored event, by its line number.
pub fn by_line(case: &Case) -> BTreeMap<u64, EventRecord> {
    let mut out = BTreeMap::new();
    case.for_each_event(|e| {
        let n = e.locator.strip_prefix("line ").unwrap().parse().unwrap();
        out.insert(n, e.clone());
        Ok(())
    })
    .unwrap();
    out
}

pub fn attrs(e: &EventRecord) -> serde_json::Value {
    serde_json::from_str(&e.attrs).unwrap()
}

/// One event as a JSON line with every column but `raw` (for golden files).
pub fn json_line(e: &EventRecord) -> String {
    serde_json::json!({
        "locator": e.locator,
        "ts": e.ts.map(format_micros),
        "ts_source": e.ts_source,
        "ts_quality": e.ts_quality,
        "source": e.source,
        "host": e.host,
        "user": e.user,
        "src_ip": e.src_ip,
        "dst_ip": e.dst_ip,
        "process": e.process,
        "event_code": e.event_code,
        "action": e.action,
        "severity": e.severity,
        "message": e.message,
        "attrs": attrs(e),
    })
    .to_string()
        + "\n"
}

pub fn golden_lines<'a>(events: impl IntoIterator<Item = &'a EventRecord>) -> String {
    events.into_iter().map(json_line).collect()
}

/// The bytes of line `n` (1-based) of a file, without its line ending.
fn file_line(path: &Path, n: usize) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let line = bytes.split(|&c| c == b'\n').nth(n - 1).unwrap();
    line.strip_suffix(b"\r").unwrap_or(line).to_vec()
}

#[test]
fn elastic_combined_log_has_every_line_as_an_event_in_its_documented_span() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, &sample(ELASTIC));
    assert_eq!(s.format.as_deref(), Some("apache_access"));
    assert_eq!((s.events, s.issues, s.skipped), (10_000, 0, 0));
    assert_eq!(s.first_ts.as_deref(), Some("2015-05-17T10:05:00.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2015-05-20T21:05:59.000000Z"));

    let events = by_line(&case);
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    let mut clients = BTreeSet::new();
    for e in events.values() {
        *statuses
            .entry(e.event_code.as_deref().unwrap())
            .or_default() += 1;
        clients.insert(e.src_ip.clone().unwrap());
        assert_eq!(e.ts_quality, "exact");
    }
    // SOURCE.md: 9,126 x 200, 445 x 304, 213 x 404, 164 x 301; 1,753 client addresses.
    assert_eq!(
        (
            statuses["200"],
            statuses["304"],
            statuses["404"],
            statuses["301"]
        ),
        (9126, 445, 213, 164)
    );
    assert_eq!(clients.len(), 1753);

    let first = &events[&1];
    assert_eq!(
        first.ts_source.as_deref(),
        Some("17/May/2015:10:05:03 +0000")
    );
    assert_eq!(first.src_ip.as_deref(), Some("83.149.9.216"));
    assert_eq!(first.user, None);
    assert_eq!(first.action.as_deref(), Some("GET"));
    assert_eq!(
        first.message,
        "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1 -> 200 (203023 bytes)"
    );
    assert_eq!(
        attrs(first)["referer"],
        "http://semicomplete.com/presentations/logstash-monitorama-2013/"
    );
    assert_eq!(first.raw, file_line(&sample(ELASTIC), 1));

    golden(
        "apache_access-elastic-first-10.jsonl",
        &golden_lines(events.values().take(10)),
    );
}

#[test]
fn elastic_line_8899_with_a_truncated_user_agent_is_an_event_flagged_unterminated() {
    let dir = Dir::new();
    let (case, _) = case_with(&dir, &sample(ELASTIC));
    let e = &by_line(&case)[&8899];
    assert_eq!(
        e.ts.map(format_micros).as_deref(),
        Some("2015-05-20T12:05:17.000000Z")
    );
    assert_eq!(e.event_code.as_deref(), Some("200"));
    assert_eq!(
        attrs(e),
        serde_json::json!({
            "log_format": "combined",
            "path": "/scripts/grok-py-test/configlib.py",
            "protocol": "HTTP/1.1",
            "bytes": 235,
            "user_agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html",
            "user_agent_unterminated": true,
        })
    );
}

#[test]
fn elastic_responses_without_a_byte_count_have_no_bytes() {
    let dir = Dir::new();
    let (case, _) = case_with(&dir, &sample(ELASTIC));
    let e = &by_line(&case)[&8900];
    assert_eq!(e.message, "GET /robots.txt HTTP/1.1 -> 200");
    assert!(attrs(e).get("bytes").is_none());
}

#[test]
fn tomcat_log_with_crlf_tls_bytes_nul_and_raw_quotes_has_every_line_as_an_event() {
    let dir = Dir::new();
    let path = sample(TOMCAT);
    let (case, s) = case_with(&dir, &path);
    assert_eq!(s.format.as_deref(), Some("apache_access"));
    assert_eq!((s.events, s.issues, s.skipped), (2661, 0, 0));
    // 08:41:28 -> 15:33:50 at +0300; the epoch-zero line is not a time.
    assert_eq!(s.first_ts.as_deref(), Some("2018-07-11T05:41:28.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2018-07-11T12:33:50.000000Z"));
    let events = by_line(&case);

    let clients: BTreeSet<_> = events.values().map(|e| e.src_ip.clone().unwrap()).collect();
    assert_eq!(clients.len(), 4);
    let no_request: Vec<u64> = events
        .iter()
        .filter(|(_, e)| e.message == "- -> 400")
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(no_request.len(), 14);

    // Line 26: the epoch-zero placeholder.
    let e = &events[&26];
    assert_eq!((e.ts, e.ts_quality.as_str()), (None, "missing"));
    assert_eq!(e.ts_source.as_deref(), Some("01/Jan/1970:03:00:00 +0300"));
    assert!(no_request.contains(&26));

    // Line 27: a TLS handshake inside the quotes; the raw bytes are kept exactly.
    let e = &events[&27];
    assert_eq!(e.action, None);
    assert_eq!(e.event_code.as_deref(), Some("400"));
    assert!(attrs(e)["request"]
        .as_str()
        .unwrap()
        .starts_with("\\x16\\x03\\x01\\x02\\x00"));
    assert_eq!(e.raw, file_line(&path, 27));
    assert!(!e.raw.ends_with(b"\r"));

    // Lines 853 and 1829: a NUL inside the path.
    for n in [853, 1829] {
        assert_eq!(attrs(&events[&n])["path"], "/\\x00.jsp", "line {n}");
        assert!(events[&n].raw.contains(&0));
    }
    // Lines 879 and 1508: an unescaped quote inside the request.
    for n in [879, 1508] {
        let e = &events[&n];
        assert_eq!(
            attrs(e)["path"],
            r#"/WebID/IISWebAgentIF.dll?postdata="><script>foo</script>"#,
            "line {n}"
        );
        assert_eq!(e.event_code.as_deref(), Some("404"));
        assert_eq!(attrs(e)["bytes"], 997);
    }
    // Line 10: the Tomcat manager login, with its user.
    let e = &events[&10];
    assert_eq!(e.user.as_deref(), Some("admin"));
    assert_eq!(
        e.ts.map(format_micros).as_deref(),
        Some("2018-07-11T05:41:29.000000Z")
    );

    golden(
        "apache_access-tomcat-lines-20-31.jsonl",
        &golden_lines(events.range(20..=31).map(|(_, e)| e)),
    );
}

#[test]
fn a_huge_user_agent_is_cut_and_flagged_and_the_next_line_survives() {
    let dir = Dir::new();
    let file = dir.path("huge.log");
    let mut body =
        b"10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 5 \"-\" \"".to_vec();
    body.extend(std::iter::repeat_n(b'A', 2 << 20));
    body.extend_from_slice(
        b"\"\r\n\r\n10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] \"GET /\xff HTTP/1.1\" 404 -",
    );
    std::fs::write(&file, body).unwrap();
    let (case, s) = case_with(&dir, &file);
    assert_eq!((s.events, s.issues, s.skipped), (2, 0, 1));
    let events = by_line(&case);
    let a = attrs(&events[&1]);
    assert_eq!(a["truncated_at_bytes"], 1 << 20);
    assert_eq!(a["user_agent_unterminated"], true);
    assert_eq!(events[&3].message, "GET /\\xff HTTP/1.1 -> 404");
    assert_eq!(events[&3].raw.last(), Some(&b'-'));
}

#[test]
fn a_broken_access_line_is_an_issue_with_its_reason() {
    let dir = Dir::new();
    let file = dir.path("access.log");
    std::fs::write(
        &file,
        "1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5\n\
         1.2.3.4 - - [10/Oct/2000:13:55:37 +0000] \"GET / HTTP/1.1\" 200 5\n\
         1.2.3.4 - - [10/Oct/2000:13:55:38 +0000] \"GET /cut-off\n",
    )
    .unwrap();
    let (case, s) = case_with(&dir, &file);
    assert_eq!((s.events, s.issues), (2, 1));
    let issue = &case.issues(10).unwrap()[0];
    assert_eq!(issue.locator, "line 3");
    assert_eq!(
        issue.reason,
        "no closing quote followed by a status code and a byte count after the request"
    );
}

#[test]
fn forcing_a_web_format_on_another_format_is_refused() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "wrong", "t").unwrap();
    for (format, file) in [
        (
            "apache_access",
            sample("incident-2026-03/bastion-01/auth.log"),
        ),
        ("apache_error", sample(ELASTIC)),
        ("apache_access", sample("journal/bastion-01.journal.json")),
        ("journal_json", sample(TOMCAT)),
    ] {
        let opts = ImportOptions {
            format: Some(format.into()),
            ..Default::default()
        };
        let err =
            import_file(&mut case, &file, &opts, &mut |_| ControlFlow::Continue(())).unwrap_err();
        assert_eq!(err.code(), "wrong_format", "{format} on {}", file.display());
    }
    assert!(case.evidence().unwrap().is_empty());
}

const ERROR_LOG: &str = "\
[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties\r
[Sun Dec 04 04:51:18 2005] [error] [client 10.20.0.11] Directory index forbidden by rule: /var/www/html/\r
\r
PHP Warning:  include(/srv/x.php): failed to open stream in /srv/index.php on line 3\r
[Sat Mar 14 02:55:41.060123 2026] [authz_core:error] [pid 2212:tid 140221] [client 203.0.113.45:53122] AH01630: client denied by server configuration: /var/www/html/.env, referer: http://203.0.113.45/\r
[Sat Mar 14 02:55:42 2026] [proxy:warn] [pid 2212:tid 140222] [remote 10.20.0.7:8080] AH01144: No protocol handler was valid for the URL /x";

#[test]
fn error_log_lines_2_2_and_2_4_read_in_the_given_zone() {
    let dir = Dir::new();
    let file = dir.path("error_log");
    std::fs::write(&file, ERROR_LOG).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "err", "t").unwrap();
    let opts = ImportOptions {
        tz: chrono_tz::Europe::Berlin,
        ..Default::default()
    };
    let s = import(&mut case, &file, &opts);
    assert_eq!(s.format.as_deref(), Some("apache_error"));
    assert_eq!((s.events, s.issues, s.skipped), (4, 1, 1));
    let issue = &case.issues(10).unwrap()[0];
    assert_eq!(
        (issue.locator.as_str(), issue.reason.as_str()),
        ("line 4", "no [time] at the start of the line")
    );
    let events = by_line(&case);
    // 04:47:44 CET (+01:00) in December; 02:55:41 CET on 14 March 2026 (before DST).
    assert_eq!(
        events[&1].ts.map(format_micros).as_deref(),
        Some("2005-12-04T03:47:44.000000Z")
    );
    let e = &events[&5];
    assert_eq!(
        e.ts.map(format_micros).as_deref(),
        Some("2026-03-14T01:55:41.060123Z")
    );
    assert_eq!(e.ts_quality, "zone_assumed");
    assert_eq!(e.src_ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(e.event_code.as_deref(), Some("AH01630"));
    assert_eq!(e.severity.as_deref(), Some("error"));
    assert_eq!(attrs(e)["referer"], "http://203.0.113.45/");
    assert_eq!(events[&6].raw, b"[Sat Mar 14 02:55:42 2026] [proxy:warn] [pid 2212:tid 140222] [remote 10.20.0.7:8080] AH01144: No protocol handler was valid for the URL /x");
    golden(
        "apache_error-hand-written.jsonl",
        &golden_lines(events.values()),
    );
}

#[test]
fn loghub_apache_error_log_accounts_for_every_line() {
    let Some(file) = shared_dataset("loghub/Apache_2k.log") else {
        return;
    };
    let dir = Dir::new();
    let (case, s) = case_with(&dir, &file);
    assert_eq!(s.format.as_deref(), Some("apache_error"));
    assert_eq!((s.events, s.issues, s.skipped), (2000, 0, 0));
    assert_eq!(s.first_ts.as_deref(), Some("2005-12-04T04:47:44.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2005-12-05T19:15:57.000000Z"));
    let mut levels: BTreeMap<String, usize> = BTreeMap::new();
    case.for_each_event(|e| {
        *levels.entry(e.severity.clone().unwrap()).or_default() += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(
        levels.into_iter().collect::<Vec<_>>(),
        vec![("error".to_string(), 595), ("notice".to_string(), 1405)]
    );
}
