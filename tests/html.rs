//! The HTML report in a real headless browser: Debian's chromium driven by playwright-core
//! (both installed by `.ci/run`). The page must load with no console error and no request,
//! filter, sort, search and show a masked secret on a click; a screenshot of each run is
//! left in `target/html-report/`. A second test times a page of 100,000 findings.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Dir, code, fake, git, stderr};
use serde_json::Value;

/// playwright-core's directory and the chromium binary; `None` (the test is skipped with a
/// note) when they are not installed, except under CI, where `.ci/run` installs them.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let peers = std::env::var_os("PEERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/keyscout-peers")
        });
    let playwright = std::env::var_os("PLAYWRIGHT_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| peers.join("npm/node_modules/playwright-core"));
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if playwright.join("package.json").exists() && chromium.exists() {
        return Some((playwright, chromium));
    }
    let message = format!(
        "{} or {} missing (run .ci/run once, or set PLAYWRIGHT_CORE and CHROMIUM)",
        playwright.display(),
        chromium.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("note: skipping the browser test: {message}");
    None
}

/// Where screenshots are kept: `target/html-report/NAME.png`.
fn screenshot(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.png"))
}

/// Opens `report` with tests/browser/html.cjs and returns what it saw.
fn open(report: &Path, shot: &Path, plan: Value) -> Value {
    let (playwright, chromium) = browser().expect("checked by the caller");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/html.cjs");
    let out = Command::new("node")
        .arg(script)
        .arg(playwright)
        .arg(chromium)
        .arg(report)
        .arg(shot)
        .arg(plan.to_string())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "browser script failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn history_report_filters_sorts_searches_and_masks_in_a_browser() {
    if browser().is_none() {
        return;
    }
    // A history with secrets added over several months.
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    let files = [
        (
            "deploy/prod.env",
            format!("AWS_ACCESS_KEY_ID={}\n", fake::aws_key_id()),
        ),
        (
            "src/billing/stripe.py",
            format!("STRIPE = \"{}\"\n", fake::stripe_live()),
        ),
        ("ci/release.yml", format!("token: {}\n", fake::github_pat())),
        (
            "docs/setup.md",
            format!("export KEY={}\n", fake::aws_key_id().replace("QX4", "ZZ7")),
        ),
    ];
    for (i, (path, text)) in files.iter().enumerate() {
        dir.write(path, text);
        git(dir.path(), &["add", "."]);
        let date = format!("2024-{:02}-10T12:00:00Z", 2 + 3 * i);
        git(
            dir.path(),
            &[
                "commit",
                "-q",
                "-m",
                &format!("add {path}"),
                "--date",
                &date,
            ],
        );
    }
    let report = dir.path().join("report.html");
    let out = dir.keyscout(&["git", ".", "-f", "html", "-o", "report.html", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));

    let seen = open(
        &report,
        &screenshot("history"),
        serde_json::json!({"rule": "stripe-secret-key", "path": "deploy", "search": "release"}),
    );
    assert_eq!(seen["errors"], serde_json::json!([]), "console errors");
    assert_eq!(
        seen["requests"],
        serde_json::json!([]),
        "requests left the page"
    );
    assert_eq!(seen["count"], "4 of 4 findings");
    assert_eq!(seen["rowsDrawn"], 4);
    // Rows start sorted by path.
    let paths: Vec<String> = seen["initial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "ci/release.yml:1",
            "deploy/prod.env:1",
            "docs/setup.md:1",
            "src/billing/stripe.py:1"
        ]
    );
    let summary = seen["summary"].as_str().unwrap();
    assert!(
        summary.contains("When the leaks were introduced (by month)"),
        "{summary}"
    );
    assert!(
        seen["repoHidden"].as_bool().unwrap(),
        "one repository: no repository filter"
    );
    let rules = strings(&seen["ruleOptions"]);
    assert!(
        rules.contains(&"stripe-secret-key".to_string()),
        "{rules:?}"
    );

    assert_eq!(seen["byRule"]["count"], "1 of 4 findings");
    assert_eq!(seen["byRule"]["rows"][0]["path"], "src/billing/stripe.py:1");
    let desc: Vec<&str> = seen["pathDesc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        desc,
        [
            "src/billing/stripe.py:1",
            "docs/setup.md:1",
            "deploy/prod.env:1",
            "ci/release.yml:1"
        ]
    );
    let by_rule = strings(&seen["ruleAsc"]);
    let mut sorted = by_rule.clone();
    sorted.sort();
    assert_eq!(by_rule, sorted);
    let conf = strings(&seen["confSort"]);
    let rank = |c: &str| {
        ["high", "medium", "low"]
            .iter()
            .position(|x| *x == c)
            .unwrap()
    };
    assert!(
        conf.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "{conf:?}"
    );
    assert_eq!(seen["byPath"]["count"], "1 of 4 findings");
    assert_eq!(seen["byPath"]["rows"][0]["path"], "deploy/prod.env:1");
    assert_eq!(seen["bySearch"]["count"], "1 of 4 findings");
    assert_eq!(seen["bySearch"]["rows"][0]["path"], "ci/release.yml:1");
    assert_eq!(seen["none"]["count"], "0 of 4 findings");
    // Masked until clicked; the line of context is there.
    let masked = seen["masked"].as_str().unwrap();
    assert!(masked.chars().all(|c| c == '\u{2022}'), "{masked}");
    assert_eq!(seen["revealed"], fake::github_pat().as_str());
    let first = &seen["initial"][0];
    assert!(
        first["ctx"].as_str().unwrap().starts_with("token: "),
        "{first}"
    );
    assert!(!first["ctx"].as_str().unwrap().contains(&fake::github_pat()));
    let detail = seen["detail"].as_str().unwrap();
    assert!(detail.contains("add ci/release.yml"), "{detail}");
}

