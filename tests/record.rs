//! The council's record beyond the pages of its items, built from fixture
//! archives with a fixed build date: upcoming meetings and where each
//! meeting's record stands, the actions tracker with overdue actions, and
//! the calendars, read back by an iCalendar parser field by field.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use quorum::build::{self, BuildReport};

fn build_on(root: &Path, today: &str) -> BuildReport {
    let mut options = options(root);
    options.today = on(today);
    match build::build(&options) {
        Ok(report) => report,
        Err(f) => panic!("build failed:\n{}", messages(&f)),
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).map_or(s.len(), |i| i + start.len());
    let rest = &s[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// A calendar's events, each as its properties by name ("DTSTART;VALUE=DATE"
/// for one with parameters), parsed by the `ical` crate.
fn events(ics: &str) -> Vec<BTreeMap<String, String>> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(calendars.next().is_none(), "one calendar only");
    calendar
        .events
        .into_iter()
        .map(|e| {
            (e.properties.into_iter())
                .map(|p| {
                    let params: String = (p.params.unwrap_or_default().into_iter())
                        .map(|(k, v)| format!(";{k}={}", v.join(",")))
                        .collect();
                    (format!("{}{params}", p.name), p.value.unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

#[test]
fn meetings_after_the_build_date_are_upcoming_and_listed_first() {
    let dir = fixture("basic");
    let root = dir.path();
    // On 15 February the March meeting is still to come.
    build_on(root, "2024-02-15");
    let home = page(root, "/");
    let next = between(
        &home,
        "<h2 id=\"upcoming-heading\">Next meetings</h2>",
        "</section>",
    );
    assert!(next.contains("/finance/2024-03-05/"), "{next}");
    assert!(!next.contains("/finance/2024-01-10/"), "{next}");
    let latest = between(&home, "<h2 id=\"latest-heading\">", "</section>");
    assert!(
        !latest.contains("/finance/2024-03-05/"),
        "held meetings only: {latest}"
    );
    assert!(latest.contains("/children/2024-02-01/"), "{latest}");
    let committee = page(root, "/finance/");
    let upcoming = between(&committee, "<section id=\"upcoming\"", "</section>");
    assert!(upcoming.contains("/finance/2024-03-05/"), "{upcoming}");
    assert!(page(root, "/finance/2024-03-05/").contains("tag-upcoming"));
    assert!(!page(root, "/finance/2024-01-10/").contains("tag-upcoming"));
    // After it, nothing is upcoming.
    build_on(root, "2024-03-05");
    let home = page(root, "/");
    assert!(
        !home.contains("Next meetings"),
        "a meeting today is not upcoming"
    );
    assert!(!page(root, "/finance/").contains("id=\"upcoming\""));
}

#[test]
fn a_meeting_claims_no_approval_it_does_not_state() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nstatus: agenda\n---\n",
    );
    build_ok(root);
    let facts = |url: &str| between(&page(root, url), "<dl class=\"facts\">", "</dl>").to_owned();
    assert!(facts("/finance/2024-01-10/").contains("<dd>Approved</dd>"));
    let agenda = facts("/finance/2024-03-05/");
    assert!(
        agenda.contains("Agenda published; no minutes yet"),
        "{agenda}"
    );
    assert!(!agenda.contains("Approved"), "{agenda}");
    // The children's meeting has no meeting file at all.
    let unstated = facts("/children/2024-02-01/");
    assert!(unstated.contains("Status not stated"), "{unstated}");
    assert!(!unstated.contains("Approved"), "{unstated}");
    assert!(page(root, "/meetings/").contains("agenda only"));
    // A status that is not one is an error naming the three.
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nstatus: provisional\n---\n",
    );
    let failure = build(root).expect_err("an unknown status");
    let text = messages(&failure);
    assert!(text.contains("_meeting.md:2"), "{text}");
    assert!(
        text.contains("write `agenda`, `draft` or `approved`"),
        "{text}"
    );
}

/// The rows of the actions register: (group, action, status cell).
fn register_rows(html: &str) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for section in html.split("<section aria-labelledby=\"actions-").skip(1) {
        let group = between(section, "\">", "</h2>");
        let group = group.rsplit('>').next().unwrap_or_default().to_owned();
        for row in between(section, "<tbody>", "</tbody>")
            .split("<tr>")
            .skip(1)
        {
            let cells: Vec<&str> = row.split("<td>").skip(1).collect();
            let action = between(cells[0], "\">", "</a>").to_owned();
            let status = cells[3].trim_end_matches("</td>").to_owned();
            rows.push((group.clone(), action, status));
        }
    }
    rows
}

#[test]
fn the_actions_register_puts_open_actions_first_and_marks_the_overdue() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\nactions:\n  - {action: Publish the savings plan, owner: Eve Owner, due: 2024-05-01}\n  - {action: Write to the minister, status: dropped}\n  - {action: Brief the cabinet, owner: Eve Owner, done: 2024-03-20}\n  - {action: Audit the reserves, due: 2024-09-30}\n---\n## Next steps\n\nFollow-up.\n",
    );
    build_on(root, "2024-04-01");
    let rows = register_rows(&page(root, "/actions/"));
    let open = |s: &str| ("Open".to_owned(), s.to_owned(), "Open".to_owned());
    let overdue = |s: &str| {
        let tag = "<strong class=\"tag tag-overdue\">Overdue</strong>";
        ("Open".to_owned(), s.to_owned(), tag.to_owned())
    };
    assert_eq!(
        rows,
        [
            overdue("Circulate the revised forecast"),
            open("Publish the savings plan"),
            open("Audit the reserves"),
            (
                "Done".to_owned(),
                "Brief the cabinet".to_owned(),
                "Done <time datetime=\"2024-03-20\">20 March 2024</time>".to_owned()
            ),
            (
                "Dropped".to_owned(),
                "Write to the minister".to_owned(),
                "Dropped".to_owned()
            ),
        ],
        "open ones soonest due first, then done, then dropped"
    );
    let register = page(root, "/actions/");
    assert!(
        register.contains("3 open (1 overdue), 1 done, 1 dropped"),
        "{register}"
    );
    // Each links to its row on the item's page.
    assert!(register.contains("href=\"/finance/2024-03-05/budget-follow-up/#action-3\""));
    let item = page(root, "/finance/2024-03-05/budget-follow-up/");
    assert!(item.contains("<tr id=\"action-3\">"), "{item}");
    // The owner's page shows where each of theirs stands.
    let owner = page(root, "/people/eve-owner/");
    let theirs = between(&owner, "<section id=\"actions\"", "</section>");
    assert!(theirs.contains("Overdue"), "{theirs}");
    assert!(theirs.contains("Done <time"), "{theirs}");
    // On its due date it is not yet overdue; a month earlier, nothing was.
    build_on(root, "2024-02-01");
    assert!(!page(root, "/actions/").contains("tag-overdue"));
    build_on(root, "2024-01-15");
    assert!(!page(root, "/actions/").contains("tag-overdue"));
}

#[test]
fn an_action_status_that_is_not_one_is_an_error_with_the_choices() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\nactions:\n  - {action: Brief the cabinet, status: finished}\n---\n",
    );
    let text = messages(&build(root).expect_err("an unknown status"));
    assert!(text.contains("02-budget-follow-up.md:4"), "{text}");
    assert!(text.contains("write `open`, `done` or `dropped`"), "{text}");
}

