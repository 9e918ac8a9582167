#!/usr/bin/env bash
# History benchmark for `keyscout git`: scans the full history of each repository with
# keyscout, Kingfisher, gitleaks and Betterleaks, alternating, plus the floor `git cat-file
# --batch-all-objects --batch --unordered` (decoding every object of the packs, nothing
# scanned) in the same run; and times `keyscout git --staged` on a one-file change. Reports
# per repository the median wall time, CPU time (user + system: less moved by other load on a
# shared machine than wall time) and peak RSS of each, the findings of each tool (and for
# keyscout the distinct fingerprints, which must be equal: one finding per secret and path),
# and the load average before and after.
#
# The repositories: REPOS (space-separated bare or worktree paths, e.g. mirrors fetched from
# GitHub), default the one built here. `PATH:no-pulls` stands for a mirror clone of PATH (its
# packs hard-linked) whose refs/pull/* are then deleted without a repack: their objects stay in
# the pack, unreachable, as on a server after pull requests are closed or branches rewritten.
#
# The built repository is made deterministically (fixed dates, sorted inputs) with `git
# fast-import` from the crate sources in ~/.cargo/registry/src: every file is committed in
# small batches, then REVISIONS successive "versions" rewrite each file (a revision comment
# and rotated lines), so history holds many blobs per path and packs hold long delta chains.
# A few made-up secrets are committed and later deleted. It is cached and reused.
#
# Usage: benches/git.sh [RUNS]
#   env: REPOS, REVISIONS, FILES_PER_COMMIT, PEERS, KEYSCOUT, TOOLS (default: keyscout
#   keyscout-whole cat-file kingfisher gitleaks betterleaks), TIMEOUT (seconds per run)
set -euo pipefail

RUNS=${1:-3}
BUILT=$HOME/.cache/keyscout-bench/history-repo
REPOS=${REPOS:-$BUILT}
TOOLS=${TOOLS:-keyscout keyscout-whole cat-file kingfisher gitleaks betterleaks}
TIMEOUT=${TIMEOUT:-3600}
REVISIONS=${REVISIONS:-4}
FILES_PER_COMMIT=${FILES_PER_COMMIT:-2}
PEERS=${PEERS:-$HOME/.cache/keyscout-peers/bin}
HERE=$(cd "$(dirname "$0")/.." && pwd)
KEYSCOUT=${KEYSCOUT:-$HERE/target/release/keyscout}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

build_repo() {
    REPO=$BUILT
    echo "building $REPO (revisions=$REVISIONS, files/commit=$FILES_PER_COMMIT)" >&2
    rm -rf "$REPO.tmp"
    git init -q --bare -b main "$REPO.tmp"
    python3 - "$REVISIONS" "$FILES_PER_COMMIT" <<'PY' | git -C "$REPO.tmp" fast-import --quiet
import glob, os, sys
revisions, per_commit = int(sys.argv[1]), int(sys.argv[2])
roots = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/")))
files = []
for root in roots:
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.islink(p) or os.path.getsize(p) > (1 << 20):
                continue
            files.append((os.path.relpath(p, root), p))
out = sys.stdout.buffer
t = 1_500_000_000
mark = 0
def commit(branch, message, changes, parent_from=None):
    global t, mark
    t += 60
    mark += 1
    out.write(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark))
    out.write(b"author Bench <bench@example.com> %d +0000\n" % t)
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % t)
    msg = message.encode()
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if parent_from:
        out.write(b"from %s\n" % parent_from.encode())
    for path, data in changes:
        if data is None:
            out.write(b"D %s\n" % path.encode())
        else:
            out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
            out.write(data)
            out.write(b"\n")
def version(data, rev):
    if rev == 0:
        return data
    lines = data.split(b"\n")
    k = rev % max(len(lines), 1)
    return b"// revision %d\n" % rev + b"\n".join(lines[k:] + lines[:k])
