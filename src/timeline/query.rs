//! The query language of the timeline, shared by the CLI and the desktop app.
//!
//! A hand-written lexer turns the text into tokens, each with its character position; a
//! recursive-descent parser builds an [`Ast`]; [`compile`] turns the AST into one polars
//! boolean `Expr` over the timeline frame. Every mistake is a [`QueryError`] naming the
//! character where it was found, so the CLI can draw a caret under it.
//!
//! ```text
//! query   := or?
//! or      := and ("OR" and)*
//! and     := unary ("AND"? unary)*          (juxtaposition is AND)
//! unary   := ("NOT" | "-") unary | primary
//! primary := "(" or ")" | term
//! term    := WORD | "quoted phrase"         (case-insensitive contains over message)
//!          | FIELD ":" value                (exact, case-insensitive; * is a wildcard)
//!          | FIELD ":" "/" regex "/" "i"?   (regular expression, "i" = ignore case)
//!          | FIELD ":" "(" value ("," value)* ")"  |  FIELD ":" value,value   (any of)
//!          | FIELD ":" A ".." B             (inclusive range; either end may be left out)
//!          | FIELD (">=" | ">" | "<=" | "<" | "=") value
//! ```
//! `AND`, `OR` and `NOT` are keywords only in capitals, so `or` is still a searchable word.
//! The README's "Query language" section is the user's reference.

use polars::prelude::*;

use crate::time::Micros;

/// A query the parser or the compiler refused, with the character position (0-based,
/// counted in characters) where the trouble is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

impl QueryError {
    fn at(position: usize, message: impl Into<String>) -> Self {
        QueryError {
            position,
            message: message.into(),
        }
    }

    /// The query with a caret under the position, for terminals.
    pub fn caret(&self, query: &str) -> String {
        format!("  {query}\n  {}^", " ".repeat(self.position))
    }
}

/// One value of a field term, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub text: String,
    pub pos: usize,
    /// Written in quotes: `*` is then a plain character.
    pub quoted: bool,
}

/// What a field term asks of its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to any of the values (one value: plain equality).
    AnyOf(Vec<Value>),
    Regex {
        pattern: String,
        ignore_case: bool,
        pos: usize,
    },
    Range {
        from: Option<Value>,
        to: Option<Value>,
    },
    Compare(Cmp, Value),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// The empty query: every event.
    All,
    /// Case-insensitive text anywhere in the message.
    Text {
        text: String,
        pos: usize,
    },
    Field {
        field: String,
        pos: usize,
        test: Test,
    },
    Not(Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// A bare word or a quoted phrase.
    Text(String),
    Field {
        field: String,
        test: Test,
    },
}

