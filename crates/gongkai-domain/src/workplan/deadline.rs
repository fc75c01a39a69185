//! Deadlines written in a task's text (时限): 年内, 年底前, 3个工作日内, 24小时内,
//! 每年…不少于1次, 6月底前.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::text::parse_number;
use super::{DeadlineHint, DeadlineKind};

/// A number in digits or Chinese numerals.
const NUM: &str = r"[0-9０-９]{1,4}|[零〇一二两三四五六七八九十百]{1,5}";

#[allow(clippy::expect_used)]
fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace("NUM", NUM)).expect("static regex")
}

static WORKING_DAYS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<n>NUM)\s*个?\s*工作日\s*(?:之内|以内|内)"));
static HOURS: LazyLock<Regex> = LazyLock::new(|| re(r"(?P<n>NUM)\s*个?\s*小时\s*(?:之内|以内|内)"));
static RECURRING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"每(?P<per>半年|年度|年|季度|季|月|周|星期|旬)[^。；;]{0,40}?(?:不少于|不得少于|至少|不低于|最少)\s*(?P<n>NUM)\s*(?:次|场|期)",
    )
});
static YEAR_END: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:[0-9０-９]{4}\s*)?年\s*(?:底|末)\s*(?:之前|以前|前)?"));
static WITHIN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<n>[0-9０-９]{1,4}|[一二两三四五六七八九十几数多半]{1,3})?\s*个?\s*年\s*(?:度)?\s*(?:之内|以内|内)",
    )
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?P<y>[0-9０-９]{4})\s*年\s*)?(?P<m>[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])\s*月\s*(?:份\s*)?(?:(?P<end>底|末)|(?P<d>[0-9０-９]{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]|(?P<part>上旬|中旬|下旬))?\s*(?P<before>之前|以前|前)?",
    )
});
static OTHER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:NUM)\s*个\s*月\s*(?:之内|以内|内)|(?:NUM)\s*(?:日|天)\s*(?:之内|以内|内)|[上下]半年\s*(?:底前|末前|之前|以前|前|内)|第?[一二三四1-4]\s*季度\s*(?:末|底)?\s*(?:之前|以前|前|内)",
    )
});

/// The deadline written in `text`, if any. `plan_year` turns month deadlines
/// (`6月底前`) into dates; without it they are [`DeadlineKind::Other`]. When several
/// are written, an explicit date wins, else the first one.
pub fn deadline_hint(text: &str, plan_year: Option<i32>) -> Option<DeadlineHint> {
    let mut found: Vec<(usize, DeadlineHint)> = Vec::new();
    let mut push = |pos: usize, kind: DeadlineKind, text: &str| {
        found.push((
            pos,
            DeadlineHint {
                kind,
                text: text.trim().to_owned(),
            },
        ));
    };
    for c in WORKING_DAYS.captures_iter(text) {
        if let (Some(all), Some(n)) = (c.get(0), c.name("n").and_then(|m| parse_number(m.as_str())))
        {
            push(all.start(), DeadlineKind::WorkingDays(n), all.as_str());
        }
    }
    for c in HOURS.captures_iter(text) {
        if let (Some(all), Some(n)) = (c.get(0), c.name("n").and_then(|m| parse_number(m.as_str())))
        {
            push(all.start(), DeadlineKind::Hours(n), all.as_str());
        }
    }
    for c in RECURRING.captures_iter(text) {
        if let (Some(all), Some(per), Some(times)) = (
            c.get(0),
            c.name("per"),
            c.name("n").and_then(|m| parse_number(m.as_str())),
        ) {
            let per = match per.as_str() {
                "季" => "季度",
                "年度" => "年",
                "星期" => "周",
                p => p,
            };
            push(
                all.start(),
                DeadlineKind::Recurring {
                    per: per.to_owned(),
                    times,
                },
                all.as_str(),
            );
        }
    }
    for m in YEAR_END.find_iter(text) {
        push(m.start(), DeadlineKind::YearEnd, m.as_str());
    }
    for c in WITHIN_YEAR.captures_iter(text) {
        let Some(all) = c.get(0) else { continue };
        if text[all.end()..].starts_with('容') {
            continue; // 年内容 is "the content of the year", not a deadline
        }
        // 3年内 (within three years) is not 年内 (within the plan year); 2016年内 is.
        let kind = match c.name("n") {
            Some(n) if n.as_str().chars().count() != 4 => DeadlineKind::Other,
            _ => DeadlineKind::WithinYear,
        };
        push(all.start(), kind, all.as_str());
    }
    for c in DATE.captures_iter(text) {
        let Some(all) = c.get(0) else { continue };
        let has = |k: &str| c.name(k).is_some();
        if !(has("end") || has("part") || (has("d") && has("before"))) {
            if has("before") && !has("d") {
                push(all.start(), DeadlineKind::Other, all.as_str()); // 6月前
            }
            continue;
        }
        let num = |k: &str| c.name(k).and_then(|m| parse_number(m.as_str()));
        let year = num("y").and_then(|y| i32::try_from(y).ok()).or(plan_year);
        let Some(month) = num("m") else { continue };
        let day = match (num("d"), c.name("part").map(|m| m.as_str())) {
            (Some(d), _) => Some(d),
            (None, Some("上旬")) => Some(10),
            (None, Some("中旬")) => Some(20),
            _ => None, // 月底, 下旬: the last day
        };
        let kind = match year.and_then(|y| date_in(y, month, day)) {
            Some(date) => DeadlineKind::Date(date),
            None if year.is_none() && (1..=12).contains(&month) => DeadlineKind::Other,
            None => continue,
        };
        push(all.start(), kind, all.as_str());
    }
    for m in OTHER.find_iter(text) {
        push(m.start(), DeadlineKind::Other, m.as_str());
    }
    found.sort_by_key(|(pos, _)| *pos);
    let date = found
        .iter()
        .position(|(_, h)| matches!(h.kind, DeadlineKind::Date(_)));
    let pick = date.unwrap_or(0);
    (pick < found.len()).then(|| found.swap_remove(pick).1)
}

