//! Syslog: RFC 3164 (`Mar 14 02:11:09 host sshd[22]: ...`, as in auth.log, messages and
//! secure), RFC 5424 (`<34>1 2026-03-14T02:11:09.003Z host app procid msgid [sd] msg`)
//! and rsyslog's high-precision RFC 3339 lines (`2026-03-14T02:11:09.512345+00:00 host
//! sshd[22]: ...`), each with or without a `<PRI>` prefix.
//!
//! RFC 3164 stamps carry neither year nor zone. The zone is the investigator's `--tz`
//! (UTC by default). The year comes from `--year` (the year of the file's first line) or,
//! by default, from the file's modification time, which dates the last line: before
//! parsing, [`Parser::prepare`] walks the file once to count year changes, so a file that
//! crosses Dec 31 -> Jan 1 gets the right year on both sides. A month that falls back by
//! more than six from the line before starts a new year; one that jumps forward by more
//! than six (a December line out of order after January) goes back one. Both assumptions
//! are recorded in `ts_quality`.

use std::io::BufRead;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::Value;

use super::lines::LineReader;
use super::{auth, common};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};
use crate::event::{Event, TsQuality};
use crate::time::Micros;

const SOURCE: &str = "syslog";
/// Syslog severity names by number (also used by the journal).
pub(super) const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];
const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A timestamp as written.
#[derive(Debug, Clone, PartialEq)]
enum Stamp {
    /// RFC 3164: no year, no zone.
    YearLess {
        month: u32,
        day: u32,
        time: NaiveTime,
    },
    /// A full date and time without a zone.
    NoZone(NaiveDateTime),
    /// A full date, time and offset.
    Exact(DateTime<chrono::FixedOffset>),
    /// RFC 5424's `-`.
    Nil,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rfc3164,
    Rfc3339,
    Rfc5424,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Rfc3164 => "rfc3164",
            Kind::Rfc3339 => "rfc3339",
            Kind::Rfc5424 => "rfc5424",
        }
    }
}

/// One parsed line, borrowing from its text.
#[derive(Debug)]
struct Line<'a> {
    kind: Kind,
    pri: Option<u8>,
    stamp: Stamp,
    stamp_text: &'a str,
    host: Option<&'a str>,
    app: Option<&'a str>,
    pid: Option<&'a str>,
    msgid: Option<&'a str>,
    structured: Option<&'a str>,
    msg: &'a str,
}

fn nil(s: &str) -> Option<&str> {
    (s != "-" && !s.is_empty()).then_some(s)
}

/// Splits off the next space-delimited token.
fn token(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix(' ')?;
    match s.find(' ') {
        Some(i) => Some((&s[..i], &s[i..])),
        None => Some((s, "")),
    }
}

fn parse_pri(s: &str) -> Result<(Option<u8>, &str), String> {
    let Some(rest) = s.strip_prefix('<') else {
        return Ok((None, s));
    };
    let end = rest
        .find('>')
        .filter(|&i| (1..=3).contains(&i))
        .ok_or("a '<' that does not open a priority")?;
    let pri: u8 = rest[..end]
        .parse()
        .ok()
        .filter(|&p: &u8| p <= 191)
        .ok_or("a priority that is not a number from 0 to 191")?;
    Ok((Some(pri), &rest[end + 1..]))
}

fn parse_time_of_day(s: &str) -> Option<(NaiveTime, usize)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (h, m, sec) = (num(0..2)?, num(3..5)?, num(6..8)?);
    let mut len = 8;
    let mut micros = 0;
    if b.get(8) == Some(&b'.') {
        let digits = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let frac = &s[9..9 + digits];
        let mut scaled: String = frac.chars().take(6).collect();
        while scaled.len() < 6 {
            scaled.push('0');
        }
        micros = scaled.parse().ok()?;
        len = 9 + digits;
    }
    Some((NaiveTime::from_hms_micro_opt(h, m, sec, micros)?, len))
}

/// `Mmm dd hh:mm:ss` / `Mmm  d hh:mm:ss`; returns the stamp and its length.
fn parse_bsd_stamp(s: &str) -> Option<(Stamp, usize)> {
    let month = MONTHS.iter().position(|m| s.starts_with(m))? as u32 + 1;
    let b = s.as_bytes();
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let mut i = 4;
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let digits = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let day: u32 = s[i..i + digits].parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    i += digits;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let (time, len) = parse_time_of_day(s.get(i..)?)?;
    Some((Stamp::YearLess { month, day, time }, i + len))
}

