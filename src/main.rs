//! The `tideline` command line: parse arguments, call the core, print the result.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use tideline::ingest::{self, Format, ImportOptions};
use tideline::time::{format_micros, parse_user_time};
use tideline::timeline::annotate::{annotate, parse_offset, set_clock_offset, Change, Verdict};
use tideline::timeline::export::{
    csv_cell, export_view, visible, write_csv, write_jsonl, write_table, ExportFormat,
};
use tideline::timeline::sql::SqlResult;
use tideline::timeline::{Around, Sort, Timeline, TimelineQuery};
use tideline::{archive, ioc, report, Case};

mod incident_cli;

#[derive(Parser)]
#[command(
    name = "tideline",
    version,
    about = "Forensic timelines and post-incident analysis"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty case file.
    New {
        case: PathBuf,
        #[arg(long)]
        title: String,
        /// Who creates it (default: the OS user).
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import evidence files into a case (hashed, stored, parsed).
    Import {
        case: PathBuf,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Force a format instead of detecting it (see `tideline formats`).
        #[arg(long)]
        format: Option<String>,
        /// Year of the first year-less syslog line (default: from the file's mtime).
        #[arg(long)]
        year: Option<i32>,
        /// Time zone of zone-less stamps, e.g. Europe/Berlin (default UTC).
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// Generic JSON lines / CSV: the field that holds the time.
        #[arg(long)]
        time_field: Option<String>,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show events in time order (or sorted), filtered by a query, paged.
    Timeline {
        case: PathBuf,
        /// A query (see "Query language" in the README), e.g. `host:web-01 "failed password"`.
        #[arg(short, long, default_value = "", allow_hyphen_values = true)]
        query: String,
        /// Sort by a column (`user`, `-ts`, `host:desc`); default time order.
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        /// Start the page at the first event at or after this time (time order only).
        #[arg(long)]
        at: Option<String>,
        /// Show times in this IANA zone (default UTC).
        #[arg(long)]
        tz: Option<String>,
        /// Earliest time (UTC unless an offset is given), inclusive.
        #[arg(long)]
        from: Option<String>,
        /// Latest time, inclusive.
        #[arg(long)]
        to: Option<String>,
        /// Case-insensitive text in message, host, user, process, IPs, action or code.
        #[arg(long)]
        grep: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Tag events (or remove a tag with --remove).
    Tag {
        case: PathBuf,
        tag: String,
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        remove: bool,
    },
    /// Star events (or unstar them with --remove).
    Star {
        case: PathBuf,
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        remove: bool,
    },
    /// Set the note of events (an empty note clears it).
    Note {
        case: PathBuf,
        text: String,
        #[command(flatten)]
        target: Target,
    },
    /// Set the verdict of events: benign, suspicious, malicious, or none to clear it.
    Verdict {
        case: PathBuf,
        verdict: String,
        #[command(flatten)]
        target: Target,
    },
    /// Show, set or remove the clock offset of an evidence item.
    Clock {
        case: PathBuf,
        /// The evidence id (as in `tideline stats`); without it, list the offsets.
        evidence: Option<i64>,
        /// Added to each event time of the evidence: +1h, -90s, +00:05:30.
        #[arg(allow_hyphen_values = true)]
        offset: Option<String>,
        /// Why the clock is off (required when setting).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        remove: bool,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Events over time for a query, in automatically sized buckets.
    Histogram {
        case: PathBuf,
        #[arg(short, long, default_value = "", allow_hyphen_values = true)]
        query: String,
        /// At most this many buckets.
        #[arg(long, default_value_t = 60)]
        buckets: usize,
        #[arg(long)]
        json: bool,
    },
    /// The most frequent values of a column among the events of a query.
    Top {
        case: PathBuf,
        column: String,
        #[arg(short, long, default_value = "", allow_hyphen_values = true)]
        query: String,
        #[arg(short, default_value_t = 10)]
        n: usize,
        #[arg(long)]
        json: bool,
    },
    /// Distinct values per column among the events of a query.
    Distinct {
        case: PathBuf,
        #[arg(short, long, default_value = "", allow_hyphen_values = true)]
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// The events around one event: a time window before and after it.
    Around {
        case: PathBuf,
        id: i64,
        /// Window on each side: 30s, 5m, 1h.
        #[arg(long, default_value = "5m")]
        window: String,
        /// Only events of the same host or user.
        #[arg(long, value_enum)]
        same: Option<SameArg>,
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[arg(long)]
        tz: Option<String>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Export the events of a query: csv, jsonl, timesketch-csv, timesketch-jsonl, or
    /// parquet (a folder, one `day=YYYY-MM-DD/part-0.parquet` per day).
    Export {
        case: PathBuf,
        #[arg(short, long, default_value = "", allow_hyphen_values = true)]
        query: String,
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        #[arg(long)]
        format: String,
        /// The file (a folder for parquet).
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Run one SQL SELECT over the timeline (tables `events` and `timeline`).
    Sql {
        case: PathBuf,
        sql: String,
        #[arg(long, value_enum, default_value_t = SqlFormat::Table)]
        format: SqlFormat,
    },
    /// Counts of events, issues and evidence, by source and host.
    Stats {
        case: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List the import issues (lines that did not become events).
    Issues {
        case: PathBuf,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Write a report: the case report (default, HTML), the lessons-learned report, the
    /// follow-up bug list or a notification draft. Every kind but `case` is stored in the
    /// case with its SHA-256 (not when the case is sealed: the file is still written).
    Report {
        case: PathBuf,
        /// case, lessons, followups or notification.
        #[arg(long, default_value = "case")]
        kind: String,
        /// html, md, pdf or json; for followups jira-csv, github, gh-script, checklist or json.
        #[arg(long)]
        format: Option<String>,
        /// The notification draft: customer, gdpr_art33, gdpr_art34, nis2, dora, sec, hipaa.
        #[arg(long)]
        regime: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
        /// Also write every chart of the report to this folder as SVG and PNG.
        #[arg(long)]
        charts: Option<PathBuf>,
        /// Do not store the report in the case.
        #[arg(long)]
        no_archive: bool,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the reports stored in a case, or write one of them out again.
    Reports {
        case: PathBuf,
        /// Write the stored bytes of this report to --output.
        #[arg(long, requires = "output")]
        extract: Option<i64>,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Set the lessons-learned report's status (draft, in_review, final) and authors.
    ReportStatus {
        case: PathBuf,
        status: String,
        /// An author (repeat for several), in the order they are to be named.
        #[arg(long = "author")]
        authors: Vec<String>,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Seal the case: record a manifest and refuse every later change.
    Seal {
        case: PathBuf,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check that nothing in the case changed; exits 1 and names what did.
    Verify {
        case: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Indicator lists: import them into a case, list what the case has.
    Ioc {
        #[command(subcommand)]
        command: IocCommand,
    },
    /// Sweep every event of a case for its indicators and store the hits; or, with
    /// --library DIR, sweep every case file in DIR for the indicators of a list (sealed
    /// cases are read, not changed, and their hits reported).
    Sweep {
        /// The case (or, with --library, the indicator list).
        path: PathBuf,
        /// A folder of case files (*.tideline) to sweep with the list given as PATH.
        #[arg(long, value_name = "DIR")]
        library: Option<PathBuf>,
        /// Worker threads (default: the number of cores, at most 8).
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the evidence formats Tideline reads.
    Formats {
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Incident(incident_cli::IncidentCommand),
}

#[derive(Subcommand)]
enum IocCommand {
    /// Import an indicator list (text, CSV, STIX 2.1 or MISP JSON) into a case.
    Import {
        case: PathBuf,
        file: PathBuf,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The case's indicators with their hits and first and last seen.
    List {
        case: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Table,
    Csv,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum SqlFormat {
    Table,
    Csv,
    Jsonl,
    Json,
}

fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn print_sql(r: &SqlResult, format: SqlFormat) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match format {
        SqlFormat::Json => {
            let rows: Vec<serde_json::Map<String, serde_json::Value>> = r
                .rows
                .iter()
                .map(|row| r.columns.iter().cloned().zip(row.iter().cloned()).collect())
                .collect();
            serde_json::to_writer_pretty(&mut out, &json!({ "columns": r.columns, "rows": rows }))?;
            writeln!(out)?;
        }
        SqlFormat::Jsonl => {
            for row in &r.rows {
                let m: serde_json::Map<String, serde_json::Value> =
                    r.columns.iter().cloned().zip(row.iter().cloned()).collect();
                serde_json::to_writer(&mut out, &m)?;
                writeln!(out)?;
            }
        }
        SqlFormat::Csv => {
            let head: Vec<String> = r.columns.iter().map(|c| csv_cell(c)).collect();
            writeln!(out, "{}", head.join(","))?;
            for row in &r.rows {
                let cells: Vec<String> = row.iter().map(|v| csv_cell(&cell_text(v))).collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
        SqlFormat::Table => {
            let cells: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| row.iter().map(|v| visible(&cell_text(v))).collect())
                .collect();
            let mut widths: Vec<usize> = r.columns.iter().map(|c| c.chars().count()).collect();
            for row in &cells {
                for (w, c) in widths.iter_mut().zip(row) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |row: &[String]| -> String {
                row.iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(&r.columns))?;
            for row in &cells {
                writeln!(out, "{}", line(row))?;
            }
            writeln!(out, "-- {} rows", r.rows.len())?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
enum SameArg {
    Host,
    User,
}

/// Which events an annotation applies to.
#[derive(clap::Args)]
struct Target {
    /// Event ids, comma-separated (ranges allowed: 3-7).
    #[arg(long)]
    ids: Option<String>,
    /// Every event matching this query.
    #[arg(long, allow_hyphen_values = true)]
    query: Option<String>,
    #[arg(long)]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

fn parse_ids(text: &str) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || anyhow::anyhow!("'{part}' is no event id (write 1,2,5-9)");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (i64, i64) =
                    (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
                if b < a || b - a > 10_000_000 {
                    return Err(bad());
                }
                ids.extend(a..=b);
            }
            None => ids.push(part.parse().map_err(|_| bad())?),
        }
    }
    Ok(ids)
}

/// A query error with the query and a caret under the position.
fn with_caret(query: &str, e: tideline::Error) -> anyhow::Error {
    match &e {
        tideline::Error::Query { position, .. } => {
            let qe = tideline::timeline::query::QueryError {
                position: *position,
                message: String::new(),
            };
            anyhow::anyhow!("{e}\n{}", qe.caret(query))
        }
        _ => anyhow::Error::new(e),
    }
}

fn zone(tz: Option<&str>) -> anyhow::Result<Option<chrono_tz::Tz>> {
    tz.map(|t| {
        t.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow::anyhow!("unknown time zone '{t}' (use an IANA name such as Europe/Berlin)")
        })
    })
    .transpose()
}

/// Resolves an annotation target to event ids.
fn target_ids(case: &Case, target: &Target) -> anyhow::Result<Vec<i64>> {
    match (&target.ids, &target.query) {
        (Some(ids), None) => parse_ids(ids),
        (None, Some(q)) => {
            let tl = Timeline::load_cached(case)?;
            let q = TimelineQuery {
                query: q.clone(),
                limit: usize::MAX,
                ..Default::default()
            };
            Ok(tl
                .query(&q)
                .map_err(|e| with_caret(&q.query, e))?
                .rows
                .iter()
                .map(|r| r.id)
                .collect())
        }
        _ => anyhow::bail!("say which events: --ids 1,2 or --query QUERY (one of them)"),
    }
}

fn annotate_cmd(case: &Path, target: &Target, change: Change) -> anyhow::Result<()> {
    let mut c = open(case)?;
    let ids = target_ids(&c, target)?;
    if ids.is_empty() {
        anyhow::bail!("no event matches the query; nothing annotated");
    }
    let actor = target.actor.clone().unwrap_or_else(ingest::default_actor);
    let changed = annotate(&mut c, &ids, &change, &actor)?;
    if target.json {
        print_json(&json!({ "events": ids.len(), "changed": changed }))?;
    } else {
        println!("{} events, {changed} changed", ids.len());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tideline: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn open(case: &Path) -> anyhow::Result<Case> {
    Case::open(case).with_context(|| format!("opening {}", case.display()))
}

fn print_indicator_table<'a>(
    rows: impl Iterator<Item = (&'a str, &'a str, u64, Option<&'a str>, Option<&'a str>)>,
) {
    println!(
        "{:<10} {:>7}  {:<27} {:<27} value",
        "type", "hits", "first seen", "last seen"
    );
    for (kind, value, hits, first, last) in rows {
        println!(
            "{kind:<10} {hits:>7}  {:<27} {:<27} {}",
            first.unwrap_or("-"),
            last.unwrap_or("-"),
            visible(value)
        );
    }
}

fn print_sweep(r: &ioc::sweep::SweepReport) {
    println!(
        "== {}{}: {} events, {} indicators, {} events hit, {} hits (indicator, event, field){}",
        r.case.display(),
        if r.sealed {
            " (sealed: read, not changed)"
        } else {
            ""
        },
        r.events,
        r.indicators,
        r.events_hit,
        r.field_hits,
        if r.stored {
            format!(", {} new", r.new_hits)
        } else {
            String::new()
        }
    );
    print_indicator_table(r.results.iter().map(|x| {
        (
            x.kind.as_str(),
            x.value.as_str(),
            x.hits,
            x.first_seen.as_deref(),
            x.last_seen.as_deref(),
        )
    }));
}

struct ReportArgs {
    case: PathBuf,
    kind: String,
    format: Option<String>,
    regime: Option<String>,
    output: PathBuf,
    charts: Option<PathBuf>,
    no_archive: bool,
    actor: Option<String>,
    json: bool,
}

/// `tideline report`: generate, write (with Markdown figures beside it), chart PNGs,
/// archive in the case. The case report (the default kind) only reads the case, as it
/// always did.
fn report_command(a: ReportArgs) -> anyhow::Result<()> {
    report::generate::check(&a.kind, a.format.as_deref())?;
    let archive = a.kind != "case" && !a.no_archive;
    let mut c = if archive {
        match Case::open(&a.case) {
            Ok(c) => c,
            Err(_) => Case::open_read_only(&a.case)?,
        }
    } else {
        Case::open_read_only(&a.case)?
    };
    let tl = Timeline::load(&c)?;
    let g = report::generate::generate(
        &c,
        &tl,
        &a.kind,
        a.format.as_deref(),
        a.regime.as_deref(),
        None,
    )?;
    std::fs::write(&a.output, &g.bytes)
        .with_context(|| format!("writing {}", a.output.display()))?;
    let dir = a.output.parent().unwrap_or(std::path::Path::new("."));
    for (rel, svg) in &g.figures {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut chart_files = Vec::new();
    if let (Some(charts), Some(doc)) = (&a.charts, &g.document) {
        std::fs::create_dir_all(charts)?;
        for f in doc.figures() {
            let svg_path = charts.join(format!("{}.svg", f.id));
            std::fs::write(&svg_path, &f.svg)?;
            let png_path = charts.join(format!("{}.png", f.id));
            std::fs::write(&png_path, report::chart::svg_to_png(&f.svg, 2.0)?)?;
            chart_files.push(svg_path);
            chart_files.push(png_path);
        }
    }
    let file_name = a
        .output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = if archive {
        let actor = a.actor.clone().unwrap_or_else(ingest::default_actor);
        Some(report::generate::archive(&mut c, &actor, &g, &file_name)?)
    } else {
        None
    };
    let sha256 = tideline::evidence::sha256_hex(&g.bytes);
    if a.kind == "case" && !a.json {
        println!(
            "wrote {} ({} bytes, sha256 {sha256})",
            a.output.display(),
            g.bytes.len()
        );
    } else if a.kind == "case" {
        print_json(&json!({ "path": a.output, "bytes": g.bytes.len(), "sha256": sha256 }))?;
    } else if a.json {
        print_json(&json!({
            "path": a.output, "kind": g.kind, "format": g.format, "regime": g.regime,
            "bytes": g.bytes.len(), "sha256": sha256,
            "figures": g.figures.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            "charts": chart_files,
            "archived_id": outcome.as_ref().and_then(|o| o.archived.as_ref()).map(|r| r.id),
            "not_archived": outcome.as_ref().and_then(|o| o.not_archived.clone()),
        }))?;
    } else {
        println!(
            "wrote {} ({} bytes, sha256 {sha256})",
            a.output.display(),
            g.bytes.len()
        );
        for (p, _) in &g.figures {
            println!("wrote {}", dir.join(p).display());
        }
        for p in &chart_files {
            println!("wrote {}", p.display());
        }
        match &outcome {
            Some(o) => match (&o.archived, &o.not_archived) {
                (Some(r), _) => println!("stored in the case as report #{}", r.id),
                (_, Some(why)) => println!("{why}"),
                _ => {}
            },
            None => println!("not stored in the case (--no-archive)"),
        }
    }
    Ok(())
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Incident(cmd) => return incident_cli::run(cmd),
        Command::New {
            case,
            title,
            actor,
            json,
        } => {
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let c = Case::create(&case, &title, &actor)?;
            let meta = c.meta()?;
            if json {
                print_json(&json!({ "path": case, "case_id": meta.case_id, "title": meta.title }))?;
            } else {
                println!("created {} (case {})", case.display(), meta.case_id);
            }
        }
        Command::Import {
            case,
            files,
            format,
            year,
            tz,
            time_field,
            actor,
            json,
        } => {
            let tz: chrono_tz::Tz = tz.parse().map_err(|_| {
                anyhow::anyhow!("unknown time zone '{tz}' (use an IANA name such as Europe/Berlin)")
            })?;
            let opts = ImportOptions {
                format,
                year,
                tz,
                time_field,
                actor: actor.unwrap_or_else(ingest::default_actor),
            };
            let mut c = open(&case)?;
            let report =
                ingest::import_paths(&mut c, &files, &opts, &mut |_| ControlFlow::Continue(()))?;
            if json {
                print_json(&json!({ "files": report.imported, "refused": report.refused }))?;
            } else {
                for s in &report.imported {
                    println!(
                        "{}: {} events, {} issues, {} skipped, format {}{}, sha256 {}",
                        visible(&s.path),
                        s.events,
                        s.issues,
                        s.skipped,
                        s.format
                            .as_deref()
                            .unwrap_or("none (registered as evidence only)"),
                        if s.gzip { " (gzip)" } else { "" },
                        s.sha256
                    );
                }
            }
            for r in &report.refused {
                eprintln!("tideline: not imported: {}", visible(&r.reason));
            }
            if !report.refused.is_empty() {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Timeline {
            case,
            query,
            sort,
            at,
            tz,
            from,
            to,
            grep,
            limit,
            offset,
            format,
        } => {
            let c = Case::open_read_only(&case)?;
            let mut q = TimelineQuery {
                query,
                from: from.as_deref().map(parse_user_time).transpose()?,
                to: to.as_deref().map(parse_user_time).transpose()?,
                grep,
                sort: sort.as_deref().map(Sort::parse).transpose()?,
                offset,
                limit,
                zone: zone(tz.as_deref())?,
            };
            let tl = Timeline::load_cached(&c)?;
            if let Some(at) = at {
                q.offset = tl
                    .jump_to(&q, parse_user_time(&at)?)
                    .map_err(|e| with_caret(&q.query, e))?;
            }
            let offset = q.offset;
            let page = tl.query(&q).map_err(|e| with_caret(&q.query, e))?;
            let mut out = io::stdout().lock();
            match format {
                OutputFormat::Table => {
                    write_table(&mut out, &page.rows)?;
                    writeln!(
                        out,
                        "-- rows {}..{} of {} matching events",
                        (offset + 1).min(page.total),
                        offset + page.rows.len(),
                        page.total
                    )?;
                }
                OutputFormat::Csv => write_csv(&mut out, &page.rows)?,
                OutputFormat::Jsonl => write_jsonl(&mut out, &page.rows)?,
            }
        }
        Command::Tag {
            case,
            tag,
            target,
            remove,
        } => {
            let change = if remove {
                Change::Untag(tag)
            } else {
                Change::Tag(tag)
            };
            annotate_cmd(&case, &target, change)?;
        }
        Command::Star {
            case,
            target,
            remove,
        } => {
            let change = if remove { Change::Unstar } else { Change::Star };
            annotate_cmd(&case, &target, change)?;
        }
        Command::Note { case, text, target } => {
            let note = (!text.trim().is_empty()).then_some(text);
            annotate_cmd(&case, &target, Change::Note(note))?;
        }
        Command::Verdict {
            case,
            verdict,
            target,
        } => {
            let v = if verdict.trim().eq_ignore_ascii_case("none") {
                None
            } else {
                Some(Verdict::parse(&verdict)?)
            };
            annotate_cmd(&case, &target, Change::Verdict(v))?;
        }
        Command::Clock {
            case,
            evidence,
            offset,
            reason,
            remove,
            actor,
            json,
        } => {
            let actor = actor.unwrap_or_else(ingest::default_actor);
            match (evidence, offset, remove) {
                (None, None, false) => {
                    let c = Case::open_read_only(&case)?;
                    let offsets = c.clock_offsets()?;
                    if json {
                        print_json(&serde_json::to_value(&offsets)?)?;
                    } else {
                        for o in &offsets {
                            println!(
                                "evidence {}: {:+} us ({})",
                                o.evidence_id,
                                o.offset_us,
                                visible(&o.reason)
                            );
                        }
                        println!("-- {} clock offsets", offsets.len());
                    }
                }
                (Some(ev), None, true) => {
                    let mut c = open(&case)?;
                    set_clock_offset(&mut c, ev, None, &actor)?;
                    if json {
                        print_json(&json!({ "evidence_id": ev, "offset_us": null }))?;
                    } else {
                        println!("evidence {ev}: clock offset removed");
                    }
                }
                (Some(ev), Some(off), false) => {
                    let us = parse_offset(&off)?;
                    let reason = reason.unwrap_or_default();
                    let mut c = open(&case)?;
                    set_clock_offset(&mut c, ev, Some((us, &reason)), &actor)?;
                    if json {
                        print_json(&json!({ "evidence_id": ev, "offset_us": us }))?;
                    } else {
                        println!("evidence {ev}: clock offset {us:+} us");
                    }
                }
                _ => anyhow::bail!(
                    "write `tideline clock CASE` (list), `clock CASE EVIDENCE OFFSET --reason R` or `clock CASE EVIDENCE --remove`"
                ),
            }
        }
        Command::Histogram {
            case,
            query,
            buckets,
            json,
        } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let h = tl
                .histogram_of(&TimelineQuery::of(&query), buckets)
                .map_err(|e| with_caret(&query, e))?;
            if json {
                let b: Vec<_> = h
                    .buckets
                    .iter()
                    .map(|(t, n)| json!({ "start": format_micros(*t), "events": n }))
                    .collect();
                print_json(&json!({ "bucket_seconds": h.bucket_seconds, "buckets": b }))?;
            } else {
                let most = h.buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1);
                for (t, n) in &h.buckets {
                    let bar = "#".repeat(((*n * 50).div_ceil(most)) as usize);
                    println!("{}  {n:>8}  {bar}", format_micros(*t));
                }
                println!("-- {} buckets of {} s", h.buckets.len(), h.bucket_seconds);
            }
        }
        Command::Top {
            case,
            column,
            query,
            n,
            json,
        } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let top = tl
                .top(&TimelineQuery::of(&query), &column, n)
                .map_err(|e| with_caret(&query, e))?;
            if json {
                let v: Vec<_> = top
                    .values
                    .iter()
                    .map(|(v, n)| json!({ "value": v, "events": n }))
                    .collect();
                print_json(&json!({
                    "column": top.column,
                    "events": top.total,
                    "distinct": top.distinct,
                    "values": v,
                }))?;
            } else {
                for (v, n) in &top.values {
                    println!("{n:>10}  {}", visible(v));
                }
                println!(
                    "-- top {} of {} distinct {} values over {} events",
                    top.values.len(),
                    top.distinct,
                    top.column,
                    top.total
                );
            }
        }
        Command::Distinct { case, query, json } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let q = TimelineQuery::of(&query);
            let d = tl.distinct_counts(&q).map_err(|e| with_caret(&query, e))?;
            if json {
                let m: serde_json::Map<_, _> =
                    d.iter().map(|(k, n)| (k.clone(), json!(n))).collect();
                print_json(&json!({ "events": tl.count(&q)?, "distinct": m }))?;
            } else {
                for (k, n) in &d {
                    println!("{k:<12} {n}");
                }
            }
        }
        Command::Around {
            case,
            id,
            window,
            same,
            limit,
            tz,
            format,
        } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let w = parse_offset(&window)?.abs();
            let same = match same {
                None => Around::Any,
                Some(SameArg::Host) => Around::SameHost,
                Some(SameArg::User) => Around::SameUser,
            };
            let page = tl.around(id, w, w, same, limit, zone(tz.as_deref())?)?;
            let mut out = io::stdout().lock();
            match format {
                OutputFormat::Table => {
                    write_table(&mut out, &page.rows)?;
                    writeln!(
                        out,
                        "-- {} events within {window} of event {id}",
                        page.total
                    )?;
                }
                OutputFormat::Csv => write_csv(&mut out, &page.rows)?,
                OutputFormat::Jsonl => write_jsonl(&mut out, &page.rows)?,
            }
        }
        Command::Export {
            case,
            query,
            sort,
            format,
            output,
            json,
        } => {
            let format = ExportFormat::parse(&format)?;
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let q = TimelineQuery {
                query,
                sort: sort.as_deref().map(Sort::parse).transpose()?,
                ..Default::default()
            };
            let summary =
                export_view(&tl, &q, format, &output).map_err(|e| with_caret(&q.query, e))?;
            if json {
                print_json(&serde_json::to_value(&summary)?)?;
            } else {
                println!(
                    "exported {} events to {} ({} files){}",
                    summary.events,
                    output.display(),
                    summary.files.len(),
                    if summary.skipped > 0 {
                        format!("; {} without a time left out", summary.skipped)
                    } else {
                        String::new()
                    }
                );
            }
        }
        Command::Sql { case, sql, format } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load_cached(&c)?;
            let result = tideline::timeline::sql::run(&tl, &sql)?;
            print_sql(&result, format)?;
        }
        Command::Stats { case, json } => {
            let c = Case::open_read_only(&case)?;
            let tl = Timeline::load(&c)?;
            let by_source = tl.counts_by("source")?;
            let by_host = tl.counts_by("host")?;
            let span = tl.span()?;
            let evidence = c.evidence()?.len();
            let issues = c.issue_count()?;
            if json {
                let to_map = |v: &[(String, u64)]| -> serde_json::Map<String, serde_json::Value> {
                    v.iter().map(|(k, n)| (k.clone(), json!(n))).collect()
                };
                print_json(&json!({
                    "events": tl.len(),
                    "issues": issues,
                    "evidence": evidence,
                    "by_source": to_map(&by_source),
                    "by_host": to_map(&by_host),
                    "first_ts": span.map(|s| format_micros(s.0)),
                    "last_ts": span.map(|s| format_micros(s.1)),
                }))?;
            } else {
                println!("events    {}", tl.len());
                println!("issues    {issues}");
                println!("evidence  {evidence}");
                if let Some((a, b)) = span {
                    println!("span      {} .. {}", format_micros(a), format_micros(b));
                }
                for (title, rows) in [("by source", &by_source), ("by host", &by_host)] {
                    println!("{title}:");
                    for (k, n) in rows {
                        println!("  {:<24} {n}", visible(k));
                    }
                }
            }
        }
        Command::Issues { case, limit, json } => {
            let c = Case::open_read_only(&case)?;
            let names: std::collections::HashMap<i64, String> = c
                .evidence()?
                .into_iter()
                .map(|e| (e.id, e.file_name))
                .collect();
            let issues = c.issues(limit)?;
            if json {
                let rows: Vec<_> = issues
                    .iter()
                    .map(|i| {
                        json!({
                            "evidence_id": i.evidence_id,
                            "evidence": names.get(&i.evidence_id),
                            "locator": i.locator,
                            "reason": i.reason,
                            "raw": String::from_utf8_lossy(&i.raw),
                        })
                    })
                    .collect();
                print_json(&json!({ "total": c.issue_count()?, "issues": rows }))?;
            } else {
                for i in &issues {
                    println!(
                        "{} {}: {}: {}",
                        visible(names.get(&i.evidence_id).map(String::as_str).unwrap_or("?")),
                        i.locator,
                        i.reason,
                        visible(&String::from_utf8_lossy(&i.raw))
                    );
                }
                println!("-- {} of {} issues", issues.len(), c.issue_count()?);
            }
        }
        Command::Report {
            case,
            kind,
            format,
            regime,
            output,
            charts,
            no_archive,
            actor,
            json,
        } => {
            report_command(ReportArgs {
                case,
                kind,
                format,
                regime,
                output,
                charts,
                no_archive,
                actor,
                json,
            })?;
        }
        Command::Reports {
            case,
            extract,
            output,
            json,
        } => {
            let c = Case::open_read_only(&case)?;
            if let (Some(id), Some(out)) = (extract, output) {
                let bytes = c
                    .archived_report_content(id)?
                    .ok_or_else(|| anyhow::anyhow!("the case has no stored report #{id}"))?;
                std::fs::write(&out, &bytes)
                    .with_context(|| format!("writing {}", out.display()))?;
                let sha256 = tideline::evidence::sha256_hex(&bytes);
                if json {
                    print_json(
                        &json!({ "id": id, "path": out, "bytes": bytes.len(), "sha256": sha256 }),
                    )?;
                } else {
                    println!(
                        "wrote {} ({} bytes, sha256 {sha256})",
                        out.display(),
                        bytes.len()
                    );
                }
            } else {
                let list = c.archived_reports()?;
                if json {
                    let rows: Vec<_> = list
                        .iter()
                        .map(|r| {
                            json!({ "id": r.id, "kind": r.kind, "format": r.format,
                                    "regime": r.regime, "file_name": r.file_name,
                                    "bytes": r.bytes, "sha256": r.sha256,
                                    "generated_by": r.generated_by,
                                    "generated_at": format_micros(r.generated_at) })
                        })
                        .collect();
                    print_json(&json!(rows))?;
                } else {
                    for r in &list {
                        println!(
                            "#{} {} {} {}{} {} bytes sha256 {} by {} at {}",
                            r.id,
                            r.kind,
                            r.format,
                            visible(&r.file_name),
                            r.regime
                                .as_deref()
                                .map(|x| format!(" ({x})"))
                                .unwrap_or_default(),
                            r.bytes,
                            r.sha256,
                            visible(&r.generated_by),
                            format_micros(r.generated_at)
                        );
                    }
                    println!("-- {} reports stored", list.len());
                }
            }
        }
        Command::ReportStatus {
            case,
            status,
            authors,
            actor,
            json,
        } => {
            let mut c = open(&case)?;
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let row = report::generate::set_status(&mut c, &actor, &status, &authors)?;
            if json {
                print_json(&json!({ "status": row.status, "authors": row.authors }))?;
            } else {
                println!(
                    "report status {} (authors: {})",
                    row.status,
                    row.authors.join(", ")
                );
            }
        }
        Command::Seal { case, actor, json } => {
            let mut c = open(&case)?;
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let (manifest, digest) = archive::seal(&mut c, &actor)?;
            if json {
                print_json(&json!({
                    "sealed_at": manifest.sealed_at,
                    "seal_sha256": digest,
                    "evidence": manifest.evidence.len(),
                    "events": manifest.events.count,
                    "audit_entries": manifest.audit.entries + 1,
                }))?;
            } else {
                println!("sealed {} at {}", case.display(), manifest.sealed_at);
                println!("seal sha256 {digest}  (note it outside the case)");
            }
        }
        Command::Verify { case, json } => {
            let c = Case::open_read_only(&case)?;
            let v = archive::verify(&c)?;
            if json {
                print_json(&serde_json::to_value(&v)?)?;
            } else {
                for p in &v.problems {
                    println!("CHANGED: {}", visible(p));
                }
                println!(
                    "{}: {} ({} evidence items, {} chunks, {} events, {} audit entries checked{})",
                    case.display(),
                    if v.intact { "intact" } else { "NOT INTACT" },
                    v.evidence_checked,
                    v.chunks_checked,
                    v.events_checked,
                    v.audit_entries_checked,
                    match (&v.sealed_at, &v.seal_sha256) {
                        (Some(at), Some(h)) => format!("; sealed {at}, seal sha256 {h}"),
                        _ => "; not sealed".into(),
                    }
                );
            }
            return Ok(if v.intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Command::Ioc {
            command:
                IocCommand::Import {
                    case,
                    file,
                    actor,
                    json,
                },
        } => {
            let mut c = open(&case)?;
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let r = ioc::sweep::import_list(&mut c, &file, &actor)?;
            if json {
                print_json(&serde_json::to_value(&r)?)?;
            } else {
                println!(
                    "{}: {} list, {} entries: {} accepted ({} indicators, {} new), {} rejected, {} skipped (comments, blank, headers)",
                    visible(&r.file),
                    r.format,
                    r.entries,
                    r.accepted,
                    r.indicators,
                    r.new_indicators,
                    r.rejected.len(),
                    r.skipped
                );
                for x in &r.rejected {
                    println!(
                        "rejected {}: {} ({})",
                        x.locator,
                        visible(&x.text),
                        visible(&x.reason)
                    );
                }
            }
        }
        Command::Ioc {
            command: IocCommand::List { case, json },
        } => {
            let c = Case::open_read_only(&case)?;
            let rows = c.indicators()?;
            if json {
                print_json(&serde_json::to_value(&rows)?)?;
            } else {
                print_indicator_table(rows.iter().map(|r| {
                    (
                        r.kind.as_str(),
                        r.value.as_str(),
                        r.hits as u64,
                        r.first_seen.as_deref(),
                        r.last_seen.as_deref(),
                    )
                }));
            }
        }
        Command::Sweep {
            path,
            library,
            threads,
            actor,
            json,
        } => {
            let actor = actor.unwrap_or_else(ingest::default_actor);
            let threads = threads.unwrap_or_else(ioc::sweep::default_threads);
            match library {
                None => {
                    let mut c = open(&path)?;
                    let r = ioc::sweep::sweep_case(&mut c, &actor, threads)?;
                    if json {
                        print_json(&serde_json::to_value(&r)?)?;
                    } else {
                        print_sweep(&r);
                    }
                }
                Some(dir) => {
                    let (list, cases) = ioc::sweep::sweep_library(&dir, &path, &actor, threads)?;
                    if json {
                        print_json(&json!({
                            "list": path,
                            "indicators": list.indicators.len(),
                            "rejected": list.rejected,
                            "cases": cases,
                        }))?;
                    } else {
                        for x in &list.rejected {
                            eprintln!(
                                "tideline: list {}: not an indicator: {} ({})",
                                x.locator,
                                visible(&x.text),
                                visible(&x.reason)
                            );
                        }
                        for c in &cases {
                            match (&c.report, &c.error) {
                                (Some(r), _) => print_sweep(r),
                                (None, Some(e)) => {
                                    println!("== {}: not swept: {}", c.case.display(), visible(e))
                                }
                                _ => {}
                            }
                        }
                    }
                    if cases.iter().any(|c| c.error.is_some()) {
                        return Ok(ExitCode::from(2));
                    }
                }
            }
        }
        Command::Formats { json } => {
            if json {
                let list: Vec<_> = Format::ALL
                    .iter()
                    .map(|f| json!({ "name": f.name(), "description": f.description() }))
                    .collect();
                print_json(&json!(list))?;
            } else {
                for f in Format::ALL {
                    println!("{:<10} {}", f.name(), f.description());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
