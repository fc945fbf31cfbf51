//! Which pages depend on which content file: the one place that decides
//! what an edit affects, so `quorum serve` re-renders only those pages.
//!
//! Answers are site paths (URLs without prefix), so the answers for the
//! archive before and after an edit can be merged: a page in the old
//! answer but not in the new archive is one to delete.

use std::collections::BTreeSet;

use crate::model::{Archive, Id, Meeting, PageKey, PersonRole, Supporting};
use crate::render::{self, PageJob};

/// Pages whose content shows something of the page `key`.
pub fn pages_showing(a: &Archive, key: PageKey) -> BTreeSet<PageJob> {
    let mut jobs = BTreeSet::new();
    // Lists that every change can touch (titles, counts, latest items).
    jobs.extend([
        PageJob::Home,
        PageJob::Topics,
        PageJob::People,
        PageJob::SiteFeed,
    ]);
    match key {
        PageKey::Committee(c) => {
            // Every meeting list names its committee.
            jobs.extend((0..render::page_count(a.meetings.len())).map(PageJob::Meetings));
            committee(a, c, &mut jobs);
            jobs.insert(PageJob::CommitteeFeed(c));
            for &m in &a.committees[c].meetings {
                meeting_and_items(a, m, &mut jobs);
            }
            for p in &a.committees[c].members {
                person(a, p.person, &mut jobs);
            }
            backlinks(&a.committees[c].referenced_by, &mut jobs);
        }
        PageKey::Meeting(m) => {
            let meeting = &a.meetings[m];
            jobs.insert(meetings_page(a, m));
            committee(a, meeting.committee, &mut jobs);
            meeting_and_items(a, m, &mut jobs);
            jobs.extend(
                meeting
                    .previous
                    .into_iter()
                    .chain(meeting.next)
                    .map(PageJob::Meeting),
            );
            for p in meeting_people(meeting) {
                person(a, p.person, &mut jobs);
            }
            backlinks(&meeting.referenced_by, &mut jobs);
        }
        PageKey::Item(i) => item(a, i, &mut jobs),
        PageKey::Document(d) => {
            let doc = &a.documents[d];
            jobs.insert(PageJob::Document(d));
            jobs.insert(PageJob::Item(doc.item));
            if let Some(author) = &doc.author {
                person(a, author.person, &mut jobs);
            }
            backlinks(&doc.referenced_by, &mut jobs);
        }
    }
    jobs
}

/// The page of the all-meetings list that shows meeting `m`. Meetings come
/// and go only with folders, which take a full rebuild, so the list's
/// pagination is the same before and after an incremental change.
fn meetings_page(a: &Archive, m: Id) -> PageJob {
    let position = a
        .meetings_newest_first
        .iter()
        .position(|&x| x == m)
        .unwrap_or(0);
    PageJob::Meetings(position / render::PAGE_SIZE)
}

fn committee(a: &Archive, c: Id, jobs: &mut BTreeSet<PageJob>) {
    let pages = render::page_count(a.committees[c].meetings.len());
    jobs.extend((0..pages).map(|p| PageJob::Committee(c, p)));
}

fn person(a: &Archive, p: Id, jobs: &mut BTreeSet<PageJob>) {
    jobs.extend((0..render::person_pages(&a.people[p])).map(|page| PageJob::Person(p, page)));
}

fn meeting_and_items(a: &Archive, m: Id, jobs: &mut BTreeSet<PageJob>) {
    jobs.insert(PageJob::Meeting(m));
    for &i in &a.meetings[m].items {
        jobs.insert(PageJob::Item(i));
    }
}

fn item(a: &Archive, i: Id, jobs: &mut BTreeSet<PageJob>) {
    let item = &a.items[i];
    jobs.insert(PageJob::Item(i));
    jobs.insert(PageJob::Meeting(item.meeting));
    // Its meeting's line in the all-meetings list counts its items.
    jobs.insert(meetings_page(a, item.meeting));
    committee(a, item.committee, jobs);
    jobs.insert(PageJob::CommitteeFeed(item.committee));
    // Neighbours on the agenda show this item's title.
    jobs.extend(
        item.previous
            .into_iter()
            .chain(item.next)
            .map(PageJob::Item),
    );
    for s in &item.supporting {
        if let Supporting::Document(d) = *s {
            jobs.insert(PageJob::Document(d));
        }
    }
    for &t in &item.topics {
        let pages = render::page_count(a.topics[t].items.len());
        jobs.extend((0..pages).map(|p| PageJob::Topic(t, p)));
        jobs.insert(PageJob::TopicFeed(t));
    }
    let people = item
        .presenters
        .iter()
        .chain(item.declarations.iter().map(|d| &d.member))
        .chain(item.actions.iter().filter_map(|a| a.owner.as_ref()));
    for p in people {
        person(a, p.person, jobs);
    }
    // Pages it lists as related or links to (their backlinks name it),
    // and pages listing it.
    backlinks(&item.refers_to, jobs);
    backlinks(&item.referenced_by, jobs);
}

fn backlinks(keys: &[PageKey], jobs: &mut BTreeSet<PageJob>) {
    for &k in keys {
        jobs.insert(match k {
            PageKey::Committee(c) => PageJob::Committee(c, 0),
            PageKey::Meeting(m) => PageJob::Meeting(m),
            PageKey::Item(i) => PageJob::Item(i),
            PageKey::Document(d) => PageJob::Document(d),
        });
    }
}

/// The page a content file (path under `content/`) is, if it is one.
pub fn page_of(a: &Archive, source: &str) -> Option<PageKey> {
    if let Some(c) = a.committees.iter().position(|c| c.source == source) {
        return Some(PageKey::Committee(c));
    }
    if let Some(m) = a
        .meetings
        .iter()
        .position(|m| m.source.as_deref() == Some(source))
    {
        return Some(PageKey::Meeting(m));
    }
    if let Some(i) = a.items.iter().position(|i| i.source == source) {
        return Some(PageKey::Item(i));
    }
    a.documents
        .iter()
        .position(|d| d.source == source)
        .map(PageKey::Document)
}

/// The chair, attendees and apologies of a meeting.
fn meeting_people(meeting: &Meeting) -> impl Iterator<Item = &PersonRole> {
    meeting
        .chair
        .iter()
        .chain(&meeting.attendees)
        .chain(&meeting.apologies)
}

/// Site paths of the pages affected by a change to `sources`, from the
/// archive before (`old`) and after (`new`) the change.
pub fn affected_paths(old: &Archive, new: &Archive, sources: &[String]) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for source in sources {
        let (before, after) = (page_of(old, source), page_of(new, source));
        for (a, key) in [(old, before), (new, after)] {
            let Some(key) = key else { continue };
            let mut jobs = pages_showing(a, key);
            // An item that comes or goes changes its meeting's count of
            // items, shown on the pages of the meeting's people; an edit
            // to an item's words does not.
            if let (PageKey::Item(i), true) = (key, before.is_some() != after.is_some()) {
                for p in meeting_people(&a.meetings[a.items[i].meeting]) {
                    person(a, p.person, &mut jobs);
                }
            }
            paths.extend(jobs.into_iter().map(|job| render::job_path(a, job)));
        }
    }
    paths
}
