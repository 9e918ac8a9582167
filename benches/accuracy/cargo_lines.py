"""Real code lines from the local crates.io cache (~/.cargo/registry/src) as negatives.

Lines that mention key, token, secret, password, auth or credential are sampled with a fixed
seed: 70% from lines that also assign a string literal (the lines a secret rule must think
about), 30% from the rest, at most 20 lines from one crate (whatever its version) so that
syn, windows-sys and linux-raw-sys do not fill the sample. Lines an independent heuristic (below; it shares nothing with keyscout's rules) thinks
could hold a real or test credential are left out, since labelling them negative would be a
guess; so are lines listed in cargo_review.tsv, which a person read and judged to hold a
credential-shaped test value. What remains is labelled negative.
"""

import math
import os
import random
import re

WORDS = re.compile(r"(?i)key|token|secret|passw|passphrase|auth|credential|api_?key")
EXTS = {".rs", ".toml", ".md", ".json", ".yml", ".yaml", ".txt", ".py", ".sh", ".c", ".h", ".js", ".ts", ".go"}

PREFIXES = re.compile(
    r"(?<![A-Za-z0-9])(?:gh[pousr]_|github_pat_|glpat-|gldt-|glrt-|xox[abpe]-|xapp-|[sr]k_(?:live|test)_|whsec_|AKIA|ASIA|AIza|"
    r"sk-|hf_|npm_|pypi-|dop_v1_|SG\.|gsk_|r8_|dapi|shp(?:at|ca|pa|ss)_|glsa_|glc_|sntry[su]_|xai-|pplx-|lin_api_|"
    r"dckr_pat_|rubygems_|oy2|cio|AKCp|hvs\.|dp\.[a-z]+\.|pul-|rnd_|nfp_|vc[pikar]_|cf(?:ut|at|k)_|figd_|ntn_|secret_|"
    r"bkua_|CCIPAT_|ATATT|ATBB|HRKU-|sbp_|sb_secret_|pscale_|NRAK-|hcaik_)[A-Za-z0-9_\-]{10,}")
URL_CREDS = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s@'\"]+)@")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ")
ASSIGNS_LITERAL = re.compile(r"(?:=|:|=>)\s*[&(]*\s*(?:b|r#?|f)?[\"'`]")
LITERAL = re.compile(r"[\"'`]([A-Za-z0-9+/=_\-.~]{16,})[\"'`]")


def _entropy(s):
    counts = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    return -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())


def _class_switches(s):
    """Share of adjacent characters that change class (lower, upper, digit, other): about 0.6
    for random base62, about 0.3 for identifiers such as Win32_Security_Credentials."""
    def cls(c):
        return 0 if c.islower() else 1 if c.isupper() else 2 if c.isdigit() else 3
    return sum(cls(a) != cls(b) for a, b in zip(s, s[1:])) / max(1, len(s) - 1)


def exclusion_reason(line):
    """Why a line might hold a credential (so it is not labelled negative), or None."""
    if "PRIVATE KEY" in line and "BEGIN" in line:
        return "pem-private-key"
    if PREFIXES.search(line):
        return "vendor-prefix"
    m = URL_CREDS.search(line)
    if m and not re.fullmatch(r"[\$\{<%*x.]+.*|password|pass|secret|\*+|", m.group(1)):
        return "url-credentials"
    if JWT.search(line):
        return "jwt"
    for m in LITERAL.finditer(line):
        v = m.group(1)
        if re.fullmatch(r"[0-9a-fA-F]+", v):
            continue  # hex: digests and test vectors, kept as negatives
        if (any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v)
                and _entropy(v) > 3.5 and _class_switches(v) >= 0.45):
            return "random-literal"
    return None


def sample(src, n, seed, reviewed):
    """Returns (cases, stats). Each case: (relpath, line)."""
    if not os.path.isdir(src):
        return [], {"error": f"{src} not found"}
    candidates = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            if os.path.splitext(name)[1] not in EXTS:
                continue
            full = os.path.join(root, name)
            try:
                if os.path.getsize(full) > 1_000_000:
                    continue
                with open(full, encoding="utf-8") as fh:
                    lines = fh.read().split("\n")
            except (UnicodeDecodeError, OSError):
                continue
            rel = os.path.relpath(full, src)
            for line in lines:
                if 10 <= len(line) <= 240 and WORDS.search(line) and "keyscout:allow" not in line and "gitleaks:allow" not in line:
                    candidates.append((rel, line))
    rng = random.Random(seed)
    rng.shuffle(candidates)
    literal = [c for c in candidates if ASSIGNS_LITERAL.search(c[1])]
    other = [c for c in candidates if not ASSIGNS_LITERAL.search(c[1])]
    stats = {"candidates": len(candidates), "assigning_a_literal": len(literal), "excluded": {}, "reviewed_out": 0}
    seen, cases, per_crate = set(), [], {}
    for pool, quota in ((literal, int(n * 0.7)), (other, n - int(n * 0.7))):
        taken = 0
        for rel, line in pool:
            if taken >= quota:
                break
            crate = re.sub(r"-\d+(?:\.\d+)*.*$", "", rel.split(os.sep)[1] if os.sep in rel else rel)
            if per_crate.get(crate, 0) >= 20:
                continue
            key = line.strip()
            if key in seen:
                continue
            seen.add(key)
            reason = exclusion_reason(line)
            if reason:
                stats["excluded"][reason] = stats["excluded"].get(reason, 0) + 1
                continue
            if key in reviewed:
                stats["reviewed_out"] += 1
                continue
            per_crate[crate] = per_crate.get(crate, 0) + 1
            cases.append((rel, line))
            taken += 1
    stats["crates"] = len(per_crate)
    return cases, stats


def load_reviewed(path):
    """cargo_review.tsv: `reason<TAB>line` per entry, '#' comments."""
    out = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for row in fh:
                if row.strip() and not row.startswith("#") and "\t" in row:
                    out.add(row.rstrip("\n").split("\t", 1)[1].strip())
    return out
