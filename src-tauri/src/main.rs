//! Tideline's desktop app: registers the commands and the state, opens the window.
//! Everything it does is in the `tideline` core; see `commands.rs`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod incident;
mod ioc;
mod reports;
mod state;
mod timeline;

fn main() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::default())
        .setup(|app| {
            state::open_default_case(app.handle())?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::case_info,
            commands::open_case,
            commands::create_case,
            commands::import_evidence,
            commands::cancel_import,
            commands::import_issues,
            commands::timeline_page,
            commands::event_detail,
            commands::write_report,
            incident::incident_dashboard,
            incident::incident_vocabulary,
            incident::incident_update_details,
            incident::incident_set_regimes,
            incident::incident_set_milestone,
            incident::incident_clear_milestone,
            incident::incident_add_action,
            incident::incident_update_action,
            incident::incident_approve_action,
            incident::incident_add_follow_up,
            incident::incident_update_follow_up,
            incident::incident_set_lesson,
            incident::incident_record_notification,
            reports::report_preview,
            reports::report_charts,
            reports::report_export,
            reports::notification_draft,
            reports::reports_info,
            reports::report_set_status,
            incident::incident_add_person,
            incident::incident_add_party,
            incident::incident_add_asset,
            incident::incident_add_related,
            incident::incident_remove_item,
            ioc::ioc_import,
            ioc::ioc_list,
            ioc::ioc_sweep,
            ioc::event_ioc_hits,
            timeline::timeline_histogram,
            timeline::timeline_top,
            timeline::annotate_events,
            timeline::annotate_query,
            timeline::timeline_jump,
            timeline::timeline_around,
            timeline::export_timeline,
        ])
        .run(tauri::generate_context!())
        .expect("the Tideline window could not start");
}
