// alert.js: one alert with its transcript context, evidence clip and the
// reviewer's decision.
import { api, postJSON } from './api.js';
import { h, badge, fmtTime, fmtMs, highlightAll, problem, announce } from './dom.js';
import { hitsOf } from './alerts.js';
import { timelineList } from './timeline.js';

const DECISIONS = [['confirmed', 'Confirm'], ['dismissed', 'Dismiss'], ['needs_review', 'Needs review']];

export function alertView(main, args) {
  const id = args[0] || '';
  main.append(h('p', { class: 'muted' }, 'Loading alert…'));
  api('/v1/alerts/' + encodeURIComponent(id))
    .then((a) => { main.replaceChildren(...page(a)); })
    .catch((e) => main.replaceChildren(h('h1', {}, 'Alert ' + id), problem(e, 'Could not load this alert')));
  return null;
}

function page(a) {
  return [
    h('p', {}, h('a', { href: '#/alerts' }, '← All alerts')),
    h('h1', {}, a.reminder || a.rule_id),
    h('dl', { class: 'facts' },
      fact('Rule', a.rule_id), fact('Category', a.category), fact('Severity', badge('severity', a.severity)),
      fact('Room', h('a', { href: '#/alerts?room=' + encodeURIComponent(a.room) }, a.room)),
      fact('Anchor', a.anchor), fact('Merchant', a.merchant),
      fact('Time', h('time', { datetime: a.at }, fmtTime(a.at))),
      fact('Stream time', fmtMs(a.start_ms) + ' – ' + fmtMs(a.end_ms)),
      fact('Matched', a.matched_text + ' (' + a.via + (a.score ? ', score ' + a.score.toFixed(2) : '') + ')'),
      fact('Policy', a.policy)),
    h('section', { 'aria-labelledby': 'said-h', class: 'card' },
      h('h2', { id: 'said-h' }, 'What was said'),
      h('blockquote', { class: 'context' }, highlightAll(a.context, hitsOf(a).map((x) => x.matched_text))),
      hitList(a),
      context(a)),
    h('section', { 'aria-labelledby': 'clip-h', class: 'card' }, h('h2', { id: 'clip-h' }, 'Evidence'), clip(a)),
    review(a),
  ];
}

// hitList names every rule the sentence broke, when it broke more than one.
function hitList(a) {
  const hits = hitsOf(a);
  if (hits.length < 2) return null;
  return h('ul', { class: 'hits' }, ...hits.map((x) => h('li', {},
    badge('severity', x.severity), ' ', x.rule_id, ' (', x.category, '): "', x.matched_text, '" via ', x.via,
    x.reminder ? h('div', { class: 'muted small' }, x.reminder) : null)));
}

function fact(name, value) {
  if (value == null || value === '') return null;
  return [h('dt', {}, name), h('dd', {}, value)];
}

// context shows the room's transcript around the alert, when the server
// keeps transcripts.
function context(a) {
  const box = h('div', { class: 'around' }, h('p', { class: 'muted' }, 'Loading the transcript around it…'));
  const q = new URLSearchParams({ at: a.at, before: '30s', after: '30s' });
  api('/v1/rooms/' + encodeURIComponent(a.room) + '/timeline?' + q)
    .then((body) => box.replaceChildren(
      h('h3', {}, 'Around it'),
      timelineList(body, { at: a.at, text: a.context, mark: a.matched_text }),
      h('p', {}, h('a', { href: '#/timeline/' + encodeURIComponent(a.room) + '?' + new URLSearchParams({ at: a.at }) }, 'Open the room timeline'))))
    .catch((e) => box.replaceChildren(problem(e, 'Transcript context unavailable')));
  return box;
}

function clip(a) {
  if (!a.clip_url) {
    return h('p', { class: 'muted', id: 'clip-status' }, 'No audio clip is kept for this alert (text from the platform\'s own recognizer, or clips are off).');
  }
  const status = h('p', { class: 'muted', id: 'clip-status', role: 'status' });
  const audio = h('audio', { controls: true, preload: 'auto', src: a.clip_url, 'aria-describedby': 'clip-status' });
  audio.addEventListener('loadedmetadata', () => { status.textContent = 'Clip: ' + audio.duration.toFixed(1) + ' s around the hit.'; });
  audio.addEventListener('error', () => {
    status.replaceChildren('The clip is not available yet (it is written a few seconds after the alert). ',
      h('button', { type: 'button', onclick: () => { audio.load(); status.textContent = 'Retrying…'; } }, 'Retry'));
  });
  return [audio, status, h('p', {}, h('a', { href: a.clip_url, download: a.id + '.wav' }, 'Download WAV'))];
}

function review(a) {
  const current = h('p', { id: 'decision', role: 'status', 'aria-live': 'polite' });
  const history = h('ol', { class: 'history' });
  const note = h('textarea', { id: 'note', name: 'note', rows: 3, maxlength: 4000 });
  const err = h('div');
  const show = (d, hist) => {
    current.dataset.decision = d ? d.decision : '';
    current.replaceChildren(...(d
      ? ['Decision: ', badge('decision', d.decision), ' by ' + d.by + ', ' + fmtTime(d.at) + (d.note ? ' — “' + d.note + '”' : '')]
      : ['Not reviewed yet.']));
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
      announce('Saved: ' + decision.replace('_', ' '));
    } catch (e) {
      err.append(problem(e, 'Not saved'));
    }
  };
  return h('section', { 'aria-labelledby': 'review-h', class: 'card' },
    h('h2', { id: 'review-h' }, 'Review'), current,
    h('label', { for: 'note' }, 'Note (optional)'), note,
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Decision' },
      DECISIONS.map(([value, label]) => h('button', { type: 'button', class: 'decide ' + value, 'data-decision': value, onclick: () => decide(value) }, label))),
    err,
    h('h3', {}, 'History'), history);
}
