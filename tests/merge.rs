//! `keyscout merge` end to end: reports written by the real binary (file scans and git
//! scans of repositories made here), merged by the real binary, and parsed back. (Its SARIF
//! output is validated in tests/sarif.rs, next to the schema.)

mod common;

use std::path::Path;

use common::{Dir, code, fake, findings, git, keyscout_in, stderr, stdout};
use serde_json::Value;

/// A tree with three secrets under `tree/`; `later.env` is added only for the second scan.
fn tree() -> Dir {
    let dir = Dir::new();
    dir.write(
        "tree/a.env",
        format!("AWS_ACCESS_KEY_ID={}\n", fake::aws_key_id()),
    );
    dir.write(
        "tree/src/config.py",
        format!("\n\nGITHUB_TOKEN = \"{}\"\n", fake::github_pat()),
    );
    dir
}

/// `keyscout ARGS` in `dir`, its stdout saved as `name`; checks the exit code.
fn save(dir: &Dir, name: &str, args: &[&str], expect: i32) {
    let out = dir.keyscout(args);
    assert_eq!(code(&out), expect, "{args:?}: {}", stderr(&out));
    dir.write(name, &out.stdout);
}

/// `keyscout merge ARGS` in `dir`.
fn merge(dir: &Dir, args: &[&str]) -> std::process::Output {
    let mut all = vec!["merge"];
    all.extend_from_slice(args);
    dir.keyscout(&all)
}

/// `(path, line, rule_id)` of each finding, in report order.
fn order(found: &[Value]) -> Vec<(String, u64, String)> {
    found
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn two_overlapping_json_reports_merge_without_duplicates_in_a_fixed_order() {
    let dir = tree();
    save(&dir, "first.json", &["dir", "tree", "-f", "json", "-q"], 1);
    dir.write(
        "tree/later.env",
        format!("STRIPE={}\n", fake::stripe_live()),
    );
    save(&dir, "second.json", &["dir", "tree", "-f", "json", "-q"], 1);

    let out = merge(&dir, &["first.json", "second.json", "-f", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 finding(s) from 2 report(s), 2 duplicate(s) removed"),
        "{}",
        stderr(&out)
    );
    let merged = findings(&out);
    assert_eq!(
        order(&merged),
        [
            ("a.env".to_string(), 1, "aws-access-key-id".to_string()),
            ("later.env".to_string(), 1, "stripe-secret-key".to_string()),
            ("src/config.py".to_string(), 3, "github-pat".to_string()),
        ]
    );
    // The findings are those of the second scan, field for field.
    let second: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("second.json")).unwrap()).unwrap();
    assert_eq!(merged, second["findings"].as_array().unwrap().clone());
    // Totals are the inputs' sums: 2 + 3 files.
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["findings"], 3);
    assert_eq!(doc["summary"]["files"], 5);

    // The same bytes whichever order the reports come in; --exit-code as for scans.
    let swapped = merge(
        &dir,
        &[
            "second.json",
            "first.json",
            "-f",
            "json",
            "--exit-code",
            "0",
        ],
    );
    assert_eq!(code(&swapped), 0);
    assert_eq!(stdout(&swapped), stdout(&out));
}

#[test]
fn the_same_report_twice_collapses_to_itself() {
    let dir = tree();
    save(&dir, "a.json", &["dir", "tree", "-f", "json", "-q"], 1);
    save(&dir, "a.jsonl", &["dir", "tree", "-f", "jsonl", "-q"], 1);
    let out = merge(&dir, &["a.json", "a.json", "a.jsonl", "-f", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let original: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("a.json")).unwrap()).unwrap();
    assert_eq!(
        findings(&out),
        original["findings"].as_array().unwrap().clone()
    );
    assert!(
        stderr(&out).contains("4 duplicate(s) removed"),
        "{}",
        stderr(&out)
    );

    // JSON Lines out: one line per finding, sorted, so a merged JSONL is stable too.
    let out = merge(&dir, &["a.jsonl", "a.jsonl", "-f", "jsonl", "-q"]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, original["findings"].as_array().unwrap().clone());
}

/// A repository whose history holds a secret in a file deleted since.
fn repo_with_history(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q"]);
    std::fs::write(
        dir.join("deploy.sh"),
        format!("export TOKEN={}\n", fake::github_pat()),
    )
    .unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "add deploy script"]);
    std::fs::remove_file(dir.join("deploy.sh")).unwrap();
    git(dir, &["commit", "-q", "-am", "remove it"]);
}

