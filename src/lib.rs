//! Tideline's core: everything an investigation needs, with no UI and no Tauri.
//!
//! The rooms follow `DESIGN.md`: [`store`] owns the SQLite case file and every SQL
//! statement; [`evidence`] hashes and registers evidence; [`ingest`] detects formats and
//! turns records into [`event::Event`]s; [`timeline`] queries events with polars;
//! [`report`] renders documents and charts; [`archive`] keeps the hash-chained audit
//! log and seals and verifies a case.

pub mod archive;
pub mod error;
pub mod event;
pub mod evidence;
pub mod incident;
pub mod ingest;
pub mod ioc;
pub mod overview;
pub mod report;
pub mod store;
pub mod time;
pub mod timeline;

pub use error::{Error, Result};
pub use store::Case;
