//! A small document model that every report is written in once and rendered many ways.
//!
//! A [`Document`] is a title block followed by [`Section`]s; a section holds [`Block`]s
//! (paragraphs, key/value lists, tables, bullet and check lists, raw evidence text,
//! figures, page-break hints) and nested sections, whose depth gives the heading level.
//! All text is plain text exactly as it came from the case or the evidence: the renderers
//! (`markdown`, `html`, `pdf`, and [`Document::to_json`]) do all the escaping, so a builder
//! never has to think about the output format.
//!
//! Figures hold an SVG made by [`super::chart`]; the HTML renderer inlines it as it is, so
//! an SVG from anywhere else must not be put in a figure.

use serde::{Deserialize, Serialize};

/// A report: title block and sections, in reading order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The first heading, e.g. "Lessons learned: INC-2026-03 bastion compromise".
    pub title: String,
    /// One line under the title, e.g. "Post-incident report".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The title block: case, status, authors, dates (shown in this order).
    #[serde(default)]
    pub title_block: Vec<Field>,
    /// The body.
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// One labelled value, in a title block or a [`Block::Fields`] list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// A headed part of the document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// A stable anchor: lower-case ASCII letters, digits and `-` (HTML `id`, PDF outline).
    pub id: String,
    pub heading: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// One piece of content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Running text. Line breaks inside are kept as line breaks.
    Paragraph { text: String },
    /// Label / value pairs (a two-column table without a header).
    Fields { fields: Vec<Field> },
    /// A table with a header row; every row has as many cells as there are columns.
    Table(Table),
    /// A bulleted list.
    Bullets { items: Vec<String> },
    /// A check list (follow-up items, sign-off).
    Checklist { items: Vec<CheckItem> },
    /// Text shown exactly as it is, in a monospaced font: raw log lines, hashes, commands.
    Raw {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        text: String,
    },
    /// A chart.
    Figure(Figure),
    /// A nested section (its heading is one level below its parent's).
    Section(Section),
    /// Start a new page here when printing (PDF, printed HTML); nothing elsewhere.
    PageBreak,
}

/// A table with a header row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Said under the table, e.g. "500 of 1,204 shown".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A table column: its header and how its cells are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    /// Right-aligned (counts).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub numeric: bool,
    /// Monospaced (hashes, times, locators, raw text).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mono: bool,
}

impl Column {
    /// A plain text column.
    pub fn text(title: &str) -> Self {
        Column {
            title: title.to_string(),
            ..Default::default()
        }
    }
    /// A right-aligned number column.
    pub fn number(title: &str) -> Self {
        Column {
            title: title.to_string(),
            numeric: true,
            mono: false,
        }
    }
    /// A monospaced column.
    pub fn mono(title: &str) -> Self {
        Column {
            title: title.to_string(),
            numeric: false,
            mono: true,
        }
    }
}

/// One line of a check list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    pub text: String,
    pub done: bool,
}

/// A chart with its caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// A stable name: lower-case ASCII letters, digits and `-`; the Markdown renderer
    /// writes the SVG as `figures/<id>.svg`.
    pub id: String,
    pub caption: String,
    /// A complete SVG document from [`super::chart`].
    pub svg: String,
}

impl Document {
    /// The whole document as pretty JSON with a trailing newline: fields in declaration
    /// order, so the same document always gives the same bytes.
    pub fn to_json(&self) -> crate::Result<String> {
        let mut s = serde_json::to_string_pretty(self)?;
        s.push('\n');
        Ok(s)
    }

    /// Every figure, in reading order.
    pub fn figures(&self) -> Vec<&Figure> {
        fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Figure>) {
            for b in blocks {
                match b {
                    Block::Figure(f) => out.push(f),
                    Block::Section(s) => walk(&s.blocks, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            walk(&s.blocks, &mut out);
        }
        out
    }
}

/// Turns any text into an anchor made of `a-z`, `0-9` and single `-`.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Replaces control characters (other than line break and tab) with a visible
/// `\u{..}` so that escape sequences and NULs from evidence cannot reach a terminal,
/// a PDF or a shell.
pub fn visible_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_lowercase_ascii_with_single_dashes() {
        assert_eq!(anchor("Root cause & factors"), "root-cause-factors");
        assert_eq!(anchor("  <script>x</script> "), "script-x-script");
        assert_eq!(anchor("äö"), "x");
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(
            visible_controls("a\u{1b}[31m\0b\n\t"),
            "a\\u{1b}[31m\\u{0}b\n\t"
        );
    }
}
