//! `items`, `item_key_areas` and `item_versions`: information items (政府信息) and their history.

use gongkai_domain::item::ItemStatus;
use sqlx::FromRow;

use crate::{Conn, Result, StoreError, to_json_list};

/// One row of `items`, as stored. The application layer turns it into domain and wire types.
#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct ItemRow {
    pub id: i64,
    pub body_id: i64,
    pub status: String,
    pub title: String,
    pub body: String,
    pub summary: String,
    pub doc_number: Option<String>,
    pub doc_number_raw: Option<String>,
    pub written_on: Option<String>,
    pub published_on: Option<String>,
    pub published_ms: Option<i64>,
    pub scheduled_ms: Option<i64>,
    pub genre: String,
    pub topic: String,
    pub key_areas: String,
    pub keywords: String,
    pub validity: String,
    pub successor_id: Option<i64>,
    pub disclosure: String,
    pub time_limit: String,
    pub scope: String,
    pub channel: String,
    pub co_issuers: String,
    pub index_number: Option<String>,
    pub late: i64,
    pub review_note: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewed_ms: Option<i64>,
    pub pii_override: Option<String>,
    pub created_by: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, body_id, status, title, body, summary, doc_number, doc_number_raw, \
    written_on, published_on, published_ms, scheduled_ms, genre, topic, key_areas, keywords, \
    validity, successor_id, disclosure, time_limit, scope, channel, co_issuers, index_number, \
    late, review_note, reviewer_id, reviewed_ms, pii_override, created_by, created_ms, \
    updated_ms, version";

/// What a list page shows of an item: a third of the columns of an [`ItemRow`], and not the
/// body. Whole rows made a catalog page read and copy every column of its twenty rows, their
/// bodies (a few KB each) most of all.
#[derive(Debug, Clone, FromRow)]
pub struct ItemLineRow {
    pub id: i64,
    pub body_id: i64,
    pub status: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub written_on: Option<String>,
    pub published_on: Option<String>,
    pub genre: String,
    pub validity: String,
    pub index_number: Option<String>,
    pub late: i64,
}

const LINE_COLUMNS: &str = "id, body_id, status, title, doc_number, written_on, published_on, \
    genre, validity, index_number, late";

/// The editable fields of an item, already validated and normalised by the caller.
#[derive(Debug, Clone)]
pub struct ItemValues {
    pub title: String,
    pub body: String,
    pub summary: String,
    pub doc_number: Option<String>,
    pub doc_number_raw: Option<String>,
    pub written_on: Option<String>,
    pub genre: String,
    pub topic: String,
    pub key_areas: Vec<String>,
    pub keywords: Vec<String>,
    pub validity: String,
    pub successor_id: Option<i64>,
    pub disclosure: String,
    pub time_limit: String,
    pub scope: String,
    pub channel: String,
    pub co_issuers: Vec<String>,
}

pub async fn insert(
    conn: &mut Conn,
    body_id: i64,
    v: &ItemValues,
    created_by: i64,
    now_ms: i64,
) -> Result<i64> {
    let q = sqlx::query_as(
        "INSERT INTO items (body_id, status, title, body, summary, doc_number, doc_number_raw, \
         written_on, genre, topic, key_areas, keywords, validity, successor_id, disclosure, \
         time_limit, scope, channel, co_issuers, created_by, created_ms, updated_ms) \
         VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
         $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(body_id);
    let (id,): (i64,) = bind_values(q, v)
        .bind(created_by)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await?;
    replace_key_areas(conn, id, &v.key_areas).await?;
    Ok(id)
}

/// An item of an imported archive with its publication facts, inserted already published.
#[derive(Debug, Clone)]
pub struct PublishedItem<'a> {
    pub body_id: i64,
    pub values: &'a ItemValues,
    pub index_number: String,
    pub index_year: i64,
    pub index_serial: i64,
    pub published_on: String,
    pub published_ms: i64,
    pub late: bool,
}

