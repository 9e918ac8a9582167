//! Finding the rule file for a scan and reading it, following gitleaks' `[extend]`
//! (`useDefault`, `path`, `disabledRules`) and merging rules that share an id as gitleaks does.
//! The built-in packs come pre-parsed ([`super::prebuilt`]) for a scan, from their TOML with
//! the examples for `rules check`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::builtin::{self, PACKS};
use super::compile::{RuleSet, compile};
use super::error::{Lines, RuleError, line_of};
use super::prebuilt;
use super::syntax::{AllowlistSyntax, ConfigSyntax, RuleSyntax, VerifySyntax};

/// How deep `[extend] path` chains may go, as in gitleaks.
const MAX_EXTEND_DEPTH: usize = 2;

/// Where a scan's rules come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigSource {
    Builtin,
    File(PathBuf),
}

/// Picks the config: `--config`, else `$KEYSCOUT_CONFIG`, else `.keyscout.toml` then
/// `.gitleaks.toml` in `root`, else the built-in packs.
pub fn discover(explicit: Option<&Path>, env: Option<&str>, root: &Path) -> ConfigSource {
    if let Some(path) = explicit {
        return ConfigSource::File(path.to_path_buf());
    }
    if let Some(path) = env.filter(|p| !p.is_empty()) {
        return ConfigSource::File(PathBuf::from(path));
    }
    for name in [".keyscout.toml", ".gitleaks.toml"] {
        let candidate = root.join(name);
        if candidate.is_file() {
            return ConfigSource::File(candidate);
        }
    }
    ConfigSource::Builtin
}

/// Loads and compiles the rules from `source`, without the built-in packs' examples (see
/// [`load_with_examples`]).
pub fn load(source: &ConfigSource) -> Result<RuleSet, RuleError> {
    load_from(source, false)
}

/// As [`load`], with every built-in rule's examples and negative examples, for
/// `rules check` and the tests.
pub fn load_with_examples(source: &ConfigSource) -> Result<RuleSet, RuleError> {
    load_from(source, true)
}

fn load_from(source: &ConfigSource, examples: bool) -> Result<RuleSet, RuleError> {
    let mut defs = Definitions {
        examples,
        ..Definitions::default()
    };
    match source {
        ConfigSource::Builtin => defs.add_builtin()?,
        ConfigSource::File(path) => defs.add_file(path, 0)?,
    }
    compile(defs.rules, defs.allowlists)
}

/// Loads and compiles the rule file `text`, named `name` in errors (an `[extend] path` is
/// read relative to `name`).
pub fn load_text(name: &str, text: &str) -> Result<RuleSet, RuleError> {
    let mut defs = Definitions::default();
    defs.add_text(name, text, 0)?;
    compile(defs.rules, defs.allowlists)
}

/// The largest rule file read: the built-in packs together are a few MiB; a file an
/// `[extend] path` names could be `/dev/zero`.
const MAX_RULE_FILE: u64 = 64 << 20;

/// Where a rule or allowlist was written.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    /// The file's text, kept so that `rules check` can point at the line of each example.
    pub text: Text,
    pub offset: usize,
    /// A built-in pack: its regexes are known good (the tests compile them all), so they are
    /// parsed only when first needed; a user's file is checked at load.
    pub builtin: bool,
}

/// A rule file's text: a built-in pack's is in the binary (no copy at start-up); a user's
/// file is read once and shared by its rules.
#[derive(Debug, Clone)]
pub enum Text {
    Builtin(&'static str),
    File(Arc<str>),
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Builtin(text) => text,
            Text::File(text) => text,
        }
    }
}

pub(super) struct RuleDef {
    pub origin: Origin,
    pub syntax: RuleSyntax,
    /// `[rules.verify]`, with where it is written: a rule merged over a built-in one keeps
    /// the built-in verifier, and its origin, unless it brings its own.
    pub verify: Option<VerifyDef>,
}

pub(super) struct VerifyDef {
    pub syntax: Box<VerifySyntax>,
    pub file: String,
    pub line: usize,
    pub builtin: bool,
}

