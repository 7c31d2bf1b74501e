-- The first workspace schema. Migrations are append-only: never edit a shipped file, add a new one.

-- A survey is identified across waves by the signature of its header rows.
CREATE TABLE survey (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    source           TEXT    NOT NULL,
    signature        TEXT    NOT NULL UNIQUE,
    header_rows      INTEGER NOT NULL,
    -- Column positions of the roles the analytics needs (NULL: the export has none).
    id_position      INTEGER,
    date_position    INTEGER,
    nps_position     INTEGER,
    comment_position INTEGER,
    created_at       TEXT    NOT NULL
);

CREATE TABLE survey_column (
    survey_id INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    question  TEXT    NOT NULL,
    sub_label TEXT,
    name      TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    PRIMARY KEY (survey_id, position),
    UNIQUE (survey_id, name)
) WITHOUT ROWID;

CREATE TABLE import (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    file_size   INTEGER NOT NULL,
    encoding    TEXT    NOT NULL,
    imported_at TEXT    NOT NULL,
    rows_read   INTEGER NOT NULL,
    new         INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    -- The full ImportReport as JSON (skipped lines and warnings included).
    report      TEXT    NOT NULL
);

-- One row per respondent of a survey. The columns the analytics reads on every query are typed; every other
-- cell of the export row is kept, in order, in `cells` (see pack.rs), so any column can become a segment later.
CREATE TABLE response (
    id             INTEGER PRIMARY KEY,
    survey_id      INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    respondent_key TEXT    NOT NULL,
    -- Seconds since 1970-01-01 of the naive local response time (End Date, else Start Date).
    responded_at   INTEGER,
    score          INTEGER CHECK (score BETWEEN 0 AND 10),
    comment        TEXT,
    cells          BLOB    NOT NULL,
    import_id      INTEGER NOT NULL REFERENCES import (id),
    UNIQUE (survey_id, respondent_key)
);
