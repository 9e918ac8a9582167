//! The engine: bytes in, findings out, no I/O. A keyword prefilter (one Aho-Corasick pass)
//! picks the rules that can match and where; each picked rule's regex runs only there; then
//! secret extraction, entropy, allowlists and inline `keyscout:allow` comments decide what
//! is reported. Line and column are computed only for what survives. Text that looks encoded
//! (base64, hex, percent-encoding) is decoded and scanned the same way ([`decode`]).
//!
//! A [`Scanner`] is shared read-only by every thread; each thread scans with its own
//! [`Matcher`], which owns the scratch buffers and regex caches.

mod assignment;
pub mod decode;
pub mod entropy;
mod format;
mod public_key;
mod randomness;

pub use format::Format;
// A name's words, for the rules' checks of decoded values.
pub(crate) use assignment::words;

use std::ops::Range;
use std::sync::Arc;

use memchr::memmem;
use regex_automata::{Input, meta, util::captures::Captures};

use crate::finding::{Chunk, Finding, Why};
use crate::rules::{Candidate, Compiled, Confidence, KeywordHit, Rule, RuleSet};

/// Markers that suppress findings on their line.
const INLINE_ALLOW: [&str; 2] = ["keyscout:allow", "gitleaks:allow"];

/// The compiled rules plus how to run them.
pub struct Scanner {
    rules: Arc<RuleSet>,
    prefilter: bool,
    inline_allow: [memmem::Finder<'static>; 2],
    /// How many encodings deep decoded text is scanned (0: not at all).
    decode_depth: u8,
}

/// `--max-decode-depth` when not given.
pub const DEFAULT_DECODE_DEPTH: u8 = 2;

impl Scanner {
    pub fn new(rules: Arc<RuleSet>) -> Self {
        Scanner {
            rules,
            prefilter: true,
            inline_allow: INLINE_ALLOW.map(memmem::Finder::new),
            decode_depth: DEFAULT_DECODE_DEPTH,
        }
    }

    /// Whether `line` carries a `keyscout:allow` or `gitleaks:allow` comment.
    fn allows_inline(&self, line: &[u8]) -> bool {
        self.inline_allow.iter().any(|f| f.find(line).is_some())
    }

    /// Scans what base64, hex and percent-encoded spans hold, `depth` encodings deep.
    pub fn with_decode_depth(mut self, depth: u8) -> Self {
        self.decode_depth = depth;
        self
    }

