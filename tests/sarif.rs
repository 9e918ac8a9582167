//! `-f sarif` end to end: the real binary on a tree made in a temp dir, its log parsed back
//! and checked field by field, against the vendored SARIF 2.1.0 schema, and by the SARIF
//! Multitool's `Gh;Sarif` rules when that tool is installed.
//!
//! The tree is scanned with its own rule file so these tests do not move with the built-in
//! packs; every secret in it is made up and built at run time.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Dir, code, fake, stderr};
use serde_json::Value;

const RULES: &str = r#"
[[rules]]
id = "aws-access-key-id"
description = "AWS access key ID"
regex = '''\b((?:AKIA|ASIA)[A-Z2-7]{16})\b'''
keywords = ["akia", "asia"]
tags = ["cloud", "aws"]

[[rules]]
id = "github-pat"
description = "GitHub personal access token (classic)"
regex = '''\b(ghp_[A-Za-z0-9]{36})\b'''
keywords = ["ghp_"]
tags = ["vcs", "github"]

[[rules]]
id = "private-key"
description = "Private key in PEM format"
regex = '''-----BEGIN[ A-Z0-9]*PRIVATE KEY-----[\s\S]*?-----END[ A-Z0-9]*PRIVATE KEY-----'''
keywords = ["-----begin"]
tags = ["key"]
"#;

/// The scanned tree, under `repo/` (a git work tree, so `%SRCROOT%` is `repo/`).
const ENV: &str = "repo/.env";
const NESTED: &str = "repo/src/deep/nested/main.rs";
const SPACED: &str = "repo/dir with space/my config.yaml";
const UNICODE: &str = "repo/données/ключи/naïve.txt";
const PEM: &str = "repo/keys/id_rsa";

fn aws_key(tail: &str) -> String {
    format!("AKIA{tail}")
}

fn github_pat(tail: &str) -> String {
    format!("ghp_{tail}")
}

fn secrets() -> Vec<String> {
    vec![
        aws_key("QX4TZ7NB2KW5RM3Y"),
        github_pat("9fZkq2LmT7xWv4RbN8cYs1HdJ6pUe3Ga0oQi"),
        github_pat("Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"),
        github_pat("Zy8xW6vU4tS2rQ0pO8nM6lK4jI2hG0fE8dC6"),
        aws_key("Z7Y6X5W4V3U2T2S3"),
        fake::rsa_private_key(0x2545_f491, 5),
    ]
}

/// A temp dir holding `rules.toml` and the tree under `repo/`.
fn fixture() -> Dir {
    let s = secrets();
    let dir = Dir::new();
    dir.write("rules.toml", RULES);
    std::fs::create_dir_all(dir.path().join("repo/.git")).expect("mkdir .git");
    dir.write(
        ENV,
        format!("AWS_ACCESS_KEY_ID={}\nGITHUB_TOKEN={}\n", s[0], s[1]),
    );
    dir.write(
        NESTED,
        format!("fn main() {{\n    let t = \"{}\";\n}}\n", s[2]),
    );
    dir.write(SPACED, format!("token: {}\n", s[3]));
    dir.write(UNICODE, format!("\t\tcafé = \"ünïcödé\" key={}\n", s[4]));
    dir.write(PEM, format!("{}\n", s[5]));
    dir
}

/// `keyscout dir TARGET -f sarif` with the fixture's rules, parsed; also checks the exit code.
fn sarif(dir: &Dir, target: &str, extra: &[&str], expect_code: i32) -> Value {
    let rules = dir.path().join("rules.toml");
    let mut args = vec![
        "dir",
        target,
        "-f",
        "sarif",
        "-q",
        "-c",
        rules.to_str().expect("utf-8 temp path"),
    ];
    args.extend_from_slice(extra);
    let out = dir.keyscout(&args);
    assert_eq!(code(&out), expect_code, "stderr: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"))
}

fn run(log: &Value) -> &Value {
    &log["runs"][0]
}

fn results(log: &Value) -> &Vec<Value> {
    run(log)["results"].as_array().expect("results array")
}

fn rules(log: &Value) -> &Vec<Value> {
    run(log)["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules array")
}

fn physical(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]
}

fn uri(result: &Value) -> &str {
    physical(result)["artifactLocation"]["uri"]
        .as_str()
        .expect("uri")
}

/// The one result whose uri is `uri`.
fn result_at<'a>(log: &'a Value, at: &str) -> &'a Value {
    let found: Vec<_> = results(log).iter().filter(|r| uri(r) == at).collect();
    assert_eq!(found.len(), 1, "results at {at}: {found:?}");
    found[0]
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8 path")
}

