//! Disclosure on application (依申请公开): the rules of 《中华人民共和国政府信息公开条例》
//! (国务院令第711号) for applications, from `rules/applications.md` and
//! `rules/annual-report.md`.
//!
//! - [`types`]: who applies, how the application arrives, how the information is delivered.
//! - [`outcome`]: the reply categories, exactly the leaf rows of the annual report's table 三.
//! - [`mod@clock`]: the legal clock (20 working days, supplement restart, stopped periods,
//!   one extension) and the urgency of a deadline.
//! - [`process`]: the state machine from registration to archive.
//! - [`fees`]: the information processing fee (信息处理费).
//! - [`report`]: tables 三 and 四 of the annual report.

pub mod clock;
pub mod fees;
pub mod outcome;
pub mod process;
pub mod report;
pub mod types;

pub use clock::{
    ClockError, ClockEvent, ClockParams, ClockState, DUE_SOON_WORKING_DAYS, StopReason, Urgency,
    clock, urgency,
};
pub use fees::{Fee, FeeBasis, FeeMethod, fee_per_application, fee_per_pages};
pub use outcome::{OutcomeGroup, ReplyOutcome};
pub use process::{
    ApplicationEvent, ApplicationStatus, Process, TransitionError, TransitionRefusal, transition,
};
pub use report::{CaseRecord, ReportRecord, ReviewCase, ReviewKind, ReviewResult, Table3, Table4};
pub use types::{Channel, DeliveryForm, RequesterType};
