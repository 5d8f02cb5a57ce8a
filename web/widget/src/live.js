// Live updates, as the widget takes them: a message appends (and announces an
// agent's reply), an issue event updates a status, and every (re)connection
// re-reads what may have been missed. The stream itself is the client's
// (web/client/src/stream.js).

import { time } from './state.js';

const truncate = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** The handlers of client.live() for one widget. */
export function liveHandlers(w) {
  return {
    message: (m) => onMessage(w, m),
    issue: (d) => onIssue(w, d),
    connected: () => resync(w),
  };
}

function onMessage(w, m) {
  const iss = w.c.issues.get(m.issue_id);
  if (!iss) {
    // An issue opened from another device (or our own, before its answer).
    clearTimeout(w.reloadTimer);
    w.reloadTimer = setTimeout(() => w.loadIssues().catch(() => {}), 300);
  } else {
    if (time(m.created_at) > time(iss.last_message_at)) iss.last_message_at = m.created_at;
    if (time(m.created_at) > time(iss.updated_at)) iss.updated_at = m.created_at;
  }
  if (w.c.threads.has(m.issue_id)) w.addMessages(m.issue_id, [m]);
  if (m.author === 'agent') {
    const seen = w.isOpen && w.view.name === 'thread' && w.view.id === m.issue_id;
    if (!seen) w.c.unread.add(m.issue_id);
    w.announce(w.t('replyFrom', { text: truncate(m.body, 200) }));
  }
  w.render();
}

function onIssue(w, d) {
  const prev = w.c.putIssue(d);
  if (prev && prev.status !== d.status) w.announce(w.t(d.status === 'resolved' ? 'resolvedNow' : 'reopenedNow'));
  w.render();
}

/** After a (re)connection: re-read the issues, and the open conversation after its last message. */
export async function resync(w) {
  if (w.resyncing) {
    w.resyncAgain = true;
    return;
  }
  w.resyncing = true;
  try {
    await w.loadIssues();
    const v = w.view;
    if (v.name === 'thread') {
      const fresh = await w.loadThread(v.id);
      const replies = fresh.filter((m) => m.author === 'agent');
      if (replies.length && w.isOpen) w.announce(w.t('replyFrom', { text: truncate(replies[replies.length - 1].body, 200) }));
    }
  } catch {
    /* the next reconnect tries again */
  } finally {
    w.resyncing = false;
    if (w.resyncAgain && !w.dead) {
      w.resyncAgain = false;
      resync(w);
    }
  }
}

