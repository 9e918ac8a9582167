#!/usr/bin/env bash
# Times `keyscout dir` against gitleaks, Betterleaks and Kingfisher on one source tree, in
# one run, tools alternating round by round, and quotes medians (these machines are noisy).
#
#   benches/compare.sh [TREE]
#
# TREE defaults to the sources of every crate in the local cargo registry
# ($CARGO_HOME/registry/src, filled by any build). It is copied to a temporary snapshot
# first, so that a concurrent `cargo` download cannot change it between two tools.
#
# Prints, per tool: median / min / max wall time over ROUNDS rounds, the ratio to keyscout,
# the median CPU time (user + system: less moved by other load than wall time) and peak RSS,
# and the number of findings (so that speed is not bought by finding nothing); a floor (`cat`
# of every file) for scale; then the wall and CPU time of a one-small-file scan (median of
# SMALL_RUNS runs, hyperfine if installed), the start-up cost. See benches/README.md.
#
# Environment:
#   ROUNDS=5          timed rounds per tool (one untimed warm-up run each comes first)
#   SMALL_RUNS=20     runs of the one-small-file scan
#   TOOLS="keyscout gitleaks betterleaks kingfisher"
#   PEERS_DIR         where the peers live (default ~/.cache/keyscout-peers; installed with
#                     ../shared/peers/install.sh when missing)
#   KEYSCOUT          the binary to time (default: target/release/keyscout, built first)
#   SNAPSHOT=0        scan TREE in place instead of copying it
#   REPORTS=DIR       keep each tool's last report (JSON) in DIR
#   HYPERFINE=0       time the one-small-file scan with a shell loop even if hyperfine is there
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${ROUNDS:-5}
small_runs=${SMALL_RUNS:-20}
read -r -a tools <<<"${TOOLS:-keyscout gitleaks betterleaks kingfisher}"
peers=${PEERS_DIR:-$HOME/.cache/keyscout-peers}
tree=${1:-${CARGO_HOME:-$HOME/.cargo}/registry/src}

log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -d $tree ]] || die "$tree: no such directory (build anything with cargo to fill the registry)"
command -v jq >/dev/null || die "jq is needed to count findings (apt-get install -y jq)"
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time"
  apt-get install -y time >/dev/null || die "/usr/bin/time missing and apt-get failed"
fi

# --- tools -----------------------------------------------------------------------------

for t in "${tools[@]}"; do
  case $t in
    keyscout) ;;
    gitleaks | betterleaks | kingfisher)
      if [[ ! -x $peers/bin/$t ]]; then
        log "$t missing, running ../shared/peers/install.sh"
        PEERS_DIR=$peers "$repo/../shared/peers/install.sh"
      fi
      ;;
    *) die "unknown tool $t" ;;
  esac
done

if [[ -n ${KEYSCOUT:-} ]]; then
  keyscout=$KEYSCOUT
else
  log "cargo build --release"
  (cd "$repo" && cargo build --release --quiet) || die "cargo build --release failed"
  keyscout=$repo/target/release/keyscout
fi
[[ -x $keyscout ]] || die "$keyscout is not executable"

work=$(mktemp -d "${TMPDIR:-/tmp}/keyscout-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/out"
# A private copy: a concurrent `cargo build` must not swap the binary between two rounds.
cp "$keyscout" "$work/keyscout"
keyscout=$work/keyscout

# The command line of TOOL scanning TARGET into OUT (one JSON document).
command_for() {
  local tool=$1 target=$2 out=$3
  case $tool in
    keyscout) echo "$keyscout" dir "$target" -f json -o "$out" -q --exit-code 0 ;;
    gitleaks) echo "$peers/bin/gitleaks" dir "$target" --no-banner -l error --exit-code 0 -f json -r "$out" ;;
    betterleaks) echo "$peers/bin/betterleaks" fs "$target" -s -l error --exit-code 0 -o "$out" ;;
    kingfisher) echo "$peers/bin/kingfisher" scan "$target" --no-validate --no-update-check -q -f json -o "$out" ;;
    floor) echo "floor" ;;
  esac
}

# Exit codes that mean "scanned fine" (Kingfisher says 200 when it found something).
ok_exit() {
  case $1:$2 in
    *:0 | kingfisher:200) return 0 ;;
    *) return 1 ;;
  esac
}

# Findings in one JSON report: gitleaks writes an array, the others an object with `findings`.
count_findings() {
  jq 'if type == "array" then length else (.findings | length) end' "$1"
}

# Runs TOOL once on TARGET under GNU time; prints "seconds peak_rss_kb cpu_seconds".
run_timed() {
  local tool=$1 target=$2 out=$work/out/$1.json rc=0
  rm -f "$out"
  if [[ $tool == floor ]]; then
    # shellcheck disable=SC2016 # $1 is expanded by the inner shell.
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" \
      bash -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' _ "$target" \
      2>"$work/stderr" || rc=$?
  else
    # shellcheck disable=SC2046 # the command line is split on purpose (no spaces in paths).
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" $(command_for "$tool" "$target" "$out") \
      >"$work/stdout" 2>"$work/stderr" || rc=$?
  fi
  if ! ok_exit "$tool" "$rc"; then
    log "$tool exited with $rc:"
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  tail -1 "$work/time" | awk '{ print $1, $2, $3 + $4 }'
}

# Median of numbers on stdin.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- the tree --------------------------------------------------------------------------

if [[ ${SNAPSHOT:-1} != 0 ]]; then
  log "copying $tree to a snapshot"
  cp -a "$tree/." "$work/tree"
  target=$work/tree
