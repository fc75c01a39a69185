//! Highlighted snippets (摘要高亮): a window of the stored text around the first match, HTML
//! escaped, every matched term wrapped in `<mark>`. Made from the stored text rather than token
//! offsets, so what is marked is exactly what the reader sees.

use crate::segment::normalize;

/// Characters of context shown before the first match.
const LEAD: usize = 24;

/// `text` escaped with every occurrence of a `terms` entry marked (longest term first).
pub fn highlight(text: &str, terms: &[String]) -> String {
    let shown: Vec<char> = text.chars().collect();
    let chars: Vec<char> = normalize(text).chars().collect();
    mark(&shown, &chars, 0, chars.len(), terms)
}

/// A window of about `width` characters of `text` around the first term found (or its
/// beginning), escaped and marked, with … where it was cut. `None` when `text` is blank.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Option<String> {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return None;
    }
    let shown: Vec<char> = flat.chars().collect();
    let chars: Vec<char> = normalize(&flat).chars().collect();
    let first = first_match(&chars, terms);
    let start = first.map_or(0, |i| i.saturating_sub(LEAD));
    let end = (start + width).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&mark(&shown, &chars, start, end, terms));
    if end < chars.len() {
        out.push('…');
    }
    Some(out)
}

/// Whether any term occurs in `text`.
pub fn contains_any(text: &str, terms: &[String]) -> bool {
    let chars: Vec<char> = normalize(text).chars().collect();
    first_match(&chars, terms).is_some()
}

fn sorted_terms(terms: &[String]) -> Vec<Vec<char>> {
    let mut t: Vec<Vec<char>> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| normalize(t).chars().collect())
        .collect();
    t.sort_by_key(|t| std::cmp::Reverse(t.len()));
    t
}

fn first_match(chars: &[char], terms: &[String]) -> Option<usize> {
    let terms = sorted_terms(terms);
    (0..chars.len()).find(|&i| terms.iter().any(|t| chars[i..].starts_with(t)))
}

/// Marks the matches found in the normalised `chars` on the `shown` original characters
/// (normalising maps each character to exactly one, so positions agree).
fn mark(shown: &[char], chars: &[char], start: usize, end: usize, terms: &[String]) -> String {
    let terms = sorted_terms(terms);
    let mut out = String::new();
    let mut i = start;
    while i < end {
        if let Some(t) = terms.iter().find(|t| chars[i..end].starts_with(t)) {
            out.push_str("<mark>");
            shown[i..i + t.len()]
                .iter()
                .for_each(|c| escape(*c, &mut out));
            out.push_str("</mark>");
            i += t.len();
        } else {
            escape(shown[i], &mut out);
            i += 1;
        }
    }
    out
}

fn escape(c: char, out: &mut String) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn marks_every_occurrence_longest_first_and_escapes() {
        let html = highlight("<b>社会保险</b>与社保", &t(&["社保", "社会保险"]));
        assert_eq!(
            html,
            "&lt;b&gt;<mark>社会保险</mark>&lt;/b&gt;与<mark>社保</mark>"
        );
    }

    #[test]
    fn the_original_text_is_shown_whatever_matched() {
        let html = highlight("办法（２０２３年修订）ＰＰＰ", &t(&["2023", "ppp"]));
        assert_eq!(
            html,
            "办法（<mark>２０２３</mark>年修订）<mark>ＰＰＰ</mark>"
        );
    }

    #[test]
    fn window_starts_near_the_first_match() {
        let text = format!("{}住房补贴{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &t(&["住房补贴"]), 60).unwrap_or_default();
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>住房补贴</mark>"));
        assert_eq!(s.chars().filter(|c| *c == '甲').count(), LEAD);
    }

    #[test]
    fn no_match_gives_the_beginning_and_blank_gives_none() {
        assert_eq!(
            snippet("短文本", &t(&["无"]), 60).as_deref(),
            Some("短文本")
        );
        assert_eq!(snippet("  \n ", &t(&["无"]), 60), None);
        assert!(contains_any("ＡＢＣ", &t(&["abc"])));
    }
}
