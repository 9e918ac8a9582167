"""The token formats of issue 4's providers, written from the providers' documentation.

One `Fmt` per credential type: how to make a value (prefix, length, alphabet, checksum), the
names real configs give it, and whether the value is recognisable on its own (`context=False`)
or only next to the provider's name (`context=True`: a 32-hex Datadog key looks like any hash).
`source` says where the format comes from: `doc` (the provider's own documentation or
announcement) or `observed` (no published spec; the shape of real, leaked or sample values in
public repositories). Providers with no format we could establish are listed in SKIPPED.

This file must never be edited to fit keyscout's regexes: it describes the providers.
"""

from dataclasses import dataclass, field
import json

from encode import (B58, B62, B64, B64URL, BASE32_LOWER, CROCKFORD_LOWER, DIGITS, HEX, HEX_UPPER, LOWER,
                    LOWER_ALNUM, UPPER_ALNUM, ALPHA, b64, b64url, crc32_token, jwt, pick, randbytes, uuid4)


@dataclass
class Fmt:
    id: str
    provider: str
    family: str
    gen: object
    names: list
    context: bool = False
    source: str = "doc"
    expect: tuple = ()
    header: str = "Authorization: Bearer {V}"
    host: str = ""
    query: str = ""
    weight: int = 14
    notes: str = ""
    templates: tuple = ()          # restrict to these template names (e.g. composite values)

    def expected(self):
        return self.expect or (self.provider,)


def _n(r, a, k):
    return pick(r, a, k)


def _pick(r, *options):
    return r.choice(options)


def _sentry_org_token(r):
    payload = {"iat": 1_700_000_000 + r.randrange(10**7) + r.random(), "url": "https://sentry.io",
               "region_url": _pick(r, "https://us.sentry.io", "https://de.sentry.io"),
               "org": _pick(r, "acme", "acme-corp", "payments-team", "globex")}
    return "sntrys_" + b64(json.dumps(payload, separators=(",", ":")).encode()) + "_" + _n(r, B64, 43)


def _grafana_cloud(r):
    payload = {"o": str(r.randrange(100000, 999999)), "n": f"stack-{r.randrange(100000, 999999)}-hm-write-ci",
               "k": _n(r, B62, 32), "m": {"r": _pick(r, "prod-us-east-0", "prod-eu-west-2")}}
    return "glc_" + b64(json.dumps(payload, separators=(",", ":")).encode())


def _mapbox_secret(r):
    user = _pick(r, "acme-maps", "jdoe", "geo-team", "fleetops")
    head = b64url(json.dumps({"u": user, "a": "cl" + _n(r, LOWER_ALNUM, 23)}, separators=(",", ":")).encode())
    return "sk." + head + "." + _n(r, B64URL, 22)


def _onepassword_sa(r):
    payload = {"signInAddress": "acme.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256",
               "iterations": 650000, "salt": _n(r, B64URL, 22)}, "email": f"{_n(r, LOWER, 26)}@1passwordserviceaccounts.com",
               "srpX": _n(r, HEX, 64), "muk": {"alg": "A256GCM", "ext": True, "k": _n(r, B64URL, 43),
               "key_ops": ["encrypt", "decrypt"], "kty": "oct", "kid": "mp"}, "secretKey": "A3-" + _n(r, UPPER_ALNUM, 6),
               "throttleSecret": {"seed": _n(r, HEX, 64), "uuid": _n(r, UPPER_ALNUM, 26)}, "deviceUuid": _n(r, LOWER_ALNUM, 26)}
    return "ops_" + b64url(json.dumps(payload, separators=(",", ":")).encode())


def _pypi(r, test=False):
    head = "pypi-AgENdGVzdC5weXBpLm9yZw" if test else "pypi-AgEIcHlwaS5vcmc"
    return head + "CJ" + _n(r, B64URL, r.randrange(150, 190))


def _jfrog_reference(r):
    # 64 characters (JFrog docs); the base64 of "reftkn:01:<expiry>:<random>".
    raw = f"reftkn:01:{r.randrange(1_900_000_000, 2_100_000_000)}:{_n(r, B62, 27)}".encode()
    return b64(raw)


def _supabase_service_role(r):
    ref = _n(r, LOWER, 20)
    now = 1_690_000_000 + r.randrange(10**7)
    return jwt(r, {"iss": "supabase", "ref": ref, "role": "service_role", "iat": now, "exp": now + 315360000}, alg="HS256")


def _azure_conn(r):
    key = b64(randbytes(r, 64))
    acct = _pick(r, "acmeprodstore", "logsarchive01", "mediauploads", "tfstate" + _n(r, LOWER_ALNUM, 6))
    return f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};EndpointSuffix=core.windows.net"


def _discord_bot(r):
    uid = str(r.randrange(10**17, 10**19)).encode()
    return b64url(uid) + "." + _n(r, B64URL, 6) + "." + _n(r, B64URL, _pick(r, 27, 38))


def _slack_webhook(r):
    return (f"https://hooks.slack.com/services/T{_n(r, UPPER_ALNUM, r.randrange(8, 11))}/"
            f"B{_n(r, UPPER_ALNUM, r.randrange(8, 11))}/{_n(r, B62, 24)}")


def _teams_webhook(r):
    tenant = _pick(r, "acme", "contoso", "globex", "initech")
    return (f"https://{tenant}.webhook.office.com/webhookb2/{uuid4(r)}@{uuid4(r)}/IncomingWebhook/"
            f"{_n(r, HEX, 32)}/{uuid4(r)}")


def _discord_webhook(r):
    host = _pick(r, "discord.com", "discordapp.com")
    return f"https://{host}/api/webhooks/{r.randrange(10**17, 10**19)}/{_n(r, B64URL, 68)}"


def _openai(r):
    kind = r.randrange(4)
    if kind == 0:
        return "sk-" + _n(r, B62, 20) + "T3BlbkFJ" + _n(r, B62, 20)
    prefix = ["sk-proj-", "sk-svcacct-", "sk-admin-"][kind - 1]
    return prefix + _n(r, B64URL, 74) + "T3BlbkFJ" + _n(r, B64URL, 74)


def _adyen(r):
    # Public samples have a first part of 76 to 96 characters.
    return ("AQE" + _n(r, B64, r.choice([71, 81, 91])) + "==-" + _n(r, B64, 43) + "=-"
            + _n(r, B62 + "=;+{}<>%", 16))


def _honeycomb_ingest(r):
    return "hcaik_01" + _n(r, CROCKFORD_LOWER, 24) + _n(r, LOWER_ALNUM, 32)


G = ["TOKEN", "API_KEY", "AUTH_TOKEN", "ACCESS_TOKEN", "SECRET"]  # provider-neutral names

