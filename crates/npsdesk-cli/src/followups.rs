//! `npsdesk followups`, `npsdesk promoters` and `npsdesk accounts import`: the follow-up work kept in the
//! workspace (see npsdesk-store's `followups` module for the rules), for scripts and for people at a terminal.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Local;
use clap::Subcommand;
use npsdesk_core::{
    FollowupItem, FollowupList, FollowupQuery, FollowupSettings, FollowupSort, FollowupStatus, FollowupUpdate,
    PromoterAsk, PromoterList, PromoterRow, PromoterUpdate,
};
use npsdesk_store::Workspace;

use crate::output::thousands;
use crate::Format;

/// `npsdesk followups`: the queue, filtered and sorted.
#[derive(clap::Args)]
pub struct FollowupsArgs {
    #[command(subcommand)]
    pub action: Option<FollowupsCommand>,
    /// Only items with this status: open, contacted, resolved, wont-fix (repeat for several).
    #[arg(long, value_parser = parse_status)]
    pub status: Vec<FollowupStatus>,
    /// Only items of this owner ("" for items nobody owns).
    #[arg(long)]
    pub owner: Option<String>,
    /// Only items of this account.
    #[arg(long)]
    pub account: Option<String>,
    /// Only open items past their due date.
    #[arg(long)]
    pub overdue: bool,
    /// oldest-open (open items first, oldest first), due, account-value (largest ARR first) or score.
    #[arg(long, value_parser = parse_sort, default_value = "oldest-open")]
    pub sort: FollowupSort,
    #[arg(long)]
    pub limit: Option<u32>,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    /// Survey id (see `npsdesk surveys`); default: the survey imported last.
    #[arg(long)]
    pub survey: Option<i64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Subcommand)]
pub enum FollowupsCommand {
    /// Change an item: its status (open → contacted → resolved / wont-fix; a closed item can be reopened),
    /// owner, due date or outcome, and/or add a note. Every change is logged with its time.
    Set {
        /// The item's id (first column of `npsdesk followups`).
        id: i64,
        #[arg(long, value_parser = parse_status)]
        status: Option<FollowupStatus>,
        /// The owner ("" clears it).
        #[arg(long)]
        owner: Option<String>,
        /// The due date, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// What came of it ("" clears it).
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show or change how items are made: the SLA (business days from the import to the due date) and
    /// whether passives (7–8) get items too. A change re-syncs every survey's items at once.
    Config {
        #[arg(long, value_name = "DAYS")]
        sla_days: Option<u32>,
        /// on or off.
        #[arg(long, value_parser = parse_on_off, value_name = "on|off")]
        passives: Option<bool>,
    },
}

/// `npsdesk promoters`: promoters (9–10) who left a comment, newest first, with their ask.
#[derive(clap::Args)]
pub struct PromotersArgs {
    #[command(subcommand)]
    pub action: Option<PromotersCommand>,
    /// Only promoters whose ask is: not-asked, asked, agreed, declined (repeat for several).
    #[arg(long, value_parser = parse_ask)]
    pub ask: Vec<PromoterAsk>,
    #[arg(long)]
    pub limit: Option<u32>,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    #[arg(long)]
    pub survey: Option<i64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Subcommand)]
pub enum PromotersCommand {
    /// Record a testimonial or reference ask.
    Set {
        /// The response id (first column of `npsdesk promoters`).
        response_id: i64,
        #[arg(long, value_parser = parse_ask)]
        ask: Option<PromoterAsk>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn parse_status(s: &str) -> Result<FollowupStatus, String> {
    FollowupStatus::parse(s).ok_or_else(|| format!("{s:?}: a status is open, contacted, resolved or wont-fix"))
}

fn parse_ask(s: &str) -> Result<PromoterAsk, String> {
    PromoterAsk::parse(s).ok_or_else(|| format!("{s:?}: an ask is not-asked, asked, agreed or declined"))
}

fn parse_sort(s: &str) -> Result<FollowupSort, String> {
    FollowupSort::parse(s).ok_or_else(|| format!("{s:?}: sort by oldest-open, due, account-value or score"))
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" | "1" => Ok(true),
        "off" | "no" | "false" | "0" => Ok(false),
        _ => Err(format!("{s:?}: say on or off")),
    }
}

/// Control characters (a hostile comment's terminal escapes, line breaks) become spaces; long text is cut.
fn clean(s: &str, max: usize) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max - 1).collect::<String>())
    } else {
        flat
    }
}

