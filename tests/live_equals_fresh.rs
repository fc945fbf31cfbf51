//! The invariant of `quorum serve`: after any sequence of saves, the live
//! site is the site a fresh `quorum build` of the same files writes, file
//! by file and byte by byte. Edits are generated over the basic fixture
//! and applied through `LiveSite::apply`, as the watcher does (paths of a
//! failed rebuild are retried with the next save, as `serve` does). The
//! live search index answers a fixed set of queries as a fresh one does.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use quorum::build::{self, BuildOptions};
use quorum::search::{SearchIndex, SearchRequest};
use quorum::serve::live::LiveSite;

const ITEM: &str = "content/children/2024-02-01/04-fostering.md";
/// Where a rename moves it.
const RENAMED: &str = "content/children/2024-02-01/04-fostering-and-adoption.md";
/// The fostering item's meeting, whose people's pages count its items.
const MEETING: &str = "content/children/2024-02-01/_meeting.md";
const COMMITTEE: &str = "content/children/_committee.md";

/// What the generated edits change: the fostering item and its folder,
/// items added to its meeting, a meeting's people, a committee's title.
#[derive(Debug, Clone, Default)]
struct Archive {
    item_gone: bool,
    renamed: bool,
    title: u8,
    topics: u8,
    presenter: bool,
    related: bool,
    link: bool,
    draft: bool,
    exempt: bool,
    attachment: bool,
    document: bool,
    added_items: u8,
    meeting_people: u8,
    committee_title: u8,
    decisions: u8,
    reworded: bool,
    actions: u8,
    meeting_time: u8,
    declaration: u8,
}

#[derive(Debug, Clone, Copy)]
enum Edit {
    ToggleItem,
    Rename,
    Retitle,
    Topics,
    Presenter,
    Related,
    Link,
    Draft,
    Exempt,
    Attachment,
    Document,
    AddItem,
    RemoveAddedItem,
    MeetingPeople,
    CommitteeTitle,
    /// One decision, two, none, or one with a recorded vote (the
    /// register's order and pages, the voter's page).
    Decisions,
    /// The same decisions in other words (the register's text).
    Reword,
    /// No action, an overdue one, one done with another owner, or that one
    /// reworded (the actions register, people's pages).
    Actions,
    /// A meeting's time and status (calendars, meeting lists).
    MeetingTime,
    /// No declaration, one, or its kind changed (the register).
    Declaration,
    /// A save with a mistake, fixed by the next save.
    Broken,
}

fn edit() -> impl Strategy<Value = Edit> {
    use Edit::*;
    prop::sample::select(vec![
        ToggleItem,
        Rename,
        Retitle,
        Topics,
        Presenter,
        Related,
        Link,
        Draft,
        Exempt,
        Attachment,
        Document,
        AddItem,
        RemoveAddedItem,
        MeetingPeople,
        CommitteeTitle,
        Decisions,
        Reword,
        Actions,
        MeetingTime,
        Declaration,
        Broken,
    ])
}

impl Archive {
    fn apply(&mut self, edit: Edit) {
        use Edit::*;
        match edit {
            ToggleItem => self.item_gone = !self.item_gone,
            Rename => self.renamed = !self.renamed,
            Retitle => self.title = (self.title + 1) % 3,
            Topics => self.topics = (self.topics + 1) % 3,
            Presenter => self.presenter = !self.presenter,
            Related => self.related = !self.related,
            Link => self.link = !self.link,
            Draft => self.draft = !self.draft,
            Exempt => self.exempt = !self.exempt,
            Attachment => self.attachment = !self.attachment,
            Document => self.document = !self.document,
            AddItem => self.added_items = (self.added_items + 1).min(3),
            RemoveAddedItem => self.added_items = self.added_items.saturating_sub(1),
            MeetingPeople => self.meeting_people = (self.meeting_people + 1) % 3,
            CommitteeTitle => self.committee_title = (self.committee_title + 1) % 2,
            Decisions => self.decisions = (self.decisions + 1) % 4,
            Reword => self.reworded = !self.reworded,
            Actions => self.actions = (self.actions + 1) % 4,
            MeetingTime => self.meeting_time = (self.meeting_time + 1) % 3,
            Declaration => self.declaration = (self.declaration + 1) % 3,
            Broken => {}
        }
    }

