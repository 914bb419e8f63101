//! Building the timeline frame, and caching it next to the case.
//!
//! [`build_frame`] is the one place that decides what a timeline row holds: the event
//! columns read from the case, the per-evidence clock offsets applied to `ts` (marked in
//! `ts_quality` and kept in `clock_offset_us`), rows in time order (events without a time
//! last, ties by id), then the layers added by event id: the investigator's `tags`,
//! `starred`, `note`, `verdict`, and the sweeps' `iocs` (ids of the indicators that hit
//! the event). A later layer (detections) is one more column in [`join_layers`].
//!
//! The event part (offsets applied and sorted) is the expensive part, so it is cached as
//! an Arrow IPC file in `<case file>.cache/`, with the value codes top-N counts
//! ([`EventParts::codes`]), under a stamp of what it was built from: the case id, event
//! count, highest event id, evidence count and the clock offsets. A cache whose stamp
//! differs, or whose content does not have the expected columns, row count and id
//! range, is rebuilt; the case's rows stay the record. Annotations are small and change
//! often, so they are added on every build, never cached.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::event::FRAME_COLUMNS;
use crate::store::{Case, ClockOffset};

/// Bumped whenever the cached frame's shape changes.
const CACHE_FORMAT: u32 = 3;

/// Where a frame came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameSource {
    /// Read from the case's rows (no usable cache).
    Case,
    /// Read from the cache file, which matched the case.
    Cache,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    format: u32,
    case_id: String,
    events: i64,
    max_id: i64,
    evidence: usize,
    offsets: Vec<(i64, i64)>,
}

/// What the stamp file holds: the stamp, and the size of the Arrow file written under
/// it (the file is memory-mapped, so one of another size is never opened).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StampFile {
    stamp: Stamp,
    arrow_bytes: u64,
}

fn stamp_of(case: &Case, offsets: &[ClockOffset]) -> Result<Stamp> {
    Ok(Stamp {
        format: CACHE_FORMAT,
        case_id: case.meta()?.case_id,
        events: case.event_count()?,
        max_id: case.max_event_id()?,
        evidence: case.evidence()?.len(),
        offsets: offsets
            .iter()
            .map(|o| (o.evidence_id, o.offset_us))
            .collect(),
    })
}

/// The cache folder of a case file: `<case file>.cache` beside it.
pub fn cache_dir(case_path: &Path) -> PathBuf {
    let mut name = case_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".cache");
    case_path.with_file_name(name)
}

/// The event part of a timeline: the events (offsets applied, in time order) and their
/// value codes, row for row.
pub struct EventParts {
    pub events: DataFrame,
    /// One `UInt32` column per column of [`CODED`], named by [`code_column`]: the dense
    /// rank of the row's value among the column's distinct values in byte order
    /// (1 for the smallest), 0 for a missing value. Counting codes is how top-N
    /// avoids hashing millions of strings.
    pub codes: DataFrame,
    pub source: FrameSource,
}

/// The text columns whose values are coded (every text column but `locator`, which is
/// different on every row).
pub const CODED: [&str; 12] = [
    "ts_source",
    "ts_quality",
    "source",
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "message",
];

/// The name of the code column of `column` (in the cache file and in
/// [`EventParts::codes`]).
pub fn code_column(column: &str) -> String {
    format!("{column}#code")
}

/// The whole frame of a case: events with offsets, in time order, with annotations.
pub fn build_frame(case: &Case) -> Result<DataFrame> {
    let offsets = case.clock_offsets()?;
    let events = event_frame(case, &offsets)?;
    join_layers(case, events)
}

/// The event part of the timeline, read from the case's rows.
pub fn event_parts(case: &Case) -> Result<EventParts> {
    let offsets = case.clock_offsets()?;
    let events = event_frame(case, &offsets)?;
    let codes = value_codes(&events)?;
    Ok(EventParts {
        events,
        codes,
        source: FrameSource::Case,
    })
}

