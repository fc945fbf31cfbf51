//! Dates as readers see them: "7 December 2017", the one way every page,
//! feed and search result writes a date.

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
