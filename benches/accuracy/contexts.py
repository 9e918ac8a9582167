"""Context lines: where a value sits in real files (env, YAML, JSON, code in seven languages,
shell, Dockerfiles, CI YAML, Kubernetes manifests, curl commands, URLs, logs).

A template takes (rng, var, value, fmt) and returns (path, text, needle): the file's path inside
the case's folder, its whole text, and the exact text of the secret inside it (the value, or the
value as that format escapes it). `var` is an env-style name (DATADOG_API_KEY) that the template
spells as the file's language would (datadog_api_key, datadogApiKey, datadog.api.key, ...).
"""

import json


def spellings(var):
    parts = [p for p in var.replace("-", "_").split("_") if p]
    low = [p.lower() for p in parts]
    return {
        "upper": "_".join(p.upper() for p in parts),
        "lower": "_".join(low),
        "camel": low[0] + "".join(p.capitalize() for p in low[1:]),
        "pascal": "".join(p.capitalize() for p in low),
        "dotted": ".".join(low),
        "kebab": "-".join(low),
        "head": low[0],
        "tail": "_".join(low[1:]) or low[0],
    }


def jstr(v):
    """A double-quoted literal valid in JSON, Python, JS, Go, Java, Rust, C# and TOML basic strings."""
    return json.dumps(v)


def yaml_scalar(v):
    if any(c in v for c in ":#{}[],&*!|>'\"%@`\\") or v != v.strip() or " " in v:
        return "'" + v.replace("'", "''") + "'"
    return v


def sq(v):
    """A single-quoted literal for shell, JS, Ruby, PHP (no escapes needed unless ' or \\ occur)."""
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _found(path, text, value, needle=None):
    needle = needle if needle is not None else value
    assert needle in text, (path, needle)
    return path, text, needle


def t_env(r, var, v, f):
    path = r.choice([".env", ".env.production", "config/.env.local", "deploy/app.env"])
    text = f"NODE_ENV=production\nPORT=8080\n{spellings(var)['upper']}={v}\nLOG_LEVEL=info\n"
    return _found(path, text, v)


def t_env_quoted(r, var, v, f):
    text = f'# {f.provider if f else "app"} settings\n{spellings(var)["upper"]}="{v}"\n'
    return _found(".env.staging", text, v)


def t_export(r, var, v, f):
    text = f"#!/usr/bin/env bash\nset -euo pipefail\nexport {spellings(var)['upper']}={sq(v)}\n./bin/release --env prod\n"
    return _found(r.choice(["scripts/release.sh", "deploy.sh", "ci/publish.sh"]), text, v)


def t_yaml(r, var, v, f):
    s = spellings(var)
    text = f"app:\n  name: orders-api\n  {s['lower']}: {yaml_scalar(v)}\n  region: eu-west-1\n"
    return _found(r.choice(["config/application.yml", "config/settings.yaml", "values.yaml"]), text, v)


def t_yaml_inline(r, var, v, f):
    s = spellings(var)
    text = f"integrations:\n  {s['head']}: {{ {s['tail']}: {jstr(v)}, enabled: true }}\n"
    return _found("config/integrations.yaml", text, v, json.dumps(v)[1:-1])


def t_json(r, var, v, f):
    s = spellings(var)
    text = '{\n  "service": "billing",\n  "' + s["camel"] + '": ' + jstr(v) + ',\n  "timeoutMs": 3000\n}\n'
    return _found(r.choice(["config.json", "appsettings.json", "config/secrets.json"]), text, v, jstr(v)[1:-1])


def t_python(r, var, v, f):
    s = spellings(var)
    text = f"import os\n\nDEBUG = False\n{s['upper']} = {jstr(v)}\n"
    return _found(r.choice(["settings.py", "app/config.py", "scripts/sync.py"]), text, v, jstr(v)[1:-1])


def t_python_call(r, var, v, f):
    s = spellings(var)
    cls = s["head"].capitalize() + "Client"
    text = f"from clients import {cls}\n\n{s['head']}_client = {cls}({s['tail']}={jstr(v)}, timeout=10)\n"
    return _found("app/clients.py", text, v, jstr(v)[1:-1])


