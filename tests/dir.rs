//! `keyscout dir` and `keyscout stdin` end to end: the real binary on trees made in a temp dir.

mod common;

use common::{Dir, code, fake, findings, keyscout_in, stderr, stdout, summary};

#[test]
fn finds_a_key_with_its_position_and_exits_1() {
    let dir = Dir::new();
    dir.write(
        "src/config.py",
        format!("# settings\nAWS_ID = \"{}\"\n", fake::aws_key_id()),
    );
    let (found, code) = dir.scan_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f["rule_id"], "aws-access-key-id");
    assert_eq!(f["path"], "src/config.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 11);
    assert_eq!(f["end_line"], 2);
    assert_eq!(f["end_column"], 31);
    assert_eq!(f["secret"], fake::aws_key_id());
    assert!(f["entropy"].as_f64().unwrap() > 3.0);
    let fingerprint = f["fingerprint"].as_str().unwrap();
    assert!(
        fingerprint.starts_with("src/config.py:aws-access-key-id:"),
        "{fingerprint}"
    );
    assert!(!fingerprint.contains(&fake::aws_key_id()));
}

#[test]
fn a_script_without_an_extension_is_code_by_its_shebang_in_every_chunk() {
    let dir = Dir::new();
    let password = format!("Zr5nK8{}", "xLq3vT");
    // Past the first 8 MiB chunk, a later chunk sees the file's shebang, not its own bytes.
    let filler = "x = compute(value, 42)  # a line of code\n".repeat(9 << 20 >> 5);
    dir.write(
        "bin/deploy",
        format!(
            "#!/usr/bin/env python\n{filler}run(remote_pass=sshpass, host=h)\nADMIN_PASSWORD = \"{password}\"\n"
        ),
    );
    let (found, _) = dir.scan_json(&[]);
    let secrets: Vec<&str> = found
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, vec![password.as_str()], "{found:?}");
}

