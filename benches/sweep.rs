//! IOC sweep throughput: builds a case of N synthetic events (once; it is kept for later
//! runs), imports M synthetic indicators, sweeps the case twice (the first sweep stores
//! the hits, the second finds the same hits and stores nothing new) and prints the times,
//! events per second, hits and peak resident memory.
//!
//! ```text
//! cargo bench --bench sweep -- 1000000 10000
//! cargo bench --bench sweep -- 10000000 10000 [threads]
//! ```
//! The case is written to `$TIDELINE_BENCH_DIR` (default: the system temp folder) as
//! `sweep-N.tideline`; delete it afterwards (10 M events take about 4.7 GB).
//!
//! Before the sweeps it prints two parts of the cost on their own: reading alone (every
//! swept field of every event read with an empty matcher) and matching alone (the fields
//! of the first 500,000 events held in memory, scanned on one thread, five times: the best
//! and the median are printed). With
//! `TIDELINE_BENCH_MATCH_ONLY=1` it stops after matching alone (for profiling the matcher).
//!
//! `TIDELINE_BENCH_ANNOTATE=N` times bulk annotations on the same case instead of sweeping
//! it: a verdict set on N events (every 7th), cleared, a tag added and removed, each in
//! its own write transaction (what the timeline's "every event of a query" does).
//!
//! Events are a mix of four families, each with canonical columns, `attrs` and a raw
//! record: sshd failures (syslog), web requests (combined log with referer and user
//! agent), DNS queries (JSON) and process creations (Sysmon-like JSON with a SHA-256 and
//! a command line). IPs, domains and hashes are drawn from pools. The indicators are 40 %
//! IPv4, 30 % domains, 20 % SHA-256, 4 % MD5, 3 % CIDR ranges, 2 % file names, 1 % IPv6;
//! 40 of them are taken from the pools so they hit, the rest are random and do not.
//!
//! `TIDELINE_BENCH_MIX=literals` sweeps with a list of what goes to the Aho-Corasick
//! automaton instead: 30 % URLs, 25 % e-mail addresses, 20 % plain strings, 15 % file
//! paths, 9 % user agents and 1 % regular expressions (at most 20); some URLs and strings
//! are drawn from what the events contain, so they hit.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use tideline::event::{Event, TsQuality};
use tideline::evidence::Hashes;
use tideline::ioc::sweep::{import_list, sweep_case};
use tideline::store::NewEvidence;
use tideline::Case;

/// A small deterministic generator (xorshift), so every run builds the same case.
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
    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(digits);
        s
    }
    fn ipv4(&mut self) -> String {
        format!(
            "{}.{}.{}.{}",
            11 + self.below(200),
            self.below(256),
            self.below(256),
            1 + self.below(254)
        )
    }
}

const WORDS: [&str; 16] = [
    "cloud", "cdn", "update", "mail", "shop", "secure", "login", "api", "static", "files",
    "portal", "news", "media", "data", "sync", "track",
];
const TLDS: [&str; 8] = ["com", "net", "org", "io", "de", "info", "co.uk", "xyz"];
const USERS: [&str; 8] = [
    "root", "admin", "oracle", "test", "deploy", "alice", "bob", "ubuntu",
];
const PROCS: [&str; 6] = [
    "C:\\Windows\\System32\\cmd.exe",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "C:\\Program Files\\Mozilla Firefox\\firefox.exe",
    "C:\\Users\\alice\\AppData\\Local\\Temp\\setup.exe",
    "C:\\Windows\\explorer.exe",
    "C:\\Windows\\System32\\rundll32.exe",
];

struct Pools {
    ips: Vec<String>,
    domains: Vec<String>,
    hashes: Vec<String>,
}

fn pools(rng: &mut Rng) -> Pools {
    let ips = (0..200_000).map(|_| rng.ipv4()).collect();
    let domains = (0..50_000)
        .map(|i| {
            format!(
                "{}{}.{}",
                WORDS[rng.below(16) as usize],
                i,
                TLDS[rng.below(8) as usize]
            )
        })
        .collect();
    let hashes = (0..5_000).map(|_| rng.hex(64)).collect();
    Pools {
        ips,
        domains,
        hashes,
    }
}

fn pick<'a>(rng: &mut Rng, v: &'a [String]) -> &'a str {
    &v[rng.below(v.len() as u64) as usize]
}