/// An RFC 3339 stamp up to the next space (offset optional).
fn parse_iso_stamp(s: &str) -> Option<(Stamp, usize)> {
    let end = s.find(' ').unwrap_or(s.len());
    let text = &s[..end];
    if text.len() < 19 || text.as_bytes()[4] != b'-' {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some((Stamp::Exact(dt), end));
    }
    // journalctl -o short-iso writes the offset without a colon: 2026-03-14T02:11:09+0000
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some((Stamp::Exact(dt), end));
    }
    let ndt = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some((Stamp::NoZone(ndt), end))
}

/// `tag[pid]: msg`, `tag: msg`, or just `msg` when the first word is no tag.
fn split_tag(s: &str) -> (Option<&str>, Option<&str>, &str) {
    let word_end = s.find(' ').unwrap_or(s.len());
    let word = &s[..word_end];
    let Some(tag) = word.strip_suffix(':') else {
        return (None, None, s);
    };
    let msg = s[word_end..].strip_prefix(' ').unwrap_or(&s[word_end..]);
    if let Some(open) = tag.rfind('[') {
        if let Some(pid) = tag[open + 1..].strip_suffix(']') {
            return (Some(&tag[..open]), Some(pid), msg);
        }
    }
    (Some(tag), None, msg)
}

/// Structured data: `-` or one or more `[id k="v" ...]` elements (with `\]` escapes).
fn split_structured(s: &str) -> Result<(Option<&str>, &str), String> {
    if let Some(rest) = s.strip_prefix('-') {
        return Ok((None, rest));
    }
    let b = s.as_bytes();
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut in_quotes = false;
        i += 1;
        loop {
            match b.get(i) {
                None => return Err("unterminated structured data".into()),
                Some(b'\\') => i += 2,
                Some(b'"') => {
                    in_quotes = !in_quotes;
                    i += 1;
                }
                Some(b']') if !in_quotes => {
                    i += 1;
                    break;
                }
                Some(_) => i += 1,
            }
        }
    }
    if i == 0 {
        return Err("structured data must be '-' or start with '['".into());
    }
    Ok((Some(&s[..i]), &s[i..]))
}

fn parse_line(line: &str) -> Result<Line<'_>, String> {
    let (pri, rest) = parse_pri(line)?;
    // RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]"
    if pri.is_some() {
        if let Some(after_version) = rest.strip_prefix("1 ") {
            let (stamp_text, tail) = match after_version.find(' ') {
                Some(i) => (&after_version[..i], &after_version[i..]),
                None => return Err("an RFC 5424 header that ends after the version".into()),
            };
            let stamp = if stamp_text == "-" {
                Stamp::Nil
            } else {
                parse_iso_stamp(stamp_text)
                    .map(|(s, _)| s)
                    .ok_or("an RFC 5424 timestamp that is not RFC 3339")?
            };
            let (host, tail) = token(tail).ok_or("an RFC 5424 header without HOSTNAME")?;
            let (app, tail) = token(tail).ok_or("an RFC 5424 header without APP-NAME")?;
            let (pid, tail) = token(tail).ok_or("an RFC 5424 header without PROCID")?;
            let (msgid, tail) = token(tail).ok_or("an RFC 5424 header without MSGID")?;
            let tail = tail
                .strip_prefix(' ')
                .ok_or("an RFC 5424 header without STRUCTURED-DATA")?;
            let (structured, tail) = split_structured(tail)?;
            let msg = tail.strip_prefix(' ').unwrap_or(tail);
            let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
            return Ok(Line {
                kind: Kind::Rfc5424,
                pri,
                stamp,
                stamp_text,
                host: nil(host),
                app: nil(app),
                pid: nil(pid),
                msgid: nil(msgid),
                structured,
                msg,
            });
        }
    }
    let (stamp, len, kind) = if let Some((s, n)) = parse_bsd_stamp(rest) {
        (s, n, Kind::Rfc3164)
    } else if let Some((s, n)) = parse_iso_stamp(rest) {
        (s, n, Kind::Rfc3339)
    } else if rest.trim().is_empty() {
        return Err("an empty line".into());
    } else {
        return Err("no syslog timestamp at the start of the line".into());
    };
    let stamp_text = &rest[..len];
    let (host, tail) =
        token(&rest[len..]).ok_or("a timestamp with no host name or message after it")?;
    let (app, pid, msg) = split_tag(tail.strip_prefix(' ').unwrap_or(tail));
    Ok(Line {
        kind,
        pri,
        stamp,
        stamp_text,
        host: Some(host),
        app,
        pid,
        msgid: None,
        structured: None,
        msg,
    })
}