/// The directory a `file://` base URI names.
fn base_dir(log: &Value) -> PathBuf {
    let base = run(log)["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% uri");
    assert!(base.ends_with('/'), "{base}");
    let path = base.strip_prefix("file://").expect("file URI");
    PathBuf::from(percent_decode(path))
}

#[test]
fn each_rule_is_listed_once_and_results_point_at_it() {
    let dir = fixture();
    let log = sarif(&dir, "repo", &[], 1);
    assert_eq!(log["version"], "2.1.0");
    let rules = rules(&log);
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique, ["aws-access-key-id", "github-pat", "private-key"]);
    assert_eq!(ids.len(), 3, "{ids:?}");

    let results = results(&log);
    assert_eq!(results.len(), 6);
    let github = results.iter().filter(|r| r["ruleId"] == "github-pat");
    assert_eq!(github.count(), 3);
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(r["level"], "error");
        assert!(r["message"]["text"].as_str().unwrap().ends_with('.'));
        let fingerprint = r["partialFingerprints"]["keyscout/v1"].as_str().unwrap();
        assert!(!fingerprint.is_empty());
    }
    for rule in rules {
        for text in ["shortDescription", "fullDescription", "help"] {
            assert!(!rule[text]["text"].as_str().unwrap().is_empty(), "{rule}");
        }
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(
            tags.contains(&"security".into()) && tags.len() <= 10,
            "{tags:?}"
        );
        // GitHub wants a string holding a number from 0.0 to 10.0.
        let severity = rule["properties"]["security-severity"].as_str().unwrap();
        let severity: f64 = severity.parse().unwrap();
        assert!((0.0..=10.0).contains(&severity));
    }
}

#[test]
fn uris_are_relative_percent_encoded_and_resolve_to_the_files() {
    let dir = fixture();
    let log = sarif(&dir, "repo", &[], 1);
    let mut uris: Vec<&str> = results(&log).iter().map(uri).collect();
    uris.sort();
    uris.dedup();
    assert_eq!(
        uris,
        [
            ".env",
            "dir%20with%20space/my%20config.yaml",
            "donn%C3%A9es/%D0%BA%D0%BB%D1%8E%D1%87%D0%B8/na%C3%AFve.txt",
            "keys/id_rsa",
            "src/deep/nested/main.rs",
        ]
    );
    let base = base_dir(&log);
    assert_eq!(
        base.canonicalize().unwrap(),
        dir.path().join("repo").canonicalize().unwrap()
    );
    for r in results(&log) {
        assert_eq!(physical(r)["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let file = base.join(percent_decode(uri(r)));
        assert!(file.is_file(), "{} does not resolve", uri(r));
    }
}

#[test]
fn uris_start_at_the_git_work_tree_when_a_subdirectory_is_scanned() {
    let dir = fixture();
    let log = sarif(&dir, "repo/src", &[], 1);
    assert_eq!(uri(&results(&log)[0]), "src/deep/nested/main.rs");
    assert_eq!(
        base_dir(&log).canonicalize().unwrap(),
        dir.path().join("repo").canonicalize().unwrap()
    );
}

#[test]
fn regions_count_code_points_and_span_the_lines_of_the_secret() {
    let dir = fixture();
    let s = secrets();
    let log = sarif(&dir, "repo", &[], 1);

    // Two tabs and accented letters before the key: columns count characters, not bytes.
    let unicode = physical(result_at(
        &log,
        "donn%C3%A9es/%D0%BA%D0%BB%D1%8E%D1%87%D0%B8/na%C3%AFve.txt",
    ));
    let region = &unicode["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (&1.into(), &24.into(), &1.into(), &44.into())
    );
    assert_eq!(region["snippet"]["text"], s[4]);
    let context = &unicode["contextRegion"];
    assert_eq!(context["startColumn"], 1);
    assert_eq!(context["endColumn"], 44);
    assert_eq!(
        context["snippet"]["text"],
        format!("\t\tcafé = \"ünïcödé\" key={}", s[4])
    );

    // The key spans seven lines; the region ends just past `-----END ... KEY-----`.
    let pem = &physical(result_at(&log, "keys/id_rsa"))["region"];
    assert_eq!(
        (
            &pem["startLine"],
            &pem["startColumn"],
            &pem["endLine"],
            &pem["endColumn"]
        ),
        (&1.into(), &1.into(), &7.into(), &30.into())
    );
    assert_eq!(pem["snippet"]["text"], s[5]);

    let env: Vec<_> = results(&log).iter().filter(|r| uri(r) == ".env").collect();
    let github = physical(env.iter().find(|r| r["ruleId"] == "github-pat").unwrap());
    assert_eq!(github["region"]["startLine"], 2);
    assert_eq!(github["region"]["startColumn"], 14);
    assert_eq!(github["region"]["endColumn"], 14 + 40);
}

/// Every string in `value`, however deep.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => vec![],
    }
}

