//! `applications`, `application_events`, `application_letters`, `application_files`,
//! `application_cases` and `tracking_counters`: disclosure on application (依申请公开).

use sqlx::FromRow;

use crate::{Conn, Result};

/// One row of `applications`.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ApplicationRow {
    pub id: i64,
    pub tracking_number: String,
    pub secret_hash: String,
    pub body_id: i64,
    pub officer_id: Option<i64>,
    pub requester_type: String,
    pub name: String,
    pub id_document: String,
    pub org_code: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub description: String,
    pub purpose: String,
    pub delivery: String,
    pub channel: String,
    pub received_on: String,
    pub status: String,
    pub outcome: Option<String>,
    pub reply_text: String,
    pub reply_due_on: Option<String>,
    pub paused: i64,
    pub extended: i64,
    pub fee_method: Option<String>,
    pub fee_amount: i64,
    pub closed_on: Option<String>,
    pub registered_by: Option<i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

const COLUMNS: &str = "id, tracking_number, secret_hash, body_id, officer_id, requester_type, name, \
    id_document, org_code, contact_person, phone, email, address, description, purpose, delivery, \
    channel, received_on, status, outcome, reply_text, reply_due_on, paused, extended, fee_method, \
    fee_amount, closed_on, registered_by, created_ms, updated_ms";

/// What the applicant (or the registering officer) submits.
#[derive(Debug, Clone, Default)]
pub struct NewApplication {
    pub tracking_number: String,
    pub secret_hash: String,
    pub body_id: i64,
    pub requester_type: String,
    pub name: String,
    pub id_document: String,
    pub org_code: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub description: String,
    pub purpose: String,
    pub delivery: String,
    pub channel: String,
    pub received_on: String,
    pub status: String,
    pub reply_due_on: Option<String>,
    pub registered_by: Option<i64>,
}

pub async fn insert(conn: &mut Conn, a: &NewApplication, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO applications (tracking_number, secret_hash, body_id, requester_type, name, \
         id_document, org_code, contact_person, phone, email, address, description, purpose, \
         delivery, channel, received_on, status, reply_due_on, registered_by, created_ms, \
         updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(&a.tracking_number)
    .bind(&a.secret_hash)
    .bind(a.body_id)
    .bind(&a.requester_type)
    .bind(&a.name)
    .bind(&a.id_document)
    .bind(&a.org_code)
    .bind(&a.contact_person)
    .bind(&a.phone)
    .bind(&a.email)
    .bind(&a.address)
    .bind(&a.description)
    .bind(&a.purpose)
    .bind(&a.delivery)
    .bind(&a.channel)
    .bind(&a.received_on)
    .bind(&a.status)
    .bind(&a.reply_due_on)
    .bind(a.registered_by)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The mutable state of an application, written as a whole after each step.
#[derive(Debug, Clone)]
pub struct ApplicationState {
    pub body_id: i64,
    pub officer_id: Option<i64>,
    pub status: String,
    pub outcome: Option<String>,
    pub reply_text: String,
    pub reply_due_on: Option<String>,
    pub paused: bool,
    pub extended: bool,
    pub fee_method: Option<String>,
    pub fee_amount: i64,
    pub closed_on: Option<String>,
}

impl From<&ApplicationRow> for ApplicationState {
    fn from(r: &ApplicationRow) -> Self {
        ApplicationState {
            body_id: r.body_id,
            officer_id: r.officer_id,
            status: r.status.clone(),
            outcome: r.outcome.clone(),
            reply_text: r.reply_text.clone(),
            reply_due_on: r.reply_due_on.clone(),
            paused: r.paused != 0,
            extended: r.extended != 0,
            fee_method: r.fee_method.clone(),
            fee_amount: r.fee_amount,
            closed_on: r.closed_on.clone(),
        }
    }
}

pub async fn update_state(
    conn: &mut Conn,
    id: i64,
    s: &ApplicationState,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE applications SET body_id = $1, officer_id = $2, status = $3, outcome = $4, \
         reply_text = $5, reply_due_on = $6, paused = $7, extended = $8, fee_method = $9, \
         fee_amount = $10, closed_on = $11, updated_ms = $12 WHERE id = $13",
    )
    .bind(s.body_id)
    .bind(s.officer_id)
    .bind(&s.status)
    .bind(&s.outcome)
    .bind(&s.reply_text)
    .bind(&s.reply_due_on)
    .bind(i64::from(s.paused))
    .bind(i64::from(s.extended))
    .bind(&s.fee_method)
    .bind(s.fee_amount)
    .bind(&s.closed_on)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<ApplicationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_tracking(conn: &mut Conn, tracking: &str) -> Result<Option<ApplicationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE tracking_number = $1"
    )))
    .bind(tracking)
    .fetch_optional(conn)
    .await?)
}

