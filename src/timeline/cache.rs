//! The frame cache beside a case: the event part of the timeline (offsets applied, in
//! time order) and its value codes, as Arrow IPC files that a warm open memory-maps.
//!
//! One file per text column (with its code column) and one for the number columns, so
//! that building the cache holds one column in time order at a time, never the whole
//! frame: for 10 M events the frame is about 5 GB in memory, the largest column under
//! 1 GB. Each file is one record batch, so every column is one chunk when mapped.
//!
//! The files sit under a stamp of what they were built from: the case id, event count,
//! highest event id, evidence count and the clock offsets, and each file's size. A cache
//! whose stamp differs, or whose content does not have the expected columns, row count
//! and id range and time order, is rebuilt; the case's rows stay the record.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::frame::{
    code_column, coded_columns, event_schema, is_coded, release_freed_memory, ts_in_order,
    EventParts, FrameSource,
};
use crate::error::{Error, Result};
use crate::store::{Case, ClockOffset, FRAME_TEXT_COLUMNS as TEXT};

/// Bumped whenever the cache's files or their shape change.
const CACHE_FORMAT: u32 = 4;

/// The number columns, in one file.
const NUMBERS: [&str; 4] = ["id", "ts", "evidence_id", "clock_offset_us"];

/// Text columns read from the case in one pass each: a pass reads every row, and a
/// group's columns are held (in id order) until each is sorted and written.
const GROUPS: [&[&str]; 4] = [
    &["ts_source", "ts_quality", "source", "host"],
    &["user", "process", "event_code", "action", "severity"],
    &["locator", "src_ip", "dst_ip"],
    &["message"],
];

/// Rows per batch read from the case: each batch is held as Rust strings until it is a
/// polars column, so it is kept small next to the columns.
const BATCH: usize = 1 << 18;

const STAMP: &str = "frame.stamp.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    format: u32,
    case_id: String,
    events: i64,
    max_id: i64,
    evidence: usize,
    offsets: Vec<(i64, i64)>,
}

/// What the stamp file holds: the stamp, and the name and size of each Arrow file
/// written under it (files are memory-mapped, so one of another size is never opened).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StampFile {
    stamp: Stamp,
    files: Vec<(String, u64)>,
}

