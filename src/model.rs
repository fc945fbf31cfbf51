//! The archive as plain data: committees, meetings, agenda items, supporting
//! documents, topics, people and the reference graph between them.
//!
//! Built once by `resolve`, then shared read-only by rendering, search and
//! the server. Entities point at each other by index into the archive's
//! vectors, so the graph needs no reference counting.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::config::Config;
use crate::load::body::{Bodies, Body};
use crate::load::schema::{ActionStatus, Extra, MinutesStatus, Vote, VoteCounts};
use crate::load::text::FileText;

/// Index of an entity in its `Archive` vector.
pub type Id = usize;

/// Any page a reference can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKey {
    Committee(Id),
    Meeting(Id),
    Item(Id),
    Document(Id),
}

#[derive(Debug, Clone)]
pub struct Archive {
    pub config: Config,
    /// Path prefix of every URL (from `base_url`), e.g. "" or "/minutes".
    pub prefix: String,
    pub committees: Vec<Committee>,
    /// By committee, then date.
    pub meetings: Vec<Meeting>,
    /// By committee, meeting, agenda order. Shared, so that `quorum serve`
    /// can patch one item into a copy of the archive cheaply.
    pub items: Vec<Arc<Item>>,
    pub documents: Vec<Document>,
    pub attachments: Vec<AttachmentFile>,
    /// By name.
    pub topics: Vec<Topic>,
    /// By name.
    pub people: Vec<Person>,
    /// Every meeting, newest first (ties by folder): the all-meetings list.
    pub meetings_newest_first: Vec<Id>,
    /// Where the bodies below are read from when a page or the index
    /// needs their words.
    pub bodies: Bodies,
    /// Site paths of pages whose file failed to load, with everything
    /// under them unbuilt: a link there is that file's error seen again.
    pub unloaded: rustc_hash::FxHashSet<String>,
}

/// A person named in a particular capacity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonRole {
    pub person: Id,
    pub role: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Committee {
    /// When its content file was last changed (seconds since 1970; none
    /// without a file), for the sitemap's `<lastmod>`.
    pub modified: Option<i64>,
    pub slug: String,
    /// Source path under `content/`.
    pub source: String,
    pub url: String,
    pub title: String,
    pub short: Option<String>,
    pub authority: Option<String>,
    pub members: Vec<PersonRole>,
    pub remit: Body,
    /// Oldest first.
    pub meetings: Vec<Id>,
    pub referenced_by: Vec<PageKey>,
    /// The pages its body links to (they show it among their backlinks).
    pub refers_to: Vec<PageKey>,
    pub extra: Extra,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    /// When its content file was last changed (seconds since 1970; none
    /// without a file), for the sitemap's `<lastmod>`.
    pub modified: Option<i64>,
    pub committee: Id,
    /// Folder name: the date, with an optional suffix.
    pub folder: String,
    pub date: NaiveDate,
    pub source: Option<String>,
    pub url: String,
    pub time: Option<String>,
    pub venue: Option<String>,
    pub chair: Option<PersonRole>,
    pub attendees: Vec<PersonRole>,
    pub apologies: Vec<PersonRole>,
    /// As written; `None` when the meeting does not say.
    pub status: Option<MinutesStatus>,
    /// Its `title` or `session`, shown after the date.
    pub label: Option<String>,
    pub recording: Option<Recording>,
    pub notes: Body,
    /// In agenda order.
    pub items: Vec<Id>,
    /// Its exempt items' notices, in agenda order.
    pub exempt: Vec<crate::load::ExemptNotice>,
    /// The committee's previous and next meetings.
    pub previous: Option<Id>,
    pub next: Option<Id>,
    pub referenced_by: Vec<PageKey>,
    /// The pages its body links to (they show it among their backlinks).
    pub refers_to: Vec<PageKey>,
    pub extra: Extra,
}

/// What a meeting decided on an item, and how it voted where minuted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Decision {
    /// As written (inline Markdown).
    pub text: String,
    /// The counts as written; else, when members' votes were recorded,
    /// their tally.
    pub votes: Option<VoteCounts>,
    /// Members' votes, when recorded by name.
    pub recorded: Vec<(PersonRole, Vote)>,
}

