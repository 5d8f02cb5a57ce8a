// The composer: sending a new conversation or a reply, and what a failure
// shows. The draft stays in the composer until the server has the message:
// nothing typed is lost to a failure.

import { byteLength } from './util.js';
import { warn } from './console.js';
import { failureCause } from '../../client/src/session.js';

const MAX_BYTES = 10000; // the server's limit for one message

/** 429: "try again in N s", counting down; nothing is sent meanwhile. */
export function rateLimited(w, seconds) {
  w.blockedUntil = Date.now() + seconds * 1000;
  const text = (n) => w.t('tooFast', { n });
  clearInterval(w.countdown);
  w.showNotice(text(seconds));
  w.announce(text(seconds));
  w.countdown = setInterval(() => {
    const left = Math.ceil((w.blockedUntil - Date.now()) / 1000);
    if (left <= 0) w.clearNotice();
    else w.notice.textContent = text(left);
  }, 1000);
}

/** A request failed: say so calmly (the developer's console gets the cause and code). */
export function failed(w, e) {
  if (w.dead || !e || e.handled || e.name === 'AbortError') return;
  if (e.status === 429) return rateLimited(w, e.retryAfter);
  if (e.status === 404) {
    if (w.view.name === 'thread') {
      w.c.dropIssue(w.view.id);
      w.setView(w.homeView());
    }
    w.showNotice(w.t('gone'));
    w.loadIssues().catch(() => {});
    return;
  }
  const cause = failureCause(e, w.o);
  warn(cause, e, w);
  w.showNotice(w.t(cause === 'network' ? 'offline' : 'failed'));
}

export async function send(w) {
  if (w.sending || w.dead) return;
  const v = w.view;
  if (v.name !== 'new' && v.name !== 'thread') return;
  const text = w.textarea.value.trim();
  if (!text) return w.textarea.focus();
  if (byteLength(text) > MAX_BYTES) {
    w.showNotice(w.t('tooLong'));
    return;
  }
  if (Date.now() < w.blockedUntil) {
    w.announce(w.notice.textContent);
    return;
  }
  const key = w.viewKey();
  w.sending = true;
  w.sendBtn.setAttribute('aria-disabled', 'true');
  try {
    if (v.name === 'new') {
      const created = await w.client.createIssue(text);
      if (w.dead) return;
      const { messages, ...issue } = created;
      w.c.putIssue(issue);
      w.c.thread(issue.id).loaded = true;
      w.addMessages(issue.id, messages || []);
      w.c.drafts.delete(key);
      if (w.viewKey() === key) {
        w.textarea.value = '';
        w.view = { name: 'list' }; // so setView keeps no draft for "new"
        w.setView({ name: 'thread', id: issue.id });
      } else w.render();
      w.startStream();
    } else {
      const m = await w.client.send(v.id, text);
      if (w.dead) return;
      const iss = w.c.issues.get(v.id);
      if (iss) iss.status = 'open'; // a reply reopens a resolved issue
      w.addMessages(v.id, [m]);
      w.c.drafts.delete(key);
      if (w.viewKey() === key) w.textarea.value = '';
      w.render();
    }
    w.autosize();
    w.clearNotice();
    w.announce(w.t('sent'));
  } catch (e) {
    failed(w, e);
  } finally {
    w.sending = false;
    if (w.sendBtn) w.sendBtn.removeAttribute('aria-disabled');
  }
}
