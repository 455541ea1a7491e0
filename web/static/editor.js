// editor.js: the policy team's lexicon editor. It signs in like the
// console (a #token= fragment or the sign-in card, traded for the session
// cookie; no token is kept or typed again), keeps the draft as YAML text,
// and edits it through a per-rule form beside a searchable rule list.
// Every check is the server's (POST /v1/lexicons/validate, test, backtest):
// the page never decides what is valid. A publish shows the draft's diff
// against the live version first and sends the live version as its base,
// so two authors never overwrite each other.
import { api, postJSON, schema as loadSchema, session, signOut, takeTokenFromURL, tokensOptional } from './api.js';
import { h, problem, announce, fmtTime } from './dom.js';
import { load, t, onChange } from './i18n.js';
import { mountShell } from './shell.js';
import { askToken as gateToken, showWho as whoIs } from './signin.js';
import { fromWire, replaceRule, removeRule, setLexiconAllow } from './editor-yaml.js';
import { blankRule, ruleFields, readRule } from './editor-form.js';
import { filterBar, ruleList } from './editor-list.js';
import { diffView, testView, backtestView, versionsView } from './editor-tools.js';

await load('common', 'editor');

const $ = (s) => document.querySelector(s);
// st is the page's state: the last valid draft's rules and diff, the rule
// in the form (editing: its id in the draft, '' for a new rule) and the
// list's filters.
const st = { schema: null, rules: [], diff: null, allow: [], live: null, editing: '', filters: {}, who: null, signInError: null };
const why = (r) => (r && r.message) || String(r);
// canPublish: compliance tokens may read, validate, test and backtest the
// lexicon but only policy (and admin) tokens publish; an open server has
// no roles.
const canPublish = () => !st.who || st.who.role === 'policy' || st.who.role === 'admin';
// published is the live version's YAML as loaded: leaving the page with a
// draft that differs asks first.
let published = '';

function showRules() {
  $('#rule-list-box').replaceChildren(...ruleList(st.schema, st.rules, st.filters, st.editing, st.diff, pick));
}

function pick(id) {
  const w = st.rules.find((r) => r.ID === id);
  st.editing = w ? id : '';
  fillForm(w ? fromWire(w) : blankRule(st.schema));
  showRules();
  $('#rule-form [name=id]').focus();
}

function fillForm(rule) {
  $('#rule-fields').replaceChildren(...ruleFields(st.schema, rule));
  $('#form-h').textContent = st.editing ? t('editor.form.editing', { id: st.editing }) : t('editor.form.new');
  $('#delete-rule').hidden = !st.editing;
  $('#rule-errors').replaceChildren();
}

function showErrors(list, target) {
  target.replaceChildren(...list.map((e) => h('li', { 'data-rule': e.rule || '', 'data-field': e.field || '' },
    (e.rule ? t('editor.yaml.inRule', { rule: e.rule }) : e.index ? t('editor.yaml.inIndex', { n: e.index }) : '') +
    (e.field ? e.field + ': ' : '') + e.message)));
}

// validate asks the server about the draft and shows what it says; it
// returns the answer (null when the call failed).
async function validate() {
  let r;
  try {
    r = await postJSON('/v1/lexicons/validate', { yaml: $('#yaml').value });
  } catch (e) {
    $('#status').replaceChildren(problem(e, t('editor.yaml.validateFailed')));
    return null;
  }
  showErrors(r.errors, $('#errors'));
  showErrors(r.errors.filter((e) => st.editing && e.rule === st.editing), $('#rule-errors'));
  document.body.dataset.valid = r.valid;
  $('#status').className = r.valid ? 'ok' : 'errors';
  if (!r.valid) {
    $('#status').textContent = t('editor.yaml.problems', { n: r.errors.length });
    return r;
  }
  $('#status').textContent = t('editor.yaml.valid', { n: r.rules });
  st.rules = r.rule_list || [];
  st.diff = r.diff;
  st.allow = r.allow || [];
  if (document.activeElement !== $('#lexicon-allow')) $('#lexicon-allow').value = st.allow.join('\n');
  $('#changes').replaceChildren(diffView(st.diff, st.schema));
  showRules();
  return r;
}

let timer = 0;
const validateSoon = () => { clearTimeout(timer); timer = setTimeout(validate, 400); };

