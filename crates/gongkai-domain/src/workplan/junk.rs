//! Page furniture (页面元素) and injected spam (垃圾信息) in text copied from a web page.
//!
//! Lines are judged one by one; the answer is the reason shown to the office in
//! [`super::Unplaced`]. Spam is checked first, so a defaced footer that also says
//! 版权所有 is reported as spam.

/// Gambling words and brands found in defaced government pages. ASCII entries are
/// matched case-insensitively. Words that a plan may use legitimately (彩票 alone:
/// 福利彩票公益金) are not listed; only site-like compounds are.
const GAMBLING: &[&str] = &[
    "博彩",
    "娱乐城",
    "赌场",
    "百家乐",
    "彩票网",
    "彩票平台",
    "购彩",
    "时时彩",
    "六合彩",
    "北京赛车",
    "老虎机",
    "真人娱乐",
    "真人视讯",
    "网上赌",
    "网络赌",
    "赌博网",
    "线上赌",
    "澳门威尼斯人",
    "澳门新葡京",
    "皇冠体育",
    "体育投注",
    "在线投注",
    "亚博体育",
    "开元棋牌",
    "bt365",
    "365bet",
    "bet365",
    "bet9",
    "casino",
    "baccarat",
    "pk10",
];

/// Top-level domains recognised in bare host names (`www.28283208.com`).
const TLDS: &[&str] = &[
    "com", "net", "org", "cn", "cc", "vip", "top", "xyz", "info", "me", "tv", "io", "co", "biz",
    "club", "site", "app", "bet", "win", "live", "pro", "asia", "mobi", "ws", "la", "hk", "tw",
    "us", "uk", "name", "online", "shop", "fun", "ltd", "wang", "link", "icu", "gov", "edu",
];

/// Longer lines are text, not furniture (spam is still detected).
const FURNITURE_MAX_CHARS: usize = 150;

/// Why a line is skipped, or `None` when it is content.
///
/// `has_clause` tells whether the line carries a responsibility clause: such a line
/// is a task even if it mentions a web address.
pub(super) fn classify(line: &str, has_clause: impl FnOnce() -> bool) -> Option<String> {
    let lower = line.to_lowercase();
    if let Some(word) = GAMBLING.iter().find(|w| lower.contains(*w)) {
        return Some(format!("疑似被注入的博彩垃圾信息（含“{word}”），已跳过"));
    }
    let chars = line.chars().count();
    let host = find_host(line);
    if let Some(host) = &host
        && !is_government_host(host)
        && !has_clause()
    {
        return Some(format!("疑似被注入的外部网址（{host}），已跳过"));
    }
    if chars > FURNITURE_MAX_CHARS {
        return None;
    }
    furniture(line, &lower).map(|what| format!("网页页面元素（{what}），已跳过"))
}

fn furniture(line: &str, lower: &str) -> Option<&'static str> {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| line.starts_with(p));
    let contains = |words: &[&str]| words.iter().any(|w| line.contains(w));
    if contains(&[
        "阅读次数",
        "浏览次数",
        "点击次数",
        "点击数：",
        "点击数:",
        "访问量",
    ]) {
        return Some("阅读次数");
    }
    if starts(&[
        "发布时间",
        "发布日期",
        "更新时间",
        "信息来源",
        "来源：",
        "来源:",
        "作者：",
        "作者:",
        "字体：",
        "字体:",
        "字号：",
        "字号:",
        "【字体",
        "分享到",
        "扫一扫",
    ]) {
        return Some("发布信息");
    }
    if contains(&[
        "返回上页",
        "返回顶部",
        "【打印",
        "打印】",
        "打印本页",
        "关闭窗口",
        "【关闭",
        "关闭】",
        "【返回",
    ]) {
        return Some("打印、关闭按钮");
    }
    if contains(&["版权所有", "©"]) || lower.contains("copyright") || lower.contains("all rights")
    {
        return Some("版权声明");
    }
    if starts(&[
        "地址：",
        "地址:",
        "通讯地址",
        "联系地址",
        "邮编",
        "邮政编码",
    ]) {
        return Some("联系地址");
    }
    if starts(&["联系电话", "电话：", "电话:", "传真"]) || contains(&["联系电话：", "联系电话:"])
    {
        return Some("联系电话");
    }
    if starts(&["技术支持"]) || contains(&["技术支持：", "技术支持:"]) {
        return Some("技术支持");
    }
    if contains(&["ICP备", "icp备", "公网安备", "网站标识码"]) {
        return Some("网站备案信息");
    }
    if starts(&[
        "主办单位",
        "主办：",
        "主办:",
        "承办单位",
        "承办：",
        "承办:",
        "网站地图",
        "联系我们",
    ]) {
        return Some("网站主办信息");
    }
    if starts(&[
        "当前位置",
        "您现在的位置",
        "您的位置",
        "首页>",
        "首页 >",
        "首页＞",
    ]) {
        return Some("导航");
    }
    if is_page_number(line) {
        return Some("页码");
    }
    if find_host(line).is_some_and(|h| h.chars().count() * 2 >= line.chars().count()) {
        return Some("网址");
    }
    None
}

