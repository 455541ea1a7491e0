// overlay-appeal.js: the overlay's card for an appeal of the room's
// alert: received, then upheld or overturned (the outcome the anchor
// waits for). Text from the server is never parsed as HTML.
import { t } from './i18n.js';

// appealCard returns the card for appeal event ap, or null.
export function appealCard(ap, room) {
  if (!ap || ap.room !== room || !['pending', 'upheld', 'overturned'].includes(ap.state)) return null;
  const card = document.createElement('div');
  card.className = 'reminder appeal appeal-' + ap.state;
  card.dataset.alert = ap.alert_id || '';
  card.dataset.appeal = ap.state;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = t('appeal.label');
  card.append(label, document.createTextNode(t('appeal.' + ap.state)));
  if (ap.note && ap.state !== 'pending') {
    const note = document.createElement('span');
    note.className = 'note';
    note.textContent = ap.note;
    card.append(note);
  }
  return card;
}
