//! The npsdesk desktop shell: a Tauri window over the domain crates. Everything here adapts; the work is in
//! `npsdesk-import`, `npsdesk-store` and `npsdesk-analytics` (see ARCHITECTURE.md).

mod commands;
pub mod error;
pub mod session;

use std::sync::Arc;

use tauri::Manager;

use session::{Launch, Session};

/// Registers plugins, state and commands on any runtime (the mock runtime in tests).
pub fn build_app<R: tauri::Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage::<commands::AppState>(Arc::new(Session::new(launch)))
        .invoke_handler(tauri::generate_handler![
            commands::startup,
            commands::dashboard,
            commands::import_files,
            commands::open_workspace,
            commands::nps,
            commands::column_values,
            commands::explain,
            commands::themes,
            commands::save_rules,
            commands::rule_history,
            commands::inspect_file,
            commands::import_with_mapping,
            commands::comments,
            commands::preview_rules,
            commands::rules_text,
            commands::read_rules_file,
            commands::write_rules_file,
            commands::accounts,
            commands::cancel_import,
            commands::recent_workspaces,
            commands::forget_workspace,
            commands::create_workspace,
            commands::export_table,
            commands::write_export_file,
            commands::followups,
            commands::update_followup,
            commands::followup_settings,
            commands::set_followup_settings,
            commands::promoters,
            commands::update_promoter,
            commands::import_accounts
        ])
        .setup(|app| {
            restore_window_size(app.handle());
            let session = app.state::<commands::AppState>().inner().clone();
            std::thread::spawn(move || session.prewarm());
            Ok(())
        })
        .on_window_event(|window, event| {
            // The size is kept when the window closes, so the next launch opens at the same size.
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                remember_window_size(window);
            }
        })
}

fn restore_window_size<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    let (Some(window), Some(size)) = (app.get_webview_window("main"), app.state::<commands::AppState>().window_size())
    else {
        return;
    };
    let _ = window.set_size(tauri::LogicalSize::new(size.width, size.height));
    if size.maximized {
        let _ = window.maximize();
    }
}

fn remember_window_size<R: tauri::Runtime>(window: &tauri::Window<R>) {
    let maximized = window.is_maximized().unwrap_or(false);
    let (Ok(size), Ok(scale)) = (window.inner_size(), window.scale_factor()) else { return };
    let logical = size.to_logical::<f64>(scale);
    let state = window.state::<commands::AppState>();
    // A maximised window keeps the size it had before, if one was saved: un-maximising returns to it.
    let (width, height) = match (maximized, state.window_size()) {
        (true, Some(before)) => (before.width, before.height),
        _ => (logical.width, logical.height),
    };
    state.save_window_size(session::prefs::WindowSize { width, height, maximized });
}

pub fn run() {
    let launch = Launch::from_args(std::env::args().skip(1));
    build_app(tauri::Builder::default(), launch)
        .run(tauri::generate_context!())
        .expect("error while running the npsdesk window");
}
