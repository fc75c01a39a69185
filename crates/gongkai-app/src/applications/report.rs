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

impl AnnualFigures {
    /// Tables 三 and 四 as an Excel workbook laid out as the 2021 format prints them: the
    /// corner cell, 法人或其他组织 over its five columns, 三、本年度办理结果 as a heading row.
    pub fn to_xlsx(&self) -> AppResult<Vec<u8>> {
        use rust_xlsxwriter::{Format, FormatAlign, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| {
            AppError::Internal(format!("building the workbook: {e}"))
        };
        let mut book = Workbook::new();
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(rust_xlsxwriter::FormatBorder::Thin);
        let cell = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        let title = Format::new().set_bold().set_font_size(14);

        let sheet = book
            .add_worksheet()
            .set_name("三、依申请公开")
            .map_err(err)?;
        sheet
            .write_with_format(
                0,
                0,
                format!(
                    "三、收到和处理政府信息公开申请情况（{}，{}年）",
                    self.body_name, self.year
                ),
                &title,
            )
            .map_err(err)?;
        sheet
            .merge_range(1, 0, 2, 0, Table3::CORNER_ZH, &head)
            .map_err(err)?;
        sheet
            .merge_range(1, 1, 2, 1, Table3::COLUMNS_ZH[0], &head)
            .map_err(err)?;
        sheet
            .merge_range(1, 2, 1, 6, Table3::ORGANISATIONS_ZH, &head)
            .map_err(err)?;
        for (i, label) in Table3::COLUMNS_ZH[1..6].iter().enumerate() {
            let col = u16::try_from(i + 2).unwrap_or(u16::MAX);
            sheet
                .write_with_format(2, col, *label, &head)
                .map_err(err)?;
        }
        sheet
            .merge_range(1, 7, 2, 7, Table3::COLUMNS_ZH[6], &head)
            .map_err(err)?;
        let mut row = 3u32;
        for (i, (label, cells)) in self.table3.rows().into_iter().enumerate() {
            if i == 2 {
                sheet
                    .merge_range(row, 0, row, 7, Table3::RESULTS_HEADING_ZH, &cell)
                    .map_err(err)?;
                row += 1;
            }
            sheet.write_with_format(row, 0, label, &cell).map_err(err)?;
            for (c, v) in cells.iter().enumerate() {
                let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
                sheet
                    .write_with_format(row, col, *v as f64, &cell)
                    .map_err(err)?;
            }
            row += 1;
        }
        sheet.set_column_width(0, 48).map_err(err)?;
        sheet.set_row_height(1, 48).map_err(err)?;

        let sheet = book.add_worksheet().set_name("四、复议诉讼").map_err(err)?;
        sheet
            .write_with_format(
                0,
                0,
                format!(
                    "四、政府信息公开行政复议、行政诉讼情况（{}，{}年）",
                    self.body_name, self.year
                ),
                &title,
            )
            .map_err(err)?;
        let headings = Table4::headings();
        for (group, chunk) in headings.chunks(5).enumerate() {
            let first = u16::try_from(group * 5).unwrap_or(u16::MAX);
            sheet
                .merge_range(1, first, 1, first + 4, chunk[0].0, &head)
                .map_err(err)?;
            for (i, (_, label)) in chunk.iter().enumerate() {
                sheet
                    .write_with_format(2, first + u16::try_from(i).unwrap_or(0), *label, &head)
                    .map_err(err)?;
            }
        }
        for (c, v) in self.table4.row().iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet
                .write_with_format(3, col, *v as f64, &cell)
                .map_err(err)?;
        }
        book.save_to_buffer().map_err(err)
    }
}
