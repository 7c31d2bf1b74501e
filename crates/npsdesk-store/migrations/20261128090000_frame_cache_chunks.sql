-- The columnar copy in chunks (store/frame_cache.rs): an import writes the copy it holds every 2^20 rows
-- (or 256 MB), so that a 5M-row export keeps a copy within the import's memory bound. A part is now one row
-- per chunk (0, 1, …, in scan order). The table is rebuilt (its UNIQUE constraint changes); a copy written
-- before is kept as chunk 0 (derived data: a row of no survey, which foreign keys would refuse here, is
-- left behind). Nothing refers to this table.
CREATE TABLE frame_cache_chunked (
    survey_id INTEGER NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
    -- -1: time, score and respondent key of every response; n >= 0: the coded column at export position n.
    part      INTEGER NOT NULL,
    chunk     INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    data      BLOB    NOT NULL,
    UNIQUE (survey_id, part, chunk)
);
INSERT INTO frame_cache_chunked (survey_id, part, chunk, import_id, data)
    SELECT survey_id, part, 0, import_id, data FROM frame_cache WHERE survey_id IN (SELECT id FROM survey);
DROP TABLE frame_cache;
ALTER TABLE frame_cache_chunked RENAME TO frame_cache;
