//! Every real export of every source, and the hand-made quirk fixtures of `tests/fixtures/`, imported into a
//! real workspace. Row counts and date ranges were read independently with Python's `csv` and `datetime`
//! (and the workbook's sheet XML for the XLSX), never copied from npsdesk's output.

use std::path::{Path, PathBuf};

use npsdesk_import::{ImportOptions, NpsScale, Source};
use npsdesk_store::{ImportControl, StoreError, Workspace};

fn shared() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn go_on(_: &npsdesk_core::ImportProgress) -> ImportControl {
    ImportControl::Continue
}

fn import(ws: &mut Workspace, path: &Path, options: &ImportOptions) -> npsdesk_core::ImportReport {
    ws.import_file(path, options, &mut go_on).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Real {
    dir: &'static str,
    name: &'static str,
    source: &'static str,
    header_rows: u32,
    /// Data rows imported (after dropping Qualtrics test rows).
    rows: u32,
    dropped_test: u32,
    columns: usize,
    nps: Option<&'static str>,
    /// Earliest and latest response date (ISO, local), `None` when the file has no date column.
    range: Option<(&'static str, &'static str)>,
}

const REAL: &[Real] = &[
    Real { dir: "generic", name: "carpentries__assessment__2020_carpentryconhome_raw.csv", source: "generic", header_rows: 1, rows: 124, dropped_test: 0, columns: 17, nps: Some("nps"), range: None },
    Real { dir: "generic", name: "carpentries__assessment__longterm_October2017.csv", source: "generic", header_rows: 1, rows: 476, dropped_test: 0, columns: 75, nps: Some("Likely-To-Recommend"), range: None },
    Real { dir: "google-forms", name: "UVADS__DS-4002__hot_dog_survey_spring25.xlsx_-_Form_Responses_1.csv", source: "google-forms", header_rows: 1, rows: 64, dropped_test: 0, columns: 9, nps: None, range: Some(("2025-01-15T21:53:05", "2025-01-16T21:47:17")) },
    Real { dir: "google-forms", name: "alan-turing-institute__AutisticaCitizenScience__Autistica_Turing_Citizen_Science_Platform_(Responses)_-_Form_Responses_1(3).csv", source: "google-forms", header_rows: 1, rows: 42, dropped_test: 0, columns: 5, nps: None, range: Some(("2019-08-21T13:10:31", "2021-01-28T20:15:36")) },
    Real { dir: "google-forms", name: "tongsantan__Mental-Health-Modelling__OSMI_Mental_Health_in_Tech_Survey_2014.csv", source: "google-forms", header_rows: 1, rows: 1260, dropped_test: 0, columns: 27, nps: None, range: Some(("2014-08-27T11:29:31", "2017-06-22T00:39:01")) },
    Real { dir: "qualtrics", name: "ropensci__qualtRics__sample.csv", source: "qualtrics", header_rows: 3, rows: 1, dropped_test: 0, columns: 20, nps: None, range: Some(("2017-07-18T08:28:48", "2017-07-18T08:28:48")) },
    Real { dir: "qualtrics", name: "ropensci__qualtRics__sample_legacy.csv", source: "qualtrics", header_rows: 2, rows: 1, dropped_test: 0, columns: 16, nps: None, range: Some(("2017-07-18T08:28:48", "2017-07-18T08:28:48")) },
    Real { dir: "qualtrics", name: "tufts-oir__QualtricsTools__Sample_Survey_(Insights).csv", source: "qualtrics", header_rows: 3, rows: 0, dropped_test: 5, columns: 190, nps: None, range: None },
    Real { dir: "qualtrics", name: "tufts-oir__QualtricsTools__Test_Survey_for_Coded_Comments.csv", source: "qualtrics", header_rows: 3, rows: 0, dropped_test: 10, columns: 17, nps: None, range: None },
    Real { dir: "surveymonkey", name: "Church-Army__monkeyreadr__test-responses.csv", source: "surveymonkey", header_rows: 2, rows: 16, dropped_test: 0, columns: 20, nps: None, range: Some(("2022-02-16T21:30:28", "2023-07-31T16:29:08")) },
    Real { dir: "surveymonkey", name: "ajturner__dc-elections__2022_anc.csv", source: "surveymonkey", header_rows: 2, rows: 172, dropped_test: 0, columns: 41, nps: None, range: Some(("2022-08-19T13:05:56", "2022-09-05T23:13:30")) },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__MIDWEST.csv", source: "surveymonkey", header_rows: 2, rows: 2778, dropped_test: 0, columns: 53, nps: None, range: None },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__StarWars.csv", source: "surveymonkey", header_rows: 2, rows: 1186, dropped_test: 0, columns: 38, nps: None, range: None },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__religion-survey-results.csv", source: "surveymonkey", header_rows: 2, rows: 1039, dropped_test: 0, columns: 48, nps: None, range: None },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__sleeping-alone-data.csv", source: "surveymonkey", header_rows: 2, rows: 1093, dropped_test: 0, columns: 31, nps: None, range: Some(("2014-07-09T17:46:00", "2014-07-10T18:39:00")) },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__steak-risk-survey.csv", source: "surveymonkey", header_rows: 2, rows: 550, dropped_test: 0, columns: 15, nps: None, range: None },
    Real { dir: "surveymonkey", name: "fivethirtyeight__data__thanksgiving-2015-poll-data.csv", source: "surveymonkey", header_rows: 1, rows: 1058, dropped_test: 0, columns: 65, nps: None, range: None },
    Real { dir: "surveymonkey", name: "kshashank03__Survey-Monkey-Tutorial__Data_-_Survey_Monkey_Output.xlsx", source: "surveymonkey", header_rows: 2, rows: 198, dropped_test: 0, columns: 100, nps: None, range: Some(("2021-01-11T06:26:46", "2021-01-22T12:40:34")) },
    // The same 417 responses; OmAshish's copy was re-saved by Excel day-first and lost the seconds.
    Real { dir: "typeform", name: "OmAshish__Organizational-Behaviour__OSMI_Mental_Health_in_Tech_Survey_2018.csv", source: "typeform", header_rows: 1, rows: 417, dropped_test: 0, columns: 123, nps: None, range: Some(("2018-05-24T17:23:00", "2018-12-30T00:00:00")) },
    Real { dir: "typeform", name: "tongsantan__Mental-Health-Modelling__OSMI_Mental_Health_in_Tech_Survey_2018.csv", source: "typeform", header_rows: 1, rows: 417, dropped_test: 0, columns: 123, nps: None, range: Some(("2018-05-24T17:23:59", "2018-12-30T00:00:03")) },
    Real { dir: "typeform", name: "tongsantan__Mental-Health-Modelling__OSMI_Mental_Health_in_Tech_Survey_2020.csv", source: "typeform", header_rows: 1, rows: 180, dropped_test: 0, columns: 120, nps: None, range: None },
];

