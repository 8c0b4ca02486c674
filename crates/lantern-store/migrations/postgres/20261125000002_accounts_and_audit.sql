-- People who sign in, their sessions and API tokens, throttling of failed sign-ins, and the audit trail.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL,
    staff_id             TEXT REFERENCES staff (id),
    organisation         TEXT,
    password_hash        TEXT NOT NULL,
    active               BIGINT NOT NULL,
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
);

CREATE TABLE user_practices (
    user_id   TEXT NOT NULL REFERENCES users (id),
    practice  TEXT NOT NULL REFERENCES practices (ods_code),
    PRIMARY KEY (user_id, practice)
);

-- Only a hash of each token is kept: a copy of this table signs nobody in.
CREATE TABLE sessions (
    token_hash        TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id),
    csrf_token        TEXT NOT NULL,
    current_practice  TEXT,
    created_at        TEXT NOT NULL,
    last_seen_at      TEXT NOT NULL,
    expires_at        TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sign_in_failures (
    id        TEXT PRIMARY KEY,
    username  TEXT NOT NULL,
    client    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client, at);

-- Append-only and hash-chained. No foreign keys: records outlive the accounts and rows they name.
CREATE TABLE audit_events (
    seq           BIGINT PRIMARY KEY,
    at            TEXT NOT NULL,
    user_id       TEXT,
    username      TEXT NOT NULL,
    role          TEXT NOT NULL,
    organisation  TEXT,
    client        TEXT,
    action        TEXT NOT NULL,
    record_type   TEXT,
    record_id     TEXT,
    practice      TEXT,
    before_json   TEXT,
    after_json    TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_events_practice ON audit_events (practice, seq);
CREATE INDEX audit_events_record ON audit_events (record_type, record_id);

-- The last record's number and hash: appenders lock this row, and verification compares against it
-- so records removed from the end are noticed too.
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Who wrote each episode and each version (a user id; empty for system imports), so staff can edit
-- their own episodes and every version says who made it.
ALTER TABLE episodes ADD COLUMN created_by TEXT;
ALTER TABLE episode_versions ADD COLUMN recorded_by TEXT;
