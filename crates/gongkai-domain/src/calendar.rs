//! Working-day calendar (工作日历).
//!
//! Legal clocks (e.g. the 20 working days of 条例 第33条) count working days: the day
//! of the triggering event is not counted, counting starts the next day. Official
//! holidays and make-up working days (调休) come from one TOML file per year
//! (`data/calendar/YYYY.toml`); for a year without a file, Monday to Friday are
//! working days and callers should warn ([`WorkCalendar::falls_outside_loaded`]).

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// Year files compiled into [`builtin`].
pub const BUILTIN_YEARS: [&str; 2] = [
    include_str!("../data/calendar/2025.toml"),
    include_str!("../data/calendar/2026.toml"),
];

/// Working days within which an item should be published after it was written
/// (used by [`is_late_publication`]).
pub const PUBLICATION_WORKING_DAYS: i64 = 20;

/// A working-day calendar (工作日历): official holidays and make-up working days of
/// the loaded years, Monday to Friday elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
}

/// A defect in a calendar year file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar file is not valid: {0}")]
    Toml(String),
    #[error("date {date} is not in the declared year {year}")]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("date {0} is listed both as a holiday and as a working day")]
    HolidayAndWorkday(NaiveDate),
    #[error("make-up working day {0} is not a Saturday or Sunday")]
    WorkdayNotWeekend(NaiveDate),
    #[error("calendar year {0} is given twice")]
    DuplicateYear(i32),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    #[serde(default)]
    holidays: Vec<NaiveDate>,
    #[serde(default)]
    workdays: Vec<NaiveDate>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn last_day_of_year(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// Monday-to-Friday days in `(a, b]`, for `a <= b`.
fn weekdays_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let days = (b - a).num_days();
    let weeks = days / 7;
    let mut count = weeks * 5;
    let mut d = a + Days::new(u64::try_from(weeks * 7).unwrap_or(0));
    while d < b {
        let Some(next) = d.succ_opt() else { break };
        d = next;
        if !is_weekend(d) {
            count += 1;
        }
    }
    count
}

impl WorkCalendar {
    /// A calendar without official data: Monday to Friday are working days.
    pub fn mon_to_fri() -> Self {
        WorkCalendar::default()
    }

    /// A calendar from year files (format of `data/calendar/2026.toml`).
    pub fn from_toml_years(files: &[&str]) -> Result<Self, CalendarError> {
        let mut cal = WorkCalendar::default();
        for src in files {
            let year = cal.add_year_toml(src)?;
            if files.iter().filter(|s| year_of(s) == Some(year)).count() > 1 {
                return Err(CalendarError::DuplicateYear(year));
            }
        }
        Ok(cal)
    }

    /// Adds (or replaces) one year; returns the year.
    pub fn add_year_toml(&mut self, src: &str) -> Result<i32, CalendarError> {
        let f: YearFile = toml::from_str(src).map_err(|e| CalendarError::Toml(e.to_string()))?;
        for &date in f.holidays.iter().chain(&f.workdays) {
            if date.year() != f.year {
                return Err(CalendarError::DateOutsideYear { year: f.year, date });
            }
        }
        let holidays: HashSet<NaiveDate> = f.holidays.into_iter().collect();
        for &date in &f.workdays {
            if holidays.contains(&date) {
                return Err(CalendarError::HolidayAndWorkday(date));
            }
            if !is_weekend(date) {
                return Err(CalendarError::WorkdayNotWeekend(date));
            }
        }
        self.holidays.retain(|d| d.year() != f.year);
        self.workdays.retain(|d| d.year() != f.year);
        self.holidays.extend(holidays);
        self.workdays.extend(f.workdays);
        self.years.insert(f.year);
        Ok(f.year)
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Years with official data, ascending.
    pub fn loaded_years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.years.contains(&date.year()) {
            if self.holidays.contains(&date) {
                return false;
            }
            if self.workdays.contains(&date) {
                return true;
            }
        }
        !is_weekend(date)
    }

    /// Last day of the stretch of years without data that contains `year`, or `None`
    /// if no later year has data.
    fn unloaded_stretch_end(&self, year: i32) -> Option<NaiveDate> {
        let next = *self.years.range(year.saturating_add(1)..).next()?;
        last_day_of_year(next - 1)
    }

