//! Sealing and verification: a sealed case refuses changes, and tampering is named.

use std::ops::ControlFlow;

use tideline::archive::{seal, verify};
use tideline::ingest::{import_file, ImportOptions};
use tideline::Case;

use crate::util::{sample, Dir};

fn sealed_case(dir: &Dir) -> std::path::PathBuf {
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "seal test", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    for f in [
        "incident-2026-03/bastion-01/auth.log",
        "incident-2026-03/bastion-01/malformed.log",
    ] {
        import_file(&mut case, &sample(f), &opts, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    }
    seal(&mut case, "t").unwrap();
    path
}

/// Opens the case file as an attacker with the sqlite3 shell would: no Tideline rules.
fn tamper(path: &std::path::Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_fresh_seal_verifies_intact() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(v.intact, "{:?}", v.problems);
    assert!(v.sealed);
    assert_eq!(v.evidence_checked, 2);
    assert_eq!(v.audit_entries_checked, 4); // created, 2 imports, sealed
}

#[test]
fn a_sealed_case_refuses_every_write() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    let mut case = Case::open(&path).unwrap();
    let err = import_file(
        &mut case,
        &sample("rollover/syslog-newyear.log"),
        &ImportOptions::default(),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "sealed");
    assert_eq!(seal(&mut case, "t").unwrap_err().code(), "sealed");
    // Below Tideline, the triggers refuse too.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE events SET message = 'x' WHERE id = 1",
        "DELETE FROM events WHERE id = 1",
        "UPDATE evidence SET sha256 = 'x'",
        "UPDATE case_meta SET sealed_at = NULL",
        "INSERT INTO import_issue (evidence_id, locator, reason, raw) VALUES (1, 'line 1', 'x', x'')",
    ] {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("the case is sealed"), "{sql}: {err}");
    }
}

#[test]
fn an_altered_event_row_is_named() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    tamper(
        &path,
        "DROP TRIGGER sealed_events_update; UPDATE events SET user = 'nobody' WHERE id = 7;",
    );
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(!v.intact);
    assert_eq!(
        v.problems,
        vec![
            "event 7 (line 7 of auth.log) was altered: its content no longer matches its row hash"
                .to_string(),
            "the seal's write protection on table events (UPDATE) was removed".to_string(),
        ]
    );
}

#[test]
fn a_deleted_event_row_is_named_by_its_block() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    tamper(
        &path,
        "DROP TRIGGER sealed_events_delete; DELETE FROM events WHERE id = 3;",
    );
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(
        v.problems.iter().any(|p| p.starts_with("the case held ")),
        "{:?}",
        v.problems
    );
    assert!(
        v.problems.contains(
            &"events with ids 1..=4096 were added, removed or re-hashed since sealing".to_string()
        ),
        "{:?}",
        v.problems
    );
}

#[test]
fn an_altered_evidence_chunk_is_named() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    // Replace chunk 0 of evidence 1 with the compressed bytes of other text.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, b"Mar 14 00:00:00 forged line\n").unwrap();
    let forged = enc.finish().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER sealed_evidence_chunk_update")
        .unwrap();
    conn.execute(
        "UPDATE evidence_chunk SET data = ?1 WHERE evidence_id = 1 AND seq = 0",
        [forged],
    )
    .unwrap();
    drop(conn);
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(!v.intact);
    assert!(
        v.problems
            .contains(&"evidence #1 auth.log: stored chunk 0 was altered".to_string()),
        "{:?}",
        v.problems
    );
    assert!(v.problems.iter().any(
        |p| p.starts_with("evidence #1 auth.log: the stored bytes no longer match its SHA-256")
    ));
}

#[test]
fn an_altered_audit_entry_is_named() {
    let dir = Dir::new();
    let path = sealed_case(&dir);
    tamper(
        &path,
        "DROP TRIGGER sealed_audit_update; DROP TRIGGER audit_append_only_update; \
         UPDATE audit SET actor = 'someone-else' WHERE seq = 2;",
    );
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(!v.intact);
    assert!(
        v.problems.contains(&"audit entry 2 ('evidence imported' by someone-else) was altered: its content no longer matches its hash".to_string()),
        "{:?}",
        v.problems
    );
}

