//! Plain data passed between the stages: the [`Chunk`] of bytes a source hands the scanner,
//! and the [`Finding`] the scanner hands the reports.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A piece of one input (a file, stdin, later a git blob), as the scanner sees it.
#[derive(Debug, Clone)]
pub struct Chunk<'a> {
    /// The bytes, starting at the beginning of a line.
    pub data: &'a [u8],
    /// Matches that start in this range belong to this chunk; the rest of `data` is overlap
    /// with its neighbours, there so that matches across the boundary are seen whole.
    pub own: Range<usize>,
    /// 1-based line number of `data[0]`.
    pub first_line: usize,
    /// Path relative to the scanned root (`-` or a label for stdin); `None` when there is no
    /// path at all (rule examples), which turns path rules and path allowlists off.
    pub path: Option<&'a str>,
    /// Byte offset of `data[0]` in the input (of the binary bytes, for `strings`).
    pub offset: u64,
    /// Set when `data` is the printable strings of binary bytes rather than the bytes.
    pub strings: Option<&'a Strings<'a>>,
    /// The first bytes of the whole input (up to [`HEAD_LEN`]), for a script's shebang, which
    /// decides how a file without an extension is read.
    pub head: &'a [u8],
}

/// How much of an input's start [`Chunk::head`] holds.
pub const HEAD_LEN: usize = 128;

/// The start of `data` that a chunk of it carries as [`Chunk::head`].
pub fn head_of(data: &[u8]) -> &[u8] {
    &data[..data.len().min(HEAD_LEN)]
}

impl<'a> Chunk<'a> {
    /// A whole input in one piece.
    pub fn whole(data: &'a [u8], path: Option<&'a str>) -> Self {
        Chunk {
            data,
            own: 0..data.len(),
            first_line: 1,
            path,
            offset: 0,
            strings: None,
            head: head_of(data),
        }
    }
}

/// Where the text of a chunk made of printable strings comes from: runs of printable ASCII or
/// UTF-16LE in binary bytes, one run per line of the text. A match is reported at its place
/// in the bytes; one that would join two runs is not reported.
#[derive(Debug, Clone, Copy)]
pub struct Strings<'a> {
    /// The binary bytes (the chunk's `first_line` and `offset` are theirs).
    pub bytes: &'a [u8],
    /// Ascending, disjoint, by position in the text and in the bytes alike.
    pub runs: &'a [TextRun],
}

/// One run of printable characters: `len` characters at `text` in the text, at `at` in the
/// bytes, one byte each, or two (UTF-16LE) when `wide`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRun {
    pub text: usize,
    pub at: usize,
    pub len: usize,
    pub wide: bool,
}

impl TextRun {
    fn stride(&self) -> usize {
        if self.wide { 2 } else { 1 }
    }

    /// Just past the run, in the bytes.
    pub fn end(&self) -> usize {
        self.at + self.len * self.stride()
    }
}

