//! npsdesk-store: the workspace, one SQLite file (`*.npsdesk`) holding surveys, their columns, every response
//! with every answer cell, and the history of imports.
//!
//! - Opening runs the embedded, append-only migrations (`migrations/*.sql`) in one transaction with foreign
//!   keys off, after a backup copy of a file of an older schema, and refuses a file written by a newer
//!   npsdesk untouched.
//! - [`maintenance`]: `check` (integrity, foreign keys, a fingerprint of the data) and online backups.
//! - Errors a user can act on have their own messages: read-only, disk full, busy, not a workspace.
//! - WAL journal, `synchronous=NORMAL`, foreign keys on, a busy timeout (see [`Workspace::open`]).
//! - An import is one transaction: all rows or none (see [`import`]).

mod accounts;
mod followups;
mod frame_cache;
mod import;
pub mod maintenance;
pub mod pack;
mod read;
mod rules;
mod texts;
mod write_out;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use accounts::AccountBook;
pub use frame_cache::{CachedBase, CachedColumn, CachedCounts, CachedKeys, ColumnParts};
pub use import::ImportControl;
pub use maintenance::{backup_file, check_file, CheckReport, Fingerprint};
pub use read::{resolve_column, unknown_column, ResponseCells};
pub use texts::Texts;

/// The schema history, oldest first. Append-only: a shipped migration is never edited.
const MIGRATION_FILES: &[&str] = &[
    include_str!("../migrations/20261123090000_initial.sql"),
    include_str!("../migrations/20261124090000_survey_mapping.sql"),
    include_str!("../migrations/20261124100000_rule_set.sql"),
    include_str!("../migrations/20261125090000_cell_values.sql"),
    include_str!("../migrations/20261126090000_followups.sql"),
    include_str!("../migrations/20261127090000_frame_cache.sql"),
    include_str!("../migrations/20261128090000_frame_cache_chunks.sql"),
    include_str!("../migrations/20261129090000_response_key_desc.sql"),
];

/// How long a writer waits for another process's write to finish before giving up with [`StoreError::Busy`].
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long opening a workspace of an older schema waits for another process's upgrade of it (see `migrate`).
const UPGRADE_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Another connection holds the lock this one waited for (the busy timeout passed).
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Page size of a new workspace file, in bytes.
const PAGE_SIZE: i64 = 16 * 1024;

/// Brings the schema to the latest version: every pending migration in one transaction (a failure leaves the
/// old schema), after a backup of a file that holds an older schema ([`maintenance`]:
/// `NAME.schema-N-backup-TIME.npsdesk`).
///
/// The version is read again under the write lock (`BEGIN IMMEDIATE`, which waits up to the busy timeout for
/// another writer): two processes opening one old file at once (the app and a command) both find it old
/// before either has the lock, and then the second finds it upgraded and leaves it. Before, the version read
/// before the transaction decided: both backed the file up and the second ran the migrations again (the
/// rebuild of version 8 a second time; an older migration twice fails). The backup is read by a second
/// connection while this one holds the lock (`VACUUM INTO` cannot run inside a transaction; with the WAL a
/// reader never waits for the writer), so it is the file as committed, before any migration.
///
/// Waiting for the lock: another process's upgrade holds it through its backup and its migrations (about 3 s
/// per million responses), longer than the usual busy timeout at a few million. So each try waits the busy
/// timeout and a busy one is tried again, for up to [`UPGRADE_WAIT`].
fn migrate(conn: &mut Connection, path: Option<&Path>) -> Result<()> {
    let latest = MIGRATION_FILES.len();
    let started = std::time::Instant::now();
    let tx = loop {
        match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
            Ok(tx) => break tx,
            Err(e) if is_busy(&e) && started.elapsed() < UPGRADE_WAIT => {}
            Err(e) => return Err(e.into()),
        }
    };
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    refuse_newer(found, path)?;
    let found = found as usize;
    if found == latest {
        return Ok(()); // upgraded by another connection meanwhile; the transaction wrote nothing
    }
    if let (Some(path), true) = (path, found > 0) {
        let out = maintenance::migration_backup_path(path, found as i64);
        let backup = || -> Result<()> {
            let reader = Connection::open(path)?;
            reader.busy_timeout(BUSY_TIMEOUT)?;
            maintenance::vacuum_into(&reader, path, &out)
        };
        backup().map_err(|e| StoreError::BackupBeforeMigration {
            path: path.to_path_buf(),
            found: found as i64,
            known: latest,
            reason: e.to_string(),
        })?;
    }
    for sql in &MIGRATION_FILES[found..] {
        tx.execute_batch(sql)?;
        foreign_keys_were_off(&tx)?;
    }
    tx.pragma_update(None, "user_version", latest as i64)?;
    tx.commit()?;
    Ok(())
}

