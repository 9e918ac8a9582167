#!/usr/bin/env bash
# Minimises what fuzz/run.sh found into the committed corpus: fuzz/cmin.sh MAX_LEN TARGET...
# (`cargo fuzz cmin` on fuzz/corpus-run/TARGET, which then replaces fuzz/corpus/TARGET).
# MAX_LEN bounds each kept input, so that a corpus stays small enough to commit.
set -euo pipefail
cd "$(dirname "$0")/.."
max_len=$1; shift
for t in "$@"; do
  nice -n 19 cargo +nightly fuzz cmin -O -a -s none "$t" "fuzz/corpus-run/$t" -- \
    -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" > "fuzz/logs/$t.cmin.log" 2>&1
  rm -rf "fuzz/corpus/$t"
  cp -r "fuzz/corpus-run/$t" "fuzz/corpus/$t"
  echo "$t: $(ls "fuzz/corpus/$t" | wc -l) files, $(du -sk "fuzz/corpus/$t" | cut -f1) KiB"
done
