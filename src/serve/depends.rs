//! What an edit affects, worked out from what each page read.
//!
//! Every file of the site and every search document records the entities
//! it read ([`crate::reads`]). Here those reads are kept in a form that
//! outlives the archive they were made in: an entity is named by what
//! identifies it whatever else changes (an item by its file, a person by
//! their slug), not by its place in the archive's vectors, which moves
//! when an item is added. Each entity's parts are fingerprinted; after an
//! edit, an entity whose fingerprint differs has changed, and the files to
//! redo are those that read it, plus those that appear.
//!
//! A fingerprint names other entities by their identities too, so that a
//! list of items changes only when its items do. Each fingerprint takes a
//! struct apart field by field, with no `..`: a field added to the model
//! does not compile until it is fingerprinted.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::load::body::Body;
use crate::model::*;
use crate::reads::*;
use crate::render::{self, PageJob, Theme};
use crate::search::index::DocKey;

/// An entity's part, by identity: what a recorded read becomes.
pub type Stable = (u64, Part);

/// The identities of an archive's entities, by index.
#[derive(Debug, Default)]
pub struct Keys {
    committees: Vec<u64>,
    meetings: Vec<u64>,
    items: Vec<u64>,
    documents: Vec<u64>,
    attachments: Vec<u64>,
    topics: Vec<u64>,
    people: Vec<u64>,
}

fn identity(kind: &str, name: &str) -> u64 {
    let mut h = FxHasher::default();
    kind.hash(&mut h);
    name.hash(&mut h);
    h.finish()
}

fn list_identity(list: List) -> u64 {
    identity("list", &format!("{list:?}"))
}

/// A year of a decisions register, by its committee's identity (`None`:
/// the register of all committees).
fn decision_year_identity(committee: Option<u64>, year: i32) -> u64 {
    let mut h = FxHasher::default();
    "decision-year".hash(&mut h);
    (committee, year).hash(&mut h);
    h.finish()
}

impl Keys {
    pub fn of(a: &Archive) -> Keys {
        fn each<T: Sync>(v: &[T], kind: &str, name: impl Fn(&T) -> &str + Sync) -> Vec<u64> {
            v.par_iter().map(|x| identity(kind, name(x))).collect()
        }
        Keys {
            committees: each(&a.committees, "committee", |c| &c.slug),
            meetings: each(&a.meetings, "meeting", |m| &m.url),
            items: each(&a.items, "item", |i| &i.source),
            documents: each(&a.documents, "document", |d| &d.source),
            attachments: each(&a.attachments, "attachment", |f| &f.source),
            topics: each(&a.topics, "topic", |t| &t.slug),
            people: each(&a.people, "person", |p| &p.slug),
        }
    }

    /// A read made in the archive these keys are of, by identity.
    pub fn stable(&self, read: Read) -> Stable {
        match read {
            Read::Committee(c, part) => (self.committees[c], part),
            Read::Meeting(m, part) => (self.meetings[m], part),
            Read::Item(i, part) => (self.items[i], part),
            Read::Document(d, part) => (self.documents[d], part),
            Read::Attachment(f) => (self.attachments[f], Part::Whole),
            Read::Topic(t, part) => (self.topics[t], part),
            Read::Person(p, part) => (self.people[p], part),
            Read::DecisionYear(c, year) => (
                decision_year_identity(c.map(|c| self.committees[c]), year),
                Part::Whole,
            ),
            Read::List(list) => (list_identity(list), Part::Whole),
        }
    }

    pub fn page(&self, key: PageKey) -> u64 {
        match key {
            PageKey::Committee(c) => self.committees[c],
            PageKey::Meeting(m) => self.meetings[m],
            PageKey::Item(i) => self.items[i],
            PageKey::Document(d) => self.documents[d],
        }
    }
}

/// Fingerprints of every entity's parts and of every list.
pub type Prints = FxHashMap<Stable, u64>;

