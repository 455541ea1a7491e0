// alertcase.js: the alert page's Case card: the case the alert is in
// (GET /v1/alerts/{id}/case), with a link to it, and the alert's appeal.
import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export function caseCard(a) {
  const body = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  api('/v1/alerts/' + encodeURIComponent(a.id) + '/case').then((c) => {
    const i = c.hits.findIndex((x) => x.alert_id === a.id);
    const hit = c.hits[i];
    body.replaceChildren(
      h('p', {}, t('cases.alertCard.of', { n: i + 1, who: c.anchor || c.room, hits: t('cases.case.hits', { n: c.hits.length }),
        state: t('cases.state.' + c.state) }), ' ', h('a', { href: '#/case/' + encodeURIComponent(c.id), id: 'alert-case' }, t('cases.alertCard.open'))),
      ...(hit && hit.appeal ? [h('p', { id: 'alert-appeal', 'data-state': hit.appeal.state },
        t('cases.alertCard.appeal', { state: t('cases.appeal.' + hit.appeal.state), reason: hit.appeal.reason }))] : [])); // replaceChildren(null) writes "null"
  }).catch(() => body.replaceChildren(h('p', { class: 'muted' }, t('cases.alertCard.none'))));
  return h('section', { class: 'card', 'aria-labelledby': 'case-card-h', id: 'case-card' },
    h('h2', { id: 'case-card-h' }, t('cases.alertCard.title')), body);
}
