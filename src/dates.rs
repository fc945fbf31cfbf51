//! Dates as readers see them: "7 December 2017", the one way every page,
//! feed and search result writes a date; and the one way content writes
//! one (2017-12-07).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// 2017-12-07
    pub iso: String,
    /// 7 December 2017
    pub long: String,
    pub year: i32,
}

impl DateView {
    pub fn new(d: NaiveDate) -> DateView {
        DateView {
            iso: d.format("%Y-%m-%d").to_string(),
            long: format!("{} {}", d.day(), d.format("%B %Y")),
            year: d.year(),
        }
    }
}

/// A date written as content writes dates: `YYYY-MM-DD`, zero-padded.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    // chrono alone accepts "2017-1-5"; the format is strictly zero-padded.
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_zero_padded() {
        assert_eq!(
            parse_iso("2017-12-07"),
            NaiveDate::from_ymd_opt(2017, 12, 7)
        );
        assert_eq!(parse_iso("2017-1-05"), None);
        assert_eq!(parse_iso("2017-02-30"), None);
    }

    #[test]
    fn long_dates_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2020, 12, 1).expect("a date");
        assert_eq!(DateView::new(d).long, "1 December 2020");
    }
}
