//! Whole scans of damaged inputs by the real binary: packs and indexes with flipped or cut
//! bytes, missing and self-naming objects, unreadable outputs, odd trees. Each asserts a
//! message naming what was not read, exit code 2 when something was not, and that the rest
//! was still scanned.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Dir, code, fake, findings, git, stderr};
use serde_json::Value;

/// A fresh repository on `main`.
fn repo() -> Dir {
    let dir = Dir::new();
    git(dir.path(), &["init", "-q"]);
    dir
}

/// Stages everything and commits.
fn commit(dir: &Dir, message: &str) {
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", message]);
}

/// `(rule_id, path, line)` of each finding.
fn places(found: &[Value]) -> BTreeSet<(String, String, u64)> {
    found
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// `keyscout git -f json` in `dir`: the output, its findings and exit code.
fn scan_git(dir: &Path) -> (std::process::Output, BTreeSet<(String, String, u64)>, i32) {
    let out = common::keyscout_in(dir, &["git", "-f", "json"], None);
    let found = places(&findings(&out));
    let rc = code(&out);
    (out, found, rc)
}

/// A packed repository: a long file edited in three commits (the pack stores the edits as
/// deltas), and two secrets, each alone in a small file of its own.
fn packed_repo() -> Dir {
    let dir = repo();
    let long: Vec<String> = (0..400)
        .map(|i| format!("line {i}: some text that is not a secret at all"))
        .collect();
    dir.write("long.txt", long.join("\n"));
    commit(&dir, "long file");
    for edit in 0..3 {
        let mut edited = long.clone();
        edited[100 + edit * 50] = format!("edited {edit}");
        dir.write("long.txt", edited.join("\n"));
        commit(&dir, &format!("edit {edit}"));
    }
    dir.write("aws.env", format!("AWS_KEY={}\n", fake::aws_key_id()));
    dir.write("gh.env", format!("TOKEN={}\n", fake::github_pat()));
    commit(&dir, "two leaks");
    git(dir.path(), &["repack", "-a", "-d", "-q"]);
    git(dir.path(), &["prune-packed"]);
    dir
}

/// One object of a pack, as `git verify-pack -v` lists it.
struct Entry {
    id: String,
    kind: String,
    offset: u64,
    end: u64,
    /// The object it is a delta of.
    base: Option<String>,
}

/// The pack and index of a repository with one pack, and the pack's objects.
fn pack_of(dir: &Path) -> (PathBuf, PathBuf, Vec<Entry>) {
    let packs = dir.join(".git/objects/pack");
    let idx = std::fs::read_dir(&packs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("a pack index");
    let listing = git(dir, &["verify-pack", "-v", idx.to_str().unwrap()]);
    let entries = listing
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 5 || cols[0].len() != 40 {
                return None;
            }
            let offset: u64 = cols[4].parse().ok()?;
            let in_pack: u64 = cols[3].parse().ok()?;
            Some(Entry {
                id: cols[0].to_string(),
                kind: cols[1].to_string(),
                offset,
                end: offset + in_pack,
                base: cols.get(6).map(|b| b.to_string()),
            })
        })
        .collect();
    (idx.with_extension("pack"), idx, entries)
}

/// A copy of the repository at `src` (with `cp -a`, keeping the pack byte for byte).
fn copy_of(src: &Path) -> Dir {
    let dir = Dir::new();
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", src.display()))
        .arg(dir.path())
        .status()
        .expect("run cp");
    assert!(status.success());
    dir
}

/// Flips the low bit of the byte at `at` of `file` (git writes packs read-only).
fn flip(file: &Path, at: u64) {
    let mut bytes = std::fs::read(file).unwrap();
    bytes[at as usize] ^= 0x01;
    let mut perms = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).unwrap();
    std::fs::write(file, bytes).unwrap();
}

/// Whether git itself reads every object of the repository.
fn git_accepts(dir: &Path) -> bool {
    Command::new("git")
        .args(["fsck", "--full", "--no-dangling"])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git fsck")
        .status
        .success()
}

