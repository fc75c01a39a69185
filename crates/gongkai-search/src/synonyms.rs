//! Synonyms and abbreviations (同义词/简称) of government language, applied when a query is read.
//!
//! Shipped as `data/synonyms.txt`; the city office's edited list replaces it at run time. Because
//! expansion happens at query time, an edit takes effect on the next query without reindexing.

use std::collections::HashMap;

use crate::segment::normalize;

/// The built-in list.
pub const BUILTIN: &str = include_str!("../data/synonyms.txt");

/// A line of the synonym list that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行：{reason}")]
pub struct SynonymError {
    pub line: usize,
    pub reason: &'static str,
}

/// Term → the other terms a query for it also finds.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    expansions: HashMap<String, Vec<String>>,
}

impl Synonyms {
    /// Reads a list: `a, b, c` (equivalent) or `a => b, c` (one-way); `#` starts a comment.
    /// Commas may be ASCII or full-width, or the terms separated by spaces.
    pub fn parse(text: &str) -> Result<Self, SynonymError> {
        let mut synonyms = Synonyms::default();
        for (idx, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |reason| SynonymError {
                line: idx + 1,
                reason,
            };
            if let Some((from, to)) = line.split_once("=>") {
                let from = terms(from);
                let to = terms(to);
                if from.len() != 1 || to.is_empty() {
                    return Err(err("“=>”左边应为一个词，右边至少一个词"));
                }
                synonyms.add(&from[0], &to);
            } else {
                let group = terms(line);
                if group.len() < 2 {
                    return Err(err("一组同义词至少两个词"));
                }
                for term in &group {
                    synonyms.add(term, &group);
                }
            }
        }
        Ok(synonyms)
    }

    fn add(&mut self, term: &str, others: &[String]) {
        let entry = self.expansions.entry(term.to_owned()).or_default();
        for other in others {
            if other != term && !entry.contains(other) {
                entry.push(other.clone());
            }
        }
    }

    /// The terms a query for `term` also finds (empty when it has none).
    pub fn expand(&self, term: &str) -> &[String] {
        self.expansions.get(term).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every term named in the list (they are added to the segmenter's dictionary).
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.expansions
            .iter()
            .flat_map(|(k, v)| std::iter::once(k).chain(v))
            .map(String::as_str)
    }
}

fn terms(part: &str) -> Vec<String> {
    part.split([',', '，', '、', ' ', '\t'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(normalize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_reads_and_covers_the_common_pairs() {
        let s = Synonyms::parse(BUILTIN).unwrap_or_default();
        for (a, b) in [
            ("社保", "社会保险"),
            ("低保", "最低生活保障"),
            ("公积金", "住房公积金"),
            ("发改委", "发展和改革委员会"),
        ] {
            assert!(s.expand(a).contains(&b.to_owned()), "{a} → {b}");
            assert!(s.expand(b).contains(&a.to_owned()), "{b} → {a}");
        }
        assert!(s.expand("两会").contains(&"人民代表大会".to_owned()));
        assert!(s.expand("人民代表大会").is_empty(), "one-way expansion");
        assert!(!s.expand("三公经费").is_empty());
    }

    #[test]
    fn groups_accept_every_separator_and_normalise() {
        let s = Synonyms::parse("ＰＰＰ，政府和社会资本合作、ppp项目 合作项目").unwrap_or_default();
        assert_eq!(s.expand("ppp").len(), 3);
    }

    #[test]
    fn bad_lines_are_named() {
        let err = Synonyms::parse("社保, 社会保险\n孤单\n").err();
        assert_eq!(err.map(|e| e.line), Some(2));
        assert!(Synonyms::parse("a, b => c").is_err());
        assert!(Synonyms::parse("a =>").is_err());
    }
}
