// Session rules without DOM or network: which state a login gives, what a
// failed request means, how to log in again, and which stored session may be
// reused. Tested with node --test.

import { digest, jwtClaims, stableJSON } from './util.js';

/** The four values of data-signet-state (CONTRACT.md, "Web chat widget"). */
export const VERIFIED = 'verified';
export const UNVERIFIED = 'unverified';
export const ANONYMOUS = 'anonymous';
export const AUTH_FAILED = 'auth-failed';

/** The state a login answer (or GET /v1/me) puts the widget in. */
export function stateOf(answer) {
  if (answer.verified) return VERIFIED;
  if (answer.anonymous) return ANONYMOUS;
  return UNVERIFIED;
}

/** Does boot() name someone? Without an identifier the login is anonymous. */
export function hasIdentity(o) {
  return !!(o.userId || o.email || o.userHash || o.identityToken);
}

/** The 401 codes that mean "this session no longer works: log in again". */
export function isSessionError(status, code) {
  return status === 401 && (code === 'session_expired' || code === 'session_revoked' || code === 'unauthenticated');
}

/**
 * What a failed login means for the widget:
 *  - 'auth-failed': 401, the app rejects failed verifications (the code is the reason);
 *  - 'rate-limited': 429, wait Retry-After;
 *  - 'retry': the network, a 5xx or a login race (409): try again with backoff;
 *  - 'unavailable': anything else (unknown app, bad request): say so, stop.
 */
export function classifyLoginError(status) {
  if (status === 401) return AUTH_FAILED;
  if (status === 429) return 'rate-limited';
  if (status === 0 || status === 409 || status >= 500) return 'retry';
  return 'unavailable';
}

/**
 * Why a login (or a re-login) failed, named for the developer's console and
 * for the end user's message. `err` is an ApiError; `o` the identity options.
 *  - 'unknown_app': 404, no app has this id (a typo in appId);
 *  - 'unsigned_refused': 401 for a login that carried no digest or token: the
 *    app enforces verification and refuses unsigned logins;
 *  - 'rejected': 401 for a signed login: the signature was refused (err.code
 *    is the reason: signature_mismatch, expired, key_unknown…);
 *  - 'expired': the session ended and could not be renewed;
 *  - 'rate_limited': 429 (err.retryAfter says how long to wait);
 *  - 'network': no answer (offline, DNS, CORS, the server down) or a 5xx;
 *  - 'bad_request': any other refusal (a malformed option).
 */
export function failureCause(err, o = {}) {
  const status = err && typeof err.status === 'number' ? err.status : 0;
  const code = (err && err.code) || '';
  if (status === 401 && isSessionError(status, code)) return 'expired';
  if (status === 401) return o.userHash || o.identityToken ? 'rejected' : 'unsigned_refused';
  if (status === 404) return 'unknown_app';
  if (status === 429) return 'rate_limited';
  if (status === 0 || status >= 500) return 'network';
  return 'bad_request';
}

/**
 * How to log in again when a session ends (401 session_expired, session_revoked):
 *  - 'anonymous': a fresh anonymous login (anonymous visitors);
 *  - 'fetch': ask fetchIdentityToken() for a fresh token;
 *  - 'boot': log in again with what boot() was given (unverified sessions: a
 *    digest or token the app did not verify cannot get worse);
 *  - 'fail': a verified user with no way to get a fresh token: the
 *    "authentication failed" screen.
 */
export function reauthPlan(state, hasFetch) {
  if (state === ANONYMOUS) return 'anonymous';
  if (hasFetch) return 'fetch';
  return state === VERIFIED ? 'fail' : 'boot';
}

/**
 * Whether a login made to replace an ended session may take its place. A
 * verified user must come back verified (else: authentication failed); an
 * unverified or anonymous one accepts any session.
 */
export function reauthAccepted(prevState, answer) {
  return prevState !== VERIFIED || !!answer.verified;
}

/**
 * The body of POST /v1/apps/{app}/login. `proof` overrides the boot options'
 * userHash / identityToken (a fresh one from fetchIdentityToken).
 */
export function loginBody(o, { deviceId, anonymousSession, proof } = {}) {
  const body = {};
  const put = (k, v) => {
    if (typeof v === 'string' && v !== '') body[k] = v;
  };
  if (hasIdentity(o)) {
    put('user_id', o.userId);
    put('email', o.email);
    const p = proof || { userHash: o.userHash, identityToken: o.identityToken };
    put('user_hash', p.userHash);
    put('identity_token', p.identityToken);
    put('anonymous_session', anonymousSession);
  }
  put('name', o.name);
  put('device_id', deviceId);
  put('app_version', o.appVersion);
  return body;
}

/**
 * What fetchIdentityToken() returned, as a proof: a string is a token (or a
 * digest, for an app booted with userHash); an object may name either.
 */
export function proofFrom(value, o) {
  if (typeof value === 'string' && value) {
    return o.userHash && !o.identityToken ? { userHash: value } : { identityToken: value };
  }
  if (value && typeof value === 'object' && (value.identityToken || value.userHash)) {
    return { identityToken: value.identityToken, userHash: value.userHash };
  }
  return null;
}

/**
 * A fingerprint of the identity boot() names, to recognise the stored session
 * that belongs to it across reloads. For a JWT it covers the claims except the
 * times (a brand signs a fresh token for every page), so the same user with a
 * fresh token reuses the session, and anyone else gets a new login. It is a
 * digest: neither the user's digest nor token is kept in storage.
 */
export function identityFingerprint(o) {
  let proof = o.userHash || '';
  if (o.identityToken) {
    const claims = jwtClaims(o.identityToken);
    if (claims) {
      for (const k of ['iat', 'exp', 'nbf', 'jti']) delete claims[k];
      proof = 'jwt:' + stableJSON(claims);
    } else proof = 'raw:' + o.identityToken;
  }
  return digest(stableJSON([o.userId || '', o.email || '', o.name || '', proof]));
}

/**
 * Whether a stored session may be reused at boot instead of logging in (an
 * unverified or anonymous user sees only what their session created, so
 * keeping it across reloads keeps their conversations):
 *  - boot names nobody: the anonymous session of this browser;
 *  - boot names someone: only a session of the very same identity, and when
 *    it was not verified, only if boot carries no digest or token (a fresh
 *    login could then come out differently: a key fixed by an admin verifies
 *    it now, an app switched to `enforce` rejects it).
 */
export function mayReuse(stored, o) {
  if (!stored || typeof stored.t !== 'string' || !stored.t) return false;
  if (!hasIdentity(o)) return stored.s === ANONYMOUS && !stored.f;
  if (stored.f !== identityFingerprint(o)) return false;
  return stored.s === VERIFIED || !(o.userHash || o.identityToken);
}
