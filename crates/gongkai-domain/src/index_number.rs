//! Index numbers (索引号): `PREFIX/YYYY-NNNNN`, e.g. `000014349/2020-00072`.
//!
//! PREFIX is the publishing body's code, YYYY the year, NNNNN a serial within body and
//! year starting at 00001. Local deployments may render another pattern with
//! [`IndexNumberPattern`]; allocating serials (never reused, never skipped) is the
//! store's job.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A national-format index number (索引号).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndexNumber {
    /// Body code (机构代码), see [`valid_body_code`].
    pub prefix: String,
    pub year: i32,
    /// Serial within body and year, from 1.
    pub serial: u32,
}

/// Why a string is not an index number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexNumberError {
    #[error("index number must look like PREFIX/YYYY-NNNNN")]
    Malformed,
    #[error("invalid body code in index number")]
    BadPrefix,
    #[error("index number serial must not be 0")]
    ZeroSerial,
}

impl IndexNumberError {
    pub fn message_zh(&self) -> &'static str {
        match self {
            IndexNumberError::Malformed => {
                "索引号格式应为“机构代码/年份-序号”，例如：000014349/2020-00072"
            }
            IndexNumberError::BadPrefix => "索引号中的机构代码应为3至18位数字或大写字母",
            IndexNumberError::ZeroSerial => "索引号中的序号不能为0",
        }
    }
}

impl IndexNumber {
    /// Parses `PREFIX/YYYY-NNNNN` (the serial may have more than five digits).
    pub fn parse(raw: &str) -> Result<IndexNumber, IndexNumberError> {
        let raw = raw.trim();
        let (prefix, rest) = raw.rsplit_once('/').ok_or(IndexNumberError::Malformed)?;
        let (year, serial) = rest.split_once('-').ok_or(IndexNumberError::Malformed)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IndexNumberError::Malformed);
        }
        if serial.len() < 5 || serial.len() > 10 || !serial.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IndexNumberError::Malformed);
        }
        if !valid_body_code(prefix) {
            return Err(IndexNumberError::BadPrefix);
        }
        let year: i32 = year.parse().map_err(|_| IndexNumberError::Malformed)?;
        let serial: u32 = serial.parse().map_err(|_| IndexNumberError::Malformed)?;
        if serial == 0 {
            return Err(IndexNumberError::ZeroSerial);
        }
        Ok(IndexNumber {
            prefix: prefix.to_owned(),
            year,
            serial,
        })
    }
}

impl fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:04}-{:05}", self.prefix, self.year, self.serial)
    }
}

impl FromStr for IndexNumber {
    type Err = IndexNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndexNumber::parse(s)
    }
}

