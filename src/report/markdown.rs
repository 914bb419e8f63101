//! A [`Document`] as GitHub-flavoured Markdown, the same bytes for the same document.
//!
//! Figures are written as references, `![Figure 1: caption](figures/<id>.svg)`, and their
//! SVGs are returned beside the text for the caller to write next to the `.md` file. Not
//! as `data:` URIs, because GitHub and most Markdown viewers refuse to show those (and
//! strip inline `<svg>`), and because a reference keeps the Markdown small and readable in
//! a diff or a terminal.
//!
//! Every piece of text is escaped so that it stays text: Markdown and HTML punctuation
//! (`\ ` * _ [ ] < > | ~ &`, `#`, `+`, `-`, `=`, `1.` at the start of a line) gets a
//! backslash, `://` and `www.` and `@` are broken so GFM does not turn them into links,
//! table cells keep their `|` escaped and their line breaks as spaces, raw text goes into
//! a fence longer than any run of backticks inside it, and control characters are shown
//! as `\u{..}`.

use std::fmt::Write as _;

use super::doc::{visible_controls, Block, Column, Document, Figure, Section, Table};

/// A rendered Markdown document and the files it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown {
    /// The Markdown text, ending with one newline.
    pub text: String,
    /// (relative path, SVG text) for every figure, in reading order.
    pub files: Vec<(String, String)>,
}

/// The relative path a figure's SVG is referenced by.
pub fn figure_path(figure: &Figure) -> String {
    format!("figures/{}.svg", super::doc::anchor(&figure.id))
}

