//! Personal-data scanner (个人信息检测) per `personal-data.md`.
//!
//! Finds resident ID numbers (check character and plausible birth date), mainland
//! mobile numbers and bank card numbers (Luhn) so they can be masked before
//! publication. The scan is a single linear pass: the text is split into maximal
//! alphanumeric tokens (ASCII or full-width), and only whole tokens (or short chains
//! of digit groups joined by one space or hyphen) are candidates. A number that is
//! part of a longer run of digits or letters, such as a credit code, is never reported.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

str_enum! {
    /// Kind of personal data found (个人信息类型).
    pub enum PiiKind {
        IdNumber => "id_number", "身份证号";
        Mobile => "mobile", "手机号";
        BankCard => "bank_card", "银行卡号";
        /// A home address, found after its label (住址：…).
        Address => "address", "住址";
    }
}

/// One personal-data finding (个人信息命中). Offsets and columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiHit {
    pub kind: PiiKind,
    /// Char offset of the first character.
    pub start: usize,
    /// Char offset after the last character (exclusive).
    pub end: usize,
    /// 1-based line (lines end at `\n`).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text found, as it appears.
    pub text: String,
    /// The same text masked per [`MaskConfig`]; same number of characters.
    pub masked: String,
}

/// How found numbers are masked (脱敏规则). Separators inside a number are kept;
/// `*_keep_head`/`*_keep_tail` count digits (and the ID check character). If head
/// and tail together cover the whole number, the whole number is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaskConfig {
    pub id_keep_head: usize,
    pub id_keep_tail: usize,
    pub mobile_keep_head: usize,
    pub mobile_keep_tail: usize,
    pub card_keep_head: usize,
    pub card_keep_tail: usize,
    /// Characters of an address kept (the city and district, say); the rest is masked.
    pub address_keep_head: usize,
    pub mask_char: char,
}

impl Default for MaskConfig {
    fn default() -> Self {
        MaskConfig {
            id_keep_head: 6,
            id_keep_tail: 4,
            mobile_keep_head: 3,
            mobile_keep_tail: 4,
            card_keep_head: 4,
            card_keep_tail: 4,
            address_keep_head: 6,
            mask_char: '*',
        }
    }
}

impl MaskConfig {
    /// `(keep_head, keep_tail)` for a kind.
    pub fn keep(&self, kind: PiiKind) -> (usize, usize) {
        match kind {
            PiiKind::IdNumber => (self.id_keep_head, self.id_keep_tail),
            PiiKind::Mobile => (self.mobile_keep_head, self.mobile_keep_tail),
            PiiKind::BankCard => (self.card_keep_head, self.card_keep_tail),
            PiiKind::Address => (self.address_keep_head, 0),
        }
    }
}

/// Birth years accepted in ID numbers. The lower bound is below 1900 because the
/// standard's own example, 440524188001010014, is born in 1880.
pub const MIN_BIRTH_YEAR: u32 = 1800;
pub const MAX_BIRTH_YEAR: u32 = 2100;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// Province-level codes (first two digits of GB/T 2260 address codes; 81–83 are
/// residence permits for Hong Kong, Macao and Taiwan residents).
fn plausible_province(a: u8, b: u8) -> bool {
    matches!(
        (a, b),
        (1, 1..=5)
            | (2, 1..=3)
            | (3, 1..=7)
            | (4, 1..=6)
            | (5, 0..=4)
            | (6, 1..=5)
            | (7, 1)
            | (8, 1..=3)
    )
}

fn ascii_digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => u8::try_from(c as u32 - '０' as u32).ok(),
        _ => None,
    }
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '－')
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &x| acc * 10 + u32::from(x))
}

fn plausible_date(year: u32, month: u32, day: u32) -> bool {
    (MIN_BIRTH_YEAR..=MAX_BIRTH_YEAR).contains(&year)
        && i32::try_from(year).is_ok_and(|y| NaiveDate::from_ymd_opt(y, month, day).is_some())
}

/// Whether 17 digits and a check character form a valid 18-character resident ID
/// number (GB 11643-1999): ISO 7064 MOD 11-2 check, birth date, province code.
pub fn id18_valid(digits: &[u8; 17], check: char) -> bool {
    let sum: u32 = digits
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let expected = char::from(ID_CHECK[(sum % 11) as usize]);
    let check = if is_x(check) {
        'X'
    } else {
        match ascii_digit_value(check) {
            Some(d) => char::from(b'0' + d),
            None => return false,
        }
    };
    check == expected
        && plausible_province(digits[0], digits[1])
        && plausible_date(
            num(&digits[6..10]),
            num(&digits[10..12]),
            num(&digits[12..14]),
        )
}

