//! The built-in rule packs, embedded in the binary. One file per family under `rules/`.

/// (name as shown in errors, TOML text) for each pack.
pub const PACKS: &[(&str, &str)] = &[
    (
        "rules/ai-platforms.toml",
        include_str!("../../rules/ai-platforms.toml"),
    ),
    ("rules/ai.toml", include_str!("../../rules/ai.toml")),
    ("rules/chat.toml", include_str!("../../rules/chat.toml")),
    ("rules/ci.toml", include_str!("../../rules/ci.toml")),
    ("rules/cloud.toml", include_str!("../../rules/cloud.toml")),
    (
        "rules/credential-files.toml",
        include_str!("../../rules/credential-files.toml"),
    ),
    ("rules/data.toml", include_str!("../../rules/data.toml")),
    (
        "rules/databases.toml",
        include_str!("../../rules/databases.toml"),
    ),
    ("rules/email.toml", include_str!("../../rules/email.toml")),
    (
        "rules/fintech.toml",
        include_str!("../../rules/fintech.toml"),
    ),
    (
        "rules/generic.toml",
        include_str!("../../rules/generic.toml"),
    ),
    (
        "rules/hosting.toml",
        include_str!("../../rules/hosting.toml"),
    ),
    ("rules/infra.toml", include_str!("../../rules/infra.toml")),
    (
        "rules/inline-credentials.toml",
        include_str!("../../rules/inline-credentials.toml"),
    ),
    ("rules/keys.toml", include_str!("../../rules/keys.toml")),
    (
        "rules/messaging.toml",
        include_str!("../../rules/messaging.toml"),
    ),
    (
        "rules/observability.toml",
        include_str!("../../rules/observability.toml"),
    ),
    (
        "rules/packages.toml",
        include_str!("../../rules/packages.toml"),
    ),
    (
        "rules/payments.toml",
        include_str!("../../rules/payments.toml"),
    ),
    (
        "rules/registries.toml",
        include_str!("../../rules/registries.toml"),
    ),
    ("rules/saas.toml", include_str!("../../rules/saas.toml")),
    ("rules/vcs.toml", include_str!("../../rules/vcs.toml")),
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
        let embedded: Vec<&str> = super::PACKS.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, embedded);
    }
}