    /// The `n`-th working day after `from` (`from` itself is not counted); `from`
    /// when `n` is 0. Saturates at `NaiveDate::MAX`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut remaining = i64::from(n);
        let mut cur = from;
        while remaining > 0 {
            let Some(next) = cur.succ_opt() else {
                return NaiveDate::MAX;
            };
            let year = next.year();
            if self.has_year(year) {
                let mut d = next;
                loop {
                    if self.is_working_day(d) {
                        remaining -= 1;
                        if remaining == 0 {
                            return d;
                        }
                    }
                    if d.month() == 12 && d.day() == 31 {
                        break;
                    }
                    let Some(n) = d.succ_opt() else {
                        return NaiveDate::MAX;
                    };
                    d = n;
                }
                cur = d;
                continue;
            }
            if let Some(end) = self.unloaded_stretch_end(year) {
                let available = weekdays_between(cur, end);
                if available < remaining {
                    remaining -= available;
                    cur = end;
                    continue;
                }
            }
            // The target lies in this stretch: jump whole weeks (5 working days each).
            let weeks = (remaining - 1) / 5;
            let Some(jumped) = u64::try_from(weeks * 7)
                .ok()
                .and_then(|days| cur.checked_add_days(Days::new(days)))
            else {
                return NaiveDate::MAX;
            };
            cur = jumped;
            remaining -= weeks * 5;
            while remaining > 0 {
                let Some(n) = cur.succ_opt() else {
                    return NaiveDate::MAX;
                };
                cur = n;
                if self.is_working_day(cur) {
                    remaining -= 1;
                }
            }
        }
        cur
    }

    /// Working days in `(a, b]`, for `a <= b`.
    fn count(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let mut total = 0;
        let mut cur = a;
        while cur < b {
            let Some(next) = cur.succ_opt() else { break };
            let year = next.year();
            if self.has_year(year) {
                let end = last_day_of_year(year).map_or(b, |e| e.min(b));
                let mut d = next;
                loop {
                    if self.is_working_day(d) {
                        total += 1;
                    }
                    if d >= end {
                        break;
                    }
                    let Some(n) = d.succ_opt() else { break };
                    d = n;
                }
                cur = end;
            } else {
                let end = self.unloaded_stretch_end(year).map_or(b, |e| e.min(b));
                total += weekdays_between(cur, end);
                cur = end;
            }
        }
        total
    }

    /// Working days in `(from, to]`; negative (minus those in `(to, from]`) if `to`
    /// is before `from`. `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to >= from {
            self.count(from, to)
        } else {
            -self.count(to, from)
        }
    }

    /// Years of the dates from `from` to `to` (either order) without official data,
    /// ascending: a result computed over them assumed Monday-to-Friday.
    pub fn falls_outside_loaded(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year())
            .filter(|y| !self.has_year(*y))
            .collect()
    }
}

/// The `year` declared in a year file, if it parses.
fn year_of(src: &str) -> Option<i32> {
    toml::from_str::<YearFile>(src).ok().map(|f| f.year)
}

#[allow(clippy::expect_used)]
static BUILTIN: LazyLock<WorkCalendar> = LazyLock::new(|| {
    WorkCalendar::from_toml_years(&BUILTIN_YEARS)
        .expect("data/calendar/*.toml is compiled in and checked by a test")
});

/// The calendar with the compiled-in official years (2025, 2026).
pub fn builtin() -> WorkCalendar {
    BUILTIN.clone()
}

