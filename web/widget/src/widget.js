// One booted widget: it ties the headless client (web/client: the session,
// the API, live updates) to the conversations it knows (state.js) and to the
// DOM (views/). Signet.boot() makes one; a second boot() destroys it and
// makes another.

import { SignetClient } from '../../client/src/client.js';
import { AUTH_FAILED, failureCause, proofFrom } from '../../client/src/session.js';
import { backoff } from '../../client/src/util.js';
import { translator, pickLocale } from './i18n.js';
import { Conversations } from './state.js';
import { liveHandlers } from './live.js';
import { failed, rateLimited, send } from './composer.js';
import { warn, warnOptions } from './console.js';
import { publish } from './bridge.js';
import { mount } from './views/panel.js';
import { renderLauncher } from './views/launcher.js';
import { renderList } from './views/list.js';
import { renderBanner, renderMessages, renderThread } from './views/thread.js';
import { renderScreen } from './views/screen.js';
import { h } from './dom.js';

/** The states boot() resolves to, besides the client's (web/widget/README.md, "States"). */
export const UNAVAILABLE = 'unavailable';
export const CONNECTING = 'connecting';

// localStorage, which may be missing or refuse (private modes, sandboxed
// frames): the client then keeps the session in memory for this page only.
const storage = {
  getItem(k) {
    try {
      return localStorage.getItem(k);
    } catch {
      return null;
    }
  },
  setItem(k, v) {
    try {
      localStorage.setItem(k, v);
    } catch {
      /* storage unavailable */
    }
  },
  removeItem(k) {
    try {
      localStorage.removeItem(k);
    } catch {
      /* storage unavailable */
    }
  },
};

export class Widget {
  /**
   * @param {object} o the options of Signet.boot()
   * @param {string} host the Signet origin
   */
  constructor(o, host) {
    warnOptions(o);
    this.o = o;
    this.host = host;
    this.dead = false;
    this.state = null; // data-signet-state
    this.cause = null; // why, for auth-failed / unavailable / connecting
    this.t = translator(pickLocale(o.locale, document.documentElement.lang, navigator.languages || []), o);
    this.c = new Conversations();
    this.view = { name: 'loading' };
    this.isOpen = false;
    this.booted = false;
    this.sending = false;
    this.blockedUntil = 0;
    this.timers = new Set();
    this.stream = null;
    this.inline = !!o.container;
    this.client = new SignetClient({ ...o, host, storage, fetch: (...a) => fetch(...a) });
    this.client.on('state', (s) => this.setState(s));
    this.client.on('auth-failed', ({ code }) => this.authFailed(code));
    this.client.on('user', () => this.resetConversations());
    this.client.on('renewed', () => this.startStream());
    this.mounted = new Promise((resolve) => {
      const go = () => {
        if (!this.dead) mount(this);
        resolve();
      };
      if (document.body) go();
      else document.addEventListener('DOMContentLoaded', go, { once: true });
    });
    this.ready = this.start();
  }

  get kind() {
    return this.client.kind;
  }

  // ---------------------------------------------------------------- session

  /**
   * Starts (or, after Retry, restarts) the session. Resolves to the state
   * reached; a passing failure (the network, 5xx, 429) resolves to
   * `connecting` while it keeps trying in the background.
   */
  start() {
    let settle;
    const settled = new Promise((resolve) => (settle = resolve));
    this.run(settle).then(settle);
    return settled;
  }