impl Strings<'_> {
    /// The run holding text position `t` (or whose separator is at `t`).
    fn run_at(&self, t: usize) -> Option<&TextRun> {
        let i = self.runs.partition_point(|r| r.text <= t);
        self.runs.get(i.checked_sub(1)?)
    }

    /// Moves the findings `found[from..]`, made on `chunk`'s text, to their place in the
    /// bytes: offset, line and column (lines counted by the bytes' newlines, columns in
    /// bytes). Those that join two runs are dropped.
    pub fn relocate(&self, chunk: &Chunk<'_>, found: &mut Vec<Finding>, from: usize) {
        let mut kept = from;
        let mut lines = Lines {
            bytes: self.bytes,
            at: 0,
            line: chunk.first_line,
            line_start: 0,
        };
        for i in from..found.len() {
            if self.relocate_one(chunk, &mut found[i], &mut lines) {
                found.swap(kept, i);
                kept += 1;
            }
        }
        found.truncate(kept);
    }

    fn relocate_one(&self, chunk: &Chunk<'_>, f: &mut Finding, lines: &mut Lines<'_>) -> bool {
        let Some(t) = f
            .offset
            .and_then(|o| o.checked_sub(chunk.offset))
            .and_then(|t| usize::try_from(t).ok())
        else {
            // A path-only finding: it has no position.
            return true;
        };
        // The text is ASCII: characters are bytes.
        let (span, len) = if f.decoded.is_empty() {
            let before = f.matched.find(&f.secret).unwrap_or(0);
            let start = t.saturating_sub(before);
            (start..start + f.matched.len().max(1), f.secret.len())
        } else {
            let len = f.end_column.saturating_sub(f.column).max(1);
            (t..t + len, len)
        };
        let Some(run) = self.run_at(span.start) else {
            return false;
        };
        // The match may end on the run's separator (a regex's trailing boundary), not past it.
        let end = run.text + run.len;
        if span.end > end + 1 || t + len > end {
            return false;
        }
        let stride = run.stride();
        let start = run.at + (t - run.text) * stride;
        let end = run.at + (t + len.max(1) - 1 - run.text) * stride + stride;
        let (line, column) = lines.line_column(start);
        let (end_line, end_column) = lines.line_column(end - 1);
        f.offset = Some(chunk.offset + start as u64);
        (f.line, f.column, f.end_line, f.end_column) = (line, column, end_line, end_column + 1);
        true
    }
}

/// Line and column of positions in binary bytes, counted forward from the last one asked
/// (findings mostly come in order), so that many findings in a large chunk cost one pass.
struct Lines<'a> {
    bytes: &'a [u8],
    /// A position, the 1-based line it is on, and where that line starts.
    at: usize,
    line: usize,
    line_start: usize,
}

impl Lines<'_> {
    /// 1-based line and column (in bytes) of `pos`.
    fn line_column(&mut self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.bytes.len());
        if pos < self.at {
            self.line -= memchr::memchr_iter(b'\n', &self.bytes[pos..self.at]).count();
            self.line_start = memchr::memrchr(b'\n', &self.bytes[..pos]).map_or(0, |i| i + 1);
        } else {
            let ahead = &self.bytes[self.at..pos];
            self.line += memchr::memchr_iter(b'\n', ahead).count();
            if let Some(i) = memchr::memrchr(b'\n', ahead) {
                self.line_start = self.at + i + 1;
            }
        }
        self.at = pos;
        (self.line, pos - self.line_start + 1)
    }
}

/// One leaked secret. Reports read back (`keyscout merge`) deserialize it; a field missing
/// from an older report takes its default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Finding {
    pub rule_id: String,
    pub description: String,
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first character.
    pub column: usize,
    pub end_line: usize,
    /// 1-based column just past the secret's last character (exclusive, as in SARIF).
    pub end_column: usize,
    /// Byte offset of the secret's first byte in the file (blob, archive member); of the
    /// encoded text for a decoded secret. Absent from reports of older versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub secret: String,
    #[serde(rename = "match")]
    pub matched: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    pub tags: Vec<String>,
    /// `high`, `medium` or `low`: the rule's confidence, `low` when a checksum fails.
    pub confidence: String,
    pub fingerprint: String,
    /// The decodings that revealed the secret, outermost first (`base64`, `base64>hex`);
    /// empty when it is in the input as it is.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub decoded: String,
    /// Git scans: the commit that introduced the secret, the blob holding it, and the other
    /// places that carry it.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub git: Option<Box<GitOrigin>>,
    /// Image scans: the image, the layer and the instruction that made it.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub image: Option<Box<ImageOrigin>>,
    /// Generic findings: what made the value look like a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
    /// The full line(s) holding the secret, for the text report and SARIF snippets.
    #[serde(skip)]
    pub context: String,
    /// Where the secret sits in `context`, in bytes.
    #[serde(skip)]
    pub context_secret: Range<usize>,
}

