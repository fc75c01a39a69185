//! Responsibility clauses (责任分工): `(市发改委牵头落实)` and their many shapes.
//!
//! A clause is a list of bodies followed by a verb that gives their role:
//! 牵头/负责/落实 make them lead bodies, 配合/协助/参与 (or the prefix 会同)
//! co-responsible ones. Names are checked to look like bodies (they end in 局, 委,
//! 办, 政府, 单位, 部门 … or start with 各), so a bracket such as `(2016年本)` or
//! `(诉讼、复议)` is never taken for a clause. `…等相关部门` keeps the listed
//! bodies and adds the collective entry after 等 (see [`super::is_collective_name`]).

use std::sync::LazyLock;

use regex::Regex;

use super::header::has_body_suffix;
use super::text::{is_blank, is_close, is_open, is_sentence_end, normalize_name, trim};

/// Longer bracketed text is never a clause (and is not analysed, to stay linear).
const MAX_CLAUSE_BYTES: usize = 600;
/// At most this many shorter readings are tried for a clause that lost its opening bracket.
const MAX_SUFFIX_TRIES: usize = 8;

#[allow(clippy::expect_used)]
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(牵头单位|牵头部门|责任单位|责任部门|主责单位|主责部门|负责单位|落实单位|配合单位|配合部门|参与单位|协同单位|协助单位|完成时限|完成时间|时间节点|时限要求|办结时限)\s*[:：]",
    )
    .expect("static regex")
});

/// A recognised responsibility clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Clause {
    /// The clause as written in the line (with its brackets, if any).
    pub text: String,
    pub lead: Vec<String>,
    pub co: Vec<String>,
    /// A deadline given in a labelled clause (`完成时限：6月底前`).
    pub deadline: Option<String>,
    /// Written with labels (`牵头单位：…`), as in plans laid out as tables; such
    /// clauses may continue on the next line.
    pub labelled: bool,
}

/// A run of a line's text and the clause that closes it, if any.
#[derive(Debug)]
pub(super) struct Piece<'a> {
    pub text: &'a str,
    pub clause: Option<Clause>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Co,
}

const LEAD_VERBS: &[&str] = &[
    "牵头", "负责", "主办", "主责", "承办", "落实", "实施", "执行",
];
const STRONG_LEAD_VERBS: &[&str] = &["牵头", "负责", "主办", "主责"];
const CO_VERBS: &[&str] = &["配合", "协助", "参与", "协办", "协同"];
/// Words between a name and its verb, stripped only once a verb was found.
const MODIFIERS: &[&str] = &[
    "按照职责分工",
    "根据职责分工",
    "按职责分工",
    "按照职责",
    "根据职责",
    "按职责",
    "分别",
    "共同",
    "具体",
    "各自",
    "组织",
    "抓好",
    "切实",
    "认真",
    "做好",
    "督促",
    "统筹",
    "积极",
    "密切",
    "全力",
];
/// Prefixes of an item; `true` makes the group co-responsible (会同 X 落实).
const PREFIXES: &[(&str, bool)] = &[
    ("并会同", true),
    ("会同", true),
    ("协同", true),
    ("并由", false),
    ("由", false),
];

/// Splits a line into texts and the clauses that close them. Handles full- and
/// half-width brackets, nested brackets in names (`各县(区)政府`), a clause that lost
/// its opening or closing bracket, a clause without brackets at the end of the line
/// (or making up the whole line), and labelled clauses. Linear in the line length.
pub(super) fn split_line(line: &str) -> Vec<Piece<'_>> {
    let mut spans: Vec<(usize, usize, Clause)> = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut seg_start = 0usize;
    let mut boundaries: Vec<usize> = Vec::new();
    for (i, c) in line.char_indices() {
        let after = i + c.len_utf8();
        if is_open(c) {
            stack.push((i, c.len_utf8()));
        } else if is_close(c) {
            match stack.pop() {
                Some((open, olen)) => {
                    // A group that is not a clause (`(区)`, `(2016年本)`) stays part
                    // of the text a lost-opener clause may start from.
                    if stack.is_empty()
                        && let Some(cl) = candidate(&line[open + olen..i])
                    {
                        spans.push((open, after, cl.with_text(&line[open..after])));
                        seg_start = after;
                    }
                }
                None => {
                    if let Some((start, cl)) = lost_opener(line, seg_start, i) {
                        spans.push((start, after, cl.with_text(&line[start..after])));
                    }
                    seg_start = after;
                }
            }
        } else if stack.is_empty() && is_sentence_end(c) {
            seg_start = after;
            boundaries.push(after);
        }
    }
    if let Some(&(open, olen)) = stack.first() {
        if let Some(cl) = candidate(&line[open + olen..]) {
            spans.push((open, line.len(), cl.with_text(trim(&line[open..]))));
        }
    } else if let Some(tail) = tail_clause(line, spans.last().map_or(0, |s| s.1), &boundaries) {
        spans.push(tail);
    }
    let mut pieces = Vec::with_capacity(spans.len() + 1);
    let mut prev = 0;
    for (start, end, clause) in spans {
        pieces.push(Piece {
            text: &line[prev..start],
            clause: Some(clause),
        });
        prev = end;
    }
    pieces.push(Piece {
        text: &line[prev..],
        clause: None,
    });
    pieces
}

