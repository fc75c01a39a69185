//! Tables 三 and 四 of the annual report (政府信息公开工作年度报告), in the format of
//! 国办公开办函〔2021〕30号 (`rules/annual-report.md`).
//!
//! Table 三 (收到和处理政府信息公开申请情况) counts applications by requester type (six
//! columns and 总计): 一 received in the year, 二 carried over from the previous year, 三
//! the outcomes of those concluded in the year, 四 those still open at the year's end.
//! For every column 一 + 二 = 三（七）总计 + 四.
//!
//! Table 四 (行政复议、行政诉讼情况) counts the review cases of the year by kind and result.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::outcome::{OutcomeGroup, ReplyOutcome};
use super::types::RequesterType;

/// Columns of table 三: the six requester types and 总计.
pub const TABLE3_COLUMNS: usize = 7;
/// Index of the 总计 column of table 三.
pub const TOTAL_COLUMN: usize = 6;

/// One application as table 三 sees it (年报统计记录).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportRecord {
    pub requester: RequesterType,
    /// Received in a previous year and still open on 1 January (row 二); otherwise
    /// received in the report year (row 一).
    pub carried_over: bool,
    /// The outcome if concluded in the report year; `None` = still open at the year's
    /// end (row 四).
    pub outcome: Option<ReplyOutcome>,
}

impl ReportRecord {
    /// The record of an application for the report on `year`, or `None` if the
    /// application does not belong to that year's table (received later, or concluded
    /// before the year began). `concluded` is the day the reply was sent or the
    /// application closed, with its outcome.
    pub fn for_year(
        year: i32,
        requester: RequesterType,
        received_on: NaiveDate,
        concluded: Option<(NaiveDate, ReplyOutcome)>,
    ) -> Option<ReportRecord> {
        if received_on.year() > year {
            return None;
        }
        let outcome = match concluded {
            Some((on, _)) if on.year() < year => return None,
            Some((on, outcome)) if on.year() == year => Some(outcome),
            _ => None,
        };
        Some(ReportRecord {
            requester,
            carried_over: received_on.year() < year,
            outcome,
        })
    }
}

/// Table 三 of the annual report (收到和处理政府信息公开申请情况). The stored rows are
/// 一, 二, every leaf outcome and 四; the group rows and （七）总计 are sums. Columns are
/// [`RequesterType::report_column`], then [`TOTAL_COLUMN`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table3 {
    /// 一、本年新收政府信息公开申请数量.
    pub received: [i64; TABLE3_COLUMNS],
    /// 二、上年结转政府信息公开申请数量.
    pub carried_over: [i64; TABLE3_COLUMNS],
    /// 三、本年度办理结果: one row per leaf outcome, in [`ReplyOutcome::ALL`] order.
    pub outcomes: [[i64; TABLE3_COLUMNS]; ReplyOutcome::ALL.len()],
    /// 四、结转下年度继续办理.
    pub carried_forward: [i64; TABLE3_COLUMNS],
}

fn add_rows(a: [i64; TABLE3_COLUMNS], b: [i64; TABLE3_COLUMNS]) -> [i64; TABLE3_COLUMNS] {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        *o = o.saturating_add(x);
    }
    out
}