/// Fingerprints every entity of `a`, whose files are `jobs`.
pub fn prints(a: &Archive, keys: &Keys, jobs: &[(PageJob, String)]) -> Prints {
    let mut prints: Prints = FxHashMap::default();
    prints.extend(both(&a.committees, &keys.committees, keys));
    prints.extend(both(&a.meetings, &keys.meetings, keys));
    prints.extend(both(&a.items, &keys.items, keys));
    prints.extend(both(&a.documents, &keys.documents, keys));
    prints.extend(both(&a.topics, &keys.topics, keys));
    prints.extend(both(&a.people, &keys.people, keys));
    prints.extend(members(&a.committees, &keys.committees, keys, |c| {
        (|k| &k.meetings, &c.meetings)
    }));
    prints.extend(members(&a.meetings, &keys.meetings, keys, |m| {
        (|k| &k.items, &m.items)
    }));
    prints.extend(members(&a.topics, &keys.topics, keys, |t| {
        (|k| &k.items, &t.items)
    }));
    let attachments: Vec<(Stable, u64)> = a
        .attachments
        .par_iter()
        .zip(&keys.attachments)
        .map(|(file, &k)| ((k, Part::Whole), Print::of(keys, |f| f.attachment(file))))
        .collect();
    prints.extend(attachments);
    let (lists, decision_years) = lists(a, keys, jobs);
    for (list, print) in lists {
        prints.insert((list_identity(list), Part::Whole), print);
    }
    for (year, print) in decision_years {
        prints.insert((year, Part::Whole), print);
    }
    prints
}

/// The headline's and the whole entity's fingerprints of each of `v`.
fn both<T: Sync + Fingerprinted>(v: &[T], ids: &[u64], keys: &Keys) -> Vec<(Stable, u64)> {
    v.par_iter()
        .zip(ids)
        .flat_map_iter(|(x, &k)| {
            [
                ((k, Part::Headline), Print::of(keys, |f| x.headline(f))),
                ((k, Part::Whole), Print::of(keys, |f| x.whole(f))),
            ]
        })
        .collect()
}

/// The members' fingerprint of each of `v`: which entities `held` says
/// it holds (and of which kind, by their keys), in order.
fn members<T: Sync>(
    v: &[T],
    ids: &[u64],
    keys: &Keys,
    held: impl Fn(&T) -> (fn(&Keys) -> &[u64], &[Id]) + Sync,
) -> Vec<(Stable, u64)> {
    v.par_iter()
        .zip(ids)
        .map(|(x, &k)| {
            let (kind, members) = held(x);
            (
                (k, Part::Members),
                Print::of(keys, |f| f.ids(kind, members)),
            )
        })
        .collect()
}

/// The fingerprint of each list of the whole archive.
type ListPrints = [(List, u64); 10];

/// The lists' fingerprints, and each decisions register year's (by
/// identity).
fn lists(a: &Archive, keys: &Keys, jobs: &[(PageJob, String)]) -> (ListPrints, Vec<(u64, u64)>) {
    let ids = |v: &[u64], order: &mut dyn Iterator<Item = Id>| {
        let mut h = FxHasher::default();
        order.for_each(|i| h.write_u64(v[i]));
        h.finish()
    };
    let mut items: Vec<Id> = (0..a.items.len()).collect();
    a.sort_items_newest_first(&mut items);
    // The registers: the order of all decisions (the feed), how many each
    // committee has in each year (the registers' indexes), and the order of
    // each year of each register.
    let mut decisions = FxHasher::default();
    let mut years: FxHashMap<(Option<u64>, i32), FxHasher> = FxHashMap::default();
    for &i in &items {
        let item = &a.items[i];
        if !item.decisions.is_empty() {
            let entry = (keys.items[i], item.decisions.len());
            entry.hash(&mut decisions);
            let year = a.item_year(i);
            entry.hash(years.entry((None, year)).or_default());
            let committee = Some(keys.committees[item.committee]);
            entry.hash(years.entry((committee, year)).or_default());
        }
    }
    // The actions register's order is a function of each action's status
    // and dates and of the items' order: a fingerprint of those is one of it.
    let mut actions = FxHasher::default();
    for &i in &items {
        let item = &a.items[i];
        if !item.actions.is_empty() {
            keys.items[i].hash(&mut actions);
            for action in &item.actions {
                (action.status, action.due, action.done).hash(&mut actions);
            }
        }
    }
    let mut declarations = FxHasher::default();
    for (p, i, k) in crate::reads::declarations_by_member(a) {
        (keys.people[p], keys.items[i], k).hash(&mut declarations);
    }
    let mut counts = FxHasher::default();
    for ((c, year), n) in crate::reads::decision_counts(a) {
        (keys.committees[c], year, n).hash(&mut counts);
    }
    let years = years
        .into_iter()
        .map(|((c, year), h)| (decision_year_identity(c, year), h.finish()));
    let mut pages = FxHasher::default();
    jobs.iter().for_each(|(_, path)| path.hash(&mut pages));
    let lists = [
        (List::Decisions, decisions.finish()),
        (List::DecisionYears, counts.finish()),
        (List::Actions, actions.finish()),
        (List::Declarations, declarations.finish()),
        (
            List::Committees,
            ids(&keys.committees, &mut (0..a.committees.len())),
        ),
        (
            List::Meetings,
            ids(&keys.meetings, &mut a.meetings_newest_first.iter().copied()),
        ),
        (List::Items, ids(&keys.items, &mut items.iter().copied())),
        (List::Topics, ids(&keys.topics, &mut (0..a.topics.len()))),
        (List::People, ids(&keys.people, &mut (0..a.people.len()))),
        (List::Pages, pages.finish()),
    ];
    (lists, years.collect())
}