pub(crate) fn stamp_of(case: &Case, offsets: &[ClockOffset]) -> Result<Stamp> {
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

/// The files of a cache, in order: the numbers, then each text column.
fn file_names() -> Vec<String> {
    std::iter::once("numbers".to_string())
        .chain(TEXT.iter().map(|c| c.to_string()))
        .collect()
}

/// The columns each file must hold, with their types.
fn file_schema(name: &str) -> Schema {
    let mut schema = Schema::default();
    if name == "numbers" {
        for c in NUMBERS {
            schema.with_column(c.into(), DataType::Int64);
        }
    } else {
        schema.with_column(name.into(), DataType::String);
        if is_coded(name) {
            schema.with_column(code_column(name).into(), DataType::UInt32);
        }
    }
    schema
}

/// The event part from the cache in `dir`, if it is there, matches `stamp` and holds
/// what the case does.
pub(crate) fn read(dir: &Path, stamp: &Stamp) -> Option<EventParts> {
    let text = std::fs::read_to_string(dir.join(STAMP)).ok()?;
    let found: StampFile = serde_json::from_str(&text).ok()?;
    let names = file_names();
    if &found.stamp != stamp
        || found.files.len() != names.len()
        || found.files.iter().zip(&names).any(|((f, _), n)| f != n)
    {
        return None;
    }
    let mut columns: HashMap<String, Column> = HashMap::new();
    for (name, bytes) in &found.files {
        let path = dir.join(format!("{name}.arrow"));
        let file = File::open(&path).ok()?;
        if file.metadata().ok()?.len() != *bytes {
            return None;
        }
        // Memory-mapped: opening costs no read, the pages come in as queries touch
        // them. Safety: the file is ours (written by `build`, never rewritten in place:
        // a new one is renamed over it, which leaves a mapped file intact), of the size
        // recorded when it was written; its schema, height, ids and order are checked.
        let df = unsafe { IpcReader::new(file).memory_mapped(Some(path)) }
            .finish()
            .ok()?;
        if df.schema().as_ref() != &file_schema(name) || df.height() as i64 != stamp.events {
            return None;
        }
        for c in df.into_columns() {
            columns.insert(c.name().to_string(), c);
        }
    }
    let EventParts { events, codes, .. } = assemble(columns, stamp.events as usize).ok()?;
    // Never trusted blindly: the id range must be the case's, and the rows in time
    // order (views rely on it).
    let ids = events.column("id").ok()?.i64().ok()?;
    let max_ok = ids.max().unwrap_or(0) == stamp.max_id;
    let min_ok = stamp.events == 0 || ids.min().is_some_and(|m| m >= 1);
    let sorted = ts_in_order(events.column("ts").ok()?.i64().ok()?);
    (max_ok && min_ok && sorted && ids.null_count() == 0).then_some(EventParts {
        events,
        codes,
        source: FrameSource::Cache,
    })
}

/// The event part put together from its files' columns (numbers, text and codes).
fn assemble(mut columns: HashMap<String, Column>, height: usize) -> Result<EventParts> {
    let mut take = |name: &str| {
        columns
            .remove(name)
            .ok_or_else(|| Error::Invalid(format!("the frame has no column '{name}'")))
    };
    let events: Vec<Column> = event_schema()
        .iter_names()
        .map(|n| take(n))
        .collect::<Result<_>>()?;
    let codes: Vec<Column> = coded_columns()
        .map(|c| take(&code_column(c)))
        .collect::<Result<_>>()?;
    Ok(EventParts {
        events: DataFrame::new(height, events)?,
        codes: DataFrame::new(height, codes)?,
        source: FrameSource::Case,
    })
}

/// The event part built in memory, the way the cache is built (for a case whose cache
/// cannot be written, and for [`super::Timeline::load`]).
pub(crate) fn in_memory(case: &Case, offsets: &[ClockOffset]) -> Result<EventParts> {
    let mut columns: HashMap<String, Column> = HashMap::new();
    let mut height = 0;
    build_columns(case, offsets, |_, df| {
        height = df.height();
        columns.extend(
            df.into_columns()
                .into_iter()
                .map(|c| (c.name().to_string(), c)),
        );
        Ok(())
    })?;
    assemble(columns, height)
}

/// Builds the cache of `case` in `dir` (see [`build_columns`]), then writes its stamp.
pub(crate) fn build(case: &Case, offsets: &[ClockOffset], dir: &Path, stamp: &Stamp) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // The stamp goes first and comes back last: a crash in between leaves no stamp,
    // never a wrong one. A cache of an older format is removed with it.
    for old in [STAMP, "frame.arrow"] {
        let _ = std::fs::remove_file(dir.join(old));
    }
    let mut files = Vec::new();
    build_columns(case, offsets, |name, df| {
        files.push(write(dir, name, df)?);
        // glibc keeps freed memory for reuse; at 10 M events, giving back the column
        // just written keeps the build's peak at 2.4 GB instead of 3.2 GB (the writer
        // encodes a column in memory).
        release_freed_memory();
        Ok(())
    })?;
    let names = file_names();
    files.sort_by_key(|(name, _)| names.iter().position(|n| n == name));
    let stamp = StampFile {
        stamp: stamp.clone(),
        files,
    };
    let path = dir.join(STAMP);
    std::fs::write(&path, serde_json::to_string(&stamp)?).map_err(|e| Error::io(&path, e))?;
    Ok(())
}

