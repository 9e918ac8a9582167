//! Parses the built-in rule packs (`rules/*.toml`) at build time into the JSON form of
//! `src/rules/prebuilt.rs`, which `src/rules/builtin.rs` embeds beside each pack's TOML: a
//! scan decodes that JSON, several times faster than it could parse the TOML.

use std::error::Error;
use std::path::Path;

// Compiled here as in the crate, so that the JSON is what the crate's types decode.
#[allow(dead_code)]
#[path = "src/rules/syntax.rs"]
mod syntax;

#[allow(dead_code)]
#[path = "src/rules/prebuilt.rs"]
mod prebuilt;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=src/rules/syntax.rs");
    println!("cargo::rerun-if-changed=src/rules/prebuilt.rs");
    let out = Path::new(&std::env::var("OUT_DIR")?).join("rules");
    std::fs::create_dir_all(&out)?;
    for entry in std::fs::read_dir("rules")? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let pack = prebuild(&text).map_err(|e| format!("rules/{name}: {e}"))?;
        std::fs::write(
            out.join(format!("{name}.json")),
            serde_json::to_string(&pack)?,
        )?;
    }
    Ok(())
}

/// A pack's rules and global allowlists, in the order the loader adds a rule file's
/// (`add_config` in src/rules/load.rs), with where each is written, less the examples.
fn prebuild(text: &str) -> Result<prebuilt::Pack, String> {
    let config: syntax::ConfigSyntax = toml::from_str(text).map_err(|e| e.to_string())?;
    if config.extend.is_some() {
        return Err("a built-in pack cannot [extend]".into());
    }
    // 1-based, as `line_of` in src/rules/error.rs.
    let line = |offset: usize| {
        let before = &text.as_bytes()[..offset.min(text.len())];
        before.iter().filter(|&&b| b == b'\n').count() + 1
    };
    let rules = (config.rules.into_iter())
        .map(|spanned| {
            let offset = spanned.span().start;
            let mut syntax = spanned.into_inner();
            syntax.examples = Vec::new();
            syntax.negative_examples = Vec::new();
            let verify = syntax.verify.take().map(|v| prebuilt::PackVerify {
                line: line(v.span().start),
                syntax: v.into_inner(),
            });
            prebuilt::PackRule {
                offset,
                line: line(offset),
                syntax,
                verify,
            }
        })
        .collect();
    let allowlists = (config.allowlist.into_iter().chain(config.allowlists))
        .map(|spanned| {
            let offset = spanned.span().start;
            prebuilt::PackAllowlist {
                offset,
                line: line(offset),
                syntax: spanned.into_inner(),
            }
        })
        .collect();
    Ok(prebuilt::Pack { rules, allowlists })
}
