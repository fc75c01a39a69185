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
    mark(&shown, &chars, terms)
}

/// A window of a text: escaped, its matches marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub html: String,
    /// Whether a term was found (else the window is the text's beginning).
    pub matched: bool,
}

/// A window of about `width` characters of `text` around the first term found (or its
/// beginning), escaped and marked, with … where it was cut. `None` when `text` is blank.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Option<Snippet> {
    let region = Region::around_first_match(text, terms, width);
    let mut flat = String::with_capacity(region.text.len());
    for word in region.text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    if flat.is_empty() {
        return None;
    }
    let normalized = normalize(&flat);
    let first = first_match(&normalized, terms);
    let start = first.map_or(0, |i| i.saturating_sub(LEAD));
    let len = normalized.chars().count();
    let end = (start + width).min(len);
    let window = |s: &str| -> Vec<char> { s.chars().skip(start).take(end - start).collect() };
    let mut out = String::new();
    if start > 0 || region.more_before {
        out.push('…');
    }
    out.push_str(&mark(&window(&flat), &window(&normalized), terms));
    if end < len || region.more_after {
        out.push('…');
    }
    Some(Snippet {
        html: out,
        matched: first.is_some(),
    })
}

/// The part of a text a snippet is made from: [`REACH`] characters before the first match and
/// `width` + [`REACH`] after it, a run of whitespace counting as one character as in the
/// window. Why: a search page makes ten snippets from texts of thousands of characters each;
/// flattening the whitespace of each whole text, and counting its characters, cost more than
/// finding the match.
struct Region<'a> {
    text: &'a str,
    /// Whether text other than whitespace was left out before or after it.
    more_before: bool,
    more_after: bool,
}

/// Characters kept before the match (more than the window shows, [`LEAD`]) and after the
/// window.
const REACH: usize = 4 * LEAD;

impl<'a> Region<'a> {
    fn around_first_match(text: &'a str, terms: &[String], width: usize) -> Self {
        if terms.iter().any(|t| t.chars().any(char::is_whitespace)) {
            // A term with a space may match across a line break, which only the flattened
            // text shows: the whole text is the region.
            return Region {
                text,
                more_before: false,
                more_after: false,
            };
        }
        let at = first_match_in(text, terms).unwrap_or(0);
        let (before, after) = text.split_at(at);
        let from = at - reach(before.chars().rev(), REACH);
        let to = at + reach(after.chars(), width + REACH);
        let (head, rest) = text.split_at(from);
        let (kept, tail) = rest.split_at(to - from);
        let blank = |s: &str| s.chars().all(char::is_whitespace);
        Region {
            text: kept,
            more_before: !blank(head),
            more_after: !blank(tail),
        }
    }
}

/// Bytes of a text normalised first when looking for its first match; four times more each
/// time the part searched could hide an earlier match.
const FIRST_PART: usize = 2048;

/// The byte offset in `text` of the first occurrence of any term, normalising only as much of
/// the text as needed: a match is taken from a leading part of it once every earlier place a
/// term could start is far enough inside that part to be seen whole. Why: a search page
/// normalised and searched the whole stored text of each of its ten hits, up to thousands of
/// characters, where the first match is most often in the first lines.
fn first_match_in(text: &str, terms: &[String]) -> Option<usize> {
    let longest = terms.iter().map(|t| normalize(t).len()).max().unwrap_or(0);
    let mut end = text.floor_char_boundary(FIRST_PART);
    loop {
        let part = &text[..end];
        let normalized = normalize(part);
        let whole = end == text.len();
        if let Some(byte) = first_match_byte(&normalized, terms)
            && (whole || byte + longest <= normalized.len())
        {
            return Some(original_offset(part, &normalized, byte));
        }
        if whole {
            return None;
        }
        end = text.floor_char_boundary(end.saturating_mul(4));
    }
}

