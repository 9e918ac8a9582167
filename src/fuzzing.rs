//! One entry point per fuzz target (`fuzz/fuzz_targets/`), each taking arbitrary bytes: the
//! libFuzzer targets call them, and `tests/fuzz_corpus.rs` replays the committed corpora
//! through the same code on stable. None may panic, hang or allocate without bound, whatever
//! the bytes; the differential ones panic on purpose when a fast path disagrees with its
//! reference.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::finding::{Chunk, Finding};
use crate::history::{self, Options, Selection};
use crate::rules::verify::{ResponseMatcher, Template, https_host, json_path};
use crate::scan::Scanner;
use crate::scan::decode::{Encoding, decode, spans};
use crate::source::archive::{Entry, Limits, Problem, visit_reader};
use crate::source::git::{Repo, Warning};
use crate::source::read::{ReadOptions, read_chunks};
use crate::triage::ignore::{IgnoreFile, Syntax};

/// The built-in rules, compiled once per process.
fn builtin() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let rules = crate::rules::load(&crate::rules::ConfigSource::Builtin)
            .unwrap_or_else(|e| panic!("built-in rules: {e}"));
        Scanner::new(Arc::new(rules))
    })
}

/// What identifies a finding when two ways of scanning are compared.
fn facts(found: &[Finding]) -> Vec<(String, usize, usize, String, String)> {
    let mut v: Vec<_> = found
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.line,
                f.column,
                f.secret.clone(),
                f.decoded.clone(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A rule file: TOML parsed and rules compiled, then run over the file's own bytes.
pub fn rules_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // A name in a directory that holds nothing: an `[extend] path` finds no file.
    let Ok(rules) = crate::rules::load_text("/nonexistent/keyscout-fuzz.toml", &text) else {
        return;
    };
    let rules = Arc::new(rules);
    // The prefilter's windows, from each rule's reach around its keywords, must find what
    // whole-input runs find, whatever the rules.
    let scan = |scanner: Scanner| {
        let mut out = Vec::new();
        scanner
            .matcher()
            .scan(&Chunk::whole(data, Some("fuzz.txt")), &mut out);
        facts(&out)
    };
    assert_eq!(
        scan(Scanner::new(rules.clone())),
        scan(Scanner::new(rules).without_prefilter()),
        "the prefilter changes what is found"
    );
}

/// The engine with the built-in rules on arbitrary bytes, whole; and read in small chunks,
/// which must find what the whole read finds when no line is longer than the overlap.
pub fn engine(data: &[u8]) {
    let scanner = builtin();
    let mut whole = Vec::new();
    scanner
        .matcher()
        .scan(&Chunk::whole(data, Some("fuzz.txt")), &mut whole);
    let longest_line = data.split(|&b| b == b'\n').map(<[u8]>::len).max();
    let opts = ReadOptions {
        binary: true,
        chunk_size: 256,
        overlap: 1024,
    };
    // Matches that may span lines (a private key block) can outgrow the overlap.
    if longest_line.unwrap_or(0) >= 256 || data.len() > 4096 || data.contains(&b'-') {
        return;
    }
    let mut chunked = Vec::new();
    let mut matcher = scanner.matcher();
    let mut buf = Vec::new();
    let read = read_chunks(data, Some("fuzz.txt"), &mut buf, &opts, |chunk| {
        matcher.scan(&chunk, &mut chunked)
    });
    assert!(read.is_ok(), "reading from memory cannot fail");
    let mut whole_raw = Vec::new();
    let opts_whole = ReadOptions {
        binary: true,
        ..ReadOptions::default()
    };
    let mut matcher = scanner.matcher();
    let _ = read_chunks(data, Some("fuzz.txt"), &mut buf, &opts_whole, |chunk| {
        matcher.scan(&chunk, &mut whole_raw)
    });
    assert_eq!(
        facts(&chunked),
        facts(&whole_raw),
        "chunked and whole reads differ"
    );
}

/// The decoders: spans found, each decoded as each encoding, and the whole input too.
pub fn decoders(data: &[u8]) {
    let mut out = Vec::new();
    for span in spans(data) {
        let Some(bytes) = data.get(span.range.clone()) else {
            panic!("span {:?} outside its input of {}", span.range, data.len());
        };
        let _ = decode(bytes, span.encoding, &mut out);
    }
    for encoding in [Encoding::Base64, Encoding::Hex, Encoding::Percent] {
        if decode(data, encoding, &mut out) {
            assert!(
                out.len() <= data.len(),
                "{} decoded to more bytes than it had",
                encoding.name()
            );
        }
    }
}

/// Limits small enough that a fuzz input cannot ask for gigabytes.
fn small_limits() -> Limits {
    Limits {
        max_total: 16 << 20,
        ratio_floor: 1 << 20,
        max_in_memory: 16 << 20,
        ..Limits::default()
    }
}

/// Visits every member of an archive read from `reader`, reading each to its end.
fn read_archive(reader: impl Read, name: &str) {
    let mut sink = Vec::new();
    let mut visit = |entry: Entry<'_>| {
        sink.clear();
        entry
            .reader
            .take(32 << 20)
            .read_to_end(&mut sink)
            .map(|_| ())
    };
    let mut problems = |_: Problem| {};
    visit_reader(reader, name, &small_limits(), &mut visit, &mut problems);
}

/// The archive reader (zip, tar, gzip, bzip2-less formats the reader knows) on arbitrary bytes.
pub fn archive(data: &[u8]) {
    read_archive(data, "fuzz");
}

