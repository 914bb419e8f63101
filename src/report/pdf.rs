//! A [`Document`] as a PDF, typeset in-process: A4, selectable text, fonts embedded.
//!
//! Why krilla (with krilla-svg) and not printpdf: krilla shapes text and embeds a subset
//! of each TrueType font with a ToUnicode map, so text is selectable and searchable and
//! files stay small; krilla-svg draws a `usvg` tree (our plotters charts) as vector
//! graphics with real, selectable text, in the same fonts. printpdf 0.12 offers either a
//! low-level API in which we would have to do subsetting and SVG conversion ourselves, or
//! an HTML layout engine (azul) that pulls in a large dependency tree and system font
//! lookup (fontconfig). krilla leaves layout to us, which is what a report with repeated
//! table headers and page numbers needs anyway.
//!
//! Layout is two passes: blocks are laid out into a display list per page (text runs,
//! rules, fills, charts), then each page is drawn with the final page count in its footer
//! ("Page 3 of 12"). Paragraphs, list items and table cells are word-wrapped by measuring
//! glyph advances of the embedded DejaVu fonts (words longer than a line are broken
//! between characters, so hashes and URLs fit); a table row never splits across pages and
//! the header row is repeated on each page a table continues on; raw text breaks between
//! lines; a chart is scaled to the text width and kept whole with its caption; a heading
//! is kept with the start of what follows. Sections become PDF bookmarks. Control
//! characters from evidence are shown as `\u{..}`.
//!
//! Text is drawn with krilla's simple shaping (one font per run, no fallback): characters
//! DejaVu Sans lacks (CJK, for example) show as empty boxes.

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg;

use super::doc::{visible_controls, Block, Column, Document, Field, Figure, Section, Table};
use crate::error::{Error, Result};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 54.0;
const TOP: f32 = 54.0;
const BOTTOM: f32 = PAGE_H - 60.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.0;
const BODY_LEAD: f32 = 14.0;
const TABLE: f32 = 8.0;
const TABLE_LEAD: f32 = 10.5;
const MONO: f32 = 7.5;
const CELL_PAD: f32 = 3.0;
/// A table cell taller than this many lines is cut (and says so), so one row always fits
/// on a page.
const MAX_CELL_LINES: usize = 60;

type Rgb = (u8, u8, u8);
const INK: Rgb = (27, 31, 36);
const MUTED: Rgb = (90, 96, 104);
const RULE: Rgb = (204, 208, 221);
const HEAD_FILL: Rgb = (238, 241, 245);
const RAW_FILL: Rgb = (244, 245, 247);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Face {
    Sans,
    Bold,
    Mono,
}

struct Faces {
    sans: FontRef<'static>,
    bold: FontRef<'static>,
    mono: FontRef<'static>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| {
        let load = |d: &'static [u8]| FontRef::try_from_slice(d).expect("embedded font parses");
        Faces {
            sans: load(super::fonts::SANS),
            bold: load(super::fonts::SANS_BOLD),
            mono: load(super::fonts::MONO),
        }
    })
}

/// The advance width of `text` in points.
fn width(face: Face, size: f32, text: &str) -> f32 {
    let f = faces();
    let font = match face {
        Face::Sans => &f.sans,
        Face::Bold => &f.bold,
        Face::Mono => &f.mono,
    };
    let upm = font.units_per_em().unwrap_or(2048.0);
    let units: f32 = text
        .chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
        .sum();
    units / upm * size
}

