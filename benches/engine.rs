//! Engine throughput over a generated, source-like corpus, and a correctness check.
//!
//! `cargo bench --bench engine` builds a deterministic corpus in memory (~64 MB of code, hex
//! hashes, UUIDs, base64 blobs, URLs and comments, cut into files of a few KB each, with about
//! as many keyword hits per MB as real crate sources, and fake credentials planted at a known
//! rate), then times, single-threaded, 5 runs each (median and best):
//!
//! - the engine with the keyword prefilter (the normal path), over the whole corpus and over
//!   a smaller slice;
//! - the engine `without_prefilter()` (the reference path), over the slice;
//! - a floor that only touches every byte once (`memchr` counting newlines), over the whole
//!   corpus, so the engine can be quoted as "N times slower than a memchr pass".
//!
//! It panics if a planted secret is not found (at medium confidence or more), or if the
//! prefilter and the reference path disagree on the slice. No files, no network.
//!
//! Environment: `KEYSCOUT_BENCH_MB` (corpus size, default 64), `KEYSCOUT_BENCH_SLICE_MB`
//! (slice for the reference path, default 8), `KEYSCOUT_BENCH_RUNS` (default 5).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hint::black_box;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyscout::finding::{Chunk, Finding};
use keyscout::rules::{self, ConfigSource};
use keyscout::scan::Scanner;

/// Fixed so that every run scans the same bytes.
const SEED: u64 = 0x6b65_7973_636f_7574;
/// Mean distance between two planted secrets.
const PLANT_EVERY: usize = 256 << 10;

fn main() {
    let mb = env_usize("KEYSCOUT_BENCH_MB", 64);
    let slice_mb = env_usize("KEYSCOUT_BENCH_SLICE_MB", 8);
    let runs = env_usize("KEYSCOUT_BENCH_RUNS", 5).max(1);

    let started = Instant::now();
    let corpus = Corpus::generate(mb << 20, SEED);
    let generated = started.elapsed();
    println!(
        "corpus: {:.1} MB in {} files, {} lines, {} planted secrets (1 per {} KiB), generated in {:.2} s",
        mb_of(corpus.data.len()),
        corpus.files.len(),
        memchr::memchr_iter(b'\n', &corpus.data).count(),
        corpus.planted.len(),
        PLANT_EVERY >> 10,
        generated.as_secs_f64(),
    );

    let (load_time, set) = timed(runs, || {
        rules::load(&ConfigSource::Builtin).expect("the built-in rules compile")
    });
    let set = Arc::new(set);
    println!(
        "rules: {} built-in rules, loaded and compiled in {:.1} ms (median)",
        set.rules.len(),
        load_time.median.as_secs_f64() * 1e3
    );

    if let Some(keywords) = &set.keywords {
        let hits: usize = corpus
            .files
            .iter()
            .map(|f| {
                let mut hits = Vec::new();
                keywords.find_all(u64::MAX, &corpus.data[f.span.clone()], &mut hits);
                hits.len()
            })
            .sum();
        println!(
            "keyword hits: {:.0} per MB (benches/README.md has the crates.io sources' figure)",
            hits as f64 / mb_of(corpus.data.len())
        );
    }

    let fast = Scanner::new(Arc::clone(&set));
    let slow = Scanner::new(Arc::clone(&set)).without_prefilter();
    let all = 0..corpus.files.len();
    let slice = corpus.first_files(slice_mb << 20);
    let all_bytes = corpus.bytes(&all);
    let slice_bytes = corpus.bytes(&slice);

    // (a) the normal path, whole corpus.
    let (fast_time, fast_findings) = timed(runs, || scan_files(&fast, &corpus, all.clone()));
    check_planted(&corpus, &fast_findings);

    // (b) the reference path, slice; the prefilter must find exactly the same there.
    let (slow_time, slow_findings) = timed(runs, || scan_files(&slow, &corpus, slice.clone()));
    let (fast_slice_time, fast_slice_findings) =
        timed(runs, || scan_files(&fast, &corpus, slice.clone()));
    assert_same_findings(&fast_slice_findings, &slow_findings);

    // (c) the floor: one memchr pass over the same bytes, file by file.
    let (floor_time, lines) = timed(runs, || count_lines(&corpus, all.clone()));
    black_box(lines);
    let floor_mbps = mb_of(all_bytes) / floor_time.median.as_secs_f64();

    let extra = fast_findings.len().saturating_sub(corpus.planted.len());
    let low = fast_findings
        .iter()
        .filter(|f| f.confidence == "low")
        .count();
    println!(
        "findings: {} ({} planted, all found; {} others, by rule: {}; {} at low confidence)",
        fast_findings.len(),
        corpus.planted.len(),
        extra,
        by_rule(&fast_findings, &corpus),
        low,
    );
    println!();
    println!("single thread, {runs} runs each");
    println!(
        "{:<34} {:>7} {:>10} {:>10} {:>10} {:>9}",
        "pass", "MB", "median ms", "MB/s", "best MB/s", "x floor"
    );
    let row = |name: &str, bytes: usize, time: Timing| {
        let mb = mb_of(bytes);
        let mbps = mb / time.median.as_secs_f64();
        println!(
            "{:<34} {:>7.1} {:>10.1} {:>10.1} {:>10.1} {:>9.1}",
            name,
            mb,
            time.median.as_secs_f64() * 1e3,
            mbps,
            mb / time.best.as_secs_f64(),
            floor_mbps / mbps,
        );
    };
    row("floor: memchr newlines", all_bytes, floor_time);
    row("engine, prefilter", all_bytes, fast_time);
    row("engine, prefilter (slice)", slice_bytes, fast_slice_time);
    row("engine, without_prefilter (slice)", slice_bytes, slow_time);
    println!(
        "MB/s: MB / median time; x floor: the floor's MB/s / this MB/s; prefilter speed-up on \
         the slice: {:.1}x",
        slow_time.median.as_secs_f64() / fast_slice_time.median.as_secs_f64()
    );
}

