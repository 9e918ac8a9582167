//! `keyscout image` end to end: images built here as `docker save` writes them and as OCI
//! image layouts (a directory and its tar), with gzip, zstd and plain tar layers, written with
//! the crates keyscout reads them with; no container daemon is needed.

mod common;

use std::path::Path;

use common::{Dir, code, fake, findings, gzip, keyscout_in, stderr, tar};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn digest(data: &[u8]) -> String {
    let hex: String = Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

fn hex(digest: &str) -> &str {
    &digest["sha256:".len()..]
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// What the test images hold.
struct Layers {
    /// Layer 1: an app with a `.env` holding an AWS key id.
    app: Vec<u8>,
    /// Layer 2: a config file holding a Stripe key, in a jar-less plain file.
    settings: Vec<u8>,
    /// Layer 3: deletes the `.env` (a whiteout).
    cleanup: Vec<u8>,
}

fn layers() -> Layers {
    let env = format!("DEBUG=0\naws_access_key_id = {}\n", fake::aws_key_id());
    let settings = format!("payments:\n  stripe_key: \"{}\"\n", fake::stripe_live());
    Layers {
        app: tar(&[
            ("app/main.py", b"print('hi')\n"),
            ("app/.env", env.as_bytes()),
        ]),
        settings: tar(&[("etc/app/settings.yml", settings.as_bytes())]),
        cleanup: tar(&[("app/.wh..env", b"")]),
    }
}

const COPY_ENV: &str = "COPY app/ /app/ # buildkit";
const COPY_SETTINGS: &str = "COPY settings.yml /etc/app/ # buildkit";
const RM_ENV: &str = "RUN /bin/sh -c rm /app/.env # buildkit";

/// The image config: the key in `Env` (set by an `ENV` instruction), a token in a `RUN`.
fn config(diff_ids: &[String]) -> Vec<u8> {
    let token = fake::github_pat();
    let doc = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin", format!("STRIPE_KEY={}", fake::stripe_live())],
            "Labels": {"maintainer": "ops@example.com"},
            "Cmd": ["python3", "/app/main.py"]
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [
            {"created_by": COPY_ENV},
            {"created_by": format!("ENV STRIPE_KEY={}", fake::stripe_live()), "empty_layer": true},
            {"created_by": format!("RUN /bin/sh -c git clone https://x-access-token:{token}@github.com/acme/tools.git /opt/tools # buildkit"), "empty_layer": true},
            {"created_by": COPY_SETTINGS},
            {"created_by": RM_ENV}
        ]
    });
    serde_json::to_vec_pretty(&doc).unwrap()
}

/// A `docker save` tarball (the classic layout: `<id>/layer.tar`, plain tar layers).
fn docker_save(path: &Path) -> Vec<String> {
    let l = layers();
    let plain = [l.app, l.settings, l.cleanup];
    let diff_ids: Vec<String> = plain.iter().map(|t| digest(t)).collect();
    let config = config(&diff_ids);
    let config_name = format!("{}.json", hex(&digest(&config)));
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    let mut layer_names = Vec::new();
    for (i, t) in plain.iter().enumerate() {
        let name = format!("{}/layer.tar", hex(&diff_ids[i]));
        layer_names.push(name.clone());
        members.push((name, t.clone()));
    }
    members.push((config_name.clone(), config));
    let manifest =
        json!([{"Config": config_name, "RepoTags": ["acme/app:1.0"], "Layers": layer_names}]);
    members.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    std::fs::write(path, tar(&refs)).unwrap();
    diff_ids
}

/// An OCI image layout in `dir`: layer 1 gzip, layer 2 zstd, layer 3 plain; returns the
/// layers' digests.
fn oci_layout(dir: &Path) -> Vec<String> {
    let l = layers();
    let diff_ids: Vec<String> = [&l.app, &l.settings, &l.cleanup]
        .iter()
        .map(|t| digest(t))
        .collect();
    let blobs = [
        ("application/vnd.oci.image.layer.v1.tar+gzip", gzip(&l.app)),
        (
            "application/vnd.oci.image.layer.v1.tar+zstd",
            zstd(&l.settings),
        ),
        ("application/vnd.oci.image.layer.v1.tar", l.cleanup),
    ];
    let write = |data: &[u8]| {
        let d = digest(data);
        let path = dir.join("blobs/sha256").join(hex(&d));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
        d
    };
    let config = config(&diff_ids);
    let config_digest = write(&config);
    let layer_digests: Vec<String> = blobs.iter().map(|(_, b)| write(b)).collect();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": blobs.iter().zip(&layer_digests).map(|((media, b), d)| json!({"mediaType": media, "digest": d, "size": b.len()})).collect::<Vec<_>>()
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let manifest_digest = write(&manifest);
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": "acme/app:2.0"}
        }]
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    layer_digests
}

/// A tar of the directory `dir`, as `tar -C dir -cf out .` writes it.
fn tar_dir(dir: &Path, out: &Path) {
    let mut builder = tar::Builder::new(std::fs::File::create(out).unwrap());
    builder.append_dir_all(".", dir).unwrap();
    builder.finish().unwrap();
}

fn scan(cwd: &Path, target: &str) -> (Vec<Value>, i32) {
    let out = keyscout_in(cwd, &["image", target, "-f", "json"], None);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    (findings(&out), code(&out))
}