impl PublishedItem<'_> {
    /// The row exactly as [`insert_published`] stores it under `id` (what the version and audit
    /// snapshots of an import record, without reading every row back).
    pub fn stored_row(&self, id: i64, created_by: i64, now_ms: i64) -> ItemRow {
        let v = self.values;
        ItemRow {
            id,
            body_id: self.body_id,
            status: "published".to_owned(),
            title: v.title.clone(),
            body: v.body.clone(),
            summary: v.summary.clone(),
            doc_number: v.doc_number.clone(),
            doc_number_raw: v.doc_number_raw.clone(),
            written_on: v.written_on.clone(),
            published_on: Some(self.published_on.clone()),
            published_ms: Some(self.published_ms),
            scheduled_ms: None,
            genre: v.genre.clone(),
            topic: v.topic.clone(),
            key_areas: to_json_list(&v.key_areas),
            keywords: to_json_list(&v.keywords),
            validity: v.validity.clone(),
            successor_id: v.successor_id,
            disclosure: v.disclosure.clone(),
            time_limit: v.time_limit.clone(),
            scope: v.scope.clone(),
            channel: v.channel.clone(),
            co_issuers: to_json_list(&v.co_issuers),
            index_number: Some(self.index_number.clone()),
            late: i64::from(self.late),
            review_note: None,
            reviewer_id: None,
            reviewed_ms: None,
            pii_override: None,
            created_by,
            created_ms: now_ms,
            updated_ms: now_ms,
            version: 1,
        }
    }
}

const PUBLISHED_COLUMNS: &str = "body_id, status, title, body, summary, doc_number, \
    doc_number_raw, written_on, genre, topic, key_areas, keywords, validity, successor_id, \
    disclosure, time_limit, scope, channel, co_issuers, created_by, created_ms, updated_ms, \
    index_number, index_year, index_serial, published_on, published_ms, late";

/// Inserts published items with multi-row statements (bulk imports) and returns their ids in the
/// order given. Rows are matched to ids by their unique index number, because neither engine
/// promises the order of `RETURNING` rows.
pub async fn insert_published(
    conn: &mut Conn,
    items: &[PublishedItem<'_>],
    created_by: i64,
    now_ms: i64,
) -> Result<Vec<i64>> {
    const COLS: usize = 28;
    let mut ids_by_number = std::collections::HashMap::with_capacity(items.len());
    for chunk in items.chunks(crate::rows_per_statement(COLS)) {
        let sql = format!(
            "INSERT INTO items ({PUBLISHED_COLUMNS}) VALUES {} RETURNING id, index_number",
            crate::row_placeholders(conn, chunk.len(), COLS)
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql)).persistent(false);
        for p in chunk {
            q = bind_values(q.bind(p.body_id).bind("published"), p.values)
                .bind(created_by)
                .bind(now_ms)
                .bind(now_ms)
                .bind(&p.index_number)
                .bind(p.index_year)
                .bind(p.index_serial)
                .bind(&p.published_on)
                .bind(p.published_ms)
                .bind(i64::from(p.late));
        }
        ids_by_number.extend(
            q.fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|(id, n)| (n, id)),
        );
    }
    let ids = items
        .iter()
        .map(|p| {
            ids_by_number.get(&p.index_number).copied().ok_or_else(|| {
                StoreError::Corrupt(format!("no id returned for {}", p.index_number))
            })
        })
        .collect::<Result<Vec<i64>>>()?;
    let areas: Vec<(i64, &str)> = ids
        .iter()
        .zip(items)
        .flat_map(|(id, p)| p.values.key_areas.iter().map(move |a| (*id, a.as_str())))
        .collect();
    for chunk in areas.chunks(crate::rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO item_key_areas (item_id, key_area) VALUES {} ON CONFLICT DO NOTHING",
            crate::row_placeholders(conn, chunk.len(), 2)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, area) in chunk {
            q = q.bind(*id).bind(*area);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(ids)
}

