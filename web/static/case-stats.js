// case-stats.js: decision time per category under the case queue (GET
// /v1/cases/stats): how many cases are open and decided, and how long a
// decision took from the first hit (median, p90, longest).
import { api } from './api.js';
import { h, problem } from './dom.js';
import { t } from './i18n.js';

const COLS = ['category', 'open', 'confirmed', 'dismissed', 'p50', 'p90', 'max'];

// statsSection returns the section (el) and refresh, which reads the
// figures again: the queue calls it whenever it reloads (a decision, a
// new alert, its poll), and never waits for it. label and fmtWait are the
// queue's (cases.js), passed in so that the two modules do not import each
// other.
export function statsSection({ label, fmtWait }) {
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', role: 'status' }, t('cases.stats.loading'));
  const sec = h('section', { class: 'case-stats', id: 'case-stats', 'aria-labelledby': 'case-stats-h' },
    h('h2', { id: 'case-stats-h' }, t('cases.stats.title')),
    h('p', { class: 'muted small' }, t('cases.stats.lead')),
    h('table', { class: 'stats' },
      h('thead', {}, h('tr', {}, COLS.map((c) => h('th', { scope: 'col' }, t('cases.stats.col.' + c))))),
      tbody),
    status);
  const refresh = () => api('/v1/cases/stats').then((body) => {
    const cats = body.categories || [];
    tbody.replaceChildren(...cats.map((c) => {
      const decided = c.confirmed + c.dismissed > 0;
      const time = (s) => (decided ? fmtWait(s) : '—');
      return h('tr', { 'data-category': c.category },
        h('td', {}, label('category', c.category)),
        h('td', { class: 'num' }, String(c.open)),
        h('td', { class: 'num' }, String(c.confirmed)),
        h('td', { class: 'num' }, String(c.dismissed)),
        h('td', { class: 'num p50' }, time(c.p50_seconds)),
        h('td', { class: 'num' }, time(c.p90_seconds)),
        h('td', { class: 'num' }, time(c.max_seconds)));
    }));
    status.replaceChildren();
    status.textContent = cats.length ? '' : t('cases.stats.empty');
  }).catch((e) => status.replaceChildren(problem(e, t('cases.stats.failed'))));
  return { el: sec, refresh };
}
