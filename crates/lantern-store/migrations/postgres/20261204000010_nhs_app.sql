-- NHS App Management Information Statistics (issue 14): published monthly for England and for each
-- ICB, never for a practice. One row per month and level: England (code E92000001, from Table 1), an
-- ICB (its ODS code, from Table 2), or the usage Table 2 publishes under ICB "Unknown" (level
-- 'unmapped'), which is part of England's figure and no ICB's. NULL is a blank or suppressed figure,
-- never zero. Quirks go to uptake_flags (source nhs_app, the code in its practice column); ICB and
-- region names to uptake_names. Each workbook republishes every month since March 2025, so an import
-- replaces the months it holds whole.
CREATE TABLE nhs_app_months (
    period              TEXT NOT NULL,
    level               TEXT NOT NULL CHECK (level IN ('england', 'icb', 'unmapped')),
    code                TEXT NOT NULL,
    name                TEXT,
    region              TEXT,
    region_name         TEXT,
    logins              BIGINT,
    unique_user_logins  BIGINT,
    PRIMARY KEY (period, code)
);
CREATE INDEX nhs_app_months_code ON nhs_app_months (code, period);
