//! npsdesk-import: turns a survey export file into a [`SurveyLayout`] (what each column is) and a stream of
//! [`ResponseRow`]s, without touching the workspace.
//!
//! Parsing is split from storing (the Importer/Loader split): [`ExportReader`] yields rows, and the store
//! crate sinks them inside one transaction. Every quirk of an export (BOM, encodings, two header rows,
//! label-first NPS answers, dates) is therefore a pure test here, with no database.
//!
//! Path of a file: [`decode`] (bytes → UTF-8 text, legacy encodings per field) → the `csv` reader
//! (RFC 4180: quoted newlines, doubled quotes) → [`layout`] (header rows → columns and roles, detection of
//! the NPS, comment, date and id columns from headers and a sample of rows) → [`ExportReader::next_row`].

pub mod dates;
pub mod decode;
pub mod layout;
mod reader;

pub use layout::{ColumnSpec, SurveyLayout};
pub use reader::{ExportReader, ImportOptions, ResponseRow, RowOutcome};

use std::path::PathBuf;

/// Why a file could not be read at all. Row-level problems are not errors: they become skipped rows.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is empty: there is no header row to read")]
    Empty { path: PathBuf },
    #[error("{path} does not look like a survey export (it contains binary data near byte {offset})")]
    Binary { path: PathBuf, offset: u64 },
    #[error("{path}, line {line}: {message}")]
    Csv { path: PathBuf, line: u64, message: String },
    #[error("{path} has a header but no columns")]
    NoColumns { path: PathBuf },
    #[error("no column matches {what} {name:?}; columns are: {available}")]
    UnknownColumn { what: &'static str, name: String, available: String },
}

pub type Result<T, E = ImportError> = std::result::Result<T, E>;
