// i18n.js: Chinese (zh-CN) and English page text, with no dependencies.
//
// Each page owns a dictionary, /static/i18n/<page>.json:
//   { "en": { "key": "text {name}" }, "zh-CN": { "key": "文本 {name}" } }
// (one file per page, so pages edited in parallel never touch one file;
// common.json holds what every page shares: the header, sign-in, the
// switch). A page module starts with
//   import { load, t } from './i18n.js';
//   await load('common', 'mypage');
// and then writes t('mypage.title') or t('mypage.count', { n: 3 }) in JS, or
// marks static HTML with data-i18n="key" (the text), data-i18n-attr=
// "placeholder:key;title:key" (attributes); apply() fills them, and runs
// again when the language changes. A value may be a plural object
// {"one": "...", "other": "..."} chosen by params.n.
//
// The language: ?lang= in the URL, else the user's last choice (the
// switch, kept in localStorage), else the browser's (navigator.languages),
// else English. A key missing in Chinese falls back to English, a key
// missing everywhere shows as itself (and a console warning), so a missing
// translation is visible but never breaks a page.

export const LANGS = [
  { id: 'zh-CN', name: '中文' },
  { id: 'en', name: 'English' },
];
const FALLBACK = 'en';
const STORE = 'earshot.lang';
const dicts = { en: {}, 'zh-CN': {} };
const loaded = new Set();
const listeners = new Set();
let current = FALLBACK;

// supported maps any language tag to one we have: zh, zh-Hans, zh-TW all
// read zh-CN (the only Chinese there is), en-GB reads en.
export function supported(tag) {
  const t = String(tag || '').trim().toLowerCase();
  if (!t) return '';
  if (t === 'zh' || t.startsWith('zh-') || t.startsWith('zh_')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-') || t.startsWith('en_')) return 'en';
  return '';
}

// choose is the language a page opens in (see the top of the file).
export function choose(search = globalThis.location ? location.search : '', stored = readStored(),
  browser = globalThis.navigator ? navigator.languages || [navigator.language] : []) {
  const fromURL = supported(new URLSearchParams(search).get('lang'));
  if (fromURL) return fromURL;
  if (supported(stored)) return supported(stored);
  for (const b of browser || []) if (supported(b)) return supported(b);
  return FALLBACK;
}

function readStored() {
  try { return globalThis.localStorage ? localStorage.getItem(STORE) : ''; } catch { return ''; }
}

current = choose();

export const lang = () => current;

// load fetches page dictionaries (once each) and applies them to the
// document. It never rejects: a missing dictionary leaves keys showing.
export async function load(...pages) {
  await Promise.all(pages.filter((p) => !loaded.has(p)).map(async (p) => {
    loaded.add(p);
    try {
      const res = await fetch(new URL('./i18n/' + encodeURIComponent(p) + '.json', import.meta.url), { credentials: 'same-origin' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      add(await res.json());
    } catch (e) {
      console.warn('earshot i18n: dictionary ' + p + ' did not load: ' + e.message);
    }
  }));
  if (globalThis.document) apply(document);
}

// add merges a dictionary ({lang: {key: text}}) into the known text.
export function add(dict) {
  for (const [l, entries] of Object.entries(dict || {})) {
    if (dicts[l]) Object.assign(dicts[l], entries);
  }
}

// has: a key is known in the current language or the fallback.
export const has = (key) => key in dicts[current] || key in dicts[FALLBACK];

// t is the text of key in the current language, {name} placeholders
// filled from params.
export function t(key, params = {}) {
  let v = dicts[current][key] ?? dicts[FALLBACK][key];
  if (v == null) {
    console.warn('earshot i18n: no text for ' + key);
    return key;
  }
  if (typeof v === 'object') {
    const n = Number(params.n);
    const form = new Intl.PluralRules(current).select(Number.isFinite(n) ? n : 0);
    v = v[form] ?? v.other ?? '';
  }
  return String(v).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// termLabel is a vocabulary term's label (GET /v1/lexicons/schema serves
// {id, label, label_zh, description}) in the current language.
export const termLabel = (term) => (term ? (current === 'zh-CN' && term.label_zh) || term.label || term.id : '');

// parts is t() for text with nodes in it: each {name} whose param is a
// Node (a <code>, a link) is put in as that node, the rest as text, so a
// translation can move the node within its sentence.
export function parts(key, params = {}) {
  const nodes = {};
  const plain = {};
  for (const [k, v] of Object.entries(params)) {
    if (globalThis.Node && v instanceof Node) nodes[k] = v; else plain[k] = v;
  }
  const text = t(key, plain);
  return text.split(/(\{\w+\})/).filter(Boolean).map((p) => {
    const m = /^\{(\w+)\}$/.exec(p);
    return m && nodes[m[1]] ? nodes[m[1]] : p;
  });
}

// apply fills every data-i18n / data-i18n-attr element under root.
export function apply(root = document) {
  if (root === document || root === document.documentElement) document.documentElement.lang = current;
  const all = (sel) => [...(root.matches && root.matches(sel) ? [root] : []), ...root.querySelectorAll(sel)];
  for (const el of all('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of all('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  for (const el of all('[data-lang-switch] button[data-lang]')) {
    el.setAttribute('aria-pressed', String(el.dataset.lang === current));
  }
}

// setLang switches the page, remembers the choice, and tells listeners
// (views re-render the text they built with t()). A ?lang= in the
// address bar is updated too, so a reload keeps the choice.
export function setLang(l) {
  const next = supported(l) || FALLBACK;
  try { localStorage.setItem(STORE, next); } catch { /* private mode: the choice lasts this page */ }
  const u = new URL(location.href);
  if (u.searchParams.has('lang')) {
    u.searchParams.set('lang', next);
    history.replaceState(history.state, '', u.pathname + u.search + u.hash);
  }
  if (next === current) return;
  current = next;
  if (globalThis.document) apply(document);
  for (const fn of listeners) fn(current);
}

// onChange calls fn(lang) after each switch; it returns the unsubscriber.
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// langSwitch is the visible 中文 / English switch: a group of two toggle
// buttons, each labelled in its own language.
export function langSwitch() {
  const box = document.createElement('div');
  box.className = 'lang-switch';
  box.dataset.langSwitch = '';
  box.setAttribute('role', 'group');
  box.setAttribute('data-i18n-attr', 'aria-label:common.lang.switch');
  for (const l of LANGS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.lang = l.id;
    b.lang = l.id;
    b.textContent = l.name;
    b.addEventListener('click', () => setLang(l.id));
    box.append(b);
  }
  apply(box);
  return box;
}

// mountSwitch puts the switch into the element(s) marked data-lang-here.
export function mountSwitch(root = document) {
  for (const slot of root.querySelectorAll('[data-lang-here]')) {
    if (!slot.querySelector('[data-lang-switch]')) slot.append(langSwitch());
  }
}
