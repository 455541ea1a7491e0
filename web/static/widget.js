// widget.js: the viewers' widget, embedded by the platform next to its
// player: /widget/{room}?at_ms=N#token=VIEWER_TOKEN.
//
// The token is a viewer token (earshot token --role viewer, or one the
// platform signs itself: docs/reports.md). It stays in this page's memory
// and goes in the Authorization header: the page never signs in with a
// cookie, since a framed page's cookies are third-party to the platform.
//
// "This moment" is the player's position in the room's stream: ?at_ms= is
// the position when the widget loaded and the widget counts on from it;
// the platform's page may post {type: "earshot:position", at_ms: N} to the
// frame whenever its player seeks or stalls. A report is a signal for
// staff: the widget never says whether it raised anything.
//
// The room's poll is read every few seconds: while it is open the viewer
// sees the question and votes once; the counts appear only when it closes.
import { APIError } from './api.js';
import { load, t, termLabel, apply } from './i18n.js';

await load('widget');
apply();

const room = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
history.replaceState(null, '', location.pathname + location.search); // the token leaves the address bar

const q = new URLSearchParams(location.search);
let base = { ms: Math.max(0, parseInt(q.get('at_ms') || '0', 10) || 0), at: performance.now() };
const moment = () => Math.round(base.ms + performance.now() - base.at);
window.addEventListener('message', (e) => {
  const d = e.data;
  if (d && d.type === 'earshot:position' && Number.isFinite(d.at_ms) && d.at_ms >= 0) base = { ms: d.at_ms, at: performance.now() };
});

async function call(method, path, body) {
  const headers = { Accept: 'application/json', Authorization: 'Bearer ' + token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  const json = await res.json().catch(() => null);
  if (res.ok) return json;
  const err = json && json.error;
  throw new APIError(res.status, err ? err.code : 'http', err ? err.message : 'HTTP ' + res.status);
}

const $ = (id) => document.getElementById(id);
const clock = (ms) => {
  const s = Math.floor(ms / 1000);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
};

// The categories: the lexicon's (GET /v1/lexicons/schema, which viewer
// tokens may read) and "other".
async function categories() {
  const sel = $('category');
  let terms = [];
  try {
    terms = (await call('GET', '/v1/lexicons/schema')).categories || [];
  } catch (e) {
    console.warn('earshot widget: no categories (' + e.message + ')');
  }
  for (const term of [...terms, { id: 'other', label: t('widget.other') }]) {
    const o = document.createElement('option');
    o.value = term.id;
    o.textContent = term.id === 'other' ? t('widget.other') : termLabel(term);
    sel.append(o);
  }
}

async function report() {
  const status = $('report-status');
  const at = moment();
  $('send').disabled = true;
  status.className = '';
  try {
    const body = { at_ms: at, category: $('category').value };
    const text = $('text').value.trim();
    if (text) body.text = text;
    await call('POST', '/v1/rooms/' + encodeURIComponent(room) + '/reports', body);
    status.textContent = t('widget.sent', { at: clock(at) });
    status.dataset.state = 'sent';
    $('text').value = '';
  } catch (e) {
    status.className = 'error';
    status.dataset.state = e.code || 'error';
    status.textContent = e.code === 'duplicate_report' ? t('widget.duplicate') : e.code === 'rate_limited' ? t('widget.slow') : e.message;
  } finally {
    setTimeout(() => { $('send').disabled = false; }, 1500);
  }
}

let shown = '';
function drawPoll(p) {
  const box = $('poll');
  box.hidden = false;
  box.dataset.state = p.state;
  box.dataset.poll = p.id;
  $('poll-question').textContent = p.question;
  const key = p.id + p.state + p.voted + (p.votes || 0);
  if (key === shown) return;
  shown = key;
  const opts = $('poll-options');
  const results = $('poll-results');
  opts.replaceChildren();
  results.replaceChildren();
  results.hidden = p.state !== 'closed';
  if (p.state === 'open' && !p.voted) {
    for (const o of p.options) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = o;
      b.dataset.option = o;
      b.addEventListener('click', () => vote(p, o));
      opts.append(b);
    }
    $('poll-status').textContent = t('widget.pollHidden');
  } else if (p.state === 'open') {
    $('poll-status').textContent = t('widget.voted');
  } else {
    $('poll-status').textContent = t('widget.pollClosed', { n: p.votes || 0 });
    for (const o of p.options) {
      const li = document.createElement('li');
      li.dataset.option = o;
      li.textContent = o + ': ' + ((p.counts || {})[o] || 0);
      results.append(li);
    }
  }
}

async function vote(p, option) {
  for (const b of $('poll-options').querySelectorAll('button')) b.disabled = true;
  try {
    drawPoll(await call('POST', '/v1/rooms/' + encodeURIComponent(room) + '/poll/vote', { poll: p.id, option }));
  } catch (e) {
    $('poll-status').className = 'error';
    $('poll-status').textContent = e.code === 'already_voted' ? t('widget.voted') : e.message;
  }
}

async function pollLoop() {
  try {
    drawPoll(await call('GET', '/v1/rooms/' + encodeURIComponent(room) + '/poll'));
  } catch (e) {
    if (e.code !== 'no_poll') console.warn('earshot widget: poll: ' + e.message);
  }
  setTimeout(pollLoop, parseInt(q.get('poll_ms') || '', 10) || 5000);
}

if (!room || !token) {
  $('report-status').className = 'error';
  $('report-status').textContent = t('widget.noToken');
  $('send').disabled = true;
} else {
  await categories();
  $('send').addEventListener('click', report);
  document.body.dataset.ready = 'true';
  pollLoop();
}
