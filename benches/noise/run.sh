#!/usr/bin/env bash
# Noise benchmark: full-history scans of well-known open-source repositories (repos.txt) with
# keyscout, Betterleaks and Kingfisher, one repository at a time, each tool after the other.
# Prints a markdown table of findings and distinct findings per repository and tool, keyscout's
# distinct findings split by labels.tsv into true / false / unlabelled, and then every
# unlabelled keyscout finding (secret masked) for a reviewer to label. See README.md.
#
# Usage: benches/noise/run.sh [-r OWNER/NAME] [-k] [-m MIRRORS] [-o OUT] [-s] [-d DUMP]
#   -r OWNER/NAME  this repository only (as in repos.txt)
#   -k             keyscout only (quick iterations on the rules)
#   -m MIRRORS     where the bare mirrors live, as MIRRORS/<owner>+<name>/repo [/work/.mirror]
#   -o OUT         where the reports go [~/.cache/keyscout-bench/noise]
#   -s             skip a scan whose report is already in OUT (resume, or add peers later)
#   -d DUMP        also write DUMP/<owner>+<name>.txt: every distinct keyscout finding with its
#                  context line, unmasked (keep it outside the repository)
# Env: KEYSCOUT (the binary, default target/release/keyscout), PEERS (the peers' bin directory).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KEYSCOUT=${KEYSCOUT:-$ROOT/target/release/keyscout}
PEERS=${PEERS:-$HOME/.cache/keyscout-peers/bin}
MIRRORS=/work/.mirror
OUT=$HOME/.cache/keyscout-bench/noise
ONLY=""
KEYSCOUT_ONLY=""
SKIP=""
DUMP=""

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "r:km:o:sd:h" opt; do
    case $opt in
        r) ONLY=$OPTARG ;;
        k) KEYSCOUT_ONLY=1 ;;
        m) MIRRORS=$OPTARG ;;
        o) OUT=$OPTARG ;;
        s) SKIP=1 ;;
        d) DUMP=$OPTARG ;;
        *) usage ;;
    esac
done
[ -x "$KEYSCOUT" ] || { echo "no keyscout binary at $KEYSCOUT (set KEYSCOUT)" >&2; exit 2; }
if [ -z "$KEYSCOUT_ONLY" ]; then
    for t in betterleaks kingfisher; do
        [ -x "$PEERS/$t" ] || { echo "no $t in $PEERS (see /work/shared/peers)" >&2; exit 2; }
    done
fi
mkdir -p "$OUT"

# timed NAME CMD...: runs CMD, writes "wall_seconds user+sys_seconds max_rss_kb" to NAME.time.
timed() {
    local name=$1; shift
    local rc=0
    /usr/bin/time -o "$name.time.raw" -f "%e %U %S %M" "$@" >"$name.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        # A mirror may lack a few objects (keyscout then warns and exits 2): the report of what
        # could be read still counts, with a warning; no report at all is a failure.
        [ -s "$name.json" ] || { echo "failed: $* (see $name.log)" >&2; return 1; }
        echo "warning: exit $rc, report kept: $* (see $name.log)" >&2
    fi
    sed -i '/^Command exited/d' "$name.time.raw"
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$name.time.raw" >"$name.time"
    rm -f "$name.time.raw"
}

# complete_view GIT_DIR: prints a git dir with the same refs and objects as GIT_DIR in which every
# object GIT_DIR lacks reads as an empty blob (a replace ref), or GIT_DIR itself when it lacks
# none. Betterleaks runs `git log -p`, which stops at the first blob it cannot read; keyscout and
# Kingfisher read the object store and skip what is missing. The view lives in OUT and shares
# the mirror's objects (alternates): the mirror itself is not changed. Betterleaks sets
# GIT_NO_REPLACE_OBJECTS=1 for its git commands, so it runs with a `git` on PATH that unsets it
# (GIT_SHIM below) and changes nothing else.
complete_view() {
    local git_dir=$1 view=$base.view missing
    missing=$(git --git-dir "$git_dir" rev-list --objects --all --missing=print | sed -n 's/^?//p')
    if [ -z "$missing" ]; then echo "$git_dir"; return; fi
    if [ ! -d "$view" ]; then
        git init -q --bare "$view.tmp"
        echo "$(cd "$git_dir" && pwd -P)/objects" >"$view.tmp/objects/info/alternates"
        git --git-dir "$git_dir" for-each-ref --format='create %(refname) %(objectname)' |
            git --git-dir "$view.tmp" update-ref --stdin
        git --git-dir "$view.tmp" symbolic-ref HEAD \
            "$(git --git-dir "$git_dir" symbolic-ref -q HEAD || echo refs/heads/main)"
        local empty
        empty=$(git --git-dir "$view.tmp" hash-object -w -t blob /dev/null)
        for m in $missing; do echo "create refs/replace/$m $empty"; done |
            git --git-dir "$view.tmp" update-ref --stdin
        mv "$view.tmp" "$view"
    fi
    echo "$(echo "$missing" | wc -l) objects missing in $git_dir: Betterleaks reads $view" >&2
    echo "$view"
}

REAL_GIT=$(command -v git)
GIT_SHIM=$OUT/git-shim
mkdir -p "$GIT_SHIM"
printf '#!/bin/sh\nunset GIT_NO_REPLACE_OBJECTS\nexec %s "$@"\n' "$REAL_GIT" >"$GIT_SHIM/git"
chmod +x "$GIT_SHIM/git"

found=""
while read -r repo lang; do
    case $repo in ''|'#'*) continue ;; esac
    [ -n "$ONLY" ] && [ "$ONLY" != "$repo" ] && continue
    found=1
    git_dir=$MIRRORS/${repo/\//+}/repo
    [ -d "$git_dir" ] || { echo "no mirror of $repo at $git_dir" >&2; exit 2; }
    base=$OUT/${repo/\//+}
    want() { [ -z "$SKIP" ] || [ ! -s "$base.$1.json" ]; }
    if want keyscout; then
        echo "keyscout    $repo" >&2
        timed "$base.keyscout" "$KEYSCOUT" git "$git_dir" -f json -o "$base.keyscout.json" \
            -q --exit-code 0
    fi
    [ -n "$KEYSCOUT_ONLY" ] && continue
    if want betterleaks; then
        echo "betterleaks $repo" >&2
        view=$(complete_view "$git_dir")
        PATH=$GIT_SHIM:$PATH timed "$base.betterleaks" "$PEERS/betterleaks" git "$view" -s -l error \
            --exit-code 0 -o "$base.betterleaks.json"
    fi
    if want kingfisher; then
        echo "kingfisher  $repo" >&2
        timed "$base.kingfisher" "$PEERS/kingfisher" scan "$git_dir" --no-validate \
            --no-update-check -q -f json -o "$base.kingfisher.json"
    fi
done <"$HERE/repos.txt"
[ -n "$found" ] || { echo "$ONLY is not in $HERE/repos.txt" >&2; exit 2; }

args=("$HERE/repos.txt" "$OUT" "$MIRRORS" "$HERE/labels.tsv")
[ -n "$ONLY" ] && args+=(--only "$ONLY")
[ -n "$KEYSCOUT_ONLY" ] && args+=(--keyscout-only)
[ -n "$DUMP" ] && args+=(--dump "$DUMP")
python3 "$HERE/noise.py" "${args[@]}"
