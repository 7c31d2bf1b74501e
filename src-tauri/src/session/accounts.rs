//! Account health over the session's cached frame.

use npsdesk_analytics::AccountsAnswer;
use npsdesk_core::NpsQuery;

use super::Session;
use crate::error::AppError;

impl Session {
    /// One row per account of the selection; the account column is the query's, else the one remembered
    /// at import, else `Custom Data 1`.
    pub fn accounts(&self, survey_id: Option<i64>, query: &NpsQuery) -> Result<AccountsAnswer, AppError> {
        self.with_frame(survey_id, |frame, ws| {
            let mut q = query.clone();
            if q.account_column.is_none() {
                q.account_column = ws.account_column(frame.survey_id())?;
            }
            frame.accounts(ws, &q)
        })
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::session::Launch;

    #[test]
    fn the_demo_accounts_partition_the_responses_and_flag_by_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let q = NpsQuery::default();
        let a = session.accounts(None, &q).unwrap();
        let nps = session.nps(None, &q).unwrap();
        let survey = session.dashboard(None).unwrap().survey.unwrap();
        // Every response is in one account row or counted without an account; answered ones add up to n.
        let responses: u32 = a.accounts.iter().map(|r| r.responses).sum();
        assert_eq!(responses + a.without_account, survey.responses);
        let answered: u32 = a.accounts.iter().map(|r| r.n).sum();
        assert!(answered <= nps.n);
        for r in &a.accounts {
            assert_eq!(r.promoters + r.passives + r.detractors, r.n);
            let latest_detractor = r.latest_score.is_some_and(|s| s <= 6);
            let dropped = r.change.is_some_and(|c| c <= -3);
            assert_eq!(
                r.at_risk,
                latest_detractor || dropped || r.reasons.contains(&npsdesk_analytics::RiskReason::CategoryFell)
            );
            assert!(
                r.history.len() <= npsdesk_analytics::ACCOUNT_HISTORY && r.history.last() == r.latest_score.as_ref()
            );
        }
        assert_eq!(a.at_risk as usize, a.accounts.iter().filter(|r| r.at_risk).count());
        // At-risk accounts come first.
        let first_safe = a.accounts.iter().position(|r| !r.at_risk).unwrap_or(a.accounts.len());
        assert!(a.accounts[first_safe..].iter().all(|r| !r.at_risk));
    }
}
