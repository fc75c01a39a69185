//! Document numbers (文号): `{机关代字}〔{YYYY}〕{N}号`, e.g. 舟政办发〔2016〕88号.
//!
//! Real input uses many bracket shapes, full-width digits, spaces, hyphens or no
//! brackets at all; [`DocumentNumber::parse`] accepts them and `Display` gives the
//! normalised form with 〔〕 (U+3014/U+3015). Callers keep what the user typed.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Lowest accepted year.
pub const MIN_YEAR: u16 = 1949;
/// Highest accepted year.
pub const MAX_YEAR: u16 = 2100;
/// Longer input is rejected without further analysis.
const MAX_LEN: usize = 100;

/// A parsed document number (文号).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentNumber {
    /// Issuing-body abbreviation (机关代字), e.g. `舟政办发`.
    pub agency: String,
    pub year: u16,
    pub serial: u32,
}

/// Why a string is not a standard document number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocNumberError {
    #[error("document number is empty")]
    Empty,
    /// A recognised number of another shape, e.g. an order number (令) such as
    /// 国务院令第711号: not an error for the user, keep the raw text.
    #[error("not a standard document number (e.g. an order number); keep it as typed")]
    NotStandard,
    #[error("document number is malformed")]
    Malformed,
    #[error("document number year {0} is outside 1949..=2100")]
    YearOutOfRange(u32),
    #[error("document number serial must not be 0")]
    ZeroSerial,
}

impl DocNumberError {
    /// Message for the user, naming the field.
    pub fn message_zh(&self) -> String {
        match self {
            DocNumberError::Empty => "文号不能为空".to_owned(),
            DocNumberError::NotStandard => {
                "文号不是“机关代字〔年份〕序号号”格式（如命令编号），将按原文保存".to_owned()
            }
            DocNumberError::Malformed => {
                "文号格式不正确，应为“机关代字〔年份〕序号号”，例如：国办发〔2016〕19号".to_owned()
            }
            DocNumberError::YearOutOfRange(y) => {
                format!("文号中的年份{y}不在{MIN_YEAR}至{MAX_YEAR}之间")
            }
            DocNumberError::ZeroSerial => "文号中的序号不能为0".to_owned(),
        }
    }

    /// Whether the caller may store the raw text anyway (a recognised non-standard number).
    pub fn is_acceptable_raw(&self) -> bool {
        matches!(self, DocNumberError::NotStandard)
    }
}

#[allow(clippy::expect_used)]
static STANDARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<agency>[^\s\d〔〕\-]+?)\s*〔?\s*(?P<year>\d{4})\s*〕?\s*-?\s*第?\s*(?P<serial>\d{1,9})\s*号?$",
    )
    .expect("static regex")
});

#[allow(clippy::expect_used)]
static ORDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S+?令\s*第?\s*[0-9零〇一二三四五六七八九十百千]+\s*号?$").expect("static regex")
});

/// Unifies digits, brackets, dashes and spaces; collapses runs of spaces.
fn prepare(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.trim().chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '〔' | '[' | '【' | '(' | '（' | '［' | '｛' | '{' | '〖' | '﹝' | '〘' => '〔',
            '〕' | ']' | '】' | ')' | '）' | '］' | '｝' | '}' | '〗' | '﹞' | '〙' => '〕',
            '－' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '﹣' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

impl DocumentNumber {
    /// Parses a document number in any of the common shapes.
    pub fn parse(raw: &str) -> Result<DocumentNumber, DocNumberError> {
        let s = prepare(raw);
        if s.is_empty() {
            return Err(DocNumberError::Empty);
        }
        if s.chars().count() > MAX_LEN {
            return Err(DocNumberError::Malformed);
        }
        if ORDER.is_match(&s) {
            return Err(DocNumberError::NotStandard);
        }
        let caps = STANDARD.captures(&s).ok_or(DocNumberError::Malformed)?;
        let agency = caps
            .name("agency")
            .map(|m| m.as_str().to_owned())
            .ok_or(DocNumberError::Malformed)?;
        let year: u32 = caps
            .name("year")
            .and_then(|m| m.as_str().parse().ok())
            .ok_or(DocNumberError::Malformed)?;
        let serial: u32 = caps
            .name("serial")
            .and_then(|m| m.as_str().parse().ok())
            .ok_or(DocNumberError::Malformed)?;
        if !(u32::from(MIN_YEAR)..=u32::from(MAX_YEAR)).contains(&year) {
            return Err(DocNumberError::YearOutOfRange(year));
        }
        if serial == 0 {
            return Err(DocNumberError::ZeroSerial);
        }
        Ok(DocumentNumber {
            agency,
            year: u16::try_from(year).map_err(|_| DocNumberError::YearOutOfRange(year))?,
            serial,
        })
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.agency, self.year, self.serial)
    }
}

impl FromStr for DocumentNumber {
    type Err = DocNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocumentNumber::parse(s)
    }
}

