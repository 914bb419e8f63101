//! The timeline: every event of the case as one polars frame, filtered, sorted, paged.
//!
//! [`Timeline::load`] reads the frame columns from the case once (the bulky `raw` and
//! `attrs` stay in SQLite and are read one event at a time); queries are lazy polars
//! plans over it, so filters, counts and histograms stay columnar. polars stays inside
//! this module: callers get plain Rust types.

pub mod export;

use polars::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::event::FRAME_COLUMNS;
use crate::store::Case;
use crate::time::{format_micros, Micros};

/// Columns a text search looks in.
const SEARCHED: [&str; 8] = [
    "message",
    "host",
    "user",
    "process",
    "src_ip",
    "dst_ip",
    "action",
    "event_code",
];

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    /// Inclusive lower bound, UTC microseconds.
    pub from: Option<Micros>,
    /// Inclusive upper bound, UTC microseconds.
    pub to: Option<Micros>,
    /// Case-insensitive text that must appear in one of the searched columns.
    pub grep: Option<String>,
    /// Only the events an indicator hit (its id in the case).
    pub ioc: Option<i64>,
    pub offset: usize,
    pub limit: usize,
}

/// One timeline row as shown in tables and exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub ts: Option<String>,
    pub ts_quality: String,
    pub source: String,
    pub evidence_id: i64,
    pub locator: String,
    pub host: Option<String>,
    pub user: Option<String>,
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub process: Option<String>,
    pub event_code: Option<String>,
    pub action: Option<String>,
    pub severity: Option<String>,
    pub message: String,
}

/// One page of a query's result.
#[derive(Debug, Clone, Serialize)]
pub struct TimelinePage {
    /// How many events match the filter in all.
    pub total: usize,
    pub offset: usize,
    pub rows: Vec<EventRow>,
}

/// Events per time bucket.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    /// Bucket width in seconds.
    pub bucket_seconds: i64,
    /// (bucket start in UTC microseconds, events), in time order, empty buckets included.
    pub buckets: Vec<(Micros, u64)>,
}

/// The case's events, ready for queries.
pub struct Timeline {
    frame: DataFrame,
    /// (indicator id, event id) of every IOC hit, sorted.
    ioc_hits: Vec<(i64, i64)>,
}

/// Bucket widths a histogram may use, in seconds.
const BUCKET_WIDTHS: [i64; 15] = [
    1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 604_800,
];

impl Timeline {
    /// Loads the timeline frame from the case.
    pub fn load(case: &Case) -> Result<Timeline> {
        let cols = case.event_columns()?;
        let mut columns: Vec<Column> = Vec::with_capacity(FRAME_COLUMNS.len());
        columns.push(Column::new("id".into(), cols.id));
        columns.push(Column::new("ts".into(), cols.ts));
        columns.push(Column::new("evidence_id".into(), cols.evidence_id));
        for (name, values) in cols.text {
            columns.push(Column::new(name.into(), values));
        }
        let frame = DataFrame::new_infer_height(columns)?;
        let frame = frame.select(FRAME_COLUMNS)?;
        Ok(Timeline {
            frame,
            ioc_hits: case.ioc_hit_pairs()?,
        })
    }

    /// Re-reads the IOC hits (after a sweep).
    pub fn reload_ioc_hits(&mut self, case: &Case) -> Result<()> {
        self.ioc_hits = case.ioc_hit_pairs()?;
        Ok(())
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn filtered(&self, q: &TimelineQuery) -> Result<LazyFrame> {
        let mut lf = match q.ioc {
            None => self.frame.clone().lazy(),
            Some(indicator) => {
                // A semi-join on the indicator's hit events, as a mask over the id column.
                let start = self.ioc_hits.partition_point(|h| h.0 < indicator);
                let end = self.ioc_hits.partition_point(|h| h.0 <= indicator);
                let events: std::collections::HashSet<i64> =
                    self.ioc_hits[start..end].iter().map(|h| h.1).collect();
                let ids = self.frame.column("id")?.i64()?;
                let mask: BooleanChunked = ids
                    .iter()
                    .map(|id| Some(id.is_some_and(|id| events.contains(&id))))
                    .collect();
                self.frame.filter(&mask)?.lazy()
            }
        };
        if let Some(from) = q.from {
            lf = lf.filter(col("ts").gt_eq(lit(from)));
        }
        if let Some(to) = q.to {
            lf = lf.filter(col("ts").lt_eq(lit(to)));
        }
        if let Some(text) = q.grep.as_deref().filter(|t| !t.is_empty()) {
            let needle = text.to_lowercase();
            let any = SEARCHED
                .iter()
                .map(|c| {
                    col(*c)
                        .str()
                        .to_lowercase()
                        .str()
                        .contains_literal(lit(needle.clone()))
                        .fill_null(lit(false))
                })
                .reduce(|a, b| a.or(b))
                .expect("SEARCHED is not empty");
            lf = lf.filter(any);
        }
        Ok(lf)
    }

    /// Events matching the query, in time order (events without a time last, ties by
    /// id), one page of them.
    pub fn query(&self, q: &TimelineQuery) -> Result<TimelinePage> {
        let matching = self.filtered(q)?.collect()?;
        let total = matching.height();
        let page = matching
            .lazy()
            .sort(
                ["ts", "id"],
                SortMultipleOptions::default()
                    .with_nulls_last(true)
                    .with_maintain_order(true),
            )
            .slice(q.offset as i64, q.limit as IdxSize)
            .collect()?;
        Ok(TimelinePage {
            total,
            offset: q.offset,
            rows: rows_of(&page)?,
        })
    }

    /// Events whose `action` is one of `actions` or whose `severity` is one of
    /// `severities`, in time order, at most `limit`.
    pub fn select_notable(
        &self,
        actions: &[&str],
        severities: &[&str],
        limit: usize,
    ) -> Result<TimelinePage> {
        let is_any = |column: &str, values: &[&str]| {
            values
                .iter()
                .map(|v| col(column).eq(lit(*v)).fill_null(lit(false)))
                .reduce(|a, b| a.or(b))
                .unwrap_or(lit(false))
        };
        let matching = self
            .frame
            .clone()
            .lazy()
            .filter(is_any("action", actions).or(is_any("severity", severities)))
            .collect()?;
        let total = matching.height();
        let page = matching
            .lazy()
            .sort(
                ["ts", "id"],
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .slice(0, limit as IdxSize)
            .collect()?;
        Ok(TimelinePage {
            total,
            offset: 0,
            rows: rows_of(&page)?,
        })
    }

    /// How many events have each value of `column` (nulls as `(none)`), most first,
    /// ties by value.
    pub fn counts_by(&self, column: &str) -> Result<Vec<(String, u64)>> {
        let counts = self
            .frame
            .clone()
            .lazy()
            .group_by([col(column)])
            .agg([len().alias("count")])
            .sort(
                ["count", column],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false])
                    .with_nulls_last(true),
            )
            .collect()?;
        let values = counts.column(column)?.str()?;
        let n = counts.column("count")?.idx()?;
        Ok(values
            .iter()
            .zip(n.iter())
            .map(|(v, c)| (v.unwrap_or("(none)").to_string(), c.unwrap_or(0) as u64))
            .collect())
    }

