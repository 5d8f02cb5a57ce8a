// The widget's frame, built once: the host element and its shadow root, the
// launcher, the panel (header, main area, composer) and the live region. The
// views fill the main area (list.js, thread.js, screen.js).

import CSS from '../widget.css';
import { h, icon } from '../dom.js';
import { DEFAULT_ACCENT, palette, parseColor } from '../color.js';

/** Where the widget goes: the element (or selector) `container` names, else <body>. */
function place(w) {
  const c = w.o.container;
  if (!c) return null;
  let el = null;
  try {
    el = typeof c === 'string' ? document.querySelector(c) : c;
  } catch {
    el = null;
  }
  if (el && el.nodeType === 1) return el;
  console.warn(`Signet.boot: container ${typeof c === 'string' ? '"' + c + '"' : ''} is not an element on this page; the widget floats instead.`);
  w.inline = false;
  return null;
}

export function mount(w) {
  const el = (w.el = document.createElement('div'));
  el.id = 'signet-widget';
  const container = place(w);
  if (w.inline) el.setAttribute('data-signet-mode', 'inline');
  if (w.state) el.setAttribute('data-signet-state', w.state);
  const root = (w.root = el.attachShadow({ mode: 'open' }));
  // A constructed stylesheet passes a page's CSP without 'unsafe-inline'.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', null, CSS));
  }
  const t = w.t;

  w.launcherIcon = h('span', null, icon('chat'));
  w.count = h('span', { class: 'count', 'aria-hidden': 'true', hidden: true });
  w.launcher = h(
    'button',
    {
      class: 'launcher',
      type: 'button',
      'aria-label': t('open'),
      'aria-expanded': 'false',
      'aria-controls': 'sg-panel',
      onclick: () => (w.isOpen ? w.close() : w.open()),
    },
    w.launcherIcon,
    w.count,
  );

  w.backBtn = h('button', { class: 'ib', type: 'button', 'aria-label': t('back'), hidden: true, onclick: () => w.back() }, icon('back'));
  w.title = h('h2', { id: 'sg-title', tabindex: '-1' }, h('bdi', null, t('title')));
  w.closeBtn = h('button', { class: 'ib', type: 'button', 'aria-label': t('close'), onclick: () => w.close() }, icon('close'));
  w.header = h('div', { class: 'hd' }, w.backBtn, w.title, w.closeBtn);
  w.main = h('div', { class: 'main' });

  w.textarea = h('textarea', {
    rows: '1',
    dir: 'auto',
    'aria-label': t('message'),
    placeholder: t('placeholderReply'),
    oninput: () => w.autosize(),
    onkeydown: (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        w.send();
      }
    },
  });
  w.sendBtn = h('button', { class: 'send', type: 'submit', 'aria-label': t('send') }, icon('send'));
  w.composer = h(
    'form',
    {
      class: 'composer',
      hidden: true,
      onsubmit: (e) => {
        e.preventDefault();
        w.send();
      },
    },
    h('div', { class: 'field' }, w.textarea, w.sendBtn),
  );
  w.newBtn = h('button', { class: 'primary', type: 'button', hidden: true, onclick: () => w.setView({ name: 'new' }, true) }, icon('plus'), t('newConversation'));
  w.notice = h('p', { class: 'notice', hidden: true });
  w.foot = h('div', { class: 'foot', hidden: true }, w.notice, w.composer, w.newBtn);

  w.panel = h(
    'div',
    {
      class: 'panel',
      id: 'sg-panel',
      role: 'dialog',
      'aria-modal': 'false',
      'aria-labelledby': 'sg-title',
      hidden: true,
    },
    w.header,
    w.main,
    w.foot,
  );
  w.live = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'false' });
  const mode = w.inline ? ' inline' : w.o.position === 'left' ? ' left' : '';
  w.wrap = h('div', { class: 'root' + mode }, w.panel, w.launcher, w.live);
  if (w.inline || w.o.launcher === false) w.launcher.hidden = true;
  if (w.inline) w.closeBtn.hidden = true;
  root.append(w.wrap);
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && w.isOpen) {
      e.preventDefault();
      e.stopPropagation();
      w.close();
    }
  });
  (container || document.body).append(el);
  applyColors(w);
  w.render();
  if (w.inline) w.open(); // always open, in the page's flow
}

/** Any CSS color as [r, g, b], resolved by the browser when color.js cannot read it. */
function resolveColor(w, value) {
  if (typeof value !== 'string' || !value) return null;
  let rgb = parseColor(value);
  if (!rgb) {
    const probe = h('i', null);
    probe.style.color = value;
    if (probe.style.color) {
      w.root.append(probe);
      rgb = parseColor(getComputedStyle(probe).color);
      probe.remove();
    }
  }
  if (!rgb) console.warn(`Signet.boot: "${value}" is not a CSS color (ignored).`);
  return rgb;
}

/**
 * The colours: the accent (the launcher, the user's bubbles, buttons) and its
 * derived palette; optionally the header's and the launcher's own fill (text
 * on each is white or near-black, whichever contrasts more).
 */
function applyColors(w) {
  const colors = w.o.colors || {};
  const rgb = resolveColor(w, colors.accent || w.o.accentColor);
  const p = palette(rgb || DEFAULT_ACCENT);
  const s = w.wrap.style;
  s.setProperty('--a', p.accent);
  s.setProperty('--ai', p.ink);
  s.setProperty('--as', p.strong);
  s.setProperty('--asoft', p.soft);
  for (const [key, fill, ink] of [
    ['header', '--hb', '--hi'],
    ['launcher', '--lb', '--li'],
  ]) {
    const c = colors[key] && resolveColor(w, colors[key]);
    if (!c) continue;
    const q = palette(c);
    s.setProperty(fill, q.accent);
    s.setProperty(ink, q.ink);
  }
  for (const k of Object.keys(colors)) if (!['accent', 'header', 'launcher'].includes(k)) console.warn(`Signet.boot: colors.${k} is not a colour the widget takes (accent, header, launcher).`);
}
