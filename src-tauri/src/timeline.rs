//! The timeline engine's commands: histogram, top values, jump to a time, the events
//! around one, annotations (of chosen events or of a whole query) and exports of the
//! current view. Each is a thin wrapper over `tideline::timeline`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::State;
use tideline::ingest;
use tideline::time::parse_user_time;
use tideline::timeline::annotate::{annotate, Change, Verdict};
use tideline::timeline::export::{export_view, ExportFormat, ExportSummary};
use tideline::timeline::{Around, Histogram, Timeline, TimelinePage, TimelineQuery, TopValues};

use crate::commands::{with_case, PageRequest, Reply};
use crate::state::AppState;

/// Events over time for the query of a page request (its page is ignored).
#[tauri::command]
pub async fn timeline_histogram(
    state: State<'_, AppState>,
    query: PageRequest,
    max_buckets: usize,
) -> Reply<Histogram> {
    with_case(&state, |open| {
        open.timeline
            .histogram_of(&query.to_query()?, max_buckets.clamp(1, 2000))
    })
}

/// The most frequent values of a column in the view.
#[tauri::command]
pub async fn timeline_top(
    state: State<'_, AppState>,
    query: PageRequest,
    column: String,
    n: usize,
) -> Reply<TopValues> {
    with_case(&state, |open| {
        open.timeline.top(&query.to_query()?, &column, n.min(1000))
    })
}

/// One annotation change from the UI.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnnotationChange {
    Tag { tag: String },
    Untag { tag: String },
    Star,
    Unstar,
    Note { note: Option<String> },
    Verdict { verdict: Option<String> },
}

#[derive(Debug, Serialize)]
pub struct Annotated {
    events: usize,
    changed: usize,
}

impl AnnotationChange {
    fn into_change(self) -> tideline::Result<Change> {
        Ok(match self {
            AnnotationChange::Tag { tag } => Change::Tag(tag),
            AnnotationChange::Untag { tag } => Change::Untag(tag),
            AnnotationChange::Star => Change::Star,
            AnnotationChange::Unstar => Change::Unstar,
            AnnotationChange::Note { note } => Change::Note(note),
            AnnotationChange::Verdict { verdict } => Change::Verdict(
                verdict
                    .filter(|v| !v.is_empty() && v != "none")
                    .map(|v| Verdict::parse(&v))
                    .transpose()?,
            ),
        })
    }
}

/// Applies one change to the events `ids`, audit-logged, and refreshes the timeline.
#[tauri::command]
pub async fn annotate_events(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    change: AnnotationChange,
) -> Reply<Annotated> {
    with_case(&state, |open| {
        let change = change.into_change()?;
        let changed = annotate(&mut open.case, &ids, &change, &ingest::default_actor())?;
        open.timeline.refresh_annotations(&open.case)?;
        Ok(Annotated {
            events: ids.len(),
            changed,
        })
    })
}

/// Events resolved per request when annotating a whole query (bounds the rows built at
/// once; the ids of every page are kept).
const IDS_PER_PAGE: usize = 50_000;

/// Applies one change to every event of the query (its page is ignored), audit-logged as
/// one entry. `expected` is the count the user confirmed: when the query now matches a
/// different number of events nothing is changed.
#[tauri::command]
pub async fn annotate_query(
    state: State<'_, AppState>,
    query: PageRequest,
    expected: usize,
    change: AnnotationChange,
) -> Reply<Annotated> {
    with_case(&state, |open| {
        let change = change.into_change()?;
        let ids = ids_of_query(&open.timeline, query.to_query()?, expected, IDS_PER_PAGE)?;
        let changed = annotate(&mut open.case, &ids, &change, &ingest::default_actor())?;
        open.timeline.refresh_annotations(&open.case)?;
        Ok(Annotated {
            events: ids.len(),
            changed,
        })
    })
}

