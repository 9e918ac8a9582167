"""Negative cases: text that looks like secrets and is not.

Hashes, checksums, lock-file integrity, UUIDs, base64 data, public keys and certificates,
identifiers, URLs without credentials or with placeholders, placeholders of every templating
style, repeated and sequential characters, near misses of real formats, translations,
variables named like secrets whose values are not secrets, and test vectors from crypto code.
Each case is a dict: path (files hold many cases), text (one or more lines), category.
"""

import base64
import hashlib
import json

from encode import (B62, B64, B64URL, DIGITS, HEX, LOWER, LOWER_ALNUM, UPPER, UPPER_ALNUM, b64, b64url, pick,
                    randbytes, uuid4, pem, seq, small_int, big_int, tlv, OID_RSA, NULL)


def _case(path, text, category):
    return dict(path=path, text=text, category=category)


def _sha(rng, algo="sha256"):
    return hashlib.new(algo, randbytes(rng, 16)).hexdigest()


def hashes(rng):
    out = []
    files = ["app.tar.gz", "node-v20.11.0-linux-x64.tar.xz", "terraform_1.7.4_linux_amd64.zip", "model.onnx", "release.deb"]
    for i in range(40):
        out.append(_case("release/SHA256SUMS", f"{_sha(rng)}  {rng.choice(files)}", "sha256"))
    for i in range(15):
        out.append(_case("release/SHA512SUMS", f"{_sha(rng, 'sha512')}  {rng.choice(files)}", "sha512"))
    forms = [
        lambda h: f'    sha256 = "{h}",',
        lambda h: f'  sha256 "{h}"',
        lambda h: f"ARG NODE_SHA256={h}",
        lambda h: f'FROM python:3.12-slim@sha256:{h}',
        lambda h: f'        "digest": "sha256:{h}",',
        lambda h: f"  image: ghcr.io/acme/api@sha256:{h}",
        lambda h: f'checksum_sha256 = "{h}"',
        lambda h: f"expected_hash: {h}",
        lambda h: f'assert hashlib.sha256(data).hexdigest() == "{h}"',
        lambda h: f'    let expected = "{h}";',
        lambda h: f"content_hash = {h}",
        lambda h: f'  "etag": "{h[:32]}",',
        lambda h: f'    md5: "{h[:32]}"',
        lambda h: f'cache_key = "{h[:40]}"',
        lambda h: f'fingerprint: "{h[:40]}"',
    ]
    paths = ["BUILD.bazel", "Formula/acme.rb", "Dockerfile", "Dockerfile", "manifest.json", "k8s/deploy.yaml",
             "pyproject.toml", "ci/verify.yml", "tests/test_download.py", "src/tests.rs", "build.ini",
             "api/responses.json", "assets.yaml", "src/cache.py", "keys.yaml"]
    for i in range(90):
        k = i % len(forms)
        out.append(_case(paths[k], forms[k](_sha(rng)), "hash-in-code"))
    return out


def git_shas(rng):
    out = []
    forms = [
        lambda s: f"commit {s}",
        lambda s: f"      - uses: actions/checkout@{s} # v4.1.1",
        lambda s: f'  rev: {s}',
        lambda s: f'    "sha": "{s}",',
        lambda s: f'git checkout {s}',
        lambda s: f"Subproject commit {s}",
        lambda s: f'BASE_COMMIT = "{s}"',
        lambda s: f'  "resolved": "git+ssh://git@github.com/acme/lib.git#{s}",',
        lambda s: f"{s} refs/heads/main",
        lambda s: f'source = "git+https://github.com/acme/crate?rev={s[:7]}#{s}"',
    ]
    paths = ["logs/git.log", ".github/workflows/ci.yml", ".pre-commit-config.yaml", "api/commits.json", "scripts/pin.sh",
             "vendor/lib.txt", "tools/version.py", "package-lock.json", "packed-refs", "Cargo.lock"]
    for i in range(70):
        k = i % len(forms)
        out.append(_case(paths[k], forms[k](pick(rng, HEX, 40)), "git-sha"))
    return out


