//! Recorded reads of the model. Pages and index documents read the archive
//! through a [`Reader`], which notes every entity they touch, and which
//! part of it: the whole entity, or only its headline (what a link or a
//! line in a list shows). `quorum serve` keeps these notes, so that after
//! an edit it redoes exactly the pages that read something that changed:
//! no list of what depends on what is kept by hand.
//!
//! A headline is a struct of its own, so that code holding one cannot
//! read more of the entity than its recorded read says.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::load::schema::MinutesStatus;
use crate::model::*;

/// How much of an entity was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// What a link or a line in a list shows (see the `*Headline` types).
    Headline,
    /// Which entities it holds, in order: a committee's meetings, a
    /// meeting's agenda, a topic's items (read for their number, or the
    /// latest). Apart from the headline, so that adding an item to a topic
    /// leaves alone the thousand pages that merely link to the topic.
    Members,
    /// Everything.
    Whole,
}

/// A list of the whole archive, read in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    Committees,
    /// Newest first.
    Meetings,
    /// Newest first.
    Items,
    Topics,
    People,
    /// Every item with decisions, newest first, with how many it has.
    Decisions,
    /// How many decisions each committee has in each year.
    DecisionYears,
    /// Every action in the actions register's order, with where it stands.
    Actions,
    /// Every declaration of interest, by member, newest first.
    Declarations,
    /// The site path of every page (the sitemap).
    Pages,
}

/// One thing a page read, by its index in the archive it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Read {
    Committee(Id, Part),
    Meeting(Id, Part),
    Item(Id, Part),
    Document(Id, Part),
    Attachment(Id),
    Topic(Id, Part),
    Person(Id, Part),
    /// One year of a decisions register (of a committee, or of all): which
    /// items' decisions it holds, in order.
    DecisionYear(Option<Id>, i32),
    List(List),
}

/// The archive, read by one page (or index document) at a time, noting
/// what it reads. Not shared between threads: each page has its own.
pub struct Reader<'a> {
    pub archive: &'a Archive,
    reads: RefCell<Vec<Read>>,
}

impl<'a> Reader<'a> {
    pub fn new(archive: &'a Archive) -> Reader<'a> {
        Reader {
            archive,
            reads: RefCell::new(Vec::new()),
        }
    }

    fn note(&self, read: Read) {
        self.reads.borrow_mut().push(read);
    }

    /// Everything read so far, each once, in order.
    pub fn into_reads(self) -> Vec<Read> {
        let mut reads = self.reads.into_inner();
        reads.sort_unstable();
        reads.dedup();
        reads
    }

    pub fn committee(&self, c: Id) -> &'a Committee {
        self.note(Read::Committee(c, Part::Whole));
        &self.archive.committees[c]
    }

