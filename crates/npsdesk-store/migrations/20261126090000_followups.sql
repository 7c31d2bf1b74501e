-- Closing the loop (issue 8): follow-up work on detractors (and optionally passives), promoter asks, and the
-- accounts file. This is the only data in a workspace a person types by hand, so it is never derived again:
-- re-imports keep it (see store/followups.rs).

-- One row: how items are made.
CREATE TABLE followup_setting (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    sla_business_days INTEGER NOT NULL DEFAULT 2 CHECK (sla_business_days BETWEEN 0 AND 60),
    include_passives  INTEGER NOT NULL DEFAULT 0 CHECK (include_passives IN (0, 1))
);
INSERT INTO followup_setting (id) VALUES (1);

-- The follow-up items a person has worked on. An item is a response whose score is in the follow-up range
-- (0–6, or 0–8 with passives); it gets a row here the first time someone changes it (status, owner, due date,
-- outcome or a note), so an import writes nothing here and an untouched item needs no row. The item's id is its
-- response's id, which a re-import keeps (the response row is updated in place).
CREATE TABLE followup (
    response_id       INTEGER PRIMARY KEY REFERENCES response (id) ON DELETE CASCADE,
    survey_id         INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    -- Local time `YYYY-MM-DDTHH:MM:SS` the item was made (the import of its response).
    created_at        TEXT    NOT NULL,
    score_at_creation INTEGER NOT NULL CHECK (score_at_creation BETWEEN 0 AND 10),
    status            TEXT    NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'contacted', 'resolved', 'wont_fix')),
    owner             TEXT,
    -- `YYYY-MM-DD`.
    due               TEXT    NOT NULL,
    outcome           TEXT,
    first_contact_at  TEXT
);

-- The log of a worked item: notes and every change.
CREATE TABLE followup_event (
    id          INTEGER PRIMARY KEY,
    followup_id INTEGER NOT NULL REFERENCES followup (response_id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('note', 'status', 'owner', 'due', 'outcome')),
    text        TEXT    NOT NULL
);
CREATE INDEX followup_event_by_item ON followup_event (followup_id, id);

-- Testimonial / reference asks of promoters; a promoter without a row is "not asked".
CREATE TABLE promoter_ask (
    response_id INTEGER PRIMARY KEY REFERENCES response (id) ON DELETE CASCADE,
    ask         TEXT    NOT NULL CHECK (ask IN ('not_asked', 'asked', 'agreed', 'declined')),
    owner       TEXT,
    note        TEXT,
    updated_at  TEXT    NOT NULL
);

-- The accounts file (`npsdesk accounts import`): what the CRM knows. Matched to a survey's account cells by
-- id or name, case-insensitively.
CREATE TABLE account_info (
    id           TEXT PRIMARY KEY,
    name         TEXT,
    renewal_date TEXT,
    arr          REAL CHECK (arr IS NULL OR arr >= 0),
    owner        TEXT,
    imported_at  TEXT NOT NULL
);
