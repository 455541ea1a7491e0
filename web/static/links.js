// links.js: the returning-violators page. Compliance staff keep the ban
// list (ban or flag an anchor or merchant, with a reason; lift it), look
// up which accounts share contact identifiers with one and how strongly,
// and mark a legitimate business's number benign. Every figure is the
// server's (GET /v1/bans, /v1/links, /v1/links/benign); raw identifiers
// show only where the server sends them (compliance tokens).
import { api, postJSON, session, signOut, takeTokenFromURL, tokensOptional } from './api.js';
import { h, problem, fmtTime } from './dom.js';
import { load, t, onChange } from './i18n.js';
import { mountShell } from './shell.js';
import { askToken as gateToken, showWho as whoIs } from './signin.js';

await load('common', 'links');

const $ = (s) => document.querySelector(s);
const params = new URLSearchParams(location.search);
const st = { bans: null, view: null, benign: null, who: null, signInError: null,
  kind: params.get('kind') === 'merchant' ? 'merchant' : 'anchor', id: params.get('id') || '' };

const kindName = (k) => t('links.kind.' + k);
const actionBadge = (b) => b ? h('span', { class: b.action === 'ban' ? 'ln-banned' : 'ln-flagged' }, t('links.action.' + b.action)) : '';
const del = (path) => api(path, { method: 'DELETE' });

async function loadBans() {
  try {
    st.bans = (await api('/v1/bans')).bans; // the status keeps what the last action said
  } catch (e) {
    st.bans = null;
    $('#bans-status').replaceChildren(problem(e, t('links.bans.failed')));
  }
  renderBans();
}

function renderBans() {
  const box = $('#bans-box');
  if (!st.bans) { box.replaceChildren(); return; }
  if (!st.bans.length) { box.replaceChildren(h('p', { class: 'muted' }, t('links.bans.empty'))); return; }
  box.replaceChildren(h('table', { id: 'bans' },
    h('thead', {}, h('tr', {}, ['links.kind', 'links.id', 'links.action', 'links.reason', 'links.by', 'links.at', 'links.col.do']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, st.bans.map((b) => h('tr', { 'data-id': b.id, 'data-kind': b.kind },
      h('td', {}, kindName(b.kind)),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => showLinks(b.kind, b.id) }, b.id)),
      h('td', {}, actionBadge(b)), h('td', {}, b.reason), h('td', {}, b.by), h('td', {}, fmtTime(b.at)),
      h('td', {}, h('button', { type: 'button', class: 'lift', onclick: () => liftBan(b) }, t('links.bans.lift'))))))));
}

async function liftBan(b) {
  try {
    await del('/v1/bans?' + new URLSearchParams({ [b.kind]: b.id }));
    $('#bans-status').textContent = t('links.bans.lifted', { id: b.id });
  } catch (e) {
    $('#bans-status').replaceChildren(problem(e, t('links.bans.failed')));
  }
  await loadBans();
}

async function addBan(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const b = await postJSON('/v1/bans', { [f.get('kind')]: f.get('id'), action: f.get('action'), reason: f.get('reason') });
    $('#bans-status').textContent = t('links.bans.added', { id: b.id, by: b.by });
    ev.target.reset();
  } catch (e) {
    $('#bans-status').replaceChildren(problem(e, t('links.bans.failed')));
  }
  await loadBans();
  if (st.view) await showLinks(st.kind, st.id);
}

// shown is an identifier as the server sent it: its value for compliance,
// else the start of its keyed hash.
const shown = (x) => x.value ? h('span', { class: 'ln-value' }, x.value) : h('span', { class: 'ln-hash', title: x.hash }, x.hash.slice(0, 12) + '…');
const where = (e) => e.room + ' · ' + fmtTime(e.at);

async function showLinks(kind, id) {
  st.kind = kind; st.id = id;
  $('#view-kind').value = kind; $('#view-id').value = id;
  const u = new URL(location.href);
  u.searchParams.set('kind', kind); u.searchParams.set('id', id);
  history.replaceState(null, '', u.pathname + u.search);
  try {
    st.view = await api('/v1/links?' + new URLSearchParams({ [kind]: id }));
    $('#view-status').textContent = '';
  } catch (e) {
    st.view = null;
    $('#view-status').replaceChildren(problem(e, t('links.view.failed')));
  }
  renderView();
}

