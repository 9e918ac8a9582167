#!/usr/bin/env python3
"""Score scanner reports against the truth.jsonl that build.py writes: precision, recall and F1
of labelled lines, overall and per category.

How lines are counted (CredData's benchmark matches a reported line to the markup rows on
that line, and counts a file's lines nobody labelled as negatives):

  labelled line  the (path, line_start, line_end) of one or more markup rows; it is true if
                 any row on it is true, else false (F) or template (X) rows only
  TP / FN        true lines with / without a finding on them
  FP             false or template lines with a finding (FP_F + FP_Tmpl)
  unlabelled     distinct (path, line) of findings on no labelled line: not known to be
                 wrong (the markup covers lines some scanner once flagged), listed apart;
                 prec_all = TP / (TP + FP + unlabelled) counts them all as wrong

A finding is on a labelled line when its first line lies in [line_start, line_end] (a PEM
key's markup spans lines). Rows whose file the builder could not find are left out. Findings
in LICENSE and COPYING files are ignored, as the dataset's benchmark ignores licences.

Per category (a markup row has one or more, ':'-separated): found = true rows of the category
on a hit line, recall = found / true rows; FP = false or template rows of the category on a
hit line that has no true row; precision and F1 from those. The dataset's own benchmark also
requires a scanner's rule name to equal the category; other scanners' rules have other
names, so here any finding counts.

Reports: keyscout JSON or JSONL, gitleaks JSON, Betterleaks JSON, Kingfisher JSON; the
format is recognised from the report. Paths are matched to the truth by their
"data/<RepoID>/..." or "<RepoID>/..." tail, so any scan root works.

Usage:
  python3 score.py [--truth FILE] NAME=REPORT [NAME=REPORT ...] [--by-category] [--json OUT]
                   [--misses DIR]
"""
import argparse
import collections
import json
import os
import re
import sys

TAIL_RE = re.compile(r"(?:^|/)data/([0-9a-f]{8}/.*)$")
REPO_TAIL_RE = re.compile(r"^([0-9a-f]{8}/.*)$")


class ScoreError(Exception):
    pass


# ---- reports -------------------------------------------------------------------------------

def read_json_values(path):
    """The report as JSON values: the document, or one value per line of a JSONL file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise ScoreError("cannot read report %s: %s" % (path, e))
    if not text.strip():
        return []
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    values = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError:
                raise ScoreError("%s:%d: neither a JSON document nor JSON lines" % (path, n))
    return values


def as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def finding_of(obj):
    """(path, line, rule) of one finding object of any supported scanner, or None."""
    if not isinstance(obj, dict):
        return None
    if "File" in obj:  # gitleaks
        return obj.get("File"), as_int(obj.get("StartLine")), obj.get("RuleID")
    if isinstance(obj.get("finding"), dict):  # Kingfisher
        fd, rule = obj["finding"], obj.get("rule") or {}
        return fd.get("path"), as_int(fd.get("line")), rule.get("id")
    if isinstance(obj.get("location"), dict):  # Betterleaks
        loc = obj["location"]
        return loc.get("path"), as_int(loc.get("start_line")), obj.get("rule_id")
    if "path" in obj:  # keyscout
        return obj.get("path"), as_int(obj.get("line")), obj.get("rule_id")
    return None


def load_report(path):
    """[(path, line or None, rule)] of every finding in the report."""
    found = []

    def take(value):
        if isinstance(value, list):
            for v in value:
                take(v)
        elif isinstance(value, dict) and isinstance(value.get("findings"), list):
            take(value["findings"])
        elif isinstance(value, dict) and isinstance(value.get("matches"), list):  # Kingfisher's grouped form
            for m in value["matches"]:
                f = finding_of(m)
                if f:
                    found.append((f[0], f[1], f[2] or value.get("id")))
        else:
            f = finding_of(value)
            if f:
                found.append(f)

    for v in read_json_values(path):
        take(v)
    return found


def truth_path(path):
    """The truth's "data/<RepoID>/..." form of a reported path."""
    p = (path or "").replace("\\", "/")
    if p.startswith("file://"):
        p = p[len("file://"):]
    while p.startswith("./"):
        p = p[2:]
    m = TAIL_RE.search(p)
    if m:
        return "data/" + m.group(1)
    m = REPO_TAIL_RE.match(p)
    return "data/" + m.group(1) if m else p


# ---- truth ---------------------------------------------------------------------------------

