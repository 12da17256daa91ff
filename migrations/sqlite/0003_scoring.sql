-- The contribution ledger and the scorer's state (docs/scoring.md).
--
-- Facts come from what the hub stores anyway: object versions (and deleted ones, kept
-- below), refused objects in status resources, and analysts' triage decisions, all
-- stamped by one hub clock. The scorer replays them in that order; everything in the
-- score_* tables and the ledger is derived, and `kyoyu score recompute` rebuilds it.

-- Versions deleted through TAXII, as they were, so a rebuild sees what the scorer saw.
CREATE TABLE deleted_objects (
    seq           INTEGER PRIMARY KEY,       -- the objects.seq the version had
    collection_pk INTEGER NOT NULL,
    stix_id       TEXT NOT NULL,
    stix_type     TEXT NOT NULL,
    version       TEXT NOT NULL,
    date_added    INTEGER NOT NULL,
    producer_pk   INTEGER NOT NULL,
    tlp           TEXT NOT NULL,
    recipients    TEXT NOT NULL,             -- JSON array of organisation keys (TLP:RED)
    body          TEXT NOT NULL,
    deleted_at    INTEGER NOT NULL           -- hub clock
);
CREATE INDEX deleted_objects_by_time ON deleted_objects (deleted_at);

-- Refused objects are read from status resources in time order.
CREATE INDEX statuses_by_time ON statuses (request_timestamp);

-- How far the scorer got: every fact with a time up to `at` (and every version up to
-- `object_seq`) is in the ledger; `ledger_n` is the last ledger row's number.
CREATE TABLE score_progress (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    at          INTEGER NOT NULL,
    object_seq  INTEGER NOT NULL,
    ledger_n    INTEGER NOT NULL,
    rebuilding  INTEGER NOT NULL             -- 1 only inside `kyoyu score recompute`
);
INSERT INTO score_progress (id, at, object_seq, ledger_n, rebuilding) VALUES (1, 0, 0, 0, 0);

-- Every event that earned or cost an organisation credit, in hub order.
CREATE TABLE ledger (
    n               INTEGER PRIMARY KEY,     -- 1, 2, 3, ... assigned by the scorer
    at              INTEGER NOT NULL,        -- hub time of the fact that caused it
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),
    component       TEXT NOT NULL,
    points          INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    stix_id         TEXT,
    counterpart_pk  INTEGER                  -- the other organisation involved, if any
);
CREATE INDEX ledger_by_organization ON ledger (organization_pk, n);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
WHEN (SELECT rebuilding FROM score_progress WHERE id = 1) = 0
BEGIN SELECT RAISE(ABORT, 'ledger is append-only (kyoyu score recompute rebuilds it)'); END;

-- Reports: the first version of each object with observables, per producer.
CREATE TABLE score_reports (
    seq             INTEGER PRIMARY KEY,     -- objects.seq of the version
    stix_id         TEXT NOT NULL,
    stix_type       TEXT NOT NULL,
    organization_pk INTEGER NOT NULL,
    collection_pk   INTEGER NOT NULL,
    tlp             TEXT NOT NULL,
    recipients      TEXT NOT NULL,           -- JSON array of organisation keys
    at              INTEGER NOT NULL,
    relation        TEXT NOT NULL CHECK (relation IN ('first', 'independent', 'repost', 'own', 'none')),
    correlations    INTEGER NOT NULL DEFAULT 0,  -- later and earlier reports of its observables by others
    withdrawn_at    INTEGER                  -- the version was deleted
);
CREATE INDEX score_reports_by_stix_id ON score_reports (stix_id, seq);

CREATE TABLE score_observations (
    kind            TEXT NOT NULL,
    value           TEXT NOT NULL,
    seq             INTEGER NOT NULL,        -- score_reports.seq
    organization_pk INTEGER NOT NULL,
    PRIMARY KEY (kind, value, seq)
) WITHOUT ROWID;
CREATE INDEX score_observations_by_organization ON score_observations (kind, value, organization_pk);

-- Credit state of each scored object (by its producer's id).
CREATE TABLE score_objects (
    stix_id         TEXT PRIMARY KEY,
    organization_pk INTEGER NOT NULL,
    report_seq      INTEGER NOT NULL,
    relation        TEXT NOT NULL,
    provisional     INTEGER NOT NULL,        -- novelty paid before confirmation
    completeness    INTEGER NOT NULL,        -- bits: valid_until 1, kill_chain_phases 2, description 4, confidence 8
    related         INTEGER NOT NULL DEFAULT 0,
    related_paid    INTEGER NOT NULL DEFAULT 0,
    confirmed_at    INTEGER,
    timeliness_paid INTEGER NOT NULL DEFAULT 0,
    corroborators   INTEGER NOT NULL DEFAULT 0,
    analyst_confirmed INTEGER NOT NULL DEFAULT 0,
    revoked_at      INTEGER,
    fp_state        TEXT NOT NULL DEFAULT 'none' CHECK (fp_state IN ('none', 'reported', 'confirmed', 'rejected')),
    fp_penalised    INTEGER NOT NULL DEFAULT 0   -- the false-positive penalty is in the ledger
) WITHOUT ROWID;

-- Distinct organisations that corroborated an object (sighting or independent report).
CREATE TABLE score_corroborations (
    stix_id         TEXT NOT NULL,
    organization_pk INTEGER NOT NULL,
    how             TEXT NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (stix_id, organization_pk)
) WITHOUT ROWID;

-- Corroborations between each pair of organisations (either direction), for damping.
CREATE TABLE score_pairs (
    low_pk  INTEGER NOT NULL,
    high_pk INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (low_pk, high_pk)
) WITHOUT ROWID;

-- False-positive reports: opinions `disagree`/`strongly-disagree` naming an object.
CREATE TABLE score_false_positives (
    stix_id         TEXT NOT NULL,
    organization_pk INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (stix_id, organization_pk)
) WITHOUT ROWID;

-- Per organisation and UTC day: unconfirmed novelty paid, objects refused.
CREATE TABLE score_daily (
    organization_pk INTEGER NOT NULL,
    day             INTEGER NOT NULL,        -- days since the epoch
    provisional     INTEGER NOT NULL DEFAULT 0,
    refused         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_pk, day)
) WITHOUT ROWID;

-- Which organisation already submitted which object id (only first submissions count).
CREATE TABLE score_seen (
    stix_id         TEXT NOT NULL,
    organization_pk INTEGER NOT NULL,
    PRIMARY KEY (stix_id, organization_pk)
) WITHOUT ROWID;
