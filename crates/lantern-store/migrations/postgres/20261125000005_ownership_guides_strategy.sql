-- Who owns each service, who is trained, the practice's guides, its written strategy, and who has
-- read and signed what.
CREATE TABLE service_ownership (
    practice             TEXT NOT NULL REFERENCES practices (ods_code),
    service              TEXT NOT NULL,
    owner                TEXT REFERENCES staff (id),
    supporting           TEXT NOT NULL DEFAULT '',
    escalation_route     TEXT,
    helpdesk             TEXT,
    offline_alternative  TEXT,
    reviewed_on          TEXT,
    PRIMARY KEY (practice, service)
);

CREATE TABLE training (
    practice    TEXT NOT NULL REFERENCES practices (ods_code),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    service     TEXT NOT NULL,
    trained_on  TEXT NOT NULL,
    trainer     TEXT NOT NULL,
    confidence  TEXT NOT NULL,
    PRIMARY KEY (staff_id, service)
);

CREATE TABLE guides (
    id               TEXT PRIMARY KEY,
    practice         TEXT NOT NULL REFERENCES practices (ods_code),
    current_version  BIGINT NOT NULL,
    starter_slug     TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX guides_practice ON guides (practice);

CREATE TABLE guide_versions (
    guide_id     TEXT NOT NULL REFERENCES guides (id),
    version      BIGINT NOT NULL,
    title        TEXT NOT NULL,
    services     TEXT NOT NULL,
    tasks        TEXT NOT NULL,
    body         TEXT NOT NULL,
    author       TEXT NOT NULL,
    written_at   TEXT NOT NULL,
    review_by    TEXT NOT NULL,
    approved_by  TEXT,
    approved_at  TEXT,
    PRIMARY KEY (guide_id, version)
);

CREATE TABLE strategy_versions (
    practice       TEXT NOT NULL REFERENCES practices (ods_code),
    version        BIGINT NOT NULL,
    body           TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    review_by      TEXT NOT NULL,
    signed_off_by  TEXT,
    signed_off_at  TEXT,
    PRIMARY KEY (practice, version)
);

CREATE TABLE acknowledgements (
    user_id        TEXT NOT NULL REFERENCES users (id),
    document_type  TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    version        BIGINT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (user_id, document_type, document_id, version)
);
