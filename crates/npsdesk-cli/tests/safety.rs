//! Data safety through the real `npsdesk` program: `check` and `backup`, the automatic backup before a
//! migration, a newer workspace refused untouched, read-only files, folders and disks, a full disk (a small
//! tmpfs in a private mount namespace), and two processes importing into one workspace at once.
//!
//! Read-only cases run the program as an unprivileged user when the tests run as root (root ignores file
//! permissions); disk cases need `unshare` (user and mount namespaces, available to ordinary users on
//! Debian/Ubuntu kernels).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn shared() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

const BIN: &str = env!("CARGO_BIN_EXE_npsdesk");

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(BIN).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn check_json(workspace: &Path) -> Value {
    let out = npsdesk(workspace, &["check", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("check: {e}: {}", stderr(&out)))
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

/// A workspace holding one import of `rows` generated rows.
fn workspace_with(dir: &Path, rows: u32) -> PathBuf {
    let ws = dir.join("w.npsdesk");
    let out = npsdesk(&ws, &["import", generate(dir, rows, 1).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    ws
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn check_reports_and_backup_copies_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with(dir.path(), 500);
    let out = npsdesk(&ws, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("integrity     ok") && table.contains("result        OK"), "{table}");
    let report = check_json(&ws);
    assert_eq!((report["ok"].as_bool(), report["responses"].as_i64()), (Some(true), Some(500)), "{report}");

    let copy = dir.path().join("backups/copy.npsdesk");
    let out = npsdesk(&ws, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check_json(&copy)["fingerprint"], report["fingerprint"], "the copy holds the same data");
    let again = npsdesk(&ws, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(!again.status.success() && stderr(&again).contains("never overwrites"), "{}", stderr(&again));

    // A damaged file: check says so and exits 1. Bytes in the middle of the file are overwritten, then the
    // copy is checked (the original is kept for the rest of the test).
    let damaged = dir.path().join("damaged.npsdesk");
    let mut bytes = std::fs::read(&copy).unwrap();
    // A whole 16 KiB page (the workspace's page size) in the middle of the file: the response table's pages
    // hold most of it, so the damage lands in data whatever the schema's other (small) tables are.
    const PAGE: usize = 16 * 1024;
    let page = PAGE.max(bytes.len() / 2 / PAGE * PAGE);
    bytes[page..page + PAGE].iter_mut().enumerate().for_each(|(i, b)| *b = (i * 7) as u8);
    std::fs::write(&damaged, bytes).unwrap();
    let out = npsdesk(&damaged, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PROBLEMS FOUND"));

    // check and backup never create a workspace.
    let missing = dir.path().join("missing.npsdesk");
    let out = npsdesk(&missing, &["check"]);
    assert!(!out.status.success() && stderr(&out).contains("no workspace at"), "{}", stderr(&out));
    assert!(!missing.exists());
}

#[test]
fn a_backup_taken_during_an_import_holds_the_data_of_before_or_after() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with(dir.path(), 300);
    let before = check_json(&ws)["fingerprint"].clone();
    let wave = generate(dir.path(), 20_000, 2);
    let mut import = Command::new(BIN)
        .arg("--workspace")
        .arg(&ws)
        .args(["import", wave.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut copies = Vec::new();
    for i in 0..6 {
        let copy = dir.path().join(format!("during-{i}.npsdesk"));
        let out = npsdesk(&ws, &["backup", "--out", copy.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        copies.push(copy);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    assert!(import.wait().unwrap().success());
    let after = check_json(&ws)["fingerprint"].clone();
    assert_ne!(before, after);
    for copy in copies {
        let got = check_json(&copy);
        assert_eq!(got["ok"], true, "{got}");
        assert!(got["fingerprint"] == before || got["fingerprint"] == after, "{}: a mixed copy: {got}", copy.display());
    }
}

#[test]
fn two_processes_importing_into_one_workspace_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with(dir.path(), 200);
    let a = generate(dir.path(), 8_000, 3);
    let b = dir.path().join("other.csv");
    std::fs::write(&b, (0..5_000).fold(String::from("id,score,why\n"), |s, i| s + &format!("{i},{},ok\n", i % 11)))
        .unwrap();
    let spawn = |file: &Path| {
        Command::new(BIN)
            .arg("--workspace")
            .arg(&ws)
            .args(["import", file.to_str().unwrap(), "--format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (pa, pb) = (spawn(&a), spawn(&b));
    let (oa, ob) = (pa.wait_with_output().unwrap(), pb.wait_with_output().unwrap());
    assert!(oa.status.success(), "{}", stderr(&oa));
    assert!(ob.status.success(), "{}", stderr(&ob));
    let report = check_json(&ws);
    assert_eq!(report["ok"], true);
    assert_eq!(report["imports"], 3);
    assert_eq!(report["responses"], 200 + 8_000 + 5_000, "{report}");
}

#[test]
fn a_workspace_of_a_newer_npsdesk_is_refused_untouched_and_an_older_one_is_backed_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schemas");
    let current = npsdesk_store::migration_count();

    let newer = dir.path().join("newer.npsdesk");
    std::fs::copy(schemas.join(format!("v{current}.sqlite")), &newer).unwrap();
    // Schema "current + 1": a migration this build does not know.
    let mut bytes = std::fs::read(&newer).unwrap();
    bytes[60..64].copy_from_slice(&(current as u32 + 1).to_be_bytes()); // user_version in the header
    std::fs::write(&newer, &bytes).unwrap();
    for args in [&["surveys"][..], &["import", "x.csv"][..], &["nps"][..]] {
        let out = npsdesk(&newer, args);
        assert!(!out.status.success());
        let e = stderr(&out);
        assert!(e.contains("written by a newer version of npsdesk") && e.contains("not changed"), "{args:?}: {e}");
    }
    assert_eq!(std::fs::read(&newer).unwrap(), bytes, "not one byte changed");

    let older = dir.path().join("older.npsdesk");
    std::fs::copy(schemas.join("v1.sqlite"), &older).unwrap();
    let out = npsdesk(&older, &["surveys", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let backups: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("older.schema-1-backup-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(check_json(&backups[0])["schema_version"], 1);
    assert_eq!(check_json(&older)["schema_version"], current);
}

/// Runs the program as `nobody` when the tests run as root, so that file permissions apply.
fn unprivileged(dir: &Path) -> Command {
    if is_root() {
        // A copy of the program that nobody can run, whatever the permissions of the target folder.
        let bin = dir.join("npsdesk-bin");
        if !bin.exists() {
            std::fs::copy(BIN, &bin).unwrap();
            chmod(&bin, 0o755);
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(bin);
        c
    } else {
        Command::new(BIN)
    }
}

#[test]
fn importing_into_a_read_only_file_or_folder_fails_cleanly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let ws = workspace_with(dir.path(), 300);
    let wave = generate(dir.path(), 500, 2);
    chmod(&wave, 0o644);
    let before = check_json(&ws)["fingerprint"].clone();
    let cases = [("read-only-file", 0o777, 0o444), ("read-only-folder", 0o555, 0o666)];
    for (name, dir_mode, file_mode) in cases {
        let folder = dir.path().join(name);
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join("w.npsdesk");
        std::fs::copy(&ws, &path).unwrap();
        chmod(&path, file_mode);
        chmod(&folder, dir_mode);
        let bytes = std::fs::read(&path).unwrap();
        let out = unprivileged(dir.path())
            .arg("--workspace")
            .arg(&path)
            .args(["import", wave.to_str().unwrap()])
            .output()
            .unwrap();
        chmod(&folder, 0o777);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains("cannot be written") && e.contains("nothing was changed"), "{name}: {e}");
        assert!(!e.contains("panicked"), "{name}: {e}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name}: the file is unchanged");
        assert_eq!(check_json(&path)["fingerprint"], before, "{name}");
    }
}

/// Runs `script` with `sh` in private user and mount namespaces (root inside, mounts invisible outside).
fn in_mount_namespace(script: &str) -> Output {
    let out = Command::new("unshare").args(["--mount", "--map-root-user", "sh", "-euc", script]).output();
    let out = out.expect("unshare (util-linux) runs");
    assert!(
        !stderr(&out).contains("unshare failed"),
        "user namespaces are needed for the disk tests: {}",
        stderr(&out)
    );
    out
}

#[test]
fn a_full_or_read_only_disk_fails_the_import_cleanly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with(dir.path(), 1_000);
    let wave = generate(dir.path(), 20_000, 2);
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let q = |p: &Path| format!("'{}'", p.display());
    // A 3 MB tmpfs holding the 1,000-row workspace (about 1 MB): the 20,000-row wave does not fit.
    let script = format!(
        r#"
        N={bin}; D={mnt}
        mount -t tmpfs -o size=3m tmpfs "$D"
        cp {ws} "$D/w.npsdesk"
        "$N" --workspace "$D/w.npsdesk" check --format json > {out}/full-before.json
        if "$N" --workspace "$D/w.npsdesk" import {wave} 2> {out}/full.err; then echo imported; fi
        "$N" --workspace "$D/w.npsdesk" check --format json > {out}/full-after.json
        rm -f "$D"/*
        cp {ws} "$D/w.npsdesk"
        mount -o remount,ro "$D"
        if "$N" --workspace "$D/w.npsdesk" import {wave} 2> {out}/ro.err; then echo imported; fi
        "$N" --workspace "$D/w.npsdesk" check --format json > {out}/ro-after.json
        "#,
        bin = q(Path::new(BIN)),
        mnt = q(&mnt),
        ws = q(&ws),
        wave = q(&wave),
        out = q(dir.path()),
    );
    let out = in_mount_namespace(&script);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("imported"), "an import claimed success");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let json = |name: &str| -> Value { serde_json::from_str(&read(name)).unwrap() };
    let original = check_json(&ws);

    let full = read("full.err");
    assert!(full.contains("disk holding the workspace") && full.contains("is full"), "{full}");
    assert!(full.contains("nothing from") && !full.contains("panicked"), "{full}");
    assert_eq!(json("full-before.json")["fingerprint"], original["fingerprint"]);
    let after = json("full-after.json");
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["fingerprint"], original["fingerprint"], "the full disk left the data as it was");

    let ro = read("ro.err");
    assert!(ro.contains("read-only") && ro.contains("nothing was changed"), "{ro}");
    let after = json("ro-after.json");
    assert_eq!((after["ok"].as_bool(), &after["fingerprint"]), (Some(true), &original["fingerprint"]), "{after}");
}
