//! `sitemap.xml`: every page of the site, for search engines. A page job
//! like any other, so a live rebuild that adds or removes a page writes it
//! again as a fresh build would.

use crate::model::Archive;

/// The sitemap of `archive`, whose pages are at `pages` (site paths, with
/// the date each last changed if known; only folders are pages a reader
/// visits). Needs `base_url`: a sitemap lists absolute addresses.
pub fn xml(
    archive: &Archive,
    pages: impl Iterator<Item = (String, Option<chrono::NaiveDate>)>,
) -> String {
    let origin = archive.config.origin();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // The search page is a form: what it shows depends on the query.
    for (url, modified) in pages.filter(|(u, _)| u.ends_with('/') && u != "/search/") {
        let lastmod = modified
            .map(|d| format!("<lastmod>{}</lastmod>", d.format("%Y-%m-%d")))
            .unwrap_or_default();
        xml.push_str(&format!(
            "  <url><loc>{origin}{}{}</loc>{lastmod}</url>\n",
            archive.prefix,
            escape(&url)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
