//! Keeping a workspace safe: integrity checks, a content fingerprint, online backups.
//!
//! - [`check_file`] opens a workspace read-only (no migration, no writes) and runs SQLite's
//!   `integrity_check` and `foreign_key_check`, so it also works on a damaged file, on a file of an older
//!   schema (reported as pending) or of a newer one (reported, never touched).
//! - [`Workspace::fingerprint`] hashes every stored value except the wall-clock columns listed in
//!   [`VOLATILE`], so two workspaces holding the same data have the same fingerprint whenever they were
//!   written (the crash tests compare a killed import against the states before and after it).
//! - [`backup_file`] / [`Workspace::backup_to`] write a consistent snapshot with `VACUUM INTO`, which reads
//!   inside one transaction: an import running in another process never leaks half into the copy.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::{migration_count, Result, StoreError, Workspace};

/// Columns whose value records when something happened rather than what is stored; the fingerprint skips
/// them (`import.report` carries the elapsed time of the import).
const VOLATILE: &[(&str, &str)] = &[
    ("survey", "created_at"),
    ("import", "imported_at"),
    ("import", "report"),
    ("rule_set", "saved_at"),
    ("followup", "created_at"),
    ("followup", "first_contact_at"),
    ("followup_event", "at"),
    ("promoter_ask", "updated_at"),
    ("account_info", "imported_at"),
];

/// What `npsdesk check` reports.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckReport {
    pub path: String,
    /// `PRAGMA user_version`: the number of migrations applied.
    pub schema_version: i64,
    /// The number of migrations this build knows.
    pub known_schema_version: i64,
    /// `PRAGMA integrity_check`: `["ok"]`, or every problem found (at most 100).
    pub integrity: Vec<String>,
    /// `PRAGMA foreign_key_check`: one line per row that refers to a missing parent.
    pub foreign_key_violations: Vec<String>,
    pub surveys: i64,
    pub responses: i64,
    pub imports: i64,
    pub rule_sets: i64,
    /// See [`Fingerprint`].
    pub fingerprint: String,
    /// Integrity and foreign keys are fine and the schema is not newer than this build.
    pub ok: bool,
}

/// Rows per table and a hash of every stored value (wall-clock columns excepted). The hash is std's SipHash
/// with fixed keys: stable for one npsdesk build, which is what comparing two states needs; it is not meant
/// to be kept across versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub tables: Vec<(String, i64)>,
    pub hash: String,
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: Vec<String> = self.tables.iter().map(|(t, n)| format!("{t}={n}")).collect();
        write!(f, "{} [{}]", self.hash, rows.join(" "))
    }
}

/// Hashes every table of `conn` (SQLite's own `sqlite_*` tables excepted) in name order, each row in storage
/// order (`NOT INDEXED`: rowid order, or primary-key order for `WITHOUT ROWID` tables).
pub(crate) fn fingerprint(conn: &Connection) -> Result<Fingerprint> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // SipHash with the fixed keys of DefaultHasher::new() (the same for every instance of one build).
    let mut h = std::hash::DefaultHasher::new();
    let mut tables = Vec::new();
    for table in names {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info({})", quote_literal(&table)))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let kept: Vec<&String> = columns.iter().filter(|c| !VOLATILE.contains(&(table.as_str(), c.as_str()))).collect();
        h.write(table.as_bytes());
        h.write_u8(0xff);
        for c in &kept {
            h.write(c.as_bytes());
            h.write_u8(0xfe);
        }
        let list = if kept.is_empty() {
            "1".to_string()
        } else {
            kept.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
        };
        let mut stmt = conn.prepare(&format!("SELECT {list} FROM {} NOT INDEXED", quote_ident(&table)))?;
        let width = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut n = 0i64;
        while let Some(row) = rows.next()? {
            n += 1;
            for i in 0..width {
                match row.get_ref(i)? {
                    ValueRef::Null => h.write_u8(0),
                    ValueRef::Integer(v) => {
                        h.write_u8(1);
                        h.write_i64(v);
                    }
                    ValueRef::Real(v) => {
                        h.write_u8(2);
                        h.write_u64(v.to_bits());
                    }
                    ValueRef::Text(b) => {
                        h.write_u8(3);
                        h.write_usize(b.len());
                        h.write(b);
                    }
                    ValueRef::Blob(b) => {
                        h.write_u8(4);
                        h.write_usize(b.len());
                        h.write(b);
                    }
                }
            }
        }
        h.write_i64(n);
        tables.push((table, n));
    }
    Ok(Fingerprint { tables, hash: format!("{:016x}", h.finish()) })
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn count(conn: &Connection, table: &str) -> Result<i64> {
    let exists: bool =
        conn.query_row("SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| {
            r.get(0)
        })?;
    if !exists {
        return Ok(0);
    }
    Ok(conn.query_row(&format!("SELECT count(*) FROM {}", quote_ident(table)), [], |r| r.get(0))?)
}

