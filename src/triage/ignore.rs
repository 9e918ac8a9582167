//! Ignore files: `.keyscoutignore` (fingerprints, `secret-sha256:HEX`, `glob:PATTERN:RULE`) and
//! gitleaks' `.gitleaksignore` (`commit:path:rule:line`, `path:rule:line`), parsed from text
//! into entries that match findings. Reading the files is the caller's.

use std::fmt;

use globset::{GlobBuilder, GlobMatcher};

use crate::finding::Finding;

/// Which file format a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `.keyscoutignore`.
    Keyscout,
    /// gitleaks' `.gitleaksignore`.
    Gitleaks,
}

/// One thing to suppress.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A finding's `fingerprint`, `PATH:RULE_ID:HASH16`.
    Fingerprint(String),
    /// A secret's SHA-256 (64 lowercase hex digits), under any rule, at any path.
    SecretSha256(String),
    /// Every finding of `rule` (any rule when `None`) at a path the glob matches.
    Glob {
        glob: GlobMatcher,
        rule: Option<String>,
    },
    /// A gitleaks fingerprint: the finding of `rule` whose secret starts on `line` of `path`,
    /// introduced by `commit` when one is given.
    Gitleaks {
        commit: Option<String>,
        path: String,
        rule: String,
        line: usize,
    },
}

/// The prefixes of the two entry kinds that are not fingerprints.
const SECRET_SHA256: &str = "secret-sha256:";
const GLOB: &str = "glob:";

impl Entry {
    /// Parses one entry (its comment already removed).
    pub fn parse(text: &str, syntax: Syntax) -> Result<Entry, String> {
        match syntax {
            Syntax::Keyscout => parse_keyscout(text),
            Syntax::Gitleaks => parse_gitleaks(text),
        }
    }

    /// Whether this entry suppresses `finding`; `secret_sha256` gives the hash of its secret.
    pub fn matches(&self, finding: &Finding, secret_sha256: &mut dyn FnMut() -> String) -> bool {
        match self {
            Entry::Fingerprint(fp) => finding.fingerprint == *fp,
            Entry::SecretSha256(hash) => !finding.secret.is_empty() && secret_sha256() == *hash,
            Entry::Glob { glob, rule } => {
                rule.as_ref().is_none_or(|r| *r == finding.rule_id) && glob.is_match(&finding.path)
            }
            Entry::Gitleaks {
                commit,
                path,
                rule,
                line,
            } => {
                finding.line == *line
                    && finding.rule_id == *rule
                    && finding.path == *path
                    && commit
                        .as_ref()
                        .is_none_or(|c| finding.introduced().is_some_and(|i| i.id == *c))
            }
        }
    }
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks that `text` is a fingerprint, `PATH:RULE_ID:HASH16`.
pub fn check_fingerprint(text: &str) -> Result<(), String> {
    let mut parts = text.rsplitn(3, ':');
    let (hash, rule, path) = (parts.next(), parts.next(), parts.next());
    match (hash, rule, path) {
        (Some(hash), Some(rule), Some(path)) if !rule.is_empty() && !path.is_empty() => {
            if is_hex(hash, 16) {
                Ok(())
            } else {
                Err(format!(
                    "`{hash}` is not a fingerprint hash (16 lowercase hex digits)"
                ))
            }
        }
        _ => Err(
            "expected a fingerprint PATH:RULE_ID:HASH16, `secret-sha256:HEX64` or \
             `glob:PATTERN:RULE_ID`"
                .into(),
        ),
    }
}

fn parse_keyscout(text: &str) -> Result<Entry, String> {
    if let Some(hash) = text.strip_prefix(SECRET_SHA256) {
        return if is_hex(hash, 64) {
            Ok(Entry::SecretSha256(hash.to_string()))
        } else {
            Err(format!(
                "`{hash}` is not a SHA-256 (64 lowercase hex digits)"
            ))
        };
    }
    if let Some(rest) = text.strip_prefix(GLOB) {
        let Some((pattern, rule)) = rest.rsplit_once(':') else {
            return Err("expected `glob:PATTERN:RULE_ID` (RULE_ID `*` for any rule)".into());
        };
        if pattern.is_empty() || rule.is_empty() {
            return Err("expected `glob:PATTERN:RULE_ID` (RULE_ID `*` for any rule)".into());
        }
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("glob `{pattern}`: {}", e.kind()))?
            .compile_matcher();
        let rule = (rule != "*").then(|| rule.to_string());
        return Ok(Entry::Glob { glob, rule });
    }
    check_fingerprint(text)?;
    Ok(Entry::Fingerprint(text.to_string()))
}