def t_js(r, var, v, f):
    s = spellings(var)
    text = f"'use strict';\n\nconst {s['camel']} = {sq(v)};\nmodule.exports = {{ {s['camel']} }};\n"
    return _found(r.choice(["src/config.js", "lib/keys.js", "server/env.js"]), text, v, sq(v)[1:-1])


def t_js_env_default(r, var, v, f):
    s = spellings(var)
    text = f"export const {s['camel']} = process.env.{s['upper']} || {sq(v)};\n"
    return _found("src/settings.ts", text, v, sq(v)[1:-1])


def t_ts_object(r, var, v, f):
    s = spellings(var)
    text = f"export const config = {{\n  baseUrl: 'https://api.acme.io',\n  {s['camel']}: {sq(v)},\n  retries: 3,\n}};\n"
    return _found("src/config.ts", text, v, sq(v)[1:-1])


def t_go(r, var, v, f):
    s = spellings(var)
    text = f"package main\n\nfunc main() {{\n\t{s['camel']} := {jstr(v)}\n\trun({s['camel']})\n}}\n"
    return _found("cmd/server/main.go", text, v, jstr(v)[1:-1])


def t_go_const(r, var, v, f):
    s = spellings(var)
    text = f"package config\n\nconst {s['pascal']} = {jstr(v)}\n"
    return _found("internal/config/keys.go", text, v, jstr(v)[1:-1])


def t_java(r, var, v, f):
    s = spellings(var)
    text = f"public final class Config {{\n    private static final String {s['upper']} = {jstr(v)};\n}}\n"
    return _found("src/main/java/com/acme/Config.java", text, v, jstr(v)[1:-1])


def t_rust(r, var, v, f):
    s = spellings(var)
    text = f"pub const {s['upper']}: &str = {jstr(v)};\n"
    return _found("src/secrets.rs", text, v, jstr(v)[1:-1])


def t_ruby(r, var, v, f):
    s = spellings(var)
    text = f"Rails.application.configure do\n  config.x.{s['lower']} = {sq(v)}\nend\n"
    return _found("config/initializers/integrations.rb", text, v, sq(v)[1:-1])


def t_php(r, var, v, f):
    s = spellings(var)
    text = f"<?php\n\nreturn [\n    '{s['lower']}' => {sq(v)},\n];\n"
    return _found("config/services.php", text, v, sq(v)[1:-1])


def t_csharp(r, var, v, f):
    s = spellings(var)
    text = f"namespace Acme.Api;\n\npublic static class Keys\n{{\n    public const string {s['pascal']} = {jstr(v)};\n}}\n"
    return _found("src/Acme.Api/Keys.cs", text, v, jstr(v)[1:-1])


def t_xml(r, var, v, f):
    s = spellings(var)
    vv = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = f'<configuration>\n  <appSettings>\n    <add key="{s["pascal"]}" value="{vv}" />\n  </appSettings>\n</configuration>\n'
    return _found("Web.config", text, v, vv)


def t_toml(r, var, v, f):
    s = spellings(var)
    text = f"[integrations]\n{s['lower']} = {jstr(v)}\ntimeout = 30\n"
    return _found("config/prod.toml", text, v, jstr(v)[1:-1])


def t_ini(r, var, v, f):
    s = spellings(var)
    text = f"[{s['head']}]\n{s['lower']} = {v}\nretries = 3\n"
    return _found(r.choice(["setup.cfg", "config/app.ini"]), text, v)


def t_properties(r, var, v, f):
    s = spellings(var)
    text = f"server.port=8080\n{s['dotted']}={v}\n"
    return _found("src/main/resources/application.properties", text, v)


def t_dockerfile(r, var, v, f):
    s = spellings(var)
    kw = r.choice(["ENV", "ARG"])
    text = f"FROM python:3.12-slim\nWORKDIR /app\n{kw} {s['upper']}={v}\nCMD [\"python\", \"-m\", \"app\"]\n"
    return _found("Dockerfile", text, v)


def t_compose(r, var, v, f):
    s = spellings(var)
    text = f"services:\n  api:\n    image: acme/api:1.4\n    environment:\n      - {s['upper']}={v}\n"
    return _found("docker-compose.yml", text, v)