/// The objects that are `id` or deltas built (at any depth) on it.
fn built_on(entries: &[Entry], id: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::from([id.to_string()]);
    loop {
        let more: Vec<String> = entries
            .iter()
            .filter(|e| e.base.as_ref().is_some_and(|b| out.contains(b)) && !out.contains(&e.id))
            .map(|e| e.id.clone())
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

/// Scans a copy of `src` with the pack byte at `at` flipped; asserts that either the scan
/// warned about a named object or file and exited with 2, or git reads the damaged pack too
/// and the findings are those of the intact pack. Returns the findings and the stderr.
fn scan_with_flip(
    src: &Path,
    at: u64,
    intact: &BTreeSet<(String, String, u64)>,
    names: &[String],
) -> (BTreeSet<(String, String, u64)>, String) {
    let dir = copy_of(src);
    let (pack, _, _) = pack_of(dir.path());
    flip(&pack, at);
    let (out, found, rc) = scan_git(dir.path());
    let err = stderr(&out);
    if rc == 2 {
        assert!(
            err.contains("warning") && names.iter().any(|n| err.contains(n.as_str())),
            "byte {at}: exit 2 without a warning naming an object or file: {err}"
        );
    } else {
        assert!(
            git_accepts(dir.path()),
            "byte {at}: git refuses the pack, keyscout exits {rc} without a warning: {err}"
        );
        assert_eq!(&found, intact, "byte {at}: git accepts the pack");
    }
    assert!(
        found.is_subset(intact),
        "byte {at}: findings in corrupt bytes: {found:?}"
    );
    (found, err)
}

#[test]
fn a_flipped_byte_at_twelve_places_of_a_pack_is_a_warning_and_exit_2() {
    let src = packed_repo();
    let (intact, rc) = {
        let (_, found, rc) = scan_git(src.path());
        (found, rc)
    };
    assert_eq!(rc, 1);
    assert_eq!(intact.len(), 2, "{intact:?}");
    let (pack, _, entries) = pack_of(src.path());
    let len = std::fs::metadata(&pack).unwrap().len();
    let mut names: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    names.push(pack.file_name().unwrap().to_string_lossy().into_owned());
    // Between the 12-byte header and the 20-byte trailing checksum (which nothing but a
    // full verification reads: a flip there changes no object).
    let (first, last) = (12, len - 20);
    for k in 0..12 {
        let at = first + (last - first) * (2 * k + 1) / 24;
        let (found, err) = scan_with_flip(src.path(), at, &intact, &names);
        // A flip in a blob that holds no secret and is no secret's base loses nothing else.
        let hit = entries
            .iter()
            .find(|e| e.offset <= at && at < e.end)
            .expect("every byte is in an entry");
        let secrets: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.kind == "blob" && e.end - e.offset < 60)
            .collect();
        let spared = hit.kind == "blob"
            && secrets
                .iter()
                .all(|s| !built_on(&entries, &hit.id).contains(&s.id));
        if spared {
            assert_eq!(found, intact, "byte {at} of blob {}: {err}", hit.id);
        }
    }
}

#[test]
fn every_byte_of_a_secrets_blob_flipped_is_a_warning_naming_it() {
    let src = packed_repo();
    let (_, intact, _) = scan_git(src.path());
    let (_, _, entries) = pack_of(src.path());
    let secret = git(src.path(), &["rev-parse", "HEAD:aws.env"]);
    let entry = entries
        .iter()
        .find(|e| e.id == secret)
        .expect("the secret's blob is packed");
    let other: BTreeSet<_> = intact
        .iter()
        .filter(|(_, path, _)| path != "aws.env")
        .cloned()
        .collect();
    for at in entry.offset..entry.end {
        let (found, err) = scan_with_flip(src.path(), at, &intact, std::slice::from_ref(&secret));
        if found != intact {
            assert!(err.contains(&secret), "byte {at}: {err}");
        }
        assert!(found.is_superset(&other), "byte {at}: lost {other:?}");
    }
}

/// A packed history with a secret, then a commit whose objects stay loose with another.
fn packed_then_loose() -> (Dir, String) {
    let dir = packed_repo();
    dir.write("late.env", format!("STRIPE={}\n", fake::stripe_live()));
    commit(&dir, "late leak, loose");
    let late = git(dir.path(), &["rev-parse", "HEAD:late.env"]);
    (dir, late)
}

/// Cuts `file` to its first `len` bytes.
fn cut(file: &Path, len: u64) {
    let mut perms = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .unwrap()
        .set_len(len)
        .unwrap();
}

#[test]
fn a_pack_or_index_cut_short_is_a_warning_and_loose_objects_are_still_scanned() {
    let (src, _) = packed_then_loose();
    let (pack, idx, entries) = pack_of(src.path());
    let pack_len = std::fs::metadata(&pack).unwrap().len();
    let idx_len = std::fs::metadata(&idx).unwrap().len();
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    for (which, len) in [
        ("pack", pack_len / 2),
        ("pack", pack_len - 21),
        ("pack", 10),
        ("idx", idx_len / 2),
        ("idx", 100),
        ("idx", 0),
    ] {
        let dir = copy_of(src.path());
        let (pack, idx, _) = pack_of(dir.path());
        let file = if which == "pack" { &pack } else { &idx };
        cut(file, len);
        let (out, found, rc) = scan_git(dir.path());
        let err = stderr(&out);
        assert_eq!(rc, 2, "{which} cut to {len}: {err}");
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            err.contains(&name) || ids.iter().any(|id| err.contains(id.as_str())),
            "{which} cut to {len}: no warning names it or an object: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        // The loose commit's secret is read whatever happened to the pack.
        assert!(
            found
                .iter()
                .any(|(rule, path, _)| path == "late.env" && rule.contains("stripe")),
            "{which} cut to {len}: the loose secret is lost: {found:?} {err}"
        );
    }
}

#[test]
fn a_flipped_byte_in_the_pack_index_is_a_warning_or_changes_nothing() {
    let src = packed_repo();
    let (_, intact, _) = scan_git(src.path());
    let (_, idx, entries) = pack_of(src.path());
    let len = std::fs::metadata(&idx).unwrap().len();
    let mut names: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    names.push(idx.file_name().unwrap().to_string_lossy().into_owned());
    names.push(
        idx.with_extension("pack")
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
    );
    // Header, fan-out, object ids, CRC32s, offsets, and the trailing checksums.
    for k in 0..16 {
        let at = len * (2 * k + 1) / 32;
        let dir = copy_of(src.path());
        let (_, idx, _) = pack_of(dir.path());
        flip(&idx, at);
        let (out, found, rc) = scan_git(dir.path());
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "byte {at}: {err}");
        if rc == 2 {
            assert!(
                names.iter().any(|n| err.contains(n.as_str())),
                "byte {at} of the index: exit 2 naming nothing: {err}"
            );
        } else {
            assert_eq!(found, intact, "byte {at} of the index: {err}");
        }
        assert!(found.is_subset(&intact), "byte {at}: {found:?}");
    }
}