/// Binds the editable fields in the order every statement here lists them: title, body, summary,
/// doc_number, doc_number_raw, written_on, genre, topic, key_areas, keywords, validity,
/// successor_id, disclosure, time_limit, scope, channel, co_issuers.
fn bind_values<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    v: &'q ItemValues,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    q.bind(&v.title)
        .bind(&v.body)
        .bind(&v.summary)
        .bind(&v.doc_number)
        .bind(&v.doc_number_raw)
        .bind(&v.written_on)
        .bind(&v.genre)
        .bind(&v.topic)
        .bind(to_json_list(&v.key_areas))
        .bind(to_json_list(&v.keywords))
        .bind(&v.validity)
        .bind(v.successor_id)
        .bind(&v.disclosure)
        .bind(&v.time_limit)
        .bind(&v.scope)
        .bind(&v.channel)
        .bind(to_json_list(&v.co_issuers))
}

/// Overwrites the editable fields and bumps the version; returns the new version number.
pub async fn update_values(conn: &mut Conn, id: i64, v: &ItemValues, now_ms: i64) -> Result<i64> {
    let q = sqlx::query_as(
        "UPDATE items SET title = $1, body = $2, summary = $3, doc_number = $4, \
         doc_number_raw = $5, written_on = $6, genre = $7, topic = $8, key_areas = $9, \
         keywords = $10, validity = $11, successor_id = $12, disclosure = $13, time_limit = $14, \
         scope = $15, channel = $16, co_issuers = $17, updated_ms = $18, version = version + 1 \
         WHERE id = $19 RETURNING version",
    );
    let (version,): (i64,) = bind_values(q, v)
        .bind(now_ms)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    replace_key_areas(conn, id, &v.key_areas).await?;
    Ok(version)
}

async fn replace_key_areas(conn: &mut Conn, id: i64, areas: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM item_key_areas WHERE item_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for area in areas {
        sqlx::query(
            "INSERT INTO item_key_areas (item_id, key_area) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(area)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Moves an item to `status`, recording the reviewer's note when given.
pub async fn set_status(
    conn: &mut Conn,
    id: i64,
    status: &str,
    review_note: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE items SET status = $1, review_note = COALESCE($2, review_note), updated_ms = $3 \
         WHERE id = $4",
    )
    .bind(status)
    .bind(review_note)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The confidentiality reviewer's (保密审查) decision and any false-positive reason for PII hits.
pub async fn record_review(
    conn: &mut Conn,
    id: i64,
    reviewer_id: i64,
    note: Option<&str>,
    pii_override: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE items SET reviewer_id = $1, reviewed_ms = $2, review_note = $3, pii_override = $4 \
         WHERE id = $5",
    )
    .bind(reviewer_id)
    .bind(now_ms)
    .bind(note)
    .bind(pii_override)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Facts of a first publication.
pub struct Publication<'a> {
    pub status: &'a str,
    pub index_number: Option<&'a str>,
    pub index_year: Option<i64>,
    pub index_serial: Option<i64>,
    pub published_on: Option<&'a str>,
    pub published_ms: Option<i64>,
    pub scheduled_ms: Option<i64>,
    pub late: bool,
}

pub async fn set_publication(
    conn: &mut Conn,
    id: i64,
    p: &Publication<'_>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE items SET status = $1, index_number = COALESCE(index_number, $2), \
         index_year = COALESCE(index_year, $3), index_serial = COALESCE(index_serial, $4), \
         published_on = COALESCE($5, published_on), published_ms = COALESCE($6, published_ms), \
         scheduled_ms = $7, late = $8, updated_ms = $9 WHERE id = $10",
    )
    .bind(p.status)
    .bind(p.index_number)
    .bind(p.index_year)
    .bind(p.index_serial)
    .bind(p.published_on)
    .bind(p.published_ms)
    .bind(p.scheduled_ms)
    .bind(i64::from(p.late))
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<ItemRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM items WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_index_number(conn: &mut Conn, index_number: &str) -> Result<Option<ItemRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM items WHERE index_number = $1"
    )))
    .bind(index_number)
    .fetch_optional(conn)
    .await?)
}

/// Items by id (any status), in id order.
pub async fn by_ids(conn: &mut Conn, ids: &[i64]) -> Result<Vec<ItemRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM items WHERE id IN ({}) ORDER BY id",
        crate::placeholders(ids.len())
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(conn).await?)
}

