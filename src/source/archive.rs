//! Archives as a source: zip (and jar), tar, gzip and tar.gz, recognised by their magic bytes,
//! opened nested up to a depth, each member handed to a callback as a reader with a path like
//! `a.zip!dir/file.txt` (nested: `a.zip!b.tar.gz!c.txt`; a gzipped tar is one level).
//!
//! Sizes declared in headers are never trusted: every byte that comes out of a decompressor (a
//! gzip stream, a zip member) is counted against one budget per top-level archive, bounded in
//! total and by a ratio to the archive's own size, so that a zip bomb stops after a bounded
//! amount of work. What a limit stops, and what cannot be read, is reported as a [`Problem`];
//! the walk goes on with the next member where it can. Sources know nothing of rules.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};

use flate2::read::MultiGzDecoder;

/// How far archives are opened.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Archive levels opened: 3 opens `a.zip!b.zip!c.zip` but not an archive inside `c.zip`.
    pub max_depth: usize,
    /// Decompressed bytes per top-level archive, all levels together.
    pub max_total: u64,
    /// Decompressed bytes per byte of the top-level archive (above [`Limits::ratio_floor`]).
    pub max_ratio: u64,
    /// Decompressed bytes always allowed, whatever the ratio.
    pub ratio_floor: u64,
    /// Members (files) per top-level archive, all levels together.
    pub max_entries: u64,
    /// Members larger than this are skipped, as files over `--max-file-size` are.
    pub max_entry_size: Option<u64>,
    /// A zip that is not a file on disk (nested, or on stdin) is read into memory to be
    /// opened: at most this many bytes.
    pub max_in_memory: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 3,
            max_total: 1 << 30,
            max_ratio: 100,
            ratio_floor: 16 << 20,
            max_entries: 100_000,
            max_entry_size: None,
            max_in_memory: 64 << 20,
        }
    }
}

/// One member to scan (or a whole input that is no archive).
pub struct Entry<'a> {
    /// `archive!member`, nested as deep as it is.
    pub path: &'a str,
    pub reader: &'a mut dyn Read,
}

/// Something that could not be read, or that a limit stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What the caller does with each member; an error is reported as a [`Problem`] at its path.
pub type Visit<'a> = dyn FnMut(Entry<'_>) -> io::Result<()> + 'a;

/// Visits `file` (named `name` in reports): each member if it is an archive, else the file
/// itself, once.
pub fn visit_file(
    mut file: File,
    name: &str,
    limits: &Limits,
    visit: &mut Visit<'_>,
    problem: &mut dyn FnMut(Problem),
) {
    let budget = Budget::new(limits);
    let mut walker = Walker {
        root: name,
        limits,
        budget: &budget,
        visit,
        problem,
    };
    let is_zip = match head(&mut file).and_then(|h| Ok((h, file.seek(SeekFrom::Start(0))?))) {
        Ok((head, _)) => detect(&head) == Some(Kind::Zip),
        Err(err) => return walker.report(name, err.to_string()),
    };
    if is_zip {
        match file.metadata() {
            Ok(meta) => budget.input.set(meta.len()),
            Err(err) => return walker.report(name, err.to_string()),
        }
        let _ = walker.zip(name, 0, BufReader::new(file));
    } else {
        visit_stream(&mut walker, file);
    }
}

/// Visits `reader` (named `name` in reports): each member if it is an archive, else the input
/// itself, once. A zip is read into memory (up to [`Limits::max_in_memory`]).
pub fn visit_reader(
    reader: impl Read,
    name: &str,
    limits: &Limits,
    visit: &mut Visit<'_>,
    problem: &mut dyn FnMut(Problem),
) {
    let budget = Budget::new(limits);
    let mut walker = Walker {
        root: name,
        limits,
        budget: &budget,
        visit,
        problem,
    };
    visit_stream(&mut walker, reader);
}

fn visit_stream(walker: &mut Walker<'_, '_>, reader: impl Read) {
    // The ratio is measured against the bytes read so far (their total is not known ahead).
    let mut metered = Metered {
        inner: reader,
        count: &walker.budget.input,
    };
    let root = walker.root;
    let _ = walker.input(root, 0, &mut metered);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Gzip,
    Tar,
}

/// Bytes read to recognise an input: a tar header block.
const HEAD: usize = 512;