pub(super) struct AllowlistDef {
    pub origin: Origin,
    pub syntax: AllowlistSyntax,
}

#[derive(Default)]
struct Definitions {
    rules: Vec<RuleDef>,
    allowlists: Vec<AllowlistDef>,
    /// Whether the built-in packs are read with their examples.
    examples: bool,
}

impl Definitions {
    /// Adds the built-in packs: a scan's as build.rs parsed them, `rules check`'s (with the
    /// examples) from their TOML.
    fn add_builtin(&mut self) -> Result<(), RuleError> {
        // One allocation for all the rules: each is large, and regrowing the list is page faults.
        if self.examples {
            let parsed = each_pack(|pack| parse(pack.name, pack.text));
            self.rules
                .reserve(parsed.iter().flatten().map(|c| c.rules.len()).sum());
            for (pack, config) in PACKS.iter().zip(parsed) {
                self.add_config(pack.name, Text::Builtin(pack.text), config?, 0, true)?;
            }
        } else {
            let decoded = each_pack(decode);
            self.rules
                .reserve(decoded.iter().flatten().map(|p| p.rules.len()).sum());
            for (pack, decoded) in PACKS.iter().zip(decoded) {
                self.add_prebuilt(pack, decoded?);
            }
        }
        // No two built-in rules may share an id (within a file, `add_config` sees to it too).
        let mut known: HashMap<&str, &Origin> = HashMap::with_capacity(self.rules.len());
        for def in &self.rules {
            if let Some(other) = known.insert(&def.syntax.id, &def.origin) {
                return Err(RuleError::new(
                    &def.origin.file,
                    Some(def.origin.line),
                    Some(&def.syntax.id),
                    format!("duplicate rule id (also at {}:{})", other.file, other.line),
                ));
            }
        }
        Ok(())
    }

    /// Adds a built-in pack as build.rs parsed it: what `add_config` adds for its TOML, less
    /// the examples (a test holds them equal).
    fn add_prebuilt(&mut self, pack: &builtin::Pack, decoded: prebuilt::Pack) {
        let origin = |offset: usize, line: usize| Origin {
            file: pack.name.to_string(),
            line,
            text: Text::Builtin(pack.text),
            offset,
            builtin: true,
        };
        for rule in decoded.rules {
            self.rules.push(RuleDef {
                origin: origin(rule.offset, rule.line),
                syntax: rule.syntax,
                verify: rule.verify.map(|v| VerifyDef {
                    syntax: v.syntax,
                    file: pack.name.to_string(),
                    line: v.line,
                    builtin: true,
                }),
            });
        }
        for allowlist in decoded.allowlists {
            self.allowlists.push(AllowlistDef {
                origin: origin(allowlist.offset, allowlist.line),
                syntax: allowlist.syntax,
            });
        }
    }

