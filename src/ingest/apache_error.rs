//! Apache httpd error logs: 2.2 style (`[Sun Dec 04 04:47:44 2005] [notice] message`,
//! `[...] [error] [client 10.0.0.1] message`) and 2.4's default `ErrorLogFormat`
//! (`[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client
//! 72.15.99.187:5124] AH00128: File does not exist: ...`).
//!
//! The stamp has no zone: it is read in the investigator's `--tz` and flagged
//! `zone_assumed`. The level is the `severity` (`error`, `notice`, `trace3`, ...), the
//! module (`core`), pid and tid go to `attrs`, `[client ip[:port]]` gives `src_ip` (and
//! `attrs.client_port`), `[remote ...]` (2.4, the peer behind a proxy) goes to
//! `attrs.remote`, an `AHnnnnn:` error number at the start of the message is the
//! `event_code`, and a trailing `, referer: URL` is copied to `attrs.referer`.
//!
//! A line without a leading `[time]` (text a CGI script wrote to stderr, a cut line) is
//! an import issue: the error log always stamps its own lines.

use std::io::BufRead;
use std::net::IpAddr;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::common;
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};

const SOURCE: &str = "apache_error";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LEVELS: [&str; 8] = [
    "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
];

/// One error-log line, split (borrowing from the line).
#[derive(Debug, Default, PartialEq)]
struct ErrorLine<'a> {
    stamp: &'a str,
    level: Option<&'a str>,
    module: Option<&'a str>,
    pid: Option<&'a str>,
    tid: Option<&'a str>,
    client: Option<&'a str>,
    remote: Option<&'a str>,
    msg: &'a str,
}

fn is_level(s: &str) -> bool {
    LEVELS.contains(&s)
        || s.strip_prefix("trace")
            .is_some_and(|n| n.len() == 1 && (b'1'..=b'8').contains(&n.as_bytes()[0]))
}

