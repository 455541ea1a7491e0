// escalations.js: the escalations list of the console (#/escalations):
// anchors who kept breaking a rule after reminders, the stored ones (GET
// /v1/escalations) and new ones live (the "escalation" events of
// /v1/events/alerts), filtered by room and level. stop_suggested rows are
// the platform's call to stop a stream; earshot never stops one itself.
import { api, feed } from './api.js';
import { h, badge, fmtTime, announce, problem, setConn } from './dom.js';
import { load, t } from './i18n.js';

await load('escalations');

// LEVELS are api.Levels(), the lower first.
const LEVELS = ['staff', 'stop_suggested'];

export function escalationsView(main, _args, params) {
  const f = { room: params.get('room') || '', level: params.get('level') || '' };
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', role: 'status' });
  const level = h('select', { id: 'level', name: 'level' }, h('option', { value: '' }, t('common.any')),
    LEVELS.map((l) => h('option', { value: l, selected: l === f.level }, t('escalations.level.' + l))));
  const form = h('form', { class: 'filters', 'aria-label': t('escalations.filters'), onchange: apply, onsubmit: (e) => { e.preventDefault(); apply(); } },
    h('label', { for: 'level' }, t('escalations.col.level')), level,
    h('label', { for: 'room' }, t('escalations.col.room')),
    h('input', { id: 'room', name: 'room', value: f.room, pattern: '[A-Za-z0-9_-]{1,64}', size: 14 }));
  main.append(
    h('h1', {}, t('escalations.title')), h('p', { class: 'muted' }, t('escalations.lead')), form, status,
    h('table', { class: 'escalations' },
      h('caption', { class: 'sr-only' }, t('escalations.caption')),
      h('thead', {}, h('tr', {}, ['time', 'room', 'level', 'rule', 'count', 'text'].map((c) => h('th', { scope: 'col' }, t('escalations.col.' + c))))),
      tbody));

  function apply() {
    const q = new URLSearchParams();
    for (const k of ['level', 'room']) {
      const v = form.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    location.hash = '#/escalations' + (q.toString() ? '?' + q : '');
  }

  const matches = (e) => (!f.level || e.level === f.level) && (!f.room || e.room === f.room);
  const rows = new Map();
  const add = (e, live) => {
    if (rows.has(e.id) || !matches(e)) return;
    const tr = row(e);
    if (live) tr.classList.add('new');
    rows.set(e.id, tr);
    tbody.prepend(tr);
  };

  status.textContent = t('escalations.loading');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  q.set('limit', '200');
  api('/v1/escalations?' + q).then((body) => {
    for (const e of body.escalations || []) add(e, false);
    status.textContent = rows.size ? '' : t('escalations.empty');
  }).catch((e) => status.replaceWith(problem(e, t('escalations.failed'))));

  const live = new URLSearchParams();
  if (f.room) live.set('room', f.room);
  return feed('/v1/events/alerts?' + live, {
    escalation: (e) => {
      add(e, true);
      status.textContent = '';
      announce(t('escalations.announce', { room: e.room, level: t('escalations.level.' + e.level) }));
    },
  }, setConn);
}

function row(e) {
  const ids = e.alert_ids || [];
  const last = ids[ids.length - 1];
  const who = e.anchor ? e.room + ' · ' + e.anchor : e.room;
  return h('tr', { 'data-id': e.id, 'data-level': e.level, class: 'escalation level-' + e.level },
    h('td', {}, h('time', { datetime: e.at }, fmtTime(e.at))),
    h('td', {}, who),
    h('td', {}, h('span', { class: 'badge level-' + e.level }, t('escalations.level.' + e.level))),
    h('td', {}, e.category, ' ', badge('severity', e.severity), h('span', { class: 'muted small' }, ' ' + e.rule_id)),
    h('td', {}, t('escalations.count', { n: e.count, minutes: Math.round((e.window_seconds || 0) / 60) })),
    h('td', {}, last ? h('a', { href: '#/alert/' + encodeURIComponent(last) }, e.text || e.rule_id) : (e.text || e.rule_id)));
}
