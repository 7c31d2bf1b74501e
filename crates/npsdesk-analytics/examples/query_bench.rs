//! Times the analytics queries of issue "NPS analytics engine" on an open workspace (a long-running process,
//! as the app is): the first load of the frame, then each query, median of several runs.
//!
//!     cargo run --release -p npsdesk-analytics --example query_bench -- WORKSPACE [RUNS]

use std::time::Instant;

use npsdesk_analytics::SurveyFrame;
use npsdesk_core::{Filter, NpsQuery, Period, Rolling, RollingStep};
use npsdesk_store::Workspace;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: query_bench WORKSPACE [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(7);
    let ws = Workspace::open(path.as_ref()).expect("workspace");
    let id = ws.resolve_survey(None).expect("a survey");

    let t = Instant::now();
    let mut frame = SurveyFrame::load(&ws, id).expect("frame");
    let load = t.elapsed();
    const PLAN: &str = "Which plan are you on?";
    let plan = || vec![PLAN.to_string()];
    let pro = || vec![Filter { column: PLAN.into(), value: "Pro".into(), negate: false }];
    let emea = || vec![Filter { column: "Region".into(), value: "EMEA".into(), negate: false }];
    // Warm the columns once (a column is read from SQLite the first time a query needs it).
    let t = Instant::now();
    frame.nps(&ws, &NpsQuery { by: vec![PLAN.into(), "Region".into()], ..NpsQuery::default() }).expect("warm");
    let columns = t.elapsed();
    println!("responses: {}", frame.responses());
    println!("first load of the frame (time, score, identity): {:.0} ms", load.as_secs_f64() * 1000.0);
    println!("first read of two segment columns: {:.0} ms", columns.as_secs_f64() * 1000.0);

    let cases: Vec<(&str, NpsQuery)> = vec![
        ("overall", NpsQuery::default()),
        ("by plan", NpsQuery { by: plan(), ..NpsQuery::default() }),
        ("by quarter", NpsQuery { per: Some(Period::Quarter), ..NpsQuery::default() }),
        ("plan × quarter", NpsQuery { by: plan(), per: Some(Period::Quarter), ..NpsQuery::default() }),
        (
            "rolling 90d by week",
            NpsQuery { rolling: Some(Rolling { days: 90, step: RollingStep::Week }), ..NpsQuery::default() },
        ),
        ("overall, where plan = Pro", NpsQuery { filters: pro(), ..NpsQuery::default() }),
        (
            "plan × quarter, where region = EMEA",
            NpsQuery { by: plan(), per: Some(Period::Quarter), filters: emea(), ..NpsQuery::default() },
        ),
        (
            "rolling 90d by week, where plan = Pro",
            NpsQuery {
                rolling: Some(Rolling { days: 90, step: RollingStep::Week }),
                filters: pro(),
                ..NpsQuery::default()
            },
        ),
        (
            "latest per respondent, by quarter",
            NpsQuery {
                per: Some(Period::Quarter),
                count: npsdesk_core::CountMode::LatestPerRespondent,
                ..NpsQuery::default()
            },
        ),
    ];
    println!("\n{:<42} {:>9} {:>9} {:>9}", "query", "median ms", "min ms", "max ms");
    for (name, q) in cases {
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let r = frame.nps(&ws, &q).expect("query");
                std::hint::black_box(r);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("{:<42} {:>9.1} {:>9.1} {:>9.1}", name, times[times.len() / 2], times[0], times[times.len() - 1]);
    }
}