/// What keyscout learns about a finding after the scan, reported next to it: what to do about
/// it, what the provider said (`--verify`), and offline facts that lower its weight.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Assessment {
    /// Where and how to revoke or rotate this kind of credential (the rule's `remediation`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    /// The provider's answer, with `--verify` and a verifier for the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Facts found offline that make the finding less likely to matter (an expired JWT, a
    /// provider's documented example key, a public key).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What `--verify` learnt from the provider.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Verification {
    pub status: VerifyStatus,
    /// What the answer was (an account name, a status code, an error), never the secret.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// `live` and `invalid` only on the provider's explicit word; anything unexpected is
/// `unknown`; `error` when no answer came (network, timeout, too many retries).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum VerifyStatus {
    Live,
    Invalid,
    Unknown,
    Error,
}

impl VerifyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Live => "live",
            VerifyStatus::Invalid => "invalid",
            VerifyStatus::Unknown => "unknown",
            VerifyStatus::Error => "error",
        }
    }
}

/// Why the generic detector took a value for a secret: the name it was assigned to, how it
/// was written, and how random it reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Why {
    /// The name the value is assigned to (`DB_PASSWORD`, `clientSecret`).
    pub name: String,
    /// `string`: a quoted literal; `bare`: an unquoted value, which counts only in config
    /// files, shell and other formats where a bare value is a value; `embedded`: in a query
    /// string or a header inside a string; `argument`: a call's argument after the name's.
    pub syntax: String,
    /// The value's surprise under a model of words and identifiers, in bits per character:
    /// words and identifiers score below 5, random keys 7 and more.
    pub randomness: f32,
}

/// Where a finding of a git scan lives besides its own `path`. Read back only when `blob` is
/// there, so a finding of a file scan gets none.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GitOrigin {
    /// The repository, as given on the command line or in `--repos-from` (a path or a URL).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub repository: String,
    /// The commit that introduced the blob at `path`; none for a blob no commit introduces
    /// (named by a tag, or dangling with `--all-objects`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<CommitInfo>,
    /// The blob's object id.
    pub blob: String,
    /// How many other commits introduced a version of the file at `path` holding the same
    /// secret (`occurrences` - 1).
    #[serde(default)]
    pub also_in: usize,
    /// How many commits introduced a version of the file at `path` holding the secret, this
    /// finding's commit included (0 for a blob no commit introduces).
    #[serde(default)]
    pub occurrences: usize,
    /// Those other places, with `--all-provenance`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<GitPlace>,
}

/// Where a finding of a container image scan lives besides its `path`. Read back only when
/// `image` is there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageOrigin {
    /// The image's tag or reference name.
    pub image: String,
    /// The digest of the layer holding the file; absent for the image config.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub layer: String,
    /// The instruction (history `created_by`) that made the layer, or that holds the secret.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_by: String,
}

/// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC), the form of [`CommitInfo::date`].
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Who made a commit, when, and why (`commit`, `author`, `email`, `date`, `message`). Read
/// back only when `commit` is there.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitInfo {
    #[serde(rename = "commit")]
    pub id: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub email: String,
    /// Author date, UTC, RFC 3339.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub message: String,
}

/// One commit that introduced a blob at one path.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GitPlace {
    pub path: String,
    pub commit: String,
    pub date: String,
}

impl Finding {
    /// The commit that introduced this finding's secret, for git scans.
    pub fn introduced(&self) -> Option<&CommitInfo> {
        self.git.as_ref()?.introduced.as_ref()
    }

    /// `PATH:RULE:HASH`, where HASH is the first 16 hex digits of the secret's SHA-256: the
    /// same wherever the line moves, and the secret is never written in clear.
    pub fn fingerprint(path: &str, rule_id: &str, secret: &[u8]) -> String {
        format!("{path}:{rule_id}:{}", &secret_sha256(secret)[..16])
    }