    /// Runs every rule over the whole input, gating on keywords by lowercasing a copy: the
    /// slow reference path the prefilter is tested against.
    pub fn without_prefilter(mut self) -> Self {
        self.prefilter = false;
        self
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Findings of the rules that look only at a file's path (`path`, no `regex`) for a file
    /// at `path`, in `commit` when it comes from git history.
    pub fn path_findings(&self, path: &str, commit: Option<&str>, out: &mut Vec<Finding>) {
        let set = &*self.rules;
        for &r in &set.path_only {
            let rule = &set.rules[r as usize];
            if !path_matches(rule, Some(path)) {
                continue;
            }
            let candidate = Candidate {
                secret: b"",
                matched: b"",
                line: b"",
                path: Some(path),
                commit,
            };
            if set.allowed(rule, &candidate) {
                continue;
            }
            out.push(Finding {
                rule_id: rule.id.clone(),
                description: rule.description.clone(),
                path: path.to_string(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                offset: None,
                secret: String::new(),
                matched: format!("file detected: {path}"),
                entropy: 0.0,
                tags: rule.tags.clone(),
                confidence: rule.confidence.as_str().to_string(),
                fingerprint: Finding::fingerprint(path, &rule.id, b""),
                decoded: String::new(),
                git: None,
                image: None,
                why: None,
                context: String::new(),
                context_secret: 0..0,
            });
        }
    }

    /// Whether `finding`, made without a path (a git blob, scanned once for every place that
    /// carries it), stands at `path` in `commit`: its rule's `path` matches there and no
    /// allowlist drops it there.
    pub fn holds_at(&self, finding: &Finding, path: &str, commit: Option<&str>) -> bool {
        let set = &*self.rules;
        let Some(rule) = self.rule_named(&finding.rule_id) else {
            return false;
        };
        if !path_matches(rule, Some(path)) {
            return false;
        }
        // An assignment was judged without a path: a bare value stands only where bare
        // values count, a label not in a locale's messages, and a quoted sentinel not in code.
        if let Some(why) = &finding.why {
            let format = Format::of(path, b"");
            let secret = finding.secret.as_bytes();
            let label = format == Format::Translations && assignment::translated(secret);
            let lockfile = format == Format::Lockfile;
            let quoted = why.syntax != "bare";
            let sentinel = rule.assignment.is_some_and(|kind| {
                assignment::sentinel(kind, Some(format), quoted, why.name.as_bytes(), secret)
            });
            if why.syntax == "bare" && !format.allows_bare() || label || lockfile || sentinel {
                return false;
            }
        }
        let candidate = Candidate {
            secret: finding.secret.as_bytes(),
            matched: finding.matched.as_bytes(),
            line: finding.context.as_bytes(),
            path: Some(path),
            commit,
        };
        !set.allowed(rule, &candidate)
    }

    /// Whether finding `g` gives way to finding `s` where their secrets overlap, as a scan
    /// with a path decides ([`keep_most_specific`]); for findings made without one, once
    /// both are known to stand at a path.
    pub fn gives_way(&self, g: &Finding, s: &Finding) -> bool {
        let level = |f: &Finding| Confidence::parse(&f.confidence).unwrap_or(Confidence::Medium);
        match (self.rule_named(&g.rule_id), self.rule_named(&s.rule_id)) {
            (Some(gr), Some(sr)) => g.decoded == s.decoded && gives_way(gr, level(g), sr, level(s)),
            _ => false,
        }
    }

    /// The rule a finding names.
    fn rule_named(&self, id: &str) -> Option<&Rule> {
        self.rules.rules.iter().find(|r| r.id == id)
    }

    /// Scratch space for one thread.
    pub fn matcher(&self) -> Matcher<'_> {
        let n = self.rules.rules.len();
        Matcher {
            scanner: self,
            regex_scratch: (0..n).map(|_| None).collect(),
            windows: vec![Vec::new(); n],
            active: Vec::new(),
            raw: Vec::new(),
            hits: Vec::new(),
            top_hits: Vec::new(),
            scanned: 0,
        }
    }
}

/// One thread's scanning state, reused from input to input.
pub struct Matcher<'s> {
    scanner: &'s Scanner,
    /// Per rule, created on first use.
    regex_scratch: Vec<Option<Box<(meta::Cache, Captures)>>>,
    /// Per rule: disjoint, ascending spans of the input where it must run.
    windows: Vec<Vec<Range<usize>>>,
    /// Rules with a non-empty window list in this input.
    active: Vec<u32>,
    raw: Vec<Raw>,
    /// Keyword hits of the current input.
    hits: Vec<KeywordHit>,
    /// Keyword hits of the last chunk given to [`Matcher::scan`] (not of its decoded text).
    top_hits: Vec<KeywordHit>,
    /// Bytes this thread has scanned: past a few MiB the keyword DFA is worth building.
    scanned: u64,
}

/// A match that passed every check, before line and column are known.
struct Raw {
    rule: u32,
    /// Whether the match starts in the chunk's own range. One that starts elsewhere is another
    /// chunk's to report; it is kept until it has hidden what it hides in a whole read.
    owned: bool,
    matched: Range<usize>,
    secret: Range<usize>,
    line: Range<usize>,
    entropy: f64,
    confidence: Confidence,
    why: Option<Why>,
}

impl Matcher<'_> {
    /// Scans `chunk`, appending its findings to `out`.
    pub fn scan(&mut self, chunk: &Chunk<'_>, out: &mut Vec<Finding>) {
        self.scan_knowing(chunk, None, out);
    }

    /// Scans `chunk` as [`Matcher::scan`] does, with its keyword occurrences known: `hits` are
    /// every one in `chunk.data`, in the order [`Matcher::find_keywords`] finds them (a
    /// history scan knows most of a blob's from its base's). Unused without the prefilter.
    pub fn scan_with_hits(
        &mut self,
        chunk: &Chunk<'_>,
        hits: &[KeywordHit],
        out: &mut Vec<Finding>,
    ) {
        self.scan_knowing(chunk, Some(hits), out);
    }

