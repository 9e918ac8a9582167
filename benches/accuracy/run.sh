#!/usr/bin/env bash
# Generates the labelled corpus, scans it with keyscout and prints recall and false positives.
#
#   benches/accuracy/run.sh                 # binary: $KEYSCOUT, else target/release/keyscout
#   KEYSCOUT_CONFIG=rules.toml benches/accuracy/run.sh   # scan with that rule file
#   ACCURACY_RULES=worktree benches/accuracy/run.sh      # with rules/*.toml as they are on disk
#
# Environment: KEYSCOUT (binary), KEYSCOUT_CONFIG (rule file), ACCURACY_DIR (work dir, default
# $TMPDIR/keyscout-accuracy), ACCURACY_SEED (default 4), ACCURACY_LABEL (title of the report),
# CARGO_SRC (real code for negatives, default ~/.cargo/registry/src; skipped if missing),
# ACCURACY_STRICT=1 (exit 1 when recall < 97% or false positives > 2%), ACCURACY_NO_DECODE=1
# (first also scan with --max-decode-depth 0 and score that: nodecode-report.md).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KEYSCOUT:-$root/target/release/keyscout}
work=${ACCURACY_DIR:-${TMPDIR:-/tmp}/keyscout-accuracy}
seed=${ACCURACY_SEED:-4}
[[ -x $bin ]] || { echo "run.sh: no keyscout binary at $bin (cargo build --release, or set KEYSCOUT)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")  # the scan runs in the corpus

mkdir -p "$work"
python3 "$here/generate.py" --out "$work/corpus" --seed "$seed" --cargo-src "${CARGO_SRC:-$HOME/.cargo/registry/src}"

config=()
if [[ ${ACCURACY_RULES:-} == worktree ]]; then
  # The rule packs on disk, which may be newer than the binary's built-in ones. Fields the
  # binary does not know yet are dropped (ACCURACY_DROP_FIELDS, default: checksum).
  python3 "$here/concat_rules.py" "$work/rules.toml" --rules-dir "$root/rules" \
    --drop-field ${ACCURACY_DROP_FIELDS:-checksum} --exclude ${ACCURACY_EXCLUDE:-}
  export KEYSCOUT_CONFIG=$work/rules.toml
fi
if [[ -n ${KEYSCOUT_CONFIG:-} ]]; then
  config=(--config "$(cd "$(dirname "$KEYSCOUT_CONFIG")" && pwd)/$(basename "$KEYSCOUT_CONFIG")")
fi
# Paths in the report are relative to the corpus, as in the manifest.
# scan NAME LABEL [ARGS...]: scans into $work/NAME.json and scores it into $work/NAME-report.md.
scan() {
  local name=$1 label=$2 status=0
  shift 2
  (cd "$work/corpus" && "$bin" dir . "${config[@]}" "$@" -f json --exit-code 0 -q -o "$work/$name.json") || status=$?
  if [[ $status -ne 0 ]]; then
    echo "run.sh: keyscout exited $status" >&2
    exit "$status"
  fi
  python3 "$here/score.py" --corpus "$work/corpus" --findings "$work/$name.json" ${ACCURACY_STRICT:+--strict} \
    --report "$work/${name%findings}report.md" --label "$label"
}
label=${ACCURACY_LABEL:-$("$bin" --version)${KEYSCOUT_CONFIG:+, $KEYSCOUT_CONFIG}}
if [[ -n ${ACCURACY_NO_DECODE:-} ]]; then
  # The same corpus without decoding, to compare false positives with and without it.
  scan nodecode-findings "$label, --max-decode-depth 0" --max-decode-depth 0
  echo
fi
scan findings "$label"
echo
echo "full lists: $work/report.md; per case: $work/report.cases.jsonl" >&2
