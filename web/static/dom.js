// dom.js: building nodes safely. Text from the API is never parsed as HTML.
import { t, has, lang, termLabel } from './i18n.js';
import { schema } from './api.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const entities = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#34;': '"' };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|#39|#34);/g, (m) => entities[m]);

// marked turns a search highlight ("…<mark>x</mark>…") into nodes: only
// <mark> is honoured, everything else stays text.
export function marked(fragment) {
  const out = document.createDocumentFragment();
  let inMark = false;
  for (const part of String(fragment).split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(part)) { inMark = true; continue; }
    if (/^<\/mark>$/i.test(part)) { inMark = false; continue; }
    if (!part) continue;
    const text = document.createTextNode(unescape(part));
    out.append(inMark ? h('mark', {}, text) : text);
  }
  return out;
}

// highlight marks each occurrence of needle in text, ignoring case.
export function highlight(text, needle) {
  return highlightAll(text, needle ? [needle] : []);
}

// highlightAll marks every occurrence of each needle (case-insensitive),
// merging overlaps: a sentence with each rule's match marked.
export function highlightAll(text, needles) {
  const out = document.createDocumentFragment();
  text = String(text || '');
  const lower = text.toLowerCase();
  const spans = [];
  for (const needle of needles || []) {
    const n = String(needle || '').toLowerCase();
    if (!n) continue;
    for (let j = lower.indexOf(n); j >= 0; j = lower.indexOf(n, j + n.length)) spans.push([j, j + n.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let i = 0;
  for (const [s, e] of spans) {
    if (e <= i) continue;
    const from = Math.max(s, i);
    out.append(text.slice(i, from), h('mark', {}, text.slice(from, e)));
    i = e;
  }
  out.append(text.slice(i));
  return out;
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString(lang(), { dateStyle: 'short', timeStyle: 'medium' });
}

export function fmtMs(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  const p = (n) => String(n).padStart(2, '0');
  return Math.floor(s / 3600) + ':' + p(Math.floor(s / 60) % 60) + ':' + p(s % 60);
}

// badge is a value's pill: a severity shows its schema label in the page
// language (filled in when the schema arrives), a decision its word from
// common.json, anything else its id.
export function badge(kind, value) {
  const v = String(value || '');
  const key = 'common.' + kind + '.' + v;
  const el = h('span', { class: 'badge ' + kind + '-' + (v || 'none') }, v && has(key) ? t(key) : (v || '—').replace('_', ' '));
  if (kind === 'severity' && v) {
    schema().then((s) => { const term = s.severities.find((x) => x.id === v); if (term) el.textContent = termLabel(term); }, () => {});
  }
  return el;
}

export function announce(msg) {
  const el = document.getElementById('announce');
  if (el) el.textContent = msg;
}

export function problem(err, what) {
  const why = err && err.message ? err.message : String(err);
  return h('p', { class: 'problem', role: 'alert' }, what ? t('common.problem', { what, why }) : why);
}

export function setConn(state, detail) {
  const el = document.getElementById('conn');
  const known = ['live', 'connecting', 'reconnecting', 'denied'];
  const text = state === 'idle' ? '' : known.includes(state) ? t('common.conn.' + state) : state;
  el.textContent = text + (detail ? ' — ' + detail : '');
  el.dataset.state = state;
  document.body.dataset.live = state === 'live' ? '1' : '0';
}

// select is a labelled filter: "any", then one option per term of a
// vocabulary ({id, label, description} from the server's schema, see
// api.js schema()). terms may be a promise: the options appear when it
// resolves; until then, or if it fails, the current value stays selected.
export function select(id, label, terms, current) {
  const any = () => h('option', { value: '' }, t('common.any'));
  const sel = h('select', { id, name: id }, any(), current ? h('option', { value: current, selected: true }, current) : null);
  Promise.resolve(terms).then((list) => sel.replaceChildren(any(), ...list.map((t) =>
    h('option', { value: t.id, selected: t.id === current, title: t.description || null }, termLabel(t)))),
  (e) => { sel.title = t('common.listFailed', { why: e && e.message ? e.message : e }); });
  return [h('label', { for: id }, label), sel];
}
