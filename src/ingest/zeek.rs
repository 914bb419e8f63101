//! Zeek logs, in both of Zeek's writers: the TSV format with its header
//! (`#separator \x09`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`,
//! `#fields`, `#types`, ... `#close`) and JSON lines, with Zeek's dotted names
//! (`id.orig_h`) or the underscored ones some pipelines write (`id_orig_h`).
//!
//! Each log type is its own `source`: `zeek_conn`, `zeek_dns`, `zeek_http`, ... The type
//! comes from the TSV `#path` header, the JSON `_path` or `@stream` key (pipelines that
//! mix the logs in one stream), or, last, the file name (`conn.log`, `SCRANTON_dns.log`,
//! `http.09:00:00-10:00:00.log`); with none of them it is plain `zeek`.
//!
//! TSV header lines are no records (skipped); a header block may start again in the
//! middle of a file (concatenated logs). TSV values are typed by `#types`: `-` (the
//! unset field) leaves a field out, `(empty)` is an empty set or string, `\xHH`
//! escapes are undone, sets and vectors become JSON arrays, counts and ports numbers.
//!
//! `ts` is seconds since the epoch, read exactly from its decimal text (never through
//! a float) to the microsecond; JSON logs written with ISO 8601 times are read too.
//! `src_ip`/`dst_ip` are the connection's originator and responder (`id.orig_h`,
//! `id.resp_h`; `src`/`dst` in notice.log); `host` is the sensor when the record names
//! it (`@system`), else empty: the hosts a record talks about are in its fields, not the
//! machine it was seen on. Action and message depend on the log type (conn, dns, http,
//! notice, weird, and a few others); every other log gets a message of its main fields.
//! Ports and all other fields go to `attrs` under the names the log uses.

use std::borrow::Cow;
use std::path::Path;

use serde_json::{Map, Number, Value};

use super::common::{self, attrs_except};
use super::lines::MAX_LINE;
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::Result;
use crate::event::{Event, TsQuality};
use crate::time::Micros;

/// Log types Zeek ships, with their `source` names.
const KNOWN: [(&str, &str); 36] = [
    ("conn", "zeek_conn"),
    ("dns", "zeek_dns"),
    ("http", "zeek_http"),
    ("ssl", "zeek_ssl"),
    ("x509", "zeek_x509"),
    ("files", "zeek_files"),
    ("dce_rpc", "zeek_dce_rpc"),
    ("smb_files", "zeek_smb_files"),
    ("smb_mapping", "zeek_smb_mapping"),
    ("kerberos", "zeek_kerberos"),
    ("ntlm", "zeek_ntlm"),
    ("rdp", "zeek_rdp"),
    ("ssh", "zeek_ssh"),
    ("smtp", "zeek_smtp"),
    ("ftp", "zeek_ftp"),
    ("dhcp", "zeek_dhcp"),
    ("dpd", "zeek_dpd"),
    ("notice", "zeek_notice"),
    ("weird", "zeek_weird"),
    ("pe", "zeek_pe"),
    ("sip", "zeek_sip"),
    ("snmp", "zeek_snmp"),
    ("software", "zeek_software"),
    ("tunnel", "zeek_tunnel"),
    ("ntp", "zeek_ntp"),
    ("radius", "zeek_radius"),
    ("irc", "zeek_irc"),
    ("mysql", "zeek_mysql"),
    ("socks", "zeek_socks"),
    ("ocsp", "zeek_ocsp"),
    ("intel", "zeek_intel"),
    ("signatures", "zeek_signatures"),
    ("known_hosts", "zeek_known_hosts"),
    ("known_services", "zeek_known_services"),
    ("known_certs", "zeek_known_certs"),
    ("conn_long", "zeek_conn_long"),
];

/// Keys that mark a JSON object as a Zeek record (with a `ts`).
const ZEEK_KEYS: [&str; 7] = [
    "_path",
    "@stream",
    "uid",
    "fuid",
    "id.orig_h",
    "id_orig_h",
    "id.resp_h",
];

/// Whether the first bytes are a Zeek TSV log or Zeek JSON lines.
pub(super) fn sniff(head: &[u8]) -> bool {
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if body.starts_with(b"#separator ") {
        return true;
    }
    common::sniff_json_lines(head, |m| {
        matches!(m.get("ts"), Some(Value::Number(_) | Value::String(_)))
            && ZEEK_KEYS.iter().any(|k| m.contains_key(*k))
    })
}

