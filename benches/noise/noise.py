#!/usr/bin/env python3
"""Counting for the noise benchmark (benches/noise/run.sh).

Reads the reports run.sh left in OUT (one per repository and tool), counts findings and distinct
findings per tool, compares keyscout's distinct findings with labels.tsv, and prints a markdown
table, then the keyscout findings that have no label yet (secret masked) for a reviewer to label.

Distinct means: keyscout, one per `fingerprint` (path:rule:hash of the secret, so the same secret
at the same path in many commits counts once); Betterleaks and Kingfisher, one per (path, rule,
secret).

Usage: noise.py REPOS_FILE OUT_DIR MIRRORS LABELS [--dump DIR] [--only REPO] [--keyscout-only]
  --dump DIR   also write DIR/<name>.txt per repository: every distinct keyscout finding with its
               context line, unmasked (for study outside the repository: it holds the secrets)
"""

import argparse
import json
import os
import re
import subprocess
import sys

TOOLS = ("keyscout", "betterleaks", "kingfisher")
REASONS = {}  # (repository, fingerprint) -> reason, filled by read_labels


def slug(repo):
    return repo.replace("/", "+")


def read_repos(path):
    repos = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, lang = line.split()
                repos.append((name, lang))
    return repos


FINGERPRINT = re.compile(r".+:[a-z0-9-]+:[0-9a-f]{16}")


def read_labels(path):
    """labels.tsv: repository, fingerprint, label (true/false), reason. Returns
    {(repository, fingerprint): is_true}; the reasons go to REASONS."""
    labels = {}
    if not os.path.exists(path):
        return labels
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("repository\t"):
                continue
            cols = line.split("\t")
            if len(cols) != 4 or cols[2] not in ("true", "false"):
                sys.exit(f"{path}:{n}: expected repository, fingerprint, true|false, reason")
            if not FINGERPRINT.fullmatch(cols[1]):
                sys.exit(f"{path}:{n}: {cols[1]!r} is not a keyscout fingerprint (path:rule:hash16)")
            if (cols[0], cols[1]) in labels:
                sys.exit(f"{path}:{n}: {cols[0]} {cols[1]} is labelled twice")
            labels[(cols[0], cols[1])] = cols[2] == "true"
            REASONS[(cols[0], cols[1])] = cols[3]
    return labels


