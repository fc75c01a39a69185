//! Disclosure on application (依申请公开): intake (online and registered by an officer), the
//! applicant's status page, the officers' queue, the handling steps with the legal clock, reply
//! letters, and the annual-report figures.
//!
//! The stored event list is the source of truth: each step appends an `application_events` row
//! whose `data` is the domain [`ApplicationEvent`]; the status and the clock are recomputed by
//! replaying the list through [`Process`] and [`clock`], and the result is written back to the
//! row (status, due date) so queues can sort without replaying.

mod handling;
mod intake;
pub mod letters;
mod reminders;
mod report;

use chrono::NaiveDate;
use gongkai_domain::application::{
    ApplicationEvent, ApplicationStatus, ClockEvent, ClockParams, ClockState, Process,
    ReplyOutcome, Urgency, clock, urgency,
};
use gongkai_domain::calendar::WorkCalendar;
use gongkai_domain::role::{Action, Actor};
use gongkai_store::Conn;
use gongkai_store::applications::{self as store, ApplicationRow, EventRow, QueueOrder};
use serde::Serialize;

pub use handling::StaffAction;
pub use intake::{ApplicationInput, Receipt};
pub use reminders::SmtpConfig;
pub use report::AnnualFigures;

use crate::{App, AppError, AppResult, today};

/// An application as the application layer reads it: the stored row, its replayed process
/// and clock, and how urgent it is today.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    #[serde(flatten)]
    pub row: ApplicationRow,
    pub status: ApplicationStatus,
    pub outcome: Option<ReplyOutcome>,
    pub clock: ClockState,
    pub urgency: Urgency,
}

/// Everything about one application: timeline and letters.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationFile {
    pub application: Application,
    pub events: Vec<EventRow>,
    pub letters: Vec<store::LetterRow>,
    pub cases: Vec<store::CaseRow>,
    /// Files the applicant attached (staff only).
    pub files: Vec<store::FileRow>,
}

impl ApplicationFile {
    /// The outcome of the last draft reply, even when the reviewer returned it (the process
    /// forgets it then): the officer's form starts from it.
    pub fn drafted_outcome(&self) -> Option<ReplyOutcome> {
        self.events.iter().rev().find_map(|e| {
            match serde_json::from_str::<ApplicationEvent>(&e.data).ok()? {
                ApplicationEvent::SubmitDraft { outcome } => Some(outcome),
                _ => None,
            }
        })
    }
}

/// Statuses that count as open (the queue).
pub const OPEN_STATUSES: [&str; 9] = [
    "registered",
    "supplement_requested",
    "supplemented",
    "assigned",
    "in_progress",
    "consulting_third_party",
    "consulting_bodies",
    "awaiting_fee",
    "in_review",
];

/// Statuses of applications done with (the closed list).
pub const CLOSED_STATUSES: [&str; 3] = ["replied", "closed", "archived"];

/// The two lists of the console: the open queue (办理台账) and the closed list (已办结).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationList {
    Open,
    Closed,
}

impl ApplicationList {
    /// The statuses the list shows: all of its own, or only `status` when it is one of them
    /// (a status of the other list selects nothing).
    fn statuses(self, status: Option<&str>) -> Vec<&'static str> {
        let own: &[&'static str] = match self {
            ApplicationList::Open => &OPEN_STATUSES,
            ApplicationList::Closed => &CLOSED_STATUSES,
        };
        match status {
            None => own.to_vec(),
            Some(s) => own.iter().copied().filter(|o| *o == s).collect(),
        }
    }
}

/// What narrows a list of applications: a body, a status, a text (part of the tracking number,
/// a name or the description of the information asked for).
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub body_id: Option<i64>,
    pub status: Option<String>,
    pub text: Option<String>,
}

/// The bodies a list covers.
enum Scope {
    Everywhere,
    Bodies(Vec<i64>),
    /// A body the actor may not see: an empty list.
    Nothing,
}

impl Scope {
    /// The store's filter, or `None` when nothing can match.
    fn store_filter<'a>(
        &'a self,
        statuses: &'a [&'a str],
        filter: &'a ApplicationFilter,
    ) -> Option<store::QueueFilter<'a>> {
        let body_ids: &[i64] = match self {
            Scope::Bodies(ids) => ids,
            Scope::Everywhere => &[],
            Scope::Nothing => return None,
        };
        (!statuses.is_empty()).then_some(store::QueueFilter {
            statuses,
            body_ids,
            text: filter.text.as_deref(),
        })
    }
}

fn date(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored date {s} is not a date")))
}

/// Timeline entries that are not process events.
const NOT_PROCESS: [&str; 2] = ["received", "record_case"];

/// The process events of a timeline, with their dates. An entry that should be a process event
/// and does not read as one is corruption, not something to skip.
fn process_events(events: &[EventRow]) -> AppResult<Vec<(ApplicationEvent, NaiveDate)>> {
    events
        .iter()
        .filter(|e| !NOT_PROCESS.contains(&e.kind.as_str()))
        .map(|e| {
            let ev = serde_json::from_str::<ApplicationEvent>(&e.data).map_err(|err| {
                AppError::Internal(format!("timeline entry {} does not read: {err}", e.id))
            })?;
            Ok((ev, date(&e.on_date)?))
        })
        .collect()
}

