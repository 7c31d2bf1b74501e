//! The frame read from the import's columnar copy (store/frame_cache.rs) against the frame scanned from the
//! rows: every answer must be the same, whichever path loaded it.

use std::path::Path;

use npsdesk_analytics::{CommentQuery, CommentSort, SurveyFrame};
use npsdesk_core::{CountMode, Filter, NpsQuery, Period};
use npsdesk_import::ImportOptions;
use npsdesk_store::{ImportControl, Workspace};
use npsdesk_themes::{ImpactOptions, Matcher};

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?,Plan,Region\r\n,,,,,,,,,Response,Open-Ended Response,Response,Response\r\n";

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A survey with what the copy must get right: addresses differing in case and spaces (one identity), empty
/// and blank cells, values that differ only by surrounding spaces, repeated and unique comments, undated rows.
fn survey(seed: u64, rows: u32) -> String {
    let mut rng = Lcg(seed);
    let mut out = String::from(HEADER);
    for id in 1..=rows {
        let date = if rng.next(25) == 0 {
            String::new()
        } else {
            format!("202{}-{:02}-{:02} 10:00:00", 4 + rng.next(2), 1 + rng.next(12), 1 + rng.next(28))
        };
        let score = if rng.next(20) == 0 { String::new() } else { rng.next(11).to_string() };
        let email = match rng.next(4) {
            0 => String::new(),
            1 => format!(" P{}@X.com", rng.next(40)),
            // Seed 4: an address that reads like a key identity, so identities are numbered by a scan.
            2 if seed == 4 && id % 50 == 0 => format!("ID:{}", rng.next(9)),
            _ => format!("p{}@x.com", rng.next(40)),
        };
        let plan = ["Free", "Pro", " Pro ", "Enterprise", "", "  "][rng.next(6) as usize];
        let region = ["EU", "US", "APAC"][rng.next(3) as usize];
        let why = match rng.next(5) {
            0 => String::new(),
            1 => format!("\"slow sync, support {id} helped\""),
            2 => " Too expensive ".to_string(),
            3 => "too expensive".to_string(),
            _ => "Great support".to_string(),
        };
        out.push_str(&format!(
            "{id},7,{date},{date},,{email},,,Acct {},{score},{why},{plan},{region}\r\n",
            rng.next(9)
        ));
    }
    out
}

fn import(dir: &Path, text: &str) -> (Workspace, i64) {
    import_in_chunks(dir, text, None)
}

/// `chunk`: the copy's most rows and bytes a chunk (the defaults when `None`).
fn import_in_chunks(dir: &Path, text: &str, chunk: Option<(usize, usize)>) -> (Workspace, i64) {
    import_skipping(dir, text, chunk, 0)
}

