//! Containers: gzip read transparently, directories and zip archives as one evidence item
//! per file, one transaction for the lot, bombs and links refused.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

use tideline::ingest::{import_paths, ImportOptions};
use tideline::Case;

use crate::util::{all_rows, sample, Dir};

fn opts() -> ImportOptions {
    ImportOptions {
        year: Some(2025),
        ..Default::default()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn a_gzip_file_is_stored_as_is_and_parsed_decompressed() {
    let dir = Dir::new();
    let plain = std::fs::read(sample("rollover/syslog-newyear.log")).unwrap();
    let gz = dir.path("syslog.1.gz");
    let gz_bytes = gzip(&plain);
    std::fs::write(&gz, &gz_bytes).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "gz", "t").unwrap();
    let report = import_paths(
        &mut case,
        &[gz],
        &opts(),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert!(report.refused.is_empty());
    let s = &report.imported[0];
    assert_eq!(
        (s.format.as_deref(), s.gzip, s.events, s.issues),
        (Some("syslog"), true, 20, 0)
    );
    // The evidence is the .gz file itself.
    assert_eq!(s.sha256, tideline::evidence::sha256_hex(&gz_bytes));
    assert_eq!(case.evidence().unwrap()[0].size as usize, gz_bytes.len());
}

#[test]
fn a_directory_gives_one_evidence_item_per_file_and_refuses_links() {
    let dir = Dir::new();
    let logs = dir.path("logs");
    std::fs::create_dir_all(logs.join("sub")).unwrap();
    std::fs::copy(sample("rollover/syslog-newyear.log"), logs.join("b.log")).unwrap();
    std::fs::copy(
        sample("incident-2026-03/bastion-01/malformed.log"),
        logs.join("sub/a.log"),
    )
    .unwrap();
    std::fs::write(logs.join("notes.bin"), [0u8, 159, 146, 150]).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", logs.join("link.log")).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "dir", "t").unwrap();
    let report = import_paths(&mut case, std::slice::from_ref(&logs), &opts(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    let got: Vec<(String, Option<String>, u64, u64)> = report
        .imported
        .iter()
        .map(|s| {
            (
                PathBuf::from(&s.path)
                    .strip_prefix(&logs)
                    .unwrap()
                    .display()
                    .to_string(),
                s.format.clone(),
                s.events,
                s.issues,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("b.log".to_string(), Some("syslog".to_string()), 20, 0),
            ("notes.bin".to_string(), None, 0, 0),
            ("sub/a.log".to_string(), Some("syslog".to_string()), 8, 2),
        ]
    );
    assert_eq!(report.refused.len(), 1);
    assert!(
        report.refused[0]
            .reason
            .contains("link.log is a symbolic link: not followed"),
        "{:?}",
        report.refused
    );
    assert_eq!(case.evidence().unwrap().len(), 3);
}

fn write_zip(path: &std::path::Path, members: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, o).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn a_zip_gives_one_evidence_item_per_member_with_the_archive_in_custody() {
    let dir = Dir::new();
    let plain = std::fs::read(sample("rollover/syslog-newyear.log")).unwrap();
    let archive = dir.path("triage.zip");
    write_zip(
        &archive,
        &[("var/log/syslog", &plain), ("var/log/empty.log", b"")],
    );
    let archive_sha = tideline::evidence::hash_file(&archive).unwrap().sha256;
    let mut case = Case::create(&dir.path("c.tideline"), "zip", "t").unwrap();
    let report = import_paths(
        &mut case,
        std::slice::from_ref(&archive),
        &opts(),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let paths: Vec<&str> = report.imported.iter().map(|s| s.path.as_str()).collect();
    let shown = archive.display().to_string();
    assert_eq!(
        paths,
        vec![
            format!("{shown}!var/log/empty.log"),
            format!("{shown}!var/log/syslog")
        ]
    );
    assert_eq!(report.imported[1].events, 20);
    assert_eq!(
        report.imported[1].sha256,
        tideline::evidence::sha256_hex(&plain)
    );
    let ev = case.evidence().unwrap();
    assert_eq!(ev[1].file_name, "syslog");
    assert!(ev[1].original_path.ends_with("triage.zip!var/log/syslog"));
    let custody = case.custody(ev[1].id).unwrap();
    assert!(
        custody[0]
            .details
            .contains(&format!("\"container_sha256\":\"{archive_sha}\"")),
        "{}",
        custody[0].details
    );
}

#[test]
fn a_zip_member_that_expands_past_its_declared_size_is_refused() {
    let dir = Dir::new();
    let archive = dir.path("bomb.zip");
    write_zip(&archive, &[("a.log", &[b'A'; 5000])]);
    // Shrink the declared size in the local header (offset 22) and the central directory
    // (offset 24 of its entry) to 10 bytes.
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes[22..26].copy_from_slice(&10u32.to_le_bytes());
    let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
    std::fs::write(&archive, &bytes).unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "bomb", "t").unwrap();
    let report = import_paths(&mut case, &[archive], &opts(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(report.imported.is_empty());
    assert_eq!(report.refused.len(), 1, "{:?}", report.refused);
    assert!(case.evidence().unwrap().is_empty());
}

#[test]
fn one_bad_file_is_refused_alone_and_a_cancel_undoes_the_whole_batch() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "batch", "t").unwrap();
    let good = sample("rollover/syslog-newyear.log");
    let missing = dir.path("missing.log");
    let report = import_paths(
        &mut case,
        &[good.clone(), missing, good],
        &opts(),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(report.imported.len(), 1);
    let codes: Vec<&str> = report.refused.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["io", "duplicate_evidence"]);
    assert_eq!(case.event_count().unwrap(), 20);

    let before = (
        case.event_count().unwrap(),
        case.evidence().unwrap().len(),
        case.audit_log().unwrap().len(),
    );
    let mut calls = 0;
    let err = import_paths(
        &mut case,
        &[
            sample("incident-2026-03/bastion-01/malformed.log"),
            sample("incident-2026-03/bastion-01/auth.log"),
        ],
        &opts(),
        &mut |p| {
            calls += 1;
            if p.file_index == 2 && p.events > 2048 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(calls > 2);
    assert_eq!(
        (
            case.event_count().unwrap(),
            case.evidence().unwrap().len(),
            case.audit_log().unwrap().len()
        ),
        before
    );
}

/// Each item is read and parsed while the one before it is stored: its events still get
/// their ids in order, with none skipped for a refused item, and every row hash holds.
#[test]
fn items_read_ahead_get_their_ids_in_order_even_after_a_refused_one() {
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "ahead", "t").unwrap();
    let first = sample("rollover/syslog-newyear.log");
    let copy = dir.path("copy-of-newyear.log");
    std::fs::copy(&first, &copy).unwrap();
    let last = sample("incident-2026-03/bastion-01/malformed.log");
    let report = import_paths(&mut case, &[first, copy, last], &opts(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    let imported: Vec<(i64, u64, u64)> = report
        .imported
        .iter()
        .map(|s| (s.evidence_id, s.events, s.issues))
        .collect();
    assert_eq!(imported, vec![(1, 20, 0), (2, 8, 2)]);
    let codes: Vec<&str> = report.refused.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["duplicate_evidence"]);
    let mut ids: Vec<(i64, i64)> = all_rows(&case)
        .iter()
        .map(|r| (r.evidence_id, r.id))
        .collect();
    ids.sort();
    let expected: Vec<(i64, i64)> = (1..=20)
        .map(|id| (1, id))
        .chain((21..=28).map(|id| (2, id)))
        .collect();
    assert_eq!(ids, expected);
    drop(case);
    let v = tideline::archive::verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(v.intact, "{:?}", v.problems);
    assert_eq!((v.evidence_checked, v.events_checked), (2, 28));
}

/// A cancel while the next item is being read ahead (its evidence thread held up by the
/// channel's bound, its parser waiting for its ids) stops every thread and changes nothing.
#[test]
fn a_cancel_with_the_next_item_read_ahead_stops_it_and_changes_nothing() {
    let dir = Dir::new();
    let mut case = Case::create(&dir.path("c.tideline"), "ahead", "t").unwrap();
    // 9 MiB: more chunks than the channel holds, so its evidence thread has to wait.
    let big = dir.path("big.log");
    let line = "Mar 14 02:51:37 bastion-01 sshd[4242]: Connection closed by 192.0.2.1 port 22\n";
    std::fs::write(&big, line.repeat((9 << 20) / line.len() + 1)).unwrap();
    let err = import_paths(
        &mut case,
        &[sample("incident-2026-03/bastion-01/auth.log"), big],
        &opts(),
        &mut |p| {
            if p.file_index == 1 && p.events > 2048 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .unwrap_err();
    crate::util::assert_cancelled_with_case_unchanged(&err, &case);
}
