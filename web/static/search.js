// search.js: transcript search with facets and highlights.
import { api, schema } from './api.js';
import { h, fmtTime, fmtMs, marked, problem, select } from './dom.js';
import { t } from './i18n.js';

const SIZE = 20;
const FIELDS = ['q', 'room', 'category', 'from', 'to'];

export function searchView(main, _args, params) {
  const p = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) || '']));
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  const form = h('form', { class: 'filters search', role: 'search', onsubmit: (e) => { e.preventDefault(); go(formParams(form), 1); } },
    h('label', { for: 'q' }, t('console.search.title')),
    h('input', { id: 'q', name: 'q', type: 'search', value: p.q, size: 40, placeholder: '"lowest price" or cure~1 or weixin' }),
    h('label', { for: 'room' }, t('console.search.room')), h('input', { id: 'room', name: 'room', value: p.room, size: 12 }),
    select('category', t('console.search.category'), schema().then((s) => s.categories), p.category),
    h('label', { for: 'from' }, t('console.search.from')), h('input', { id: 'from', name: 'from', type: 'datetime-local', value: local(p.from) }),
    h('label', { for: 'to' }, t('console.search.to')), h('input', { id: 'to', name: 'to', type: 'datetime-local', value: local(p.to) }),
    h('button', { type: 'submit' }, t('console.search.run')));
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  main.append(h('h1', {}, t('console.search.title')), form, results);
  if (!p.q) {
    results.append(h('p', { class: 'muted' }, t('console.search.syntax')));
    return null;
  }
  results.append(h('p', { class: 'muted' }, t('console.search.searching')));
  const q = new URLSearchParams({ page: String(page), size: String(SIZE) });
  for (const k of FIELDS) if (p[k]) q.set(k, k === 'from' || k === 'to' ? iso(p[k]) : p[k]);
  api('/v1/transcripts?' + q)
    .then((body) => results.replaceChildren(...render(body, p, page)))
    .catch((e) => results.replaceChildren(problem(e.code === 'missing_endpoint'
      ? new Error(t('console.search.missing')) : e, t('console.search.failed'))));
  return null;
}

function formParams(form) {
  const out = {};
  for (const k of FIELDS) {
    const v = form.elements[k].value.trim();
    if (v) out[k] = k === 'from' || k === 'to' ? iso(v) : v;
  }
  return out;
}

function go(p, page) {
  const q = new URLSearchParams(p);
  if (page > 1) q.set('page', String(page));
  const next = '#/search?' + q;
  // Searching again for the same thing re-runs it (new transcripts arrive).
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = next;
}

// datetime-local has no zone: the staff member's local time is meant.
const iso = (v) => (isNaN(Date.parse(v)) ? v : new Date(v).toISOString());
function local(v) {
  const d = new Date(v);
  if (!v || isNaN(d)) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function render(body, p, page) {
  const hits = body.hits || [];
  const total = body.total || 0;
  const pages = Math.max(1, Math.ceil(total / SIZE));
  return [
    h('p', { class: 'total', role: 'status' }, t('console.search.total', { n: total }) + (total > SIZE ? t('console.search.page', { page, pages }) : '')),
    h('div', { class: 'split' },
      facets(body.facets || {}, p),
      h('ol', { class: 'hits' }, hits.map(hitItem))),
    h('nav', { class: 'pager', 'aria-label': t('console.search.pages') },
      page > 1 ? h('button', { type: 'button', onclick: () => go(p, page - 1) }, t('console.search.prev')) : null,
      page < pages ? h('button', { type: 'button', onclick: () => go(p, page + 1) }, t('console.search.next')) : null),
  ];
}

function hitItem(x) {
  const frag = x.highlights && x.highlights.text && x.highlights.text.length ? x.highlights.text.join(' … ') : x.text;
  const href = '#/timeline/' + encodeURIComponent(x.room) + '?' + new URLSearchParams({ at: x.at, id: x.id || '' });
  return h('li', { class: 'hit' },
    h('a', { href, class: 'hit-link' },
      h('span', { class: 'meta' }, x.room, ' · ', h('time', { datetime: x.at }, fmtTime(x.at)), ' · ', fmtMs(x.start_ms), x.anchor ? ' · ' + x.anchor : ''),
      h('span', { class: 'text' }, marked(frag))),
    (x.hits || []).map((r) => h('span', { class: 'badge rule' }, r.category || r.rule_id)));
}

// terms accepts bleve's facet shape ({terms: [{term, count}]}) and the
// simpler [{term, count}] or {term: count}.
function terms(f) {
  const t = f && (f.terms || f);
  if (Array.isArray(t)) return t.map((x) => [x.term ?? x.key ?? x.value, x.count]);
  if (t && typeof t === 'object') return Object.entries(t).filter(([, v]) => typeof v === 'number');
  return [];
}

function facets(all, p) {
  const groups = Object.entries(all).map(([name, f]) => {
    const list = terms(f);
    if (!list.length) return null;
    return h('section', { class: 'facet', 'aria-label': t('console.search.filterBy', { name }) },
      h('h2', {}, name),
      h('ul', {}, list.map(([term, count]) => {
        const active = p[name] === term;
        const next = { ...p, [name]: active ? '' : term };
        for (const k of Object.keys(next)) if (!next[k]) delete next[k];
        return h('li', {}, h('a', { href: '#/search?' + new URLSearchParams(next), 'aria-pressed': active ? 'true' : 'false', class: active ? 'on' : '' }, term + ' (' + count + ')'));
      })));
  });
  return h('aside', { class: 'facets', 'aria-label': t('console.search.facets') }, groups);
}
