//! Human and CSV renderings of reports.

use std::fmt::Write;

use npsdesk_analytics::NpsQuery;
use npsdesk_core::{ImportReport, NpsReport, SurveySummary, WorkspaceInfo};

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
    let _ = writeln!(
        o,
        "  source {}, {}, {} header row(s)",
        r.source, r.encoding, r.header_rows
    );
    let _ = writeln!(
        o,
        "  NPS column:     {}",
        r.nps_column.as_deref().unwrap_or("(none found)")
    );
    let _ = writeln!(
        o,
        "  comment column: {}",
        r.comment_column.as_deref().unwrap_or("(none)")
    );
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
    for s in r.skipped.iter().take(20) {
        let _ = writeln!(o, "  skipped line {}: {}", s.line, s.reason);
    }
    if r.skipped.len() > 20 {
        let _ = writeln!(
            o,
            "  … and {} more skipped rows (--format json lists all)",
            r.skipped.len() - 20
        );
    }
    for w in &r.warnings {
        let _ = writeln!(o, "  warning: {w}");
    }
    o
}

fn key_columns(query: &NpsQuery) -> Vec<String> {
    let mut cols = query.by.clone();
    if query.per.is_some() {
        cols.push("period".into());
    }
    cols
}

/// One row per group (the first is the total): key cells, then the numbers.
fn rows(
    report: &NpsReport,
    query: &NpsQuery,
    one_decimal: bool,
) -> (Vec<String>, Vec<Vec<String>>) {
    let keys = key_columns(query);
    let mut header: Vec<String> = if keys.is_empty() {
        vec!["group".into()]
    } else {
        keys.clone()
    };
    header.extend(
        [
            "n",
            "promoters",
            "passives",
            "detractors",
            "nps",
            "ci95_low",
            "ci95_high",
        ]
        .map(String::from),
    );
    let num = |x: f64| {
        if one_decimal {
            format!("{x:.1}")
        } else {
            format!("{x}")
        }
    };
    let count = |x: u32| {
        if one_decimal {
            thousands(x.into())
        } else {
            x.to_string()
        }
    };
    let line = |key: Vec<String>, n, p, a, d, nps, ci: [f64; 2]| {
        let mut r = key;
        r.extend([
            count(n),
            count(p),
            count(a),
            count(d),
            num(nps),
            num(ci[0]),
            num(ci[1]),
        ]);
        r
    };
    let total_key = vec!["(all)".to_string(); keys.len().max(1)];
    let mut out = vec![line(
        total_key,
        report.n,
        report.promoters,
        report.passives,
        report.detractors,
        report.nps,
        report.ci95,
    )];
    for g in &report.groups {
        // Keys in the order of the query; the report may name a column by its canonical name.
        let key: Vec<String> = g
            .key
            .0
            .iter()
            .map(|(_, v)| v.clone().unwrap_or_else(|| "(no answer)".into()))
            .collect();
        out.push(line(
            key,
            g.n,
            g.promoters,
            g.passives,
            g.detractors,
            g.nps,
            g.ci95,
        ));
    }
    (header, out)
}

pub fn nps_table(survey: &SurveySummary, report: &NpsReport, query: &NpsQuery) -> String {
    let (header, body) = rows(report, query, true);
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
    let _ = writeln!(
        o,
        "NPS in points (−100..100); 95 % adjusted-Wald confidence interval\n"
    );
    let keys = header.len() - 7;
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(&header[i])
                .chain(body.iter().map(|r| &r[i]))
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
                if i < keys {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(o, "{}", fmt_row(&header));
    let _ = writeln!(
        o,
        "{}",
        widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for (i, r) in body.iter().enumerate() {
        let _ = writeln!(o, "{}", fmt_row(r));
        if i == 0 && body.len() > 1 {
            let _ = writeln!(o);
        }
    }
    o
}

/// CSV with text cells neutralised against formula injection (OWASP: a leading `= + - @`, tab or CR).
pub fn nps_csv(report: &NpsReport, query: &NpsQuery) -> String {
    let (header, body) = rows(report, query, false);
    let keys = header.len() - 7;
    let mut o = String::new();
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(
        o,
        "{}",
        header
            .iter()
            .map(|h| quote(&neutralise(h)))
            .collect::<Vec<_>>()
            .join(",")
    );
    for r in body {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < keys {
                    quote(&neutralise(c))
                } else {
                    c.clone()
                }
            })
            .collect();
        let _ = writeln!(o, "{}", cells.join(","));
    }
    o
}

pub fn neutralise(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

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
            let _ = writeln!(
                o,
                "  {:>3}  {:<13} {}",
                c.position + 1,
                c.role.as_str(),
                c.name
            );
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
