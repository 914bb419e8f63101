//! Indicators of compromise: read indicator lists, sweep every event of a case for them.
//!
//! An indicator is a [`Kind`] and a normalised value ([`normalise`]): IP addresses in
//! their canonical text, hashes, domains and e-mail addresses in lower case, CIDR ranges
//! truncated to their network. [`list`] reads plain text, CSV, STIX 2.1 bundles and MISP
//! events, re-fanging defanged values and reporting (never dropping) every entry that is
//! not an indicator. [`matcher`] finds indicators in text: IP addresses and CIDR ranges
//! by parsing the IP-looking tokens of the text, hashes among its hex runs, domains and
//! file names among the spans of its dotted runs, the other literal values in one
//! Aho-Corasick pass, each candidate then checked at its boundaries; regular expressions
//! with one `RegexSet`. [`sweep`] runs the matcher over every field of every event, on several
//! threads, each reading its own slice of the case.
//!
//! What "matches" means, per kind (case-insensitive unless said otherwise):
//! - IPv4: the address not preceded or followed by a digit or a dot-and-digit
//!   (`10.0.0.1` does not match `10.0.0.10`, `110.0.0.1` or `10.0.0.1.5`).
//! - IPv6 and CIDR ranges: any IP address written in the text (any textual form) that
//!   equals the address or lies in the range.
//! - Domain: the domain and its subdomains at label boundaries, also inside URLs and
//!   e-mail addresses: `evil.com` matches `a.evil.com`, `http://evil.com/x` and
//!   `x@evil.com`, not `notevil.com`, `not-evil.com` or `evil.com.au`.
//! - URL: the URL, also followed by a deeper path, a query or a fragment
//!   (`http://evil.com/x` matches `http://evil.com/x?a=1` and `.../x/y`, not `.../xyz`).
//! - E-mail: the whole address (not `bob@evil.com` inside `jimbob@evil.com`).
//! - MD5, SHA-1, SHA-256: the hex digits not inside a longer run of letters or digits.
//! - File name: the name as a whole path component (`mimikatz.exe` matches
//!   `C:\t\mimikatz.exe`, not `notmimikatz.exe` or `.mimikatz.exe`). File path: the path
//!   not inside a longer path, also as a directory prefix. Both also match their
//!   JSON-escaped form (`C:\\t`), as found in raw JSON records.
//! - User agent: the exact text, case-sensitive.
//! - Plain string: the text, at word boundaries where it starts or ends with a letter,
//!   digit or `_`.
//! - Regular expression: as written (use `(?i)` for case-insensitive).

