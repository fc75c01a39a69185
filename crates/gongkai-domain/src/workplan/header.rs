//! The notice header (文头): title, issuing body, date, document number, addressees.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::text::{digit, parse_number, squash_spaces, trim};
use crate::docnum::DocumentNumber;

#[allow(clippy::expect_used)]
static DATE_YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<pre>.*?)\s*(?P<y>[0-9０-９]{4})\s*年\s*(?P<m>[0-9０-９]{1,2})\s*月\s*(?P<d>[0-9０-９]{1,2})\s*日?$",
    )
    .expect("static regex")
});

#[allow(clippy::expect_used)]
static DATE_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<pre>.*?)\s*(?P<y>[〇○零Ｏ0一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日$",
    )
    .expect("static regex")
});

#[allow(clippy::expect_used)]
static DATE_DASHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<y>[0-9]{4})[-./](?P<m>[0-9]{1,2})[-./](?P<d>[0-9]{1,2})$")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static PLAN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"关于(?:印发|转发|下发|下达|公布)(?P<name>.+?)的(?:通知|通报|函)")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static TRAILING_DOCNUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（](?P<num>[^()（）]{1,16}[〔\[【(（［﹝]?[0-9０-９]{4}[^()（）]{0,8}号)[)）]$")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static DOCNUM_LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}A-Za-z]{1,16}\s*[〔\[【(（［﹝]\s*[0-9０-９]{2,5}.{0,8}号$")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[(（]?\s*(?P<note>此件[^()（）]{1,15}?)\s*[)）]?$").expect("static regex")
});

/// Endings of a document title.
const TITLE_ENDINGS: &[&str] = &[
    "通知", "通报", "意见", "要点", "方案", "计划", "安排", "分工", "任务", "函", "决定", "办法",
    "规划", "清单",
];

/// A line made only of a date, possibly after the issuing body (落款).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DateLine {
    /// Text before the date on the same line (the issuer, when it looks like one).
    pub issuer: Option<String>,
    /// The date, or the raw text when its digits allow several readings.
    pub date: Result<NaiveDate, String>,
}