else
  target=$tree
fi
# The command lines below are split on spaces.
[[ $target != *" "* && $work != *" "* ]] || die "paths with spaces are not supported: $target"
files=$(find "$target" -type f | wc -l)
bytes=$(find "$target" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
cores=$(nproc)

echo "keyscout compare, $(date -u '+%Y-%m-%d %H:%M UTC'), $cores cores, $(uname -sm)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $tree ($files files, $mb MB), $rounds rounds, tools alternating"
for t in "${tools[@]}"; do
  case $t in
    keyscout) v=$("$keyscout" --version 2>&1 | head -1 || true) ;;
    kingfisher) v=$("$peers/bin/kingfisher" --version 2>&1 | head -1 || true) ;;
    *) v="$t $("$peers/bin/$t" version 2>&1 | head -1 || true)" ;;
  esac
  echo "  $v"
done
echo

# --- whole tree: warm-up, then rounds --------------------------------------------------

all=("${tools[@]}" floor)
declare -A findings
for t in "${all[@]}"; do
  log "warm-up: $t"
  run_timed "$t" "$target" >/dev/null
  [[ $t == floor ]] || findings[$t]=$(count_findings "$work/out/$t.json")
done

n=${#all[@]}
for ((r = 0; r < rounds; r++)); do
  for ((i = 0; i < n; i++)); do
    t=${all[$(((i + r) % n))]}
    res=$(run_timed "$t" "$target")
    read -r secs rss cpu <<<"$res"
    log "round $((r + 1))/$rounds: $t ${secs}s ${rss}KB cpu ${cpu}s"
    echo "$secs" >>"$work/$t.secs"
    echo "$cpu" >>"$work/$t.cpu"
    echo "$rss" >>"$work/$t.rss"
    if [[ $t != floor ]]; then
      got=$(count_findings "$work/out/$t.json")
      [[ $got == "${findings[$t]}" ]] || log "warning: $t found $got, $((findings[$t])) in its warm-up"
    fi
  done
done

base=$(median <"$work/keyscout.secs" 2>/dev/null || true)
printf '%-12s %9s %7s %7s %7s %7s %9s %9s\n' tool "median s" min max "x ks" "cpu s" "RSS MB" findings
for t in "${all[@]}"; do
  med=$(median <"$work/$t.secs")
  lo=$(sort -g "$work/$t.secs" | head -1)
  hi=$(sort -g "$work/$t.secs" | tail -1)
  rss=$(median <"$work/$t.rss")
  ratio=$([[ -n $base ]] && awk -v a="$med" -v b="$base" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }' || echo -)
  cpu=$(median <"$work/$t.cpu")
  printf '%-12s %9.2f %7.2f %7.2f %7s %7.2f %9.1f %9s\n' "$t" "$med" "$lo" "$hi" "$ratio" "$cpu" \
    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "${findings[$t]:--}"
done
echo "(x ks: median wall time / keyscout's; cpu s: median user + system time; floor: find | xargs cat > /dev/null, one thread;" \
  "load average now $(cut -d' ' -f1-3 /proc/loadavg))"
if [[ -n ${REPORTS:-} ]]; then
  mkdir -p "$REPORTS"
  cp "$work"/out/*.json "$REPORTS"/
  echo "reports: $REPORTS"
fi
echo

# --- one small file: start-up cost -----------------------------------------------------

small=$work/small/one_file.txt
mkdir -p "$work/small"
{
  for i in $(seq 1 40); do echo "let value_$i = compute(\"input-$i\", $i); // line $i"; done
  # An invented AWS key pair (the rules' example), assembled so that this script holds none;
  # every tool here reports it (Kingfisher reports AWS key IDs only with their secret).
  id=6UNDEVHCGOF6KOFE
  sk=3qLZoRxzLGgUDCYeRY1MMhNnhhtEdIttExQQuE/j
  echo "aws_access_key_id = AKIA$id"
  echo "aws_secret_access_key = $sk"
} >"$small"

echo "one small file ($(wc -c <"$small") bytes, 1 AWS key pair), median of $small_runs runs" \
  "(keyscout's target: < 20 ms):"
printf '%-12s %9s %9s %9s\n' tool "median ms" "cpu ms" findings
for t in "${tools[@]}"; do
  out=$work/out/small-$t.json
  cmd=$(command_for "$t" "$small" "$out")
  if [[ ${HYPERFINE:-1} != 0 ]] && command -v hyperfine >/dev/null; then
    # -i: Kingfisher exits 200 on findings; the count below shows whether the runs worked.
    hyperfine -N -i -w 3 -r "$small_runs" --export-json "$work/hf.json" "$cmd" >/dev/null 2>&1 ||
      die "hyperfine failed on: $cmd"
    ms=$(jq '.results[0].median * 1000' "$work/hf.json")
    cpu=$(jq '((.results[0].user + .results[0].system) * 10000 | round) / 10' "$work/hf.json")
  else
    cpu=-
    for ((k = 0; k < small_runs; k++)); do
      start=$(date +%s%N)
      $cmd >/dev/null 2>&1 || true
      echo $((($(date +%s%N) - start) / 1000)) >>"$work/small-$t.us"
    done
    ms=$(median <"$work/small-$t.us" | awk '{ print $1 / 1000 }')
  fi
  printf '%-12s %9.1f %9s %9s\n' "$t" "$ms" "$cpu" "$(count_findings "$out" 2>/dev/null || echo '?')"
done
echo "(cpu ms: mean user + system time, less disturbed than wall time by other load)"
