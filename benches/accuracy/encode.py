"""Encodings the token formats are built from: alphabets, base62 checksums, DER, PEM, JWT.

Everything takes a `random.Random`, so the corpus is the same for the same seed. Nothing here
knows keyscout's rules: formats are built from what the providers document (see formats.py).
"""

import base64
import json
import string
import struct
import zlib

DIGITS = string.digits
HEX = "0123456789abcdef"
HEX_UPPER = "0123456789ABCDEF"
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALPHA = string.ascii_letters
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BASE32_UPPER = string.ascii_uppercase + "234567"
BASE32_LOWER = string.ascii_lowercase + "234567"
CROCKFORD_LOWER = "0123456789abcdefghjkmnpqrstvwxyz"


def pick(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b62_encode(value, width):
    """Base62 (0-9A-Za-z), left-padded with '0' to `width` (GitHub's and npm's checksum)."""
    out = ""
    while value:
        value, r = divmod(value, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc32_token(rng, prefix, body_len=30):
    """`prefix` + random base62 body + 6-char base62 CRC32 of the body.

    GitHub's 2021 formats (ghp_, gho_, ghu_, ghs_, ghr_) and npm's npm_ tokens:
    https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
    """
    body = pick(rng, B62, body_len)
    return prefix + body + b62_encode(zlib.crc32(body.encode()), 6)


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid4(rng):
    n = rng.getrandbits(128)
    n &= ~(0xF << 76)
    n |= 0x4 << 76
    n &= ~(0x3 << 62)
    n |= 0x2 << 62
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def randbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


# --- DER, for private keys whose structure is real (the numbers are random) ----------------

def _der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + _der_len(len(content)) + content


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def small_int(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def big_int(rng, nbytes):
    v = bytearray(randbytes(rng, nbytes))
    v[0] |= 0x80
    return tlv(0x02, b"\x00" + bytes(v))


def octets(data):
    return tlv(0x04, data)


OID_RSA = bytes.fromhex("06092a864886f70d010101")
OID_ED25519 = bytes.fromhex("06032b6570")
OID_P256 = bytes.fromhex("06082a8648ce3d030107")
OID_EC_PUBLIC = bytes.fromhex("06072a8648ce3d0201")
OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")
OID_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")
OID_HMAC_SHA256 = bytes.fromhex("06082a864886f70d0209")
OID_AES256_CBC = bytes.fromhex("060960864801650304012a")
NULL = bytes.fromhex("0500")


def rsa_pkcs1_der(rng, bits=2048):
    n = bits // 8
    half = n // 2
    return seq(small_int(0), big_int(rng, n), small_int(65537), big_int(rng, n),
               big_int(rng, half), big_int(rng, half), big_int(rng, half), big_int(rng, half),
               big_int(rng, half))


def ec_sec1_der(rng):
    return seq(small_int(1), octets(randbytes(rng, 32)), tlv(0xA0, OID_P256),
               tlv(0xA1, tlv(0x03, b"\x00\x04" + randbytes(rng, 64))))


def dsa_der(rng):
    return seq(small_int(0), big_int(rng, 128), big_int(rng, 20), big_int(rng, 128),
               big_int(rng, 128), big_int(rng, 20))


def pkcs8_der(rng, algo="rsa"):
    if algo == "ed25519":
        return seq(small_int(0), seq(OID_ED25519), octets(octets(randbytes(rng, 32))))
    if algo == "ec":
        inner = seq(small_int(1), octets(randbytes(rng, 32)),
                    tlv(0xA1, tlv(0x03, b"\x00\x04" + randbytes(rng, 64))))
        return seq(small_int(0), seq(OID_EC_PUBLIC, OID_P256), octets(inner))
    return seq(small_int(0), seq(OID_RSA, NULL), octets(rsa_pkcs1_der(rng)))


def pkcs8_encrypted_der(rng):
    params = seq(OID_PBES2, seq(
        seq(OID_PBKDF2, seq(octets(randbytes(rng, 16)), small_int(2048), seq(OID_HMAC_SHA256, NULL))),
        seq(OID_AES256_CBC, octets(randbytes(rng, 16)))))
    return seq(params, octets(randbytes(rng, 1232)))


def pem(label, der_or_b64, headers=""):
    body = der_or_b64 if isinstance(der_or_b64, str) else b64(der_or_b64)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n{headers}" + "\n".join(lines) + f"\n-----END {label}-----"


# --- OpenSSH, PGP and PuTTY key files -------------------------------------------------------

def _ssh_string(data):
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">I", len(data)) + data


def openssh_ed25519(rng, comment="deploy@build-01"):
    """openssh-key-v1 (PROTOCOL.key), unencrypted ed25519."""
    pub = randbytes(rng, 32)
    pub_blob = _ssh_string("ssh-ed25519") + _ssh_string(pub)
    check = randbytes(rng, 4)
    priv = (check + check + _ssh_string("ssh-ed25519") + _ssh_string(pub)
            + _ssh_string(randbytes(rng, 32) + pub) + _ssh_string(comment))
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (b"openssh-key-v1\x00" + _ssh_string("none") + _ssh_string("none") + _ssh_string(b"")
            + struct.pack(">I", 1) + _ssh_string(pub_blob) + _ssh_string(priv))
    body = b64(blob)
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def openssh_rsa_encrypted(rng):
    """openssh-key-v1 with aes256-ctr/bcrypt: the private section is opaque."""
    pub_blob = _ssh_string("ssh-rsa") + _ssh_string(b"\x01\x00\x01") + _ssh_string(b"\x00" + randbytes(rng, 256))
    kdf = _ssh_string(randbytes(rng, 16)) + struct.pack(">I", 16)
    blob = (b"openssh-key-v1\x00" + _ssh_string("aes256-ctr") + _ssh_string("bcrypt") + _ssh_string(kdf)
            + struct.pack(">I", 1) + _ssh_string(pub_blob) + _ssh_string(randbytes(rng, 1040)))
    body = b64(blob)
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


def _crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_private_key(rng):
    """RFC 4880 ASCII armor around an old-format secret-key packet (tag 5), with CRC24."""
    body = b"\x04" + struct.pack(">I", 1700000000 + rng.randrange(10**7)) + b"\x16" + randbytes(rng, 140)
    packet = b"\x95" + struct.pack(">H", len(body)) + body
    data = b64(packet)
    lines = [data[i:i + 64] for i in range(0, len(data), 64)]
    crc = b64(_crc24(packet).to_bytes(3, "big"))
    return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(lines) + f"\n={crc}\n"
            "-----END PGP PRIVATE KEY BLOCK-----")


def putty_key(rng, version=3):
    if version == 3:
        pub = b64(_ssh_string("ssh-ed25519") + _ssh_string(randbytes(rng, 32)))
        priv = b64(_ssh_string(randbytes(rng, 32)))
        return (f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-2024{rng.randrange(1000, 9999)}\n"
                f"Public-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\n"
                f"Private-MAC: {pick(rng, HEX, 64)}")
    pub = b64(_ssh_string("ssh-rsa") + _ssh_string(b"\x01\x00\x01") + _ssh_string(b"\x00" + randbytes(rng, 256)))
    priv = b64(randbytes(rng, 660))
    pub_lines = [pub[i:i + 64] for i in range(0, len(pub), 64)]
    priv_lines = [priv[i:i + 64] for i in range(0, len(priv), 64)]
    return (f"PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: rsa-key-2019{rng.randrange(1000, 9999)}\n"
            f"Public-Lines: {len(pub_lines)}\n" + "\n".join(pub_lines)
            + f"\nPrivate-Lines: {len(priv_lines)}\n" + "\n".join(priv_lines)
            + f"\nPrivate-MAC: {pick(rng, HEX, 40)}")


# --- JWT ----------------------------------------------------------------------------------------

def jwt(rng, payload=None, alg=None):
    alg = alg or rng.choice(["HS256", "RS256", "ES256", "HS512"])
    header = {"alg": alg, "typ": "JWT"}
    if alg.startswith("RS") or alg.startswith("ES"):
        header["kid"] = pick(rng, B64URL, 22)
    if payload is None:
        now = 1_700_000_000 + rng.randrange(50_000_000)
        payload = rng.choice([
            {"sub": str(rng.randrange(10**6, 10**9)), "name": rng.choice(["Ada Lovelace", "Grace Hopper", "Linus"]), "iat": now},
            {"iss": "https://auth.acme-corp.io/", "sub": f"auth0|{pick(rng, HEX, 24)}", "aud": "https://api.acme-corp.io",
             "iat": now, "exp": now + 86400, "scope": "read:orders write:orders"},
            {"user_id": rng.randrange(1, 99999), "role": "admin", "exp": now + 3600, "jti": uuid4(rng)},
            {"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "default",
             "kubernetes.io/serviceaccount/service-account.name": "deployer", "sub": "system:serviceaccount:default:deployer"},
        ])
    sig_len = {"HS256": 32, "HS512": 64, "RS256": 256, "ES256": 64}[alg]
    return ".".join([b64url(json.dumps(header, separators=(",", ":")).encode()),
                     b64url(json.dumps(payload, separators=(",", ":")).encode()),
                     b64url(randbytes(rng, sig_len))])
