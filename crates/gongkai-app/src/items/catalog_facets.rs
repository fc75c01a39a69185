//! The catalog's facet counts under a filter (筛选后的分面计数).
//!
//! Each facet is counted under every filter but its own: with a body chosen, the topics show
//! what that body published, and the other bodies keep their counts, so switching to one of
//! them promises what the link gives. Unfiltered counts are the database's (see
//! [`App::facets`]); filtered ones come from the search index, which holds the same published
//! items and counts every facet of a filter's matches in one walk, where the database would
//! need a GROUP BY per facet over the filter's rows. Both are kept for the aggregates'
//! time-to-live.

use gongkai_search::{Filters, SearchRequest, SortOrder};

use super::queries::{CatalogFilter, Facets};
use crate::{Aggregate, App, AppResult};

/// One facet of the catalog's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CatalogFacet {
    Body,
    Topic,
    KeyArea,
    Genre,
    Year,
    Validity,
}

const ALL: [CatalogFacet; 6] = [
    CatalogFacet::Body,
    CatalogFacet::Topic,
    CatalogFacet::KeyArea,
    CatalogFacet::Genre,
    CatalogFacet::Year,
    CatalogFacet::Validity,
];

impl CatalogFilter {
    pub fn is_empty(&self) -> bool {
        *self == CatalogFilter::default()
    }

    /// This filter less the one on `facet`.
    fn without(&self, facet: CatalogFacet) -> CatalogFilter {
        let mut rest = self.clone();
        match facet {
            CatalogFacet::Body => rest.body_id = None,
            CatalogFacet::Topic => rest.topic = None,
            CatalogFacet::KeyArea => rest.key_area = None,
            CatalogFacet::Genre => rest.genre = None,
            CatalogFacet::Year => rest.year = None,
            CatalogFacet::Validity => rest.validity = None,
        }
        rest
    }

    /// The same filter for the search index (a year is a range of one year there).
    fn for_index(&self) -> Filters {
        Filters {
            body_ids: self.body_id.into_iter().collect(),
            topic: self.topic.clone(),
            key_area: self.key_area.clone(),
            genre: self.genre.clone(),
            validity: self.validity.map(|v| v.as_str().to_owned()),
            year_from: self.year,
            year_to: self.year,
        }
    }
}

impl Facets {
    /// Takes `facet`'s counts from `from`.
    fn take(&mut self, facet: CatalogFacet, from: &Facets) {
        match facet {
            CatalogFacet::Body => self.bodies.clone_from(&from.bodies),
            CatalogFacet::Topic => self.topics.clone_from(&from.topics),
            CatalogFacet::KeyArea => self.key_areas.clone_from(&from.key_areas),
            CatalogFacet::Genre => self.genres.clone_from(&from.genres),
            CatalogFacet::Year => self.years.clone_from(&from.years),
            CatalogFacet::Validity => self.validity.clone_from(&from.validity),
        }
    }

    /// The index's counts in the catalog's terms. The index counts an item of `主题/子题` under
    /// both; only top topics are kept, so that [`Facets::topic_total`] does not count it twice.
    fn from_index(f: gongkai_search::Facets) -> Facets {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let strings = |list: Vec<(String, u64)>| {
            list.into_iter()
                .map(|(v, n)| (v, count(n)))
                .collect::<Vec<_>>()
        };
        let mut years: Vec<(String, i64)> = f
            .years
            .into_iter()
            .map(|(y, n)| (y.to_string(), count(n)))
            .collect();
        years.sort_by(|a, b| b.0.cmp(&a.0));
        Facets {
            topics: strings(f.topics)
                .into_iter()
                .filter(|(t, _)| !t.contains('/'))
                .collect(),
            key_areas: strings(f.key_areas),
            genres: strings(f.genres),
            years,
            bodies: f.bodies.into_iter().map(|(b, n)| (b, count(n))).collect(),
            validity: strings(f.validity),
        }
    }
}

