//! `plans`, `plan_sections`, `plan_tasks`, `plan_task_bodies`, `plan_reports`, `name_mappings`
//! and `plan_body_reports`: work-plan supervision (督查).

use sqlx::FromRow;

use crate::{Conn, Result, from_json_list};

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub issuer: String,
    pub year: i64,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
}

pub struct NewPlan<'a> {
    pub title: &'a str,
    pub issuer: &'a str,
    pub year: i64,
    pub doc_number: Option<&'a str>,
    pub issued_on: Option<&'a str>,
    pub source: &'a str,
    pub created_by: i64,
}

pub async fn insert_plan(conn: &mut Conn, p: &NewPlan<'_>, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plans (title, issuer, year, doc_number, issued_on, source, created_by, \
         created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.title)
    .bind(p.issuer)
    .bind(p.year)
    .bind(p.doc_number)
    .bind(p.issued_on)
    .bind(p.source)
    .bind(p.created_by)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn plans(conn: &mut Conn) -> Result<Vec<PlanRow>> {
    Ok(sqlx::query_as(
        "SELECT id, title, issuer, year, doc_number, issued_on FROM plans ORDER BY year DESC, id DESC",
    )
    .fetch_all(conn)
    .await?)
}

pub async fn plan(conn: &mut Conn, id: i64) -> Result<Option<PlanRow>> {
    Ok(sqlx::query_as(
        "SELECT id, title, issuer, year, doc_number, issued_on FROM plans WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_section(
    conn: &mut Conn,
    plan_id: i64,
    number: &str,
    title: &str,
    position: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_sections (plan_id, number, title, position) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(plan_id)
    .bind(number)
    .bind(title)
    .bind(position)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct SectionRow {
    pub id: i64,
    pub number: String,
    pub title: String,
}

pub async fn sections(conn: &mut Conn, plan_id: i64) -> Result<Vec<SectionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, number, title FROM plan_sections WHERE plan_id = $1 ORDER BY position",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub section_id: Option<i64>,
    pub code: String,
    pub subsection: String,
    pub text: String,
    pub clause: String,
    pub deadline_text: String,
    pub due_on: Option<String>,
    pub status: String,
    pub percent: i64,
    pub done_on: Option<String>,
}

const TASK_COLUMNS: &str = "id, plan_id, section_id, code, subsection, text, clause, deadline_text, \
    due_on, status, percent, done_on";

pub struct NewTask<'a> {
    pub plan_id: i64,
    pub section_id: Option<i64>,
    pub code: &'a str,
    pub subsection: &'a str,
    pub text: &'a str,
    pub clause: &'a str,
    pub deadline_text: &'a str,
    pub due_on: Option<String>,
    pub position: i64,
}

pub async fn insert_task(conn: &mut Conn, t: &NewTask<'_>, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_tasks (plan_id, section_id, code, subsection, text, clause, \
         deadline_text, due_on, status, position, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'not_started', $9, $10) RETURNING id",
    )
    .bind(t.plan_id)
    .bind(t.section_id)
    .bind(t.code)
    .bind(t.subsection)
    .bind(t.text)
    .bind(t.clause)
    .bind(t.deadline_text)
    .bind(&t.due_on)
    .bind(t.position)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn tasks(conn: &mut Conn, plan_id: i64) -> Result<Vec<TaskRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLUMNS} FROM plan_tasks WHERE plan_id = $1 ORDER BY position"
    )))
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}

pub async fn task(conn: &mut Conn, id: i64) -> Result<Option<TaskRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLUMNS} FROM plan_tasks WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_task_progress(
    conn: &mut Conn,
    id: i64,
    status: &str,
    percent: i64,
    done_on: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE plan_tasks SET status = $1, percent = $2, done_on = $3, updated_ms = $4 WHERE id = $5",
    )
    .bind(status)
    .bind(percent)
    .bind(done_on)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn assign_body(conn: &mut Conn, task_id: i64, body_id: i64, role: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_task_bodies (task_id, body_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (task_id, body_id) DO UPDATE SET role = $3",
    )
    .bind(task_id)
    .bind(body_id)
    .bind(role)
    .execute(conn)
    .await?;
    Ok(())
}

/// (task id, body id, role) of every task of a plan.
pub async fn task_bodies(conn: &mut Conn, plan_id: i64) -> Result<Vec<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT tb.task_id, tb.body_id, tb.role FROM plan_task_bodies tb \
         JOIN plan_tasks t ON t.id = tb.task_id WHERE t.plan_id = $1 ORDER BY tb.task_id, tb.role DESC, tb.body_id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: i64,
    pub body_id: i64,
    pub author: String,
    pub text: String,
    pub percent: i64,
    pub evidence: String,
    pub status: String,
    pub office_comment: String,
    pub created_ms: i64,
}

const REPORT_COLUMNS: &str =
    "id, task_id, body_id, author, text, percent, evidence, status, office_comment, created_ms";

#[allow(clippy::too_many_arguments)]
pub async fn insert_report(
    conn: &mut Conn,
    task_id: i64,
    body_id: i64,
    author: &str,
    text: &str,
    percent: i64,
    evidence: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_reports (task_id, body_id, author, text, percent, evidence, status, \
         created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $7) RETURNING id",
    )
    .bind(task_id)
    .bind(body_id)
    .bind(author)
    .bind(text)
    .bind(percent)
    .bind(evidence)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn reports_of_task(conn: &mut Conn, task_id: i64) -> Result<Vec<ReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM plan_reports WHERE task_id = $1 ORDER BY id"
    )))
    .bind(task_id)
    .fetch_all(conn)
    .await?)
}