def lockfiles(rng):
    out = []
    pkgs = ["react", "lodash", "@babel/core", "typescript", "esbuild", "zod", "express", "chalk", "semver", "undici"]
    for i in range(60):
        integ = "sha512-" + b64(randbytes(rng, 64))
        k = i % 3
        if k == 0:
            out.append(_case("package-lock.json", f'      "integrity": "{integ}",', "lock-integrity"))
        elif k == 1:
            out.append(_case("yarn.lock", f"  integrity {integ}", "lock-integrity"))
        else:
            out.append(_case("pnpm-lock.yaml", f"    resolution: {{integrity: {integ}}}", "lock-integrity"))
    for i in range(15):
        out.append(_case("package-lock.json", f'      "integrity": "sha1-{b64(randbytes(rng, 20))}",', "lock-integrity"))
    for i in range(50):
        out.append(_case("Cargo.lock", f'checksum = "{pick(rng, HEX, 64)}"', "cargo-checksum"))
    mods = ["github.com/stretchr/testify", "golang.org/x/crypto", "github.com/spf13/cobra", "google.golang.org/grpc",
            "github.com/aws/aws-sdk-go-v2", "go.uber.org/zap"]
    for i in range(50):
        mod = rng.choice(mods)
        ver = f"v{rng.randrange(0, 2)}.{rng.randrange(0, 40)}.{rng.randrange(0, 20)}"
        suffix = "/go.mod" if i % 2 else ""
        out.append(_case("go.sum", f"{mod} {ver}{suffix} h1:{b64(randbytes(rng, 32))}", "go-sum"))
    for i in range(20):
        out.append(_case("poetry.lock", f'    {{file = "pkg-{i}.whl", hash = "sha256:{pick(rng, HEX, 64)}"}},', "lock-integrity"))
    for i in range(15):
        out.append(_case("Gemfile.lock", f"  rack (3.0.{i}) sha256={pick(rng, HEX, 64)}", "lock-integrity"))
    return out


def uuids(rng):
    forms = [
        lambda u: f'request_id = "{u}"',
        lambda u: f'    "correlationId": "{u}",',
        lambda u: f"  id: {u}",
        lambda u: f'const TENANT_ID = "{u}";',
        lambda u: f'AZURE_TENANT_ID={u}',
        lambda u: f'AZURE_SUBSCRIPTION_ID={u}',
        lambda u: f'    client_id = "{u}"',
        lambda u: f'let trace_id = Uuid::parse_str("{u}").unwrap();',
        lambda u: f'<ProjectGuid>{{{u.upper()}}}</ProjectGuid>',
        lambda u: f'INSERT INTO orders (id, status) VALUES (\'{u}\', \'paid\');',
        lambda u: f'  "session_id": "{u}",',
        lambda u: f'workspace_id: "{u}"',
        lambda u: f'  datasource_uid: {u}',
        lambda u: f'    ApplicationId = "{u}";',
    ]
    paths = ["app/log.py", "fixtures/events.json", "catalog.yaml", "src/tenant.ts", ".env", ".env", "main.tf", "src/trace.rs",
             "App.csproj", "db/seed.sql", "fixtures/session.json", "config.yaml", "grafana/dashboard.yaml", "Program.cs"]
    return [_case(paths[i % len(forms)], forms[i % len(forms)](uuid4(rng)), "uuid") for i in range(84)]


def base64_data(rng):
    out = []
    png_head = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
    for i in range(30):
        data = b64(png_head + randbytes(rng, rng.randrange(60, 600)))
        k = i % 3
        if k == 0:
            out.append(_case("src/icons.css", f".icon-{i} {{ background-image: url(data:image/png;base64,{data}); }}", "base64-image"))
        elif k == 1:
            out.append(_case("src/Logo.jsx", f'const logo = "data:image/png;base64,{data}";', "base64-image"))
        else:
            out.append(_case("templates/email.html", f'<img alt="logo" src="data:image/png;base64,{data}">', "base64-image"))
    for i in range(15):
        woff = b64(b"wOF2" + randbytes(rng, 300))
        out.append(_case("static/fonts.css", f"@font-face{{font-family:Inter;src:url(data:font/woff2;base64,{woff}) format('woff2')}}", "base64-font"))
    for i in range(15):
        blob = b64(randbytes(rng, 48))
        out.append(_case("tests/snapshots/encode.snap", f'    "payload": "{blob}",', "base64-data"))
    return out