/// A fingerprint being taken: a hasher that names entities by identity.
pub struct Print<'k> {
    keys: &'k Keys,
    h: FxHasher,
}

impl<'k> Print<'k> {
    fn of(keys: &'k Keys, take: impl FnOnce(&mut Print<'k>)) -> u64 {
        let mut print = Print {
            keys,
            h: FxHasher::default(),
        };
        take(&mut print);
        print.h.finish()
    }

    fn value(&mut self, v: impl Hash) {
        v.hash(&mut self.h);
    }

    fn ids(&mut self, of: fn(&Keys) -> &[u64], ids: &[Id]) {
        self.h.write_usize(ids.len());
        for &i in ids {
            self.h.write_u64(of(self.keys)[i]);
        }
    }

    fn id(&mut self, of: fn(&Keys) -> &[u64], id: Id) {
        self.h.write_u64(of(self.keys)[id]);
    }

    fn opt_id(&mut self, of: fn(&Keys) -> &[u64], id: Option<Id>) {
        self.ids(of, id.as_slice());
    }

    fn person_role(&mut self, p: &PersonRole) {
        let PersonRole { person, role } = p;
        self.id(|k| &k.people, *person);
        self.value(role);
    }

    fn people(&mut self, ps: &[PersonRole]) {
        self.value(ps.len());
        ps.iter().for_each(|p| self.person_role(p));
    }

    fn actions(&mut self, actions: &[Action]) {
        self.value(actions.len());
        for Action {
            action,
            owner,
            due,
            status,
            done,
        } in actions
        {
            self.value((action, due, status, done));
            self.people(owner.as_slice());
        }
    }

    fn decisions(&mut self, decisions: &[Decision]) {
        self.value(decisions.len());
        for Decision {
            text,
            votes,
            recorded,
        } in decisions
        {
            self.value((text, votes, recorded.len()));
            for (voter, vote) in recorded {
                self.person_role(voter);
                self.value(vote);
            }
        }
    }

    fn declarations(&mut self, declarations: &[Declaration]) {
        self.value(declarations.len());
        for Declaration {
            member,
            interest,
            kind,
        } in declarations
        {
            self.person_role(member);
            self.value((interest, kind));
        }
    }

    fn pages(&mut self, pages: &[PageKey]) {
        self.value(pages.len());
        for &p in pages {
            let kind = std::mem::discriminant(&p);
            kind.hash(&mut self.h);
            self.h.write_u64(self.keys.page(p));
        }
    }

    fn body(&mut self, b: &Body) {
        let Body {
            source,
            offset,
            fingerprint,
            top_level,
            anchors,
        } = b;
        self.value((source, offset, fingerprint, top_level, anchors));
    }

    fn extra(&mut self, extra: &crate::load::schema::Extra) {
        if !extra.is_empty() {
            self.value(serde_json::to_string(extra).unwrap_or_default());
        }
    }

    fn attachment(&mut self, file: &AttachmentFile) {
        let AttachmentFile {
            item,
            source,
            file,
            url,
            name,
            title,
            bytes,
            text,
        } = file;
        self.id(|k| &k.items, *item);
        self.value((source, file, url, name, title, bytes));
        // Its words change only with its bytes, which an edit of the file
        // marks as changed (see `edited_attachments`): what is printed
        // here is whether they were read, and their shape.
        if let Some(text) = text {
            let lengths: Vec<usize> = text.pages.iter().map(String::len).collect();
            self.value((&text.title, lengths, &text.problem));
        }
    }
}

