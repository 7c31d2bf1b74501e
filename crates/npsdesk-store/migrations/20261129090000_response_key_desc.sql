-- The respondent-key index in descending order (issue 9). SurveyMonkey lists respondents newest first, and
-- its Respondent IDs grow with time, so an import meets the keys in descending order. In an ascending index
-- each one lands at its left edge: every full leaf splits in two and its right half is never filled again
-- (a 1M-row import left the index 42 MB, half of it empty, and spent 0.5 s of CPU on the splits). In a
-- descending index the same keys are appends. The other exports' keys (Qualtrics and Typeform tokens,
-- content hashes of rows without an id) have no order, so for them the direction changes nothing.
--
-- SQLite cannot change a table's constraint in place, so `response` is rebuilt with the same columns in the
-- same order and the same ids (follow-ups and promoter asks refer to them). The store runs its migrations
-- with foreign keys off (a DROP TABLE under foreign keys would first delete every row, and with it, through
-- ON DELETE CASCADE, every follow-up), and each migration checks, in its transaction, that they are off.
CREATE TABLE response_by_key_desc (
    id             INTEGER PRIMARY KEY,
    survey_id      INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    respondent_key TEXT    NOT NULL,
    -- Seconds since 1970-01-01 of the naive local response time (End Date, else Start Date).
    responded_at   INTEGER,
    score          INTEGER CHECK (score BETWEEN 0 AND 10),
    comment        TEXT,
    cells          BLOB    NOT NULL,
    import_id      INTEGER NOT NULL REFERENCES import (id),
    UNIQUE (survey_id, respondent_key DESC)
);
INSERT INTO response_by_key_desc (id, survey_id, respondent_key, responded_at, score, comment, cells, import_id)
    SELECT id, survey_id, respondent_key, responded_at, score, comment, cells, import_id FROM response ORDER BY id;
DROP TABLE response;
ALTER TABLE response_by_key_desc RENAME TO response;
