// overlay.js: one room's reminders for an OBS browser source.
// URL: /overlay/{room}#token=ROOM_TOKEN (the fragment never reaches a
// server or a log; /overlay/{room}?token= of older URLs works too). The page
// signs in with it (an HttpOnly cookie scoped to the room's feed) and drops
// it from the address bar. A rejected token draws nothing and says why on
// the console; network drops reconnect by themselves.
//
// Its few words follow ?lang=zh-CN or ?lang=en, else the browser running
// it (OBS's is English), see i18n.js; it draws no language switch, since
// anything drawn shows on the stream.
import { feed, takeTokenFromURL } from './api.js';
import { load, t } from './i18n.js';

await load('overlay');

// ?hold=MS sets how long a reminder stays (1 to 60 s; default 8 s).
const hold = parseInt(new URLSearchParams(location.search).get('hold') || '', 10);
const SHOW_MS = hold >= 1000 && hold <= 60000 ? hold : 8000;
const MAX_CARDS = 3;
const box = document.getElementById('reminders');
const room = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');

function show(r) {
  if (r.room !== room) return; // the server filters too; never draw another room
  const repeat = Math.max(1, r.repeat | 0);
  const card = document.createElement('div');
  // Every rule has one of the lexicon's severities (overlay.css colours
  // each); the page keeps no list of them.
  card.className = 'reminder' + (r.severity ? ' sev-' + r.severity : '') + (repeat > 1 ? ' escalated' : '') + (repeat > 2 ? ' escalated-2' : '');
  card.dataset.alert = r.alert_id || '';
  card.dataset.rule = r.rule_id || '';
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = (r.category || '').replace(/-/g, ' ') + (repeat > 1 ? ' · ' + t('overlay.repeat', { n: repeat }) : '');
  card.append(label, document.createTextNode(r.text || r.rule_id || ''));
  box.append(card);
  while (box.children.length > MAX_CARDS) box.firstElementChild.remove();
  setTimeout(() => {
    card.classList.add('leaving');
    setTimeout(() => card.remove(), 900);
  }, SHOW_MS + (repeat - 1) * 2000);
}

const deny = (why) => {
  console.error('earshot overlay: token rejected for room ' + room + ': ' + why);
  document.body.dataset.state = 'denied';
};

async function start() {
  if (!room) {
    console.error('earshot overlay: the URL needs a room and a token: /overlay/ROOM#token=TOKEN (earshot token --room ROOM)');
    document.body.dataset.state = 'denied';
    return;
  }
  try {
    const s = await takeTokenFromURL();
    if (s && s.role === 'anchor' && s.room !== room) { deny('it is the token of room ' + s.room); return; }
  } catch (e) {
    deny(e.message);
    return;
  }
  // Without a token in the URL the cookie of an earlier visit signs in;
  // the feed says so if there is none.
  const path = '/v1/events/rooms/' + encodeURIComponent(room) + '/reminders';
  feed(path, { reminder: show }, (state, detail) => {
    document.body.dataset.state = state;
    if (state === 'denied') deny(detail);
    else if (state === 'reconnecting') console.warn('earshot overlay: reconnecting' + (detail ? ': ' + detail : ''));
  });
}

start();