/// How a list of applications is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// Soonest deadline first; applications whose clock is paused last (the open queue).
    MostUrgent,
    /// Most recently closed first, then newest (the closed ones).
    Newest,
}

/// Which applications a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueFilter<'a> {
    /// Statuses shown (none: no application).
    pub statuses: &'a [&'a str],
    /// Bodies shown (all when empty).
    pub body_ids: &'a [i64],
    /// Part of the tracking number, the applicant's or contact's name or the description of the
    /// information asked for.
    pub text: Option<&'a str>,
}

impl QueueFilter<'_> {
    /// The `WHERE` clause and its bound values, in placeholder order.
    fn clause(&self) -> (String, Vec<Bound>) {
        let mut binds: Vec<Bound> = self
            .statuses
            .iter()
            .map(|s| Bound::Text((*s).to_owned()))
            .collect();
        let mut cond = format!(
            " WHERE status IN ({})",
            crate::placeholders(self.statuses.len())
        );
        if !self.body_ids.is_empty() {
            cond.push_str(&format!(
                " AND body_id IN ({})",
                crate::placeholders_from(binds.len() + 1, self.body_ids.len())
            ));
            binds.extend(self.body_ids.iter().map(|b| Bound::Int(*b)));
        }
        if let Some(text) = self.text.map(str::trim).filter(|t| !t.is_empty()) {
            let n = binds.len();
            cond.push_str(&format!(
                " AND (UPPER(tracking_number) LIKE ${a} ESCAPE '\\' OR name LIKE ${b} ESCAPE '\\' \
                 OR contact_person LIKE ${b} ESCAPE '\\' OR description LIKE ${b} ESCAPE '\\')",
                a = n + 1,
                b = n + 2
            ));
            binds.push(Bound::Text(like_pattern(&text.to_ascii_uppercase())));
            binds.push(Bound::Text(like_pattern(text)));
        }
        (cond, binds)
    }
}

/// A value bound to a list's query.
#[derive(Debug, Clone)]
enum Bound {
    Text(String),
    Int(i64),
}

/// `%text%` with LIKE's wildcards in `text` escaped by a backslash.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `q` with `values` bound in order.
fn bind_all<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    values: &[Bound],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    for v in values {
        q = match v {
            Bound::Text(t) => q.bind(t.clone()),
            Bound::Int(i) => q.bind(*i),
        };
    }
    q
}

/// The applications `filter` selects, in `order`, with how many there are in all.
pub async fn queue(
    conn: &mut Conn,
    filter: &QueueFilter<'_>,
    order: QueueOrder,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationRow>, i64)> {
    let (cond, binds) = filter.clause();
    let order_by = match order {
        QueueOrder::MostUrgent => {
            "paused, CASE WHEN reply_due_on IS NULL THEN 1 ELSE 0 END, reply_due_on, id"
        }
        QueueOrder::Newest => "COALESCE(closed_on, '') DESC, id DESC",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM applications{cond} ORDER BY {order_by}{} OFFSET ${}",
        crate::limit(limit),
        binds.len() + 1
    );
    let q = bind_all(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &binds);
    let rows: Vec<ApplicationRow> = q.bind(offset).fetch_all(&mut *conn).await?;
    let c = bind_all(
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM applications{cond}"
        ))),
        &binds,
    );
    let (total,): (i64,) = c.fetch_one(conn).await?;
    Ok((rows, total))
}

