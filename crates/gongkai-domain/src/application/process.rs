//! The handling of an application (办理流程): register → (supplement) → assign → handle
//! (consultations, fee notice, one extension) → draft reply → review → reply → archive.
//!
//! [`transition`] is the status table. [`Process`] adds the rules that the status alone
//! cannot carry (one extension only; 补正后申请内容仍不明确 only after a supplement) and
//! tracks the outcome. [`ApplicationEvent::clock_event`] gives the matching
//! [`ClockEvent`] so the clock and the status are fed from the same events.
//!
//! The extension is one event, [`ApplicationEvent::Extend`], carrying the user who
//! approved it (the head of the disclosure office, 第三十三条); whether that user holds the
//! approving role is checked by the application layer, like every authorisation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clock::{ClockEvent, StopReason};
use super::outcome::ReplyOutcome;

str_enum! {
    /// Status of an application (办理状态).
    pub enum ApplicationStatus {
        /// 已登记: received and registered, completeness not yet decided.
        Registered => "registered", "已登记", "Registered";
        /// 待补正: the one supplement notice went out; the applicant is supplementing.
        SupplementRequested => "supplement_requested", "待补正", "Waiting for more information from you";
        /// 已补正: the supplemented application was received; the clock restarted.
        Supplemented => "supplemented", "已补正", "Additional information received";
        /// 已分办: assigned to a body and officer, not yet taken up.
        Assigned => "assigned", "已分办", "Assigned";
        InProgress => "in_progress", "办理中", "In progress";
        /// Clock stopped (第三十二条).
        ConsultingThirdParty => "consulting_third_party", "征求第三方意见中", "Consulting a third party";
        /// Clock stopped (第三十四条).
        ConsultingBodies => "consulting_bodies", "征求其他机关意见中", "Consulting other authorities";
        /// Fee notice sent, not yet paid.
        AwaitingFee => "awaiting_fee", "待缴费", "Awaiting fee";
        /// The draft reply (with its outcome) waits for review.
        InReview => "in_review", "待审核", "Reply under review";
        /// 已答复: the reply letter was sent.
        Replied => "replied", "已答复", "Replied";
        /// 已终止: closed without a reply (supplement or fee deadline missed, withdrawn).
        Closed => "closed", "已终止", "Closed without a reply";
        Archived => "archived", "已归档", "Archived";
    }
}

impl ApplicationStatus {
    /// Whether the application is still being handled (counts as 结转 at year end).
    pub const fn is_open(self) -> bool {
        !matches!(
            self,
            ApplicationStatus::Replied | ApplicationStatus::Closed | ApplicationStatus::Archived
        )
    }
}

/// Something that happens to an application (办理操作).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum ApplicationEvent {
    /// 要求补正: the one notice listing everything to supplement (第三十条).
    RequestSupplement,
    /// 收到补正: the reply clock restarts from this day.
    ReceiveSupplement,
    /// 逾期未补正: closed as 其他处理 1.
    SupplementOverdue,
    /// 分办 to a body (and officer); also re-assignment.
    Assign {
        body_id: i64,
        officer_id: Option<i64>,
    },
    /// 开始办理: the assigned officer takes the application up.
    Accept,
    /// 征求第三方意见: the clock stops; the third party has 15 working days.
    ConsultThirdParty,
    /// 征求其他机关意见: the clock stops; 15 working days, silence is consent.
    ConsultBodies,
    /// 收到意见 (or the consulted party's period ended): the clock resumes.
    EndConsultation,
    /// 发出收费通知.
    SendFeeNotice,
    /// 缴纳费用.
    PayFee,
    /// 逾期未缴费: closed as 其他处理 2.
    FeeOverdue,
    /// 延长答复期限: the one extension of 20 working days, approved by `approved_by`.
    Extend { approved_by: i64 },
    /// 提交答复稿 with exactly one outcome, for review.
    SubmitDraft { outcome: ReplyOutcome },
    /// 审核通过: the reply is sent.
    Approve,
    /// 退回修改: back to the officer.
    Reject,
    /// 撤回申请 by the applicant: closed as 其他处理 3 (其他).
    Withdraw,
    /// 归档.
    Archive,
}

