// editor.js: the policy team's lexicon editor. Everything goes through
// /v1/lexicons; the page keeps no state but the draft in the textarea.
import { signIn, takeTokenFromURL } from './api.js';

const $ = (s) => document.querySelector(s);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
let rules = [];
// vocab is the server's closed vocabularies (GET /v1/lexicons/schema): the
// form offers what the server validates, and nothing else.
let vocab = { categories: [], severities: [], pattern_kinds: [] };

// api calls earshot as the signed-in policy token (its cookie: the page
// signs in from the #token= fragment of its URL or the token field).
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { raw: text }; }
  return { ok: res.ok, status: res.status, data };
}

function showErrors(list, target) {
  target.replaceChildren(...list.map((e) => {
    const li = el('li', (e.rule ? `rule "${e.rule}" ` : e.index ? `rule #${e.index} ` : '') + (e.field ? e.field + ': ' : '') + e.message);
    li.dataset.rule = e.rule || ''; li.dataset.field = e.field || '';
    return li;
  }));
}

async function validate() {
  const r = await api('POST', '/v1/lexicons/validate', { yaml: $('#yaml').value });
  if (!r.ok) { $('#status').textContent = 'validation failed: ' + (r.data?.error?.message || r.status); return; }
  showErrors(r.data.errors, $('#errors'));
  const cur = $('#rule-form').elements.id.value;
  showErrors(r.data.errors.filter((e) => cur && e.rule === cur), $('#rule-errors'));
  document.body.dataset.valid = r.data.valid;
  if (!r.data.valid) { $('#status').textContent = `${r.data.errors.length} problem(s)`; $('#status').className = 'errors'; return; }
  $('#status').textContent = `valid: ${r.data.rules} rules`; $('#status').className = 'ok';
  rules = r.data.rule_list || [];
  const d = r.data.diff;
  $('#changes').textContent = `against live: +${d.added.length} added, -${d.removed.length} removed, ~${d.changed.length} changed`;
  const pick = $('#rule-pick'); const keep = pick.value;
  pick.replaceChildren(el('option', 'new rule…'), ...rules.map((x) => { const o = el('option', x.ID); o.value = x.ID; return o; }));
  pick.firstChild.value = ''; pick.value = keep;
}

let timer;
function validateSoon() { clearTimeout(timer); timer = setTimeout(validate, 400); }

function fillForm(id) {
  const f = $('#rule-form').elements; const r = rules.find((x) => x.ID === id);
  f.id.value = r ? r.ID : ''; f.category.value = r ? r.Category : defaultCategory(); f.severity.value = r ? r.Severity : defaultSeverity();
  f.patterns.value = r ? r.Patterns.map((p) => p.Digits ? `digits: ${p.Digits}` : p.Phrase).join('\n') : '';
  f.exceptions.value = r ? (r.Exceptions || []).map((x) => x.Phrase).join('\n') : '';
  f.reminder.value = r ? r.Reminder : '';
}

const q = (s) => JSON.stringify(s); // a JSON string is a valid YAML scalar

function ruleYAML(f) {
  const lines = (v) => v.split('\n').map((s) => s.trim()).filter(Boolean);
  let y = `  - id: ${f.id.value.trim()}\n    category: ${f.category.value}\n    severity: ${f.severity.value}\n    patterns:\n`;
  for (const p of lines(f.patterns.value)) y += /^digits:\s*\d+$/.test(p) ? `      - ${p.replace(/^digits:\s*/, '{digits: ')}}\n` : `      - ${q(p)}\n`;
  const ex = lines(f.exceptions.value);
  if (ex.length) { y += '    exceptions:\n'; for (const x of ex) y += `      - ${q(x)}\n`; }
  return y + `    reminder: ${q(f.reminder.value)}\n`;
}

