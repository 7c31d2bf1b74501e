//! Kill -9 at random moments: `npsdesk import` of a 200,000-row export, `npsdesk rules save` and `npsdesk
//! followups set` (a status, owner and note), each into a
//! copy of a workspace that already holds one import (so through the WAL), and the first import into an empty
//! workspace (through a rollback journal, `Workspace::import_file`), killed with SIGKILL at seeded random moments. After
//! every kill the workspace must open, pass `PRAGMA integrity_check` and `foreign_key_check`, and hold exactly
//! the data of before or of after (same fingerprint: every stored value, see
//! `npsdesk_store::maintenance`), never a mix.
//!
//! `make test` kills 6 imports of each kind (about 8 s each in a debug build) and 20 rules saves; `make reliability`
//! kills 100 of each (`NPSDESK_KILL_TRIALS`; the seed is `NPSDESK_KILL_SEED`). A run that finishes before its
//! trigger is verified as well but not counted as a kill. Each run prints its figures (RELIABILITY.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use npsdesk_store::{Fingerprint, Workspace};

fn shared() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// A seeded generator (splitmix64): the same seed kills at the same moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn generate(dir: &Path, rows: u32, seed: u32) -> PathBuf {
    let csv = dir.join(format!("gen_{rows}_{seed}.csv"));
    let status = Command::new("python3")
        .arg(shared().join("tools/gen_surveymonkey.py"))
        .args(["--rows", &rows.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(&csv)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success(), "generator failed");
    csv
}

/// The program under test; `NPSDESK_BIN` overrides it (a long run uses a copy that a rebuild cannot replace).
fn bin() -> PathBuf {
    std::env::var_os("NPSDESK_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_npsdesk")), PathBuf::from)
}

