//! `npsdesk check` and `npsdesk backup`: the workspace's own health, without migrating or writing it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use npsdesk_store::CheckReport;

fn workspace_path(path: Option<PathBuf>) -> PathBuf {
    path.unwrap_or_else(npsdesk_store::default_workspace_path)
}

fn table(r: &CheckReport) -> String {
    let mut out = String::new();
    let schema = match r.schema_version.cmp(&r.known_schema_version) {
        std::cmp::Ordering::Equal => format!("{} (current)", r.schema_version),
        std::cmp::Ordering::Less => format!(
            "{} of {}: upgraded by the next command that opens it (a backup is made first)",
            r.schema_version, r.known_schema_version
        ),
        std::cmp::Ordering::Greater => {
            format!(
                "{}: written by a newer npsdesk (this one knows {}); it will not be changed",
                r.schema_version, r.known_schema_version
            )
        }
    };
    let integrity = if r.integrity == ["ok"] { "ok".to_string() } else { r.integrity.join("\n              ") };
    let fks = if r.foreign_key_violations.is_empty() {
        "ok".to_string()
    } else {
        r.foreign_key_violations.join("\n              ")
    };
    out.push_str(&format!("workspace     {}\n", r.path));
    out.push_str(&format!("schema        {schema}\n"));
    out.push_str(&format!("integrity     {integrity}\n"));
    out.push_str(&format!("foreign keys  {fks}\n"));
    out.push_str(&format!(
        "contents      {} survey(s), {} response(s), {} import(s), {} saved rule set(s)\n",
        r.surveys, r.responses, r.imports, r.rule_sets
    ));
    if !r.fingerprint.is_empty() {
        out.push_str(&format!("fingerprint   {}\n", r.fingerprint));
    }
    out.push_str(if r.ok { "result        OK\n" } else { "result        PROBLEMS FOUND\n" });
    out
}

/// `npsdesk check [--format json]`: exit 0 when everything is fine, 1 when a problem was found.
pub fn check(path: Option<PathBuf>, json: bool) -> Result<ExitCode> {
    let path = workspace_path(path);
    let report = npsdesk_store::check_file(&path).with_context(|| format!("cannot check {}", path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&report));
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `npsdesk backup --out FILE`: a consistent copy (also while an import runs), then checked.
pub fn backup(path: Option<PathBuf>, out: &Path) -> Result<ExitCode> {
    let path = workspace_path(path);
    let report =
        npsdesk_store::backup_file(&path, out).with_context(|| format!("cannot back up {}", path.display()))?;
    println!(
        "backed up {} to {} ({} response(s), integrity {}, fingerprint {})",
        path.display(),
        out.display(),
        report.responses,
        if report.ok { "ok" } else { "NOT ok" },
        report.fingerprint
    );
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
