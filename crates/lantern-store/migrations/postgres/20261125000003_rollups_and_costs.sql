-- Episodes tallied per practice × UK day × dimension × key, kept exact in the same transaction as
-- every episode write, so a dashboard reads a period's tallies instead of its episodes.
CREATE TABLE episode_rollups (
    practice   TEXT NOT NULL,
    day        TEXT NOT NULL,
    dimension  TEXT NOT NULL,
    key        TEXT NOT NULL,
    episodes   BIGINT NOT NULL,
    minutes    BIGINT NOT NULL,
    PRIMARY KEY (practice, day, dimension, key)
);

-- The hourly cost (pence, with on-costs) a practice uses for each staff role; absent means the default.
CREATE TABLE role_costs (
    practice      TEXT NOT NULL REFERENCES practices (ods_code),
    role          TEXT NOT NULL,
    hourly_pence  BIGINT NOT NULL CHECK (hourly_pence >= 0),
    PRIMARY KEY (practice, role)
);
