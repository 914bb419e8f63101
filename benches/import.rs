//! Import throughput and memory: generates a log file of a given size, imports it into a
//! fresh case (hash, store the evidence bytes, parse, normalise, insert, commit) and
//! prints events per second and the process's peak resident memory. The commit leaves the
//! import in the case's write-ahead log; the checkpoint that copies it into the main file
//! is timed next, on its own, and events per second are also given with it counted in.
//!
//! ```text
//! cargo bench --bench import -- syslog 1000000
//! cargo bench --bench import -- syslog 10000000      # about 1 GB of input
//! cargo bench --bench import -- access 1000000       # nginx combined access log
//! cargo bench --bench import -- evtx 100              # 100 copies of a sample EVTX file
//! cargo bench --bench import -- evtx-log 100          # one EVTX log of 100 x its chunks
//! ```
//! The EVTX run imports copies of `sample-data/evtx-attack-samples/lateral_movement/
//! LM_5145_Remote_FileCopy.evtx` (869 records); each copy differs in one byte of the file
//! header's unused padding, so each is a distinct evidence item that parses the same. The
//! `evtx-log` run imports one large log made of that file's chunks over and over, as a
//! Security.evtx of a busy server (20 MiB by default, often raised) would be.
//! Run each size in its own process: peak memory (VmHWM) only ever grows.

use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use tideline::ingest::{import_paths, ImportOptions};
use tideline::Case;

/// A small deterministic generator (xorshift), so every run writes the same file.
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

const USERS: [&str; 8] = [
    "root", "admin", "oracle", "test", "deploy", "alice", "bob", "ubuntu",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An auth.log-like mix: sshd failures and logins, PAM, CRON, sudo, kernel firewall.
fn write_syslog(path: &Path, lines: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut t: u64 = 0; // seconds since Jan 1, 00:00:00
    for _ in 0..lines {
        t += rng.below(3);
        let day = (t / 86_400) % 360;
        let (month, dom) = (MONTHS[(day / 30) as usize], day % 30 + 1);
        let (h, m, s) = ((t / 3600) % 24, (t / 60) % 60, t % 60);
        let pid = 1000 + rng.below(60_000);
        let ip = format!(
            "{}.{}.{}.{}",
            11 + rng.below(200),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        );
        let user = USERS[rng.below(USERS.len() as u64) as usize];
        write!(
            out,
            "{month} {dom:>2} {h:02}:{m:02}:{s:02} host-{:02} ",
            rng.below(20)
        )?;
        match rng.below(10) {
            0..=3 => writeln!(out, "sshd[{pid}]: Failed password for invalid user {user} from {ip} port {} ssh2", 1024 + rng.below(60_000))?,
            4 => writeln!(out, "sshd[{pid}]: Accepted publickey for {user} from {ip} port {} ssh2: ED25519 SHA256:Lk2p9Qm4Yt7Hc1rVx8Zf3Ns6Bw0Ge5Ju2Da9Ko4Tq1", 1024 + rng.below(60_000))?,
            5 => writeln!(out, "sshd[{pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}")?,
            6 => writeln!(out, "CRON[{pid}]: pam_unix(cron:session): session opened for user {user}(uid=0) by (uid=0)")?,
            7 => writeln!(out, "sudo:   {user} : TTY=pts/{} ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx", rng.below(9))?,
            8 => writeln!(out, "kernel: [{}.{:06}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:1e:0a:01 SRC={ip} DST=10.0.0.5 LEN=60 TOS=0x00 PROTO=TCP SPT={} DPT=22", t, rng.below(1_000_000), 1024 + rng.below(60_000))?,
            _ => writeln!(out, "systemd[1]: Started session-{pid}.scope - Session {pid} of User {user}.")?,
        }
    }
    out.flush()
}

const PATHS: [&str; 8] = [
    "/",
    "/index.php",
    "/wp-login.php",
    "/static/app.js",
    "/api/v1/orders?id=",
    "/feed.xml",
    "/images/logo.png",
    "/admin/",
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
    "python-requests/2.31.0",
];

/// An nginx combined access log.
fn write_access(path: &Path, lines: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut t: u64 = 0;
    for _ in 0..lines {
        t += rng.below(2);
        let day = (t / 86_400) % 28 + 1;
        let (h, m, s) = ((t / 3600) % 24, (t / 60) % 60, t % 60);
        let status = [200, 200, 200, 304, 404, 301, 500][rng.below(7) as usize];
        writeln!(
            out,
            "{}.{}.{}.{} - - [{day:02}/Mar/2026:{h:02}:{m:02}:{s:02} +0000] \"{} {}{} HTTP/1.1\" {status} {} \"https://shop.example/\" \"{}\"",
            11 + rng.below(200),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254),
            if rng.below(5) == 0 { "POST" } else { "GET" },
            PATHS[rng.below(PATHS.len() as u64) as usize],
            rng.below(100_000),
            rng.below(50_000),
            AGENTS[rng.below(AGENTS.len() as u64) as usize],
        )?;
    }
    out.flush()
}

