//! Published items (公开信息): workflow states, catalog metadata and field validation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::docnum::DocumentNumber;
pub use crate::error::FieldError;
use crate::taxonomy;

str_enum! {
    /// Workflow state of an item (信息状态).
    pub enum ItemStatus {
        Draft => "draft", "草稿", "Draft";
        InReview => "in_review", "待审核", "In review";
        Scheduled => "scheduled", "待发布", "Scheduled";
        Published => "published", "已发布", "Published";
        Withdrawn => "withdrawn", "已撤回", "Withdrawn";
    }
}

impl ItemStatus {
    /// Whether items in this state are shown on the public site.
    pub const fn is_public(self) -> bool {
        matches!(self, ItemStatus::Published)
    }
}

/// Something that happens to an item (流程操作).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum ItemEvent {
    /// 编辑: a draft is changed, or a published item is revised (new version).
    Edit,
    /// 提交审核.
    Submit,
    /// 审核通过: publish now, or at a scheduled time if `scheduled`.
    Approve { scheduled: bool },
    /// 退回修改.
    Reject,
    /// 定时发布: the scheduled time has come.
    PublishDue,
    /// 撤回.
    Withdraw,
}

impl ItemEvent {
    /// Stable ASCII name of the event.
    pub const fn name(&self) -> &'static str {
        match self {
            ItemEvent::Edit => "edit",
            ItemEvent::Submit => "submit",
            ItemEvent::Approve { .. } => "approve",
            ItemEvent::Reject => "reject",
            ItemEvent::PublishDue => "publish_due",
            ItemEvent::Withdraw => "withdraw",
        }
    }

    /// Chinese label of the event.
    pub const fn label_zh(&self) -> &'static str {
        event_label_zh(self.name())
    }
}

/// Chinese label for an [`ItemEvent::name`]; the name itself if unknown.
pub const fn event_label_zh(name: &str) -> &str {
    match name.as_bytes() {
        b"edit" => "编辑",
        b"submit" => "提交审核",
        b"approve" => "审核通过",
        b"reject" => "退回修改",
        b"publish_due" => "定时发布",
        b"withdraw" => "撤回",
        _ => name,
    }
}

/// An event that the current state does not allow (非法状态转换).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event {event_name} is not allowed in state {from}")]
pub struct TransitionError {
    pub from: ItemStatus,
    /// [`ItemEvent::name`] of the refused event.
    pub event_name: &'static str,
}

impl TransitionError {
    /// E.g. `当前状态（已发布）不允许该操作：提交审核`.
    pub fn message_zh(&self) -> String {
        format!(
            "当前状态（{}）不允许该操作：{}",
            self.from.label_zh(),
            event_label_zh(self.event_name)
        )
    }
}

/// The workflow: the state after `event`, or an error if `from` does not allow it.
pub fn transition(from: ItemStatus, event: &ItemEvent) -> Result<ItemStatus, TransitionError> {
    use ItemStatus::*;
    let to = match (from, event) {
        (Draft, ItemEvent::Edit) => Some(Draft),
        (Published, ItemEvent::Edit) => Some(Published),
        (Draft, ItemEvent::Submit) => Some(InReview),
        (InReview, ItemEvent::Approve { scheduled: false }) => Some(Published),
        (InReview, ItemEvent::Approve { scheduled: true }) => Some(Scheduled),
        (InReview, ItemEvent::Reject) => Some(Draft),
        (Scheduled, ItemEvent::PublishDue) => Some(Published),
        (Published | Scheduled, ItemEvent::Withdraw) => Some(Withdrawn),
        _ => None,
    };
    to.ok_or(TransitionError {
        from,
        event_name: event.name(),
    })
}

str_enum! {
    /// Validity of a document (有效性).
    #[derive(Default)]
    pub enum Validity {
        #[default]
        Effective => "effective", "有效", "In force";
        Expired => "expired", "失效", "Expired";
        Repealed => "repealed", "废止", "Repealed";
        Revised => "revised", "已修订", "Revised";
    }
}

str_enum! {
    /// Disclosure attribute (公开属性).
    #[derive(Default)]
    pub enum DisclosureAttr {
        #[default]
        Proactive => "proactive", "主动公开", "Proactive disclosure";
        OnApplication => "on_application", "依申请公开", "Disclosed on application";
        NotDisclosed => "not_disclosed", "不予公开", "Not disclosed";
    }
}

str_enum! {
    /// Disclosure time limit (公开时限).
    #[derive(Default)]
    pub enum TimeLimit {
        #[default]
        LongTerm => "long_term", "长期公开", "Permanent";
        Limited => "limited", "限时公开", "For a limited time";
    }
}