/// Whether 15 digits look like an old-format resident ID number (birth date 19YYMMDD).
fn id15_plausible(d: &[u8]) -> bool {
    d.len() == 15
        && plausible_province(d[0], d[1])
        && plausible_date(1900 + num(&d[6..8]), num(&d[8..10]), num(&d[10..12]))
}

fn mobile_plausible(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1])
}

/// Luhn check (mod 10) over digits.
pub fn luhn_valid(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    !d.is_empty() && sum.is_multiple_of(10)
}

/// A maximal run of token characters.
struct Token {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    /// Digit values if every char is a digit.
    all_digits: bool,
}

fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let (mut line, mut column) = (1usize, 1usize);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_token_char(c) {
            let start = i;
            let (tl, tc) = (line, column);
            let mut all_digits = true;
            while i < chars.len() && is_token_char(chars[i]) {
                all_digits &= ascii_digit_value(chars[i]).is_some();
                i += 1;
                column += 1;
            }
            tokens.push(Token {
                start,
                end: i,
                line: tl,
                column: tc,
                all_digits,
            });
        } else {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
            i += 1;
        }
    }
    tokens
}

fn digits_of(chars: &[char]) -> Vec<u8> {
    chars.iter().filter_map(|&c| ascii_digit_value(c)).collect()
}

struct RawHit {
    kind: PiiKind,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
}

fn single_token_hit(chars: &[char], t: &Token) -> Option<PiiKind> {
    let s = &chars[t.start..t.end];
    let len = s.len();
    if len == 18 {
        let mut d = [0u8; 17];
        let mut ok = true;
        for (slot, &c) in d.iter_mut().zip(&s[..17]) {
            match ascii_digit_value(c) {
                Some(v) => *slot = v,
                None => ok = false,
            }
        }
        if ok && id18_valid(&d, s[17]) {
            return Some(PiiKind::IdNumber);
        }
    }
    if !t.all_digits {
        return None;
    }
    match len {
        11 if mobile_plausible(&digits_of(s)) => Some(PiiKind::Mobile),
        15 if id15_plausible(&digits_of(s)) => Some(PiiKind::IdNumber),
        16..=19 if luhn_valid(&digits_of(s)) => Some(PiiKind::BankCard),
        _ => None,
    }
}

/// A resident ID number written in groups (330903-19900307-1230, 330903 1990 0307 123X, 1101
/// 0519 4912 3100 2X): the first group the address code or four digits, 18 characters in all,
/// the check character last.
fn grouped_id(chars: &[char], group: &[Token]) -> bool {
    let (first, last) = (&group[0], &group[group.len() - 1]);
    if !matches!(first.end - first.start, 4 | 6) || last.end - first.start != 18 + group.len() - 1 {
        return false;
    }
    let mut d = [0u8; 17];
    let mut n = 0;
    for &c in &chars[first.start..last.end - 1] {
        if let Some(v) = ascii_digit_value(c) {
            if n == 17 {
                return false;
            }
            d[n] = v;
            n += 1;
        } else if !is_separator(c) {
            return false;
        }
    }
    n == 17 && id18_valid(&d, chars[last.end - 1])
}

/// Grouped ID numbers inside a longer chain (a row number before one, a date after it): every
/// window of two to five tokens, the longest first at each start.
fn ids_inside(chars: &[char], chain: &[Token]) -> Vec<RawHit> {
    let mut found = Vec::new();
    let mut s = 0;
    while s + 1 < chain.len() {
        let longest = (s + 4).min(chain.len() - 1);
        match (s + 1..=longest)
            .rev()
            .find(|&e| grouped_id(chars, &chain[s..=e]))
        {
            Some(e) => {
                found.push(RawHit {
                    kind: PiiKind::IdNumber,
                    start: chain[s].start,
                    end: chain[e].end,
                    line: chain[s].line,
                    column: chain[s].column,
                });
                s = e + 1;
            }
            None => s += 1,
        }
    }
    found
}

