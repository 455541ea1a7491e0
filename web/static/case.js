// case.js: one case: every hit's sentence with its evidence clip, its
// alert's decision and appeal; assign to me, notes, confirm or dismiss
// (a disposition on each alert). j/k open the next and previous case of
// the queue; ? lists the keys.
import { api, postJSON } from './api.js';
import { h, fmtTime, fmtMs, highlightAll, problem, announce } from './dom.js';
import { t } from './i18n.js';
import { queueOrder, lastQueue, loadTerms, label, sevBadge, escBadge, stateBadge, fmtWait, decideCases, help, onKeys } from './cases.js';

export function caseView(main, args) {
  const id = args[0] || '';
  main.append(h('p', { class: 'muted' }, t('common.loading')));
  let c = null;
  let order = queueOrder;
  const dlg = help();
  const reload = () => api('/v1/cases/' + encodeURIComponent(id)).then((v) => { c = v; main.replaceChildren(...page(v), dlg); });
  Promise.all([loadTerms(), reload()]).catch((e) => main.replaceChildren(h('h1', {}, t('cases.case.title', { who: id })), problem(e, t('cases.case.loadFailed'))));
  if (!order.length) api('/v1/cases?' + lastQueue()).then((l) => { order = l.cases.map((x) => x.id); }).catch(() => {});

  const go = (step) => {
    const i = order.indexOf(id);
    const next = order[i < 0 ? 0 : i + step];
    if (next && next !== id) location.hash = '#/case/' + encodeURIComponent(next);
  };
  const act = async (fn, done) => {
    const err = document.getElementById('case-error');
    if (err) err.replaceChildren();
    try {
      await fn();
      announce(done);
      await reload();
    } catch (e) {
      if (err) err.append(problem(e, t('cases.notSaved')));
    }
  };
  const note = () => document.getElementById('decision-note');
  const decide = (decision) => {
    if (!c || c.state !== 'open') return;
    act(() => decideCases([id], decision, note() ? note().value : ''), t('cases.done.one', { decision: t('cases.state.' + decision) }));
  };
  const assign = () => act(() => postJSON('/v1/cases/' + encodeURIComponent(id) + '/assign', {}), t('cases.done.assigned'));
  const addNote = () => {
    const el = document.getElementById('case-note');
    if (!el || !el.value.trim()) return;
    act(() => postJSON('/v1/cases/' + encodeURIComponent(id) + '/notes', { text: el.value }), t('cases.done.noted'));
  };

  function page(v) {
    const decided = v.state !== 'open';
    return [
      h('p', {}, h('a', { href: '#/cases?' + lastQueue().replace(/(^|&)limit=\d+/, '') }, t('cases.case.back'))),
      h('h1', { id: 'case-h' }, t('cases.case.title', { who: v.anchor || v.room }), ' ', escBadge(v.escalation), ' ', sevBadge(v.severity), ' ', stateBadge(v)),
      h('dl', { class: 'facts' },
        fact(t('cases.col.room'), h('a', { href: '#/cases?room=' + encodeURIComponent(v.room) }, v.room)),
        fact(t('cases.col.anchor'), v.anchor), fact(t('cases.col.merchant'), v.merchant),
        fact(t('cases.col.categories'), v.categories.map((x) => label('category', x)).join(t('cases.sep'))),
        fact(t('cases.case.span'), fmtTime(v.first_at) + ' – ' + fmtTime(v.last_at)),
        fact(decided ? t('cases.case.took') : t('cases.col.waiting'), fmtWait(v.waiting_seconds)),
        fact(t('cases.col.assignee'), h('span', { id: 'assignee' }, v.assignee || '—')),
        decided ? fact(t('cases.case.decided'), h('span', { id: 'decision', 'data-decision': v.state },
          t('cases.case.decidedBy', { decision: t('cases.state.' + v.state), by: v.decided_by, at: fmtTime(v.decided_at) }) +
          (v.decision_note ? ' — “' + v.decision_note + '”' : ''))) : null),
      h('section', { class: 'card', 'aria-labelledby': 'hits-h' },
        h('h2', { id: 'hits-h' }, t('cases.case.hits', { n: v.hits.length })),
        h('ol', { class: 'case-hits' }, v.hits.map(hit))),
      review(v),
      notes(v),
    ];
  }

  function hit(x, i) {
    return h('li', { class: 'case-hit sev-' + x.severity, 'data-alert': x.alert_id },
      h('div', { class: 'meta' },
        h('span', { class: 'n' }, '#' + (i + 1)), ' ', h('time', { datetime: x.at }, fmtTime(x.at)), ' · ', t('cases.case.streamAt', { at: fmtMs(x.start_ms) }), ' · ',
        sevBadge(x.severity), ' ', label('category', x.category), ' · ', h('code', {}, x.rule_id),
        x.disposition ? [' · ', h('span', { class: 'badge decision-' + x.disposition.decision }, t('cases.state.' + x.disposition.decision))] : null,
        x.appeal ? [' · ', h('span', { class: 'badge appeal appeal-' + x.appeal.state }, t('cases.appeal.' + x.appeal.state))] : null),
      h('blockquote', { class: 'context' }, highlightAll(x.context, [x.matched_text])),
      x.reminder ? h('p', { class: 'muted small' }, x.reminder) : null,
      clip(x, i),
      h('p', { class: 'small' }, h('a', { href: '#/alert/' + encodeURIComponent(x.alert_id) }, t('cases.case.alert'))));
  }

  function clip(x, i) {
    if (!x.clip_url) return h('p', { class: 'muted small clip-status' }, t('cases.clip.none'));
    const status = h('span', { class: 'muted small clip-status', role: 'status' });
    // A long case loads the first clips' lengths only; the rest load on play.
    const audio = h('audio', { controls: true, preload: i < 10 ? 'metadata' : 'none', src: x.clip_url, 'aria-label': t('cases.clip.label', { rule: x.rule_id }) });
    audio.addEventListener('loadedmetadata', () => { status.textContent = t('cases.clip.len', { s: audio.duration.toFixed(1) }); });
    audio.addEventListener('error', () => {
      status.replaceChildren(t('cases.clip.notYet'), ' ',
        h('button', { type: 'button', class: 'link', onclick: () => { audio.load(); status.textContent = t('cases.clip.retrying'); } }, t('cases.clip.retry')));
    });
    return h('div', { class: 'clip' }, audio, status);
  }

  function review(v) {
    const open = v.state === 'open';
    return h('section', { class: 'card', 'aria-labelledby': 'review-h' },
      h('h2', { id: 'review-h' }, t('cases.case.review')),
      h('div', { id: 'case-error' }),
      h('div', { class: 'actions', role: 'group', 'aria-label': t('cases.case.review') },
        h('button', { type: 'button', id: 'assign-me', class: 'secondary', disabled: !open || null, onclick: assign }, t('cases.act.assign'), ' ', h('kbd', {}, 'a')),
        h('button', { type: 'button', class: 'decide confirmed', 'data-decision': 'confirmed', disabled: !open || null, onclick: () => decide('confirmed') }, t('cases.act.confirm'), ' ', h('kbd', {}, 'c')),
        h('button', { type: 'button', class: 'decide dismissed', 'data-decision': 'dismissed', disabled: !open || null, onclick: () => decide('dismissed') }, t('cases.act.dismiss'), ' ', h('kbd', {}, 'd')),
        h('button', { type: 'button', class: 'link', onclick: () => dlg.showModal() }, t('cases.keys.show'))),
      open ? [h('label', { for: 'decision-note' }, t('cases.case.decisionNote')),
        h('textarea', { id: 'decision-note', rows: 2, maxlength: 4000 })] : null);
  }

  function notes(v) {
    return h('section', { class: 'card', 'aria-labelledby': 'notes-h' },
      h('h2', { id: 'notes-h' }, t('cases.case.notes')),
      h('ol', { class: 'history', id: 'notes' }, (v.notes || []).map((n) => h('li', {}, h('strong', {}, n.by), ' · ', fmtTime(n.at), ': ', n.text))),
      h('label', { for: 'case-note' }, t('cases.case.addNote')),
      h('textarea', { id: 'case-note', rows: 2, maxlength: 4000 }),
      h('button', { type: 'button', id: 'add-note', onclick: addNote }, t('cases.act.note')));
  }

  return onKeys({
    j: () => go(1), k: () => go(-1), a: assign, c: () => decide('confirmed'), d: () => decide('dismissed'),
    n: () => { const el = document.getElementById('case-note'); if (el) el.focus(); },
    '?': () => dlg.showModal(),
  });
}

function fact(name, value) {
  if (value == null || value === '') return null;
  return [h('dt', {}, name), h('dd', {}, value)];
}