/// How many applications `filter` selects in each body, by body id.
pub async fn queue_bodies(conn: &mut Conn, filter: &QueueFilter<'_>) -> Result<Vec<(i64, i64)>> {
    let (cond, binds) = filter.clause();
    let q = bind_all(
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT body_id, COUNT(*) FROM applications{cond} GROUP BY body_id ORDER BY body_id"
        ))),
        &binds,
    );
    Ok(q.fetch_all(conn).await?)
}

/// Ids of applications in `statuses` (for recomputing deadlines after a calendar change).
pub async fn ids_in(conn: &mut Conn, statuses: &[&str]) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for s in statuses {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM applications WHERE status = $1")
            .bind(*s)
            .fetch_all(&mut *conn)
            .await?;
        ids.extend(rows.into_iter().map(|r| r.0));
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Applications of a body relevant to the report for `year`: received before the end of the
/// year and not closed before its start.
pub async fn for_report(conn: &mut Conn, body_id: i64, year: i32) -> Result<Vec<ApplicationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE body_id = $1 AND received_on <= $2 \
         AND (closed_on IS NULL OR closed_on >= $3) ORDER BY id"
    )))
    .bind(body_id)
    .bind(format!("{year:04}-12-31"))
    .bind(format!("{year:04}-01-01"))
    .fetch_all(conn)
    .await?)
}

/// Applications of the same applicant (same name and identity document or organisation code) to
/// the same body, received from `from` up to this one (by receipt date, then registration), for
/// 按件计收.
pub async fn count_same_applicant(
    conn: &mut Conn,
    row: &ApplicationRow,
    from: &str,
    to: &str,
) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM applications WHERE name = $1 AND id_document = $2 AND org_code = $3 \
         AND body_id = $7 AND received_on >= $4 \
         AND (received_on < $5 OR (received_on = $5 AND id <= $6))",
    )
    .bind(&row.name)
    .bind(&row.id_document)
    .bind(&row.org_code)
    .bind(from)
    .bind(to)
    .bind(row.id)
    .bind(row.body_id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// An application like `a` (same applicant, body and description) registered at or after
/// `since_ms`: the same form sent twice. `since_day` (received on or after) bounds the rows
/// read through the index on the receipt date.
pub async fn recent_duplicate(
    conn: &mut Conn,
    a: &NewApplication,
    since_ms: i64,
    since_day: &str,
) -> Result<Option<ApplicationRow>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM applications WHERE body_id = $1 AND name = $2 \
         AND id_document = $3 AND org_code = $4 AND description = $5 AND created_ms >= $6 \
         AND received_on >= $7 ORDER BY id LIMIT 1",
    )
    .bind(a.body_id)
    .bind(&a.name)
    .bind(&a.id_document)
    .bind(&a.org_code)
    .bind(&a.description)
    .bind(since_ms)
    .bind(since_day)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((id,)) => by_id(conn, id).await,
        None => Ok(None),
    }
}

/// Gives the application a new access code (stored as its hash).
pub async fn replace_secret(
    conn: &mut Conn,
    id: i64,
    secret_hash: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("UPDATE applications SET secret_hash = $1, updated_ms = $2 WHERE id = $3")
        .bind(secret_hash)
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn next_tracking_serial(conn: &mut Conn, year: i32) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO tracking_counters (year, last_serial) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last_serial = tracking_counters.last_serial + 1 \
         RETURNING last_serial",
    )
    .bind(i64::from(year))
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// One entry of an application's timeline.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct EventRow {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub on_date: String,
    pub at_ms: i64,
    pub actor: String,
    pub note: String,
    pub data: String,
    pub public: i64,
}