/// Writes a loose object of `kind` under the id `id` (whatever its content hashes to: git
/// cannot make such an object, a damaged or hostile repository can hold one).
fn write_loose(dir: &Path, id: &str, kind: &str, content: &[u8]) {
    use std::io::Write;
    let mut raw = format!("{kind} {}\0", content.len()).into_bytes();
    raw.extend_from_slice(content);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let path = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, z.finish().unwrap()).unwrap();
}

/// A tree entry: mode, name, raw id.
fn tree_entry(mode: &str, name: &str, id: &str) -> Vec<u8> {
    let mut out = format!("{mode} {name}\0").into_bytes();
    out.extend((0..20).map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap()));
    out
}

#[test]
fn a_tree_that_names_itself_is_read_once_and_the_scan_ends() {
    let dir = repo();
    dir.write("ok.env", format!("AWS={}\n", fake::aws_key_id()));
    commit(&dir, "a leak");
    let blob = git(dir.path(), &["rev-parse", "HEAD:ok.env"]);
    // A tree stored under an id of our choosing, holding itself as `loop/`.
    let own = "1234567890abcdef1234567890abcdef12345678";
    let mut content = tree_entry("40000", "loop", own);
    content.extend(tree_entry("100644", "ok.env", &blob));
    write_loose(dir.path(), own, "tree", &content);
    let parent = git(dir.path(), &["rev-parse", "HEAD"]);
    let looped = git(
        dir.path(),
        &[
            "commit-tree",
            own,
            "-p",
            &parent,
            "-m",
            "a tree that holds itself",
        ],
    );
    git(dir.path(), &["update-ref", "refs/heads/main", &looped]);

    let started = std::time::Instant::now();
    let out = dir.keyscout(&["git", "-f", "json"]);
    let err = stderr(&out);
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let found = places(&findings(&out));
    assert!(
        found.iter().any(|(_, path, _)| path == "ok.env"),
        "{found:?} {err}"
    );
    // Either the loop is a warning naming the tree (exit 2), or the tree is read once.
    if code(&out) == 2 {
        assert!(err.contains(own), "{err}");
    } else {
        assert_eq!(code(&out), 1, "{err}");
    }
}