    fn scan_knowing(
        &mut self,
        chunk: &Chunk<'_>,
        hits: Option<&[KeywordHit]>,
        out: &mut Vec<Finding>,
    ) {
        self.path_only(chunk, out);
        let from = out.len();
        self.scan_depth(chunk, self.scanner.decode_depth, hits, out);
        if let Some(strings) = chunk.strings {
            strings.relocate(chunk, out, from);
        }
    }

    /// Appends every keyword occurrence in `data` to `hits`, ordered by end, then start, then
    /// keyword, as the scan of a chunk of those bytes finds them; false without the
    /// prefilter, which finds none.
    pub fn find_keywords(&mut self, data: &[u8], hits: &mut Vec<KeywordHit>) -> bool {
        self.find_keywords_in(data, std::slice::from_ref(&(0..data.len())), hits)
    }

    /// As [`Matcher::find_keywords`], for the occurrences that lie whole in one of `ranges` of
    /// `data` (disjoint and ascending), at their places in `data`.
    pub fn find_keywords_in(
        &mut self,
        data: &[u8],
        ranges: &[Range<usize>],
        hits: &mut Vec<KeywordHit>,
    ) -> bool {
        let Some(keywords) = self
            .scanner
            .rules
            .keywords
            .as_ref()
            .filter(|_| self.scanner.prefilter)
        else {
            return false;
        };
        self.scanned += ranges.iter().map(|r| r.len() as u64).sum::<u64>();
        keywords.find_in(self.scanned, data, ranges, hits);
        true
    }

    /// Every keyword occurrence in the bytes of the last chunk scanned (not its decoded text),
    /// in the order of [`Matcher::find_keywords`]; `None` without the prefilter, which looks
    /// for none.
    pub fn keyword_hits(&self) -> Option<&[KeywordHit]> {
        self.scanner.prefilter.then_some(self.top_hits.as_slice())
    }

    /// Scans `chunk`'s bytes, then what its encoded spans hold, `depth` encodings deep.
    fn scan_depth(
        &mut self,
        chunk: &Chunk<'_>,
        depth: u8,
        known: Option<&[KeywordHit]>,
        out: &mut Vec<Finding>,
    ) {
        let set = &*self.scanner.rules;
        let direct = out.len();
        for &r in &self.active {
            self.windows[r as usize].clear();
        }
        self.active.clear();
        self.raw.clear();

        if self.scanner.prefilter {
            self.plan_with_prefilter(chunk, known);
            if depth == self.scanner.decode_depth {
                // Kept from the scans of decoded text that reuse `hits`.
                self.top_hits.clear();
                self.top_hits.extend_from_slice(&self.hits);
            }
        } else {
            self.plan_without_prefilter(chunk);
        }

        for i in 0..self.active.len() {
            let r = self.active[i] as usize;
            let rule = &set.rules[r];
            // A regex too large to build matches nothing; the caller reports it (`Pattern::error`).
            let Some(Ok(compiled)) = rule.regex.as_ref().map(|p| p.compiled()) else {
                continue;
            };
            let regex = &compiled.regex;
            let scratch = self.regex_scratch[r]
                .get_or_insert_with(|| Box::new((regex.create_cache(), regex.create_captures())));
            for window in &self.windows[r] {
                run_rule(
                    self.scanner,
                    r as u32,
                    compiled,
                    chunk,
                    window.clone(),
                    scratch,
                    &mut self.raw,
                );
            }
        }
        self.raw.sort_by_key(|m| (m.secret.start, m.rule));
        // Without a path (a git blob seen at many paths, a rule example), path-scoped rules
        // ran ungated and may yet be dropped at the real path: they must not hide others.
        if chunk.path.is_some() {
            keep_most_specific(set, &mut self.raw);
        }
        self.raw.retain(|m| m.owned);
        to_findings(set, chunk, &self.raw, out);
        if depth > 0 {
            self.scan_decoded(chunk, depth, direct, out);
        }
    }

