//! Annotating events (tags, stars, notes, verdicts) and correcting evidence clocks.
//!
//! Each call is one transaction that also appends one audit entry naming the actor, the
//! change and the events (as id ranges, `3-7,12`), so any annotation can be traced back.
//! A sealed or read-only case refuses them ([`Case::write`]). Other features (IOC sweeps)
//! tag events through [`annotate`] too.

use serde::Serialize;
use serde_json::json;

use crate::archive::audit;
use crate::error::{Error, Result};
use crate::store::Case;
use crate::time::Micros;

/// What an investigator decided about an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Benign,
    Suspicious,
    Malicious,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Benign => "benign",
            Verdict::Suspicious => "suspicious",
            Verdict::Malicious => "malicious",
        }
    }

    pub fn parse(text: &str) -> Result<Verdict> {
        match text.trim().to_lowercase().as_str() {
            "benign" => Ok(Verdict::Benign),
            "suspicious" => Ok(Verdict::Suspicious),
            "malicious" => Ok(Verdict::Malicious),
            other => Err(Error::Invalid(format!(
                "'{other}' is no verdict: use benign, suspicious or malicious"
            ))),
        }
    }
}

/// One change to apply to a set of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Tag(String),
    Untag(String),
    Star,
    Unstar,
    /// Set the note; `None` clears it.
    Note(Option<String>),
    /// Set the verdict; `None` clears it.
    Verdict(Option<Verdict>),
}

/// A tag as stored: trimmed, lower case, 1 to 64 characters, no spaces, commas or
/// parentheses (so that `tag:a,b` in a query stays unambiguous).
pub fn normalize_tag(tag: &str) -> Result<String> {
    let t = tag.trim().to_lowercase();
    if t.is_empty() || t.chars().count() > 64 {
        return Err(Error::Invalid(format!(
            "a tag has 1 to 64 characters, not '{tag}'"
        )));
    }
    if t.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '(' | ')' | '"'))
    {
        return Err(Error::Invalid(format!(
            "a tag has no spaces, commas, quotes or parentheses: '{tag}'"
        )));
    }
    Ok(t)
}

/// The ids as sorted ranges: `[1,2,3,7]` -> `1-3,7`.
pub fn id_ranges(ids: &[i64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(",")
}

/// Applies `change` to the events `ids`, audit-logged; returns how many events changed.
pub fn annotate(case: &mut Case, ids: &[i64], change: &Change, actor: &str) -> Result<usize> {
    if ids.is_empty() {
        return Err(Error::Invalid("no events to annotate".into()));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let change = match change {
        Change::Tag(t) => Change::Tag(normalize_tag(t)?),
        Change::Untag(t) => Change::Untag(normalize_tag(t)?),
        Change::Note(Some(n)) if n.trim().is_empty() => Change::Note(None),
        other => other.clone(),
    };
    case.write(|tx| {
        let set = tx.load_ids(&ids)?;
        set.check_events()?;
        let (action, details, n) = match &change {
            Change::Tag(t) => ("events tagged", json!({ "tag": t }), set.add_tag(t)?),
            Change::Untag(t) => ("events untagged", json!({ "tag": t }), set.remove_tag(t)?),
            Change::Star => ("events starred", json!({}), set.set_starred(true)?),
            Change::Unstar => ("events unstarred", json!({}), set.set_starred(false)?),
            Change::Note(n) => (
                "event note set",
                json!({ "note": n }),
                set.set_note(n.as_deref())?,
            ),
            Change::Verdict(v) => (
                "event verdict set",
                json!({ "verdict": v.map(Verdict::as_str) }),
                set.set_verdict(v.map(Verdict::as_str))?,
            ),
        };
        let mut details = details;
        details["events"] = json!(id_ranges(&ids));
        details["changed"] = json!(n);
        audit::append(tx, actor, action, &details)?;
        Ok(n)
    })
}

/// Sets (`Some((offset, reason))`) or removes (`None`) the clock offset of one evidence
/// item: `offset` microseconds are added to each of its event times in the timeline.
pub fn set_clock_offset(
    case: &mut Case,
    evidence_id: i64,
    offset: Option<(Micros, &str)>,
    actor: &str,
) -> Result<()> {
    if let Some((_, reason)) = offset {
        if reason.trim().is_empty() {
            return Err(Error::Invalid(
                "say why the clock is off (a reason is recorded with the offset)".into(),
            ));
        }
    }
    case.write(|tx| {
        let before = tx.clock_offset(evidence_id)?;
        tx.set_clock_offset(evidence_id, offset)?;
        audit::append(
            tx,
            actor,
            if offset.is_some() {
                "clock offset set"
            } else {
                "clock offset removed"
            },
            &json!({
                "evidence_id": evidence_id,
                "offset_us": offset.map(|o| o.0),
                "previous_offset_us": before,
                "reason": offset.map(|o| o.1),
            }),
        )
    })
}

/// Reads an offset such as `+1h`, `-90s`, `+00:05:30`, `-2d3h`, `+1500ms`, into
/// microseconds.
pub fn parse_offset(text: &str) -> Result<Micros> {
    let bad = || {
        Error::Invalid(format!(
            "'{text}' is no clock offset: write +1h, -90s, +1h30m, -250ms or +HH:MM:SS"
        ))
    };
    let t = text.trim();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    if body.is_empty() {
        return Err(bad());
    }
    if body.contains(':') {
        let parts: Vec<&str> = body.split(':').collect();
        if parts.len() != 3 {
            return Err(bad());
        }
        let h: i64 = parts[0].parse().map_err(|_| bad())?;
        let m: i64 = parts[1].parse().map_err(|_| bad())?;
        let s: f64 = parts[2].parse().map_err(|_| bad())?;
        return Ok(sign * ((h * 3600 + m * 60) * 1_000_000 + (s * 1e6).round() as i64));
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'd' => 86_400_000_000,
            'h' => 3_600_000_000,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1_000
            }
            'm' => 60_000_000,
            's' => 1_000_000,
            'u' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            _ => return Err(bad()),
        };
        total += n * unit;
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compress_to_ranges() {
        assert_eq!(id_ranges(&[7, 1, 2, 3, 3, 9, 10]), "1-3,7,9-10");
    }

    #[test]
    fn offsets_read_units_and_clock_form() {
        assert_eq!(parse_offset("+1h").unwrap(), 3_600_000_000);
        assert_eq!(parse_offset("-90s").unwrap(), -90_000_000);
        assert_eq!(parse_offset("1h30m").unwrap(), 5_400_000_000);
        assert_eq!(parse_offset("-250ms").unwrap(), -250_000);
        assert_eq!(parse_offset("+00:05:30").unwrap(), 330_000_000);
        assert!(parse_offset("soon").is_err());
        assert!(parse_offset("5").is_err());
    }

    #[test]
    fn tags_are_lower_case_words() {
        assert_eq!(normalize_tag(" C2 ").unwrap(), "c2");
        assert!(normalize_tag("a,b").is_err());
        assert!(normalize_tag("").is_err());
    }
}