/// `Www Mon DD HH:MM:SS[.ffffff] YYYY` as a zone-less date and time.
fn parse_stamp(s: &str) -> Option<chrono::NaiveDateTime> {
    let mut parts = s.split_ascii_whitespace();
    let weekday = parts.next()?;
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let day: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || time.len() < 8 {
        return None;
    }
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let b = hms.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &hms[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let mut micros = 0;
    if time.contains('.') {
        if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        micros = format!("{frac:0<6}")[..6].parse().ok()?;
    }
    NaiveDate::from_ymd_opt(year, month, day)?.and_hms_micro_opt(
        num(0..2)?,
        num(3..5)?,
        num(6..8)?,
        micros,
    )
}

/// The next ` [...]` at the start of `s`: its content and the rest.
fn bracket(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix(" [")?;
    let end = s.find(']')?;
    Some((&s[..end], &s[end + 1..]))
}

fn parse_line(
    line: &str,
) -> std::result::Result<(ErrorLine<'_>, chrono::NaiveDateTime), &'static str> {
    let rest = line
        .strip_prefix('[')
        .ok_or("no [time] at the start of the line")?;
    let end = rest.find(']').ok_or("the [time] is not closed")?;
    let stamp = &rest[..end];
    let ndt = parse_stamp(stamp).ok_or("a [time] that is not like [Sun Dec 04 04:47:44 2005]")?;
    let mut l = ErrorLine {
        stamp,
        ..ErrorLine::default()
    };
    let mut rest = &rest[end + 1..];
    if let Some((inner, after)) = bracket(rest) {
        let (module, level) = match inner.rsplit_once(':') {
            Some((m, lv)) => (Some(m).filter(|m| !m.is_empty()), lv),
            None => (None, inner),
        };
        if is_level(level) {
            l.level = Some(level);
            l.module = module;
            rest = after;
        }
    }
    while let Some((inner, after)) = bracket(rest) {
        if let Some(p) = inner.strip_prefix("pid ") {
            match p.split_once(":tid ") {
                Some((pid, tid)) => {
                    l.pid = Some(pid);
                    l.tid = Some(tid);
                }
                None => l.pid = Some(p),
            }
        } else if let Some(c) = inner.strip_prefix("client ") {
            l.client = Some(c);
        } else if let Some(r) = inner.strip_prefix("remote ") {
            l.remote = Some(r);
        } else {
            break;
        }
        rest = after;
    }
    l.msg = rest.strip_prefix(' ').unwrap_or(rest);
    Ok((l, ndt))
}

/// `ip` or `ip:port` (2.4 appends the port; 2.2 does not, so only split when the line is
/// 2.4 style, which IPv6 addresses make necessary).
fn client_address(client: &str, with_port: bool) -> (Option<String>, Option<&str>) {
    if with_port {
        if let Some((ip, port)) = client.rsplit_once(':') {
            if let (Ok(a), true) = (
                ip.parse::<IpAddr>(),
                !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit()),
            ) {
                return (Some(a.to_string()), Some(port));
            }
        }
    }
    (client.parse::<IpAddr>().ok().map(|a| a.to_string()), None)
}

/// `AH00128` when the message starts with `AH00128: `.
fn error_number(msg: &str) -> Option<&str> {
    let code = msg.get(..7)?;
    (code.starts_with("AH")
        && code[2..].bytes().all(|c| c.is_ascii_digit())
        && msg[7..].starts_with(':'))
    .then_some(code)
}

/// Whether most of the first lines of `head` are error-log lines.
pub(super) fn sniff(head: &[u8]) -> bool {
    common::most_lines(head, |line| parse_line(&common::lossy(line)).is_ok())
}

/// Reads Apache error logs (see the module documentation).
pub struct ApacheErrorParser {
    tz: chrono_tz::Tz,
}

impl ApacheErrorParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        ApacheErrorParser { tz: opts.tz }
    }

    fn event_of(&self, l: &ErrorLine<'_>, ndt: chrono::NaiveDateTime) -> Event {
        let mut attrs = Map::new();
        let str_attr = |attrs: &mut Map<String, Value>, k: &str, v: Option<&str>| {
            if let Some(v) = v {
                attrs.insert(k.into(), Value::String(v.to_string()));
            }
        };
        str_attr(&mut attrs, "module", l.module);
        str_attr(&mut attrs, "pid", l.pid);
        str_attr(&mut attrs, "tid", l.tid);
        let mut src_ip = None;
        if let Some(c) = l.client {
            let (ip, port) = client_address(c, l.module.is_some() || l.pid.is_some());
            match ip {
                Some(ip) => src_ip = Some(ip),
                None => str_attr(&mut attrs, "client", Some(c)),
            }
            str_attr(&mut attrs, "client_port", port);
        }
        str_attr(&mut attrs, "remote", l.remote);
        if let Some((_, referer)) = l.msg.rsplit_once(", referer: ") {
            str_attr(&mut attrs, "referer", Some(referer));
        }
        Event {
            ts: Some(common::local_to_utc(self.tz, ndt)),
            ts_source: Some(l.stamp.to_string()),
            ts_quality: TsQuality::EXACT.with_zone_assumed(),
            source: SOURCE.into(),
            locator: String::new(),
            host: None,
            user: None,
            src_ip,
            dst_ip: None,
            process: None,
            event_code: error_number(l.msg).map(str::to_string),
            action: None,
            severity: l.level.map(str::to_string),
            message: l.msg.to_string(),
            raw: Vec::new(),
            attrs,
        }
    }
}

