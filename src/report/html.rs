//! The case report as HTML.

use std::fmt::Write as _;

use crate::error::Result;
use crate::store::Case;
use crate::time::format_micros;
use crate::timeline::{EventRow, Timeline};

/// Actions that make an event a key event in the report.
pub const KEY_ACTIONS: [&str; 11] = [
    "auth_success",
    "sudo",
    "su",
    "user_created",
    "user_deleted",
    "breakin_attempt",
    "group_member_added",
    "service_installed",
    "scheduled_task_created",
    "explicit_credentials_logon",
    "log_cleared",
];
/// Severities that make an event a key event: syslog's names and the Windows /
/// CloudTrail ones.
pub const KEY_SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "critical", "error", "fatal",
];
const KEY_EVENTS_SHOWN: usize = 500;
const ISSUES_SHOWN: usize = 200;

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
            c if c.is_control() && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn opt(v: &Option<String>) -> String {
    escape_html(v.as_deref().unwrap_or(""))
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}\
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}\
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccd;padding:3px 6px;text-align:left;vertical-align:top}\
th{background:#eef1f5}.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}\
.num{text-align:right}.ts{white-space:nowrap}.meta td:first-child{width:14em;font-weight:600}.chart svg{max-width:100%;height:auto}\
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}";

/// Renders the case report. Reads the case; writes nothing.
pub fn case_report_html(case: &Case, timeline: &Timeline) -> Result<String> {
    let meta = case.meta()?;
    let evidence = case.evidence()?;
    let issues_total = case.issue_count()?;
    let audit = case.audit_log()?;
    let mut h = String::new();
    let title = escape_html(&meta.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>Incident report: {title}</title><style>{STYLE}</style></head><body>\n\
         <h1>Incident report: {title}</h1>\n<h2 id=\"summary\">Case summary</h2>\n<table class=\"meta\">"
    );
    let span = timeline.span()?;
    let rows: [(&str, String); 10] = [
        ("Case id", escape_html(&meta.case_id)),
        ("Severity", escape_html(&meta.severity)),
        ("NIST phase", escape_html(&meta.phase)),
        ("Status", escape_html(&meta.status)),
        ("Created (UTC)", format_micros(meta.created_at)),
        ("Last changed (UTC)", format_micros(meta.updated_at)),
        (
            "Sealed (UTC)",
            meta.sealed_at
                .map(format_micros)
                .unwrap_or_else(|| "not sealed".into()),
        ),
        ("Evidence items", thousands(evidence.len() as u64)),
        (
            "Events / import issues",
            format!(
                "{} / {}",
                thousands(timeline.len() as u64),
                thousands(issues_total as u64)
            ),
        ),
        (
            "Events span (UTC)",
            span.map(|(a, b)| format!("{} to {}", format_micros(a), format_micros(b)))
                .unwrap_or_else(|| "no timed events".into()),
        ),
    ];
    for (k, v) in rows {
        let _ = write!(h, "<tr><td>{k}</td><td>{v}</td></tr>");
    }
    h.push_str("</table>\n");

    h.push_str("<h2 id=\"evidence\">Evidence</h2>\n<table><tr><th>#</th><th>File</th><th>Format</th><th class=\"num\">Bytes</th><th>Hashes</th><th>Acquired (mtime, UTC)</th><th>Imported (UTC) by</th><th class=\"num\">Events</th><th class=\"num\">Issues</th></tr>");
    for e in &evidence {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}<div class=\"mono\">{}</div></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"mono\">SHA-256 {}<br>SHA-1 {}<br>MD5 {}</td><td>{}</td><td>{} by {}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            e.id,
            escape_html(&e.file_name),
            escape_html(&e.original_path),
            opt(&e.format),
            thousands(e.size as u64),
            e.sha256,
            e.sha1,
            e.md5,
            e.acquired_at.map(format_micros).unwrap_or_default(),
            format_micros(e.imported_at),
            escape_html(&e.imported_by),
            thousands(e.events as u64),
            thousands(e.issues as u64),
        );
    }
    h.push_str("</table>\n");

    for (id, heading, column) in [
        ("by-source", "Events by source", "source"),
        ("by-host", "Events by host", "host"),
    ] {
        let _ = write!(
            h,
            "<h2 id=\"{id}\">{heading}</h2>\n<table><tr><th>{column}</th><th class=\"num\">Events</th></tr>"
        );
        for (value, n) in timeline.counts_by(column)? {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape_html(&value),
                thousands(n)
            );
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2 id=\"over-time\">Events over time</h2>\n<div class=\"chart\">");
    let svg = super::chart::events_over_time(&timeline.histogram(60)?, 1100, 320)?;
    // The SVG's XML declaration is not valid inside HTML.
    let svg = svg
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or(&svg);
    h.push_str(svg.trim());
    h.push_str("</div>\n");

    let key = timeline.select_notable(&KEY_ACTIONS, &KEY_SEVERITIES, KEY_EVENTS_SHOWN)?;
    let names: std::collections::HashMap<i64, &str> = evidence
        .iter()
        .map(|e| (e.id, e.file_name.as_str()))
        .collect();
    let _ = write!(
        h,
        "<h2 id=\"key-events\">Key events</h2>\n<p>Logins that succeeded, privilege use, account \
         and group changes, new services and scheduled tasks, cleared logs, break-in warnings and messages of severity warning or worse: \
         {} events{}.</p>\n<table><tr><th>Time (UTC)</th><th>Host</th><th>User</th><th>Source IP</th>\
         <th>Process</th><th>Action</th><th>Message</th><th>Evidence</th></tr>",
        thousands(key.total as u64),
        if key.total > key.rows.len() {
            format!(", the first {} shown", key.rows.len())
        } else {
            String::new()
        }
    );
    for r in &key.rows {
        push_event_row(&mut h, r, names.get(&r.evidence_id).copied().unwrap_or("?"));
    }
    h.push_str("</table>\n");

    let _ = write!(
        h,
        "<h2 id=\"issues\">Import issues</h2>\n<p>{} lines or records did not become events; each \
         is kept in the case with its raw text.</p>",
        thousands(issues_total as u64)
    );
    if issues_total > 0 {
        h.push_str("<table><tr><th>Evidence</th><th>Where</th><th>Why</th><th>Raw</th></tr>");
        for i in case.issues(ISSUES_SHOWN)? {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
                escape_html(names.get(&i.evidence_id).copied().unwrap_or("?")),
                escape_html(&i.locator),
                escape_html(&i.reason),
                escape_html(&String::from_utf8_lossy(&i.raw)),
            );
        }
        h.push_str("</table>\n");
    }

    let _ = write!(
        h,
        "<h2 id=\"audit\">Audit log</h2>\n<p>{} entries, hash-chained; head <span class=\"mono\">{}</span>.</p>\n\
         <table><tr><th>#</th><th>When (UTC)</th><th>Who</th><th>What</th></tr>",
        audit.len(),
        audit.last().map(|a| a.hash.as_str()).unwrap_or("(empty)")
    );
    for a in &audit {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a.seq,
            format_micros(a.at),
            escape_html(&a.actor),
            escape_html(&a.action)
        );
    }
    h.push_str("</table>\n</body></html>\n");
    Ok(h)
}

fn push_event_row(h: &mut String, r: &EventRow, evidence_name: &str) {
    let _ = write!(
        h,
        "<tr><td class=\"mono ts\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
        opt(&r.ts),
        opt(&r.host),
        opt(&r.user),
        opt(&r.src_ip),
        opt(&r.process),
        opt(&r.action),
        escape_html(&r.message),
        escape_html(evidence_name),
        escape_html(&r.locator),
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

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