/// The archive format `head` (an input's first bytes) starts with.
fn detect(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        Some(Kind::Gzip)
    } else if head.get(257..262) == Some(b"ustar") {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// Up to [`HEAD`] first bytes of `reader`.
fn head(reader: &mut (impl Read + ?Sized)) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    Read::take(reader, HEAD as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The decompressed bytes one top-level archive has produced, and what it may produce.
struct Budget {
    /// The top-level archive's size, or the bytes read of it so far.
    input: Cell<u64>,
    output: Cell<u64>,
    entries: Cell<u64>,
    exceeded: Cell<bool>,
    max_total: u64,
    max_ratio: u64,
    floor: u64,
}

impl Budget {
    fn new(limits: &Limits) -> Self {
        Budget {
            input: Cell::new(0),
            output: Cell::new(0),
            entries: Cell::new(0),
            exceeded: Cell::new(false),
            max_total: limits.max_total,
            max_ratio: limits.max_ratio,
            floor: limits.ratio_floor,
        }
    }

    fn allowed(&self) -> u64 {
        let by_ratio = self.input.get().saturating_mul(self.max_ratio);
        by_ratio.max(self.floor).min(self.max_total)
    }

    /// Counts `n` decompressed bytes; an error once over the limit.
    fn spend(&self, n: usize) -> io::Result<()> {
        let output = self.output.get().saturating_add(n as u64);
        self.output.set(output);
        if output > self.allowed() {
            self.exceeded.set(true);
            return Err(io::Error::other("decompression limit reached"));
        }
        Ok(())
    }
}

/// Counts the bytes read from the top-level input.
struct Metered<'b, R> {
    inner: R,
    count: &'b Cell<u64>,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// A decompressor's output, counted against the budget.
struct Inflated<'b, R> {
    inner: R,
    budget: &'b Budget,
}

impl<R: Read> Read for Inflated<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget.exceeded.get() {
            return Err(io::Error::other("decompression limit reached"));
        }
        let n = self.inner.read(buf)?;
        self.budget.spend(n)?;
        Ok(n)
    }
}

/// A reader that remembers whether it failed (a tar stream cannot go on after that).
struct Watched<'f, R> {
    inner: R,
    failed: &'f Cell<bool>,
}

impl<R: Read> Read for Watched<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).inspect_err(|_| self.failed.set(true))
    }
}

/// The whole top-level archive was stopped by a limit (already reported).
struct Stopped;

type Flow = Result<(), Stopped>;

struct Walker<'a, 'b> {
    /// The top-level input's name.
    root: &'a str,
    limits: &'a Limits,
    budget: &'b Budget,
    visit: &'a mut Visit<'b>,
    problem: &'a mut dyn FnMut(Problem),
}

impl Walker<'_, '_> {
    fn report(&mut self, path: &str, message: String) {
        (self.problem)(Problem {
            path: path.to_owned(),
            message,
        });
    }

    /// Reports a read error at `path`, or, when the budget ran out, stops the whole archive.
    fn failed(&mut self, path: &str, err: impl std::fmt::Display) -> Flow {
        if self.budget.exceeded.get() {
            let message = format!(
                "archive not scanned past {} MiB decompressed: it expands more than {}x its \
                 size or beyond {} MiB (a zip bomb?)",
                self.budget.output.get() >> 20,
                self.limits.max_ratio,
                self.limits.max_total >> 20
            );
            let root = self.root;
            self.report(root, message);
            return Err(Stopped);
        }
        self.report(path, err.to_string());
        Ok(())
    }

    /// Counts one member against the entry limit.
    fn entry(&mut self) -> Flow {
        let n = self.budget.entries.get() + 1;
        self.budget.entries.set(n);
        if n > self.limits.max_entries {
            let message = format!(
                "archive not scanned past {} members (the limit)",
                self.limits.max_entries
            );
            let root = self.root;
            self.report(root, message);
            return Err(Stopped);
        }
        Ok(())
    }

    fn too_large(&self, declared: u64) -> bool {
        self.limits.max_entry_size.is_some_and(|max| declared > max)
    }

