//! IOC sweeps in the real desktop app: import a web log and an indicator list, sweep,
//! read the hit counts, click an indicator and see the timeline narrowed to its hits.

mod common;

use common::*;
use fantoccini::Locator;

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn imports_iocs_sweeps_and_filters_the_timeline_to_hits() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-ioc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let case = tmp.join("ioc.tideline");
    let _driver = start_driver(4474, &[("TIDELINE_CASE", &case), ("TIDELINE_HOME", &tmp)]);
    let c = connect(4474).await;
    let result = tokio::time::timeout(STEP * 3, async {
        wait_text(&c, "header", |t| t.contains("Untitled case")).await;

        let log = repo().join("sample-data/incident-2026-03/web-01/access.log");
        c.find(Locator::Css("#import-path")).await.unwrap().send_keys(log.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#import-btn")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tl-total", |t| t.contains("1,528")).await;

        // Import the synthetic list: 20 indicators, 2 lines that are not indicators.
        let list = repo().join("sample-data/iocs/incident-2026-03.txt");
        c.find(Locator::Css("#ioc-path")).await.unwrap().send_keys(list.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#ioc-import-btn")).await.unwrap().click().await.unwrap();
        let summary = wait_text(&c, "#ioc-import-summary", |t| t.contains("entries")).await;
        assert!(
            summary.contains("26 entries, 20 indicators (20 new), 2 not indicators, 4 comments or blank"),
            "{summary}"
        );
        assert!(summary.contains("line 25") && summary.contains("line 26"), "{summary}");
        assert_eq!(count(&c, "#ioc-table tbody tr").await, 20);

        // Sweep: the access log's hits (gobuster lines, the attacker's requests, IPv6 clients).
        c.find(Locator::Css("#ioc-sweep-btn")).await.unwrap().click().await.unwrap();
        let swept = wait_text(&c, "#ioc-sweep-summary", |t| t.contains("Swept")).await;
        assert!(swept.contains("Swept 1,528 events for 20 indicators"), "{swept}");
        let row = |value: &str| format!("//table[@id='ioc-table']//tr[td[2][normalize-space(.)='{value}']]");
        let hits = |value: &str| format!("{}/td[3]", row(value));
        let text = |xpath: String| {
            let c = &c;
            async move {
                c.find(Locator::XPath(&xpath)).await.unwrap().prop("textContent").await.unwrap().unwrap_or_default()
            }
        };
        assert_eq!(text(hits("gobuster/3.6")).await, "326");
        assert_eq!(text(hits("203.0.113.45")).await, "354");
        assert_eq!(text(hits("2001:db8:76a7:55ad::412e")).await, "41");
        assert_eq!(text(hits("203.0.113.4")).await, "0", "boundary: 203.0.113.4 is not 203.0.113.45");
        assert_eq!(text(hits("ample.com")).await, "0", "boundary: example.com is not ample.com");
        screenshot(&c, "ioc-swept.png").await;

        // Click an indicator (scrolled into view in the panel's table): the timeline shows
        // exactly its hits.
        let click_row = |value: &str| {
            let (c, xpath) = (&c, format!("{}/td[2]", row(value)));
            async move {
                let e = c.find(Locator::XPath(&xpath)).await.unwrap();
                c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&e).unwrap()])
                    .await
                    .unwrap();
                e.click().await.unwrap();
            }
        };
        click_row("gobuster/3.6").await;
        let total = wait_text(&c, "#tl-total", |t| t.starts_with("326 ")).await;
        assert!(total.contains("event"), "{total}");
        screenshot(&c, "ioc-filtered.png").await;

        // An event's drawer names the indicators that hit it and where.
        c.find(Locator::Css("#timeline .tl-row")).await.unwrap().click().await.unwrap();
        let detail = wait_text(&c, "#event-ioc-hits", |t| t.contains("gobuster/3.6")).await;
        assert!(detail.contains("in attrs.user_agent") || detail.contains("in raw"), "{detail}");
        assert!(detail.contains("203.0.113.45"), "the attacker IP hit the same event: {detail}");
        screenshot(&c, "ioc-event-hits.png").await;

        // Clicking the indicator again shows every event.
        click_row("gobuster/3.6").await;
        wait_text(&c, "#tl-total", |t| t.contains("1,528")).await;
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
}
