-- Uptake of online services as NHS Digital publishes it (issue 6). Public, practice-level data: no
-- patient is identifiable from it, so it sits beside, not inside, the practices Lantern serves.

-- POMI, one row per practice × month (period = YYYY-MM of the reporting period's end). The 13 published
-- fields are columns; NULL is a value the file left blank, never a zero. Where the practice sat that
-- month (region, CCG or sub-ICB location, ICB when the file says) and its supplier are kept per month,
-- as published, because practices move and suppliers change.
CREATE TABLE uptake_pomi (
    period                TEXT NOT NULL,
    practice              TEXT NOT NULL,
    supplier              TEXT NOT NULL,
    region                TEXT NOT NULL,
    org_kind              TEXT NOT NULL CHECK (org_kind IN ('ccg', 'sub_icb')),
    org                   TEXT NOT NULL,
    icb                   TEXT,
    patient_list_size     BIGINT,
    total_pat_enbld       BIGINT,
    new_pat_enbld         BIGINT,
    total_use             BIGINT,
    sys_appts_enbld       BIGINT,
    pat_appts_enbld       BIGINT,
    pat_appts_use         BIGINT,
    sys_presc_enbld       BIGINT,
    pat_presc_enbld       BIGINT,
    pat_presc_use         BIGINT,
    sys_detcoderec_enbld  BIGINT,
    pat_detcoderec_enbld  BIGINT,
    pat_detcoderec_use    BIGINT,
    PRIMARY KEY (period, practice)
);
CREATE INDEX uptake_pomi_practice ON uptake_pomi (practice, period);

-- Names of the organisations the files mention (kind: practice, region, ccg, sub_icb, icb), latest wins.
CREATE TABLE uptake_names (
    kind  TEXT NOT NULL,
    code  TEXT NOT NULL,
    name  TEXT NOT NULL,
    PRIMARY KEY (kind, code)
);

-- Quirks of the data, kept beside it rather than dropped or corrected (kinds: lantern_core::uptake).
-- One per source × practice-month × kind × field, so re-importing a file finds the same set.
CREATE TABLE uptake_flags (
    source    TEXT NOT NULL,
    practice  TEXT NOT NULL,
    period    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    field     TEXT NOT NULL,
    detail    TEXT NOT NULL,
    PRIMARY KEY (source, period, practice, kind, field)
);
CREATE INDEX uptake_flags_kind ON uptake_flags (source, kind);

-- Patients Registered at a GP Practice: the total per practice at each monthly extract (YYYY-MM);
-- NULL when the file left it blank (flagged in uptake_flags, source 'registrations').
CREATE TABLE uptake_registrations (
    period    TEXT NOT NULL,
    practice  TEXT NOT NULL,
    patients  BIGINT CHECK (patients >= 0),
    PRIMARY KEY (period, practice)
);
