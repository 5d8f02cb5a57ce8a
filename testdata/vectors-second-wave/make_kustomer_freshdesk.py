#!/usr/bin/env python3
"""Writes kustomer.json and freshdesk-widget.json beside it.

The project's own generator, written from each vendor's rules as
profiles.md ("Second-wave vendor profiles") states them, with Python's
standard library only (hmac, hashlib, base64, json): independent of Signet's
Go code. Run it from anywhere: python3 make_kustomer_freshdesk.py.
Every time is fixed from NOW, so the output does not depend on the clock.
"""
import base64
import hashlib
import hmac
import json
import os

NOW = 1767225600  # 2026-01-01T00:00:00Z, the vectors' clock
LEEWAY = 60  # Signet's default leeway


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def compact(obj):
    # As JSON.stringify (jsonwebtoken) writes it: members in the given
    # order, no spaces, UTF-8 as it is.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def token(payload, secret=None, key=None, alg="HS256"):
    header = compact({"alg": alg, "typ": "JWT"})
    signing_input = b64url(header) + "." + b64url(compact(payload))
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    key = key if key is not None else secret.encode()
    return signing_input + "." + b64url(hmac.new(key, signing_input.encode(), digest).digest())


def valid(name, tok, identities, **more):
    return dict(name=name, token=tok, valid=True, identities=identities, **more)


def invalid(name, tok, reasons, cause=None, **more):
    case = dict(name=name, token=tok, valid=False, reason=reasons, **more)
    if cause:
        case["cause"] = cause
    return case


HEX_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def kustomer():
    s = "ks-secret-8d2b6f1a9c4e7035"
    t = lambda p, **kw: token(p, s, **kw)
    uid, email = "user-42", "jane@example.com"
    cases = [
        valid("externalId and email: the email takes precedence",
              t({"externalId": uid, "email": email, "iat": NOW - 60}), [["email", email]]),
        valid("externalId only", t({"externalId": uid, "iat": NOW - 60}), [["uid", uid]]),
        valid("email only", t({"email": email, "iat": NOW - 120}), [["email", email]]),
        valid("unicode externalId", t({"externalId": "zoë-ü/42", "iat": NOW - 5}), [["uid", "zoë-ü/42"]]),
        valid("iat 15 minutes plus the leeway old", t({"externalId": uid, "iat": NOW - 900 - LEEWAY}), [["uid", uid]]),
        valid("iat 30 s in the future, within the leeway", t({"externalId": uid, "iat": NOW + 30}), [["uid", uid]]),
        valid("widget sends the same email", t({"externalId": uid, "email": email, "iat": NOW - 60}), [["email", email]],
              request={"email": email}),
        invalid("iat older than 15 minutes plus the leeway", t({"externalId": uid, "iat": NOW - 900 - LEEWAY - 1}),
                ["issued_too_long_ago"]),
        invalid("token cached for an hour", t({"externalId": uid, "email": email, "iat": NOW - 3600}),
                ["issued_too_long_ago"]),
        invalid("iat five minutes in the future: the signing server's clock is ahead",
                t({"externalId": uid, "iat": NOW + 300}), ["issued_in_future"], "clock_skew"),
        invalid("iat in milliseconds (Date.now())", t({"externalId": uid, "iat": NOW * 1000}),
                ["issued_in_future"], "milliseconds"),
        invalid("no iat", t({"externalId": uid, "email": email}), ["claim_invalid"]),
        invalid("no externalId nor email", t({"iat": NOW - 60}), ["identity_required"]),
        invalid("numeric externalId", t({"externalId": 42, "iat": NOW - 60}), ["claim_invalid"]),
        invalid("externalID: Kustomer's claim in another letter case", t({"externalID": uid, "iat": NOW - 60}),
                ["claim_invalid"]),
        invalid("external_id is not Kustomer's claim", t({"external_id": uid, "iat": NOW - 60}),
                ["identity_required"]),
        invalid("widget sends the externalId beside a token whose email takes precedence",
                t({"externalId": uid, "email": email, "iat": NOW - 60}), ["identity_mismatch"], request={"uid": uid}),
        invalid("widget sends another email than the signed one", t({"email": email, "iat": NOW - 60}),
                ["identity_mismatch"], request={"email": "mallory@example.com"}),
        invalid("signed with another secret", token({"externalId": uid, "iat": NOW - 60}, "not-the-kustomer-secret"),
                ["signature_mismatch"], "unknown"),
        invalid("HS512", t({"externalId": uid, "iat": NOW - 60}, alg="HS512"), ["algorithm_not_allowed"]),
        invalid("secret hex-decoded by mistake",
                token({"externalId": uid, "iat": NOW - 60}, key=bytes.fromhex(HEX_SECRET)),
                ["signature_mismatch"], "secret_encoding", secret=HEX_SECRET),
    ]
    return dict(scheme="kustomer", secret=s, now=NOW,
                source="profiles.md, second wave: HS256 JWT; externalId and/or email, iat required; iat at most "
                       "15 minutes (+ leeway) old and not in the future; the email, when signed, takes precedence "
                       "over the externalId",
                cases=cases)


