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

/// The characters of a unified social credit code (统一社会信用代码, GB 32100-2015): digits
/// and capitals without I, O, Z, S and V.
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether `code` is written like a unified social credit code: 18 of its characters.
pub fn looks_like_credit_code(code: &str) -> bool {
    code.chars().count() == 18 && code.chars().all(|c| CREDIT_CODE_CHARS.contains(c))
}

/// Whether an 18-character unified social credit code carries its check character (the last,
/// from the weighted sum of the first 17 modulo 31).
pub fn credit_code_valid(code: &str) -> bool {
    let values: Option<Vec<usize>> = code.chars().map(|c| CREDIT_CODE_CHARS.find(c)).collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return false;
    };
    let sum: usize = values[..17]
        .iter()
        .zip(CREDIT_CODE_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    values[17] == (31 - sum % 31) % 31
}

#[cfg(test)]
mod credit_code_tests {
    use super::*;

    #[test]
    fn check_characters_of_credit_codes() {
        // Published codes of real organisations.
        for code in [
            "91350100M000100Y43",
            "91330900MA2A00000U",
            "11100000000013127D",
        ] {
            assert!(looks_like_credit_code(code), "{code}");
            assert!(credit_code_valid(code), "{code}");
        }
        // One character changed, a letter outside the set, the wrong length.
        assert!(!credit_code_valid("91350100M000100Y44"));
        assert!(!credit_code_valid("91330900MA2A00000X"));
        assert!(!looks_like_credit_code("9135010OM000100Y43"));
        assert!(!credit_code_valid("9135010OM000100Y43"));
        assert!(!credit_code_valid("91350100M000100Y4"));
        assert!(!looks_like_credit_code("123"));
    }
}