  async run(settle) {
    for (let attempt = 0; !this.dead; attempt++) {
      try {
        let issues = null;
        if (!this.client.token) issues = (await this.client.start()).issues;
        if (this.dead) return this.state;
        if (issues) this.setIssues(issues);
        else await this.loadIssues();
        await this.mounted;
        if (this.dead) return this.state;
        this.booted = true;
        this.cause = null;
        if (this.client.state && this.state !== this.client.state) this.setState(this.client.state); // after `connecting`
        const back = this.resume;
        this.resume = null;
        if (back) this.setView(back);
        else if (['loading', 'error', 'auth'].includes(this.view.name)) this.setView(this.homeView());
        else this.render();
        if (this.c.issues.size || this.isOpen) this.startStream();
        return this.state;
      } catch (e) {
        if (this.dead) return this.state;
        if (e && e.handled) return this.state; // the auth-failed screen is up
        await this.mounted;
        const cause = failureCause(e, this.o);
        if (this.state === AUTH_FAILED || cause === 'rejected' || cause === 'unsigned_refused' || cause === 'expired') {
          return this.state; // the client said auth-failed: authFailed() shows it
        }
        if (cause === 'unknown_app' || cause === 'bad_request') {
          warn(cause, e, this);
          this.cause = cause;
          this.setState(UNAVAILABLE);
          this.setView({ name: 'error', title: this.t('unavailableTitle'), text: this.t('unavailableText'), retry: true });
          return this.state;
        }
        if (attempt === 0) warn(cause, e, this);
        this.cause = cause;
        this.setState(CONNECTING);
        if (cause === 'rate_limited') {
          this.setView({ name: 'error', title: this.t('waitTitle'), text: this.t('waitText', { n: e.retryAfter }) });
          settle(this.state);
          await this.sleep(e.retryAfter * 1000);
        } else {
          if (attempt > 0) this.setView({ name: 'error', title: this.t('connectingTitle'), text: this.t('connectingText'), retry: true });
          settle(this.state);
          await this.sleep(backoff(attempt));
        }
      }
    }
    return this.state;
  }

  /** The Retry button of a failure screen: asks for a fresh proof when it can, and starts again. */
  async retry() {
    if (this.dead || this.retrying) return;
    if (this.state === CONNECTING) {
      for (const done of [...this.timers]) done(); // the loop, waiting out its backoff, tries now
      return;
    }
    this.retrying = true;
    try {
      this.setView({ name: 'loading' }, true);
      if (this.state === AUTH_FAILED && typeof this.o.fetchIdentityToken === 'function') {
        try {
          const proof = proofFrom(await this.o.fetchIdentityToken(), this.o);
          if (proof) Object.assign(this.client.o, { userHash: proof.userHash, identityToken: proof.identityToken });
        } catch {
          /* start again with what boot() was given */
        }
      }
      this.client.state = null;
      this.ready = this.start();
      await this.ready;
      if (this.isOpen) this.focusView();
    } finally {
      this.retrying = false;
    }
  }

  setState(s) {
    this.state = s;
    publish(this);
    this.mounted.then(() => {
      if (this.el && this.state === s) this.el.setAttribute('data-signet-state', s);
    });
  }

  /** The session could not start or be renewed: the calm failure screen, with Retry. */
  authFailed(code) {
    if (this.dead) return;
    this.stopStream();
    this.cause = failureCause({ status: 401, code }, this.client.o);
    warn(this.cause, { status: 401, code }, this);
    this.booted = true;
    this.mounted.then(() => {
      if (this.dead) return;
      const v = this.view.name;
      if (v === 'new' || v === 'thread') this.resume = this.view; // back there, with its draft, after Retry
      this.setView({ name: 'auth', code });
      this.announce(this.t('authAnnounce'));
    });
  }

  /** Signet.shutdown(): the user left. Ends a named session; an anonymous visitor keeps theirs. */
  destroy(endSession) {
    if (this.dead) return;
    if (endSession) this.client.logout();
    else this.client.close();
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
    const list = await this.client.issues();
    if (!this.dead) this.setIssues(list);
  }

  setIssues(list) {
    this.c.setIssues(list);
    if (this.view.name === 'thread' && !this.c.issues.has(this.view.id) && !this.c.threads.has(this.view.id)) {
      this.setView(this.homeView());
    } else this.render();
  }

  resetConversations() {
    this.c.reset();
    this.setView(this.homeView());
    this.loadIssues().catch(() => {});
  }

  /** Adds messages to a conversation and shows them when it is on screen. */
  addMessages(id, msgs) {
    const added = this.c.addMessages(id, msgs);
    if (added && this.view.name === 'thread' && this.view.id === id) renderMessages(this);
    return added;
  }