#[test]
fn every_real_export_of_every_source_imports_as_pinned() {
    let root = shared().join("fixtures/real");
    let mut on_disk = 0;
    for dir in ["generic", "google-forms", "qualtrics", "surveymonkey", "typeform"] {
        on_disk += std::fs::read_dir(root.join(dir)).unwrap().count();
    }
    assert_eq!(on_disk, REAL.len(), "a real fixture was added or removed: pin it here");
    for f in REAL {
        let mut ws = Workspace::open_in_memory().unwrap();
        let r = import(&mut ws, &root.join(f.dir).join(f.name), &ImportOptions::default());
        let s = ws.survey(r.survey_id).unwrap();
        let name = f.name;
        assert_eq!(r.source, f.source, "{name}: source");
        assert_eq!(r.header_rows, f.header_rows, "{name}: header rows");
        assert_eq!((r.rows_read, r.new), (f.rows, f.rows), "{name}: rows");
        assert!(r.skipped.is_empty(), "{name}: skipped {:?}", &r.skipped[..r.skipped.len().min(3)]);
        assert_eq!(r.dropped_test_rows, f.dropped_test, "{name}: preview/test rows dropped");
        assert_eq!(s.columns.len(), f.columns, "{name}: columns");
        assert_eq!(r.nps_column.as_deref(), f.nps, "{name}: NPS column");
        assert_eq!(s.nps_column.as_deref(), f.nps, "{name}: NPS column stored");
        let range = s.first_response.as_deref().zip(s.last_response.as_deref());
        assert_eq!(range, f.range, "{name}: date range");
        let names: std::collections::HashSet<String> = s.columns.iter().map(|c| c.name.to_lowercase()).collect();
        assert_eq!(names.len(), s.columns.len(), "{name}: column names are unique");
    }
}

