//! Charts for reports, drawn with plotters as SVG text, rasterised to PNG with resvg.
//!
//! Inputs are plain values so that any part of Tideline can draw them: a [`Histogram`]
//! of events per time bucket, [`Milestone`]s (label, time), [`PhaseSpan`]s (NIST phase,
//! start, end) and [`Lane`]s (a source or host and the times of its events). Every chart
//! has a title, a UTC time axis and a legend. Text is measured with the embedded DejaVu
//! Sans (plotters' `ab_glyph` font backend), the font the SVG names (`sans-serif`, which
//! the PDF and PNG renderers map to the same embedded font), so labels placed to avoid
//! each other still avoid each other when drawn. Labels from evidence (host names) are
//! shortened and their control characters made visible; plotters escapes them for XML.

use std::sync::Once;

use chrono::{DateTime, TimeZone, Utc};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::Micros;
use crate::timeline::Histogram;

/// A named moment: "impact started", "detected", "contained" ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub label: String,
    pub at: Micros,
}

/// The time a NIST phase lasted (detection & analysis, containment, eradication,
/// recovery ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSpan {
    pub phase: String,
    pub start: Micros,
    pub end: Micros,
}

/// One swimlane: a source or host and the times of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub label: String,
    pub times: Vec<Micros>,
}

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(27, 31, 36);
const GRID: RGBColor = RGBColor(225, 228, 232);
const BAR: RGBColor = RGBColor(31, 94, 158);
const MILESTONE: RGBColor = RGBColor(180, 30, 30);
const LABEL_MAX_CHARS: usize = 28;

fn chart_err(e: impl std::fmt::Display) -> Error {
    Error::Chart(e.to_string())
}

/// Registers the embedded fonts with plotters (once per process).
fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded fonts are valid TrueType; a failure here would show as a chart error.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, super::fonts::SANS);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, super::fonts::SANS_BOLD);
    });
}

fn utc(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(ts).single().unwrap_or_default()
}

/// The time axis title: with the date when every tick is on the same UTC day.
fn axis_title(start: Micros, end: Micros) -> String {
    let (a, b) = (utc(start), utc(end));
    if a.date_naive() == b.date_naive() {
        format!("Time (UTC), {}", a.format("%Y-%m-%d"))
    } else {
        "Time (UTC)".to_string()
    }
}

/// Chooses the axis label format for a time span.
fn time_format(span_us: i64) -> &'static str {
    match span_us / 1_000_000 {
        s if s <= 86_400 => "%H:%M",
        s if s <= 14 * 86_400 => "%b %d %H:%M",
        _ => "%Y-%m-%d",
    }
}

/// Shortens a label from evidence for a chart: control characters visible, at most
/// [`LABEL_MAX_CHARS`] characters (an ellipsis marks a cut).
fn short_label(text: &str) -> String {
    let text = super::doc::visible_controls(text).replace(['\n', '\t'], " ");
    if text.chars().count() > LABEL_MAX_CHARS {
        let mut s: String = text.chars().take(LABEL_MAX_CHARS - 1).collect();
        s.push('…');
        s
    } else {
        text
    }
}

/// The colour of a NIST phase (by its name), or of the n-th unknown one.
fn phase_color(phase: &str, n: usize) -> RGBColor {
    let p = phase.to_ascii_lowercase();
    if p.contains("prepar") {
        RGBColor(150, 150, 150)
    } else if p.contains("detect") || p.contains("analys") {
        RGBColor(230, 159, 0)
    } else if p.contains("contain") {
        RGBColor(213, 94, 0)
    } else if p.contains("eradicat") {
        RGBColor(204, 121, 167)
    } else if p.contains("recover") {
        RGBColor(0, 158, 115)
    } else if p.contains("post") || p.contains("lesson") {
        RGBColor(86, 180, 233)
    } else {
        [
            RGBColor(0, 114, 178),
            RGBColor(240, 228, 66),
            RGBColor(120, 94, 240),
        ][n % 3]
    }
}

fn text_width(area: &DrawingArea<SVGBackend, Shift>, text: &str, size: f64) -> i32 {
    area.estimate_text_size(text, &(FONT, size).into_text_style(area))
        .map(|(w, _)| w as i32)
        .unwrap_or((text.chars().count() as f64 * size * 0.6) as i32)
}

