#!/usr/bin/env python3
"""Reads the peers' rule files from their git mirrors and prints one JSON line per rule:
{"peer", "rule", "examples": [...]}. Nothing here is committed but this reader: the examples
are the peers' and are read at run time.

gitleaks and Betterleaks keep their examples in the Go generators (cmd/generate/config/rules),
as string literals in a `tps` list; a literal built by a call (random secrets) is skipped, and
`GenerateSampleSecrets(id, secret)` becomes one `id_token = "secret"` line. Kingfisher and Nosey
Parker keep theirs in the rule YAML (`examples:`).

usage: extract.py MIRRORS_DIR > rules.jsonl
"""
import json
import re
import subprocess
import sys
import tomllib

import yaml

PEERS = {
    "gitleaks": ("gitleaks+gitleaks", "cmd/generate/config/rules/", "go"),
    "betterleaks": ("betterleaks+betterleaks", "cmd/generate/config/rules/", "go"),
    "kingfisher": ("mongodb+kingfisher", "data/rules/", "yaml"),
    "noseyparker": (
        "praetorian-inc+noseyparker",
        "crates/noseyparker/data/default/builtin/rules/",
        "yaml",
    ),
}
# the Go peers' generated default configuration: every rule's id and regex
CONFIGS = {
    "gitleaks": "config/gitleaks.toml",
    "betterleaks": "config/betterleaks.toml",
}


def git(gitdir, *args):
    return subprocess.run(
        ["git", "--git-dir", gitdir, *args], check=True, capture_output=True
    ).stdout.decode("utf-8", "replace")


