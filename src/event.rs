//! The canonical event: one row of the timeline, whatever format it came from.
//!
//! Parsers fill an [`Event`]; the store gives it an `id` and the evidence it came from.
//! Columns a format does not have stay `None`: nothing is invented. [`FRAME_COLUMNS`],
//! [`polars_schema`] and [`StoredRow::hash`] are the one definition of a timeline row's columns.

use std::borrow::Cow;

use polars::prelude::{DataType, Schema};
use serde::Serialize;

use crate::evidence::FieldHasher;
use crate::time::Micros;

/// How far a timestamp can be trusted. A stamp can carry several assumptions at once
/// (a classic syslog line has neither year nor zone), so this is a small set of flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TsQuality(u8);

impl TsQuality {
    /// Everything in the stamp came from the evidence.
    pub const EXACT: TsQuality = TsQuality(0);
    const YEAR_INFERRED: u8 = 1;
    const ZONE_ASSUMED: u8 = 2;
    const CLOCK_CORRECTED: u8 = 4;
    const MISSING: u8 = 8;

    pub fn missing() -> Self {
        TsQuality(Self::MISSING)
    }
    pub fn with_year_inferred(self) -> Self {
        TsQuality(self.0 | Self::YEAR_INFERRED)
    }
    pub fn with_zone_assumed(self) -> Self {
        TsQuality(self.0 | Self::ZONE_ASSUMED)
    }
    pub fn with_clock_corrected(self) -> Self {
        TsQuality(self.0 | Self::CLOCK_CORRECTED)
    }

    /// The stored text: `exact`, or the assumptions joined by commas
    /// (`year_inferred,zone_assumed`).
    pub fn as_text(self) -> &'static str {
        const NAMES: [&str; 16] = [
            "exact",
            "year_inferred",
            "zone_assumed",
            "year_inferred,zone_assumed",
            "clock_corrected",
            "year_inferred,clock_corrected",
            "zone_assumed,clock_corrected",
            "year_inferred,zone_assumed,clock_corrected",
            "missing",
            "missing",
            "missing",
            "missing",
            "missing",
            "missing",
            "missing",
            "missing",
        ];
        NAMES[usize::from(self.0 & 0x0f)]
    }
}

/// One normalized record, as a parser produces it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    /// UTC microseconds, or `None` when the record has no usable time.
    pub ts: Option<Micros>,
    /// The time text exactly as written in the evidence.
    pub ts_source: Option<String>,
    pub ts_quality: TsQuality,
    /// The format name (`syslog`, `evtx`, `zeek_conn`, ...).
    pub source: Cow<'static, str>,
    /// Enough to find the record again in its evidence (`line 42`, `record 1234`).
    pub locator: String,
    pub host: Option<String>,
    pub user: Option<String>,
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub process: Option<String>,
    pub event_code: Option<String>,
    pub action: Option<String>,
    pub severity: Option<String>,
    /// One readable line.
    pub message: String,
    /// The original record's bytes.
    pub raw: Vec<u8>,
    /// Other fields of the record.
    pub attrs: serde_json::Map<String, serde_json::Value>,
}

/// A record that did not become an event, kept with where it was and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportIssue {
    pub locator: String,
    pub reason: String,
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// The columns of the polars timeline frame: every column but the bulky `raw`, `attrs`
/// and `row_hash`, which are read from the case one event at a time.
pub const FRAME_COLUMNS: [&str; 16] = [
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
];

/// The polars schema of the timeline frame.
pub fn polars_schema() -> Schema {
    let mut schema = Schema::default();
    for name in FRAME_COLUMNS {
        let dtype = match name {
            "id" | "ts" | "evidence_id" => DataType::Int64,
            _ => DataType::String,
        };
        schema.with_column(name.into(), dtype);
    }
    schema
}

/// An event row as stored in the case, borrowed: what [`StoredRow::hash`] covers.
/// The store hashes each row when it writes it; sealing and verification recompute it.
#[derive(Debug, Clone, Copy)]
pub struct StoredRow<'a> {
    pub id: i64,
    pub ts: Option<Micros>,
    pub ts_source: Option<&'a str>,
    pub ts_quality: &'a str,
    pub source: &'a str,
    pub evidence_id: i64,
    pub locator: &'a str,
    pub host: Option<&'a str>,
    pub user: Option<&'a str>,
    pub src_ip: Option<&'a str>,
    pub dst_ip: Option<&'a str>,
    pub process: Option<&'a str>,
    pub event_code: Option<&'a str>,
    pub action: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub message: &'a str,
    pub raw: &'a [u8],
    pub attrs: &'a str,
}

impl StoredRow<'_> {
    /// SHA-256 over every column, each length-prefixed so that no two rows share an
    /// encoding.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = FieldHasher::new();
        h.int(self.id);
        h.opt_int(self.ts);
        h.opt_str(self.ts_source);
        h.str(self.ts_quality);
        h.str(self.source);
        h.int(self.evidence_id);
        h.str(self.locator);
        for v in [
            self.host,
            self.user,
            self.src_ip,
            self.dst_ip,
            self.process,
            self.event_code,
            self.action,
            self.severity,
        ] {
            h.opt_str(v);
        }
        h.str(self.message);
        h.bytes(self.raw);
        h.str(self.attrs);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_text_names_every_assumption() {
        assert_eq!(TsQuality::EXACT.as_text(), "exact");
        assert_eq!(
            TsQuality::EXACT
                .with_year_inferred()
                .with_zone_assumed()
                .as_text(),
            "year_inferred,zone_assumed"
        );
        assert_eq!(TsQuality::missing().as_text(), "missing");
    }
}
