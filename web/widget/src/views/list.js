// The list of the user's conversations, newest first.

import { h } from '../dom.js';
import { fullDate, relativeTime } from '../util.js';
import { esc } from '../widget.js';

export function renderList(w) {
  const focused = w.root.activeElement;
  const focusId = focused && focused.dataset && focused.dataset.id;
  const now = Date.now();
  const cards = w.c.sorted().map((i) => {
    const unread = w.c.unread.has(i.id);
    return h(
      'li',
      null,
      h(
        'button',
        { class: 'card' + (unread ? ' unread' : ''), type: 'button', 'data-id': i.id, onclick: () => w.setView({ name: 'thread', id: i.id }, true) },
        h(
          'span',
          { class: 'top' },
          h('span', { class: 'st ' + i.status }, w.t(i.status === 'resolved' ? 'statusResolved' : 'statusOpen')),
          unread && h('span', { class: 'dot', 'aria-hidden': 'true' }),
          unread && h('span', { class: 'sr' }, w.t('newReply')),
          h('time', { datetime: i.last_message_at, title: fullDate(i.last_message_at, w.t.lang) }, relativeTime(i.last_message_at, now, w.t.lang, w.t)),
        ),
        h('span', { class: 'preview', dir: 'auto' }, i.preview || w.t('conversation')),
      ),
    );
  });
  w.main.replaceChildren(h('h3', { class: 'cards-title' }, w.t('yourConversations')), h('ul', { class: 'cards' }, cards));
  if (focusId) {
    const again = w.root.querySelector(`.card[data-id="${esc(focusId)}"]`);
    if (again) again.focus();
  }
}