/// The `source` of a log type.
fn source_of(path: Option<&str>) -> Cow<'static, str> {
    let Some(path) = path else {
        return "zeek".into();
    };
    if let Some((_, source)) = KNOWN.iter().find(|(k, _)| *k == path) {
        return (*source).into();
    }
    // The log type is the evidence's text: keep it to a tame column value.
    let clean: String = path
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("zeek_{clean}").into()
}

/// The log type a file name names: `conn.log`, `SCRANTON_smb_files.log`,
/// `dns.00:00:00-01:00:00.log.gz`.
fn path_from_file_name(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let stem = name.split('.').next()?;
    KNOWN
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| {
            stem == *k
                || stem
                    .strip_suffix(k)
                    .is_some_and(|p| p.ends_with('_') || p.ends_with('-'))
        })
        .max_by_key(|k| k.len())
}

/// Seconds since the epoch written as a decimal (`1588205198.899710`), to microseconds
/// exactly; a seventh fractional digit and beyond round to the nearest microsecond.
fn epoch_decimal_micros(t: &str) -> Option<Micros> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 12 || !digits(int) || !digits(frac) {
        // An exponent or a sign: rare, read through a float.
        let f: f64 = t.parse().ok()?;
        return (0.0..9e12)
            .contains(&f)
            .then(|| (f * 1e6).round() as Micros);
    }
    let mut micros: i64 = 0;
    for i in 0..6 {
        micros = micros * 10 + frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
    }
    if frac.as_bytes().get(6).is_some_and(|&b| b >= b'5') {
        micros += 1;
    }
    int.parse::<i64>()
        .ok()?
        .checked_mul(1_000_000)?
        .checked_add(micros)
}

/// Undoes Zeek's `\xHH` escapes.
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && s.get(i + 1) == Some(&b'x') {
            if let Some(b) = s
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn split<'a>(line: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    if sep.is_empty() {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + sep.len() <= line.len() {
        if &line[i..i + sep.len()] == sep {
            out.push(&line[start..i]);
            i += sep.len();
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&line[start..]);
    out
}

/// The TSV header in force.
#[derive(Debug, Clone)]
struct Header {
    separator: Vec<u8>,
    set_separator: Vec<u8>,
    empty: Vec<u8>,
    unset: Vec<u8>,
    path: Option<String>,
    fields: Option<Vec<String>>,
    types: Vec<String>,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            separator: b"\t".to_vec(),
            set_separator: b",".to_vec(),
            empty: b"(empty)".to_vec(),
            unset: b"-".to_vec(),
            path: None,
            fields: None,
            types: Vec::new(),
        }
    }
}

impl Header {
    /// Takes in one `#` line.
    fn read(&mut self, line: &[u8]) {
        if let Some(value) = line.strip_prefix(b"#separator ") {
            // A new header block starts.
            *self = Header {
                separator: unescape(value),
                ..Header::default()
            };
            return;
        }
        let parts = split(&line[1..], &self.separator);
        let text = |b: &[u8]| common::lossy(&unescape(b)).into_owned();
        let value = || parts.get(1).map(|v| unescape(v)).unwrap_or_default();
        match parts[0] {
            b"set_separator" => self.set_separator = value(),
            b"empty_field" => self.empty = value(),
            b"unset_field" => self.unset = value(),
            b"path" => self.path = Some(text(&value())),
            b"fields" => self.fields = Some(parts[1..].iter().map(|f| text(f)).collect()),
            b"types" => self.types = parts[1..].iter().map(|t| text(t)).collect(),
            _ => {} // #open, #close, comments
        }
    }

    /// One TSV value as JSON, typed by its `#types` entry.
    fn value(&self, raw: &[u8], ty: &str) -> Value {
        let container = ty
            .strip_prefix("set[")
            .or_else(|| ty.strip_prefix("vector["))
            .and_then(|t| t.strip_suffix(']'));
        if let Some(inner) = container {
            if raw == self.empty.as_slice() {
                return Value::Array(Vec::new());
            }
            return Value::Array(
                split(raw, &self.set_separator)
                    .into_iter()
                    .map(|v| self.scalar(v, inner))
                    .collect(),
            );
        }
        if raw == self.empty.as_slice() {
            return Value::String(String::new());
        }
        self.scalar(raw, ty)
    }

