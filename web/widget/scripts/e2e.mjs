// End to end in a real browser. It builds the Signet server from this
// checkout, starts it on a free port with its data in a temporary directory,
// serves widget.js from one origin and a brand's page from another, and drives
// headless Chromium over the DevTools protocol (scripts/cdp.mjs).
//
//   npm run e2e                  # SCREENSHOTS=dir keeps the screenshots
//
// The browser is Debian's /usr/bin/chromium (apt-get install chromium), or
// the executable $SIGNET_CHROMIUM names; none is ever downloaded. Without
// Chromium or Go it skips (exit 0), except under CI=true, where it fails.
// Whatever happens (a failure, an exception, Ctrl-C, the run's own time
// limit), the servers and the browser it started are stopped and its
// temporary directory is removed.
//
// Nothing sleeps to see whether something happened: every step waits for a
// condition, with limits generous enough for a busy two-core machine.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser, WAIT } from './cdp.mjs';
import { pageServer, widgetServer, WIDGET_FILE } from './dev.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CI = process.env.CI === 'true';
const RUN_TIMEOUT = 10 * 60 * 1000; // a hung run fails rather than holding CI
const started = Date.now();

// ------------------------------------------------------ what it needs

/** Without a dependency: skip on a laptop, fail under CI. */
function unavailable(why) {
  if (CI) {
    console.error(`e2e: FAIL: cannot run (CI=true, so this is not a skip): ${why}`);
    process.exit(1);
  }
  console.log(`e2e: skipped: ${why}`);
  process.exit(0);
}

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function chromiumPath() {
  const named = process.env.SIGNET_CHROMIUM;
  if (named) {
    if (executable(named)) return named;
    console.error(`e2e: FAIL: SIGNET_CHROMIUM=${named} is not an executable file`);
    process.exit(1);
  }
  return (
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(executable) ||
    unavailable('no Chromium at /usr/bin/chromium (apt-get install chromium, or set SIGNET_CHROMIUM=/path/to/chromium)')
  );
}

const chromium = chromiumPath();
try {
  execFileSync('go', ['version'], { stdio: 'ignore' });
} catch {
  unavailable('no Go toolchain on PATH (the test builds the server from this checkout)');
}
if (typeof WebSocket !== 'function') unavailable('run with node --experimental-websocket (npm run e2e does)');
if (!existsSync(WIDGET_FILE)) unavailable('widget.js is not built: npm run build');

// ------------------------------------------- what it starts, and stops

const tmp = mkdtempSync(join(tmpdir(), 'signet-widget-e2e-'));
const shots = process.env.SCREENSHOTS || join(tmp, 'screenshots');
mkdirSync(shots, { recursive: true });
const children = new Set(); // processes that must not outlive the run
const closers = []; // asynchronous clean-ups, run last first
let browser;

/** Stops everything politely, last started first. Runs once. */
let cleaning;
function cleanup() {
  cleaning ||= (async () => {
    while (closers.length) {
      try {
        await closers.pop()();
      } catch (e) {
        console.error('e2e: while cleaning up:', e.message);
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

// The last resort, synchronous: whatever is still running is killed.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  browser?.kill();
  rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.log(`\ne2e: ${signal}: stopping`);
    cleanup().finally(() => process.exit(1));
  });
}
setTimeout(() => {
  console.log(`\ne2e: FAIL: the run took longer than ${RUN_TIMEOUT / 60000} minutes`);
  cleanup().finally(() => process.exit(1));
}, RUN_TIMEOUT).unref();

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.env.DEBUG && console.error('e2e:', ...a);

/** Waits until fn() (which may be async) is true. */
async function until(fn, what, timeout = WAIT) {
  for (const end = Date.now() + timeout; !(await fn()); await pause(50)) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `grace`. */
async function stop(proc, grace = 10000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const ended = await Promise.race([exited.then(() => true), pause(grace).then(() => false)]);
  if (!ended) {
    proc.kill('SIGKILL');
    await exited;
  }
}

/** Closes a harness HTTP server (widgetServer, pageServer), cutting its connections. */
const closeHttp = ({ server }) =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

// ------------------------------------------------------------ the server

const bin = join(tmp, 'signet');
console.log('e2e: building the server (go build ./cmd/signet)');
try {
  execFileSync('go', ['build', '-o', bin, './cmd/signet'], { cwd: REPO, stdio: 'inherit' });
} catch {
  console.error('e2e: FAIL: go build ./cmd/signet failed (above)');
  process.exit(1); // the exit handler removes the temporary directory
}
const ADMIN = 'e2e-admin-' + Math.random().toString(36).slice(2).padEnd(32, 'x');

/**
 * Starts `signet serve` on a port of its choosing (127.0.0.1:0), with SQLite
 * in the temporary directory, and waits until it answers /healthz. The
 * caller's SIGNET_* settings are not passed on: the test's server is its own.
 */
async function startSignet(name, ...flags) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGNET_')));
  env.SIGNET_ADMIN_TOKEN = ADMIN;
  const args = ['serve', '--addr', '127.0.0.1:0', '--data-dir', dir, '--database', `sqlite:${join(dir, 'signet.db')}`, '--log-format', 'json', ...flags];
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  closers.push(() => stop(proc));
  let output = '';
  const addr = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`signet serve (${name}) did not start within 60 s:\n${output}`)), 60000);
    let partial = '';
    const read = (chunk) => {
      output += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'signet is serving' && entry.addr) {
            clearTimeout(t);
            resolve(entry.addr);
          }
        } catch {
          /* not a log entry */
        }
      }
    };
    proc.stdout.setEncoding('utf8').on('data', read);
    proc.stderr.setEncoding('utf8').on('data', read);
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(t);
      reject(new Error(`signet serve (${name}) exited (${code ?? signal}):\n${output}`));
    });
  });
  const url = `http://${addr}`;
  await until(() => fetch(url + '/healthz').then((r) => r.ok, () => false), `${url}/healthz`, 60000);
  log(name, 'up at', url);
  return { url, output: () => output };
}

