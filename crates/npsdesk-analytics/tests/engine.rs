//! The analytics engine against hand calculations on a small survey, and properties on random ones.

use std::path::Path;

use npsdesk_analytics::{explain, SurveyFrame};
use npsdesk_core::{CountMode, Filter, NpsGroup, NpsQuery, NpsReport, Period, Rolling, RollingStep};
use npsdesk_import::ImportOptions;
use npsdesk_store::{ImportControl, Workspace};

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?,Plan,Region\r\n,,,,,,,,,Response,Open-Ended Response,Response,Response\r\n";

fn csv_row(id: u32, date: &str, email: &str, account: &str, score: &str, plan: &str, region: &str) -> String {
    format!("{id},1,{date} 09:00:00,{date} 10:00:00,,{email},,,{account},{score},,{plan},{region}\r\n")
}

fn workspace(dir: &Path, rows: &[String]) -> (Workspace, SurveyFrame) {
    let file = dir.join("survey.csv");
    std::fs::write(&file, format!("{HEADER}{}", rows.concat())).unwrap();
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = ws.import_file(&file, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    let frame = SurveyFrame::load(&ws, r.survey_id).unwrap();
    (ws, frame)
}

/// Nine responses whose every figure below is worked out by hand.
fn hand_rows() -> Vec<String> {
    vec![
        csv_row(1, "2025-01-10", "a@x.com", "AcmeCo", "10", "Pro", "EU"),
        csv_row(2, "2025-02-10", "b@x.com", "AcmeCo", "3", "Pro", "EU"),
        csv_row(3, "2025-03-15", "c@y.com", "Beta", "9", "Free", "US"),
        csv_row(4, "2025-04-10", "A@x.com ", "AcmeCo", "6", "Pro", "EU"), // a again (case and space differ)
        csv_row(5, "2025-05-01", "d@y.com", "Beta", "8", "Free", "US"),
        csv_row(6, "2025-06-20", "", "Gamma", "0", "Free", "EU"),
        csv_row(7, "2025-07-05", "e@z.com", "Gamma", "9", "Pro", ""),
        csv_row(8, "2025-08-01", "b@x.com", "AcmeCo", "10", "Pro", "EU"), // b again
        csv_row(9, "2025-08-15", "c@y.com", "Beta", "", "Free", "US"),    // no score
    ]
}

fn q() -> NpsQuery {
    NpsQuery { min_n: 0, ..NpsQuery::default() }
}

fn counts(g: &NpsGroup) -> (u32, u32, u32, u32) {
    (g.n, g.promoters, g.passives, g.detractors)
}

fn totals(r: &NpsReport) -> (u32, u32, u32, u32) {
    (r.n, r.promoters, r.passives, r.detractors)
}

fn group<'a>(r: &'a NpsReport, key: &str, value: Option<&str>) -> &'a NpsGroup {
    r.groups.iter().find(|g| g.key.get(key) == Some(value)).unwrap_or_else(|| panic!("no group {key}={value:?}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn overall_periods_and_distribution_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    // Answered: 10, 3, 9, 6, 8, 0, 9, 10 → P 4 (10, 9, 9, 10), A 1 (8), D 3 (3, 6, 0); NPS (4 − 3)/8 = 12.5.
    let r = f.nps(&ws, &q()).unwrap();
    assert_eq!(totals(&r), (8, 4, 1, 3));
    assert!(close(r.nps, 12.5));
    // Shares of the 8 answers: 4/8, 1/8, 3/8.
    assert!(close(r.promoters_pct, 50.0) && close(r.passives_pct, 12.5) && close(r.detractors_pct, 37.5));
    assert_eq!(r.distribution, [1, 0, 0, 1, 0, 0, 1, 0, 1, 2, 2]);

    let r = f.nps(&ws, &NpsQuery { per: Some(Period::Quarter), ..q() }).unwrap();
    let keys: Vec<_> = r.groups.iter().map(|g| g.key.get("period").flatten().unwrap().to_string()).collect();
    assert_eq!(keys, ["2025-Q1", "2025-Q2", "2025-Q3"]);
    // Q1: 10, 3, 9 → +33.3; Q2: 6, 8, 0 → −66.7; Q3: 9, 10 → +100.
    assert_eq!(counts(&r.groups[0]), (3, 2, 0, 1));
    assert_eq!(counts(&r.groups[1]), (3, 0, 1, 2));
    assert_eq!(counts(&r.groups[2]), (2, 2, 0, 0));
    assert!(close(r.groups[1].nps, -200.0 / 3.0));
    assert!(close(r.groups[0].share, 3.0 / 8.0));
    assert!(r.groups.iter().all(|g| g.low_n), "n < 30 everywhere");
    assert!(r.groups[0].vs_previous.is_none(), "the first period has no previous one");
    let prev = r.groups[1].vs_previous.expect("Q2 compares with Q1");
    assert!(close(prev.delta, -100.0), "−66.7 − 33.3");
    assert!(!prev.significant, "three answers a side prove nothing");
}

#[test]
fn filters_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    let w = |c: &str, v: &str, negate| Filter { column: c.into(), value: v.into(), negate };
    // Plan = Pro: 10, 3, 6, 9, 10 → P 3, D 2 → +20.
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Which plan are you on?", "Pro", false)], ..q() });
    assert!(r.is_err(), "an unknown column is an error, not an empty result");
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Plan", "Pro", false)], ..q() }).unwrap();
    assert_eq!(totals(&r), (5, 3, 0, 2));
    // Region ≠ EU keeps the unanswered region: 9, 8, 9 → +66.7.
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Region", "EU", true)], ..q() }).unwrap();
    assert_eq!(totals(&r), (3, 2, 1, 0));
    // An empty value selects "left empty": only row 7 (9) has no region; `!=` empty drops it.
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Region", "", false)], ..q() }).unwrap();
    assert_eq!(totals(&r), (1, 1, 0, 0));
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Region", " ", true)], ..q() }).unwrap();
    assert_eq!(totals(&r), (7, 3, 1, 3));
    // A value nobody gave selects nothing (and `!=` it keeps everything).
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Plan", "Enterprise", false)], ..q() }).unwrap();
    assert_eq!(totals(&r), (0, 0, 0, 0));
    assert!(r.groups.is_empty());
    let r = f.nps(&ws, &NpsQuery { filters: vec![w("Plan", "Enterprise", true)], ..q() }).unwrap();
    assert_eq!(totals(&r), (8, 4, 1, 3));
    // Two values of one column are OR; two columns AND: (Plan = Pro) ∧ (Region = EU ∨ US) → 10, 3, 6, 10.
    let r = f
        .nps(
            &ws,
            &NpsQuery {
                filters: vec![w("Plan", "Pro", false), w("Region", "EU", false), w("Region", "US", false)],
                ..q()
            },
        )
        .unwrap();
    assert_eq!(totals(&r), (4, 2, 0, 2));
    // Dates are inclusive: 2025-04-01 … 2025-06-20 holds rows 4, 5, 6.
    let r = f.nps(&ws, &NpsQuery { from: Some("2025-04-01".into()), to: Some("2025-06-20".into()), ..q() }).unwrap();
    assert_eq!(totals(&r), (3, 0, 1, 2));
    assert!(f.nps(&ws, &NpsQuery { from: Some("April".into()), ..q() }).is_err());
}

