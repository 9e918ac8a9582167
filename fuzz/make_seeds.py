#!/usr/bin/env python3
"""Writes the seed inputs of each fuzz target to fuzz/corpus-raw/<target>/ (made fresh: real
git repositories, archives and reports made at run time, fake secrets only). The committed
corpora (fuzz/corpus/) are these seeds and what fuzzing found, minimised with `cargo fuzz cmin`.

Usage: fuzz/make_seeds.py PATH/TO/keyscout
"""

import gzip
import io
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT / "corpus-raw"
KEYSCOUT = sys.argv[1] if len(sys.argv) > 1 else "keyscout"

# Fake secrets in real shapes, split so this file holds none whole.
AWS = "AKIA" + "QX4TZ7NB2KW5RM3Y"
GH = "ghp_" + "9fZkq2LmT7xWv4RbN8cYs1HdJ6pUe3" + "0fdjfo"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcR2xZ8mNq"
TEXT = f"""# settings
aws_access_key_id = {AWS}
token: {GH}
STRIPE_KEY="{STRIPE}"
url = https://user:hunter2pass@db.example.com/x
password = "Xq9#mZ2!vL7@pR4"
"""


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def git(cwd, *args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_AUTHOR_DATE="1600000000 +0000", GIT_COMMITTER_DATE="1600000000 +0000")
    return subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com",
                           "-c", "init.defaultBranch=main", "-c", "gc.auto=0", *args],
                          cwd=cwd, env=env, check=True, capture_output=True).stdout


