#!/usr/bin/env python3
"""Prints the figures of the fuzz/run.sh runs in fuzz/logs/ as a Markdown table, one row per
target with its runs added up: CPU time, executions, coverage (libFuzzer's cov and ft on the
last line of the last run), corpus files committed, crashes (inputs libFuzzer wrote)."""
import pathlib
import re

logs = pathlib.Path(__file__).resolve().parent / "logs"
corpus = logs.parent / "corpus"
# Run logs are TARGET.N.log (fuzz/cmin.sh writes TARGET.cmin.log beside them).
run_logs = [p for p in logs.glob("*.*.log") if p.name.split(".")[1].isdigit()]
targets = sorted({p.name.split(".")[0] for p in run_logs})
print("| target | runs | CPU time | executions | exec/s | cov | ft | corpus kept | crashes |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for t in targets:
    runs = sorted((p for p in run_logs if p.name.split(".")[0] == t),
                  key=lambda p: int(p.name.split(".")[1]))
    cpu = execs = crashes = 0
    cov = ft = "?"
    for log in runs:
        text = log.read_text(errors="replace")
        cpu_file = log.with_suffix(".cpu")
        cpu += int(cpu_file.read_text().strip() or 0) if cpu_file.exists() else 0
        m = re.search(r"stat::number_of_executed_units:\s*(\d+)", text)
        execs += int(m.group(1)) if m else 0
        crashes += len(re.findall(r"Test unit written to \S*(?:crash|timeout|oom|leak)-", text))
        last = [l for l in text.splitlines() if re.match(r"#\d+\s", l)]
        m = re.search(r"cov: (\d+) ft: (\d+)", last[-1]) if last else None
        if m:
            cov, ft = m.group(1), m.group(2)
    kept = len(list((corpus / t).iterdir())) if (corpus / t).exists() else 0
    rate = f"{execs / cpu:,.0f}" if cpu else "?"
    print(f"| {t} | {len(runs)} | {cpu / 60:.1f} min | {execs:,} | {rate} | {cov} | {ft} | "
          f"{kept} | {crashes} |")
