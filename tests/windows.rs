//! Windows events: EVTX files and JSON-lines exports (OTRF, NXLog, Winlogbeat), on the
//! bundled samples from evtx-attack-samples and OTRF Security-Datasets.

use std::ops::ControlFlow;
use std::path::Path;

use tideline::ingest::{import_file, ImportOptions, ImportSummary};
use tideline::timeline::EventRow;
use tideline::Case;

use crate::util::{all_rows as rows, golden, ok, s, sample, Dir};

const EVTX: &str = "evtx-attack-samples";
const OTRF: &str = "otrf-windows-json";

fn import(case: &mut Case, path: &Path, opts: &ImportOptions) -> ImportSummary {
    import_file(case, path, opts, &mut |_| ControlFlow::Continue(())).unwrap()
}

/// Imports one sample into a fresh case.
fn one(rel: &str) -> (Dir, Case, ImportSummary) {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "windows", "t").unwrap();
    let summary = import(&mut case, &sample(rel), &ImportOptions::default());
    (dir, case, summary)
}

fn ts_source(case: &Case, row: &EventRow) -> Option<String> {
    case.event(row.id).unwrap().ts_source
}

/// The lowest and highest `record N` locator.
fn record_range(rows: &[EventRow]) -> (u64, u64) {
    let ids: Vec<u64> = rows
        .iter()
        .map(|r| r.locator.strip_prefix("record ").unwrap().parse().unwrap())
        .collect();
    (*ids.iter().min().unwrap(), *ids.iter().max().unwrap())
}