#[test]
fn calendars_hold_each_meeting_with_its_time_place_and_address() {
    let dir = fixture("basic");
    let root = dir.path();
    // A summer meeting, in British Summer Time, with an end.
    write(
        root,
        "content/children/2024-07-04/_meeting.md",
        "---\ntime: 6.30pm to 8pm\nvenue: Council Chamber\nstatus: agenda\n---\n",
    );
    write(
        root,
        "content/children/2024-07-04/01-placements.md",
        "---\ntitle: Placements, Sufficiency\n---\nTo come.\n",
    );
    let report = build_on(root, "2024-06-01");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let all = events(&page(root, "/calendar.ics"));
    let uids: Vec<&str> = all.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(
        uids,
        [
            "finance-2024-01-10@minutes.example.org",
            "children-2024-02-01@minutes.example.org",
            "finance-2024-03-05@minutes.example.org",
            "children-2024-07-04@minutes.example.org",
        ],
        "every meeting, oldest first, each with a UID of its own address"
    );
    // 18:00 in January is 18:00 UTC; two hours when no end is given.
    let january = &all[0];
    assert_eq!(january["DTSTART"], "20240110T180000Z");
    assert_eq!(january["DTEND"], "20240110T200000Z");
    assert_eq!(january["LOCATION"], "Room A\\, Town Hall");
    assert_eq!(
        january["URL"],
        "https://minutes.example.org/finance/2024-01-10/"
    );
    assert_eq!(january["STATUS"], "CONFIRMED");
    assert_eq!(january["DTSTAMP"], "20240601T000000Z", "the build date");
    assert!(
        january["SUMMARY"].starts_with("Finance Committee"),
        "{january:?}"
    );
    assert!(
        january["DESCRIPTION"].contains("1. Budget Monitoring"),
        "{january:?}"
    );
    // No time: all day, to the next day as RFC 5545 counts.
    let march = &all[2];
    assert_eq!(march["DTSTART;VALUE=DATE"], "20240305");
    assert_eq!(march["DTEND;VALUE=DATE"], "20240306");
    assert!(!march.contains_key("LOCATION"));
    // 18:30 in July is 17:30 UTC.
    let july = &all[3];
    assert_eq!(july["DTSTART"], "20240704T173000Z");
    assert_eq!(july["DTEND"], "20240704T190000Z");
    assert_eq!(july["DESCRIPTION"], "Agenda: 1. Placements\\, Sufficiency");
    // A committee's calendar holds its own meetings only.
    let children = events(&page(root, "/children/calendar.ics"));
    let uids: Vec<&str> = children.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(
        uids,
        [
            "children-2024-02-01@minutes.example.org",
            "children-2024-07-04@minutes.example.org"
        ]
    );
    assert_eq!(children[1]["SUMMARY"], "Meeting of 4 July 2024");
    // Pages say how to subscribe.
    assert!(page(root, "/children/").contains("href=\"/children/calendar.ics\""));
    assert!(page(root, "/meetings/").contains("href=\"/calendar.ics\""));
    // The same build on the same date writes the same calendar.
    let first = page(root, "/calendar.ics");
    build_on(root, "2024-06-01");
    assert_eq!(page(root, "/calendar.ics"), first);
}

