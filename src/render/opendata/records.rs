//! The shapes of the open data files: each record page's JSON twin, the
//! lines of the bulk files (the same shapes), Popolo and Open Civic Data
//! events. The doc comments become the descriptions in the JSON Schemas
//! published under `/data/schema/`, so they are written for a developer
//! reading those.
//!
//! Every address is the page's URL: absolute when the site has a
//! `base_url`, else a path from the host's root. Every date is
//! `YYYY-MM-DD`. A value the minutes do not give is `null`, never left
//! out, so each record of a kind has the same keys.

use schemars::JsonSchema;
use serde::Serialize;

use crate::load::schema::Extra;

/// What kind of record an object is.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RecordType {
    Committee,
    Meeting,
    Item,
    Document,
    Attachment,
    Topic,
    Person,
}

/// A link to another record's page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A person, as named on a record, with the role given there.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonRef {
    pub name: String,
    /// The person's page.
    pub url: String,
    /// Their role as written on this record ("Chair", "Head of
    /// Finance"...), if any.
    pub role: Option<String>,
}

/// A meeting, as linked from another record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MeetingRef {
    /// "7 December 2017", with the meeting's label when it has one.
    pub title: String,
    pub url: String,
    pub date: String,
}

/// An agenda item, as listed on another record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ItemRef {
    pub title: String,
    pub url: String,
    /// The date of its meeting.
    pub date: String,
    pub committee: Link,
}

/// A decision on an item.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DecisionRecord {
    /// The decision as minuted, without markup.
    pub text: String,
    /// The page's anchor for it: `url#anchor` links to the decision.
    pub anchor: String,
    /// The counts of a vote, when minuted.
    pub votes: Option<VoteCountsRecord>,
    /// Members' votes, when recorded by name.
    pub recorded: Vec<RecordedVote>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VoteCountsRecord {
    #[serde(rename = "for")]
    pub in_favour: u32,
    pub against: u32,
    pub abstained: u32,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RecordedVote {
    pub member: PersonRef,
    /// "for", "against" or "abstained".
    pub vote: &'static str,
}

/// An action agreed on an item.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActionRecord {
    pub action: String,
    pub owner: Option<PersonRef>,
    pub due: Option<String>,
    /// "open", "done" or "dropped".
    pub status: &'static str,
    /// When it was done, if the minutes say.
    pub done: Option<String>,
    /// Whether it is still open after its due date, on the day the site
    /// was built.
    pub overdue: bool,
}

/// A member's declaration of interest on an item.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeclarationRecord {
    pub member: PersonRef,
    pub interest: String,
    /// The kind of interest ("Pecuniary", "Other registrable"...), if
    /// given.
    pub kind: Option<String>,
}

/// A meeting's recording.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecordingRecord {
    pub url: String,
    pub title: Option<String>,
}

/// A supporting document or an attached file, as listed on its item.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentRef {
    /// "document" (a page of its own) or "attachment" (a file).
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub title: String,
    pub url: String,
    /// The document's kind as written ("Report", "Appendix"...).
    pub kind: Option<String>,
    /// An attachment's size in bytes.
    pub bytes: Option<u64>,
    /// An attachment's media type ("application/pdf"...).
    pub media_type: Option<String>,
}

/// An agenda item: the twin of its page, and a line of `items.ndjson`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ItemRecord {
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    /// The page's path from the site's root: unique in the archive and
    /// unchanged from build to build.
    pub id: String,
    pub url: String,
    /// This file's address.
    pub data_url: String,
    pub title: String,
    /// Its number on the agenda, as written ("5", "8a").
    pub number: String,
    /// The date of its meeting.
    pub date: String,
    pub committee: Link,
    pub meeting: MeetingRef,
    /// What the item is for, without markup.
    pub purpose: Option<String>,
    pub presenters: Vec<PersonRef>,
    pub topics: Vec<Link>,
    pub decisions: Vec<DecisionRecord>,
    pub actions: Vec<ActionRecord>,
    pub declarations: Vec<DeclarationRecord>,
    /// Its supporting documents and attached files, in order.
    pub documents: Vec<DocumentRef>,
    /// Items the clerk named as related.
    pub related: Vec<ItemRef>,
    /// Pages whose text links to this item.
    pub referenced_by: Vec<Link>,
    /// The meeting's recording, at this item's place in it when given.
    pub recording: Option<RecordingRecord>,
    /// Published as a draft (only in a build with drafts shown).
    pub draft: bool,
    /// The minutes as the page shows them (cleaned HTML).
    pub minutes_html: String,
    /// The minutes without markup.
    pub minutes_text: String,
    /// The front matter's own keys, beyond Quorum's, as written.
    pub extra: Extra,
}

