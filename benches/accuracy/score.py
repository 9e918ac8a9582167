#!/usr/bin/env python3
"""Scores keyscout's findings against the corpus manifest.

    python3 benches/accuracy/score.py --corpus DIR --findings FINDINGS.json [--report OUT.md] [--label NAME]

A finding counts for a case only if it is in the case's file and its lines overlap the case's
line range. A positive is "detected" by any overlapping finding, and "detected by the expected
rule" when that finding's rule id or tags name the case's provider or kind (its `expect`
tokens). A negative is "flagged" by any overlapping finding. Findings that overlap no case are
counted as stray. False positives are also split by the family of the rule that raised them
(its first tag) and by rule id.
"""

import argparse
import collections
import json
import os
import sys

FAMILIES = ["cloud", "hosting", "infra", "vcs", "ci", "registries", "packages", "credential-files", "payments",
            "fintech", "messaging", "chat", "email", "ai", "observability", "saas", "data", "databases", "keys", "generic",
            "encoded"]


def rule_names(finding, alias):
    rid = finding["rule_id"].lower()
    tags = [t.lower() for t in finding.get("tags", [])]
    a = alias.lower()
    return a in tags or f"-{a}-" in f"-{rid}-" or a.replace("-", "") == rid.replace("-", "")


def rule_family(finding):
    tags = finding.get("tags") or []
    return tags[0] if tags else finding["rule_id"]


def load(corpus, findings_path):
    with open(os.path.join(corpus, "manifest.jsonl"), encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh]
    with open(findings_path, encoding="utf-8") as fh:
        report = json.load(fh)
    return cases, report["findings"], report.get("summary", {})


def attribute(cases, findings):
    by_file = collections.defaultdict(list)
    for c in cases:
        c["hits"] = []
        by_file[c["file"]].append(c)
    stray = []
    for f in findings:
        path = f["path"].replace("\\", "/")
        if path.startswith("./"):
            path = path[2:]
        line, end = f["line"], f.get("end_line") or f["line"]
        hit = False
        for c in by_file.get(path, []):
            if line <= c["line_end"] and end >= c["line_start"]:
                c["hits"].append(f)
                hit = True
        if not hit:
            stray.append(f)
    return stray