/** A client of the admin and agent API of one server. */
const apiOf = (base) =>
  async function call(method, path, body, token = ADMIN) {
    const r = await fetch(base + path, {
      method,
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

const signCli = (secret, ...args) => execFileSync(bin, ['sign', '--secret', secret, ...args], { encoding: 'utf8' }).trim();

// ------------------------------------------------- helpers of the steps

const BOOT = `Promise.race([window.__boot, new Promise((r) => setTimeout(() => r('boot timed out'), ${WAIT}))])`;
const STATE = `document.getElementById('signet-widget')?.dataset.signetState`;
const ACTIVE = `(S.activeElement && (S.activeElement.getAttribute('aria-label') || S.activeElement.className || S.activeElement.tagName))`;
const LIVE = `S.querySelector('[aria-live=polite]').textContent`;

const sendText = async (p, text) => {
  await p.eval(`S.querySelector('textarea').focus()`);
  await p.type(text);
  await p.key('Enter');
};

/** A screenshot once the widget has stopped moving. */
const shot = async (p, name) => {
  await p.settled();
  await p.screenshot(join(shots, name));
};

let failures = 0;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n     ${e.stack || e}`);
  }
}

/** A page for one step, closed (with its context, timers and streams) after it. */
async function withPage(opts, fn) {
  const p = await browser.newPage(opts);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

// --------------------------------------------------------------- the run

async function main() {
  const server = await startSignet('main');
  const API = server.url;
  const admin = apiOf(API);
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

  const hash = (a, uid) => signCli(a.secret, '--profile', 'intercom', '--uid', uid);
  const token = (uid) => signCli(jwt.secret, '--profile', 'signet', '--kid', jwt.kid, '--aud', jwt.id, '--uid', uid);

  const w = await widgetServer({ signet: API });
  closers.push(() => closeHttp(w));
  const site = await pageServer({ widgetUrl: w.url, token: (q) => token(q.uid) });
  closers.push(() => closeHttp(site));
  const page = (o) => `${site.url}/page.html?${new URLSearchParams(o)}`;
  assert.notEqual(new URL(w.url).origin, new URL(site.url).origin);
  log('servers', w.url, site.url);

  browser = await Browser.launch(chromium);
  closers.push(() => browser.close());
  log('browser up');

  // One visitor's page, shared by the steps that follow their story.
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
    await shot(p, '1-anonymous-new.png');
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
    // The server has subscribed this page's stream: what follows is pushed, not re-read.
    await until(() => w.connectedCount() > 0, 'a connected event stream');
    await admin('POST', `/api/agent/issues/${issueId}/messages`, { body: 'Sorry about that! It ships today: https://example.com/track/1234.' }, agent);
    await p.waitFor(`S.querySelectorAll('.msg.agent').length === 1`);
    await p.waitFor(`/New reply from Support/.test(${LIVE})`, WAIT, 'the reply announced');
    assert.equal(await p.eval(`S.querySelector('.msg.agent a').href`), 'https://example.com/track/1234');
    await admin('POST', `/api/agent/issues/${issueId}/resolve`, {}, agent);
    await p.waitFor(`!S.querySelector('.banner').hidden`);
    await p.waitFor(`/resolved/.test(${LIVE})`, WAIT, 'the status change announced');
    await shot(p, '2-verified-thread.png');
  });

  await step('the user replies (the issue reopens); the list shows it newest first', async () => {
    await sendText(p, 'Thanks!');
    await p.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
    await p.waitFor(`S.querySelector('.banner').hidden`);
    await p.eval(`S.querySelector('[aria-label="Back to your conversations"]').click()`);
    await p.waitFor(`S.querySelector('.card .st').textContent === 'Open'`);
    await shot(p, '3-verified-list.png');
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
    await p.click(`S.querySelector('.card')`);
    await p.waitFor(`S.querySelectorAll('.msg').length >= 3`);
    await until(() => w.connectedCount() > 0, 'a connected event stream');
    const refused = w.control.blocked;
    w.control.blockEvents = true;
    w.dropStreams();
    await admin('POST', `/api/agent/issues/${issueId}/messages`, { body: 'Written while you were offline' }, agent);
    // The widget keeps trying (and is refused) twice: the stream is down meanwhile.
    await until(() => w.control.blocked >= refused + 2, 'two reconnection attempts', 60000);
    assert.equal(await p.eval(`S.querySelector('.msgs').textContent.includes('offline')`), false, 'nothing arrives while the stream is down');
    w.control.blockEvents = false;
    await p.waitFor(`S.querySelector('.msgs').textContent.includes('Written while you were offline')`, 60000);
    await until(() => w.connectedCount() > 0, 'a connected event stream again');
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

  await step('session revoked: fetchIdentityToken, log in again, retry once, the panel kept', () =>
    withPage({}, async (p2) => {
      await p2.goto(page({ appId: jwt.id, identityToken: token('user-77'), fetchToken: 'uid=user-77' }));
      assert.equal(await p2.waitFor(BOOT), 'verified');
      await p2.eval(`Signet.open()`);
      await sendText(p2, 'First message');
      await p2.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
      await admin('POST', `/api/admin/apps/${jwt.id}/sessions/revoke`, {});
      await sendText(p2, 'Second message');
      await p2.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
      assert.equal(await p2.eval(`window.__fetched`), 1);
      assert.equal(await p2.eval(STATE), 'verified');
      assert.match(await p2.eval(`S.querySelector('.msgs').textContent`), /First message.*Second message/s);
    }),
  );

  await step('session expired: verified logs in again with a fresh token; anonymous gets a new anonymous session', async () => {
    const lifetime = 6; // seconds: the second server's sessions
    const short = await startSignet('short-sessions', '--session-lifetime', `${lifetime}s`);
    const call = apiOf(short.url);
    const ws2 = await call('POST', '/api/admin/workspaces', { name: 'Short' });
    const a2 = await call('POST', `/api/admin/workspaces/${ws2.id}/apps`, { name: 'w', platform: 'web', profile: 'signet', enforcement: 'enforce', on_failure: 'reject' });
    const k2 = await call('POST', `/api/admin/apps/${a2.id}/keys`, {});
    const tok = () => signCli(k2.secret, '--profile', 'signet', '--kid', k2.id, '--aud', a2.id, '--uid', 'user-5');
    const w2 = await widgetServer({ signet: short.url });
    closers.push(() => closeHttp(w2));
    const site2 = await pageServer({ widgetUrl: w2.url, token: tok });
    closers.push(() => closeHttp(site2));
    // The session a page keeps (absent for a moment while it logs in again).
    const stored = async (pg, kind) => JSON.parse(await pg.waitFor(`localStorage.getItem('signet:${kind}:${a2.id}@${w2.url}')`));
    // Waits until the server refuses a session token as expired (instead of sleeping its lifetime).
    const expired = (t, what) =>
      until(
        async () => {
          const r = await fetch(short.url + '/v1/issues', { headers: { Authorization: 'Bearer ' + t } });
          if (r.ok) return false;
          const code = (await r.json()).error?.code;
          assert.equal(code, 'session_expired', `${what}: ${r.status}`);
          return true;
        },
        `${what} to expire`,
        (lifetime + 60) * 1000,
      );
    await withPage({}, (v) =>
      withPage({}, async (an) => {
        await v.goto(`${site2.url}/page.html?${new URLSearchParams({ appId: a2.id, identityToken: tok(), fetchToken: 'x=1' })}`);
        await an.goto(`${site2.url}/page.html?${new URLSearchParams({ appId: a2.id })}`);
        assert.equal(await v.waitFor(BOOT), 'verified');
        assert.equal(await an.waitFor(BOOT), 'anonymous');
        await v.eval(`Signet.open()`);
        await sendText(v, 'Before expiry');
        await v.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
        await an.eval(`Signet.open()`);
        const vSession = await stored(v, 'session');
        const anSession = await stored(an, 'anon');
        // 0, unless this machine took longer than a session's lifetime to get here.
        const fetched = (await v.eval(`window.__fetched`)) || 0;
        await expired(vSession.t, "the verified user's session");
        await expired(anSession.t, "the anonymous visitor's session");

        await sendText(v, 'After expiry');
        await v.waitFor(`S.querySelectorAll('.msg.user').length === 2`);
        assert.equal(await v.eval(`window.__fetched`), fetched + 1, 'one fresh token for one expired session');
        assert.equal(await v.eval(STATE), 'verified');
        assert.match(await v.eval(`S.querySelector('.msgs').textContent`), /Before expiry.*After expiry/s);

        await sendText(an, 'Anonymous after expiry');
        await an.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
        assert.equal(await an.eval(STATE), 'anonymous');
        assert.notEqual((await stored(an, 'anon')).t, anSession.t, 'a new anonymous session');
      }),
    );
  });

  await step('session revoked without fetchIdentityToken: authentication failed for a verified user', () =>
    withPage({}, async (p3) => {
      await p3.goto(page({ appId: jwt.id, identityToken: token('user-78') }));
      assert.equal(await p3.waitFor(BOOT), 'verified');
      await p3.eval(`Signet.open()`);
      await admin('POST', `/api/admin/apps/${jwt.id}/sessions/revoke`, {});
      await sendText(p3, 'Hello?');
      await p3.waitFor(`${STATE} === 'auth-failed'`);
      assert.match(await p3.eval(`S.querySelector('.main').textContent`), /Authentication failed/);
    }),
  );

  await step('a bad signature on a reject app: the authentication failed screen', () =>
    withPage({}, async (p4) => {
      await p4.goto(page({ appId: rej.id, userId: 'user-42', userHash: hash(rej, 'someone-else') }));
      assert.equal(await p4.waitFor(BOOT), 'auth-failed');
      assert.equal(await p4.eval(STATE), 'auth-failed');
      await p4.eval(`Signet.open()`);
      const text = await p4.eval(`S.querySelector('.main').textContent`);
      assert.match(text, /We couldn't verify your identity\. Please sign in again or contact support\./);
      // The reason code is the developer's: in the console, never on the end user's screen.
      assert.ok(p4.console.some((l) => /Signet: .*signature_mismatch/.test(l)), p4.console.join('\n'));
      assert.doesNotMatch(text, /code:|signature_mismatch/);
      assert.match(text, /Try again/);
      await shot(p4, '4-auth-failed.png');
    }),
  );

  await step('a bad signature on a monitor app: unverified', () =>
    withPage({}, async (p5) => {
      await p5.goto(page({ appId: mon.id, userId: 'user-9', userHash: 'deadbeef' }));
      assert.equal(await p5.waitFor(BOOT), 'unverified');
    }),
  );

  await step('429: "sending messages too fast", with Retry-After', () =>
    withPage({}, async (p6) => {
      await p6.goto(page({ appId: rej.id }));
      await p6.waitFor(BOOT);
      await p6.eval(`Signet.open()`);
      // The server allows 5 new issues a minute per session: the sixth is
      // refused, or a later one if this machine took a minute over the first.
      let sent = 0;
      for (let refused = false; !refused; sent++) {
        assert.ok(sent < 20, 'no 429 after 20 new issues');
        await p6.eval(`S.querySelector('[aria-label="Back to your conversations"]').hidden || S.querySelector('[aria-label="Back to your conversations"]').click()`);
        if (sent) await p6.eval(`S.querySelector('.primary').click()`);
        await sendText(p6, `Issue ${sent}`);
        refused = (await p6.waitFor(`!S.querySelector('.notice').hidden ? 'refused' : S.querySelectorAll('.msg.user').length === 1 && 'sent'`)) === 'refused';
      }
      assert.ok(sent >= 6, `refused after ${sent - 1} issues, not 5`);
      const notice = await p6.eval(`S.querySelector('.notice').textContent`);
      assert.match(notice, /You're sending messages too fast — try again in \d+ s/);
      assert.equal(await p6.eval(`S.querySelector('textarea').value`), `Issue ${sent - 1}`, 'the draft is kept');
      await shot(p6, '5-rate-limited.png');
    }),
  );

  await step('a strict page: CSP without unsafe-inline styles, Trusted Types, tags in <head>', () =>
    withPage({}, async (c) => {
      const violations = [];
      const listen = (m) => m.sessionId === c.sessionId && m.method === 'Log.entryAdded' && violations.push(m.params.entry.text);
      browser.listeners.add(listen);
      try {
        await c.send('Log.enable');
        await c.goto(page({ appId: rej.id, _csp: 1, _head: 1 }));
        assert.equal(await c.waitFor(BOOT), 'anonymous');
        await c.eval(`Signet.open()`);
        assert.equal(await c.eval(`getComputedStyle(S.querySelector('.launcher')).borderRadius`), '50%', 'the widget is styled');
        assert.equal(await c.eval(`getComputedStyle(S.querySelector('.panel')).position`), 'fixed');
        await sendText(c, 'From a strict page');
        await c.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
        await until(() => violations.some((v) => /Content Security Policy/.test(v)), "the CSP in force (the page's own <style> refused)");
        const ours = violations.filter((v) => !/inline style|style-src/.test(v) || /widget/.test(v));
        assert.deepEqual(ours, [], 'no violation caused by the widget');
        assert.deepEqual(c.console.filter((l) => /EXCEPTION/.test(l)), []);
      } finally {
        browser.listeners.delete(listen);
      }
    }),
  );

  await step('served by the Signet server itself (GET /widget.js), embedded on another origin', async () => {
    const r = await fetch(API + '/widget.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /javascript/);
    assert.notEqual(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    await r.arrayBuffer();
    const direct = await pageServer({ widgetUrl: API });
    closers.push(() => closeHttp(direct));
    await withPage({}, async (d) => {
      await d.goto(`${direct.url}/page.html?${new URLSearchParams({ appId: mon.id, userId: 'user-direct', userHash: hash(mon, 'user-direct') })}`);
      assert.equal(await d.waitFor(BOOT), 'verified');
      await d.eval(`Signet.open()`);
      await sendText(d, 'Hello from a page on another origin');
      await d.waitFor(`S.querySelectorAll('.msg.user').length === 1`);
      const origins = new Set(d.requests.filter((u) => u.startsWith('http')).map((u) => new URL(u).origin));
      assert.deepEqual([...origins].sort(), [API, direct.url].sort());
    });
  });

  await step('phones: the panel takes the whole screen', () =>
    withPage({ width: 375, height: 740, mobile: true }, async (m) => {
      await m.goto(page({ appId: rej.id, accentColor: '#0f766e' }));
      await m.waitFor(BOOT);
      await m.eval(`Signet.open()`);
      await m.settled(); // after the opening animation
      await m.waitFor(`(() => { const r = S.querySelector('[role=dialog]').getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join() === '0,0,375,740'; })()`, WAIT, 'a full-screen panel');
      assert.equal(await m.eval(`getComputedStyle(S.querySelector('.launcher')).display`), 'none', 'the header has the close button');
      await shot(m, '6-mobile.png');
    }),
  );

  await step('shutdown removes the widget; boot again replaces it', async () => {
    await p.eval(`Signet.shutdown()`);
    assert.equal(await p.eval(`document.querySelectorAll('#signet-widget').length`), 0);
    await p.eval(`Signet.boot({ appId: '${rej.id}' })`);
    await p.eval(`Signet.boot({ appId: '${rej.id}' })`);
    assert.equal(await p.eval(`document.querySelectorAll('#signet-widget').length`), 1);
    assert.equal(await p.eval(STATE), 'anonymous');
  });

  await step('no console errors, no token in the console', async () => {
    assert.deepEqual(p.console.filter((l) => /EXCEPTION|error/i.test(l)), []);
    assert.ok(!p.console.some((l) => l.includes('sst_')));
  });

  if (failures) console.log(`\nthe server's last log lines:\n${server.output().trim().split('\n').slice(-30).join('\n')}`);
}

let code = 0;
try {
  await main();
} catch (e) {
  failures++;
  console.log(`FAIL the run stopped: ${e.stack || e}`);
}
const kept = process.env.SCREENSHOTS ? `; screenshots in ${shots}` : '';
await cleanup();
code = failures ? 1 : 0;
console.log(failures ? `\ne2e: ${failures} failed` : `\ne2e: all passed in ${((Date.now() - started) / 1000).toFixed(0)} s${kept}`);
process.exit(code);