/// Per file: the record count of SOURCE.md, the EventRecordID range, and the first and
/// last `TimeCreated` (SOURCE.md gives them to the second).
#[test]
fn evtx_samples_account_for_every_record_with_ids_and_times_from_the_xml() {
    // (file, records, EventRecordID range, first ts, last ts)
    type Expected = (&'static str, u64, (u64, u64), &'static str, &'static str);
    let cases: [Expected; 6] = [
        (
            "credential_access/CA_4624_4625_LogonType2_LogonProc_chrome.evtx",
            4,
            (137222, 137225),
            "2020-09-09T13:18:23.627952Z",
            "2020-09-09T13:18:27.714758Z",
        ),
        (
            "credential_access/kerberos_pwd_spray_4771.evtx",
            12,
            (887106, 887117),
            "2020-07-22T20:29:27.321769Z",
            "2020-07-22T20:29:36.437702Z",
        ),
        (
            "defense_evasion/DE_1102_security_log_cleared.evtx",
            112,
            (452811, 452922),
            "2019-03-19T23:35:07.524202Z",
            "2019-03-19T23:35:15.365477Z",
        ),
        (
            "lateral_movement/LM_5145_Remote_FileCopy.evtx",
            869,
            (437472, 438340),
            "2019-03-18T14:23:22.134722Z",
            "2019-03-18T14:24:10.063640Z",
        ),
        (
            "lateral_movement/LM_Remote_Service02_7045.evtx",
            3,
            (4480, 6045),
            "2019-03-03T09:20:28.621489Z",
            "2019-03-19T00:41:29.008933Z",
        ),
        (
            "lateral_movement/LM_sysmon_psexec_smb_meterpreter.evtx",
            10,
            (9804, 9813),
            "2019-04-30T20:26:51.793589Z",
            "2019-04-30T20:26:54.152964Z",
        ),
    ];
    for (file, records, ids, first, last) in cases {
        let (_dir, case, s) = one(&format!("{EVTX}/{file}"));
        assert_eq!(s.format.as_deref(), Some("evtx"), "{file}");
        assert_eq!((s.events, s.issues, s.skipped), (records, 0, 0), "{file}");
        assert_eq!(s.first_ts.as_deref(), Some(first), "{file}");
        assert_eq!(s.last_ts.as_deref(), Some(last), "{file}");
        let rows = rows(&case);
        assert_eq!(record_range(&rows), ids, "{file}");
        assert!(rows.iter().all(|r| r.ts_quality == "exact"), "{file}");
    }
}

#[test]
fn evtx_failed_logon_has_exact_canonical_fields() {
    let (_dir, case, _) = one(&format!(
        "{EVTX}/credential_access/CA_4624_4625_LogonType2_LogonProc_chrome.evtx"
    ));
    let rows = rows(&case);
    let r = &rows[0];
    assert_eq!(r.ts.as_deref(), Some("2020-09-09T13:18:23.627952Z"));
    assert_eq!(
        ts_source(&case, r).as_deref(),
        Some("2020-09-09T13:18:23.6279525Z")
    );
    assert_eq!(r.source, "evtx");
    assert_eq!(r.locator, "record 137222");
    assert_eq!(r.host.as_deref(), Some("MSEDGEWIN10"));
    assert_eq!(r.user.as_deref(), Some("IEUser"));
    assert_eq!(r.src_ip, None); // IpAddress is "-"
    assert_eq!(
        r.process.as_deref(),
        Some(r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe")
    );
    assert_eq!(r.event_code.as_deref(), Some("4625"));
    assert_eq!(r.action.as_deref(), Some("logon_failed"));
    assert_eq!(r.severity.as_deref(), Some("info"));
    assert_eq!(
        r.message,
        "[Security] 4625 An account failed to log on: TargetUserName=IEUser \
         TargetDomainName=MSEDGEWIN10 LogonType=2 Status=0xc000006d SubStatus=0xc000006a \
         WorkstationName=MSEDGEWIN10"
    );
    let detail = case.event(r.id).unwrap();
    let attrs: serde_json::Value = serde_json::from_str(&detail.attrs).unwrap();
    assert_eq!(attrs["channel"], "Security");
    assert_eq!(attrs["provider"], "Microsoft-Windows-Security-Auditing");
    assert_eq!(attrs["keywords"], "0x8010000000000000");
    assert_eq!(attrs["LogonProcessName"], "Chrome");
    assert_eq!(attrs["IpAddress"], "-");
    // The exported file renumbers its record headers from 1.
    assert_eq!(attrs["record_header_id"], 1);
    let raw: serde_json::Value = serde_json::from_slice(&detail.raw).unwrap();
    assert_eq!(raw["Event"]["System"]["EventRecordID"], 137222);
}

#[test]
fn evtx_sysmon_network_connection_has_both_addresses() {
    let (_dir, case, _) = one(&format!(
        "{EVTX}/lateral_movement/LM_sysmon_psexec_smb_meterpreter.evtx"
    ));
    let rows = rows(&case);
    let r = rows.iter().find(|r| r.locator == "record 9813").unwrap();
    assert_eq!(r.ts.as_deref(), Some("2019-04-30T20:26:54.152964Z"));
    assert_eq!(r.host.as_deref(), Some("IEWIN7"));
    assert_eq!(r.user.as_deref(), Some(r"NT AUTHORITY\SYSTEM"));
    assert_eq!(r.src_ip.as_deref(), Some("10.0.2.18"));
    assert_eq!(r.dst_ip.as_deref(), Some("10.0.2.19"));
    assert_eq!(
        r.process.as_deref(),
        Some(r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")
    );
    assert_eq!(r.event_code.as_deref(), Some("3"));
    assert_eq!(r.action.as_deref(), Some("network_connection"));
    assert_eq!(
        r.message,
        r"[Microsoft-Windows-Sysmon/Operational] 3 Network connection detected: Image=C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe Protocol=tcp SourceIp=10.0.2.18 SourcePort=49160 DestinationIp=10.0.2.19 DestinationPort=4444"
    );
}

#[test]
fn evtx_log_cleared_reads_the_user_data_section() {
    let (_dir, case, _) = one(&format!(
        "{EVTX}/defense_evasion/DE_1102_security_log_cleared.evtx"
    ));
    let rows = rows(&case);
    let r = rows
        .iter()
        .find(|r| r.event_code.as_deref() == Some("1102"))
        .unwrap();
    assert_eq!(r.locator, "record 452811");
    assert_eq!(r.ts.as_deref(), Some("2019-03-19T23:35:07.524202Z"));
    assert_eq!(r.user.as_deref(), Some("user01"));
    assert_eq!(r.action.as_deref(), Some("log_cleared"));
    assert_eq!(
        r.message,
        "[Security] 1102 The audit log was cleared: SubjectUserName=user01 SubjectDomainName=EXAMPLE"
    );
    let attrs: serde_json::Value = serde_json::from_str(&case.event(r.id).unwrap().attrs).unwrap();
    assert_eq!(attrs["user_data"], "LogFileCleared");
    let counts = |code: &str| {
        rows.iter()
            .filter(|r| r.event_code.as_deref() == Some(code))
            .count()
    };
    assert_eq!(
        (counts("4663"), counts("1102"), counts("5156")),
        (110, 1, 1)
    );
}

#[test]
fn evtx_with_a_damaged_chunk_keeps_the_rest_and_names_the_damage() {
    let dir = Dir::new();
    let file = dir.path("damaged.evtx");
    let mut bytes = std::fs::read(sample(&format!(
        "{EVTX}/lateral_movement/LM_5145_Remote_FileCopy.evtx"
    )))
    .unwrap();
    // Chunk 1 starts at 4096 + 65536; wreck its records (its 512-byte header stays).
    let chunk1 = 4096 + 65536;
    for b in &mut bytes[chunk1 + 512..chunk1 + 512 + 3000] {
        *b = 0x41;
    }
    std::fs::write(&file, &bytes).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "damaged", "t").unwrap();
    let s = import(&mut case, &file, &ImportOptions::default());
    // Chunk 1 held header ids 99 to 197: 99 records, lost together.
    assert_eq!((s.events, s.issues), (869 - 99, 1));
    let issue = &case.issues(10).unwrap()[0];
    assert_eq!(issue.locator, "chunk 1");
    assert!(
        issue.reason.starts_with(
            "a chunk whose records cannot be read (its header lists record header ids 99 to 197): "
        ),
        "{}",
        issue.reason
    );
}

#[test]
fn a_truncated_evtx_file_is_read_up_to_the_cut_and_says_so() {
    let dir = Dir::new();
    let file = dir.path("cut.evtx");
    let bytes = std::fs::read(sample(&format!(
        "{EVTX}/lateral_movement/LM_5145_Remote_FileCopy.evtx"
    )))
    .unwrap();
    std::fs::write(&file, &bytes[..4096 + 65536 + 30000]).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "cut", "t").unwrap();
    let s = import(&mut case, &file, &ImportOptions::default());
    assert_eq!((s.events, s.issues), (98, 1));
    let issue = &case.issues(10).unwrap()[0];
    assert_eq!(issue.locator, "chunk 1");
    assert_eq!(
        issue.reason,
        "the file ends inside this chunk (30000 of 65536 bytes): it was cut short, and the \
         records of this last chunk are not read"
    );
}

/// Per file: SOURCE.md's event count (and its one blank line), and first and last times
/// taken from `UtcTime`, never from the local `TimeCreated`/`EventTime` as written.
#[test]
fn otrf_exports_account_for_every_line_with_utc_times() {
    let cases: [(&str, u64, u64, &str, &str); 4] = [
        (
            "psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json",
            184,
            0,
            "2020-10-18T23:49:39.776000Z",
            "2020-10-18T23:50:09.088000Z",
        ),
        (
            "cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json",
            286,
            0,
            "2020-10-19T07:30:41.104000Z",
            "2020-10-19T07:30:53.401000Z",
        ),
        (
            "schtask_create_2020-12-1907003032.json",
            1041,
            1,
            "2020-12-19T11:59:21.004000Z",
            "2020-12-19T12:00:30.086000Z",
        ),
        (
            // The last non-Sysmon records are dated by @timestamp, the collector's
            // receive time (23:19:19.762); the last UtcTime is 23:19:17.
            "empire_shell_net_localgroup_administrators_2020-09-21191843.json",
            884,
            0,
            "2020-09-21T23:18:41.269000Z",
            "2020-09-21T23:19:19.762000Z",
        ),
    ];
    for (file, events, skipped, first, last) in cases {
        let (_dir, case, s) = one(&format!("{OTRF}/{file}"));
        assert_eq!(s.format.as_deref(), Some("winevent_json"), "{file}");
        assert_eq!(
            (s.events, s.issues, s.skipped),
            (events, 0, skipped),
            "{file}"
        );
        assert_eq!(s.first_ts.as_deref(), Some(first), "{file}");
        assert_eq!(s.last_ts.as_deref(), Some(last), "{file}");
        assert!(rows(&case).iter().all(|r| r.ts.is_some()), "{file}");
    }
}

#[test]
fn otrf_security_events_are_dated_by_the_offset_sysmon_shows() {
    let (_dir, case, _) = one(&format!(
        "{OTRF}/psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json"
    ));
    let rows = rows(&case);
    // TimeCreated is US Eastern on a 12-hour clock: 07:50 is 19:50 EDT, 23:50Z.
    let r = rows.iter().find(|r| r.locator == "line 17").unwrap();
    assert_eq!(r.ts.as_deref(), Some("2020-10-18T23:50:05.910000Z"));
    assert_eq!(
        ts_source(&case, r).as_deref(),
        Some("2020-10-18 07:50:05.910")
    );
    assert_eq!(r.ts_quality, "zone_assumed");
    assert_eq!(r.source, "winevent_json");
    assert_eq!(r.host.as_deref(), Some("WORKSTATION5"));
    assert_eq!(r.user.as_deref(), Some("wardog"));
    assert_eq!(
        r.process.as_deref(),
        Some(r"C:\Windows\System32\rundll32.exe")
    );
    assert_eq!(r.event_code.as_deref(), Some("4688"));
    assert_eq!(r.action.as_deref(), Some("process_created"));
    assert_eq!(r.severity, None);
    let attrs: serde_json::Value = serde_json::from_str(&case.event(r.id).unwrap().attrs).unwrap();
    assert_eq!(attrs["ts_field"], "TimeCreated");
    assert_eq!(attrs["ts_offset_seconds"], 16 * 3600);
    assert_eq!(attrs["channel"], "Security");
    // The same process creation as Sysmon saw it, in UTC, at the same instant.
    let sysmon = rows.iter().find(|r| r.locator == "line 107").unwrap();
    assert_eq!(sysmon.ts, r.ts);
    assert_eq!(sysmon.ts_quality, "exact");
    assert_eq!(
        ts_source(&case, sysmon).as_deref(),
        Some("2020-10-18 23:50:05.910")
    );
    assert_eq!(sysmon.user.as_deref(), Some(r"WORKSTATION5\wardog"));
    assert_eq!(sysmon.action.as_deref(), Some("process_created"));
}

#[test]
fn otrf_logon_with_a_wrong_z_is_corrected_and_keeps_its_fields() {
    let (_dir, case, _) = one(&format!("{OTRF}/schtask_create_2020-12-1907003032.json"));
    let rows = rows(&case);
    let r = rows.iter().find(|r| r.locator == "line 576").unwrap();
    // "@timestamp": "2020-12-19T07:00:22.238Z" is EST with a wrong Z.
    assert_eq!(r.ts.as_deref(), Some("2020-12-19T12:00:22.238000Z"));
    assert_eq!(
        ts_source(&case, r).as_deref(),
        Some("2020-12-19T07:00:22.238Z")
    );
    assert_eq!(r.ts_quality, "zone_assumed");
    assert_eq!(r.host.as_deref(), Some("WORKSTATION6.theshire.local"));
    assert_eq!(r.user.as_deref(), Some("pgustavo"));
    assert_eq!(r.src_ip.as_deref(), Some("172.18.39.5"));
    assert_eq!(r.event_code.as_deref(), Some("4624"));
    assert_eq!(r.action.as_deref(), Some("logon"));
    assert_eq!(r.severity.as_deref(), Some("info"));
    assert_eq!(
        r.message,
        "[Security] 4624 An account was successfully logged on: TargetUserName=pgustavo \
         TargetDomainName=THESHIRE.LOCAL LogonType=3 IpAddress=172.18.39.5"
    );
}

#[test]
fn winlogbeat_lines_and_bad_lines_are_each_accounted_for() {
    let dir = Dir::new();
    let file = dir.path("winlogbeat.ndjson");
    let logon = r#"{"@timestamp":"2021-05-01T10:00:00.123Z","event":{"code":"4625"},"host":{"name":"dc01"},"winlog":{"channel":"Security","computer_name":"DC01.corp.local","event_id":4625,"record_id":77,"provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"TargetUserName":"admin","LogonType":"3","IpAddress":"203.0.113.9","Status":"0xc000006d"}}}"#;
    let sysmon = r#"{"@timestamp":"2021-05-01T10:00:05.000Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS01","event_id":"3","event_data":{"UtcTime":"2021-05-01 10:00:04.500","Image":"C:\\x.exe","SourceIp":"10.0.0.7","DestinationIp":"198.51.100.20"}}}"#;
    let mut text = format!("{logon}\r\n\r\n{{\"EventID\": 4624, broken\n[1,2]\n");
    text.push_str(sysmon);
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\n{\"EventID\": 1, \"Channel\": \"x\xff\"}");
    std::fs::write(&file, &bytes).unwrap();

    let mut case = Case::create(&dir.path("c.tideline"), "beat", "t").unwrap();
    let s = import(&mut case, &file, &ImportOptions::default());
    assert_eq!((s.events, s.issues, s.skipped), (2, 3, 1));
    let issues: Vec<(String, String)> = case
        .issues(10)
        .unwrap()
        .into_iter()
        .map(|i| (i.locator, i.reason))
        .collect();
    assert_eq!(issues[0].0, "line 3");
    assert!(issues[0].1.starts_with("not valid JSON"), "{issues:?}");
    assert_eq!(
        issues[1],
        ("line 4".into(), "a JSON value that is not an object".into())
    );
    assert_eq!(issues[2].0, "line 6");
    let rows = rows(&case);
    assert_eq!(rows[0].ts.as_deref(), Some("2021-05-01T10:00:00.123000Z"));
    assert_eq!(rows[0].host.as_deref(), Some("DC01.corp.local"));
    assert_eq!(rows[0].user.as_deref(), Some("admin"));
    assert_eq!(rows[0].src_ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(rows[0].action.as_deref(), Some("logon_failed"));
    assert_eq!(rows[1].ts.as_deref(), Some("2021-05-01T10:00:04.500000Z"));
    assert_eq!(rows[1].action.as_deref(), Some("network_connection"));
    assert_eq!(rows[1].dst_ip.as_deref(), Some("198.51.100.20"));
}

#[test]
fn forcing_either_windows_format_on_the_other_is_a_clear_error() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "wrong", "t").unwrap();
    let evtx = sample(&format!(
        "{EVTX}/lateral_movement/LM_Remote_Service02_7045.evtx"
    ));
    let json = sample(&format!(
        "{OTRF}/psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json"
    ));
    for (file, format) in [(&evtx, "winevent_json"), (&json, "evtx"), (&evtx, "syslog")] {
        let opts = ImportOptions {
            format: Some(format.into()),
            ..Default::default()
        };
        let err =
            import_file(&mut case, file, &opts, &mut |_| ControlFlow::Continue(())).unwrap_err();
        assert_eq!(err.code(), "wrong_format", "{format}");
    }
    assert!(case.evidence().unwrap().is_empty());
}

