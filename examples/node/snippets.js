// Signing snippets for a brand's Node.js backend: one function per Signet
// profile. Each returns what your login handler hands to the SDK or web
// widget: a user_hash (HMAC profiles) or an identity_token (JWT profiles).
//
// Sign on your server only: the secret must never reach an app or a web page.
// Read it from your secret store or environment, and never log it (nor a
// digest or token next to the identity it signs). If you ever compare a
// digest yourself, use crypto.timingSafeEqual on the decoded bytes, never ===.
//
// In a login handler:
//   const userHash = intercomUserHash(process.env.SIGNET_SECRET, { userId: user.id, email: user.email });
//   const identityToken = signetIdentityToken(process.env.SIGNET_SECRET,
//     { keyId: process.env.SIGNET_KEY_ID, appId: SIGNET_APP_ID, identities: [{ identifier: 'uid', value: user.id }] });
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');

const NO_IDENTIFIER = 'no identifier to sign: log the user in anonymously, without a user_hash';

// helpshift-legacy: HMAC-SHA256 with the secret as UTF-8, over the user id
// followed by the email (whichever are present, no separator), in padded
// standard BASE64.
// Pitfalls: base64, not hex. With the app's "full privacy" flag, sign the user
// id only and leave the email out. "12" + "3a@b.co" and "123" + "a@b.co" sign
// the same message: keep user ids in a shape that cannot run into an email
// (the app's user_id_pattern), or move to the signet profile.
function helpshiftLegacyUserHash(secret, { userId, email, fullPrivacy = false }) {
  const message = fullPrivacy ? (userId || '') : (userId || '') + (email || '');
  if (!message) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', secret).update(message, 'utf8').digest('base64');
}

// intercom: HEX HMAC-SHA256 with the platform's secret as UTF-8, over the
// user_id if there is one, else the email.
// Pitfalls: with both user_id and email sent, a hash of the email fails. iOS,
// Android and web have one secret each (one Signet app each): sign with the
// secret of the platform that sends the hash.
function intercomUserHash(platformSecret, { userId, email }) {
  const message = userId || email;
  if (!message) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', platformSecret).update(message, 'utf8').digest('hex');
}

// akece: HEX HMAC-SHA256 with the inbox's validation token as UTF-8, over the
// identifier (sent to Signet as user_id).
function akeceIdentifierHash(inboxToken, identifier) {
  if (!identifier) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', inboxToken).update(identifier, 'utf8').digest('hex');
}

// pylon-hmac: HEX HMAC-SHA256 over the email, keyed with the HEX-DECODED secret.
// Pitfalls: used as text, the secret gives a hash Signet refuses (the doctor
// says secret_encoding). Buffer.from(s, 'hex') silently stops at the first
// non-hex character, hence the check. Pylon's JWT secret is used as text.
function pylonEmailHash(hexSecret, email) {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hexSecret)) {
    throw new Error('the pylon-hmac secret must be hex, as Signet or Pylon showed it'); // never echo it
  }
  if (!email) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', Buffer.from(hexSecret, 'hex')).update(email, 'utf8').digest('hex');
}

// helpscout: Help Scout Beacon's signature: HEX HMAC-SHA256 with the Beacon's
// secret key as UTF-8, over the email.
// Pitfall: hex. Help Scout's Python sample base64-encodes, which Signet refuses
// as malformed (the doctor says wrong_encoding).
function helpScoutSignature(secretKey, email) {
  if (!email) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', secretKey).update(email, 'utf8').digest('hex');
}

// front: Front Chat's userHash: HEX HMAC-SHA256 with the verification secret
// as UTF-8, over the user id when you send one, else the email.
// Pitfall: Front signs the user id when you send one; with both sent, a hash of
// the email fails, and only the signed one is verified.
function frontUserHash(verificationSecret, { userId, email }) {
  const message = userId || email;
  if (!message) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', verificationSecret).update(message, 'utf8').digest('hex');
}

// plain: Plain's emailHash: HEX HMAC-SHA256 with the chat secret as UTF-8 (not
// hex-decoded, unlike pylon-hmac's), over the email exactly as sent.
function plainEmailHash(secret, email) {
  if (!email) throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', secret).update(email, 'utf8').digest('hex');
}

// gleap: Gleap's userHash (Gleap.identify's third argument): HEX HMAC-SHA256
// with the identity verification secret as UTF-8, over the user id as a string.
// Pitfall: a numeric id is signed as its decimal text, String(user.id).
function gleapUserHash(secret, userId) {
  if (userId === undefined || userId === null || userId === '') throw new Error(NO_IDENTIFIER);
  return crypto.createHmac('sha256', secret).update(String(userId), 'utf8').digest('hex');
}

