//! From a parsed plan to the registry: which bodies a clause names (名称匹配), a task's due date,
//! and its status as shown (逾期 when late).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DeadlineHint, DeadlineKind};
use crate::org::BodyKind;

/// A body of the registry as the resolver sees it.
#[derive(Debug, Clone)]
pub struct RegistryBody {
    pub id: i64,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: BodyKind,
    pub parent_id: Option<i64>,
}

/// What a name in a clause refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// One body, or the bodies a collective name (各县(区)政府) stands for.
    Bodies(Vec<i64>),
    /// Nothing in the registry or the remembered mappings: the office must map it once.
    Unknown,
}

/// Spelling differences that do not change the name: spaces, bracket widths, 人民政府 vs 政府.
fn canonical(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect::<String>()
        .replace("人民政府", "政府")
}

/// The collective names of plans and the kind of body each stands for. `市属` collectives mean
/// the departments directly under the city.
fn collective_kind(name: &str) -> Option<(BodyKind, bool)> {
    let n = canonical(name);
    let has = |w: &str| n.contains(w);
    if has("各县") || has("各区") || has("县(区)") || has("县区政府") {
        Some((BodyKind::District, false))
    } else if has("功能区") {
        Some((BodyKind::FunctionalZone, false))
    } else if has("乡镇") || has("街道") {
        Some((BodyKind::Town, false))
    } else if has("各部门") || has("各单位") || has("直属") {
        Some((BodyKind::Department, true))
    } else {
        None
    }
}

/// Whether a name is only a vague reference (相关部门, 有关单位, 市属相关部门): it names no body,
/// so it neither expands nor needs mapping; the office assigns such tasks by hand if needed.
pub fn is_vague(name: &str) -> bool {
    let n = canonical(name);
    (n.contains("相关") || n.contains("有关")) && !n.contains('各')
}

/// Resolves one name written in a clause. Remembered mappings win, then exact names and short
/// names (with or without the leading 市), then collective names.
pub fn resolve_name(
    name: &str,
    registry: &[RegistryBody],
    mappings: &HashMap<String, Vec<i64>>,
) -> Resolution {
    let key = canonical(name);
    if let Some(ids) = mappings.get(&key) {
        return Resolution::Bodies(ids.clone());
    }
    if is_vague(name) {
        return Resolution::Bodies(vec![]);
    }
    let stripped = key.strip_prefix('市').unwrap_or(&key);
    let exact: Vec<i64> = registry
        .iter()
        .filter(|b| {
            std::iter::once(&b.name).chain(&b.short_names).any(|n| {
                let c = canonical(n);
                c == key || c.strip_prefix('市').is_some_and(|s| s == stripped)
            })
        })
        .map(|b| b.id)
        .collect();
    if !exact.is_empty() {
        return Resolution::Bodies(exact);
    }
    if let Some((kind, under_root)) = collective_kind(name) {
        let root = registry
            .iter()
            .find(|b| b.kind == BodyKind::City)
            .map(|b| b.id);
        let ids: Vec<i64> = registry
            .iter()
            .filter(|b| b.kind == kind && (!under_root || b.parent_id == root))
            .map(|b| b.id)
            .collect();
        if !ids.is_empty() {
            return Resolution::Bodies(ids);
        }
    }
    Resolution::Unknown
}

/// A task's due date: the date its text gives, else the end of the plan year (plans ask for the
/// year-end implementation report, 年底前报送落实情况).
pub fn due_date(hint: Option<&DeadlineHint>, plan_year: i32) -> Option<NaiveDate> {
    match hint.map(|h| &h.kind) {
        Some(DeadlineKind::Date(d)) => Some(*d),
        _ => NaiveDate::from_ymd_opt(plan_year, 12, 31),
    }
}

str_enum! {
    /// Progress of a plan task (任务状态).
    pub enum TaskStatus {
        NotStarted => "not_started", "未开始";
        InProgress => "in_progress", "进行中";
        Done => "done", "已完成";
    }
}

impl TaskStatus {
    /// The status shown on the board: 逾期 when not done after the due date.
    pub fn shown(self, due: Option<NaiveDate>, today: NaiveDate) -> (&'static str, &'static str) {
        match self {
            TaskStatus::Done => ("done", "已完成"),
            _ if due.is_some_and(|d| today > d) => ("overdue", "逾期"),
            s => (s.as_str(), s.label_zh()),
        }
    }

    /// The status a progress report moves a task to (the office alone marks a task done).
    pub fn after_report(self, percent: u8) -> TaskStatus {
        match self {
            TaskStatus::Done => TaskStatus::Done,
            _ if percent > 0 => TaskStatus::InProgress,
            s => s,
        }
    }
}

