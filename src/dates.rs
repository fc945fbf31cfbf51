//! Dates as readers see them: "7 December 2017", the one way every page,
//! feed and search result writes a date; and the one way content writes
//! one (2017-12-07).

use chrono::{Datelike, NaiveDate, NaiveTime};
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

/// A meeting's time as clerks write it: "18:00", "6pm", "10.30 am", or a
/// span, "18:00-20:00", "6pm to 8pm". Its start, and its end when given;
/// `None` for what is not a clock time ("after the AGM").
pub fn parse_time_span(s: &str) -> Option<(NaiveTime, Option<NaiveTime>)> {
    let s = s.trim().to_ascii_lowercase();
    let parts: Vec<&str> = s
        .split(['-', '\u{2013}', '\u{2014}'])
        .flat_map(|p| p.split(" to "))
        .collect();
    match parts.as_slice() {
        [one] => Some((parse_clock(one)?, None)),
        [start, end] => {
            let end_time = parse_clock(end)?;
            // "6-8pm": the start takes the end's half of the day.
            let start_time = parse_clock(start).or_else(|| {
                let half = ["am", "pm"].into_iter().find(|h| end.trim().ends_with(h))?;
                parse_clock(&format!("{}{half}", start.trim()))
            })?;
            (end_time > start_time).then_some((start_time, Some(end_time)))
        }
        _ => None,
    }
}

/// One clock time: "18:00", "18.00", "6pm", "6:30 pm", "noon" (a bare
/// "18" is not one: it may be a room or an item number).
fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim().trim_end_matches('.');
    if s == "noon" || s == "midday" {
        return NaiveTime::from_hms_opt(12, 0, 0);
    }
    let (digits, half) = match (s.strip_suffix("am"), s.strip_suffix("pm")) {
        (Some(d), _) => (d.trim_end().trim_end_matches('.'), Some(false)),
        (_, Some(d)) => (d.trim_end().trim_end_matches('.'), Some(true)),
        _ => (s, None),
    };
    let (h, m) = match digits.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None if half.is_some() => (digits, "0"),
        None => return None,
    };
    let (mut hour, minute): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if let Some(pm) = half {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_times_are_read_as_clerks_write_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time");
        for (written, start, end) in [
            ("18:00", t(18, 0), None),
            ("18.00", t(18, 0), None),
            ("6pm", t(18, 0), None),
            ("6.30 pm", t(18, 30), None),
            ("10:00am", t(10, 0), None),
            ("12pm", t(12, 0), None),
            ("12am", t(0, 0), None),
            ("Noon", t(12, 0), None),
            ("18:00-20:00", t(18, 0), Some(t(20, 0))),
            ("6pm to 8.15pm", t(18, 0), Some(t(20, 15))),
            ("6 \u{2013} 8pm", t(18, 0), Some(t(20, 0))),
        ] {
            assert_eq!(parse_time_span(written), Some((start, end)), "{written}");
        }
        for odd in [
            "after the AGM",
            "25:00",
            "13pm",
            "18",
            "6:3pm",
            "20:00-18:00",
            "1-2-3",
        ] {
            assert_eq!(parse_time_span(odd), None, "{odd}");
        }
    }

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
