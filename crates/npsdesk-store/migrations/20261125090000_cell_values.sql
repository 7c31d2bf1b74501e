-- Compact cells (store/pack.rs, format 2). A survey's repeated short answers (plan, region, choice labels,
-- collector ids, …) are stored once in `survey_cell_value` and referenced by code from `response.cells`, and a
-- cell equal to the response's `respondent_key` refers to it instead of repeating it. Surveys created before
-- this migration keep format 1 (every cell inline) for all their waves, so their rows are read as before.
ALTER TABLE survey ADD COLUMN cells_format INTEGER NOT NULL DEFAULT 1;

-- Codes are dense per survey, from 1 (0 in a packed cell means the respondent key), and never change once
-- written: a later wave reuses them and appends new ones.
CREATE TABLE survey_cell_value (
    survey_id INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    code      INTEGER NOT NULL CHECK (code >= 1),
    value     TEXT    NOT NULL,
    PRIMARY KEY (survey_id, code)
) WITHOUT ROWID;