#[test]
fn a_path_that_is_not_utf8_is_scanned_and_reported() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo();
    let name = std::ffi::OsStr::from_bytes(b"conf\xff\xfe.env");
    std::fs::write(
        dir.path().join(name),
        format!("AWS={}\n", fake::aws_key_id()),
    )
    .unwrap();
    let out = dir.keyscout(&["dir", ".", "-f", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let found = places(&findings(&out));
    assert!(
        found
            .iter()
            .any(|(_, path, _)| path.starts_with("conf") && path.ends_with(".env")),
        "{found:?}"
    );
    // The same name in git history.
    commit(&dir, "odd name");
    let (out, found, rc) = scan_git(dir.path());
    assert_eq!(rc, 1, "{}", stderr(&out));
    assert!(
        found
            .iter()
            .any(|(_, path, _)| path.starts_with("conf") && path.ends_with(".env")),
        "{found:?}"
    );
}

#[test]
fn stdout_closed_early_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = Dir::new();
    let line = format!("AWS={}\n", fake::aws_key_id());
    for i in 0..2000 {
        dir.write(&format!("f{i}.env"), &line);
    }
    for format in ["text", "jsonl", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keyscout"))
            .args(["dir", ".", "-f", format])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{format}: {err}"
        );
        assert!(out.status.code().is_some(), "{format}: killed by a signal");
    }
}

#[test]
fn output_to_a_full_disk_is_a_clear_error_and_exit_2() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let dir = Dir::new();
    dir.write("a.env", format!("AWS={}\n", fake::aws_key_id()));
    for format in ["text", "json", "sarif", "jsonl"] {
        let out = dir.keyscout(&["dir", ".", "-f", format, "-o", "/dev/full"]);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{format}: {err}");
        assert!(err.contains("/dev/full"), "{format}: {err}");
        assert!(!err.contains("panicked"), "{format}: {err}");
    }
}

/// The state file of `keyscout git --state`, parsed; panics unless it is whole JSON.
fn read_state(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap();
    serde_json::from_slice(&text)
        .unwrap_or_else(|e| panic!("state not whole ({e}): {}", String::from_utf8_lossy(&text)))
}

