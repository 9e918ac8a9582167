#!/usr/bin/env python3
"""Coverage of the peers' own rule examples: the share of each peer rule set's positive
examples that keyscout, gitleaks and Betterleaks report, each with its default rules.

usage: run.py [--mirrors DIR] [--keyscout BIN] [--peers DIR] [--work DIR] [--json OUT]

The examples come from the peers' rule files in the git mirrors at run time (extract.py);
none is committed. Placeholder-shaped examples (long runs of x or 0, EXAMPLE, 1234567890,
...) are left out: a scanner is right not to report them. Each example is written to its own
file, each tool scans the folder once, and an example counts as found when the tool reports
anything in its file. `--json OUT` also writes, per example, which tools found it and which
keyscout rules fired (gen_coverage.py reads it).

Rows named PEER~regex are the Go peers' rules that have no literal example: one string made
from the rule's regex stands in (extract.sample), counted apart from the examples.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLACEHOLDER = re.compile(
    r"(?i:x{6,}|\*{6,}|\.{6,}|#{6,})|0{10,}|1234567890|EXAMPLE|(?i:abcdefghij)"
    r"|(?i:your[_-]?(?:api[_-]?)?(?:key|token|secret|password))|<[A-Za-z_ -]{3,}>"
)


def load(mirrors):
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "extract.py"), mirrors],
        check=True, capture_output=True, text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def write_examples(rules, work):
    """peer -> [(rule, index, path)] after writing one file per usable example."""
    shutil.rmtree(work, ignore_errors=True)
    files = collections.defaultdict(list)
    for r in rules:
        usable = [ex for ex in r["examples"] if not PLACEHOLDER.search(ex) and len(ex.strip()) >= 8]
        peer = r["peer"]
        if not usable and r.get("sample") and not PLACEHOLDER.search(r["sample"]):
            # no literal example (the Go peers build most at run time): one string made from
            # the rule's regex, counted apart
            usable, peer = [r["sample"]], peer + "~regex"
        for ex in usable:
            d = os.path.join(work, peer)
            os.makedirs(d, exist_ok=True)
            path = os.path.join(d, f"{len(files[peer]):05d}.txt")
            with open(path, "w") as f:
                f.write(ex if ex.endswith("\n") else ex + "\n")
            files[peer].append((r["rule"], path))
    return files


def found_keyscout(binary, folder):
    """file -> set of keyscout rule ids reported in it."""
    out = subprocess.run(
        [binary, "dir", folder, "-f", "jsonl", "-q", "--exit-code", "0"],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"keyscout failed: {out.stderr}")
    hits = collections.defaultdict(set)
    for line in out.stdout.splitlines():
        f = json.loads(line)
        hits[os.path.basename(f["path"])].add(f["rule_id"])
    return hits


def found_go(binary, sub, folder, tmp):
    report = os.path.join(tmp, "report.json")
    cmd = [binary, sub, folder, "--no-banner", "-l", "error", "--exit-code", "0",
           "-f", "json", "-r", report]
    if os.path.basename(binary) == "betterleaks":
        cmd = [binary, "fs", folder, "-s", "-l", "error", "--exit-code", "0", "-o", report]
    subprocess.run(cmd, capture_output=True, check=True)
    with open(report) as f:
        data = json.load(f) or []
    hits = collections.defaultdict(set)
    # gitleaks: a list of {File, RuleID}; Betterleaks: {findings: [{rule_id, location: {path}}]}
    for item in data["findings"] if isinstance(data, dict) else data:
        if "location" in item:
            hits[os.path.basename(item["location"]["path"])].add(item["rule_id"])
        else:
            hits[os.path.basename(item["File"])].add(item["RuleID"])
    return hits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--keyscout", default=os.path.join(HERE, "../../target/release/keyscout"))
    ap.add_argument("--peers", default=os.path.expanduser("~/.cache/keyscout-peers/bin"))
    ap.add_argument("--work", default="/tmp/keyscout-coverage")
    ap.add_argument("--json")
    args = ap.parse_args()

    files = write_examples(load(args.mirrors), os.path.join(args.work, "examples"))
    tools = {
        "keyscout": lambda d: found_keyscout(args.keyscout, d),
        "gitleaks": lambda d: found_go(os.path.join(args.peers, "gitleaks"), "dir", d, args.work),
        "betterleaks": lambda d: found_go(os.path.join(args.peers, "betterleaks"), "fs", d, args.work),
    }
    detail = []
    print(f"{'examples of':<19}{'n':>6}" + "".join(f"{t:>13}" for t in tools))
    totals = collections.Counter()
    for peer, entries in files.items():
        folder = os.path.dirname(entries[0][1])
        hits = {t: fn(folder) for t, fn in tools.items()}
        row = collections.Counter()
        for rule, path in entries:
            name = os.path.basename(path)
            rec = {"peer": peer, "rule": rule, "file": path}
            for t in tools:
                rec[t] = sorted(hits[t].get(name, ()))
                row[t] += bool(rec[t])
            detail.append(rec)
        n = len(entries)
        if "~" not in peer:
            totals["n"] += n
            for t in tools:
                totals[t] += row[t]
        print(f"{peer:<19}{n:>6}" + "".join(f"{100 * row[t] / n:>12.1f}%" for t in tools))
    n = totals["n"]
    print(f"{'all examples':<19}{n:>6}" + "".join(f"{100 * totals[t] / n:>12.1f}%" for t in tools))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(detail, f, indent=0)


if __name__ == "__main__":
    main()