    fn scalar(&self, raw: &[u8], ty: &str) -> Value {
        let text = common::lossy(&unescape(raw)).into_owned();
        let number = match ty {
            "count" | "port" => text.parse::<u64>().ok().map(Number::from),
            "int" => text.parse::<i64>().ok().map(Number::from),
            "time" | "interval" | "double" => text.parse::<f64>().ok().and_then(Number::from_f64),
            "bool" => match text.as_str() {
                "T" => return Value::Bool(true),
                "F" => return Value::Bool(false),
                _ => None,
            },
            _ => None,
        };
        number.map_or(Value::String(text), Value::Number)
    }

    /// One TSV data line as a JSON object, with the `ts` text as written.
    fn record(&self, line: &[u8]) -> Result<(Map<String, Value>, Option<String>), String> {
        let fields = self
            .fields
            .as_ref()
            .ok_or("a data line before any #fields header")?;
        let values = split(line, &self.separator);
        if values.len() != fields.len() {
            return Err(format!(
                "{} columns where the #fields header names {}",
                values.len(),
                fields.len()
            ));
        }
        let mut map = Map::new();
        let mut ts = None;
        for (i, (name, raw)) in fields.iter().zip(values).enumerate() {
            if raw == self.unset.as_slice() {
                continue;
            }
            if name == "ts" {
                ts = Some(common::lossy(raw).into_owned());
            }
            let ty = self.types.get(i).map_or("string", String::as_str);
            map.insert(name.clone(), self.value(raw, ty));
        }
        Ok((map, ts))
    }
}

/// A field under Zeek's dotted name (`id.orig_h`) or the underscored one (`id_orig_h`),
/// with the name the record uses.
fn field<'m>(map: &'m Map<String, Value>, dotted: &str) -> Option<(&'m str, &'m Value)> {
    if let Some((k, v)) = map.get_key_value(dotted) {
        return Some((k.as_str(), v));
    }
    if !dotted.contains('.') {
        return None;
    }
    map.get_key_value(&dotted.replace('.', "_"))
        .map(|(k, v)| (k.as_str(), v))
}

/// The fields that say most about a record of a log type, for its message.
fn main_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "files" => &[
            "source",
            "mime_type",
            "filename",
            "seen_bytes",
            "md5",
            "sha1",
        ],
        "ssl" => &["version", "server_name", "validation_status", "subject"],
        "x509" => &[
            "certificate.subject",
            "certificate.issuer",
            "certificate.serial",
        ],
        "dce_rpc" => &["endpoint", "operation", "named_pipe"],
        "smb_mapping" => &["path", "share_type", "service"],
        "smb_files" => &["action", "path", "name", "size"],
        "dpd" => &["proto", "analyzer", "failure_reason"],
        "pe" => &["machine", "os", "subsystem", "is_exe", "is_64bit"],
        "kerberos" => &["request_type", "client", "service", "success", "error_msg"],
        "ntlm" => &[
            "domainname",
            "username",
            "hostname",
            "server_nb_computer_name",
            "success",
        ],
        "ssh" => &["version", "auth_success", "client", "server"],
        "ftp" => &["user", "command", "arg", "reply_code", "reply_msg"],
        "smtp" => &["mailfrom", "rcptto", "subject", "last_reply"],
        "rdp" => &["cookie", "result", "security_protocol"],
        "dhcp" => &["client_addr", "host_name", "assigned_addr", "msg_types"],
        _ => &[],
    }
}

/// A value as one line of text: arrays joined by commas.
fn show(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(items.iter().filter_map(show).collect::<Vec<_>>().join(",")),
        other => Some(other.to_string()),
    }
}

fn get(map: &Map<String, Value>, key: &str) -> Option<String> {
    field(map, key)
        .and_then(|(_, v)| show(v))
        .filter(|s| !s.is_empty())
}

/// `10.0.0.5:49211`, `[2001:db8::1]:443`, or just the address.
fn endpoint(addr: &str, port: Option<String>) -> String {
    let addr = if addr.contains(':') {
        format!("[{addr}]")
    } else {
        addr.to_string()
    };
    match port {
        Some(p) => format!("{addr}:{p}"),
        None => addr,
    }
}

/// Seconds, to the millisecond (to the microsecond below one), without trailing zeros:
/// `1.2 s`, `0.002 s`, `0.000012 s`.
fn seconds(d: f64) -> String {
    let t = if d > 0.0 && d < 0.001 {
        format!("{d:.6}")
    } else {
        format!("{d:.3}")
    };
    let t = t.trim_end_matches('0').trim_end_matches('.');
    format!("{t} s")
}