/// Whether most of the first lines of `head` parse as syslog.
pub(super) fn sniff(head: &[u8]) -> bool {
    common::most_lines(head, |line| parse_line(&common::lossy(line)).is_ok())
}

/// Places year-less stamps in years as the file goes on.
#[derive(Debug, Clone, Copy)]
struct YearTracker {
    year: i32,
    last_month: Option<u32>,
}

impl YearTracker {
    fn new(first_year: i32) -> Self {
        YearTracker {
            year: first_year,
            last_month: None,
        }
    }

    fn place(&mut self, month: u32) -> i32 {
        if let Some(last) = self.last_month {
            if month + 6 < last {
                self.year += 1;
            } else if month > last + 6 {
                self.year -= 1;
            }
        }
        self.last_month = Some(month);
        self.year
    }
}

/// Reads syslog files (see the module documentation).
pub struct SyslogParser {
    tz: chrono_tz::Tz,
    fixed_year: Option<i32>,
    reference: Option<Micros>,
    years: YearTracker,
}

impl SyslogParser {
    pub fn new(file: &FileContext, opts: &ImportOptions) -> Self {
        let first = opts.year.unwrap_or_else(|| {
            let reference = file.modified.unwrap_or_else(crate::time::now_micros);
            Utc.timestamp_micros(reference)
                .single()
                .map_or(1970, |d| d.with_timezone(&opts.tz).year())
        });
        SyslogParser {
            tz: opts.tz,
            fixed_year: opts.year,
            reference: file.modified,
            years: YearTracker::new(first),
        }
    }

    fn local_to_utc(&self, ndt: NaiveDateTime) -> Micros {
        common::local_to_utc(self.tz, ndt)
    }

    fn event_of(&mut self, line: &Line<'_>) -> Result<Event, String> {
        let mut quality = TsQuality::EXACT;
        let ts = match &line.stamp {
            Stamp::YearLess { month, day, time } => {
                let year = self.years.place(*month);
                let date = NaiveDate::from_ymd_opt(year, *month, *day).ok_or_else(|| {
                    format!(
                        "{} {day} does not exist in the inferred year {year}",
                        MONTHS[*month as usize - 1]
                    )
                })?;
                quality = quality.with_year_inferred().with_zone_assumed();
                Some(self.local_to_utc(date.and_time(*time)))
            }
            Stamp::NoZone(ndt) => {
                quality = quality.with_zone_assumed();
                Some(self.local_to_utc(*ndt))
            }
            Stamp::Exact(dt) => Some(dt.with_timezone(&Utc).timestamp_micros()),
            Stamp::Nil => {
                quality = TsQuality::missing();
                None
            }
        };
        let fields = auth::extract(line.app, line.msg);
        let mut attrs = serde_json::Map::with_capacity(8);
        attrs.insert("syslog_format".into(), line.kind.name().into());
        if let Some(pri) = line.pri {
            attrs.insert("facility".into(), FACILITIES[usize::from(pri / 8)].into());
        }
        for (key, value) in [
            ("pid", line.pid),
            ("msgid", line.msgid),
            ("structured_data", line.structured),
        ] {
            if let Some(v) = value {
                attrs.insert(key.into(), Value::String(v.to_string()));
            }
        }
        for (key, value) in fields.extra {
            attrs.insert(key.into(), Value::String(value));
        }
        Ok(Event {
            ts,
            ts_source: Some(line.stamp_text.to_string()),
            ts_quality: quality,
            source: SOURCE.into(),
            locator: String::new(),
            host: line.host.map(str::to_string),
            user: fields.user,
            src_ip: fields.src_ip,
            dst_ip: fields.dst_ip,
            process: line.app.map(str::to_string),
            event_code: None,
            action: fields.action.map(str::to_string),
            severity: line.pri.map(|p| SEVERITIES[usize::from(p % 8)].to_string()),
            message: line.msg.to_string(),
            raw: Vec::new(),
            attrs,
        })
    }
}

