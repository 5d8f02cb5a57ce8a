// Small pure helpers of the widget's display: no DOM, no network; tested with
// node --test. The client's own (Retry-After, backoff, digests) are re-exported.

import { translator } from './i18n.js';

export { backoff, digest, jwtClaims, parseRetryAfter, randomId, stableJSON } from '../../client/src/util.js';

const english = translator('en');

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
export function relativeTime(iso, now = Date.now(), locale, t = english) {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const s = Math.max(0, (now - at) / 1000);
  if (s < 45) return t('justNow');
  if (s < 3600) return t('minAgo', { n: Math.max(1, Math.round(s / 60)) });
  const days = daysApart(at, now);
  if (days <= 0) return t('hoursAgo', { n: Math.round(s / 3600) });
  if (days === 1) return t('yesterday');
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, sameYear ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', year: 'numeric' }).format(at);
}

/** A day separator in a conversation: "Today", "Yesterday", "Monday, March 3" (with the year when not this year). */
export function dayLabel(iso, now = Date.now(), locale, t = english) {
  const at = Date.parse(iso);
  const days = daysApart(at, now);
  if (days === 0) return t('today');
  if (days === 1) return t('yesterday');
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
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