struct Lexer<'a> {
    chars: &'a [char],
    i: usize,
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Characters that end a bare word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn tokens(mut self) -> Result<Vec<(Tok, usize)>, QueryError> {
        let mut out = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.i += 1;
            }
            let start = self.i;
            let Some(c) = self.peek() else {
                return Ok(out);
            };
            let tok = match c {
                '(' => {
                    self.i += 1;
                    Tok::LParen
                }
                ')' => {
                    self.i += 1;
                    Tok::RParen
                }
                '"' => Tok::Text(self.quoted()?),
                '-' if self
                    .chars
                    .get(self.i + 1)
                    .is_some_and(|n| !n.is_whitespace()) =>
                {
                    self.i += 1;
                    Tok::Not
                }
                _ => self.word_or_field()?,
            };
            out.push((tok, start));
        }
    }

    /// A `"..."` phrase; `\"` and `\\` escape.
    fn quoted(&mut self) -> Result<String, QueryError> {
        let start = self.i;
        self.i += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(QueryError::at(start, "this quote is never closed")),
                Some('"') => {
                    self.i += 1;
                    return Ok(s);
                }
                Some('\\') if matches!(self.chars.get(self.i + 1), Some('"' | '\\')) => {
                    s.push(self.chars[self.i + 1]);
                    self.i += 2;
                }
                Some(c) => {
                    s.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn word_or_field(&mut self) -> Result<Tok, QueryError> {
        let start = self.i;
        let mut j = self.i;
        while self.chars.get(j).copied().is_some_and(is_field_char) {
            j += 1;
        }
        let op = if j > start {
            match (self.chars.get(j), self.chars.get(j + 1)) {
                (Some(':'), _) => Some((None, 1)),
                (Some('>'), Some('=')) => Some((Some(Cmp::Ge), 2)),
                (Some('<'), Some('=')) => Some((Some(Cmp::Le), 2)),
                (Some('>'), _) => Some((Some(Cmp::Gt), 1)),
                (Some('<'), _) => Some((Some(Cmp::Lt), 1)),
                (Some('='), _) => Some((Some(Cmp::Eq), 1)),
                _ => None,
            }
        } else {
            None
        };
        let Some((cmp, width)) = op else {
            let mut word = String::new();
            while let Some(c) = self.peek().filter(|c| !ends_word(*c)) {
                word.push(c);
                self.i += 1;
            }
            return Ok(match word.as_str() {
                "AND" => Tok::And,
                "OR" => Tok::Or,
                "NOT" => Tok::Not,
                _ => Tok::Text(word),
            });
        };
        let field: String = self.chars[start..j]
            .iter()
            .collect::<String>()
            .to_lowercase();
        self.i = j + width;
        let test = match cmp {
            Some(cmp) => {
                let v = self.value()?;
                Test::Compare(cmp, v)
            }
            None => self.field_test()?,
        };
        Ok(Tok::Field { field, test })
    }

    /// What follows `field:`.
    fn field_test(&mut self) -> Result<Test, QueryError> {
        match self.peek() {
            Some('/') => self.regex(),
            Some('(') => {
                let open = self.i;
                self.i += 1;
                let mut values = Vec::new();
                loop {
                    while self.peek().is_some_and(char::is_whitespace) {
                        self.i += 1;
                    }
                    values.push(self.list_item()?);
                    while self.peek().is_some_and(char::is_whitespace) {
                        self.i += 1;
                    }
                    match self.peek() {
                        Some(',') => self.i += 1,
                        Some(')') => {
                            self.i += 1;
                            return Ok(Test::AnyOf(values));
                        }
                        _ => {
                            return Err(QueryError::at(
                                open,
                                "this list is never closed: write (a,b,c)",
                            ))
                        }
                    }
                }
            }
            _ => {
                let v = self.value()?;
                if !v.quoted {
                    if let Some(k) = v.text.find("..") {
                        let pos_to = v.pos + v.text[..k].chars().count() + 2;
                        let part = |t: &str, pos| {
                            (!t.is_empty()).then(|| Value {
                                text: t.to_string(),
                                pos,
                                quoted: false,
                            })
                        };
                        return Ok(Test::Range {
                            from: part(&v.text[..k], v.pos),
                            to: part(&v.text[k + 2..], pos_to),
                        });
                    }
                    if v.text.contains(',') {
                        let mut values = Vec::new();
                        let mut pos = v.pos;
                        for piece in v.text.split(',') {
                            if piece.is_empty() {
                                return Err(QueryError::at(pos, "an empty value in a list"));
                            }
                            values.push(Value {
                                text: piece.to_string(),
                                pos,
                                quoted: false,
                            });
                            pos += piece.chars().count() + 1;
                        }
                        return Ok(Test::AnyOf(values));
                    }
                }
                Ok(Test::AnyOf(vec![v]))
            }
        }
    }

    fn list_item(&mut self) -> Result<Value, QueryError> {
        let pos = self.i;
        if self.peek() == Some('"') {
            return Ok(Value {
                text: self.quoted()?,
                pos,
                quoted: true,
            });
        }
        let mut text = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| !c.is_whitespace() && *c != ',' && *c != ')' && *c != '(')
        {
            text.push(c);
            self.i += 1;
        }
        if text.is_empty() {
            return Err(QueryError::at(pos, "expected a value in the list"));
        }
        Ok(Value {
            text,
            pos,
            quoted: false,
        })
    }

    /// A single value: quoted, or a bare run up to whitespace or a parenthesis.
    fn value(&mut self) -> Result<Value, QueryError> {
        let pos = self.i;
        if self.peek() == Some('"') {
            return Ok(Value {
                text: self.quoted()?,
                pos,
                quoted: true,
            });
        }
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| !ends_word(*c)) {
            text.push(c);
            self.i += 1;
        }
        if text.is_empty() {
            return Err(QueryError::at(pos, "expected a value here"));
        }
        Ok(Value {
            text,
            pos,
            quoted: false,
        })
    }

    /// `/pattern/` or `/pattern/i`; `\/` is a slash inside the pattern.
    fn regex(&mut self) -> Result<Test, QueryError> {
        let start = self.i;
        self.i += 1;
        let mut pattern = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(QueryError::at(
                        start,
                        "this regular expression is never closed with /",
                    ))
                }
                Some('/') => {
                    self.i += 1;
                    break;
                }
                Some('\\') if self.chars.get(self.i + 1) == Some(&'/') => {
                    pattern.push('/');
                    self.i += 2;
                }
                Some(c) => {
                    pattern.push(c);
                    self.i += 1;
                }
            }
        }
        let ignore_case = self.peek() == Some('i');
        if ignore_case {
            self.i += 1;
        }
        if let Some(c) = self.peek().filter(|c| !ends_word(*c)) {
            return Err(QueryError::at(
                self.i,
                format!("unexpected '{c}' after the regular expression"),
            ));
        }
        let full = if ignore_case {
            format!("(?i){pattern}")
        } else {
            pattern.clone()
        };
        if let Err(e) = regex::Regex::new(&full) {
            let why = e.to_string();
            let last = why.lines().last().unwrap_or("invalid").trim().to_string();
            return Err(QueryError::at(
                start + 1,
                format!("invalid regular expression: {last}"),
            ));
        }
        Ok(Test::Regex {
            pattern,
            ignore_case,
            pos: start + 1,
        })
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |t| t.1)
    }

    fn or(&mut self) -> Result<Ast, QueryError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.i += 1;
            let right = self.and()?;
            left = Ast::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Ast, QueryError> {
        let mut left = self.unary()?;
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.i += 1;
                }
                Some(Tok::Or | Tok::RParen) | None => return Ok(left),
                Some(_) => {}
            }
            let right = self.unary()?;
            left = Ast::And(Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Ast, QueryError> {
        if self.peek() == Some(&Tok::Not) {
            self.i += 1;
            return Ok(Ast::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Ast, QueryError> {
        let pos = self.pos();
        let Some((tok, _)) = self.toks.get(self.i).cloned() else {
            return Err(QueryError::at(
                pos,
                "the query ends where a search term was expected",
            ));
        };
        self.i += 1;
        match tok {
            Tok::LParen => {
                if self.peek() == Some(&Tok::RParen) {
                    return Err(QueryError::at(pos, "empty parentheses"));
                }
                let inner = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(QueryError::at(pos, "this parenthesis is never closed"));
                }
                self.i += 1;
                Ok(inner)
            }
            Tok::RParen => Err(QueryError::at(pos, "a ')' without its '('")),
            Tok::And | Tok::Or => Err(QueryError::at(
                pos,
                "AND/OR needs a search term on both sides",
            )),
            Tok::Not => unreachable!("handled by unary"),
            Tok::Text(text) => Ok(Ast::Text { text, pos }),
            Tok::Field { field, test } => Ok(Ast::Field { field, pos, test }),
        }
    }
}

/// Parses a query. The empty (or all-blank) query is [`Ast::All`].
pub fn parse(query: &str) -> Result<Ast, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let toks = Lexer {
        chars: &chars,
        i: 0,
    }
    .tokens()?;
    if toks.is_empty() {
        return Ok(Ast::All);
    }
    let mut p = Parser {
        toks,
        i: 0,
        end: chars.len(),
    };
    let ast = p.or()?;
    if p.i < p.toks.len() {
        let pos = p.pos();
        return Err(QueryError::at(pos, "a ')' without its '('"));
    }
    Ok(ast)
}

/// What the compiler needs to know about the case: evidence names for `evidence:`.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// (evidence id, file name).
    pub evidence: Vec<(i64, String)>,
}

