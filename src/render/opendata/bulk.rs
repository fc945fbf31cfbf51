//! The files of `/data/` that hold many records: the NDJSON files, made of
//! the twins one a line, and the Popolo and Open Civic Data files.

use std::collections::BTreeMap;

use chrono::TimeZone;

use super::standards::*;
use super::twins::{media_type, to_json};
use super::{DataFile, twin_path};
use crate::model::{Id, Supporting, surname_first};
use crate::render::views::{PageBuilder, meeting_title, status_name};
use crate::render::{Contents, Piece};

impl PageBuilder<'_> {
    /// An NDJSON file: every twin of its kind, one a line, read back from
    /// this build's output rather than rendered again, so that a line and
    /// its twin cannot differ and each record is rendered once (at 10,000
    /// items, rendering the minutes a second time would add about a fifth
    /// to the build). Attachments, which have no twin, are lines of their
    /// own in `documents.ndjson`.
    pub(super) fn ndjson(&self, file: DataFile) -> Contents {
        self.note_what_lines_read();
        let a = self.archive();
        let twin = |url: &str| Piece::Output(twin_path(url));
        let pieces = match file {
            DataFile::Items => (self.r.items_newest_first().into_iter())
                .map(|i| {
                    self.r.item(i);
                    twin(&a.items[i].url)
                })
                .collect(),
            DataFile::Meetings => (self.r.meetings_newest_first().iter())
                .map(|&m| {
                    self.r.meeting(m);
                    twin(&a.meetings[m].url)
                })
                .collect(),
            _ => self.document_lines(),
        };
        Contents::Joined(pieces)
    }

    /// Each item's supporting documents and files, newest item first.
    fn document_lines(&self) -> Vec<Piece> {
        let a = self.archive();
        let mut pieces = Vec::new();
        for i in self.r.items_newest_first() {
            for &s in &self.r.item(i).supporting {
                pieces.push(match s {
                    Supporting::Document(d) => {
                        self.r.document(d);
                        Piece::Output(twin_path(&a.documents[d].url))
                    }
                    Supporting::Attachment(f) => {
                        let mut line = to_json(&self.attachment_record(f));
                        line.push('\n');
                        Piece::Text(line)
                    }
                });
            }
        }
        pieces
    }

    /// Notes every headline a twin may show of another record. More than
    /// any one line reads, and it costs a pass over the lists, not a
    /// rendering: reading more only redoes a bulk file more often in
    /// `quorum serve`, never less (and an edit to any item redoes it
    /// anyway).
    fn note_what_lines_read(&self) {
        let a = self.archive();
        for c in 0..a.committees.len() {
            self.r.committee_headline(c);
        }
        for m in 0..a.meetings.len() {
            self.r.meeting_headline(m);
            self.r.meeting_agenda(m);
        }
        for i in 0..a.items.len() {
            self.r.item_headline(i);
        }
        for d in 0..a.documents.len() {
            self.r.document_headline(d);
        }
        for p in 0..a.people.len() {
            self.r.person_headline(p);
        }
        for t in 0..a.topics.len() {
            self.r.topic_headline(t);
        }
    }

    /// `popolo.json`: people, councils and committees, and memberships.
    pub(super) fn popolo(&self) -> String {
        let a = self.archive();
        let page = |url: &str| PopoloLink {
            url: self.absolute(url),
            note: "Page in the archive".into(),
        };
        let persons = (0..self.r.people().len())
            .map(|p| {
                let person = self.r.person_headline(p);
                PopoloPerson {
                    id: person.url.to_owned(),
                    name: person.name.to_owned(),
                    sort_name: sort_name(a, person.name),
                    links: vec![page(person.url)],
                }
            })
            .collect();
        let mut councils: BTreeMap<String, String> = BTreeMap::new();
        let mut organizations = Vec::new();
        let mut memberships = Vec::new();
        for (c, committee) in self.r.committees().iter().enumerate() {
            let parent_id = committee.authority.as_ref().map(|name| {
                let id = format!("council:{}", slug::slugify(name));
                councils.insert(id.clone(), name.clone());
                id
            });
            organizations.push(PopoloOrganization {
                id: committee.url.clone(),
                name: committee.title.clone(),
                classification: "committee",
                parent_id,
                links: vec![page(&committee.url)],
            });
            for member in &self.r.committee(c).members {
                memberships.push(PopoloMembership {
                    person_id: self.r.person_headline(member.person).url.to_owned(),
                    organization_id: committee.url.clone(),
                    role: member.role.clone(),
                });
            }
        }
        let council_orgs = councils.into_iter().map(|(id, name)| PopoloOrganization {
            id,
            name,
            classification: "council",
            parent_id: None,
            links: Vec::new(),
        });
        let popolo = Popolo {
            persons,
            organizations: council_orgs.chain(organizations).collect(),
            memberships,
        };
        serde_json::to_string_pretty(&popolo).expect("records serialise to JSON") + "\n"
    }

    /// `events.json`: every meeting, oldest first, as an Open Civic Data
    /// event. The file is `Events` ({"events": [...]}), written an event
    /// at a time: made whole, the tree of 1,259 meetings' events at 10,000
    /// items (15 MB of JSON) was most of what open data added to a build's
    /// peak memory.
    pub(super) fn events(&self) -> Contents {
        let mut meetings = self.r.meetings_newest_first().to_vec();
        meetings.reverse();
        let mut pieces = vec![Piece::Text("{\"events\":[\n".to_owned())];
        for (n, m) in meetings.into_iter().enumerate() {
            let mut line = if n == 0 {
                String::new()
            } else {
                ",\n".to_owned()
            };
            line.push_str(&to_json(&self.event(m)));
            pieces.push(Piece::Text(line));
        }
        pieces.push(Piece::Text("\n]}\n".to_owned()));
        Contents::Joined(pieces)
    }

    fn event(&self, i: Id) -> OcdEvent {
        let a = self.archive();
        let m = self.r.meeting(i);
        let committee = self.r.committee_headline(m.committee);
        let (start_date, end_date, all_day) = event_times(a, m.date, m.time.as_deref());
        let person = |p: &crate::model::PersonRole, note: &str| {
            let person = self.r.person_headline(p.person);
            OcdParticipant {
                name: person.name.to_owned(),
                entity_type: "person",
                entity_id: person.url.to_owned(),
                note: note.to_owned(),
            }
        };
        let mut participants = vec![OcdParticipant {
            name: committee.title.to_owned(),
            entity_type: "organization",
            entity_id: committee.url.to_owned(),
            note: "host".into(),
        }];
        participants.extend(m.chair.iter().map(|p| person(p, "chair")));
        participants.extend(m.attendees.iter().map(|p| person(p, "attendee")));
        let recording = m.recording.as_ref();
        OcdEvent {
            id: m.url.clone(),
            name: format!(
                "{} — {}",
                committee.title,
                meeting_title(m.date, &m.folder, m.label.as_deref())
            ),
            classification: "committee-meeting",
            start_date,
            end_date,
            all_day,
            timezone: a.config.timezone.0.name().to_owned(),
            status: if self.is_upcoming(m.date) {
                "confirmed"
            } else {
                "passed"
            },
            location: m.venue.clone().map(|name| OcdLocation { name }),
            participants,
            agenda: self.event_agenda(i),
            documents: self.event_documents(&m.items),
            media: (recording.iter())
                .map(|r| OcdMedia {
                    note: r
                        .title
                        .clone()
                        .unwrap_or_else(|| "Recording of the meeting".into()),
                    offset: None,
                    links: vec![media_link(r.url.clone(), "")],
                })
                .collect(),
            sources: vec![OcdSource {
                url: self.absolute(&m.url),
                note: "Minutes".into(),
            }],
            extras: EventExtras {
                data_url: self.absolute(&twin_path(&m.url)),
                minutes_status: Some(status_name(m.status)).filter(|s| !s.is_empty()),
                apologies: (m.apologies.iter())
                    .map(|p| self.r.person_headline(p.person).name.to_owned())
                    .collect(),
            },
        }
    }

    /// A meeting's agenda as events list it, its private business by the
    /// public title only.
    fn event_agenda(&self, m: Id) -> Vec<OcdAgendaItem> {
        let recording = self.r.meeting_headline(m).recording;
        let agenda = self.agenda_records(m);
        let mut items = self.r.meeting_agenda(m).iter();
        (agenda.into_iter())
            .map(|line| {
                let mut entry = OcdAgendaItem {
                    description: line.title,
                    order: line.number,
                    subjects: Vec::new(),
                    notes: Vec::new(),
                    related_entities: Vec::new(),
                    media: Vec::new(),
                    extras: AgendaExtras {
                        url: line.url,
                        exempt: line.exempt,
                        exempt_reason: line.exempt_reason,
                    },
                };
                // Public lines come in agenda order, as the items do.
                if !line.exempt
                    && let Some(&it) = items.next()
                {
                    self.fill_agenda_item(&mut entry, it, recording);
                }
                entry
            })
            .collect()
    }

    fn fill_agenda_item(
        &self,
        entry: &mut OcdAgendaItem,
        it: Id,
        recording: Option<&crate::model::Recording>,
    ) {
        let item = self.r.item_headline(it);
        entry.subjects = (item.topics.iter())
            .map(|&t| self.r.topic_headline(t).name.to_owned())
            .collect();
        entry.notes = (item
            .purpose
            .iter()
            .map(|p| crate::load::markdown::plain_text(p)))
        .chain((item.decisions.iter()).map(|d| crate::load::markdown::plain_text(&d.text)))
        .collect();
        entry.related_entities = (item.presenters.iter())
            .map(|p| {
                let person = self.r.person_headline(p.person);
                OcdParticipant {
                    name: person.name.to_owned(),
                    entity_type: "person",
                    entity_id: person.url.to_owned(),
                    note: "presenter".into(),
                }
            })
            .collect();
        let at = self.r.item(it).recording_at;
        entry.media = (recording.zip(at).into_iter())
            .map(|(r, seconds)| OcdMedia {
                note: r
                    .title
                    .clone()
                    .unwrap_or_else(|| "Recording of the meeting".into()),
                offset: Some(seconds),
                links: vec![media_link(r.at(seconds), "")],
            })
            .collect();
    }

    /// The documents and files of a meeting's items, in agenda order.
    fn event_documents(&self, items: &[Id]) -> Vec<OcdDocument> {
        let mut documents = Vec::new();
        for &it in items {
            for &s in &self.r.item(it).supporting {
                documents.push(match s {
                    Supporting::Document(d) => {
                        let doc = self.r.document_headline(d);
                        OcdDocument {
                            note: doc.title.to_owned(),
                            links: vec![media_link(self.absolute(doc.url), "text/html")],
                        }
                    }
                    Supporting::Attachment(f) => {
                        let file = self.r.attachment(f);
                        OcdDocument {
                            note: file.title.clone(),
                            links: vec![media_link(
                                self.absolute(&file.url),
                                &media_type(&file.name),
                            )],
                        }
                    }
                });
            }
        }
        documents
    }
}

fn media_link(url: String, media_type: &str) -> OcdMediaLink {
    OcdMediaLink {
        url,
        media_type: media_type.to_owned(),
    }
}

/// A person's name as it sorts: `[people."Name"] sort_as`, else surname
/// first.
fn sort_name(a: &crate::model::Archive, name: &str) -> String {
    (a.config.people.get(name))
        .and_then(|p| p.sort_as.clone())
        .unwrap_or_else(|| surname_first(name))
}

/// An event's start and end (RFC 3339 with the archive's UTC offset when
/// the time is a clock time), and whether it is all day.
fn event_times(
    a: &crate::model::Archive,
    date: chrono::NaiveDate,
    time: Option<&str>,
) -> (String, Option<String>, bool) {
    let Some((start, end)) = time.and_then(crate::dates::parse_time_span) else {
        return (date.format("%Y-%m-%d").to_string(), None, true);
    };
    let tz = a.config.timezone.0;
    let at = |t: chrono::NaiveTime| {
        tz.from_local_datetime(&date.and_time(t))
            .earliest()
            .map(|dt| dt.to_rfc3339())
    };
    match at(start) {
        Some(start) => (start, end.and_then(at), false),
        None => (date.format("%Y-%m-%d").to_string(), None, true),
    }
}
