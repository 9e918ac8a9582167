//! Rule files end to end: discovery, gitleaks v8 semantics (`[extend]`, allowlists, path
//! rules, secretGroup, entropy), errors that name file, rule and line, and `rules check`.

mod common;

use common::{Dir, code, fake, findings, keyscout_in, stderr, stdout, summary};

/// A config with one rule for `tok_` + 20 lowercase hex, and whatever `extra` adds.
fn config(extra: &str) -> String {
    format!(
        r#"
title = "test"

[[rules]]
id = "tok"
description = "Test token"
regex = '''\b(tok_[0-9a-f]{{20}})\b'''
keywords = ["tok_"]
tags = ["test"]
{extra}
"#
    )
}

const TOKEN: &str = "tok_0123456789abcdef0123";

#[test]
fn discovery_order_is_flag_env_keyscout_gitleaks_builtin() {
    let dir = Dir::new();
    dir.write("a.txt", format!("{TOKEN}\n{}\n", fake::aws_key_id()));
    let rules = |out: &std::process::Output| -> Vec<String> {
        summary(&findings(out)).into_iter().map(|s| s.0).collect()
    };
    // built-in: the AWS key only
    assert_eq!(
        rules(&dir.keyscout(&["dir", ".", "-f", "json"])),
        vec!["aws-access-key-id"]
    );
    // .gitleaks.toml replaces the built-ins (no [extend])
    dir.write(".gitleaks.toml", config(""));
    assert_eq!(
        rules(&dir.keyscout(&["dir", ".", "-f", "json"])),
        vec!["tok"]
    );
    // .keyscout.toml wins over .gitleaks.toml
    dir.write(
        ".keyscout.toml",
        config("").replace("id = \"tok\"", "id = \"tok-ks\""),
    );
    assert_eq!(
        rules(&dir.keyscout(&["dir", ".", "-f", "json"])),
        vec!["tok-ks"]
    );
    // $KEYSCOUT_CONFIG wins over both
    dir.write(
        "env.toml",
        config("").replace("id = \"tok\"", "id = \"tok-env\""),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keyscout"))
        .args(["dir", ".", "-f", "json"])
        .current_dir(dir.path())
        .env("KEYSCOUT_CONFIG", dir.path().join("env.toml"))
        .output()
        .unwrap();
    assert_eq!(rules(&out), vec!["tok-env"]);
    // --config wins over everything
    dir.write(
        "flag.toml",
        config("").replace("id = \"tok\"", "id = \"tok-flag\""),
    );
    assert_eq!(
        rules(&dir.keyscout(&["dir", ".", "-f", "json", "-c", "flag.toml"])),
        vec!["tok-flag"]
    );
}

#[test]
fn extend_use_default_with_disabled_rules_and_override() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        format!("{TOKEN}\n{}\n{}\n", fake::aws_key_id(), fake::github_pat()),
    );
    let extra = r#"
[extend]
useDefault = true
disabledRules = ["github-pat"]

[[rules]]
id = "aws-access-key-id"
description = "Overridden description"
"#;
    dir.write(".gitleaks.toml", config(extra));
    let found = findings(&dir.keyscout(&["dir", ".", "-f", "json"]));
    let ids: Vec<String> = summary(&found).into_iter().map(|s| s.0).collect();
    assert_eq!(ids, vec!["aws-access-key-id", "tok"]);
    let aws = found
        .iter()
        .find(|f| f["rule_id"] == "aws-access-key-id")
        .unwrap();
    assert_eq!(aws["description"], "Overridden description");
}

/// The built-in packs share one global allowlist among their URL rules; disabling some or all of
/// those rules neither breaks the config nor widens the allowlist to other rules.
#[test]
fn disabling_rules_a_builtin_allowlist_targets() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        "x = \"https://bob:Vq7Tz2wLkP9s@host.example.org/\"\n\
         y = \"https://bob:password@host.example.org/\"\n\
         pw=password\n",
    );
    let pw_rule = "[[rules]]\nid = \"pw\"\nregex = '''pw=([a-z]+)'''\nkeywords = [\"pw=\"]\n";
    let url_rules = [
        "postgres-connection-string",
        "mysql-connection-string",
        "mongodb-connection-string",
        "redis-connection-string",
        "amqp-connection-string",
    ];
    let scan = |disabled: &[&str]| {
        let list = disabled
            .iter()
            .map(|id| format!("\"{id}\""))
            .collect::<Vec<_>>()
            .join(", ");
        dir.write(
            ".gitleaks.toml",
            format!("[extend]\nuseDefault = true\ndisabledRules = [{list}]\n{pw_rule}"),
        );
        let out = dir.keyscout(&["dir", "a.txt", "-f", "json"]);
        assert!(code(&out) <= 1, "{}", stderr(&out));
        summary(&findings(&out))
            .into_iter()
            .map(|(id, _, line)| (id, line))
            .collect::<Vec<_>>()
    };
    let pw = ("pw".to_string(), 3);
    let url = ("url-embedded-credentials".to_string(), 1);
    assert_eq!(scan(&url_rules), vec![pw.clone(), url]);
    let all: Vec<&str> = url_rules
        .into_iter()
        .chain(["url-embedded-credentials"])
        .collect();
    assert_eq!(scan(&all), vec![pw]);
}

