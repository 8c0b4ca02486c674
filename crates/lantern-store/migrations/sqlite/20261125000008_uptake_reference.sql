-- Reference data uptake is read against (issue 6), all public and practice-level: where practices sit,
-- their patients by age band, online consultation submissions, deprivation, and ODS's practice list.
-- Organisation names go to uptake_names (kinds practice, pcn, sub_icb, icb, region); quirks to
-- uptake_flags with the source named (places, age_bands, oc, imd, epraccur).

-- NHS Digital's practice → PCN → sub-ICB → ICB → region map, one row per practice per extract (YYYY-MM).
CREATE TABLE uptake_places (
    extract   TEXT NOT NULL,
    practice  TEXT NOT NULL,
    pcn       TEXT,
    sub_icb   TEXT,
    icb       TEXT,
    region    TEXT,
    supplier  TEXT,
    PRIMARY KEY (extract, practice)
);

-- Registered patients by sex and 5-year band (band_from 0, 5, … 95 where 95 means 95+), practices only.
CREATE TABLE uptake_age_bands (
    period     TEXT NOT NULL,
    practice   TEXT NOT NULL,
    sex        TEXT NOT NULL CHECK (sex IN ('female', 'male')),
    band_from  INTEGER NOT NULL CHECK (band_from >= 0 AND band_from <= 95),
    patients   BIGINT CHECK (patients >= 0),
    PRIMARY KEY (period, practice, sex, band_from)
);
-- A practice's own page reads its bands without knowing the period.
CREATE INDEX uptake_age_bands_practice ON uptake_age_bands (practice, period);

-- Submissions via Online Consultation Systems, one row per practice-month; NULL is a blank in the file.
CREATE TABLE uptake_oc (
    period               TEXT NOT NULL,
    practice             TEXT NOT NULL,
    supplier             TEXT NOT NULL,
    capability           BIGINT,
    participation        BIGINT,
    system_usage         BIGINT,
    total_submissions    BIGINT,
    clinical             BIGINT,
    admin                BIGINT,
    other                BIGINT,
    patients_registered  BIGINT,
    PRIMARY KEY (period, practice)
);
CREATE INDEX uptake_oc_practice ON uptake_oc (practice, period);

-- IMD score by practice (Fingertips indicator 93553), per edition year; NULL is a blank in the file.
CREATE TABLE uptake_imd (
    year      INTEGER NOT NULL,
    practice  TEXT NOT NULL,
    score     REAL,
    PRIMARY KEY (year, practice)
);

-- ODS epraccur: every GP practice ODS lists, with status and parent as at the file. Flags about it
-- (source epraccur) have period '' as the file carries no date.
CREATE TABLE ods_practices (
    practice             TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    prescribing_setting  BIGINT,
    commissioner         TEXT,
    region               TEXT,
    postcode             TEXT,
    opened               TEXT,
    closed               TEXT
);
