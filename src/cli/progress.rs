//! What a many-repository `keyscout git` run has done so far: totals kept by the run, a
//! status line redrawn on stderr when it is a terminal, and the `--stats` summary.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Totals of the run, updated from any thread.
#[derive(Default)]
pub struct Totals {
    pub repositories: u64,
    pub done: AtomicU64,
    /// Repositories whose refs had not moved since the state file's scan.
    pub unchanged: AtomicU64,
    pub commits: AtomicU64,
    pub findings: AtomicU64,
}

/// Blobs and bytes scanned so far (kept by the scan's counters).
pub type Scanned<'a> = &'a (dyn Fn() -> (u64, u64) + Sync);

impl Totals {
    fn line(&self, scanned: Scanned<'_>, seconds: f64) -> String {
        let (blobs, bytes) = scanned();
        format!(
            "{}/{} repositories, {blobs} blobs, {:.1} MB, {} findings, {:.1} MB/s",
            self.done.load(Relaxed),
            self.repositories,
            bytes as f64 / 1e6,
            self.findings.load(Relaxed),
            bytes as f64 / 1e6 / seconds.max(1e-3)
        )
    }

    /// Runs `work` while a status line is redrawn on stderr every 200 ms, if `show`.
    pub fn show_while<T>(
        &self,
        show: bool,
        scanned: Scanned<'_>,
        started: Instant,
        work: impl FnOnce() -> T,
    ) -> T {
        if !show || !std::io::stderr().is_terminal() {
            return work();
        }
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !stop.load(Relaxed) {
                    let line = self.line(scanned, started.elapsed().as_secs_f64());
                    // \r, the line, clear to the end of the line.
                    let _ = write!(std::io::stderr(), "\r{line}\x1b[K");
                    std::thread::sleep(Duration::from_millis(200));
                }
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            });
            let out = work();
            stop.store(true, Relaxed);
            out
        })
    }

    /// The `--stats` summary, one `name: value` a line.
    pub fn stats(&self, scanned: Scanned<'_>, seconds: f64) -> String {
        let (blobs, bytes) = scanned();
        format!(
            "repositories: {}\nunchanged: {}\ncommits: {}\nblobs: {blobs}\nbytes: {bytes}\n\
             seconds: {seconds:.3}\nMB/s: {:.1}\n",
            self.done.load(Relaxed),
            self.unchanged.load(Relaxed),
            self.commits.load(Relaxed),
            bytes as f64 / 1e6 / seconds.max(1e-3)
        )
    }
}