#[test]
fn count_modes_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    // Latest answered response per person (e-mail, case-insensitive; row 6 has none and counts by its id):
    // a 6 (Apr), b 10 (Aug), c 9 (Mar; Aug has no score), d 8, row 6 0, e 9 → P 3, A 1, D 2 → +16.7.
    let r = f.nps(&ws, &NpsQuery { count: CountMode::LatestPerRespondent, ..q() }).unwrap();
    assert_eq!(totals(&r), (6, 3, 1, 2));
    assert!(close(r.nps, 100.0 / 6.0));
    // Per account (Custom Data 1), each account's average of its respondents' latest scores:
    // AcmeCo (6 + 10)/2 = 8 passive; Beta (9 + 8)/2 = 8.5 passive; Gamma (0 + 9)/2 = 4.5 detractor.
    let r = f.nps(&ws, &NpsQuery { count: CountMode::PerAccount, ..q() }).unwrap();
    assert_eq!(totals(&r), (3, 0, 2, 1));
    assert_eq!(r.distribution, [0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0], "averages rounded half up: 4.5→5, 8→8, 8.5→9");
    let by_plan = f.nps(&ws, &NpsQuery { count: CountMode::PerAccount, by: vec!["Plan".into()], ..q() }).unwrap();
    // Within Pro: AcmeCo (6, 10) avg 8 passive, Gamma (e: 9) promoter.
    assert_eq!(counts(group(&by_plan, "Plan", Some("Pro"))), (2, 1, 1, 0));
}