pub struct NewEvent<'a> {
    pub application_id: i64,
    pub kind: &'a str,
    pub on_date: &'a str,
    pub actor: &'a str,
    pub note: &'a str,
    pub data: &'a str,
    /// Shown to the applicant on the status page.
    pub public: bool,
}

pub async fn insert_event(conn: &mut Conn, e: &NewEvent<'_>, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO application_events (application_id, kind, on_date, at_ms, actor, note, data, \
         public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(e.application_id)
    .bind(e.kind)
    .bind(e.on_date)
    .bind(now_ms)
    .bind(e.actor)
    .bind(e.note)
    .bind(e.data)
    .bind(i64::from(e.public))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn events(conn: &mut Conn, application_id: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, kind, on_date, at_ms, actor, note, data, public \
         FROM application_events WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(conn)
    .await?)
}

/// A letter sent to the applicant (告知书, 补正通知书, 答复书…).
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct LetterRow {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub issued_on: String,
}

pub async fn insert_letter(
    conn: &mut Conn,
    application_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    issued_on: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO application_letters (application_id, kind, title, body, issued_on, \
         created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(application_id)
    .bind(kind)
    .bind(title)
    .bind(body)
    .bind(issued_on)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn letters(conn: &mut Conn, application_id: i64) -> Result<Vec<LetterRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, kind, title, body, issued_on FROM application_letters \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(conn)
    .await?)
}

pub async fn letter(conn: &mut Conn, id: i64) -> Result<Option<LetterRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, kind, title, body, issued_on FROM application_letters \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// A reconsideration (行政复议) or litigation (行政诉讼) case about an application.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub result: String,
    pub filed_on: String,
    pub decided_on: Option<String>,
    pub note: String,
}

pub async fn insert_case(conn: &mut Conn, c: &CaseRow, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO application_cases (application_id, kind, result, filed_on, decided_on, note, \
         created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(c.application_id)
    .bind(&c.kind)
    .bind(&c.result)
    .bind(&c.filed_on)
    .bind(&c.decided_on)
    .bind(&c.note)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Records the decision of a case (a pending reconsideration or lawsuit decided later).
pub async fn decide_case(conn: &mut Conn, id: i64, result: &str, decided_on: &str) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE application_cases SET result = $1, decided_on = $2 WHERE id = $3")
            .bind(result)
            .bind(decided_on)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn cases(conn: &mut Conn, application_id: i64) -> Result<Vec<CaseRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, kind, result, filed_on, decided_on, note FROM application_cases \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(conn)
    .await?)
}

/// Cases of a body's applications filed or pending in `year` (annual report table 四).
pub async fn cases_for_report(conn: &mut Conn, body_id: i64, year: i32) -> Result<Vec<CaseRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.application_id, c.kind, c.result, c.filed_on, c.decided_on, c.note \
         FROM application_cases c JOIN applications a ON a.id = c.application_id \
         WHERE a.body_id = $1 AND c.filed_on <= $2 AND (c.decided_on IS NULL OR c.decided_on >= $3) \
         ORDER BY c.id",
    )
    .bind(body_id)
    .bind(format!("{year:04}-12-31"))
    .bind(format!("{year:04}-01-01"))
    .fetch_all(conn)
    .await?)
}

pub async fn insert_file(
    conn: &mut Conn,
    application_id: i64,
    filename: &str,
    content_type: &str,
    size: i64,
    sha256: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO application_files (application_id, filename, content_type, size_bytes, \
         sha256, created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(application_id)
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
pub struct FileRow {
    pub id: i64,
    pub application_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn files(conn: &mut Conn, application_id: i64) -> Result<Vec<FileRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, filename, content_type, size_bytes, sha256 \
         FROM application_files WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(conn)
    .await?)
}
