//! The front-matter schema of each kind of content file, as the content
//! model defines it. These are the typed shapes `frontmatter::parse` fills;
//! unknown keys are rejected so typos surface as errors.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Free-form data passed to templates untouched.
pub type Extra = serde_json::Map<String, serde_json::Value>;

// `expecting` words serde's messages for clerks: without it they name the
// Rust type ("expected ActionMatter").
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, expecting = "a set of `key: value` lines")]
pub struct CommitteeMatter {
    pub title: String,
    #[serde(default)]
    pub authority: Option<String>,
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub members: Vec<PersonName>,
    #[serde(default)]
    pub extra: Extra,
}

impl CommitteeMatter {
    pub const KEYS: &'static [&'static str] = &["title", "authority", "short", "members", "extra"];
}

/// Where a meeting's record stands. Not given, it is not stated: a page
/// claims no approval the clerk did not write.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
// Read as text: the YAML library words a wrong type for an enum as "expected a
// YAML tag starting with '!'".
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum MinutesStatus {
    /// The agenda is published; there are no minutes yet.
    Agenda,
    /// Minutes written but not approved: not for publication.
    Draft,
    Approved,
}

impl TryFrom<String> for MinutesStatus {
    type Error = String;
    fn try_from(written: String) -> Result<Self, String> {
        match written.trim() {
            "agenda" => Ok(MinutesStatus::Agenda),
            "draft" => Ok(MinutesStatus::Draft),
            "approved" => Ok(MinutesStatus::Approved),
            _ => Err(format!(
                "`{written}` is not a status of a meeting: write `agenda`, `draft` or `approved`"
            )),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, expecting = "a set of `key: value` lines")]
pub struct MeetingMatter {
    #[serde(default)]
    pub date: Option<IsoDate>,
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub chair: Option<PersonName>,
    #[serde(default)]
    pub attendees: Vec<PersonName>,
    #[serde(default)]
    pub apologies: Vec<PersonName>,
    #[serde(default)]
    pub status: Option<MinutesStatus>,
    /// A label shown after the date instead of the folder's suffix:
    /// "Part II", "Extraordinary meeting". `session` is a synonym.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub recording: Option<RecordingMatter>,
    #[serde(default)]
    pub extra: Extra,
}

/// A meeting's recording: `{url, title}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    deny_unknown_fields,
    expecting = "a recording: `{url: ..., title: ...}`"
)]
pub struct RecordingMatter {
    pub url: String,
    #[serde(default)]
    pub title: Option<String>,
}

impl MeetingMatter {
    pub const KEYS: &'static [&'static str] = &[
        "date",
        "time",
        "venue",
        "chair",
        "attendees",
        "apologies",
        "status",
        "title",
        "session",
        "recording",
        "extra",
    ];
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum PublishStatus {
    Draft,
    #[default]
    Published,
}

impl TryFrom<String> for PublishStatus {
    type Error = String;
    fn try_from(written: String) -> Result<Self, String> {
        match written.trim() {
            "draft" => Ok(PublishStatus::Draft),
            "published" => Ok(PublishStatus::Published),
            _ => Err(format!(
                "`{written}` is not a status of an item: write `draft` or `published`"
            )),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, expecting = "a set of `key: value` lines")]
pub struct ItemMatter {
    pub title: String,
    #[serde(default, deserialize_with = "agenda_number")]
    pub item: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub presenters: Vec<PersonName>,
    #[serde(default, deserialize_with = "topic_names")]
    pub topics: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<DecisionMatter>,
    #[serde(default)]
    pub actions: Vec<ActionMatter>,
    #[serde(default)]
    pub declarations: Vec<DeclarationMatter>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
    #[serde(default)]
    pub status: PublishStatus,
    #[serde(default)]
    pub exempt: bool,
    /// Why it is exempt, for the agenda ("Paragraph 3 of Schedule 12A").
    #[serde(default)]
    pub exempt_reason: Option<String>,
    /// What the agenda may call an exempt item.
    #[serde(default)]
    pub public_title: Option<String>,
    /// Where in its meeting's recording the item starts.
    #[serde(default, deserialize_with = "offset")]
    pub recording_at: Option<u32>,
    #[serde(default)]
    pub extra: Extra,
}

impl ItemMatter {
    pub const KEYS: &'static [&'static str] = &[
        "title",
        "item",
        "purpose",
        "presenters",
        "topics",
        "decisions",
        "actions",
        "declarations",
        "related",
        "documents",
        "status",
        "exempt",
        "exempt_reason",
        "public_title",
        "recording_at",
        "extra",
    ];
}

