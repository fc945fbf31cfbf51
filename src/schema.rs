//! The front-matter schema of each kind of content file, as the content
//! model defines it. These are the typed shapes `frontmatter::parse` fills;
//! unknown keys are rejected so typos surface as errors.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Free-form data passed to templates untouched.
pub type Extra = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
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

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum MinutesStatus {
    Draft,
    #[default]
    Approved,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
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
    pub status: MinutesStatus,
    #[serde(default)]
    pub extra: Extra,
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
        "extra",
    ];
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum PublishStatus {
    Draft,
    #[default]
    Published,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemMatter {
    pub title: String,
    #[serde(default, deserialize_with = "agenda_number")]
    pub item: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub presenters: Vec<PersonName>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
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
        "extra",
    ];
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ActionMatter {
    pub action: String,
    #[serde(default)]
    pub owner: Option<PersonName>,
    #[serde(default)]
    pub due: Option<IsoDate>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeclarationMatter {
    pub member: PersonName,
    pub interest: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    pub title: String,
    pub file: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
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

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    pub fn parse(s: &str) -> Option<IsoDate> {
        let b = s.as_bytes();
        // chrono alone accepts "2017-1-5"; the format is strictly zero-padded.
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(IsoDate)
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

/// Agenda numbers may be written as `5` or `"5a"`.
fn agenda_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Text(String),
    }
    Ok(match Option::<Num>::deserialize(d)? {
        None => None,
        Some(Num::Int(n)) => Some(n.to_string()),
        Some(Num::Text(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_as_name_or_map() {
        let p: Vec<PersonName> =
            crate::frontmatter::from_yaml("- Diane Booth\n- {name: Amy Lee, role: Chair}\n")
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
    fn agenda_number_accepts_int_or_text() {
        let m: ItemMatter = crate::frontmatter::from_yaml("title: A\nitem: 6\n").unwrap();
        assert_eq!(m.item.as_deref(), Some("6"));
        let m: ItemMatter = crate::frontmatter::from_yaml("title: A\nitem: 6a\n").unwrap();
        assert_eq!(m.item.as_deref(), Some("6a"));
    }
}
