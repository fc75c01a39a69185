//! The handling steps (办理): each is one domain event, checked against the process and the
//! clock, written with its timeline entry, letter and audit record in one transaction.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::application::{
    ApplicationEvent, ApplicationStatus, CaseRecord, Fee, FeeBasis, ReplyOutcome, ReviewKind,
    ReviewResult,
};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::applications::{self as store, ApplicationState, CaseRow, NewEvent};
use gongkai_store::{audit, users};

use super::{date, letters, process_events, replay};
use crate::{App, AppError, AppResult, Origin, now_ms, today};

/// What a staff member does to an application.
#[derive(Debug, Clone)]
pub enum StaffAction {
    /// One notice listing everything missing (补正通知, within 7 working days of receipt).
    RequestSupplement {
        items: String,
    },
    /// The supplemented application arrived: the 20-day clock restarts.
    ReceiveSupplement {
        on: Option<NaiveDate>,
    },
    /// The applicant did not supplement in time: closed as 其他处理 1.
    SupplementOverdue,
    /// Hand the application to a body (and officer) for handling.
    Assign {
        body_code: String,
        officer_login: Option<String>,
    },
    /// The assigned officer takes it up.
    Accept,
    /// Third-party consultation (第三十二条): the clock stops, the third party has 15 working days.
    ConsultThirdParty {
        party: String,
        on: Option<NaiveDate>,
    },
    /// Consultation of other bodies (第三十四条): the clock stops, 15 working days.
    ConsultBodies {
        bodies: String,
        on: Option<NaiveDate>,
    },
    /// The answer came in (or the period ran out).
    EndConsultation {
        on: Option<NaiveDate>,
        note: String,
    },
    /// Fee notice (按件 or 按量, never both).
    SendFeeNotice {
        pages: Option<u32>,
    },
    PayFee {
        on: Option<NaiveDate>,
    },
    FeeOverdue,
    /// The one extension of 20 working days, approved by the acting reviewer (第三十三条).
    Extend {
        reason: String,
    },
    /// Draft reply with exactly one outcome.
    SubmitDraft {
        outcome: ReplyOutcome,
        reply_text: String,
    },
    /// Approve the draft: the reply letter is issued.
    Approve,
    /// Return the draft to the officer.
    Reject {
        note: String,
    },
    /// The applicant withdrew (closed as 其他处理 3).
    Withdraw {
        note: String,
    },
    Archive,
    /// Record the decision of a case recorded earlier as pending.
    DecideCase {
        case_id: i64,
        result: ReviewResult,
        decided_on: NaiveDate,
    },
    /// Record a reconsideration or litigation case and its result.
    RecordCase {
        kind: ReviewKind,
        result: ReviewResult,
        filed_on: NaiveDate,
        decided_on: Option<NaiveDate>,
        note: String,
    },
}

impl StaffAction {
    /// The permission the step needs on the application's body.
    fn needs(&self) -> Action {
        match self {
            StaffAction::Extend { .. } | StaffAction::Approve | StaffAction::Reject { .. } => {
                Action::ApproveApplication
            }
            _ => Action::HandleApplication,
        }
    }

    /// The note kept on the timeline.
    fn note(&self) -> String {
        match self {
            StaffAction::RequestSupplement { items } => items.clone(),
            StaffAction::ConsultThirdParty { party, .. } => party.clone(),
            StaffAction::ConsultBodies { bodies, .. } => bodies.clone(),
            StaffAction::EndConsultation { note, .. }
            | StaffAction::Reject { note }
            | StaffAction::Withdraw { note }
            | StaffAction::RecordCase { note, .. } => note.clone(),
            StaffAction::Extend { reason } => reason.clone(),
            StaffAction::SubmitDraft { outcome, .. } => outcome.label_zh().to_owned(),
            _ => String::new(),
        }
    }
}

/// A date the officer reports (default today): not in the future, not before the previous
/// step (the timeline runs forward).
fn event_date(on: Option<NaiveDate>, previous: NaiveDate) -> AppResult<NaiveDate> {
    let on = on.unwrap_or_else(today);
    if on > today() {
        return Err(AppError::field("on", "日期不能晚于今天"));
    }
    if on < previous {
        return Err(AppError::field(
            "on",
            format!("日期不能早于上一办理环节的日期（{previous}）"),
        ));
    }
    Ok(on)
}

/// Refuses `case` when it cannot be recorded beside the application's `other` cases.
fn check_case(case: &CaseRecord, received: NaiveDate, other: &[&CaseRow]) -> AppResult<()> {
    let earlier: Vec<CaseRecord> = other
        .iter()
        .filter_map(|c| {
            Some(CaseRecord {
                kind: ReviewKind::parse(&c.kind)?,
                result: ReviewResult::parse(&c.result)?,
                filed_on: NaiveDate::parse_from_str(&c.filed_on, "%Y-%m-%d").ok()?,
                decided_on: c
                    .decided_on
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            })
        })
        .collect();
    let problems = case.problems(received, today(), &earlier);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(problems))
    }
}