/// Scans `files` of the corpus one by one, as `keyscout dir` does with small files.
fn scan_files(scanner: &Scanner, corpus: &Corpus, files: Range<usize>) -> Vec<Finding> {
    let mut matcher = scanner.matcher();
    let mut out = Vec::new();
    for file in &corpus.files[files] {
        let chunk = Chunk::whole(&corpus.data[file.span.clone()], Some(&file.path));
        matcher.scan(&chunk, &mut out);
    }
    out
}

fn count_lines(corpus: &Corpus, files: Range<usize>) -> usize {
    corpus.files[files]
        .iter()
        .map(|f| memchr::memchr_iter(b'\n', &corpus.data[f.span.clone()]).count())
        .sum()
}

/// Panics unless every planted secret was reported, in its file, at medium confidence or more
/// (what `keyscout dir` reports by default).
fn check_planted(corpus: &Corpus, findings: &[Finding]) {
    let found: HashSet<(&str, &str)> = findings
        .iter()
        .filter(|f| f.confidence != "low")
        .map(|f| (f.path.as_str(), f.secret.as_str()))
        .collect();
    let missed: Vec<&Planted> = corpus
        .planted
        .iter()
        .filter(|p| !found.contains(&(corpus.files[p.file].path.as_str(), p.secret.as_str())))
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} planted secrets not found, first: {:?} in {} (expected rule {})",
        missed.len(),
        corpus.planted.len(),
        missed[0].line,
        corpus.files[missed[0].file].path,
        missed[0].rule,
    );
}

fn assert_same_findings(with: &[Finding], without: &[Finding]) {
    let key = |f: &Finding| {
        (
            f.path.clone(),
            f.line,
            f.column,
            f.rule_id.clone(),
            f.secret.clone(),
        )
    };
    let mut a: Vec<_> = with.iter().map(key).collect();
    let mut b: Vec<_> = without.iter().map(key).collect();
    a.sort();
    b.sort();
    if a != b {
        let only_a: Vec<_> = a.iter().filter(|k| !b.contains(k)).take(3).collect();
        let only_b: Vec<_> = b.iter().filter(|k| !a.contains(k)).take(3).collect();
        panic!(
            "prefilter and reference path disagree: {} vs {} findings; only with: {only_a:?}; \
             only without: {only_b:?}",
            a.len(),
            b.len()
        );
    }
}

