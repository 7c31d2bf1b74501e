//! What the window works on: the current workspace file and a cached analytics frame. Plain Rust (no tauri
//! types), so it is tested without a window; the commands in `commands.rs` only adapt it to IPC.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use npsdesk_analytics::SurveyFrame;
use npsdesk_core::{
    Explanation, ImportProgress, ImportReport, NpsQuery, NpsReport, Period, SurveySummary, ValueCount, WorkspaceInfo,
};
use npsdesk_import::ImportOptions;
use npsdesk_store::{ImportControl, Workspace};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};

pub mod mapping;
pub mod prefs;

mod accounts;
mod export;
mod followups;
mod themes;
pub use export::{write_export_file, TableRequest};
use prefs::{Prefs, RecentWorkspace};
pub use themes::{read_rules_file, write_rules_file, RulesPreview};

/// The demo survey bundled with the app (synthetic, made by the project's SurveyMonkey generator), so a first
/// launch shows a populated dashboard.
const DEMO_EXPORT: &[u8] = include_bytes!("../../assets/demo/acme-nps-demo.csv");
/// The demo's accounts file (ARR, renewal dates, CSMs), so the Accounts and Follow-ups tabs show revenue.
const DEMO_ACCOUNTS: &[u8] = include_bytes!("../../assets/demo/acme-accounts.csv");

/// Everything the dashboard draws, in one round trip.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub workspace: WorkspaceInfo,
    /// `null` while the workspace has no survey.
    pub survey: Option<SurveySummary>,
    /// `null` when the survey has no NPS question.
    pub overall: Option<NpsReport>,
    pub by_quarter: Option<NpsReport>,
}

/// What the window opens on: the workspace, and the reports of exports given on the command line.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Startup {
    pub workspace: WorkspaceInfo,
    pub imported: Vec<ImportReport>,
    /// A command-line export that could not be imported (the window still opens).
    pub error: Option<AppError>,
    /// Command-line exports not imported because detection is unsure: the window asks for their mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub needs_mapping: Option<Vec<String>>,
}

/// How the app was asked to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// No argument: the workspace used last, or else the demo workspace (created from the bundled export on
    /// first launch).
    Last,
    /// `--demo`: the demo workspace, whatever was used last (`make run`).
    Demo,
    /// A `*.npsdesk` workspace file.
    Workspace(PathBuf),
    /// Export files to import into the default workspace, then show.
    Exports(Vec<PathBuf>),
}

impl Launch {
    /// Reads the process arguments (after the program name); flags are ignored.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Launch {
        let args: Vec<String> = args.into_iter().collect();
        let paths: Vec<PathBuf> = args.iter().filter(|a| !a.starts_with('-')).map(PathBuf::from).collect();
        match paths.first() {
            None if args.iter().any(|a| a == "--demo") => Launch::Demo,
            None => Launch::Last,
            Some(p) if p.extension().is_some_and(|e| e == "npsdesk") => Launch::Workspace(p.clone()),
            Some(_) => Launch::Exports(paths),
        }
    }
}

pub struct Session {
    launch: Mutex<Option<Launch>>,
    workspace: Mutex<PathBuf>,
    frame: Mutex<Option<SurveyFrame>>,
    /// Set by the window's Cancel button; the running import checks it at each progress report.
    cancel: AtomicBool,
    prefs_path: PathBuf,
}

impl Session {
    pub fn new(launch: Launch) -> Session {
        let prefs_path = prefs::prefs_path();
        let demo = npsdesk_store::data_dir().join("demo.npsdesk");
        let (launch, path) = match launch {
            Launch::Workspace(p) => (Launch::Workspace(p.clone()), p),
            Launch::Last => match Prefs::load(&prefs_path).last_workspace() {
                Some(p) => (Launch::Workspace(p.to_path_buf()), p.to_path_buf()),
                None => (Launch::Demo, demo),
            },
            Launch::Demo => (Launch::Demo, demo),
            Launch::Exports(files) => (Launch::Exports(files), npsdesk_store::default_workspace_path()),
        };
        Session::with_paths(Some(launch), path, prefs_path)
    }

