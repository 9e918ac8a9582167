//! The delta-aware history scan against the reference: on real repositories whose packs store
//! most versions of a file as deltas, scanning each delta blob only where it differs from its
//! base (the default) reports the same findings as scanning every reachable blob whole
//! (`--whole-blobs`): same fingerprints, same first commit, same line, same occurrences.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Dir, code, fake, findings, git};
use serde_json::Value;

fn repo() -> Dir {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn commit(dir: &Dir, message: &str) -> String {
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", message],
    );
    git(dir.path(), &["rev-parse", "HEAD"])
}

/// `keyscout git ARGS -f json -q` on `dir`.
fn scan(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["git", "-f", "json", "-q"];
    all.extend_from_slice(args);
    let out = common::keyscout_in(dir, &all, None);
    assert!(code(&out) < 2, "{}", common::stderr(&out));
    findings(&out)
}

/// What must agree between the two scans, per finding.
fn facts(found: &[Value]) -> BTreeSet<String> {
    found
        .iter()
        .map(|f| {
            format!(
                "{} {} line {}:{}-{}:{} occurrences {} blob {}",
                f["fingerprint"].as_str().unwrap(),
                f["commit"].as_str().unwrap_or("-"),
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"],
                f["occurrences"],
                f["blob"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

/// Scans `dir` both ways and asserts the same facts; returns the findings.
fn same_both_ways(dir: &Path, args: &[&str]) -> Vec<Value> {
    let delta = scan(dir, args);
    let mut whole_args = args.to_vec();
    whole_args.push("--whole-blobs");
    let whole = scan(dir, &whole_args);
    let (a, b) = (facts(&delta), facts(&whole));
    assert_eq!(
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>(),
        "delta-aware (left) and whole-blob (right) scans differ"
    );
    // Findings per repository are distinct fingerprints.
    let fingerprints: BTreeSet<&str> = delta
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), delta.len());
    delta
}

/// Repacks so that versions of a file are stored as deltas of each other.
fn repack(dir: &Path) {
    git(
        dir,
        &[
            "repack",
            "-a",
            "-d",
            "-f",
            "-q",
            "--window=50",
            "--depth=50",
        ],
    );
}

/// How many blobs the pack stores as deltas.
fn deltas(dir: &Path) -> usize {
    let pack = git(dir, &["rev-parse", "--git-path", "objects/pack"]);
    let pack = dir.join(pack);
    let idx = std::fs::read_dir(&pack)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let listing = git(dir, &["verify-pack", "-v", idx.to_str().unwrap()]);
    listing
        .lines()
        .filter(|l| l.contains(" blob ") && l.split_whitespace().count() >= 7)
        .count()
}

/// A deterministic pseudo-random sequence.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// An AWS key id of its own for each `n`.
fn aws(n: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = Lcg(n.wrapping_mul(7919).wrapping_add(17));
    let tail: String = (0..16)
        .map(|_| alphabet[rng.below(alphabet.len())] as char)
        .collect();
    format!("AKIA{tail}")
}

/// Lines of code-like text, numbered so that each is distinct.
fn filler(lines: usize, seed: u64) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..lines)
        .map(|i| {
            let words = ["let", "value", "count", "index", "buffer", "offset", "name"];
            let a = words[rng.below(words.len())];
            let b = words[rng.below(words.len())];
            format!(
                "    {a}_{i} = compute({b}, {}); // step {i}",
                rng.below(1000)
            )
        })
        .collect()
}

fn write_lines(dir: &Dir, path: &str, lines: &[String]) {
    dir.write(path, lines.join("\n") + "\n");
}

#[test]
fn edits_around_secrets_give_the_same_findings_as_whole_blob_scans() {
    let dir = repo();
    let mut big = filler(3000, 1);
    let s1 = aws(1);
    let s2 = fake::github_pat();
    let s3 = fake::stripe_live();
    write_lines(&dir, "big.rs", &big);
    dir.write("config.env", format!("AWS_ACCESS_KEY_ID={s1}\n"));
    let c1 = commit(&dir, "base");

    // A secret introduced in the middle of a large file.
    big.insert(1500, format!("    let token = \"{s2}\";"));
    write_lines(&dir, "big.rs", &big);
    let c2 = commit(&dir, "token");

    // Kept across edits: far from it, then on the lines next to it, then on its own line
    // around it (the delta's copy edges land right next to the secret).
    for (i, at) in [10usize, 2900, 1499, 1501, 1000].into_iter().enumerate() {
        big[at] = format!("    // edited {i}");
        write_lines(&dir, "big.rs", &big);
        commit(&dir, &format!("edit {i}"));
    }
    big[1500] = format!("    let token = \"{s2}\"; // keep");
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "comment on the token's line");
    big[1500] = format!("let token=\"{s2}\";");
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "reindent the token's line");

    // Removed, then re-added elsewhere.
    let line = big.remove(1500);
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "remove the token");
    big.insert(200, line);
    write_lines(&dir, "big.rs", &big);
    let readded = commit(&dir, "re-add the token");

    // The same secret in two files, and one cut in half by an edit.
    big.insert(2500, format!("stripe = \"{s3}\""));
    write_lines(&dir, "big.rs", &big);
    let mut other = filler(800, 2);
    other.insert(400, format!("stripe = \"{s3}\""));
    write_lines(&dir, "other.rs", &other);
    let c3 = commit(&dir, "stripe twice");
    big[2500] = format!("stripe = \"{}\"", &s3[..20]);
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "cut the stripe key");
    big[2500] = format!("stripe = \"{s3}\"");
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "restore the stripe key");
    repack(dir.path());
    assert!(deltas(dir.path()) >= 10, "the pack holds few deltas");

    let found = same_both_ways(dir.path(), &[]);
    let at = |path: &str, secret: &str| -> &Value {
        found
            .iter()
            .find(|f| f["path"] == path && f["secret"] == secret)
            .unwrap_or_else(|| panic!("{path} {secret}: {found:#?}"))
    };
    let token = at("big.rs", &s2);
    assert_eq!(token["commit"], c2.as_str());
    assert_eq!(token["line"], 1501);
    // Introduced, 7 edits around it, re-added, 3 edits elsewhere in the file: a version per
    // commit that changed the file while it held the token.
    assert_eq!(token["occurrences"], 12, "{token}");
    assert_ne!(token["commit"], readded.as_str());
    assert_eq!(at("config.env", &s1)["commit"], c1.as_str());
    assert_eq!(at("big.rs", &s3)["commit"], c3.as_str());
    assert_eq!(at("big.rs", &s3)["occurrences"], 2);
    assert_eq!(at("other.rs", &s3)["commit"], c3.as_str());
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn random_edits_near_secrets_give_the_same_findings_as_whole_blob_scans() {
    let dir = repo();
    let mut rng = Lcg(42);
    let mut files: Vec<Vec<String>> = (0..3).map(|i| filler(1200, 10 + i)).collect();
    for round in 0..40u64 {
        for _ in 0..1 + rng.below(3) {
            let f = rng.below(files.len());
            let lines = &mut files[f];
            let at = rng.below(lines.len());
            match rng.below(6) {
                // A new secret, alone on its line or inside one.
                0 => lines.insert(at, format!("key = \"{}\"", aws(round % 7))),
                1 => {
                    let l = &mut lines[at];
                    let cut = rng.below(l.len());
                    if l.is_char_boundary(cut) {
                        l.insert_str(cut, &format!(" {} ", aws(round % 5 + 100)));
                    }
                }
                // An edit next to whatever is there (often a secret's neighbour).
                2 => lines[at].push_str(" // touched"),
                3 if lines.len() > 10 => {
                    lines.remove(at);
                }
                // A secret cut by an edit.
                4 => {
                    let l = &mut lines[at];
                    if let Some(p) = l.find("AKIA") {
                        l.insert(p + 6, '-');
                    }
                }
                _ => lines.insert(at, format!("    moved_{round} = {at};")),
            }
        }
        for (i, lines) in files.iter().enumerate() {
            write_lines(&dir, &format!("src/f{i}.rs"), lines);
        }
        commit(&dir, &format!("round {round}"));
    }
    repack(dir.path());
    assert!(deltas(dir.path()) >= 30, "the pack holds few deltas");
    let found = same_both_ways(dir.path(), &[]);
    assert!(found.len() >= 5, "{found:#?}");
    // The same in a range: first commits within it.
    let from = git(dir.path(), &["rev-parse", "HEAD~15"]);
    let range = format!("{from}..HEAD");
    same_both_ways(dir.path(), &["--range", &range]);
}

