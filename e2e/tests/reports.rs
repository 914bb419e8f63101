//! The Reports view (issue #6): on the sample incident, the lessons-learned report is
//! previewed in a sandboxed frame, exported as Markdown to a typed path (and stored in the
//! case), and a customer notification draft is edited, recorded as sent and seen in the
//! incident record's notifications. Ports 4564..4589.

mod common;

use common::*;
use fantoccini::Locator;

async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn preview_export_markdown_and_record_a_notification_as_sent() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-reports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let _driver = start_driver(4564, &[("TIDELINE_HOME", &tmp)]);
    let c = connect(4564).await;
    let out = tmp.join("lessons.md");
    let result = tokio::time::timeout(STEP * 4, async {
        wait_text(&c, "header", |t| t.contains("Sample incident")).await;
        c.find(Locator::Css("#view-reports")).await.unwrap().click().await.unwrap();

        // The preview: the report's HTML in a frame that may not run scripts.
        let frame = c.find(Locator::Css("#report-preview")).await.unwrap();
        assert_eq!(frame.attr("sandbox").await.unwrap().as_deref(), Some(""));
        let mut srcdoc = String::new();
        for _ in 0..100 {
            srcdoc = frame.attr("srcdoc").await.unwrap().unwrap_or_default();
            if srcdoc.contains("Lessons learned") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        for h in ["Lessons learned", "Timeline of key events", "Sign-off"] {
            assert!(srcdoc.contains(h), "preview lacks {h}");
        }
        assert!(!srcdoc.contains("<script"));
        wait_text(&c, "#report-charts", |t| t.contains("Events per host")).await;
        settle().await;
        screenshot(&c, "reports-view.png").await;

        // Export the lessons-learned report as Markdown to a typed path.
        c.find(Locator::Css("#export-format")).await.unwrap().select_by_value("md").await.unwrap();
        c.find(Locator::Css("#export-path")).await.unwrap().send_keys(out.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#export-go")).await.unwrap().click().await.unwrap();
        let notice = wait_text(&c, ".message.notice", |t| t.contains("stored in the case as report #1")).await;
        let md = std::fs::read_to_string(&out).unwrap();
        assert!(md.starts_with("# Lessons learned: "), "{md}");
        assert!(md.contains("\n## Follow-up items\n"));
        let sha = file_sha256(&out);
        assert!(notice.contains(&sha), "{notice} / {sha}");
        assert!(tmp.join("figures/incident-timeline.svg").exists());
        wait_text(&c, ".reports-archive summary", |t| t.contains("Stored in the case: 1")).await;

        // The customer draft: edit it, record it as sent.
        let text = wait_text(&c, "#draft-kind", |t| t.contains("customer")).await;
        assert!(text.contains("gdpr_art33"));
        c.find(Locator::Css("#draft-kind")).await.unwrap().select_by_value("gdpr_art34").await.unwrap();
        wait_text(&c, "#draft-gaps", |t| t.contains("Missing from the record")).await;
        let area = c.find(Locator::Css("#draft-text")).await.unwrap();
        for _ in 0..50 {
            if area.prop("value").await.unwrap().unwrap_or_default().contains("Article 34") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // A text with open [MISSING: ...] gaps cannot be recorded as sent.
        wait_text(&c, "#draft-unfilled", |t| t.contains("MISSING")).await;
        let record = c.find(Locator::Css("#draft-record")).await.unwrap();
        assert_eq!(record.attr("disabled").await.unwrap().as_deref(), Some("true"));
        retype(
            &c,
            "#draft-text",
            "We are informing you under GDPR Article 34 of a breach of your data. Sent after review by legal.",
        )
        .await;
        retype(&c, "#draft-recipient", "Data subjects by letter").await;
        settle().await;
        screenshot(&c, "reports-draft.png").await;
        c.find(Locator::Css("#draft-record")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".message.notice", |t| t.contains("Recorded the gdpr_art34 notification")).await;

        // The record has it, with the exact text.
        c.find(Locator::Css("#view-dashboard")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tab-notifications", |t| t.contains("otifications")).await;
        c.find(Locator::Css("#tab-notifications")).await.unwrap().click().await.unwrap();
        let row = wait_text(&c, ".record-table", |t| t.contains("Data subjects by letter")).await;
        assert!(row.contains("Sent after review by legal."), "{row}");
        assert!(row.contains("GDPR Art. 34"), "{row}");
        settle().await;
        screenshot(&c, "reports-recorded.png").await;
    })
    .await;
    if result.is_err() {
        screenshot(&c, "reports-timeout.png").await;
    }
    c.close().await.ok();
    result.expect("reports e2e timed out");
}

/// The SHA-256 of a file as lowercase hex, by coreutils' sha256sum.
fn file_sha256(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}
