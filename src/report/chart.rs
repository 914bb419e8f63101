//! Charts drawn with plotters as SVG text, ready to inline in a report.

use chrono::{DateTime, TimeZone, Utc};
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::timeline::Histogram;

fn chart_err(e: impl std::fmt::Display) -> Error {
    Error::Chart(e.to_string())
}

fn utc(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(ts).single().unwrap_or_default()
}

fn axis_label(dt: &DateTime<Utc>, bucket_seconds: i64) -> String {
    if bucket_seconds >= 86_400 {
        dt.format("%Y-%m-%d").to_string()
    } else {
        dt.format("%m-%d %H:%M").to_string()
    }
}

/// A bar chart of events per bucket, UTC time axis, as an SVG document.
pub fn events_over_time(hist: &Histogram, width: u32, height: u32) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let width_us = hist.bucket_seconds * 1_000_000;
        let (start, end) = match (hist.buckets.first(), hist.buckets.last()) {
            (Some(f), Some(l)) => (f.0, l.0 + width_us),
            _ => (0, width_us),
        };
        let max = hist.buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1);
        let caption = format!(
            "Events over time (UTC, {} per bar)",
            bucket_name(hist.bucket_seconds)
        );
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(utc(start)..utc(end), 0u64..max + max / 10 + 1)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|dt| axis_label(dt, hist.bucket_seconds))
            .y_desc("events")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(hist.buckets.iter().filter(|b| b.1 > 0).map(|(ts, n)| {
                Rectangle::new(
                    [(utc(*ts), 0), (utc(*ts + width_us - width_us / 8), *n)],
                    RGBColor(31, 94, 158).filled(),
                )
            }))
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

fn bucket_name(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}
