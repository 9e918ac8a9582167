//! Rules as the scanner runs them: every field validated, every regex parsed (bytes, Unicode
//! off, as Go's RE2 treats `\w`, `\d` and `\s`), and one Aho-Corasick automaton over all
//! keywords with a keyword -> rules table. A rule's own regex is compiled on first use, so a
//! scan that meets few keywords starts fast.

use std::collections::HashMap;
use std::sync::OnceLock;

use memchr::memmem;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::{captures::Captures, primitives::NonMaxUsize, syntax};
use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::literal::Extractor;
use regex_syntax::hir::{Hir, HirKind};

use super::checksum::Checksum;
use super::decodes::Decodes;
use super::error::{RuleError, line_of};
use super::keywords::Keywords;
use super::load::{AllowlistDef, Origin, RuleDef};
use super::shape::{self, Guards, Reach};
use super::syntax::{AllowlistSyntax, RuleSyntax};
use super::verify::{self, Verifier};

/// A compiled regex over bytes.
pub type Regex = meta::Regex;

/// A regex as written, parsed and compiled when first needed: a scan pays only for the rules
/// whose keywords it meets. Built-in packs are known good; a user's file is checked at load
/// ([`Pattern::check`]).
#[derive(Debug)]
pub struct Pattern {
    source: String,
    /// The rule's keywords (lowercase), which decide [`Compiled::reach`].
    keywords: Vec<String>,
    secret_group: Option<usize>,
    compiled: OnceLock<Result<Compiled, String>>,
}

/// A compiled pattern, and what its shape tells the prefilter.
#[derive(Debug)]
pub struct Compiled {
    pub regex: Regex,
    /// Longest possible match in bytes, when bounded.
    pub max_len: Option<usize>,
    /// How far every match reaches around a keyword it must contain, when it must and the
    /// reach is bounded: the regex may then run in windows around keyword hits.
    pub reach: Option<Reach>,
    /// Which keyword hits can be the occurrence a match's reach is measured from.
    pub guards: Guards,
    /// Whether every capture group spans the whole match (none, or one around the whole
    /// regex, as private key blocks are written): a search need not resolve groups, which
    /// for a large regex costs a hundred times the search itself.
    pub groups_are_match: bool,
    /// A literal every match starts with, when there is one of [`MIN_PREFIX`] bytes or more
    /// (`-----BEGIN RSA PRIVATE KEY-----`): a search then tries only where it occurs, anchored,
    /// and needs no reverse pass to find where a match starts, which over a long match (a key
    /// block) cost more than the forward one.
    pub prefix: Option<memmem::Finder<'static>>,
}

/// The shortest [`Compiled::prefix`]: a shorter literal occurs too often to search for.
const MIN_PREFIX: usize = 8;

impl Compiled {
    /// Finds the leftmost-first match in `input`'s span, with its groups, into `caps`, as
    /// [`meta::Regex::search_captures_with`] does.
    pub fn search(&self, cache: &mut meta::Cache, input: &Input<'_>, caps: &mut Captures) {
        let Some(prefix) = &self.prefix else {
            return self.search_here(cache, input, caps);
        };
        let (mut at, end) = (input.start(), input.end());
        while let Some(found) = prefix.find(&input.haystack()[at..end]) {
            let start = at + found;
            let here = input.clone().range(start..end).anchored(Anchored::Yes);
            self.search_here(cache, &here, caps);
            if caps.is_match() {
                return;
            }
            at = start + 1;
        }
        caps.set_pattern(None);
    }

    fn search_here(&self, cache: &mut meta::Cache, input: &Input<'_>, caps: &mut Captures) {
        if !self.groups_are_match {
            return self.regex.search_captures_with(cache, input, caps);
        }
        let found = self.regex.search_with(cache, input);
        caps.set_pattern(found.map(|m| m.pattern()));
        let (start, end) = match found {
            Some(m) => (NonMaxUsize::new(m.start()), NonMaxUsize::new(m.end())),
            None => (None, None),
        };
        for pair in caps.slots_mut().chunks_exact_mut(2) {
            pair[0] = start;
            pair[1] = end;
        }
    }
}

impl Pattern {
    fn new(source: &str, keywords: &[String], secret_group: Option<usize>) -> Pattern {
        Pattern {
            source: source.to_string(),
            keywords: keywords.to_vec(),
            secret_group,
            compiled: OnceLock::new(),
        }
    }

