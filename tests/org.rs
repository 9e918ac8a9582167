//! `keyscout git` over many repositories: several in one run, shared blobs, `--repos-from`,
//! clone URLs, `--stats`, `--state` and `--shard`, on repositories built with the real `git`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Dir, code, fake, findings, git, keyscout_in, stderr, stdout};
use serde_json::Value;

/// Makes a repository at `root/name` on `main` with `files` committed; returns the commit.
fn repo_with(root: &Path, name: &str, files: &[(&str, &str)]) -> String {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    if !dir.join(".git").exists() {
        git(&dir, &["init", "-q"]);
    }
    commit_files(&dir, files)
}

fn commit_files(dir: &Path, files: &[(&str, &str)]) -> String {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "change"]);
    git(dir, &["rev-parse", "HEAD"])
}

/// `keyscout ARGS -f json -q` in `cwd`: findings, exit code, stderr.
fn run(cwd: &Path, args: &[&str]) -> (Vec<Value>, i32, String) {
    let mut all = args.to_vec();
    all.extend(["-f", "json", "-q"]);
    let out = keyscout_in(cwd, &all, None);
    (findings(&out), code(&out), stderr(&out))
}

/// `(repository, rule_id, path, commit)` of each finding, sorted.
fn seen(found: &[Value]) -> Vec<(String, String, String, String)> {
    let field = |f: &Value, k: &str| f[k].as_str().unwrap_or("").to_string();
    let mut v: Vec<_> = found
        .iter()
        .map(|f| {
            (
                field(f, "repository"),
                field(f, "rule_id"),
                field(f, "path"),
                field(f, "commit"),
            )
        })
        .collect();
    v.sort();
    v
}

fn stat(err: &str, name: &str) -> u64 {
    err.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no `{name}` in {err}"))
        .parse()
        .unwrap()
}

fn github() -> String {
    format!("GITHUB_TOKEN = \"{}\"\n", fake::github_pat())
}

fn aws() -> String {
    format!("aws_access_key_id = {}\n", fake::aws_key_id())
}

#[test]
fn several_repositories_in_one_run_each_finding_names_its_repository() {
    let dir = Dir::new();
    let a = repo_with(dir.path(), "a", &[("settings.py", &github())]);
    let b = repo_with(dir.path(), "b", &[("conf/aws.ini", &aws())]);
    let (found, status, err) = run(dir.path(), &["git", "a", "b"]);
    assert_eq!(status, 1, "{err}");
    assert_eq!(
        seen(&found),
        vec![
            ("a".into(), "github-pat".into(), "settings.py".into(), a),
            (
                "b".into(),
                "aws-access-key-id".into(),
                "conf/aws.ini".into(),
                b
            ),
        ]
    );
    // The text and SARIF reports name the repository too.
    let out = keyscout_in(dir.path(), &["git", "a", "b", "--color", "never"], None);
    assert!(
        stdout(&out).contains("    repository b\n"),
        "{}",
        stdout(&out)
    );
    let out = keyscout_in(dir.path(), &["git", "a", "b", "-f", "sarif"], None);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let repos: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["keyscout"]["repository"].as_str().unwrap())
        .collect();
    assert_eq!(repos, BTreeSet::from(["a", "b"]));
}

#[test]
fn a_blob_shared_by_two_repositories_is_scanned_once_and_reported_for_each_with_its_commit() {
    let dir = Dir::new();
    let secret = github();
    let a = repo_with(dir.path(), "a", &[("settings.py", &secret)]);
    let b = repo_with(
        dir.path(),
        "b",
        &[("app/settings.py", &secret), ("README", "hello\n")],
    );
    let (found, status, err) = run(dir.path(), &["git", "a", "b", "--stats"]);
    assert_eq!(status, 1, "{err}");
    assert_eq!(
        seen(&found),
        vec![
            ("a".into(), "github-pat".into(), "settings.py".into(), a),
            ("b".into(), "github-pat".into(), "app/settings.py".into(), b),
        ]
    );
    // Three blobs in all, two distinct contents... the shared one is scanned once.
    assert_eq!(stat(&err, "blobs"), 2, "{err}");
    assert_eq!(stat(&err, "repositories"), 2, "{err}");
    assert_eq!(stat(&err, "commits"), 2, "{err}");
    assert!(stat(&err, "bytes") > 0);
    assert!(
        err.contains("\nseconds: ") && err.contains("\nMB/s: "),
        "{err}"
    );
}

#[test]
fn repos_from_reads_one_repository_a_line() {
    let dir = Dir::new();
    repo_with(dir.path(), "a", &[("settings.py", &github())]);
    repo_with(dir.path(), "b", &[("aws.ini", &aws())]);
    repo_with(dir.path(), "c", &[("x.ini", &aws())]);
    dir.write(
        "list.txt",
        "# the organisation\n\na\n  b   # the second\n#c\n",
    );
    let (found, status, err) = run(dir.path(), &["git", "--repos-from", "list.txt"]);
    assert_eq!(status, 1, "{err}");
    let repos: BTreeSet<String> = seen(&found).into_iter().map(|s| s.0).collect();
    assert_eq!(repos, BTreeSet::from(["a".into(), "b".into()]));
    // A missing repository is an error naming it; the others are still scanned.
    dir.write("list.txt", "a\nmissing\n");
    let (found, status, err) = run(dir.path(), &["git", "--repos-from", "list.txt"]);
    assert_eq!(status, 2);
    assert!(err.contains("missing"), "{err}");
    assert_eq!(found.len(), 1);
}

