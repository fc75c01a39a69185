//! The information processing fee (信息处理费): 《政府信息公开信息处理费管理办法》
//! (国办函〔2020〕109号) as summarised in `rules/applications.md`. In principle no fee is
//! charged (第四十二条); where one is, it is charged by one method only, never both:
//!
//! - per application (按件计收), same applicant, one calendar month: applications 1–10
//!   free; 11–30: 100 元 each; from the 31st the price rises by 100 元 for every further
//!   ten (31–40: 200 元, 41–50: 300 元, …);
//! - per page (按量计收), for paper copies, e-mail and copied electronic data, each page
//!   at the price of its tier: 1–30 free; 31–100: 10 元; 101–200: 20 元; 201 and over: 40 元.

use serde::{Deserialize, Serialize};

str_enum! {
    /// How the fee is computed (计收方式).
    pub enum FeeMethod {
        PerApplication => "per_application", "按件计收";
        PerPage => "per_page", "按量计收";
    }
}

/// Applications per applicant and calendar month that are free.
pub const FREE_APPLICATIONS_PER_MONTH: u32 = 10;
/// Pages that are free.
pub const FREE_PAGES: u32 = 30;

/// Per-page tiers: (last page of the tier, price per page in 元); the last tier is open.
const PAGE_TIERS: [(u32, u32); 4] = [(30, 0), (100, 10), (200, 20), (u32::MAX, 40)];

/// Fee in 元 for the applicant's `nth_in_calendar_month` application of the month
/// (1-based; 0 is treated as free). Saturates at `u32::MAX`.
pub const fn fee_per_application(nth_in_calendar_month: u32) -> u32 {
    match nth_in_calendar_month {
        0..=10 => 0,
        11..=30 => 100,
        n => {
            let steps = (n - 31) / 10;
            200_u32.saturating_add(steps.saturating_mul(100))
        }
    }
}

/// Fee in 元 for `pages` pages, each page at the price of its tier. Saturates at
/// `u32::MAX`.
pub const fn fee_per_pages(pages: u32) -> u32 {
    let mut total: u64 = 0;
    let mut previous_last = 0;
    let mut i = 0;
    while i < PAGE_TIERS.len() {
        let (last, price) = PAGE_TIERS[i];
        let upto = if pages < last { pages } else { last };
        total += upto.saturating_sub(previous_last) as u64 * price as u64;
        previous_last = last;
        i += 1;
    }
    if total > u32::MAX as u64 {
        u32::MAX
    } else {
        total as u32
    }
}

/// What a fee is computed from, one method only (计费依据).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum FeeBasis {
    /// The applicant's `nth_in_month` application in this calendar month.
    PerApplication { nth_in_month: u32 },
    /// Number of pages provided.
    PerPage { pages: u32 },
}

/// The fee of one application (信息处理费): one method and the amount it gives. Built
/// only from a [`FeeBasis`], so a fee by both methods, or an amount that does not follow
/// from its method, cannot exist. Serialised as its basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "FeeBasis", into = "FeeBasis")]
pub struct Fee {
    basis: FeeBasis,
    amount_yuan: u32,
}

impl Fee {
    /// The fee from its basis.
    pub const fn new(basis: FeeBasis) -> Fee {
        let amount_yuan = match basis {
            FeeBasis::PerApplication { nth_in_month } => fee_per_application(nth_in_month),
            FeeBasis::PerPage { pages } => fee_per_pages(pages),
        };
        Fee { basis, amount_yuan }
    }

    /// 按件计收 for the applicant's `nth_in_month` application of the calendar month.
    pub const fn per_application(nth_in_month: u32) -> Fee {
        Fee::new(FeeBasis::PerApplication { nth_in_month })
    }

    /// 按量计收 for `pages` pages.
    pub const fn per_pages(pages: u32) -> Fee {
        Fee::new(FeeBasis::PerPage { pages })
    }

    pub const fn method(&self) -> FeeMethod {
        match self.basis {
            FeeBasis::PerApplication { .. } => FeeMethod::PerApplication,
            FeeBasis::PerPage { .. } => FeeMethod::PerPage,
        }
    }

    pub const fn basis(&self) -> FeeBasis {
        self.basis
    }

    /// The amount in 元.
    pub const fn amount_yuan(&self) -> u32 {
        self.amount_yuan
    }

    pub const fn is_free(&self) -> bool {
        self.amount_yuan == 0
    }

    /// E.g. `按量计收：共150页，1700元`.
    pub fn description_zh(&self) -> String {
        match self.basis {
            FeeBasis::PerApplication { nth_in_month } => format!(
                "按件计收：本月第{nth_in_month}件申请，{}元",
                self.amount_yuan
            ),
            FeeBasis::PerPage { pages } => {
                format!("按量计收：共{pages}页，{}元", self.amount_yuan)
            }
        }
    }
}