#[test]
fn the_projects_own_history_gives_the_same_findings_both_ways() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(head) = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(here)
        .output()
    else {
        return;
    };
    if !head.status.success() {
        // Not a git checkout (a source tarball): nothing to compare.
        return;
    }
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    // The project's fake secrets are built at run time: rules that match its code instead
    // (function names, short and long string literals) give thousands of findings, in
    // files edited hundreds of times, and a margin small enough to window every delta.
    let rules = Dir::new();
    let config = rules.write(
        "rules.toml",
        r#"
[[rules]]
id = "fn-name"
description = "A function name"
regex = '''\bfn ([a-z_][a-z0-9_]{2,40})\('''
keywords = ["fn "]

[[rules]]
id = "literal"
description = "A string literal"
regex = '''"([A-Za-z][A-Za-z0-9 _.:/-]{7,60})"'''
keywords = ["\""]
"#,
    );
    let config = config.to_str().unwrap();
    // Its history at this commit only: other refs may move while the test runs.
    let found = same_both_ways(here, &["--branch", &head, "-c", config]);
    assert!(found.len() > 500, "{}", found.len());
}

#[test]
fn unreachable_blobs_are_not_read_unless_all_objects() {
    let dir = repo();
    dir.write("a.txt", "nothing here\n");
    commit(&dir, "a");
    // A blob no ref reaches, with a secret, packed with the rest.
    let path = dir.write("dangling.env", format!("AWS={}\n", aws(9)));
    let id = git(dir.path(), &["hash-object", "-w", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    git(dir.path(), &["repack", "-a", "-q"]);
    let stats = |args: &[&str]| {
        let mut all = vec!["git", "-f", "json", "-q", "--stats"];
        all.extend_from_slice(args);
        let out = common::keyscout_in(dir.path(), &all, None);
        (findings(&out), common::stderr(&out))
    };
    let (found, stats_text) = stats(&[]);
    assert!(found.is_empty(), "{found:?}");
    assert!(stats_text.contains("blobs: 1\n"), "{stats_text}");
    let (found, stats_text) = stats(&["--all-objects"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["path"], id.as_str());
    assert!(!stats_text.contains("blobs: 1\n"), "{stats_text}");
}

#[test]
fn long_and_encoded_secrets_edited_near_and_far_give_the_same_findings_both_ways() {
    // Rules of every tier: a private key block (the longest), an AWS key id (short), a GitHub
    // token hidden in base64 (found decoded), and a URL with a password (a generic rule whose
    // keyword is everywhere). Edits land far from them (their findings are carried from the
    // base), within a long rule's reach only (windows widen there), and right next to them.
    let dir = repo();
    let mut big = filler(4000, 3);
    let key = fake::rsa_private_key(11, 12);
    let encoded = common::encode::base64(
        format!("token={}", fake::github_pat()).as_bytes(),
        false,
        true,
    );
    big.insert(2000, key.clone());
    big.insert(1000, format!("    let id = \"{}\";", aws(5)));
    big.insert(3000, format!("    let blob = \"{encoded}\";"));
    big.insert(
        3500,
        "    let url = \"https://deploy:Xq7vR2pLm9sT4wZk@db.example.com/app\";".to_string(),
    );
    write_lines(&dir, "big.rs", &big);
    let first = commit(&dir, "secrets");
    let k = big.iter().position(|l| l.contains("BEGIN RSA")).unwrap();
    let (b, u) = (
        big.iter().position(|l| l.contains(&encoded)).unwrap(),
        big.iter().position(|l| l.contains("https://")).unwrap(),
    );
    for (i, at) in [
        10,
        3990,
        k - 50,
        k + 30,
        k + 1,
        k - 1,
        b - 1,
        b + 1,
        u - 1,
        1001,
    ]
    .into_iter()
    .enumerate()
    {
        big[at] = format!("    // edited {i}: password and Bearer and eyJ nearby");
        write_lines(&dir, "big.rs", &big);
        commit(&dir, &format!("edit {i}"));
    }
    // The key moved, then cut short (no longer a key), then whole again.
    let block = big.remove(k);
    big.insert(100, block.clone());
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "move the key");
    big[100] = block[..block.len() / 2].to_string();
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "cut the key");
    big[100] = block;
    write_lines(&dir, "big.rs", &big);
    commit(&dir, "restore the key");
    repack(dir.path());
    assert!(deltas(dir.path()) >= 10, "the pack holds few deltas");

    let found = same_both_ways(dir.path(), &[]);
    let rules: BTreeSet<&str> = found
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.contains("private-key-rsa"), "{found:#?}");
    assert!(rules.contains("aws-access-key-id"), "{found:#?}");
    let pem = found
        .iter()
        .find(|f| f["rule_id"] == "private-key-rsa")
        .unwrap();
    assert_eq!(pem["commit"], first.as_str());
    // Every commit but the one that cut it introduced a version holding it.
    assert_eq!(pem["occurrences"], 13, "{pem}");
    assert!(
        found
            .iter()
            .any(|f| f["decoded"].as_str().is_some_and(|d| !d.is_empty())),
        "the base64 token: {found:#?}"
    );
}