/// Whether `code` can be the body-code prefix of an index number: the 9-character
/// organisation code, the 18-character unified social credit code, or (leniently, for
/// demo deployments) any 3 to 18 characters of `[0-9A-Z]`.
pub fn valid_body_code(code: &str) -> bool {
    (3..=18).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// A deployment's index-number pattern (索引号格式).
///
/// Placeholders: `{prefix}`, `{year}`, `{month}`, `{serial}`; numbers may take a
/// zero-padding width as `{month:02}` or `{serial:05}`. `{{` and `}}` are literal braces.
/// The pattern must contain `{prefix}`, `{year}` and `{serial}` so numbers stay unique.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndexNumberPattern(String);

/// The national pattern.
pub const DEFAULT_PATTERN: &str = "{prefix}/{year}-{serial:05}";

/// Why a pattern is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    #[error("unbalanced brace in pattern")]
    Unbalanced,
    #[error("pattern lacks the {{{0}}} placeholder")]
    Missing(&'static str),
    #[error("bad width in placeholder {{{0}}}")]
    BadWidth(String),
}

impl PatternError {
    pub fn message_zh(&self) -> String {
        match self {
            PatternError::UnknownPlaceholder(p) => format!("索引号格式中有未知的占位符{{{p}}}"),
            PatternError::Unbalanced => "索引号格式中的花括号不成对".to_owned(),
            PatternError::Missing(p) => format!("索引号格式必须包含{{{p}}}"),
            PatternError::BadWidth(p) => format!("索引号格式中占位符{{{p}}}的宽度不正确"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Prefix,
    Year,
    Month,
    Serial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Lit(&'a str),
    Brace(char),
    Field(Field, usize),
}

fn pieces(pattern: &str) -> Result<Vec<Piece<'_>>, PatternError> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        let Some(pos) = rest.find(['{', '}']) else {
            out.push(Piece::Lit(rest));
            break;
        };
        if pos > 0 {
            out.push(Piece::Lit(&rest[..pos]));
        }
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push(Piece::Brace('{'));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push(Piece::Brace('}'));
            rest = after;
        } else if tail.starts_with('}') {
            return Err(PatternError::Unbalanced);
        } else {
            let close = tail.find('}').ok_or(PatternError::Unbalanced)?;
            let inner = &tail[1..close];
            if inner.contains('{') {
                return Err(PatternError::Unbalanced);
            }
            let (name, width) = match inner.split_once(':') {
                None => (inner, None),
                Some((n, w)) => (n, Some(w)),
            };
            let field = match name {
                "prefix" => Field::Prefix,
                "year" => Field::Year,
                "month" => Field::Month,
                "serial" => Field::Serial,
                _ => return Err(PatternError::UnknownPlaceholder(inner.to_owned())),
            };
            let width = match width {
                None => 0,
                Some(w) => {
                    let ok = field != Field::Prefix
                        && (1..=2).contains(&w.len())
                        && w.bytes().all(|b| b.is_ascii_digit());
                    let n: usize = w.parse().unwrap_or(0);
                    if !ok || n == 0 || n > 12 {
                        return Err(PatternError::BadWidth(inner.to_owned()));
                    }
                    n
                }
            };
            out.push(Piece::Field(field, width));
            rest = &tail[close + 1..];
        }
    }
    Ok(out)
}

impl IndexNumberPattern {
    /// Checks and wraps a pattern.
    pub fn new(pattern: impl Into<String>) -> Result<Self, PatternError> {
        let pattern = pattern.into();
        let ps = pieces(&pattern)?;
        for (field, name) in [
            (Field::Prefix, "prefix"),
            (Field::Year, "year"),
            (Field::Serial, "serial"),
        ] {
            if !ps
                .iter()
                .any(|p| matches!(p, Piece::Field(f, _) if *f == field))
            {
                return Err(PatternError::Missing(name));
            }
        }
        Ok(IndexNumberPattern(pattern))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Renders an index number; `month` is 1..=12.
    pub fn render(&self, prefix: &str, year: i32, month: u32, serial: u32) -> String {
        let mut out = String::with_capacity(self.0.len() + prefix.len() + 16);
        // The pattern was checked in `new`; should it still fail, render it literally.
        let Ok(ps) = pieces(&self.0) else {
            return self.0.clone();
        };
        for p in ps {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Brace(c) => out.push(c),
                Piece::Field(Field::Prefix, _) => out.push_str(prefix),
                Piece::Field(Field::Year, w) => out.push_str(&format!("{year:0w$}")),
                Piece::Field(Field::Month, w) => out.push_str(&format!("{month:0w$}")),
                Piece::Field(Field::Serial, w) => out.push_str(&format!("{serial:0w$}")),
            }
        }
        out
    }
}

impl Default for IndexNumberPattern {
    fn default() -> Self {
        IndexNumberPattern(DEFAULT_PATTERN.to_owned())
    }
}

impl fmt::Display for IndexNumberPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IndexNumberPattern {
    type Error = PatternError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        IndexNumberPattern::new(s)
    }
}

impl From<IndexNumberPattern> for String {
    fn from(p: IndexNumberPattern) -> String {
        p.0
    }
}