#[test]
fn state_written_by_two_runs_at_once_stays_whole() {
    let dir = Dir::new();
    for name in ["a", "b"] {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        git(&sub, &["init", "-q"]);
        std::fs::write(sub.join("k.env"), format!("AWS={}\n", fake::aws_key_id())).unwrap();
        git(&sub, &["add", "-A"]);
        git(&sub, &["commit", "-qm", "leak"]);
    }
    for _ in 0..5 {
        let runs: Vec<_> = ["a", "b"]
            .iter()
            .map(|name| {
                Command::new(env!("CARGO_BIN_EXE_keyscout"))
                    .args(["git", name, "--state", "state.json", "-q"])
                    .current_dir(dir.path())
                    .output()
            })
            .collect();
        for run in runs {
            let out = run.unwrap();
            assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
        }
        let state = read_state(&dir.path().join("state.json"));
        assert!(state["repositories"].is_object(), "{state}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_run_killed_while_writing_state_leaves_the_old_state_whole() {
    let dir = packed_repo();
    for i in 0..30 {
        dir.write(&format!("more/f{i}.txt"), format!("{i}\n").repeat(200));
    }
    commit(&dir, "more");
    let state = dir.path().join("state.json");
    let out = dir.keyscout(&["git", "--state", "state.json", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let old = std::fs::read(&state).unwrap();
    read_state(&state);
    // Kill runs (that rescan everything: --all) at spread moments, some while writing.
    for delay_ms in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 300] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keyscout"))
            .args(["git", "--state", "state.json", "--all", "-q"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // The old state, or the new one whole: never a part of one.
        let parsed = read_state(&state);
        let repos = parsed["repositories"].as_object().expect("repositories");
        assert_eq!(repos.len(), 1, "killed after {delay_ms} ms: {parsed}");
        assert_eq!(
            repos.values().next().unwrap(),
            serde_json::from_slice::<Value>(&old).unwrap()["repositories"]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap(),
            "killed after {delay_ms} ms"
        );
    }
}

#[test]
fn a_thousand_levels_of_directories_are_walked_to_the_bottom() {
    let dir = Dir::new();
    let mut deep = dir.path().to_path_buf();
    for _ in 0..1000 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("k.env"), format!("AWS={}\n", fake::aws_key_id())).unwrap();
    dir.write("top.env", format!("TOKEN={}\n", fake::github_pat()));
    let out = dir.keyscout(&["dir", ".", "-f", "json"]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let found = places(&findings(&out));
    assert!(found.iter().any(|(_, p, _)| p == "top.env"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(_, p, _)| p.ends_with("/d/k.env") && p.matches("d/").count() == 1000),
        "{found:?} {err}"
    );
    assert_eq!(code(&out), 1, "{err}");
}

#[test]
fn an_extend_path_to_an_endless_file_is_a_clear_error() {
    let dir = Dir::new();
    dir.write(
        "rules.toml",
        "[extend]\npath = \"/dev/zero\"\n[[rules]]\nid = \"x\"\nregex = 'x_[a-z]{8}'\n",
    );
    dir.write("a.txt", "nothing\n");
    let started = std::time::Instant::now();
    let out = dir.keyscout(&["dir", "a.txt", "--config", "rules.toml"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn a_file_that_grows_or_shrinks_while_read_is_scanned_without_a_crash() {
    use std::io::Write;
    let dir = Dir::new();
    let secret = format!("AWS={}\n", fake::aws_key_id());
    dir.write("steady.env", &secret);
    let moving = dir.path().join("moving.log");
    let filler = "x".repeat(1000) + "\n";
    std::fs::write(&moving, filler.repeat(20_000)).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, moving, filler) = (stop.clone(), moving.clone(), filler.clone());
        std::thread::spawn(move || {
            let mut grow = true;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&moving)
                    .unwrap();
                if grow {
                    let mut file = std::fs::OpenOptions::new()
                        .append(true)
                        .open(&moving)
                        .unwrap();
                    for _ in 0..2000 {
                        file.write_all(filler.as_bytes()).unwrap();
                    }
                } else {
                    file.set_len(1000).unwrap();
                }
                grow = !grow;
            }
        })
    };
    for _ in 0..10 {
        let out = dir.keyscout(&["dir", ".", "-f", "json"]);
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("SIGBUS"),
            "{err}"
        );
        assert!(matches!(code(&out), 1 | 2), "{err}");
        if code(&out) == 2 {
            assert!(err.contains("moving.log"), "{err}");
        }
        let found = places(&findings(&out));
        assert!(found.iter().any(|(_, p, _)| p == "steady.env"), "{found:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
}

/// Peak resident memory of a command, in KiB, from GNU time.
fn peak_rss_kib(dir: &Path, args: &[&str]) -> (u64, std::process::Output) {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("peak_rss_kib=%M")
        .arg(env!("CARGO_BIN_EXE_keyscout"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run /usr/bin/time");
    let err = stderr(&out);
    let kib = err
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kib="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in: {err}"));
    (kib, out)
}

#[test]
#[ignore = "writes a 2 GB sparse file and reads it all: about a minute"]
fn a_2_gb_file_is_scanned_in_bounded_memory() {
    let dir = Dir::new();
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(2 << 30).unwrap();
    // A secret near the end, after 2 GB of zeros (a binary file: its strings are scanned).
    use std::io::{Seek, SeekFrom, Write};
    let mut file = file;
    file.seek(SeekFrom::Start((2 << 30) - 4096)).unwrap();
    file.write_all(format!("\nAWS={}\n", fake::aws_key_id()).as_bytes())
        .unwrap();
    drop(file);
    let (kib, out) = peak_rss_kib(dir.path(), &["dir", ".", "-f", "json"]);
    eprintln!("2 GB sparse file: peak RSS {} MiB", kib / 1024);
    let found = places(&findings(&out));
    assert!(
        found.iter().any(|(_, p, _)| p == "big.bin"),
        "{found:?} {}",
        stderr(&out)
    );
    assert!(kib < 512 * 1024, "peak RSS {kib} KiB");
}

#[test]
#[ignore = "makes 100,000 files: about a minute"]
fn a_directory_of_100_000_files_is_scanned_whole() {
    let dir = Dir::new();
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..100_000 {
        std::fs::write(many.join(format!("f{i:06}.txt")), format!("line {i}\n")).unwrap();
    }
    std::fs::write(
        many.join("f099999.txt"),
        format!("AWS={}\n", fake::aws_key_id()),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (kib, out) = peak_rss_kib(dir.path(), &["dir", ".", "-f", "json"]);
    eprintln!(
        "100,000 files: {:?}, peak RSS {} MiB",
        started.elapsed(),
        kib / 1024
    );
    let found = places(&findings(&out));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(stderr(&out).contains("100000 file(s)"), "{}", stderr(&out));
}

/// Writes a repository whose one pack holds a commit, a tree, a blob with `secret` and a delta
/// entry whose header declares 1.5 GB of delta data in a few compressed bytes (a forged size,
/// as the fuzzer of `git_objects` made one). Python, for zlib and SHA-1.
const FORGED_PACK: &str = r#"
import hashlib, os, struct, sys, zlib
out, secret = sys.argv[1], sys.argv[2].encode()
def oid(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()
def header(kind, size):
    out = bytearray(); byte = (kind << 4) | (size & 15); size >>= 4
    while size:
        out.append(byte | 128); byte = size & 127; size >>= 7
    out.append(byte); return bytes(out)
def distance(n):
    out = bytearray([n & 127]); n >>= 7
    while n:
        n -= 1; out.insert(0, 128 | (n & 127)); n >>= 7
    return bytes(out)
blob = b"aws_key = " + secret + b"\n"
tree = b"100644 a.txt\0" + oid(b"blob", blob)
commit = b"tree %s\nauthor a <a@b> 0 +0000\ncommitter a <a@b> 0 +0000\n\nx\n" % oid(b"tree", tree).hex().encode()
pack = bytearray(b"PACK" + struct.pack(">II", 2, 4))
entries = []
def add(id, raw):
    entries.append((id, len(pack), zlib.crc32(raw))); pack.extend(raw)
add(oid(b"commit", commit), header(1, len(commit)) + zlib.compress(commit))
add(oid(b"tree", tree), header(2, len(tree)) + zlib.compress(tree))
base = len(pack)
add(oid(b"blob", blob), header(3, len(blob)) + zlib.compress(blob))
delta = bytes([len(blob), 5, 5]) + b"hello"
add(hashlib.sha1(b"forged").digest(), header(6, 1500000000) + distance(len(pack) - base) + zlib.compress(delta))
pack.extend(hashlib.sha1(pack).digest())
entries.sort()
idx = bytearray(b"\377tOc" + struct.pack(">I", 2))
for b in range(256):
    idx.extend(struct.pack(">I", sum(1 for e in entries if e[0][0] <= b)))
for e in entries: idx.extend(e[0])
for e in entries: idx.extend(struct.pack(">I", e[2]))
for e in entries: idx.extend(struct.pack(">I", e[1]))
idx.extend(pack[-20:]); idx.extend(hashlib.sha1(idx).digest())
git = os.path.join(out, ".git")
os.makedirs(os.path.join(git, "objects", "pack")); os.makedirs(os.path.join(git, "refs", "heads"))
open(os.path.join(git, "HEAD"), "w").write("ref: refs/heads/main\n")
open(os.path.join(git, "config"), "w").write("[core]\n\trepositoryformatversion = 0\n\tbare = false\n")
open(os.path.join(git, "refs", "heads", "main"), "w").write(oid(b"commit", commit).hex() + "\n")
name = os.path.join(git, "objects", "pack", "pack-" + pack[-20:].hex())
open(name + ".pack", "wb").write(pack); open(name + ".idx", "wb").write(idx)
"#;

#[test]
fn a_pack_entry_declaring_a_huge_size_is_a_warning_not_an_allocation() {
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `python3` is not installed");
        return;
    }
    let dir = Dir::new();
    let secret = fake::aws_key_id();
    let status = Command::new("python3")
        .args(["-c", FORGED_PACK])
        .arg(dir.path())
        .arg(&secret)
        .status()
        .expect("run python3");
    assert!(status.success());
    // No commit reaches the forged entry: a scan of history never decodes it, one of every
    // object does and warns.
    for (args, warned) in [
        (&["git", ".", "-f", "json"][..], false),
        (&["git", ".", "--all-objects", "-f", "json"], true),
    ] {
        let (kib, out) = peak_rss_kib(dir.path(), args);
        let err = stderr(&out);
        assert_eq!(code(&out), if warned { 2 } else { 1 }, "{args:?}: {err}");
        assert_eq!(
            err.contains("declares 1500000000 bytes") && err.contains("at offset"),
            warned,
            "{args:?}: {err}"
        );
        // The blob beside it is still scanned.
        let found = places(&findings(&out));
        assert!(
            found.iter().any(|(_, p, _)| p == "a.txt"),
            "{found:?} {err}"
        );
        // Decoding allocated what the pack holds, not what the header claimed.
        assert!(kib < 256 * 1024, "{args:?}: peak RSS {kib} KiB");
    }
}

#[test]
fn a_corrupt_object_no_commit_reaches_is_never_decoded() {
    // A large blob committed on a branch that is then deleted: it stays in the pack,
    // unreachable, as on a server after a force-push. Its damage is no concern of a scan of
    // what the refs reach (git itself decoded it, and failed, before only wanted blobs and
    // their bases were).
    let dir = packed_repo();
    let (_, intact, _) = scan_git(dir.path());
    git(dir.path(), &["checkout", "-q", "-b", "side"]);
    let lines: Vec<String> = (0..400)
        .map(|i| {
            format!(
                "line {i}: {:x}",
                (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )
        })
        .collect();
    dir.write("big.txt", lines.join("\n"));
    commit(&dir, "side");
    git(dir.path(), &["checkout", "-q", "-"]);
    git(dir.path(), &["repack", "-a", "-d", "-q"]);
    git(dir.path(), &["branch", "-q", "-D", "side"]);
    git(dir.path(), &["reflog", "expire", "--expire=now", "--all"]);
    let (pack, _, entries) = pack_of(dir.path());
    let big = entries
        .iter()
        .find(|e| e.kind == "blob" && e.end - e.offset > 4000)
        .expect("the unreachable blob is packed");
    let mut bytes = std::fs::read(&pack).unwrap();
    // Early in its compressed data, where inflating it fails (not only its checksum).
    let at = (big.offset + (big.end - big.offset) / 8) as usize;
    bytes[at..at + 64].fill(0xff);
    let mut perms = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&pack, perms).unwrap();
    std::fs::write(&pack, bytes).unwrap();

    let (out, found, rc) = scan_git(dir.path());
    assert_eq!(rc, 1, "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(found, intact);
}