/// The given day of the month, or its last day.
fn date_in(year: i32, month: u32, day: Option<u32>) -> Option<NaiveDate> {
    match day {
        Some(d) => NaiveDate::from_ymd_opt(year, month, d),
        None => {
            let (ny, nm) = if month == 12 {
                (year.checked_add(1)?, 1)
            } else {
                (year, month + 1)
            };
            NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeadlineKind::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn check(text: &str, expected: Option<(DeadlineKind, &str)>) {
        let got = deadline_hint(text, Some(2016)).map(|h| (h.kind, h.text));
        assert_eq!(got, expected.map(|(k, t)| (k, t.to_owned())), "{text:?}");
    }

    #[test]
    fn kinds() {
        check("年内要制定完善具体办法", Some((WithinYear, "年内")));
        check("2016年内完成", Some((WithinYear, "2016年内")));
        check("本年度内完成", Some((WithinYear, "年度内")));
        check("并在年底前向市政府办公室报送", Some((YearEnd, "年底前")));
        check("2016年底前完成", Some((YearEnd, "2016年底前")));
        check(
            "于文件公开后3个工作日内在政府网站发布",
            Some((WorkingDays(3), "3个工作日内")),
        );
        check("三个工作日内", Some((WorkingDays(3), "三个工作日内")));
        check("应在24小时内举行新闻发布会", Some((Hours(24), "24小时内")));
        check("二十四小时之内", Some((Hours(24), "二十四小时之内")));
        check(
            "每年解读不少于1次",
            Some((
                Recurring {
                    per: "年".into(),
                    times: 1,
                },
                "每年解读不少于1次",
            )),
        );
        check(
            "每季度召开新闻发布会不少于2次",
            Some((
                Recurring {
                    per: "季度".into(),
                    times: 2,
                },
                "每季度召开新闻发布会不少于2次",
            )),
        );
        check(
            "每月至少一次",
            Some((
                Recurring {
                    per: "月".into(),
                    times: 1,
                },
                "每月至少一次",
            )),
        );
        check("6月底前完成", Some((Date(d("2016-06-30")), "6月底前")));
        check("六月底前完成", Some((Date(d("2016-06-30")), "六月底前")));
        check("2月底前", Some((Date(d("2016-02-29")), "2月底前")));
        check("12月底前", Some((Date(d("2016-12-31")), "12月底前")));
        check("9月30日前公布", Some((Date(d("2016-09-30")), "9月30日前")));
        check(
            "2017年3月底前",
            Some((Date(d("2017-03-31")), "2017年3月底前")),
        );
        check("10月中旬前", Some((Date(d("2016-10-20")), "10月中旬前")));
        check("6月前完成", Some((Other, "6月前")));
        check(
            "围绕3年内对全市政务公开工作人员轮训一遍",
            Some((Other, "3年内")),
        );
        check("三年内", Some((Other, "三年内")));
        check("上半年前完成", Some((Other, "上半年前")));
        check("3个月内", Some((Other, "3个月内")));
        check("15日内", Some((Other, "15日内")));
    }

    #[test]
    fn none_and_choice() {
        check("定期公开住房公积金年度报告", None);
        check("及时编制和发布年度海洋环境质量公报", None);
        check("公开年内容", None);
        check("2016年7月22日召开会议", None);
        check("于6月召开", None);
        check("年均增幅不低于5%", None);
        check("", None);
        // The first wins…
        check(
            "3个工作日内发布。每年解读不少于1次",
            Some((WorkingDays(3), "3个工作日内")),
        );
        check("年内至少听取1次汇报", Some((WithinYear, "年内")));
        // …but an explicit date is preferred.
        check(
            "年内完成,9月30日前公布上半年进展",
            Some((Date(d("2016-09-30")), "9月30日前")),
        );
        // Without the plan year a month deadline is kept as text.
        assert_eq!(deadline_hint("6月底前", None).map(|h| h.kind), Some(Other));
        assert_eq!(
            deadline_hint("2017年6月底前", None).map(|h| h.kind),
            Some(Date(d("2017-06-30")))
        );
        check("13月底前", None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}", y in proptest::option::of(-300_000i32..300_000)) {
            let _ = deadline_hint(&s, y);
        }

        #[test]
        fn never_panics_near_shapes(
            parts in prop::collection::vec(
                prop_oneof![
                    Just("年"), Just("月"), Just("底"), Just("前"), Just("内"), Just("日"),
                    Just("个"), Just("工作日"), Just("小时"), Just("每"), Just("不少于"),
                    Just("次"), Just("十"), Just("二"), Just("9"), Just("0"), Just("4294967296"),
                ],
                0..20,
            ),
            y in proptest::option::of(-300_000i32..300_000),
        ) {
            let _ = deadline_hint(&parts.concat(), y);
        }
    }
}