#[test]
fn an_unsealed_case_still_checks_rows_chunks_and_chain() {
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "open case", "t").unwrap();
    import_file(
        &mut case,
        &sample("rollover/syslog-newyear.log"),
        &ImportOptions::default(),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    drop(case);
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(v.intact && !v.sealed);
    tamper(&path, "UPDATE events SET message = 'edited' WHERE id = 2;");
    let v = verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert_eq!(
        v.problems,
        vec!["event 2 (line 2 of syslog-newyear.log) was altered: its content no longer matches its row hash".to_string()]
    );
}

fn triggers_of(path: &std::path::Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

/// An import sets the seal's INSERT triggers aside inside its own transaction: after a
/// finished, a refused and a cancelled import they are all back, with the same SQL.
#[test]
fn an_import_leaves_the_seal_triggers_exactly_as_they_were() {
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "triggers", "t").unwrap();
    let before = triggers_of(&path);
    assert_eq!(
        before
            .iter()
            .filter(|(name, _)| name == "sealed_events_insert")
            .count(),
        1
    );
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    let auth = sample("incident-2026-03/bastion-01/auth.log");
    import_file(&mut case, &auth, &opts, &mut |_| ControlFlow::Continue(())).unwrap();
    assert_eq!(triggers_of(&path), before);
    let dup = import_file(&mut case, &auth, &opts, &mut |_| ControlFlow::Continue(()));
    assert_eq!(dup.unwrap_err().code(), "duplicate_evidence");
    assert_eq!(triggers_of(&path), before);
    let cancelled = import_file(
        &mut case,
        &sample("incident-2026-03/bastion-01/malformed.log"),
        &opts,
        &mut |_| ControlFlow::Break(()),
    );
    assert_eq!(cancelled.unwrap_err().code(), "cancelled");
    assert_eq!(triggers_of(&path), before);
    seal(&mut case, "t").unwrap();
    drop(case);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute_batch(
            "INSERT INTO events (ts_quality, source, evidence_id, locator, message, raw, attrs, \
             row_hash) VALUES ('exact', 'x', 1, 'line 1', 'x', x'', '{}', x'')",
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("the case is sealed"), "{err}");
}

/// A sweep sets the seal's INSERT triggers of its hits and tags aside inside its own
/// transaction: afterwards they are all back with the same SQL, and once the case is
/// sealed a hit or a tag is refused again.
#[test]
fn a_sweep_leaves_the_seal_triggers_exactly_as_they_were() {
    use tideline::ioc::sweep::{import_list, sweep_case};
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = Case::create(&path, "triggers", "t").unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        ..Default::default()
    };
    let auth = sample("incident-2026-03/bastion-01/auth.log");
    import_file(&mut case, &auth, &opts, &mut |_| ControlFlow::Continue(())).unwrap();
    import_list(&mut case, &sample("iocs/incident-2026-03.txt"), "t").unwrap();
    let before = triggers_of(&path);
    for table in ["ioc_hit", "event_tag"] {
        let name = format!("sealed_{table}_insert");
        assert_eq!(
            before.iter().filter(|(n, _)| *n == name).count(),
            1,
            "{name}"
        );
    }
    let r = sweep_case(&mut case, "t", 2).unwrap();
    assert!(
        r.new_hits > 100 && r.events_hit > 100,
        "{} {}",
        r.new_hits,
        r.events_hit
    );
    assert_eq!(triggers_of(&path), before);
    seal(&mut case, "t").unwrap();
    let Err(refused) = sweep_case(&mut case, "t", 2) else {
        panic!("a sealed case took a sweep");
    };
    assert_eq!(refused.code(), "sealed");
    drop(case);
    assert_eq!(triggers_of(&path), before);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "INSERT INTO ioc_hit (indicator_id, event_id, field, sweep_id) VALUES (1, 2, 'raw', 1)",
        "INSERT INTO event_tag (event_id, tag) VALUES (3, 'late')",
    ] {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("the case is sealed"), "{sql}: {err}");
    }
}
