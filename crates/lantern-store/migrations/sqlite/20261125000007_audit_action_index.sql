-- The audit page filters by action (and lists the actions seen); newest first within each.
CREATE INDEX audit_events_action ON audit_events (action, seq);
