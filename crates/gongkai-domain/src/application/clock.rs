//! The legal clock of an application (答复期限) and the urgency of a deadline.
//!
//! All periods are in working days of a [`WorkCalendar`] and follow the legal
//! convention of the calendar module: **the day on which something happens is not
//! counted; counting starts the next day**. So a period of `n` working days from day
//! `d` ends on `cal.add_working_days(d, n)`.
//!
//! - **Reply** (第三十三条): 20 working days from the receipt date (第三十一条), or from the
//!   receipt of the supplemented application (第三十条), when the clock restarts from zero.
//! - **Supplement** (补正, 第三十条): one notice, within 7 working days of receipt. While the
//!   applicant is supplementing there is no reply deadline; the applicant's own deadline
//!   is [`ClockParams::supplement_answer_days`] (UNCONFIRMED, see there). A notice sent after
//!   the 7 days still asks the applicant, but the body's lateness cannot lengthen the
//!   applicant's wait: the reply clock keeps running from the receipt and does not restart
//!   when the supplement arrives ([`ClockState::supplement_notice_late`]).
//! - **Stops** (第三十二条 to 第三十四条): the time given to a third party or to other bodies
//!   to give their opinion does not count. A stop that starts on day `S` and ends on day
//!   `E` excludes the working days in `(S, E]`: `S` itself still counts for the reply (it
//!   is the day the request was sent), the clock resumes on the day after `E`. A stop that
//!   starts and ends on the same day excludes nothing. The exclusion is capped at the
//!   consulted party's own period (15 working days from `S`): once that period has passed
//!   without an answer the body decides alone (第三十二条) or silence counts as consent
//!   (第三十四条), so later days count again. A stop that starts on the due date still
//!   stops the clock (the deadline moves to the last excluded working day, normally the
//!   day the answer came); a stop that starts after the due date has passed stops
//!   nothing: the application stays overdue ([`ClockState::stop_after_due`]).
//! - **Fee notice**: the applicant pays within 20 working days counted from the day after
//!   receiving the notice. Whether this time counts toward the reply is UNCONFIRMED
//!   ([`ClockParams::fee_notice_stops_clock`]); when it does not, the reply clock keeps
//!   running while the fee is unpaid.
//! - **Extension** (第三十三条): once, 20 working days added to the allowance, whenever it
//!   is approved (it must be approved before the deadline: see [`ClockState::can_extend`]).
//!
//! The due date is therefore `cal.add_working_days(start, allowance + excluded)`, where
//! `allowance` is 20 (40 after an extension) and `excluded` the working days excluded by
//! the stops.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;

/// A deadline at most this many working days away is due soon (即将到期).
pub const DUE_SOON_WORKING_DAYS: i64 = 3;

/// The periods of the clock, in working days (期限参数). The defaults are the rules'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClockParams {
    /// Reply period (第三十三条): 20.
    pub reply_days: u32,
    /// The one extension (第三十三条): 20.
    pub extension_days: u32,
    /// Within which the supplement notice must go out after receipt (第三十条): 7.
    pub supplement_notice_days: u32,
    /// Within which the applicant must supplement after the notice. UNCONFIRMED: the
    /// regulation only asks for a reasonable period (合理的补正期限) named in the
    /// notice; default 15 working days.
    pub supplement_answer_days: u32,
    /// Third party's period to answer (第三十二条): 15.
    pub third_party_days: u32,
    /// Other bodies' period to answer, silence is consent (第三十四条): 15.
    pub other_bodies_days: u32,
    /// Within which the applicant pays after receiving the fee notice (国办函〔2020〕109号
    /// as summarised in the rules): 20 working days, counted from the day after the
    /// applicant received the notice.
    pub fee_payment_days: u32,
    /// Whether the time the applicant takes to pay is excluded from the reply period.
    /// UNCONFIRMED; default `false`, the conservative choice: the reply clock keeps
    /// running, so deadlines can only come earlier than the law requires, never later.
    pub fee_notice_stops_clock: bool,
}

impl Default for ClockParams {
    fn default() -> Self {
        ClockParams {
            reply_days: 20,
            extension_days: 20,
            supplement_notice_days: 7,
            supplement_answer_days: 15,
            third_party_days: 15,
            other_bodies_days: 15,
            fee_payment_days: 20,
            fee_notice_stops_clock: false,
        }
    }
}

str_enum! {
    /// What the body is waiting for while the application is pending (等待事项).
    pub enum StopReason {
        /// 征求第三方意见 (第三十二条): stops the reply clock.
        ThirdParty => "third_party", "征求第三方意见";
        /// 征求其他机关意见 (第三十四条): stops the reply clock.
        OtherBodies => "other_bodies", "征求其他机关意见";
        /// 收费通知: stops the reply clock only if [`ClockParams::fee_notice_stops_clock`].
        FeeNotice => "fee_notice", "等待缴费";
    }
}

impl ClockParams {
    /// The period the other side has for `reason`, and the cap on the excluded time.
    pub const fn stop_days(&self, reason: StopReason) -> u32 {
        match reason {
            StopReason::ThirdParty => self.third_party_days,
            StopReason::OtherBodies => self.other_bodies_days,
            StopReason::FeeNotice => self.fee_payment_days,
        }
    }

    /// Whether waiting for `reason` stops the reply clock.
    pub const fn stops_clock(&self, reason: StopReason) -> bool {
        match reason {
            StopReason::ThirdParty | StopReason::OtherBodies => true,
            StopReason::FeeNotice => self.fee_notice_stops_clock,
        }
    }
}

/// Something that moves the clock (计时事件), with the day it happened.
///
/// Dates must not decrease along the list. The day of each event is not counted for the
/// period that it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockEvent {
    /// The legal receipt date (第三十一条); must be the first event, and only there.
    Received(NaiveDate),
    /// The one supplement notice (补正通知); only right after [`ClockEvent::Received`].
    SupplementRequested(NaiveDate),
    /// The supplemented application was received: the reply clock restarts from zero.
    SupplementReceived(NaiveDate),
    /// A consultation request was sent, or the fee notice reached the applicant. Pass the
    /// day the other side received it if known (the law counts their period from then);
    /// the sending date is the conservative choice.
    StopStarted { date: NaiveDate, reason: StopReason },
    /// The answer came in (or the fee was paid).
    StopEnded(NaiveDate),
    /// The one extension was approved.
    Extended(NaiveDate),
    /// The reply was sent, or the application was closed or withdrawn.
    Closed(NaiveDate),
}

impl ClockEvent {
    /// The day of the event.
    pub const fn date(&self) -> NaiveDate {
        match *self {
            ClockEvent::Received(d)
            | ClockEvent::SupplementRequested(d)
            | ClockEvent::SupplementReceived(d)
            | ClockEvent::StopStarted { date: d, .. }
            | ClockEvent::StopEnded(d)
            | ClockEvent::Extended(d)
            | ClockEvent::Closed(d) => d,
        }
    }

    /// Stable ASCII name of the event (its serde tag).
    pub const fn name(&self) -> &'static str {
        match self {
            ClockEvent::Received(_) => "received",
            ClockEvent::SupplementRequested(_) => "supplement_requested",
            ClockEvent::SupplementReceived(_) => "supplement_received",
            ClockEvent::StopStarted { .. } => "stop_started",
            ClockEvent::StopEnded(_) => "stop_ended",
            ClockEvent::Extended(_) => "extended",
            ClockEvent::Closed(_) => "closed",
        }
    }
}