#[test]
fn a_locale_s_labels_are_no_findings_in_history_as_in_dir() {
    let dir = repo();
    // The same text in a locale's messages (labels) and in a config file (a password): one
    // blob, judged once without a path, stands only at the config file.
    let lines = vec!["[mail]".to_string(), "mailer_password=Absender".to_string()];
    write_lines(&dir, "conf/locale/locale_de-DE.ini", &lines);
    write_lines(&dir, "conf/mail.ini", &lines);
    // A translator's own password, typed where the label belongs, is no label.
    let typed = format!("Password=namvc@{}", 123);
    write_lines(&dir, "conf/locale/locale_af.ini", &[typed]);
    // Plural forms joined by `|`, in a locale's folder under the folder of translations.
    let plural = vec![
        "<?php".to_string(),
        "  'tokens' => 'Jeton|Jetons',".to_string(),
    ];
    write_lines(&dir, "conf/lang/fr-FR/general.php", &plural);
    write_lines(&dir, "conf/general.php", &plural);
    commit(&dir, "mail settings and their labels");

    let found = same_both_ways(dir.path(), &[]);
    let mut paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "conf/general.php",
            "conf/locale/locale_af.ini",
            "conf/mail.ini"
        ],
        "{found:#?}"
    );
    let out = common::keyscout_in(dir.path(), &["dir", "conf", "-f", "json", "-q"], None);
    let mut in_dir: Vec<String> = findings(&out)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    in_dir.sort();
    assert_eq!(in_dir, ["general.php", "locale/locale_af.ini", "mail.ini"]);
}

