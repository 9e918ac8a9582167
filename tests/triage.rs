//! Triage end to end: ignore files (every entry kind, gitleaks' too), `keyscout ignore`, stale
//! entries, the allow comment before a PEM key, and baselines across a line move and a rebase.

mod common;

use std::path::Path;

use common::{Dir, code, fake, findings, git, keyscout_in, stderr, summary};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A second AWS key id, so that two findings of one rule differ.
fn other_aws_key() -> String {
    format!("AKIA{}", "Z7Y6X5W4V3U2T2S3")
}

/// A tree with an AWS key and a GitHub token in `app/config.py`, a Stripe key in `tests/fx.py`.
fn tree() -> Dir {
    let dir = Dir::new();
    dir.write(
        "app/config.py",
        format!(
            "AWS = \"{}\"\nGH = \"{}\"\n",
            fake::aws_key_id(),
            fake::github_pat()
        ),
    );
    dir.write("tests/fx.py", format!("S = \"{}\"\n", fake::stripe_live()));
    dir
}

/// The fingerprint of the one finding of `rule` in `found`.
fn fingerprint(found: &[Value], rule: &str) -> String {
    let hits: Vec<&Value> = found.iter().filter(|f| f["rule_id"] == rule).collect();
    assert_eq!(hits.len(), 1, "{rule}: {found:?}");
    hits[0]["fingerprint"].as_str().unwrap().to_string()
}

fn rules_of(found: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = found
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// `keyscout dir . -f json ARGS` (summary line kept): findings, exit code, stderr.
fn scan(dir: &Dir, args: &[&str]) -> (Vec<Value>, i32, String) {
    let mut all = vec!["dir", ".", "-f", "json"];
    all.extend_from_slice(args);
    let out = dir.keyscout(&all);
    (findings(&out), code(&out), stderr(&out))
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).expect("read")
}

#[test]
fn a_fingerprint_entry_suppresses_its_finding_and_counts_in_the_summary() {
    let dir = tree();
    let (found, exit, _) = scan(&dir, &[]);
    assert_eq!(exit, 1);
    let aws = fingerprint(&found, "aws-access-key-id");
    dir.write(
        ".keyscoutignore",
        format!("# reviewed findings\n\n{aws}   # rotated in November\n"),
    );
    let (found, exit, err) = scan(&dir, &[]);
    assert_eq!(exit, 1);
    assert_eq!(rules_of(&found), ["github-pat", "stripe-secret-key"]);
    assert!(
        err.contains("2 finding(s)") && err.contains("1 suppressed"),
        "{err}"
    );

    // Suppressed findings do not count towards the exit code.
    let gh = fingerprint(&found, "github-pat");
    let stripe = fingerprint(&found, "stripe-secret-key");
    dir.write(".keyscoutignore", format!("{aws}\n{gh}\n{stripe}\n"));
    let (found, exit, err) = scan(&dir, &[]);
    assert_eq!((found.len(), exit), (0, 0), "{found:?}");
    assert!(err.contains("3 suppressed"), "{err}");
}

#[test]
fn secret_sha256_suppresses_that_secret_at_every_path_under_any_rule() {
    let dir = Dir::new();
    let key = fake::aws_key_id();
    dir.write("a.env", format!("AWS_ACCESS_KEY_ID={key}\n"));
    dir.write("deep/b.yaml", format!("key: {key}\n"));
    dir.write("c.env", format!("AWS_ACCESS_KEY_ID={}\n", other_aws_key()));
    let hash: String = Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.write(".keyscoutignore", format!("secret-sha256:{hash}\n"));
    let (found, exit, _) = scan(&dir, &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        summary(&found),
        vec![("aws-access-key-id".into(), "c.env".into(), 1)]
    );
}

#[test]
fn a_glob_entry_suppresses_one_rule_or_any_rule_under_matching_paths() {
    let dir = Dir::new();
    let both = format!("A={}\nG={}\n", fake::aws_key_id(), fake::github_pat());
    dir.write("x.env", &both);
    dir.write("sub/y.env", &both);
    dir.write("fixtures/deep/z.txt", &both);
    dir.write(
        ".keyscoutignore",
        "glob:*.env:aws-access-key-id  # top-level env files: * does not cross /\n\
         glob:fixtures/**:*\n",
    );
    let (found, _, _) = scan(&dir, &[]);
    assert_eq!(
        summary(&found),
        vec![
            ("aws-access-key-id".into(), "sub/y.env".into(), 1),
            ("github-pat".into(), "sub/y.env".into(), 2),
            ("github-pat".into(), "x.env".into(), 2),
        ]
    );
}

