//! npsdesk-import: turns a survey export file into a [`SurveyLayout`] (what each column is) and a stream of
//! [`ResponseRow`]s, without touching the workspace.
//!
//! Parsing is split from storing (the Importer/Loader split): [`ExportReader`] yields rows, and the store
//! crate sinks them inside one transaction. Every quirk of an export (BOM, encodings, two header rows,
//! label-first NPS answers, dates) is therefore a pure test here, with no database.
//!
//! Path of a file: [`decode`] (bytes → UTF-8 text, legacy encodings per field) → the CSV records
//! (`records.rs`, RFC 4180: quoted newlines, doubled quotes; `csv_core` for what its quick pass leaves) →
//! [`layout`] (header rows → columns and roles, detection of the NPS, comment, date and id columns from
//! headers and a sample of rows) → [`ExportReader::next_row`].

pub mod dates;
pub mod decode;
pub mod layout;
mod reader;
mod records;

pub mod inspect;

pub use dates::DateOrder;
pub use inspect::{inspect, Inspection};
pub use layout::{ColumnSpec, Recode, Source, SurveyLayout};
pub use reader::{
    Cells, ExportReader, ImportOptions, Mapping, NpsScale, ResponseRow, RowOutcome, RowRef, RowRefOutcome,
};
#[doc(hidden)]
pub use records::records_of;

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
    #[error("{path} is {what}, not a survey export (CSV, TSV or XLSX)")]
    NotAnExport { path: PathBuf, what: &'static str },
    #[error("{path} has a single column ({header:?}): a survey export has several; if its fields are separated by something other than a comma, semicolon or tab, save it as CSV first")]
    OneColumn { path: PathBuf, header: String },
    #[error("{path} looks truncated: its last row (line {line}) stops {detail} and the file has no final line break; nothing was imported — export or copy the file again")]
    Truncated { path: PathBuf, line: u64, detail: String },
    #[error("the NPS column {column:?} of {path} holds {recode}; say how to read it with --nps-scale 1-11 (subtract one), --nps-scale weights, or --nps-scale 0-10 (as written)")]
    NpsScaleNeeded { path: PathBuf, column: String, recode: &'static str },
    #[error("no column matches {what} {name:?}; columns are: {available}")]
    UnknownColumn { what: &'static str, name: String, available: String },
}

pub type Result<T, E = ImportError> = std::result::Result<T, E>;