impl Parser for SyslogParser {
    fn prepare(&mut self, input: &mut dyn BufRead) -> Result<()> {
        if self.fixed_year.is_some() {
            return Ok(());
        }
        // Count the year changes from the first year-less line to the last, then date
        // the last line by the reference time.
        let mut walk = YearTracker::new(0);
        let mut lines = LineReader::new(input);
        let mut buf = Vec::new();
        while lines
            .next_line(&mut buf)
            .map_err(|e| Error::io("(syslog input)", e))?
            .is_some()
        {
            if let Ok(Line {
                stamp: Stamp::YearLess { month, .. },
                ..
            }) = parse_line(&common::lossy(&buf))
            {
                walk.place(month);
            }
        }
        let (Some(last_month), Some(reference)) = (walk.last_month, self.reference) else {
            return Ok(());
        };
        let Some(reference) = Utc
            .timestamp_micros(reference)
            .single()
            .map(|d| d.with_timezone(&self.tz))
        else {
            return Ok(());
        };
        let last_year = if last_month <= reference.month() {
            reference.year()
        } else {
            reference.year() - 1
        };
        self.years = YearTracker::new(last_year - walk.year);
        Ok(())
    }

    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_record(input, sink, |line, _| {
            let text = common::lossy(line);
            parse_line(&text)
                .and_then(|parsed| self.event_of(&parsed))
                .map(Some)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_classic_line_with_a_pid() {
        let l = parse_line(
            "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
        )
        .unwrap();
        assert_eq!(l.kind, Kind::Rfc3164);
        assert_eq!(l.stamp_text, "Dec 10 06:55:46");
        assert_eq!(l.host, Some("LabSZ"));
        assert_eq!(l.app, Some("sshd"));
        assert_eq!(l.pid, Some("24200"));
        assert_eq!(l.msg, "Invalid user webmaster from 173.234.31.186");
    }

    #[test]
    fn reads_space_padded_days_and_parenthesised_tags() {
        let l = parse_line("Jan  1 00:00:01 combo sshd(pam_unix)[19939]: check pass; user unknown")
            .unwrap();
        assert_eq!(
            l.stamp,
            Stamp::YearLess {
                month: 1,
                day: 1,
                time: NaiveTime::from_hms_opt(0, 0, 1).unwrap()
            }
        );
        assert_eq!(l.app, Some("sshd(pam_unix)"));
        assert_eq!(l.pid, Some("19939"));
    }

    #[test]
    fn a_line_without_a_tag_keeps_the_whole_message() {
        let l = parse_line("Jun 14 15:16:01 combo last message repeated 2 times").unwrap();
        assert_eq!(l.app, None);
        assert_eq!(l.msg, "last message repeated 2 times");
    }

    #[test]
    fn reads_rfc5424_with_structured_data() {
        let l = parse_line(r#"<34>1 2026-03-14T02:55:00.003Z bastion-01 auditd 1234 - [origin ip="10.20.0.5" x="a\]b"] user login"#).unwrap();
        assert_eq!(l.kind, Kind::Rfc5424);
        assert_eq!(l.pri, Some(34));
        assert_eq!(l.app, Some("auditd"));
        assert_eq!(l.msgid, None);
        assert_eq!(l.structured, Some(r#"[origin ip="10.20.0.5" x="a\]b"]"#));
        assert_eq!(l.msg, "user login");
    }

    #[test]
    fn reads_rsyslog_high_precision_stamps_exactly() {
        let l = parse_line("2026-03-14T03:02:11.512345+01:00 db-01 sshd[812]: hello").unwrap();
        assert_eq!(l.kind, Kind::Rfc3339);
        let Stamp::Exact(dt) = l.stamp else { panic!() };
        assert_eq!(
            dt.with_timezone(&Utc).to_rfc3339(),
            "2026-03-14T02:02:11.512345+00:00"
        );
    }

    #[test]
    fn reads_journalctl_short_iso_offsets_without_a_colon() {
        let l = parse_line("2026-03-14T02:11:09+0100 bastion-01 sshd[22]: hi").unwrap();
        assert_eq!(l.kind, Kind::Rfc3339);
        let Stamp::Exact(dt) = l.stamp else { panic!() };
        assert_eq!(
            dt.with_timezone(&Utc).to_rfc3339(),
            "2026-03-14T01:11:09+00:00"
        );
    }

    #[test]
    fn rejects_lines_without_a_stamp_with_a_reason() {
        assert_eq!(
            parse_line("Mar 1").unwrap_err(),
            "no syslog timestamp at the start of the line"
        );
        assert_eq!(parse_line("").unwrap_err(), "an empty line");
        assert!(parse_line("hello world").is_err());
    }

    #[test]
    fn year_tracker_rolls_over_and_back() {
        let mut t = YearTracker::new(2025);
        assert_eq!(t.place(12), 2025);
        assert_eq!(t.place(1), 2026);
        assert_eq!(t.place(12), 2025); // a late December line out of order
        assert_eq!(t.place(1), 2026);
        assert_eq!(t.place(2), 2026);
    }
}