fn event(rng: &mut Rng, p: &Pools, i: u64, ts: i64) -> Event {
    let mut e = Event {
        ts: Some(ts),
        ts_source: Some(tideline::time::format_micros(ts)),
        ts_quality: TsQuality::EXACT,
        source: "synthetic".into(),
        locator: format!("line {}", i + 1),
        host: None,
        user: None,
        src_ip: None,
        dst_ip: None,
        process: None,
        event_code: None,
        action: None,
        severity: None,
        message: String::new(),
        raw: Vec::new(),
        attrs: serde_json::Map::new(),
    };
    let host = format!("host-{:02}", rng.below(40));
    match rng.below(4) {
        0 => {
            let ip = pick(rng, &p.ips).to_string();
            let user = USERS[rng.below(8) as usize];
            let pid = 1000 + rng.below(60_000);
            let port = 1024 + rng.below(60_000);
            e.message =
                format!("Failed password for invalid user {user} from {ip} port {port} ssh2");
            e.raw = format!("Mar 14 02:03:41 {host} sshd[{pid}]: {}", e.message).into_bytes();
            e.attrs.insert("pid".into(), pid.to_string().into());
            e.process = Some("sshd".into());
            e.user = Some(user.into());
            e.src_ip = Some(ip);
            e.action = Some("logon_failed".into());
        }
        1 => {
            let ip = pick(rng, &p.ips).to_string();
            let referer = pick(rng, &p.domains).to_string();
            let status = [200, 404, 302, 304][rng.below(4) as usize];
            let path = format!(
                "/{}/{}.html",
                WORDS[rng.below(16) as usize],
                rng.below(10_000)
            );
            e.message = format!("GET {path} {status}");
            e.raw = format!(
                "{ip} - - [14/Mar/2026:02:03:41 +0000] \"GET {path} HTTP/1.1\" {status} {} \"https://{referer}/\" \"Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0\"",
                rng.below(50_000)
            )
            .into_bytes();
            e.attrs.insert("status".into(), status.to_string().into());
            e.attrs
                .insert("referer".into(), format!("https://{referer}/").into());
            e.src_ip = Some(ip);
            e.host = Some(host);
            e.action = Some("http_request".into());
        }
        2 => {
            let ip = pick(rng, &p.ips).to_string();
            let q = pick(rng, &p.domains).to_string();
            e.message = format!("query {q} A from {ip}");
            e.raw = format!(
                "{{\"ts\":{ts},\"client\":\"{ip}\",\"query\":\"{q}\",\"qtype\":\"A\",\"rcode\":\"NOERROR\"}}"
            )
            .into_bytes();
            e.attrs.insert("query".into(), q.into());
            e.src_ip = Some(ip);
            e.host = Some(host);
            e.action = Some("dns_query".into());
        }
        _ => {
            let image = PROCS[rng.below(6) as usize];
            let hash = pick(rng, &p.hashes).to_string();
            let user = USERS[rng.below(8) as usize];
            e.message = format!("Process Create: {image}");
            let cmd = format!("\"{image}\" -k {}", rng.below(100));
            e.attrs.insert(
                "Hashes".into(),
                format!("SHA256={}", hash.to_uppercase()).into(),
            );
            e.attrs.insert("CommandLine".into(), cmd.clone().into());
            e.raw = serde_json::to_vec(&serde_json::json!({
                "EventID": 1, "Hostname": host, "User": user, "Image": image,
                "CommandLine": cmd, "Hashes": format!("SHA256={}", hash.to_uppercase()),
            }))
            .unwrap();
            e.event_code = Some("1".into());
            e.process = Some(image.into());
            e.user = Some(user.into());
            e.host = Some(host);
        }
    }
    e
}

