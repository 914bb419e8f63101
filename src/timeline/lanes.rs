//! Event times grouped by a column, for swimlane charts.

use std::collections::HashMap;

use polars::prelude::*;

use super::Timeline;
use crate::error::Result;
use crate::time::Micros;

impl Timeline {
    /// The times of the events of each value of `column` (`(none)` for a missing value):
    /// the `max_lanes - 1` values with most events by name, then every other value together
    /// as `other`; lanes with most events first, ties by value. Events without a time are
    /// left out.
    pub fn times_by(&self, column: &str, max_lanes: usize) -> Result<Vec<(String, Vec<Micros>)>> {
        let df = self
            .frame
            .clone()
            .lazy()
            .select([col("ts"), col(column).cast(DataType::String).alias("value")])
            .filter(col("ts").is_not_null())
            .collect()?;
        let ts = df.column("ts")?.i64()?;
        let values = df.column("value")?.str()?;
        let mut lanes: HashMap<String, Vec<Micros>> = HashMap::new();
        for (t, v) in ts.iter().zip(values.iter()) {
            if let Some(t) = t {
                lanes
                    .entry(v.unwrap_or("(none)").to_string())
                    .or_default()
                    .push(t);
            }
        }
        let mut lanes: Vec<(String, Vec<Micros>)> = lanes.into_iter().collect();
        lanes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        if max_lanes > 0 && lanes.len() > max_lanes {
            let rest = lanes.split_off(max_lanes - 1);
            let mut other: Vec<Micros> = rest.into_iter().flat_map(|(_, t)| t).collect();
            other.sort_unstable();
            lanes.push(("other".to_string(), other));
        }
        Ok(lanes)
    }
}