#[test]
fn a_time_that_is_not_a_clock_time_is_a_warning_and_an_all_day_event() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\ntime: after the AGM\n---\n",
    );
    let report = build_on(root, "2024-06-01");
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("after the AGM"))
        .expect("a warning");
    assert!(!warning.is_error());
    assert_eq!(warning.line, Some(2));
    assert!(warning.message.contains("all day"), "{}", warning.message);
    let finance = events(&page(root, "/finance/calendar.ics"));
    assert_eq!(finance[1]["DTSTART;VALUE=DATE"], "20240305");
}

#[test]
fn the_register_of_declarations_lists_each_members_declarations_with_their_kind() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\ndeclarations:\n  - {member: Bob Member, interest: Owns land near the depot, kind: pecuniary}\n  - {member: Ann Chair, interest: Governor of a local school, kind: other registrable}\n---\n## Next steps\n\nFollow-up.\n",
    );
    build_ok(root);
    let register = page(root, "/declarations/");
    assert!(
        register.contains("3 declarations made at meetings"),
        "{register}"
    );
    let members: Vec<&str> = register
        .split("<h2 id=\"member-")
        .skip(1)
        .map(|s| {
            between(s, "\">", "</a>")
                .rsplit('>')
                .next()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(members, ["Ann Chair", "Bob Member"], "by member");
    let bob = between(&register, "Bob Member</a></h2>", "</section>");
    let texts: Vec<&str> = bob
        .split("<div class=\"register-text\">")
        .skip(1)
        .map(|s| between(s, "", "</div>"))
        .collect();
    assert_eq!(
        texts,
        [
            "Owns land near the depot <span class=\"meta\">(Pecuniary)</span>",
            "Foster carer",
        ],
        "each member's newest first, with the kind where given"
    );
    assert!(bob.contains("href=\"/finance/2024-03-05/budget-follow-up/\""));
    let item = page(root, "/finance/2024-03-05/budget-follow-up/");
    assert!(
        item.contains("Governor of a local school <span class=\"meta\">(Other registrable)</span>")
    );
    let person = page(root, "/people/bob-member/");
    assert!(person.contains("Owns land near the depot <span class=\"meta\">(Pecuniary)</span>"));
}

/// The agenda lines of a meeting page: (number, heading, the line below).
fn agenda_lines(html: &str) -> Vec<(String, String, String)> {
    between(html, "<ol class=\"agenda\">", "</ol>")
        .split("<span class=\"agenda-number\">")
        .skip(1)
        .map(|entry| {
            let number = between(entry, "", "</span>").to_owned();
            let heading = between(entry, "<h3>", "</h3>");
            let heading = match heading.split_once("\">") {
                Some((_, linked)) => between(linked, "", "</a>").to_owned(),
                None => heading.to_owned(),
            };
            let below = between(entry, "<p class=\"meta\">", "</p>").to_owned();
            (number, heading, below)
        })
        .collect()
}

#[test]
fn exempt_business_leaves_a_line_on_the_agenda_and_nothing_else() {
    let dir = fixture("basic");
    let root = dir.path();
    // The fixture's exempt item gives neither reason nor public title; add
    // one that gives both.
    write(
        root,
        "content/finance/2024-01-10/04-staffing.md",
        "---\ntitle: Restructure of WITHHELD-TEAM-NAME\nexempt: true\nitem: 4a\nexempt_reason: Paragraph 3 of Schedule 12A\npublic_title: Staffing matter\npresenters: [Quill Secret]\n---\nWITHHELD-BODY-WORDS\n",
    );
    build_ok(root);
    let meeting = page(root, "/finance/2024-01-10/");
    let excluded = "Exempt business: the press and public were excluded";
    assert_eq!(
        agenda_lines(&meeting),
        [
            (
                "1".to_owned(),
                "Budget Monitoring".to_owned(),
                "Presented by Dee Officer".to_owned()
            ),
            (
                "2".to_owned(),
                "Exempt business".to_owned(),
                format!("{excluded}.")
            ),
            (
                "4a".to_owned(),
                "Staffing matter".to_owned(),
                format!("{excluded} (Paragraph 3 of Schedule 12A).")
            ),
        ],
        "in agenda order, with only what was given for the public"
    );
    let all = all_output(root);
    for secret in [
        "WITHHELD-TEAM-NAME",
        "WITHHELD-BODY-WORDS",
        "Quill Secret",
        "Confidential Land Deal",
        "CONFIDENTIAL-PHRASE-XYZ",
        "staffing/",
    ] {
        assert!(!all.contains(secret), "{secret} leaked");
    }
}

#[test]
fn a_meeting_label_is_shown_after_its_date_wherever_the_meeting_is_named() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nsession: Part II\n---\n",
    );
    build_ok(root);
    let label = "5 March 2024 (Part II)";
    assert!(page(root, "/finance/2024-03-05/").contains(&format!("<h1>Meeting of {label}</h1>")));
    assert!(page(root, "/finance/").contains(label));
    assert!(page(root, "/meetings/").contains(label));
    let finance = events(&page(root, "/finance/calendar.ics"));
    assert_eq!(finance[1]["SUMMARY"], format!("Meeting of {label}"));
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\ntitle: Extraordinary meeting\nsession: Part II\n---\n",
    );
    let text = messages(&build(root).expect_err("two labels"));
    assert!(text.contains("both `title` and `session`"), "{text}");
}