#[test]
fn a_lockfile_s_checksums_are_no_findings_in_history_as_in_dir() {
    let dir = repo();
    // One blob at a lockfile's path (Lingo.dev's checksums of messages) and at a config's:
    // judged once without a path, it stands only at the config.
    let checksum = format!("ce825fec5b3e1f8e{}", "27c45b1a63619985");
    let lines = vec!["checksums:".to_string(), format!("  api_key: {checksum}")];
    write_lines(&dir, "web/i18n.lock", &lines);
    write_lines(&dir, "web/settings.yml", &lines);
    commit(&dir, "messages' checksums, and settings");

    let found = same_both_ways(dir.path(), &[]);
    let paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["web/settings.yml"], "{found:#?}");
    let out = common::keyscout_in(dir.path(), &["dir", "web", "-f", "json", "-q"], None);
    let in_dir: Vec<String> = findings(&out)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(in_dir, ["settings.yml"]);
}

#[test]
fn scripts_without_an_extension_are_read_by_their_shebang_in_windows_as_in_dir() {
    let dir = repo();
    // A Python script: a bare right-hand side is an expression; a shell script: a value.
    let password = format!("Zr5nK8{}", "xLq3vT");
    let mut python = vec!["#!/usr/bin/env python".to_string()];
    python.extend(filler(300, 11));
    python.push(format!("ADMIN_PASSWORD = \"{password}\""));
    write_lines(&dir, "bin/deploy", &python);
    write_lines(
        &dir,
        "bin/setup",
        &["#!/bin/sh".into(), format!("DB_PASSWORD={password}")],
    );
    commit(&dir, "scripts");
    // Edits far from the start: the new version is scanned in windows around them.
    python.push("run(remote_pass=sshpass, host=options.host)".into());
    python.extend(filler(5, 12));
    write_lines(&dir, "bin/deploy", &python);
    commit(&dir, "deploy over ssh");
    repack(dir.path());
    assert!(deltas(dir.path()) >= 1);

    let found = same_both_ways(dir.path(), &[]);
    let mut got: Vec<(String, String)> = found
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            (path, f["secret"].as_str().unwrap().to_string())
        })
        .collect();
    got.sort();
    let want = vec![
        ("bin/deploy".to_string(), password.clone()),
        ("bin/setup".to_string(), password.clone()),
    ];
    assert_eq!(got, want, "{found:?}");
    // The same as a scan of the files.
    let out = common::keyscout_in(dir.path(), &["dir", "bin", "-f", "json", "-q"], None);
    let mut in_dir: Vec<(String, String)> = findings(&out)
        .iter()
        .map(|f| {
            let path = format!("bin/{}", f["path"].as_str().unwrap());
            (path, f["secret"].as_str().unwrap().to_string())
        })
        .collect();
    in_dir.sort();
    assert_eq!(in_dir, want);
}

