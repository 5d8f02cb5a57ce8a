import test from 'node:test';
import assert from 'node:assert/strict';
import { Conversations } from '../src/state.js';

const msg = (id, at) => ({ id, created_at: at, author: 'user', body: id });

test('messages are kept once each, in time order, and move the issue forward', () => {
  const c = new Conversations();
  c.setIssues([{ id: 'iss_1', last_message_at: '2026-01-01T00:00:00Z' }]);
  assert.equal(c.addMessages('iss_1', [msg('m2', '2026-01-02T00:00:00Z'), msg('m1', '2026-01-01T12:00:00Z')]), 2);
  assert.equal(c.addMessages('iss_1', [msg('m1', '2026-01-01T12:00:00Z')]), 0, 'a message seen twice is kept once');
  assert.deepEqual(c.thread('iss_1').list.map((m) => m.id), ['m1', 'm2']);
  assert.equal(c.issues.get('iss_1').last_message_at, '2026-01-02T00:00:00Z');
  c.thread('iss_1').loaded = true;
  assert.equal(c.lastId('iss_1'), 'm2');
});

test('a new issue list keeps what was known, and drops unread marks of issues gone', () => {
  const c = new Conversations();
  c.setIssues([{ id: 'a', status: 'open', extra: 1 }, { id: 'b', status: 'open' }]);
  c.unread.add('a');
  c.unread.add('b');
  c.setIssues([{ id: 'a', status: 'resolved' }]);
  assert.deepEqual(c.issues.get('a'), { id: 'a', status: 'resolved', extra: 1 });
  assert.deepEqual([...c.unread], ['a']);
  assert.deepEqual(
    (() => {
      c.setIssues([{ id: 'x', last_message_at: '2026-01-01T00:00:00Z' }, { id: 'y', last_message_at: '2026-02-01T00:00:00Z' }]);
      return c.sorted().map((i) => i.id);
    })(),
    ['y', 'x'],
    'newest first',
  );
});
