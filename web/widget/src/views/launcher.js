// The launcher: the round button that opens and closes the panel, with the
// count of conversations that have unread replies.

import { icon } from '../dom.js';

export function renderLauncher(w) {
  const n = w.isOpen ? 0 : w.c.unread.size;
  w.count.hidden = n === 0;
  w.count.textContent = n > 9 ? '9+' : String(n);
  w.launcher.setAttribute('aria-expanded', String(w.isOpen));
  w.launcher.setAttribute('aria-label', w.isOpen ? w.t('close') : n ? (n === 1 ? w.t('openUnread1') : w.t('openUnread', { n })) : w.t('open'));
  const want = w.isOpen ? 'close' : 'chat';
  if (w.launcherIcon.dataset.icon !== want) {
    w.launcherIcon.dataset.icon = want;
    w.launcherIcon.replaceChildren(icon(want));
  }
}
