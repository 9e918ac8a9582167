//! `keyscout git` end to end: repositories built with the real `git` at test time, scanned by
//! the real binary; each secret is found once, with the commit and path that introduced it.

mod common;

use std::path::Path;

use common::{Dir, code, fake, findings, git, stderr};
use serde_json::Value;

/// A fresh repository on `main`.
fn repo() -> Dir {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir
}

/// Stages everything and commits; returns the new commit's id.
fn commit(dir: &Dir, message: &str) -> String {
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", message],
    );
    git(dir.path(), &["rev-parse", "HEAD"])
}

/// `keyscout git ARGS -f json -q` in `dir`: findings and exit code.
fn scan(dir: &Path, args: &[&str]) -> (Vec<Value>, i32) {
    let mut all = vec!["git", "-f", "json", "-q"];
    all.extend_from_slice(args);
    let out = common::keyscout_in(dir, &all, None);
    (findings(&out), code(&out))
}

/// `(rule_id, path, commit)` of each finding, sorted.
fn places(found: &[Value]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = found
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["commit"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_secret_in_a_deleted_file_is_found_with_its_commit() {
    let dir = repo();
    dir.write("README.md", "hello\n");
    commit(&dir, "start");
    dir.write(
        "config/prod.env",
        format!("\nAWS_KEY={}\n", fake::aws_key_id()),
    );
    let leaked = commit(&dir, "add prod config");
    std::fs::remove_file(dir.path().join("config/prod.env")).unwrap();
    commit(&dir, "remove prod config");

    let (found, code) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f["path"], "config/prod.env");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 9);
    assert_eq!(f["commit"], leaked.as_str());
    assert_eq!(f["author"], "Dev Eloper");
    assert_eq!(f["email"], "dev@example.com");
    assert_eq!(f["message"], "add prod config");
    assert!(f["date"].as_str().unwrap().starts_with("2020-09-"), "{f}");
    assert_eq!(f["also_in"], 0);
    let blob = git(
        dir.path(),
        &["rev-parse", &format!("{leaked}:config/prod.env")],
    );
    assert_eq!(f["blob"], blob.as_str());
    assert!(
        f["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("config/prod.env:aws-access-key-id:")
    );
}

#[test]
fn a_secret_edited_away_is_found_at_the_commit_that_added_it() {
    let dir = repo();
    dir.write("app.py", "TOKEN = None\n");
    commit(&dir, "app");
    dir.write("app.py", format!("TOKEN = '{}'\n", fake::github_pat()));
    let leaked = commit(&dir, "hardcode token");
    dir.write("app.py", "TOKEN = os.environ['TOKEN']\n");
    commit(&dir, "read token from env");
    dir.write("app.py", "TOKEN = os.environ['GH_TOKEN']\n");
    commit(&dir, "rename");

    let (found, _) = scan(dir.path(), &[]);
    assert_eq!(
        places(&found),
        vec![("github-pat".into(), "app.py".into(), leaked)]
    );
}

#[test]
fn secrets_only_on_an_unmerged_branch_or_a_tag_are_found() {
    let dir = repo();
    dir.write("a.txt", "a\n");
    commit(&dir, "a");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    dir.write("feature.txt", format!("{}\n", fake::stripe_live()));
    let on_branch = commit(&dir, "feature");
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["checkout", "-q", "-b", "release"]);
    dir.write("release.txt", format!("{}\n", fake::aws_key_id()));
    let tagged = commit(&dir, "release");
    git(dir.path(), &["tag", "-a", "v1", "-m", "v1"]);
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["branch", "-q", "-D", "release"]);

    let (found, _) = scan(dir.path(), &[]);
    let mut got: Vec<(String, String)> = places(&found).into_iter().map(|p| (p.1, p.2)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("feature.txt".into(), on_branch.clone()),
            ("release.txt".into(), tagged)
        ]
    );
    // --branch limits the scan to one ref's history
    let (found, _) = scan(dir.path(), &["--branch", "main"]);
    assert!(found.is_empty(), "{found:?}");
    let (found, _) = scan(dir.path(), &["--branch", "feature"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["commit"], on_branch.as_str());
}

