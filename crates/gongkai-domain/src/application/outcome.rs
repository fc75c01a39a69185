//! Reply outcomes (办理结果): exactly the leaf rows of section 三 of the annual report
//! (国办公开办函〔2021〕30号), each with its legal basis from `rules/applications.md`.

/// Full name of the regulation, prefixed to every article reference.
pub const REGULATION_ZH: &str = "《中华人民共和国政府信息公开条例》";

/// The sentence naming the applicant's remedies, required in every letter whose
/// outcome [`ReplyOutcome::is_refusal`].
pub const REMEDIES_ZH: &str = "申请人如对本答复不服，可以依法申请行政复议或者提起行政诉讼。";

str_enum! {
    /// Group of reply outcomes (办理结果类别), the numbered rows （一）…（六） of table 三.
    pub enum OutcomeGroup {
        Disclosed => "disclosed", "予以公开", "Disclosed";
        PartlyDisclosed => "partly_disclosed", "部分公开", "Partly disclosed";
        Refused => "refused", "不予公开", "Not disclosed";
        Unavailable => "unavailable", "无法提供", "Cannot be provided";
        NotProcessed => "not_processed", "不予处理", "Not processed";
        Other => "other", "其他处理", "Other";
    }
}

impl OutcomeGroup {
    /// The group's row label in table 三, e.g. `（三）不予公开`.
    pub const fn row_label_zh(self) -> &'static str {
        match self {
            OutcomeGroup::Disclosed => "（一）予以公开",
            OutcomeGroup::PartlyDisclosed => {
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
            }
            OutcomeGroup::Refused => "（三）不予公开",
            OutcomeGroup::Unavailable => "（四）无法提供",
            OutcomeGroup::NotProcessed => "（五）不予处理",
            OutcomeGroup::Other => "（六）其他处理",
        }
    }

    /// The group's short numbered label, e.g. `（二）部分公开`.
    pub const fn numbered_zh(self) -> &'static str {
        match self {
            OutcomeGroup::Disclosed => "（一）予以公开",
            OutcomeGroup::PartlyDisclosed => "（二）部分公开",
            OutcomeGroup::Refused => "（三）不予公开",
            OutcomeGroup::Unavailable => "（四）无法提供",
            OutcomeGroup::NotProcessed => "（五）不予处理",
            OutcomeGroup::Other => "（六）其他处理",
        }
    }

    /// Whether the group is a single row in table 三 (（一） and （二）) rather than a
    /// heading over numbered rows.
    pub const fn is_single_row(self) -> bool {
        matches!(
            self,
            OutcomeGroup::Disclosed | OutcomeGroup::PartlyDisclosed
        )
    }

    /// The outcomes of this group, in report order.
    pub fn outcomes(self) -> impl Iterator<Item = ReplyOutcome> {
        ReplyOutcome::ALL
            .into_iter()
            .filter(move |o| o.group() == self)
    }
}

