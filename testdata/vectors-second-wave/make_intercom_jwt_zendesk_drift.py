#!/usr/bin/env python3
"""Writes intercom-jwt.json, zendesk-messaging.json and drift.json beside it.

The project's own generator, written from each vendor's rules as
profiles.md ("Second-wave vendor profiles") states them, with Python's
standard library only (hmac, hashlib, base64, json): independent of Signet's
Go code. Run it from anywhere: python3 make_intercom_jwt_zendesk_drift.py.
The tokens do not depend on the clock: every time is fixed from NOW.
"""
import base64
import hashlib
import hmac
import json
import os

NOW = 1767225600  # 2026-01-01T00:00:00Z, the vectors' clock


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def compact(obj):
    # As JSON.stringify (jsonwebtoken) and Signet's sign package write it:
    # members in the given order, no spaces, UTF-8 as it is.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def raw_token(header_json, payload_json, key, alg="HS256"):
    signing_input = b64url(header_json) + "." + b64url(payload_json)
    if alg == "none":
        return signing_input + "."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    mac = hmac.new(key, signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(mac)


def token(payload, secret, kid=None, alg="HS256", key=None, extra_header=None):
    header = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    if extra_header:
        header.update(extra_header)
    return raw_token(compact(header), compact(payload), key if key is not None else secret.encode(), alg)


def valid(name, tok, identities, **more):
    return dict(name=name, token=tok, valid=True, identities=identities, **more)


def invalid(name, tok, reason, cause=None, **more):
    c = dict(name=name, token=tok, valid=False, reason=reason)
    if cause:
        c["cause"] = cause
    c.update(more)
    return c


OTHER = "not-the-secret-0000000000000000"
HEX_SECRET = "9f2c4e61b07d3a85c4f1e2d3b6a79058"  # looks like hex: some backends hex-decode it


def intercom_jwt():
    s = "ic-messenger-secret-8d2f4a61c9e7b305"
    u, e = "user-42", "jane@example.com"
    both = {"user_id": u, "email": e, "iat": NOW - 60, "exp": NOW + 3600}
    cases = [
        valid("user_id and email, exp in an hour", token(both, s), [["uid", u], ["email", e]]),
        valid("user_id only, no exp", token({"user_id": u, "iat": NOW - 60}, s), [["uid", u]]),
        valid("the Messenger sends the same user_id and email", token(both, s), [["uid", u], ["email", e]],
              request={"uid": u, "email": e}),
        valid("exp 30 s ago, within the 60 s leeway", token({"user_id": u, "iat": NOW - 600, "exp": NOW - 30}, s), [["uid", u]]),
        valid("unicode user_id", token({"user_id": "zoë-ü/42", "iat": NOW - 60}, s), [["uid", "zoë-ü/42"]]),
        invalid("no user_id, an email only", token({"email": e, "iat": NOW - 60, "exp": NOW + 3600}, s), ["identity_required"]),
        invalid("a numeric user_id", token({"user_id": 42, "email": e, "iat": NOW - 60, "exp": NOW + 3600}, s), ["claim_invalid"]),
        invalid("an empty user_id", token({"user_id": "", "iat": NOW - 60}, s), ["claim_invalid"]),
        invalid("expired an hour ago", token({"user_id": u, "iat": NOW - 7200, "exp": NOW - 3600}, s), ["expired"]),
        invalid("iat in milliseconds", token({"user_id": u, "iat": (NOW - 60) * 1000}, s), ["issued_in_future", "claim_invalid"],
                "milliseconds"),
        invalid("signed with another secret", token(both, OTHER), ["signature_mismatch"], "unknown"),
        invalid("HS512", token(both, s, alg="HS512"), ["algorithm_not_allowed"]),
        invalid("alg none", token(both, s, alg="none"), ["algorithm_not_allowed", "malformed"]),
        invalid("the Messenger sends user-43, the token signs user-42", token(both, s), ["identity_mismatch"],
                request={"uid": "user-43"}),
        invalid("the Messenger sends another email", token(both, s), ["identity_mismatch"],
                request={"uid": u, "email": "mallory@example.com"}),
    ]
    return {"scheme": "intercom-jwt", "secret": s, "now": NOW,
            "source": "profiles.md, second wave: Intercom's Messenger JWT (intercom_user_jwt), HS256 over the claims with the "
                      "Messenger's secret as UTF-8; user_id required (a string), email optional and signed when present, "
                      "exp honoured when present",
            "cases": cases}


def zendesk():
    s = "zd-7pQm2vX9sK4tR8wY1nB6cE3hJ5fL0aZ"
    kid = "app_65a1f0c2d3e4b5a6c7d8e9f0"
    x, e = "user-42", "jane@example.com"

    def p(**kw):
        out = {"scope": "user", "external_id": x, "name": "Jane Doe", "email": e, "email_verified": True,
               "iat": NOW - 60, "exp": NOW + 3600}
        for k, v in kw.items():
            if v is None:
                out.pop(k)
            else:
                out[k] = v
        return out

    long255 = "é" * 255  # 255 characters, 510 bytes
    cases = [
        valid("external_id and a verified email", token(p(), s, kid), [["uid", x], ["email", e]]),
        valid("email_verified false: the email is not an identity", token(p(email_verified=False), s, kid), [["uid", x]]),
        valid("an email without email_verified is not an identity", token(p(email_verified=None), s, kid), [["uid", x]]),
        valid("external_id only, no exp", token(p(name=None, email=None, email_verified=None, exp=None), s, kid), [["uid", x]]),
        valid("external_id of 255 characters (510 bytes)", token(p(external_id=long255, email=None, email_verified=None), s, kid),
              [["uid", long255]]),
        valid("the widget sends the same external_id and verified email", token(p(), s, kid), [["uid", x], ["email", e]],
              request={"uid": x, "email": e}),
        invalid("no scope", token(p(scope=None), s, kid), ["claim_invalid"]),
        invalid("scope other than user", token(p(scope="admin"), s, kid), ["claim_invalid"]),
        invalid("a numeric external_id", token(p(external_id=42), s, kid), ["claim_invalid"]),
        invalid("external_id of 256 characters", token(p(external_id="é" * 256, email=None, email_verified=None), s, kid),
                ["claim_invalid"]),
        invalid("no external_id, a verified email only", token(p(external_id=None), s, kid), ["identity_required"]),
        invalid("email_verified as the string \"true\"", token(p(email_verified="true"), s, kid), ["claim_invalid"]),
        invalid("no kid header", token(p(), s), ["key_unknown"]),
        invalid("expired an hour ago", token(p(iat=NOW - 7200, exp=NOW - 3600), s, kid), ["expired"]),
        invalid("iat in milliseconds", token(p(iat=(NOW - 60) * 1000, exp=None), s, kid), ["issued_in_future", "claim_invalid"],
                "milliseconds"),
        invalid("signed with another secret", token(p(), OTHER, kid), ["signature_mismatch"], "unknown"),
        invalid("a jku header", token(p(), s, kid, extra_header={"jku": "https://example.com/keys"}), ["header_not_allowed"]),
        invalid("the widget sends an email the token does not verify",
                token(p(email_verified=False), s, kid), ["identity_mismatch"], request={"uid": x, "email": e}),
        invalid("the widget sends user-43, the token signs user-42", token(p(), s, kid), ["identity_mismatch"],
                request={"uid": "user-43"}),
    ]
    return {"scheme": "zendesk-messaging", "secret": s, "now": NOW,
            "source": "profiles.md, second wave: Zendesk messaging's JWT, HS256 over the claims with the secret as UTF-8 and a kid "
                      "header (Zendesk's key id); scope = \"user\" and a string external_id of at most 255 characters required; "
                      "the email is an identity only when email_verified is true; name is an attribute; exp honoured when present",
            "cases": cases}


def drift():
    s = "drift-secret-2b7e9c41f0a35d68"
    u = "user-42"
    full = {"sub": u, "iat": NOW - 60, "exp": NOW + 3600}
    cases = [
        valid("sub, exp in an hour", token(full, s), [["uid", u]]),
        valid("sub only, no exp", token({"sub": u, "iat": NOW - 60}, s), [["uid", u]]),
        valid("the client sends the same user id", token(full, s), [["uid", u]], request={"uid": u}),
        valid("an unread email claim is ignored", token({"sub": u, "email": "jane@example.com", "iat": NOW - 60}, s), [["uid", u]]),
        invalid("no sub", token({"iat": NOW - 60, "exp": NOW + 3600}, s), ["identity_required"]),
        invalid("a numeric sub", token({"sub": 42, "iat": NOW - 60, "exp": NOW + 3600}, s), ["claim_invalid"]),
        invalid("expired an hour ago", token({"sub": u, "iat": NOW - 7200, "exp": NOW - 3600}, s), ["expired"]),
        invalid("iat in milliseconds", token({"sub": u, "iat": (NOW - 60) * 1000}, s),
                ["issued_in_future", "claim_invalid"], "milliseconds"),
        invalid("signed with another secret", token(full, OTHER), ["signature_mismatch"], "unknown"),
        invalid("the secret was hex-decoded", token(full, HEX_SECRET, key=bytes.fromhex(HEX_SECRET)), ["signature_mismatch"],
                "secret_encoding", secret=HEX_SECRET),
        invalid("alg none", token(full, s, alg="none"), ["algorithm_not_allowed", "malformed"]),
        invalid("the client sends user-43, the token signs user-42", token(full, s), ["identity_mismatch"], request={"uid": "user-43"}),
    ]
    return {"scheme": "drift", "secret": s, "now": NOW,
            "source": "profiles.md, second wave: Drift's identity JWT, HS256 over the claims with the secret as UTF-8; "
                      "sub (a string) is the user id; exp honoured when present",
            "cases": cases}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for f in (intercom_jwt(), zendesk(), drift()):
        with open(os.path.join(here, f["scheme"] + ".json"), "w", encoding="utf-8") as out:
            json.dump(f, out, indent=2, ensure_ascii=False)
            out.write("\n")


if __name__ == "__main__":
    main()
