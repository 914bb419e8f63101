//! A [`Document`] as one self-contained HTML page.
//!
//! Self-contained: the style sheet and the charts' SVG are inline, nothing is loaded from
//! anywhere, and a Content-Security-Policy forbids scripts and every external request, so
//! even a page edited by hand stays inert. Every piece of text goes through
//! [`escape_html`]; only figures' SVG (made by [`super::chart`], which escapes its labels)
//! is inserted as markup. Print-friendly: `@media print` drops the margins, keeps headings
//! with what follows, repeats table headers on each page (`thead`), never splits a row or
//! a figure, and turns [`Block::PageBreak`] into a page break.

use std::fmt::Write as _;

use super::doc::{anchor, Block, Document, Figure, Section, Table};

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\t' && c != '\n' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:2em auto;padding:0 2em;color:#1b1f24;max-width:1200px;line-height:1.4}\
h1{margin-bottom:.1em}.subtitle{color:#555;margin-top:0;font-size:1.1em}\
h2{border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}h3{margin-top:1.3em}\
table{border-collapse:collapse;width:100%;font-size:13px;margin:.6em 0}th,td{border:1px solid #ccd;padding:3px 6px;text-align:left;vertical-align:top}\
th{background:#eef1f5}.mono{font-family:'DejaVu Sans Mono',ui-monospace,monospace;font-size:12px;word-break:break-all}\
.num{text-align:right}.note{color:#555;font-size:12px;margin-top:-.3em}\
.fields td:first-child{width:14em;font-weight:600}.title-block{margin-bottom:1.5em}\
pre{background:#f4f5f7;border:1px solid #dde;padding:.6em;font-size:12px;white-space:pre-wrap;word-break:break-all}\
ul.check{list-style:none;padding-left:1.2em}ul.check li::before{content:'\\2610\\00a0';}ul.check li.done::before{content:'\\2611\\00a0';}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto;display:block}figcaption{color:#444;font-size:13px;margin-top:.3em}\
@media print{body{margin:0;padding:0;max-width:none;font-size:11pt}h2,h3,h4{break-after:avoid;page-break-after:avoid}\
tr,figure,pre{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}\
.page-break{break-after:page;page-break-after:always}a{color:inherit;text-decoration:none}}";

/// Renders the document as a complete HTML page.
pub fn render(doc: &Document) -> String {
    let mut h = String::new();
    let title = escape_html(&doc.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n\
         <header class=\"title-block\"><h1>{title}</h1>\n"
    );
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(h, "<p class=\"subtitle\">{}</p>", escape_html(sub));
    }
    if !doc.title_block.is_empty() {
        h.push_str("<table class=\"fields\">");
        for f in &doc.title_block {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape_html(&f.label),
                escape_html(&f.value)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</header>\n");
    let mut figures = 0;
    for s in &doc.sections {
        section(&mut h, s, 2, &mut figures);
    }
    h.push_str("</body></html>\n");
    h
}

fn section(h: &mut String, s: &Section, level: usize, figures: &mut usize) {
    let level = level.min(6);
    let _ = writeln!(
        h,
        "<section id=\"{}\"><h{level}>{}</h{level}>",
        anchor(&s.id),
        escape_html(&s.heading)
    );
    for b in &s.blocks {
        block(h, b, level, figures);
    }
    h.push_str("</section>\n");
}

fn paragraph_html(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(escape_html).collect();
    lines.join("<br>")
}

fn block(h: &mut String, b: &Block, level: usize, figures: &mut usize) {
    match b {
        Block::Paragraph { text } => {
            let _ = writeln!(h, "<p>{}</p>", paragraph_html(text));
        }
        Block::Fields { fields } => {
            h.push_str("<table class=\"fields\">");
            for f in fields {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape_html(&f.label),
                    paragraph_html(&f.value)
                );
            }
            h.push_str("</table>\n");
        }
        Block::Table(t) => table(h, t),
        Block::Bullets { items } => {
            h.push_str("<ul>");
            for i in items {
                let _ = write!(h, "<li>{}</li>", paragraph_html(i));
            }
            h.push_str("</ul>\n");
        }
        Block::Checklist { items } => {
            h.push_str("<ul class=\"check\">");
            for i in items {
                let class = if i.done { " class=\"done\"" } else { "" };
                let _ = write!(h, "<li{class}>{}</li>", paragraph_html(&i.text));
            }
            h.push_str("</ul>\n");
        }
        Block::Raw { caption, text } => {
            if let Some(c) = caption {
                let _ = writeln!(h, "<p>{}</p>", paragraph_html(c));
            }
            let _ = writeln!(h, "<pre class=\"mono\">{}</pre>", escape_html(text));
        }
        Block::Figure(f) => {
            *figures += 1;
            figure(h, f, *figures);
        }
        Block::Section(s) => section(h, s, level + 1, figures),
        Block::PageBreak => h.push_str("<div class=\"page-break\"></div>\n"),
    }
}

fn table(h: &mut String, t: &Table) {
    h.push_str("<table><thead><tr>");
    for c in &t.columns {
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(h, "<th{class}>{}</th>", escape_html(&c.title));
    }
    h.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        h.push_str("<tr>");
        for (i, c) in t.columns.iter().enumerate() {
            let class = match (c.numeric, c.mono) {
                (true, _) => " class=\"num\"",
                (false, true) => " class=\"mono\"",
                _ => "",
            };
            let text = row.get(i).map(String::as_str).unwrap_or("");
            let _ = write!(h, "<td{class}>{}</td>", paragraph_html(text));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
    if let Some(note) = &t.note {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape_html(note));
    }
}

fn figure(h: &mut String, f: &Figure, n: usize) {
    // The SVG's XML declaration is not valid inside HTML.
    let svg = f.svg.trim();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, s)| s).unwrap_or(rest).trim(),
        None => svg,
    };
    let _ = writeln!(
        h,
        "<figure id=\"fig-{}\">{svg}<figcaption>Figure {n}: {}</figcaption></figure>",
        anchor(&f.id),
        escape_html(&f.caption)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\"\u{1b}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\\u{1b}"
        );
    }
}