/// The sample EVTX file: a 4 KiB header and 17 chunks, 10 of them holding 869 records.
fn evtx_sample() -> std::io::Result<Vec<u8>> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/evtx-attack-samples/lateral_movement/LM_5145_Remote_FileCopy.evtx"),
    )
}

/// Copies of the sample EVTX file, each made distinct in its header padding. Returns the
/// number of records written.
fn write_evtx_copies(dir: &Path, copies: u64) -> std::io::Result<u64> {
    let bytes = evtx_sample()?;
    std::fs::create_dir_all(dir)?;
    for i in 0..copies {
        let mut copy = bytes.clone();
        // Bytes 128..4096 of the file header are unused padding, outside its checksum.
        copy[200..208].copy_from_slice(&i.to_le_bytes());
        std::fs::write(dir.join(format!("copy-{i:05}.evtx")), copy)?;
    }
    Ok(copies * 869)
}

/// One EVTX log whose chunks are the sample's, `copies` times over. The header is the
/// sample's: the reader counts chunks from the file's size (as for a log that was not
/// closed cleanly). Returns the number of records written.
fn write_evtx_log(path: &Path, copies: u64) -> std::io::Result<u64> {
    let bytes = evtx_sample()?;
    let (header, chunks) = bytes.split_at(4096);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(header)?;
    for _ in 0..copies {
        out.write_all(chunks)?;
    }
    out.flush()?;
    Ok(copies * 869)
}

/// Bytes of a file, or of all files in a folder.
fn du(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|rd| rd.flatten().map(|e| du(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system, all threads) the process has used so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // The kernel reports clock ticks of 1/100 s on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let format = args.first().map(String::as_str).unwrap_or("syslog");
    let lines: u64 = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir_in(
        std::env::var_os("TIDELINE_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
    )
    .expect("temp dir");
    let mut input = dir.path().join(format!("{format}.log"));
    let mut expected_records = lines;
    match format {
        "syslog" => write_syslog(&input, lines).expect("write input"),
        "access" => write_access(&input, lines).expect("write input"),
        "evtx" => {
            input = dir.path().join("evtx");
            expected_records = write_evtx_copies(&input, lines).expect("write input");
        }
        "evtx-log" => {
            input = dir.path().join("Security.evtx");
            expected_records = write_evtx_log(&input, lines).expect("write input");
        }
        other => panic!("unknown benchmark format {other} (syslog, access, evtx, evtx-log)"),
    }
    let bytes = du(&input);
    let mut case =
        Case::create(&dir.path().join("bench.tideline"), "bench", "bench").expect("case");
    // Year-less syslog stamps are dated from the file's modification time unless the
    // year is given: `TIDELINE_BENCH_YEAR=infer` measures that (a pass over the file first).
    let infer_year = std::env::var("TIDELINE_BENCH_YEAR").is_ok_and(|v| v == "infer");
    let opts = ImportOptions {
        year: (!infer_year).then_some(2026),
        ..Default::default()
    };
    let rss_before = peak_rss_mib();
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let report = import_paths(&mut case, &[input], &opts, &mut |_| {
        ControlFlow::Continue(())
    })
    .expect("import");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    // The import commits into the write-ahead log; copying it into the main file is a
    // checkpoint of its own (the desktop app runs it in the background), timed apart.
    let start = Instant::now();
    let checkpoint = case.checkpoint().expect("checkpoint");
    let checkpoint_secs = start.elapsed().as_secs_f64();
    assert_eq!(checkpoint.checkpointed, checkpoint.log_frames);
    let events: u64 = report.imported.iter().map(|s| s.events).sum();
    let issues: u64 = report.imported.iter().map(|s| s.issues).sum();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(
        events + issues,
        expected_records,
        "every record accounted for"
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let case_bytes = std::fs::metadata(case.path()).map(|m| m.len()).unwrap_or(0);
    println!(
        "import {format}: {expected_records} records, {:.1} MB in {secs:.2} s = {:.0} events/s, {:.1} MB/s; CPU {cpu:.2} s ({:.0} events per CPU second); then checkpoint {checkpoint_secs:.2} s ({} pages; with it {:.0} events/s); peak RSS {:.0} MiB (before import {:.0} MiB); case file {:.1} MB; load average {}",
        bytes as f64 / 1e6,
        events as f64 / secs,
        bytes as f64 / 1e6 / secs,
        events as f64 / cpu.max(0.01),
        checkpoint.log_frames,
        events as f64 / (secs + checkpoint_secs),
        peak_rss_mib(),
        rss_before,
        case_bytes as f64 / 1e6,
        load.join(" "),
    );
}
