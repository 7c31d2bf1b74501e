//! Tables out of npsdesk: the engine's answers (NPS by group, themes, accounts, comments) as one [`Table`]
//! shape, written as CSV or XLSX. The CLI (`npsdesk export table`, `--format csv`) and the app's "Export
//! table…" use the same builders and writers, so a file from either has the same columns and numbers.
//!
//! Cells are untrusted text (comments, headers, segment values): a text cell starting with `= + - @`, a tab
//! or a carriage return is neutralised against formula injection (OWASP): in CSV it gets a leading `'`; in
//! XLSX it is a string cell (never a formula) carrying Excel's quote prefix, so editing it in Excel keeps it
//! text, and the text itself is unchanged.

mod table;
mod tables;
mod write;

pub use table::{Cell, Table};
pub use tables::{accounts_table, comments_table, followups_table, nps_table, risk_reason, themes_table};
pub use write::{
    is_hazardous, neutralise, to_csv, write_atomically, write_csv, write_table, write_xlsx, ExportError, FileKind,
};
