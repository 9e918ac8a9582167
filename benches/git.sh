#!/usr/bin/env bash
# History benchmark for `keyscout git`: builds a large repository from real code, then scans
# its full history with keyscout, Kingfisher, gitleaks and Betterleaks, alternating, plus the
# floor `git cat-file --batch-all-objects --batch --unordered`; and times `keyscout git
# --staged` on a one-file change. Reports the median wall time, CPU time (user + system: less
# moved by other load on a shared machine than wall time) and peak RSS of each, and the load
# average before and after.
#
# The repository is made deterministically (fixed dates, sorted inputs) with `git
# fast-import` from the crate sources in ~/.cargo/registry/src: every file is committed in
# small batches, then REVISIONS successive "versions" rewrite each file (a revision comment
# and rotated lines), so history holds many blobs per path and packs hold long delta chains.
# A few made-up secrets are committed and later deleted. It is cached and reused.
#
# Usage: benches/git.sh [RUNS]     (env: REPO, REVISIONS, FILES_PER_COMMIT, PEERS, KEYSCOUT)
set -euo pipefail

RUNS=${1:-3}
REPO=${REPO:-$HOME/.cache/keyscout-bench/history-repo}
REVISIONS=${REVISIONS:-4}
FILES_PER_COMMIT=${FILES_PER_COMMIT:-2}
PEERS=${PEERS:-$HOME/.cache/keyscout-peers/bin}
HERE=$(cd "$(dirname "$0")/.." && pwd)
KEYSCOUT=${KEYSCOUT:-$HERE/target/release/keyscout}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

build_repo() {
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

[ -d "$REPO" ] || build_repo
commits=$(git -C "$REPO" rev-list --all | wc -l)
pack=$(du -sm "$REPO/objects/pack" | cut -f1)
blobs=$(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1=="blob"{n++; s+=$2} END{printf "%d blobs, %.0f MB", n, s/1e6}')
echo "repository: $REPO: $commits commits, $blobs, pack $pack MiB"

declare -A CMD=(
    [keyscout]="$KEYSCOUT git $REPO -q -f json -o $OUT/keyscout.json --exit-code 0"
    [kingfisher]="$PEERS/kingfisher scan $REPO --no-validate --no-update-check -q -f json -o $OUT/kingfisher.json"
    [gitleaks]="$PEERS/gitleaks git $REPO --no-banner -l error --exit-code 0 -f json -r $OUT/gitleaks.json"
    [betterleaks]="$PEERS/betterleaks git $REPO -s -l error --exit-code 0 -o $OUT/betterleaks.json"
    [cat-file]="git -C $REPO cat-file --batch-all-objects --batch --unordered"
)
ORDER=(keyscout cat-file kingfisher gitleaks betterleaks)
for name in "${ORDER[@]}"; do : >"$OUT/$name.times"; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
    for name in "${ORDER[@]}"; do
        tool=${CMD[$name]%% *}
        if [ "$name" != cat-file ] && [ ! -x "$tool" ]; then continue; fi
        /usr/bin/time -f '%e %M %U %S' -o "$OUT/t" bash -c "${CMD[$name]} >/dev/null 2>$OUT/$name.err" || true
        # Only the numbers: `time` adds a "Command exited with non-zero status" line when a
        # tool exits non-zero (Kingfisher does when it finds something), which must not be
        # taken for a measurement.
        grep -E '^[0-9.]+ [0-9]+ ' "$OUT/t" >>"$OUT/$name.times" || true
    done
done

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %10s %10s %12s %10s  %s\n' tool "wall (s)" "cpu (s)" "peak (MiB)" findings "walls (s)"
for name in "${ORDER[@]}"; do
    [ -s "$OUT/$name.times" ] || continue
    wall=$(cut -d' ' -f1 "$OUT/$name.times" | median)
    rss=$(cut -d' ' -f2 "$OUT/$name.times" | median)
    cpu=$(awk '{printf "%.2f\n", $3 + $4}' "$OUT/$name.times" | median)
    walls=$(cut -d' ' -f1 "$OUT/$name.times" | tr '\n' ' ')
    n=-
    case $name in
        keyscout) n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$OUT/keyscout.json" 2>/dev/null || echo "?") ;;
        cat-file) ;;
        *) n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d) if isinstance(d, list) else len(d.get("findings", d)))' "$OUT/$name.json" 2>/dev/null || echo "?") ;;
    esac
    printf '%-12s %10s %10s %12d %10s  %s\n' "$name" "$wall" "$cpu" "$((rss / 1024))" "$n" "$walls"
done

# The pre-commit hook: one staged file in a worktree of the big repository.
WT=$OUT/worktree
git clone -q --shared -b main "$REPO" "$WT"
echo "fn added() {}" >>"$WT/$(git -C "$WT" ls-files | head -1)"
git -C "$WT" add -A
: >"$OUT/staged.times"
for run in $(seq 5); do
    /usr/bin/time -f '%e %M' -o "$OUT/t" "$KEYSCOUT" git --staged -q "$WT" >/dev/null || true
    grep -E '^[0-9.]+ [0-9]+' "$OUT/t" >>"$OUT/staged.times" || true
done
echo "keyscout git --staged (one file, $(git -C "$WT" ls-files | wc -l) files in HEAD): median $(cut -d' ' -f1 "$OUT/staged.times" | median) s"