/// Checks a chain of at least two tokens joined by single separators.
fn group_hit(chars: &[char], group: &[Token]) -> Option<RawHit> {
    if group.len() > 5 {
        return None;
    }
    if grouped_id(chars, group) {
        return Some(RawHit {
            kind: PiiKind::IdNumber,
            start: group[0].start,
            end: group[group.len() - 1].end,
            line: group[0].line,
            column: group[0].column,
        });
    }
    if group.iter().any(|t| !t.all_digits) {
        return None;
    }
    let lens: Vec<usize> = group.iter().map(|t| t.end - t.start).collect();
    let first = group.first()?;
    let last = group.last()?;
    let span = |a: &Token, kind| RawHit {
        kind,
        start: a.start,
        end: last.end,
        line: a.line,
        column: a.column,
    };
    let d = digits_of(&chars[first.start..last.end]);
    let n = lens.len();
    // Mobile: 138 1234 5678, optionally after a country code 86.
    if lens == [3, 4, 4] && mobile_plausible(&d) {
        return Some(span(first, PiiKind::Mobile));
    }
    if lens == [2, 3, 4, 4] && d[..2] == [8, 6] && mobile_plausible(&d[2..]) {
        return Some(span(&group[1], PiiKind::Mobile));
    }
    // Bank card: 4-digit groups, the last 1..=4 digits, 16..=19 digits in all.
    if lens[..n - 1].iter().all(|&l| l == 4)
        && (1..=4).contains(&lens[n - 1])
        && (16..=19).contains(&d.len())
        && luhn_valid(&d)
    {
        return Some(span(first, PiiKind::BankCard));
    }
    None
}

/// Labels a natural person's home address follows in decisions and letters (家庭住址 and
/// 现住址 end in 住址). Longest first, so that 户籍所在地 is not read as 户籍地.
const ADDRESS_LABELS: [&str; 6] = [
    "户籍所在地",
    "家庭地址",
    "居住地址",
    "户籍地址",
    "住址",
    "居住地",
];
/// The longest address taken after a label, in characters.
const ADDRESS_MAX: usize = 60;
/// Fewer characters than this after a label are not an address (住址不详).
const ADDRESS_MIN: usize = 4;

/// Labels that are also ordinary words in policy text (向户籍所在地乡镇政府申请): they name an
/// address only when a colon or 为 follows.
const LOOSE_LABELS: [&str; 2] = ["户籍所在地", "居住地"];

/// Characters of which an address has at least one (省, 市, 路, 号 …).
const PLACE_WORDS: &str = "省市区县镇乡村街道路巷弄号楼幢栋室组";

/// The label at `i`: its length, and whether it needs a colon or 为 after it.
fn label_at(chars: &[char], i: usize) -> Option<(usize, bool)> {
    ADDRESS_LABELS.iter().find_map(|l| {
        let n = l.chars().count();
        (chars.len() >= i + n && chars[i..i + n].iter().copied().eq(l.chars()))
            .then(|| (n, LOOSE_LABELS.contains(l)))
    })
}

/// What ends an address: the end of its clause, or a space (an address has none inside; what
/// follows one, such as an ID number, is not part of it).
fn ends_address(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '；' | ';' | '、' | '）' | ')' | '（' | '(' | '\n' | '\r'
    ) || c.is_whitespace()
}

/// Addresses after their labels, as `(start, end)` character ranges; one holding `mask_char`
/// is masked already.
fn address_spans(chars: &[char], mask_char: char) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((n, loose)) = label_at(chars, i) else {
            i += 1;
            continue;
        };
        let mut start = i + n;
        while start < chars.len() && matches!(chars[start], ' ' | '\u{3000}') {
            start += 1;
        }
        let marked = start < chars.len() && matches!(chars[start], '：' | ':' | '为');
        if marked {
            start += 1;
        }
        while start < chars.len() && matches!(chars[start], ' ' | '\u{3000}') {
            start += 1;
        }
        let limit = chars.len().min(start + ADDRESS_MAX);
        let end = (start..limit)
            .find(|&k| ends_address(chars[k]))
            .unwrap_or(limit);
        let span = &chars[start..end];
        if (marked || !loose)
            && span.len() >= ADDRESS_MIN
            && span.iter().any(|c| PLACE_WORDS.contains(*c))
            && !span.contains(&mask_char)
        {
            spans.push((start, end));
        }
        i = end.max(i + n);
    }
    spans
}

