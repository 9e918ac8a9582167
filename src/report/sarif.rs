//! SARIF 2.1.0, as GitHub code scanning ingests it: each rule once in `tool.driver.rules`,
//! results with relative `artifactLocation.uri` under `%SRCROOT%`, regions in Unicode code
//! points, and a `partialFingerprints` entry that stays the same when a line moves.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::finding::Finding;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keyscout/keyscout";

pub fn write(out: &mut dyn Write, findings: &[Finding], root: &Path) -> io::Result<()> {
    // Rules in order of first appearance, each once.
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in findings {
        if !rule_index.contains_key(f.rule_id.as_str()) {
            rule_index.insert(&f.rule_id, rules.len());
            rules.push(rule(f));
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, rule_index[f.rule_id.as_str()]))
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
                "%SRCROOT%": { "uri": root_uri(root) }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule(f: &Finding) -> Value {
    let description = sentence(if f.description.is_empty() {
        &f.rule_id
    } else {
        &f.description
    });
    let help = format!(
        "{description} A secret committed to a repository stays in its history: revoke or rotate it \
         with its issuer, then remove it from the code and load it from the environment or a secret store."
    );
    json!({
        "id": f.rule_id,
        "name": pascal_case(&f.rule_id),
        "shortDescription": { "text": description },
        "fullDescription": { "text": description },
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": { "level": "error" },
        "properties": {
            "tags": tags(f),
            "precision": "high",
            "problem.severity": "error",
            "security-severity": "8.0",
        }
    })
}

fn result(f: &Finding, index: usize) -> Value {
    let mut region = json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
    });
    if !f.context.is_empty() {
        region["snippet"] = json!({ "text": f.context });
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": "error",
        "message": { "text": sentence(&format!("{} found", if f.description.is_empty() { &f.rule_id } else { &f.description })) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": encode_uri(&f.path), "uriBaseId": "%SRCROOT%" },
                "region": region,
            }
        }],
        "partialFingerprints": { "keyscout/v1": f.fingerprint },
    })
}

fn tags(f: &Finding) -> Vec<String> {
    let mut tags = vec!["security".to_string(), "secret".to_string()];
    for tag in &f.tags {
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

/// The scanned root as an absolute `file://` URI ending in `/`.
fn root_uri(root: &Path) -> String {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let dir = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    } else {
        abs
    };
    let mut path = encode_uri(&dir.to_string_lossy().replace('\\', "/"));
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{path}")
}

/// Percent-encodes what may not stand in a URI path.
fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
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

    #[test]
    fn uris_are_encoded_and_names_are_pascal_case() {
        assert_eq!(
            encode_uri("dir with space/ü.txt"),
            "dir%20with%20space/%C3%BC.txt"
        );
        assert_eq!(pascal_case("github-pat"), "GithubPat");
        assert_eq!(sentence("A key"), "A key.");
    }
}
