-- What a survey's mapping holds beyond the role positions of `survey`: the account column (given with
-- --account-column or in the mapping screen), how a recoded NPS column is read (--nps-scale) and the date
-- order inferred from the first wave, so a later wave of the same survey imports without being asked again.
CREATE TABLE survey_mapping (
    survey_id        INTEGER PRIMARY KEY REFERENCES survey (id) ON DELETE CASCADE,
    account_position INTEGER,
    -- '0-10', '1-11' or 'weights'; NULL: the values are read as written.
    nps_scale        TEXT,
    -- 'month-first' or 'day-first'; NULL: no numeric dates decided it yet.
    date_order       TEXT
);
