//! SARIF 2.1.0, as GitHub code scanning ingests it and as the SARIF Multitool's `Gh;Sarif`
//! rules accept it without error or warning: each rule once in `tool.driver.rules` (with a
//! full description, help, tags and a `security-severity`), results whose
//! `artifactLocation.uri` is a percent-encoded path relative to `%SRCROOT%`, regions in
//! Unicode code points with the secret as their snippet and the line around it as the
//! context region, and a `partialFingerprints` entry that stays the same when a line moves.
//!
//! `%SRCROOT%` is the git work tree holding the scanned directory when there is one (GitHub
//! reads relative URIs from the repository root), else the scanned directory. This module
//! does not read the scanned files; it only looks for that `.git`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::finding::{Assessment, Finding, VerifyStatus};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keyscout/keyscout";
const SRCROOT: &str = "%SRCROOT%";
/// The key of a result's fingerprint in `partialFingerprints`.
pub(super) const FINGERPRINT_KEY: &str = "keyscout/v1";
/// The result property holding the finding's other fields (path as scanned, description,
/// tags, confidence, entropy, match, git origin), so that `keyscout merge` reads it back whole.
pub(super) const FINDING_PROPERTY: &str = "keyscout";
/// Fields of a finding that the result carries in SARIF's own places.
pub(super) const FIELDS_IN_PLACE: [&str; 7] = [
    "rule_id",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "fingerprint",
];
/// GitHub keeps the first 10 tags of a rule (and rejects a rule with more than 20).
const MAX_TAGS: usize = 10;
/// Characters of the line kept on each side of the secret in the context snippet: enough to
/// read it, without copying a minified file's one huge line into the report.
const CONTEXT_CHARS: usize = 100;

/// Writes one SARIF log. `root` is what was scanned: finding paths are relative to it when
/// it is a directory, and relative to the working directory (or absolute) otherwise.
pub fn write(
    out: &mut dyn Write,
    findings: &[(Finding, Assessment)],
    root: &Path,
) -> io::Result<()> {
    let anchor = Anchor::new(root);
    // Rules in order of first appearance, each once.
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for (f, a) in findings {
        if !rule_index.contains_key(f.rule_id.as_str()) {
            rule_index.insert(&f.rule_id, rules.len());
            rules.push(rule(f, &a.remediation));
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|(f, a)| result(f, a, rule_index[f.rule_id.as_str()], &anchor))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "keyscout",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "uri": anchor.root_uri() }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule(f: &Finding, remediation: &str) -> Value {
    let description = sentence(label(f));
    let mut help = format!(
        "{description} A secret committed to a repository stays in its history: revoke or rotate it \
         with its issuer, then remove it from the code and load it from the environment or a secret store."
    );
    if !remediation.is_empty() {
        help = format!("{help}\n\n{}", sentence(remediation));
    }
    json!({
        "id": f.rule_id,
        "name": pascal_case(&f.rule_id),
        "shortDescription": { "text": description },
        "fullDescription": { "text": description },
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": { "level": "error" },
        "properties": {
            "tags": tags(f),
            "precision": f.confidence,
            "problem.severity": "error",
            "security-severity": "8.0",
        }
    })
}

fn result(f: &Finding, a: &Assessment, index: usize, anchor: &Anchor) -> Value {
    let (uri, base_id) = anchor.locate(&f.path);
    let mut artifact = json!({ "uri": uri });
    if let Some(id) = base_id {
        artifact["uriBaseId"] = json!(id);
    }
    // The region is the secret itself, so its snippet is the secret (masked under --redact).
    let mut region = json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
    });
    if !f.secret.is_empty() {
        region["snippet"] = json!({ "text": f.secret });
    }
    if let Some(offset) = f.offset {
        region["byteOffset"] = json!(offset);
    }
    let mut physical = json!({ "artifactLocation": artifact, "region": region });
    if let Some(context) = context_region(f) {
        physical["contextRegion"] = context;
    }
    // Low-confidence findings (shown only with --min-confidence low) are warnings; a secret
    // the provider confirmed is live is an error whatever its confidence, one it rejected a note.
    let level = match a.verification.as_ref().map(|v| v.status) {
        Some(VerifyStatus::Live) => "error",
        Some(VerifyStatus::Invalid) => "note",
        _ if f.confidence == "low" => "warning",
        _ => "error",
    };
    let message = match &a.verification {
        Some(v) => format!("{} found (verified: {})", label(f), v.status.as_str()),
        None => format!("{} found", label(f)),
    };
    let mut properties = other_fields(f);
    if let (Some(fields), Ok(Value::Object(extra))) =
        (properties.as_object_mut(), serde_json::to_value(a))
    {
        fields.extend(extra);
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": level,
        "message": { "text": sentence(&message) },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": { FINDING_PROPERTY: properties },
    })
}