    /// Rules with a `path` and no regex report the file itself, once.
    fn path_only(&self, chunk: &Chunk<'_>, out: &mut Vec<Finding>) {
        let Some(path) = chunk.path else { return };
        if chunk.own.start != 0 || chunk.first_line != 1 || chunk.offset != 0 {
            return;
        }
        self.scanner.path_findings(path, None, out);
    }

    /// One Aho-Corasick pass (or the hits `known`): each keyword hit opens a window for the
    /// rules that list it.
    fn plan_with_prefilter(&mut self, chunk: &Chunk<'_>, known: Option<&[KeywordHit]>) {
        let set = &*self.scanner.rules;
        let len = chunk.data.len();
        for &r in &set.unconditional {
            self.activate_whole(r, chunk);
        }
        let Some(keywords) = &set.keywords else {
            return;
        };
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        match known {
            Some(known) => hits.extend_from_slice(known),
            None => {
                self.find_keywords(chunk.data, &mut hits);
            }
        }
        for hit in &hits {
            for &r in &set.keyword_rules[hit.pattern as usize] {
                let rule = &set.rules[r as usize];
                let windows = &mut self.windows[r as usize];
                if windows.last().is_some_and(|w| w.start == 0 && w.end == len) {
                    continue;
                }
                if windows.is_empty() && !path_matches(rule, chunk.path) {
                    continue;
                }
                // Compiles the rule's regex on its first keyword hit.
                let compiled = rule.regex.as_ref().and_then(|p| p.compiled().ok());
                let Some((reach, guards)) = compiled.and_then(|c| Some((c.reach?, &c.guards)))
                else {
                    self.activate_whole(r, chunk);
                    continue;
                };
                if !guards.admits(
                    &keywords.patterns()[hit.pattern as usize],
                    chunk.data,
                    hit.start,
                ) {
                    continue;
                }
                // Every match holds a keyword hit that its guards let through and whose window
                // holds it whole (`Reach`). Hits come ordered by end, so window starts are too.
                let window = hit.end.saturating_sub(reach.before)
                    ..hit.start.saturating_add(reach.after).min(len);
                match windows.last_mut() {
                    Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                    Some(_) => windows.push(window),
                    None => {
                        windows.push(window);
                        self.active.push(r);
                    }
                }
            }
        }
        self.hits = hits;
    }

    /// The reference path: keyword presence by lowercasing the input, then whole-input runs.
    fn plan_without_prefilter(&mut self, chunk: &Chunk<'_>) {
        let set = &*self.scanner.rules;
        let lowered = chunk.data.to_ascii_lowercase();
        for (r, rule) in set.rules.iter().enumerate() {
            let has_keyword = rule.keywords.is_empty()
                || rule
                    .keywords
                    .iter()
                    .any(|k| memmem::find(&lowered, k.as_bytes()).is_some());
            if rule.regex.is_some() && has_keyword {
                self.activate_whole(r as u32, chunk);
            }
        }
    }

    /// Makes rule `r` run over the whole chunk, if its path allows.
    fn activate_whole(&mut self, r: u32, chunk: &Chunk<'_>) {
        let rule = &self.scanner.rules.rules[r as usize];
        if !path_matches(rule, chunk.path) {
            return;
        }
        let windows = &mut self.windows[r as usize];
        if windows.is_empty() {
            self.active.push(r);
        }
        windows.clear();
        windows.push(0..chunk.data.len());
    }
}

/// A rule with a `path` runs only on matching paths; with no path known it runs (examples).
fn path_matches(rule: &Rule, path: Option<&str>) -> bool {
    match (&rule.path, path) {
        (Some(regex), Some(path)) => regex.is_match(path.as_bytes()),
        _ => true,
    }
}

/// Runs one rule's regex over one window, keeping the matches that pass every check.
fn run_rule(
    scanner: &Scanner,
    r: u32,
    compiled: &Compiled,
    chunk: &Chunk<'_>,
    window: Range<usize>,
    scratch: &mut (meta::Cache, Captures),
    raw: &mut Vec<Raw>,
) {
    let rule = &scanner.rules.rules[r as usize];
    let data = chunk.data;
    let (cache, caps) = scratch;
    let mut input = Input::new(data).span(window.clone());
    loop {
        compiled.search(cache, &input, caps);
        let Some(m) = caps.get_match() else { break };
        let found = check_match(scanner, r, rule, chunk, m.range(), caps);
        let mut next = if m.is_empty() { m.end() + 1 } else { m.end() };
        // A rejected assignment's value may hold the next one: `f = Client(token="...")`.
        if found.is_none()
            && rule.assignment.is_some()
            && let Some(value) = caps.get_group_by_name("value")
            && value.start > m.start()
        {
            next = value.start;
        }
        input.set_start(next.min(window.end));
        if let Some(found) = found {
            raw.push(found);
        }
        if input.start() >= window.end {
            break;
        }
    }
}

