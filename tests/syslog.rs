//! Syslog import: years, zones, bad lines, real logs.

use std::ops::ControlFlow;

use tideline::ingest::{import_file, ImportOptions};
use tideline::Case;

use crate::util::{all_rows, sample, set_mtime, shared_dataset, Dir};

fn import(
    case: &mut Case,
    path: &std::path::Path,
    opts: &ImportOptions,
) -> tideline::ingest::ImportSummary {
    import_file(case, path, opts, &mut |_| ControlFlow::Continue(())).unwrap()
}

#[test]
fn new_year_rollover_with_an_explicit_year_dates_both_sides() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "rollover", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2025),
        ..Default::default()
    };
    let s = import(&mut case, &sample("rollover/syslog-newyear.log"), &opts);
    assert_eq!(s.issues, 0);
    let rows = all_rows(&case);
    assert_eq!(rows.len() as u64, s.events);
    let first = rows.first().unwrap().ts.clone().unwrap();
    let last = rows.last().unwrap().ts.clone().unwrap();
    assert!(first.starts_with("2025-12-31T23:59:"), "{first}");
    assert!(last.starts_with("2026-01-01T00:00:"), "{last}");
    assert!(rows
        .iter()
        .all(|r| r.ts_quality == "year_inferred,zone_assumed"));
}

#[test]
fn new_year_rollover_dated_by_mtime_puts_december_in_the_year_before() {
    let dir = Dir::new();
    let file = dir.path("newyear.log");
    std::fs::copy(sample("rollover/syslog-newyear.log"), &file).unwrap();
    set_mtime(&file, "2026-01-01T00:05:00Z");
    let mut case = Case::create(&dir.path("c.tideline"), "rollover", "t").unwrap();
    import(&mut case, &file, &ImportOptions::default());
    let rows = all_rows(&case);
    assert!(rows
        .first()
        .unwrap()
        .ts
        .as_deref()
        .unwrap()
        .starts_with("2025-12-31T23:59:"));
    assert!(rows
        .last()
        .unwrap()
        .ts
        .as_deref()
        .unwrap()
        .starts_with("2026-01-01T00:00:"));
}

#[test]
fn a_december_log_written_in_january_belongs_to_last_year() {
    let dir = Dir::new();
    let file = dir.path("dec.log");
    std::fs::write(
        &file,
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n",
    )
    .unwrap();
    set_mtime(&file, "2026-01-15T10:00:00Z");
    let mut case = Case::create(&dir.path("c.tideline"), "dec", "t").unwrap();
    import(&mut case, &file, &ImportOptions::default());
    assert_eq!(
        all_rows(&case)[0].ts.as_deref(),
        Some("2025-12-10T06:55:46.000000Z")
    );
}

#[test]
fn zone_less_stamps_are_read_in_the_given_zone() {
    let dir = Dir::new();
    let file = dir.path("berlin.log");
    std::fs::write(
        &file,
        "Jan  1 12:00:00 h sshd[1]: winter\nJul  1 12:00:00 h sshd[1]: summer\n",
    )
    .unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "tz", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2025),
        tz: chrono_tz::Europe::Berlin,
        ..Default::default()
    };
    import(&mut case, &file, &opts);
    let ts: Vec<String> = all_rows(&case).into_iter().map(|r| r.ts.unwrap()).collect();
    assert_eq!(
        ts,
        vec!["2025-01-01T11:00:00.000000Z", "2025-07-01T10:00:00.000000Z"]
    );
}

#[test]
fn bad_lines_become_issues_with_their_line_number_and_raw_text() {
    let dir = Dir::new();
    let file = dir.path("mixed.log");
    std::fs::write(
        &file,
        b"Mar 14 02:11:09 h sshd[1]: ok\r\nnot a syslog line\r\n\r\nMar 14 02:11:10 h sshd[1]: bad \xff byte\r\nMar 1",
    )
    .unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "bad", "t").unwrap();
    let s = import(
        &mut case,
        &file,
        &ImportOptions {
            year: Some(2026),
            ..Default::default()
        },
    );
    assert_eq!((s.events, s.issues, s.skipped), (2, 2, 1));
    let issues = case.issues(10).unwrap();
    let got: Vec<(&str, &str, &[u8])> = issues
        .iter()
        .map(|i| (i.locator.as_str(), i.reason.as_str(), i.raw.as_slice()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "line 2",
                "no syslog timestamp at the start of the line",
                &b"not a syslog line"[..]
            ),
            (
                "line 5",
                "no syslog timestamp at the start of the line",
                &b"Mar 1"[..]
            ),
        ]
    );
    let rows = all_rows(&case);
    assert_eq!(rows[1].message, "bad \u{fffd} byte");
    let detail = case.event(rows[1].id).unwrap();
    assert_eq!(detail.raw, b"Mar 14 02:11:10 h sshd[1]: bad \xff byte");
}