impl Parser for ApacheErrorParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_record(input, sink, |line, _| {
            let text = common::lossy(line);
            let (l, ndt) = parse_line(&text).map_err(str::to_string)?;
            Ok(Some(self.event_of(&l, ndt)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str, tz: chrono_tz::Tz) -> Event {
        let (l, ndt) = parse_line(line).unwrap();
        ApacheErrorParser { tz }.event_of(&l, ndt)
    }

    #[test]
    fn reads_a_2_2_line() {
        let e = event(
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
            chrono_tz::UTC,
        );
        assert_eq!(e.ts, Some(1_133_671_664_000_000)); // 2005-12-04T04:47:44Z
        assert_eq!(e.ts_source.as_deref(), Some("Sun Dec 04 04:47:44 2005"));
        assert_eq!(e.ts_quality, TsQuality::EXACT.with_zone_assumed());
        assert_eq!(e.severity.as_deref(), Some("error"));
        assert_eq!(e.message, "mod_jk child workerEnv in error state 6");
        assert!(e.attrs.is_empty());
    }

    #[test]
    fn reads_a_2_2_client_without_a_port() {
        let e = event(
            "[Sun Dec 04 20:47:17 2005] [error] [client 2001:db8::1] Directory index forbidden by rule: /var/www/html/",
            chrono_tz::UTC,
        );
        assert_eq!(e.src_ip.as_deref(), Some("2001:db8::1"));
        assert_eq!(
            e.message,
            "Directory index forbidden by rule: /var/www/html/"
        );
    }

    #[test]
    fn reads_a_2_4_line_with_module_pid_tid_client_and_error_number() {
        let e = event(
            "[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5124] AH00128: File does not exist: /usr/local/apache2/htdocs/favicon.ico, referer: http://example.com/",
            chrono_tz::Europe::Berlin,
        );
        // 14:32:52.123456 in Berlin (CEST, +02:00) is 12:32:52.123456 UTC.
        assert_eq!(e.ts, Some(971_267_572_123_456));
        assert_eq!(e.severity.as_deref(), Some("error"));
        assert_eq!(e.src_ip.as_deref(), Some("72.15.99.187"));
        assert_eq!(e.event_code.as_deref(), Some("AH00128"));
        assert_eq!(
            Value::Object(e.attrs),
            serde_json::json!({
                "module": "core",
                "pid": "35708",
                "tid": "4328636416",
                "client_port": "5124",
                "referer": "http://example.com/",
            })
        );
    }

    #[test]
    fn a_2_4_ipv6_client_loses_only_its_port() {
        let e = event(
            "[Wed Oct 11 14:32:52.1 2000] [:error] [pid 1] [client 2001:db8::1:443] x",
            chrono_tz::UTC,
        );
        assert_eq!(e.src_ip.as_deref(), Some("2001:db8::1"));
        assert_eq!(e.attrs["client_port"], "443");
        assert_eq!(e.ts, Some(971_274_772_100_000));
        assert!(!e.attrs.contains_key("module"));
    }

    #[test]
    fn trace_levels_and_a_message_that_starts_with_a_bracket() {
        let (l, _) =
            parse_line("[Wed Oct 11 14:32:52 2000] [http:trace3] [pid 9] [mod_x] says hi").unwrap();
        assert_eq!(l.level, Some("trace3"));
        assert_eq!(l.module, Some("http"));
        assert_eq!(l.msg, "[mod_x] says hi");
    }

    #[test]
    fn lines_without_a_stamp_are_rejected_with_a_reason() {
        assert_eq!(
            parse_line("PHP Warning:  foo() in /x.php").unwrap_err(),
            "no [time] at the start of the line"
        );
        assert_eq!(
            parse_line("[10/Oct/2000:13:55:36 -0700] x").unwrap_err(),
            "a [time] that is not like [Sun Dec 04 04:47:44 2005]"
        );
        assert_eq!(
            parse_line("[Sun Dec 04").unwrap_err(),
            "the [time] is not closed"
        );
    }

    #[test]
    fn sniffs_error_logs_only() {
        assert!(sniff(
            b"[Sun Dec 04 04:47:44 2005] [notice] ok\r\n[Sun Dec 04 04:47:44 2005] [error] x\r\n"
        ));
        assert!(!sniff(
            b"1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5\n"
        ));
        assert!(!sniff(b"Mar 14 02:11:09 h sshd[1]: ok\n"));
    }
}