/// A list of clock events that cannot have happened (计时事件序列错误). The state machine
/// ([`crate::application::Process`]) only produces valid lists; this error means stored
/// data is inconsistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock events do not start with the receipt")]
    NoReceipt,
    #[error("clock event {index} is dated before the previous one")]
    OutOfOrder { index: usize },
    #[error("clock event {index} ({event}) is not possible at that point")]
    Unexpected { index: usize, event: &'static str },
}

/// Where the clock stands after a list of events (计时状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// The legal receipt date of the application.
    pub received: NaiveDate,
    /// Start of the reply period: the receipt date, or the day the supplemented
    /// application was received.
    pub start: NaiveDate,
    /// The reply deadline; `None` while the clock is stopped or the applicant is
    /// supplementing. For a closed application, the deadline as it stood at closure
    /// (`None` if closed while waiting for the supplement).
    pub reply_due: Option<NaiveDate>,
    /// The latest the reply can be due: [`ClockState::reply_due`] while running; while
    /// stopped, the deadline if the stop runs its full period (it cannot push further).
    pub reply_due_at_latest: Option<NaiveDate>,
    /// Since when the reply clock is stopped.
    pub stopped_since: Option<NaiveDate>,
    /// While waiting (see [`ClockState::waiting_for`]): the end of the other side's
    /// period (the third party's or other bodies' 15 working days, or the fee payment
    /// deadline). If the clock is stopped, the days count again after it.
    pub stop_due: Option<NaiveDate>,
    /// What the body is waiting for (a consultation or an unpaid fee notice), whether or
    /// not it stops the clock.
    pub waiting_for: Option<StopReason>,
    /// The pending consultation (or stopping fee notice) began after the reply deadline
    /// had passed, so it does not stop the clock.
    pub stop_after_due: bool,
    /// While a fee notice is unpaid: the payment deadline (after it, 其他处理 2).
    pub fee_due: Option<NaiveDate>,
    /// Last day for the supplement notice: 7 working days from receipt.
    pub supplement_notice_due: NaiveDate,
    /// When the supplement notice went out.
    pub supplement_requested_on: Option<NaiveDate>,
    /// While the applicant is supplementing (or if the application was closed then): the
    /// applicant's deadline (after it, 其他处理 1).
    pub supplement_due: Option<NaiveDate>,
    /// Whether the one extension was granted.
    pub extended: bool,
    /// Working days allowed for the reply: 20, or 40 after the extension.
    pub allowed_working_days: i64,
    /// Working days excluded so far by completed stops.
    pub stopped_working_days: i64,
    /// Working days of the reply period used as of [`ClockState::as_of`] (0 while the
    /// applicant is supplementing). For a closed application: the days it took.
    pub working_days_used: i64,
    /// Date of the last event.
    pub as_of: NaiveDate,
    /// When the reply was sent or the application closed.
    pub closed_on: Option<NaiveDate>,
}

fn add(cal: &WorkCalendar, from: NaiveDate, n: i64) -> NaiveDate {
    cal.add_working_days(from, u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// Working days excluded by a stop from `since` to `until` (see the module docs).
fn excluded(
    cal: &WorkCalendar,
    params: &ClockParams,
    since: NaiveDate,
    until: NaiveDate,
    reason: StopReason,
    effective: bool,
) -> i64 {
    if !effective {
        return 0;
    }
    cal.working_days_between(since, until)
        .clamp(0, i64::from(params.stop_days(reason)))
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Running,
    Supplement {
        since: NaiveDate,
    },
    Pending {
        since: NaiveDate,
        reason: StopReason,
        /// Whether it stops the reply clock.
        effective: bool,
    },
    Closed {
        on: NaiveDate,
        supplement_since: Option<NaiveDate>,
    },
}

/// Computes the clock from its events (计算答复期限). See the module docs for the
/// conventions. Fails only on a list the process cannot produce.
pub fn clock(
    cal: &WorkCalendar,
    events: &[ClockEvent],
    params: &ClockParams,
) -> Result<ClockState, ClockError> {
    let mut iter = events.iter().enumerate();
    let Some((_, ClockEvent::Received(received))) = iter.next() else {
        return Err(ClockError::NoReceipt);
    };
    let received = *received;
    let mut start = received;
    let mut phase = Phase::Running;
    let mut stopped = 0_i64;
    let mut extended = false;
    let mut supplement_requested_on = None;
    let supplement_notice_due = add(cal, received, i64::from(params.supplement_notice_days));
    let mut supplement_late = false;
    let mut last = received;
    let allowance = |extended: bool| {
        i64::from(params.reply_days)
            + if extended {
                i64::from(params.extension_days)
            } else {
                0
            }
    };

    for (index, event) in iter {
        let date = event.date();
        if date < last {
            return Err(ClockError::OutOfOrder { index });
        }
        last = date;
        phase = match (phase, *event) {
            // The one supplement notice comes before anything else happens.
            (Phase::Running, ClockEvent::SupplementRequested(d)) if index == 1 => {
                supplement_requested_on = Some(d);
                supplement_late = d > supplement_notice_due;
                Phase::Supplement { since: d }
            }
            (Phase::Supplement { .. }, ClockEvent::SupplementReceived(d)) => {
                if !supplement_late {
                    start = d;
                }
                Phase::Running
            }
            (Phase::Running, ClockEvent::StopStarted { date, reason }) => {
                let due = add(cal, start, allowance(extended) + stopped);
                Phase::Pending {
                    since: date,
                    reason,
                    effective: params.stops_clock(reason) && date <= due,
                }
            }
            (
                Phase::Pending {
                    since,
                    reason,
                    effective,
                },
                ClockEvent::StopEnded(d),
            ) => {
                stopped += excluded(cal, params, since, d, reason, effective);
                Phase::Running
            }
            (Phase::Running, ClockEvent::Extended(_)) if !extended => {
                extended = true;
                Phase::Running
            }
            (Phase::Running, ClockEvent::Closed(on)) => Phase::Closed {
                on,
                supplement_since: None,
            },
            (
                Phase::Pending {
                    since,
                    reason,
                    effective,
                },
                ClockEvent::Closed(on),
            ) => {
                stopped += excluded(cal, params, since, on, reason, effective);
                Phase::Closed {
                    on,
                    supplement_since: None,
                }
            }
            (Phase::Supplement { since }, ClockEvent::Closed(on)) => Phase::Closed {
                on,
                supplement_since: Some(since),
            },
            (_, event) => {
                return Err(ClockError::Unexpected {
                    index,
                    event: event.name(),
                });
            }
        };
    }

    let allowed = allowance(extended);
    let due_with = |extra: i64| add(cal, start, allowed + stopped + extra);
    let used_until = |day: NaiveDate| cal.working_days_between(start, day) - stopped;
    let mut s = ClockState {
        received,
        start,
        reply_due: None,
        reply_due_at_latest: None,
        stopped_since: None,
        stop_due: None,
        waiting_for: None,
        stop_after_due: false,
        fee_due: None,
        supplement_notice_due,
        supplement_requested_on,
        supplement_due: None,
        extended,
        allowed_working_days: allowed,
        stopped_working_days: stopped,
        working_days_used: 0,
        as_of: last,
        closed_on: None,
    };
    let supplement_due =
        |since: NaiveDate| add(cal, since, i64::from(params.supplement_answer_days));
    match phase {
        Phase::Running => {
            s.reply_due = Some(due_with(0));
            s.reply_due_at_latest = s.reply_due;
            s.working_days_used = used_until(last);
        }
        Phase::Supplement { since } => {
            s.supplement_due = Some(supplement_due(since));
            if supplement_late {
                s.reply_due = Some(due_with(0));
                s.reply_due_at_latest = s.reply_due;
                s.working_days_used = used_until(last);
            }
        }
        Phase::Pending {
            since,
            reason,
            effective,
        } => {
            let period = i64::from(params.stop_days(reason));
            let own_due = add(cal, since, period);
            s.waiting_for = Some(reason);
            s.stop_due = Some(own_due);
            if reason == StopReason::FeeNotice {
                s.fee_due = Some(own_due);
            }
            if effective {
                s.stopped_since = Some(since);
                s.reply_due_at_latest = Some(due_with(period));
                s.working_days_used = used_until(since);
            } else {
                s.stop_after_due = params.stops_clock(reason);
                s.reply_due = Some(due_with(0));
                s.reply_due_at_latest = s.reply_due;
                s.working_days_used = used_until(last);
            }
        }
        Phase::Closed {
            on,
            supplement_since,
        } => {
            s.closed_on = Some(on);
            if let Some(since) = supplement_since
                && !supplement_late
            {
                s.supplement_due = Some(supplement_due(since));
            } else {
                s.reply_due = Some(due_with(0));
                s.reply_due_at_latest = s.reply_due;
                s.working_days_used = used_until(on);
            }
        }
    }
    Ok(s)
}

impl ClockState {
    /// Whether the reply clock is running (not stopped, not supplementing, not closed).
    pub fn is_running(&self) -> bool {
        self.closed_on.is_none() && self.reply_due.is_some() && self.stopped_since.is_none()
    }

    /// Whether the applicant is supplementing the application.
    pub fn awaiting_supplement(&self) -> bool {
        self.closed_on.is_none() && self.supplement_due.is_some()
    }

    /// The reply deadline as it stands on `today`, for queues and reminders: the running
    /// deadline; while stopped, `None` until the stop's period ends and then the latest
    /// deadline (the days count again even if the end of the stop was not recorded);
    /// `None` while supplementing or once closed.
    pub fn reply_due_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        if self.closed_on.is_some() {
            return None;
        }
        match (self.stopped_since, self.stop_due) {
            (Some(_), Some(stop_due)) if today > stop_due => self.reply_due_at_latest,
            (Some(_), _) => None,
            _ => self.reply_due,
        }
    }

    /// Working days of the reply period used by `today` (not before [`ClockState::as_of`]).
    pub fn working_days_used_on(&self, cal: &WorkCalendar, today: NaiveDate) -> i64 {
        if self.closed_on.is_some() || self.reply_due.is_none() && self.awaiting_supplement() {
            return self.working_days_used;
        }
        match (self.stopped_since, self.stop_due) {
            (Some(_), Some(stop_due)) => {
                self.working_days_used + cal.working_days_between(stop_due, today).max(0)
            }
            _ => cal.working_days_between(self.start, today) - self.stopped_working_days,
        }
    }

    /// Whether the one extension may still be granted on `on`: the clock is running,
    /// nothing is pending, no extension yet, and the deadline has not passed.
    pub fn can_extend(&self, on: NaiveDate) -> bool {
        self.extend_refusal(on).is_none()
    }

    /// Why an extension cannot be approved on `on` (`None`: it can), for the officer.
    pub fn extend_refusal(&self, on: NaiveDate) -> Option<&'static str> {
        if self.closed_on.is_some() {
            Some("申请已办结，不能延期")
        } else if self.extended {
            Some("答复期限已延长过一次，不能再次延长")
        } else if !self.is_running() || self.waiting_for.is_some() {
            Some("计时暂停期间（等待补正、征求意见或缴费）不能批准延期")
        } else if self.reply_due.is_none_or(|due| on > due) {
            Some("延长答复期限须在答复期限届满前批准")
        } else {
            None
        }
    }

    /// Whether the application was closed after its reply deadline (逾期答复).
    pub fn closed_late(&self) -> bool {
        matches!((self.closed_on, self.reply_due), (Some(on), Some(due)) if on > due)
    }

    /// Whether the supplement notice went out after its 7 working days: then it does not
    /// stop or restart the reply clock.
    pub fn supplement_notice_late(&self) -> bool {
        self.supplement_requested_on
            .is_some_and(|d| d > self.supplement_notice_due)
    }
}