/// One line of a meeting's agenda.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgendaRecord {
    pub number: String,
    pub title: String,
    /// The item's page; `null` for business taken in private.
    pub url: Option<String>,
    /// Taken in private: only its public title and the reason are
    /// published.
    pub exempt: bool,
    /// Why it was taken in private, as the minutes give it.
    pub exempt_reason: Option<String>,
}

/// A meeting: the twin of its page, and a line of `meetings.ndjson`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MeetingRecord {
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub id: String,
    pub url: String,
    pub data_url: String,
    pub title: String,
    pub committee: Link,
    pub date: String,
    /// As the clerk wrote it ("18:00", "10.30am to 12.30pm").
    pub time: Option<String>,
    pub venue: Option<String>,
    /// "agenda", "draft" or "approved": how far its minutes have got.
    pub status: Option<&'static str>,
    /// Still to come on the day the site was built.
    pub upcoming: bool,
    pub chair: Option<PersonRef>,
    pub attendees: Vec<PersonRef>,
    pub apologies: Vec<PersonRef>,
    pub recording: Option<RecordingRecord>,
    pub notes_html: String,
    pub notes_text: String,
    pub agenda: Vec<AgendaRecord>,
    pub previous: Option<MeetingRef>,
    pub next: Option<MeetingRef>,
    pub referenced_by: Vec<Link>,
    pub extra: Extra,
}

/// A committee: the twin of its page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CommitteeRecord {
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub id: String,
    pub url: String,
    pub data_url: String,
    pub title: String,
    pub short: Option<String>,
    /// The council or body it belongs to.
    pub authority: Option<String>,
    pub remit_html: String,
    pub remit_text: String,
    pub members: Vec<PersonRef>,
    /// Its meetings, oldest first.
    pub meetings: Vec<MeetingRef>,
    pub decisions_url: String,
    pub calendar_url: String,
    pub feed_url: String,
    pub referenced_by: Vec<Link>,
    pub extra: Extra,
}

/// A supporting document (the twin of its page) or an attached file: a
/// line of `documents.ndjson`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentRecord {
    /// "document" or "attachment".
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub id: String,
    pub url: String,
    /// A document's twin; `null` for an attachment.
    pub data_url: Option<String>,
    pub title: String,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub author: Option<PersonRef>,
    /// The agenda item it supports.
    pub item: Link,
    pub meeting: MeetingRef,
    pub committee: Link,
    /// An attachment's file name, size and media type.
    pub file_name: Option<String>,
    pub bytes: Option<u64>,
    pub media_type: Option<String>,
    /// A document's text as its page shows it (`body_html` is `null` for
    /// an attachment).
    pub body_html: Option<String>,
    /// A document's text; an attachment's words as read from a PDF, text
    /// or CSV file, its pages apart by a form feed (U+000C), or `null`.
    pub body_text: Option<String>,
    pub referenced_by: Vec<Link>,
    pub extra: Extra,
}

/// A committee and how many of a topic's items it took.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CountedLink {
    pub title: String,
    pub url: String,
    pub count: usize,
}

/// A topic: the twin of its page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TopicRecord {
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub id: String,
    pub url: String,
    pub data_url: String,
    pub name: String,
    /// Other names it is found by.
    pub aliases: Vec<String>,
    pub feed_url: String,
    pub committees: Vec<CountedLink>,
    /// Its items, newest first.
    pub items: Vec<ItemRef>,
}

/// A declaration, as listed on its member's record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonDeclaration {
    pub item: ItemRef,
    pub interest: String,
    pub kind: Option<String>,
}

/// A member's recorded vote.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonVote {
    pub item: ItemRef,
    /// The decision's address on the item's page.
    pub url: String,
    pub decision: String,
    /// "for", "against" or "abstained".
    pub vote: &'static str,
}

/// An action, as listed on its owner's record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonAction {
    pub item: ItemRef,
    pub action: ActionRecord,
}

/// A person: the twin of their page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonRecord {
    #[serde(rename = "type")]
    pub kind_of_record: RecordType,
    pub id: String,
    pub url: String,
    pub data_url: String,
    pub name: String,
    /// Every role they are named with, on any record.
    pub roles: Vec<String>,
    /// The councils of the committees they appear at.
    pub councils: Vec<String>,
    /// Committees whose members they are.
    pub memberships: Vec<Link>,
    pub presented: Vec<ItemRef>,
    pub chaired: Vec<MeetingRef>,
    pub attended: Vec<MeetingRef>,
    pub apologies: Vec<MeetingRef>,
    pub declarations: Vec<PersonDeclaration>,
    pub votes: Vec<PersonVote>,
    pub actions: Vec<PersonAction>,
    /// Documents they wrote.
    pub authored: Vec<Link>,
}
