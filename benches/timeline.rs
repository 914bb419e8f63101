//! Timeline engine speed and memory on a generated case of N events (default 10 million).
//!
//! ```text
//! cargo bench --bench timeline -- generate 10000000   # writes the case once (minutes)
//! cargo bench --bench timeline -- run 10000000        # builds the cache, then measures warm
//! cargo bench --bench timeline -- parquet 10000000    # the same events as Parquet for DuckDB
//! ```
//! The case lives in `$TIDELINE_BENCH_DIR` (default the temp dir) as
//! `timeline-N.tideline`, with its frame cache beside it. `run` first opens the case so
//! the cache exists, then, as a warm start, opens the case again and measures each step:
//! open to first page (case open + cached frame + first page of 100), filter (text
//! contains + time range), histogram of that filter, top-N of a column, and fetching one
//! page of the filtered view; then prints the peak resident memory (VmHWM).
//! `scripts/bench_duckdb.py` runs the same queries in DuckDB over the Parquet export.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Instant;

use tideline::event::{Event, TsQuality};
use tideline::evidence::Hashes;
use tideline::store::NewEvidence;
use tideline::timeline::export::{export_view, ExportFormat};
use tideline::timeline::{Timeline, TimelineQuery};
use tideline::Case;

/// xorshift: every run generates the same events.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const USERS: [&str; 12] = [
    "root", "admin", "oracle", "test", "deploy", "alice", "bob", "ubuntu", "www-data", "git",
    "postgres", "backup",
];
/// 2026-03-01T00:00:00Z in microseconds.
const START: i64 = 1_772_323_200_000_000;
const EVIDENCE: i64 = 20;

