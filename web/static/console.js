// console.js: the compliance console's router. Each view renders into
// <main> and returns a function that stops its feeds and timers.
import { takeTokenFromURL, session, signIn, signOut, tokensOptional } from './api.js';
import { h, setConn } from './dom.js';
import { alertsView } from './alerts.js';
import { alertView } from './alert.js';
import { escalationsView } from './escalations.js';
import { searchView } from './search.js';
import { timelineView } from './timeline.js';
import { roomsView } from './rooms.js';
import { casesView } from './cases.js';
import { caseView } from './case.js';
import { appealsView } from './appeals.js';
import { load, t, parts, onChange } from './i18n.js';
import { mountShell, setCurrent } from './shell.js';
import { roleName } from './signin.js';

await load('common', 'console', 'cases');

const views = { cases: casesView, case: caseView, appeals: appealsView, alerts: alertsView, alert: alertView, escalations: escalationsView, search: searchView, timeline: timelineView, rooms: roomsView };
let stop = null;
// who is the signed-in session; open: the server requires no tokens.
let who = null;
let open = false;
let signInError = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'cases';
  const [path, query = ''] = hash.split('?');
  const [name, ...args] = path.split('/').map(decodeURIComponent);
  return { name: views[name] ? name : 'cases', args, params: new URLSearchParams(query) };
}

function render() {
  if (stop) { stop(); stop = null; }
  setConn('idle');
  // Each view draws into a container of its own: a view's answer that
  // arrives after the user moved on (a slow fetch) lands in a detached
  // element instead of over the next view.
  const view = h('div', { class: 'view' });
  document.getElementById('main').replaceChildren(view);
  showWho();
  if (!who && !open) { view.append(tokenForm()); return; }
  const r = route();
  setCurrent({ alert: 'alerts', timeline: 'search', case: 'cases' }[r.name] || r.name);
  stop = views[r.name](view, r.args, r.params) || null;
}

function showWho() {
  const el = document.getElementById('whoami');
  const out = document.getElementById('signout');
  el.textContent = who ? who.subject + ' (' + roleName(who.role) + ')' : open ? t('common.who.none') : '';
  el.dataset.subject = who ? who.subject : '';
  out.hidden = !who;
  document.getElementById('insecure').hidden = !open;
}

function tokenForm() {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 40 });
  const err = h('p', { class: 'problem', role: 'alert' }, signInError ? t('common.signin.rejected', { why: signInError.message }) : '');
  err.hidden = !signInError;
  const role = t('common.role.compliance');
  return h('section', { class: 'card narrow', 'aria-labelledby': 'token-h' },
    h('h1', { id: 'token-h' }, t('common.signin.title')),
    h('p', {}, parts('common.signin.lead', { role, serve: h('code', {}, 'earshot serve'),
      cmd: h('code', {}, 'earshot token --role compliance --subject YOUR-NAME') })),
    err,
    h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try { who = await signIn(input.value.trim()); signInError = null; } catch (x) { signInError = x; }
      render();
    } },
    h('label', { for: 'token' }, t('common.signin.label', { role })), input,
    h('button', { type: 'submit' }, t('console.signin.submit'))));
}

async function start() {
  mountShell({ brand: 'common.brand.console' });
  try { who = await takeTokenFromURL(); } catch (e) { signInError = e; }
  if (!who) who = await session().catch(() => null);
  open = await tokensOptional();
  document.getElementById('signout').addEventListener('click', async () => {
    await signOut().catch(() => {});
    who = null;
    render();
  });
  window.addEventListener('hashchange', render);
  // A view's text is built with t(): switching the language redraws it.
  onChange(render);
  render();
}

start();
