-- People who sign in through an OpenID Connect provider (NHS CIS2). Only who they are to the provider
-- (issuer and subject, the CIS2 UID), their display name, and the organisation and role they chose:
-- never patient data. One row per person per organisation, so each organisation's lead decides alone.
CREATE TABLE oidc_identities (
    id            TEXT PRIMARY KEY,
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    rbac_role     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    user_id       TEXT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    TEXT,
    UNIQUE (issuer, subject, organisation)
);
CREATE INDEX oidc_identities_status ON oidc_identities (status, organisation);

-- Sign-ins under way: the state (only its hash), nonce and PKCE verifier of each, used once.
CREATE TABLE oidc_logins (
    state_hash  TEXT PRIMARY KEY,
    nonce       TEXT NOT NULL,
    verifier    TEXT NOT NULL,
    next        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
