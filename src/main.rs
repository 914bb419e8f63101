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
use tideline::timeline::export::{visible, write_csv, write_jsonl, write_table};
use tideline::timeline::{Timeline, TimelineQuery};
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
    /// Show events in time order, filtered and paged.
    Timeline {
        case: PathBuf,
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
    /// Write the HTML case report.
    Report {
        case: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
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
            from,
            to,
            grep,
            limit,
            offset,
            format,
        } => {
            let c = Case::open_read_only(&case)?;
            let query = TimelineQuery {
                from: from.as_deref().map(parse_user_time).transpose()?,
                to: to.as_deref().map(parse_user_time).transpose()?,
                grep,
                ioc: None,
                offset,
                limit,
            };
            let page = Timeline::load(&c)?.query(&query)?;
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
        Command::Report { case, output, json } => {
            let c = Case::open_read_only(&case)?;
            let html = report::case_report_html(&c, &Timeline::load(&c)?)?;
            std::fs::write(&output, &html)
                .with_context(|| format!("writing {}", output.display()))?;
            let sha256 = tideline::evidence::sha256_hex(html.as_bytes());
            if json {
                print_json(&json!({ "path": output, "bytes": html.len(), "sha256": sha256 }))?;
            } else {
                println!(
                    "wrote {} ({} bytes, sha256 {sha256})",
                    output.display(),
                    html.len()
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
