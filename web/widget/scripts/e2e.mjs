// End to end in a real browser: builds and starts a Signet server (Go), serves
// widget.js from one origin and a brand's page from another, and drives
// headless Chromium through the CDP. Skips (exit 0) without Go or Chromium;
// fails instead when CI=true.
//
//   npm run build && npm run e2e        # screenshots in $SCREENSHOTS (default: a temp dir)

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser } from './cdp.mjs';
import { pageServer, widgetServer, WIDGET_FILE } from './dev.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function which(names) {
  for (const n of names) {
    if (n.includes('/')) {
      if (existsSync(n)) return n;
      continue;
    }
    try {
      return execFileSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      /* not found */
    }
  }
  return null;
}

function skip(why) {
  if (process.env.CI === 'true') {
    console.error(`e2e: cannot run: ${why}`);
    process.exit(1);
  }
  console.log(`e2e: skipped: ${why}`);
  process.exit(0);
}

const chromium = process.env.CHROMIUM || which(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']);
if (!chromium) skip('no Chromium (set CHROMIUM=/path/to/chrome)');
if (!which(['go'])) skip('no Go toolchain');
if (typeof WebSocket !== 'function') skip('run with node --experimental-websocket (npm run e2e does)');
if (!existsSync(WIDGET_FILE)) skip('widget.js is not built: npm run build');

const tmp = mkdtempSync(join(tmpdir(), 'signet-widget-e2e-'));
const shots = process.env.SCREENSHOTS || join(tmp, 'screenshots');
mkdirSync(shots, { recursive: true });

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// ------------------------------------------------------------ the server

const bin = join(tmp, 'signet');
const log = (...a) => process.env.DEBUG && console.error("e2e:", ...a);
execFileSync('go', ['build', '-o', bin, './cmd/signet'], { cwd: REPO, stdio: 'inherit' });
const ADMIN = 'e2e-admin-' + Math.random().toString(36).slice(2).padEnd(32, 'x');
const port = await freePort();
const API = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', join(tmp, 'data')], {
  env: { ...process.env, SIGNET_ADMIN_TOKEN: ADMIN },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverLog = '';
server.stderr.on('data', (d) => (serverLog += d));
for (let i = 0; ; i++) {
  try {
    if ((await fetch(API + '/healthz')).ok) break;
  } catch {
    /* not yet */
  }
  if (i > 100) throw new Error('signet serve did not start:\n' + serverLog);
  await new Promise((r) => setTimeout(r, 100));
}

async function admin(method, path, body, token = ADMIN) {
  const r = await fetch(API + path, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

log('server up');
const ws = await admin('POST', '/api/admin/workspaces', { name: 'Acme' });
const app = async (name, profile, enforcement, on_failure) => {
  const a = await admin('POST', `/api/admin/workspaces/${ws.id}/apps`, { name, platform: 'web', profile, enforcement, on_failure });
  const k = await admin('POST', `/api/admin/apps/${a.id}/keys`, {});
  return { id: a.id, secret: k.secret, kid: k.id };
};
const rej = await app('web', 'intercom', 'enforce', 'reject');
const mon = await app('web monitor', 'intercom', 'monitor', 'reject');
const jwt = await app('web jwt', 'signet', 'enforce', 'reject');
const agent = (await admin('POST', `/api/admin/workspaces/${ws.id}/tokens`, { role: 'agent' })).token;

const sign = (a, ...args) => execFileSync(bin, ['sign', '--secret', a.secret, ...args], { encoding: 'utf8' }).trim();
const hash = (a, uid) => sign(a, '--profile', 'intercom', '--uid', uid);
const token = (uid) => sign(jwt, '--profile', 'signet', '--kid', jwt.kid, '--aud', jwt.id, '--uid', uid);

// ------------------------------------------------------ widget and page

const w = await widgetServer({ signet: API });
const site = await pageServer({ widgetUrl: w.url, token: (q) => token(q.uid) });
const page = (o) => `${site.url}/page.html?${new URLSearchParams(o)}`;
assert.notEqual(new URL(w.url).origin, new URL(site.url).origin);

log('servers', w.url, site.url);
const browser = await Browser.launch(chromium);
log('browser up');
let failures = 0;
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${e.stack || e}`);
  }
}

const BOOT = `Promise.race([window.__boot, new Promise((r) => setTimeout(() => r('boot timed out'), 10000))])`;
const STATE = `document.getElementById('signet-widget')?.dataset.signetState`;
const ACTIVE = `(S.activeElement && (S.activeElement.getAttribute('aria-label') || S.activeElement.className || S.activeElement.tagName))`;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (fn, what, timeout = 10000) => {
  for (const end = Date.now() + timeout; !fn(); await pause(50)) if (Date.now() > end) throw new Error('timed out waiting for ' + what);
};
const sendText = async (p, text) => {
  await p.eval(`S.querySelector('textarea').focus()`);
  await p.type(text);
  await p.key('Enter');
};

try {
  const p = await browser.newPage();

  await step('anonymous visitor: boots, opens, writes; the host comes from the script URL', async () => {
    await p.goto(page({ appId: rej.id }));
    assert.equal(await p.waitFor(BOOT), 'anonymous');
    assert.equal(await p.eval(STATE), 'anonymous');
    assert.equal(await p.eval(`S.querySelector('.launcher').getAttribute('aria-expanded')`), 'false');
    await p.click(`S.querySelector('.launcher')`);
    assert.equal(await p.eval(`S.querySelector('.launcher').getAttribute('aria-expanded')`), 'true');
    assert.equal(await p.eval(`S.querySelector('[role=dialog]').getAttribute('aria-modal')`), 'false');
    assert.equal(await p.eval(`S.getElementById(S.querySelector('[role=dialog]').getAttribute('aria-labelledby')).textContent`), 'Support');
    assert.equal(await p.eval(`S.activeElement && S.activeElement.tagName`), 'TEXTAREA', 'focus moves into the panel');
    await pause(400);
    await p.screenshot(join(shots, '1-anonymous-new.png'));
    await sendText(p, 'Hello, my order #1234 never arrived.');
    await p.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
    assert.match(await p.eval(`S.querySelector('.msg.user .bubble').textContent`), /order #1234/);
    assert.equal(await p.eval(`S.activeElement && S.activeElement.tagName`), 'TEXTAREA');
    const hosts = new Set(p.requests.filter((u) => u.startsWith('http')).map((u) => new URL(u).origin));
    assert.deepEqual([...hosts].sort(), [site.url, w.url].sort(), 'requests only to the page and the Signet host');
  });

  await step('Escape closes and focus returns to the launcher', async () => {
    await p.key('Escape');
    assert.equal(await p.eval(`S.querySelector('[role=dialog]').hidden`), true);
    assert.equal(await p.eval(ACTIVE), 'Open support chat');
  });

  await step('reload: the anonymous visitor keeps their issue', async () => {
    await p.reload();
    assert.equal(await p.waitFor(BOOT), 'anonymous');
    await p.eval(`Signet.open()`);
    await p.waitFor(`S.querySelectorAll('.card').length === 1`);
    assert.match(await p.eval(`S.querySelector('.card').textContent`), /Open.*order #1234/s);
    assert.equal(await p.eval(`S.activeElement && S.activeElement.className`), 'card', 'focus on the first conversation');
  });

  await step('verified login on the same device takes the anonymous issues over', async () => {
    await p.goto(page({ appId: rej.id, userId: 'user-42', email: 'jane@example.com', userHash: hash(rej, 'user-42'), name: 'Jane' }));
    assert.equal(await p.waitFor(BOOT), 'verified');
    assert.equal(await p.eval(STATE), 'verified');
    await p.eval(`Signet.open()`);
    await p.waitFor(`S.querySelectorAll('.card').length === 1`);
    assert.match(await p.eval(`S.querySelector('.card').textContent`), /order #1234/);
    assert.equal(await p.eval(`localStorage.getItem('signet:anon:${rej.id}@${w.url}')`), null);
  });

  let issueId;
  await step('an agent reply and a status change arrive live and are announced', async () => {
    await p.click(`S.querySelector('.card')`);
    await p.waitFor(`S.querySelectorAll('.msg').length === 1`);
    issueId = (await admin('GET', `/api/agent/workspaces/${ws.id}/issues`, undefined, agent)).issues[0].id;
    await admin('POST', `/api/agent/issues/${issueId}/messages`, { body: 'Sorry about that! It ships today: https://example.com/track/1234.' }, agent);
    await p.waitFor(`S.querySelectorAll('.msg.agent').length === 1`);
    assert.match(await p.eval(`S.querySelector('[aria-live=polite]').textContent`), /New reply from Support/);
    assert.equal(await p.eval(`S.querySelector('.msg.agent a').href`), 'https://example.com/track/1234');
    await admin('POST', `/api/agent/issues/${issueId}/resolve`, {}, agent);
    await p.waitFor(`!S.querySelector('.banner').hidden`);
    assert.match(await p.eval(`S.querySelector('[aria-live=polite]').textContent`), /resolved/);
    await pause(400);
    await p.screenshot(join(shots, '2-verified-thread.png'));
  });

  await step('the user replies (the issue reopens); the list shows it newest first', async () => {
    await sendText(p, 'Thanks!');
    await p.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
    await p.waitFor(`S.querySelector('.banner').hidden`);
    await p.eval(`S.querySelector('[aria-label="Back to your conversations"]').click()`);
    await p.waitFor(`S.querySelector('.card .st').textContent === 'Open'`);
    await pause(400);
    await p.screenshot(join(shots, '3-verified-list.png'));
  });

  await step('a verified reload reuses its session: no new login, no new verification', async () => {
    const before = p.requests.length;
    await p.reload();
    assert.equal(await p.waitFor(BOOT), 'verified');
    const since = p.requests.slice(before);
    assert.ok(!since.some((u) => u.includes('/login')), since.join('\n'));
  });

  await step('the stream reconnects with backoff and re-reads what it missed', async () => {
    await p.eval(`Signet.open()`);
    await p.waitFor(`S.querySelector('.card')`);
    await p.click(`S.querySelector('.card')`);
    await p.waitFor(`S.querySelectorAll('.msg').length >= 3`);
    await until(() => w.streamCount() > 0, 'an event stream');
    w.control.blockEvents = true;
    w.dropStreams();
    await admin('POST', `/api/agent/issues/${issueId}/messages`, { body: 'Written while you were offline' }, agent);
    await pause(1500);
    assert.ok(!(await p.eval(`S.querySelector('.msgs').textContent.includes('offline')`)));
    w.control.blockEvents = false;
    await p.waitFor(`S.querySelector('.msgs').textContent.includes('Written while you were offline')`, 40000);
    await until(() => w.streamCount() > 0, 'a new event stream');
    await admin('POST', `/api/agent/issues/${issueId}/messages`, { body: 'And live again' }, agent);
    await p.waitFor(`S.querySelector('.msgs').textContent.includes('And live again')`);
  });

  await step('styles stay in the shadow root; reduced motion turns animations off', async () => {
    assert.equal(await p.eval(`document.querySelectorAll('style, link[rel=stylesheet]').length`), 1, "only the page's own");
    assert.equal(await p.eval(`document.adoptedStyleSheets.length`), 0);
    assert.notEqual(await p.eval(`getComputedStyle(S.querySelector('.launcher')).fontFamily`), undefined);
    assert.equal(await p.eval(`getComputedStyle(S.querySelector('.card, .msg .bubble')).borderStyle.includes('dashed')`), false);
    await p.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value: 'reduce' }] });
    assert.equal(await p.eval(`getComputedStyle(S.querySelector('.panel')).animationName`), 'none');
    await p.send('Emulation.setEmulatedMedia', { features: [] });
  });

  await step('Tab reaches every control, with a visible focus style', async () => {
    await p.eval(`S.querySelector('[aria-label="Back to your conversations"]').click()`);
    await p.eval(`S.querySelector('[aria-label="Close support chat"]').focus()`);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      await p.key('Tab');
      seen.push(await p.eval(ACTIVE));
    }
    assert.deepEqual(seen, ['card', 'primary', 'Close support chat'], 'close → conversation → new conversation → launcher');
    const outline = await p.eval(`(() => { S.querySelector('.primary').focus(); return getComputedStyle(S.querySelector('.primary')).outlineStyle; })()`);
    assert.notEqual(outline, 'none');
  });

  await step('session revoked: fetchIdentityToken, log in again, retry once, the panel kept', async () => {
    const p2 = await browser.newPage();
    await p2.goto(page({ appId: jwt.id, identityToken: token('user-77'), fetchToken: 'uid=user-77' }));
    assert.equal(await p2.waitFor(BOOT), 'verified');
    await p2.eval(`Signet.open()`);
    await sendText(p2, 'First message');
    await p2.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
    await admin('POST', `/api/admin/apps/${jwt.id}/sessions/revoke`, {});
    await p2.eval(`S.querySelector('textarea').focus()`);
    await sendText(p2, 'Second message');
    await p2.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
    assert.equal(await p2.eval(`window.__fetched`), 1);
    assert.equal(await p2.eval(STATE), 'verified');
    assert.match(await p2.eval(`S.querySelector('.msgs').textContent`), /First message.*Second message/s);
  });

  await step('session expired: verified logs in again with a fresh token; anonymous gets a new anonymous session', async () => {
    const port2 = await freePort();
    const api2 = `http://127.0.0.1:${port2}`;
    const s2 = spawn(bin, ['serve', '--addr', `127.0.0.1:${port2}`, '--data-dir', join(tmp, 'data2'), '--session-lifetime', '6s'], {
      env: { ...process.env, SIGNET_ADMIN_TOKEN: ADMIN },
      stdio: 'ignore',
    });
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(api2 + '/healthz')).ok) break;
        } catch {
          if (i > 100) throw new Error('second server did not start');
          await pause(100);
        }
      }
      const call = async (path, body) => {
        const r = await fetch(api2 + path, { method: 'POST', headers: { Authorization: 'Bearer ' + ADMIN, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        return r.json();
      };
      const ws2 = await call('/api/admin/workspaces', { name: 'Short' });
      const a2 = await call(`/api/admin/workspaces/${ws2.id}/apps`, { name: 'w', platform: 'web', profile: 'signet', enforcement: 'enforce', on_failure: 'reject' });
      const k2 = await call(`/api/admin/apps/${a2.id}/keys`, {});
      const tok = () => execFileSync(bin, ['sign', '--secret', k2.secret, '--profile', 'signet', '--kid', k2.id, '--aud', a2.id, '--uid', 'user-5'], { encoding: 'utf8' }).trim();
      const w2 = await widgetServer({ signet: api2 });
      const site2 = await pageServer({ widgetUrl: w2.url, token: tok });
      try {
        const v = await browser.newPage();
        const an = await browser.newPage();
        await v.goto(`${site2.url}/page.html?${new URLSearchParams({ appId: a2.id, identityToken: tok(), fetchToken: 'x=1' })}`);
        await an.goto(`${site2.url}/page.html?${new URLSearchParams({ appId: a2.id })}`);
        assert.equal(await v.waitFor(BOOT), 'verified');
        assert.equal(await an.waitFor(BOOT), 'anonymous');
        await v.eval(`Signet.open()`);
        await sendText(v, 'Before expiry');
        await v.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
        await an.eval(`Signet.open()`);
        await pause(6500);
        await sendText(v, 'After expiry');
        await v.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
        assert.equal(await v.eval(`window.__fetched`), 1);
        assert.equal(await v.eval(STATE), 'verified');
        assert.match(await v.eval(`S.querySelector('.msgs').textContent`), /Before expiry.*After expiry/s);
        await sendText(an, 'Anonymous after expiry');
        await an.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
        assert.equal(await an.eval(STATE), 'anonymous');
      } finally {
        w2.server.close();
        site2.server.close();
        w2.server.closeAllConnections?.();
        site2.server.closeAllConnections?.();
      }
    } finally {
      s2.kill('SIGTERM');
    }
  });

  await step('session revoked without fetchIdentityToken: authentication failed for a verified user', async () => {
    const p3 = await browser.newPage();
    await p3.goto(page({ appId: jwt.id, identityToken: token('user-78') }));
    assert.equal(await p3.waitFor(BOOT), 'verified');
    await p3.eval(`Signet.open()`);
    await admin('POST', `/api/admin/apps/${jwt.id}/sessions/revoke`, {});
    await sendText(p3, 'Hello?');
    await p3.waitFor(`${STATE} === 'auth-failed'`);
    assert.match(await p3.eval(`S.querySelector('.main').textContent`), /Authentication failed/);
  });

  await step('a bad signature on a reject app: the authentication failed screen', async () => {
    const p4 = await browser.newPage();
    await p4.goto(page({ appId: rej.id, userId: 'user-42', userHash: hash(rej, 'someone-else') }));
    assert.equal(await p4.waitFor(BOOT), 'auth-failed');
    assert.equal(await p4.eval(STATE), 'auth-failed');
    await p4.eval(`Signet.open()`);
    const text = await p4.eval(`S.querySelector('.main').textContent`);
    assert.match(text, /We couldn't verify your identity\. Please sign in again or contact support\./);
    assert.match(text, /code: signature_mismatch/);
    await pause(400);
    await p4.screenshot(join(shots, '4-auth-failed.png'));
  });

  await step('a bad signature on a monitor app: unverified', async () => {
    const p5 = await browser.newPage();
    await p5.goto(page({ appId: mon.id, userId: 'user-9', userHash: 'deadbeef' }));
    assert.equal(await p5.waitFor(BOOT), 'unverified');
  });

  await step('429: "sending messages too fast", with Retry-After', async () => {
    const p6 = await browser.newPage();
    await p6.goto(page({ appId: rej.id }));
    await p6.waitFor(BOOT);
    await p6.eval(`Signet.open()`);
    for (let i = 0; i < 6; i++) {
      await p6.eval(`S.querySelector('[aria-label="Back to your conversations"]').hidden || S.querySelector('[aria-label="Back to your conversations"]').click()`);
      if (i) await p6.eval(`S.querySelector('.primary').click()`);
      await sendText(p6, `Issue ${i}`);
      await p6.waitFor(`S.querySelector('.notice:not([hidden])') || S.querySelectorAll('.msg.user').length === 1`);
    }
    const notice = await p6.waitFor(`!S.querySelector('.notice').hidden && S.querySelector('.notice').textContent`);
    assert.match(notice, /You're sending messages too fast — try again in \d+ s/);
    assert.equal(await p6.eval(`S.querySelector('textarea').value`), 'Issue 5', 'the draft is kept');
    await pause(400);
    await p6.screenshot(join(shots, '5-rate-limited.png'));
  });

  await step('a strict page: CSP without unsafe-inline styles, Trusted Types, tags in <head>', async () => {
    const c = await browser.newPage();
    const violations = [];
    await c.send('Log.enable');
    browser.listeners.add((m) => m.sessionId === c.sessionId && m.method === 'Log.entryAdded' && violations.push(m.params.entry.text));
    await c.goto(page({ appId: rej.id, _csp: 1, _head: 1 }));
    assert.equal(await c.waitFor(BOOT), 'anonymous');
    await c.eval(`Signet.open()`);
    assert.equal(await c.eval(`getComputedStyle(S.querySelector('.launcher')).borderRadius`), '50%', 'the widget is styled');
    assert.equal(await c.eval(`getComputedStyle(S.querySelector('.panel')).position`), 'fixed');
    await sendText(c, 'From a strict page');
    await c.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
    assert.ok(violations.some((v) => /Content Security Policy/.test(v)), `the CSP is in force (the page's own <style> is refused): ${violations}`);
    const ours = violations.filter((v) => !/inline style|style-src/.test(v) || /widget/.test(v));
    assert.deepEqual(ours, [], 'no violation caused by the widget');
    assert.deepEqual(c.console.filter((l) => /EXCEPTION/.test(l)), []);
  });

  await step('served by the Signet server itself (GET /widget.js), embedded on another origin', async () => {
    const r = await fetch(API + '/widget.js');
    if (r.status === 404) return console.log('     (this server does not serve /widget.js yet: skipped)');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /javascript/);
    assert.notEqual(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    const direct = await pageServer({ widgetUrl: API });
    try {
      const d = await browser.newPage();
      await d.goto(`${direct.url}/page.html?${new URLSearchParams({ appId: mon.id, userId: 'user-direct', userHash: hash(mon, 'user-direct') })}`);
      assert.equal(await d.waitFor(BOOT), 'verified');
      await d.eval(`Signet.open()`);
      await sendText(d, 'Hello from a page on another origin');
      await d.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
      const origins = new Set(d.requests.filter((u) => u.startsWith('http')).map((u) => new URL(u).origin));
      assert.deepEqual([...origins].sort(), [API, direct.url].sort());
    } finally {
      direct.server.close();
      direct.server.closeAllConnections?.();
    }
  });

  await step('phones: the panel takes the whole screen', async () => {
    const m = await browser.newPage({ width: 375, height: 740, mobile: true });
    await m.goto(page({ appId: rej.id, accentColor: '#0f766e' }));
    await m.waitFor(BOOT);
    await m.eval(`Signet.open()`);
    // (after the opening animation)
    await m.waitFor(`(() => { const r = S.querySelector('[role=dialog]').getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join() === '0,0,375,740'; })()`, 3000, 'a full-screen panel');
    assert.equal(await m.eval(`getComputedStyle(S.querySelector('.launcher')).display`), 'none', 'the header has the close button');
    await pause(400);
    await m.screenshot(join(shots, '6-mobile.png'));
  });

  await step('shutdown removes the widget; boot again replaces it', async () => {
    await p.eval(`Signet.shutdown()`);
    assert.equal(await p.eval(`document.querySelectorAll('#signet-widget').length`), 0);
    await p.eval(`Signet.boot({ appId: '${rej.id}' })`);
    await p.eval(`Signet.boot({ appId: '${rej.id}' })`);
    assert.equal(await p.eval(`document.querySelectorAll('#signet-widget').length`), 1);
    assert.equal(await p.eval(STATE), 'anonymous');
  });

  const errors = p.console.filter((l) => /EXCEPTION|error/i.test(l));
  await step('no console errors, no token in the console', async () => {
    assert.deepEqual(errors, []);
    assert.ok(!p.console.some((l) => l.includes('sst_')));
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  w.server.close();
  site.server.close();
  w.server.closeAllConnections?.();
  site.server.closeAllConnections?.();
  if (!process.env.SCREENSHOTS) rmSync(tmp, { recursive: true, force: true });
  else rmSync(join(tmp, 'data'), { recursive: true, force: true });
}
console.log(failures ? `\n${failures} failed` : `\nall passed${process.env.SCREENSHOTS ? `; screenshots in ${shots}` : ''}`);
process.exit(failures ? 1 : 0);