FORMATS = [
    # ---------------------------------------------------------------- cloud
    Fmt("aws-access-key-id", "aws", "cloud", lambda r: _pick(r, "AKIA", "AKIA", "ASIA") + _n(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        ["AWS_ACCESS_KEY_ID", "aws_access_key_id", "AWS_ACCESS_KEY"], source="doc: IAM identifiers (unique ID prefixes AKIA/ASIA, 20 chars)",
        host="https://sts.amazonaws.com/"),
    Fmt("aws-secret-access-key", "aws", "cloud", lambda r: _n(r, B62 + "+/", 40),
        ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "AWS_SECRET_KEY"], context=True,
        source="doc: IAM access keys (40-char secret)", header="", weight=16),
    Fmt("aws-session-token", "aws", "cloud", lambda r: "IQoJb3JpZ2luX2Vj" + _n(r, B64, r.randrange(300, 380)) + "==",
        ["AWS_SESSION_TOKEN", "aws_session_token"], context=True, source="observed: STS session tokens (base64, IQoJb3JpZ2luX2Vj...)", header=""),
    Fmt("gcp-api-key", "gcp", "cloud", lambda r: "AIza" + _n(r, B64URL, 35),
        ["GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY", "GCP_API_KEY"], expect=("gcp", "google"),
        source="doc: Google API keys (AIza + 35)", header="", query="https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key={V}"),
    Fmt("gcp-oauth-client-secret", "gcp", "cloud", lambda r: "GOCSPX-" + _n(r, B64URL, 28),
        ["GOOGLE_CLIENT_SECRET", "GOOGLE_OAUTH_CLIENT_SECRET"], expect=("gcp", "google"), source="doc: Google OAuth client secrets (GOCSPX-)", header=""),
    Fmt("azure-storage-key", "azure", "cloud", _azure_conn,
        ["AZURE_STORAGE_CONNECTION_STRING", "AzureWebJobsStorage", "STORAGE_CONNECTION_STRING"], context=True,
        source="doc: Azure Storage connection strings (AccountKey = base64 of 64 bytes)", header=""),
    Fmt("azure-storage-key-bare", "azure", "cloud", lambda r: b64(randbytes(r, 64)),
        ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "azure_storage_access_key"], context=True, header="",
        source="doc: Azure Storage account keys (88-char base64)"),
    Fmt("azure-ad-client-secret", "azure", "cloud", lambda r: _n(r, B62, 3) + _n(r, DIGITS, 1) + "Q~" + _n(r, B62 + "_~.-", 34),
        ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET", "azure_ad_client_secret"], context=True, header="", expect=("azure", "entra"),
        source="doc: Microsoft Entra client secrets (Q~ at offset 4, 40 chars)"),
    Fmt("alibaba-access-key-id", "alibaba", "cloud", lambda r: "LTAI" + _n(r, B62, 20),
        ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"], expect=("alibaba", "alicloud", "aliyun"), header="",
        source="doc: Alibaba Cloud AccessKey ID (LTAI, 24 chars)"),
    Fmt("alibaba-access-key-secret", "alibaba", "cloud", lambda r: _n(r, B62, 30),
        ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "aliyun_access_key_secret"], context=True,
        expect=("alibaba", "alicloud", "aliyun"), header="", source="doc: Alibaba Cloud AccessKey secret (30 chars)"),
    Fmt("ibm-cloud-api-key", "ibm", "cloud", lambda r: _n(r, B64URL, 44),
        ["IBMCLOUD_API_KEY", "IC_API_KEY", "IBM_CLOUD_API_KEY"], context=True, header="",
        source="doc: IBM Cloud API keys (44 chars)"),
    Fmt("oracle-oci-auth-token", "oracle", "cloud", lambda r: _n(r, ALPHA + DIGITS + "()[]{}<>:;._-#+", 20),
        ["OCI_AUTH_TOKEN", "ORACLE_CLOUD_AUTH_TOKEN", "oci_registry_auth_token"], context=True, expect=("oracle", "oci"), header="",
        source="doc: OCI auth tokens (20 random printable chars)", weight=10),
    Fmt("digitalocean-pat", "digitalocean", "cloud", lambda r: _pick(r, "dop_v1_", "dop_v1_", "doo_v1_", "dor_v1_") + _n(r, HEX, 64),
        ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DO_API_TOKEN"], host="https://api.digitalocean.com/v2/account",
        source="doc: DigitalOcean token prefixes dop_v1_/doo_v1_/dor_v1_ + 64 hex"),
    Fmt("linode-token", "linode", "cloud", lambda r: _n(r, HEX, 64),
        ["LINODE_TOKEN", "LINODE_API_TOKEN", "linode_cli_token"], context=True, host="https://api.linode.com/v4/profile",
        expect=("linode", "akamai"), source="doc: Linode personal access tokens (64 hex)"),
    Fmt("scaleway-access-key", "scaleway", "cloud", lambda r: "SCW" + _n(r, UPPER_ALNUM, 17),
        ["SCW_ACCESS_KEY", "SCALEWAY_ACCESS_KEY"], header="", weight=8, source="doc: Scaleway access keys (SCW + 17)"),
    Fmt("scaleway-secret-key", "scaleway", "cloud", uuid4,
        ["SCW_SECRET_KEY", "SCALEWAY_SECRET_KEY"], context=True, header="X-Auth-Token: {V}", host="https://api.scaleway.com/account/v3/projects",
        source="doc: Scaleway secret keys (UUID)"),
    # ---------------------------------------------------------------- hosting
    Fmt("cloudflare-api-token", "cloudflare", "hosting", lambda r: _n(r, B64URL, 40),
        ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN", "cloudflare_token"], context=True,
        host="https://api.cloudflare.com/client/v4/user/tokens/verify", source="doc: Cloudflare API tokens (40 chars, pre-2025)"),
    Fmt("cloudflare-global-api-key", "cloudflare", "hosting", lambda r: _n(r, HEX, 37),
        ["CLOUDFLARE_API_KEY", "CF_API_KEY", "cloudflare_global_api_key"], context=True, header="X-Auth-Key: {V}",
        host="https://api.cloudflare.com/client/v4/zones", source="doc: Cloudflare Global API key (37 hex)"),
    Fmt("cloudflare-scannable-token", "cloudflare", "hosting", lambda r: _pick(r, "cfut_", "cfat_", "cfk_") + _n(r, B62, 40) + _n(r, HEX, 8),
        ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"] + G, host="https://api.cloudflare.com/client/v4/user/tokens/verify",
        source="doc: developers.cloudflare.com token-formats (cfk_/cfut_/cfat_ + 40 + checksum; 8-hex checksum observed)"),
    Fmt("cloudflare-origin-ca-key", "cloudflare", "hosting", lambda r: "v1.0-" + _n(r, HEX, 24) + "-" + _n(r, HEX, 146),
        ["CF_ORIGIN_CA_KEY", "CLOUDFLARE_ORIGIN_CA_KEY"], header="X-Auth-User-Service-Key: {V}", weight=8,
        source="doc: Cloudflare Origin CA keys (v1.0-<24 hex>-<146 hex>)"),
    Fmt("fastly-api-token", "fastly", "hosting", lambda r: _n(r, B64URL, 32),
        ["FASTLY_API_TOKEN", "FASTLY_API_KEY", "fastly_token"], context=True, header="Fastly-Key: {V}",
        host="https://api.fastly.com/current_user", source="doc: Fastly API tokens (32 chars)"),
    Fmt("vercel-token", "vercel", "hosting", lambda r: _pick(r, "vcp_", "vci_", "vca_", "vcr_", "vck_") + _n(r, B62, 56),
        ["VERCEL_TOKEN", "VERCEL_API_TOKEN"] + G, host="https://api.vercel.com/v2/user",
        source="doc: vercel.com/changelog/new-token-formats-and-secret-scanning (prefixes); length 56 observed"),
    Fmt("vercel-legacy-token", "vercel", "hosting", lambda r: _n(r, B62, 24),
        ["VERCEL_TOKEN", "VERCEL_API_TOKEN", "vercel_access_token"], context=True, host="https://api.vercel.com/v2/user",
        source="observed: pre-2025 Vercel tokens (24 alphanumerics)", weight=8),
    Fmt("netlify-pat", "netlify", "hosting", lambda r: "nfp_" + _n(r, B62, 36),
        ["NETLIFY_AUTH_TOKEN", "NETLIFY_TOKEN"] + G, host="https://api.netlify.com/api/v1/sites",
        source="observed: Netlify personal access tokens nfp_ + 36", weight=10),
    Fmt("heroku-api-key", "heroku", "hosting", uuid4,
        ["HEROKU_API_KEY", "HEROKU_API_TOKEN", "heroku_auth_token"], context=True, host="https://api.heroku.com/apps",
        source="doc: Heroku API keys (UUID, pre-2024)"),
    Fmt("heroku-api-key-v2", "heroku", "hosting", lambda r: "HRKU-AA" + _n(r, B64URL, 58),
        ["HEROKU_API_KEY", "HEROKU_API_TOKEN"] + G, host="https://api.heroku.com/apps",
        source="observed: Heroku HRKU-AA + 58 (2024 format)", weight=8),
    Fmt("fly-token", "fly", "hosting", lambda r: "FlyV1 fm2_" + _n(r, B64, r.randrange(180, 300)) + ",fm2_" + _n(r, B64, r.randrange(120, 200)),
        ["FLY_API_TOKEN", "FLY_ACCESS_TOKEN"], expect=("fly", "flyio"), host="https://api.machines.dev/v1/apps",
        source="doc: fly.io macaroon tokens ('FlyV1 fm2_...', comma-separated)", weight=10),
    Fmt("render-api-key", "render", "hosting", lambda r: "rnd_" + _n(r, B62, 28),
        ["RENDER_API_KEY", "RENDER_TOKEN"] + G, host="https://api.render.com/v1/services",
        source="observed: Render API keys rnd_ + 28", weight=10),
    # ---------------------------------------------------------------- infra
    Fmt("vault-service-token", "vault", "infra", lambda r: _pick(r, "hvs.", "hvs.", "hvb.") + "CAESI" + _n(r, B64URL, r.randrange(85, 130)),
        ["VAULT_TOKEN", "VAULT_ROOT_TOKEN"] + G, expect=("vault", "hashicorp"), header="X-Vault-Token: {V}",
        host="https://vault.acme.internal:8200/v1/secret/data/app", source="doc: Vault 1.10 token prefixes hvs./hvb."),
    Fmt("vault-legacy-token", "vault", "infra", lambda r: "s." + _n(r, B62, 24),
        ["VAULT_TOKEN", "vault_token"], context=True, expect=("vault", "hashicorp"), header="X-Vault-Token: {V}",
        host="https://vault.acme.internal:8200/v1/sys/health", source="doc: pre-1.10 Vault service tokens (s. + 24)", weight=8),
    Fmt("terraform-cloud-token", "terraform", "infra", lambda r: _n(r, LOWER_ALNUM, 14) + ".atlasv1." + _n(r, B62, 67),
        ["TFE_TOKEN", "TF_TOKEN_app_terraform_io", "ATLAS_TOKEN"] + G, expect=("terraform", "hashicorp", "tfc"),
        host="https://app.terraform.io/api/v2/account/details", source="doc: Terraform Cloud API tokens (<14>.atlasv1.<67>)"),
    Fmt("pulumi-token", "pulumi", "infra", lambda r: "pul-" + _n(r, HEX, 40),
        ["PULUMI_ACCESS_TOKEN"] + G, host="https://api.pulumi.com/api/user", header="Authorization: token {V}",
        source="doc: Pulumi access tokens (pul- + 40 hex)"),
    Fmt("doppler-token", "doppler", "infra", lambda r: _pick(r, "dp.pt.", "dp.st.", "dp.st.prd.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit.") + _n(r, B62, 43),
        ["DOPPLER_TOKEN", "DOPPLER_SERVICE_TOKEN"] + G, host="https://api.doppler.com/v3/me",
        source="doc: Doppler token prefixes dp.pt./dp.st./dp.sa./dp.ct./dp.scim./dp.audit."),
    Fmt("1password-service-account", "1password", "infra", _onepassword_sa,
        ["OP_SERVICE_ACCOUNT_TOKEN"], expect=("1password", "onepassword"), header="", weight=10,
        source="doc: 1Password service account tokens (ops_ + base64url JSON)"),
    Fmt("1password-secret-key", "1password", "infra",
        lambda r: "A3-" + "-".join([_n(r, UPPER_ALNUM, 6), _n(r, UPPER_ALNUM, 6)] + [_n(r, UPPER_ALNUM, 5) for _ in range(5)]),
        ["OP_SECRET_KEY", "ONEPASSWORD_SECRET_KEY", "op_secret_key"], expect=("1password", "onepassword"), header="", weight=8,
        source="doc: 1Password Secret Key (A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)"),
    # ---------------------------------------------------------------- vcs
    Fmt("github-classic", "github", "vcs", lambda r: crc32_token(r, _pick(r, "ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
        ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"] + G, host="https://api.github.com/user", weight=24,
        source="doc: github.blog 2021-04-05 (prefix + 30 base62 + 6-char base62 CRC32)"),
    Fmt("github-fine-grained", "github", "vcs", lambda r: "github_pat_" + _n(r, B62, 22) + "_" + _n(r, B62, 59),
        ["GITHUB_TOKEN", "GH_TOKEN"] + G, host="https://api.github.com/user", source="doc: fine-grained PATs (github_pat_<22>_<59>)"),
    Fmt("gitlab-token", "gitlab", "vcs", lambda r: _pick(r, "glpat-", "glpat-", "gldt-", "glrt-", "glft-", "glsoat-", "glimt-") + _n(r, B64URL, 20),
        ["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_TOKEN_OVERRIDE"] + G, header="PRIVATE-TOKEN: {V}",
        host="https://gitlab.com/api/v4/user", weight=20, source="doc: GitLab token prefixes (docs.gitlab.com security/tokens; 20-char legacy body)"),
    Fmt("gitlab-other", "gitlab", "vcs", lambda r: _pick(r, "glptt-" + _n(r, HEX, 40), "gloas-" + _n(r, B64URL, 64), "glagent-" + _n(r, B64URL, 50),
                                                    "GR1348941" + _n(r, B64URL, 20)),
        ["GITLAB_TOKEN", "GITLAB_TRIGGER_TOKEN", "GITLAB_RUNNER_REGISTRATION_TOKEN"] + G, header="", weight=12,
        source="doc: GitLab trigger (glptt-), OAuth secret (gloas-), agent (glagent-), runner registration (GR1348941)"),
    Fmt("bitbucket-app-password", "bitbucket", "vcs", lambda r: "ATBB" + _n(r, B62, 24) + _n(r, HEX_UPPER, 8),
        ["BITBUCKET_APP_PASSWORD", "BITBUCKET_TOKEN", "bb_app_password"], header="", weight=12,
        source="observed: Bitbucket app passwords ATBB + 24 + 8 hex checksum"),
    Fmt("azure-devops-pat", "azure-devops", "vcs",
        lambda r: _n(r, B62, 52) + "JQQJ99" + _pick(r, "A", "B") + _pick(r, *"ABCDEFGHIJKL") + _n(r, B62, 16) + "AZDO" + _n(r, B62, 4),
        ["AZURE_DEVOPS_PAT", "AZURE_DEVOPS_EXT_PAT", "ADO_TOKEN", "SYSTEM_ACCESSTOKEN"], expect=("azure-devops", "azuredevops", "azure"),
        header="", source="doc: Microsoft Purview SIT (84 chars, AZDO at 76-80); JQQJ99 signature at 52 observed in public samples"),
    Fmt("azure-devops-pat-legacy", "azure-devops", "vcs", lambda r: _n(r, BASE32_LOWER, 52),
        ["AZURE_DEVOPS_PAT", "AZURE_DEVOPS_EXT_PAT", "azure_devops_token"], context=True,
        expect=("azure-devops", "azuredevops", "azure"), header="", source="doc: pre-2024 Azure DevOps PATs (52 base32)"),
    # ---------------------------------------------------------------- ci
    Fmt("circleci-token", "circleci", "ci", lambda r: _pick(r, "CCIPAT_", "CCIPRJ_") + _n(r, B58, 22) + "_" + _n(r, HEX, 40),
        ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"] + G, header="Circle-Token: {V}", host="https://circleci.com/api/v2/me",
        source="doc: CircleCI API v2 tokens (CCIPAT_/CCIPRJ_ <22>_<40 hex>); base58 body observed in public samples"),
    Fmt("circleci-legacy-token", "circleci", "ci", lambda r: _n(r, HEX, 40),
        ["CIRCLECI_TOKEN", "CIRCLE_TOKEN", "circleci_api_token"], context=True, header="Circle-Token: {V}",
        host="https://circleci.com/api/v2/me", source="doc: legacy CircleCI personal tokens (40 hex)", weight=8),
    Fmt("travis-token", "travis", "ci", lambda r: _n(r, B64URL, 22),
        ["TRAVIS_API_TOKEN", "TRAVIS_TOKEN", "travis_ci_token"], context=True, header="Authorization: token {V}",
        host="https://api.travis-ci.com/user", expect=("travis", "travisci"), source="doc: Travis CI API tokens (22 chars)"),
    Fmt("buildkite-token", "buildkite", "ci", lambda r: "bkua_" + _n(r, HEX, 40),
        ["BUILDKITE_API_TOKEN", "BUILDKITE_TOKEN"] + G, host="https://api.buildkite.com/v2/user",
        source="doc: Buildkite API access tokens (bkua_ + 40 hex)"),
    Fmt("jenkins-api-token", "jenkins", "ci", lambda r: "11" + _n(r, HEX, 32),
        ["JENKINS_API_TOKEN", "JENKINS_TOKEN", "jenkins_user_token"], context=True, header="",
        source="doc: Jenkins API tokens (11 + 32 hex)"),
    Fmt("drone-token", "drone", "ci", lambda r: _n(r, B62, 32),
        ["DRONE_TOKEN", "DRONE_API_TOKEN"], context=True, host="https://drone.acme.io/api/user",
        source="doc: Drone user tokens (32 chars)", weight=10),
    # ---------------------------------------------------------------- packages
    Fmt("npm-token", "npm", "packages", lambda r: crc32_token(r, "npm_"),
        ["NPM_TOKEN", "NODE_AUTH_TOKEN", "NPM_AUTH_TOKEN"] + G, host="https://registry.npmjs.org/-/whoami",
        source="doc: github.blog changelog 2021-09-23 (npm_ + 30 + CRC32, as GitHub)"),
    Fmt("pypi-token", "pypi", "packages", lambda r: _pypi(r, test=r.random() < 0.2),
        ["PYPI_TOKEN", "PYPI_API_TOKEN", "TWINE_PASSWORD"], header="", source="doc: PyPI API tokens (pypi- + macaroon, AgEIcHlwaS5vcmc)"),
    Fmt("rubygems-key", "rubygems", "packages", lambda r: "rubygems_" + _n(r, HEX, 48),
        ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"] + G, header="Authorization: {V}", host="https://rubygems.org/api/v1/gems",
        source="doc: RubyGems API keys (rubygems_ + 48 hex)"),
    Fmt("nuget-key", "nuget", "packages", lambda r: "oy2" + _n(r, LOWER_ALNUM, 43),
        ["NUGET_API_KEY", "NUGET_KEY"] + G, header="X-NuGet-ApiKey: {V}", host="https://www.nuget.org/api/v2/package",
        source="doc: NuGet.org API keys (oy2 + 43)"),
    Fmt("cratesio-token", "cratesio", "packages", lambda r: "cio" + _n(r, B62, 32),
        ["CARGO_REGISTRY_TOKEN", "CRATES_IO_TOKEN"] + G, header="Authorization: {V}", host="https://crates.io/api/v1/me",
        expect=("cratesio", "crates"), source="doc: crates.io API tokens (cio + 32)"),
    # ---------------------------------------------------------------- registries
    Fmt("dockerhub-token", "docker", "registries", lambda r: _pick(r, "dckr_pat_", "dckr_pat_", "dckr_oat_") + _n(r, B64URL, 27),
        ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD", "DOCKER_HUB_ACCESS_TOKEN"] + G, expect=("docker", "dockerhub"), header="",
        source="doc: Docker Hub access tokens (dckr_pat_/dckr_oat_)"),
    Fmt("jfrog-api-key", "jfrog", "registries", lambda r: "AKCp" + _n(r, B62, 69),
        ["ARTIFACTORY_API_KEY", "JFROG_API_KEY"] + G, header="X-JFrog-Art-Api: {V}", expect=("jfrog", "artifactory"),
        host="https://acme.jfrog.io/artifactory/api/repositories", source="doc: Artifactory API keys (AKCp + 69)", weight=10),
    Fmt("jfrog-reference-token", "jfrog", "registries", _jfrog_reference,
        ["JFROG_ACCESS_TOKEN", "ARTIFACTORY_ACCESS_TOKEN", "jfrog_token"], context=True, expect=("jfrog", "artifactory"),
        host="https://acme.jfrog.io/artifactory/api/system/ping", source="doc: JFrog reference tokens (base64 of reftkn:01:...)", weight=10),
    # ---------------------------------------------------------------- payments
    Fmt("stripe-secret", "stripe", "payments", lambda r: _pick(r, "sk_live_", "sk_test_", "rk_live_", "rk_test_") + _n(r, B62, _pick(r, 24, 99)),
        ["STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_RESTRICTED_KEY"] + G, host="https://api.stripe.com/v1/charges", weight=20,
        source="doc: Stripe API keys (sk_/rk_ live/test; 24 or 99 chars)"),
    Fmt("stripe-webhook-secret", "stripe", "payments", lambda r: "whsec_" + _n(r, B62, 32),
        ["STRIPE_WEBHOOK_SECRET", "STRIPE_SIGNING_SECRET"], header="", source="doc: Stripe webhook signing secrets (whsec_)"),
    Fmt("square-token", "square", "payments", lambda r: _pick(r, "sq0atp-" + _n(r, B64URL, 22), "sq0csp-" + _n(r, B64URL, 43), "EAAA" + _n(r, B64URL, 60)),
        ["SQUARE_ACCESS_TOKEN", "SQUARE_APPLICATION_SECRET", "square_token"], host="https://connect.squareup.com/v2/locations",
        source="doc: Square tokens (sq0atp-, sq0csp-, EAAA access tokens)"),
    Fmt("braintree-access-token", "braintree", "payments", lambda r: f"access_token${_pick(r, 'production', 'sandbox')}${_n(r, LOWER_ALNUM, 16)}${_n(r, HEX, 32)}",
        ["BRAINTREE_ACCESS_TOKEN", "PAYPAL_ACCESS_TOKEN"] + G, expect=("braintree", "paypal"), header="",
        source="doc: Braintree/PayPal access tokens (access_token$env$id$hex)"),
    Fmt("paypal-client-secret", "paypal", "payments", lambda r: "E" + _n(r, B64URL, 79),
        ["PAYPAL_CLIENT_SECRET", "PAYPAL_SECRET", "paypal_client_secret"], context=True, expect=("paypal", "braintree"), header="",
        source="observed: PayPal REST client secrets (80 chars)", weight=10),
    Fmt("braintree-private-key", "braintree", "payments", lambda r: _n(r, HEX, 32),
        ["BRAINTREE_PRIVATE_KEY", "braintree_private_key"], context=True, expect=("braintree", "paypal"), header="",
        source="doc: Braintree API private keys (32 hex)", weight=8),
    Fmt("adyen-api-key", "adyen", "payments", _adyen,
        ["ADYEN_API_KEY", "adyen_api_key", "AdyenApiKey"], context=True, header="X-API-Key: {V}",
        host="https://checkout-test.adyen.com/v71/paymentMethods", source="observed: Adyen API keys (AQE...==-<base64>=-<16 chars>)", weight=10),
    # ---------------------------------------------------------------- fintech
    Fmt("razorpay-key-secret", "razorpay", "fintech", lambda r: _n(r, B62, 24),
        ["RAZORPAY_KEY_SECRET", "RAZORPAY_SECRET", "razorpay_api_secret"], context=True, header="",
        source="doc: Razorpay key secret (24 chars; key id rzp_live_/rzp_test_ + 14)"),
    Fmt("razorpay-pair", "razorpay", "fintech", lambda r: f"rzp_{_pick(r, 'live', 'test')}_{_n(r, B62, 14)}:{_n(r, B62, 24)}",
        ["RAZORPAY_CREDENTIALS", "RAZORPAY_AUTH"], header="", weight=8, source="doc: Razorpay basic-auth key_id:key_secret"),
    Fmt("coinbase-api-secret", "coinbase", "fintech", lambda r: _n(r, B62, 32),
        ["COINBASE_API_SECRET", "COINBASE_SECRET", "coinbase_api_secret"], context=True, header="",
        source="doc: legacy Coinbase API key secrets (32 chars)", weight=10),
    Fmt("plaid-secret", "plaid", "fintech", lambda r: _n(r, HEX, 30),
        ["PLAID_SECRET", "PLAID_SANDBOX_SECRET", "plaid_secret"], context=True, header="",
        source="doc: Plaid secrets (30 hex)"),
    Fmt("plaid-access-token", "plaid", "fintech", lambda r: f"access-{_pick(r, 'sandbox', 'development', 'production')}-{uuid4(r)}",
        ["PLAID_ACCESS_TOKEN"] + G, header="", source="doc: Plaid access tokens (access-<env>-<uuid>)", weight=10),
    # ---------------------------------------------------------------- chat
    Fmt("slack-token", "slack", "chat",
        lambda r: _pick(r, f"xoxb-{r.randrange(10**10, 10**13)}-{r.randrange(10**10, 10**13)}-{_n(r, B62, 24)}",
                        f"xoxp-{r.randrange(10**10, 10**13)}-{r.randrange(10**10, 10**13)}-{r.randrange(10**10, 10**13)}-{_n(r, HEX, 32)}",
                        f"xapp-1-A{_n(r, UPPER_ALNUM, 10)}-{r.randrange(10**12, 10**13)}-{_n(r, HEX, 64)}"),
        ["SLACK_BOT_TOKEN", "SLACK_TOKEN", "SLACK_APP_TOKEN"] + G, host="https://slack.com/api/auth.test", weight=18,
        source="doc: Slack token types (xoxb-, xoxp-, xapp-)"),
    Fmt("slack-webhook", "slack", "chat", _slack_webhook, ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK", "webhook_url"], header="",
        source="doc: Slack incoming webhooks (hooks.slack.com/services/T../B../<24>)"),
    Fmt("discord-bot-token", "discord", "chat", _discord_bot, ["DISCORD_BOT_TOKEN", "DISCORD_TOKEN", "discord_token"], context=True,
        header="Authorization: Bot {V}", host="https://discord.com/api/v10/users/@me",
        source="doc: Discord bot tokens (base64 user id . 6 . 27+)"),
    Fmt("discord-webhook", "discord", "chat", _discord_webhook, ["DISCORD_WEBHOOK_URL", "DISCORD_WEBHOOK"], header="",
        source="doc: Discord webhooks (/api/webhooks/<id>/<68>)"),
    Fmt("telegram-bot-token", "telegram", "chat", lambda r: f"{r.randrange(10**8, 10**10)}:AA{_n(r, B64URL, 33)}",
        ["TELEGRAM_BOT_TOKEN", "TELEGRAM_TOKEN", "telegram_api_token"], header="",
        query="https://api.telegram.org/bot{V}/sendMessage?chat_id=-100123456&text=deploy+done",
        source="doc: Telegram Bot API tokens (<bot id>:AA<33>)"),
    Fmt("teams-webhook", "teams", "chat", _teams_webhook, ["TEAMS_WEBHOOK_URL", "MS_TEAMS_WEBHOOK", "teams_webhook"],
        expect=("teams", "microsoft-teams", "msteams"), header="", source="doc: Teams incoming webhooks (webhook.office.com/webhookb2/...)"),
    # ---------------------------------------------------------------- messaging
    Fmt("twilio-auth-token", "twilio", "messaging", lambda r: _n(r, HEX, 32),
        ["TWILIO_AUTH_TOKEN", "twilio_auth_token", "TWILIO_TOKEN"], context=True, header="",
        source="doc: Twilio auth tokens (32 hex)"),
    Fmt("twilio-api-secret", "twilio", "messaging", lambda r: _n(r, B62, 32),
        ["TWILIO_API_SECRET", "twilio_api_secret"], context=True, header="", source="doc: Twilio API key secrets (32 chars)", weight=10),
    # ---------------------------------------------------------------- email
    Fmt("sendgrid-key", "sendgrid", "email", lambda r: "SG." + _n(r, B64URL, 22) + "." + _n(r, B64URL, 43),
        ["SENDGRID_API_KEY", "SENDGRID_KEY"] + G, host="https://api.sendgrid.com/v3/mail/send",
        source="doc: SendGrid API keys (SG.<22>.<43>)"),
    Fmt("mailgun-key", "mailgun", "email", lambda r: _pick(r, "key-" + _n(r, HEX, 32), f"{_n(r, HEX, 32)}-{_n(r, HEX, 8)}-{_n(r, HEX, 8)}"),
        ["MAILGUN_API_KEY", "MAILGUN_KEY", "mailgun_private_key"], context=True, header="",
        source="doc: Mailgun API keys (key-<32 hex>, <32>-<8>-<8>)"),
    Fmt("mailchimp-key", "mailchimp", "email", lambda r: _n(r, HEX, 32) + f"-us{r.randrange(1, 22)}",
        ["MAILCHIMP_API_KEY", "MAILCHIMP_KEY", "mc_api_key"], header="", source="doc: Mailchimp API keys (<32 hex>-us<dc>)"),
    Fmt("postmark-token", "postmark", "email", uuid4, ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN", "postmark_token"], context=True,
        header="X-Postmark-Server-Token: {V}", host="https://api.postmarkapp.com/email", source="doc: Postmark server tokens (UUID)"),
    # ---------------------------------------------------------------- ai
    Fmt("openai-key", "openai", "ai", _openai, ["OPENAI_API_KEY", "OPENAI_KEY"] + G, host="https://api.openai.com/v1/models", weight=18,
        source="doc: OpenAI keys (sk-, sk-proj-, sk-svcacct-, sk-admin-, with T3BlbkFJ)"),
    Fmt("anthropic-key", "anthropic", "ai", lambda r: _pick(r, "sk-ant-api03-", "sk-ant-api03-", "sk-ant-admin01-") + _n(r, B64URL, 93) + "AA",
        ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"] + G, header="x-api-key: {V}", host="https://api.anthropic.com/v1/messages",
        source="doc: Anthropic API keys (sk-ant-api03-/sk-ant-admin01-, 108 chars)"),
    Fmt("huggingface-token", "huggingface", "ai", lambda r: _pick(r, "hf_", "hf_", "api_org_") + _n(r, ALPHA, 34),
        ["HF_TOKEN", "HUGGINGFACE_TOKEN", "HUGGING_FACE_HUB_TOKEN"] + G, host="https://huggingface.co/api/whoami-v2",
        source="doc: Hugging Face tokens (hf_ + 34 letters; api_org_)"),
    Fmt("cohere-key", "cohere", "ai", lambda r: _n(r, B62, 40), ["COHERE_API_KEY", "CO_API_KEY", "cohere_api_key"], context=True,
        host="https://api.cohere.com/v1/chat", source="doc: Cohere API keys (40 chars)"),
    Fmt("groq-key", "groq", "ai", lambda r: "gsk_" + _n(r, B62, 52), ["GROQ_API_KEY"] + G, host="https://api.groq.com/openai/v1/models",
        source="doc: Groq API keys (gsk_ + 52)"),
    Fmt("replicate-token", "replicate", "ai", lambda r: "r8_" + _n(r, B62, 37), ["REPLICATE_API_TOKEN"] + G,
        host="https://api.replicate.com/v1/account", source="doc: Replicate API tokens (r8_ + 37)"),
    Fmt("mistral-key", "mistral", "ai", lambda r: _n(r, B62, 32), ["MISTRAL_API_KEY", "mistral_api_key"], context=True,
        host="https://api.mistral.ai/v1/models", source="doc: Mistral API keys (32 chars)"),
    Fmt("perplexity-key", "perplexity", "ai", lambda r: "pplx-" + _n(r, B62, 48), ["PERPLEXITY_API_KEY", "PPLX_API_KEY"] + G,
        host="https://api.perplexity.ai/chat/completions", source="observed: Perplexity API keys (pplx- + 48)"),
    Fmt("xai-key", "xai", "ai", lambda r: "xai-" + _n(r, B62, 80), ["XAI_API_KEY", "GROK_API_KEY"] + G,
        host="https://api.x.ai/v1/models", source="observed: xAI API keys (xai- + 80)"),
    Fmt("deepseek-key", "deepseek", "ai", lambda r: "sk-" + _n(r, HEX, 32), ["DEEPSEEK_API_KEY", "deepseek_api_key"], context=True,
        host="https://api.deepseek.com/chat/completions", source="observed: DeepSeek API keys (sk- + 32 hex)"),
    # ---------------------------------------------------------------- observability
    Fmt("datadog-api-key", "datadog", "observability", lambda r: _n(r, HEX, 32), ["DATADOG_API_KEY", "DD_API_KEY", "datadog_api_key"],
        context=True, header="DD-API-KEY: {V}", host="https://api.datadoghq.com/api/v1/validate", weight=16,
        source="doc: Datadog API keys (32 hex)"),
    Fmt("datadog-app-key", "datadog", "observability", lambda r: _n(r, HEX, 40), ["DATADOG_APP_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY"],
        context=True, header="DD-APPLICATION-KEY: {V}", host="https://api.datadoghq.com/api/v1/dashboard",
        source="doc: Datadog application keys (40 hex)"),
    Fmt("newrelic-key", "newrelic", "observability",
        lambda r: _pick(r, "NRAK-" + _n(r, UPPER_ALNUM, 27), _n(r, HEX, 36) + "NRAL", "NRII-" + _n(r, B64URL, 32), "NRJS-" + _n(r, HEX, 19)),
        ["NEW_RELIC_API_KEY", "NEW_RELIC_LICENSE_KEY", "NEW_RELIC_INSERT_KEY"], expect=("newrelic", "new-relic"), header="Api-Key: {V}",
        host="https://api.newrelic.com/graphql", weight=16, source="doc: New Relic keys (NRAK-, ...NRAL license, NRII-, NRJS-)"),
    Fmt("sentry-token", "sentry", "observability", lambda r: _pick(r, _sentry_org_token(r), "sntryu_" + _n(r, HEX, 64)),
        ["SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"] + G, host="https://sentry.io/api/0/organizations/",
        source="doc: Sentry auth tokens (sntrys_ org tokens, sntryu_ user tokens)"),
    Fmt("grafana-token", "grafana", "observability", lambda r: _pick(r, "glsa_" + _n(r, B62, 32) + "_" + _n(r, HEX, 8), _grafana_cloud(r)),
        ["GRAFANA_SERVICE_ACCOUNT_TOKEN", "GRAFANA_API_KEY", "GRAFANA_CLOUD_TOKEN"] + G, host="https://grafana.acme.io/api/dashboards/home",
        source="doc: Grafana service account tokens (glsa_) and Grafana Cloud tokens (glc_)"),
    Fmt("honeycomb-ingest-key", "honeycomb", "observability", _honeycomb_ingest, ["HONEYCOMB_API_KEY", "HONEYCOMB_INGEST_KEY"] + G,
        header="x-honeycomb-team: {V}", host="https://api.honeycomb.io/1/auth", source="doc: Honeycomb ingest keys (hcaik_, 64 chars)", weight=10),
    Fmt("honeycomb-config-key", "honeycomb", "observability", lambda r: _pick(r, _n(r, B62, 22), _n(r, HEX, 32)),
        ["HONEYCOMB_API_KEY", "HONEYCOMB_WRITEKEY", "honeycomb_key"], context=True, header="X-Honeycomb-Team: {V}",
        host="https://api.honeycomb.io/1/auth", source="doc: Honeycomb configuration keys (22 chars) and classic keys (32 hex)", weight=10),
    Fmt("pagerduty-token", "pagerduty", "observability", lambda r: _pick(r, "u+" + _n(r, B64URL + "+", 18), _n(r, B64URL + "+", 20)),
        ["PAGERDUTY_API_KEY", "PAGERDUTY_TOKEN", "pagerduty_api_token"], context=True, header="Authorization: Token token={V}",
        host="https://api.pagerduty.com/incidents", source="doc: PagerDuty REST API keys (20 chars; user tokens u+...)"),
    Fmt("pagerduty-routing-key", "pagerduty", "observability", lambda r: _n(r, HEX, 32),
        ["PAGERDUTY_INTEGRATION_KEY", "PAGERDUTY_ROUTING_KEY", "pagerduty_service_key"], context=True, header="",
        source="doc: PagerDuty Events API v2 routing keys (32 hex)", weight=8),
    # ---------------------------------------------------------------- saas
    Fmt("atlassian-api-token", "atlassian", "saas", lambda r: "ATATT3xFfGF0" + _n(r, B64URL, 171) + "=" + _n(r, HEX_UPPER, 8),
        ["ATLASSIAN_API_TOKEN", "JIRA_API_TOKEN", "CONFLUENCE_API_TOKEN"] + G, expect=("atlassian", "jira", "confluence"), header="",
        source="observed: Atlassian API tokens (ATATT3xFfGF0..., =<8 hex> checksum, 192 chars)"),
    Fmt("jira-legacy-token", "atlassian", "saas", lambda r: _n(r, B62, 24), ["JIRA_API_TOKEN", "jira_api_token", "ATLASSIAN_TOKEN"],
        context=True, expect=("atlassian", "jira", "confluence"), header="", source="doc: pre-2023 Atlassian API tokens (24 chars)", weight=8),
    Fmt("notion-token", "notion", "saas", lambda r: _pick(r, "secret_" + _n(r, B62, 43), "ntn_" + _n(r, DIGITS, 11) + _n(r, B62, 35)),
        ["NOTION_TOKEN", "NOTION_API_KEY", "NOTION_INTEGRATION_SECRET"] + G, host="https://api.notion.com/v1/users/me",
        source="doc: Notion integration secrets (secret_ + 43; ntn_ since 2024)"),
    Fmt("airtable-pat", "airtable", "saas", lambda r: "pat" + _n(r, B62, 14) + "." + _n(r, HEX, 64),
        ["AIRTABLE_API_KEY", "AIRTABLE_TOKEN", "AIRTABLE_PAT"] + G, host="https://api.airtable.com/v0/meta/whoami",
        source="doc: Airtable personal access tokens (pat<14>.<64 hex>)"),
    Fmt("asana-pat", "asana", "saas", lambda r: _pick(r, f"1/{r.randrange(10**15, 10**16)}:{_n(r, HEX, 32)}",
                                                   f"2/{r.randrange(10**15, 10**16)}/{r.randrange(10**15, 10**16)}:{_n(r, HEX, 32)}"),
        ["ASANA_ACCESS_TOKEN", "ASANA_PAT", "ASANA_TOKEN"], host="https://app.asana.com/api/1.0/users/me",
        source="doc: Asana personal access tokens (1/<id>:<32 hex>, 2/<id>/<id>:<32 hex>)"),
    Fmt("linear-key", "linear", "saas", lambda r: "lin_api_" + _n(r, B62, 40), ["LINEAR_API_KEY"] + G, header="Authorization: {V}",
        host="https://api.linear.app/graphql", source="doc: Linear API keys (lin_api_ + 40)"),
    Fmt("shopify-token", "shopify", "saas", lambda r: _pick(r, "shpat_", "shpca_", "shppa_", "shpss_") + _n(r, HEX, 32),
        ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET", "SHOPIFY_ADMIN_TOKEN"] + G, header="X-Shopify-Access-Token: {V}",
        host="https://acme-store.myshopify.com/admin/api/2024-01/shop.json", source="doc: Shopify tokens (shpat_/shpca_/shppa_/shpss_ + 32 hex)"),
    Fmt("hubspot-private-app", "hubspot", "saas", lambda r: f"pat-{_pick(r, 'na1', 'eu1', 'na2')}-{uuid4(r)}",
        ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_PRIVATE_APP_TOKEN"] + G, host="https://api.hubapi.com/crm/v3/objects/contacts",
        source="doc: HubSpot private app tokens (pat-<region>-<uuid>)"),
    Fmt("salesforce-access-token", "salesforce", "saas", lambda r: "00D" + _n(r, B62, 12) + "!" + _n(r, B62 + "._", 96),
        ["SALESFORCE_ACCESS_TOKEN", "SF_ACCESS_TOKEN", "SFDC_SESSION_ID"], host="https://acme.my.salesforce.com/services/data/v59.0/sobjects",
        source="doc: Salesforce session IDs / access tokens (00D<org>!<...>)"),
    Fmt("okta-api-token", "okta", "saas", lambda r: "00" + _n(r, B64URL, 40), ["OKTA_API_TOKEN", "OKTA_TOKEN", "okta_api_key"], context=True,
        header="Authorization: SSWS {V}", host="https://acme.okta.com/api/v1/users?limit=1", source="doc: Okta API tokens (42 chars, 00...)"),
    Fmt("auth0-client-secret", "auth0", "saas", lambda r: _n(r, B64URL, 64), ["AUTH0_CLIENT_SECRET", "auth0_client_secret"], context=True,
        header="", source="doc: Auth0 client secrets (64 chars)"),
    Fmt("twitch-secret", "twitch", "saas", lambda r: _pick(r, _n(r, LOWER_ALNUM, 30), "oauth:" + _n(r, LOWER_ALNUM, 30)),
        ["TWITCH_CLIENT_SECRET", "TWITCH_OAUTH_TOKEN", "twitch_access_token"], context=True, header="",
        source="doc: Twitch client secrets and OAuth tokens (30 lowercase alphanumerics)"),
    Fmt("dropbox-token", "dropbox", "saas", lambda r: _pick(r, "sl." + _n(r, B64URL, 135), "sl.u." + _n(r, B64URL, 140),
                                                       _n(r, B62, 11) + "AAAAAAAAAA" + _n(r, B64URL, 43)),
        ["DROPBOX_ACCESS_TOKEN", "DROPBOX_TOKEN"], host="https://api.dropboxapi.com/2/users/get_current_account",
        source="doc: Dropbox short-lived (sl.) and long-lived tokens"),
    Fmt("box-token", "box", "saas", lambda r: _n(r, B62, 32), ["BOX_DEVELOPER_TOKEN", "BOX_CLIENT_SECRET", "box_access_token"], context=True,
        host="https://api.box.com/2.0/users/me", source="doc: Box developer tokens and client secrets (32 chars)"),
    Fmt("figma-token", "figma", "saas", lambda r: "figd_" + _n(r, B64URL, 40), ["FIGMA_TOKEN", "FIGMA_ACCESS_TOKEN"] + G,
        header="X-Figma-Token: {V}", host="https://api.figma.com/v1/me", source="doc: Figma personal access tokens (figd_); length observed"),
    Fmt("contentful-token", "contentful", "saas", lambda r: "CFPAT-" + _n(r, B64URL, 43), ["CONTENTFUL_MANAGEMENT_TOKEN", "CONTENTFUL_PAT"] + G,
        host="https://api.contentful.com/spaces", source="doc: Contentful personal access tokens (CFPAT- + 43)"),
    Fmt("contentful-delivery-token", "contentful", "saas", lambda r: _n(r, B64URL, 43),
        ["CONTENTFUL_ACCESS_TOKEN", "CONTENTFUL_DELIVERY_TOKEN", "contentful_preview_token"], context=True,
        host="https://cdn.contentful.com/spaces/abc123/entries", source="doc: Contentful delivery/preview tokens (43 chars)", weight=8),
    Fmt("algolia-admin-key", "algolia", "saas", lambda r: _n(r, HEX, 32), ["ALGOLIA_ADMIN_KEY", "ALGOLIA_API_KEY", "algolia_admin_api_key"],
        context=True, header="X-Algolia-API-Key: {V}", host="https://ABCD1234EF.algolia.net/1/keys", source="doc: Algolia API keys (32 hex)"),
    Fmt("mapbox-secret-token", "mapbox", "saas", _mapbox_secret, ["MAPBOX_SECRET_TOKEN", "MAPBOX_ACCESS_TOKEN", "MAPBOX_DOWNLOADS_TOKEN"],
        header="", query="https://api.mapbox.com/tokens/v2?access_token={V}", source="doc: Mapbox secret tokens (sk.<base64url JSON>.<22>)"),
    # ---------------------------------------------------------------- data
    Fmt("databricks-token", "databricks", "data", lambda r: "dapi" + _n(r, HEX, 32) + _pick(r, "", "", "-2", "-3"),
        ["DATABRICKS_TOKEN", "DATABRICKS_HOST_TOKEN"] + G, host="https://adb-1234567890123456.7.azuredatabricks.net/api/2.0/clusters/list",
        source="doc: Databricks personal access tokens (dapi + 32 hex)"),
    Fmt("supabase-token", "supabase", "data", lambda r: _pick(r, "sbp_" + _n(r, HEX, 40), "sb_secret_" + _n(r, B64URL, 31)),
        ["SUPABASE_ACCESS_TOKEN", "SUPABASE_SECRET_KEY", "SUPABASE_SERVICE_KEY"] + G, host="https://api.supabase.com/v1/projects",
        source="doc: Supabase personal access tokens (sbp_) and secret API keys (sb_secret_)"),
    Fmt("supabase-service-role", "supabase", "data", _supabase_service_role, ["SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_SERVICE_KEY"],
        context=True, expect=("supabase", "jwt"), header="", source="doc: Supabase legacy service_role key (JWT)", weight=8),
    Fmt("planetscale-token", "planetscale", "data", lambda r: _pick(r, "pscale_pw_", "pscale_tkn_", "pscale_oauth_") + _n(r, B64URL, 43),
        ["PLANETSCALE_SERVICE_TOKEN", "DATABASE_PASSWORD", "PSCALE_TOKEN"] + G, header="",
        source="doc: PlanetScale passwords and tokens (pscale_pw_/pscale_tkn_/pscale_oauth_)"),
    Fmt("mongodb-atlas-private-key", "mongodb-atlas", "data", uuid4,
        ["MONGODB_ATLAS_PRIVATE_KEY", "ATLAS_PRIVATE_KEY", "mongodb_atlas_api_private_key"], context=True, expect=("mongodb", "atlas"),
        header="", source="doc: MongoDB Atlas programmatic API private keys (UUID)", weight=10),
    Fmt("snowflake-password", "snowflake", "data", lambda r: _n(r, B62 + "!#%*_-", 20),
        ["SNOWFLAKE_PASSWORD", "snowflake_password", "SNOWSQL_PWD"], context=True, expect=("snowflake", "password", "generic"), header="",
        source="doc: Snowflake has no token format; passwords only by name", weight=8),
]

# Providers issue 4 lists whose credential format we could not establish from documentation
# or consistent public samples. Covered only through their generic forms, if at all.
SKIPPED = {
    "snowflake (programmatic access tokens)": "format of 2025 PATs not published; covered by passwords, URLs and key-pair PEMs",
    "sentry DSN": "DSNs carry a public client key that Sentry documents as safe to embed; not a secret",
    "gitlab routable tokens": "the 2024 routable glpat- body (base64 + crc) is not fully specified; legacy 20-char bodies used",
    "netlify legacy tokens": "pre-nfp_ length/alphabet undocumented (scanners disagree: 40-46 vs 64 hex)",
}
