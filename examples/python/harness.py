"""The harness examples/snippets_test.go drives: one JSON request per line on
stdin (see ../README.md), one line out for each: the digest or token the
snippet makes, or "error: " and why it refused.

    echo '{"profile":"intercom","secret":"...","uid":"user-42"}' | python3 harness.py
"""

import json
import sys

import snippets


def identities_of(r):
    if r.get("identities") is not None:
        return r["identities"]
    ids = []
    if r.get("uid"):
        ids.append({"identifier": "uid", "value": r["uid"]})
    if r.get("email"):
        ids.append({"identifier": "email", "value": r["email"]})
    return ids


def run(r):
    profile, secret = r.get("profile"), r.get("secret", "")
    when = {}
    if r.get("iat"):
        when["issued_at"] = r["iat"]
        if r.get("exp"):
            when["lifetime_seconds"] = r["exp"] - r["iat"]
    if profile == "helpshift-legacy":
        return snippets.helpshift_legacy_user_hash(secret, r.get("uid"), r.get("email"), bool(r.get("full_privacy")))
    if profile == "intercom":
        return snippets.intercom_user_hash(secret, r.get("uid"), r.get("email"))
    if profile == "akece":
        return snippets.akece_identifier_hash(secret, r.get("identifier") or r.get("uid"))
    if profile == "pylon-hmac":
        return snippets.pylon_email_hash(secret, r.get("email"))
    if profile == "helpscout":
        return snippets.help_scout_signature(secret, r.get("email"))
    if profile == "front":
        return snippets.front_user_hash(secret, r.get("uid"), r.get("email"))
    if profile == "plain":
        return snippets.plain_email_hash(secret, r.get("email"))
    if profile == "gleap":
        return snippets.gleap_user_hash(secret, r.get("uid"))
    if profile == "helpshift-userhub":
        return snippets.helpshift_userhub_token(secret, identities_of(r), when.get("issued_at"))
    if profile == "pylon-jwt":
        return snippets.pylon_chat_widget_token(secret, r.get("app_id"), r.get("email"), r.get("name"),
                                                r.get("attributes"), **when)
    if profile == "signet" and r.get("private_key"):
        return snippets.signet_identity_token_es256(r["private_key"], r.get("kid"), r.get("app_id"), identities_of(r),
                                                    r.get("name"), **when)
    if profile == "signet":
        return snippets.signet_identity_token(secret, r.get("kid"), r.get("app_id"), identities_of(r),
                                              r.get("name"), **when)
    if profile == "kustomer":
        return snippets.kustomer_token(secret, r.get("uid"), r.get("email"), when.get("issued_at"))
    if profile == "freshdesk-widget":
        return snippets.freshdesk_widget_token(secret, r.get("email"), r.get("name"), when.get("issued_at"),
                                               when.get("lifetime_seconds", 600))
    if profile == "intercom-jwt":
        return snippets.intercom_messenger_token(secret, r.get("uid"), r.get("email"), **when)
    if profile == "zendesk-messaging":
        return snippets.zendesk_messaging_token(secret, r.get("kid"), r.get("uid"), r.get("name"), r.get("email"), **when)
    if profile == "drift":
        return snippets.drift_user_token(secret, r.get("uid"), **when)
    raise ValueError("unknown profile")


def main():
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            print("error: the request is not JSON")
            continue
        try:
            print(run(r))
        except (ValueError, TypeError) as e:
            print("error: " + str(e).splitlines()[0])


if __name__ == "__main__":
    main()