pub fn followups(ws: &mut Workspace, args: FollowupsArgs) -> Result<ExitCode> {
    let now = Local::now().naive_local();
    match args.action {
        Some(FollowupsCommand::Set { id, status, owner, due, note, outcome, format }) => {
            let item = ws.update_followup(id, &FollowupUpdate { status, owner, due, note, outcome }, now)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&item)?),
                _ => print!("{}", item_detail(&item)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(FollowupsCommand::Config { sla_days, passives }) => {
            let mut s = ws.followup_settings()?;
            if sla_days.is_some() || passives.is_some() {
                s = FollowupSettings {
                    sla_business_days: sla_days.unwrap_or(s.sla_business_days),
                    include_passives: passives.unwrap_or(s.include_passives),
                };
                s = ws.set_followup_settings(s)?;
            }
            println!(
                "SLA: {} business day(s) from the import; passives get follow-ups: {}",
                s.sla_business_days,
                if s.include_passives { "on" } else { "off" }
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let survey_id = ws.resolve_survey(args.survey)?;
            let q = FollowupQuery {
                status: args.status,
                owner: args.owner,
                account: args.account,
                overdue_only: args.overdue,
                sort: args.sort,
                offset: args.offset,
                limit: args.limit,
            };
            let list = ws.followups(survey_id, &q, now.date())?;
            match args.format {
                Format::Json => println!("{}", serde_json::to_string(&list)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&npsdesk_export::followups_table(&list))),
                Format::Table => print!("{}", queue(&list)),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn hours(h: f64) -> String {
    if h < 48.0 {
        format!("{h:.1} h")
    } else {
        format!("{:.1} days", h / 24.0)
    }
}

fn queue(list: &FollowupList) -> String {
    let c = &list.counts;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} follow-ups: {} open ({} overdue), {} contacted, {} resolved, {} won't fix; {} with a changed score",
        thousands(c.total.into()),
        thousands(c.open.into()),
        thousands(c.overdue.into()),
        thousands(c.contacted.into()),
        thousands(c.resolved.into()),
        thousands(c.wont_fix.into()),
        thousands(c.score_changed.into()),
    );
    let _ = writeln!(
        o,
        "median time to first contact: {}; SLA {} business day(s); today {}; {} listed of {} matching\n",
        c.median_hours_to_first_contact.map_or("–".to_string(), hours),
        list.settings.sla_business_days,
        list.today,
        thousands(list.items.len() as u64),
        thousands(list.matching.into())
    );
    let _ = writeln!(
        o,
        "  {:>6} {:>5} {:<14} {:<20} {:<10} {:<14} {:<10}  comment",
        "id", "score", "respondent", "account", "status", "owner", "due"
    );
    for i in &list.items {
        let score = match (i.score, i.score_changed) {
            (Some(s), true) => format!("{}→{s}", i.score_at_creation),
            (Some(s), false) => s.to_string(),
            (None, _) => format!("{}→–", i.score_at_creation),
        };
        let _ = writeln!(
            o,
            "{} {:>6} {:>5} {:<14} {:<20} {:<10} {:<14} {:<10}  {}",
            if i.overdue { "!" } else { " " },
            i.id,
            score,
            clean(&i.respondent_id, 14),
            clean(i.account.as_deref().unwrap_or(""), 20),
            i.status.label(),
            clean(i.owner.as_deref().unwrap_or(""), 14),
            i.due,
            clean(i.comment.as_deref().unwrap_or(""), 60)
        );
    }
    o
}

fn item_detail(i: &FollowupItem) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "follow-up {}: {} (score {}{}), respondent {}, account {}",
        i.id,
        i.status.label(),
        i.score.map_or("–".to_string(), |s| s.to_string()),
        if i.score_changed { format!(", was {}", i.score_at_creation) } else { String::new() },
        clean(&i.respondent_id, 40),
        clean(i.account.as_deref().unwrap_or("–"), 40)
    );
    let _ = writeln!(
        o,
        "owner {}; due {}{}; next: {}",
        clean(i.owner.as_deref().unwrap_or("–"), 40),
        i.due,
        if i.overdue { " (overdue)" } else { "" },
        i.next.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
    );
    for e in &i.events {
        let _ = writeln!(o, "  {}  {:<8} {}", e.at.replacen('T', " ", 1), e.kind.as_str(), clean(&e.text, 200));
    }
    o
}