/// The share of done tasks in whole percent, rounded to the nearest (0 for none), but never
/// 100 before all are done nor 0 once one is: 199 of 200 is 99 %, 1 of 300 is 1 %.
pub fn completion(done: usize, total: usize) -> u32 {
    if total == 0 {
        return 0;
    }
    let done = done.min(total);
    let rounded = (done * 200 + total) / (2 * total);
    let bounded = match done {
        0 => 0,
        d if d == total => 100,
        _ => rounded.clamp(1, 99),
    };
    u32::try_from(bounded).unwrap_or(100)
}

/// The role of a body in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// 牵头/负责.
    Lead,
    /// 配合/会同.
    Co,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Vec<RegistryBody> {
        let b = |id, name: &str, short: &[&str], kind, parent| RegistryBody {
            id,
            name: name.into(),
            short_names: short.iter().map(|s| (*s).to_owned()).collect(),
            kind,
            parent_id: parent,
        };
        vec![
            b(1, "海州市人民政府", &["市政府"], BodyKind::City, None),
            b(
                2,
                "海州市发展和改革委员会",
                &["市发改委", "发改委"],
                BodyKind::Department,
                Some(1),
            ),
            b(
                3,
                "海州市财政局",
                &["市财政局"],
                BodyKind::Department,
                Some(1),
            ),
            b(
                4,
                "海州市东港区人民政府",
                &["东港区政府"],
                BodyKind::District,
                Some(1),
            ),
            b(
                5,
                "云岙县人民政府",
                &["云岙县政府"],
                BodyKind::District,
                Some(1),
            ),
            b(
                6,
                "海州新区管理委员会",
                &["新区管委会"],
                BodyKind::FunctionalZone,
                Some(1),
            ),
            b(7, "东港区财政局", &[], BodyKind::Department, Some(4)),
            b(8, "东港区某街道办事处", &[], BodyKind::Town, Some(4)),
        ]
    }

    fn check(name: &str, expected: Resolution) {
        let got = resolve_name(name, &registry(), &HashMap::new());
        assert_eq!(got, expected, "{name}");
    }

    #[test]
    fn names_aliases_and_collectives() {
        use Resolution::*;
        check("市发改委", Bodies(vec![2]));
        check("发改委", Bodies(vec![2]));
        check("海州市发展和改革委员会", Bodies(vec![2]));
        check("市财政局", Bodies(vec![3]));
        check("财政局", Bodies(vec![3]));
        check("各县(区)政府", Bodies(vec![4, 5]));
        check("各县（区）人民政府", Bodies(vec![4, 5]));
        check("各功能区管委会", Bodies(vec![6]));
        check("市属各单位", Bodies(vec![2, 3]));
        check("市政府直属各单位", Bodies(vec![2, 3]));
        check("相关部门", Bodies(vec![]));
        check("市属相关部门", Bodies(vec![]));
        check("各乡镇(街道)", Bodies(vec![8]));
        check("市外事办", Unknown);
    }

    #[test]
    fn remembered_mappings_win() {
        let mut m = HashMap::new();
        m.insert("市外事办".to_owned(), vec![1]);
        assert_eq!(
            resolve_name("市外事办", &registry(), &m),
            Resolution::Bodies(vec![1])
        );
        assert_eq!(
            resolve_name(" 市外事办 ", &registry(), &m),
            Resolution::Bodies(vec![1])
        );
    }

    #[test]
    fn due_dates_and_shown_status() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let hint = |kind| DeadlineHint {
            kind,
            text: String::new(),
        };
        assert_eq!(due_date(None, 2016), d(2016, 12, 31));
        assert_eq!(
            due_date(Some(&hint(DeadlineKind::YearEnd)), 2016),
            d(2016, 12, 31)
        );
        let june = d(2016, 6, 30).expect("date");
        assert_eq!(
            due_date(Some(&hint(DeadlineKind::Date(june))), 2016),
            Some(june)
        );
        let today = d(2016, 7, 1).expect("date");
        assert_eq!(TaskStatus::InProgress.shown(Some(june), today).0, "overdue");
        assert_eq!(TaskStatus::Done.shown(Some(june), today).0, "done");
        assert_eq!(
            TaskStatus::NotStarted.shown(d(2016, 12, 31), today).1,
            "未开始"
        );
        assert_eq!(
            TaskStatus::NotStarted.after_report(30),
            TaskStatus::InProgress
        );
        assert_eq!(TaskStatus::Done.after_report(0), TaskStatus::Done);
        assert_eq!(completion(1, 3), 33);
        assert_eq!(completion(0, 0), 0);
        assert_eq!(completion(1, 6), 17, "rounded, not cut");
        assert_eq!(completion(2, 3), 67);
        assert_eq!(completion(1, 2), 50);
        assert_eq!(completion(199, 200), 99, "not done is never 100");
        assert_eq!(completion(1, 300), 1, "one done is never 0");
        assert_eq!(completion(0, 7), 0);
        assert_eq!(completion(7, 7), 100);
        assert_eq!(completion(9, 7), 100);
    }
}