/// Integrity, foreign keys, counts and fingerprint of an open connection. A damaged file is a finding, not
/// an error: whatever SQLite cannot read is reported in `integrity`.
pub(crate) fn check_conn(conn: &Connection, path: &str) -> Result<CheckReport> {
    let schema_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check(100)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>())
        .unwrap_or_else(|e| vec![format!("integrity_check could not run: {e}")]);
    let foreign_key_violations: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| {
            s.query_map([], |r| {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                let row = rowid.map_or("?".into(), |id| id.to_string());
                Ok(format!("{table} row {row} refers to a missing {parent} row"))
            })?
            .collect::<rusqlite::Result<_>>()
        })
        .unwrap_or_else(|e| vec![format!("foreign_key_check could not run: {e}")]);
    let known = migration_count() as i64;
    let sound = integrity == ["ok"];
    let ok = sound && foreign_key_violations.is_empty() && schema_version <= known;
    // A damaged file may not scan: its counts are -1 and the fingerprint is left empty.
    let count = |table: &str| if sound { count(conn, table).unwrap_or(-1) } else { -1 };
    let fingerprint = if sound { fingerprint(conn)?.hash } else { String::new() };
    Ok(CheckReport {
        path: path.to_string(),
        schema_version,
        known_schema_version: known,
        integrity,
        foreign_key_violations,
        surveys: count("survey"),
        responses: count("response"),
        imports: count("import"),
        rule_sets: count("rule_set"),
        fingerprint,
        ok,
    })
}

/// Opens an existing workspace file read-only (never creating, migrating or writing it).
///
/// A WAL workspace needs its `-shm` file even to be read; on a read-only disk where it cannot be created, and
/// with no `-wal` file holding commits beside it, the file is read as immutable instead.
fn open_read_only(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(StoreError::NoWorkspace { path: path.to_path_buf() });
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let open = |conn: Connection| -> rusqlite::Result<Connection> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // The header is read on first use: a file that is not SQLite fails here.
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
        Ok(conn)
    };
    match Connection::open_with_flags(path, flags).and_then(open) {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) => {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(crate::classify(e, path));
            }
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                .and_then(open)
                .map_err(|e| crate::classify(e, path))
        }
        other => other.map_err(|e| crate::classify(e, path)),
    }
}

/// `path` for a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.display().to_string().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

/// `npsdesk check`: integrity and foreign-key checks of the workspace at `path`, read-only.
pub fn check_file(path: &Path) -> Result<CheckReport> {
    let conn = open_read_only(path)?;
    check_conn(&conn, &path.display().to_string()).map_err(|e| match e {
        StoreError::Sqlite(e) => crate::classify(e, path),
        e => e,
    })
}

/// `npsdesk backup`: a consistent copy of the workspace at `path` into `out` (which must not exist), then
/// checked. Works while another process imports (the copy is the last committed state).
pub fn backup_file(path: &Path, out: &Path) -> Result<CheckReport> {
    let conn = open_read_only(path)?;
    vacuum_into(&conn, path, out)?;
    check_file(out)
}