/// Replays a timeline: the process state and the clock.
fn replay(
    cal: &WorkCalendar,
    params: &ClockParams,
    received_on: NaiveDate,
    events: &[(ApplicationEvent, NaiveDate)],
) -> AppResult<(Process, ClockState)> {
    let process = Process::replay(events.iter().map(|(e, _)| e))
        .map_err(|e| AppError::Internal(format!("stored timeline does not replay: {e:?}")))?;
    let mut clock_events = vec![ClockEvent::Received(received_on)];
    clock_events.extend(events.iter().filter_map(|(e, on)| e.clock_event(*on)));
    let state = clock(cal, &clock_events, params)
        .map_err(|e| AppError::Internal(format!("stored timeline has no valid clock: {e}")))?;
    Ok((process, state))
}

impl App {
    pub(crate) fn clock_params(&self) -> ClockParams {
        self.config().clock
    }

    /// Reads an application and recomputes its state.
    async fn load_application(
        &self,
        conn: &mut Conn,
        row: ApplicationRow,
    ) -> AppResult<Application> {
        let events = store::events(conn, row.id).await?;
        let cal = self.calendar();
        let (process, state) = replay(
            &cal,
            &self.clock_params(),
            date(&row.received_on)?,
            &process_events(&events)?,
        )?;
        let due = state.reply_due_on(today());
        Ok(Application {
            status: process.status,
            outcome: process.outcome,
            urgency: if state.closed_on.is_some() {
                Urgency::Closed
            } else {
                urgency(&cal, today(), due)
            },
            clock: state,
            row,
        })
    }

    /// Staff read an application of a body they work for.
    pub async fn application(&self, actor: &Actor, id: i64) -> AppResult<ApplicationFile> {
        let mut c = self.db().read().await?;
        let row = store::by_id(&mut c, id)
            .await?
            .filter(|r| actor.can(Action::ViewApplications, r.body_id))
            .ok_or(AppError::NotFound("application"))?;
        self.application_file(&mut c, row, true).await
    }

    /// Staff read an application by its tracking number.
    pub async fn application_by_tracking(
        &self,
        actor: &Actor,
        tracking: &str,
    ) -> AppResult<ApplicationFile> {
        let mut c = self.db().read().await?;
        let row = store::by_tracking(&mut c, tracking.trim())
            .await?
            .filter(|r| actor.can(Action::ViewApplications, r.body_id))
            .ok_or(AppError::NotFound("application"))?;
        self.application_file(&mut c, row, true).await
    }

    /// The applicant reads their own application with the tracking number and secret code.
    /// A wrong code and an unknown number give the same answer.
    pub async fn application_for_applicant(
        &self,
        tracking: &str,
        secret: &str,
    ) -> AppResult<ApplicationFile> {
        let mut c = self.db().read().await?;
        let given = self.code_hash(&intake::normalise_secret(secret));
        let row = store::by_tracking(&mut c, tracking.trim().to_ascii_uppercase().as_str())
            .await?
            .filter(|r| crate::auth::same_secret(&r.secret_hash, &given))
            .ok_or(AppError::NotFound("application"))?;
        self.application_file(&mut c, row, false).await
    }

    async fn application_file(
        &self,
        c: &mut Conn,
        row: ApplicationRow,
        staff: bool,
    ) -> AppResult<ApplicationFile> {
        let id = row.id;
        let application = self.load_application(c, row).await?;
        let mut events = store::events(c, id).await?;
        if !staff {
            events.retain(|e| e.public != 0);
        }
        Ok(ApplicationFile {
            application,
            events,
            letters: store::letters(c, id).await?,
            cases: store::cases(c, id).await?,
            files: if staff {
                store::files(c, id).await?
            } else {
                vec![]
            },
        })
    }

    /// A file the applicant attached, for staff of the application's body.
    pub async fn application_attachment(
        &self,
        actor: &Actor,
        id: i64,
        file_id: i64,
    ) -> AppResult<(String, String, Vec<u8>)> {
        let file = self.application(actor, id).await?;
        let f = file
            .files
            .into_iter()
            .find(|f| f.id == file_id)
            .ok_or(AppError::NotFound("attachment"))?;
        let bytes = self.blobs().get(&f.sha256).await?;
        Ok((f.filename, f.content_type, bytes))
    }

    /// One letter of an application, for staff of its body or the applicant with the code.
    pub async fn application_letter(
        &self,
        file: &ApplicationFile,
        letter_id: i64,
    ) -> AppResult<store::LetterRow> {
        file.letters
            .iter()
            .find(|l| l.id == letter_id)
            .cloned()
            .ok_or(AppError::NotFound("letter"))
    }

    /// The queue (办理台账): open applications of the actor's bodies (every body for the city
    /// office) that `filter` selects, most urgent first.
    pub async fn application_queue(
        &self,
        actor: &Actor,
        filter: &ApplicationFilter,
        limit: i64,
        offset: i64,
    ) -> AppResult<(Vec<Application>, i64)> {
        self.applications_in(actor, ApplicationList::Open, filter, limit, offset)
            .await
    }