/// The time range a chart shows: everything given, padded so nothing sits on the edge.
fn time_range(times: impl Iterator<Item = Micros>) -> (Micros, Micros) {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if lo > hi {
        return (0, 3_600_000_000);
    }
    let pad = ((hi - lo) / 50).max(60_000_000);
    (lo - pad, hi + pad)
}

/// Bars of events per bucket, UTC time axis, as an SVG document.
pub fn events_over_time(hist: &Histogram, width: u32, height: u32) -> Result<String> {
    incident_timeline(hist, &[], &[], width, height)
}

/// Events per bucket as bars, with NIST phases as shaded bands behind them and
/// milestones as labelled vertical lines; legend below.
pub fn incident_timeline(
    hist: &Histogram,
    milestones: &[Milestone],
    phases: &[PhaseSpan],
    width: u32,
    height: u32,
) -> Result<String> {
    fonts();
    let width_us = hist.bucket_seconds.max(1) * 1_000_000;
    let (start, end) = time_range(
        hist.buckets
            .iter()
            .flat_map(|b| [b.0, b.0 + width_us])
            .chain(milestones.iter().map(|m| m.at))
            .chain(phases.iter().flat_map(|p| [p.start, p.end])),
    );
    let fmt = time_format(end - start);
    let max = hist.buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let title = format!(
        "Events over time (UTC, {} per bar)",
        bucket_name(hist.bucket_seconds)
    );

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        // Milestone labels go in rows above the plot; a label moves down a row when it
        // would touch the one before it.
        let label_size = 12.0;
        let row_h = 16;
        let left = 64;
        let right = 16;
        let plot_w = width as i32 - left - right;
        let x_of =
            |t: Micros| left + ((t - start) as f64 / (end - start) as f64 * plot_w as f64) as i32;
        let mut sorted: Vec<&Milestone> = milestones.iter().collect();
        sorted.sort_by_key(|m| (m.at, m.label.clone()));
        let mut row_ends: Vec<i32> = Vec::new();
        let mut placed = Vec::new();
        for m in &sorted {
            let label = short_label(&m.label);
            let w = text_width(&root, &label, label_size);
            let x = x_of(m.at);
            // Right-align labels that would run off the right edge.
            let (lx, anchor_right) = if x + 4 + w > width as i32 - 4 {
                (x - 4 - w, true)
            } else {
                (x + 4, false)
            };
            let row = match row_ends.iter().position(|&e| e + 8 < lx) {
                Some(r) => r,
                None => {
                    row_ends.push(i32::MIN);
                    row_ends.len() - 1
                }
            };
            row_ends[row] = lx + w;
            placed.push((m.at, label, row, anchor_right));
        }
        let title_h = 30;
        let labels_h = row_ends.len() as i32 * row_h + if row_ends.is_empty() { 0 } else { 6 };
        let legend_h = 26;
        let (top, rest) = root.split_vertically(title_h + labels_h);
        let (plot_area, legend) =
            rest.split_vertically(height as i32 - title_h - labels_h - legend_h);
        top.draw(&Text::new(
            title,
            (width as i32 / 2, 8),
            (FONT, 16, FontStyle::Bold)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(chart_err)?;

        let mut chart = ChartBuilder::on(&plot_area)
            .margin_left(0)
            .margin_right(right as u32)
            .margin_top(4)
            .x_label_area_size(40)
            .y_label_area_size(left as u32)
            .build_cartesian_2d(utc(start)..utc(end), 0u64..max + max / 10 + 1)
            .map_err(chart_err)?;
        house_style(&mut chart.configure_mesh())
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|dt| dt.format(fmt).to_string())
            .x_desc(axis_title(start, end))
            .y_desc("events")
            .draw()
            .map_err(chart_err)?;
        let ymax = max + max / 10 + 1;
        for (i, p) in phases.iter().enumerate() {
            let c = phase_color(&p.phase, i);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(utc(p.start), 0), (utc(p.end), ymax)],
                    c.mix(0.22).filled(),
                )))
                .map_err(chart_err)?;
        }
        chart
            .draw_series(hist.buckets.iter().filter(|b| b.1 > 0).map(|(ts, n)| {
                Rectangle::new(
                    [(utc(*ts), 0), (utc(*ts + width_us - width_us / 8), *n)],
                    BAR.filled(),
                )
            }))
            .map_err(chart_err)?;
        for m in &sorted {
            chart
                .draw_series(DashedLineSeries::new(
                    [(utc(m.at), 0), (utc(m.at), ymax)],
                    5,
                    3,
                    MILESTONE.stroke_width(2),
                ))
                .map_err(chart_err)?;
        }
        // Labels and their connectors, in root coordinates.
        let plot_top_y = chart.backend_coord(&(utc(start), ymax)).1;
        for (at, label, row, anchor_right) in &placed {
            let x = chart.backend_coord(&(utc(*at), 0)).0;
            let y = title_h + *row as i32 * row_h + 2;
            let pos = if *anchor_right {
                Pos::new(HPos::Right, VPos::Top)
            } else {
                Pos::new(HPos::Left, VPos::Top)
            };
            let tx = if *anchor_right { x - 4 } else { x + 4 };
            root.draw(&Text::new(
                label.clone(),
                (tx, y),
                (FONT, label_size).into_font().color(&MILESTONE).pos(pos),
            ))
            .map_err(chart_err)?;
            root.draw(&PathElement::new(
                vec![(x, y), (x, plot_top_y)],
                MILESTONE.mix(0.6).stroke_width(1),
            ))
            .map_err(chart_err)?;
        }
        // Legend: what the bars, bands and lines mean.
        let mut items: Vec<(String, LegendMark)> =
            vec![("events".into(), LegendMark::Box(BAR, 1.0))];
        for (i, p) in phases.iter().enumerate() {
            let c = phase_color(&p.phase, i);
            if !items.iter().any(|(l, _)| l == &short_label(&p.phase)) {
                items.push((short_label(&p.phase), LegendMark::Band(c)));
            }
        }
        if !milestones.is_empty() {
            items.push(("milestone".into(), LegendMark::Line(MILESTONE)));
        }
        draw_legend(&legend, &items, width)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