#[test]
fn extend_path_is_relative_to_the_extending_file() {
    let dir = Dir::new();
    dir.write("cfg/base.toml", config(""));
    dir.write(
        "cfg/top.toml",
        r#"
[extend]
path = "base.toml"

[[rules]]
id = "other"
regex = '''oth_[0-9]{8}'''
keywords = ["oth_"]
"#,
    );
    dir.write("a.txt", format!("{TOKEN} oth_12345678\n"));
    let out = dir.keyscout(&["dir", "a.txt", "-f", "json", "-c", "cfg/top.toml"]);
    let ids: Vec<String> = summary(&findings(&out)).into_iter().map(|s| s.0).collect();
    assert_eq!(ids, vec!["other", "tok"]);
}

#[test]
fn global_allowlists_paths_regexes_stopwords_and_target_rules() {
    let dir = Dir::new();
    dir.write("vendor/x.txt", format!("{TOKEN}\n"));
    dir.write(
        "keep.txt",
        format!("{TOKEN}\ntok_ffffffffffffffffffff\ntok_0000000000000000beef\n"),
    );
    let extra = r#"
[[rules]]
id = "other"
regex = '''oth_[0-9]{8}'''
keywords = ["oth_"]

[[allowlists]]
paths = ['''^vendor/''']

[[allowlists]]
regexes = ['''^tok_f+$''']

[[allowlists]]
targetRules = ["tok"]
stopwords = ["BEEF"]
"#;
    dir.write(".gitleaks.toml", config(extra));
    let (found, _) = dir.scan_json(&[]);
    assert_eq!(summary(&found), vec![("tok".into(), "keep.txt".into(), 1)]);
}

#[test]
fn rule_allowlists_with_and_condition_and_line_target() {
    let dir = Dir::new();
    let extra = r#"
[[rules.allowlists]]
condition = "AND"
paths = ['''^test/''']
regexTarget = "line"
regexes = ['''fixture''']
"#;
    dir.write(".gitleaks.toml", config(extra));
    dir.write("test/a.txt", format!("{TOKEN} fixture\n{TOKEN} real\n"));
    dir.write("src/a.txt", format!("{TOKEN} fixture\n"));
    let got = summary(&dir.scan_json(&[]).0);
    assert_eq!(
        got,
        vec![
            ("tok".into(), "src/a.txt".into(), 1),
            ("tok".into(), "test/a.txt".into(), 2)
        ]
    );
}

#[test]
fn secret_group_entropy_and_path_only_rules() {
    let dir = Dir::new();
    dir.write(
        ".gitleaks.toml",
        r#"
[[rules]]
id = "pw"
regex = '''(password)\s*=\s*"([^"]{8,40})"'''
secretGroup = 2
entropy = 3.0
keywords = ["password"]

[[rules]]
id = "pkcs12-file"
description = "PKCS#12 key store"
path = '''\.p12$'''
"#,
    );
    dir.write(
        "a.ini",
        "password = \"aaaaaaaaaaaa\"\npassword = \"Xk9#mQ2$vL7!pR4z\"\n",
    );
    dir.write("keys/server.p12", "x");
    let found = dir.scan_json(&[]).0;
    assert_eq!(
        summary(&found),
        vec![
            ("pkcs12-file".into(), "keys/server.p12".into(), 1),
            ("pw".into(), "a.ini".into(), 2)
        ]
    );
    let pw = found.iter().find(|f| f["rule_id"] == "pw").unwrap();
    assert_eq!(pw["secret"], "Xk9#mQ2$vL7!pR4z");
    assert_eq!(pw["column"], 13);
    assert_eq!(pw["match"], "password = \"Xk9#mQ2$vL7!pR4z\"");
}