/// Whether the line holds at least one responsibility clause.
pub(super) fn has_clause(line: &str) -> bool {
    split_line(line).iter().any(|p| p.clause.is_some())
}

impl Clause {
    fn with_text(mut self, text: &str) -> Clause {
        text.clone_into(&mut self.text);
        self
    }
}

fn candidate(inner: &str) -> Option<Clause> {
    if inner.len() > MAX_CLAUSE_BYTES {
        return None;
    }
    parse_clause(inner)
}

/// A clause whose opening bracket was lost: `…公开。市发改委牵头落实)`. The clause
/// starts after the last sentence end, or after one of the last separators.
fn lost_opener(line: &str, seg_start: usize, close: usize) -> Option<(usize, Clause)> {
    let mut region_start = seg_start;
    if close - region_start > MAX_CLAUSE_BYTES {
        region_start = close - MAX_CLAUSE_BYTES;
        while !line.is_char_boundary(region_start) {
            region_start += 1;
        }
    }
    let region = &line[region_start..close];
    let mut starts = vec![0usize];
    let mut depth = 0usize;
    for (i, c) in region.char_indices() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '，' | ',' | '；' | ';' | ' ' | '\u{3000}') {
            starts.push(i + c.len_utf8());
        }
    }
    let first_try = starts.len().saturating_sub(MAX_SUFFIX_TRIES);
    for &s in &starts[first_try..] {
        let text = &region[s..];
        let lead_blank = text.len() - text.trim_start_matches(is_blank).len();
        if let Some(cl) = parse_clause(text) {
            return Some((region_start + s + lead_blank, cl));
        }
    }
    None
}

/// A clause without brackets at the end of the line: the last sentence, or labelled
/// text (`牵头单位：…；配合单位：…`).
fn tail_clause(
    line: &str,
    last_end: usize,
    boundaries: &[usize],
) -> Option<(usize, usize, Clause)> {
    let end = line
        .trim_end_matches(|c: char| is_blank(c) || matches!(c, '。' | '；' | ';' | '.'))
        .len();
    if end <= last_end {
        return None;
    }
    // Labelled clauses may span several sentences: start at the first label.
    if let Some(m) = LABEL.find(&line[last_end..end]) {
        let p = last_end + m.start();
        let before = trim(&line[last_end..p]);
        let at_start = before.is_empty()
            || before
                .chars()
                .next_back()
                .is_some_and(|c| is_sentence_end(c) || matches!(c, '，' | ',' | '.'));
        if at_start
            && end - p <= MAX_CLAUSE_BYTES
            && let Some(cl) = labelled(&line[p..end])
        {
            return Some((p, end, cl.with_text(&line[p..end])));
        }
    }
    let start = boundaries
        .iter()
        .rev()
        .find(|b| **b <= end)
        .copied()
        .unwrap_or(0)
        .max(last_end);
    let region = &line[start..end];
    if region.len() > MAX_CLAUSE_BYTES {
        return None;
    }
    let lead_blank = region.len() - region.trim_start_matches(is_blank).len();
    let cl = parse_clause(region)?;
    let start = start + lead_blank;
    Some((start, end, cl.with_text(&line[start..end])))
}

