"""Positive cases: every format of formats.py in varied context lines, plus the families that
are shapes rather than providers (private keys, JWTs, connection URLs, credential files,
generic secrets) and the providers' multi-line secrets (JSON key files, PEM blocks).

Each case is a dict: path, text, needle (the secret as written in the file), family, provider,
format, template, expect (tokens a rule id or tag must contain for the finding to count as
"the expected rule").
"""

import base64
import json

from contexts import TEMPLATES, eligible, jstr, spellings, yaml_scalar
from encode import (B62, B64URL, DIGITS, HEX, HEX_UPPER, LOWER, LOWER_ALNUM, b64, crc32_token, dsa_der, ec_sec1_der, jwt,
                    openssh_ed25519, openssh_rsa_encrypted, pem, pgp_private_key, pick, pkcs8_der, pkcs8_encrypted_der,
                    putty_key, randbytes, rsa_pkcs1_der, uuid4)
from formats import FORMATS, G

KEY_EXPECT = ("private-key", "privatekey", "putty", "pgp", "openssh", "ssh", "keys")


def provider_cases(rng):
    cases = []
    for fmt in FORMATS:
        templates = eligible(fmt)
        rng.shuffle(templates)
        provider_names = [n for n in fmt.names if n not in G]
        for i in range(fmt.weight):
            template = templates[i % len(templates)]
            value = fmt.gen(rng)
            # Self-identifying formats get a provider-neutral name a third of the time.
            if not fmt.context and rng.random() < 0.33 and any(n in G for n in fmt.names):
                var = rng.choice(G)
            else:
                var = rng.choice(provider_names or fmt.names)
            path, text, needle = TEMPLATES[template](rng, var, value, fmt)
            cases.append(dict(path=path, text=text, needle=needle, family=fmt.family, provider=fmt.provider,
                              format=fmt.id, template=template, expect=list(fmt.expected())))
    return cases


# --- private keys ----------------------------------------------------------------------------

def _key_block(rng, kind):
    if kind == "rsa":
        return pem("RSA PRIVATE KEY", rsa_pkcs1_der(rng))
    if kind == "rsa-encrypted":
        iv = pick(rng, HEX_UPPER, 32)
        return pem("RSA PRIVATE KEY", b64(randbytes(rng, 1192)), f"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv}\n\n")
    if kind == "ec":
        return pem("EC PRIVATE KEY", ec_sec1_der(rng))
    if kind == "dsa":
        return pem("DSA PRIVATE KEY", dsa_der(rng))
    if kind == "pkcs8-rsa":
        return pem("PRIVATE KEY", pkcs8_der(rng, "rsa"))
    if kind == "pkcs8-ed25519":
        return pem("PRIVATE KEY", pkcs8_der(rng, "ed25519"))
    if kind == "pkcs8-ec":
        return pem("PRIVATE KEY", pkcs8_der(rng, "ec"))
    if kind == "pkcs8-encrypted":
        return pem("ENCRYPTED PRIVATE KEY", pkcs8_encrypted_der(rng))
    if kind == "openssh":
        return openssh_ed25519(rng)
    if kind == "openssh-encrypted":
        return openssh_rsa_encrypted(rng)
    if kind == "pgp":
        return pgp_private_key(rng)
    if kind == "putty-v2":
        return putty_key(rng, 2)
    if kind == "putty-v3":
        return putty_key(rng, 3)
    raise ValueError(kind)


KEY_FILES = {
    "rsa": ["deploy/id_rsa", "certs/server.key", "keys/app.pem"],
    "rsa-encrypted": ["certs/legacy.key"],
    "ec": ["certs/ec-server.key", "keys/es256.pem"],
    "dsa": ["keys/id_dsa"],
    "pkcs8-rsa": ["certs/tls.key", "keys/private.pem"],
    "pkcs8-ed25519": ["keys/ed25519.pem"],
    "pkcs8-ec": ["keys/p256.pem"],
    "pkcs8-encrypted": ["keys/encrypted.p8", "certs/key.enc.pem"],
    "openssh": [".ssh/id_ed25519", "deploy/deploy_key"],
    "openssh-encrypted": [".ssh/id_rsa"],
    "pgp": ["keys/release-signing.asc", "secrets/private.gpg.asc"],
    "putty-v2": ["keys/server.ppk"],
    "putty-v3": ["keys/deploy.ppk"],
}