/// Number of published items.
pub async fn published_count(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM items WHERE status = 'published'")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Those of `ids` that are published now.
pub async fn published_among(conn: &mut Conn, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // The status is compared here, not in SQL: with `status = 'published'` in the query,
    // SQLite's planner walked the status index over every published item to find the few ids
    // (85 ms per search page at 1M items, against 0.01 ms by primary key).
    let sql = format!(
        "SELECT id, status FROM items WHERE id IN ({})",
        crate::placeholders(ids.len())
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    let rows: Vec<(i64, String)> = q.fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, status)| status == ItemStatus::Published.as_str())
        .map(|(id, _)| id)
        .collect())
}

/// Items with an id above `after`, in id order, whatever their status (for walking them all in
/// batches; the caller keeps the ones it wants). With a status condition here SQLite's planner
/// walked the status index and sorted every published item for each batch (277 ms a batch at
/// 1M items), where the primary key gives the next batch directly.
pub async fn after_id(conn: &mut Conn, after: i64, limit: i64) -> Result<Vec<ItemRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM items WHERE id > $1 ORDER BY id{}",
        crate::limit(limit)
    )))
    .bind(after)
    .fetch_all(conn)
    .await?)
}

/// Ids and publication instants of the newest published items (sitemap), without their text.
pub async fn published_index(conn: &mut Conn, limit: i64) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, published_ms FROM items WHERE status = 'published' \
         ORDER BY published_ms DESC, id DESC{}",
        crate::limit(limit)
    )))
    .fetch_all(conn)
    .await?)
}

/// Scheduled items whose time has come.
pub async fn due_scheduled(conn: &mut Conn, now_ms: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM items WHERE status = 'scheduled' AND scheduled_ms <= $1 ORDER BY id",
    )
    .bind(now_ms)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Filters for listing items; `None` means no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    pub statuses: Vec<String>,
    pub body_ids: Vec<i64>,
    pub created_by: Option<i64>,
    /// Any of these topics, each matched exactly (none: every topic). The caller expands a
    /// top topic into the topics stored under it (see `App::topic_values`).
    pub topics: Vec<String>,
    pub key_area: Option<String>,
    pub genre: Option<String>,
    pub year: Option<i32>,
    pub validity: Option<String>,
}

enum Arg {
    Int(i64),
    Text(String),
}

impl ItemFilter {
    /// The key area when the filter is "published items of this key area" and nothing else.
    fn public_key_area(&self) -> Option<&str> {
        let area = self.key_area.as_deref()?;
        let published = ItemFilter {
            statuses: vec![ItemStatus::Published.as_str().to_owned()],
            key_area: self.key_area.clone(),
            ..ItemFilter::default()
        };
        (*self == published).then_some(area)
    }

    /// [`ItemFilter::where_clause`] for a page of a list: a year also bounds the instants of
    /// publication. `published_on` is the China date of `published_ms` (the app records a
    /// publication at that instant or at 09:00 of that date), so a year's items are one range
    /// of the newest-first index, read in order; by date alone SQLite read and sorted the
    /// whole year (0.4 s for 86,000 items at 1M). The window is a day wider on each side, so
    /// the date alone decides which items belong. Counts keep the date only: its index
    /// covers them.
    fn list_clause(&self) -> (String, Vec<Arg>) {
        let (mut sql, mut args) = self.where_clause();
        if let Some((from, to)) = self.year.and_then(year_window_ms) {
            args.push(Arg::Int(from));
            sql.push_str(&format!(" AND published_ms >= ${}", args.len()));
            args.push(Arg::Int(to));
            sql.push_str(&format!(" AND published_ms < ${}", args.len()));
        }
        (sql, args)
    }

