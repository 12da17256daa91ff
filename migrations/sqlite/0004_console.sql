-- The coordination center's web console (docs/console.md).

-- Signed-in browser sessions. The cookie carries a 256-bit random value; only its
-- SHA-256 is kept. `credential` names what the session was opened with
-- (`apikey:<client id>` or `token:<jti>`) so revoking it ends the session at once.
CREATE TABLE console_sessions (
    id_sha256       TEXT PRIMARY KEY,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),
    role            TEXT NOT NULL CHECK (role IN ('member', 'analyst', 'admin')),
    credential      TEXT NOT NULL,
    csrf            TEXT NOT NULL,           -- the token every form of the session carries
    created_at      INTEGER NOT NULL,        -- microseconds since the epoch
    last_seen       INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL         -- absolute end, whatever the activity
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

-- Each object's current triage state, derived from triage_events by the trigger below
-- (in the transaction that records the event), so the queue filters on it with an index.
-- No row means "new".
CREATE TABLE console_triage_state (
    stix_id    TEXT PRIMARY KEY,
    state      TEXT,                         -- confirmed, false-positive, escalated (NULL: new)
    assignee   TEXT,
    escalated  TEXT,                         -- id of the cross-sector copy
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX console_triage_state_by_state ON console_triage_state (state);
CREATE INDEX console_triage_state_by_assignee ON console_triage_state (assignee);

CREATE TRIGGER console_triage_state_follows AFTER INSERT ON triage_events
WHEN NEW.action IN ('confirm', 'false-positive', 'reject-false-positive', 'escalate', 'assign')
BEGIN
    INSERT INTO console_triage_state (stix_id, state, assignee, escalated, updated_at)
    VALUES (NEW.stix_id, NULL, NULL, NULL, NEW.at)
    ON CONFLICT (stix_id) DO NOTHING;
    UPDATE console_triage_state SET
        state = CASE NEW.action
            WHEN 'confirm' THEN 'confirmed'
            WHEN 'reject-false-positive' THEN 'confirmed'
            WHEN 'false-positive' THEN 'false-positive'
            WHEN 'escalate' THEN 'escalated'
            ELSE state END,
        assignee = CASE NEW.action
            WHEN 'assign' THEN json_extract(NEW.detail, '$.assignee')
            ELSE assignee END,
        escalated = CASE NEW.action
            WHEN 'escalate' THEN json_extract(NEW.detail, '$.copy')
            ELSE escalated END,
        updated_at = NEW.at
    WHERE stix_id = NEW.stix_id;
END;

-- Sightings of an object, for the object page.
CREATE INDEX objects_sighting_of ON objects (json_extract(body, '$.sighting_of_ref'))
WHERE stix_type = 'sighting';
-- The queue filters by type, newest first.
CREATE INDEX objects_by_type ON objects (stix_type, seq);
-- The queue's correlation filter reads the scorer's reports by count.
CREATE INDEX console_score_reports_by_correlations ON score_reports (correlations, stix_id);
