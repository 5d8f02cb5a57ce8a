// Small pure helpers of the client: no DOM, no network; tested with node --test.

/**
 * Seconds to wait from a Retry-After header: delay-seconds or an HTTP date.
 * At least 1; `fallback` when the header is missing or unreadable.
 */
export function parseRetryAfter(value, now = Date.now(), fallback = 10) {
  if (value == null) return fallback;
  const v = String(value).trim();
  if (/^\d+$/.test(v)) return Math.max(1, Math.min(Number(v), 86400));
  if (!/[a-z]/i.test(v)) return fallback; // "-3", "1.5", "" …
  const t = Date.parse(v);
  if (Number.isNaN(t)) return fallback;
  return Math.max(1, Math.min(Math.ceil((t - now) / 1000), 86400));
}

/** Reconnect delay in ms for the n-th failure in a row: 1 s doubling to 30 s, jittered down by up to half. */
export function backoff(attempt, random = Math.random) {
  const base = Math.min(30000, 1000 * 2 ** Math.min(attempt, 15));
  return Math.round(base * (0.5 + random() / 2));
}

/** JSON with object keys sorted at every level, for comparing values. */
export function stableJSON(v) {
  if (Array.isArray(v)) return `[${v.map(stableJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJSON(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A 106-bit non-cryptographic digest (two 53-bit cyrb53 lanes), hex. Used to
 * recognise the identity a stored session belongs to without storing the
 * identity's digest or token (crypto.subtle exists only on https pages).
 */
export function digest(str) {
  const lane = (seed) => {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
  };
  return lane(1) + lane(2);
}

/** The claims of a JWT, unverified (only to recognise the identity it names), or null. */
export function jwtClaims(token) {
  try {
    const part = String(token).split('.')[1];
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** A random id from the platform's CSPRNG (which, unlike randomUUID, plain-http pages have too). */
export function randomId(prefix, bytes = 16) {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
