-- One row per client submission key (the log form's one-time key, the API's Idempotency-Key), so a
-- form sent twice or a request retried after a lost reply stores one episode. The key is stored only
-- as a hash salted with the account, so one account's key can never find another's episode.
CREATE TABLE submission_keys (
    key_hash      TEXT PRIMARY KEY,
    payload_hash  TEXT NOT NULL,
    episode_id    TEXT NOT NULL REFERENCES episodes (id),
    created_at    TEXT NOT NULL
);