    /// The first and last event time, if any event has one.
    pub fn span(&self) -> Result<Option<(Micros, Micros)>> {
        let ts = self.frame.column("ts")?.i64()?;
        Ok(ts.min().zip(ts.max()))
    }

    /// Events over time, with at most `max_buckets` buckets of a round width.
    pub fn histogram(&self, max_buckets: usize) -> Result<Histogram> {
        let Some((first, last)) = self.span()? else {
            return Ok(Histogram {
                bucket_seconds: BUCKET_WIDTHS[0],
                buckets: Vec::new(),
            });
        };
        let span_s = (last - first) / 1_000_000 + 1;
        let width_s = BUCKET_WIDTHS
            .iter()
            .copied()
            .find(|w| span_s / w < max_buckets.max(1) as i64)
            .unwrap_or_else(|| {
                let days = span_s / 86_400 / max_buckets.max(1) as i64 + 1;
                days * 86_400
            });
        let width = width_s * 1_000_000;
        let start = first.div_euclid(width) * width;
        let counts = self
            .frame
            .clone()
            .lazy()
            .filter(col("ts").is_not_null())
            .group_by([((col("ts") - lit(start)) / lit(width))
                .cast(DataType::Int64)
                .alias("bucket")])
            .agg([len().alias("count")])
            .collect()?;
        let n_buckets = ((last - start) / width + 1) as usize;
        let mut buckets: Vec<(Micros, u64)> = (0..n_buckets)
            .map(|i| (start + i as i64 * width, 0))
            .collect();
        let idx = counts.column("bucket")?.i64()?;
        let n = counts.column("count")?.idx()?;
        for (b, c) in idx.iter().zip(n.iter()) {
            if let (Some(b), Some(c)) = (b, c) {
                if let Some(slot) = buckets.get_mut(b as usize) {
                    slot.1 = c as u64;
                }
            }
        }
        Ok(Histogram {
            bucket_seconds: width_s,
            buckets,
        })
    }
}

fn rows_of(df: &DataFrame) -> Result<Vec<EventRow>> {
    let id = df.column("id")?.i64()?;
    let ts = df.column("ts")?.i64()?;
    let evidence_id = df.column("evidence_id")?.i64()?;
    let s = |name: &str| -> Result<&StringChunked> { Ok(df.column(name)?.str()?) };
    let (quality, source, locator) = (s("ts_quality")?, s("source")?, s("locator")?);
    let (host, user, src_ip, dst_ip) = (s("host")?, s("user")?, s("src_ip")?, s("dst_ip")?);
    let (process, code, action, severity, message) = (
        s("process")?,
        s("event_code")?,
        s("action")?,
        s("severity")?,
        s("message")?,
    );
    let owned = |c: &StringChunked, i: usize| c.get(i).map(str::to_string);
    Ok((0..df.height())
        .map(|i| EventRow {
            id: id.get(i).unwrap_or_default(),
            ts: ts.get(i).map(format_micros),
            ts_quality: quality.get(i).unwrap_or_default().to_string(),
            source: source.get(i).unwrap_or_default().to_string(),
            evidence_id: evidence_id.get(i).unwrap_or_default(),
            locator: locator.get(i).unwrap_or_default().to_string(),
            host: owned(host, i),
            user: owned(user, i),
            src_ip: owned(src_ip, i),
            dst_ip: owned(dst_ip, i),
            process: owned(process, i),
            event_code: owned(code, i),
            action: owned(action, i),
            severity: owned(severity, i),
            message: message.get(i).unwrap_or_default().to_string(),
        })
        .collect())
}
