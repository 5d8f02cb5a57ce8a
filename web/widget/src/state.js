// What the widget knows of the user's conversations, without any DOM: the
// issues, the messages read so far (each once, in time order), which issues
// have unread replies, and the composer's draft per conversation. Tested with
// node --test.

export const time = (iso) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export class Conversations {
  constructor() {
    this.reset();
  }

  reset() {
    this.issues = new Map();
    this.threads = new Map(); // issue id → { list, ids, loaded }
    this.unread = new Set();
    this.drafts = new Map(); // 'new' or an issue id → text
  }

  /** Replaces the issue list (keeping what was known of each); drops unread marks of issues gone. */
  setIssues(list) {
    const next = new Map();
    for (const i of list || []) next.set(i.id, { ...this.issues.get(i.id), ...i });
    this.issues = next;
    for (const id of this.unread) if (!next.has(id)) this.unread.delete(id);
  }

  /** Adds or updates one issue. Returns what it was before. */
  putIssue(i) {
    const prev = this.issues.get(i.id);
    this.issues.set(i.id, { ...prev, ...i });
    return prev;
  }

  /** Forgets an issue (the server no longer has it for this user). */
  dropIssue(id) {
    this.threads.delete(id);
    this.issues.delete(id);
    this.unread.delete(id);
  }

  sorted() {
    return [...this.issues.values()].sort((a, b) => time(b.last_message_at) - time(a.last_message_at));
  }

  thread(id) {
    let t = this.threads.get(id);
    if (!t) this.threads.set(id, (t = { list: [], ids: new Set(), loaded: false }));
    return t;
  }

  /** The id of the last message read in a conversation, to read what follows. */
  lastId(id) {
    const t = this.thread(id);
    return t.loaded && t.list.length ? t.list[t.list.length - 1].id : '';
  }

  /** Adds messages to a conversation, once each, in time order. Returns how many were new. */
  addMessages(id, msgs) {
    const t = this.thread(id);
    let added = 0;
    for (const m of msgs) {
      if (!m || t.ids.has(m.id)) continue;
      t.ids.add(m.id);
      let i = t.list.length;
      while (i > 0 && time(t.list[i - 1].created_at) > time(m.created_at)) i--;
      t.list.splice(i, 0, m);
      added++;
      this.touch(id, m.created_at);
    }
    return added;
  }

  /** A message at `at` moves the issue's last activity forward. */
  touch(id, at) {
    const iss = this.issues.get(id);
    if (iss && time(at) > time(iss.last_message_at)) iss.last_message_at = at;
  }
}