pub mod list;
pub mod matcher;
pub mod sweep;

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// The kinds of indicator Tideline sweeps for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Ipv4,
    Ipv6,
    Cidr,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    FileName,
    FilePath,
    UserAgent,
    Regex,
    String,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Cidr,
        Kind::Domain,
        Kind::Url,
        Kind::Email,
        Kind::Md5,
        Kind::Sha1,
        Kind::Sha256,
        Kind::FileName,
        Kind::FilePath,
        Kind::UserAgent,
        Kind::Regex,
        Kind::String,
    ];

    /// The name stored in the case and shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Cidr => "cidr",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::FileName => "file_name",
            Kind::FilePath => "file_path",
            Kind::UserAgent => "user_agent",
            Kind::Regex => "regex",
            Kind::String => "string",
        }
    }

    /// A kind from its name or a common alias (`ip`, `hostname`, `sha-256`, `filename`,
    /// `path`, `ua`, `regexp`, `text`...). `ip` means "IPv4, IPv6 or CIDR": the caller
    /// resolves it with [`detect`].
    pub fn from_name(name: &str) -> Option<Kind> {
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match n.as_str() {
            "ipv4" | "ipv4_addr" | "ip4" => Kind::Ipv4,
            "ipv6" | "ipv6_addr" | "ip6" => Kind::Ipv6,
            "cidr" | "net" | "network" | "ip_range" | "subnet" => Kind::Cidr,
            "domain" | "domain_name" | "hostname" | "host" | "fqdn" => Kind::Domain,
            "url" | "uri" => Kind::Url,
            "email" | "email_addr" | "e_mail" | "email_src" | "email_dst" | "mail" => Kind::Email,
            "md5" => Kind::Md5,
            "sha1" | "sha_1" => Kind::Sha1,
            "sha256" | "sha_256" => Kind::Sha256,
            "file_name" | "filename" | "file" => Kind::FileName,
            "file_path" | "filepath" | "path" => Kind::FilePath,
            "user_agent" | "useragent" | "ua" => Kind::UserAgent,
            "regex" | "regexp" | "re" => Kind::Regex,
            "string" | "str" | "text" | "keyword" => Kind::String,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One indicator: its kind and normalised value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Indicator {
    pub kind: Kind,
    pub value: String,
}

/// Shortest plain string swept for: shorter ones would hit nearly every event.
pub const MIN_STRING_LEN: usize = 3;

/// File extensions that make `name.ext` a file name rather than a domain when a list
/// does not say which it is. (Some are also top-level domains, e.g. `.zip`: state the
/// type, `domain:x.zip`, to sweep such a name as a domain.)
const FILE_EXTENSIONS: &[&str] = &[
    "exe", "dll", "sys", "scr", "cpl", "ocx", "drv", "msi", "msp", "bat", "cmd", "ps1", "psm1",
    "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "jar", "py", "pl", "sh", "elf", "so",
    "bin", "dat", "tmp", "log", "txt", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx",
    "pdf", "rtf", "zip", "rar", "7z", "gz", "tar", "iso", "img", "vhd", "cab", "apk", "dmg", "pkg",
    "php", "asp", "aspx", "jsp", "war", "db", "sql", "json", "xml", "ini", "cfg", "conf",
];

/// Undoes the usual defanging: `hxxp`/`hxxps`/`fxp`, `[.]`, `(.)`, `{.}`, `[dot]`,
/// `[at]`, `(at)`, `[@]`, `[:]`, `[/]`, `[://]`. Returns the value and whether
/// anything was changed.
pub fn refang(text: &str) -> (String, bool) {
    const REPLACE: &[(&str, &str)] = &[
        ("[://]", "://"),
        ("[:]", ":"),
        ("[/]", "/"),
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("{dot}", "."),
        ("[at]", "@"),
        ("(at)", "@"),
        ("{at}", "@"),
        ("[@]", "@"),
    ];
    let mut out = text.to_string();
    for (from, to) in REPLACE {
        if contains_ignore_case(&out, from) {
            out = replace_ignore_case(&out, from, to);
        }
    }
    let lower = out.to_ascii_lowercase();
    for (from, to) in [
        ("hxxps://", "https://"),
        ("hxxp://", "http://"),
        ("fxp://", "ftp://"),
    ] {
        if lower.starts_with(from) {
            out = format!("{to}{}", &out[from.len()..]);
            break;
        }
    }
    let changed = out != text;
    (out, changed)
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

fn replace_ignore_case(hay: &str, needle: &str, with: &str) -> String {
    let lower = hay.to_ascii_lowercase();
    let mut out = String::with_capacity(hay.len());
    let mut last = 0;
    for (i, _) in lower.match_indices(needle) {
        out.push_str(&hay[last..i]);
        out.push_str(with);
        last = i + needle.len();
    }
    out.push_str(&hay[last..]);
    out
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn valid_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && s.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|t| t.bytes().all(|b| b.is_ascii_alphabetic()) || t.starts_with("xn--"))
}

/// Checks `value` as an indicator of `kind` and returns its normalised form, or why it
/// is not one.
pub fn normalise(kind: Kind, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("empty value".into());
    }
    match kind {
        Kind::Ipv4 => v
            .parse::<Ipv4Addr>()
            .map(|a| a.to_string())
            .map_err(|_| format!("'{v}' is not an IPv4 address")),
        Kind::Ipv6 => v
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<Ipv6Addr>()
            .map(|a| a.to_string())
            .map_err(|_| format!("'{v}' is not an IPv6 address")),
        Kind::Cidr => {
            let net: ipnet::IpNet = v
                .parse()
                .map_err(|_| format!("'{v}' is not a CIDR range (address/prefix)"))?;
            Ok(net.trunc().to_string())
        }
        Kind::Domain => {
            let d = v
                .trim_end_matches('.')
                .trim_start_matches("*.")
                .to_ascii_lowercase();
            if valid_domain(&d) {
                Ok(d)
            } else {
                Err(format!("'{v}' is not a domain name"))
            }
        }
        Kind::Url => {
            let Some((scheme, rest)) = v.split_once("://") else {
                return Err(format!("'{v}' is not a URL (no scheme://)"));
            };
            if scheme.is_empty()
                || !scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
                || rest.is_empty()
                || v.chars().any(char::is_whitespace)
            {
                return Err(format!("'{v}' is not a URL"));
            }
            let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            Ok(format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                rest[..host_end].to_ascii_lowercase(),
                &rest[host_end..]
            ))
        }
        Kind::Email => {
            let lower = v.to_ascii_lowercase();
            match lower.split_once('@') {
                Some((local, domain))
                    if !local.is_empty()
                        && local.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b)
                        })
                        && valid_domain(domain) =>
                {
                    Ok(lower)
                }
                _ => Err(format!("'{v}' is not an e-mail address")),
            }
        }
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 => {
            let want = match kind {
                Kind::Md5 => 32,
                Kind::Sha1 => 40,
                _ => 64,
            };
            if is_hex(v) && v.len() == want {
                Ok(v.to_ascii_lowercase())
            } else {
                Err(format!("'{v}' is not {want} hex digits ({kind})"))
            }
        }
        Kind::FileName => {
            if v.contains(['/', '\\']) {
                Err(format!("'{v}' is a path, not a file name"))
            } else if v.len() < MIN_STRING_LEN {
                Err(format!("'{v}' is too short to sweep for"))
            } else {
                Ok(v.to_lowercase())
            }
        }
        Kind::FilePath => {
            if !v.contains(['/', '\\']) {
                Err(format!("'{v}' has no / or \\, so it is not a path"))
            } else {
                Ok(v.to_lowercase())
            }
        }
        Kind::UserAgent => Ok(v.to_string()),
        Kind::Regex => regex::bytes::RegexBuilder::new(v)
            .size_limit(1 << 20)
            .build()
            .map(|_| v.to_string())
            .map_err(|e| format!("not a valid regular expression: {e}")),
        Kind::String => {
            if v.len() < MIN_STRING_LEN {
                Err(format!(
                    "'{v}' is too short to sweep for (at least {MIN_STRING_LEN} characters)"
                ))
            } else {
                Ok(v.to_string())
            }
        }
    }
}

