//! Reading items: the public catalog, one item, the console's queues, version history.

use chrono::NaiveDate;
use gongkai_domain::item::{DisclosureAttr, ItemFields, ItemStatus, Scope, TimeLimit, Validity};
use gongkai_domain::pagination::{Page, page_count};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::from_json_list;
use gongkai_store::items::{
    self as store_items, FacetColumn, ItemFilter, ItemLineRow, ItemOrder, ItemRow, ListRow,
};
use serde::Serialize;

use super::Item;
use crate::{Aggregate, App, AppError, AppResult};

/// Public catalog filters (目录导航): body, topic, key area, genre, year, validity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    pub body_id: Option<i64>,
    pub topic: Option<String>,
    pub key_area: Option<String>,
    pub genre: Option<String>,
    pub year: Option<i32>,
    pub validity: Option<Validity>,
}

/// One page of items (whole, or as [`ListedItem`]s) with the total, for pagination.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPage<T = Item> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

/// Counts of published items by facet, for catalog navigation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub topics: Vec<(String, i64)>,
    pub key_areas: Vec<(String, i64)>,
    pub genres: Vec<(String, i64)>,
    pub years: Vec<(String, i64)>,
    pub bodies: Vec<(i64, i64)>,
    /// Validity codes (有效, 失效 …) and their counts.
    pub validity: Vec<(String, i64)>,
}

impl Facets {
    /// Published items under a top-level topic: those of the topic itself and of its
    /// sub-topics (`name/…`).
    pub fn topic_total(&self, name: &str) -> i64 {
        self.topics_under(name).map(|(_, n)| n).sum()
    }