pub fn promoters(ws: &mut Workspace, args: PromotersArgs) -> Result<ExitCode> {
    let now = Local::now().naive_local();
    match args.action {
        Some(PromotersCommand::Set { response_id, ask, owner, note, format }) => {
            let row = ws.update_promoter(response_id, &PromoterUpdate { ask, owner, note }, now)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&row)?),
                _ => print!("{}", promoter_lines(std::slice::from_ref(&row))),
            }
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let survey_id = ws.resolve_survey(args.survey)?;
            let list = ws.promoters(survey_id, &args.ask, args.offset, args.limit)?;
            match args.format {
                Format::Json => println!("{}", serde_json::to_string(&list)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&promoters_table(&list))),
                Format::Table => {
                    let c = &list.counts;
                    println!(
                        "{} promoters with a comment: {} not asked, {} asked, {} agreed, {} declined\n",
                        thousands(c.total.into()),
                        thousands(c.not_asked.into()),
                        thousands(c.asked.into()),
                        thousands(c.agreed.into()),
                        thousands(c.declined.into())
                    );
                    print!("{}", promoter_lines(&list.items));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn promoter_lines(rows: &[PromoterRow]) -> String {
    let mut o = format!(
        "  {:>8} {:>5} {:<14} {:<20} {:<10} {:<14}  comment\n",
        "response", "score", "respondent", "account", "ask", "owner"
    );
    for p in rows {
        let _ = writeln!(
            o,
            "  {:>8} {:>5} {:<14} {:<20} {:<10} {:<14}  {}",
            p.response_id,
            p.score,
            clean(&p.respondent_id, 14),
            clean(p.account.as_deref().unwrap_or(""), 20),
            p.ask.as_str().replace('_', " "),
            clean(p.owner.as_deref().unwrap_or(""), 14),
            clean(&p.comment, 60)
        );
    }
    o
}

fn promoters_table(list: &PromoterList) -> npsdesk_export::Table {
    use npsdesk_export::{Cell, Table};
    let columns =
        ["response_id", "respondent_id", "account", "arr", "score", "responded_at", "comment", "ask", "owner", "note"];
    let mut t = Table::new("Promoters", columns.map(String::from).to_vec());
    for p in &list.items {
        t.push(vec![
            Cell::Int(p.response_id),
            Cell::text(p.respondent_id.clone()),
            p.account.clone().map_or(Cell::Empty, Cell::Text),
            Cell::opt_num(p.arr),
            Cell::Int(p.score.into()),
            p.responded_at.clone().map_or(Cell::Empty, Cell::DateTime),
            Cell::text(p.comment.clone()),
            Cell::text(p.ask.as_str()),
            p.owner.clone().map_or(Cell::Empty, Cell::Text),
            p.note.clone().map_or(Cell::Empty, Cell::Text),
        ]);
    }
    t
}

/// `npsdesk accounts import FILE`.
pub fn import_accounts(ws: &mut Workspace, file: PathBuf, format: Format) -> Result<ExitCode> {
    let report = ws.import_accounts(&file, Local::now().naive_local())?;
    match format {
        Format::Json => println!("{}", serde_json::to_string(&report)?),
        _ => println!(
            "{}: {} accounts read ({} added, {} updated); columns: {}",
            report.file,
            thousands(report.rows.into()),
            thousands(report.added.into()),
            thousands(report.updated.into()),
            report.columns.join(", ")
        ),
    }
    Ok(ExitCode::SUCCESS)
}
