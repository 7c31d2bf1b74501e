//! Writing a large import's pages to disk while it runs, instead of all at its commit.
//!
//! Why: the kernel starts writing dirty pages back only past `dirty_background_ratio` (10 % of memory, GBs
//! on a desktop) or after 30 s, so an import's whole file waited in the page cache for the commit's `fsync`:
//! 0.13 s of a 1M-row import with both cores idle, and at 5M rows a 1.6 GB flush. A thread that asks for
//! the file's data every [`PERIOD`] (`fdatasync`, waiting on that thread only) lets the disk work while the
//! import parses and inserts. Measured with an outside process doing the same: the 1M import 1.95 → 1.83 s,
//! the 5M import 9.9 → 9.2 s (BENCHMARKS.md).
//!
//! Crash safety is unchanged: the kernel may write any dirty page at any time anyway, and SQLite already
//! relies only on its journal (synced before a page of the file is overwritten) or its WAL.
//!
//! The descriptor: POSIX record locks belong to the process and the file, so closing *any* descriptor of
//! the workspace file would drop the locks SQLite holds on it through its own. The descriptors opened here
//! are therefore never closed: one per file, kept for the life of the process ([`descriptor`]), and only
//! for imports large enough to gain ([`wants_write_out`]). The WAL (later waves write there first) is
//! written out too; SQLite locks the file and its `-shm`, never the WAL.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the thread asks for the file's data: often enough that little is left for the commit, rarely
/// enough that each pass has megabytes to write.
pub(crate) const PERIOD: Duration = Duration::from_millis(100);

/// Whether an import of an export of `bytes` gains from it: below the import's page cache
/// (`IMPORT_CACHE_KIB`), SQLite keeps nearly every page it writes until the commit, so there is nothing to
/// write early.
pub(crate) fn wants_write_out(bytes: u64, page_cache_bytes: u64) -> bool {
    bytes > page_cache_bytes
}

/// The running write-out of one import; stopping it (drop) waits for a pass in progress.
pub(crate) struct EarlyWriteOut {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// Passes run so far (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    passes: Arc<AtomicU64>,
}

impl EarlyWriteOut {
    /// Starts writing out those of `paths` that exist (the workspace file, its WAL) every `period`. Best
    /// effort: without a descriptor or a thread, the commit writes everything as before.
    pub(crate) fn start(paths: &[PathBuf], period: Duration) -> EarlyWriteOut {
        let passes = Arc::new(AtomicU64::new(0));
        let files: Vec<Arc<File>> = paths.iter().filter_map(|p| descriptor(p)).collect();
        if files.is_empty() {
            return EarlyWriteOut { stop: None, thread: None, passes };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let counted = passes.clone();
        let thread = std::thread::Builder::new()
            .name("npsdesk-write-out".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                    for file in &files {
                        // An error (a full disk, say) is the import's to meet when it commits.
                        let _ = file.sync_data();
                    }
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            })
            .ok();
        EarlyWriteOut { stop: Some(stop), thread, passes }
    }

    /// How many passes have run.
    #[cfg(test)]
    fn passes(&self) -> u64 {
        self.passes.load(Ordering::Relaxed)
    }
}

impl Drop for EarlyWriteOut {
    fn drop(&mut self) {
        // Disconnecting ends the thread's wait at once.
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The process's own descriptor of the file at `path`, opened once and never closed (see the module note).
fn descriptor(path: &Path) -> Option<Arc<File>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<File>>>> = OnceLock::new();
    let mut open = OPEN.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(file) = open.get(path) {
        return Some(file.clone());
    }
    let file = Arc::new(File::open(path).ok()?);
    open.insert(path.to_path_buf(), file.clone());
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_imports_past_the_page_cache_write_out() {
        assert!(!wants_write_out(64 << 20, 64 << 20));
        assert!(wants_write_out((64 << 20) + 1, 64 << 20));
    }

    #[test]
    fn one_descriptor_per_file_is_kept_for_the_process() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        assert!(descriptor(&path).is_none(), "no file, no descriptor");
        std::fs::write(&path, b"pages").unwrap();
        let first = descriptor(&path).unwrap();
        // The same descriptor again: none is ever closed, so none can drop SQLite's locks on the file.
        assert!(Arc::ptr_eq(&first, &descriptor(&path).unwrap()));
    }

    #[test]
    fn the_thread_writes_out_until_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        std::fs::write(&path, vec![7u8; 1 << 20]).unwrap();
        let running = EarlyWriteOut::start(&[path, dir.path().join("w.npsdesk-wal")], Duration::from_millis(1));
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while running.passes() < 3 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(running.passes() >= 3, "{} passes", running.passes());
        let passes = running.passes.clone();
        drop(running);
        let after = passes.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(passes.load(Ordering::Relaxed), after, "no pass after the stop");

        let missing = EarlyWriteOut::start(&[dir.path().join("none.npsdesk")], Duration::from_millis(1));
        assert!(missing.thread.is_none(), "no file: nothing runs");
    }
}