/// The text columns that `field:value` compares exactly (case-insensitive).
const TEXT_FIELDS: [&str; 13] = [
    "source",
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "locator",
    "ts_quality",
    "ts_source",
    "verdict",
];

/// Every field name the language knows, for the error message.
pub const FIELDS: &str = "ts after before id evidence source host user ip src_ip dst_ip process \
    code event_code action severity message locator ts_quality ts_source tag note verdict ioc is has";

fn column_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "code" | "event_code" => "event_code",
        "source" => "source",
        "host" => "host",
        "user" => "user",
        "src_ip" => "src_ip",
        "dst_ip" => "dst_ip",
        "process" => "process",
        "action" => "action",
        "severity" => "severity",
        "locator" => "locator",
        "ts_quality" | "quality" => "ts_quality",
        "ts_source" => "ts_source",
        "verdict" => "verdict",
        "message" | "msg" => "message",
        "note" => "note",
        _ => return None,
    })
}

/// Compiles a parsed query to a boolean polars expression over the timeline frame.
/// Leaves never yield null (a missing value is "no match"), so `NOT` is exact.
pub fn compile(ast: &Ast, ctx: &Context) -> Result<Expr, QueryError> {
    Ok(match ast {
        Ast::All => lit(true),
        Ast::Text { text, .. } => contains_ci("message", text),
        Ast::Not(a) => compile(a, ctx)?.not(),
        Ast::And(a, b) => compile(a, ctx)?.and(compile(b, ctx)?),
        Ast::Or(a, b) => compile(a, ctx)?.or(compile(b, ctx)?),
        Ast::Field { field, pos, test } => field_expr(field, *pos, test, ctx)?,
    })
}