    fn with_paths(launch: Option<Launch>, workspace: PathBuf, prefs_path: PathBuf) -> Session {
        Session {
            launch: Mutex::new(launch),
            workspace: Mutex::new(workspace),
            frame: Mutex::new(None),
            cancel: AtomicBool::new(false),
            prefs_path,
        }
    }

    /// A session on `workspace` whose preferences live beside it (tests).
    #[cfg(test)]
    pub(crate) fn for_test(launch: Option<Launch>, workspace: PathBuf) -> Session {
        let prefs = workspace.with_file_name("prefs.json");
        Session::with_paths(launch, workspace, prefs)
    }

    /// Moves the current workspace to the front of the recent list. Best effort: see `prefs`.
    fn remember_workspace(&self) {
        let mut p = Prefs::load(&self.prefs_path);
        p.remember(&self.path());
        let _ = p.save(&self.prefs_path);
    }

    pub fn recent_workspaces(&self) -> Vec<RecentWorkspace> {
        Prefs::load(&self.prefs_path).recent_list()
    }

    pub fn forget_workspace(&self, path: &Path) -> Vec<RecentWorkspace> {
        let mut p = Prefs::load(&self.prefs_path);
        p.forget(path);
        let _ = p.save(&self.prefs_path);
        p.recent_list()
    }

    pub fn window_size(&self) -> Option<prefs::WindowSize> {
        Prefs::load(&self.prefs_path).window.filter(prefs::WindowSize::is_sane)
    }

    pub fn save_window_size(&self, size: prefs::WindowSize) {
        if size.is_sane() {
            let mut p = Prefs::load(&self.prefs_path);
            p.window = Some(size);
            let _ = p.save(&self.prefs_path);
        }
    }

