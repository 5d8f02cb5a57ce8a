// One conversation: the resolved banner and the messages, grouped by day and
// by author.

import { h } from '../dom.js';
import { time } from '../state.js';
import { clock, dayLabel, fullDate, linkify } from '../util.js';

export function renderThread(w) {
  w.banner = h('p', { class: 'banner', hidden: true });
  w.msgs = h('ol', { class: 'msgs', 'aria-label': w.t('messages') });
  w.main.replaceChildren(h('div', { class: 'thread' }, w.banner, w.msgs));
  renderBanner(w);
  renderMessages(w, true);
}

export function renderBanner(w) {
  const iss = w.c.issues.get(w.view.id);
  if (w.banner) {
    w.banner.hidden = !(iss && iss.status === 'resolved');
    w.banner.textContent = w.t('resolvedBanner');
  }
}

/** Who wrote a message, as the user sees it: "You", or the agent's name (isolated for bidi text) or "Support". */
function author(w, m) {
  if (m.author !== 'agent') return w.t('you');
  const name = typeof m.author_name === 'string' && m.author_name ? m.author_name : w.t('agent');
  return h('bdi', null, name);
}

export function renderMessages(w, toBottom) {
  if (!w.msgs || w.view.name !== 'thread') return;
  const box = w.main;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const t = w.c.thread(w.view.id);
  const now = Date.now();
  const lang = w.t.lang;
  const items = [];
  let day = '';
  t.list.forEach((m, i) => {
    const d = dayLabel(m.created_at, now, lang, w.t);
    if (d !== day) {
      day = d;
      items.push(h('li', { class: 'day' }, d));
    }
    const next = t.list[i + 1];
    const grouped = next && next.author === m.author && time(next.created_at) - time(m.created_at) < 300000 && dayLabel(next.created_at, now, lang, w.t) === d;
    items.push(
      h(
        'li',
        { class: `msg ${m.author === 'agent' ? 'agent' : 'user'}${grouped ? ' g' : ''}` },
        h('div', { class: grouped ? 'meta sr' : 'meta' }, author(w, m), ' · ', h('time', { datetime: m.created_at, title: fullDate(m.created_at, lang) }, clock(m.created_at, lang))),
        h(
          'div',
          { class: 'bubble', dir: 'auto' },
          linkify(m.body).map((s) => (s.href ? h('a', { href: s.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, s.text) : s.text)),
        ),
      ),
    );
  });
  if (!t.loaded) items.push(h('li', { class: 'loadrow' }, h('div', { class: 'spin', 'aria-hidden': 'true' }), h('span', { class: 'sr' }, w.t('loadingMessages'))));
  w.msgs.replaceChildren(...items);
  if (toBottom || nearBottom) box.scrollTop = box.scrollHeight;
}