/// The normalised form of a standard document number, `None` otherwise.
pub fn normalize(raw: &str) -> Option<String> {
    DocumentNumber::parse(raw).ok().map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(raw: &str, expected: Result<&str, DocNumberError>) {
        let got = DocumentNumber::parse(raw).map(|d| d.to_string());
        assert_eq!(got.as_deref().map_err(Clone::clone), expected, "{raw:?}");
    }

    #[test]
    fn real_forms() {
        check("国办发〔2016〕19号", Ok("国办发〔2016〕19号"));
        check("浙委办发[2016]48号", Ok("浙委办发〔2016〕48号"));
        check("中办发【2016】8号", Ok("中办发〔2016〕8号"));
        check("舟政办发(2016)88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发（2016）88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发［2016］88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发｛2016｝88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发﹝2016﹞88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发〖2016〗88号", Ok("舟政办发〔2016〕88号"));
        check("国发〔2015〕 5号", Ok("国发〔2015〕5号"));
        check("国发〔2015〕05号", Ok("国发〔2015〕5号"));
        check("国发〔2015〕第5号", Ok("国发〔2015〕5号"));
        check("舟政办发〔2016〕88", Ok("舟政办发〔2016〕88号"));
        check("舟政办发2016-88", Ok("舟政办发〔2016〕88号"));
        check("舟政办发 2016-88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发 2016 88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发2016－88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发〔2016 88号", Ok("舟政办发〔2016〕88号"));
        check("舟政办发2016〕88号", Ok("舟政办发〔2016〕88号"));
        check("  舟政办发 〔 2016 〕 88 号 ", Ok("舟政办发〔2016〕88号"));
        check("国办发〔２０１６〕１９号", Ok("国办发〔2016〕19号"));
        check("国办函〔2020〕109号", Ok("国办函〔2020〕109号"));
        check("国办发明电〔2024〕12号", Ok("国办发明电〔2024〕12号"));
        check("浙政发\u{3000}[2019]\u{3000}7号", Ok("浙政发〔2019〕7号"));
    }

    #[test]
    fn order_numbers_are_not_standard() {
        check("国务院令第711号", Err(DocNumberError::NotStandard));
        check("国务院令 第 711 号", Err(DocNumberError::NotStandard));
        check("总局令第45号", Err(DocNumberError::NotStandard));
        check(
            "中华人民共和国主席令第八十一号",
            Err(DocNumberError::NotStandard),
        );
        assert!(DocNumberError::NotStandard.is_acceptable_raw());
        assert!(!DocNumberError::Malformed.is_acceptable_raw());
    }

    #[test]
    fn rejected_forms() {
        check("", Err(DocNumberError::Empty));
        check("   ", Err(DocNumberError::Empty));
        check("〔2016〕19号", Err(DocNumberError::Malformed));
        check("国办发〔16〕19号", Err(DocNumberError::Malformed));
        check("国办发〔2016〕号", Err(DocNumberError::Malformed));
        check("国办发", Err(DocNumberError::Malformed));
        check("2016-88", Err(DocNumberError::Malformed));
        check("国办发〔2016〕19号附件", Err(DocNumberError::Malformed));
        check(
            "国办发〔1948〕1号",
            Err(DocNumberError::YearOutOfRange(1948)),
        );
        check(
            "国办发〔2101〕1号",
            Err(DocNumberError::YearOutOfRange(2101)),
        );
        check("国办发〔2016〕0号", Err(DocNumberError::ZeroSerial));
        check(&"国".repeat(200), Err(DocNumberError::Malformed));
    }

    #[test]
    fn bounds_and_helpers() {
        check("国办发〔1949〕1号", Ok("国办发〔1949〕1号"));
        check("国办发〔2100〕1号", Ok("国办发〔2100〕1号"));
        assert_eq!(
            normalize("舟政办发(2016)88号").as_deref(),
            Some("舟政办发〔2016〕88号")
        );
        assert_eq!(normalize("国务院令第711号"), None);
        let d: DocumentNumber = "舟政办发(2016)88号".parse().unwrap();
        assert_eq!(
            d,
            DocumentNumber {
                agency: "舟政办发".into(),
                year: 2016,
                serial: 88
            }
        );
        for e in [
            DocNumberError::Empty,
            DocNumberError::NotStandard,
            DocNumberError::Malformed,
            DocNumberError::YearOutOfRange(1),
            DocNumberError::ZeroSerial,
        ] {
            assert!(e.message_zh().contains("文号"));
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = DocumentNumber::parse(&s);
        }

        #[test]
        fn display_round_trips(agency in "[\\u{4e00}-\\u{9fa5}]{1,6}", year in 1949u16..=2100, serial in 1u32..100_000) {
            let d = DocumentNumber { agency, year, serial };
            prop_assert_eq!(DocumentNumber::parse(&d.to_string()), Ok(d));
        }
    }
}
