//! IOC lists and sweeps (issue #7) over the demo incident. The expected hit counts were
//! computed independently of Tideline by `sample-data/iocs/count_hits.py` (one
//! hand-written regular expression per indicator over each record's raw text).

use std::path::{Path, PathBuf};

use tideline::ingest::{import_paths, ImportOptions};
use tideline::ioc::list::read_list;
use tideline::ioc::sweep::{import_list, sweep_case, sweep_library, SweepReport};
use tideline::timeline::{Timeline, TimelineQuery};
use tideline::Case;

use crate::util::{ok, s, sample, shared_dataset, tideline, Dir};

const ACTOR: &str = "test-investigator";

/// (type, value, events hit) for every indicator of `iocs/incident-2026-03.txt`.
const EXPECTED: [(&str, &str, u64); 20] = [
    ("ipv4", "203.0.113.45", 2002),
    ("ipv4", "198.51.100.7", 47),
    ("ipv4", "203.0.113.4", 0),
    ("ipv4", "3.0.113.45", 0),
    ("cidr", "192.0.2.0/24", 266),
    ("cidr", "2001:db8:f860:4801::/64", 82),
    ("ipv6", "2001:db8:76a7:55ad::412e", 41),
    ("url", "http://198.51.100.7/x.sh", 39),
    ("domain", "acme.local", 144),
    ("domain", "me.local", 0),
    ("domain", "ample.com", 0),
    ("email", "orders@example.com", 11),
    (
        "sha256",
        "3b2dfb456a22f80c2c467f5c1add78414e658f076953402e512828f12bcd16b2",
        1,
    ),
    ("md5", "38c41d31aaec2f49d7a515ac3c805675", 1),
    ("file_name", "x.sh", 39),
    (
        "file_path",
        "c:\\users\\alice\\downloads\\event_history.json",
        3,
    ),
    ("user_agent", "gobuster/3.6", 326),
    ("string", "sysbackup", 32),
    ("regex", "/tmp/\\.[a-z]+\\.sh", 6),
    ("domain", "evil.example.org", 0),
];