/// A temporary file holding `data`, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(data: &[u8], ext: &str) -> Option<TempFile> {
        let path = unique_temp(ext);
        std::fs::write(&path, data).ok()?;
        Some(TempFile(path))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path in the temp directory no other call of this process or another uses.
fn unique_temp(ext: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("keyscout-fuzz-{}-{n}.{ext}", std::process::id()))
}

/// The image reader on a tarball: its manifests and configs, then every layer it names.
pub fn image(data: &[u8]) {
    let Some(file) = TempFile::new(data, "tar") else {
        return;
    };
    let Ok((store, images)) = crate::source::image::open(&file.0) else {
        return;
    };
    for image in &images {
        for layer in &image.layers {
            if let Ok(reader) = store.open(&layer.blob) {
                read_archive(reader, "layer");
            }
        }
    }
}

/// Splits `data` into the pieces a length-prefixed layout names: each piece is a 4-byte
/// little-endian length and that many bytes (fewer at the end); what is left is the last.
fn pieces(mut data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    for _ in 1..n {
        let len = data
            .get(..4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        data = data.get(4..).unwrap_or(&[]);
        let (piece, rest) = data.split_at(len.min(data.len()));
        out.push(piece);
        data = rest;
    }
    out.push(data);
    out
}

/// Builds the git fuzz input from a repository's pack, its index, a commit id for `main`
/// and the index file (the layout [`git_objects`] reads).
pub fn git_input(pack_index: &[u8], pack: &[u8], head: &str, index: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in [pack_index, pack, head.as_bytes()] {
        out.extend_from_slice(&(piece.len() as u32).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out.extend_from_slice(index);
    out
}

/// Writes the repository a git fuzz input describes into `dir` (a work tree with `.git/`).
fn write_repo(dir: &Path, data: &[u8]) -> std::io::Result<()> {
    let [pack_index, pack, head, index] = pieces(data, 4)[..] else {
        return Ok(());
    };
    let git = dir.join(".git");
    std::fs::create_dir_all(git.join("objects/pack"))?;
    std::fs::create_dir_all(git.join("refs/heads"))?;
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n")?;
    std::fs::write(
        git.join("config"),
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
    )?;
    let mut head = head.to_vec();
    head.push(b'\n');
    std::fs::write(git.join("refs/heads/main"), head)?;
    let name = format!("pack-{}", "0".repeat(40));
    std::fs::write(git.join(format!("objects/pack/{name}.idx")), pack_index)?;
    std::fs::write(git.join(format!("objects/pack/{name}.pack")), pack)?;
    std::fs::write(git.join("index"), index)?;
    Ok(())
}

/// A repository made of a (mutated) pack, pack index, ref and index file: its history
/// scanned as `keyscout git` does (every blob, every commit's trees, the staged files), with
/// every object too (`--all-objects`), whole and delta-aware.
pub fn git_objects(data: &[u8]) {
    let dir = unique_temp("git");
    let guard = TempFile(dir.clone());
    if write_repo(&dir, data).is_err() {
        return;
    }
    let Ok(repo) = Repo::open(&dir) else {
        return;
    };
    let scanner = builtin();
    let warn = |_: Warning| {};
    let outcome = |_| {};
    for (all_objects, whole_blobs) in [(false, false), (true, true)] {
        let options = Options {
            threads: 1,
            max_file_size: Some(1 << 20),
            all_objects,
            whole_blobs,
            ..Options::default()
        };
        let Ok(tips) = repo.ref_tips(&warn) else {
            return;
        };
        let _ = history::scan(
            &repo,
            scanner,
            &options,
            Selection::Reachable(tips),
            None,
            &outcome,
            &warn,
        );
    }
    let _ = history::staged::scan(&repo, scanner, &Options::default(), &outcome, &warn);
    drop(guard);
}

/// The report reader behind `keyscout merge` (JSON, JSON Lines, SARIF).
pub fn report(data: &[u8]) {
    let _ = crate::report::read::read(data);
}

/// The ignore-file parsers (both syntaxes) and the baseline parser.
pub fn triage_files(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = IgnoreFile::parse("fuzz", &text, Syntax::Keyscout);
    let _ = IgnoreFile::parse("fuzz", &text, Syntax::Gitleaks);
    let _ = crate::triage::baseline::parse("fuzz", &text);
}

/// The verifier's response matching: conditions from the first lines of the input (status
/// codes, a body text, a `path=json` pair, a `name: value` header), a response from the
/// rest (headers, a blank line, the body); also its templates and URL checks.
pub fn verify_response(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(5, '\n');
    let mut next = || lines.next().unwrap_or("");
    let status: Vec<u16> = next()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let body_text = next().to_string();
    let json = next()
        .split_once('=')
        .and_then(|(path, value)| Some((path.to_string(), serde_json::from_str(value).ok()?)));
    let header = next()
        .split_once(':')
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()));
    let response = next();
    let (head, body) = response.split_once("\n\n").unwrap_or(("", response));
    let headers: Vec<(String, String)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let matcher = ResponseMatcher {
        status: status.clone(),
        body: vec![body_text.clone()],
        json: json.clone().into_iter().collect(),
        headers: header.into_iter().collect(),
    };
    let code = status.first().copied().unwrap_or(200);
    let _ = matcher.matches(code, &headers, body.as_bytes());
    if let Some((path, _)) = &json
        && let Ok(doc) = serde_json::from_str::<serde_json::Value>(body)
    {
        let _ = json_path(&doc, path);
    }
    let _ = Template::parse(&body_text);
    let _ = Template::parse(response);
    let _ = https_host(&body_text);
}