    /// Asks the running import to stop; it rolls back, so the workspace stays as it was before that file.
    pub fn cancel_import(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// The progress callback of an import: reports, then says whether to go on.
    fn import_control(&self, p: &ImportProgress, progress: &mut dyn FnMut(&ImportProgress)) -> ImportControl {
        progress(p);
        if self.cancel.load(Ordering::SeqCst) {
            ImportControl::Cancel
        } else {
            ImportControl::Continue
        }
    }

    fn path(&self) -> PathBuf {
        self.workspace.lock().expect("workspace lock").clone()
    }

    fn open(&self) -> Result<Workspace, AppError> {
        Ok(Workspace::open(&self.path())?)
    }

    /// Runs the launch request once (first call); later calls just describe the workspace.
    pub fn startup(&self, progress: &mut dyn FnMut(&ImportProgress)) -> Result<Startup, AppError> {
        let launch = self.launch.lock().expect("launch lock").take();
        let mut imported = Vec::new();
        let mut error = None;
        let mut needs_mapping = None;
        match launch {
            Some(Launch::Demo) => {
                let ws = self.open()?;
                if ws.surveys()?.is_empty() {
                    drop(ws);
                    // Written under its display name: the survey is named after the file.
                    // One folder per call: sessions of one process (tests) must not remove each other's files.
                    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                    let call = CALLS.fetch_add(1, Ordering::SeqCst);
                    let dir = std::env::temp_dir().join(format!("npsdesk-demo-{}-{call}", std::process::id()));
                    let file = dir.join("Acme NPS demo.csv");
                    std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, DEMO_EXPORT)).map_err(|e| {
                        AppError::new(ErrorCode::Workspace, format!("cannot write the demo export: {e}"))
                    })?;
                    let result = self.import_files(std::slice::from_ref(&file), progress);
                    let accounts = dir.join("acme-accounts.csv");
                    let crm = std::fs::write(&accounts, DEMO_ACCOUNTS)
                        .map_err(|e| {
                            AppError::new(ErrorCode::Workspace, format!("cannot write the demo accounts: {e}"))
                        })
                        .and_then(|()| self.import_accounts(&accounts));
                    let _ = std::fs::remove_dir_all(&dir);
                    imported = result?;
                    crm?;
                }
            }
            Some(Launch::Exports(files)) => {
                let (sure, unsure) = self.split_unsure(&files);
                needs_mapping = Some(unsure).filter(|u| !u.is_empty());
                match self.import_files(&sure, progress) {
                    Ok(r) => imported = r,
                    Err(e) => error = Some(e),
                }
            }
            Some(Launch::Workspace(_)) | Some(Launch::Last) | None => {}
        }
        let workspace = self.open()?.info()?;
        self.remember_workspace();
        Ok(Startup { workspace, imported, error, needs_mapping })
    }

    /// Imports each file in its own transaction; the first failure stops and is returned (earlier files stay).
    pub fn import_files(
        &self,
        files: &[PathBuf],
        progress: &mut dyn FnMut(&ImportProgress),
    ) -> Result<Vec<ImportReport>, AppError> {
        let mut ws = self.open()?;
        let mut reports = Vec::new();
        self.cancel.store(false, Ordering::SeqCst);
        for f in files {
            match ws.import_file(f, &ImportOptions::default(), &mut |p| self.import_control(p, progress)) {
                Ok(report) => reports.push(report),
                Err(e) => {
                    // Earlier files of the batch did land.
                    *self.frame.lock().expect("frame lock") = None;
                    return Err(cancelled(e, f));
                }
            }
        }
        *self.frame.lock().expect("frame lock") = None;
        Ok(reports)
    }

    pub fn open_workspace(&self, path: &Path) -> Result<WorkspaceInfo, AppError> {
        let info = Workspace::open(path)?.info()?;
        *self.workspace.lock().expect("workspace lock") = path.to_path_buf();
        *self.frame.lock().expect("frame lock") = None;
        self.remember_workspace();
        Ok(info)
    }

    /// Creates an empty workspace file (refuses to replace an existing one) and switches to it.
    pub fn create_workspace(&self, path: &Path) -> Result<WorkspaceInfo, AppError> {
        if path.exists() {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                format!("{} already exists; open it instead, or choose another name", path.display()),
            ));
        }
        self.open_workspace(path)
    }

    /// Runs `f` on the survey's cached frame, (re)loading it when the survey changed or an import changed the
    /// data. Queries after the first never read SQLite for what is already loaded.
    fn with_frame<T>(
        &self,
        survey_id: Option<i64>,
        f: impl FnOnce(&mut SurveyFrame, &Workspace) -> Result<T, npsdesk_analytics::AnalyticsError>,
    ) -> Result<T, AppError> {
        self.with_frame_loading(survey_id, false, f)
    }

    /// [`Self::with_frame`]; a frame it loads has the "why?" column too when `comments`.
    fn with_frame_loading<T>(
        &self,
        survey_id: Option<i64>,
        comments: bool,
        f: impl FnOnce(&mut SurveyFrame, &Workspace) -> Result<T, npsdesk_analytics::AnalyticsError>,
    ) -> Result<T, AppError> {
        let ws = self.open()?;
        let id = ws.resolve_survey(survey_id)?;
        let mut cache = self.frame.lock().expect("frame lock");
        let stale = match cache.as_ref() {
            Some(frame) => frame.survey_id() != id || !frame.is_current(&ws)?,
            None => true,
        };
        if stale {
            *cache = Some(SurveyFrame::load_with(&ws, id, &[], comments)?);
        }
        let frame = cache.as_mut().expect("frame just loaded");
        Ok(f(frame, &ws)?)
    }

    /// Loads the frame of the survey the dashboard shows first while the window is still starting (its web
    /// view takes over a second to come up; loading a 1M-response frame takes 0.1-0.3 s of it), so the first
    /// dashboard call finds it ready. Only when the launch opens a workspace as it is, and before the window's
    /// startup call has taken the launch: an import (the demo's first launch, export files) goes first, alone
    /// on the file. Errors are left for the dashboard call to meet and report. The "why?" column is decoded
    /// on a second thread meanwhile (its copy: about 0.1 s at 1M comments), ready for the Themes tab.
    pub fn prewarm(&self) {
        if !matches!(*self.launch.lock().expect("launch lock"), Some(Launch::Workspace(_))) {
            return;
        }
        let _ = self.with_frame_loading(None, true, |_, _| Ok(()));
    }

    /// Headline, split and NPS by quarter of a survey (default: the one imported last).
    pub fn dashboard(&self, survey_id: Option<i64>) -> Result<Dashboard, AppError> {
        let ws = self.open()?;
        let info = ws.info()?;
        let Some(id) = survey_id.or(ws.latest_survey_id()?) else {
            return Ok(Dashboard { workspace: info, survey: None, overall: None, by_quarter: None });
        };
        let survey = ws.survey(id)?;
        if survey.nps_column.is_none() {
            return Ok(Dashboard { workspace: info, survey: Some(survey), overall: None, by_quarter: None });
        }
        let (overall, by_quarter) = self.with_frame(Some(id), |frame, ws| {
            let overall = frame.nps(ws, &NpsQuery::default())?;
            // The window's own question with default controls and thresholds (`queryFor` in the UI: quarters
            // below min n left out, small ones flagged `low_n`): it paints this answer until its own arrives,
            // and the two must agree (a one-response quarter shown as "latest quarter +100" first, then gone).
            let by_quarter = frame.nps(ws, &NpsQuery { per: Some(Period::Quarter), ..NpsQuery::default() })?;
            Ok((overall, by_quarter))
        })?;
        Ok(Dashboard { workspace: info, survey: Some(survey), overall: Some(overall), by_quarter: Some(by_quarter) })
    }

    /// Any NPS question of the dashboard's controls (segments, periods, rolling, filters, count mode, level).
    pub fn nps(&self, survey_id: Option<i64>, query: &NpsQuery) -> Result<NpsReport, AppError> {
        self.with_frame(survey_id, |frame, ws| frame.nps(ws, query))
    }

    /// The values of a column, for filter pickers.
    pub fn column_values(&self, survey_id: Option<i64>, column: &str) -> Result<Vec<ValueCount>, AppError> {
        self.with_frame(survey_id, |frame, ws| frame.values(ws, column, 500))
    }

    pub fn explain(
        &self,
        survey_id: Option<i64>,
        base: &NpsQuery,
        from: &str,
        to: &str,
        by: &str,
    ) -> Result<Explanation, AppError> {
        self.with_frame(survey_id, |frame, ws| npsdesk_analytics::explain(frame, ws, base, from, to, by))
    }
}

