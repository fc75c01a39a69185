//! The board (挂图作战): every task with its status and bodies, completion per body and per
//! section, the overdue list; and its export to Excel.

use std::collections::{BTreeMap, HashMap};

use gongkai_domain::workplan::assign::completion;
use gongkai_store::plans as store;
use serde::Serialize;

use super::shown;
use crate::{App, AppError, AppResult};

/// A task on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardTask {
    pub id: i64,
    pub code: String,
    pub section: String,
    pub text: String,
    pub lead: Vec<String>,
    pub co: Vec<String>,
    pub due_on: String,
    pub percent: i64,
    /// (code, label): not_started/未开始, in_progress/进行中, done/已完成, overdue/逾期.
    pub status: (&'static str, &'static str),
    pub body_ids: Vec<i64>,
}

/// Done out of total for a body or a section.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    pub name: String,
    pub done: usize,
    pub overdue: usize,
    pub total: usize,
    pub percent: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub plan: store::PlanRow,
    /// (section number and title, its tasks)
    pub sections: Vec<(String, Vec<BoardTask>)>,
    pub by_body: Vec<Completion>,
    pub by_section: Vec<Completion>,
    pub overdue: Vec<BoardTask>,
    pub total: Completion,
}

/// 1 → 一 … 99 → 九十九 (headings of the year-end report).
pub fn chinese_numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

fn tally(name: String, tasks: &[&BoardTask]) -> Completion {
    let done = tasks.iter().filter(|t| t.status.0 == "done").count();
    Completion {
        name,
        done,
        overdue: tasks.iter().filter(|t| t.status.0 == "overdue").count(),
        total: tasks.len(),
        percent: completion(done, tasks.len()),
    }
}