#[test]
fn a_generic_finding_gives_way_to_a_specific_one_in_history_as_in_dir() {
    let dir = repo();
    // A specific rule scoped to `.env` files and a generic one on the same secret: one blob,
    // scanned without a path, at two paths. The generic finding stands only where the
    // specific rule does not.
    let config = r#"
[[rules]]
id = "any-key"
regex = '''key = (\S+)'''
keywords = ["key"]
tags = ["generic"]

[[rules]]
id = "tok"
regex = '''\b(tok_[0-9a-f]{20})\b'''
keywords = ["tok_"]
path = '''\.env$'''
"#;
    let line = format!("key = tok_{}", "0123456789abcdef0123");
    write_lines(&dir, "a.env", std::slice::from_ref(&line));
    write_lines(&dir, "b.txt", &[line]);
    commit(&dir, "one secret at two paths");
    std::fs::write(dir.path().join("rules.toml"), config).unwrap();

    let summary = |found: &[Value]| {
        let mut got: Vec<String> = found
            .iter()
            .map(|f| format!("{} {}", f["path"].as_str().unwrap(), f["rule_id"]))
            .collect();
        got.sort();
        got
    };
    let found = same_both_ways(dir.path(), &["-c", "rules.toml"]);
    assert_eq!(summary(&found), ["a.env \"tok\"", "b.txt \"any-key\""]);
    let out = common::keyscout_in(
        dir.path(),
        &["dir", ".", "-c", "rules.toml", "-f", "json", "-q"],
        None,
    );
    let in_dir: Vec<String> = summary(&findings(&out))
        .into_iter()
        .filter(|f| !f.starts_with("rules.toml"))
        .collect();
    assert_eq!(in_dir, ["a.env \"tok\"", "b.txt \"any-key\""]);
}