#[test]
fn importing_the_same_file_twice_is_refused_and_changes_nothing() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "dup", "t").unwrap();
    let file = sample("rollover/syslog-newyear.log");
    import(&mut case, &file, &ImportOptions::default());
    let before = (case.event_count().unwrap(), case.audit_log().unwrap().len());
    let err = import_file(&mut case, &file, &ImportOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(err.code(), "duplicate_evidence");
    assert!(
        err.to_string()
            .contains("already in the case as evidence #1 (syslog-newyear.log"),
        "{err}"
    );
    assert_eq!(
        (case.event_count().unwrap(), case.audit_log().unwrap().len()),
        before
    );
}

#[test]
fn a_cancelled_import_leaves_the_case_as_it_was() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "cancel", "t").unwrap();
    let mut calls = 0;
    let err = import_file(
        &mut case,
        &sample("incident-2026-03/bastion-01/auth.log"),
        &ImportOptions::default(),
        &mut |_| {
            calls += 1;
            if calls > 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .unwrap_err();
    crate::util::assert_cancelled_with_case_unchanged(&err, &case);
}

#[test]
fn a_file_no_parser_reads_is_still_registered_as_evidence() {
    let dir = Dir::new();
    let file = dir.path("memo.bin");
    std::fs::write(&file, [0u8, 1, 2, 3, 255]).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "unknown", "t").unwrap();
    let s = import(&mut case, &file, &ImportOptions::default());
    assert_eq!((s.format, s.events, s.issues), (None, 0, 0));
    let ev = case.evidence().unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].sha256,
        "ff5d8507b6a72bee2debce2c0054798deaccdc5d8a1b945b6280ce8aa9cba52e"
    );
    assert_eq!(ev[0].format, None);
    assert_eq!(
        case.custody(ev[0].id).unwrap()[0].action,
        "acquired into case"
    );
}

#[test]
fn the_wrong_format_is_a_clear_error() {
    let dir = Dir::new();
    let file = dir.path("notes.txt");
    std::fs::write(&file, "hello\nworld\n").unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "wrong", "t").unwrap();
    let opts = ImportOptions {
        format: Some("syslog".into()),
        ..Default::default()
    };
    let err = import_file(&mut case, &file, &opts, &mut |_| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(err.code(), "wrong_format");
    assert!(case.evidence().unwrap().is_empty());
}

#[test]
fn loghub_openssh_accounts_for_every_line() {
    let Some(file) = shared_dataset("loghub/OpenSSH_2k.log") else {
        return;
    };
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "loghub", "t").unwrap();
    let s = import(
        &mut case,
        &file,
        &ImportOptions {
            year: Some(2025),
            ..Default::default()
        },
    );
    assert_eq!(s.events + s.issues, 2000);
    assert_eq!(s.events, 2000);
    assert_eq!(s.first_ts.as_deref(), Some("2025-12-10T06:55:46.000000Z"));
    assert_eq!(s.last_ts.as_deref(), Some("2025-12-10T11:04:45.000000Z"));
}

#[test]
fn loghub_linux_messages_accounts_for_every_line() {
    let Some(file) = shared_dataset("loghub/Linux_2k.log") else {
        return;
    };
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "loghub", "t").unwrap();
    let s = import(
        &mut case,
        &file,
        &ImportOptions {
            year: Some(2005),
            ..Default::default()
        },
    );
    assert_eq!(s.events + s.issues, 2000);
    assert_eq!(s.first_ts.as_deref(), Some("2005-06-14T15:16:01.000000Z"));
}