impl FromStr for IndexNumberPattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndexNumberPattern::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(raw: &str, expected: Result<(&str, i32, u32), IndexNumberError>) {
        let got = IndexNumber::parse(raw);
        let expected = expected.map(|(p, y, s)| IndexNumber {
            prefix: p.into(),
            year: y,
            serial: s,
        });
        assert_eq!(got, expected, "{raw:?}");
    }

    #[test]
    fn parse_table() {
        check("000014349/2020-00072", Ok(("000014349", 2020, 72)));
        check(
            "11441700007280420Y/2021-00050",
            Ok(("11441700007280420Y", 2021, 50)),
        );
        check(" ABC/2026-00001 ", Ok(("ABC", 2026, 1)));
        check("ABC/2026-123456", Ok(("ABC", 2026, 123_456)));
        check("ABC/2026-0001", Err(IndexNumberError::Malformed));
        check("ABC/26-00001", Err(IndexNumberError::Malformed));
        check("ABC/2026/00001", Err(IndexNumberError::Malformed));
        check("ABC-2026-00001", Err(IndexNumberError::Malformed));
        check("abc/2026-00001", Err(IndexNumberError::BadPrefix));
        check("AB/2026-00001", Err(IndexNumberError::BadPrefix));
        check("/2026-00001", Err(IndexNumberError::BadPrefix));
        check("ABC/2026-00000", Err(IndexNumberError::ZeroSerial));
        check("ABC/2026-99999999999", Err(IndexNumberError::Malformed));
        check("", Err(IndexNumberError::Malformed));
    }

    #[test]
    fn display() {
        let n = IndexNumber {
            prefix: "000014349".into(),
            year: 2020,
            serial: 72,
        };
        assert_eq!(n.to_string(), "000014349/2020-00072");
        let big = IndexNumber {
            serial: 123_456,
            ..n
        };
        assert_eq!(big.to_string(), "000014349/2020-123456");
    }

    fn check_code(code: &str, expected: bool) {
        assert_eq!(valid_body_code(code), expected, "{code:?}");
    }

    #[test]
    fn body_codes() {
        check_code("000014349", true);
        check_code("01527918X", true);
        check_code("11441700007280420Y", true);
        check_code("ZS1", true);
        check_code("ZS", false);
        check_code("11441700007280420Y1", false);
        check_code("00001434-9", false);
        check_code("abc", false);
        check_code("舟山", false);
        check_code("", false);
    }

    fn check_render(pattern: &str, expected: &str) {
        let p = IndexNumberPattern::new(pattern).unwrap();
        assert_eq!(p.render("01527918X", 2021, 10, 13), expected, "{pattern}");
    }

    #[test]
    fn render_table() {
        check_render(DEFAULT_PATTERN, "01527918X/2021-00013");
        check_render(
            "{prefix}/{year}{month:02}-{serial:05}",
            "01527918X/202110-00013",
        );
        check_render("{prefix}-{year}-{serial:06}", "01527918X-2021-000013");
        check_render("{prefix}-{year}-{serial}", "01527918X-2021-13");
        check_render(
            "{prefix}/{year}-{month}-{serial:3}",
            "01527918X/2021-10-013",
        );
        check_render("{{{prefix}}}{year}{serial}", "{01527918X}202113");
        assert_eq!(
            IndexNumberPattern::default().render("000014349", 2020, 1, 72),
            "000014349/2020-00072"
        );
        let p = IndexNumberPattern::new("{prefix}/{year}{month:02}-{serial:05}").unwrap();
        assert_eq!(p.render("X01", 2021, 3, 1), "X01/202103-00001");
    }

    fn check_bad(pattern: &str, expected: PatternError) {
        assert_eq!(IndexNumberPattern::new(pattern), Err(expected), "{pattern}");
    }

    #[test]
    fn bad_patterns() {
        check_bad("{prefix}/{year}", PatternError::Missing("serial"));
        check_bad("{year}-{serial}", PatternError::Missing("prefix"));
        check_bad("{prefix}-{serial}", PatternError::Missing("year"));
        check_bad(
            "{prefix}/{yr}-{serial}",
            PatternError::UnknownPlaceholder("yr".into()),
        );
        check_bad("{prefix}/{year}-{serial", PatternError::Unbalanced);
        check_bad("{prefix}}/{year}-{serial}", PatternError::Unbalanced);
        check_bad("{prefix/{year}-{serial}", PatternError::Unbalanced);
        check_bad(
            "{prefix}/{year}-{serial:x}",
            PatternError::BadWidth("serial:x".into()),
        );
        check_bad(
            "{prefix}/{year}-{serial:00}",
            PatternError::BadWidth("serial:00".into()),
        );
        check_bad(
            "{prefix:05}/{year}-{serial}",
            PatternError::BadWidth("prefix:05".into()),
        );
        assert!(
            PatternError::Missing("serial")
                .message_zh()
                .contains("{serial}")
        );
    }

    #[test]
    fn pattern_serde() {
        #[derive(Serialize, Deserialize)]
        struct W {
            p: IndexNumberPattern,
        }
        let w: W = toml::from_str("p = \"{prefix}/{year}{month:02}-{serial:05}\"").unwrap();
        assert_eq!(w.p.as_str(), "{prefix}/{year}{month:02}-{serial:05}");
        assert!(toml::from_str::<W>("p = \"{prefix}\"").is_err());
        assert_eq!(
            toml::to_string(&w).unwrap().trim(),
            "p = \"{prefix}/{year}{month:02}-{serial:05}\""
        );
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(prefix in "[0-9A-Z]{3,18}", year in 1000i32..=9999, serial in 1u32..=9_999_999) {
            let n = IndexNumber { prefix, year, serial };
            prop_assert_eq!(IndexNumber::parse(&n.to_string()), Ok(n.clone()));
            let rendered = IndexNumberPattern::default().render(&n.prefix, n.year, 1, n.serial);
            prop_assert_eq!(rendered, n.to_string());
        }

        #[test]
        fn pattern_never_panics(s in "\\PC{0,30}") {
            if let Ok(p) = IndexNumberPattern::new(s) {
                let _ = p.render("ABC", 2020, 1, 1);
            }
        }
    }
}
