//! Reports made from a case: read it, never change it.
//!
//! Every report is built once as a [`doc::Document`] (title block, sections, paragraphs,
//! tables, lists, raw evidence text, figures) and rendered by [`markdown`] (GitHub-
//! flavoured, figures as separate SVG files), [`html`] (one self-contained page: no
//! scripts, no external requests, a CSP forbids them), [`pdf`] (typeset in-process with
//! embedded fonts) or as JSON ([`doc::Document::to_json`]). Every renderer escapes the
//! text it is given, so evidence text stays text in every format.
//!
//! [`chart`] draws the charts (plotters, SVG; PNG through resvg) from plain inputs;
//! [`bugs`] exports follow-up items for trackers (Jira CSV, GitHub REST bodies and a
//! `gh` script, a Markdown checklist); [`case_report`] is the report of what a case holds.

pub mod bugs;
mod case;
pub mod chart;
pub mod doc;
mod fonts;
pub mod generate;
pub mod html;
pub mod lessons;
pub mod markdown;
pub mod notify;
pub mod pdf;

pub use case::{case_report, case_report_html, thousands, KEY_ACTIONS, KEY_SEVERITIES};
pub use chart::events_over_time;
pub use html::escape_html;
