#!/usr/bin/env bash
# The history benchmark of the README's "Git history" section: benches/git.sh (keyscout, the
# delta-unaware reference `--whole-blobs`, the pack-decode floor, Kingfisher, gitleaks and
# Betterleaks, alternating; then `--staged`) on the repository it builds and on three real
# mirrors of 10,000+ commits:
#   redis/redis without its refs/pull/* (19,252 commits; 70,405 blobs in the pack, 32,525
#     of them reachable: an unreachable-heavy server-side mirror),
#   nginx/nginx (12,082 commits, pull refs included),
#   tokio-rs/tokio (23,583 commits, pull refs included).
# Each is a `git clone --mirror` of the GitHub repository; MIRRORS is the folder holding them
# as OWNER+NAME/repo.
#
# Usage: benches/history.sh [RUNS]   (default 3; env as benches/git.sh)
set -euo pipefail
MIRRORS=${MIRRORS:-/work/.mirror}
export TIMEOUT=${TIMEOUT:-600}
export REPOS=${REPOS:-"$HOME/.cache/keyscout-bench/history-repo $MIRRORS/redis+redis/repo:no-pulls $MIRRORS/nginx+nginx/repo $MIRRORS/tokio-rs+tokio/repo"}
exec "$(dirname "$0")/git.sh" "${1:-3}"