    fn where_clause(&self) -> (String, Vec<Arg>) {
        let mut sql = String::from(" WHERE 1 = 1");
        let mut args = Vec::new();
        // `col IN ($1, $2)`, never `(1 = 0 OR col = $1 …)`: the planner uses an index only for
        // the former (the latter scanned and sorted every row, body text included).
        let mut push_in = |sql: &mut String, col: &str, values: Vec<Arg>| {
            let mut marks = Vec::new();
            for v in values {
                args.push(v);
                marks.push(format!("${}", args.len()));
            }
            sql.push_str(&format!(" AND {col} IN ({})", marks.join(", ")));
        };
        if !self.statuses.is_empty() {
            push_in(
                &mut sql,
                "status",
                self.statuses.iter().map(|s| Arg::Text(s.clone())).collect(),
            );
        }
        if !self.body_ids.is_empty() {
            push_in(
                &mut sql,
                "body_id",
                self.body_ids.iter().map(|b| Arg::Int(*b)).collect(),
            );
        }
        if !self.topics.is_empty() {
            push_in(
                &mut sql,
                "topic",
                self.topics.iter().map(|t| Arg::Text(t.clone())).collect(),
            );
        }
        let mut push = |sql: &mut String, cond: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&cond.replace('?', &format!("${}", args.len())));
        };
        if let Some(u) = self.created_by {
            push(&mut sql, " AND created_by = ?", Arg::Int(u));
        }
        if let Some(k) = &self.key_area {
            push(
                &mut sql,
                " AND id IN (SELECT item_id FROM item_key_areas WHERE key_area = ?)",
                Arg::Text(k.clone()),
            );
        }
        if let Some(g) = &self.genre {
            push(&mut sql, " AND genre = ?", Arg::Text(g.clone()));
        }
        if let Some(y) = self.year {
            push(
                &mut sql,
                " AND published_on >= ?",
                Arg::Text(format!("{y:04}-01-01")),
            );
            push(
                &mut sql,
                " AND published_on <= ?",
                Arg::Text(format!("{y:04}-12-31")),
            );
        }
        if let Some(v) = &self.validity {
            push(&mut sql, " AND validity = ?", Arg::Text(v.clone()));
        }
        (sql, args)
    }
}

/// From the start of the last day of the year before to the end of the first day of the year
/// after, in Unix milliseconds (UTC midnights: a day covers any time zone's offset).
fn year_window_ms(year: i32) -> Option<(i64, i64)> {
    let midnight = |y: i32, m: u32, d: u32| {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_millis())
    };
    Some((
        midnight(year.checked_sub(1)?, 12, 31)?,
        midnight(year.checked_add(1)?, 1, 2)?,
    ))
}

fn bind_all<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    args: Vec<Arg>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    for a in args {
        q = match a {
            Arg::Int(i) => q.bind(i),
            Arg::Text(t) => q.bind(t),
        };
    }
    q
}

/// Sort orders for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOrder {
    /// Newest publication first (the public catalog).
    Published,
    /// Most recently changed first (the console).
    Updated,
}

impl ItemOrder {
    /// The instant the order sorts by, newest first, then by id.
    fn column(self) -> &'static str {
        match self {
            ItemOrder::Published => "published_ms",
            ItemOrder::Updated => "updated_ms",
        }
    }
}

/// A row type a page of items is read as: whole rows, or list lines.
pub trait ListRow: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin {
    /// The columns it is read from, in SQL.
    const COLUMNS: &'static str;
}

impl ListRow for ItemRow {
    const COLUMNS: &'static str = COLUMNS;
}

impl ListRow for ItemLineRow {
    const COLUMNS: &'static str = LINE_COLUMNS;
}

/// One page of the items matching `filter`, in `order` (count them with [`count`]).
pub async fn list<O: ListRow>(
    conn: &mut Conn,
    filter: &ItemFilter,
    order: ItemOrder,
    limit: i64,
    offset: i64,
) -> Result<Vec<O>> {
    let (columns, key) = (O::COLUMNS, order.column());
    let (sql, args) = if filter.topics.len() > 1 {
        topics_page_sql(columns, filter, key, limit, offset)
    } else {
        let (where_sql, args) = filter.list_clause();
        let sql = format!(
            "SELECT {columns} FROM items{where_sql} ORDER BY {key} DESC, id DESC{} OFFSET ${}",
            crate::limit(limit),
            args.len() + 1
        );
        (sql, args)
    };
    let q = bind_all(sqlx::query_as(sqlx::AssertSqlSafe(sql)), args);
    Ok(q.bind(offset).fetch_all(conn).await?)
}

