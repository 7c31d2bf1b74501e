//! Human and CSV renderings of reports.

use std::fmt::Write;

use npsdesk_core::{
    Comparison, Explanation, ImportReport, MetricKind, MetricReport, NpsQuery, NpsReport, SurveySummary, WorkspaceInfo,
};

use crate::Compare;

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn import_report(r: &ImportReport) -> String {
    let mut o = String::new();
    let survey = if r.created_survey {
        format!("new survey {:?}", r.survey_name)
    } else {
        format!("survey {:?} (new wave)", r.survey_name)
    };
    let _ = writeln!(o, "Imported {} into {survey} [id {}]", r.file, r.survey_id);
    let delimiter = r.delimiter.as_deref().map(|d| format!(", {d}-separated")).unwrap_or_default();
    let _ = writeln!(o, "  source {}, {}{delimiter}, {} header row(s)", r.source, r.encoding, r.header_rows);
    if let Some(order) = &r.date_order {
        let _ = writeln!(o, "  dates:          {order}");
    }
    let _ = writeln!(o, "  NPS column:     {}", r.nps_column.as_deref().unwrap_or("(none found)"));
    let _ = writeln!(o, "  comment column: {}", r.comment_column.as_deref().unwrap_or("(none)"));
    let _ = writeln!(
        o,
        "  {} rows read: {} new, {} updated, {} unchanged, {} skipped ({:.1} s)",
        thousands(r.rows_read.into()),
        thousands(r.new.into()),
        thousands(r.updated.into()),
        thousands(r.unchanged.into()),
        thousands(r.skipped.len() as u64),
        r.elapsed_ms as f64 / 1000.0
    );
    if r.dropped_test_rows + r.dropped_unfinished_rows > 0 {
        let _ = writeln!(
            o,
            "  dropped: {} preview/test, {} unfinished",
            thousands(r.dropped_test_rows.into()),
            thousands(r.dropped_unfinished_rows.into())
        );
    }
    for s in r.skipped.iter().take(20) {
        let _ = writeln!(o, "  skipped line {}: {}", s.line, s.reason);
    }
    if r.skipped.len() > 20 {
        let _ = writeln!(o, "  … and {} more skipped rows (--format json lists all)", r.skipped.len() - 20);
    }
    for w in &r.warnings {
        let _ = writeln!(o, "  warning: {w}");
    }
    o
}

/// `npsdesk inspect`: what was detected, then one line per column with its role and sample values.
pub fn inspection(i: &npsdesk_import::Inspection) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", i.file);
    let _ = writeln!(o, "  source:        {} ({} header row(s))", i.source, i.header_rows);
    let _ = writeln!(o, "  encoding:      {}", i.encoding);
    let _ = writeln!(o, "  delimiter:     {}", i.delimiter.unwrap_or("(workbook)"));
    let _ = writeln!(
        o,
        "  rows:          {} ({} skipped, {} preview/test and {} unfinished dropped)",
        thousands(i.rows),
        thousands(i.skipped),
        thousands(i.dropped_test_rows),
        thousands(i.dropped_unfinished_rows)
    );
    let range = match (&i.first_response, &i.last_response) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "(no readable dates)".into(),
    };
    let order = i.date_order.map(|d| format!(" [{d}]")).unwrap_or_default();
    let _ = writeln!(o, "  dates:         {range}{order}");
    let none = |c: &Option<String>| c.as_deref().map_or_else(|| "(none)".to_string(), neutralise);
    let by = i.nps_detected_by.map(|b| format!(" (by {b})")).unwrap_or_default();
    let scale = i.nps_scale.map(|s| format!(" [scale {s}]")).unwrap_or_default();
    let _ = writeln!(o, "  NPS column:    {}{by}{scale}", none(&i.nps_column));
    let _ = writeln!(o, "  comment:       {}", none(&i.comment_column));
    let _ = writeln!(o, "  id column:     {}", none(&i.id_column));
    let _ = writeln!(o, "  date column:   {}", none(&i.date_column));
    if i.account_column.is_some() {
        let _ = writeln!(o, "  account:       {}", none(&i.account_column));
    }
    let _ = writeln!(o, "\n  {:>4}  {:<13}  {:<50}  samples", "col", "role", "name");
    for c in &i.columns {
        let name: String = neutralise(&c.name).chars().take(50).collect();
        let samples: Vec<String> = c.samples.iter().map(|s| format!("{:?}", neutralise(s))).collect();
        let _ = writeln!(o, "  {:>4}  {:<13}  {:<50}  {}", c.position + 1, c.role, name, samples.join(", "));
    }
    for w in &i.warnings {
        let _ = writeln!(o, "  warning: {w}");
    }
    o
}

