//! Times the rule editor's live preview and the comment explorer on an open workspace (a long-running
//! process, as the app is). The preview does what the app's `preview_rules` command does on each pause in
//! typing: check and compile the rule text, tag every distinct comment of the selection, count themes
//! without the bootstrap, and page the matched comments with highlights. Each run edits the rules (a new
//! term), so no tag cache helps. Median of RUNS.
//!
//!     cargo run --release -p npsdesk-analytics --example comments_bench -- WORKSPACE [RUNS]

use std::time::Instant;

use npsdesk_analytics::{Band, CommentQuery, SurveyFrame};
use npsdesk_core::NpsQuery;
use npsdesk_store::Workspace;
use npsdesk_themes::{check, Format, ImpactOptions, Matcher, RuleSet};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: comments_bench WORKSPACE [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(9);
    let ws = Workspace::open(path.as_ref()).expect("workspace");
    let id = ws.resolve_survey(None).expect("a survey");
    let mut frame = SurveyFrame::load(&ws, id).expect("frame");
    let q = NpsQuery::default();
    // Warm: read and tag the comment column once with the built-in rules (the Themes tab has done so by the
    // time anyone edits rules; one rule set builds no corpus).
    let warm = frame.themes(&ws, &q, &Matcher::builtin(), &ImpactOptions { resamples: 0, ..Default::default() });
    let comments = warm.expect("themes").overall.comments;
    println!("responses: {}, comments: {comments}", frame.responses());

    let source = RuleSet::builtin_source();
    let mut preview = Vec::new();
    let mut compile = Vec::new();
    for run in 0..runs {
        // A fresh edit each time: the fingerprint changes, so everything is tagged again.
        let text = format!("{source}\n[[themes]]\nname = \"Edit {run}\"\nany = [\"slow\", \"word{run}\"]\n");
        let t = Instant::now();
        let set = check(&text, Format::Toml).expect("rules");
        let m = Matcher::new(&set);
        compile.push(t.elapsed().as_secs_f64() * 1000.0);
        let opts = ImpactOptions { resamples: 0, ..Default::default() };
        let themes = frame.themes(&ws, &q, &m, &opts).expect("themes");
        let cq = CommentQuery { matched: Some(true), ..Default::default() };
        let page = frame.comments(&ws, &q, &m, &cq).expect("comments");
        preview.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(themes.overall.comments > 0 && !page.comments.is_empty());
    }
    println!("rule check + compile: median {:.1} ms", median(compile));
    // The first edit also splits the comments into words (the corpus), which later edits reuse.
    println!("live preview, first edit (builds the corpus): {:.1} ms", preview[0]);
    println!("live preview (compile, tag all, count, first page): median {:.1} ms", median(preview));

    // Where the preview's time goes: tagging alone, then themes and a page with the tags cached.
    let m = Matcher::builtin();
    let t = Instant::now();
    let opts = ImpactOptions { resamples: 0, ..Default::default() };
    frame.themes(&ws, &q, &m, &opts).expect("themes");
    println!("themes, first with a new matcher (tags all): {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            frame.themes(&ws, &q, &m, &opts).expect("themes");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    println!("themes, tags cached, no bootstrap: median {:.1} ms", median(times));

    // The explorer with the rules already tagged: filter changes and paging.
    let cases: Vec<(&str, CommentQuery)> = vec![
        ("newest page", CommentQuery::default()),
        (
            "theme Billing, detractors",
            CommentQuery { theme: Some("Billing".into()), bands: vec![Band::Detractor], ..Default::default() },
        ),
        ("search \"slow sync\"", CommentQuery { search: Some("slow sync".into()), ..Default::default() }),
        (
            "uncategorized, lowest first",
            CommentQuery { matched: Some(false), sort: npsdesk_analytics::CommentSort::Lowest, ..Default::default() },
        ),
        ("page 100 of all", CommentQuery { offset: 5000, ..Default::default() }),
    ];
    frame.comments(&ws, &q, &m, &CommentQuery::default()).expect("tag once");
    for (name, cq) in cases {
        let times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                frame.comments(&ws, &q, &m, &cq).expect("comments");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        println!("explorer, {name}: median {:.1} ms", median(times));
    }
}
