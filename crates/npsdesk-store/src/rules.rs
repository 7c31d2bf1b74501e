//! Theme rule sets kept in the workspace, versioned (append-only). The store keeps the text as the user wrote
//! it; checking it is the themes crate's job, done by the caller before saving.

use npsdesk_core::RuleVersion;
use rusqlite::{params, OptionalExtension, Row};

use crate::{Result, StoreError, Workspace};

fn version(r: &Row<'_>) -> rusqlite::Result<RuleVersion> {
    Ok(RuleVersion {
        id: r.get(0)?,
        survey_id: r.get(1)?,
        format: r.get(2)?,
        text: r.get(3)?,
        note: r.get(4)?,
        saved_at: r.get(5)?,
    })
}

const COLUMNS: &str = "id, survey_id, format, text, note, saved_at";

impl Workspace {
    /// Appends a version of the rules of `survey_id` (`None`: the workspace default). `format` is `json`
    /// or `toml`.
    pub fn save_rules(
        &mut self,
        survey_id: Option<i64>,
        format: &str,
        text: &str,
        note: Option<&str>,
    ) -> Result<RuleVersion> {
        if let Some(id) = survey_id {
            self.survey(id)?;
        }
        if !matches!(format, "json" | "toml") {
            return Err(StoreError::Migration(format!("unknown rule format {format:?}")));
        }
        let saved_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.conn()
            .execute(
                "INSERT INTO rule_set (survey_id, format, text, note, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![survey_id, format, text, note, saved_at],
            )
            .map_err(|e| crate::classify_store(e.into(), self.path()))?;
        let id = self.conn().last_insert_rowid();
        Ok(self.conn().query_row(&format!("SELECT {COLUMNS} FROM rule_set WHERE id = ?1"), [id], version)?)
    }

    /// The rules in use for a survey: its latest version, else the workspace default's latest, else none
    /// (the caller falls back to the built-in set).
    pub fn rules_in_use(&self, survey_id: i64) -> Result<Option<RuleVersion>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM rule_set WHERE survey_id = ?1 OR survey_id IS NULL \
                     ORDER BY survey_id IS NULL, id DESC LIMIT 1"
                ),
                [survey_id],
                version,
            )
            .optional()?)
    }

    /// Every saved version for a survey and the workspace default, newest first.
    pub fn rule_history(&self, survey_id: Option<i64>) -> Result<Vec<RuleVersion>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM rule_set WHERE survey_id IS ?1 OR survey_id IS NULL ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([survey_id], version)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::Workspace;

    #[test]
    fn versions_append_and_the_survey_default_order_holds() {
        let mut ws = Workspace::open_in_memory().unwrap();
        assert!(ws.rule_history(None).unwrap().is_empty());
        let a = ws.save_rules(None, "json", "{\"themes\": []}", Some("first")).unwrap();
        let b = ws.save_rules(None, "toml", "themes = []", None).unwrap();
        assert!(b.id > a.id);
        let history = ws.rule_history(None).unwrap();
        assert_eq!(history.iter().map(|v| v.id).collect::<Vec<_>>(), [b.id, a.id], "newest first, none lost");
        assert_eq!(history[1].text, "{\"themes\": []}");
        assert_eq!(history[1].note.as_deref(), Some("first"));
        assert!(ws.save_rules(None, "yaml", "x", None).is_err());
        assert!(ws.save_rules(Some(42), "json", "{}", None).is_err(), "no survey 42");
    }
}