/// Migrations run with foreign keys off, as SQLite's procedure for rebuilding a table asks: a `DROP TABLE
/// response` under foreign keys would first delete every response and, through `ON DELETE CASCADE`, every
/// follow-up someone typed. Checked after each migration, inside its transaction, so that a caller that
/// forgot to turn them off rolls back instead of losing them.
fn foreign_keys_were_off(tx: &rusqlite::Transaction) -> Result<()> {
    let on: bool = tx.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    if on {
        return Err(StoreError::Migration("a migration ran with foreign keys on".into()));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("workspace database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path} was written by a newer version of npsdesk (schema {found}, this version knows {known}); it was not changed")]
    TooNew { path: String, found: i64, known: usize },
    #[error("cannot prepare the workspace schema: {0}")]
    Migration(String),
    #[error("{path} is not an npsdesk workspace (not an SQLite database); nothing was changed")]
    NotAWorkspace { path: PathBuf },
    #[error("no workspace at {path}")]
    NoWorkspace { path: PathBuf },
    #[error(
        "the workspace {path} cannot be written (the file, its folder or the disk is read-only); nothing was changed"
    )]
    ReadOnly { path: PathBuf },
    #[error("SQLite cannot open the workspace {path} or create its journal files beside it (-wal, -shm): check that the file and its folder can be read and written and that the disk is not mounted read-only; nothing was changed")]
    CannotOpen { path: PathBuf },
    #[error("the workspace {path} is busy: another npsdesk (the app or a command) has been writing to it for more than {seconds} s; nothing was changed, try again when it has finished")]
    Busy { path: PathBuf, seconds: u64 },
    #[error("the disk holding the workspace {path} is full; the change was rolled back and nothing was changed: free some space and try again")]
    DiskFull { path: PathBuf },
    #[error("cannot back up to {path}: {reason}")]
    Backup { path: PathBuf, reason: String },
    #[error("the workspace {path} uses schema {found} and must be upgraded to {known}, but the backup made first failed, so it was not upgraded: {reason}")]
    BackupBeforeMigration { path: PathBuf, found: i64, known: usize, reason: String },
    #[error("cannot create the workspace folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Import(#[from] npsdesk_import::ImportError),
    #[error("the import was cancelled; the workspace is unchanged")]
    Cancelled,
    #[error("no survey with id {0} in this workspace")]
    NoSurvey(i64),
    #[error("the workspace has no survey yet: import an export first")]
    Empty,
    #[error("survey {survey:?} already maps {flag} to {stored}; a later wave is read with the first wave's mapping, so import it without {flag} (or into another workspace)")]
    MappingConflict { survey: String, flag: &'static str, stored: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("no follow-up item with id {0} in this workspace")]
    NoFollowup(i64),
    #[error("follow-up {id} is {from}; it cannot go to {to} (it can go to: {allowed})")]
    Transition { id: i64, from: &'static str, to: &'static str, allowed: String },
    #[error("{file}, line {line}: {reason}; no account was imported")]
    AccountsFile { file: String, line: u64, reason: String },
    #[error("no column {name:?} in survey {survey:?}; columns are: {available}")]
    UnknownColumn { name: String, survey: String, available: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open workspace. One connection; open another `Workspace` on the same file for concurrent readers
/// (WAL lets them read while an import writes; the first import into an empty workspace, through a
/// rollback journal, makes them wait: see `Workspace::import_file`).
pub struct Workspace {
    conn: Connection,
    path: Option<PathBuf>,
    /// The most rows and bytes of a chunk of the columnar copy an import writes (`frame_cache.rs`); smaller
    /// in tests.
    copy_chunk: (usize, usize),
}

impl Workspace {
    /// Opens (creating and migrating if needed) the workspace file at `path`.
    ///
    /// Safety of an existing file: its schema version is read before anything is written, so a file of a
    /// newer npsdesk (or one that is not a workspace) is refused untouched; a file of an older schema is
    /// first copied beside itself ([`maintenance`]: `NAME.schema-N-backup-TIME.npsdesk`), then migrated in
    /// one transaction.
    pub fn open(path: &Path) -> Result<Workspace> {
        // One open at a time in this process: the app opens its workspace from two threads at launch (the
        // frame's prewarm and the first command), and both found an older schema, so both backed the file up
        // and migrated it (the second, after the first had committed, ran the rebuild of version 8 again).
        // Opening takes milliseconds unless it migrates, when the others should wait for it anyway. (Across
        // processes, `migrate` reads the version again under the write lock.)
        static OPENING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = OPENING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder { path: dir.to_path_buf(), source })?;
        }
        let on = |e: rusqlite::Error| classify(e, path);
        let conn = Connection::open(path).map_err(on)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(on)?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(on)?;
        refuse_newer(found, Some(path))?;
        // 16 KiB pages for a new file (a no-op on an existing one, whose page size stays as it was): imports
        // and the analytics' scans move whole tables, and a quarter of the pages means a quarter of the WAL
        // frames, write calls and B-tree splits (a 1M-row import: 0.5 s less, 2 % smaller).
        conn.pragma_update(None, "page_size", PAGE_SIZE).map_err(on)?;
        // WAL: readers (the app, a CLI) never block the writer and a crash cannot tear a commit.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(on)?;
        // With WAL, NORMAL keeps every committed transaction across an application crash (only a power cut
        // can lose the last commits, never corrupt the file) and avoids an fsync per commit.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(on)?;
        Self::init(conn, Some(path.to_path_buf())).map_err(|e| classify_store(e, Some(path)))
    }

    /// A throw-away workspace for tests.
    pub fn open_in_memory() -> Result<Workspace> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Workspace> {
        // Another process (the app and the CLI at once) may hold the write lock briefly: wait, don't fail.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        refuse_newer(found, path.as_deref())?;
        // Pending migrations (see `migrate`) run with foreign keys off (see `foreign_keys_were_off`; the pragma
        // cannot change inside a transaction), and everything after with them on. The version read here
        // only says whether to look again under the write lock: an up-to-date file never waits for a writer.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let free_before = free_pages(&conn);
        if found < migration_count() as i64 {
            migrate(&mut conn, path.as_deref())?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if found > 0 && free_pages(&conn) > free_before {
            give_back_free_pages(&conn);
        }
        Ok(Workspace { conn, path, copy_chunk: (frame_cache::CHUNK_ROWS, frame_cache::CHUNK_BYTES) })
    }

    /// Makes imports write the columnar copy in chunks of at most `rows` rows (but at least one batch of
    /// 2,048) and about `bytes` (tests: a small import in many chunks must give the same copy as in one).
    #[doc(hidden)]
    pub fn set_copy_chunk(&mut self, rows: usize, bytes: usize) {
        self.copy_chunk = (rows, bytes);
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Changes whenever data changes (used by caches to know when to reload).
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM import", [], |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn free_pages(conn: &Connection) -> i64 {
    conn.pragma_query_value(None, "freelist_count", |r| r.get(0)).unwrap_or(0)
}

/// After an upgrade that freed pages (version 8 rebuilds `response`: a 1M-response workspace grew from 329 to
/// 582 MB), `VACUUM` gives them back to the disk, once (1.2 s at 1M; the whole upgrade with its backup took
/// 2.8 s), and the WAL it filled is emptied. Best effort, without waiting: if another connection (the app and
/// a command at once) is writing or still reads an older snapshot, it is skipped, and SQLite reuses the free
/// pages for later imports, so nothing is lost but the space for a while.
fn give_back_free_pages(conn: &Connection) {
    without_waiting(conn, |c| {
        let _ = c.execute_batch("VACUUM");
    });
    empty_wal_now(conn);
}

/// Empties the WAL file after a large write (an import through the WAL, an upgrade's `VACUUM`): SQLite keeps
/// the file at its largest size until the last connection closes, which for the app is when it quits (after
/// a 1M-row wave, about as large as the workspace itself). Its pages are already in the workspace (SQLite
/// checkpoints after such a commit), so this only truncates the file. Never waits: beside a reader of an older
/// snapshot, or another writer, it is left for later.
pub(crate) fn empty_wal_now(conn: &Connection) {
    without_waiting(conn, |c| {
        let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    });
}

/// Runs `work` with no busy timeout (what another connection holds makes it fail at once, not wait), then
/// puts the usual timeout back.
fn without_waiting(conn: &Connection, work: impl FnOnce(&Connection)) {
    if conn.busy_timeout(std::time::Duration::ZERO).is_ok() {
        work(conn);
    }
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
}

/// A workspace written by a newer npsdesk (more migrations than this build knows) is never opened for writing.
fn refuse_newer(found: i64, path: Option<&Path>) -> Result<()> {
    let known = migration_count();
    if found > known as i64 {
        return Err(StoreError::TooNew {
            path: path.map_or_else(|| ":memory:".into(), |p| p.display().to_string()),
            found,
            known,
        });
    }
    Ok(())
}

/// Turns the SQLite errors a user can act on (read-only file, full disk, not a database) into their own
/// messages.
pub(crate) fn classify(e: rusqlite::Error, path: &Path) -> StoreError {
    use rusqlite::ErrorCode;
    if is_busy(&e) {
        return StoreError::Busy { path: path.to_path_buf(), seconds: BUSY_TIMEOUT.as_secs() };
    }
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path: path.to_path_buf() },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path: path.to_path_buf() },
        Some(ErrorCode::NotADatabase) => StoreError::NotAWorkspace { path: path.to_path_buf() },
        Some(ErrorCode::CannotOpen) if path.exists() => StoreError::CannotOpen { path: path.to_path_buf() },
        _ => StoreError::Sqlite(e),
    }
}

