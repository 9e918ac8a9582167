#!/usr/bin/env bash
# Scans the built CredData development split with keyscout (and the peers) and scores it.
#
#   benches/creddata/run.sh            # keyscout only: $KEYSCOUT, else target/release/keyscout
#   benches/creddata/run.sh --peers    # also Betterleaks, gitleaks and Kingfisher, same table
#
# Environment: KEYSCOUT (binary), CREDDATA_DIR (what build.py wrote, default
# ~/.cache/keyscout-creddata), PEERS_BIN (default ~/.cache/keyscout-peers/bin).
# Reports go to $CREDDATA_DIR/reports/<scanner>.json; extra arguments after the flags are passed
# to score.py (e.g. --json OUT). Every scanner runs at its defaults from inside $CREDDATA_DIR
# on `data`, so paths start with data/ or the RepoID.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KEYSCOUT:-$root/target/release/keyscout}
data=${CREDDATA_DIR:-$HOME/.cache/keyscout-creddata}
peers_bin=${PEERS_BIN:-$HOME/.cache/keyscout-peers/bin}
peers=0
if [[ ${1:-} == --peers ]]; then peers=1; shift; fi
[[ -x $bin ]] || { echo "run.sh: no keyscout binary at $bin (cargo build --release, or set KEYSCOUT)" >&2; exit 2; }
[[ -f $data/truth.jsonl && -d $data/data ]] || {
  echo "run.sh: no built data set in $data (run benches/creddata/build.py, see its README)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=$data/reports
mkdir -p "$out"
cd "$data"

# Seconds of wall time of one command, printed to stderr beside its name.
timed() {
  local name=$1 start end
  shift
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  printf '%-12s %6.1f s\n' "$name" "$(( (end - start) / 1000000 ))e-3" >&2
}

timed keyscout "$bin" dir data -f json -o "$out/keyscout.json" --exit-code 0 -q
reports=("keyscout=$out/keyscout.json")
if (( peers )); then
  for tool in betterleaks gitleaks kingfisher; do
    [[ -x $peers_bin/$tool ]] || { echo "run.sh: no $tool in $peers_bin" >&2; exit 2; }
  done
  timed betterleaks "$peers_bin/betterleaks" fs data -s -l error --exit-code 0 -o "$out/betterleaks.json" >/dev/null
  timed gitleaks "$peers_bin/gitleaks" dir data --no-banner -l error --exit-code 0 -f json \
    -r "$out/gitleaks.json" >/dev/null
  # --no-validate: Kingfisher would otherwise try each credential over the network.
  timed kingfisher "$peers_bin/kingfisher" scan data --no-validate --no-update-check -q -f json \
    -o "$out/kingfisher.json" >/dev/null || [[ -s $out/kingfisher.json ]]
  reports+=("betterleaks=$out/betterleaks.json" "gitleaks=$out/gitleaks.json" "kingfisher=$out/kingfisher.json")
fi
python3 "$here/score.py" --truth "$data/truth.jsonl" "${reports[@]}" --by-category "$@"
