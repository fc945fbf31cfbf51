//! The JSON Schemas of the data files, made by schemars from the very
//! types the files are written from (their doc comments become the
//! descriptions), so a schema cannot drift from what a build writes.
//! Published under `/data/schema/`; the tests validate every data file of
//! the fixture archives against them.

use super::records::*;
use super::standards::{Events, Popolo};

/// A shape of record a data file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    Committee,
    Meeting,
    Item,
    Document,
    Topic,
    Person,
    Popolo,
    Events,
}

impl Shape {
    pub const ALL: [Shape; 8] = [
        Shape::Committee,
        Shape::Meeting,
        Shape::Item,
        Shape::Document,
        Shape::Topic,
        Shape::Person,
        Shape::Popolo,
        Shape::Events,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Committee => "committee",
            Shape::Meeting => "meeting",
            Shape::Item => "item",
            Shape::Document => "document",
            Shape::Topic => "topic",
            Shape::Person => "person",
            Shape::Popolo => "popolo",
            Shape::Events => "events",
        }
    }
}

/// Where the schema of `shape` is published.
pub fn path(shape: Shape) -> String {
    format!("/data/schema/{}.json", shape.name())
}

/// The schema of `shape`, as pretty JSON.
pub fn json(shape: Shape) -> String {
    let schema = match shape {
        Shape::Committee => schemars::schema_for!(CommitteeRecord),
        Shape::Meeting => schemars::schema_for!(MeetingRecord),
        Shape::Item => schemars::schema_for!(ItemRecord),
        Shape::Document => schemars::schema_for!(DocumentRecord),
        Shape::Topic => schemars::schema_for!(TopicRecord),
        Shape::Person => schemars::schema_for!(PersonRecord),
        Shape::Popolo => schemars::schema_for!(Popolo),
        Shape::Events => schemars::schema_for!(Events),
    };
    serde_json::to_string_pretty(&schema).expect("schemas serialise to JSON") + "\n"
}