/// `(path, rule_id, layer, created_by)` of each finding, sorted.
fn places(found: &[Value]) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = found
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("path"), s("rule_id"), s("layer"), s("created_by"))
        })
        .collect();
    v.sort();
    v
}

/// What both layouts must report, given the image file's name and the layers' digests.
fn expected(name: &str, layers: &[String]) -> Vec<(String, String, String, String)> {
    let short = |d: &str| d[.."sha256:".len() + 12].to_string();
    let stripe_env = format!("ENV STRIPE_KEY={}", fake::stripe_live());
    let clone = format!(
        "RUN /bin/sh -c git clone https://x-access-token:{}@github.com/acme/tools.git /opt/tools # buildkit",
        fake::github_pat()
    );
    let mut v = vec![
        // Deleted by layer 3, still in layer 1.
        (
            format!("{name}!{}!app/.env", short(&layers[0])),
            "aws-access-key-id".into(),
            layers[0].clone(),
            COPY_ENV.into(),
        ),
        (
            format!("{name}!{}!etc/app/settings.yml", short(&layers[1])),
            "stripe-secret-key".into(),
            layers[1].clone(),
            COPY_SETTINGS.into(),
        ),
        (
            format!("{name}!config!Env"),
            "stripe-secret-key".into(),
            String::new(),
            stripe_env,
        ),
        // The token, and the URL carrying it as a password.
        (
            format!("{name}!config!history/2"),
            "github-pat".into(),
            String::new(),
            clone.clone(),
        ),
        (
            format!("{name}!config!history/2"),
            "url-embedded-credentials".into(),
            String::new(),
            clone,
        ),
    ];
    v.sort();
    v
}

#[test]
fn a_docker_save_tarball() {
    let dir = Dir::new();
    let diff_ids = docker_save(&dir.path().join("app.tar"));
    let (found, code) = scan(dir.path(), "app.tar");
    assert_eq!(code, 1);
    assert_eq!(places(&found), expected("app.tar", &diff_ids), "{found:#?}");
    assert!(found.iter().all(|f| f["image"] == "acme/app:1.0"));
}

#[test]
fn an_oci_layout_directory_and_its_tar() {
    let dir = Dir::new();
    let layout = dir.path().join("layout");
    let layers = oci_layout(&layout);
    let (found, code) = scan(dir.path(), "layout");
    assert_eq!(code, 1);
    assert_eq!(places(&found), expected("layout", &layers), "{found:#?}");
    assert!(found.iter().all(|f| f["image"] == "acme/app:2.0"));

    tar_dir(&layout, &dir.path().join("oci.tar"));
    let (found, _) = scan(dir.path(), "oci.tar");
    assert_eq!(places(&found), expected("oci.tar", &layers), "{found:#?}");
}

#[test]
fn redaction_masks_the_instruction_too() {
    let dir = Dir::new();
    docker_save(&dir.path().join("app.tar"));
    let out = keyscout_in(
        dir.path(),
        &["image", "app.tar", "-f", "json", "--redact"],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(&fake::github_pat()), "{text}");
    assert!(!text.contains(&fake::stripe_live()), "{text}");
    assert_eq!(findings(&out).len(), 5);
}

#[test]
fn bad_images_are_errors_that_name_them() {
    let dir = Dir::new();
    dir.write("notimage.tar", tar(&[("hello.txt", b"hi\n")]));
    dir.write("app.tar.gz", gzip(&tar(&[("manifest.json", b"[]")])));
    dir.write("broken/index.json", "{not json");
    for (target, says) in [
        ("notimage.tar", "not a container image"),
        ("app.tar.gz", "decompress it first"),
        ("broken", "not valid JSON"),
        ("missing.tar", "missing.tar"),
    ] {
        let out = keyscout_in(dir.path(), &["image", target], None);
        assert_eq!(code(&out), 2, "{target}");
        assert!(stderr(&out).contains(says), "{target}: {}", stderr(&out));
        assert!(stderr(&out).contains(target), "{}", stderr(&out));
    }
}

#[test]
fn a_layer_bomb_stops_at_the_archive_limit() {
    // 64 MiB of zeros gzip to ~64 KiB: past 100x the layer's size the walk stops.
    let dir = Dir::new();
    let layout = dir.path().join("layout");
    let zeros = vec![0u8; 64 << 20];
    let layer = gzip(&tar(&[("big.bin", &zeros)]));
    let write = |data: &[u8]| {
        let d = digest(data);
        let path = layout.join("blobs/sha256").join(hex(&d));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
        d
    };
    let config = write(br#"{"config":{},"history":[{"created_by":"ADD big.bin /"}]}"#);
    let layer = write(&layer);
    let manifest = json!({"config": {"digest": config}, "layers": [{"digest": layer}]});
    let manifest = write(&serde_json::to_vec(&manifest).unwrap());
    let index = json!({"manifests": [{"digest": manifest}]});
    std::fs::write(
        layout.join("index.json"),
        serde_json::to_vec(&index).unwrap(),
    )
    .unwrap();
    let out = keyscout_in(dir.path(), &["image", "layout"], None);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("a zip bomb?"), "{}", stderr(&out));
}