/// Whether the text before a secret, on its line, ends inside a base64 `data:` URI
/// (`src="data:image/png;base64,iVBOR...`): an embedded file, where any rule can match by
/// chance.
fn in_data_uri(before: &[u8]) -> bool {
    let Some(at) = memmem::rfind(before, b";base64,") else {
        return false;
    };
    let body = &before[at + 8..];
    memmem::rfind(&before[..at], b"data:").is_some()
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Whether a secret is the name of a file a page loads, between a URL path's `/` and the
/// file's type (a font host's `/v9/tss_AoJJRAhL3....ttf`): a name, however random.
fn served_file(data: &[u8], secret: &Range<usize>) -> bool {
    const TYPES: &[&[u8]] = &[
        b"ttf", b"otf", b"woff", b"woff2", b"eot", b"png", b"jpg", b"jpeg", b"gif", b"svg",
        b"webp", b"ico", b"css", b"js", b"mp4",
    ];
    let after = &data[secret.end..];
    let Some(rest) = after.strip_prefix(b".") else {
        return false;
    };
    let kind = &rest[..rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()];
    secret.start > 0
        && data[secret.start - 1] == b'/'
        && TYPES.iter().any(|t| kind.eq_ignore_ascii_case(t))
}

/// Secret extraction, entropy, inline allow comments and allowlists for one regex match.
fn check_match(
    scanner: &Scanner,
    r: u32,
    rule: &Rule,
    chunk: &Chunk<'_>,
    matched: Range<usize>,
    caps: &Captures,
) -> Option<Raw> {
    let owned = chunk.own.contains(&matched.start);
    // Another chunk's match matters only to what it hides, which is decided with a path.
    if !owned && chunk.path.is_none() {
        return None;
    }
    let data = chunk.data;
    let mut confidence = rule.confidence;
    let mut why = None;
    let secret = if let Some(kind) = rule.assignment {
        let name = caps.get_group_by_name("name")?.range();
        let value = caps.get_group_by_name("value")?.range();
        let line_end =
            memchr::memchr(b'\n', &data[value.end..]).map_or(data.len(), |i| value.end + i);
        let value = assignment::whole_literal(data, value, line_end);
        let line_start = memchr::memrchr(b'\n', &data[..name.start]).map_or(0, |i| i + 1);
        let above_start =
            memchr::memrchr(b'\n', &data[..line_start.saturating_sub(1)]).map_or(0, |i| i + 1);
        let candidate = assignment::Candidate {
            name: &data[name.clone()],
            value: &data[value.clone()],
            between: &data[name.end..value.start],
            before_name: name.start.checked_sub(1).map(|i| data[i]),
            line_before: &data[line_start..name.start],
            line_above: &data[above_start..line_start.saturating_sub(1)],
            before: value.start.checked_sub(1).map(|i| data[i]),
            after: &data[value.end..line_end],
            line_below: {
                let below = &data[(line_end + 1).min(data.len())..];
                let below = &below[..below.len().min(assignment::BELOW)];
                &below[..memchr::memchr(b'\n', below).unwrap_or(below.len())]
            },
            format: match chunk.path {
                Some(path) => Some(Format::of(path, chunk.head)),
                None => Format::of_script(chunk.head),
            },
        };
        let verdict = assignment::judge(kind, &candidate, rule.confidence)?;
        confidence = verdict.confidence;
        why = Some(verdict.why);
        value.start + verdict.secret.start..value.start + verdict.secret.end
    } else {
        let secret = match rule.secret_group {
            Some(g) => caps.get_group(g)?.range(),
            None => (1..caps.group_len())
                .filter_map(|g| caps.get_group(g))
                .find(|s| !s.is_empty())
                .map_or(matched.clone(), |s| s.range()),
        };
        // A generic rule's random-looking token, or a password, may be base64 of a stand-in
        // (`--client-secret=ZXhhbXBsZS1hcHAtc2VjcmV0`, `example-app-secret`; a Kubernetes
        // Secret's `ldap_password: cGFzc3dvcmQ=`) or of a user and a stand-in
        // (`Bearer am9objpwYXNzd29yZA==`, `john:password`), as the judge finds for assignments.
        if (rule.generic || rule.tags.iter().any(|t| t == "password"))
            && assignment::base64_of_placeholder(&data[secret.clone()])
        {
            return None;
        }
        secret
    };
    if secret.is_empty() {
        return None;
    }
    // A quoted value taken to its closing quote (`whole_literal`) can end past the match.
    let matched = matched.start..matched.end.max(secret.end);
    let secret_bytes = &data[secret.clone()];
    let entropy = entropy::shannon(secret_bytes);
    if rule.entropy.is_some_and(|min| entropy <= min)
        || rule
            .randomness
            .is_some_and(|min| randomness::surprise(secret_bytes) < min)
        || rule.decodes.is_some_and(|d| !d.accepts(secret_bytes))
    {
        return None;
    }
    let line = line_span(data, &matched);
    let line_bytes = &data[line.clone()];
    // A multi-line secret (a PEM block) cannot carry a comment: the line before it may.
    let allowed_before = || {
        let before = &data[..line.start.saturating_sub(1)];
        scanner.allows_inline(&before[memchr::memrchr(b'\n', before).map_or(0, |i| i + 1)..])
    };
    let multi_line = memchr::memchr(b'\n', line_bytes).is_some();
    if scanner.allows_inline(line_bytes) || (multi_line && allowed_before()) {
        return None;
    }
    if in_data_uri(&data[line.start..secret.start]) || served_file(data, &secret) {
        return None;
    }
    let candidate = Candidate {
        secret: secret_bytes,
        matched: &data[matched.clone()],
        line: line_bytes,
        path: chunk.path,
        commit: None,
    };
    let set = &*scanner.rules;
    if set.allowed(rule, &candidate) {
        return None;
    }
    // A token whose checksum fails only looks like one of its kind.
    if let Some(checksum) = rule.checksum
        && !checksum.verify(&data[secret.clone()])
    {
        confidence = Confidence::Low;
    }
    Some(Raw {
        rule: r,
        owned,
        matched,
        secret,
        line,
        entropy,
        confidence,
        why,
    })
}

/// Where a `generic` rule and a specific one at least as confident report overlapping
/// secrets, only the specific one is kept: it names the provider. (A less confident specific
/// rule does not hide a generic finding, which `--min-confidence` might then lose.) Two
/// specific rules both stay. `raw` is sorted by start.
fn keep_most_specific(set: &RuleSet, raw: &mut Vec<Raw>) {
    let yields = |g: &Raw, s: &Raw| {
        gives_way(
            &set.rules[g.rule as usize],
            g.confidence,
            &set.rules[s.rule as usize],
            s.confidence,
        )
    };
    let mut keep = vec![true; raw.len()];
    each_overlap(
        raw,
        |m| m.secret.clone(),
        |i, j| {
            if yields(&raw[i], &raw[j]) {
                keep[i] = false;
            } else if yields(&raw[j], &raw[i]) {
                keep[j] = false;
            }
        },
    );
    let mut kept = keep.into_iter();
    raw.retain(|_| kept.next().unwrap_or(true));
}

/// Calls `f(i, j)` for each pair `i < j` of `items` whose spans overlap; `items` is sorted by
/// the start of its span.
pub(crate) fn each_overlap<T>(
    items: &[T],
    span: impl Fn(&T) -> Range<usize>,
    mut f: impl FnMut(usize, usize),
) {
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            if span(&items[j]).start >= span(&items[i]).end {
                break;
            }
            f(i, j);
        }
    }
}