/// How close a deadline is (紧迫程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "level")]
pub enum Urgency {
    /// The deadline has passed; `working_days` working days have elapsed since (0 on the
    /// non-working days right after it).
    Overdue {
        working_days: i64,
    },
    /// Due within [`DUE_SOON_WORKING_DAYS`] working days (0 = due today).
    DueSoon {
        working_days_left: i64,
    },
    OnTrack {
        working_days_left: i64,
    },
    /// No running deadline (clock stopped, or waiting for the applicant).
    Paused,
    /// Replied or otherwise closed: no deadline any more.
    Closed,
}

impl Urgency {
    /// Stable ASCII name (the serde tag).
    pub const fn as_str(&self) -> &'static str {
        match self {
            Urgency::Overdue { .. } => "overdue",
            Urgency::DueSoon { .. } => "due_soon",
            Urgency::OnTrack { .. } => "on_track",
            Urgency::Paused => "paused",
            Urgency::Closed => "closed",
        }
    }

    /// Chinese label of the level.
    pub const fn label_zh(&self) -> &'static str {
        match self {
            Urgency::Overdue { .. } => "已逾期",
            Urgency::DueSoon { .. } => "即将到期",
            Urgency::OnTrack { .. } => "正常",
            Urgency::Paused => "暂停计时",
            Urgency::Closed => "已办结",
        }
    }

    /// Chinese message with the count, e.g. `已逾期2个工作日`, `今日到期`.
    pub fn message_zh(&self) -> String {
        match *self {
            Urgency::Overdue { working_days: 0 } => "已逾期".to_owned(),
            Urgency::Overdue { working_days } => format!("已逾期{working_days}个工作日"),
            Urgency::DueSoon {
                working_days_left: 0,
            } => "今日到期".to_owned(),
            Urgency::DueSoon { working_days_left } | Urgency::OnTrack { working_days_left } => {
                format!("还剩{working_days_left}个工作日")
            }
            Urgency::Paused => "暂停计时".to_owned(),
            Urgency::Closed => "已办结".to_owned(),
        }
    }

    /// English message with the count, as [`Urgency::message_zh`].
    pub fn message_en(&self) -> String {
        let days = |n: i64| {
            if n == 1 {
                "1 working day".to_owned()
            } else {
                format!("{n} working days")
            }
        };
        match *self {
            Urgency::Overdue { working_days: 0 } => "Overdue".to_owned(),
            Urgency::Overdue { working_days } => format!("Overdue by {}", days(working_days)),
            Urgency::DueSoon {
                working_days_left: 0,
            } => "Due today".to_owned(),
            Urgency::DueSoon { working_days_left } | Urgency::OnTrack { working_days_left } => {
                format!("{} left", days(working_days_left))
            }
            Urgency::Paused => "On hold".to_owned(),
            Urgency::Closed => "Completed".to_owned(),
        }
    }

    /// Whether the deadline needs attention (overdue or due soon).
    pub const fn is_alert(&self) -> bool {
        matches!(self, Urgency::Overdue { .. } | Urgency::DueSoon { .. })
    }
}