    fn add_file(&mut self, path: &Path, depth: usize) -> Result<(), RuleError> {
        let name = path.display().to_string();
        let cannot =
            |e: std::io::Error| RuleError::new(&name, None, None, format!("cannot read: {e}"));
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(f, MAX_RULE_FILE + 1),
                    &mut bytes,
                )
            })
            .map_err(cannot)?;
        if bytes.len() as u64 > MAX_RULE_FILE {
            return Err(RuleError::new(
                &name,
                None,
                None,
                format!("larger than {} MiB: not a rule file", MAX_RULE_FILE >> 20),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            cannot(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ))
        })?;
        self.add_text(&name, &text, depth)
    }

    /// Adds one file's definitions on top of what its `[extend]` names.
    fn add_text(&mut self, name: &str, text: &str, depth: usize) -> Result<(), RuleError> {
        let config = parse(name, text)?;
        self.add_config(name, Text::File(text.into()), config, depth, false)
    }

    /// Adds `config`, parsed from `text`, on top of what its `[extend]` names.
    fn add_config(
        &mut self,
        name: &str,
        text: Text,
        config: ConfigSyntax,
        depth: usize,
        builtin: bool,
    ) -> Result<(), RuleError> {
        let lines = Lines::new(&text);
        let origin = |offset: usize| Origin {
            file: name.to_string(),
            line: lines.of(offset),
            text: text.clone(),
            offset,
            builtin,
        };

        let mut base = Definitions {
            examples: self.examples,
            ..Definitions::default()
        };
        if let Some(extend) = &config.extend {
            if extend.use_default {
                base.add_builtin()?;
            }
            if let Some(path) = &extend.path {
                if depth >= MAX_EXTEND_DEPTH {
                    return Err(RuleError::new(
                        name,
                        None,
                        None,
                        format!("[extend] chain deeper than {MAX_EXTEND_DEPTH} files"),
                    ));
                }
                base.add_file(&resolve(name, path), depth + 1)?;
            }
            base.rules
                .retain(|r| !extend.disabled_rules.contains(&r.syntax.id));
        }

        base.rules.reserve(config.rules.len());
        let mut seen = HashSet::new();
        let mut at: HashMap<String, usize> = (base.rules.iter().enumerate())
            .map(|(i, r)| (r.syntax.id.clone(), i))
            .collect();
        for spanned in config.rules {
            let offset = spanned.span().start;
            let mut rule = spanned.into_inner();
            let verify = rule.verify.take().map(|v| VerifyDef {
                file: name.to_string(),
                line: lines.of(v.span().start),
                builtin,
                syntax: v.into_inner(),
            });
            if !seen.insert(rule.id.clone()) {
                return Err(RuleError::new(
                    name,
                    Some(lines.of(offset)),
                    Some(&rule.id),
                    "duplicate rule id".into(),
                ));
            }
            let def = RuleDef {
                origin: origin(offset),
                syntax: rule,
                verify,
            };
            match at.get(&def.syntax.id) {
                Some(&i) => merge(&mut base.rules[i], def),
                None => {
                    at.insert(def.syntax.id.clone(), base.rules.len());
                    base.rules.push(def);
                }
            }
        }
        let globals = config.allowlist.into_iter().chain(config.allowlists);
        for spanned in globals {
            let offset = spanned.span().start;
            base.allowlists.push(AllowlistDef {
                origin: origin(offset),
                syntax: spanned.into_inner(),
            });
        }
        self.rules.extend(base.rules);
        self.allowlists.extend(base.allowlists);
        Ok(())
    }
}

/// Parses one rule file's text; an error names the file and the line.
fn parse(name: &str, text: &str) -> Result<ConfigSyntax, RuleError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        RuleError::new(name, line, None, e.message().to_string())
    })
}

