"""Signing snippets for a brand's Python backend: one function per Signet profile.

Each returns what your login handler hands to the SDK or web widget: a
user_hash (HMAC profiles) or an identity_token (JWT profiles). Standard library
only; the JWTs come from the small HS256 encoder at the bottom (PyJWT's
jwt.encode(claims, secret, algorithm="HS256") gives tokens Signet accepts too).

Sign on your server only: the secret must never reach an app or a web page.
Read it from your secret store or environment, and never log it (nor a digest
or token next to the identity it signs). If you ever compare a digest
yourself, use hmac.compare_digest, never ==.

In a login handler:

    user_hash = intercom_user_hash(os.environ["SIGNET_SECRET"], user_id=str(user.id), email=user.email)
    identity_token = signet_identity_token(os.environ["SIGNET_SECRET"], os.environ["SIGNET_KEY_ID"], SIGNET_APP_ID,
                                           [{"identifier": "uid", "value": str(user.id)}])
"""

import base64
import hashlib
import hmac
import json
import time

NO_IDENTIFIER = "no identifier to sign: log the user in anonymously, without a user_hash"


def helpshift_legacy_user_hash(secret, user_id=None, email=None, full_privacy=False):
    """helpshift-legacy: HMAC-SHA256 with the secret as UTF-8, over the user id
    followed by the email (whichever are present, no separator), in padded
    standard BASE64.

    Pitfalls: base64, not hex. With the app's "full privacy" flag, sign the
    user id only and leave the email out. "12" + "3a@b.co" and "123" + "a@b.co"
    sign the same message: keep user ids in a shape that cannot run into an
    email (the app's user_id_pattern), or move to the signet profile.
    """
    message = (user_id or "") if full_privacy else (user_id or "") + (email or "")
    if not message:
        raise ValueError(NO_IDENTIFIER)
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def intercom_user_hash(platform_secret, user_id=None, email=None):
    """intercom: HEX HMAC-SHA256 with the platform's secret as UTF-8, over the
    user_id if there is one, else the email.

    Pitfalls: with both user_id and email sent, a hash of the email fails. iOS,
    Android and web have one secret each (one Signet app each): sign with the
    secret of the platform that sends the hash.
    """
    message = user_id or email
    if not message:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(platform_secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def akece_identifier_hash(inbox_token, identifier):
    """akece: HEX HMAC-SHA256 with the inbox's validation token as UTF-8, over
    the identifier (sent to Signet as user_id)."""
    if not identifier:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(inbox_token.encode("utf-8"), identifier.encode("utf-8"), hashlib.sha256).hexdigest()


def pylon_email_hash(hex_secret, email):
    """pylon-hmac: HEX HMAC-SHA256 over the email, keyed with the HEX-DECODED secret.

    Pitfall: used as text, the secret gives a hash Signet refuses (the doctor
    says secret_encoding). Pylon's JWT secret, on the contrary, is used as text.
    """
    try:
        key = bytes.fromhex(hex_secret)
    except ValueError:
        raise ValueError("the pylon-hmac secret must be hex, as Signet or Pylon showed it") from None  # never echo it
    if not key:
        raise ValueError("the pylon-hmac secret must be hex, as Signet or Pylon showed it")
    if not email:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(key, email.encode("utf-8"), hashlib.sha256).hexdigest()


def help_scout_signature(secret_key, email):
    """helpscout: Help Scout Beacon's signature: HEX HMAC-SHA256 with the
    Beacon's secret key as UTF-8, over the email.

    Pitfall: hex (.hexdigest()). Help Scout's own Python sample base64-encodes
    the digest, which Signet refuses as malformed (the doctor says
    wrong_encoding).
    """
    if not email:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(secret_key.encode("utf-8"), email.encode("utf-8"), hashlib.sha256).hexdigest()


def front_user_hash(verification_secret, user_id=None, email=None):
    """front: Front Chat's userHash: HEX HMAC-SHA256 with the verification
    secret as UTF-8, over the user id when you send one, else the email.

    Pitfall: Front signs the user id when you send one; with both sent, a hash
    of the email fails, and only the signed one is verified.
    """
    message = user_id or email
    if not message:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(verification_secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def plain_email_hash(secret, email):
    """plain: Plain's emailHash: HEX HMAC-SHA256 with the chat secret as UTF-8
    (not hex-decoded, unlike pylon-hmac's), over the email exactly as sent."""
    if not email:
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(secret.encode("utf-8"), email.encode("utf-8"), hashlib.sha256).hexdigest()


def gleap_user_hash(secret, user_id):
    """gleap: Gleap's userHash (Gleap.identify's third argument): HEX
    HMAC-SHA256 with the identity verification secret as UTF-8, over the user
    id as a string.

    Pitfall: a numeric id is signed as its decimal text, str(user.id).
    """
    if user_id is None or user_id == "":
        raise ValueError(NO_IDENTIFIER)
    return hmac.new(secret.encode("utf-8"), str(user_id).encode("utf-8"), hashlib.sha256).hexdigest()


def helpshift_userhub_token(secret, identities, issued_at=None):
    """helpshift-userhub: HS256 JWT with the secret as UTF-8; claims {iat, identities}.

    identities: [{"identifier": "uid" | "email" | "phone_number" | "steam_id" | ...,
    "value": ..., "metadata": {...}}], a uid and/or an email required.
    Pitfalls: iat in SECONDS (int(time.time()), not milliseconds); a token older
    than 24 hours is refused, so sign one per login and never cache it longer.
    """
    if not _has_uid_or_email(identities):
        raise ValueError("a helpshift-userhub token signs a uid, an email or both")
    iat = int(time.time()) if issued_at is None else issued_at
    return hs256_jwt({"iat": iat, "identities": [_identity_claim(i) for i in identities]}, secret)


PYLON_IDS = ("account_id", "account_external_id", "contact_id", "contact_external_id")


def pylon_chat_widget_token(secret, app_id, email, name=None, ids=None, issued_at=None, lifetime_seconds=600):
    """pylon-jwt: HS256 JWT with the secret AS DISPLAYED (text, not hex-decoded);
    claims {email, name, aud, iat, exp} and the optional ids (account_id,
    account_external_id, contact_id, contact_external_id), which the widget
    must send with the same values.

    Pitfalls: aud is the app id (the Signet app's, where Pylon had its
    widget's); exp at most 15 minutes after iat (10 by default).
    """
    if not email or not app_id:
        raise ValueError("a pylon-jwt token signs an email, with the app id as its audience")
    if lifetime_seconds > 900:
        raise ValueError("a pylon-jwt token lives at most 15 minutes")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"email": email}
    if name:
        claims["name"] = name
    claims.update({"aud": app_id, "iat": iat, "exp": iat + lifetime_seconds})
    for k in PYLON_IDS:
        if ids and ids.get(k):
            claims[k] = ids[k]
    return hs256_jwt(claims, secret)


def signet_identity_token(secret, key_id, app_id, identities, name=None, issued_at=None, lifetime_seconds=600):
    """signet: HS256 JWT whose kid header names the key; claims {aud, iat, exp,
    name, identities} (identities as for helpshift-userhub).

    Pitfalls: key_id is the id Signet showed with the secret (it is what makes
    rotation possible); aud is the Signet app id; exp - iat may not exceed the
    app's maximum lifetime (1 hour unless configured).
    """
    if not key_id or not app_id or not _has_uid_or_email(identities):
        raise ValueError("a signet token names its key id and app id, and signs a uid, an email or both")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"aud": app_id, "iat": iat, "exp": iat + lifetime_seconds}
    if name:
        claims["name"] = name
    claims["identities"] = [_identity_claim(i) for i in identities]
    return hs256_jwt(claims, secret, key_id=key_id)