/// Word-wraps text to `max` points. Line breaks in the text are kept; a word wider than
/// a line is broken between characters.
fn wrap(face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
    let text = visible_controls(text).replace('\t', "    ");
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        let mut line = String::new();
        for word in para.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(face, size, &candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // The word alone: break it if it is still too wide, after a `/`, `-`, `_`,
            // `.` or `:` where there is one (paths, addresses, times), else anywhere.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(face, size, &piece) > max && piece.chars().count() > 1 {
                    piece.pop();
                    let cut = piece
                        .char_indices()
                        .filter(|(i, ch)| *i > 0 && matches!(ch, '/' | '-' | '_' | '.' | ':'))
                        .map(|(i, ch)| i + ch.len_utf8())
                        .next_back()
                        .filter(|&i| i >= piece.len() / 2);
                    let rest = match cut {
                        Some(i) => piece.split_off(i),
                        None => String::new(),
                    };
                    out.push(std::mem::replace(&mut piece, rest));
                    piece.push(c);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

enum Op {
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        color: Rgb,
        text: String,
    },
    Fill {
        rect: (f32, f32, f32, f32),
        color: Rgb,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Rgb,
    },
    Svg {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// How a run of wrapped text is set.
#[derive(Clone, Copy)]
struct Run {
    face: Face,
    size: f32,
    lead: f32,
    color: Rgb,
}

impl Run {
    /// Regular sans text at a size, line height and colour.
    fn new(size: f32, lead: f32, color: Rgb) -> Self {
        Run {
            face: Face::Sans,
            size,
            lead,
            color,
        }
    }
}

struct Bookmark {
    level: usize,
    title: String,
    page: usize,
    y: f32,
}

struct Layout {
    pages: Vec<Vec<Op>>,
    /// The top of free space on the current page.
    y: f32,
    bookmarks: Vec<Bookmark>,
    svgs: Vec<usvg::Tree>,
    figures: usize,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: TOP,
            bookmarks: Vec::new(),
            svgs: Vec::new(),
            figures: 0,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, baseline: f32, face: Face, size: f32, color: Rgb, text: &str) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y: baseline,
                face,
                size,
                color,
                text: text.to_string(),
            });
        }
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, color: Rgb) {
        self.ops().push(Op::Line {
            from,
            to,
            width,
            color,
        });
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.ops().push(Op::Fill {
            rect: (x, y, w, h),
            color,
        });
    }

    /// Wrapped lines at `x`, `w` wide, breaking pages between lines.
    fn lines(&mut self, run: Run, text: &str) {
        let Run {
            face,
            size,
            lead,
            color,
        } = run;
        let (x, w) = (MARGIN_X, CONTENT_W);
        for l in wrap(face, size, text, w) {
            self.ensure(lead);
            let base = self.y + size;
            self.text(x, base, face, size, color, &l);
            self.y += lead;
        }
    }

    fn title_block(&mut self, doc: &Document) {
        for l in wrap(Face::Bold, 20.0, &doc.title, CONTENT_W) {
            self.text(MARGIN_X, self.y + 20.0, Face::Bold, 20.0, INK, &l);
            self.y += 26.0;
        }
        if let Some(sub) = &doc.subtitle {
            self.lines(Run::new(12.0, 16.0, MUTED), sub);
        }
        self.y += 6.0;
        if !doc.title_block.is_empty() {
            self.fields(&doc.title_block);
        }
        self.line(
            (MARGIN_X, self.y + 4.0),
            (MARGIN_X + CONTENT_W, self.y + 4.0),
            1.2,
            INK,
        );
        self.y += 14.0;
    }

    fn heading(&mut self, s: &Section, level: usize) {
        let (size, gap_before, gap_after) = match level {
            2 => (15.0, 16.0, 8.0),
            3 => (12.0, 12.0, 5.0),
            _ => (10.5, 10.0, 4.0),
        };
        let lines = wrap(Face::Bold, size, &s.heading, CONTENT_W);
        let h = lines.len() as f32 * size * 1.3 + gap_after;
        // Keep the heading with at least four lines of what follows.
        if self.y > TOP {
            self.y += gap_before;
        }
        self.ensure(h + 4.0 * BODY_LEAD);
        self.bookmarks.push(Bookmark {
            level,
            title: s.heading.clone(),
            page: self.pages.len() - 1,
            y: self.y,
        });
        for l in lines {
            self.text(MARGIN_X, self.y + size, Face::Bold, size, INK, &l);
            self.y += size * 1.3;
        }
        if level == 2 {
            self.line(
                (MARGIN_X, self.y + 1.0),
                (MARGIN_X + CONTENT_W, self.y + 1.0),
                0.6,
                RULE,
            );
        }
        self.y += gap_after;
    }

    fn section(&mut self, s: &Section, level: usize) -> Result<()> {
        self.heading(s, level);
        for b in &s.blocks {
            self.block(b, level)?;
        }
        Ok(())
    }

    fn block(&mut self, b: &Block, level: usize) -> Result<()> {
        match b {
            Block::Paragraph { text } => {
                self.lines(Run::new(BODY, BODY_LEAD, INK), text);
                self.y += 6.0;
            }
            Block::Fields { fields } => {
                self.fields(fields);
                self.y += 6.0;
            }
            Block::Table(t) => {
                self.table(t);
                self.y += 8.0;
            }
            Block::Bullets { items } => {
                for i in items {
                    self.list_item("•", i);
                }
                self.y += 4.0;
            }
            Block::Checklist { items } => {
                for i in items {
                    self.list_item(if i.done { "☑" } else { "☐" }, &i.text);
                }
                self.y += 4.0;
            }
            Block::Raw { caption, text } => {
                if let Some(c) = caption {
                    self.lines(Run::new(BODY, BODY_LEAD, INK), c);
                }
                self.raw(text);
                self.y += 8.0;
            }
            Block::Figure(f) => self.figure(f)?,
            Block::Section(s) => self.section(s, level + 1)?,
            Block::PageBreak => {
                if self.y > TOP {
                    self.new_page();
                }
            }
        }
        Ok(())
    }

    fn list_item(&mut self, mark: &str, text: &str) {
        let indent = 16.0;
        let lines = wrap(Face::Sans, BODY, text, CONTENT_W - indent);
        for (n, l) in lines.iter().enumerate() {
            self.ensure(BODY_LEAD);
            if n == 0 {
                self.text(MARGIN_X + 3.0, self.y + BODY, Face::Sans, BODY, INK, mark);
            }
            self.text(MARGIN_X + indent, self.y + BODY, Face::Sans, BODY, INK, l);
            self.y += BODY_LEAD;
        }
        self.y += 2.0;
    }

    fn fields(&mut self, fields: &[Field]) {
        let size = 9.5;
        let lead = 12.5;
        let label_w = fields
            .iter()
            .map(|f| width(Face::Bold, size, &f.label))
            .fold(0.0, f32::max)
            .min(CONTENT_W * 0.35)
            + 12.0;
        for f in fields {
            let labels = wrap(Face::Bold, size, &f.label, label_w - 12.0);
            let values = wrap(Face::Sans, size, &f.value, CONTENT_W - label_w);
            let n = labels.len().max(values.len());
            let h = n as f32 * lead + 4.0;
            self.ensure(h);
            for (i, l) in labels.iter().enumerate() {
                self.text(
                    MARGIN_X,
                    self.y + 2.0 + size + i as f32 * lead,
                    Face::Bold,
                    size,
                    INK,
                    l,
                );
            }
            for (i, l) in values.iter().enumerate() {
                let y = self.y + 2.0 + size + i as f32 * lead;
                self.text(MARGIN_X + label_w, y, Face::Sans, size, INK, l);
            }
            self.y += h;
            self.line(
                (MARGIN_X, self.y),
                (MARGIN_X + CONTENT_W, self.y),
                0.4,
                RULE,
            );
        }
    }

    fn raw(&mut self, text: &str) {
        let lead = MONO * 1.3;
        let lines = wrap(
            Face::Mono,
            MONO,
            text.trim_end_matches('\n'),
            CONTENT_W - 12.0,
        );
        let mut i = 0;
        while i < lines.len() {
            self.ensure(lead + 8.0);
            // As many lines as fit on this page, on one shaded panel.
            let room = ((BOTTOM - self.y - 8.0) / lead).floor().max(1.0) as usize;
            let chunk = &lines[i..(i + room).min(lines.len())];
            let h = chunk.len() as f32 * lead + 8.0;
            self.fill(MARGIN_X, self.y, CONTENT_W, h, RAW_FILL);
            let mut y = self.y + 4.0;
            for l in chunk {
                self.text(MARGIN_X + 6.0, y + MONO, Face::Mono, MONO, INK, l);
                y += lead;
            }
            self.y += h;
            i += chunk.len();
        }
    }

    fn figure(&mut self, f: &Figure) -> Result<()> {
        let opts = usvg::Options {
            fontdb: super::fonts::svg_fontdb(),
            ..Default::default()
        };
        let tree = usvg::Tree::from_str(&f.svg, &opts)
            .map_err(|e| Error::Chart(format!("figure {}: {e}", f.id)))?;
        let (tw, th) = (tree.size().width(), tree.size().height());
        let mut w = CONTENT_W;
        let mut h = w * th / tw;
        let max_h = (BOTTOM - TOP) * 0.7;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        self.figures += 1;
        let caption = format!("Figure {}: {}", self.figures, f.caption);
        let caption_lines = wrap(Face::Sans, 9.0, &caption, CONTENT_W);
        self.ensure(h + 6.0 + caption_lines.len() as f32 * 12.0);
        self.svgs.push(tree);
        let index = self.svgs.len() - 1;
        let x = MARGIN_X + (CONTENT_W - w) / 2.0;
        let y = self.y;
        self.ops().push(Op::Svg { index, x, y, w, h });
        self.y += h + 4.0;
        for l in caption_lines {
            self.text(MARGIN_X, self.y + 9.0, Face::Sans, 9.0, MUTED, &l);
            self.y += 12.0;
        }
        self.y += 8.0;
        Ok(())
    }

    fn table(&mut self, t: &Table) {
        let widths = column_widths(t);
        let face = |c: &Column| if c.mono { Face::Mono } else { Face::Sans };
        let size = |c: &Column| if c.mono { MONO } else { TABLE };
        let header: Vec<Vec<String>> = t
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(Face::Bold, TABLE, &c.title, w - 2.0 * CELL_PAD))
            .collect();
        let header_h =
            header.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEAD + 2.0 * CELL_PAD;
        let draw_header = |lay: &mut Layout| {
            let y0 = lay.y;
            lay.fill(MARGIN_X, y0, CONTENT_W, header_h, HEAD_FILL);
            let mut x = MARGIN_X;
            for ((c, lines), w) in t.columns.iter().zip(&header).zip(&widths) {
                for (i, l) in lines.iter().enumerate() {
                    let lx = if c.numeric {
                        x + w - CELL_PAD - width(Face::Bold, TABLE, l)
                    } else {
                        x + CELL_PAD
                    };
                    lay.text(
                        lx,
                        y0 + CELL_PAD + TABLE + i as f32 * TABLE_LEAD - 1.0,
                        Face::Bold,
                        TABLE,
                        INK,
                        l,
                    );
                }
                x += w;
            }
            lay.y += header_h;
            lay.line((MARGIN_X, lay.y), (MARGIN_X + CONTENT_W, lay.y), 0.8, MUTED);
        };
        let rows: Vec<Vec<Vec<String>>> = t
            .rows
            .iter()
            .map(|row| {
                t.columns
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (c, w))| {
                        let text = row.get(i).map(String::as_str).unwrap_or("");
                        let mut lines = wrap(face(c), size(c), text, w - 2.0 * CELL_PAD);
                        if lines.len() > MAX_CELL_LINES {
                            let cut = lines.len() - MAX_CELL_LINES + 1;
                            lines.truncate(MAX_CELL_LINES - 1);
                            lines.push(format!("[{cut} more lines in the HTML and JSON report]"));
                        }
                        lines
                    })
                    .collect()
            })
            .collect();
        let first_h = rows
            .first()
            .map(|r| r.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEAD)
            .unwrap_or(0.0);
        self.ensure(header_h + first_h + 2.0 * CELL_PAD);
        draw_header(self);
        for cells in rows {
            let h =
                cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEAD + 2.0 * CELL_PAD;
            if self.y + h > BOTTOM {
                self.new_page();
                draw_header(self);
            }
            let mut x = MARGIN_X;
            for ((c, lines), w) in t.columns.iter().zip(&cells).zip(&widths) {
                for (i, l) in lines.iter().enumerate() {
                    let lx = if c.numeric {
                        x + w - CELL_PAD - width(face(c), size(c), l)
                    } else {
                        x + CELL_PAD
                    };
                    let base = self.y + CELL_PAD + TABLE + i as f32 * TABLE_LEAD - 1.0;
                    self.text(lx, base, face(c), size(c), INK, l);
                }
                x += w;
            }
            self.y += h;
            self.line(
                (MARGIN_X, self.y),
                (MARGIN_X + CONTENT_W, self.y),
                0.4,
                RULE,
            );
        }
        if let Some(note) = &t.note {
            self.y += 3.0;
            self.lines(Run::new(8.5, 11.0, MUTED), note);
        }
    }
}

