//! Letters to the applicant (告知书), generated from templates per step and outcome: each names
//! its legal basis, and every refusal names the applicant's remedies (行政复议, 行政诉讼).
//! Printable as HTML by the web layer and downloadable as DOCX.

use chrono::NaiveDate;
use gongkai_domain::application::{
    ApplicationEvent, ClockState, DeliveryForm, OutcomeGroup, ReplyOutcome,
};
use gongkai_store::applications::{ApplicationRow, ApplicationState};

use super::StaffAction;
use super::intake::ApplicationInput;
use crate::AppResult;

/// A letter ready to store.
#[derive(Debug, Clone)]
pub struct Letter {
    pub kind: String,
    pub title: String,
    pub body: String,
}

/// What a letter may mention.
pub(crate) struct LetterContext<'a> {
    pub row: &'a ApplicationRow,
    pub body_name: &'a str,
    pub state: &'a ApplicationState,
    pub clock: &'a ClockState,
    pub on: NaiveDate,
}

fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn opening(name: &str, received: &str, tracking: &str, description: &str) -> String {
    let short: String = description.chars().take(60).collect();
    let ellipsis = if description.chars().count() > 60 {
        "……"
    } else {
        ""
    };
    format!(
        "{name}：\n本机关于{received}收到您提出的政府信息公开申请（申请编号：{tracking}），申请获取“{short}{ellipsis}”。"
    )
}

fn signature(body: &str, on: NaiveDate) -> String {
    format!("\n{body}\n{}", zh_date(on))
}

/// The acknowledgement (登记回执) issued when an application is received.
pub(crate) fn acknowledgement(
    tracking: &str,
    input: &ApplicationInput,
    body_name: &str,
    received_on: NaiveDate,
    due: Option<NaiveDate>,
) -> Letter {
    let due = due.map_or_else(String::new, |d| {
        format!("依照《中华人民共和国政府信息公开条例》第三十三条，本机关将于{}前作出答复（如需延长答复期限，将另行告知）。", zh_date(d))
    });
    let body = format!(
        "{}\n{due}\n您可凭申请编号和查询码在本网站“申请查询”栏目查看办理进度和答复文书。{}",
        opening(
            &input.name,
            &zh_date(received_on),
            tracking,
            &input.description
        ),
        signature(body_name, received_on)
    );
    Letter {
        kind: "acknowledgement".into(),
        title: "政府信息公开申请登记回执".into(),
        body,
    }
}

