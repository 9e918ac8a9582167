#!/usr/bin/env bash
# Organisation benchmark for `keyscout git` over many repositories: generates REPOS bare
# repositories (default 100) deterministically, a quarter of them forks that share the history
# of the repository before them, then measures, with the release binary:
#   1. peak RSS and wall time of one process over the first 1, 10 and 100 repositories;
#   2. one process over all of them versus the sum of one process per repository;
#   3. a full scan with a fresh --state versus the incremental rescan that follows (nothing
#      changed), and the rescan after one new commit in ten repositories.
#
# Each repository is made with `git fast-import` from a seeded generator: COMMITS commits
# (default 30) that each rewrite a few of FILES source-like files (default 24, ~3 KB each), with
# a made-up AWS key id committed in one repository out of three. A fork (every 4th) replays
# its parent's commits exactly (same ids), then adds 5 commits of its own. Repositories are
# cached in DIR and reused.
#
# Usage: benches/org.sh            (env: REPOS, COMMITS, FILES, DIR, KEYSCOUT, THREADS)
set -euo pipefail

REPOS=${REPOS:-100}
COMMITS=${COMMITS:-30}
FILES=${FILES:-24}
DIR=${DIR:-$HOME/.cache/keyscout-bench/org-$REPOS-$COMMITS-$FILES}
HERE=$(cd "$(dirname "$0")/.." && pwd)
KEYSCOUT=${KEYSCOUT:-$HERE/target/release/keyscout}
THREADS=${THREADS:-2}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

generate() {
    local i=$1 parent=$2 repo=$3
    python3 - "$i" "$parent" "$COMMITS" "$FILES" <<'PY' | git -C "$repo" fast-import --quiet
import random, sys
i, parent, commits, nfiles = (int(a) for a in sys.argv[1:])
out = sys.stdout.buffer
WORDS = ("config handler request user session token value buffer result error index "
         "client server cache queue record stream update delete create parse render").split()
def text(rng, n):
    lines = []
    for _ in range(n):
        kind = rng.randrange(5)
        w = [rng.choice(WORDS) for _ in range(4)]
        if kind == 0:
            lines.append(f"fn {w[0]}_{w[1]}({w[2]}: &str) -> Result<{w[3].title()}> {{")
        elif kind == 1:
            lines.append(f"    let {w[0]} = {w[1]}.{w[2]}(&{w[3]})?;")
        elif kind == 2:
            lines.append(f"    // {' '.join(w)} {rng.getrandbits(64):016x}")
        elif kind == 3:
            lines.append(f"    log::debug!(\"{w[0]} {w[1]}: {{}}\", {w[2]});")
        else:
            lines.append("}")
    return ("\n".join(lines) + "\n").encode()
def aws_key(rng):
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
def history(seed, count, start_time, state):
    rng = random.Random(seed)
    for c in range(count):
        state["t"] += 3600
        state["mark"] += 1
        m = state["mark"]
        out.write(b"commit refs/heads/main\nmark :%d\n" % m)
        out.write(b"author Bench <bench@example.com> %d +0000\n" % state["t"])
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % state["t"])
        msg = f"change {seed}-{c}".encode()
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        if m > 1:
            out.write(b"from :%d\n" % (m - 1))
        touched = range(nfiles) if m == 1 else rng.sample(range(nfiles), 3)
        for f in touched:
            data = text(rng, 100)
            if seed % 3 == 0 and c == count // 2 and f == touched[0]:
                data += f"aws_access_key_id = {aws_key(rng)}\n".encode()
            out.write(b"M 100644 inline src/file%02d.rs\ndata %d\n" % (f, len(data)))
            out.write(data + b"\n")
state = {"t": 1_600_000_000, "mark": 0}
if parent >= 0:
    history(parent, commits, 0, state)
    history(1000 + i, 5, 0, state)
else:
    history(i, commits, 0, state)
PY
}

