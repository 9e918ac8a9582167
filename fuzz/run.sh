#!/usr/bin/env bash
# Runs fuzz targets one after the other until each has used a budget of CPU time (not wall
# time: these machines are shared): fuzz/run.sh CPU_SECONDS TARGET...
# Build first: `cargo +nightly fuzz build -O -a -s none`. Each run starts from the committed
# corpus (fuzz/corpus/TARGET) and what earlier runs found (fuzz/corpus-run/TARGET, not
# committed); its libFuzzer log goes to fuzz/logs/TARGET.N.log and the CPU seconds it used to
# fuzz/logs/TARGET.N.cpu (fuzz/results.py adds the runs up). Crashes land in
# fuzz/artifacts/TARGET/. DEADLINE (seconds since the epoch) stops a run early. Several
# run.sh at once share the cores; then minimise with fuzz/cmin.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
budget=$1; shift
bin=fuzz/target/x86_64-unknown-linux-gnu/release
mkdir -p fuzz/logs
for t in "$@"; do
  [ -x "$bin/$t" ] || { echo "no $bin/$t: build the fuzz targets first" >&2; exit 2; }
  mkdir -p "fuzz/corpus-run/$t" "fuzz/artifacts/$t"
  cp -n fuzz/corpus/"$t"/* "fuzz/corpus-run/$t/" 2>/dev/null
  n=$(( $(ls fuzz/logs/"$t".*.log 2>/dev/null | wc -l) + 1 ))
  nice -n 3 "$bin/$t" -artifact_prefix="fuzz/artifacts/$t/" -max_total_time=86400 \
    -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 -close_fd_mask=3 \
    "fuzz/corpus-run/$t" > "fuzz/logs/$t.$n.log" 2>&1 &
  pid=$!
  cpu=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    # utime + stime, in clock ticks; SIGINT makes libFuzzer print its final stats.
    ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || break
    cpu=$(( ticks / $(getconf CLK_TCK) ))
    if [ "$cpu" -ge "$budget" ] || [ "$(date +%s)" -ge "${DEADLINE:-9999999999}" ]; then
      kill -INT "$pid"
    fi
  done
  wait "$pid"
  rc=$?  # 72: stopped by the budget (SIGINT); anything else but 0 is a finding, see the log
  echo "$cpu" > "fuzz/logs/$t.$n.cpu"
  echo "$t run $n: ${cpu} CPU seconds, exit $rc"
done