/// Column widths that add up to the text width: each column gets at least its longest
/// word (up to a cap) and the rest is shared in proportion to how much text it holds.
fn column_widths(t: &Table) -> Vec<f32> {
    // (least width, natural width) of each column.
    let cols: Vec<(f32, f32)> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (face, size) = if c.mono {
                (Face::Mono, MONO)
            } else {
                (Face::Sans, TABLE)
            };
            // Numbers never wrap; other words up to an eighth of the line do not either.
            let cap = if c.numeric {
                CONTENT_W
            } else {
                CONTENT_W / 8.0
            };
            let mut min = c
                .title
                .split_whitespace()
                .map(|w| width(Face::Bold, TABLE, w))
                .fold(0.0, f32::max);
            let mut natural = width(Face::Bold, TABLE, &c.title);
            for row in t.rows.iter().take(500) {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                for line in cell.lines() {
                    natural = natural.max(width(face, size, line));
                    for word in line.split_whitespace() {
                        min = min.max(width(face, size, word).min(cap));
                    }
                }
            }
            (min + 2.0 * CELL_PAD, natural + 2.0 * CELL_PAD)
        })
        .collect();
    let total_natural: f32 = cols.iter().map(|c| c.1).sum();
    if total_natural <= CONTENT_W {
        // Everything fits on one line: share the spare width in proportion.
        return cols
            .iter()
            .map(|c| c.1 * CONTENT_W / total_natural.max(1.0))
            .collect();
    }
    let total_min: f32 = cols.iter().map(|c| c.0).sum();
    if total_min >= CONTENT_W {
        // Too many columns for their words: numbers keep their width, the text columns
        // share the rest (and break their longer words).
        let numbers: f32 = t
            .columns
            .iter()
            .zip(&cols)
            .filter(|(c, _)| c.numeric)
            .map(|(_, w)| w.0)
            .sum();
        let text_min = (total_min - numbers).max(1.0);
        let room = (CONTENT_W - numbers).max(CONTENT_W / 2.0);
        return t
            .columns
            .iter()
            .zip(&cols)
            .map(|(c, w)| {
                if c.numeric {
                    w.0
                } else {
                    w.0 * room / text_min
                }
            })
            .collect();
    }
    // Each column its minimum. Then, smallest need first, a column whose whole need fits
    // in its fair share of what is left gets its natural width (short columns stop
    // wrapping); the columns still wanting share the rest in proportion to their need.
    let mut widths: Vec<f32> = cols.iter().map(|c| c.0).collect();
    let mut spare = CONTENT_W - total_min;
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by(|&a, &b| (cols[a].1 - cols[a].0).total_cmp(&(cols[b].1 - cols[b].0)));
    let mut wanting = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let need = (cols[i].1 - cols[i].0).max(0.0);
        if wanting.is_empty() && need <= spare / (order.len() - k) as f32 {
            widths[i] += need;
            spare -= need;
        } else {
            wanting.push(i);
        }
    }
    let total_need: f32 = wanting
        .iter()
        .map(|&i| cols[i].1 - cols[i].0)
        .sum::<f32>()
        .max(1.0);
    for &i in &wanting {
        widths[i] += spare * (cols[i].1 - cols[i].0) / total_need;
    }
    widths
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