impl From<FeeBasis> for Fee {
    fn from(basis: FeeBasis) -> Fee {
        Fee::new(basis)
    }
}

impl From<Fee> for FeeBasis {
    fn from(fee: Fee) -> FeeBasis {
        fee.basis
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_application(nth: u32, expected: u32) {
        assert_eq!(fee_per_application(nth), expected, "application {nth}");
        assert_eq!(Fee::per_application(nth).amount_yuan(), expected);
    }

    #[test]
    fn per_application_tiers() {
        check_application(0, 0);
        check_application(1, 0);
        check_application(10, 0);
        check_application(11, 100);
        check_application(20, 100);
        check_application(21, 100);
        check_application(30, 100);
        check_application(31, 200);
        check_application(40, 200);
        check_application(41, 300);
        check_application(50, 300);
        check_application(51, 400);
        check_application(60, 400);
        check_application(61, 500);
        check_application(100, 800);
        check_application(101, 900);
        check_application(u32::MAX, u32::MAX);
        let month: u32 = (1..=50).map(fee_per_application).sum();
        assert_eq!(month, 20 * 100 + 10 * 200 + 10 * 300);
    }

    fn check_pages(pages: u32, expected: u32) {
        assert_eq!(fee_per_pages(pages), expected, "{pages} pages");
        assert_eq!(
            Fee::per_pages(pages).amount_yuan(),
            expected,
            "{pages} pages"
        );
    }

    #[test]
    fn per_page_tiers() {
        check_pages(0, 0);
        check_pages(1, 0);
        check_pages(30, 0);
        check_pages(31, 10);
        check_pages(32, 20);
        check_pages(99, 690);
        check_pages(100, 700);
        check_pages(101, 720);
        check_pages(150, 1700);
        check_pages(199, 2680);
        check_pages(200, 2700);
        check_pages(201, 2740);
        check_pages(202, 2780);
        check_pages(300, 6700);
        check_pages(1000, 34_700);
        check_pages(107_374_314, 4_294_967_260);
        check_pages(107_374_315, u32::MAX);
        check_pages(u32::MAX, u32::MAX);
    }

    #[test]
    fn one_method_only() {
        let a = Fee::per_application(12);
        assert_eq!(a.method(), FeeMethod::PerApplication);
        assert_eq!(a.basis(), FeeBasis::PerApplication { nth_in_month: 12 });
        assert_eq!(a.amount_yuan(), 100);
        assert!(!a.is_free());
        assert_eq!(a.description_zh(), "按件计收：本月第12件申请，100元");
        let p = Fee::per_pages(150);
        assert_eq!(p.method(), FeeMethod::PerPage);
        assert_eq!(p.description_zh(), "按量计收：共150页，1700元");
        assert!(Fee::per_pages(30).is_free());
        assert_eq!(Fee::from(FeeBasis::PerPage { pages: 31 }).amount_yuan(), 10);
        assert_eq!(FeeBasis::from(p), FeeBasis::PerPage { pages: 150 });
        assert_eq!(
            FeeMethod::ALL.map(FeeMethod::label_zh),
            ["按件计收", "按量计收"]
        );
        assert_eq!(FeeMethod::parse("按量计收"), Some(FeeMethod::PerPage));
    }

    #[test]
    fn serde_is_the_basis() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct W {
            fee: Fee,
        }
        let w = W {
            fee: Fee::per_pages(150),
        };
        let s = toml::to_string(&w).unwrap();
        assert_eq!(s, "[fee]\nmethod = \"per_page\"\npages = 150\n");
        assert_eq!(toml::from_str::<W>(&s).unwrap(), w);
        // An amount in the input is not accepted as such: it is recomputed.
        let back: W =
            toml::from_str("[fee]\nmethod = \"per_application\"\nnth_in_month = 31\n").unwrap();
        assert_eq!(back.fee.amount_yuan(), 200);
        assert!(
            toml::from_str::<W>("[fee]\nmethod = \"both\"\npages = 1\nnth_in_month = 1\n").is_err()
        );
    }

    proptest! {
        #[test]
        fn each_page_costs_its_tier(pages in 0u32..100_000) {
            let marginal = match pages + 1 {
                1..=30 => 0,
                31..=100 => 10,
                101..=200 => 20,
                _ => 40,
            };
            prop_assert_eq!(fee_per_pages(pages + 1) - fee_per_pages(pages), marginal);
            prop_assert_eq!(Fee::per_pages(pages).amount_yuan(), fee_per_pages(pages));
        }

        #[test]
        fn application_price_rises_by_ten(n in 21u32..1_000_000) {
            // From the 21st on, every block of ten costs 100 元 more than the one before.
            prop_assert_eq!(fee_per_application(n), 100 * ((n - 1) / 10 - 1));
            prop_assert!(fee_per_application(n + 1) >= fee_per_application(n));
        }
    }
}