pub(crate) fn vacuum_into(conn: &Connection, from: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        return Err(StoreError::Backup {
            path: out.to_path_buf(),
            reason: "the file exists already (a backup never overwrites)".into(),
        });
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Backup { path: out.to_path_buf(), reason: e.to_string() })?;
    }
    let target = out
        .to_str()
        .ok_or_else(|| StoreError::Backup { path: out.to_path_buf(), reason: "the path is not valid UTF-8".into() })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target]) {
        // A half-written copy is worse than none.
        let _ = std::fs::remove_file(out);
        return Err(StoreError::Backup {
            path: out.to_path_buf(),
            reason: format!("copying {} failed: {}", from.display(), crate::classify(e, from)),
        });
    }
    Ok(())
}

impl Workspace {
    /// Rows per table and a hash of every stored value; see [`Fingerprint`].
    pub fn fingerprint(&self) -> Result<Fingerprint> {
        fingerprint(self.conn())
    }

    /// `PRAGMA integrity_check`, `foreign_key_check`, counts and fingerprint.
    pub fn check(&self) -> Result<CheckReport> {
        let path = self.path().map_or_else(|| ":memory:".into(), |p| p.display().to_string());
        check_conn(self.conn(), &path)
    }

    /// A consistent copy of the workspace into `out` (which must not exist).
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        let from = self.path().map_or_else(|| PathBuf::from(":memory:"), Path::to_path_buf);
        vacuum_into(self.conn(), &from, out)
    }
}