    fn item_text(&self) -> String {
        let titles = ["Fostering Update", "Fostering Review", "Placements"];
        let topics = [
            "[Looked after children, Fostering]",
            "[Fostering]",
            "[Budget, LAC]",
        ];
        let mut text = format!(
            "---\ntitle: {}\ntopics: {}\n",
            titles[self.title as usize], topics[self.topics as usize]
        );
        if self.presenter {
            text.push_str("presenters: [{name: Dee Officer, role: Treasurer}, Gil New]\n");
        }
        if self.related {
            text.push_str("related: [finance/2024-01-10/01-budget.md]\n");
        }
        let month = if self.reworded { "July" } else { "June" };
        match self.decisions {
            0 => text.push_str(&format!("decisions: [Officers to report in {month}.]\n")),
            1 => text.push_str(&format!(
                "decisions: [The Committee agreed the plan., Officers to report in {month}.]\n"
            )),
            // A recorded vote, cast otherwise when reworded (people's pages).
            3 => text.push_str(&format!(
                "decisions: [{{text: Officers to report in {month}., recorded: [{{member: Bob Member, vote: {}}}]}}]\n",
                if self.reworded { "against" } else { "for" }
            )),
            _ => {}
        }
        match self.actions {
            1 => text.push_str("actions: [{action: Report on placements, owner: Eve Owner, due: 2024-01-15}]\n"),
            2 => text.push_str("actions: [{action: Report on placements, owner: Gil New, due: 2024-01-15, done: 2024-01-18}]\n"),
            3 => text.push_str("actions: [{action: Report on costs, owner: Gil New, due: 2024-01-15, done: 2024-01-18}]\n"),
            _ => {}
        }
        if self.reworded {
            text.push_str("recording_at: \"00:10:00\"\n");
        }
        match self.declaration {
            1 => text.push_str(
                "declarations: [{member: Bob Member, interest: Foster carer, kind: pecuniary}]\n",
            ),
            2 => text.push_str(
                "declarations: [{member: Bob Member, interest: Foster carer, kind: other}]\n",
            ),
            _ => {}
        }
        if self.draft {
            text.push_str("status: draft\n");
        }
        if self.exempt {
            // The reason shows on the meeting's agenda: a reworded one must
            // redo that page.
            let paragraph = if self.reworded { 1 } else { 3 };
            text.push_str(&format!(
                "exempt: true\nexempt_reason: Paragraph {paragraph} of Schedule 12A\n"
            ));
        }
        text.push_str(
            "---\n\nFostering rose, as the [Finance Committee](@/finance/_committee.md) heard.\n",
        );
        if self.link {
            text.push_str("\nSee [the budget](@/finance/2024-01-10/01-budget.md#overview).\n");
        }
        text
    }

    /// Writes the files as this state has them; returns every path written
    /// or removed.
    fn write(&self, root: &Path) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        // Only what changes is saved, as an editor would: a save of an
        // unchanged committee file would make every edit a full rebuild.
        let mut put = |rel: PathBuf, text: Option<String>| {
            if std::fs::read_to_string(&rel).ok() == text {
                return;
            }
            match text {
                Some(text) => {
                    std::fs::create_dir_all(rel.parent().unwrap()).unwrap();
                    std::fs::write(&rel, text).unwrap();
                }
                None => {
                    let _ = std::fs::remove_file(&rel);
                }
            }
            changed.push(rel);
        };
        for (path, here) in [(ITEM, !self.renamed), (RENAMED, self.renamed)] {
            let folder = root.join(path.trim_end_matches(".md"));
            let present = here && !self.item_gone;
            put(root.join(path), present.then(|| self.item_text()));
            put(
                folder.join("figures.csv"),
                (present && self.attachment).then(|| "year,placements\n2024,31\n".to_owned()),
            );
            put(
                folder.join("paper.md"),
                (present && self.document)
                    .then(|| "---\ntitle: Fostering paper\n---\nThe paper.\n".to_owned()),
            );
            if std::fs::read_dir(&folder).is_ok_and(|mut d| d.next().is_none()) {
                let _ = std::fs::remove_dir(&folder);
            }
        }
        for n in 0..3u8 {
            put(
                root.join(format!("content/children/2024-02-01/{:02}-added-{n}.md", n + 5)),
                (n < self.added_items).then(|| {
                    format!("---\ntitle: Added {n}\npresenters: [Hal Added]\ntopics: [Fostering]\ndecisions: [Added decision {n}.]\n---\nAdded item {n}.\n")
                }),
            );
        }
        let people = [
            "[Ann Chair, Bob Member]",
            "[Ann Chair]",
            "[Bob Member, Ivy New]",
        ];
        let times = [
            "",
            "time: \"10:00\"\nvenue: Room B\nrecording: {url: \"https://x.org/a.mp4\"}\n",
            "time: 6pm-8pm\nstatus: agenda\nsession: Part II\n",
        ];
        put(
            root.join(MEETING),
            Some(format!(
                "---\nchair: Ann Chair\nattendees: {}\napologies: [Cat Absent]\n{}---\n\nThe meeting opened on time.\n",
                people[self.meeting_people as usize], times[self.meeting_time as usize]
            )),
        );
        let titles = ["Children's Committee", "Children and Families Committee"];
        put(
            root.join(COMMITTEE),
            Some(format!(
                // Members: the committee's attendance table counts them.
                "---\ntitle: {}\nmembers: [Ann Chair, Bob Member]\n---\n",
                titles[self.committee_title as usize]
            )),
        );
        changed
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // Two halves of the 512 sequences, so that the two cores share them.
    #[test]
    fn live_rebuilds_equal_fresh_builds_first_half(edits in prop::collection::vec(edit(), 1..6)) {
        check_sequence(edits)?;
    }

