//! Resolve stage: turns parsed files into the [`Archive`] model.
//!
//! Here everything that needs more than one file is decided and checked:
//! meetings under committees, items under meetings, documents under items,
//! `related:`/`documents:` entries, `@/` links and their anchors, slug
//! collisions, topics (with aliases) and people, and the backlinks.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

// Keys are the archive's own paths and names, not attacker-chosen input
// to a long-running service, so a fast non-DoS-resistant hash is right.
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::body::{Bodies, Body};
use crate::load::schema::{
    CommitteeMatter, DocumentMatter, IsoDate, ItemMatter, PersonName, Vote, VoteCounts,
};
use crate::load::{Attachment, Loaded, Parsed, Withheld};
use crate::model::*;
use crate::urls::{self, ContentPath};

/// Section anchors every item page provides, so `@/item.md#decisions` works.
pub const ITEM_SECTIONS: &[&str] = &[
    "purpose",
    "presenters",
    "minutes",
    "decisions",
    "actions",
    "declarations",
    "documents",
    "related",
    "referenced-by",
];

/// Builds the model from parsed files; `loaded` stays with the caller so a
/// live preview can re-resolve after an edit.
pub fn resolve(config: Config, loaded: &Loaded) -> (Archive, Vec<Diagnostic>) {
    let mut r = Resolver {
        prefix: config.path_prefix(),
        diagnostics: Vec::new(),
        topic_index: HashMap::default(),
        person_index: HashMap::default(),
        topics: Vec::new(),
        people: Vec::new(),
        aliases: HashMap::default(),
        vocabulary: HashMap::default(),
        topic_written: HashMap::default(),
        person_written: HashMap::default(),
        roles_are_the_meetings: false,
    };
    r.index_vocabulary(&config);
    let archive = r.build(config, loaded);
    (archive, r.diagnostics)
}

struct Resolver {
    prefix: String,
    diagnostics: Vec<Diagnostic>,
    /// slug -> topic id
    topic_index: HashMap<String, Id>,
    /// slug of alias or canonical name -> canonical name
    aliases: HashMap<String, String>,
    /// canonical name -> its aliases, from `[topics]`
    vocabulary: HashMap<String, Vec<String>>,
    topics: Vec<Topic>,
    person_index: HashMap<String, Id>,
    people: Vec<Person>,
    /// Topics and people as written -> id: the same names recur on
    /// thousands of pages, and slugifying each time dominated resolving.
    topic_written: HashMap<String, Option<Id>>,
    person_written: HashMap<String, Option<Id>>,
    /// While a meeting's people are read: their roles are not their own.
    roles_are_the_meetings: bool,
}

impl Resolver {
    fn index_vocabulary(&mut self, config: &Config) {
        for (canonical, aliases) in &config.topics {
            self.aliases
                .insert(urls::slugify(canonical), canonical.clone());
            for alias in aliases {
                self.aliases.insert(urls::slugify(alias), canonical.clone());
            }
            self.vocabulary.insert(canonical.clone(), aliases.clone());
        }
    }

    fn topic(&mut self, written: &str) -> Option<Id> {
        if let Some(&id) = self.topic_written.get(written) {
            return id;
        }
        let id = self.new_topic(written);
        self.topic_written.insert(written.to_owned(), id);
        id
    }

    fn new_topic(&mut self, written: &str) -> Option<Id> {
        let key = urls::slugify(written);
        if key.is_empty() {
            return None;
        }
        let name = self
            .aliases
            .get(&key)
            .cloned()
            .unwrap_or_else(|| written.trim().to_owned());
        let slug = urls::slugify(&name);
        if let Some(&id) = self.topic_index.get(&slug) {
            return Some(id);
        }
        let id = self.topics.len();
        self.topics.push(Topic {
            url: format!("/topics/{slug}/"),
            slug: slug.clone(),
            aliases: self.vocabulary.get(&name).cloned().unwrap_or_default(),
            name,
            items: Vec::new(),
            committees: Vec::new(),
        });
        self.topic_index.insert(slug, id);
        Some(id)
    }

    fn person(&mut self, p: &PersonName) -> Option<PersonRole> {
        let id = match self.person_written.get(&p.name) {
            Some(&id) => id?,
            None => {
                let id = self.new_person(&p.name);
                self.person_written.insert(p.name.clone(), id);
                id?
            }
        };
        if let Some(role) = &p.role
            && !self.roles_are_the_meetings
            && !self.people[id].roles.contains(role)
        {
            self.people[id].roles.push(role.clone());
        }
        Some(PersonRole {
            person: id,
            role: p.role.clone(),
        })
    }

    fn new_person(&mut self, name: &str) -> Option<Id> {
        let slug = urls::slugify(name);
        if slug.is_empty() {
            return None;
        }
        Some(*self.person_index.entry(slug.clone()).or_insert_with(|| {
            self.people.push(Person {
                url: format!("/people/{slug}/"),
                slug,
                name: name.to_owned(),
                ..Person::default()
            });
            self.people.len() - 1
        }))
    }

    fn people_of<M>(&mut self, file: &Parsed<M>, names: &[PersonName]) -> Vec<PersonRole> {
        names
            .iter()
            .filter_map(|n| self.person_checked(file, n))
            .collect()
    }

    /// An item placed in a recording its meeting does not give would lose
    /// its place silently.
    fn check_recording_offsets(
        &mut self,
        files: &[Arc<Parsed<ItemMatter>>],
        item_index: &HashMap<String, Id>,
        archive: &Archive,
    ) {
        for file in files.iter().filter(|f| f.matter.recording_at.is_some()) {
            let Some(&i) = item_index.get(&file.rel) else {
                continue;
            };
            if archive.meetings[archive.items[i].meeting]
                .recording
                .is_none()
            {
                self.diagnostics.push(
                    file.error_at_value("recording_at", "`recording_at` places the item in a recording, but its meeting gives none")
                        .into_warning()
                        .with_hint("add `recording: {url: ..., title: ...}` to the meeting's _meeting.md, or remove `recording_at`"),
                );
            }
        }
    }

