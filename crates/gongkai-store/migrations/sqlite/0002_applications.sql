-- Disclosure on application (依申请公开): applications, their event timeline, letters,
-- attachments, reconsideration/litigation cases, tracking-number counters, and calendar years
-- loaded by the city office.

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    officer_id INTEGER REFERENCES users(id),
    requester_type TEXT NOT NULL,
    name TEXT NOT NULL,
    id_document TEXT NOT NULL DEFAULT '',
    org_code TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    delivery TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    reply_text TEXT NOT NULL DEFAULT '',
    reply_due_on TEXT,
    paused INTEGER NOT NULL DEFAULT 0,
    extended INTEGER NOT NULL DEFAULT 0,
    fee_method TEXT,
    fee_amount INTEGER NOT NULL DEFAULT 0,
    closed_on TEXT,
    registered_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX applications_body_status ON applications (body_id, status, reply_due_on);
CREATE INDEX applications_due ON applications (status, reply_due_on);
CREATE INDEX applications_received ON applications (body_id, received_on);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    public INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE application_letters (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX application_letters_app ON application_letters (application_id, id);

CREATE TABLE application_files (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE application_cases (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    result TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    decided_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
);

CREATE TABLE tracking_counters (
    year INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    message TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    read_ms INTEGER,
    emailed_ms INTEGER,
    dedupe_key TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_user ON notifications (user_id, read_ms);

-- Lookups the foundation pages make on every view.
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX items_successor ON items (successor_id);
CREATE INDEX items_created_by ON items (created_by, status);
