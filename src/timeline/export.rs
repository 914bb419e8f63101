//! Writing timeline rows out: CSV (with spreadsheet formula injection neutralised),
//! JSON lines, Timesketch CSV/JSON lines, Parquet partitioned by day, and a plain table
//! for terminals (control characters made visible). [`export_view`] writes any view of
//! the timeline in one of these formats, a slice of rows at a time.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{rows_of, EventRow, Timeline, TimelineQuery};
use crate::error::{Error, Result};

/// The exported columns, in order.
pub const EXPORT_COLUMNS: [&str; 19] = [
    "id",
    "ts",
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
];

fn fields(r: &EventRow) -> [String; 19] {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.id.to_string(),
        o(&r.ts),
        r.ts_quality.clone(),
        r.source.clone(),
        r.evidence_id.to_string(),
        r.locator.clone(),
        o(&r.host),
        o(&r.user),
        o(&r.src_ip),
        o(&r.dst_ip),
        o(&r.process),
        o(&r.event_code),
        o(&r.action),
        o(&r.severity),
        r.message.clone(),
        r.tags.join(" "),
        if r.starred {
            "true".into()
        } else {
            String::new()
        },
        o(&r.note),
        o(&r.verdict),
    ]
}

/// One CSV cell: a value a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or CR) gets a leading `'`; quotes, commas and line breaks are quoted.
pub fn csv_cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Writes rows as CSV with a header.
pub fn write_csv(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    writeln!(out, "{}", EXPORT_COLUMNS.join(","))?;
    for r in rows {
        write_csv_row(out, r)?;
    }
    Ok(())
}

