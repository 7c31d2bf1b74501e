//! IPC commands: thin adapters from the window to [`Session`]. Work runs on a blocking thread so a long
//! import or query never freezes the window.

use std::path::PathBuf;
use std::sync::Arc;

use npsdesk_core::{Explanation, ImportReport, NpsQuery, NpsReport, ValueCount, WorkspaceInfo};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::{AppError, ErrorCode};
use crate::session::{Dashboard, Session, Startup};

pub type AppState = Arc<Session>;

mod mapping;
pub use mapping::*;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("background task failed: {e}")))?
}

fn progress_emitter<R: Runtime>(app: AppHandle<R>) -> impl FnMut(&npsdesk_core::ImportProgress) {
    move |p| {
        let _ = app.emit("import-progress", p);
    }
}

#[tauri::command]
pub async fn startup<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Startup, AppError> {
    let session = state.inner().clone();
    blocking(move || session.startup(&mut progress_emitter(app))).await
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, survey_id: Option<i64>) -> Result<Dashboard, AppError> {
    let session = state.inner().clone();
    blocking(move || session.dashboard(survey_id)).await
}

#[tauri::command]
pub async fn import_files<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
) -> Result<Vec<ImportReport>, AppError> {
    if paths.is_empty() || paths.iter().any(|p| !p.is_absolute()) {
        return Err(AppError::new(ErrorCode::InvalidInput, "import needs absolute file paths"));
    }
    let session = state.inner().clone();
    blocking(move || session.import_files(&paths, &mut progress_emitter(app))).await
}

#[tauri::command]
pub async fn open_workspace(state: State<'_, AppState>, path: PathBuf) -> Result<WorkspaceInfo, AppError> {
    if path.extension().is_none_or(|e| e != "npsdesk") {
        return Err(AppError::new(ErrorCode::InvalidInput, "a workspace file ends in .npsdesk"));
    }
    let session = state.inner().clone();
    blocking(move || session.open_workspace(&path)).await
}

#[tauri::command]
pub async fn nps(state: State<'_, AppState>, survey_id: Option<i64>, query: NpsQuery) -> Result<NpsReport, AppError> {
    let session = state.inner().clone();
    blocking(move || session.nps(survey_id, &query)).await
}

#[tauri::command]
pub async fn column_values(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    column: String,
) -> Result<Vec<ValueCount>, AppError> {
    let session = state.inner().clone();
    blocking(move || session.column_values(survey_id, &column)).await
}

#[tauri::command]
pub async fn explain(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: NpsQuery,
    from_period: String,
    to_period: String,
    by: String,
) -> Result<Explanation, AppError> {
    let session = state.inner().clone();
    blocking(move || session.explain(survey_id, &query, &from_period, &to_period, &by)).await
}

#[tauri::command]
pub async fn themes(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: NpsQuery,
    rules: Option<String>,
    resamples: Option<u32>,
) -> Result<npsdesk_analytics::ThemesAnswer, AppError> {
    let session = state.inner().clone();
    blocking(move || session.themes(survey_id, &query, rules.as_deref(), resamples)).await
}

#[tauri::command]
pub async fn save_rules(
    state: State<'_, AppState>,
    text: String,
    note: Option<String>,
) -> Result<npsdesk_core::RuleVersion, AppError> {
    let session = state.inner().clone();
    blocking(move || session.save_rules(&text, note.as_deref())).await
}

#[tauri::command]
pub async fn rule_history(state: State<'_, AppState>) -> Result<Vec<npsdesk_core::RuleVersion>, AppError> {
    let session = state.inner().clone();
    blocking(move || session.rule_history()).await
}

#[tauri::command]
pub async fn comments(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: NpsQuery,
    explorer: npsdesk_analytics::CommentQuery,
    rules: Option<String>,
) -> Result<npsdesk_analytics::CommentPage, AppError> {
    let session = state.inner().clone();
    blocking(move || session.comments(survey_id, &query, &explorer, rules.as_deref())).await
}

#[tauri::command]
pub async fn preview_rules(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: NpsQuery,
    text: String,
    explorer: npsdesk_analytics::CommentQuery,
) -> Result<crate::session::RulesPreview, AppError> {
    let session = state.inner().clone();
    blocking(move || session.preview_rules(survey_id, &query, &text, &explorer)).await
}

#[tauri::command]
pub async fn rules_text(state: State<'_, AppState>) -> Result<String, AppError> {
    let session = state.inner().clone();
    blocking(move || session.rules_text()).await
}

/// Rule files come from the open/save dialogs, so the path is the user's choice; it must be absolute.
#[tauri::command]
pub async fn read_rules_file(path: PathBuf) -> Result<String, AppError> {
    if !path.is_absolute() {
        return Err(AppError::new(ErrorCode::InvalidInput, "a rule file needs an absolute path"));
    }
    blocking(move || crate::session::read_rules_file(&path)).await
}