aws = b"AKIA" + b"QX4TZ7NB2KW5RM3Y"
ghp = b"ghp_" + b"9fZkq2LmT7xWv4RbN8cYs1HdJ6pUe3Ga0oQi"
contents = {}
for rev in range(revisions + 1):
    for i in range(0, len(files), per_commit):
        batch = []
        for rel, p in files[i:i + per_commit]:
            if rel not in contents:
                with open(p, "rb") as f:
                    contents[rel] = f.read()
            batch.append((rel, version(contents[rel], rev)))
        commit("main", "rev %d: %s" % (rev, batch[0][0]), batch)
    commit("main", "leak %d" % rev, [("leaks/config%d.env" % rev, b"AWS_ID=" + aws + b"\nGH=" + ghp + b"%d\n" % rev)])
    commit("main", "remove leak %d" % rev, [("leaks/config%d.env" % rev, None)])
PY
    git -C "$REPO.tmp" repack -a -d -q --window=10 --depth=50
    rm -rf "$REPO"
    mv "$REPO.tmp" "$REPO"
}

# A mirror clone of $1 without its refs/pull/*: their objects stay, unreachable.
no_pulls() {
    local src=$1 dst
    dst=$HOME/.cache/keyscout-bench/$(basename "$(dirname "$src")")-no-pulls
    if [ ! -d "$dst" ]; then
        git clone -q --mirror "$src" "$dst.tmp"
        git -C "$dst.tmp" for-each-ref --format='delete %(refname)' refs/pull | git -C "$dst.tmp" update-ref --stdin
        mv "$dst.tmp" "$dst"
    fi
    echo "$dst"
}

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
    local REPO=$1 name tool run
    local commits pack blobs reachable
    commits=$(git -C "$REPO" rev-list --all | wc -l)
    pack=$(du -smL "$REPO/objects/pack" | cut -f1)
    blobs=$(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' --unordered |
        awk '$1=="blob"{n++; s+=$2} END{printf "%d blobs, %.0f MB", n, s/1e6}')
    reachable=$(git -C "$REPO" rev-list --objects --all | cut -d' ' -f1 | git -C "$REPO" cat-file --batch-check='%(objecttype) %(objectsize)' |
        awk '$1=="blob"{n++; s+=$2} END{printf "%d blobs, %.0f MB", n, s/1e6}')
    echo
    echo "repository: $REPO: $commits commits; pack $pack MiB: $blobs; reachable: $reachable"
    declare -A CMD=(
        [keyscout]="$KEYSCOUT git $REPO -q -f json -o $OUT/keyscout.json --exit-code 0"
        [keyscout-whole]="$KEYSCOUT git $REPO --whole-blobs -q -f json -o $OUT/keyscout-whole.json --exit-code 0"
        [kingfisher]="$PEERS/kingfisher scan $REPO --no-validate --no-update-check -q -f json -o $OUT/kingfisher.json"
        [gitleaks]="$PEERS/gitleaks git $REPO --no-banner -l error --exit-code 0 -f json -r $OUT/gitleaks.json"
        [betterleaks]="$PEERS/betterleaks git $REPO -s -l error --exit-code 0 -o $OUT/betterleaks.json"
        [cat-file]="git -C $REPO cat-file --batch-all-objects --batch --unordered"
    )
    for name in $TOOLS; do : >"$OUT/$name.times"; done
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for run in $(seq "$RUNS"); do
        for name in $TOOLS; do
            tool=${CMD[$name]%% *}
            if [ "$name" != cat-file ] && [ ! -x "$tool" ]; then continue; fi
            /usr/bin/time -f '%e %M %U %S' -o "$OUT/t" timeout "$TIMEOUT" bash -c "${CMD[$name]} >/dev/null 2>$OUT/$name.err" || true
            # Only the numbers: `time` adds a "Command exited with non-zero status" line when a
            # tool exits non-zero (Kingfisher does when it finds something), which must not be
            # taken for a measurement.
            grep -E '^[0-9.]+ [0-9]+ ' "$OUT/t" >>"$OUT/$name.times" || true
        done
    done
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-15s %10s %10s %12s %10s %13s  %s\n' tool "wall (s)" "cpu (s)" "peak (MiB)" findings fingerprints "walls (s)"
    for name in $TOOLS; do
        [ -s "$OUT/$name.times" ] || continue
        local wall rss cpu walls n=- fp=-
        wall=$(cut -d' ' -f1 "$OUT/$name.times" | median)
        rss=$(cut -d' ' -f2 "$OUT/$name.times" | median)
        cpu=$(awk '{printf "%.2f\n", $3 + $4}' "$OUT/$name.times" | median)
        walls=$(cut -d' ' -f1 "$OUT/$name.times" | tr '\n' ' ')
        case $name in
            keyscout*)
                n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$OUT/$name.json" 2>/dev/null || echo "?")
                fp=$(python3 -c 'import json,sys; print(len({f["fingerprint"] for f in json.load(open(sys.argv[1]))["findings"]}))' "$OUT/$name.json" 2>/dev/null || echo "?")
                ;;
            cat-file) ;;
            *) n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d) if isinstance(d, list) else len(d.get("findings", d)))' "$OUT/$name.json" 2>/dev/null || echo "?") ;;
        esac
        printf '%-15s %10s %10s %12d %10s %13s  %s\n' "$name" "$wall" "$cpu" "$((rss / 1024))" "$n" "$fp" "$walls"
    done
    if [ -s "$OUT/keyscout.json" ] && [ -s "$OUT/keyscout-whole.json" ]; then
        python3 - "$OUT/keyscout.json" "$OUT/keyscout-whole.json" <<'PY'
