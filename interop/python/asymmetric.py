#!/usr/bin/env python3
"""A second implementation of signet's asymmetric tokens, on Python's
`cryptography` package, for cross-checking the Go code both ways.

  asymmetric.py gen OUT.json   write known-answer vectors (keys, tokens, expected outcome)
  asymmetric.py verify         read [{"alg","public_pem","token"}] on stdin, print [true|false, ...]

Only the signature is checked here (the claims rules are Signet's and are
exercised by the Go tests that read the vectors).
"""
import base64
import hashlib
import hmac
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

APP_ID = "app_0123456789abcdef"
NOW = 1767225600  # 2026-01-01T00:00:00Z


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def public_pem(pub):
    return pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def jwk(alg, pub, kid):
    if alg == "ES256":
        n = pub.public_numbers()
        return {"kty": "EC", "crv": "P-256", "kid": kid, "alg": alg, "use": "sig",
                "x": b64u(n.x.to_bytes(32, "big")), "y": b64u(n.y.to_bytes(32, "big"))}
    if alg == "EdDSA":
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": alg, "x": b64u(raw)}
    n = pub.public_numbers()
    return {"kty": "RSA", "kid": kid, "alg": alg, "n": b64u(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
            "e": b64u(n.e.to_bytes((n.e.bit_length() + 7) // 8, "big"))}


def sign(alg, priv, data):
    if alg == "ES256":
        r, s = decode_dss_signature(priv.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if alg == "EdDSA":
        return priv.sign(data)
    return priv.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify(alg, pub, data, sig):
    try:
        if alg == "ES256":
            if len(sig) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
            pub.verify(der, data, ec.ECDSA(hashes.SHA256()))
        elif alg == "EdDSA":
            pub.verify(sig, data)
        else:
            pub.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def token(header, claims, signer):
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    p = b64u(json.dumps(claims, separators=(",", ":")).encode())
    return h + "." + p + "." + b64u(signer((h + "." + p).encode()))


def keypair(alg):
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def gen(out):
    claims = {"aud": APP_ID, "iat": NOW - 60, "exp": NOW + 540, "name": "Ada",
              "identities": [{"identifier": "uid", "value": "u-42"}, {"identifier": "email", "value": "ada@example.com"}]}
    files = []
    for alg in ("ES256", "EdDSA", "RS256"):
        kid = "key_" + alg.lower()
        priv, other = keypair(alg), keypair(alg)
        pub = priv.public_key()
        pem = public_pem(pub)
        header = {"alg": alg, "typ": "JWT", "kid": kid}
        good = token(header, claims, lambda d: sign(alg, priv, d))
        h, p, s = good.split(".")
        tampered_claims = dict(claims, identities=[{"identifier": "uid", "value": "u-43"}])
        cases = [
            {"name": "valid", "token": good, "valid": True, "identities": [["uid", "u-42"], ["email", "ada@example.com"]]},
            {"name": "payload changed after signing", "token": h + "." + b64u(json.dumps(tampered_claims, separators=(",", ":")).encode()) + "." + s,
             "valid": False, "reason": "signature_mismatch"},
            {"name": "signed with another private key", "token": token(header, claims, lambda d: sign(alg, other, d)),
             "valid": False, "reason": "signature_mismatch"},
            {"name": "HS256 keyed with the public key (algorithm confusion)",
             "token": token({"alg": "HS256", "typ": "JWT", "kid": kid}, claims, lambda d: hmac.new(pem.encode(), d, hashlib.sha256).digest()),
             "valid": False, "reason": "algorithm_not_allowed", "cause": "algorithm_mismatch"},
            {"name": "alg none", "token": b64u(json.dumps({"alg": "none", "kid": kid}).encode()) + "." + p + ".",
             "valid": False, "reason": "algorithm_not_allowed"},
            {"name": "expired", "token": token(header, dict(claims, iat=NOW - 4000, exp=NOW - 3400), lambda d: sign(alg, priv, d)),
             "valid": False, "reason": "expired"},
            {"name": "unknown kid", "token": token(dict(header, kid="key_unknown"), claims, lambda d: sign(alg, priv, d)),
             "valid": False, "reason": "key_unknown"},
        ]
        for c in cases:
            c_h, c_p, c_s = c["token"].split(".")
            c["python_signature_valid"] = verify(alg, pub, (c_h + "." + c_p).encode(), unb64u(c_s)) if json.loads(unb64u(c_h))["alg"] == alg else False
        files.append({"algorithm": alg, "kid": kid, "public_pem": pem, "public_jwk": jwk(alg, pub, kid),
                      "app_id": APP_ID, "now": NOW, "cases": cases})
    doc = {"generated_by": "interop/python/asymmetric.py gen (cryptography " + __import__("cryptography").__version__ + ")",
           "keys": files}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def verify_stdin():
    out = []
    for item in json.load(sys.stdin):
        pub = serialization.load_pem_public_key(item["public_pem"].encode())
        h, p, s = item["token"].split(".")
        header = json.loads(unb64u(h))
        out.append(header.get("alg") == item["alg"] and verify(item["alg"], pub, (h + "." + p).encode(), unb64u(s)))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] == ["gen"]:
        gen(sys.argv[2])
    elif sys.argv[1:2] == ["verify"]:
        verify_stdin()
    else:
        sys.exit(__doc__)
