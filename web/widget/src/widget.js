// One booted widget: its session, its conversations, its live stream and its
// DOM (a shadow root on <div id="signet-widget">). Signet.boot() makes one;
// a second boot() destroys it and makes another.

import CSS from './widget.css';
import { ApiError, Client, errorFrom } from './api.js';
import { SSEParser, readStream } from './sse.js';
import { DEFAULT_ACCENT, palette, parseColor } from './color.js';
import { h, icon } from './dom.js';
import {
  ANONYMOUS,
  AUTH_FAILED,
  VERIFIED,
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
} from './session.js';
import { backoff, byteLength, clock, dayLabel, fullDate, linkify, randomId, relativeTime } from './util.js';

const MAX_BYTES = 10000; // the server's limit for one message
const PAGE = 500; // messages per request when reading a conversation

// localStorage, which may be missing or refuse (private modes, sandboxed
// frames): the widget then keeps everything in memory for this page only.
const storage = {
  get(k) {
    try {
      return JSON.parse(localStorage.getItem(k));
    } catch {
      return null;
    }
  },
  set(k, v) {
    try {
      localStorage.setItem(k, JSON.stringify(v));
    } catch {
      /* storage unavailable */
    }
  },
  del(k) {
    try {
      localStorage.removeItem(k);
    } catch {
      /* storage unavailable */
    }
  },
};

/** The browser's device id: random, made once, kept in localStorage. */
function deviceId() {
  let id = storage.get('signet:device');
  if (typeof id !== 'string' || !id) {
    id = randomId('web_');
    storage.set('signet:device', id);
  }
  return id;
}

const time = (iso) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

