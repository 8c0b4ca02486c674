-- How patients reach their practice today (issue 14), as NHS England publishes it monthly per practice.
-- Quirks go to uptake_flags (sources appointments, cbt); names to uptake_names.

-- Appointments in General Practice, practice-level crosstab, folded to one row per practice-month:
-- each dimension's tallies (mode, status, booking lead time, staff type) add up to total. Rows whose
-- count was blank or below zero are in no tally: rows_left_out says how many (flagged with their line).
CREATE TABLE access_appointments (
    period                           TEXT NOT NULL,
    practice                         TEXT NOT NULL,
    supplier                         TEXT NOT NULL,
    total                            BIGINT NOT NULL,
    face_to_face                     BIGINT NOT NULL,
    telephone                        BIGINT NOT NULL,
    video_online                     BIGINT NOT NULL,
    home_visit                       BIGINT NOT NULL,
    mode_unknown                     BIGINT NOT NULL,
    attended                         BIGINT NOT NULL,
    dna                              BIGINT NOT NULL,
    status_unknown                   BIGINT NOT NULL,
    same_day                         BIGINT NOT NULL,
    one_day                          BIGINT NOT NULL,
    two_to_seven_days                BIGINT NOT NULL,
    eight_to_fourteen_days           BIGINT NOT NULL,
    fifteen_to_twenty_one_days       BIGINT NOT NULL,
    twenty_two_to_twenty_eight_days  BIGINT NOT NULL,
    more_than_twenty_eight_days      BIGINT NOT NULL,
    lead_time_unknown                BIGINT NOT NULL,
    gp                               BIGINT NOT NULL,
    other_staff                      BIGINT NOT NULL,
    hcp_unknown                      BIGINT NOT NULL,
    rows_left_out                    BIGINT NOT NULL,
    PRIMARY KEY (period, practice)
);
CREATE INDEX access_appointments_practice ON access_appointments (practice, period);

-- Cloud Based Telephony, one row per phone account per month: a practice's own (practice = its ODS
-- code) or one several practices share (account 'shared', practice 'shared-N'), whose figures are
-- never given to any one practice. NULL is a blank in the file; a practice not listed is not reported.
CREATE TABLE access_cbt (
    period              TEXT NOT NULL,
    practice            TEXT NOT NULL,
    account             TEXT NOT NULL CHECK (account IN ('practice', 'shared')),
    pcn                 TEXT,
    sub_icb             TEXT,
    icb                 TEXT,
    region              TEXT,
    inbound             BIGINT,
    answered            BIGINT,
    ivr_ended           BIGINT,
    callback_requested  BIGINT,
    missed              BIGINT,
    callback_made       BIGINT,
    PRIMARY KEY (period, practice)
);
CREATE INDEX access_cbt_pcn ON access_cbt (pcn, period);