#[test]
fn real_nps_columns_count_their_answers() {
    // Answered NPS cells counted with Python's csv module: carpentryconhome `nps` 124 of 124 filled;
    // longterm `Likely-To-Recommend` filled in 402 of 476 rows (the rest stopped early).
    let root = shared().join("fixtures/real/generic");
    for (name, answered) in [
        ("carpentries__assessment__2020_carpentryconhome_raw.csv", 124),
        ("carpentries__assessment__longterm_October2017.csv", 402),
    ] {
        let mut ws = Workspace::open_in_memory().unwrap();
        let r = import(&mut ws, &root.join(name), &ImportOptions::default());
        assert_eq!(ws.survey(r.survey_id).unwrap().answered_nps, answered, "{name}");
    }
}

#[test]
fn qualtrics_test_rows_can_be_kept() {
    let file = shared().join("fixtures/real/qualtrics/tufts-oir__QualtricsTools__Test_Survey_for_Coded_Comments.csv");
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &file, &ImportOptions { keep_test_rows: true, ..Default::default() });
    assert_eq!((r.rows_read, r.dropped_test_rows), (10, 0));
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!(s.first_response.as_deref(), Some("2016-10-06T14:28:12"));
    assert_eq!(s.last_response.as_deref(), Some("2016-10-06T14:40:57"));
}

#[test]
fn excel_day_first_resave_and_its_damage_are_reported_per_column() {
    let file = shared()
        .join("fixtures/real/typeform/OmAshish__Organizational-Behaviour__OSMI_Mental_Health_in_Tech_Survey_2018.csv");
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &file, &ImportOptions::default());
    assert_eq!(r.date_order.as_deref(), Some("day-first"));
    let size = "How many employees does your company or organization have?";
    let w = r.column_warnings.iter().find(|w| w.column == size).expect("the employee-count column is flagged");
    assert!(w.message.contains("turned into dates"), "{}", w.message);
    // The untouched copy of the same survey has no such damage.
    let clean = shared()
        .join("fixtures/real/typeform/tongsantan__Mental-Health-Modelling__OSMI_Mental_Health_in_Tech_Survey_2018.csv");
    let r = import(&mut Workspace::open_in_memory().unwrap(), &clean, &ImportOptions::default());
    assert!(r.column_warnings.iter().all(|w| !w.message.contains("into dates")), "{:?}", r.column_warnings);
    assert_eq!(r.date_order.as_deref(), Some("month-first"));
}

#[test]
fn qualtrics_nps_group_detects_the_score_and_drops_preview_test_and_unfinished_rows() {
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("qualtrics_nps_group.csv"), &ImportOptions::default());
    assert_eq!((r.source.as_str(), r.header_rows), ("qualtrics", 3));
    assert_eq!((r.rows_read, r.dropped_test_rows, r.dropped_unfinished_rows), (4, 2, 1), "{r:?}");
    assert_eq!(r.nps_column.as_deref(), Some("How likely are you to recommend Acme to a friend or colleague?"));
    assert_eq!(r.comment_column.as_deref(), Some("What is the main reason for your score?"));
    // R_6 (line 9) is in group Passive but answered 9.
    assert!(r.warnings.iter().any(|w| w.contains("1 row(s)") && w.contains("line 9")), "{:?}", r.warnings);
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!((s.responses, s.answered_nps), (4, 4));
    let rows = ws.response_rows(r.survey_id).unwrap();
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["R_1", "R_2", "R_6", "R_7"], "ResponseId keys the rows");

    let mut ws = Workspace::open_in_memory().unwrap();
    let all = ImportOptions { keep_test_rows: true, keep_unfinished: true, ..Default::default() };
    let r = import(&mut ws, &fixture("qualtrics_nps_group.csv"), &all);
    assert_eq!((r.rows_read, r.dropped_test_rows, r.dropped_unfinished_rows), (7, 0, 0));
}

