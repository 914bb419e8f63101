//! Writing timeline rows out: CSV (with spreadsheet formula injection neutralised),
//! JSON lines, and a plain table for terminals (control characters made visible).

use std::io::{self, Write};

use super::EventRow;

/// The exported columns, in order.
pub const EXPORT_COLUMNS: [&str; 15] = [
    "id",
    "ts",
    "ts_quality",
    "source",
    "evidence_id",
    "locator",
    "host",
    "user",
    "src_ip",
    "dst_ip",
    "process",
    "event_code",
    "action",
    "severity",
    "message",
];

fn fields(r: &EventRow) -> [String; 15] {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.id.to_string(),
        o(&r.ts),
        r.ts_quality.clone(),
        r.source.clone(),
        r.evidence_id.to_string(),
        r.locator.clone(),
        o(&r.host),
        o(&r.user),
        o(&r.src_ip),
        o(&r.dst_ip),
        o(&r.process),
        o(&r.event_code),
        o(&r.action),
        o(&r.severity),
        r.message.clone(),
    ]
}

/// One CSV cell: a value a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or CR) gets a leading `'`; quotes, commas and line breaks are quoted.
pub fn csv_cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Writes rows as CSV with a header.
pub fn write_csv(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    writeln!(out, "{}", EXPORT_COLUMNS.join(","))?;
    for r in rows {
        let cells: Vec<String> = fields(r).iter().map(|v| csv_cell(v)).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// Writes rows as JSON lines.
pub fn write_jsonl(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Makes control characters (terminal escape sequences among them) visible.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes rows as an aligned text table for a terminal.
pub fn write_table(out: &mut dyn Write, rows: &[EventRow]) -> io::Result<()> {
    let header = [
        "TIME (UTC)",
        "SOURCE",
        "HOST",
        "PROCESS",
        "USER",
        "SRC_IP",
        "ACTION",
        "MESSAGE",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let o = |v: &Option<String>| visible(v.as_deref().unwrap_or("-"));
            [
                o(&r.ts),
                visible(&r.source),
                o(&r.host),
                o(&r.process),
                o(&r.user),
                o(&r.src_ip),
                o(&r.action),
                visible(&r.message),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row.iter()).take(7) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in row.iter().enumerate() {
            if i < 7 {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            } else {
                s.push_str(c);
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &header)?;
    for row in &cells {
        let refs: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &refs)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_neutralise_formulas_and_quote_separators() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn visible_escapes_terminal_control_sequences() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