str_enum! {
    /// Disclosure scope (公开范围).
    #[derive(Default)]
    pub enum Scope {
        #[default]
        Public => "public", "面向社会", "General public";
        Applicant => "applicant", "面向申请人", "Applicant only";
    }
}

/// Longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// Longest body, in characters.
pub const BODY_MAX_CHARS: usize = 2_000_000;
/// Longest summary (内容概述), in characters (`catalog.md`: ≤100).
pub const SUMMARY_MAX_CHARS: usize = 100;

/// The editable catalog fields of an item (信息目录字段).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemFields {
    /// 标题.
    pub title: String,
    /// 正文.
    pub body: String,
    /// 内容概述.
    pub summary: String,
    /// 文号, as typed.
    pub doc_number: Option<String>,
    /// 成文日期.
    pub written_on: Option<NaiveDate>,
    /// 体裁.
    pub genre: String,
    /// 主题分类 path, `"综合政务/政务公开"`.
    pub topic: String,
    /// 重点领域.
    pub key_areas: Vec<String>,
    /// 主题词.
    pub keywords: Vec<String>,
    /// 有效性.
    pub validity: Validity,
    /// 公开属性.
    pub disclosure: DisclosureAttr,
    /// 公开时限.
    pub time_limit: TimeLimit,
    /// 公开范围.
    pub scope: Scope,
    /// 公开方式.
    pub channel: String,
    /// 联合发文单位.
    pub co_issuers: Vec<String>,
}

impl ItemFields {
    /// Checks every field and returns all errors (not just the first).
    ///
    /// A document number that is a recognised non-standard number (an order number
    /// such as 国务院令第711号) is accepted and kept as typed.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();

        let title_len = self.title.chars().count();
        if self.title.trim().is_empty() {
            errs.push(FieldError::new("title", "标题不能为空"));
        } else if title_len > TITLE_MAX_CHARS {
            errs.push(FieldError::new(
                "title",
                format!("标题不能超过{TITLE_MAX_CHARS}个字（当前{title_len}个）"),
            ));
        }

        if self.body.trim().is_empty() {
            errs.push(FieldError::new("body", "正文不能为空"));
        } else {
            let body_len = self.body.chars().count();
            if body_len > BODY_MAX_CHARS {
                errs.push(FieldError::new(
                    "body",
                    format!("正文不能超过{BODY_MAX_CHARS}个字（当前{body_len}个）"),
                ));
            }
        }

        let summary_len = self.summary.chars().count();
        if summary_len > SUMMARY_MAX_CHARS {
            errs.push(FieldError::new(
                "summary",
                format!("内容概述不能超过{SUMMARY_MAX_CHARS}个字（当前{summary_len}个）"),
            ));
        }

        if self.genre.trim().is_empty() {
            errs.push(FieldError::new("genre", "请选择体裁"));
        } else if !taxonomy::builtin().is_genre(&self.genre) {
            errs.push(FieldError::new(
                "genre",
                format!("体裁“{}”不在体裁列表中", self.genre),
            ));
        }

        if self.topic.trim().is_empty() {
            errs.push(FieldError::new("topic", "请选择主题分类"));
        } else if !taxonomy::topic_path_valid(&self.topic) {
            errs.push(FieldError::new(
                "topic",
                format!("主题分类“{}”不存在", self.topic),
            ));
        }

