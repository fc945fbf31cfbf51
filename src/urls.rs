//! Where each content file lives in the site: classifying paths under
//! `content/` and mapping them to stable, lower-case, pretty URLs.
//!
//! URLs are a pure function of the content path, so Markdown can be rendered
//! (and `@/` links rewritten) before the whole archive is known.

use std::fmt;

/// Turns a name into a URL slug: lower-case ASCII, words joined by `-`.
pub fn slugify(text: &str) -> String {
    // "Children's" -> "childrens", not "children-s".
    slug::slugify(text.replace(['\'', '\u{2019}'], ""))
}

/// Whether `s` is already a clean slug (what folder and file names must be).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a path under `content/` is, by where it sits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentPath {
    Committee {
        committee: String,
    },
    Meeting {
        committee: String,
        meeting: String,
    },
    Item {
        committee: String,
        meeting: String,
        number: u32,
        slug: String,
    },
    Document {
        committee: String,
        meeting: String,
        item_stem: String,
        name: String,
    },
    Attachment {
        committee: String,
        meeting: String,
        item_stem: String,
        file: String,
    },
}

/// Why a path under `content/` fits nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Misplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Splits `05-childrens-services.md` (without `.md`) into 5 and the slug.
pub fn split_item_stem(stem: &str) -> Option<(u32, &str)> {
    let (nn, slug) = stem.split_once('-')?;
    if nn.is_empty() || !nn.bytes().all(|b| b.is_ascii_digit()) || nn.len() > 4 {
        return None;
    }
    Some((nn.parse().ok()?, slug))
}

/// A meeting folder: `YYYY-MM-DD` or `YYYY-MM-DD-suffix`. Returns the date.
pub fn meeting_date(folder: &str) -> Option<&str> {
    let date = folder.get(..10)?;
    let rest = &folder[10..];
    let valid_rest = rest.is_empty() || (rest.starts_with('-') && is_slug(&rest[1..]));
    (crate::dates::parse_iso(date).is_some() && valid_rest).then_some(date)
}

impl ContentPath {
    /// Classifies a `/`-separated path relative to `content/`.
    pub fn classify(rel: &str) -> Result<ContentPath, Misplaced> {
        let parts: Vec<&str> = rel.split('/').collect();
        let misplaced = |message: String, hint: &str| Misplaced {
            message,
            hint: hint.to_owned(),
        };
        let layout_hint = "content files go in content/<committee>/_committee.md, \
             content/<committee>/<YYYY-MM-DD>/_meeting.md and \
             content/<committee>/<YYYY-MM-DD>/<NN>-<slug>.md";
        let committee = parts[0];
        if parts.len() >= 2 && !is_slug(committee) {
            return Err(misplaced(
                format!("committee folder `{committee}` is not a lower-case slug"),
                &format!(
                    "rename it to `{}` (lower-case letters, digits and hyphens)",
                    slugify(committee)
                ),
            ));
        }
        match parts.as_slice() {
            [file] => Err(misplaced(
                format!("`{file}` sits directly in content/, outside any committee"),
                layout_hint,
            )),
            [_, "_committee.md"] => Ok(ContentPath::Committee {
                committee: committee.to_owned(),
            }),
            [_, file] if !file.contains('.') || meeting_date(file).is_some() => Err(misplaced(
                format!("`{file}` is not a content file"),
                layout_hint,
            )),
            [_, file] => Err(misplaced(
                format!("`{file}` is not inside a meeting folder"),
                "put agenda items in a meeting folder named by its date, e.g. \
                 content/<committee>/2017-12-07/05-item.md",
            )),
            [_, meeting, rest @ ..] => {
                if meeting_date(meeting).is_none() {
                    return Err(misplaced(
                        format!("meeting folder `{meeting}` is not a valid date"),
                        "name meeting folders YYYY-MM-DD (a second meeting on a day: \
                         YYYY-MM-DD-suffix), e.g. 2017-12-07",
                    ));
                }
                let meeting = (*meeting).to_owned();
                let committee = committee.to_owned();
                match rest {
                    ["_meeting.md"] => Ok(ContentPath::Meeting { committee, meeting }),
                    [file] => {
                        let Some(stem) = file.strip_suffix(".md") else {
                            return Err(misplaced(
                                format!(
                                    "`{file}` in a meeting folder is neither `_meeting.md` nor an agenda item"
                                ),
                                "attachments belong in the item's own folder: <NN>-<slug>/",
                            ));
                        };
                        let Some((number, slug)) = split_item_stem(stem) else {
                            return Err(misplaced(
                                format!("agenda item `{file}` is not named <NN>-<slug>.md"),
                                "start the file name with its agenda number, e.g. 05-budget-report.md",
                            ));
                        };
                        if !is_slug(slug) {
                            return Err(misplaced(
                                format!(
                                    "agenda item `{file}` has a slug that is not lower-case letters, digits and hyphens"
                                ),
                                &format!("rename it to `{:02}-{}.md`", number, slugify(slug)),
                            ));
                        }
                        Ok(ContentPath::Item {
                            committee,
                            meeting,
                            number,
                            slug: slug.to_owned(),
                        })
                    }
                    [item_stem, file] => {
                        if split_item_stem(item_stem).is_none() {
                            return Err(misplaced(
                                format!("folder `{item_stem}` is not named after an agenda item"),
                                "supporting documents go in a folder named like their item, e.g. 05-budget-report/",
                            ));
                        }
                        let item_stem = (*item_stem).to_owned();
                        match file.strip_suffix(".md") {
                            Some(name) => Ok(ContentPath::Document {
                                committee,
                                meeting,
                                item_stem,
                                name: name.to_owned(),
                            }),
                            None => Ok(ContentPath::Attachment {
                                committee,
                                meeting,
                                item_stem,
                                file: (*file).to_owned(),
                            }),
                        }
                    }
                    _ => Err(misplaced(
                        format!("`{rel}` is nested deeper than the content layout allows"),
                        layout_hint,
                    )),
                }
            }
            [] => Err(misplaced("empty path".into(), layout_hint)),
        }
    }

