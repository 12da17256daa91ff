-- Sectors and CEPTOARs come from seeds/sectors.toml; slugs never change.
CREATE TABLE sectors (
    slug            TEXT PRIMARY KEY,
    name_en         TEXT NOT NULL,
    name_ja         TEXT NOT NULL,
    added_on        TEXT NOT NULL,
    industry_sector TEXT NOT NULL   -- STIX industry-sector-ov values, comma-separated
);

CREATE TABLE ceptoars (
    slug        TEXT PRIMARY KEY,
    sector_slug TEXT NOT NULL REFERENCES sectors (slug),
    name_en     TEXT NOT NULL,
    name_ja     TEXT NOT NULL
);

CREATE TABLE organizations (
    pk           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    sector_slug  TEXT NOT NULL REFERENCES sectors (slug),
    ceptoar_slug TEXT REFERENCES ceptoars (slug),
    role         TEXT NOT NULL CHECK (role IN ('member', 'analyst', 'admin')),
    created_at   INTEGER NOT NULL            -- microseconds since the epoch
);

-- Collection ids are version 4 UUIDs made once at creation; `alias` is the slug.
CREATE TABLE collections (
    pk          INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    alias       TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('cross-sector', 'sector', 'advisories')),
    sector_slug TEXT REFERENCES sectors (slug),
    default_tlp TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One row per object version per collection, the JSON text exactly as received.
-- `seq` never repeats (AUTOINCREMENT), and rows are written in (date_added, seq) order,
-- which is what pagination cursors walk.
CREATE TABLE objects (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_pk INTEGER NOT NULL REFERENCES collections (pk),
    stix_id       TEXT NOT NULL,
    stix_type     TEXT NOT NULL,
    spec_version  TEXT NOT NULL,
    version       TEXT NOT NULL,             -- as written (modified, created) or date_added
    version_key   TEXT NOT NULL,             -- sortable form of `version`
    date_added    INTEGER NOT NULL,          -- microseconds since the epoch
    is_latest     INTEGER NOT NULL,          -- 1 on the newest version of (collection, id)
    producer_pk   INTEGER NOT NULL REFERENCES organizations (pk),  -- the true producer, even when anonymous
    tlp           TEXT NOT NULL,             -- effective TLP: clear, green, amber, amber-strict, red
    body          TEXT NOT NULL
);
-- (stix_id, version_key) first: serves both per-collection and hub-wide version lookups.
CREATE UNIQUE INDEX objects_by_version ON objects (stix_id, version_key, collection_pk);
CREATE INDEX objects_by_date_added ON objects (collection_pk, date_added, seq);

-- Normalised observables of each stored version (IPs, domains, URLs, hashes, ...), so
-- the hub can answer "who else reported this".
-- WITHOUT ROWID: the key is the only B-tree, one random-key insert per observable.
CREATE TABLE observables (
    seq   INTEGER NOT NULL REFERENCES objects (seq) ON DELETE CASCADE,
    kind  TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, value, seq)
) WITHOUT ROWID;
CREATE INDEX observables_by_seq ON observables (seq);

-- Organisations a TLP:RED object version is shared with (besides its producer and the
-- coordination center).
CREATE TABLE object_recipients (
    seq             INTEGER NOT NULL REFERENCES objects (seq) ON DELETE CASCADE,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),
    PRIMARY KEY (seq, organization_pk)
);

-- Who created each versioned STIX object: only that organisation (or an administrator)
-- may add versions of it or delete it. Kept when versions are deleted.
CREATE TABLE object_owners (
    stix_id         TEXT PRIMARY KEY,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk)
) WITHOUT ROWID;

CREATE TABLE statuses (
    id                TEXT PRIMARY KEY,
    organization_pk   INTEGER NOT NULL REFERENCES organizations (pk),
    request_timestamp INTEGER NOT NULL,
    body              TEXT NOT NULL          -- the status resource as served
);

-- API keys for HTTP Basic (client id : secret). The secret is 256 random bits, so a
-- SHA-256 digest is as strong as a slow password hash and costs microseconds per request.
CREATE TABLE api_keys (
    client_id       TEXT PRIMARY KEY,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),
    role            TEXT NOT NULL CHECK (role IN ('member', 'siem', 'analyst', 'admin')),
    secret_sha256   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

-- Client certificates (mutual TLS) mapped to organisations, by the SHA-256 of the
-- certificate's DER encoding.
CREATE TABLE client_certificates (
    sha256          TEXT PRIMARY KEY,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),
    role            TEXT NOT NULL CHECK (role IN ('member', 'siem')),
    subject         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

-- Bearer tokens revoked before their expiry, by `jti`.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL
);

-- Append-only record of who submitted, changed, deleted and read what.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,        -- microseconds since the epoch
    organization    TEXT NOT NULL,
    role            TEXT NOT NULL,
    action          TEXT NOT NULL,
    collection      TEXT,
    stix_id         TEXT,
    detail          TEXT NOT NULL
);
CREATE INDEX audit_log_by_organization ON audit_log (organization, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Fan-out duties (the transactional outbox): written in the transaction that accepts
-- or deletes an object version, claimed by a dispatcher for a lease, and removed once
-- the broker confirmed every message the duty stands for.
CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    event         TEXT NOT NULL CHECK (event IN ('added', 'deleted')),
    object_seq    INTEGER,                   -- objects.seq of an added version
    collection_pk INTEGER NOT NULL REFERENCES collections (pk),
    stix_id       TEXT NOT NULL,
    stix_type     TEXT NOT NULL,
    version       TEXT NOT NULL,
    date_added    INTEGER NOT NULL,
    tlp           TEXT NOT NULL,
    producer_pk   INTEGER NOT NULL REFERENCES organizations (pk),
    red_to        TEXT,                      -- deleted RED versions: JSON list of recipient slugs
    enqueued_at   INTEGER NOT NULL,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_claim ON outbox (claimed_until, seq);

-- The bindings `kyoyu amqp provision` made, so a later run can remove stale ones.
CREATE TABLE amqp_bindings (
    queue       TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    PRIMARY KEY (queue, routing_key)
);

-- Hub-generated secrets (the HS256 signing key), made on first start.
CREATE TABLE hub_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
