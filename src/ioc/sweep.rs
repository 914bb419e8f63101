//! Sweeps: import a list into a case, run every indicator over every field of every
//! event, store or report the hits.
//!
//! [`find_hits`] splits the event ids into slices and hands them to worker threads; each
//! worker opens the case file read-only on its own connection and streams its slices'
//! rows ([`Case::scan_events`], no copies), so reading and matching both run in parallel.
//! A hit in `attrs` is traced to its key (`attrs.CommandLine`) by parsing that one event's
//! attributes; hits are rare, so the parse is too.
//!
//! [`sweep_case`] stores the hits in a writable case (one transaction with its audit
//! entry; a hit the case has already is not stored again). [`sweep_read_only`] reports
//! them without writing: that is how a sealed case is swept. [`sweep_library`] does either
//! for every case file in a folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::json;

use super::list::{read_list, ParsedList, Rejected};
use super::matcher::Matcher;
use super::{Indicator, Kind};
use crate::archive::audit;
use crate::error::{Error, Result};
use crate::store::{Case, NewIocList, SWEEP_TABLES, SWEPT_COLUMNS};
use crate::time::{format_micros, now_micros, Micros};

/// The extension of case files (`tideline sweep --library` looks for it).
pub const CASE_EXTENSION: &str = "tideline";

/// The tag a sweep puts on every event an indicator hit (query `tag:ioc`; the indicators
/// themselves are in the timeline's `iocs` column, query `ioc:ID`).
pub const HIT_TAG: &str = "ioc";

/// One hit found by a sweep.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Index into the swept indicators.
    pub indicator: u32,
    pub event_id: i64,
    pub ts: Option<Micros>,
    pub field: String,
}

/// What one sweep over a case found.
pub struct Found {
    pub events: u64,
    pub hits: Vec<Hit>,
}

/// How many threads sweep by default: the machine's cores, at most 8.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8)
}

/// Runs `matcher` over every event of the case file at `path` on `threads` threads.
pub fn find_hits(path: &Path, matcher: &Matcher, threads: usize) -> Result<Found> {
    let probe = Case::open_read_only(path)?;
    let Some((lo, hi)) = probe.event_id_range()? else {
        return Ok(Found {
            events: 0,
            hits: Vec::new(),
        });
    };
    drop(probe);
    let threads = threads.max(1);
    // Several slices per thread, taken in turn, so an uneven slice does not leave a core idle.
    let slices = (threads * 8) as i64;
    let width = ((hi - lo + 1) + slices - 1) / slices;
    let next = AtomicUsize::new(0);
    let results: Vec<Result<Found>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                // A clone per thread: its regular expressions get caches of their own.
                let matcher = matcher.clone();
                let next = &next;
                s.spawn(move || -> Result<Found> {
                    let matcher = &matcher;
                    let case = Case::open_read_only(path)?;
                    let mut out = Found {
                        events: 0,
                        hits: Vec::new(),
                    };
                    let mut found = Vec::new();
                    let mut in_attrs = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as i64;
                        if i >= slices {
                            break;
                        }
                        let a = lo + i * width;
                        let b = (a + width - 1).min(hi);
                        if a > hi {
                            break;
                        }
                        case.scan_events(a, b, |ev| {
                            out.events += 1;
                            for (f, text) in ev.fields.iter().enumerate() {
                                found.clear();
                                matcher.scan(text, &mut found);
                                if found.is_empty() {
                                    continue;
                                }
                                found.sort_unstable();
                                found.dedup();
                                if SWEPT_COLUMNS[f] == "attrs" {
                                    attrs_hits(matcher, text, &found, &mut in_attrs, |ind, key| {
                                        out.hits.push(Hit {
                                            indicator: ind,
                                            event_id: ev.id,
                                            ts: ev.ts,
                                            field: key,
                                        })
                                    });
                                    continue;
                                }
                                for &ind in &found {
                                    out.hits.push(Hit {
                                        indicator: ind,
                                        event_id: ev.id,
                                        ts: ev.ts,
                                        field: SWEPT_COLUMNS[f].to_string(),
                                    });
                                }
                            }
                            Ok(())
                        })?;
                    }
                    Ok(out)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a sweep thread panicked"))
            .collect()
    });
    let mut all = Found {
        events: 0,
        hits: Vec::new(),
    };
    for r in results {
        let r = r?;
        all.events += r.events;
        all.hits.extend(r.hits);
    }
    all.hits.sort_unstable();
    Ok(all)
}