/// The letter a step issues, if any.
pub(crate) fn for_step(
    ctx: &LetterContext<'_>,
    event: &ApplicationEvent,
    action: &StaffAction,
) -> Option<Letter> {
    let r = ctx.row;
    let open = opening(
        &r.name,
        &zh_date(NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d").unwrap_or(ctx.on)),
        &r.tracking_number,
        &r.description,
    );
    let sign = signature(ctx.body_name, ctx.on);
    let letter = |kind: &str, title: &str, middle: String| Letter {
        kind: kind.into(),
        title: title.into(),
        body: format!("{open}\n{middle}{sign}"),
    };
    match (event, action) {
        (ApplicationEvent::RequestSupplement, StaffAction::RequestSupplement { items }) => {
            let due = ctx
                .clock
                .supplement_due
                .map_or_else(String::new, |d| format!("请于{}前", zh_date(d)));
            Some(letter(
                "supplement_notice",
                "政府信息公开申请补正通知书",
                format!(
                    "经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，请您对以下内容作出补正：\n{}\n{due}向本机关提交补正材料。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关将不再处理该政府信息公开申请。",
                    items.trim()
                ),
            ))
        }
        (ApplicationEvent::Extend { .. }, StaffAction::Extend { reason }) => {
            let due = ctx.clock.reply_due.map_or_else(String::new, zh_date);
            Some(letter(
                "extension_notice",
                "延期答复告知书",
                format!(
                    "因{}，本机关无法在规定期限内答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经政府信息公开工作机构负责人同意，答复期限延长二十个工作日，本机关将于{due}前作出答复。",
                    reason.trim().trim_end_matches('。')
                ),
            ))
        }
        (ApplicationEvent::SendFeeNotice, _) => {
            let due = ctx
                .clock
                .fee_due
                .map_or_else(String::new, |d| format!("请于{}前", zh_date(d)));
            Some(letter(
                "fee_notice",
                "政府信息公开信息处理费缴费通知书",
                format!(
                    "根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），您的申请应缴纳信息处理费{}元（{}）。{due}缴纳。逾期未缴纳的，视为放弃申请，本机关将不再处理该政府信息公开申请。",
                    ctx.state.fee_amount,
                    if ctx.state.fee_method.as_deref() == Some("per_page") {
                        "按量计收"
                    } else {
                        "按件计收"
                    }
                ),
            ))
        }
        (ApplicationEvent::Approve, _) => {
            let outcome = ctx.state.outcome.as_deref().and_then(ReplyOutcome::parse)?;
            Some(letter(
                "reply",
                "政府信息公开申请答复书",
                reply_paragraphs(ctx, outcome),
            ))
        }
        (ApplicationEvent::Withdraw, _) => Some(letter(
            "closing_notice",
            "政府信息公开申请终止办理告知书",
            "您已撤回上述政府信息公开申请，本机关终止办理。".to_owned(),
        )),
        (ApplicationEvent::SupplementOverdue | ApplicationEvent::FeeOverdue, _) => {
            let outcome = event.closing_outcome()?;
            let basis = outcome
                .legal_basis_zh()
                .map_or_else(String::new, |b| format!("根据{b}的规定，"));
            Some(letter(
                "closing_notice",
                "政府信息公开申请终止办理告知书",
                format!(
                    "{basis}{}。
{}",
                    outcome.label_zh(),
                    outcome.remedies_zh().unwrap_or("")
                ),
            ))
        }
        _ => None,
    }
}

fn delivery_zh(code: &str) -> &'static str {
    DeliveryForm::parse(code).map_or("约定方式", DeliveryForm::label_zh)
}

/// The reply's body for `outcome`: the decision, its legal basis, the officer's explanation
/// and, where the applicant may challenge it, the remedies.
fn reply_paragraphs(ctx: &LetterContext<'_>, outcome: ReplyOutcome) -> String {
    let basis = outcome
        .legal_basis_zh()
        .unwrap_or("《中华人民共和国政府信息公开条例》");
    let finding = outcome.finding_zh();
    let decision = match outcome.group() {
        OutcomeGroup::Disclosed => format!(
            "经审查，{finding}。根据{basis}的规定，本机关予以公开，以{}方式向您提供。",
            delivery_zh(&ctx.row.delivery)
        ),
        OutcomeGroup::PartlyDisclosed => format!(
            "经审查，{finding}。根据{basis}的规定，本机关向您提供可以公开的部分，以{}方式提供。",
            delivery_zh(&ctx.row.delivery)
        ),
        OutcomeGroup::Refused => {
            format!("经审查，{finding}。根据{basis}的规定，本机关不予公开。")
        }
        OutcomeGroup::Unavailable => {
            format!("经审查，{finding}。根据{basis}的规定，本机关无法提供。")
        }
        OutcomeGroup::NotProcessed => {
            format!("经审查，{finding}。根据{basis}的规定，本机关不予处理。")
        }
        OutcomeGroup::Other => format!("经审查，{finding}："),
    };
    let remedies = outcome
        .remedies_zh()
        .map_or_else(String::new, |r| format!("\n{r}"));
    format!("{decision}\n{}{remedies}", ctx.state.reply_text.trim())
}

/// A letter as a Word document (DOCX): title centred, paragraphs indented, SimSun.
pub fn to_docx(title: &str, body: &str) -> AppResult<Vec<u8>> {
    use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts};
    let font = || RunFonts::new().east_asia("宋体").ascii("SimSun");
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(title).bold().size(36).fonts(font())),
    );
    for line in body.lines() {
        doc = doc.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(line).size(28).fonts(font())),
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| crate::AppError::Internal(format!("building the letter: {e}")))?;
    Ok(out.into_inner())
}
