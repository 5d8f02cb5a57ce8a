import test from 'node:test';
import assert from 'node:assert/strict';
import { backoff, byteLength, dayLabel, digest, jwtClaims, linkify, parseRetryAfter, relativeTime, stableJSON } from '../src/util.js';

test('Retry-After: seconds, an HTTP date, or the fallback', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('42', now), 42);
  assert.equal(parseRetryAfter(' 7 ', now), 7);
  assert.equal(parseRetryAfter('0', now), 1, 'at least 1 s');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:00 GMT', now + 5000), 1, 'a date in the past: 1 s');
  assert.equal(parseRetryAfter(null, now), 10);
  assert.equal(parseRetryAfter(undefined, now, 3), 3);
  assert.equal(parseRetryAfter('soon', now), 10);
  assert.equal(parseRetryAfter('-5', now), 10);
  assert.equal(parseRetryAfter('1.5', now), 10);
  assert.equal(parseRetryAfter('999999999', now), 86400, 'capped at a day');
});

test('backoff doubles from 1 s to 30 s, jittered down by at most half', () => {
  assert.equal(backoff(0, () => 1), 1000);
  assert.equal(backoff(0, () => 0), 500);
  assert.equal(backoff(3, () => 1), 8000);
  assert.equal(backoff(10, () => 1), 30000);
  assert.equal(backoff(1000, () => 1), 30000);
  for (let i = 0; i < 50; i++) {
    const d = backoff(i);
    assert.ok(d >= 500 && d <= 30000);
  }
});

test('relative times', () => {
  const now = new Date(2026, 2, 10, 15, 0, 0).getTime(); // Tue 10 Mar 2026, 15:00 local
  const ago = (ms) => new Date(now - ms).toISOString();
  assert.equal(relativeTime(ago(10e3), now), 'just now');
  assert.equal(relativeTime(ago(60e3), now), '1 min ago');
  assert.equal(relativeTime(ago(25 * 60e3), now), '25 min ago');
  assert.equal(relativeTime(ago(3 * 3600e3), now), '3 h ago');
  assert.equal(relativeTime(new Date(2026, 2, 9, 23, 0).toISOString(), now), 'Yesterday');
  assert.equal(relativeTime(new Date(2026, 2, 6, 12, 0).toISOString(), now, 'en-US'), 'Fri');
  assert.equal(relativeTime(new Date(2026, 0, 3, 12, 0).toISOString(), now, 'en-US'), 'Jan 3');
  assert.equal(relativeTime(new Date(2024, 0, 3, 12, 0).toISOString(), now, 'en-US'), 'Jan 3, 2024');
  assert.equal(relativeTime(new Date(now + 60e3).toISOString(), now), 'just now', 'a clock slightly ahead');
  assert.equal(relativeTime('not a date', now), '');
  assert.equal(dayLabel(ago(60e3), now), 'Today');
  assert.equal(dayLabel(new Date(2026, 2, 9, 9).toISOString(), now), 'Yesterday');
  assert.equal(dayLabel(new Date(2026, 2, 2, 9).toISOString(), now, 'en-US'), 'Monday, March 2');
});

test('linkify: http(s) only, punctuation outside, nothing else', () => {
  assert.deepEqual(linkify('see https://x.com/a?b=1. Thanks'), [{ text: 'see ' }, { text: 'https://x.com/a?b=1', href: 'https://x.com/a?b=1' }, { text: '. Thanks' }]);
  assert.deepEqual(linkify('(https://en.wikipedia.org/wiki/A_(b))'), [{ text: '(' }, { text: 'https://en.wikipedia.org/wiki/A_(b)', href: 'https://en.wikipedia.org/wiki/A_(b)' }, { text: ')' }]);
  assert.deepEqual(linkify('javascript:alert(1) <b>x</b>'), [{ text: 'javascript:alert(1) <b>x</b>' }]);
  assert.deepEqual(linkify(''), []);
});

test('byteLength counts UTF-8 bytes', () => {
  assert.equal(byteLength('é✓😀'), 2 + 3 + 4);
});

test('stableJSON and digest', () => {
  assert.equal(stableJSON({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}');
  assert.equal(digest('abc'), digest('abc'));
  assert.notEqual(digest('abc'), digest('abd'));
  assert.match(digest(''), /^[0-9a-f]{28}$/);
});

test('jwtClaims reads a payload, or gives null', () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.deepEqual(jwtClaims(`${b64({ alg: 'HS256' })}.${b64({ sub: 'é', iat: 1 })}.sig`), { sub: 'é', iat: 1 });
  assert.equal(jwtClaims('nope'), null);
  assert.equal(jwtClaims(`x.${b64([1])}.y`), null);
});
