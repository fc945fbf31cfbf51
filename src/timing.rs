//! How long each stage of a build took, and the memory it had used.

use std::time::Duration;

/// How long a stage took, and the process's peak memory when it ended.
#[derive(Debug, Clone)]
pub struct Timing {
    pub stage: &'static str,
    pub took: Duration,
    /// Peak resident memory so far, in bytes (where the OS tells it).
    pub peak_rss: Option<u64>,
}

impl Timing {
    pub fn now(stage: &'static str, took: Duration) -> Timing {
        Timing {
            stage,
            took,
            peak_rss: peak_rss(),
        }
    }
}

/// The process's peak resident set so far (Linux `VmHWM`).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