def load(path):
    """The report at path, or None when there is none yet (an empty file: a scan under way)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            sys.exit(f"{path}: not a JSON report: {e}")


def keyscout_distinct(report):
    """{fingerprint: first finding} in report order."""
    out = {}
    for f in report.get("findings") or []:
        out.setdefault(f["fingerprint"], f)
    return out


def betterleaks_keys(report):
    keys = set()
    medium = set()
    findings = report.get("findings") or []
    for f in findings:
        k = (f["location"]["path"], f["rule_id"], f["match"]["value"])
        keys.add(k)
        if f.get("confidence") in ("medium", "high"):
            medium.add(k)
    return len(findings), keys, medium


def kingfisher_keys(report):
    findings = report.get("findings") or []
    keys = set()
    for f in findings:
        fi = f["finding"]
        keys.add((fi.get("path", ""), f["rule"]["id"], fi.get("snippet", "")))
    return len(findings), keys


def context_lines(git_dir, wanted):
    """{(blob, line): text} for the (blob, line) pairs in wanted, read with one cat-file."""
    blobs = sorted({b for b, _ in wanted})
    if not blobs:
        return {}
    p = subprocess.run(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        input="".join(b + "\n" for b in blobs).encode(),
        capture_output=True,
        check=True,
    )
    data, pos, texts = p.stdout, 0, {}
    for b in blobs:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        texts[b] = data[pos : pos + size].decode("utf-8", "replace").split("\n")
        pos += size + 1
    out = {}
    for b, n in wanted:
        lines = texts.get(b)
        if lines and 0 < n <= len(lines):
            out[(b, n)] = lines[n - 1].strip()
    return out


def mask(secret):
    """The secret's shape without the secret: its first 4 characters, then every letter or digit
    as `*` (punctuation kept, so a reviewer still sees `a.b_c(d)` from a token)."""
    head, tail = secret[:4], secret[4:]
    return head + "".join("*" if c.isalnum() else c for c in tail)


def cut(text, width=160):
    return text if len(text) <= width else text[: width - 1] + "…"


def seconds(path):
    try:
        with open(path) as f:
            return f.read().split()[0]
    except (OSError, IndexError):
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repos")
    ap.add_argument("out")
    ap.add_argument("mirrors")
    ap.add_argument("labels")
    ap.add_argument("--dump")
    ap.add_argument("--only")
    ap.add_argument("--keyscout-only", action="store_true")
    a = ap.parse_args()

    labels = read_labels(a.labels)
    repos = [r for r in read_repos(a.repos) if not a.only or a.only in (r[0], slug(r[0]))]
    head = "| repository | language | commits | keyscout findings / distinct | true | false | unlabelled |"
    sep = "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    if not a.keyscout_only:
        head += " Betterleaks findings / distinct (≥ medium) | Kingfisher findings / distinct |"
        sep += " ---: | ---: |"
    head += " seconds (keyscout" + ("" if a.keyscout_only else " / Betterleaks / Kingfisher") + ") |"
    sep += " ---: |"
    rows, unlabelled, totals, peer_totals = [], [], [0] * 5, [0] * 5
    for name, lang in repos:
        git_dir = os.path.join(a.mirrors, slug(name), "repo")
        base = os.path.join(a.out, slug(name))
        commits = subprocess.run(
            ["git", "--git-dir", git_dir, "rev-list", "--all", "--count"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()
        ks = load(base + ".keyscout.json")
        if ks is None:
            rows.append(f"| {name} | {lang} | {commits} | not scanned | | | |")
            continue
        distinct = keyscout_distinct(ks)
        for fp, f in distinct.items():
            secret = f.get("secret") or ""
            if len(secret) >= 6 and secret in REASONS.get((name, fp), ""):
                sys.exit(f"{a.labels}: the reason for {name} {fp} quotes its secret")
        t = sum(1 for fp in distinct if labels.get((name, fp)) is True)
        fa = sum(1 for fp in distinct if labels.get((name, fp)) is False)
        u = len(distinct) - t - fa
        for i, v in enumerate((len(ks.get("findings") or []), len(distinct), t, fa, u)):
            totals[i] += v
        row = f"| {name} | {lang} | {commits} | {len(ks.get('findings') or [])} / {len(distinct)} | {t} | {fa} | {u} |"
        times = [seconds(base + ".keyscout.time")]
        if not a.keyscout_only:
            bl = load(base + ".betterleaks.json")
            if bl is None:
                row += " not scanned |"
            else:
                n, keys, medium = betterleaks_keys(bl)
                row += f" {n} / {len(keys)} ({len(medium)}) |"
                for i, v in enumerate((n, len(keys), len(medium))):
                    peer_totals[i] += v
            kf = load(base + ".kingfisher.json")
            if kf is None:
                row += " not scanned |"
            else:
                n, keys = kingfisher_keys(kf)
                row += f" {n} / {len(keys)} |"
                peer_totals[3] += n
                peer_totals[4] += len(keys)
            times += [seconds(base + ".betterleaks.time"), seconds(base + ".kingfisher.time")]
        row += " " + " / ".join(x or "-" for x in times) + " |"
        rows.append(row)

        want = {(f["blob"], f["line"]) for f in distinct.values()}
        ctx = context_lines(git_dir, want)
        entries = []
        for fp, f in distinct.items():
            line = ctx.get((f["blob"], f["line"]), "")
            entries.append((fp, f, line))
            if (name, fp) not in labels:
                masked = line.replace(f["secret"], mask(f["secret"])) if f["secret"] else line
                unlabelled.append(
                    f"{name}\t{fp}\t{f['rule_id']}\t{f['path']}:{f['line']}\t{cut(masked)}"
                )
        if a.dump:
            os.makedirs(a.dump, exist_ok=True)
            with open(os.path.join(a.dump, slug(name) + ".txt"), "w") as out:
                out.write("# fingerprint\trule\tpath:line\tlabel\treason\tcontext line (unmasked)\n")
                for fp, f, line in entries:
                    lab = labels.get((name, fp))
                    lab = "unlabelled" if lab is None else ("true" if lab else "false")
                    why = REASONS.get((name, fp), "")
                    out.write(f"{fp}\t{f['rule_id']}\t{f['path']}:{f['line']}\t{lab}\t{why}\t{line}\n")

    print(head)
    print(sep)
    for r in rows:
        print(r)
    if len(repos) > 1:
        total = f"| total | | | {totals[0]} / {totals[1]} | {totals[2]} | {totals[3]} | {totals[4]} |"
        if not a.keyscout_only:
            b, k = peer_totals[:3], peer_totals[3:]
            total += f" {b[0]} / {b[1]} ({b[2]}) | {k[0]} / {k[1]} | |"
        print(total)
    if unlabelled:
        print(f"\n{len(unlabelled)} unlabelled keyscout findings "
              "(repository, fingerprint, rule, path:line, context with the secret masked):\n")
        for u in unlabelled:
            print(u)


if __name__ == "__main__":
    main()