/// A cancelled import says so in the window's words (it is not a failure of the file).
pub(crate) fn cancelled(e: npsdesk_store::StoreError, file: &Path) -> AppError {
    match e {
        npsdesk_store::StoreError::Cancelled => AppError::new(
            ErrorCode::Cancelled,
            format!(
                "The import of {} was cancelled; nothing from it was written.",
                file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ),
        ),
        e => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_arguments() {
        let s = |v: &[&str]| Launch::from_args(v.iter().map(|s| s.to_string()));
        assert_eq!(s(&[]), Launch::Last);
        assert_eq!(s(&["--flag"]), Launch::Last);
        assert_eq!(s(&["--demo"]), Launch::Demo);
        assert_eq!(s(&["a.npsdesk"]), Launch::Workspace("a.npsdesk".into()));
        assert_eq!(s(&["x.csv", "y.csv"]), Launch::Exports(vec!["x.csv".into(), "y.csv".into()]));
    }

    #[test]
    fn the_demo_workspace_opens_populated_and_its_numbers_match_a_fresh_import() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        let mut calls = 0;
        let s = session.startup(&mut |_| calls += 1).unwrap();
        assert_eq!(s.imported.len(), 1, "the first launch imports the bundled export");
        assert_eq!(s.imported[0].rows_read, 2500);
        assert!(calls > 0, "progress was reported");
        let d = session.dashboard(None).unwrap();
        let overall = d.overall.unwrap();
        let survey = d.survey.unwrap();
        assert_eq!(overall.n, survey.answered_nps);
        let quarters = d.by_quarter.unwrap().groups;
        assert_eq!(quarters.len(), 8, "the demo spans eight quarters");
        assert_eq!(quarters.iter().map(|g| g.n).sum::<u32>(), overall.n, "quarters partition the total");

        // Independent check: count the embedded CSV's scores directly.
        let text = String::from_utf8_lossy(DEMO_EXPORT);
        let mut rdr = csv_scores(&text);
        rdr.sort_unstable();
        let p = rdr.iter().filter(|s| **s >= 9).count() as f64;
        let d = rdr.iter().filter(|s| **s <= 6).count() as f64;
        assert_eq!(rdr.len() as u32, overall.n);
        assert!((overall.nps - 100.0 * (p - d) / rdr.len() as f64).abs() < 1e-9);

        // A second launch does not import again.
        let again = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        assert!(again.startup(&mut |_| {}).unwrap().imported.is_empty());
    }

    #[test]
    fn prewarm_loads_the_first_dashboards_frame_only_when_no_import_is_pending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let demo = Session::for_test(Some(Launch::Demo), path.clone());
        demo.prewarm();
        assert!(demo.frame.lock().unwrap().is_none(), "the demo's import goes first");
        demo.startup(&mut |_| {}).unwrap();

        let session = Session::for_test(Some(Launch::Workspace(path.clone())), path);
        session.prewarm();
        let latest = session.open().unwrap().latest_survey_id().unwrap();
        let loaded = session.frame.lock().unwrap().as_ref().map(SurveyFrame::survey_id);
        assert_eq!(loaded, latest, "the frame of the survey the dashboard shows first");
        let comments = session.open().unwrap().survey(latest.unwrap()).unwrap();
        let why = comments.columns.iter().find(|c| Some(&c.name) == comments.comment_column.as_ref()).unwrap();
        let frame = session.frame.lock().unwrap();
        assert!(frame.as_ref().unwrap().has_column(why.position), "with the \"why?\" column decoded");
        drop(frame);
        let d = session.dashboard(None).unwrap();
        assert_eq!(d.overall.unwrap().n, d.survey.unwrap().answered_nps, "the dashboard uses it as it is");
    }

    /// NPS answers of the demo export, read with a minimal quote-aware splitter (not the import code).
    fn csv_scores(text: &str) -> Vec<u8> {
        let mut records = Vec::new();
        let (mut field, mut row, mut quoted) = (String::new(), Vec::new(), false);
        let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut field)),
                ('\r', false) => {}
                ('\n', false) => {
                    row.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
        records
            .iter()
            .skip(2)
            .filter_map(|r| {
                let cell = r[9].trim();
                cell.split(" - ").next().and_then(|n| n.parse::<u8>().ok())
            })
            .collect()
    }

    #[test]
    fn queries_reuse_the_frame_and_reload_after_an_import() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let plan = NpsQuery { by: vec!["Which plan are you on?".into()], ..NpsQuery::default() };
        let r = session.nps(None, &plan).unwrap();
        assert!(r.groups.len() >= 4, "four plans (and perhaps the no-answer group)");
        let values = session.column_values(None, "Which plan are you on?").unwrap();
        let pro = values.iter().find(|v| v.value.as_deref() == Some("Pro")).expect("Pro is a value");
        let pro_group = r.groups.iter().find(|g| g.key.get("Which plan are you on?") == Some(Some("Pro"))).unwrap();
        assert!(pro.n >= pro_group.n, "values count every response, answered or not");
        let filtered = session
            .nps(
                None,
                &NpsQuery {
                    filters: vec![npsdesk_core::Filter {
                        column: "Which plan are you on?".into(),
                        value: "Pro".into(),
                        negate: false,
                    }],
                    ..NpsQuery::default()
                },
            )
            .unwrap();
        assert_eq!(filtered.n, pro_group.n, "a filter gives the same numbers as the group");
        let bad = session.nps(None, &NpsQuery { level: 0.5, ..NpsQuery::default() }).unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn the_dashboards_quarters_are_the_windows_default_question() {
        // Twelve answers in 2025-Q1, one in 2025-Q2: below the default min n (10), Q2 is left out, as the
        // window's own question with default controls leaves it out.
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("q.csv");
        let mut text = String::from(
            "Respondent ID,End Date,How likely is it that you would recommend us to a friend or colleague?\r\n\
             ,,Response\r\n",
        );
        for i in 0..12 {
            text.push_str(&format!("{},2025-02-{:02} 10:00:00,{}\r\n", 100 + i, i + 1, i % 11));
        }
        text.push_str("200,2025-05-02 10:00:00,10\r\n");
        std::fs::write(&export, text).unwrap();
        let session = Session::for_test(Some(Launch::Exports(vec![export])), dir.path().join("w.npsdesk"));
        assert!(session.startup(&mut |_| {}).unwrap().error.is_none());
        let d = session.dashboard(None).unwrap();
        let quarters = d.by_quarter.unwrap();
        let periods: Vec<_> = quarters.groups.iter().map(|g| g.key.get("period").flatten()).collect();
        assert_eq!(periods, [Some("2025-Q1")], "the one-answer quarter is left out");
        assert_eq!((quarters.groups[0].n, quarters.hidden_groups), (12, 1));
        assert_eq!(d.overall.unwrap().n, 13, "the headline still counts every answer");
        let asked = session.nps(None, &NpsQuery { per: Some(Period::Quarter), ..NpsQuery::default() }).unwrap();
        assert_eq!(quarters, asked, "the same answer the window's own question gets");
    }

    #[test]
    fn a_bad_export_on_the_command_line_still_opens_the_window_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.csv");
        std::fs::write(&empty, "").unwrap();
        let session = Session::for_test(Some(Launch::Exports(vec![empty])), dir.path().join("w.npsdesk"));
        let s = session.startup(&mut |_| {}).unwrap();
        let e = s.error.expect("the error is reported");
        assert_eq!(e.code, ErrorCode::ImportFailed);
        assert!(e.message.contains("empty"), "{}", e.message);
        assert!(session.dashboard(None).unwrap().survey.is_none());
    }

    #[test]
    fn a_cancelled_import_rolls_back_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let before = session.dashboard(None).unwrap();
        // Progress is reported every 5,000 rows: a wave of 7,500 (the demo's rows three times; its two header
        // lines hold no line breaks).
        let text = std::str::from_utf8(DEMO_EXPORT).unwrap();
        let body_at = text.match_indices('\n').nth(1).unwrap().0 + 1;
        let export = dir.path().join("wave.csv");
        std::fs::write(&export, [text, &text[body_at..], &text[body_at..]].concat()).unwrap();
        // The Cancel button is pressed while the import runs (here: at its first progress report).
        let mut reports = 0;
        let e = session
            .import_files(std::slice::from_ref(&export), &mut |_| {
                reports += 1;
                session.cancel_import();
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled, "{e:?}");
        assert!(e.message.contains("wave.csv") && e.message.contains("nothing"), "{}", e.message);
        assert_eq!(reports, 1, "the import stops at the report where it was cancelled");
        let after = session.dashboard(None).unwrap();
        assert_eq!(after.workspace.surveys.len(), before.workspace.surveys.len());
        assert_eq!(after.survey.unwrap().responses, before.survey.unwrap().responses);

        // The flag is per import: the next one runs to the end.
        let report = session.import_files(std::slice::from_ref(&export), &mut |_| {}).unwrap();
        assert_eq!(report[0].rows_read, 7500);
    }

    #[test]
    fn workspaces_opened_are_remembered_and_reopened_without_arguments() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::for_test(Some(Launch::Demo), dir.path().join("demo.npsdesk"));
        session.startup(&mut |_| {}).unwrap();
        let other = dir.path().join("q3 board.npsdesk");
        let info = session.create_workspace(&other).unwrap();
        assert!(info.surveys.is_empty(), "a new workspace is empty");
        let e = session.create_workspace(&other).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "never replaces a file: {e:?}");
        let recent = session.recent_workspaces();
        assert_eq!(recent.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["q3 board", "demo"]);
        assert!(recent.iter().all(|r| r.exists));
        assert_eq!(Prefs::load(&session.prefs_path).last_workspace(), Some(other.as_path()));

        std::fs::remove_file(&other).unwrap();
        let left = session.forget_workspace(&std::path::absolute(&other).unwrap());
        assert_eq!(left.len(), 1);

        session.save_window_size(prefs::WindowSize { width: 1500.0, height: 950.0, maximized: true });
        session.save_window_size(prefs::WindowSize { width: 10.0, height: 10.0, maximized: false });
        assert_eq!(session.window_size().map(|w| (w.width, w.maximized)), Some((1500.0, true)));
    }
}