impl ApplicationEvent {
    /// Stable ASCII name of the event (its serde tag).
    pub const fn name(&self) -> &'static str {
        match self {
            ApplicationEvent::RequestSupplement => "request_supplement",
            ApplicationEvent::ReceiveSupplement => "receive_supplement",
            ApplicationEvent::SupplementOverdue => "supplement_overdue",
            ApplicationEvent::Assign { .. } => "assign",
            ApplicationEvent::Accept => "accept",
            ApplicationEvent::ConsultThirdParty => "consult_third_party",
            ApplicationEvent::ConsultBodies => "consult_bodies",
            ApplicationEvent::EndConsultation => "end_consultation",
            ApplicationEvent::SendFeeNotice => "send_fee_notice",
            ApplicationEvent::PayFee => "pay_fee",
            ApplicationEvent::FeeOverdue => "fee_overdue",
            ApplicationEvent::Extend { .. } => "extend",
            ApplicationEvent::SubmitDraft { .. } => "submit_draft",
            ApplicationEvent::Approve => "approve",
            ApplicationEvent::Reject => "reject",
            ApplicationEvent::Withdraw => "withdraw",
            ApplicationEvent::Archive => "archive",
        }
    }

    /// Chinese label of the event.
    pub const fn label_zh(&self) -> &'static str {
        event_label_zh(self.name())
    }

    /// The outcome an event closes the application with, without a drafted reply:
    /// 其他处理 1, 2 or 3.
    pub const fn closing_outcome(&self) -> Option<ReplyOutcome> {
        match self {
            ApplicationEvent::SupplementOverdue => Some(ReplyOutcome::OtherSupplementOverdue),
            ApplicationEvent::FeeOverdue => Some(ReplyOutcome::OtherFeeUnpaid),
            ApplicationEvent::Withdraw => Some(ReplyOutcome::OtherOther),
            _ => None,
        }
    }

    /// The clock event that this event, happening on `date`, feeds to
    /// [`crate::application::clock()`]; `None` if it does not move the clock. For the fee
    /// notice, pass the day the applicant received it.
    pub const fn clock_event(&self, date: NaiveDate) -> Option<ClockEvent> {
        Some(match self {
            ApplicationEvent::RequestSupplement => ClockEvent::SupplementRequested(date),
            ApplicationEvent::ReceiveSupplement => ClockEvent::SupplementReceived(date),
            ApplicationEvent::ConsultThirdParty => ClockEvent::StopStarted {
                date,
                reason: StopReason::ThirdParty,
            },
            ApplicationEvent::ConsultBodies => ClockEvent::StopStarted {
                date,
                reason: StopReason::OtherBodies,
            },
            ApplicationEvent::SendFeeNotice => ClockEvent::StopStarted {
                date,
                reason: StopReason::FeeNotice,
            },
            ApplicationEvent::EndConsultation | ApplicationEvent::PayFee => {
                ClockEvent::StopEnded(date)
            }
            ApplicationEvent::Extend { .. } => ClockEvent::Extended(date),
            ApplicationEvent::SupplementOverdue
            | ApplicationEvent::FeeOverdue
            | ApplicationEvent::Withdraw
            | ApplicationEvent::Approve => ClockEvent::Closed(date),
            ApplicationEvent::Assign { .. }
            | ApplicationEvent::Accept
            | ApplicationEvent::SubmitDraft { .. }
            | ApplicationEvent::Reject
            | ApplicationEvent::Archive => return None,
        })
    }
}

/// Chinese label for an [`ApplicationEvent::name`] (also for names read back from storage);
/// `其他办理事项` if unknown.
pub const fn event_label_zh(name: &str) -> &'static str {
    match name.as_bytes() {
        b"request_supplement" => "要求补正",
        b"receive_supplement" => "收到补正",
        b"supplement_overdue" => "逾期未补正",
        b"assign" => "分办",
        b"accept" => "开始办理",
        b"consult_third_party" => "征求第三方意见",
        b"consult_bodies" => "征求其他机关意见",
        b"end_consultation" => "收到意见",
        b"send_fee_notice" => "发出收费通知",
        b"pay_fee" => "缴纳费用",
        b"fee_overdue" => "逾期未缴费",
        b"extend" => "延长答复期限",
        b"submit_draft" => "提交答复稿",
        b"approve" => "审核通过，作出答复",
        b"reject" => "退回修改",
        b"withdraw" => "撤回申请",
        b"archive" => "归档",
        _ => "其他办理事项",
    }
}

