//! Time as Tideline keeps it: UTC microseconds since the Unix epoch.
//!
//! Every timestamp in the case is an `i64` of microseconds, UTC. This module turns them
//! into the one text form shown everywhere (`2026-03-14T02:11:09.000000Z`) and reads the
//! times a user types (`2026-03-14`, `2026-03-14 02:11`, RFC 3339 with any offset).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{Error, Result};

/// Microseconds since the Unix epoch, UTC.
pub type Micros = i64;

/// Formats UTC microseconds as RFC 3339 with six fraction digits and `Z`.
pub fn format_micros(ts: Micros) -> String {
    match Utc.timestamp_micros(ts).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        None => format!("(out of range: {ts} µs)"),
    }
}

/// Formats UTC microseconds in a display zone: RFC 3339 with six fraction digits and
/// the zone's offset (`Z` for UTC itself).
pub fn format_micros_in(ts: Micros, zone: chrono_tz::Tz) -> String {
    if zone == chrono_tz::UTC {
        return format_micros(ts);
    }
    match Utc.timestamp_micros(ts).single() {
        Some(dt) => dt
            .with_timezone(&zone)
            .format("%Y-%m-%dT%H:%M:%S%.6f%:z")
            .to_string(),
        None => format!("(out of range: {ts} µs)"),
    }
}

/// Converts a chrono UTC time to microseconds.
pub fn to_micros(dt: DateTime<Utc>) -> Micros {
    dt.timestamp_micros()
}

/// The current time in microseconds (only for recording when something happened).
pub fn now_micros() -> Micros {
    Utc::now().timestamp_micros()
}

/// Reads a time typed by a user. Accepts RFC 3339 (`2026-03-14T02:11:09Z`,
/// `...+02:00`), or a zone-less `YYYY-MM-DD[ HH:MM[:SS[.frac]]]` (with `T` or a space),
/// which is taken as UTC.
pub fn parse_user_time(text: &str) -> Result<Micros> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc).timestamp_micros());
    }
    let normalized = t.replacen('T', " ", 1);
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(&normalized, fmt) {
            return Ok(ndt.and_utc().timestamp_micros());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let ndt = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        return Ok(ndt.and_utc().timestamp_micros());
    }
    Err(Error::BadTime {
        text: text.to_string(),
        reason: "expected RFC 3339 (2026-03-14T02:11:09Z) or YYYY-MM-DD[ HH:MM[:SS]] in UTC".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_fraction_digits() {
        assert_eq!(
            format_micros(1_773_454_269_000_001),
            "2026-03-14T02:11:09.000001Z"
        );
    }

    #[test]
    fn reads_user_times_in_every_accepted_form() {
        let want = 1_773_454_269_000_000;
        assert_eq!(parse_user_time("2026-03-14T02:11:09Z").unwrap(), want);
        assert_eq!(parse_user_time("2026-03-14T04:11:09+02:00").unwrap(), want);
        assert_eq!(parse_user_time("2026-03-14 02:11:09").unwrap(), want);
        assert_eq!(parse_user_time("2026-03-14T02:11:09").unwrap(), want);
        assert_eq!(
            parse_user_time("2026-03-14 02:11").unwrap(),
            want - 9_000_000
        );
        assert_eq!(
            parse_user_time("2026-03-14").unwrap(),
            want - (2 * 3600 + 11 * 60 + 9) * 1_000_000
        );
        assert!(parse_user_time("14/03/2026").is_err());
    }
}