#[test]
fn randomness_keeps_only_secrets_that_surprise_the_character_model() {
    let dir = Dir::new();
    dir.write(
        ".gitleaks.toml",
        r#"
[[rules]]
id = "tok"
regex = '''tok:\s*(\S+)'''
randomness = 6.0
keywords = ["tok:"]
"#,
    );
    let random = format!("{}{}", "qZ7nR2xK", "w9pL4vT8");
    dir.write(
        "a.txt",
        format!("tok: release_build_token_2\ntok: {random}\n"),
    );
    let found = dir.scan_json(&[]).0;
    assert_eq!(summary(&found), vec![("tok".into(), "a.txt".into(), 2)]);
    assert_eq!(found[0]["secret"], random.as_str());
}

#[test]
fn bad_rule_files_name_file_rule_and_line() {
    let dir = Dir::new();
    dir.write("a.txt", "x\n");
    let cases = [
        (config("").replace("{20}", "{20"), ":4: rule `tok`: regex"),
        (
            config("secretGroup = 3"),
            ":4: rule `tok`: regex: secretGroup 3",
        ),
        (config("entropy = 12.0"), ":4: rule `tok`: entropy"),
        (config("randomness = 20.0"), ":4: rule `tok`: randomness"),
        (config("colour = 1"), "unknown field `colour`"),
        (
            config("decodes = \"rot13\""),
            ":4: rule `tok`: unknown decodes `rot13`",
        ),
        (
            config("[[rules.allowlists]]\nregexTarget = \"nope\"\nregexes = ['x']"),
            "rule `tok`: allowlist",
        ),
        (
            format!(
                "{}\n{}",
                config(""),
                config("").replace("title = \"test\"", "")
            ),
            ":15: rule `tok`: duplicate rule id",
        ),
        (
            "[[rules]]\nid = \"x\"\ndescription = \"no regex or path\"\n".to_string(),
            ":1: rule `x`: a rule needs",
        ),
    ];
    for (text, expected) in cases {
        dir.write("bad.toml", &text);
        let out = dir.keyscout(&["dir", ".", "-c", "bad.toml"]);
        assert_eq!(code(&out), 2, "{text}");
        let err = stderr(&out);
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains(expected), "expected `{expected}` in: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = dir.keyscout(&["dir", ".", "-c", "missing.toml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("missing.toml"));
}

