//! Reading reports back into findings, for `keyscout merge`: a keyscout JSON document, JSON
//! Lines, or a SARIF log written by keyscout, told apart by their content (never by the file
//! name). JSON and JSON Lines carry every field; SARIF carries the position, the secret and
//! the fingerprint in SARIF's own places and the other fields in `properties.keyscout`
//! (older logs without it fall back to the rule's description and the artifact's URI). The
//! line around the secret comes back only from SARIF's context region.
//!
//! A file that is not a report is an error; inside a report, one bad entry is a problem named
//! by where it is (`line 3`, `findings[2]`, `runs[0].results[4]`) and the rest is read.

use serde_json::{Map, Value};

use super::Summary;
use super::sarif::{FIELDS_IN_PLACE, FINDING_PROPERTY, FINGERPRINT_KEY};
use crate::finding::{Assessment, Finding};

/// What one report holds.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<ReadFinding>,
    /// The scan's totals, where the format has them (a JSON document).
    pub summary: Option<Summary>,
    /// Entries that could not be read, each with where it is.
    pub problems: Vec<String>,
}

/// One finding read back, with what makes it the same finding in another report.
#[derive(Debug)]
pub struct ReadFinding {
    pub finding: Finding,
    /// Its remediation, verification and notes, as the report had them.
    pub assessment: Assessment,
    pub identity: Identity,
}

/// Two findings are the same when their fingerprints (path, rule, secret) and, where the
/// report has them, their repository, commit and blob are the same. Read from the report's
/// own fields, so that fields this build's [`Finding`] does not know still count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Identity {
    pub repository: String,
    pub fingerprint: String,
    pub commit: String,
    pub blob: String,
}

/// Reads one report; `Err` says why the content is not a report at all.
pub fn read(bytes: &[u8]) -> Result<Report, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    let first_line = text.trim_start().lines().next().unwrap_or("").trim();
    if first_line.is_empty() {
        // No findings, as a JSON Lines report of a clean scan.
        return Ok(Report::default());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(doc)) if doc.contains_key("runs") => Ok(sarif(&doc)),
        Ok(Value::Object(doc)) if doc.contains_key("findings") => json_document(doc),
        Ok(Value::Object(doc)) if doc.contains_key("rule_id") => Ok(json_lines(text)),
        Ok(_) => Err("not a keyscout JSON, JSON Lines or SARIF report".to_string()),
        // Several objects, one a line (the first whole, not a pretty document's lone `{`).
        Err(_) if first_line != "{" && first_line.starts_with('{') => Ok(json_lines(text)),
        Err(err) => Err(format!("not a keyscout report: not JSON: {err}")),
    }
}

fn json_lines(text: &str) -> Report {
    let mut report = Report::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let finding = serde_json::from_str(line)
            .map_err(|e| e.to_string())
            .and_then(finding);
        match finding {
            Ok(read) => report.findings.push(read),
            Err(err) => report.problems.push(format!("line {}: {err}", n + 1)),
        }
    }
    report
}

fn json_document(mut doc: Map<String, Value>) -> Result<Report, String> {
    let Some(Value::Array(findings)) = doc.remove("findings") else {
        return Err("`findings` is not an array".to_string());
    };
    let mut report = Report::default();
    for (i, value) in findings.into_iter().enumerate() {
        match finding(value) {
            Ok(read) => report.findings.push(read),
            Err(err) => report.problems.push(format!("findings[{i}]: {err}")),
        }
    }
    if let Some(summary) = doc.get("summary") {
        let count = |key: &str| summary[key].as_u64().unwrap_or(0);
        report.summary = Some(Summary {
            files: count("files"),
            bytes: count("bytes"),
            skipped_binary: count("skipped_binary"),
            errors: count("errors"),
            suppressed: 0,
            seconds: 0.0,
        });
    }
    Ok(report)
}