#[test]
fn pages_link_to_a_meetings_recording_at_each_items_place_in_it() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nrecording: {url: \"https://media.example.org/finance-2024-03-05.mp4\", title: Webcast}\n---\n",
    );
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\nrecording_at: \"01:23:45\"\n---\n## Next steps\n\nFollow-up.\n",
    );
    write(
        root,
        "content/children/2024-02-01/_meeting.md",
        "---\nrecording: {url: \"https://www.youtube.com/watch?v=abc123\"}\n---\n",
    );
    write(
        root,
        "content/children/2024-02-01/04-fostering.md",
        "---\ntitle: Fostering\nrecording_at: \"12:05\"\n---\nFostering.\n",
    );
    let report = build_ok(root);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let meeting = page(root, "/finance/2024-03-05/");
    assert!(meeting.contains(
        "<dt>Recording</dt><dd><a href=\"https://media.example.org/finance-2024-03-05.mp4\">Webcast</a></dd>"
    ));
    let item = page(root, "/finance/2024-03-05/budget-follow-up/");
    assert!(
        item.contains("<a href=\"https://media.example.org/finance-2024-03-05.mp4#t=5025\">Watch this item in the recording, from 1:23:45</a>"),
        "a media file takes a #t= fragment: {item}"
    );
    let item = page(root, "/children/2024-02-01/fostering/");
    assert!(
        item.contains("href=\"https://www.youtube.com/watch?v=abc123&amp;t=725s\""),
        "YouTube takes a t parameter: {item}"
    );
    assert!(item.contains("Recording of the meeting"));
    // A place in a recording the meeting does not give is a warning; a
    // recording that is not a web address, an error.
    write(
        root,
        "content/children/2024-02-01/_meeting.md",
        "---\nchair: Ann Chair\n---\n",
    );
    let report = build_ok(root);
    let warning = (report.diagnostics.iter())
        .find(|d| d.message.contains("recording_at"))
        .expect("a warning");
    assert_eq!(warning.line, Some(3));
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nrecording: {url: \"javascript:alert(1)\"}\n---\n",
    );
    let text = messages(&build(root).expect_err("not a web address"));
    assert!(text.contains("is not a web address"), "{text}");
}