#[test]
fn evidence_read_once_is_stored_byte_for_byte_with_its_digests_and_custody_in_order() {
    use std::io::Write;
    let dir = Dir::new();
    // Three and a bit chunks of syslog (gzip is parsed decompressed, stored as acquired).
    let mut text = Vec::new();
    let mut n = 0u64;
    while text.len() < 3 * tideline::evidence::CHUNK_SIZE + 12_345 {
        n += 1;
        writeln!(
            text,
            "Mar 14 02:{:02}:{:02} host sshd[{n}]: Failed password for root from 10.0.{}.{} port 22 ssh2",
            n / 60 % 60,
            n % 60,
            n / 250 % 250,
            n % 250 + 1
        )
        .unwrap();
    }
    let plain = dir.path("auth.log");
    std::fs::write(&plain, &text).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz_bytes = gz.finish().unwrap();
    let gzipped = dir.path("auth.log.1.gz");
    std::fs::write(&gzipped, &gz_bytes).unwrap();

    let mut case = Case::create(&dir.path("c.tideline"), "chunks", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    let s = import(&mut case, &plain, &opts);
    assert_eq!((s.events, s.issues), (n, 0));
    let g = import(&mut case, &gzipped, &opts);
    assert_eq!((g.events, g.issues, g.gzip), (n, 0, true));

    for (summary, file, bytes) in [(&s, &plain, &text), (&g, &gzipped, &gz_bytes)] {
        let want = tideline::evidence::hash_file(file).unwrap();
        let ev = case.evidence().unwrap();
        let ev = ev.iter().find(|e| e.id == summary.evidence_id).unwrap();
        assert_eq!(
            (ev.size as u64, &ev.sha256, &ev.sha1, &ev.md5),
            (want.size, &want.sha256, &want.sha1, &want.md5)
        );
        assert_eq!(summary.sha256, want.sha256);
        let mut stored = Vec::new();
        let mut seqs = Vec::new();
        case.for_each_chunk(ev.id, |c| {
            let raw = tideline::evidence::inflate_chunk(&c.data).unwrap();
            assert_eq!(raw.len() as i64, c.raw_len);
            assert_eq!(tideline::evidence::sha256_hex(&raw), c.sha256);
            seqs.push(c.seq);
            stored.extend_from_slice(&raw);
            Ok(())
        })
        .unwrap();
        assert_eq!(&stored, bytes);
        let chunks = bytes.len().div_ceil(tideline::evidence::CHUNK_SIZE) as i64;
        assert_eq!(seqs, (0..chunks).collect::<Vec<_>>());
        let custody: Vec<String> = case
            .custody(ev.id)
            .unwrap()
            .into_iter()
            .map(|c| c.action)
            .collect();
        assert_eq!(custody, ["acquired into case", "parsed"]);
    }

    // The same bytes again are refused, even after a whole parse, and nothing stays.
    let copy = dir.path("copy-of-auth.log");
    std::fs::copy(&plain, &copy).unwrap();
    let before = (case.event_count().unwrap(), case.evidence().unwrap().len());
    let err = import_file(&mut case, &copy, &opts, &mut |_| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(err.code(), "duplicate_evidence");
    assert_eq!(
        (case.event_count().unwrap(), case.evidence().unwrap().len()),
        before
    );
}

#[test]
fn an_import_commits_into_the_log_and_a_checkpoint_copies_it_into_the_main_file() {
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "wal", "t").unwrap();
    let s = import(
        &mut case,
        &sample("incident-2026-03/bastion-01/auth.log"),
        &ImportOptions::default(),
    );
    assert!(s.events > 0);
    // Committed and readable by another connection, though still only in the log.
    assert_eq!(
        Case::open_read_only(&path).unwrap().event_count().unwrap(),
        s.events as i64
    );
    let main_file_before = std::fs::metadata(&path).unwrap().len();
    let done = case.checkpoint_in_background().join().unwrap().unwrap();
    assert!(done.log_frames > 0);
    assert_eq!(done.checkpointed, done.log_frames);
    assert!(std::fs::metadata(&path).unwrap().len() > main_file_before);
    // The next write still works (reusing the log from its start), and a second
    // checkpoint finds everything copied.
    case.write(|tx| tx.insert_custody(s.evidence_id, 0, "t", "noted", "{}"))
        .unwrap();
    let again = case.checkpoint().unwrap();
    assert_eq!(again.checkpointed, again.log_frames);
    assert!(again.log_frames < done.log_frames);
    drop(case);
    assert_eq!(
        Case::open_read_only(&path).unwrap().event_count().unwrap(),
        s.events as i64
    );
}
