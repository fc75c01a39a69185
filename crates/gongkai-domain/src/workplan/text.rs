//! Small text helpers of the work-plan parser: trimming, repairs, numerals, brackets.

use std::borrow::Cow;

/// White space plus the invisible characters that pasted text carries (BOM, zero-width).
pub(super) fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
        )
}

/// Trims white space, NBSP, ideographic spaces and invisible characters.
pub(super) fn trim(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// Repairs damage known from real plans: the seed lost `(区)` in `县(区)政府`
/// and shows `县<>政府`.
pub(super) fn repair(s: &str) -> Cow<'_, str> {
    if s.contains("县<>") || s.contains("县＜＞") || s.contains("县〈〉") {
        Cow::Owned(
            s.replace("县<>", "县(区)")
                .replace("县＜＞", "县(区)")
                .replace("县〈〉", "县(区)"),
        )
    } else {
        Cow::Borrowed(s)
    }
}

pub(super) fn is_open(c: char) -> bool {
    matches!(c, '(' | '（')
}

pub(super) fn is_close(c: char) -> bool {
    matches!(c, ')' | '）')
}

/// Sentence ends that separate the parts of a paragraph.
pub(super) fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '！' | '!' | '？' | '?')
}

fn is_cjk(c: char) -> bool {
    !c.is_ascii() && !is_blank(c)
}

/// Removes white space next to Chinese characters and collapses other runs to one
/// space: `关于印发 2016年` → `关于印发2016年`, `Rust  code` → `Rust code`.
pub(super) fn squash_spaces(s: &str) -> String {
    let s = trim(s);
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if is_blank(c) {
            pending = true;
            continue;
        }
        if pending {
            let prev_cjk = out.chars().next_back().is_some_and(is_cjk);
            if !prev_cjk && !is_cjk(c) {
                out.push(' ');
            }
            pending = false;
        }
        out.push(c);
    }
    out
}

/// A name without white space and with half-width parentheses: `各县（区）政府` →
/// `各县(区)政府`, so the importer meets one spelling.
pub(super) fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| !is_blank(*c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// Value of an ASCII or full-width decimal digit.
pub(super) fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Value of a Chinese numeral digit (〇 to 九, 两).
fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'Ｏ' | 'O' | '0' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Parses a small number written in ASCII or full-width digits (`24`, `２４`) or in
/// Chinese numerals (`二十四`, `十五`, `三`, `一百`, positional `二〇一六`).
/// `None` when it is not a number or does not fit.
pub(super) fn parse_number(s: &str) -> Option<u32> {
    let s = trim(s);
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    if s.chars().all(|c| digit(c).is_some()) {
        return s
            .chars()
            .try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    let has_unit = s.chars().any(|c| matches!(c, '十' | '百' | '千'));
    if !has_unit {
        // Positional: 二〇一六.
        return s.chars().try_fold(0u32, |acc, c| {
            acc.checked_mul(10)?.checked_add(cn_digit(c)?)
        });
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            c => {
                current = Some(cn_digit(c)?);
                continue;
            }
        };
        total = total.checked_add(current.unwrap_or(1).checked_mul(unit)?)?;
        current = None;
    }
    total.checked_add(current.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_number(raw: &str, expected: Option<u32>) {
        assert_eq!(parse_number(raw), expected, "{raw:?}");
    }

    #[test]
    fn numbers() {
        check_number("3", Some(3));
        check_number("24", Some(24));
        check_number("２４", Some(24));
        check_number("三", Some(3));
        check_number("两", Some(2));
        check_number("十", Some(10));
        check_number("十五", Some(15));
        check_number("二十", Some(20));
        check_number("二十四", Some(24));
        check_number("一百零五", Some(105));
        check_number("二〇一六", Some(2016));
        check_number("", None);
        check_number("几", None);
        check_number("3a", None);
        check_number("99999999999", None);
    }

    #[test]
    fn spaces_names_repairs() {
        assert_eq!(
            squash_spaces(" 关于印发 2016年  工作要点 "),
            "关于印发2016年工作要点"
        );
        assert_eq!(squash_spaces("a  b\u{a0}c"), "a b c");
        assert_eq!(normalize_name("各县（区） 政府"), "各县(区)政府");
        assert_eq!(
            repair("各县<>政府、各县＜＞政府"),
            "各县(区)政府、各县(区)政府"
        );
        assert!(matches!(repair("市发改委"), Cow::Borrowed(_)));
        assert_eq!(trim("\u{a0}\u{3000}\u{feff}正文\u{200b} "), "正文");
    }
}