    pub fn meeting(&self, m: Id) -> &'a Meeting {
        self.note(Read::Meeting(m, Part::Whole));
        &self.archive.meetings[m]
    }

    pub fn item(&self, i: Id) -> &'a Item {
        self.note(Read::Item(i, Part::Whole));
        &self.archive.items[i]
    }

    pub fn document(&self, d: Id) -> &'a Document {
        self.note(Read::Document(d, Part::Whole));
        &self.archive.documents[d]
    }

    pub fn attachment(&self, f: Id) -> &'a AttachmentFile {
        self.note(Read::Attachment(f));
        &self.archive.attachments[f]
    }

    pub fn topic(&self, t: Id) -> &'a Topic {
        self.note(Read::Topic(t, Part::Whole));
        &self.archive.topics[t]
    }

    pub fn person(&self, p: Id) -> &'a Person {
        self.note(Read::Person(p, Part::Whole));
        &self.archive.people[p]
    }

    pub fn committee_headline(&self, c: Id) -> CommitteeHeadline<'a> {
        self.note(Read::Committee(c, Part::Headline));
        CommitteeHeadline::of(&self.archive.committees[c])
    }

    pub fn meeting_headline(&self, m: Id) -> MeetingHeadline<'a> {
        self.note(Read::Meeting(m, Part::Headline));
        MeetingHeadline::of(&self.archive.meetings[m])
    }

    pub fn item_headline(&self, i: Id) -> ItemHeadline<'a> {
        self.note(Read::Item(i, Part::Headline));
        ItemHeadline::of(&self.archive.items[i])
    }

    pub fn document_headline(&self, d: Id) -> DocumentHeadline<'a> {
        self.note(Read::Document(d, Part::Headline));
        DocumentHeadline::of(&self.archive.documents[d])
    }

    pub fn topic_headline(&self, t: Id) -> TopicHeadline<'a> {
        self.note(Read::Topic(t, Part::Headline));
        TopicHeadline::of(&self.archive.topics[t])
    }

    pub fn person_headline(&self, p: Id) -> PersonHeadline<'a> {
        self.note(Read::Person(p, Part::Headline));
        PersonHeadline::of(&self.archive.people[p])
    }

    /// A committee's meetings, oldest first.
    pub fn committee_meetings(&self, c: Id) -> &'a [Id] {
        self.note(Read::Committee(c, Part::Members));
        &self.archive.committees[c].meetings
    }

    /// A meeting's agenda, in order.
    pub fn meeting_agenda(&self, m: Id) -> &'a [Id] {
        self.note(Read::Meeting(m, Part::Members));
        &self.archive.meetings[m].items
    }

    /// A topic's items.
    pub fn topic_items(&self, t: Id) -> &'a [Id] {
        self.note(Read::Topic(t, Part::Members));
        &self.archive.topics[t].items
    }

    /// The date of an item: its meeting's.
    pub fn item_date(&self, i: Id) -> NaiveDate {
        let meeting = self.item_headline(i).meeting;
        self.meeting_headline(meeting).date
    }

    pub fn committees(&self) -> &'a [Committee] {
        self.note(Read::List(List::Committees));
        &self.archive.committees
    }

    pub fn meetings_newest_first(&self) -> &'a [Id] {
        self.note(Read::List(List::Meetings));
        &self.archive.meetings_newest_first
    }

    /// Every item, newest first.
    pub fn items_newest_first(&self) -> Vec<Id> {
        self.note(Read::List(List::Items));
        let mut items: Vec<Id> = (0..self.archive.items.len()).collect();
        self.archive.sort_items_newest_first(&mut items);
        items
    }

    /// A committee's items, newest first: its own meetings' agendas, not a
    /// filter of every item, so that a new item elsewhere leaves its pages
    /// alone. The order reads each meeting's date and each item's place.
    pub fn committee_items_newest_first(&self, c: Id) -> Vec<Id> {
        let mut items = Vec::new();
        for &m in self.committee_meetings(c) {
            self.meeting_headline(m);
            items.extend(self.meeting_agenda(m));
        }
        for &i in &items {
            self.item_headline(i);
        }
        self.archive.sort_items_newest_first(&mut items);
        items
    }

    /// Every decision, newest meeting first and in agenda order, as (item,
    /// its decision's place). Reads only the order; the page reads the
    /// headlines of what it shows.
    pub fn decisions_newest_first(&self) -> Vec<(Id, usize)> {
        self.note(Read::List(List::Decisions));
        self.decisions_of(|_| true)
    }

    /// One year of the decisions register of `committee` (or of all).
    /// Registers are paged by year so that a new decision redoes the pages
    /// of its year, not every page after it.
    pub fn decision_year(&self, committee: Option<Id>, year: i32) -> Vec<(Id, usize)> {
        self.note(Read::DecisionYear(committee, year));
        self.decisions_of(|i| {
            committee.is_none_or(|c| self.archive.items[i].committee == c)
                && self.archive.item_year(i) == year
        })
    }

    fn decisions_of(&self, keep: impl Fn(Id) -> bool) -> Vec<(Id, usize)> {
        let items = &self.archive.items;
        let mut held: Vec<Id> = (0..items.len())
            .filter(|&i| !items[i].decisions.is_empty() && keep(i))
            .collect();
        self.archive.sort_items_newest_first(&mut held);
        (held.into_iter())
            .flat_map(|i| (0..items[i].decisions.len()).map(move |k| (i, k)))
            .collect()
    }

    /// The years of the decisions register of `committee` (or of all),
    /// newest first, with how many decisions each holds.
    pub fn decision_years(&self, committee: Option<Id>) -> Vec<(i32, usize)> {
        self.note(Read::List(List::DecisionYears));
        years_of(&decision_counts(self.archive), committee)
    }

    /// How many decisions each committee's register holds, by committee.
    pub fn decisions_per_committee(&self) -> Vec<usize> {
        self.note(Read::List(List::DecisionYears));
        let mut counts = vec![0; self.archive.committees.len()];
        for ((c, _), n) in decision_counts(self.archive) {
            counts[c] += n;
        }
        counts
    }

    /// Every action, in the actions register's order (see
    /// [`actions_in_order`]), as (item, the action's place).
    pub fn actions_in_order(&self) -> Vec<(Id, usize)> {
        self.note(Read::List(List::Actions));
        actions_in_order(self.archive)
    }

    /// Every declaration of interest as the register lists them: by
    /// member (in the order of people), each's newest first; as (person,
    /// item, the declaration's place).
    pub fn declarations_by_member(&self) -> Vec<(Id, Id, usize)> {
        self.note(Read::List(List::Declarations));
        declarations_by_member(self.archive)
    }

    pub fn item_count(&self) -> usize {
        self.note(Read::List(List::Items));
        self.archive.items.len()
    }

    pub fn topics(&self) -> &'a [Topic] {
        self.note(Read::List(List::Topics));
        &self.archive.topics
    }

    pub fn people(&self) -> &'a [Person] {
        self.note(Read::List(List::People));
        &self.archive.people
    }

    /// Notes that the page shows the list of every page.
    pub fn page_list(&self) {
        self.note(Read::List(List::Pages));
    }
}

