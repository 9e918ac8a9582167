#!/usr/bin/env python3
"""Concatenates rules/*.toml into one rule file, to measure rules not yet built into a binary.

    python3 benches/accuracy/concat_rules.py OUT.toml [--rules-dir rules] [--exclude FILE ...] [--drop-field NAME ...]

Files that do not parse as TOML (an editor may be halfway through one) are left out and named
on stderr; so are files given with --exclude. The packs have no top-level keys, only
[[rules]] and [[allowlists]] tables, so plain concatenation is a valid rule file.
--drop-field removes one-line `NAME = ...` fields that the binary being measured does not know
yet (a rule field added to the source after the binary was built).
"""

import argparse
import glob
import os
import re
import sys
import tomllib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rules-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules"))
    ap.add_argument("--exclude", nargs="*", default=[])
    ap.add_argument("--drop-field", nargs="*", default=[])
    args = ap.parse_args()

    parts, ids, used = [], {}, []
    for path in sorted(glob.glob(os.path.join(args.rules_dir, "*.toml"))):
        name = os.path.basename(path)
        if name in args.exclude:
            print(f"concat_rules: {name}: excluded", file=sys.stderr)
            continue
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            print(f"concat_rules: {name}: skipped, does not parse: {e}", file=sys.stderr)
            continue
        top = [k for k in doc if k not in ("rules", "allowlists", "allowlist")]
        if top:
            print(f"concat_rules: {name}: skipped, has top-level keys {top}", file=sys.stderr)
            continue
        dup = [r.get("id") for r in doc.get("rules", []) if r.get("id") in ids]
        if dup:
            print(f"concat_rules: {name}: skipped, rule ids already in {ids[dup[0]]}: {dup[:5]}", file=sys.stderr)
            continue
        for r in doc.get("rules", []):
            ids[r.get("id")] = name
        for field in args.drop_field:
            text, n = re.subn(rf"(?m)^[ \t]*{re.escape(field)}[ \t]*=.*\n", "", text)
            if n:
                print(f"concat_rules: {name}: dropped {n} `{field}` field(s)", file=sys.stderr)
        parts.append(f"# ---- {name}\n{text}\n")
        used.append(name)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("".join(parts))
    print(f"concat_rules: {len(ids)} rules from {len(used)} files -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