/// Renders the document.
pub fn render(doc: &Document) -> Markdown {
    let mut r = Renderer {
        out: String::new(),
        files: Vec::new(),
    };
    let _ = writeln!(r.out, "# {}", inline(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(r.out, "\n_{}_", inline(sub));
    }
    if !doc.title_block.is_empty() {
        r.out.push('\n');
        for f in &doc.title_block {
            let _ = writeln!(r.out, "- **{}:** {}", inline(&f.label), inline(&f.value));
        }
    }
    for s in &doc.sections {
        r.section(s, 2);
    }
    Markdown {
        text: r.out,
        files: r.files,
    }
}

struct Renderer {
    out: String,
    files: Vec<(String, String)>,
}

impl Renderer {
    fn section(&mut self, s: &Section, level: usize) {
        let _ = writeln!(
            self.out,
            "\n{} {}",
            "#".repeat(level.min(6)),
            inline(&s.heading)
        );
        for b in &s.blocks {
            self.block(b, level);
        }
    }

    fn block(&mut self, b: &Block, level: usize) {
        match b {
            Block::Paragraph { text } => {
                let _ = writeln!(self.out, "\n{}", paragraph(text));
            }
            Block::Fields { fields } => {
                self.out.push('\n');
                for f in fields {
                    let _ = writeln!(self.out, "- **{}:** {}", inline(&f.label), inline(&f.value));
                }
            }
            Block::Table(t) => self.table(t),
            Block::Bullets { items } => {
                self.out.push('\n');
                for i in items {
                    let _ = writeln!(self.out, "- {}", inline(i));
                }
            }
            Block::Checklist { items } => {
                self.out.push('\n');
                for i in items {
                    let mark = if i.done { "x" } else { " " };
                    let _ = writeln!(self.out, "- [{mark}] {}", inline(&i.text));
                }
            }
            Block::Raw { caption, text } => {
                if let Some(c) = caption {
                    let _ = writeln!(self.out, "\n{}", paragraph(c));
                }
                let text = visible_controls(text);
                let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
                let _ = writeln!(
                    self.out,
                    "\n{fence}text\n{}\n{fence}",
                    text.trim_end_matches('\n')
                );
            }
            Block::Figure(f) => {
                let n = self.files.len() + 1;
                let path = figure_path(f);
                let _ = writeln!(
                    self.out,
                    "\n![Figure {n}: {}]({path})\n\n_Figure {n}: {}_",
                    inline(&f.caption),
                    inline(&f.caption)
                );
                self.files.push((path, f.svg.clone()));
            }
            Block::Section(s) => self.section(s, level + 1),
            Block::PageBreak => {}
        }
    }

    fn table(&mut self, t: &Table) {
        self.out.push('\n');
        let head: Vec<String> = t.columns.iter().map(|c| cell(&c.title)).collect();
        let _ = writeln!(self.out, "| {} |", head.join(" | "));
        let rule: Vec<&str> = t.columns.iter().map(align_rule).collect();
        let _ = writeln!(self.out, "|{}|", rule.join("|"));
        for row in &t.rows {
            let cells: Vec<String> = (0..t.columns.len())
                .map(|i| cell(row.get(i).map(String::as_str).unwrap_or("")))
                .collect();
            let _ = writeln!(self.out, "| {} |", cells.join(" | "));
        }
        if let Some(note) = &t.note {
            let _ = writeln!(self.out, "\n_{}_", inline(note));
        }
    }
}

fn align_rule(c: &Column) -> &'static str {
    if c.numeric {
        " ---: "
    } else {
        " --- "
    }
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Escapes one line of text for use anywhere inline (headings, list items, cells).
fn escape_line(line: &str) -> String {
    let line = line.trim_start();
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '@' => {
                out.push('\\');
                out.push(c);
            }
            // Block starters at the start of a line: headings, lists, quotes, setext rules.
            '#' | '+' | '-' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // An ordered list marker: "12. " or "3) " at the start of a line.
            '.' | ')'
                if i > 0
                    && chars[..i].iter().all(|d| d.is_ascii_digit())
                    && chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t') =>
            {
                out.push('\\');
                out.push(c);
            }
            // GFM's extended autolinks: "http://", "www."
            ':' if chars[i + 1..].starts_with(&['/', '/']) => out.push_str("\\:"),
            '.' if i >= 3
                && chars[i - 3..i]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("www") =>
            {
                out.push_str("\\.")
            }
            c if c.is_control() => {
                let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// One line for a heading, list item or field: line breaks become spaces.
fn inline(text: &str) -> String {
    let joined: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    escape_line(&joined.join(" "))
}

/// A table cell: like [`inline`] (the `|` is escaped there too).
fn cell(text: &str) -> String {
    inline(text)
}

/// A paragraph: each line escaped, line breaks kept as hard breaks, blank lines dropped so
/// that the paragraph cannot turn into several blocks.
fn paragraph(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(escape_line)
        .collect();
    lines.join("\\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_punctuation_is_escaped() {
        assert_eq!(
            escape_line("# <script>alert(`x`)</script> *a* _b_ [c](d) a|b ~~s~~ &amp;"),
            "\\# \\<script\\>alert(\\`x\\`)\\</script\\> \\*a\\* \\_b\\_ \\[c\\](d) a\\|b \\~\\~s\\~\\~ \\&amp;"
        );
    }

    #[test]
    fn line_starts_that_would_open_blocks_are_escaped() {
        assert_eq!(escape_line("- not a list"), "\\- not a list");
        assert_eq!(escape_line("+1"), "\\+1");
        assert_eq!(escape_line("==="), "\\===");
        assert_eq!(escape_line("12. not ordered"), "12\\. not ordered");
        assert_eq!(escape_line("3) not ordered"), "3\\) not ordered");
        assert_eq!(escape_line("v1.2 is fine"), "v1.2 is fine");
    }

    #[test]
    fn links_are_not_made_from_urls_and_addresses() {
        assert_eq!(
            escape_line("see http://evil.test and WWW.evil.test or root@evil.test"),
            "see http\\://evil.test and WWW\\.evil.test or root\\@evil.test"
        );
    }

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        assert_eq!(longest_run("a ```` b `` c", '`'), 4);
    }

    #[test]
    fn a_paragraph_cannot_become_several_blocks() {
        assert_eq!(
            paragraph("one\n\n    # two\n- three"),
            "one\\\n\\# two\\\n\\- three"
        );
    }
}
