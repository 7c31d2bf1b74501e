//! "Export table…" (Ctrl+E): the table of the view on screen, written where the save dialog said, by the same
//! builders and writers as `npsdesk export table`.

use std::path::Path;

use npsdesk_analytics::CommentQuery;
use npsdesk_core::NpsQuery;
use serde::Deserialize;
use ts_rs::TS;

use super::Session;
use crate::error::{AppError, ErrorCode};

/// Which table, with what the view asked for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "table", rename_all = "snake_case")]
#[ts(export)]
pub enum TableRequest {
    Nps {
        query: NpsQuery,
    },
    Themes {
        query: NpsQuery,
        rules: Option<String>,
    },
    Accounts {
        query: NpsQuery,
        at_risk: bool,
    },
    /// Every follow-up item the queue's filters select (its paging is ignored).
    Followups {
        query: npsdesk_core::FollowupQuery,
    },
    /// Every comment the explorer's filters select (its paging is ignored).
    Comments {
        query: NpsQuery,
        explorer: CommentQuery,
        rules: Option<String>,
    },
}

/// The largest rendered file the window may write (a 3× PNG of a 16:9 chart is a few MB; a deck, less).
pub const MAX_EXPORT_BYTES: usize = 64 << 20;

/// Writes a picture or deck rendered by the window: an absolute path ending in .png, .svg or .pptx, at most
/// [`MAX_EXPORT_BYTES`], through a temporary file renamed into place.
pub fn write_export_file(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !path.is_absolute() || !matches!(ext.as_deref(), Some("png" | "svg" | "pptx")) {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            "a chart or deck is saved to an absolute path ending in .png, .svg or .pptx",
        ));
    }
    if bytes.len() > MAX_EXPORT_BYTES {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("{} bytes is more than a chart or deck can be", bytes.len()),
        ));
    }
    npsdesk_export::write_atomically(path, bytes).map_err(|e| AppError::new(ErrorCode::Workspace, e.to_string()))
}

impl Session {
    /// Writes the table and says how many rows it holds.
    pub fn export_table(&self, survey_id: Option<i64>, request: &TableRequest, path: &Path) -> Result<u32, AppError> {
        let table = match request {
            TableRequest::Nps { query } => npsdesk_export::nps_table(&self.nps(survey_id, query)?, query),
            TableRequest::Themes { query, rules } => {
                npsdesk_export::themes_table(&self.themes(survey_id, query, rules.as_deref(), None)?)
            }
            TableRequest::Accounts { query, at_risk } => {
                let mut answer = self.accounts(survey_id, query)?;
                if *at_risk {
                    answer.accounts.retain(|a| a.at_risk);
                }
                npsdesk_export::accounts_table(&answer)
            }
            TableRequest::Followups { query } => {
                npsdesk_export::followups_table(&self.all_followups(survey_id, query)?)
            }
            TableRequest::Comments { query, explorer, rules } => {
                let page = self.all_comments(survey_id, query, explorer, rules.as_deref())?;
                npsdesk_export::comments_table(&page)
            }
        };
        npsdesk_export::write_table(&table, path).map_err(|e| match e {
            npsdesk_export::ExportError::UnknownKind(_) => AppError::new(ErrorCode::InvalidInput, e.to_string()),
            e => AppError::new(ErrorCode::Workspace, e.to_string()),
        })?;
        Ok(table.rows.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Launch;
    use std::path::PathBuf;

    #[test]
    fn the_window_exports_what_it_shows_and_every_comment() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let plan = NpsQuery { by: vec!["Which plan are you on?".into()], ..NpsQuery::default() };
        let csv = dir.path().join("plans.csv");
        let rows = session.export_table(None, &TableRequest::Nps { query: plan.clone() }, &csv).unwrap();
        let report = session.nps(None, &plan).unwrap();
        assert_eq!(rows as usize, report.groups.len() + 1, "the total, then one row per plan");
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.contains(&format!("(all),{},", report.n)), "{}", &text[..200.min(text.len())]);

        let xlsx = dir.path().join("comments.xlsx");
        let all = CommentQuery { limit: 5, ..CommentQuery::default() };
        let request = TableRequest::Comments { query: NpsQuery::default(), explorer: all.clone(), rules: None };
        let rows = session.export_table(None, &request, &xlsx).unwrap();
        let total = session.comments(None, &NpsQuery::default(), &all, None).unwrap().total;
        assert!(total > 500, "more than one page of the explorer: {total}");
        assert_eq!(rows, total, "every comment, not the page on screen");

        let e = session.export_table(None, &TableRequest::Nps { query: plan }, &dir.path().join("x.txt")).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn rendered_files_go_only_where_they_belong() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("board.pptx");
        write_export_file(&deck, b"PK\x03\x04 deck").unwrap();
        assert_eq!(std::fs::read(&deck).unwrap(), b"PK\x03\x04 deck");
        for bad in [dir.path().join("run.sh"), dir.path().join("noext"), PathBuf::from("relative.png")] {
            assert_eq!(write_export_file(&bad, b"x").unwrap_err().code, ErrorCode::InvalidInput, "{bad:?}");
            assert!(!bad.exists());
        }
        let huge = vec![0u8; MAX_EXPORT_BYTES + 1];
        assert_eq!(write_export_file(&dir.path().join("big.png"), &huge).unwrap_err().code, ErrorCode::InvalidInput);
        let missing = dir.path().join("no/such/dir/c.svg");
        assert_eq!(write_export_file(&missing, b"<svg/>").unwrap_err().code, ErrorCode::Workspace);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the deck, no part file");
    }
}
