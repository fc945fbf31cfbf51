//! Page contexts: the documented data each template receives.
//!
//! Every page gets `site`, `page` and `breadcrumbs`; the rest depends on
//! the template (see each `*Page` struct). Optional values are always
//! present (as `none`), so templates can test them without tripping Tera's
//! strict handling of undefined names. URLs include the site's prefix.

use serde::Serialize;

pub use crate::dates::DateView;
use crate::load::schema::Extra;
use crate::search::Sort;

/// Settings every template can read.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub base_url: Option<String>,
    pub language: String,
    /// URL of the home page ("/" or "/prefix/").
    pub home: String,
    /// Prefix to put before a root-relative path, e.g. for static assets.
    pub prefix: String,
    pub feed: String,
    /// Where search forms and links go: the site's own search page, or
    /// `[search] server`'s when the site is plain files searched elsewhere.
    pub search: String,
    /// The host of that search server, when there is one ("" otherwise).
    pub search_elsewhere: String,
    /// Whether the site has a static search bundle (Pagefind) that its
    /// search page uses when no server answers.
    pub static_search: bool,
    pub extra: serde_json::Value,
}

/// What every page says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub url: String,
    /// Which template kind: "home", "committee", "meeting", "item", ...
    pub kind: &'static str,
    pub description: Option<String>,
    /// Feed for this page's subject, if it has one.
    pub feed: Option<String>,
    /// Absolute URL, when `base_url` is set.
    pub canonical: Option<String>,
    /// The page's JSON twin, for a record page.
    pub data: Option<String>,
    /// Site path without the prefix: where the page is written.
    #[serde(skip)]
    pub path: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    pub role: Option<String>,
    pub url: String,
}