/// An entity with a headline and a whole to fingerprint.
trait Fingerprinted {
    fn headline(&self, f: &mut Print);
    fn whole(&self, f: &mut Print);
}

impl Fingerprinted for Committee {
    fn headline(&self, f: &mut Print) {
        let CommitteeHeadline {
            slug,
            url,
            title,
            short,
            authority,
        } = CommitteeHeadline::of(self);
        f.value((slug, url, title, short, authority));
    }

    fn whole(&self, f: &mut Print) {
        let Committee {
            modified,
            slug,
            source,
            url,
            title,
            short,
            authority,
            members,
            remit,
            meetings,
            referenced_by,
            refers_to,
            extra,
        } = self;
        f.value((slug, source, url, title, short, authority, modified));
        f.people(members);
        f.body(remit);
        f.ids(|k| &k.meetings, meetings);
        f.pages(referenced_by);
        f.pages(refers_to);
        f.extra(extra);
    }
}

impl Fingerprinted for Meeting {
    fn headline(&self, f: &mut Print) {
        let MeetingHeadline {
            committee,
            folder,
            date,
            url,
            status,
            label,
            recording,
        } = MeetingHeadline::of(self);
        f.id(|k| &k.committees, committee);
        f.value((folder, date, url, status, label, recording));
    }

    fn whole(&self, f: &mut Print) {
        let Meeting {
            modified,
            committee,
            folder,
            date,
            source,
            url,
            time,
            venue,
            chair,
            attendees,
            apologies,
            status,
            label,
            recording,
            notes,
            items,
            exempt,
            previous,
            next,
            referenced_by,
            refers_to,
            extra,
        } = self;
        f.id(|k| &k.committees, *committee);
        f.value((
            folder, date, source, url, time, venue, status, label, recording, modified,
        ));
        f.people(chair.as_slice());
        f.people(attendees);
        f.people(apologies);
        f.body(notes);
        f.ids(|k| &k.items, items);
        f.value(exempt);
        f.opt_id(|k| &k.meetings, *previous);
        f.opt_id(|k| &k.meetings, *next);
        f.pages(referenced_by);
        f.pages(refers_to);
        f.extra(extra);
    }
}

impl Fingerprinted for std::sync::Arc<Item> {
    fn headline(&self, f: &mut Print) {
        let ItemHeadline {
            committee,
            meeting,
            url,
            number,
            order,
            title,
            purpose,
            topics,
            presenters,
            decisions,
            actions,
            declarations,
            draft,
        } = ItemHeadline::of(self);
        f.id(|k| &k.committees, committee);
        f.id(|k| &k.meetings, meeting);
        f.value((url, number, order, title, purpose, draft));
        f.decisions(decisions);
        f.ids(|k| &k.topics, topics);
        f.people(presenters);
        f.actions(actions);
        f.declarations(declarations);
    }

    fn whole(&self, f: &mut Print) {
        let Item {
            modified,
            committee,
            meeting,
            source,
            url,
            number,
            order,
            slug,
            title,
            purpose,
            presenters,
            topics,
            decisions,
            actions,
            declarations,
            related,
            supporting,
            draft,
            recording_at,
            minutes,
            previous,
            next,
            referenced_by,
            refers_to,
            extra,
        } = &**self;
        f.id(|k| &k.committees, *committee);
        f.id(|k| &k.meetings, *meeting);
        f.value(modified);
        f.value((
            source,
            url,
            number,
            order,
            slug,
            title,
            purpose,
            draft,
            recording_at,
        ));
        f.decisions(decisions);
        f.people(presenters);
        f.ids(|k| &k.topics, topics);
        f.value(actions.len());
        f.actions(actions);
        f.value(declarations.len());
        f.declarations(declarations);
        f.ids(|k| &k.items, related);
        f.value(supporting.len());
        for s in supporting {
            match *s {
                Supporting::Document(d) => f.id(|k| &k.documents, d),
                Supporting::Attachment(a) => f.id(|k| &k.attachments, a),
            }
        }
        f.body(minutes);
        f.opt_id(|k| &k.items, *previous);
        f.opt_id(|k| &k.items, *next);
        f.pages(referenced_by);
        f.pages(refers_to);
        f.extra(extra);
    }
}