/// Like [`event_parts`], but from the cache when it matches the case, and written there
/// when it did not.
pub fn event_parts_cached(case: &Case) -> Result<EventParts> {
    let offsets = case.clock_offsets()?;
    let stamp = stamp_of(case, &offsets)?;
    let dir = cache_dir(case.path());
    if let Some(parts) = read_cache(&dir, &stamp) {
        return Ok(parts);
    }
    let events = event_frame(case, &offsets)?;
    let codes = value_codes(&events)?;
    let mut both = events.hstack(codes.columns())?;
    drop((events, codes));
    // A cache that cannot be written (read-only folder) only costs speed. One that was
    // written is used from here on, memory-mapped like a warm open, so the built frame's
    // heap (1.5 GB for 2 M events) is given back at once.
    let written = write_cache(&dir, &stamp, &mut both).is_ok();
    if let Some(mut mapped) = written.then(|| read_cache(&dir, &stamp)).flatten() {
        drop(both);
        release_freed_memory();
        mapped.source = FrameSource::Case;
        return Ok(mapped);
    }
    let (events, codes) = split_codes(both)?;
    Ok(EventParts {
        events,
        codes,
        source: FrameSource::Case,
    })
}

/// The value codes of the [`CODED`] columns of `events`.
fn value_codes(events: &DataFrame) -> Result<DataFrame> {
    let rank = RankOptions {
        method: RankMethod::Dense,
        descending: false,
    };
    Ok(events
        .clone()
        .lazy()
        .select(
            CODED
                .iter()
                .map(|c| {
                    col(*c)
                        .rank(rank, None)
                        .fill_null(lit(0))
                        .cast(DataType::UInt32)
                        .alias(code_column(c))
                })
                .collect::<Vec<_>>(),
        )
        .collect()?)
}

/// Splits a frame of event and code columns into the two.
fn split_codes(both: DataFrame) -> Result<(DataFrame, DataFrame)> {
    let names: Vec<String> = event_schema().iter_names().map(|n| n.to_string()).collect();
    let codes: Vec<String> = CODED.iter().map(|c| code_column(c)).collect();
    Ok((both.select(names)?, both.select(codes)?))
}

/// Returns freed heap memory to the system. glibc keeps what a program frees for reuse,
/// so a process that built a 2 M-event frame and dropped it stayed 876 MiB larger
/// (resident) than one that opened the cache warm (84 MiB).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free memory back; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn read_cache(dir: &Path, stamp: &Stamp) -> Option<EventParts> {
    let text = std::fs::read_to_string(dir.join("frame.stamp.json")).ok()?;
    let found: StampFile = serde_json::from_str(&text).ok()?;
    if &found.stamp != stamp {
        return None;
    }
    let path = dir.join("frame.arrow");
    let file = File::open(&path).ok()?;
    if file.metadata().ok()?.len() != found.arrow_bytes {
        return None;
    }
    // Memory-mapped: opening costs no read, the pages come in as queries touch them.
    // Safety: the file is ours (written by `write_cache`, never rewritten in place: a
    // new cache is renamed over it, which leaves a mapped file intact), of the size
    // recorded when it was written; its schema, height, ids and order are checked below.
    let df = unsafe { IpcReader::new(file).memory_mapped(Some(path)) }
        .finish()
        .ok()?;
    // Never trusted blindly: the columns, their types, the row count and the id range
    // must be those of the case, and the rows in time order (views rely on it).
    let want = cache_schema();
    if df.schema().as_ref() != &want || df.height() as i64 != stamp.events {
        return None;
    }
    let ids = df.column("id").ok()?.i64().ok()?;
    let max_ok = ids.max().unwrap_or(0) == stamp.max_id;
    let min_ok = stamp.events == 0 || ids.min().is_some_and(|m| m >= 1);
    let sorted = ts_in_order(df.column("ts").ok()?.i64().ok()?);
    if !(max_ok && min_ok && sorted && ids.null_count() == 0) {
        return None;
    }
    let (events, codes) = split_codes(df).ok()?;
    Some(EventParts {
        events,
        codes,
        source: FrameSource::Cache,
    })
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

