import test from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, Client } from '../src/api.js';

const json = (status, body, headers = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const err = (status, code, headers) => json(status, { error: { code, message: code } }, headers);

/** A fake server: `valid` is the set of live tokens. */
function fake(valid) {
  const calls = [];
  const f = async (url, init) => {
    const auth = (init.headers.Authorization || '').replace('Bearer ', '');
    calls.push({ url, method: init.method, auth });
    if (!valid.has(auth)) return err(401, 'session_expired');
    return json(200, { issues: [], auth });
  };
  return { f, calls };
}

test('a 401 session_expired logs in again and retries once, with the new token', async () => {
  const valid = new Set(['new']);
  const { f, calls } = fake(valid);
  let reauths = 0;
  const c = new Client({
    host: 'https://s.example',
    appId: 'app_x',
    fetch: f,
    reauth: async () => {
      reauths++;
      c.token = 'new';
      return true;
    },
  });
  c.token = 'old';
  const r = await c.call('GET', '/v1/issues');
  assert.equal(r.auth, 'new');
  assert.equal(reauths, 1);
  assert.deepEqual(
    calls.map((x) => x.auth),
    ['old', 'new'],
  );
  assert.equal(calls[0].url, 'https://s.example/v1/issues');
});

test('requests failing together share one login', async () => {
  const valid = new Set(['new']);
  const { f } = fake(valid);
  let reauths = 0;
  const c = new Client({
    host: '',
    appId: 'a',
    fetch: f,
    reauth: async () => {
      reauths++;
      await new Promise((r) => setTimeout(r, 10));
      c.token = 'new';
      return true;
    },
  });
  c.token = 'old';
  const all = await Promise.all([c.call('GET', '/v1/issues'), c.call('GET', '/v1/issues'), c.call('GET', '/v1/me')]);
  assert.equal(reauths, 1);
  assert.ok(all.every((r) => r.auth === 'new'));
});

test('only one retry: a second failure is the caller\'s', async () => {
  const { f, calls } = fake(new Set());
  const c = new Client({ host: '', appId: 'a', fetch: f, reauth: async () => ((c.token = 'still-bad'), true) });
  c.token = 'old';
  await assert.rejects(c.call('GET', '/v1/issues'), (e) => e instanceof ApiError && e.code === 'session_expired' && !e.handled);
  assert.equal(calls.length, 2);
});

test('when logging in again fails, the error is marked handled (the widget shows the auth-failed screen)', async () => {
  const { f, calls } = fake(new Set());
  const c = new Client({ host: '', appId: 'a', fetch: f, reauth: async () => false });
  c.token = 'old';
  await assert.rejects(c.call('POST', '/v1/issues', { message: 'hi' }), (e) => e.handled === true && e.status === 401);
  assert.equal(calls.length, 1);
});

test('a passing failure while logging in again reaches the caller', async () => {
  const { f } = fake(new Set());
  const c = new Client({ host: '', appId: 'a', fetch: f, reauth: async () => {
    throw new ApiError(0, 'network');
  } });
  c.token = 'old';
  await assert.rejects(c.call('GET', '/v1/issues'), (e) => e.code === 'network' && !e.handled);
});

test('errors: 429 with Retry-After, the network, a reason code at login', async () => {
  const c = new Client({ host: '', appId: 'app x', fetch: async () => err(429, 'rate_limited', { 'Retry-After': '17' }) });
  await assert.rejects(c.call('POST', '/v1/issues', {}), (e) => e.status === 429 && e.code === 'rate_limited' && e.retryAfter === 17);
  const n = new Client({ host: '', appId: 'a', fetch: async () => {
    throw new TypeError('Failed to fetch');
  } });
  await assert.rejects(n.call('GET', '/v1/issues'), (e) => e.status === 0 && e.code === 'network');
  let url;
  const l = new Client({ host: 'https://s', appId: 'app x', fetch: async (u) => ((url = u), err(401, 'signature_mismatch')) });
  await assert.rejects(l.login({}), (e) => e.status === 401 && e.code === 'signature_mismatch');
  assert.equal(url, 'https://s/v1/apps/app%20x/login');
  const h = new Client({ host: '', appId: 'a', fetch: async () => new Response('<html>', { status: 502 }) });
  await assert.rejects(h.call('GET', '/v1/issues'), (e) => e.status === 502 && e.code === 'http_502');
});

test('the token is sent as a bearer token, JSON as JSON, no cookies', async () => {
  let seen;
  const c = new Client({ host: 'https://s', appId: 'a', fetch: async (u, init) => ((seen = init), json(201, { id: 'msg_1' })) });
  c.token = 'sst_t';
  await c.call('POST', '/v1/issues/iss_1/messages', { body: 'hi' });
  assert.equal(seen.headers.Authorization, 'Bearer sst_t');
  assert.equal(seen.headers['Content-Type'], 'application/json');
  assert.equal(seen.body, '{"body":"hi"}');
  assert.equal(seen.credentials, 'omit');
});