/// "rule-id: n, ..." for the findings that were not planted.
fn by_rule(findings: &[Finding], corpus: &Corpus) -> String {
    let planted: HashSet<&str> = corpus.planted.iter().map(|p| p.secret.as_str()).collect();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| !planted.contains(f.secret.as_str()))
    {
        match counts.iter_mut().find(|(id, _)| *id == f.rule_id) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.rule_id.clone(), 1)),
        }
    }
    if counts.is_empty() {
        return "none".into();
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
        .iter()
        .map(|(id, n)| format!("{id}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Wall times of repeated runs.
#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    /// The fastest run: on a shared, noisy machine the least disturbed one.
    best: Duration,
}

/// Runs `f` `runs` times; the timing and the last result.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let out = black_box(f());
        times.push(started.elapsed());
        last = Some(out);
    }
    times.sort();
    let timing = Timing {
        median: times[runs / 2],
        best: times[0],
    };
    (timing, last.expect("runs >= 1"))
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

fn mb_of(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// The generated input: one buffer cut into files.
struct Corpus {
    data: Vec<u8>,
    files: Vec<File>,
    planted: Vec<Planted>,
}

struct File {
    path: String,
    span: Range<usize>,
}

/// A fake credential put into the corpus.
#[derive(Debug)]
struct Planted {
    file: usize,
    rule: &'static str,
    secret: String,
    line: String,
}

impl Corpus {
    fn generate(size: usize, seed: u64) -> Corpus {
        let mut rng = Rng(seed);
        let mut text = String::with_capacity(size + (64 << 10));
        let mut files = Vec::new();
        let mut planted = Vec::new();
        let mut next_plant = rng.below(2 * PLANT_EVERY);
        while text.len() < size {
            let start = text.len();
            let ext = rng.pick(&["rs", "rs", "rs", "py", "js", "go", "toml", "json", "md"]);
            let path = format!(
                "{}/{}/{}.{ext}",
                rng.pick(CRATES),
                rng.pick(&["src", "src", "src/util", "tests", "examples", "benches"]),
                ident(&mut rng),
            );
            // File sizes: mostly a few KB, some tens, a few hundreds (as in a crate registry).
            let target = match rng.below(100) {
                0..=59 => 500 + rng.below(8 << 10),
                60..=94 => (8 << 10) + rng.below(56 << 10),
                _ => (64 << 10) + rng.below(448 << 10),
            };
            while text.len() - start < target {
                if text.len() >= next_plant {
                    next_plant += 1 + rng.below(2 * PLANT_EVERY);
                    let (rule, secret, line) = plant(&mut rng);
                    text.push_str(&line);
                    text.push('\n');
                    planted.push(Planted {
                        file: files.len(),
                        rule,
                        secret,
                        line,
                    });
                } else {
                    source_line(&mut rng, &mut text);
                }
            }
            files.push(File {
                path,
                span: start..text.len(),
            });
        }
        Corpus {
            data: text.into_bytes(),
            files,
            planted,
        }
    }

    /// The first files holding at least `bytes` bytes.
    fn first_files(&self, bytes: usize) -> Range<usize> {
        let n = self
            .files
            .iter()
            .position(|f| f.span.end >= bytes)
            .map_or(self.files.len(), |i| i + 1);
        0..n
    }

    fn bytes(&self, files: &Range<usize>) -> usize {
        self.files[files.clone()].iter().map(|f| f.span.len()).sum()
    }
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chars(&mut self, alphabet: &[u8], n: usize, out: &mut String) {
        for _ in 0..n {
            out.push(char::from(self.pick(alphabet)));
        }
    }

    fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        let mut s = String::with_capacity(n);
        self.chars(alphabet, n, &mut s);
        s
    }
}

const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[rustfmt::skip]
const CRATES: &[&str] = &[
    "serde", "tokio", "regex", "hyper", "rand", "clap", "syn", "quote", "libc", "memchr",
    "rayon", "bytes", "futures", "tracing", "reqwest", "rustls", "ring", "http", "url",
    "object_store",
];

/// Identifier pieces.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "buffer", "config", "value", "index", "state", "inner", "request", "response", "client",
    "builder", "reader", "writer", "parse", "error", "result", "handle", "stream", "cache",
    "span", "node", "visit", "count", "len", "offset", "path", "name", "field", "items", "entry",
    "map", "set", "list", "header", "body", "context", "session", "user", "id", "hash",
    "digest", "encode", "decode", "format", "width",
    "height", "limit", "timeout", "retry", "region", "bucket", "endpoint", "url",
    "host", "port", "socket", "channel", "sender", "receiver", "task", "worker", "pool",
    "access", "api", "s3",
];

