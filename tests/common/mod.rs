//! The integration-test harness: a temp directory to build trees in, and the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A temporary tree to scan.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `contents` at `rel`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// `keyscout ARGS` run in this directory, without the caller's KEYSCOUT_CONFIG.
    pub fn keyscout(&self, args: &[&str]) -> Output {
        keyscout_in(self.path(), args, None)
    }

    /// `keyscout dir . -f json ARGS`, parsed.
    pub fn scan_json(&self, args: &[&str]) -> (Vec<Value>, i32) {
        let mut all = vec!["dir", ".", "-f", "json", "-q"];
        all.extend_from_slice(args);
        let out = self.keyscout(&all);
        (findings(&out), code(&out))
    }
}

pub fn keyscout_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyscout"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("KEYSCOUT_CONFIG")
        .env_remove("NO_COLOR")
        // Tests run from a git hook would otherwise hand their index to every `--staged`.
        .env_remove("GIT_INDEX_FILE");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run keyscout");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for keyscout")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `findings` array of a JSON report.
pub fn findings(out: &Output) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)));
    doc["findings"].as_array().expect("findings array").clone()
}

/// `(rule_id, path, line)` of each finding, sorted.
pub fn summary(findings: &[Value]) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Made-up secrets in real formats, built at run time so this file holds none.
pub mod fake {
    /// An AWS access key id: `AKIA` + 16 of [A-Z2-7].
    pub fn aws_key_id() -> String {
        format!("AKIA{}", "QX4TZ7NB2KW5RM3Y")
    }

    /// A GitHub classic token: `ghp_` + 30 alphanumerics + their base62 CRC32.
    pub fn github_pat() -> String {
        format!("ghp_{}{}", "9fZkq2LmT7xWv4RbN8cYs1HdJ6pUe3", "0fdjfo")
    }

    /// An AWS secret access key: 40 of [A-Za-z0-9/+].
    pub fn aws_secret_key() -> String {
        format!("{}{}", "w9Xr2Lq7Vb4Nc8Mz1Kd6", "Hf3Jg5Pt0Ys7Ua2Ee4Rn")
    }

    /// A Stripe live secret key.
    pub fn stripe_live() -> String {
        format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dcR2xZ8mNq")
    }

    /// A made-up RSA private key block of `lines` base64 lines, the same for the same `seed`.
    pub fn rsa_private_key(seed: u32, lines: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut state = seed;
        let mut body = String::new();
        for _ in 0..lines {
            for _ in 0..64 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                body.push(ALPHABET[(state >> 26) as usize] as char);
            }
            body.push('\n');
        }
        let kind = "RSA PRIVATE KEY";
        format!("-----BEGIN {kind}-----\n{body}-----END {kind}-----")
    }
}

/// Runs the real `git ARGS` in `dir`, isolated from the user's configuration, with a fixed
/// identity and dates one hour apart per call (so that commit order is time order); returns
/// its trimmed stdout and panics if it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CLOCK: AtomicU64 = AtomicU64::new(0);
    let hours = CLOCK.fetch_add(1, Ordering::Relaxed);
    let date = format!("{} +0000", 1_600_000_000 + hours * 3600);
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Dev Eloper",
            "-c",
            "user.email=dev@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "core.autocrlf=false",
            "-c",
            "gc.auto=0",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .stdin(Stdio::null())
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Encoders for hiding test secrets, as the decoding tests need them.
pub mod encode {
    /// Base64 in the standard (`+/`) or URL-safe (`-_`) alphabet, with or without padding.
    pub fn base64(data: &[u8], url_safe: bool, pad: bool) -> String {
        let alphabet: &[u8] = if url_safe {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        } else {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        };
        let mut out = String::new();
        for group in data.chunks(3) {
            let n =
                group.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - group.len()));
            for i in 0..=group.len() {
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
            if pad {
                for _ in group.len()..3 {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn hex(data: &[u8]) -> String {
        data.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Every byte as a `%XX` escape.
    pub fn percent(data: &[u8]) -> String {
        data.iter().map(|b| format!("%{b:02X}")).collect()
    }
}

/// A tar of `(path, contents)`; in an image layer, an empty `contents` with a `.wh.` name is
/// a whiteout.
pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        out.append_data(&mut header, name, *data).unwrap();
    }
    out.into_inner().unwrap()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    out.write_all(data).unwrap();
    out.finish().unwrap()
}
