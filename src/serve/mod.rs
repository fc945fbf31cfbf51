//! `quorum serve`: the built site over HTTP, the members' search (page and
//! JSON API), and in watch mode a live preview that rebuilds on every save
//! and reloads open tabs (or shows the error over the page).

pub mod depends;
mod files;
pub mod live;
mod reload;
mod search_page;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeFile;

use crate::build::{BuildFailure, BuildOptions};
use crate::model::Archive;
use crate::render::context::SearchPage;
use crate::render::{Theme, Views};
use crate::search::{SearchError, SearchIndex};
use crate::serve::live::LiveSite;

/// The longest request target accepted (path and query).
pub const MAX_URI_BYTES: usize = 4096;
/// How long a client has to send a request's headers once the server
/// starts reading them. Hyper starts the clock whenever a connection waits
/// for its next request, so this is also the idle timeout of keep-alive
/// connections. A browser sends its headers at once; a client that stalls
/// half-way is dropped instead of holding a connection (and shutdown).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// After Ctrl-C or SIGTERM, how long requests under way may take to
/// finish before the server stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
const EVENTS_PATH: &str = "/__quorum/events";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the first build failed")]
    Build(#[from] BuildFailure),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot watch the archive for changes: {0}")]
    Watch(String),
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: SocketAddr,
    /// Rebuild on changes and reload open tabs.
    pub watch: bool,
}

/// What the server answers from; replaced whole after each rebuild.
struct Snapshot {
    archive: Arc<Archive>,
    theme: Arc<Theme>,
    search: Option<Arc<SearchIndex>>,
    /// The last failed rebuild's diagnostics, shown over open pages.
    error: Option<String>,
}

struct AppState {
    snapshot: RwLock<Snapshot>,
    events: broadcast::Sender<LiveEvent>,
    /// Becomes true on shutdown: ends the event streams, which would
    /// otherwise keep their connections (and the server) open forever.
    stopping: tokio::sync::watch::Sender<bool>,
    watch: bool,
    output_dir: PathBuf,
    prefix: String,
    /// With `[search] server` set, the origin of the site it searches
    /// for (`base_url`'s): the API lets that site's pages call it, and
    /// without watching (the production search server) the result pages
    /// link back to it.
    site_elsewhere: Option<String>,
}

#[derive(Debug, Clone)]
enum LiveEvent {
    Reload,
    Error(String),
}

impl AppState {
    fn snapshot(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Builds the site, then serves it until Ctrl-C or SIGTERM. `ready` is
/// told the address once the server listens.
pub async fn run(options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let build_options = options.build.clone();
    let live = tokio::task::spawn_blocking(move || LiveSite::build(build_options))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e)))??;
    let archive = live.archive();
    // Serving only, the index folder is anyone's to replace, perhaps by
    // truncating files the server has mapped: it reads a private copy.
    // Watching, the server itself writes the index, and never in place.
    let search = if options.watch {
        SearchIndex::open(&live.index_dir())
    } else {
        SearchIndex::open_private_copy(&live.index_dir())
    };
    let state = Arc::new(AppState {
        snapshot: RwLock::new(Snapshot {
            search: search.ok().map(Arc::new),
            archive: Arc::clone(&archive),
            theme: live.theme(),
            error: None,
        }),
        events: broadcast::channel(16).0,
        stopping: tokio::sync::watch::channel(false).0,
        watch: options.watch,
        output_dir: live.output_dir(),
        prefix: archive.prefix.clone(),
        site_elsewhere: (archive.config.search.server.as_ref())
            .and(archive.config.base_url.as_ref())
            .map(|site| site.origin().to_owned()),
    });
    let watcher = if options.watch {
        Some(watch::start(live, Arc::clone(&state))?)
    } else {
        None
    };

    let prefix = state.prefix.clone();
    let mut api = get(search_api);
    if let Some(origin) = &state.site_elsewhere {
        api = api.layer(cors_for(origin)?);
    }
    let mut app = Router::new()
        .route(&format!("{prefix}/search/"), get(search_html))
        .route(&format!("{prefix}/api/search"), api)
        .route(EVENTS_PATH, get(events))
        .fallback(static_file);
    if options.watch {
        // Innermost, so the script is added before the page is compressed.
        app = app.layer(axum::middleware::from_fn(reload::add_script));
    }
    let app = app
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            refuse_malformed_escapes,
        ))
        .layer(CompressionLayer::new())
        .with_state(Arc::clone(&state));
    let listener = tokio::net::TcpListener::bind(options.bind)
        .await
        .map_err(|e| ServeError::Bind(options.bind, e))?;
    let shutdown = shutdown_signal();
    ready(listener.local_addr()?);
    serve_connections(listener, app, shutdown, &state.stopping).await;
    drop(watcher);
    Ok(())
}

/// Lets the pages of the site at `origin` call the search API from their
/// scripts (a GET with no credentials: no preflight is needed, but one is
/// answered).
fn cors_for(origin: &str) -> Result<tower_http::cors::CorsLayer, ServeError> {
    let origin = HeaderValue::from_str(origin).map_err(|_| {
        ServeError::Io(std::io::Error::other(format!(
            "base_url's origin `{origin}` cannot be sent in a header"
        )))
    })?;
    Ok(tower_http::cors::CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET]))
}

