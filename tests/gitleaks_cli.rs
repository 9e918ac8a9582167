//! gitleaks' own command lines, run unchanged with keyscout installed as `gitleaks`: those of
//! gitleaks' README (git, dir, --log-opts, --report-path, --baseline-path, --config,
//! GITLEAKS_CONFIG, the pre-commit hook) and those gitleaks-action runs for a push and a pull
//! request (`detect --redact -v --exit-code=2 --report-format=sarif ...`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{Dir, fake, git, stderr, stdout};
use serde_json::Value;

/// A directory holding `gitleaks`, a link to the keyscout binary.
fn gitleaks_bin() -> (tempfile::TempDir, PathBuf) {
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_keyscout"), bin.path().join("gitleaks"))
        .unwrap();
    let path = bin.path().to_path_buf();
    (bin, path)
}

/// Runs a gitleaks command line through `sh -c` in `cwd`, `gitleaks` being keyscout.
fn sh(cwd: &Path, line: &str, env: &[(&str, &str)]) -> Output {
    let (_keep, bin) = gitleaks_bin();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("sh")
        .args(["-c", line])
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("KEYSCOUT_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn exit(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// A repository of three commits: an AWS key, a Stripe key, a GitHub token, one each.
fn repo() -> (Dir, [String; 3]) {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    let mut commits = Vec::new();
    for (path, text) in [
        (
            "a.env",
            format!("AWS_ACCESS_KEY_ID={}\n", fake::aws_key_id()),
        ),
        (
            "b.py",
            format!("stripe_key = \"{}\"\n", fake::stripe_live()),
        ),
        ("c.yml", format!("token: {}\n", fake::github_pat())),
    ] {
        dir.write(path, text);
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-q", "-m", &format!("add {path}")]);
        commits.push(git(dir.path(), &["rev-parse", "HEAD"]));
    }
    let commits: [String; 3] = commits.try_into().unwrap();
    (dir, commits)
}

/// The files of a gitleaks JSON report, sorted.
fn files(report: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(report).unwrap();
    let items: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut files: Vec<String> = items
        .iter()
        .map(|f| f["File"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files
}

fn sarif_results(report: &Path) -> Vec<Value> {
    let log: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    log["runs"][0]["results"].as_array().unwrap().clone()
}

#[test]
fn readme_git_and_dir_command_lines() {
    let (dir, [c1, _, c3]) = repo();
    let cwd = dir.path();

    // `gitleaks git -v`: every finding printed, exit 1.
    let out = sh(cwd, "gitleaks git -v", &[]);
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    for secret in [fake::aws_key_id(), fake::stripe_live(), fake::github_pat()] {
        assert!(stdout(&out).contains(&secret), "{}", stdout(&out));
    }

    // `--log-opts="--all commitA..commitB" path_to_repo`: the commits after A.
    let line = format!("gitleaks git -v --log-opts=\"--all {c1}..{c3}\" --report-path r.json .");
    let out = sh(cwd, &line, &[]);
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("r.json")), ["b.py", "c.yml"]);

    // `gitleaks git -v --report-format json --report-path report.json`.
    let out = sh(
        cwd,
        "gitleaks git -v --report-format json --report-path report.json",
        &[],
    );
    assert_eq!(exit(&out), 1);
    assert_eq!(files(&cwd.join("report.json")), ["a.env", "b.py", "c.yml"]);

    // `gitleaks dir -v path_to_directory_or_file`, and `dir` of one file.
    let out = sh(cwd, "gitleaks dir -v .", &[]);
    assert_eq!(exit(&out), 1);
    assert!(stdout(&out).contains(&fake::stripe_live()));
    let out = sh(cwd, "gitleaks dir -v b.py --report-path one.json", &[]);
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("one.json")), ["b.py"]);

    // `--report-format sarif --report-path results.sarif`, the format from -f or the name.
    let out = sh(
        cwd,
        "gitleaks git --report-format sarif --report-path results.sarif",
        &[],
    );
    assert_eq!(exit(&out), 1);
    assert_eq!(sarif_results(&cwd.join("results.sarif")).len(), 3);
    let out = sh(cwd, "gitleaks git --report-path results2.sarif", &[]);
    assert_eq!(exit(&out), 1);
    assert_eq!(sarif_results(&cwd.join("results2.sarif")).len(), 3);

    // `cat some_file | gitleaks -v stdin`: gitleaks' flags are global.
    let out = sh(cwd, "cat b.py | gitleaks -v stdin", &[]);
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&fake::stripe_live()),
        "{}",
        stdout(&out)
    );
    let out = sh(
        cwd,
        "gitleaks --no-banner -l error git --report-path g.json",
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("g.json")), ["a.env", "b.py", "c.yml"]);

    // `--report-format template` is refused clearly.
    let out = sh(
        cwd,
        "gitleaks dir . --report-path report.json --report-format template --report-template t.tmpl",
        &[],
    );
    assert_eq!(exit(&out), 2);
    assert!(
        stderr(&out).contains("templates are not supported"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn readme_baseline_config_and_ignore_command_lines() {
    let (dir, _) = repo();
    let cwd = dir.path();
    // A baseline is any gitleaks report; the next scan reports only what is new.
    let out = sh(cwd, "gitleaks git --report-path gitleaks-report.json", &[]);
    assert_eq!(exit(&out), 1);
    dir.write(
        "d.env",
        format!("OTHER_KEY={}\n", fake::aws_key_id().replace("QX4", "QX5")),
    );
    git(cwd, &["add", "d.env"]);
    git(cwd, &["commit", "-q", "-m", "add d.env"]);
    let out = sh(
        cwd,
        "gitleaks git --baseline-path gitleaks-report.json --report-path findings.json",
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("findings.json")), ["d.env"]);
    let out = sh(
        cwd,
        "gitleaks git -b gitleaks-report.json -r findings2.json",
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("findings2.json")), ["d.env"]);

    // `--config FILE .` and GITLEAKS_CONFIG: only that file's rules.
    let config = dir.write(
        "custom/customgitleaks.toml",
        "[[rules]]\nid = \"stripe-only\"\ndescription = \"Stripe\"\nregex = '''sk_live_[0-9a-zA-Z]{24,}'''\nkeywords = [\"sk_live_\"]\n",
    );
    let line = format!(
        "gitleaks git --config {} --report-path c.json .",
        config.display()
    );
    let out = sh(cwd, &line, &[]);
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("c.json")), ["b.py"]);
    let env = [("GITLEAKS_CONFIG", config.to_str().unwrap())];
    let out = sh(cwd, "gitleaks git --report-path e.json .", &env);
    assert_eq!(exit(&out), 1);
    assert_eq!(files(&cwd.join("e.json")), ["b.py"]);

    // A .gitleaksignore with gitleaks' fingerprints, found through -i DIR or -i FILE.
    let report: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("c.json")).unwrap()).unwrap();
    let fingerprint = report[0]["Fingerprint"].as_str().unwrap();
    dir.write("elsewhere/.gitleaksignore", format!("{fingerprint}\n"));
    let line = format!(
        "gitleaks git -c {} -i elsewhere --exit-code 3 .",
        config.display()
    );
    let out = sh(cwd, &line, &[]);
    assert_eq!(exit(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let line = format!(
        "gitleaks git -c {} --gitleaks-ignore-path elsewhere/.gitleaksignore .",
        config.display()
    );
    assert_eq!(exit(&sh(cwd, &line, &[])), 0);

    // --max-target-megabytes skips what is larger.
    let big = format!("{}\nSTRIPE={}\n", "x".repeat(2 << 20), fake::stripe_live());
    dir.write("big/blob.txt", big);
    let out = sh(
        cwd,
        "gitleaks dir big --max-target-megabytes 1 --no-banner -l error",
        &[],
    );
    assert_eq!(exit(&out), 0, "{}", stdout(&out));
    let out = sh(
        cwd,
        "gitleaks dir big --max-target-megabytes 3 --no-banner -l error",
        &[],
    );
    assert_eq!(exit(&out), 1);
    assert_eq!(stderr(&out), "", "-l error hides the summary line");
}

#[test]
fn pre_commit_hook_and_protect_scan_what_is_staged() {
    let (dir, _) = repo();
    let cwd = dir.path();
    dir.write(
        "new.env",
        format!("KEY={}\n", fake::aws_key_id().replace("QX4", "AB2")),
    );
    git(cwd, &["add", "new.env"]);
    // gitleaks' pre-commit hook entry.
    let out = sh(
        cwd,
        "gitleaks git --pre-commit --redact --staged --verbose",
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("new.env"), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains(&fake::aws_key_id().replace("QX4", "AB2")),
        "redacted"
    );
    assert!(!stdout(&out).contains("b.py"), "only what is staged");
    // The deprecated spelling.
    let out = sh(
        cwd,
        "gitleaks protect --staged -v --report-path p.json",
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("p.json")), ["new.env"]);
}