/// Whether a finding of rule `g` at confidence `gc` gives way to one of rule `s` at `sc` on
/// an overlapping secret: `g` is generic and `s` a specific rule at least as confident. (A
/// companion's finding is never reported, so it hides nothing.)
fn gives_way(g: &Rule, gc: Confidence, s: &Rule, sc: Confidence) -> bool {
    g.generic && !s.generic && !s.companion && sc >= gc
}

/// The whole line(s) that `span` touches, without the final newline.
fn line_span(data: &[u8], span: &Range<usize>) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &data[..span.start]).map_or(0, |i| i + 1);
    let last = span
        .end
        .max(span.start + 1)
        .min(data.len())
        .saturating_sub(1)
        .max(span.start);
    let end = memchr::memchr(b'\n', &data[last..]).map_or(data.len(), |i| last + i);
    let end = if end > start && data[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end.max(start)
}

/// Line/column for each surviving match; `raw` is sorted by position, so lines are counted
/// once, forward.
fn to_findings(set: &RuleSet, chunk: &Chunk<'_>, raw: &[Raw], out: &mut Vec<Finding>) {
    let data = chunk.data;
    let path = chunk.path.unwrap_or("");
    let mut counted = (0usize, chunk.first_line);
    let mut line_at = |pos: usize| {
        let (from, line) = counted;
        let line = if pos >= from {
            line + memchr::memchr_iter(b'\n', &data[from..pos]).count()
        } else {
            chunk.first_line + memchr::memchr_iter(b'\n', &data[..pos]).count()
        };
        counted = (pos, line);
        line
    };
    for m in raw {
        let rule = &set.rules[m.rule as usize];
        let line = line_at(m.secret.start);
        let last = m.secret.end - 1;
        let end_line = line + memchr::memchr_iter(b'\n', &data[m.secret.start..last]).count();
        let end_line_start = memchr::memrchr(b'\n', &data[..last]).map_or(0, |i| i + 1);
        let context_prefix =
            String::from_utf8_lossy(&data[m.line.start..m.secret.start.max(m.line.start)]);
        let secret = String::from_utf8_lossy(&data[m.secret.clone()]).into_owned();
        let context_rest = String::from_utf8_lossy(
            &data[m.secret.end.min(m.line.end).max(m.line.start)..m.line.end],
        );
        let context_secret = context_prefix.len()..context_prefix.len() + secret.len();
        out.push(Finding {
            rule_id: rule.id.clone(),
            description: rule.description.clone(),
            path: path.to_string(),
            line,
            column: chars(&data[m.line.start..m.secret.start]) + 1,
            end_line,
            end_column: chars(&data[end_line_start..m.secret.end]) + 1,
            offset: Some(chunk.offset + m.secret.start as u64),
            fingerprint: Finding::fingerprint(path, &rule.id, &data[m.secret.clone()]),
            matched: String::from_utf8_lossy(&data[m.matched.clone()]).into_owned(),
            context: format!("{context_prefix}{secret}{context_rest}"),
            context_secret,
            secret,
            entropy: (m.entropy * 1e4).round() / 1e4,
            tags: rule.tags.clone(),
            confidence: m.confidence.as_str().to_string(),
            decoded: String::new(),
            git: None,
            image: None,
            why: m.why.clone(),
        });
    }
}

/// Number of UTF-8 characters in `bytes` (invalid bytes count one each).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::{in_data_uri, served_file};

    #[test]
    fn data_uris_hold_files_not_secrets() {
        assert!(in_data_uri(
            b"<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA"
        ));
        assert!(!in_data_uri(
            b"<img src=\"data:image/png;base64,iVBORw0K\" alt=\"x\"> key="
        ));
        assert!(!in_data_uri(b"token = \""));
    }

    #[test]
    fn files_a_page_loads_are_named_not_secrets() {
        let url = b"https://fonts.example/s/v9/tss_AoJJRAhL3BTrK3r2xxbFhvKfyBB6.ttf";
        let start = url.iter().rposition(|&b| b == b'/').unwrap() + 1;
        assert!(served_file(url, &(start..url.len() - 4)));
        // Not after a path's slash, or before another kind of file.
        assert!(!served_file(url, &(start + 1..url.len() - 4)));
        let doc = b"/tss_AoJJRAhL3BTrK3r2xxbFhvKfyBB6.txt";
        assert!(!served_file(doc, &(1..doc.len() - 4)));
    }
}