/// Accepts connections until `shutdown` resolves, then stops accepting,
/// ends the event streams and gives requests under way `SHUTDOWN_GRACE`
/// to finish. (`axum::serve` has no header timeout and waits for every
/// connection however long it stays open.)
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
    stopping: &tokio::sync::watch::Sender<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client going away mid-request is its business.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed here, before
/// the server announces itself, so a signal sent the moment it is ready
/// still shuts it down gracefully rather than killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut i), Ok(mut t)) => {
                    tokio::select! {
                        _ = i.recv() => {}
                        _ = t.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Answers 400 to an address with a `%` escape that is malformed or does
/// not decode to UTF-8, in its path or its query. Decoding such an escape
/// lossily would search for (or look up) words nobody typed.
async fn refuse_malformed_escapes(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri = request.uri();
    let malformed = |part: &str| files::percent_decode_strict(part).is_none();
    if !malformed(uri.path()) && !uri.query().is_some_and(malformed) {
        return next.run(request).await;
    }
    let message = "the address has a broken %-escape: each % must be followed by \
                   two hexadecimal digits, and together they must spell UTF-8 text";
    if uri.path() == format!("{}/api/search", state.prefix) {
        return json_error(StatusCode::BAD_REQUEST, message);
    }
    (
        StatusCode::BAD_REQUEST,
        format!("Bad address: {message}.\n"),
    )
        .into_response()
}

/// An error as the search API answers it: `{"error": "..."}`.
fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    (status, axum::Json(body)).into_response()
}

fn too_long(uri: &Uri) -> Option<Response> {
    (uri.to_string().len() > MAX_URI_BYTES)
        .then(|| (StatusCode::URI_TOO_LONG, "The address is too long.\n").into_response())
}

async fn static_file(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let uri = request.uri().clone();
    if let Some(r) = too_long(&uri) {
        return r;
    }
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "",
        )
            .into_response();
    }
    match files::resolve(&state.output_dir, &state.prefix, uri.path()) {
        files::Target::File(path) => serve_file(&state, &path, request).await,
        files::Target::Redirect(to) => {
            let location = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        files::Target::BadPath => (StatusCode::BAD_REQUEST, "Bad path.\n").into_response(),
        files::Target::NotFound => not_found(&state, method).await,
    }
}

/// Serves `path`, a file that `files::resolve` found inside the output
/// folder, through tower-http's `ServeFile` (the single-file form of
/// `ServeDir`): Range requests, `If-Modified-Since` and
/// `If-Unmodified-Since`, `Last-Modified`. The file is named here rather
/// than by the request's path because `ServeDir` follows symlinks wherever
/// they lead, and `files::resolve` is what keeps them inside the folder.
/// `ServeDir` has no entity tags; they are answered here, from the file's
/// size and modification time.
async fn serve_file(state: &AppState, path: &Path, mut request: Request) -> Response {
    let method = request.method().clone();
    let Ok(meta) = tokio::fs::metadata(path).await else {
        return not_found(state, method).await;
    };
    let content_type = files::content_type(path).and_then(|t| t.parse::<mime::Mime>().ok());
    // Served with the reload script, a page is another representation
    // than the file: it gets its own tag, and whole, since byte ranges of
    // the file are not ranges of what is sent.
    let live = state.watch
        && content_type
            .as_ref()
            .is_some_and(|m| m.essence_str() == "text/html");
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let etag = entity_tag(meta.len(), modified, live);
    let headers = request.headers_mut();
    if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
        if matches_tag(tags, &etag) {
            let last_modified = httpdate::fmt_http_date(modified);
            return (
                StatusCode::NOT_MODIFIED,
                [(header::ETAG, etag), (header::LAST_MODIFIED, last_modified)],
            )
                .into_response();
        }
        // A tag that no longer matches decides: the date must not answer
        // 304 for a file changed within the same second (RFC 9110 13.1.3).
        headers.remove(header::IF_MODIFIED_SINCE);
    }
    if live {
        headers.remove(header::RANGE);
        headers.remove(header::IF_RANGE);
    }
    let service = match &content_type {
        Some(mime) => ServeFile::new_with_mime(path, mime),
        None => ServeFile::new(path),
    };
    let response = match service.oneshot(request).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    // Gone since it was resolved: a rebuild replaced the folder.
    if response.status() == StatusCode::NOT_FOUND {
        return not_found(state, method).await;
    }
    with_file_headers(response, Some(&etag))
}

/// The themed 404 page (the site's `404.html`), or a plain one.
async fn not_found(state: &AppState, method: Method) -> Response {
    let page = state.output_dir.join("404.html");
    if page.is_file() {
        // A fresh request: the client's Range or conditions were about
        // the page it asked for, not this one.
        let mut request = Request::new(Body::empty());
        *request.method_mut() = method;
        let response = match ServeFile::new_with_mime(&page, &mime::TEXT_HTML_UTF_8)
            .oneshot(request)
            .await
        {
            Ok(r) => r.map(Body::new),
            Err(never) => match never {},
        };
        if response.status() == StatusCode::OK {
            let mut response = with_file_headers(response, None);
            *response.status_mut() = StatusCode::NOT_FOUND;
            return response;
        }
    }
    (StatusCode::NOT_FOUND, "Not found.\n").into_response()
}

