// cases.js: the compliance queue. One row per case (an anchor's hits in
// one session, grouped by the server), escalated first, then the most
// severe, then the longest waiting; filters in the URL; bulk select and
// decide; keyboard shortcuts (? lists them).
import { api, feed, postJSON, schema } from './api.js';
import { h, announce, problem, setConn, select } from './dom.js';
import { t, termLabel } from './i18n.js';
import { statsSection } from './case-stats.js';

// queueOrder is the ids of the queue as last shown, so the case view's
// j/k move to the next and previous case.
export let queueOrder = [];
let lastQuery = '';

// The keys both views answer; the help lists them.
export const KEYS = [['j', 'next'], ['k', 'prev'], ['o', 'open'], ['x', 'select'], ['a', 'assign'],
  ['c', 'confirm'], ['d', 'dismiss'], ['n', 'note'], ['?', 'help'], ['Esc', 'esc']];

// terms is the schema's vocabularies by id, for labels in the page's
// language (category and severity ids are never page text).
let terms = null;
export async function loadTerms() {
  if (terms) return terms;
  const s = await schema().catch(() => ({ categories: [], severities: [] }));
  terms = { category: new Map(s.categories.map((x) => [x.id, x])), severity: new Map(s.severities.map((x) => [x.id, x])) };
  return terms;
}
export const label = (kind, id) => (terms && terms[kind].get(id) ? termLabel(terms[kind].get(id)) : id);

export const sevBadge = (id) => h('span', { class: 'badge severity-' + id, 'data-severity': id }, label('severity', id));
// corroborated says how many viewers reported the moments of a case's
// alerts: the queue ranks it above others of its severity.
const corroborated = (c) => (c.corroboration && c.corroboration.reports
  ? h('span', { class: 'corroborated small muted', 'data-reports': c.corroboration.reports },
    ' ' + t('cases.corroborated', { n: c.corroboration.reports }))
  : null);

export const escBadge = (level) => (level ? h('span', { class: 'badge esc esc-' + level, 'data-escalation': level }, t('cases.esc.' + level)) : null);
export const stateBadge = (c) => h('span', { class: 'badge decision-' + (c.state === 'open' ? 'open' : c.state), 'data-state': c.state },
  t('cases.state.' + c.state));

export function fmtWait(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return t('cases.wait.s', { n: s });
  if (s < 3600) return t('cases.wait.m', { n: Math.round(s / 60) });
  if (s < 86400) return t('cases.wait.h', { n: Math.round(s / 360) / 10 });
  return t('cases.wait.d', { n: Math.round(s / 8640) / 10 });
}

// decideCases posts one decision over the ids (one case: its own route).
export function decideCases(ids, decision, note = '') {
  if (ids.length === 1) return postJSON('/v1/cases/' + encodeURIComponent(ids[0]) + '/decision', { decision, note });
  return postJSON('/v1/cases/decisions', { ids, decision, note });
}

// help is the shortcut list, a <dialog> the ? key opens.
export function help() {
  const dlg = h('dialog', { id: 'keys', class: 'keys', 'aria-labelledby': 'keys-h' },
    h('h2', { id: 'keys-h' }, t('cases.keys.title')),
    h('dl', {}, KEYS.map(([k, what]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t('cases.keys.' + what))])),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, t('cases.keys.close'))));
  return dlg;
}

// onKeys answers single-key shortcuts unless the user is typing.
export function onKeys(handlers) {
  const fn = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target && e.target.tagName) || '';
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || (e.target && e.target.isContentEditable)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    const h = handlers[e.key];
    if (h) { e.preventDefault(); h(e); }
  };
  document.addEventListener('keydown', fn);
  return () => document.removeEventListener('keydown', fn);
}

const STATES = ['open', 'unassigned', 'assigned', 'decided', 'confirmed', 'dismissed'];
const AGES = ['10m', '1h', '24h', '168h'];
const FILTERS = ['category', 'room', 'anchor', 'merchant', 'state', 'age'];