/// A page of the items of several topics (a top topic and its sub-topics): the newest
/// `offset + limit` ids of each topic, each a range of its topic's index, merged and cut to
/// the page. With `topic IN (…)` SQLite walked every published item newest first to find
/// the topics' (its IN ranges cannot be merged in order): 0.7 s for page 50 of a topic of
/// 7,500 items at 1M, 5 s for its last page; merged, 0.3-35 ms. The last placeholder is the
/// offset.
fn topics_page_sql(
    columns: &str,
    filter: &ItemFilter,
    key: &str,
    limit: i64,
    offset: i64,
) -> (String, Vec<Arg>) {
    let rest = ItemFilter {
        topics: Vec::new(),
        ..filter.clone()
    };
    // Every member shares the placeholders of the other filters (a placeholder named twice is
    // one value on both databases) and adds its topic's.
    let (rest_where, mut args) = rest.list_clause();
    // Rounded up to a power of two, so that deep pages make a few dozen statement texts for
    // the connections' caches, not one per page.
    let newest = u64::try_from(offset.saturating_add(limit)).map_or(i64::MAX, |n| {
        i64::try_from(n.next_power_of_two()).unwrap_or(i64::MAX)
    });
    let newest = crate::limit(newest);
    let mut members = Vec::with_capacity(filter.topics.len());
    for (i, topic) in filter.topics.iter().enumerate() {
        args.push(Arg::Text(topic.clone()));
        members.push(format!(
            "SELECT id, {key} FROM (SELECT id, {key} FROM items{rest_where} AND topic = ${} \
             ORDER BY {key} DESC, id DESC{newest}) AS m{i}",
            args.len()
        ));
    }
    let sql = format!(
        "SELECT {columns} FROM items WHERE id IN (SELECT id FROM ({}) AS u \
         ORDER BY {key} DESC, id DESC{} OFFSET ${}) ORDER BY {key} DESC, id DESC",
        members.join(" UNION ALL "),
        crate::limit(limit),
        args.len() + 1
    );
    (sql, args)
}

/// Number of items matching `filter`.
pub async fn count(conn: &mut Conn, filter: &ItemFilter) -> Result<i64> {
    let count_sql;
    let count_args;
    if let Some(area) = filter.public_key_area() {
        return published_key_area_count(conn, area).await;
    }
    if let Some(area) = &filter.key_area {
        // A key area's items are counted from the area's own rows, each item looked up by id
        // (`CROSS JOIN` fixes that order on SQLite; PostgreSQL plans it as any join): driven by
        // the status index, SQLite probed the area for every published item (281 ms at 1M).
        let rest = ItemFilter {
            key_area: None,
            ..filter.clone()
        };
        let (rest_where, mut args) = rest.where_clause();
        args.push(Arg::Text(area.clone()));
        count_sql = format!(
            "SELECT COUNT(*) FROM item_key_areas k CROSS JOIN items{rest_where} \
             AND k.item_id = items.id AND k.key_area = ${}",
            args.len()
        );
        count_args = args;
    } else {
        let (count_where, args) = filter.where_clause();
        count_sql = format!("SELECT COUNT(*) FROM items{count_where}");
        count_args = args;
    }
    let (total,): (i64,) = bind_all(sqlx::query_as(sqlx::AssertSqlSafe(count_sql)), count_args)
        .fetch_one(conn)
        .await?;
    Ok(total)
}

/// Counts of published items per value of a column, for catalog navigation.
pub async fn published_counts(conn: &mut Conn, column: FacetColumn) -> Result<Vec<(String, i64)>> {
    let sql = match column {
        FacetColumn::Topic => {
            "SELECT topic, COUNT(*) FROM items WHERE status = 'published' GROUP BY topic"
        }
        FacetColumn::Genre => {
            "SELECT genre, COUNT(*) FROM items WHERE status = 'published' GROUP BY genre"
        }
        FacetColumn::Year => {
            "SELECT SUBSTR(published_on, 1, 4), COUNT(*) FROM items WHERE status = 'published' \
             GROUP BY SUBSTR(published_on, 1, 4)"
        }
        FacetColumn::KeyArea => return published_key_area_counts(conn).await,
        FacetColumn::Validity => {
            "SELECT validity, COUNT(*) FROM items WHERE status = 'published' GROUP BY validity"
        }
        FacetColumn::Body => {
            "SELECT CAST(body_id AS TEXT), COUNT(*) FROM items WHERE status = 'published' \
             GROUP BY body_id"
        }
    };
    Ok(sqlx::query_as(sql).fetch_all(conn).await?)
}

