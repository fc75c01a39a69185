//! Topic taxonomy (主题分类), key areas (重点领域) and genres (体裁) from `catalog.md`.
//!
//! The data lives in `data/taxonomy.toml` and is compiled in. A topic path is the
//! top-level name alone (`"综合政务"`) or the top-level name, `/`, and a child name
//! (`"综合政务/政务公开"`).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const DATA: &str = include_str!("../data/taxonomy.toml");

/// Separator of the two levels of a topic path.
pub const TOPIC_SEPARATOR: char = '/';

/// A top-level topic (一级主题分类) with its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// `"2"`.
    pub code: String,
    /// `"综合政务"`.
    pub name: String,
    pub children: Vec<SubTopic>,
}

/// A second-level topic (二级主题分类).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubTopic {
    /// `"2.1"`.
    pub code: String,
    /// `"政务公开"`.
    pub name: String,
}

impl Topic {
    /// The child with this name.
    pub fn child(&self, name: &str) -> Option<&SubTopic> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A complete classification set (分类体系): topics, key areas and genres.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
    pub key_areas: Vec<String>,
    pub genres: Vec<String>,
}

/// A defect in taxonomy data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error("taxonomy data is not valid TOML: {0}")]
    Toml(String),
    #[error("duplicate name in taxonomy data: {0}")]
    Duplicate(String),
    #[error("invalid name in taxonomy data: {0:?}")]
    BadName(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    genres: Vec<String>,
    key_areas: Vec<String>,
    topics: Vec<RawTopic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    code: String,
    name: String,
    children: Vec<String>,
}

fn check_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), TaxonomyError> {
    let mut seen = HashSet::new();
    for n in names {
        if n.trim() != n || n.is_empty() || n.contains(TOPIC_SEPARATOR) || n.contains('\\') {
            return Err(TaxonomyError::BadName(n.to_owned()));
        }
        if !seen.insert(n) {
            return Err(TaxonomyError::Duplicate(n.to_owned()));
        }
    }
    Ok(())
}

impl Taxonomy {
    /// Parses and checks taxonomy TOML (the format of `data/taxonomy.toml`).
    /// Child codes are derived from their order: the third child of topic `"2"` is `"2.3"`.
    pub fn from_toml(src: &str) -> Result<Self, TaxonomyError> {
        let raw: RawTaxonomy =
            toml::from_str(src).map_err(|e| TaxonomyError::Toml(e.to_string()))?;
        check_names(raw.topics.iter().map(|t| t.name.as_str()))?;
        check_names(raw.topics.iter().map(|t| t.code.as_str()))?;
        for t in &raw.topics {
            check_names(t.children.iter().map(String::as_str))?;
        }
        // Key areas may contain '/' (行政审批/行政许可): only check duplicates.
        let mut seen = HashSet::new();
        for k in raw.key_areas.iter().chain(raw.genres.iter()) {
            if k.trim().is_empty() {
                return Err(TaxonomyError::BadName(k.clone()));
            }
        }
        for k in &raw.key_areas {
            if !seen.insert(k.as_str()) {
                return Err(TaxonomyError::Duplicate(k.clone()));
            }
        }
        check_names(raw.genres.iter().map(String::as_str))?;
        let topics = raw
            .topics
            .into_iter()
            .map(|t| Topic {
                children: t
                    .children
                    .into_iter()
                    .enumerate()
                    .map(|(i, name)| SubTopic {
                        code: format!("{}.{}", t.code, i + 1),
                        name,
                    })
                    .collect(),
                code: t.code,
                name: t.name,
            })
            .collect();
        Ok(Taxonomy {
            topics,
            key_areas: raw.key_areas,
            genres: raw.genres,
        })
    }

    /// The top-level topic with this name.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// Whether `path` is `"top"` or `"top/child"` of this taxonomy.
    pub fn topic_path_valid(&self, path: &str) -> bool {
        match path.split_once(TOPIC_SEPARATOR) {
            None => self.topic(path).is_some(),
            Some((top, child)) => self.topic(top).is_some_and(|t| t.child(child).is_some()),
        }
    }

    pub fn is_key_area(&self, name: &str) -> bool {
        self.key_areas.iter().any(|k| k == name)
    }

    pub fn is_genre(&self, name: &str) -> bool {
        self.genres.iter().any(|g| g == name)
    }
}

#[allow(clippy::expect_used)]
static BUILTIN: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::from_toml(DATA).expect("data/taxonomy.toml is compiled in and checked by a test")
});

/// The built-in taxonomy.
pub fn builtin() -> &'static Taxonomy {
    &BUILTIN
}

/// English names of the catalog's terms, for the English portal.
const ENGLISH_DATA: &str = include_str!("../data/taxonomy_en.toml");

#[derive(serde::Deserialize)]
struct EnglishTerms {
    terms: std::collections::HashMap<String, String>,
}

#[allow(clippy::expect_used)]
static ENGLISH: LazyLock<EnglishTerms> = LazyLock::new(|| {
    toml::from_str(ENGLISH_DATA)
        .expect("data/taxonomy_en.toml is compiled in and checked by a test")
});

/// The English name of a genre, key area, topic or topic path (`综合政务/政务公开` →
/// `General government affairs / Government transparency`), when every part has one.
pub fn english(term: &str) -> Option<String> {
    if let Some(whole) = ENGLISH.terms.get(term.trim()) {
        return Some(whole.clone());
    }
    let parts: Option<Vec<&str>> = term
        .split(TOPIC_SEPARATOR)
        .map(|part| ENGLISH.terms.get(part.trim()).map(String::as_str))
        .collect();
    Some(parts?.join(" / "))
}

