//! Themes, the comment explorer and the rule editor's live preview, over the session's cached frame.

use std::path::Path;
use std::time::Instant;

use npsdesk_analytics::{CommentPage, CommentQuery, ThemesAnswer};
use npsdesk_core::{NpsQuery, RuleVersion};
use npsdesk_store::Workspace;
use npsdesk_themes::{Matcher, RuleError, RuleSet};
use serde::Serialize;
use ts_rs::TS;

use super::Session;
use crate::error::{AppError, ErrorCode};

/// A rule file larger than this is not a rule set (the built-in one is 12 KB).
const MAX_RULES_FILE: u64 = 4 * 1024 * 1024;

/// What the rule editor shows as the user types: the problems of the text, or what the rules would do to
/// the selection's comments (themes without bootstrap intervals, and a page of matching comments).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RulesPreview {
    /// Problems with line and column; when there are any, `themes` and `comments` are `null`.
    pub errors: Vec<RuleError>,
    pub themes: Option<ThemesAnswer>,
    pub comments: Option<CommentPage>,
    /// Time the backend took (compile, tag, count, page), for the editor's status line.
    pub elapsed_ms: f64,
}

impl Session {
    /// Themes of the survey's comments over the query's selection: the built-in rules, or a rule set's text
    /// (JSON when it starts with `{`, else TOML) whose problems come back with line and column.
    pub fn themes(
        &self,
        survey_id: Option<i64>,
        query: &NpsQuery,
        rules: Option<&str>,
        resamples: Option<u32>,
    ) -> Result<ThemesAnswer, AppError> {
        let given = rules.map(checked_rules).transpose()?;
        let defaults = npsdesk_themes::ImpactOptions::default();
        // The window asks twice: without bootstrap for a fast first paint, then with the intervals.
        let opts = npsdesk_themes::ImpactOptions {
            resamples: resamples.unwrap_or(defaults.resamples).min(10_000),
            ..defaults
        };
        self.with_frame(survey_id, |frame, ws| {
            let (matcher, label) = rules_in_use(ws, frame.survey_id(), given.map(|g| g.0))?;
            let mut answer = frame.themes(ws, query, &matcher, &opts)?;
            answer.rules = label;
            Ok(answer)
        })
    }

    /// A page of the comment explorer, tagged by the given rules (else the saved ones, else the built-in).
    pub fn comments(
        &self,
        survey_id: Option<i64>,
        query: &NpsQuery,
        explorer: &CommentQuery,
        rules: Option<&str>,
    ) -> Result<CommentPage, AppError> {
        let given = rules.map(checked_rules).transpose()?;
        self.with_frame(survey_id, |frame, ws| {
            let (matcher, label) = rules_in_use(ws, frame.survey_id(), given.map(|g| g.0))?;
            let mut page = frame.comments(ws, query, &matcher, explorer)?;
            page.rules = label;
            Ok(page)
        })
    }

    /// Every comment the explorer's filters select (for "Export table"), tagged by the given rules.
    pub fn all_comments(
        &self,
        survey_id: Option<i64>,
        query: &NpsQuery,
        explorer: &CommentQuery,
        rules: Option<&str>,
    ) -> Result<CommentPage, AppError> {
        let given = rules.map(checked_rules).transpose()?;
        self.with_frame(survey_id, |frame, ws| {
            let (matcher, label) = rules_in_use(ws, frame.survey_id(), given.map(|g| g.0))?;
            let mut page = frame.all_comments(ws, query, &matcher, explorer)?;
            page.rules = label;
            Ok(page)
        })
    }