fn npsdesk(workspace: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg("--workspace").arg(workspace).args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// A fresh copy of `base` (with no journal, WAL or shared-memory file beside it).
fn copy_workspace(base: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(base, to).unwrap();
}

/// Opens the workspace as the app would after the crash, checks it, and returns its fingerprint.
fn verify(path: &Path, what: &str) -> Fingerprint {
    let ws =
        Workspace::open(path).unwrap_or_else(|e| panic!("{what}: the workspace does not open after the kill: {e}"));
    let report = ws.check().unwrap_or_else(|e| panic!("{what}: check failed: {e}"));
    assert_eq!(report.integrity, ["ok"], "{what}: integrity_check");
    assert!(report.foreign_key_violations.is_empty(), "{what}: {:?}", report.foreign_key_violations);
    ws.fingerprint().unwrap()
}

#[derive(Default, Debug)]
struct Tally {
    trials: u32,
    killed: u32,
    /// Killed after the watched file had grown (the transaction was being written).
    killed_while_writing: u32,
    finished_first: u32,
    before: u32,
    after: u32,
}

impl Tally {
    /// The figures every run prints (RELIABILITY.md quotes them).
    fn summary(&self) -> String {
        format!(
            "{} trials, {} killed ({} while writing), {} finished first; found before {} times, after {} times, mixed 0",
            self.trials, self.killed, self.killed_while_writing, self.finished_first, self.before, self.after
        )
    }
}

/// The file whose growth shows the transaction being written: the WAL (`"-wal"`), or for an import through
/// a rollback journal the workspace file itself (`""`: the pages it adds are written past its old end).
#[derive(Debug, Clone, Copy)]
struct Watch(&'static str);

impl Watch {
    fn file(self, ws: &Path) -> PathBuf {
        PathBuf::from(format!("{}{}", ws.display(), self.0))
    }

    fn size(self, ws: &Path) -> u64 {
        std::fs::metadata(self.file(ws)).map_or(0, |m| m.len())
    }
}

/// When a trial kills: after a delay; as soon as the watched file has grown past a size (the moments the
/// transaction is being written: a large import keeps its pages in the page cache until it commits); or a
/// delay after it reached its full size (the commit is written: checkpoint and close).
#[derive(Debug, Clone, Copy)]
enum Trigger {
    After(Duration),
    Bytes(u64),
    AfterBytes(u64, Duration),
}

/// How long the command takes when left alone, and the watched file's size before and its largest while it ran.
fn measure(base: &Path, ws: &Path, args: &[&str], watch: Watch) -> (Duration, (u64, u64)) {
    copy_workspace(base, ws);
    let initial = watch.size(ws);
    let started = Instant::now();
    let mut child = npsdesk(ws, args).spawn().unwrap();
    let mut largest = initial;
    let status = loop {
        largest = largest.max(watch.size(ws));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_micros(100));
    };
    let out = child.wait_with_output().unwrap();
    assert!(status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (started.elapsed(), (initial, largest))
}

/// Runs the command `args` (on a copy of `base` each time) until it was killed `kills` times (a run that
/// finishes before its trigger is verified too, and does not count; at most 3 × `kills` runs), taking the
/// three triggers in turn: a delay uniform over [0, 1.15 × `full`], a size of the watched file uniform over
/// (`initial`, `largest`] bytes, and a delay uniform over [0, 0.1 × `full`] after it reached `largest`.
#[allow(clippy::too_many_arguments)]
fn kill_trials(
    dir: &Path,
    base: &Path,
    args: &[&str],
    before: &Fingerprint,
    after: &Fingerprint,
    (full, (initial, largest)): (Duration, (u64, u64)),
    watch: Watch,
    kills: u64,
    rng: &mut Rng,
) -> Tally {
    let mut t = Tally::default();
    let ws = dir.join("trial.npsdesk");
    let mut trial = 0u64;
    while u64::from(t.killed) < kills && trial < 3 * kills {
        trial += 1;
        copy_workspace(base, &ws);
        let trigger = match trial % 3 {
            _ if largest == initial => Trigger::After(full.mul_f64(1.15 * rng.unit())),
            0 => Trigger::After(full.mul_f64(1.15 * rng.unit())),
            1 => Trigger::Bytes(initial + 1 + (rng.unit() * (largest - initial - 1) as f64) as u64),
            _ => Trigger::AfterBytes(largest, full.mul_f64(0.1 * rng.unit())),
        };
        let mut child = npsdesk(&ws, args).spawn().unwrap();
        let started = Instant::now();
        let finished = match trigger {
            Trigger::After(delay) => {
                std::thread::sleep(delay);
                child.try_wait().unwrap()
            }
            Trigger::Bytes(bytes) | Trigger::AfterBytes(bytes, _) => loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break Some(status);
                }
                if watch.size(&ws) >= bytes {
                    if let Trigger::AfterBytes(_, delay) = trigger {
                        std::thread::sleep(delay);
                        break child.try_wait().unwrap();
                    }
                    break None;
                }
                assert!(started.elapsed() < full * 10 + Duration::from_secs(30), "{args:?} hangs");
                std::thread::sleep(Duration::from_micros(50));
            },
        };
        let what = format!("{args:?} trial {trial} ({trigger:?}, killed at {:?})", started.elapsed());
        match finished {
            Some(status) => {
                assert!(status.success(), "{what}: the command failed on its own");
                t.finished_first += 1;
            }
            None => {
                let grown = watch.size(&ws) > initial;
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                t.killed += 1;
                if grown {
                    t.killed_while_writing += 1;
                }
            }
        }
        t.trials += 1;
        let got = verify(&ws, &what);
        if &got == before {
            t.before += 1;
        } else if &got == after {
            t.after += 1;
        } else {
            panic!("{what}: the workspace holds neither the data of before nor of after:\n  got    {got}\n  before {before}\n  after  {after}");
        }
    }
    t
}