import json, sys
key = lambda f: (f["fingerprint"], f.get("commit"), f["line"], f.get("occurrences"))
a, b = ({key(f) for f in json.load(open(p))["findings"]} for p in sys.argv[1:3])
print("delta-aware vs whole-blob findings: %s (%d only delta-aware, %d only whole)" % ("same" if a == b else "DIFFERENT", len(a - b), len(b - a)))
PY
    fi
}

echo "keyscout: $KEYSCOUT; $(nproc) cores"
for spec in $REPOS; do
    case $spec in
        *:no-pulls) repo=$(no_pulls "${spec%:no-pulls}") ;;
        "$BUILT") [ -d "$BUILT" ] || build_repo; repo=$BUILT ;;
        *) repo=$spec ;;
    esac
    bench "$repo"
done

# The pre-commit hook: one staged file in a worktree of the built repository (21,000+ files),
# after a commit (git leaves the index's cached trees valid then: HEAD is read only on the
# way to the staged file), and in a fresh clone (git's checkout leaves most cached trees
# invalid, so HEAD's trees under them are read). STAGED_RUNS runs each, median.
[ -d "$BUILT" ] || build_repo
STAGED_RUNS=${STAGED_RUNS:-21}
staged() {
    local wt=$1 label=$2 run
    : >"$OUT/staged.times"
    for run in $(seq "$STAGED_RUNS"); do
        # Milliseconds: `time`'s wall clock has 10 ms steps.
        local start=$EPOCHREALTIME
        /usr/bin/time -f '%M' -o "$OUT/t" "$KEYSCOUT" git --staged -q "$wt" >/dev/null || true
        local end=$EPOCHREALTIME
        echo "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", (b - a) * 1000}') $(grep -E '^[0-9]+$' "$OUT/t")" >>"$OUT/staged.times"
    done
    echo "keyscout git --staged ($label, one file staged, $(git -C "$wt" ls-files | wc -l) files): median $(cut -d' ' -f1 "$OUT/staged.times" | median) ms of $STAGED_RUNS; peak $(($(cut -d' ' -f2 "$OUT/staged.times" | median | cut -d. -f1) / 1024)) MiB"
}
for state in committed fresh; do
    WT=$OUT/worktree-$state
    git clone -q --shared -b main "$BUILT" "$WT"
    if [ $state = committed ]; then
        echo "fn committed() {}" >>"$WT/$(git -C "$WT" ls-files | sed -n 2p)"
        git -C "$WT" -c user.name=Bench -c user.email=bench@example.com commit -qam "an earlier commit"
    fi
    echo "fn added() {}" >>"$WT/$(git -C "$WT" ls-files | head -1)"
    git -C "$WT" add -A
    staged "$WT" "$state"
done