#[tauri::command]
pub async fn write_rules_file(path: PathBuf, text: String) -> Result<(), AppError> {
    if !path.is_absolute() || path.extension().is_none_or(|e| e != "toml" && e != "json") {
        return Err(AppError::new(ErrorCode::InvalidInput, "a rule file is an absolute path ending in .toml or .json"));
    }
    blocking(move || crate::session::write_rules_file(&path, &text)).await
}

#[tauri::command]
pub async fn accounts(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: NpsQuery,
) -> Result<npsdesk_analytics::AccountsAnswer, AppError> {
    let session = state.inner().clone();
    blocking(move || session.accounts(survey_id, &query)).await
}

/// The Cancel button of the import panel. Not async: it only raises a flag the running import reads.
#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) {
    state.cancel_import();
}

#[tauri::command]
pub fn recent_workspaces(state: State<'_, AppState>) -> Vec<crate::session::prefs::RecentWorkspace> {
    state.recent_workspaces()
}

#[tauri::command]
pub fn forget_workspace(state: State<'_, AppState>, path: PathBuf) -> Vec<crate::session::prefs::RecentWorkspace> {
    state.forget_workspace(&path)
}

/// A new, empty workspace at a path from the save dialog.
#[tauri::command]
pub async fn create_workspace(state: State<'_, AppState>, path: PathBuf) -> Result<WorkspaceInfo, AppError> {
    if !path.is_absolute() || path.extension().is_none_or(|e| e != "npsdesk") {
        return Err(AppError::new(ErrorCode::InvalidInput, "a workspace file is an absolute path ending in .npsdesk"));
    }
    let session = state.inner().clone();
    blocking(move || session.create_workspace(&path)).await
}

/// "Export table…": the path comes from the save dialog and must be absolute, ending in .csv or .xlsx.
#[tauri::command]
pub async fn export_table(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    request: crate::session::TableRequest,
    path: PathBuf,
) -> Result<u32, AppError> {
    if !path.is_absolute() || npsdesk_export::FileKind::from_path(&path).is_none() {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            "a table is saved to an absolute path ending in .csv or .xlsx",
        ));
    }
    let session = state.inner().clone();
    blocking(move || session.export_table(survey_id, &request, &path)).await
}

/// A chart picture or a deck the window rendered (`.png`, `.svg`, `.pptx`), written where the save dialog
/// said. Bounded, so a runaway renderer cannot fill the disk.
#[tauri::command]
pub async fn write_export_file(path: PathBuf, bytes: Vec<u8>) -> Result<(), AppError> {
    blocking(move || crate::session::write_export_file(&path, &bytes)).await
}

#[tauri::command]
pub async fn followups(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    query: npsdesk_core::FollowupQuery,
) -> Result<npsdesk_core::FollowupList, AppError> {
    let session = state.inner().clone();
    blocking(move || session.followups(survey_id, &query)).await
}

#[tauri::command]
pub async fn update_followup(
    state: State<'_, AppState>,
    id: i64,
    update: npsdesk_core::FollowupUpdate,
) -> Result<npsdesk_core::FollowupItem, AppError> {
    let session = state.inner().clone();
    blocking(move || session.update_followup(id, &update)).await
}

#[tauri::command]
pub async fn followup_settings(state: State<'_, AppState>) -> Result<npsdesk_core::FollowupSettings, AppError> {
    let session = state.inner().clone();
    blocking(move || session.followup_settings()).await
}

#[tauri::command]
pub async fn set_followup_settings(
    state: State<'_, AppState>,
    settings: npsdesk_core::FollowupSettings,
) -> Result<npsdesk_core::FollowupSettings, AppError> {
    let session = state.inner().clone();
    blocking(move || session.set_followup_settings(settings)).await
}

#[tauri::command]
pub async fn promoters(
    state: State<'_, AppState>,
    survey_id: Option<i64>,
    ask: Vec<npsdesk_core::PromoterAsk>,
    offset: u32,
    limit: Option<u32>,
) -> Result<npsdesk_core::PromoterList, AppError> {
    let session = state.inner().clone();
    blocking(move || session.promoters(survey_id, &ask, offset, limit)).await
}

#[tauri::command]
pub async fn update_promoter(
    state: State<'_, AppState>,
    response_id: i64,
    update: npsdesk_core::PromoterUpdate,
) -> Result<npsdesk_core::PromoterRow, AppError> {
    let session = state.inner().clone();
    blocking(move || session.update_promoter(response_id, &update)).await
}

#[tauri::command]
pub async fn import_accounts(
    state: State<'_, AppState>,
    path: PathBuf,
) -> Result<npsdesk_core::AccountsImportReport, AppError> {
    let session = state.inner().clone();
    blocking(move || session.import_accounts(&path)).await
}