/// How many decisions each (committee, year) has: what the decisions
/// registers' pages are.
pub fn decision_counts(a: &Archive) -> BTreeMap<(Id, i32), usize> {
    let mut counts = BTreeMap::new();
    for (i, item) in a.items.iter().enumerate() {
        if !item.decisions.is_empty() {
            *counts.entry((item.committee, a.item_year(i))).or_default() += item.decisions.len();
        }
    }
    counts
}

/// Every action as the register lists them: the open ones first, soonest
/// due first (so the overdue lead) and those with no due date after; then
/// the done, latest done first; then the dropped. Ties go newest meeting
/// first, in agenda order.
pub fn actions_in_order(a: &Archive) -> Vec<(Id, usize)> {
    use crate::load::schema::ActionStatus;
    let rank = a.item_ranks();
    let mut all: Vec<(Id, usize)> = (a.items.iter().enumerate())
        .flat_map(|(i, item)| (0..item.actions.len()).map(move |k| (i, k)))
        .collect();
    all.sort_by_cached_key(|&(i, k)| {
        let action = &a.items[i].actions[k];
        let when = match action.status {
            ActionStatus::Open => (action.due.is_none(), action.due, Reverse(None)),
            ActionStatus::Done => (action.done.is_none(), None, Reverse(action.done)),
            ActionStatus::Dropped => (false, None, Reverse(None)),
        };
        (action.status, when, rank[i], k)
    });
    all
}

/// See [`Reader::declarations_by_member`].
pub fn declarations_by_member(a: &Archive) -> Vec<(Id, Id, usize)> {
    (a.people.iter().enumerate())
        .flat_map(|(p, person)| person.declarations.iter().map(move |&(i, k)| (p, i, k)))
        .collect()
}

/// The years of `counts` in the register of `committee` (or of all),
/// newest first, with how many decisions each holds.
pub fn years_of(counts: &BTreeMap<(Id, i32), usize>, committee: Option<Id>) -> Vec<(i32, usize)> {
    let mut years: BTreeMap<Reverse<i32>, usize> = BTreeMap::new();
    for (&(c, year), &n) in counts {
        if committee.is_none_or(|x| x == c) {
            *years.entry(Reverse(year)).or_default() += n;
        }
    }
    years.into_iter().map(|(year, n)| (year.0, n)).collect()
}

/// What links to a committee and lines in lists show of it.
#[derive(Debug, Clone, Copy)]
pub struct CommitteeHeadline<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub short: Option<&'a str>,
    pub authority: Option<&'a str>,
}

