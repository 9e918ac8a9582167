//! `--archives` end to end: archives built here with the same crates keyscout reads them with,
//! scanned by the real binary.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{Dir, code, fake, findings, gzip, keyscout_in, stderr, summary, tar};

/// A text file with a fake AWS key on line 3.
fn leak() -> String {
    format!("# settings\n\nAWS_ID = \"{}\"\n", fake::aws_key_id())
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        out.start_file(*name, options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// `(path, line)` of each finding, sorted.
fn places(found: &[serde_json::Value]) -> Vec<(String, u64)> {
    summary(found).into_iter().map(|(_, p, l)| (p, l)).collect()
}

fn owned(places: &[(&str, u64)]) -> Vec<(String, u64)> {
    places.iter().map(|&(p, l)| (p.to_owned(), l)).collect()
}

#[test]
fn finds_keys_in_each_kind_of_archive_with_inner_path_and_line() {
    let dir = Dir::new();
    let text = leak();
    let text = text.as_bytes();
    dir.write(
        "a.zip",
        zip(&[("docs/readme.md", b"hi\n"), ("conf/app.env", text)]),
    );
    let manifest = b"Manifest-Version: 1.0\n".as_slice();
    dir.write(
        "lib/app.jar",
        zip(&[("META-INF/MANIFEST.MF", manifest), ("app.properties", text)]),
    );
    dir.write("b.tar", tar(&[("x/secret.txt", text)]));
    dir.write("c.tar.gz", gzip(&tar(&[("y/secret.txt", text)])));
    dir.write("d.tgz", gzip(&tar(&[("z.txt", text)])));
    dir.write("e.txt.gz", gzip(text));
    let inner_zip = zip(&[("deep/secret.yml", text)]);
    dir.write(
        "f.tar.gz",
        gzip(&tar(&[("readme", b"nothing\n"), ("inner.zip", &inner_zip)])),
    );
    dir.write("plain.txt", "no secrets\n");

    let (found, code) = dir.scan_json(&["--archives"]);
    assert_eq!(code, 1);
    let expected = [
        ("a.zip!conf/app.env", 3),
        ("b.tar!x/secret.txt", 3),
        ("c.tar.gz!y/secret.txt", 3),
        ("d.tgz!z.txt", 3),
        ("e.txt.gz!e.txt", 3),
        ("f.tar.gz!inner.zip!deep/secret.yml", 3),
        ("lib/app.jar!app.properties", 3),
    ];
    assert_eq!(places(&found), owned(&expected));
    for f in &found {
        assert_eq!(f["rule_id"], "aws-access-key-id");
        assert_eq!(f["column"], 11);
        assert_eq!(f["secret"], fake::aws_key_id());
    }

    // Without --archives they are binary files, read as their printable strings: only the
    // plain tar holds the text as it is, at its offset in the tar (a 512-byte header first).
    let (found, code) = dir.scan_json(&[]);
    assert_eq!(places(&found), owned(&[("b.tar", 3)]), "{found:?}");
    assert_eq!((found[0]["offset"].as_u64(), code), (Some(512 + 22), 1));
}

#[test]
fn stdin_archives_use_the_label() {
    let dir = Dir::new();
    let data = gzip(&tar(&[("etc/app.conf", leak().as_bytes())]));
    let args = [
        "stdin",
        "--archives",
        "--label",
        "upload.tgz",
        "-f",
        "json",
        "-q",
    ];
    let out = keyscout_in(dir.path(), &args, Some(&data));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        places(&findings(&out)),
        owned(&[("upload.tgz!etc/app.conf", 3)])
    );
    let zipped = zip(&[("k.txt", leak().as_bytes())]);
    let out = keyscout_in(dir.path(), &args, Some(&zipped));
    assert_eq!(places(&findings(&out)), owned(&[("upload.tgz!k.txt", 3)]));
}

#[test]
fn a_corrupt_archive_is_a_warning_and_exit_2_and_the_rest_is_scanned() {
    let dir = Dir::new();
    let mut broken = zip(&[("a.txt", leak().as_bytes())]);
    broken.truncate(broken.len() / 2);
    dir.write("broken.zip", &broken);
    let mut cut = gzip(&tar(&[("big.txt", "line\n".repeat(50_000).as_bytes())]));
    cut.truncate(cut.len() / 2);
    dir.write("cut.tar.gz", &cut);
    dir.write("good.env", leak());

    let out = dir.keyscout(&["dir", ".", "--archives", "-f", "json"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("broken.zip: not a readable zip archive"),
        "{err}"
    );
    assert!(err.contains("cut.tar.gz"), "{err}");
    assert!(err.contains("2 error(s)"), "{err}");
    assert_eq!(places(&findings(&out)), owned(&[("good.env", 3)]));
}

/// `megabytes` MiB of text lines that deflate a few hundred to one, a MiB at a time.
fn bomb_text(megabytes: usize) -> impl Iterator<Item = Vec<u8>> {
    let line = format!("{}\n", "x".repeat(1023));
    (0..megabytes).map(move |_| line.repeat(1024).into_bytes())
}

fn zip_bomb(name: &str, megabytes: usize) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(megabytes >= 4096);
    out.start_file(name, options).unwrap();
    for block in bomb_text(megabytes) {
        out.write_all(&block).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_stops_quickly_with_a_warning() {
    let dir = Dir::new();
    let bomb = zip_bomb("huge.txt", 400);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    dir.write("bomb.zip", &bomb);
    // The scan goes on with the other files.
    dir.write("after.env", leak());

    let started = Instant::now();
    let out = dir.keyscout(&["dir", ".", "--archives", "-f", "json"]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("bomb.zip: archive not scanned past") && err.contains("zip bomb"),
        "{err}"
    );
    assert_eq!(places(&findings(&out)), owned(&[("after.env", 3)]));
}

#[test]
fn a_nested_zip_bomb_stops_too() {
    let dir = Dir::new();
    let inner = zip_bomb("layer.txt", 40);
    let members: Vec<(String, Vec<u8>)> = (0..10)
        .map(|i| (format!("part{i}.zip"), inner.clone()))
        .collect();
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    dir.write("nested.zip", zip(&refs));
    let started = Instant::now();
    let out = dir.keyscout(&["dir", ".", "--archives", "-q"]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("nested.zip: archive not scanned past"),
        "{err}"
    );
}

/// A zip whose central directory lists the same compressed data many times under different
/// names (the overlapping-member bomb).
fn overlapping_zip(copies: usize) -> Vec<u8> {
    let mut data = zip_bomb("m0000", 8);
    let eocd = data.len() - 22;
    assert_eq!(&data[eocd..eocd + 4], b"PK\x05\x06");
    let u32_at = |d: &[u8], at: usize| u32::from_le_bytes(d[at..at + 4].try_into().unwrap());
    let (cd_size, cd_start) = (u32_at(&data, eocd + 12), u32_at(&data, eocd + 16));
    let record = data[cd_start as usize..(cd_start + cd_size) as usize].to_vec();
    data.truncate(cd_start as usize);
    for i in 0..copies {
        let mut copy = record.clone();
        let name = format!("m{i:04}");
        copy[46..51].copy_from_slice(name.as_bytes());
        data.extend_from_slice(&copy);
    }
    let mut end = vec![0u8; 22];
    end[..4].copy_from_slice(b"PK\x05\x06");
    end[8..10].copy_from_slice(&(copies as u16).to_le_bytes());
    end[10..12].copy_from_slice(&(copies as u16).to_le_bytes());
    end[12..16].copy_from_slice(&(cd_size * copies as u32).to_le_bytes());
    end[16..20].copy_from_slice(&cd_start.to_le_bytes());
    data.extend_from_slice(&end);
    data
}

#[test]
fn an_overlapping_zip_bomb_is_not_opened() {
    let dir = Dir::new();
    dir.write("overlap.zip", overlapping_zip(500));
    let out = dir.keyscout(&["dir", ".", "--archives", "-q"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("overlap.zip: zip not opened: its members overlap"),
        "{err}"
    );
}

#[test]
fn archives_nest_three_deep_and_no_deeper() {
    let dir = Dir::new();
    let text = leak();
    let level3 = zip(&[("l3.txt", text.as_bytes())]);
    let level2 = zip(&[("l2.zip", &level3), ("l2.txt", text.as_bytes())]);
    dir.write("three.zip", zip(&[("l1.zip", &level2)]));
    let (found, exit) = dir.scan_json(&["--archives"]);
    assert_eq!(exit, 1);
    assert_eq!(
        places(&found),
        owned(&[
            ("three.zip!l1.zip!l2.txt", 3),
            ("three.zip!l1.zip!l2.zip!l3.txt", 3)
        ])
    );

    dir.write(
        "four.zip",
        zip(&[("top.zip", &zip(&[("l1.zip", &level2)]))]),
    );
    let out = dir.keyscout(&["dir", ".", "--archives", "-f", "json"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains(
            "four.zip!top.zip!l1.zip!l2.zip: archive not opened: archives nested more than 3 deep"
        ),
        "{err}"
    );
    let paths = places(&findings(&out));
    assert!(paths.contains(&("four.zip!top.zip!l1.zip!l2.txt".to_owned(), 3)));
    assert!(
        !paths
            .iter()
            .any(|(p, _)| p.starts_with("four.zip!top.zip!l1.zip!l2.zip"))
    );
}

#[test]
fn allowlists_ignore_globs_and_max_file_size_apply_to_members() {
    let dir = Dir::new();
    let text = leak();
    dir.write("vendor.jar", zip(&[("keys.properties", text.as_bytes())]));
    let padded = format!("{}{text}", "#\n".repeat(5000));
    dir.write(
        "app.zip",
        zip(&[
            ("small.env", text.as_bytes()),
            ("big.env", padded.as_bytes()),
        ]),
    );
    dir.write(
        ".keyscout.toml",
        "[extend]\nuseDefault = true\n[[allowlists]]\npaths = ['''\\.jar!''']\n",
    );
    let (found, _) = dir.scan_json(&["--archives"]);
    assert_eq!(
        places(&found),
        owned(&[("app.zip!big.env", 5003), ("app.zip!small.env", 3)])
    );
    let (found, _) = dir.scan_json(&["--archives", "--max-file-size", "1K"]);
    assert_eq!(places(&found), owned(&[("app.zip!small.env", 3)]));
    // Ignore-file globs see the member path too.
    dir.write(".keyscoutignore", "glob:*.zip!big.*:*\n");
    let (found, _) = dir.scan_json(&["--archives"]);
    assert_eq!(places(&found), owned(&[("app.zip!small.env", 3)]));
}