/// Whether an item was published 20 or more working days after it was written.
pub fn is_late_publication(
    cal: &WorkCalendar,
    written_on: NaiveDate,
    published_on: NaiveDate,
) -> bool {
    cal.working_days_between(written_on, published_on) >= PUBLICATION_WORKING_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> WorkCalendar {
        builtin()
    }

    fn check_add(from: &str, n: u32, expected: &str) {
        let c = cal();
        let got = c.add_working_days(d(from), n);
        assert_eq!(got, d(expected), "{from} + {n}");
        assert_eq!(c.working_days_between(d(from), got), i64::from(n));
    }

    #[test]
    fn builtin_parses() {
        assert_eq!(
            WorkCalendar::from_toml_years(&BUILTIN_YEARS)
                .unwrap()
                .loaded_years(),
            [2025, 2026]
        );
        assert!(cal().has_year(2026));
        assert!(!cal().has_year(2027));
    }

    #[test]
    fn reply_deadline_example() {
        // Received Tuesday 2026-02-10; 20 working days across the Spring Festival.
        check_add("2026-02-10", 20, "2026-03-16");
    }

    #[test]
    fn add_table() {
        check_add("2026-02-10", 0, "2026-02-10");
        check_add("2026-02-10", 1, "2026-02-11");
        check_add("2026-02-13", 1, "2026-02-14"); // make-up Saturday
        check_add("2026-02-14", 1, "2026-02-24"); // across the holiday
        check_add("2026-02-27", 1, "2026-02-28"); // make-up Saturday
        check_add("2026-02-28", 1, "2026-03-02");
        check_add("2026-09-30", 1, "2026-10-08");
        check_add("2026-10-09", 1, "2026-10-10"); // make-up Saturday
        check_add("2026-04-03", 1, "2026-04-07");
        check_add("2025-09-30", 1, "2025-10-09");
        check_add("2025-12-25", 5, "2026-01-04"); // year boundary, Sunday 01-04 works
        check_add("2025-12-31", 1, "2026-01-04");
        check_add("2026-01-03", 7, "2026-01-12");
        check_add("2026-12-31", 1, "2027-01-01"); // 2027 not loaded: Mon-Fri
        check_add("2027-01-01", 5, "2027-01-08");
        check_add("2024-12-31", 1, "2025-01-02"); // 2024 not loaded, 2025-01-01 holiday
        check_add("2024-12-20", 10, "2025-01-06");
        check_add("2023-01-01", 1000, "2026-12-07");
    }

    fn check_day(date: &str, expected: bool) {
        assert_eq!(cal().is_working_day(d(date)), expected, "{date}");
    }

    #[test]
    fn day_table() {
        check_day("2026-02-14", true); // Saturday, make-up day
        check_day("2026-02-28", true); // Saturday, make-up day
        check_day("2026-01-04", true); // Sunday, make-up day
        check_day("2026-02-15", false);
        check_day("2026-02-16", false); // Monday, holiday
        check_day("2026-02-20", false);
        check_day("2026-02-21", false); // Saturday in the holiday
        check_day("2026-02-23", false);
        check_day("2026-02-24", true);
        check_day("2026-03-07", false); // ordinary Saturday
        check_day("2026-03-09", true);
        check_day("2026-10-07", false);
        check_day("2026-10-10", true);
        check_day("2025-01-26", true);
        check_day("2025-10-08", false);
        check_day("2025-10-11", true);
        check_day("2027-01-01", true); // unloaded year: Friday
        check_day("2027-01-02", false);
        check_day("2024-10-01", true); // unloaded year: Tuesday
    }

    #[test]
    fn holiday_spans() {
        let c = cal();
        let spring: Vec<bool> = (15..=23)
            .map(|day| c.is_working_day(NaiveDate::from_ymd_opt(2026, 2, day).unwrap()))
            .collect();
        assert!(spring.iter().all(|w| !w));
        // February 2026: 20 weekdays - 6 holiday weekdays + 2 make-up Saturdays.
        assert_eq!(c.working_days_between(d("2026-01-31"), d("2026-02-28")), 16);
        // October 2026: 22 weekdays - 5 holiday weekdays + 1 make-up Saturday.
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-31")), 18);
        // 2026: 261 weekdays - 19 holiday weekdays + 6 make-up days.
        let mf = WorkCalendar::mon_to_fri();
        assert_eq!(
            mf.working_days_between(d("2025-12-31"), d("2026-12-31")),
            261
        );
        assert_eq!(
            c.working_days_between(d("2025-12-31"), d("2026-12-31")),
            248
        );
        assert_eq!(
            c.working_days_between(d("2024-12-31"), d("2025-12-31")),
            248
        );
    }

    fn check_between(from: &str, to: &str, expected: i64) {
        assert_eq!(
            cal().working_days_between(d(from), d(to)),
            expected,
            "{from}..{to}"
        );
    }

    #[test]
    fn between_table() {
        check_between("2026-02-10", "2026-03-16", 20);
        check_between("2026-03-16", "2026-02-10", -20);
        check_between("2026-02-10", "2026-02-10", 0);
        check_between("2026-02-14", "2026-02-23", 0);
        check_between("2026-02-13", "2026-02-24", 2);
        check_between("2026-12-31", "2027-12-31", 261);
        check_between("2026-03-06", "2026-03-08", 0);
    }

    #[test]
    fn unloaded_years() {
        let c = cal();
        assert_eq!(
            c.falls_outside_loaded(d("2026-12-20"), d("2027-01-10")),
            [2027]
        );
        assert_eq!(
            c.falls_outside_loaded(d("2027-01-10"), d("2024-12-20")),
            [2024, 2027]
        );
        assert!(
            c.falls_outside_loaded(d("2025-01-01"), d("2026-12-31"))
                .is_empty()
        );
        let mf = WorkCalendar::mon_to_fri();
        assert!(mf.loaded_years().is_empty());
        assert_eq!(mf.add_working_days(d("2026-02-10"), 20), d("2026-03-10"));
        assert_eq!(
            mf.falls_outside_loaded(d("2026-02-10"), d("2026-02-11")),
            [2026]
        );
    }

    #[test]
    fn huge_counts_saturate_quickly() {
        let c = cal();
        assert_eq!(
            c.add_working_days(d("2026-01-01"), u32::MAX),
            NaiveDate::MAX
        );
        let far = c.add_working_days(d("2026-01-01"), 50_000_000);
        assert_eq!(c.working_days_between(d("2026-01-01"), far), 50_000_000);
        assert_eq!(c.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(c.add_working_days(NaiveDate::MAX, 0), NaiveDate::MAX);
    }

    #[test]
    fn late_publication() {
        let c = cal();
        assert!(is_late_publication(&c, d("2026-02-10"), d("2026-03-16")));
        assert!(!is_late_publication(&c, d("2026-02-10"), d("2026-03-13")));
        assert!(!is_late_publication(&c, d("2026-02-10"), d("2026-02-10")));
        assert!(!is_late_publication(&c, d("2026-03-16"), d("2026-02-10")));
    }

    fn check_err(src: &str, expected: CalendarError) {
        assert_eq!(WorkCalendar::from_toml_years(&[src]), Err(expected));
    }

    #[test]
    fn bad_files() {
        check_err(
            "year = 2026\nholidays = [\"2025-12-31\"]\nworkdays = []",
            CalendarError::DateOutsideYear {
                year: 2026,
                date: d("2025-12-31"),
            },
        );
        check_err(
            "year = 2026\nholidays = []\nworkdays = [\"2027-01-02\"]",
            CalendarError::DateOutsideYear {
                year: 2026,
                date: d("2027-01-02"),
            },
        );
        check_err(
            "year = 2026\nholidays = [\"2026-02-14\"]\nworkdays = [\"2026-02-14\"]",
            CalendarError::HolidayAndWorkday(d("2026-02-14")),
        );
        check_err(
            "year = 2026\nholidays = []\nworkdays = [\"2026-02-13\"]",
            CalendarError::WorkdayNotWeekend(d("2026-02-13")),
        );
        assert!(matches!(
            WorkCalendar::from_toml_years(&["year = 2026\nholidays = [\"2026-02-30\"]"]),
            Err(CalendarError::Toml(_))
        ));
        assert!(matches!(
            WorkCalendar::from_toml_years(&["year = 2026\nextra = 1"]),
            Err(CalendarError::Toml(_))
        ));
        assert_eq!(
            WorkCalendar::from_toml_years(&[BUILTIN_YEARS[1], BUILTIN_YEARS[1]]),
            Err(CalendarError::DuplicateYear(2026))
        );
    }

    #[test]
    fn add_year_replaces() {
        let mut c = WorkCalendar::mon_to_fri();
        assert_eq!(
            c.add_year_toml("year = 2027\nholidays = [\"2027-01-01\"]"),
            Ok(2027)
        );
        assert!(!c.is_working_day(d("2027-01-01")));
        assert_eq!(
            c.add_year_toml("year = 2027\nworkdays = [\"2027-01-02\"]"),
            Ok(2027)
        );
        assert!(c.is_working_day(d("2027-01-01")));
        assert!(c.is_working_day(d("2027-01-02")));
        assert_eq!(c.loaded_years(), [2027]);
    }

    /// Day-by-day reference implementation.
    fn naive_add(c: &WorkCalendar, from: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = from;
        let mut left = n;
        while left > 0 {
            cur = cur.succ_opt().unwrap();
            if c.is_working_day(cur) {
                left -= 1;
            }
        }
        cur
    }

    fn sparse_calendar() -> WorkCalendar {
        let mut c = builtin();
        c.add_year_toml(
            "year = 2029\nholidays = [\"2029-05-01\", \"2029-05-02\"]\nworkdays = [\"2029-04-28\"]",
        )
        .unwrap();
        c
    }

    proptest! {
        #[test]
        fn add_then_count(days in 0u64..(365 * 8), n in 0u32..700) {
            let c = sparse_calendar();
            let from = d("2022-01-01") + Days::new(days);
            let to = c.add_working_days(from, n);
            prop_assert_eq!(to, naive_add(&c, from, n));
            prop_assert_eq!(c.working_days_between(from, to), i64::from(n));
            prop_assert_eq!(c.working_days_between(to, from), -i64::from(n));
            if n > 0 {
                prop_assert!(c.is_working_day(to));
                prop_assert!(to > from);
            }
        }

        #[test]
        fn monotonic(days in 0u64..(365 * 8), n in 0u32..300) {
            let c = sparse_calendar();
            let from = d("2022-01-01") + Days::new(days);
            prop_assert!(c.add_working_days(from, n) < c.add_working_days(from, n + 1));
            let later = from + Days::new(1);
            prop_assert!(c.add_working_days(from, n) <= c.add_working_days(later, n));
        }

        #[test]
        fn between_is_additive(a in 0u64..3000, b in 0u64..3000, m in 0u64..3000) {
            let c = sparse_calendar();
            let base = d("2022-01-01");
            let (x, y, z) = (base + Days::new(a), base + Days::new(m), base + Days::new(b));
            prop_assert_eq!(
                c.working_days_between(x, z),
                c.working_days_between(x, y) + c.working_days_between(y, z)
            );
        }
    }
}
