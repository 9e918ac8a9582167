//! Finding the rule file for a scan and reading it, following gitleaks' `[extend]`
//! (`useDefault`, `path`, `disabledRules`) and merging rules that share an id as gitleaks does.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::builtin;
use super::compile::{RuleSet, compile};
use super::error::{Lines, RuleError, line_of};
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
    defs.add_text(name, text, 0, false)?;
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
    pub text: std::sync::Arc<str>,
    pub offset: usize,
    /// A built-in pack: its regexes are known good (the tests compile them all), so they are
    /// parsed only when first needed; a user's file is checked at load.
    pub builtin: bool,
}

pub(super) struct RuleDef {
    pub origin: Origin,
    pub syntax: RuleSyntax,
    /// `[rules.verify]`, with where it is written: a rule merged over a built-in one keeps
    /// the built-in verifier, and its origin, unless it brings its own.
    pub verify: Option<VerifyDef>,
}

pub(super) struct VerifyDef {
    pub syntax: VerifySyntax,
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
    fn add_builtin(&mut self) -> Result<(), RuleError> {
        // Parsing the packs is most of a small scan's start-up (a pre-commit hook): they are
        // parsed on as many threads as there are cores, then added in order; a scan's
        // without their examples, two fifths of their text.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = builtin::PACKS.len().div_ceil(threads).max(1);
        let examples = self.examples;
        let read = move |(name, text): &(&str, &'static str)| {
            let text = if examples {
                Cow::Borrowed(*text)
            } else {
                Cow::Owned(without_examples(text))
            };
            parse(name, &text).map(|config| (text, config))
        };
        let parsed: Vec<Result<(Cow<str>, ConfigSyntax), RuleError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (builtin::PACKS.chunks(chunk))
                .map(|packs| s.spawn(move || packs.iter().map(read).collect()))
                .collect();
            let mut parsed = Vec::with_capacity(builtin::PACKS.len());
            for handle in handles {
                match handle.join() {
                    Ok(configs) => parsed.extend::<Vec<_>>(configs),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            parsed
        });
        // One allocation for all the rules: each is large, and regrowing the list is page faults.
        let count: usize = parsed.iter().flatten().map(|(_, c)| c.rules.len()).sum();
        self.rules.reserve(count);
        for ((name, _), read) in builtin::PACKS.iter().zip(parsed) {
            let (text, config) = read?;
            self.add_config(name, &text, config, 0, true)?;
        }
        // The packs may share no id (within a pack, `add_config` sees to it).
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
        self.add_text(&name, &text, depth, false)
    }

    /// Adds one file's definitions on top of what its `[extend]` names.
    fn add_text(
        &mut self,
        name: &str,
        text: &str,
        depth: usize,
        builtin: bool,
    ) -> Result<(), RuleError> {
        self.add_config(name, text, parse(name, text)?, depth, builtin)
    }

    /// Adds `config`, parsed from `text`, on top of what its `[extend]` names.
    fn add_config(
        &mut self,
        name: &str,
        text: &str,
        config: ConfigSyntax,
        depth: usize,
        builtin: bool,
    ) -> Result<(), RuleError> {
        let shared: std::sync::Arc<str> = text.into();
        let lines = Lines::new(text);
        let origin = |offset: usize| Origin {
            file: name.to_string(),
            line: lines.of(offset),
            text: shared.clone(),
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

/// A built-in pack with its `examples` and `negative_examples` arrays left out: each of their
/// lines is emptied, so the other lines keep their numbers. An array ends at the first line
/// that is `]` alone, as the packs write them (a test compares this with a full parse).
fn without_examples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let opens = line.starts_with("examples = [") || line.starts_with("negative_examples = [");
        if opens || inside {
            let end = line.trim_end();
            inside = if opens {
                !end.ends_with(']')
            } else {
                end != "]"
            };
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
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

    /// Every built-in pack parses to the same rules without its examples, on the same lines.
    #[test]
    fn packs_without_examples_parse_as_the_packs_less_their_examples() {
        let mut examples = 0;
        for (name, text) in builtin::PACKS {
            let stripped = without_examples(text);
            assert_eq!(stripped.lines().count(), text.lines().count(), "{name}");
            let full = parse(name, text).unwrap();
            let lean = parse(name, &stripped).unwrap();
            assert_eq!(full.rules.len(), lean.rules.len(), "{name}");
            let globals = |c: &ConfigSyntax| {
                let lists: Vec<_> = c.allowlists.iter().map(toml::Spanned::get_ref).collect();
                format!("{lists:?}")
            };
            assert_eq!(globals(&full), globals(&lean), "{name}");
            for (f, l) in full.rules.into_iter().zip(lean.rules) {
                let line = |r: &toml::Spanned<RuleSyntax>, t: &str| line_of(t, r.span().start);
                assert_eq!(line(&f, text), line(&l, &stripped), "{name}");
                let (mut f, mut l) = (f.into_inner(), l.into_inner());
                examples += f.examples.len() + f.negative_examples.len();
                assert!(l.examples.is_empty() && l.negative_examples.is_empty());
                (f.examples, f.negative_examples) = (Vec::new(), Vec::new());
                let verify =
                    |r: &mut RuleSyntax| r.verify.take().map(|v| format!("{:?}", v.into_inner()));
                assert_eq!(verify(&mut f), verify(&mut l), "{name}");
                assert_eq!(format!("{f:?}"), format!("{l:?}"), "{name}");
            }
        }
        assert!(examples > 3000, "{examples} examples");
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
