// What the developer sees: one console warning naming the cause of a failure
// (the end user meanwhile sees a calm, translated message). Never a token, a
// digest or a message body.

const WHY = {
  unknown_app: (w, code) =>
    `no app has the id "${w.o.appId}" on ${w.host} (404 ${code}). Check appId in Signet.boot() (the app page of the dashboard shows it).`,
  rejected: (w, code) =>
    `the identity was refused: ${code}. The userHash or identityToken does not verify for app "${w.o.appId}"; "signet doctor" or the app's verification log says why.`,
  unsigned_refused: (w, code) =>
    `app "${w.o.appId}" enforces verification and refused a login without a userHash or identityToken (${code}). Sign the identity on the brand's backend and pass it to Signet.boot().`,
  expired: (w, code) =>
    `the session ended (${code}) and could not be renewed. Give Signet.boot() a fetchIdentityToken that returns a fresh proof from the brand's backend.`,
  rate_limited: (w, code, e) => `too many requests (429 ${code}); trying again in ${e.retryAfter} s.`,
  network: (w, code, e) =>
    `cannot reach ${w.host} (${e.status ? e.status + ' ' : ''}${code}). Check the host option, the page's Content-Security-Policy connect-src, and that the server is up. Retrying.`,
  bad_request: (w, code, e) => `the server refused the request (${e.status} ${code}${e.message && e.message !== code ? ': ' + e.message : ''}).`,
};

/** Warns once per cause and code for a widget (a retry loop does not flood the console). */
export function warn(cause, e, w) {
  const code = (e && e.code) || 'network';
  const key = cause + ':' + code;
  w.warned = w.warned || new Set();
  if (w.warned.has(key)) return;
  w.warned.add(key);
  const why = WHY[cause] || WHY.bad_request;
  console.warn(`Signet: ${why(w, code, e || {})} [${cause}]`);
}

const KNOWN = {
  appId: 'string',
  host: 'string',
  userId: 'string',
  email: 'string',
  name: 'string',
  userHash: 'string',
  identityToken: 'string',
  fetchIdentityToken: 'function',
  appVersion: 'string',
  accentColor: 'string',
  colors: 'object',
  title: 'string',
  greeting: 'string',
  locale: 'string',
  strings: 'object',
  position: 'string',
  container: 'any',
  launcher: 'boolean',
  bridge: 'boolean',
};

/** Wrong or unknown boot() options: a console line each (the widget carries on without them). */
export function warnOptions(o) {
  for (const k of Object.keys(o)) {
    const want = KNOWN[k];
    if (!want) console.warn(`Signet.boot: unknown option "${k}" (ignored).`);
    else if (want !== 'any' && o[k] != null && typeof o[k] !== want) {
      console.warn(`Signet.boot: option "${k}" must be a ${want}, not ${typeof o[k]} (ignored).`);
      delete o[k];
    }
  }
  if (o.identityToken && o.userHash) console.warn('Signet.boot: both identityToken and userHash given; a JWT profile reads the token, an HMAC profile the digest.');
  if (o.userHash && !o.userId && !o.email) {
    console.warn('Signet.boot: a userHash without a userId or email signs nobody; pass the identity it was computed over.');
  }
  if (o.position && !['right', 'left'].includes(o.position)) {
    console.warn(`Signet.boot: position must be "right" or "left", not "${o.position}" (ignored).`);
    delete o.position;
  }
}
