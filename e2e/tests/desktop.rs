//! Drives the real desktop app: clicks and types like a user and saves screenshots.
//! Run by the README's test command under `xvfb-run`; ignored by a plain `cargo test`
//! because it needs a display and the built app.

mod common;

use serde_json::json;
use std::path::Path;

use common::*;
use fantoccini::Locator;

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn imports_the_sample_syslog_and_browses_the_timeline() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let case = tmp.join("e2e.tideline");
    let _driver = start_driver(4444, &[("TIDELINE_CASE", &case), ("TIDELINE_HOME", &tmp)]);
    let c = connect(4444).await;
    let result = tokio::time::timeout(STEP * 3, async {
        wait_text(&c, "header", |t| t.contains("Untitled case")).await;

        let log = repo().join("sample-data/incident-2026-03/bastion-01/auth.log");
        c.find(Locator::Css("#import-path")).await.unwrap().send_keys(log.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#import-btn")).await.unwrap().click().await.unwrap();
        let summary = wait_text(&c, "#import-summary", |t| t.contains("events")).await;
        assert!(summary.contains("auth.log") && summary.contains("2,824 events"), "{summary}");
        assert!(summary.contains("c27ecf19"), "the summary shows the SHA-256: {summary}");

        wait_text(&c, "#tl-total", |t| t.contains("2,824")).await;
        wait_count(&c, "#timeline .tl-row", |n| n > 10).await;
        screenshot(&c, "timeline.png").await;

        // Search narrows the table.
        c.find(Locator::Css("#q")).await.unwrap().send_keys("\"Accepted password\"\u{E007}").await.unwrap();
        // (A count, not "counting events…" while the filtered query runs.)
        let total = wait_text(&c, "#tl-total", |t| {
            !t.contains("2,824") && t.starts_with(|ch: char| ch.is_ascii_digit()) && t.contains("event")
        })
        .await;
        let n: usize = total.chars().filter(|ch| ch.is_ascii_digit()).collect::<String>().parse().unwrap();
        assert_eq!(count(&c, "#timeline .tl-row").await, n, "{total}");

        // The drawer shows the whole event with its evidence and locator.
        c.find(Locator::Css("#timeline .tl-row")).await.unwrap().click().await.unwrap();
        let detail = wait_text(&c, "#event-detail", |t| t.contains("Accepted password")).await;
        assert!(detail.contains("auth.log") && detail.contains("line "), "{detail}");
        assert!(detail.contains("203.0.113.45") || detail.contains("10.20.0."), "{detail}");
        screenshot(&c, "event-detail.png").await;

        // The report command behind "Write report…" (its save dialog cannot be driven
        // through WebDriver, so the page calls the same command the button calls).
        let report = tmp.join("report.html");
        let reply = c
            .execute_async(
                "const [path, done] = arguments; \
                 window.__TAURI_INTERNALS__.invoke('write_report', { path }).then(done, e => done({ error: e }));",
                vec![json!(report.to_str().unwrap())],
            )
            .await
            .unwrap();
        assert!(reply.get("error").is_none(), "{reply}");
        let html = std::fs::read_to_string(&report).unwrap();
        assert!(html.contains("Incident report: Untitled case") && html.contains("<svg"));
        assert_eq!(reply["bytes"].as_u64().unwrap() as usize, html.len());

        // A file with records that do not parse: its issues are listed, and one opens in a
        // drawer with its raw line.
        let malformed = repo().join("sample-data/incident-2026-03/bastion-01/malformed.log");
        retype(&c, "#import-path", malformed.to_str().unwrap()).await;
        c.find(Locator::Css("#import-btn")).await.unwrap().click().await.unwrap();
        let summary = wait_text(&c, "#import-summary", |t| t.contains("malformed.log")).await;
        assert!(summary.contains("8 events, 2 issues"), "{summary}");
        let issues = wait_text(&c, "#import-issues", |t| t.contains("line 4") && t.contains("line 7")).await;
        assert_eq!(count(&c, "#import-issues .issue-row").await, 2, "{issues}");
        let mut locators = Vec::new();
        for e in c.find_all(Locator::Css("#import-issues .issue-locator")).await.unwrap() {
            locators.push(e.prop("textContent").await.unwrap().unwrap_or_default());
        }
        assert_eq!(locators, ["line 4", "line 7"], "{issues}");
        c.find(Locator::Css("#import-issues .issue-row")).await.unwrap().click().await.unwrap();
        let raw_line = "bastion-01 sshd[47877]: Connection closed by 192.0.2.211 port 40022 [preauth]";
        let detail = wait_text(&c, "#issue-detail", |t| t.contains(raw_line)).await;
        assert!(detail.contains("malformed.log") && detail.contains("line 4"), "{detail}");
        let raw = c.find(Locator::Css("#issue-detail pre")).await.unwrap().prop("textContent").await.unwrap();
        assert_eq!(raw.as_deref().map(str::trim_end), Some(raw_line));
        screenshot(&c, "import-issues.png").await;
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn opens_the_bundled_sample_incident_by_default() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let _driver = start_driver(4454, &[("TIDELINE_HOME", &tmp)]);
    let c = connect(4454).await;
    let result = tokio::time::timeout(STEP, async {
        wait_text(&c, "header", |t| t.contains("Sample incident")).await;
        let total = wait_text(&c, "#tl-total", |t| {
            t.starts_with(|ch: char| ch.is_ascii_digit()) && t.contains("event")
        })
        .await;
        assert!(!total.starts_with('0'), "{total}");
        wait_count(&c, "#timeline .tl-row", |n| n > 10).await;
        screenshot(&c, "sample-case.png").await;

        // New case… and Open case… call these commands after their native dialogs (which
        // WebDriver cannot drive); the page then shows the case the backend opened.
        let invoke = "const [cmd, args, done] = arguments; \
                      window.__TAURI_INTERNALS__.invoke(cmd, args).then(done, e => done({ error: e }));";
        let second = tmp.join("second.tideline");
        let reply = c
            .execute_async(invoke, vec![json!("create_case"), json!({ "path": second.to_str().unwrap(), "title": "Second case" })])
            .await
            .unwrap();
        assert_eq!(reply["title"], "Second case", "{reply}");
        assert!(second.is_file());
        let sample = tmp.join("sample-incident.tideline");
        let reply = c
            .execute_async(invoke, vec![json!("open_case"), json!({ "path": sample.to_str().unwrap() })])
            .await
            .unwrap();
        assert_eq!(reply["events"], 6682, "{reply}");
        let reply = c
            .execute_async(invoke, vec![json!("open_case"), json!({ "path": tmp.join("nope.tideline").to_str().unwrap() })])
            .await
            .unwrap();
        assert_eq!(reply["error"]["code"], "not_a_case", "{reply}");
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
    assert!(tmp.join("sample-incident.tideline").is_file());
}

/// Writes a syslog file big enough that its import takes seconds in a debug build.
fn big_syslog(path: &Path, lines: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..lines {
        writeln!(
            f,
            "Mar 14 {:02}:{:02}:{:02} bastion-01 sshd[{}]: Failed password for invalid user u{} from 203.0.113.{} port {} ssh2",
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60,
            1000 + i % 5000,
            i,
            i % 250,
            1024 + i % 60000
        )
        .unwrap();
    }
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn import_progress_moves_and_cancel_leaves_the_case_unchanged() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-cancel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let big = tmp.join("big-auth.log");
    big_syslog(&big, 400_000);
    let case = tmp.join("cancel.tideline");
    let _driver = start_driver(4464, &[("TIDELINE_CASE", &case), ("TIDELINE_HOME", &tmp)]);
    let c = connect(4464).await;
    let result = tokio::time::timeout(STEP * 3, async {
        wait_text(&c, "#tl-total", |t| t.starts_with("0 ")).await;
        c.find(Locator::Css("#import-path"))
            .await
            .unwrap()
            .send_keys(big.to_str().unwrap())
            .await
            .unwrap();
        c.find(Locator::Css("#import-btn"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Progress events from Rust move the bar and the counts.
        let counts = wait_text(&c, ".import-counts", |t| {
            t.contains("events") && !t.contains(" 0 events")
        })
        .await;
        assert!(counts.contains(" of "), "{counts}");
        let value = c
            .execute(
                "return document.querySelector('#import-progress').value",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(value > 0.0 && value < 1.0, "progress {value}");
        screenshot(&c, "import-progress.png").await;
        c.find(Locator::Css("#import-cancel"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "#import-note", |t| t.contains("cancelled")).await;
        // Nothing of the cancelled import stays in the case.
        wait_text(&c, "#tl-total", |t| t.starts_with("0 ")).await;
        wait_text(&c, "header", |t| t.contains("0 events")).await;
        screenshot(&c, "import-cancelled.png").await;
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
}