def tar_of(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_of(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def seeds_text():
    put("engine", "settings.txt", TEXT)
    put("engine", "binary.bin", b"\x00\x01MZ" + TEXT.encode() + b"\x00" * 8 + AWS.encode("utf-16-le"))
    import base64
    put("engine", "encoded.txt", "k = " + base64.b64encode(TEXT.encode()).decode() + "\n")
    put("decoders", "b64.txt", base64.b64encode(TEXT.encode()))
    put("decoders", "hex.txt", TEXT.encode().hex())
    put("decoders", "pct.txt", "q=" + "".join(f"%{b:02X}" for b in TEXT.encode()))
    put("decoders", "mixed.txt", f"a={base64.urlsafe_b64encode(AWS.encode()).decode()} b={GH.encode().hex()} c=%41%4B")


def seeds_rules():
    rules = ROOT.parent / "rules"
    # One small built-in pack: a large one makes each run slow (its regexes compile anew).
    put("rules_toml", "ai.toml", (rules / "ai.toml").read_bytes())
    put("rules_toml", "small.toml", '''
[[rules]]
id = "demo-token"
description = "a demo"
regex = \'\'\'\\bdemo_([a-z0-9]{16})\\b\'\'\'
secretGroup = 1
keywords = ["demo_"]
entropy = 2.0
[[rules.allowlists]]
regexes = ['example']
paths = ['\\.md$']
[rules.verify]
url = "https://api.example.com/check?t={{secret}}"
[rules.verify.live]
status = [200]
[extend]
useDefault = false
disabledRules = ["x"]
[[allowlists]]
stopwords = ["test"]
''')


def seeds_archives():
    members = [("a/config.env", TEXT.encode()), ("b.txt", b"hello\n")]
    tar = tar_of(members)
    put("archive", "plain.tar", tar)
    put("archive", "plain.tar.gz", gzip.compress(tar))
    put("archive", "plain.zip", zip_of(members))
    put("archive", "stored.zip", zip_of(members, zipfile.ZIP_STORED))
    put("archive", "nested.zip", zip_of([("inner.zip", zip_of(members)), ("t.tar", tar)]))
    put("archive", "file.gz", gzip.compress(TEXT.encode()))
    # A docker save tarball: manifest, config, one layer.
    layer = tar_of([("etc/app.env", TEXT.encode())])
    config = json.dumps({"config": {"Env": [f"KEY={AWS}"], "Labels": {"a": GH}},
                         "history": [{"created_by": f"ENV KEY={AWS}"}],
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]}}).encode()
    manifest = json.dumps([{"Config": "config.json", "RepoTags": ["demo:latest"],
                            "Layers": ["layer/layer.tar"]}]).encode()
    put("image", "docker-save.tar", tar_of([("manifest.json", manifest), ("config.json", config),
                                            ("layer/layer.tar", layer)]))
    # An OCI layout in a tar.
    import hashlib
    def blob(data):
        return "sha256:" + hashlib.sha256(data).hexdigest(), data
    lz = gzip.compress(layer)
    ld, _ = blob(lz)
    cd, _ = blob(config)
    man = json.dumps({"schemaVersion": 2, "config": {"digest": cd, "size": len(config),
                      "mediaType": "application/vnd.oci.image.config.v1+json"},
                      "layers": [{"digest": ld, "size": len(lz),
                                  "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"}]}).encode()
    md, _ = blob(man)
    index = json.dumps({"schemaVersion": 2, "manifests": [{"digest": md, "size": len(man),
                        "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}).encode()
    put("image", "oci.tar", tar_of([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                                    ("index.json", index),
                                    ("blobs/sha256/" + md[7:], man),
                                    ("blobs/sha256/" + cd[7:], config),
                                    ("blobs/sha256/" + ld[7:], lz)]))


def git_input(repo):
    pack_dir = repo / ".git/objects/pack"
    idx = next(pack_dir.glob("*.idx"))
    head = git(repo, "rev-parse", "HEAD").strip()
    index = (repo / ".git/index").read_bytes() if (repo / ".git/index").exists() else b""
    out = b""
    for piece in (idx.read_bytes(), idx.with_suffix(".pack").read_bytes(), head):
        out += struct.pack("<I", len(piece)) + piece
    return out + index


def seeds_git():
    with tempfile.TemporaryDirectory() as tmp:
        for n, shape in enumerate(["small", "deltas", "staged"]):
            repo = pathlib.Path(tmp) / shape
            repo.mkdir()
            git(repo, "init", "-q")
            (repo / "a.env").write_text(TEXT)
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "one")
            if shape == "deltas":
                long = "\n".join(f"line {i} of filler text" for i in range(120))
                for e in range(3):
                    (repo / "long.txt").write_text(long + f"\nedit {e} {AWS if e == 1 else ''}\n")
                    (repo / "sub").mkdir(exist_ok=True)
                    (repo / "sub" / f"f{e}").write_text(f"{e}\n")
                    git(repo, "add", "-A")
                    git(repo, "commit", "-qm", f"edit {e}")
                git(repo, "tag", "-a", "v1", "-m", "tag")
            git(repo, "repack", "-a", "-d", "-q")
            if shape == "staged":
                (repo / "new.env").write_text(f"token={GH}\n")
                git(repo, "add", "new.env")
            put("git_objects", f"{shape}.bin", git_input(repo))


def seeds_reports():
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        (d / "leak.env").write_text(TEXT)
        for fmt in ["json", "jsonl", "sarif"]:
            out = subprocess.run([KEYSCOUT, "dir", str(d / "leak.env"), "-f", fmt, "-q"],
                                 capture_output=True).stdout
            put("report", f"report.{fmt}", out)
            if fmt == "json":
                put("triage_files", "report.json", out)
                findings = json.loads(out)["findings"]
        gitleaks = json.dumps([{"File": f["path"], "RuleID": f["rule_id"], "Secret": f["secret"],
                                "StartLine": f["line"], "Fingerprint": f["fingerprint"]}
                               for f in findings])
        put("triage_files", "gitleaks.json", gitleaks)
        lines = "\n".join(f["fingerprint"] for f in findings)
        put("triage_files", "baseline.txt", "# baseline\n" + lines + "\n")
        put("triage_files", "ignore.txt", lines + "\nrule:aws-access-key-id\n"
            "path:docs/**\nsecret-sha256:" + "ab" * 32 + "\ncommit:0123abc:a.env:rule:1\n# end\n")


def seeds_verify():
    put("verify_response", "json.txt", "200,201\nlogin\nuser.name=\"demo\"\ncontent-type: json\n"
        "content-type: application/json\nx-a: b\n\n{\"user\":{\"name\":\"demo\",\"login\":true}}")
    put("verify_response", "template.txt", "401\n{{secret}}\nitems.0.id=3\n\n"
        "https://api.example.com/{{1}}?k={{ name }}&r={{rule:aws}}\n\n[{\"id\":3}]")


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    seeds_text()
    seeds_rules()
    seeds_archives()
    seeds_git()
    seeds_reports()
    seeds_verify()
    for d in sorted(OUT.iterdir()):
        print(d.name, len(list(d.iterdir())))
