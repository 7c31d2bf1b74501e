//! What the window remembers between launches: the workspaces opened last (newest first) and the window's
//! size. A small JSON file beside the workspaces (`npsdesk_store::data_dir()`, so `NPSDESK_DATA_DIR` moves it
//! for tests). Losing it loses nothing but convenience, so a damaged or unreadable file reads as empty and a
//! failed write is ignored: preferences must never stop the window from opening.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many workspaces the recent list keeps.
pub const RECENT_MAX: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    /// Workspace files, most recently opened first, without duplicates.
    #[serde(default)]
    pub recent: Vec<PathBuf>,
    #[serde(default)]
    pub window: Option<WindowSize>,
}

/// The window's inner size in logical pixels (the same on a projector with another scale factor).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowSize {
    pub width: f64,
    pub height: f64,
    #[serde(default)]
    pub maximized: bool,
}

impl WindowSize {
    /// A size worth restoring: not minimised to nothing, not larger than any screen is likely to be.
    pub fn is_sane(&self) -> bool {
        (400.0..=16_384.0).contains(&self.width) && (300.0..=16_384.0).contains(&self.height)
    }
}

/// One entry of the recent list as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RecentWorkspace {
    pub path: String,
    /// The file name without `.npsdesk`.
    pub name: String,
    /// False when the file was moved or deleted since (the window offers to forget it).
    pub exists: bool,
}

pub fn prefs_path() -> PathBuf {
    npsdesk_store::data_dir().join("prefs.json")
}

impl Prefs {
    pub fn load(path: &Path) -> Prefs {
        std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Written to a temporary file and renamed, so a crash mid-write leaves the old file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        std::fs::rename(&tmp, path)
    }

    /// Moves `workspace` to the front of the recent list (absolute path, no duplicates, at most [`RECENT_MAX`]).
    pub fn remember(&mut self, workspace: &Path) {
        let p = std::path::absolute(workspace).unwrap_or_else(|_| workspace.to_path_buf());
        self.recent.retain(|r| r != &p);
        self.recent.insert(0, p);
        self.recent.truncate(RECENT_MAX);
    }

    pub fn forget(&mut self, workspace: &Path) {
        self.recent.retain(|r| r != workspace);
    }

    /// The workspace to open without arguments: the last one used, if it is still there.
    pub fn last_workspace(&self) -> Option<&Path> {
        self.recent.first().map(PathBuf::as_path).filter(|p| p.is_file())
    }

    pub fn recent_list(&self) -> Vec<RecentWorkspace> {
        self.recent
            .iter()
            .map(|p| RecentWorkspace {
                path: p.display().to_string(),
                name: p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                exists: p.is_file(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_list_is_newest_first_without_duplicates_and_bounded() {
        let mut p = Prefs::default();
        for i in 0..10 {
            p.remember(Path::new(&format!("/w/{i}.npsdesk")));
        }
        p.remember(Path::new("/w/3.npsdesk"));
        let names: Vec<_> = p.recent_list().into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["3", "9", "8", "7", "6", "5", "4", "2"]);
        p.forget(Path::new("/w/9.npsdesk"));
        assert_eq!(p.recent.len(), RECENT_MAX - 1);
        assert!(!p.recent_list()[0].exists, "none of these files exists");
    }

    #[test]
    fn survives_a_round_trip_and_reads_damage_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/prefs.json");
        let ws = dir.path().join("a.npsdesk");
        std::fs::write(&ws, b"").unwrap();
        let mut p = Prefs::default();
        p.remember(&ws);
        p.window = Some(WindowSize { width: 1400.0, height: 900.0, maximized: false });
        p.save(&file).unwrap();
        let back = Prefs::load(&file);
        assert_eq!(back, p);
        assert_eq!(back.last_workspace(), Some(ws.as_path()));

        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(Prefs::load(&file), Prefs::default());
        assert_eq!(Prefs::load(&dir.path().join("missing.json")), Prefs::default());

        std::fs::remove_file(&ws).unwrap();
        assert_eq!(back.last_workspace(), None, "a deleted workspace is not reopened");
    }

    #[test]
    fn only_plausible_sizes_are_restored() {
        let s = |width, height| WindowSize { width, height, maximized: false };
        assert!(s(1280.0, 860.0).is_sane());
        assert!(!s(0.0, 0.0).is_sane());
        assert!(!s(1e9, 800.0).is_sane());
        assert!(!s(f64::NAN, 800.0).is_sane());
    }
}
