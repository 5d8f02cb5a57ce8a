// The entry point of widget.js: window.Signet = { boot, shutdown, open, close }.
//
//   <script src="https://SIGNET_HOST/widget.js"></script>
//   <script>Signet.boot({ appId: "app_…", userId, email, userHash, identityToken, name,
//                         fetchIdentityToken: async () => "…" })</script>
//
// host defaults to the origin that served this script, read while it runs.

import { Widget } from './widget.js';
import { hasNativeBridge, nativeIdentityToken, provideIdentityToken } from './bridge.js';

const script = document.currentScript;

function scriptOrigin() {
  const src = script && script.src;
  if (src) {
    try {
      return new URL(src, location.href).origin;
    } catch {
      /* fall through */
    }
  }
  return location.origin;
}

const DEFAULT_HOST = scriptOrigin();

let current = null;

function normalizeHost(h) {
  try {
    const u = new URL(String(h), location.href);
    return (u.origin + u.pathname).replace(/\/+$/, '');
  } catch {
    return DEFAULT_HOST;
  }
}

const Signet = {
  /**
   * Starts the widget (a second call replaces the first). Resolves to the
   * state it reached: "verified", "unverified", "anonymous", "auth-failed",
   * "unavailable" or "connecting" (README.md, "States").
   */
  boot(options) {
    const o = { ...(options || {}) };
    if (typeof o.appId !== 'string' || !o.appId) {
      console.warn('Signet.boot: an appId is required (the app page of the dashboard shows it); the widget did not start. [bad_options]');
      return Promise.resolve('unavailable');
    }
    if (typeof o.fetchIdentityToken !== 'function' && hasNativeBridge()) o.fetchIdentityToken = nativeIdentityToken;
    if (current) current.destroy(false);
    const w = (current = new Widget(o, o.host ? normalizeHost(o.host) : DEFAULT_HOST));
    return w.ready;
  },
  /** Removes the widget; a signed-in user's session ends (an anonymous visitor keeps theirs). */
  shutdown() {
    if (current) current.destroy(true);
    current = null;
  },
  open() {
    if (current) current.open();
  },
  close() {
    if (current) current.close();
  },
  /** A native app's answer to a {type: "signet:token-request", id} message (docs/mobile.md). */
  provideIdentityToken,
};

// A page may queue calls before the script loads:
//   window.Signet = window.Signet || { q: [] }; Signet.q.push(['boot', {...}])
const queued = window.Signet && Array.isArray(window.Signet.q) ? window.Signet.q : [];
window.Signet = Signet;
for (const [method, ...args] of queued) if (typeof Signet[method] === 'function') Signet[method](...args);