/// The 22 national top-level topics with their children.
pub fn topics() -> &'static [Topic] {
    &BUILTIN.topics
}

/// Whether `path` is a known topic path (`"综合政务"` or `"综合政务/政务公开"`).
pub fn topic_path_valid(path: &str) -> bool {
    BUILTIN.topic_path_valid(path)
}

/// Canonical form of a topic path typed or imported in another shape: accepts `\`,
/// `／` or `/` as separator and spaces around the parts (`"综合政务 \ 政务公开"`).
/// Returns `None` if the result is not a known path.
pub fn normalize_topic_path(raw: &str) -> Option<String> {
    let unified: String = raw
        .chars()
        .map(|c| match c {
            '\\' | '／' | '＼' => TOPIC_SEPARATOR,
            c => c,
        })
        .collect();
    let path = match unified.split_once(TOPIC_SEPARATOR) {
        None => unified.trim().to_owned(),
        Some((a, b)) => format!("{}{TOPIC_SEPARATOR}{}", a.trim(), b.trim()),
    };
    topic_path_valid(&path).then_some(path)
}

/// The 30 key areas (重点领域).
pub fn key_areas() -> &'static [String] {
    &BUILTIN.key_areas
}

/// The genres (体裁).
pub fn genres() -> &'static [String] {
    &BUILTIN.genres
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_term_has_an_english_name() {
        let mut terms: Vec<String> = genres().to_vec();
        terms.extend(key_areas().iter().cloned());
        for t in topics() {
            terms.push(t.name.clone());
            terms.extend(t.children.iter().map(|c| c.name.clone()));
        }
        for term in &terms {
            let en = english(term).unwrap_or_default();
            assert!(!en.is_empty() && en.is_ascii(), "{term} → {en:?}");
        }
        assert_eq!(
            english("综合政务/政务公开").as_deref(),
            Some("General government affairs / Government transparency")
        );
        assert_eq!(english("本市特有主题"), None);
        assert_eq!(
            english("综合政务/本市特有"),
            None,
            "a path needs every part"
        );
    }

    #[test]
    fn builtin_data_parses() {
        let t = Taxonomy::from_toml(DATA).unwrap();
        assert_eq!(&t, builtin());
    }

    #[test]
    fn shape_matches_catalog() {
        assert_eq!(topics().len(), 22);
        let counts: Vec<usize> = topics().iter().map(|t| t.children.len()).collect();
        assert_eq!(
            counts,
            [
                10, 9, 7, 9, 8, 4, 12, 6, 6, 6, 4, 5, 4, 3, 7, 4, 7, 2, 3, 3, 2, 0
            ]
        );
        for (i, t) in topics().iter().enumerate() {
            assert_eq!(t.code, (i + 1).to_string());
            for (j, c) in t.children.iter().enumerate() {
                assert_eq!(c.code, format!("{}.{}", i + 1, j + 1));
            }
        }
        assert_eq!(topics()[1].name, "综合政务");
        assert_eq!(topics()[1].children[0].name, "政务公开");
        assert_eq!(topics()[1].children[0].code, "2.1");
        assert_eq!(key_areas().len(), 30);
        assert_eq!(genres().len(), 18);
        assert_eq!(genres()[0], "命令（令）");
        assert_eq!(key_areas()[1], "行政审批/行政许可");
    }

    fn check(path: &str, expected: bool) {
        assert_eq!(topic_path_valid(path), expected, "{path:?}");
    }

    #[test]
    fn topic_paths() {
        check("综合政务/政务公开", true);
        check("综合政务", true);
        check("其他", true);
        check("财政、金融、审计/货币（含外汇）", true);
        check("综合政务/参事、文史", true);
        check("民族、宗教/宗教事务", true);
        check("综合政务/其他", true);
        check("民族、宗教/其他", false);
        check("综合政务/", false);
        check("/政务公开", false);
        check("政务公开", false);
        check("综合政务/政务公开/更多", false);
        check("综合政务\\政务公开", false);
        check("", false);
        check("其他/其他", false);
    }

    fn check_norm(raw: &str, expected: Option<&str>) {
        assert_eq!(normalize_topic_path(raw).as_deref(), expected, "{raw:?}");
    }

    #[test]
    fn normalized_paths() {
        check_norm("综合政务\\政务公开", Some("综合政务/政务公开"));
        check_norm(" 综合政务 ／ 政务公开 ", Some("综合政务/政务公开"));
        check_norm("综合政务", Some("综合政务"));
        check_norm("综合政务\\没有", None);
    }

    #[test]
    fn membership() {
        let t = builtin();
        assert!(t.is_key_area("PPP项目"));
        assert!(t.is_key_area("回应关切"));
        assert!(!t.is_key_area("回应"));
        assert!(t.is_genre("通知"));
        assert!(t.is_genre("其他"));
        assert!(!t.is_genre("决议"));
    }

    #[test]
    fn bad_data_rejected() {
        let dup = "genres=[\"a\",\"a\"]\nkey_areas=[]\ntopics=[]";
        assert_eq!(
            Taxonomy::from_toml(dup),
            Err(TaxonomyError::Duplicate("a".into()))
        );
        let slash = "genres=[]\nkey_areas=[]\n[[topics]]\ncode=\"1\"\nname=\"a/b\"\nchildren=[]";
        assert_eq!(
            Taxonomy::from_toml(slash),
            Err(TaxonomyError::BadName("a/b".into()))
        );
        assert!(matches!(
            Taxonomy::from_toml("genres = 1"),
            Err(TaxonomyError::Toml(_))
        ));
    }
}
