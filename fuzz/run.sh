#!/usr/bin/env bash
# Runs fuzz targets one at a time at the lowest priority: fuzz/run.sh SECONDS TARGET...
# Each starts from its committed corpus (fuzz/corpus/TARGET) and the inputs earlier runs
# found (fuzz/corpus-run/TARGET, not committed); its libFuzzer log and CPU time go to
# fuzz/logs/TARGET.log. Crashes land in fuzz/artifacts/TARGET/. Then minimise with
# fuzz/cmin.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=$1; shift
mkdir -p fuzz/logs
for t in "$@"; do
  mkdir -p "fuzz/corpus-run/$t"
  cp -n fuzz/corpus/"$t"/* "fuzz/corpus-run/$t/" 2>/dev/null
  /usr/bin/time -f "cpu_user=%U cpu_sys=%S max_rss_kb=%M wall=%e" -o "fuzz/logs/$t.time" \
    nice -n 19 cargo +nightly fuzz run -O -a -s none "$t" "fuzz/corpus-run/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -print_final_stats=1 -close_fd_mask=3 > "fuzz/logs/$t.log" 2>&1
  echo "$t exit=$? $(cat "fuzz/logs/$t.time" | tail -1)"
done