fn parse_gitleaks(text: &str) -> Result<Entry, String> {
    const EXPECTED: &str = "expected gitleaks' `COMMIT:PATH:RULE_ID:LINE` or `PATH:RULE_ID:LINE`";
    let mut parts = text.rsplitn(3, ':');
    let (Some(line), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(EXPECTED.into());
    };
    let line = match line.parse::<usize>() {
        Ok(n) if n > 0 => n,
        _ => return Err(format!("`{line}` is not a line number; {EXPECTED}")),
    };
    let (commit, path) = match rest.split_once(':') {
        Some((c, path)) if is_hex(c, 40) || is_hex(c, 64) => (Some(c.to_string()), path),
        _ => (None, rest),
    };
    if rule.is_empty() || path.is_empty() {
        return Err(EXPECTED.into());
    }
    Ok(Entry::Gitleaks {
        commit,
        path: path.to_string(),
        rule: rule.to_string(),
        line,
    })
}

/// `line` without its comment: a whole-line `# ...`, or a trailing ` # reason`.
pub fn strip_comment(line: &str) -> &str {
    let line = line.trim();
    if line.starts_with('#') {
        return "";
    }
    let cut = line
        .as_bytes()
        .windows(2)
        .position(|w| w[0].is_ascii_whitespace() && w[1] == b'#');
    cut.map_or(line, |i| line[..i].trim_end())
}

/// An entry of a file, where it was written, and how many findings it matched.
#[derive(Debug)]
pub struct Listed {
    pub line: usize,
    /// The entry as written, without its comment.
    pub text: String,
    pub entry: Entry,
    pub hits: u64,
}

/// One ignore file's entries.
#[derive(Debug)]
pub struct IgnoreFile {
    /// The file's name, for messages.
    pub name: String,
    pub entries: Vec<Listed>,
}

/// A line that is not an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl IgnoreFile {
    /// Parses a whole file: its entries, and an error for each line that is not one (the
    /// other entries still count).
    pub fn parse(name: &str, text: &str, syntax: Syntax) -> (IgnoreFile, Vec<ParseError>) {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let entry = strip_comment(line);
            if entry.is_empty() {
                continue;
            }
            match Entry::parse(entry, syntax) {
                Ok(parsed) => entries.push(Listed {
                    line: i + 1,
                    text: entry.to_string(),
                    entry: parsed,
                    hits: 0,
                }),
                Err(message) => errors.push(ParseError {
                    file: name.to_string(),
                    line: i + 1,
                    message: format!("`{entry}`: {message}"),
                }),
            }
        }
        let file = IgnoreFile {
            name: name.to_string(),
            entries,
        };
        (file, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_stripped() {
        assert_eq!(strip_comment("  # all comment"), "");
        assert_eq!(
            strip_comment("a:b:0123456789abcdef  # why"),
            "a:b:0123456789abcdef"
        );
        assert_eq!(
            strip_comment("a#b:r:0123456789abcdef"),
            "a#b:r:0123456789abcdef"
        );
    }

    #[test]
    fn each_kind_parses_and_bad_ones_say_why() {
        let ok = |t: &str| parse_keyscout(t).unwrap();
        assert!(matches!(
            ok("a:b:c:r:0123456789abcdef"),
            Entry::Fingerprint(_)
        ));
        assert!(matches!(
            ok(&format!("secret-sha256:{}", "ab".repeat(32))),
            Entry::SecretSha256(_)
        ));
        assert!(matches!(
            ok("glob:tests/**:*"),
            Entry::Glob { rule: None, .. }
        ));
        assert!(matches!(
            ok("glob:a/*.py:r"),
            Entry::Glob { rule: Some(_), .. }
        ));
        assert!(
            parse_keyscout("a:b:0123456789ABCDEF")
                .unwrap_err()
                .contains("hex")
        );
        assert!(
            parse_keyscout("secret-sha256:abc")
                .unwrap_err()
                .contains("SHA-256")
        );
        assert!(parse_keyscout("glob:[:r").unwrap_err().contains("glob"));
        assert!(parse_keyscout("nonsense").is_err());
        let commit = "f".repeat(40);
        match parse_gitleaks(&format!("{commit}:a:b.py:r:7")).unwrap() {
            Entry::Gitleaks {
                commit: Some(c),
                path,
                line,
                ..
            } => assert_eq!(
                (c.as_str(), path.as_str(), line),
                (commit.as_str(), "a:b.py", 7)
            ),
            other => panic!("{other:?}"),
        }
        assert!(parse_gitleaks("a.py:r:x").is_err());
    }
}