/// The rows of an attendance table: (who, attended, apologies, absent, "P% of N").
fn attendance_rows(html: &str) -> Vec<[String; 5]> {
    between(html, "<table class=\"attendance\">", "</table>")
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let who = between(row, "\">", "</a>").to_owned();
            let cells: Vec<String> = (row.split("<td>").skip(1))
                .map(|c| {
                    between(c, "", "</td>")
                        .replace("<span class=\"meta\">", "")
                        .replace("</span>", "")
                })
                .collect();
            [
                who,
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ]
        })
        .collect()
}

#[test]
fn attendance_counts_each_members_meetings_present_with_apologies_and_absent() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/_committee.md",
        "---\ntitle: Finance Committee\nmembers:\n  - {name: Ann Chair, role: Chair}\n  - Bob Member\n  - Cat Absent\n---\n",
    );
    // A third meeting: Bob sends apologies, Cat comes as a substitute's
    // guest; a fourth, upcoming on the build date, does not count.
    write(
        root,
        "content/finance/2024-04-11/_meeting.md",
        "---\nchair: Ann Chair\nattendees: [{name: Cat Absent, role: Substitute for Bob Member}]\napologies: [Bob Member]\n---\n",
    );
    write(
        root,
        "content/finance/2024-09-12/_meeting.md",
        "---\napologies: [Ann Chair, Bob Member, Cat Absent]\n---\n",
    );
    build_on(root, "2024-06-01");
    let rows = attendance_rows(&page(root, "/finance/"));
    let row =
        |who: &str, a: &str, ap: &str, ab: &str, p: &str| [who, a, ap, ab, p].map(str::to_owned);
    // 10 January: Ann chairs, Bob attends, Cat sends apologies. 5 March:
    // Ann chairs; the others are absent. 11 April: as written above.
    assert_eq!(
        rows,
        [
            row("Ann Chair", "3", "0", "0", "100% of 3"),
            row("Bob Member", "1", "1", "1", "33% of 3"),
            row("Cat Absent", "1", "1", "1", "33% of 3"),
        ]
    );
    let person = page(root, "/people/bob-member/");
    assert_eq!(
        attendance_rows(&person),
        [row("Finance Committee", "1", "1", "1", "33% of 3")]
    );
    assert!(
        person.contains("Appears for Testshire Council."),
        "{person}"
    );
    // The role given at one meeting is that meeting's, not the person's.
    let cat = page(root, "/people/cat-absent/");
    assert!(!cat.contains("Substitute for"), "{cat}");
    assert!(page(root, "/finance/2024-04-11/").contains("Substitute for Bob Member"));
}

