//! Secrets hidden in base64, hex and percent-encoding, scanned by the real binary: found, placed
//! at the encoded text, labelled with their chain of decodings, depth-limited, and not found
//! in ordinary encoded data.

mod common;

use common::encode::{base64, hex, percent};
use common::{Dir, fake};
use serde_json::Value;

/// The only finding of a scan, or a panic naming them all.
fn only(findings: &[Value]) -> &Value {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    &findings[0]
}

#[test]
fn each_encoding_is_decoded_and_placed_at_the_encoded_text() {
    let pat = fake::github_pat();
    let cases = [
        ("base64", base64(pat.as_bytes(), false, true)),
        (
            "base64",
            base64(format!("token={pat}").as_bytes(), true, false),
        ),
        ("hex", hex(pat.as_bytes())),
        ("percent", percent(pat.as_bytes())),
    ];
    for (chain, encoded) in cases {
        let dir = Dir::new();
        dir.write("conf.yaml", format!("app: billing\nblob:  \"{encoded}\"\n"));
        let (findings, code) = dir.scan_json(&[]);
        assert_eq!(code, 1, "{encoded}");
        let f = only(&findings);
        assert_eq!(f["rule_id"], "github-pat");
        assert_eq!(f["secret"], pat.as_str());
        assert_eq!(f["decoded"], chain);
        assert!(
            f["tags"]
                .as_array()
                .unwrap()
                .contains(&Value::from(format!("decoded:{chain}")))
        );
        assert_eq!(f["line"], 2);
        assert_eq!(f["column"], 9, "{encoded}");
        assert_eq!(f["end_line"], 2);
        assert_eq!(f["end_column"], 9 + encoded.len() as u64);
    }
}

#[test]
fn the_fingerprint_is_the_decoded_secrets() {
    let key = fake::aws_key_id();
    let dir = Dir::new();
    let encoded = base64(format!("aws_access_key_id = {key}").as_bytes(), false, true);
    dir.write("a.txt", format!("id: {key}\nhidden: {encoded}\n"));
    let (findings, _) = dir.scan_json(&[]);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(
        findings[0].get("decoded").is_none(),
        "not decoded: no field"
    );
    assert_eq!(findings[1]["decoded"], "base64");
    assert_eq!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
    assert_eq!(findings[0]["secret"], findings[1]["secret"]);
}

#[test]
fn base64_of_hex_needs_depth_two() {
    let token = fake::stripe_live();
    let dir = Dir::new();
    let encoded = base64(hex(token.as_bytes()).as_bytes(), false, true);
    dir.write("x.env", format!("DATA={encoded}\n"));
    let (findings, code) = dir.scan_json(&[]);
    assert_eq!(code, 1);
    let f = only(&findings);
    assert_eq!(f["secret"], token.as_str());
    assert_eq!(f["decoded"], "base64>hex");
    assert_eq!(f["column"], 6);
    assert_eq!(dir.scan_json(&["--max-decode-depth", "2"]).0.len(), 1);
    assert_eq!(dir.scan_json(&["--max-decode-depth", "1"]), (vec![], 0));
}

#[test]
fn depth_zero_turns_decoding_off() {
    let dir = Dir::new();
    let pat = fake::github_pat();
    dir.write("a.txt", base64(pat.as_bytes(), false, true));
    dir.write("b.txt", hex(pat.as_bytes()));
    dir.write("c.txt", percent(pat.as_bytes()));
    assert_eq!(dir.scan_json(&[]).0.len(), 3);
    assert_eq!(dir.scan_json(&["--max-decode-depth", "0"]), (vec![], 0));
}