if [ ! -f "$DIR/list.txt" ]; then
    echo "generating $REPOS repositories in $DIR" >&2
    rm -rf "$DIR" && mkdir -p "$DIR"
    for i in $(seq 0 $((REPOS - 1))); do
        repo="$DIR/repo$(printf %03d "$i").git"
        git init -q --bare -b main "$repo"
        if [ $((i % 4)) -eq 3 ]; then generate "$i" $((i - 1)) "$repo"; else generate "$i" -1 "$repo"; fi
        echo "$repo" >> "$DIR/list.txt.tmp"
    done
    mv "$DIR/list.txt.tmp" "$DIR/list.txt"
fi
du -sh "$DIR" | sed 's/^/repositories on disk: /'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# `timed NAME ARGS...`: runs keyscout, prints wall seconds and peak RSS.
timed() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$KEYSCOUT" "$@" -j "$THREADS" -f jsonl -o "$OUT/findings.jsonl" -q --stats 2> "$OUT/stats" || true
    read -r secs kb < <(tail -n 1 "$OUT/time")
    local findings blobs mb
    findings=$(wc -l < "$OUT/findings.jsonl")
    blobs=$(sed -n 's/^blobs: //p' "$OUT/stats")
    mb=$(sed -n 's/^bytes: //p' "$OUT/stats" | awk '{printf "%.1f", $1 / 1e6}')
    printf "%-44s %8s s %8.1f MB RSS %6s findings %7s blobs %8s MB\n" "$name" "$secs" "$((kb))e-3" "$findings" "$blobs" "$mb"
}

echo "== peak RSS by number of repositories (one process)"
for n in 1 10 100; do
    [ "$n" -le "$REPOS" ] || continue
    head -n "$n" "$DIR/list.txt" > "$OUT/list$n.txt"
    timed "$n repositories" git --repos-from "$OUT/list$n.txt"
done

echo "== one process vs one process per repository ($REPOS repositories)"
timed "one process" git --repos-from "$DIR/list.txt"
start=$(date +%s.%N)
peak=0
while read -r repo; do
    /usr/bin/time -f "%M" -o "$OUT/time" "$KEYSCOUT" git "$repo" -j "$THREADS" -f jsonl -q >> "$OUT/each.jsonl" || true
    kb=$(cat "$OUT/time" | tail -1)
    [ "$kb" -gt "$peak" ] && peak=$kb
done < "$DIR/list.txt"
end=$(date +%s.%N)
printf "%-44s %8.2f s %8.1f MB RSS %6s findings\n" "sum of $REPOS single-repository runs" \
    "$(echo "$end - $start" | bc)" "$((peak))e-3" "$(wc -l < "$OUT/each.jsonl")"

echo "== full scan vs incremental rescan (--state)"
rm -f "$OUT/state.json"
timed "full scan, fresh state" git --repos-from "$DIR/list.txt" --state "$OUT/state.json"
timed "rescan, nothing changed" git --repos-from "$DIR/list.txt" --state "$OUT/state.json"
# One new commit in ten repositories, in a scratch copy of them.
mkdir -p "$OUT/copy"
while read -r repo; do
    cp -r "$repo" "$OUT/copy/"
done < "$DIR/list.txt"
sed "s|^$DIR|$OUT/copy|" "$DIR/list.txt" > "$OUT/copy-list.txt"
python3 - "$OUT/state.json" "$DIR" "$OUT/copy" <<'PY'
import json, sys
path, old, new = sys.argv[1:]
state = json.load(open(path))
state["repositories"] = {k.replace(old, new, 1): v for k, v in state["repositories"].items()}
json.dump(state, open(path, "w"))
PY
for repo in $(head -n 10 "$OUT/copy-list.txt"); do
    printf 'commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata 7\nnightly\nfrom refs/heads/main^0\nM 100644 inline src/nightly.rs\ndata 13\nfn main() {}\n\n' |
        git -C "$repo" fast-import --quiet
done
timed "rescan, 10 repositories with a new commit" git --repos-from "$OUT/copy-list.txt" --state "$OUT/state.json"