#[test]
fn typeform_partial_google_forms_zones_and_delighted_epochs() {
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("typeform_partial.csv"), &ImportOptions::default());
    assert_eq!((r.source.as_str(), r.rows_read, r.dropped_unfinished_rows), ("typeform", 2, 1));
    assert_eq!(r.comment_column.as_deref(), Some("*Why?*"));

    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("google_forms_gmt530.csv"), &ImportOptions::default());
    assert_eq!((r.source.as_str(), r.rows_read), ("google-forms", 4));
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!(s.answered_nps, 4, "label-first, label-last and bare answers all read");
    assert_eq!(s.first_response.as_deref(), Some("2026-10-04T10:15:00"), "GMT+5:30 accepted, wall clock kept");
    assert_eq!(s.last_response.as_deref(), Some("2026-11-01T23:59:59"));

    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("delighted.csv"), &ImportOptions::default());
    assert_eq!((r.source.as_str(), r.rows_read), ("delighted", 3));
    assert_eq!((r.nps_column.as_deref(), r.comment_column.as_deref()), (Some("Score"), Some("Comment")));
    let s = ws.survey(r.survey_id).unwrap();
    // 1735689600 = 2025-01-01T00:00:00Z, 1740787200 = 2025-03-01T00:00:00Z.
    assert_eq!(s.first_response.as_deref(), Some("2025-01-01T00:00:00"));
    assert_eq!(s.last_response.as_deref(), Some("2025-03-01T00:00:00"));
    let country = s.columns.iter().find(|c| c.name == "Delighted Country").unwrap();
    assert_eq!(country.role, npsdesk_core::ColumnRole::Segment, "properties are segments");
}

#[test]
fn a_generic_mapping_is_remembered_so_the_next_wave_imports_without_flags() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    let mapping = ImportOptions {
        id_column: Some("ref".into()),
        date_column: Some("answered".into()),
        nps_column: Some("q7".into()),
        comment_column: Some("free text".into()),
        account_column: Some("company".into()),
        ..Default::default()
    };
    let r = import(&mut ws, &fixture("generic_mapping_w1.csv"), &mapping);
    assert_eq!((r.delimiter.as_deref(), r.date_order.as_deref()), (Some("semicolon"), Some("day-first")));
    assert_eq!(ws.account_column(r.survey_id).unwrap().as_deref(), Some("company"));

    // Wave 2: no flags, and its dates (04/05, 06/07) alone could be either order.
    let r2 = import(&mut ws, &fixture("generic_mapping_w2.csv"), &ImportOptions::default());
    assert!(!r2.created_survey);
    assert_eq!(r2.survey_id, r.survey_id);
    assert_eq!(r2.nps_column.as_deref(), Some("q7"));
    assert_eq!(r2.comment_column.as_deref(), Some("free text"));
    assert_eq!(r2.date_order.as_deref(), Some("day-first"), "the first wave's order is remembered");
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!((s.responses, s.answered_nps), (5, 5));
    assert_eq!(s.first_response.as_deref(), Some("2025-01-31T14:00:00"));
    assert_eq!(s.last_response.as_deref(), Some("2025-07-06T11:00:00"), "06/07 is 6 July");
    let keys: Vec<String> = ws.response_rows(r.survey_id).unwrap().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["T-1", "T-2", "T-3", "T-4", "T-5"]);

    // A contradicting flag on a later wave is refused, and changes nothing.
    let e = ws
        .import_file(
            &fixture("generic_mapping_w2.csv"),
            &ImportOptions { nps_column: Some("ref".into()), ..Default::default() },
            &mut go_on,
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::MappingConflict { flag: "--nps-column", .. }), "{e}");
}

#[test]
fn recoded_nps_values_are_never_shifted_silently() {
    let mut ws = Workspace::open_in_memory().unwrap();
    let e = ws.import_file(&fixture("nps_1_to_11.csv"), &ImportOptions::default(), &mut go_on).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("--nps-scale") && msg.contains("1 to 11"), "{msg}");
    assert!(ws.surveys().unwrap().is_empty(), "nothing was written");
    assert_eq!(ws.data_version().unwrap(), 0);

    let r = import(
        &mut ws,
        &fixture("nps_1_to_11.csv"),
        &ImportOptions { nps_scale: Some(NpsScale::OneToEleven), ..Default::default() },
    );
    // Values 11, 1, 8, 10, 9, 11 → scores 10, 0, 7, 9, 8, 10.
    assert_eq!((r.rows_read, r.new), (6, 6));
    let rows = ws.response_rows(r.survey_id).unwrap();
    assert_eq!(rows[0].1[1], "11", "the cell keeps what the file said");
    let frame_scores = scores(&ws, r.survey_id);
    assert_eq!(frame_scores, [10, 0, 7, 9, 8, 10]);

    let mut ws = Workspace::open_in_memory().unwrap();
    assert!(ws.import_file(&fixture("nps_weights.csv"), &ImportOptions::default(), &mut go_on).is_err());
    let r = import(
        &mut ws,
        &fixture("nps_weights.csv"),
        &ImportOptions { nps_scale: Some(NpsScale::Weights), ..Default::default() },
    );
    assert_eq!(scores(&ws, r.survey_id), [10, 0, 7, 10, 10]);
}

