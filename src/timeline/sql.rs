//! SQL over the timeline for power users, through polars SQL.
//!
//! The frame is registered as the tables `events` and `timeline` (the same rows), with
//! `ts` as a timestamp (UTC, microseconds) so that `date_trunc` and friends work. Only a
//! single `SELECT` (or `WITH ... SELECT`) is accepted: the statement runs over an
//! in-memory copy, and nothing it could say reaches the case file.

use polars::prelude::*;
use polars::sql::SQLContext;
use serde::Serialize;

use super::Timeline;
use crate::error::{Error, Result};

/// A SQL result: column names and rows of JSON values (text, numbers, booleans, lists,
/// null; timestamps as RFC 3339 UTC text).
#[derive(Debug, Clone, Serialize)]
pub struct SqlResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// The statement without leading blanks and `--` / `/* */` comments.
fn statement_start(sql: &str) -> &str {
    let mut s = sql.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return s;
        }
    }
}

/// Refuses everything but one read-only query.
pub fn check_read_only(sql: &str) -> Result<()> {
    let start = statement_start(sql);
    let word: String = start
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    if word != "SELECT" && word != "WITH" {
        return Err(Error::Invalid(format!(
            "only SELECT (or WITH ... SELECT) runs over the timeline, not '{}'",
            if word.is_empty() {
                start.chars().take(12).collect()
            } else {
                word
            }
        )));
    }
    let body = start.trim_end().trim_end_matches(';');
    if body.contains(';') {
        return Err(Error::Invalid("one statement at a time".into()));
    }
    Ok(())
}

/// Runs one SELECT over the timeline.
pub fn run(timeline: &Timeline, sql: &str) -> Result<SqlResult> {
    check_read_only(sql)?;
    let lf = timeline.frame().clone().lazy().with_column(
        col("ts")
            .cast(DataType::Datetime(TimeUnit::Microseconds, None))
            .alias("ts"),
    );
    let mut ctx = SQLContext::new();
    ctx.register("events", lf.clone());
    ctx.register("timeline", lf);
    let body = statement_start(sql).trim_end().trim_end_matches(';');
    let df = ctx.execute(body)?.collect()?;
    let columns: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut rows = vec![Vec::with_capacity(columns.len()); df.height()];
    for c in df.columns() {
        let s = c.as_materialized_series();
        for (i, row) in rows.iter_mut().enumerate() {
            row.push(json_of(s.get(i)?));
        }
    }
    Ok(SqlResult { columns, rows })
}

fn json_of(v: AnyValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        AnyValue::Null => J::Null,
        AnyValue::Boolean(b) => J::Bool(b),
        AnyValue::String(s) => J::String(s.to_string()),
        AnyValue::StringOwned(s) => J::String(s.to_string()),
        AnyValue::Int8(n) => n.into(),
        AnyValue::Int16(n) => n.into(),
        AnyValue::Int32(n) => n.into(),
        AnyValue::Int64(n) => n.into(),
        AnyValue::UInt8(n) => n.into(),
        AnyValue::UInt16(n) => n.into(),
        AnyValue::UInt32(n) => n.into(),
        AnyValue::UInt64(n) => n.into(),
        AnyValue::Float32(f) => serde_json::Number::from_f64(f as f64).map_or(J::Null, J::Number),
        AnyValue::Float64(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        AnyValue::Datetime(us, TimeUnit::Microseconds, _)
        | AnyValue::DatetimeOwned(us, TimeUnit::Microseconds, _) => {
            J::String(crate::time::format_micros(us))
        }
        AnyValue::List(s) => J::Array(
            (0..s.len())
                .map(|i| s.get(i).map(json_of).unwrap_or(J::Null))
                .collect(),
        ),
        other => J::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_select_runs() {
        assert!(check_read_only("  -- count\n select count(*) from events").is_ok());
        assert!(check_read_only("WITH x AS (SELECT 1) SELECT * FROM x;").is_ok());
        assert!(check_read_only("DROP TABLE events").is_err());
        assert!(check_read_only("select 1; drop table events").is_err());
        assert!(check_read_only("/* hi */ CREATE TABLE x AS SELECT 1").is_err());
    }
}
