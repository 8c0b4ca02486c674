-- Observation studies: researchers shadow staff and code what they do against a versioned template.
-- Sessions keep the events the capture page sent, exactly as accepted; the timeline is rebuilt from
-- them, so nothing derived can drift from what was recorded.
CREATE TABLE observation_studies (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    consent_note      TEXT NOT NULL,
    -- The template version new sessions are coded against.
    template_version  INTEGER NOT NULL,
    created_by        TEXT REFERENCES users (id),
    created_at        TEXT NOT NULL
);

CREATE TABLE observation_study_practices (
    study     TEXT NOT NULL REFERENCES observation_studies (id),
    practice  TEXT NOT NULL REFERENCES practices (ods_code),
    position  INTEGER NOT NULL,
    PRIMARY KEY (study, practice)
);
CREATE INDEX observation_study_practices_practice ON observation_study_practices (practice);

CREATE TABLE observation_study_observers (
    study     TEXT NOT NULL REFERENCES observation_studies (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (study, user_id)
);

-- Every version a study's template has had; sessions name the one they were coded with.
CREATE TABLE observation_templates (
    study          TEXT NOT NULL REFERENCES observation_studies (id),
    version        INTEGER NOT NULL,
    template_json  TEXT NOT NULL,
    created_by     TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (study, version)
);

CREATE TABLE observation_sessions (
    id                TEXT PRIMARY KEY,
    study             TEXT NOT NULL REFERENCES observation_studies (id),
    template_version  INTEGER NOT NULL,
    practice          TEXT NOT NULL REFERENCES practices (ods_code),
    observer          TEXT NOT NULL REFERENCES users (id),
    staff_id          TEXT NOT NULL REFERENCES staff (id),
    started_at        TEXT NOT NULL,
    -- Copied from the session-ended event for listing; the events are the record.
    ended_at          TEXT,
    -- Two sessions shadowing the same person at once share a pair id.
    reliability_pair  TEXT,
    created_at        TEXT NOT NULL,
    FOREIGN KEY (study, template_version) REFERENCES observation_templates (study, version)
);
CREATE INDEX observation_sessions_study ON observation_sessions (study, started_at);
CREATE INDEX observation_sessions_pair ON observation_sessions (reliability_pair);

-- `at` is whole seconds for reading and ordering; `payload` is the event as accepted, exact instant
-- included, so a re-sent event compares equal to the stored one.
CREATE TABLE observation_events (
    id           TEXT PRIMARY KEY,
    session      TEXT NOT NULL REFERENCES observation_sessions (id),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE INDEX observation_events_session ON observation_events (session, at);
