//! `npsdesk`: the command-line face of npsdesk, built on the same crates as the desktop app.

mod chart;
mod demo;
mod followups;
mod maintenance;
mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use npsdesk_analytics::SurveyFrame;
use npsdesk_core::{CountMode, Filter, MetricKind, MetricSpec, NpsQuery, Period, Rolling, RollingStep};
use npsdesk_import::{ImportOptions, NpsScale, Source};
use npsdesk_store::{ImportControl, Workspace};

#[derive(Parser)]
#[command(name = "npsdesk", version, about = "Offline Net Promoter Score analysis of survey exports", long_about = None)]
struct Cli {
    /// Workspace file (*.npsdesk); created on first use. Default: default.npsdesk in the user's data directory
    /// ($NPSDESK_DATA_DIR overrides that directory).
    #[arg(long, global = true, value_name = "PATH")]
    workspace: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import survey exports (SurveyMonkey, Qualtrics, Typeform, Google Forms, Delighted, any CSV/TSV/XLSX)
    /// into the workspace. Each file is one transaction: it imports whole or not at all. Importing a later
    /// export of the same survey merges the new wave, read with the mapping remembered from the first.
    Import {
        /// Export files to import.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        mapping: MappingArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show what an import would detect in a file (source, header rows, encoding, delimiter, date order,
    /// columns with their roles and sample values, warnings) without importing it.
    Inspect {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        mapping: MappingArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Net Promoter Score with its adjusted-Wald interval, overall and by segment and period, with
    /// significance against the total and the previous period.
    Nps {
        /// Group by a column: its question text, `question | sub-label`, or a metadata name such as
        /// `Custom Data 1`. Repeat for several columns.
        #[arg(long, value_name = "COLUMN")]
        by: Vec<String>,
        /// Group by calendar period of the response date (End Date).
        #[arg(long, value_enum, conflicts_with = "rolling")]
        per: Option<Per>,
        /// Trailing window instead of calendar periods, e.g. `30d` or `90d`; one point per --step.
        #[arg(long, value_name = "DAYS", value_parser = parse_rolling_days)]
        rolling: Option<u32>,
        /// Step between rolling points.
        #[arg(long, value_enum, default_value_t = Step::Week, requires = "rolling")]
        step: Step,
        /// Show the test against the previous period or the total in the table (JSON always has both).
        #[arg(long, value_enum)]
        compare: Option<Compare>,
        #[command(flatten)]
        select: SelectArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Explain an NPS change between two periods: how much comes from segments' shares moving (mix) and how
    /// much from their own NPS moving (within). mix + within = the change, exactly.
    Explain {
        /// The earlier period, e.g. 2025-Q2 (also 2025-07, 2025-W07, 2025).
        #[arg(long, value_name = "PERIOD")]
        from_period: String,
        /// The later period, of the same kind.
        #[arg(long, value_name = "PERIOD")]
        to_period: String,
        /// The segment column.
        #[arg(long, value_name = "COLUMN")]
        by: String,
        #[command(flatten)]
        select: SelectArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// CSAT of a rating column: the share of answers in the top box(es), with the NPS grouping and filters.
    Csat {
        /// The rating question (e.g. "How satisfied are you with Acme overall?").
        #[arg(long, value_name = "COLUMN")]
        column: String,
        /// Highest answer of the rating.
        #[arg(long, default_value_t = 5)]
        scale: u8,
        /// How many top answers count as satisfied (2: 4 and 5 of 1–5).
        #[arg(long, default_value_t = 2)]
        top_box: u8,
        #[command(flatten)]
        args: MetricArgs,
    },
    /// CES of a rating column: the mean answer, with the NPS grouping and filters.
    Ces {
        /// The effort question.
        #[arg(long, value_name = "COLUMN")]
        column: String,
        /// Highest answer of the rating.
        #[arg(long, default_value_t = 7)]
        scale: u8,
        #[command(flatten)]
        args: MetricArgs,
    },
    /// Themes of the "why?" comments by keyword rules (the built-in B2B SaaS set, or --rules FILE): mentions,
    /// share of comments, theme NPS with its interval, impact on the overall NPS with a bootstrap interval,
    /// coverage; overall and by segment and period, with the NPS filters.
    Themes {
        /// A rule set (JSON or TOML; see crates/npsdesk-themes/RULES.md). Default: the built-in set.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Group by a column (repeat for several).
        #[arg(long, value_name = "COLUMN")]
        by: Vec<String>,
        #[arg(long, value_enum)]
        per: Option<Per>,
        /// Bootstrap resamples for the impact interval (0: no interval).
        #[arg(long, default_value_t = 1000)]
        resamples: u32,
        #[command(flatten)]
        select: SelectArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The "why?" comments of the selection, newest first: filter by theme, score band and words, with the
    /// matched terms marked. `--theme Uncategorized` lists what no rule catches (material for new rules).
    Comments {
        /// Only comments with this theme (a parent includes its children).
        #[arg(long)]
        theme: Option<String>,
        /// Only comments in this score band (repeat for several).
        #[arg(long, value_enum)]
        band: Vec<BandArg>,
        /// Only comments in which every word of TEXT begins a word (case and accents ignored).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[arg(long, value_enum, default_value_t = SortArg::Newest)]
        sort: SortArg,
        /// How many comments to print (at most 500), after skipping --offset.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Print this column's value beside each comment (repeat for several).
        #[arg(long, value_name = "COLUMN")]
        show: Vec<String>,
        /// A rule set (JSON or TOML). Default: the saved rules, else the built-in set.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        #[command(flatten)]
        select: SelectArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Account health: one row per account (--account-column, default the one given at import, else Custom
    /// Data 1): responses, latest score and its change, NPS with its interval, last comment, and an at-risk flag
    /// (latest is a detractor, fell by 3 points or more, or fell a category).
    Accounts {
        #[command(subcommand)]
        action: Option<AccountsCommand>,
        /// Only the accounts at risk.
        #[arg(long)]
        at_risk: bool,
        #[command(flatten)]
        select: SelectArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The follow-up queue: one item per detractor (and passive, with `followups config --passives on`) with
    /// status, owner, due date (SLA in business days from the import), notes and outcome. Items survive
    /// re-imports; a later wave that changes a worked item's score flags it "score changed".
    Followups(followups::FollowupsArgs),
    /// Promoters who left a comment, for testimonial and reference asks (not asked, asked, agreed, declined).
    Promoters(followups::PromotersArgs),
    /// Write a table to a file for a spreadsheet or a deck: CSV (UTF-8 with BOM) or XLSX (real numbers and
    /// dates), text cells neutralised against formula injection.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Work on theme rule sets: check a file, test a comment against it, print the built-in set.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// List the surveys in the workspace with their columns (the names `--by` accepts).
    Surveys {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check the workspace without changing it: SQLite integrity and foreign keys, schema version, contents
    /// and a fingerprint of the data. Exit status 1 when a problem is found.
    Check {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Copy the workspace to a new file (a consistent snapshot, also while an import runs), then check the
    /// copy. Never overwrites.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write a synthetic SurveyMonkey export (the project's demo survey: plans, regions, 8 quarters, NPS scores
    /// and "why?" comments) for demos and benchmarks. The same --rows and --seed give the same bytes.
    Demo {
        /// Number of responses.
        #[arg(long)]
        rows: u64,
        /// The CSV file to write (overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Read a CSV of accounts from the CRM (columns id, name, renewal date, ARR, owner; matched to the
    /// survey's account cells by id or name). All lines or none: a bad line is reported with its number.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// `nps` (groups with counts, NPS, intervals and tests), `themes`, `accounts`, `comments` (every
    /// comment of the selection) or `followups` (the whole queue with notes) with the same options as those commands, to FILE.csv or FILE.xlsx.
    Table {
        #[arg(value_enum)]
        table: TableKind,
        /// The file to write (.csv or .xlsx); replaced if it exists.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Group by a column (nps, themes; repeat for several).
        #[arg(long, value_name = "COLUMN")]
        by: Vec<String>,
        /// Group by calendar period (nps, themes).
        #[arg(long, value_enum)]
        per: Option<Per>,
        /// A rule set (themes, comments). Default: the saved rules, else the built-in set.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Only comments with this theme (comments).
        #[arg(long)]
        theme: Option<String>,
        /// Only the accounts at risk (accounts).
        #[arg(long)]
        at_risk: bool,
        #[command(flatten)]
        select: SelectArgs,
    },
    /// The app's chart (`trend`, `split`, `segments` with one --by, `themes`) as FILE.svg or FILE.png, drawn
    /// by the same chart code as the window (needs Node.js), with a footnote: n, interval, period, filters.
    Chart {
        #[arg(value_enum)]
        chart: ChartKind,
        /// The file to write (.svg or .png); replaced if it exists.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "COLUMN")]
        by: Vec<String>,
        #[arg(long, value_enum)]
        per: Option<Per>,
        /// Width in pixels (a 16:9 slide: 1600 × 900; 4:3: 1600 × 1200).
        #[arg(long, default_value_t = 1600)]
        width: u32,
        #[arg(long, default_value_t = 900)]
        height: u32,
        /// PNG only: pixel density (1, 2 or 3).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=3))]
        scale: u32,
        /// No white sheet behind the chart.
        #[arg(long)]
        transparent: bool,
        /// Leave out the footnote.
        #[arg(long)]
        no_footnote: bool,
        /// A rule set (themes). Default: the saved rules, else the built-in set.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        #[command(flatten)]
        select: SelectArgs,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ChartKind {
    /// NPS per period with its interval band (--per, default quarter).
    Trend,
    /// Promoters, passives and detractors as one 100 % bar.
    Split,
    /// NPS per value of one --by column, against the total.
    Segments,
    /// Mentions per theme, split by promoters, passives and detractors.
    Themes,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableKind {
    Nps,
    Themes,
    Accounts,
    Comments,
    Followups,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate a rule file; every problem is printed as FILE:LINE:COLUMN: message.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Which themes a comment gets, and which term matched which words.
    Test {
        /// A rule set (default: the built-in set).
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        #[arg(value_name = "COMMENT")]
        comment: String,
    },
    /// Print the built-in rule set (TOML), to start your own from it.
    Builtin,
    /// Check a rule file and save it in the workspace as the rules `themes` uses from now on (every saved
    /// version is kept; see `rules history`).
    Save {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only for this survey (default: the workspace-wide rules).
        #[arg(long)]
        survey: Option<i64>,
        /// A note kept with the version (what changed and why).
        #[arg(long)]
        note: Option<String>,
    },
    /// The saved versions of the rules, newest first (`--show ID` prints one version's text).
    History {
        #[arg(long)]
        survey: Option<i64>,
        #[arg(long, value_name = "ID")]
        show: Option<i64>,
    },
}

/// Reads and checks a rule file; the errors carry the file's name and line-precise positions.
fn load_rules(path: &std::path::Path) -> Result<npsdesk_themes::RuleSet> {
    let format = npsdesk_themes::Format::from_path(path)
        .with_context(|| format!("{}: a rule file ends in .json or .toml", path.display()))?;
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    npsdesk_themes::check(&text, format).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                let at = if e.path.is_empty() { String::new() } else { format!(" (at {})", e.path) };
                format!("{}:{}:{}: {}{at}", path.display(), e.line, e.column, e.message)
            })
            .collect();
        anyhow::anyhow!("{} problem(s) in the rule set:\n{}", lines.len(), lines.join("\n"))
    })
}

/// A --rules file, else the rules saved in the workspace, else the built-in set; with a label saying which.
fn rules_for(
    ws: &Workspace,
    survey_id: i64,
    rules: Option<&std::path::Path>,
) -> Result<(npsdesk_themes::Matcher, String)> {
    Ok(match (rules, ws.rules_in_use(survey_id)?) {
        (Some(path), _) => (matcher(Some(path))?, path.display().to_string()),
        (None, Some(v)) => {
            let format = if v.format == "json" { npsdesk_themes::Format::Json } else { npsdesk_themes::Format::Toml };
            let set = npsdesk_themes::check(&v.text, format)
                .map_err(|e| anyhow::anyhow!("saved rules version {} no longer checks: {}", v.id, e[0]))?;
            (npsdesk_themes::Matcher::new(&set), format!("saved version {}", v.id))
        }
        (None, None) => (matcher(None)?, "built-in".to_string()),
    })
}

fn matcher(rules: Option<&std::path::Path>) -> Result<npsdesk_themes::Matcher> {
    Ok(match rules {
        Some(path) => npsdesk_themes::Matcher::new(&load_rules(path)?),
        None => npsdesk_themes::Matcher::builtin(),
    })
}

/// Grouping, selection and output of `csat` and `ces`.
#[derive(clap::Args, Clone)]
struct MetricArgs {
    /// Group by a column (repeat for several).
    #[arg(long, value_name = "COLUMN")]
    by: Vec<String>,
    #[arg(long, value_enum)]
    per: Option<Per>,
    #[command(flatten)]
    select: SelectArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// How to read a file: the source and the column mapping (remembered per survey after the first import).
#[derive(clap::Args, Clone, Default)]
struct MappingArgs {
    /// Read the file as this tool's export instead of detecting it.
    #[arg(long, value_parser = parse_source, value_name = "SOURCE")]
    source: Option<Source>,
    /// The column identifying the respondent (detected when omitted; else rows are keyed by content).
    #[arg(long, value_name = "COLUMN")]
    id_column: Option<String>,
    /// The response date column (detected when omitted).
    #[arg(long, value_name = "COLUMN")]
    date_column: Option<String>,
    /// The 0–10 recommend question (detected when omitted).
    #[arg(long, value_name = "COLUMN")]
    nps_column: Option<String>,
    /// The open-ended "why?" question (default: the first open-ended question after the NPS question).
    #[arg(long, value_name = "COLUMN")]
    comment_column: Option<String>,
    /// The customer account column (used by `nps --count per-account` for this survey).
    #[arg(long, value_name = "COLUMN")]
    account_column: Option<String>,
    /// How to read a recoded NPS column: 1-11 (choice positions, one is subtracted), weights (−100/0/100)
    /// or 0-10 (as written). Required when the values look recoded; remembered for later waves.
    #[arg(long, value_parser = parse_scale, value_name = "SCALE")]
    nps_scale: Option<NpsScale>,
    /// Keep Qualtrics preview/test responses (dropped by default).
    #[arg(long)]
    keep_test_rows: bool,
    /// Keep unfinished responses (Qualtrics Finished = 0, Typeform partial; dropped by default).
    #[arg(long)]
    keep_unfinished: bool,
    /// Read numeric dates as month-first (03/04 = March 4) or day-first (4 March), instead of inferring it
    /// from the whole column.
    #[arg(long, value_name = "ORDER", value_parser = parse_date_order)]
    date_order: Option<npsdesk_import::DateOrder>,
}

fn parse_date_order(s: &str) -> Result<npsdesk_import::DateOrder, String> {
    npsdesk_import::DateOrder::parse(s)
        .ok_or_else(|| format!("{s:?} is not a date order; use month-first or day-first"))
}

impl MappingArgs {
    fn options(self) -> ImportOptions {
        ImportOptions {
            nps_column: self.nps_column,
            comment_column: self.comment_column,
            id_column: self.id_column,
            date_column: self.date_column,
            account_column: self.account_column,
            source: self.source,
            nps_scale: self.nps_scale,
            keep_test_rows: self.keep_test_rows,
            keep_unfinished: self.keep_unfinished,
            date_order: self.date_order,
        }
    }
}

fn parse_source(s: &str) -> Result<Source, String> {
    Source::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        format!("{s:?} is not a source; use one of {}", names.join(", "))
    })
}

fn parse_scale(s: &str) -> Result<NpsScale, String> {
    NpsScale::parse(s).ok_or_else(|| format!("{s:?} is not an NPS scale; use 0-10, 1-11 or weights"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum BandArg {
    Promoter,
    Passive,
    Detractor,
    Unanswered,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SortArg {
    Newest,
    Oldest,
    Lowest,
    Highest,
}

/// Which responses count: filters, de-duplication, thresholds.
#[derive(clap::Args, Clone)]
struct SelectArgs {
    /// Survey id (see `npsdesk surveys`); default: the survey imported last.
    #[arg(long)]
    survey: Option<i64>,
    /// First response date to include (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last response date to include (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Keep responses where COLUMN=VALUE (or drop them with COLUMN!=VALUE). Repeat: values of one column
    /// are OR, different columns AND. An empty VALUE means "left empty" (`--where "Plan="`).
    #[arg(long = "where", value_name = "COLUMN=VALUE", value_parser = parse_filter)]
    filters: Vec<Filter>,
    /// all: every response; latest-per-respondent: per e-mail (else respondent id) the latest response in
    /// each group; per-account: each account once, categorised by the average of its respondents' latest
    /// scores.
    #[arg(long, value_enum, default_value_t = Count::All)]
    count: Count,
    /// The account column for --count per-account (default: the one given at import, else Custom Data 1).
    #[arg(long, value_name = "COLUMN")]
    account_column: Option<String>,
    /// Confidence level of intervals and tests, in percent.
    /// (80, 90, 95 or 99)
    #[arg(long, default_value_t = 95, value_parser = parse_level)]
    level: u32,
    /// Hide groups with fewer answers than this (0 shows all).
    #[arg(long, default_value_t = 10)]
    min_n: u32,
    /// Flag groups with fewer answers than this as small samples.
    #[arg(long, default_value_t = 30)]
    low_n: u32,
}

impl SelectArgs {
    fn query(&self, by: Vec<String>, per: Option<Period>, rolling: Option<Rolling>) -> NpsQuery {
        NpsQuery {
            by,
            per,
            rolling,
            from: self.from.clone(),
            to: self.to.clone(),
            filters: self.filters.clone(),
            count: match self.count {
                Count::All => CountMode::All,
                Count::LatestPerRespondent => CountMode::LatestPerRespondent,
                Count::PerAccount => CountMode::PerAccount,
            },
            account_column: self.account_column.clone(),
            level: f64::from(self.level) / 100.0,
            low_n: self.low_n,
            min_n: self.min_n,
        }
    }
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    let (column, value, negate) = match (s.find("!="), s.find('=')) {
        (Some(i), _) => (&s[..i], &s[i + 2..], true),
        (None, Some(i)) => (&s[..i], &s[i + 1..], false),
        _ => return Err(format!("{s:?} is not COLUMN=VALUE or COLUMN!=VALUE")),
    };
    if column.trim().is_empty() {
        return Err(format!("{s:?} names no column"));
    }
    Ok(Filter { column: column.trim().to_string(), value: value.trim().to_string(), negate })
}

fn parse_level(s: &str) -> Result<u32, String> {
    match s.trim().trim_end_matches('%') {
        "80" => Ok(80),
        "90" => Ok(90),
        "95" => Ok(95),
        "99" => Ok(99),
        _ => Err(format!("{s:?}: the confidence level is 80, 90, 95 or 99")),
    }
}

fn parse_rolling_days(s: &str) -> Result<u32, String> {
    let digits = s.trim().trim_end_matches(['d', 'D']);
    match digits.parse::<u32>() {
        Ok(d) if (1..=3660).contains(&d) => Ok(d),
        _ => Err(format!("{s:?} is not a window like 30d or 90d")),
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Count {
    All,
    LatestPerRespondent,
    PerAccount,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Step {
    Week,
    Month,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Compare {
    Previous,
    Total,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Per {
    Week,
    Month,
    Quarter,
    Year,
}

impl From<Per> for Period {
    fn from(p: Per) -> Period {
        match p {
            Per::Week => Period::Week,
            Per::Month => Period::Month,
            Per::Quarter => Period::Quarter,
            Per::Year => Period::Year,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn open_workspace(path: Option<PathBuf>) -> Result<Workspace> {
    let path = path.unwrap_or_else(npsdesk_store::default_workspace_path);
    Workspace::open(&path).with_context(|| format!("cannot open the workspace {}", path.display()))
}

/// The query of `select` for a survey; without --account-column the survey's remembered account column.
fn survey_query(
    ws: &Workspace,
    survey_id: i64,
    select: &SelectArgs,
    by: Vec<String>,
    per: Option<Period>,
    rolling: Option<Rolling>,
) -> Result<NpsQuery> {
    let mut query = select.query(by, per, rolling);
    if query.account_column.is_none() {
        query.account_column = ws.account_column(survey_id)?;
    }
    Ok(query)
}

fn metric(ws: &Workspace, spec: MetricSpec, args: MetricArgs) -> Result<ExitCode> {
    let MetricArgs { by, per, select, format } = args;
    let survey_id = ws.resolve_survey(select.survey)?;
    let mut frame = SurveyFrame::load(ws, survey_id)?;
    let query = survey_query(ws, survey_id, &select, by, per.map(Period::from), None)?;
    let report = frame.metric(ws, &query, &spec)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string(&report)?),
        _ => print!("{}", output::metric(&report, format == Format::Csv)),
    }
    Ok(ExitCode::SUCCESS)
}

/// `NPS` as the window writes it: sign, one decimal, a real minus.
fn signed(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r > 0.0 {
        format!("+{r:.1}")
    } else if r < 0.0 {
        format!("\u{2212}{:.1}", -r)
    } else {
        "0.0".into()
    }
}

/// "2025-Q3" → "Q3 2025" (other period keys as they are).
fn period_label(key: &str) -> String {
    match key.split_once("-Q") {
        Some((y, q)) if y.len() == 4 && q.len() == 1 => format!("Q{q} {y}"),
        _ => key.to_string(),
    }
}

/// One line on the selection, as the window's chart subtitles say it.
fn selection_line(select: &SelectArgs) -> String {
    let mut parts = Vec::new();
    if !select.filters.is_empty() {
        let f: Vec<String> = select
            .filters
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f.column,
                    if f.negate { "≠" } else { "=" },
                    if f.value.is_empty() { "(left empty)" } else { &f.value }
                )
            })
            .collect();
        parts.push(format!("Filters: {}", f.join(" · ")));
    }
    if select.from.is_some() || select.to.is_some() {
        parts.push(format!(
            "{} to {}",
            select.from.as_deref().unwrap_or("start"),
            select.to.as_deref().unwrap_or("latest")
        ));
    }
    if parts.is_empty() {
        "All responses".into()
    } else {
        parts.join(" · ")
    }
}

/// `npsdesk export chart`: the window's chart for this selection, drawn by the app's chart code.
fn export_chart(ws: &Workspace, what: ExportCommand) -> Result<ExitCode> {
    let ExportCommand::Chart { chart, out, by, per, width, height, scale, transparent, no_footnote, rules, select } =
        what
    else {
        unreachable!("export_table handles tables")
    };
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let as_png = match ext.as_deref() {
        Some("png") => true,
        Some("svg") => false,
        _ => anyhow::bail!("{}: a chart is exported as .svg or .png", out.display()),
    };
    if !(200..=8000).contains(&width) || !(150..=8000).contains(&height) {
        anyhow::bail!("--width must be 200–8000 and --height 150–8000 pixels");
    }
    let survey_id = ws.resolve_survey(select.survey)?;
    let mut frame = SurveyFrame::load(ws, survey_id)?;
    let overall = frame.nps(ws, &survey_query(ws, survey_id, &select, vec![], None, None)?)?;
    let quarters = {
        let mut q = survey_query(ws, survey_id, &select, vec![], Some(Period::Quarter), None)?;
        q.min_n = 0;
        frame.nps(ws, &q)?
    };
    let keys: Vec<&str> = quarters.groups.iter().filter_map(|g| g.key.get("period").flatten()).collect();
    let context = selection_line(&select);
    let level = (overall.level * 100.0).round();
    let mut foot = vec![
        format!("n = {}", output::thousands(overall.n.into())),
        format!("{level} % CI {} to {}", signed(overall.ci[0]), signed(overall.ci[1])),
    ];
    if let (Some(a), Some(b)) = (keys.iter().min(), keys.iter().max()) {
        foot.push(format!("period {} – {}", period_label(a), period_label(b)));
    }
    foot.push(context.clone());
    foot.push(format!("source: {}", ws.survey(survey_id)?.name));
    let footnote = (!no_footnote).then(|| foot.join(" · "));
    let data = match chart {
        ChartKind::Trend => {
            let per = per.map(Period::from).unwrap_or(Period::Quarter);
            let mut q = survey_query(ws, survey_id, &select, vec![], Some(per), None)?;
            q.min_n = 0;
            let heading = format!("NPS by {}", format!("{per:?}").to_lowercase());
            serde_json::json!({ "report": frame.nps(ws, &q)?, "heading": heading, "context": context })
        }
        ChartKind::Split => serde_json::json!({ "report": overall }),
        ChartKind::Segments => {
            let [column] = by.as_slice() else { anyhow::bail!("a segments chart needs exactly one --by COLUMN") };
            let q = survey_query(ws, survey_id, &select, vec![column.clone()], None, None)?;
            serde_json::json!({ "report": frame.nps(ws, &q)?, "column": column, "context": context })
        }
        ChartKind::Themes => {
            let (m, _) = rules_for(ws, survey_id, rules.as_deref())?;
            let q = survey_query(ws, survey_id, &select, vec![], None, None)?;
            let answer =
                frame.themes(ws, &q, &m, &npsdesk_themes::ImpactOptions { resamples: 0, ..Default::default() })?;
            serde_json::json!({ "themes": answer })
        }
    };
    let kind = match chart {
        ChartKind::Trend => "trend",
        ChartKind::Split => "split",
        ChartKind::Segments => "segments",
        ChartKind::Themes => "themes",
    };
    let svg = chart::svg(&chart::request(kind, data, (width, height), footnote, transparent))?;
    let bytes = if as_png { chart::png(&svg, scale as f32)? } else { svg.into_bytes() };
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}

/// `npsdesk export table`: the same answer as the matching command, as a table in a file.
fn export_table(ws: &Workspace, what: ExportCommand) -> Result<ExitCode> {
    if matches!(what, ExportCommand::Chart { .. }) {
        return export_chart(ws, what);
    }
    let ExportCommand::Table { table, out, by, per, rules, theme, at_risk, select } = what else {
        unreachable!("charts are handled above")
    };
    let survey_id = ws.resolve_survey(select.survey)?;
    if table == TableKind::Followups {
        let list = ws.followups(survey_id, &Default::default(), chrono::Local::now().date_naive())?;
        let t = npsdesk_export::followups_table(&list);
        npsdesk_export::write_table(&t, &out)?;
        eprintln!("wrote {} rows to {}", t.rows.len(), out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut frame = SurveyFrame::load(ws, survey_id)?;
    let query = survey_query(ws, survey_id, &select, by, per.map(Period::from), None)?;
    let t = match table {
        TableKind::Followups => unreachable!("written above"),
        TableKind::Nps => npsdesk_export::nps_table(&frame.nps(ws, &query)?, &query),
        TableKind::Themes => {
            let (m, _) = rules_for(ws, survey_id, rules.as_deref())?;
            npsdesk_export::themes_table(&frame.themes(ws, &query, &m, &npsdesk_themes::ImpactOptions::default())?)
        }
        TableKind::Accounts => {
            let mut answer = frame.accounts(ws, &query)?;
            if at_risk {
                answer.accounts.retain(|a| a.at_risk);
            }
            npsdesk_export::accounts_table(&answer)
        }
        TableKind::Comments => {
            let (m, _) = rules_for(ws, survey_id, rules.as_deref())?;
            let explorer = npsdesk_analytics::CommentQuery { theme, ..Default::default() };
            let page = frame.all_comments(ws, &query, &m, &explorer)?;
            npsdesk_export::comments_table(&page)
        }
    };
    npsdesk_export::write_table(&t, &out)?;
    eprintln!("wrote {} rows to {}", t.rows.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> Result<ExitCode> {
    // Inspecting a file never opens (or creates) a workspace.
    if let Command::Inspect { file, mapping, format } = cli.command {
        let inspection = npsdesk_import::inspect(&file, &mapping.options())?;
        match format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&inspection)?),
            _ => print!("{}", output::inspection(&inspection)),
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Checks and backups read the workspace as it is: never created, migrated or written.
    match cli.command {
        Command::Check { format } => return maintenance::check(cli.workspace, format == Format::Json),
        Command::Backup { out } => return maintenance::backup(cli.workspace, &out),
        Command::Demo { rows, out, seed } => return demo::run(rows, &out, seed),
        _ => {}
    }
    // Rule files are checked and tested without a workspace.
    if let Command::Rules { command } = cli.command {
        match command {
            RulesCommand::Save { file, survey, note } => {
                load_rules(&file)?;
                let format = if npsdesk_themes::Format::from_path(&file) == Some(npsdesk_themes::Format::Json) {
                    "json"
                } else {
                    "toml"
                };
                let text = std::fs::read_to_string(&file)?;
                let mut ws = open_workspace(cli.workspace)?;
                let v = ws.save_rules(survey, format, &text, note.as_deref())?;
                println!("saved {} as rules version {} ({})", file.display(), v.id, v.saved_at);
            }
            RulesCommand::History { survey, show } => {
                let ws = open_workspace(cli.workspace)?;
                let history = ws.rule_history(survey)?;
                match show {
                    Some(id) => {
                        let v = history.iter().find(|v| v.id == id).context("no saved rules version with that id")?;
                        print!("{}", v.text);
                    }
                    None if history.is_empty() => println!("no saved rules: `themes` uses the built-in set"),
                    None => {
                        for v in &history {
                            let scope = v.survey_id.map_or_else(|| "workspace".to_string(), |s| format!("survey {s}"));
                            let note = v.note.as_deref().unwrap_or("");
                            println!("{:>4}  {}  {:<9}  {:<4}  {note}", v.id, v.saved_at, scope, v.format);
                        }
                    }
                }
            }
            RulesCommand::Check { file } => {
                let rules = load_rules(&file)?;
                println!("{}: {} themes, no problems", file.display(), rules.themes().len());
            }
            RulesCommand::Test { rules, comment } => {
                let m = matcher(rules.as_deref())?;
                print!("{}", output::rule_test(&m, &comment));
            }
            RulesCommand::Builtin => print!("{}", npsdesk_themes::RuleSet::builtin_source()),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut ws = open_workspace(cli.workspace)?;
    match cli.command {
        Command::Inspect { .. }
        | Command::Rules { .. }
        | Command::Check { .. }
        | Command::Backup { .. }
        | Command::Demo { .. } => {
            unreachable!("handled above")
        }
        Command::Export { what } => export_table(&ws, what),
        Command::Themes { rules, by, per, resamples, select, format } => {
            let survey_id = ws.resolve_survey(select.survey)?;
            let (m, label) = rules_for(&ws, survey_id, rules.as_deref())?;
            let names: Vec<&str> = by.iter().map(String::as_str).collect();
            let mut frame = SurveyFrame::load_with(&ws, survey_id, &names, true)?;
            let query = survey_query(&ws, survey_id, &select, by, per.map(Period::from), None)?;
            let opts = npsdesk_themes::ImpactOptions { resamples, ..Default::default() };
            let mut answer = frame.themes(&ws, &query, &m, &opts)?;
            answer.rules = label;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&answer)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&npsdesk_export::themes_table(&answer))),
                Format::Table => print!("{}", output::themes(&answer)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts { action: Some(AccountsCommand::Import { file, format }), .. } => {
            followups::import_accounts(&mut ws, file, format)
        }
        Command::Followups(args) => followups::followups(&mut ws, args),
        Command::Promoters(args) => followups::promoters(&mut ws, args),
        Command::Accounts { action: None, at_risk, select, format } => {
            let survey_id = ws.resolve_survey(select.survey)?;
            let mut frame = SurveyFrame::load(&ws, survey_id)?;
            let query = survey_query(&ws, survey_id, &select, vec![], None, None)?;
            let mut answer = frame.accounts(&ws, &query)?;
            if at_risk {
                answer.accounts.retain(|a| a.at_risk);
            }
            match format {
                Format::Json => println!("{}", serde_json::to_string(&answer)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&npsdesk_export::accounts_table(&answer))),
                Format::Table => print!("{}", output::accounts(&answer)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Comments { theme, band, search, sort, limit, offset, show, rules, select, format } => {
            use npsdesk_analytics::{Band, CommentQuery, CommentSort};
            let survey_id = ws.resolve_survey(select.survey)?;
            let (m, label) = rules_for(&ws, survey_id, rules.as_deref())?;
            let mut frame = SurveyFrame::load_with(&ws, survey_id, &[], true)?;
            let query = survey_query(&ws, survey_id, &select, vec![], None, None)?;
            let explorer = CommentQuery {
                theme,
                matched: None,
                bands: band
                    .iter()
                    .map(|b| match b {
                        BandArg::Promoter => Band::Promoter,
                        BandArg::Passive => Band::Passive,
                        BandArg::Detractor => Band::Detractor,
                        BandArg::Unanswered => Band::Unanswered,
                    })
                    .collect(),
                search,
                sort: match sort {
                    SortArg::Newest => CommentSort::Newest,
                    SortArg::Oldest => CommentSort::Oldest,
                    SortArg::Lowest => CommentSort::Lowest,
                    SortArg::Highest => CommentSort::Highest,
                },
                offset,
                limit,
                show,
            };
            let mut page = frame.comments(&ws, &query, &m, &explorer)?;
            page.rules = label;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&page)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&npsdesk_export::comments_table(&page))),
                Format::Table => print!("{}", output::comments(&page)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { files, mapping, format } => {
            let options = mapping.options();
            let interactive = std::io::stderr().is_terminal();
            let mut reports = Vec::new();
            let mut failed = false;
            for file in &files {
                let mut on_progress = |p: &npsdesk_core::ImportProgress| {
                    if interactive {
                        eprint!("\r{}: {} rows read", p.file, output::thousands(u64::from(p.rows_read)));
                    }
                    ImportControl::Continue
                };
                let result = ws.import_file(file, &options, &mut on_progress);
                if interactive {
                    eprint!("\r\x1b[K");
                }
                match result {
                    Ok(report) => reports.push(report),
                    Err(e) => {
                        failed = true;
                        eprintln!("error: {e} (nothing from {} was written)", file.display());
                    }
                }
            }
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
                _ => reports.iter().for_each(|r| print!("{}", output::import_report(r))),
            }
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Nps { by, per, rolling, step, compare, select, format } => {
            let survey_id = ws.resolve_survey(select.survey)?;
            let mut frame = SurveyFrame::load(&ws, survey_id)?;
            let rolling = rolling.map(|days| Rolling {
                days,
                step: match step {
                    Step::Week => RollingStep::Week,
                    Step::Month => RollingStep::Month,
                },
            });
            let query = survey_query(&ws, survey_id, &select, by, per.map(Period::from), rolling)?;
            let report = frame.nps(&ws, &query)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&report)?),
                Format::Csv => print!("{}", npsdesk_export::to_csv(&npsdesk_export::nps_table(&report, &query))),
                Format::Table => {
                    let s = ws.survey(survey_id)?;
                    print!("{}", output::nps_table(&s, &report, &query, compare))
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { from_period, to_period, by, select, format } => {
            let survey_id = ws.resolve_survey(select.survey)?;
            let mut frame = SurveyFrame::load(&ws, survey_id)?;
            let base = survey_query(&ws, survey_id, &select, vec![], None, None)?;
            let e = npsdesk_analytics::explain(&mut frame, &ws, &base, &from_period, &to_period, &by)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&e)?),
                _ => print!("{}", output::explanation(&e)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Csat { column, scale, top_box, args } => {
            metric(&ws, MetricSpec { kind: MetricKind::Csat, column, scale, top_box }, args)
        }
        Command::Ces { column, scale, args } => {
            metric(&ws, MetricSpec { kind: MetricKind::Ces, column, scale, top_box: 0 }, args)
        }
        Command::Surveys { format } => {
            let info = ws.info()?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&info)?),
                _ => print!("{}", output::surveys(&info)),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
