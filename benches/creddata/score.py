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


def score(truth, findings):
    hit, unlabelled, used, no_line = set(), set(), 0, 0
    for path, line, _rule in findings:
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
    args = ap.parse_args()

    truth = Truth(args.truth)
    lines = collections.Counter(truth.label.values())
    print("truth: %d rows on %d labelled lines (%d true, %d false, %d template)" % (
        len(truth.rows), len(truth.label), lines["T"], lines["F"], lines["Template"]))
    results = {}
    for spec in args.reports:
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = os.path.splitext(os.path.basename(spec))[0], spec
        results[name] = score(truth, load_report(path))

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