#[test]
fn a_password_holding_the_other_quote_is_matched_to_its_closing_quote() {
    let dir = Dir::new();
    dir.write("app.py", "db_password = \"Qm7'vX2#pL9w\"\n"); // keyscout:allow
    let (found, _) = dir.scan_json(&[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["secret"], "Qm7'vX2#pL9w");
    assert_eq!(found[0]["match"], "db_password = \"Qm7'vX2#pL9w"); // keyscout:allow
}

#[test]
fn clean_tree_exits_0_and_exit_code_is_configurable() {
    let dir = Dir::new();
    dir.write("README.md", "nothing to see here\n");
    assert_eq!(dir.scan_json(&[]), (vec![], 0));
    dir.write("leak.env", format!("STRIPE={}\n", fake::stripe_live()));
    assert_eq!(dir.scan_json(&["--exit-code", "7"]).1, 7);
    assert_eq!(dir.scan_json(&["--exit-code", "0"]).1, 0);
}

#[test]
fn fingerprint_survives_a_line_move_and_differs_by_path() {
    let dir = Dir::new();
    dir.write("a.txt", format!("token: {}\n", fake::github_pat()));
    let before = dir.scan_json(&[]).0[0]["fingerprint"].clone();
    dir.write("a.txt", format!("\n\n\n  token: {}\n", fake::github_pat()));
    let after = dir.scan_json(&[]).0;
    assert_eq!(after[0]["line"], 4);
    assert_eq!(after[0]["fingerprint"], before);
    dir.write("b.txt", format!("token: {}\n", fake::github_pat()));
    let both = dir.scan_json(&[]).0;
    assert_ne!(both[0]["fingerprint"], both[1]["fingerprint"]);
}

#[test]
fn hidden_and_ignored_files_are_scanned_but_not_dot_git() {
    let dir = Dir::new();
    dir.write(".gitignore", ".env\n");
    dir.write(".env", format!("AWS={}\n", fake::aws_key_id()));
    dir.write(".config/app.yml", format!("key: {}\n", fake::aws_key_id()));
    dir.write(".git/config", format!("key = {}\n", fake::aws_key_id()));
    let paths: Vec<String> = summary(&dir.scan_json(&[]).0)
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(paths, vec![".config/app.yml", ".env"]);
    // --gitignore honours the ignore file
    let paths: Vec<String> = summary(&dir.scan_json(&["--gitignore"]).0)
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(paths, vec![".config/app.yml"]);
}

#[test]
fn binary_files_are_read_as_strings_unless_raw_is_asked() {
    let dir = Dir::new();
    let mut blob = b"\x7fELF\0\0\0".to_vec();
    blob.extend_from_slice(format!("\n{}\n", fake::aws_key_id()).as_bytes());
    dir.write("app.bin", &blob);
    for args in [&[][..], &["--binary"]] {
        let (found, code) = dir.scan_json(args);
        assert_eq!((found.len(), code), (1, 1), "{args:?}: {found:?}");
        let f = &found[0];
        assert_eq!(
            (&f["line"], &f["column"], &f["offset"]),
            (&2.into(), &1.into(), &8.into())
        );
    }
    let out = dir.keyscout(&["dir", ".", "-f", "json"]);
    assert!(!stderr(&out).contains("skipped"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_by_default() {
    let outside = Dir::new();
    outside.write("secret.txt", format!("{}\n", fake::aws_key_id()));
    let dir = Dir::new();
    dir.write("ok.txt", "fine\n");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link-dir")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("link-file"),
    )
    .unwrap();
    assert_eq!(dir.scan_json(&[]), (vec![], 0));
    let (found, _) = dir.scan_json(&["--follow-symlinks"]);
    assert_eq!(found.len(), 2);
}

#[cfg(unix)]
#[test]
fn unreadable_input_is_a_warning_the_scan_goes_on_and_exit_is_2() {
    let dir = Dir::new();
    dir.write("leak.txt", format!("{}\n", fake::aws_key_id()));
    // A dangling link, followed, cannot be read (even by root, unlike chmod 000).
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
    let out = dir.keyscout(&["dir", ".", "-f", "json", "--follow-symlinks"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("dangling"), "{}", stderr(&out));
    assert_eq!(findings(&out).len(), 1);
}

#[test]
fn missing_target_is_an_error() {
    let dir = Dir::new();
    let out = dir.keyscout(&["dir", "no-such-dir"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-dir"), "{}", stderr(&out));
}

#[test]
fn inline_allow_comments_suppress_their_line_only() {
    let dir = Dir::new();
    dir.write(
        "a.py",
        format!(
            "A = '{k}'  # keyscout:allow\nB = '{k}'  # gitleaks:allow\nC = '{k}'\n",
            k = fake::aws_key_id()
        ),
    );
    let found = dir.scan_json(&[]).0;
    assert_eq!(
        summary(&found),
        vec![("aws-access-key-id".into(), "a.py".into(), 3)]
    );
}

#[test]
fn stdin_is_scanned_with_its_label() {
    let dir = Dir::new();
    let input = format!("x\ny = {}\n", fake::github_pat());
    let out = keyscout_in(
        dir.path(),
        &["stdin", "-f", "json", "-q"],
        Some(input.as_bytes()),
    );
    assert_eq!(code(&out), 1);
    let found = findings(&out);
    assert_eq!(
        (found[0]["path"].as_str(), found[0]["line"].as_u64()),
        (Some("-"), Some(2))
    );
    let out = keyscout_in(
        dir.path(),
        &["stdin", "--label", "pasted.txt", "-f", "json"],
        Some(input.as_bytes()),
    );
    assert_eq!(findings(&out)[0]["path"], "pasted.txt");
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        format!("{}\n{}\n", fake::aws_key_id(), fake::stripe_live()),
    );
    let out = dir.keyscout(&["dir", ".", "-f", "jsonl"]);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|f| f["path"] == "a.txt"));
}

#[test]
fn redact_masks_secrets_in_every_format() {
    let dir = Dir::new();
    let key = fake::stripe_live();
    dir.write("a.env", format!("STRIPE_KEY={key}\n"));
    for format in ["text", "json", "jsonl", "sarif"] {
        let out = dir.keyscout(&["dir", ".", "-f", format, "--redact"]);
        let text = stdout(&out);
        assert!(
            !text.contains(&key[8..]),
            "{format} leaks the secret: {text}"
        );
        assert!(text.contains("*****"), "{format}: {text}");
    }
    let found = dir.scan_json(&["--redact=50"]).0;
    let shown = found[0]["secret"].as_str().unwrap();
    assert_eq!(shown, format!("{}*****", &key[..key.len() / 2]));
}

#[test]
fn text_report_names_rule_place_and_line() {
    let dir = Dir::new();
    dir.write(
        "deploy/app.yaml",
        format!("\n  github: {}\n", fake::github_pat()),
    );
    let out = dir.keyscout(&["dir", "."]);
    let text = stdout(&out);
    assert!(text.contains("deploy/app.yaml:2:11"), "{text}");
    assert!(
        text.contains(&format!("github: {}", fake::github_pat())),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "no colour when not a terminal: {text}"
    );
    let coloured = stdout(&dir.keyscout(&["dir", ".", "--color", "always"]));
    assert!(
        coloured.contains(&format!("\x1b[1;31m{}\x1b[0m", fake::github_pat())),
        "{coloured}"
    );
}

#[cfg(unix)]
#[test]
fn report_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    dir.write("a.txt", format!("{}\n", fake::aws_key_id()));
    dir.write("report.json", "old, world-readable");
    std::fs::set_permissions(
        dir.path().join("report.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = dir.keyscout(&["dir", "a.txt", "-f", "json", "-o", "report.json"]);
    assert_eq!(code(&out), 1);
    let meta = std::fs::metadata(dir.path().join("report.json")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(doc["findings"][0]["path"], "a.txt");
}

#[test]
fn large_file_is_scanned_in_chunks_and_each_secret_reported_once() {
    let dir = Dir::new();
    // 20 MiB of lines; secrets around the 8 MiB chunk boundaries and at the end.
    let line = "let value = compute(alpha, beta, gamma); // padding text\n";
    let mut text = String::with_capacity(21 << 20);
    let mut planted = Vec::new();
    let mut n = 0u64;
    while text.len() < 20 << 20 {
        n += 1;
        let near_boundary = [8usize << 20, 16 << 20]
            .iter()
            .any(|b| text.len() + 200 > *b && text.len() < *b + 200);
        if near_boundary || n == 1000 {
            text.push_str(&format!("key = {}\n", fake::aws_key_id()));
            planted.push(n);
        } else {
            text.push_str(line);
        }
    }
    text.push_str(&format!("last = {}", fake::aws_key_id()));
    planted.push(n + 1);
    dir.write("big.txt", &text);
    let lines: Vec<u64> = summary(&dir.scan_json(&[]).0)
        .into_iter()
        .map(|s| s.2)
        .collect();
    assert_eq!(lines, planted);
    // --max-file-size skips it
    assert_eq!(dir.scan_json(&["--max-file-size", "1M"]), (vec![], 0));
}

#[test]
fn several_roots_report_paths_as_walked() {
    let dir = Dir::new();
    dir.write("one/a.txt", format!("{}\n", fake::aws_key_id()));
    dir.write("two/b.txt", format!("{}\n", fake::aws_key_id()));
    let out = dir.keyscout(&["dir", "one", "two", "-f", "json"]);
    let paths: Vec<String> = summary(&findings(&out)).into_iter().map(|s| s.1).collect();
    assert_eq!(paths, vec!["one/a.txt", "two/b.txt"]);
    let out = dir.keyscout(&["dir", "one", "-f", "json"]);
    assert_eq!(findings(&out)[0]["path"], "a.txt");
}

#[test]
fn the_repository_scans_itself_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = keyscout_in(root, &["dir", ".", "-f", "json"], None);
    assert_eq!(
        findings(&out),
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}
