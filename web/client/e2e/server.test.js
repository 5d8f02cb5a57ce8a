// The headless client against a real Signet server, in Node 20 (no DOM, no
// EventSource: what React Native and Capacitor have).
//
//   SIGNET_BIN=/path/to/signet node --test e2e/
//
// SIGNET_BIN is a signet binary (the Go test web/client/node_test.go builds
// one from this checkout and sets it); without it the test builds one with
// `go build`. If neither works it fails under CI=true and skips elsewhere.
// Each run starts its own server on a free port with SQLite in a temporary
// directory, and stops it and removes the directory at the end.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignetClient, failureCause, memoryStorage } from '../src/index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CI = process.env.CI === 'true';
const ADMIN = 'client-e2e-admin-' + Math.random().toString(36).slice(2).padEnd(24, 'x');
const tmp = mkdtempSync(join(tmpdir(), 'signet-client-e2e-'));

let bin = process.env.SIGNET_BIN;
let server;
let base;
let skip = '';

function signetBinary() {
  if (bin) return bin;
  try {
    const out = join(tmp, 'signet');
    execFileSync('go', ['build', '-o', out, './cmd/signet'], { cwd: REPO, stdio: 'ignore' });
    return out;
  } catch (e) {
    const why = `no SIGNET_BIN and go build failed: ${e.message}`;
    if (CI) throw new Error(`cannot run (CI=true, so this is not a skip): ${why}`);
    skip = why;
    return '';
  }
}

/** `signet serve` on 127.0.0.1:0 with its data in tmp; resolves to its URL once /healthz answers. */
async function serve() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGNET_')));
  env.SIGNET_ADMIN_TOKEN = ADMIN;
  const dir = join(tmp, 'data');
  server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dir, '--database', `sqlite:${join(tmp, 'signet.db')}`, '--log-format', 'json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const addr = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`signet serve did not start within 60 s:\n${output}`)), 60000);
    const read = (chunk) => {
      output += chunk;
      for (const line of output.split('\n')) {
        try {
          const e = JSON.parse(line);
          if (e.msg === 'signet is serving' && e.addr) {
            clearTimeout(t);
            resolve(e.addr);
          }
        } catch {
          /* not a log entry */
        }
      }
    };
    server.stdout.setEncoding('utf8').on('data', read);
    server.stderr.setEncoding('utf8').on('data', read);
    server.on('exit', (code) => reject(new Error(`signet serve exited (${code}):\n${output}`)));
  });
  return `http://${addr}`;
}