def public_material(rng):
    out = []
    for i in range(12):
        pub = seq(seq(OID_RSA, NULL), tlv(0x03, b"\x00" + seq(big_int(rng, 256), small_int(65537))))
        out.append(_case("keys/public.pem", pem("PUBLIC KEY", pub), "public-key-pem"))
    for i in range(12):
        cert = seq(seq(small_int(2), big_int(rng, 16)), tlv(0x03, b"\x00" + randbytes(rng, 700)))
        out.append(_case("certs/ca-bundle.crt", pem("CERTIFICATE", cert), "certificate"))
    for i in range(20):
        if i % 2:
            blob = b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 " + randbytes(rng, 32))
            out.append(_case(".ssh/authorized_keys", f"ssh-ed25519 {blob} jdoe@laptop", "ssh-public-key"))
        else:
            blob = b64(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + randbytes(rng, 256))
            out.append(_case(".ssh/known_hosts", f"github.com ssh-rsa {blob}", "ssh-public-key"))
    for i in range(6):
        body = b64(randbytes(rng, 300))
        lines = "\n".join(body[j:j + 64] for j in range(0, len(body), 64))
        out.append(_case("keys/release.pub.asc", f"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{lines}\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----", "pgp-public-key"))
    for i in range(10):
        out.append(_case("src/stripe.js", f"const stripe = Stripe('pk_live_{pick(rng, B62, 24)}');", "publishable-key"))
    for i in range(8):
        head = b64url(json.dumps({"u": "acme-maps", "a": "cl" + pick(rng, LOWER_ALNUM, 23)}).encode())
        out.append(_case("src/map.ts", f"mapboxgl.accessToken = 'pk.{head}.{pick(rng, B64URL, 22)}';", "publishable-key"))
    for i in range(8):
        out.append(_case(".env", f"NEXT_PUBLIC_SUPABASE_ANON_KEY=sb_publishable_{pick(rng, B64URL, 31)}", "publishable-key"))
    for i in range(10):
        jwk = {"kty": "RSA", "kid": pick(rng, B64URL, 22), "use": "sig", "alg": "RS256", "n": b64url(randbytes(rng, 256)), "e": "AQAB"}
        out.append(_case("public/.well-known/jwks.json", json.dumps(jwk), "jwk-public"))
    return out


def identifiers(rng):
    forms = [
        lambda: f"  instance_id: i-0{pick(rng, HEX, 16)}",
        lambda: f'security_groups = ["sg-0{pick(rng, HEX, 16)}"]',
        lambda: f"  vpc_id = \"vpc-0{pick(rng, HEX, 16)}\"",
        lambda: f"arn:aws:iam::{rng.randrange(10**11, 10**12)}:role/deploy-{pick(rng, LOWER, 6)}",
        lambda: f'  "SecretId": "arn:aws:secretsmanager:us-east-1:{rng.randrange(10**11, 10**12)}:secret:prod/db-{pick(rng, B62, 6)}",',
        lambda: f"/subscriptions/{uuid4(rng)}/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/acmeprod",
        lambda: f"web-{pick(rng, LOWER_ALNUM, 10)}-{pick(rng, LOWER_ALNUM, 5)}   1/1     Running   0          3d",
        lambda: f'TWILIO_ACCOUNT_SID=AC{pick(rng, HEX, 32)}',
        lambda: f'slack_channel = "C0{pick(rng, UPPER_ALNUM, 8)}"',
        lambda: f'  "object": "charge", "id": "ch_{pick(rng, B62, 24)}",',
        lambda: f'  "customer": "cus_{pick(rng, B62, 14)}",',
        lambda: f'GOOGLE_CLIENT_ID={rng.randrange(10**11, 10**12)}-{pick(rng, LOWER_ALNUM, 32)}.apps.googleusercontent.com',
        lambda: f'AWS_ACCESS_KEY_ID_EXAMPLE_NOTE="see vault path secret/data/aws/{pick(rng, LOWER, 8)}"',
        lambda: f'  kms_key_id: "arn:aws:kms:eu-west-1:{rng.randrange(10**11, 10**12)}:key/{uuid4(rng)}"',
        lambda: f'docker pull acme/api:{pick(rng, HEX, 12)}',
        lambda: f'<script src="/static/js/main.{pick(rng, HEX, 8)}.js"></script>',
        lambda: f'  "chunkhash": "{pick(rng, HEX, 20)}",',
        lambda: f'DD_SITE=datadoghq.eu DD_SERVICE=checkout DD_VERSION={pick(rng, HEX, 7)}',
        lambda: f"ALGOLIA_APP_ID={pick(rng, UPPER_ALNUM, 10)}",
        lambda: f'  "api_key_id": "{pick(rng, LOWER_ALNUM, 20)}",',
    ]
    paths = ["infra/outputs.yaml", "main.tf", "main.tf", "iam/roles.txt", "cdk.out/template.json", "infra/ids.txt",
             "notes/kubectl.txt", ".env", "alerts.py", "fixtures/stripe.json", "fixtures/stripe.json", ".env",
             "docs/aws.md", "k8s/values.yaml", "scripts/pull.sh", "public/index.html", "dist/stats.json", ".env", ".env",
             "fixtures/keys.json"]
    return [_case(paths[i % len(forms)], forms[i % len(forms)](), "identifier") for i in range(120)]


