#!/usr/bin/env python3
"""Trains the character model that keyscout's generic detector uses to tell random values
(keys, tokens, passwords) from words and identifiers, and writes rules/charmodel.bin.

The model gives the surprise, in bits, of each character of a value given the two before
it, over 37 symbols: the letters case-folded (26), the digits (10), and one symbol for
everything else (also the start and end of a word). Letter case has a small model of its
own (upper or lower after a lower, an upper, or a non-letter). Words and identifiers read
as English or code score about 2-3.5 bits a character; random strings score 5 or more.

It learns from identifiers and words in source code and prose: by default the Rust crates
in cargo's registry cache and the Python standard library on this machine (any folders of
text files will do; the figures in the README were made with these). Tokens that look
random themselves (long hex or base64 runs, many digits) are left out, so the model does not
learn that random looks ordinary.

    python3 benches/charmodel/train.py [--out rules/charmodel.bin] [DIR ...]

Output format (little-endian): b"KSCM", version u8 (1), symbols u8 (37), then
37*37*37 bytes: trigram surprise for (c2, c1, c) at index (c2*37 + c1)*37 + c, in 1/16 bit;
then 3*2 bytes: case surprise for (previous: lower, upper, other) x (current: lower, upper),
in 1/16 bit.
"""
import argparse
import math
import os
import re
import sys

OTHER = 36
N = 37
EXTS = {".rs", ".py", ".md", ".txt", ".rst", ".c", ".h", ".go", ".js", ".ts", ".java", ".rb"}
TOKEN = re.compile(rb"[A-Za-z0-9_]+")


def symbol(b):
    if 97 <= b <= 122:
        return b - 97
    if 65 <= b <= 90:
        return b - 65
    if 48 <= b <= 57:
        return 26 + b - 48
    return OTHER


def looks_random(tok):
    if len(tok) > 40:
        return True
    digits = sum(48 <= b <= 57 for b in tok)
    if len(tok) >= 8 and digits * 3 > len(tok):
        return True
    if len(tok) >= 12 and re.fullmatch(rb"[0-9a-fA-F]+", tok):
        return True
    # Mixed case with few vowels, base64-like.
    letters = [b for b in tok if (65 <= b <= 90) or (97 <= b <= 122)]
    if len(tok) >= 16 and letters:
        vowels = sum(chr(b).lower() in "aeiou" for b in letters)
        if vowels * 6 < len(letters):
            return True
    return False


def files(roots):
    for root in roots:
        for dirpath, _, names in os.walk(root):
            for name in names:
                if os.path.splitext(name)[1] in EXTS:
                    yield os.path.join(dirpath, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="rules/charmodel.bin")
    ap.add_argument("--max-files", type=int, default=1500)
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    roots = a.dirs or [
        os.path.expanduser("~/.cargo/registry/src"),
        os.path.dirname(os.__file__),
    ]
    tri = [0] * (N * N * N)
    bi = [0] * (N * N)
    uni = [0] * N
    case = [[0, 0] for _ in range(3)]
    seen = 0
    # Every k-th file of the sorted list: a spread over crates and modules, reproducible.
    paths = sorted(files(roots))
    step = max(1, len(paths) // a.max_files)
    for i, path in enumerate(paths[::step][: a.max_files]):
        try:
            with open(path, "rb") as f:
                data = f.read(64 << 10)
        except OSError:
            continue
        for tok in TOKEN.findall(data):
            if looks_random(tok):
                continue
            seen += 1
            c2, c1 = OTHER, OTHER
            prev_case = 2
            for b in tok + b" ":
                c = symbol(b)
                tri[(c2 * N + c1) * N + c] += 1
                bi[c1 * N + c] += 1
                uni[c] += 1
                if c < 26:
                    cur = 1 if 65 <= b <= 90 else 0
                    case[prev_case][cur] += 1
                    prev_case = cur
                else:
                    prev_case = 2
                c2, c1 = c1, c
    total = sum(uni)
    beta = 2.0
    p_uni = [(uni[c] + 1) / (total + N) for c in range(N)]
    p_bi = [0.0] * (N * N)
    for b in range(N):
        row = sum(bi[b * N + c] for c in range(N))
        for c in range(N):
            p_bi[b * N + c] = (bi[b * N + c] + beta * p_uni[c]) / (row + beta)
    out = bytearray(b"KSCM" + bytes([1, N]))
    for a2 in range(N):
        for b in range(N):
            ctx = sum(tri[(a2 * N + b) * N + c] for c in range(N))
            for c in range(N):
                p = (tri[(a2 * N + b) * N + c] + beta * p_bi[b * N + c]) / (ctx + beta)
                out.append(min(255, round(-math.log2(p) * 16)))
    for prev in range(3):
        row = sum(case[prev]) + 2
        for cur in range(2):
            out.append(min(255, round(-math.log2((case[prev][cur] + 1) / row) * 16)))
    with open(a.out, "wb") as f:
        f.write(out)
    print(f"{seen} tokens from {min(i + 1, a.max_files)} files -> {a.out} ({len(out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