/// The time window a query confines `ts` to, as inclusive (first, last) bounds: what
/// its top-level `AND`ed `ts:`/`time:`/`after:`/`before:` terms allow. Events outside it
/// can never match, so a view may cut the time-ordered frame to this window before
/// filtering. Anything else (an `OR`, a `NOT`, a time that does not parse) leaves the
/// window open; the filter still checks every term.
pub fn ts_window(ast: &Ast) -> (Option<Micros>, Option<Micros>) {
    let mut lo: Option<Micros> = None;
    let mut hi: Option<Micros> = None;
    let mut narrow = |a: Option<Micros>, b: Option<Micros>| {
        if let Some(a) = a {
            lo = Some(lo.map_or(a, |l| l.max(a)));
        }
        if let Some(b) = b {
            hi = Some(hi.map_or(b, |h| h.min(b)));
        }
    };
    let mut stack = vec![ast];
    while let Some(node) = stack.pop() {
        match node {
            Ast::And(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Ast::Field { field, test, .. } => {
                let span = |v: &Value| time_span(&v.text);
                match (field.as_str(), test) {
                    ("ts" | "time", Test::Range { from, to }) => {
                        let a = from.as_ref().and_then(span).map(|s| s.0);
                        let b = to.as_ref().and_then(span).map(|s| s.1);
                        // An unparsable end is an error at compile; do not narrow on it.
                        if from.is_some() == a.is_some() && to.is_some() == b.is_some() {
                            narrow(a, b);
                        }
                    }
                    ("ts" | "time", Test::Compare(cmp, v)) => {
                        if let Some((a, b)) = span(v) {
                            match cmp {
                                Cmp::Ge => narrow(Some(a), None),
                                Cmp::Gt => narrow(Some(b.saturating_add(1)), None),
                                Cmp::Le => narrow(None, Some(b)),
                                Cmp::Lt => narrow(None, Some(a.saturating_sub(1))),
                                Cmp::Eq => narrow(Some(a), Some(b)),
                            }
                        }
                    }
                    ("ts" | "time", Test::AnyOf(values)) => {
                        let spans: Option<Vec<(Micros, Micros)>> =
                            values.iter().map(span).collect();
                        if let Some(spans) = spans.filter(|s| !s.is_empty()) {
                            let a = spans.iter().map(|s| s.0).min();
                            let b = spans.iter().map(|s| s.1).max();
                            narrow(a, b);
                        }
                    }
                    ("after", Test::AnyOf(values)) if values.len() == 1 => {
                        if let Some((a, _)) = span(&values[0]) {
                            narrow(Some(a), None);
                        }
                    }
                    ("before", Test::AnyOf(values)) if values.len() == 1 => {
                        if let Some((a, _)) = span(&values[0]) {
                            narrow(None, Some(a.saturating_sub(1)));
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    (lo, hi)
}

/// Parses and compiles in one go.
pub fn filter_expr(query: &str, ctx: &Context) -> Result<Expr, QueryError> {
    compile(&parse(query)?, ctx)
}

fn no_null(e: Expr) -> Expr {
    e.fill_null(lit(false))
}

/// Case-insensitive substring test. An ASCII needle is looked for by a byte scan with
/// ASCII case folding in ASCII values (most log text), which is several times faster
/// than a case-insensitive regex; values with other characters, and needles with them,
/// go through the regex `(?i)<escaped text>`, whose Unicode folding the scan would not
/// match (`ſ` folds to `s`, the Kelvin sign to `k`), so both give the same answers.
pub(crate) fn contains_ci(column: &str, text: &str) -> Expr {
    let pattern = format!("(?i){}", regex::escape(text));
    if !text.is_ascii() || text.is_empty() {
        return no_null(col(column).str().contains(lit(pattern), true));
    }
    let needle = text.to_ascii_lowercase().into_bytes();
    let re = regex::Regex::new(&pattern).expect("an escaped literal is a valid regex");
    col(column).map(
        move |c: Column| {
            let ca = c.str()?;
            // An ASCII match is a match in any string; only a non-ASCII string without
            // one needs the Unicode rules (the Kelvin sign matches `k`).
            let is_match = |s: &str| {
                ascii_contains_ci(s.as_bytes(), &needle) || (!s.is_ascii() && re.is_match(s))
            };
            let out: BooleanChunked = ca.iter().map(|v| v.is_some_and(is_match)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// Whether `hay` contains `needle` (lowercase ASCII, not empty), ignoring ASCII case.
fn ascii_contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    let n = needle.len();
    if hay.len() < n {
        return false;
    }
    let first = needle[0];
    let upper = first.to_ascii_uppercase();
    let last_start = hay.len() - n;
    let mut from = 0;
    while from <= last_start {
        let Some(k) = memchr::memchr2(first, upper, &hay[from..=last_start]) else {
            return false;
        };
        let at = from + k;
        if hay[at + 1..at + n].eq_ignore_ascii_case(&needle[1..]) {
            return true;
        }
        from = at + 1;
    }
    false
}

fn regex_expr(column: &str, pattern: &str, ignore_case: bool) -> Expr {
    let p = if ignore_case {
        format!("(?i){pattern}")
    } else {
        pattern.to_string()
    };
    no_null(col(column).str().contains(lit(p), true))
}

/// Exact, case-insensitive equality; an unquoted `*` matches any run of characters.
fn text_eq(column: &str, v: &Value) -> Expr {
    if !v.quoted && v.text.contains('*') {
        let parts: Vec<String> = v.text.split('*').map(regex::escape).collect();
        return regex_expr(column, &format!("^{}$", parts.join(".*")), true);
    }
    no_null(
        col(column)
            .str()
            .to_lowercase()
            .eq(lit(v.text.to_lowercase())),
    )
}

fn any_of(exprs: impl IntoIterator<Item = Expr>) -> Expr {
    exprs
        .into_iter()
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

/// A time the user wrote, as the span of instants it names: `2026-03-14` is that whole
/// day, `2026-03-14T02:11` that minute. Returns (first, last) microsecond.
pub fn time_span(text: &str) -> Option<(Micros, Micros)> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let start = d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros();
        return Some((start, start + 86_400_000_000 - 1));
    }
    // Width of the named span, from how many fields are given.
    let (body, zone) = split_zone(t);
    let normalized = body.replacen(' ', "T", 1);
    let (fmt, width): (&str, i64) = match normalized.len() {
        13 => ("%Y-%m-%dT%H", 3_600_000_000),
        16 => ("%Y-%m-%dT%H:%M", 60_000_000),
        19 => ("%Y-%m-%dT%H:%M:%S", 1_000_000),
        n if n > 20 => ("%Y-%m-%dT%H:%M:%S%.f", {
            let digits = n as u32 - 20;
            10_i64.pow(6u32.saturating_sub(digits.min(6)))
        }),
        _ => return None,
    };
    let padded = if fmt == "%Y-%m-%dT%H" {
        format!("{normalized}:00")
    } else {
        normalized.clone()
    };
    let fmt = if fmt == "%Y-%m-%dT%H" {
        "%Y-%m-%dT%H:%M"
    } else {
        fmt
    };
    let start = match zone {
        None => NaiveDateTime::parse_from_str(&padded, fmt)
            .ok()?
            .and_utc()
            .timestamp_micros(),
        Some(z) => {
            let zone = if z == "Z" || z == "z" { "+00:00" } else { z };
            DateTime::parse_from_str(&format!("{padded}{zone}"), &format!("{fmt}%:z"))
                .ok()?
                .timestamp_micros()
        }
    };
    Some((start, start + width - 1))
}

fn split_zone(t: &str) -> (&str, Option<&str>) {
    if let Some(body) = t.strip_suffix(['Z', 'z']) {
        return (body, Some("Z"));
    }
    // A trailing +HH:MM or -HH:MM after the time part.
    if t.len() > 16 {
        let (body, tail) = t.split_at(t.len() - 6);
        let b = tail.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' && body.len() >= 13 {
            return (body, Some(tail));
        }
    }
    (t, None)
}

fn time_of(v: &Value) -> Result<(Micros, Micros), QueryError> {
    time_span(&v.text).ok_or_else(|| {
        QueryError::at(
            v.pos,
            format!(
                "'{}' is not a time: use 2026-03-14, 2026-03-14T02:11, 2026-03-14T02:11:09Z \
                 or with an offset (+01:00); quote it if it has a space",
                v.text
            ),
        )
    })
}

fn int_of(v: &Value) -> Result<i64, QueryError> {
    v.text
        .parse()
        .map_err(|_| QueryError::at(v.pos, format!("'{}' is not a whole number", v.text)))
}

/// Turns a value into the (first, last) it names.
type SpanOf = dyn Fn(&Value) -> Result<(i64, i64), QueryError>;

/// A comparison over an ordered column whose values are spans (times) or points.
fn ordered(column: Expr, test: &Test, span: &SpanOf) -> Result<Expr, QueryError> {
    let c = column;
    Ok(no_null(match test {
        Test::AnyOf(values) => {
            let mut parts = Vec::new();
            for v in values {
                let (a, b) = span(v)?;
                parts.push(if a == b {
                    c.clone().eq(lit(a))
                } else {
                    c.clone().gt_eq(lit(a)).and(c.clone().lt_eq(lit(b)))
                });
            }
            any_of(parts)
        }
        Test::Range { from, to } => {
            let mut e = lit(true);
            if let Some(f) = from {
                e = e.and(c.clone().gt_eq(lit(span(f)?.0)));
            }
            if let Some(t) = to {
                e = e.and(c.clone().lt_eq(lit(span(t)?.1)));
            }
            e.and(c.is_not_null())
        }
        Test::Compare(cmp, v) => {
            let (a, b) = span(v)?;
            match cmp {
                Cmp::Ge => c.gt_eq(lit(a)),
                Cmp::Gt => c.gt(lit(b)),
                Cmp::Le => c.lt_eq(lit(b)),
                Cmp::Lt => c.lt(lit(a)),
                Cmp::Eq => c.clone().gt_eq(lit(a)).and(c.lt_eq(lit(b))),
            }
        }
        Test::Regex { pos, .. } => {
            return Err(QueryError::at(
                *pos,
                "a regular expression needs a text field",
            ))
        }
    }))
}

fn field_expr(field: &str, pos: usize, test: &Test, ctx: &Context) -> Result<Expr, QueryError> {
    let int_span = |v: &Value| int_of(v).map(|n| (n, n));
    match field {
        "ts" | "time" => ordered(col("ts"), test, &time_of),
        "after" | "before" => {
            let Test::AnyOf(values) = test else {
                return Err(QueryError::at(pos, format!("write {field}:TIME")));
            };
            let [v] = values.as_slice() else {
                return Err(QueryError::at(pos, format!("{field}: takes one time")));
            };
            let (a, _) = time_of(v)?;
            Ok(no_null(if field == "after" {
                col("ts").gt_eq(lit(a))
            } else {
                col("ts").lt(lit(a))
            }))
        }
        "id" => ordered(col("id"), test, &int_span),
        "evidence" | "evidence_id" => evidence_expr(test, pos, ctx),
        "ip" => {
            let src = field_expr("src_ip", pos, test, ctx)?;
            let dst = field_expr("dst_ip", pos, test, ctx)?;
            Ok(src.or(dst))
        }
        "tag" => match test {
            Test::AnyOf(values) => Ok(any_of(values.iter().map(|v| {
                no_null(
                    col("tags")
                        .list()
                        .contains(lit(v.text.to_lowercase()), false),
                )
            }))),
            _ => Err(QueryError::at(pos, "write tag:NAME or tag:(a,b)")),
        },
        "ioc" => match test {
            Test::AnyOf(values) => {
                let mut parts = Vec::new();
                for v in values {
                    if v.text == "*" {
                        parts.push(has_ioc());
                        continue;
                    }
                    let id: i64 = v.text.parse().map_err(|_| {
                        QueryError::at(v.pos, "write ioc:ID (an indicator's id) or ioc:*")
                    })?;
                    parts.push(no_null(col("iocs").list().contains(lit(id), false)));
                }
                Ok(any_of(parts))
            }
            _ => Err(QueryError::at(pos, "write ioc:ID or ioc:(1,2)")),
        },
        "is" | "has" => flag_expr(field, pos, test),
        "verdict" => {
            let Test::AnyOf(values) = test else {
                return Err(QueryError::at(
                    pos,
                    "write verdict:benign, suspicious or malicious",
                ));
            };
            let mut parts = Vec::new();
            for v in values {
                let t = v.text.to_lowercase();
                parts.push(match t.as_str() {
                    "benign" | "suspicious" | "malicious" => no_null(col("verdict").eq(lit(t))),
                    "none" => col("verdict").is_null(),
                    _ => {
                        return Err(QueryError::at(
                            v.pos,
                            "a verdict is benign, suspicious, malicious (or none)",
                        ))
                    }
                });
            }
            Ok(any_of(parts))
        }
        "message" | "msg" | "note" => {
            let column = column_of(field).expect("known");
            match test {
                Test::AnyOf(values) => {
                    Ok(any_of(values.iter().map(|v| contains_ci(column, &v.text))))
                }
                Test::Regex {
                    pattern,
                    ignore_case,
                    ..
                } => Ok(regex_expr(column, pattern, *ignore_case)),
                _ => Err(QueryError::at(
                    pos,
                    format!("{field}: takes text or /regex/"),
                )),
            }
        }
        _ => {
            let Some(column) = column_of(field) else {
                return Err(QueryError::at(
                    pos,
                    format!(
                        "unknown field '{field}' (known: {FIELDS}); put text with ':' in quotes"
                    ),
                ));
            };
            debug_assert!(TEXT_FIELDS.contains(&column));
            match test {
                Test::AnyOf(values) => Ok(any_of(values.iter().map(|v| text_eq(column, v)))),
                Test::Regex {
                    pattern,
                    ignore_case,
                    ..
                } => Ok(regex_expr(column, pattern, *ignore_case)),
                Test::Range { .. } | Test::Compare(..) if column == "event_code" => {
                    ordered(col(column).cast(DataType::Int64), test, &int_span)
                }
                _ => Err(QueryError::at(
                    pos,
                    format!("{field} is text: compare it with {field}:value or {field}:/regex/"),
                )),
            }
        }
    }
}

fn evidence_expr(test: &Test, pos: usize, ctx: &Context) -> Result<Expr, QueryError> {
    let Test::AnyOf(values) = test else {
        return ordered(col("evidence_id"), test, &|v| int_of(v).map(|n| (n, n)));
    };
    let mut ids = Vec::new();
    for v in values {
        if let Ok(n) = v.text.parse::<i64>() {
            ids.push(n);
            continue;
        }
        let lower = v.text.to_lowercase();
        let found: Vec<i64> = if !v.quoted && lower.contains('*') {
            let parts: Vec<String> = lower.split('*').map(regex::escape).collect();
            let re = regex::Regex::new(&format!("^{}$", parts.join(".*"))).expect("escaped");
            ctx.evidence
                .iter()
                .filter(|(_, n)| re.is_match(&n.to_lowercase()))
                .map(|(id, _)| *id)
                .collect()
        } else {
            ctx.evidence
                .iter()
                .filter(|(_, n)| n.to_lowercase() == lower)
                .map(|(id, _)| *id)
                .collect()
        };
        if found.is_empty() {
            return Err(QueryError::at(
                v.pos,
                format!("no evidence is named '{}'", v.text),
            ));
        }
        ids.extend(found);
    }
    let _ = pos;
    Ok(any_of(
        ids.into_iter().map(|id| col("evidence_id").eq(lit(id))),
    ))
}

/// The event was hit by an indicator in a sweep.
fn has_ioc() -> Expr {
    no_null(col("iocs").list().len().gt(lit(0)))
}

fn flag_expr(field: &str, pos: usize, test: &Test) -> Result<Expr, QueryError> {
    let Test::AnyOf(values) = test else {
        return Err(QueryError::at(pos, format!("write {field}:NAME")));
    };
    let mut parts = Vec::new();
    for v in values {
        let name = v.text.to_lowercase();
        let e = match (field, name.as_str()) {
            ("is", "tagged") | ("has", "tag" | "tags") => {
                no_null(col("tags").list().len().gt(lit(0)))
            }
            ("is", "starred") => no_null(col("starred")),
            ("is", "hit") | ("has", "ioc" | "iocs") => has_ioc(),
            ("has", "note") | ("is", "noted") => no_null(
                col("note")
                    .is_not_null()
                    .and(col("note").str().len_chars().gt(lit(0))),
            ),
            ("has", "verdict") => col("verdict").is_not_null(),
            ("is", "corrected") => no_null(col("clock_offset_us").is_not_null()),
            ("is", "annotated") => no_null(
                col("tags")
                    .list()
                    .len()
                    .gt(lit(0))
                    .fill_null(lit(false))
                    .or(col("starred").fill_null(lit(false)))
                    .or(col("note").is_not_null())
                    .or(col("verdict").is_not_null()),
            ),
            ("has", "time" | "ts") => col("ts").is_not_null(),
            ("has", other) => match column_of(other) {
                Some(c) => col(c).is_not_null(),
                None => {
                    return Err(QueryError::at(
                        v.pos,
                        format!("has: takes a field name, not '{other}'"),
                    ))
                }
            },
            _ => {
                return Err(QueryError::at(
                    v.pos,
                    "is: takes tagged, starred, noted, annotated, corrected or hit",
                ))
            }
        };
        parts.push(e);
    }
    Ok(any_of(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> QueryError {
        parse(q)
            .and_then(|a| compile(&a, &Context::default()))
            .expect_err(q)
    }

    #[test]
    fn implicit_and_binds_tighter_than_or() {
        let ast = parse("a b OR c").unwrap();
        let t = |s: &str, pos| {
            Box::new(Ast::Text {
                text: s.into(),
                pos,
            })
        };
        assert_eq!(
            ast,
            Ast::Or(Box::new(Ast::And(t("a", 0), t("b", 2))), t("c", 7))
        );
    }

    #[test]
    fn lowercase_or_is_a_word() {
        let ast = parse("or").unwrap();
        assert_eq!(
            ast,
            Ast::Text {
                text: "or".into(),
                pos: 0
            }
        );
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(err("host:web (user:x").position, 9);
        assert_eq!(err("\"open").position, 0);
        assert_eq!(err("a OR").position, 4);
        assert_eq!(err("a )").position, 2);
        assert_eq!(err("colour:red").position, 0);
        assert_eq!(err("x message:/a(/").position, 11);
        assert_eq!(err("ts>=2026-13-45").position, 4);
        assert_eq!(err("id>=ten").position, 4);
        assert_eq!(err("host>=3").position, 0);
        assert_eq!(err("is:happy").position, 3);
        assert_eq!(err("verdict:bad").position, 8);
    }

    #[test]
    fn lists_and_ranges_are_values() {
        match parse("host:a,b").unwrap() {
            Ast::Field {
                test: Test::AnyOf(v),
                ..
            } => {
                assert_eq!(
                    v.iter()
                        .map(|v| (v.text.as_str(), v.pos))
                        .collect::<Vec<_>>(),
                    [("a", 5), ("b", 7)]
                )
            }
            other => panic!("{other:?}"),
        }
        match parse("ts:2026-03-14..2026-03-15T10").unwrap() {
            Ast::Field {
                test: Test::Range { from, to },
                ..
            } => {
                assert_eq!(from.unwrap().text, "2026-03-14");
                let to = to.unwrap();
                assert_eq!((to.text.as_str(), to.pos), ("2026-03-15T10", 15));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn times_name_spans_by_their_precision() {
        let day = time_span("2026-03-14").unwrap();
        assert_eq!(day.1 - day.0, 86_400_000_000 - 1);
        let minute = time_span("2026-03-14T02:11").unwrap();
        assert_eq!(minute.0, 1_773_454_260_000_000);
        assert_eq!(minute.1 - minute.0, 59_999_999);
        assert_eq!(
            time_span("2026-03-14T03:11:09+01:00").unwrap().0,
            1_773_454_269_000_000
        );
        assert_eq!(
            time_span("2026-03-14 02:11:09.5Z").unwrap(),
            (1_773_454_269_500_000, 1_773_454_269_599_999)
        );
        assert_eq!(
            time_span("2026-03-14T02").unwrap().1 - time_span("2026-03-14T02").unwrap().0,
            3_600_000_000 - 1
        );
        assert!(time_span("14/03/2026").is_none());
    }

    #[test]
    fn a_contains_tries_ascii_first_and_unicode_only_where_needed() {
        // Matches in ASCII and non-ASCII values (the Kelvin sign folds to `k`), misses,
        // and nulls.
        let values: Vec<Option<String>> = (0..7_007)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some(format!("Failed password #{i}")),
                2 => Some(format!("user {i} \u{212A}ey failed PASSWORD")),
                3 => Some(format!("naïve FAILED password {i}")),
                4 => Some(format!("naïve failed pass {i}")),
                _ => Some(format!("accepted {i}")),
            })
            .collect();
        let df = DataFrame::new_infer_height(vec![Column::new("message".into(), &values)]).unwrap();
        let mask = |text: &str| -> Vec<bool> {
            let out = df
                .clone()
                .lazy()
                .select([contains_ci("message", text).alias("m")])
                .collect()
                .unwrap();
            out.column("m")
                .unwrap()
                .bool()
                .unwrap()
                .iter()
                .map(|b| b == Some(true))
                .collect()
        };
        let got = mask("failed password");
        assert_eq!(got.len(), values.len());
        for (i, hit) in got.iter().enumerate() {
            assert_eq!(*hit, matches!(i % 7, 1..=3), "row {i}");
        }
        // Only the Kelvin rows hold `key` under Unicode case folding.
        let kelvin = mask("key");
        for (i, hit) in kelvin.iter().enumerate() {
            assert_eq!(*hit, i % 7 == 2, "row {i}");
        }
    }

    #[test]
    fn ascii_contains_ignores_ascii_case_only() {
        let has = |h: &str, n: &str| ascii_contains_ci(h.as_bytes(), n.as_bytes());
        assert!(has("Failed Password for root", "failed password"));
        assert!(has("xxFAILED PASSWORD", "failed password"));
        assert!(has("failed password", "failed password"));
        assert!(!has("failed passwor", "failed password"));
        assert!(!has("failed-password", "failed password"));
        assert!(has("ffailed", "failed"));
        assert!(has("a1", "1"));
        assert!(!has("", "a"));
        assert!(has("[UFW BLOCK]", "[ufw"));
        // '@' and '`' differ from letters by the case bit only: not folded.
        assert!(!has("@", "`"));
    }

    #[test]
    fn the_time_window_is_what_the_anded_time_terms_allow() {
        let w = |q: &str| ts_window(&parse(q).unwrap());
        let day = 1_773_446_400_000_000; // 2026-03-14T00:00:00Z
        let h = 3_600_000_000;
        assert_eq!(w(""), (None, None));
        assert_eq!(w("failed"), (None, None));
        assert_eq!(w("ts:2026-03-14"), (Some(day), Some(day + 24 * h - 1)));
        assert_eq!(w("x ts:2026-03-14T02.."), (Some(day + 2 * h), None));
        assert_eq!(w("ts:..2026-03-14T02"), (None, Some(day + 3 * h - 1)));
        assert_eq!(
            w("ts>=2026-03-14T02 ts<2026-03-14T05"),
            (Some(day + 2 * h), Some(day + 5 * h - 1))
        );
        assert_eq!(
            w("ts>2026-03-14T02 ts<=2026-03-14T05"),
            (Some(day + 3 * h), Some(day + 6 * h - 1))
        );
        assert_eq!(
            w("time=2026-03-14T02"),
            (Some(day + 2 * h), Some(day + 3 * h - 1))
        );
        assert_eq!(
            w("ts:2026-03-14T05,2026-03-14T02"),
            (Some(day + 2 * h), Some(day + 6 * h - 1))
        );
        assert_eq!(
            w("after:2026-03-14T02 before:2026-03-14T05"),
            (Some(day + 2 * h), Some(day + 5 * h - 1))
        );
        // The narrowest of several.
        assert_eq!(
            w("ts:2026-03-14 (a OR b) ts:2026-03-14T02..2026-03-15"),
            (Some(day + 2 * h), Some(day + 24 * h - 1))
        );
        // OR, NOT and unparsable times leave it open.
        assert_eq!(w("ts:2026-03-14 OR host:x"), (None, None));
        assert_eq!(w("NOT ts:2026-03-14"), (None, None));
        assert_eq!(w("ts:yesterday..2026-03-14"), (None, None));
        assert_eq!(w("(ts:2026-03-14 OR ts:2026-03-15) host:x"), (None, None));
    }
}
