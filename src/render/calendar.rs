//! Calendars to subscribe to (RFC 5545): `/calendar.ics` with every
//! committee's meetings, `/<committee>/calendar.ics` with one's. Written by
//! the icalendar crate, which folds long lines and escapes text; the
//! values are Quorum's: a UID per meeting that never changes (its address),
//! times read in the archive's time zone and written in UTC (so no
//! VTIMEZONE block is needed), a DTSTAMP from the build date (so a build
//! can be repeated byte for byte).

use chrono::{NaiveDate, NaiveTime, TimeDelta, TimeZone};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use super::views::{PageBuilder, meeting_title};
use super::*;
use crate::load::schema::MinutesStatus;

/// How long a meeting whose time gives no end is shown as lasting.
const DEFAULT_LENGTH: TimeDelta = TimeDelta::hours(2);

impl PageBuilder<'_> {
    /// The calendar of `committee`, or of every committee.
    pub(super) fn calendar(&self, committee: Option<Id>) -> RenderedPage {
        let a = self.archive();
        let (name, meetings): (String, Vec<Id>) = match committee {
            Some(c) => (
                self.r.committee_headline(c).title.to_owned(),
                self.r.committee_meetings(c).to_vec(),
            ),
            None => {
                let mut all = self.r.meetings_newest_first().to_vec();
                all.reverse();
                (a.config.title.clone(), all)
            }
        };
        let mut calendar = Calendar::empty();
        calendar
            .append_property(("VERSION", "2.0"))
            .append_property(("PRODID", "-//Quorum//Committee minutes archive//EN"))
            .append_property(("CALSCALE", "GREGORIAN"))
            .name(&name)
            .timezone(a.config.timezone.0.name());
        for m in meetings {
            calendar.push(self.meeting_event(m, committee.is_none()));
        }
        RenderedPage {
            url: calendar_path(a, committee),
            source: committee.map(|c| a.committees[c].source.clone()),
            template: "",
            contents: Contents::Text(calendar.to_string()),
            reads: Vec::new(),
        }
    }

    fn meeting_event(&self, m: Id, name_committee: bool) -> Event {
        let a = self.archive();
        let meeting = self.r.meeting(m);
        let committee = self.r.committee_headline(meeting.committee);
        let title = meeting_title(meeting.date, &meeting.folder, meeting.label.as_deref());
        let mut event = Event::new();
        event
            .uid(&meeting_uid(a, &meeting.url))
            .timestamp(midnight_utc(a.config.today))
            .summary(&if name_committee {
                format!("{} — {title}", committee.title)
            } else {
                format!("Meeting of {title}")
            })
            .description(&self.agenda_text(m))
            .status(match meeting.status {
                Some(MinutesStatus::Draft) => EventStatus::Tentative,
                _ => EventStatus::Confirmed,
            });
        match meeting
            .time
            .as_deref()
            .and_then(crate::dates::parse_time_span)
        {
            Some((start, end)) => {
                let start_at = self.utc(meeting.date, start);
                let end_at = end.map_or(start_at + DEFAULT_LENGTH, |e| self.utc(meeting.date, e));
                event.starts(start_at).ends(end_at);
            }
            None => {
                // All day: DTEND is the day after, as RFC 5545 counts it.
                event
                    .starts(meeting.date)
                    .ends(meeting.date + TimeDelta::days(1));
            }
        }
        if let Some(venue) = &meeting.venue {
            event.location(venue);
        }
        if a.config.base_url.is_some() {
            event.url(&self.absolute(&meeting.url));
        }
        event.done()
    }

    /// "Agenda: 1. Apologies; 2. ...", for the event's description.
    fn agenda_text(&self, m: Id) -> String {
        let agenda: Vec<String> = (self.r.meeting_agenda(m).iter())
            .map(|&i| {
                let item = self.r.item_headline(i);
                format!("{}. {}", item.number, item.title)
            })
            .collect();
        if agenda.is_empty() {
            "No agenda items published.".to_owned()
        } else {
            format!("Agenda: {}", agenda.join("; "))
        }
    }

    /// A local time on `date` in the archive's zone, in UTC. A time the
    /// clocks skip is read an hour on; one they repeat, the first time.
    fn utc(&self, date: NaiveDate, time: NaiveTime) -> chrono::DateTime<chrono::Utc> {
        let zone = self.archive().config.timezone.0;
        let local = date.and_time(time);
        let at = zone.from_local_datetime(&local).earliest().or_else(|| {
            zone.from_local_datetime(&(local + TimeDelta::hours(1)))
                .earliest()
        });
        at.map_or_else(|| local.and_utc(), |t| t.to_utc())
    }
}

/// The calendar of `committee` (or of all): `/<slug>/calendar.ics`.
pub fn calendar_path(archive: &Archive, committee: Option<Id>) -> String {
    match committee {
        Some(c) => format!("{}calendar.ics", archive.committees[c].url),
        None => "/calendar.ics".to_owned(),
    }
}

/// A meeting's UID: its address, at the site's host. Stable for as long
/// as the meeting keeps its folder, so a subscriber's calendar updates
/// the event rather than adding another.
fn meeting_uid(archive: &Archive, url: &str) -> String {
    let host = archive
        .config
        .origin()
        .split("://")
        .nth(1)
        .unwrap_or("quorum.invalid");
    format!("{}@{host}", url.trim_matches('/').replace('/', "-"))
}

fn midnight_utc(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}