impl Fingerprinted for Document {
    fn headline(&self, f: &mut Print) {
        let DocumentHeadline {
            item,
            url,
            title,
            kind,
        } = DocumentHeadline::of(self);
        f.id(|k| &k.items, item);
        f.value((url, title, kind));
    }

    fn whole(&self, f: &mut Print) {
        let Document {
            modified,
            item,
            source,
            url,
            slug,
            title,
            date,
            author,
            kind,
            body,
            referenced_by,
            refers_to,
            extra,
        } = self;
        f.id(|k| &k.items, *item);
        f.value((source, url, slug, title, date, kind, modified));
        f.people(author.as_slice());
        f.body(body);
        f.pages(referenced_by);
        f.pages(refers_to);
        f.extra(extra);
    }
}

impl Fingerprinted for Topic {
    fn headline(&self, f: &mut Print) {
        let TopicHeadline {
            slug,
            url,
            name,
            aliases,
        } = TopicHeadline::of(self);
        f.value((slug, url, name, aliases));
    }

    fn whole(&self, f: &mut Print) {
        let Topic {
            slug,
            name,
            aliases,
            url,
            items,
            committees,
        } = self;
        f.value((slug, name, aliases, url));
        f.ids(|k| &k.items, items);
        f.value(committees.len());
        for &(c, count) in committees {
            f.id(|k| &k.committees, c);
            f.value(count);
        }
    }
}

impl Fingerprinted for Person {
    fn headline(&self, f: &mut Print) {
        let PersonHeadline {
            slug,
            url,
            name,
            roles,
        } = PersonHeadline::of(self);
        f.value((slug, url, name, roles));
    }

    fn whole(&self, f: &mut Print) {
        let Person {
            slug,
            name,
            url,
            roles,
            memberships,
            presented,
            chaired,
            attended,
            apologies,
            declarations,
            actions,
            votes,
            authored,
        } = self;
        f.value((slug, name, url, roles));
        f.ids(|k| &k.committees, memberships);
        f.ids(|k| &k.items, presented);
        f.ids(|k| &k.meetings, chaired);
        f.ids(|k| &k.meetings, attended);
        f.ids(|k| &k.meetings, apologies);
        for list in [declarations, actions, votes] {
            f.value(list.len());
            for &(item, n) in list {
                f.id(|k| &k.items, item);
                f.value(n);
            }
        }
        f.ids(|k| &k.documents, authored);
    }
}

/// What every file of the live site and every search document read, by
/// identity, with the fingerprints of the archive they were made from.
#[derive(Debug, Default)]
pub struct Dependencies {
    prints: Prints,
    /// Site path -> what the file read.
    files: FxHashMap<String, Box<[Stable]>>,
    /// Search document's URL -> what it read.
    documents: FxHashMap<String, Box<[Stable]>>,
}

/// What an edit changed: the archive after it, and which of its
/// entities' parts differ from before.
pub struct Changes {
    pub keys: Keys,
    prints: Prints,
    changed: FxHashSet<Stable>,
    /// Every job of the new archive, with its site path.
    pub jobs: Vec<(PageJob, String)>,
}

impl Changes {
    fn touches(&self, reads: &[Stable]) -> bool {
        reads.iter().any(|r| self.changed.contains(r))
    }
}

impl Dependencies {
    /// What a full build of `a` recorded: its files' reads (by site path)
    /// and its search documents' (by URL).
    pub fn new(
        a: &Archive,
        theme: &Theme,
        files: Vec<(String, Vec<Read>)>,
        documents: Vec<(String, Vec<Read>)>,
    ) -> Dependencies {
        let keys = Keys::of(a);
        let mut deps = Dependencies {
            prints: prints(a, &keys, &render::page_paths(a, theme)),
            ..Dependencies::default()
        };
        deps.record_files(&keys, files, &[]);
        deps.record_documents(&keys, documents, &[]);
        deps
    }