class Truth:
    def __init__(self, path):
        self.rows = []
        try:
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        raise ScoreError("%s:%d: not JSON" % (path, n))
                    # build.py says file_missing; the reference builder says verify
                    if row.get("file_missing") is True or row.get("verify") == "file_missing":
                        continue
                    self.rows.append(row)
        except OSError as e:
            raise ScoreError("cannot read truth %s: %s (build it with build.py)" % (path, e))
        self.rows_of = collections.defaultdict(list)
        for r in self.rows:
            self.rows_of[(r["path"], r["line_start"], r["line_end"])].append(r)
        self.label = {}
        for key, rows in self.rows_of.items():
            labels = {r["label"] for r in rows}
            self.label[key] = "T" if "T" in labels else "F" if "F" in labels else "Template"
        self.single = collections.defaultdict(list)  # (path, line) -> keys of one line
        self.spans = collections.defaultdict(list)  # path -> keys over several lines
        for key in self.rows_of:
            if key[1] == key[2]:
                self.single[(key[0], key[1])].append(key)
            else:
                self.spans[key[0]].append(key)

    def keys_at(self, path, line):
        keys = list(self.single.get((path, line), ()))
        keys.extend(k for k in self.spans.get(path, ()) if k[1] <= line <= k[2])
        return keys


# ---- scoring -------------------------------------------------------------------------------

def ratio(a, b):
    return a / b if b else 0.0


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def score(truth, findings, rules_at=None):
    """Overall figures and per-category figures; `rules_at`, if given, collects the rule ids
    of the findings on each labelled line."""
    hit, unlabelled, used, no_line = set(), set(), 0, 0
    for path, line, rule in findings:
        p = truth_path(path)
        if os.path.basename(p).upper().startswith(("LICENSE", "COPYING")):
            continue
        used += 1
        if line is None:
            no_line += 1
            continue
        keys = truth.keys_at(p, line)
        if keys:
            hit.update(keys)
            if rules_at is not None:
                for k in keys:
                    rules_at.setdefault(k, set()).add(rule or "?")
        else:
            unlabelled.add((p, line))
    n = collections.Counter()
    for key, label in truth.label.items():
        n[(label, key in hit)] += 1
    tp, fn = n[("T", True)], n[("T", False)]
    fp_f, fp_t = n[("F", True)], n[("Template", True)]
    fp = fp_f + fp_t
    prec, rec = ratio(tp, tp + fp), ratio(tp, tp + fn)
    overall = {"findings": used, "TP": tp, "FP": fp, "FP_F": fp_f, "FP_Tmpl": fp_t, "FN": fn,
               "unlabelled": len(unlabelled), "no_line": no_line, "precision": prec, "recall": rec,
               "f1": f1(prec, rec), "prec_all": ratio(tp, tp + fp + len(unlabelled))}
    cats = collections.defaultdict(lambda: {"true": 0, "found": 0, "fp": 0})
    for key, rows in truth.rows_of.items():
        line_true = truth.label[key] == "T"
        for r in rows:
            for cat in r["category"].split(":"):
                c = cats[cat]
                if r["label"] == "T":
                    c["true"] += 1
                    c["found"] += key in hit
                elif key in hit and not line_true:
                    c["fp"] += 1
    for c in cats.values():
        c["recall"] = ratio(c["found"], c["true"])
        c["precision"] = ratio(c["found"], c["found"] + c["fp"])
        c["f1"] = f1(c["precision"], c["recall"])
    return overall, dict(cats)


# ---- misses --------------------------------------------------------------------------------

