-- Foundation schema (SQLite). Instants are Unix milliseconds (INTEGER), dates are 'YYYY-MM-DD' TEXT,
-- lists are JSON arrays in TEXT: the sqlx Any driver carries only these types on both databases.

CREATE TABLE bodies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_names TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES bodies(id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
);

CREATE TABLE grants (
    user_id INTEGER NOT NULL REFERENCES users(id),
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, body_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_used_ms INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    doc_number TEXT,
    doc_number_raw TEXT,
    written_on TEXT,
    published_on TEXT,
    published_ms INTEGER,
    scheduled_ms INTEGER,
    genre TEXT NOT NULL,
    topic TEXT NOT NULL,
    key_areas TEXT NOT NULL DEFAULT '[]',
    keywords TEXT NOT NULL DEFAULT '[]',
    validity TEXT NOT NULL,
    successor_id INTEGER REFERENCES items(id),
    disclosure TEXT NOT NULL,
    time_limit TEXT NOT NULL,
    scope TEXT NOT NULL,
    channel TEXT NOT NULL,
    co_issuers TEXT NOT NULL DEFAULT '[]',
    index_number TEXT UNIQUE,
    index_year INTEGER,
    index_serial INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    review_note TEXT,
    reviewer_id INTEGER REFERENCES users(id),
    reviewed_ms INTEGER,
    pii_override TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX items_status_published ON items (status, published_ms DESC);
CREATE INDEX items_body_status ON items (body_id, status, published_ms DESC);
CREATE INDEX items_topic ON items (topic, status);
CREATE INDEX items_genre ON items (genre, status);

CREATE TABLE item_key_areas (
    item_id INTEGER NOT NULL REFERENCES items(id),
    key_area TEXT NOT NULL,
    PRIMARY KEY (key_area, item_id)
);

CREATE TABLE item_versions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    editor_id INTEGER NOT NULL REFERENCES users(id),
    at_ms INTEGER NOT NULL,
    UNIQUE (item_id, version)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    extracted_text TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
);
CREATE INDEX attachments_item ON attachments (item_id);

CREATE TABLE index_counters (
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (body_id, year)
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    processed_ms INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (processed_ms, id);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    notice_date TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
