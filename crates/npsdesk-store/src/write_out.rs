//! Writing a large import's pages to disk while it runs, instead of all at its commit (Linux).
//!
//! Why: the kernel starts writing dirty pages back only past `dirty_background_ratio` (10 % of memory, GBs
//! on a desktop) or after 30 s, so an import's whole file waited in the page cache for the commit's `fsync`
//! with the cores idle: 0.13 s of a 1M-row import, a 1.6 GB flush at 5M rows. A thread that asks for the
//! file system's dirty data every [`PERIOD`] lets the disk work while the import parses and inserts.
//! Measured with an outside process doing the same: the 5M import 9.81 → 9.20 s (BENCHMARKS.md).
//!
//! How: `syncfs` on a descriptor of the workspace's *directory*. Not `fdatasync` on a descriptor of the
//! workspace file: POSIX record locks belong to the process and the file, so closing any descriptor of the
//! file would drop the locks SQLite holds through its own; a directory is another file. `syncfs` also
//! writes out the WAL (later waves write there first) and whatever else is dirty on that file system, which
//! the kernel would write within 30 s anyway.
//!
//! Crash safety is unchanged: the kernel may write any dirty page at any time, and SQLite relies only on
//! its journal (synced before a page of the file is overwritten) or its WAL. The import's own commit still
//! syncs; an error of these passes is left to it (since Linux 4.13 every descriptor sees a write error).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the thread asks: often enough that little is left for the commit, rarely enough that each pass
/// has megabytes to write.
pub(crate) const PERIOD: Duration = Duration::from_millis(100);

/// Whether an import of an export of `bytes` gains from it: below the import's page cache
/// (`IMPORT_CACHE_KIB`), SQLite keeps nearly every page it writes until the commit, so there is nothing to
/// write early.
pub(crate) fn wants_write_out(bytes: u64, page_cache_bytes: u64) -> bool {
    bytes > page_cache_bytes
}

/// The running write-out of one import; dropping it stops the thread (waiting for a pass in progress).
pub(crate) struct EarlyWriteOut {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<u64>>,
}

impl EarlyWriteOut {
    /// Starts writing out the file system of `workspace` every `period`. Best effort: where it cannot run
    /// (not Linux, no directory, no thread), the commit writes everything, as it always did.
    pub(crate) fn start(workspace: &Path, period: Duration) -> EarlyWriteOut {
        let idle = EarlyWriteOut { stop: None, thread: None };
        if !cfg!(target_os = "linux") {
            return idle;
        }
        let dir = match workspace.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let Ok(dir) = std::fs::File::open(dir) else { return idle };
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("npsdesk-write-out".into())
            .spawn(move || {
                let mut passes = 0;
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                    sync_file_system(&dir);
                    passes += 1;
                }
                passes
            })
            .ok();
        EarlyWriteOut { stop: Some(stop), thread }
    }

    /// Stops the thread; how many passes it ran.
    fn stop(&mut self) -> u64 {
        // Disconnecting ends the thread's wait at once.
        drop(self.stop.take());
        self.thread.take().map_or(0, |t| t.join().unwrap_or(0))
    }
}

impl Drop for EarlyWriteOut {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(target_os = "linux")]
fn sync_file_system(dir: &std::fs::File) {
    let _ = rustix::fs::syncfs(dir);
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_: &std::fs::File) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_imports_past_the_page_cache_write_out() {
        assert!(!wants_write_out(64 << 20, 64 << 20));
        assert!(wants_write_out((64 << 20) + 1, 64 << 20));
    }

    #[test]
    fn the_thread_writes_out_until_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.npsdesk");
        std::fs::write(&path, vec![7u8; 1 << 20]).unwrap();
        let mut running = EarlyWriteOut::start(&path, Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(50));
        let passes = running.stop();
        assert_eq!(passes > 0, cfg!(target_os = "linux"), "{passes} passes");
        assert!(running.thread.is_none() && running.stop.is_none(), "stopped and joined");
        assert_eq!(running.stop(), 0, "a second stop finds nothing running");

        let nowhere = EarlyWriteOut::start(&dir.path().join("missing").join("w.npsdesk"), Duration::from_millis(1));
        assert!(nowhere.thread.is_none(), "no directory: nothing runs");
    }
}