/// English label of an event, as [`event_label_zh`] (shown to applicants who chose English).
pub const fn event_label_en(name: &str) -> &'static str {
    match name.as_bytes() {
        b"request_supplement" => "More information requested",
        b"receive_supplement" => "Additional information received",
        b"supplement_overdue" => "More information not given in time",
        b"assign" => "Assigned",
        b"accept" => "Handling started",
        b"consult_third_party" => "Third party consulted",
        b"consult_bodies" => "Other authorities consulted",
        b"end_consultation" => "Opinions received",
        b"send_fee_notice" => "Fee notice sent",
        b"pay_fee" => "Fee paid",
        b"fee_overdue" => "Fee not paid in time",
        b"extend" => "Reply period extended",
        b"submit_draft" => "Draft reply submitted",
        b"approve" => "Reply approved and sent",
        b"reject" => "Draft reply returned",
        b"withdraw" => "Request withdrawn",
        b"archive" => "Archived",
        _ => "Other step",
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "refusal", content = "outcome")]
pub enum TransitionRefusal {
    /// The status does not allow the event.
    NotAllowed,
    /// The reply period was already extended once.
    AlreadyExtended,
    /// The outcome is recorded automatically (其他处理 1 and 2), never drafted.
    AutomaticOutcome(ReplyOutcome),
    /// 补正后申请内容仍不明确 drafted for an application that was never supplemented.
    NoSupplementRequested,
}

/// An event that the application's state does not allow (非法状态转换).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event {event_name} is not allowed in state {from} ({refusal:?})")]
pub struct TransitionError {
    pub from: ApplicationStatus,
    /// [`ApplicationEvent::name`] of the refused event.
    pub event_name: &'static str,
    pub refusal: TransitionRefusal,
}

impl TransitionError {
    /// E.g. `当前状态（已答复）不允许该操作：要求补正`.
    pub fn message_zh(&self) -> String {
        match self.refusal {
            TransitionRefusal::NotAllowed => format!(
                "当前状态（{}）不允许该操作：{}",
                self.from.label_zh(),
                event_label_zh(self.event_name)
            ),
            TransitionRefusal::AlreadyExtended => {
                "答复期限只能延长一次，本申请已经延长过".to_owned()
            }
            TransitionRefusal::AutomaticOutcome(o) => format!(
                "“{}”由系统在申请人逾期后自动记录，不能作为答复稿的处理结果",
                o.label_zh()
            ),
            TransitionRefusal::NoSupplementRequested => format!(
                "本申请未经补正，不能以“{}”答复",
                ReplyOutcome::UnavailableUnclearAfterSupplement.label_zh()
            ),
        }
    }
}

/// The status table: the status after `event`, or an error if `from` does not allow it.
/// Also refuses a draft with an automatic outcome (其他处理 1 and 2). The once-only
/// extension and the supplement precondition are checked by [`Process::apply`].
pub fn transition(
    from: ApplicationStatus,
    event: &ApplicationEvent,
) -> Result<ApplicationStatus, TransitionError> {
    use ApplicationEvent as E;
    use ApplicationStatus::*;
    let refuse = |refusal| TransitionError {
        from,
        event_name: event.name(),
        refusal,
    };
    let to = match (from, event) {
        (Registered, E::RequestSupplement) => SupplementRequested,
        (SupplementRequested, E::ReceiveSupplement) => Supplemented,
        (SupplementRequested, E::SupplementOverdue) => Closed,
        (Registered | Supplemented | Assigned | InProgress, E::Assign { .. }) => Assigned,
        (Assigned, E::Accept) => InProgress,
        (InProgress, E::ConsultThirdParty) => ConsultingThirdParty,
        (InProgress, E::ConsultBodies) => ConsultingBodies,
        (ConsultingThirdParty | ConsultingBodies, E::EndConsultation) => InProgress,
        (InProgress, E::SendFeeNotice) => AwaitingFee,
        (AwaitingFee, E::PayFee) => InProgress,
        (AwaitingFee, E::FeeOverdue) => Closed,
        (InProgress, E::Extend { .. }) => InProgress,
        (InProgress, E::SubmitDraft { outcome }) => {
            if outcome.is_automatic() {
                return Err(refuse(TransitionRefusal::AutomaticOutcome(*outcome)));
            }
            InReview
        }
        (InReview, E::Approve) => Replied,
        (InReview, E::Reject) => InProgress,
        (from, E::Withdraw) if from.is_open() => Closed,
        (Replied | Closed, E::Archive) => Archived,
        _ => return Err(refuse(TransitionRefusal::NotAllowed)),
    };
    Ok(to)
}