fn key_columns(query: &NpsQuery) -> Vec<String> {
    let mut cols = query.by.clone();
    if query.per.is_some() || query.rolling.is_some() {
        cols.push("period".into());
    }
    cols
}

/// Numbers of one row, as text.
struct Figures {
    n: u32,
    counts: [u32; 3],
    share: f64,
    nps: f64,
    ci: [f64; 2],
    low_n: bool,
    vs_total: Option<Comparison>,
    vs_previous: Option<Comparison>,
}

/// One row per group (the first is the total): key cells, then the figures.
fn rows(report: &NpsReport, query: &NpsQuery) -> (Vec<String>, Vec<(Vec<String>, Figures)>) {
    let keys = key_columns(query);
    let header: Vec<String> = if keys.is_empty() { vec!["group".into()] } else { keys.clone() };
    let total_key = vec!["(all)".to_string(); keys.len().max(1)];
    let mut out = vec![(
        total_key,
        Figures {
            n: report.n,
            counts: [report.promoters, report.passives, report.detractors],
            share: 1.0,
            nps: report.nps,
            ci: report.ci,
            low_n: report.n < report.low_n_threshold,
            vs_total: None,
            vs_previous: None,
        },
    )];
    for g in &report.groups {
        let key: Vec<String> = g.key.0.iter().map(|(_, v)| v.clone().unwrap_or_else(|| "(no answer)".into())).collect();
        out.push((
            key,
            Figures {
                n: g.n,
                counts: [g.promoters, g.passives, g.detractors],
                share: g.share,
                nps: g.nps,
                ci: g.ci,
                low_n: g.low_n,
                vs_total: g.vs_total,
                vs_previous: g.vs_previous,
            },
        ));
    }
    (header, out)
}