def minified(rng):
    out = []
    for i in range(40):
        ids = [pick(rng, LOWER + UPPER + "_$", rng.randrange(1, 3)) for _ in range(8)]
        h = pick(rng, B62, rng.randrange(16, 28))
        line = (f"!function(e,t){{var {ids[0]}=function({ids[1]},{ids[2]}){{return {ids[1]}.{ids[3]}+{ids[2]}}};"
                f"t.{ids[4]}=\"{h}\";e[\"{ids[5]}\"]={ids[0]}}}(window,{{}});var {ids[6]}={{key:\"{ids[7]}\",value:function(){{}}}};")
        out.append(_case("dist/app.min.js", line, "minified-js"))
    for i in range(20):
        out.append(_case("dist/vendor.min.js", f'var o={{"./src/{pick(rng, LOWER, 6)}.js":"{pick(rng, HEX, 20)}",__webpack_require__:function(n){{return n}}}};', "minified-js"))
    return out


def paths_and_urls(rng):
    out = []
    forms = [
        lambda: f'key_file = "/etc/ssl/private/{pick(rng, LOWER, 6)}.key"',
        lambda: f'TOKEN_PATH=~/.config/gh/hosts.yml',
        lambda: f'  secret_file: /run/secrets/{pick(rng, LOWER, 8)}_password',
        lambda: f'GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json',
        lambda: f'ssh -i ~/.ssh/id_ed25519 deploy@{pick(rng, LOWER, 5)}.acme.io',
        lambda: f'  password_file: "/etc/acme/{pick(rng, LOWER, 6)}.pass"',
        lambda: f'https://api.github.com/repos/acme/{pick(rng, LOWER, 8)}/pulls?state=open&per_page=100',
        lambda: f'DATABASE_URL=postgres://db.internal:5432/orders',
        lambda: f'REDIS_URL=redis://localhost:6379/0',
        lambda: f'git clone git@github.com:acme/{pick(rng, LOWER, 7)}.git',
        lambda: f'  url: "https://deploy@git.acme.io/platform/{pick(rng, LOWER, 6)}.git"',
        lambda: f'curl -fsSL https://get.acme.io/install.sh?token_type=bearer | sh',
        lambda: f'<a href="https://docs.acme.io/auth/tokens#rotate-{pick(rng, LOWER, 5)}">Rotating tokens</a>',
        lambda: f'  - https://{pick(rng, LOWER, 6)}.s3.amazonaws.com/releases/{pick(rng, HEX, 12)}/app.zip',
    ]
    paths = ["nginx.conf.py", ".env", "docker-compose.yml", ".env", "docs/ssh.md", "config.yaml", "scripts/prs.sh", ".env",
             ".env", "README.md", "mirror.yaml", "install.md", "docs/index.html", "releases.yaml"]
    for i in range(84):
        out.append(_case(paths[i % len(forms)], forms[i % len(forms)](), "path-or-url"))
    return out


