//! The live-reload client, and the response layer that adds it to every
//! HTML page the server answers with while watching: files of the site,
//! the themed 404 page and the search page alike.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Pages larger than this are served without the script rather than held
/// in memory whole (no page the generator writes comes near it).
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// The live-reload client: reloads on a rebuild, shows errors over the page.
const LIVE_SCRIPT: &str = r#"<script>
(function () {
  var es = new EventSource("/__quorum/events");
  window.__quorumLive = es;
  function overlay(text) {
    var o = document.getElementById("quorum-error");
    if (!o) {
      o = document.createElement("div");
      o.id = "quorum-error";
      o.setAttribute("role", "alert");
      o.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(11,12,12,.94);color:#fff;padding:2rem;font:15px/1.5 monospace";
      document.body.appendChild(o);
    }
    o.innerHTML = "<h2 style='color:#ffdd00;margin-top:0'>The last save has an error; the page shows the last good build</h2><pre style='white-space:pre-wrap'></pre>";
    o.querySelector("pre").textContent = text;
  }
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("error-report", function (e) { overlay(e.data); });
  // A page kept in the back-forward cache would keep its connection, and
  // browsers allow six to a host: the seventh page visited would never
  // load. Closed when left; a page shown again from the cache may be
  // stale, so it is loaded afresh.
  addEventListener("pagehide", function () { es.close(); });
  addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
})();
</script>
"#;

/// Middleware (`axum::middleware::from_fn`) that adds the live-reload
/// script to whole HTML documents. Partial (206) and bodiless (304)
/// answers, compressed bodies and anything not `text/html` pass untouched.
pub async fn add_script(request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    let response = next.run(request).await;
    if !takes_script(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_PAGE_BYTES) {
        return Response::from_parts(parts, body);
    }
    // The length changes with the script (the server frames the new
    // body), and byte ranges of the file are no ranges of this page.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ACCEPT_RANGES);
    if head {
        return Response::from_parts(parts, body);
    }
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(with_script(&bytes))),
        // The file could not be read to its end (or grew past the limit
        // while being read): what was read cannot be sent as the page.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page could not be read; reload to try again.\n",
        )
            .into_response(),
    }
}

fn takes_script(response: &Response) -> bool {
    let status = response.status();
    if status == StatusCode::PARTIAL_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status == StatusCode::NO_CONTENT
        || status.is_informational()
    {
        return false;
    }
    let headers = response.headers();
    if headers.contains_key(header::CONTENT_ENCODING) || headers.contains_key(header::CONTENT_RANGE)
    {
        return false;
    }
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/html"))
        })
}

/// `html` with the script before its last `</body>` (in any case), or at
/// the end when it has none. Works on bytes: a page in Latin-1 or any
/// other ASCII-compatible encoding keeps every other byte as it was.
pub fn with_script(html: &[u8]) -> Vec<u8> {
    const CLOSE: &[u8] = b"</body>";
    let at = html
        .windows(CLOSE.len())
        .rposition(|w| w.eq_ignore_ascii_case(CLOSE))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + LIVE_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(LIVE_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_closing_body_in_any_case() {
        let page = b"<html><body><p>x</p></BODY></html>";
        let out = with_script(page);
        let at = out.len() - b"</BODY></html>".len();
        assert_eq!(&out[at..], b"</BODY></html>");
        assert!(out.starts_with(b"<html><body><p>x</p><script>"));
    }

    #[test]
    fn a_page_without_a_closing_body_gets_it_at_the_end() {
        let out = with_script(b"<p>fragment");
        assert!(out.starts_with(b"<p>fragment<script>"));
        assert!(out.ends_with(b"</script>\n"));
    }

    #[test]
    fn latin1_bytes_are_kept_as_they_are() {
        // "Café Ünïon" in Latin-1: not UTF-8.
        let page = b"<html><body>Caf\xe9 \xdcn\xefon</body></html>";
        let out = with_script(page);
        assert!(out.starts_with(b"<html><body>Caf\xe9 \xdcn\xefon<script>"));
        assert!(out.ends_with(b"</script>\n</body></html>"));
        assert_eq!(out.len(), page.len() + LIVE_SCRIPT.len());
    }
}
