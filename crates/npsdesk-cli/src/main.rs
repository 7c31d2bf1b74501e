//! `npsdesk`: the command-line face of npsdesk, built on the same crates as the desktop app.

mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use npsdesk_analytics::{NpsQuery, SurveyFrame};
use npsdesk_core::Period;
use npsdesk_import::ImportOptions;
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
    /// Import survey exports (SurveyMonkey CSV or XLSX) into the workspace. Each file is one transaction: it
    /// imports whole or not at all. Importing a later export of the same survey merges the new wave.
    Import {
        /// Export files to import.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The 0–10 recommend question, by its question text (detected when omitted).
        #[arg(long, value_name = "TEXT")]
        nps_column: Option<String>,
        /// The open-ended "why?" question (default: the first open-ended question after the NPS question).
        #[arg(long, value_name = "TEXT")]
        comment_column: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Net Promoter Score with its 95 % adjusted-Wald interval, overall and by segment and period.
    Nps {
        /// Group by a column: its question text, `question | sub-label`, or a metadata name such as
        /// `Custom Data 1`. Repeat for several columns.
        #[arg(long, value_name = "COLUMN")]
        by: Vec<String>,
        /// Group by calendar period of the response date (End Date).
        #[arg(long, value_enum)]
        per: Option<Per>,
        /// Survey id (see `npsdesk surveys`); default: the survey imported last.
        #[arg(long)]
        survey: Option<i64>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List the surveys in the workspace with their columns (the names `--by` accepts).
    Surveys {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
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

fn run(cli: Cli) -> Result<ExitCode> {
    let mut ws = open_workspace(cli.workspace)?;
    match cli.command {
        Command::Import {
            files,
            nps_column,
            comment_column,
            format,
        } => {
            let options = ImportOptions {
                nps_column,
                comment_column,
            };
            let interactive = std::io::stderr().is_terminal();
            let mut reports = Vec::new();
            let mut failed = false;
            for file in &files {
                let mut on_progress = |p: &npsdesk_core::ImportProgress| {
                    if interactive {
                        eprint!(
                            "\r{}: {} rows read",
                            p.file,
                            output::thousands(u64::from(p.rows_read))
                        );
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
                _ => reports
                    .iter()
                    .for_each(|r| print!("{}", output::import_report(r))),
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Nps {
            by,
            per,
            survey,
            format,
        } => {
            let survey_id = ws.resolve_survey(survey)?;
            let mut frame = SurveyFrame::load(&ws, survey_id)?;
            let query = NpsQuery {
                by,
                per: per.map(Period::from),
            };
            let report = frame.nps(&ws, &query)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string(&report)?),
                Format::Csv => print!("{}", output::nps_csv(&report, &query)),
                Format::Table => {
                    let s = ws.survey(survey_id)?;
                    print!("{}", output::nps_table(&s, &report, &query))
                }
            }
            Ok(ExitCode::SUCCESS)
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