fn case_path(n: u64) -> PathBuf {
    let dir = std::env::var_os("TIDELINE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("timeline-{n}.tideline"))
}

/// `n` events spread over 30 days and 20 hosts: sshd failures and logins, sudo, cron,
/// firewall drops, web requests.
fn generate(n: u64) {
    let path = case_path(n);
    if path.exists() {
        println!("{} exists", path.display());
        return;
    }
    let mut case = Case::create(&path, "timeline bench", "bench").expect("case");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let per_evidence = n.div_ceil(EVIDENCE as u64);
    let step = 30 * 86_400_000_000 / n.max(1) as i64;
    let mut written = 0u64;
    let started = Instant::now();
    for e in 0..EVIDENCE {
        let name = format!("host-{e:02}-auth.log");
        let hashes = Hashes {
            size: 0,
            sha256: format!("{e:064x}"),
            sha1: format!("{e:040x}"),
            md5: format!("{e:032x}"),
        };
        case.write(|tx| {
            let id = tx.insert_evidence(&NewEvidence {
                file_name: &name,
                original_path: &name,
                hashes: &hashes,
                format: Some("syslog"),
                acquired_at: None,
                imported_at: START,
                imported_by: "bench",
            })?;
            let mut w = tx.event_writer(id)?;
            for line in 0..per_evidence.min(n - written) {
                let i = written + line;
                let ts = START + i as i64 * step + rng.below(1_000_000) as i64;
                let user = USERS[rng.below(USERS.len() as u64) as usize];
                let ip = format!(
                    "{}.{}.{}.{}",
                    11 + rng.below(200),
                    rng.below(256),
                    rng.below(256),
                    1 + rng.below(254)
                );
                let port = 1024 + rng.below(60_000);
                let (process, action, message) = match rng.below(10) {
                    0..=3 => ("sshd", "auth_failure", format!("Failed password for invalid user {user} from {ip} port {port} ssh2")),
                    4 => ("sshd", "auth_success", format!("Accepted publickey for {user} from {ip} port {port} ssh2")),
                    5 => ("sudo", "sudo", format!("{user} : TTY=pts/1 ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx")),
                    6 => ("CRON", "session_opened", format!("pam_unix(cron:session): session opened for user {user}(uid=0) by (uid=0)")),
                    7 => ("kernel", "firewall_drop", format!("[UFW BLOCK] IN=eth0 OUT= SRC={ip} DST=10.0.0.5 PROTO=TCP SPT={port} DPT=22")),
                    _ => ("nginx", "http_request", format!("GET /api/v1/orders?id={} HTTP/1.1 200 from {ip}", rng.below(100_000))),
                };
                let ev = Event {
                    ts: Some(ts),
                    ts_source: Some(tideline::time::format_micros(ts)),
                    ts_quality: TsQuality::EXACT,
                    source: Cow::Borrowed("syslog"),
                    locator: format!("line {}", line + 1),
                    host: Some(format!("host-{e:02}")),
                    user: Some(user.to_string()),
                    src_ip: Some(ip),
                    dst_ip: None,
                    process: Some(process.to_string()),
                    event_code: None,
                    action: Some(action.to_string()),
                    severity: None,
                    raw: message.as_bytes().to_vec(),
                    message,
                    attrs: Default::default(),
                };
                w.event(&ev)?;
            }
            Ok(())
        })
        .expect("write events");
        written = (written + per_evidence).min(n);
        println!(
            "evidence {e}: {written} events, {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
}

fn peak_rss_mib() -> f64 {
    status_mib("VmHWM:")
}

/// A memory figure of this process from `/proc/self/status`, in MiB.
fn status_mib(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

const FILTER: &str = "\"failed password\" ts:2026-03-10..2026-03-19";

fn run(n: u64) {
    let path = case_path(n);
    {
        let t = Instant::now();
        let case = Case::open_read_only(&path).expect("run `generate` first");
        let tl = Timeline::load_cached(&case).expect("frame");
        println!(
            "prepare: frame of {} events from {:?} in {:.0} ms (peak {:.0} MiB, resident \
             after {:.0} MiB of which {:.0} MiB heap)",
            tl.len(),
            tl.source(),
            ms(t),
            peak_rss_mib(),
            status_mib("VmRSS:"),
            status_mib("RssAnon:")
        );
    }
    let t = Instant::now();
    let case = Case::open_read_only(&path).expect("case");
    let tl = Timeline::load_cached(&case).expect("frame");
    let first = tl
        .query(&TimelineQuery {
            limit: 100,
            ..Default::default()
        })
        .expect("page");
    println!(
        "open to first page (warm, {:?}): {:.0} ms, {} rows of {}",
        tl.source(),
        ms(t),
        first.rows.len(),
        first.total
    );
    // Each filter run uses a query text not seen before, so the view cache cannot help.
    for (i, day) in ["10", "11", "12"].iter().enumerate() {
        let q = TimelineQuery::of(&format!("\"failed password\" ts:2026-03-{day}..2026-03-19"));
        let t = Instant::now();
        let count = tl.count(&q).expect("filter");
        println!("filter #{i} ({}): {:.0} ms, {count} events", q.query, ms(t));
    }
    let q = TimelineQuery::of(FILTER);
    let t = Instant::now();
    let count = tl.count(&q).expect("filter");
    println!("filter ({FILTER}): {:.0} ms, {count} events", ms(t));
    let t = Instant::now();
    let h = tl.histogram_of(&q, 200).expect("histogram");
    println!(
        "histogram of the filter: {:.0} ms, {} buckets of {} s",
        ms(t),
        h.buckets.len(),
        h.bucket_seconds
    );
    let t = Instant::now();
    let h = tl
        .histogram_of(&TimelineQuery::default(), 200)
        .expect("histogram");
    println!(
        "histogram of all: {:.0} ms, {} buckets of {} s",
        ms(t),
        h.buckets.len(),
        h.bucket_seconds
    );
    let t = Instant::now();
    let top = tl
        .top(&TimelineQuery::default(), "src_ip", 10)
        .expect("top");
    println!(
        "top-10 src_ip of all: {:.0} ms, {} distinct",
        ms(t),
        top.distinct
    );
    let t = Instant::now();
    let top = tl.top(&q, "user", 10).expect("top");
    println!(
        "top-10 user of the filter: {:.0} ms, {} distinct",
        ms(t),
        top.distinct
    );
    let mut worst: f64 = 0.0;
    let mut sum = 0.0;
    for k in 0..20 {
        let t = Instant::now();
        let page = tl
            .query(&TimelineQuery {
                offset: (count / 20) * k,
                limit: 100,
                ..q.clone()
            })
            .expect("page");
        let took = ms(t);
        assert_eq!(page.rows.len(), 100.min(count - (count / 20) * k));
        worst = worst.max(took);
        sum += took;
    }
    println!(
        "page of 100 of the filter: mean {:.2} ms, worst {:.2} ms",
        sum / 20.0,
        worst
    );
    let mut worst: f64 = 0.0;
    for k in 0..20 {
        let t = Instant::now();
        tl.query(&TimelineQuery {
            offset: (tl.len() / 20) * k,
            limit: 100,
            ..Default::default()
        })
        .expect("page");
        worst = worst.max(ms(t));
    }
    println!("page of 100 of all: worst {worst:.2} ms");
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
}

fn parquet(n: u64) {
    let path = case_path(n);
    let case = Case::open_read_only(&path).expect("case");
    let tl = Timeline::load_cached(&case).expect("frame");
    let out = path.with_extension("parquet");
    let t = Instant::now();
    let s =
        export_view(&tl, &TimelineQuery::default(), ExportFormat::Parquet, &out).expect("export");
    println!(
        "{} events to {} in {} files, {:.1} s",
        s.events,
        out.display(),
        s.files.len(),
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let what = args.first().map(String::as_str).unwrap_or("run");
    let n: u64 = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    match what {
        "generate" => generate(n),
        "run" => run(n),
        "parquet" => parquet(n),
        other => panic!("unknown step {other} (generate, run, parquet)"),
    }
}
