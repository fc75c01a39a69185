-- The auditor's log filtered by who acted, newest first: without it a rare login meant walking
-- the whole log.
CREATE INDEX audit_log_actor ON audit_log (actor, seq DESC);