    /// The meeting a file belongs to, as (committee, meeting folder).
    pub fn meeting_key(&self) -> Option<(String, String)> {
        match self {
            ContentPath::Committee { .. } => None,
            ContentPath::Meeting { committee, meeting }
            | ContentPath::Item {
                committee, meeting, ..
            }
            | ContentPath::Document {
                committee, meeting, ..
            }
            | ContentPath::Attachment {
                committee, meeting, ..
            } => Some((committee.clone(), meeting.clone())),
        }
    }

    /// The item file (`NN-slug.md` path) a document or attachment belongs to.
    pub fn owner_item(&self) -> Option<String> {
        match self {
            ContentPath::Document {
                committee,
                meeting,
                item_stem,
                ..
            }
            | ContentPath::Attachment {
                committee,
                meeting,
                item_stem,
                ..
            } => Some(format!("{committee}/{meeting}/{item_stem}.md")),
            _ => None,
        }
    }

    /// The page URL (or file URL for attachments), without the site prefix.
    pub fn url(&self) -> String {
        match self {
            ContentPath::Committee { committee } => format!("/{committee}/"),
            ContentPath::Meeting { committee, meeting } => format!("/{committee}/{meeting}/"),
            ContentPath::Item {
                committee,
                meeting,
                slug,
                ..
            } => format!("/{committee}/{meeting}/{slug}/"),
            ContentPath::Document {
                committee,
                meeting,
                item_stem,
                name,
            } => format!(
                "/{committee}/{meeting}/{}/{}/",
                item_slug(item_stem),
                slugify(name)
            ),
            ContentPath::Attachment {
                committee,
                meeting,
                item_stem,
                file,
            } => format!(
                "/{committee}/{meeting}/{}/{}",
                item_slug(item_stem),
                encode_path_segment(file)
            ),
        }
    }
}

fn item_slug(stem: &str) -> &str {
    split_item_stem(stem).map_or(stem, |(_, s)| s)
}

/// Output file for a page URL: `/a/b/` -> `a/b/index.html`.
pub fn output_file(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_owned()
    }
}

/// Percent-encodes the characters of a file name that cannot stand in a URL.
pub fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_layout() {
        assert_eq!(
            ContentPath::classify("rcc/_committee.md").unwrap().url(),
            "/rcc/"
        );
        assert_eq!(
            ContentPath::classify("rcc/2017-12-07/_meeting.md")
                .unwrap()
                .url(),
            "/rcc/2017-12-07/"
        );
        let item = ContentPath::classify("rcc/2017-12-07/05-update.md").unwrap();
        assert_eq!(item.url(), "/rcc/2017-12-07/update/");
        let doc = ContentPath::classify("rcc/2017-12-07/05-update/Report.md").unwrap();
        assert_eq!(doc.url(), "/rcc/2017-12-07/update/report/");
        assert_eq!(doc.owner_item().unwrap(), "rcc/2017-12-07/05-update.md");
        let att = ContentPath::classify("rcc/2017-12-07-pm/05-update/a.pdf").unwrap();
        assert_eq!(att.url(), "/rcc/2017-12-07-pm/update/a.pdf");
    }

    #[test]
    fn rejects_misplaced_files() {
        for bad in [
            "stray.md",
            "rcc/05-item.md",
            "rcc/2017-13-07/05-item.md",
            "rcc/december/05-item.md",
            "rcc/2017-12-07/item.md",
            "rcc/2017-12-07/05-Item.md",
            "RCC/_committee.md",
            "rcc/2017-12-07/05-a/x/y.md",
        ] {
            assert!(ContentPath::classify(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_drop_apostrophes() {
        assert_eq!(slugify("Children’s Social Care"), "childrens-social-care");
        assert_eq!(slugify("Children's  services!"), "childrens-services");
    }

    #[test]
    fn output_files_for_pretty_urls() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/a/b/"), "a/b/index.html");
        assert_eq!(output_file("/feed.xml"), "feed.xml");
    }
}