#[test]
fn a_killed_import_rules_save_or_followup_edit_leaves_the_workspace_as_before_or_after() {
    let trials = env_u64("NPSDESK_KILL_TRIALS", 6);
    let seed = env_u64("NPSDESK_KILL_SEED", 20_261_123);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // The workspace before: one import of 3,000 rows.
    let first = generate(d, 3_000, 1);
    let big = generate(d, 200_000, 2);
    let base = d.join("base.npsdesk");
    let out = npsdesk(&base, &["import", first.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = verify(&base, "base");

    // The workspace after, how long the import takes when it is not killed, and how large its WAL grows.
    let done = d.join("after.npsdesk");
    let import_args = ["import", big.to_str().unwrap()];
    let (full, wal) = measure(&base, &done, &import_args, Watch("-wal"));
    let after = verify(&done, "after");
    assert_ne!(before, after);
    assert!(after.tables.contains(&("response".to_string(), 203_000)), "{after}");

    let t = kill_trials(d, &base, &import_args, &before, &after, (full, wal), Watch("-wal"), trials, &mut rng);
    eprintln!(
        "kill -9 during import of 200,000 rows (seed {seed}, full import {:.1} s, WAL up to {} MB): {}",
        full.as_secs_f64(),
        wal.1 >> 20,
        t.summary()
    );
    assert_eq!(u64::from(t.killed), trials, "the import must be killed mid-way {trials} times: {t:?}");
    assert!(t.killed_while_writing > 0, "some kills must land while the import writes: {t:?}");

    // The first import into an empty workspace: through a rollback journal, the workspace file grows as the
    // pages are written past its old end; a kill leaves a hot journal that the next open rolls back.
    let empty = d.join("empty.npsdesk");
    drop(Workspace::open(&empty).unwrap());
    let nothing = verify(&empty, "empty");
    let first_done = d.join("first.npsdesk");
    let (full, grown) = measure(&empty, &first_done, &import_args, Watch(""));
    let first_after = verify(&first_done, "first import");
    assert!(first_after.tables.contains(&("response".to_string(), 200_000)), "{first_after}");
    let t = kill_trials(d, &empty, &import_args, &nothing, &first_after, (full, grown), Watch(""), trials, &mut rng);
    eprintln!(
        "kill -9 during the first import of 200,000 rows into an empty workspace (seed {seed}, full import {:.1} s, file \
         {} KB -> {} MB): {}",
        full.as_secs_f64(),
        grown.0 >> 10,
        grown.1 >> 20,
        t.summary()
    );
    assert_eq!(u64::from(t.killed), trials, "the first import must be killed mid-way {trials} times: {t:?}");
    assert!(t.killed_while_writing > 0, "some kills must land while the first import writes: {t:?}");

    // A rule-set change: `rules save` of the built-in set (about 10 KB of TOML).
    let rules = d.join("rules.toml");
    let text = Command::new(bin()).args(["rules", "builtin"]).output().unwrap().stdout;
    std::fs::write(&rules, text).unwrap();
    let saved = d.join("saved.npsdesk");
    let save_args = ["rules", "save", rules.to_str().unwrap(), "--note", "crash test"];
    let (full, wal) = measure(&base, &saved, &save_args, Watch("-wal"));
    let after_rules = verify(&saved, "rules saved");
    assert_ne!(before, after_rules);
    let t =
        kill_trials(d, &base, &save_args, &before, &after_rules, (full, wal), Watch("-wal"), trials.max(20), &mut rng);
    eprintln!(
        "kill -9 during rules save (seed {seed}, full run {:.0} ms, WAL up to {} KB): {}",
        full.as_secs_f64() * 1000.0,
        wal.1 >> 10,
        t.summary()
    );
    assert_eq!(u64::from(t.killed), trials.max(20), "{t:?}");

    // A follow-up edit: status, owner and a note on the oldest open item, in one transaction.
    let list = Command::new(bin())
        .arg("--workspace")
        .arg(&base)
        .args(["followups", "--status", "open", "--limit", "1", "--format", "json"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = list["items"][0]["id"].to_string();
    // The base file changed only in its WAL checkpoint: read it again so "before" is its state now.
    let before = verify(&base, "base before the follow-up edit");
    let edit_args =
        ["followups", "set", &id, "--status", "contacted", "--owner", "Dana", "--note", "Called back; crash test"];
    let edited = d.join("edited.npsdesk");
    let (full, wal) = measure(&base, &edited, &edit_args, Watch("-wal"));
    let after_edit = verify(&edited, "follow-up edited");
    assert_ne!(before, after_edit);
    let t =
        kill_trials(d, &base, &edit_args, &before, &after_edit, (full, wal), Watch("-wal"), trials.max(20), &mut rng);
    eprintln!(
        "kill -9 during a follow-up edit (seed {seed}, full run {:.0} ms, WAL up to {} KB): {}",
        full.as_secs_f64() * 1000.0,
        wal.1 >> 10,
        t.summary()
    );
    assert_eq!(u64::from(t.killed), trials.max(20), "{t:?}");
}