impl Table3 {
    pub const ROW_RECEIVED_ZH: &'static str = "一、本年新收政府信息公开申请数量";
    pub const ROW_CARRIED_OVER_ZH: &'static str = "二、上年结转政府信息公开申请数量";
    /// Heading of section 三 (no figures), rendered before `rows()[2]`.
    pub const RESULTS_HEADING_ZH: &'static str = "三、本年度办理结果";
    pub const ROW_TOTAL_ZH: &'static str = "（七）总计";
    pub const ROW_CARRIED_FORWARD_ZH: &'static str = "四、结转下年度继续办理";
    /// Column headings; the five after 自然人 sit under [`Table3::ORGANISATIONS_ZH`].
    pub const COLUMNS_ZH: [&'static str; TABLE3_COLUMNS] = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];
    pub const ORGANISATIONS_ZH: &'static str = "法人或其他组织";
    /// Text of the table's corner cell.
    pub const CORNER_ZH: &'static str =
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

    /// Counts the records of one body and year.
    pub fn compute(records: &[ReportRecord]) -> Table3 {
        let mut t = Table3::default();
        for r in records {
            let col = r.requester.report_column();
            let first = if r.carried_over {
                &mut t.carried_over
            } else {
                &mut t.received
            };
            first[col] += 1;
            first[TOTAL_COLUMN] += 1;
            let second = match r.outcome {
                Some(o) => &mut t.outcomes[o as usize],
                None => &mut t.carried_forward,
            };
            second[col] += 1;
            second[TOTAL_COLUMN] += 1;
        }
        t
    }

    /// The row of one outcome.
    pub fn outcome(&self, outcome: ReplyOutcome) -> [i64; TABLE3_COLUMNS] {
        self.outcomes[outcome as usize]
    }

    /// The row of a group （一）…（六）: the sum of its outcomes.
    pub fn group(&self, group: OutcomeGroup) -> [i64; TABLE3_COLUMNS] {
        group
            .outcomes()
            .fold([0; TABLE3_COLUMNS], |acc, o| add_rows(acc, self.outcome(o)))
    }

    /// Row （七）总计: all outcomes of the year.
    pub fn concluded(&self) -> [i64; TABLE3_COLUMNS] {
        self.outcomes
            .iter()
            .fold([0; TABLE3_COLUMNS], |acc, row| add_rows(acc, *row))
    }

    /// Every row with figures, in report order, with its label: 一, 二, （一）, （二）,
    /// （三） and its eight rows, （四） and its three, （五） and its five, （六） and its
    /// three, （七）总计, 四 (29 rows; [`ReplyOutcome::report_row`] indexes them).
    pub fn rows(&self) -> Vec<(String, [i64; TABLE3_COLUMNS])> {
        let mut rows = vec![
            (Self::ROW_RECEIVED_ZH.to_owned(), self.received),
            (Self::ROW_CARRIED_OVER_ZH.to_owned(), self.carried_over),
        ];
        for group in OutcomeGroup::ALL {
            rows.push((group.row_label_zh().to_owned(), self.group(group)));
            if !group.is_single_row() {
                rows.extend(
                    group
                        .outcomes()
                        .map(|o| (o.row_label_zh(), self.outcome(o))),
                );
            }
        }
        rows.push((Self::ROW_TOTAL_ZH.to_owned(), self.concluded()));
        rows.push((
            Self::ROW_CARRIED_FORWARD_ZH.to_owned(),
            self.carried_forward,
        ));
        rows
    }

    /// The stored rows (not sums of other rows), with their labels.
    fn stored_rows(&self) -> Vec<(String, [i64; TABLE3_COLUMNS])> {
        let mut rows = vec![
            (Self::ROW_RECEIVED_ZH.to_owned(), self.received),
            (Self::ROW_CARRIED_OVER_ZH.to_owned(), self.carried_over),
        ];
        rows.extend(
            ReplyOutcome::ALL
                .into_iter()
                .map(|o| (o.row_label_zh(), self.outcome(o))),
        );
        rows.push((
            Self::ROW_CARRIED_FORWARD_ZH.to_owned(),
            self.carried_forward,
        ));
        rows
    }

    /// Checks the table (勾稽关系), with a Chinese message per defect: no negative figure,
    /// 总计 is the sum of the six columns in every row, and in every column
    /// 一 + 二 = 三（七） + 四. A computed table always passes; a table typed in or
    /// edited may not.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        for (label, cells) in self.stored_rows() {
            for (col, v) in cells.iter().enumerate() {
                if *v < 0 {
                    errs.push(format!(
                        "“{label}”行“{}”列为负数（{v}）",
                        Self::COLUMNS_ZH[col]
                    ));
                }
            }
            let sum: i128 = cells[..TOTAL_COLUMN].iter().map(|v| i128::from(*v)).sum();
            if sum != i128::from(cells[TOTAL_COLUMN]) {
                errs.push(format!(
                    "“{label}”行：总计（{}）不等于各列之和（{sum}）",
                    cells[TOTAL_COLUMN]
                ));
            }
        }
        for col in 0..TABLE3_COLUMNS {
            let total: i128 = self.outcomes.iter().map(|row| i128::from(row[col])).sum();
            let left = i128::from(self.received[col]) + i128::from(self.carried_over[col]);
            let right = total + i128::from(self.carried_forward[col]);
            if left != right {
                errs.push(format!(
                    "“{}”列：第一项加第二项之和（{left}）不等于第三项加第四项之和（{right}）",
                    Self::COLUMNS_ZH[col]
                ));
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

str_enum! {
    /// Kind of review of a disclosure decision (复议诉讼类别), the three groups of table 四.
    pub enum ReviewKind {
        /// 行政复议.
        Reconsideration => "reconsideration", "行政复议";
        /// 行政诉讼, 未经复议直接起诉.
        LitigationDirect => "litigation_direct", "未经复议直接起诉";
        /// 行政诉讼, 复议后起诉.
        LitigationAfterReconsideration => "litigation_after_reconsideration", "复议后起诉";
    }
}

impl ReviewKind {
    /// Whether the case is a lawsuit (行政诉讼).
    pub const fn is_litigation(self) -> bool {
        !matches!(self, ReviewKind::Reconsideration)
    }

    /// Heading of the group in table 四, e.g. `行政诉讼：复议后起诉`.
    pub const fn heading_zh(self) -> &'static str {
        match self {
            ReviewKind::Reconsideration => "行政复议",
            ReviewKind::LitigationDirect => "行政诉讼：未经复议直接起诉",
            ReviewKind::LitigationAfterReconsideration => "行政诉讼：复议后起诉",
        }
    }
}

str_enum! {
    /// Result of a review case (复议诉讼结果) as table 四 counts it.
    pub enum ReviewResult {
        Upheld => "upheld", "结果维持";
        Corrected => "corrected", "结果纠正";
        Other => "other", "其他结果";
        /// Not decided by the year's end.
        Pending => "pending", "尚未审结";
    }
}

/// A case as recorded on an application: what it is, how it ended, when (复议诉讼记录).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRecord {
    pub kind: ReviewKind,
    pub result: ReviewResult,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
}

impl CaseRecord {
    /// Why `self` cannot be recorded on an application received on `received`, on `today`,
    /// beside the cases recorded before (`earlier`): each problem on its field.
    pub fn problems(
        &self,
        received: NaiveDate,
        today: NaiveDate,
        earlier: &[CaseRecord],
    ) -> Vec<crate::error::FieldError> {
        use crate::error::FieldError;
        let mut out = Vec::new();
        if self.filed_on < received {
            out.push(FieldError::new(
                "filed_on",
                format!("提起日期不能早于收到申请的日期（{received}）"),
            ));
        }
        if self.filed_on > today {
            out.push(FieldError::new("filed_on", "提起日期不能晚于今天"));
        }
        match (self.result, self.decided_on) {
            (ReviewResult::Pending, Some(_)) => out.push(FieldError::new(
                "decided_on",
                "尚未审结的案件不填审结日期；审结后请记录审结结果和日期",
            )),
            (ReviewResult::Pending, None) => {}
            (_, None) => out.push(FieldError::new("decided_on", "已审结的案件请填写审结日期")),
            (_, Some(d)) if d < self.filed_on => {
                out.push(FieldError::new("decided_on", "审结日期不能早于提起日期"));
            }
            (_, Some(d)) if d > today => {
                out.push(FieldError::new("decided_on", "审结日期不能晚于今天"));
            }
            (_, Some(_)) => {}
        }
        if self.kind == ReviewKind::LitigationAfterReconsideration {
            let reconsiderations = earlier
                .iter()
                .filter(|c| c.kind == ReviewKind::Reconsideration);
            for r in reconsiderations {
                match r.decided_on {
                    None => out.push(FieldError::new(
                        "kind",
                        "本申请的行政复议尚未审结：请先记录复议的审结结果，再记录复议后起诉",
                    )),
                    Some(d) if self.filed_on < d => out.push(FieldError::new(
                        "filed_on",
                        format!("复议后起诉的提起日期不能早于复议审结日期（{d}）"),
                    )),
                    Some(_) => {}
                }
            }
        }
        out
    }
}

/// A reconsideration or lawsuit about an application, counted in the report year
/// (复议诉讼案件).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewCase {
    pub kind: ReviewKind,
    pub result: ReviewResult,
}