export function casesView(main, _args, params) {
  const f = {};
  for (const k of FILTERS) f[k] = params.get(k) || '';
  if (!params.has('state')) f.state = 'open';
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', role: 'status', id: 'queue-status' });
  const err = h('div');
  const choice = (id, labelKey, values, current, text) => [h('label', { for: id }, t(labelKey)),
    h('select', { id, name: id }, h('option', { value: id === 'state' ? 'all' : '' }, t('common.any')),
      values.map((v) => h('option', { value: v, selected: v === current }, text(v))))];
  const form = h('form', { class: 'filters', 'aria-label': t('cases.filters'), onchange: apply, onsubmit: (e) => { e.preventDefault(); apply(); } },
    select('category', t('cases.col.category'), schema().then((s) => s.categories), f.category),
    ['room', 'anchor', 'merchant'].map((k) => [h('label', { for: k }, t('cases.col.' + k)),
      h('input', { id: k, name: k, value: f[k], size: 12 })]),
    choice('state', 'cases.col.state', STATES, f.state, (v) => t('cases.state.' + v)),
    choice('age', 'cases.filter.age', AGES, f.age, (v) => t('cases.age.' + v)),
    h('button', { type: 'submit', class: 'secondary' }, t('cases.filter.apply')));
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': t('cases.bulk.all') });
  const bulkBar = h('div', { class: 'bulk', role: 'group', 'aria-label': t('cases.bulk.label') },
    h('span', { id: 'selected-count', class: 'muted' }),
    h('button', { type: 'button', id: 'bulk-dismiss', class: 'dismissed', disabled: true, onclick: () => decideSelected('dismissed') }, t('cases.bulk.dismiss')),
    h('button', { type: 'button', id: 'bulk-confirm', class: 'confirmed', disabled: true, onclick: () => decideSelected('confirmed') }, t('cases.bulk.confirm')),
    h('button', { type: 'button', class: 'link', onclick: () => dlg.showModal() }, t('cases.keys.show')));
  const dlg = help();
  const stats = statsSection({ label, fmtWait }); // case-stats.js
  main.append(
    h('h1', {}, t('cases.title')),
    h('p', { class: 'muted small', id: 'queue-lead' }),
    form, bulkBar, err, status,
    h('table', { class: 'cases', id: 'queue' },
      h('caption', { class: 'sr-only' }, t('cases.caption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, selectAll),
        ['escalation', 'severity', 'room', 'anchor', 'categories', 'hits', 'waiting', 'assignee', 'state']
          .map((c) => h('th', { scope: 'col' }, t('cases.col.' + c))))),
      tbody),
    stats.el,
    dlg);

  let rows = [];
  let current = -1;
  const selected = new Set();

  function apply() {
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = (form.elements[k].value || '').trim();
      if (v && !(k === 'state' && v === 'open')) q.set(k, v);
    }
    if (form.elements.state.value === 'all') q.set('state', 'all');
    location.hash = '#/cases' + (q.toString() ? '?' + q : '');
  }

  const query = new URLSearchParams({ limit: '200' });
  for (const k of FILTERS) if (f[k] && !(k === 'state' && f[k] === 'all')) query.set(k, f[k]);
  lastQuery = query.toString();

  function draw(list) {
    const keep = rows[current] ? rows[current].id : null;
    rows = list.cases || [];
    queueOrder = rows.map((c) => c.id);
    for (const id of [...selected]) if (!queueOrder.includes(id)) selected.delete(id);
    tbody.replaceChildren(...rows.map(row));
    current = keep ? queueOrder.indexOf(keep) : current;
    if (current >= rows.length) current = rows.length - 1;
    if (current < 0 && rows.length) current = 0;
    mark();
    status.textContent = rows.length ? t('cases.count', { n: list.total, shown: rows.length }) : t('cases.empty');
    document.getElementById('queue-lead').textContent = t('cases.lead', { min: Math.round((list.window_seconds || 600) / 60) });
    showSelected();
  }

  function row(c) {
    const box = h('input', { type: 'checkbox', class: 'pick', 'aria-label': t('cases.bulk.one', { who: c.anchor || c.room }), checked: selected.has(c.id) });
    box.addEventListener('change', () => { if (box.checked) selected.add(c.id); else selected.delete(c.id); showSelected(); });
    return h('tr', { 'data-id': c.id, 'data-state': c.state, class: 'sev-' + c.severity + (c.escalation ? ' escalated' : ''),
      onclick: (e) => { if (e.target !== box) { current = queueOrder.indexOf(c.id); mark(); } } },
    h('td', {}, box),
    h('td', {}, escBadge(c.escalation)),
    h('td', {}, sevBadge(c.severity), corroborated(c)),
    h('td', {}, c.room),
    h('td', {}, h('a', { href: '#/case/' + encodeURIComponent(c.id), class: 'open-case' }, c.anchor || t('cases.noAnchor'))),
    h('td', {}, c.categories.map((x) => label('category', x)).join(t('cases.sep'))),
    h('td', { class: 'num' }, String(c.hit_count)),
    h('td', {}, fmtWait(c.waiting_seconds)),
    h('td', { class: 'assignee' }, c.assignee || '—'),
    h('td', {}, stateBadge(c)));
  }

  function mark() {
    [...tbody.children].forEach((tr, i) => {
      tr.classList.toggle('current', i === current);
      tr.setAttribute('aria-selected', String(i === current));
    });
    const tr = tbody.children[current];
    if (tr) tr.scrollIntoView({ block: 'nearest' });
  }

  function showSelected() {
    document.getElementById('selected-count').textContent = t('cases.bulk.count', { n: selected.size });
    for (const id of ['bulk-dismiss', 'bulk-confirm']) document.getElementById(id).disabled = selected.size === 0;
    selectAll.checked = selected.size > 0 && selected.size === rows.length;
  }
  selectAll.addEventListener('change', () => {
    selected.clear();
    if (selectAll.checked) for (const c of rows) selected.add(c.id);
    for (const box of tbody.querySelectorAll('input.pick')) box.checked = selectAll.checked;
    showSelected();
  });

  async function decideSelected(decision) {
    const ids = [...selected];
    if (!ids.length) return;
    await act(async () => {
      const res = await decideCases(ids, decision);
      selected.clear();
      const n = res.decided ? res.decided.length : 1;
      announce(t('cases.done.bulk', { n, decision: t('cases.state.' + decision) }));
    });
  }

  // act runs one change and reloads the queue, showing what failed.
  async function act(fn) {
    err.replaceChildren();
    try { await fn(); } catch (e) { err.append(problem(e, t('cases.notSaved'))); }
    await reload();
  }

  const here = () => rows[current];
  const targets = () => (selected.size ? [...selected] : here() ? [here().id] : []);
  const stopKeys = onKeys({
    j: () => { if (current < rows.length - 1) current++; mark(); },
    k: () => { if (current > 0) current--; mark(); },
    o: () => { if (here()) location.hash = '#/case/' + encodeURIComponent(here().id); },
    Enter: () => { if (here()) location.hash = '#/case/' + encodeURIComponent(here().id); },
    x: () => {
      const c = here();
      if (!c) return;
      if (selected.has(c.id)) selected.delete(c.id); else selected.add(c.id);
      tbody.children[current].querySelector('input.pick').checked = selected.has(c.id);
      showSelected();
    },
    a: () => { const c = here(); if (c) act(() => postJSON('/v1/cases/' + encodeURIComponent(c.id) + '/assign', {}).then(() => announce(t('cases.done.assigned')))); },
    c: () => { const ids = targets(); if (ids.length) act(() => decideCases(ids, 'confirmed').then(() => { selected.clear(); announce(t('cases.done.one', { decision: t('cases.state.confirmed') })); })); },
    d: () => { const ids = targets(); if (ids.length) act(() => decideCases(ids, 'dismissed').then(() => { selected.clear(); announce(t('cases.done.one', { decision: t('cases.state.dismissed') })); })); },
    '?': () => dlg.showModal(),
  });

  let timer = 0;
  async function reload() {
    try {
      draw(await api('/v1/cases?' + query));
      stats.refresh();
    } catch (e) {
      status.replaceChildren(problem(e, t('cases.loadFailed')));
    }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(reload, 600); };
  status.textContent = t('common.loading');
  loadTerms().then(reload);
  const poll = setInterval(reload, 10000);
  // New alerts and decisions change the queue: reload shortly after each.
  const stopFeed = feed('/v1/events/alerts', { alert: soon, disposition: soon }, setConn);
  return () => { stopFeed(); stopKeys(); clearInterval(poll); clearTimeout(timer); };
}

// lastQueue is the queue's query as last shown (the case view reloads
// the order from it when opened directly).
export const lastQueue = () => lastQuery || 'state=open&limit=200';
