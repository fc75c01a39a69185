//! Organisation kinds.

str_enum! {
    /// Kind of a publishing body (机构类型): 市 / 县区 / 功能区 / 乡镇街道 / 部门.
    pub enum BodyKind {
        /// 市: the city government itself.
        City => "city", "市";
        /// 县区: a county or district government.
        District => "district", "县区";
        /// 功能区: a functional zone (development zone, new area) administration.
        FunctionalZone => "zone", "功能区";
        /// 乡镇街道: a town, township or sub-district office.
        Town => "town", "乡镇街道";
        /// 部门: a department of a government.
        Department => "department", "部门";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expected: Option<BodyKind>) {
        assert_eq!(BodyKind::parse(raw), expected, "parse({raw:?})");
    }

    #[test]
    fn parse_table() {
        check("city", Some(BodyKind::City));
        check("district", Some(BodyKind::District));
        check("zone", Some(BodyKind::FunctionalZone));
        check("town", Some(BodyKind::Town));
        check("department", Some(BodyKind::Department));
        check(" 部门 ", Some(BodyKind::Department));
        check("功能区", Some(BodyKind::FunctionalZone));
        check("functional_zone", None);
        check("City", None);
        check("", None);
    }

    #[test]
    fn round_trips_and_serde_names() {
        for k in BodyKind::ALL {
            assert_eq!(BodyKind::parse(k.as_str()), Some(k));
            assert_eq!(BodyKind::parse(k.label_zh()), Some(k));
            assert_eq!(k.to_string(), k.as_str());
            assert_eq!(k.as_str().parse::<BodyKind>(), Ok(k));
            #[derive(serde::Serialize, serde::Deserialize)]
            struct W {
                k: BodyKind,
            }
            let s = toml::to_string(&W { k }).unwrap();
            assert_eq!(s.trim(), format!("k = \"{}\"", k.as_str()));
            let back: W = toml::from_str(&s).unwrap();
            assert_eq!(back.k, k);
        }
        assert!("nope".parse::<BodyKind>().is_err());
    }

    #[test]
    fn labels() {
        let labels: Vec<_> = BodyKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(labels, ["市", "县区", "功能区", "乡镇街道", "部门"]);
    }
}
