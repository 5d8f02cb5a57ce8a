// SignetClient: one end user's session with a Signet app, without any DOM.
// It logs in (a digest, a JWT, or anonymously), keeps the session for the
// next start (in the storage it is given), logs in again silently when the
// session ends, and reads and writes issues and messages. Live updates are in
// stream.js (client.live()).
//
// The session token lives in memory and in the given storage only; it is
// never logged.

import { ApiError, Client } from './api.js';
import {
  AUTH_FAILED,
  VERIFIED,
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
import { LiveStream } from './stream.js';
import { randomId } from './util.js';

const PAGE = 500; // messages per request when reading a conversation

/** Storage in memory: the default, and what a failing storage falls back to. */
export function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
  };
}

export class SignetClient {
  /**
   * @param {object} o
   * @param {string} o.host the Signet origin, e.g. "https://signet.example.com"
   * @param {string} o.appId
   * @param {string} [o.userId] @param {string} [o.email] @param {string} [o.name]
   * @param {string} [o.userHash] the digest, for HMAC profiles
   * @param {string} [o.identityToken] the JWT, for JWT profiles
   * @param {() => Promise<string|{identityToken?: string, userHash?: string}>} [o.fetchIdentityToken]
   *   a fresh proof from the brand's backend when a verified session ends
   * @param {string} [o.appVersion]
   * @param {{getItem, setItem, removeItem}} [o.storage] localStorage, React
   *   Native's AsyncStorage (promises are awaited), or anything alike; memory by default
   * @param {string} [o.deviceId] default: random, made once, kept in storage
   * @param {typeof fetch} [o.fetch] default: the global fetch; live updates
   *   need one whose response bodies stream (Response.body.getReader())
   */
  constructor(o) {
    if (!o || typeof o.appId !== 'string' || !o.appId) throw new TypeError('SignetClient: an appId is required');
    if (typeof o.host !== 'string' || !o.host) throw new TypeError('SignetClient: a host is required');
    this.o = o;
    this.host = o.host.replace(/\/+$/, '');
    this.appId = o.appId;
    this.storage = o.storage || memoryStorage();
    this.closed = false;
    this.kind = null; // verified / unverified / anonymous
    this.state = null; // kind, or auth-failed
    this.userId = null;
    this.failure = null; // { cause, code } once auth-failed
    this.streams = new Set();
    this.listeners = new Map();
    this.kAnon = `signet:anon:${o.appId}@${this.host}`;
    this.kSession = `signet:session:${o.appId}@${this.host}`;
    this.fetch = o.fetch || ((...a) => fetch(...a));
    this.api = new Client({ host: this.host, appId: o.appId, fetch: this.fetch, reauth: (t, e) => this.reauth(t, e) });
  }

  get token() {
    return this.api.token;
  }