/// The finding as in JSON, less the fields SARIF carries in its own places.
fn other_fields(f: &Finding) -> Value {
    let mut value = serde_json::to_value(f).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        for key in FIELDS_IN_PLACE {
            fields.remove(key);
        }
    }
    value
}

/// The text around the secret on its first and last line, at most [`CONTEXT_CHARS`] each
/// side. `None` when there is nothing around it (SARIF wants a context region larger than
/// the region) or when `context` no longer lines up with the finding's columns.
fn context_region(f: &Finding) -> Option<Value> {
    let ctx = &f.context;
    let secret_span = f.context_secret.clone();
    if ctx.get(secret_span.clone())? != f.secret {
        return None;
    }
    // `context` holds every line the whole match touches, which may be more than the
    // secret's: keep the secret's first and last line only.
    let before = ctx.get(..secret_span.start)?;
    let before = before.rsplit('\n').next().unwrap_or(before);
    let after = ctx.get(secret_span.end..)?;
    let after = after.split('\n').next().unwrap_or(after);
    let after = after.strip_suffix('\r').unwrap_or(after);
    if before.chars().count() + 1 != f.column {
        return None;
    }
    let before = last_chars(before, CONTEXT_CHARS);
    let after = first_chars(after, CONTEXT_CHARS);
    if before.is_empty() && after.is_empty() {
        return None;
    }
    Some(json!({
        "startLine": f.line,
        "startColumn": f.column - before.chars().count(),
        "endLine": f.end_line,
        "endColumn": f.end_column + after.chars().count(),
        "snippet": { "text": format!("{before}{}{after}", f.secret) },
    }))
}

fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(i, _)| &text[..i])
}

fn last_chars(text: &str, n: usize) -> &str {
    match n.checked_sub(1) {
        Some(skip) => text
            .char_indices()
            .rev()
            .nth(skip)
            .map_or(text, |(i, _)| &text[i..]),
        None => "",
    }
}

/// The rule's description without its final period, or its id.
fn label(f: &Finding) -> &str {
    let text = f.description.trim().trim_end_matches('.');
    if text.is_empty() { &f.rule_id } else { text }
}

fn tags(f: &Finding) -> Vec<String> {
    let mut tags = vec!["security".to_string(), "secret".to_string()];
    for tag in &f.tags {
        if tags.len() == MAX_TAGS {
            break;
        }
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags
}

/// Ends `text` with a period, as SARIF messages should.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `github-pat` -> `GithubPat`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Where artifact URIs are anchored.
struct Anchor {
    /// The absolute directory `%SRCROOT%` stands for.
    src_root: PathBuf,
    /// The absolute directory the findings' relative paths start from.
    base: PathBuf,
}

impl Anchor {
    fn new(root: &Path) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        // A file root is reported by its path as typed; a directory's files relative to it.
        let base = if root.is_file() { cwd } else { cwd.join(root) };
        let base = std::fs::canonicalize(&base).unwrap_or_else(|_| normalize(&base));
        let src_root = base
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(&base)
            .to_path_buf();
        Anchor { src_root, base }
    }

    /// `originalUriBaseIds` wants an absolute URI ending in `/`.
    fn root_uri(&self) -> String {
        let mut uri = file_uri(&self.src_root.to_string_lossy());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }

    /// `(uri, uriBaseId)` of a finding's path: relative under `%SRCROOT%`, else an absolute
    /// `file:` URI without a base (SARIF forbids a base id on an absolute URI).
    fn locate(&self, path: &str) -> (String, Option<&'static str>) {
        let full = normalize(&self.base.join(path));
        match full.strip_prefix(&self.src_root) {
            Ok(relative) => {
                let segments: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                (encode(&segments.join("/"), false), Some(SRCROOT))
            }
            Err(_) => (file_uri(&full.to_string_lossy()), None),
        }
    }
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            _ => out.push(component),
        }
    }
    out
}