/// Key areas of published items: all the areas' counts less those of the items not public,
/// which are few, so neither query reads the items' rows (joining every area to its item's row
/// took 2.2 s at 1M items on SQLite).
async fn published_key_area_counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    let all: Vec<(String, i64)> =
        sqlx::query_as("SELECT key_area, COUNT(*) FROM item_key_areas GROUP BY key_area")
            .fetch_all(&mut *conn)
            .await?;
    let hidden_statuses = hidden_statuses();
    // Only placeholders are formatted in; the statuses are bound.
    let sql = format!(
        "SELECT k.key_area, COUNT(*) FROM items i JOIN item_key_areas k ON k.item_id = i.id \
         WHERE i.status IN ({}) GROUP BY k.key_area",
        crate::list_placeholders(conn, 1, hidden_statuses.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
    for status in &hidden_statuses {
        query = query.bind(*status);
    }
    let hidden: std::collections::HashMap<String, i64> =
        query.fetch_all(&mut *conn).await?.into_iter().collect();
    Ok(all
        .into_iter()
        .map(|(area, n)| {
            let public = n - hidden.get(&area).copied().unwrap_or(0);
            (area, public)
        })
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// Published items of one key area, counted like [`published_key_area_counts`]: the area's
/// rows less those of items not public. Checking each item's status through its row took
/// 0.3 s for an area of 150,000 items at 1M.
async fn published_key_area_count(conn: &mut Conn, area: &str) -> Result<i64> {
    let hidden_statuses = hidden_statuses();
    // One statement, so both counts see the same data. The hidden items are found by the
    // status index (they are few), each probing the area's index by item (`CROSS JOIN` keeps
    // that order on SQLite).
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM item_key_areas WHERE key_area = $1) - \
         (SELECT COUNT(*) FROM items i CROSS JOIN item_key_areas k WHERE i.status IN ({}) \
         AND k.item_id = i.id AND k.key_area = $1)",
        crate::placeholders_from(2, hidden_statuses.len()),
    );
    let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(area);
    for status in &hidden_statuses {
        query = query.bind(*status);
    }
    let (public,) = query.fetch_one(conn).await?;
    Ok(public)
}

/// The statuses of items not on the public site.
fn hidden_statuses() -> Vec<&'static str> {
    ItemStatus::ALL
        .into_iter()
        .filter(|s| !s.is_public())
        .map(ItemStatus::as_str)
        .collect()
}

#[derive(Debug, Clone, Copy)]
pub enum FacetColumn {
    Topic,
    Genre,
    Year,
    KeyArea,
    Body,
    Validity,
}

