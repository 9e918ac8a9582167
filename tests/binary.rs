//! Binary files read as their printable strings (the default) end to end: an SQLite database
//! made here with Python's `sqlite3`, an ELF binary compiled here with `cc`, in `dir` and in
//! git history; each finding at its byte offset in the file. Tools missing from the machine
//! skip their test with a message (`.ci/run` installs them).

mod common;

use std::path::Path;
use std::process::Command;

use common::{Dir, fake, findings, git, keyscout_in};
use serde_json::Value;

/// Whether `program` runs here; prints why a test is skipped when not.
fn have(program: &str, arg: &str) -> bool {
    let ok = Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `{program}` is not installed");
    }
    ok
}

/// An SQLite database at `path` whose `profiles` table holds an AWS credentials file (key
/// id and secret key, made up) among other rows.
fn sqlite(path: &Path) {
    let credentials = format!(
        "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        fake::aws_key_id(),
        fake::aws_secret_key()
    );
    let script = "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute('create table profiles (id integer primary key, name text, credentials text, avatar blob)')
for i in range(50):
    db.execute('insert into profiles (name, credentials, avatar) values (?, ?, ?)',
               ('user%d' % i, '', bytes(range(256))))
db.execute('insert into profiles (name, credentials, avatar) values (?, ?, ?)',
           ('deploy', sys.argv[2], bytes(64)))
db.commit()
db.close()
";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(&credentials)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `keyscout ARGS -f json -q` in `dir`.
fn scan(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["-f", "json", "-q"]);
    findings(&keyscout_in(dir, &all, None))
}

/// `(rule_id, secret)` of each finding, sorted.
fn found(findings: &[Value]) -> Vec<(String, String)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["secret"].as_str().unwrap().into(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Each finding's secret is in `bytes` at its `offset`, one byte a character or, for UTF-16,
/// two; returns whether each was wide.
fn at_offsets(bytes: &[u8], findings: &[Value]) -> Vec<bool> {
    findings
        .iter()
        .map(|f| {
            let secret = f["secret"].as_str().unwrap().as_bytes();
            let at = f["offset"].as_u64().expect("offset") as usize;
            let narrow = bytes.get(at..at + secret.len()) == Some(secret);
            let wide: Vec<u8> = secret.iter().flat_map(|&b| [b, 0]).collect();
            let is_wide = bytes.get(at..at + wide.len()) == Some(&wide[..]);
            assert!(narrow || is_wide, "{f} not at its offset");
            is_wide
        })
        .collect()
}

fn aws_pair() -> Vec<(String, String)> {
    vec![
        ("aws-access-key-id".into(), fake::aws_key_id()),
        ("aws-secret-access-key".into(), fake::aws_secret_key()),
    ]
}

#[test]
fn an_sqlite_database_is_scanned_in_dir_and_in_history() {
    if !have("python3", "--version") {
        return;
    }
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    let db = dir.path().join("data/app.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    sqlite(&db);
    let bytes = std::fs::read(&db).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));

    let in_dir = scan(dir.path(), &["dir", "."]);
    assert_eq!(found(&in_dir), aws_pair(), "{in_dir:?}");
    assert_eq!(at_offsets(&bytes, &in_dir), vec![false, false]);
    for f in &in_dir {
        assert_eq!(f["path"], "data/app.db");
        assert!(f["line"].as_u64().unwrap() >= 1);
    }

    // Committed, then deleted: found in history, with the commit that added it.
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "add the database"]);
    let added = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["rm", "-q", "data/app.db"]);
    git(dir.path(), &["commit", "-q", "-m", "remove it"]);
    let in_git = scan(dir.path(), &["git"]);
    assert_eq!(found(&in_git), aws_pair(), "{in_git:?}");
    for (f, d) in in_git.iter().zip(&in_dir) {
        assert_eq!(f["path"], "data/app.db");
        assert_eq!(f["commit"], added.as_str());
        assert_eq!((&f["offset"], &f["line"]), (&d["offset"], &d["line"]));
    }

    // --binary scans the raw bytes: the same two here (the text sits whole in one page).
    assert_eq!(found(&scan(dir.path(), &["git", "--binary"])), aws_pair());
}

#[test]
fn a_compiled_binary_gives_up_its_ascii_and_utf16_strings() {
    if !have("cc", "--version") {
        return;
    }
    let dir = Dir::new();
    let source = format!(
        "#include <stdio.h>\n#include <uchar.h>\n\
         static const char *key_id = \"{}\";\n\
         static const char16_t *github = u\"token: {}\";\n\
         int main(void) {{ printf(\"%s %p\\n\", key_id, (const void *)github); return 0; }}\n",
        fake::aws_key_id(),
        fake::github_pat()
    );
    let c = dir.write("src/app.c", source);
    std::fs::create_dir_all(dir.path().join("bin")).unwrap();
    let out = Command::new("cc")
        .arg("-o")
        .arg(dir.path().join("bin/app"))
        .arg(&c)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&c).unwrap();
    let bytes = std::fs::read(dir.path().join("bin/app")).unwrap();
    assert!(bytes.starts_with(b"\x7fELF"));

    let strings = scan(dir.path(), &["dir", "."]);
    let want = vec![
        ("aws-access-key-id".to_string(), fake::aws_key_id()),
        ("github-pat".to_string(), fake::github_pat()),
    ];
    assert_eq!(found(&strings), want, "{strings:?}");
    let mut wide = at_offsets(&bytes, &strings);
    wide.sort();
    assert_eq!(wide, vec![false, true]);

    // The raw bytes hold the ASCII one only: UTF-16 has a NUL between characters.
    let raw = scan(dir.path(), &["dir", ".", "--binary"]);
    assert_eq!(found(&raw), want[..1].to_vec(), "{raw:?}");
    assert_eq!(
        raw[0]["offset"],
        strings.iter().find(|f| f["rule_id"] == want[0].0).unwrap()["offset"]
    );

    // SARIF gives the byte offset in the region.
    let out = keyscout_in(dir.path(), &["dir", ".", "-f", "sarif", "-q"], None);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut offsets: Vec<u64> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["byteOffset"]
                .as_u64()
                .unwrap()
        })
        .collect();
    offsets.sort();
    let mut want_offsets: Vec<u64> = strings
        .iter()
        .map(|f| f["offset"].as_u64().unwrap())
        .collect();
    want_offsets.sort();
    assert_eq!(offsets, want_offsets);
}

#[test]
fn strings_do_not_join_two_runs() {
    // `password=` then, after a NUL, a value: two runs, no finding across them; the same
    // text with no NUL is one.
    let dir = Dir::new();
    let key = fake::aws_secret_key();
    dir.write(
        "joined.bin",
        format!("\0\0aws_secret_access_key = {key}\0\0"),
    );
    dir.write(
        "split.bin",
        format!("\0\0aws_secret_access_key = \0{key}\0\0"),
    );
    let got = scan(dir.path(), &["dir", "."]);
    let paths: Vec<&str> = got.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec!["joined.bin"], "{got:?}");
    assert_eq!(got[0]["offset"], 26);
    assert_eq!(got[0]["column"], 27);
}