/// 1-based line and column of each of `offsets` (ascending), in one pass.
fn positions(chars: &[char], offsets: &[usize]) -> Vec<(usize, usize)> {
    let (mut line, mut column, mut at) = (1, 1, 0);
    offsets
        .iter()
        .map(|&o| {
            for &c in &chars[at..o] {
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            at = o;
            (line, column)
        })
        .collect()
}

fn find(chars: &[char], mask_char: char) -> Vec<RawHit> {
    let numbers = find_numbers(chars);
    let spans = address_spans(chars, mask_char);
    if spans.is_empty() {
        return numbers;
    }
    let spans = without_numbers_across(spans, &numbers);
    let starts: Vec<usize> = spans.iter().map(|s| s.0).collect();
    let addresses =
        spans
            .iter()
            .zip(positions(chars, &starts))
            .map(|(&(start, end), (line, column))| RawHit {
                kind: PiiKind::Address,
                start,
                end,
                line,
                column,
            });
    // A number inside an address is masked with it.
    let mut hits: Vec<RawHit> = numbers
        .into_iter()
        .filter(|h| {
            let i = spans.partition_point(|s| s.1 <= h.start);
            spans.get(i).is_none_or(|&(a, _)| h.end <= a)
        })
        .collect();
    hits.extend(addresses);
    hits.sort_by_key(|h| h.start);
    hits
}

/// The address spans, each cut before a number that starts inside it but runs past its end
/// (that number is reported and masked on its own, whole); both lists are sorted by start.
fn without_numbers_across(spans: Vec<(usize, usize)>, numbers: &[RawHit]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(spans.len());
    let mut k = 0;
    for (start, mut end) in spans {
        while k < numbers.len() && numbers[k].end <= start {
            k += 1;
        }
        let mut j = k;
        while j < numbers.len() && numbers[j].start < end {
            if numbers[j].start >= start && numbers[j].end > end {
                end = numbers[j].start;
                break;
            }
            j += 1;
        }
        if end > start {
            out.push((start, end));
        }
    }
    out
}

fn find_numbers(chars: &[char]) -> Vec<RawHit> {
    let tokens = tokenize(chars);
    let mut hits = Vec::new();
    for t in &tokens {
        // A mobile number after the country code, written together: 8613957012345,
        // 008613957012345.
        let prefix = match t.end - t.start {
            13 => 2,
            15 => 4,
            _ => 0,
        };
        if t.all_digits && prefix > 0 {
            let d = digits_of(&chars[t.start..t.end]);
            if d[..prefix].ends_with(&[8, 6])
                && d[..prefix].iter().rev().skip(2).all(|&x| x == 0)
                && mobile_plausible(&d[prefix..])
            {
                hits.push(RawHit {
                    kind: PiiKind::Mobile,
                    start: t.start + prefix,
                    end: t.end,
                    line: t.line,
                    column: t.column + prefix,
                });
                continue;
            }
        }
        if let Some(kind) = single_token_hit(chars, t) {
            hits.push(RawHit {
                kind,
                start: t.start,
                end: t.end,
                line: t.line,
                column: t.column,
            });
        }
    }
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        while j + 1 < tokens.len()
            && tokens[j + 1].start == tokens[j].end + 1
            && is_separator(chars[tokens[j].end])
        {
            j += 1;
        }
        if j > i {
            let found = match group_hit(chars, &tokens[i..=j]) {
                Some(h) => vec![h],
                None => ids_inside(chars, &tokens[i..=j]),
            };
            for h in found {
                // A grouped ID number may hold a token that alone reads as a mobile number
                // (110105 19491231002 X): the group is the finding.
                hits.retain(|s| s.end <= h.start || s.start >= h.end);
                hits.push(h);
            }
        }
        i = j + 1;
    }
    hits.sort_by_key(|h| h.start);
    hits
}

fn mask_chars(s: &[char], kind: PiiKind, cfg: &MaskConfig) -> String {
    if kind == PiiKind::Address {
        // Every character counts in an address: it is words, not digits.
        let head = if cfg.address_keep_head >= s.len() {
            0
        } else {
            cfg.address_keep_head
        };
        return s
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                if k < head || c.is_whitespace() {
                    c
                } else {
                    cfg.mask_char
                }
            })
            .collect();
    }
    let n = s.iter().filter(|&&c| is_token_char(c)).count();
    let (head, tail) = cfg.keep(kind);
    let mask_all = head.saturating_add(tail) >= n;
    let mut k = 0;
    s.iter()
        .map(|&c| {
            if !is_token_char(c) {
                return c;
            }
            let keep = !mask_all && (k < head || k >= n - tail);
            k += 1;
            if keep { c } else { cfg.mask_char }
        })
        .collect()
}