/// Where the automatic backup before a migration goes: beside the workspace,
/// `NAME.schema-<found>-backup-<UTC time>.npsdesk` (a number is added if that exists).
pub(crate) fn migration_backup_path(path: &Path, found: i64) -> PathBuf {
    let stem = path.file_stem().map_or_else(|| "workspace".into(), |s| s.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut candidate = dir.join(format!("{stem}.schema-{found}-backup-{stamp}.npsdesk"));
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{stem}.schema-{found}-backup-{stamp}-{n}.npsdesk"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ImportControl;
    use npsdesk_import::ImportOptions;

    const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend Acme to a friend or colleague?,What is the primary reason for your score?,Which plan are you on?\r\n,,,,Response,Open-Ended Response,Response\r\n";

    fn export(dir: &Path, name: &str, first: u32, rows: u32) -> PathBuf {
        let mut text = String::from(HEADER);
        for i in first..first + rows {
            let d = 1 + i % 28;
            text.push_str(&format!(
                "{i},400,01/{d:02}/2025 10:00:00 AM,01/{d:02}/2025 10:00:00 AM,{},\"reason number {i}, long enough to fill pages {}\",{}\r\n",
                i % 11,
                "x".repeat((i % 50) as usize),
                ["Free", "Pro", "Team"][i as usize % 3]
            ));
        }
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn go_on(_: &npsdesk_core::ImportProgress) -> ImportControl {
        ImportControl::Continue
    }

    #[test]
    fn the_fingerprint_sees_data_but_not_wall_clock_columns() {
        let dir = tempfile::tempdir().unwrap();
        let file = export(dir.path(), "a.csv", 1, 50);
        let mut a = Workspace::open(&dir.path().join("a.npsdesk")).unwrap();
        let mut b = Workspace::open(&dir.path().join("b.npsdesk")).unwrap();
        let empty = a.fingerprint().unwrap();
        a.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        b.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        let (fa, fb) = (a.fingerprint().unwrap(), b.fingerprint().unwrap());
        assert_ne!(fa, empty);
        assert_eq!(fa, fb, "the same data imported a second later has the same fingerprint");
        assert!(fa.tables.contains(&("response".to_string(), 50)), "{fa}");
        a.conn().execute("UPDATE response SET score = 10 - score WHERE respondent_key = '7'", []).unwrap();
        assert_ne!(a.fingerprint().unwrap().hash, fb.hash, "one changed score changes it");
    }

    #[test]
    fn check_reports_ok_and_finds_a_dangling_reference() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_file(&export(dir.path(), "a.csv", 1, 30), &ImportOptions::default(), &mut go_on).unwrap();
        let r = ws.check().unwrap();
        assert!(r.ok, "{r:?}");
        assert_eq!((r.responses, r.imports, r.surveys), (30, 1, 1));
        assert_eq!(r.fingerprint, ws.fingerprint().unwrap().hash);
        ws.conn().execute_batch("PRAGMA foreign_keys = OFF; UPDATE response SET import_id = 99 WHERE id = 3;").unwrap();
        drop(ws);
        let r = check_file(&path).unwrap();
        assert!(!r.ok);
        assert_eq!(r.foreign_key_violations, ["response row 3 refers to a missing import row"]);
    }

    #[test]
    fn check_of_a_missing_or_foreign_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_file(&dir.path().join("nope.npsdesk")).unwrap_err().to_string();
        assert!(e.contains("no workspace at"), "{e}");
        assert!(!dir.path().join("nope.npsdesk").exists(), "check never creates a workspace");
        let csv = export(dir.path(), "a.csv", 1, 3);
        let e = check_file(&csv).unwrap_err().to_string();
        assert!(e.contains("not an npsdesk workspace"), "{e}");
    }

    #[test]
    fn a_backup_is_a_checked_copy_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_file(&export(dir.path(), "a.csv", 1, 40), &ImportOptions::default(), &mut go_on).unwrap();
        let out = dir.path().join("copies/w-copy.npsdesk");
        let r = backup_file(&path, &out).unwrap();
        assert!(r.ok && r.responses == 40, "{r:?}");
        assert_eq!(r.fingerprint, ws.fingerprint().unwrap().hash, "the copy holds the same data");
        let e = backup_file(&path, &out).unwrap_err().to_string();
        assert!(e.contains("exists already"), "{e}");
        let copy = Workspace::open(&out).unwrap();
        assert_eq!(copy.fingerprint().unwrap(), ws.fingerprint().unwrap());
    }

    #[test]
    fn a_writer_busy_beyond_the_timeout_is_reported_as_busy_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_file(&export(dir.path(), "a.csv", 1, 20), &ImportOptions::default(), &mut go_on).unwrap();
        let before = ws.fingerprint().unwrap();
        ws.conn().busy_timeout(std::time::Duration::from_millis(300)).unwrap();
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO rule_set (format, text, saved_at) VALUES ('toml', '', '');")
            .unwrap();
        let file = export(dir.path(), "b.csv", 100, 50);
        let e = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap_err();
        assert!(matches!(e, StoreError::Busy { .. }), "{e}");
        assert!(e.to_string().contains("busy") && e.to_string().contains("nothing was changed"), "{e}");
        other.execute_batch("ROLLBACK").unwrap();
        assert_eq!(ws.fingerprint().unwrap(), before);
        let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        assert_eq!(r.new, 50, "once the other writer is gone the import goes through");
    }

    /// A full disk, simulated with `max_page_count` (the file cannot grow past its size + 3 pages): the
    /// import fails with the disk-full error, and the workspace holds exactly what it held.
    #[test]
    fn a_full_disk_fails_the_import_cleanly_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_file(&export(dir.path(), "a.csv", 1, 200), &ImportOptions::default(), &mut go_on).unwrap();
        let before = ws.fingerprint().unwrap();
        let pages: i64 = ws.conn().pragma_query_value(None, "page_count", |r| r.get(0)).unwrap();
        ws.conn().pragma_update(None, "max_page_count", pages + 3).unwrap();
        let big = export(dir.path(), "b.csv", 1000, 20_000);
        let e = ws.import_file(&big, &ImportOptions::default(), &mut go_on).unwrap_err();
        assert!(matches!(e, StoreError::DiskFull { .. }), "{e}");
        assert!(e.to_string().contains("full") && e.to_string().contains("nothing"), "{e}");
        assert_eq!(ws.fingerprint().unwrap(), before, "same connection");
        drop(ws);
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.fingerprint().unwrap(), before, "reopened");
        assert!(ws.check().unwrap().ok);
    }
}