str_enum! {
    /// The outcome of an application (办理结果): one leaf row of table 三. The ASCII
    /// name ([`ReplyOutcome::code`]) is `group.case`; the label is the row text.
    pub enum ReplyOutcome {
        Disclosed => "disclosed", "予以公开", "Disclosed";
        /// Information separated, part disclosed (第三十七条); counted only here.
        PartlyDisclosed => "partly_disclosed", "部分公开", "Partly disclosed";
        RefusedStateSecret => "refused.state_secret", "属于国家秘密", "A state secret";
        RefusedProhibitedByLaw => "refused.prohibited_by_law", "其他法律行政法规禁止公开", "Disclosure prohibited by other laws or regulations";
        RefusedSecurityStability => "refused.security_stability", "危及“三安全一稳定”", "Would endanger national, public, economic security or social stability";
        RefusedThirdPartyRights => "refused.third_party", "保护第三方合法权益", "Protects the lawful rights of a third party";
        RefusedInternalAffairs => "refused.internal_affairs", "属于三类内部事务信息", "Internal affairs information";
        RefusedProcessInformation => "refused.process_info", "属于四类过程性信息", "Process information";
        RefusedEnforcementFile => "refused.enforcement_file", "属于行政执法案卷", "An administrative enforcement file";
        RefusedInquiry => "refused.inquiry", "属于行政查询事项", "A matter for administrative inquiry";
        UnavailableNotHeld => "unavailable.not_held", "本机关不掌握相关政府信息", "This authority does not hold the information";
        UnavailableNeedsCreation => "unavailable.needs_creation", "没有现成信息需要另行制作", "The information does not exist and would have to be created";
        UnavailableUnclearAfterSupplement => "unavailable.unclear_after_supplement", "补正后申请内容仍不明确", "The request remained unclear after supplementing";
        NotProcessedPetition => "not_processed.petition", "信访举报投诉类申请", "A petition, report or complaint";
        NotProcessedRepeated => "not_processed.repeated", "重复申请", "A repeated request";
        NotProcessedPublication => "not_processed.publication", "要求提供公开出版物", "A request for published material";
        NotProcessedExcessive => "not_processed.excessive", "无正当理由大量反复申请", "Numerous repeated requests without good reason";
        NotProcessedConfirmation => "not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", "A request to confirm or reissue information already obtained";
        /// Closed automatically when the supplement deadline passes (第三十条).
        OtherSupplementOverdue => "other.supplement_overdue", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "More information was not given in time; the request is no longer handled";
        /// Closed automatically when the fee is not paid in time.
        OtherFeeUnpaid => "other.fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "The fee was not paid in time; the request is no longer handled";
        /// Anything else, including an application withdrawn by the applicant.
        OtherOther => "other.other", "其他", "Other";
    }
}