    /// Replied, closed and archived applications of the actor's bodies that `filter` selects,
    /// newest first: they still need letters, reconsideration and litigation records.
    pub async fn closed_applications(
        &self,
        actor: &Actor,
        filter: &ApplicationFilter,
        limit: i64,
        offset: i64,
    ) -> AppResult<(Vec<Application>, i64)> {
        self.applications_in(actor, ApplicationList::Closed, filter, limit, offset)
            .await
    }

    /// How many applications of `list` each of the actor's bodies has under `filter`'s status
    /// and text (its body ignored), by body id: the console's body filter links.
    pub async fn application_counts_by_body(
        &self,
        actor: &Actor,
        list: ApplicationList,
        filter: &ApplicationFilter,
    ) -> AppResult<Vec<(i64, i64)>> {
        let all_bodies = ApplicationFilter {
            body_id: None,
            ..filter.clone()
        };
        let scope = self.application_scope(actor, &all_bodies)?;
        let statuses = list.statuses(filter.status.as_deref());
        let Some(selected) = scope.store_filter(&statuses, filter) else {
            return Ok(vec![]);
        };
        let mut c = self.db().read().await?;
        Ok(store::queue_bodies(&mut c, &selected).await?)
    }

    /// The bodies whose applications `actor` may list, narrowed to `filter`'s body.
    fn application_scope(&self, actor: &Actor, filter: &ApplicationFilter) -> AppResult<Scope> {
        let bodies = actor.bodies_with(Action::ViewApplications);
        let everywhere = actor.can_everywhere(Action::ViewApplications);
        if bodies.is_empty() && !everywhere {
            return Err(AppError::Forbidden);
        }
        Ok(match (filter.body_id, everywhere) {
            (None, true) => Scope::Everywhere,
            (None, false) => Scope::Bodies(bodies),
            (Some(b), true) => Scope::Bodies(vec![b]),
            (Some(b), false) if bodies.contains(&b) => Scope::Bodies(vec![b]),
            (Some(_), false) => Scope::Nothing,
        })
    }

    async fn applications_in(
        &self,
        actor: &Actor,
        list: ApplicationList,
        filter: &ApplicationFilter,
        limit: i64,
        offset: i64,
    ) -> AppResult<(Vec<Application>, i64)> {
        let scope = self.application_scope(actor, filter)?;
        let statuses = list.statuses(filter.status.as_deref());
        let Some(selected) = scope.store_filter(&statuses, filter) else {
            return Ok((vec![], 0));
        };
        let order = match list {
            ApplicationList::Open => QueueOrder::MostUrgent,
            ApplicationList::Closed => QueueOrder::Newest,
        };
        let mut c = self.db().read().await?;
        let (rows, total) = store::queue(&mut c, &selected, order, limit, offset).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.load_application(&mut c, row).await?);
        }
        if order == QueueOrder::Newest {
            return Ok((out, total));
        }
        // The stored due date is a snapshot; order by today's urgency.
        out.sort_by_key(|a| match a.urgency {
            Urgency::Overdue { working_days } => (0, -working_days),
            Urgency::DueSoon { working_days_left } => (1, working_days_left),
            Urgency::OnTrack { working_days_left } => (2, working_days_left),
            Urgency::Paused => (3, 0),
            Urgency::Closed => (4, 0),
        });
        Ok((out, total))
    }
}

impl App {
    /// Recomputes the stored deadline of every open application with `cal` (after a calendar
    /// change), auditing each change; returns how many changed.
    pub(crate) async fn recompute_deadlines(
        &self,
        conn: &mut Conn,
        cal: &WorkCalendar,
        actor: &str,
        origin: &crate::Origin,
        now: i64,
    ) -> AppResult<usize> {
        let mut changed = 0;
        for id in store::ids_in(conn, &OPEN_STATUSES).await? {
            let Some(row) = store::by_id(conn, id).await? else {
                continue;
            };
            let events = store::events(conn, id).await?;
            let (_, state) = replay(
                cal,
                &self.clock_params(),
                date(&row.received_on)?,
                &process_events(&events)?,
            )?;
            let due = state.reply_due_on(today()).map(|d| d.to_string());
            if due == row.reply_due_on {
                continue;
            }
            let mut s = store::ApplicationState::from(&row);
            s.reply_due_on = due.clone();
            store::update_state(conn, id, &s, now).await?;
            gongkai_store::audit::append(
                conn,
                &gongkai_store::audit::NewAudit {
                    at_ms: now,
                    actor,
                    ip: &origin.ip,
                    action: "application.deadline_recomputed",
                    entity: "application",
                    entity_id: &id.to_string(),
                    before: &serde_json::json!({"reply_due_on": row.reply_due_on}).to_string(),
                    after: &serde_json::json!({"reply_due_on": due}).to_string(),
                },
            )
            .await?;
            changed += 1;
        }
        Ok(changed)
    }
}
