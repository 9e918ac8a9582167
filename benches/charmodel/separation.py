#!/usr/bin/env python3
"""Does the character model separate real secrets from look-alikes better than Shannon
entropy? On CredData's development split (built by benches/creddata), takes the labelled
values of key, token and secret categories (true, and false or template), scores each with
both measures, and for several recall levels prints the share of false values that pass the
threshold giving that recall: lower is better.

    python3 benches/charmodel/separation.py [--data ~/.cache/keyscout-creddata-dev] [--model rules/charmodel.bin]
"""
import argparse
import json
import math
import os
from collections import Counter

# The symbols and their count are the trainer's (this folder is on the path when run).
from train import N, symbol


def load_model(path):
    data = open(path, "rb").read()
    assert data[:4] == b"KSCM"
    return data[6:6 + N ** 3], data[6 + N ** 3:]


def surprise(model, value):
    tri, case = model
    c2 = c1 = 36
    prev = 2
    total = 0
    for b in value:
        c = symbol(b)
        total += tri[(c2 * N + c1) * N + c]
        if c < 26:
            cur = 1 if 65 <= b <= 90 else 0
            total += case[prev * 2 + cur]
            prev = cur
        else:
            prev = 2
        c2, c1 = c1, c
    return total / 16 / len(value)


def shannon(value):
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.expanduser("~/.cache/keyscout-creddata-dev"))
    ap.add_argument("--model", default="rules/charmodel.bin")
    a = ap.parse_args()
    model = load_model(a.model)
    cats = {"Key", "Token", "Secret", "API", "Auth", "Nonce", "Salt", "Credential"}
    values = []
    for line in open(os.path.join(a.data, "truth.jsonl")):
        r = json.loads(line)
        if not set(r["category"].split(":")) & cats or r["value_start"] < 0:
            continue
        try:
            with open(os.path.join(a.data, r["path"]), "rb") as f:
                text = f.read().split(b"\n")[r["line_start"] - 1]
        except (OSError, IndexError):
            continue
        v = text[r["value_start"]:r["value_end"]] if r["value_end"] > 0 else text[r["value_start"]:]
        if len(v) >= 8:
            values.append((r["label"] == "T", v))
    pos = [v for t, v in values if t]
    neg = [v for t, v in values if not t]
    print(f"{len(pos)} true and {len(neg)} false or template values of 8+ bytes "
          f"({', '.join(sorted(cats))})")
    print(f"{'recall':>7} {'entropy: false passing':>24} {'char model: false passing':>27}")
    ent_pos = sorted(shannon(v) for v in pos)
    mod_pos = sorted(surprise(model, v) for v in pos)
    ent_neg = [shannon(v) for v in neg]
    mod_neg = [surprise(model, v) for v in neg]
    for recall in (0.99, 0.95, 0.90, 0.80, 0.70):
        k = int(len(pos) * (1 - recall))
        te, tm = ent_pos[k], mod_pos[k]
        fe = sum(x >= te for x in ent_neg) / len(neg)
        fm = sum(x >= tm for x in mod_neg) / len(neg)
        print(f"{recall:7.0%} {fe:17.1%} (>= {te:.2f}) {fm:19.1%} (>= {tm:.2f})")


if __name__ == "__main__":
    main()