#[test]
fn a_secret_added_by_a_merge_commit_is_attributed_to_the_merge() {
    let dir = repo();
    dir.write("a.txt", "base\n");
    commit(&dir, "base");
    git(dir.path(), &["checkout", "-q", "-b", "side"]);
    dir.write("b.txt", "side\n");
    commit(&dir, "side");
    git(dir.path(), &["checkout", "-q", "main"]);
    dir.write("c.txt", "main\n");
    commit(&dir, "main");
    git(
        dir.path(),
        &["merge", "-q", "--no-ff", "--no-commit", "side"],
    );
    dir.write("a.txt", format!("base\n{}\n", fake::github_pat()));
    let merge = commit(&dir, "merge side");
    assert_eq!(
        git(dir.path(), &["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        3
    );
    let (found, _) = scan(dir.path(), &[]);
    assert_eq!(
        places(&found),
        vec![("github-pat".into(), "a.txt".into(), merge)]
    );
}

#[test]
fn a_secret_is_reported_once_per_path_at_its_first_commit() {
    let dir = repo();
    let leak = format!("key={}\n", fake::aws_key_id());
    dir.write("one.env", &leak);
    let first = commit(&dir, "one");
    dir.write("copy/two.env", &leak);
    let second = commit(&dir, "copy");
    for i in 0..5 {
        dir.write("other.txt", format!("{i}\n"));
        commit(&dir, &format!("churn {i}"));
    }
    // Kept while the file around it changes: still the same secret at the same path.
    dir.write("one.env", format!("# edited\n{leak}"));
    let edited = commit(&dir, "edit one");
    std::fs::remove_file(dir.path().join("one.env")).unwrap();
    commit(&dir, "delete one");
    dir.write("one.env", &leak);
    let third = commit(&dir, "restore one");

    let (found, _) = scan(dir.path(), &[]);
    assert_eq!(found.len(), 2, "{found:?}");
    let one = found.iter().find(|f| f["path"] == "one.env").unwrap();
    assert_eq!(one["commit"], first.as_str());
    assert_eq!(one["line"], 1);
    assert_eq!(one["occurrences"], 3);
    assert_eq!(one["also_in"], 2);
    assert!(one.get("places").is_none());
    let two = found.iter().find(|f| f["path"] == "copy/two.env").unwrap();
    assert_eq!(two["commit"], second.as_str());
    assert_eq!(two["occurrences"], 1);

    let (found, _) = scan(dir.path(), &["--all-provenance"]);
    let one = found.iter().find(|f| f["path"] == "one.env").unwrap();
    let others: Vec<(String, String)> = one["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        others,
        vec![("one.env".into(), edited), ("one.env".into(), third)]
    );
}

#[test]
fn binary_and_large_minified_blobs_behave_as_in_dir() {
    let dir = repo();
    let mut binary = b"\x00\x01\x02PK".to_vec();
    binary.extend_from_slice(format!(" {} ", fake::stripe_live()).as_bytes());
    dir.write("blob.bin", &binary);
    // One 5 MB line, the secret near its end.
    let mut minified = "var a=1;".repeat(5 * 1024 * 1024 / 8);
    let column = minified.len() + 1;
    minified.push_str(&format!("k=\"{}\";", fake::github_pat()));
    dir.write("dist/app.min.js", &minified);
    commit(&dir, "assets");

    // The binary blob is read as its printable strings, as in dir.
    let (found, _) = scan(dir.path(), &[]);
    let mut paths: Vec<String> = places(&found).into_iter().map(|p| p.1).collect();
    paths.sort();
    assert_eq!(paths, vec!["blob.bin", "dist/app.min.js"], "{found:?}");
    let minified = found
        .iter()
        .find(|f| f["path"] == "dist/app.min.js")
        .unwrap();
    assert_eq!(minified["line"], 1);
    assert_eq!(minified["column"], column + 3);
    let binary = found.iter().find(|f| f["path"] == "blob.bin").unwrap();
    assert_eq!(binary["offset"], 6);

    let (found, _) = scan(dir.path(), &["--binary"]);
    let mut paths: Vec<String> = places(&found).into_iter().map(|p| p.1).collect();
    paths.sort();
    assert_eq!(paths, vec!["blob.bin", "dist/app.min.js"]);

    let (found, _) = scan(dir.path(), &["--max-file-size", "1M"]);
    let paths: Vec<String> = places(&found).into_iter().map(|p| p.1).collect();
    assert_eq!(paths, vec!["blob.bin"], "{found:?}");
}

#[test]
fn packed_bare_and_shallow_repositories_give_the_same_findings() {
    let dir = repo();
    for i in 0..30 {
        dir.write(
            &format!("src/f{i}.rs"),
            format!("fn f{i}() {{}}\n").repeat(50),
        );
        if i == 7 {
            dir.write("src/keys.rs", format!("// {}\n", fake::aws_key_id()));
        }
        if i == 9 {
            std::fs::remove_file(dir.path().join("src/keys.rs")).unwrap();
        }
        commit(&dir, &format!("c{i}"));
    }
    let loose = places(&scan(dir.path(), &[]).0);
    assert_eq!(loose.len(), 1, "{loose:?}");
    git(dir.path(), &["gc", "-q", "--aggressive"]);
    assert_eq!(places(&scan(dir.path(), &[]).0), loose);

    let clones = Dir::new();
    let url = format!("file://{}", dir.path().display());
    git(clones.path(), &["clone", "-q", "--bare", &url, "bare.git"]);
    let bare = clones.path().join("bare.git");
    assert_eq!(places(&scan(&bare, &[]).0), loose);
    // A shallow clone of the last commits does not hold the deleted file; a deeper one does.
    git(
        clones.path(),
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );
    let (found, code) = scan(&clones.path().join("shallow"), &[]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");
    git(
        clones.path(),
        &["clone", "-q", "--depth", "25", &url, "deeper"],
    );
    assert_eq!(places(&scan(&clones.path().join("deeper"), &[]).0), loose);
}

#[test]
fn all_objects_finds_dangling_blobs() {
    let dir = repo();
    dir.write("a.txt", "a\n");
    commit(&dir, "a");
    let dangling = dir.write("lost.txt", format!("{}\n", fake::stripe_live()));
    let id = git(
        dir.path(),
        &["hash-object", "-w", dangling.to_str().unwrap()],
    );
    std::fs::remove_file(dangling).unwrap();

    let (found, code) = scan(dir.path(), &[]);
    assert_eq!((found.len(), code), (0, 0));
    let (found, code) = scan(dir.path(), &["--all-objects"]);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["blob"], id.as_str());
    assert_eq!(found[0]["path"], id.as_str());
    assert!(found[0].get("commit").is_none());
}

#[test]
fn unreachable_packed_blobs_are_dropped_and_tagged_blobs_are_kept() {
    let dir = repo();
    dir.write("a.txt", "a\n");
    commit(&dir, "a");
    // A blob with a secret that no commit, tree or ref reaches, written into a pack.
    let lost = dir.write("lost.txt", format!("{}\n", fake::stripe_live()));
    let dangling = git(dir.path(), &["hash-object", "-w", lost.to_str().unwrap()]);
    std::fs::remove_file(lost).unwrap();
    let out = std::process::Command::new("git")
        .args(["pack-objects", "-q", ".git/objects/pack/pack"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{dangling}\n").as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(out.success());
    git(dir.path(), &["prune-packed"]);
    let (found, code) = scan(dir.path(), &[]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");
    let (found, _) = scan(dir.path(), &["--all-objects"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["blob"], dangling.as_str());

    // A tag naming a blob reaches it without a commit: it is reported under its id.
    let tagged = dir.write("tagged.txt", format!("{}\n", fake::github_pat()));
    let blob = git(dir.path(), &["hash-object", "-w", tagged.to_str().unwrap()]);
    std::fs::remove_file(tagged).unwrap();
    git(dir.path(), &["tag", "blob-tag", &blob]);
    let (found, code) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["rule_id"], "github-pat");
    assert_eq!(found[0]["path"], blob.as_str());
    assert!(found[0].get("commit").is_none());
}

#[test]
fn since_and_range_scan_only_the_commits_in_the_range() {
    let dir = repo();
    dir.write("old.txt", format!("{}\n", fake::aws_key_id()));
    let base = commit(&dir, "old leak");
    dir.write("new.txt", format!("{}\n", fake::github_pat()));
    let newer = commit(&dir, "new leak");
    dir.write("newest.txt", "clean\n");
    commit(&dir, "clean");

    let expect = vec![("github-pat".into(), "new.txt".into(), newer.clone())];
    assert_eq!(places(&scan(dir.path(), &["--since", &base]).0), expect);
    let range = format!("{base}..HEAD");
    assert_eq!(places(&scan(dir.path(), &["--range", &range]).0), expect);
    let (found, exit) = scan(dir.path(), &["--range", &format!("{newer}..HEAD")]);
    assert_eq!((found.len(), exit), (0, 0));
    let out = dir.keyscout(&["git", "--range", "nope..HEAD"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

#[test]
fn staged_reports_only_added_or_changed_lines() {
    let dir = repo();
    // Before the first commit, everything staged is new.
    dir.write("settings.py", format!("KEY = '{}'\n", fake::aws_key_id()));
    git(dir.path(), &["add", "settings.py"]);
    let (found, code) = scan(dir.path(), &["--staged"]);
    assert_eq!((found.len(), code), (1, 1), "{found:?}");
    assert!(found[0].get("commit").is_none());
    commit(&dir, "old secret, accepted");

    // An unrelated change to the file does not report the old secret.
    dir.write(
        "settings.py",
        format!("DEBUG = False\nKEY = '{}'\n", fake::aws_key_id()),
    );
    dir.write("unstaged.txt", format!("{}\n", fake::stripe_live()));
    git(dir.path(), &["add", "settings.py"]);
    let (found, code) = scan(dir.path(), &["--staged"]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");

    // A new secret on a new line is reported, on that line.
    dir.write(
        "settings.py",
        format!(
            "DEBUG = False\nKEY = '{}'\nGH = '{}'\n",
            fake::aws_key_id(),
            fake::github_pat()
        ),
    );
    dir.write("sub/dir/new.txt", format!("{}\n", fake::stripe_live()));
    git(dir.path(), &["add", "settings.py", "sub"]);
    let (found, code) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, u64)> = found
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![("settings.py".into(), 3), ("sub/dir/new.txt".into(), 1)]
    );
}

#[test]
fn path_scoped_rules_and_path_and_commit_allowlists_apply_to_history() {
    let dir = repo();
    let token = "tok_0123456789abcdef0123";
    dir.write("deploy/app.env", format!("T={token}\n"));
    dir.write("docs/example.md", format!("T={token}\nother\n"));
    let first = commit(&dir, "env and docs");
    dir.write("notes.txt", format!("T={token}\nnotes\n"));
    commit(&dir, "notes");

    let cfg = Dir::new();
    let rules = |extra: &str| {
        format!(
            "[[rules]]\nid = \"tok\"\ndescription = \"t\"\nregex = '''tok_[0-9a-f]{{20}}'''\n\
             keywords = [\"tok_\"]\npath = '''\\.(env|md)$'''\n{extra}\n\
             [[rules]]\nid = \"env-file\"\ndescription = \"an env file\"\npath = '''\\.env$'''\n"
        )
    };
    let config = cfg.write("rules.toml", rules(""));
    let config = config.to_str().unwrap();
    let (found, _) = scan(dir.path(), &["-c", config]);
    let got: Vec<(String, String)> = places(&found).into_iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(
        got,
        vec![
            ("env-file".into(), "deploy/app.env".into()),
            ("tok".into(), "deploy/app.env".into()),
            ("tok".into(), "docs/example.md".into()),
        ]
    );
    // the same blob is not reported at notes.txt, where the rule's path does not match
    assert!(found.iter().all(|f| f["path"] != "notes.txt"));

    let allow_docs = cfg.write(
        "docs.toml",
        rules("[[rules.allowlists]]\npaths = ['''^docs/''']\n"),
    );
    let (found, _) = scan(dir.path(), &["-c", allow_docs.to_str().unwrap()]);
    assert!(
        found.iter().all(|f| f["path"] != "docs/example.md"),
        "{found:?}"
    );
    assert_eq!(found.len(), 2);

    let allow_commit = cfg.write(
        "commit.toml",
        format!(
            "{}\n[[allowlists]]\ncommits = [\"{}\"]\n",
            rules(""),
            &first[..12]
        ),
    );
    let (found, code) = scan(dir.path(), &["-c", allow_commit.to_str().unwrap()]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");
}

#[test]
fn a_missing_object_is_a_warning_with_its_id_and_the_scan_goes_on() {
    let dir = repo();
    dir.write("a.txt", format!("{}\n", fake::aws_key_id()));
    dir.write("b.txt", format!("{}\n", fake::github_pat()));
    commit(&dir, "two leaks");
    let id = git(dir.path(), &["rev-parse", "HEAD:b.txt"]);
    let object = dir
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    std::fs::remove_file(object).unwrap();

    let out = dir.keyscout(&["git", "-f", "json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains(&id), "{}", stderr(&out));
    let found = findings(&out);
    assert_eq!(places(&found)[0].1, "a.txt");
    assert_eq!(found.len(), 1);
}

#[test]
fn a_path_that_is_not_a_repository_is_a_clear_error() {
    let dir = Dir::new();
    dir.write("a.txt", "a\n");
    let out = dir.keyscout(&["git", "."]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not a git repository"),
        "{}",
        stderr(&out)
    );
    let out = dir.keyscout(&["git", "missing"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
}

#[test]
fn nothing_the_repository_configures_is_run() {
    let dir = repo();
    let marks = Dir::new();
    let mark = |name: &str| format!("touch {}", marks.path().join(name).display());
    dir.write(".gitattributes", "* filter=evil diff=evil\n");
    dir.write("a.txt", format!("{}\n", fake::aws_key_id()));
    commit(&dir, "one");
    dir.write("a.txt", format!("{}\nmore\n", fake::aws_key_id()));
    git(dir.path(), &["add", "a.txt"]);
    let hooks = dir.path().join("hooks-dir");
    std::fs::create_dir_all(&hooks).unwrap();
    for hook in [
        "pre-commit",
        "post-checkout",
        "reference-transaction",
        "fsmonitor-watchman",
    ] {
        let path = hooks.join(hook);
        std::fs::write(&path, format!("#!/bin/sh\n{}\n", mark(hook))).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let settings = [
        ("core.hooksPath", hooks.display().to_string()),
        ("core.fsmonitor", mark("fsmonitor")),
        ("filter.evil.clean", mark("clean")),
        ("filter.evil.smudge", mark("smudge")),
        ("filter.evil.process", mark("process")),
        ("diff.evil.textconv", mark("textconv")),
        ("diff.evil.command", mark("diff-command")),
        ("diff.external", mark("diff-external")),
        ("credential.helper", format!("!{}", mark("credential"))),
        ("core.sshCommand", mark("ssh")),
        ("core.pager", mark("pager")),
        ("core.editor", mark("editor")),
        ("gpg.program", mark("gpg")),
    ];
    for (key, value) in &settings {
        git(dir.path(), &["config", key, value]);
    }
    // The markers work: git itself runs the fsmonitor hook on `status`.
    let _ = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output();
    assert!(marks.path().join("fsmonitor").exists());
    for entry in std::fs::read_dir(marks.path()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }

    for args in [
        &["git"][..],
        &["git", "--staged"],
        &["git", "--all-objects"],
        &["git", "--range", "HEAD..HEAD"],
    ] {
        let out = dir.keyscout(args);
        assert!(
            code(&out) == 0 || code(&out) == 1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let ran: Vec<String> = std::fs::read_dir(marks.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(ran.is_empty(), "commands ran: {ran:?}");
}

#[test]
fn findings_are_the_same_in_every_format_and_sarif_names_the_commit_path() {
    let dir = repo();
    dir.write("k.txt", format!("{}\n", fake::aws_key_id()));
    commit(&dir, "k");
    let out = dir.keyscout(&["git", "-f", "sarif", "-q"]);
    assert_eq!(code(&out), 1);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let out = dir.keyscout(&["git", "-q"]);
    let text = common::stdout(&out);
    assert!(text.contains("k.txt:1:1"), "{text}");
    // The text report names the commit: its short id, author, email and subject.
    let head = dir.keyscout(&["git", "-f", "json", "-q"]);
    let found = common::findings(&head);
    let id = found[0]["commit"].as_str().unwrap();
    let line = format!("commit {} ", &id[..12]);
    assert!(text.contains(&line), "{text}");
    let email = found[0]["email"].as_str().unwrap();
    assert!(
        text.contains(&format!("<{email}>")) && text.contains(": k\n"),
        "{text}"
    );
}

#[test]
fn staged_files_under_unchanged_directories_are_passed_over_and_others_not() {
    // Directories whose cached tree in the index equals HEAD's are skipped without reading
    // HEAD there; their neighbours, sorting just before or after them ("a/b" beside "a/b-c",
    // "a/b.d"), are still compared.
    let dir = repo();
    for d in ["a/b", "a/b-c", "a/b.d", "a/bb", "z"] {
        dir.write(&format!("{d}/f.txt"), "nothing here\n");
    }
    dir.write("a/b/old.env", format!("KEY={}\n", fake::aws_key_id()));
    commit(&dir, "base");
    // `git reset` writes a cache tree valid everywhere, as after a commit.
    git(dir.path(), &["reset", "-q"]);
    dir.write("a/b-c/f.txt", format!("GH={}\n", fake::github_pat()));
    dir.write("a/b.d/new.txt", format!("{}\n", fake::stripe_live()));
    git(dir.path(), &["add", "a/b-c/f.txt", "a/b.d/new.txt"]);
    let (found, code) = scan(dir.path(), &["--staged"]);
    assert_eq!(code, 1);
    let mut paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    assert_eq!(paths, vec!["a/b-c/f.txt", "a/b.d/new.txt"], "{found:?}");
}

#[test]
fn a_pre_commit_hook_sees_what_commit_a_and_commit_paths_stage() {
    // `git commit -a` and `git commit PATHS` stage into a temporary index and name it in
    // GIT_INDEX_FILE for the hook; the repository's own index does not hold the change.
    let dir = repo();
    dir.write("app.py", "x = 1\n");
    dir.write("other.py", "y = 2\n");
    commit(&dir, "base");
    let hook = dir.path().join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nexec '{}' git --staged -q\n",
            env!("CARGO_BIN_EXE_keyscout")
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let commit_with = |args: &[&str]| {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
            ])
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    };
    dir.write(
        "app.py",
        format!("x = 1\nstripe = \"{}\"\n", fake::stripe_live()),
    );
    for args in [&["-am", "all"][..], &["-m", "paths", "app.py"]] {
        let out = commit_with(args);
        assert!(!out.status.success(), "{args:?} was not blocked");
        // git sends a hook's output to its stderr.
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("app.py") && said.contains("stripe"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(git(dir.path(), &["rev-list", "--count", "HEAD"]), "1");
    // A clean change goes through.
    dir.write("app.py", "x = 3\n");
    assert!(commit_with(&["-am", "clean"]).status.success());
}
