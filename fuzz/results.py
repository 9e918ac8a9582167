#!/usr/bin/env python3
"""Prints the figures of the last fuzz/run.sh runs (fuzz/logs/) as a Markdown table: CPU time,
executions, coverage (libFuzzer's cov and ft on its final line), corpus files kept, crashes."""
import pathlib
import re

logs = pathlib.Path(__file__).resolve().parent / "logs"
corpus = logs.parent / "corpus"
print("| target | CPU time | executions | exec/s | cov | ft | corpus kept | crashes |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for log in sorted(logs.glob("*.log")):
    t = log.stem
    text = log.read_text(errors="replace")
    times = (logs / f"{t}.time").read_text() if (logs / f"{t}.time").exists() else ""
    m = re.search(r"cpu_user=([\d.]+) cpu_sys=([\d.]+)", times)
    cpu = float(m.group(1)) + float(m.group(2)) if m else 0.0
    execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", text)
    last = [l for l in text.splitlines() if re.match(r"#\d+\s", l)]
    cov = re.search(r"cov: (\d+) ft: (\d+)", last[-1]) if last else None
    crashes = len(re.findall(r"Test unit written to .*(crash|timeout|oom|leak)-", text))
    n = int(execs.group(1)) if execs else 0
    kept = len(list((corpus / t).iterdir())) if (corpus / t).exists() else 0
    print(f"| {t} | {cpu / 60:.1f} min | {n:,} | {n / cpu if cpu else 0:,.0f} | "
          f"{cov.group(1) if cov else '?'} | {cov.group(2) if cov else '?'} | {kept} | {crashes} |")
