//! Generic CSV with a header row, from any tool Tideline has no parser for. This is the
//! last fallback: it is tried after every other format, and it is conservative about
//! what it takes for CSV, so that a plain text log is not read as one.
//!
//! Records are read as [`delimited`] describes (quoted fields may hold line breaks and
//! commas; a row of the wrong width or a quote never closed is an import issue with its
//! line). The time column is the one `--time-field` names (an import is refused when
//! the header has no such column), or else the first present of
//! [`fields::TIME_FIELDS`]; times are read as the generic JSON lines format reads them
//! ([`super::generic_jsonl`]), and so are the canonical columns: commonly named columns
//! fill them (host, user, src_ip, dst_ip, process, message, ...), every other non-empty
//! cell goes to `attrs`.

use std::io::BufRead;

use super::delimited;
use super::fields::{self, Picked};
use super::{FileContext, ImportOptions, Parser, Sink};
use crate::error::{Error, Result};

const SOURCE: &str = "csv";

/// Whether a header cell looks like a column name rather than data.
fn name_like(name: &str) -> bool {
    name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.@/#() ".contains(c))
        && name.chars().any(char::is_alphabetic)
}

/// Whether a column name says it holds a time.
fn time_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    Picked::from_keys([name], None).time.is_some()
        || lower.contains("time")
        || lower.contains("date")
}

/// Whether `head` is a CSV table: a header row of column names, at least two columns,
/// more than two thirds of the following rows (up to 20, if any) as wide as the header, and
/// either a time-like column or at least three columns and three rows.
pub(super) fn sniff(head: &[u8]) -> bool {
    let Some((header, widths)) = delimited::head_table(head, 20) else {
        return false;
    };
    let fitting = widths.iter().filter(|&&w| w == header.len()).count();
    header.len() >= 2
        && header.iter().all(|n| name_like(n))
        && (widths.is_empty() || fitting * 3 > widths.len() * 2)
        && (header.iter().any(|n| time_like(n)) || (header.len() >= 3 && fitting >= 3))
}

/// Reads generic CSV (see the module documentation).
pub struct CsvParser {
    time_field: Option<String>,
    tz: chrono_tz::Tz,
}

impl CsvParser {
    pub fn new(_file: &FileContext, opts: &ImportOptions) -> Self {
        CsvParser {
            time_field: opts.time_field.clone(),
            tz: opts.tz,
        }
    }
}

impl Parser for CsvParser {
    fn parse(&mut self, input: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<()> {
        let time_field = self.time_field.as_deref();
        let tz = self.tz;
        delimited::for_each_row(
            input,
            sink,
            |names| {
                let picked = Picked::from_keys(names.iter().map(String::as_str), time_field);
                match time_field {
                    Some(want) if picked.time.is_none() => Err(Error::Invalid(format!(
                        "--time-field '{want}': the header has no such column; it has {}",
                        names.join(", ")
                    ))),
                    _ => Ok(picked),
                }
            },
            |picked, row| {
                let mut event = fields::named_event(&row, picked, tz);
                event.source = SOURCE.into();
                Ok(event)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_tables_with_a_time_column() {
        assert!(sniff(
            b"timestamp,host,message\n2026-03-14T02:11:09Z,a,\"b, c\"\n"
        ));
        assert!(sniff(b"Event Time,Computer\n1,2\n"));
        assert!(sniff(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n"));
    }

    #[test]
    fn does_not_take_text_logs_or_ragged_tables_for_csv() {
        assert!(!sniff(b"hello\nworld\n"));
        assert!(!sniff(b"Starting up, please wait\nDone, bye\n"));
        assert!(!sniff(
            b"Mar 14 02:11:09 h sshd[1]: a, b\nMar 14 02:11:10 h sshd[1]: c, d\n"
        ));
        assert!(!sniff(b"time,host\n1,2\n3\n"));
        assert!(sniff(b"time,host\n1,2\n3\n4,5\n6,7\n"));
        assert!(!sniff(b"a,b\n1,2\n"));
        assert!(!sniff(b""));
    }
}