/// The ids of every event of the query, fetched `per_page` at a time; refused when the
/// query does not match exactly `expected` events (what the user confirmed).
fn ids_of_query(
    timeline: &Timeline,
    mut q: TimelineQuery,
    expected: usize,
    per_page: usize,
) -> tideline::Result<Vec<i64>> {
    q.sort = None;
    q.zone = None;
    q.limit = per_page.max(1);
    let total = timeline.count(&q)?;
    if total != expected {
        return Err(tideline::Error::Invalid(format!(
            "the query now matches {total} events, not the {expected} confirmed; nothing was changed"
        )));
    }
    let mut ids = Vec::with_capacity(total);
    while ids.len() < total {
        q.offset = ids.len();
        let page = timeline.query(&q)?;
        if page.rows.is_empty() {
            break;
        }
        ids.extend(page.rows.iter().map(|r| r.id));
    }
    Ok(ids)
}

/// Reads a time typed in the display zone: RFC 3339 with an offset as it says, a
/// zone-less `YYYY-MM-DD[ HH:MM[:SS]]` in `zone` (UTC when none).
fn time_in_zone(text: &str, zone: Option<chrono_tz::Tz>) -> tideline::Result<i64> {
    use chrono::{DateTime, NaiveDateTime, TimeZone};
    let t = text.trim();
    let Some(zone) = zone else {
        return parse_user_time(t);
    };
    if DateTime::parse_from_rfc3339(t).is_ok() {
        return parse_user_time(t);
    }
    // The wall-clock time as if it were UTC, then placed in the zone.
    let as_utc = parse_user_time(t)?;
    let naive = DateTime::from_timestamp_micros(as_utc)
        .map(|d| d.naive_utc())
        .unwrap_or(NaiveDateTime::MIN);
    match zone.from_local_datetime(&naive).earliest() {
        Some(dt) => Ok(dt.timestamp_micros()),
        None => Err(tideline::Error::Invalid(format!(
            "{t} does not exist in {zone} (a clock change skips it)"
        ))),
    }
}

/// Where the view jumps to.
#[derive(Debug, Serialize)]
pub struct Jump {
    /// Offset in the (time-ordered) view of the first event at or after the time.
    offset: usize,
    /// The time read, UTC microseconds.
    at: i64,
}

/// The offset of the first event at or after `at` (typed in the request's display zone)
/// in the view of the query, which must be in time order.
#[tauri::command]
pub async fn timeline_jump(
    state: State<'_, AppState>,
    query: PageRequest,
    at: String,
) -> Reply<Jump> {
    with_case(&state, |open| {
        let q = query.to_query()?;
        let ts = time_in_zone(&at, q.zone)?;
        Ok(Jump {
            offset: open.timeline.jump_to(&q, ts)?,
            at: ts,
        })
    })
}

/// The events within `before`/`after` seconds of event `id`, of any, the same host or
/// the same user (`same`: any, host, user), in time order, at most `limit`, times in
/// `zone`.
#[tauri::command]
pub async fn timeline_around(
    state: State<'_, AppState>,
    id: i64,
    before_s: i64,
    after_s: i64,
    same: String,
    limit: usize,
    zone: Option<String>,
) -> Reply<TimelinePage> {
    with_case(&state, |open| {
        let same = match same.as_str() {
            "any" => Around::Any,
            "host" => Around::SameHost,
            "user" => Around::SameUser,
            other => {
                return Err(tideline::Error::Invalid(format!(
                    "around: '{other}' is not any, host or user"
                )))
            }
        };
        let zone = match zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(z) => Some(
                z.parse()
                    .map_err(|_| tideline::Error::Invalid(format!("unknown time zone '{z}'")))?,
            ),
        };
        let second = 1_000_000i64;
        open.timeline.around(
            id,
            before_s.clamp(0, 366 * 86_400) * second,
            after_s.clamp(0, 366 * 86_400) * second,
            same,
            limit.min(1000),
            zone,
        )
    })
}