// applyRule replaces the rule's block in the raw YAML (or appends one); the
// rest of the file, comments included, is left as written.
function applyRule(ev) {
  ev.preventDefault();
  const f = $('#rule-form').elements; const id = f.id.value.trim();
  const text = $('#yaml').value; const block = ruleYAML(f);
  const lines = text.split('\n'); const start = lines.findIndex((l) => new RegExp(`^\\s*-\\s*id:\\s*["']?${id.replace(/[.]/g, '\\.')}["']?\\s*$`).test(l));
  if (start < 0) { $('#yaml').value = text.replace(/\s*$/, '\n') + block; } else {
    let end = start + 1;
    while (end < lines.length && !/^\s*-\s*id:/.test(lines[end]) && !/^\S/.test(lines[end])) end++;
    lines.splice(start, end - start, ...block.replace(/\n$/, '').split('\n'));
    $('#yaml').value = lines.join('\n');
  }
  validate();
}

async function runTest(ev) {
  ev.preventDefault();
  const r = await api('POST', '/v1/lexicons/test', { yaml: $('#yaml').value, text: $('#test-text').value });
  const out = $('#test-result');
  if (!r.ok) { const ul = el('ul', undefined, 'errors'); showErrors(r.data?.error?.errors || [{ message: r.data?.error?.message || String(r.status) }], ul); out.replaceChildren(ul); return; }
  const ul = el('ul', undefined, 'hits');
  if (!r.data.hits.length) ul.append(el('li', 'no rule fires'));
  for (const h of r.data.hits) ul.append(el('li', `FIRES ${h.rule_id} (${h.category}): "${h.matched_text}" via ${h.via}`, 'hit'));
  for (const x of r.data.explanation.filter((x) => !x.fired)) ul.append(el('li', `not ${x.rule_id} "${x.pattern}": ${x.cancelled || 'another occurrence fired'}`, 'miss'));
  out.replaceChildren(ul);
}

async function runBacktest(ev) {
  ev.preventDefault();
  const iso = (v) => (v ? new Date(v).toISOString().replace(/\.\d+Z$/, 'Z') : '');
  const r = await api('POST', '/v1/lexicons/backtest', { yaml: $('#yaml').value, from: iso($('#bt-from').value), to: iso($('#bt-to').value) });
  const out = $('#bt-result');
  if (!r.ok) { out.replaceChildren(el('p', 'backtest failed: ' + (r.data?.error?.message || r.status), 'errors')); return; }
  const b = r.data; const t = el('table'); t.id = 'bt-table';
  t.append(el('caption', `${b.utterances} utterances: live ${b.live_hits} hits, draft ${b.draft_hits}: +${b.gained} gained, -${b.lost} lost (${Math.round(b.utterances_per_second)} utt/s)`));
  for (const rd of b.rules.filter((x) => x.gained + x.lost > 0)) {
    const tr = el('tr'); tr.append(el('td', rd.rule_id), el('td', rd.category), el('td', '+' + rd.gained, 'gained'), el('td', '-' + rd.lost, 'lost'));
    const ex = el('td');
    for (const e of rd.examples || []) {
      const a = el('a', `${e.change === 'lost' ? '−' : '+'} ${e.text}`, e.change);
      a.href = `/#/transcripts?record=${encodeURIComponent(e.record_id)}`; ex.append(a, el('br'));
    }
    tr.append(ex); t.append(tr);
  }
  const parts = [t];
  if (b.dispositions) parts.push(el('p', `reviewed alerts: ${b.dispositions.confirmed_lost} confirmed would be lost, ${b.dispositions.dismissed_still_raised} dismissed would still be raised`));
  out.replaceChildren(...parts);
}

// forced sends body; when the server answers needs_force (a version with no
// rules, or dropping most live rules) it asks, and sends it again with force.
async function forced(body, send) {
  const r = await send(body);
  if (r.ok || r.data?.error?.code !== 'needs_force') return r;
  if (!confirm(r.data.error.message + '\n\nPublish it anyway?')) return r;
  return send({ ...body, force: true });
}

async function publish(ev) {
  ev.preventDefault();
  if (!(await signInWithField())) return;
  const body = { yaml: $('#yaml').value, message: $('#message').value };
  const r = await forced(body, b => api('POST', '/v1/lexicons', b));
  $('#pub-result').textContent = r.ok ? `published version ${r.data.version}` : 'not published: ' + (r.data?.error?.message || r.status);
  if (r.ok) { await loadActive(); await loadVersions(); }
}

