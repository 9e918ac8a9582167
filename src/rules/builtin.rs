//! The built-in rule packs, embedded in the binary. One file per family under `rules/`; each
//! is embedded as written (TOML, with its examples, for `rules check`) and as build.rs parsed
//! it (JSON, see [`super::prebuilt`]), which a scan decodes instead of parsing the TOML.

/// One built-in pack.
pub struct Pack {
    /// As shown in errors and reports: `rules/NAME.toml`.
    pub name: &'static str,
    /// The TOML as written.
    pub text: &'static str,
    /// The JSON of a [`super::prebuilt::Pack`], parsed from `text` at build time.
    pub parsed: &'static str,
}

macro_rules! pack {
    ($file:literal) => {
        Pack {
            name: concat!("rules/", $file),
            text: include_str!(concat!("../../rules/", $file)),
            parsed: include_str!(concat!(env!("OUT_DIR"), "/rules/", $file, ".json")),
        }
    };
}

/// Every pack, in the order their rules are added.
pub const PACKS: &[Pack] = &[
    pack!("ai-platforms.toml"),
    pack!("ai.toml"),
    pack!("apis.toml"),
    pack!("chat.toml"),
    pack!("ci.toml"),
    pack!("cloud.toml"),
    pack!("credential-files.toml"),
    pack!("data.toml"),
    pack!("databases.toml"),
    pack!("email.toml"),
    pack!("fintech.toml"),
    pack!("generic.toml"),
    pack!("hosting.toml"),
    pack!("infra.toml"),
    pack!("inline-credentials.toml"),
    pack!("keys.toml"),
    pack!("messaging.toml"),
    pack!("observability.toml"),
    pack!("packages.toml"),
    pack!("payments.toml"),
    pack!("registries.toml"),
    pack!("saas.toml"),
    pack!("vcs.toml"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_pack_in_rules_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("rules/ readable")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".toml"))
            .map(|name| format!("rules/{name}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = super::PACKS.iter().map(|pack| pack.name).collect();
        assert_eq!(on_disk, embedded);
    }
}