def placeholder_urls(rng):
    forms = [
        "postgres://app:${DB_PASSWORD}@db:5432/app",
        "postgresql://{user}:{password}@localhost/{db}",
        "mysql://root:@localhost:3306/test",
        "amqp://guest:{{ rabbitmq_password }}@mq:5672/",
        'mongodb://admin:%s@mongo:27017/admin" % password',
        "redis://:$(REDIS_PASSWORD)@redis:6379/0",
        "postgresql://user:<password>@host:5432/dbname",
        "https://user:****@git.acme.io/repo.git",
        "mysql://USER:PASSWORD@HOST:3306/DB",
        "mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/",
        # (A service's default password, postgres:postgres or guest:guest, is a credential:
        # CredData's human labels agree.)
        "postgres://user:password@localhost/dev",
        "redis://default:%REDIS_PASSWORD%@cache:6379",
        "smtp://apikey:${SENDGRID_API_KEY}@smtp.sendgrid.net:587",
        "jdbc:postgresql://db:5432/app?user=app&password=${DB_PASS}",
        "ftp://anonymous:@ftp.gnu.org/gnu/",
        "postgresql://$PGUSER:$PGPASSWORD@$PGHOST/$PGDATABASE",
        "mongodb://root:example@mongo:27017/",
        "https://oauth2:${CI_JOB_TOKEN}@gitlab.com/acme/tools.git",
    ]
    wrappers = [lambda u: f"DATABASE_URL={u}", lambda u: f'  url: "{u}"', lambda u: f'conn = connect("{u}")', lambda u: f"# e.g. {u}"]
    paths = [".env.example", "config/database.yml", "app/db.py", "README.md"]
    out = []
    for i in range(80):
        k = i % 4
        out.append(_case(paths[k], wrappers[k](forms[i % len(forms)]), "url-placeholder"))
    return out


PLACEHOLDER_VALUES = [
    "${API_KEY}", "${{ secrets.DEPLOY_TOKEN }}", "{{ vault_api_key }}", "{{ .Values.auth.token }}", "%(secret)s",
    "<your-api-key>", "<YOUR_TOKEN_HERE>", "your_api_key_here", "your-secret-here", "changeme", "CHANGEME", "change_me",
    "REPLACE_ME", "TODO", "xxxxxxxxxxxxxxxxxxxxxxxx", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "************************",
    "EXAMPLE_KEY_DO_NOT_USE", "sk_test_XXXXXXXXXXXXXXXXXXXXXXXX", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xoxb-your-bot-token", "<redacted>", "[REDACTED]",
    "dummy-token-for-tests", "fake_password_123", "not-a-real-secret", "placeholder", "$SECRET", "%SECRET_KEY%",
    "@@API_KEY@@", "#{api_key}", "$(cat /run/secrets/token)", "env:API_TOKEN", "vault:secret/data/app#token",
    "op://vault/item/credential", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-AbCdEf", "null", "None",
    "sample-secret-value", "insert-key-here", "...", "sk-...", "lorem-ipsum-dolor-sit", "", " ",
]


