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
}

/// The office's decision on a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDecision {
    /// Accept the report.
    Accept,
    /// Return it for rework (退回重报).
    Return,
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
        let mut c = self.db().read().await?;
        Ok(store::plans(&mut c).await?)
    }

    async fn plan_row(&self, c: &mut Conn, id: i64) -> AppResult<store::PlanRow> {
        store::plan(c, id).await?.ok_or(AppError::NotFound("plan"))
    }

    /// A task with everything about it.
    pub async fn plan_task(&self, id: i64) -> AppResult<TaskFile> {
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
        let percent_now = task.percent.max(i64::from(percent));
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
        audit::append(
            c,
            &audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action,
                entity: "plan",
                entity_id: &id.to_string(),
                before,
                after,
            },
        )
        .await?;
        Ok(())
    }
}