  /**
   * Listens to the session: 'state' (the state changed), 'auth-failed'
   * ({code}: the session could not be renewed), 'user' (a re-login came back
   * as another user: forget what was shown), 'token' (a new session token),
   * 'renewed' (the session was renewed after it ended).
   * Returns a function that stops listening.
   */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }

  emit(type, value) {
    for (const fn of this.listeners.get(type) || []) {
      try {
        fn(value);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  // ---------------------------------------------------------------- storage

  async load(k) {
    try {
      return JSON.parse(await this.storage.getItem(k));
    } catch {
      return null;
    }
  }

  async save(k, v) {
    try {
      await this.storage.setItem(k, JSON.stringify(v));
    } catch {
      /* storage unavailable: this run keeps the session in memory */
    }
  }

  async forget(k) {
    try {
      await this.storage.removeItem(k);
    } catch {
      /* storage unavailable */
    }
  }

  /** The device id given, or one made once and kept in storage. */
  async deviceId() {
    if (this.o.deviceId) return this.o.deviceId;
    if (this.device) return this.device;
    let id = await this.load('signet:device');
    if (typeof id !== 'string' || !id) {
      id = randomId('dev_');
      await this.save('signet:device', id);
    }
    return (this.device = id);
  }

  // ---------------------------------------------------------------- session

  /**
   * Starts the session: reuses the stored one when it belongs to this
   * identity and still works (checked by reading the issues), or logs in.
   * Resolves to { state, issues } (issues: null when they were not read).
   * Throws an ApiError when it cannot (failureCause(err, options) names why);
   * a 401 also puts the client in the auth-failed state.
   */
  async start() {
    const key = hasIdentity(this.o) ? this.kSession : this.kAnon;
    const stored = await this.load(key);
    if (mayReuse(stored, this.o)) {
      try {
        const r = await this.api.raw('GET', '/v1/issues?limit=100', undefined, stored.t);
        if (this.closed) return { state: this.state, issues: null };
        this.api.token = stored.t;
        this.setSession(stored.s, stored.u);
        return { state: this.state, issues: r.issues || [] };
      } catch (e) {
        if (!(e instanceof ApiError) || !isSessionError(e.status, e.code)) throw e;
        await this.forget(key);
      }
    }
    try {
      await this.accept(await this.login(null));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) await this.fail(e.code);
      throw e;
    }
    return { state: this.state, issues: null };
  }

  /** POST login with the options' identity, or with a fresh proof. */
  async login(proof) {
    const anon = hasIdentity(this.o) ? await this.load(this.kAnon) : null;
    return this.api.login(loginBody(this.o, { deviceId: await this.deviceId(), anonymousSession: anon && anon.t, proof }));
  }

  /** Takes a login answer: the token, the state, what to keep for the next start. */
  async accept(a) {
    if (this.closed) {
      this.endSession(a.session_token); // closed meanwhile: nobody will use it
      return;
    }
    const s = stateOf(a);
    const u = a.user && a.user.id;
    this.api.token = a.session_token;
    if (!hasIdentity(this.o)) {
      await this.save(this.kAnon, { t: a.session_token, s, u });
    } else {
      const old = await this.load(this.kSession);
      if (old && old.t && old.t !== a.session_token && old.u !== u) this.endSession(old.t); // replaced for good
      await this.save(this.kSession, { t: a.session_token, s, u, f: identityFingerprint(this.o) });
      if (s === VERIFIED) await this.forget(this.kAnon); // its issues were handed over; that session has ended
    }
    this.setSession(s, u);
    this.emit('token', a.session_token);
  }

  setSession(s, userId) {
    this.kind = s;
    this.userId = userId;
    this.failure = null;
    this.setState(s);
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  /**
   * The session ended (401 session_expired / session_revoked, or the stream
   * said so): log in again, keeping the same user. Resolves true (retry the
   * request), false (auth-failed), or throws a passing failure (the network, 429).
   */
  async reauth(failedToken, err) {
    if (this.closed || this.state === AUTH_FAILED) return false;
    const prev = this.kind;
    const plan = reauthPlan(prev, typeof this.o.fetchIdentityToken === 'function');
    await this.forget(hasIdentity(this.o) ? this.kSession : this.kAnon);
    const code = (err && err.code) || 'session_expired';
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
      if (this.closed) return false;
      if (!reauthAccepted(prev, a)) {
        this.endSession(a.session_token);
        throw new ApiError(401, code);
      }
      const same = a.user && a.user.id === this.userId;
      await this.accept(a);
      if (!same) this.emit('user', this.userId);
      for (const s of this.streams) s.restart();
      this.emit('renewed', this.state);
      return true;
    } catch (e) {
      if (this.closed) return false;
      if (e instanceof ApiError && e.status === 401) {
        await this.fail(e.code || code);
        return false;
      }
      throw e;
    }
  }

  /** The session could not start or be renewed: the auth-failed state. */
  async fail(code) {
    for (const s of this.streams) s.stop();
    this.api.token = '';
    if (hasIdentity(this.o)) await this.forget(this.kSession);
    this.failure = { code };
    this.setState(AUTH_FAILED);
    this.emit('auth-failed', { code });
  }

  /** Ends a session on the server, best effort (the page or app may be leaving). */
  endSession(token) {
    if (!token) return;
    try {
      Promise.resolve(
        this.fetch(this.host + '/v1/logout', {
          method: 'POST',
          headers: { Authorization: 'Bearer ' + token },
          keepalive: true,
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        }),
      ).catch(() => {});
    } catch {
      /* nothing to do */
    }
  }

  /**
   * The user signed out of the brand's app: ends a named session and forgets
   * it (an anonymous visitor keeps theirs), stops the live streams.
   */
  async logout() {
    if (hasIdentity(this.o) && this.api.token) {
      this.endSession(this.api.token);
      await this.forget(this.kSession);
    }
    this.close();
  }

  /** Stops everything this client runs; the session stays for the next start. */
  close() {
    this.closed = true;
    for (const s of [...this.streams]) s.stop();
  }

  // ---------------------------------------------------------- conversations

  /** The user's issues, newest first (up to 100). */
  async issues() {
    const r = await this.api.call('GET', '/v1/issues?limit=100');
    return r.issues || [];
  }

  /** Messages of an issue: all of them, or those after the message id `after`. */
  async messages(issueId, after = '') {
    const got = [];
    for (let page = 0; page < 40; page++) {
      const q = `?limit=${PAGE}` + (after ? `&after=${encodeURIComponent(after)}` : '');
      const r = await this.api.call('GET', `/v1/issues/${encodeURIComponent(issueId)}/messages${q}`);
      if (this.closed) return got;
      got.push(...r.messages);
      if (r.messages.length < PAGE) break;
      after = r.messages[r.messages.length - 1].id;
    }
    return got;
  }

  /** Opens an issue with its first message. Resolves to the issue, with `messages`. */
  createIssue(message) {
    return this.api.call('POST', '/v1/issues', { message });
  }

  /** Posts a message on an issue (reopening it when resolved). Resolves to the message. */
  send(issueId, body) {
    return this.api.call('POST', `/v1/issues/${encodeURIComponent(issueId)}/messages`, { body });
  }

  /**
   * Live updates (GET /v1/events) until stopped: handlers.message(m),
   * handlers.issue(i), handlers.connected() (after every (re)connection:
   * re-read what may have been missed). Returns the LiveStream (stop()).
   */
  live(handlers) {
    const s = new LiveStream(this, handlers);
    this.streams.add(s);
    s.onStop = () => this.streams.delete(s);
    s.start();
    return s;
  }
}