fn incident_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![sample("incident-2026-03")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with("expected") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn incident_case(path: &Path) -> Case {
    let mut case = Case::create(path, "incident 2026-03", ACTOR).unwrap();
    let opts = ImportOptions {
        year: Some(2026),
        actor: ACTOR.into(),
        ..ImportOptions::default()
    };
    import_paths(&mut case, &incident_files(), &opts, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(case.event_count().unwrap(), 6682);
    case
}

fn hits_of(r: &SweepReport) -> Vec<(String, String, u64)> {
    r.results
        .iter()
        .map(|x| (x.kind.clone(), x.value.clone(), x.hits))
        .collect()
}

fn expected() -> Vec<(String, String, u64)> {
    EXPECTED
        .iter()
        .map(|(k, v, n)| (k.to_string(), v.to_string(), *n))
        .collect()
}

#[test]
fn text_list_accounts_for_every_line_and_refangs() {
    let l = read_list(&sample("iocs/incident-2026-03.txt")).unwrap();
    assert_eq!(
        (l.entries, l.accepted, l.skipped, l.rejected.len()),
        (26, 20, 4, 2)
    );
    assert_eq!(l.entries, 26, "the file has 26 lines");
    let rejected: Vec<(&str, &str)> = l
        .rejected
        .iter()
        .map(|r| (r.locator.as_str(), r.text.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [("line 25", "not an indicator"), ("line 26", "999.1.2.3")]
    );
    let defanged: Vec<&str> = l
        .indicators
        .iter()
        .filter(|e| e.defanged)
        .map(|e| e.indicator.value.as_str())
        .collect();
    assert_eq!(
        defanged,
        [
            "203.0.113.45",
            "http://198.51.100.7/x.sh",
            "acme.local",
            "orders@example.com",
            "evil.example.org"
        ]
    );
}

#[test]
fn sweep_pins_hits_per_indicator_with_boundaries_and_defanged_values() {
    let dir = Dir::new();
    let mut case = incident_case(&dir.path("c.tideline"));
    let imported = import_list(&mut case, &sample("iocs/incident-2026-03.txt"), ACTOR).unwrap();
    assert_eq!((imported.indicators, imported.new_indicators), (20, 20));
    let r = sweep_case(&mut case, ACTOR, 2).unwrap();
    assert_eq!(r.events, 6682);
    assert_eq!(hits_of(&r), expected());
    assert_eq!((r.events_hit, r.field_hits, r.new_hits), (2628, 7716, 7716));
    let url = &r.results[7];
    assert_eq!(
        (url.first_seen.as_deref(), url.last_seen.as_deref()),
        (
            Some("2026-03-14T02:53:10.000000Z"),
            Some("2026-03-14T08:50:01.000000Z")
        )
    );
    // The same counts come from the stored hits.
    let listed: Vec<u64> = case
        .indicators()
        .unwrap()
        .iter()
        .map(|i| i.hits as u64)
        .collect();
    assert_eq!(
        listed,
        EXPECTED.iter().map(|e| e.2).collect::<Vec<_>>(),
        "indicators() agrees with the sweep"
    );
    let audit = case.audit_log().unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "ioc sweep");
    assert!(
        last.details.contains("\"new_hits\":7716"),
        "{}",
        last.details
    );
}

#[test]
fn resweeping_stores_no_duplicate_and_lists_dedupe() {
    let dir = Dir::new();
    let mut case = incident_case(&dir.path("c.tideline"));
    import_list(&mut case, &sample("iocs/incident-2026-03.txt"), ACTOR).unwrap();
    sweep_case(&mut case, ACTOR, 2).unwrap();
    assert_eq!(case.ioc_hit_count().unwrap(), 7716);
    // The same indicators in the other three formats: nothing new, one more source each.
    for (file, indicators, rejected) in [
        ("iocs/incident-2026-03.csv", 20, 1),
        ("iocs/incident-2026-03.stix.json", 9, 1),
        ("iocs/incident-2026-03.misp.json", 9, 1),
    ] {
        let r = import_list(&mut case, &sample(file), ACTOR).unwrap();
        assert_eq!(
            (r.indicators, r.new_indicators, r.rejected.len()),
            (indicators, 0, rejected),
            "{file}: {:?}",
            r.rejected
        );
        assert_eq!(r.accepted + r.rejected.len() + r.skipped, r.entries);
    }
    let rows = case.indicators().unwrap();
    assert_eq!(rows.len(), 20);
    assert_eq!(
        (rows[0].value.as_str(), rows[0].sources),
        ("203.0.113.45", 4)
    );
    assert_eq!(
        rows[0].lists,
        "incident-2026-03.txt, incident-2026-03.csv, incident-2026-03.stix.json, incident-2026-03.misp.json"
    );
    let again = sweep_case(&mut case, ACTOR, 1).unwrap();
    assert_eq!((again.field_hits, again.new_hits), (7716, 0));
    assert_eq!(hits_of(&again), expected());
    assert_eq!(case.ioc_hit_count().unwrap(), 7716);
    assert_list_matches_plain_sql(&case, &dir.path("c.tideline"));
}

/// `indicators()` (and the sweep's variant that is handed the times of some events)
/// against the plain definition in one SQL query: sources, lists, distinct events hit,
/// first and last time.
fn assert_list_matches_plain_sql(case: &Case, path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT i.id, \
               (SELECT count(*) FROM ioc_source s WHERE s.indicator_id = i.id), \
               (SELECT group_concat(l.file_name, ', ') FROM ioc_source s \
                  JOIN ioc_list l ON l.id = s.list_id WHERE s.indicator_id = i.id), \
               (SELECT count(DISTINCT x.event_id) FROM ioc_hit x WHERE x.indicator_id = i.id), \
               (SELECT min(e.ts) FROM ioc_hit x JOIN events e ON e.id = x.event_id \
                  WHERE x.indicator_id = i.id), \
               (SELECT max(e.ts) FROM ioc_hit x JOIN events e ON e.id = x.event_id \
                  WHERE x.indicator_id = i.id) \
             FROM ioc_indicator i ORDER BY i.id",
        )
        .unwrap();
    type Plain = (
        i64,
        i64,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let time = |t: Option<i64>| t.map(tideline::time::format_micros);
    let plain: Vec<Plain> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                time(r.get(4)?),
                time(r.get(5)?),
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // Every list here is imported once, so the names need no dedup in the plain query.
    let as_plain = |rows: Vec<tideline::store::IndicatorRow>| -> Vec<Plain> {
        rows.into_iter()
            .map(|r| {
                let lists = (!r.lists.is_empty()).then_some(r.lists);
                (r.id, r.sources, lists, r.hits, r.first_seen, r.last_seen)
            })
            .collect()
    };
    assert_eq!(plain.len(), 20);
    assert!(plain.iter().filter(|p| p.3 > 0).count() >= 12);
    assert_eq!(as_plain(case.indicators().unwrap()), plain);
    // Half of the events' times handed over (read here from the rows), half looked up.
    let mut known = std::collections::HashMap::new();
    let mut times = conn
        .prepare(
            "SELECT DISTINCT x.event_id, e.ts FROM ioc_hit x JOIN events e ON e.id = x.event_id",
        )
        .unwrap();
    let pairs: Vec<(i64, Option<i64>)> = times
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(pairs.len() > 1000);
    for (id, ts) in pairs.into_iter().step_by(2) {
        known.insert(id, ts);
    }
    assert_eq!(as_plain(case.indicators_with_times(&known).unwrap()), plain);
}

#[test]
fn hits_name_their_fields_and_filter_the_timeline() {
    let dir = Dir::new();
    let mut case = incident_case(&dir.path("c.tideline"));
    import_list(&mut case, &sample("iocs/incident-2026-03.txt"), ACTOR).unwrap();
    sweep_case(&mut case, ACTOR, 2).unwrap();
    let sha = case.indicators().unwrap()[12].clone();
    assert_eq!(sha.kind, "sha256");
    let ids = case.ioc_hit_event_ids(sha.id).unwrap();
    assert_eq!(ids.len(), 1);
    let fields: Vec<(String, String)> = case
        .ioc_hits_for_event(ids[0])
        .unwrap()
        .into_iter()
        .map(|h| (h.kind, h.field))
        .collect();
    assert_eq!(
        fields,
        [
            ("domain", "attrs.host"),
            ("domain", "host"),
            ("domain", "raw"),
            ("sha256", "attrs.Hashes"),
            ("sha256", "raw"),
            ("md5", "attrs.Hashes"),
            ("md5", "raw"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect::<Vec<_>>()
    );
    let ua = &case.indicators().unwrap()[16];
    let page = Timeline::load(&case)
        .unwrap()
        .query(&TimelineQuery {
            query: format!("ioc:{}", ua.id),
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 326);
    let mut shown: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    shown.sort_unstable();
    assert_eq!(shown, case.ioc_hit_event_ids(ua.id).unwrap());
    assert!(page.rows.iter().all(|r| r.source == "apache_access"));
    assert!(page.rows.iter().all(|r| r.iocs.contains(&ua.id)));
    // Every hit event is marked (`iocs`) and tagged `ioc`, and nothing else is.
    let mut hit_events: Vec<i64> = case.ioc_hit_pairs().unwrap().iter().map(|p| p.1).collect();
    hit_events.sort_unstable();
    hit_events.dedup();
    let timeline = Timeline::load(&case).unwrap();
    for q in ["is:hit", "tag:ioc", "ioc:*"] {
        let page = timeline
            .query(&TimelineQuery {
                query: q.to_string(),
                limit: 100_000,
                ..Default::default()
            })
            .unwrap();
        let mut ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, hit_events, "{q}");
    }
}

#[test]
fn sealed_case_refuses_import_and_sweep() {
    let dir = Dir::new();
    let path = dir.path("c.tideline");
    let mut case = incident_case(&path);
    import_list(&mut case, &sample("iocs/incident-2026-03.txt"), ACTOR).unwrap();
    tideline::archive::seal(&mut case, ACTOR).unwrap();
    let e = import_list(&mut case, &sample("iocs/incident-2026-03.csv"), ACTOR).unwrap_err();
    assert_eq!(e.code(), "sealed");
    let e = sweep_case(&mut case, ACTOR, 2).unwrap_err();
    assert_eq!(e.code(), "sealed");
    assert_eq!(case.ioc_hit_count().unwrap(), 0);
    let v = tideline::archive::verify(&Case::open_read_only(&path).unwrap()).unwrap();
    assert!(v.intact, "{:?}", v.problems);
}

#[test]
fn library_sweep_reads_sealed_cases_and_stores_hits_in_open_ones() {
    let dir = Dir::new();
    let lib = dir.path("library");
    std::fs::create_dir(&lib).unwrap();
    let sealed = lib.join("a-sealed.tideline");
    let mut c = incident_case(&sealed);
    tideline::archive::seal(&mut c, ACTOR).unwrap();
    drop(c);
    let before = std::fs::read(&sealed).unwrap();
    drop(incident_case(&lib.join("b-open.tideline")));
    std::fs::write(lib.join("notes.txt"), "not a case").unwrap();
    let (list, cases) =
        sweep_library(&lib, &sample("iocs/incident-2026-03.txt"), ACTOR, 2).unwrap();
    assert_eq!(list.indicators.len(), 20);
    assert_eq!(cases.len(), 2, "only *.tideline files are cases");
    let a = cases[0].report.as_ref().unwrap();
    let b = cases[1].report.as_ref().unwrap();
    assert_eq!(
        (a.sealed, a.stored, b.sealed, b.stored),
        (true, false, false, true)
    );
    assert_eq!(hits_of(a), expected());
    assert_eq!(hits_of(b), expected());
    assert_eq!((a.field_hits, b.new_hits), (7716, 7716));
    assert_eq!(
        (
            a.results[7].first_seen.as_deref(),
            a.results[7].last_seen.as_deref()
        ),
        (
            Some("2026-03-14T02:53:10.000000Z"),
            Some("2026-03-14T08:50:01.000000Z")
        )
    );
    assert_eq!(
        std::fs::read(&sealed).unwrap(),
        before,
        "the sealed case is unchanged"
    );
    let sealed_case = Case::open_read_only(&sealed).unwrap();
    assert_eq!(sealed_case.ioc_hit_count().unwrap(), 0);
    assert!(tideline::archive::verify(&sealed_case).unwrap().intact);
    assert_eq!(
        Case::open_read_only(&lib.join("b-open.tideline"))
            .unwrap()
            .ioc_hit_count()
            .unwrap(),
        7716
    );
}

#[test]
fn cli_ioc_import_list_and_sweep() {
    let dir = Dir::new();
    let case = dir.path("c.tideline");
    ok(&["new", s(&case), "--title", "t"]);
    let mut args = vec!["import", s(&case), "--year", "2026"];
    let files = incident_files();
    args.extend(files.iter().map(|p| s(p)));
    ok(&args);
    let out = ok(&[
        "ioc",
        "import",
        s(&case),
        "sample-data/iocs/incident-2026-03.txt",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &v["entries"],
            &v["accepted"],
            &v["skipped"],
            &v["indicators"]
        ),
        (&26.into(), &20.into(), &4.into(), &20.into())
    );
    assert_eq!(v["rejected"][1]["locator"], "line 26");
    let out = ok(&["sweep", s(&case), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String, u64)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                r["value"].as_str().unwrap().to_string(),
                r["hits"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected());
    let text = ok(&["ioc", "list", s(&case)]);
    assert!(
        text.lines().any(|l| l.starts_with("user_agent")
            && l.contains(
                "326  2026-03-14T01:54:02.000000Z 2026-03-14T01:56:52.000000Z gobuster/3.6"
            )),
        "{text}"
    );
    ok(&["seal", s(&case)]);
    let out = tideline(&["sweep", s(&case)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sealed"));
    let lib = dir.0.path();
    let out = ok(&[
        "sweep",
        "--library",
        s(lib),
        "sample-data/iocs/incident-2026-03.txt",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cases"][0]["report"]["sealed"], true);
    assert_eq!(v["cases"][0]["report"]["results"][16]["hits"], 326);
}

/// Extra tier: the ESET lists (`../shared/datasets/eset-malware-ioc`) import with every
/// line or attribute accounted for (see its SOURCE.md for the counts).
#[test]
fn eset_lists_import_with_every_entry_accounted_for() {
    let Some(root) = shared_dataset("eset-malware-ioc") else {
        return;
    };
    let mut total = 0;
    for group in ["dukes", "sednit", "embargo"] {
        let n = match group {
            "dukes" => 18,
            "sednit" => 133,
            _ => 9,
        };
        for (ext, kind) in [("md5", "md5"), ("sha1", "sha1"), ("sha256", "sha256")] {
            let l = read_list(&root.join(group).join(format!("samples.{ext}"))).unwrap();
            assert_eq!(
                (l.entries, l.accepted, l.skipped, l.rejected.len()),
                (n, n, 0, 0),
                "{group}/samples.{ext}"
            );
            assert!(l.indicators.iter().all(|e| e.indicator.kind.name() == kind));
            total += l.indicators.len();
        }
    }
    assert_eq!(total, 480);
    let misp = read_list(&root.join("dukes/misp-dukes-operation-ghost-event.json")).unwrap();
    assert_eq!(
        (
            misp.entries,
            misp.accepted,
            misp.skipped,
            misp.rejected.len()
        ),
        (101, 87, 0, 14)
    );
    let mut kinds = std::collections::BTreeMap::new();
    for e in &misp.indicators {
        *kinds.entry(e.indicator.kind.name()).or_insert(0) += 1;
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [("domain", 20), ("sha1", 18), ("url", 49)]
    );
    assert!(misp
        .rejected
        .iter()
        .all(|r| r.reason.contains("'text'") || r.reason.contains("'link'")));
    // None of them occurs in the demo incident.
    let dir = Dir::new();
    let mut case = incident_case(&dir.path("c.tideline"));
    let r = import_list(
        &mut case,
        &root.join("dukes/misp-dukes-operation-ghost-event.json"),
        ACTOR,
    )
    .unwrap();
    assert_eq!(r.new_indicators, 87);
    let swept = sweep_case(&mut case, ACTOR, 2).unwrap();
    assert_eq!((swept.field_hits, swept.events_hit), (0, 0));
}