/// Writes rows as JSON lines.
pub fn write_jsonl(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The file formats of [`export_view`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
    /// Timesketch's CSV import: `message`, `datetime`, `timestamp_desc`, `timestamp`, ...
    TimesketchCsv,
    /// Timesketch's JSON lines import.
    TimesketchJsonl,
    /// A folder of Parquet files, Hive-style: `day=YYYY-MM-DD/part-0.parquet`.
    Parquet,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<ExportFormat> {
        Ok(match text {
            "csv" => ExportFormat::Csv,
            "jsonl" => ExportFormat::Jsonl,
            "timesketch-csv" => ExportFormat::TimesketchCsv,
            "timesketch-jsonl" => ExportFormat::TimesketchJsonl,
            "parquet" => ExportFormat::Parquet,
            other => {
                return Err(Error::Invalid(format!(
                    "unknown export format '{other}': use csv, jsonl, timesketch-csv, timesketch-jsonl or parquet"
                )))
            }
        })
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// Events written.
    pub events: usize,
    /// Events left out because the format needs a time (Timesketch, Parquet days) and
    /// they have none. Parquet puts them in `day=__HIVE_DEFAULT_PARTITION__` instead.
    pub skipped: usize,
    /// The files written (one, or one per day for Parquet).
    pub files: Vec<String>,
}

/// Rows per slice while exporting.
const SLICE: usize = 50_000;

/// Writes the events of a view (query and sort; offset and limit are ignored) to
/// `path` (a folder for Parquet).
pub fn export_view(
    timeline: &Timeline,
    q: &TimelineQuery,
    format: ExportFormat,
    path: &Path,
) -> Result<ExportSummary> {
    if format == ExportFormat::Parquet {
        return write_parquet_days(timeline, q, path);
    }
    let view = timeline.view(q)?;
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = BufWriter::new(file);
    let io_err = |e: io::Error| Error::io(path, e);
    let mut events = 0;
    let mut skipped = 0;
    match format {
        ExportFormat::Csv => writeln!(out, "{}", EXPORT_COLUMNS.join(",")).map_err(io_err)?,
        ExportFormat::TimesketchCsv => {
            writeln!(out, "{}", TIMESKETCH_COLUMNS.join(",")).map_err(io_err)?
        }
        _ => {}
    }
    let mut start = 0;
    while start < view.height() {
        let rows = rows_of(&view.slice(start as i64, SLICE), None)?;
        start += SLICE;
        for r in &rows {
            match format {
                ExportFormat::Csv => write_csv_row(&mut out, r).map_err(io_err)?,
                ExportFormat::Jsonl => {
                    serde_json::to_writer(&mut out, r)?;
                    out.write_all(b"\n").map_err(io_err)?;
                }
                ExportFormat::TimesketchCsv | ExportFormat::TimesketchJsonl => {
                    let Some(rec) = timesketch_record(r) else {
                        skipped += 1;
                        continue;
                    };
                    if format == ExportFormat::TimesketchCsv {
                        let cells: Vec<String> = TIMESKETCH_COLUMNS
                            .iter()
                            .map(|c| match &rec[*c] {
                                serde_json::Value::String(s) => csv_cell(s),
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::Array(a) => csv_cell(
                                    &a.iter()
                                        .filter_map(|v| v.as_str())
                                        .collect::<Vec<_>>()
                                        .join(" "),
                                ),
                                other => csv_cell(&other.to_string()),
                            })
                            .collect();
                        writeln!(out, "{}", cells.join(",")).map_err(io_err)?;
                    } else {
                        serde_json::to_writer(&mut out, &rec)?;
                        out.write_all(b"\n").map_err(io_err)?;
                    }
                }
                ExportFormat::Parquet => unreachable!("handled above"),
            }
            events += 1;
        }
    }
    out.flush().map_err(io_err)?;
    Ok(ExportSummary {
        events,
        skipped,
        files: vec![path.display().to_string()],
    })
}

fn write_csv_row(out: &mut dyn Write, r: &EventRow) -> io::Result<()> {
    let cells: Vec<String> = fields(r).iter().map(|v| csv_cell(v)).collect();
    writeln!(out, "{}", cells.join(","))
}

/// The columns of the Timesketch CSV export, in order.
pub const TIMESKETCH_COLUMNS: [&str; 18] = [
    "message",
    "datetime",
    "timestamp_desc",
    "timestamp",
    "data_type",
    "tideline_id",
    "evidence_id",
    "locator",
    "hostname",
    "username",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "tag",
    "verdict",
];

/// One event as Timesketch imports it; `None` when it has no time (Timesketch needs one).
fn timesketch_record(r: &EventRow) -> Option<serde_json::Value> {
    let datetime = r.ts.clone()?;
    let micros = chrono::DateTime::parse_from_rfc3339(&datetime)
        .ok()?
        .timestamp_micros();
    let desc = if r.ts_quality.contains("clock_corrected") {
        "Event Time (clock corrected)"
    } else {
        "Event Time"
    };
    Some(json!({
        "message": r.message,
        "datetime": datetime,
        "timestamp_desc": desc,
        "timestamp": micros,
        "data_type": format!("tideline:{}", r.source),
        "tideline_id": r.id,
        "evidence_id": r.evidence_id,
        "locator": r.locator,
        "hostname": r.host,
        "username": r.user,
        "src_ip": r.src_ip,
        "dst_ip": r.dst_ip,
        "process": r.process,
        "event_code": r.event_code,
        "action": r.action,
        "severity": r.severity,
        "tag": r.tags,
        "verdict": r.verdict,
    }))
}

const DAY_US: i64 = 86_400_000_000;

/// The view in time order, as Parquet files under `dir`, one folder per UTC day.
fn write_parquet_days(timeline: &Timeline, q: &TimelineQuery, dir: &Path) -> Result<ExportSummary> {
    let view = timeline.view(&TimelineQuery {
        sort: None,
        ..q.clone()
    })?;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Invalid(format!(
            "{} is not empty; Parquet exports go to a new or empty folder",
            dir.display()
        )));
    }
    let out = view
        .lazy()
        .with_column(
            col("ts")
                .cast(DataType::Datetime(TimeUnit::Microseconds, None))
                .alias("ts"),
        )
        .collect()?;
    // The view is in time order (no time last), so each day is one run of rows.
    let ts = timeline.view(&TimelineQuery {
        sort: None,
        ..q.clone()
    })?;
    let ts = ts.column("ts")?.i64()?;
    let mut runs: Vec<(Option<i64>, usize, usize)> = Vec::new();
    for (i, t) in ts.iter().enumerate() {
        let day = t.map(|t| t.div_euclid(DAY_US));
        match runs.last_mut() {
            Some((d, _, end)) if *d == day => *end = i + 1,
            _ => runs.push((day, i, i + 1)),
        }
    }
    let mut files = Vec::new();
    for (day, start, end) in runs {
        let name = match day {
            Some(d) => {
                let date = chrono::DateTime::from_timestamp_micros(d * DAY_US)
                    .ok_or_else(|| Error::Invalid("event time out of range".into()))?;
                format!("day={}", date.format("%Y-%m-%d"))
            }
            None => "day=__HIVE_DEFAULT_PARTITION__".to_string(),
        };
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        let path = folder.join("part-0.parquet");
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut part = out.slice(start as i64, end - start);
        ParquetWriter::new(file).finish(&mut part)?;
        files.push(path.display().to_string());
    }
    Ok(ExportSummary {
        events: out.height(),
        skipped: 0,
        files,
    })
}

/// Makes control characters (terminal escape sequences among them) visible.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes rows as an aligned text table for a terminal.
pub fn write_table(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    let header = [
        "TIME (UTC)",
        "SOURCE",
        "HOST",
        "PROCESS",
        "USER",
        "SRC_IP",
        "ACTION",
        "MESSAGE",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let o = |v: &Option<String>| visible(v.as_deref().unwrap_or("-"));
            [
                o(&r.ts),
                visible(&r.source),
                o(&r.host),
                o(&r.process),
                o(&r.user),
                o(&r.src_ip),
                o(&r.action),
                visible(&r.message),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row.iter()).take(7) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in row.iter().enumerate() {
            if i < 7 {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            } else {
                s.push_str(c);
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &header)?;
    for row in &cells {
        let refs: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &refs)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_neutralise_formulas_and_quote_separators() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn visible_escapes_terminal_control_sequences() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
