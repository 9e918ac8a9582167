//! The GitHub Action (`action.yml`): parsed, and its steps run locally as a runner would
//! (tests/action/run.py) on a real repository, with push and pull_request event files. The
//! installed keyscout is this build (its directory first in PATH), so the install step only
//! checks the version; the code-scanning upload (`uses:`) is checked by its inputs.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Dir, fake, git};
use serde_json::{Value, json};

/// Runs the action; returns the runner's report and whether every step passed.
fn run_action(workspace: &Path, event: &str, payload: Value, inputs: &[&str]) -> (Value, bool) {
    let event_path = workspace.parent().unwrap().join(format!("{event}.json"));
    std::fs::write(&event_path, payload.to_string()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_BIN_EXE_keyscout")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("python3")
        .arg(root.join("tests/action/run.py"))
        .arg(root.join("action.yml"))
        .arg(workspace)
        .arg(event)
        .arg(&event_path)
        .args(inputs)
        .env("PATH", path)
        .env_remove("KEYSCOUT_CONFIG")
        .output()
        .expect("run python3");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "runner output is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.success())
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}: {report}"))
}

/// A repository (in `workspace/repo`): main with an old leak, then a feature commit adding a
/// new one; returns the commits.
fn repo(dir: &Dir) -> (std::path::PathBuf, Vec<String>) {
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let mut commits = Vec::new();
    for (path, text) in [
        (
            "old.env",
            format!("AWS_ACCESS_KEY_ID={}\n", fake::aws_key_id()),
        ),
        ("README.md", "hello\n".to_string()),
        ("new.py", format!("STRIPE = \"{}\"\n", fake::stripe_live())),
    ] {
        std::fs::write(repo.join(path), text).unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", &format!("add {path}")]);
        commits.push(git(&repo, &["rev-parse", "HEAD"]));
    }
    (repo, commits)
}

fn sarif(repo: &Path, name: &str) -> Vec<Value> {
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join(name)).unwrap()).unwrap();
    log["runs"][0]["results"].as_array().unwrap().clone()
}

#[test]
fn push_scans_the_pushed_commits_uploads_and_fails() {
    let dir = Dir::new();
    let (repo, c) = repo(&dir);
    let event = json!({"before": c[1], "after": c[2], "ref": "refs/heads/main"});
    let (report, ok) = run_action(&repo, "push", event, &[]);
    assert!(!ok, "findings fail the job: {report}");
    assert_eq!(
        step(&report, "Install keyscout")["status"],
        "success",
        "{report}"
    );
    let scan = step(&report, "Scan");
    assert_eq!(scan["status"], "success", "{scan}");
    assert_eq!(scan["outputs"]["exit-code"], "1");
    assert_eq!(scan["outputs"]["findings"], "1");
    assert_eq!(step(&report, "Fail on findings")["status"], "failure");
    assert_eq!(report["outputs"]["findings"], "1");
    // Only the pushed commit's leak, redacted; the upload gets that file.
    let results = sarif(&repo, "keyscout.sarif");
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "new.py"
    );
    let text = std::fs::read_to_string(repo.join("keyscout.sarif")).unwrap();
    assert!(!text.contains(&fake::stripe_live()), "redacted by default");
    let uses = &report["uses"][0];
    assert!(
        uses["uses"]
            .as_str()
            .unwrap()
            .starts_with("github/codeql-action/upload-sarif@")
    );
    assert_eq!(uses["with"]["sarif_file"], "keyscout.sarif");
    assert!(
        report["summary"].as_str().unwrap().contains("1 finding(s)"),
        "{report}"
    );
}

#[test]
fn pull_request_scans_its_commits() {
    let dir = Dir::new();
    let (repo, c) = repo(&dir);
    let event =
        json!({"number": 7, "pull_request": {"base": {"sha": c[0]}, "head": {"sha": c[2]}}});
    let inputs = [
        "sarif-file=pr.sarif",
        "args=--min-confidence medium --threads 1",
        "upload-sarif=false",
    ];
    let (report, ok) = run_action(&repo, "pull_request", event, &inputs);
    assert!(!ok);
    assert_eq!(
        step(&report, "Upload SARIF to code scanning")["status"],
        "skipped"
    );
    assert_eq!(report["uses"], json!([]));
    let files: Vec<Value> = sarif(&repo, "pr.sarif")
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone())
        .collect();
    assert_eq!(
        files,
        [json!("new.py")],
        "not old.env, from before the pull request"
    );

    // A pull request without leaks passes.
    let event = json!({"pull_request": {"base": {"sha": c[0]}, "head": {"sha": c[1]}}});
    let (report, ok) = run_action(&repo, "pull_request", event, &[]);
    assert!(ok, "{report}");
    assert_eq!(report["outputs"]["findings"], "0");
}

#[test]
fn other_events_scan_everything_and_findings_can_be_allowed() {
    let dir = Dir::new();
    let (repo, _) = repo(&dir);
    let (report, ok) = run_action(
        &repo,
        "workflow_dispatch",
        json!({}),
        &["fail-on-findings=false", "redact=false"],
    );
    assert!(ok, "{report}");
    assert_eq!(report["outputs"]["findings"], "2");
    assert_eq!(report["outputs"]["exit-code"], "1");
    let text = std::fs::read_to_string(repo.join("keyscout.sarif")).unwrap();
    assert!(
        text.contains(&fake::aws_key_id()),
        "redact=false keeps the secrets"
    );
    // A bad argument is an error, which fails the scan step itself.
    let (report, ok) = run_action(
        &repo,
        "workflow_dispatch",
        json!({}),
        &["args=--no-such-flag"],
    );
    assert!(!ok);
    assert_eq!(step(&report, "Scan")["status"], "failure");
    assert_eq!(step(&report, "Fail on findings")["status"], "skipped");
}
