-- Milestones of work-plan tasks (节点), and files attached to progress reports as evidence.

CREATE TABLE plan_milestones (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES plan_tasks(id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    created_ms INTEGER NOT NULL
);
CREATE INDEX plan_milestones_task ON plan_milestones (task_id, due_on);

CREATE TABLE plan_report_files (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES plan_reports(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX plan_report_files_report ON plan_report_files (report_id);