def signet_identity_token_es256(private_key_pem, key_id, app_id, identities, name=None, issued_at=None,
                                lifetime_seconds=600):
    """signet with a key pair: the same claims, signed ES256 with your P-256
    private key (PEM); Signet holds only the public key, whose id is the kid.
    Needs the `cryptography` package (pip install cryptography).

    Pitfalls: a JWS ES256 signature is r||s, 64 bytes, not the DER that
    cryptography (and OpenSSL) return; alg must be exactly ES256.
    """
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    if not key_id or not app_id or not _has_uid_or_email(identities):
        raise ValueError("a signet token names its key id and app id, and signs a uid, an email or both")
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("an ES256 key is a P-256 private key")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"aud": app_id, "iat": iat, "exp": iat + lifetime_seconds}
    if name:
        claims["name"] = name
    claims["identities"] = [_identity_claim(i) for i in identities]
    header = {"alg": "ES256", "typ": "JWT", "kid": key_id}
    signing_input = _b64url(_compact_json(header)) + "." + _b64url(_compact_json(claims))
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
def kustomer_token(secret, external_id=None, email=None, issued_at=None):
    """kustomer: HS256 JWT with the secret as UTF-8; claims {externalId, email,
    iat}, an externalId and/or an email (Kustomer.login's jwtToken; Signet's
    widget takes it as identityToken).

    Pitfalls: iat in seconds, at most 15 minutes old: sign a token when the
    chat opens, not once per session. externalId is a string (str(user.id)).
    When the token signs an email, the user is the email: the externalId is
    then not verified.
    """
    if not external_id and not email:
        raise ValueError("a kustomer token signs an externalId, an email or both")
    claims = {}
    if external_id:
        claims["externalId"] = str(external_id)
    if email:
        claims["email"] = email
    claims["iat"] = int(time.time()) if issued_at is None else issued_at
    return hs256_jwt(claims, secret)