#[test]
fn audit_of_two_repositories_filters_by_repository() {
    if browser().is_none() {
        return;
    }
    let dir = Dir::new();
    for (name, text) in [
        ("alpha", format!("KEY={}\n", fake::aws_key_id())),
        (
            "beta",
            format!(
                "STRIPE={}\nTOKEN={}\n",
                fake::stripe_live(),
                fake::github_pat()
            ),
        ),
    ] {
        let repo = dir.path().join(name);
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        std::fs::write(repo.join("app.env"), text).unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", "config"]);
    }
    let out = dir.keyscout(&[
        "git",
        "alpha",
        "beta",
        "-f",
        "html",
        "-o",
        "audit.html",
        "-q",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let seen = open(
        &dir.path().join("audit.html"),
        &screenshot("audit"),
        serde_json::json!({"repo": "beta", "rule": "github-pat", "path": "app", "search": "stripe"}),
    );
    assert_eq!(seen["errors"], serde_json::json!([]));
    assert_eq!(seen["requests"], serde_json::json!([]));
    assert_eq!(seen["repoHidden"], false);
    assert!(seen["summary"].as_str().unwrap().contains("By repository"));
    assert_eq!(seen["byRepo"]["count"], "2 of 3 findings");
    assert_eq!(seen["byRepo"]["repos"], serde_json::json!(["beta", "beta"]));
}

/// A tree with an AWS key id in `a.env` and a Stripe key in `b.env`.
fn aws_and_stripe() -> Dir {
    let dir = Dir::new();
    dir.write(
        "a.env",
        format!("AWS_ACCESS_KEY_ID={}\n", fake::aws_key_id()),
    );
    dir.write("b.env", format!("STRIPE={}\n", fake::stripe_live()));
    dir
}

#[test]
fn redacted_report_has_nothing_to_show() {
    if browser().is_none() {
        return;
    }
    let dir = aws_and_stripe();
    let out = dir.keyscout(&["dir", ".", "-f", "html", "--redact", "-o", "r.html", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let seen = open(
        &dir.path().join("r.html"),
        &screenshot("redacted"),
        serde_json::json!({"rule": "aws-access-key-id", "path": "b.env", "search": "stripe"}),
    );
    assert_eq!(seen["errors"], serde_json::json!([]));
    assert_eq!(seen["requests"], serde_json::json!([]));
    assert_eq!(
        seen["masked"],
        Value::Null,
        "no button shows a redacted secret"
    );
    assert_eq!(seen["verifyHidden"], true, "nothing verified: no filter");
    assert_eq!(seen["byPath"]["count"], "1 of 2 findings");
    for row in seen["initial"].as_array().unwrap() {
        assert!(row["ctx"].as_str().unwrap().contains("*****"), "{row}");
    }
}

#[test]
fn verified_report_shows_badges_filters_by_status_and_details_the_answer() {
    if browser().is_none() {
        return;
    }
    let dir = aws_and_stripe();
    // A JSON report as --verify writes it (the verification tests cover the asking), made into
    // HTML by `keyscout merge`.
    let out = dir.keyscout(&["dir", ".", "-f", "json", "-o", "r.json", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    for f in doc["findings"].as_array_mut().unwrap() {
        let live = f["rule_id"] == "aws-access-key-id";
        f["verification"] = serde_json::json!({
            "status": if live { "live" } else { "invalid" },
            "detail": if live { "arn=arn:aws:iam::123456789012:user/dev" } else { "HTTP 401" },
        });
    }
    std::fs::write(dir.path().join("r.json"), doc.to_string()).unwrap();
    let out = dir.keyscout(&["merge", "r.json", "-f", "html", "-o", "r.html", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let seen = open(
        &dir.path().join("r.html"),
        &screenshot("verified"),
        serde_json::json!({"rule": "aws-access-key-id", "path": "b.env", "search": "stripe", "verify": "live"}),
    );
    assert_eq!(seen["errors"], serde_json::json!([]));
    assert_eq!(seen["requests"], serde_json::json!([]));
    assert_eq!(seen["verifyHidden"], false);
    assert!(
        seen["summary"]
            .as_str()
            .unwrap()
            .contains("By verification")
    );
    assert_eq!(seen["byVerify"]["count"], "1 of 2 findings");
    let row = &seen["byVerify"]["rows"][0];
    assert_eq!(row["rule"], "aws-access-key-id");
    assert!(row["conf"].as_str().unwrap().ends_with("live"), "{row}");
    // A finding read back from a report has no context: its match shows the secret.
    assert_eq!(seen["revealed"], fake::aws_key_id().as_str());
    let detail = seen["detail"].as_str().unwrap();
    assert!(
        detail.contains("Verification") && detail.contains("Remediation"),
        "{detail}"
    );
}

/// A made-up AWS key id from a counter: `AKIA` + 16 characters of [A-Z2-7].
fn aws_key(n: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B;
    let mut key = String::from("AKIA");
    for _ in 0..16 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        key.push(alphabet[(x % 32) as usize] as char);
    }
    key
}

#[test]
fn hundred_thousand_findings_open_fast() {
    if browser().is_none() {
        return;
    }
    let dir = Dir::new();
    let (files, per_file) = (100, 1000);
    for f in 0..files {
        let mut text = String::new();
        for l in 0..per_file {
            let n = (f * per_file + l) as u64;
            text += &format!("aws_access_key_id = {}  # server {n}\n", aws_key(n));
        }
        dir.write(&format!("hosts/group{:02}/host{f:03}.ini", f % 7), text);
    }
    let out = dir.keyscout(&["dir", ".", "-f", "html", "-o", "big.html", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("big.html")).unwrap();
    let start = html.find("\"rows\":[").unwrap();
    let rows = html[start..].matches("],[").count() + 1;
    // A few random keys are of a shape the rule turns down (too few distinct characters).
    assert!(
        rows > 99_000 && rows <= files * per_file,
        "{rows} findings in the page"
    );
    let thousands = |n: usize| format!("{},{:03}", n / 1000, n % 1000);

    let seen = open(
        &dir.path().join("big.html"),
        &screenshot("100k"),
        serde_json::json!({"perf": true, "rule": "aws-access-key-id", "search": "host042"}),
    );
    eprintln!(
        "{rows} findings ({:.1} MB page): ready {} ms after navigation start (load event + first rows {} ms); \
         rule filter {} ms, sort {} ms, search {} ms",
        html.len() as f64 / 1e6,
        seen["readyMs"],
        seen["loadMs"],
        seen["filterMs"],
        seen["sortMs"],
        seen["searchMs"]
    );
    assert_eq!(seen["errors"], serde_json::json!([]));
    assert_eq!(seen["requests"], serde_json::json!([]));
    let all = format!("{} of {} findings", thousands(rows), thousands(rows));
    assert_eq!(seen["count"], all.as_str());
    assert!(
        seen["rowsDrawn"].as_u64().unwrap() < 100,
        "only the rows in view are drawn"
    );
    // The search keeps host042.ini's rows, and the last of them is its last line.
    let searched = seen["searched"].as_str().unwrap();
    assert!(
        searched.ends_with(&format!(" of {} findings", thousands(rows))),
        "{searched}"
    );
    let kept: usize = searched
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!((990..=1000).contains(&kept), "{searched}");
    let last = seen["lastRows"].as_array().unwrap().last().unwrap();
    assert!(
        last["path"]
            .as_str()
            .unwrap()
            .starts_with("hosts/group00/host042.ini:"),
        "{last}"
    );
    // Generous bounds: shared CI machines are slow; the README quotes the figure measured.
    assert!(seen["readyMs"].as_f64().unwrap() < 10_000.0, "{seen}");
}
