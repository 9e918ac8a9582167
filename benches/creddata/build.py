#!/usr/bin/env python3
"""Build CredData's development split from the dataset's markup and local git mirrors.

Samsung's CredData publishes no files, only where they are: `snapshot.json` maps a 64-hex key
(the commit, padded) to a repository URL, and `meta/<RepoID>.csv` has one row per labelled
line (file, lines, value offsets, T/F/X label, categories). A file is named from its path in
the repository:

    RepoID  = crc32 of the snapshot key's bytes, as 8 hex digits
    FileID  = first 8 hex digits of sha256(path in the repository)
    scope   = the words of the dataset's word_in_path.json found in "./<path without
              extension, lower-cased>", joined as folders ("/_/" when none)
    file    = data/<RepoID><scope><FileID><extension, lower-cased>

The dataset's own downloader then rewrites the true values (obfuscation) after turning CRLF
and lone CR into LF; the markup's line numbers and offsets are those of that text. This
builder does the same newline step and keeps the original values, so scanners see the real
strings. No network: the files come from `MIRRORS/<owner>+<name>/repo` (bare, or a clone
with `.git`) at the dataset's commit, or at HEAD when the mirror lacks it (said in the
report); a repository without a mirror is skipped.

Output (default ~/.cache/keyscout-creddata; never inside a git work tree):
    data/<RepoID>/<scope>/<FileID><ext>  the labelled files
    truth.jsonl                           one JSON object per markup row of the built repos
    build.json                            what was built, per repository

Usage:
    python3 build.py --creddata DIR --mirrors DIR [--out DIR] [--repos FILE] [--strict]
`--creddata` is CredData's git directory (its mirror) or a checkout of it.
"""
import argparse
import binascii
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = {"T": "T", "F": "F", "X": "Template"}
URL_RE = re.compile(r"^https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$")


class BuildError(Exception):
    pass


def run_git(gitdir, args, ok_codes=(0,)):
    proc = subprocess.run(["git", "--git-dir", gitdir] + args, capture_output=True)
    if proc.returncode not in ok_codes:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise BuildError("git %s in %s: %s" % (" ".join(args), gitdir, msg[:300]))
    return proc


class CredData:
    """The dataset's markup, read from a checkout or from its git directory."""

    def __init__(self, where, rev):
        self.checkout = None
        self.gitdir = None
        if os.path.isfile(os.path.join(where, "snapshot.json")):
            self.checkout = where
            self.rev = "checkout"
        else:
            self.gitdir = where
            self.rev = run_git(where, ["rev-parse", "--verify", rev + "^{commit}"]).stdout.decode().strip()

    def read(self, rel):
        """The file's text, or None when the dataset has no such file."""
        if self.checkout:
            path = os.path.join(self.checkout, rel)
            if not os.path.isfile(path):
                return None
            with open(path, encoding="utf-8") as f:
                return f.read()
        proc = run_git(self.gitdir, ["cat-file", "blob", "%s:%s" % (self.rev, rel)], ok_codes=(0, 128))
        return proc.stdout.decode("utf-8") if proc.returncode == 0 else None


def repo_id(snapshot_key):
    return "%08x" % binascii.crc32(bytes.fromhex(snapshot_key))


def file_id(path):
    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def scope_of(path, words):
    """The folder the dataset files `path` under, from the words found in it."""
    stem = os.path.splitext(path)[0]
    hay = "./" + stem.lower()
    scope = "/"
    for word in words:
        if word in hay:
            scope += word[1:] if word.startswith("/") else word
            scope += "" if scope.endswith("/") else "/"
    return "/_/" if scope == "/" else scope


def dataset_path(rid, path, words):
    ext = os.path.splitext(path)[1].lower()
    return "data/%s%s%s%s" % (rid, scope_of(path, words), file_id(path), ext)


def read_repo_list(path):
    """RepoIDs of a list file: the first word of each line, '#' starts a comment."""
    ids = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rid = line.split()[0]
            if not re.fullmatch(r"[0-9a-f]{8}", rid):
                raise BuildError("%s:%d: %r is not a RepoID (8 hex digits)" % (path, n, rid))
            ids.append(rid)
    return ids