/// The state of an application's handling (办理进度): the status and what the status
/// cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub status: ApplicationStatus,
    /// Whether the supplement notice went out.
    pub supplement_requested: bool,
    /// Whether the one extension was granted.
    pub extended: bool,
    /// The drafted outcome while in review; the final outcome once replied or closed.
    pub outcome: Option<ReplyOutcome>,
}

impl Default for Process {
    fn default() -> Self {
        Process::new()
    }
}

impl Process {
    /// A newly registered application.
    pub const fn new() -> Self {
        Process {
            status: ApplicationStatus::Registered,
            supplement_requested: false,
            extended: false,
            outcome: None,
        }
    }

    /// The state after `event`, or why it is refused.
    pub fn apply(&self, event: &ApplicationEvent) -> Result<Process, TransitionError> {
        let refuse = |refusal| TransitionError {
            from: self.status,
            event_name: event.name(),
            refusal,
        };
        let status = transition(self.status, event)?;
        let mut next = Process { status, ..*self };
        match event {
            ApplicationEvent::RequestSupplement => next.supplement_requested = true,
            ApplicationEvent::Extend { .. } => {
                if self.extended {
                    return Err(refuse(TransitionRefusal::AlreadyExtended));
                }
                next.extended = true;
            }
            ApplicationEvent::SubmitDraft { outcome } => {
                if outcome.requires_supplement() && !self.supplement_requested {
                    return Err(refuse(TransitionRefusal::NoSupplementRequested));
                }
                next.outcome = Some(*outcome);
            }
            ApplicationEvent::Reject => next.outcome = None,
            other => {
                if let Some(outcome) = other.closing_outcome() {
                    next.outcome = Some(outcome);
                }
            }
        }
        Ok(next)
    }

