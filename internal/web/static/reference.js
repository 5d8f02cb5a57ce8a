// The API reference: renders the server's OpenAPI document as a page —
// operations grouped by tag, with their parameters, request body and
// answers; schemas as field lists. DOM building only (no innerHTML): the
// document's text is shown as text.
(() => {
  'use strict';
  const root = document.getElementById('api-reference');
  if (!root) return;

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
    }
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      e.append(k instanceof Node ? k : String(k));
    }
    return e;
  };
  // The document's descriptions use a little Markdown: paragraphs, `code`
  // and **bold**, rendered as elements (the text stays text).
  const inline = (text) => String(text).split(/(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)/).map((part) => {
    if (/^`[^`]+`$/.test(part)) return el('code', null, part.slice(1, -1));
    if (/^\*\*[^*]+\*\*$/.test(part)) return el('strong', null, part.slice(2, -2));
    if (/^\*[^*\s][^*]*\*$/.test(part)) return el('em', null, part.slice(1, -1));
    return part;
  });
  const prose = (text, cls) => (text ? String(text).split(/\n\s*\n/).map((para) => el('p', { class: cls || 'api-desc' }, inline(para))) : null);
  const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

  let doc;
  const resolve = (node) => {
    let seen = 0;
    while (node && node.$ref && seen++ < 20) {
      node = node.$ref.replace(/^#\//, '').split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    }
    return node || {};
  };
  const refName = (node) => (node && node.$ref ? node.$ref.split('/').pop() : '');

  // A schema's type in a few words: "string (date-time)", "array of Issue".
  const typeOf = (s) => {
    const name = refName(s);
    s = resolve(s);
    if (name) return name;
    if (s.type === 'array') return 'array of ' + typeOf(s.items || {});
    if (s.oneOf || s.anyOf) return (s.oneOf || s.anyOf).map(typeOf).join(' | ');
    if (s.allOf) return s.allOf.map(typeOf).join(' & ');
    let t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type || 'any');
    if (s.format) t += ' (' + s.format + ')';
    if (s.enum) t += ': ' + s.enum.map((v) => JSON.stringify(v)).join(', ');
    return t;
  };

  // A schema's fields as a definition list, nested a few levels deep.
  const fields = (schema, depth) => {
    const s = resolve(schema);
    const obj = s.type === 'array' ? resolve(s.items || {}) : s;
    const props = obj.properties || {};
    const names = Object.keys(props);
    if (!names.length || depth > 3) return null;
    const required = new Set(obj.required || []);
    return el('dl', { class: 'api-fields' }, names.map((n) => {
      const p = props[n];
      const r = resolve(p);
      return [
        el('dt', null, el('code', null, n), ' ', el('span', { class: 'api-type' }, typeOf(p)), required.has(n) ? el('span', { class: 'api-req' }, 'required') : null),
        el('dd', null, inline(r.description || ''), fields(p, depth + 1)),
      ];
    }));
  };

  const body = (content) => {
    const types = Object.keys(content || {});
    if (!types.length) return null;
    const media = content[types[0]];
    return el('div', { class: 'api-body' },
      el('p', { class: 'small muted' }, types.join(', '), media.schema ? ' · ' + typeOf(media.schema) : ''),
      media.schema ? fields(media.schema, 0) : null);
  };

  const operation = (path, method, op) => {
    const id = op.operationId ? 'op-' + slug(op.operationId) : 'op-' + slug(method + ' ' + path);
    const params = (op.parameters || []).map(resolve);
    const responses = Object.entries(op.responses || {});
    return el('section', { class: 'card api-op', id, 'data-testid': 'api-operation', 'data-path': path, 'data-method': method },
      el('h3', null, el('span', { class: 'api-method api-' + method }, method.toUpperCase()), ' ', el('code', null, path)),
      op.summary ? el('p', { class: 'strong' }, op.summary) : null,
      prose(op.description),
      params.length ? [el('h4', null, 'Parameters'), el('dl', { class: 'api-fields' }, params.map((p) => [
        el('dt', null, el('code', null, p.name), ' ', el('span', { class: 'api-type' }, p.in + ' · ' + typeOf(p.schema || {})), p.required ? el('span', { class: 'api-req' }, 'required') : null),
        el('dd', null, inline(p.description || '')),
      ]))] : null,
      op.requestBody ? [el('h4', null, 'Request body'), body(resolve(op.requestBody).content)] : null,
      responses.length ? [el('h4', null, 'Answers'), el('dl', { class: 'api-fields' }, responses.map(([code, r]) => {
        r = resolve(r);
        return [el('dt', null, el('code', null, code)), el('dd', null, inline(r.description || ''), body(r.content))];
      }))] : null);
  };

  const render = () => {
    const byTag = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const tag = (op.tags && op.tags[0]) || 'Other';
        if (!byTag.has(tag)) byTag.set(tag, { tag: { name: tag }, ops: [] });
        byTag.get(tag).ops.push(operation(path, method, op));
      }
    }
    const groups = [...byTag.values()].filter((g) => g.ops.length);
    const toc = el('nav', { class: 'card api-toc', 'aria-label': 'API sections' },
      el('p', { class: 'strong' }, (doc.info && doc.info.title) || 'API', doc.info && doc.info.version ? ' · ' + doc.info.version : ''),
      el('ul', null, groups.map((g) => el('li', null, el('a', { href: '#tag-' + slug(g.tag.name) }, g.tag.name, ' (' + g.ops.length + ')')))));
    root.replaceChildren(
      toc,
      el('details', { class: 'card api-intro' }, el('summary', null, 'About this API'), prose(doc.info && doc.info.description)),
      ...groups.map((g) => el('section', { class: 'api-tag', id: 'tag-' + slug(g.tag.name) },
        el('h2', null, g.tag.name), prose(g.tag.description, 'muted'), g.ops)));
    if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  };

  fetch(root.dataset.src, { headers: { Accept: 'application/json' } })
    .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
    .then((d) => { doc = d; render(); })
    .catch((e) => {
      root.replaceChildren(el('div', { class: 'alert alert-error', role: 'alert' },
        el('div', null, 'The API description could not be read (' + e.message + '). The raw document is at ', el('a', { href: '/openapi.json' }, '/openapi.json'), '.')));
    });
})();
