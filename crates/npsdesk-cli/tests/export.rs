//! `npsdesk export table`: files re-read with independent readers (the `csv` crate, calamine) give the hand
//! counted numbers, real dates, and hostile text neutralised (CSV) or kept as inert strings (XLSX).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Data, DataType, Reader};

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?\r\n,,,,,,,,,Response,Open-Ended Response\r\n";

/// (day of March 2025, account, score, comment). Accounts and comments carry formula payloads.
const ROWS: &[(u32, &str, &str, &str)] = &[
    (1, "=HYPERLINK(\"http://evil\",\"x\")", "10", "=1+1"),
    (2, "=HYPERLINK(\"http://evil\",\"x\")", "9", "+cmd|' /C calc'!A0"),
    (3, "Birch", "3", "-2+3 is what support said"),
    (4, "Birch", "6", "@SUM(A1:A9) slow, slow support"),
    (5, "Cedar", "7", "ok\tthen (import trims a leading tab)"),
    (6, "Cedar", "8", "fine, \"quoted\", and\nmultiline"),
    (7, "Dune", "0", ""),
];

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn ok(workspace: &Path, args: &[&str]) {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn survey(dir: &Path) -> PathBuf {
    let mut csv = HEADER.to_string();
    for (i, (day, account, score, why)) in ROWS.iter().enumerate() {
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        csv.push_str(&format!(
            "{},1,2025-03-{day:02} 09:00:00,2025-03-{day:02} 10:30:00,,,,,{},{score},{}\r\n",
            100 + i,
            q(account),
            q(why)
        ));
    }
    let file = dir.join("hostile.csv");
    std::fs::write(&file, csv).unwrap();
    let ws = dir.join("w.npsdesk");
    ok(&ws, &["import", file.to_str().unwrap()]);
    ws
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM, for Excel");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    r.records().map(Result::unwrap).collect()
}

/// The first sheet as rows of cells, and whether any cell holds a formula.
fn xlsx_rows(path: &Path) -> (Vec<Vec<Data>>, bool) {
    let mut wb = open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let formulas = wb.worksheet_formula(&name).unwrap();
    let any_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    (range.rows().map(|r| r.to_vec()).collect(), any_formula)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn nps_table_in_csv_and_xlsx_has_the_hand_counted_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let ws = survey(dir.path());
    // By hand: scores 10 9 3 6 7 8 0 → 2 promoters, 2 passives, 3 detractors of 7; NPS = (2 − 3) / 7.
    let (n, p, a, d) = (7.0, 2.0, 2.0, 3.0);
    let nps = 100.0 * (p - d) / n;

    let csv = dir.path().join("nps.csv");
    ok(&ws, &["export", "table", "nps", "--out", csv.to_str().unwrap()]);
    let rows = csv_rows(&csv);
    let header: Vec<String> = rows[0].iter().map(String::from).collect();
    let total = &rows[1];
    assert_eq!(&total[0], "(all)");
    for (name, want) in [("n", n), ("promoters", p), ("passives", a), ("detractors", d), ("nps", nps)] {
        let got: f64 = total[col(&header, name)].parse().unwrap();
        assert!((got - want).abs() < 1e-9, "{name}: {got} vs {want}");
    }

    let xlsx = dir.path().join("nps.xlsx");
    ok(&ws, &["export", "table", "nps", "--by", "Custom Data 1", "--min-n", "0", "--out", xlsx.to_str().unwrap()]);
    let (rows, formulas) = xlsx_rows(&xlsx);
    assert!(!formulas, "no cell is a formula");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let num =
        |row: &[Data], name: &str| row[col(&header, name)].as_f64().unwrap_or_else(|| panic!("{name} is a number"));
    assert!((num(&rows[1], "nps") - nps).abs() < 1e-9, "the total in the workbook is a number");
    assert_eq!(num(&rows[1], "n"), n);
    // Birch: 3 and 6 → two detractors, NPS −100; the hostile account name is a plain string cell.
    let birch = rows.iter().find(|r| r[0] == Data::String("Birch".into())).expect("Birch's row");
    assert_eq!(num(birch, "nps"), -100.0);
    assert_eq!(num(birch, "detractors"), 2.0);
    let evil =
        rows.iter().find(|r| matches!(&r[0], Data::String(s) if s.starts_with("=HYPERLINK"))).expect("kept as text");
    assert_eq!(evil[0], Data::String(ROWS[0].1.into()), "the text itself is unchanged in XLSX");
    assert_eq!(num(evil, "promoters"), 2.0);
}

#[test]
fn comments_and_accounts_keep_hostile_text_inert_and_dates_real() {
    let dir = tempfile::tempdir().unwrap();
    let ws = survey(dir.path());
    let with_comment: Vec<&(u32, &str, &str, &str)> = ROWS.iter().filter(|r| !r.3.is_empty()).collect();

    let csv = dir.path().join("comments.csv");
    ok(&ws, &["export", "table", "comments", "--out", csv.to_str().unwrap()]);
    let rows = csv_rows(&csv);
    let header: Vec<String> = rows[0].iter().map(String::from).collect();
    assert_eq!(rows.len() - 1, with_comment.len(), "every comment, not a page of them");
    let texts: Vec<&str> = rows[1..].iter().map(|r| r.get(col(&header, "comment")).unwrap()).collect();
    for (_, _, _, why) in &with_comment {
        let hazardous = why.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let want = if hazardous { format!("'{why}") } else { why.to_string() };
        assert!(texts.contains(&want.as_str()), "{want:?} in {texts:?}");
    }
    assert!(texts.iter().all(|t| !t.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{texts:?}");

    let xlsx = dir.path().join("comments.xlsx");
    ok(&ws, &["export", "table", "comments", "--out", xlsx.to_str().unwrap()]);
    let (rows, formulas) = xlsx_rows(&xlsx);
    assert!(!formulas);
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let (at, text) = (col(&header, "responded_at"), col(&header, "comment"));
    for (day, _, score, why) in &with_comment {
        let row =
            rows[1..].iter().find(|r| r[text] == Data::String(why.to_string())).unwrap_or_else(|| panic!("{why:?}"));
        let when = row[at].as_datetime().unwrap_or_else(|| panic!("a real date: {:?}", row[at]));
        assert_eq!(when.to_string(), format!("2025-03-{day:02} 10:30:00"), "End Date is the response time");
        assert_eq!(row[col(&header, "score")].as_f64(), Some(score.parse::<f64>().unwrap()));
    }

    let accounts = dir.path().join("accounts.csv");
    ok(&ws, &["export", "table", "accounts", "--out", accounts.to_str().unwrap()]);
    let rows = csv_rows(&accounts);
    let names: Vec<&str> = rows[1..].iter().map(|r| r.get(0).unwrap()).collect();
    assert!(names.contains(&format!("'{}", ROWS[0].1).as_str()), "{names:?}");
    assert_eq!(names.len(), 4);

    let bad = npsdesk(&ws, &["export", "table", "nps", "--out", dir.path().join("x.pdf").to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".csv or .xlsx"));
}

/// The width and height in a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn charts_are_the_apps_own_drawn_headless_as_svg_or_png_of_the_asked_size() {
    let dir = tempfile::tempdir().unwrap();
    let ws = survey(dir.path());

    let svg = dir.path().join("accounts.svg");
    ok(&ws, &["export", "chart", "segments", "--by", "Custom Data 1", "--min-n", "0", "--out", svg.to_str().unwrap()]);
    let text = std::fs::read_to_string(&svg).unwrap();
    // Well-formed and drawable: resvg's parser takes it.
    let tree = resvg::usvg::Tree::from_str(&text, &resvg::usvg::Options::default()).expect("the SVG parses");
    assert_eq!((tree.size().width(), tree.size().height()), (1600.0, 900.0));
    for label in ["Birch", "Cedar", "Dune"] {
        assert!(text.contains(label), "the segment {label} is labelled");
    }
    // The hostile account name is text in the picture, escaped, never markup.
    assert!(
        text.contains("=HYPERLINK(&quot;http://evil&quot;") || text.contains("=HYPERLINK(\"http://evil\""),
        "kept as text"
    );
    assert!(!text.contains("<script"));
    assert!(text.contains("n = 7 · 95 % CI"), "the footnote states n and the interval");

    let png = dir.path().join("trend.png");
    ok(
        &ws,
        &[
            "export",
            "chart",
            "trend",
            "--per",
            "month",
            "--width",
            "800",
            "--height",
            "450",
            "--scale",
            "3",
            "--out",
            png.to_str().unwrap(),
        ],
    );
    assert_eq!(png_size(&std::fs::read(&png).unwrap()), (2400, 1350));

    let plain = dir.path().join("split.svg");
    ok(&ws, &["export", "chart", "split", "--no-footnote", "--transparent", "--out", plain.to_str().unwrap()]);
    let text = std::fs::read_to_string(&plain).unwrap();
    assert!(!text.contains("n = 7"), "no footnote");
    assert!(text.contains("Promoters") && text.contains("Detractors"));

    for (args, says) in [
        (vec!["export", "chart", "segments", "--out", "x.svg"], "exactly one --by"),
        (vec!["export", "chart", "split", "--out", "x.pdf"], ".svg or .png"),
        (vec!["export", "chart", "split", "--width", "50", "--out", "x.svg"], "--width"),
    ] {
        let out = npsdesk(&ws, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
