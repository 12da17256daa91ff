-- Analysts' decisions and actions on objects (the console writes them). Append-only:
-- the history of an object's triage is its rows in order. `at` comes from the same
-- clock as objects' `date_added`, so the contribution ledger can replay decisions and
-- submissions in one order.
CREATE TABLE triage_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,        -- microseconds since the epoch, hub clock
    stix_id         TEXT NOT NULL,
    organization_pk INTEGER NOT NULL REFERENCES organizations (pk),  -- the analyst's organisation
    analyst         TEXT NOT NULL,           -- who acted: the credential's subject
    action          TEXT NOT NULL CHECK (action IN (
                        'confirm', 'false-positive', 'reject-false-positive',
                        'escalate', 'advisory', 'assign', 'comment')),
    detail          TEXT NOT NULL            -- JSON: comment, assignee, copy or advisory id
);
CREATE INDEX triage_events_by_object ON triage_events (stix_id, seq);
CREATE INDEX triage_events_by_time ON triage_events (at);
CREATE TRIGGER triage_events_no_update BEFORE UPDATE ON triage_events
BEGIN SELECT RAISE(ABORT, 'triage_events is append-only'); END;
CREATE TRIGGER triage_events_no_delete BEFORE DELETE ON triage_events
BEGIN SELECT RAISE(ABORT, 'triage_events is append-only'); END;