    /// Masks `percent`% of the secret (the tail) wherever it appears in this finding, and of
    /// the encoded text that holds a decoded secret.
    pub fn redact(&mut self, percent: u8) {
        if self.secret.is_empty() {
            return;
        }
        let mask = |text: &str| {
            let keep_chars = text.chars().count() * (100 - usize::from(percent.min(100))) / 100;
            let kept: String = text.chars().take(keep_chars).collect();
            format!("{kept}*****")
        };
        let masked = mask(&self.secret);
        self.matched = self.matched.replace(&self.secret, &masked);
        if let Some(image) = &mut self.image {
            image.created_by = image.created_by.replace(&self.secret, &masked);
        }
        let at = self.context_secret.clone();
        // A decoded secret is shown in its line as the encoded text: mask that.
        let shown = self
            .context
            .get(at.clone())
            .filter(|s| *s == self.secret || !self.decoded.is_empty())
            .map(mask);
        if let Some(shown) = shown {
            self.context.replace_range(at.clone(), &shown);
            self.context_secret = at.start..at.start + shown.len();
        } else {
            self.context = self.context.replace(&self.secret, &masked);
        }
        self.secret = masked;
    }

    /// Sort key: path, then position, then rule.
    pub fn order_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, &self.rule_id)
    }
}

/// Lowercase hex SHA-256 of `data`.
pub fn secret_sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn lines_counted_forward_and_back_match_a_count_from_the_start() {
        let bytes: Vec<u8> = (0..5000u32)
            .map(|i| if i % 37 == 0 { b'\n' } else { b'x' })
            .collect();
        let naive = |pos: usize| {
            let before = &bytes[..pos];
            let line = 3 + before.iter().filter(|&&b| b == b'\n').count();
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            (line, pos - start + 1)
        };
        let mut lines = Lines {
            bytes: &bytes,
            at: 0,
            line: 3,
            line_start: 0,
        };
        for pos in [0, 5, 36, 37, 38, 1000, 999, 4999, 2, 74, 75, 4000] {
            assert_eq!(lines.line_column(pos), naive(pos), "at {pos}");
        }
    }

    #[test]
    fn fingerprint_hides_the_secret_and_ignores_position() {
        let fp = Finding::fingerprint("src/a.rs", "github-pat", b"ghp_secretvalue");
        assert!(fp.starts_with("src/a.rs:github-pat:"));
        assert_eq!(fp.len(), "src/a.rs:github-pat:".len() + 16);
        assert!(!fp.contains("secretvalue"));
        assert_eq!(
            fp,
            Finding::fingerprint("src/a.rs", "github-pat", b"ghp_secretvalue")
        );
    }

    #[test]
    fn json_reads_back_the_same_finding_with_or_without_git_origin() {
        let plain = Finding {
            rule_id: "github-pat".into(),
            path: "a.env".into(),
            line: 3,
            fingerprint: "a.env:github-pat:0123456789abcdef".into(),
            tags: vec!["vcs".into()],
            ..Finding::default()
        };
        let mut git = plain.clone();
        git.git = Some(Box::new(GitOrigin {
            repository: String::new(),
            introduced: Some(CommitInfo {
                id: "c0ffee".into(),
                message: "add config".into(),
                ..CommitInfo::default()
            }),
            blob: "b10b".into(),
            also_in: 2,
            occurrences: 3,
            places: vec![],
        }));
        let mut dangling = git.clone();
        if let Some(origin) = dangling.git.as_mut() {
            origin.introduced = None;
        }
        for f in [plain, git, dangling] {
            let text = serde_json::to_string(&f).unwrap();
            let back: Finding = serde_json::from_str(&text).unwrap();
            assert_eq!(back, f, "{text}");
        }
        // Fields a report does not have take their defaults; unknown fields are ignored.
        let old: Finding = serde_json::from_str(r#"{"rule_id":"x","new_field":1}"#).unwrap();
        assert_eq!((old.rule_id.as_str(), old.line, old.git), ("x", 0, None));
    }
}
