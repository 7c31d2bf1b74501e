//! Shared by the importer targets: the input is written to a file (the importer reads paths, as the app and
//! the CLI do) in a per-process folder under /dev/shm when it exists.

use std::path::PathBuf;

use npsdesk_import::{ExportReader, ImportOptions, Source};

pub fn scratch(name: &str) -> PathBuf {
    let base = if std::path::Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let dir = base.join(format!("npsdesk-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Opens `bytes` as an export read as `source` (None: detected) and reads every row, as an import does.
pub fn read_all(bytes: &[u8], file: &str, source: Option<Source>) {
    let path = scratch(file);
    std::fs::write(&path, bytes).unwrap();
    let options = ImportOptions { source, ..Default::default() };
    if let Ok(mut reader) = ExportReader::open(&path, &options) {
        let _ = reader.check_nps_scale();
        let _ = reader.warnings();
        let _ = reader.column_warnings();
        let mut rows = 0;
        while let Some(row) = reader.next_row() {
            rows += 1;
            if row.is_err() || rows > 100_000 {
                break;
            }
        }
        let _ = reader.encoding();
    }
    let _ = npsdesk_import::inspect(&path, &options);
}