#[test]
fn json_lines_of_a_git_scan_and_sarif_of_a_file_scan_merge_into_the_json_of_both() {
    let dir = tree();
    repo_with_history(&dir.path().join("repo"));
    save(&dir, "git.jsonl", &["git", "repo", "-f", "jsonl", "-q"], 1);
    save(&dir, "git.json", &["git", "repo", "-f", "json", "-q"], 1);
    save(&dir, "tree.sarif", &["dir", "tree", "-f", "sarif", "-q"], 1);
    save(&dir, "tree.json", &["dir", "tree", "-f", "json", "-q"], 1);

    // Extensions say nothing: the content does.
    std::fs::rename(dir.path().join("git.jsonl"), dir.path().join("shard-0.out")).unwrap();
    std::fs::rename(
        dir.path().join("tree.sarif"),
        dir.path().join("shard-1.json"),
    )
    .unwrap();
    let out = merge(&dir, &["shard-0.out", "shard-1.json", "-f", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));

    // Every field of every finding comes back: the git origin from JSON Lines, and from
    // SARIF the path as scanned, the description, tags, entropy, match and confidence.
    let read = |name: &str| -> Vec<Value> {
        let doc: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(name)).unwrap()).unwrap();
        doc["findings"].as_array().unwrap().clone()
    };
    let mut expected = read("git.json");
    expected.extend(read("tree.json"));
    expected.sort_by_key(|f| (f["path"].as_str().unwrap().to_string(), f["line"].as_u64()));
    let merged = findings(&out);
    assert_eq!(merged, expected);
    let from_git = merged.iter().find(|f| f["path"] == "deploy.sh").unwrap();
    assert_eq!(from_git["message"], "add deploy script");
    assert!(
        from_git["blob"].as_str().is_some_and(|b| b.len() == 40),
        "{from_git}"
    );
}

#[test]
fn sarif_read_back_keeps_the_line_for_the_text_report_and_redact_masks_it() {
    let dir = tree();
    save(&dir, "tree.sarif", &["dir", "tree", "-f", "sarif", "-q"], 1);
    let out = merge(&dir, &["tree.sarif", "--color", "never"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("    GITHUB_TOKEN = \"{}\"", fake::github_pat())),
        "{text}"
    );
    let out = merge(&dir, &["tree.sarif", "--redact", "-f", "json"]);
    let redacted = stdout(&out);
    for secret in [fake::github_pat(), fake::aws_key_id()] {
        assert!(!redacted.contains(&secret), "{redacted}");
    }
    assert!(findings(&out).iter().all(|f| f["secret"] == "*****"));
}

#[test]
fn unreadable_inputs_are_named_and_the_rest_is_merged_with_exit_code_2() {
    let dir = tree();
    save(&dir, "good.jsonl", &["dir", "tree", "-f", "jsonl", "-q"], 1);
    dir.write("garbage.bin", b"\x7fELF\x02\x01\x01\x00garbage");
    dir.write("other.json", r#"{"name": "not a report"}"#);
    // A shard killed while writing: its last line is cut short.
    let good = std::fs::read_to_string(dir.path().join("good.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    dir.write(
        "cut.jsonl",
        format!("{first}\n{}", &first[..first.len() / 2]),
    );
    // A clean shard writes nothing at all.
    dir.write("clean.jsonl", "");

    let out = merge(
        &dir,
        &[
            "garbage.bin",
            "good.jsonl",
            "missing.jsonl",
            "other.json",
            "cut.jsonl",
            "clean.jsonl",
            "-f",
            "json",
        ],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    for named in [
        "garbage.bin: not a keyscout report",
        "missing.jsonl: ",
        "other.json: not a keyscout JSON, JSON Lines or SARIF report",
        "cut.jsonl: line 2: EOF while parsing",
    ] {
        assert!(
            err.contains(&format!("keyscout: warning: {named}")),
            "{named}: {err}"
        );
    }
    assert!(
        err.contains("2 finding(s) from 6 report(s), 1 duplicate(s) removed, 4 error(s)"),
        "{err}"
    );
    assert_eq!(findings(&out).len(), 2);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 4);

    // Only clean inputs: exit 0 and an empty report.
    let out = keyscout_in(dir.path(), &["merge", "clean.jsonl", "-f", "json"], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(findings(&out).is_empty());
}

#[test]
fn the_same_secret_in_two_repositories_is_kept_twice_in_a_fixed_order() {
    let dir = Dir::new();
    repo_with_history(&dir.path().join("one"));
    repo_with_history(&dir.path().join("two"));
    save(&dir, "one.jsonl", &["git", "one", "-f", "jsonl", "-q"], 1);
    save(&dir, "two.jsonl", &["git", "two", "-f", "jsonl", "-q"], 1);

    // Same path, rule, secret and blob: only the commit tells them apart.
    let out = merge(&dir, &["one.jsonl", "two.jsonl", "-f", "json", "-q"]);
    let found = findings(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0]["fingerprint"], found[1]["fingerprint"]);
    assert_eq!(found[0]["blob"], found[1]["blob"]);
    assert_ne!(found[0]["commit"], found[1]["commit"]);
    let swapped = merge(&dir, &["two.jsonl", "one.jsonl", "-f", "json", "-q"]);
    assert_eq!(stdout(&swapped), stdout(&out));
}
