//! Pagination (分页) of lists.

use serde::{Deserialize, Serialize};

/// Default page size.
pub const DEFAULT_SIZE: u32 = 20;

/// A requested page (页码): 1-based number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    /// Page from optional query parameters: number defaults to 1 (0 counts as 1),
    /// size defaults to 20 and is clamped to `1..=max` (a `max` of 0 counts as 1).
    pub fn new(number: Option<u32>, size: Option<u32>, max: u32) -> Page {
        let max = max.max(1);
        Page {
            number: number.unwrap_or(1).max(1),
            size: size.unwrap_or(DEFAULT_SIZE).clamp(1, max),
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.number.saturating_sub(1)).saturating_mul(i64::from(self.size))
    }

    /// Rows to fetch.
    pub fn limit(&self) -> i64 {
        i64::from(self.size)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page {
            number: 1,
            size: DEFAULT_SIZE,
        }
    }
}

/// Number of pages for `total` rows (0 when there are none).
pub fn page_count(total: i64, size: u32) -> u32 {
    if total <= 0 || size == 0 {
        return 0;
    }
    let size = i64::from(size);
    let pages = (total - 1) / size + 1;
    u32::try_from(pages).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(number: Option<u32>, size: Option<u32>, max: u32, expected: (u32, u32, i64)) {
        let p = Page::new(number, size, max);
        assert_eq!(
            (p.number, p.size, p.offset()),
            expected,
            "{number:?} {size:?} {max}"
        );
        assert_eq!(p.limit(), i64::from(p.size));
    }

    #[test]
    fn page_table() {
        check(None, None, 100, (1, 20, 0));
        check(Some(0), None, 100, (1, 20, 0));
        check(Some(3), None, 100, (3, 20, 40));
        check(Some(2), Some(50), 100, (2, 50, 50));
        check(Some(2), Some(500), 100, (2, 100, 100));
        check(Some(70_000), Some(100), 100, (70_000, 100, 6_999_900));
        check(Some(2), Some(0), 100, (2, 1, 1));
        check(None, None, 10, (1, 10, 0));
        check(None, None, 0, (1, 1, 0));
        check(
            Some(u32::MAX),
            Some(u32::MAX),
            u32::MAX,
            (u32::MAX, u32::MAX, i64::MAX),
        );
        assert_eq!(Page::default(), Page::new(None, None, 100));
    }

    fn check_count(total: i64, size: u32, expected: u32) {
        assert_eq!(page_count(total, size), expected, "{total} / {size}");
    }

    #[test]
    fn count_table() {
        check_count(0, 20, 0);
        check_count(-5, 20, 0);
        check_count(1, 20, 1);
        check_count(20, 20, 1);
        check_count(21, 20, 2);
        check_count(100, 1, 100);
        check_count(5, 0, 0);
        check_count(i64::MAX, 1, u32::MAX);
    }
}
