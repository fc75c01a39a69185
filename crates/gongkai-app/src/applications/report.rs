//! The annual report's figures on applications (政府信息公开工作年度报告 table 三 and 四),
//! computed from the records of a body and year.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::application::{
    ReplyOutcome, ReportRecord, RequesterType, ReviewCase, ReviewKind, ReviewResult, Table3, Table4,
};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::applications as store;
use serde::Serialize;

use super::date;
use crate::{App, AppError, AppResult, today};

/// Tables 三 and 四 for one body and year, with their arithmetic checks.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualFigures {
    pub body_code: String,
    pub body_name: String,
    pub year: i32,
    pub table3: Table3,
    pub table4: Table4,
    /// Problems found by the cross-checks (empty when the tables add up).
    pub problems: Vec<String>,
}

impl App {
    /// Computes tables 三 and 四 of `body_code` for `year`.
    pub async fn annual_figures(
        &self,
        actor: &Actor,
        body_code: &str,
        year: i32,
    ) -> AppResult<AnnualFigures> {
        // The Regulations took effect on 2008-05-01; a year after this one has no records.
        let this_year = today().year();
        if !(2008..=this_year).contains(&year) {
            return Err(AppError::field(
                "year",
                format!("年度应在 2008 年（《条例》施行）至 {this_year} 年之间"),
            ));
        }
        let body = self.body_by_code(body_code).await?;
        if !actor.can(Action::ViewApplications, body.id) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db().read().await?;
        let mut records = Vec::new();
        for row in store::for_report(&mut c, body.id, year).await? {
            let requester = RequesterType::parse(&row.requester_type).ok_or_else(|| {
                AppError::Internal(format!(
                    "application {} has requester {}",
                    row.id, row.requester_type
                ))
            })?;
            let concluded = match (
                &row.closed_on,
                row.outcome.as_deref().and_then(ReplyOutcome::parse),
            ) {
                (Some(on), Some(outcome)) => Some((date(on)?, outcome)),
                _ => None,
            };
            if let Some(r) =
                ReportRecord::for_year(year, requester, date(&row.received_on)?, concluded)
            {
                records.push(r);
            }
        }
        let mut cases = Vec::new();
        for c in store::cases_for_report(&mut c, body.id, year).await? {
            let (Some(kind), Some(result)) =
                (ReviewKind::parse(&c.kind), ReviewResult::parse(&c.result))
            else {
                continue;
            };
            // A case decided after the year's end was still pending at the time of the report.
            let decided_in_year = c
                .decided_on
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| chrono::Datelike::year(&d) == year);
            let result = if decided_in_year {
                result
            } else {
                ReviewResult::Pending
            };
            cases.push(ReviewCase { kind, result });
        }
        let table3 = Table3::compute(&records);
        let table4 = Table4::compute(&cases);
        let mut problems = table3.check().err().unwrap_or_default();
        problems.extend(table4.check().err().unwrap_or_default());
        Ok(AnnualFigures {
            body_code: body.code,
            body_name: body.name,
            year,
            table3,
            table4,
            problems,
        })
    }
}
