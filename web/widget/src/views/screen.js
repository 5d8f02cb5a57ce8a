// The centered screens: the welcome (a new conversation), loading, and the
// failures (unavailable, connecting, authentication failed), each calm and
// translated, with Retry where trying again can help. The cause and the
// server's code go to the developer's console (console.js), not here.

import { h, icon } from '../dom.js';
import { ANONYMOUS } from '../../../client/src/session.js';

function retryButton(w) {
  return h('button', { class: 'primary retry', type: 'button', onclick: () => w.retry() }, w.t('retry'));
}

export function renderScreen(w) {
  const v = w.view;
  let body;
  if (v.name === 'new') {
    body = [
      h('div', { class: 'big' }, icon('chat')),
      h('h3', null, h('bdi', null, w.t('greetingTitle'))),
      h('p', { dir: 'auto' }, w.t('greeting')),
      w.kind === ANONYMOUS && h('p', { class: 'note' }, w.t('anonymousNote')),
    ];
  } else if (v.name === 'auth') {
    body = [h('div', { class: 'big warn' }, icon('lock')), h('h3', null, w.t('authTitle')), h('p', null, w.t('authText')), retryButton(w)];
  } else if (v.name === 'error') {
    body = [h('div', { class: 'big' }, icon('alert')), h('h3', null, v.title), h('p', null, v.text), v.retry && retryButton(w)];
  } else {
    body = [h('div', { class: 'spin', role: 'img', 'aria-label': w.t('loading') })];
  }
  w.main.replaceChildren(h('div', { class: 'thread' }, h('div', { class: 'center' }, body)));
}
