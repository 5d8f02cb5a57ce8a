"""Checks that a webhook delivery comes from your Signet (Standard Webhooks
signatures). The standard library only."""

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60  # older deliveries are refused (replays)


def verify_webhook(secret, headers, body, now=None):
    """secret: the endpoint's whsec_... secret; headers: the request's headers
    (a dict with webhook-id, webhook-timestamp, webhook-signature); body: the
    raw body bytes exactly as received, before json.loads. Returns None, or
    raises ValueError. Keep webhook-id to drop a delivery processed already."""
    if not secret.startswith("whsec_"):
        raise ValueError("the secret is not a whsec_ secret")
    key = base64.b64decode(secret[len("whsec_"):], validate=True)
    msg_id, ts = headers.get("webhook-id"), headers.get("webhook-timestamp") or ""
    if not msg_id or not ts.isdigit():
        raise ValueError("webhook-id or webhook-timestamp is missing")
    now = int(time.time()) if now is None else now
    if abs(now - int(ts)) > TOLERANCE_SECONDS:
        raise ValueError("webhook-timestamp is too far from now")
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    want = "v1," + base64.b64encode(mac).decode()
    # Several signatures during a secret rotation: one matching is enough.
    for sig in (headers.get("webhook-signature") or "").split():
        if hmac.compare_digest(sig, want):
            return
    raise ValueError("no signature matches")