const nowInSeconds = () => Math.floor(Date.now() / 1000); // JWT times are seconds, not Date.now()'s ms

const hasUidOrEmail = (identities) =>
  identities.some((id) => (id.identifier === 'uid' || id.identifier === 'email') && id.value);

// An identity as Helpshift's format writes it: identifier, value, then metadata
// when there is some. Nothing else: Signet refuses an identity with other members.
const identityClaim = ({ identifier, value, metadata }) =>
  (metadata && Object.keys(metadata).length ? { identifier, value, metadata } : { identifier, value });

// helpshift-userhub: HS256 JWT with the secret as UTF-8; claims {iat, identities}.
// identities: [{ identifier: 'uid' | 'email' | 'phone_number' | 'steam_id' | …,
// value, metadata? }], a uid and/or an email required.
// Pitfalls: iat in SECONDS; a token older than 24 hours is refused, so sign
// one per login and never cache it longer.
function helpshiftUserHubToken(secret, identities, { issuedAt = nowInSeconds() } = {}) {
  if (!hasUidOrEmail(identities)) throw new Error('a helpshift-userhub token signs a uid, an email or both');
  return jwt.sign({ iat: issuedAt, identities: identities.map(identityClaim) }, secret, { algorithm: 'HS256' });
}

const PYLON_IDS = ['account_id', 'account_external_id', 'contact_id', 'contact_external_id'];

