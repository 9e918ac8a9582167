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
}

impl<'a> Chunk<'a> {
    /// A whole input in one piece.
    pub fn whole(data: &'a [u8], path: Option<&'a str>) -> Self {
        Chunk {
            data,
            own: 0..data.len(),
            first_line: 1,
            path,
        }
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
    /// The full line(s) holding the secret, for the text report and SARIF snippets.
    #[serde(skip)]
    pub context: String,
    /// Where the secret sits in `context`, in bytes.
    #[serde(skip)]
    pub context_secret: Range<usize>,
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