    /// A meeting's recording, at an http(s) address.
    fn recording(
        &mut self,
        file: &Parsed<crate::load::schema::MeetingMatter>,
    ) -> Option<Recording> {
        let r = file.matter.recording.as_ref()?;
        let url = r.url.trim();
        let web = ["http://", "https://"].iter().any(|s| {
            url.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        if !web || url.contains(char::is_whitespace) {
            self.diagnostics.push(
                file.error_at_value(
                    "url",
                    format!("the recording's address `{url}` is not a web address"),
                )
                .with_hint("give the address of the recording's page or file, starting https://"),
            );
            return None;
        }
        Some(Recording {
            url: url.to_owned(),
            title: crate::load::schema::given(&r.title),
        })
    }

    /// A meeting's `title` or `session` (one, not both).
    fn meeting_label(
        &mut self,
        file: &Parsed<crate::load::schema::MeetingMatter>,
    ) -> Option<String> {
        let given = crate::load::schema::given;
        let (title, session) = (given(&file.matter.title), given(&file.matter.session));
        if title.is_some() && session.is_some() {
            self.diagnostics.push(
                file.error_at_value("session", "a meeting has both `title` and `session`")
                    .with_hint("keep one of them: both are the label shown after the date"),
            );
        }
        title.or(session)
    }

    fn person_checked<M>(&mut self, file: &Parsed<M>, name: &PersonName) -> Option<PersonRole> {
        let role = self.person(name);
        if role.is_none() {
            self.diagnostics.push(
                file.error_at_value(&name.name, format!("`{}` is not a usable name", name.name))
                    .with_hint("write the person's name with letters"),
            );
        }
        role
    }

    /// The archive of `loaded`: one pass per kind of entity, then the
    /// references between them.
    fn build(&mut self, config: Config, loaded: &Loaded) -> Archive {
        let (committees, committee_index) = self.committees(&loaded.committees, &config);
        let mut pages = Pages {
            committees,
            committee_index,
            ..Pages::default()
        };
        self.meetings(loaded, &mut pages);
        self.items(&loaded.items, &mut pages);
        self.documents(&loaded.documents, &loaded.failed, &mut pages);
        self.attachments(
            &loaded.attachments,
            &loaded.failed,
            config.trust_html,
            &mut pages,
        );
        self.order_supporting(&loaded.items, &mut pages);
        let Pages {
            committees,
            committee_index,
            meetings,
            meeting_index,
            items,
            item_index,
            documents,
            document_index,
            attachments,
            attachment_index,
            moved,
        } = pages;
        let trust_html = config.trust_html;
        let mut archive = Archive {
            prefix: self.prefix.clone(),
            config,
            committees,
            meetings,
            items: items.into_iter().map(Arc::new).collect(),
            documents,
            attachments,
            topics: std::mem::take(&mut self.topics),
            people: std::mem::take(&mut self.people),
            meetings_newest_first: Vec::new(),
            bodies: Bodies {
                content_dir: loaded.content_dir.clone(),
                prefix: self.prefix.clone(),
                moved,
                trust_html,
                withheld: loaded.withheld.keys().cloned().collect(),
            },
            unloaded: loaded
                .failed
                .iter()
                .filter_map(|rel| ContentPath::classify(rel).ok())
                .map(|path| path.url())
                .filter(|url| url != "/")
                .collect(),
        };
        exempt_notices(&loaded.exempt, &meeting_index, &mut archive.meetings);
        self.check_recording_offsets(&loaded.items, &item_index, &archive);
        // References: `related:` and `@/` links, and the backlinks they make.
        let index = Targets {
            committees: &committee_index,
            meetings: &meeting_index,
            items: &item_index,
            documents: &document_index,
            attachments: &attachment_index,
            withheld: &loaded.withheld,
            failed: &loaded.failed,
        };
        let mut backlinks: BTreeMap<PageKey, Vec<PageKey>> = BTreeMap::new();
        self.related(&loaded.items, &mut archive, &index, &mut backlinks);
        self.check_body_links(
            &loaded.committees,
            &archive,
            &index,
            &mut backlinks,
            PageKey::Committee,
            &committee_index,
        );
        self.check_body_links(
            &loaded.meetings,
            &archive,
            &index,
            &mut backlinks,
            PageKey::Meeting,
            &meeting_rel_index(&archive),
        );
        self.check_body_links(
            &loaded.items,
            &archive,
            &index,
            &mut backlinks,
            PageKey::Item,
            &item_index,
        );
        self.check_body_links(
            &loaded.documents,
            &archive,
            &index,
            &mut backlinks,
            PageKey::Document,
            &document_index,
        );
        link_backlinks(&mut archive, backlinks);
        self.index_people_and_topics(&mut archive);
        self.warn_of_likely_typos(&archive, loaded);
        archive
    }

    fn committees(
        &mut self,
        committee_files: &[Arc<Parsed<CommitteeMatter>>],
        config: &Config,
    ) -> (Vec<Committee>, HashMap<String, Id>) {
        let mut committees = Vec::new();
        let mut committee_index: HashMap<String, Id> = HashMap::default();
        for file in committee_files.iter() {
            let ContentPath::Committee { committee } = &file.path else {
                continue;
            };
            let members = self.people_of(file, &file.matter.members);
            committee_index.insert(committee.clone(), committees.len());
            committees.push(Committee {
                modified: file.modified,
                slug: committee.clone(),
                source: file.rel.clone(),
                url: file.path.url(),
                title: file.matter.title.clone(),
                short: file.matter.short.clone(),
                authority: file
                    .matter
                    .authority
                    .clone()
                    .or_else(|| config.authority.clone()),
                members,
                remit: file.body.clone(),
                meetings: Vec::new(),
                referenced_by: Vec::new(),
                refers_to: Vec::new(),
                extra: file.matter.extra.clone(),
            });
        }

        (committees, committee_index)
    }

    /// Every meeting folder is a meeting; `_meeting.md` adds detail.
    fn meetings(&mut self, loaded: &Loaded, pages: &mut Pages) {
        let failed = &loaded.failed;
        let mut meeting_folders = loaded.meeting_folders.clone();
        let Pages {
            committees,
            committee_index,
            ..
        } = pages;
        let meeting_file: HashMap<(String, String), &Parsed<_>> = loaded
            .meetings
            .iter()
            .filter_map(|f| match &f.path {
                ContentPath::Meeting { committee, meeting } => {
                    Some(((committee.clone(), meeting.clone()), &**f))
                }
                _ => None,
            })
            .collect();
        meeting_folders.sort();
        meeting_folders.dedup();
        let mut meetings = Vec::new();
        let mut meeting_index: HashMap<(String, String), Id> = HashMap::default();
        let mut missing_committee_reported = HashSet::default();
        for (committee_slug, folder) in &meeting_folders {
            let Some(&committee) = committee_index.get(committee_slug) else {
                // A `_committee.md` that failed to parse is reported already.
                let failed_here = under_failed(failed, committee_slug);
                if !failed_here && missing_committee_reported.insert(committee_slug.clone()) {
                    self.diagnostics.push(no_committee_file(committee_slug));
                }
                continue;
            };
            let Some(date) = urls::meeting_date(folder).and_then(IsoDate::parse) else {
                continue;
            };
            let file = meeting_file
                .get(&(committee_slug.clone(), folder.clone()))
                .copied();
            let path = ContentPath::Meeting {
                committee: committee_slug.clone(),
                meeting: folder.clone(),
            };
            let mut meeting = Meeting {
                modified: file.and_then(|f| f.modified),
                committee,
                folder: folder.clone(),
                date: date.0,
                source: file.map(|f| f.rel.clone()),
                url: path.url(),
                time: None,
                venue: None,
                chair: None,
                attendees: Vec::new(),
                apologies: Vec::new(),
                status: Default::default(),
                label: None,
                recording: None,
                notes: Default::default(),
                items: Vec::new(),
                exempt: Vec::new(),
                previous: None,
                next: None,
                referenced_by: Vec::new(),
                refers_to: Vec::new(),
                extra: Default::default(),
            };
            if let Some(file) = file {
                let m = &file.matter;
                if let Some(d) = m.date
                    && d != date
                {
                    self.diagnostics.push(
                        file.error_at_value(
                            "date",
                            format!("date {d} differs from the meeting folder's date {date}"),
                        )
                        .with_hint(format!(
                            "set `date: {date}`, or move the meeting to a folder named {d}"
                        )),
                    );
                }
                if let Some(time) = &m.time
                    && crate::dates::parse_time_span(time).is_none()
                {
                    self.diagnostics.push(
                        file.error_at_value("time", format!("time `{time}` is not a clock time, so calendars show this meeting as lasting all day"))
                            .into_warning()
                            .with_hint("write it as e.g. `time: \"18:00\"`, `6.30pm` or `18:00-20:00`"),
                    );
                }
                meeting.time = m.time.clone();
                meeting.venue = m.venue.clone();
                // A role given here ("Substitute for ...") is this
                // meeting's: the meeting's page shows it, the person's not.
                self.roles_are_the_meetings = true;
                meeting.chair = m.chair.as_ref().and_then(|c| self.person_checked(file, c));
                meeting.attendees = self.people_of(file, &m.attendees);
                meeting.apologies = self.people_of(file, &m.apologies);
                self.roles_are_the_meetings = false;
                meeting.status = m.status;
                meeting.label = self.meeting_label(file);
                meeting.recording = self.recording(file);
                meeting.notes = file.body.clone();
                meeting.extra = m.extra.clone();
            }
            meeting_index.insert((committee_slug.clone(), folder.clone()), meetings.len());
            committees[committee].meetings.push(meetings.len());
            meetings.push(meeting);
        }
        for c in committees.iter() {
            for pair in c.meetings.windows(2) {
                meetings[pair[0]].next = Some(pair[1]);
                meetings[pair[1]].previous = Some(pair[0]);
            }
        }

        pages.meetings = meetings;
        pages.meeting_index = meeting_index;
    }

    fn items(&mut self, item_files: &[Arc<Parsed<ItemMatter>>], pages: &mut Pages) {
        let Pages {
            meetings,
            meeting_index,
            moved,
            ..
        } = pages;
        // Names are checked and interned one file at a time (they build the
        // topic and people lists in file order); the items' text is copied
        // in parallel. At 10,000 items on 2 cores a full resolve took
        // 33-42 ms before, 26-31 ms after (4 builds each, alternating), and
        // resolving again is most of what adding an item in `quorum serve`
        // costs.
        let mut pending: Vec<PendingItem> = Vec::new();
        // Keyed by the files' own strings: copying two strings per item
        // into this map, and freeing them, was a fifth of a 10,000-item
        // resolve (perf). With this, the meeting lookup below and the walk
        // in `order_supporting`, a resolve of 10,000 items took a median of
        // 46.5-51.5 ms against 52.0-55.3 ms (30 resolves, 3 alternating runs).
        let mut slugs_seen: HashMap<(Id, Cow<str>), &str> = HashMap::default();
        let mut last_meeting: Option<(&String, &String, Id)> = None;
        for file in item_files.iter() {
            let ContentPath::Item {
                committee,
                meeting,
                number,
                slug,
            } = &file.path
            else {
                continue;
            };
            // Files are in path order, so a meeting's items come together:
            // look its id up once, not with two new strings per item.
            let meeting_id = match &last_meeting {
                Some((c, m, id)) if *c == committee && *m == meeting => *id,
                _ => {
                    let Some(&id) = meeting_index.get(&(committee.clone(), meeting.clone())) else {
                        continue; // the missing committee is already reported
                    };
                    last_meeting = Some((committee, meeting, id));
                    id
                }
            };
            // Two items of one meeting with one slug would share an address;
            // which one moved aside would depend on file order, so it is an
            // error. The later one gets a stand-in slug only so that resolving
            // goes on to report the archive's other problems.
            let mut final_slug = Cow::Borrowed(slug.as_str());
            if let Some(&other) = slugs_seen.get(&(meeting_id, Cow::Borrowed(slug.as_str()))) {
                let mut stand_in = format!("{slug}-{number:02}");
                while slugs_seen.contains_key(&(meeting_id, Cow::Borrowed(stand_in.as_str()))) {
                    stand_in.push_str("-x");
                }
                self.diagnostics.push(
                    Diagnostic::error(
                        file.display_path(),
                        format!(
                            "content/{other} and this item of the same meeting both have the slug `{slug}`, \
                             so both would be published at /{committee}/{meeting}/{slug}/"
                        ),
                    )
                    .with_hint(format!(
                        "rename one of the two files, keeping its number (e.g. {number:02}-{slug}-2.md), \
                         so that each item of the meeting has its own address"
                    )),
                );
                let url = format!("/{committee}/{meeting}/{stand_in}/");
                moved.insert(file.rel.clone(), url);
                final_slug = Cow::Owned(stand_in);
            }
            slugs_seen.insert((meeting_id, final_slug.clone()), file.rel.as_str());
            pending.push(PendingItem {
                file,
                order: *number,
                slug: final_slug.into_owned(),
                meeting: meeting_id,
                committee: meetings[meeting_id].committee,
                names: self.item_names(file),
            });
        }
        let mut items: Vec<Item> = pending.into_par_iter().map(PendingItem::item).collect();
        let mut item_index: HashMap<String, Id> = HashMap::default();
        for (id, item) in items.iter_mut().enumerate() {
            if let Some(url) = moved.get(&item.source) {
                item.url = url.clone();
            }
            item_index.insert(item.source.clone(), id);
            meetings[item.meeting].items.push(id);
        }
        for m in meetings.iter_mut() {
            m.items.sort_by(|&x, &y| {
                (items[x].order, &items[x].slug).cmp(&(items[y].order, &items[y].slug))
            });
            for pair in m.items.windows(2) {
                items[pair[0]].next = Some(pair[1]);
                items[pair[1]].previous = Some(pair[0]);
            }
        }

        pages.items = items;
        pages.item_index = item_index;
    }

    fn documents(
        &mut self,
        document_files: &[Arc<Parsed<DocumentMatter>>],
        failed: &BTreeSet<String>,
        pages: &mut Pages,
    ) {
        let Pages {
            items,
            item_index,
            moved,
            ..
        } = pages;
        let mut documents = Vec::new();
        let mut document_index: HashMap<String, Id> = HashMap::default();
        for file in document_files.iter() {
            let Some(owner) = file.path.owner_item() else {
                continue;
            };
            let Some(&item) = item_index.get(&owner) else {
                if !under_failed(failed, &owner) {
                    self.diagnostics.push(orphan(&file.display_path(), &owner));
                }
                continue;
            };
            let ContentPath::Document { name, .. } = &file.path else {
                continue;
            };
            let m = &file.matter;
            let author = m.author.as_ref().and_then(|a| self.person_checked(file, a));
            document_index.insert(file.rel.clone(), documents.len());
            let url = format!("{}{}/", items[item].url, urls::slugify(name));
            if url != file.path.url() {
                moved.insert(file.rel.clone(), url.clone());
            }
            documents.push(Document {
                modified: file.modified,
                item,
                source: file.rel.clone(),
                url,
                slug: urls::slugify(name),
                title: m
                    .title
                    .clone()
                    .unwrap_or_else(|| title_from_file_name(name)),
                date: m.date.map(|d| d.0),
                author,
                kind: m.kind.clone(),
                body: file.body.clone(),
                referenced_by: Vec::new(),
                refers_to: Vec::new(),
                extra: m.extra.clone(),
            });
        }
        pages.documents = documents;
        pages.document_index = document_index;
    }

    fn attachments(
        &mut self,
        attachment_files: &[Attachment],
        failed: &BTreeSet<String>,
        trust_html: bool,
        pages: &mut Pages,
    ) {
        let Pages {
            items,
            item_index,
            documents,
            moved,
            ..
        } = pages;
        let mut attachments = Vec::new();
        let mut attachment_index: HashMap<String, Id> = HashMap::default();
        let page_urls: HashSet<&str> = documents.iter().map(|d| d.url.as_str()).collect();
        for a in attachment_files {
            let a = a.clone();
            let Some(owner) = a.path.owner_item() else {
                continue;
            };
            let Some(&item) = item_index.get(&owner) else {
                if !under_failed(failed, &owner) {
                    self.diagnostics.push(orphan(
                        &std::path::Path::new("content").join(&a.rel),
                        &owner,
                    ));
                }
                continue;
            };
            let ContentPath::Attachment { file: name, .. } = &a.path else {
                continue;
            };
            let url = format!("{}{}", items[item].url, urls::encode_path_segment(name));
            if let Some(problem) = unpublishable(name, &url, &page_urls, trust_html) {
                let shown = std::path::Path::new("content").join(&a.rel);
                self.diagnostics
                    .push(Diagnostic::error(shown, problem.0).with_hint(problem.1));
                continue;
            }
            attachment_index.insert(a.rel.clone(), attachments.len());
            if url != a.path.url() {
                moved.insert(a.rel.clone(), url.clone());
            }
            attachments.push(AttachmentFile {
                item,
                url,
                title: name.clone(),
                name: name.clone(),
                source: a.rel,
                file: a.source,
                bytes: a.bytes,
                text: a.text,
            });
        }
        pages.attachments = attachments;
        pages.attachment_index = attachment_index;
    }

    /// Each item's supporting files: first those its `documents:` lists,
    /// in its order and with its titles, then the rest by path.
    fn order_supporting(&mut self, item_files: &[Arc<Parsed<ItemMatter>>], pages: &mut Pages) {
        let Pages {
            items,
            documents,
            document_index,
            attachments,
            attachment_index,
            ..
        } = pages;
        // Each item's supporting files in path order, gathered in one pass.
        let mut unlisted: Vec<Vec<(&str, Supporting)>> = vec![Vec::new(); items.len()];
        for (i, d) in documents.iter().enumerate() {
            unlisted[d.item].push((d.source.as_str(), Supporting::Document(i)));
        }
        for (i, a) in attachments.iter().enumerate() {
            unlisted[a.item].push((a.source.as_str(), Supporting::Attachment(i)));
        }
        let mut titles: Vec<(Supporting, String)> = Vec::new();
        // Order and title them as each item's `documents:` says.
        // Items were made from these files in this order (files of no
        // meeting left out): walk both rather than hash 10,000 paths.
        let mut next_item = 0;
        for file in item_files.iter() {
            if items.get(next_item).is_none_or(|it| it.source != file.rel) {
                continue;
            }
            let item = next_item;
            next_item += 1;
            let folder = file.rel.trim_end_matches(".md");
            let mut listed = Vec::new();
            for entry in &file.matter.documents {
                let rel = format!("{folder}/{}", entry.file);
                if let Some(&d) = document_index.get(&rel) {
                    titles.push((Supporting::Document(d), entry.title.clone()));
                    listed.push(Supporting::Document(d));
                } else if let Some(&a) = attachment_index.get(&rel) {
                    titles.push((Supporting::Attachment(a), entry.title.clone()));
                    listed.push(Supporting::Attachment(a));
                } else {
                    self.diagnostics.push(
                        file.error_at_value(
                            &entry.file,
                            format!(
                                "documents: `{}` names no file in content/{folder}/",
                                entry.file
                            ),
                        )
                        .with_hint(format!(
                            "put the file at content/{rel}, or correct the name"
                        )),
                    );
                }
            }
            let mut rest = std::mem::take(&mut unlisted[item]);
            rest.retain(|(_, s)| !listed.contains(s));
            rest.sort_by_key(|(source, _)| *source);
            listed.extend(rest.into_iter().map(|(_, s)| s));
            items[item].supporting = listed;
        }
        drop(unlisted);
        for (s, title) in titles {
            match s {
                Supporting::Document(d) => documents[d].title = title,
                Supporting::Attachment(a) => attachments[a].title = title,
            }
        }
    }

    /// The items each item's `related:` names.
    fn related(
        &mut self,
        item_files: &[Arc<Parsed<ItemMatter>>],
        archive: &mut Archive,
        index: &Targets,
        backlinks: &mut BTreeMap<PageKey, Vec<PageKey>>,
    ) {
        let item_index = index.items;
        let mut nearest: Option<NearestItem> = None;
        for file in item_files.iter() {
            let Some(&item) = item_index.get(&file.rel) else {
                continue;
            };
            for entry in &file.matter.related {
                let target = entry.trim().trim_start_matches("@/");
                match index.find(target) {
                    Ok(Some(PageKey::Item(other))) if other != item => {
                        Arc::make_mut(&mut archive.items[item]).related.push(other);
                        backlinks.entry(PageKey::Item(other)).or_default().push(PageKey::Item(item));
                    }
                    Ok(Some(PageKey::Item(_))) => self.diagnostics.push(
                        file.error_at_value(entry, "related: an item cannot be related to itself"),
                    ),
                    Ok(_) => self.diagnostics.push(
                        file.error_at_value(entry, format!("related: `{target}` is not an agenda item"))
                            .with_hint("`related:` lists agenda items by their path under content/, e.g. committee/2017-12-07/05-item.md"),
                    ),
                    Err(problem) => {
                        let nearest = nearest.get_or_insert_with(|| NearestItem::new(archive));
                        let d = problem.at_value(file, entry, "related").map(|d| match nearest.to(target) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        });
                        self.diagnostics.extend(d);
                    }
                }
            }
        }
    }

    /// A misspelt topic or name silently makes a page of its own; warn when
    /// one used once is one edit from one used more often.
    fn warn_of_likely_typos(&mut self, archive: &Archive, loaded: &Loaded) {
        let topics: Vec<(&str, usize)> = archive
            .topics
            .iter()
            .map(|t| {
                // The vocabulary's names are known, however often used.
                let known = if self.vocabulary.contains_key(&t.name) {
                    2
                } else {
                    0
                };
                (t.name.as_str(), t.items.len().max(known))
            })
            .collect();
        for (rare, known) in crate::suggest::likely_typos(&topics) {
            let (Some(&item), known) = (archive.topics[rare].items.first(), topics[known].0) else {
                continue;
            };
            let name = topics[rare].0;
            self.diagnostics.push(warning_in(
                &loaded.items,
                &archive.items[item].source,
                name,
                format!("topic `{name}` is used only here, and is close to the topic `{known}`"),
                format!("did you mean `{known}`? A misspelt topic makes a topic page of its own; if this is a different topic, leave it"),
            ));
        }
        let people: Vec<(&str, usize)> = archive
            .people
            .iter()
            .map(|p| (p.name.as_str(), person_mentions(p)))
            .collect();
        for (rare, known) in crate::suggest::likely_typos(&people) {
            let (name, known) = (people[rare].0, people[known].0);
            let message = format!("`{name}` is named only here, and is close to `{known}`");
            let hint = format!(
                "did you mean `{known}`? A misspelt name makes a person page of its own; if this is a different person, leave it"
            );
            let person = &archive.people[rare];
            let d = if let Some(&c) = person.memberships.first() {
                warning_in(
                    &loaded.committees,
                    &archive.committees[c].source,
                    name,
                    message,
                    hint,
                )
            } else if let Some(&m) = [&person.chaired, &person.attended, &person.apologies]
                .into_iter()
                .find_map(|list| list.first())
            {
                let source = archive.meetings[m].source.as_deref().unwrap_or_default();
                warning_in(&loaded.meetings, source, name, message, hint)
            } else if let Some(&i) = person
                .presented
                .first()
                .or(person.declarations.first().map(|(i, _)| i))
                .or(person.actions.first().map(|(i, _)| i))
            {
                warning_in(&loaded.items, &archive.items[i].source, name, message, hint)
            } else if let Some(&d) = person.authored.first() {
                warning_in(
                    &loaded.documents,
                    &archive.documents[d].source,
                    name,
                    message,
                    hint,
                )
            } else {
                continue;
            };
            self.diagnostics.push(d);
        }
    }

    /// The topics and people an item names, checked (problems reported)
    /// and interned.
    fn item_names(&mut self, file: &Parsed<ItemMatter>) -> ItemNames {
        let m = &file.matter;
        let mut topics = Vec::new();
        for t in &m.topics {
            match self.topic(t) {
                Some(id) if !topics.contains(&id) => topics.push(id),
                Some(_) => {}
                None => self.diagnostics.push(
                    file.error_at_value(t, format!("topic `{t}` has no letters or digits"))
                        .with_hint("name topics in words, e.g. `Looked after children`"),
                ),
            }
        }
        ItemNames {
            topics,
            presenters: self.people_of(file, &m.presenters),
            owners: (m.actions.iter())
                .map(|a| a.owner.as_ref().and_then(|o| self.person_checked(file, o)))
                .collect(),
            members: (m.declarations.iter())
                .map(|d| self.person_checked(file, &d.member))
                .collect(),
            voters: (m.decisions.iter())
                .map(|d| {
                    (d.recorded.iter())
                        .map(|r| self.person_checked(file, &r.member))
                        .collect()
                })
                .collect(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_body_links<M>(
        &mut self,
        files: &[Arc<Parsed<M>>],
        archive: &Archive,
        index: &Targets,
        backlinks: &mut BTreeMap<PageKey, Vec<PageKey>>,
        key: impl Fn(Id) -> PageKey,
        own_index: &HashMap<String, Id>,
    ) {
        for file in files {
            let Some(&own) = own_index.get(&file.rel) else {
                continue;
            };
            for r in &file.references {
                match index.find(&r.target) {
                    Ok(target) => {
                        if let (Some(anchor), Some(page)) = (&r.anchor, target)
                            && !has_anchor(archive, page, anchor)
                        {
                            self.diagnostics.push(
                                file.error_at(
                                    &r.at,
                                    format!(
                                        "link target `{}` has no heading `#{anchor}`",
                                        r.target
                                    ),
                                )
                                .with_hint(anchor_hint(archive, page)),
                            );
                        }
                        if let Some(page) = target {
                            backlinks.entry(page).or_default().push(key(own));
                        }
                    }
                    Err(problem) => self.diagnostics.extend(problem.at_link(file, &r.at)),
                }
            }
        }
    }

    fn index_people_and_topics(&mut self, a: &mut Archive) {
        for (c, committee) in a.committees.iter().enumerate() {
            for m in &committee.members {
                a.people[m.person].memberships.push(c);
            }
        }
        for (mi, meeting) in a.meetings.iter().enumerate() {
            if let Some(chair) = &meeting.chair {
                a.people[chair.person].chaired.push(mi);
            }
            for p in &meeting.attendees {
                a.people[p.person].attended.push(mi);
            }
            for p in &meeting.apologies {
                a.people[p.person].apologies.push(mi);
            }
        }
        for (ii, item) in a.items.iter().enumerate() {
            for p in &item.presenters {
                a.people[p.person].presented.push(ii);
            }
            for (k, d) in item.declarations.iter().enumerate() {
                a.people[d.member.person].declarations.push((ii, k));
            }
            for (k, d) in item.decisions.iter().enumerate() {
                for (voter, _) in &d.recorded {
                    a.people[voter.person].votes.push((ii, k));
                }
            }
            for (k, action) in item.actions.iter().enumerate() {
                if let Some(owner) = &action.owner {
                    a.people[owner.person].actions.push((ii, k));
                }
            }
            for &t in &item.topics {
                a.topics[t].items.push(ii);
            }
        }
        for (di, doc) in a.documents.iter().enumerate() {
            if let Some(author) = &doc.author {
                a.people[author.person].authored.push(di);
            }
        }
        // Newest first everywhere.
        let rank = a.item_ranks();
        a.meetings_newest_first = a.sort_meetings_newest_first();
        let meeting_rank = inverse(&a.meetings_newest_first);
        let mut people = std::mem::take(&mut a.people);
        for p in &mut people {
            for list in [
                &mut p.memberships,
                &mut p.chaired,
                &mut p.attended,
                &mut p.apologies,
                &mut p.presented,
                &mut p.authored,
            ] {
                dedup_ids(list);
            }
            p.presented.sort_unstable_by_key(|&i| rank[i]);
            p.chaired.sort_unstable_by_key(|&m| meeting_rank[m]);
            p.attended.sort_unstable_by_key(|&m| meeting_rank[m]);
            p.apologies.sort_unstable_by_key(|&m| meeting_rank[m]);
            p.declarations
                .sort_by_key(|&(i, _)| std::cmp::Reverse(a.item_date(i)));
            p.actions
                .sort_by_key(|&(i, _)| std::cmp::Reverse(a.item_date(i)));
            p.votes.dedup();
            p.votes
                .sort_by_key(|&(i, _)| std::cmp::Reverse(a.item_date(i)));
        }
        let mut topics = std::mem::take(&mut a.topics);
        for t in &mut topics {
            t.items.sort_unstable_by_key(|&i| rank[i]);
            let mut per_committee: BTreeMap<Id, usize> = BTreeMap::new();
            for &i in &t.items {
                *per_committee.entry(a.items[i].committee).or_default() += 1;
            }
            t.committees = per_committee.into_iter().collect();
        }
        // Topics and people are listed by name; ids are remapped to match.
        let topic_order = sort_order(&topics, |t| t.name.to_lowercase());
        let people_order = sort_order(&people, |p| {
            let sort_as = a
                .config
                .people
                .get(&p.name)
                .and_then(|s| s.sort_as.as_deref());
            sort_as.map_or_else(|| surname_first(&p.name), str::to_lowercase)
        });
        a.topics = reorder(topics, &topic_order);
        a.people = reorder(people, &people_order);
        remap(a, &inverse(&topic_order), &inverse(&people_order));
    }
}

/// What an item names, resolved to ids: one per written topic or person
/// that could be resolved (owners and members aligned with the file's
/// actions and declarations).
struct ItemNames {
    topics: Vec<Id>,
    presenters: Vec<PersonRole>,
    owners: Vec<Option<PersonRole>>,
    members: Vec<Option<PersonRole>>,
    /// Each decision's recorded voters, aligned with the file's.
    voters: Vec<Vec<Option<PersonRole>>>,
}

/// An item whose place and names are settled, its text still to copy.
struct PendingItem<'a> {
    file: &'a Parsed<ItemMatter>,
    order: u32,
    slug: String,
    meeting: Id,
    committee: Id,
    names: ItemNames,
}

/// The error for a committee folder without its `_committee.md`.
fn no_committee_file(committee_slug: &str) -> Diagnostic {
    Diagnostic::error(
        format!("content/{committee_slug}"),
        format!("committee folder `{committee_slug}` has no _committee.md"),
    )
    .with_hint(format!(
        "create content/{committee_slug}/_committee.md with at least `title: ...`"
    ))
}

impl PendingItem<'_> {
    fn item(self) -> Item {
        let PendingItem {
            file,
            order,
            slug,
            meeting,
            committee,
            names,
        } = self;
        let ItemNames {
            topics,
            presenters,
            owners,
            members,
            voters,
        } = names;
        let m = &file.matter;
        // The words and counts are set with the rest of the text below.
        let decisions = (voters.into_iter().zip(&m.decisions))
            .map(|(people, d)| Decision {
                recorded: (people.into_iter().zip(&d.recorded))
                    .filter_map(|(person, r)| Some((person?, r.vote)))
                    .collect(),
                ..Decision::default()
            })
            .collect();
        let actions = (owners.into_iter())
            .map(|owner| Action {
                action: String::new(), // set with the rest of the text below
                owner,
                due: None,
                status: crate::load::schema::ActionStatus::Open,
                done: None,
            })
            .collect();
        let declarations = (members.into_iter().zip(&m.declarations))
            .filter_map(|(member, d)| {
                Some(Declaration {
                    member: member?,
                    interest: d.interest.clone(),
                    kind: declaration_kind(d),
                })
            })
            .collect();
        let mut item = Item {
            modified: file.modified,
            committee,
            meeting,
            source: file.rel.clone(),
            url: file.path.url(),
            number: String::new(),
            order,
            slug,
            title: String::new(),
            purpose: None,
            presenters,
            topics,
            decisions,
            actions,
            declarations,
            related: Vec::new(),
            supporting: Vec::new(),
            draft: m.status == crate::load::schema::PublishStatus::Draft,
            recording_at: None,
            minutes: Body::default(),
            previous: None,
            next: None,
            referenced_by: Vec::new(),
            refers_to: Vec::new(),
            extra: Default::default(),
        };
        set_item_text(&mut item, file);
        item
    }
}

/// Copies what an item file says in words (title, purpose, decisions,
/// action texts, minutes...) into its model: everything that does not tie
/// it to other pages. Shared by a full resolve and `patch_item`, so both
/// give the same item.
fn set_item_text(item: &mut Item, file: &Parsed<ItemMatter>) {
    let m = &file.matter;
    item.modified = file.modified;
    item.number = m.item.clone().unwrap_or_else(|| item.order.to_string());
    item.title = m.title.clone();
    item.purpose = m.purpose.clone().filter(|p| !p.trim().is_empty());
    item.decisions = (m.decisions.iter().enumerate())
        .map(|(k, written)| {
            // The voters are settled (a full resolve, or the same names);
            // how each voted is words.
            let recorded: Vec<(PersonRole, Vote)> = match item.decisions.get(k) {
                Some(old) if old.recorded.len() == written.recorded.len() => (old.recorded.iter())
                    .zip(&written.recorded)
                    .map(|((person, _), r)| (person.clone(), r.vote))
                    .collect(),
                Some(old) => old.recorded.clone(),
                None => Vec::new(),
            };
            Decision {
                text: written.text.clone(),
                votes: written.votes.or_else(|| tally(&recorded)),
                recorded,
            }
        })
        .collect();
    item.recording_at = m.recording_at;
    for (action, written) in item.actions.iter_mut().zip(&m.actions) {
        action.action = written.action.clone();
        action.due = written.due.map(|d| d.0);
        action.status = written.status();
        action.done = written.done.map(|d| d.0);
    }
    // Declarations naming no usable person are left out (and reported), so
    // the lists line up only when none was; a full resolve set them already.
    if item.declarations.len() == m.declarations.len() {
        for (d, written) in item.declarations.iter_mut().zip(&m.declarations) {
            d.interest = written.interest.clone();
            d.kind = declaration_kind(written);
        }
    }
    item.minutes = file.body.clone();
    item.extra = m.extra.clone();
}

/// Each exempt item's notice, on its meeting's agenda.
fn exempt_notices(
    notices: &BTreeMap<String, crate::load::ExemptNotice>,
    meeting_index: &HashMap<(String, String), Id>,
    meetings: &mut [Meeting],
) {
    for (rel, notice) in notices {
        let key = ContentPath::classify(rel)
            .ok()
            .and_then(|p| p.meeting_key());
        if let Some(&m) = key.and_then(|k| meeting_index.get(&k)) {
            meetings[m].exempt.push(notice.clone());
        }
    }
    for m in meetings {
        m.exempt.sort_by_key(|n| n.order);
    }
}

/// Whether each decision names the same voters, in order (a decision
/// added or removed without recorded votes names none).
fn same_voters(
    old: &[crate::load::schema::DecisionMatter],
    new: &[crate::load::schema::DecisionMatter],
) -> bool {
    fn voters(d: Option<&crate::load::schema::DecisionMatter>) -> Vec<&PersonName> {
        d.map(|d| d.recorded.iter().map(|r| &r.member).collect())
            .unwrap_or_default()
    }
    (0..old.len().max(new.len())).all(|k| voters(old.get(k)) == voters(new.get(k)))
}

/// The counts of recorded votes, when there are any.
fn tally(recorded: &[(PersonRole, Vote)]) -> Option<VoteCounts> {
    let count = |v: Vote| recorded.iter().filter(|(_, x)| *x == v).count() as u32;
    (!recorded.is_empty()).then(|| VoteCounts {
        in_favour: count(Vote::For),
        against: count(Vote::Against),
        abstain: count(Vote::Abstain),
    })
}

fn declaration_kind(d: &crate::load::schema::DeclarationMatter) -> Option<String> {
    crate::load::schema::given(&d.kind)
}

/// `archive` with item `i` re-read from `new`, when `new` differs from
/// `old` (the file `archive` was resolved from) only in words and body
/// links: the same topics, people, related items, documents, status and
/// headings. Words change only the item; a link that resolves cleanly
/// changes only the backlinks of the pages it leaves and reaches. `None`
/// when the edit may reshape the archive, or a new link is broken (the
/// full resolve then reports it); then resolve it whole. This is what
/// keeps a clerk's typing in `quorum serve` from re-resolving ten
/// thousand items.
pub fn patch_item(
    archive: &Archive,
    i: Id,
    old: &Parsed<ItemMatter>,
    new: &Parsed<ItemMatter>,
    withheld: &BTreeMap<String, Withheld>,
) -> Option<Archive> {
    let (o, n) = (&old.matter, &new.matter);
    let item = archive.items.get(i)?;
    let same_links = old.references.len() == new.references.len()
        && old
            .references
            .iter()
            .zip(&new.references)
            .all(|(x, y)| x.target == y.target && x.anchor == y.anchor);
    let same_shape = item.source == new.rel
        && o.topics == n.topics
        && o.presenters == n.presenters
        && o.related == n.related
        && o.documents == n.documents
        && o.status == n.status
        && o.exempt == n.exempt
        && o.recording_at == n.recording_at
        && same_voters(&o.decisions, &n.decisions)
        && o.actions.len() == n.actions.len()
        && o.actions
            .iter()
            .zip(&n.actions)
            .all(|(x, y)| x.owner == y.owner)
        && o.declarations.len() == n.declarations.len()
        && o.declarations
            .iter()
            .zip(&n.declarations)
            .all(|(x, y)| x.member == y.member)
        && item.declarations.len() == n.declarations.len()
        && old.body.anchors == new.body.anchors;
    if !same_shape {
        return None;
    }
    let mut archive = archive.clone();
    if !same_links {
        relink_item(&mut archive, i, old, new, withheld)?;
    }
    set_item_text(Arc::make_mut(&mut archive.items[i]), new);
    Some(archive)
}

/// Moves item `i`'s backlinks from the pages `old`'s body linked to, to
/// those `new`'s does. `None` if a new link does not resolve cleanly.
fn relink_item(
    archive: &mut Archive,
    i: Id,
    old: &Parsed<ItemMatter>,
    new: &Parsed<ItemMatter>,
    withheld: &BTreeMap<String, Withheld>,
) -> Option<()> {
    let committees: HashMap<String, Id> = (archive.committees.iter().enumerate())
        .map(|(c, x)| (x.slug.clone(), c))
        .collect();
    let meetings: HashMap<(String, String), Id> = (archive.meetings.iter().enumerate())
        .map(|(m, x)| {
            (
                (
                    archive.committees[x.committee].slug.clone(),
                    x.folder.clone(),
                ),
                m,
            )
        })
        .collect();
    let by_source = |sources: &mut dyn Iterator<Item = &String>| -> HashMap<String, Id> {
        sources.enumerate().map(|(n, s)| (s.clone(), n)).collect()
    };
    let items = by_source(&mut archive.items.iter().map(|x| &x.source));
    let documents = by_source(&mut archive.documents.iter().map(|x| &x.source));
    let attachments = by_source(&mut archive.attachments.iter().map(|x| &x.source));
    let no_failures = BTreeSet::new();
    let targets = Targets {
        committees: &committees,
        meetings: &meetings,
        items: &items,
        documents: &documents,
        attachments: &attachments,
        withheld,
        failed: &no_failures,
    };
    let pages = |file: &Parsed<ItemMatter>| -> Option<Vec<PageKey>> {
        let mut pages = Vec::new();
        for r in &file.references {
            let page = targets.find(&r.target).ok()?;
            if let (Some(anchor), Some(p)) = (&r.anchor, page)
                && !has_anchor(archive, p, anchor)
            {
                return None;
            }
            pages.extend(page);
        }
        Some(pages)
    };
    let (before, after) = (pages(old)?, pages(new)?);
    let me = PageKey::Item(i);
    let related: Vec<PageKey> = archive.items[i]
        .related
        .iter()
        .map(|&r| PageKey::Item(r))
        .collect();
    for &page in before
        .iter()
        .filter(|p| !after.contains(p) && !related.contains(p))
    {
        referenced_by(archive, page).retain(|&k| k != me);
    }
    for &page in after.iter().filter(|&&p| p != me) {
        let list = referenced_by(archive, page);
        if let Err(at) = list.binary_search(&me) {
            list.insert(at, me);
        }
    }
    let mut refers_to: Vec<PageKey> = after
        .into_iter()
        .chain(related)
        .filter(|&p| p != me)
        .collect();
    refers_to.sort();
    refers_to.dedup();
    Arc::make_mut(&mut archive.items[i]).refers_to = refers_to;
    Some(())
}

/// The pages `page`'s body (and an item's `related:` list) points at.
fn refers_to(a: &mut Archive, page: PageKey) -> &mut Vec<PageKey> {
    match page {
        PageKey::Committee(c) => &mut a.committees[c].refers_to,
        PageKey::Meeting(m) => &mut a.meetings[m].refers_to,
        PageKey::Item(i) => &mut Arc::make_mut(&mut a.items[i]).refers_to,
        PageKey::Document(d) => &mut a.documents[d].refers_to,
    }
}

fn referenced_by(a: &mut Archive, page: PageKey) -> &mut Vec<PageKey> {
    match page {
        PageKey::Committee(c) => &mut a.committees[c].referenced_by,
        PageKey::Meeting(m) => &mut a.meetings[m].referenced_by,
        PageKey::Item(i) => &mut Arc::make_mut(&mut a.items[i]).referenced_by,
        PageKey::Document(d) => &mut a.documents[d].referenced_by,
    }
}

/// Lists are collected with duplicates and deduplicated once, so that a
/// person on thousands of pages costs linear time, not quadratic.
fn dedup_ids(v: &mut Vec<Id>) {
    v.sort_unstable();
    v.dedup();
}

fn sort_order<T>(v: &[T], key: impl Fn(&T) -> String) -> Vec<Id> {
    let mut order: Vec<Id> = (0..v.len()).collect();
    order.sort_by_cached_key(|&i| key(&v[i]));
    order
}

fn reorder<T>(v: Vec<T>, order: &[Id]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = v.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// old id -> new id, for an order listing old ids in their new places.
fn inverse(order: &[Id]) -> Vec<Id> {
    let mut new = vec![0; order.len()];
    for (position, &old) in order.iter().enumerate() {
        new[old] = position;
    }
    new
}

/// Points every reference to a topic or person at its new id.
fn remap(a: &mut Archive, topic_new: &[Id], person_new: &[Id]) {
    for item in &mut a.items {
        // Sole owner here: make_mut never copies during resolve.
        let item = Arc::make_mut(item);
        item.topics.iter_mut().for_each(|t| *t = topic_new[*t]);
        remap_roles(&mut item.presenters, person_new);
        for action in &mut item.actions {
            if let Some(o) = &mut action.owner {
                o.person = person_new[o.person];
            }
        }
        for d in &mut item.decisions {
            remap_votes(&mut d.recorded, person_new);
        }
        for d in &mut item.declarations {
            d.member.person = person_new[d.member.person];
        }
    }
    for c in &mut a.committees {
        remap_roles(&mut c.members, person_new);
    }
    for m in &mut a.meetings {
        if let Some(chair) = &mut m.chair {
            chair.person = person_new[chair.person];
        }
        remap_roles(&mut m.attendees, person_new);
        remap_roles(&mut m.apologies, person_new);
    }
    for d in &mut a.documents {
        if let Some(author) = &mut d.author {
            author.person = person_new[author.person];
        }
    }
}

fn remap_votes(votes: &mut [(PersonRole, Vote)], new: &[Id]) {
    for (r, _) in votes {
        r.person = new[r.person];
    }
}

fn remap_roles(roles: &mut [PersonRole], new: &[Id]) {
    for r in roles {
        r.person = new[r.person];
    }
}

fn meeting_rel_index(archive: &Archive) -> HashMap<String, Id> {
    archive
        .meetings
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((m.source.clone()?, i)))
        .collect()
}

fn orphan(shown: &std::path::Path, owner: &str) -> Diagnostic {
    Diagnostic::error(
        shown,
        format!("supporting file belongs to no agenda item: content/{owner} does not exist"),
    )
    .with_hint(
        "a supporting-documents folder must be named exactly like its item file, without .md",
    )
}

fn title_from_file_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn has_anchor(archive: &Archive, page: PageKey, anchor: &str) -> bool {
    let body = match page {
        PageKey::Committee(i) => &archive.committees[i].remit,
        PageKey::Meeting(i) => &archive.meetings[i].notes,
        PageKey::Item(i) => {
            if ITEM_SECTIONS.contains(&anchor) {
                return true;
            }
            &archive.items[i].minutes
        }
        PageKey::Document(i) => &archive.documents[i].body,
    };
    body.anchors.iter().any(|a| a == anchor)
}

fn anchor_hint(archive: &Archive, page: PageKey) -> String {
    let anchors: Vec<String> = match page {
        PageKey::Committee(i) => archive.committees[i].remit.anchors.clone(),
        PageKey::Meeting(i) => archive.meetings[i].notes.anchors.clone(),
        PageKey::Item(i) => {
            let mut a: Vec<String> = ITEM_SECTIONS.iter().map(|s| s.to_string()).collect();
            a.extend(archive.items[i].minutes.anchors.iter().cloned());
            a
        }
        PageKey::Document(i) => archive.documents[i].body.anchors.clone(),
    };
    if anchors.is_empty() {
        "the target has no headings; link to the page without `#...`".to_owned()
    } else {
        format!(
            "anchors there: {}",
            anchors
                .iter()
                .map(|a| format!("#{a}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The pages of an archive being resolved, with the indexes that find
/// them by path.
#[derive(Default)]
struct Pages {
    committees: Vec<Committee>,
    committee_index: HashMap<String, Id>,
    meetings: Vec<Meeting>,
    meeting_index: HashMap<(String, String), Id>,
    items: Vec<Item>,
    item_index: HashMap<String, Id>,
    documents: Vec<Document>,
    document_index: HashMap<String, Id>,
    attachments: Vec<AttachmentFile>,
    attachment_index: HashMap<String, Id>,
    /// Content path -> URL, for pages not at the URL their path implies.
    moved: HashMap<String, String>,
}

/// Each page's backlinks, and the pages each page points at.
fn link_backlinks(archive: &mut Archive, backlinks: BTreeMap<PageKey, Vec<PageKey>>) {
    for (target, mut sources) in backlinks {
        sources.sort();
        sources.dedup();
        sources.retain(|&s| s != target);
        for &source in &sources {
            refers_to(archive, source).push(target);
        }
        match target {
            PageKey::Committee(i) => archive.committees[i].referenced_by = sources,
            PageKey::Meeting(i) => archive.meetings[i].referenced_by = sources,
            PageKey::Item(i) => Arc::make_mut(&mut archive.items[i]).referenced_by = sources,
            PageKey::Document(i) => archive.documents[i].referenced_by = sources,
        }
    }
}

/// Everything a reference can name, by path under `content/`.
struct Targets<'a> {
    committees: &'a HashMap<String, Id>,
    meetings: &'a HashMap<(String, String), Id>,
    items: &'a HashMap<String, Id>,
    documents: &'a HashMap<String, Id>,
    attachments: &'a HashMap<String, Id>,
    withheld: &'a BTreeMap<String, Withheld>,
    /// Files that failed to load: see [`under_failed`].
    failed: &'a BTreeSet<String>,
}

enum Unresolved {
    Missing(String),
    Withheld(String, Withheld),
    /// The target, or the item or committee it belongs to, failed to load;
    /// that error is reported, and "does not exist" would be false.
    Unloaded,
}

impl Unresolved {
    /// What is wrong and how to fix it; `None` when the problem is reported
    /// elsewhere.
    fn message(&self) -> Option<(String, String)> {
        Some(match self {
            Unresolved::Unloaded => return None,
            Unresolved::Missing(t) => (
                format!("`{t}` does not exist"),
                "references name a file by its path under content/, e.g. committee/2017-12-07/05-item.md".to_owned(),
            ),
            Unresolved::Withheld(t, Withheld::Exempt) => (
                format!("`{t}` is exempt and never published, so the reference is left out"),
                "remove the reference: it tells readers that exempt business exists".to_owned(),
            ),
            Unresolved::Withheld(t, Withheld::Draft) => (
                format!("`{t}` is a draft, left out of this build, and so is the reference"),
                "publish the target (remove `status: draft`), build with --drafts, or remove the reference".to_owned(),
            ),
        })
    }

    fn at_value<M>(&self, file: &Parsed<M>, needle: &str, key: &str) -> Option<Diagnostic> {
        let (msg, hint) = self.message()?;
        let d = file.error_at_value(needle, format!("{key}: {msg}"));
        Some(self.graded(d.with_hint(hint)))
    }

    fn at_link<M>(&self, file: &Parsed<M>, at: &crate::load::Located) -> Option<Diagnostic> {
        let (msg, hint) = self.message()?;
        let d = file.error_at(at, format!("broken link: {msg}"));
        Some(self.graded(d.with_hint(hint)))
    }

    /// A reference to withheld business is left out with a warning, never
    /// an error: an error would keep the last site, which still publishes
    /// what was just withheld, until every reference is edited away.
    fn graded(&self, d: Diagnostic) -> Diagnostic {
        match self {
            Unresolved::Withheld(..) => d.into_warning(),
            _ => d,
        }
    }
}

impl Targets<'_> {
    /// The page a content path names (`None` for an attachment, which is a
    /// file, not a page).
    fn find(&self, target: &str) -> Result<Option<PageKey>, Unresolved> {
        let target = target.trim_start_matches('/');
        if let Some(&w) = self.withheld.get(target) {
            return Err(Unresolved::Withheld(target.to_owned(), w));
        }
        // Only a target not found can lie under a file that failed to
        // load (nothing under one is indexed), so the check is made on
        // that path alone, not for every reference that resolves.
        let missing = || {
            if under_failed(self.failed, target) {
                Unresolved::Unloaded
            } else {
                Unresolved::Missing(target.to_owned())
            }
        };
        match ContentPath::classify(target).map_err(|_| missing())? {
            ContentPath::Committee { committee } => self
                .committees
                .get(&committee)
                .map(|&i| Some(PageKey::Committee(i))),
            ContentPath::Meeting { committee, meeting } => self
                .meetings
                .get(&(committee, meeting))
                .map(|&i| Some(PageKey::Meeting(i))),
            ContentPath::Item { .. } => self.items.get(target).map(|&i| Some(PageKey::Item(i))),
            ContentPath::Document { .. } => self
                .documents
                .get(target)
                .map(|&i| Some(PageKey::Document(i))),
            ContentPath::Attachment { .. } => self.attachments.get(target).map(|_| None),
        }
        .ok_or_else(missing)
    }
}

/// Whether content path `rel` failed to load, or lies under a file that
/// did (its item, or its committee's `_committee.md`): then the failure is
/// the one error to report, not everything that hangs off it.
fn under_failed(failed: &BTreeSet<String>, rel: &str) -> bool {
    if failed.is_empty() {
        return false;
    }
    let committee = rel.split('/').next().unwrap_or(rel);
    failed.contains(rel)
        || failed.contains(&format!("{committee}/_committee.md"))
        || ContentPath::classify(rel)
            .ok()
            .and_then(|p| p.owner_item())
            .is_some_and(|item| failed.contains(&item))
}

/// Finds the agenda item a broken `related:` entry most likely meant:
/// the item at a page address pasted from the site, or the item of the same
/// meeting whose path is closest to it.
struct NearestItem {
    /// Page URL (without the site prefix) -> content path.
    by_url: HashMap<String, String>,
    /// `committee/meeting/` -> content paths of its items.
    by_meeting: HashMap<String, Vec<String>>,
    prefix: String,
}

impl NearestItem {
    fn new(archive: &Archive) -> Self {
        let mut by_url = HashMap::default();
        let mut by_meeting: HashMap<String, Vec<String>> = HashMap::default();
        for item in &archive.items {
            by_url.insert(item.url.clone(), item.source.clone());
            if let Some((folder, _)) = item.source.rsplit_once('/') {
                by_meeting
                    .entry(format!("{folder}/"))
                    .or_default()
                    .push(item.source.clone());
            }
        }
        NearestItem {
            by_url,
            by_meeting,
            prefix: archive.prefix.clone(),
        }
    }

    /// A hint naming the item `target` probably meant, if any.
    fn to(&self, target: &str) -> Option<String> {
        let path = match target.split_once("://") {
            // A whole address: drop the scheme and host.
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => target,
        };
        let path = path.split(['#', '?']).next().unwrap_or(path);
        let path = path
            .strip_prefix(self.prefix.as_str())
            .filter(|_| !self.prefix.is_empty())
            .unwrap_or(path);
        let url = format!("/{}/", path.trim_matches('/'));
        if let Some(source) = self.by_url.get(&url) {
            return Some(format!(
                "that is the page's web address; `related:` names the item's file under content/: `{source}`"
            ));
        }
        let trimmed = path.trim_start_matches('/');
        let (folder, name) = trimmed.rsplit_once('/')?;
        let folder = format!("{folder}/");
        let candidates = self.by_meeting.get(&folder)?;
        // Closeness of the file names alone: the shared folder would make
        // any two paths look alike.
        let names: Vec<&str> = candidates
            .iter()
            .filter_map(|c| c.strip_prefix(folder.as_str()))
            .collect();
        crate::suggest::closest(name, &names).map(|c| format!("did you mean `{folder}{c}`?"))
    }
}

/// How many times a person is named across the archive.
fn person_mentions(p: &Person) -> usize {
    p.memberships.len()
        + p.chaired.len()
        + p.attended.len()
        + p.apologies.len()
        + p.presented.len()
        + p.declarations.len()
        + p.actions.len()
        + p.authored.len()
}

/// Why an attachment named `name`, to be published at `url`, may not be:
/// it would take the place of a page, or run code in readers' browsers as
/// part of the site (a web page, an SVG image, a script), which the
/// cleaning of raw HTML exists to prevent. (message, hint)
fn unpublishable(
    name: &str,
    url: &str,
    page_urls: &HashSet<&str>,
    trusted: bool,
) -> Option<(String, String)> {
    const ACTIVE: [&str; 11] = [
        "html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "js", "mjs", "xml", "xsl",
    ];
    if name == "index.html" || page_urls.contains(format!("{url}/").as_str()) {
        return Some((
            format!("attachment `{name}` would take the place of a page of the site"),
            "rename the file".to_owned(),
        ));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !trusted && extension.is_some_and(|e| ACTIVE.contains(&e.as_str())) {
        return Some((
            format!(
                "attachment `{name}` is a kind of file a browser runs as part of the site, \
                 and could carry code"
            ),
            "attach it as a PDF or a picture (PNG, JPEG), or zip it; if every writer of the \
             archive is trusted, set `trust_html = true` in quorum.toml"
                .to_owned(),
        ));
    }
    None
}

/// A warning pointing at `needle` in the front matter of `rel`, one of
/// `files` (in path order), or at the file alone when it is not found.
fn warning_in<M>(
    files: &[Arc<Parsed<M>>],
    rel: &str,
    needle: &str,
    message: String,
    hint: String,
) -> Diagnostic {
    let d = match files.binary_search_by(|f| f.rel.as_str().cmp(rel)) {
        Ok(i) => files[i].error_at_value(needle, message),
        Err(_) => Diagnostic::error(
            std::path::Path::new(crate::load::CONTENT_DIR).join(rel),
            message,
        ),
    };
    d.with_hint(hint).into_warning()
}