/// Recognises the kind of an (already re-fanged) value written without a type, and
/// normalises it. Values that fit no kind are refused with the reason: a plain string
/// must be marked as one (`string:...`), so that stray words in a list are reported
/// rather than swept for.
pub fn detect(value: &str) -> Result<Indicator, String> {
    let v = value.trim();
    let ok = |kind: Kind| normalise(kind, v).map(|value| Indicator { kind, value });
    if v.is_empty() {
        return Err("empty value".into());
    }
    if is_hex(v) {
        return match v.len() {
            32 => ok(Kind::Md5),
            40 => ok(Kind::Sha1),
            64 => ok(Kind::Sha256),
            n => Err(format!(
                "{n} hex digits: not an MD5 (32), SHA-1 (40) or SHA-256 (64)"
            )),
        };
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') && v.contains('.') {
        if v.matches('.').count() == 3 {
            return ok(Kind::Ipv4);
        }
        return Err(format!("'{v}' is neither an IPv4 address nor a name"));
    }
    if v.contains('/')
        && v.bytes()
            .all(|b| b.is_ascii_hexdigit() || b"./:".contains(&b))
    {
        return ok(Kind::Cidr);
    }
    if v.contains(':')
        && v.bytes()
            .all(|b| b.is_ascii_hexdigit() || b":.[]".contains(&b))
        && v.matches(':').count() >= 2
    {
        return ok(Kind::Ipv6);
    }
    if let Some((scheme, _)) = v.split_once("://") {
        if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return ok(Kind::Url);
        }
    }
    let no_space = !v.chars().any(char::is_whitespace);
    if no_space && v.contains('@') && !v.contains(['/', '\\']) {
        return ok(Kind::Email);
    }
    if v.contains('\\') || v.starts_with('/') || v.starts_with("~/") {
        return ok(Kind::FilePath);
    }
    if looks_like_user_agent(v) {
        return ok(Kind::UserAgent);
    }
    if no_space && v.contains('.') && !v.contains('/') {
        let ext = v.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if FILE_EXTENSIONS.contains(&ext.as_str()) {
            return ok(Kind::FileName);
        }
        if valid_domain(&v.trim_end_matches('.').to_ascii_lowercase()) {
            return ok(Kind::Domain);
        }
        if !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return ok(Kind::FileName);
        }
    }
    Err(format!(
        "'{}' is not a recognisable indicator (write string:... to sweep for it as text)",
        crate::timeline::export::visible(v)
    ))
}