// applyRule writes the form's rule into the draft in place of the one it
// was loaded from.
async function applyRule(ev) {
  ev.preventDefault();
  const rule = readRule($('#rule-form'));
  if (!rule.id) { showErrors([{ field: 'id', message: t('editor.form.needId') }], $('#rule-errors')); return; }
  if (rule.id !== st.editing && st.rules.some((r) => r.ID === rule.id)) {
    showErrors([{ field: 'id', message: t('editor.form.taken', { id: rule.id }) }], $('#rule-errors'));
    return;
  }
  try {
    $('#yaml').value = replaceRule($('#yaml').value, st.editing, rule);
  } catch {
    showErrors([{ message: t('editor.form.notBlock', { id: st.editing }) }], $('#rule-errors'));
    return;
  }
  st.editing = rule.id;
  const r = await validate();
  $('#form-h').textContent = t('editor.form.editing', { id: rule.id });
  $('#delete-rule').hidden = false;
  if (r && r.valid) announce(t('editor.form.applied', { id: rule.id }));
}

async function deleteRule() {
  if (!st.editing || !confirm(t('editor.form.confirmDelete', { id: st.editing }))) return;
  $('#yaml').value = removeRule($('#yaml').value, st.editing);
  st.editing = '';
  fillForm(blankRule(st.schema));
  await validate();
}

async function applyAllow(ev) {
  ev.preventDefault();
  const list = $('#lexicon-allow').value.split('\n').map((s) => s.trim()).filter(Boolean);
  $('#yaml').value = setLexiconAllow($('#yaml').value, list);
  $('#lexicon-allow').blur();
  await validate();
}

