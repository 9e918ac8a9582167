//! CSV, JUnit, gitleaks JSON and HTML reports of real scans, read back by real parsers:
//! Python's `csv` module and `xml.etree` (python3 is on every machine), serde_json.

mod common;

use std::process::Command;

use common::{Dir, code, fake, git, stderr, stdout};
use serde_json::Value;

/// A tree with three kinds of secret, one in a file whose name needs CSV quoting, one on a
/// line with quotes, and cells that would be spreadsheet formulas (a custom rule).
fn tree() -> Dir {
    let dir = Dir::new();
    dir.write(
        "app/config.env",
        format!("AWS_KEY={}\n", fake::aws_key_id()),
    );
    dir.write(
        "notes, old/\"quoted\".txt",
        format!("token: \"{}\" # say \"hi\"\n", fake::github_pat()),
    );
    dir.write("pay.py", format!("stripe = '{}'\n", fake::stripe_live()));
    dir.write(
        "sheet.txt",
        "cell =HYPERLINK(12345)\ncell @HYPERLINK(67890)\n",
    );
    dir.write(
        ".keyscout.toml",
        r#"
[extend]
useDefault = true

[[rules]]
id = "formula-bait"
description = "Formula bait"
regex = '''[=+@-]HYPERLINK\([0-9]{5}\)'''
keywords = ["hyperlink"]
"#,
    );
    dir
}

