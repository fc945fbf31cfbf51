//! `sitemap.xml`: every page of the site, for search engines. A page job
//! like any other, so a live rebuild that adds or removes a page writes it
//! again as a fresh build would.

use crate::model::Archive;

/// The sitemap of `archive`, whose pages are at `page_paths` (site paths;
/// only folders are pages a reader visits). Needs `base_url`: a sitemap
/// lists absolute addresses.
pub fn xml(archive: &Archive, page_paths: impl Iterator<Item = String>) -> String {
    let origin = archive.config.origin();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // The search page is a form: what it shows depends on the query.
    for url in page_paths.filter(|u| u.ends_with('/') && u != "/search/") {
        xml.push_str(&format!(
            "  <url><loc>{origin}{}{}</loc></url>\n",
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