#[test]
fn golden_first_rows_of_each_windows_format() {
    for (name, file) in [
        (
            "evtx-first-10.jsonl",
            format!("sample-data/{EVTX}/lateral_movement/LM_sysmon_psexec_smb_meterpreter.evtx"),
        ),
        (
            "winevent-json-first-10.jsonl",
            format!("sample-data/{OTRF}/cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json"),
        ),
    ] {
        let dir = Dir::new();
        let case = dir.path("c.tideline");
        ok(&["new", s(&case), "--title", "t"]);
        ok(&["import", s(&case), &file]);
        golden(
            name,
            &ok(&["timeline", s(&case), "--limit", "10", "--format", "jsonl"]),
        );
    }
}

/// The extra tier: all 17 EVTX files of the shared set (1,070 records by its SOURCE.md),
/// imported as one folder, with the Tomcat access log beside them.
#[test]
fn every_evtx_file_of_the_shared_set_accounts_for_every_record() {
    let Some(set) = crate::util::shared_dataset("evtx-attack-samples") else {
        return;
    };
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "evtx set", "t").unwrap();
    let report =
        tideline::ingest::import_paths(&mut case, &[set], &ImportOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let evtx: Vec<_> = report
        .imported
        .iter()
        .filter(|s| s.format.as_deref() == Some("evtx"))
        .collect();
    assert_eq!(evtx.len(), 17);
    let records: u64 = evtx.iter().map(|s| s.events + s.issues).sum();
    assert_eq!(records, 1070);
    assert!(evtx.iter().all(|s| s.issues == 0), "{evtx:?}");
    let access: Vec<_> = report
        .imported
        .iter()
        .filter(|s| s.format.as_deref() == Some("apache_access"))
        .collect();
    assert_eq!(access.len(), 1);
    assert_eq!(access[0].events + access[0].issues, 2661);
}