async function importCSV() {
  const file = $('#import-file').files[0];
  if (!file) return;
  const name = file.name.replace(/\.[^.]*$/, '');
  const res = await fetch('/v1/lexicons/import?' + new URLSearchParams({ name }), {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv' }, body: await file.text(),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const err = body && body.error;
    if (err && err.errors) showErrors(err.errors, $('#errors'));
    $('#status').replaceChildren(problem(new Error(err ? err.message : 'HTTP ' + res.status), t('editor.yaml.importFailed')));
    return;
  }
  $('#yaml').value = await res.text();
  $('#import-file').value = '';
  await validate();
}

async function runTest(ev) {
  ev.preventDefault();
  const out = $('#test-result');
  try {
    out.replaceChildren(testView(await postJSON('/v1/lexicons/test', { yaml: $('#yaml').value, text: $('#test-text').value }), st.schema));
  } catch (e) {
    out.replaceChildren(problem(e, t('editor.test.failed')));
  }
}

async function runBacktest(ev) {
  ev.preventDefault();
  const iso = (v) => (v ? new Date(v).toISOString().replace(/\.\d+Z$/, 'Z') : '');
  const out = $('#bt-result');
  out.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  try {
    const b = await postJSON('/v1/lexicons/backtest', { yaml: $('#yaml').value, from: iso($('#bt-from').value), to: iso($('#bt-to').value) });
    out.replaceChildren(...backtestView(b, st.schema, pick));
  } catch (e) {
    out.replaceChildren(problem(e, t('editor.bt.failed')));
  }
}

// reviewPublish validates the draft and shows its diff in a dialog; the
// dialog's button publishes.
async function reviewPublish(ev) {
  ev.preventDefault();
  const r = await validate();
  if (!r || !r.valid) { $('#pub-result').textContent = t('editor.pub.invalid'); return; }
  $('#pub-dialog-msg').textContent = t('editor.pub.against', { version: st.live ? st.live.version : '—', message: $('#message').value });
  $('#pub-diff').replaceChildren(diffView(r.diff, st.schema));
  $('#pub-dialog').showModal();
}

// forced sends body; when the server answers needs_force (a version with
// no rules, or one dropping most live rules) it asks, then sends it with
// force.
async function forced(path, body) {
  try {
    return await postJSON(path, body);
  } catch (e) {
    if (e.code !== 'needs_force' || !confirm(t('editor.pub.force', { why: e.message }))) throw e;
    return postJSON(path, { ...body, force: true });
  }
}

async function publish() {
  $('#pub-dialog').close();
  try {
    const v = await forced('/v1/lexicons', { yaml: $('#yaml').value, message: $('#message').value, base: st.live ? st.live.version : 0 });
    published = $('#yaml').value;
    $('#pub-result').textContent = t('editor.pub.done', { version: v.version });
    announce($('#pub-result').textContent);
    await refresh();
  } catch (e) {
    $('#pub-result').textContent = t(e.code === 'conflict' ? 'editor.pub.conflict' : 'editor.pub.failed', { why: why(e) });
  }
}

async function rollback(n) {
  if (!confirm(t('editor.versions.confirm', { version: n }))) return;
  try {
    const v = await forced('/v1/lexicons/rollback', { version: n, message: t('editor.versions.message.text', { version: n }) });
    $('#pub-result').textContent = t('editor.versions.done', { version: v.version, from: n });
    await refresh();
  } catch (e) {
    $('#pub-result').textContent = t('editor.versions.failed', { why: why(e) });
  }
}

// refresh reads the live version and the version list after a publish.
async function refresh() {
  await loadActive();
  await validate();
  try {
    const r = await api('/v1/lexicons');
    $('#versions-box').replaceChildren(versionsView(r.versions || [], st.live && st.live.version, canPublish() ? rollback : null));
  } catch (e) {
    $('#versions-box').replaceChildren(problem(e, t('editor.versions.failed', { why: '' })));
  }
}

async function loadActive() {
  try {
    st.live = await api('/v1/lexicons/active');
    const v = st.live;
    $('#active').textContent = t('editor.live', { version: v.version, name: v.name, n: v.rules, author: v.author, at: fmtTime(v.published_at), message: v.message });
    document.body.dataset.version = v.version;
  } catch (e) {
    st.live = null;
    $('#active').replaceChildren(problem(e, t('editor.noLive')));
  }
}

async function openEditor() {
  $('#signin-slot').replaceChildren();
  $('#editor').hidden = false;
  try {
    st.schema = await loadSchema();
  } catch (e) {
    $('#status').replaceChildren(problem(e, t('editor.noSchema')));
    return;
  }
  $('#rule-filters').replaceChildren(filterBar(st.schema, st.filters, (f) => { st.filters = f; showRules(); }));
  await loadActive();
  if (st.live) {
    const y = await fetch('/v1/lexicons/active?format=yaml', { credentials: 'same-origin' });
    $('#yaml').value = published = await y.text();
  }
  const ro = !canPublish();
  for (const el of $('#pub-form').elements) el.disabled = ro;
  $('#pub-result').textContent = ro ? t('editor.pub.readOnly', { role: st.who.role }) : '';
  fillForm(blankRule(st.schema));
  await refresh();
  // /lexicon?rule=ID opens that rule in the form (the console links here).
  const want = new URLSearchParams(location.search).get('rule');
  if (want && st.rules.some((r) => r.ID === want)) pick(want);
  document.body.dataset.ready = 'true';
}

// The shared sign-in gate (signin.js) with this page's role and content.
const gate = (open) => gateToken(st, { role: 'policy', content: '#editor', open, onOpen: openEditor });
const showWho = (open) => whoIs(st.who, open);

async function start() {
  mountShell({ brand: 'common.brand.editor', current: 'lexicon', whoLabel: 'editor.who' });
  try { st.who = await takeTokenFromURL(); } catch (e) { st.signInError = e; }
  if (!st.who) st.who = await session().catch(() => null);
  const open = await tokensOptional();
  sessionStorage.removeItem('earshot-policy-token'); // kept by earlier versions
  $('#signout').addEventListener('click', async () => { await signOut().catch(() => {}); st.who = null; gate(open); });
  $('#yaml').addEventListener('input', validateSoon);
  $('#new-rule').addEventListener('click', () => pick(''));
  $('#rule-form').addEventListener('submit', applyRule);
  $('#delete-rule').addEventListener('click', deleteRule);
  $('#allow-form').addEventListener('submit', applyAllow);
  $('#import-file').addEventListener('change', importCSV);
  $('#test-form').addEventListener('submit', runTest);
  $('#bt-form').addEventListener('submit', runBacktest);
  $('#pub-form').addEventListener('submit', reviewPublish);
  $('#confirm-publish').addEventListener('click', publish);
  // A switch of language redraws what the page built with t(); the draft
  // and the form's unsaved input stay.
  onChange(() => {
    if (!st.schema) { if (!st.who) gate(open); return; }
    showWho(open);
    const rule = readRule($('#rule-form'));
    fillForm(rule);
    $('#rule-filters').replaceChildren(filterBar(st.schema, st.filters, (f) => { st.filters = f; showRules(); }));
    refresh();
  });
  window.addEventListener('beforeunload', (e) => {
    if (st.schema && published && $('#yaml').value !== published) e.preventDefault();
  });
  if (!st.who && !open) { gate(open); return; }
  showWho(open);
  openEditor();
}

start();