/// [`import_in_chunks`] of a file with `skipped` malformed rows.
fn import_skipping(dir: &Path, text: &str, chunk: Option<(usize, usize)>, skipped: usize) -> (Workspace, i64) {
    let file = dir.join("survey.csv");
    std::fs::write(&file, text).unwrap();
    let mut ws = Workspace::open(&dir.join("w.npsdesk")).unwrap();
    if let Some((rows, bytes)) = chunk {
        ws.set_copy_chunk(rows, bytes);
    }
    let r = ws.import_file(&file, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap();
    assert_eq!(r.skipped.len(), skipped, "{:?}", r.skipped);
    (ws, r.survey_id)
}

/// Every kind of answer the app and the CLI give, as text.
fn answers(ws: &Workspace, survey: i64) -> Vec<String> {
    answers_of(ws, survey, SurveyFrame::load(ws, survey).unwrap())
}

/// [`answers`] from frame `f` of the survey.
fn answers_of(ws: &Workspace, survey: i64, mut f: SurveyFrame) -> Vec<String> {
    let q = |by: &[&str], per: Option<Period>| NpsQuery {
        by: by.iter().map(|s| s.to_string()).collect(),
        per,
        min_n: 0,
        ..NpsQuery::default()
    };
    let mut out = vec![];
    for query in [
        q(&[], None),
        q(&["Plan"], Some(Period::Quarter)),
        q(&["Region", "Plan"], Some(Period::Month)),
        NpsQuery { count: CountMode::LatestPerRespondent, ..q(&["Plan"], Some(Period::Quarter)) },
        NpsQuery { count: CountMode::PerAccount, ..q(&["Region"], None) },
        NpsQuery {
            filters: vec![Filter { column: "Plan".into(), value: "Pro".into(), negate: false }],
            ..q(&["Region"], None)
        },
    ] {
        out.push(format!("{:?}", f.nps(ws, &query).unwrap()));
    }
    out.push(format!("{:?}", f.values(ws, "Plan", 100).unwrap()));
    out.push(format!("{:?}", f.values(ws, "Email Address", 100).unwrap()));
    let matcher = Matcher::builtin();
    let opts = ImpactOptions { resamples: 50, ..ImpactOptions::default() };
    out.push(format!("{:?}", f.themes(ws, &q(&["Plan"], None), &matcher, &opts).unwrap()));
    let cq =
        CommentQuery { sort: CommentSort::Lowest, show: vec!["Plan".into()], limit: 500, ..CommentQuery::default() };
    out.push(format!("{:?}", f.comments(ws, &q(&[], None), &matcher, &cq).unwrap()));
    out.push(format!("{:?}", f.accounts(ws, &q(&[], None)).unwrap()));
    // The summary's counts and dates (from the copy's header, or counted over the rows).
    out.push(format!("{:?}", ws.survey(survey).unwrap()));
    out
}

#[test]
fn the_copy_and_the_rows_give_the_same_answers() {
    for seed in 1..=4u64 {
        let dir = tempfile::tempdir().unwrap();
        let (ws, survey) = import(dir.path(), &survey(seed, 300 + 97 * seed as u32));
        assert!(ws.cached_base(survey).unwrap().is_some(), "a new survey gets its copy");
        let plan = ws.find_column(survey, "Plan").unwrap();
        let copied = ws.cached_column(survey, plan.position).unwrap().expect("Plan is a coded column");
        let mut plans = copied.values.to_strs();
        plans.sort();
        assert_eq!(plans, ["Enterprise", "Free", "Pro"], "trimmed (\" Pro \" is Pro), blanks are empty");
        let from_copy = answers(&ws, survey);
        ws.drop_frame_cache(survey).unwrap();
        assert!(ws.cached_base(survey).unwrap().is_none());
        let from_rows = answers(&ws, survey);
        for (a, b) in from_copy.iter().zip(&from_rows) {
            assert_eq!(a, b, "seed {seed}");
        }
        assert_eq!(from_copy.len(), from_rows.len());
    }
}

#[test]
fn a_later_wave_makes_the_copy_stale_and_the_rows_answer() {
    let dir = tempfile::tempdir().unwrap();
    let text = survey(9, 400);
    let (mut ws, survey) = import(dir.path(), &text);
    let first = answers(&ws, survey);
    // The same survey again with one answer changed on a later date: an update, so no new copy.
    let lines: Vec<&str> = text.split("\r\n").collect();
    let mut later = lines[..2].join("\r\n");
    later.push_str("\r\n1,7,2027-01-01 10:00:00,2027-01-01 10:00:00,,,,,Acct 1,0,Too expensive,Pro,EU\r\n");
    let file = dir.path().join("wave2.csv");
    std::fs::write(&file, later).unwrap();
    let r = ws.import_file(&file, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap();
    assert_eq!((r.new, r.updated), (0, 1));
    assert!(ws.cached_base(survey).unwrap().is_none(), "the copy is gone with the wave");
    let second = answers(&ws, survey);
    assert_ne!(first[0], second[0], "the overall NPS moved with the changed answer");
}

#[test]
fn what_a_frame_reads_after_a_wave_is_refused() {
    // A frame reads a column, the identities and the respondent keys only when a query first needs them,
    // after its times and scores: a wave imported in between must not lend them its data (with as many
    // responses, it would line up silently).
    let dir = tempfile::tempdir().unwrap();
    let text = survey(9, 400);
    let (mut ws, survey) = import(dir.path(), &text);
    let mut frame = SurveyFrame::load(&ws, survey).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    let mut later = lines[..2].join("\r\n");
    later.push_str("\r\n1,7,2027-01-01 10:00:00,2027-01-01 10:00:00,,,,,Acct 1,0,Too expensive,Pro,EU\r\n");
    let file = dir.path().join("wave2.csv");
    std::fs::write(&file, later).unwrap();
    ws.import_file(&file, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap();
    let all = NpsQuery { min_n: 0, ..NpsQuery::default() };
    let by_region = NpsQuery { by: vec!["Region".into()], ..all.clone() };
    let latest = NpsQuery { count: CountMode::LatestPerRespondent, ..all.clone() };
    let matcher = Matcher::builtin();
    let errors = [
        frame.nps(&ws, &by_region).unwrap_err().to_string(),
        frame.nps(&ws, &latest).unwrap_err().to_string(),
        frame.comments(&ws, &all, &matcher, &CommentQuery::default()).unwrap_err().to_string(),
    ];
    for e in errors {
        assert!(e.contains("changed"), "{e}");
    }
    // A frame of the new data answers all three.
    let mut fresh = SurveyFrame::load(&ws, survey).unwrap();
    assert_eq!(fresh.nps(&ws, &by_region).unwrap().groups.len(), 3);
    assert!(fresh.nps(&ws, &latest).unwrap().n > 0);
    let page = fresh.comments(&ws, &all, &matcher, &CommentQuery::default()).unwrap();
    assert!(page.comments.iter().any(|c| c.respondent == "1"), "with the respondent keys");
}

#[test]
fn duplicates_within_the_file_leave_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = survey(3, 50);
    text.push_str("5,7,2025-01-01 10:00:00,2025-01-01 10:00:00,,,,,Acct 1,9,ok,Pro,EU\r\n");
    let (ws, survey) = import(dir.path(), &text);
    assert!(ws.cached_base(survey).unwrap().is_none());
}

/// A copy written in many chunks (at most 5,000 rows each, as a 5M-row import writes one every 2^20 rows; or
/// a tiny byte size, a chunk every 4,096 rows) is the copy written in one: the same base, the same columns (each chunk's
/// dictionary merged in first-seen order), the same summary and answers, and those of the rows.
#[test]
fn a_copy_in_chunks_is_the_copy_in_one() {
    let text = survey(5, 20_000);
    let (one_dir, many_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, s1) = import(one_dir.path(), &text);
    let (many, s2) = import_in_chunks(many_dir.path(), &text, Some((5000, usize::MAX)));
    assert_eq!(one.frame_cache_chunks(s1).unwrap(), 1);
    // Batches of 2,048 rows: a chunk ends before a batch would take it past 5,000 rows.
    assert_eq!(many.frame_cache_chunks(s2).unwrap(), 5, "20,000 rows in chunks of 4,096");
    let tiny_dir = tempfile::tempdir().unwrap();
    let (tiny, s3) = import_in_chunks(tiny_dir.path(), &text, Some((usize::MAX, 1)));
    let chunks = tiny.frame_cache_chunks(s3).unwrap();
    assert!(chunks >= 3, "{chunks} chunk(s)");

    let (a, b) = (one.cached_base(s1).unwrap().unwrap(), many.cached_base(s2).unwrap().unwrap());
    assert_eq!(a.responded_at.len(), 20_000);
    assert_eq!((&a.responded_at, &a.score), (&b.responded_at, &b.score));
    let (a, b) = (one.cached_keys(s1).unwrap().unwrap(), many.cached_keys(s2).unwrap().unwrap());
    assert_eq!(a.key_ends.len(), 20_000);
    assert_eq!((&a.keys, &a.key_ends), (&b.keys, &b.key_ends));
    for name in ["Collector ID", "Email Address", "Custom Data 1", "Why?", "Plan", "Region"] {
        let position = one.find_column(s1, name).unwrap().position;
        let (a, b) = (one.cached_column(s1, position).unwrap(), many.cached_column(s2, position).unwrap());
        let a = a.unwrap_or_else(|| panic!("{name} has a copy"));
        assert_eq!(Some(&a), b.as_ref(), "{name}");
        assert!(!a.values.is_empty(), "{name}");
    }
    let from_one = answers(&one, s1);
    assert_eq!(from_one, answers(&many, s2));
    assert_eq!(from_one, answers(&tiny, s3));
    many.drop_frame_cache(s2).unwrap();
    assert_eq!(from_one, answers(&many, s2), "and the rows agree");
}

/// A duplicate respondent after chunks of the copy were written: the chunks go with the rest of the copy.
#[test]
fn a_duplicate_after_written_chunks_leaves_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = survey(3, 12_000);
    text.push_str("5,7,2025-01-01 10:00:00,2025-01-01 10:00:00,,,,,Acct 1,9,ok,Pro,EU\r\n");
    let (ws, survey) = import_in_chunks(dir.path(), &text, Some((5000, usize::MAX)));
    assert_eq!(ws.frame_cache_chunks(survey).unwrap(), 0);
    assert!(ws.cached_base(survey).unwrap().is_none());
}

/// A column coded in the first chunk whose later cells are written inline (a value past the coder's 64
/// bytes): the later chunks have no part for it, so it has no copy (not the first chunk's rows alone), and it
/// is scanned; the other columns keep theirs, and every answer is the rows'.
#[test]
fn a_column_inline_after_the_first_chunk_has_no_copy() {
    let long = "Enterprise plan under a name far too long for the coder to give it a code of its own";
    assert!(long.len() > 64);
    let text: Vec<String> = survey(6, 12_000)
        .split("\r\n")
        .enumerate()
        .map(|(i, line)| if i > 6_000 { line.replace(",Enterprise,", &format!(",{long},")) } else { line.into() })
        .collect();
    let text = text.join("\r\n");
    let (one_dir, many_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, s1) = import(one_dir.path(), &text);
    let (many, s2) = import_in_chunks(many_dir.path(), &text, Some((5000, usize::MAX)));
    assert_eq!(many.frame_cache_chunks(s2).unwrap(), 3);
    let plan = many.find_column(s2, "Plan").unwrap().position;
    assert_eq!(many.cached_column(s2, plan).unwrap(), None, "chunks 1 and 2 have no Plan part");
    assert_eq!(one.cached_column(s1, plan).unwrap(), None);
    let region = many.find_column(s2, "Region").unwrap().position;
    assert_eq!(many.cached_column(s2, region).unwrap().unwrap().codes.len(), 12_000);
    let from_one = answers(&one, s1);
    assert!(from_one.iter().any(|a| a.contains(long)), "the long plan is one of the answers");
    assert_eq!(from_one, answers(&many, s2));
    many.drop_frame_cache(s2).unwrap();
    assert_eq!(from_one, answers(&many, s2), "and the rows agree");
}

/// Malformed rows around the chunk boundaries (skipped, so in no chunk, though they count in the batches that
/// end the chunks): the chunked copy is still the one-chunk copy, and the rows'.
#[test]
fn skipped_rows_at_chunk_boundaries_leave_the_copy_whole() {
    let lines: Vec<String> = survey(8, 12_000).split("\r\n").map(String::from).collect();
    // Data line i is file line i + 3 (two header lines); batches of 2,048 items end chunks after 4,096.
    let bad = [4_094usize, 4_095, 4_096, 4_097, 8_190, 8_191, 8_192, 8_193, 11_999];
    let text: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i >= 2 && bad.contains(&(i - 2)) {
                // The NPS answer (field 10) is not a score: the row is skipped with its line and reason.
                let mut cells: Vec<&str> = line.splitn(11, ',').collect();
                cells[9] = "n/a";
                cells.join(",")
            } else {
                line.clone()
            }
        })
        .collect();
    let text = text.join("\r\n");
    let (one_dir, many_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, s1) = import_skipping(one_dir.path(), &text, None, bad.len());
    let (many, s2) = import_skipping(many_dir.path(), &text, Some((5000, usize::MAX)), bad.len());
    assert_eq!(many.frame_cache_chunks(s2).unwrap(), 3);
    let (a, b) = (one.cached_base(s1).unwrap().unwrap(), many.cached_base(s2).unwrap().unwrap());
    assert_eq!(a.responded_at.len(), 12_000 - bad.len());
    assert_eq!((&a.responded_at, &a.score), (&b.responded_at, &b.score));
    let (a, b) = (one.cached_keys(s1).unwrap().unwrap(), many.cached_keys(s2).unwrap().unwrap());
    assert_eq!(a.key_ends.len(), 12_000 - bad.len());
    assert_eq!((&a.keys, &a.key_ends), (&b.keys, &b.key_ends));
    let from_one = answers(&one, s1);
    assert_eq!(from_one, answers(&many, s2));
    many.drop_frame_cache(s2).unwrap();
    assert_eq!(from_one, answers(&many, s2), "and the rows agree");
}

/// Columns decoded on a second thread while the frame loads (`load_with`, as `themes` and `comments` load)
/// give the answers of columns read when a query first needs them: from a copy in chunks, and from the rows.
#[test]
fn columns_loaded_alongside_the_frame_give_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, survey) = import_in_chunks(dir.path(), &survey(6, 20_000), Some((5000, usize::MAX)));
    assert_eq!(ws.frame_cache_chunks(survey).unwrap(), 5);
    let names = ["Plan", "Region", "Email Address", "no such column"];
    let lazy = answers(&ws, survey);
    let ahead = answers_of(&ws, survey, SurveyFrame::load_with(&ws, survey, &names, true).unwrap());
    assert_eq!(lazy, ahead);
    ws.drop_frame_cache(survey).unwrap();
    let scanned = answers_of(&ws, survey, SurveyFrame::load_with(&ws, survey, &names, true).unwrap());
    assert_eq!(lazy, scanned, "without a copy the columns are scanned as before");
}
