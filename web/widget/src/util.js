// Small pure helpers: no DOM, no network; tested with node --test.

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

/** UTF-8 length: the server limits messages in bytes. */
export function byteLength(s) {
  return new TextEncoder().encode(s).length;
}

const DAY = 86400000;

function startOfDay(t) {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Calendar days between two instants in local time (0: same day, 1: yesterday …). */
export function daysApart(then, now) {
  return Math.round((startOfDay(now) - startOfDay(then)) / DAY);
}

/** "just now", "5 min ago", "3 h ago", "Yesterday", "Mon", "Mar 3", "Mar 3, 2023". */
export function relativeTime(iso, now = Date.now(), locale) {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  const days = daysApart(t, now);
  if (days <= 0) return `${Math.round(s / 3600)} h ago`;
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(t);
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, sameYear ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', year: 'numeric' }).format(t);
}

/** A day separator in a conversation: "Today", "Yesterday", "Monday, March 3" (with the year when not this year). */
export function dayLabel(iso, now = Date.now(), locale) {
  const t = Date.parse(iso);
  const days = daysApart(t, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }).format(t);
}

/** "10:42 AM" (in the reader's locale). */
export function clock(iso, locale) {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(Date.parse(iso));
}

/** The full date and time, for a title attribute. */
export function fullDate(iso, locale) {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(Date.parse(iso));
}

/**
 * Splits text into plain and link segments. Only http(s) URLs become links;
 * trailing punctuation stays text. Nothing is ever parsed as HTML.
 * @returns {{text: string, href?: string}[]}
 */
export function linkify(text) {
  const out = [];
  const re = /\bhttps?:\/\/[^\s<>"']+/gi;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    let url = m[0];
    // Leave sentence punctuation and an unbalanced closing bracket outside.
    for (;;) {
      const c = url[url.length - 1];
      if (/[.,;:!?'"]/.test(c)) url = url.slice(0, -1);
      else if (c === ')' && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
      else break;
    }
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: url, href: url });
    last = m.index + url.length;
    re.lastIndex = last;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

function count(s, ch) {
  return s.split(ch).length - 1;
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