/// Table 四 of the annual report (政府信息公开行政复议、行政诉讼情况): per kind, the four
/// results and 总计; 15 cells in one row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table4 {
    /// `cells[kind][result]`, with 总计 at index 4.
    pub cells: [[i64; 5]; 3],
}

impl Table4 {
    /// Column headings within each group.
    pub const COLUMNS_ZH: [&'static str; 5] =
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

    /// Counts the cases of one body and year.
    pub fn compute(cases: &[ReviewCase]) -> Table4 {
        let mut t = Table4::default();
        for c in cases {
            let group = &mut t.cells[c.kind as usize];
            group[c.result as usize] += 1;
            group[4] += 1;
        }
        t
    }

    /// The cases of `kind` with `result`.
    pub fn get(&self, kind: ReviewKind, result: ReviewResult) -> i64 {
        self.cells[kind as usize][result as usize]
    }

    /// 总计 of `kind`.
    pub fn total(&self, kind: ReviewKind) -> i64 {
        self.cells[kind as usize][4]
    }

    /// The 15 cells in report order.
    pub fn row(&self) -> [i64; 15] {
        let mut out = [0; 15];
        for (i, v) in self.cells.iter().flatten().enumerate() {
            out[i] = *v;
        }
        out
    }

    /// (group heading, column heading) of each of the 15 cells.
    pub fn headings() -> [(&'static str, &'static str); 15] {
        let mut out = [("", ""); 15];
        for (k, kind) in ReviewKind::ALL.into_iter().enumerate() {
            for (c, col) in Self::COLUMNS_ZH.into_iter().enumerate() {
                out[k * 5 + c] = (kind.heading_zh(), col);
            }
        }
        out
    }

    /// Checks that no figure is negative and each 总计 is the sum of its four results.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        for kind in ReviewKind::ALL {
            let cells = self.cells[kind as usize];
            for (v, col) in cells.iter().zip(Self::COLUMNS_ZH) {
                if *v < 0 {
                    errs.push(format!("“{}”“{col}”为负数（{v}）", kind.heading_zh()));
                }
            }
            let sum: i128 = cells[..4].iter().map(|v| i128::from(*v)).sum();
            if sum != i128::from(cells[4]) {
                errs.push(format!(
                    "“{}”总计（{}）不等于各项之和（{sum}）",
                    kind.heading_zh(),
                    cells[4]
                ));
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (requester, carried over, outcome code or "open")
    fn rec(requester: &str, carried_over: bool, outcome: &str) -> ReportRecord {
        ReportRecord {
            requester: RequesterType::parse(requester).unwrap(),
            carried_over,
            outcome: if outcome == "open" {
                None
            } else {
                Some(ReplyOutcome::parse(outcome).unwrap())
            },
        }
    }

    /// A seeded year: 40 applications, 3 carried over from the previous year, 4 still
    /// open at the year's end.
    fn seeded_year() -> Vec<ReportRecord> {
        vec![
            // 自然人: 16, two carried over (one concluded, one still open), two open.
            rec("自然人", false, "disclosed"),
            rec("自然人", false, "disclosed"),
            rec("自然人", false, "disclosed"),
            rec("自然人", true, "disclosed"),
            rec("自然人", false, "partly_disclosed"),
            rec("自然人", false, "partly_disclosed"),
            rec("自然人", false, "refused.state_secret"),
            rec("自然人", false, "refused.third_party"),
            rec("自然人", false, "unavailable.not_held"),
            rec("自然人", false, "unavailable.not_held"),
            rec("自然人", false, "not_processed.petition"),
            rec("自然人", false, "not_processed.repeated"),
            rec("自然人", false, "other.supplement_overdue"),
            rec("自然人", false, "other.other"),
            rec("自然人", true, "open"),
            rec("自然人", false, "open"),
            // 商业企业: 8, one open.
            rec("商业企业", false, "disclosed"),
            rec("商业企业", false, "disclosed"),
            rec("商业企业", false, "partly_disclosed"),
            rec("商业企业", false, "refused.process_info"),
            rec("商业企业", false, "refused.internal_affairs"),
            rec("商业企业", false, "unavailable.needs_creation"),
            rec("商业企业", false, "other.fee_unpaid"),
            rec("商业企业", false, "open"),
            // 科研机构: 4.
            rec("科研机构", false, "disclosed"),
            rec("科研机构", false, "refused.prohibited_by_law"),
            rec("科研机构", false, "refused.security_stability"),
            rec("科研机构", false, "not_processed.publication"),
            // 社会公益组织: 3.
            rec("社会公益组织", false, "partly_disclosed"),
            rec(
                "社会公益组织",
                false,
                "unavailable.unclear_after_supplement",
            ),
            rec("社会公益组织", false, "not_processed.excessive"),
            // 法律服务机构: 5, one carried over.
            rec("法律服务机构", true, "disclosed"),
            rec("法律服务机构", false, "refused.enforcement_file"),
            rec("法律服务机构", false, "refused.inquiry"),
            rec("法律服务机构", false, "not_processed.confirmation"),
            rec("法律服务机构", false, "other.supplement_overdue"),
            // 其他: 4, one open.
            rec("其他", false, "disclosed"),
            rec("其他", false, "refused.state_secret"),
            rec("其他", false, "other.other"),
            rec("其他", false, "open"),
        ]
    }

    #[test]
    fn seeded_year_matches_the_hand_computed_table() {
        let records = seeded_year();
        assert_eq!(records.len(), 40);
        assert_eq!(records.iter().filter(|r| r.carried_over).count(), 3);
        assert_eq!(records.iter().filter(|r| r.outcome.is_none()).count(), 4);

        let t = Table3::compute(&records);
        #[rustfmt::skip]
        let expected: [(&str, [i64; 7]); 29] = [
            //                                                                自然人 商业 科研 公益 法律 其他 总计
            ("一、本年新收政府信息公开申请数量",                                [14, 8, 4, 3, 4, 4, 37]),
            ("二、上年结转政府信息公开申请数量",                                [ 2, 0, 0, 0, 1, 0,  3]),
            ("（一）予以公开",                                                  [ 4, 2, 1, 0, 1, 1,  9]),
            ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",        [ 2, 1, 0, 1, 0, 0,  4]),
            ("（三）不予公开",                                                  [ 2, 2, 2, 0, 2, 1,  9]),
            ("1.属于国家秘密",                                                  [ 1, 0, 0, 0, 0, 1,  2]),
            ("2.其他法律行政法规禁止公开",                                      [ 0, 0, 1, 0, 0, 0,  1]),
            ("3.危及“三安全一稳定”",                                            [ 0, 0, 1, 0, 0, 0,  1]),
            ("4.保护第三方合法权益",                                            [ 1, 0, 0, 0, 0, 0,  1]),
            ("5.属于三类内部事务信息",                                          [ 0, 1, 0, 0, 0, 0,  1]),
            ("6.属于四类过程性信息",                                            [ 0, 1, 0, 0, 0, 0,  1]),
            ("7.属于行政执法案卷",                                              [ 0, 0, 0, 0, 1, 0,  1]),
            ("8.属于行政查询事项",                                              [ 0, 0, 0, 0, 1, 0,  1]),
            ("（四）无法提供",                                                  [ 2, 1, 0, 1, 0, 0,  4]),
            ("1.本机关不掌握相关政府信息",                                      [ 2, 0, 0, 0, 0, 0,  2]),
            ("2.没有现成信息需要另行制作",                                      [ 0, 1, 0, 0, 0, 0,  1]),
            ("3.补正后申请内容仍不明确",                                        [ 0, 0, 0, 1, 0, 0,  1]),
            ("（五）不予处理",                                                  [ 2, 0, 1, 1, 1, 0,  5]),
            ("1.信访举报投诉类申请",                                            [ 1, 0, 0, 0, 0, 0,  1]),
            ("2.重复申请",                                                      [ 1, 0, 0, 0, 0, 0,  1]),
            ("3.要求提供公开出版物",                                            [ 0, 0, 1, 0, 0, 0,  1]),
            ("4.无正当理由大量反复申请",                                        [ 0, 0, 0, 1, 0, 0,  1]),
            ("5.要求行政机关确认或重新出具已获取信息",                          [ 0, 0, 0, 0, 1, 0,  1]),
            ("（六）其他处理",                                                  [ 2, 1, 0, 0, 1, 1,  5]),
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [ 1, 0, 0, 0, 1, 0,  2]),
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [ 0, 1, 0, 0, 0, 0,  1]),
            ("3.其他",                                                          [ 1, 0, 0, 0, 0, 1,  2]),
            ("（七）总计",                                                      [14, 7, 4, 3, 5, 3, 36]),
            ("四、结转下年度继续办理",                                          [ 2, 1, 0, 0, 0, 1,  4]),
        ];
        let rows = t.rows();
        assert_eq!(rows.len(), expected.len());
        for ((label, cells), (exp_label, exp_cells)) in rows.iter().zip(expected) {
            assert_eq!(label, exp_label);
            assert_eq!(*cells, exp_cells, "{label}");
        }
        assert_eq!(t.check(), Ok(()));
        assert_eq!(t.group(OutcomeGroup::Refused), [2, 2, 2, 0, 2, 1, 9]);
        assert_eq!(
            t.outcome(ReplyOutcome::NotProcessedRepeated),
            [1, 0, 0, 0, 0, 0, 1]
        );
        assert_eq!(t.concluded(), [14, 7, 4, 3, 5, 3, 36]);
    }