def mirror_of(mirrors, url):
    m = URL_RE.match(url)
    if not m:
        return None
    base = os.path.join(mirrors, "%s+%s" % m.groups(), "repo")
    for gitdir in (base, os.path.join(base, ".git")):
        if os.path.isfile(os.path.join(gitdir, "HEAD")) and os.path.isdir(os.path.join(gitdir, "objects")):
            return gitdir
    return None


def tree_by_file_id(gitdir, commit):
    """FileID -> [(path, blob sha)] of the regular files at `commit`, in git's path order."""
    out = run_git(gitdir, ["ls-tree", "-r", "-z", "--full-tree", commit]).stdout
    by_id = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, raw_path = entry.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        if kind != "blob" or mode == "120000":  # submodules and symlinks are not files
            continue
        path = raw_path.decode("utf-8", "surrogateescape")
        by_id.setdefault(file_id(path), []).append((path, sha))
    return by_id


def read_blobs(gitdir, shas):
    """sha -> bytes, through one `git cat-file --batch`."""
    if not shas:
        return {}
    proc = subprocess.run(["git", "--git-dir", gitdir, "cat-file", "--batch"],
                          input=("\n".join(shas) + "\n").encode(), capture_output=True)
    if proc.returncode != 0:
        raise BuildError("git cat-file --batch in %s failed" % gitdir)
    buf, pos, blobs = proc.stdout, 0, {}
    for sha in shas:
        nl = buf.index(b"\n", pos)
        header = buf[pos:nl].split()
        pos = nl + 1
        if len(header) < 3:  # "<sha> missing"
            continue
        size = int(header[2])
        blobs[sha] = buf[pos:pos + size]
        pos += size + 1
    return blobs


def normalise_newlines(data):
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def to_int(text):
    text = (text or "").strip()
    return int(text) if text else -1


def build_repo(rid, url, commit, rows, gitdir, words, out, strict):
    """Writes one repository's labelled files; returns its report and the FilePaths written."""
    report = {"url": url, "commit": commit}
    has = run_git(gitdir, ["cat-file", "-t", commit], ok_codes=(0, 128)).stdout.decode().strip()
    if has != "commit":
        if strict:
            report["status"] = "commit_missing"
            return report, set()
        commit = run_git(gitdir, ["rev-parse", "HEAD"]).stdout.decode().strip()
        report["head_fallback"] = commit
    by_id = tree_by_file_id(gitdir, commit)
    wanted = {}  # FilePath -> FileID, first row wins as in the dataset's downloader
    for r in rows:
        wanted.setdefault(r["FilePath"], r["FileID"])
    chosen, missing, other_scope = {}, [], 0
    for fpath, fid in wanted.items():
        cands = by_id.get(fid, [])
        exact = [c for c in cands if dataset_path(rid, c[0], words) == fpath]
        pick = (exact or cands or [None])[0]
        if pick is None:
            missing.append(fpath)
            continue
        if not exact:
            other_scope += 1
        chosen[fpath] = pick[1]
    blobs = read_blobs(gitdir, sorted(set(chosen.values())))
    written = set()
    for fpath, sha in sorted(chosen.items()):
        if sha not in blobs:
            missing.append(fpath)
            continue
        dest = os.path.join(out, fpath)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(normalise_newlines(blobs[sha]))
        written.add(fpath)
    report.update({"status": "ok", "rows": len(rows), "files": len(written), "files_listed": len(wanted),
                   "missing": sorted(missing), "scope_differs": other_scope})
    return report, written


