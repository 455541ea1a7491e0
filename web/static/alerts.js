// alerts.js: the live alert feed with category, severity and room filters.
import { api, feed, schema } from './api.js';
import { h, badge, fmtTime, announce, problem, setConn, select, highlightAll } from './dom.js';
import { t } from './i18n.js';

export function alertsView(main, _args, params) {
  const f = { category: params.get('category') || '', severity: params.get('severity') || '', room: params.get('room') || '' };
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', role: 'status' });
  const form = h('form', { class: 'filters', 'aria-label': t('console.alerts.filters'), onchange: apply, onsubmit: (e) => { e.preventDefault(); apply(); } },
    select('category', t('console.alerts.category'), schema().then((s) => s.categories), f.category),
    select('severity', t('console.alerts.severity'), schema().then((s) => s.severities), f.severity),
    h('label', { for: 'room' }, t('console.alerts.room')),
    h('input', { id: 'room', name: 'room', value: f.room, pattern: '[A-Za-z0-9_-]{1,64}', size: 14 }));
  main.append(
    h('h1', {}, t('console.alerts.title')), form, status,
    h('table', { class: 'alerts' },
      h('caption', { class: 'sr-only' }, t('console.alerts.caption')),
      h('thead', {}, h('tr', {}, ['time', 'room', 'category', 'severity', 'said', 'decision'].map((c) => h('th', { scope: 'col' }, t('console.alerts.col.' + c))))),
      tbody));

  function apply() {
    const q = new URLSearchParams();
    for (const k of ['category', 'severity', 'room']) {
      const v = form.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    location.hash = '#/alerts' + (q.toString() ? '?' + q : '');
  }

  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) query.set(k, v);
  const matches = (a) => !f.severity || a.severity === f.severity;

  const rows = new Map();
  const add = (a, live) => {
    if (rows.has(a.id) || !matches(a)) return;
    const tr = row(a);
    if (live) tr.classList.add('new');
    rows.set(a.id, tr);
    tbody.prepend(tr);
  };

  status.textContent = t('common.loading');
  const listQuery = new URLSearchParams(query);
  listQuery.delete('severity');
  listQuery.set('limit', '200');
  api('/v1/alerts?' + listQuery).then((body) => {
    for (const a of body.alerts || []) add(a, false);
    status.textContent = rows.size ? '' : t('console.alerts.empty');
  }).catch((e) => status.replaceWith(problem(e, t('console.alerts.failed'))));

  return feed('/v1/events/alerts?' + query, {
    alert: (a) => {
      add(a, true);
      status.textContent = '';
      announce(t('console.alerts.new', { severity: a.severity, room: a.room, category: a.category }));
    },
    disposition: (d) => {
      const tr = rows.get(d.alert_id);
      if (tr) tr.querySelector('.decision').replaceChildren(badge('decision', d.decision));
    },
  }, setConn);
}

// hitsOf is every rule the alert's sentence broke, the leading one first
// (alerts from before grouping carry one, at the top level).
export function hitsOf(a) {
  return a.hits && a.hits.length ? a.hits : [a];
}

function row(a) {
  const hits = hitsOf(a);
  const link = h('a', { href: '#/alert/' + encodeURIComponent(a.id) },
    a.context ? highlightAll(a.context, hits.map((x) => x.matched_text)) : (a.matched_text || a.rule_id));
  return h('tr', { 'data-id': a.id, class: 'sev-' + a.severity },
    h('td', {}, h('time', { datetime: a.at }, fmtTime(a.at))),
    h('td', {}, a.room),
    h('td', {}, a.category),
    h('td', {}, badge('severity', a.severity)),
    h('td', {}, link, h('span', { class: 'muted small' }, ' ' + hits.map((x) => x.rule_id).join(', '))),
    h('td', { class: 'decision' }, badge('decision', a.disposition ? a.disposition.decision : 'open')));
}
