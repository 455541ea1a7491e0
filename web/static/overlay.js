// overlay.js: one room's reminders and escalations for an OBS browser source.
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
import { load, t, termLabel } from './i18n.js';
import { appealCard } from './overlay-appeal.js';

await load('overlay', 'appeal');

// ?hold=MS sets how long a reminder stays (1 to 60 s; default 8 s).
const hold = parseInt(new URLSearchParams(location.search).get('hold') || '', 10);
const SHOW_MS = hold >= 1000 && hold <= 60000 ? hold : 8000;
const MAX_CARDS = 3;
const box = document.getElementById('reminders');
const room = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');

// trim keeps at most MAX_CARDS cards: the oldest reminder goes first, so
// an escalation stays up while reminders come and go under it.
function trim() {
  while (box.children.length > MAX_CARDS) (box.querySelector('.reminder') || box.firstElementChild).remove();
}

// card draws one card and fades it after ms.
function card(className, labelText, text, ms) {
  const el = document.createElement('div');
  el.className = className;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = labelText;
  el.append(label, document.createTextNode(text));
  box.append(el);
  trim();
  setTimeout(() => {
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 900);
  }, ms);
  return el;
}

// escalate draws an escalation: the anchor kept on after reminders, and
// staff were told (level staff) or the platform was told it may stop the
// stream (stop_suggested). It is drawn in the strongest style and stays
// twice as long as a reminder; earshot never stops a stream itself.
function escalate(e) {
  if (e.room !== room) return;
  const level = e.level === 'stop_suggested' ? 'stop_suggested' : 'staff';
  const el = card('escalation level-' + level + (e.severity ? ' sev-' + e.severity : ''),
    t('overlay.escalation.' + level, { n: e.count | 0 }), e.text || e.rule_id || '', SHOW_MS * 2);
  el.dataset.escalation = e.id || '';
  el.dataset.level = level;
  el.dataset.rule = e.rule_id || '';
}

// categoryLabel names the reminder's category in the anchor's language
// ("医疗宣称", "Medical claim"): the feed adds the lexicon's names
// (server/events.go); a category it does not know shows as its id.
const categoryLabel = (r) => termLabel({ id: (r.category || '').replace(/-/g, ' '), label: r.category_label, label_zh: r.category_label_zh });

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
  label.textContent = categoryLabel(r) + (repeat > 1 ? ' · ' + t('overlay.repeat', { n: repeat }) : '');
  card.append(label, document.createTextNode(r.text || r.rule_id || ''));
  box.append(card);
  trim();
  setTimeout(() => {
    card.classList.add('leaving');
    setTimeout(() => card.remove(), 900);
  }, SHOW_MS + (repeat - 1) * 2000);
}

// appeal shows an appeal of the room's alert, filed or decided, a little
// longer than a reminder: the outcome is news the anchor waited for.
function appeal(ap) {
  const card = appealCard(ap, room);
  if (!card) return;
  box.append(card);
  trim();
  setTimeout(() => {
    card.classList.add('leaving');
    setTimeout(() => card.remove(), 900);
  }, SHOW_MS * 2);
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
  // One handler per event of the room's feed (server/events.go roomFeeds):
  // a new kind of event is one more entry.
  const handlers = { reminder: show, escalation: escalate, appeal };
  feed(path, handlers, (state, detail) => {
    document.body.dataset.state = state;
    if (state === 'denied') deny(detail);
    else if (state === 'reconnecting') console.warn('earshot overlay: reconnecting' + (detail ? ': ' + detail : ''));
  });
}

start();
