//! Deadline reminders (到期提醒): in-app notifications to the officers handling an application
//! when its reply is due within 3 working days or overdue, and to the city office when it is
//! overdue; each sent once per deadline, and e-mailed when an SMTP relay is configured.

use gongkai_domain::application::Urgency;
use gongkai_domain::role::Actor;
use gongkai_store::applications::{self as store, QueueOrder};
use gongkai_store::{notifications, users};

use super::OPEN_STATUSES;
use crate::{App, AppResult, now_ms};

/// Where reminder e-mails go out (an internal relay; plain SMTP on the given port).
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender, e.g. `政务公开平台 <noreply@haizhou.gov.cn>`.
    pub from: String,
}

/// The deadline a paused application is waiting on, once it has passed: the applicant's
/// supplement or the fee. The law closes such applications (其他处理); the officer records it.
fn paused_deadline(a: &super::Application) -> Option<String> {
    use gongkai_domain::application::ApplicationStatus;
    let today = crate::today();
    match a.status {
        ApplicationStatus::SupplementRequested => {
            a.clock.supplement_due.filter(|d| today > *d).map(|d| {
                format!(
                    "申请 {} 的补正期限（{d}）已过，请登记补正或终止办理",
                    a.row.tracking_number
                )
            })
        }
        ApplicationStatus::AwaitingFee => a.clock.fee_due.filter(|d| today > *d).map(|d| {
            format!(
                "申请 {} 的缴费期限（{d}）已过，请登记缴费或终止办理",
                a.row.tracking_number
            )
        }),
        _ => None,
    }
}

impl App {
    /// Creates the reminders that are due and e-mails the unsent ones; returns how many new
    /// reminders were created. Run periodically by the server.
    pub async fn send_reminders(&self) -> AppResult<usize> {
        let now = now_ms();
        let mut c = self.db().read().await?;
        let every_open = store::QueueFilter {
            statuses: &OPEN_STATUSES,
            ..Default::default()
        };
        let (rows, _) =
            store::queue(&mut c, &every_open, QueueOrder::MostUrgent, 10_000, 0).await?;
        let mut created = 0;
        for row in rows {
            let a = self.load_application(&mut c, row).await?;
            let (level, text) = match a.urgency {
                Urgency::Overdue { .. } => (
                    "overdue",
                    format!(
                        "申请 {} 已逾期（{}）",
                        a.row.tracking_number,
                        a.urgency.message_zh()
                    ),
                ),
                Urgency::DueSoon { .. } => (
                    "due_soon",
                    format!(
                        "申请 {} 即将到期（{}）",
                        a.row.tracking_number,
                        a.urgency.message_zh()
                    ),
                ),
                Urgency::Paused => match paused_deadline(&a) {
                    Some(text) => ("action_needed", text),
                    None => continue,
                },
                _ => continue,
            };
            // The deadline the reminder is about: the reply, or the passed supplement/fee one.
            let due = a
                .row
                .reply_due_on
                .clone()
                .or_else(|| a.clock.supplement_due.map(|d| d.to_string()))
                .or_else(|| a.clock.fee_due.map(|d| d.to_string()))
                .unwrap_or_default();
            let mut recipients = match a.row.officer_id {
                Some(id) => users::by_id(&mut c, id).await?.into_iter().collect(),
                None => users::with_role(&mut c, "officer", Some(a.row.body_id)).await?,
            };
            if level == "overdue" {
                recipients.extend(users::with_role(&mut c, "city_office", None).await?);
            }
            for u in recipients {
                let key = format!("application:{}:{level}:{due}:{}", a.row.id, u.id);
                if notifications::insert_once(
                    &mut c,
                    u.id,
                    level,
                    "application",
                    a.row.id,
                    &text,
                    &key,
                    now,
                )
                .await?
                {
                    created += 1;
                }
            }
        }
        created += self.plan_reminders(&mut c, now).await?;
        drop(c);
        self.email_unsent().await?;
        Ok(created)
    }

