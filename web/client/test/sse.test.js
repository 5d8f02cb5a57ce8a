import test from 'node:test';
import assert from 'node:assert/strict';
import { SSEParser, readStream } from '../src/sse.js';

// What GET /v1/events sends (internal/httpapi/stream.go).
const STREAM =
  ': connected\n\n' +
  'id: msg_aaaaaaaaaaaaaaaa\nevent: message\ndata: {"id":"msg_aaaaaaaaaaaaaaaa","issue_id":"iss_bbbbbbbbbbbbbbbb","author":"agent","body":"Hé — ok ✓","created_at":"2026-01-02T03:04:05Z"}\n\n' +
  ': ping\n\n' +
  'event: issue\ndata: {"id":"iss_bbbbbbbbbbbbbbbb","status":"resolved"}\n\n' +
  'event: resync\ndata: {"reason":"updates were missed; re-read and reconnect"}\n\n';

function parseAll(chunks) {
  const events = [];
  const comments = [];
  const p = new SSEParser((e) => events.push(e), (c) => comments.push(c));
  for (const c of chunks) p.push(c);
  return { events, comments };
}

const whole = parseAll([STREAM]);

test('parses the server stream: events, ids, comments', () => {
  assert.deepEqual(whole.comments, ['connected', 'ping']);
  assert.deepEqual(
    whole.events.map((e) => e.type),
    ['message', 'issue', 'resync'],
  );
  assert.equal(JSON.parse(whole.events[0].data).body, 'Hé — ok ✓');
  assert.equal(whole.events[0].id, 'msg_aaaaaaaaaaaaaaaa');
  assert.equal(whole.events[1].id, 'msg_aaaaaaaaaaaaaaaa', 'the last event id carries over, as the standard says');
});

test('the same events whatever two chunks the stream is split into', () => {
  for (let i = 0; i <= STREAM.length; i++) {
    assert.deepEqual(parseAll([STREAM.slice(0, i), STREAM.slice(i)]), whole, `split at ${i}`);
  }
});

test('the same events one character at a time', () => {
  assert.deepEqual(parseAll([...STREAM]), whole);
});

test('CRLF and CR line endings, including a CRLF split between chunks', () => {
  const crlf = STREAM.replace(/\n/g, '\r\n');
  const cr = STREAM.replace(/\n/g, '\r');
  for (const s of [crlf, cr]) {
    for (let i = 0; i <= s.length; i++) assert.deepEqual(parseAll([s.slice(0, i), s.slice(i)]), whole, `split at ${i}`);
  }
});

test('multi-line data, default type, no data no event, unknown fields ignored', () => {
  const { events } = parseAll(['data: a\ndata:b\ndata\nfoo: bar\n\n', 'event: x\n\n', 'data\n\n', 'retry: 1000\nevent: only\n\n']);
  assert.deepEqual(events, [
    { type: 'message', data: 'a\nb\n', id: '' },
    { type: 'message', data: '', id: '' },
  ]);
});

test('an incomplete event at the end of the stream is not dispatched', () => {
  const { events } = parseAll(['event: message\ndata: {"id":1}\n']);
  assert.equal(events.length, 0);
});

test('a line over 1 MiB ends the stream', () => {
  const p = new SSEParser(() => {});
  assert.throws(() => p.push('data: ' + 'x'.repeat((1 << 20) + 1)));
});

test('readStream decodes UTF-8 split inside a character', async () => {
  const bytes = new TextEncoder().encode(STREAM);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.slice(i, i + 3));
  const body = new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
  const events = [];
  await readStream(body, new SSEParser((e) => events.push(e)));
  assert.deepEqual(events, whole.events);
});