#[test]
fn redact_masks_the_secret_in_every_snippet() {
    let dir = fixture();
    let plain = sarif(&dir, "repo", &[], 1);
    for secret in secrets() {
        assert!(strings(&plain).iter().any(|t| t.contains(&secret)));
    }
    for (flag, kept) in [("--redact", 0), ("--redact=50", 50)] {
        let log = sarif(&dir, "repo", &[flag], 1);
        let texts = strings(&log);
        for secret in secrets() {
            let clear = texts.iter().any(|t| t.contains(&secret));
            assert!(!clear, "{flag}: a secret is in clear");
        }
        for r in results(&log) {
            let snippet = physical(r)["region"]["snippet"]["text"].as_str().unwrap();
            assert!(snippet.ends_with("*****"), "{flag}: {snippet}");
            assert_eq!(snippet == "*****", kept == 0, "{flag}: {snippet}");
            if let Some(context) = physical(r)["contextRegion"]["snippet"]["text"].as_str() {
                assert!(context.contains(snippet), "{flag}: {context}");
            }
        }
    }
}

#[test]
fn fingerprints_are_stable_and_survive_a_line_move() {
    let dir = fixture();
    let fingerprints = |log: &Value| -> Vec<(String, String, u64)> {
        let mut v: Vec<_> = results(log)
            .iter()
            .map(|r| {
                (
                    uri(r).to_string(),
                    r["partialFingerprints"]["keyscout/v1"].to_string(),
                    physical(r)["region"]["startLine"].as_u64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = fingerprints(&sarif(&dir, "repo", &[], 1));
    assert_eq!(first, fingerprints(&sarif(&dir, "repo", &[], 1)));

    // Three lines above every secret of .env and main.rs: lines change, fingerprints do not.
    for path in [ENV, NESTED] {
        let file = dir.path().join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("// one\n// two\n// three\n{text}")).unwrap();
    }
    let moved = fingerprints(&sarif(&dir, "repo", &[], 1));
    assert_eq!(moved.len(), first.len());
    for (before, after) in first.iter().zip(&moved) {
        assert_eq!((&before.0, &before.1), (&after.0, &after.1));
        let shift = if [".env", "src/deep/nested/main.rs"].contains(&before.0.as_str()) {
            3
        } else {
            0
        };
        assert_eq!(after.2, before.2 + shift, "{}", before.0);
    }
}

#[test]
fn a_scan_without_findings_is_a_valid_empty_log() {
    let dir = fixture();
    dir.write("clean/README.md", "nothing to see here\n");
    let log = sarif(&dir, "clean", &[], 0);
    assert_eq!(results(&log).len(), 0);
    assert_eq!(rules(&log).len(), 0);
    assert_eq!(schema_errors(&log), Vec::<String>::new());
}

/// The vendored OASIS schema, compiled; formats (`uri`, `uri-reference`, `date-time`) checked.
fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles offline")
}

fn schema_errors(log: &Value) -> Vec<String> {
    schema()
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn output_matches_the_sarif_2_1_0_schema() {
    let dir = fixture();
    for extra in [&[][..], &["--redact"], &["--redact=50"]] {
        let log = sarif(&dir, "repo", extra, 1);
        assert_eq!(schema_errors(&log), Vec::<String>::new(), "{extra:?}");
    }
    // The schema does reject what it should: a level SARIF does not have.
    let mut broken = sarif(&dir, "repo", &[], 1);
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert_eq!(schema_errors(&broken).len(), 1);
    // And checks formats (though not `uri-reference`, which draft-04 does not know).
    let mut broken = sarif(&dir, "repo", &[], 1);
    broken["runs"][0]["tool"]["driver"]["informationUri"] = "keyscout home".into();
    assert_eq!(schema_errors(&broken).len(), 1);
}

/// `keyscout merge` of the fixture's SARIF log and JSON report (the same six findings twice),
/// back to SARIF.
fn merged(dir: &Dir) -> Value {
    let log = sarif(dir, "repo", &[], 1);
    std::fs::write(dir.path().join("scan.sarif"), log.to_string()).unwrap();
    let rules = dir.path().join("rules.toml");
    let rules = rules.to_str().expect("utf-8 temp path");
    let json = dir.keyscout(&["dir", "repo", "-f", "json", "-q", "-c", rules]);
    std::fs::write(dir.path().join("scan.json"), &json.stdout).unwrap();
    let out = dir.keyscout(&["merge", "scan.sarif", "scan.json", "-f", "sarif", "-q"]);
    assert_eq!(code(&out), 1, "stderr: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"))
}

#[test]
fn merged_reports_are_valid_sarif_with_each_finding_once() {
    let dir = fixture();
    let log = merged(&dir);
    assert_eq!(schema_errors(&log), Vec::<String>::new());
    let fingerprints = |log: &Value| -> Vec<String> {
        let mut v: Vec<_> = results(log)
            .iter()
            .map(|r| r["partialFingerprints"]["keyscout/v1"].to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(results(&log).len(), 6);
    assert_eq!(
        fingerprints(&log),
        fingerprints(&sarif(&dir, "repo", &[], 1))
    );
    assert_eq!(rules(&log).len(), 3);
}

/// `$PEERS_DIR/sarif/Sarif.Multitool`, else `~/.cache/keyscout-peers/sarif/Sarif.Multitool`.
fn multitool() -> Option<PathBuf> {
    let peers = std::env::var_os("PEERS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/keyscout-peers"))
        })?;
    let tool = peers.join("sarif/Sarif.Multitool");
    tool.is_file().then_some(tool)
}

#[test]
fn sarif_multitool_finds_no_error_or_warning() {
    let Some(tool) = multitool() else {
        eprintln!("note: SARIF Multitool not installed (set PEERS_DIR); skipping its validation");
        return;
    };
    let dir = fixture();
    dir.write("clean/README.md", "nothing to see here\n");
    let mut logs = Vec::new();
    for (name, target, extra, expect) in [
        ("plain.sarif", "repo", &[][..], 1),
        ("redact.sarif", "repo", &["--redact"], 1),
        ("redact50.sarif", "repo", &["--redact=50"], 1),
        ("subdir.sarif", "repo/src", &[], 1),
        ("empty.sarif", "clean", &[], 0),
    ] {
        let path = dir.path().join(name);
        let log = sarif(&dir, target, extra, expect);
        std::fs::write(&path, log.to_string()).unwrap();
        logs.push(path);
    }
    let path = dir.path().join("merged.sarif");
    std::fs::write(&path, merged(&dir).to_string()).unwrap();
    logs.push(path);
    // A control the validator must complain about: a rule without help or full description,
    // as gitleaks writes them (GitHub requires both).
    let mut control = sarif(&dir, "repo", &[], 1);
    let rule = control["runs"][0]["tool"]["driver"]["rules"][0]
        .as_object_mut()
        .unwrap();
    rule.remove("help");
    rule.remove("fullDescription");
    let control_path = dir.path().join("control.sarif");
    std::fs::write(&control_path, control.to_string()).unwrap();

    let report = dir.path().join("validation.sarif");
    let out = Command::new(&tool)
        .arg("validate")
        .args(&logs)
        .arg(&control_path)
        .args(["--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o"])
        .arg(&report)
        .output()
        .expect("run the SARIF Multitool");
    let validation: Value = serde_json::from_slice(
        &std::fs::read(&report)
            .unwrap_or_else(|e| panic!("no validation log ({e}): {}", stderr(&out))),
    )
    .expect("validation log is JSON");
    let run = &validation["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true, "{run}");
    // (file name, rule: arguments) of each error or warning; a result without a level is a
    // warning.
    let complaints: Vec<(String, String)> = run["results"]
        .as_array()
        .expect("validation results")
        .iter()
        .filter(|r| r["level"].as_str().unwrap_or("warning") != "note")
        .map(|r| {
            let at = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("");
            let file = at.rsplit('/').next().unwrap_or(at).to_string();
            let rule = r["ruleId"].as_str().unwrap_or("");
            (file, format!("{rule}: {}", r["message"]["arguments"]))
        })
        .collect();
    let (control, ours): (Vec<_>, Vec<_>) = complaints
        .into_iter()
        .partition(|(file, _)| file == "control.sarif");
    assert_eq!(ours, Vec::<(String, String)>::new());
    assert_eq!(control.len(), 2, "{control:?}");
    assert!(
        control.iter().all(|(_, c)| c.starts_with("GH2012")),
        "{control:?}"
    );
}