    /// Work-plan tasks due within ten days or overdue, and milestones due within three: the
    /// officers of the bodies responsible (lead and co-responsible) are told once per deadline.
    async fn plan_reminders(&self, c: &mut gongkai_store::Conn, now: i64) -> AppResult<usize> {
        use gongkai_store::plans;
        let today = crate::today();
        let mut created = 0;
        let horizon = (today + chrono::Duration::days(10)).to_string();
        for t in plans::open_tasks_due_by(c, &horizon).await? {
            let due = t.due_on.clone().unwrap_or_default();
            let late = due < today.to_string();
            let (level, text) = if late {
                (
                    "task_overdue",
                    format!("工作要点任务 {} 已逾期（时限 {due}）", t.code),
                )
            } else {
                (
                    "task_due_soon",
                    format!("工作要点任务 {} 将于 {due} 到期", t.code),
                )
            };
            created += self
                .tell_task_bodies(c, t.id, t.id, level, &text, &due, now)
                .await?;
        }
        let soon = (today + chrono::Duration::days(3)).to_string();
        let plan_ids: Vec<i64> = plans::plans(c).await?.into_iter().map(|p| p.id).collect();
        for plan in plan_ids {
            for m in plans::milestones(c, plan).await? {
                if m.done_on.is_some() || m.due_on > soon {
                    continue;
                }
                let text = format!("工作要点节点“{}”时限 {}", m.title, m.due_on);
                created += self
                    .tell_task_bodies(c, m.task_id, m.id, "milestone", &text, &m.due_on, now)
                    .await?;
            }
        }
        Ok(created)
    }

    #[allow(clippy::too_many_arguments)]
    async fn tell_task_bodies(
        &self,
        c: &mut gongkai_store::Conn,
        task_id: i64,
        key_id: i64,
        level: &str,
        text: &str,
        due: &str,
        now: i64,
    ) -> AppResult<usize> {
        let mut created = 0;
        // Lead and co-responsible bodies alike: both report on the task.
        for (body, _role) in gongkai_store::plans::bodies_of_task(c, task_id).await? {
            for u in users::with_role(c, "officer", Some(body)).await? {
                let key = format!("plan:{level}:{key_id}:{due}:{}", u.id);
                if notifications::insert_once(c, u.id, level, "plan_task", task_id, text, &key, now)
                    .await?
                {
                    created += 1;
                }
            }
        }
        Ok(created)
    }

    async fn email_unsent(&self) -> AppResult<()> {
        let Some(smtp) = self.config().smtp.clone() else {
            return Ok(());
        };
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .build();
        let from = smtp
            .from
            .parse()
            .map_err(|e| crate::AppError::Internal(format!("smtp sender {}: {e}", smtp.from)))?;
        let mut c = self.db().read().await?;
        for n in notifications::unsent(&mut c, 200).await? {
            let Some(user) = users::by_id(&mut c, n.user_id).await? else {
                continue;
            };
            let now = now_ms();
            let Ok(to) = user.email.parse() else {
                // No usable address: nothing to send, do not retry.
                notifications::mark_emailed(&mut c, n.id, now).await?;
                continue;
            };
            let message = Message::builder()
                .from(Clone::clone(&from))
                .to(to)
                .subject(format!("【政务公开】{}", n.message))
                .body(format!(
                    "{}：\n\n{}\n\n请登录工作台办理。",
                    user.display_name, n.message
                ))
                .map_err(|e| crate::AppError::Internal(format!("building reminder mail: {e}")))?;
            match transport.send(message).await {
                Ok(_) => notifications::mark_emailed(&mut c, n.id, now).await?,
                Err(e) => {
                    tracing::warn!(error = %e, "reminder mail not sent; will retry");
                    break;
                }
            }
        }
        Ok(())
    }

    /// The actor's latest reminders and how many are unread.
    pub async fn notifications(
        &self,
        actor: &Actor,
    ) -> AppResult<(Vec<notifications::NotificationRow>, i64)> {
        let mut c = self.db().read().await?;
        Ok((
            notifications::for_user(&mut c, actor.user_id, 30).await?,
            notifications::unread_count(&mut c, actor.user_id).await?,
        ))
    }

    /// Marks all of the actor's reminders read.
    pub async fn mark_notifications_read(&self, actor: &Actor) -> AppResult<()> {
        let mut c = self.db().read().await?;
        notifications::mark_read(&mut c, actor.user_id, now_ms()).await?;
        Ok(())
    }
}