fn required(text: &str, field: &'static str, message: &str) -> AppResult<()> {
    if text.trim().is_empty() {
        return Err(AppError::field(field, message));
    }
    Ok(())
}

impl App {
    /// Performs one handling step on application `id`.
    pub async fn act_on_application(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        action: StaffAction,
    ) -> AppResult<()> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let row = store::by_id(&mut tx, id)
            .await?
            .filter(|r| actor.can(Action::ViewApplications, r.body_id))
            .ok_or(AppError::NotFound("application"))?;
        if !actor.can(action.needs(), row.body_id) {
            return Err(AppError::Forbidden);
        }
        let received = date(&row.received_on)?;
        let stored = store::events(&mut tx, id).await?;
        let mut events = process_events(&stored)?;
        let cal = self.calendar();
        let params = self.clock_params();
        let (process, before) = replay(&cal, &params, received, &events)?;
        let previous = events.last().map_or(received, |(_, d)| *d);

        if let StaffAction::DecideCase {
            case_id,
            result,
            decided_on,
        } = &action
        {
            let cases = store::cases(&mut tx, id).await?;
            let case = cases
                .iter()
                .find(|c| c.id == *case_id)
                .cloned()
                .ok_or(AppError::NotFound("case"))?;
            if *result == ReviewResult::Pending {
                return Err(AppError::field("result", "请选择审结结果"));
            }
            let kind = ReviewKind::parse(&case.kind).ok_or_else(|| {
                AppError::Internal(format!("case {case_id} has kind {}", case.kind))
            })?;
            let decided = CaseRecord {
                kind,
                result: *result,
                filed_on: date(&case.filed_on)?,
                decided_on: Some(*decided_on),
            };
            let others: Vec<_> = cases.iter().filter(|c| c.id != *case_id).collect();
            check_case(&decided, received, &others)?;
            store::decide_case(&mut tx, *case_id, result.as_str(), &decided_on.to_string()).await?;
            let note = format!("{}：{}", kind.heading_zh(), result.label_zh());
            self.timeline(
                &mut tx,
                id,
                "record_case",
                *decided_on,
                &actor.login,
                &note,
                "{}",
                false,
                now,
            )
            .await?;
            let before = serde_json::json!({"case": case_id, "result": case.result, "decided_on": case.decided_on});
            let after = serde_json::json!({"case": case_id, "result": result.as_str(), "decided_on": decided_on.to_string()});
            self.audit_step(
                &mut tx,
                actor,
                origin,
                id,
                "application.case_decided",
                &before.to_string(),
                &after.to_string(),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        if let StaffAction::RecordCase {
            kind,
            result,
            filed_on,
            decided_on,
            note,
        } = &action
        {
            let recorded = CaseRecord {
                kind: *kind,
                result: *result,
                filed_on: *filed_on,
                decided_on: *decided_on,
            };
            let earlier = store::cases(&mut tx, id).await?;
            check_case(&recorded, received, &earlier.iter().collect::<Vec<_>>())?;
            store::insert_case(
                &mut tx,
                &CaseRow {
                    id: 0,
                    application_id: id,
                    kind: kind.as_str().to_owned(),
                    result: result.as_str().to_owned(),
                    filed_on: filed_on.to_string(),
                    decided_on: decided_on.map(|d| d.to_string()),
                    note: note.clone(),
                },
                now,
            )
            .await?;
            let named = match note.trim() {
                "" => format!("{}：{}", kind.heading_zh(), result.label_zh()),
                n => format!("{}：{}（{n}）", kind.heading_zh(), result.label_zh()),
            };
            self.timeline(
                &mut tx,
                id,
                "record_case",
                *filed_on,
                &actor.login,
                &named,
                "{}",
                false,
                now,
            )
            .await?;
            self.audit_step(
                &mut tx,
                actor,
                origin,
                id,
                "application.case",
                "",
                &format!("{}:{}", kind.as_str(), result.as_str()),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }

        let mut state = ApplicationState::from(&row);
        let mut late_note: Option<String> = None;
        let (event, on) = match &action {
            StaffAction::RequestSupplement { items } => {
                required(items, "items", "请列明需要补正的全部内容（一次性告知）")?;
                if today() > before.supplement_notice_due {
                    late_note = Some(format!(
                        "（补正通知应于{}前发出，已逾期：答复期限不因补正中止，仍自收到申请之日起计算）",
                        before.supplement_notice_due
                    ));
                }
                (ApplicationEvent::RequestSupplement, today())
            }
            StaffAction::ReceiveSupplement { on } => (
                ApplicationEvent::ReceiveSupplement,
                event_date(*on, previous)?,
            ),
            StaffAction::SupplementOverdue => {
                if before.supplement_due.is_none_or(|d| today() <= d) {
                    return Err(AppError::InvalidState("补正期限尚未届满".into()));
                }
                (ApplicationEvent::SupplementOverdue, today())
            }
            StaffAction::Assign {
                body_code,
                officer_login,
            } => {
                let body = self.body_by_code(body_code).await?;
                if !actor.can(Action::HandleApplication, body.id) && body.id != row.body_id {
                    return Err(AppError::Forbidden);
                }
                let officer = match officer_login
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    Some(login) => {
                        let u = users::by_login(&mut tx, login)
                            .await?
                            .ok_or_else(|| AppError::field("officer", "经办人不存在"))?;
                        let grants = users::grants_of(&mut tx, u.id).await?;
                        if !grants
                            .iter()
                            .any(|g| g.body_id == body.id && g.role == "officer")
                        {
                            return Err(AppError::field("officer", "经办人须是该机关的信息员"));
                        }
                        Some(u.id)
                    }
                    None => None,
                };
                state.body_id = body.id;
                state.officer_id = officer;
                (
                    ApplicationEvent::Assign {
                        body_id: body.id,
                        officer_id: officer,
                    },
                    today(),
                )
            }
            StaffAction::Accept => (ApplicationEvent::Accept, today()),
            StaffAction::ConsultThirdParty { party, on } => {
                required(party, "party", "请填写被征求意见的第三方")?;
                (
                    ApplicationEvent::ConsultThirdParty,
                    event_date(*on, previous)?,
                )
            }
            StaffAction::ConsultBodies { bodies, on } => {
                required(bodies, "party", "请填写被征求意见的机关")?;
                (ApplicationEvent::ConsultBodies, event_date(*on, previous)?)
            }
            StaffAction::EndConsultation { on, .. } => (
                ApplicationEvent::EndConsultation,
                event_date(*on, previous)?,
            ),
            StaffAction::SendFeeNotice { pages } => {
                // One method per application, never both: so one notice only.
                if events
                    .iter()
                    .any(|(e, _)| matches!(e, ApplicationEvent::SendFeeNotice))
                {
                    return Err(AppError::InvalidState(
                        "收费通知只能发出一次（按件或按量，不能两者并用）".into(),
                    ));
                }
                let fee = match pages {
                    Some(p) => Fee::new(FeeBasis::PerPage { pages: *p }),
                    None => {
                        let nth = self.nth_application_in_month(&mut tx, &row).await?;
                        Fee::new(FeeBasis::PerApplication { nth_in_month: nth })
                    }
                };
                if fee.is_free() {
                    return Err(AppError::InvalidState(format!(
                        "按规定不收费（{}），无需发出收费通知",
                        fee.description_zh()
                    )));
                }
                state.fee_method = Some(fee.method().as_str().to_owned());
                state.fee_amount = i64::from(fee.amount_yuan());
                (ApplicationEvent::SendFeeNotice, today())
            }
            StaffAction::PayFee { on } => (ApplicationEvent::PayFee, event_date(*on, previous)?),
            StaffAction::FeeOverdue => {
                if before.fee_due.is_none_or(|d| today() <= d) {
                    return Err(AppError::InvalidState("缴费期限尚未届满".into()));
                }
                (ApplicationEvent::FeeOverdue, today())
            }
            StaffAction::Extend { reason } => {
                required(reason, "reason", "请说明延期的理由")?;
                if let Some(refusal) = before.extend_refusal(today()) {
                    return Err(AppError::InvalidState(refusal.into()));
                }
                (
                    ApplicationEvent::Extend {
                        approved_by: actor.user_id,
                    },
                    today(),
                )
            }
            StaffAction::SubmitDraft {
                outcome,
                reply_text,
            } => {
                if outcome.is_automatic() {
                    return Err(AppError::field(
                        "outcome",
                        "该处理结果在补正或缴费期限届满后由“逾期未补正/逾期未缴费”操作记录，不能作为答复结果选择",
                    ));
                }
                required(
                    reply_text,
                    "reply_text",
                    "请填写答复内容（告知的事实、理由和依据）",
                )?;
                state.reply_text = reply_text.trim().to_owned();
                (ApplicationEvent::SubmitDraft { outcome: *outcome }, today())
            }
            StaffAction::Approve => {
                let drafter = stored
                    .iter()
                    .rev()
                    .find(|e| e.kind == "submit_draft")
                    .map(|e| e.actor.clone());
                if drafter.as_deref() == Some(actor.login.as_str()) {
                    return Err(AppError::InvalidState("不能审核本人起草的答复".into()));
                }
                (ApplicationEvent::Approve, today())
            }
            StaffAction::Reject { note } => {
                required(note, "note", "退回时请填写审核意见")?;
                (ApplicationEvent::Reject, today())
            }
            StaffAction::Withdraw { note } => {
                required(
                    note,
                    "note",
                    "请写明申请人撤回的方式和日期，如“申请人书面撤回”",
                )?;
                (ApplicationEvent::Withdraw, today())
            }
            StaffAction::Archive => (ApplicationEvent::Archive, today()),
            StaffAction::RecordCase { .. } | StaffAction::DecideCase { .. } => unreachable_case()?,
        };
        let next = process
            .apply(&event)
            .map_err(|e| AppError::InvalidState(e.message_zh()))?;
        events.push((event, on));
        let (_, after) = replay(&cal, &params, received, &events)?;
        state.status = next.status.as_str().to_owned();
        state.outcome = next.outcome.map(|o| o.code().to_owned());
        state.reply_due_on = after.reply_due_on(today()).map(|d| d.to_string());
        state.paused = after.reply_due_on(today()).is_none() && next.status.is_open();
        state.extended = next.extended;
        if matches!(
            next.status,
            ApplicationStatus::Replied | ApplicationStatus::Closed
        ) {
            state.closed_on = Some(on.to_string());
        }
        store::update_state(&mut tx, id, &state, now).await?;
        let data = serde_json::to_string(&event).map_err(|e| AppError::Internal(e.to_string()))?;
        // Internal steps and third parties' names and opinions stay off the applicant's page.
        let public = !matches!(
            event,
            ApplicationEvent::Assign { .. }
                | ApplicationEvent::SubmitDraft { .. }
                | ApplicationEvent::Reject
                | ApplicationEvent::ConsultThirdParty
                | ApplicationEvent::ConsultBodies
                | ApplicationEvent::EndConsultation
        );
        self.timeline(
            &mut tx,
            id,
            event.name(),
            on,
            &actor.login,
            &format!("{}{}", action.note(), late_note.unwrap_or_default()),
            &data,
            public,
            now,
        )
        .await?;
        let body = gongkai_store::bodies::by_id(&mut tx, state.body_id)
            .await?
            .ok_or(AppError::NotFound("body"))?;
        let ctx = letters::LetterContext {
            row: &row,
            body_name: &body.name,
            state: &state,
            clock: &after,
            on,
        };
        if let Some(letter) = letters::for_step(&ctx, &event, &action) {
            store::insert_letter(
                &mut tx,
                id,
                &letter.kind,
                &letter.title,
                &letter.body,
                &on.to_string(),
                now,
            )
            .await?;
        }
        let before_json =
            serde_json::json!({"status": row.status, "reply_due_on": row.reply_due_on});
        let after_json = serde_json::json!({"status": state.status, "reply_due_on": state.reply_due_on,
            "outcome": state.outcome, "body_id": state.body_id, "officer_id": state.officer_id});
        self.audit_step(
            &mut tx,
            actor,
            origin,
            id,
            &format!("application.{}", event.name()),
            &before_json.to_string(),
            &after_json.to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Which application of the calendar month this is for the same applicant (按件计收).
    async fn nth_application_in_month(
        &self,
        conn: &mut gongkai_store::Conn,
        row: &gongkai_store::applications::ApplicationRow,
    ) -> AppResult<u32> {
        let received = date(&row.received_on)?;
        let first = received.with_day(1).unwrap_or(received);
        let n =
            store::count_same_applicant(conn, row, &first.to_string(), &row.received_on).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX).max(1))
    }

    #[allow(clippy::too_many_arguments)]
    async fn timeline(
        &self,
        conn: &mut gongkai_store::Conn,
        id: i64,
        kind: &str,
        on: NaiveDate,
        actor: &str,
        note: &str,
        data: &str,
        public: bool,
        now: i64,
    ) -> AppResult<()> {
        store::insert_event(
            conn,
            &NewEvent {
                application_id: id,
                kind,
                on_date: &on.to_string(),
                actor,
                note,
                data,
                public,
            },
            now,
        )
        .await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_step(
        &self,
        conn: &mut gongkai_store::Conn,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        action: &str,
        before: &str,
        after: &str,
        now: i64,
    ) -> AppResult<()> {
        audit::append(
            conn,
            &audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action,
                entity: "application",
                entity_id: &id.to_string(),
                before,
                after,
            },
        )
        .await?;
        Ok(())
    }
}

/// `RecordCase` is handled before the event mapping.
fn unreachable_case() -> AppResult<(ApplicationEvent, NaiveDate)> {
    Err(AppError::Internal(
        "case recording reached the event mapping".into(),
    ))
}
