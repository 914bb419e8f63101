//! The incident record in the desktop app (issue #5), on the sample incident: an event of the
//! timeline becomes the awareness milestone from its drawer, GDPR is chosen for the case, and
//! the dashboard shows the GDPR Art. 33 deadline at awareness + 72 h. Then the case details
//! get a person with contact details, assets, an affected customer and a related case; an
//! action is added and approved; and a notification sent for GDPR Art. 33 is recorded from
//! its deadline row (refused first without the reason when sent late), turning the deadline
//! met. Ports 4504..4529.

mod common;

use common::*;
use fantoccini::Locator;

/// Scrolls the dashboard so that `css` is at its top, for a screenshot of that part.
async fn scroll_to(c: &fantoccini::Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
        vec![serde_json::json!(css)],
    )
    .await
    .unwrap();
    settle().await;
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and the built app: run by the README's test command"]
async fn a_milestone_from_a_timeline_event_puts_the_gdpr_deadline_on_the_dashboard() {
    // No TIDELINE_CASE: the app builds and opens the bundled sample incident in TIDELINE_HOME.
    let session = Session::start("incident", 4504, |tmp| {
        vec![("TIDELINE_HOME", tmp.to_path_buf())]
    })
    .await;
    session
        .run(STEP * 6, |c| async move {
            wait_text(&c, "header", |t| t.contains("Sample incident")).await;
            wait_text(&c, "#tl-total", |t| {
                t.starts_with(|ch: char| ch.is_ascii_digit()) && t.contains("event")
            })
            .await;

            // Open the first event of the timeline; its drawer offers "Set milestone".
            click(&c, "#timeline .tl-row").await;
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

            select(&c, "#milestone-kind", "awareness").await;
            click(&c, "#set-milestone-btn").await;
            let notice = wait_text(&c, ".message.notice", |t| {
                t.contains("Milestone awareness set")
            })
            .await;
            assert!(notice.contains(ts.trim()), "{notice} / {ts}");
            settle().await;
            screenshot(&c, "incident-drawer-milestone.png").await;

            // The dashboard: the milestone is on the strip, linked to its event.
            click(&c, "#view-dashboard").await;
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
            click(&c, "#regime-gdpr").await;
            click(&c, "#save-regimes").await;
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
            let checked = find(&c, "#regime-gdpr").await.prop("checked").await.unwrap();
            assert_eq!(checked.as_deref(), Some("true"));
            scroll_to(&c, "#incident-dashboard > :first-child").await;
            screenshot(&c, "incident-dashboard.png").await;

            // A follow-up item added on its screen appears in the list and the counts.
            click(&c, "#tab-follow-ups").await;
            type_into(&c, "#followup-title", "Rate-limit SSH on bastions").await;
            click(&c, "#add-followup").await;
            wait_text(&c, "#followups-table", |t| {
                t.contains("Rate-limit SSH on bastions")
            })
            .await;
            wait_text(&c, "#dash-counts", |t| t.contains("1 follow-ups (1 open)")).await;
            settle().await;
            screenshot(&c, "incident-followups.png").await;

            // Case details: a person with role and contact details, assets (one removed
            // again), an affected customer (a negative count refused first), a related case.
            click(&c, "#tab-details").await;
            type_into(&c, "#person-name", "Erin Example").await;
            select(&c, "#person-role", "executive_incident_manager").await;
            type_into(&c, "#person-email", "erin@example.com").await;
            type_into(&c, "#person-phone", "+49 30 1234567").await;
            click(&c, "#add-person").await;
            let people = wait_text(&c, "#people-table", |t| t.contains("Erin Example")).await;
            assert!(
                people.contains("Executive incident manager")
                    && people.contains("erin@example.com")
                    && people.contains("+49 30 1234567"),
                "{people}"
            );

            for (name, kind) in [("bastion-01", "host"), ("scratch-host", "host")] {
                type_into(&c, "#asset-name", name).await;
                type_into(&c, "#asset-kind", kind).await;
                click(&c, "#add-asset").await;
                wait_text(&c, "#assets-table", |t| t.contains(name)).await;
            }
            let scratch = c
                .find(Locator::XPath(
                    "//table[@id='assets-table']//tr[td[1][normalize-space(.)='scratch-host']]//button",
                ))
                .await
                .unwrap();
            click_in_view(&c, &scratch).await;
            wait_text(&c, ".message.notice", |t| t.contains("Removed asset scratch-host")).await;
            let assets = wait_text(&c, "#assets-table", |t| !t.contains("scratch-host")).await;
            assert!(assets.contains("bastion-01") && assets.contains("host"), "{assets}");
            assert_eq!(count(&c, "#assets-table tbody tr").await, 1);

            type_into(&c, "#party-name", "Acme GmbH").await;
            type_into(&c, "#party-people", "-3").await;
            click(&c, "#add-party").await;
            let problem = wait_text(&c, ".form-errors", |t| !t.is_empty()).await;
            assert_eq!(
                problem,
                "People affected must be a whole number, 0 or more (not “-3”)"
            );
            assert_eq!(count(&c, "#parties-table").await, 0, "nothing was added");
            retype(&c, "#party-people", "620").await;
            type_into(&c, "#party-records", "1400").await;
            click(&c, "#add-party").await;
            let parties = wait_text(&c, "#parties-table", |t| t.contains("Acme GmbH")).await;
            assert!(parties.contains("620") && parties.contains("1,400"), "{parties}");
            let totals = wait_text(&c, "#affected-totals", |t| t.contains("people")).await;
            assert!(totals.contains("620 people, 1,400 records"), "{totals}");
            assert_eq!(count(&c, ".form-errors").await, 0);

            type_into(&c, "#related-reference", "INC-2026-007").await;
            type_into(&c, "#related-relation", "same actor").await;
            click(&c, "#add-related").await;
            let related = wait_text(&c, "#related-table", |t| t.contains("INC-2026-007")).await;
            assert!(related.contains("same actor"), "{related}");
            scroll_to(&c, "#people-table").await;
            screenshot(&c, "incident-details-lists.png").await;

            // An action, approved by the executive incident manager at a given time.
            click(&c, "#tab-actions").await;
            type_into(&c, "#action-what", "Block 203.0.113.45 at the edge firewall").await;
            click(&c, "#add-action").await;
            wait_text(&c, "#actions-table", |t| t.contains("203.0.113.45")).await;
            let action = "#actions-table tr[data-action='1']";
            assert!(text_of(&c, Locator::Css(action)).await.contains("not approved"));
            click(&c, "#approve-1").await;
            // The form offers the record's executive incident manager.
            let approver = find(&c, "#approval-form-1 .approval-approver")
                .await
                .prop("value")
                .await
                .unwrap();
            assert_eq!(approver.as_deref(), Some("Erin Example"));
            type_into(&c, "#approval-form-1 .approval-at", "2026-03-17 09:30").await;
            click(&c, "#approval-form-1 .approval-save").await;
            let approved = wait_text(&c, action, |t| t.contains("2026-03-17 09:30:00")).await;
            assert!(
                approved.contains("Erin Example")
                    && approved.contains("(Executive incident manager)")
                    && !approved.contains("not approved"),
                "{approved}"
            );
            assert_eq!(count(&c, "#approval-form-1").await, 0, "the form closed");
            settle().await;
            screenshot(&c, "incident-action-approved.png").await;

            // Record the GDPR Art. 33 notification from its deadline row. Sent after the
            // due time it needs the reason for the delay; sent before, the deadline is met.
            scroll_to(&c, "#incident-dashboard > :first-child").await;
            click(&c, "#record-sent-gdpr_art33").await;
            let form = "#sent-form-gdpr_art33";
            // It offers now as the time sent: long after the due time, so the reason is
            // required.
            let label = text_of(&c, Locator::Css(form)).await;
            assert!(label.contains("required: sent after the due time"), "{label}");
            let late = (at + chrono::Duration::hours(73)).format("%Y-%m-%d %H:%M:%S").to_string();
            retype(&c, &format!("{form} .sent-at"), &late).await;
            retype(&c, &format!("{form} .sent-recipient"), "Berliner Beauftragte für Datenschutz").await;
            type_into(&c, &format!("{form} .sent-channel"), "portal").await;
            type_into(
                &c,
                &format!("{form} .sent-text"),
                "Initial notification of a personal data breach (Art. 33).",
            )
            .await;
            click(&c, &format!("{form} .sent-save")).await;
            let refused = wait_text(&c, &format!("{form} [role='alert']"), |t| !t.is_empty()).await;
            assert!(
                refused.contains("requires the reason for the delay"),
                "{refused}"
            );
            settle().await;
            screenshot(&c, "incident-record-sent-late.png").await;
            let on_time = (at + chrono::Duration::hours(70)).format("%Y-%m-%d %H:%M:%S").to_string();
            retype(&c, &format!("{form} .sent-at"), &on_time).await;
            let label = text_of(&c, Locator::Css(form)).await;
            assert!(label.contains("required if sent after the due time"), "{label}");
            click(&c, &format!("{form} .sent-save")).await;
            wait_text(&c, ".message.notice", |t| {
                t.contains("Notification recorded: GDPR Art. 33")
            })
            .await;
            wait_text(
                &c,
                "#deadlines tr[data-rule='gdpr_art33'] .deadline-status",
                |t| t == "met",
            )
            .await;
            let met = text_of(&c, Locator::Css("#deadlines tr[data-rule='gdpr_art33']")).await;
            assert!(met.contains("sent 2 h early"), "{met}");
            assert!(met.contains(&format!("sent {on_time}")), "{met}");
            assert_eq!(count(&c, "#record-sent-gdpr_art33").await, 0, "met: nothing owed");
            assert_eq!(count(&c, form).await, 0, "the form closed");
            wait_text(&c, "#dash-counts", |t| t.contains("1 notifications sent")).await;
            scroll_to(&c, "#incident-dashboard > :first-child").await;
            screenshot(&c, "incident-deadline-met.png").await;

            // The notifications screen lists it with what was sent.
            click(&c, "#tab-notifications").await;
            let sent = wait_text(&c, "#notifications-table", |t| t.contains("portal")).await;
            assert!(
                sent.contains("Berliner Beauftragte für Datenschutz")
                    && sent.contains("Initial notification of a personal data breach"),
                "{sent}"
            );
        })
        .await;
}