impl<'a> CommitteeHeadline<'a> {
    pub fn of(c: &'a Committee) -> Self {
        CommitteeHeadline {
            slug: &c.slug,
            url: &c.url,
            title: &c.title,
            short: c.short.as_deref(),
            authority: c.authority.as_deref(),
        }
    }
}

/// What links to a meeting and lines in lists show of it.
#[derive(Debug, Clone, Copy)]
pub struct MeetingHeadline<'a> {
    pub committee: Id,
    pub folder: &'a str,
    pub date: NaiveDate,
    pub url: &'a str,
    pub status: Option<MinutesStatus>,
    pub label: Option<&'a str>,
    pub recording: Option<&'a Recording>,
}

impl<'a> MeetingHeadline<'a> {
    pub fn of(m: &'a Meeting) -> Self {
        MeetingHeadline {
            committee: m.committee,
            folder: &m.folder,
            date: m.date,
            url: &m.url,
            status: m.status,
            label: m.label.as_deref(),
            recording: m.recording.as_ref(),
        }
    }
}

/// What links to an item, agenda lines and lists of items show of it.
#[derive(Debug, Clone, Copy)]
pub struct ItemHeadline<'a> {
    pub committee: Id,
    pub meeting: Id,
    pub url: &'a str,
    pub number: &'a str,
    pub order: u32,
    pub title: &'a str,
    pub purpose: Option<&'a str>,
    pub topics: &'a [Id],
    pub presenters: &'a [PersonRole],
    /// What the meeting decided on it, as written (Markdown): the agenda
    /// summarises them and the decisions register lists them.
    pub decisions: &'a [Decision],
    /// Its follow-ups: the actions register lists them.
    pub actions: &'a [Action],
    /// Its declarations of interest: the register lists them.
    pub declarations: &'a [Declaration],
    pub draft: bool,
}

impl<'a> ItemHeadline<'a> {
    pub fn of(i: &'a Item) -> Self {
        ItemHeadline {
            committee: i.committee,
            meeting: i.meeting,
            url: &i.url,
            number: &i.number,
            order: i.order,
            title: &i.title,
            purpose: i.purpose.as_deref(),
            topics: &i.topics,
            presenters: &i.presenters,
            decisions: &i.decisions,
            actions: &i.actions,
            declarations: &i.declarations,
            draft: i.draft,
        }
    }
}

/// What links to a supporting document show of it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentHeadline<'a> {
    pub item: Id,
    pub url: &'a str,
    pub title: &'a str,
    pub kind: Option<&'a str>,
}

impl<'a> DocumentHeadline<'a> {
    pub fn of(d: &'a Document) -> Self {
        DocumentHeadline {
            item: d.item,
            url: &d.url,
            title: &d.title,
            kind: d.kind.as_deref(),
        }
    }
}

/// What links to a topic and the topic lists show of it.
#[derive(Debug, Clone, Copy)]
pub struct TopicHeadline<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    pub name: &'a str,
    pub aliases: &'a [String],
}

impl<'a> TopicHeadline<'a> {
    pub fn of(t: &'a Topic) -> Self {
        TopicHeadline {
            slug: &t.slug,
            url: &t.url,
            name: &t.name,
            aliases: &t.aliases,
        }
    }
}

/// What links to a person and the list of people show of them.
#[derive(Debug, Clone, Copy)]
pub struct PersonHeadline<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    pub name: &'a str,
    pub roles: &'a [String],
}

impl<'a> PersonHeadline<'a> {
    pub fn of(p: &'a Person) -> Self {
        PersonHeadline {
            slug: &p.slug,
            url: &p.url,
            name: &p.name,
            roles: &p.roles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_noted_once_each_in_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let (archive, _) = crate::build::load_archive(&crate::build::BuildOptions::new(root))
            .expect("the fixture loads");
        let reader = Reader::new(&archive);
        reader.item(0);
        reader.item_date(0);
        reader.item_headline(0);
        assert_eq!(
            reader.into_reads(),
            vec![
                Read::Meeting(archive.items[0].meeting, Part::Headline),
                Read::Item(0, Part::Headline),
                Read::Item(0, Part::Whole),
            ]
        );
    }
}
