//! What kind of text a file holds, from its name (and a shebang when the name says
//! nothing), as far as the generic detector cares: in **code** a secret is a string literal
//! and a bare right-hand side is an expression; in **config** (`.env`, INI, properties,
//! YAML, TOML, shell, Dockerfiles, CI files) a bare value can be a secret; in
//! **translations** (a locale's messages) a value that reads as text is a label; anything
//! else (prose, unknown) is read like config.

/// The kind of text a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A programming language: a value is a string literal or it is code.
    Code,
    /// Configuration, shell, build files: a bare value is a value.
    Config,
    /// A locale's messages (`locale/locale_pt-BR.ini`, `messages_ko_KR.properties`,
    /// `lang/de/auth.php`): `password=Passwort` is the label of a form field, so a value
    /// there that reads as text is no secret.
    Translations,
    /// A package manager's lockfile (`Cargo.lock`, `package-lock.json`, Lingo.dev's
    /// `i18n.lock`): versions and checksums, which no assignment there is a secret.
    Lockfile,
    /// Markup, documentation, data, or unknown.
    Other,
}

impl Format {
    /// The format of a file at `path` whose text starts with `head`.
    pub fn of(path: &str, head: &[u8]) -> Format {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let lower = untemplated(&lower);
        if translations(path, lower) {
            return Format::Translations;
        }
        if let Some(format) = by_name(lower) {
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

/// A name without a template engine's or a copy's extension: a generator's
/// `global.json.ejs`, Ansible's `app.conf.j2`, an editor's `index.vue.bak` and a sample's
/// `settings.py.example` hold what their inner extension says.
fn untemplated(name: &str) -> &str {
    const OUTER: &[&str] = &[
        "ejs", "erb", "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "hbs", "mustache",
        "liquid", "njk", "bak", "orig", "old", "dist", "sample", "example",
    ];
    match name.rsplit_once('.') {
        Some((inner, ext)) if inner.contains('.') && OUTER.contains(&ext) => inner,
        _ => name,
    }
}

fn by_name(name: &str) -> Option<Format> {
    // (Cargo's `.cargo-checksum.json` in a vendored crate lists its files' digests, a file
    // named `passwd` among them.)
    if name.ends_with(".lock")
        || name.ends_with("-lock.json")
        || name.ends_with("-lock.yaml")
        || name == ".cargo-checksum.json"
    {
        return Some(Format::Lockfile);
    }
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

/// A locale's messages: a data file (or a PHP or JavaScript catalog) named for a
/// locale (`pt-BR.json`, `locale_de-DE.ini`, `lang/bn/base.php`) under a folder of
/// translations, or a Java resource bundle (`messages_de.properties`) anywhere.
fn translations(path: &str, name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let data = matches!(
        ext,
        "json"
            | "yml"
            | "yaml"
            | "ini"
            | "properties"
            | "php"
            | "po"
            | "toml"
            | "xlf"
            | "xliff"
            | "strings"
            | "resx"
            // Roundcube's PHP includes, `program/localization/de_DE/labels.inc`.
            | "inc"
            // A compiled catalog, Lingui's `locales/nl/messages.js`.
            | "js"
            | "ts"
    );
    if !data {
        return false;
    }
    // A catalog of every locale at once, angular-gettext's compiled
    // `angular-gettext-cli_compiled_js_output.js`, a `translations.json`.
    if stem.contains("gettext") || stem.eq_ignore_ascii_case("translations") {
        return true;
    }
    // `messages_de`, `locale_pt-BR`, Jenkins' `_entryForm_zh_CN`: a base name and a locale.
    // (A generator's partial, `i18n/_da.json`, is a locale's file too.)
    let base = stem.trim_start_matches('_');
    let suffixed = (base.match_indices('_')).any(|(at, _)| at > 0 && locale(&base[at + 1..]));
    // The locale alone or between dots: `de.json`, Mailcow's `lang/lang.da-dk.json`, Wekan's
    // `i18n/es-ES.i18n.json`.
    let named = base.split('.').any(locale);
    // Or with a bundler's hash of the content after it, `translations/de-3444d3b87b39....json`.
    let hashed = base.rsplit_once(['-', '.']).is_some_and(|(l, hash)| {
        hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && locale(l)
    });
    // A Java resource bundle (`messages_de.properties`, Jenkins' `login_pt_BR.properties`).
    if ext == "properties" && suffixed {
        return true;
    }
    // A folder of translations holds a locale's folder, at any depth below it
    // (`resources/lang/ja/command/messages.php`).
    let folders: Vec<&str> = path.split(['/', '\\']).collect();
    let nested = (folders.windows(2).take(folders.len().saturating_sub(2)))
        .any(|w| translation_folder(w[0]) && locale(w[1]));
    if nested {
        return true;
    }
    // The locale names the file, or the folder that holds it (`lang/de/auth.php`), under a
    // folder of translations.
    let mut dirs = folders.iter().rev().skip(1);
    let parent = dirs.clone().next().copied().unwrap_or("");
    (named || suffixed || hashed || locale(parent)) && dirs.any(|d| translation_folder(d))
}

/// A folder that holds a project's translations.
fn translation_folder(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "locale"
            | "locales"
            | "_locales"
            | "lang"
            | "langs"
            | "language"
            | "languages"
            | "i18n"
            | "l10n"
            | "localization"
            | "localisation"
            | "intl"
            | "messages"
            | "strings"
            | "translations"
    )
}

/// A locale tag: a language (ISO 639-1, one of the three-letter codes translation platforms
/// use for languages without one, or a country's code that projects use for its language,
/// Solidus' `locales/jp.yml`), and a region or a script after `-` or `_`, or both (`pt-BR`,
/// `zh_Hans`, `en`, `ast`, `uz-Latn-uz`, JHipster's `kr-Latin-kr`, BookStack's
/// `de_informal`).
fn locale(tag: &str) -> bool {
    // ISO 639-1, two letters each; then three-letter ones (ISO 639-2 and 639-3).
    const LANGUAGES: &str = "aa ab af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce \
        ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn \
        gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl \
        km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na \
        nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd \
        se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty \
        ug uk ur uz ve vi vo wa wo xh yi yo za zh zu \
        ast ckb dsb fil fur gsw haw hsb kab kur lij nds sah scn szl tpi vec yue zgh \
        jp cn cz dk ua gr";
    let (language, rest) = match tag.split_once(['-', '_']) {
        Some((l, r)) => (l, Some(r)),
        None => (tag, None),
    };
    let known = (2..=3).contains(&language.len())
        && LANGUAGES
            .split_ascii_whitespace()
            .any(|l| l.eq_ignore_ascii_case(language));
    known
        && rest.is_none_or(|r| {
            let subtags: Vec<&str> = r.split(['-', '_']).collect();
            subtags.len() <= 2
                && subtags.iter().all(|s| {
                    (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
                })
        })
}

fn by_extension(ext: &str) -> Format {
    match ext {
        "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" | "m" | "mm" | "go" | "rs"
        | "py" | "pyi" | "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "java" | "kt" | "kts"
        | "scala" | "groovy" | "gradle" | "cs" | "fs" | "vb" | "swift" | "rb" | "php" | "pl"
        | "pm" | "lua" | "dart" | "r" | "jl" | "ex" | "exs" | "erl" | "clj" | "hs" | "ml"
        | "zig" | "nim" | "v" | "sol" | "vue" | "svelte" | "xs" | "el" | "lisp" | "cue" | "css"
        | "scss" | "sass" | "less" | "elm" | "purs" | "mli" | "fsi" | "fsx" | "hrl" | "cljs"
        | "cljc" | "coffee" => Format::Code,
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
            ("conf/locale/locale_pt-BR.ini", "", Translations),
            ("web/src/locales/sk-SK.json", "", Translations),
            ("config/locales/de.yml", "", Translations),
            ("lang/vendor/backpack/bn/base.php", "", Translations),
            ("extension/_locales/de/messages.json", "", Translations),
            ("awx/ui/src/locales/nl/messages.js", "", Translations),
            // A locale's folder deeper under the folder of translations; a country's code
            // for its language.
            ("resources/lang/ja/command/messages.php", "", Translations),
            ("config/locales/jp.yml", "", Translations),
            ("src/ui/Main.elm", "", Code),
            // A generator's templates, named for what they generate.
            ("templates/webapp/i18n/hi/global.json.ejs", "", Translations),
            (
                "templates/webapp/i18n/uz-Latn-uz/global.json.ejs",
                "",
                Translations,
            ),
            (
                "src/main/webapp/i18n/kr-Latin-kr/login.json",
                "",
                Translations,
            ),
            (
                "app/templates/src/main/webapp/i18n/_da.json",
                "",
                Translations,
            ),
            (
                "templates/src/main/resources/config/application.yml.ejs",
                "",
                Config,
            ),
            ("templates/UserService.java.ejs", "", Code),
            ("roles/web/templates/nginx.conf.j2", "", Config),
            ("views/users/index.html.erb", "", Other),
            ("lang/de_informal/settings.php", "", Translations),
            (
                "admin/language/zh-CN/payment/worldpay.php",
                "",
                Translations,
            ),
            ("program/localization/ast/labels.inc", "", Translations),
            // Every locale's catalog in one file.
            (
                "webroot/scripts/angular-gettext-cli_compiled_js_output.js",
                "",
                Translations,
            ),
            ("app/i18n/translations.json", "", Translations),
            ("src/gettext.c", "", Code),
            ("data/web/lang/lang.da-dk.json", "", Translations),
            ("imports/i18n/data/es-ES.i18n.json", "", Translations),
            ("apps/web/i18n.lock", "", Lockfile),
            ("Cargo.lock", "", Lockfile),
            (
                "vendor/redox_users-0.4.0/.cargo-checksum.json",
                "",
                Lockfile,
            ),
            ("dashboard-ui/strings/zh-CN.json", "", Translations),
            ("plugins/password/localization/bs_BA.inc", "", Translations),
            ("public/intl/messages/km-KH.json", "", Translations),
            ("messages/de.json", "", Translations),
            // A bundler's name with the content's hash; a hash alone names no locale.
            (
                "static/translations/fy-0c0027db23bce386d9d9c00a.json",
                "",
                Translations,
            ),
            ("static/assets/app-0c0027db23bce386.json", "", Other),
            ("src/pages/index.vue.bak", "", Code),
            ("config/settings.py.example", "", Code),
            ("src/lang/app/main.js", "", Code),
            (
                "core/src/main/resources/messages_zh_CN.properties",
                "",
                Translations,
            ),
            ("src/messages_de.properties", "", Translations),
            (
                "hudson/security/_entryForm_zh_CN.properties",
                "",
                Translations,
            ),
            // Not a locale's: programming languages' samples, a database's settings.
            ("samples/lang/app/main.m", "", Code),
            ("samples/lang/config.php", "", Code),
            ("config/application_db.properties", "", Config),
            ("i18n/settings.json", "", Other),
            ("program/include/iniset.inc", "", Other),
        ] {
            assert_eq!(Format::of(path, head.as_bytes()), want, "{path}");
        }
    }
}
