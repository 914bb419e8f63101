//! The timeline: every event of the case as one polars frame, filtered, sorted, paged.
//!
//! [`Timeline::load`] builds the frame ([`frame::build_frame`]: events, clock offsets,
//! annotations; the bulky `raw` and `attrs` stay in SQLite and are read one event at a
//! time). Queries in the [`query`] language compile to polars expressions, so filters,
//! counts, histograms and top-N stay columnar. The last filtered and sorted view is kept,
//! so paging through it is a slice. polars stays inside this module: callers get plain
//! Rust types.

pub mod annotate;
mod cache;
pub mod export;
pub mod frame;
mod lanes;
pub mod query;
pub mod sql;

use std::sync::Mutex;

use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::Case;
use crate::time::{format_micros, format_micros_in, Micros};

pub use frame::FrameSource;

/// Columns the old `grep` filter looks in.
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

/// Columns a view can be sorted by and top-N counted over.
pub const VIEW_COLUMNS: [&str; 21] = [
    "id",
    "ts",
    "ts_source",
    "ts_quality",
    "source",
    "evidence_id",
    "locator",
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "message",
    "tags",
    "starred",
    "note",
    "verdict",
    "iocs",
];

/// An order for a view: one column, then time and id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sort {
    pub column: String,
    pub descending: bool,
}

impl Sort {
    /// Reads `column` or `column:desc` / `-column`.
    pub fn parse(text: &str) -> Result<Sort> {
        let t = text.trim();
        let (column, descending) = if let Some(c) = t.strip_prefix('-') {
            (c, true)
        } else if let Some(c) = t.strip_suffix(":desc") {
            (c, true)
        } else {
            (t.strip_suffix(":asc").unwrap_or(t), false)
        };
        if !VIEW_COLUMNS.contains(&column) || column == "tags" || column == "iocs" {
            return Err(Error::Invalid(format!(
                "cannot sort by '{column}'; sort by one of {}",
                VIEW_COLUMNS.join(", ")
            )));
        }
        Ok(Sort {
            column: column.to_string(),
            descending,
        })
    }
}

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    /// A query in the timeline language (empty: every event).
    pub query: String,
    /// Inclusive lower bound, UTC microseconds (ANDed with the query).
    pub from: Option<Micros>,
    /// Inclusive upper bound, UTC microseconds.
    pub to: Option<Micros>,
    /// Case-insensitive text that must appear in message, host, user, process, IPs,
    /// action or event code (ANDed with the query).
    pub grep: Option<String>,
    /// `None`: time order (events without a time last, ties by id).
    pub sort: Option<Sort>,
    pub offset: usize,
    pub limit: usize,
    /// Zone the row times are shown in (`None`: UTC).
    pub zone: Option<Tz>,
}

impl TimelineQuery {
    /// Every event matching `query`, in time order, no rows.
    pub fn of(query: &str) -> TimelineQuery {
        TimelineQuery {
            query: query.to_string(),
            ..Default::default()
        }
    }
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub starred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// The clock offset applied to `ts`, in microseconds, when the evidence has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_offset_us: Option<i64>,
    /// Ids of the indicators that hit this event, ascending.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub iocs: Vec<i64>,
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

/// The most frequent values of a column in a view.
#[derive(Debug, Clone, Serialize)]
pub struct TopValues {
    pub column: String,
    /// Events in the view.
    pub total: usize,
    /// Distinct values in the view (a missing value counts as one).
    pub distinct: usize,
    /// (value, events), most first, ties by value; a missing value is `(none)`.
    pub values: Vec<(String, u64)>,
}

/// Which events count as "around" an event besides the time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Around {
    #[default]
    Any,
    SameHost,
    SameUser,
}

/// The case's events, ready for queries.
pub struct Timeline {
    /// Events with offsets applied, in time order (the cacheable part).
    events: DataFrame,
    /// `events` with the annotation layers.
    frame: DataFrame,
    /// The value codes of `events`, row for row (see [`frame::EventParts::codes`]).
    codes: DataFrame,
    ctx: query::Context,
    source: FrameSource,
    /// The rows of the last filtered, sorted view and what it was made from.
    view: Mutex<Option<(ViewKey, Rows)>>,
}

