//! Web server access logs: Apache/nginx/Tomcat **common** (`host ident user [time]
//! "request" status bytes`) and **combined** (the same plus `"referer" "user-agent"`),
//! and Apache's `vhost_combined` (a `vhost:port` field first).
//!
//! The line is read by a byte scanner, with no regular expression and no allocation
//! until the event is built, because access logs are the biggest text evidence there is.
//! Real logs bend the format, and the scanner is built around what they do:
//! - Apache escapes `"` inside the request as `\"`, but Tomcat writes it raw
//!   (`"GET /x?a="><script> HTTP/1.1"`), and a TLS handshake sent to a plain-HTTP port
//!   lands inside the quotes as binary. The request therefore ends at the first `"` that
//!   is followed by ` <3-digit status> <bytes or ->`, preferring one that is not
//!   backslash-escaped.
//! - A user agent cut off before its closing quote (a line written while the disk was
//!   full) keeps the rest of the line as the user agent, and the event says so in
//!   `attrs.user_agent_unterminated`: the request, status and time are intact, so the line
//!   is an event, not an issue.
//! - Tomcat writes `[01/Jan/1970:03:00:00 +0300]` (the epoch, in its zone) when it never
//!   read a request; that placeholder is no time, so the event has `ts: None`
//!   (`missing`), keeps the text in `ts_source` and says why in `attrs.time_note`.
//! - Control bytes (NUL, TLS bytes) and bytes that are not UTF-8 are shown as `\xNN` in
//!   the message and attrs, as Apache and nginx escape them; `raw` keeps the original bytes.
//!
//! Stamps carry their offset, so times are exact. Columns: `src_ip` = the client (when it
//! is an address; a host name goes to `attrs.client`), `user` = the authenticated user,
//! `action` = the HTTP method, `event_code` = the status.

use std::io::BufRead;
use std::net::IpAddr;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::common;
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};
use crate::time::Micros;

const SOURCE: &str = "apache_access";

/// One access-log line, split into its fields (borrowing from the line).
#[derive(Debug, PartialEq)]
struct AccessLine<'a> {
    vhost: Option<&'a [u8]>,
    client: &'a [u8],
    ident: &'a [u8],
    user: &'a [u8],
    /// The text between `[` and `]`.
    stamp: &'a [u8],
    /// UTC microseconds.
    ts: Micros,
    /// The text between the request's quotes, as written.
    request: &'a [u8],
    status: &'a [u8],
    bytes: &'a [u8],
    referer: Option<&'a [u8]>,
    user_agent: Option<&'a [u8]>,
    user_agent_unterminated: bool,
    /// Anything after the user agent (custom formats add fields there).
    extra: &'a [u8],
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |n, &c| {
        n.checked_mul(10)?.checked_add(u32::from(c - b'0'))
    })
}

/// `10/Oct/2000:13:55:36 -0700` (a fraction after the seconds is allowed) to UTC µs.
fn parse_stamp(s: &[u8]) -> Option<Micros> {
    if s.len() < 26 || s[2] != b'/' || s[6] != b'/' || s[11] != b':' {
        return None;
    }
    let day = digits(&s[0..2])?;
    let month = MONTHS.iter().position(|m| &s[3..6] == *m)? as u32 + 1;
    let year = digits(&s[7..11])?;
    if s[14] != b':' || s[17] != b':' {
        return None;
    }
    let (h, m, sec) = (
        digits(&s[12..14])?,
        digits(&s[15..17])?,
        digits(&s[18..20])?,
    );
    let mut i = 20;
    let mut micros = 0u32;
    if s.get(i) == Some(&b'.') {
        let n = s[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for k in 0..6 {
            let d = if k < n {
                u32::from(s[i + 1 + k] - b'0')
            } else {
                0
            };
            micros = micros * 10 + d;
        }
        i += 1 + n;
    }
    let zone = s.get(i + 1..)?;
    if s[i] != b' ' {
        return None;
    }
    let (sign, zone) = match zone.split_first()? {
        (b'+', z) => (1i64, z),
        (b'-', z) => (-1i64, z),
        _ => return None,
    };
    let (zh, zm) = match zone.len() {
        4 => (digits(&zone[0..2])?, digits(&zone[2..4])?),
        5 if zone[2] == b':' => (digits(&zone[0..2])?, digits(&zone[3..5])?),
        _ => return None,
    };
    if zh > 23 || zm > 59 {
        return None;
    }
    let local = NaiveDate::from_ymd_opt(year as i32, month, day)?
        .and_hms_micro_opt(h, m, sec, micros)?
        .and_utc()
        .timestamp_micros();
    Some(local - sign * i64::from(zh * 3600 + zm * 60) * 1_000_000)
}

fn is_escaped(line: &[u8], start: usize, quote: usize) -> bool {
    line[start..quote]
        .iter()
        .rev()
        .take_while(|&&c| c == b'\\')
        .count()
        % 2
        == 1
}

/// Whether `rest` (what follows a closing quote) is ` <status> <bytes>` then the end or a
/// space. Returns the status, the bytes and the remainder.
fn status_and_bytes(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let rest = rest.strip_prefix(b" ")?;
    if rest.len() < 5 || !rest[..3].iter().all(u8::is_ascii_digit) || rest[3] != b' ' {
        return None;
    }
    let after = &rest[4..];
    let end = after.iter().position(|&c| c == b' ').unwrap_or(after.len());
    let bytes = &after[..end];
    let is_count = !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit);
    if !is_count && bytes != b"-" {
        return None;
    }
    Some((&rest[..3], bytes, &after[end..]))
}

