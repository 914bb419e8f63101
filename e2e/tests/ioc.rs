//! IOC sweeps in the real desktop app: import a web log and an indicator list, sweep,
//! read the hit counts, click an indicator and see the timeline narrowed to its hits.

mod common;

use common::*;
use fantoccini::Locator;

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn imports_iocs_sweeps_and_filters_the_timeline_to_hits() {
    let session = Session::start("ioc", 4474, |tmp| {
        vec![
            ("TIDELINE_CASE", tmp.join("ioc.tideline")),
            ("TIDELINE_HOME", tmp.to_path_buf()),
        ]
    })
    .await;
    session
        .run(STEP * 3, |c| async move {
            wait_text(&c, "header", |t| t.contains("Untitled case")).await;

            let log = repo().join("sample-data/incident-2026-03/web-01/access.log");
            type_into(&c, "#import-path", log.to_str().unwrap()).await;
            click(&c, "#import-btn").await;
            wait_text(&c, "#tl-total", |t| t.contains("1,528")).await;

            // Import the synthetic list: 20 indicators, 2 lines that are not indicators.
            let list = repo().join("sample-data/iocs/incident-2026-03.txt");
            type_into(&c, "#ioc-path", list.to_str().unwrap()).await;
            click(&c, "#ioc-import-btn").await;
            let summary = wait_text(&c, "#ioc-import-summary", |t| t.contains("entries")).await;
            assert!(
                summary.contains(
                    "26 entries, 20 indicators (20 new), 2 not indicators, 4 comments or blank"
                ),
                "{summary}"
            );
            assert!(
                summary.contains("line 25") && summary.contains("line 26"),
                "{summary}"
            );
            assert_eq!(count(&c, "#ioc-table tbody tr").await, 20);

            // Sweep: the access log's hits (gobuster lines, the attacker's requests, IPv6
            // clients).
            click(&c, "#ioc-sweep-btn").await;
            let swept = wait_text(&c, "#ioc-sweep-summary", |t| t.contains("Swept")).await;
            assert!(
                swept.contains("Swept 1,528 events for 20 indicators"),
                "{swept}"
            );
            let row = |value: &str| {
                format!("//table[@id='ioc-table']//tr[td[2][normalize-space(.)='{value}']]")
            };
            let hits = async |value: &str| {
                text_of(&c, Locator::XPath(&format!("{}/td[3]", row(value)))).await
            };
            assert_eq!(hits("gobuster/3.6").await, "326");
            assert_eq!(hits("203.0.113.45").await, "354");
            assert_eq!(hits("2001:db8:76a7:55ad::412e").await, "41");
            assert_eq!(
                hits("203.0.113.4").await,
                "0",
                "boundary: 203.0.113.4 is not 203.0.113.45"
            );
            assert_eq!(
                hits("ample.com").await,
                "0",
                "boundary: example.com is not ample.com"
            );
            screenshot(&c, "ioc-swept.png").await;

            // Click an indicator: the timeline shows exactly its hits.
            let indicator = c.find(Locator::XPath(&row("gobuster/3.6"))).await.unwrap();
            click_in_view(&c, &indicator).await;
            let total = wait_text(&c, "#tl-total", |t| t.starts_with("326 ")).await;
            assert!(total.contains("event"), "{total}");
            // The rows too (a refresh of the case after the sweep may recount once): the
            // first hit carries the `ioc` tag, and the count is still 326.
            let first = wait_text(&c, "#timeline .tl-row", |t| t.contains("ioc")).await;
            assert!(first.contains("203.0.113.45"), "{first}");
            wait_text(&c, "#tl-total", |t| t.starts_with("326 ")).await;
            screenshot(&c, "ioc-filtered.png").await;

            // An event's drawer names the indicators that hit it and where.
            click(&c, "#timeline .tl-row").await;
            let detail = wait_text(&c, "#event-ioc-hits", |t| t.contains("gobuster/3.6")).await;
            assert!(
                detail.contains("in attrs.user_agent") || detail.contains("in raw"),
                "{detail}"
            );
            assert!(
                detail.contains("203.0.113.45"),
                "the attacker IP hit the same event: {detail}"
            );
            screenshot(&c, "ioc-event-hits.png").await;

            // Clicking the indicator again shows every event.
            let indicator = c.find(Locator::XPath(&row("gobuster/3.6"))).await.unwrap();
            click_in_view(&c, &indicator).await;
            wait_text(&c, "#tl-total", |t| t.contains("1,528")).await;
        })
        .await;
}