    /// Replays `events` from registration.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a ApplicationEvent>,
    ) -> Result<Process, TransitionError> {
        events
            .into_iter()
            .try_fold(Process::new(), |p, e| p.apply(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::clock::{ClockParams, clock};
    use crate::calendar::builtin;
    use ApplicationStatus::*;
    use chrono::Days;
    use proptest::prelude::*;

    const ASSIGN: ApplicationEvent = ApplicationEvent::Assign {
        body_id: 7,
        officer_id: Some(3),
    };
    const EXTEND: ApplicationEvent = ApplicationEvent::Extend { approved_by: 9 };
    const DRAFT: ApplicationEvent = ApplicationEvent::SubmitDraft {
        outcome: ReplyOutcome::Disclosed,
    };

    /// One representative of every event, in table column order.
    const EVENTS: [ApplicationEvent; 17] = [
        ApplicationEvent::RequestSupplement,
        ApplicationEvent::ReceiveSupplement,
        ApplicationEvent::SupplementOverdue,
        ASSIGN,
        ApplicationEvent::Accept,
        ApplicationEvent::ConsultThirdParty,
        ApplicationEvent::ConsultBodies,
        ApplicationEvent::EndConsultation,
        ApplicationEvent::SendFeeNotice,
        ApplicationEvent::PayFee,
        ApplicationEvent::FeeOverdue,
        EXTEND,
        DRAFT,
        ApplicationEvent::Approve,
        ApplicationEvent::Reject,
        ApplicationEvent::Withdraw,
        ApplicationEvent::Archive,
    ];

    fn check(
        from: ApplicationStatus,
        event: ApplicationEvent,
        expected: Option<ApplicationStatus>,
    ) {
        let got = transition(from, &event);
        match expected {
            Some(to) => assert_eq!(got, Ok(to), "{from:?} + {event:?}"),
            None => assert_eq!(
                got,
                Err(TransitionError {
                    from,
                    event_name: event.name(),
                    refusal: TransitionRefusal::NotAllowed,
                }),
                "{from:?} + {event:?}"
            ),
        }
    }

    #[test]
    fn transition_table() {
        const X: Option<ApplicationStatus> = None;
        const SRQ: Option<ApplicationStatus> = Some(SupplementRequested);
        const SUP: Option<ApplicationStatus> = Some(Supplemented);
        const ASG: Option<ApplicationStatus> = Some(Assigned);
        const PRG: Option<ApplicationStatus> = Some(InProgress);
        const CTP: Option<ApplicationStatus> = Some(ConsultingThirdParty);
        const CBD: Option<ApplicationStatus> = Some(ConsultingBodies);
        const FEE: Option<ApplicationStatus> = Some(AwaitingFee);
        const REV: Option<ApplicationStatus> = Some(InReview);
        const RPL: Option<ApplicationStatus> = Some(Replied);
        const CLS: Option<ApplicationStatus> = Some(Closed);
        const ARC: Option<ApplicationStatus> = Some(Archived);
        #[rustfmt::skip]
        let table: [(ApplicationStatus, [Option<ApplicationStatus>; 17]); 12] = [
            //                    ReqSup RcvSup SupOvd Assign Accept CnsTP CnsBd EndCns FeeNtc PayFee FeeOvd Extend Draft Approve Reject Withdr Archive
            (Registered,          [SRQ,  X,     X,     ASG,   X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (SupplementRequested, [X,    SUP,   CLS,   X,     X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (Supplemented,        [X,    X,     X,     ASG,   X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (Assigned,            [X,    X,     X,     ASG,   PRG,   X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (InProgress,          [X,    X,     X,     ASG,   X,     CTP,  CBD,  X,     FEE,   X,     X,     PRG,   REV,  X,      X,     CLS,   X]),
            (ConsultingThirdParty,[X,    X,     X,     X,     X,     X,    X,    PRG,   X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (ConsultingBodies,    [X,    X,     X,     X,     X,     X,    X,    PRG,   X,     X,     X,     X,     X,    X,      X,     CLS,   X]),
            (AwaitingFee,         [X,    X,     X,     X,     X,     X,    X,    X,     X,     PRG,   CLS,   X,     X,    X,      X,     CLS,   X]),
            (InReview,            [X,    X,     X,     X,     X,     X,    X,    X,     X,     X,     X,     X,     X,    RPL,    PRG,   CLS,   X]),
            (Replied,             [X,    X,     X,     X,     X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     X,     ARC]),
            (Closed,              [X,    X,     X,     X,     X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     X,     ARC]),
            (Archived,            [X,    X,     X,     X,     X,     X,    X,    X,     X,     X,     X,     X,     X,    X,      X,     X,     X]),
        ];
        assert_eq!(table.map(|(s, _)| s), ApplicationStatus::ALL);
        for (from, row) in table {
            for (event, expected) in EVENTS.into_iter().zip(row) {
                check(from, event, expected);
            }
        }
    }

    #[test]
    fn every_outcome_can_be_drafted_except_the_automatic_ones() {
        for outcome in ReplyOutcome::ALL {
            let got = transition(InProgress, &ApplicationEvent::SubmitDraft { outcome });
            if outcome.is_automatic() {
                let err = got.unwrap_err();
                assert_eq!(err.refusal, TransitionRefusal::AutomaticOutcome(outcome));
                assert!(err.message_zh().contains(outcome.label_zh()));
            } else {
                assert_eq!(got, Ok(InReview), "{outcome}");
            }
            // Outside InProgress the status decides first.
            assert_eq!(
                transition(Assigned, &ApplicationEvent::SubmitDraft { outcome })
                    .unwrap_err()
                    .refusal,
                TransitionRefusal::NotAllowed
            );
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(
            ApplicationStatus::ALL.map(ApplicationStatus::is_open),
            [
                true, true, true, true, true, true, true, true, true, false, false, false
            ]
        );
        assert_eq!(
            ApplicationStatus::ALL.map(ApplicationStatus::label_zh),
            [
                "已登记",
                "待补正",
                "已补正",
                "已分办",
                "办理中",
                "征求第三方意见中",
                "征求其他机关意见中",
                "待缴费",
                "待审核",
                "已答复",
                "已终止",
                "已归档"
            ]
        );
        assert_eq!(
            ApplicationStatus::parse("待补正"),
            Some(SupplementRequested)
        );
        assert_eq!(ApplicationStatus::parse("in_review"), Some(InReview));
        assert_eq!(ApplicationStatus::parse("done"), None);
    }

    #[test]
    fn event_names_and_labels() {
        let names = EVENTS.map(|e| e.name());
        assert_eq!(
            names,
            [
                "request_supplement",
                "receive_supplement",
                "supplement_overdue",
                "assign",
                "accept",
                "consult_third_party",
                "consult_bodies",
                "end_consultation",
                "send_fee_notice",
                "pay_fee",
                "fee_overdue",
                "extend",
                "submit_draft",
                "approve",
                "reject",
                "withdraw",
                "archive"
            ]
        );
        for e in EVENTS {
            assert_ne!(e.label_zh(), "其他办理事项", "{e:?} has no label");
            assert_ne!(
                event_label_en(e.name()),
                "Other step",
                "{e:?} has no English label"
            );
        }
        assert_eq!(event_label_zh("unknown"), "其他办理事项");
        assert_eq!(event_label_en("unknown"), "Other step");
    }

    /// What an applicant reads on the English status page has its own English wording.
    #[test]
    fn public_application_labels_have_english() {
        use super::super::outcome::OutcomeGroup;
        let english = |zh: &str, en: &str| {
            assert!(!en.is_empty() && en.is_ascii() && en != zh, "{zh}: {en}");
        };
        for s in ApplicationStatus::ALL {
            english(s.label_zh(), s.label_en());
        }
        for o in ReplyOutcome::ALL {
            english(o.label_zh(), o.label_en());
        }
        for g in OutcomeGroup::ALL {
            english(g.label_zh(), g.label_en());
        }
        assert_eq!(EXTEND.label_zh(), "延长答复期限");
    }

    #[test]
    fn messages() {
        let e = transition(Replied, &ApplicationEvent::RequestSupplement).unwrap_err();
        assert_eq!(e.message_zh(), "当前状态（已答复）不允许该操作：要求补正");
        let e = transition(ConsultingThirdParty, &DRAFT).unwrap_err();
        assert_eq!(
            e.message_zh(),
            "当前状态（征求第三方意见中）不允许该操作：提交答复稿"
        );
        let p = Process::replay(&[ASSIGN, ApplicationEvent::Accept, EXTEND]).unwrap();
        let e = p.apply(&EXTEND).unwrap_err();
        assert_eq!(e.refusal, TransitionRefusal::AlreadyExtended);
        assert_eq!(e.message_zh(), "答复期限只能延长一次，本申请已经延长过");
        let e = transition(
            InProgress,
            &ApplicationEvent::SubmitDraft {
                outcome: ReplyOutcome::OtherFeeUnpaid,
            },
        )
        .unwrap_err();
        assert_eq!(
            e.message_zh(),
            "“申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请”由系统在申请人逾期后自动记录，不能作为答复稿的处理结果"
        );
        assert!(e.to_string().contains("submit_draft"));
    }

    #[test]
    fn process_paths() {
        use ApplicationEvent as E;
        // Straight through.
        let p = Process::replay(&[ASSIGN, E::Accept, DRAFT, E::Approve, E::Archive]).unwrap();
        assert_eq!(p.status, Archived);
        assert_eq!(p.outcome, Some(ReplyOutcome::Disclosed));
        assert!(!p.extended && !p.supplement_requested);

        // Supplement, consultations, fee, extension, rejection and a new draft.
        let unclear = E::SubmitDraft {
            outcome: ReplyOutcome::UnavailableUnclearAfterSupplement,
        };
        let p = Process::replay(&[
            E::RequestSupplement,
            E::ReceiveSupplement,
            ASSIGN,
            E::Accept,
            E::ConsultThirdParty,
            E::EndConsultation,
            E::ConsultBodies,
            E::EndConsultation,
            E::SendFeeNotice,
            E::PayFee,
            EXTEND,
            DRAFT,
            E::Reject,
        ])
        .unwrap();
        assert_eq!(p.status, InProgress);
        assert_eq!(p.outcome, None);
        assert!(p.extended && p.supplement_requested);
        let p = p.apply(&unclear).unwrap().apply(&E::Approve).unwrap();
        assert_eq!(p.status, Replied);
        assert_eq!(
            p.outcome,
            Some(ReplyOutcome::UnavailableUnclearAfterSupplement)
        );

        // Without a supplement, 补正后申请内容仍不明确 is refused.
        let p = Process::replay(&[ASSIGN, E::Accept]).unwrap();
        let e = p.apply(&unclear).unwrap_err();
        assert_eq!(e.refusal, TransitionRefusal::NoSupplementRequested);
        assert_eq!(
            e.message_zh(),
            "本申请未经补正，不能以“补正后申请内容仍不明确”答复"
        );

        // Abandoned: the closing outcomes.
        let p = Process::replay(&[E::RequestSupplement, E::SupplementOverdue]).unwrap();
        assert_eq!(
            (p.status, p.outcome),
            (Closed, Some(ReplyOutcome::OtherSupplementOverdue))
        );
        let p = Process::replay(&[ASSIGN, E::Accept, E::SendFeeNotice, E::FeeOverdue]).unwrap();
        assert_eq!(
            (p.status, p.outcome),
            (Closed, Some(ReplyOutcome::OtherFeeUnpaid))
        );
        let p = Process::replay(&[ASSIGN, E::Accept, DRAFT, E::Withdraw]).unwrap();
        assert_eq!(
            (p.status, p.outcome),
            (Closed, Some(ReplyOutcome::OtherOther))
        );
        let p = p.apply(&E::Archive).unwrap();
        assert_eq!(
            (p.status, p.outcome),
            (Archived, Some(ReplyOutcome::OtherOther))
        );

        // Re-assignment needs a new acceptance.
        let p = Process::replay(&[ASSIGN, E::Accept, ASSIGN]).unwrap();
        assert_eq!(p.status, Assigned);

        // A second supplement notice is impossible.
        let e = Process::replay(&[
            E::RequestSupplement,
            E::ReceiveSupplement,
            E::RequestSupplement,
        ])
        .unwrap_err();
        assert_eq!(e.from, Supplemented);
        assert_eq!(Process::default(), Process::new());
    }

    #[test]
    fn closing_outcomes_and_clock_events() {
        use ApplicationEvent as E;
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let table: [(ApplicationEvent, Option<ReplyOutcome>, Option<ClockEvent>); 17] = [
            (
                E::RequestSupplement,
                None,
                Some(ClockEvent::SupplementRequested(day)),
            ),
            (
                E::ReceiveSupplement,
                None,
                Some(ClockEvent::SupplementReceived(day)),
            ),
            (
                E::SupplementOverdue,
                Some(ReplyOutcome::OtherSupplementOverdue),
                Some(ClockEvent::Closed(day)),
            ),
            (ASSIGN, None, None),
            (E::Accept, None, None),
            (
                E::ConsultThirdParty,
                None,
                Some(ClockEvent::StopStarted {
                    date: day,
                    reason: StopReason::ThirdParty,
                }),
            ),
            (
                E::ConsultBodies,
                None,
                Some(ClockEvent::StopStarted {
                    date: day,
                    reason: StopReason::OtherBodies,
                }),
            ),
            (E::EndConsultation, None, Some(ClockEvent::StopEnded(day))),
            (
                E::SendFeeNotice,
                None,
                Some(ClockEvent::StopStarted {
                    date: day,
                    reason: StopReason::FeeNotice,
                }),
            ),
            (E::PayFee, None, Some(ClockEvent::StopEnded(day))),
            (
                E::FeeOverdue,
                Some(ReplyOutcome::OtherFeeUnpaid),
                Some(ClockEvent::Closed(day)),
            ),
            (EXTEND, None, Some(ClockEvent::Extended(day))),
            (DRAFT, None, None),
            (E::Approve, None, Some(ClockEvent::Closed(day))),
            (E::Reject, None, None),
            (
                E::Withdraw,
                Some(ReplyOutcome::OtherOther),
                Some(ClockEvent::Closed(day)),
            ),
            (E::Archive, None, None),
        ];
        assert_eq!(table.map(|r| r.0), EVENTS);
        for (event, outcome, clock_event) in table {
            assert_eq!(event.closing_outcome(), outcome, "{event:?}");
            assert_eq!(event.clock_event(day), clock_event, "{event:?}");
        }
    }

    #[test]
    fn event_serde() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct W {
            events: Vec<ApplicationEvent>,
        }
        let w = W {
            events: EVENTS.to_vec(),
        };
        let s = toml::to_string(&w).unwrap();
        assert!(s.contains("event = \"submit_draft\""), "{s}");
        assert!(s.contains("outcome = \"disclosed\""), "{s}");
        assert!(s.contains("approved_by = 9"), "{s}");
        assert_eq!(toml::from_str::<W>(&s).unwrap(), w);
        let p = Process::replay(&[ASSIGN, ApplicationEvent::Accept, DRAFT]).unwrap();
        let s = toml::to_string(&p).unwrap();
        assert_eq!(toml::from_str::<Process>(&s).unwrap(), p);
    }

    fn event_of(i: u8) -> ApplicationEvent {
        const MORE: [ApplicationEvent; 3] = [
            ApplicationEvent::SubmitDraft {
                outcome: ReplyOutcome::UnavailableUnclearAfterSupplement,
            },
            ApplicationEvent::SubmitDraft {
                outcome: ReplyOutcome::OtherSupplementOverdue,
            },
            ApplicationEvent::SubmitDraft {
                outcome: ReplyOutcome::RefusedThirdPartyRights,
            },
        ];
        let i = usize::from(i) % (EVENTS.len() + MORE.len());
        if i < EVENTS.len() {
            EVENTS[i]
        } else {
            MORE[i - EVENTS.len()]
        }
    }

    proptest! {
        /// Any accepted sequence of events feeds the clock a valid list, and the clock
        /// agrees with the process.
        #[test]
        fn process_and_clock_agree(
            steps in proptest::collection::vec((0u8..20, 0u64..12), 0..40),
            received in 0u64..700,
        ) {
            let cal = builtin();
            let mut day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(received);
            let mut process = Process::new();
            let mut clock_events = vec![ClockEvent::Received(day)];
            for (i, gap) in steps {
                let event = event_of(i);
                day = day + Days::new(gap);
                let Ok(next) = process.apply(&event) else { continue };
                process = next;
                if let Some(ce) = event.clock_event(day) {
                    clock_events.push(ce);
                }
                let s = clock(&cal, &clock_events, &ClockParams::default());
                prop_assert!(s.is_ok(), "{:?} after {:?}", s, clock_events);
                let s = s.unwrap();
                prop_assert_eq!(s.extended, process.extended);
                prop_assert_eq!(s.supplement_requested_on.is_some(), process.supplement_requested);
                prop_assert_eq!(s.closed_on.is_some(), !process.status.is_open());
                prop_assert_eq!(
                    s.awaiting_supplement(),
                    process.status == SupplementRequested
                );
                // A consultation stops the clock unless it began after the deadline.
                prop_assert_eq!(
                    s.stopped_since.is_some() || s.stop_after_due,
                    matches!(process.status, ConsultingThirdParty | ConsultingBodies)
                );
                prop_assert_eq!(
                    s.waiting_for.is_some(),
                    matches!(process.status, ConsultingThirdParty | ConsultingBodies | AwaitingFee)
                );
                prop_assert_eq!(s.fee_due.is_some(), process.status == AwaitingFee);
                prop_assert_eq!(
                    process.outcome.is_some(),
                    matches!(process.status, InReview | Replied | Closed | Archived)
                );
                if let Some(outcome) = process.outcome {
                    prop_assert!(!outcome.requires_supplement() || process.supplement_requested);
                }
                if let Some(due) = s.reply_due {
                    prop_assert!(due >= s.received);
                }
            }
        }
    }
}