/// Names the `attrs` keys the indicators in `found` were found under (`attrs.KEY`), or
/// `attrs` when no single value holds it (e.g. it spans keys).
fn attrs_hits(
    matcher: &Matcher,
    attrs: &[u8],
    found: &[u32],
    scratch: &mut Vec<u32>,
    mut push: impl FnMut(u32, String),
) {
    let mut placed = vec![false; found.len()];
    if let Ok(map) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(attrs) {
        for (key, value) in &map {
            scratch.clear();
            match value {
                serde_json::Value::String(s) => matcher.scan(s.as_bytes(), scratch),
                other => matcher.scan(other.to_string().as_bytes(), scratch),
            }
            scratch.sort_unstable();
            scratch.dedup();
            for &ind in scratch.iter() {
                if let Ok(pos) = found.binary_search(&ind) {
                    placed[pos] = true;
                    push(ind, format!("attrs.{key}"));
                }
            }
        }
    }
    for (pos, &ind) in found.iter().enumerate() {
        if !placed[pos] {
            push(ind, "attrs".to_string());
        }
    }
}

/// One indicator's result in a sweep report.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorHits {
    /// Its id in the case (absent when a sealed case was swept in memory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    /// Events with at least one hit.
    pub hits: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// What a sweep of one case found.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub case: PathBuf,
    pub sealed: bool,
    /// Whether the hits were stored in the case.
    pub stored: bool,
    pub events: u64,
    pub indicators: usize,
    /// Hits as (indicator, event, field).
    pub field_hits: usize,
    /// Of those, the ones the case did not have yet (0 when not stored).
    pub new_hits: usize,
    /// Events with a hit of any indicator.
    pub events_hit: usize,
    pub results: Vec<IndicatorHits>,
}