/// A quoted field at the start of `s` (after its separating space): the text, whether
/// it was closed, and the remainder. A closing quote is a `"` that is not
/// backslash-escaped and is followed by a space or the end.
fn quoted(s: &[u8]) -> Option<(&[u8], bool, &[u8])> {
    let s = s.strip_prefix(b" \"")?;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' if i + 1 == s.len() || s[i + 1] == b' ' => {
                return Some((&s[..i], true, &s[i + 1..]));
            }
            _ => i += 1,
        }
    }
    Some((s, false, &[]))
}

fn parse_line(line: &[u8]) -> std::result::Result<AccessLine<'_>, &'static str> {
    let open = line
        .iter()
        .position(|&c| c == b'[')
        .ok_or("no [time] field")?;
    let head = line[..open]
        .strip_suffix(b" ")
        .ok_or("no space before the [time] field")?;
    let mut fields = head.split(|&c| c == b' ');
    let (vhost, client, ident, user) = match (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) {
        (Some(c), Some(i), Some(u), None, None) => (None, c, i, u),
        (Some(v), Some(c), Some(i), Some(u), None) => (Some(v), c, i, u),
        _ => return Err("expected 'client ident user' before the [time] field"),
    };
    if client.is_empty() || ident.is_empty() || user.is_empty() {
        return Err("expected 'client ident user' before the [time] field");
    }
    let close = line[open..]
        .iter()
        .position(|&c| c == b']')
        .ok_or("the [time] field is not closed")?
        + open;
    let stamp = &line[open + 1..close];
    let ts = parse_stamp(stamp).ok_or("a [time] that is not dd/Mon/yyyy:HH:MM:SS +zone")?;
    let req_start = close + 3;
    if line.get(close + 1..req_start) != Some(b" \"") {
        return Err("no quoted request after the [time] field");
    }
    // The request ends at the first quote followed by a status and a byte count; prefer
    // one that is not escaped (Apache writes \" inside requests; Tomcat does not).
    let mut first_any = None;
    let mut chosen = None;
    let mut i = req_start;
    while let Some(off) = line[i..].iter().position(|&c| c == b'"') {
        let q = i + off;
        if let Some(tail) = status_and_bytes(&line[q + 1..]) {
            if !is_escaped(line, req_start, q) {
                chosen = Some((q, tail));
                break;
            }
            first_any.get_or_insert((q, tail));
        }
        i = q + 1;
    }
    let (q, (status, bytes, rest)) = chosen
        .or(first_any)
        .ok_or("no closing quote followed by a status code and a byte count after the request")?;
    let mut access = AccessLine {
        vhost,
        client,
        ident,
        user,
        stamp,
        ts,
        request: &line[req_start..q],
        status,
        bytes,
        referer: None,
        user_agent: None,
        user_agent_unterminated: false,
        extra: rest,
    };
    // Combined: ` "referer" "user-agent"`.
    if let Some((referer, true, after)) = quoted(rest) {
        if let Some((ua, closed, after)) = quoted(after) {
            access.referer = Some(referer);
            access.user_agent = Some(ua);
            access.user_agent_unterminated = !closed;
            access.extra = after;
        }
    }
    Ok(access)
}

