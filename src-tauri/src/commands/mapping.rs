//! The mapping screen's commands: inspect an export before importing it, and import it with the user's mapping.

use std::path::PathBuf;

use npsdesk_core::ImportReport;
use tauri::{AppHandle, Runtime, State};

use super::{blocking, progress_emitter, AppState};
use crate::error::{AppError, ErrorCode};
use crate::session::mapping::{FileInspection, ImportMapping};

fn absolute(path: &std::path::Path) -> Result<(), AppError> {
    if path.is_absolute() {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::InvalidInput, "the mapping screen needs an absolute file path"))
    }
}

#[tauri::command]
pub async fn inspect_file(state: State<'_, AppState>, path: PathBuf) -> Result<FileInspection, AppError> {
    absolute(&path)?;
    let session = state.inner().clone();
    blocking(move || session.inspect_file(&path)).await
}

#[tauri::command]
pub async fn import_with_mapping<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: PathBuf,
    mapping: ImportMapping,
) -> Result<ImportReport, AppError> {
    absolute(&path)?;
    let session = state.inner().clone();
    blocking(move || session.import_with_mapping(&path, &mapping, &mut progress_emitter(app))).await
}
