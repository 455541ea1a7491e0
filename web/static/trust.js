// trust.js: the trust ledger page. Compliance staff see anchors or
// merchants ranked by trust score, and one account's score, its
// indicators (value, weight, contribution) and their history charted per
// day. Every number is the server's (GET /v1/trust/...): the page computes
// nothing about an account itself.
import { api, schema, session, signOut, takeTokenFromURL, tokensOptional } from './api.js';
import { h, problem } from './dom.js';
import { load, t, onChange, termLabel } from './i18n.js';
import { mountShell } from './shell.js';
import { askToken as gateToken, showWho as whoIs } from './signin.js';
import { lineChart } from './trust-chart.js';

await load('common', 'trust');

const $ = (s) => document.querySelector(s);
const params = new URLSearchParams(location.search);
// st: what is shown; list and report are the last answers.
const st = { kind: params.get('kind') === 'merchant' ? 'merchant' : 'anchor', id: params.get('id') || '',
  sort: 'score', list: null, report: null, series: 'score', who: null, signInError: null };

const base = (kind) => '/v1/trust/' + kind + 's';
const num = (v, d = 2) => Number(v).toLocaleString(undefined, { maximumFractionDigits: d });
const label = (name) => t('trust.ind.' + name);
const ind = (rep, name) => (rep.indicators.find((i) => i.name === name) || { value: 0 }).value;
const band = (s) => (s < 50 ? 'low' : s < 80 ? 'mid' : 'high');

async function loadList() {
  $('#list-status').textContent = t('common.loading');
  const q = new URLSearchParams({ sort: st.sort, limit: '100' });
  $('#csv').href = base(st.kind) + '?' + new URLSearchParams({ sort: st.sort, format: 'csv' });
  try {
    st.list = await api(base(st.kind) + '?' + q);
    $('#list-status').textContent = '';
  } catch (e) {
    st.list = null;
    $('#list-status').replaceChildren(problem(e, t('trust.list.failed')));
  }
  renderList();
}

function renderList() {
  const box = $('#list-box');
  if (!st.list) { box.replaceChildren(); return; }
  $('#lead').textContent = t('trust.lead', { days: st.list.window_days });
  if (!st.list.accounts.length) {
    box.replaceChildren(h('p', { class: 'muted' }, t('trust.list.empty', { days: st.list.window_days })));
    return;
  }
  const cols = ['airtime_hours', 'alerts', 'confirmed', 'escalations', 'reports'];
  box.replaceChildren(h('table', { id: 'accounts' },
    h('caption', {}, t('trust.list.count', { n: st.list.accounts.length, total: st.list.total })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('trust.col.id')), h('th', { scope: 'col', class: 'num' }, t('trust.col.score')),
      cols.map((c) => h('th', { scope: 'col', class: 'num' }, label(c))))),
    h('tbody', {}, st.list.accounts.map((a) => h('tr', { 'data-id': a.id },
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => openAccount(a.id) }, a.id)),
      h('td', { class: 'num score ' + band(a.score) }, num(a.score)),
      cols.map((c) => h('td', { class: 'num' }, num(ind(a, c)))))))));
}

async function openAccount(id) {
  st.id = id;
  const u = new URL(location.href);
  u.searchParams.set('kind', st.kind);
  u.searchParams.set('id', id);
  history.replaceState(null, '', u.pathname + u.search);
  try {
    st.report = await api(base(st.kind) + '/' + encodeURIComponent(id) + '?history=30');
    if (!st.terms) { // the lexicon's labels of categories and severities; ids if it cannot be read
      st.terms = await schema().then((sc) => new Map([...sc.categories, ...sc.severities].map((x) => [x.id, x]))).catch(() => new Map());
    }
  } catch (e) {
    st.report = null;
    $('#detail').hidden = false;
    $('#detail-h').textContent = id;
    $('#detail-score').replaceChildren(problem(e, t('trust.detail.failed')));
    for (const s of ['#detail-window', '#chart', '#indicators', '#violations']) $(s).replaceChildren();
    delete document.body.dataset.detail;
    return;
  }
  renderDetail();
}

