// Live updates: GET /v1/events read with fetch() and a streaming reader
// (EventSource cannot send the Authorization header, and React Native has
// none), parsed by sse.js. Reconnects with backoff; a 429 waits its
// Retry-After; session_ended logs in again through the client; every
// (re)connection calls handlers.connected() once the server has subscribed
// (": connected"), so the caller re-reads what it may have missed.

import { ApiError, errorFrom } from './api.js';
import { isSessionError } from './session.js';
import { SSEParser, readStream } from './sse.js';
import { backoff } from './util.js';

export class LiveStream {
  /**
   * @param {import('./client.js').SignetClient} client
   * @param {{message?: (m: object) => void, issue?: (i: object) => void, connected?: () => void}} handlers
   */
  constructor(client, handlers = {}) {
    this.client = client;
    this.handlers = handlers;
    this.running = false;
    this.ctl = null;
    this.wake = null;
    this.onStop = null;
  }

  start() {
    if (this.running || this.client.closed) return;
    this.running = true;
    this.loop();
  }

  stop() {
    this.running = false;
    if (this.ctl) this.ctl.abort();
    if (this.wake) this.wake();
    if (this.onStop) this.onStop();
  }

  /** A new token: reconnect with it at once. */
  restart() {
    if (!this.running) return;
    if (this.ctl) this.ctl.abort();
    if (this.wake) this.wake();
  }

  /** Waits, unless stop() or restart() wakes it. */
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

  get live() {
    return this.running && !this.client.closed;
  }

  async loop() {
    let fails = 0;
    while (this.live) {
      const ctl = new AbortController();
      this.ctl = ctl;
      const token = this.client.token;
      let end = 'closed';
      let since = 0;
      let endedCode = '';
      try {
        const res = await this.client.fetch(this.client.host + '/v1/events', {
          headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
          cache: 'no-store',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
          signal: ctl.signal,
        });
        if (!res.ok) throw await errorFrom(res);
        if (!res.body || typeof res.body.getReader !== 'function') throw new ApiError(0, 'no_streaming', 'this fetch cannot stream a response body');
        since = Date.now();
        const parser = new SSEParser(
          (ev) => {
            const r = this.onEvent(ev);
            if (r) {
              end = r.end;
              endedCode = r.code || '';
            }
          },
          (comment) => {
            if (comment === 'connected' && this.handlers.connected) this.handlers.connected();
          },
        );
        await readStream(res.body, parser);
      } catch (e) {
        if (ctl.signal.aborted) continue; // stopped, or restarted with a new token
        if (e instanceof ApiError && isSessionError(e.status, e.code)) {
          end = 'session_ended';
          endedCode = e.code;
        } else if (e instanceof ApiError && e.status === 429) {
          await this.pause(e.retryAfter * 1000); // over the server's cap of streams: as long as it asks
          continue;
        } else end = 'failed';
      }
      if (!this.live) break;
      if (end === 'session_ended') {
        try {
          if (!(await this.client.api.reauth(token, { code: endedCode || 'session_expired' }))) break; // auth-failed
        } catch {
          await this.pause(backoff(fails++));
        }
        continue;
      }
      if (since && Date.now() - since > 30000) fails = 0;
      if (end === 'resync' || end === 'bye') await this.pause(end === 'bye' ? 1000 + Math.random() * 2000 : 250 + Math.random() * 750);
      else await this.pause(backoff(fails++));
    }
    if (this.ctl) this.ctl.abort();
    this.running = false;
  }

  /** One event; returns how the stream ends, if this event ends it. */
  onEvent(ev) {
    let d = null;
    try {
      d = JSON.parse(ev.data);
    } catch {
      /* not JSON */
    }
    switch (ev.type) {
      case 'message':
        if (d && d.id && d.issue_id && this.handlers.message) this.handlers.message(d);
        return null;
      case 'issue':
        if (d && d.id && this.handlers.issue) this.handlers.issue(d);
        return null;
      case 'session_ended':
        return { end: ev.type, code: (d && d.code) || 'session_expired' };
      case 'resync':
      case 'bye':
        return { end: ev.type };
    }
    return null;
  }
}