const truncate = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export class Widget {
  /**
   * @param {object} o the options of Signet.boot()
   * @param {string} host the Signet origin
   */
  constructor(o, host) {
    this.o = o;
    this.host = host;
    this.dead = false;
    this.kind = null; // the session's state: verified / unverified / anonymous
    this.state = null; // data-signet-state: kind, or auth-failed
    this.userId = null;
    this.issues = new Map();
    this.threads = new Map(); // issue id → { list, ids, loaded }
    this.unread = new Set();
    this.drafts = new Map();
    this.view = { name: 'loading' };
    this.isOpen = false;
    this.booted = false;
    this.sending = false;
    this.streaming = false;
    this.blockedUntil = 0;
    this.timers = new Set();
    this.kAnon = `signet:anon:${o.appId}@${host}`;
    this.kSession = `signet:session:${o.appId}@${host}`;
    this.device = deviceId();
    this.client = new Client({ host, appId: o.appId, reauth: (t, e) => this.reauth(t, e) });
    this.mounted = new Promise((resolve) => {
      const go = () => {
        if (!this.dead) this.mount();
        resolve();
      };
      if (document.body) go();
      else document.addEventListener('DOMContentLoaded', go, { once: true });
    });
    this.ready = this.start();
  }

  // ---------------------------------------------------------------- session

  async start() {
    for (let attempt = 0; !this.dead; attempt++) {
      try {
        let loaded = false;
        if (!this.client.token) loaded = await this.bootSession();
        if (this.dead) return this.state;
        if (!loaded) await this.loadIssues();
        await this.mounted;
        if (this.dead) return this.state;
        this.booted = true;
        if (this.view.name === 'loading' || this.view.name === 'error') this.setView(this.homeView());
        else this.render();
        if (this.issues.size || this.isOpen) this.startStream();
        return this.state;
      } catch (e) {
        if (this.dead) return this.state;
        if (e.handled) return this.state; // the auth-failed screen is up
        await this.mounted;
        const what = e instanceof ApiError ? classifyLoginError(e.status) : 'retry';
        if (what === AUTH_FAILED) {
          this.authFailed(e.code);
          return this.state;
        }
        if (what === 'unavailable') {
          this.setView({ name: 'error', title: 'Support chat is unavailable', text: 'Please try again later.', code: e.code });
          return this.state;
        }
        if (what === 'rate-limited') {
          this.setView({ name: 'error', title: 'One moment', text: `Too many attempts — trying again in ${e.retryAfter} s.`, code: e.code });
          await this.sleep(e.retryAfter * 1000);
        } else {
          if (attempt > 0) {
            this.setView({ name: 'error', title: 'Connecting…', text: "We can't reach support right now. We'll keep trying." });
          }
          await this.sleep(backoff(attempt));
        }
      }
    }
    return this.state;
  }

  /**
   * Reuses the stored session when it belongs to this identity and still
   * works (checked by reading the issues, which the widget needs anyway), or
   * logs in. Resolves to true when the issues were read.
   */
  async bootSession() {
    const named = hasIdentity(this.o);
    const key = named ? this.kSession : this.kAnon;
    const stored = storage.get(key);
    if (mayReuse(stored, this.o)) {
      try {
        const r = await this.client.raw('GET', '/v1/issues?limit=100', undefined, stored.t);
        if (this.dead) return true;
        this.client.token = stored.t;
        this.setSession(stored.s, stored.u);
        this.setIssues(r.issues);
        return true;
      } catch (e) {
        if (!(e instanceof ApiError) || !isSessionError(e.status, e.code)) throw e;
        storage.del(key);
      }
    }
    this.accept(await this.login(null));
    return false;
  }

  /** POST login with boot()'s identity, or with a fresh proof. */
  login(proof) {
    const anon = hasIdentity(this.o) ? storage.get(this.kAnon) : null;
    return this.client.login(
      loginBody(this.o, { deviceId: this.device, anonymousSession: anon && anon.t, proof }),
    );
  }

  /** Takes a login answer: the token, the state, what to keep for reloads. */
  accept(a) {
    if (this.dead) {
      // boot() was called again meanwhile: that widget has its own session.
      this.logout(a.session_token);
      return;
    }
    const s = stateOf(a);
    const u = a.user && a.user.id;
    this.client.token = a.session_token;
    if (!hasIdentity(this.o)) {
      storage.set(this.kAnon, { t: a.session_token, s, u });
    } else {
      const old = storage.get(this.kSession);
      if (old && old.t && old.t !== a.session_token && old.u !== u) this.logout(old.t); // replaced for good
      storage.set(this.kSession, { t: a.session_token, s, u, f: identityFingerprint(this.o) });
      if (s === VERIFIED) storage.del(this.kAnon); // its issues were handed over; that session has ended
    }
    this.setSession(s, u);
  }

  setSession(s, userId) {
    this.kind = s;
    this.userId = userId;
    this.setState(s);
  }

  setState(s) {
    this.state = s;
    this.mounted.then(() => {
      if (this.el && this.state === s) this.el.setAttribute('data-signet-state', s);
    });
  }

  /**
   * The session ended (401 session_expired / session_revoked, or the stream
   * said so). Logs in again as CONTRACT.md asks, keeping the panel as it is.
   * Resolves true (retry), false (the auth-failed screen is shown) or throws
   * a passing failure (the network, 429).
   */
  async reauth(failedToken, err) {
    if (this.dead || this.state === AUTH_FAILED) return false;
    const prev = this.kind;
    const plan = reauthPlan(prev, typeof this.o.fetchIdentityToken === 'function');
    storage.del(hasIdentity(this.o) ? this.kSession : this.kAnon);
    let code = (err && err.code) || 'session_expired';
    try {
      if (plan === 'fail') throw new ApiError(401, code);
      let proof = null;
      if (plan === 'fetch') {
        try {
          proof = proofFrom(await this.o.fetchIdentityToken(), this.o);
        } catch {
          proof = null;
        }
        if (!proof) throw new ApiError(401, code);
      }
      const a = await this.login(proof);
      if (this.dead) return false;
      if (!reauthAccepted(prev, a)) {
        this.logout(a.session_token);
        throw new ApiError(401, code);
      }
      const same = a.user && a.user.id === this.userId;
      this.accept(a);
      if (!same) this.resetConversations();
      this.restartStream();
      return true;
    } catch (e) {
      if (this.dead) return false;
      if (e instanceof ApiError && e.status === 401) {
        this.authFailed(e.code || code);
        return false;
      }
      throw e;
    }
  }

  authFailed(code) {
    this.stopStream();
    this.client.token = '';
    if (hasIdentity(this.o)) storage.del(this.kSession);
    this.setState(AUTH_FAILED);
    this.booted = true;
    this.mounted.then(() => {
      if (this.dead) return;
      this.setView({ name: 'auth', code });
      this.announce("Authentication failed. We couldn't verify your identity.");
    });
  }

  /** Ends a session on the server, best effort (the page may be leaving). */
  logout(token) {
    if (!token) return;
    try {
      fetch(this.host + '/v1/logout', {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + token },
        keepalive: true,
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      }).catch(() => {});
    } catch {
      /* nothing to do */
    }
  }

  /** Signet.shutdown(): the user left. Ends a named session; an anonymous visitor keeps theirs. */
  destroy(endSession) {
    if (this.dead) return;
    if (endSession && hasIdentity(this.o) && this.client.token) {
      this.logout(this.client.token);
      storage.del(this.kSession);
    }
    this.dead = true;
    this.stopStream();
    for (const done of [...this.timers]) done();
    clearInterval(this.ticker);
    clearInterval(this.countdown);
    if (this.el) this.el.remove();
  }

  /** Waits; destroy() ends every wait at once (the loops then see `dead`). */
  sleep(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.timers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.timers.add(done);
    });
  }

  // ---------------------------------------------------------- conversations

  async loadIssues() {
    const r = await this.client.call('GET', '/v1/issues?limit=100');
    if (!this.dead) this.setIssues(r.issues);
  }

  setIssues(list) {
    const next = new Map();
    for (const i of list || []) next.set(i.id, { ...this.issues.get(i.id), ...i });
    this.issues = next;
    for (const id of this.unread) if (!next.has(id)) this.unread.delete(id);
    if (this.view.name === 'thread' && !next.has(this.view.id) && !this.threads.has(this.view.id)) {
      this.setView(this.homeView());
    } else this.render();
  }

  sortedIssues() {
    return [...this.issues.values()].sort((a, b) => time(b.last_message_at) - time(a.last_message_at));
  }

  resetConversations() {
    this.issues = new Map();
    this.threads = new Map();
    this.unread.clear();
    this.drafts.clear();
    this.setView(this.homeView());
    this.loadIssues().catch(() => {});
  }

  thread(id) {
    let t = this.threads.get(id);
    if (!t) this.threads.set(id, (t = { list: [], ids: new Set(), loaded: false }));
    return t;
  }

  /** Adds messages to a conversation, once each, in time order. Returns how many were new. */
  addMessages(id, msgs) {
    const t = this.thread(id);
    let added = 0;
    for (const m of msgs) {
      if (!m || t.ids.has(m.id)) continue;
      t.ids.add(m.id);
      let i = t.list.length;
      while (i > 0 && time(t.list[i - 1].created_at) > time(m.created_at)) i--;
      t.list.splice(i, 0, m);
      added++;
      const iss = this.issues.get(id);
      if (iss && time(m.created_at) > time(iss.last_message_at)) iss.last_message_at = m.created_at;
    }
    if (added && this.view.name === 'thread' && this.view.id === id) this.renderMessages();
    return added;
  }

  /** Reads a conversation: all of it the first time, then what is new. */
  async loadThread(id) {
    const t = this.thread(id);
    let after = t.loaded && t.list.length ? t.list[t.list.length - 1].id : '';
    const got = [];
    for (let page = 0; page < 40; page++) {
      const q = `?limit=${PAGE}` + (after ? `&after=${encodeURIComponent(after)}` : '');
      const r = await this.client.call('GET', `/v1/issues/${encodeURIComponent(id)}/messages${q}`);
      if (this.dead) return [];
      got.push(...r.messages);
      if (r.messages.length < PAGE) break;
      after = r.messages[r.messages.length - 1].id;
    }
    const wasLoaded = t.loaded;
    t.loaded = true;
    this.addMessages(id, got);
    if (!wasLoaded && this.view.name === 'thread' && this.view.id === id) this.renderMessages(true);
    return got;
  }

  /** After a reconnect or `resync`: re-read what may have been missed. */
  async resync() {
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = true;
    try {
      await this.loadIssues();
      const v = this.view;
      if (v.name === 'thread') {
        const fresh = await this.loadThread(v.id);
        const replies = fresh.filter((m) => m.author === 'agent');
        if (replies.length && this.isOpen) this.announce(`New reply from Support: ${truncate(replies[replies.length - 1].body, 200)}`);
      }
    } catch {
      /* the next reconnect tries again */
    } finally {
      this.resyncing = false;
      if (this.resyncAgain && !this.dead) {
        this.resyncAgain = false;
        this.resync();
      }
    }
  }

  // ----------------------------------------------------------- live stream

  startStream() {
    if (this.streaming || this.dead || !this.client.token || this.state === AUTH_FAILED) return;
    this.streaming = true;
    this.streamLoop();
  }

  stopStream() {
    this.streaming = false;
    if (this.streamCtl) this.streamCtl.abort();
    if (this.wake) this.wake();
  }

  /** A new token: reconnect with it at once. */
  restartStream() {
    if (!this.streaming) return this.startStream();
    if (this.streamCtl) this.streamCtl.abort();
    if (this.wake) this.wake();
  }

  /** Waits, unless stopStream/restartStream wakes it. */
  pause(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * GET /v1/events with fetch() and a streaming reader (EventSource cannot
   * send the Authorization header), until the widget stops. Reconnects with
   * backoff; every connection re-reads what may have been missed.
   */
  async streamLoop() {
    let fails = 0;
    while (this.streaming && !this.dead) {
      const ctl = new AbortController();
      this.streamCtl = ctl;
      const token = this.client.token;
      let end = 'closed';
      let since = 0;
      try {
        const res = await fetch(this.host + '/v1/events', {
          headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
          cache: 'no-store',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
          signal: ctl.signal,
        });
        if (!res.ok) throw await errorFrom(res);
        since = Date.now();
        const parser = new SSEParser(
          (ev) => {
            const r = this.onEvent(ev);
            if (r) end = r;
          },
          (comment) => {
            if (comment === 'connected') this.resync();
          },
        );
        await readStream(res.body, parser);
      } catch (e) {
        if (ctl.signal.aborted) continue; // stopped, or restarted with a new token
        if (e instanceof ApiError && isSessionError(e.status, e.code)) {
          end = 'session_ended';
          this.endedCode = e.code;
        }
        else if (e instanceof ApiError && e.status === 429) {
          await this.pause(e.retryAfter * 1000);
          continue;
        } else end = 'failed';
      }
      if (!this.streaming || this.dead) break;
      if (end === 'session_ended') {
        try {
          if (!(await this.client.reauth(token, { code: this.endedCode }))) break; // auth-failed screen
        } catch {
          await this.pause(backoff(fails++));
        }
        continue;
      }
      if (since && Date.now() - since > 30000) fails = 0;
      if (end === 'resync' || end === 'bye') await this.pause(end === 'bye' ? 1000 + Math.random() * 2000 : 250 + Math.random() * 750);
      else await this.pause(backoff(fails++));
    }
    if (this.streamCtl) this.streamCtl.abort();
  }

  /** One event of the stream; returns how the stream ends, if this event ends it. */
  onEvent(ev) {
    let d = null;
    try {
      d = JSON.parse(ev.data);
    } catch {
      /* not JSON */
    }
    switch (ev.type) {
      case 'message':
        if (d && d.id && d.issue_id) this.onMessage(d);
        return null;
      case 'issue':
        if (d && d.id) this.onIssue(d);
        return null;
      case 'session_ended':
        this.endedCode = (d && d.code) || 'session_expired';
        return ev.type;
      case 'resync':
      case 'bye':
        return ev.type;
    }
    return null;
  }

  onMessage(m) {
    const iss = this.issues.get(m.issue_id);
    if (!iss) {
      // An issue opened from another device (or our own, before its answer).
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => this.loadIssues().catch(() => {}), 300);
    } else {
      if (time(m.created_at) > time(iss.last_message_at)) iss.last_message_at = m.created_at;
      if (time(m.created_at) > time(iss.updated_at)) iss.updated_at = m.created_at;
    }
    if (this.threads.has(m.issue_id)) this.addMessages(m.issue_id, [m]);
    if (m.author === 'agent') {
      const seen = this.isOpen && this.view.name === 'thread' && this.view.id === m.issue_id;
      if (!seen) this.unread.add(m.issue_id);
      this.announce(`New reply from Support: ${truncate(m.body, 200)}`);
    }
    this.render();
  }

  onIssue(d) {
    const prev = this.issues.get(d.id);
    this.issues.set(d.id, { ...prev, ...d });
    if (prev && prev.status !== d.status) {
      this.announce(d.status === 'resolved' ? 'This conversation was marked as resolved.' : 'This conversation was reopened.');
    }
    this.render();
  }

  // ------------------------------------------------------------------ DOM

  mount() {
    const el = (this.el = document.createElement('div'));
    el.id = 'signet-widget';
    if (this.state) el.setAttribute('data-signet-state', this.state);
    const root = (this.root = el.attachShadow({ mode: 'open' }));
    // A constructed stylesheet passes a page's CSP without 'unsafe-inline'.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h('style', null, CSS));
    }

    this.launcherIcon = h('span', null, icon('chat'));
    this.count = h('span', { class: 'count', 'aria-hidden': 'true', hidden: true });
    this.launcher = h(
      'button',
      {
        class: 'launcher',
        type: 'button',
        'aria-label': 'Open support chat',
        'aria-expanded': 'false',
        'aria-controls': 'sg-panel',
        onclick: () => (this.isOpen ? this.close() : this.open()),
      },
      this.launcherIcon,
      this.count,
    );

    this.backBtn = h('button', { class: 'ib', type: 'button', 'aria-label': 'Back to your conversations', hidden: true, onclick: () => this.back() }, icon('back'));
    this.title = h('h2', { id: 'sg-title', tabindex: '-1' }, 'Support');
    this.header = h(
      'div',
      { class: 'hd' },
      this.backBtn,
      this.title,
      h('button', { class: 'ib', type: 'button', 'aria-label': 'Close support chat', onclick: () => this.close() }, icon('close')),
    );
    this.main = h('div', { class: 'main' });

    this.textarea = h('textarea', {
      rows: '1',
      'aria-label': 'Message',
      placeholder: 'Write a message…',
      oninput: () => this.autosize(),
      onkeydown: (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
          e.preventDefault();
          this.send();
        }
      },
    });
    this.sendBtn = h('button', { class: 'send', type: 'submit', 'aria-label': 'Send message' }, icon('send'));
    this.composer = h(
      'form',
      {
        class: 'composer',
        hidden: true,
        onsubmit: (e) => {
          e.preventDefault();
          this.send();
        },
      },
      h('div', { class: 'field' }, this.textarea, this.sendBtn),
    );
    this.newBtn = h('button', { class: 'primary', type: 'button', hidden: true, onclick: () => this.setView({ name: 'new' }, true) }, icon('plus'), 'New conversation');
    this.notice = h('p', { class: 'notice', hidden: true });
    this.foot = h('div', { class: 'foot', hidden: true }, this.notice, this.composer, this.newBtn);

    this.panel = h(
      'div',
      {
        class: 'panel',
        id: 'sg-panel',
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': 'sg-title',
        hidden: true,
      },
      this.header,
      this.main,
      this.foot,
    );
    this.live = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'false' });
    this.wrap = h('div', { class: 'root' }, this.panel, this.launcher, this.live);
    root.append(this.wrap);
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      }
    });
    document.body.append(el);
    this.applyAccent();
    this.render();
  }

  applyAccent() {
    let rgb = null;
    const value = this.o.accentColor;
    if (typeof value === 'string' && value) {
      rgb = parseColor(value);
      if (!rgb) {
        // Any CSS color: let the browser resolve it.
        const probe = h('i', null);
        probe.style.color = value;
        if (probe.style.color) {
          this.root.append(probe);
          rgb = parseColor(getComputedStyle(probe).color);
          probe.remove();
        }
      }
    }
    const p = palette(rgb || DEFAULT_ACCENT);
    const s = this.wrap.style;
    s.setProperty('--a', p.accent);
    s.setProperty('--ai', p.ink);
    s.setProperty('--as', p.strong);
    s.setProperty('--asoft', p.soft);
  }

  homeView() {
    return this.issues.size ? { name: 'list' } : { name: 'new' };
  }

  /** Switches what the panel shows, keeping each view's draft. */
  setView(v, focus) {
    if (!this.main) {
      this.view = v;
      return;
    }
    const key = this.viewKey();
    if (key) this.drafts.set(key, this.textarea.value);
    this.view = v;
    if (Date.now() >= this.blockedUntil) this.clearNotice();
    if (v.name === 'thread') this.unread.delete(v.id);
    const nk = this.viewKey();
    if (nk) {
      this.textarea.value = this.drafts.get(nk) || '';
      this.autosize();
    }
    this.render(true);
    if (v.name === 'thread') {
      const t = this.thread(v.id);
      if (!t.loaded || this.isOpen) this.loadThread(v.id).catch((e) => this.failed(e));
    }
    if (focus && this.isOpen) this.focusView();
  }

  viewKey() {
    const v = this.view;
    return v.name === 'new' ? 'new' : v.name === 'thread' ? v.id : '';
  }

  back() {
    const from = this.view;
    this.setView({ name: 'list' });
    const card = from.id && this.root.querySelector(`.card[data-id="${esc(from.id)}"]`);
    (card || this.firstFocusable()).focus();
  }

  open() {
    if (this.dead) return;
    if (!this.panel) {
      this.mounted.then(() => this.open());
      return;
    }
    if (this.isOpen) return;
    this.isOpen = true;
    this.panel.hidden = false;
    this.wrap.classList.add('open');
    if (this.view.name === 'thread') {
      this.unread.delete(this.view.id);
      this.loadThread(this.view.id).catch(() => {});
    }
    this.render(true);
    this.autosize();
    this.focusView();
    this.startStream();
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.view.name === 'list' && this.renderList(), 60000);
  }

  close() {
    if (!this.isOpen || !this.panel) return;
    const inside = !!this.root.activeElement;
    this.isOpen = false;
    this.panel.hidden = true;
    this.wrap.classList.remove('open');
    clearInterval(this.ticker);
    this.renderLauncher();
    if (inside) this.launcher.focus();
  }

  firstFocusable() {
    const v = this.view.name;
    if (v === 'new' || v === 'thread') return this.textarea;
    if (v === 'list') return this.root.querySelector('.card') || this.newBtn;
    return this.title;
  }

  focusView() {
    const el = this.firstFocusable();
    if (el) el.focus({ preventScroll: el === this.textarea });
  }

  /** Grows the composer with its text, up to its max-height (then it scrolls). */
  autosize() {
    const t = this.textarea;
    t.style.height = '';
    if (t.value && t.scrollHeight > t.clientHeight) t.style.height = Math.min(t.scrollHeight, 140) + 'px';
  }

  /** Announces text to screen readers through the polite live region. */
  announce(text) {
    if (!this.live) return;
    const n = h('div', null, text);
    this.live.append(n);
    setTimeout(() => n.remove(), 7000);
  }

  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  clearNotice() {
    clearInterval(this.countdown);
    this.notice.hidden = true;
    this.notice.textContent = '';
  }

  /** 429: "try again in N s", counting down; nothing is sent meanwhile. */
  rateLimited(seconds) {
    this.blockedUntil = Date.now() + seconds * 1000;
    const text = (n) => `You're sending messages too fast — try again in ${n} s.`;
    clearInterval(this.countdown);
    this.showNotice(text(seconds));
    this.announce(text(seconds));
    this.countdown = setInterval(() => {
      const left = Math.ceil((this.blockedUntil - Date.now()) / 1000);
      if (left <= 0) this.clearNotice();
      else this.notice.textContent = text(left);
    }, 1000);
  }

  failed(e) {
    if (this.dead || !e || e.handled || e.name === 'AbortError') return;
    if (e.status === 429) return this.rateLimited(e.retryAfter);
    if (e.status === 404) {
      if (this.view.name === 'thread') {
        this.threads.delete(this.view.id);
        this.issues.delete(this.view.id);
        this.setView(this.homeView());
      }
      this.showNotice('That conversation is no longer available.');
      this.loadIssues().catch(() => {});
      return;
    }
    this.showNotice(e.status === 0 ? "We couldn't reach support. Check your connection and try again." : `Something went wrong. Please try again. (code: ${e.code})`);
  }

  async send() {
    if (this.sending || this.dead) return;
    const v = this.view;
    if (v.name !== 'new' && v.name !== 'thread') return;
    const text = this.textarea.value.trim();
    if (!text) return this.textarea.focus();
    if (byteLength(text) > MAX_BYTES) {
      this.showNotice('This message is too long. Please shorten it or split it in two.');
      return;
    }
    if (Date.now() < this.blockedUntil) {
      this.announce(this.notice.textContent);
      return;
    }
    const key = this.viewKey();
    this.sending = true;
    this.sendBtn.setAttribute('aria-disabled', 'true');
    try {
      if (v.name === 'new') {
        const created = await this.client.call('POST', '/v1/issues', { message: text });
        if (this.dead) return;
        const { messages, ...issue } = created;
        this.issues.set(issue.id, { ...this.issues.get(issue.id), ...issue });
        const t = this.thread(issue.id);
        t.loaded = true;
        this.addMessages(issue.id, messages || []);
        this.drafts.delete(key);
        if (this.viewKey() === key) {
          this.textarea.value = '';
          this.view = { name: 'list' }; // so setView keeps no draft for "new"
          this.setView({ name: 'thread', id: issue.id });
        } else this.render();
        this.startStream();
      } else {
        const m = await this.client.call('POST', `/v1/issues/${encodeURIComponent(v.id)}/messages`, { body: text });
        if (this.dead) return;
        const iss = this.issues.get(v.id);
        if (iss) iss.status = 'open'; // a reply reopens a resolved issue
        this.addMessages(v.id, [m]);
        this.drafts.delete(key);
        if (this.viewKey() === key) this.textarea.value = '';
        this.render();
      }
      this.autosize();
      this.clearNotice();
      this.announce('Message sent.');
    } catch (e) {
      this.failed(e);
    } finally {
      this.sending = false;
      if (this.sendBtn) this.sendBtn.removeAttribute('aria-disabled');
    }
  }

  // ------------------------------------------------------------- rendering

  render(full) {
    if (!this.main || this.dead) return;
    const v = this.view.name;
    const convo = v === 'new' || v === 'thread';
    this.backBtn.hidden = !(convo && this.issues.size > 0);
    this.header.classList.toggle('back-on', !this.backBtn.hidden);
    this.composer.hidden = !convo;
    this.newBtn.hidden = v !== 'list';
    this.foot.hidden = !(convo || v === 'list');
    this.main.classList.toggle('white', v !== 'list');
    this.textarea.placeholder = v === 'new' ? 'Describe your question…' : 'Write a reply…';
    if (full || v !== this.rendered) {
      this.rendered = v;
      if (v === 'list') this.renderList();
      else if (v === 'thread') this.renderThread();
      else this.renderScreen();
    } else if (v === 'list') this.renderList();
    else if (v === 'thread') this.renderBanner();
    this.renderLauncher();
  }

  renderLauncher() {
    const n = this.isOpen ? 0 : this.unread.size;
    this.count.hidden = n === 0;
    this.count.textContent = n > 9 ? '9+' : String(n);
    this.launcher.setAttribute('aria-expanded', String(this.isOpen));
    this.launcher.setAttribute(
      'aria-label',
      this.isOpen ? 'Close support chat' : n ? `Open support chat (${n} ${n === 1 ? 'conversation' : 'conversations'} with new replies)` : 'Open support chat',
    );
    const want = this.isOpen ? 'close' : 'chat';
    if (this.launcherIcon.dataset.icon !== want) {
      this.launcherIcon.dataset.icon = want;
      this.launcherIcon.replaceChildren(icon(want));
    }
  }

  renderList() {
    const focused = this.root.activeElement;
    const focusId = focused && focused.dataset && focused.dataset.id;
    const now = Date.now();
    const cards = this.sortedIssues().map((i) => {
      const unread = this.unread.has(i.id);
      return h(
        'li',
        null,
        h(
          'button',
          { class: 'card' + (unread ? ' unread' : ''), type: 'button', 'data-id': i.id, onclick: () => this.setView({ name: 'thread', id: i.id }, true) },
          h(
            'span',
            { class: 'top' },
            h('span', { class: 'st ' + i.status }, i.status === 'resolved' ? 'Resolved' : 'Open'),
            unread && h('span', { class: 'dot', 'aria-hidden': 'true' }),
            unread && h('span', { class: 'sr' }, 'New reply.'),
            h('time', { datetime: i.last_message_at, title: fullDate(i.last_message_at) }, relativeTime(i.last_message_at, now)),
          ),
          h('span', { class: 'preview' }, i.preview || 'Conversation'),
        ),
      );
    });
    this.main.replaceChildren(h('h3', { class: 'cards-title' }, 'Your conversations'), h('ul', { class: 'cards' }, cards));
    if (focusId) {
      const again = this.root.querySelector(`.card[data-id="${esc(focusId)}"]`);
      if (again) again.focus();
    }
  }

  renderThread() {
    this.banner = h('p', { class: 'banner', hidden: true });
    this.msgs = h('ol', { class: 'msgs', 'aria-label': 'Messages' });
    this.main.replaceChildren(h('div', { class: 'thread' }, this.banner, this.msgs));
    this.renderBanner();
    this.renderMessages(true);
  }

  renderBanner() {
    const iss = this.issues.get(this.view.id);
    if (this.banner) {
      this.banner.hidden = !(iss && iss.status === 'resolved');
      this.banner.textContent = 'This conversation is resolved. Send a message to reopen it.';
    }
  }

  renderMessages(toBottom) {
    if (!this.msgs || this.view.name !== 'thread') return;
    const box = this.main;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const t = this.thread(this.view.id);
    const now = Date.now();
    const items = [];
    let day = '';
    t.list.forEach((m, i) => {
      const d = dayLabel(m.created_at, now);
      if (d !== day) {
        day = d;
        items.push(h('li', { class: 'day' }, d));
      }
      const next = t.list[i + 1];
      const grouped = next && next.author === m.author && time(next.created_at) - time(m.created_at) < 300000 && dayLabel(next.created_at, now) === d;
      const who = m.author === 'agent' ? 'Support' : 'You';
      items.push(
        h(
          'li',
          { class: `msg ${m.author === 'agent' ? 'agent' : 'user'}${grouped ? ' g' : ''}` },
          h('div', { class: grouped ? 'meta sr' : 'meta' }, who, ' · ', h('time', { datetime: m.created_at, title: fullDate(m.created_at) }, clock(m.created_at))),
          h(
            'div',
            { class: 'bubble' },
            linkify(m.body).map((s) => (s.href ? h('a', { href: s.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, s.text) : s.text)),
          ),
        ),
      );
    });
    if (!t.loaded) items.push(h('li', { class: 'loadrow' }, h('div', { class: 'spin', 'aria-hidden': 'true' }), h('span', { class: 'sr' }, 'Loading messages')));
    this.msgs.replaceChildren(...items);
    if (toBottom || nearBottom) box.scrollTop = box.scrollHeight;
  }

  /** The centered screens: welcome (a new conversation), loading, errors, authentication failed. */
  renderScreen() {
    const v = this.view;
    let body;
    if (v.name === 'new') {
      body = [
        h('div', { class: 'big' }, icon('chat')),
        h('h3', null, 'How can we help?'),
        h('p', null, "Send us a message and we'll reply right here."),
        this.kind === ANONYMOUS && h('p', { class: 'note' }, 'Your conversations are kept in this browser.'),
      ];
    } else if (v.name === 'auth') {
      body = [
        h('div', { class: 'big warn' }, icon('lock')),
        h('h3', null, 'Authentication failed'),
        h('p', null, "We couldn't verify your identity. Please sign in again or contact support."),
        v.code && h('p', { class: 'code' }, 'code: ' + v.code),
      ];
    } else if (v.name === 'error') {
      body = [
        h('div', { class: 'big' }, icon('alert')),
        h('h3', null, v.title),
        h('p', null, v.text),
        v.code && h('p', { class: 'code' }, 'code: ' + v.code),
      ];
    } else {
      body = [h('div', { class: 'spin', role: 'img', 'aria-label': 'Loading' })];
    }
    this.main.replaceChildren(h('div', { class: 'thread' }, h('div', { class: 'center' }, body)));
  }
}

/** CSS.escape, which old browsers lack; ids are [a-z0-9_] anyway. */
function esc(s) {
  return String(s).replace(/[^\w-]/g, (c) => '\\' + c.charCodeAt(0).toString(16) + ' ');
}
