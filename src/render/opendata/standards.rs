//! The files in the shapes civic tech already reads: `popolo.json`
//! (Popolo's people, organizations and memberships,
//! <https://www.popoloproject.com/specs/>) and `events.json` (Open Civic
//! Data events, as pupa and Councilmatic write them,
//! <https://open-civic-data.readthedocs.io/en/latest/data/event.html>).
//! Each follows its standard's field names; what the standard has no
//! field for goes in `extras`, as both allow.

use schemars::JsonSchema;
use serde::Serialize;

/// People, councils and committees, and who sits on what.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Popolo {
    pub persons: Vec<PopoloPerson>,
    /// Councils (`classification` "council") and their committees
    /// ("committee").
    pub organizations: Vec<PopoloOrganization>,
    /// A person's membership of a committee, with the role the
    /// committee's record gives them.
    pub memberships: Vec<PopoloMembership>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PopoloLink {
    pub url: String,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PopoloPerson {
    /// The person's page path, as in their record's `id`.
    pub id: String,
    pub name: String,
    /// The name as it sorts, surname first, in lower case.
    pub sort_name: String,
    pub links: Vec<PopoloLink>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PopoloOrganization {
    /// A committee's page path; `council:<name>` for a council.
    pub id: String,
    pub name: String,
    /// "council" or "committee".
    pub classification: &'static str,
    /// A committee's council.
    pub parent_id: Option<String>,
    pub links: Vec<PopoloLink>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PopoloMembership {
    pub person_id: String,
    pub organization_id: String,
    pub role: Option<String>,
}

/// Every meeting, oldest first, as an Open Civic Data event.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Events {
    pub events: Vec<OcdEvent>,
}

/// A meeting.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdEvent {
    /// The meeting's page path, as in its record's `id`.
    pub id: String,
    /// The committee and the meeting's title.
    pub name: String,
    /// "committee-meeting".
    pub classification: &'static str,
    /// The date, or the date and time with the archive's UTC offset
    /// (RFC 3339) when the minutes give a clock time.
    pub start_date: String,
    pub end_date: Option<String>,
    /// No clock time is given.
    pub all_day: bool,
    /// The archive's time zone (IANA name).
    pub timezone: String,
    /// "passed" for a meeting held, "confirmed" for one to come.
    pub status: &'static str,
    pub location: Option<OcdLocation>,
    /// The committee (note "host"), the chair ("chair") and those
    /// present ("attendee").
    pub participants: Vec<OcdParticipant>,
    pub agenda: Vec<OcdAgendaItem>,
    /// Every item's supporting documents and files.
    pub documents: Vec<OcdDocument>,
    /// The meeting's recording.
    pub media: Vec<OcdMedia>,
    pub sources: Vec<OcdSource>,
    pub extras: EventExtras,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdLocation {
    pub name: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdParticipant {
    pub name: String,
    /// "organization" or "person".
    pub entity_type: &'static str,
    /// The person's or committee's page path.
    pub entity_id: String,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdAgendaItem {
    /// The item's title; a private item's public title.
    pub description: String,
    /// Its number on the agenda.
    pub order: String,
    /// Its topics.
    pub subjects: Vec<String>,
    /// Its purpose and decisions, without markup.
    pub notes: Vec<String>,
    /// Its presenters, as persons.
    pub related_entities: Vec<OcdParticipant>,
    /// Its place in the meeting's recording, when given.
    pub media: Vec<OcdMedia>,
    pub extras: AgendaExtras,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AgendaExtras {
    /// The item's page; `null` for business taken in private.
    pub url: Option<String>,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdDocument {
    pub note: String,
    pub links: Vec<OcdMediaLink>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdMedia {
    pub note: String,
    /// Seconds from the start of the recording.
    pub offset: Option<u32>,
    pub links: Vec<OcdMediaLink>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdMediaLink {
    pub url: String,
    /// The media type when known ("text/html" for a page); "" if not.
    pub media_type: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OcdSource {
    pub url: String,
    pub note: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct EventExtras {
    /// The meeting's record (see `/data/schema/meeting.json`).
    pub data_url: String,
    /// How far its minutes have got: "agenda", "draft" or "approved".
    pub minutes_status: Option<&'static str>,
    /// Members who sent apologies.
    pub apologies: Vec<String>,
}