/// An item in a list (topic timeline, person page, related items).
#[derive(Debug, Clone, Serialize)]
pub struct ItemSummary {
    pub title: String,
    pub url: String,
    pub number: String,
    pub date: DateView,
    pub committee: Link,
    pub meeting: Link,
    pub purpose: Option<String>,
    pub topics: Vec<Link>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingSummary {
    /// "7 December 2017"
    pub title: String,
    pub url: String,
    pub date: DateView,
    pub committee: Link,
    pub item_count: usize,
    pub status: &'static str,
    /// Dated after the build date.
    pub upcoming: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitteeSummary {
    pub title: String,
    pub short: Option<String>,
    pub url: String,
    pub authority: Option<String>,
    pub meeting_count: usize,
    /// The latest meeting held (on or before the build date).
    pub latest: Option<DateView>,
    /// The next meeting after the build date.
    pub next: Option<DateView>,
}

/// A line of an attendance table: a member at a committee.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRow {
    /// The member (on a committee's page) or the committee (on a person's).
    pub who: Link,
    pub attended: usize,
    pub apologies: usize,
    pub absent: usize,
    /// Meetings counted: held by the build date, with attendance recorded.
    pub could: usize,
    /// `attended` of `could`, in whole per cent.
    pub percent: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountedLink {
    pub title: String,
    pub url: String,
    pub count: usize,
}

/// A page that links here, for "referenced by" lists.
#[derive(Debug, Clone, Serialize)]
pub struct RefView {
    pub title: String,
    pub url: String,
    /// "agenda item", "meeting", "committee", "document"
    pub kind: &'static str,
    /// Where it sits, e.g. "Resilient Communities ..., 7 December 2017".
    pub context: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group<T> {
    /// The heading of the group (a year).
    pub label: String,
    pub entries: Vec<T>,
}

/// Links to the other pages of a paginated list: the first and last
/// pages and those near the current one, so a page's size does not grow
/// with the list's length.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// 1-based, like `total` and the page numbers.
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    /// Pages between this one and the one listed before it are left out.
    pub gap_before: bool,
}

/// Pages listed on each side of the current one.
pub const PAGER_NEIGHBOURS: usize = 3;

impl Pager {
    /// The pager of page `current` of `total` (both 1-based), where page
    /// `n` is at `url(n)`.
    pub fn new(current: usize, total: usize, url: impl Fn(usize) -> String) -> Pager {
        let near = current.saturating_sub(PAGER_NEIGHBOURS).max(1)
            ..=(current + PAGER_NEIGHBOURS).min(total);
        // In order: 1, then the pages near the current one, then the last.
        let mut numbers: Vec<usize> = Vec::with_capacity(2 * PAGER_NEIGHBOURS + 3);
        numbers.push(1);
        numbers.extend(near);
        numbers.push(total.max(1));
        numbers.dedup();
        let pages = numbers
            .iter()
            .enumerate()
            .map(|(i, &number)| PageLink {
                number,
                url: url(number),
                gap_before: i > 0 && number > numbers[i - 1] + 1,
            })
            .collect();
        Pager {
            current,
            total,
            previous: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            pages,
        }
    }
}

/// `index.html`
#[derive(Debug, Serialize)]
pub struct HomePage {
    /// Meetings after the build date, soonest first.
    pub upcoming_meetings: Vec<MeetingSummary>,
    /// Meetings held, newest first.
    pub latest_meetings: Vec<MeetingSummary>,
    pub calendar_url: String,
    pub committees: Vec<CommitteeSummary>,
    pub topics: Vec<CountedLink>,
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    pub committees: usize,
    pub meetings: usize,
    pub items: usize,
    pub topics: usize,
    pub people: usize,
}

/// `committee.html`
#[derive(Debug, Serialize)]
pub struct CommitteePage {
    pub committee: CommitteeView,
    /// Its meetings after the build date, soonest first (on the first page).
    pub upcoming: Vec<MeetingSummary>,
    /// Its members' attendance (on the first page).
    pub attendance: Vec<AttendanceRow>,
    /// This page's meetings by year, newest first.
    pub years: Vec<Group<MeetingSummary>>,
    pub referenced_by: Vec<RefView>,
    pub pager: Pager,
}

#[derive(Debug, Serialize)]
pub struct CommitteeView {
    pub title: String,
    pub short: Option<String>,
    pub authority: Option<String>,
    pub url: String,
    /// Its decisions register.
    pub decisions_url: String,
    pub calendar_url: String,
    pub remit_html: String,
    pub members: Vec<PersonView>,
    pub extra: Extra,
}

/// `meeting.html`
#[derive(Debug, Serialize)]
pub struct MeetingPage {
    pub meeting: MeetingView,
    pub committee: Link,
    /// In agenda order.
    pub agenda: Vec<AgendaEntry>,
    /// Decisions on the agenda's items, for the meeting's summary of them.
    pub decision_count: usize,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub referenced_by: Vec<RefView>,
}

#[derive(Debug, Serialize)]
pub struct MeetingView {
    pub title: String,
    pub url: String,
    pub date: DateView,
    pub time: Option<String>,
    pub venue: Option<String>,
    pub chair: Option<PersonView>,
    pub attendees: Vec<PersonView>,
    pub apologies: Vec<PersonView>,
    /// "agenda", "draft", "approved", or "" when not stated.
    pub status: &'static str,
    /// Dated after the build date.
    pub upcoming: bool,
    pub recording: Option<RecordingView>,
    pub notes_html: String,
    pub extra: Extra,
}

#[derive(Debug, Serialize)]
pub struct AgendaEntry {
    pub number: String,
    pub title: String,
    pub url: String,
    pub purpose: Option<String>,
    pub presenters: Vec<PersonView>,
    /// What was decided, for the meeting's summary of decisions.
    pub decisions_html: Vec<String>,
    pub draft: bool,
    /// Exempt business: only the number shows, with the reason and
    /// `title` only where the clerk gave them for the public (`url` is "").
    pub exempt: bool,
    pub exempt_reason: Option<String>,
}

/// `item.html`. Section ids the page must provide: purpose, presenters,
/// minutes, decisions, actions, declarations, documents, related,
/// referenced-by (see `resolve::ITEM_SECTIONS`).
#[derive(Debug, Serialize)]
pub struct ItemPage {
    pub item: ItemView,
    pub meeting: MeetingSummary,
    pub committee: Link,
    /// Previous and next item on the same agenda.
    pub previous: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    pub title: String,
    pub url: String,
    pub number: String,
    pub purpose_html: Option<String>,
    pub presenters: Vec<PersonView>,
    pub topics: Vec<Link>,
    pub minutes_html: String,
    pub decisions: Vec<DecisionView>,
    pub actions: Vec<ActionView>,
    pub declarations: Vec<DeclarationView>,
    pub documents: Vec<DocumentLink>,
    pub related: Vec<ItemSummary>,
    pub referenced_by: Vec<RefView>,
    pub draft: bool,
    /// Where the item starts in its meeting's recording.
    pub recording: Option<RecordingView>,
    pub extra: Extra,
}

/// A decision on an item's page.
#[derive(Debug, Serialize)]
pub struct DecisionView {
    pub text_html: String,
    pub votes: Option<VotesView>,
    /// Members' votes, where recorded by name.
    pub recorded: Vec<RecordedVoteView>,
}

/// The counts of a vote.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct VotesView {
    /// How many voted for ("for" is a word of the template language).
    pub in_favour: u32,
    pub against: u32,
    pub abstain: u32,
}

impl VotesView {
    pub fn of(v: crate::load::schema::VoteCounts) -> VotesView {
        VotesView {
            in_favour: v.in_favour,
            against: v.against,
            abstain: v.abstain,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RecordedVoteView {
    pub member: PersonView,
    /// "for", "against" or "abstained".
    pub vote: &'static str,
}

/// A vote a person cast, for their page.
#[derive(Debug, Serialize)]
pub struct PersonVote {
    pub item: ItemSummary,
    /// The decision, as plain text.
    pub decision: String,
    /// The decision on its item's page.
    pub url: String,
    /// "for", "against" or "abstained".
    pub vote: &'static str,
}

/// A link to a recording, at a place in it if given.
#[derive(Debug, Clone, Serialize)]
pub struct RecordingView {
    pub url: String,
    /// As written, or "Recording of the meeting".
    pub title: String,
    /// "1:23:45", when the link is to a place in it.
    pub at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionView {
    pub action: String,
    pub owner: Option<PersonView>,
    pub due: Option<DateView>,
    /// "open", "done" or "dropped".
    pub status: &'static str,
    pub done: Option<DateView>,
    /// Open after its due date, at the build date.
    pub overdue: bool,
    /// Its id on its item's page: `action-1`...
    pub anchor: String,
}

#[derive(Debug, Serialize)]
pub struct DeclarationView {
    pub member: PersonView,
    pub interest: String,
    /// "Pecuniary", "Other registrable"... as written, capitalised.
    pub kind: Option<String>,
}

/// A supporting document: a page, or an attachment file.
#[derive(Debug, Serialize)]
pub struct DocumentLink {
    pub title: String,
    pub url: String,
    pub kind: Option<String>,
    /// For attachments: "PDF, 120 KB".
    pub file_info: Option<String>,
    pub is_attachment: bool,
    /// For a PDF, text or CSV file: the page that gives its words.
    pub text_url: Option<String>,
}

/// `attachment-text.html`: the words of an attached file.
#[derive(Debug, Serialize)]
pub struct AttachmentTextPage {
    pub file: AttachmentTextView,
    pub item: Link,
    pub meeting: MeetingSummary,
}

#[derive(Debug, Serialize)]
pub struct AttachmentTextView {
    pub title: String,
    /// Its file name.
    pub name: String,
    pub url: String,
    /// "PDF, 120 KB".
    pub file_info: String,
    pub pages: Vec<TextPage>,
    /// Whether some or all of its words could not be read (a scan, a
    /// damaged or protected file).
    pub unread: bool,
}

#[derive(Debug, Serialize)]
pub struct TextPage {
    /// From 1.
    pub number: usize,
    pub paragraphs: Vec<String>,
}

/// `document.html`
#[derive(Debug, Serialize)]
pub struct DocumentPage {
    pub document: DocumentView,
    pub item: Link,
    pub meeting: MeetingSummary,
    pub committee: Link,
}

#[derive(Debug, Serialize)]
pub struct DocumentView {
    pub title: String,
    pub url: String,
    pub kind: Option<String>,
    pub date: Option<DateView>,
    pub author: Option<PersonView>,
    pub body_html: String,
    pub referenced_by: Vec<RefView>,
    pub extra: Extra,
}

/// `topics.html`
#[derive(Debug, Serialize)]
pub struct TopicsPage {
    pub topics: Vec<TopicEntry>,
}

#[derive(Debug, Serialize)]
pub struct TopicEntry {
    pub name: String,
    pub url: String,
    pub aliases: Vec<String>,
    pub count: usize,
}

/// `topic.html`: a timeline of the topic's items, newest first.
#[derive(Debug, Serialize)]
pub struct TopicPage {
    pub topic: TopicEntry,
    pub years: Vec<Group<ItemSummary>>,
    /// How many of its items each committee discussed.
    pub committees: Vec<CountedLink>,
    pub pager: Pager,
}

/// `people.html`
#[derive(Debug, Serialize)]
pub struct PeoplePage {
    pub people: Vec<PersonEntry>,
}

#[derive(Debug, Serialize)]
pub struct PersonEntry {
    pub name: String,
    pub url: String,
    pub roles: Vec<String>,
}

/// `person.html`
#[derive(Debug, Serialize)]
pub struct PersonPage {
    pub person: PersonEntry,
    /// The councils of the committees they appear at.
    pub councils: Vec<String>,
    pub memberships: Vec<Link>,
    /// At each committee they are a member of (on the first page).
    pub attendance: Vec<AttendanceRow>,
    pub presented: Vec<ItemSummary>,
    pub chaired: Vec<MeetingSummary>,
    pub attended: Vec<MeetingSummary>,
    pub apologies: Vec<MeetingSummary>,
    pub declarations: Vec<PersonDeclaration>,
    /// How they voted, where votes were recorded by name.
    pub votes: Vec<PersonVote>,
    pub actions: Vec<PersonAction>,
    pub authored: Vec<Link>,
    /// Long lists are split over pages; page N shows the Nth share of each.
    pub pager: Pager,
}

#[derive(Debug, Serialize)]
pub struct PersonDeclaration {
    pub item: ItemSummary,
    pub interest: String,
    pub kind: Option<String>,
}

/// `declarations.html`: the register of declarations, one page of it.
#[derive(Debug, Serialize)]
pub struct DeclarationsPage {
    pub total: usize,
    /// This page's declarations, by member.
    pub members: Vec<MemberDeclarations>,
    pub pager: Pager,
}

#[derive(Debug, Serialize)]
pub struct MemberDeclarations {
    pub member: Link,
    pub entries: Vec<DeclarationEntry>,
}

/// A line of the register of declarations.
#[derive(Debug, Serialize)]
pub struct DeclarationEntry {
    pub interest: String,
    pub kind: Option<String>,
    #[serde(flatten)]
    pub at: AgreedAt,
}

#[derive(Debug, Serialize)]
pub struct PersonAction {
    pub item: ItemSummary,
    #[serde(flatten)]
    pub action: ActionView,
}

/// `meetings.html`: every meeting, by year.
#[derive(Debug, Serialize)]
pub struct MeetingsPage {
    pub calendar_url: String,
    pub years: Vec<Group<MeetingSummary>>,
    pub pager: Pager,
}

/// `decisions.html`: a decisions register, of all committees or one: its
/// years and its latest decisions.
#[derive(Debug, Serialize)]
pub struct DecisionsPage {
    /// The committee whose register this is; `None` for all.
    pub committee: Option<Link>,
    /// Decisions in this register (all its years).
    pub total: usize,
    /// Newest first, each with its number of decisions.
    pub years: Vec<CountedLink>,
    /// The first page of the newest year.
    pub latest: Option<Group<DecisionEntry>>,
    /// Each committee's register, for narrowing this one.
    pub filters: Vec<CommitteeFilter>,
    pub all_url: String,
    pub feed_url: String,
}

/// `decision-year.html`: one year of a decisions register.
#[derive(Debug, Serialize)]
pub struct DecisionYearPage {
    pub committee: Option<Link>,
    /// The register this year is of.
    pub register: Link,
    pub year: i32,
    /// Decisions of the year (all its pages).
    pub total: usize,
    pub entries: Vec<DecisionEntry>,
    pub feed_url: String,
    pub pager: Pager,
}

/// Where a register's entry was made: the item, its meeting and committee.
#[derive(Debug, Serialize)]
pub struct AgreedAt {
    pub item: Link,
    /// The item's agenda number.
    pub number: String,
    pub meeting: Link,
    pub date: DateView,
    pub committee: Link,
    pub draft: bool,
}

/// `actions.html`: the actions register, one page of it.
#[derive(Debug, Serialize)]
pub struct ActionsPage {
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
    pub dropped: usize,
    /// This page's actions, by where they stand ("Open", "Done", "Dropped").
    pub groups: Vec<Group<ActionEntry>>,
    pub pager: Pager,
}

/// A line of the actions register.
#[derive(Debug, Serialize)]
pub struct ActionEntry {
    #[serde(flatten)]
    pub action: ActionView,
    /// The action on its item's page.
    pub url: String,
    #[serde(flatten)]
    pub at: AgreedAt,
}

#[derive(Debug, Serialize)]
pub struct DecisionEntry {
    pub text_html: String,
    /// The decision on its item's page.
    pub url: String,
    #[serde(flatten)]
    pub at: AgreedAt,
    pub votes: Option<VotesView>,
}

#[derive(Debug, Serialize)]
pub struct CommitteeFilter {
    pub title: String,
    pub url: String,
    pub count: usize,
    /// The register being shown is this committee's.
    pub current: bool,
}

/// `search.html`. Rendered statically with no results (`server` false) and
/// by `quorum serve` with results.
#[derive(Debug, Serialize, Default)]
pub struct SearchPage {
    pub server: bool,
    pub query: String,
    /// The form's options and what is chosen of them.
    pub form: SearchForm,
    /// A malformed query or option, to show beside the form.
    pub error: Option<String>,
    pub results: Option<SearchResultsView>,
}

/// The search form's options beyond the words: committee, person, dates,
/// kind and order.
#[derive(Debug, Serialize, Default, Clone)]
pub struct SearchForm {
    pub committees: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub person: String,
    /// YYYY-MM-DD, as a date input gives it.
    pub from: String,
    pub to: String,
}

/// One option of a list.
#[derive(Debug, Serialize, Clone)]
pub struct Choice {
    pub value: String,
    pub name: String,
    pub selected: bool,
}

impl SearchForm {
    /// The form with `committees` (slug, name) to choose from, and the
    /// values `chosen` gives for `committee`, `person`, `from`, `to`, `kind`
    /// and `sort`.
    pub fn new(committees: &[(String, String)], chosen: &dyn Fn(&str) -> Option<String>) -> Self {
        let choices = |key: &str, options: Vec<(String, String)>| {
            let current = chosen(key).unwrap_or_default();
            (options.into_iter())
                .map(|(value, name)| Choice {
                    selected: value == current,
                    value,
                    name,
                })
                .collect::<Vec<_>>()
        };
        let any = |name: &str| vec![(String::new(), name.to_owned())];
        let kinds = (crate::search::KINDS.iter()).map(|k| (k.value.to_owned(), k.many.to_owned()));
        // Best match, the default, goes without saying in the address.
        let sorts = Sort::ALL.map(|sort| {
            let value = if sort == Sort::Relevance {
                ""
            } else {
                sort.name()
            };
            let label = sort.label();
            let name = label[..1].to_uppercase() + &label[1..];
            (value.to_owned(), name)
        });
        SearchForm {
            committees: choices(
                "committee",
                any("Any committee")
                    .into_iter()
                    .chain(committees.iter().cloned())
                    .collect(),
            ),
            kinds: choices("kind", any("Anything").into_iter().chain(kinds).collect()),
            sorts: choices("sort", sorts.into_iter().collect()),
            person: chosen("person").unwrap_or_default(),
            from: chosen("from").unwrap_or_default(),
            to: chosen("to").unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SearchResultsView {
    pub total: usize,
    /// 1-based positions of the first and last hit shown.
    pub first: usize,
    pub last: usize,
    /// Snippets are HTML (escaped, with `<mark>`): print them with `safe`.
    pub hits: Vec<crate::search::Hit>,
    /// Words that matched nothing, and the spelling searched instead.
    pub corrections: Vec<crate::search::Correction>,
    /// How the query was read, when that differs from what was typed.
    pub notice: Option<String>,
    pub facets: Vec<FacetGroup>,
    /// Filters in force, each with a link that removes it.
    pub filters: Vec<Link>,
    pub pager: Pager,
    /// The same search sorted the other way.
    pub sort: &'static str,
    pub other_sort: Link,
}

#[derive(Debug, Serialize)]
pub struct FacetGroup {
    pub name: &'static str,
    pub entries: Vec<FacetLink>,
}

#[derive(Debug, Serialize)]
pub struct FacetLink {
    pub name: String,
    pub count: u64,
    /// The current search narrowed by this value.
    pub url: String,
    pub active: bool,
}

/// `feed.xml` (Atom).
#[derive(Debug, Serialize)]
pub struct FeedPage {
    pub title: String,
    /// Absolute (or root-relative without `base_url`) URLs.
    pub self_url: String,
    pub alternate_url: String,
    pub id: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Debug, Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub updated: String,
    pub committee: String,
    pub summary: Option<String>,
    pub topics: Vec<String>,
}

#[cfg(test)]
mod pager_tests {
    use super::Pager;

    fn listed(current: usize, total: usize) -> String {
        Pager::new(current, total, |n| format!("/p/{n}/"))
            .pages
            .iter()
            .map(|p| format!("{}{}", if p.gap_before { ".. " } else { "" }, p.number))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_short_list_lists_every_page() {
        assert_eq!(listed(1, 1), "1");
        assert_eq!(listed(2, 5), "1 2 3 4 5");
        assert_eq!(listed(5, 8), "1 2 3 4 5 6 7 8");
    }

    #[test]
    fn a_long_list_lists_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(listed(1, 60), "1 2 3 4 .. 60");
        assert_eq!(listed(30, 60), "1 .. 27 28 29 30 31 32 33 .. 60");
        assert_eq!(listed(60, 60), "1 .. 57 58 59 60");
        assert_eq!(listed(5, 60), "1 2 3 4 5 6 7 8 .. 60");
    }

    #[test]
    fn previous_and_next_lead_to_the_neighbouring_pages() {
        let first = Pager::new(1, 3, |n| format!("/p/{n}/"));
        assert_eq!(first.previous, None);
        assert_eq!(first.next.as_deref(), Some("/p/2/"));
        let last = Pager::new(3, 3, |n| format!("/p/{n}/"));
        assert_eq!(last.previous.as_deref(), Some("/p/2/"));
        assert_eq!(last.next, None);
    }
}