// pylon-jwt: HS256 JWT with the secret AS DISPLAYED (text, not hex-decoded);
// claims {email, name, aud, iat, exp} and optional account_id,
// account_external_id, contact_id, contact_external_id, which the widget must
// send with the same values.
// Pitfalls: aud is the app id (the Signet app's, where Pylon had its widget's);
// exp at most 15 minutes after iat (10 by default).
function pylonChatWidgetToken(secret, appId, { email, name, ...ids },
  { issuedAt = nowInSeconds(), lifetimeSeconds = 600 } = {}) {
  if (!email || !appId) throw new Error('a pylon-jwt token signs an email, with the app id as its audience');
  if (lifetimeSeconds > 900) throw new Error('a pylon-jwt token lives at most 15 minutes');
  const claims = { email, ...(name ? { name } : {}), aud: appId, iat: issuedAt, exp: issuedAt + lifetimeSeconds };
  for (const k of PYLON_IDS) if (ids[k]) claims[k] = ids[k];
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

// signet: HS256 JWT whose kid header names the key; claims {aud, iat, exp,
// name, identities} (identities as for helpshift-userhub).
// Pitfalls: keyId is the id Signet showed with the secret (it is what makes
// rotation possible); aud is the Signet app id; exp − iat may not exceed the
// app's maximum lifetime (1 hour unless configured).
function signetIdentityToken(secret, { keyId, appId, identities, name },
  { issuedAt = nowInSeconds(), lifetimeSeconds = 600 } = {}) {
  if (!keyId || !appId || !hasUidOrEmail(identities)) {
    throw new Error('a signet token names its key id and app id, and signs a uid, an email or both');
  }
  const claims = { aud: appId, iat: issuedAt, exp: issuedAt + lifetimeSeconds, ...(name ? { name } : {}),
    identities: identities.map(identityClaim) };
  return jwt.sign(claims, secret, { algorithm: 'HS256', keyid: keyId });
}

// signet with a key pair: the same claims, signed ES256 with your P-256
// private key (PEM); Signet holds only the public key, whose id is the kid.
// Pitfalls: algorithm must be exactly ES256 (jsonwebtoken writes the JWS
// r||s signature, not DER); keep the private key on your server.
function signetIdentityTokenES256(privateKeyPem, { keyId, appId, identities, name },
  { issuedAt = nowInSeconds(), lifetimeSeconds = 600 } = {}) {
  if (!keyId || !appId || !hasUidOrEmail(identities)) {
    throw new Error('a signet token names its key id and app id, and signs a uid, an email or both');
  }
  const claims = { aud: appId, iat: issuedAt, exp: issuedAt + lifetimeSeconds, ...(name ? { name } : {}),
    identities: identities.map(identityClaim) };
  return jwt.sign(claims, privateKeyPem, { algorithm: 'ES256', keyid: keyId });
}

// kustomer: HS256 JWT with the secret as UTF-8; claims {externalId, email, iat},
// an externalId and/or an email. Kustomer.login({ jwtToken }) took it; Signet's
// widget takes it as identityToken.
// Pitfalls: iat in SECONDS, at most 15 minutes old: sign a token when the chat
// opens, not once per session. externalId is a STRING (String(user.id)). When
// the token signs an email, the user is the email: the externalId is then not
// verified.
function kustomerToken(secret, { externalId, email }, { issuedAt = nowInSeconds() } = {}) {
  if (!externalId && !email) throw new Error('a kustomer token signs an externalId, an email or both');
  const claims = { ...(externalId ? { externalId: String(externalId) } : {}), ...(email ? { email } : {}), iat: issuedAt };
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

// freshdesk-widget: HS256 JWT with the secret as UTF-8; claims {name, email,
// exp}, the email required (what the help widget's authenticate callback
// returned). The token has no iat: issuedAt is "now".
// Pitfalls: exp in SECONDS, in the future and at most 2 hours ahead (10
// minutes by default); jsonwebtoken adds an iat unless told not to.
function freshdeskWidgetToken(secret, { name, email }, { issuedAt = nowInSeconds(), lifetimeSeconds = 600 } = {}) {
  if (!email) throw new Error('a freshdesk-widget token signs an email');
  if (!(lifetimeSeconds > 0 && lifetimeSeconds <= 7200)) {
    throw new Error('a freshdesk-widget token expires in the future, within 2 hours');
  }
  const claims = { ...(name ? { name } : {}), email, exp: issuedAt + lifetimeSeconds };
  return jwt.sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
}

// intercom-jwt: Intercom's Messenger JWT (intercom_user_jwt), HS256 with the
// platform's secret as UTF-8; claims {user_id, email, iat, exp}.
// Pitfalls: user_id is a STRING (String(user.id): a number is refused);
// iOS, Android and web have one secret each, as for the user_hash; exp is
// optional and honoured (an hour is usual).
function intercomMessengerToken(platformSecret, { userId, email },
  { issuedAt = nowInSeconds(), lifetimeSeconds } = {}) {
  if (typeof userId !== 'string' || !userId) throw new Error('an intercom-jwt token signs a user_id, as a string');
  const claims = { user_id: userId, ...(email ? { email } : {}), iat: issuedAt };
  if (lifetimeSeconds) claims.exp = issuedAt + lifetimeSeconds;
  return jwt.sign(claims, platformSecret, { algorithm: 'HS256' });
}

// zendesk-messaging: Zendesk messaging's JWT, HS256 with the secret as UTF-8
// and a kid header (the key id Zendesk showed with the secret, app_…);
// claims {scope: "user", external_id, name, email, email_verified, iat, exp}.
// Pitfalls: external_id is a STRING of at most 255 characters (a number is
// refused, the 401 Zendesk users meet most); scope "user" is required; pass
// the email only once your app has verified it: it is signed with
// email_verified: true, and without that an email is no identity.
function zendeskMessagingToken(secret, keyId, { externalId, name, email },
  { issuedAt = nowInSeconds(), lifetimeSeconds } = {}) {
  if (!keyId) throw new Error('a zendesk-messaging token names its key id (app_…) in the kid header');
  if (typeof externalId !== 'string' || !externalId) throw new Error('a zendesk-messaging token signs an external_id, as a string');
  if ([...externalId].length > 255) throw new Error('a zendesk-messaging external_id is at most 255 characters');
  const claims = { scope: 'user', external_id: externalId, ...(name ? { name } : {}),
    ...(email ? { email, email_verified: true } : {}), iat: issuedAt };
  if (lifetimeSeconds) claims.exp = issuedAt + lifetimeSeconds;
  return jwt.sign(claims, secret, { algorithm: 'HS256', keyid: keyId });
}

// drift: Drift's identity JWT (drift.identify's userJwt), HS256 with the
// secret as UTF-8; claims {sub: the user id, iat, exp}.
// Pitfalls: sub is a STRING (String(user.id)); it is the user id you pass to
// drift.identify, and the only identity the token signs.
function driftUserToken(secret, userId, { issuedAt = nowInSeconds(), lifetimeSeconds } = {}) {
  if (typeof userId !== 'string' || !userId) throw new Error('a drift token signs sub, the user id, as a string');
  const claims = { sub: userId, iat: issuedAt };
  if (lifetimeSeconds) claims.exp = issuedAt + lifetimeSeconds;
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

module.exports = {
  helpshiftLegacyUserHash,
  intercomUserHash,
  akeceIdentifierHash,
  pylonEmailHash,
  helpshiftUserHubToken,
  pylonChatWidgetToken,
  signetIdentityToken,
  helpScoutSignature,
  frontUserHash,
  plainEmailHash,
  gleapUserHash,
  signetIdentityTokenES256,
  kustomerToken,
  freshdeskWidgetToken,
  intercomMessengerToken,
  zendeskMessagingToken,
  driftUserToken,
};