fn build_case(path: &PathBuf, n: u64, p: &Pools, rng: &mut Rng) {
    let t = Instant::now();
    let mut case = Case::create(path, "sweep benchmark", "bench").unwrap();
    let hashes = Hashes {
        size: 0,
        sha256: "0".repeat(64),
        sha1: "0".repeat(40),
        md5: "0".repeat(32),
    };
    let evidence = case
        .write(|tx| {
            tx.insert_evidence(&NewEvidence {
                file_name: "synthetic",
                original_path: "synthetic",
                hashes: &hashes,
                format: Some("synthetic"),
                acquired_at: None,
                imported_at: 0,
                imported_by: "bench",
            })
        })
        .unwrap();
    let start_ts = 1_773_446_400_000_000i64; // 2026-03-14
    let mut i = 0;
    while i < n {
        let batch = (n - i).min(200_000);
        case.write(|tx| {
            let mut w = tx.event_writer(evidence)?;
            for j in i..i + batch {
                w.event(&event(rng, p, j, start_ts + j as i64 * 1_000))?;
            }
            Ok(())
        })
        .unwrap();
        i += batch;
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "built {} with {n} events in {:.1} s ({:.1} MB)",
        path.display(),
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
}

/// The `literals` mix: indicators matched as literal strings (and a few regexes).
fn literal_indicators(m: u64, p: &Pools, rng: &mut Rng) -> String {
    let mut out = String::from("# synthetic literal indicator list for the sweep benchmark\n");
    let mut regexes = 0;
    for i in 0..m {
        let word = WORDS[rng.below(16) as usize];
        let tld = TLDS[rng.below(8) as usize];
        let line = match i % 100 {
            // URLs: the referers of the web events hit.
            0..=29 if i % 300 == 0 => format!("https://{}/", pick(rng, &p.domains)),
            0..=29 => format!(
                "https://{word}{}.{tld}/{}/{}.php",
                rng.hex(6),
                WORDS[rng.below(16) as usize],
                rng.below(10_000)
            ),
            30..=54 => format!(
                "{}{}@{word}.{tld}",
                USERS[rng.below(8) as usize],
                rng.hex(5)
            ),
            // Plain strings: a request path of the web events hits now and then.
            55..=74 if i % 500 == 55 => {
                format!("string:/{word}/{}.html", rng.below(10_000))
            }
            55..=74 => format!("string:{word}-{}", rng.hex(8)),
            75..=89 => format!("C:\\Users\\Public\\{word}\\{}.dll", rng.hex(6)),
            90..=98 => format!(
                "user_agent:Mozilla/5.0 (Windows NT 10.0; Win64; x64) {word}/{}.{}",
                rng.below(100),
                rng.below(10)
            ),
            _ if regexes < 20 => {
                regexes += 1;
                format!(
                    "regex:{word}[0-9a-f]{{6}}\\.{}/wp-(admin|login)",
                    tld.replace('.', "\\.")
                )
            }
            _ => format!("string:{word}_{}", rng.hex(10)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn indicators(m: u64, p: &Pools, rng: &mut Rng) -> String {
    let mut out = String::from("# synthetic indicator list for the sweep benchmark\n");
    for i in 0..m {
        let line = match i % 100 {
            // 40 % IPv4: every 50th from the pool (hits).
            0..=39 if i % 50 == 0 => pick(rng, &p.ips).to_string(),
            0..=39 => rng.ipv4(),
            // 30 % domains: every 75th from the pool.
            40..=69 if i % 75 == 41 => pick(rng, &p.domains).to_string(),
            40..=69 => format!(
                "{}{}.{}",
                WORDS[rng.below(16) as usize],
                rng.hex(6),
                TLDS[rng.below(8) as usize]
            ),
            70..=89 if i % 200 == 70 => pick(rng, &p.hashes).to_string(),
            70..=89 => rng.hex(64),
            90..=93 => rng.hex(32),
            94..=96 => format!(
                "{}.{}.{}.0/24",
                11 + rng.below(200),
                rng.below(256),
                rng.below(256)
            ),
            97..=98 => format!("{}{}.exe", WORDS[rng.below(16) as usize], rng.hex(4)),
            _ => format!("2001:db8:{:x}::{:x}", rng.below(65536), rng.below(65536)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The floor under any matcher: reading every swept field of every event with nothing
/// to look for.
fn reading_alone(path: &std::path::Path, threads: usize) {
    let t = Instant::now();
    let none = tideline::ioc::matcher::Matcher::new(&[]).unwrap();
    let read = tideline::ioc::sweep::find_hits(path, &none, threads).unwrap();
    println!(
        "reading alone: {} events on {threads} threads in {:.2} s",
        read.events,
        t.elapsed().as_secs_f64()
    );
}

/// Times bulk annotations of `n` events (every 7th event id).
fn bulk_annotations(case: &mut Case, n: i64) {
    let ids: Vec<i64> = (1..=n).map(|i| i * 7).collect();
    let mut timed = |what: &str, f: &dyn Fn(&tideline::store::Tx) -> tideline::Result<usize>| {
        let t = Instant::now();
        let changed = case.write(|tx| f(tx)).unwrap();
        println!(
            "{what} on {n} events: {changed} changed in {:.2} s",
            t.elapsed().as_secs_f64()
        );
    };
    timed("verdict set", &|tx| {
        tx.load_ids(&ids)?.set_verdict(Some("suspicious"))
    });
    timed("verdict cleared", &|tx| {
        tx.load_ids(&ids)?.set_verdict(None)
    });
    timed("tag added", &|tx| tx.load_ids(&ids)?.add_tag("bulk"));
    timed("tag removed", &|tx| tx.load_ids(&ids)?.remove_tag("bulk"));
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let m: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let threads: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(tideline::ioc::sweep::default_threads);
    let dir = std::env::var_os("TIDELINE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("sweep-{n}.tideline"));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let p = pools(&mut rng);
    if !path.exists() {
        build_case(&path, n, &p, &mut rng);
    }
    let literals = std::env::var("TIDELINE_BENCH_MIX").is_ok_and(|m| m == "literals");
    let list = dir.join(if literals {
        format!("iocs-literals-{m}.txt")
    } else {
        format!("iocs-{m}.txt")
    });
    let mut lrng = Rng(0x2545_f491_4f6c_dd1d);
    let text = if literals {
        literal_indicators(m, &p, &mut lrng)
    } else {
        indicators(m, &p, &mut lrng)
    };
    std::fs::File::create(&list)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let mut case = Case::open(&path).unwrap();
    if let Some(n) = std::env::var("TIDELINE_BENCH_ANNOTATE")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        bulk_annotations(&mut case, n);
        return;
    }
    let imported = import_list(&mut case, &list, "bench").unwrap();
    println!(
        "indicators: {} read, {} rejected, {} in the case",
        imported.indicators,
        imported.rejected.len(),
        case.indicator_values().unwrap().len()
    );
    let match_only = std::env::var_os("TIDELINE_BENCH_MATCH_ONLY").is_some();
    if !match_only {
        reading_alone(&path, threads);
    }
    // Matching alone: the fields of the first 500,000 events held in memory, one thread.
    let mut held: Vec<Vec<u8>> = Vec::new();
    case.scan_events(1, 500_000, |ev| {
        held.extend(ev.fields.iter().map(|f| f.to_vec()));
        Ok(())
    })
    .unwrap();
    let (_, inds) = tideline::ioc::sweep::case_indicators(&case).unwrap();
    let matcher = tideline::ioc::matcher::Matcher::new(&inds).unwrap();
    let bytes: usize = held.iter().map(Vec::len).sum();
    // Five rounds: this machine's speed drifts, so the best and the median are printed.
    let mut rounds = Vec::new();
    let mut found = Vec::new();
    for _ in 0..5 {
        found.clear();
        let t = Instant::now();
        for f in &held {
            matcher.scan(f, &mut found);
        }
        rounds.push(t.elapsed().as_secs_f64());
    }
    rounds.sort_by(f64::total_cmp);
    let (best, median) = (rounds[0], rounds[2]);
    println!(
        "matching alone: 500000 events ({:.1} MB of fields) in memory on 1 thread, best of 5 \
         {best:.2} s ({:.0} MB/s, {:.2} us/event), median {median:.2} s ({:.2} us/event); \
         {} candidates",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best,
        best * 1e6 / 500_000.0,
        median * 1e6 / 500_000.0,
        found.len()
    );
    if match_only {
        return;
    }
    for run in ["first sweep", "re-sweep"] {
        let t = Instant::now();
        let r = sweep_case(&mut case, "bench", threads).unwrap();
        let s = t.elapsed().as_secs_f64();
        let with_hits = r.results.iter().filter(|x| x.hits > 0).count();
        println!(
            "{run}: {} events x {} indicators on {threads} threads in {s:.2} s = {:.0} events/s; \
             {} indicators hit, {} events hit, {} field hits, {} new; peak RSS {:.0} MiB",
            r.events,
            r.indicators,
            r.events as f64 / s,
            with_hits,
            r.events_hit,
            r.field_hits,
            r.new_hits,
            peak_rss_mib()
        );
    }
}