def freshdesk():
    s = "fd-secret-1c7e4a9b2f6d8035"
    t = lambda p, **kw: token(p, s, **kw)
    email = "jane@example.com"
    cases = [
        valid("name, email and exp an hour ahead", t({"name": "Jane", "email": email, "exp": NOW + 3600}),
              [["email", email]]),
        valid("email only, exp ten minutes ahead", t({"email": email, "exp": NOW + 600}), [["email", email]]),
        valid("exp exactly two hours ahead", t({"name": "Jane", "email": email, "exp": NOW + 7200}), [["email", email]]),
        valid("unicode name and email", t({"name": "Zoë O'Brien", "email": "zoë+support@example.org", "exp": NOW + 900}),
              [["email", "zoë+support@example.org"]]),
        valid("widget sends the same email", t({"name": "Jane", "email": email, "exp": NOW + 3600}), [["email", email]],
              request={"email": email}),
        invalid("exp more than two hours ahead", t({"name": "Jane", "email": email, "exp": NOW + 7201}),
                ["lifetime_too_long"]),
        invalid("exp a day ahead", t({"email": email, "exp": NOW + 86400}), ["lifetime_too_long"]),
        invalid("exp in milliseconds", t({"email": email, "exp": (NOW + 3600) * 1000}), ["lifetime_too_long"],
                "milliseconds"),
        invalid("no exp", t({"name": "Jane", "email": email}), ["claim_invalid"]),
        invalid("no email", t({"name": "Jane", "exp": NOW + 3600}), ["identity_required"]),
        invalid("Email: Freshdesk's claim in another letter case", t({"name": "Jane", "Email": email, "exp": NOW + 3600}),
                ["claim_invalid"]),
        invalid("expired", t({"email": email, "exp": NOW - 120}), ["expired"]),
        invalid("widget sends another email than the signed one", t({"email": email, "exp": NOW + 3600}),
                ["identity_mismatch"], request={"email": "mallory@example.com"}),
        invalid("signed with another secret", token({"email": email, "exp": NOW + 3600}, "not-the-freshdesk-secret"),
                ["signature_mismatch"], "unknown"),
        invalid("secret hex-decoded by mistake", token({"email": email, "exp": NOW + 3600}, key=bytes.fromhex(HEX_SECRET)),
                ["signature_mismatch"], "secret_encoding", secret=HEX_SECRET),
    ]
    return dict(scheme="freshdesk-widget", secret=s, now=NOW,
                source="profiles.md, second wave: HS256 JWT; email and exp required; exp in the future and at most "
                       "2 hours ahead of now; name a signed attribute",
                cases=cases)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for f in (kustomer(), freshdesk()):
        with open(os.path.join(here, f["scheme"] + ".json"), "w", encoding="utf-8") as out:
            json.dump(f, out, indent=2, ensure_ascii=False)
            out.write("\n")