/// The `file:` URI of an absolute path: `file:///home/a`, `file:///C:/a`, `file://host/share/a`.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    // Windows verbatim prefixes, as `canonicalize` returns them.
    let path = match (path.strip_prefix("//?/UNC/"), path.strip_prefix("//?/")) {
        (Some(unc), _) => format!("//{unc}"),
        (None, Some(local)) => local.to_string(),
        (None, None) => path,
    };
    if let Some(unc) = path.strip_prefix("//") {
        format!("file://{}", encode(unc, true))
    } else if path.starts_with('/') {
        format!("file://{}", encode(&path, true))
    } else {
        format!("file:///{}", encode(&path, true))
    }
}

/// Percent-encodes all but unreserved characters and `/` (and `:` in an absolute URI: in a
/// relative one a colon in the first segment would read as a scheme).
fn encode(path: &str, absolute: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (absolute && b == b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(context: &str, secret: &str, line: usize, column: usize) -> Finding {
        let start = context.find(secret).expect("secret in context");
        Finding {
            rule_id: "github-pat".into(),
            description: "GitHub token.".into(),
            path: "a.txt".into(),
            line,
            column,
            end_line: line + secret.matches('\n').count(),
            end_column: secret.rsplit('\n').next().map_or(0, |s| s.chars().count())
                + if secret.contains('\n') { 1 } else { column },
            offset: None,
            secret: secret.into(),
            matched: secret.into(),
            entropy: 4.0,
            tags: vec![],
            confidence: "high".into(),
            fingerprint: String::new(),
            decoded: String::new(),
            git: None,
            image: None,
            why: None,
            context: context.into(),
            context_secret: start..start + secret.len(),
        }
    }

    #[test]
    fn uris_are_encoded_and_names_are_pascal_case() {
        assert_eq!(
            encode("dir with space/ü.txt", false),
            "dir%20with%20space/%C3%BC.txt"
        );
        assert_eq!(encode("c:x/a+b#1?.txt", false), "c%3Ax/a%2Bb%231%3F.txt");
        assert_eq!(pascal_case("github-pat"), "GithubPat");
        assert_eq!(sentence("A key"), "A key.");
    }

    #[test]
    fn file_uris_for_unix_windows_and_unc_paths() {
        assert_eq!(file_uri("/tmp/a b"), "file:///tmp/a%20b");
        assert_eq!(file_uri(r"C:\work\x"), "file:///C:/work/x");
        assert_eq!(file_uri(r"\\?\C:\work\x"), "file:///C:/work/x");
        assert_eq!(file_uri(r"\\?\UNC\host\share\x"), "file://host/share/x");
    }

    #[test]
    #[cfg(unix)]
    fn paths_are_relative_to_the_source_root_or_absolute() {
        let anchor = Anchor {
            src_root: PathBuf::from("/repo"),
            base: PathBuf::from("/repo/sub"),
        };
        assert_eq!(
            anchor.locate("dir/a b.txt"),
            ("sub/dir/a%20b.txt".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            anchor.locate("./x/../y.txt"),
            ("sub/y.txt".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            anchor.locate("../../etc/k"),
            ("file:///etc/k".to_string(), None)
        );
        assert_eq!(
            anchor.locate("/elsewhere/k"),
            ("file:///elsewhere/k".to_string(), None)
        );
    }

    #[test]
    fn context_region_surrounds_the_secret() {
        let f = finding("\tlet é = \"ghp_x\"; // ok", "ghp_x", 3, 11);
        let c = context_region(&f).expect("context");
        assert_eq!(c["startColumn"], 1);
        assert_eq!(c["endColumn"], 16 + 8);
        assert_eq!(c["snippet"]["text"], "\tlet é = \"ghp_x\"; // ok");

        let long = format!("{}ghp_x{}", "a".repeat(300), "b".repeat(300));
        let f = finding(&long, "ghp_x", 1, 301);
        let c = context_region(&f).expect("context");
        assert_eq!(c["startColumn"], 201);
        assert_eq!(c["endColumn"], 306 + CONTEXT_CHARS);

        // Nothing around the secret: the region says it all.
        assert!(context_region(&finding("ghp_x", "ghp_x", 1, 1)).is_none());
        // Columns that do not match the context: no context rather than a wrong one.
        assert!(context_region(&finding("ab ghp_x", "ghp_x", 1, 9)).is_none());
    }

    #[test]
    fn tags_are_capped_and_labels_have_no_double_period() {
        let mut f = finding("x ghp_x", "ghp_x", 1, 3);
        f.tags = (0..30).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&f).len(), MAX_TAGS);
        assert_eq!(label(&f), "GitHub token");
        f.description.clear();
        assert_eq!(label(&f), "github-pat");
    }
}