async function admin(method, path, body, token = ADMIN) {
  const r = await fetch(base + path, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const sign = (secret, ...args) => execFileSync(bin, ['sign', '--secret', secret, ...args], { encoding: 'utf8' }).trim();

/** Waits until fn() is truthy (it may be async). */
async function until(fn, what, ms = 20000) {
  for (const end = Date.now() + ms; !(await fn()); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

let ws;
let agent;
const apps = {};
async function app(name, profile, enforcement, on_failure) {
  const a = await admin('POST', `/api/admin/workspaces/${ws.id}/apps`, { name, platform: 'web', profile, enforcement, on_failure });
  const k = await admin('POST', `/api/admin/apps/${a.id}/keys`, {});
  return { id: a.id, secret: k.secret, kid: k.id };
}
const digest = (a, uid) => sign(a.secret, '--profile', 'intercom', '--uid', uid);
const jwt = (a, uid) => sign(a.secret, '--profile', 'signet', '--kid', a.kid, '--aud', a.id, '--uid', uid);

before(async () => {
  bin = signetBinary();
  if (!bin) return;
  base = await serve();
  ws = await admin('POST', '/api/admin/workspaces', { name: 'Client' });
  agent = (await admin('POST', `/api/admin/workspaces/${ws.id}/tokens`, { role: 'agent' })).token;
  apps.hmac = await app('hmac', 'intercom', 'enforce', 'reject');
  apps.jwt = await app('jwt', 'signet', 'enforce', 'reject');
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  rmSync(tmp, { recursive: true, force: true });
});

const client = (o) => new SignetClient({ host: base, ...o });

test('an anonymous visitor opens an issue, reads it back, and keeps it on the next start', async (t) => {
  if (skip) return t.skip(skip);
  const storage = memoryStorage();
  const c = client({ appId: apps.hmac.id, storage });
  assert.deepEqual(await c.start(), { state: 'anonymous', issues: null });
  const issue = await c.createIssue('Hello from Node');
  assert.equal(issue.messages[0].body, 'Hello from Node');
  await c.send(issue.id, 'A second line');
  assert.deepEqual((await c.messages(issue.id)).map((m) => m.body), ['Hello from Node', 'A second line']);
  assert.deepEqual((await c.messages(issue.id, issue.messages[0].id)).map((m) => m.body), ['A second line']);
  c.close();
  const again = client({ appId: apps.hmac.id, storage });
  const r = await again.start();
  assert.equal(r.state, 'anonymous');
  assert.deepEqual(r.issues.map((i) => i.id), [issue.id], 'the stored session was reused');
  again.close();
});

test('a digest (HMAC profile) and a JWT (JWT profile) log in verified', async (t) => {
  if (skip) return t.skip(skip);
  const h = client({ appId: apps.hmac.id, userId: 'user-1', email: 'one@example.com', userHash: digest(apps.hmac, 'user-1') });
  assert.equal((await h.start()).state, 'verified');
  assert.equal(h.userId && h.userId.startsWith('usr_'), true);
  const j = client({ appId: apps.jwt.id, identityToken: jwt(apps.jwt, 'user-2') });
  assert.equal((await j.start()).state, 'verified');
  assert.deepEqual(await j.issues(), []);
  h.close();
  j.close();
});

test('failures name their cause: a wrong digest, an unsigned login on an enforcing app, an unknown app, no server', async (t) => {
  if (skip) return t.skip(skip);
  const wrong = client({ appId: apps.hmac.id, userId: 'user-1', userHash: digest(apps.hmac, 'someone-else') });
  const failed = [];
  wrong.on('auth-failed', (f) => failed.push(f.code));
  const e1 = await wrong.start().catch((e) => e);
  assert.equal(e1.status, 401);
  assert.equal(e1.code, 'signature_mismatch');
  assert.equal(failureCause(e1, wrong.o), 'rejected');
  assert.equal(wrong.state, 'auth-failed');
  assert.deepEqual(failed, ['signature_mismatch']);

  const unsigned = client({ appId: apps.hmac.id, userId: 'user-1' });
  const e2 = await unsigned.start().catch((e) => e);
  assert.equal(e2.status, 401);
  assert.equal(failureCause(e2, unsigned.o), 'unsigned_refused');

  const e3 = await client({ appId: 'app_doesnotexist' }).start().catch((e) => e);
  assert.equal(failureCause(e3, {}), 'unknown_app', `${e3.status} ${e3.code}`);

  const e4 = await new SignetClient({ host: 'http://127.0.0.1:1', appId: apps.hmac.id }).start().catch((e) => e);
  assert.equal(e4.status, 0);
  assert.equal(failureCause(e4, {}), 'network');
});

test('live updates over fetch streaming: an agent reply and a status change arrive', async (t) => {
  if (skip) return t.skip(skip);
  const c = client({ appId: apps.jwt.id, identityToken: jwt(apps.jwt, 'user-live') });
  await c.start();
  const issue = await c.createIssue('Where is my order?');
  const got = { messages: [], issues: [], connected: 0 };
  const live = c.live({ message: (m) => got.messages.push(m), issue: (i) => got.issues.push(i), connected: () => got.connected++ });
  try {
    await until(() => got.connected > 0, 'the stream to connect');
    await admin('POST', `/api/agent/issues/${issue.id}/messages`, { body: 'It ships today' }, agent);
    await until(() => got.messages.some((m) => m.body === 'It ships today' && m.author === 'agent'), 'the reply, live');
    await admin('POST', `/api/agent/issues/${issue.id}/resolve`, {}, agent);
    await until(() => got.issues.some((i) => i.id === issue.id && i.status === 'resolved'), 'the status change, live');
  } finally {
    live.stop();
    c.close();
  }
});

test('silent re-login: revoked sessions come back through fetchIdentityToken, the request is retried, the stream reconnects', async (t) => {
  if (skip) return t.skip(skip);
  let fetched = 0;
  const c = client({
    appId: apps.jwt.id,
    identityToken: jwt(apps.jwt, 'user-re'),
    fetchIdentityToken: async () => (fetched++, jwt(apps.jwt, 'user-re')),
  });
  await c.start();
  const first = c.token;
  const issue = await c.createIssue('Before the revocation');
  let connected = 0;
  const got = [];
  const live = c.live({ connected: () => connected++, message: (m) => got.push(m.body) });
  try {
    await until(() => connected === 1, 'the stream to connect');
    await admin('POST', `/api/admin/apps/${apps.jwt.id}/sessions/revoke`, {});
    // The stream learns of it (session_ended) or the next request does: either way one fresh token.
    await c.send(issue.id, 'After the revocation');
    assert.equal(fetched, 1);
    assert.notEqual(c.token, first);
    assert.equal(c.state, 'verified');
    await until(() => connected >= 2, 'the stream to reconnect with the new session');
    await admin('POST', `/api/agent/issues/${issue.id}/messages`, { body: 'Still here' }, agent);
    await until(() => got.includes('Still here'), 'a reply on the new stream');
    assert.deepEqual((await c.messages(issue.id)).map((m) => m.body), ['Before the revocation', 'After the revocation', 'Still here']);
  } finally {
    live.stop();
    c.close();
  }
});

test('without fetchIdentityToken a verified session that ends is auth-failed; an anonymous one starts afresh', async (t) => {
  if (skip) return t.skip(skip);
  const v = client({ appId: apps.jwt.id, identityToken: jwt(apps.jwt, 'user-nofetch') });
  await v.start();
  const a = client({ appId: apps.jwt.id });
  await a.start();
  const oldAnon = a.token;
  await admin('POST', `/api/admin/apps/${apps.jwt.id}/sessions/revoke`, {});
  const e = await v.issues().catch((x) => x);
  assert.equal(e.status, 401);
  assert.equal(e.handled, true);
  assert.equal(v.state, 'auth-failed');
  assert.equal(failureCause(e, {}), 'expired');
  assert.deepEqual(await a.issues(), []);
  assert.equal(a.state, 'anonymous');
  assert.notEqual(a.token, oldAnon);
});

test('logout ends a named session on the server and forgets it', async (t) => {
  if (skip) return t.skip(skip);
  const storage = memoryStorage();
  const c = client({ appId: apps.jwt.id, identityToken: jwt(apps.jwt, 'user-out'), storage });
  await c.start();
  const token = c.token;
  await c.logout();
  assert.equal(storage.getItem(`signet:session:${apps.jwt.id}@${base}`), null);
  await until(async () => (await fetch(base + '/v1/issues', { headers: { Authorization: 'Bearer ' + token } })).status === 401, 'the session to end');
});