/// Renders the document as a PDF.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let mut lay = Layout::new();
    lay.title_block(doc);
    for s in &doc.sections {
        lay.section(s, 2)?;
    }
    let fonts = [
        (Face::Sans, super::fonts::SANS),
        (Face::Bold, super::fonts::SANS_BOLD),
        (Face::Mono, super::fonts::MONO),
    ]
    .map(|(face, data)| {
        (
            face,
            Font::new(krilla::Data::from(data), 0).expect("embedded font parses"),
        )
    });
    let font = |face: Face| {
        fonts
            .iter()
            .find(|(f, _)| *f == face)
            .map(|(_, font)| font.clone())
            .expect("every face loaded")
    };

    let mut pdf = krilla::Document::new();
    let total = lay.pages.len();
    let footer_title = visible_controls(&doc.title).replace('\n', " ");
    for (n, ops) in lay.pages.iter().enumerate() {
        let mut page = pdf.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4"));
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    face,
                    size,
                    color,
                    text,
                } => {
                    s.set_stroke(None);
                    s.set_fill(Some(Fill {
                        paint: paint(*color),
                        opacity: NormalizedF32::ONE,
                        rule: Default::default(),
                    }));
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        font(*face),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Fill { rect, color } => {
                    if let Some(r) = Rect::from_xywh(rect.0, rect.1, rect.2, rect.3) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(r);
                        if let Some(path) = pb.finish() {
                            s.set_stroke(None);
                            s.set_fill(Some(Fill {
                                paint: paint(*color),
                                opacity: NormalizedF32::ONE,
                                rule: Default::default(),
                            }));
                            s.draw_path(&path);
                        }
                    }
                }
                Op::Line {
                    from,
                    to,
                    width,
                    color,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(from.0, from.1);
                    pb.line_to(to.0, to.1);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: paint(*color),
                            width: *width,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                    }
                }
                Op::Svg { index, x, y, w, h } => {
                    s.push_transform(&Transform::from_translate(*x, *y));
                    let size = Size::from_wh(*w, *h).expect("a figure has a size");
                    s.draw_svg(&lay.svgs[*index], size, SvgSettings::default());
                    s.pop();
                }
            }
        }
        // Footer: the title on the left, the page number on the right.
        s.set_stroke(None);
        s.set_fill(Some(Fill {
            paint: paint(MUTED),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
        let number = format!("Page {} of {}", n + 1, total);
        let nw = width(Face::Sans, 8.0, &number);
        let room = CONTENT_W - nw - 24.0;
        let mut title = footer_title.clone();
        if width(Face::Sans, 8.0, &title) > room {
            while !title.is_empty() && width(Face::Sans, 8.0, &format!("{title}…")) > room {
                title.pop();
            }
            title.push('…');
        }
        s.draw_text(
            Point::from_xy(MARGIN_X, PAGE_H - 32.0),
            font(Face::Sans),
            8.0,
            &title,
            false,
            TextDirection::Auto,
        );
        s.draw_text(
            Point::from_xy(MARGIN_X + CONTENT_W - nw, PAGE_H - 32.0),
            font(Face::Sans),
            8.0,
            &number,
            false,
            TextDirection::Auto,
        );
        s.finish();
        page.finish();
    }

    let mut outline = Outline::new();
    let mut stack: Vec<(usize, OutlineNode)> = Vec::new();
    let close = |stack: &mut Vec<(usize, OutlineNode)>, outline: &mut Outline, level: usize| {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let (_, node) = stack.pop().expect("checked");
            match stack.last_mut() {
                Some((_, parent)) => parent.push_child(node),
                None => outline.push_child(node),
            }
        }
    };
    for b in &lay.bookmarks {
        close(&mut stack, &mut outline, b.level);
        let title = visible_controls(&b.title).replace('\n', " ");
        stack.push((
            b.level,
            OutlineNode::new(
                title,
                XyzDestination::new(b.page, Point::from_xy(MARGIN_X, b.y)),
            ),
        ));
    }
    close(&mut stack, &mut outline, 0);
    pdf.set_outline(outline);
    pdf.set_metadata(
        Metadata::new()
            .title(visible_controls(&doc.title))
            .creator("Tideline".into())
            .language("en".into()),
    );
    pdf.finish()
        .map_err(|e| Error::Invalid(format!("writing the PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_and_fits_the_width() {
        let text = "The attacker logged in as deploy from 203.0.113.45 and ran \
                    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nnext line";
        let lines = wrap(Face::Sans, 10.0, text, 120.0);
        assert!(
            lines.iter().all(|l| width(Face::Sans, 10.0, l) <= 120.0),
            "{lines:?}"
        );
        assert_eq!(lines.last().unwrap(), "next line");
        let joined: String = lines.concat().replace(' ', "");
        assert_eq!(joined, text.replace([' ', '\n'], ""));
    }
}