fn events_hit(hits: &[Hit]) -> usize {
    let mut ids: Vec<i64> = hits.iter().map(|h| h.event_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The indicators stored in a case, in id order: their ids, and the indicators.
pub fn case_indicators(case: &Case) -> Result<(Vec<i64>, Vec<Indicator>)> {
    let rows = case.indicator_values()?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut indicators = Vec::with_capacity(rows.len());
    for (id, kind, value) in rows {
        let kind = Kind::from_name(&kind)
            .ok_or_else(|| Error::Invalid(format!("indicator {id} has unknown kind {kind}")))?;
        ids.push(id);
        indicators.push(Indicator { kind, value });
    }
    Ok((ids, indicators))
}

/// Sweeps every indicator of a writable case and stores the hits.
pub fn sweep_case(case: &mut Case, actor: &str, threads: usize) -> Result<SweepReport> {
    let (ids, indicators) = case_indicators(case)?;
    let matcher = Matcher::new(&indicators)?;
    // Refuse a sealed or read-only case before the work, not after it.
    case.write(|_| Ok(()))?;
    let found = find_hits(case.path(), &matcher, threads)?;
    let events = found.events;
    let new_hits = case.write(|tx| {
        let sweep = tx.insert_sweep(
            now_micros(),
            actor,
            ids.len() as i64,
            events as i64,
            found.hits.len() as i64,
        )?;
        // Tens of thousands of hits (a statement each) and tags (one statement): without
        // the seal's per-row INSERT triggers (the case was checked unsealed above, inside
        // this transaction nobody can seal it, and the triggers are back before the commit).
        let (new, tagged) = tx.with_seal_inserts_suspended_on(&SWEEP_TABLES, || {
            let mut new = 0;
            for h in &found.hits {
                if tx.insert_hit(ids[h.indicator as usize], h.event_id, &h.field, sweep)? {
                    new += 1;
                }
            }
            let mut hit_events: Vec<i64> = found.hits.iter().map(|h| h.event_id).collect();
            hit_events.sort_unstable();
            hit_events.dedup();
            let tagged = tx.load_ids(&hit_events)?.add_tag(HIT_TAG)?;
            Ok((new, tagged))
        })?;
        tx.finish_sweep(sweep, new)?;
        audit::append(
            tx,
            actor,
            "ioc sweep",
            &json!({
                "sweep": sweep,
                "indicators": ids.len(),
                "events": events,
                "hits": found.hits.len(),
                "new_hits": new,
                "events_hit": events_hit(&found.hits),
                "tagged": tagged,
            }),
        )?;
        Ok(new as usize)
    })?;
    // The times of the events hit were read by the sweep; the stored hits stay the record.
    let known: HashMap<i64, Option<Micros>> =
        found.hits.iter().map(|h| (h.event_id, h.ts)).collect();
    let results = case
        .indicators_with_times(&known)?
        .into_iter()
        .map(|r| IndicatorHits {
            id: Some(r.id),
            kind: r.kind,
            value: r.value,
            hits: r.hits as u64,
            first_seen: r.first_seen,
            last_seen: r.last_seen,
        })
        .collect();
    Ok(SweepReport {
        case: case.path().to_path_buf(),
        sealed: false,
        stored: true,
        events,
        indicators: ids.len(),
        field_hits: found.hits.len(),
        new_hits,
        events_hit: events_hit(&found.hits),
        results,
    })
}

/// Sweeps the case file at `path` for `indicators` without writing anything.
pub fn sweep_read_only(
    path: &Path,
    indicators: &[Indicator],
    threads: usize,
) -> Result<SweepReport> {
    let case = Case::open_read_only(path)?;
    let sealed = case.meta()?.sealed_at.is_some();
    drop(case);
    let matcher = Matcher::new(indicators)?;
    let found = find_hits(path, &matcher, threads)?;
    let mut per: Vec<(Vec<i64>, Option<Micros>, Option<Micros>)> =
        vec![(Vec::new(), None, None); indicators.len()];
    for h in &found.hits {
        let slot = &mut per[h.indicator as usize];
        if slot.0.last() != Some(&h.event_id) {
            slot.0.push(h.event_id);
        }
        if let Some(ts) = h.ts {
            slot.1 = Some(slot.1.map_or(ts, |t: Micros| t.min(ts)));
            slot.2 = Some(slot.2.map_or(ts, |t: Micros| t.max(ts)));
        }
    }
    let results = indicators
        .iter()
        .zip(per)
        .map(|(ind, (events, first, last))| IndicatorHits {
            id: None,
            kind: ind.kind.name().to_string(),
            value: ind.value.clone(),
            hits: events.len() as u64,
            first_seen: first.map(format_micros),
            last_seen: last.map(format_micros),
        })
        .collect();
    Ok(SweepReport {
        case: path.to_path_buf(),
        sealed,
        stored: false,
        events: found.events,
        indicators: indicators.len(),
        field_hits: found.hits.len(),
        new_hits: 0,
        events_hit: events_hit(&found.hits),
        results,
    })
}

/// What importing a list into a case did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: String,
    pub sha256: String,
    /// Lines, STIX objects or MISP attributes.
    pub entries: usize,
    pub accepted: usize,
    pub skipped: usize,
    /// Indicators read (an entry can give more than one).
    pub indicators: usize,
    /// Of those, the ones the case did not have yet.
    pub new_indicators: usize,
    pub rejected: Vec<Rejected>,
}

/// Reads a list and adds its indicators to the case (an indicator the case has already
/// gets one more source, not a second row).
pub fn import_list(case: &mut Case, path: &Path, actor: &str) -> Result<ImportReport> {
    let list = read_list(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = crate::evidence::sha256_hex(&bytes);
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store_list(case, &list, &file, &sha256, actor)
}

fn store_list(
    case: &mut Case,
    list: &ParsedList,
    file: &str,
    sha256: &str,
    actor: &str,
) -> Result<ImportReport> {
    let now = now_micros();
    let new_indicators = case.write(|tx| {
        let list_id = tx.insert_ioc_list(&NewIocList {
            file_name: file,
            sha256,
            format: list.format.name(),
            entries: list.entries as i64,
            accepted: list.accepted as i64,
            rejected: list.rejected.len() as i64,
            skipped: list.skipped as i64,
            imported_at: now,
            imported_by: actor,
        })?;
        let mut new = 0;
        for e in &list.indicators {
            let (id, is_new) =
                tx.upsert_indicator(e.indicator.kind.name(), &e.indicator.value, now)?;
            new += usize::from(is_new);
            tx.insert_ioc_source(
                id,
                list_id,
                &e.locator,
                &e.original,
                e.description.as_deref(),
                e.source.as_deref(),
            )?;
        }
        for r in &list.rejected {
            tx.insert_ioc_rejected(list_id, &r.locator, &r.text, &r.reason)?;
        }
        audit::append(
            tx,
            actor,
            "ioc list imported",
            &json!({
                "file": file,
                "sha256": sha256,
                "format": list.format.name(),
                "entries": list.entries,
                "accepted": list.accepted,
                "rejected": list.rejected.len(),
                "skipped": list.skipped,
                "indicators": list.indicators.len(),
                "new_indicators": new,
            }),
        )?;
        Ok(new)
    })?;
    Ok(ImportReport {
        file: file.to_string(),
        format: list.format.name().to_string(),
        sha256: sha256.to_string(),
        entries: list.entries,
        accepted: list.accepted,
        skipped: list.skipped,
        indicators: list.indicators.len(),
        new_indicators,
        rejected: list.rejected.clone(),
    })
}

/// One case of a library sweep: its report, or why it could not be swept.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryCase {
    pub case: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<SweepReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Sweeps every case file (`*.tideline`) in `dir` for the indicators of the list at
/// `list_path`. A sealed case is read, never changed, and its hits are reported; an
/// unsealed case gets the list imported and the hits stored. Each case's report lists
/// the list's indicators only.
pub fn sweep_library(
    dir: &Path,
    list_path: &Path,
    actor: &str,
    threads: usize,
) -> Result<(ParsedList, Vec<LibraryCase>)> {
    let list = read_list(list_path)?;
    let bytes = std::fs::read(list_path).map_err(|e| Error::io(list_path, e))?;
    let sha256 = crate::evidence::sha256_hex(&bytes);
    let file = list_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The list's indicators once each, in list order.
    let mut seen = std::collections::HashSet::new();
    let indicators: Vec<Indicator> = list
        .indicators
        .iter()
        .filter(|e| seen.insert(e.indicator.clone()))
        .map(|e| e.indicator.clone())
        .collect();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == CASE_EXTENSION))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let result = (|| -> Result<SweepReport> {
            let sealed = Case::open_read_only(&path)?.meta()?.sealed_at.is_some();
            if sealed {
                return sweep_read_only(&path, &indicators, threads);
            }
            let mut case = Case::open(&path)?;
            store_list(&mut case, &list, &file, &sha256, actor)?;
            let mut report = sweep_case(&mut case, actor, threads)?;
            let wanted: HashMap<(&str, &str), ()> = indicators
                .iter()
                .map(|i| ((i.kind.name(), i.value.as_str()), ()))
                .collect();
            report
                .results
                .retain(|r| wanted.contains_key(&(r.kind.as_str(), r.value.as_str())));
            Ok(report)
        })();
        out.push(match result {
            Ok(report) => LibraryCase {
                case: path,
                report: Some(report),
                error: None,
            },
            Err(e) => LibraryCase {
                case: path,
                report: None,
                error: Some(e.to_string()),
            },
        });
    }
    Ok((list, out))
}
