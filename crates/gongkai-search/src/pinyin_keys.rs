//! Pinyin (拼音) keys of the index vocabulary: a query typed without Chinese (`shebao`, `sb`) finds
//! 社保, and a homophone typo from a pinyin input method (公基金 for 公积金) is corrected.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

use crate::segment::is_han;

/// Readings tried per word: heteronyms multiply, and a word of rare characters should not.
const MAX_READINGS: usize = 8;

/// All toneless readings of `word` (every Han character, heteronyms expanded up to a limit), as
/// full pinyin and as initials. `None` when `word` has a character that is not Han.
pub fn readings(word: &str) -> Option<(Vec<String>, Vec<String>)> {
    let mut full = vec![String::new()];
    let mut initials = vec![String::new()];
    for c in word.chars() {
        if !is_han(c) {
            return None;
        }
        let multi = c.to_pinyin_multi()?;
        let options: Vec<&str> = multi.into_iter().map(|p| p.plain()).collect();
        full = extend(&full, &options, |s| s.to_owned());
        initials = extend(&initials, &options, |s| s.chars().take(1).collect());
    }
    Some((full, initials))
}

fn extend(prefixes: &[String], options: &[&str], part: impl Fn(&str) -> String) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for prefix in prefixes {
        for option in options {
            let candidate = format!("{prefix}{}", part(option));
            if !out.contains(&candidate) && out.len() < MAX_READINGS {
                out.push(candidate);
            }
        }
    }
    out
}

/// Reading → words of the vocabulary with that reading, each with its document frequency.
#[derive(Debug, Default)]
pub struct PinyinKeys {
    full: HashMap<String, Vec<(String, u64)>>,
    initials: HashMap<String, Vec<(String, u64)>>,
}

impl PinyinKeys {
    /// Keys for words of two to six Han characters; `preferred` words (government terms and
    /// synonyms) weigh as if they were in every document, so `sb` means 社保 before 设备.
    pub fn build(
        vocabulary: impl IntoIterator<Item = (String, u64)>,
        preferred: &dyn Fn(&str) -> bool,
    ) -> Self {
        let mut keys = PinyinKeys::default();
        for (word, df) in vocabulary {
            let chars = word.chars().count();
            if !(2..=6).contains(&chars) {
                continue;
            }
            let Some((full, initials)) = readings(&word) else {
                continue;
            };
            let weight = if preferred(&word) { df + 1_000_000 } else { df };
            for key in full {
                keys.full
                    .entry(key)
                    .or_default()
                    .push((word.clone(), weight));
            }
            for key in initials {
                keys.initials
                    .entry(key)
                    .or_default()
                    .push((word.clone(), weight));
            }
        }
        for list in keys.full.values_mut().chain(keys.initials.values_mut()) {
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.dedup_by(|a, b| a.0 == b.0);
        }
        keys
    }

    /// Words whose full pinyin is `latin` (letters only, any case), best first; failing that,
    /// words whose initials are `latin`.
    pub fn lookup(&self, latin: &str) -> Vec<&str> {
        let key = latin.to_ascii_lowercase();
        let hits = self
            .full
            .get(&key)
            .or_else(|| self.initials.get(&key))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        hits.iter().map(|(w, _)| w.as_str()).collect()
    }

    /// Words that sound like `word` (same toneless pinyin) but are written differently: the
    /// corrections for a pinyin-input typo, best first.
    pub fn homophones(&self, word: &str) -> Vec<&str> {
        let Some((full, _)) = readings(word) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        for key in full {
            for (candidate, _) in self.full.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                if candidate != word && !out.contains(&candidate.as_str()) {
                    out.push(candidate);
                }
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.full.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> PinyinKeys {
        let words = [
            ("社保", 5),
            ("设备", 40),
            ("公积金", 9),
            ("银行", 3),
            ("水保", 1),
        ];
        PinyinKeys::build(words.into_iter().map(|(w, d)| (w.to_owned(), d)), &|w| {
            w == "社保"
        })
    }

    #[test]
    fn full_pinyin_and_initials_find_the_word() {
        let keys = vocab();
        assert_eq!(keys.lookup("shebao"), vec!["社保"]);
        assert_eq!(keys.lookup("GongJiJin"), vec!["公积金"]);
        assert_eq!(
            keys.lookup("sb").first(),
            Some(&"社保"),
            "preferred term first"
        );
        assert!(keys.lookup("sb").contains(&"设备"));
        assert!(keys.lookup("zzz").is_empty());
    }

    #[test]
    fn heteronyms_are_expanded() {
        assert_eq!(vocab().lookup("yinhang"), vec!["银行"]);
    }

    #[test]
    fn homophone_typos_are_corrected() {
        let keys = vocab();
        assert_eq!(keys.homophones("公基金"), vec!["公积金"]);
        assert!(keys.homophones("公积金").is_empty());
        assert!(keys.homophones("abc").is_empty());
    }
}