/// A decision: its words, or `{text, votes: {for, against, abstain},
/// recorded: [{member, vote}]}` when the vote is minuted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecisionMatter {
    pub text: String,
    pub votes: Option<VoteCounts>,
    pub recorded: Vec<RecordedVoteMatter>,
}

/// How many voted each way.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(
    deny_unknown_fields,
    expecting = "the votes: `{for: 7, against: 2, abstain: 1}`"
)]
pub struct VoteCounts {
    #[serde(default, rename = "for")]
    pub in_favour: u32,
    #[serde(default)]
    pub against: u32,
    #[serde(default)]
    pub abstain: u32,
}

/// How one member voted, when the vote was recorded by name.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    deny_unknown_fields,
    expecting = "a recorded vote: `{member: ..., vote: for}`"
)]
pub struct RecordedVoteMatter {
    pub member: PersonName,
    pub vote: Vote,
}

/// One way to vote.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(try_from = "String")]
pub enum Vote {
    For,
    Against,
    Abstain,
}

impl TryFrom<String> for Vote {
    type Error = String;
    fn try_from(written: String) -> Result<Self, String> {
        match written.trim() {
            "for" => Ok(Vote::For),
            "against" => Ok(Vote::Against),
            "abstain" | "abstained" => Ok(Vote::Abstain),
            _ => Err(format!(
                "`{written}` is not a vote: write `for`, `against` or `abstain`"
            )),
        }
    }
}

impl Vote {
    /// As pages say it.
    pub fn words(self) -> &'static str {
        match self {
            Vote::For => "for",
            Vote::Against => "against",
            Vote::Abstain => "abstained",
        }
    }
}

/// The mapping form of a decision.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a decision: its words, or `{text: ..., votes: ...}`"
)]
struct DecisionMap {
    text: String,
    #[serde(default)]
    votes: Option<VoteCounts>,
    #[serde(default)]
    recorded: Vec<RecordedVoteMatter>,
}

