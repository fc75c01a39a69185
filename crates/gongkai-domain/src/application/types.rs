//! Who applies (申请人类型), how the application arrives (提交方式) and how the
//! information is delivered (获取信息方式).

str_enum! {
    /// Type of applicant (申请人类型), the columns of the annual report's table 三:
    /// 自然人, then 法人或其他组织 split into five kinds.
    pub enum RequesterType {
        NaturalPerson => "natural_person", "自然人", "Individual";
        Commercial => "commercial", "商业企业", "Business";
        Research => "research", "科研机构", "Research institution";
        PublicInterest => "public_interest", "社会公益组织", "Non-profit organization";
        LegalService => "legal_service", "法律服务机构", "Legal services firm";
        OtherOrg => "other", "其他", "Other";
    }
}

impl RequesterType {
    /// Whether the applicant is a legal person or other organisation (法人或其他组织).
    pub const fn is_organisation(self) -> bool {
        !matches!(self, RequesterType::NaturalPerson)
    }

    /// Column of table 三 (0 = 自然人 … 5 = 其他; 6 is the 总计 column).
    pub const fn report_column(self) -> usize {
        match self {
            RequesterType::NaturalPerson => 0,
            RequesterType::Commercial => 1,
            RequesterType::Research => 2,
            RequesterType::PublicInterest => 3,
            RequesterType::LegalService => 4,
            RequesterType::OtherOrg => 5,
        }
    }
}

str_enum! {
    /// How an application was submitted (提交方式); decides its legal receipt date
    /// (第三十一条, see [`Channel::receipt_rule_zh`]).
    pub enum Channel {
        Online => "online", "网上申请", "Online";
        InPerson => "in_person", "当面提交", "In person";
        Post => "post", "信函", "By letter";
        Fax => "fax", "传真", "By fax";
        Email => "email", "电子邮件", "By e-mail";
    }
}

impl Channel {
    /// The receipt date rule of 第三十一条 for this channel, in words for officers
    /// registering an application. E-mail is an internet channel and follows the
    /// online rule.
    pub const fn receipt_rule_zh(self) -> &'static str {
        match self {
            Channel::InPerson => {
                "申请人当面提交政府信息公开申请的，以提交之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条第（一）项）"
            }
            Channel::Post => {
                "申请人以邮寄方式提交政府信息公开申请的：以挂号信等需要签收的方式提交的，以行政机关签收之日为收到申请之日；以平常信函等无需签收的方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条第（二）项）"
            }
            Channel::Online | Channel::Email => {
                "申请人通过互联网渠道提交政府信息公开申请的，以双方确认之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条第（三）项）"
            }
            Channel::Fax => {
                "申请人通过政府信息公开工作机构的传真提交政府信息公开申请的，以双方确认之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条第（三）项）"
            }
        }
    }
}