    /// Parses without compiling: syntax errors and a `secretGroup` the regex lacks.
    pub fn check(&self) -> Result<(), String> {
        self.parse().map(|_| ())
    }

    fn parse(&self) -> Result<Hir, String> {
        let hir = parse(&self.source)?;
        let groups = hir.properties().explicit_captures_len() + 1;
        match self.secret_group {
            Some(g) if g >= groups => Err(format!(
                "secretGroup {g} but the regex has only {} capture group(s)",
                groups - 1
            )),
            _ => Ok(hir),
        }
    }

    /// The compiled pattern, built on first use; an error for a regex that cannot be built.
    pub fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                let hir = self.parse()?;
                let max_len = hir.properties().maximum_len();
                let (reach, guards) = shape::keyword_windows(&hir, &self.keywords).unzip();
                let mut guards = guards.unwrap_or_default();
                guards.build(build_check);
                let groups_are_match = match hir.properties().explicit_captures_len() {
                    0 => true,
                    1 => matches!(hir.kind(), HirKind::Capture(_)),
                    _ => false,
                };
                let prefix = match Extractor::new().extract(&hir).literals() {
                    Some([only]) if only.as_bytes().len() >= MIN_PREFIX => {
                        Some(memmem::Finder::new(only.as_bytes()).into_owned())
                    }
                    _ => None,
                };
                Ok(Compiled {
                    regex: build(&hir)?,
                    max_len,
                    reach,
                    guards,
                    groups_are_match,
                    prefix,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The longest match the regex can make in bytes, when bounded, and whether every match
    /// holds a keyword and is bounded around it ([`Compiled::reach`]): read from the compiled
    /// pattern when there is one, else from one parse (which builds nothing). `(None, false)`
    /// for a regex that does not parse.
    pub fn window_shape(&self) -> (Option<usize>, bool) {
        match self.compiled.get() {
            Some(Ok(compiled)) => (compiled.max_len, compiled.reach.is_some()),
            _ => match self.parse() {
                Ok(hir) => (
                    hir.properties().maximum_len(),
                    shape::keyword_reach(&hir, &self.keywords).is_some(),
                ),
                Err(_) => (None, false),
            },
        }
    }

    pub fn regex(&self) -> Result<&Regex, &str> {
        self.compiled().map(|c| &c.regex)
    }

    /// Whether the (compiled) regex matches `haystack`; one that cannot be built never does.
    pub fn is_match(&self, haystack: &[u8]) -> bool {
        self.regex().is_ok_and(|r| r.is_match(haystack))
    }

    /// The build error, if the regex was needed and could not be built.
    pub fn error(&self) -> Option<&str> {
        self.compiled
            .get()
            .and_then(|r| r.as_ref().err())
            .map(String::as_str)
    }
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub description: String,
    /// Where and how to revoke or rotate the credential; empty when the rule says nothing.
    pub remediation: String,
    pub regex: Option<Pattern>,
    /// `secretGroup`; `None`: the first non-empty group, else the whole match.
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    /// The least mean surprise of the secret under the character model, bits per character.
    pub randomness: Option<f32>,
    /// Lowercase.
    pub keywords: Vec<String>,
    pub path: Option<Pattern>,
    pub tags: Vec<String>,
    /// Unset in the file: medium.
    pub confidence: Confidence,
    pub checksum: Option<Checksum>,
    /// A generic assignment rule: its candidates are judged in context.
    pub assignment: Option<Assignment>,
    pub decodes: Option<Decodes>,
    pub allowlists: Vec<Allowlist>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    pub origin: Origin,
    /// Tagged `generic`: it yields to any specific rule that reports the same secret.
    pub generic: bool,
    /// Tagged `companion`: finds a value that is no secret (a shop domain, an account id) only
    /// for other rules' verifiers (`{{rule:ID}}`); its findings are never reported.
    pub companion: bool,
    /// `[rules.verify]`: how `--verify` asks the provider about a secret.
    pub verify: Option<Verifier>,
}

impl Rule {
    /// The 1-based line where `example` is written, or the rule's line.
    pub fn line_of_example(&self, example: &str) -> usize {
        let first = example
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(example);
        let text = &self.origin.text;
        let from = self.origin.offset.min(text.len());
        match text.get(from..).and_then(|rest| rest.find(first)) {
            Some(at) => line_of(text, from + at),
            None => self.origin.line,
        }
    }
}

/// What a generic assignment rule looks for: a key or token, or a password (which people
/// choose, so it need not read as random).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    Secret,
    Password,
}

/// How sure a rule's match is a real secret. Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

impl Confidence {
    pub fn parse(text: &str) -> Option<Confidence> {
        match text.to_ascii_lowercase().as_str() {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Or,
    And,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexTarget {
    Secret,
    Match,
    Line,
}

/// A gitleaks allowlist: a finding it matches is dropped.
#[derive(Debug)]
pub struct Allowlist {
    pub description: String,
    pub condition: Condition,
    pub commits: Vec<String>,
    pub paths: Vec<Pattern>,
    pub regexes: Vec<Pattern>,
    pub target: RegexTarget,
    /// Lowercase.
    pub stopwords: Vec<String>,
    /// Global allowlists only: rule ids it applies to; empty means every rule.
    pub target_rules: Vec<String>,
}

/// What an allowlist looks at for one candidate finding.
pub struct Candidate<'a> {
    pub secret: &'a [u8],
    pub matched: &'a [u8],
    pub line: &'a [u8],
    pub path: Option<&'a str>,
    pub commit: Option<&'a str>,
}

impl Allowlist {
    /// Whether this allowlist drops `c`, with gitleaks' OR/AND semantics.
    pub fn allows(&self, c: &Candidate<'_>) -> bool {
        let commit = || {
            c.commit
                .is_some_and(|id| self.commits.iter().any(|a| commit_eq(a, id)))
        };
        let path = || {
            c.path
                .is_some_and(|p| self.paths.iter().any(|r| r.is_match(p.as_bytes())))
        };
        let regex = || {
            let target = match self.target {
                RegexTarget::Secret => c.secret,
                RegexTarget::Match => c.matched,
                RegexTarget::Line => c.line,
            };
            self.regexes.iter().any(|r| r.is_match(target))
        };
        let stopword = || {
            let secret = c.secret.to_ascii_lowercase();
            self.stopwords
                .iter()
                .any(|w| memchr::memmem::find(&secret, w.as_bytes()).is_some())
        };
        match self.condition {
            Condition::Or => commit() || path() || regex() || stopword(),
            Condition::And => {
                (self.commits.is_empty() || commit())
                    && (self.paths.is_empty() || path())
                    && (self.regexes.is_empty() || regex())
                    && (self.stopwords.is_empty() || stopword())
            }
        }
    }

    /// Whether this allowlist drops every finding in a file at `path`, whatever it is.
    pub fn allows_whole_path(&self, path: &str) -> bool {
        let path_only =
            self.commits.is_empty() && self.regexes.is_empty() && self.stopwords.is_empty();
        let by_path = self.paths.iter().any(|r| r.is_match(path.as_bytes()));
        self.target_rules.is_empty() && by_path && (self.condition == Condition::Or || path_only)
    }
}

/// Commits may be given abbreviated.
fn commit_eq(allowed: &str, commit: &str) -> bool {
    !allowed.is_empty() && (commit.starts_with(allowed) || allowed.starts_with(commit))
}

/// The compiled rule database.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Global allowlists.
    pub allowlists: Vec<Allowlist>,
    /// Every distinct keyword, for one ASCII case-insensitive pass; `None` when no rule has
    /// keywords.
    pub keywords: Option<Keywords>,
    /// Keyword pattern index -> rules that list it.
    pub keyword_rules: Vec<Vec<u32>>,
    /// Rules with a regex and no keywords: they run on every input.
    pub unconditional: Vec<u32>,
    /// Rules with a path and no regex: a path match alone is a finding.
    pub path_only: Vec<u32>,
}

impl RuleSet {
    /// Whether a global allowlist drops everything at `path`, so the file need not be read.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allowlists.iter().any(|a| a.allows_whole_path(path))
    }

