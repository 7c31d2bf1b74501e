-- Theme rule sets, versioned: every save appends a row, nothing is overwritten, so any earlier version can be
-- read back. A survey uses its latest version; `survey_id` NULL is the workspace-wide default. Tags are not
-- stored: they are computed from the rules in use (about 1 s per million comments), so a change of rules
-- re-tags every comment, old and new, at once.
CREATE TABLE rule_set (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER REFERENCES survey (id) ON DELETE CASCADE,
    format    TEXT    NOT NULL CHECK (format IN ('json', 'toml')),
    text      TEXT    NOT NULL,
    note      TEXT,
    saved_at  TEXT    NOT NULL
);

CREATE INDEX rule_set_by_survey ON rule_set (survey_id, id);
