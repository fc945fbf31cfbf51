//! Turning search request parameters into a `SearchRequest`, and search
//! results into the search page's context (facet links, filters, pager).

use chrono::NaiveDate;

use crate::render::context::{FacetGroup, FacetLink, Link, Pager, SearchResultsView};
use crate::search::{SearchRequest, SearchResults, Sort};

/// Longest accepted value of any one parameter.
pub const MAX_PARAM_CHARS: usize = 1000;
const PARAMS: &[&str] = &[
    "q",
    "committee",
    "topic",
    "person",
    "kind",
    "from",
    "to",
    "sort",
    "page",
    "limit",
    "strict",
];

/// The parameters as given, for rebuilding links.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl From<Vec<(String, String)>> for Params {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Params(pairs)
    }
}

impl Params {
    /// The value given for `key`, if any (and not empty).
    pub fn value(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_owned)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A link to this search with `key` set to `value` (or removed), back
    /// on page 1.
    pub fn with(&self, prefix: &str, changes: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(k, v)| !v.is_empty() && k != "page" && !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        for (k, v) in changes {
            if let Some(v) = v {
                pairs.push(((*k).to_owned(), (*v).to_owned()));
            }
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("{prefix}/search/?{}", query.join("&"))
    }
}

/// Reads the parameters of `/search/` and `/api/search`.
pub fn parse(pairs: Vec<(String, String)>) -> Result<(SearchRequest, Params), String> {
    for (k, v) in &pairs {
        if !PARAMS.contains(&k.as_str()) {
            return Err(format!(
                "unknown parameter `{k}`; the parameters are {}",
                PARAMS.join(", ")
            ));
        }
        if v.chars().count() > MAX_PARAM_CHARS {
            return Err(format!(
                "parameter `{k}` is longer than {MAX_PARAM_CHARS} characters"
            ));
        }
    }
    let params = Params(pairs);
    let date = |key: &str| -> Result<Option<NaiveDate>, String> {
        params
            .get(key)
            .map(|v| {
                crate::load::schema::IsoDate::parse(v)
                    .map(|d| d.0)
                    .ok_or_else(|| format!("`{key}` must be a date written YYYY-MM-DD"))
            })
            .transpose()
    };
    let number = |key: &str, default: usize| -> Result<usize, String> {
        params.get(key).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("`{key}` must be a whole number"))
        })
    };
    let request = SearchRequest {
        query: params.get("q").unwrap_or_default().to_owned(),
        committee: params.get("committee").map(str::to_owned),
        topic: params.get("topic").map(str::to_owned),
        person: params.get("person").map(str::to_owned),
        kind: params.get("kind").map(str::to_owned),
        from: date("from")?,
        to: date("to")?,
        sort: match params.get("sort").map(Sort::from_name) {
            None => Sort::Relevance,
            Some(Some(sort)) => sort,
            Some(None) => {
                let other = params.get("sort").unwrap_or_default();
                return Err(format!(
                    "`sort` must be relevance, newest or oldest, not `{other}`"
                ));
            }
        },
        limit: number("limit", 10)?,
        page: number("page", 1)?,
        strict: match params.get("strict") {
            None | Some("0" | "false" | "no") => false,
            Some("1" | "true" | "yes") => true,
            Some(other) => return Err(format!("`strict` must be 1 or 0, not `{other}`")),
        },
    };
    Ok((request, params))
}

/// Whether the request asks for anything (a bare /search/ shows the form).
pub fn is_search(params: &Params) -> bool {
    PARAMS
        .iter()
        .any(|k| !matches!(*k, "sort" | "limit" | "strict") && params.get(k).is_some())
}

/// The results part of the search page.
pub fn view(results: SearchResults, params: &Params, prefix: &str) -> SearchResultsView {
    let active = |key: &str, value: &str| params.get(key) == Some(value);
    let group =
        |name: &'static str, key: &'static str, entries: &[crate::search::FacetCount]| FacetGroup {
            name,
            entries: entries
                .iter()
                .take(15)
                .map(|f| FacetLink {
                    name: f.name.clone(),
                    count: f.count,
                    url: params.with(prefix, &[(key, Some(&f.value))]),
                    active: active(key, &f.value),
                })
                .collect(),
        };
    let years = FacetGroup {
        name: "Year",
        entries: results
            .facets
            .year
            .iter()
            .map(|f| {
                let (from, to) = (format!("{}-01-01", f.value), format!("{}-12-31", f.value));
                FacetLink {
                    name: f.name.clone(),
                    count: f.count,
                    url: params.with(prefix, &[("from", Some(&from)), ("to", Some(&to))]),
                    active: params.get("from") == Some(from.as_str())
                        && params.get("to") == Some(to.as_str()),
                }
            })
            .collect(),
    };
    let facets = vec![
        group("Committee", "committee", &results.facets.committee),
        group("Topic", "topic", &results.facets.topic),
        years,
        group("Kind", "kind", &results.facets.kind),
    ];
    let filters = ["committee", "topic", "person", "kind", "from", "to"]
        .iter()
        .filter_map(|&k| {
            params.get(k).map(|v| Link {
                title: match k {
                    "kind" => format!("kind: {}", crate::search::kind_label(v)),
                    // By name, as the facet shows it, when the slug is one.
                    "committee" | "topic" => {
                        let facet = match k {
                            "committee" => &results.facets.committee,
                            _ => &results.facets.topic,
                        };
                        let name = facet.iter().find(|f| f.value == v).map_or(v, |f| &f.name);
                        format!("{k}: {name}")
                    }
                    _ => format!("{k}: {v}"),
                },
                url: params.with(prefix, &[(k, None)]),
            })
        })
        .collect();
    let pages = results
        .total
        .div_ceil(results.limit)
        .clamp(1, crate::search::MAX_PAGE);
    let page_url = |p: usize| {
        let mut url = params.with(prefix, &[]);
        if p > 1 {
            url.push_str(&format!("&page={p}"));
        }
        url
    };
    let pager = Pager::new(results.page, pages, page_url);
    let sort = params
        .get("sort")
        .and_then(Sort::from_name)
        .unwrap_or_default();
    let first = (results.page - 1) * results.limit + 1;
    SearchResultsView {
        total: results.total,
        first,
        last: first + results.hits.len().saturating_sub(1),
        hits: results.hits,
        corrections: results.corrections,
        notice: results.notice,
        facets,
        filters,
        pager,
        sort: sort.label(),
        other_sort: Link {
            title: if sort == Sort::Relevance {
                "Sort newest first".into()
            } else {
                "Sort by best match".into()
            },
            url: params.with(
                prefix,
                &[("sort", (sort == Sort::Relevance).then_some("newest"))],
            ),
        },
    }
}

/// Form-encodes a query-string component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Points the hits of `view` at the site published at `origin` (scheme and
/// host): for a search server answering a site that lives elsewhere, whose
/// readers go back to that site from the results.
pub fn link_hits_to(view: &mut SearchResultsView, origin: &str) {
    for hit in &mut view.hits {
        hit.url.insert_str(0, origin);
        if let Some(parent) = &mut hit.parent {
            parent.url.insert_str(0, origin);
        }
    }
}