#[test]
fn groups_with_missing_answers_and_small_n() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    let r = f.nps(&ws, &NpsQuery { by: vec!["Region".into()], ..q() }).unwrap();
    // EU: 10, 3, 6, 0, 10 → −20; US: 9, 8 → +50; no answer: 9 → +100.
    assert_eq!(counts(group(&r, "Region", Some("EU"))), (5, 2, 0, 3));
    assert_eq!(counts(group(&r, "Region", Some("US"))), (2, 1, 1, 0));
    assert_eq!(counts(group(&r, "Region", None)), (1, 1, 0, 0));
    assert_eq!(r.groups.last().unwrap().key.get("Region"), Some(None), "no-answer sorts last");
    let hidden = f.nps(&ws, &NpsQuery { by: vec!["Region".into()], min_n: 2, ..q() }).unwrap();
    assert_eq!(hidden.groups.len(), 2);
    assert_eq!(hidden.hidden_groups, 1);
    let flagged = f.nps(&ws, &NpsQuery { by: vec!["Region".into()], low_n: 3, ..q() }).unwrap();
    assert!(!group(&flagged, "Region", Some("EU")).low_n && group(&flagged, "Region", Some("US")).low_n);
}

#[test]
fn rolling_windows_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    let rolling = Some(Rolling { days: 90, step: RollingStep::Month });
    let r = f.nps(&ws, &NpsQuery { rolling, ..q() }).unwrap();
    let ends: Vec<_> = r.groups.iter().map(|g| g.key.get("period").flatten().unwrap().to_string()).collect();
    assert_eq!(ends.first().map(String::as_str), Some("2025-01-31"));
    assert_eq!(ends.last().map(String::as_str), Some("2025-08-31"));
    // Ending 2025-03-31: Jan 1 … Mar 31 → rows 1–3 (10, 3, 9). Ending 2025-04-30: Jan 31 … Apr 30 → 3, 9, 6.
    let mar = group(&r, "period", Some("2025-03-31"));
    assert_eq!(counts(mar), (3, 2, 0, 1));
    let w = mar.window.as_ref().unwrap();
    assert_eq!((w.from.as_str(), w.to.as_str()), ("2025-01-01", "2025-03-31"));
    assert_eq!(counts(group(&r, "period", Some("2025-04-30"))), (3, 1, 0, 2));
    // The de-duplicating path computes windows one by one; with no repeats inside a window it must agree.
    let dedup = f.nps(&ws, &NpsQuery { rolling, count: CountMode::LatestPerRespondent, ..q() }).unwrap();
    assert_eq!(counts(group(&dedup, "period", Some("2025-04-30"))), (3, 1, 0, 2));
}

