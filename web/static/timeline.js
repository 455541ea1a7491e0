// timeline.js: a room's transcript around one moment.
import { api } from './api.js';
import { h, fmtTime, fmtMs, highlight, problem } from './dom.js';
import { t } from './i18n.js';

export function timelineView(main, args, params) {
  const room = args[0] || '';
  const at = params.get('at') || new Date().toISOString();
  main.append(
    h('p', {}, h('a', { href: '#/search' }, t('console.timeline.back'))),
    h('h1', {}, t('console.timeline.title', { room, at: fmtTime(at) })));
  const box = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  main.append(box);
  const q = new URLSearchParams({ at, before: params.get('before') || '2m', after: params.get('after') || '2m' });
  api('/v1/rooms/' + encodeURIComponent(room) + '/timeline?' + q)
    .then((body) => {
      const list = timelineList(body, { id: params.get('id'), at, mark: params.get('mark') });
      box.replaceChildren(list);
      const focus = list.querySelector('[aria-current]');
      if (focus) focus.scrollIntoView({ block: 'center' });
    })
    .catch((e) => box.replaceChildren(problem(e, t('console.timeline.failed'))));
  return null;
}

// items finds the utterance list in a timeline answer, whatever its key.
function items(body) {
  if (Array.isArray(body)) return body;
  for (const k of ['utterances', 'items', 'records', 'hits', 'entries', 'timeline']) {
    if (body && Array.isArray(body[k])) return body[k];
  }
  return [];
}

// timelineList renders utterances, marking the one the caller is about:
// by id, else by text, else the nearest in time.
export function timelineList(body, focus) {
  const list = items(body);
  if (!list.length) return h('p', { class: 'muted' }, t('console.timeline.empty'));
  let best = list.findIndex((u) => focus.id && u.id === focus.id);
  if (best < 0 && focus.text) best = list.findIndex((u) => u.text === focus.text);
  if (best < 0 && focus.at) {
    const t = Date.parse(focus.at);
    let gap = Infinity;
    list.forEach((u, i) => { const d = Math.abs(Date.parse(u.at) - t); if (d < gap) { gap = d; best = i; } });
  }
  return h('ol', { class: 'timeline' }, list.map((u, i) => h('li', { class: i === best ? 'focus' : '', 'aria-current': i === best ? 'true' : null },
    h('span', { class: 'when' }, h('time', { datetime: u.at }, fmtTime(u.at)), ' ', h('span', { class: 'muted small' }, fmtMs(u.start_ms))),
    h('span', { class: 'text' }, highlight(u.text, i === best ? focus.mark : '')),
    (u.hits || []).map((x) => h('span', { class: 'badge rule' }, x.category || x.rule_id)))));
}
