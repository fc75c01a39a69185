//! Work-plan supervision (督查): import a plan's text into sections and tasks assigned to
//! bodies, progress reports by those bodies, the office's review, the board, and each body's
//! year-end implementation report.

mod board;
mod import;

use chrono::NaiveDate;
use gongkai_domain::role::{Action, Actor};
use gongkai_domain::workplan::assign::TaskStatus;
use gongkai_store::plans::{self as store, ReportRow, TaskRow};
use gongkai_store::{Conn, audit};
use serde::Serialize;

pub use board::{Board, BoardTask, Completion};
pub use gongkai_store::plans::{MilestoneRow as Milestone, ReportFileRow as ReportFile};
pub use import::{ImportPreview, PreviewTask};

use crate::{App, AppError, AppResult, Origin, now_ms, today};

/// A task with its bodies and reports.
#[derive(Debug, Clone, Serialize)]
pub struct TaskFile {
    pub task: TaskRow,
    pub plan_title: String,
    /// (body id, body name, role)
    pub bodies: Vec<(i64, String, String)>,
    pub reports: Vec<ReportRow>,
    pub shown_status: (&'static str, &'static str),
    pub milestones: Vec<store::MilestoneRow>,
    pub files: Vec<store::ReportFileRow>,
}

/// One body's line in the office's summary (汇总).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    pub body_id: i64,
    pub code: String,
    pub name: String,
    pub tasks: usize,
    pub done: usize,
    pub overdue: usize,
    pub reports: usize,
    /// none, draft or submitted.
    pub year_end: String,
}

/// The office's decision on a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDecision {
    /// Accept the report.
    Accept,
    /// Return it for rework (退回重报).
    Return,
}

/// A task's progress: the highest percentage among its reports not returned for rework.
async fn live_percent(c: &mut Conn, task_id: i64) -> AppResult<i64> {
    Ok(store::reports_of_task(c, task_id)
        .await?
        .iter()
        .filter(|r| r.status != "returned")
        .map(|r| r.percent)
        .max()
        .unwrap_or(0))
}