impl Decision {
    /// How `person` voted on it, when their vote was recorded.
    pub fn vote_of(&self, person: Id) -> Option<Vote> {
        (self.recorded.iter())
            .find(|(voter, _)| voter.person == person)
            .map(|&(_, vote)| vote)
    }
}

/// A meeting's recording, at an http(s) address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recording {
    pub url: String,
    pub title: Option<String>,
}

impl Recording {
    /// Its address at `seconds` from the start, where the host has a way
    /// to say so: a media file takes a `#t=` fragment (W3C Media
    /// Fragments), YouTube a `t` parameter. Elsewhere, the start.
    pub fn at(&self, seconds: u32) -> String {
        let url = self.url.as_str();
        let (path, _) = url.split_once(['?', '#']).unwrap_or((url, ""));
        let path = path.to_ascii_lowercase();
        let media = [
            ".mp4", ".webm", ".ogv", ".ogg", ".mp3", ".m4a", ".m4v", ".wav",
        ];
        if media.iter().any(|ext| path.ends_with(ext)) {
            format!("{}#t={seconds}", url.split('#').next().unwrap_or(url))
        } else if path.contains("youtube.com/watch") || path.contains("://youtu.be/") {
            let joiner = if url.contains('?') { '&' } else { '?' };
            format!(
                "{}{joiner}t={seconds}s",
                url.split('#').next().unwrap_or(url)
            )
        } else {
            url.to_owned()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub action: String,
    pub owner: Option<PersonRole>,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    /// When it was done, if the minutes say.
    pub done: Option<NaiveDate>,
}

impl Action {
    /// Still open after its due date, at `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due.is_some_and(|due| due < today)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    pub member: PersonRole,
    pub interest: String,
    /// The kind of interest, as written ("pecuniary"...).
    pub kind: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Item {
    /// When its content file was last changed (seconds since 1970; none
    /// without a file), for the sitemap's `<lastmod>`.
    pub modified: Option<i64>,
    pub committee: Id,
    pub meeting: Id,
    pub source: String,
    pub url: String,
    /// Agenda number as shown ("5", "5a").
    pub number: String,
    /// Position on the agenda (the file's NN).
    pub order: u32,
    pub slug: String,
    pub title: String,
    pub purpose: Option<String>,
    pub presenters: Vec<PersonRole>,
    pub topics: Vec<Id>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<Action>,
    pub declarations: Vec<Declaration>,
    /// Items named in `related:`.
    pub related: Vec<Id>,
    /// Supporting documents and attachments: first those `documents:`
    /// lists, in its order, then the rest by file name.
    pub supporting: Vec<Supporting>,
    pub draft: bool,
    /// Where it starts in its meeting's recording, in seconds.
    pub recording_at: Option<u32>,
    pub minutes: Body,
    pub previous: Option<Id>,
    pub next: Option<Id>,
    pub referenced_by: Vec<PageKey>,
    /// The pages its `related:` list and body links point at, in order:
    /// they show it among their backlinks.
    pub refers_to: Vec<PageKey>,
    pub extra: Extra,
}

/// A supporting document page or an attached file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supporting {
    Document(Id),
    Attachment(Id),
}

#[derive(Debug, Clone)]
pub struct Document {
    /// When its content file was last changed (seconds since 1970; none
    /// without a file), for the sitemap's `<lastmod>`.
    pub modified: Option<i64>,
    pub item: Id,
    pub source: String,
    pub url: String,
    pub slug: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub author: Option<PersonRole>,
    pub kind: Option<String>,
    pub body: Body,
    pub referenced_by: Vec<PageKey>,
    /// The pages its body links to (they show it among their backlinks).
    pub refers_to: Vec<PageKey>,
    pub extra: Extra,
}

#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub item: Id,
    pub source: String,
    /// Where the file is read from.
    pub file: PathBuf,
    pub url: String,
    pub name: String,
    pub title: String,
    pub bytes: u64,
    /// Its words, for a PDF, text or CSV file.
    pub text: Option<Arc<FileText>>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub url: String,
    /// Newest first.
    pub items: Vec<Id>,
    /// How many of its items each committee has, by committee.
    pub committees: Vec<(Id, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct Person {
    pub slug: String,
    pub name: String,
    pub url: String,
    /// Every role this person was named with, first seen first.
    pub roles: Vec<String>,
    pub memberships: Vec<Id>,
    /// Items presented, newest first (likewise below).
    pub presented: Vec<Id>,
    pub chaired: Vec<Id>,
    pub attended: Vec<Id>,
    pub apologies: Vec<Id>,
    /// (item, index into its declarations)
    pub declarations: Vec<(Id, usize)>,
    /// (item, index into its actions)
    pub actions: Vec<(Id, usize)>,
    /// (item, index into its decisions) of each recorded vote they cast
    pub votes: Vec<(Id, usize)>,
    pub authored: Vec<Id>,
}

/// How a name sorts in lists of people: by surname (its last word, past
/// titles and honours), then the rest, in lower case: "Cllr Diane Booth
/// OBE" -> "booth diane". `[people."Name"] sort_as` in quorum.toml gives
/// the key where this guesses wrong ("de la Cruz").
pub fn surname_first(name: &str) -> String {
    const TITLES: &[&str] = &[
        "cllr",
        "councillor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "revd",
        "the",
    ];
    const HONOURS: &[&str] = &[
        "obe", "mbe", "cbe", "kbe", "dbe", "jp", "mp", "qc", "kc", "dl",
    ];
    let words: Vec<String> = (name.split_whitespace())
        .map(|w| {
            w.trim_matches(|c: char| c == '.' || c == ',')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let start = words
        .iter()
        .take_while(|w| TITLES.contains(&w.as_str()))
        .count();
    let end = words.len()
        - (words.iter().rev())
            .take_while(|w| HONOURS.contains(&w.as_str()))
            .count();
    match words.get(start..end.max(start)) {
        Some([given @ .., surname]) => format!("{surname} {}", given.join(" "))
            .trim_end()
            .to_owned(),
        _ => words.join(" "),
    }
}

impl Archive {
    /// The date of an item (its meeting's).
    pub fn item_date(&self, item: Id) -> NaiveDate {
        self.meetings[self.items[item].meeting].date
    }

    /// The year of the meeting of `item`.
    pub fn item_year(&self, item: Id) -> i32 {
        chrono::Datelike::year(&self.item_date(item))
    }

    pub fn page_url(&self, key: PageKey) -> &str {
        match key {
            PageKey::Committee(i) => &self.committees[i].url,
            PageKey::Meeting(i) => &self.meetings[i].url,
            PageKey::Item(i) => &self.items[i].url,
            PageKey::Document(i) => &self.documents[i].url,
        }
    }

    /// Every meeting, newest first (ties by folder), worked out once for
    /// `meetings_newest_first`.
    pub fn sort_meetings_newest_first(&self) -> Vec<Id> {
        let mut all: Vec<Id> = (0..self.meetings.len()).collect();
        all.sort_by(|&x, &y| {
            let (x, y) = (&self.meetings[x], &self.meetings[y]);
            y.date.cmp(&x.date).then_with(|| y.folder.cmp(&x.folder))
        });
        all
    }

    /// Each item's place in the newest-first order, so that many lists can
    /// be sorted by one integer instead of comparing dates and folders.
    pub fn item_ranks(&self) -> Vec<usize> {
        let mut all: Vec<Id> = (0..self.items.len()).collect();
        self.sort_items_newest_first(&mut all);
        let mut rank = vec![0; all.len()];
        for (r, i) in all.into_iter().enumerate() {
            rank[i] = r;
        }
        rank
    }

    /// Newest first, ties in agenda order: the order of every item list.
    pub fn sort_items_newest_first(&self, items: &mut [Id]) {
        items.sort_by(|&a, &b| {
            let (ma, mb) = (
                &self.meetings[self.items[a].meeting],
                &self.meetings[self.items[b].meeting],
            );
            mb.date
                .cmp(&ma.date)
                .then_with(|| ma.folder.cmp(&mb.folder))
                .then_with(|| self.items[a].committee.cmp(&self.items[b].committee))
                .then_with(|| self.items[a].order.cmp(&self.items[b].order))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_surname_past_titles_and_honours() {
        assert_eq!(surname_first("Diane Booth"), "booth diane");
        assert_eq!(surname_first("Cllr Diane Booth OBE"), "booth diane");
        assert_eq!(surname_first("Dr. Amy Jo Lee"), "lee amy jo");
        assert_eq!(surname_first("Cher"), "cher");
        assert_eq!(surname_first("Councillor"), "councillor");
    }
}
