// alert.js: one alert with its transcript context, evidence clip and the
// reviewer's decision.
import { api, postJSON } from './api.js';
import { h, badge, fmtTime, fmtMs, highlightAll, problem, announce } from './dom.js';
import { hitsOf } from './alerts.js';
import { timelineList } from './timeline.js';
import { t } from './i18n.js';
import { viewersCard } from './viewers.js';
import { linksCard } from './linkcard.js';
import { caseCard } from './alertcase.js';

const DECISIONS = ['confirmed', 'dismissed', 'needs_review'];

export function alertView(main, args) {
  const id = args[0] || '';
  main.append(h('p', { class: 'muted' }, t('console.alert.loading')));
  api('/v1/alerts/' + encodeURIComponent(id))
    .then((a) => { main.replaceChildren(...page(a).filter((x) => x != null)); }) // replaceChildren(null) writes "null"
    .catch((e) => main.replaceChildren(h('h1', {}, t('console.alert.title', { id })), problem(e, t('console.alert.failed'))));
  return null;
}

function page(a) {
  return [
    h('p', {}, h('a', { href: '#/alerts' }, t('console.alert.back'))),
    h('h1', {}, a.reminder || a.rule_id),
    h('dl', { class: 'facts' },
      fact(t('console.alert.fact.rule'), a.rule_id), fact(t('console.alert.fact.category'), a.category), fact(t('console.alert.fact.severity'), badge('severity', a.severity)),
      fact(t('console.alert.fact.room'), h('a', { href: '#/alerts?room=' + encodeURIComponent(a.room) }, a.room)),
      fact(t('console.alert.fact.anchor'), a.anchor), fact(t('console.alert.fact.merchant'), a.merchant),
      fact(t('console.alert.fact.time'), h('time', { datetime: a.at }, fmtTime(a.at))),
      fact(t('console.alert.fact.stream'), fmtMs(a.start_ms) + ' – ' + fmtMs(a.end_ms)),
      fact(t('console.alert.fact.matched'), t(a.score ? 'console.alert.matchedScore' : 'console.alert.matchedVia', { text: a.matched_text, via: a.via, score: a.score ? a.score.toFixed(2) : '' })),
      fact(t('console.alert.fact.policy'), a.policy)),
    h('section', { 'aria-labelledby': 'said-h', class: 'card' },
      h('h2', { id: 'said-h' }, t('console.alert.said')),
      h('blockquote', { class: 'context' }, highlightAll(a.context, hitsOf(a).map((x) => x.matched_text))),
      hitList(a),
      context(a)),
    h('section', { 'aria-labelledby': 'clip-h', class: 'card' }, h('h2', { id: 'clip-h' }, t('console.alert.evidence')), clip(a)),
    linksCard(a), // linkcard.js: the banned accounts a returning-violator alert links to
    viewersCard(a), // viewers.js: reports, corroboration, the viewers' poll
    caseCard(a), // alertcase.js: the case it is in, and its appeal
    review(a),
  ];
}

// hitList names every rule the sentence broke, when it broke more than one.
function hitList(a) {
  const hits = hitsOf(a);
  if (hits.length < 2) return null;
  return h('ul', { class: 'hits' }, ...hits.map((x) => h('li', {},
    badge('severity', x.severity), ' ', t('console.alert.hit', { rule: x.rule_id, category: x.category, text: x.matched_text, via: x.via }),
    x.reminder ? h('div', { class: 'muted small' }, x.reminder) : null)));
}

function fact(name, value) {
  if (value == null || value === '') return null;
  return [h('dt', {}, name), h('dd', {}, value)];
}

// context shows the room's transcript around the alert, when the server
// keeps transcripts.
function context(a) {
  const box = h('div', { class: 'around' }, h('p', { class: 'muted' }, t('console.alert.aroundLoading')));
  const q = new URLSearchParams({ at: a.at, before: '30s', after: '30s' });
  api('/v1/rooms/' + encodeURIComponent(a.room) + '/timeline?' + q)
    .then((body) => box.replaceChildren(
      h('h3', {}, t('console.alert.around')),
      timelineList(body, { at: a.at, text: a.context, mark: a.matched_text }),
      h('p', {}, h('a', { href: '#/timeline/' + encodeURIComponent(a.room) + '?' + new URLSearchParams({ at: a.at }) }, t('console.alert.openTimeline')))))
    .catch((e) => box.replaceChildren(problem(e, t('console.alert.aroundFailed'))));
  return box;
}

function clip(a) {
  if (!a.clip_url) {
    return h('p', { class: 'muted', id: 'clip-status' }, t('console.alert.noClip'));
  }
  const status = h('p', { class: 'muted', id: 'clip-status', role: 'status' });
  const audio = h('audio', { controls: true, preload: 'auto', src: a.clip_url, 'aria-describedby': 'clip-status' });
  audio.addEventListener('loadedmetadata', () => { status.textContent = t('console.alert.clip', { s: audio.duration.toFixed(1) }); });
  audio.addEventListener('error', () => {
    status.replaceChildren(t('console.alert.clipLater') + ' ',
      h('button', { type: 'button', onclick: () => { audio.load(); status.textContent = t('console.alert.retrying'); } }, t('console.alert.retry')));
  });
  return [audio, status, h('p', {}, h('a', { href: a.clip_url, download: a.id + '.wav' }, t('console.alert.download')))];
}

function review(a) {
  const current = h('p', { id: 'decision', role: 'status', 'aria-live': 'polite' });
  const history = h('ol', { class: 'history' });
  const note = h('textarea', { id: 'note', name: 'note', rows: 3, maxlength: 4000 });
  const err = h('div');
  const show = (d, hist) => {
    current.dataset.decision = d ? d.decision : '';
    current.replaceChildren(...(d
      ? [t('console.alert.decision') + ' ', badge('decision', d.decision), ' ' + t('console.alert.by', { by: d.by, at: fmtTime(d.at) }) + (d.note ? ' — “' + d.note + '”' : '')]
      : [t('console.alert.notReviewed')]));
    history.replaceChildren(...(hist || []).slice().reverse().map((x) =>
      h('li', {}, badge('decision', x.decision), ' ' + x.by + ', ' + fmtTime(x.at) + (x.note ? ': ' + x.note : ''))));
  };
  let hist = a.history || [];
  show(a.disposition, hist);
  const decide = async (decision) => {
    err.replaceChildren();
    try {
      // The reviewer is the signed-in token's subject: the server records it.
      const d = await postJSON('/v1/alerts/' + encodeURIComponent(a.id) + '/disposition', { decision, note: note.value });
      hist = hist.concat([d]);
      show(d, hist);
      note.value = '';
      announce(t('console.alert.saved', { decision: t('common.decision.' + decision) }));
    } catch (e) {
      err.append(problem(e, t('console.alert.notSaved')));
    }
  };
  return h('section', { 'aria-labelledby': 'review-h', class: 'card' },
    h('h2', { id: 'review-h' }, t('console.alert.review')), current,
    h('label', { for: 'note' }, t('console.alert.note')), note,
    h('div', { class: 'actions', role: 'group', 'aria-label': t('console.alert.decisionGroup') },
      DECISIONS.map((value) => h('button', { type: 'button', class: 'decide ' + value, 'data-decision': value, onclick: () => decide(value) }, t('console.alert.decide.' + value)))),
    err,
    h('h3', {}, t('console.alert.history')), history);
}
