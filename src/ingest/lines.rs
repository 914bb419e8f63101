//! Reading a text log line by line in bounded memory.
//!
//! Lines end at `\n`; a trailing `\r` is dropped (CRLF files); the last line needs no
//! newline. A line longer than [`MAX_LINE`] keeps its first `MAX_LINE` bytes and is
//! flagged `truncated`; the rest is read past without being held in memory.

use std::io::{self, BufRead};

/// The most bytes of one line that are kept.
pub const MAX_LINE: usize = 1 << 20;

/// Where a line was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInfo {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of the line's first byte in the input.
    pub offset: u64,
    /// True when the line was longer than [`MAX_LINE`] and was cut.
    pub truncated: bool,
}

/// Splits a byte stream into lines.
pub struct LineReader<R> {
    inner: R,
    number: u64,
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader {
            inner,
            number: 0,
            offset: 0,
        }
    }

    /// Reads the next line into `line` (cleared first). Returns `None` at the end.
    pub fn next_line(&mut self, line: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        line.clear();
        let start = self.offset;
        let mut truncated = false;
        let mut seen_any = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                if !seen_any {
                    return Ok(None);
                }
                break;
            }
            seen_any = true;
            let (chunk, used, done) = match memchr_newline(buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            let room = MAX_LINE - line.len();
            if chunk.len() > room {
                line.extend_from_slice(&chunk[..room]);
                truncated = true;
            } else {
                line.extend_from_slice(chunk);
            }
            self.inner.consume(used);
            self.offset += used as u64;
            if done {
                break;
            }
        }
        if !truncated && line.last() == Some(&b'\r') {
            line.pop();
        }
        self.number += 1;
        Ok(Some(LineInfo {
            number: self.number,
            offset: start,
            truncated,
        }))
    }
}

fn memchr_newline(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8]) -> Vec<(Vec<u8>, LineInfo)> {
        let mut r = LineReader::new(io::BufReader::with_capacity(7, input));
        let mut out = Vec::new();
        let mut line = Vec::new();
        while let Some(info) = r.next_line(&mut line).unwrap() {
            out.push((line.clone(), info));
        }
        out
    }

    #[test]
    fn handles_crlf_and_a_missing_final_newline() {
        let lines = all_lines(b"one\r\ntwo\n\nlast");
        let texts: Vec<&[u8]> = lines.iter().map(|(l, _)| l.as_slice()).collect();
        assert_eq!(texts, vec![&b"one"[..], b"two", b"", b"last"]);
        assert_eq!(lines[3].1.number, 4);
        assert_eq!(lines[1].1.offset, 5);
        assert_eq!(lines[3].1.offset, 10);
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(all_lines(b"").is_empty());
    }

    #[test]
    fn a_huge_line_is_cut_and_flagged_and_the_next_line_survives() {
        let mut input = vec![b'a'; MAX_LINE + 10];
        input.extend_from_slice(b"\nnext\n");
        let lines = all_lines(&input);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0.len(), MAX_LINE);
        assert!(lines[0].1.truncated);
        assert_eq!(lines[1].0, b"next");
        assert!(!lines[1].1.truncated);
    }
}
