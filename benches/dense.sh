#!/usr/bin/env bash
# Dense input, where every line costs the scanner a regex window. By default keyword-dense
# code: the generic rules' keywords (`key`, `token`, `secret`, `auth`) fill real C. This builds
# a file of about 150 MB in which every line is a line of real C holding such a word (from a
# mirror of redis, git or any C project). With --keys, a file of about 20 MB of PEM private key
# blocks of every kind the rules know, with random bodies (no real key), as a test suite's
# fixtures hold them. Then it scans the file with keyscout and Betterleaks, alternating, and
# prints the medians of wall and CPU seconds and their ratio.
#
# Usage: benches/dense.sh [--keys] [MIRROR]   (MIRROR: a git directory; default
#   /work/.mirror/redis+redis/repo)
# Env: ROUNDS (default 3), KEYSCOUT (default target/release/keyscout), PEERS (the peers' bin
# directory, default ~/.cache/keyscout-peers/bin), OUT (default ~/.cache/keyscout-bench/dense,
# or .../dense-keys with --keys).
set -euo pipefail

KEYS=0 SUFFIX=
if [ "${1:-}" = --keys ]; then KEYS=1 SUFFIX=-keys; shift; fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MIRROR=${1:-/work/.mirror/redis+redis/repo}
ROUNDS=${ROUNDS:-3}
KEYSCOUT=${KEYSCOUT:-$ROOT/target/release/keyscout}
PEERS=${PEERS:-$HOME/.cache/keyscout-peers/bin}
OUT=${OUT:-$HOME/.cache/keyscout-bench/dense$SUFFIX}
[ -x "$KEYSCOUT" ] || { echo "no keyscout binary at $KEYSCOUT (set KEYSCOUT)" >&2; exit 2; }
[ -x "$PEERS/betterleaks" ] || { echo "no betterleaks in $PEERS (see /work/shared/peers)" >&2; exit 2; }

mkdir -p "$OUT/dir"
if ((KEYS)); then
    file=$OUT/dir/keys.pem
    if [ ! -s "$file" ]; then
        python3 - "$file" <<'PY'
import base64, os, sys
kinds = ["RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
         "PGP PRIVATE KEY BLOCK", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]
with open(sys.argv[1], "w") as out:
    while out.tell() < 20_000_000:
        for kind in kinds:
            body = base64.b64encode(os.urandom(1190)).decode()
            lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
            out.write(f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----\n\n")
PY
    fi
    echo "keys.pem: $(($(stat -c %s "$file") / 1000000)) MB, $(grep -c -- '-----BEGIN' "$file") key blocks"
else
    file=$OUT/dir/dense.c
    if [ ! -s "$file" ]; then
        lines=$OUT/lines.c
        git --git-dir "$MIRROR" grep -h -i -E 'key|token|secret|auth' HEAD -- '*.c' '*.h' >"$lines"
        [ -s "$lines" ] || { echo "no matching C lines in $MIRROR" >&2; exit 2; }
        while [ "$(stat -c %s "$file" 2>/dev/null || echo 0)" -lt 150000000 ]; do
            cat "$lines" >>"$file"
        done
    fi
    echo "dense.c: $(($(stat -c %s "$file") / 1000000)) MB, $(wc -l <"$file") lines, every one with a keyword"
fi

# run NAME CMD...: appends "wall cpu" of one run to $OUT/NAME.times.
run() {
    local name=$1; shift
    /usr/bin/time -o "$OUT/$name.raw" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$OUT/$name.raw" >>"$OUT/$name.times"
}
rm -f "$OUT"/*.times
for _ in $(seq "$ROUNDS"); do
    run keyscout "$KEYSCOUT" dir "$OUT/dir" -q -f json -o "$OUT/keyscout.json" --exit-code 0
    run betterleaks "$PEERS/betterleaks" fs "$OUT/dir" -s -l error --exit-code 0 -o "$OUT/betterleaks.json"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for t in keyscout betterleaks; do
    wall=$(cut -d' ' -f1 "$OUT/$t.times" | median)
    cpu=$(cut -d' ' -f2 "$OUT/$t.times" | median)
    printf '%-12s wall %6.2f s  cpu %6.2f s  (median of %s)\n' "$t" "$wall" "$cpu" "$ROUNDS"
    eval "${t}_wall=$wall ${t}_cpu=$cpu"
done
awk -v kw="$keyscout_wall" -v kc="$keyscout_cpu" -v bw="$betterleaks_wall" -v bc="$betterleaks_cpu" \
    'BEGIN { printf "Betterleaks / keyscout: wall %.2fx, cpu %.2fx\n", bw / kw, bc / kc }'