/// `read` of every built-in pack, in order, on as many threads as there are cores: even
/// decoded from JSON, they are a quarter of a small scan's start-up (a pre-commit hook's).
fn each_pack<T: Send>(read: impl Fn(&builtin::Pack) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = PACKS.len().div_ceil(threads).max(1);
    let read = &read;
    std::thread::scope(|s| {
        let handles: Vec<_> = (PACKS.chunks(chunk))
            .map(|packs| s.spawn(move || packs.iter().map(read).collect::<Vec<_>>()))
            .collect();
        let mut all = Vec::with_capacity(PACKS.len());
        for handle in handles {
            match handle.join() {
                Ok(some) => all.extend(some),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    })
}

/// A built-in pack as build.rs parsed it.
fn decode(pack: &builtin::Pack) -> Result<prebuilt::Pack, RuleError> {
    serde_json::from_str(pack.parsed)
        .map_err(|e| RuleError::new(pack.name, None, None, format!("pre-parsed pack: {e}")))
}

/// An `[extend] path` is relative to the file that names it.
fn resolve(from: &str, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match Path::new(from).parent() {
        Some(dir) if dir.join(path).exists() => dir.join(path),
        _ => path.to_path_buf(),
    }
}

/// gitleaks' merge of an extending rule into the base rule of the same id: set scalars
/// replace (an unset one keeps the base's), lists append.
fn merge(base: &mut RuleDef, over: RuleDef) {
    let (b, o) = (&mut base.syntax, over.syntax);
    if !o.description.is_empty() {
        b.description = o.description;
    }
    b.regex = o.regex.or(b.regex.take());
    b.secret_group = o.secret_group.or(b.secret_group.take());
    b.entropy = o.entropy.or(b.entropy.take());
    b.randomness = o.randomness.or(b.randomness.take());
    b.path = o.path.or(b.path.take());
    b.confidence = o.confidence.or(b.confidence.take());
    b.checksum = o.checksum.or(b.checksum.take());
    b.remediation = o.remediation.or(b.remediation.take());
    base.verify = over.verify.or(base.verify.take());
    b.assignment = o.assignment.or(b.assignment.take());
    b.decodes = o.decodes.or(b.decodes.take());
    b.keywords.extend(o.keywords);
    b.tags.extend(o.tags);
    b.allowlists.extend(o.allowlists);
    b.allowlists.extend(o.allowlist);
    b.examples.extend(o.examples);
    b.negative_examples.extend(o.negative_examples);
    base.origin = over.origin;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a scan reads of the built-in packs (pre-parsed by build.rs) is what parsing their
    /// TOML gives, less the examples: every rule and global allowlist, every field, in order,
    /// and where each is written.
    #[test]
    fn prebuilt_packs_are_the_parsed_packs_less_their_examples() {
        let definitions = |examples| {
            let mut defs = Definitions {
                examples,
                ..Definitions::default()
            };
            defs.add_builtin().unwrap();
            defs
        };
        let (fast, slow) = (definitions(false), definitions(true));
        let origin = |o: &Origin| {
            assert!(matches!(o.text, Text::Builtin(_)), "{}", o.file);
            (
                o.file.clone(),
                o.line,
                o.offset,
                o.builtin,
                o.text.to_string(),
            )
        };
        assert_eq!(fast.rules.len(), slow.rules.len());
        assert!(fast.rules.len() > 700, "{} rules", fast.rules.len());
        let mut examples = 0;
        for (f, mut s) in fast.rules.iter().zip(slow.rules) {
            let id = &s.syntax.id;
            assert_eq!(origin(&f.origin), origin(&s.origin), "{id}");
            assert!(f.syntax.examples.is_empty() && f.syntax.negative_examples.is_empty());
            examples += s.syntax.examples.len() + s.syntax.negative_examples.len();
            s.syntax.examples = Vec::new();
            s.syntax.negative_examples = Vec::new();
            assert_eq!(format!("{:?}", f.syntax), format!("{:?}", s.syntax), "{id}");
            let verify = |v: &Option<VerifyDef>| {
                v.as_ref()
                    .map(|v| (v.file.clone(), v.line, v.builtin, format!("{:?}", v.syntax)))
            };
            assert_eq!(verify(&f.verify), verify(&s.verify), "{id}");
        }
        assert!(examples > 3000, "{examples} examples");
        assert_eq!(fast.allowlists.len(), slow.allowlists.len());
        for (f, s) in fast.allowlists.iter().zip(&slow.allowlists) {
            assert_eq!(origin(&f.origin), origin(&s.origin));
            assert_eq!(format!("{:?}", f.syntax), format!("{:?}", s.syntax));
        }
    }

    #[test]
    fn a_scan_loads_no_examples_and_rules_check_all() {
        let lean = load(&ConfigSource::Builtin).unwrap();
        let full = load_with_examples(&ConfigSource::Builtin).unwrap();
        assert_eq!(lean.rules.len(), full.rules.len());
        assert!(lean.rules.iter().all(|r| r.examples.is_empty()));
        assert!(full.rules.iter().all(|r| r.examples.len() >= 2));
        let lines = |s: &RuleSet| s.rules.iter().map(|r| r.origin.line).collect::<Vec<_>>();
        assert_eq!(lines(&lean), lines(&full));
    }
}