fn sarif(doc: &Map<String, Value>) -> Report {
    let mut report = Report::default();
    let runs = doc["runs"].as_array().map_or(&[][..], Vec::as_slice);
    for (r, run) in runs.iter().enumerate() {
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        let results = run["results"].as_array().map_or(&[][..], Vec::as_slice);
        for (i, result) in results.iter().enumerate() {
            match sarif_result(result, rules) {
                Ok(read) => report.findings.push(read),
                Err(err) => report
                    .problems
                    .push(format!("runs[{r}].results[{i}]: {err}")),
            }
        }
    }
    report
}

/// A finding from a SARIF result: its `properties.keyscout` with the fields SARIF holds in
/// its own places put back.
fn sarif_result(result: &Value, rules: &[Value]) -> Result<ReadFinding, String> {
    let mut fields = match &result["properties"][FINDING_PROPERTY] {
        Value::Object(fields) => fields.clone(),
        _ => Map::new(),
    };
    // Whatever the properties say, SARIF's own places win.
    for key in FIELDS_IN_PLACE {
        fields.remove(key);
    }
    let physical = &result["locations"][0]["physicalLocation"];
    let region = &physical["region"];
    if region["startLine"].is_null() {
        return Err("no region.startLine".to_string());
    }
    let in_place = [
        ("rule_id", &result["ruleId"]),
        ("line", &region["startLine"]),
        ("column", &region["startColumn"]),
        ("end_line", &region["endLine"]),
        ("end_column", &region["endColumn"]),
        ("secret", &region["snippet"]["text"]),
        (
            "fingerprint",
            &result["partialFingerprints"][FINGERPRINT_KEY],
        ),
    ];
    for (key, value) in in_place {
        if !value.is_null() {
            fields.insert(key.into(), value.clone());
        }
    }
    // A log without our properties: what the rule and the location say.
    let rule = result["ruleIndex"]
        .as_u64()
        .and_then(|i| rules.get(usize::try_from(i).ok()?))
        .filter(|rule| rule["id"] == result["ruleId"]);
    if let Some(rule) = rule {
        if let Some(text) = rule["shortDescription"]["text"].as_str() {
            let description = text.strip_suffix('.').unwrap_or(text);
            fields.entry("description").or_insert(description.into());
        }
        if let Some(precision) = rule["properties"]["precision"].as_str() {
            fields.entry("confidence").or_insert(precision.into());
        }
    }
    if let Some(uri) = physical["artifactLocation"]["uri"].as_str() {
        let path = percent_decode(uri.strip_prefix("file://").unwrap_or(uri));
        fields.entry("path").or_insert(path.into());
    }
    let mut read = finding(Value::Object(fields))?;
    restore_context(&mut read.finding, &physical["contextRegion"]);
    Ok(read)
}

/// Puts back the line around the secret from a SARIF context region, when it lines up.
fn restore_context(f: &mut Finding, context: &Value) {
    let (Some(text), Some(start)) = (
        context["snippet"]["text"].as_str(),
        context["startColumn"].as_u64(),
    ) else {
        return;
    };
    let Some(skip) = (f.column as u64).checked_sub(start) else {
        return;
    };
    let at = text
        .char_indices()
        .nth(usize::try_from(skip).unwrap_or(usize::MAX))
        .map_or(text.len(), |(at, _)| at);
    if !f.secret.is_empty() && text[at..].starts_with(&f.secret) {
        f.context = text.to_string();
        f.context_secret = at..at + f.secret.len();
    }
}

/// A finding object as JSON and JSON Lines write it.
fn finding(value: Value) -> Result<ReadFinding, String> {
    let field = |key: &str| value[key].as_str().unwrap_or("").to_string();
    let identity = Identity {
        repository: field("repository"),
        fingerprint: field("fingerprint"),
        commit: field("commit"),
        blob: field("blob"),
    };
    if field("rule_id").is_empty() || identity.fingerprint.is_empty() {
        return Err("not a keyscout finding (no rule_id or fingerprint)".to_string());
    }
    let assessment = serde_json::from_value(value.clone()).unwrap_or_default();
    let finding = serde_json::from_value(value).map_err(|e| e.to_string())?;
    Ok(ReadFinding {
        finding,
        assessment,
        identity,
    })
}

