//! Tagging throughput: N comments (default 1,000,000) from a SurveyMonkey CSV export (2 header rows; the
//! comment column is the first whose header says "why" or "reason"), cycled if the file has fewer, tagged
//! with the built-in rule set and with a generated 200-theme rule set.
//!
//!     cargo run --release -p npsdesk-themes --example tag_bench -- /tmp/bench/nps_1m.csv [N]

use std::time::Instant;

use npsdesk_themes::{normalize, Matcher, RuleSet, RuleSetDef, SplitMix64, ThemeDef, ThemeSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: tag_bench EXPORT.csv [N]")?;
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1_000_000);

    let t0 = Instant::now();
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path)?;
    let mut records = rdr.records();
    let header = records.next().ok_or("empty file")??;
    let col = header
        .iter()
        .position(|h| {
            let h = h.to_lowercase();
            h.contains("why") || h.contains("reason")
        })
        .ok_or("no comment column (a header with \"why\" or \"reason\")")?;
    records.next(); // SurveyMonkey's sub-label row
    let mut comments: Vec<String> = Vec::new();
    for rec in records {
        comments.push(rec?.get(col).unwrap_or("").to_string());
        if comments.len() == n {
            break;
        }
    }
    if comments.is_empty() {
        return Err("no rows".into());
    }
    let read = comments.len();
    let mut k = 0;
    while comments.len() < n {
        comments.push(comments[k].clone());
        k += 1;
    }
    let non_empty = comments.iter().filter(|c| !c.trim().is_empty()).count();
    println!(
        "{n} comments ({read} read from {path}, {non_empty} non-empty), loaded in {:.2} s; {} threads",
        t0.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |p| p.get()).min(2)
    );

    let t = Instant::now();
    let builtin = Matcher::builtin();
    let compile = t.elapsed();
    let (secs, tags) = time_tag_all(&builtin, &comments);
    let tagged = comments.iter().zip(&tags).filter(|(c, s)| !c.trim().is_empty() && !s.is_empty()).count();
    println!(
        "built-in ({} themes): compile {:.1} ms, tag_all {:.3} s ({:.0} ns/comment), coverage {:.1} %",
        builtin.themes().len(),
        compile.as_secs_f64() * 1e3,
        secs,
        secs * 1e9 / n as f64,
        100.0 * tagged as f64 / non_empty.max(1) as f64
    );

    // The rule editor's path: distinct comments tokenised once into a corpus, then tagged per rule set.
    let mut distinct: Vec<&str> = comments.iter().map(String::as_str).filter(|c| !c.trim().is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let t = Instant::now();
    let corpus = npsdesk_themes::Corpus::new(&distinct);
    let built = t.elapsed().as_secs_f64();
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(builtin.tag_corpus(&corpus, &distinct));
            t.elapsed().as_secs_f64()
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    let t = Instant::now();
    std::hint::black_box(builtin.tag_all(&distinct));
    let plain = t.elapsed().as_secs_f64();
    println!(
        "corpus of {} distinct comments: {} words in the vocabulary, {:.1} MB, built in {:.3} s; built-in tag_corpus {:.3} s (median of 5), tag_all {:.3} s",
        distinct.len(),
        corpus.vocabulary(),
        corpus.heap_bytes() as f64 / 1e6,
        built,
        runs[2],
        plain
    );

    let t = Instant::now();
    let rules = generated_rules(&comments[..read.min(20_000)], 200)?;
    let big = Matcher::new(&rules);
    let compile = t.elapsed();
    let (secs, tags) = time_tag_all(&big, &comments);
    let labels: usize = tags.iter().map(ThemeSet::len).sum();
    println!(
        "generated ({} themes, {} terms): compile {:.1} ms, tag_all {:.3} s ({:.0} ns/comment), {:.2} themes/comment",
        big.themes().len(),
        rules.themes().iter().map(|t| t.any.len() + t.all.len() + t.none.len()).sum::<usize>(),
        compile.as_secs_f64() * 1e3,
        secs,
        secs * 1e9 / n as f64,
        labels as f64 / n as f64
    );

    let t = Instant::now();
    let mut tagger = builtin.tagger();
    let single: usize = comments.iter().map(|c| tagger.tag(c).len()).sum();
    println!("built-in, one thread: {:.3} s ({single} labels)", t.elapsed().as_secs_f64());
    Ok(())
}

fn time_tag_all(m: &Matcher, comments: &[String]) -> (f64, Vec<ThemeSet>) {
    let t = Instant::now();
    let tags = m.tag_all(comments);
    (t.elapsed().as_secs_f64(), tags)
}

/// `count` themes (a tenth of them parents of the rest) with words, prefixes, phrases, `all` and `none`
/// terms drawn from the comments' own vocabulary plus invented words, so many terms hit and many miss.
fn generated_rules(sample: &[String], count: usize) -> Result<RuleSet, Box<dyn std::error::Error>> {
    let mut vocab: Vec<String> =
        sample.iter().flat_map(|c| normalize(c).split(' ').map(str::to_string).collect::<Vec<_>>()).collect();
    vocab.retain(|w| w.chars().count() >= 3);
    vocab.sort();
    vocab.dedup();
    let mut rng = SplitMix64::new(7);
    let pick = |rng: &mut SplitMix64| -> String {
        if rng.below(3) == 0 || vocab.is_empty() {
            format!("zq{}x", rng.below(1_000_000))
        } else {
            vocab[rng.below(vocab.len() as u64) as usize].clone()
        }
    };
    let parents = count / 10;
    let mut themes = Vec::with_capacity(count);
    for i in 0..count {
        let mut any = Vec::new();
        for _ in 0..8 {
            let w = pick(&mut rng);
            any.push(match rng.below(4) {
                0 => format!("{}*", w.chars().take(4).collect::<String>()),
                1 => format!("{w} {}", pick(&mut rng)),
                2 => format!("\"{w}\""),
                _ => w,
            });
        }
        let all = if rng.below(5) == 0 { vec![pick(&mut rng)] } else { vec![] };
        let none = if rng.below(4) == 0 { vec![pick(&mut rng)] } else { vec![] };
        themes.push(ThemeDef {
            name: format!("Theme {i:03}"),
            parent: (i >= parents).then(|| format!("Theme {:03}", i % parents.max(1))),
            any,
            all,
            none,
            negation: i % 7 == 0,
            ..ThemeDef::default()
        });
    }
    let def = RuleSetDef { stemming: true, language: "english".into(), description: None, themes };
    RuleSet::from_def(def).map_err(|e| format!("generated rules invalid: {:?}", &e[..e.len().min(3)]).into())
}
