// A minimal Chrome DevTools Protocol client over Node's WebSocket (Node 20:
// --experimental-websocket), enough to drive headless Chromium in e2e.mjs
// without a test framework or a downloaded browser.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Browser {
  static async launch(executable) {
    const dir = mkdtempSync(join(tmpdir(), 'signet-widget-chromium-'));
    const proc = spawn(
      executable,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
        '--disable-extensions',
        '--no-first-run',
        '--no-default-browser-check',
        '--remote-debugging-port=0',
        `--user-data-dir=${dir}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const wsUrl = await new Promise((resolve, reject) => {
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
    });
    const b = new Browser(proc, dir);
    await b.connect(wsUrl);
    return b;
  }

  constructor(proc, dir) {
    this.proc = proc;
    this.dir = dir;
    this.seq = 0;
    this.pending = new Map();
    this.listeners = new Set();
  }

  connect(url) {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(url);
      this.ws.onopen = () => resolve();
      this.ws.onerror = (e) => reject(e);
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

  send(method, params = {}, sessionId) {
    const id = ++this.seq;
    this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
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
    return p;
  }

  async close() {
    const exited = new Promise((r) => (this.proc.exitCode !== null ? r() : this.proc.once('exit', r)));
    const timeout = (ms) => new Promise((r) => setTimeout(r, ms));
    await Promise.race([this.send('Browser.close').catch(() => {}), timeout(3000)]);
    await Promise.race([exited, timeout(3000)]);
    if (this.proc.exitCode === null) {
      this.proc.kill('SIGKILL');
      await Promise.race([exited, timeout(3000)]);
    }
    try {
      this.ws.close();
    } catch {
      /* closed */
    }
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
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

  viewport(width, height, mobile) {
    return this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  }

  async goto(url) {
    const loaded = new Promise((r) => (this.onload = r));
    await this.send('Page.navigate', { url });
    await loaded;
  }

  async reload() {
    const loaded = new Promise((r) => (this.onload = r));
    await this.send('Page.reload', {});
    await loaded;
  }

  /** Evaluates an expression (awaiting a promise); `S` is the widget's shadow root. */
  async eval(expr) {
    const expression = `(async () => { const S = document.getElementById('signet-widget')?.shadowRoot; return (${expr}); })()`;
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${expr}: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
    return r.result.value;
  }

  async waitFor(expr, timeout = 10000, what = expr) {
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

  /** A real mouse click at the center of the element an expression names. */
  async click(expr) {
    const box = await this.eval(`(() => { const r = (${expr}).getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
    for (const type of ['mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }

  async screenshot(file) {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }
}