    /// Whether an allowlist drops `candidate` for `rule`: a global one that targets it (or
    /// every rule), or one of the rule's own.
    pub fn allowed(&self, rule: &Rule, candidate: &Candidate<'_>) -> bool {
        self.allowlists
            .iter()
            .filter(|a| a.target_rules.is_empty() || a.target_rules.contains(&rule.id))
            .chain(&rule.allowlists)
            .any(|a| a.allows(candidate))
    }
}

pub(super) fn compile(
    defs: Vec<RuleDef>,
    globals: Vec<AllowlistDef>,
) -> Result<RuleSet, RuleError> {
    // The keyword table follows from the definitions alone, so the keyword automaton (a fifth
    // of a small scan's start-up, such as a pre-commit hook's) is built on another thread
    // while the rules compile.
    let KeywordTable {
        patterns,
        rules: keyword_rules,
        unconditional,
        path_only,
    } = KeywordTable::of(&defs);
    std::thread::scope(|s| {
        let automaton = (!patterns.is_empty()).then(|| s.spawn(move || Keywords::new(patterns)));
        let rules = defs
            .into_iter()
            .map(compile_rule)
            .collect::<Result<Vec<_>, _>>()?;
        check_host_rules(&rules)?;
        let known = |id: &String| rules.iter().any(|r| r.id == *id);
        let mut allowlists = Vec::with_capacity(globals.len());
        for def in globals {
            let err =
                |msg: String| RuleError::new(&def.origin.file, Some(def.origin.line), None, msg);
            let builtin = def.origin.builtin;
            let mut allowlist = compile_allowlist(def.syntax, builtin).map_err(err)?;
            if builtin {
                // A built-in allowlist outlives the rules a user's config disables; with none of
                // its rules left it has nothing to do (an empty list would mean every rule).
                let targeted = !allowlist.target_rules.is_empty();
                allowlist.target_rules.retain(known);
                if targeted && allowlist.target_rules.is_empty() {
                    continue;
                }
            } else if let Some(id) = allowlist.target_rules.iter().find(|id| !known(id)) {
                return Err(err(format!("targetRules names unknown rule `{id}`")));
            }
            allowlists.push(allowlist);
        }
        let keywords = match automaton.map(|handle| handle.join()) {
            None => None,
            Some(Ok(built)) => Some(built.map_err(|e| {
                RuleError::new("<keywords>", None, None, format!("keyword automaton: {e}"))
            })?),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        };
        Ok(RuleSet {
            rules,
            allowlists,
            keywords,
            keyword_rules,
            unconditional,
            path_only,
        })
    })
}

/// Which rules run on which keyword, by rule index: the keyword automaton's patterns (each
/// lowercase keyword once, in the order first listed) and the rules listing each.
struct KeywordTable {
    patterns: Vec<String>,
    rules: Vec<Vec<u32>>,
    /// Rules with a regex and no keywords.
    unconditional: Vec<u32>,
    /// Rules without a regex.
    path_only: Vec<u32>,
}

impl KeywordTable {
    fn of(defs: &[RuleDef]) -> KeywordTable {
        let mut table = KeywordTable {
            patterns: Vec::new(),
            rules: Vec::new(),
            unconditional: Vec::new(),
            path_only: Vec::new(),
        };
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, def) in defs.iter().enumerate() {
            let i = i as u32;
            if def.syntax.regex.is_none() {
                table.path_only.push(i);
                continue;
            }
            if def.syntax.keywords.is_empty() {
                table.unconditional.push(i);
            }
            for keyword in keywords_of(&def.syntax) {
                let at = *index.entry(keyword.clone()).or_insert_with(|| {
                    table.patterns.push(keyword);
                    table.rules.push(Vec::new());
                    table.patterns.len() - 1
                });
                if !table.rules[at].contains(&i) {
                    table.rules[at].push(i);
                }
            }
        }
        table
    }
}

