//! US federal holidays (5 U.S.C. 6103), computed rather than listed, and business days.
//!
//! Fixed-date holidays (New Year's Day, Juneteenth since 2021, Independence Day, Veterans
//! Day, Christmas) falling on a Saturday are observed the Friday before, on a Sunday the
//! Monday after (so New Year's Day 2022, a Saturday, was observed on 31 December 2021).
//! The others are the Nth (or last) weekday of their month: Martin Luther King Jr. Day
//! (3rd Monday of January), Washington's Birthday (3rd Monday of February), Memorial Day
//! (last Monday of May), Labor Day (1st Monday of September), Columbus Day (2nd Monday of
//! October), Thanksgiving (4th Thursday of November).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real calendar date")
}

/// The `n`th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("the nth weekday exists")
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let first_next = if month == 12 {
        date(year + 1, 1, 1)
    } else {
        date(year, month + 1, 1)
    };
    let mut d = first_next - Duration::days(1);
    while d.weekday() != weekday {
        d -= Duration::days(1);
    }
    d
}

/// The day a fixed-date holiday is observed on.
fn observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The US federal holidays of `year` as observed, with their names, in date order. (The
/// observed New Year's Day of `year + 1` can fall on 31 December of `year`: it is listed
/// under `year + 1`.)
pub fn us_federal_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut days = vec![
        (observed(date(year, 1, 1)), "New Year's Day"),
        (
            nth_weekday(year, 1, Weekday::Mon, 3),
            "Birthday of Martin Luther King, Jr.",
        ),
        (
            nth_weekday(year, 2, Weekday::Mon, 3),
            "Washington's Birthday",
        ),
        (last_weekday(year, 5, Weekday::Mon), "Memorial Day"),
    ];
    if year >= 2021 {
        days.push((
            observed(date(year, 6, 19)),
            "Juneteenth National Independence Day",
        ));
    }
    days.extend([
        (observed(date(year, 7, 4)), "Independence Day"),
        (nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day"),
        (nth_weekday(year, 10, Weekday::Mon, 2), "Columbus Day"),
        (observed(date(year, 11, 11)), "Veterans Day"),
        (nth_weekday(year, 11, Weekday::Thu, 4), "Thanksgiving Day"),
        (observed(date(year, 12, 25)), "Christmas Day"),
    ]);
    days.sort();
    days
}

/// The name of the US federal holiday observed on `d`, if any.
pub fn us_federal_holiday(d: NaiveDate) -> Option<&'static str> {
    [d.year(), d.year() + 1]
        .into_iter()
        .flat_map(us_federal_holidays)
        .find(|(h, _)| *h == d)
        .map(|(_, name)| name)
}

/// Whether `d` is a weekend day.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_2026_holidays_as_observed() {
        let got: Vec<String> = us_federal_holidays(2026)
            .into_iter()
            .map(|(d, _)| d.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2026-01-01",
                "2026-01-19",
                "2026-02-16",
                "2026-05-25",
                "2026-06-19",
                "2026-07-03", // 4 July 2026 is a Saturday
                "2026-09-07",
                "2026-10-12",
                "2026-11-11",
                "2026-11-26",
                "2026-12-25",
            ]
        );
    }

    #[test]
    fn weekend_observance_and_juneteenth_from_2021() {
        // New Year's Day 2022 was a Saturday: observed Friday 31 December 2021.
        assert_eq!(us_federal_holiday(d("2021-12-31")), Some("New Year's Day"));
        // Christmas 2022 was a Sunday: observed Monday 26 December.
        assert_eq!(us_federal_holiday(d("2022-12-26")), Some("Christmas Day"));
        assert_eq!(us_federal_holiday(d("2022-12-25")), None);
        // Juneteenth 2021 was a Saturday: observed Friday 18 June; none before 2021.
        assert_eq!(
            us_federal_holiday(d("2021-06-18")),
            Some("Juneteenth National Independence Day")
        );
        assert_eq!(us_federal_holiday(d("2020-06-19")), None);
        // Thanksgiving 2025: the 4th Thursday of November, the 27th.
        assert_eq!(
            us_federal_holiday(d("2025-11-27")),
            Some("Thanksgiving Day")
        );
        // Memorial Day 2027: the last Monday of May, the 31st.
        assert_eq!(us_federal_holiday(d("2027-05-31")), Some("Memorial Day"));
        assert_eq!(us_federal_holiday(d("2026-03-16")), None);
    }
}