/// Text for display: control bytes and bytes that are not UTF-8 written `\xNN`, as
/// Apache and nginx escape them in their own logs.
fn shown(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    push_shown(&mut out, b);
    out
}

/// Appends [`shown`]`(b)` to `out`.
fn push_shown(out: &mut String, b: &[u8]) {
    if b.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        // Printable ASCII: the common case.
        out.push_str(&common::lossy(b));
        return;
    }
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                push_hex(out, c as u32);
            } else {
                out.push(c);
            }
        }
        for &byte in chunk.invalid() {
            push_hex(out, u32::from(byte));
        }
    }
}

/// `\xNN` for a byte or a C0/C1 control character (all below 0x100).
fn push_hex(out: &mut String, v: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\x");
    out.push(char::from(HEX[(v >> 4) as usize & 0xf]));
    out.push(char::from(HEX[v as usize & 0xf]));
}

fn is_method(b: &[u8]) -> bool {
    (1..=32).contains(&b.len())
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

/// A request line of the shape `METHOD target [HTTP/x]`.
struct Request<'a> {
    method: &'a [u8],
    target: &'a [u8],
    protocol: Option<&'a [u8]>,
}

fn split_request(req: &[u8]) -> Option<Request<'_>> {
    let sp = req.iter().position(|&c| c == b' ')?;
    let (method, rest) = (&req[..sp], &req[sp + 1..]);
    if !is_method(method) || rest.is_empty() {
        return None;
    }
    if let Some(last) = rest.iter().rposition(|&c| c == b' ') {
        let protocol = &rest[last + 1..];
        if protocol.starts_with(b"HTTP/") {
            return Some(Request {
                method,
                target: &rest[..last],
                protocol: Some(protocol),
            });
        }
    }
    Some(Request {
        method,
        target: rest,
        protocol: None,
    })
}

fn dash(b: &[u8]) -> Option<&[u8]> {
    (b != b"-" && !b.is_empty()).then_some(b)
}

fn event_of(l: &AccessLine<'_>) -> Event {
    let mut attrs = Map::with_capacity(12); // every field a line can have: no regrowing
    attrs.insert(
        "log_format".into(),
        if l.user_agent.is_some() {
            "combined"
        } else {
            "common"
        }
        .into(),
    );
    if let Some(v) = l.vhost {
        attrs.insert("vhost".into(), shown(v).into());
    }
    let client = shown(l.client);
    let src_ip = match client.parse::<IpAddr>() {
        // IPv4 parses only as written canonically (no leading zeros): keep the text.
        Ok(IpAddr::V4(_)) => Some(client),
        Ok(a) => Some(a.to_string()),
        Err(_) => {
            attrs.insert("client".into(), client.into());
            None
        }
    };
    if let Some(ident) = dash(l.ident) {
        attrs.insert("ident".into(), shown(ident).into());
    }
    let mut action = None;
    match split_request(l.request) {
        Some(r) => {
            action = Some(shown(r.method));
            attrs.insert("path".into(), shown(r.target).into());
            if let Some(p) = r.protocol {
                attrs.insert("protocol".into(), shown(p).into());
            }
        }
        None => {
            attrs.insert("request".into(), shown(l.request).into());
        }
    }
    // `<request> -> <status>[ (<bytes> bytes)]`, written once.
    let mut message = String::with_capacity(l.request.len() + l.bytes.len() + 20);
    push_shown(&mut message, l.request);
    message.push_str(" -> ");
    push_shown(&mut message, l.status);
    if let Some(b) = dash(l.bytes) {
        message.push_str(" (");
        push_shown(&mut message, b);
        message.push_str(" bytes)");
        // A count (the parser accepts only digits here) too large for u64 stays text.
        let count = std::str::from_utf8(b)
            .ok()
            .and_then(|t| t.parse::<u64>().ok());
        let value = count.map_or_else(|| Value::String(shown(b)), Value::from);
        attrs.insert("bytes".into(), value);
    }
    let status = shown(l.status);
    if let Some(r) = l.referer.and_then(dash) {
        attrs.insert("referer".into(), shown(r).into());
    }
    if let Some(ua) = l.user_agent.and_then(dash) {
        attrs.insert("user_agent".into(), shown(ua).into());
    }
    if l.user_agent_unterminated {
        attrs.insert("user_agent_unterminated".into(), true.into());
    }
    let extra = l.extra.strip_prefix(b" ").unwrap_or(l.extra);
    if !extra.is_empty() {
        attrs.insert("extra".into(), shown(extra).into());
    }
    let (ts, ts_quality) = if l.ts == 0 {
        attrs.insert(
            "time_note".into(),
            "the epoch-zero placeholder a server writes when it read no request time".into(),
        );
        (None, TsQuality::missing())
    } else {
        (Some(l.ts), TsQuality::EXACT)
    };
    Event {
        ts,
        ts_source: Some(shown(l.stamp)),
        ts_quality,
        source: SOURCE.into(),
        locator: String::new(),
        host: None,
        user: dash(l.user).map(shown),
        src_ip,
        dst_ip: None,
        process: None,
        event_code: Some(status),
        action,
        severity: None,
        message,
        raw: Vec::new(),
        attrs,
    }
}

