// Signet dashboard: small enhancements. Every page works without them; the
// Content-Security-Policy allows no inline script, so all of it lives here.
(() => {
  'use strict';

  // The workspace switcher opens the chosen workspace at once.
  for (const el of document.querySelectorAll('[data-autosubmit]')) {
    el.addEventListener('change', () => { if (el.value) el.form.submit(); });
  }

  // Copy buttons: data-copy names the input whose value (or the block whose
  // text) is copied.
  for (const btn of document.querySelectorAll('[data-copy]')) {
    btn.addEventListener('click', async () => {
      const src = document.getElementById(btn.dataset.copy);
      if (!src) return;
      const label = btn.querySelector('span') || btn;
      const done = (text) => {
        const old = label.dataset.label || label.textContent;
        label.dataset.label = old;
        label.textContent = text;
        btn.classList.add('copied');
        setTimeout(() => { label.textContent = old; btn.classList.remove('copied'); }, 2000);
      };
      try {
        await navigator.clipboard.writeText('value' in src ? src.value : src.textContent);
        done('Copied');
      } catch (e) {
        src.focus();
        if (src.select) src.select(); else getSelection().selectAllChildren(src);
        done('Press Ctrl+C');
      }
    });
  }
  // A secret field selects itself entirely when clicked.
  for (const el of document.querySelectorAll('.secret-row input[readonly]')) {
    el.addEventListener('focus', () => el.select());
  }

  // Popovers and the account menu: one open at a time; a click outside or
  // Escape closes them.
  const menus = () => document.querySelectorAll('details.popover[open], details.menu[open]');
  document.addEventListener('toggle', (ev) => {
    const d = ev.target;
    if (!(d instanceof HTMLDetailsElement) || !d.open) return;
    for (const other of menus()) if (other !== d && !other.contains(d)) other.open = false;
    const first = d.querySelector('input:not([type=hidden]), button, select, textarea');
    if (first && d.classList.contains('popover')) first.focus();
  }, true);
  document.addEventListener('click', (ev) => {
    for (const d of menus()) if (!d.contains(ev.target)) d.open = false;
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    for (const d of menus()) { d.open = false; d.querySelector('summary')?.focus(); }
  });

  // Fields that apply to some profiles only (data-profiles) show when one of
  // them is chosen in the same form. Without script every field shows.
  for (const form of document.querySelectorAll('form')) {
    const fields = form.querySelectorAll('[data-profiles]');
    const chooser = form.querySelectorAll('[name=profile]');
    if (!fields.length || !chooser.length) continue;
    const sync = () => {
      const el = form.querySelector('select[name=profile], [name=profile]:checked');
      const profile = el ? el.value : '';
      for (const f of fields) f.hidden = !f.dataset.profiles.split(' ').includes(profile);
    };
    for (const c of chooser) c.addEventListener('change', sync);
    sync();
  }

  // A chart wider than a phone scrolls: show its latest days first.
  for (const c of document.querySelectorAll('.chart-wrap')) c.scrollLeft = c.scrollWidth;

  // Times: the server writes relative times in UTC; the title shows the
  // reader's local time.
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  for (const t of document.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d)) t.title = fmt.format(d);
  }

  // A submitted form's button shows it is working and cannot be pressed twice.
  document.addEventListener('submit', (ev) => {
    if (ev.defaultPrevented) return;
    const btn = ev.submitter;
    if (btn && ev.target.method === 'post') setTimeout(() => { btn.disabled = true; }, 0);
  });
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) for (const b of document.querySelectorAll('button:disabled')) b.disabled = false;
  });
})();