/// `- 3 -`, `—3—`, `3`, `第3页`, `第 3 页 共 5 页`.
fn is_page_number(line: &str) -> bool {
    let core: String = line
        .chars()
        .filter(|c| !super::text::is_blank(*c) && !matches!(c, '-' | '—' | '－' | '–'))
        .collect();
    if core.is_empty() {
        return !line.is_empty() && line.chars().all(|c| matches!(c, '-' | '—' | '－' | '–'));
    }
    let digits = core.chars().filter(|c| c.is_ascii_digit()).count();
    if digits == core.chars().count() {
        return digits <= 3;
    }
    core.starts_with('第')
        && core.contains('页')
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '第' | '页' | '共' | '/'))
}

/// The first web host in a line: after `://`, or a bare `www.x.y` / `label.tld`.
/// E-mail addresses are not hosts. Linear in the line length.
pub(super) fn find_host(line: &str) -> Option<String> {
    let mut run = String::new();
    let mut found = None;
    let mut check = |run: &mut String| {
        if found.is_none() {
            found = host_in(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                '.' | '-' | ':' | '/' | '_' | '@' | '?' | '=' | '&' | '%' | '#' | '~' | '+'
            )
        {
            run.push(c);
        } else {
            check(&mut run);
        }
    }
    check(&mut run);
    found
}

fn host_in(run: &str) -> Option<String> {
    if run.contains('@') {
        return None;
    }
    let rest = match run.find("://") {
        Some(i) => &run[i + 3..],
        None => run,
    };
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
    let host = host.trim_matches(|c| c == '.' || c == '-');
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let tld = labels
        .last()
        .copied()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let explicit = run.contains("://") || host.to_ascii_lowercase().starts_with("www.");
    if (explicit && tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
        || TLDS.contains(&tld.as_str())
    {
        Some(host.to_ascii_lowercase())
    } else {
        None
    }
}

fn is_government_host(host: &str) -> bool {
    host == "gov.cn"
        || host.ends_with(".gov.cn")
        || host.ends_with(".gov")
        || host.ends_with(".edu.cn")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expected: Option<&str>) {
        let got = classify(line, || false);
        match (got.as_deref(), expected) {
            (Some(reason), Some(part)) => {
                assert!(reason.contains(part), "{line:?}: {reason:?} lacks {part:?}")
            }
            (got, expected) => assert_eq!(got.is_some(), expected.is_some(), "{line:?}: {got:?}"),
        }
    }

    #[test]
    fn seed_furniture_and_spam() {
        check("阅读次数  发布时间:2016-10-10", Some("阅读次数"));
        check("【返回上页】【打印】【关闭】", Some("打印"));
        check("返回上页】【打印】【关闭", Some("打印"));
        check(
            "浙江bt365官方网址 版权所有 © CopyRight 2007-2016 www.28283208.com All Rights reserved",
            Some("博彩"),
        );
        check(
            "地址:舟山市普陀区六横镇三八路222号  联系电话:0580-6080230",
            Some("联系地址"),
        );
        check("联系电话:0580-6080230", Some("联系电话"));
        check("技术支持:信心网络", Some("技术支持"));
    }

    #[test]
    fn other_furniture_and_spam() {
        check("版权所有：舟山市人民政府办公室", Some("版权"));
        check("浙ICP备05001234号", Some("备案"));
        check("- 3 -", Some("页码"));
        check("第 3 页 共 5 页", Some("页码"));
        check("12", Some("页码"));
        check("当前位置：首页 > 政务公开", Some("导航"));
        check("http://www.example.com/a?b=1", Some("网址"));
        check("欢迎光临 888.vip 娱乐", Some("888.vip"));
        check("澳门新葡京 真人娱乐", Some("博彩"));
        check("365BET 官方", Some("365bet"));
        check("www.zhoushan.gov.cn", Some("网址"));
    }

    #[test]
    fn content_is_kept() {
        check("2016722", None);
        check("一、围绕深化改革推进公开", None);
        check(
            "做好福利彩票公益金使用情况公开工作。(市民政局牵头落实)",
            None,
        );
        check(
            "在中国政府网(www.gov.cn)和浙江政务服务网(www.zjzwfw.gov.cn)发布。",
            None,
        );
        check("投资规模1.5亿元,年均增幅不低于5%。", None);
        check("公开咨询电话和电子邮箱 zwgk@163.com。", None);
        check("2016年舟山市政务公开工作要点", None);
        // A long paragraph is never furniture, even if it names a contact phone.
        let long = format!("{}联系电话：12345", "公开".repeat(100));
        check(&long, None);
        // A URL on a line with a responsibility clause is kept.
        assert_eq!(
            classify(
                "在人民网(www.people.com.cn)发布。(市委宣传部牵头落实)",
                || true
            ),
            None
        );
    }

    #[test]
    fn hosts() {
        assert_eq!(
            find_host("见 www.28283208.com 版权").as_deref(),
            Some("www.28283208.com")
        );
        assert_eq!(
            find_host("https://a.b.example.org/x").as_deref(),
            Some("a.b.example.org")
        );
        assert_eq!(find_host("1.5亿元"), None);
        assert_eq!(find_host("a@b.com"), None);
        assert_eq!(find_host("v2.0"), None);
        assert_eq!(find_host("..com"), None);
    }
}