fn python(script: &str, arg: &std::path::Path) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(arg)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn csv_reads_back_with_pythons_csv_module() {
    let dir = tree();
    let out = dir.keyscout(&["dir", ".", "-f", "csv", "-o", "report.csv", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let bytes = std::fs::read(dir.path().join("report.csv")).unwrap();
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "RFC 4180 ends lines with CRLF"
    );
    // Python reads it back: a header and one row per finding, as JSON.
    let json = python(
        "import csv, json, sys\n\
         rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))\n\
         print(json.dumps(rows))",
        &dir.path().join("report.csv"),
    );
    let rows: Vec<Vec<String>> = serde_json::from_str(&json).unwrap();
    let header = &rows[0];
    assert_eq!(
        &header[..5],
        ["rule_id", "confidence", "description", "path", "line"]
    );
    assert!(rows.iter().all(|r| r.len() == header.len()), "{rows:?}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (rule, path, secret, matched) = (col("rule_id"), col("path"), col("secret"), col("match"));
    let body = &rows[1..];
    assert_eq!(body.len(), 5, "{body:?}");
    // The quoted path and line come back whole.
    let pat = body
        .iter()
        .find(|r| r[secret] == fake::github_pat())
        .unwrap();
    assert_eq!(pat[path], "notes, old/\"quoted\".txt");
    // Formula-like cells are prefixed; the rest are as found.
    let bait: Vec<&Vec<String>> = body.iter().filter(|r| r[rule] == "formula-bait").collect();
    assert_eq!(bait.len(), 2);
    let mut secrets: Vec<&str> = bait.iter().map(|r| r[secret].as_str()).collect();
    secrets.sort();
    assert_eq!(secrets, ["'=HYPERLINK(12345)", "'@HYPERLINK(67890)"]);
    assert!(bait.iter().all(|r| r[matched].starts_with('\'')));
    let formula = ['=', '+', '-', '@'];
    for r in body {
        for cell in r {
            assert!(
                !cell.starts_with(formula),
                "unguarded cell {cell:?} in {r:?}"
            );
        }
    }
    let aws = body
        .iter()
        .find(|r| r[secret] == fake::aws_key_id())
        .unwrap();
    assert_eq!(
        (aws[path].as_str(), aws[col("line")].as_str()),
        ("app/config.env", "1")
    );
}

#[test]
fn csv_of_a_clean_scan_is_its_header() {
    let dir = Dir::new();
    dir.write("a.txt", "nothing here\n");
    let out = dir.keyscout(&["dir", ".", "-f", "csv", "-q"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("rule_id,confidence,"));
    assert_eq!(stdout(&out).lines().count(), 1);
}

/// Checks a JUnit report with Python's XML parser against the layout CI systems read (the
/// Jenkins / Ant JUnit schema): testsuites > testsuite > testcase > failure, the counts
/// matching, the attributes each element must have. Prints `rule|file|line|message` a case.
const JUNIT_CHECK: &str = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = list(root)
assert len(suites) == 1 and suites[0].tag == "testsuite"
suite = suites[0]
for attr in ("name", "tests", "failures", "errors", "time"):
    assert attr in suite.attrib, attr
cases = list(suite)
assert all(c.tag == "testcase" for c in cases)
assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
failed = [c for c in cases if c.find("failure") is not None]
assert int(suite.get("failures")) == len(failed) == int(root.get("failures"))
for c in cases:
    assert c.get("name") and c.get("classname"), c.attrib
    float(c.get("time"))
    for child in c:
        assert child.tag in ("failure", "skipped", "error", "system-out", "system-err"), child.tag
for c in failed:
    f = c.find("failure")
    assert f.get("message") and f.get("type") and f.text, f.attrib
    print("|".join([f.get("type"), c.get("file"), c.get("line"), f.get("message"), f.text.replace("\n", "\\n")]))
print("cases", len(cases), "failed", len(failed))
"#;

#[test]
fn junit_has_one_failed_test_case_per_finding() {
    let dir = tree();
    let out = dir.keyscout(&["dir", ".", "-f", "junit", "-o", "junit.xml", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = python(JUNIT_CHECK, &dir.path().join("junit.xml"));
    assert!(text.ends_with("cases 5 failed 5\n"), "{text}");
    let aws = text
        .lines()
        .find(|l| l.contains(&fake::aws_key_id()))
        .unwrap();
    let fields: Vec<&str> = aws.splitn(5, '|').collect();
    assert_eq!(fields[1..3], ["app/config.env", "1"]);
    assert!(fields[4].starts_with("app/config.env:1:9: "), "{aws}");
    // The quoted file name survives escaping.
    assert!(text.contains("|notes, old/\"quoted\".txt|1|"), "{text}");

    // --redact keeps the secrets out of it.
    let out = dir.keyscout(&["dir", ".", "-f", "junit", "--redact", "-q"]);
    assert!(!stdout(&out).contains(&fake::aws_key_id()));
    assert!(!stdout(&out).contains(&fake::github_pat()));

    // A clean scan: one passing test case.
    let clean = Dir::new();
    clean.write("a.txt", "nothing\n");
    let out = clean.keyscout(&["dir", ".", "-f", "junit", "-o", "junit.xml", "-q"]);
    assert_eq!(code(&out), 0);
    let text = python(JUNIT_CHECK, &clean.path().join("junit.xml"));
    assert_eq!(text, "cases 1 failed 0\n");
}

#[test]
fn gitleaks_json_has_gitleaks_fields_for_dir_and_history_scans() {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir.write("a.env", format!("aws_key = \"{}\"\n", fake::aws_key_id()));
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "add env"]);
    let commit = git(dir.path(), &["rev-parse", "HEAD"]);

    let out = dir.keyscout(&["dir", ".", "-f", "gitleaks-json", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let f = report
        .iter()
        .find(|f| f["Secret"] == fake::aws_key_id().as_str())
        .unwrap();
    // gitleaks' field names, in its order.
    let text = stdout(&out);
    let first = &text[..text.find('}').unwrap()];
    let mut keys: Vec<(usize, &str)> = f
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (first.find(&format!("\"{k}\":")).unwrap(), k.as_str()))
        .collect();
    keys.sort();
    let keys: Vec<&str> = keys.into_iter().map(|(_, k)| k).collect();
    assert_eq!(
        keys,
        [
            "RuleID",
            "Description",
            "StartLine",
            "EndLine",
            "StartColumn",
            "EndColumn",
            "Match",
            "Secret",
            "File",
            "SymlinkFile",
            "Commit",
            "Entropy",
            "Author",
            "Email",
            "Date",
            "Message",
            "Tags",
            "Fingerprint"
        ]
    );
    // Columns as gitleaks counts them: the secret spans 12..=31 of `aws_key = "AKIA…"`.
    assert_eq!(
        (f["StartLine"].as_u64(), f["StartColumn"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(f["EndColumn"].as_u64(), Some(31));
    assert_eq!(f["File"], "a.env");
    assert_eq!(f["Commit"], "");
    let rule = f["RuleID"].as_str().unwrap();
    assert_eq!(f["Fingerprint"], format!("a.env:{rule}:1"));

    let out = dir.keyscout(&["git", ".", "-f", "gitleaks-json", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let f = report
        .iter()
        .find(|f| f["Secret"] == fake::aws_key_id().as_str())
        .unwrap();
    assert_eq!(f["Commit"], commit.as_str());
    assert_eq!(f["Author"], "Dev Eloper");
    assert_eq!(f["Email"], "dev@example.com");
    assert_eq!(f["Message"], "add env");
    assert!(f["Date"].as_str().unwrap().ends_with('Z'), "{f}");
    assert_eq!(f["Fingerprint"], format!("{commit}:a.env:{rule}:1"));

    // Nothing found: an empty array, as gitleaks writes.
    let clean = Dir::new();
    clean.write("a.txt", "nothing\n");
    let out = clean.keyscout(&["dir", ".", "-f", "gitleaks-json", "-q"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
}

/// The JSON inside an HTML report.
fn html_data(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" id="data">"#)
        .unwrap();
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

#[test]
fn html_is_one_file_that_asks_for_nothing() {
    let dir = tree();
    // A line that tries to close the data's script element.
    dir.write(
        "evil.html",
        format!(
            "</script><script>alert(1)</script> {}\n",
            fake::aws_key_id()
        ),
    );
    let out = dir.keyscout(&["dir", ".", "-f", "html", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No external resource of any kind, and a policy that forbids them.
    for needle in [
        "src=\"http",
        "href=\"http",
        "<link",
        "@import",
        "url(",
        "<iframe",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    // The data cannot break out of its element: one `</script>` for data, one for the code.
    assert_eq!(html.matches("</script>").count(), 2);
    let data = html_data(&html);
    assert_eq!(data["rows"].as_array().unwrap().len(), 6);
    assert!(
        html.contains(&fake::github_pat()),
        "secrets are in the page, masked by the script"
    );
    assert_eq!(data["redacted"], false);

    let out = dir.keyscout(&["dir", ".", "-f", "html", "--redact", "-q"]);
    let html = stdout(&out);
    for secret in [fake::aws_key_id(), fake::github_pat(), fake::stripe_live()] {
        assert!(
            !html.contains(&secret),
            "--redact leaves {secret} in the page"
        );
    }
    assert_eq!(html_data(&html)["redacted"], true);
}
