// rooms.js: the rooms the service has seen, refreshed every few seconds.
import { api } from './api.js';
import { h, fmtTime, fmtMs, badge, problem } from './dom.js';
import { t } from './i18n.js';

export function roomsView(main) {
  const body = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  main.append(h('h1', {}, t('console.rooms.title')), body);
  const load = () => api('/v1/rooms')
    .then((r) => body.replaceChildren(table(r.rooms || [])))
    .catch((e) => body.replaceChildren(problem(e, t('console.rooms.failed'))));
  load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}

function table(rooms) {
  if (!rooms.length) return h('p', { class: 'muted' }, t('console.rooms.empty'));
  return h('table', { class: 'rooms' },
    h('caption', { class: 'sr-only' }, t('console.rooms.caption')),
    h('thead', {}, h('tr', {}, ['room', 'anchor', 'state', 'source', 'since', 'heard', 'utterances', 'alerts', 'reminders', ''].map((c) => h('th', { scope: 'col' }, c ? t('console.rooms.col.' + c) : '')))),
    h('tbody', {}, rooms.map((s) => {
      const id = s.room && s.room.id ? s.room.id : s.id;
      return h('tr', {},
        h('th', { scope: 'row' }, id),
        h('td', {}, (s.room && s.room.anchor) || s.anchor || ''),
        h('td', {}, badge('state', s.state), s.last_error ? h('span', { class: 'small problem-text' }, ' ' + s.last_error) : null),
        h('td', { class: 'small' }, s.source || ''),
        h('td', {}, fmtTime(s.started)),
        h('td', {}, fmtMs(s.heard_ms)),
        h('td', {}, s.utterances ?? ''),
        h('td', {}, s.alerts ?? ''),
        h('td', {}, s.reminders ?? '—'),
        h('td', {}, h('a', { href: '#/alerts?room=' + encodeURIComponent(id) }, t('console.rooms.alerts')), ' ',
          h('a', { href: '#/timeline/' + encodeURIComponent(id) }, t('console.rooms.transcript'))));
    })));
}