        let unknown: Vec<&str> = self
            .key_areas
            .iter()
            .filter(|k| !taxonomy::builtin().is_key_area(k))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            errs.push(FieldError::new(
                "key_areas",
                format!("重点领域“{}”不存在", unknown.join("”、“")),
            ));
        }

        if let Some(raw) = self.doc_number.as_deref()
            && !raw.trim().is_empty()
            && let Err(e) = DocumentNumber::parse(raw)
            && !e.is_acceptable_raw()
        {
            errs.push(FieldError::new("doc_number", e.message_zh()));
        }

        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::*;

    fn check(from: ItemStatus, event: ItemEvent, expected: Option<ItemStatus>) {
        let got = transition(from, &event);
        match expected {
            Some(to) => assert_eq!(got, Ok(to), "{from:?} + {event:?}"),
            None => assert_eq!(
                got,
                Err(TransitionError {
                    from,
                    event_name: event.name()
                }),
                "{from:?} + {event:?}"
            ),
        }
    }

    #[test]
    fn transition_table() {
        let events = [
            ItemEvent::Edit,
            ItemEvent::Submit,
            ItemEvent::Approve { scheduled: false },
            ItemEvent::Approve { scheduled: true },
            ItemEvent::Reject,
            ItemEvent::PublishDue,
            ItemEvent::Withdraw,
        ];
        const X: Option<ItemStatus> = None;
        #[rustfmt::skip]
        let table: [(ItemStatus, [Option<ItemStatus>; 7]); 5] = [
            //            Edit             Submit          Approve         Approve(sched)   Reject       PublishDue       Withdraw
            (Draft,     [Some(Draft),     Some(InReview), X,              X,               X,           X,               X]),
            (InReview,  [X,               X,              Some(Published), Some(Scheduled), Some(Draft), X,               X]),
            (Scheduled, [X,               X,              X,              X,               X,           Some(Published), Some(Withdrawn)]),
            (Published, [Some(Published), X,              X,              X,               X,           X,               Some(Withdrawn)]),
            (Withdrawn, [X,               X,              X,              X,               X,           X,               X]),
        ];
        assert_eq!(table.map(|(s, _)| s), ItemStatus::ALL);
        for (from, row) in table {
            for (event, expected) in events.into_iter().zip(row) {
                check(from, event, expected);
            }
        }
    }

    #[test]
    fn transition_message() {
        let e = transition(Published, &ItemEvent::Submit).unwrap_err();
        assert_eq!(e.message_zh(), "当前状态（已发布）不允许该操作：提交审核");
        let e = transition(Withdrawn, &ItemEvent::Approve { scheduled: true }).unwrap_err();
        assert_eq!(e.message_zh(), "当前状态（已撤回）不允许该操作：审核通过");
        assert_eq!(ItemEvent::PublishDue.label_zh(), "定时发布");
    }

    #[test]
    fn event_serde() {
        let s = toml::to_string(&ItemEvent::Approve { scheduled: true }).unwrap();
        let back: ItemEvent = toml::from_str(&s).unwrap();
        assert_eq!(back, ItemEvent::Approve { scheduled: true });
    }

    fn check_enum<T: PartialEq + std::fmt::Debug>(
        parse: fn(&str) -> Option<T>,
        raw: &str,
        expected: Option<T>,
    ) {
        assert_eq!(parse(raw), expected, "{raw:?}");
    }

    #[test]
    fn metadata_enums() {
        check_enum(Validity::parse, "effective", Some(Validity::Effective));
        check_enum(Validity::parse, "有效", Some(Validity::Effective));
        check_enum(Validity::parse, "失效", Some(Validity::Expired));
        check_enum(Validity::parse, "废止", Some(Validity::Repealed));
        check_enum(Validity::parse, "已修订", Some(Validity::Revised));
        check_enum(Validity::parse, "revised", Some(Validity::Revised));
        check_enum(Validity::parse, "无效", None);
        check_enum(
            DisclosureAttr::parse,
            "主动公开",
            Some(DisclosureAttr::Proactive),
        );
        check_enum(
            DisclosureAttr::parse,
            "依申请公开",
            Some(DisclosureAttr::OnApplication),
        );
        check_enum(
            DisclosureAttr::parse,
            "not_disclosed",
            Some(DisclosureAttr::NotDisclosed),
        );
        check_enum(
            DisclosureAttr::parse,
            "不予公开",
            Some(DisclosureAttr::NotDisclosed),
        );
        check_enum(TimeLimit::parse, "长期公开", Some(TimeLimit::LongTerm));
        check_enum(TimeLimit::parse, "limited", Some(TimeLimit::Limited));
        check_enum(Scope::parse, "面向申请人", Some(Scope::Applicant));
        check_enum(Scope::parse, "public", Some(Scope::Public));
        check_enum(Scope::parse, "社会", None);
        check_enum(ItemStatus::parse, "in_review", Some(InReview));
        check_enum(ItemStatus::parse, "待发布", Some(Scheduled));
        assert_eq!(Validity::default(), Validity::Effective);
        assert_eq!(DisclosureAttr::default(), DisclosureAttr::Proactive);
        assert_eq!(TimeLimit::default(), TimeLimit::LongTerm);
        assert_eq!(Scope::default(), Scope::Public);
        assert_eq!(
            ItemStatus::ALL.map(ItemStatus::as_str),
            ["draft", "in_review", "scheduled", "published", "withdrawn"]
        );
        assert_eq!(
            ItemStatus::ALL.map(ItemStatus::label_zh),
            ["草稿", "待审核", "待发布", "已发布", "已撤回"]
        );
        assert!(Published.is_public());
        assert!(!Scheduled.is_public());
    }

    /// Every label the public item page shows has its own English wording.
    fn assert_english(labels: &[(&str, &str)]) {
        for (zh, en) in labels {
            assert!(
                !en.is_empty() && en.is_ascii(),
                "{zh} has no English label: {en}"
            );
        }
    }

    #[test]
    fn item_labels_have_english() {
        assert_english(&ItemStatus::ALL.map(|v| (v.label_zh(), v.label_en())));
        assert_english(&Validity::ALL.map(|v| (v.label_zh(), v.label_en())));
        assert_english(&DisclosureAttr::ALL.map(|v| (v.label_zh(), v.label_en())));
        assert_english(&TimeLimit::ALL.map(|v| (v.label_zh(), v.label_en())));
        assert_english(&Scope::ALL.map(|v| (v.label_zh(), v.label_en())));
        assert_eq!(Validity::Effective.label_en(), "In force");
        // English labels are for display only: parsing stays with the name and Chinese label.
        assert_eq!(Validity::parse("In force"), None);
    }

    fn valid() -> ItemFields {
        ItemFields {
            title: "关于进一步做好政务公开工作的通知".into(),
            body: "正文".into(),
            summary: "概述".into(),
            doc_number: Some("舟政办发〔2016〕88号".into()),
            written_on: NaiveDate::from_ymd_opt(2016, 7, 22),
            genre: "通知".into(),
            topic: "综合政务/政务公开".into(),
            key_areas: vec!["政策解读".into()],
            keywords: vec!["政务公开".into()],
            channel: "政府网站".into(),
            ..ItemFields::default()
        }
    }

    /// `expected` = the fields that fail, in order.
    fn check_fields(edit: impl FnOnce(&mut ItemFields), expected: &[&str]) {
        let mut f = valid();
        edit(&mut f);
        let got: Vec<&str> = match f.validate() {
            Ok(()) => vec![],
            Err(errs) => errs.iter().map(|e| e.field).collect(),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn validation_table() {
        check_fields(|_| {}, &[]);
        check_fields(|f| f.title = "  ".into(), &["title"]);
        check_fields(|f| f.title = "标".repeat(200), &[]);
        check_fields(|f| f.title = "标".repeat(201), &["title"]);
        check_fields(|f| f.body = String::new(), &["body"]);
        check_fields(|f| f.body = "字".repeat(BODY_MAX_CHARS), &[]);
        check_fields(|f| f.body = "字".repeat(BODY_MAX_CHARS + 1), &["body"]);
        check_fields(|f| f.summary = "概".repeat(100), &[]);
        check_fields(|f| f.summary = "概".repeat(101), &["summary"]);
        check_fields(|f| f.summary = String::new(), &[]);
        check_fields(|f| f.genre = "决议".into(), &["genre"]);
        check_fields(|f| f.genre = String::new(), &["genre"]);
        check_fields(|f| f.topic = "综合政务".into(), &[]);
        check_fields(|f| f.topic = "综合政务/不存在".into(), &["topic"]);
        check_fields(|f| f.topic = String::new(), &["topic"]);
        check_fields(|f| f.key_areas = vec![], &[]);
        check_fields(|f| f.key_areas.push("不存在".into()), &["key_areas"]);
        check_fields(|f| f.doc_number = None, &[]);
        check_fields(|f| f.doc_number = Some(" ".into()), &[]);
        check_fields(|f| f.doc_number = Some("舟政办发(2016)88号".into()), &[]);
        check_fields(|f| f.doc_number = Some("国务院令第711号".into()), &[]);
        check_fields(|f| f.doc_number = Some("乱写".into()), &["doc_number"]);
        check_fields(
            |f| f.doc_number = Some("国发〔1900〕1号".into()),
            &["doc_number"],
        );
        check_fields(
            |f| {
                f.title = String::new();
                f.body = String::new();
                f.summary = "概".repeat(101);
                f.genre = "x".into();
                f.topic = "x".into();
                f.key_areas = vec!["y".into(), "z".into()];
                f.doc_number = Some("x".into());
            },
            &[
                "title",
                "body",
                "summary",
                "genre",
                "topic",
                "key_areas",
                "doc_number",
            ],
        );
    }

    #[test]
    fn messages_name_the_field() {
        let f = ItemFields::default();
        let errs = f.validate().unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|e| e.message_zh.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "标题不能为空",
                "正文不能为空",
                "请选择体裁",
                "请选择主题分类"
            ]
        );
        let mut f = valid();
        f.key_areas = vec!["甲".into(), "乙".into()];
        let errs = f.validate().unwrap_err();
        assert_eq!(errs[0].message_zh, "重点领域“甲”、“乙”不存在");
    }
}