/// `%XX` escapes to bytes; anything malformed is kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"rule_id":"github-pat","path":"a.env","line":2,"column":5,"secret":"ghp_x","fingerprint":"a.env:github-pat:00","blob":"b1","commit":"c1"}"#;

    #[test]
    fn formats_are_told_apart_by_content() {
        // JSON Lines, one line or several, with a bad line named and skipped.
        let one = read(LINE.as_bytes()).unwrap();
        assert_eq!(one.findings.len(), 1);
        let id = &one.findings[0].identity;
        assert_eq!((id.commit.as_str(), id.blob.as_str()), ("c1", "b1"));
        let lines = format!("{LINE}\n{{\"rule_id\": 3}}\n\n{LINE}\n");
        let several = read(lines.as_bytes()).unwrap();
        assert_eq!(several.findings.len(), 2);
        assert_eq!(several.problems.len(), 1);
        assert!(
            several.problems[0].starts_with("line 2: "),
            "{:?}",
            several.problems
        );

        // A pretty JSON document, with its totals.
        let doc = format!(
            "{{\n  \"findings\": [{LINE}, {{}}],\n  \"summary\": {{\"files\": 7, \"bytes\": 90}}\n}}"
        );
        let doc = read(doc.as_bytes()).unwrap();
        assert_eq!(doc.findings.len(), 1);
        assert_eq!(
            doc.problems,
            ["findings[1]: not a keyscout finding (no rule_id or fingerprint)"]
        );
        let summary = doc.summary.unwrap();
        assert_eq!((summary.files, summary.bytes), (7, 90));

        // An empty file is a clean scan's JSON Lines; garbage and other JSON are errors.
        assert!(read(b"").unwrap().findings.is_empty());
        assert!(read(b"\x00\x9f\x92").unwrap_err().starts_with("not UTF-8"));
        assert!(
            read(b"{\n \"a\": [1,\n")
                .unwrap_err()
                .contains("not JSON: EOF")
        );
        assert!(read(b"[1, 2]").is_err());
    }

    #[test]
    fn a_sarif_result_without_properties_falls_back_to_rule_and_uri() {
        let log = serde_json::json!({
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"rules": [{
                    "id": "github-pat",
                    "shortDescription": {"text": "GitHub token."},
                    "properties": {"precision": "high"}
                }]}},
                "results": [{
                    "ruleId": "github-pat",
                    "ruleIndex": 0,
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "dir%20a/x.env", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 3, "startColumn": 7, "endLine": 3,
                                   "endColumn": 12, "snippet": {"text": "ghp_x"}},
                        "contextRegion": {"startLine": 3, "startColumn": 1,
                                          "snippet": {"text": "token=ghp_x # é"}}
                    }}],
                    "partialFingerprints": {"keyscout/v1": "dir a/x.env:github-pat:00"}
                }, {"ruleId": "github-pat"}]
            }]
        });
        let report = read(log.to_string().as_bytes()).unwrap();
        assert_eq!(report.problems, ["runs[0].results[1]: no region.startLine"]);
        let f = &report.findings[0].finding;
        assert_eq!(
            (
                f.path.as_str(),
                f.description.as_str(),
                f.confidence.as_str()
            ),
            ("dir a/x.env", "GitHub token", "high")
        );
        assert_eq!((f.line, f.column, f.end_column), (3, 7, 12));
        assert_eq!(&f.context[f.context_secret.clone()], "ghp_x");
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("a%20b/%C3%A9%zz%4"), "a b/é%zz%4");
    }
}