/// Recognises `2016年7月22日`, `二〇一六年七月二十二日`, `2016-07-22`, and damaged
/// forms with lost characters such as `2016722` (accepted when only one reading of
/// month and day is a real date).
pub(super) fn date_line(line: &str) -> Option<DateLine> {
    let line = trim(line);
    if line.chars().count() > 60 {
        return None;
    }
    for re in [&*DATE_YMD, &*DATE_CN] {
        if let Some(c) = re.captures(line) {
            let pre = c.name("pre").map_or("", |m| trim(m.as_str()));
            if !pre.is_empty() && !is_issuer_like(pre) {
                return None;
            }
            let num = |k: &str| c.name(k).and_then(|m| parse_number(m.as_str()));
            let date = ymd(num("y")?, num("m")?, num("d")?)?;
            return Some(DateLine {
                issuer: (!pre.is_empty()).then(|| squash_spaces(pre)),
                date: Ok(date),
            });
        }
    }
    if let Some(c) = DATE_DASHED.captures(line) {
        let num = |k: &str| c.name(k).and_then(|m| parse_number(m.as_str()));
        let date = ymd(num("y")?, num("m")?, num("d")?)?;
        return Some(DateLine {
            issuer: None,
            date: Ok(date),
        });
    }
    damaged_date(line).map(|date| DateLine { issuer: None, date })
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(u32::from(crate::docnum::MIN_YEAR)..=u32::from(crate::docnum::MAX_YEAR)).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// `2016722` → 2016-07-22: a year and 2 to 4 digits of month and day that lost their
/// 年/月/日. Ambiguous digits (`2016112`: 1-12 or 11-2) give the raw text back.
fn damaged_date(line: &str) -> Option<Result<NaiveDate, String>> {
    let digits: Vec<u32> = line.chars().map(digit).collect::<Option<Vec<_>>>()?;
    if !(6..=8).contains(&digits.len()) {
        return None;
    }
    let join = |ds: &[u32]| ds.iter().fold(0u32, |acc, d| acc * 10 + d);
    let year = join(&digits[..4]);
    let rest = &digits[4..];
    let mut found = Vec::new();
    for m_len in 1..=2 {
        if m_len >= rest.len() || rest.len() - m_len > 2 {
            continue;
        }
        let (m, d) = rest.split_at(m_len);
        if let Some(date) = ymd(year, join(m), join(d)) {
            found.push(date);
        }
    }
    match found.as_slice() {
        [] => None,
        [one] => Some(Ok(*one)),
        _ => Some(Err(line.to_owned())),
    }
}

/// Characters that a body name ends with (局, 委, 办, 政府 …).
pub(super) fn has_body_suffix(name: &str) -> bool {
    let core = strip_trailing_group(name);
    core.chars().next_back().is_some_and(|c| {
        "局委办厅部院会府位门心室处所站队社行司署组馆台团道镇乡区县市关校军厂场园港省州村科股庭盟联协"
            .contains(c)
    }) || (core.starts_with('各') && core.ends_with('地'))
}

/// `各乡镇(街道)` → `各乡镇`.
fn strip_trailing_group(name: &str) -> &str {
    if let Some(stripped) = name.strip_suffix(')').or_else(|| name.strip_suffix('）'))
        && let Some(i) = stripped.rfind(['(', '（'])
    {
        return &name[..i];
    }
    name
}

/// A short line naming the issuing body (发文机关), e.g. `舟山市人民政府办公室`.
pub(super) fn is_issuer_like(line: &str) -> bool {
    let line = trim(line);
    let n = line.chars().count();
    (2..=40).contains(&n)
        && !line
            .chars()
            .any(|c| "。，,：:；;！!？?、“”\"《》<>〔〕[]【】".contains(c) || c.is_ascii_digit())
        && has_body_suffix(line)
        && !is_heading_start(line)
}

/// Whether a line starts like a heading or numbered point (一、 (一) 1.).
fn is_heading_start(line: &str) -> bool {
    let mut cs = line.chars();
    match (cs.next(), cs.next()) {
        (Some('(' | '（'), _) => true,
        (Some(c), Some(sep)) => {
            ("一二三四五六七八九十".contains(c) || c.is_ascii_digit())
                && matches!(sep, '、' | '.' | '．')
        }
        _ => false,
    }
}

/// A document number on its own line (optionally after `文号：`), normalised with
/// [`DocumentNumber`] when it parses, else as written.
pub(super) fn doc_number_line(line: &str) -> Option<String> {
    let mut s = trim(line);
    for label in ["发文字号", "文号"] {
        if let Some(rest) = s.strip_prefix(label) {
            s = trim(rest.trim_start_matches([':', '：']));
        }
    }
    if s.chars().count() > 30 || !s.ends_with('号') {
        return None;
    }
    if let Ok(d) = DocumentNumber::parse(s) {
        return Some(d.to_string());
    }
    DOCNUM_LOOSE.is_match(s).then(|| squash_spaces(s))
}

/// Splits a document number written at the end of a title:
/// `关于…的通知（舟政办发〔2016〕88号）` → (`关于…的通知`, `舟政办发〔2016〕88号`).
pub(super) fn split_title_doc_number(title: &str) -> (String, Option<String>) {
    if let Some(c) = TRAILING_DOCNUM.captures(title)
        && let (Some(all), Some(num)) = (c.get(0), c.name("num"))
        && let Some(n) = doc_number_line(num.as_str())
    {
        return (trim(&title[..all.start()]).to_owned(), Some(n));
    }
    (title.to_owned(), None)
}

/// A note of the header such as `(此件公开发布)` or `公开方式：主动公开`.
pub(super) fn note_line(line: &str) -> Option<String> {
    let line = trim(line);
    if let Some(c) = NOTE.captures(line) {
        return c.name("note").map(|m| trim(m.as_str()).to_owned());
    }
    if line.chars().count() <= 30
        && (line.starts_with("公开方式") || line.starts_with("公开属性"))
        && line.contains(['：', ':'])
    {
        return Some(line.to_owned());
    }
    None
}

/// The list of recipients (主送机关), a short line ending with a colon.
pub(super) fn addressees(line: &str) -> Option<String> {
    let line = trim(line);
    let body = line.strip_suffix('：').or_else(|| line.strip_suffix(':'))?;
    let body = trim(body);
    let n = body.chars().count();
    ((2..=200).contains(&n)
        && !body.contains('。')
        && (body.starts_with('各')
            || ["政府", "部门", "单位", "委员会", "管委会", "各"]
                .iter()
                .any(|w| body.contains(w))))
    .then(|| body.to_owned())
}

/// Whether a title ends like one (…的通知, …工作要点).
pub(super) fn has_title_ending(line: &str) -> bool {
    let line = trim(line).trim_end_matches(['》', '”']);
    TITLE_ENDINGS.iter().any(|e| line.ends_with(e))
}

/// A notice that forwards a plan (关于印发…的通知): the plan follows as an annex.
pub(super) fn is_forwarding_notice(title: &str) -> bool {
    PLAN_NAME.is_match(title)
}

/// The plan's own name: `…关于印发2016年舟山市政务公开工作要点的通知` →
/// `2016年舟山市政务公开工作要点`; a title that is not a notice is the name itself.
pub(super) fn plan_name(title: &str) -> Option<String> {
    if title.is_empty() {
        return None;
    }
    let name = match PLAN_NAME.captures(title).and_then(|c| c.name("name")) {
        Some(m) => m.as_str(),
        None if title.contains("关于") => return None,
        None => title,
    };
    let name = name.trim_matches(['《', '》']);
    (!name.is_empty()).then(|| name.to_owned())
}

/// The first year written as `YYYY年` in a title or name.
pub(super) fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        if w[4] != '年' {
            return None;
        }
        let y = w[..4]
            .iter()
            .try_fold(0u32, |acc, c| Some(acc * 10 + digit(*c)?))?;
        ((1949..=2100).contains(&y)).then(|| i32::try_from(y).ok())?
    })
}