str_enum! {
    /// How the applicant wants the information (获取信息方式).
    pub enum DeliveryForm {
        /// 纸质文本.
        Paper => "paper", "纸质文本", "Paper copy";
        Email => "email", "电子邮件", "E-mail";
        /// Copied electronic data: CD and similar media.
        Electronic => "electronic", "光盘等电子介质", "CD or other electronic media";
        /// Collected in person.
        Pickup => "pickup", "当场领取", "Collect in person";
        Post => "post", "邮寄", "By post";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: PartialEq + std::fmt::Debug>(
        parse: fn(&str) -> Option<T>,
        raw: &str,
        expected: Option<T>,
    ) {
        assert_eq!(parse(raw), expected, "{raw:?}");
    }

    #[test]
    fn labels_fall_back_to_chinese_without_english() {
        assert_eq!(RequesterType::Research.label_en(), "Research institution");
        assert_eq!(DeliveryForm::Pickup.label_en(), "Collect in person");
        for r in RequesterType::ALL {
            assert!(r.label_en().is_ascii(), "{r:?}");
        }
        for d in DeliveryForm::ALL {
            assert!(d.label_en().is_ascii(), "{d:?}");
        }
        assert_eq!(Channel::Online.label_en(), "Online");
        // What only staff see has no English label.
        use super::super::clock::StopReason;
        assert_eq!(
            StopReason::ThirdParty.label_en(),
            StopReason::ThirdParty.label_zh()
        );
    }

    #[test]
    fn requester_types() {
        use RequesterType::*;
        assert_eq!(
            RequesterType::ALL.map(RequesterType::as_str),
            [
                "natural_person",
                "commercial",
                "research",
                "public_interest",
                "legal_service",
                "other"
            ]
        );
        assert_eq!(
            RequesterType::ALL.map(RequesterType::label_zh),
            [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他"
            ]
        );
        assert_eq!(
            RequesterType::ALL.map(RequesterType::report_column),
            [0, 1, 2, 3, 4, 5]
        );
        assert_eq!(
            RequesterType::ALL.map(RequesterType::is_organisation),
            [false, true, true, true, true, true]
        );
        check(RequesterType::parse, "自然人", Some(NaturalPerson));
        check(RequesterType::parse, " 商业企业 ", Some(Commercial));
        check(RequesterType::parse, "research", Some(Research));
        check(RequesterType::parse, "社会公益组织", Some(PublicInterest));
        check(RequesterType::parse, "legal_service", Some(LegalService));
        check(RequesterType::parse, "其他", Some(OtherOrg));
        check(RequesterType::parse, "other", Some(OtherOrg));
        check(RequesterType::parse, "法人或其他组织", None);
        check(RequesterType::parse, "", None);
        assert_eq!("自然人".parse::<RequesterType>(), Ok(NaturalPerson));
        assert!("公司".parse::<RequesterType>().is_err());
    }

    #[test]
    fn channels() {
        assert_eq!(
            Channel::ALL.map(Channel::as_str),
            ["online", "in_person", "post", "fax", "email"]
        );
        assert_eq!(
            Channel::ALL.map(Channel::label_zh),
            ["网上申请", "当面提交", "信函", "传真", "电子邮件"]
        );
        check(Channel::parse, "信函", Some(Channel::Post));
        check(Channel::parse, "in_person", Some(Channel::InPerson));
        check(Channel::parse, "letter", None);
        for c in Channel::ALL {
            let rule = c.receipt_rule_zh();
            assert!(rule.contains("第三十一条"), "{c}");
            assert!(rule.contains("收到申请之日"), "{c}");
        }
        assert!(Channel::InPerson.receipt_rule_zh().contains("以提交之日"));
        assert!(Channel::Post.receipt_rule_zh().contains("签收之日"));
        assert!(Channel::Post.receipt_rule_zh().contains("与申请人确认之日"));
        assert!(Channel::Online.receipt_rule_zh().contains("双方确认之日"));
        assert!(Channel::Fax.receipt_rule_zh().contains("传真"));
        assert_eq!(
            Channel::Email.receipt_rule_zh(),
            Channel::Online.receipt_rule_zh()
        );
    }

    #[test]
    fn delivery_forms() {
        assert_eq!(
            DeliveryForm::ALL.map(DeliveryForm::as_str),
            ["paper", "email", "electronic", "pickup", "post"]
        );
        assert_eq!(
            DeliveryForm::ALL.map(DeliveryForm::label_zh),
            ["纸质文本", "电子邮件", "光盘等电子介质", "当场领取", "邮寄"]
        );
        check(DeliveryForm::parse, "邮寄", Some(DeliveryForm::Post));
        check(
            DeliveryForm::parse,
            "electronic",
            Some(DeliveryForm::Electronic),
        );
        check(DeliveryForm::parse, "光盘", None);
    }

    #[test]
    fn serde_names_are_codes() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct W {
            r: RequesterType,
            c: Channel,
            d: DeliveryForm,
        }
        let w = W {
            r: RequesterType::PublicInterest,
            c: Channel::InPerson,
            d: DeliveryForm::Pickup,
        };
        let s = toml::to_string(&w).unwrap();
        assert_eq!(
            s,
            "r = \"public_interest\"\nc = \"in_person\"\nd = \"pickup\"\n"
        );
        assert_eq!(toml::from_str::<W>(&s).unwrap(), w);
    }
}