enum LegendMark {
    /// A filled box in a colour at an opacity.
    Box(RGBColor, f64),
    Band(RGBColor),
    Line(RGBColor),
}

/// Draws legend items centred in a row.
fn draw_legend(
    area: &DrawingArea<SVGBackend, Shift>,
    items: &[(String, LegendMark)],
    width: u32,
) -> Result<()> {
    let size = 12.0;
    let widths: Vec<i32> = items
        .iter()
        .map(|(l, _)| 18 + text_width(area, l, size) + 18)
        .collect();
    let total: i32 = widths.iter().sum();
    let mut x = ((width as i32 - total) / 2).max(4);
    let y = 6;
    for ((label, mark), w) in items.iter().zip(widths) {
        match mark {
            LegendMark::Box(c, a) => area.draw(&Rectangle::new(
                [(x, y + 1), (x + 12, y + 13)],
                c.mix(*a).filled(),
            )),
            LegendMark::Band(c) => area.draw(&Rectangle::new(
                [(x, y + 1), (x + 12, y + 13)],
                c.mix(0.35).filled(),
            )),
            LegendMark::Line(c) => area.draw(&PathElement::new(
                vec![(x + 6, y), (x + 6, y + 14)],
                c.stroke_width(2),
            )),
        }
        .map_err(chart_err)?;
        area.draw(&Text::new(
            label.clone(),
            (x + 18, y + 7),
            (FONT, size)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(chart_err)?;
        x += w;
    }
    Ok(())
}

/// One lane per source or host; each time bucket with events is a mark whose shade says
/// how many (darker = more, on a log scale); UTC time axis; legend below.
pub fn swimlanes(
    title: &str,
    lanes: &[Lane],
    bucket_seconds: i64,
    width: u32,
    height: u32,
) -> Result<String> {
    fonts();
    let bucket_us = bucket_seconds.max(1) * 1_000_000;
    let (start, end) = time_range(lanes.iter().flat_map(|l| l.times.iter().copied()));
    // Count events per (lane, bucket).
    let counts: Vec<Vec<(Micros, u64)>> = lanes
        .iter()
        .map(|l| {
            let mut per: std::collections::BTreeMap<i64, u64> = Default::default();
            for t in &l.times {
                *per.entry(t.div_euclid(bucket_us) * bucket_us).or_default() += 1;
            }
            per.into_iter().collect()
        })
        .collect();
    let max = counts
        .iter()
        .flat_map(|c| c.iter().map(|b| b.1))
        .max()
        .unwrap_or(1)
        .max(1);
    let n = lanes.len().max(1) as i32;
    let labels: Vec<String> = lanes
        .iter()
        .map(|l| {
            format!(
                "{} ({})",
                short_label(&l.label),
                super::thousands(l.times.len() as u64)
            )
        })
        .collect();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let label_w = lane_label_width(&root, &labels);
        let (plot_area, legend) = root.split_vertically(height as i32 - 28);
        let mut chart = lane_chart(&plot_area, &short_title(title), label_w, (start, end), n)?;
        let lmax = (max as f64).ln_1p();
        for (i, lane) in counts.iter().enumerate() {
            // Lane 0 at the top.
            let y0 = (n - 1 - i as i32) as f64;
            if i % 2 == 0 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(utc(start), y0), (utc(end), y0 + 1.0)],
                        RGBColor(246, 248, 250).filled(),
                    )))
                    .map_err(chart_err)?;
            }
            chart
                .draw_series(lane.iter().map(|(b, c)| {
                    let shade = 0.25 + 0.75 * (*c as f64).ln_1p() / lmax;
                    // A mark at least 2 px wide so single events stay visible.
                    Rectangle::new(
                        [(utc(*b), y0 + 0.15), (utc(*b + bucket_us), y0 + 0.85)],
                        BAR.mix(shade).filled(),
                    )
                }))
                .map_err(chart_err)?;
            let (_, yc) = chart.backend_coord(&(utc(start), y0 + 0.5));
            let (xl, _) = chart.backend_coord(&(utc(start), 0.0));
            plot_area
                .draw(&Text::new(
                    labels[i].clone(),
                    (xl - 8, yc),
                    (FONT, 12)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(chart_err)?;
        }
        let items = vec![
            (
                format!("1 event per {}", bucket_name(bucket_seconds)),
                LegendMark::Box(BAR, 0.25),
            ),
            (
                format!(
                    "{} events (most in one {})",
                    super::thousands(max),
                    bucket_name(bucket_seconds)
                ),
                LegendMark::Box(BAR, 1.0),
            ),
        ];
        draw_legend(&legend, &items, width)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

/// The reports' mesh: 12 px labels and axis titles, a light grid, no minor lines.
fn house_style<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style((FONT, 12))
        .axis_desc_style((FONT, 12))
        .bold_line_style(GRID)
        .light_line_style(WHITE.mix(0.0))
}