    /// The live preview of a rule text being edited. Never fails on the text itself: its problems are the
    /// answer. The selection's groups and periods are ignored, and theme impacts get no bootstrap interval
    /// (that is the slow part, and the preview runs on every pause in typing).
    pub fn preview_rules(
        &self,
        survey_id: Option<i64>,
        query: &NpsQuery,
        text: &str,
        explorer: &CommentQuery,
    ) -> Result<RulesPreview, AppError> {
        let started = Instant::now();
        let set = match npsdesk_themes::check(text, format_of(text).0) {
            Ok(set) => set,
            Err(errors) => return Ok(RulesPreview { errors, themes: None, comments: None, elapsed_ms: 0.0 }),
        };
        let matcher = Matcher::new(&set);
        let overall = NpsQuery { by: vec![], per: None, rolling: None, ..query.clone() };
        let opts = npsdesk_themes::ImpactOptions { resamples: 0, ..Default::default() };
        let (mut themes, mut comments) = self.with_frame(survey_id, |frame, ws| {
            Ok((frame.themes(ws, &overall, &matcher, &opts)?, frame.comments(ws, &overall, &matcher, explorer)?))
        })?;
        themes.rules = "unsaved".into();
        comments.rules = "unsaved".into();
        Ok(RulesPreview {
            errors: vec![],
            themes: Some(themes),
            comments: Some(comments),
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Checks a rule set's text and saves it as the next version of the workspace's rules.
    pub fn save_rules(&self, text: &str, note: Option<&str>) -> Result<RuleVersion, AppError> {
        let (_, format) = checked_rules(text)?;
        let mut ws = self.open()?;
        Ok(ws.save_rules(None, format, text, note)?)
    }

    /// Every saved version of the workspace's rules, newest first.
    pub fn rule_history(&self) -> Result<Vec<RuleVersion>, AppError> {
        Ok(self.open()?.rule_history(None)?)
    }

    /// The rules the editor starts from: the saved version in use, else the built-in set's source.
    pub fn rules_text(&self) -> Result<String, AppError> {
        let ws = self.open()?;
        let id = ws.latest_survey_id()?;
        Ok(match id.map(|id| ws.rules_in_use(id)).transpose()?.flatten() {
            Some(v) => v.text,
            None => RuleSet::builtin_source().to_string(),
        })
    }
}

/// Reads a rule file the user chose (`.toml` or `.json`), checking it: a file that is not a valid rule set
/// is refused with its problems, so the editor never loads something it cannot apply.
pub fn read_rules_file(path: &Path) -> Result<String, AppError> {
    let size = std::fs::metadata(path).map_err(|e| io_error(path, e))?.len();
    if size > MAX_RULES_FILE {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("{} is {size} bytes: too large for a rule set", path.display()),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    let format = npsdesk_themes::Format::from_path(path).unwrap_or(format_of(&text).0);
    npsdesk_themes::check(&text, format).map_err(|errors| problems(&errors))?;
    Ok(text)
}

/// Writes the editor's rule text to the file the user chose, after checking it.
pub fn write_rules_file(path: &Path, text: &str) -> Result<(), AppError> {
    checked_rules(text)?;
    std::fs::write(path, text).map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display()))
}

/// The given rules, else the rules saved in the workspace, else the built-in set; with a label for the UI.
fn rules_in_use(
    ws: &Workspace,
    survey_id: i64,
    given: Option<RuleSet>,
) -> Result<(Matcher, String), npsdesk_analytics::AnalyticsError> {
    Ok(match given {
        Some(set) => (Matcher::new(&set), "unsaved".to_string()),
        None => match ws.rules_in_use(survey_id)? {
            Some(v) => match checked_rules(&v.text) {
                Ok((set, _)) => (Matcher::new(&set), format!("saved version {}", v.id)),
                Err(_) => (Matcher::builtin(), "built-in".to_string()),
            },
            None => (Matcher::builtin(), "built-in".to_string()),
        },
    })
}

/// JSON when the text starts with `{`, else TOML.
fn format_of(text: &str) -> (npsdesk_themes::Format, &'static str) {
    if text.trim_start().starts_with('{') {
        (npsdesk_themes::Format::Json, "json")
    } else {
        (npsdesk_themes::Format::Toml, "toml")
    }
}

fn problems(errors: &[RuleError]) -> AppError {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    AppError::new(ErrorCode::InvalidInput, format!("the rule set has problems: {}", lines.join("; ")))
}

pub(crate) fn checked_rules(text: &str) -> Result<(RuleSet, &'static str), AppError> {
    let (format, name) = format_of(text);
    let set = npsdesk_themes::check(text, format).map_err(|errors| problems(&errors))?;
    Ok((set, name))
}

#[cfg(test)]
mod tests {

    use npsdesk_analytics::Band;

    use super::*;
    use crate::session::Launch;

    fn demo_session(dir: &Path) -> Session {
        let session = Session::for_test(Some(Launch::Demo), dir.join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        session
    }

    #[test]
    fn themes_use_the_builtin_rules_or_a_rule_text_with_positioned_errors() {
        let dir = tempfile::tempdir().unwrap();
        let session = demo_session(dir.path());
        let all = session.themes(None, &NpsQuery::default(), None, None).unwrap();
        assert!(all.overall.coverage >= 0.7, "the built-in rules cover the demo comments: {}", all.overall.coverage);
        // Comments counted by the engine equal the non-empty "why?" cells of the embedded export.
        let nps = session.nps(None, &NpsQuery::default()).unwrap();
        assert!(all.overall.comments > 0 && all.overall.comments <= u64::from(nps.n) + 100);
        let rules = "{\"stemming\": false, \"themes\": [{\"name\": \"Price\", \"any\": [\"price*\", \"expensive\"]}]}";
        let one = session.themes(None, &NpsQuery::default(), Some(rules), None).unwrap();
        assert_eq!(one.overall.themes.len(), 1);
        assert!(one.overall.themes[0].mentions > 0);
        let bad = session.themes(None, &NpsQuery::default(), Some("[[themes]]\nname = \"\"\n"), None).unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput);
        assert!(bad.message.contains("line 2"), "{}", bad.message);
        // Saved rules become the default; the bad text is not saved.
        assert!(session.save_rules("[[themes]]\nname = \"\"\n", None).is_err());
        let v = session.save_rules(rules, Some("price only")).unwrap();
        let saved = session.themes(None, &NpsQuery::default(), None, None).unwrap();
        assert_eq!(saved.rules, format!("saved version {}", v.id));
        assert_eq!(saved.overall.themes, one.overall.themes);
        assert_eq!(session.rule_history().unwrap().len(), 1);
        assert_eq!(session.rules_text().unwrap(), rules);
    }

    #[test]
    fn the_explorer_pages_agree_with_the_theme_counts_and_highlight_what_matched() {
        let dir = tempfile::tempdir().unwrap();
        let session = demo_session(dir.path());
        let q = NpsQuery::default();
        let themes = session.themes(None, &q, None, None).unwrap();
        let everything = CommentQuery { limit: 10, ..Default::default() };
        let page = session.comments(None, &q, &everything, None).unwrap();
        assert_eq!(u64::from(page.total), themes.overall.comments);
        let b = page.bands;
        assert_eq!(b.promoters + b.passives + b.detractors + b.unanswered, page.total);
        assert_eq!(page.comments.len(), 10);
        // Newest first.
        let dates: Vec<_> = page.comments.iter().map(|c| c.responded_at.clone()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

        // A theme's comments: as many as its mentions, each tagged with it and highlighting its terms.
        let top = themes.overall.themes.iter().max_by_key(|t| t.mentions).unwrap();
        let cq = CommentQuery { theme: Some(top.theme.clone()), limit: 500, ..Default::default() };
        let page = session.comments(None, &q, &cq, None).unwrap();
        assert_eq!(u64::from(page.total), top.mentions);
        for c in &page.comments {
            assert!(c.themes.contains(&top.theme), "{c:?}");
            let units: Vec<u16> = c.text.encode_utf16().collect();
            for h in &c.highlights {
                let word = String::from_utf16(&units[h.start as usize..h.end as usize]).unwrap();
                assert!(!word.trim().is_empty(), "{h:?} in {:?}", c.text);
            }
            assert!(c.highlights.iter().any(|h| h.theme.is_some()), "{c:?}");
        }
        // The band filter keeps the counts of the other bands and returns exactly its own.
        let det = CommentQuery { bands: vec![Band::Detractor], ..cq.clone() };
        let page_d = session.comments(None, &q, &det, None).unwrap();
        assert_eq!(page_d.total, page.bands.detractors);
        assert_eq!(page_d.bands, page.bands);
        assert!(page_d.comments.iter().all(|c| c.score.is_some_and(|s| s <= 6)));
        // Uncategorized + matched = all.
        let unc = CommentQuery { matched: Some(false), ..everything.clone() };
        let hit = CommentQuery { matched: Some(true), ..everything.clone() };
        let (u, h) = (session.comments(None, &q, &unc, None).unwrap(), session.comments(None, &q, &hit, None).unwrap());
        assert_eq!(u64::from(u.total), themes.overall.uncategorized);
        assert_eq!(u64::from(u.total + h.total), themes.overall.comments);
        // Text search: every shown comment contains the word, highlighted.
        let s = CommentQuery { search: Some("SUPPORT".into()), limit: 500, ..Default::default() };
        let page = session.comments(None, &q, &s, None).unwrap();
        assert!(page.total > 0);
        for c in &page.comments {
            assert!(c.text.to_lowercase().contains("support"), "{:?}", c.text);
            assert!(c.highlights.iter().any(|h| h.theme.is_none()));
        }
        let unknown = CommentQuery { theme: Some("No such theme".into()), ..Default::default() };
        let e = session.comments(None, &q, &unknown, None).unwrap_err();
        assert!(e.message.contains("No such theme"), "{}", e.message);
    }

    #[test]
    fn the_preview_reports_problems_or_what_the_rules_would_do() {
        let dir = tempfile::tempdir().unwrap();
        let session = demo_session(dir.path());
        let q = NpsQuery::default();
        let bad =
            session.preview_rules(None, &q, "[[themes]]\nname = \"X\"\nany = [\"\"]\n", &Default::default()).unwrap();
        assert!(bad.themes.is_none() && !bad.errors.is_empty());
        assert_eq!(bad.errors[0].line, 3, "{:?}", bad.errors);
        let text = "[[themes]]\nname = \"Price\"\nany = [\"price*\", \"expensive\"]\n";
        let cq = CommentQuery { matched: Some(true), ..Default::default() };
        let good = session.preview_rules(None, &q, text, &cq).unwrap();
        let themes = good.themes.unwrap();
        let page = good.comments.unwrap();
        // The preview counts what the full themes command counts with the same text.
        let full = session.themes(None, &q, Some(text), None).unwrap();
        assert_eq!(themes.overall.themes[0].mentions, full.overall.themes[0].mentions);
        assert_eq!(themes.overall.coverage, full.overall.coverage);
        assert_eq!(u64::from(page.total), full.overall.themes[0].mentions);
        assert!(themes.overall.themes[0].impact_ci95.is_none(), "no bootstrap in the preview");
    }

    #[test]
    fn rule_files_are_checked_on_the_way_in_and_out() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("rules.toml");
        write_rules_file(&good, RuleSet::builtin_source()).unwrap();
        assert_eq!(read_rules_file(&good).unwrap(), RuleSet::builtin_source());
        let bad = dir.path().join("bad.json");
        assert!(write_rules_file(&bad, "{\"themes\": [{\"name\": \"\"}]}").is_err());
        assert!(!bad.exists(), "a bad rule set is not written");
        std::fs::write(&bad, "{\"themes\": 3}").unwrap();
        let e = read_rules_file(&bad).unwrap_err();
        assert!(e.message.contains("line 1"), "{}", e.message);
    }
}