/// The rows of a view, as positions in the frame. A view holds no copy of the events:
/// a page, a count, a histogram or a top-N reads only the rows and columns it needs.
#[derive(Debug, Clone)]
enum Rows {
    /// Every row, in frame (time) order.
    All(usize),
    /// These rows, in view order.
    Some(IdxCa),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::All(n) => *n,
            Rows::Some(idx) => idx.len(),
        }
    }

    /// The rows of `df` (a frame, or columns of it), in view order.
    fn gather(&self, df: &DataFrame) -> Result<DataFrame> {
        Ok(match self {
            Rows::All(_) => df.clone(),
            Rows::Some(idx) => df.take(idx)?,
        })
    }

    /// Calls `f` with each row and its value code, in view order, until it returns
    /// false.
    fn for_each_code(&self, codes: &[u32], f: &mut dyn FnMut(usize, u32) -> bool) {
        match self {
            Rows::All(_) => {
                for (r, c) in codes.iter().enumerate() {
                    if !f(r, *c) {
                        return;
                    }
                }
            }
            Rows::Some(idx) => {
                for r in idx.downcast_iter().flat_map(|a| a.values().iter()) {
                    if !f(*r as usize, codes[*r as usize]) {
                        return;
                    }
                }
            }
        }
    }

    /// How many of the rows have each value code (index: the code). Many rows are
    /// counted in parts on every core (each part into its own counts, then summed):
    /// with a value per event, the counts do not fit any cache and each row is a miss.
    fn code_counts(&self, codes: &[u32]) -> Result<Vec<u32>> {
        const MIN_PART: usize = 1 << 20;
        let size = codes.iter().max().map_or(0, |m| *m as usize) + 1;
        let idx = match self {
            Rows::All(_) => None,
            Rows::Some(idx) => Some(idx.rechunk()),
        };
        let picked = match &idx {
            Some(idx) => Some(idx.cont_slice()?),
            None => None,
        };
        let count = |from: usize, to: usize| {
            let mut counts = vec![0u32; size];
            match picked {
                None => codes[from..to]
                    .iter()
                    .for_each(|c| counts[*c as usize] += 1),
                Some(rows) => rows[from..to]
                    .iter()
                    .for_each(|r| counts[codes[*r as usize] as usize] += 1),
            }
            counts
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parts = cores.min(self.len() / MIN_PART).max(1);
        if parts == 1 {
            return Ok(count(0, self.len()));
        }
        let part_len = self.len().div_ceil(parts);
        let counted: Vec<Vec<u32>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..parts)
                .map(|p| {
                    let (from, to) = (p * part_len, ((p + 1) * part_len).min(self.len()));
                    scope.spawn(move || count(from, to))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a counting thread panicked"))
                .collect()
        });
        let mut counted = counted.into_iter();
        let mut total = counted.next().expect("at least two parts");
        for part in counted {
            total.iter_mut().zip(part).for_each(|(t, c)| *t += c);
        }
        Ok(total)
    }

    /// `limit` rows of `df` from `offset` on.
    fn page(&self, df: &DataFrame, offset: usize, limit: usize) -> Result<DataFrame> {
        let offset = offset.min(self.len());
        Ok(match self {
            Rows::All(_) => df.slice(offset as i64, limit),
            Rows::Some(idx) => df.take(&idx.slice(offset as i64, limit))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ViewKey {
    query: String,
    from: Option<Micros>,
    to: Option<Micros>,
    grep: Option<String>,
    sort: Option<Sort>,
}

/// Bucket widths a histogram may use, in seconds.
const BUCKET_WIDTHS: [i64; 15] = [
    1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 604_800,
];

fn context_of(case: &Case) -> Result<query::Context> {
    Ok(query::Context {
        evidence: case
            .evidence()?
            .into_iter()
            .map(|e| (e.id, e.file_name))
            .collect(),
    })
}

impl Timeline {
    /// Builds the timeline frame from the case's rows.
    pub fn load(case: &Case) -> Result<Timeline> {
        Timeline::from_parts(case, frame::event_parts(case)?)
    }

    /// Like [`Timeline::load`], reading the event part from the frame cache beside the
    /// case when it matches (and writing it there when not).
    pub fn load_cached(case: &Case) -> Result<Timeline> {
        Timeline::from_parts(case, frame::event_parts_cached(case)?)
    }

    fn from_parts(case: &Case, parts: frame::EventParts) -> Result<Timeline> {
        Ok(Timeline {
            frame: frame::join_layers(case, parts.events.clone())?,
            events: parts.events,
            codes: parts.codes,
            ctx: context_of(case)?,
            source: parts.source,
            view: Mutex::new(None),
        })
    }

    /// Re-joins the annotations after they changed (the events are kept).
    pub fn refresh_annotations(&mut self, case: &Case) -> Result<()> {
        self.frame = frame::join_layers(case, self.events.clone())?;
        self.ctx = context_of(case)?;
        *self.view.lock().expect("view lock") = None;
        Ok(())
    }

    /// Whether the event part came from the cache.
    pub fn source(&self) -> FrameSource {
        self.source
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole frame, for SQL and exports.
    pub(crate) fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// Checks a query and returns its filter expression.
    pub fn filter_expr(&self, q: &TimelineQuery) -> Result<Expr> {
        let mut e = query::filter_expr(&q.query, &self.ctx).map_err(|e| Error::Query {
            position: e.position,
            message: e.message,
        })?;
        if let Some(from) = q.from {
            e = e.and(col("ts").gt_eq(lit(from)).fill_null(lit(false)));
        }
        if let Some(to) = q.to {
            e = e.and(col("ts").lt_eq(lit(to)).fill_null(lit(false)));
        }
        if let Some(text) = q.grep.as_deref().filter(|t| !t.is_empty()) {
            let any = SEARCHED
                .iter()
                .map(|c| query::contains_ci(c, text))
                .reduce(|a, b| a.or(b))
                .expect("SEARCHED is not empty");
            e = e.and(any);
        }
        Ok(e)
    }

    /// The events of a view (filtered and sorted), every column.
    pub(crate) fn view(&self, q: &TimelineQuery) -> Result<DataFrame> {
        self.view_rows(q)?.gather(&self.frame)
    }

    /// Some columns of the events of a view.
    fn view_columns(&self, q: &TimelineQuery, columns: &[&str]) -> Result<DataFrame> {
        self.view_rows(q)?
            .gather(&self.frame.select(columns.iter().copied())?)
    }

    /// The rows of a view (filtered and sorted), reusing the last one when it is the
    /// same view.
    fn view_rows(&self, q: &TimelineQuery) -> Result<Rows> {
        let key = ViewKey {
            query: q.query.trim().to_string(),
            from: q.from,
            to: q.to,
            grep: q.grep.clone().filter(|g| !g.is_empty()),
            sort: q.sort.clone(),
        };
        if let Some((k, rows)) = self.view.lock().expect("view lock").as_ref() {
            if *k == key {
                return Ok(rows.clone());
            }
        }
        let everything =
            key.query.is_empty() && key.from.is_none() && key.to.is_none() && key.grep.is_none();
        let rows = if everything && q.sort.is_none() {
            Rows::All(self.frame.height())
        } else {
            const ROW: &str = "__row";
            let mut lf = if everything {
                self.frame.clone().lazy().with_row_index(ROW, None)
            } else {
                let filter = self.filter_expr(q)?;
                // The frame is in time order: cut it to the query's time window by
                // binary search first, so the filter only looks at the events that can
                // match.
                let (mut lo, mut hi) = query::parse(&q.query)
                    .map(|ast| query::ts_window(&ast))
                    .unwrap_or((None, None));
                if let Some(from) = q.from {
                    lo = Some(lo.map_or(from, |l| l.max(from)));
                }
                if let Some(to) = q.to {
                    hi = Some(hi.map_or(to, |h| h.min(to)));
                }
                let (start, end) = if lo.is_some() || hi.is_some() {
                    time_window_rows(self.frame.column("ts")?.i64()?, lo, hi)
                } else {
                    (0, self.frame.height())
                };
                self.frame
                    .slice(start as i64, end.saturating_sub(start))
                    .lazy()
                    .with_row_index(ROW, Some(start as IdxSize))
                    .filter(filter)
            };
            if let Some(sort) = &q.sort {
                lf = lf.sort(
                    [sort.column.as_str(), "ts", "id"],
                    SortMultipleOptions::default()
                        .with_order_descending_multi([sort.descending, false, false])
                        .with_nulls_last(true)
                        .with_maintain_order(true),
                );
            }
            let df = lf.select([col(ROW)]).collect()?;
            Rows::Some(df.column(ROW)?.idx()?.clone())
        };
        *self.view.lock().expect("view lock") = Some((key, rows.clone()));
        Ok(rows)
    }

    /// How many events match.
    pub fn count(&self, q: &TimelineQuery) -> Result<usize> {
        Ok(self.view_rows(q)?.len())
    }

    /// One page of the events matching the query.
    pub fn query(&self, q: &TimelineQuery) -> Result<TimelinePage> {
        let rows = self.view_rows(q)?;
        let page = rows.page(&self.frame, q.offset, q.limit)?;
        Ok(TimelinePage {
            total: rows.len(),
            offset: q.offset,
            rows: rows_of(&page, q.zone)?,
        })
    }

    /// One event's row, as the timeline shows it.
    pub fn row(&self, id: i64) -> Result<Option<EventRow>> {
        let df = self
            .frame
            .clone()
            .lazy()
            .filter(col("id").eq(lit(id)))
            .collect()?;
        Ok(rows_of(&df, None)?.into_iter().next())
    }

    /// The offset in the (time-ordered) view of the first event at or after `ts`.
    pub fn jump_to(&self, q: &TimelineQuery, ts: Micros) -> Result<usize> {
        if q.sort
            .as_ref()
            .is_some_and(|s| s.column != "ts" || s.descending)
        {
            return Err(Error::Invalid(
                "jumping to a time needs the view in time order".into(),
            ));
        }
        let view = self.view_columns(q, &["ts"])?;
        let n = view
            .lazy()
            .filter(col("ts").lt(lit(ts)))
            .select([len()])
            .collect()?;
        Ok(n.column("len")?.idx()?.get(0).unwrap_or(0) as usize)
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
        Ok(TimelinePage {
            total: matching.height(),
            offset: 0,
            rows: rows_of(&matching.slice(0, limit), None)?,
        })
    }

    /// How many events have each value of `column` (nulls as `(none)`), most first,
    /// ties by value.
    pub fn counts_by(&self, column: &str) -> Result<Vec<(String, u64)>> {
        Ok(self
            .top(&TimelineQuery::default(), column, usize::MAX)?
            .values)
    }

    /// The `n` most frequent values of `column` among the events of the query, with
    /// the number of distinct values. `tags` counts each tag, `iocs` each indicator.
    pub fn top(&self, q: &TimelineQuery, column: &str, n: usize) -> Result<TopValues> {
        if !VIEW_COLUMNS.contains(&column) {
            return Err(Error::Invalid(format!(
                "no column '{column}'; use one of {}",
                VIEW_COLUMNS.join(", ")
            )));
        }
        let rows = self.view_rows(&TimelineQuery {
            sort: None,
            ..q.clone()
        })?;
        if frame::is_coded(column) {
            return self.top_by_code(&rows, column, n);
        }
        let total = rows.len();
        let view = rows.gather(&self.frame.select([column])?)?;
        let lf = if column == "tags" || column == "iocs" {
            view.lazy().select([col(column).explode(ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            })])
        } else {
            view.lazy().select([col(column)])
        };
        let value = col(column).cast(DataType::String).alias("value");
        let counts = lf.group_by([value]).agg([len().alias("count")]).collect()?;
        let distinct = counts.height();
        let values = counts.column("value")?.str()?;
        let c = counts.column("count")?.idx()?;
        // Only the first `n` need ordering: find the n-th largest count, keep the values
        // that reach it, and sort those (a full sort of millions of groups is the
        // expensive part of a top-N over a high-cardinality column).
        let threshold = if n == 0 || n >= distinct {
            0
        } else {
            let mut all: Vec<IdxSize> = c.iter().map(|c| c.unwrap_or(0)).collect();
            let (_, nth, _) = all.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
            *nth
        };
        let mut pairs: Vec<(Option<&str>, IdxSize)> = values
            .iter()
            .zip(c.iter())
            .map(|(v, c)| (v, c.unwrap_or(0)))
            .filter(|(_, c)| *c >= threshold)
            .collect();
        // Most first, then by value (bytewise, as polars sorts), the missing value last.
        let order = |a: &(Option<&str>, IdxSize), b: &(Option<&str>, IdxSize)| {
            b.1.cmp(&a.1).then_with(|| match (a.0, b.0) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
        };
        if n < pairs.len() {
            if n > 0 {
                pairs.select_nth_unstable_by(n - 1, order);
            }
            pairs.truncate(n);
        }
        pairs.sort_unstable_by(order);
        Ok(TopValues {
            column: column.to_string(),
            total,
            distinct,
            values: pairs
                .into_iter()
                .map(|(v, c)| (v.unwrap_or("(none)").to_string(), c as u64))
                .collect(),
        })
    }

    /// [`Timeline::top`] of a coded column: counts the rows' value codes (no strings
    /// hashed), then reads the values of the winners only. Codes are ranks in byte
    /// order, so ties by value are ties by code, with the missing value (code 0) last.
    fn top_by_code(&self, rows: &Rows, column: &str, n: usize) -> Result<TopValues> {
        let codes = self.codes.column(&frame::code_column(column))?.u32()?;
        let codes = codes.rechunk();
        let codes = codes.cont_slice()?;
        let counts = rows.code_counts(codes)?;
        // The n-th largest count, kept in a small heap while the counts go by (a
        // column with a value per event has millions of them).
        let mut distinct = 0;
        let mut heap = std::collections::BinaryHeap::with_capacity(n.min(1 << 16) + 1);
        for c in counts.iter().copied().filter(|c| *c > 0) {
            distinct += 1;
            if n > 0 && n <= 1 << 16 {
                if heap.len() < n {
                    heap.push(std::cmp::Reverse(c));
                } else if heap.peek().is_some_and(|m| m.0 < c) {
                    heap.pop();
                    heap.push(std::cmp::Reverse(c));
                }
            }
        }
        let threshold = if n == 0 || n >= distinct {
            1
        } else if n <= 1 << 16 {
            heap.peek().map_or(1, |m| m.0)
        } else {
            let mut all: Vec<u32> = counts.iter().copied().filter(|c| *c > 0).collect();
            *all.select_nth_unstable_by(n - 1, |a, b| b.cmp(a)).1
        };
        let mut top: Vec<(u32, u32)> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c >= threshold)
            .map(|(code, c)| (code as u32, *c))
            .collect();
        let order = |(code, count): &(u32, u32)| (std::cmp::Reverse(*count), *code == 0, *code);
        if n < top.len() {
            if n > 0 {
                top.select_nth_unstable_by_key(n - 1, order);
            }
            top.truncate(n);
        }
        top.sort_unstable_by_key(order);
        // The first row of each winning code gives its value. The winners are marked
        // in a bitset (a bit per code stays in cache, a slot per code would not).
        let mut wanted = vec![0u64; counts.len().div_ceil(64)];
        drop(counts);
        for (code, _) in &top {
            wanted[*code as usize / 64] |= 1 << (code % 64);
        }
        let mut by_code: Vec<(u32, usize)> = top
            .iter()
            .enumerate()
            .map(|(slot, (code, _))| (*code, slot))
            .collect();
        by_code.sort_unstable();
        let mut first_row = vec![usize::MAX; top.len()];
        let mut missing = top.len();
        rows.for_each_code(codes, &mut |r, c| {
            let (word, bit) = (c as usize / 64, 1u64 << (c % 64));
            if wanted[word] & bit != 0 {
                wanted[word] &= !bit;
                let at = by_code.partition_point(|(code, _)| *code < c);
                first_row[by_code[at].1] = r;
                missing -= 1;
            }
            missing > 0
        });
        debug_assert_eq!(missing, 0);
        let values = self.frame.column(column)?.str()?;
        Ok(TopValues {
            column: column.to_string(),
            total: rows.len(),
            distinct,
            values: top
                .iter()
                .zip(first_row)
                .map(|((_, count), row)| {
                    let value = values.get(row).unwrap_or("(none)");
                    (value.to_string(), *count as u64)
                })
                .collect(),
        })
    }

    /// The number of distinct values of each text column among the events of the
    /// query (missing values not counted).
    pub fn distinct_counts(&self, q: &TimelineQuery) -> Result<Vec<(String, u64)>> {
        const COLUMNS: [&str; 12] = [
            "source",
            "evidence_id",
            "host",
            "user",
            "src_ip",
            "dst_ip",
            "process",
            "event_code",
            "action",
            "severity",
            "verdict",
            "message",
        ];
        let rows = self.view_rows(&TimelineQuery {
            sort: None,
            ..q.clone()
        })?;
        COLUMNS
            .iter()
            .map(|c| {
                let distinct = if frame::is_coded(c) {
                    let codes = self.codes.column(&frame::code_column(c))?.u32()?;
                    let counts = rows.code_counts(codes.rechunk().cont_slice()?)?;
                    counts.iter().skip(1).filter(|n| **n > 0).count() as u64
                } else {
                    let view = rows.gather(&self.frame.select([*c])?)?;
                    let n = view.column(c)?.drop_nulls().n_unique()?;
                    n as u64
                };
                Ok((c.to_string(), distinct))
            })
            .collect()
    }

    /// The first and last event time, if any event has one.
    pub fn span(&self) -> Result<Option<(Micros, Micros)>> {
        let ts = self.frame.column("ts")?.i64()?;
        Ok(ts.min().zip(ts.max()))
    }

    /// Events over time of the whole timeline, with at most `max_buckets` buckets.
    pub fn histogram(&self, max_buckets: usize) -> Result<Histogram> {
        self.histogram_of(&TimelineQuery::default(), max_buckets)
    }

    /// Events of the query over time, with at most `max_buckets` buckets of a round
    /// width (1 s, 5 s, 10 s, 30 s, 1 min, 5 min, 10 min, 15 min, 30 min, 1 h, 3 h,
    /// 6 h, 12 h, 1 day, 1 week, then whole days).
    pub fn histogram_of(&self, q: &TimelineQuery, max_buckets: usize) -> Result<Histogram> {
        let view = self.view_columns(
            &TimelineQuery {
                sort: None,
                ..q.clone()
            },
            &["ts"],
        )?;
        let ts = view.column("ts")?.i64()?;
        let runs = frame::ts_runs(ts);
        let first = runs.iter().find_map(|r| r.first().copied());
        let last = runs.iter().rev().find_map(|r| r.last().copied());
        let Some((first, last)) = first.zip(last) else {
            return Ok(Histogram {
                bucket_seconds: BUCKET_WIDTHS[0],
                buckets: Vec::new(),
            });
        };
        let width_s = bucket_width(first, last, max_buckets);
        let width = width_s * 1_000_000;
        let start = first.div_euclid(width) * width;
        let n_buckets = ((last - start) / width + 1) as usize;
        let mut buckets: Vec<(Micros, u64)> = (0..n_buckets)
            .map(|i| (start + i as i64 * width, 0))
            .collect();
        // A view without a sort is in time order (nulls last): each bucket's events are
        // one run, found by binary search, with no pass over the rows.
        for run in runs {
            let mut from = 0;
            for (b, slot) in buckets.iter_mut().enumerate() {
                let end = start + (b as i64 + 1) * width;
                let to = from + run[from..].partition_point(|t| *t < end);
                slot.1 += (to - from) as u64;
                from = to;
                if from == run.len() {
                    break;
                }
            }
        }
        Ok(Histogram {
            bucket_seconds: width_s,
            buckets,
        })
    }

    /// The events within `before`/`after` microseconds of event `id` (itself included),
    /// optionally only those of the same host or user, in time order, at most `limit`.
    pub fn around(
        &self,
        id: i64,
        before: Micros,
        after: Micros,
        same: Around,
        limit: usize,
        zone: Option<Tz>,
    ) -> Result<TimelinePage> {
        let me = self
            .frame
            .clone()
            .lazy()
            .filter(col("id").eq(lit(id)))
            .select([col("ts"), col("host"), col("user")])
            .collect()?;
        if me.height() == 0 {
            return Err(Error::NoSuchEvent(id));
        }
        let Some(ts) = me.column("ts")?.i64()?.get(0) else {
            return Err(Error::Invalid(format!(
                "event {id} has no time, so nothing is around it"
            )));
        };
        let mut e = col("ts")
            .gt_eq(lit(ts - before))
            .and(col("ts").lt_eq(lit(ts + after)));
        let same_as = |column: &str| -> Result<Expr> {
            Ok(match me.column(column)?.str()?.get(0) {
                Some(v) => col(column).eq(lit(v.to_string())).fill_null(lit(false)),
                None => col(column).is_null(),
            })
        };
        match same {
            Around::Any => {}
            Around::SameHost => e = e.and(same_as("host")?),
            Around::SameUser => e = e.and(same_as("user")?),
        }
        let matching = self.frame.clone().lazy().filter(e).collect()?;
        Ok(TimelinePage {
            total: matching.height(),
            offset: 0,
            rows: rows_of(&matching.slice(0, limit), zone)?,
        })
    }
}

/// The rows `start..end` of a time-ordered `ts` column (nulls last) whose time lies in
/// `lo..=hi` (an open end: no bound), by binary search.
fn time_window_rows(ts: &Int64Chunked, lo: Option<Micros>, hi: Option<Micros>) -> (usize, usize) {
    // Rows before the first time >= lo, and before the first time > hi, over all chunks.
    let rank = |pred: &dyn Fn(i64) -> bool| -> usize {
        let mut n = 0;
        for run in frame::ts_runs(ts) {
            let k = run.partition_point(|t| pred(*t));
            n += k;
            if k < run.len() {
                break;
            }
        }
        n
    };
    let non_null = ts.len() - ts.null_count();
    let start = lo.map_or(0, |lo| rank(&|t| t < lo));
    let end = hi.map_or(non_null, |hi| rank(&|t| t <= hi));
    (start, end.max(start))
}

/// The widest round bucket that still gives at most `max_buckets` over `first..=last`.
pub fn bucket_width(first: Micros, last: Micros, max_buckets: usize) -> i64 {
    let max = max_buckets.max(1) as i64;
    let fits = |w: i64| {
        let width = w * 1_000_000;
        let start = first.div_euclid(width) * width;
        (last - start) / width < max
    };
    if let Some(w) = BUCKET_WIDTHS.iter().copied().find(|w| fits(*w)) {
        return w;
    }
    let mut days = (last - first) / 86_400_000_000 / max + 1;
    while !fits(days * 86_400) {
        days += 1;
    }
    days * 86_400
}

pub(crate) fn rows_of(df: &DataFrame, zone: Option<Tz>) -> Result<Vec<EventRow>> {
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
    let (note, verdict) = (s("note")?, s("verdict")?);
    let tags = df.column("tags")?.list()?;
    let iocs = df.column("iocs")?.list()?;
    let starred = df.column("starred")?.bool()?;
    let offset = df.column("clock_offset_us")?.i64()?;
    let owned = |c: &StringChunked, i: usize| c.get(i).map(str::to_string);
    let show = |t: Micros| match zone {
        Some(z) => format_micros_in(t, z),
        None => format_micros(t),
    };
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let tag_list = match tags.get_as_series(i) {
            Some(s) => s.str()?.iter().flatten().map(str::to_string).collect(),
            None => Vec::new(),
        };
        let ioc_list = match iocs.get_as_series(i) {
            Some(s) => s.i64()?.iter().flatten().collect(),
            None => Vec::new(),
        };
        rows.push(EventRow {
            id: id.get(i).unwrap_or_default(),
            ts: ts.get(i).map(show),
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
            tags: tag_list,
            starred: starred.get(i).unwrap_or(false),
            note: owned(note, i),
            verdict: owned(verdict, i),
            clock_offset_us: offset.get(i),
            iocs: ioc_list,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_counts_in_parts_add_up_to_a_plain_count() {
        // 3,000,001 rows: enough for a part per core, with a short last part.
        let codes: Vec<u32> = (0..3_000_001u64)
            .map(|i| ((i * 2_654_435_761) % 100_003) as u32)
            .collect();
        let plain = |rows: &mut dyn Iterator<Item = usize>| {
            let mut counts = vec![0u32; 100_003];
            rows.for_each(|r| counts[codes[r] as usize] += 1);
            counts
        };
        let all = Rows::All(codes.len());
        assert_eq!(
            all.code_counts(&codes).unwrap(),
            plain(&mut (0..codes.len()))
        );
        let picked: Vec<IdxSize> = (0..codes.len() as IdxSize).step_by(3).rev().collect();
        let some = Rows::Some(IdxCa::from_vec("row".into(), picked.clone()));
        let want = plain(&mut picked.iter().map(|r| *r as usize));
        assert_eq!(some.code_counts(&codes).unwrap(), want);
        assert_eq!(
            want.iter().map(|c| *c as usize).sum::<usize>(),
            picked.len()
        );
    }
}