fn scores(ws: &Workspace, survey: i64) -> Vec<u8> {
    let mut out = Vec::new();
    ws.scan_responses(survey, &[], |r| out.push(r.score.expect("answered"))).unwrap();
    out
}

#[test]
fn excel_damage_mac_roman_and_duplicate_headers() {
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("excel_damage.csv"), &ImportOptions::default());
    let flagged: Vec<(&str, bool)> = r
        .column_warnings
        .iter()
        .map(|w| (w.column.as_str(), w.message.starts_with("2 value(s)") || w.message.starts_with("3 value(s)")))
        .collect();
    assert_eq!(flagged, [("Respondent", true), ("Company size", true), ("Subscribed", true)]);
    assert!(r.column_warnings[1].message.contains("25-Jun"), "{:?}", r.column_warnings[1]);
    assert!(r.warnings.iter().any(|w| w.contains("scientific notation")), "also listed in warnings for the app");

    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("mac_roman.csv"), &ImportOptions::default());
    assert!(r.encoding.contains("Mac Roman"), "{}", r.encoding);
    let rows = ws.response_rows(r.survey_id).unwrap();
    assert_eq!(rows[0].1[2], "Très bien, l\u{2019}équipe répond vite");
    assert_eq!(rows[1].1[2], "Trop cher\u{2026} à revoir");

    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &fixture("dup_blank_headers.csv"), &ImportOptions::default());
    let names: Vec<String> = ws.survey(r.survey_id).unwrap().columns.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["id", "Plan", "Plan (2)", "Column 4", "How likely are you to recommend us?"]);
    let plan2 = ws.find_column(r.survey_id, "Plan (2)").unwrap();
    assert_eq!(plan2.position, 2, "the second Plan is keyed by its position");
}

#[test]
fn wrong_files_fail_fast_with_a_clear_message_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let mut ws = Workspace::open(&path).unwrap();
    let good = fixture("delighted.csv");
    import(&mut ws, &good, &ImportOptions::default());
    let version = ws.data_version().unwrap();

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "\r\n  \n").unwrap();
    // Random bytes (a fixed LCG), 3 MB: binary.
    let garbage = dir.path().join("garbage.csv");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let bytes: Vec<u8> = (0..3_000_000)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 56) as u8
        })
        .collect();
    std::fs::write(&garbage, bytes).unwrap();
    let cases: [(PathBuf, &str); 5] = [
        (fixture("not_an_export.pdf"), "is a PDF document"),
        (fixture("one_column.csv"), "single column"),
        (fixture("truncated.csv"), "looks truncated"),
        (empty, "is empty"),
        (garbage, "does not look like a survey export"),
    ];
    for (file, expected) in cases {
        let started = std::time::Instant::now();
        let e = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap_err().to_string();
        assert!(e.contains(expected), "{}: {e}", file.display());
        assert!(started.elapsed().as_secs() < 5, "{}: fails fast", file.display());
        assert_eq!(ws.data_version().unwrap(), version, "{}: no import recorded", file.display());
        assert_eq!(ws.surveys().unwrap().len(), 1, "{}: no survey added", file.display());
    }
}

#[test]
fn source_override_reads_a_surveymonkey_file_as_generic() {
    let file = shared().join("fixtures/real/surveymonkey/fivethirtyeight__data__steak-risk-survey.csv");
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = import(&mut ws, &file, &ImportOptions { source: Some(Source::Generic), ..Default::default() });
    assert_eq!((r.source.as_str(), r.header_rows), ("generic", 1));
    assert_eq!(r.rows_read, 551, "the sub-label row is now a data row");
}