/// `product/version` at the start: `Mozilla/5.0 (...)`, `curl/8.1`, `gobuster/3.6`.
fn looks_like_user_agent(v: &str) -> bool {
    let Some((product, rest)) = v.split_once('/') else {
        return false;
    };
    !product.is_empty()
        && product.as_bytes()[0].is_ascii_alphabetic()
        && product
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(v: &str) -> Result<(Kind, String), String> {
        detect(v).map(|i| (i.kind, i.value))
    }

    #[test]
    fn refang_undoes_common_defanging() {
        assert_eq!(refang("hxxp://evil[.]com/a").0, "http://evil.com/a");
        assert_eq!(refang("HXXPS://evil(.)com").0, "https://evil.com");
        assert_eq!(refang("bob[at]evil[dot]com").0, "bob@evil.com");
        assert_eq!(refang("10[.]0[.]0[.]1"), ("10.0.0.1".to_string(), true));
        assert_eq!(refang("evil.com"), ("evil.com".to_string(), false));
    }

    #[test]
    fn detect_recognises_each_kind() {
        assert_eq!(
            kind_of("10.0.0.1").unwrap(),
            (Kind::Ipv4, "10.0.0.1".into())
        );
        assert_eq!(
            kind_of("2001:DB8:0:0::1").unwrap(),
            (Kind::Ipv6, "2001:db8::1".into())
        );
        assert_eq!(
            kind_of("10.1.2.3/8").unwrap(),
            (Kind::Cidr, "10.0.0.0/8".into())
        );
        assert_eq!(
            kind_of("Evil.COM").unwrap(),
            (Kind::Domain, "evil.com".into())
        );
        assert_eq!(
            kind_of("HTTP://Evil.com/X").unwrap(),
            (Kind::Url, "http://evil.com/X".into())
        );
        assert_eq!(kind_of("Bob@Evil.com").unwrap().0, Kind::Email);
        assert_eq!(kind_of(&"A".repeat(32)).unwrap().0, Kind::Md5);
        assert_eq!(kind_of(&"b".repeat(40)).unwrap().0, Kind::Sha1);
        assert_eq!(kind_of(&"c".repeat(64)).unwrap().0, Kind::Sha256);
        assert_eq!(
            kind_of("mimikatz.exe").unwrap(),
            (Kind::FileName, "mimikatz.exe".into())
        );
        assert_eq!(kind_of("C:\\Temp\\x.exe").unwrap().0, Kind::FilePath);
        assert_eq!(kind_of("/tmp/.x.sh").unwrap().0, Kind::FilePath);
        assert_eq!(kind_of("gobuster/3.6").unwrap().0, Kind::UserAgent);
        assert_eq!(
            kind_of("Mozilla/5.0 (X11; Linux x86_64)").unwrap().0,
            Kind::UserAgent
        );
    }

    #[test]
    fn detect_reports_what_is_not_an_indicator() {
        assert!(kind_of("999.1.1.1").unwrap_err().contains("not an IPv4"));
        assert!(kind_of("10.0.0").unwrap_err().contains("neither"));
        assert!(kind_of(&"a".repeat(33))
            .unwrap_err()
            .contains("33 hex digits"));
        assert!(kind_of("10.0.0.0/33").unwrap_err().contains("CIDR"));
        assert!(kind_of("hello world").unwrap_err().contains("string:"));
        assert!(kind_of("Win32/Agent.ZWH").is_err());
    }

    #[test]
    fn normalise_checks_hash_lengths_and_regexes() {
        assert!(normalise(Kind::Sha1, &"a".repeat(32)).is_err());
        assert!(normalise(Kind::Regex, "(unclosed").is_err());
        assert_eq!(normalise(Kind::Regex, "a+b").unwrap(), "a+b");
        assert!(normalise(Kind::String, "ab").is_err());
    }
}