/// The widest of the lane labels at 12 px, plus room to breathe.
fn lane_label_width(area: &DrawingArea<SVGBackend, Shift>, labels: &[String]) -> i32 {
    labels
        .iter()
        .map(|l| text_width(area, l, 12.0))
        .max()
        .unwrap_or(40)
        + 14
}

/// A chart type with time along x and `n` lanes down y (lane labels are the caller's to
/// draw, `label_w` wide): its caption, axes and grid drawn, for [`swimlanes`] and
/// [`phase_spans`].
type LaneChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<RangedDateTime<DateTime<Utc>>, plotters::coord::types::RangedCoordf64>,
>;

fn lane_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    label_w: i32,
    (start, end): (Micros, Micros),
    n: i32,
) -> Result<LaneChart<'a, 'b>> {
    let fmt = time_format(end - start);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 16, FontStyle::Bold).into_font().color(&INK))
        .margin(8)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(label_w as u32)
        .build_cartesian_2d(utc(start)..utc(end), 0f64..n as f64)
        .map_err(chart_err)?;
    house_style(&mut chart.configure_mesh())
        .x_labels(8)
        .y_labels(0)
        .disable_y_mesh()
        .x_label_formatter(&|dt| dt.format(fmt).to_string())
        .x_desc(axis_title(start, end))
        .draw()
        .map_err(chart_err)?;
    Ok(chart)
}

fn short_title(title: &str) -> String {
    let t = super::doc::visible_controls(title).replace(['\n', '\t'], " ");
    if t.chars().count() > 90 {
        let mut s: String = t.chars().take(89).collect();
        s.push('…');
        s
    } else {
        t
    }
}