    #[test]
    fn report_rows_index_the_rows() {
        let rows = Table3::default().rows();
        assert_eq!(rows.len(), 29);
        for o in ReplyOutcome::ALL {
            assert_eq!(rows[o.report_row()].0, o.row_label_zh(), "{o}");
        }
        assert_eq!(rows[0].0, Table3::ROW_RECEIVED_ZH);
        assert_eq!(rows[27].0, Table3::ROW_TOTAL_ZH);
        assert_eq!(rows[28].0, Table3::ROW_CARRIED_FORWARD_ZH);
        assert_eq!(
            Table3::COLUMNS_ZH[..6],
            RequesterType::ALL.map(RequesterType::label_zh)
        );
    }

    #[test]
    fn empty_table() {
        let t = Table3::compute(&[]);
        assert_eq!(t, Table3::default());
        assert_eq!(t.check(), Ok(()));
        assert!(t.rows().iter().all(|(_, cells)| *cells == [0; 7]));
    }

    #[test]
    fn check_reports_every_defect() {
        let mut t = Table3::compute(&seeded_year());
        t.received[0] += 1; // 自然人 column no longer balances, nor does the 一 row's total
        t.carried_forward[2] = -1;
        t.carried_forward[TOTAL_COLUMN] -= 1;
        let errs = t.check().unwrap_err();
        assert_eq!(
            errs,
            [
                "“一、本年新收政府信息公开申请数量”行：总计（37）不等于各列之和（38）",
                "“四、结转下年度继续办理”行“科研机构”列为负数（-1）",
                "“自然人”列：第一项加第二项之和（17）不等于第三项加第四项之和（16）",
                "“科研机构”列：第一项加第二项之和（4）不等于第三项加第四项之和（3）",
                "“总计”列：第一项加第二项之和（40）不等于第三项加第四项之和（39）",
            ]
        );
        let t = Table3 {
            received: [i64::MAX; 7],
            ..Table3::default()
        };
        assert!(t.check().is_err());
    }

