// A minimal Chrome DevTools Protocol client over Node's WebSocket (Node 20:
// --experimental-websocket), enough to drive headless Chromium in e2e.mjs
// without a test framework or a downloaded browser.
//
// Nothing here waits forever: every command has a deadline, and a browser
// that dies fails the commands in flight instead of leaving them pending.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long one DevTools command may take (an evaluation may await a promise). */
const COMMAND_TIMEOUT = 60000;
/** How long waitFor waits by default: generous, for a busy two-core machine. */
export const WAIT = 30000;

export class Browser {
  static async launch(executable) {
    const dir = mkdtempSync(join(tmpdir(), 'signet-widget-chromium-'));
    const proc = spawn(
      executable,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage', // containers have a small /dev/shm
        // Several pages are open at once: none may have its timers slowed
        // for being in the background (the widget's backoff is timers).
        '--disable-background-timer-throttling',
        '--disable-backgrounding-occluded-windows',
        '--disable-renderer-backgrounding',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
        '--disable-extensions',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-crash-reporter',
        '--mute-audio',
        '--remote-debugging-port=0',
        `--user-data-dir=${dir}`,
        'about:blank',
      ],
      // Its own process group, so that close() can end the wrapper script,
      // the browser and its helpers together.
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const started = new Promise((resolve, reject) => {
      let err = '';
      const t = setTimeout(() => reject(new Error('chromium did not start:\n' + err)), 30000);
      proc.stderr.on('data', (d) => {
        err += d;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      proc.on('exit', (code) => reject(new Error(`chromium exited (${code}):\n${err}`)));
      proc.on('error', reject);
    });
    let wsUrl;
    try {
      wsUrl = await started;
    } catch (e) {
      await new Browser(proc, dir).close();
      throw e;
    }
    const b = new Browser(proc, dir);
    try {
      await b.connect(wsUrl);
    } catch (e) {
      await b.close();
      throw e;
    }
    return b;
  }

  constructor(proc, dir) {
    this.proc = proc;
    this.dir = dir;
    this.seq = 0;
    this.pending = new Map();
    this.listeners = new Set();
    this.exited = new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r)));
    this.exited.then(() => this.failPending(new Error('chromium exited')));
  }

  failPending(err) {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }

  connect(url) {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(url);
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error('cannot connect to chromium at ' + url));
      this.ws.onclose = () => this.failPending(new Error('the DevTools connection closed'));
      this.ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        if (msg.id && this.pending.has(msg.id)) {
          const { resolve, reject } = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.error) reject(new Error(msg.error.message));
          else resolve(msg.result);
        } else if (msg.method) for (const l of this.listeners) l(msg);
      };
    });
  }

  send(method, params = {}, sessionId, timeout = COMMAND_TIMEOUT) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from chromium in ${timeout / 1000} s`));
      }, timeout);
      const done = (f) => (v) => {
        clearTimeout(t);
        f(v);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      try {
        this.ws.send(JSON.stringify({ id, method, params, sessionId }));
      } catch (e) {
        this.pending.delete(id);
        done(reject)(e);
      }
    });
  }

  /** A page in a fresh browser context (its own localStorage: another "device"). */
  async newPage({ width = 1280, height = 800, mobile = false } = {}) {
    const { browserContextId } = await this.send('Target.createBrowserContext');
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank', browserContextId });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const p = new Page(this, sessionId, browserContextId);
    await p.send('Page.enable');
    await p.send('Runtime.enable');
    await p.send('Network.enable');
    await p.viewport(width, height, mobile);
    // SIGNET_E2E_SLOW=N runs each page's CPU N times slower: a way to shake out
    // timing assumptions without loading the machine.
    const slow = Number(process.env.SIGNET_E2E_SLOW || 0);
    if (slow > 1) await p.send('Emulation.setCPUThrottlingRate', { rate: slow });
    return p;
  }

  /** Closes the browser: politely, then its whole process group; removes its profile. */
  async close() {
    const timeout = (ms) => new Promise((r) => setTimeout(r, ms));
    if (this.ws && this.ws.readyState === 1) await this.send('Browser.close', {}, undefined, 5000).catch(() => {});
    await Promise.race([this.exited, timeout(5000)]);
    this.kill();
    await Promise.race([this.exited, timeout(5000)]);
    try {
      this.ws?.close();
    } catch {
      /* closed */
    }
    // The helpers may still be writing to the profile for a moment.
    for (let i = 0; i < 10; i++) {
      try {
        rmSync(this.dir, { recursive: true, force: true });
        break;
      } catch {
        await timeout(200);
      }
    }
  }

  /** SIGKILLs the browser's process group (synchronous: usable in an exit handler). */
  kill() {
    try {
      process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export class Page {
  constructor(browser, sessionId, contextId) {
    this.b = browser;
    this.sessionId = sessionId;
    this.contextId = contextId;
    this.requests = [];
    this.console = [];
    browser.listeners.add((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Network.requestWillBeSent') this.requests.push(m.params.request.url);
      if (m.method === 'Runtime.consoleAPICalled') this.console.push(m.params.args.map((a) => a.value ?? a.description).join(' '));
      if (m.method === 'Runtime.exceptionThrown') this.console.push('EXCEPTION ' + JSON.stringify(m.params.exceptionDetails));
      if (m.method === 'Page.loadEventFired' && this.onload) this.onload();
    });
  }

  send(method, params) {
    return this.b.send(method, params, this.sessionId);
  }

  /** Closes the page and its browser context (its timers and streams end). */
  close() {
    return this.b.send('Target.disposeBrowserContext', { browserContextId: this.contextId }).catch(() => {});
  }

  viewport(width, height, mobile) {
    return this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  }

  /** Runs a navigation and waits for its load event. */
  async navigation(what, start, timeout = COMMAND_TIMEOUT) {
    let t;
    const loaded = new Promise((resolve, reject) => {
      this.onload = resolve;
      t = setTimeout(() => reject(new Error(`${what}: no load event in ${timeout / 1000} s`)), timeout);
    });
    try {
      await start();
      await loaded;
    } finally {
      clearTimeout(t);
      this.onload = null;
    }
  }

  goto(url) {
    return this.navigation(url, async () => {
      const r = await this.send('Page.navigate', { url });
      if (r.errorText) throw new Error(`${url}: ${r.errorText}`);
    });
  }

  reload() {
    return this.navigation('reload', () => this.send('Page.reload', {}));
  }

  /** Evaluates an expression (awaiting a promise); `S` is the widget's shadow root. */
  async eval(expr) {
    const expression = `(async () => { const S = document.getElementById('signet-widget')?.shadowRoot; return (${expr}); })()`;
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${expr}: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
    return r.result.value;
  }

  async waitFor(expr, timeout = WAIT, what = expr) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.eval(expr);
        if (last) return last;
      } catch (e) {
        last = e.message;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async key(key) {
    const codes = { Tab: 9, Enter: 13, Escape: 27 };
    const base = { key, code: key, windowsVirtualKeyCode: codes[key], nativeVirtualKeyCode: codes[key] };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, ...(key === 'Enter' ? { text: '\r' } : {}) });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  type(text) {
    return this.send('Input.insertText', { text });
  }

  /**
   * Waits until the widget's finite animations have ended (the panel's
   * opening; the spinner turns forever and does not count).
   */
  settled(timeout) {
    return this.waitFor(
      `!S || S.getAnimations().every((a) => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)`,
      timeout,
      'the widget to stop animating',
    );
  }

  /**
   * A real mouse click at the center of the element an expression names,
   * once it has stopped moving and nothing covers that point.
   */
  async click(expr, timeout) {
    await this.settled(timeout);
    const box = await this.waitFor(
      `(() => {
        const el = (${expr});
        const r = el.getBoundingClientRect();
        const x = r.x + r.width / 2, y = r.y + r.height / 2;
        const hit = el.getRootNode().elementFromPoint(x, y);
        return r.width > 0 && el.contains(hit) && { x, y };
      })()`,
      timeout,
      `${expr} to be clickable`,
    );
    for (const type of ['mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }

  async screenshot(file) {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }
}