#[test]
fn gitleaks_action_push_and_pull_request_command_lines() {
    let (dir, [c1, c2, c3]) = repo();
    let cwd = dir.path();
    // A push of one commit: `--log-opts=-1`.
    let line = "gitleaks detect --redact -v --exit-code=2 --report-format=sarif --report-path=results.sarif --log-level=debug --log-opts=-1";
    let out = sh(cwd, line, &[]);
    assert_eq!(exit(&out), 2, "{}", stderr(&out));
    let results = sarif_results(&cwd.join("results.sarif"));
    assert_eq!(results.len(), 1, "{results:?}");
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "c.yml");
    let sarif = std::fs::read_to_string(cwd.join("results.sarif")).unwrap();
    assert!(!sarif.contains(&fake::github_pat()), "--redact");
    assert!(stdout(&out).contains("c.yml"), "-v prints the finding");

    // A push or pull request of several commits: `--no-merges --first-parent BASE^..HEAD`.
    let line = format!(
        "gitleaks detect --redact -v --exit-code=2 --report-format=sarif --report-path=results.sarif --log-level=debug '--log-opts=--no-merges --first-parent {c2}^..{c3}'"
    );
    let out = sh(cwd, &line, &[]);
    assert_eq!(exit(&out), 2, "{}", stderr(&out));
    assert_eq!(sarif_results(&cwd.join("results.sarif")).len(), 2);

    // No leak in the range: exit 0.
    dir.write("clean.txt", "nothing\n");
    git(cwd, &["add", "."]);
    git(cwd, &["commit", "-q", "-m", "clean"]);
    let out = sh(
        cwd,
        "gitleaks detect --redact -v --exit-code=2 --report-format=sarif --report-path=results.sarif --log-opts=-1",
        &[],
    );
    assert_eq!(exit(&out), 0, "{}", stderr(&out));
    assert_eq!(sarif_results(&cwd.join("results.sarif")).len(), 0);

    // A shallow checkout (CI's default): `-1` scans the one commit there is, whole.
    let shallow = Dir::new();
    let url = format!("file://{}", cwd.display());
    git(
        shallow.path(),
        &["clone", "-q", "--depth", "1", &url, "repo"],
    );
    let out = sh(
        &shallow.path().join("repo"),
        "gitleaks detect --exit-code=2 --report-format=json --report-path=r.json --log-opts=-1",
        &[],
    );
    assert_eq!(exit(&out), 2, "{}", stderr(&out));
    assert_eq!(
        files(&shallow.path().join("repo/r.json")),
        ["a.env", "b.py", "c.yml"]
    );

    // Other scripts' detect lines: --no-git --source, exit code 0.
    let out = sh(
        cwd,
        "gitleaks detect --log-level debug --no-git --source . --report-format sarif --report-path out.sarif --exit-code 0",
        &[],
    );
    assert_eq!(exit(&out), 0, "{}", stderr(&out));
    assert_eq!(sarif_results(&cwd.join("out.sarif")).len(), 3);
    let out = sh(
        cwd,
        &format!("gitleaks detect -s . -f json -r all.json --log-opts {c1}..HEAD"),
        &[],
    );
    assert_eq!(exit(&out), 1, "{}", stderr(&out));
    assert_eq!(files(&cwd.join("all.json")), ["b.py", "c.yml"]);
    // A git option keyscout cannot honour is an error, not a silent full scan.
    let out = sh(cwd, "gitleaks detect --log-opts='--since=2020-01-01'", &[]);
    assert_eq!(exit(&out), 2);
    assert!(
        stderr(&out).contains("--since=2020-01-01"),
        "{}",
        stderr(&out)
    );
}