/// Plans are internal: any staff member, not the public.
fn require_staff(actor: &Actor) -> AppResult<()> {
    if actor.grants.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

fn status_of(t: &TaskRow) -> TaskStatus {
    TaskStatus::parse(&t.status).unwrap_or(TaskStatus::NotStarted)
}

fn due(t: &TaskRow) -> Option<NaiveDate> {
    t.due_on
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The status shown for a stored task on `today`.
pub fn shown(t: &TaskRow) -> (&'static str, &'static str) {
    status_of(t).shown(due(t), today())
}

impl App {
    /// Work plans, newest first.
    pub async fn plans(&self) -> AppResult<Vec<store::PlanRow>> {
        // Titles only; any caller may list them.
        let mut c = self.db().read().await?;
        Ok(store::plans(&mut c).await?)
    }

    async fn plan_row(&self, c: &mut Conn, id: i64) -> AppResult<store::PlanRow> {
        store::plan(c, id).await?.ok_or(AppError::NotFound("plan"))
    }

    /// A task with everything about it. Plans are supervised in the open across bodies (the
    /// seed asks to 公布进展), so any staff member may read tasks and reports; evidence files
    /// are restricted (see [`App::report_file`]).
    pub async fn plan_task(&self, actor: &Actor, id: i64) -> AppResult<TaskFile> {
        require_staff(actor)?;
        let mut c = self.db().read().await?;
        let task = store::task(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let plan = self.plan_row(&mut c, task.plan_id).await?;
        let names = self.body_names(&mut c).await?;
        let bodies = store::task_bodies(&mut c, task.plan_id)
            .await?
            .into_iter()
            .filter(|(t, _, _)| *t == id)
            .map(|(_, b, role)| (b, names.get(&b).cloned().unwrap_or_default(), role))
            .collect();
        Ok(TaskFile {
            milestones: store::milestones(&mut c, task.plan_id)
                .await?
                .into_iter()
                .filter(|m| m.task_id == id)
                .collect(),
            files: store::report_files(&mut c, id).await?,
            reports: store::reports_of_task(&mut c, id).await?,
            shown_status: shown(&task),
            plan_title: plan.title,
            bodies,
            task,
        })
    }

    async fn body_names(&self, c: &mut Conn) -> AppResult<std::collections::HashMap<i64, String>> {
        Ok(gongkai_store::bodies::list(c)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect())
    }

    /// A body responsible for a task reports progress (落实情况): text, percentage, evidence.
    #[allow(clippy::too_many_arguments)]
    pub async fn report_progress(
        &self,
        actor: &Actor,
        origin: &Origin,
        task_id: i64,
        body_id: i64,
        text: &str,
        percent: u8,
        evidence: &str,
    ) -> AppResult<i64> {
        if text.trim().is_empty() {
            return Err(AppError::field("text", "请填写落实情况"));
        }
        if percent > 100 {
            return Err(AppError::field("percent", "完成进度应在0到100之间"));
        }
        if !actor.can(Action::ReportProgress, body_id) {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let task = store::task(&mut tx, task_id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let assigned = store::task_bodies(&mut tx, task.plan_id)
            .await?
            .into_iter()
            .any(|(t, b, _)| t == task_id && b == body_id);
        if !assigned {
            return Err(AppError::Forbidden);
        }
        let id = store::insert_report(
            &mut tx,
            task_id,
            body_id,
            &actor.login,
            text.trim(),
            i64::from(percent),
            evidence.trim(),
            now,
        )
        .await?;
        let next = status_of(&task).after_report(percent);
        let percent_now = if next == TaskStatus::Done {
            100
        } else {
            live_percent(&mut tx, task_id).await?
        };
        store::set_task_progress(
            &mut tx,
            task_id,
            next.as_str(),
            percent_now,
            task.done_on.as_deref(),
            now,
        )
        .await?;
        self.plan_audit(&mut tx, actor, origin, "plan.report", task_id, &task.status, &serde_json::json!({"status": next.as_str(), "percent": percent, "body_id": body_id, "report": id}).to_string(), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office reviews a report: accept, or return it for rework with a comment.
    pub async fn review_progress(
        &self,
        actor: &Actor,
        origin: &Origin,
        report_id: i64,
        decision: ReportDecision,
        comment: &str,
    ) -> AppResult<()> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        if decision == ReportDecision::Return && comment.trim().is_empty() {
            return Err(AppError::field(
                "comment",
                "退回时请写明需要补充或修改的内容",
            ));
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let report = store::report(&mut tx, report_id)
            .await?
            .ok_or(AppError::NotFound("report"))?;
        let status = match decision {
            ReportDecision::Accept => "accepted",
            ReportDecision::Return => "returned",
        };
        store::review_report(&mut tx, report_id, status, comment.trim(), now).await?;
        // A returned report no longer counts towards the task's progress; an accepted report
        // of a lead body (牵头单位) that says the task is finished completes it.
        if let Some(task) = store::task(&mut tx, report.task_id).await? {
            let finished_by_lead = decision == ReportDecision::Accept
                && report.percent >= 100
                && store::task_bodies(&mut tx, task.plan_id)
                    .await?
                    .iter()
                    .any(|(t, b, role)| {
                        *t == task.id && *b == report.body_id && role.as_str() == "lead"
                    });
            if task.status == "done" || finished_by_lead {
                let done_on = task.done_on.clone().unwrap_or_else(|| today().to_string());
                store::set_task_progress(&mut tx, task.id, "done", 100, Some(&done_on), now)
                    .await?;
            } else {
                let percent = live_percent(&mut tx, task.id).await?;
                store::set_task_progress(
                    &mut tx,
                    task.id,
                    &task.status,
                    percent,
                    task.done_on.as_deref(),
                    now,
                )
                .await?;
            }
        }
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.review_report",
            report.task_id,
            &report.status,
            &serde_json::json!({"report": report_id, "status": status, "comment": comment})
                .to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The office marks a task done (or reopens it).
    pub async fn set_task_done(
        &self,
        actor: &Actor,
        origin: &Origin,
        task_id: i64,
        done: bool,
    ) -> AppResult<()> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let task = store::task(&mut tx, task_id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let (status, percent, done_on) = if done {
            (TaskStatus::Done, 100, Some(today().to_string()))
        } else {
            (TaskStatus::InProgress, task.percent.min(99), None)
        };
        store::set_task_progress(
            &mut tx,
            task_id,
            status.as_str(),
            percent,
            done_on.as_deref(),
            now,
        )
        .await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.task_status",
            task_id,
            &task.status,
            status.as_str(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A body's year-end implementation report (落实情况报告): the saved text, or a draft made
    /// from its progress reports. Returns (text, status: draft | submitted).
    pub async fn year_end_report(
        &self,
        actor: &Actor,
        plan_id: i64,
        body_id: i64,
    ) -> AppResult<(String, String)> {
        if !actor.can(Action::ReportProgress, body_id)
            && !actor.can_everywhere(Action::SupervisePlans)
        {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db().read().await?;
        let plan = self.plan_row(&mut c, plan_id).await?;
        if let Some(saved) = store::body_report(&mut c, plan_id, body_id).await? {
            return Ok(saved);
        }
        let names = self.body_names(&mut c).await?;
        let body = names.get(&body_id).cloned().unwrap_or_default();
        let tasks: std::collections::HashMap<i64, TaskRow> = store::tasks(&mut c, plan_id)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let mut text = format!(
            "{body}关于《{}》落实情况的报告\n\n根据《{}》的部署，现将本单位{}年落实情况报告如下。\n",
            plan.title, plan.title, plan.year
        );
        let mut n = 0;
        for r in store::reports_of_body(&mut c, plan_id, body_id).await? {
            let Some(t) = tasks.get(&r.task_id) else {
                continue;
            };
            n += 1;
            let topic: String = t.text.chars().take(40).collect();
            text.push_str(&format!(
                "\n{}、关于“{topic}……”（任务{}）\n{}（完成进度{}%）\n",
                crate::plans::board::chinese_numeral(n),
                t.code,
                r.text,
                r.percent
            ));
        }
        if n == 0 {
            text.push_str("\n（尚无报送的进展，请补充各项任务的落实情况。）\n");
        }
        text.push_str("\n下一步，本单位将继续按照要点要求，抓好各项任务的落实。\n");
        Ok((text, "draft".into()))
    }

    /// Saves (and optionally submits) a body's year-end report.
    pub async fn save_year_end_report(
        &self,
        actor: &Actor,
        origin: &Origin,
        plan_id: i64,
        body_id: i64,
        text: &str,
        submit: bool,
    ) -> AppResult<()> {
        if !actor.can(Action::ReportProgress, body_id) {
            return Err(AppError::Forbidden);
        }
        if text.trim().is_empty() {
            return Err(AppError::field("text", "报告内容不能为空"));
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        self.plan_row(&mut tx, plan_id).await?;
        if store::body_report(&mut tx, plan_id, body_id)
            .await?
            .is_some_and(|(_, s)| s == "submitted")
        {
            return Err(AppError::InvalidState("报告已报送，不能再修改".into()));
        }
        let status = if submit { "submitted" } else { "draft" };
        store::save_body_report(&mut tx, plan_id, body_id, text.trim(), status, now).await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.year_end_report",
            plan_id,
            "",
            &serde_json::json!({"body_id": body_id, "status": status}).to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The office assigns a body to a task (tasks whose clause named no body, or only a vague
    /// one such as 相关部门, are left for the office to assign).
    pub async fn assign_task_body(
        &self,
        actor: &Actor,
        origin: &Origin,
        task_id: i64,
        body_code: &str,
        lead: bool,
    ) -> AppResult<()> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        let body = self.body_by_code(body_code).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        store::task(&mut tx, task_id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let role = if lead { "lead" } else { "co" };
        store::assign_body(&mut tx, task_id, body.id, role).await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.assign",
            task_id,
            "",
            &serde_json::json!({"body": body.code, "role": role}).to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The office sets a milestone (节点) on a task.
    pub async fn add_milestone(
        &self,
        actor: &Actor,
        origin: &Origin,
        task_id: i64,
        title: &str,
        due_on: NaiveDate,
    ) -> AppResult<i64> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        if title.trim().is_empty() {
            return Err(AppError::field("title", "请填写节点内容"));
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        store::task(&mut tx, task_id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let id = store::insert_milestone(&mut tx, task_id, title.trim(), &due_on.to_string(), now)
            .await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.milestone",
            task_id,
            "",
            &serde_json::json!({"milestone": id, "title": title, "due_on": due_on.to_string()})
                .to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A responsible body (or the office) marks a milestone reached, or not.
    pub async fn complete_milestone(
        &self,
        actor: &Actor,
        origin: &Origin,
        milestone_id: i64,
        done: bool,
    ) -> AppResult<()> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let m = store::milestone(&mut tx, milestone_id)
            .await?
            .ok_or(AppError::NotFound("milestone"))?;
        let ours = store::bodies_of_task(&mut tx, m.task_id)
            .await?
            .iter()
            .any(|(b, _)| actor.can(Action::ReportProgress, *b));
        if !ours && !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        let done_on = done.then(|| today().to_string());
        store::complete_milestone(&mut tx, milestone_id, done_on.as_deref()).await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.milestone_done",
            m.task_id,
            &m.done_on.unwrap_or_default(),
            &done_on.unwrap_or_default(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Attaches a file (photo, scan, document) to a progress report as evidence.
    pub async fn attach_report_file(
        &self,
        actor: &Actor,
        origin: &Origin,
        report_id: i64,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<i64> {
        // Permission first: nothing is written to disk for someone who may not attach.
        let owner = {
            let mut c = self.db().read().await?;
            store::report(&mut c, report_id)
                .await?
                .ok_or(AppError::NotFound("report"))?
                .body_id
        };
        if !actor.can(Action::ReportProgress, owner) {
            return Err(AppError::Forbidden);
        }
        let file = self.accept_file(filename, bytes).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let report = store::report(&mut tx, report_id)
            .await?
            .ok_or(AppError::NotFound("report"))?;
        let size = i64::try_from(file.size).unwrap_or(i64::MAX);
        let id = store::insert_report_file(
            &mut tx,
            report_id,
            &file.filename,
            file.content_type,
            size,
            &file.sha256,
            now,
        )
        .await?;
        self.plan_audit(
            &mut tx,
            actor,
            origin,
            "plan.evidence",
            report.task_id,
            "",
            &serde_json::json!({"report": report_id, "file": file.filename, "sha256": file.sha256})
                .to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An evidence file's name, type and bytes: for the bodies of its task and the office.
    pub async fn report_file(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(String, String, Vec<u8>)> {
        let mut c = self.db().read().await?;
        let (row, task) = store::report_file(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("attachment"))?;
        let ours = store::bodies_of_task(&mut c, task)
            .await?
            .iter()
            .any(|(b, _)| {
                actor.can(Action::ReportProgress, *b) || actor.can(Action::ViewDrafts, *b)
            });
        if !ours && !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::NotFound("attachment"));
        }
        let bytes = self.blobs().get(&row.sha256).await?;
        Ok((row.filename, row.content_type, bytes))
    }

    /// The office's summary across bodies (汇总): tasks, completion, reports and year-end reports.
    pub async fn plan_summary(&self, actor: &Actor, plan_id: i64) -> AppResult<Vec<SummaryLine>> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        let board = self.plan_board(actor, plan_id, None, None).await?;
        let mut c = self.db().read().await?;
        let bodies = gongkai_store::bodies::list(&mut c).await?;
        let mut lines = Vec::new();
        for b in bodies {
            let tasks: Vec<&super::plans::BoardTask> = board
                .sections
                .iter()
                .flat_map(|(_, ts)| ts)
                .filter(|t| t.body_ids.contains(&b.id))
                .collect();
            if tasks.is_empty() {
                continue;
            }
            let reports = store::reports_of_body(&mut c, plan_id, b.id).await?.len();
            let year_end = store::body_report(&mut c, plan_id, b.id)
                .await?
                .map_or_else(|| "none".to_owned(), |(_, s)| s);
            lines.push(SummaryLine {
                body_id: b.id,
                code: b.code,
                name: b.name,
                tasks: tasks.len(),
                done: tasks.iter().filter(|t| t.status.0 == "done").count(),
                overdue: tasks.iter().filter(|t| t.status.0 == "overdue").count(),
                reports,
                year_end,
            });
        }
        Ok(lines)
    }

    #[allow(clippy::too_many_arguments)]
    async fn plan_audit(
        &self,
        c: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        action: &str,
        id: i64,
        before: &str,
        after: &str,
        now: i64,
    ) -> AppResult<()> {
        // Plan-level records name the plan; the others the task they change.
        let entity = if action == "plan.year_end_report" {
            "plan"
        } else {
            "plan_task"
        };
        audit::append(
            c,
            &audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action,
                entity,
                entity_id: &id.to_string(),
                before,
                after,
            },
        )
        .await?;
        Ok(())
    }
}
