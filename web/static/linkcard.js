// linkcard.js: on the alert page of a returning-violator alert, the banned
// or flagged accounts the sentence links to, each with the earlier
// mention's room, time, sentence and clip beside this alert's own (the
// page's facts and evidence above). A link is a suggestion, never a
// verdict: the card says so and sends the reviewer to the links view.
import { h, fmtTime, fmtMs } from './dom.js';
import { load, t } from './i18n.js';

await load('links');

export function linksCard(a) {
  if (!a.links || !a.links.length) return null;
  return h('section', { 'aria-labelledby': 'links-h', class: 'card', id: 'alert-links' },
    h('h2', { id: 'links-h' }, t('links.card.title')),
    h('p', { class: 'muted' }, t('links.card.suggestion')),
    h('ul', {}, a.links.map((l) => {
      const e = l.earlier;
      return h('li', { 'data-account': l.account_kind + ':' + l.account_id },
        h('strong', {}, t('links.card.account', { action: t('links.action.' + l.action), kind: t('links.kind.' + l.account_kind), id: l.account_id })),
        ' — ', t('links.card.reason', { reason: l.reason, by: l.by, at: fmtTime(l.banned_at) }),
        h('div', {}, t('links.card.shared', { kind: t('links.idkind.' + l.identifier_kind), n: l.mentions })),
        h('div', { class: 'earlier' }, t('links.card.earlier', { room: e.room, at: fmtTime(e.at), from: fmtMs(e.start_ms), to: fmtMs(e.end_ms) }),
          e.text ? h('blockquote', { class: 'context' }, e.text) : null,
          e.clip_url ? h('audio', { controls: true, preload: 'none', src: e.clip_url }) : null,
          e.alert_id ? h('a', { href: '#/alert/' + encodeURIComponent(e.alert_id) }, t('links.card.earlierAlert')) : null),
        h('p', {}, h('a', { href: '/links?' + new URLSearchParams({ kind: a.anchor ? 'anchor' : 'merchant', id: a.anchor || a.merchant }) }, t('links.card.open'))));
    })));
}