pub async fn report(conn: &mut Conn, id: i64) -> Result<Option<ReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM plan_reports WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Reports of a body on a plan's tasks, oldest first (the year-end report is drafted from them).
pub async fn reports_of_body(
    conn: &mut Conn,
    plan_id: i64,
    body_id: i64,
) -> Result<Vec<ReportRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.{} FROM plan_reports r JOIN plan_tasks t ON t.id = r.task_id \
         WHERE t.plan_id = $1 AND r.body_id = $2 AND r.status <> 'returned' ORDER BY t.position, r.id",
        REPORT_COLUMNS.replace(", ", ", r.")
    )))
    .bind(plan_id)
    .bind(body_id)
    .fetch_all(conn)
    .await?)
}

pub async fn review_report(
    conn: &mut Conn,
    id: i64,
    status: &str,
    comment: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE plan_reports SET status = $1, office_comment = $2, updated_ms = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(comment)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn mappings(conn: &mut Conn) -> Result<Vec<(String, Vec<i64>)>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT name, body_ids FROM name_mappings")
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|(name, ids)| {
            let ids: Vec<i64> = from_json_list(&ids)?
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect();
            Ok((name, ids))
        })
        .collect()
}

pub async fn remember_mapping(
    conn: &mut Conn,
    name: &str,
    body_ids: &[i64],
    now_ms: i64,
) -> Result<()> {
    let ids: Vec<String> = body_ids.iter().map(i64::to_string).collect();
    sqlx::query(
        "INSERT INTO name_mappings (name, body_ids, created_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET body_ids = $2",
    )
    .bind(name)
    .bind(crate::to_json_list(&ids))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn body_report(
    conn: &mut Conn,
    plan_id: i64,
    body_id: i64,
) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT text, status FROM plan_body_reports WHERE plan_id = $1 AND body_id = $2",
    )
    .bind(plan_id)
    .bind(body_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn save_body_report(
    conn: &mut Conn,
    plan_id: i64,
    body_id: i64,
    text: &str,
    status: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_body_reports (plan_id, body_id, text, status, updated_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id, body_id) \
         DO UPDATE SET text = $3, status = $4, updated_ms = $5",
    )
    .bind(plan_id)
    .bind(body_id)
    .bind(text)
    .bind(status)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct MilestoneRow {
    pub id: i64,
    pub task_id: i64,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
}

pub async fn insert_milestone(
    conn: &mut Conn,
    task_id: i64,
    title: &str,
    due_on: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_milestones (task_id, title, due_on, created_ms) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(task_id)
    .bind(title)
    .bind(due_on)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn complete_milestone(conn: &mut Conn, id: i64, done_on: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE plan_milestones SET done_on = $1 WHERE id = $2")
        .bind(done_on)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn milestone(conn: &mut Conn, id: i64) -> Result<Option<MilestoneRow>> {
    Ok(sqlx::query_as(
        "SELECT id, task_id, title, due_on, done_on FROM plan_milestones WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Milestones of every task of a plan, by due date.
pub async fn milestones(conn: &mut Conn, plan_id: i64) -> Result<Vec<MilestoneRow>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.task_id, m.title, m.due_on, m.done_on FROM plan_milestones m \
         JOIN plan_tasks t ON t.id = m.task_id WHERE t.plan_id = $1 ORDER BY m.due_on, m.id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}

/// Open tasks (not done) of every plan with a due date on or before `until`.
pub async fn open_tasks_due_by(conn: &mut Conn, until: &str) -> Result<Vec<TaskRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLUMNS} FROM plan_tasks WHERE status <> 'done' AND due_on IS NOT NULL \
         AND due_on <= $1 ORDER BY due_on, id"
    )))
    .bind(until)
    .fetch_all(conn)
    .await?)
}

/// Bodies assigned to a task, with their role.
pub async fn bodies_of_task(conn: &mut Conn, task_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT body_id, role FROM plan_task_bodies WHERE task_id = $1 ORDER BY body_id",
    )
    .bind(task_id)
    .fetch_all(conn)
    .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_report_file(
    conn: &mut Conn,
    report_id: i64,
    filename: &str,
    content_type: &str,
    size: i64,
    sha256: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_report_files (report_id, filename, content_type, size_bytes, sha256, \
         created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(report_id)
    .bind(filename)
    .bind(content_type)
    .bind(size)
    .bind(sha256)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ReportFileRow {
    pub id: i64,
    pub report_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn report_files(conn: &mut Conn, task_id: i64) -> Result<Vec<ReportFileRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.report_id, f.filename, f.content_type, f.size_bytes, f.sha256 \
         FROM plan_report_files f JOIN plan_reports r ON r.id = f.report_id WHERE r.task_id = $1 \
         ORDER BY f.id",
    )
    .bind(task_id)
    .fetch_all(conn)
    .await?)
}

pub async fn report_file(conn: &mut Conn, id: i64) -> Result<Option<(ReportFileRow, i64)>> {
    let row: Option<ReportFileRow> = sqlx::query_as(
        "SELECT id, report_id, filename, content_type, size_bytes, sha256 FROM plan_report_files \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (task,): (i64,) = sqlx::query_as("SELECT task_id FROM plan_reports WHERE id = $1")
        .bind(row.report_id)
        .fetch_one(conn)
        .await?;
    Ok(Some((row, task)))
}