/// The offset in `text` of the character at `byte` in its normalised form. Normalising maps
/// each character to one, but not always to as many bytes (full-width forms become ASCII):
/// then the character is found again by its position.
fn original_offset(text: &str, normalized: &str, byte: usize) -> usize {
    if normalized.len() == text.len() {
        return byte;
    }
    let chars = normalized[..byte].chars().count();
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// The bytes of the first `units` characters of `chars`, a run of whitespace counting as one
/// (all of them when there are fewer).
fn reach(chars: impl Iterator<Item = char>, units: usize) -> usize {
    let (mut bytes, mut counted, mut in_space) = (0, 0, false);
    for c in chars {
        let space = c.is_whitespace();
        if !(space && in_space) {
            if counted == units {
                break;
            }
            counted += 1;
        }
        in_space = space;
        bytes += c.len_utf8();
    }
    bytes
}

/// The character position of the first occurrence of any term in the normalised text.
fn first_match(normalized: &str, terms: &[String]) -> Option<usize> {
    let byte = first_match_byte(normalized, terms)?;
    Some(normalized[..byte].chars().count())
}

/// The byte offset of the first occurrence of any term in the normalised text.
fn first_match_byte(normalized: &str, terms: &[String]) -> Option<usize> {
    terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|t| normalized.find(normalize(t).as_str()))
        .min()
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

/// Marks the matches found in the normalised `chars` on the `shown` original characters
/// (normalising maps each character to exactly one, so positions agree).
fn mark(shown: &[char], chars: &[char], terms: &[String]) -> String {
    let terms = sorted_terms(terms);
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(t) = terms.iter().find(|t| chars[i..].starts_with(t)) {
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

    /// The snippet made from the whole text, as it was before the region: what a region must
    /// give wherever whitespace comes one character at a time.
    fn whole_text_snippet(text: &str, terms: &[String], width: usize) -> Option<String> {
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.is_empty() {
            return None;
        }
        let normalized = normalize(&flat);
        let first = first_match(&normalized, terms);
        let start = first.map_or(0, |i| i.saturating_sub(LEAD));
        let len = normalized.chars().count();
        let end = (start + width).min(len);
        let window = |s: &str| -> Vec<char> { s.chars().skip(start).take(end - start).collect() };
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.push_str(&mark(&window(&flat), &window(&normalized), terms));
        if end < len {
            out.push('…');
        }
        Some(out)
    }

    proptest::proptest! {
        #[test]
        fn the_region_gives_what_the_whole_text_gives(
            words in proptest::collection::vec(
                ("[住房补贴甲乙丙ＡａA<]{1,8}", "[ \n\u{3000}]{1,3}|[ \n]{150,250}"),
                0..100,
            ),
            lead in "[ \n]{0,250}",
            width in proptest::sample::select(vec![10usize, 40, 120]),
            terms in proptest::sample::select(vec![
                vec!["住房"], vec!["补贴", "住房"], vec!["ａa"], vec!["无"], vec!["住房补贴甲", "甲"],
            ]),
        ) {
            let mut text = lead;
            for (word, space) in &words {
                text.push_str(word);
                text.push_str(space);
            }
            let terms = t(&terms);
            proptest::prop_assert_eq!(
                snippet(&text, &terms, width).map(|s| s.html),
                whole_text_snippet(&text, &terms, width)
            );
        }
    }

    #[test]
    fn a_match_deep_in_a_long_text_is_found_and_cut_around() {
        let text = format!("{}住房补贴{}", "甲 ".repeat(5_000), "乙".repeat(5_000));
        let s = snippet(&text, &t(&["住房补贴"]), 60).expect("a snippet");
        assert!(s.matched);
        assert!(s.html.starts_with('…') && s.html.ends_with('…'));
        assert!(s.html.contains("<mark>住房补贴</mark>"));
        assert_eq!(s.html.chars().filter(|c| *c == '甲').count(), LEAD / 2);
    }

    /// A long term straddling the end of the part first searched holds a short one inside
    /// that part: the first match is the long one.
    #[test]
    fn a_match_across_the_end_of_the_part_searched_first_is_not_missed() {
        for pad in 0..6 {
            let lead = format!("{}{}", "乙".repeat(677), " ".repeat(pad));
            let text = format!("{lead}住房补贴政策的通知{}", "丙".repeat(300));
            let long_at = lead.len();
            assert!(long_at + "住房补贴".len() <= FIRST_PART);
            assert!(long_at + "住房补贴政策".len() > FIRST_PART);
            let terms = t(&["住房补贴政策", "补贴"]);
            assert_eq!(first_match_in(&text, &terms), Some(long_at), "pad {pad}");
        }
    }

    #[test]
    fn a_run_of_whitespace_counts_as_one_character() {
        let spaces = " ".repeat(300);
        let s = snippet(&format!("{spaces}正文"), &t(&["无"]), 60);
        assert_eq!(html(s), "正文");
        let s = snippet(&format!("甲{spaces}住房{spaces}乙"), &t(&["住房"]), 10);
        assert_eq!(html(s), "甲 <mark>住房</mark> 乙");
    }

    #[test]
    fn a_term_with_a_space_matches_across_a_line_break_far_into_the_text() {
        let text = format!("{}New\nYork", "甲".repeat(1000));
        let s = snippet(&text, &t(&["new york"]), 40).expect("a snippet");
        assert!(
            s.matched && s.html.contains("<mark>New York</mark>"),
            "{s:?}"
        );
    }

    fn html(s: Option<Snippet>) -> String {
        s.map(|s| s.html).unwrap_or_default()
    }

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
        let s = html(snippet(&text, &t(&["住房补贴"]), 60));
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>住房补贴</mark>"));
        assert_eq!(s.chars().filter(|c| *c == '甲').count(), LEAD);
    }

    #[test]
    fn the_window_counts_characters_not_bytes_and_takes_the_earliest_term() {
        // Ideographs take three bytes, full-width letters normalise to one: the window is
        // placed by character.
        let text = format!(
            "{}{}补贴  之后\n住房{}",
            "甲".repeat(50),
            "Ｘ".repeat(50),
            "乙".repeat(100)
        );
        let s = html(snippet(&text, &t(&["住房", "补贴"]), 40));
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(s.chars().filter(|c| *c == 'Ｘ').count(), LEAD);
        assert!(
            s.contains("<mark>补贴</mark> 之后 <mark>住房</mark>"),
            "{s}"
        );
    }

    #[test]
    fn no_match_gives_the_beginning_and_blank_gives_none() {
        let unmatched = Snippet {
            html: "短文本".to_owned(),
            matched: false,
        };
        assert_eq!(snippet("短文本", &t(&["无"]), 60), Some(unmatched));
        assert_eq!(snippet("  \n ", &t(&["无"]), 60), None);
        assert!(snippet("短 文本", &t(&["文本"]), 60).is_some_and(|s| s.matched));
        assert!(snippet("ＡＢＣ", &t(&["abc"]), 60).is_some_and(|s| s.matched));
    }
}
