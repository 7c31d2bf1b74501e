-- A columnar copy of a survey's responses for the analytics (store/frame_cache.rs): what a report would
-- otherwise decode from every packed row again in each process. Derived data only: it is written by the
-- import that creates a survey, in that import's transaction, and is valid only while `import_id` is the
-- survey's latest import (any later wave makes it stale; readers then scan the rows as before).
CREATE TABLE frame_cache (
    survey_id INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    -- -1: time, score and respondent key of every response; n >= 0: the coded column at export position n.
    part      INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    data      BLOB    NOT NULL,
    UNIQUE (survey_id, part)
);