function renderDetail() {
  const r = st.report;
  if (!r) return;
  $('#detail').hidden = false;
  $('#detail-h').textContent = t('trust.detail.title', { kind: t('trust.kind.one.' + r.kind), id: r.id });
  const score = $('#detail-score');
  score.className = 'tr-score ' + band(r.score);
  score.textContent = t('trust.detail.score', { score: num(r.score) });
  $('#detail-window').textContent = t('trust.detail.window', { from: r.from, to: r.to, days: r.window_days, formula: r.formula });
  const series = $('#series');
  series.replaceChildren(h('option', { value: 'score' }, t('trust.col.score')),
    ...r.indicators.map((i) => h('option', { value: i.name }, label(i.name))));
  series.value = st.series;
  renderChart();
  $('#indicators').replaceChildren(h('table', { id: 'indicator-table' },
    h('thead', {}, h('tr', {}, ['trust.col.indicator', 'trust.col.value', 'trust.col.weight', 'trust.col.sub', 'trust.col.contribution']
      .map((k, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, t(k))))),
    h('tbody', {}, r.indicators.map((i) => h('tr', { 'data-indicator': i.name, class: i.weight > 0 ? 'scored' : '', title: i.formula },
      h('td', {}, label(i.name), i.no_data ? h('span', { class: 'muted' }, ' ' + (i.weight ? t('trust.ind.noData') : t('trust.ind.noDataInfo'))) : ''),
      h('td', { class: 'num' }, num(i.value, 4)),
      h('td', { class: 'num' }, i.weight ? num(i.weight) : '—'),
      h('td', { class: 'num' }, i.weight ? num(i.sub_score, 4) : '—'),
      h('td', { class: 'num' }, i.weight ? num(i.contribution) : '—')))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('trust.col.total')), h('td'), h('td'), h('td'),
      h('td', { class: 'num' }, num(r.score))))));
  const viol = Object.entries(r.violations || {}).sort((a, b) => b[1] - a[1]);
  $('#violations').replaceChildren(viol.length
    ? h('table', { id: 'violation-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('trust.viol.what')),
      h('th', { scope: 'col', class: 'num' }, t('trust.viol.n')))),
    h('tbody', {}, viol.map(([k, n]) => h('tr', { 'data-violation': k }, h('td', {}, violationLabel(k)), h('td', { class: 'num' }, n)))))
    : h('p', { class: 'muted' }, t('trust.viol.none')));
  document.body.dataset.detail = r.id;
}

// violationLabel names "category/severity" in the page's language.
function violationLabel(key) {
  const name = (id) => (st.terms && st.terms.get(id) ? termLabel(st.terms.get(id)) : id);
  return key.split('/').map(name).join(' · ');
}

function renderChart() {
  const r = st.report;
  const key = st.series;
  const pts = (r.history || []).map((p) => ({ date: p.date, value: key === 'score' ? p.score : (p.indicators[key] ?? 0) }));
  const name = key === 'score' ? t('trust.col.score') : label(key);
  $('#chart').className = 'tr-chart';
  $('#chart').replaceChildren(lineChart(pts, { title: t('trust.chart.title', { what: name, days: pts.length }),
    max: key === 'score' ? 100 : undefined }));
}

// The shared sign-in gate (signin.js) with this page's role and content.
const gate = (open) => gateToken(st, { role: 'compliance', content: '#ledger', open, onOpen: openLedger });
const showWho = (open) => whoIs(st.who, open);

async function openLedger() {
  $('#signin-slot').replaceChildren();
  $('#ledger').hidden = false;
  $('#kind').value = st.kind;
  await loadList();
  if (st.id) await openAccount(st.id);
  document.body.dataset.ready = 'true';
}

async function start() {
  mountShell({ brand: 'common.brand.trust', current: 'trust' });
  try { st.who = await takeTokenFromURL(); } catch (e) { st.signInError = e; }
  if (!st.who) st.who = await session().catch(() => null);
  const open = await tokensOptional();
  $('#signout').addEventListener('click', async () => { await signOut().catch(() => {}); st.who = null; gate(open); });
  $('#kind').addEventListener('change', async (e) => {
    st.kind = e.target.value; st.id = ''; st.report = null; $('#detail').hidden = true; await loadList();
  });
  $('#sort').addEventListener('change', (e) => { st.sort = e.target.value; loadList(); });
  $('#series').addEventListener('change', (e) => { st.series = e.target.value; renderChart(); });
  onChange(() => { showWho(open); renderList(); renderDetail(); });
  if (!st.who && !open) { gate(open); return; }
  showWho(open);
  await openLedger();
}

start().catch((e) => { $('#main').append(problem(e, t('trust.failed'))); });