/// Writes the view (query and sort) to `path` in `format` (csv, jsonl, timesketch-csv,
/// timesketch-jsonl, parquet).
#[tauri::command]
pub async fn export_timeline(
    state: State<'_, AppState>,
    query: PageRequest,
    format: String,
    path: PathBuf,
) -> Reply<ExportSummary> {
    with_case(&state, |open| {
        export_view(
            &open.timeline,
            &query.to_query()?,
            ExportFormat::parse(&format)?,
            &path,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{ids_of_query, time_in_zone};
    use std::ops::ControlFlow;
    use std::path::Path;
    use tideline::ingest::{self, ImportOptions};
    use tideline::timeline::{Timeline, TimelineQuery};
    use tideline::Case;

    /// A case holding the sample auth.log (2,824 events) and its timeline.
    fn sample_timeline(dir: &Path) -> Timeline {
        let mut case = Case::create(&dir.join("t.tideline"), "t", "test").unwrap();
        let log = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sample-data/incident-2026-03/bastion-01/auth.log");
        ingest::import_paths(&mut case, &[log], &ImportOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        Timeline::load(&case).unwrap()
    }

    #[test]
    fn a_whole_query_is_resolved_page_by_page_to_every_id_once() {
        let dir = tempfile::tempdir().unwrap();
        let tl = sample_timeline(dir.path());
        let q = |text: &str| TimelineQuery {
            query: text.into(),
            sort: Some(tideline::timeline::Sort::parse("-host").unwrap()),
            ..Default::default()
        };
        let two = ids_of_query(&tl, q("\"accepted password\" user:deploy"), 2, 1).unwrap();
        assert_eq!(two.len(), 2);
        let mut all = ids_of_query(&tl, q(""), 2824, 97).unwrap();
        assert_eq!(all.len(), 2824);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 2824, "no id twice across pages");
        // Ids of a fresh case count up from 1 in import order.
        assert_eq!((all[0], all[2823]), (1, 2824));
    }

    #[test]
    fn a_whole_query_is_refused_when_its_count_is_not_the_confirmed_one() {
        let dir = tempfile::tempdir().unwrap();
        let tl = sample_timeline(dir.path());
        let err = ids_of_query(&tl, TimelineQuery::of("user:deploy"), 3, 100).unwrap_err();
        assert!(
            err.to_string()
                .contains("not the 3 confirmed; nothing was changed"),
            "{err}"
        );
    }

    const MICROS: i64 = 1_000_000;
    /// 2026-03-14T02:00:00Z.
    const AT: i64 = 1_773_453_600 * MICROS;

    #[test]
    fn a_zoneless_time_is_read_in_the_display_zone() {
        let berlin = "Europe/Berlin".parse().ok();
        assert_eq!(time_in_zone("2026-03-14 03:00", berlin).unwrap(), AT);
        assert_eq!(time_in_zone("2026-03-14T03:00:00", berlin).unwrap(), AT);
        let new_york = "America/New_York".parse().ok();
        // Daylight saving time started in New York on 8 March 2026: UTC-4.
        assert_eq!(time_in_zone("2026-03-13 22:00:00", new_york).unwrap(), AT);
    }

    #[test]
    fn an_explicit_offset_or_no_zone_is_taken_as_written() {
        let berlin = "Europe/Berlin".parse().ok();
        assert_eq!(time_in_zone("2026-03-14T02:00:00Z", berlin).unwrap(), AT);
        assert_eq!(
            time_in_zone("2026-03-14T04:00:00+02:00", berlin).unwrap(),
            AT
        );
        assert_eq!(time_in_zone("2026-03-14 02:00", None).unwrap(), AT);
    }

    #[test]
    fn a_time_skipped_by_a_clock_change_is_refused() {
        let berlin = "Europe/Berlin".parse().ok();
        let err = time_in_zone("2026-03-29 02:30", berlin).unwrap_err();
        assert!(
            err.to_string().contains("does not exist in Europe/Berlin"),
            "{err}"
        );
        assert!(time_in_zone("yesterday", berlin).is_err());
    }
}
