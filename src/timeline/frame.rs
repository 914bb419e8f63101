//! Building the timeline frame, and caching it next to the case.
//!
//! [`build_frame`] is the one place that decides what a timeline row holds: the event
//! columns read from the case, the per-evidence clock offsets applied to `ts` (marked in
//! `ts_quality` and kept in `clock_offset_us`), rows in time order (events without a time
//! last, ties by id), then the layers added by event id: the investigator's `tags`,
//! `starred`, `note`, `verdict`, and the sweeps' `iocs` (ids of the indicators that hit
//! the event). A later layer (detections) is one more column in [`join_layers`].
//!
//! The event part (offsets applied and sorted) and its value codes are the expensive
//! part, so they are cached beside the case ([`super::cache`]: built one column at a
//! time, memory-mapped when opened). Annotations are small and change often, so they are
//! added on every build, never cached.

use polars::prelude::*;
use serde::Serialize;

use super::cache;
use crate::error::Result;
use crate::store::{Case, FRAME_TEXT_COLUMNS};

/// Where a frame came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameSource {
    /// Read from the case's rows (no usable cache).
    Case,
    /// Read from the cache file, which matched the case.
    Cache,
}

pub use super::cache::cache_dir;

/// The event part of a timeline: the events (offsets applied, in time order) and their
/// value codes, row for row.
pub struct EventParts {
    pub events: DataFrame,
    /// One `UInt32` column per [`coded_columns`] column, named by [`code_column`]: the dense
    /// rank of the row's value among the column's distinct values in byte order
    /// (1 for the smallest), 0 for a missing value. Counting codes is how top-N
    /// avoids hashing millions of strings.
    pub codes: DataFrame,
    pub source: FrameSource,
}

/// Whether the values of `column` are coded: every text column but `locator`, which is
/// different on every row.
pub fn is_coded(column: &str) -> bool {
    column != "locator" && FRAME_TEXT_COLUMNS.contains(&column)
}

/// The coded columns, in frame order.
pub fn coded_columns() -> impl Iterator<Item = &'static str> {
    FRAME_TEXT_COLUMNS.into_iter().filter(|c| is_coded(c))
}

/// The name of the code column of `column` (in the cache file and in
/// [`EventParts::codes`]).
pub fn code_column(column: &str) -> String {
    format!("{column}#code")
}

/// The whole frame of a case: events with offsets, in time order, with annotations.
pub fn build_frame(case: &Case) -> Result<DataFrame> {
    join_layers(case, event_parts(case)?.events)
}

/// The event part of the timeline, built in memory from one snapshot of the case.
pub fn event_parts(case: &Case) -> Result<EventParts> {
    case.in_one_snapshot(|case| cache::in_memory(case, &case.clock_offsets()?))
}

/// Like [`event_parts`], but from the cache when it matches the case, and built there
/// (one column at a time) when it did not.
pub fn event_parts_cached(case: &Case) -> Result<EventParts> {
    let dir = cache_dir(case.path());
    // The stamp and, when the cache must be built, every pass of the build see one
    // snapshot of the case. A cache that cannot be written (read-only folder) only costs
    // speed and memory: the frame is then built in memory.
    let (stamp, cached, built) = case.in_one_snapshot(|case| {
        let offsets = case.clock_offsets()?;
        let stamp = cache::stamp_of(case, &offsets)?;
        if let Some(parts) = cache::read(&dir, &stamp) {
            return Ok((stamp, Some(parts), false));
        }
        let built = cache::build(case, &offsets, &dir, &stamp).is_ok();
        Ok((stamp, None, built))
    })?;
    if let Some(parts) = cached {
        return Ok(parts);
    }
    if built {
        // glibc keeps what the build freed for reuse; give it back.
        release_freed_memory();
        if let Some(mut parts) = cache::read(&dir, &stamp) {
            parts.source = FrameSource::Case;
            return Ok(parts);
        }
    }
    event_parts(case)
}

/// The code column of `column`: the dense rank of each value in byte order (1 for the
/// smallest), 0 for a missing value.
pub(crate) fn code_expr(column: &str) -> Expr {
    let rank = RankOptions {
        method: RankMethod::Dense,
        descending: false,
    };
    col(column)
        .rank(rank, None)
        .fill_null(lit(0))
        .cast(DataType::UInt32)
        .alias(code_column(column))
}

