#!/usr/bin/env python3
"""Checks build.py and score.py against the reference builder and scorer of the steering
folder (../shared/creddata from the project's root): both builders must write the same files
and the same markup rows, and both scorers must give the same figures on the same reports.

  python3 crosscheck.py --creddata DIR --mirrors DIR [--ref DIR] [--work DIR] [NAME=REPORT ...]

Both builders write into --work (default a temporary folder outside any repository). The
reports (default: $CREDDATA_DIR/reports/*.json, as run.sh writes them) are scored with each
scorer on its own builder's truth. Exits 0 when all agree, 1 with the differences otherwise.
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The steering folder sits beside the project's root (../shared), or beside the folder of
# worktrees (../../shared) when this runs from a worktree.
DEFAULT_REF = os.environ.get("CREDDATA_REF") or next(
    (p for p in (os.path.normpath(os.path.join(HERE, *[".."] * n, "shared", "creddata")) for n in (3, 4))
     if os.path.isfile(os.path.join(p, "score.py"))), os.path.join(HERE, "..", "..", "..", "shared", "creddata"))
ROW_FIELDS = ("path", "line_start", "line_end", "label", "category", "value_start", "value_end", "id", "repo")


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("crosscheck.py: %s failed:\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    return proc.stdout


def tree_digest(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def truth_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            missing = r.get("file_missing") is True or r.get("verify") == "file_missing"
            rows.append(tuple(r[k] for k in ROW_FIELDS) + (missing,))
    return sorted(rows)


def compare_builds(ref, args, work, problems):
    mine_out, ref_out = os.path.join(work, "mine"), os.path.join(work, "reference")
    repos = os.path.join(HERE, "repos.txt")
    run([sys.executable, os.path.join(HERE, "build.py"), "--creddata", args.creddata, "--mirrors", args.mirrors,
         "--out", mine_out, "--repos", repos])
    run([sys.executable, os.path.join(ref, "build.py"), "--creddata-git", args.creddata, "--mirrors",
         args.mirrors, "--out", ref_out, "--repos", repos])
    a, b = tree_digest(os.path.join(mine_out, "data")), tree_digest(os.path.join(ref_out, "data"))
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    differ = sorted(p for p in set(a) & set(b) if a[p] != b[p])
    for what, items in (("only in build.py's output", only_a), ("only in the reference's", only_b),
                        ("with different bytes", differ)):
        if items:
            problems.append("%d files %s, e.g. %s" % (len(items), what, ", ".join(items[:3])))
    ra, rb = truth_rows(os.path.join(mine_out, "truth.jsonl")), truth_rows(os.path.join(ref_out, "truth.jsonl"))
    if ra != rb:
        diff = sorted(set(ra) ^ set(rb))
        problems.append("truth differs: %d vs %d rows, %d differ, e.g. %s" % (len(ra), len(rb), len(diff), diff[:2]))
    print("builders: %d files, %d bytes-identical; truth %d rows, %s" % (
        len(a), sum(1 for p in a if b.get(p) == a[p]), len(ra), "identical" if ra == rb else "DIFFERENT"))
    return mine_out, ref_out


def compare_scores(ref, mine_out, ref_out, reports, work, problems):
    mine_json, ref_json = os.path.join(work, "mine.json"), os.path.join(work, "reference.json")
    run([sys.executable, os.path.join(HERE, "score.py"), "--truth", os.path.join(mine_out, "truth.jsonl"),
         "--json", mine_json] + reports)
    run([sys.executable, os.path.join(ref, "score.py"), "--truth", os.path.join(ref_out, "truth.jsonl"),
         "--by-category", "--json", ref_json] + reports)
    with open(mine_json) as f:
        mine = json.load(f)
    with open(ref_json) as f:
        theirs = json.load(f)
    keys = ("findings", "TP", "FP", "FP_F", "FP_Tmpl", "FN", "unlabelled", "no_line")
    for name, res in theirs["results"].items():
        got = mine["results"].get(name)
        if got is None:
            problems.append("%s: not scored by score.py" % name)
            continue
        o = got["overall"]
        for k in keys:
            if o[k] != res[k]:
                problems.append("%s: %s %s vs reference %s" % (name, k, o[k], res[k]))
        for k in ("precision", "recall", "f1", "prec_all"):
            if abs(o[k] - res[k]) > 1e-12:
                problems.append("%s: %s %.6f vs reference %.6f" % (name, k, o[k], res[k]))
        for cat, (found, total) in theirs["by_category"][name].items():
            c = got["categories"].get(cat, {"found": 0, "true": 0})
            if (c["found"], c["true"]) != (found, total):
                problems.append("%s/%s: found %d of %d vs reference %d of %d" % (
                    name, cat, c["found"], c["true"], found, total))
        print("scorers: %-12s TP %d FP %d FN %d unlabelled %d P %.3f R %.3f F1 %.3f, %d categories: %s" % (
            name, o["TP"], o["FP"], o["FN"], o["unlabelled"], o["precision"], o["recall"], o["f1"],
            len(theirs["by_category"][name]),
            "same" if not any(p.startswith(name + ":") or p.startswith(name + "/") for p in problems) else "DIFFERENT"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--creddata", required=True, help="CredData's git directory (its mirror)")
    ap.add_argument("--mirrors", required=True, help="folder of <owner>+<name>/repo git mirrors")
    ap.add_argument("--ref", default=DEFAULT_REF, help="folder of the reference build.py and score.py "
                    "(default $CREDDATA_REF, else ../shared/creddata beside the project)")
    ap.add_argument("--work", help="where both builds go (default: a temporary folder, removed after)")
    ap.add_argument("reports", nargs="*", metavar="NAME=REPORT")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.ref, "score.py")):
        sys.exit("crosscheck.py: no reference scorer in %s (--ref)" % args.ref)
    reports = args.reports
    if not reports:
        data = os.environ.get("CREDDATA_DIR", os.path.join(os.path.expanduser("~"), ".cache", "keyscout-creddata"))
        reports = ["%s=%s" % (os.path.splitext(os.path.basename(p))[0], p)
                   for p in sorted(glob.glob(os.path.join(data, "reports", "*.json")))]
    work = args.work or tempfile.mkdtemp(prefix="keyscout-creddata-check-")
    problems = []
    try:
        mine_out, ref_out = compare_builds(args.ref, args, work, problems)
        if reports:
            compare_scores(args.ref, mine_out, ref_out, reports, work, problems)
        else:
            print("scorers: no reports to score (run run.sh first, or name them)")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("DIFFERENCE: " + p)
    print("cross-check: %s" % ("agree" if not problems else "%d differences" % len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