/// Parses the inside of a clause: `市环保局牵头,会同市水利局、市卫生计生局落实`.
pub(super) fn parse_clause(inner: &str) -> Option<Clause> {
    let s = trim(trim(inner).trim_end_matches(['。', '.', '；', ';', '，', ',']));
    if s.is_empty() || s.len() > MAX_CLAUSE_BYTES {
        return None;
    }
    if LABEL.find(s).is_some_and(|m| m.start() == 0) {
        return labelled(s);
    }
    let mut lead = Vec::new();
    let mut co = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut pending_co = false;
    let mut any_role = false;
    for item in split_items(s) {
        let mut t = trim(item);
        if t.is_empty() {
            continue;
        }
        for (p, is_co) in PREFIXES {
            if let Some(rest) = t.strip_prefix(p) {
                t = trim(rest);
                pending_co |= *is_co;
                break;
            }
        }
        let (name, role) = strip_role(t);
        pending.extend(expand_names(name)?);
        if let Some(role) = role {
            any_role = true;
            if pending_co || role == Role::Co {
                co.append(&mut pending);
            } else {
                lead.append(&mut pending);
            }
            pending_co = false;
        }
    }
    if !any_role {
        return None;
    }
    if pending_co || !lead.is_empty() {
        co.append(&mut pending);
    } else {
        lead.append(&mut pending);
    }
    finish(lead, co, None, false)
}

fn finish(
    mut lead: Vec<String>,
    mut co: Vec<String>,
    deadline: Option<String>,
    labelled: bool,
) -> Option<Clause> {
    dedup(&mut lead);
    dedup(&mut co);
    co.retain(|n| !lead.contains(n));
    if lead.is_empty() && co.is_empty() && deadline.is_none() {
        return None;
    }
    Some(Clause {
        text: String::new(),
        lead,
        co,
        deadline,
        labelled,
    })
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = Vec::with_capacity(names.len());
    names.retain(|n| {
        if seen.contains(n) {
            false
        } else {
            seen.push(n.clone());
            true
        }
    });
}

/// Labelled clauses of table layouts: `牵头单位：市发改委；配合单位：市财政局、市统计局`,
/// `责任单位：市发改委（牵头）、市财政局`, `完成时限：6月底前`.
fn labelled(s: &str) -> Option<Clause> {
    let found: Vec<(usize, usize, &str)> = LABEL
        .captures_iter(s)
        .filter_map(|c| {
            let all = c.get(0)?;
            Some((all.start(), all.end(), c.get(1)?.as_str()))
        })
        .collect();
    if found.first().is_none_or(|f| f.0 != 0) {
        return None;
    }
    let mut lead = Vec::new();
    let mut co = Vec::new();
    let mut deadline = None;
    for (k, &(_, seg_start, label)) in found.iter().enumerate() {
        let seg_end = found.get(k + 1).map_or(s.len(), |n| n.0);
        let seg =
            trim(s[seg_start..seg_end].trim_matches(|c: char| {
                is_blank(c) || matches!(c, '；' | ';' | '，' | ',' | '。')
            }));
        if seg.is_empty() {
            continue;
        }
        match label {
            "牵头单位" | "牵头部门" => {
                for item in split_items(seg) {
                    lead.extend(lenient_names(strip_role(trim(item)).0));
                }
            }
            "配合单位" | "配合部门" | "参与单位" | "协同单位" | "协助单位" => {
                for item in split_items(seg) {
                    co.extend(lenient_names(strip_role(trim(item)).0));
                }
            }
            "责任单位" | "责任部门" | "主责单位" | "主责部门" | "负责单位" | "落实单位" =>
            {
                let mut marked = Vec::new();
                let mut others = Vec::new();
                for item in split_items(seg) {
                    let t = trim(item);
                    match t
                        .strip_suffix("(牵头)")
                        .or_else(|| t.strip_suffix("（牵头）"))
                    {
                        Some(name) => marked.extend(lenient_names(strip_role(trim(name)).0)),
                        None => others.extend(lenient_names(strip_role(t).0)),
                    }
                }
                if marked.is_empty() {
                    lead.append(&mut others);
                } else {
                    lead.append(&mut marked);
                    co.append(&mut others);
                }
            }
            _ => deadline = Some(seg.to_owned()),
        }
    }
    finish(lead, co, deadline, true)
}