/// Returns freed heap memory to the system. glibc keeps what a program frees for reuse,
/// so a process that built a 2 M-event frame and dropped it stayed 876 MiB larger
/// (resident) than one that opened the cache warm (84 MiB).
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free memory back; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The non-null times of a time-ordered `ts` column, chunk by chunk (nulls come last,
/// so each chunk's values are a prefix of it).
pub(crate) fn ts_runs(ts: &Int64Chunked) -> Vec<&[i64]> {
    ts.downcast_iter()
        .map(|a| &a.values()[..a.len() - a.validity().map_or(0, |v| v.unset_bits())])
        .collect()
}

/// Whether `ts` is in time order with its nulls last.
pub(crate) fn ts_in_order(ts: &Int64Chunked) -> bool {
    let mut seen_null = false;
    let mut last = i64::MIN;
    for a in ts.downcast_iter() {
        let n = a.len() - a.validity().map_or(0, |v| v.unset_bits());
        if seen_null && n > 0 {
            return false;
        }
        if let Some(v) = a.validity() {
            if !(0..a.len()).all(|i| v.get_bit(i) == (i < n)) {
                return false;
            }
        }
        let vals = &a.values()[..n];
        if vals.first().is_some_and(|f| *f < last) || vals.windows(2).any(|w| w[1] < w[0]) {
            return false;
        }
        if let Some(l) = vals.last() {
            last = *l;
        }
        seen_null |= n < a.len();
    }
    true
}

/// The schema of the event part of the frame.
pub(crate) fn event_schema() -> Schema {
    let mut schema = crate::event::polars_schema();
    schema.with_column("clock_offset_us".into(), DataType::Int64);
    schema
}

/// Adds the investigator's layers to the event frame as columns, row for row (the event
/// columns are shared, not copied: a join would copy all of them).
pub fn join_layers(case: &Case, events: DataFrame) -> Result<DataFrame> {
    let ann = case.annotation_columns()?;
    let hits = case.ioc_hit_pairs()?;
    let n = events.height();
    let rows = RowOfId::new(events.column("id")?.i64()?);
    let mut layers = Vec::with_capacity(5);

    // Tags, in the order the case gives them (by event, then tag).
    let mut tags: Vec<(usize, &str)> = ann
        .tags
        .iter()
        .filter_map(|(id, t)| Some((rows.get(*id)?, t.as_str())))
        .collect();
    tags.sort_by_key(|(row, _)| *row);
    layers.push(if tags.is_empty() {
        Column::full_null(
            "tags".into(),
            n,
            &DataType::List(Box::new(DataType::String)),
        )
    } else {
        let mut b = ListStringChunkedBuilder::new("tags".into(), n, tags.len());
        for_each_row_group(n, &tags, |group| match group {
            Some(g) => b.append_values_iter(g.iter().map(|(_, t)| *t)),
            None => b.append_null(),
        });
        b.finish().into_column()
    });

    // Stars, notes and verdicts: one mark per event at most.
    if ann.marks.is_empty() {
        layers.push(Column::new_scalar("starred".into(), Scalar::from(false), n));
        layers.push(Column::full_null("note".into(), n, &DataType::String));
        layers.push(Column::full_null("verdict".into(), n, &DataType::String));
    } else {
        let mut starred = vec![false; n];
        let mut note: Vec<Option<&str>> = vec![None; n];
        let mut verdict: Vec<Option<&str>> = vec![None; n];
        for (id, s, nt, v) in &ann.marks {
            if let Some(row) = rows.get(*id) {
                starred[row] = *s;
                note[row] = nt.as_deref();
                verdict[row] = v.as_deref();
            }
        }
        layers.push(Column::new("starred".into(), starred));
        layers.push(Column::new("note".into(), note));
        layers.push(Column::new("verdict".into(), verdict));
    }

    // IOC hits: the ids of the indicators that hit each event, in id order.
    let mut iocs: Vec<(usize, i64)> = hits
        .iter()
        .filter_map(|(indicator, id)| Some((rows.get(*id)?, *indicator)))
        .collect();
    iocs.sort_unstable();
    layers.push(if iocs.is_empty() {
        Column::full_null("iocs".into(), n, &DataType::List(Box::new(DataType::Int64)))
    } else {
        let mut b = ListPrimitiveChunkedBuilder::<Int64Type>::new(
            "iocs".into(),
            n,
            iocs.len(),
            DataType::Int64,
        );
        for_each_row_group(n, &iocs, |group| match group {
            Some(g) => b.append_values_iter(g.iter().map(|(_, i)| *i)),
            None => b.append_null(),
        });
        b.finish().into_column()
    });
    Ok(events.hstack(&layers)?)
}

/// Calls `f` once per row `0..n`, in order, with that row's run of `pairs` (sorted by
/// row), or `None` when it has none.
fn for_each_row_group<T>(n: usize, pairs: &[(usize, T)], mut f: impl FnMut(Option<&[(usize, T)]>)) {
    let mut at = 0;
    for row in 0..n {
        let mut end = at;
        while pairs.get(end).is_some_and(|(r, _)| *r == row) {
            end += 1;
        }
        f((end > at).then(|| &pairs[at..end]));
        at = end;
    }
}

/// The frame row of each event id.
struct RowOfId(Vec<u32>);

impl RowOfId {
    fn new(ids: &Int64Chunked) -> RowOfId {
        let max = ids.max().unwrap_or(0).max(0) as usize;
        let mut rows = vec![u32::MAX; max + 1];
        for (row, id) in ids.iter().enumerate() {
            if let Some(id) = id.filter(|id| *id >= 0) {
                rows[id as usize] = row as u32;
            }
        }
        RowOfId(rows)
    }

    fn get(&self, id: i64) -> Option<usize> {
        let row = *self.0.get(usize::try_from(id).ok()?)?;
        (row != u32::MAX).then_some(row as usize)
    }
}
