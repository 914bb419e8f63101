//! The incident record in the desktop app (issue #5): on the sample incident, an event of the
//! timeline becomes the awareness milestone from its drawer, GDPR is chosen for the case, and
//! the dashboard shows the GDPR Art. 33 deadline at awareness + 72 h. Ports 4504..4529.

mod common;

use common::*;
use fantoccini::Locator;

/// Lets WebKit paint what the DOM already holds before a screenshot.
async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn a_milestone_from_a_timeline_event_puts_the_gdpr_deadline_on_the_dashboard() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-incident-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // No TIDELINE_CASE: the app builds and opens the bundled sample incident in TIDELINE_HOME.
    let _driver = start_driver(4504, &[("TIDELINE_HOME", &tmp)]);
    let c = connect(4504).await;
    let result = tokio::time::timeout(STEP * 4, async {
        wait_text(&c, "header", |t| t.contains("Sample incident")).await;
        wait_text(&c, "#tl-total", |t| {
            t.starts_with(|ch: char| ch.is_ascii_digit()) && t.contains("event")
        })
        .await;

        // Open the first event of the timeline; its drawer offers "Set milestone".
        c.find(Locator::Css("#timeline .tl-row"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "#event-detail", |t| {
            t.contains("Set milestone at this event")
        })
        .await;
        let ts = wait_text(&c, "#event-detail table.kv td.mono", |t| {
            t.starts_with("20")
        })
        .await;
        let at = chrono::NaiveDateTime::parse_from_str(ts.trim(), "%Y-%m-%d %H:%M:%S%.f")
            .unwrap_or_else(|e| panic!("event time {ts:?}: {e}"));
        let due = (at + chrono::Duration::hours(72))
            .format("%Y-%m-%d %H:%M:%S%.6f")
            .to_string();

        c.find(Locator::Css("#milestone-kind"))
            .await
            .unwrap()
            .select_by_value("awareness")
            .await
            .unwrap();
        c.find(Locator::Css("#set-milestone-btn"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let notice = wait_text(&c, ".message.notice", |t| {
            t.contains("Milestone awareness set")
        })
        .await;
        assert!(notice.contains(ts.trim()), "{notice} / {ts}");
        settle().await;
        screenshot(&c, "incident-drawer-milestone.png").await;

        // The dashboard: the milestone is on the strip, linked to its event.
        c.find(Locator::Css("#view-dashboard"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let strip = wait_text(&c, "#milestone-strip [data-kind='awareness']", |t| {
            t.contains(ts.trim())
        })
        .await;
        assert!(strip.contains("event #"), "{strip}");
        let counts = wait_text(&c, "#dash-counts", |t| t.contains("events")).await;
        assert!(
            counts.contains("evidence") && counts.contains("follow-ups"),
            "{counts}"
        );

        // Choose GDPR: Art. 33 is due 72 h after awareness, Art. 34 without undue delay.
        c.find(Locator::Css("#regime-gdpr"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::Css("#save-regimes"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, ".message.notice", |t| t.contains("Regimes: gdpr")).await;
        let row = wait_text(&c, "#deadlines tr[data-rule='gdpr_art33']", |t| {
            t.contains(&due)
        })
        .await;
        assert!(row.contains("GDPR Art. 33"), "{row}");
        // The sample incident is in March 2026: long past, so overdue, with a live count.
        assert!(row.contains("overdue by"), "{row}");
        let asap = wait_text(&c, "#deadlines tr[data-rule='gdpr_art34']", |t| {
            t.contains("asap")
        })
        .await;
        assert!(asap.contains("due now"), "{asap}");
        let metrics = wait_text(&c, "#metrics", |t| t.contains("Time to detect")).await;
        assert!(metrics.contains("Dwell time"), "{metrics}");
        // The regime choice shows what was saved once the record is reloaded.
        let checked = c
            .find(Locator::Css("#regime-gdpr"))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap();
        assert_eq!(checked.as_deref(), Some("true"));
        c.execute(
            "document.getElementById('incident-dashboard').scrollTop = 0;",
            vec![],
        )
        .await
        .unwrap();
        settle().await;
        screenshot(&c, "incident-dashboard.png").await;

        // A follow-up item added on its screen appears in the list and the counts.
        c.find(Locator::Css("#tab-follow-ups"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::Css("#followup-title"))
            .await
            .unwrap()
            .send_keys("Rate-limit SSH on bastions")
            .await
            .unwrap();
        c.find(Locator::Css("#add-followup"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "#followups-table", |t| {
            t.contains("Rate-limit SSH on bastions")
        })
        .await;
        wait_text(&c, "#dash-counts", |t| t.contains("1 follow-ups (1 open)")).await;
        settle().await;
        screenshot(&c, "incident-followups.png").await;
    })
    .await;
    if result.is_err() {
        screenshot(&c, "incident-timeout.png").await;
    }
    c.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    result.expect("the incident e2e test finished in time");
}