/// Finds personal data in `text`, in order of position.
pub fn scan(text: &str, cfg: &MaskConfig) -> Vec<PiiHit> {
    let chars: Vec<char> = text.chars().collect();
    find(&chars, cfg.mask_char)
        .into_iter()
        .map(|h| {
            let s = &chars[h.start..h.end];
            PiiHit {
                kind: h.kind,
                start: h.start,
                end: h.end,
                line: h.line,
                column: h.column,
                text: s.iter().collect(),
                masked: mask_chars(s, h.kind, cfg),
            }
        })
        .collect()
}

/// `text` with every hit of [`scan`] masked; the number of characters is unchanged.
pub fn mask(text: &str, cfg: &MaskConfig) -> String {
    let chars: Vec<char> = text.chars().collect();
    let hits = find(&chars, cfg.mask_char);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for h in hits {
        out.extend(&chars[pos..h.start]);
        out.push_str(&mask_chars(&chars[h.start..h.end], h.kind, cfg));
        pos = h.end;
    }
    out.extend(&chars[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Appends the Luhn check digit to `payload`.
    fn with_luhn(payload: &str) -> String {
        (0..10)
            .map(|c| format!("{payload}{c}"))
            .find(|s| luhn_valid(&digits_of(&s.chars().collect::<Vec<_>>())))
            .unwrap()
    }

    /// Appends the ID check character to 17 digits.
    fn with_id_check(d17: &str) -> String {
        let d: Vec<u8> = d17.bytes().map(|b| b - b'0').collect();
        let sum: u32 = d
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(&x, w)| u32::from(x) * w)
            .sum();
        format!("{d17}{}", char::from(ID_CHECK[(sum % 11) as usize]))
    }

    /// Expected hits as (kind, text, line, column).
    fn check(text: &str, expected: &[(PiiKind, &str, usize, usize)]) {
        let hits = scan(text, &MaskConfig::default());
        let got: Vec<(PiiKind, &str, usize, usize)> = hits
            .iter()
            .map(|h| (h.kind, h.text.as_str(), h.line, h.column))
            .collect();
        assert_eq!(got, expected, "scan({text:?})");
    }

    use PiiKind::*;

    /// Not reported as an ID (it may still pass Luhn and be reported as a card).
    fn check_no_id(text: &str) {
        let hits = scan(text, &MaskConfig::default());
        assert!(
            hits.iter().all(|h| h.kind != IdNumber),
            "{text:?}: {hits:?}"
        );
    }

    #[test]
    fn id_numbers() {
        check(
            "11010519491231002X",
            &[(IdNumber, "11010519491231002X", 1, 1)],
        );
        check(
            "440524188001010014",
            &[(IdNumber, "440524188001010014", 1, 1)],
        );
        check(
            "身份证：11010519491231002x。",
            &[(IdNumber, "11010519491231002x", 1, 5)],
        );
        check(
            "１１０１０５１９４９１２３１００２Ｘ",
            &[(IdNumber, "１１０１０５１９４９１２３１００２Ｘ", 1, 1)],
        );
        // One changed digit breaks the check character.
        check("11010519491231003X", &[]);
        check("440524188001010015", &[]);
        check("11010519491231002Y", &[]);
        // Embedded in a longer run of digits or letters.
        check("911010519491231002X", &[]);
        check("11010519491231002X1", &[]);
        check("A11010519491231002X", &[]);
        // Valid check character but impossible birth date (1949-02-30).
        check_no_id(&with_id_check("11010519490230002"));
        // Valid check character, birth year out of range.
        check_no_id(&with_id_check("11010517991231002"));
        check_no_id(&with_id_check("11010521011231002"));
        // Valid check character, good date, unknown province code 99.
        check_no_id(&with_id_check("99010519491231002"));
        let fine = with_id_check("33090219800101123");
        check(&fine, &[(IdNumber, &fine, 1, 1)]);
    }

    #[test]
    fn id_numbers_written_in_groups() {
        check(
            "身份证号：110105-19491231-002X，",
            &[(IdNumber, "110105-19491231-002X", 1, 6)],
        );
        check(
            "110105 1949 1231 002X",
            &[(IdNumber, "110105 1949 1231 002X", 1, 1)],
        );
        check(
            "110105－19491231－002x",
            &[(IdNumber, "110105－19491231－002x", 1, 1)],
        );
        // A wrong check character, too many digits.
        check("110105-19491231-003X", &[]);
        // A valid number however it is split, once its first group has four or six digits.
        check(
            "1101-0519491231-002X",
            &[(IdNumber, "1101-0519491231-002X", 1, 1)],
        );
        check("11010-519491231-002X", &[]);
        check("110105-19491231-0021X", &[]);
        check_no_id("110105-19491231-002");
        // Inside a longer chain of groups: a row number before, a year after; four-digit groups.
        check(
            "1 110105 1949 1231 002X 2020",
            &[(IdNumber, "110105 1949 1231 002X", 1, 3)],
        );
        check(
            "1101 0519 4912 3100 2X",
            &[(IdNumber, "1101 0519 4912 3100 2X", 1, 1)],
        );
        check("1 110105 1949 1231 003X 2020", &[]);
        // A middle group that alone reads as a mobile number is part of the ID, not a hit of
        // its own (two overlapping hits made masking panic).
        check(
            "110105 19491231002 X",
            &[(IdNumber, "110105 19491231002 X", 1, 1)],
        );
        assert_eq!(
            mask("110105 19491231002 X", &MaskConfig::default()),
            "110105 ********002 X"
        );
    }

    #[test]
    fn old_15_digit_ids() {
        check(
            "号码110105491231002。",
            &[(IdNumber, "110105491231002", 1, 3)],
        );
        check("110105491331002", &[]); // month 13
        check("990105491231002", &[]); // no such province
    }

    #[test]
    fn mobiles() {
        check(
            "联系人：张三\n联系电话：13812345678，地址略",
            &[(Mobile, "13812345678", 2, 6)],
        );
        check("19912345678", &[(Mobile, "19912345678", 1, 1)]);
        check("12812345678", &[]);
        check("138123456789", &[]);
        check("tel13812345678", &[]);
        check("1381234567", &[]);
        check("电话 138 1234 5678 转", &[(Mobile, "138 1234 5678", 1, 4)]);
        check("电话 138-1234-5678", &[(Mobile, "138-1234-5678", 1, 4)]);
        check("+86 138 1234 5678", &[(Mobile, "138 1234 5678", 1, 5)]);
        check("+86-13812345678", &[(Mobile, "13812345678", 1, 5)]);
        // The country code written together with the number: the number is the hit.
        check("8613812345678", &[(Mobile, "13812345678", 1, 3)]);
        check("+8613812345678", &[(Mobile, "13812345678", 1, 4)]);
        check("008613812345678", &[(Mobile, "13812345678", 1, 5)]);
        check("118613812345678", &[]);
        check("8612812345678", &[]);
        check("8713812345678", &[]);
        check(
            "１３８１２３４５６７８",
            &[(Mobile, "１３８１２３４５６７８", 1, 1)],
        );
        check("a\r\nb 13812345678", &[(Mobile, "13812345678", 2, 3)]);
    }

    #[test]
    fn bank_cards() {
        let c19 = with_luhn("622202123456789012");
        let c16 = with_luhn("622848001234567");
        assert_eq!(c19.len(), 19);
        check(&format!("卡号{c19}"), &[(BankCard, &c19, 1, 3)]);
        check(&c16, &[(BankCard, &c16, 1, 1)]);
        let spaced = format!(
            "{} {} {} {}",
            &c16[..4],
            &c16[4..8],
            &c16[8..12],
            &c16[12..]
        );
        check(&format!("账号：{spaced}。"), &[(BankCard, &spaced, 1, 4)]);
        let dashed = format!(
            "{}-{}-{}-{}-{}",
            &c19[..4],
            &c19[4..8],
            &c19[8..12],
            &c19[12..16],
            &c19[16..]
        );
        check(&dashed, &[(BankCard, &dashed, 1, 1)]);
        // Luhn failure.
        let bad = format!("{}{}", &c16[..15], (c16.as_bytes()[15] - b'0' + 1) % 10);
        check(&bad, &[]);
        // Double space breaks the chain.
        let loose = format!("{}  {}{}{}", &c16[..4], &c16[4..8], &c16[8..12], &c16[12..]);
        check(&loose, &[]);
        // Part of a longer grouped run.
        check(&format!("1234 {spaced}"), &[]);
        // An 18-digit number that is a valid ID and passes Luhn is reported once, as an ID.
        let id = (0..1000)
            .map(|i| with_id_check(&format!("33090219800101{i:03}")))
            .find(|s| {
                s.ends_with(|c: char| c.is_ascii_digit())
                    && luhn_valid(&digits_of(&s.chars().collect::<Vec<_>>()))
            })
            .unwrap();
        check(&id, &[(IdNumber, &id, 1, 1)]);
    }

    #[test]
    fn no_false_hits() {
        check("舟政办发〔2016〕88号", &[]);
        check("国办发〔2016〕19号", &[]);
        check("成文日期：20160722", &[]);
        check("2016-07-22", &[]);
        check("索引号：000014349/2020-00072", &[]);
        check("统一社会信用代码：11441700007280420Y", &[]);
        check("电话 0580-2281234", &[]);
        check("400-123-4567", &[]);
        check("", &[]);
        check("第 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6", &[]);
    }

    #[test]
    fn several_hits_in_order() {
        let text = "甲 11010519491231002X\n乙 13812345678 丙 440524188001010014";
        check(
            text,
            &[
                (IdNumber, "11010519491231002X", 1, 3),
                (Mobile, "13812345678", 2, 3),
                (IdNumber, "440524188001010014", 2, 17),
            ],
        );
        let hits = scan(text, &MaskConfig::default());
        let chars: Vec<char> = text.chars().collect();
        for h in &hits {
            assert_eq!(chars[h.start..h.end].iter().collect::<String>(), h.text);
        }
        assert_eq!((hits[1].start, hits[1].end), (23, 34));
    }

    fn check_mask(text: &str, cfg: &MaskConfig, expected: &str) {
        assert_eq!(mask(text, cfg), expected, "mask({text:?})");
    }

    #[test]
    fn masking() {
        let d = MaskConfig::default();
        check_mask("11010519491231002X", &d, "110105********002X");
        check_mask("电话13812345678。", &d, "电话138****5678。");
        check_mask("电话 138-1234-5678", &d, "电话 138-****-5678");
        let c16 = with_luhn("622848001234567");
        let spaced = format!(
            "{} {} {} {}",
            &c16[..4],
            &c16[4..8],
            &c16[8..12],
            &c16[12..]
        );
        check_mask(
            &spaced,
            &d,
            &format!("{} **** **** {}", &c16[..4], &c16[12..]),
        );
        check_mask(&c16, &d, &format!("{}********{}", &c16[..4], &c16[12..]));
        let hash = MaskConfig {
            mask_char: '#',
            id_keep_head: 0,
            id_keep_tail: 0,
            ..MaskConfig::default()
        };
        check_mask("11010519491231002X", &hash, "##################");
        let greedy = MaskConfig {
            mobile_keep_head: 8,
            mobile_keep_tail: 8,
            ..MaskConfig::default()
        };
        check_mask("13812345678", &greedy, "***********");
        check_mask("没有个人信息", &d, "没有个人信息");
        let hits = scan("13812345678", &d);
        assert_eq!(hits[0].masked, "138****5678");
    }

    #[test]
    fn full_width_card_masks_and_reports_positions() {
        let c19 = with_luhn("622202123456789012");
        let fw: String = c19
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        let text = format!("卡：{fw}");
        let hits = scan(&text, &MaskConfig::default());
        assert_eq!(hits.len(), 1);
        assert_eq!(
            (hits[0].kind, hits[0].start, hits[0].end),
            (BankCard, 2, 21)
        );
        assert_eq!(hits[0].masked.chars().filter(|&c| c == '*').count(), 11);
    }

    #[test]
    fn home_addresses_after_their_labels() {
        let text = "当事人：林某，男，住址：海州市定海区解放路12号3幢101室，身份证号码见案卷。\n\
                    家庭住址为海州市普陀区东港街道; 户籍所在地：海州市岱山县高亭镇1号";
        let hits = scan(text, &MaskConfig::default());
        let found: Vec<(PiiKind, &str, usize)> = hits
            .iter()
            .map(|h| (h.kind, h.text.as_str(), h.line))
            .collect();
        assert_eq!(
            found,
            [
                (Address, "海州市定海区解放路12号3幢101室", 1),
                (Address, "海州市普陀区东港街道", 2),
                (Address, "海州市岱山县高亭镇1号", 2),
            ]
        );
        assert_eq!(hits[0].masked, "海州市定海区************");
        assert_eq!(hits[0].column, 13);
        // Too short to be an address, no label, or a label word in ordinary prose: nothing.
        for prose in [
            "住址不详。办公地点：海州市行政中心",
            "向户籍所在地乡镇人民政府（街道办事处）提出申请",
            "按居住地管理的原则办理",
            "住址变更的，应当及时申报",
        ] {
            assert!(scan(prose, &MaskConfig::default()).is_empty(), "{prose}");
        }
        // A number running past the end of an address is found whole, and the address before it.
        // (an address is taken up to 60 characters: this one's limit falls inside the number).
        let long = format!("海州市新城路{}", "一".repeat(49));
        let across = format!("住址：{long}11010519491231002X");
        let hits = scan(&across, &MaskConfig::default());
        let found: Vec<(PiiKind, &str)> = hits.iter().map(|h| (h.kind, h.text.as_str())).collect();
        assert_eq!(
            found,
            [(Address, long.as_str()), (IdNumber, "11010519491231002X")]
        );
        // One inside an address is masked with it.
        let inside = scan(
            "住址：海州市新城路8号11010519491231002X",
            &MaskConfig::default(),
        );
        assert_eq!(inside.len(), 1);
        assert!(inside[0].masked.ends_with("******"), "{}", inside[0].masked);
        // Masked once, an address is not found again.
        let masked = mask(text, &MaskConfig::default());
        assert!(scan(&masked, &MaskConfig::default()).is_empty(), "{masked}");
        // A number inside an address goes with it; one outside is its own hit.
        let hits = scan(
            "住址：海州市新城13812345678号，电话13812345678",
            &MaskConfig::default(),
        );
        let kinds: Vec<PiiKind> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(kinds, [Address, Mobile]);
        assert_eq!(
            mask(
                "住址：海州市新城区",
                &MaskConfig {
                    address_keep_head: 3,
                    ..MaskConfig::default()
                }
            ),
            "住址：海州市***"
        );
    }

    #[test]
    fn config_serde_defaults() {
        let cfg: MaskConfig = toml::from_str("mask_char = \"×\"").unwrap();
        assert_eq!(cfg.id_keep_head, 6);
        assert_eq!(cfg.mask_char, '×');
    }

    #[test]
    fn linear_on_large_inputs() {
        let start = std::time::Instant::now();
        let digits = "1".repeat(3_000_000);
        assert!(scan(&digits, &MaskConfig::default()).is_empty());
        let spaced = "1234 ".repeat(600_000);
        assert!(scan(&spaced, &MaskConfig::default()).is_empty());
        let addresses = "住址：海州市新城路8号，13812345678，".repeat(100_000);
        assert_eq!(scan(&addresses, &MaskConfig::default()).len(), 200_000);
        let many = "13812345678,".repeat(250_000);
        assert_eq!(scan(&many, &MaskConfig::default()).len(), 250_000);
        assert_eq!(
            mask(&many, &MaskConfig::default()).chars().count(),
            many.chars().count()
        );
        // Generous bound for unoptimised builds on a busy machine; quadratic would take hours.
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("11010519491231002X".to_owned()),
            Just("440524188001010014".to_owned()),
            Just("13812345678".to_owned()),
            Just("138 1234 5678".to_owned()),
            Just("6222021234567890128".to_owned()),
            Just("6222 0212 3456 7890".to_owned()),
            Just("１３８１２３４５６７８".to_owned()),
            Just("住址：海州市定海区解放路1号，".to_owned()),
            Just("家庭住址".to_owned()),
            Just("户籍所在地为".to_owned()),
            "[0-9０-９Xx a-z\\-－\\n\\r中文号〔〕]{0,12}",
            "\\PC{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn scan_invariants(parts in prop::collection::vec(piece(), 0..12)) {
            let text = parts.concat();
            let n = text.chars().count();
            let chars: Vec<char> = text.chars().collect();
            let hits = scan(&text, &MaskConfig::default());
            let mut last_end = 0;
            for h in &hits {
                prop_assert!(h.start < h.end && h.end <= n);
                prop_assert!(h.start >= last_end, "overlap");
                last_end = h.end;
                prop_assert_eq!(&chars[h.start..h.end].iter().collect::<String>(), &h.text);
                prop_assert_eq!(h.masked.chars().count(), h.text.chars().count());
                let line = chars[..h.start].iter().filter(|&&c| c == '\n').count() + 1;
                let line_start = chars[..h.start].iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1);
                prop_assert_eq!(h.line, line);
                prop_assert_eq!(h.column, h.start - line_start + 1);
            }
            let masked = mask(&text, &MaskConfig::default());
            prop_assert_eq!(masked.chars().count(), n);
            let masked_chars: Vec<char> = masked.chars().collect();
            for h in &hits {
                prop_assert_eq!(&masked_chars[h.start..h.end].iter().collect::<String>(), &h.masked);
            }
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}", head in 0usize..30, tail in 0usize..30) {
            let cfg = MaskConfig { id_keep_head: head, id_keep_tail: tail, card_keep_head: head, card_keep_tail: tail, ..MaskConfig::default() };
            let out = mask(&text, &cfg);
            prop_assert_eq!(out.chars().count(), text.chars().count());
        }
    }
}