async function rollback(n) {
  if (!(await signInWithField())) return;
  const r = await forced({ version: n }, b => api('POST', '/v1/lexicons/rollback', b));
  $('#pub-result').textContent = r.ok ? `rolled back: version ${r.data.version} = version ${n}` : 'not rolled back: ' + (r.data?.error?.message || r.status);
  if (r.ok) { await loadActive(); await loadVersions(); }
}

// A new rule starts in the first category and the middle severity (the
// list goes from the least to the most severe).
const defaultCategory = () => (vocab.categories[0] || {}).id || '';
const defaultSeverity = () => (vocab.severities[Math.floor(vocab.severities.length / 2)] || {}).id || '';

// loadSchema fills the form's lists from the server's vocabularies.
async function loadSchema() {
  const r = await api('GET', '/v1/lexicons/schema');
  if (!r.ok) { $('#status').textContent = 'could not load the lexicon vocabularies: ' + (r.data?.error?.message || r.status); return; }
  vocab = r.data;
  const options = (list) => list.map((t) => { const o = el('option', t.label ? `${t.id} (${t.label})` : t.id); o.value = t.id; o.title = t.description || ''; return o; });
  const f = $('#rule-form').elements;
  f.category.replaceChildren(...options(vocab.categories)); f.category.value = defaultCategory();
  f.severity.replaceChildren(...options(vocab.severities)); f.severity.value = defaultSeverity();
  $('#pattern-kinds').replaceChildren(...vocab.pattern_kinds.map((k) => el('li', `${k.label}: ${k.description}`)));
}

async function loadActive() {
  const r = await api('GET', '/v1/lexicons/active');
  if (!r.ok) { $('#active').textContent = 'no live version: ' + (r.data?.error?.message || r.status); return null; }
  const v = r.data;
  $('#active').textContent = `live: version ${v.version} "${v.name}", ${v.rules} rules, by ${v.author} at ${v.published_at}: ${v.message}`;
  document.body.dataset.version = v.version;
  return v;
}

async function loadVersions() {
  const r = await api('GET', '/v1/lexicons');
  if (!r.ok) return;
  $('#versions tbody').replaceChildren(...r.data.versions.slice().reverse().map((v) => {
    const tr = el('tr'); const btn = el('button', 'roll back to this'); btn.type = 'button';
    btn.addEventListener('click', () => rollback(v.version));
    tr.append(el('td', String(v.version)), el('td', v.published_at), el('td', v.author), el('td', v.message),
      el('td', `+${v.added} -${v.removed} ~${v.changed}`), el('td')); tr.lastChild.append(btn); return tr;
  }));
}

// signInWithField signs in with a token typed into the form, if any.
async function signInWithField() {
  const token = $('#token').value.trim();
  if (!token) return true;
  try {
    await signIn(token);
    $('#token').value = '';
    return true;
  } catch (e) {
    $('#pub-result').textContent = 'token rejected: ' + e.message;
    return false;
  }
}

async function init() {
  sessionStorage.removeItem('earshot-policy-token'); // kept by earlier versions
  try { await takeTokenFromURL(); } catch (e) { $('#status').textContent = 'token rejected: ' + e.message; }
  await loadSchema();
  const v = await loadActive();
  if (v) {
    const y = await fetch('/v1/lexicons/active?format=yaml', { credentials: 'same-origin' }); $('#yaml').value = await y.text();
  }
  const now = new Date(); const day = new Date(now - 864e5);
  const local = (d) => new Date(d - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
  $('#bt-from').value = local(day); $('#bt-to').value = local(now);
  $('#yaml').addEventListener('input', validateSoon);
  $('#rule-pick').addEventListener('change', (e) => { fillForm(e.target.value); validate(); });
  $('#rule-form').addEventListener('submit', applyRule);
  $('#test-form').addEventListener('submit', runTest);
  $('#bt-form').addEventListener('submit', runBacktest);
  $('#pub-form').addEventListener('submit', publish);
  await validate(); await loadVersions();
  document.body.dataset.ready = 'true';
}

init();