/// Rarer identifier pieces that hit rule keywords, so the prefilter has windows to open.
#[rustfmt::skip]
const SENSITIVE: &[&str] = &[
    "key", "keys", "token", "secret", "auth", "credentials", "password", "api_key", "access_token",
];

/// Rarer still: vendor names (and a continent), as real code sometimes has.
#[rustfmt::skip]
const VENDORS: &[&str] = &[
    "aws", "azure", "gcp", "slack", "github", "gitlab", "stripe", "asia", "heroku", "twilio",
    "discord", "mailgun", "sendgrid", "shopify",
];

#[rustfmt::skip]
const TYPES: &[&str] = &[
    "String", "Vec<u8>", "usize", "u64", "&str", "Option<Config>", "Result<(), Error>",
    "HashMap<String, Value>", "Arc<Mutex<State>>", "Box<dyn Fn()>", "Bytes", "PathBuf",
];

#[rustfmt::skip]
const HOSTS: &[&str] = &[
    "github.com", "docs.rs", "crates.io", "example.com", "www.rfc-editor.org",
    "s3.amazonaws.com", "storage.googleapis.com", "api.stripe.com", "hooks.example.net",
    "login.microsoftonline.com",
];

/// One identifier piece. The rates of keyword-hitting words were set so that the corpus had
/// as many keyword hits per MB as the sources in ~/.cargo/registry (~1000, with 78 rules).
fn word(rng: &mut Rng) -> &'static str {
    match rng.below(10_000) {
        0..=79 => rng.pick(SENSITIVE),
        80..=84 => rng.pick(VENDORS),
        _ => rng.pick(WORDS),
    }
}

fn ident(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => word(rng).to_string(),
        1 | 2 => format!("{}_{}", word(rng), word(rng)),
        _ => format!("{}_{}_{}", word(rng), word(rng), word(rng)),
    }
}

fn camel(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..1 + rng.below(3) {
        let w = word(rng);
        let mut c = w.chars();
        if let Some(first) = c.next() {
            s.push(first.to_ascii_uppercase());
            s.push_str(c.as_str());
        }
    }
    s
}

fn sentence(rng: &mut Rng, out: &mut String) {
    #[rustfmt::skip]
    const PROSE: &[&str] = &[
        "the", "a", "of", "to", "is", "returns", "if", "when", "this", "we", "not", "must",
        "be", "called", "before", "after", "with", "and", "or", "in", "on", "for", "each",
        "may", "panic", "fails", "otherwise", "see", "note", "that", "it", "only", "once",
    ];
    for i in 0..4 + rng.below(12) {
        if i > 0 {
            out.push(' ');
        }
        if rng.below(3) == 0 {
            out.push_str(word(rng));
        } else {
            out.push_str(rng.pick(PROSE));
        }
    }
}

