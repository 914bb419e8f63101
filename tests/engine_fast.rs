//! The shortcuts the timeline engine takes for speed give exactly the answers of the
//! plain way: a filter cut to its time window by binary search, the histogram counted
//! by binary search over the time-ordered frame, top-N by partial selection, and the
//! memory-mapped frame cache.

use tideline::time::format_micros;
use tideline::timeline::{FrameSource, Timeline, TimelineQuery};

use crate::engine::{engine_case, ids};
use crate::util::Dir;

/// Queries whose time terms narrow the window, and some whose terms must not.
const WINDOWED: [&str; 14] = [
    "ts:2026-03-14",
    "ts:2026-03-14T02:40..2026-03-14T02:45",
    "ts:2026-03-14T02:50..",
    "ts:..2026-03-14T02:50",
    "after:2026-03-14T08 before:2026-03-14T09",
    "ts>=2026-03-14T02:51:37 ts<2026-03-14T02:52",
    "ts>2026-03-14T02:51:37 ts<=2026-03-14T02:52",
    "ts=2026-03-14T02:51",
    "ts:2026-03-14T02:51,2026-03-14T08",
    "failed ts:2026-03-14T02 host:bastion-01",
    "ts:2026-03-14T02 ts:2026-03-14T02:30..2026-03-15",
    "ts:2026-03-14T02 OR user:root",
    "NOT ts:2026-03-14T02",
    "(ts:2026-03-14T02:40..2026-03-14T02:45 accepted) OR ts:2026-03-13",
];

#[test]
fn a_filter_cut_to_its_time_window_selects_what_the_whole_frame_does() {
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    for q in WINDOWED {
        // `X OR X` is never narrowed: the filter then runs over every event.
        let plain = ids(&tl, &format!("({q}) OR ({q})"));
        assert_eq!(ids(&tl, q), plain, "{q}");
        assert!(
            !plain.is_empty() || q.starts_with("NOT"),
            "{q} selects nothing"
        );
    }
    // As pinned in query-constructs.txt before the window existed.
    assert_eq!(ids(&tl, "ts:2026-03-14T02:40..2026-03-14T02:45").len(), 330);
    // The from/to bounds of a query narrow the same way.
    let all = ids(&tl, "");
    let page = tl
        .query(&TimelineQuery {
            from: Some(1_773_455_700_000_000), // 2026-03-14T02:35:00Z
            to: Some(1_773_456_300_000_000),   // 2026-03-14T02:45:00Z
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap();
    let want = ids(
        &tl,
        "ts>=2026-03-14T02:35:00.000000Z ts<=2026-03-14T02:45:00.000000Z",
    );
    assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), want);
    assert!(want.len() < all.len());
}

fn paren(q: &str) -> String {
    if q.is_empty() {
        String::new()
    } else {
        format!("({q})")
    }
}

#[test]
fn each_histogram_bucket_counts_the_events_of_its_span() {
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    for q in ["", "host:bastion-01", "failed", "ts:2026-03-14T02"] {
        for max in [1, 5, 24, 200] {
            let h = tl.histogram_of(&TimelineQuery::of(q), max).unwrap();
            let width = h.bucket_seconds * 1_000_000;
            let mut total = 0;
            for (start, n) in &h.buckets {
                let span = format!(
                    "ts>={} ts<{}",
                    format_micros(*start),
                    format_micros(start + width)
                );
                let want = ids(&tl, &format!("{} {span}", paren(q))).len() as u64;
                assert_eq!(*n, want, "{q} / {max}: bucket {}", format_micros(*start));
                total += n;
            }
            let timed = ids(&tl, &format!("{} has:ts", paren(q))).len() as u64;
            assert_eq!(total, timed, "{q} / {max}");
        }
    }
}

#[test]
fn top_n_is_the_head_of_the_full_ranking() {
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let tl = Timeline::load(&case).unwrap();
    for column in ["src_ip", "user", "message", "host", "process"] {
        let full = tl
            .top(&TimelineQuery::default(), column, usize::MAX)
            .unwrap();
        assert!(full.values.len() > 3, "{column}");
        for n in [0, 1, 2, 3, 7, full.values.len() - 1, full.values.len() + 5] {
            let top = tl.top(&TimelineQuery::default(), column, n).unwrap();
            assert_eq!(top.distinct, full.distinct);
            let head: Vec<_> = full.values.iter().take(n).cloned().collect();
            assert_eq!(top.values, head, "{column} top {n}");
        }
        // The ranking itself: counts never rise, equal counts go by value.
        for w in full.values.windows(2) {
            assert!(
                w[0].1 > w[1].1 || (w[0].1 == w[1].1 && (w[1].0 == "(none)" || w[0].0 < w[1].0)),
                "{column}: {w:?}"
            );
        }
    }
}