/// The line that states the general requirements (总体要求) of the plan.
pub(super) fn is_general_line(line: &str) -> bool {
    let head: String = line.chars().take(30).collect();
    ["总体要求", "指导思想"].iter().any(|w| head.contains(w)) && line.chars().count() > 30
}

/// Comparable form of a title or name: no spaces, no 《》.
pub(super) fn comparable(s: &str) -> String {
    squash_spaces(s)
        .chars()
        .filter(|c| !matches!(c, '《' | '》' | ' '))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(line: &str, expected: Option<(Option<&str>, Result<&str, &str>)>) {
        let got = date_line(line).map(|d| {
            (
                d.issuer,
                d.date.map(|d| d.to_string()).map_err(|raw| raw.to_string()),
            )
        });
        let expected = expected.map(|(i, d)| {
            (
                i.map(str::to_owned),
                d.map(str::to_owned).map_err(str::to_owned),
            )
        });
        assert_eq!(got, expected, "{line:?}");
    }

    #[test]
    fn dates() {
        check_date("2016722", Some((None, Ok("2016-07-22"))));
        check_date("2016年7月22日", Some((None, Ok("2016-07-22"))));
        check_date("2016 年 7 月 22 日", Some((None, Ok("2016-07-22"))));
        check_date("２０２３年３月１５日", Some((None, Ok("2023-03-15"))));
        check_date("二〇一六年七月二十二日", Some((None, Ok("2016-07-22"))));
        check_date("2016-07-22", Some((None, Ok("2016-07-22"))));
        check_date("2016.7.22", Some((None, Ok("2016-07-22"))));
        check_date("20160722", Some((None, Ok("2016-07-22"))));
        check_date("201672", Some((None, Ok("2016-07-02"))));
        check_date("2016112", Some((None, Err("2016112"))));
        check_date(
            "舟山市人民政府办公室 2016年7月22日",
            Some((Some("舟山市人民政府办公室"), Ok("2016-07-22"))),
        );
        check_date("2016年13月1日", None);
        check_date("2016年2月30日", None);
        check_date("1234567", None);
        check_date("2016", None);
        check_date("2016年舟山市政务公开工作要点", None);
        check_date("发布时间:2016-10-10", None);
        check_date("于2016年7月22日", None);
    }

    #[test]
    fn header_lines() {
        assert!(is_issuer_like("舟山市人民政府办公室"));
        assert!(is_issuer_like("中共某市委办公室　某市人民政府办公室"));
        assert!(!is_issuer_like("2016年舟山市政务公开工作要点的通知"));
        assert!(!is_issuer_like("(一)深化权力清单"));
        assert!(!is_issuer_like("一、加强领导"));
        assert!(!is_issuer_like("市政府同意,现印发给你们"));
        assert_eq!(
            doc_number_line("某政办发〔2023〕12号").as_deref(),
            Some("某政办发〔2023〕12号")
        );
        assert_eq!(
            doc_number_line("舟政办发[2016]88号").as_deref(),
            Some("舟政办发〔2016〕88号")
        );
        assert_eq!(
            doc_number_line("文号：舟政办发(2016)88号").as_deref(),
            Some("舟政办发〔2016〕88号")
        );
        assert_eq!(
            doc_number_line("中办发〔20168号").as_deref(),
            Some("中办发〔2016〕8号")
        );
        assert_eq!(doc_number_line("国务院令第711号"), None);
        assert_eq!(doc_number_line("一、推进执行公开"), None);
        assert_eq!(
            split_title_doc_number("关于印发要点的通知（舟政办发〔2016〕88号）"),
            (
                "关于印发要点的通知".to_owned(),
                Some("舟政办发〔2016〕88号".to_owned())
            )
        );
        assert_eq!(note_line("此件公开发布)").as_deref(), Some("此件公开发布"));
        assert_eq!(
            note_line("（此件公开发布）").as_deref(),
            Some("此件公开发布")
        );
        assert_eq!(
            note_line("公开方式：主动公开").as_deref(),
            Some("公开方式：主动公开")
        );
        assert_eq!(
            note_line("此件公开发布后各地要认真落实并及时报送相关情况材料"),
            None
        );
        assert_eq!(
            addressees("各县(区)人民政府,各功能区管委会,市政府直属各单位:").as_deref(),
            Some("各县(区)人民政府,各功能区管委会,市政府直属各单位")
        );
        assert_eq!(
            addressees("各区人民政府，市政府各部门：").as_deref(),
            Some("各区人民政府，市政府各部门")
        );
        assert_eq!(addressees("重点做好以下工作："), None);
    }

    #[test]
    fn titles() {
        let t = "舟山市人民政府办公室关于印发2016年舟山市政务公开工作要点的通知";
        assert!(is_forwarding_notice(t));
        assert_eq!(
            plan_name(t).as_deref(),
            Some("2016年舟山市政务公开工作要点")
        );
        assert_eq!(
            plan_name("某市人民政府办公室关于印发《2023年某市政务公开工作要点》的通知").as_deref(),
            Some("2023年某市政务公开工作要点")
        );
        assert_eq!(
            plan_name("2024年某县政务公开工作要点").as_deref(),
            Some("2024年某县政务公开工作要点")
        );
        assert_eq!(plan_name("关于做好政务公开工作的意见"), None);
        assert_eq!(plan_name(""), None);
        assert_eq!(year_in(t), Some(2016));
        assert_eq!(year_in("关于２０２３年工作"), Some(2023));
        assert_eq!(year_in("关于工作"), None);
        assert!(has_title_ending("2016年舟山市政务公开工作要点的通知"));
        assert!(!has_title_ending("舟山市人民政府办公室关于印发"));
        assert!(is_general_line(
            "2016年舟山市政务公开工作的总体要求是:深入贯彻党的十八大和十八届三中、四中、五中全会精神"
        ));
        assert!(!is_general_line("一、总体要求"));
        assert_eq!(comparable("《2016年 要点》"), "2016年要点");
    }
}