/// The phase span chart: one bar per phase (detect, contain, eradicate, recover ...) on a
/// UTC time axis, labelled with its duration; milestones as labelled vertical lines.
pub fn phase_spans(
    spans: &[PhaseSpan],
    milestones: &[Milestone],
    width: u32,
    height: u32,
) -> Result<String> {
    fonts();
    let (start, end) = time_range(
        spans
            .iter()
            .flat_map(|p| [p.start, p.end])
            .chain(milestones.iter().map(|m| m.at)),
    );
    let n = spans.len().max(1) as i32;
    let labels: Vec<String> = spans.iter().map(|s| short_label(&s.phase)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let label_w = lane_label_width(&root, &labels);
        let (plot_area, legend) = root.split_vertically(height as i32 - 28);
        let mut chart = lane_chart(
            &plot_area,
            "Incident phases (UTC)",
            label_w,
            (start, end),
            n,
        )?;
        for m in milestones {
            chart
                .draw_series(DashedLineSeries::new(
                    [(utc(m.at), 0.0), (utc(m.at), n as f64)],
                    4,
                    3,
                    MILESTONE.mix(0.7).stroke_width(1),
                ))
                .map_err(chart_err)?;
        }
        for (i, s) in spans.iter().enumerate() {
            let y0 = (n - 1 - i as i32) as f64;
            let c = phase_color(&s.phase, i);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (utc(s.start), y0 + 0.2),
                        (utc(s.end.max(s.start)), y0 + 0.8),
                    ],
                    c.filled(),
                )))
                .map_err(chart_err)?;
            let (xl, yc) = chart.backend_coord(&(utc(start), y0 + 0.5));
            plot_area
                .draw(&Text::new(
                    labels[i].clone(),
                    (xl - 8, yc),
                    (FONT, 12)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(chart_err)?;
            // The duration sits after the bar, or before it when the bar ends near the edge.
            let dur = duration_text(s.end - s.start);
            let (xe, _) = chart.backend_coord(&(utc(s.end.max(s.start)), y0));
            let (xs, _) = chart.backend_coord(&(utc(s.start), y0));
            let w = text_width(&plot_area, &dur, 12.0);
            let (tx, hpos) = if xe + 6 + w < width as i32 - 16 {
                (xe + 6, HPos::Left)
            } else {
                (xs - 6, HPos::Right)
            };
            plot_area
                .draw(&Text::new(
                    dur,
                    (tx, yc),
                    (FONT, 12)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(hpos, VPos::Center)),
                ))
                .map_err(chart_err)?;
        }
        let mut items: Vec<(String, LegendMark)> = Vec::new();
        if !milestones.is_empty() {
            let names: Vec<String> = milestones
                .iter()
                .map(|m| {
                    format!(
                        "{} {}",
                        short_label(&m.label),
                        utc(m.at).format("%m-%d %H:%M")
                    )
                })
                .collect();
            items.push((
                format!("milestones: {}", names.join(", ")),
                LegendMark::Line(MILESTONE),
            ));
        }
        draw_legend(&legend, &items, width)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

/// "3 d 4 h", "2 h 05 min", "12 min", "40 s".
pub fn duration_text(us: i64) -> String {
    let s = us.max(0) / 1_000_000;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m:02} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn bucket_name(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// Rasterises a chart SVG to PNG at `scale` (2.0 for a sharp image on paper or a
/// high-density screen), with the embedded fonts.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let opts = usvg::Options {
        fontdb: super::fonts::svg_fontdb(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &opts).map_err(chart_err)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| chart_err("empty chart"))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| chart_err("chart too large to rasterise"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(chart_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(40_000_000), "40 s");
        assert_eq!(duration_text(12 * 60_000_000), "12 min");
        assert_eq!(duration_text((2 * 3600 + 5 * 60) * 1_000_000), "2 h 05 min");
        assert_eq!(
            duration_text((3 * 86_400 + 4 * 3600) * 1_000_000),
            "3 d 4 h"
        );
    }

    #[test]
    fn long_or_hostile_labels_are_shortened_and_made_visible() {
        assert_eq!(short_label("web\u{1b}[31m"), "web\\u{1b}[31m");
        assert_eq!(
            short_label(&"x".repeat(40)).chars().count(),
            LABEL_MAX_CHARS
        );
    }

    #[test]
    fn labels_from_evidence_are_escaped_in_the_svg() {
        let lanes = vec![Lane {
            label: "<script>alert(1)</script>".into(),
            times: vec![1_000_000_000_000, 1_000_100_000_000],
        }];
        let svg = swimlanes("Hosts", &lanes, 3600, 800, 200).unwrap();
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
    }
}