/// Builds the event part one column at a time and hands each file's frame to `sink`
/// under the file's name: first the ids, times and evidence of every event (which give
/// the time order), then each group of text columns read in one pass over the case,
/// each column put in time order and coded before the next.
fn build_columns(
    case: &Case,
    offsets: &[ClockOffset],
    mut sink: impl FnMut(&str, DataFrame) -> Result<()>,
) -> Result<()> {
    let mut ids: Vec<i64> = Vec::new();
    let mut ts: Vec<Option<i64>> = Vec::new();
    let mut evidence: Vec<i64> = Vec::new();
    case.event_column_batches_of(&[], BATCH, |b| {
        ids.extend(b.id);
        ts.extend(b.ts);
        evidence.extend(b.evidence_id);
        Ok(())
    })?;
    let offset_of: HashMap<i64, i64> = offsets
        .iter()
        .map(|o| (o.evidence_id, o.offset_us))
        .collect();
    let offset: Vec<Option<i64>> = evidence.iter().map(|e| offset_of.get(e).copied()).collect();
    // A time moved by its evidence's offset is marked in `ts_quality`.
    let corrected: Vec<bool> = ts
        .iter()
        .zip(&offset)
        .map(|(t, o)| t.is_some() && o.is_some())
        .collect();
    for (t, o) in ts.iter_mut().zip(&offset) {
        *t = t.map(|t| t + o.unwrap_or(0));
    }
    // Time order, events without a time last; the sort is stable and the rows come in
    // id order, so ties stay by id.
    let mut order: Vec<IdxSize> = (0..ids.len() as IdxSize).collect();
    order.sort_by_key(|i| {
        let t = ts[*i as usize];
        (t.is_none(), t)
    });
    let order = IdxCa::from_vec("order".into(), order);
    let numbers = DataFrame::new(
        ids.len(),
        vec![
            Column::new("id".into(), ids),
            Column::new("ts".into(), ts),
            Column::new("evidence_id".into(), evidence),
            Column::new("clock_offset_us".into(), offset),
        ],
    )?;
    sink("numbers", numbers.take(&order)?)?;
    drop(numbers);
    for group in GROUPS {
        let mut held = read_text(case, group)?;
        for (name, column) in group.iter().zip(held.iter_mut()) {
            let mut values = column.take().expect("each column is built once");
            if *name == "ts_quality" && corrected.contains(&true) {
                values = mark_corrected(&values, &corrected)?;
            }
            let sorted = values.take(&order)?;
            drop(values);
            release_freed_memory();
            sink(name, with_code(sorted)?)?;
        }
    }
    Ok(())
}

/// The text columns `group` of every event, in id order.
fn read_text(case: &Case, group: &[&'static str]) -> Result<Vec<Option<Series>>> {
    let mut held: Vec<Option<Series>> = vec![None; group.len()];
    case.event_column_batches_of(group, BATCH, |b| {
        for (slot, (name, values)) in held.iter_mut().zip(b.text) {
            let part = Series::new(name.into(), values);
            match slot {
                Some(s) => {
                    s.append_owned(part)?;
                }
                None => *slot = Some(part),
            }
        }
        Ok(())
    })?;
    Ok(held)
}

/// `ts_quality` with `clock_corrected` added where the row's time was moved.
fn mark_corrected(quality: &Series, corrected: &[bool]) -> Result<Series> {
    let marked: StringChunked = quality
        .str()?
        .iter()
        .zip(corrected)
        .map(|(q, c)| match (q, c) {
            (Some("exact"), true) => Some("clock_corrected".to_string()),
            (Some(q), true) => Some(format!("{q},clock_corrected")),
            (q, _) => q.map(str::to_string),
        })
        .collect();
    Ok(marked.with_name(quality.name().clone()).into_series())
}

/// A text column with its value code column, when it has one.
fn with_code(values: Series) -> Result<DataFrame> {
    let name = values.name().to_string();
    let df = DataFrame::new(values.len(), vec![values.into_column()])?;
    if !is_coded(&name) {
        return Ok(df);
    }
    Ok(df
        .lazy()
        .with_column(super::frame::code_expr(&name))
        .collect()?)
}

/// Writes `df` as `<name>.arrow` in `dir` (through a temporary file renamed over it);
/// returns the name and size for the stamp.
fn write(dir: &Path, name: &str, mut df: DataFrame) -> Result<(String, u64)> {
    let tmp = dir.join(format!("{name}.arrow.tmp"));
    let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    IpcWriter::new(&mut file).finish(&mut df)?;
    drop(df);
    // On disk before the stamp names it: after a crash, a file of the right size must
    // not hold pages that were never written.
    file.sync_all().map_err(|e| Error::io(&tmp, e))?;
    let bytes = std::fs::metadata(&tmp)
        .map_err(|e| Error::io(&tmp, e))?
        .len();
    std::fs::rename(&tmp, dir.join(format!("{name}.arrow"))).map_err(|e| Error::io(&tmp, e))?;
    Ok((name.to_string(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_read_every_text_column_once() {
        let mut grouped: Vec<&str> = GROUPS.iter().flat_map(|g| g.iter().copied()).collect();
        grouped.sort_unstable();
        let mut text = TEXT.to_vec();
        text.sort_unstable();
        assert_eq!(grouped, text);
        // Every coded column has a file that holds its codes.
        for c in coded_columns() {
            assert!(file_schema(c).contains(&code_column(c)), "{c}");
        }
    }
}
