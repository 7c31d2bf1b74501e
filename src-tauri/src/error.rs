//! The one error type that crosses IPC: `{code, message}`. Domain errors map onto a small set of codes the
//! UI can branch on; the message is for people.

use npsdesk_analytics::AnalyticsError;
use npsdesk_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// A survey or file that is not there.
    NotFound,
    /// Arguments the UI sent that cannot be right (unknown column, bad path).
    InvalidInput,
    /// The export could not be imported; the workspace is unchanged.
    ImportFailed,
    /// The workspace file cannot be opened or written.
    Workspace,
    /// The survey has no NPS question.
    NoNps,
    /// The export can be imported once the user says how to read it (a recoded NPS scale): the window opens
    /// its mapping screen instead of showing an error.
    NeedsMapping,
    /// The user cancelled the import; it was rolled back (not an error to alarm anyone with).
    Cancelled,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into() }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Import(npsdesk_import::ImportError::NpsScaleNeeded { .. }) => ErrorCode::NeedsMapping,
            StoreError::Import(_) | StoreError::Cancelled => ErrorCode::ImportFailed,
            StoreError::NoSurvey(_) | StoreError::Empty => ErrorCode::NotFound,
            StoreError::NoFollowup(_) => ErrorCode::NotFound,
            StoreError::UnknownColumn { .. }
            | StoreError::MappingConflict { .. }
            | StoreError::InvalidInput(_)
            | StoreError::Transition { .. }
            | StoreError::AccountsFile { .. } => ErrorCode::InvalidInput,
            StoreError::Sqlite(_)
            | StoreError::TooNew { .. }
            | StoreError::Migration(_)
            | StoreError::Folder { .. }
            | StoreError::NotAWorkspace { .. }
            | StoreError::NoWorkspace { .. }
            | StoreError::ReadOnly { .. }
            | StoreError::DiskFull { .. }
            | StoreError::Backup { .. }
            | StoreError::BackupBeforeMigration { .. }
            | StoreError::CannotOpen { .. }
            | StoreError::Busy { .. } => ErrorCode::Workspace,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<AnalyticsError> for AppError {
    fn from(e: AnalyticsError) -> Self {
        match e {
            AnalyticsError::Store(s) => s.into(),
            AnalyticsError::NoNps(_) => AppError::new(ErrorCode::NoNps, e.to_string()),
            AnalyticsError::InvalidQuery(_) => AppError::new(ErrorCode::InvalidInput, e.to_string()),
            AnalyticsError::Polars(_) => AppError::new(ErrorCode::Internal, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e: AppError = StoreError::NoSurvey(7).into();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "not_found", "message": "no survey with id 7 in this workspace"})
        );
    }
}