/// One line of source-like text, newline included.
fn source_line(rng: &mut Rng, out: &mut String) {
    let indent = 4 * rng.below(4);
    out.extend(std::iter::repeat_n(' ', indent));
    let _ = match rng.below(100) {
        0..=24 => write!(
            out,
            "let {} = {}.{}({}, {});",
            ident(rng),
            ident(rng),
            ident(rng),
            ident(rng),
            rng.below(4096)
        ),
        25..=32 => write!(
            out,
            "pub fn {}(&self, {}: {}) -> {} {{",
            ident(rng),
            ident(rng),
            rng.pick(TYPES),
            rng.pick(TYPES)
        ),
        33..=44 => {
            out.push_str(if rng.below(2) == 0 { "// " } else { "/// " });
            sentence(rng, out);
            Ok(())
        }
        45..=53 => {
            out.push('}');
            Ok(())
        }
        54..=59 => Ok(()),
        60..=64 => write!(
            out,
            "use {}::{}::{{{}, {}}};",
            rng.pick(CRATES).replace('-', "_"),
            ident(rng),
            camel(rng),
            camel(rng)
        ),
        65..=67 => {
            let _ = write!(out, "{} = \"", ident(rng));
            let n = if rng.below(2) == 0 { 40 } else { 64 };
            rng.chars(HEX, n, out);
            out.push('"');
            Ok(())
        }
        68..=69 => {
            let _ = write!(out, "\"{}\": \"", ident(rng));
            uuid(rng, out);
            out.push_str("\",");
            Ok(())
        }
        70..=71 => {
            let n = if rng.below(4) == 0 {
                20 + rng.below(56)
            } else {
                76
            };
            rng.chars(BASE64, n, out);
            Ok(())
        }
        72..=73 => write!(
            out,
            "// see https://{}/{}/{}?q={}#L{}",
            rng.pick(HOSTS),
            ident(rng),
            camel(rng),
            ident(rng),
            rng.below(999)
        ),
        74..=80 => {
            let _ = write!(
                out,
                "{}!(\"",
                rng.pick(&["println", "debug", "info", "warn"])
            );
            sentence(rng, out);
            write!(out, ": {{}}\", {});", ident(rng))
        }
        81..=87 => write!(
            out,
            "{}: {} = {}::new({}),",
            ident(rng),
            camel(rng),
            camel(rng),
            rng.below(1 << 20)
        ),
        88..=94 => write!(
            out,
            "if {}.{}() > {} && !{}.is_empty() {{",
            ident(rng),
            ident(rng),
            rng.below(100),
            ident(rng)
        ),
        _ => write!(
            out,
            "{} = \"{}\"  # {}",
            ident(rng),
            rng.pick(&[
                "us-east-1",
                "eu-west-2",
                "ap-southeast-1",
                "1.0.3",
                "true",
                "info"
            ]),
            word(rng)
        ),
    };
    out.push('\n');
}

/// The checksum GitHub tokens end with: 6 base62 digits of the body's CRC32, so that the
/// planted ones are as valid as real ones (a failing checksum lowers a finding's confidence).
fn base62_crc32(body: &[u8]) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = crc32fast::hash(body);
    let mut out = [b'0'; 6];
    for digit in out.iter_mut().rev() {
        *digit = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn uuid(rng: &mut Rng, out: &mut String) {
    for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        rng.chars(HEX, n, out);
    }
}

/// A fake credential in a plausible line: (rule expected to find it, secret, line).
fn plant(rng: &mut Rng) -> (&'static str, String, String) {
    let (rule, secret) = match rng.below(8) {
        0 => {
            let body = rng.string(ALNUM, 30);
            let check = base62_crc32(body.as_bytes());
            ("github-pat", format!("ghp_{body}{check}"))
        }
        1 => (
            "aws-access-key-id",
            format!("AKIA{}", rng.string(UPPER_DIGITS, 16)),
        ),
        2 => (
            "slack-bot-token",
            format!(
                "xoxb-{}-{}-{}",
                rng.string(DIGITS, 11),
                rng.string(DIGITS, 12),
                rng.string(ALNUM, 24)
            ),
        ),
        3 => ("stripe-secret-key", {
            let n = 24 + rng.below(76);
            format!("sk_live_{}", rng.string(ALNUM, n))
        }),
        4 => ("gitlab-pat", format!("glpat-{}", rng.string(ALNUM, 20))),
        5 => (
            "sendgrid-api-key",
            format!(
                "SG.{}.{}",
                rng.string(URL_SAFE, 22),
                rng.string(URL_SAFE, 43)
            ),
        ),
        6 => ("gcp-api-key", format!("AIza{}", rng.string(URL_SAFE, 35))),
        _ => (
            "digitalocean-personal-access-token",
            format!("dop_v1_{}", rng.string(HEX, 64)),
        ),
    };
    let line = match rng.below(4) {
        0 => format!("export {}={secret}", ident(rng).to_ascii_uppercase()),
        1 => format!("    let {} = \"{secret}\";", ident(rng)),
        2 => format!("{}: '{secret}'", ident(rng)),
        _ => format!("    \"{}\": \"{secret}\",", camel(rng)),
    };
    (rule, secret, line)
}