#[test]
fn the_memory_mapped_cache_answers_like_the_case_and_a_resized_one_is_refused() {
    let dir = Dir::new();
    let (path, case) = engine_case(&dir);
    let fresh = Timeline::load(&case).unwrap();
    assert_eq!(
        Timeline::load_cached(&case).unwrap().source(),
        FrameSource::Case
    );
    let mapped = Timeline::load_cached(&case).unwrap();
    assert_eq!(mapped.source(), FrameSource::Cache);
    for q in WINDOWED {
        assert_eq!(ids(&mapped, q), ids(&fresh, q), "{q}");
    }
    let h = |tl: &Timeline| {
        tl.histogram_of(&TimelineQuery::of("failed"), 50)
            .unwrap()
            .buckets
    };
    assert_eq!(h(&mapped), h(&fresh));
    // Bytes appended to the cache file: its size no longer matches its stamp.
    let arrow = tideline::timeline::frame::cache_dir(&path).join("message.arrow");
    let mut bytes = std::fs::read(&arrow).unwrap();
    bytes.extend_from_slice(&[0; 8]);
    std::fs::write(&arrow, &bytes).unwrap();
    let rebuilt = Timeline::load_cached(&case).unwrap();
    assert_eq!(rebuilt.source(), FrameSource::Case);
    assert_eq!(ids(&rebuilt, ""), ids(&fresh, ""));
}

/// Counts `column` over the rows of a query the slow, obvious way: each event's value
/// read through SQL, the query's events counted in a map.
fn counted_by_hand(tl: &Timeline, q: &str, column: &str) -> Vec<(String, u64)> {
    let table = tideline::timeline::sql::run(tl, &format!("SELECT id, \"{column}\" FROM timeline"))
        .unwrap();
    let value_of: std::collections::HashMap<i64, Option<String>> = table
        .rows
        .iter()
        .map(|r| (r[0].as_i64().unwrap(), r[1].as_str().map(str::to_string)))
        .collect();
    let mut counts: std::collections::BTreeMap<Option<String>, u64> = Default::default();
    for id in ids(tl, q) {
        *counts.entry(value_of[&id].clone()).or_default() += 1;
    }
    let mut ranked: Vec<(Option<String>, u64)> = counts.into_iter().collect();
    // Most first, then by value bytewise, the missing value last.
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| (a.0.is_none(), &a.0).cmp(&(b.0.is_none(), &b.0)))
    });
    ranked
        .into_iter()
        .map(|(v, n)| (v.unwrap_or_else(|| "(none)".into()), n))
        .collect()
}

#[test]
fn top_n_by_value_codes_counts_what_a_plain_count_does() {
    let dir = Dir::new();
    let (_, case) = engine_case(&dir);
    let fresh = Timeline::load(&case).unwrap();
    Timeline::load_cached(&case).unwrap();
    let mapped = Timeline::load_cached(&case).unwrap();
    assert_eq!(mapped.source(), FrameSource::Cache);
    let queries = [
        "",
        "failed",
        "host:bastion-01",
        "ts:2026-03-14T02",
        "nothing-matches-this",
    ];
    for column in tideline::timeline::frame::coded_columns() {
        for q in queries {
            let want = counted_by_hand(&fresh, q, column);
            for tl in [&fresh, &mapped] {
                let all = tl.top(&TimelineQuery::of(q), column, usize::MAX).unwrap();
                assert_eq!(all.values, want, "{column} of {q:?}");
                assert_eq!(all.distinct, want.len(), "{column} of {q:?}");
                let top3 = tl.top(&TimelineQuery::of(q), column, 3).unwrap();
                assert_eq!(
                    top3.values,
                    want.iter().take(3).cloned().collect::<Vec<_>>()
                );
                assert_eq!(
                    top3.total,
                    want.iter().map(|(_, n)| *n as usize).sum::<usize>()
                );
            }
        }
    }
    // The engine case has missing users and a tie that the value decides.
    let users = counted_by_hand(&fresh, "", "user");
    assert!(users.iter().any(|(v, _)| v == "(none)"));
    assert!(users.windows(2).any(|w| w[0].1 == w[1].1));
    // Distinct counts come from the same codes (missing values not counted).
    let distinct = fresh.distinct_counts(&TimelineQuery::of("failed")).unwrap();
    for (column, n) in distinct {
        if tideline::timeline::frame::is_coded(&column) {
            let by_hand = counted_by_hand(&fresh, "failed", &column);
            let present = by_hand.iter().filter(|(v, _)| v != "(none)").count();
            assert_eq!(n as usize, present, "{column}");
        }
    }
}