def t_gha(r, var, v, f):
    s = spellings(var)
    text = (f"name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      {s['upper']}: {yaml_scalar(v)}\n    steps:\n      - uses: actions/checkout@v4\n")
    return _found(".github/workflows/deploy.yml", text, v)


def t_gitlab_ci(r, var, v, f):
    s = spellings(var)
    text = f"variables:\n  {s['upper']}: {jstr(v)}\n\ndeploy:\n  script:\n    - make deploy\n"
    return _found(".gitlab-ci.yml", text, v, jstr(v)[1:-1])


def t_k8s(r, var, v, f):
    s = spellings(var)
    text = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\ntype: Opaque\nstringData:\n"
            f"  {s['upper']}: {jstr(v)}\n")
    return _found("k8s/secret.yaml", text, v, jstr(v)[1:-1])


def t_tfvars(r, var, v, f):
    s = spellings(var)
    text = f'region = "eu-west-1"\n{s["lower"]} = {jstr(v)}\n'
    return _found("terraform.tfvars", text, v, jstr(v)[1:-1])


def t_curl(r, var, v, f):
    header = f.header.replace("{V}", v)
    if f.context or r.random() < 0.5:
        text = f"#!/bin/sh\ncurl -sS -H \"{header}\" {f.host}\n"
    else:
        text = f"#!/bin/sh\ncurl -sS \\\n  -H \"{header}\" \\\n  -H 'Accept: application/json' \\\n  {f.host}\n"
    return _found("scripts/check-api.sh", text, v)


def t_url(r, var, v, f):
    url = f.query.replace("{V}", v)
    text = r.choice([f"WEBHOOK={url}\n", f"requests.get(\"{url}\")\n", f"  url: {url}\n"])
    return _found(r.choice(["notify.py", "config/alerts.yaml", ".env"]), text, v)


def t_yaml_block(r, var, v, f):
    s = spellings(var)
    text = f"secrets:\n  {s['lower']}: >-\n    {v}\n  rotate: false\n"
    return _found("config/secrets.yml", text, v)


def t_log(r, var, v, f):
    text = (f"2024-05-03T11:02:17Z INFO  http request method=POST path=/v1/sync\n"
            f"2024-05-03T11:02:17Z DEBUG headers={{\"Authorization\": \"Bearer {v}\", \"Accept\": \"*/*\"}}\n")
    return _found("logs/app.log", text, v)


def t_markdown(r, var, v, f):
    s = spellings(var)
    text = f"## Setup\n\nSet the token before running the tests:\n\n```sh\nexport {s['upper']}={v}\n```\n"
    return _found("docs/SETUP.md", text, v)


TEMPLATES = {
    "env": t_env, "env-quoted": t_env_quoted, "export": t_export, "yaml": t_yaml, "yaml-inline": t_yaml_inline,
    "json": t_json, "python": t_python, "python-call": t_python_call, "js": t_js, "js-env-default": t_js_env_default,
    "ts-object": t_ts_object, "go": t_go, "go-const": t_go_const, "java": t_java, "rust": t_rust, "ruby": t_ruby,
    "php": t_php, "csharp": t_csharp, "xml": t_xml, "toml": t_toml, "ini": t_ini, "properties": t_properties,
    "dockerfile": t_dockerfile, "compose": t_compose, "github-actions": t_gha, "gitlab-ci": t_gitlab_ci,
    "k8s-secret": t_k8s, "tfvars": t_tfvars, "curl": t_curl, "url": t_url, "yaml-block": t_yaml_block,
    "log": t_log, "markdown": t_markdown,
}

# Templates that put the value on a line without the variable's name: fine for values that
# identify themselves, not for values that only the provider's name identifies.
NAMELESS = {"yaml-block", "log"}


def eligible(fmt):
    names = []
    for name in TEMPLATES:
        if name == "curl" and not (fmt.header and fmt.host):
            continue
        if name == "url" and not fmt.query:
            continue
        if name in NAMELESS and fmt.context:
            continue
        if fmt.templates and name not in fmt.templates:
            continue
        names.append(name)
    return names