/// Splits a list on 、,，;； outside brackets, and before 会同.
fn split_items(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 {
            if matches!(c, '、' | ',' | '，' | ';' | '；') {
                items.push(&s[start..i]);
                start = i + c.len_utf8();
            } else if i > start
                && (s[i..].starts_with("并会同")
                    || (s[i..].starts_with("会同") && !s[start..i].ends_with('并')))
            {
                items.push(&s[start..i]);
                start = i;
            }
        }
    }
    items.push(&s[start..]);
    items
}

/// Strips the verb (and its modifiers) from the end of an item:
/// `市发改委分别牵头落实` → (`市发改委`, lead).
fn strip_role(item: &str) -> (&str, Option<Role>) {
    let mut s = trim(item);
    let mut verbs: Vec<&str> = Vec::new();
    loop {
        if let Some(v) = LEAD_VERBS.iter().chain(CO_VERBS).find(|v| s.ends_with(*v)) {
            s = trim(&s[..s.len() - v.len()]);
            verbs.push(v);
            continue;
        }
        if !verbs.is_empty()
            && let Some(m) = MODIFIERS.iter().find(|m| s.ends_with(*m))
        {
            s = trim(&s[..s.len() - m.len()]);
            continue;
        }
        break;
    }
    let role = if verbs.iter().any(|v| STRONG_LEAD_VERBS.contains(v)) {
        Some(Role::Lead)
    } else if verbs.iter().any(|v| CO_VERBS.contains(v)) {
        Some(Role::Co)
    } else if verbs.is_empty() {
        None
    } else {
        Some(Role::Lead)
    };
    (s, role)
}

/// The bodies named by one item: `市科技局等相关部门` → [市科技局, 相关部门];
/// `市财政局和市审计局` → both; `None` when the item does not name bodies.
fn expand_names(raw: &str) -> Option<Vec<String>> {
    let name = normalize_name(raw);
    if name.is_empty() {
        return Some(Vec::new());
    }
    if let Some(i) = name.find('等') {
        let (before, after) = (&name[..i], &name[i + '等'.len_utf8()..]);
        if is_body_name(before) {
            let mut names = split_conjunction(before)?;
            names.push(collective_after_deng(after));
            return Some(names);
        }
    }
    split_conjunction(&name)
}

/// `相关部门` for `等相关部门`, `相关单位` for `等单位`, `相关部门` for a bare `等`.
fn collective_after_deng(after: &str) -> String {
    let after = trim(after);
    let name = if after.is_empty() {
        return "相关部门".to_owned();
    } else if ["相关", "有关", "其他", "其它", "各", "市", "县", "区", "省"]
        .iter()
        .any(|p| after.starts_with(p))
    {
        after.to_owned()
    } else {
        format!("相关{after}")
    };
    if is_body_name(&name) {
        name
    } else {
        "相关部门".to_owned()
    }
}

/// `市财政局和市审计局` → two names, but `市人力资源和社会保障局` stays one.
fn split_conjunction(name: &str) -> Option<Vec<String>> {
    if !is_body_name(name) {
        return None;
    }
    let replaced = name.replace("以及", "及");
    let parts: Vec<&str> = replaced.split(['和', '及', '与']).collect();
    if parts.len() > 1 && parts.iter().all(|p| is_body_name(p)) {
        return Some(parts.iter().map(|p| (*p).to_owned()).collect());
    }
    Some(vec![name.to_owned()])
}

/// Names in labelled clauses are trusted more: anything short without sentence punctuation.
fn lenient_names(raw: &str) -> Vec<String> {
    if let Some(names) = expand_names(raw) {
        return names;
    }
    let name = normalize_name(raw);
    let n = name.chars().count();
    if (1..=40).contains(&n) && !name.contains(['。', '：', ':']) {
        vec![name]
    } else {
        Vec::new()
    }
}

/// Whether a string looks like the name of a body or a collective of bodies.
pub(super) fn is_body_name(name: &str) -> bool {
    let n = name.chars().count();
    if !(2..=30).contains(&n) {
        return false;
    }
    let mut depth = 0i32;
    for c in name.chars() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        } else if is_blank(c) || "。，,：:；;！!？?“”\"'《》<>〔〕[]【】…—".contains(c)
        {
            return false;
        }
    }
    depth == 0 && has_body_suffix(name) && !has_sentence_word(name)
}