fn write_cache(dir: &Path, stamp: &Stamp, df: &mut DataFrame) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join("frame.arrow.tmp");
    let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    IpcWriter::new(file).finish(df)?;
    let arrow_bytes = std::fs::metadata(&tmp)
        .map_err(|e| Error::io(&tmp, e))?
        .len();
    // The stamp goes last: a crash in between leaves a stale stamp, never a wrong one.
    let _ = std::fs::remove_file(dir.join("frame.stamp.json"));
    std::fs::rename(&tmp, dir.join("frame.arrow")).map_err(|e| Error::io(&tmp, e))?;
    let stamp_path = dir.join("frame.stamp.json");
    let stamp = StampFile {
        stamp: stamp.clone(),
        arrow_bytes,
    };
    std::fs::write(&stamp_path, serde_json::to_string(&stamp)?)
        .map_err(|e| Error::io(&stamp_path, e))?;
    Ok(())
}

/// The schema of the event part of the frame.
fn event_schema() -> Schema {
    let mut schema = crate::event::polars_schema();
    schema.with_column("clock_offset_us".into(), DataType::Int64);
    schema
}

/// The schema of the cache file: the event part, then the code columns.
fn cache_schema() -> Schema {
    let mut schema = event_schema();
    for c in CODED {
        schema.with_column(code_column(c).into(), DataType::UInt32);
    }
    schema
}

/// Event columns from the case, clock offsets applied, in time order.
fn event_frame(case: &Case, offsets: &[ClockOffset]) -> Result<DataFrame> {
    let mut frame: Option<DataFrame> = None;
    case.event_column_batches(1 << 20, |cols| {
        let mut columns: Vec<Column> = Vec::with_capacity(FRAME_COLUMNS.len());
        columns.push(Column::new("id".into(), cols.id));
        columns.push(Column::new("ts".into(), cols.ts));
        columns.push(Column::new("evidence_id".into(), cols.evidence_id));
        for (name, values) in cols.text {
            columns.push(Column::new(name.into(), values));
        }
        let part = DataFrame::new_infer_height(columns)?.select(FRAME_COLUMNS)?;
        match frame.as_mut() {
            Some(f) => {
                f.vstack_mut(&part)?;
            }
            None => frame = Some(part),
        }
        Ok(())
    })?;
    let frame = frame.expect("at least one batch");
    let mut lf = frame.lazy();
    if offsets.is_empty() {
        lf = lf.with_column(lit(NULL).cast(DataType::Int64).alias("clock_offset_us"));
    } else {
        let ev: Vec<i64> = offsets.iter().map(|o| o.evidence_id).collect();
        let us: Vec<i64> = offsets.iter().map(|o| o.offset_us).collect();
        let table = DataFrame::new_infer_height(vec![
            Column::new("evidence_id".into(), ev),
            Column::new("clock_offset_us".into(), us),
        ])?;
        let mut args = JoinArgs::new(JoinType::Left);
        args.maintain_order = MaintainOrderJoin::Left;
        let corrected = col("clock_offset_us")
            .is_not_null()
            .and(col("ts").is_not_null());
        lf = lf
            .join(
                table.lazy(),
                [col("evidence_id")],
                [col("evidence_id")],
                args,
            )
            .with_columns([
                (col("ts") + col("clock_offset_us").fill_null(lit(0i64))).alias("ts"),
                when(corrected.clone().and(col("ts_quality").eq(lit("exact"))))
                    .then(lit("clock_corrected"))
                    .when(corrected)
                    .then(col("ts_quality") + lit(",clock_corrected"))
                    .otherwise(col("ts_quality"))
                    .alias("ts_quality"),
            ]);
    }
    let df = lf.collect()?;
    let names: Vec<String> = event_schema().iter_names().map(|n| n.to_string()).collect();
    in_time_order(df.select(names)?)
}

/// The rows of `df` in time order (events without a time last, ties by id). Only the
/// order is sorted (`ts`, `id`); the columns are then gathered one at a time, so the
/// peak is the frame plus one column, not two frames.
fn in_time_order(df: DataFrame) -> Result<DataFrame> {
    let order = df
        .select(["ts", "id"])?
        .lazy()
        .with_row_index("row", None)
        .sort(
            ["ts", "id"],
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_maintain_order(true),
        )
        .select([col("row")])
        .collect()?;
    let idx = order.column("row")?.idx()?.clone();
    drop(order);
    let height = df.height();
    let mut sorted = Vec::with_capacity(df.width());
    for column in df.into_columns() {
        sorted.push(column.take(&idx)?);
    }
    Ok(DataFrame::new(height, sorted)?)
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
