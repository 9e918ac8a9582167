//! What kind of text a file holds, from its name (and a shebang when the name says
//! nothing), as far as the generic detector cares: in **code** a secret is a string literal
//! and a bare right-hand side is an expression; in **config** (`.env`, INI, properties,
//! YAML, TOML, shell, Dockerfiles, CI files) a bare value can be a secret; anything else
//! (prose, unknown) is read like config.

/// The kind of text a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A programming language: a value is a string literal or it is code.
    Code,
    /// Configuration, shell, build files: a bare value is a value.
    Config,
    /// Markup, documentation, data, or unknown.
    Other,
}

impl Format {
    /// The format of a file at `path` whose text starts with `head`.
    pub fn of(path: &str, head: &[u8]) -> Format {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        if let Some(format) = by_name(&lower) {
            return format;
        }
        match lower.rsplit_once('.') {
            Some((_, ext)) => by_extension(ext),
            None => by_shebang(head),
        }
    }

    /// The format a script's shebang gives, wherever the script lies: what a blob scanned
    /// without a path can know. (At a path with an extension the extension decides; a
    /// script rarely has one that says otherwise.)
    pub fn of_script(head: &[u8]) -> Option<Format> {
        head.starts_with(b"#!").then(|| by_shebang(head))
    }

    /// Whether a bare (unquoted) value can be a secret here.
    pub fn allows_bare(self) -> bool {
        self != Format::Code
    }
}

fn by_name(name: &str) -> Option<Format> {
    let config = name.starts_with(".env")
        || name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || matches!(
            name,
            "makefile"
                | "gnumakefile"
                | "procfile"
                | "vagrantfile"
                | ".npmrc"
                | ".pypirc"
                | ".netrc"
                | "_netrc"
                | ".gitconfig"
                | ".pgpass"
                | "jenkinsfile"
        );
    config.then_some(Format::Config)
}

fn by_extension(ext: &str) -> Format {
    match ext {
        "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" | "m" | "mm" | "go" | "rs"
        | "py" | "pyi" | "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "java" | "kt" | "kts"
        | "scala" | "groovy" | "gradle" | "cs" | "fs" | "vb" | "swift" | "rb" | "php" | "pl"
        | "pm" | "lua" | "dart" | "r" | "jl" | "ex" | "exs" | "erl" | "clj" | "hs" | "ml"
        | "zig" | "nim" | "v" | "sol" | "vue" | "svelte" | "xs" | "el" | "lisp" | "cue" | "css"
        | "scss" | "sass" | "less" => Format::Code,
        "env" | "ini" | "cfg" | "conf" | "cnf" | "config" | "properties" | "prefs" | "yaml"
        | "yml" | "toml" | "sh" | "bash" | "zsh" | "ksh" | "fish" | "bat" | "cmd" | "ps1"
        | "psm1" | "tf" | "tfvars" | "hcl" | "mk" | "dockerfile" | "service" | "desktop"
        | "npmrc" | "pypirc" | "netrc" | "pgpass" | "sql" => Format::Config,
        _ => Format::Other,
    }
}

fn by_shebang(head: &[u8]) -> Format {
    let Some(line) = head.strip_prefix(b"#!") else {
        return Format::Other;
    };
    let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
    let has = |word: &[u8]| memchr::memmem::find(line, word).is_some();
    if has(b"sh") && !has(b"python") && !has(b"perl") && !has(b"ruby") && !has(b"node") {
        Format::Config
    } else {
        Format::Code
    }
}

#[cfg(test)]
mod tests {
    use super::Format::{self, *};

    #[test]
    fn names_extensions_and_shebangs() {
        for (path, head, want) in [
            ("src/server.c", "", Code),
            ("app/models/user.rb", "", Code),
            ("lib/Config.java", "", Code),
            (".env", "", Config),
            ("deploy/.env.production", "", Config),
            ("config/database.yml", "", Config),
            ("Dockerfile", "", Config),
            ("build/Dockerfile.dev", "", Config),
            ("settings.ini", "", Config),
            ("scripts/deploy.sh", "", Config),
            ("scripts/deploy", "#!/bin/bash\nexport A=1\n", Config),
            ("bin/tool", "#!/usr/bin/env python3\n", Code),
            ("README.md", "", Other),
            ("LICENSE", "MIT", Other),
        ] {
            assert_eq!(Format::of(path, head.as_bytes()), want, "{path}");
        }
    }
}
