-- The practice's support offers (lantern_core::offer): what it does to help patients online beyond ad hoc
-- help, from when, run by whom (a member of staff or a screened name, exactly one), for whom (space-
-- separated codes; empty is everyone). Edits and ends are in the audit trail with before and after.
CREATE TABLE support_offers (
    id            TEXT PRIMARY KEY,
    practice      TEXT NOT NULL REFERENCES practices (ods_code),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    started_on    TEXT NOT NULL,
    ended_on      TEXT,
    run_by_staff  TEXT REFERENCES staff (id),
    run_by_name   TEXT,
    age_bands     TEXT NOT NULL DEFAULT '',
    audience      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((run_by_staff IS NULL) <> (run_by_name IS NULL)),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX support_offers_practice ON support_offers (practice, started_on);

-- The offer an episode of help belongs to, if any (the same practice's; the store checks). Kept on the
-- episode rather than its versions: naming the offer is its own audited write, not an edit of the help.
ALTER TABLE episodes ADD COLUMN offer_id TEXT REFERENCES support_offers (id);
CREATE INDEX episodes_offer ON episodes (offer_id);