def placeholders(rng):
    names = ["API_KEY", "api_key", "SECRET_KEY", "client_secret", "AUTH_TOKEN", "password", "GITHUB_TOKEN",
             "STRIPE_SECRET_KEY", "SLACK_BOT_TOKEN", "AWS_SECRET_ACCESS_KEY", "DATADOG_API_KEY", "access_token", "db_password"]
    forms = [
        (".env.example", lambda n, v: f"{n.upper()}={v}"),
        ("config/settings.yaml", lambda n, v: f"  {n.lower()}: \"{v}\""),
        ("app/settings.py", lambda n, v: f'{n.upper()} = "{v}"'),
        ("src/config.js", lambda n, v: f"  {n.lower()}: '{v}',"),
        ("docs/setup.md", lambda n, v: f"export {n.upper()}={v}"),
        ("config.json", lambda n, v: f'  "{n.lower()}": "{v}",'),
    ]
    out = []
    for i in range(3 * len(PLACEHOLDER_VALUES)):
        v = PLACEHOLDER_VALUES[i % len(PLACEHOLDER_VALUES)]
        path, make = forms[(i // len(PLACEHOLDER_VALUES) * 2 + i) % len(forms)]
        out.append(_case(path, make(rng.choice(names), v), "placeholder"))
    code_refs = [
        'api_key = os.getenv("API_KEY")', 'secret = os.environ["CLIENT_SECRET"]', "const token = process.env.GITHUB_TOKEN;",
        'password := os.Getenv("DB_PASSWORD")', 'let token = std::env::var("API_TOKEN")?;',
        'String secret = System.getenv("JWT_SECRET");', "  token: ${{ secrets.NPM_TOKEN }}", 'apiKey: process.env.STRIPE_KEY!,',
        'secret_key = config("SECRET_KEY")', 'password = settings.DATABASES["default"]["PASSWORD"]',
        "api_key: !vault secret/data/app#api_key", 'AUTH_TOKEN = Variable.get("auth_token")',
        '  password: "{{ lookup(\'env\', \'DB_PASSWORD\') }}"', 'token = keyring.get_password("acme", "deploy")',
        "secret: !Ref DatabaseSecret", "  secretKeyRef:\n    name: api-secrets\n    key: token",
        'apiKey := viper.GetString("api.key")', 'client_secret = credentials["client_secret"]',
        "SECRET_KEY = get_random_secret_key()", "token = secrets.token_urlsafe(32)",
        "let secret = Secret::new(generate_key(&mut rng));", "password = getpass.getpass()",
        "auth_token = request.headers.get('Authorization')", 'ACCESS_TOKEN = ""', "password = None",
        "api_key = args.api_key or DEFAULT_API_KEY", "config.secret_key = ENV.fetch('SECRET_KEY_BASE')",
        'private_key = load_pem_private_key(pem_bytes, password=None)', "token_bytes = base64.b64decode(token)",
    ]
    for i, line in enumerate(code_refs * 2):
        out.append(_case(["src/app.py", "src/index.ts", "cmd/main.go", "src/lib.rs", "App.java"][i % 5], line, "reference"))
    return out


def repeated(rng):
    values = ["aaaaaaaaaaaaaaaaaaaaaaaa", "0000000000000000000000000000000000000000", "1111111111111111111111111111",
              "0123456789abcdef0123456789abcdef", "abcdefghijklmnopqrstuvwxyz012345", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
              "1234567890123456789012345678901234567890", "ffffffffffffffffffffffffffffffff", "deadbeefdeadbeefdeadbeefdeadbeef",
              "abcabcabcabcabcabcabcabcabcabcab", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "ghp_000000000000000000000000000000000000",
              "AKIA0000000000000000", "sk_live_000000000000000000000000", "xoxb-0000000000-0000000000-000000000000000000000000",
              "testtesttesttesttesttest", "passwordpasswordpassword", "qwertyuiopasdfghjklzxcvbnm"]
    forms = [lambda v: f'api_key = "{v}"', lambda v: f"SECRET_TOKEN={v}", lambda v: f'  "password": "{v}",',
             lambda v: f"const authToken = '{v}';"]
    paths = ["tests/test_client.py", ".env.test", "fixtures/users.json", "test/setup.js"]
    return [_case(paths[i % 4], forms[i % 4](values[i % len(values)]), "repeated") for i in range(72)]


def near_misses(rng):
    makers = [
        lambda: "ghp_" + pick(rng, B62, 20),                      # too short
        lambda: "ghp_" + pick(rng, B62, 36) + pick(rng, B62, 6),  # too long, one word
        lambda: "xghp_" + pick(rng, B62, 36),                     # prefix inside a word
        lambda: "AKIA" + pick(rng, UPPER_ALNUM, 10),              # short
        lambda: "AKIA" + pick(rng, LOWER, 16),                    # wrong alphabet
        lambda: "sk_live_" + pick(rng, B62, 6),
        lambda: "glpat-" + pick(rng, B62, 8),
        lambda: "xoxb-" + str(rng.randrange(10**4, 10**6)),
        lambda: "npm_" + pick(rng, B62, 12),
        lambda: "AIza" + pick(rng, B62, 18),
        lambda: "hf_" + pick(rng, LOWER, 12),
        lambda: "SG." + pick(rng, B62, 10),
        lambda: "sk-" + pick(rng, LOWER, 8),
        lambda: "dop_v1_" + pick(rng, HEX, 20),
        lambda: "shpat_" + pick(rng, "ghijklmnopqrstuvwxyz", 32),  # not hex
        lambda: "rubygems_" + pick(rng, HEX, 20),
        lambda: "pypi-" + pick(rng, LOWER, 10),
        lambda: "sk-ant-" + pick(rng, LOWER, 6),
        lambda: "dckr_pat_" + pick(rng, B62, 8),
        lambda: "github_pat_" + pick(rng, B62, 22),
    ]
    forms = [lambda v: f"token = \"{v}\"", lambda v: f"# format: {v}...", lambda v: f"  id: {v}", lambda v: f"KEY_PREFIX={v}"]
    out = []
    for i in range(100):
        out.append(_case(["tests/formats_test.py", "docs/tokens.md", "fixtures/ids.yaml", ".env.sample"][i % 4],
                         forms[i % 4](makers[i % len(makers)]()), "near-miss"))
    words = ["sk-learn", "npm_config_cache", "rk_test_helpers", "ghp_status", "hf_hub_download", "gsk_client",
             "xoxb_like", "pypi-server", "dapi_version", "sq0_legacy", "r8_model_name", "AKIA_PREFIX_LEN", "glpat_regex",
             "SG.send", "sk_live_mode", "whsec_verify", "shpat_scope", "AIza_prefix", "lin_api_base", "dp.pt.prefix"]
    for i, w in enumerate(words * 2):
        out.append(_case("src/names.py", f"{w} = {rng.randrange(1, 100)}  # {w} is a name, not a token", "near-miss-word"))
    return out


def translations(rng):
    pairs = [("password", "Mot de passe"), ("password", "Passwort"), ("password", "Contraseña"), ("password", "パスワード"),
             ("api_key", "Clé API"), ("api_key", "API-Schlüssel"), ("token_expired", "Votre jeton a expiré"),
             ("secret", "Geheimnis"), ("forgot_password", "Passwort vergessen?"), ("auth.token.invalid", "Token inválido"),
             ("password_hint", "Au moins 12 caractères"), ("reset_password", "Réinitialiser le mot de passe"),
             ("access_token_label", "Token de acesso"), ("secret_question", "Pergunta secreta"), ("password", "Пароль"),
             ("password", "密码"), ("credentials", "Identifiants"), ("new_password", "Nieuw wachtwoord"),
             ("auth_failed", "Authentifizierung fehlgeschlagen"), ("private_key", "Clave privada")]
    forms = [(lambda k, v: f'  "{k}": "{v}",', "locales/{}.json"), (lambda k, v: f"{k}: {v}", "config/locales/{}.yml"),
             (lambda k, v: f'{k} = "{v}"', "i18n/{}.toml"), (lambda k, v: f'msgid "{k}"\nmsgstr "{v}"', "po/{}.po")]
    out = []
    for i in range(80):
        k, v = pairs[i % len(pairs)]
        make, path = forms[i % len(forms)]
        out.append(_case(path.format(rng.choice(["fr", "de", "es", "pt", "ja"])), make(k, v), "translation"))
    return out


def secretish_names(rng):
    lines = [
        "token_length = 32", "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())", "max_token_count = 4096",
        'secret_name = "prod/db/password"', 'api_key_header = "X-API-Key"', "password_min_length: 12", 'TOKEN_TYPE = "Bearer"',
        "auth_method: oauth2", "key_size=2048", "  token_endpoint: https://oauth2.googleapis.com/token",
        'secret_arn = aws_secretsmanager_secret.db.arn', "password_reset_ttl_minutes = 30", "tokenizer = AutoTokenizer.from_pretrained(model_name)",
        "let key = map.get(&id).cloned();", 'const API_KEY_ENV = "OPENAI_API_KEY";', "keySize: 256,", "auth_required = True",
        'SECRET_KEY_FALLBACKS = []', "password_validators = [MinimumLengthValidator(12)]", 'private_key_path = Path("~/.ssh/id_rsa")',
        "api_key = Column(String(64), nullable=False, unique=True)", "token = Token(kind=TokenKind.Ident, span=span)",
        "let secret_len = secret.len();", 'keyboard_layout = "qwertz"', "authorization_url = f\"{base}/authorize\"",
        "passphrase_prompt = 'Enter passphrase for key:'", "tokens = tokenizer.encode(text)", "SESSION_COOKIE_SECURE = True",
        "hash_key = hashlib.sha256(user_id.encode()).hexdigest()", "for key, value in sorted(headers.items()):",
        "password = request.form['password']", "if token is None: raise Unauthorized()", "self.secret = secret",
        "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']", "key_id: String,",
        "monkey_patch(auth)", 'token_url = "https://login.microsoftonline.com/common/oauth2/v2.0/token"',
        "api_keys: list[str] = field(default_factory=list)", "const [password, setPassword] = useState('');",
        "public_key: PublicKey,", "  <input type=\"password\" name=\"password\" autocomplete=\"current-password\">",
        "secretsmanager = boto3.client('secretsmanager')", "Authorization: Basic <base64(username:password)>",
        "auth = HTTPBasicAuth(username, password)", 'KEY_DERIVATION_ITERATIONS = 600_000',
        "pub fn verify_token(token: &str, key: &DecodingKey) -> Result<Claims> {", "cache_key = f'user:{user_id}:profile'",
        "  primaryKey: 'order_id',", "idempotency_key = str(uuid.uuid4())", "sort_key = lambda item: item.created_at",
    ]
    paths = ["app/auth.py", "config/security.yaml", "src/lib.rs", "src/App.tsx"]
    return [_case(paths[i % 4], lines[i % len(lines)], "secretish-name") for i in range(2 * len(lines))]


def crypto_vectors(rng):
    known = [
        ("aes128", "000102030405060708090a0b0c0d0e0f"),
        ("aes256", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
        ("chacha20", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        ("hmac-rfc4231", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
        ("sha256-empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("aes128-nist", "2b7e151628aed2a6abf7158809cf4f3c"),
    ]
    forms = [
        lambda n, h: f'    let key = hex!("{h}");',
        lambda n, h: f'        key: "{h}",',
        lambda n, h: f'KEY = bytes.fromhex("{h}")  # {n} test vector',
        lambda n, h: f'    {{ "{n}", "{h}", "{pick(rng, HEX, 32)}", "{pick(rng, HEX, 32)}" }},',
        lambda n, h: f'const TEST_KEY: [u8; {len(h) // 2}] = hex!("{h}");',
        lambda n, h: f'    expected_digest = "{h}"',
        lambda n, h: f'    nonce: "{pick(rng, HEX, 24)}", ciphertext: "{pick(rng, HEX, 64)}",',
        lambda n, h: f'    iv = unhexlify("{pick(rng, HEX, 32)}")',
        lambda n, h: f'    tag: hex!("{pick(rng, HEX, 32)}"),',
        lambda n, h: f'    let plaintext = hex!("{pick(rng, HEX, 64)}");',
    ]
    paths = ["tests/aes.rs", "tests/vectors/aead.json", "tests/test_vectors.py", "tests/vectors.c", "src/tests.rs",
             "tests/test_sha.py", "tests/vectors/chacha.json", "tests/test_cbc.py", "tests/gcm.rs", "tests/gcm.rs"]
    out = []
    for i in range(90):
        n, h = known[i % len(known)]
        out.append(_case(paths[i % len(forms)], forms[i % len(forms)](n, h), "crypto-test-vector"))
    return out


def prose(rng):
    lines = [
        "// The token is refreshed every five minutes by the background worker.",
        "# Never commit your API key; put it in .env instead.", "Enter your password to continue.",
        "Rotate the secret key after each incident (see RUNBOOK.md).", "/// Returns the access token, or None when expired.",
        "The client secret is stored in AWS Secrets Manager under prod/api.",
        "<!-- password field is validated server-side -->", "-- the auth token column stores a SHA-256 hash, never the token",
        "Set GITHUB_TOKEN in the repository secrets before running the workflow.",
        "raise ValueError('api key must be 32 hex characters')", "log.info(\"token refreshed\", expires_in=3600)",
        "Use a passphrase of at least five words.", "* `SECRET_KEY`: required in production, see the deployment guide",
        "| `api_key` | string | Your account's API key |", "The private key never leaves the HSM.",
    ]
    paths = ["src/worker.rs", "README.md", "templates/login.txt", "docs/security.md", "src/session.rs"]
    return [_case(paths[i % 5], lines[i % len(lines)], "prose") for i in range(60)]


def all_negative_cases(rng):
    return (hashes(rng) + git_shas(rng) + lockfiles(rng) + uuids(rng) + base64_data(rng) + public_material(rng)
            + identifiers(rng) + minified(rng) + paths_and_urls(rng) + placeholder_urls(rng) + placeholders(rng)
            + repeated(rng) + near_misses(rng) + translations(rng) + secretish_names(rng) + crypto_vectors(rng) + prose(rng))