#[test]
fn rules_check_passes_on_builtin_packs() {
    let dir = Dir::new();
    let out = dir.keyscout(&["rules", "check"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(" 0 failure(s)"), "{}", stdout(&out));
}

#[test]
fn rules_check_reports_each_failing_example_with_its_line() {
    let dir = Dir::new();
    let extra = r#"examples = ["tok_0123456789abcdef0123", "tok_short"]
negative_examples = [
  "tok_ffffffffffffffffffff",
]"#;
    dir.write("r.toml", config(extra));
    let out = dir.keyscout(&["rules", "check", "-c", "r.toml"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("r.toml:10: rule `tok`: example is not found: tok_short"),
        "{err}"
    );
    assert!(
        err.contains("r.toml:12: rule `tok`: negative example is found: tok_ffff"),
        "{err}"
    );
    assert!(stdout(&out).contains("2 failure(s)"));
}

#[test]
fn rules_list_shows_every_builtin_rule() {
    let out = keyscout_in(std::path::Path::new("."), &["rules", "list"], None);
    assert_eq!(code(&out), 0);
    let listed = stdout(&out);
    assert!(listed.lines().count() >= 40, "{listed}");
    assert!(listed.contains("aws-access-key-id\takia"), "{listed}");
}

#[test]
fn every_builtin_rule_has_examples_and_negative_examples() {
    let set = keyscout::rules::load_with_examples(&keyscout::rules::ConfigSource::Builtin)
        .expect("built-in rules load");
    assert!(set.rules.len() >= 400, "{} rules", set.rules.len());
    for rule in &set.rules {
        assert!(
            rule.examples.len() >= 2,
            "{} has fewer than two examples",
            rule.id
        );
        assert!(
            !rule.negative_examples.is_empty(),
            "{} has no negative examples",
            rule.id
        );
        assert!(
            !rule.keywords.is_empty(),
            "{} has no keywords: it would run on every input",
            rule.id
        );
        // Whole-input rules are correct but slow: every built-in rule must be windowed, and
        // a match reaches no further around its keyword than the longest match.
        let compiled = rule.regex.as_ref().map(|p| p.compiled().expect("compiles"));
        assert!(
            compiled.is_none_or(|c| c
                .reach
                .zip(c.max_len)
                .is_some_and(|(r, max)| r.before <= max && r.after <= max)),
            "{} is not windowed",
            rule.id
        );
    }
}

#[test]
fn confidence_levels_and_failed_checksums() {
    let dir = Dir::new();
    let good = fake::github_pat();
    // The same token with its checksum's last digit changed only looks like a GitHub token.
    let bad = format!(
        "{}{}",
        &good[..good.len() - 1],
        if good.ends_with('A') { 'B' } else { 'A' }
    );
    dir.write("a.env", format!("GOOD={good}\nBAD={bad}\n"));
    let lines = |args: &[&str]| -> Vec<(u64, String)> {
        dir.scan_json(args)
            .0
            .iter()
            .filter(|f| f["rule_id"] == "github-pat")
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["confidence"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(lines(&[]), vec![(1, "high".to_string())]);
    assert_eq!(
        lines(&["--min-confidence", "low"]),
        vec![(1, "high".into()), (2, "low".into())]
    );

    // A rule's own confidence: medium by default, filtered by --min-confidence.
    dir.write(".gitleaks.toml", config("confidence = \"low\""));
    dir.write("b.txt", format!("{TOKEN}\n"));
    assert_eq!(dir.scan_json(&[]), (vec![], 0));
    let (found, code) = dir.scan_json(&["--min-confidence", "low"]);
    assert_eq!((found.len(), code), (1, 1));
    dir.write(".gitleaks.toml", config(""));
    assert_eq!(dir.scan_json(&[]).0[0]["confidence"], "medium");
    assert_eq!(dir.scan_json(&["--min-confidence", "high"]), (vec![], 0));
}

#[test]
fn decodes_basic_auth_reports_only_base64_of_user_and_password() {
    let dir = Dir::new();
    dir.write(
        ".gitleaks.toml",
        r#"
[[rules]]
id = "basic"
regex = '''Basic ([A-Za-z0-9+/=]{8,})'''
keywords = ["basic"]
decodes = "basic-auth"
"#,
    );
    let b64 = |text: &str| common::encode::base64(text.as_bytes(), false, true);
    let lines = [
        format!("Authorization: Basic {}", b64("deploy:Xk9pQ2vL7mZr")),
        format!("Authorization: Basic {}", b64("user:password")),
        format!("Authorization: Basic {}", b64("no-colon-at-all")),
        "Authorization: Basic Authentication".to_string(),
        format!("Authorization: Basic {}", b64("ci:${CI_TOKEN}")),
        format!("Authorization: Basic {}", b64("svc:Tz4wB8nQ2rLc\n")),
    ];
    dir.write("req.http", lines.join("\n") + "\n");
    let (found, code) = dir.scan_json(&["--min-confidence", "low"]);
    let at: Vec<u64> = found.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert_eq!((at, code), (vec![1, 6], 1));
    assert_eq!(found[0]["secret"], b64("deploy:Xk9pQ2vL7mZr"));
}

#[test]
fn a_generic_rule_yields_to_a_specific_rule_on_the_same_secret() {
    let dir = Dir::new();
    dir.write(
        ".gitleaks.toml",
        config(
            r#"
[[rules]]
id = "any-token"
regex = '''token\s*=\s*(\w{20,30})'''
keywords = ["token"]
tags = ["generic"]

[[rules]]
id = "other-specific"
regex = '''\b(tok_[0-9a-f]{20})\b'''
keywords = ["tok_"]
"#,
        ),
    );
    dir.write(
        "a.txt",
        format!("token = {TOKEN}\ntoken = plainvalue0123456789\n"),
    );
    let got = summary(&dir.scan_json(&[]).0);
    // Line 1: both specific rules stay, the generic one yields; line 2: only the generic one matches.
    assert_eq!(
        got,
        vec![
            ("any-token".into(), "a.txt".into(), 2),
            ("other-specific".into(), "a.txt".into(), 1),
            ("tok".into(), "a.txt".into(), 1),
        ]
    );
}

#[test]
fn a_generic_rule_does_not_yield_to_a_less_confident_one() {
    let dir = Dir::new();
    dir.write(
        ".gitleaks.toml",
        config(
            r#"confidence = "low"

[[rules]]
id = "any-token"
regex = '''token\s*=\s*(\w{20,30})'''
keywords = ["token"]
tags = ["generic"]
"#,
        ),
    );
    dir.write("a.txt", format!("token = {TOKEN}\n"));
    let ids = |args: &[&str]| -> Vec<String> {
        summary(&dir.scan_json(args).0)
            .into_iter()
            .map(|s| s.0)
            .collect()
    };
    assert_eq!(ids(&[]), vec!["any-token"]);
    assert_eq!(ids(&["--min-confidence", "low"]), vec!["any-token", "tok"]);
}