impl App {
    /// Facet counts for the catalog under `f`, each facet under every filter but its own.
    pub async fn catalog_facets(&self, f: &CatalogFilter) -> AppResult<Facets> {
        let whole = self.facets().await?;
        if f.is_empty() {
            return Ok(whole);
        }
        // One count per distinct filter: the whole filter, and the filter less each facet
        // that is set (at most seven, usually two).
        let mut counted: Vec<(CatalogFilter, Facets)> = Vec::new();
        let mut out = Facets::default();
        for facet in ALL {
            let rest = f.without(facet);
            if rest.is_empty() {
                out.take(facet, &whole);
                continue;
            }
            let at = match counted.iter().position(|(k, _)| *k == rest) {
                Some(at) => at,
                None => {
                    let counts = self.filtered_facets(&rest).await?;
                    counted.push((rest, counts));
                    counted.len() - 1
                }
            };
            out.take(facet, &counted[at].1);
        }
        Ok(out)
    }

    /// Every facet's counts among the published items of `f` (not empty), from the index.
    async fn filtered_facets(&self, f: &CatalogFilter) -> AppResult<Facets> {
        let filters = f.for_index();
        self.keyed_aggregate(
            format!("facets {f:?}"),
            Aggregate::facets,
            Aggregate::Facets,
            move |app| {
                let filters = filters.clone();
                async move {
                    let results = app
                        .search(SearchRequest {
                            q: String::new(),
                            filters,
                            sort: SortOrder::Newest,
                            page: 1,
                            per_page: 1,
                            today: crate::today(),
                        })
                        .await?;
                    Ok(Facets::from_index(results.facets))
                }
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use gongkai_domain::item::Validity;

    use super::*;

    #[test]
    fn a_filter_less_each_facet_keeps_the_others() {
        let f = CatalogFilter {
            body_id: Some(3),
            topic: Some("城乡建设".into()),
            year: Some(2016),
            validity: Some(Validity::Effective),
            ..CatalogFilter::default()
        };
        assert_eq!(f.without(CatalogFacet::Body).body_id, None);
        assert_eq!(f.without(CatalogFacet::Body).topic, f.topic);
        assert_eq!(f.without(CatalogFacet::Topic).topic, None);
        assert_eq!(f.without(CatalogFacet::Topic).year, Some(2016));
        assert_eq!(f.without(CatalogFacet::Year).year, None);
        assert_eq!(f.without(CatalogFacet::Validity).validity, None);
        assert_eq!(f.without(CatalogFacet::Genre), f);
        assert_eq!(f.without(CatalogFacet::KeyArea), f);
        assert!(!f.is_empty());
        let only_body = CatalogFilter {
            body_id: Some(3),
            ..CatalogFilter::default()
        };
        assert!(only_body.without(CatalogFacet::Body).is_empty());
    }

    #[test]
    fn the_index_filter_is_the_catalog_filter() {
        let f = CatalogFilter {
            body_id: Some(3),
            key_area: Some("社会救助".into()),
            genre: Some("通知".into()),
            year: Some(2016),
            validity: Some(Validity::Repealed),
            ..CatalogFilter::default()
        };
        let index = f.for_index();
        assert_eq!(index.body_ids, vec![3]);
        assert_eq!(index.key_area.as_deref(), Some("社会救助"));
        assert_eq!(index.genre.as_deref(), Some("通知"));
        assert_eq!((index.year_from, index.year_to), (Some(2016), Some(2016)));
        assert_eq!(index.validity.as_deref(), Some(Validity::Repealed.as_str()));
        assert_eq!(index.topic, None);
    }

    #[test]
    fn index_counts_keep_top_topics_and_newest_years_first() {
        let facets = Facets::from_index(gongkai_search::Facets {
            bodies: vec![(7, 4)],
            topics: vec![("城乡建设".into(), 5), ("城乡建设/住房保障".into(), 3)],
            years: vec![(2015, 1), (2017, 2), (2016, 2)],
            ..gongkai_search::Facets::default()
        });
        assert_eq!(facets.topic_total("城乡建设"), 5);
        assert_eq!(facets.bodies, vec![(7, 4)]);
        let years: Vec<&str> = facets.years.iter().map(|(y, _)| y.as_str()).collect();
        assert_eq!(years, ["2017", "2016", "2015"]);
    }
}
