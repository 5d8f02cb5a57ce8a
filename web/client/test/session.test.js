import test from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyLoginError,
  hasIdentity,
  identityFingerprint,
  isSessionError,
  loginBody,
  mayReuse,
  proofFrom,
  reauthAccepted,
  reauthPlan,
  stateOf,
} from '../src/session.js';

const jwt = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

test('the state a login gives', () => {
  assert.equal(stateOf({ verified: true, anonymous: false }), 'verified');
  assert.equal(stateOf({ verified: false, anonymous: true }), 'anonymous');
  assert.equal(stateOf({ verified: false, anonymous: false }), 'unverified');
});

test('what a failed login means', () => {
  assert.equal(classifyLoginError(401), 'auth-failed');
  assert.equal(classifyLoginError(429), 'rate-limited');
  for (const s of [0, 409, 500, 503]) assert.equal(classifyLoginError(s), 'retry');
  for (const s of [400, 404, 413]) assert.equal(classifyLoginError(s), 'unavailable');
});

test('session errors', () => {
  for (const c of ['session_expired', 'session_revoked', 'unauthenticated']) assert.ok(isSessionError(401, c));
  assert.ok(!isSessionError(401, 'signature_mismatch'));
  assert.ok(!isSessionError(403, 'session_expired'));
});

test('state transitions when a session ends', () => {
  // verified: a fresh token from fetchIdentityToken, else authentication failed
  assert.equal(reauthPlan('verified', true), 'fetch');
  assert.equal(reauthPlan('verified', false), 'fail');
  // anonymous: a fresh anonymous login, fetchIdentityToken or not
  assert.equal(reauthPlan('anonymous', true), 'anonymous');
  assert.equal(reauthPlan('anonymous', false), 'anonymous');
  // unverified (monitor/off): a fresh token if there is a way, else what boot() had
  assert.equal(reauthPlan('unverified', true), 'fetch');
  assert.equal(reauthPlan('unverified', false), 'boot');
  // a verified user never comes back silently unverified
  assert.ok(reauthAccepted('verified', { verified: true }));
  assert.ok(!reauthAccepted('verified', { verified: false, anonymous: false }));
  assert.ok(!reauthAccepted('verified', { verified: false, anonymous: true }));
  assert.ok(reauthAccepted('unverified', { verified: false }));
  assert.ok(reauthAccepted('anonymous', { anonymous: true }));
});

test('the login body', () => {
  const o = { appId: 'app_x', userId: 'u1', email: 'a@b.c', userHash: 'h', name: 'Jane', appVersion: '1.2', accentColor: 'red' };
  assert.deepEqual(loginBody(o, { deviceId: 'web_1', anonymousSession: 'sst_anon' }), {
    user_id: 'u1',
    email: 'a@b.c',
    user_hash: 'h',
    anonymous_session: 'sst_anon',
    name: 'Jane',
    device_id: 'web_1',
    app_version: '1.2',
  });
  // a fresh proof replaces boot()'s
  assert.equal(loginBody({ ...o, identityToken: 'old' }, { proof: { identityToken: 'new' } }).identity_token, 'new');
  assert.equal(loginBody({ ...o, identityToken: 'old' }, { proof: { identityToken: 'new' } }).user_hash, undefined);
  // anonymous: no identity, no hand-over, empty strings left out
  assert.deepEqual(loginBody({ appId: 'a', userId: '', name: 'Guest' }, { deviceId: 'd', anonymousSession: 'sst_anon' }), { name: 'Guest', device_id: 'd' });
  assert.ok(!hasIdentity({ appId: 'a', name: 'x' }));
  assert.ok(hasIdentity({ email: 'a@b.c' }));
});

test('what fetchIdentityToken may return', () => {
  assert.deepEqual(proofFrom('tok', { identityToken: 'x' }), { identityToken: 'tok' });
  assert.deepEqual(proofFrom('tok', {}), { identityToken: 'tok' });
  assert.deepEqual(proofFrom('abc', { userHash: 'h' }), { userHash: 'abc' });
  assert.deepEqual(proofFrom({ userHash: 'abc' }, {}), { identityToken: undefined, userHash: 'abc' });
  assert.equal(proofFrom('', {}), null);
  assert.equal(proofFrom(undefined, {}), null);
  assert.equal(proofFrom({}, {}), null);
});

test('a stored session is reused only by its own identity', () => {
  const a1 = { userId: 'u1', identityToken: jwt({ uid: 'u1', iat: 1, exp: 2 }) };
  const a2 = { userId: 'u1', identityToken: jwt({ uid: 'u1', iat: 50, exp: 60 }) };
  const b = { userId: 'u2', identityToken: jwt({ uid: 'u2', iat: 1, exp: 2 }) };
  assert.equal(identityFingerprint(a1), identityFingerprint(a2), 'a fresh token for the same user');
  assert.notEqual(identityFingerprint(a1), identityFingerprint(b));
  assert.notEqual(identityFingerprint({ userId: 'u1', userHash: 'h1' }), identityFingerprint({ userId: 'u1', userHash: 'h2' }));
  assert.ok(!identityFingerprint({ userHash: 'secretdigest' }).includes('secretdigest'));

  const verified = { t: 'sst_1', s: 'verified', f: identityFingerprint(a1) };
  assert.ok(mayReuse(verified, a2));
  assert.ok(!mayReuse(verified, b));
  assert.ok(!mayReuse({ ...verified, s: 'unverified' }, a2), 'unverified with a token: log in again, the verdict may change');
  const claimed = { userId: 'u1', email: 'a@b.c' }; // monitor/off, an app version that signs nothing
  const unv = { t: 'sst_3', s: 'unverified', f: identityFingerprint(claimed) };
  assert.ok(mayReuse(unv, claimed), 'unverified without a proof: keep the session and its conversations');
  assert.ok(!mayReuse(unv, { userId: 'u2' }));
  assert.ok(!mayReuse(unv, { ...claimed, userHash: 'h' }));
  assert.ok(!mayReuse(verified, {}), 'a named session is not an anonymous one');
  assert.ok(mayReuse({ t: 'sst_2', s: 'anonymous' }, { appId: 'x' }));
  assert.ok(!mayReuse({ t: 'sst_2', s: 'anonymous' }, a1));
  assert.ok(!mayReuse(null, {}));
  assert.ok(!mayReuse({ s: 'anonymous' }, {}));
});
