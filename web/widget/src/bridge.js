// The state the widget reached, told to the page (and to a native app's
// WebView bridge, see docs/mobile.md): a `signet:state` event on window, and
// the host element's data-signet-state.

/** Publishes the widget's state: { state, cause, userId, verified }. Never a token. */
export function publish(w) {
  const detail = { state: w.state, cause: w.cause || null, userId: w.client.userId || null, verified: w.state === 'verified' };
  try {
    window.dispatchEvent(new CustomEvent('signet:state', { detail }));
  } catch {
    /* an old browser without CustomEvent */
  }
}
