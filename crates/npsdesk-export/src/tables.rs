//! The engine's answers as tables. Column names are stable (scripts read them); new columns go at the end.

use npsdesk_analytics::{AccountsAnswer, CommentPage, RiskReason, ThemesAnswer};
use npsdesk_core::{FollowupList, NpsQuery, NpsReport};

use crate::table::{Cell, Table};

const NO_ANSWER: &str = "(no answer)";
const ALL: &str = "(all)";

/// One row for the total, then one per group: the group's key cells (the `--by` columns, then `period`),
/// counts, NPS with its 95 % interval, share, the interval at the report's level, the low-n flag, and the
/// tests against the total and the previous period.
pub fn nps_table(report: &NpsReport, query: &NpsQuery) -> Table {
    let keys: Vec<String> = match report.groups.first() {
        Some(g) => g.key.0.iter().map(|(k, _)| k.clone()).collect(),
        None => {
            let mut k = query.by.clone();
            if query.per.is_some() || query.rolling.is_some() {
                k.push("period".into());
            }
            k
        }
    };
    let key_count = keys.len().max(1);
    let mut columns = if keys.is_empty() { vec!["group".to_string()] } else { keys };
    columns.extend(
        [
            "n",
            "promoters",
            "passives",
            "detractors",
            "nps",
            "ci95_low",
            "ci95_high",
            "share",
            "ci_low",
            "ci_high",
            "low_n",
            "vs_total_delta",
            "vs_total_p",
            "vs_previous_delta",
            "vs_previous_p",
            "promoters_pct",
            "passives_pct",
            "detractors_pct",
            "window_from",
            "window_to",
            "vs_total_significant",
            "vs_previous_significant",
        ]
        .map(String::from),
    );
    let mut t = Table::new("NPS", columns);
    let mut total = vec![Cell::text(ALL); key_count];
    total.extend([
        Cell::Int(report.n.into()),
        Cell::Int(report.promoters.into()),
        Cell::Int(report.passives.into()),
        Cell::Int(report.detractors.into()),
        Cell::Num(report.nps),
        Cell::Num(report.ci95[0]),
        Cell::Num(report.ci95[1]),
        Cell::Num(1.0),
        Cell::Num(report.ci[0]),
        Cell::Num(report.ci[1]),
        Cell::Bool(report.n < report.low_n_threshold),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Num(report.promoters_pct),
        Cell::Num(report.passives_pct),
        Cell::Num(report.detractors_pct),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    t.push(total);
    for g in &report.groups {
        let mut row: Vec<Cell> = g.key.0.iter().map(|(_, v)| Cell::text(v.as_deref().unwrap_or(NO_ANSWER))).collect();
        row.resize(key_count, Cell::Empty);
        let test = |c: Option<npsdesk_core::Comparison>| {
            [
                Cell::opt_num(c.map(|c| c.delta)),
                Cell::opt_num(c.map(|c| c.p_value)),
                c.map_or(Cell::Empty, |c| Cell::Bool(c.significant)),
            ]
        };
        let [total_delta, total_p, total_sig] = test(g.vs_total);
        let [prev_delta, prev_p, prev_sig] = test(g.vs_previous);
        row.extend([
            Cell::Int(g.n.into()),
            Cell::Int(g.promoters.into()),
            Cell::Int(g.passives.into()),
            Cell::Int(g.detractors.into()),
            Cell::Num(g.nps),
            Cell::Num(g.ci95[0]),
            Cell::Num(g.ci95[1]),
            Cell::Num(g.share),
            Cell::Num(g.ci[0]),
            Cell::Num(g.ci[1]),
            Cell::Bool(g.low_n),
            total_delta,
            total_p,
            prev_delta,
            prev_p,
            Cell::Num(g.promoters_pct),
            Cell::Num(g.passives_pct),
            Cell::Num(g.detractors_pct),
            g.window.as_ref().map_or(Cell::Empty, |w| Cell::DateTime(w.from.clone())),
            g.window.as_ref().map_or(Cell::Empty, |w| Cell::DateTime(w.to.clone())),
            total_sig,
            prev_sig,
        ]);
        t.push(row);
    }
    t
}

/// One row per theme and group (`(all)` first): mentions, share of comments, theme NPS with its interval, and
/// the impact on the NPS with its bootstrap interval.
pub fn themes_table(a: &ThemesAnswer) -> Table {
    let columns = [
        "group",
        "theme",
        "parent",
        "mentions",
        "share",
        "n",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "ci_low",
        "ci_high",
        "impact",
        "impact_ci_low",
        "impact_ci_high",
    ];
    let mut t = Table::new("Themes", columns.map(String::from).to_vec());
    let mut reports: Vec<(String, &npsdesk_themes::ThemeReport)> = vec![(ALL.into(), &a.overall)];
    for g in &a.groups {
        let key: Vec<String> =
            g.key.0.iter().map(|(k, v)| format!("{k} = {}", v.as_deref().unwrap_or(NO_ANSWER))).collect();
        reports.push((key.join(", "), &g.report));
    }
    for (group, r) in reports {
        for s in &r.themes {
            t.push(vec![
                Cell::text(group.clone()),
                Cell::text(s.theme.clone()),
                s.parent.clone().map_or(Cell::Empty, Cell::Text),
                Cell::Int(s.mentions as i64),
                Cell::Num(s.share),
                Cell::Int(s.n.into()),
                Cell::Int(s.promoters.into()),
                Cell::Int(s.passives.into()),
                Cell::Int(s.detractors.into()),
                Cell::opt_num(s.nps),
                Cell::opt_num(s.ci95.map(|c| c[0])),
                Cell::opt_num(s.ci95.map(|c| c[1])),
                Cell::opt_num(s.impact),
                Cell::opt_num(s.impact_ci95.map(|c| c[0])),
                Cell::opt_num(s.impact_ci95.map(|c| c[1])),
            ]);
        }
    }
    t
}

pub fn risk_reason(r: &RiskReason) -> &'static str {
    match r {
        RiskReason::LatestDetractor => "latest is a detractor",
        RiskReason::Dropped => "fell 3+ points",
        RiskReason::CategoryFell => "fell a category",
    }
}

/// One row per account, in the engine's order (at risk first).
pub fn accounts_table(a: &AccountsAnswer) -> Table {
    let columns = [
        "account",
        "responses",
        "n",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "ci_low",
        "ci_high",
        "latest_score",
        "latest_at",
        "previous_score",
        "change",
        "at_risk",
        "reasons",
        "last_comment",
        "name",
        "renewal_date",
        "arr",
        "owner",
    ];
    let mut t = Table::new("Accounts", columns.map(String::from).to_vec());
    for r in &a.accounts {
        let reasons: Vec<&str> = r.reasons.iter().map(risk_reason).collect();
        t.push(vec![
            Cell::text(r.account.clone()),
            Cell::Int(r.responses.into()),
            Cell::Int(r.n.into()),
            Cell::Int(r.promoters.into()),
            Cell::Int(r.passives.into()),
            Cell::Int(r.detractors.into()),
            Cell::opt_num(r.nps),
            Cell::opt_num(r.ci95.map(|c| c[0])),
            Cell::opt_num(r.ci95.map(|c| c[1])),
            Cell::opt_int(r.latest_score.map(i64::from)),
            r.latest_at.clone().map_or(Cell::Empty, Cell::DateTime),
            Cell::opt_int(r.previous_score.map(i64::from)),
            Cell::opt_int(r.change.map(i64::from)),
            Cell::Bool(r.at_risk),
            Cell::text(reasons.join("; ")),
            r.last_comment.clone().map_or(Cell::Empty, Cell::Text),
            r.name.clone().map_or(Cell::Empty, Cell::Text),
            r.renewal_date.clone().map_or(Cell::Empty, Cell::DateTime),
            Cell::opt_num(r.arr),
            r.owner.clone().map_or(Cell::Empty, Cell::Text),
        ]);
    }
    t
}

/// The follow-up queue: one row per listed item, its notes joined oldest first (`time: text`).
pub fn followups_table(list: &FollowupList) -> Table {
    let columns = [
        "id",
        "respondent_id",
        "account",
        "arr",
        "score",
        "score_at_creation",
        "score_changed",
        "responded_at",
        "comment",
        "status",
        "owner",
        "due",
        "overdue",
        "created_at",
        "first_contact_at",
        "outcome",
        "notes",
    ];
    let mut t = Table::new("Follow-ups", columns.map(String::from).to_vec());
    for i in &list.items {
        let notes: Vec<String> =
            i.notes.iter().map(|n| format!("{}: {}", n.at.replacen('T', " ", 1), n.text)).collect();
        t.push(vec![
            Cell::Int(i.id),
            Cell::text(i.respondent_id.clone()),
            i.account.clone().map_or(Cell::Empty, Cell::Text),
            Cell::opt_num(i.arr),
            Cell::opt_int(i.score.map(i64::from)),
            Cell::Int(i.score_at_creation.into()),
            Cell::Bool(i.score_changed),
            i.responded_at.clone().map_or(Cell::Empty, Cell::DateTime),
            i.comment.clone().map_or(Cell::Empty, Cell::Text),
            Cell::text(i.status.label()),
            i.owner.clone().map_or(Cell::Empty, Cell::Text),
            Cell::DateTime(i.due.clone()),
            Cell::Bool(i.overdue),
            Cell::DateTime(i.created_at.clone()),
            i.first_contact_at.clone().map_or(Cell::Empty, Cell::DateTime),
            i.outcome.clone().map_or(Cell::Empty, Cell::Text),
            if notes.is_empty() { Cell::Empty } else { Cell::Text(notes.join("\n")) },
        ]);
    }
    t
}

/// One row per comment of the page: respondent, date, score, themes, the `show` columns, the comment.
pub fn comments_table(p: &CommentPage) -> Table {
    let shown: Vec<String> =
        p.comments.first().map_or(vec![], |c| c.segments.0.iter().map(|(k, _)| k.clone()).collect());
    let mut columns: Vec<String> = ["respondent", "responded_at", "score", "themes"].map(String::from).to_vec();
    columns.extend(shown.iter().cloned());
    columns.push("comment".into());
    let mut t = Table::new("Comments", columns);
    for c in &p.comments {
        let mut row = vec![
            Cell::text(c.respondent.clone()),
            c.responded_at.clone().map_or(Cell::Empty, Cell::DateTime),
            Cell::opt_int(c.score.map(i64::from)),
            Cell::text(c.themes.join("; ")),
        ];
        row.extend(c.segments.0.iter().map(|(_, v)| v.clone().map_or(Cell::Empty, Cell::Text)));
        row.resize(t.columns.len() - 1, Cell::Empty);
        row.push(Cell::text(c.text.clone()));
        t.push(row);
    }
    t
}