/// [`classify`] for an error already wrapped (the `?` of the store's functions).
pub(crate) fn classify_store(e: StoreError, path: Option<&Path>) -> StoreError {
    match (e, path) {
        (StoreError::Sqlite(e), Some(path)) => classify(e, path),
        (StoreError::Sqlite(e), None) => StoreError::Sqlite(e),
        (e, _) => e,
    }
}

/// Where npsdesk keeps its files: `$NPSDESK_DATA_DIR` if set (tests, portable installs), else the user's data
/// directory (`~/.local/share/npsdesk` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("NPSDESK_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("npsdesk"),
    }
}

/// The workspace the CLI uses without `--workspace`.
pub fn default_workspace_path() -> PathBuf {
    data_dir().join("default.npsdesk")
}

/// The schema version this build writes (SQLite `user_version`).
pub fn migration_count() -> usize {
    MIGRATION_FILES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A private copy of the committed workspace of schema 7 (`tests/schemas/`), in `dir`.
    fn copy_of_v7(dir: &Path) -> PathBuf {
        let path = dir.join("w7.npsdesk");
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schemas/v7.sqlite"), &path).unwrap();
        path
    }

    /// The one integer `sql` returns.
    fn int(c: &Connection, sql: &str) -> i64 {
        c.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The worked follow-up and the promoter ask of the v7 fixture, counted (2 while both are kept).
    fn follow_ups_and_asks(c: &Connection) -> i64 {
        int(c, "SELECT count(*) FROM followup") + int(c, "SELECT count(*) FROM promoter_ask")
    }

    /// Names of the migration backups in `dir`.
    fn backups(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("-backup-"))
            .collect()
    }

    #[test]
    fn migrations_are_valid() {
        // With foreign keys off as `init` runs them (the bundled SQLite turns them on by default).
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", "OFF").unwrap();
        migrate(&mut c, None).expect("migrations apply to an empty database");
        assert_eq!(int(&c, "PRAGMA user_version"), migration_count() as i64);
        // Again: nothing to do.
        migrate(&mut c, None).unwrap();
    }

    /// Connections upgrading one old file at once (processes: each its own connection, no lock in common but
    /// SQLite's): one backup, one migration, every one open with the follow-ups kept. `Workspace::open`'s
    /// in-process lock is left out on purpose.
    #[test]
    fn connections_upgrading_an_old_workspace_at_once_upgrade_it_once() {
        for round in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let path = copy_of_v7(dir.path());
            let start = std::sync::Barrier::new(4);
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| {
                        let c = Connection::open(&path).unwrap();
                        c.pragma_update(None, "journal_mode", "WAL").unwrap();
                        start.wait();
                        Workspace::init(c, Some(path.clone())).unwrap();
                    });
                }
            });
            let backups = backups(dir.path());
            assert_eq!(backups.len(), 1, "round {round}: {backups:?}");
            let c = Connection::open(&path).unwrap();
            assert_eq!(int(&c, "PRAGMA user_version"), migration_count() as i64);
            assert_eq!(follow_ups_and_asks(&c), 2);
            // The backup is the file before the upgrade.
            let b = Connection::open(dir.path().join(&backups[0])).unwrap();
            assert_eq!(int(&b, "PRAGMA user_version"), 7);
        }
    }

    /// The `VACUUM` after an upgrade never makes `open` wait: with another connection reading an older
    /// snapshot (the app while a command upgrades), its checkpoint cannot finish, and it is left at that.
    #[test]
    fn an_upgrade_beside_a_reader_does_not_wait_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of_v7(dir.path());
        let reader = Connection::open(&path).unwrap();
        reader.pragma_update(None, "journal_mode", "WAL").unwrap();
        reader.execute_batch("BEGIN; SELECT count(*) FROM response;").unwrap();
        let started = std::time::Instant::now();
        let ws = Workspace::open(&path).unwrap();
        assert!(started.elapsed() < BUSY_TIMEOUT / 2, "open waited {:?}", started.elapsed());
        assert_eq!(int(&ws.conn, "PRAGMA user_version"), 8);
        reader.execute_batch("COMMIT").unwrap();
    }

    /// Two threads opening a file of an older schema at once: one backup, one migration, both open.
    #[test]
    fn threads_opening_an_old_workspace_at_once_upgrade_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of_v7(dir.path());
        let start = std::sync::Barrier::new(4);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    Workspace::open(&path).unwrap();
                });
            }
        });
        assert_eq!(backups(dir.path()).len(), 1);
    }

    /// An upgrade waits out another writer holding the lock for longer than its busy timeout (another
    /// process's upgrade of a large file), instead of failing as busy.
    #[test]
    fn an_upgrade_waits_for_a_writer_longer_than_the_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of_v7(dir.path());
        let holder = Connection::open(&path).unwrap();
        holder.pragma_update(None, "journal_mode", "WAL").unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = std::time::Instant::now();
        let waiting = std::thread::spawn({
            let path = path.clone();
            move || {
                let mut c = Connection::open(&path).unwrap();
                c.busy_timeout(std::time::Duration::from_millis(50)).unwrap();
                c.pragma_update(None, "foreign_keys", "OFF").unwrap();
                migrate(&mut c, Some(&path)).map(|()| started.elapsed())
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(400));
        holder.execute_batch("ROLLBACK").unwrap();
        let waited = waiting.join().unwrap().expect("the upgrade waited, then ran");
        assert!(waited >= std::time::Duration::from_millis(400), "{waited:?}");
        assert_eq!(int(&holder, "PRAGMA user_version"), 8);
    }

    /// `response`'s rebuild (version 8) under foreign keys would delete every follow-up through its cascade:
    /// a runner that left them on gets an error and the file as it was.
    #[test]
    fn migrations_run_with_foreign_keys_on_roll_back_and_keep_the_follow_ups() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of_v7(dir.path());
        let mut c = Connection::open(&path).unwrap();
        c.pragma_update(None, "foreign_keys", "ON").unwrap();
        let err = migrate(&mut c, None).expect_err("refused");
        assert!(err.to_string().contains("foreign keys on"), "{err}");
        assert_eq!(int(&c, "PRAGMA user_version"), 7);
        assert_eq!(follow_ups_and_asks(&c), 2);
        drop(c);
        // Through `open`, they run with foreign keys off, and on again after.
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(int(&ws.conn, "PRAGMA user_version"), migration_count() as i64);
        assert_eq!(follow_ups_and_asks(&ws.conn), 2);
        assert_eq!(int(&ws.conn, "PRAGMA foreign_keys"), 1);
        // The old table's pages went back to the disk.
        assert_eq!(int(&ws.conn, "PRAGMA freelist_count"), 0);
    }

    #[test]
    fn a_copy_written_before_chunks_is_kept_as_chunk_0() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        let chunked = MIGRATION_FILES.iter().position(|m| m.contains("frame_cache_chunked")).unwrap();
        {
            let c = Connection::open(&path).unwrap();
            for sql in &MIGRATION_FILES[..chunked] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", chunked as i64).unwrap();
            c.pragma_update(None, "foreign_keys", "OFF").unwrap();
            c.execute_batch(
                "INSERT INTO survey (id, name, source, signature, header_rows, id_position, date_position,
                                     nps_position, comment_position, created_at)
                 VALUES (1, 's', 'surveymonkey', 'sig', 2, 0, 1, 2, 3, '2025-04-01 08:00:00');
                 INSERT INTO frame_cache (survey_id, part, import_id, data) VALUES (1, -1, 5, x'0102'), (1, 4, 5, x'03');
                 -- A part of no survey (written with foreign keys off): left behind, not a failed upgrade.
                 INSERT INTO frame_cache (survey_id, part, import_id, data) VALUES (2, -1, 6, x'04');",
            )
            .unwrap();
        }
        let ws = Workspace::open(&path).unwrap();
        let rows: Vec<(i64, i64, i64, i64, Vec<u8>)> = ws
            .conn
            .prepare("SELECT survey_id, part, chunk, import_id, data FROM frame_cache ORDER BY part")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, vec![(1, -1, 0, 5, vec![1, 2]), (1, 4, 0, 5, vec![3])]);
        // A second chunk of a part is now welcome; the same chunk twice is not.
        let add = |chunk: i64| {
            ws.conn.execute(
                "INSERT INTO frame_cache (survey_id, part, chunk, import_id, data) VALUES (1, -1, ?1, 5, x'')",
                [chunk],
            )
        };
        add(1).unwrap();
        assert!(add(1).is_err());
        // Still a child of its survey.
        ws.conn.execute("DELETE FROM survey WHERE id = 1", []).unwrap();
        let left: i64 = ws.conn.query_row("SELECT count(*) FROM frame_cache", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_newer_workspace_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        drop(Workspace::open(&path).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Workspace::open(&path).err().expect("a newer schema must be refused");
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
        let c = Connection::open(&path).unwrap();
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 99, "the file was not touched");
    }

    #[test]
    fn new_files_get_large_pages_and_old_files_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.npsdesk");
        let ws = Workspace::open(&new).unwrap();
        let size: i64 = ws.conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(size, PAGE_SIZE);
        let old = dir.path().join("old.npsdesk");
        {
            let c = Connection::open(&old).unwrap();
            c.pragma_update(None, "journal_mode", "WAL").unwrap();
            c.execute_batch("CREATE TABLE t (x)").unwrap();
        }
        let ws = Workspace::open(&old).unwrap();
        let size: i64 = ws.conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(size, 4096, "an existing file keeps its page size");
    }

    #[test]
    fn a_workspace_of_an_older_schema_opens_and_reads_its_inline_cells() {
        // A file as the first release wrote it: schema 2, 4 KiB pages, cells in format 1.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.npsdesk");
        let cells: Vec<String> = ["7", "01/02/2025", "9", "why", "Pro", ""].iter().map(|s| s.to_string()).collect();
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "journal_mode", "WAL").unwrap();
            c.execute_batch(MIGRATION_FILES[0]).unwrap();
            c.execute_batch(MIGRATION_FILES[1]).unwrap();
            c.pragma_update(None, "user_version", 2).unwrap();
            c.execute_batch(
                "INSERT INTO survey (id, name, source, signature, header_rows, id_position, nps_position, comment_position, created_at)
                 VALUES (1, 'old', 'generic', 'sig', 1, 0, 2, 3, '2025-01-01');
                 INSERT INTO survey_column VALUES (1, 0, 'id', NULL, 'id', 'respondent_id'), (1, 1, 'date', NULL, 'date', 'end_date'),
                     (1, 2, 'score', NULL, 'score', 'nps'), (1, 3, 'why', NULL, 'why', 'comment'),
                     (1, 4, 'plan', NULL, 'plan', 'segment'), (1, 5, 'other', NULL, 'other', 'open_text');
                 INSERT INTO import VALUES (1, 1, 'old.csv', 10, 'UTF-8', '2025-01-01', 1, 1, 0, 0, 0, '{}');",
            )
            .unwrap();
            let mut blob = Vec::new();
            pack::pack(&cells, Some(3), &mut blob);
            c.execute(
                "INSERT INTO response (survey_id, respondent_key, responded_at, score, comment, cells, import_id)
                 VALUES (1, '7', 1735812000, 9, 'why', ?1, 1)",
                [blob],
            )
            .unwrap();
        }
        let ws = Workspace::open(&path).unwrap();
        let version: i64 = ws.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, migration_count() as i64);
        assert_eq!(ws.response_rows(1).unwrap(), vec![("7".to_string(), cells)]);
        let mut plans = Vec::new();
        ws.scan_responses(1, &[4, 3, 5], |r| plans.push(r.values.to_vec())).unwrap();
        assert_eq!(plans, vec![vec![Some("Pro".to_string()), Some("why".to_string()), None]]);
    }

    #[test]
    fn opening_sets_wal_and_creates_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/w.npsdesk");
        let ws = Workspace::open(&path).unwrap();
        let mode: String = ws.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        assert!(path.exists());
    }
}
