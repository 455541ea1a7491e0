// console.js: the compliance console's router. Each view renders into
// <main> and returns a function that stops its feeds and timers.
import { takeTokenFromURL, token, setToken } from './api.js';
import { h, setConn } from './dom.js';
import { alertsView } from './alerts.js';
import { alertView } from './alert.js';
import { searchView } from './search.js';
import { timelineView } from './timeline.js';
import { roomsView } from './rooms.js';

const views = { alerts: alertsView, alert: alertView, search: searchView, timeline: timelineView, rooms: roomsView };
let stop = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'alerts';
  const [path, query = ''] = hash.split('?');
  const [name, ...args] = path.split('/').map(decodeURIComponent);
  return { name: views[name] ? name : 'alerts', args, params: new URLSearchParams(query) };
}

function render() {
  if (stop) { stop(); stop = null; }
  setConn('idle');
  const main = document.getElementById('main');
  main.replaceChildren();
  if (!token()) { main.append(tokenForm()); return; }
  const r = route();
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === (r.name === 'alert' ? 'alerts' : r.name === 'timeline' ? 'search' : r.name)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  stop = views[r.name](main, r.args, r.params) || null;
}

function tokenForm() {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 40 });
  return h('section', { class: 'card narrow', 'aria-labelledby': 'token-h' },
    h('h1', { id: 'token-h' }, 'Sign in'),
    h('p', {}, 'The console needs a compliance token. Open the URL that ', h('code', {}, 'earshot serve'),
      ' prints, or make a token with ', h('code', {}, 'earshot token --role compliance'), ' and paste it here.'),
    h('form', { onsubmit: (e) => { e.preventDefault(); setToken(input.value.trim()); render(); } },
      h('label', { for: 'token' }, 'Compliance token'), input,
      h('button', { type: 'submit' }, 'Open console')));
}

function setupReviewer() {
  const input = document.getElementById('reviewer');
  input.value = localStorage.getItem('earshot.reviewer') || '';
  input.addEventListener('change', () => localStorage.setItem('earshot.reviewer', input.value.trim()));
}

takeTokenFromURL();
setupReviewer();
window.addEventListener('hashchange', render);
render();
