#!/usr/bin/env python3
"""Writes the labelled corpus and its manifest.

    python3 benches/accuracy/generate.py --out DIR [--seed 4] [--cargo-src ~/.cargo/registry/src]

DIR/pos/<family>/<format>/<n>/<path>   one positive case per folder, in a realistically named file
DIR/neg/<category>/<path>              negative cases, many per file, each on its own line range
DIR/manifest.jsonl                     one line per case: id, label, family, provider, format,
                                       template or category, file, line_start, line_end, expect
"""

import argparse
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import cargo_lines  # noqa: E402
from negatives import all_negative_cases  # noqa: E402
from positives import all_positive_cases  # noqa: E402


def line_range(text, needle):
    idx = text.index(needle)
    start = text.count("\n", 0, idx) + 1
    return start, start + needle.count("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--cargo-src", default=os.path.expanduser("~/.cargo/registry/src"))
    ap.add_argument("--cargo-lines", type=int, default=800)
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    manifest = []

    rng = random.Random(args.seed)
    counters = {}
    for case in all_positive_cases(rng):
        key = (case["family"], case["format"])
        counters[key] = counters.get(key, 0) + 1
        rel = os.path.join("pos", case["family"], case["format"], f"{counters[key]:03d}", case["path"])
        full = os.path.join(out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(case["text"])
        start, end = line_range(case["text"], case["needle"])
        if case.get("span_from"):  # a credential spread over several lines (a key id and its secret)
            start = min(start, line_range(case["text"], case["span_from"])[0])
        manifest.append(dict(id=f"P{len(manifest) + 1:05d}", label="positive", family=case["family"],
                             provider=case["provider"], format=case["format"], template=case["template"],
                             file=rel, line_start=start, line_end=end, expect=case["expect"]))

    rng = random.Random(args.seed + 1)
    negatives = all_negative_cases(rng)
    reviewed = cargo_lines.load_reviewed(os.path.join(HERE, "cargo_review.tsv"))
    sampled, stats = cargo_lines.sample(args.cargo_src, args.cargo_lines, args.seed, reviewed)
    for rel, line in sampled:
        negatives.append(dict(path=os.path.join(*rel.split(os.sep)[1:]), text=line, category="cargo-registry-line"))

    files = {}
    for case in negatives:
        rel = os.path.join("neg", case["category"], case["path"])
        files.setdefault(rel, []).append(case)
    for rel, cases in sorted(files.items()):
        lines = []
        for case in cases:
            multi = "\n" in case["text"]
            if multi and lines and lines[-1] != "":
                lines.append("")
            start = len(lines) + 1
            lines.extend(case["text"].split("\n"))
            manifest.append(dict(id=f"N{len(manifest) + 1:05d}", label="negative", family="negative",
                                 provider="", format=case["category"], template=case["category"],
                                 file=rel, line_start=start, line_end=len(lines), expect=[]))
            if multi:
                lines.append("")
        full = os.path.join(out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    with open(os.path.join(out, "manifest.jsonl"), "w", encoding="utf-8") as fh:
        for row in manifest:
            fh.write(json.dumps(row) + "\n")
    with open(os.path.join(out, "cargo-sample.json"), "w", encoding="utf-8") as fh:
        json.dump(stats, fh, indent=2)
    pos = sum(1 for m in manifest if m["label"] == "positive")
    print(f"corpus: {pos} positives, {len(manifest) - pos} negatives "
          f"({len(sampled)} from {args.cargo_src}) in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
