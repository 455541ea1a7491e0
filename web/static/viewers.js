// viewers.js: what the room's viewers said about an alert, on the alert
// page: the reports behind a viewer-reports alert (with the transcript of
// the moment), the reports that corroborate a rule alert, and the
// viewers' poll staff open on it ("was this claim true?") with its result.
// Reports are signals, never verdicts: the page says so.
import { api, postJSON } from './api.js';
import { h, fmtMs, problem, announce } from './dom.js';
import { load, t } from './i18n.js';

await load('viewers');

export function viewersCard(a) {
  const poll = h('div', { id: 'viewer-poll' });
  drawPoll(poll, a, a.poll);
  return h('section', { 'aria-labelledby': 'viewers-h', class: 'card', id: 'viewers' },
    h('h2', { id: 'viewers-h' }, t('viewers.title')),
    reportsOf(a), corroboration(a), poll);
}

// reportsOf describes a viewer-reports alert's burst.
function reportsOf(a) {
  const r = a.reports;
  if (!r) return null;
  const cats = Object.entries(r.categories || {}).map(([c, n]) => c + ' ×' + n).join(', ');
  return [
    h('p', { class: 'muted' }, t('viewers.signal')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('viewers.reporters')), h('dd', { id: 'viewer-reporters' }, t('viewers.reportersValue', { n: r.reporters, reports: r.reports })),
      h('dt', {}, t('viewers.weight')), h('dd', {}, t('viewers.weightValue', { w: r.weight.toFixed(2), need: r.threshold.toFixed(2) })),
      h('dt', {}, t('viewers.new')), h('dd', {}, String(r.new_reporters) + (r.flooded ? ' · ' + t('viewers.flooded', { n: r.flooded }) : '')),
      h('dt', {}, t('viewers.moment')), h('dd', {}, fmtMs(r.from_ms) + ' – ' + fmtMs(r.to_ms)),
      h('dt', {}, t('viewers.categories')), h('dd', {}, cats)),
    (r.texts || []).length ? h('ul', { class: 'viewer-texts' }, r.texts.map((x) => h('li', {}, '“' + x + '”'))) : null,
    h('h3', {}, t('viewers.transcript')),
    (r.transcript || []).length
      ? h('ol', { class: 'viewer-transcript' }, r.transcript.map((l) => h('li', {}, h('span', { class: 'muted' }, fmtMs(l.start_ms) + ' '), l.text)))
      : h('p', { class: 'muted' }, t('viewers.noTranscript')),
  ];
}

// corroboration says how many viewers reported a rule alert's moment.
function corroboration(a) {
  const c = a.corroboration;
  if (!c) return a.reports ? null : h('p', { class: 'muted' }, t('viewers.none'));
  return h('p', { id: 'viewer-corroboration' }, t('viewers.corroborated', { n: c.reports, w: c.weight.toFixed(2) }),
    c.viewer_alert_id ? [' ', h('a', { href: '#/alert/' + encodeURIComponent(c.viewer_alert_id) }, t('viewers.burst'))] : null);
}

function drawPoll(box, a, p) {
  const err = h('div');
  if (!p) {
    const q = h('input', { id: 'poll-question-input', maxlength: 200, placeholder: t('viewers.defaultQuestion') });
    const open = async () => {
      err.replaceChildren();
      try {
        const body = q.value.trim() ? { question: q.value.trim() } : {};
        drawPoll(box, a, await postJSON('/v1/alerts/' + encodeURIComponent(a.id) + '/poll', body));
        announce(t('viewers.opened'));
      } catch (e) {
        err.append(problem(e, t('viewers.notOpened')));
      }
    };
    box.replaceChildren(h('h3', {}, t('viewers.poll')), h('p', { class: 'muted' }, t('viewers.pollHelp')),
      h('label', { for: 'poll-question-input' }, t('viewers.question')), q,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'poll-open', onclick: open }, t('viewers.open'))), err);
    return;
  }
  const counts = p.counts || {};
  const close = async () => {
    err.replaceChildren();
    try {
      drawPoll(box, a, await postJSON('/v1/alerts/' + encodeURIComponent(a.id) + '/poll/close', {}));
      announce(t('viewers.closed'));
    } catch (e) {
      err.append(problem(e, t('viewers.notClosed')));
    }
  };
  const refresh = async () => {
    try {
      drawPoll(box, a, (await api('/v1/alerts/' + encodeURIComponent(a.id))).poll);
    } catch (e) {
      err.replaceChildren(problem(e, t('viewers.notClosed')));
    }
  };
  box.replaceChildren(...[
    h('h3', {}, t('viewers.poll')),
    h('p', { id: 'poll-state', 'data-state': p.state }, '“' + p.question + '” · ',
      p.state === 'open' ? t('viewers.stateOpen', { by: p.opened_by }) : t('viewers.stateClosed', { by: p.closed_by })),
    h('ul', { id: 'poll-counts' }, p.options.map((o) => h('li', { 'data-option': o }, o + ': ' + (counts[o] || 0)))),
    h('p', { class: 'muted' }, t('viewers.votes', { n: p.votes || 0 }) + (p.state === 'open' ? ' · ' + t('viewers.hidden') : '')),
    p.state === 'open' ? h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'poll-refresh', onclick: refresh }, t('viewers.refresh')),
      h('button', { type: 'button', id: 'poll-close', onclick: close }, t('viewers.close'))) : null,
    err].filter(Boolean));
}