pub async fn insert_version(
    conn: &mut Conn,
    item_id: i64,
    version: i64,
    snapshot: &str,
    editor_id: i64,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO item_versions (item_id, version, snapshot, editor_id, at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(item_id)
    .bind(version)
    .bind(snapshot)
    .bind(editor_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records version 1 of many items at once (bulk imports): `(item id, snapshot)` pairs.
pub async fn insert_first_versions(
    conn: &mut Conn,
    snapshots: &[(i64, String)],
    editor_id: i64,
    now_ms: i64,
) -> Result<()> {
    const COLS: usize = 5;
    for chunk in snapshots.chunks(crate::rows_per_statement(COLS)) {
        let sql = format!(
            "INSERT INTO item_versions (item_id, version, snapshot, editor_id, at_ms) VALUES {}",
            crate::row_placeholders(conn, chunk.len(), COLS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, snapshot) in chunk {
            q = q
                .bind(*id)
                .bind(1_i64)
                .bind(snapshot.as_str())
                .bind(editor_id)
                .bind(now_ms);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub snapshot: String,
    pub editor_id: i64,
    pub at_ms: i64,
}

pub async fn versions(conn: &mut Conn, item_id: i64) -> Result<Vec<VersionRow>> {
    Ok(sqlx::query_as(
        "SELECT version, snapshot, editor_id, at_ms FROM item_versions WHERE item_id = $1 \
         ORDER BY version DESC",
    )
    .bind(item_id)
    .fetch_all(conn)
    .await?)
}

/// The snapshot of version `version` of each of the given items that has one, for checking
/// the digests the audit log recorded of them.
pub async fn version_snapshots(
    conn: &mut Conn,
    version: i64,
    item_ids: &[i64],
) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for ids in item_ids.chunks(crate::rows_per_statement(1) - 1) {
        // Only placeholders are formatted in; the values are bound.
        let sql = format!(
            "SELECT item_id, snapshot FROM item_versions WHERE item_id IN ({}) AND version = {}",
            crate::list_placeholders(conn, 1, ids.len()),
            crate::list_placeholders(conn, ids.len() + 1, 1)
        );
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).persistent(false);
        for id in ids {
            query = query.bind(*id);
        }
        out.extend(query.bind(version).fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// Items that name `id` as their successor (the documents it replaced).
pub async fn predecessors(conn: &mut Conn, id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, title FROM items WHERE successor_id = $1 AND status = 'published'",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_successor(
    conn: &mut Conn,
    id: i64,
    successor_id: i64,
    validity: &str,
) -> Result<()> {
    sqlx::query("UPDATE items SET successor_id = $1, validity = $2 WHERE id = $3")
        .bind(successor_id)
        .bind(validity)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(rfc3339: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .map(|t| t.timestamp_millis())
            .unwrap_or_default()
    }

    #[test]
    fn a_year_window_holds_the_years_china_dates_with_a_day_to_spare() {
        let (from, to) = year_window_ms(2026).unwrap_or_default();
        // The first and last instants of 2026 in China (UTC+8) are inside.
        assert!(from <= ms("2026-01-01T00:00:00+08:00"));
        assert!(to > ms("2026-12-31T23:59:59+08:00"));
        // With a day to spare on each side, not a year.
        assert_eq!(ms("2026-01-01T00:00:00Z") - from, 86_400_000);
        assert_eq!(to - ms("2027-01-01T00:00:00Z"), 86_400_000);
        assert_eq!(year_window_ms(i32::MAX), None);
        assert_eq!(year_window_ms(i32::MIN), None);
    }

    #[test]
    fn only_a_list_page_bounds_the_instants_of_a_year() {
        let filter = ItemFilter {
            statuses: vec!["published".into()],
            year: Some(2026),
            ..ItemFilter::default()
        };
        let (list, list_args) = filter.list_clause();
        let (count, count_args) = filter.where_clause();
        assert!(list.contains("published_on >= $2") && list.contains("published_ms >= $4"));
        assert!(list.ends_with("published_ms < $5"), "{list}");
        assert!(!count.contains("published_ms"), "{count}");
        assert_eq!((list_args.len(), count_args.len()), (5, 3));
        let no_year = ItemFilter::default();
        assert_eq!(no_year.list_clause().0, no_year.where_clause().0);
    }

    #[test]
    fn the_public_key_area_count_is_for_that_filter_alone() {
        let area = |f: ItemFilter| f.public_key_area().map(str::to_owned);
        let published = ItemFilter {
            statuses: vec!["published".into()],
            key_area: Some("社会救助".into()),
            ..ItemFilter::default()
        };
        assert_eq!(area(published.clone()), Some("社会救助".into()));
        for other in [
            ItemFilter {
                genre: Some("通知".into()),
                ..published.clone()
            },
            ItemFilter {
                statuses: vec!["draft".into()],
                ..published.clone()
            },
            ItemFilter {
                key_area: None,
                ..published.clone()
            },
        ] {
            assert_eq!(area(other), None);
        }
    }
}