impl App {
    /// The board of a plan, optionally narrowed to one body's tasks or one status.
    /// Plans are supervised in the open across bodies: any staff member may read the board.
    pub async fn plan_board(
        &self,
        actor: &gongkai_domain::role::Actor,
        plan_id: i64,
        body: Option<i64>,
        status: Option<&str>,
    ) -> AppResult<Board> {
        if actor.grants.is_empty() {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db().read().await?;
        let plan = store::plan(&mut c, plan_id)
            .await?
            .ok_or(AppError::NotFound("plan"))?;
        let names: HashMap<i64, String> = gongkai_store::bodies::list(&mut c)
            .await?
            .into_iter()
            .map(|b| {
                (
                    b.id,
                    b.short_names()
                        .ok()
                        .and_then(|s| s.into_iter().next())
                        .unwrap_or(b.name),
                )
            })
            .collect();
        let sections: HashMap<i64, (String, String)> = store::sections(&mut c, plan_id)
            .await?
            .into_iter()
            .map(|s| (s.id, (s.number, s.title)))
            .collect();
        let mut assignments: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for (task, body_id, role) in store::task_bodies(&mut c, plan_id).await? {
            assignments.entry(task).or_default().push((body_id, role));
        }
        let mut all = Vec::new();
        for t in store::tasks(&mut c, plan_id).await? {
            let assigned = assignments.remove(&t.id).unwrap_or_default();
            let pick = |role: &str| {
                assigned
                    .iter()
                    .filter(|(_, r)| r == role)
                    .filter_map(|(b, _)| names.get(b).cloned())
                    .collect::<Vec<_>>()
            };
            let section = t
                .section_id
                .and_then(|s| sections.get(&s))
                .map_or_else(String::new, |(n, title)| format!("{n}、{title}"));
            all.push(BoardTask {
                status: shown(&t),
                lead: pick("lead"),
                co: pick("co"),
                body_ids: assigned.iter().map(|(b, _)| *b).collect(),
                id: t.id,
                code: t.code,
                section,
                text: t.text,
                due_on: t.due_on.unwrap_or_default(),
                percent: t.percent,
            });
        }
        let mut by_body: BTreeMap<String, Vec<&BoardTask>> = BTreeMap::new();
        for t in &all {
            for b in &t.body_ids {
                if let Some(n) = names.get(b) {
                    by_body.entry(n.clone()).or_default().push(t);
                }
            }
        }
        let by_body = by_body.into_iter().map(|(n, ts)| tally(n, &ts)).collect();
        let mut order: Vec<String> = Vec::new();
        let mut grouped: HashMap<String, Vec<&BoardTask>> = HashMap::new();
        for t in &all {
            if !order.contains(&t.section) {
                order.push(t.section.clone());
            }
            grouped.entry(t.section.clone()).or_default().push(t);
        }
        let by_section = order
            .iter()
            .map(|s| tally(s.clone(), &grouped[s]))
            .collect();
        let total = tally("全部任务".into(), &all.iter().collect::<Vec<_>>());
        let overdue = all
            .iter()
            .filter(|t| t.status.0 == "overdue")
            .cloned()
            .collect();
        let visible: Vec<BoardTask> = all
            .into_iter()
            .filter(|t| body.is_none_or(|b| t.body_ids.contains(&b)))
            .filter(|t| status.is_none_or(|s| t.status.0 == s))
            .collect();
        let mut sections_out: Vec<(String, Vec<BoardTask>)> = Vec::new();
        for t in visible {
            match sections_out.last_mut() {
                Some((s, ts)) if *s == t.section => ts.push(t),
                _ => sections_out.push((t.section.clone(), vec![t])),
            }
        }
        Ok(Board {
            plan,
            sections: sections_out,
            by_body,
            by_section,
            overdue,
            total,
        })
    }

    /// The board as an Excel workbook: one row per task, and a sheet of completion per body.
    pub async fn plan_board_xlsx(
        &self,
        actor: &gongkai_domain::role::Actor,
        plan_id: i64,
        body: Option<i64>,
        status: Option<&str>,
    ) -> AppResult<Vec<u8>> {
        use rust_xlsxwriter::{Format, Workbook};
        let board = self.plan_board(actor, plan_id, body, status).await?;
        let err = |e: rust_xlsxwriter::XlsxError| {
            AppError::Internal(format!("building the workbook: {e}"))
        };
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet().set_name("任务").map_err(err)?;
        for (col, h) in [
            "编号",
            "部分",
            "任务",
            "牵头单位",
            "配合单位",
            "完成时限",
            "进度(%)",
            "状态",
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_with_format(0, u16::try_from(col).unwrap_or(0), *h, &bold)
                .map_err(err)?;
        }
        let mut row = 1u32;
        for (_, tasks) in &board.sections {
            for t in tasks {
                sheet.write(row, 0, &t.code).map_err(err)?;
                sheet.write(row, 1, &t.section).map_err(err)?;
                sheet.write(row, 2, &t.text).map_err(err)?;
                sheet.write(row, 3, t.lead.join("、")).map_err(err)?;
                sheet.write(row, 4, t.co.join("、")).map_err(err)?;
                sheet.write(row, 5, &t.due_on).map_err(err)?;
                sheet.write(row, 6, t.percent as f64).map_err(err)?;
                sheet.write(row, 7, t.status.1).map_err(err)?;
                row += 1;
            }
        }
        sheet.set_column_width(2, 60).map_err(err)?;
        let sheet = book
            .add_worksheet()
            .set_name("各单位完成情况")
            .map_err(err)?;
        for (col, h) in ["单位", "任务数", "已完成", "逾期", "完成率(%)"]
            .iter()
            .enumerate()
        {
            sheet
                .write_with_format(0, u16::try_from(col).unwrap_or(0), *h, &bold)
                .map_err(err)?;
        }
        for (i, c) in board.by_body.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            sheet.write(r, 0, &c.name).map_err(err)?;
            sheet.write(r, 1, c.total as f64).map_err(err)?;
            sheet.write(r, 2, c.done as f64).map_err(err)?;
            sheet.write(r, 3, c.overdue as f64).map_err(err)?;
            sheet.write(r, 4, f64::from(c.percent)).map_err(err)?;
        }
        book.save_to_buffer().map_err(err)
    }
}
