-- Work-plan supervision (督查): plans, their sections and tasks, the bodies responsible for each
-- task, progress reports, remembered name mappings, and each body's year-end report.

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    doc_number TEXT,
    issued_on TEXT,
    source TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_ms INTEGER NOT NULL
);

CREATE TABLE plan_sections (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE plan_tasks (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    section_id INTEGER REFERENCES plan_sections(id),
    code TEXT NOT NULL,
    subsection TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    clause TEXT NOT NULL DEFAULT '',
    deadline_text TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    status TEXT NOT NULL,
    percent INTEGER NOT NULL DEFAULT 0,
    done_on TEXT,
    position INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX plan_tasks_plan ON plan_tasks (plan_id, position);

CREATE TABLE plan_task_bodies (
    task_id INTEGER NOT NULL REFERENCES plan_tasks(id),
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    role TEXT NOT NULL,
    PRIMARY KEY (task_id, body_id)
);
CREATE INDEX plan_task_bodies_body ON plan_task_bodies (body_id);

CREATE TABLE plan_reports (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES plan_tasks(id),
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    percent INTEGER NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    office_comment TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX plan_reports_task ON plan_reports (task_id, id);

CREATE TABLE name_mappings (
    name TEXT PRIMARY KEY,
    body_ids TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE plan_body_reports (
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (plan_id, body_id)
);
