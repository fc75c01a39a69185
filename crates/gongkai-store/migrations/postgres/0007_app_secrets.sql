-- Server-side secrets shared by every node (e.g. the key that protects applicants' codes).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