/// Whether most of the first lines of `head` are access-log lines.
pub(super) fn sniff(head: &[u8]) -> bool {
    common::most_lines(head, |line| parse_line(line).is_ok())
}

/// Reads access logs (see the module documentation).
pub struct ApacheAccessParser;

impl ApacheAccessParser {
    pub fn new(_file: &FileContext, _opts: &ImportOptions) -> Self {
        ApacheAccessParser
    }
}

impl Parser for ApacheAccessParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_record(input, sink, |line, _| {
            parse_line(line)
                .map(|l| Some(event_of(&l)))
                .map_err(str::to_string)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &[u8]) -> Event {
        event_of(&parse_line(line).unwrap())
    }

    #[test]
    fn a_byte_count_past_u64_stays_text_and_a_bare_request_is_kept_whole() {
        let e = event(
            b"10.0.0.5 - - [10/Oct/2000:13:55:36 +0000] \"\\x16\\x03\" 400 184467440737095516160",
        );
        assert_eq!(e.message, "\\x16\\x03 -> 400 (184467440737095516160 bytes)");
        assert_eq!(e.attrs["bytes"], "184467440737095516160");
        assert_eq!(e.attrs["request"], "\\x16\\x03");
        assert_eq!(e.action, None);
        let e = event(b"10.0.0.5 - - [10/Oct/2000:13:55:36 +0000] \"GET /\x01\xc3\x28\" 200 -");
        assert_eq!(e.message, "GET /\\x01\\xc3( -> 200");
        assert_eq!(e.attrs["path"], "/\\x01\\xc3(");
        assert_eq!(e.attrs.get("bytes"), None);
    }

    #[test]
    fn reads_the_apache_documentation_example_exactly() {
        let e = event(br#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#);
        assert_eq!(e.ts, Some(971_211_336_000_000)); // 2000-10-10T20:55:36Z
        assert_eq!(e.ts_source.as_deref(), Some("10/Oct/2000:13:55:36 -0700"));
        assert_eq!(e.ts_quality, TsQuality::EXACT);
        assert_eq!(e.src_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.user.as_deref(), Some("frank"));
        assert_eq!(e.action.as_deref(), Some("GET"));
        assert_eq!(e.event_code.as_deref(), Some("200"));
        assert_eq!(e.message, "GET /apache_pb.gif HTTP/1.0 -> 200 (2326 bytes)");
        assert_eq!(
            Value::Object(e.attrs),
            serde_json::json!({
                "log_format": "combined",
                "path": "/apache_pb.gif",
                "protocol": "HTTP/1.0",
                "bytes": 2326,
                "referer": "http://www.example.com/start.html",
                "user_agent": "Mozilla/4.08 [en] (Win98; I ;Nav)",
            })
        );
    }

    #[test]
    fn reads_fractions_and_colon_offsets() {
        assert_eq!(
            parse_stamp(b"10/Oct/2000:13:55:36.25 +05:30"),
            Some(971_166_336_250_000)
        );
        assert_eq!(parse_stamp(b"31/Feb/2000:13:55:36 +0000"), None);
        assert_eq!(parse_stamp(b"10/Oct/2000:13:55:36"), None);
        assert_eq!(parse_stamp(b"10/Foo/2000:13:55:36 +0000"), None);
    }

    #[test]
    fn a_user_agent_without_its_closing_quote_is_kept_and_flagged() {
        let e = event(br#"46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /x.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html"#);
        assert_eq!(
            e.attrs["user_agent"],
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html"
        );
        assert_eq!(e.attrs["user_agent_unterminated"], true);
        assert!(!e.attrs.contains_key("referer"));
    }

    #[test]
    fn an_unescaped_quote_inside_a_tomcat_request_stays_in_the_path() {
        let e = event(br#"192.168.105.83 - - [11/Jul/2018:09:32:27 +0300] "GET /WebID/IISWebAgentIF.dll?postdata="><script>foo</script> HTTP/1.1" 404 997"#);
        assert_eq!(
            e.attrs["path"],
            r#"/WebID/IISWebAgentIF.dll?postdata="><script>foo</script>"#
        );
        assert_eq!(e.attrs["log_format"], "common");
        assert_eq!(e.event_code.as_deref(), Some("404"));
    }

    #[test]
    fn an_escaped_quote_that_looks_like_the_end_is_not_the_end() {
        let l = parse_line(br#"10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a\" 200 1 x HTTP/1.1" 404 5 "-" "ua""#).unwrap();
        assert_eq!(l.request, br#"GET /a\" 200 1 x HTTP/1.1"#);
        assert_eq!(l.status, b"404");
    }

    #[test]
    fn tls_bytes_and_nul_are_escaped_and_the_request_kept_whole() {
        let e = event(b"192.168.105.83 - - [11/Jul/2018:09:32:02 +0300] \"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03r>[ \" 400 -");
        assert_eq!(e.action, None);
        assert_eq!(
            e.attrs["request"],
            "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03r>[ "
        );
        assert_eq!(
            e.message,
            format!("{} -> 400", e.attrs["request"].as_str().unwrap())
        );
        let e = event(
            b"192.168.105.83 - - [11/Jul/2018:09:32:26 +0300] \"GET /\x00.jsp HTTP/1.1\" 400 -",
        );
        assert_eq!(e.attrs["path"], "/\\x00.jsp");
        assert_eq!(e.action.as_deref(), Some("GET"));
    }

    #[test]
    fn the_epoch_zero_placeholder_is_no_time() {
        let e = event(br#"192.168.105.83 - - [01/Jan/1970:03:00:00 +0300] "-" 400 -"#);
        assert_eq!(e.ts, None);
        assert_eq!(e.ts_quality, TsQuality::missing());
        assert_eq!(e.ts_source.as_deref(), Some("01/Jan/1970:03:00:00 +0300"));
        assert_eq!(e.message, "- -> 400");
        assert_eq!(e.attrs["request"], "-");
        assert!(e.attrs.contains_key("time_note"));
    }

    #[test]
    fn host_names_vhosts_and_extra_fields() {
        let e = event(br#"www.example.com:443 crawler.example.net - bob [10/Oct/2000:13:55:36 +0000] "POST /login HTTP/2.0" 302 - "-" "curl/8" 0.012"#);
        assert_eq!(e.src_ip, None);
        assert_eq!(e.attrs["client"], "crawler.example.net");
        assert_eq!(e.attrs["vhost"], "www.example.com:443");
        assert_eq!(e.user.as_deref(), Some("bob"));
        assert_eq!(e.attrs["extra"], "0.012");
        assert_eq!(e.message, "POST /login HTTP/2.0 -> 302");
        let e = event(br#"2001:db8::1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 5"#);
        assert_eq!(e.src_ip.as_deref(), Some("2001:db8::1"));
    }

    #[test]
    fn broken_lines_say_what_is_missing() {
        assert_eq!(parse_line(b"hello world").unwrap_err(), "no [time] field");
        assert_eq!(
            parse_line(br#"1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200"#)
                .unwrap_err(),
            "no closing quote followed by a status code and a byte count after the request"
        );
        assert_eq!(
            parse_line(br#"1.2.3.4 - - [10/Oct/2000:13:55"#).unwrap_err(),
            "the [time] field is not closed"
        );
        assert!(parse_line(b"[Sun Dec 04 04:47:44 2005] [notice] x").is_err());
        assert!(parse_line(b"Mar 14 02:11:09 h sshd[1]: ok").is_err());
    }

    #[test]
    fn sniffs_access_logs_but_not_syslog() {
        assert!(sniff(
            b"1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5\r\n"
        ));
        assert!(!sniff(b"Mar 14 02:11:09 h sshd[1]: ok\n"));
        assert!(!sniff(b""));
    }
}