    #[test]
    fn records_for_a_year() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let np = RequesterType::NaturalPerson;
        let ok = ReplyOutcome::Disclosed;
        let check = |received: &str, concluded: Option<&str>, expected: Option<(bool, bool)>| {
            let got = ReportRecord::for_year(2026, np, d(received), concluded.map(|c| (d(c), ok)));
            let expected = expected.map(|(carried_over, concluded)| ReportRecord {
                requester: np,
                carried_over,
                outcome: concluded.then_some(ok),
            });
            assert_eq!(got, expected, "{received} {concluded:?}");
        };
        // (carried over, concluded in the year)
        check("2026-03-01", Some("2026-03-20"), Some((false, true)));
        check("2026-12-20", None, Some((false, false)));
        check("2026-12-20", Some("2027-01-10"), Some((false, false)));
        check("2025-12-20", Some("2026-01-10"), Some((true, true)));
        check("2025-12-20", None, Some((true, false)));
        check("2024-06-01", Some("2027-01-05"), Some((true, false)));
        check("2025-12-01", Some("2025-12-31"), None);
        check("2027-01-01", None, None);
        check("2026-01-01", Some("2026-12-31"), Some((false, true)));
    }

    #[test]
    fn table4_seeded_year() {
        use ReviewKind::*;
        use ReviewResult::*;
        let case = |kind, result| ReviewCase { kind, result };
        let cases = [
            case(Reconsideration, Upheld),
            case(Reconsideration, Upheld),
            case(Reconsideration, Corrected),
            case(Reconsideration, ReviewResult::Pending),
            case(LitigationDirect, Upheld),
            case(LitigationDirect, Other),
            case(LitigationAfterReconsideration, Corrected),
        ];
        let t = Table4::compute(&cases);
        #[rustfmt::skip]
        assert_eq!(t.row(), [
            2, 1, 0, 1, 4,
            1, 0, 1, 0, 2,
            0, 1, 0, 0, 1,
        ]);
        assert_eq!(t.check(), Ok(()));
        assert_eq!(t.get(Reconsideration, Upheld), 2);
        assert_eq!(t.total(LitigationDirect), 2);
        let h = Table4::headings();
        assert_eq!(h[0], ("行政复议", "结果维持"));
        assert_eq!(h[4], ("行政复议", "总计"));
        assert_eq!(h[8], ("行政诉讼：未经复议直接起诉", "尚未审结"));
        assert_eq!(h[14], ("行政诉讼：复议后起诉", "总计"));
        assert_eq!(Table4::compute(&[]).row(), [0; 15]);
        assert_eq!(
            ReviewKind::ALL.map(ReviewKind::is_litigation),
            [false, true, true]
        );
        assert_eq!(ReviewResult::parse("尚未审结"), Some(ReviewResult::Pending));
        assert_eq!(
            ReviewKind::parse("复议后起诉"),
            Some(LitigationAfterReconsideration)
        );

        let mut bad = t.clone();
        bad.cells[1][4] = 3;
        bad.cells[2][0] = -1;
        assert_eq!(
            bad.check().unwrap_err(),
            [
                "“行政诉讼：未经复议直接起诉”总计（3）不等于各项之和（2）",
                "“行政诉讼：复议后起诉”“结果维持”为负数（-1）",
                "“行政诉讼：复议后起诉”总计（1）不等于各项之和（0）",
            ]
        );
    }

    #[test]
    fn tables_serialise() {
        let t = Table3::compute(&seeded_year());
        let s = toml::to_string(&t).unwrap();
        assert_eq!(toml::from_str::<Table3>(&s).unwrap(), t);
        let t4 = Table4::compute(&[ReviewCase {
            kind: ReviewKind::Reconsideration,
            result: ReviewResult::Corrected,
        }]);
        let s = toml::to_string(&t4).unwrap();
        assert_eq!(toml::from_str::<Table4>(&s).unwrap(), t4);
    }

    fn arb_record() -> impl Strategy<Value = ReportRecord> {
        (0usize..6, any::<bool>(), 0usize..=ReplyOutcome::ALL.len()).prop_map(|(r, c, o)| {
            ReportRecord {
                requester: RequesterType::ALL[r],
                carried_over: c,
                outcome: ReplyOutcome::ALL.get(o).copied(),
            }
        })
    }

    proptest! {
        #[test]
        fn computed_tables_always_check(records in proptest::collection::vec(arb_record(), 0..200)) {
            let t = Table3::compute(&records);
            prop_assert_eq!(t.check(), Ok(()));
            let n = records.len() as i64;
            prop_assert_eq!(t.received[TOTAL_COLUMN] + t.carried_over[TOTAL_COLUMN], n);
            prop_assert_eq!(t.concluded()[TOTAL_COLUMN] + t.carried_forward[TOTAL_COLUMN], n);
            let groups = OutcomeGroup::ALL
                .into_iter()
                .fold([0; 7], |acc, g| add_rows(acc, t.group(g)));
            prop_assert_eq!(groups, t.concluded());
            for r in &records {
                if let Some(o) = r.outcome {
                    prop_assert!(t.outcome(o)[r.requester.report_column()] >= 1);
                }
            }
        }

        #[test]
        fn computed_table4_always_checks(cases in proptest::collection::vec((0usize..3, 0usize..4), 0..100)) {
            let cases: Vec<ReviewCase> = cases
                .into_iter()
                .map(|(k, r)| ReviewCase { kind: ReviewKind::ALL[k], result: ReviewResult::ALL[r] })
                .collect();
            let t = Table4::compute(&cases);
            prop_assert_eq!(t.check(), Ok(()));
            let totals: i64 = ReviewKind::ALL.into_iter().map(|k| t.total(k)).sum();
            prop_assert_eq!(totals, cases.len() as i64);
        }
    }
    fn case(
        kind: ReviewKind,
        result: ReviewResult,
        filed: &str,
        decided: Option<&str>,
    ) -> CaseRecord {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        CaseRecord {
            kind,
            result,
            filed_on: d(filed),
            decided_on: decided.map(d),
        }
    }

    #[test]
    fn a_case_is_checked_against_its_application_and_the_cases_before() {
        use ReviewKind::*;
        use ReviewResult::*;
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let fields = |c: CaseRecord, earlier: &[CaseRecord]| -> Vec<&'static str> {
            c.problems(received, today, earlier)
                .iter()
                .map(|e| e.field)
                .collect()
        };
        let fine = case(Reconsideration, Upheld, "2026-05-01", Some("2026-07-01"));
        assert!(fields(fine, &[]).is_empty());
        assert!(fields(case(Reconsideration, Pending, "2026-05-01", None), &[]).is_empty());
        assert_eq!(
            fields(
                case(Reconsideration, Upheld, "2026-03-01", Some("2026-07-01")),
                &[]
            ),
            ["filed_on"]
        );
        assert_eq!(
            fields(
                case(Reconsideration, Upheld, "2026-12-02", Some("2026-12-02")),
                &[]
            ),
            ["filed_on", "decided_on"]
        );
        assert_eq!(
            fields(
                case(Reconsideration, Pending, "2026-05-01", Some("2026-07-01")),
                &[]
            ),
            ["decided_on"]
        );
        assert_eq!(
            fields(case(Reconsideration, Corrected, "2026-05-01", None), &[]),
            ["decided_on"]
        );
        assert_eq!(
            fields(
                case(Reconsideration, Other, "2026-05-01", Some("2026-04-30")),
                &[]
            ),
            ["decided_on"]
        );
        // A lawsuit after reconsideration waits for the reconsideration's decision.
        let pending = case(Reconsideration, Pending, "2026-05-01", None);
        let sued = case(LitigationAfterReconsideration, Pending, "2026-08-01", None);
        assert_eq!(fields(sued, &[pending]), ["kind"]);
        assert!(fields(sued, &[fine]).is_empty());
        let early = case(LitigationAfterReconsideration, Pending, "2026-06-01", None);
        assert_eq!(fields(early, &[fine]), ["filed_on"]);
        assert!(
            fields(early, &[]).is_empty(),
            "a reconsideration recorded elsewhere"
        );
        assert!(
            fields(
                case(LitigationDirect, Pending, "2026-06-01", None),
                &[pending]
            )
            .is_empty()
        );
    }
}
