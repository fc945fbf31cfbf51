//! A `quorum serve` child process on a free loopback port, and a minimal
//! HTTP/1.1 client for talking to it (and to chromedriver).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Server::start_at(root, "127.0.0.1:0", extra)
    }

    /// Started at `bind` (an address chosen beforehand, when the site must
    /// know it).
    pub fn start_at(root: &Path, bind: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quorum"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--bind", bind])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start quorum serve");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&stderr);
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read serve output");
        let base = line
            .trim()
            .strip_prefix("Serving ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; stderr: {}",
                    stderr.lock().unwrap()
                )
            })
            .trim_end_matches('/')
            .to_owned();
        Server {
            child,
            base,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Response {
        request("GET", &self.url(path), &[], None)
    }

    /// Polls `path` until its body satisfies `done` (rebuilds take a moment).
    pub fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let last = std::cell::RefCell::new(None);
        self.wait_until(&format!("{what} at {path}"), || {
            let r = self.get(path);
            let found = done(&r);
            *last.borrow_mut() = Some(r);
            found
        });
        last.into_inner().expect("a response")
    }

    /// Waits (20 s at most) until `done` says so.
    pub fn wait_until(&self, what: &str, done: impl Fn() -> bool) {
        let started = Instant::now();
        while !done() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; server said:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits: the production mode must stop cleanly.
    pub fn terminate(self) -> std::process::ExitStatus {
        self.terminate_within(Duration::from_secs(10))
    }

    /// Sends SIGTERM and fails the test unless the server exits in `limit`.
    pub fn terminate_within(mut self, limit: Duration) -> std::process::ExitStatus {
        match self.sigterm_and_wait(limit) {
            Some(status) => status,
            None => panic!(
                "server did not stop within {limit:?} of SIGTERM; it said:\n{}",
                self.stderr()
            ),
        }
    }

    /// Sends SIGTERM and waits up to `limit` for the process to end.
    fn sigterm_and_wait(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The address to connect a raw socket to ("127.0.0.1:port").
    pub fn host(&self) -> &str {
        self.base.strip_prefix("http://").unwrap_or(&self.base)
    }
}

/// An open `/__quorum/events` stream, read as raw text (event lines and
/// chunk sizes alike: tests look for words in it, not for framing).
pub struct EventStream {
    stream: TcpStream,
    pub text: String,
    /// How much of `text` earlier waits have returned.
    seen: usize,
}

impl EventStream {
    pub fn open(server: &Server) -> EventStream {
        let mut stream = TcpStream::connect(server.host()).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .ok();
        let req = format!(
            "GET /__quorum/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            server.host()
        );
        stream.write_all(req.as_bytes()).expect("send");
        let mut events = EventStream {
            stream,
            text: String::new(),
            seen: 0,
        };
        events.wait_for("the event stream's headers", |t| t.contains("\r\n\r\n"));
        assert!(
            events.text.starts_with("HTTP/1.1 200"),
            "events: {}",
            events.text
        );
        // The first event may have come with the headers: keep it unseen.
        events.seen = events.text.find("\r\n\r\n").map_or(0, |i| i + 4);
        events
    }

    /// Reads until `done` holds for the text not returned by an earlier
    /// call (at most 20 s); returns that text.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mark = self.seen;
        let mut buf = [0u8; 8192];
        loop {
            if done(&self.text[mark..]) {
                self.seen = self.text.len();
                return self.text[mark..].to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; the stream said:\n{}",
                &self.text[mark..]
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the event stream closed while waiting for {what}"),
                Ok(n) => self.text.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {} // read timeout: look again
            }
        }
    }
}

impl Drop for Server {
    /// SIGTERM first, so that the server removes what it made (its private
    /// copy of the index); SIGKILL if it has not gone in 5 s.
    fn drop(&mut self) {
        // Already reaped (terminated by the test): its id may be reused.
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        if self.sigterm_and_wait(Duration::from_secs(5)).is_some() {
            return;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One HTTP/1.1 request with `Connection: close`. `url` is http://host:port/path.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    stream.write_all(req.as_bytes()).expect("send");
    // Read until the message is complete by its own framing: some servers
    // keep the connection open whatever the request says.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(total) = complete_length(&raw, method == "HEAD") {
            raw.truncate(total);
            break;
        }
        let n = stream.read(&mut buf).expect("receive");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    parse_response(&raw)
}

/// The full length of the response in `raw`, once it has all arrived.
fn complete_length(raw: &[u8], head_only: bool) -> Option<usize> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status_has_no_body =
        head.starts_with("http/1.1 304") || head.starts_with("http/1.1 204") || head_only;
    if status_has_no_body {
        return Some(split);
    }
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return (raw.len() >= split + len).then_some(split + len);
    }
    if head.contains("transfer-encoding: chunked") {
        return raw[split..]
            .windows(5)
            .position(|w| w == b"0\r\n\r\n")
            .map(|p| split + p + 5);
    }
    None
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        let start = line_end + 2;
        if size == 0 || start + size > data.len() {
            break;
        }
        out.extend_from_slice(&data[start..start + size]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}
