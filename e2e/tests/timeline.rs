//! The timeline engine in the real app: type a query and see the filtered count, star and
//! tag the selected event from the keyboard, find it again by query, export the view and
//! read the exported file; sort by a header, show times in another zone, jump to a time,
//! tag several picked rows and every event of a query, see the drawer follow the changes
//! and list the events around one. Screenshots go to E2E_ARTIFACTS.

mod common;

use common::*;
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT,
};
use fantoccini::{Client, Locator};
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
        run_query(&c, "user:deploy (host:x").await;
        let err = wait_text(&c, "#q-error", |t| t.contains("character 12")).await;
        assert!(err.contains("never closed"), "{err}");
        screenshot(&c, "timeline-query-error.png").await;
        run_query(&c, "\"accepted password\" user:deploy").await;
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
        run_query(&c, "is:starred tag:initial-access").await;
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

const CONTROL: char = '\u{E009}';

/// Waits until `script` (which returns a string) gives a value satisfying `pred`.
async fn wait_js(c: &Client, script: &str, pred: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(v) = c.execute(script, vec![]).await {
            let t = v.as_str().unwrap_or_default().to_string();
            if pred(&t) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    screenshot(c, "failure.png").await;
    panic!("{script}: never matched; last {last:?} (see failure.png)");
}

/// Clicks the element with Control held, as a user picking a second row does.
async fn ctrl_click(c: &Client, css: &str) {
    let el = c.find(Locator::Css(css)).await.unwrap();
    let pause = std::time::Duration::from_millis(50);
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: CONTROL })
        .pause(pause)
        .pause(pause)
        .pause(pause)
        .then(KeyAction::Up { value: CONTROL });
    let mouse = MouseActions::new("mouse".into())
        .pause(pause)
        .then(PointerAction::MoveToElement {
            element: el,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .pause(pause);
    c.perform_actions(keys.into_actions_with(mouse))
        .await
        .unwrap();
    c.release_actions().await.unwrap();
}

trait Both {
    fn into_actions_with(self, other: MouseActions) -> fantoccini::actions::Actions;
}

impl Both for KeyActions {
    fn into_actions_with(self, other: MouseActions) -> fantoccini::actions::Actions {
        fantoccini::actions::Actions::from(self).and(other)
    }
}

async fn choose(c: &Client, select: &str, value: &str) {
    c.find(Locator::Css(&format!("{select} option[value=\"{value}\"]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn run_query(c: &Client, query: &str) {
    retype(c, "#q", query).await;
    find(c, "#q").await.send_keys(ENTER).await.unwrap();
}

/// The count in "1,234 events"; `None` while the text is still "counting events…" or
/// "loading…", so that waiting on a count never reads a placeholder as a number.
fn events_in(total: &str) -> Option<usize> {
    if !total.contains("event") {
        return None;
    }
    total
        .chars()
        .filter(|ch| ch.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
}

/// Lines of the sample auth.log (all on bastion-01, all parsed) stamped within `secs`
/// seconds of Mar 14 `hh:mm:ss`: what "around this event, same host" must list.
fn auth_log_lines_around(hms: (u32, u32, u32), secs: u32) -> usize {
    let text =
        std::fs::read_to_string(repo().join("sample-data/incident-2026-03/bastion-01/auth.log"))
            .unwrap();
    let at = hms.0 * 3600 + hms.1 * 60 + hms.2;
    text.lines()
        .filter(|l| l.starts_with("Mar 14 "))
        .filter(|l| {
            let t: Vec<u32> = l[7..15].split(':').map(|p| p.parse().unwrap()).collect();
            let s = t[0] * 3600 + t[1] * 60 + t[2];
            s + secs >= at && s <= at + secs
        })
        .count()
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn sorts_zones_jumps_and_annotates_many_rows() {
    let tmp = std::env::temp_dir().join(format!("tideline-e2e-tlui-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let case = tmp.join("view.tideline");
    let _driver = start_driver(4538, &[("TIDELINE_CASE", &case), ("TIDELINE_HOME", &tmp)]);
    let c = connect(4538).await;
    let result = tokio::time::timeout(STEP * 4, async {
        wait_text(&c, "header", |t| t.contains("Untitled case")).await;
        let log = repo().join("sample-data/incident-2026-03/bastion-01/auth.log");
        c.find(Locator::Css("#import-path")).await.unwrap().send_keys(log.to_str().unwrap()).await.unwrap();
        c.find(Locator::Css("#import-btn")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tl-total", |t| t.contains("2,824")).await;
        wait_text(&c, "#timeline .tl-row .col-ts", |t| t.starts_with("2026-03-11 18:17:01")).await;

        // Sort: a header click sorts ascending, a second one descending (latest first).
        let ts_head = "#timeline .tl-head [data-column=\"ts\"]";
        c.find(Locator::Css(ts_head)).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tl-sort", |t| t.contains("By Time ▲")).await;
        c.find(Locator::Css(ts_head)).await.unwrap().click().await.unwrap();
        wait_text(&c, "#tl-sort", |t| t.contains("By Time ▼")).await;
        wait_text(&c, "#timeline .tl-row .col-ts", |t| t.starts_with("2026-03-14 17:17:01")).await;
        screenshot(&c, "timeline-sorted.png").await;
        let sorted = wait_text(&c, "#timeline .tl-head [aria-sort=\"descending\"]", |t| t.contains('▼')).await;
        assert!(sorted.starts_with("Time (UTC)"), "{sorted}");
        c.find(Locator::Css("#sort-reset")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#timeline .tl-row .col-ts", |t| t.starts_with("2026-03-11 18:17:01")).await;

        // Zone: Berlin is UTC+1 in March; the header names the zone.
        choose(&c, "#tl-zone", "Europe/Berlin").await;
        wait_text(&c, "#timeline .tl-row .col-ts", |t| t == "2026-03-11 19:17:01.000000 +01:00").await;
        wait_text(&c, "#timeline .tl-head .col-ts", |t| t.contains("Europe/Berlin")).await;

        // Jump: a time typed in Berlin time lands on the first event at or after it (the
        // stolen-password login at 02:51:37 UTC), focused and in view.
        let jump = c.find(Locator::Css("#tl-jump")).await.unwrap();
        jump.send_keys(&format!("2026-03-14 03:51:37{ENTER}")).await.unwrap();
        let focused = "return document.activeElement?.closest('.tl-row')?.querySelector('.col-ts')?.textContent ?? ''";
        wait_js(&c, focused, |t| t == "2026-03-14 03:51:37.000000 +01:00").await;
        let message = c
            .execute("return document.activeElement.closest('.tl-row').querySelector('.col-message').textContent", vec![])
            .await
            .unwrap();
        assert!(message.as_str().unwrap().contains("Accepted password for deploy"), "{message}");
        screenshot(&c, "timeline-jump-berlin.png").await;
        choose(&c, "#tl-zone", "UTC").await;
        wait_text(&c, "#timeline .tl-head .col-ts", |t| t.contains("(UTC)")).await;

        // Several rows: open the first login, star it from the keyboard and see the drawer
        // follow, then ctrl-click the second and tag both from the bulk bar.
        run_query(&c, "\"accepted password\" user:deploy").await;
        wait_text(&c, "#tl-total", |t| t.trim() == "2 events").await;
        let first = "#timeline .tl-row[data-index=\"0\"]";
        c.find(Locator::Css(first)).await.unwrap().click().await.unwrap();
        wait_text(&c, "#event-detail", |t| t.contains("Accepted password")).await;
        wait_text(&c, "#event-annotations", |t| t.contains("None.")).await;
        c.find(Locator::Css(first)).await.unwrap().send_keys("s").await.unwrap();
        wait_text(&c, "#event-annotations", |t| t.contains("starred")).await;
        ctrl_click(&c, "#timeline .tl-row[data-index=\"1\"]").await;
        wait_text(&c, "#tl-bulk", |t| t.contains("2 rows selected")).await;
        assert_eq!(count(&c, "#timeline .tl-row.picked").await, 2);
        c.find(Locator::Css("#bulk-tag")).await.unwrap().send_keys("stolen-creds").await.unwrap();
        c.find(Locator::Css("#bulk-apply")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#timeline .tl-row[data-index=\"1\"] .col-tags", |t| t == "stolen-creds").await;
        wait_text(&c, "#timeline .tl-row[data-index=\"0\"] .col-tags", |t| t == "stolen-creds").await;
        let ann = wait_text(&c, "#event-annotations", |t| t.contains("stolen-creds")).await;
        assert!(ann.contains("starred"), "{ann}");

        // Around this event (same host, ± 5 min): every auth.log line in that window.
        let expected = auth_log_lines_around((2, 51, 37), 300);
        let around = wait_text(&c, "#around-count", |t| events_in(t).is_some()).await;
        assert_eq!(events_in(&around), Some(expected), "{around}");
        assert_eq!(count(&c, "#event-around .around-self").await, 1);
        choose(&c, "#around-window", "10").await;
        let expected10 = auth_log_lines_around((2, 51, 37), 10);
        assert!(expected10 < expected);
        wait_text(&c, "#around-count", |t| events_in(t) == Some(expected10)).await;
        assert_eq!(count(&c, "#event-around tbody tr").await, expected10);
        screenshot(&c, "timeline-picked-drawer.png").await;

        // Every event of a query: the count is confirmed first, then all get the verdict.
        run_query(&c, "user:deploy").await;
        let total = wait_text(&c, "#tl-total", |t| events_in(t).is_some_and(|n| n != 2)).await;
        let n = events_in(&total).unwrap();
        assert!(n > 2, "{total}");
        choose(&c, "#bulk-action", "suspicious").await;
        c.find(Locator::Css("#bulk-query")).await.unwrap().click().await.unwrap();
        let confirm = wait_text(&c, "#bulk-confirm", |t| t.contains("user:deploy")).await;
        assert!(confirm.contains(&format!("{} events", total.split(' ').next().unwrap())), "{confirm}");
        assert!(confirm.contains("suspicious"), "{confirm}");
        screenshot(&c, "timeline-bulk-confirm.png").await;
        c.find(Locator::Css("#bulk-confirm-yes")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".message.notice", |t| t.contains("Annotated every event")).await;
        run_query(&c, "verdict:suspicious").await;
        wait_text(&c, "#tl-total", |t| events_in(t) == Some(n)).await;
        run_query(&c, "verdict:suspicious -user:deploy").await;
        wait_text(&c, "#tl-total", |t| t.trim() == "0 events").await;
        screenshot(&c, "timeline-bulk-done.png").await;
    })
    .await;
    let _ = c.close().await;
    result.expect("the e2e steps took too long");
}