/// Words of a sentence rather than a name (`市政府办公室要督促各部门`, `统一由…`);
/// compounds found in real names (应急管理局, 自由贸易试验区) are allowed.
fn has_sentence_word(name: &str) -> bool {
    let mut rest = name.to_owned();
    for allowed in ["应急", "供应", "自由", "要素"] {
        rest = rest.replace(allowed, "");
    }
    rest.contains(|c| "的要将应把被了是由请须需并".contains(c))
}

#[cfg(test)]
mod tests {
    use super::super::text::repair;
    use super::*;

    /// The single clause found in `line` (after the line repairs), as (lead, co).
    fn check(line: &str, lead: &[&str], co: &[&str]) {
        let line = repair(line);
        let pieces = split_line(&line);
        let clauses: Vec<&Clause> = pieces.iter().filter_map(|p| p.clause.as_ref()).collect();
        assert_eq!(clauses.len(), 1, "{line:?}: {pieces:?}");
        assert_eq!(
            (clauses[0].lead.clone(), clauses[0].co.clone()),
            (
                lead.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                co.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
            ),
            "{line:?}"
        );
    }

    fn check_none(line: &str) {
        let pieces = split_line(line);
        assert!(
            pieces.iter().all(|p| p.clause.is_none()),
            "{line:?}: {pieces:?}"
        );
    }

    const COLLECTIVE: &[&str] = &["各县(区)政府", "各功能区管委会", "市属各单位"];

    #[test]
    fn seed_shapes() {
        check("(市发改委牵头落实)", &["市发改委"], &[]);
        check(
            "(市编委办、市审招委牵头落实)",
            &["市编委办", "市审招委"],
            &[],
        );
        check(
            "(市法制办、市综合行政执法局、市市场监管局、市海洋与渔业局、市旅游委、市文广新闻出版局、市安监局、市科技局等相关部门负责落实)",
            &[
                "市法制办",
                "市综合行政执法局",
                "市市场监管局",
                "市海洋与渔业局",
                "市旅游委",
                "市文广新闻出版局",
                "市安监局",
                "市科技局",
                "相关部门",
            ],
            &[],
        );
        check(
            "(市环保局牵头,会同市水利局、市卫生计生局落实)",
            &["市环保局"],
            &["市水利局", "市卫生计生局"],
        );
        check(
            "(各县(区)政府、各功能区管委会、市属各单位负责落实)",
            COLLECTIVE,
            &[],
        );
        check(
            "(各县<>政府、各功能区管委会、市属各单位负责落实)",
            COLLECTIVE,
            &[],
        );
        check("(市属相关部门负责落实)", &["市属相关部门"], &[]);
        check(
            "(市住建局、市住房公积金管理中心、市农林与渔农村委牵头落实)",
            &["市住建局", "市住房公积金管理中心", "市农林与渔农村委"],
            &[],
        );
        check(
            "完善市级公共资源交易服务平台。      (市审招委、市住建局牵头落实)",
            &["市审招委", "市住建局"],
            &[],
        );
    }

    #[test]
    fn other_shapes() {
        check(
            "（由市财政局牵头，市审计局配合）",
            &["市财政局"],
            &["市审计局"],
        );
        check(
            "市发改委、市财政局分别牵头落实",
            &["市发改委", "市财政局"],
            &[],
        );
        check(
            "市发改委、市财政局分别负责落实。",
            &["市发改委", "市财政局"],
            &[],
        );
        check(
            "（市发改委，市财政局牵头落实）",
            &["市发改委", "市财政局"],
            &[],
        );
        check("（各县（区）政府负责落实）", &["各县(区)政府"], &[]);
        check(
            "（市司法局牵头，各区政府、市直各部门配合）",
            &["市司法局"],
            &["各区政府", "市直各部门"],
        );
        check(
            "(市民政局牵头会同市财政局落实)",
            &["市民政局"],
            &["市财政局"],
        );
        check(
            "(市民政局牵头,并会同市财政局落实)",
            &["市民政局"],
            &["市财政局"],
        );
        check("(市财政局和市审计局负责)", &["市财政局", "市审计局"], &[]);
        check(
            "(市人力资源和社会保障局牵头落实)",
            &["市人力资源和社会保障局"],
            &[],
        );
        check("(市科技局等部门负责)", &["市科技局", "相关部门"], &[]);
        check("(市科技局等单位负责)", &["市科技局", "相关单位"], &[]);
        check("(市科技局等负责)", &["市科技局", "相关部门"], &[]);
        check(
            "(市政府办公室负责,市级有关部门配合落实)",
            &["市政府办公室"],
            &["市级有关部门"],
        );
        check(
            "(市发改委牵头,市财政局、市统计局)",
            &["市发改委"],
            &["市财政局", "市统计局"],
        );
        check("(市发改委组织实施)", &["市发改委"], &[]);
        check("(市发改委按职责分工负责)", &["市发改委"], &[]);
        check("(市财政局配合)", &[], &["市财政局"]);
        check(
            "（牵头单位：市发改委；配合单位：市财政局、市统计局）",
            &["市发改委"],
            &["市财政局", "市统计局"],
        );
        check(
            "责任单位：市发改委（牵头）、市财政局",
            &["市发改委"],
            &["市财政局"],
        );
        check(
            "责任单位：市发改委、市财政局",
            &["市发改委", "市财政局"],
            &[],
        );
        check(
            "推进政务公开。牵头单位：市政府办公室。配合单位：市大数据局",
            &["市政府办公室"],
            &["市大数据局"],
        );
    }