/// A rule's keywords as the prefilter matches them: lowercase (the keyword table and the
/// compiled rule both take them from here).
fn keywords_of(s: &RuleSyntax) -> Vec<String> {
    s.keywords.iter().map(|k| k.to_lowercase()).collect()
}

/// A host label may come from another rule's finding only if that rule finds no secrets:
/// a secret must never reach a DNS query.
fn check_host_rules(rules: &[Rule]) -> Result<(), RuleError> {
    for rule in rules {
        let Some(v) = &rule.verify else { continue };
        for id in v.url_host_rules() {
            if !rules.iter().any(|r| r.id == id && r.companion) {
                return Err(RuleError::new(
                    &v.file,
                    Some(v.line),
                    Some(&rule.id),
                    format!(
                        "verify: the host's label comes from `{id}`, which is not a rule tagged `companion`"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn compile_rule(def: RuleDef) -> Result<Rule, RuleError> {
    let RuleDef {
        origin,
        syntax: s,
        verify,
    } = def;
    let err = |msg: String| RuleError::new(&origin.file, Some(origin.line), Some(&s.id), msg);
    if s.id.trim().is_empty() {
        return Err(RuleError::new(
            &origin.file,
            Some(origin.line),
            None,
            "rule without an id".into(),
        ));
    }
    if s.regex.is_none() && s.path.is_none() {
        return Err(err("a rule needs a `regex`, a `path`, or both".into()));
    }
    let confidence = match s.confidence.as_deref() {
        None => Confidence::default(),
        Some(text) => Confidence::parse(text)
            .ok_or_else(|| err(format!("confidence `{text}` is not high, medium or low")))?,
    };
    let checksum = match s.checksum.as_deref() {
        None => None,
        Some(name) => Some(Checksum::parse(name).ok_or_else(|| {
            err(format!(
                "unknown checksum `{name}` (known: base62-crc32, nkey-seed)"
            ))
        })?),
    };
    let decodes = match s.decodes.as_deref() {
        None => None,
        Some(name) => Some(Decodes::parse(name).ok_or_else(|| {
            err(format!(
                "unknown decodes `{name}` (known: basic-auth, grafana-key)"
            ))
        })?),
    };
    let assignment = match s.assignment.as_deref() {
        None => None,
        Some("secret") => Some(Assignment::Secret),
        Some("password") => Some(Assignment::Password),
        Some(other) => {
            return Err(err(format!(
                "assignment `{other}` is neither secret nor password"
            )));
        }
    };
    if assignment.is_some()
        && let Some(regex) = &s.regex
        && !(regex.contains("(?P<name>") && regex.contains("(?P<value>"))
    {
        return Err(err(
            "an assignment rule's regex needs groups (?P<name>...) and (?P<value>...)".into(),
        ));
    }
    let keywords = keywords_of(&s);
    if keywords.iter().any(|k| k.is_empty()) {
        return Err(err("empty keyword".into()));
    }
    if let Some(e) = s.entropy
        && !(0.0..=8.0).contains(&e)
    {
        return Err(err(format!("entropy {e} is outside 0..8 bits per byte")));
    }
    if let Some(r) = s.randomness
        && !(0.0..=16.0).contains(&r)
    {
        return Err(err(format!(
            "randomness {r} is outside 0..16 bits per character"
        )));
    }

    let secret_group = s.secret_group.filter(|&g| g > 0);
    let regex = s
        .regex
        .as_deref()
        .map(|p| Pattern::new(p, &keywords, secret_group));
    let path = s.path.as_deref().map(|p| Pattern::new(p, &[], None));
    if !origin.builtin {
        if let Some(regex) = &regex {
            regex.check().map_err(|e| err(format!("regex: {e}")))?;
        }
        if let Some(path) = &path {
            path.check().map_err(|e| err(format!("path: {e}")))?;
        }
    }
    let allowlists = s
        .allowlists
        .into_iter()
        .chain(s.allowlist)
        .map(|a| {
            if !a.target_rules.is_empty() {
                return Err("targetRules belongs in a global [[allowlists]]".to_string());
            }
            compile_allowlist(a, origin.builtin)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(format!("allowlist: {e}")))?;

    let verify = verify
        .map(|v| {
            verify::compile(*v.syntax, v.builtin, &v.file, v.line).map_err(|msg| {
                RuleError::new(&v.file, Some(v.line), Some(&s.id), format!("verify: {msg}"))
            })
        })
        .transpose()?;

    Ok(Rule {
        id: s.id,
        description: s.description,
        remediation: s.remediation.unwrap_or_default(),
        verify,
        regex,
        secret_group,
        entropy: s.entropy.filter(|&e| e > 0.0),
        randomness: s.randomness.filter(|&r| r > 0.0).map(|r| r as f32),
        keywords,
        path,
        generic: s.tags.iter().any(|t| t == "generic"),
        companion: s.tags.iter().any(|t| t == "companion"),
        tags: s.tags,
        confidence,
        checksum,
        assignment,
        decodes,
        allowlists,
        examples: s.examples,
        negative_examples: s.negative_examples,
        origin,
    })
}

fn compile_allowlist(a: AllowlistSyntax, builtin: bool) -> Result<Allowlist, String> {
    let condition = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => Condition::Or,
        Some("AND") => Condition::And,
        Some(other) => return Err(format!("condition `{other}` is neither OR nor AND")),
    };
    let target = match a.regex_target.as_deref() {
        None | Some("secret") | Some("") => RegexTarget::Secret,
        Some("match") => RegexTarget::Match,
        Some("line") => RegexTarget::Line,
        Some(other) => {
            return Err(format!(
                "regexTarget `{other}` is not secret, match or line"
            ));
        }
    };
    if a.commits.is_empty() && a.paths.is_empty() && a.regexes.is_empty() && a.stopwords.is_empty()
    {
        return Err("an allowlist needs commits, paths, regexes or stopwords".into());
    }
    let regexes = |list: &[String]| {
        list.iter()
            .map(|p| {
                let pattern = Pattern::new(p, &[], None);
                match builtin {
                    true => Ok(pattern),
                    false => pattern
                        .check()
                        .map(|()| pattern)
                        .map_err(|e| format!("`{p}`: {e}")),
                }
            })
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(Allowlist {
        description: a.description,
        condition,
        paths: regexes(&a.paths)?,
        regexes: regexes(&a.regexes)?,
        commits: a.commits,
        target,
        stopwords: a.stopwords.iter().map(|w| w.to_lowercase()).collect(),
        target_rules: a.target_rules,
    })
}

/// Parses `pattern` for bytes with Unicode off; patterns that need Unicode (`\p{..}`) get it.
fn parse(pattern: &str) -> Result<Hir, String> {
    let parse_with = |unicode: bool| {
        regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .utf8(false)
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())
    };
    parse_with(false).or_else(|ascii_err| parse_with(true).map_err(|_| ascii_err))
}

/// Lazy-DFA cache per regex and thread. The default (2 MiB) is cleared and rebuilt over and
/// over by the generic rules' bounded repetitions on real code; this holds their states.
const HYBRID_CACHE: usize = 8 << 20;

fn build(hir: &Hir) -> Result<Regex, String> {
    build_with(
        hir,
        meta::Config::new()
            .utf8_empty(false)
            .hybrid_cache_capacity(HYBRID_CACHE),
    )
}

/// A regex only asked whether it matches at one place, anchored ([`Guards`]): no captures,
/// and no engine or cache beyond the lazy DFA's and the fallback's.
fn build_check(hir: &Hir) -> Result<Regex, String> {
    build_with(
        hir,
        meta::Config::new()
            .utf8_empty(false)
            .which_captures(WhichCaptures::None)
            .onepass(false)
            .backtrack(false),
    )
}

fn build_with(hir: &Hir, config: meta::Config) -> Result<Regex, String> {
    meta::Regex::builder()
        .configure(config)
        .syntax(syntax::Config::new().utf8(false))
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn groups_are_match(regex: &str) -> bool {
        let pattern = Pattern::new(regex, &[], None);
        pattern.compiled().expect("builds").groups_are_match
    }

    #[test]
    fn only_groups_around_the_whole_regex_are_the_match() {
        assert!(groups_are_match("abc[0-9]{4}"));
        assert!(groups_are_match("(?i)(abc[0-9]{4})"));
        assert!(groups_are_match("(abc|def)"));
        assert!(!groups_are_match("a(b)c"));
        assert!(!groups_are_match("(a)|b"));
        assert!(!groups_are_match("(a)(b)"));
        assert!(!groups_are_match("((a)b)"));
        assert!(!groups_are_match("(?P<name>a)b"));
    }

    #[test]
    fn the_window_shape_of_a_parse_is_that_of_the_compiled_pattern() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        let mut windowed = 0;
        for rule in &set.rules {
            let Some(pattern) = &rule.regex else { continue };
            let parsed = pattern.window_shape();
            pattern.compiled().expect("a built-in rule builds");
            assert_eq!(parsed, pattern.window_shape(), "{}", rule.id);
            windowed += usize::from(parsed.1);
        }
        assert!(windowed > 100, "{windowed}");
        let unparsed = Pattern::new("a(b", &[], None);
        assert_eq!(unparsed.window_shape(), (None, false));
    }
}
