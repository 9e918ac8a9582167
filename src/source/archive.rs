//! Archives as a source: zip (and jar), tar, gzip, zstd, tar.gz and tar.zst, recognised by
//! their magic bytes, opened nested up to a depth, each member handed to a callback as a reader
//! with a path like `a.zip!dir/file.txt` (nested: `a.zip!b.tar.gz!c.txt`; a compressed tar is
//! one level).
//!
//! Sizes declared in headers are never trusted: every byte that comes out of a decompressor (a
//! gzip stream, a zip member) is counted against one budget per top-level archive, bounded in
//! total and by a ratio to the archive's own size, so that a zip bomb stops after a bounded
//! amount of work. What a limit stops, and what cannot be read, is reported as a [`Problem`];
//! the walk goes on with the next member where it can. Sources know nothing of rules.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};

use flate2::read::MultiGzDecoder;
use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

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
    let opened = (|| {
        let head = head(&mut file)?;
        file.seek(SeekFrom::Start(0))?;
        Ok::<_, io::Error>((detect(&head), file.metadata()?.len()))
    })();
    match opened {
        Ok((kind, len)) => {
            budget.input.set(len);
            // A zip on disk is read in place; anything else as a stream.
            let _ = if kind == Some(Kind::Zip) {
                walker.zip(name, 0, BufReader::new(file))
            } else {
                walker.input(name, 0, &mut file)
            };
        }
        Err(err) => walker.report(name, err.to_string()),
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
    // The ratio is measured against the bytes read so far: their total is not known ahead.
    let mut metered = Metered {
        inner: reader,
        count: &budget.input,
    };
    let mut walker = Walker {
        root: name,
        limits,
        budget: &budget,
        visit,
        problem,
    };
    let _ = walker.input(name, 0, &mut metered);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Gzip,
    Zstd,
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
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some(Kind::Zstd)
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
    /// Reports a problem, with control characters (which archives and their parsers' messages
    /// may carry) escaped, so that it stays one line.
    fn report(&mut self, path: &str, message: String) {
        let printable = |text: &str| {
            text.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        };
        (self.problem)(Problem {
            path: printable(path),
            message: printable(&message),
        });
    }

    /// Reports a read error at `path`, or, when the budget ran out, stops the whole archive.
    fn failed(&mut self, path: &str, err: impl std::fmt::Display) -> Flow {
        if self.budget.exceeded.get() {
            let (out, limits) = (self.budget.output.get(), self.limits);
            let why = if out > limits.max_total {
                format!("beyond the {} MiB limit", limits.max_total >> 20)
            } else {
                format!("to more than {}x its size", limits.max_ratio)
            };
            let message = format!(
                "archive not scanned past {} MiB: it decompresses {why} (a zip bomb?)",
                out >> 20
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
            Kind::Gzip => self.compressed(path, depth, MultiGzDecoder::new(reader), ".gz"),
            Kind::Zstd => self.compressed(path, depth, Zstd::new(reader), ".zst"),
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

    /// A gzip or zstd stream (`decoder`, for a file named `*{suffix}`): a tarball is walked as
    /// one level (`a.tar.gz!file`), anything else is its one member (`a.txt.gz!a.txt`).
    fn compressed(&mut self, path: &str, depth: usize, decoder: impl Read, suffix: &str) -> Flow {
        let mut inflated = Inflated {
            inner: decoder,
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
        let inner = format!("{path}!{}", decompressed_name(path, suffix));
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

/// The name of a compressed file's content: its own name less `suffix` (`.gz`).
fn decompressed_name<'p>(path: &'p str, suffix: &str) -> &'p str {
    let name = path.rsplit(['!', '/']).next().unwrap_or(path);
    match name.strip_suffix(suffix) {
        Some(stem) if !stem.is_empty() => stem,
        _ => name,
    }
}

/// Every frame of a zstd stream in turn, skippable frames skipped, as `zstd -d` reads it
/// (a zstd:chunked image layer is many frames). ruzstd caps the window a frame may ask for.
struct Zstd<R> {
    source: BufReader<R>,
    frame: FrameDecoder,
    /// A frame is being decoded.
    open: bool,
}

impl<R: Read> Zstd<R> {
    fn new(source: R) -> Self {
        Zstd {
            source: BufReader::new(source),
            frame: FrameDecoder::new(),
            open: false,
        }
    }
}

impl<R: Read> Read for Zstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.open {
                if self.frame.can_collect() == 0 && !self.frame.is_finished() {
                    self.frame
                        .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(io::Error::other)?;
                    continue;
                }
                let n = self.frame.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                self.open = !self.frame.is_finished();
                if self.open {
                    continue;
                }
            }
            if self.source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.frame.reset(&mut self.source) {
                Ok(()) => self.open = true,
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped = io::copy(
                        &mut (&mut self.source).take(u64::from(length)),
                        &mut io::sink(),
                    )?;
                    if skipped < u64::from(length) {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Err(err) => return Err(io::Error::other(err)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_of(members: usize, size: usize) -> Vec<u8> {
        let mut out = tar::Builder::new(Vec::new());
        for i in 0..members {
            let mut header = tar::Header::new_gnu();
            header.set_size(size as u64);
            out.append_data(&mut header, format!("f{i}"), &vec![b'a'; size][..])
                .unwrap();
        }
        out.into_inner().unwrap()
    }

    /// Paths visited (with their sizes) and problems reported.
    fn walk(data: &[u8], limits: &Limits) -> (Vec<(String, usize)>, Vec<Problem>) {
        let (mut seen, mut problems) = (Vec::new(), Vec::new());
        let mut visit = |e: Entry<'_>| {
            let mut buf = Vec::new();
            e.reader.read_to_end(&mut buf)?;
            seen.push((e.path.to_owned(), buf.len()));
            Ok(())
        };
        visit_reader(data, "in", limits, &mut visit, &mut |p| problems.push(p));
        (seen, problems)
    }

    #[test]
    fn recognises_formats_by_magic_not_name() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(detect(&[0x1f, 0x8b, 0x08, 0]), Some(Kind::Gzip));
        assert_eq!(detect(&tar_of(1, 3)), Some(Kind::Tar));
        assert_eq!(detect(b"PK is a name"), None);
        let (seen, problems) = walk(b"plain text", &Limits::default());
        assert_eq!((seen, problems), (vec![("in".to_owned(), 10)], vec![]));
    }

    #[test]
    fn decompressed_names() {
        assert_eq!(decompressed_name("logs/app.log.gz", ".gz"), "app.log");
        assert_eq!(decompressed_name("a.zip!dir/x.gz", ".gz"), "x");
        assert_eq!(decompressed_name("blob", ".gz"), "blob");
        assert_eq!(decompressed_name(".gz", ".gz"), ".gz");
        assert_eq!(decompressed_name("a.json.zst", ".zst"), "a.json");
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    #[test]
    fn zstd_streams_of_several_frames_and_skippable_frames() {
        let mut data = zstd(&tar_of(2, 100));
        // A skippable frame, then a plain member compressed in two frames.
        data.clear();
        data.extend(zstd(b"first half, "));
        data.extend([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        data.extend(zstd(b"second half"));
        let mut out = Vec::new();
        Zstd::new(&data[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"first half, second half");

        let (seen, problems) = walk(&zstd(&tar_of(2, 100)), &Limits::default());
        let want = vec![("in!f0".to_owned(), 100), ("in!f1".to_owned(), 100)];
        assert_eq!((seen, problems), (want, vec![]));
        let (seen, _) = walk(&zstd(b"plain"), &Limits::default());
        assert_eq!(seen, vec![("in!in".to_owned(), 5)]);

        // Truncated: an error at the member, not a panic or a hang.
        let whole = zstd(&tar_of(1, 5000));
        let (_, problems) = walk(&whole[..whole.len() / 2], &Limits::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn member_count_and_size_limits() {
        let limits = Limits {
            max_entries: 3,
            ..Limits::default()
        };
        let (seen, problems) = walk(&tar_of(5, 10), &limits);
        assert_eq!(seen.len(), 3);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("past 3 members"),
            "{problems:?}"
        );

        let limits = Limits {
            max_entry_size: Some(10),
            ..Limits::default()
        };
        let mut data = tar_of(1, 10);
        data.truncate(data.len() - 1024); // drop the end-of-archive blocks, append another
        data.extend(tar_of(1, 11));
        let (seen, problems) = walk(&data, &limits);
        assert_eq!((seen, problems), (vec![("in!f0".to_owned(), 10)], vec![]));
    }

    #[test]
    fn decompressed_bytes_are_bounded_by_ratio_and_total() {
        let text = vec![b'a'; 4 << 20];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &text).unwrap();
        let gz = gz.finish().unwrap();
        let limits = Limits {
            ratio_floor: 1 << 20,
            ..Limits::default()
        };
        let (seen, problems) = walk(&gz, &limits);
        assert!(seen.is_empty(), "{seen:?}");
        assert!(
            problems[0].message.contains("more than 100x"),
            "{problems:?}"
        );
        let limits = Limits {
            max_total: 1 << 20,
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        let (_, problems) = walk(&gz, &limits);
        assert!(
            problems[0].message.contains("beyond the 1 MiB"),
            "{problems:?}"
        );
        let (seen, problems) = walk(&gz, &Limits::default());
        assert_eq!(
            (seen, problems),
            (vec![("in!in".to_owned(), 4 << 20)], vec![])
        );
    }
}