/// The message kept to one line: control characters (an unescaped `\x0a` in a DNS
/// query, say) are written as Zeek writes them, `\xHH`.
fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                format!("\\x{:02x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Fields a generic message leaves out: the time, ids and pipeline keys.
fn is_plumbing(key: &str) -> bool {
    matches!(key, "ts" | "uid" | "fuid" | "id" | "_path" | "_write_ts")
        || key.starts_with('@')
        || key.starts_with("id.")
        || key.starts_with("id_")
}

/// Reads Zeek logs (see the module documentation).
pub struct ZeekParser {
    /// The log type the file name gives.
    file_path: Option<&'static str>,
    header: Header,
}

impl ZeekParser {
    pub fn new(file: &FileContext, _opts: &ImportOptions) -> Self {
        ZeekParser {
            file_path: path_from_file_name(&file.path),
            header: Header::default(),
        }
    }

    fn line(&mut self, line: &[u8], truncated: bool) -> Result<Option<Event>, String> {
        if line.starts_with(b"#") {
            self.header.read(line);
            return Ok(None);
        }
        if truncated {
            return Err(format!(
                "a record longer than {MAX_LINE} bytes (kept, cut, not parsed)"
            ));
        }
        let trimmed = line.trim_ascii_start();
        let (map, ts, path) = if trimmed.starts_with(b"{") {
            let map = match serde_json::from_slice::<Value>(trimmed) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err("a JSON value that is not an object".into()),
                Err(e) => return Err(format!("not valid JSON ({e})")),
            };
            let ts = match map.get("ts") {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            let path = ["_path", "@stream"]
                .iter()
                .find_map(|k| common::text(&map, k));
            (map, ts, path)
        } else {
            let (map, ts) = self.header.record(line)?;
            (map, ts, self.header.path.clone())
        };
        let path = path.or_else(|| self.file_path.map(str::to_string));
        event_of(map, ts, path.as_deref()).map(Some)
    }
}

impl Parser for ZeekParser {
    fn parse(&mut self, input: &mut dyn std::io::BufRead, sink: &mut dyn Sink) -> Result<()> {
        common::for_each_record(input, sink, |line, info| self.line(line, info.truncated))
    }
}

/// One Zeek record as an event (without locator and raw).
fn event_of(
    map: Map<String, Value>,
    ts_text: Option<String>,
    path: Option<&str>,
) -> Result<Event, String> {
    let (ts, ts_quality) = match &ts_text {
        Some(t) => {
            let parsed = epoch_decimal_micros(t)
                .map(|m| (m, TsQuality::EXACT))
                .or_else(|| common::parse_time(t, true))
                .ok_or_else(|| format!("ts {t:?} is not a time"))?;
            (Some(parsed.0), parsed.1)
        }
        None => (None, TsQuality::missing()),
    };
    let mut used: Vec<&str> = vec!["ts", "_path", "@stream", "@system"];
    let mut take_ip = |keys: [&str; 2]| {
        keys.iter().find_map(|k| {
            let (name, v) = field(&map, k)?;
            let s = v.as_str().filter(|s| !s.is_empty())?;
            used.push(name);
            Some(s.to_string())
        })
    };
    let src_ip = take_ip(["id.orig_h", "src"]);
    let dst_ip = take_ip(["id.resp_h", "dst"]);

    let kind = path.unwrap_or("");
    let text = |k: &str| get(&map, k);
    let from = src_ip
        .as_deref()
        .map(|a| endpoint(a, text("id.orig_p").or_else(|| text("src_p"))));
    let to = dst_ip
        .as_deref()
        .map(|a| endpoint(a, text("id.resp_p").or_else(|| text("p"))));
    let flow = match (&from, &to) {
        (Some(f), Some(t)) => Some(format!("{f} -> {t}")),
        (Some(f), None) => Some(f.clone()),
        (None, Some(t)) => Some(format!("-> {t}")),
        (None, None) => None,
    };
    let join = |parts: Vec<Option<String>>| -> String {
        parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
    };

    let mut action = None;
    let mut user = None;
    let mut event_code = None;
    let mut message = None;
    match kind {
        "conn" => {
            action = match (text("proto"), text("service")) {
                (Some(p), Some(s)) => Some(format!("{p}/{s}")),
                (p, s) => p.or(s),
            };
            let duration = map.get("duration").and_then(Value::as_f64).map(seconds);
            message = Some(join(vec![
                flow.clone(),
                text("proto"),
                text("service"),
                duration,
            ]));
        }
        "dns" => {
            action = text("qtype_name").or_else(|| text("qtype"));
            if let Some(query) = text("query") {
                let answer = text("answers").or_else(|| text("rcode_name"));
                message = Some(join(vec![
                    Some(format!("query {query}")),
                    action.clone(),
                    answer.map(|a| format!("-> {a}")),
                ]));
            }
        }
        "http" => {
            action = text("method");
            user = text("username");
            if let Some(method) = &action {
                let host = text("host").or_else(|| dst_ip.clone()).unwrap_or_default();
                let uri = text("uri").unwrap_or_default();
                let status = text("status_code").map(|s| format!("-> {s}"));
                message = Some(join(vec![
                    Some(method.clone()),
                    Some(format!("{host}{uri}")),
                    status,
                ]));
            }
        }
        "notice" => {
            event_code = text("note");
            message = Some(join(vec![
                event_code.clone().map(|n| format!("{n}:")),
                text("msg"),
            ]));
        }
        "weird" => {
            event_code = text("name");
            message = Some(join(vec![
                Some("weird".into()),
                event_code.clone(),
                text("addl"),
                flow.clone(),
            ]));
        }
        "dce_rpc" => action = text("operation"),
        "smb_files" => action = text("action"),
        "kerberos" => {
            action = text("request_type");
            user = text("client");
        }
        "ntlm" | "http_auth" => user = text("username"),
        "ftp" => {
            action = text("command");
            user = text("user");
        }
        "ssh" => user = text("user"),
        "ssl" => action = text("version"),
        _ => {}
    }
    let message = message.filter(|m| !m.is_empty()).unwrap_or_else(|| {
        // The flow, then the main fields of the log type as `name=value`; for other
        // types the first scalar fields (in name order).
        let pair = |(k, v): (&str, &Value)| -> Option<String> {
            let s = show(v).filter(|s| !s.is_empty())?;
            Some(format!("{k}={}", s.chars().take(100).collect::<String>()))
        };
        let mut parts: Vec<String> = flow.into_iter().collect();
        let main = main_fields(kind);
        if main.is_empty() {
            parts.extend(
                map.iter()
                    .filter(|(k, v)| {
                        !is_plumbing(k) && !used.contains(&k.as_str()) && !v.is_array()
                    })
                    .filter(|(k, _)| !matches!(k.as_str(), "src_p" | "p"))
                    .filter_map(|(k, v)| pair((k, v)))
                    .take(6),
            );
        } else {
            parts.extend(main.iter().filter_map(|k| field(&map, k)).filter_map(pair));
        }
        if parts.is_empty() {
            format!("zeek {kind} record")
        } else {
            parts.join(" ")
        }
    });
    Ok(Event {
        ts,
        ts_source: ts_text,
        ts_quality,
        source: source_of(path),
        locator: String::new(),
        host: common::text(&map, "@system"),
        user,
        src_ip,
        dst_ip,
        process: None,
        event_code,
        action,
        severity: None,
        message: one_line(message),
        raw: Vec::new(),
        attrs: attrs_except(&map, &used),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_epoch_decimals_exactly() {
        assert_eq!(
            epoch_decimal_micros("1588205198.899710"),
            Some(1_588_205_198_899_710)
        );
        assert_eq!(
            epoch_decimal_micros("1588205198.89971"),
            Some(1_588_205_198_899_710)
        );
        assert_eq!(
            epoch_decimal_micros("1588205198"),
            Some(1_588_205_198_000_000)
        );
        assert_eq!(
            epoch_decimal_micros("1588205198.0000005"),
            Some(1_588_205_198_000_001)
        );
        assert_eq!(
            epoch_decimal_micros("1.5882051988e9"),
            Some(1_588_205_198_800_000)
        );
        assert_eq!(epoch_decimal_micros("-1"), None);
        assert_eq!(epoch_decimal_micros("soon"), None);
    }

    #[test]
    fn finds_the_log_type_in_file_names() {
        let p = |s: &str| path_from_file_name(Path::new(s));
        assert_eq!(p("/x/conn.log"), Some("conn"));
        assert_eq!(p("SCRANTON_smb_files.log"), Some("smb_files"));
        assert_eq!(p("SCRANTON_dce_rpc.log"), Some("dce_rpc"));
        assert_eq!(p("dns.00:00:00-01:00:00.log.gz"), Some("dns"));
        assert_eq!(p("reconn.log"), None);
        assert_eq!(p("notes.txt"), None);
    }

    #[test]
    fn unknown_log_types_get_a_tame_source_name() {
        assert_eq!(source_of(Some("conn")), "zeek_conn");
        assert_eq!(source_of(Some("My Log;drop")), "zeek_my_log_drop");
        assert_eq!(source_of(None), "zeek");
    }

    #[test]
    fn reads_a_tsv_header_and_typed_values() {
        let mut h = Header::default();
        for line in [
            &b"#separator \\x09"[..],
            b"#set_separator\t,",
            b"#empty_field\t(empty)",
            b"#unset_field\t-",
            b"#path\tdns",
            b"#fields\tts\tid.orig_p\tquery\tanswers\tAA\trtt",
            b"#types\ttime\tport\tstring\tvector[string]\tbool\tinterval",
        ] {
            h.read(line);
        }
        assert_eq!(h.path.as_deref(), Some("dns"));
        let (map, ts) = h
            .record(b"1588205198.899710\t64842\tex\\x09ample.com\t10.0.0.4,10.0.0.5\tT\t-")
            .unwrap();
        assert_eq!(ts.as_deref(), Some("1588205198.899710"));
        assert_eq!(map["id.orig_p"], 64842);
        assert_eq!(map["query"], "ex\tample.com");
        assert_eq!(map["answers"], serde_json::json!(["10.0.0.4", "10.0.0.5"]));
        assert_eq!(map["AA"], true);
        assert!(!map.contains_key("rtt"));
        let (map, _) = h.record(b"1\t2\t(empty)\t(empty)\tF\t0.5").unwrap();
        assert_eq!(map["query"], "");
        assert_eq!(map["answers"], serde_json::json!([]));
        assert_eq!(
            h.record(b"1\t2").unwrap_err(),
            "2 columns where the #fields header names 6"
        );
    }

    #[test]
    fn sniffs_tsv_and_json_but_not_other_json() {
        assert!(sniff(b"#separator \\x09\n#set_separator\t,\n"));
        assert!(sniff(
            b"{\"ts\":1588205198.89971,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n"
        ));
        assert!(sniff(
            b"{\"@stream\":\"pe\",\"ts\":1588206925.659819,\"id\":\"F1\"}\n"
        ));
        assert!(!sniff(
            b"{\"eventName\":\"GetObject\",\"eventSource\":\"s3\"}\n"
        ));
        assert!(!sniff(b"{\"ts\":1,\"msg\":\"hi\"}\n"));
    }

    #[test]
    fn conn_dns_and_http_messages_read_like_the_log() {
        let obj = |v: serde_json::Value| v.as_object().unwrap().clone();
        let conn = event_of(
            obj(
                serde_json::json!({"id.orig_h": "10.0.0.5", "id.orig_p": 49211,
                "id.resp_h": "10.0.0.1", "id.resp_p": 53, "proto": "udp", "service": "dns",
                "duration": 1.2}),
            ),
            Some("1.5".into()),
            Some("conn"),
        )
        .unwrap();
        assert_eq!(conn.message, "10.0.0.5:49211 -> 10.0.0.1:53 udp dns 1.2 s");
        assert_eq!(conn.action.as_deref(), Some("udp/dns"));
        assert_eq!(conn.ts, Some(1_500_000));
        let dns = event_of(
            obj(
                serde_json::json!({"query": "example.com", "qtype_name": "A",
                "answers": ["1.2.3.4"]}),
            ),
            None,
            Some("dns"),
        )
        .unwrap();
        assert_eq!(dns.message, "query example.com A -> 1.2.3.4");
        assert_eq!(dns.ts_quality, TsQuality::missing());
        let http = event_of(
            obj(
                serde_json::json!({"id_resp_h": "2001:db8::1", "method": "GET",
                "uri": "/x", "status_code": 200}),
            ),
            None,
            Some("http"),
        )
        .unwrap();
        assert_eq!(http.message, "GET 2001:db8::1/x -> 200");
        assert_eq!(http.dst_ip.as_deref(), Some("2001:db8::1"));
        assert!(!http.attrs.contains_key("id_resp_h"));
    }
}
