// The widget and its surroundings: the state it reached, told to the page (a
// `signet:state` event on window) and to a native app hosting the page in a
// WebView (docs/mobile.md), which may also hand in fresh identity tokens.
//
// Native bridges recognised, in order:
//   iOS WKWebView:      window.webkit.messageHandlers.signet.postMessage(object)
//   Android WebView:    window.SignetAndroid.postMessage(JSON string)  (addJavascriptInterface)
//   React Native:       window.ReactNativeWebView.postMessage(JSON string)
// Messages out: {type: "signet:state", state, cause, userId, verified} and
// {type: "signet:token-request", id}; the app answers a token request with
// Signet.provideIdentityToken(id, token) (or with null when it has none).

/** Posts a message to the native app, if a bridge is there. Returns whether one was. */
export function nativePost(msg) {
  try {
    const ios = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.signet;
    if (ios && typeof ios.postMessage === 'function') {
      ios.postMessage(msg);
      return true;
    }
    const text = JSON.stringify(msg);
    for (const b of [window.SignetAndroid, window.ReactNativeWebView]) {
      if (b && typeof b.postMessage === 'function') {
        b.postMessage(text);
        return true;
      }
    }
  } catch {
    /* a bridge that throws is no bridge */
  }
  return false;
}

/** Whether the page runs inside a native app that bridges to the widget. */
export function hasNativeBridge() {
  return !!(
    (window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.signet) ||
    (window.SignetAndroid && typeof window.SignetAndroid.postMessage === 'function') ||
    (window.ReactNativeWebView && typeof window.ReactNativeWebView.postMessage === 'function')
  );
}

/** Publishes the widget's state: { state, cause, userId, verified }. Never a token. */
export function publish(w) {
  const detail = { state: w.state, cause: w.cause || null, userId: w.client.userId || null, verified: w.state === 'verified' };
  try {
    window.dispatchEvent(new CustomEvent('signet:state', { detail }));
  } catch {
    /* an old browser without CustomEvent */
  }
  nativePost({ type: 'signet:state', ...detail });
}

const pending = new Map(); // request id → settle(value)
let seq = 0;

/** fetchIdentityToken through the native app: asks it, waits up to 30 s for Signet.provideIdentityToken. */
export function nativeIdentityToken() {
  return new Promise((resolve, reject) => {
    const id = 'tok_' + ++seq;
    const t = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the native app did not answer the token request'));
    }, 30000);
    pending.set(id, (value) => {
      clearTimeout(t);
      pending.delete(id);
      if (value) resolve(value);
      else reject(new Error('the native app has no token'));
    });
    if (!nativePost({ type: 'signet:token-request', id })) pending.get(id)(null);
  });
}

/** The native app's answer to a token request (a token string, {identityToken} / {userHash}, or null). */
export function provideIdentityToken(id, value) {
  const settle = pending.get(String(id));
  if (settle) settle(value);
  return !!settle;
}