    #[test]
    fn live_rebuilds_equal_fresh_builds_second_half(edits in prop::collection::vec(edit(), 1..6)) {
        check_sequence(edits)?;
    }
}

/// Applies `edits` one by one through the live path, comparing the live
/// site and index with a fresh build after each.
fn check_sequence(edits: Vec<Edit>) -> Result<(), TestCaseError> {
    let dir = common::fixture("basic");
    let root = dir.path();
    let mut state = Archive::default();
    state.write(root);
    // Between the fixture's meetings: the children's meeting is upcoming,
    // and an action due on 15 January overdue.
    let mut options = BuildOptions::new(root);
    // As `quorum serve` builds (a live site answers its own searches).
    options.answers_search = true;
    options.today = common::on("2024-01-20");
    let mut live = LiveSite::build(options.clone()).expect("the fixture builds");
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh = options;
    fresh.output = Some(fresh_dir.path().join("site"));
    fresh.index = Some(fresh_dir.path().join("index"));
    let mut pending: Vec<PathBuf> = Vec::new();
    for edit in edits {
        let mut changed = if let Edit::Broken = edit {
            std::fs::write(root.join(ITEM), "---\ntitle: [unclosed\n---\n").unwrap();
            vec![root.join(ITEM)]
        } else {
            state.apply(edit);
            state.write(root)
        };
        changed.append(&mut pending);
        let applied = live.apply(&changed);
        let built = build::build(&fresh);
        prop_assert_eq!(applied.is_ok(), built.is_ok(), "after {:?}", edit);
        if applied.is_err() {
            pending = changed;
            continue;
        }
        let fresh_site = fresh_dir.path().join("site");
        let difference = common::site_difference(&live.output_dir(), &fresh_site);
        prop_assert!(
            difference.is_none(),
            "after {:?}: {}",
            edit,
            difference.unwrap_or_default()
        );
        let answers = search_difference(&live.index_dir(), &fresh_dir.path().join("index"));
        prop_assert!(
            answers.is_none(),
            "after {:?}: {}",
            edit,
            answers.unwrap_or_default()
        );
    }
    Ok(())
}

/// Queries over everything the edits change: words of the edited item, of
/// added items and documents, the meeting's notes, and filters by topic,
/// person, committee and kind.
fn queries() -> Vec<SearchRequest> {
    let words = [
        "fostering",
        "placements",
        "budget",
        "added item",
        "paper",
        "opened on time",
    ];
    let mut queries: Vec<SearchRequest> = words
        .iter()
        .map(|q| SearchRequest {
            query: (*q).to_owned(),
            limit: 100,
            ..SearchRequest::default()
        })
        .collect();
    let filtered = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = SearchRequest {
            query: "committee".to_owned(),
            limit: 100,
            ..SearchRequest::default()
        };
        f(&mut r);
        r
    };
    queries.push(filtered(&|r| r.topic = Some("Fostering".into())));
    queries.push(filtered(&|r| r.person = Some("Dee Officer".into())));
    queries.push(filtered(&|r| r.committee = Some("children".into())));
    queries.push(filtered(&|r| r.kind = Some("document".into())));
    queries
}

/// How the live index's answers differ from a fresh one's, if they do:
/// totals, facets, corrections and hits, except scores (a live index still
/// counts deleted documents in its statistics until segments merge).
fn search_difference(live: &Path, fresh: &Path) -> Option<String> {
    let (live, fresh) = (
        SearchIndex::open(live).expect("live index"),
        SearchIndex::open(fresh).expect("fresh index"),
    );
    for q in queries() {
        let answer = |index: &SearchIndex| match index.search(&q) {
            Ok(mut r) => {
                r.hits.iter_mut().for_each(|h| h.score = 0.0);
                r.hits.sort_by(|a, b| a.url.cmp(&b.url));
                format!("{r:#?}")
            }
            Err(e) => format!("error: {e}"),
        };
        let (l, f) = (answer(&live), answer(&fresh));
        if l != f {
            return Some(format!(
                "{q:?} answers differently:\n--- live\n{l}\n--- fresh\n{f}"
            ));
        }
    }
    None
}
