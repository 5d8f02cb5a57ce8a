import test from 'node:test';
import assert from 'node:assert/strict';
import { SignetClient } from '../src/client.js';

const sse = (text) =>
  new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(text)); } }), {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream' },
  });

test('over the server\'s cap of streams (429), the stream waits Retry-After, then connects and delivers', async () => {
  const calls = [];
  const answers = [
    () => new Response('{"error":{"code":"too_many_streams","message":"x"}}', { status: 429, headers: { 'Retry-After': '1' } }),
    () => sse(': connected\n\nevent: message\ndata: {"id":"msg_1","issue_id":"iss_1","author":"agent","body":"hi"}\n\n'),
  ];
  const c = new SignetClient({
    host: 'https://s.example',
    appId: 'app_x',
    fetch: async (url, init) => {
      calls.push({ url, at: Date.now(), auth: init.headers.Authorization });
      return (answers.shift() || (() => new Promise(() => {})))();
    },
  });
  c.api.token = 'sst_t';
  const got = [];
  let connected = 0;
  const live = c.live({ message: (m) => got.push(m.body), connected: () => connected++ });
  try {
    for (const end = Date.now() + 5000; !got.length && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ['hi']);
    assert.equal(connected, 1);
    assert.equal(calls[0].url, 'https://s.example/v1/events');
    assert.equal(calls[0].auth, 'Bearer sst_t');
    assert.ok(calls[1].at - calls[0].at >= 950, `reconnected after ${calls[1].at - calls[0].at} ms, not Retry-After's 1 s`);
  } finally {
    live.stop();
    c.close();
  }
});

test('a fetch that cannot stream a body is a failure, not a silent hang', async () => {
  let n = 0;
  const c = new SignetClient({ host: 'h', appId: 'a', fetch: async () => (n++, { ok: true, status: 200, body: null }) });
  c.api.token = 't';
  const live = c.live({});
  await new Promise((r) => setTimeout(r, 50));
  live.stop();
  c.close();
  assert.equal(n, 1, 'one attempt, then a backoff');
  assert.equal(live.running, false);
});