pub fn nps_table(survey: &SurveySummary, report: &NpsReport, query: &NpsQuery, compare: Option<Compare>) -> String {
    let (mut header, body) = rows(report, query);
    let level = format!("{:.0} %", report.level * 100.0);
    let keys = header.len();
    header
        .extend(["n", "share", "promoters", "passives", "detractors", "nps", &format!("ci {level}")].map(String::from));
    if compare.is_some() {
        header.extend(["Δ", "p", "sig"].map(String::from));
    }
    header.push(String::new());
    let cells: Vec<Vec<String>> = body
        .iter()
        .map(|(key, f)| {
            let mut r = key.clone();
            r.push(thousands(f.n.into()));
            r.push(format!("{:.1} %", f.share * 100.0));
            r.extend(f.counts.iter().map(|c| thousands((*c).into())));
            r.push(format!("{:.1}", f.nps));
            r.push(format!("{:.1} to {:.1}", f.ci[0], f.ci[1]));
            if let Some(c) = compare {
                let cmp = if c == Compare::Previous { f.vs_previous } else { f.vs_total };
                match cmp {
                    Some(cmp) => {
                        r.push(format!("{:+.1}", cmp.delta));
                        r.push(format!("{:.3}", cmp.p_value));
                        r.push(if cmp.significant { "yes".into() } else { "no".into() });
                    }
                    None => r.extend(["", "", ""].map(String::from)),
                }
            }
            r.push(if f.low_n { format!("low n (< {})", report.low_n_threshold) } else { String::new() });
            r
        })
        .collect();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {} responses, {} with NPS{}",
        survey.name,
        thousands(survey.responses.into()),
        thousands(survey.answered_nps.into()),
        match (&survey.first_response, &survey.last_response) {
            (Some(a), Some(b)) => format!(", {} to {}", &a[..10], &b[..10]),
            _ => String::new(),
        }
    );
    let mut notes = vec![format!("NPS in points (−100..100); {level} adjusted-Wald interval")];
    if report.count != npsdesk_core::CountMode::All {
        notes.push(format!(
            "counting {}",
            serde_json::to_value(report.count).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
        ));
    }
    if !query.filters.is_empty() || query.from.is_some() || query.to.is_some() {
        let mut f: Vec<String> = query
            .filters
            .iter()
            .map(|f| {
                let value = if f.value.is_empty() { "(left empty)" } else { f.value.as_str() };
                format!("{}{}{}", f.column, if f.negate { "≠" } else { "=" }, value)
            })
            .collect();
        if let Some(d) = &query.from {
            f.push(format!("from {d}"));
        }
        if let Some(d) = &query.to {
            f.push(format!("to {d}"));
        }
        notes.push(format!("filters: {}", f.join(", ")));
    }
    match compare {
        Some(Compare::Total) => {
            notes.push("Δ/p: against the total, which contains the group (a conservative test)".into())
        }
        Some(Compare::Previous) => notes.push("Δ/p: against the same segment's previous period".into()),
        None => {}
    }
    if report.hidden_groups > 0 {
        notes.push(format!("{} group(s) with n < {} hidden (--min-n 0 shows them)", report.hidden_groups, query.min_n));
    }
    let _ = writeln!(o, "{}\n", notes.join("; "));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(&header[i])
                .chain(cells.iter().map(|r| &r[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .min(48)
        })
        .collect();
    let fmt_row = |cells: &[String]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = if c.chars().count() > 48 {
                    format!("{}…", c.chars().take(47).collect::<String>())
                } else {
                    c.clone()
                };
                if i < keys || i + 1 == cells.len() {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(o, "{}", fmt_row(&header));
    let _ = writeln!(o, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  ").trim_end());
    for (i, r) in cells.iter().enumerate() {
        let _ = writeln!(o, "{}", fmt_row(r));
        if i == 0 && cells.len() > 1 {
            let _ = writeln!(o);
        }
    }
    o
}

/// CSAT/CES as an aligned table, or CSV (text cells neutralised).
pub fn metric(r: &MetricReport, csv: bool) -> String {
    let what = match r.kind {
        MetricKind::Csat => format!("CSAT (% answering the top {} of 1–{})", r.top_box, r.scale),
        MetricKind::Ces => format!("CES (mean answer, 1–{})", r.scale),
    };
    let key_names: Vec<String> =
        r.groups.first().map(|g| g.key.0.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let total_key = vec!["(all)".to_string(); key_names.len().max(1)];
    let fmt = |v: f64| if csv { v.to_string() } else { format!("{v:.2}") };
    let line = |key: Vec<String>, n: u32, v: f64, ci: [f64; 2]| {
        let mut row = key;
        row.extend([n.to_string(), fmt(v), fmt(ci[0]), fmt(ci[1])]);
        row
    };
    rows.push(line(total_key, r.n, r.value, r.ci));
    for g in &r.groups {
        let key = g.key.0.iter().map(|(_, v)| v.clone().unwrap_or_else(|| "(no answer)".into())).collect();
        rows.push(line(key, g.n, g.value, g.ci));
    }
    let mut header: Vec<String> = if key_names.is_empty() { vec!["group".into()] } else { key_names };
    header.extend(["n", "value", "ci_low", "ci_high"].map(String::from));
    let keys = header.len() - 4;
    let mut o = String::new();
    if csv {
        for (i, row) in std::iter::once(&header).chain(rows.iter()).enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    if j < keys || i == 0 {
                        format!("\"{}\"", neutralise(c).replace('"', "\"\""))
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            let _ = writeln!(o, "{}", cells.join(","));
        }
        return o;
    }
    let _ = writeln!(
        o,
        "{what} of \"{}\"; {:.0} % interval; {} unreadable answer(s) ignored\n",
        r.column,
        r.level * 100.0,
        r.unreadable
    );
    let widths: Vec<usize> = (0..header.len())
        .map(|i| std::iter::once(&header).chain(rows.iter()).map(|r| r[i].chars().count()).max().unwrap_or(0).min(48))
        .collect();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = c.chars().take(48).collect();
                if i < keys {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(o, "{}", cells.join("  "));
    }
    o
}

pub fn explanation(e: &Explanation) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "NPS {} → {}: {:.1} → {:.1} ({:+.1} points; n {} → {})",
        e.from.period,
        e.to.period,
        e.from.nps,
        e.to.nps,
        e.delta,
        thousands(e.from.n.into()),
        thousands(e.to.n.into())
    );
    let _ = writeln!(o, "  mix    {:+.2}  (segments' shares of \"{}\" moved)", e.mix, e.by);
    let _ = writeln!(o, "  within {:+.2}  (segments' own NPS moved)\n", e.within);
    let _ = writeln!(
        o,
        "  {:<32} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7}",
        "segment", "share 1", "share 2", "NPS 1", "NPS 2", "mix", "within"
    );
    let nps = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"));
    for s in &e.segments {
        let key = s.key.clone().unwrap_or_else(|| "(no answer)".into());
        let key: String = key.chars().take(32).collect();
        let _ = writeln!(
            o,
            "  {:<32} {:>7.1}% {:>7.1}% {:>7} {:>7} {:>+7.2} {:>+7.2}",
            key,
            s.from_share * 100.0,
            s.to_share * 100.0,
            nps(s.from_nps),
            nps(s.to_nps),
            s.mix,
            s.within
        );
    }
    o
}

/// The theme table (or CSV): the overall report, then each group's themes under its key.
pub fn themes(a: &npsdesk_analytics::ThemesAnswer) -> String {
    let opt = |v: Option<f64>, d: usize| v.map_or_else(String::new, |v| format!("{v:.d$}"));
    let ci = |v: Option<[f64; 2]>| v.map_or_else(String::new, |[lo, hi]| format!("{lo:.1} to {hi:.1}"));
    let mut reports: Vec<(String, &npsdesk_themes::ThemeReport)> = vec![("(all)".into(), &a.overall)];
    for g in &a.groups {
        let key: Vec<String> =
            g.key.0.iter().map(|(k, v)| format!("{k} = {}", v.as_deref().unwrap_or("(no answer)"))).collect();
        reports.push((key.join(", "), &g.report));
    }
    let mut o = String::new();
    for (group, r) in &reports {
        let _ = writeln!(
            o,
            "{group}: {} comments, coverage {:.1} %, {} uncategorized; NPS {} (comments of \"{}\")\n",
            thousands(r.comments),
            r.coverage * 100.0,
            thousands(r.uncategorized),
            opt(r.nps, 1),
            a.column
        );
        let _ = writeln!(
            o,
            "  {:<28} {:>9} {:>7} {:>8} {:>7} {:>15} {:>7} {:>15}",
            "theme", "mentions", "share", "n", "NPS", "NPS 95 %", "impact", "impact 95 %"
        );
        // Each parent followed by its children (indented), in rule-set order.
        let mut ordered: Vec<&npsdesk_themes::ThemeStats> = Vec::new();
        for t in r.themes.iter().filter(|t| t.parent.is_none()) {
            ordered.push(t);
            ordered.extend(r.themes.iter().filter(|c| c.parent.as_deref() == Some(t.theme.as_str())));
        }
        let orphans: Vec<&npsdesk_themes::ThemeStats> =
            r.themes.iter().filter(|t| !ordered.iter().any(|o| std::ptr::eq(*o, *t))).collect();
        ordered.extend(orphans);
        for t in ordered {
            let name = match &t.parent {
                Some(_) => format!("  {}", t.theme),
                None => t.theme.clone(),
            };
            let name: String = name.chars().take(28).collect();
            let _ = writeln!(
                o,
                "  {:<28} {:>9} {:>6.1}% {:>8} {:>7} {:>15} {:>7} {:>15}",
                name,
                thousands(t.mentions),
                t.share * 100.0,
                thousands(t.n.into()),
                opt(t.nps, 1),
                ci(t.ci95),
                opt(t.impact, 2),
                ci(t.impact_ci95)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "rules: {}", a.rules);
    let _ = writeln!(o, "impact = NPS(all) − NPS(all without the responses that mention the theme), in points.");
    o
}

/// `npsdesk accounts`: an aligned table, at-risk accounts first, marked `!`. (CSV: `npsdesk_export`.)
pub fn accounts(a: &npsdesk_analytics::AccountsAnswer) -> String {
    let reason = npsdesk_export::risk_reason;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} accounts in \"{}\", {} at risk; {} responses without an account",
        thousands(a.accounts.len() as u64),
        a.column,
        thousands(a.at_risk.into()),
        thousands(a.without_account.into())
    );
    let estimate = |label: &str, w: &Option<npsdesk_core::WeightedNps>, unit: &str| match w {
        Some(w) => format!(
            "{label} {:.1} ({}; {} {unit})",
            w.nps,
            w.ci95.map_or_else(|| "no interval".to_string(), |[lo, hi]| format!("95 % CI {lo:.1} to {hi:.1}")),
            thousands(w.units.into())
        ),
        None => format!("{label} –"),
    };
    let _ = writeln!(
        o,
        "NPS: {}; {}; {}",
        estimate("respondent", &a.weightings.respondent, "responses"),
        estimate("account-weighted", &a.weightings.account, "accounts"),
        estimate("ARR-weighted", &a.weightings.arr, "accounts with ARR")
    );
    if let (Some(total), Some(risk)) = (a.arr_total, a.revenue_at_risk) {
        let _ = writeln!(
            o,
            "revenue at risk: {} of {} ARR ({:.1} %); {} accounts matched to the accounts file",
            thousands(risk.round() as u64),
            thousands(total.round() as u64),
            if total > 0.0 { 100.0 * risk / total } else { 0.0 },
            thousands(a.matched_accounts.into())
        );
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "  {:<28} {:>9} {:>6} {:>7} {:>7} {:>16}  {:<10} {:>12}  {:<10}  risk",
        "account", "responses", "latest", "change", "NPS", "95 % CI", "latest at", "ARR", "renewal"
    );
    let clean = |s: &str| -> String { s.chars().map(|c| if c.is_control() { ' ' } else { c }).take(28).collect() };
    for r in &a.accounts {
        let reasons: Vec<&str> = r.reasons.iter().map(reason).collect();
        let _ = writeln!(
            o,
            "{} {:<28} {:>9} {:>6} {:>7} {:>7} {:>16}  {:<10} {:>12}  {:<10}  {}",
            if r.at_risk { "!" } else { " " },
            clean(&r.account),
            thousands(r.responses.into()),
            r.latest_score.map_or("–".to_string(), |v| v.to_string()),
            r.change.map_or(String::new(), |v| format!("{v:+}")),
            opt(r.nps),
            r.ci95.map_or_else(String::new, |[lo, hi]| format!("{lo:.1} to {hi:.1}")),
            r.latest_at.as_deref().map_or("", |d| &d[..10.min(d.len())]),
            r.arr.map_or_else(String::new, |v| thousands(v.round() as u64)),
            r.renewal_date.as_deref().unwrap_or(""),
            reasons.join(", ")
        );
    }
    o
}

/// `npsdesk comments`: each comment under a line with its date, score, respondent, themes and the `--show`
/// values; the matched words are marked «like this». Control characters in comments are replaced, so a
/// hostile comment cannot drive the terminal. (CSV: `npsdesk_export::comments_table`.)
pub fn comments(p: &npsdesk_analytics::CommentPage) -> String {
    let mut o = String::new();
    let b = &p.bands;
    // The band counts ignore the band filter: say "of" when it narrowed the list.
    let all = b.promoters + b.passives + b.detractors + b.unanswered;
    let of = if all == p.total { String::new() } else { format!(" of {}", thousands(all.into())) };
    let _ = writeln!(
        o,
        "{}{of} comments ({} promoters, {} passives, {} detractors, {} without a score) in \"{}\"; rules: {}",
        thousands(p.total.into()),
        thousands(b.promoters.into()),
        thousands(b.passives.into()),
        thousands(b.detractors.into()),
        thousands(b.unanswered.into()),
        p.column,
        p.rules
    );
    if p.total > 0 {
        let _ = writeln!(o, "showing {} from {}\n", p.comments.len(), p.offset + 1);
    }
    let clean = |s: &str| -> String { s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect() };
    for c in &p.comments {
        let mut head = vec![
            c.responded_at.as_deref().map_or("(undated)".to_string(), |d| d.replace('T', " ")),
            c.score.map_or("score –".to_string(), |s| format!("score {s}")),
            clean(&c.respondent),
            if c.themes.is_empty() { "Uncategorized".to_string() } else { clean(&c.themes.join(", ")) },
        ];
        head.extend(
            c.segments.0.iter().map(|(k, v)| clean(&format!("{k} = {}", v.as_deref().unwrap_or("(no answer)")))),
        );
        let _ = writeln!(o, "{}", head.join(" · "));
        let _ = writeln!(o, "    {}\n", clean(&marked(&c.text, &c.highlights)));
    }
    o
}

/// The comment with its highlighted stretches wrapped in « » (overlapping stretches merged).
fn marked(text: &str, highlights: &[npsdesk_analytics::Highlight]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut spans: Vec<(usize, usize)> = highlights.iter().map(|h| (h.start as usize, h.end as usize)).collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for (a, b) in merged {
        let (a, b) = (a.min(units.len()), b.min(units.len()));
        out.push_str(&String::from_utf16_lossy(&units[at..a]));
        out.push('«');
        out.push_str(&String::from_utf16_lossy(&units[a..b]));
        out.push('»');
        at = b;
    }
    out.push_str(&String::from_utf16_lossy(&units[at..]));
    out
}

/// `npsdesk rules test`: the themes of one comment and the words that matched.
pub fn rule_test(m: &npsdesk_themes::Matcher, comment: &str) -> String {
    let mut o = String::new();
    let set = m.tag(comment);
    if set.is_empty() {
        let _ = writeln!(o, "Uncategorized: no theme matches");
        return o;
    }
    let _ = writeln!(o, "themes: {}", m.labels(&set).join(", "));
    for hit in m.explain(comment) {
        let words = comment.get(hit.start..hit.end).unwrap_or("");
        let _ = writeln!(
            o,
            "  {:<24} term {:<24} matched {:?} at {}..{}",
            m.theme_name(hit.theme),
            hit.term,
            words,
            hit.start,
            hit.end
        );
    }
    o
}

pub use npsdesk_export::neutralise;

pub fn surveys(info: &WorkspaceInfo) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Workspace {}", info.path);
    if info.surveys.is_empty() {
        let _ = writeln!(o, "  no surveys yet: npsdesk import FILE");
    }
    for s in &info.surveys {
        let _ = writeln!(
            o,
            "\n[{}] {} ({}): {} responses, {} with NPS",
            s.id,
            s.name,
            s.source,
            thousands(s.responses.into()),
            thousands(s.answered_nps.into())
        );
        for c in &s.columns {
            let _ = writeln!(o, "  {:>3}  {:<13} {}", c.position + 1, c.role.as_str(), c.name);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Pro"), "Pro");
    }
}