    /// What changed from the recorded archive to `new`, given the content
    /// files (paths under `content/`) that were edited.
    pub fn changes(&self, new: &Archive, theme: &Theme, edited: &[String]) -> Changes {
        let keys = Keys::of(new);
        let jobs = render::page_paths(new, theme);
        let prints = prints(new, &keys, &jobs);
        let mut changed: FxHashSet<Stable> = prints
            .iter()
            .filter(|(k, v)| self.prints.get(k) != Some(v))
            .map(|(k, _)| *k)
            .collect();
        changed.extend(self.prints.keys().filter(|k| !prints.contains_key(k)));
        for source in edited_attachments(new, edited) {
            changed.insert((identity("attachment", source), Part::Whole));
        }
        Changes {
            keys,
            prints,
            changed,
            jobs,
        }
    }

    /// The files to make again after `changes` (those that read something
    /// that changed, and new ones), and the site paths of files now gone.
    pub fn affected_files(&self, changes: &Changes) -> (Vec<PageJob>, Vec<String>) {
        let redo = changes
            .jobs
            .par_iter()
            .filter(|(_, path)| {
                self.files
                    .get(path)
                    .is_none_or(|reads| changes.touches(reads))
            })
            .map(|&(job, _)| job)
            .collect();
        let now: FxHashSet<&str> = changes.jobs.iter().map(|(_, p)| p.as_str()).collect();
        let gone = self
            .files
            .keys()
            .filter(|p| !now.contains(p.as_str()))
            .cloned()
            .collect();
        (redo, gone)
    }

    /// The search documents to make again after `changes` (of the pages
    /// `keys`, by URL), and the URLs of documents now gone.
    pub fn affected_documents(
        &self,
        changes: &Changes,
        pages: &[(DocKey, String)],
    ) -> (Vec<DocKey>, Vec<String>) {
        let redo = pages
            .par_iter()
            .filter(|(_, url)| {
                self.documents
                    .get(url)
                    .is_none_or(|reads| changes.touches(reads))
            })
            .map(|&(key, _)| key)
            .collect();
        let now: FxHashSet<&str> = pages.iter().map(|(_, u)| u.as_str()).collect();
        let gone = self
            .documents
            .keys()
            .filter(|u| !now.contains(u.as_str()))
            .cloned()
            .collect();
        (redo, gone)
    }

    /// Takes on the archive `changes` describes, with what its remade
    /// files and documents read, and forgets those that are gone.
    pub fn update(
        &mut self,
        changes: Changes,
        files: (Vec<(String, Vec<Read>)>, &[String]),
        documents: (Vec<(String, Vec<Read>)>, &[String]),
    ) {
        self.record_files(&changes.keys, files.0, files.1);
        self.record_documents(&changes.keys, documents.0, documents.1);
        self.prints = changes.prints;
    }

    fn record_files(&mut self, keys: &Keys, reads: Vec<(String, Vec<Read>)>, gone: &[String]) {
        record(&mut self.files, keys, reads, gone);
    }

    fn record_documents(&mut self, keys: &Keys, reads: Vec<(String, Vec<Read>)>, gone: &[String]) {
        record(&mut self.documents, keys, reads, gone);
    }
}

fn record(
    into: &mut FxHashMap<String, Box<[Stable]>>,
    keys: &Keys,
    reads: Vec<(String, Vec<Read>)>,
    gone: &[String],
) {
    for path in gone {
        into.remove(path);
    }
    for (path, reads) in reads {
        let stable: Box<[Stable]> = reads.into_iter().map(|r| keys.stable(r)).collect();
        into.insert(path, stable);
    }
}

/// The identities of the attachments among the files `edited`: their bytes
/// are not fingerprinted (reading every attachment after each edit would
/// cost more than copying one), so an edit of one counts as a change. The
/// other entities' fingerprints cover their files' text.
fn edited_attachments<'a>(a: &'a Archive, edited: &[String]) -> Vec<&'a str> {
    let edited: FxHashSet<&str> = edited.iter().map(String::as_str).collect();
    a.attachments
        .iter()
        .filter(|f| edited.contains(f.source.as_str()))
        .map(|f| f.source.as_str())
        .collect()
}