def inside_work_tree(path):
    probe = path
    while not os.path.isdir(probe):
        probe = os.path.dirname(probe)
    proc = subprocess.run(["git", "-C", probe, "rev-parse", "--is-inside-work-tree"], capture_output=True)
    return proc.returncode == 0 and proc.stdout.strip() == b"true"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--creddata", required=True, help="CredData's git directory or a checkout of it")
    ap.add_argument("--rev", default="HEAD", help="CredData revision, when --creddata is a git directory")
    ap.add_argument("--mirrors", required=True, help="folder of <owner>+<name>/repo git mirrors")
    ap.add_argument("--out", default=os.path.join(os.path.expanduser("~"), ".cache", "keyscout-creddata"))
    ap.add_argument("--repos", default=os.path.join(HERE, "repos.txt"), help="RepoIDs to build, one a line")
    ap.add_argument("--strict", action="store_true", help="skip a repository whose mirror lacks the dataset's "
                    "commit instead of taking its HEAD")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    if inside_work_tree(out):
        raise BuildError("%s is inside a git work tree: the data holds real credentials, build it elsewhere" % out)
    cd = CredData(args.creddata, args.rev)
    snapshot_text, words_text = cd.read("snapshot.json"), cd.read("word_in_path.json")
    if snapshot_text is None or words_text is None:
        raise BuildError("%s has no snapshot.json or word_in_path.json: is it CredData?" % args.creddata)
    snapshot, words = json.loads(snapshot_text), json.loads(words_text)
    by_rid = {repo_id(k): (k, url) for k, url in snapshot.items()}
    wanted = read_repo_list(args.repos)
    unknown = [r for r in wanted if r not in by_rid]
    if unknown:
        raise BuildError("RepoIDs not in CredData's snapshot.json: %s" % ", ".join(unknown))

    data_dir = os.path.join(out, "data")
    if os.path.isdir(data_dir):
        shutil.rmtree(data_dir)
    os.makedirs(data_dir)
    repos, truth = {}, []
    for rid in sorted(wanted):
        key, url = by_rid[rid]
        gitdir = mirror_of(args.mirrors, url)
        if gitdir is None:
            repos[rid] = {"url": url, "status": "no_mirror"}
            print("%s %s: no mirror, skipped" % (rid, url), file=sys.stderr)
            continue
        meta = cd.read("meta/%s.csv" % rid)
        if meta is None:
            repos[rid] = {"url": url, "status": "no_markup"}
            continue
        rows = list(csv.DictReader(io.StringIO(meta)))
        report, written = build_repo(rid, url, key[:40], rows, gitdir, words, out, args.strict)
        repos[rid] = report
        if report["status"] != "ok":
            print("%s %s: %s, skipped" % (rid, url, report["status"]), file=sys.stderr)
            continue
        note = " (HEAD: the mirror lacks the dataset's commit)" if "head_fallback" in report else ""
        print("%s %s: %d/%d files%s" % (rid, url, report["files"], report["files_listed"], note), file=sys.stderr)
        for r in rows:
            gt = r["GroundTruth"].strip()
            if gt not in LABELS:
                raise BuildError("meta/%s.csv row %s: unknown GroundTruth %r" % (rid, r["Id"], gt))
            truth.append({"path": r["FilePath"], "line_start": to_int(r["LineStart"]),
                          "line_end": to_int(r["LineEnd"]), "label": LABELS[gt], "category": r["Category"],
                          "value_start": to_int(r["ValueStart"]), "value_end": to_int(r["ValueEnd"]),
                          "id": int(r["Id"]), "repo": rid, "file_missing": r["FilePath"] not in written})
    truth.sort(key=lambda t: (t["path"], t["line_start"], t["line_end"], t["value_start"], t["id"]))
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")

    built = [r for r in repos.values() if r.get("status") == "ok"]
    labels = {}
    for t in truth:
        labels[t["label"]] = labels.get(t["label"], 0) + 1
    summary = {"creddata": cd.rev, "repos_listed": len(wanted), "repos_built": len(built),
               "skipped": {rid: r["url"] + " (" + r["status"] + ")" for rid, r in repos.items() if r["status"] != "ok"},
               "head_fallback": sorted(r["url"] for r in built if "head_fallback" in r),
               "files": sum(r["files"] for r in built), "files_missing": sum(len(r["missing"]) for r in built),
               "rows": len(truth), "labels": labels}
    with open(os.path.join(out, "build.json"), "w", encoding="utf-8") as f:
        json.dump({"summary": summary, "repos": repos}, f, indent=1, sort_keys=True)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    try:
        main()
    except BuildError as e:
        print("build.py: %s" % e, file=sys.stderr)
        sys.exit(2)