def write_misses(truth, rules_at, root, out_dir):
    """Per category, OUT/<category>.txt: the true lines no finding is on, then the false or
    template lines a finding is on, each with the line's text (cut to 240 characters)."""
    cache = {}

    def text(path, n):
        if path not in cache:
            try:
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    cache[path] = f.read().split("\n")
            except OSError:
                cache[path] = []
        lines = cache[path]
        return lines[n - 1].strip()[:240] if 0 < n <= len(lines) else "<no such line>"

    missed = collections.defaultdict(list)
    wrong = collections.defaultdict(list)
    for key, rows in truth.rows_of.items():
        is_true = truth.label[key] == "T"
        where = "%s:%d" % (key[0], key[1]) + ("-%d" % key[2] if key[2] != key[1] else "")
        cats = sorted({c for r in rows if (r["label"] == "T") == is_true for c in r["category"].split(":")})
        for c in cats:
            if is_true and key not in rules_at:
                missed[c].append("%s  %s" % (where, text(key[0], key[1])))
            elif not is_true and key in rules_at:
                wrong[c].append("%s  %s [%s]  %s" % (",".join(sorted(rules_at[key])), where, truth.label[key],
                                                     text(key[0], key[1])))
    os.makedirs(out_dir, exist_ok=True)
    for c in sorted(set(missed) | set(wrong)):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", c) + ".txt"
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write("# %s: %d true lines missed, %d false or template lines flagged\n\n" % (
                c, len(missed[c]), len(wrong[c])))
            f.write("## missed (path:line  text)\n")
            f.writelines(x + "\n" for x in sorted(missed[c]))
            f.write("\n## false positives (rules  path:line [label]  text)\n")
            f.writelines(x + "\n" for x in sorted(wrong[c]))


def inside_work_tree(path):
    import subprocess
    probe = os.path.abspath(path)
    while not os.path.isdir(probe):
        probe = os.path.dirname(probe)
    proc = subprocess.run(["git", "-C", probe, "rev-parse", "--is-inside-work-tree"], capture_output=True)
    return proc.returncode == 0 and proc.stdout.strip() == b"true"


# ---- output --------------------------------------------------------------------------------

def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i])
                               for i, v in enumerate(r)) for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", nargs="+", metavar="NAME=REPORT")
    ap.add_argument("--truth", default=os.path.join(os.path.expanduser("~"), ".cache", "keyscout-creddata",
                                                    "truth.jsonl"))
    ap.add_argument("--by-category", action="store_true", help="also per category, for each scanner")
    ap.add_argument("--json", metavar="OUT", help="write the figures as JSON to OUT")
    ap.add_argument("--misses", metavar="DIR", help="write, per category, the true lines the first report "
                    "misses and the false lines it flags, with their text, to DIR/<category>.txt")
    args = ap.parse_args()
    if args.misses and inside_work_tree(args.misses):
        raise ScoreError("%s is inside a git work tree: the misses quote real credentials" % args.misses)

    truth = Truth(args.truth)
    lines = collections.Counter(truth.label.values())
    print("truth: %d rows on %d labelled lines (%d true, %d false, %d template)" % (
        len(truth.rows), len(truth.label), lines["T"], lines["F"], lines["Template"]))
    results = {}
    for i, spec in enumerate(args.reports):
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = os.path.splitext(os.path.basename(spec))[0], spec
        rules_at = {} if args.misses and i == 0 else None
        results[name] = score(truth, load_report(path), rules_at)
        if rules_at is not None:
            write_misses(truth, rules_at, os.path.dirname(os.path.abspath(args.truth)), args.misses)

    rows = [["scanner", "findings", "TP", "FP", "FP_F", "FP_Tmpl", "FN", "unlabelled", "precision", "recall",
             "F1", "prec_all"]]
    for name, (o, _) in results.items():
        rows.append([name, o["findings"], o["TP"], o["FP"], o["FP_F"], o["FP_Tmpl"], o["FN"], o["unlabelled"]]
                    + ["%.3f" % o[k] for k in ("precision", "recall", "f1", "prec_all")])
    print(table(rows))
    if args.by_category:
        totals = next(iter(results.values()))[1]
        order = sorted(totals, key=lambda c: (-totals[c]["true"], -totals[c]["fp"], c))
        print("\ntrue rows found, by category:")
        rows = [["category", "true"] + list(results)]
        for c in order:
            rows.append([c, totals[c]["true"]] + [res[1][c]["found"] for res in results.values()])
        print(table(rows))
        for name, (_, cats) in results.items():
            print("\n%s by category:" % name)
            rows = [["category", "true", "found", "FP", "precision", "recall", "F1"]]
            for c in order:
                x = cats[c]
                rows.append([c, x["true"], x["found"], x["fp"], "%.3f" % x["precision"], "%.3f" % x["recall"],
                             "%.3f" % x["f1"]])
            print(table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"truth": args.truth, "lines": dict(lines),
                       "results": {n: {"overall": o, "categories": c} for n, (o, c) in results.items()}},
                      f, indent=1, sort_keys=True)


if __name__ == "__main__":
    try:
        main()
    except ScoreError as e:
        print("score.py: %s" % e, file=sys.stderr)
        sys.exit(2)
