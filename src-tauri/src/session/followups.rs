//! The follow-up queue, promoter asks and the accounts file, over the session's workspace. "Today" and "now"
//! are the machine's local time (due dates and overdue follow the user's calendar).

use std::path::Path;

use chrono::Local;
use npsdesk_core::{
    AccountsImportReport, FollowupItem, FollowupList, FollowupQuery, FollowupSettings, FollowupUpdate, PromoterAsk,
    PromoterList, PromoterRow, PromoterUpdate,
};

use super::Session;
use crate::error::{AppError, ErrorCode};

/// Largest page the window may ask for at once.
const MAX_PAGE: u32 = 1000;

impl Session {
    pub fn followups(&self, survey_id: Option<i64>, query: &FollowupQuery) -> Result<FollowupList, AppError> {
        let ws = self.open()?;
        let id = ws.resolve_survey(survey_id)?;
        let q = FollowupQuery { limit: Some(query.limit.unwrap_or(MAX_PAGE).min(MAX_PAGE)), ..query.clone() };
        Ok(ws.followups(id, &q, Local::now().date_naive())?)
    }

    /// Every item of the query (no paging): for "Export table…".
    pub fn all_followups(&self, survey_id: Option<i64>, query: &FollowupQuery) -> Result<FollowupList, AppError> {
        let ws = self.open()?;
        let id = ws.resolve_survey(survey_id)?;
        let q = FollowupQuery { offset: 0, limit: None, ..query.clone() };
        Ok(ws.followups(id, &q, Local::now().date_naive())?)
    }

    pub fn update_followup(&self, id: i64, update: &FollowupUpdate) -> Result<FollowupItem, AppError> {
        Ok(self.open()?.update_followup(id, update, Local::now().naive_local())?)
    }

    pub fn followup_settings(&self) -> Result<FollowupSettings, AppError> {
        Ok(self.open()?.followup_settings()?)
    }

    pub fn set_followup_settings(&self, settings: FollowupSettings) -> Result<FollowupSettings, AppError> {
        Ok(self.open()?.set_followup_settings(settings)?)
    }

    pub fn promoters(
        &self,
        survey_id: Option<i64>,
        ask: &[PromoterAsk],
        offset: u32,
        limit: Option<u32>,
    ) -> Result<PromoterList, AppError> {
        let ws = self.open()?;
        let id = ws.resolve_survey(survey_id)?;
        Ok(ws.promoters(id, ask, offset, Some(limit.unwrap_or(MAX_PAGE).min(MAX_PAGE)))?)
    }

    pub fn update_promoter(&self, response_id: i64, update: &PromoterUpdate) -> Result<PromoterRow, AppError> {
        Ok(self.open()?.update_promoter(response_id, update, Local::now().naive_local())?)
    }

    /// Reads an accounts CSV the user chose (an absolute path ending in .csv or .txt).
    pub fn import_accounts(&self, path: &Path) -> Result<AccountsImportReport, AppError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !path.is_absolute() || !matches!(ext.as_deref(), Some("csv" | "txt" | "tsv")) {
            return Err(AppError::new(ErrorCode::InvalidInput, "an accounts file is an absolute path to a .csv file"));
        }
        Ok(self.open()?.import_accounts(path, Local::now().naive_local())?)
    }
}

#[cfg(test)]
mod tests {
    use npsdesk_core::{FollowupStatus, NpsQuery};

    use super::*;
    use crate::session::Launch;

    #[test]
    fn the_demo_queue_holds_one_item_per_detractor_and_takes_changes() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let list = session.followups(None, &FollowupQuery::default()).unwrap();
        let split = session.nps(None, &NpsQuery::default()).unwrap();
        // The demo may have respondents answering twice; items are per response, so compare with responses.
        assert!(
            list.counts.total > 0 && list.counts.total >= split.detractors,
            "{:?} vs {}",
            list.counts,
            split.detractors
        );
        assert!(list.items.len() as u32 <= MAX_PAGE);
        let first = &list.items[0];
        let done = session
            .update_followup(
                first.id,
                &FollowupUpdate { status: Some(FollowupStatus::Contacted), ..Default::default() },
            )
            .unwrap();
        assert_eq!(done.status, FollowupStatus::Contacted);
        let e = session
            .update_followup(first.id, &FollowupUpdate { status: Some(FollowupStatus::Open), ..Default::default() })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
        assert!(e.message.contains("can go to"));
        assert_eq!(session.import_accounts(Path::new("relative.csv")).unwrap_err().code, ErrorCode::InvalidInput);
    }
}