impl<'de> Deserialize<'de> for DecisionMatter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DecisionVisitor;
        impl<'de> Visitor<'de> for DecisionVisitor {
            type Value = DecisionMatter;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decision: its words, or `{text: ..., votes: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DecisionMatter, E> {
                Ok(DecisionMatter {
                    text: v.to_owned(),
                    ..DecisionMatter::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DecisionMatter, A::Error> {
                let m = DecisionMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DecisionMatter {
                    text: m.text,
                    votes: m.votes,
                    recorded: m.recorded,
                })
            }
        }
        deserializer.deserialize_any(DecisionVisitor)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, expecting = "an action")]
pub struct ActionMatter {
    pub action: String,
    #[serde(default)]
    pub owner: Option<PersonName>,
    #[serde(default)]
    pub due: Option<IsoDate>,
    #[serde(default)]
    pub status: Option<ActionStatus>,
    /// When it was done.
    #[serde(default)]
    pub done: Option<IsoDate>,
}

impl ActionMatter {
    /// As written, or: done when a `done` date is given, else open.
    pub fn status(&self) -> ActionStatus {
        self.status.unwrap_or(if self.done.is_some() {
            ActionStatus::Done
        } else {
            ActionStatus::Open
        })
    }
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum ActionStatus {
    Open,
    Done,
    /// No longer to be done.
    Dropped,
}

impl TryFrom<String> for ActionStatus {
    type Error = String;
    fn try_from(written: String) -> Result<Self, String> {
        match written.trim() {
            "open" => Ok(ActionStatus::Open),
            "done" => Ok(ActionStatus::Done),
            "dropped" => Ok(ActionStatus::Dropped),
            _ => Err(format!(
                "`{written}` is not a status of an action: write `open`, `done` or `dropped`"
            )),
        }
    }
}

impl ActionStatus {
    /// As themes test it.
    pub fn name(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, expecting = "a declaration")]
pub struct DeclarationMatter {
    pub member: PersonName,
    pub interest: String,
    /// `pecuniary`, `other registrable`, `non-registrable`, or as written.
    #[serde(default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, expecting = "a document entry")]
pub struct DocumentEntry {
    pub title: String,
    pub file: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, expecting = "a set of `key: value` lines")]
pub struct DocumentMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub date: Option<IsoDate>,
    #[serde(default)]
    pub author: Option<PersonName>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

impl DocumentMatter {
    pub const KEYS: &'static [&'static str] = &["title", "date", "author", "kind", "extra"];
}

/// A person as written in front matter: `Diane Booth` or
/// `{name: Diane Booth, role: Director of Children's Services}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName {
    pub name: String,
    pub role: Option<String>,
}

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PersonVisitor;
        impl<'de> Visitor<'de> for PersonVisitor {
            type Value = PersonName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a person: a name, or `{name: ..., role: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PersonName, E> {
                let name = v.trim();
                if name.is_empty() {
                    return Err(E::custom("a person's name is empty"));
                }
                Ok(PersonName {
                    name: name.to_owned(),
                    role: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PersonName, A::Error> {
                let mut name: Option<String> = None;
                let mut role: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value()?),
                        "role" => role = map.next_value()?,
                        other => {
                            return Err(de::Error::unknown_field(other, &["name", "role"]));
                        }
                    }
                }
                let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
                let name = name.trim();
                if name.is_empty() {
                    return Err(de::Error::custom("a person's name is empty"));
                }
                Ok(PersonName {
                    name: name.to_owned(),
                    role: role.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
                })
            }
        }
        deserializer.deserialize_any(PersonVisitor)
    }
}

/// An optional text as given: trimmed, and none when blank (a key written
/// with nothing after it says nothing).
pub fn given(text: &Option<String>) -> Option<String> {
    (text.as_deref().map(str::trim))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    pub fn parse(s: &str) -> Option<IsoDate> {
        crate::dates::parse_iso(s).map(IsoDate)
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        IsoDate::parse(s.trim()).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a valid date: write dates as YYYY-MM-DD, e.g. 2017-12-07"
            ))
        })
    }
}

/// Agenda numbers may be written as `5` or `"5a"`. A visitor rather than
/// an untagged enum: serde's untagged enums lose the error's place and name
/// the Rust type ("untagged enum Num").
fn agenda_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct AgendaNumber;
    impl Visitor<'_> for AgendaNumber {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an agenda number, e.g. 5 or 5a")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            Ok(Some(n.to_string()))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(AgendaNumber)
}

/// A place in a recording, written `01:23:45` or `23:45` (or as seconds):
/// the seconds from its start.
fn offset<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Offset;
    impl Visitor<'_> for Offset {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a time in the recording, e.g. \"01:23:45\"")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            u32::try_from(n)
                .map(Some)
                .map_err(|_| E::custom("the time is too long"))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse_offset(s).map(Some).ok_or_else(|| {
                E::custom(format!(
                    "`{s}` is not a time in a recording: write hours, minutes and seconds, e.g. \"01:23:45\", or minutes and seconds, \"23:45\""
                ))
            })
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Offset)
}

/// "01:23:45" or "23:45" -> seconds.
pub fn parse_offset(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    // Digits only, `digits` of them (or 1 to 2 when 0).
    let number = |p: &str, digits: usize| {
        let fits = if digits == 0 {
            (1..=2).contains(&p.len())
        } else {
            p.len() == digits
        };
        (fits && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok())?
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (h.trim().parse::<u32>().ok()?, number(m, 2)?, number(s, 2)?),
        [m, s] => (0, number(m, 0)?, number(s, 2)?),
        _ => return None,
    };
    (m < 60 && sec < 60).then(|| h * 3600 + m * 60 + sec)
}

/// A topic as written. YAML reads `null`, `~` or nothing as no value, which
/// as text became a topic named "null"; it is an error instead.
struct TopicName(String);

impl<'de> Deserialize<'de> for TopicName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(name) => Ok(TopicName(name)),
            None => Err(de::Error::custom("a topic is empty")),
        }
    }
}

fn topic_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let names = Vec::<TopicName>::deserialize(d)?;
    Ok(names.into_iter().map(|TopicName(name)| name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_as_name_or_map() {
        let p: Vec<PersonName> =
            crate::load::frontmatter::from_yaml("- Diane Booth\n- {name: Amy Lee, role: Chair}\n")
                .unwrap();
        assert_eq!(p[0].name, "Diane Booth");
        assert_eq!(p[0].role, None);
        assert_eq!(p[1].role.as_deref(), Some("Chair"));
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(IsoDate::parse("2017-12-07").is_some());
        assert!(IsoDate::parse("2017-13-07").is_none());
        assert!(IsoDate::parse("7 Dec 2017").is_none());
        assert!(IsoDate::parse("2017-1-07").is_none());
    }

    #[test]
    fn a_decision_is_its_words_or_a_mapping_with_its_votes() {
        let m: ItemMatter = crate::load::frontmatter::from_yaml(
            "title: A\ndecisions:\n  - Noted.\n  - text: Approved.\n    votes: {for: 7, against: 2}\n    recorded: [{member: Amy Lee, vote: against}]\n",
        )
        .unwrap();
        assert_eq!(m.decisions[0].text, "Noted.");
        assert_eq!(m.decisions[0].votes, None);
        let votes = m.decisions[1].votes.expect("votes");
        assert_eq!((votes.in_favour, votes.against, votes.abstain), (7, 2, 0));
        assert_eq!(m.decisions[1].recorded[0].vote, Vote::Against);
        for (yaml, says) in [
            (
                "title: A\ndecisions: [{text: X, vots: {for: 1}}]\n",
                "unknown field `vots`",
            ),
            (
                "title: A\ndecisions: [{text: X, recorded: [{member: A, vote: yes}]}]\n",
                "write `for`, `against` or `abstain`",
            ),
            (
                "title: A\ndecisions: [{votes: {for: 1}}]\n",
                "missing field `text`",
            ),
            ("title: A\ndecisions: [[x]]\n", "expected a decision"),
        ] {
            let e = crate::load::frontmatter::from_yaml::<ItemMatter>(yaml).unwrap_err();
            assert!(e.contains(says), "{yaml:?}: {e}");
        }
    }

    #[test]
    fn recording_offsets_are_read_as_times() {
        assert_eq!(parse_offset("01:23:45"), Some(5025));
        assert_eq!(parse_offset("23:45"), Some(1425));
        assert_eq!(parse_offset("2:03:04"), Some(7384));
        for odd in ["", "1:60:00", "12", "1:2:3:4", "a:00", "00:5"] {
            assert_eq!(parse_offset(odd), None, "{odd}");
        }
        let m: ItemMatter =
            crate::load::frontmatter::from_yaml("title: A\nrecording_at: \"00:10:00\"\n").unwrap();
        assert_eq!(m.recording_at, Some(600));
        let e = crate::load::frontmatter::from_yaml::<ItemMatter>("title: A\nrecording_at: soon\n")
            .unwrap_err();
        assert!(e.contains("e.g. \"01:23:45\""), "{e}");
    }

    #[test]
    fn agenda_number_accepts_int_or_text() {
        let m: ItemMatter = crate::load::frontmatter::from_yaml("title: A\nitem: 6\n").unwrap();
        assert_eq!(m.item.as_deref(), Some("6"));
        let m: ItemMatter = crate::load::frontmatter::from_yaml("title: A\nitem: 6a\n").unwrap();
        assert_eq!(m.item.as_deref(), Some("6a"));
        let m: ItemMatter = crate::load::frontmatter::from_yaml("title: A\nitem: \"5\"\n").unwrap();
        assert_eq!(m.item.as_deref(), Some("5"));
        let m: ItemMatter = crate::load::frontmatter::from_yaml("title: A\nitem:\n").unwrap();
        assert_eq!(m.item, None);
        let e =
            crate::load::frontmatter::from_yaml::<ItemMatter>("title: A\nitem: [5]\n").unwrap_err();
        assert!(e.contains("expected an agenda number"), "{e}");
    }

    #[test]
    fn an_empty_topic_is_an_error_and_a_quoted_null_a_name() {
        let e = crate::load::frontmatter::from_yaml::<ItemMatter>("title: A\ntopics: [a, null]\n")
            .unwrap_err();
        assert!(e.contains("a topic is empty"), "{e}");
        let e =
            crate::load::frontmatter::from_yaml::<ItemMatter>("title: A\ntopics:\n  - a\n  -\n")
                .unwrap_err();
        assert!(e.contains("a topic is empty"), "{e}");
        let m: ItemMatter =
            crate::load::frontmatter::from_yaml("title: A\ntopics: [\"null\", 2024]\n").unwrap();
        assert_eq!(m.topics, ["null", "2024"]);
    }

    #[test]
    fn messages_name_no_rust_types() {
        for (yaml, says) in [
            ("title: A\nactions: [Do it]\n", "expected an action"),
            (
                "title: A\nactions: [{action: X, status: finished}]\n",
                "write `open`, `done` or `dropped`",
            ),
            ("title: A\ndeclarations: [x]\n", "expected a declaration"),
            ("title: A\ndocuments: [x]\n", "expected a document entry"),
            ("title: A\nstatus: [x]\n", "expected a string"),
            (
                "title: A\nstatus: publishd\n",
                "write `draft` or `published`",
            ),
            ("Just text\n", "expected a set of `key: value` lines"),
        ] {
            let e = crate::load::frontmatter::from_yaml::<ItemMatter>(yaml).unwrap_err();
            assert!(e.contains(says), "{yaml:?}: {e}");
            assert!(
                !e.contains("Matter") && !e.contains("Entry"),
                "{yaml:?}: {e}"
            );
        }
    }
}