    /// The topic `name` and its sub-topics (`name/…`), as counted.
    fn topics_under<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a (String, i64)> {
        self.topics.iter().filter(move |(topic, _)| {
            topic
                .strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// An item as a list shows it (列表条目): title, dates, numbers, no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedItem {
    pub id: i64,
    pub body_id: i64,
    pub status: ItemStatus,
    pub title: String,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub written_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub genre: String,
    pub validity: Validity,
    /// Published after the legal deadline.
    pub late: bool,
}

impl TryFrom<ItemLineRow> for ListedItem {
    type Error = AppError;
    fn try_from(r: ItemLineRow) -> AppResult<ListedItem> {
        let id = r.id;
        let bad = |what: &str| invalid(id, what);
        Ok(ListedItem {
            id,
            body_id: r.body_id,
            status: ItemStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            title: r.title,
            doc_number: r.doc_number,
            index_number: r.index_number,
            written_on: parse_date(&r.written_on),
            published_on: parse_date(&r.published_on),
            genre: r.genre,
            validity: Validity::parse(&r.validity).ok_or_else(|| bad("validity"))?,
            late: r.late != 0,
        })
    }
}

/// A stored item whose `what` is not a value the domain knows.
fn invalid(id: i64, what: &str) -> AppError {
    AppError::Internal(format!("item {id} has invalid {what}"))
}

fn parse_date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

impl TryFrom<ItemRow> for Item {
    type Error = AppError;
    fn try_from(r: ItemRow) -> AppResult<Item> {
        let id = r.id;
        let bad = |what: &str| invalid(id, what);
        let fields = ItemFields {
            title: r.title,
            body: r.body,
            summary: r.summary,
            doc_number: r.doc_number,
            written_on: parse_date(&r.written_on),
            genre: r.genre,
            topic: r.topic,
            key_areas: from_json_list(&r.key_areas)?,
            keywords: from_json_list(&r.keywords)?,
            validity: Validity::parse(&r.validity).ok_or_else(|| bad("validity"))?,
            disclosure: DisclosureAttr::parse(&r.disclosure).ok_or_else(|| bad("disclosure"))?,
            time_limit: TimeLimit::parse(&r.time_limit).ok_or_else(|| bad("time_limit"))?,
            scope: Scope::parse(&r.scope).ok_or_else(|| bad("scope"))?,
            channel: r.channel,
            co_issuers: from_json_list(&r.co_issuers)?,
        };
        Ok(Item {
            id,
            body_id: r.body_id,
            status: ItemStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            fields,
            doc_number_raw: r.doc_number_raw,
            index_number: r.index_number,
            published_on: parse_date(&r.published_on),
            published_ms: r.published_ms,
            scheduled_ms: r.scheduled_ms,
            late: r.late != 0,
            review_note: r.review_note,
            reviewer_id: r.reviewer_id,
            reviewed_ms: r.reviewed_ms,
            pii_override: r.pii_override,
            successor_id: r.successor_id,
            created_by: r.created_by,
            created_ms: r.created_ms,
            updated_ms: r.updated_ms,
            version: r.version,
        })
    }
}

/// What a reader may know about an item that is not (or no longer) public.
#[derive(Debug, Clone)]
pub enum Visibility {
    Visible(Box<Item>),
    /// Withdrawn: the public learns that it was withdrawn, not what it said.
    Withdrawn {
        title: String,
        index_number: Option<String>,
    },
}

impl App {
    /// One item: published items for everyone, others only for staff who may see the body's
    /// drafts. Anything else is "not found", so ids do not reveal drafts.
    pub async fn item(&self, actor: Option<&Actor>, id: i64) -> AppResult<Visibility> {
        let mut c = self.db().read().await?;
        let row = store_items::by_id(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("item"))?;
        let staff = actor.is_some_and(|a| a.can(Action::ViewDrafts, row.body_id));
        match row.status.as_str() {
            "published" => Ok(Visibility::Visible(Box::new(row.try_into()?))),
            _ if staff => Ok(Visibility::Visible(Box::new(row.try_into()?))),
            "withdrawn" => Ok(Visibility::Withdrawn {
                title: row.title,
                index_number: row.index_number,
            }),
            _ => Err(AppError::NotFound("item")),
        }
    }

    /// Looks a published item up by its index number.
    pub async fn item_by_index_number(&self, index_number: &str) -> AppResult<Item> {
        let mut c = self.db().read().await?;
        store_items::by_index_number(&mut c, index_number.trim())
            .await?
            .filter(|r| r.status == "published")
            .ok_or(AppError::NotFound("item"))?
            .try_into()
    }

    /// Titles of items by id, for links (successors, predecessors).
    pub async fn item_title(&self, id: i64) -> AppResult<Option<String>> {
        let mut c = self.db().read().await?;
        Ok(store_items::by_id(&mut c, id)
            .await?
            .filter(|r| r.status == "published")
            .map(|r| r.title))
    }

    /// Published items this one replaced (they name it as successor).
    pub async fn predecessors(&self, id: i64) -> AppResult<Vec<(i64, String)>> {
        let mut c = self.db().read().await?;
        Ok(store_items::predecessors(&mut c, id).await?)
    }

    /// The public catalog: published items, newest first.
    pub async fn catalog(&self, f: &CatalogFilter, page: Page) -> AppResult<ItemPage> {
        self.catalog_page::<ItemRow, _>(f, page).await
    }

    /// The public catalog as a list page shows it.
    pub async fn catalog_lines(
        &self,
        f: &CatalogFilter,
        page: Page,
    ) -> AppResult<ItemPage<ListedItem>> {
        self.catalog_page::<ItemLineRow, _>(f, page).await
    }

    /// A page of the catalog read as `R`, given as `T`. Its total counts every published item
    /// of the filter and is cached for five seconds like the facets (a COUNT grows with the
    /// archive, the page itself is an index range scan).
    async fn catalog_page<R, T>(&self, f: &CatalogFilter, page: Page) -> AppResult<ItemPage<T>>
    where
        R: ListRow,
        T: TryFrom<R, Error = AppError>,
    {
        let filter = self.catalog_filter(f).await?;
        let total = self.catalog_total(&filter).await?;
        // A page past the end is empty without reading: an OFFSET is walked, and the public
        // can ask for page 100,000 (5 s for a small topic at 1M items).
        if page.offset() >= total {
            return item_page(Vec::<R>::new(), total, page);
        }
        let rows = {
            let mut c = self.db().read().await?;
            let order = ItemOrder::Published;
            store_items::list(&mut c, &filter, order, page.limit(), page.offset()).await?
        };
        item_page(rows, total, page)
    }

    /// The store's filter for a catalog filter: published items only.
    async fn catalog_filter(&self, f: &CatalogFilter) -> AppResult<ItemFilter> {
        Ok(ItemFilter {
            statuses: vec!["published".into()],
            body_ids: f.body_id.into_iter().collect(),
            topics: match &f.topic {
                Some(topic) => self.topic_values(topic).await?,
                None => Vec::new(),
            },
            key_area: f.key_area.clone(),
            genre: f.genre.clone(),
            year: f.year,
            validity: f.validity.map(|v| v.as_str().to_owned()),
            ..ItemFilter::default()
        })
    }

    /// The stored topics a catalog's topic stands for: a full path (`综合政务/政务公开`) itself;
    /// a top topic (`综合政务`) itself and every sub-topic published under it, from the facet
    /// counts. `topic LIKE '综合政务/%'` walked every published item newest first looking for
    /// matches, 0.5 s at 100,000 items for a top topic with nothing under it; each topic of
    /// the list is a range of the topic index (see `store::items::list`). Sorted, so the
    /// cached total's key stays the same. A sub-topic first published after the counts were
    /// made joins the list when they are next refreshed (see `App::facets`).
    async fn topic_values(&self, topic: &str) -> AppResult<Vec<String>> {
        let mut values = vec![topic.to_owned()];
        if !topic.contains('/') {
            let facets = self.facets().await?;
            values.extend(
                facets
                    .topics_under(topic)
                    .map(|(t, _)| t)
                    .filter(|t| *t != topic)
                    .cloned(),
            );
            values.sort();
        }
        Ok(values)
    }

    /// The number of published items of a catalog filter, cached like the facets (see
    /// `App::aggregate`).
    async fn catalog_total(&self, filter: &ItemFilter) -> AppResult<i64> {
        let filter = filter.clone();
        self.keyed_aggregate(
            format!("{filter:?}"),
            Aggregate::total,
            Aggregate::Total,
            move |app| {
                let filter = filter.clone();
                async move {
                    let mut c = app.db().read().await?;
                    Ok(store_items::count(&mut c, &filter).await?)
                }
            },
        )
        .await
    }

    /// Drafts (and returned drafts) of the actor's bodies; officers see their own.
    pub async fn my_drafts(&self, actor: &Actor, page: Page) -> AppResult<ItemPage<ListedItem>> {
        let bodies = actor.bodies_with(Action::ViewDrafts);
        if bodies.is_empty() && !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        let filter = ItemFilter {
            statuses: vec!["draft".into(), "in_review".into()],
            body_ids: if actor.is_city_office() {
                vec![]
            } else {
                bodies
            },
            created_by: Some(actor.user_id),
            ..ItemFilter::default()
        };
        self.lines(&filter, ItemOrder::Updated, page).await
    }

    /// Items waiting for the actor's review (审核队列), across the bodies where they review.
    pub async fn review_queue(&self, actor: &Actor, page: Page) -> AppResult<ItemPage<ListedItem>> {
        let bodies = actor.bodies_with(Action::ReviewItem);
        if bodies.is_empty() {
            return Err(AppError::Forbidden);
        }
        let filter = ItemFilter {
            statuses: vec!["in_review".into()],
            body_ids: if actor.is_city_office() {
                vec![]
            } else {
                bodies
            },
            ..ItemFilter::default()
        };
        self.lines(&filter, ItemOrder::Updated, page).await
    }

    /// Every item of the actor's bodies in any state, for the console's item list.
    pub async fn body_items(
        &self,
        actor: &Actor,
        status: Option<ItemStatus>,
        page: Page,
    ) -> AppResult<ItemPage<ListedItem>> {
        let bodies = actor.bodies_with(Action::ViewDrafts);
        if bodies.is_empty() && !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        let filter = ItemFilter {
            statuses: status.map(|s| s.as_str().to_owned()).into_iter().collect(),
            body_ids: if actor.is_city_office() {
                vec![]
            } else {
                bodies
            },
            ..ItemFilter::default()
        };
        self.lines(&filter, ItemOrder::Updated, page).await
    }

    async fn lines(
        &self,
        filter: &ItemFilter,
        order: ItemOrder,
        page: Page,
    ) -> AppResult<ItemPage<ListedItem>> {
        let mut c = self.db().read().await?;
        let rows: Vec<ItemLineRow> =
            store_items::list(&mut c, filter, order, page.limit(), page.offset()).await?;
        let total = store_items::count(&mut c, filter).await?;
        item_page(rows, total, page)
    }

    /// Ids and publication instants of the newest published items, for the sitemap.
    pub async fn published_index(&self, limit: i64) -> AppResult<Vec<(i64, Option<i64>)>> {
        let mut c = self.db().read().await?;
        Ok(store_items::published_index(&mut c, limit).await?)
    }

    /// Published-item counts per topic, key area, genre, year and body (cached, see
    /// `App::aggregate`: a new publication shows in the counts the second time they are asked
    /// for after `AppConfig::aggregate_ttl`, or the first time after four times that).
    pub async fn facets(&self) -> AppResult<Facets> {
        self.aggregate(
            |app, ttl| app.cached_facets(ttl),
            |app| async move {
                let f = app.compute_facets().await?;
                app.cache_facets(&f);
                Ok(f)
            },
        )
        .await
    }

    /// Counts the catalog's facets and its whole total before the first reader asks for them
    /// (at start-up: otherwise the first pages after a restart wait for the count, half a
    /// second at 1M items).
    pub async fn warm_catalog_counts(&self) -> AppResult<()> {
        self.facets().await?;
        let everything = self.catalog_filter(&CatalogFilter::default()).await?;
        self.catalog_total(&everything).await?;
        Ok(())
    }

    async fn compute_facets(&self) -> AppResult<Facets> {
        let mut c = self.db().read().await?;
        let mut facets = Facets {
            topics: store_items::published_counts(&mut c, FacetColumn::Topic).await?,
            key_areas: store_items::published_counts(&mut c, FacetColumn::KeyArea).await?,
            genres: store_items::published_counts(&mut c, FacetColumn::Genre).await?,
            years: store_items::published_counts(&mut c, FacetColumn::Year).await?,
            validity: store_items::published_counts(&mut c, FacetColumn::Validity).await?,
            bodies: store_items::published_counts(&mut c, FacetColumn::Body)
                .await?
                .into_iter()
                .filter_map(|(b, n)| b.parse().ok().map(|b| (b, n)))
                .collect(),
        };
        facets.years.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(facets)
    }

    /// The version history of an item (staff of its body).
    pub async fn versions(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<Vec<store_items::VersionRow>> {
        let mut c = self.db().read().await?;
        self.authorised(&mut c, actor, id, Action::ViewDrafts)
            .await?;
        Ok(store_items::versions(&mut c, id).await?)
    }
}

fn item_page<R, T>(rows: Vec<R>, total: i64, page: Page) -> AppResult<ItemPage<T>>
where
    T: TryFrom<R, Error = AppError>,
{
    Ok(ItemPage {
        items: rows
            .into_iter()
            .map(T::try_from)
            .collect::<AppResult<_>>()?,
        total,
        page: page.number,
        per_page: page.size,
        pages: page_count(total, page.size),
    })
}

#[cfg(test)]
mod tests {
    use super::Facets;

    #[test]
    fn a_topic_total_counts_the_topic_and_its_sub_topics_only() {
        let facets = Facets {
            topics: vec![
                ("城乡建设".into(), 2),
                ("城乡建设/住房保障".into(), 5),
                ("城乡建设环境".into(), 7),
                ("交通".into(), 11),
            ],
            ..Facets::default()
        };
        assert_eq!(facets.topic_total("城乡建设"), 7);
        assert_eq!(facets.topic_total("交通"), 11);
        assert_eq!(facets.topic_total("教育"), 0);
    }
}
