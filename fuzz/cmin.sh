#!/usr/bin/env bash
# Minimises what fuzz/run.sh found into the committed corpus: fuzz/cmin.sh MAX_LEN TARGET...
# libFuzzer's set-cover merge of fuzz/corpus-run/TARGET and fuzz/corpus/TARGET, on edge
# coverage without hit counts (a few hundred inputs a target rather than thousands), which
# then replaces fuzz/corpus/TARGET. MAX_LEN bounds each kept input. Build the targets first.
set -euo pipefail
cd "$(dirname "$0")/.."
max_len=$1; shift
mkdir -p fuzz/logs
for t in "$@"; do
  out=$(mktemp -d)
  fuzz/target/x86_64-unknown-linux-gnu/release/"$t" -set_cover_merge=1 -use_counters=0 \
    -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 "$out" "fuzz/corpus-run/$t" \
    "fuzz/corpus/$t" > "fuzz/logs/$t.merge.log" 2>&1
  rm -rf "fuzz/corpus/$t"
  mv "$out" "fuzz/corpus/$t"
  chmod 755 "fuzz/corpus/$t"
  echo "$t: $(ls "fuzz/corpus/$t" | wc -l) files; $(tail -1 "fuzz/logs/$t.merge.log")"
done