def go_tokens(src):
    """Go source -> tokens (kind, text): str, ident, punct. Comments dropped."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "`":
            j = src.find("`", i + 1)
            j = n if j < 0 else j
            yield ("str", src[i + 1 : j])
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            try:
                val = json.loads(src[i : j + 1])
            except ValueError:
                val = None
            yield ("str", val) if val is not None else ("bad", "")
            i = j + 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_."):
                j += 1
            yield ("ident", src[i:j])
            i = j
        elif c.isspace():
            i += 1
        else:
            if src.startswith("...", i):
                yield ("punct", "...")
                i += 3
            else:
                yield ("punct", c)
                i += 1


def go_items(toks):
    """Pure string items of a `tps` expression: top-level list or append arguments that are
    string literals joined by `+`, and GenerateSampleSecrets(id, secret) with literal args."""
    out = []
    # stack of [context, items-so-far, current-item-tokens, pure]
    stack = []
    prev = None
    for kind, text in toks:
        if kind == "punct" and text in "({[":
            ctx = "call"
            if text == "{" and prev == ("punct", "]string"):
                ctx = "list"
            elif text == "{" and prev and prev[1] == "string":
                ctx = "list"
            elif text == "(" and prev and prev[1] == "append":
                ctx = "list"
            elif text == "(" and prev and prev[1].endswith("GenerateSampleSecrets"):
                ctx = "sample"
            if stack:
                stack[-1][3] = False  # the enclosing item holds a call/literal block
            stack.append([ctx, [], [], True])
        elif kind == "punct" and text in ")}]":
            if not stack:
                continue
            ctx, items, cur, pure = stack.pop()
            if cur:
                items.append((cur, pure))
            vals = [
                "".join(t for k, t in c if k == "str")
                for c, p in items
                if p and all(k == "str" or t == "+" for k, t in c)
            ]
            if ctx == "list":
                out.extend(vals)
            elif ctx == "sample" and len(vals) == 2 and len(items) == 2:
                out.append(f'{vals[0]}_token = "{vals[1]}"')
        elif kind == "punct" and text == "," and stack:
            top = stack[-1]
            if top[2]:
                top[1].append((top[2], top[3]))
            top[2], top[3] = [], True
        elif stack:
            stack[-1][2].append((kind, text))
        prev = (kind, text)
    return out


def go_rules(src):
    """(rule id, examples) for each generator function of one Go file."""
    for fn in re.split(r"\nfunc ", src)[1:]:
        ids = re.findall(r'RuleID:\s*"([^"]+)"', fn)
        if not ids:
            continue
        m = re.search(r"\btps\s*:?=", fn)
        examples = []
        if m:
            end = re.search(r"\bfps\s*:?=|\breturn\b", fn[m.end() :])
            region = fn[m.end() : m.end() + end.start()] if end else fn[m.end() :]
            # each `tps = ...` statement: parse the expressions after the assignments
            region = re.sub(r"\btps\s*=\s*", ";", region)
            # the whole region is read as one list literal
            examples = go_items(
                [("punct", "]string"), ("punct", "{")]
                + list(go_tokens(region.replace(";", ",")))
                + [("punct", "}")]
            )
        yield ids[0], examples


def main():
    mirrors = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror"
    for peer, (repo, folder, kind) in PEERS.items():
        gitdir = f"{mirrors}/{repo}/repo"
        files = [
            f
            for f in git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", folder).split("\n")
            if f.endswith((".go", ".yml", ".yaml")) and not f.endswith("_test.go")
        ]
        if kind == "go":
            # the rule list is the generated default configuration; the examples are in the
            # generators
            examples = {}
            for f in files:
                for rid, ex in go_rules(git(gitdir, "show", f"HEAD:{f}")):
                    examples.setdefault(rid, ex)
            config = tomllib.loads(git(gitdir, "show", f"HEAD:{CONFIGS[peer]}"))
            for r in config["rules"]:
                regex = r.get("regex")
                print(json.dumps({
                    "peer": peer, "rule": r["id"], "name": r.get("description", ""),
                    "examples": examples.get(r["id"], []),
                    "sample": sample(regex) if regex else None,
                }))
            continue
        for f in files:
            try:
                doc = yaml.safe_load(git(gitdir, "show", f"HEAD:{f}")) or {}
            except yaml.YAMLError as e:
                print(f"{peer}: {f}: {e}", file=sys.stderr)
                continue
            for r in doc.get("rules") or []:
                ex = [e for e in (r.get("examples") or []) if isinstance(e, str)]
                print(json.dumps({"peer": peer, "rule": r.get("id"), "name": r.get("name"),
                                  "examples": ex}))




def sample(pattern, seed=1):
    """One string matching a peer's regex (RE2 syntax), for rules whose examples are built at
    run time: filler repetitions take their minimum, the captured secret a middle length,
    alternations their first branch, classes a seeded random member. None if Python's
    parser does not take the pattern."""
    import random
    import re._parser as sre_parse
    from re._constants import (ANY, AT, BRANCH, CATEGORY, IN, LITERAL, MAX_REPEAT,
                               MAXREPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE,
                               SUBPATTERN, CATEGORY_DIGIT, CATEGORY_SPACE, CATEGORY_WORD)

    rng = random.Random(seed)
    p = pattern.replace("(?i)", "").replace("[[:alnum:]]", "[A-Za-z0-9]")
    p = p.replace("[:alnum:]", "A-Za-z0-9").replace("\\z", "$")
    try:
        tree = sre_parse.parse(p)
    except Exception:
        return None
    cats = {
        CATEGORY_DIGIT: "0123456789",
        CATEGORY_SPACE: " ",
        CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    }
    printable = [chr(c) for c in range(33, 127)]

    def members(items):
        out, negate = [], False
        for op, av in items:
            if op is NEGATE:
                negate = True
            elif op is LITERAL:
                out.append(chr(av))
            elif op is RANGE:
                out.extend(chr(c) for c in range(av[0], min(av[1], 126) + 1))
            elif op is CATEGORY:
                out.extend(cats.get(av, ""))
        if negate:
            out = [c for c in printable if c not in out and c not in "'\"`\\"]
        return out or ["a"]

    def gen(seq, captured):
        s = []
        for op, av in seq:
            if op is LITERAL:
                s.append(chr(av))
            elif op is NOT_LITERAL:
                s.append("a" if chr(av) != "a" else "b")
            elif op is ANY:
                s.append(" " if not captured else "a")
            elif op is IN:
                m = members(av)
                s.append(rng.choice(m) if captured else (" " if " " in m else m[0]))
            elif op in (MAX_REPEAT, MIN_REPEAT):
                lo, hi, sub = av
                spaced = lo == 0 and any(
                    o is IN and " " in members(a) or o is ANY for o, a in sub
                )
                if hi is MAXREPEAT:
                    n = max(lo, 24) if captured else max(lo, spaced)
                elif captured:
                    n = (lo + hi + 1) // 2
                else:
                    n = max(lo, spaced)
                for _ in range(n):
                    s.append(gen(sub, captured))
            elif op is SUBPATTERN:
                group, _, _, sub = av
                s.append(gen(sub, captured or group is not None))
            elif op is BRANCH:
                s.append(gen(av[1][0], captured))
            elif op is AT:
                pass
            else:
                return s and "".join(s)
        return "".join(s)

    # a regex without a capture group reports its whole match
    whole = not any(op is SUBPATTERN and av[0] is not None for op, av in tree)
    try:
        out = gen(tree, whole)
    except Exception:
        return None
    return out if out and "\n" not in out else None


if __name__ == "__main__":
    main()