/// The urgency of `due` seen on `today` (`None` = [`Urgency::Paused`]). A deadline is
/// met on its day, overdue from the day after.
pub fn urgency(cal: &WorkCalendar, today: NaiveDate, due: Option<NaiveDate>) -> Urgency {
    let Some(due) = due else {
        return Urgency::Paused;
    };
    if today > due {
        return Urgency::Overdue {
            working_days: cal.working_days_between(due, today),
        };
    }
    let left = cal.working_days_between(today, due);
    if left <= DUE_SOON_WORKING_DAYS {
        Urgency::DueSoon {
            working_days_left: left,
        }
    } else {
        Urgency::OnTrack {
            working_days_left: left,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::builtin;
    use chrono::Days;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Events from a compact spec: `recv 2026-02-10; stop third_party 2026-02-12; end
    /// 2026-02-27; supreq …; suprecv …; ext …; close …`.
    fn events(spec: &str) -> Vec<ClockEvent> {
        spec.split(';')
            .map(|part| {
                let words: Vec<&str> = part.split_whitespace().collect();
                match words.as_slice() {
                    ["recv", date] => ClockEvent::Received(d(date)),
                    ["supreq", date] => ClockEvent::SupplementRequested(d(date)),
                    ["suprecv", date] => ClockEvent::SupplementReceived(d(date)),
                    ["stop", reason, date] => ClockEvent::StopStarted {
                        date: d(date),
                        reason: StopReason::parse(reason).unwrap(),
                    },
                    ["end", date] => ClockEvent::StopEnded(d(date)),
                    ["ext", date] => ClockEvent::Extended(d(date)),
                    ["close", date] => ClockEvent::Closed(d(date)),
                    other => panic!("bad spec {other:?}"),
                }
            })
            .collect()
    }

    fn state_with(spec: &str, params: &ClockParams) -> ClockState {
        clock(&builtin(), &events(spec), params).unwrap()
    }

    fn state(spec: &str) -> ClockState {
        state_with(spec, &ClockParams::default())
    }

    /// `expected`: the reply due date, or `None`.
    fn check(spec: &str, expected: Option<&str>) {
        assert_eq!(state(spec).reply_due, expected.map(d), "{spec}");
    }

    #[test]
    fn required_example() {
        let s = state("recv 2026-02-10");
        assert_eq!(s.reply_due, Some(d("2026-03-16")));
        assert_eq!(s.start, d("2026-02-10"));
        assert_eq!(s.supplement_notice_due, d("2026-02-26"));
        assert_eq!(s.allowed_working_days, 20);
        assert_eq!(s.working_days_used, 0);
        assert!(s.is_running());
    }

    #[test]
    fn reply_due_table() {
        // Spring Festival 2026: holiday 02-15..02-23, make-up Saturdays 02-14 and 02-28.
        check("recv 2026-02-10", Some("2026-03-16"));
        check("recv 2026-02-13", Some("2026-03-19")); // 02-14 is day 1
        check("recv 2026-02-14", Some("2026-03-20")); // received on a make-up Saturday
        check("recv 2026-02-15", Some("2026-03-20")); // received in the holiday
        check("recv 2026-02-27", Some("2026-03-26")); // 02-28 is day 1
        check("recv 2026-02-28", Some("2026-03-27"));
        check("recv 2026-03-02", Some("2026-03-30"));
        // Year boundary: 2026-01-01..03 holiday, Sunday 01-04 works.
        check("recv 2025-12-24", Some("2026-01-22"));
        check("recv 2025-12-31", Some("2026-01-29"));
        // 2027 is not loaded: Monday to Friday, 2027-01-01 counts.
        check("recv 2026-12-24", Some("2027-01-21"));
        // National Day 2025: 10-01..10-08 holiday, Saturday 10-11 works.
        check("recv 2025-09-26", Some("2025-10-30"));
    }

    #[test]
    fn supplement_restarts_the_clock() {
        let waiting = state("recv 2026-02-02; supreq 2026-02-05");
        assert_eq!(waiting.reply_due, None);
        assert_eq!(waiting.reply_due_at_latest, None);
        assert_eq!(waiting.supplement_notice_due, d("2026-02-11"));
        assert_eq!(waiting.supplement_requested_on, Some(d("2026-02-05")));
        assert_eq!(waiting.supplement_due, Some(d("2026-03-04")));
        assert!(waiting.awaiting_supplement());
        assert!(!waiting.is_running());
        assert!(!waiting.supplement_notice_late());
        assert_eq!(waiting.reply_due_on(d("2026-02-06")), None);
        assert_eq!(waiting.working_days_used_on(&builtin(), d("2026-02-27")), 0);

        let restarted = state("recv 2026-02-02; supreq 2026-02-05; suprecv 2026-02-13");
        assert_eq!(restarted.start, d("2026-02-13"));
        assert_eq!(restarted.reply_due, Some(d("2026-03-19")));
        assert_eq!(restarted.supplement_due, None);
        assert_eq!(restarted.supplement_notice_due, d("2026-02-11"));
        assert_eq!(restarted.received, d("2026-02-02"));

        let late = state("recv 2026-02-02; supreq 2026-02-12");
        assert!(late.supplement_notice_late());
        let on_time = state("recv 2026-02-02; supreq 2026-02-11");
        assert!(!on_time.supplement_notice_late());
    }

    #[test]
    fn closed_late_after_the_deadline_only() {
        let due = state("recv 2026-02-02").reply_due.expect("due");
        let on_the_day = state(&format!("recv 2026-02-02; close {due}"));
        assert!(!on_the_day.closed_late());
        let after = state(&format!(
            "recv 2026-02-02; close {}",
            due.succ_opt().expect("day")
        ));
        assert!(after.closed_late());
        assert!(!state("recv 2026-02-02").closed_late(), "open");
        let abandoned = state("recv 2026-02-02; supreq 2026-02-05; close 2026-06-01");
        assert!(!abandoned.closed_late(), "no reply was due");
    }

    #[test]
    fn a_late_supplement_notice_stops_nothing() {
        let unasked = state("recv 2026-02-02");
        let due = unasked.reply_due.expect("due");
        // Sent the day after its last day: the applicant is asked, the clock runs on.
        let late = state("recv 2026-02-02; supreq 2026-02-12");
        assert!(late.supplement_notice_late() && late.awaiting_supplement());
        assert!(late.supplement_due.is_some());
        assert_eq!(late.reply_due, Some(due));
        assert_eq!(late.reply_due_on(d("2026-03-10")), Some(due));
        assert!(late.is_running());
        assert_eq!(
            late.working_days_used_on(&builtin(), d("2026-02-27")),
            unasked.working_days_used_on(&builtin(), d("2026-02-27"))
        );
        // The supplement arriving does not restart it.
        let received = state("recv 2026-02-02; supreq 2026-02-12; suprecv 2026-02-26");
        assert_eq!(received.start, d("2026-02-02"));
        assert_eq!(received.reply_due, Some(due));
        assert!(!received.awaiting_supplement());
        // Closed for want of the supplement: the deadline as it stood is kept.
        let closed = state("recv 2026-02-02; supreq 2026-02-12; close 2026-03-20");
        assert_eq!(closed.reply_due, Some(due));
        assert_eq!(closed.closed_on, Some(d("2026-03-20")));
        // On its last day the notice still stops the clock.
        let last_day = state("recv 2026-02-02; supreq 2026-02-11; suprecv 2026-02-26");
        assert_eq!(last_day.start, d("2026-02-26"));

        let params = ClockParams {
            supplement_answer_days: 5,
            ..ClockParams::default()
        };
        let short = state_with("recv 2026-02-02; supreq 2026-02-05", &params);
        assert_eq!(short.supplement_due, Some(d("2026-02-12")));

        // Closed when the applicant did not answer.
        let closed = state("recv 2026-02-02; supreq 2026-02-05; close 2026-03-05");
        assert_eq!(closed.closed_on, Some(d("2026-03-05")));
        assert_eq!(closed.reply_due, None);
        assert_eq!(closed.supplement_due, Some(d("2026-03-04")));
        assert_eq!(closed.working_days_used, 0);
        assert!(!closed.awaiting_supplement());
    }

    #[test]
    fn stop_over_the_spring_festival() {
        // Stopped from Thu 02-12 to Fri 02-27: excluded 02-13, 02-14, 02-24..02-27 = 6.
        let stopped = state("recv 2026-02-02; stop third_party 2026-02-12");
        assert_eq!(stopped.reply_due, None);
        assert_eq!(stopped.stopped_since, Some(d("2026-02-12")));
        assert_eq!(stopped.stop_due, Some(d("2026-03-11")));
        assert_eq!(stopped.waiting_for, Some(StopReason::ThirdParty));
        assert_eq!(stopped.reply_due_at_latest, Some(d("2026-03-27")));
        assert_eq!(stopped.working_days_used, 8);
        assert!(!stopped.is_running());
        assert!(!stopped.can_extend(d("2026-02-12")));

        let resumed = state("recv 2026-02-02; stop third_party 2026-02-12; end 2026-02-27");
        assert_eq!(resumed.stopped_working_days, 6);
        assert_eq!(resumed.reply_due, Some(d("2026-03-16")));
        assert_eq!(resumed.stopped_since, None);
        assert_eq!(resumed.stop_due, None);
        assert_eq!(resumed.waiting_for, None);
        assert_eq!(resumed.working_days_used, 8);
        // Without the stop it would have been due on 03-06.
        check("recv 2026-02-02", Some("2026-03-06"));
    }

    #[test]
    fn stop_table() {
        // Same day: nothing excluded.
        check(
            "recv 2026-02-02; stop other_bodies 2026-02-12; end 2026-02-12",
            Some("2026-03-06"),
        );
        // Starts on a holiday Saturday, ends on the first working day after: 1 excluded.
        check(
            "recv 2026-02-02; stop third_party 2026-02-21; end 2026-02-24",
            Some("2026-03-09"),
        );
        // Entirely inside the holiday: nothing excluded.
        check(
            "recv 2026-02-02; stop third_party 2026-02-16; end 2026-02-23",
            Some("2026-03-06"),
        );
        // Longer than the third party's 15 working days: capped at 15.
        check(
            "recv 2026-02-02; stop third_party 2026-02-12; end 2026-03-20",
            Some("2026-03-27"),
        );
        check(
            "recv 2026-02-02; stop third_party 2026-02-12; end 2026-03-11",
            Some("2026-03-27"),
        );
        check(
            "recv 2026-02-02; stop third_party 2026-02-12; end 2026-03-10",
            Some("2026-03-26"),
        );
        // Two stops: 6 + 2 excluded.
        check(
            "recv 2026-02-02; stop third_party 2026-02-12; end 2026-02-27; \
             stop other_bodies 2026-03-04; end 2026-03-06",
            Some("2026-03-18"),
        );
        // A stop on the receipt day.
        check(
            "recv 2026-03-02; stop other_bodies 2026-03-02; end 2026-03-04",
            Some("2026-04-01"),
        );
        // Closed while stopped: the stop ends with the closure.
        let closed = state("recv 2026-02-02; stop third_party 2026-02-12; close 2026-02-27");
        assert_eq!(closed.stopped_working_days, 6);
        assert_eq!(closed.reply_due, Some(d("2026-03-16")));
        assert_eq!(closed.working_days_used, 8);
        assert_eq!(closed.stopped_since, None);
    }

    #[test]
    fn stop_on_or_after_the_due_date() {
        // Due Friday 03-06. A consultation sent on the due day stops the clock; the
        // deadline becomes the last excluded working day.
        let on_due = state("recv 2026-02-02; stop third_party 2026-03-06");
        assert_eq!(on_due.reply_due, None);
        assert_eq!(on_due.stopped_since, Some(d("2026-03-06")));
        assert!(!on_due.stop_after_due);
        assert_eq!(on_due.working_days_used, 20);
        check(
            "recv 2026-02-02; stop third_party 2026-03-06; end 2026-03-10",
            Some("2026-03-10"),
        );
        check(
            "recv 2026-02-02; stop third_party 2026-03-06; end 2026-03-06",
            Some("2026-03-06"),
        );
        // Sent the day after (a Saturday): too late, nothing stops, still overdue.
        for start in ["2026-03-07", "2026-03-09"] {
            let late = state(&format!("recv 2026-02-02; stop third_party {start}"));
            assert_eq!(late.reply_due, Some(d("2026-03-06")), "{start}");
            assert_eq!(late.stopped_since, None);
            assert!(late.stop_after_due);
            assert_eq!(late.waiting_for, Some(StopReason::ThirdParty));
            assert!(late.stop_due.is_some());
            assert!(late.is_running());
            assert_eq!(late.reply_due_on(d("2026-03-10")), Some(d("2026-03-06")));
            assert_eq!(
                urgency(
                    &builtin(),
                    d("2026-03-10"),
                    late.reply_due_on(d("2026-03-10"))
                ),
                Urgency::Overdue { working_days: 2 }
            );
            check(
                &format!("recv 2026-02-02; stop third_party {start}; end 2026-03-20"),
                Some("2026-03-06"),
            );
        }
        // After an extension the later deadline counts.
        check(
            "recv 2026-02-02; ext 2026-03-02; stop other_bodies 2026-03-09; end 2026-03-11",
            Some("2026-04-08"),
        );
    }

    #[test]
    fn stop_that_is_not_ended_lapses() {
        let c = builtin();
        let s = state("recv 2026-02-02; stop third_party 2026-02-12");
        assert_eq!(s.reply_due_on(d("2026-02-13")), None);
        assert_eq!(s.reply_due_on(d("2026-03-11")), None);
        assert_eq!(s.reply_due_on(d("2026-03-12")), Some(d("2026-03-27")));
        assert_eq!(s.working_days_used_on(&c, d("2026-03-11")), 8);
        assert_eq!(s.working_days_used_on(&c, d("2026-03-12")), 9);
        assert_eq!(s.working_days_used_on(&c, d("2026-03-27")), 20);
        assert_eq!(
            urgency(&c, d("2026-03-12"), s.reply_due_on(d("2026-03-12"))),
            Urgency::OnTrack {
                working_days_left: 11
            }
        );
    }

    #[test]
    fn extension() {
        let s = state("recv 2026-02-10; ext 2026-03-10");
        assert!(s.extended);
        assert_eq!(s.allowed_working_days, 40);
        assert_eq!(s.reply_due, Some(d("2026-04-14"))); // across Qingming 04-04..04-06
        assert_eq!(s.working_days_used, 16);
        assert!(!s.can_extend(d("2026-03-11")));
        // With a stop: 20 + 20 + 6.
        check(
            "recv 2026-02-02; stop third_party 2026-02-12; end 2026-02-27; ext 2026-03-10",
            Some("2026-04-14"),
        );
        // Extension approved on the due day is still in time.
        let before = state("recv 2026-02-10");
        assert!(before.can_extend(d("2026-03-16")));
        assert!(!before.can_extend(d("2026-03-17")));
        let pending = state("recv 2026-03-02; stop fee_notice 2026-03-10");
        assert!(!pending.can_extend(d("2026-03-11")));
        let closed = state("recv 2026-02-10; close 2026-02-11");
        assert!(!closed.can_extend(d("2026-02-11")));
        // Each refusal says why, for the officer.
        let why = |s: &ClockState, on: &str| s.extend_refusal(d(on)).unwrap_or_default();
        assert!(why(&s, "2026-03-11").contains("已延长过一次"));
        assert!(why(&before, "2026-03-17").contains("届满前"));
        assert!(why(&pending, "2026-03-11").contains("暂停"));
        assert!(why(&closed, "2026-02-11").contains("已办结"));
        assert_eq!(before.extend_refusal(d("2026-03-16")), None);
    }

    #[test]
    fn fee_notice() {
        // Default: the reply clock keeps running while the fee is unpaid.
        let unpaid = state("recv 2026-03-02; stop fee_notice 2026-03-10");
        assert_eq!(unpaid.reply_due, Some(d("2026-03-30")));
        assert_eq!(unpaid.fee_due, Some(d("2026-04-08")));
        assert_eq!(unpaid.waiting_for, Some(StopReason::FeeNotice));
        assert_eq!(unpaid.stopped_since, None);
        assert_eq!(unpaid.stop_due, Some(d("2026-04-08")));
        assert!(!unpaid.stop_after_due);
        assert_eq!(unpaid.reply_due_on(d("2026-03-20")), Some(d("2026-03-30")));
        check(
            "recv 2026-03-02; stop fee_notice 2026-03-10; end 2026-03-20",
            Some("2026-03-30"),
        );

        let params = ClockParams {
            fee_notice_stops_clock: true,
            ..ClockParams::default()
        };
        let stopped = state_with("recv 2026-03-02; stop fee_notice 2026-03-10", &params);
        assert_eq!(stopped.reply_due, None);
        assert_eq!(stopped.fee_due, Some(d("2026-04-08")));
        assert_eq!(stopped.stop_due, Some(d("2026-04-08")));
        assert_eq!(stopped.stopped_since, Some(d("2026-03-10")));
        let paid = state_with(
            "recv 2026-03-02; stop fee_notice 2026-03-10; end 2026-03-20",
            &params,
        );
        assert_eq!(paid.stopped_working_days, 8);
        assert_eq!(paid.reply_due, Some(d("2026-04-10")));
        assert_eq!(paid.fee_due, None);
    }

    #[test]
    fn closed() {
        let s = state("recv 2026-02-10; close 2026-03-13");
        assert_eq!(s.closed_on, Some(d("2026-03-13")));
        assert_eq!(s.reply_due, Some(d("2026-03-16")));
        assert_eq!(s.working_days_used, 19);
        assert_eq!(s.reply_due_on(d("2026-03-13")), None);
        assert!(!s.is_running());
        assert_eq!(s.working_days_used_on(&builtin(), d("2026-12-31")), 19);
        let late = state("recv 2026-02-10; close 2026-03-18");
        assert_eq!(late.working_days_used, 22);
        let same_day = state("recv 2026-02-10; close 2026-02-10");
        assert_eq!(same_day.working_days_used, 0);
    }

    #[test]
    fn working_days_used_running() {
        let c = builtin();
        let s = state("recv 2026-02-10");
        assert_eq!(s.working_days_used_on(&c, d("2026-02-10")), 0);
        assert_eq!(s.working_days_used_on(&c, d("2026-02-23")), 4);
        assert_eq!(s.working_days_used_on(&c, d("2026-03-16")), 20);
        let s = state("recv 2026-02-02; stop third_party 2026-02-12; end 2026-02-27");
        assert_eq!(s.working_days_used_on(&c, d("2026-03-16")), 20);
    }

    fn check_err(spec: &str, expected: ClockError) {
        let evs = if spec.is_empty() {
            vec![]
        } else {
            events(spec)
        };
        assert_eq!(
            clock(&builtin(), &evs, &ClockParams::default()),
            Err(expected),
            "{spec}"
        );
    }

    #[test]
    fn impossible_sequences() {
        use ClockError::*;
        let unexpected = |index, event| Unexpected { index, event };
        check_err("", NoReceipt);
        check_err("supreq 2026-02-10", NoReceipt);
        check_err("ext 2026-02-10; recv 2026-02-10", NoReceipt);
        check_err(
            "recv 2026-02-10; recv 2026-02-11",
            unexpected(1, "received"),
        );
        check_err("recv 2026-02-10; close 2026-02-09", OutOfOrder { index: 1 });
        check_err(
            "recv 2026-02-10; stop third_party 2026-02-12; end 2026-02-11",
            OutOfOrder { index: 2 },
        );
        check_err(
            "recv 2026-02-10; supreq 2026-02-11; suprecv 2026-02-12; supreq 2026-02-13",
            unexpected(3, "supplement_requested"),
        );
        check_err(
            "recv 2026-02-10; ext 2026-02-11; supreq 2026-02-12",
            unexpected(2, "supplement_requested"),
        );
        check_err(
            "recv 2026-02-10; suprecv 2026-02-11",
            unexpected(1, "supplement_received"),
        );
        check_err(
            "recv 2026-02-10; supreq 2026-02-11; stop third_party 2026-02-12",
            unexpected(2, "stop_started"),
        );
        check_err(
            "recv 2026-02-10; supreq 2026-02-11; ext 2026-02-12",
            unexpected(2, "extended"),
        );
        check_err(
            "recv 2026-02-10; end 2026-02-11",
            unexpected(1, "stop_ended"),
        );
        check_err(
            "recv 2026-02-10; stop third_party 2026-02-11; stop other_bodies 2026-02-12",
            unexpected(2, "stop_started"),
        );
        check_err(
            "recv 2026-02-10; stop third_party 2026-02-11; ext 2026-02-12",
            unexpected(2, "extended"),
        );
        check_err(
            "recv 2026-02-10; ext 2026-02-11; ext 2026-02-12",
            unexpected(2, "extended"),
        );
        check_err(
            "recv 2026-02-10; close 2026-02-11; close 2026-02-12",
            unexpected(2, "closed"),
        );
        check_err(
            "recv 2026-02-10; close 2026-02-11; stop third_party 2026-02-12",
            unexpected(2, "stop_started"),
        );
        check_err(
            "recv 2026-02-10; stop third_party 2026-02-11; suprecv 2026-02-12",
            unexpected(2, "supplement_received"),
        );
    }

    #[test]
    fn clock_event_names_and_serde() {
        let evs = events(
            "recv 2026-02-10; supreq 2026-02-11; suprecv 2026-02-12; stop third_party 2026-02-13; \
             end 2026-02-14; ext 2026-02-24; close 2026-02-25",
        );
        assert_eq!(
            evs.iter().map(ClockEvent::name).collect::<Vec<_>>(),
            [
                "received",
                "supplement_requested",
                "supplement_received",
                "stop_started",
                "stop_ended",
                "extended",
                "closed"
            ]
        );
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct W {
            events: Vec<ClockEvent>,
            params: ClockParams,
        }
        let w = W {
            events: evs,
            params: ClockParams::default(),
        };
        let s = toml::to_string(&w).unwrap();
        assert!(s.contains("received = \"2026-02-10\""), "{s}");
        assert!(s.contains("reason = \"third_party\""), "{s}");
        assert_eq!(toml::from_str::<W>(&s).unwrap(), w);
        // Missing parameters take the defaults.
        let p: ClockParams = toml::from_str("fee_notice_stops_clock = true").unwrap();
        assert_eq!(
            p,
            ClockParams {
                fee_notice_stops_clock: true,
                ..ClockParams::default()
            }
        );
    }

    #[test]
    fn default_params() {
        let p = ClockParams::default();
        assert_eq!(
            (
                p.reply_days,
                p.extension_days,
                p.supplement_notice_days,
                p.supplement_answer_days,
                p.third_party_days,
                p.other_bodies_days,
                p.fee_payment_days,
                p.fee_notice_stops_clock
            ),
            (20, 20, 7, 15, 15, 15, 20, false)
        );
        assert_eq!(p.stop_days(StopReason::ThirdParty), 15);
        assert_eq!(p.stop_days(StopReason::OtherBodies), 15);
        assert_eq!(p.stop_days(StopReason::FeeNotice), 20);
        assert!(p.stops_clock(StopReason::ThirdParty));
        assert!(p.stops_clock(StopReason::OtherBodies));
        assert!(!p.stops_clock(StopReason::FeeNotice));
        assert_eq!(
            StopReason::ALL.map(StopReason::label_zh),
            ["征求第三方意见", "征求其他机关意见", "等待缴费"]
        );
    }

    fn check_urgency(today: &str, due: Option<&str>, expected: Urgency, message: &str) {
        let got = urgency(&builtin(), d(today), due.map(d));
        assert_eq!(got, expected, "{today} / {due:?}");
        assert_eq!(got.message_zh(), message);
    }

    #[test]
    fn urgency_in_english_counts_days() {
        let en = |u: Urgency| u.message_en();
        assert_eq!(en(Urgency::Overdue { working_days: 0 }), "Overdue");
        assert_eq!(
            en(Urgency::Overdue { working_days: 2 }),
            "Overdue by 2 working days"
        );
        assert_eq!(
            en(Urgency::DueSoon {
                working_days_left: 1
            }),
            "1 working day left"
        );
        assert_eq!(
            en(Urgency::DueSoon {
                working_days_left: 0
            }),
            "Due today"
        );
        assert_eq!(
            en(Urgency::OnTrack {
                working_days_left: 20
            }),
            "20 working days left"
        );
        assert_eq!(en(Urgency::Paused), "On hold");
        assert_eq!(en(Urgency::Closed), "Completed");
    }

    #[test]
    fn urgency_table() {
        use Urgency::*;
        let due = Some("2026-03-16"); // Monday
        check_urgency(
            "2026-02-10",
            due,
            OnTrack {
                working_days_left: 20,
            },
            "还剩20个工作日",
        );
        check_urgency(
            "2026-03-10",
            due,
            OnTrack {
                working_days_left: 4,
            },
            "还剩4个工作日",
        );
        check_urgency(
            "2026-03-11",
            due,
            DueSoon {
                working_days_left: 3,
            },
            "还剩3个工作日",
        );
        check_urgency(
            "2026-03-13",
            due,
            DueSoon {
                working_days_left: 1,
            },
            "还剩1个工作日",
        );
        check_urgency(
            "2026-03-14",
            due,
            DueSoon {
                working_days_left: 1,
            },
            "还剩1个工作日",
        );
        check_urgency(
            "2026-03-16",
            due,
            DueSoon {
                working_days_left: 0,
            },
            "今日到期",
        );
        check_urgency(
            "2026-03-17",
            due,
            Overdue { working_days: 1 },
            "已逾期1个工作日",
        );
        check_urgency(
            "2026-03-30",
            due,
            Overdue { working_days: 10 },
            "已逾期10个工作日",
        );
        // Due on a Friday, seen on the Saturday and the Monday after.
        check_urgency(
            "2026-03-21",
            Some("2026-03-20"),
            Overdue { working_days: 0 },
            "已逾期",
        );
        check_urgency(
            "2026-03-23",
            Some("2026-03-20"),
            Overdue { working_days: 1 },
            "已逾期1个工作日",
        );
        // Ten calendar days before, but the Spring Festival leaves one working day.
        check_urgency(
            "2026-02-14",
            Some("2026-02-24"),
            DueSoon {
                working_days_left: 1,
            },
            "还剩1个工作日",
        );
        check_urgency(
            "2026-02-12",
            Some("2026-02-24"),
            DueSoon {
                working_days_left: 3,
            },
            "还剩3个工作日",
        );
        check_urgency(
            "2026-02-11",
            Some("2026-02-24"),
            OnTrack {
                working_days_left: 4,
            },
            "还剩4个工作日",
        );
        // Across the year boundary.
        check_urgency(
            "2025-12-31",
            Some("2026-01-05"),
            DueSoon {
                working_days_left: 2,
            },
            "还剩2个工作日",
        );
        check_urgency(
            "2026-01-04",
            Some("2025-12-31"),
            Overdue { working_days: 1 },
            "已逾期1个工作日",
        );
        check_urgency("2026-03-16", None, Paused, "暂停计时");
    }

    #[test]
    fn urgency_labels() {
        let all = [
            Urgency::Overdue { working_days: 1 },
            Urgency::DueSoon {
                working_days_left: 1,
            },
            Urgency::OnTrack {
                working_days_left: 9,
            },
            Urgency::Paused,
            Urgency::Closed,
        ];
        assert_eq!(
            all.map(|u| u.as_str()),
            ["overdue", "due_soon", "on_track", "paused", "closed"]
        );
        assert_eq!(
            all.map(|u| u.label_zh()),
            ["已逾期", "即将到期", "正常", "暂停计时", "已办结"]
        );
        assert_eq!(all.map(|u| u.is_alert()), [true, true, false, false, false]);
        #[derive(Serialize)]
        struct W {
            u: Urgency,
        }
        assert_eq!(
            toml::to_string(&W { u: all[0] }).unwrap(),
            "[u]\nlevel = \"overdue\"\nworking_days = 1\n"
        );
    }

    /// Day-by-day reference: counts working days after `start`, skipping those inside a
    /// stop `(since, until]` while that stop has excluded fewer than its cap.
    fn naive_due(
        cal: &WorkCalendar,
        start: NaiveDate,
        allowed: i64,
        stops: &[(NaiveDate, NaiveDate, i64)],
    ) -> NaiveDate {
        let mut excluded = vec![0_i64; stops.len()];
        let mut used = 0;
        let mut day = start;
        while used < allowed {
            day = day.succ_opt().unwrap();
            if !cal.is_working_day(day) {
                continue;
            }
            let stop = stops.iter().enumerate().find(|(i, (since, until, cap))| {
                day > *since && day <= *until && excluded[*i] < *cap
            });
            match stop {
                Some((i, _)) => excluded[i] += 1,
                None => used += 1,
            }
        }
        day
    }

    fn reason_of(i: u8) -> StopReason {
        StopReason::ALL[usize::from(i) % StopReason::ALL.len()]
    }

    prop_compose! {
        fn scenario()(
            received in 0u64..(365 * 3),
            stops in proptest::collection::vec((0u64..25, 0u64..45, 0u8..3), 0..4),
            ext in proptest::option::of(0u64..20),
            fee_stops in any::<bool>(),
        ) -> (NaiveDate, Vec<(u64, u64, u8)>, Option<u64>, bool) {
            (d("2025-01-01") + Days::new(received), stops, ext, fee_stops)
        }
    }

    /// Events from relative offsets (calendar days): the extension `ext` days after the
    /// receipt if `ext_first`, else after the last stop.
    fn build_with(
        received: NaiveDate,
        stops: &[(u64, u64, u8)],
        ext: Option<u64>,
        ext_first: bool,
    ) -> Vec<ClockEvent> {
        let mut evs = vec![ClockEvent::Received(received)];
        let mut cur = received;
        if ext_first && let Some(gap) = ext {
            cur = received + Days::new(gap);
            evs.push(ClockEvent::Extended(cur));
        }
        for &(gap, len, reason) in stops {
            let since = cur + Days::new(gap);
            let until = since + Days::new(len);
            evs.push(ClockEvent::StopStarted {
                date: since,
                reason: reason_of(reason),
            });
            evs.push(ClockEvent::StopEnded(until));
            cur = until;
        }
        if !ext_first && let Some(gap) = ext {
            evs.push(ClockEvent::Extended(cur + Days::new(gap)));
        }
        evs
    }

    fn build(received: NaiveDate, stops: &[(u64, u64, u8)], ext: Option<u64>) -> Vec<ClockEvent> {
        build_with(received, stops, ext, true)
    }

    proptest! {
        #[test]
        fn due_matches_day_by_day_reference((received, stops, ext, fee_stops) in scenario()) {
            let cal = builtin();
            let params = ClockParams { fee_notice_stops_clock: fee_stops, ..ClockParams::default() };
            let s = clock(&cal, &build(received, &stops, ext), &params).unwrap();
            let mut cur = ext.map_or(received, |gap| received + Days::new(gap));
            let mut spans = vec![];
            for &(gap, len, reason) in &stops {
                let since = cur + Days::new(gap);
                let until = since + Days::new(len);
                let reason = reason_of(reason);
                let cap = if params.stops_clock(reason) { i64::from(params.stop_days(reason)) } else { 0 };
                spans.push((since, until, cap));
                cur = until;
            }
            let allowed = if ext.is_some() { 40 } else { 20 };
            let naive = naive_due(&cal, received, allowed, &spans);
            // The reference counts days one by one; it agrees whenever every stop that
            // stops the clock began before the deadline (the other cases are unit tests).
            if spans.iter().all(|(since, _, cap)| *cap == 0 || *since < naive) {
                prop_assert_eq!(s.reply_due, Some(naive));
            }
            prop_assert!(s.reply_due.unwrap() > received);
            prop_assert_eq!(s.reply_due_at_latest, s.reply_due);
            prop_assert!(cal.is_working_day(s.reply_due.unwrap()));
        }

        #[test]
        fn a_stop_never_makes_the_due_date_earlier((received, stops, ext, fee_stops) in scenario()) {
            let cal = builtin();
            let params = ClockParams { fee_notice_stops_clock: fee_stops, ..ClockParams::default() };
            let with = clock(&cal, &build(received, &stops, ext), &params).unwrap();
            for skip in 0..stops.len() {
                let mut fewer = stops.clone();
                fewer.remove(skip);
                // Keep the later stops where they were.
                if skip + 1 < stops.len() {
                    let (gap, len, _) = stops[skip];
                    fewer[skip].0 += gap + len;
                }
                let without = clock(&cal, &build(received, &fewer, ext), &params).unwrap();
                prop_assert!(without.reply_due <= with.reply_due);
            }
            let none = clock(&cal, &build(received, &[], ext), &params).unwrap();
            prop_assert!(none.reply_due <= with.reply_due);
            prop_assert!(with.stopped_working_days >= 0);
            prop_assert!(with.stopped_working_days <= 20 * stops.len() as i64);
        }

        #[test]
        fn a_stop_after_the_due_date_changes_nothing(
            (received, stops, ext, fee_stops) in scenario(),
            after in 1u64..30,
            len in 0u64..40,
            reason in 0u8..3,
        ) {
            let cal = builtin();
            let params = ClockParams { fee_notice_stops_clock: fee_stops, ..ClockParams::default() };
            let mut evs = build(received, &stops, ext);
            let before = clock(&cal, &evs, &params).unwrap();
            let due = before.reply_due.unwrap();
            let since = due.max(before.as_of) + Days::new(after);
            evs.push(ClockEvent::StopStarted { date: since, reason: reason_of(reason) });
            let pending = clock(&cal, &evs, &params).unwrap();
            prop_assert_eq!(pending.reply_due, Some(due));
            prop_assert_eq!(pending.stopped_since, None);
            evs.push(ClockEvent::StopEnded(since + Days::new(len)));
            let ended = clock(&cal, &evs, &params).unwrap();
            prop_assert_eq!(ended.reply_due, Some(due));
        }

        #[test]
        fn extension_adds_exactly_its_days((received, stops, _ext, fee_stops) in scenario(), gap in 0u64..20) {
            let cal = builtin();
            let params = ClockParams { fee_notice_stops_clock: fee_stops, ..ClockParams::default() };
            let plain = clock(&cal, &build_with(received, &stops, None, false), &params).unwrap();
            let extended =
                clock(&cal, &build_with(received, &stops, Some(gap), false), &params).unwrap();
            let (a, b) = (plain.reply_due.unwrap(), extended.reply_due.unwrap());
            prop_assert_eq!(cal.working_days_between(a, b), 20);
            if stops.is_empty() {
                prop_assert_eq!(b, cal.add_working_days(received, 40));
            }
        }

        #[test]
        fn supplement_restarts_from_its_receipt(received in 0u64..(365 * 3), ask in 0u64..15, answer in 0u64..40) {
            let cal = builtin();
            let received = d("2025-01-01") + Days::new(received);
            let asked = received + Days::new(ask);
            let answered = asked + Days::new(answer);
            let evs = [
                ClockEvent::Received(received),
                ClockEvent::SupplementRequested(asked),
                ClockEvent::SupplementReceived(answered),
            ];
            let s = clock(&cal, &evs, &ClockParams::default()).unwrap();
            // A notice after its 7 working days restarts nothing.
            let from = if asked > s.supplement_notice_due { received } else { answered };
            prop_assert_eq!(s.start, from);
            prop_assert_eq!(s.reply_due, Some(cal.add_working_days(from, 20)));
            prop_assert!(s.reply_due.unwrap() >= received);
            prop_assert_eq!(
                cal.working_days_between(received, s.supplement_notice_due),
                7
            );
        }

        #[test]
        fn used_plus_left_is_the_allowance((received, stops, ext, fee_stops) in scenario(), later in 0u64..90) {
            let cal = builtin();
            let params = ClockParams { fee_notice_stops_clock: fee_stops, ..ClockParams::default() };
            let s = clock(&cal, &build(received, &stops, ext), &params).unwrap();
            let today = s.as_of + Days::new(later);
            let used = s.working_days_used_on(&cal, today);
            let left = cal.working_days_between(today, s.reply_due.unwrap());
            prop_assert_eq!(used + left, s.allowed_working_days);
        }

        #[test]
        fn urgency_is_consistent(due in 0u64..800, today in 0u64..800) {
            let cal = builtin();
            let base = d("2025-01-01");
            let (due, today) = (base + Days::new(due), base + Days::new(today));
            match urgency(&cal, today, Some(due)) {
                Urgency::Overdue { working_days } => {
                    prop_assert!(today > due);
                    prop_assert!(working_days >= 0);
                }
                Urgency::DueSoon { working_days_left } => {
                    prop_assert!(today <= due);
                    prop_assert!((0..=DUE_SOON_WORKING_DAYS).contains(&working_days_left));
                }
                Urgency::OnTrack { working_days_left } => {
                    prop_assert!(today < due);
                    prop_assert!(working_days_left > DUE_SOON_WORKING_DAYS);
                }
                Urgency::Paused | Urgency::Closed => prop_assert!(false),
            }
        }
    }
}