function renderView() {
  const v = st.view;
  const box = $('#view-box');
  if (!v) { box.replaceChildren(); delete document.body.dataset.view; return; }
  const head = h('p', { id: 'view-head' }, t('links.view.head', { kind: kindName(v.kind), id: v.id, n: v.identifiers.length }), ' ', actionBadge(v.ban),
    v.raw_values ? '' : h('span', { class: 'muted' }, ' ' + t('links.view.hashed')));
  const ids = v.identifiers.length ? h('table', { id: 'identifiers' },
    h('thead', {}, h('tr', {}, ['links.col.kind', 'links.col.identifier', 'links.col.mentions', 'links.col.last']
      .map((k, i) => h('th', { scope: 'col', class: i === 2 ? 'num' : '' }, t(k))))),
    h('tbody', {}, v.identifiers.map((x) => h('tr', { 'data-hash': x.hash },
      h('td', {}, t('links.idkind.' + x.kind)), h('td', {}, shown(x)), h('td', { class: 'num' }, x.mentions), h('td', {}, where(x.last))))))
    : h('p', { class: 'muted' }, t('links.view.noIdentifiers'));
  const linked = v.linked.length ? h('table', { id: 'linked' },
    h('thead', {}, h('tr', {}, ['links.kind', 'links.id', 'links.col.strength', 'links.col.shared', 'links.col.do']
      .map((k, i) => h('th', { scope: 'col', class: i === 2 ? 'num' : '' }, t(k))))),
    h('tbody', {}, v.linked.map((l) => h('tr', { 'data-id': l.id, 'data-kind': l.kind, 'data-strength': l.strength },
      h('td', {}, kindName(l.kind)),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => showLinks(l.kind, l.id) }, l.id), ' ', actionBadge(l.ban)),
      h('td', { class: 'num ln-strength' }, Math.round(l.strength * 100) + '%'),
      h('td', {}, h('ul', {}, l.shared.map((s) => h('li', { 'data-hash': s.hash }, t('links.idkind.' + s.kind), ' ', shown(s), ' — ',
        t('links.view.theirs', { n: s.theirs.mentions, where: where(s.theirs.last) }))))),
      h('td', {}, l.shared.map((s) => h('button', { type: 'button', class: 'benign', 'data-hash': s.hash, onclick: () => markBenign({ hash: s.hash }) },
        t('links.benign.mark'))))))))
    : h('p', { class: 'muted' }, t('links.view.none'));
  box.replaceChildren(head, h('h3', {}, t('links.view.identifiers')), ids, h('h3', {}, t('links.view.linked')), linked);
  document.body.dataset.view = v.kind + ':' + v.id;
}

async function loadBenign() {
  try {
    st.benign = (await api('/v1/links/benign')).benign;
  } catch (e) {
    st.benign = null;
    $('#benign-status').replaceChildren(problem(e, t('links.benign.failed')));
  }
  renderBenign();
}

function renderBenign() {
  const box = $('#benign-box');
  if (!st.benign) { box.replaceChildren(); return; }
  if (!st.benign.length) { box.replaceChildren(h('p', { class: 'muted' }, t('links.benign.empty'))); return; }
  box.replaceChildren(h('table', { id: 'benign' },
    h('thead', {}, h('tr', {}, ['links.col.identifier', 'links.benign.note', 'links.by', 'links.at', 'links.col.do'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, st.benign.map((b) => h('tr', { 'data-hash': b.hash },
      h('td', { class: 'ln-hash', title: b.hash }, b.hash.slice(0, 12) + '…'), h('td', {}, b.note || ''), h('td', {}, b.by), h('td', {}, fmtTime(b.at)),
      h('td', {}, h('button', { type: 'button', class: 'unmark', onclick: () => unmark(b.hash) }, t('links.benign.unmark'))))))));
}

async function markBenign(body) {
  try {
    await postJSON('/v1/links/benign', body);
    $('#benign-status').textContent = t('links.benign.marked');
  } catch (e) {
    $('#benign-status').replaceChildren(problem(e, t('links.benign.failed')));
  }
  await loadBenign();
  if (st.view) await showLinks(st.kind, st.id);
}

async function unmark(hash) {
  try { await del('/v1/links/benign?' + new URLSearchParams({ hash })); } catch (e) {
    $('#benign-status').replaceChildren(problem(e, t('links.benign.failed')));
  }
  await loadBenign();
  if (st.view) await showLinks(st.kind, st.id);
}

// The shared sign-in gate (signin.js) with this page's role and content.
const gate = (open) => gateToken(st, { role: 'compliance', content: '#links', open, onOpen: openPage });
const showWho = (open) => whoIs(st.who, open);

async function openPage() {
  $('#signin-slot').replaceChildren();
  $('#links').hidden = false;
  await Promise.all([loadBans(), loadBenign()]);
  if (st.id) await showLinks(st.kind, st.id);
  document.body.dataset.ready = 'true';
}

async function start() {
  mountShell({ brand: 'common.brand.links', current: 'links' });
  try { st.who = await takeTokenFromURL(); } catch (e) { st.signInError = e; }
  if (!st.who) st.who = await session().catch(() => null);
  const open = await tokensOptional();
  $('#signout').addEventListener('click', async () => { await signOut().catch(() => {}); st.who = null; gate(open); });
  $('#ban-form').addEventListener('submit', addBan);
  $('#view-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    showLinks(f.get('kind'), f.get('id'));
  });
  $('#benign-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    markBenign({ value: f.get('value'), note: f.get('note') }).then(() => ev.target.reset());
  });
  onChange(() => { showWho(open); renderBans(); renderView(); renderBenign(); });
  if (!st.who && !open) { gate(open); return; }
  showWho(open);
  await openPage();
}

start().catch((e) => { $('#main').append(problem(e, t('links.failed'))); });