def snippet(corpus, case, width=150):
    try:
        with open(os.path.join(corpus, case["file"]), encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        text = " ⏎ ".join(lines[case["line_start"] - 1:case["line_end"]]).strip()
    except OSError:
        text = "?"
    return text if len(text) <= width else text[: width - 1] + "…"


def pct(n, d):
    return f"{100.0 * n / d:6.2f}" if d else "     -"


def round_robin(items, key, limit):
    groups = collections.OrderedDict()
    for it in items:
        groups.setdefault(key(it), []).append(it)
    out = []
    while len(out) < limit and any(groups.values()):
        for k in list(groups):
            if groups[k] and len(out) < limit:
                out.append(groups[k].pop(0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--findings", required=True)
    ap.add_argument("--report", help="also write the full report (every miss and false positive) here")
    ap.add_argument("--label", default="")
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target (97%% recall, 2%% FP) is missed")
    args = ap.parse_args()

    cases, findings, summary = load(args.corpus, args.findings)
    stray = attribute(cases, findings)
    pos = [c for c in cases if c["label"] == "positive"]
    neg = [c for c in cases if c["label"] == "negative"]
    for c in pos:
        c["any"] = bool(c["hits"])
        c["exp"] = any(rule_names(f, a) for f in c["hits"] for a in c["expect"])
    for c in neg:
        c["flagged"] = bool(c["hits"])

    fam_pos = collections.Counter(c["family"] for c in pos)
    fam_any = collections.Counter(c["family"] for c in pos if c["any"])
    fam_exp = collections.Counter(c["family"] for c in pos if c["exp"])
    fam_fp = collections.Counter()
    for c in neg:
        for fam in {rule_family(f) for f in c["hits"]}:
            fam_fp[fam] += 1
    families = FAMILIES + sorted((set(fam_pos) | set(fam_fp)) - set(FAMILIES))

    out = []
    w = out.append
    w(f"# keyscout accuracy{(' — ' + args.label) if args.label else ''}\n")
    w(f"{len(pos)} positives, {len(neg)} negatives, {len(findings)} findings "
      f"({len(stray)} outside any case), scan errors: {summary.get('errors', '?')}\n")
    w("```")
    w(f"{'family':<17} {'pos':>5} {'found':>6} {'recall%':>8} {'expected':>9} {'exp%':>7} | {'neg flagged by family':>22} {'FP%':>7}")
    n_neg = len(neg)
    for fam in families:
        if not fam_pos[fam] and not fam_fp[fam]:
            continue
        w(f"{fam:<17} {fam_pos[fam]:>5} {fam_any[fam]:>6} {pct(fam_any[fam], fam_pos[fam]):>8} {fam_exp[fam]:>9} "
          f"{pct(fam_exp[fam], fam_pos[fam]):>7} | {fam_fp[fam]:>22} {pct(fam_fp[fam], n_neg):>7}")
    n_any = sum(c["any"] for c in pos)
    n_exp = sum(c["exp"] for c in pos)
    n_fp = sum(c["flagged"] for c in neg)
    w(f"{'OVERALL':<17} {len(pos):>5} {n_any:>6} {pct(n_any, len(pos)):>8} {n_exp:>9} {pct(n_exp, len(pos)):>7} | "
      f"{n_fp:>22} {pct(n_fp, n_neg):>7}")
    w("```")
    w(f"\nTargets: recall >= 97% (any rule: {'met' if n_any >= 0.97 * len(pos) else 'NOT met'}), "
      f"false positives <= 2% ({'met' if n_fp <= 0.02 * n_neg else 'NOT met'}).\n")

    cat_n = collections.Counter(c["format"] for c in neg)
    cat_fp = collections.Counter(c["format"] for c in neg if c["flagged"])
    w("Negatives by kind:\n```")
    w(f"{'kind':<22} {'neg':>5} {'flagged':>8} {'FP%':>7}")
    for cat in sorted(cat_n):
        w(f"{cat:<22} {cat_n[cat]:>5} {cat_fp[cat]:>8} {pct(cat_fp[cat], cat_n[cat]):>7}")
    w("```")

    rule_fp = collections.Counter()
    for c in neg:
        for rid in {f["rule_id"] for f in c["hits"]}:
            rule_fp[rid] += 1
    w("\nFalse positives by rule:\n```")
    for rid, n in rule_fp.most_common():
        w(f"{n:>5}  {rid}")
    w("```")

    prov_n = collections.Counter(c["format"] for c in pos)
    prov_any = collections.Counter(c["format"] for c in pos if c["any"])
    prov_exp = collections.Counter(c["format"] for c in pos if c["exp"])
    weak = [f for f in prov_n if prov_any[f] < prov_n[f] or prov_exp[f] < prov_n[f]]
    w("\nFormats below 100% (found / expected rule / cases):\n```")
    for f in sorted(weak, key=lambda f: (prov_any[f] / prov_n[f], f)):
        fam = next(c["family"] for c in pos if c["format"] == f)
        w(f"{f:<32} {fam:<16} {prov_any[f]:>3} / {prov_exp[f]:>3} / {prov_n[f]:>3}")
    w("```")

    missed = [c for c in pos if not c["any"]]
    w(f"\nMissed positives ({len(missed)}; first {args.limit}, one format at a time):\n```")
    for c in round_robin(missed, lambda c: c["format"], args.limit):
        w(f"{c['id']} {c['family']}/{c['format']} [{c['template']}] {c['file']}:{c['line_start']}\n    {snippet(args.corpus, c)}")
    w("```")
    wrong = [c for c in pos if c["any"] and not c["exp"]]
    w(f"\nFound only by another rule ({len(wrong)}; first {args.limit}):\n```")
    for c in round_robin(wrong, lambda c: c["format"], args.limit):
        w(f"{c['id']} {c['family']}/{c['format']} expected {'|'.join(c['expect'][:3])}, got "
          f"{','.join(sorted({f['rule_id'] for f in c['hits']}))}")
    w("```")
    flagged = [c for c in neg if c["flagged"]]
    w(f"\nFlagged negatives ({len(flagged)}; first {args.limit}, one rule at a time):\n```")
    for c in round_robin(flagged, lambda c: sorted({f['rule_id'] for f in c['hits']})[0], args.limit):
        w(f"{c['id']} {c['format']} by {','.join(sorted({f['rule_id'] for f in c['hits']}))} {c['file']}:{c['line_start']}\n"
          f"    {snippet(args.corpus, c)}")
    w("```")
    print("\n".join(out))

    if args.report:
        full = list(out)
        full.append("\nAll missed positives:\n```")
        full += [f"{c['id']} {c['family']}/{c['format']} [{c['template']}] {c['file']}:{c['line_start']}  {snippet(args.corpus, c, 220)}" for c in missed]
        full.append("```\n\nAll flagged negatives:\n```")
        full += [f"{c['id']} {c['format']} by {','.join(sorted({f['rule_id'] for f in c['hits']}))} {c['file']}:{c['line_start']}  "
                 f"{snippet(args.corpus, c, 220)}" for c in flagged]
        full.append("```")
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write("\n".join(full) + "\n")
        results = [dict(id=c["id"], label=c["label"], family=c["family"], format=c["format"], file=c["file"],
                        line_start=c["line_start"], found=bool(c["hits"]), expected_rule=c.get("exp", False),
                        rules=sorted({f["rule_id"] for f in c["hits"]})) for c in cases]
        with open(os.path.splitext(args.report)[0] + ".cases.jsonl", "w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(r) + "\n")
    if args.strict and (n_any < 0.97 * len(pos) or n_fp > 0.02 * n_neg):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