#[test]
fn single_repository_flags_refuse_several_repositories() {
    let dir = Dir::new();
    repo_with(dir.path(), "a", &[("x", "x\n")]);
    repo_with(dir.path(), "b", &[("x", "x\n")]);
    let out = keyscout_in(dir.path(), &["git", "a", "b", "--since", "HEAD"], None);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("one repository (2 given)"),
        "{}",
        stderr(&out)
    );
    let out = keyscout_in(dir.path(), &["git", "a", "--shard", "2/2"], None);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("0 <= K < N"), "{}", stderr(&out));
}

#[test]
fn a_clone_url_is_cloned_then_reused_and_fetched() {
    let dir = Dir::new();
    let first = repo_with(dir.path(), "origin", &[("settings.py", &github())]);
    let url = format!("file://{}", dir.path().join("origin").display());
    let clones = dir.path().join("clones");
    let args = ["git", url.as_str(), "--clone-dir", "clones"];
    let (found, status, err) = run(dir.path(), &args);
    assert_eq!(status, 1, "{err}");
    assert_eq!(
        seen(&found),
        vec![(
            url.clone(),
            "github-pat".into(),
            "settings.py".into(),
            first.clone()
        )]
    );
    let entries = || -> Vec<String> {
        std::fs::read_dir(&clones)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let made = entries();
    assert_eq!(made.len(), 1);
    assert!(
        made[0].contains("-origin-") && made[0].ends_with(".git"),
        "{made:?}"
    );
    assert!(clones.join(&made[0]).join("HEAD").exists(), "a bare clone");

    // A new commit on the origin is fetched into the same clone on the next run.
    let second = commit_files(&dir.path().join("origin"), &[("aws.ini", &aws())]);
    let (found, status, err) = run(dir.path(), &args);
    assert_eq!(status, 1, "{err}");
    assert_eq!(
        seen(&found),
        vec![
            (
                url.clone(),
                "aws-access-key-id".into(),
                "aws.ini".into(),
                second
            ),
            (
                url.clone(),
                "github-pat".into(),
                "settings.py".into(),
                first
            ),
        ]
    );
    assert_eq!(entries(), made);
}

#[test]
fn state_rescans_only_what_is_new_and_everything_when_the_rules_change() {
    let dir = Dir::new();
    repo_with(dir.path(), "a", &[("settings.py", &github())]);
    repo_with(dir.path(), "b", &[("README", "b\n")]);
    let args = ["git", "a", "b", "--state", "state.json", "--stats"];
    let (found, status, err) = run(dir.path(), &args);
    assert_eq!((found.len(), status), (1, 1), "{err}");
    let state: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("state.json")).unwrap()).unwrap();
    assert!(
        state["repositories"]["a"]["tips"].as_array().is_some(),
        "{state}"
    );

    // Nothing moved: both repositories are skipped once their refs are read.
    let (found, status, err) = run(dir.path(), &args);
    assert_eq!((found.len(), status), (0, 0), "{err}");
    assert_eq!(stat(&err, "unchanged"), 2, "{err}");
    assert_eq!(stat(&err, "blobs"), 0, "{err}");

    // A new secret in `a`: only it is reported, and only the new commit is walked.
    let new = commit_files(&dir.path().join("a"), &[("aws.ini", &aws())]);
    let (found, status, err) = run(dir.path(), &args);
    assert_eq!(status, 1, "{err}");
    assert_eq!(
        seen(&found),
        vec![(
            "a".into(),
            "aws-access-key-id".into(),
            "aws.ini".into(),
            new
        )]
    );
    assert_eq!(stat(&err, "commits"), 1, "{err}");
    assert_eq!(stat(&err, "unchanged"), 1, "{err}");

    // --all reports everything again.
    let mut all = args.to_vec();
    all.push("--all");
    let (found, _, err) = run(dir.path(), &all);
    assert_eq!(found.len(), 2, "{err}");

    // Other rules: everything is scanned and reported again.
    dir.write("rules.toml", "[extend]\nuseDefault = true\n");
    let mut other = args.to_vec();
    other.extend(["-c", "rules.toml"]);
    let (found, _, err) = run(dir.path(), &other);
    assert_eq!(found.len(), 2, "{err}");
    assert_eq!(stat(&err, "unchanged"), 0, "{err}");
    let (found, _, err) = run(dir.path(), &other);
    assert_eq!(found.len(), 0, "{err}");
}

#[test]
fn shards_split_the_repositories_and_together_find_what_one_process_finds() {
    let dir = Dir::new();
    let mut names = Vec::new();
    for i in 0..8 {
        let name = format!("repo{i}");
        let secret = if i % 2 == 0 { github() } else { aws() };
        repo_with(dir.path(), &name, &[(&format!("f{i}.txt"), &secret)]);
        names.push(name);
    }
    dir.write("list.txt", names.join("\n"));
    let (whole, status, err) = run(dir.path(), &["git", "--repos-from", "list.txt"]);
    assert_eq!((whole.len(), status), (8, 1), "{err}");
    let mut union = Vec::new();
    let mut sizes = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let (found, _, err) = run(
            dir.path(),
            &["git", "--repos-from", "list.txt", "--shard", &shard],
        );
        assert!(!err.contains("error"), "{err}");
        sizes.push(found.len());
        union.extend(found);
    }
    assert_eq!(seen(&union), seen(&whole));
    assert!(sizes.iter().all(|&n| n < 8), "{sizes:?}");
}