#[test]
fn ordinary_encoded_data_gives_no_findings() {
    let dir = Dir::new();
    // An inline PNG (header, chunks, pseudo-random pixel data) in HTML.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    let mut x = 12345u32;
    png.extend((0..3000).map(|_| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 16) as u8
    }));
    let img = base64(&png, false, true);
    dir.write(
        "index.html",
        format!("<img src=\"data:image/png;base64,{img}\">\n"),
    );
    // A lockfile's integrity hashes and a checksum file.
    let mut lock = String::from("{\n  \"packages\": {\n");
    let mut sums = String::new();
    for i in 0..50u32 {
        let digest: Vec<u8> = (0..64).map(|j| (i * 131 + j * 17 + j * j) as u8).collect();
        lock += &format!(
            "    \"node_modules/pkg{i}\": {{ \"integrity\": \"sha512-{}\" }},\n",
            base64(&digest, false, true)
        );
        sums += &format!("{}  pkg{i}.tar.gz\n", hex(&digest[..32]));
    }
    lock += "  }\n}\n";
    dir.write("package-lock.json", lock);
    dir.write("SHA256SUMS", sums);
    // Text that is encoded but holds no secret.
    let note = base64(
        b"Hello, this is a perfectly ordinary sentence.",
        false,
        true,
    );
    dir.write("note.txt", format!("{note}\n{}\n", percent(b"a=b&c=d")));
    assert_eq!(dir.scan_json(&["--min-confidence", "low"]), (vec![], 0));
}

#[test]
fn a_secret_found_directly_and_decoded_is_reported_once() {
    let pat = fake::github_pat();
    let dir = Dir::new();
    // Percent-encoded around the token, which stays readable: both scans see it.
    dir.write(
        "log.txt",
        format!("GET /cb?token={pat}&next=%2Fhome%3Fx%3D1 HTTP/1.1\n"),
    );
    let (findings, _) = dir.scan_json(&[]);
    let f = only(&findings);
    assert_eq!(f["secret"], pat.as_str());
    assert!(f.get("decoded").is_none());
}

#[test]
fn an_allow_comment_on_the_encoded_line_suppresses() {
    let dir = Dir::new();
    let encoded = hex(fake::github_pat().as_bytes());
    dir.write(
        "t.py",
        format!("FIXTURE = \"{encoded}\"  # keyscout:allow\n"),
    );
    assert_eq!(dir.scan_json(&[]), (vec![], 0));
}

#[test]
fn reports_show_the_chain_and_redact_the_encoded_text() {
    let pat = fake::github_pat();
    let encoded = base64(pat.as_bytes(), false, true);
    let dir = Dir::new();
    dir.write("a.txt", format!("k = {encoded}\n"));

    let text = common::stdout(&dir.keyscout(&["dir", ".", "-q", "--color", "never"]));
    assert!(text.contains("a.txt:1:5 github-pat"), "{text}");
    assert!(text.contains(&format!("    k = {encoded}\n")), "{text}");
    assert!(text.contains(&format!("decoded (base64): {pat}")), "{text}");

    let redacted = common::stdout(&dir.keyscout(&["dir", ".", "-q", "--redact"]));
    assert!(!redacted.contains(&encoded[..8]), "{redacted}");
    assert!(!redacted.contains(&pat[4..]), "{redacted}");

    let sarif: Value =
        serde_json::from_slice(&dir.keyscout(&["dir", ".", "-q", "-f", "sarif"]).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["keyscout"]["decoded"], "base64");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["snippet"]["text"], pat.as_str());
    assert_eq!(region["startColumn"], 5);
    assert_eq!(region["endColumn"], 5 + encoded.len() as u64);
}

#[test]
fn stdin_is_decoded_too() {
    let pat = fake::github_pat();
    let input = format!("x\n{}\n", hex(pat.as_bytes()));
    let out = common::keyscout_in(
        std::env::temp_dir().as_path(),
        &["stdin", "-f", "json", "-q"],
        Some(input.as_bytes()),
    );
    let findings = common::findings(&out);
    let f = only(&findings);
    assert_eq!(f["decoded"], "hex");
    assert_eq!(f["line"], 2);
}