def _embed_key(rng, block, style, kind):
    """Place a key block in a file: raw, or inside YAML, JSON, Python, .env or Terraform."""
    if style == "raw":
        return rng.choice(KEY_FILES[kind]), block + "\n", block
    if style == "yaml":
        indented = "\n".join("    " + line for line in block.split("\n"))
        text = f"tls:\n  enabled: true\n  key: |\n{indented}\n  port: 8443\n"
        return "config/tls.yaml", text, indented.lstrip()
    if style == "json":
        esc = jstr(block + "\n")
        return "config/signing.json", '{\n  "kid": "2024-05",\n  "private_key": ' + esc + '\n}\n', esc[1:-1]
    if style == "python":
        return "app/keys.py", f'SIGNING_KEY = """{block}"""\n', block
    if style == "env-multiline":
        return ".env", f'APP_ENV=prod\nJWT_PRIVATE_KEY="{block}"\n', block
    if style == "env-escaped":
        esc = block.replace("\n", "\\n")
        return ".env", f'JWT_PRIVATE_KEY="{esc}"\n', esc
    if style == "terraform":
        return "main.tf", f'resource "tls_cert" "app" {{\n  private_key_pem = <<EOT\n{block}\nEOT\n}}\n', block
    raise ValueError(style)


def key_cases(rng):
    cases = []
    styles = ["raw", "raw", "yaml", "json", "python", "env-multiline", "env-escaped", "terraform"]
    for kind in KEY_FILES:
        n = 14 if not kind.startswith("putty") else 8
        for i in range(n):
            style = "raw" if kind.startswith("putty") and i % 2 == 0 else styles[i % len(styles)]
            if kind.startswith("putty") and style in ("json", "env-escaped"):
                style = "raw"
            block = _key_block(rng, kind)
            path, text, needle = _embed_key(rng, block, style, kind)
            cases.append(dict(path=path, text=text, needle=needle, family="keys", provider="private-key",
                              format=f"key-{kind}", template=style, expect=list(KEY_EXPECT)))
    return cases


# --- JWTs ------------------------------------------------------------------------------------

def jwt_cases(rng, n=56):
    forms = [
        ("api/request.sh", lambda t: f'curl -H "Authorization: Bearer {t}" https://api.acme-corp.io/v1/orders\n'),
        (".env", lambda t: f"API_JWT={t}\n"),
        ("config/client.yaml", lambda t: f"auth:\n  id_token: {t}\n"),
        ("src/session.js", lambda t: f"localStorage.setItem('session', '{t}');\n"),
        ("tests/fixtures/request.http", lambda t: f"GET /v1/me HTTP/1.1\nHost: api.acme-corp.io\nCookie: access_token={t}\n"),
        ("scripts/call.py", lambda t: f'headers = {{"Authorization": "Bearer {t}"}}\n'),
        ("notes/debug.txt", lambda t: f"token from the login response: {t}\n"),
        ("k8s/job.yaml", lambda t: f"env:\n  - name: SERVICE_TOKEN\n    value: {t}\n"),
    ]
    cases = []
    for i in range(n):
        path, make = forms[i % len(forms)]
        token = jwt(rng)
        cases.append(dict(path=path, text=make(token), needle=token, family="keys", provider="jwt", format="jwt",
                          template=path.rsplit(".", 1)[-1], expect=["jwt"]))
    return cases


# --- connection URLs -------------------------------------------------------------------------