#[test]
fn gitleaksignore_path_rule_line_entries_match_only_that_line() {
    let dir = Dir::new();
    let key = fake::aws_key_id();
    dir.write("a.py", format!("A = '{key}'\nB = '{key}'\n"));
    dir.write(
        ".gitleaksignore",
        "# gitleaks fingerprints\na.py:aws-access-key-id:2\n",
    );
    let (found, _, _) = scan(&dir, &[]);
    assert_eq!(
        summary(&found),
        vec![("aws-access-key-id".into(), "a.py".into(), 1)]
    );
}

#[test]
fn gitleaksignore_commit_entries_match_the_introducing_commit() {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir.write("a.py", format!("A = '{}'\n", fake::aws_key_id()));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "one"]);
    let first = git(dir.path(), &["rev-parse", "HEAD"]);
    dir.write("b.py", format!("B = '{}'\n", fake::aws_key_id()));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "two"]);
    let second = git(dir.path(), &["rev-parse", "HEAD"]);
    // The right commit for a.py; for b.py, a commit that did not introduce it.
    let ignore = format!("{first}:a.py:aws-access-key-id:1\n{first}:b.py:aws-access-key-id:1\n");
    std::fs::write(dir.path().join(".gitleaksignore"), ignore).expect("write");
    let out = dir.keyscout(&["git", "-f", "json", "--report-stale-ignores"]);
    let found = findings(&out);
    assert_eq!(code(&out), 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (&found[0]["path"], &found[0]["commit"]),
        (&"b.py".into(), &second.into())
    );
    assert!(
        stderr(&out).contains(&format!(
            ".gitleaksignore:2: {first}:b.py:aws-access-key-id:1"
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ignore_file_flag_replaces_keyscoutignore_and_a_missing_one_is_an_error() {
    let dir = tree();
    let (found, _, _) = scan(&dir, &[]);
    let gh = fingerprint(&found, "github-pat");
    dir.write(".keyscoutignore", "glob:**:*\n");
    dir.write("triage/ignores", format!("{gh}\n"));
    let (found, exit, _) = scan(&dir, &["--ignore-file", "triage/ignores"]);
    assert_eq!(exit, 1);
    assert_eq!(rules_of(&found), ["aws-access-key-id", "stripe-secret-key"]);

    let out = dir.keyscout(&["dir", ".", "--ignore-file", "nope.txt"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));
}

#[test]
fn a_malformed_entry_names_file_and_line_exits_2_and_the_rest_still_applies() {
    let dir = tree();
    let (found, _, _) = scan(&dir, &[]);
    let gh = fingerprint(&found, "github-pat");
    dir.write(
        ".keyscoutignore",
        format!("{gh}\napp/config.py:github-pat:not-hex\nsecret-sha256:123\nglob:[z:*\n"),
    );
    let (found, exit, err) = scan(&dir, &[]);
    assert_eq!(exit, 2);
    assert_eq!(rules_of(&found), ["aws-access-key-id", "stripe-secret-key"]);
    for line in [2, 3, 4] {
        assert!(err.contains(&format!(".keyscoutignore:{line}: ")), "{err}");
    }
    assert!(err.contains("`not-hex` is not a fingerprint hash"), "{err}");
    assert!(err.contains("3 error(s)"), "{err}");
}

#[test]
fn keyscout_ignore_appends_validated_entries_once_with_a_reason() {
    let dir = tree();
    let (found, _, _) = scan(&dir, &[]);
    let aws = fingerprint(&found, "aws-access-key-id");
    let gh = fingerprint(&found, "github-pat");

    let out = dir.keyscout(&["ignore", &aws, "--reason", "rotated, see TICKET-12"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = dir.path().join(".keyscoutignore");
    assert_eq!(read(&path), format!("{aws} # rotated, see TICKET-12\n"));

    // Already there (with or without a comment) and repeated arguments are written once.
    std::fs::write(
        &path,
        format!("{aws} # rotated, see TICKET-12\n# no newline at the end"),
    )
    .unwrap();
    let out = dir.keyscout(&["ignore", &aws, &gh, &gh, "glob:docs/**:*"]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("2 entries added"), "{}", stderr(&out));
    assert_eq!(
        read(&path),
        format!("{aws} # rotated, see TICKET-12\n# no newline at the end\n{gh}\nglob:docs/**:*\n")
    );
    assert_eq!(scan(&dir, &[]).0.len(), 1);

    // An invalid entry writes nothing.
    let before = read(&path);
    let out = dir.keyscout(&["ignore", "app/config.py:github-pat", &aws]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("app/config.py:github-pat"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&path), before);

    // Another file, created on demand.
    let out = dir.keyscout(&["ignore", "--ignore-file", "other/ignore", &gh]);
    assert_eq!(code(&out), 2, "the directory does not exist");
    std::fs::create_dir(dir.path().join("other")).unwrap();
    let out = dir.keyscout(&["ignore", "--ignore-file", "other/ignore", &gh]);
    assert_eq!(code(&out), 0);
    assert_eq!(read(dir.path().join("other/ignore")), format!("{gh}\n"));
}

#[test]
fn stale_entries_are_listed_with_file_and_line() {
    let dir = tree();
    let (found, _, _) = scan(&dir, &[]);
    let aws = fingerprint(&found, "aws-access-key-id");
    let gone = "app/old.py:github-pat:0123456789abcdef";
    dir.write(
        ".keyscoutignore",
        format!("# header\n{aws}\n{gone}  # fixed long ago\nglob:tests/**:*\nglob:docs/**:*\n"),
    );
    let (_, _, err) = scan(&dir, &["--report-stale-ignores"]);
    let stale: Vec<&str> = err.lines().filter(|l| l.contains("stale ignore")).collect();
    assert_eq!(
        stale,
        [
            format!("keyscout: stale ignore: .keyscoutignore:3: {gone}"),
            "keyscout: stale ignore: .keyscoutignore:5: glob:docs/**:*".to_string(),
        ]
    );
    let (_, _, err) = scan(&dir, &[]);
    assert!(!err.contains("stale"), "only on request: {err}");
}

#[test]
fn an_allow_comment_on_the_line_before_a_pem_key_suppresses_it() {
    let dir = Dir::new();
    let key = fake::rsa_private_key(7, 6);
    dir.write("allowed.pem", format!("# keyscout:allow test key\n{key}\n"));
    dir.write("gitleaks.pem", format!("// gitleaks:allow\n{key}\n"));
    dir.write("too-far.pem", format!("# keyscout:allow\n\n{key}\n"));
    dir.write("plain.pem", format!("{key}\n"));
    // A one-line secret is allowed only by its own line.
    dir.write(
        "one-line.py",
        format!("# keyscout:allow\nA = '{}'\n", fake::aws_key_id()),
    );
    let (found, exit, _) = scan(&dir, &[]);
    assert_eq!(exit, 1);
    let paths: Vec<String> = summary(&found).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(
        paths,
        ["one-line.py", "plain.pem", "too-far.pem"],
        "{found:?}"
    );
}

#[test]
fn a_baseline_survives_a_line_move_and_reformatting_and_gates_new_leaks() {
    let dir = tree();
    let base = dir.path().join("keyscout.baseline");
    let out = dir.keyscout(&["baseline", base.to_str().unwrap(), "-q"]);
    assert_eq!(code(&out), 0, "findings do not fail it: {}", stderr(&out));
    let written = read(&base);
    assert!(!written.contains(&fake::aws_key_id()));

    // Lines move down, the assignment is reformatted, the key is quoted differently.
    dir.write(
        "app/config.py",
        format!(
            "import os\n\n\nsettings = {{\n    'gh':   '{}',\n    'aws': '{}',\n}}\n",
            fake::github_pat(),
            fake::aws_key_id()
        ),
    );
    let base_arg = base.to_str().unwrap();
    let (found, exit, err) = scan(&dir, &["--baseline", base_arg]);
    assert_eq!((found.len(), exit), (0, 0), "{found:?}");
    assert!(err.contains("3 suppressed"), "{err}");

    // A new leak, in the baselined file too, is reported.
    dir.write(
        "app/config.py",
        format!(
            "AWS = \"{}\"\nGH = \"{}\"\nAWS2 = \"{}\"\n",
            fake::aws_key_id(),
            fake::github_pat(),
            other_aws_key()
        ),
    );
    let (found, exit, _) = scan(&dir, &["--baseline", base_arg]);
    assert_eq!(exit, 1);
    assert_eq!(
        summary(&found),
        vec![("aws-access-key-id".into(), "app/config.py".into(), 3)]
    );
}

#[test]
fn baseline_output_is_sorted_without_line_numbers_and_byte_identical_across_runs() {
    let dir = Dir::new();
    for i in 0..20 {
        dir.write(
            &format!("d{}/f{i}.env", i % 4),
            format!("A={}\nG={}\n", fake::aws_key_id(), fake::github_pat()),
        );
    }
    let one = dir.path().join("one.baseline");
    let two = dir.path().join("two.baseline");
    for file in [&one, &two] {
        let out = dir.keyscout(&["baseline", file.to_str().unwrap(), "d0", "d1", "d2", "d3"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let text = read(&one);
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 40);
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(
        lines[0].starts_with("d0/f0.env:aws-access-key-id:"),
        "{}",
        lines[0]
    );
    assert!(!text.contains(":1\n") && !text.contains(&fake::github_pat()));
}

#[test]
fn json_and_json_lines_reports_are_baselines_too() {
    let dir = tree();
    let reports = Dir::new();
    let json = reports.path().join("r.json");
    let jsonl = reports.path().join("r.jsonl");
    dir.keyscout(&["dir", "app", "-f", "json", "-o", json.to_str().unwrap()]);
    dir.keyscout(&[
        "dir",
        "app",
        "-f",
        "jsonl",
        "--redact",
        "-o",
        jsonl.to_str().unwrap(),
    ]);
    for report in [&json, &jsonl] {
        let out = dir.keyscout(&[
            "dir",
            "app",
            "-f",
            "json",
            "--baseline",
            report.to_str().unwrap(),
        ]);
        assert_eq!(
            (findings(&out).len(), code(&out)),
            (0, 0),
            "{}",
            stderr(&out)
        );
        // Only the tests/ finding, outside the baselined scan, is new.
        let (found, exit, _) = scan(&dir, &["--baseline", report.to_str().unwrap()]);
        assert_eq!(exit, 1);
        assert_eq!(
            rules_of(&found),
            ["aws-access-key-id", "github-pat", "stripe-secret-key"]
        );
    }
    let out = dir.keyscout(&["dir", ".", "--baseline", "missing.json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("missing.json"));
}

#[test]
fn a_git_baseline_survives_a_rebase_and_gates_only_new_leaks() {
    let outside = Dir::new();
    let dir = Dir::new();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    dir.write("README.md", "hello\n");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "start"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    dir.write(
        "app/settings.py",
        format!("AWS = '{}'\n", fake::aws_key_id()),
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "add settings"]);
    let report = outside.path().join("before.json");
    let out = keyscout_in(
        repo,
        &["git", "-f", "json", "-o", report.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&out), 1);
    let before: Value = serde_json::from_str(&read(&report)).unwrap();
    let before = &before["findings"][0];
    let base = outside.path().join("keyscout.baseline");
    let out = keyscout_in(
        outside.path(),
        &[
            "baseline",
            base.to_str().unwrap(),
            "--from",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // main moves on; the feature branch is rebased onto it, which rewrites its commits.
    git(repo, &["checkout", "-q", "main"]);
    dir.write("NOTES.md", "notes\n");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "notes"]);
    git(repo, &["checkout", "-q", "feature"]);
    git(repo, &["rebase", "-q", "main"]);
    git(repo, &["reflog", "expire", "--expire=now", "--all"]);
    git(repo, &["gc", "-q", "--prune=now"]);
    let out = keyscout_in(repo, &["git", "-f", "json"], None);
    let after = findings(&out);
    assert_eq!(after.len(), 1);
    assert_ne!(
        after[0]["commit"], before["commit"],
        "the history was rewritten"
    );
    assert_eq!(after[0]["fingerprint"], before["fingerprint"]);

    let base_arg = base.to_str().unwrap();
    let out = keyscout_in(repo, &["git", "-f", "json", "--baseline", base_arg], None);
    assert_eq!(
        (findings(&out).len(), code(&out)),
        (0, 0),
        "{}",
        stderr(&out)
    );

    // A new leak after the rebase is reported.
    dir.write(
        "app/settings.py",
        format!(
            "AWS = '{}'\nGH = '{}'\n",
            fake::aws_key_id(),
            fake::github_pat()
        ),
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "token"]);
    let out = keyscout_in(repo, &["git", "-f", "json", "--baseline", base_arg], None);
    assert_eq!(code(&out), 1);
    assert_eq!(rules_of(&findings(&out)), ["github-pat"]);
}

#[test]
fn stdin_reads_keyscoutignore_in_the_current_directory() {
    let dir = Dir::new();
    let input = format!("x = {}\n", fake::github_pat());
    let out = keyscout_in(
        dir.path(),
        &["stdin", "-f", "json", "-q"],
        Some(input.as_bytes()),
    );
    let fp = fingerprint(&findings(&out), "github-pat");
    assert!(fp.starts_with("-:github-pat:"), "{fp}");
    let out = dir.keyscout(&["ignore", "--", &fp]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = keyscout_in(
        dir.path(),
        &["stdin", "-f", "json", "-q"],
        Some(input.as_bytes()),
    );
    assert_eq!((findings(&out).len(), code(&out)), (0, 0));
}

#[test]
fn a_baseline_of_the_work_tree_applies_to_the_history_scan() {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir.write("deploy/prod.env", format!("AWS={}\n", fake::aws_key_id()));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "env"]);
    let outside = Dir::new();
    let base = outside.path().join("b");
    let out = dir.keyscout(&["baseline", base.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&base).contains("\ndeploy/prod.env:aws-access-key-id:"));
    let out = dir.keyscout(&["git", "-f", "json", "--baseline", base.to_str().unwrap()]);
    assert_eq!(
        (findings(&out).len(), code(&out)),
        (0, 0),
        "{}",
        stderr(&out)
    );
}