#[test]
fn people_are_listed_by_surname_unless_told_otherwise() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/children/2024-02-01/04-fostering.md",
        "---\ntitle: Fostering\npresenters: [Cllr Zoe Abbott, Maria de la Cruz, Yan Young]\n---\nFostering.\n",
    );
    let names = |root: &Path| -> Vec<String> {
        between(
            &page(root, "/people/"),
            "<ul class=\"people-index\">",
            "</ul>",
        )
        .split("<li><a href=")
        .skip(1)
        .map(|li| between(li, "\">", "</a>").to_owned())
        .collect()
    };
    build_ok(root);
    let people = names(root);
    assert_eq!(people[0], "Cllr Zoe Abbott", "{people:?}");
    let cruz = people.iter().position(|p| p == "Maria de la Cruz");
    let chair = people.iter().position(|p| p == "Ann Chair");
    assert!(
        cruz > chair,
        "by the last word, Cruz after Chair: {people:?}"
    );
    assert_eq!(people.last().map(String::as_str), Some("Yan Young"));
    let toml = std::fs::read_to_string(root.join("quorum.toml")).unwrap();
    write(
        root,
        "quorum.toml",
        &format!("{toml}\n[people.\"Maria de la Cruz\"]\nsort_as = \"de la Cruz, Maria\"\n"),
    );
    build_ok(root);
    let people = names(root);
    let cruz = people.iter().position(|p| p == "Maria de la Cruz");
    let officer = people.iter().position(|p| p == "Dee Officer");
    assert!(cruz < officer, "sorted as \"de la Cruz\": {people:?}");
}

#[test]
fn recorded_votes_show_on_the_item_the_register_and_how_each_member_voted() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\ndecisions:\n  - The Committee noted the update.\n  - text: The Committee approved the *revised* budget.\n    recorded:\n      - {member: Ann Chair, vote: for}\n      - {member: Bob Member, vote: against}\n      - {member: Cat Absent, vote: abstain}\n  - text: The Committee rejected the amendment.\n    votes: {for: 2, against: 7}\n---\n## Next steps\n\nFollow-up.\n",
    );
    build_ok(root);
    let item = page(root, "/finance/2024-03-05/budget-follow-up/");
    let second = between(&item, "<li id=\"decision-2\">", "</details>");
    assert!(
        second.contains("The Committee approved the <em>revised</em> budget. <p class=\"meta\"><span class=\"votes\">For 1, against 1, abstained 1</span></p>"),
        "counts tallied from the recorded votes: {second}"
    );
    assert!(second.contains("Bob Member</a>: against"), "{second}");
    let third = between(&item, "<li id=\"decision-3\">", "</li>");
    assert!(third.contains("For 2, against 7</span>"), "{third}");
    assert!(!third.contains("abstained"), "{third}");
    assert!(
        item.contains("<li id=\"decision-1\">The Committee noted the update.</li>"),
        "a plain decision is as before"
    );
    let register = page(root, "/decisions/2024/");
    assert!(
        register.contains("(<span class=\"votes\">For 2, against 7</span>)"),
        "{register}"
    );
    let bob = page(root, "/people/bob-member/");
    let votes = between(&bob, "<section id=\"votes\"", "</section>");
    assert!(
        votes.contains("<strong>Against</strong>: <a href=\"/finance/2024-03-05/budget-follow-up/#decision-2\">The Committee approved the revised budget.</a>"),
        "{votes}"
    );
    // A vote that is not one is an error naming the choices.
    write(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\ndecisions:\n  - text: Approved.\n    recorded: [{member: Ann Chair, vote: yes}]\n---\n",
    );
    let text = messages(&build(root).expect_err("an unknown vote"));
    assert!(
        text.contains("write `for`, `against` or `abstain`"),
        "{text}"
    );
}
