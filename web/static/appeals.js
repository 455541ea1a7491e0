// appeals.js: anchors' appeals of confirmed alerts, pending first; staff
// uphold (the decision stands) or overturn (the alert is dismissed) each
// with a note. The anchor's overlay shows the outcome.
import { api, postJSON } from './api.js';
import { h, fmtTime, problem, announce } from './dom.js';
import { t } from './i18n.js';
import { loadTerms, label } from './cases.js';

export function appealsView(main, _args, params) {
  const state = params.get('state') || 'pending';
  const list = h('ol', { class: 'appeals', id: 'appeals' });
  const status = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
  main.append(h('h1', {}, t('cases.appeals.title')),
    h('p', { class: 'muted small' }, t('cases.appeals.lead')),
    h('nav', { class: 'tabs', 'aria-label': t('cases.appeals.states') },
      ['pending', 'upheld', 'overturned', 'all'].map((s) => h('a', { href: '#/appeals?state=' + s, 'aria-current': s === state ? 'page' : null }, t('cases.appeals.state.' + s)))),
    status, list);

  const reload = () => api('/v1/appeals' + (state === 'all' ? '' : '?state=' + state)).then((body) => {
    list.replaceChildren(...body.appeals.map(item));
    status.textContent = body.appeals.length ? '' : t('cases.appeals.empty');
  }).catch((e) => status.replaceChildren(problem(e, t('cases.appeals.loadFailed'))));

  function item(ap) {
    const note = h('textarea', { rows: 2, maxlength: 4000, id: 'appeal-note-' + ap.id, 'aria-label': t('cases.appeals.note') });
    const err = h('div');
    const decide = async (outcome) => {
      err.replaceChildren();
      try {
        await postJSON('/v1/appeals/' + encodeURIComponent(ap.id) + '/decision', { outcome, note: note.value });
        announce(t('cases.appeals.done', { outcome: t('cases.appeal.' + outcome) }));
        await reload();
      } catch (e) {
        err.append(problem(e, t('cases.notSaved')));
      }
    };
    return h('li', { class: 'card appeal-item', 'data-alert': ap.alert_id, 'data-state': ap.state },
      h('p', { class: 'meta' }, h('span', { class: 'badge appeal appeal-' + ap.state }, t('cases.appeal.' + ap.state)), ' ',
        t('cases.appeals.by', { room: ap.room, anchor: ap.anchor || '—', at: fmtTime(ap.at) }), ' · ', label('category', ap.category), ' · ',
        h('a', { href: '#/alert/' + encodeURIComponent(ap.alert_id) }, t('cases.case.alert'))),
      h('blockquote', { class: 'reason' }, ap.reason),
      ap.state === 'pending'
        ? [note, h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'uphold', onclick: () => decide('upheld') }, t('cases.appeals.uphold')),
          h('button', { type: 'button', class: 'overturn', onclick: () => decide('overturned') }, t('cases.appeals.overturn'))), err]
        : h('p', { class: 'muted small' }, t('cases.appeals.decided', { by: ap.decided_by, at: fmtTime(ap.decided_at) }) + (ap.note ? ' — “' + ap.note + '”' : '')));
  }

  loadTerms().then(reload);
  return null; // no polling: it would wipe a note being written
}
