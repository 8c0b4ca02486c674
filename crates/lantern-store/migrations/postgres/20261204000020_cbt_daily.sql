-- Cloud Based Telephony's practice-level CSVs (issue 14): every published value, one row per phone
-- account × day × indicator × band (× core-hours category in the Calls Answered files). file is
-- 'calls_answered' or 'durations'; a re-import replaces one file's (file, period, region) slice.
-- An account with practice 'Unassigned' (account 'shared') is shared by several practices and is
-- never read as any practice's. published is the Value cell as written; value is its whole number
-- (NULL when blank or not whole; below zero kept, flagged and left out of sums). Quirks go to
-- uptake_flags (sources cbt_calls_answered, cbt_durations).
CREATE TABLE access_cbt_daily (
    file           TEXT NOT NULL CHECK (file IN ('calls_answered', 'durations')),
    period         TEXT NOT NULL,
    day            TEXT NOT NULL,
    region         TEXT NOT NULL,
    icb            TEXT NOT NULL,
    sub_icb        TEXT NOT NULL,
    pcn            TEXT NOT NULL,
    practice       TEXT NOT NULL,
    account        TEXT NOT NULL CHECK (account IN ('practice', 'shared')),
    indicator      TEXT NOT NULL,
    band           TEXT NOT NULL,
    core_category  TEXT NOT NULL,
    published      TEXT NOT NULL,
    value          BIGINT,
    PRIMARY KEY (file, day, region, icb, sub_icb, pcn, practice, indicator, band, core_category)
);
CREATE INDEX access_cbt_daily_slice ON access_cbt_daily (file, period, region);
CREATE INDEX access_cbt_daily_practice ON access_cbt_daily (practice, period);
CREATE INDEX access_cbt_daily_pcn ON access_cbt_daily (pcn, period);