def freshdesk_widget_token(secret, email, name=None, now=None, lifetime_seconds=600):
    """freshdesk-widget: HS256 JWT with the secret as UTF-8; claims {name,
    email, exp}, the email required (what the help widget's authenticate
    callback returned). The token has no iat.

    Pitfalls: exp in seconds, in the future and at most 2 hours ahead of now
    (10 minutes by default).
    """
    if not email:
        raise ValueError("a freshdesk-widget token signs an email")
    if not 0 < lifetime_seconds <= 7200:
        raise ValueError("a freshdesk-widget token expires in the future, within 2 hours")
    claims = {}
    if name:
        claims["name"] = name
    claims["email"] = email
    claims["exp"] = (int(time.time()) if now is None else now) + lifetime_seconds
    return hs256_jwt(claims, secret)


def intercom_messenger_token(platform_secret, user_id, email=None, issued_at=None, lifetime_seconds=None):
    """intercom-jwt: Intercom's Messenger JWT (intercom_user_jwt), HS256 with
    the platform's secret as UTF-8; claims {user_id, email, iat, exp}.

    Pitfalls: user_id is a STRING (str(user.id): a number is refused); iOS,
    Android and web have one secret each, as for the user_hash; exp is
    optional and honoured (an hour is usual).
    """
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("an intercom-jwt token signs a user_id, as a string")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"user_id": user_id}
    if email:
        claims["email"] = email
    claims["iat"] = iat
    if lifetime_seconds:
        claims["exp"] = iat + lifetime_seconds
    return hs256_jwt(claims, platform_secret)


def zendesk_messaging_token(secret, key_id, external_id, name=None, email=None, issued_at=None, lifetime_seconds=None):
    """zendesk-messaging: Zendesk messaging's JWT, HS256 with the secret as
    UTF-8 and a kid header (the key id Zendesk showed with the secret, app_...);
    claims {scope: "user", external_id, name, email, email_verified, iat, exp}.

    Pitfalls: external_id is a STRING of at most 255 characters (a number is
    refused, the 401 Zendesk users meet most); scope "user" is required; pass
    the email only once your app has verified it: it is signed with
    email_verified: true, and without that an email is no identity.
    """
    if not key_id:
        raise ValueError("a zendesk-messaging token names its key id (app_...) in the kid header")
    if not isinstance(external_id, str) or not external_id:
        raise ValueError("a zendesk-messaging token signs an external_id, as a string")
    if len(external_id) > 255:
        raise ValueError("a zendesk-messaging external_id is at most 255 characters")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"scope": "user", "external_id": external_id}
    if name:
        claims["name"] = name
    if email:
        claims["email"] = email
        claims["email_verified"] = True
    claims["iat"] = iat
    if lifetime_seconds:
        claims["exp"] = iat + lifetime_seconds
    return hs256_jwt(claims, secret, key_id=key_id)


def drift_user_token(secret, user_id, issued_at=None, lifetime_seconds=None):
    """drift: Drift's identity JWT (drift.identify's userJwt), HS256 with the
    secret as UTF-8; claims {sub: the user id, iat, exp}.

    Pitfalls: sub is a STRING (str(user.id)); it is the user id you pass to
    drift.identify, and the only identity the token signs.
    """
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("a drift token signs sub, the user id, as a string")
    iat = int(time.time()) if issued_at is None else issued_at
    claims = {"sub": user_id, "iat": iat}
    if lifetime_seconds:
        claims["exp"] = iat + lifetime_seconds
    return hs256_jwt(claims, secret)


def _identity_claim(identity):
    # Helpshift's member order, and nothing else: Signet refuses other members.
    claim = {"identifier": identity["identifier"], "value": identity["value"]}
    if identity.get("metadata"):
        claim["metadata"] = dict(identity["metadata"])
    return claim


def _has_uid_or_email(identities):
    return any(i.get("identifier") in ("uid", "email") and i.get("value") for i in identities)


def hs256_jwt(claims, secret, key_id=None):
    """A compact HS256 JWS: base64url (no padding) of compact JSON, claims in
    the order given, HMAC-SHA256 keyed with the secret as UTF-8."""
    header = {"alg": "HS256", "typ": "JWT"}
    if key_id:
        header["kid"] = key_id
    signing_input = _b64url(_compact_json(header)) + "." + _b64url(_compact_json(claims))
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(signature)


def _compact_json(value):
    # No spaces, UTF-8 as is: the same bytes as JavaScript's JSON.stringify.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
