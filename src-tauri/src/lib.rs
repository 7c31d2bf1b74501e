//! The npsdesk desktop shell: a Tauri window over the domain crates. Everything here adapts; the work is in
//! `npsdesk-import`, `npsdesk-store` and `npsdesk-analytics` (see ARCHITECTURE.md).

mod commands;
pub mod error;
pub mod session;

use std::sync::Arc;

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
            commands::accounts
        ])
}

pub fn run() {
    let launch = Launch::from_args(std::env::args().skip(1));
    build_app(tauri::Builder::default(), launch)
        .run(tauri::generate_context!())
        .expect("error while running the npsdesk window");
}
