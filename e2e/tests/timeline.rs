//! The timeline engine in the real app: type a query and see the filtered count, star and
//! tag the selected event from the keyboard, find it again by query, export the view and
//! read the exported file. Screenshots go to E2E_ARTIFACTS.

mod common;

use common::*;
use fantoccini::Locator;
use serde_json::json;

const ENTER: &str = "\u{E007}";

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn filters_tags_stars_and_exports_the_view() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-tl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let case = tmp.join("timeline.tideline");
    let _driver = start_driver(4534, &[("TIDELINE_CASE", &case), ("TIDELINE_HOME", &tmp)]);
    let c = connect(4534).await;
    let result = tokio::time::timeout(STEP * 3, async {
        wait_text(&c, "header", |t| t.contains("Untitled case")).await;
        let log = repo().join("sample-data/incident-2026-03/bastion-01/auth.log");
        c.find(Locator::Css("#import-path")).await.unwrap().send_keys(log.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#import-btn")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tl-total", |t| t.contains("2,824")).await;
        assert!(count(&c, "#tl-histogram rect").await > 10, "the histogram has bars");

        // A query narrows the table to the two logins with the stolen password.
        let q = c.find(Locator::Css("#q")).await.unwrap();
        q.send_keys(&format!("\"accepted password\" user:deploy{ENTER}")).await.unwrap();
        wait_text(&c, "#tl-total", |t| t.trim() == "2 events").await;
        assert_eq!(count(&c, "#timeline .tl-row").await, 2);

        // A bad query says where it is wrong, next to the bar.
        q.clear().await.unwrap();
        q.send_keys(&format!("user:deploy (host:x{ENTER}")).await.unwrap();
        let err = wait_text(&c, "#q-error", |t| t.contains("character 12")).await;
        assert!(err.contains("never closed"), "{err}");
        screenshot(&c, "timeline-query-error.png").await;
        q.clear().await.unwrap();
        q.send_keys(&format!("\"accepted password\" user:deploy{ENTER}")).await.unwrap();
        wait_text(&c, "#tl-total", |t| t.trim() == "2 events").await;

        // Star and tag the first one from the keyboard.
        let row = c.find(Locator::Css("#timeline .tl-row")).await.unwrap();
        row.click().await.unwrap();
        wait_text(&c, "#event-detail", |t| t.contains("Accepted password")).await;
        let row = c.find(Locator::Css("#timeline .tl-row")).await.unwrap();
        row.send_keys("s").await.unwrap();
        wait_text(&c, "#timeline .tl-row .col-mark", |t| t.contains('★')).await;
        let row = c.find(Locator::Css("#timeline .tl-row")).await.unwrap();
        row.send_keys("t").await.unwrap();
        let input = c.find(Locator::Css("#ann-input")).await.unwrap();
        input.send_keys(&format!("initial-access{ENTER}")).await.unwrap();
        wait_text(&c, "#timeline .tl-row .col-tags", |t| t.contains("initial-access")).await;
        let bar = wait_text(&c, "#tl-annotate", |t| t.contains("initial-access")).await;
        assert!(bar.contains("Unstar"), "{bar}");
        screenshot(&c, "timeline-annotated.png").await;

        // The annotations are queryable.
        q.clear().await.unwrap();
        q.send_keys(&format!("is:starred tag:initial-access{ENTER}")).await.unwrap();
        wait_text(&c, "#tl-total", |t| t.trim() == "1 event").await;
        let id: String = c
            .find(Locator::Css("#timeline .tl-row"))
            .await
            .unwrap()
            .attr("data-id")
            .await
            .unwrap()
            .unwrap();

        // "Export view…" calls this command after its save dialog (which WebDriver cannot
        // drive); the exported CSV holds the one starred, tagged event.
        let out = tmp.join("view.csv");
        let reply = c
            .execute_async(
                "const [query, path, done] = arguments; \
                 window.__TAURI_INTERNALS__.invoke('export_timeline', { query, format: 'csv', path }).then(done, e => done({ error: e }));",
                vec![json!({ "query": "is:starred tag:initial-access", "offset": 0, "limit": 0 }), json!(out.to_str().unwrap())],
            )
            .await
            .unwrap();
        assert!(reply.get("error").is_none(), "{reply}");
        assert_eq!(reply["events"], 1);
        let csv = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[0].ends_with("message,tags,starred,note,verdict"), "{csv}");
        assert!(lines[1].starts_with(&format!("{id},2026-03-14T02:51:37")), "{csv}");
        assert!(lines[1].contains("Accepted password for deploy") && lines[1].ends_with(",initial-access,true,,"), "{csv}");
        screenshot(&c, "timeline-filtered.png").await;
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
}