impl ReplyOutcome {
    /// Stable ASCII code, e.g. `refused.state_secret` (same as [`ReplyOutcome::as_str`]).
    pub const fn code(self) -> &'static str {
        self.as_str()
    }

    /// The group (（一）…（六）) of the outcome.
    pub const fn group(self) -> OutcomeGroup {
        use ReplyOutcome::*;
        match self {
            Disclosed => OutcomeGroup::Disclosed,
            PartlyDisclosed => OutcomeGroup::PartlyDisclosed,
            RefusedStateSecret
            | RefusedProhibitedByLaw
            | RefusedSecurityStability
            | RefusedThirdPartyRights
            | RefusedInternalAffairs
            | RefusedProcessInformation
            | RefusedEnforcementFile
            | RefusedInquiry => OutcomeGroup::Refused,
            UnavailableNotHeld | UnavailableNeedsCreation | UnavailableUnclearAfterSupplement => {
                OutcomeGroup::Unavailable
            }
            NotProcessedPetition
            | NotProcessedRepeated
            | NotProcessedPublication
            | NotProcessedExcessive
            | NotProcessedConfirmation => OutcomeGroup::NotProcessed,
            OtherSupplementOverdue | OtherFeeUnpaid | OtherOther => OutcomeGroup::Other,
        }
    }

    /// The group's numbered label, e.g. `（三）不予公开`.
    pub const fn group_zh(self) -> &'static str {
        self.group().numbered_zh()
    }

    /// Position within its group, 1-based (the `1.` of `1.属于国家秘密`); 0 for the
    /// single-row groups （一） and （二）.
    pub fn number_in_group(self) -> usize {
        let group = self.group();
        if group.is_single_row() {
            return 0;
        }
        group
            .outcomes()
            .position(|o| o == self)
            .map_or(0, |p| p + 1)
    }

    /// The row label in table 三: `（一）予以公开`, the full （二） label, or a numbered
    /// leaf such as `1.属于国家秘密`.
    pub fn row_label_zh(self) -> String {
        if self.group().is_single_row() {
            self.group().row_label_zh().to_owned()
        } else {
            format!("{}.{}", self.number_in_group(), self.label_zh())
        }
    }

    /// The outcome as a file shows it: the group alone when it has one row
    /// (`（二）部分公开`), else the group and the outcome (`（三）不予公开：属于国家秘密`).
    pub fn display_zh(self) -> String {
        if self.group().is_single_row() {
            self.group_zh().to_owned()
        } else {
            format!("{}：{}", self.group_zh(), self.label_zh())
        }
    }

    /// [`ReplyOutcome::display_zh`] in English.
    pub fn display_en(self) -> String {
        if self.group().is_single_row() {
            self.group().label_en().to_owned()
        } else {
            format!("{}: {}", self.group().label_en(), self.label_en())
        }
    }

    /// Index of the outcome's row in [`crate::application::Table3::rows`].
    pub fn report_row(self) -> usize {
        // Rows: 一, 二, then each group's heading (unless single-row) followed by its leaves.
        let mut row = 2;
        for o in ReplyOutcome::ALL {
            if !o.group().is_single_row() && o.number_in_group() == 1 {
                row += 1; // the group's heading row
            }
            if o == self {
                return row;
            }
            row += 1;
        }
        row
    }

    /// The article the outcome rests on, as the rules' article column gives it
    /// (e.g. `《中华人民共和国政府信息公开条例》第十四条`); `None` where the rules give
    /// none (要求行政机关确认或重新出具已获取信息, 其他).
    pub const fn legal_basis_zh(self) -> Option<&'static str> {
        use ReplyOutcome::*;
        Some(match self {
            Disclosed => "《中华人民共和国政府信息公开条例》第三十六条",
            PartlyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            RefusedStateSecret | RefusedProhibitedByLaw | RefusedSecurityStability => {
                "《中华人民共和国政府信息公开条例》第十四条"
            }
            RefusedThirdPartyRights => "《中华人民共和国政府信息公开条例》第十五条",
            RefusedInternalAffairs => "《中华人民共和国政府信息公开条例》第十六条第一款",
            RefusedProcessInformation | RefusedEnforcementFile => {
                "《中华人民共和国政府信息公开条例》第十六条第二款"
            }
            RefusedInquiry => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            UnavailableNotHeld => {
                "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项"
            }
            UnavailableNeedsCreation => "《中华人民共和国政府信息公开条例》第三十八条",
            UnavailableUnclearAfterSupplement | OtherSupplementOverdue => {
                "《中华人民共和国政府信息公开条例》第三十条"
            }
            NotProcessedPetition | NotProcessedPublication => {
                "《中华人民共和国政府信息公开条例》第三十九条"
            }
            NotProcessedRepeated => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
            NotProcessedExcessive => "《中华人民共和国政府信息公开条例》第三十五条",
            OtherFeeUnpaid => "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
            NotProcessedConfirmation | OtherOther => return None,
        })
    }

    /// What the reply letter finds, as a clause after 经审查，: the annual report's short
    /// labels (保护第三方合法权益, 要求提供公开出版物) do not read as a sentence to the applicant.
    pub const fn finding_zh(self) -> &'static str {
        use ReplyOutcome::*;
        match self {
            Disclosed => "您申请获取的政府信息属于公开范围",
            PartlyDisclosed => "您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容",
            RefusedStateSecret => "您申请获取的政府信息属于国家秘密",
            RefusedProhibitedByLaw => "您申请获取的政府信息属于法律、行政法规禁止公开的信息",
            RefusedSecurityStability => {
                "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定"
            }
            RefusedThirdPartyRights => {
                "您申请获取的政府信息涉及商业秘密、个人隐私等，公开后会对第三方合法权益造成损害"
            }
            RefusedInternalAffairs => {
                "您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等内部事务信息"
            }
            RefusedProcessInformation => {
                "您申请获取的政府信息属于讨论记录、过程稿、磋商信函、请示报告等过程性信息"
            }
            RefusedEnforcementFile => "您申请获取的政府信息属于行政执法案卷信息",
            RefusedInquiry => {
                "您申请获取的信息属于行政查询事项，请按照有关法律、行政法规的规定办理查询"
            }
            UnavailableNotHeld => "本机关不掌握您申请获取的政府信息",
            UnavailableNeedsCreation => {
                "您申请获取的信息本机关没有现成的，需要另行制作或者对现有政府信息进行加工、分析"
            }
            UnavailableUnclearAfterSupplement => "您补正后的申请内容仍不明确",
            NotProcessedPetition => {
                "您的申请属于以政府信息公开申请的形式进行信访、投诉、举报等活动"
            }
            NotProcessedRepeated => "您的申请属于就本机关已答复的相同内容重复提出的申请",
            NotProcessedPublication => "您申请获取的信息属于公开出版物，可以通过公开渠道获取",
            NotProcessedExcessive => "您的申请属于无正当理由大量、反复提出的申请",
            NotProcessedConfirmation => "您的申请属于要求本机关确认或者重新出具已获取信息的申请",
            OtherSupplementOverdue => "您无正当理由逾期未补正申请",
            OtherFeeUnpaid => "您逾期未按收费通知要求缴纳信息处理费",
            OtherOther => "本机关对您的申请处理如下",
        }
    }

    /// Whether the applicant does not get everything asked for, so the letter must
    /// name the remedies (行政复议 and 行政诉讼, [`REMEDIES_ZH`]): every outcome except
    /// 予以公开 — a partial disclosure, a refusal, information not provided, an
    /// application not processed or closed are all decisions the applicant may challenge.
    pub const fn is_refusal(self) -> bool {
        !matches!(self, ReplyOutcome::Disclosed)
    }

    /// The remedies sentence for the letter, if [`ReplyOutcome::is_refusal`].
    pub const fn remedies_zh(self) -> Option<&'static str> {
        if self.is_refusal() {
            Some(REMEDIES_ZH)
        } else {
            None
        }
    }

    /// Whether the outcome is recorded by the system when the applicant abandons the
    /// application (missed supplement or fee deadline) rather than drafted as a reply.
    pub const fn is_automatic(self) -> bool {
        matches!(
            self,
            ReplyOutcome::OtherSupplementOverdue | ReplyOutcome::OtherFeeUnpaid
        )
    }

    /// Whether the outcome presupposes a supplement request (补正后申请内容仍不明确).
    pub const fn requires_supplement(self) -> bool {
        matches!(self, ReplyOutcome::UnavailableUnclearAfterSupplement)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_outcome_reads_as_a_finding_in_a_letter() {
        for o in ReplyOutcome::ALL {
            let finding = o.finding_zh();
            assert_ne!(finding, o.label_zh(), "{o:?}");
            assert!(
                finding.starts_with('您') || finding.starts_with("本机关"),
                "{o:?}: {finding}"
            );
            assert!(
                !finding.ends_with('。'),
                "the letter adds the full stop: {finding}"
            );
        }
    }

    use super::*;
    use ReplyOutcome::*;

    /// (outcome, code, row label, group, legal basis)
    #[allow(clippy::type_complexity)]
    const TABLE: [(ReplyOutcome, &str, &str, &str, Option<&str>); 21] = [
        (
            Disclosed,
            "disclosed",
            "（一）予以公开",
            "（一）予以公开",
            Some("第三十六条"),
        ),
        (
            PartlyDisclosed,
            "partly_disclosed",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开",
            Some("第三十七条"),
        ),
        (
            RefusedStateSecret,
            "refused.state_secret",
            "1.属于国家秘密",
            "（三）不予公开",
            Some("第十四条"),
        ),
        (
            RefusedProhibitedByLaw,
            "refused.prohibited_by_law",
            "2.其他法律行政法规禁止公开",
            "（三）不予公开",
            Some("第十四条"),
        ),
        (
            RefusedSecurityStability,
            "refused.security_stability",
            "3.危及“三安全一稳定”",
            "（三）不予公开",
            Some("第十四条"),
        ),
        (
            RefusedThirdPartyRights,
            "refused.third_party",
            "4.保护第三方合法权益",
            "（三）不予公开",
            Some("第十五条"),
        ),
        (
            RefusedInternalAffairs,
            "refused.internal_affairs",
            "5.属于三类内部事务信息",
            "（三）不予公开",
            Some("第十六条第一款"),
        ),
        (
            RefusedProcessInformation,
            "refused.process_info",
            "6.属于四类过程性信息",
            "（三）不予公开",
            Some("第十六条第二款"),
        ),
        (
            RefusedEnforcementFile,
            "refused.enforcement_file",
            "7.属于行政执法案卷",
            "（三）不予公开",
            Some("第十六条第二款"),
        ),
        (
            RefusedInquiry,
            "refused.inquiry",
            "8.属于行政查询事项",
            "（三）不予公开",
            Some("第三十六条第（七）项"),
        ),
        (
            UnavailableNotHeld,
            "unavailable.not_held",
            "1.本机关不掌握相关政府信息",
            "（四）无法提供",
            Some("第三十六条第（四）项、第（五）项"),
        ),
        (
            UnavailableNeedsCreation,
            "unavailable.needs_creation",
            "2.没有现成信息需要另行制作",
            "（四）无法提供",
            Some("第三十八条"),
        ),
        (
            UnavailableUnclearAfterSupplement,
            "unavailable.unclear_after_supplement",
            "3.补正后申请内容仍不明确",
            "（四）无法提供",
            Some("第三十条"),
        ),
        (
            NotProcessedPetition,
            "not_processed.petition",
            "1.信访举报投诉类申请",
            "（五）不予处理",
            Some("第三十九条"),
        ),
        (
            NotProcessedRepeated,
            "not_processed.repeated",
            "2.重复申请",
            "（五）不予处理",
            Some("第三十六条第（六）项"),
        ),
        (
            NotProcessedPublication,
            "not_processed.publication",
            "3.要求提供公开出版物",
            "（五）不予处理",
            Some("第三十九条"),
        ),
        (
            NotProcessedExcessive,
            "not_processed.excessive",
            "4.无正当理由大量反复申请",
            "（五）不予处理",
            Some("第三十五条"),
        ),
        (
            NotProcessedConfirmation,
            "not_processed.confirmation",
            "5.要求行政机关确认或重新出具已获取信息",
            "（五）不予处理",
            None,
        ),
        (
            OtherSupplementOverdue,
            "other.supplement_overdue",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "（六）其他处理",
            Some("第三十条"),
        ),
        (
            OtherFeeUnpaid,
            "other.fee_unpaid",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "（六）其他处理",
            Some("《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"),
        ),
        (OtherOther, "other.other", "3.其他", "（六）其他处理", None),
    ];

    fn check(outcome: ReplyOutcome, code: &str, row: &str, group: &str, basis: Option<&str>) {
        assert_eq!(outcome.code(), code);
        assert_eq!(ReplyOutcome::parse(code), Some(outcome), "{code}");
        assert_eq!(
            ReplyOutcome::parse(outcome.label_zh()),
            Some(outcome),
            "{code}"
        );
        assert_eq!(outcome.row_label_zh(), row, "{code}");
        assert_eq!(outcome.group_zh(), group, "{code}");
        match (outcome.legal_basis_zh(), basis) {
            (None, None) => {}
            (Some(got), Some(article)) if article.starts_with('第') => {
                assert_eq!(got, format!("{REGULATION_ZH}{article}"), "{code}");
            }
            (got, expected) => assert_eq!(got, expected, "{code}"),
        }
    }

    #[test]
    fn outcome_table() {
        assert_eq!(TABLE.map(|r| r.0), ReplyOutcome::ALL);
        for (outcome, code, row, group, basis) in TABLE {
            check(outcome, code, row, group, basis);
        }
    }

    #[test]
    fn group_counts_match_the_report() {
        let counts = OutcomeGroup::ALL.map(|g| g.outcomes().count());
        assert_eq!(counts, [1, 1, 8, 3, 5, 3]);
        assert_eq!(
            OutcomeGroup::ALL.map(OutcomeGroup::row_label_zh),
            [
                "（一）予以公开",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "（三）不予公开",
                "（四）无法提供",
                "（五）不予处理",
                "（六）其他处理"
            ]
        );
        assert_eq!(
            OutcomeGroup::ALL.map(OutcomeGroup::label_zh),
            [
                "予以公开",
                "部分公开",
                "不予公开",
                "无法提供",
                "不予处理",
                "其他处理"
            ]
        );
        for o in ReplyOutcome::ALL {
            assert!(o.code().starts_with(o.group().as_str()), "{o}");
            assert!(o.group().outcomes().any(|x| x == o));
        }
    }

    #[test]
    fn report_rows() {
        let rows = ReplyOutcome::ALL.map(ReplyOutcome::report_row);
        assert_eq!(
            rows,
            [
                2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 20, 21, 22, 24, 25, 26
            ]
        );
        assert_eq!(
            ReplyOutcome::ALL.map(ReplyOutcome::number_in_group),
            [
                0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 1, 2, 3, 4, 5, 1, 2, 3
            ]
        );
    }

    #[test]
    fn refusals_name_remedies() {
        assert!(!Disclosed.is_refusal());
        assert_eq!(Disclosed.remedies_zh(), None);
        for o in ReplyOutcome::ALL.into_iter().skip(1) {
            assert!(o.is_refusal(), "{o}");
            let r = o.remedies_zh().unwrap();
            assert!(r.contains("行政复议") && r.contains("行政诉讼"));
        }
    }

    #[test]
    fn automatic_and_supplement_flags() {
        let automatic: Vec<_> = ReplyOutcome::ALL
            .into_iter()
            .filter(|o| o.is_automatic())
            .collect();
        assert_eq!(automatic, [OtherSupplementOverdue, OtherFeeUnpaid]);
        let sup: Vec<_> = ReplyOutcome::ALL
            .into_iter()
            .filter(|o| o.requires_supplement())
            .collect();
        assert_eq!(sup, [UnavailableUnclearAfterSupplement]);
    }

    #[test]
    fn parse_rejects_unknown() {
        assert_eq!(ReplyOutcome::parse("refused"), None);
        assert_eq!(ReplyOutcome::parse("不予公开"), None);
        assert_eq!(ReplyOutcome::parse("refused.STATE_SECRET"), None);
        assert_eq!(ReplyOutcome::parse(" other.other "), Some(OtherOther));
        assert_eq!(ReplyOutcome::parse("其他"), Some(OtherOther));
        assert_eq!(OutcomeGroup::parse("不予公开"), Some(OutcomeGroup::Refused));
        assert!("x".parse::<ReplyOutcome>().is_err());
    }

    #[test]
    fn serde_uses_codes() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct W {
            o: ReplyOutcome,
        }
        for o in ReplyOutcome::ALL {
            let s = toml::to_string(&W { o }).unwrap();
            assert_eq!(s, format!("o = \"{}\"\n", o.code()));
            assert_eq!(toml::from_str::<W>(&s).unwrap(), W { o });
        }
    }
    #[test]
    fn a_single_row_group_is_not_named_twice() {
        assert_eq!(ReplyOutcome::PartlyDisclosed.display_zh(), "（二）部分公开");
        assert_eq!(ReplyOutcome::Disclosed.display_zh(), "（一）予以公开");
        let secret = ReplyOutcome::RefusedStateSecret.display_zh();
        assert!(
            secret.starts_with("（三）") && secret.ends_with("：属于国家秘密"),
            "{secret}"
        );
        for o in ReplyOutcome::ALL {
            assert_eq!(
                o.display_zh().contains('：'),
                !o.group().is_single_row(),
                "{o:?}"
            );
            assert_eq!(
                o.display_en().contains(": "),
                !o.group().is_single_row(),
                "{o:?}"
            );
        }
    }
}