fn with_file_headers(mut response: Response, etag: Option<&str>) -> Response {
    let h = response.headers_mut();
    if let Some(v) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
        h.insert(header::ETAG, v);
    }
    // Pages change with every rebuild: the browser asks again each time
    // (and gets a 304 while the file is the same).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A strong tag from the file's size and modification time; `-live` marks
/// the page with the reload script.
fn entity_tag(len: u64, modified: std::time::SystemTime, live: bool) -> String {
    let nanos = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("\"{len:x}-{nanos:x}{}\"", if live { "-live" } else { "" })
}

/// Whether an `If-None-Match` value names `etag` (or is `*`).
fn matches_tag(tags: &HeaderValue, etag: &str) -> bool {
    tags.to_str().is_ok_and(|tags| {
        tags.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
        })
    })
}

async fn events(State(state): State<Arc<AppState>>) -> Response {
    if !state.watch {
        return (StatusCode::NOT_FOUND, "Not found.\n").into_response();
    }
    let current = state.snapshot().error.clone();
    let first = tokio_stream::iter(current.map(|e| {
        Ok::<_, std::convert::Infallible>(Event::default().event("error-report").data(e))
    }));
    let updates = BroadcastStream::new(state.events.subscribe()).filter_map(|e| {
        e.ok().map(|e| {
            Some(Ok(match e {
                // Browsers drop events whose data is empty.
                LiveEvent::Reload => Event::default().event("reload").data("rebuilt"),
                LiveEvent::Error(text) => Event::default().event("error-report").data(text),
            }))
        })
    });
    // `None` marks shutdown (also when it began before this stream did):
    // the stream ends there, and with it the response.
    let stop = tokio_stream::wrappers::WatchStream::new(state.stopping.subscribe())
        .filter(|stopping| *stopping)
        .map(|_| None);
    let updates = updates
        .merge(stop)
        .take_while(Option::is_some)
        .filter_map(std::convert::identity);
    Sse::new(first.chain(updates))
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn search_api(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = too_long(&uri) {
        return r;
    }
    let (request, _) = match search_page::parse(pairs) {
        Ok(r) => r,
        Err(message) => return json_error(StatusCode::BAD_REQUEST, message),
    };
    let Some(index) = state.snapshot().search.clone() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is not available",
        );
    };
    match tokio::task::spawn_blocking(move || index.search(&request)).await {
        Ok(Ok(results)) => axum::Json(results).into_response(),
        Ok(Err(e)) if e.is_bad_request() => json_error(StatusCode::BAD_REQUEST, e.to_string()),
        Ok(Err(e)) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn search_html(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = too_long(&uri) {
        return r;
    }
    let query_text = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (archive, theme, index) = {
        let s = state.snapshot();
        (
            Arc::clone(&s.archive),
            Arc::clone(&s.theme),
            s.search.clone(),
        )
    };
    let prefix = state.prefix.clone();
    // A preview (watching) keeps its links on itself.
    let links_to = state.site_elsewhere.clone().filter(|_| !state.watch);
    let chosen = search_page::Params::from(pairs.clone());
    let outcome = tokio::task::spawn_blocking(move || -> (StatusCode, SearchPage) {
        let mut page = SearchPage {
            server: true,
            query: query_text
                .chars()
                .take(search_page::MAX_PARAM_CHARS)
                .collect(),
            ..SearchPage::default()
        };
        let (request, params) = match search_page::parse(pairs) {
            Ok(r) => r,
            Err(message) => {
                page.error = Some(message);
                return (StatusCode::BAD_REQUEST, page);
            }
        };
        if !search_page::is_search(&params) {
            return (StatusCode::OK, page);
        }
        let Some(index) = index else {
            page.error = Some("The search index is not available: rebuild the site.".into());
            return (StatusCode::SERVICE_UNAVAILABLE, page);
        };
        match index.search(&request) {
            Ok(results) => {
                let mut view = search_page::view(results, &params, &prefix);
                if let Some(origin) = &links_to {
                    search_page::link_hits_to(&mut view, origin);
                }
                page.results = Some(view);
                (StatusCode::OK, page)
            }
            Err(e @ SearchError::Query(_)) | Err(e @ SearchError::Option(_)) => {
                page.error = Some(match e.hint() {
                    Some(h) => format!("{e}. {h}."),
                    None => e.to_string(),
                });
                (StatusCode::BAD_REQUEST, page)
            }
            Err(e) => {
                page.error = Some(e.to_string());
                (StatusCode::INTERNAL_SERVER_ERROR, page)
            }
        }
    })
    .await;
    let (status, page) = match outcome {
        Ok(o) => o,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    match Views::new(&archive).search_page(&theme, page, &|key| chosen.value(key)) {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("template error: {e}\n"),
        )
            .into_response(),
    }
}
