-- The episode log: practices, their services and staff, and versioned episodes.
CREATE TABLE practices (
    ods_code   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    pcn        TEXT,
    icb        TEXT,
    list_size  INTEGER NOT NULL CHECK (list_size >= 0),
    synthetic  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE practice_services (
    practice  TEXT NOT NULL REFERENCES practices (ods_code),
    code      TEXT NOT NULL,
    label     TEXT NOT NULL,
    enabled   INTEGER NOT NULL,
    custom    INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (practice, code)
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    practice      TEXT NOT NULL REFERENCES practices (ods_code),
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    active        INTEGER NOT NULL
);
CREATE INDEX staff_practice ON staff (practice);

-- One row per episode, carrying the current version's searchable fields.
CREATE TABLE episodes (
    id               TEXT PRIMARY KEY,
    practice         TEXT NOT NULL REFERENCES practices (ods_code),
    current_version  INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    occurred_at      TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    deleted_at       TEXT,
    deleted_reason   TEXT
);
CREATE INDEX episodes_practice_time ON episodes (practice, occurred_at, id);

-- Every version ever written; multi-valued fields are space-separated codes (codes never hold spaces).
CREATE TABLE episode_versions (
    episode_id        TEXT NOT NULL REFERENCES episodes (id),
    version           INTEGER NOT NULL,
    recorded_at       TEXT NOT NULL,
    occurred_at       TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 240),
    channel           TEXT NOT NULL,
    services          TEXT NOT NULL,
    tasks             TEXT NOT NULL,
    approach          TEXT NOT NULL,
    barriers          TEXT NOT NULL,
    age_band          TEXT,
    carer_proxy       INTEGER NOT NULL,
    outcome           TEXT NOT NULL,
    escalated_to      TEXT REFERENCES staff (id),
    follow_up         INTEGER NOT NULL,
    note              TEXT,
    helpers           TEXT NOT NULL,
    PRIMARY KEY (episode_id, version)
);

-- The current version's helpers and services, for filtering and (later) measures.
CREATE TABLE episode_helpers (
    episode_id  TEXT NOT NULL REFERENCES episodes (id),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (episode_id, staff_id)
);
CREATE INDEX episode_helpers_staff ON episode_helpers (staff_id);

CREATE TABLE episode_services (
    episode_id  TEXT NOT NULL REFERENCES episodes (id),
    service     TEXT NOT NULL,
    PRIMARY KEY (episode_id, service)
);
CREATE INDEX episode_services_service ON episode_services (service);
