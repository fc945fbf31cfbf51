//! Attendance: how often each member of a committee came to its meetings.
//! Only meetings held by the build date that record who came (attendees,
//! apologies or a chair) count: a meeting without a list says nothing of
//! who was absent.

use super::context::*;
use super::views::PageBuilder;
use super::*;

/// One person's record at one committee's meetings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub attended: usize,
    pub apologies: usize,
    pub absent: usize,
}

impl Tally {
    /// The meetings they could attend: those counted.
    pub fn could(&self) -> usize {
        self.attended + self.apologies + self.absent
    }
}

impl PageBuilder<'_> {
    /// How `person` stands at the counted meetings of `committee`; a
    /// member listed neither as present nor with apologies was absent.
    pub(super) fn tally(&self, committee: Id, person: Id) -> Tally {
        let mut tally = Tally::default();
        for &m in self.r.committee_meetings(committee) {
            let meeting = self.r.meeting(m);
            let names = |list: &[PersonRole]| list.iter().any(|r| r.person == person);
            let present = names(meeting.chair.as_slice()) || names(&meeting.attendees);
            let recorded = meeting.chair.is_some()
                || !meeting.attendees.is_empty()
                || !meeting.apologies.is_empty();
            if !recorded || self.is_upcoming(meeting.date) {
                continue;
            }
            if present {
                tally.attended += 1;
            } else if names(&meeting.apologies) {
                tally.apologies += 1;
            } else {
                tally.absent += 1;
            }
        }
        tally
    }

    /// A row of an attendance table, headed by `who` (a person or a
    /// committee); `None` when no meeting counted.
    pub(super) fn attendance_row(&self, who: Link, tally: Tally) -> Option<AttendanceRow> {
        let could = tally.could();
        (could > 0).then(|| AttendanceRow {
            who,
            attended: tally.attended,
            apologies: tally.apologies,
            absent: tally.absent,
            could,
            percent: percent(tally.attended, could),
        })
    }

    /// The committee page's table: each of its members' attendance.
    pub(super) fn committee_attendance(&self, c: Id, members: &[PersonRole]) -> Vec<AttendanceRow> {
        let mut seen = Vec::new();
        (members.iter())
            .filter(|m| {
                let first = !seen.contains(&m.person);
                seen.push(m.person);
                first
            })
            .filter_map(|m| {
                let person = self.r.person_headline(m.person);
                let who = self.link(person.name, person.url);
                self.attendance_row(who, self.tally(c, m.person))
            })
            .collect()
    }
}

/// `part` of `whole` (not 0) in whole per cent, rounded to the nearest.
fn percent(part: usize, whole: usize) -> usize {
    (part * 200 + whole) / (2 * whole)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_round_to_the_nearest_whole() {
        let cases = [(1, 3, 33), (2, 3, 67), (1, 8, 13), (0, 5, 0), (5, 5, 100)];
        for (part, whole, expected) in cases {
            assert_eq!(super::percent(part, whole), expected, "{part}/{whole}");
        }
    }
}