#[test]
fn explain_by_hand_adds_up_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, mut f) = workspace(dir.path(), &hand_rows());
    let e = explain(&mut f, &ws, &q(), "2025-Q1", "2025-Q3", "Plan").unwrap();
    // Q1: Pro (10, 3) NPS 0, share 2/3; Free (9) NPS 100, share 1/3 → 33.3. Q3: Pro (9, 10) 100, share 1 → 100.
    // Pro: mix (1 − 2/3)(0 + 100)/2 = 16.67, within (100 − 0)(2/3 + 1)/2 = 83.33;
    // Free (absent in Q3, NPS held at 100): mix (0 − 1/3)·100 = −33.33, within 0.
    assert!(close(e.delta, 200.0 / 3.0));
    assert!(close(e.mix, 50.0 / 3.0 - 100.0 / 3.0), "mix {}", e.mix);
    assert!(close(e.within, 250.0 / 3.0), "within {}", e.within);
    assert!(close(e.mix + e.within, e.delta));
    let free = e.segments.iter().find(|s| s.key.as_deref() == Some("Free")).unwrap();
    assert_eq!(free.to_nps, None);
    assert!(explain(&mut f, &ws, &q(), "2025-Q1", "2025-07", "Plan").is_err(), "mixed granularities");
}

/// A tiny deterministic generator, so property cases are reproducible without a dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn properties_on_random_surveys() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=12u64 {
        let mut rng = Lcg(seed);
        let n = 50 + rng.next(400) as u32;
        let rows: Vec<String> = (1..=n)
            .map(|id| {
                let date = format!("202{}-{:02}-{:02}", 4 + rng.next(2), 1 + rng.next(12), 1 + rng.next(28));
                let score = if rng.next(20) == 0 { String::new() } else { rng.next(11).to_string() };
                let email = format!("p{}@x.com", rng.next(60));
                let account = format!("Acct {}", rng.next(15));
                let plan = ["Free", "Pro", "Enterprise", ""][rng.next(4) as usize];
                let region = ["EU", "US"][rng.next(2) as usize];
                csv_row(id, &date, &email, &account, &score, plan, region)
            })
            .collect();
        let sub = dir.path().join(seed.to_string());
        std::fs::create_dir_all(&sub).unwrap();
        let (ws, mut f) = workspace(&sub, &rows);
        let all = f.nps(&ws, &q()).unwrap();
        for query in [
            NpsQuery { by: vec!["Plan".into()], ..q() },
            NpsQuery { per: Some(Period::Quarter), ..q() },
            NpsQuery { by: vec!["Plan".into(), "Region".into()], per: Some(Period::Month), ..q() },
            NpsQuery { by: vec!["Region".into()], count: CountMode::LatestPerRespondent, ..q() },
        ] {
            let r = f.nps(&ws, &query).unwrap();
            let mut sum = (0, 0, 0);
            for g in &r.groups {
                assert_eq!(g.promoters + g.passives + g.detractors, g.n, "P + A + D = n");
                assert_eq!(g.distribution.iter().sum::<u32>(), g.n, "the distribution counts every answer");
                // The adjusted-Wald interval is centred on the shrunk estimate (+0.75 P, +0.75 D of n + 3): it
                // always holds that estimate, and holds the plain NPS once n is not tiny (one promoter alone
                // gives [−48.5, 98.5]).
                let shrunk = 100.0 * (f64::from(g.promoters) - f64::from(g.detractors)) / (f64::from(g.n) + 3.0);
                assert!(g.ci95[0] <= shrunk && shrunk <= g.ci95[1], "adjusted estimate inside its interval");
                if g.n >= 30 {
                    assert!(g.ci95[0] <= g.nps && g.nps <= g.ci95[1], "NPS {} inside {:?} (n {})", g.nps, g.ci95, g.n);
                }
                if let Some(c) = g.vs_total {
                    assert_eq!(c.significant, c.p_value < 0.05, "significant exactly when p < 0.05");
                }
                sum = (sum.0 + g.promoters, sum.1 + g.passives, sum.2 + g.detractors);
            }
            if query.count == CountMode::All {
                assert_eq!(sum, (r.promoters, r.passives, r.detractors), "groups partition the total (seed {seed})");
            } else {
                assert!(r.n <= all.n, "de-duplication never adds responses");
            }
        }
        let e = explain(&mut f, &ws, &q(), "2024-Q2", "2025-Q3", "Plan").unwrap();
        assert!((e.mix + e.within - e.delta).abs() < 1e-9, "mix + within = delta (seed {seed})");
    }
}
