//! The built-in rule packs, embedded in the binary. One file per family under `rules/`.

/// (name as shown in errors, TOML text) for each pack.
pub const PACKS: &[(&str, &str)] = &[
    ("rules/ai.toml", include_str!("../../rules/ai.toml")),
    ("rules/cloud.toml", include_str!("../../rules/cloud.toml")),
    (
        "rules/databases.toml",
        include_str!("../../rules/databases.toml"),
    ),
    (
        "rules/generic.toml",
        include_str!("../../rules/generic.toml"),
    ),
    ("rules/keys.toml", include_str!("../../rules/keys.toml")),
    (
        "rules/messaging.toml",
        include_str!("../../rules/messaging.toml"),
    ),
    (
        "rules/packages.toml",
        include_str!("../../rules/packages.toml"),
    ),
    (
        "rules/payments.toml",
        include_str!("../../rules/payments.toml"),
    ),
    ("rules/vcs.toml", include_str!("../../rules/vcs.toml")),
];
