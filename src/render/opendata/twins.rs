//! Each record page's JSON twin, read from the model through the page's
//! reader as the page itself is, so that `quorum serve` redoes a twin
//! exactly when its page would change.

use super::records::*;
use super::{Record, twin_path};
use crate::load::markdown;
use crate::load::schema::Vote;
use crate::model::{Action, Decision, Id, PageKey, PersonRole, Supporting};
use crate::render::views::{PageBuilder, meeting_title, status_name};
use crate::render::{PageError, calendar_path, decision_anchor, decisions_path};

fn day(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl PageBuilder<'_> {
    /// The record `record` as its twin holds it, as one line of JSON.
    pub(super) fn twin_json(&self, record: Record) -> Result<String, PageError> {
        let mut json = match record {
            Record::Committee(c) => to_json(&self.committee_record(c)?),
            Record::Meeting(m) => to_json(&self.meeting_record(m)?),
            Record::Item(i) => to_json(&self.item_record(i)?),
            Record::Document(d) => to_json(&self.document_record(d)?),
            Record::Topic(t) => to_json(&self.topic_record(t)),
            Record::Person(p) => to_json(&self.person_record(p)),
        };
        json.push('\n');
        Ok(json)
    }

    fn person_ref(&self, p: &PersonRole) -> PersonRef {
        let person = self.r.person_headline(p.person);
        PersonRef {
            name: person.name.to_owned(),
            url: self.absolute(person.url),
            role: p.role.clone(),
        }
    }

    fn person_refs(&self, ps: &[PersonRole]) -> Vec<PersonRef> {
        ps.iter().map(|p| self.person_ref(p)).collect()
    }

    fn committee_ref(&self, c: Id) -> Link {
        let c = self.r.committee_headline(c);
        Link {
            title: c.title.to_owned(),
            url: self.absolute(c.url),
        }
    }

    pub(super) fn meeting_ref(&self, m: Id) -> MeetingRef {
        let meeting = self.r.meeting_headline(m);
        MeetingRef {
            title: meeting_title(meeting.date, meeting.folder, meeting.label),
            url: self.absolute(meeting.url),
            date: day(meeting.date),
        }
    }

    fn item_ref(&self, i: Id) -> ItemRef {
        let item = self.r.item_headline(i);
        ItemRef {
            title: item.title.to_owned(),
            url: self.absolute(item.url),
            date: day(self.r.item_date(i)),
            committee: self.committee_ref(item.committee),
        }
    }

    fn topic_ref(&self, t: Id) -> Link {
        let t = self.r.topic_headline(t);
        Link {
            title: t.name.to_owned(),
            url: self.absolute(t.url),
        }
    }

    fn reference_links(&self, keys: &[PageKey]) -> Vec<Link> {
        (keys.iter())
            .map(|&k| {
                let r = self.reference(k);
                Link {
                    title: r.title,
                    url: self.absolute(r.url.strip_prefix(&self.archive().prefix).unwrap_or("")),
                }
            })
            .collect()
    }

    fn decision_record(&self, d: &Decision, k: usize) -> DecisionRecord {
        DecisionRecord {
            text: markdown::plain_text(&d.text),
            anchor: decision_anchor(k),
            votes: d.votes.map(|v| VoteCountsRecord {
                in_favour: v.in_favour,
                against: v.against,
                abstained: v.abstain,
            }),
            recorded: (d.recorded.iter())
                .map(|(voter, vote)| RecordedVote {
                    member: self.person_ref(voter),
                    vote: vote.words(),
                })
                .collect(),
        }
    }

    fn action_record(&self, act: &Action) -> ActionRecord {
        ActionRecord {
            action: act.action.clone(),
            owner: act.owner.as_ref().map(|o| self.person_ref(o)),
            due: act.due.map(day),
            status: act.status.name(),
            done: act.done.map(day),
            overdue: act.is_overdue(self.archive().config.today),
        }
    }

    fn document_ref(&self, s: Supporting) -> DocumentRef {
        match s {
            Supporting::Document(d) => {
                let doc = self.r.document_headline(d);
                DocumentRef {
                    kind_of_record: RecordType::Document,
                    title: doc.title.to_owned(),
                    url: self.absolute(doc.url),
                    kind: doc.kind.map(str::to_owned),
                    bytes: None,
                    media_type: None,
                }
            }
            Supporting::Attachment(f) => {
                let file = self.r.attachment(f);
                DocumentRef {
                    kind_of_record: RecordType::Attachment,
                    title: file.title.clone(),
                    url: self.absolute(&file.url),
                    kind: None,
                    bytes: Some(file.bytes),
                    media_type: Some(media_type(&file.name)),
                }
            }
        }
    }

    fn item_record(&self, i: Id) -> Result<ItemRecord, PageError> {
        let item = self.r.item(i);
        self.body_links(&item.refers_to);
        let minutes = self.item_minutes(i)?;
        let meeting = self.r.meeting_headline(item.meeting);
        Ok(ItemRecord {
            kind_of_record: RecordType::Item,
            id: item.url.clone(),
            url: self.absolute(&item.url),
            data_url: self.absolute(&twin_path(&item.url)),
            title: item.title.clone(),
            number: item.number.clone(),
            date: day(meeting.date),
            committee: self.committee_ref(item.committee),
            meeting: self.meeting_ref(item.meeting),
            purpose: item.purpose.as_deref().map(markdown::plain_text),
            presenters: self.person_refs(&item.presenters),
            topics: item.topics.iter().map(|&t| self.topic_ref(t)).collect(),
            decisions: (item.decisions.iter().enumerate())
                .map(|(k, d)| self.decision_record(d, k))
                .collect(),
            actions: item.actions.iter().map(|a| self.action_record(a)).collect(),
            declarations: (item.declarations.iter())
                .map(|d| DeclarationRecord {
                    member: self.person_ref(&d.member),
                    interest: d.interest.clone(),
                    kind: d.kind.as_deref().map(crate::render::registers::kind_label),
                })
                .collect(),
            documents: (item.supporting.iter())
                .map(|&s| self.document_ref(s))
                .collect(),
            related: item.related.iter().map(|&r| self.item_ref(r)).collect(),
            referenced_by: self.reference_links(&item.referenced_by),
            recording: meeting.recording.map(|r| RecordingRecord {
                url: item.recording_at.map_or_else(|| r.url.clone(), |s| r.at(s)),
                title: r.title.clone(),
            }),
            draft: item.draft,
            minutes_html: minutes.html,
            minutes_text: minutes.text,
            extra: item.extra.clone(),
        })
    }

    fn meeting_record(&self, i: Id) -> Result<MeetingRecord, PageError> {
        let m = self.r.meeting(i);
        self.body_links(&m.refers_to);
        let notes = self.archive().bodies.render(&m.notes)?;
        Ok(MeetingRecord {
            kind_of_record: RecordType::Meeting,
            id: m.url.clone(),
            url: self.absolute(&m.url),
            data_url: self.absolute(&twin_path(&m.url)),
            title: meeting_title(m.date, &m.folder, m.label.as_deref()),
            committee: self.committee_ref(m.committee),
            date: day(m.date),
            time: m.time.clone(),
            venue: m.venue.clone(),
            status: Some(status_name(m.status)).filter(|s| !s.is_empty()),
            upcoming: self.is_upcoming(m.date),
            chair: m.chair.as_ref().map(|p| self.person_ref(p)),
            attendees: self.person_refs(&m.attendees),
            apologies: self.person_refs(&m.apologies),
            recording: m.recording.as_ref().map(|r| RecordingRecord {
                url: r.url.clone(),
                title: r.title.clone(),
            }),
            notes_html: notes.html,
            notes_text: notes.text,
            agenda: self.agenda_records(i),
            previous: m.previous.map(|p| self.meeting_ref(p)),
            next: m.next.map(|n| self.meeting_ref(n)),
            referenced_by: self.reference_links(&m.referenced_by),
            extra: m.extra.clone(),
        })
    }

    /// A meeting's agenda, its private business as the page shows it:
    /// the public title and the reason only.
    pub(super) fn agenda_records(&self, m: Id) -> Vec<AgendaRecord> {
        let meeting = self.r.meeting(m);
        let mut agenda: Vec<(u32, AgendaRecord)> = (self.r.meeting_agenda(m).iter())
            .map(|&it| {
                let item = self.r.item_headline(it);
                let entry = AgendaRecord {
                    number: item.number.to_owned(),
                    title: item.title.to_owned(),
                    url: Some(self.absolute(item.url)),
                    exempt: false,
                    exempt_reason: None,
                };
                (item.order, entry)
            })
            .collect();
        agenda.extend(meeting.exempt.iter().map(|notice| {
            let entry = AgendaRecord {
                number: notice.number.clone(),
                title: notice.public_title.clone().unwrap_or_default(),
                url: None,
                exempt: true,
                exempt_reason: notice.reason.clone(),
            };
            (notice.order, entry)
        }));
        agenda.sort_by_key(|&(order, _)| order);
        agenda.into_iter().map(|(_, entry)| entry).collect()
    }

    fn committee_record(&self, i: Id) -> Result<CommitteeRecord, PageError> {
        let c = self.r.committee(i);
        self.body_links(&c.refers_to);
        let remit = self.archive().bodies.render(&c.remit)?;
        let a = self.archive();
        Ok(CommitteeRecord {
            kind_of_record: RecordType::Committee,
            id: c.url.clone(),
            url: self.absolute(&c.url),
            data_url: self.absolute(&twin_path(&c.url)),
            title: c.title.clone(),
            short: c.short.clone(),
            authority: c.authority.clone(),
            remit_html: remit.html,
            remit_text: remit.text,
            members: self.person_refs(&c.members),
            meetings: (self.r.committee_meetings(i).iter())
                .map(|&m| self.meeting_ref(m))
                .collect(),
            decisions_url: self.absolute(&decisions_path(a, Some(i))),
            calendar_url: self.absolute(&calendar_path(a, Some(i))),
            feed_url: self.absolute(&format!("{}feed.xml", c.url)),
            referenced_by: self.reference_links(&c.referenced_by),
            extra: c.extra.clone(),
        })
    }

    pub(super) fn document_record(&self, i: Id) -> Result<DocumentRecord, PageError> {
        let doc = self.r.document(i);
        self.body_links(&doc.refers_to);
        let body = self.archive().bodies.render(&doc.body)?;
        let item = self.r.item_headline(doc.item);
        Ok(DocumentRecord {
            kind_of_record: RecordType::Document,
            id: doc.url.clone(),
            url: self.absolute(&doc.url),
            data_url: Some(self.absolute(&twin_path(&doc.url))),
            title: doc.title.clone(),
            kind: doc.kind.clone(),
            date: doc.date.map(day),
            author: doc.author.as_ref().map(|p| self.person_ref(p)),
            item: self.item_link_record(doc.item),
            meeting: self.meeting_ref(item.meeting),
            committee: self.committee_ref(item.committee),
            file_name: None,
            bytes: None,
            media_type: None,
            body_html: Some(body.html),
            body_text: Some(body.text),
            referenced_by: self.reference_links(&doc.referenced_by),
            extra: doc.extra.clone(),
        })
    }

    /// An attached file as a line of `documents.ndjson`.
    pub(super) fn attachment_record(&self, f: Id) -> DocumentRecord {
        let file = self.r.attachment(f);
        let item = self.r.item_headline(file.item);
        let path = crate::urls::percent_decode(&file.url);
        DocumentRecord {
            kind_of_record: RecordType::Attachment,
            id: path,
            url: self.absolute(&file.url),
            data_url: None,
            title: file.title.clone(),
            kind: None,
            date: Some(day(self.r.item_date(file.item))),
            author: None,
            item: self.item_link_record(file.item),
            meeting: self.meeting_ref(item.meeting),
            committee: self.committee_ref(item.committee),
            file_name: Some(file.name.clone()),
            bytes: Some(file.bytes),
            media_type: Some(media_type(&file.name)),
            body_html: None,
            // The words read from a PDF, text or CSV file, its pages apart
            // by a form feed (as `pdftotext` separates them).
            body_text: (file.text.as_deref())
                .filter(|text| text.has_words())
                .map(|text| text.pages.join("\u{c}")),
            referenced_by: Vec::new(),
            extra: Default::default(),
        }
    }

    fn item_link_record(&self, i: Id) -> Link {
        let item = self.r.item_headline(i);
        Link {
            title: item.title.to_owned(),
            url: self.absolute(item.url),
        }
    }

    fn topic_record(&self, i: Id) -> TopicRecord {
        let t = self.r.topic(i);
        TopicRecord {
            kind_of_record: RecordType::Topic,
            id: t.url.clone(),
            url: self.absolute(&t.url),
            data_url: self.absolute(&twin_path(&t.url)),
            name: t.name.clone(),
            aliases: t.aliases.clone(),
            feed_url: self.absolute(&format!("{}feed.xml", t.url)),
            committees: (t.committees.iter())
                .map(|&(c, count)| {
                    let Link { title, url } = self.committee_ref(c);
                    CountedLink { title, url, count }
                })
                .collect(),
            items: self
                .r
                .topic_items(i)
                .iter()
                .map(|&it| self.item_ref(it))
                .collect(),
        }
    }

    fn person_record(&self, i: Id) -> PersonRecord {
        let p = self.r.person(i);
        let meetings = |list: &[Id]| list.iter().map(|&m| self.meeting_ref(m)).collect();
        PersonRecord {
            kind_of_record: RecordType::Person,
            id: p.url.clone(),
            url: self.absolute(&p.url),
            data_url: self.absolute(&twin_path(&p.url)),
            name: p.name.clone(),
            roles: p.roles.clone(),
            councils: self.councils_of(p),
            memberships: p
                .memberships
                .iter()
                .map(|&c| self.committee_ref(c))
                .collect(),
            presented: p.presented.iter().map(|&it| self.item_ref(it)).collect(),
            chaired: meetings(&p.chaired),
            attended: meetings(&p.attended),
            apologies: meetings(&p.apologies),
            declarations: (p.declarations.iter())
                .map(|&(it, k)| {
                    let d = &self.r.item_headline(it).declarations[k];
                    PersonDeclaration {
                        item: self.item_ref(it),
                        interest: d.interest.clone(),
                        kind: d.kind.as_deref().map(crate::render::registers::kind_label),
                    }
                })
                .collect(),
            votes: p
                .votes
                .iter()
                .map(|&(it, k)| self.vote_record(i, it, k))
                .collect(),
            actions: (p.actions.iter())
                .map(|&(it, k)| PersonAction {
                    item: self.item_ref(it),
                    action: self.action_record(&self.r.item_headline(it).actions[k]),
                })
                .collect(),
            authored: (p.authored.iter())
                .map(|&d| {
                    let doc = self.r.document_headline(d);
                    Link {
                        title: doc.title.to_owned(),
                        url: self.absolute(doc.url),
                    }
                })
                .collect(),
        }
    }

    /// How `person` voted on the `k`th decision of item `it`.
    fn vote_record(&self, person: Id, it: Id, k: usize) -> PersonVote {
        let item = self.r.item_headline(it);
        let decision = &item.decisions[k];
        let vote = decision.vote_of(person).map_or("", Vote::words);
        PersonVote {
            item: self.item_ref(it),
            url: self.absolute(&format!("{}#{}", item.url, decision_anchor(k))),
            decision: markdown::plain_text(&decision.text),
            vote,
        }
    }
}

/// A file's media type, from its name ("" when not known).
pub(super) fn media_type(name: &str) -> String {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("")
        .to_owned()
}

/// Compact JSON: the model's values always serialise (string keys,
/// finite numbers), so an error here is a bug, not bad input.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("records serialise to JSON")
}
