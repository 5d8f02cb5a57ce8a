// Signet inbox: live updates over server-sent events, and replies without
// a page load. The page works without it (forms and links).
(() => {
  'use strict';
  const root = document.getElementById('inbox');
  if (!root) return;
  const ws = root.dataset.ws;
  const csrf = document.querySelector('meta[name=csrf]')?.content || '';
  const live = document.getElementById('live-status');

  const setLive = (state) => {
    if (!live) return;
    live.dataset.state = state;
    live.textContent = { live: 'live', offline: 'reconnecting…', connecting: 'connecting…' }[state] || state;
  };
  const scrollDown = () => {
    const m = document.getElementById('messages');
    if (m) m.scrollTop = m.scrollHeight;
  };
  scrollDown();

  // refresh re-reads one part of the page as the server renders it, and
  // swaps it in: the list, or the open conversation and its user panel.
  // The reply box is never replaced, so a half-written reply survives.
  let pending = {};
  const refresh = (kind) => {
    if (pending[kind]) return;
    pending[kind] = setTimeout(async () => {
      delete pending[kind];
      const url = new URL(location.href);
      url.searchParams.set('fragment', kind);
      url.searchParams.delete('ok');
      url.hash = '';
      let res;
      try {
        res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      } catch (e) { return; }
      if (res.redirected || res.status === 401) { location.href = '/dashboard/signin'; return; }
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const ids = kind === 'list' ? ['issue-list'] : ['thread', 'user-panel'];
      for (const id of ids) {
        const fresh = doc.getElementById(id), old = document.getElementById(id);
        if (fresh && old) old.replaceWith(document.adoptNode(fresh));
      }
      if (kind === 'thread') scrollDown();
    }, 150);
  };

  let es, retry = 1000;
  const connect = () => {
    setLive('connecting');
    es = new EventSource('/dashboard/api/agent/workspaces/' + encodeURIComponent(ws) + '/events');
    es.onopen = () => { setLive('live'); retry = 1000; };
    es.onerror = () => {
      setLive('offline');
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      }
    };
    const changed = (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      const issue = data.issue || data;
      refresh('list');
      if (issue && issue.id && issue.id === root.dataset.issue) refresh('thread');
    };
    es.addEventListener('issue', changed);
    es.addEventListener('message', changed);
    const restart = (delay) => () => {
      es.close();
      setLive('offline');
      refresh('list');
      if (root.dataset.issue) refresh('thread');
      setTimeout(connect, delay);
    };
    es.addEventListener('resync', restart(500));
    es.addEventListener('bye', restart(3000));
    es.addEventListener('session_ended', () => { es.close(); location.href = '/dashboard/signin'; });
  };
  connect();
  window.addEventListener('pagehide', () => es && es.close());

  // Replies go through the dashboard's API proxy, with the CSRF header.
  const form = document.getElementById('reply-form');
  if (form) {
    const body = document.getElementById('reply-body');
    const status = document.getElementById('reply-status');
    const send = document.getElementById('reply-send');
    // A typed reply survives Resolve, Reopen and reloads: it is kept per
    // issue in this tab's sessionStorage until it is sent.
    const draftKey = 'signet:reply-draft:' + form.dataset.issueId;
    const keep = (text) => {
      try { if (text) sessionStorage.setItem(draftKey, text); else sessionStorage.removeItem(draftKey); } catch (e) { /* storage off: no draft kept */ }
    };
    try { const saved = sessionStorage.getItem(draftKey); if (saved && !body.value) body.value = saved; } catch (e) { /* storage off */ }
    body.addEventListener('input', () => keep(body.value));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = body.value;
      if (!text.trim()) return;
      send.disabled = true;
      status.textContent = 'Sending…';
      try {
        const res = await fetch('/dashboard/api/agent/issues/' + encodeURIComponent(form.dataset.issueId) + '/messages', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
          body: JSON.stringify({ body: text }),
        });
        if (res.ok) {
          body.value = '';
          keep('');
          status.textContent = '';
          refresh('thread');
          refresh('list');
        } else {
          let msg = 'Not sent (' + res.status + ')';
          try { msg = (await res.json()).error.message; } catch (e) { /* keep the status */ }
          status.textContent = msg;
        }
      } catch (e) {
        status.textContent = 'Not sent: the network failed. Try again.';
      } finally {
        send.disabled = false;
      }
    });
    body.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.metaKey || ev.ctrlKey)) form.requestSubmit();
    });
  }
})();