    /// One input at `path`, `depth` archive levels down: an archive is opened, anything else
    /// visited.
    fn input(&mut self, path: &str, depth: usize, reader: &mut dyn Read) -> Flow {
        let head = match head(reader) {
            Ok(head) => head,
            Err(err) => return self.failed(path, err),
        };
        let kind = detect(&head);
        let mut reader = Cursor::new(head).chain(reader);
        let Some(kind) = kind else {
            let limit = self.limits.max_entry_size.filter(|_| depth > 0);
            let mut reader = reader.take(limit.unwrap_or(u64::MAX));
            return match (self.visit)(Entry {
                path,
                reader: &mut reader,
            }) {
                Ok(()) => Ok(()),
                Err(err) => self.failed(path, err),
            };
        };
        if depth >= self.limits.max_depth {
            let message = format!(
                "archive not opened: archives nested more than {} deep",
                self.limits.max_depth
            );
            self.report(path, message);
            return Ok(());
        }
        match kind {
            Kind::Gzip => self.gzip(path, depth, &mut reader),
            Kind::Tar => self.tar(path, depth, &mut reader),
            Kind::Zip => {
                let mut data = Vec::new();
                let max = self.limits.max_in_memory;
                if let Err(err) = reader.take(max + 1).read_to_end(&mut data) {
                    return self.failed(path, err);
                }
                if data.len() as u64 > max {
                    let message = format!(
                        "zip not opened: larger than {} MiB inside an archive or on stdin",
                        max >> 20
                    );
                    self.report(path, message);
                    return Ok(());
                }
                self.zip(path, depth, Cursor::new(data))
            }
        }
    }

    /// A gzip stream: a tarball is walked as one level (`a.tar.gz!file`), anything else is
    /// its one member (`a.txt.gz!a.txt`).
    fn gzip(&mut self, path: &str, depth: usize, reader: &mut dyn Read) -> Flow {
        let mut inflated = Inflated {
            inner: MultiGzDecoder::new(reader),
            budget: self.budget,
        };
        let head = match head(&mut inflated) {
            Ok(head) => head,
            Err(err) => return self.failed(path, err),
        };
        let is_tar = detect(&head) == Some(Kind::Tar);
        let mut reader = Cursor::new(head).chain(inflated);
        if is_tar {
            return self.tar(path, depth, &mut reader);
        }
        let inner = format!("{path}!{}", gunzipped_name(path));
        self.entry()?;
        self.input(&inner, depth + 1, &mut reader)
    }

    fn tar(&mut self, path: &str, depth: usize, reader: &mut dyn Read) -> Flow {
        let failed = Cell::new(false);
        let mut archive = tar::Archive::new(Watched {
            inner: reader,
            failed: &failed,
        });
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(err) => return self.failed(path, err),
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(err) => return self.failed(path, format!("not a readable tar archive: {err}")),
            };
            if !entry.header().entry_type().is_file() || self.too_large(entry.size()) {
                continue;
            }
            self.entry()?;
            let inner = format!("{path}!{}", String::from_utf8_lossy(&entry.path_bytes()));
            self.input(&inner, depth + 1, &mut entry)?;
            // The stream failed under this member (reported there): nothing after it can be
            // read.
            if failed.get() {
                return Ok(());
            }
        }
        Ok(())
    }

    fn zip<R: Read + Seek>(&mut self, path: &str, depth: usize, reader: R) -> Flow {
        let mut archive = match zip::ZipArchive::new(reader) {
            Ok(archive) => archive,
            Err(err) => return self.failed(path, format!("not a readable zip archive: {err}")),
        };
        match archive.has_overlapping_files() {
            Ok(false) => {}
            Ok(true) => {
                let message = "zip not opened: its members overlap (a zip bomb?)".to_owned();
                self.report(path, message);
                return Ok(());
            }
            Err(err) => return self.failed(path, format!("not a readable zip archive: {err}")),
        }
        for index in 0..archive.len() {
            let member = match archive.name_for_index(index) {
                Some(Ok(name)) => format!("{path}!{name}"),
                _ => format!("{path}!#{index}"),
            };
            let file = match archive.by_index(index) {
                Ok(file) => file,
                Err(err) => {
                    self.failed(&member, err)?;
                    continue;
                }
            };
            if !file.is_file() || self.too_large(file.size()) {
                continue;
            }
            self.entry()?;
            let mut inflated = Inflated {
                inner: file,
                budget: self.budget,
            };
            self.input(&member, depth + 1, &mut inflated)?;
        }
        Ok(())
    }
}

/// The name of a gzipped file's content: its own name less `.gz`.
fn gunzipped_name(path: &str) -> &str {
    let name = path.rsplit(['!', '/']).next().unwrap_or(path);
    match name.strip_suffix(".gz") {
        Some(stem) if !stem.is_empty() => stem,
        _ => name,
    }
}