    #[test]
    fn lost_brackets_and_placement() {
        check("做好公开工作。市发改委牵头落实)", &["市发改委"], &[]);
        check("做好公开工作。(市发改委牵头落实", &["市发改委"], &[]);
        check("做好公开工作,市发改委牵头落实)", &["市发改委"], &[]);
        check("做好公开工作。市发改委牵头落实", &["市发改委"], &[]);
        check("做好公开工作。（市发改委牵头落实）。", &["市发改委"], &[]);
        check("(各县(区)政府负责落实", &["各县(区)政府"], &[]);
        check("各县(区)政府负责落实)", &["各县(区)政府"], &[]);

        let line = "做好甲工作。(市发改委牵头落实)做好乙工作。(市财政局牵头落实)做好丙工作。";
        let pieces = split_line(line);
        let shape: Vec<(&str, Option<Vec<String>>)> = pieces
            .iter()
            .map(|p| (p.text, p.clause.as_ref().map(|c| c.lead.clone())))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("做好甲工作。", Some(vec!["市发改委".to_owned()])),
                ("做好乙工作。", Some(vec!["市财政局".to_owned()])),
                ("做好丙工作。", None),
            ]
        );
        assert_eq!(
            pieces[0].clause.as_ref().map(|c| c.text.as_str()),
            Some("(市发改委牵头落实)")
        );
    }

    #[test]
    fn not_clauses() {
        for line in [
            "重新编制发布《舟山市政府核准的投资项目目录(2016年本)》。",
            "推动政府与社会资本合作(PPP)项目的信息公开。",
            "以及市级政府定价(或指导价)的涉企经营服务收费目录清单",
            "权利救济(诉讼、复议)渠道等内容。",
            "重点推进预决算(包括“三公”经费预决算)公开",
            "在政府网站(政策解读栏目)等发布。",
            "(由主要负责人负责)",
            "(认真落实)",
            "(各地要认真落实)",
            "出台《实施意见(试行)》",
            "要按照《通知》(国办发〔201619号)要求,年内予以纳入,所占分值权重不应低于4%",
            "市政府办公室将对本要点落实情况进行督查,并视条件开展第三方测评。",
            "各单位要抓好落实。",
            "确保各项任务落实到位。",
            "统一由市政府办公室负责。",
            "社区(村)网上行政服务多级联动新机制。",
            "",
            "(",
            ")",
            "()",
            "（）。",
            "牵头单位：",
        ] {
            check_none(line);
        }
    }

    #[test]
    fn labelled_deadline() {
        let pieces = split_line("完成时限：2023年6月底前");
        let c = pieces[0].clause.as_ref().unwrap();
        assert_eq!(c.deadline.as_deref(), Some("2023年6月底前"));
        assert!(c.labelled && c.lead.is_empty());
    }

    #[test]
    fn names() {
        for good in [
            "市发改委",
            "各县(区)政府",
            "市属各单位",
            "相关部门",
            "各地",
            "舟山海关",
            "市科协",
            "市融媒体中心",
        ] {
            assert!(is_body_name(good), "{good}");
        }
        for bad in [
            "各",
            "市",
            "主要负责人",
            "各地要",
            "市政府办公室统一",
            "市(局",
            "2016年本",
            "诉讼",
        ] {
            assert!(!is_body_name(bad), "{bad}");
        }
    }
}
