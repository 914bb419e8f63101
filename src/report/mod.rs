//! Reports made from a case: read it, never change it.
//!
//! [`case_report_html`] renders the case summary, the evidence register with hashes,
//! event counts per source and host, an events-over-time chart (plotters, inline SVG),
//! the key events and the import issues as one self-contained HTML page: no scripts, no
//! external requests (a CSP forbids them), and every piece of text that came from
//! evidence escaped.

mod chart;
mod html;

pub use chart::events_over_time;
pub use html::{case_report_html, escape_html, KEY_ACTIONS, KEY_SEVERITIES};