def _password(rng, n=None):
    n = n or rng.randrange(12, 25)
    core = pick(rng, B62, n - 2)
    return core[: n // 2] + rng.choice("-._~!*") + core[n // 2:] + rng.choice(DIGITS)


def _host(rng, kind):
    return rng.choice({
        "pg": ["db.internal", "orders-db.c9akciq32.eu-west-1.rds.amazonaws.com", "10.0.3.17", "postgres"],
        "my": ["mysql.internal", "shop-db.cluster-ro-c1x2.us-east-1.rds.amazonaws.com", "127.0.0.1"],
        "mongo": ["mongo-0.mongo.svc.cluster.local", "localhost"],
        "redis": ["redis.internal", "cache-01.abc123.ng.0001.use1.cache.amazonaws.com", "redis"],
        "mq": ["rabbitmq.internal", "mq.acme.io"],
        "web": ["git.acme.io", "nexus.acme.io", "jenkins.acme.io", "artifacts.acme.io"],
    }[kind])


def url_cases(rng):
    user = lambda: rng.choice(["app", "orders", "admin", "deploy", "svc_billing", "root", "postgres", "reporting"])
    makers = [
        ("postgres", ("postgres", "postgresql"), lambda p: f"postgres://{user()}:{p}@{_host(rng, 'pg')}:5432/orders"),
        ("postgres", ("postgres", "postgresql"), lambda p: f"postgresql://{user()}:{p}@{_host(rng, 'pg')}/app?sslmode=require"),
        ("postgres", ("postgres", "postgresql"), lambda p: f"postgresql+psycopg2://{user()}:{p}@{_host(rng, 'pg')}:5432/analytics"),
        ("mysql", ("mysql", "mariadb"), lambda p: f"mysql://{user()}:{p}@{_host(rng, 'my')}:3306/shop"),
        ("mysql", ("mysql", "mariadb"), lambda p: f"mysql+pymysql://{user()}:{p}@{_host(rng, 'my')}/shop?charset=utf8mb4"),
        ("mongodb", ("mongodb", "mongo"), lambda p: f"mongodb://{user()}:{p}@{_host(rng, 'mongo')}:27017/app?authSource=admin"),
        ("mongodb-atlas", ("mongodb", "mongo", "atlas"), lambda p: f"mongodb+srv://{user()}:{p}@cluster0.{pick(rng, LOWER_ALNUM, 5)}.mongodb.net/prod?retryWrites=true&w=majority"),
        ("redis", ("redis",), lambda p: f"redis://:{p}@{_host(rng, 'redis')}:6379/0"),
        ("redis", ("redis",), lambda p: f"rediss://default:{p}@{_host(rng, 'redis')}:6380"),
        ("amqp", ("amqp", "rabbitmq"), lambda p: f"amqp://{user()}:{p}@{_host(rng, 'mq')}:5672/%2F"),
        ("amqp", ("amqp", "rabbitmq"), lambda p: f"amqps://{user()}:{p}@{_host(rng, 'mq')}/orders"),
        ("mssql", ("mssql", "sqlserver", "sql-server", "azure-sql"), lambda p: f"Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=orders;User ID={user()};Password={p};Encrypt=True;"),
        ("mssql", ("mssql", "sqlserver", "sql-server"), lambda p: f"mssql://{user()}:{p}@sql01.internal:1433/orders"),
        ("jdbc", ("jdbc", "postgres", "mysql", "sqlserver"), lambda p: f"jdbc:postgresql://{_host(rng, 'pg')}:5432/orders?user={user()}&password={p}"),
        ("jdbc", ("jdbc", "mysql"), lambda p: f"jdbc:mysql://{user()}:{p}@{_host(rng, 'my')}:3306/shop"),
        ("jdbc", ("jdbc", "sqlserver", "mssql"), lambda p: f"jdbc:sqlserver://sql01.internal:1433;databaseName=orders;user=sa;password={p}"),
        ("ldap", ("ldap",), lambda p: f"ldaps://cn=binder:{p}@ldap.acme.io:636/dc=acme,dc=io"),
        ("ftp", ("ftp",), lambda p: f"ftp://{user()}:{p}@ftp.acme.io/uploads/"),
        ("smtp", ("smtp",), lambda p: f"smtp://{user()}%40acme.io:{p}@smtp.mailgun.org:587"),
        ("https-basic", ("basic-auth", "url", "http"), lambda p: f"https://{user()}:{p}@{_host(rng, 'web')}/repository/maven-releases/"),
        ("snowflake", ("snowflake",), lambda p: f"snowflake://{user()}:{p}@acme-xy12345/analytics/public?warehouse=COMPUTE_WH"),
    ]
    contexts = [
        (".env", lambda u: f"DATABASE_URL={u}\n"),
        ("config/database.yml", lambda u: f"production:\n  url: {yaml_scalar(u)}\n"),
        ("settings.py", lambda u: f"SQLALCHEMY_DATABASE_URI = {jstr(u)}\n"),
        ("docker-compose.yml", lambda u: f"services:\n  worker:\n    environment:\n      CONNECTION_STRING: {yaml_scalar(u)}\n"),
        ("src/db.ts", lambda u: f"const pool = new Pool({{ connectionString: '{u}' }});\n"),
        ("appsettings.json", lambda u: '{\n  "ConnectionStrings": {\n    "Default": ' + jstr(u) + '\n  }\n}\n'),
        ("scripts/migrate.sh", lambda u: f"psql \"{u}\" -f migrations/0042.sql\n"),
        ("main.go", lambda u: f"db, err := sql.Open(\"driver\", \"{u}\")\n"),
    ]
    cases = []
    for i in range(9 * len(makers)):
        scheme, expect, make = makers[i % len(makers)]
        password = _password(rng)
        url = make(password)
        path, wrap = contexts[(i // len(makers) + i) % len(contexts)]
        text = wrap(url)
        needle = password if password in text else url
        family = "data" if scheme in ("snowflake", "mongodb-atlas") else "databases"
        cases.append(dict(path=path, text=text, needle=needle, family=family, provider=scheme, format=f"url-{scheme}",
                          template=path, expect=list(expect) + ["databases", "url", "connection-string"]))
    return cases


# --- credential files ------------------------------------------------------------------------

def credfile_cases(rng):
    cases = []

    def add(provider, fmt, path, text, needle, expect):
        cases.append(dict(path=path, text=text, needle=needle, family="credential-files", provider=provider,
                          format=fmt, template=path.rsplit("/", 1)[-1], expect=list(expect)))

    for i in range(12):  # kubeconfig
        kind = i % 3
        if kind == 0:
            secret = jwt(rng, {"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer",
                               "kubernetes.io/serviceaccount/namespace": "ci"}, alg="RS256")
            user = f"- name: deployer\n  user:\n    token: {secret}\n"
        elif kind == 1:
            secret = b64(pem("RSA PRIVATE KEY", rsa_pkcs1_der(rng)).encode() + b"\n")
            user = f"- name: admin\n  user:\n    client-certificate-data: {b64(randbytes(rng, 600))}\n    client-key-data: {secret}\n"
        else:
            secret = pick(rng, LOWER_ALNUM, 6) + "." + pick(rng, LOWER_ALNUM, 16)
            user = f"- name: bootstrap\n  user:\n    token: {secret}\n"
        text = (f"apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: prod\n"
                f"users:\n{user}current-context: prod\n")
        add("kubernetes", "kubeconfig", rng.choice([".kube/config", "kubeconfig.yaml"]), text, secret,
            ("kubernetes", "kubeconfig", "k8s", "jwt", "private-key"))
    for i in range(12):  # Kubernetes Secret with base64 data
        pw = _password(rng)
        enc = b64(pw.encode())
        text = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n"
                f"  username: {b64(b'app')}\n  password: {enc}\n")
        add("kubernetes", "k8s-secret-data", "k8s/db-secret.yaml", text, enc, ("kubernetes", "k8s", "password"))
    for i in range(12):  # Docker config.json
        auth = b64(f"{rng.choice(['deploy', 'ci-bot', 'jdoe'])}:{_password(rng)}".encode())
        reg = rng.choice(["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com", "acme.azurecr.io"])
        text = json.dumps({"auths": {reg: {"auth": auth}}, "credsStore": ""}, indent=2) + "\n"
        add("docker", "docker-config", rng.choice([".docker/config.json", "config.json"]), text, auth,
            ("docker", "dockerconfig", "docker-config", "generic"))
    for i in range(16):  # .npmrc
        kind = i % 4
        if kind == 0:
            secret = crc32_token(rng, "npm_")
            line = f"//registry.npmjs.org/:_authToken={secret}"
        elif kind == 1:
            secret = uuid4(rng)
            line = f"//registry.npmjs.org/:_authToken={secret}"
        elif kind == 2:
            secret = b64(f"deploy:{_password(rng)}".encode())
            line = f"_auth={secret}"
        else:
            secret = b64(_password(rng).encode())
            line = f"//nexus.acme.io/repository/npm-private/:_password={secret}"
        text = f"registry=https://registry.npmjs.org/\n{line}\nalways-auth=true\n"
        add("npm", f"npmrc-{['token', 'legacy-uuid', 'auth', 'password'][kind]}", ".npmrc", text, secret,
            ("npm", "npmrc", "password"))
    for i in range(10):  # .pypirc
        secret = "pypi-AgEIcHlwaS5vcmc" + "CJ" + pick(rng, B64URL, 160) if i % 2 == 0 else _password(rng)
        user = "__token__" if i % 2 == 0 else "deploy"
        text = f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = {user}\npassword = {secret}\n"
        add("pypi", "pypirc", ".pypirc", text, secret, ("pypi", "pypirc", "password"))
    for i in range(12):  # .netrc
        secret = [crc32_token(rng, "ghp_"), _password(rng), uuid4(rng)][i % 3]
        host = ["api.github.com", "ftp.acme.io", "api.heroku.com"][i % 3]
        text = f"machine {host}\n  login {rng.choice(['octocat', 'deploy', 'jdoe@acme.io'])}\n  password {secret}\n"
        add("netrc", "netrc", ".netrc", text, secret, ("netrc", "password", "github", "heroku"))
    for i in range(12):  # .git-credentials
        kind = i % 3
        secret = [crc32_token(rng, "ghp_"), "glpat-" + pick(rng, B64URL, 20), _password(rng)][kind]
        host = ["github.com", "gitlab.com", "git.acme.io"][kind]
        user = ["octocat", "oauth2", "deploy"][kind]
        add("git-credentials", "git-credentials", ".git-credentials", f"https://{user}:{secret}@{host}\n", secret,
            ("git-credentials", "git", "url", "basic-auth", "github", "gitlab"))
    for i in range(10):  # ~/.aws/credentials
        secret = pick(rng, B62 + "+/", 40)
        key_id = "AKIA" + pick(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        text = f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = us-east-1\n"
        add("aws", "aws-credentials-file", ".aws/credentials", text, secret, ("aws",))
        cases[-1]["span_from"] = key_id  # the key pair is one credential
    for i in range(8):  # .pgpass
        secret = _password(rng)
        text = f"db.internal:5432:orders:app:{secret}\n"
        add("pgpass", "pgpass", ".pgpass", text, secret, ("pgpass", "postgres", "password"))
    return cases


# --- providers' multi-line secrets -----------------------------------------------------------

def multiline_provider_cases(rng):
    cases = []
    for i in range(12):  # GCP service account key files
        project = rng.choice(["acme-prod", "data-platform", "ml-training"]) + f"-{rng.randrange(100000, 999999)}"
        email = f"{rng.choice(['deployer', 'ci-runner', 'bq-reader'])}@{project}.iam.gserviceaccount.com"
        key = pem("PRIVATE KEY", pkcs8_der(rng)) + "\n"
        doc = {"type": "service_account", "project_id": project, "private_key_id": pick(rng, HEX, 40), "private_key": key,
               "client_email": email, "client_id": str(rng.randrange(10**20, 10**21)),
               "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
               "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
               "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email.replace('@', '%40')}",
               "universe_domain": "googleapis.com"}
        text = json.dumps(doc, indent=2) + "\n"
        needle = json.dumps(key)[1:-1]
        cases.append(dict(path=rng.choice(["gcp-key.json", "secrets/service-account.json", f"{project}-key.json"]),
                          text=text, needle=needle, family="cloud", provider="gcp", format="gcp-service-account-json",
                          template="json-file", expect=["gcp", "google", "private-key"], span_from='"private_key_id"'))
    for i in range(8):  # Coinbase CDP API key files
        key = pem("EC PRIVATE KEY", ec_sec1_der(rng)) + "\n"
        doc = {"name": f"organizations/{uuid4(rng)}/apiKeys/{uuid4(rng)}", "privateKey": key}
        text = json.dumps(doc, indent=2) + "\n"
        cases.append(dict(path="cdp_api_key.json", text=text, needle=json.dumps(key)[1:-1], family="fintech",
                          provider="coinbase", format="coinbase-cdp-key-json", template="json-file",
                          expect=["coinbase", "private-key"]))
    for i in range(8):  # OCI API signing keys
        key = pem("PRIVATE KEY", pkcs8_der(rng))
        text = key + "\nOCI_API_KEY\n"
        cases.append(dict(path=rng.choice([".oci/oci_api_key.pem", "oci/api_key.pem"]), text=text, needle=key,
                          family="cloud", provider="oracle", format="oci-api-signing-key", template="pem-file",
                          expect=["oracle", "oci", "private-key"]))
    for i in range(8):  # Snowflake key-pair authentication (encrypted PKCS#8)
        key = pem("ENCRYPTED PRIVATE KEY", pkcs8_encrypted_der(rng))
        text = f"SNOWFLAKE_ACCOUNT=acme-xy12345\nSNOWFLAKE_USER=LOADER\nSNOWFLAKE_PRIVATE_KEY=\"{key}\"\n"
        cases.append(dict(path=".env.snowflake", text=text, needle=key, family="data", provider="snowflake",
                          format="snowflake-key-pair", template="env-multiline", expect=["snowflake", "private-key"]))
    for i in range(8):  # GitHub App private keys, as GitHub hands them out
        key = pem("RSA PRIVATE KEY", rsa_pkcs1_der(rng))
        app = rng.choice(["acme-deploy-bot", "release-drafter-acme"])
        text = key + "\n"
        cases.append(dict(path=f"{app}.{rng.choice(['2024-05-03', '2023-11-20'])}.private-key.pem", text=text, needle=key,
                          family="vcs", provider="github", format="github-app-private-key", template="pem-file",
                          expect=["github", "private-key"]))
    return cases


# --- generic secrets -------------------------------------------------------------------------

GENERIC_NAMES = ["SECRET_KEY", "API_KEY", "API_SECRET", "CLIENT_SECRET", "AUTH_TOKEN", "ACCESS_TOKEN", "REFRESH_TOKEN",
                 "DB_PASSWORD", "PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "REDIS_PASSWORD", "JWT_SECRET",
                 "SESSION_SECRET", "ENCRYPTION_KEY", "SIGNING_KEY", "WEBHOOK_SECRET", "APP_SECRET", "PRIVATE_TOKEN",
                 "MASTER_KEY", "SECRET_TOKEN", "PASSWD", "DB_PWD", "KEYSTORE_PASSPHRASE", "SERVICE_CREDENTIALS",
                 "HMAC_SECRET", "COOKIE_SECRET", "INTERNAL_API_KEY", "PAYMENT_GATEWAY_SECRET", "LICENSE_KEY"]


def _generic_value(rng, kind):
    if kind == "base62":
        return pick(rng, B62, rng.randrange(20, 41))
    if kind == "base64":
        return b64(randbytes(rng, rng.choice([24, 32, 48])))
    if kind == "hex32":
        return pick(rng, HEX, 32)
    if kind == "hex64":
        return pick(rng, HEX, 64)
    if kind == "password":
        n = rng.randrange(12, 25)
        chars = [rng.choice(LOWER), rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ"), rng.choice(DIGITS), rng.choice("!@#$%^&*-_+=?")]
        chars += [rng.choice(B62 + "!@#$%^&*-_+=?") for _ in range(n - 4)]
        rng.shuffle(chars)
        return "".join(chars)
    if kind == "django":
        return pick(rng, "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50)
    raise ValueError(kind)


def generic_cases(rng, n=230):
    kinds = ["base62", "base62", "base64", "hex32", "hex64", "password", "password", "django"]
    skip = {"curl", "url", "yaml-block", "log", "markdown"}
    templates = [t for t in TEMPLATES if t not in skip]
    cases = []

    class _Ctx:
        provider, context, header, host, query = "app", True, "", "", ""

    for i in range(n):
        var = GENERIC_NAMES[i % len(GENERIC_NAMES)]
        kind = kinds[i % len(kinds)]
        if kind == "django":
            var = "SECRET_KEY"
        value = _generic_value(rng, kind)
        template = templates[(i * 7 + i // len(templates)) % len(templates)]
        path, text, needle = TEMPLATES[template](rng, var, value, _Ctx)
        cases.append(dict(path=path, text=text, needle=needle, family="generic", provider="generic",
                          format=f"generic-{kind}", template=template, expect=["generic", "password"]))
    return cases


# --- encoded secrets ---------------------------------------------------------------------------

def _hex(text):
    return text.encode().hex()


def _escape_all(text):
    return "".join(f"%{b:02X}" for b in text.encode())


ENCODINGS = {
    "base64": lambda t: base64.b64encode(t.encode()).decode(),
    "base64url": lambda t: base64.urlsafe_b64encode(t.encode()).decode().rstrip("="),
    "hex": _hex,
    "percent": _escape_all,
    "base64-of-hex": lambda t: base64.b64encode(_hex(t).encode()).decode(),
}

ENCODED_CONTEXTS = [
    ("config.yaml", "app:\n  name: billing\n  payload: {E}\n"),
    ("settings.json", '{{\n  "region": "eu-west-1",\n  "blob": "{E}"\n}}\n'),
    (".env", "LOG_LEVEL=info\nENCODED_CONFIG={E}\n"),
    ("access.log", '10.0.0.7 - - [12/Mar/2025:10:01:22 +0000] "GET /callback?state={E} HTTP/1.1" 302 0\n'),
]


def encoded_cases(rng, n=100):
    """Self-identifying provider values, or a line holding one, hidden in an encoding."""
    formats = [f for f in FORMATS if not f.context and not f.templates]
    cases = []
    for i in range(n):
        fmt = formats[(i * 11) % len(formats)]
        value = fmt.gen(rng)
        if any(c.isspace() for c in value):
            continue
        encoding = list(ENCODINGS)[i % len(ENCODINGS)]
        plain = rng.choice([value, f"TOKEN={value}", json.dumps({"token": value})])
        encoded = ENCODINGS[encoding](plain)
        path, template = ENCODED_CONTEXTS[i % len(ENCODED_CONTEXTS)]
        cases.append(dict(path=path, text=template.format(E=encoded), needle=encoded, family="encoded",
                          provider=fmt.provider, format=f"encoded-{encoding}", template=path,
                          expect=list(fmt.expected())))
    return cases


def all_positive_cases(rng):
    return (provider_cases(rng) + key_cases(rng) + jwt_cases(rng) + url_cases(rng) + credfile_cases(rng)
            + multiline_provider_cases(rng) + generic_cases(rng) + encoded_cases(rng))