  /** Reads a conversation: all of it the first time, then what is new. */
  async loadThread(id) {
    const t = this.c.thread(id);
    const got = await this.client.messages(id, this.c.lastId(id));
    if (this.dead) return [];
    const wasLoaded = t.loaded;
    t.loaded = true;
    this.addMessages(id, got);
    if (!wasLoaded && this.view.name === 'thread' && this.view.id === id) renderMessages(this, true);
    return got;
  }

  // ----------------------------------------------------------- live stream

  startStream() {
    if ((this.stream && this.stream.running) || this.dead || !this.client.token || this.state === AUTH_FAILED) return;
    this.stream = this.client.live(liveHandlers(this));
  }

  stopStream() {
    const s = this.stream;
    this.stream = null;
    if (s) s.stop();
  }

  // ------------------------------------------------------------------ panel

  homeView() {
    return this.c.issues.size ? { name: 'list' } : { name: 'new' };
  }

  /** Switches what the panel shows, keeping each view's draft. */
  setView(v, focus) {
    if (!this.main) {
      this.view = v;
      return;
    }
    const key = this.viewKey();
    if (key) this.c.drafts.set(key, this.textarea.value);
    this.view = v;
    if (Date.now() >= this.blockedUntil) this.clearNotice();
    if (v.name === 'thread') this.c.unread.delete(v.id);
    const nk = this.viewKey();
    if (nk) {
      this.textarea.value = this.c.drafts.get(nk) || '';
      this.autosize();
    }
    this.render(true);
    if (v.name === 'thread') {
      const t = this.c.thread(v.id);
      if (!t.loaded || this.isOpen) this.loadThread(v.id).catch((e) => failed(this, e));
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
      this.c.unread.delete(this.view.id);
      this.loadThread(this.view.id).catch(() => {});
    }
    this.render(true);
    this.autosize();
    if (!this.inline) this.focusView();
    this.startStream();
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.view.name === 'list' && renderList(this), 60000);
  }

  close() {
    if (!this.isOpen || !this.panel || this.inline) return;
    const inside = !!this.root.activeElement;
    this.isOpen = false;
    this.panel.hidden = true;
    this.wrap.classList.remove('open');
    clearInterval(this.ticker);
    renderLauncher(this);
    if (inside) (this.launcher.hidden ? this.panel : this.launcher).focus();
  }

  firstFocusable() {
    const v = this.view.name;
    if (v === 'new' || v === 'thread') return this.textarea;
    if (v === 'list') return this.root.querySelector('.card') || this.newBtn;
    if (v === 'error' || v === 'auth') return this.root.querySelector('.retry') || this.title;
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

  rateLimited(seconds) {
    rateLimited(this, seconds);
  }

  send() {
    return send(this);
  }

  // ------------------------------------------------------------- rendering

  render(full) {
    if (!this.main || this.dead) return;
    const v = this.view.name;
    const convo = v === 'new' || v === 'thread';
    this.backBtn.hidden = !(convo && this.c.issues.size > 0);
    this.header.classList.toggle('back-on', !this.backBtn.hidden);
    this.composer.hidden = !convo;
    this.newBtn.hidden = v !== 'list';
    this.foot.hidden = !(convo || v === 'list');
    this.main.classList.toggle('white', v !== 'list');
    this.textarea.placeholder = this.t(v === 'new' ? 'placeholderNew' : 'placeholderReply');
    if (full || v !== this.rendered) {
      this.rendered = v;
      if (v === 'list') renderList(this);
      else if (v === 'thread') renderThread(this);
      else renderScreen(this);
    } else if (v === 'list') renderList(this);
    else if (v === 'thread') renderBanner(this);
    renderLauncher(this);
  }
}

/** CSS.escape, which old browsers lack; ids are [a-z0-9_] anyway. */
export function esc(s) {
  return String(s).replace(/[^\w-]/g, (c) => '\\' + c.charCodeAt(0).toString(16) + ' ');
}
