//! Reading a baseline: the fingerprints of an earlier scan, from a keyscout JSON report, a JSON
//! Lines report, a gitleaks JSON report (keyscout's fingerprint made from its `File`, `RuleID`
//! and `Secret`), or a baseline file (one fingerprint per line, `#` comments). Writing the
//! baseline file is a report format (`report::baseline`).

use std::collections::HashSet;

use serde_json::Value;

use super::ignore::{ParseError, check_fingerprint, strip_comment};
use crate::finding::Finding;

/// The fingerprints in `text` (the contents of the file `name`), and an error for each part
/// that is not one.
pub fn parse(name: &str, text: &str) -> (HashSet<String>, Vec<ParseError>) {
    let mut fingerprints = HashSet::new();
    let mut errors = Vec::new();
    let error = |line: usize, message: String| ParseError {
        file: name.to_string(),
        line,
        message,
    };
    if text.trim_start().starts_with('[') {
        gitleaks(text, &mut fingerprints, &mut errors, &error);
        return (fingerprints, errors);
    }
    if !text.trim_start().starts_with('{') {
        for (i, line) in text.lines().enumerate() {
            let entry = strip_comment(line);
            if entry.is_empty() {
                continue;
            }
            match check_fingerprint(entry) {
                Ok(()) => {
                    fingerprints.insert(entry.to_string());
                }
                Err(message) => errors.push(error(i + 1, format!("`{entry}`: {message}"))),
            }
        }
        return (fingerprints, errors);
    }
    // A JSON report: one document with a `findings` array.
    if let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text)
        && let Some(findings) = doc.get("findings")
    {
        let Some(findings) = findings.as_array() else {
            errors.push(error(1, "`findings` is not an array".into()));
            return (fingerprints, errors);
        };
        for (i, finding) in findings.iter().enumerate() {
            match finding.get("fingerprint").and_then(Value::as_str) {
                Some(fp) => {
                    fingerprints.insert(fp.to_string());
                }
                None => errors.push(error(1, format!("finding {} has no fingerprint", i + 1))),
            }
        }
        return (fingerprints, errors);
    }
    // JSON Lines: one finding per line.
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fp = serde_json::from_str::<Value>(line)
            .map_err(|e| format!("not JSON: {e}"))
            .and_then(|v| match v.get("fingerprint").and_then(Value::as_str) {
                Some(fp) => Ok(fp.to_string()),
                None => Err("a finding without a `fingerprint`".into()),
            });
        match fp {
            Ok(fp) => {
                fingerprints.insert(fp);
            }
            Err(message) => errors.push(error(i + 1, message)),
        }
    }
    (fingerprints, errors)
}

/// A gitleaks JSON report (an array of findings), as `--baseline-path` takes it. A redacted
/// secret cannot give the fingerprint: that finding is an error.
fn gitleaks(
    text: &str,
    fingerprints: &mut HashSet<String>,
    errors: &mut Vec<ParseError>,
    error: &dyn Fn(usize, String) -> ParseError,
) {
    let items = match serde_json::from_str::<Vec<Value>>(text) {
        Ok(items) => items,
        Err(err) => return errors.push(error(err.line(), format!("not a gitleaks report: {err}"))),
    };
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or("");
        let (file, rule, secret) = (field("File"), field("RuleID"), field("Secret"));
        if rule.is_empty() || secret.is_empty() || secret == "REDACTED" || secret.ends_with("*****")
        {
            let message = format!("finding {}: no `RuleID`, or no unredacted `Secret`", i + 1);
            errors.push(error(1, message));
            continue;
        }
        fingerprints.insert(Finding::fingerprint(file, rule, secret.as_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "src/a.py:github-pat:0123456789abcdef";
    const B: &str = "-:aws-access-key-id:fedcba9876543210";

    #[test]
    fn reads_all_three_forms() {
        let want: HashSet<String> = [A, B].map(String::from).into();
        let doc = format!(
            r#"{{"findings": [{{"fingerprint": "{A}"}}, {{"fingerprint": "{B}"}}], "summary": {{}}}}"#
        );
        let jsonl = format!("{{\"fingerprint\": \"{A}\"}}\n\n{{\"fingerprint\": \"{B}\"}}\n");
        let lines = format!("# keyscout baseline\n{A}\n{B}  # note\n");
        for text in [doc, jsonl, lines] {
            assert_eq!(parse("b", &text), (want.clone(), vec![]), "{text}");
        }
    }

    #[test]
    fn gitleaks_reports_give_keyscout_fingerprints() {
        let text = r#"[{"File": "a.env", "RuleID": "github-pat", "Secret": "ghp_x"},
                       {"File": "b.env", "RuleID": "github-pat", "Secret": "REDACTED"}]"#;
        let (fps, errors) = parse("g.json", text);
        let want = Finding::fingerprint("a.env", "github-pat", b"ghp_x");
        assert_eq!(fps, HashSet::from([want]));
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn errors_name_the_line() {
        let (fps, errors) = parse(
            "b",
            &format!("{{\"fingerprint\": \"{A}\"}}\n{{\"x\": 1}}\n"),
        );
        assert_eq!(fps.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "b:2: a finding without a `fingerprint`"
        );
        let (_, errors) = parse("b", &format!("{A}\nnot-a-fingerprint\n"));
        assert_eq!(errors[0].line, 2);
    }
}
