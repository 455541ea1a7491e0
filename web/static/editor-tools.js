// editor-tools.js: what the editor shows about a draft: its diff against
// the live version, a sentence tested against it, a backtest over stored
// transcripts whose changed utterances link to the console's timeline, and
// the published versions.
import { h, fmtTime, fmtMs } from './dom.js';
import { t, termLabel } from './i18n.js';

// diffView renders api.LexiconDiff: added, removed and changed rules, each
// changed field with its old and new value (list fields: one entry per
// added or removed item), and lexicon-level fields.
export function diffView(d, schema) {
  if (!d) return h('p', { class: 'muted' }, t('editor.diff.none'));
  const cat = (id) => termLabel(schema.categories.find((c) => c.id === id)) || id;
  const fields = (fs) => h('ul', { class: 'fields' }, fs.map((f) => h('li', { 'data-field': f.field },
    h('code', {}, f.field), ': ',
    f.old ? h('del', {}, f.old) : null, f.old && f.new ? ' → ' : null, f.new ? h('ins', {}, f.new) : null)));
  const empty = !d.added.length && !d.removed.length && !d.changed.length && !(d.fields || []).length;
  return h('div', { class: 'diff' },
    h('p', { class: 'summary', role: 'status' }, empty ? t('editor.diff.same')
      : t('editor.diff.summary', { added: d.added.length, removed: d.removed.length, changed: d.changed.length })),
    (d.fields || []).length ? h('div', { class: 'lexicon-fields' }, h('h3', {}, t('editor.diff.lexicon')), fields(d.fields)) : null,
    h('ul', { class: 'rules' },
      d.added.map((r) => h('li', { class: 'added', 'data-rule': r.id }, h('span', { class: 'sign' }, '+'), ' ', h('strong', {}, r.id), ' ', h('span', { class: 'muted' }, cat(r.category)), ' ', t('editor.diff.added'))),
      d.removed.map((r) => h('li', { class: 'removed', 'data-rule': r.id }, h('span', { class: 'sign' }, '−'), ' ', h('strong', {}, r.id), ' ', h('span', { class: 'muted' }, cat(r.category)), ' ', t('editor.diff.removed'))),
      d.changed.map((r) => h('li', { class: 'changed', 'data-rule': r.id }, h('span', { class: 'sign' }, '~'), ' ', h('strong', {}, r.id), ' ', h('span', { class: 'muted' }, cat(r.category)), fields(r.fields)))));
}

// testView renders api.TestResult: the rules that fire, then the
// candidates that did not and why.
export function testView(r, schema) {
  const sev = (id) => h('span', { class: 'badge severity-' + id }, termLabel(schema.severities.find((s) => s.id === id)) || id);
  const ul = h('ul', { class: 'hits' });
  if (!r.hits.length) ul.append(h('li', { class: 'none' }, t('editor.test.none')));
  for (const x of r.hits) {
    ul.append(h('li', { class: 'hit', 'data-rule': x.rule_id }, sev(x.severity), ' ',
      t('editor.test.fires', { rule: x.rule_id, matched: x.matched_text, via: x.via })));
  }
  for (const x of r.explanation.filter((e) => !e.fired)) {
    ul.append(h('li', { class: 'miss', 'data-rule': x.rule_id },
      t('editor.test.miss', { rule: x.rule_id, pattern: x.pattern, why: x.cancelled || t('editor.test.other') })));
  }
  return ul;
}

// timelineHref is the console's view of one stored utterance: its room's
// transcript around it, the utterance focused and its match marked.
export const timelineHref = (e) => '/#/timeline/' + encodeURIComponent(e.room) + '?' +
  new URLSearchParams({ at: e.at, id: e.record_id, mark: e.matched_text || '' });

// backtestView renders api.BacktestReport: totals, then each rule whose
// hits change with the utterances gained or lost, each a link; a rule's
// name opens it in the form (onPick).
export function backtestView(b, schema, onPick) {
  const cat = (id) => termLabel(schema.categories.find((c) => c.id === id)) || id;
  const rows = b.rules.filter((x) => x.gained + x.lost > 0);
  const table = h('table', { id: 'bt-table' },
    h('caption', {}, t('editor.bt.caption', { n: b.utterances, live: b.live_hits, draft: b.draft_hits, gained: b.gained, lost: b.lost, rate: Math.round(b.utterances_per_second) })),
    h('thead', {}, h('tr', {}, ['rule', 'category', 'gained', 'lost', 'examples'].map((c) => h('th', { scope: 'col' }, t('editor.bt.' + c))))),
    h('tbody', {}, rows.map((rd) => h('tr', { 'data-rule': rd.rule_id },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => onPick(rd.rule_id) }, rd.rule_id)), h('td', {}, cat(rd.category)),
      h('td', { class: 'gained' }, '+' + rd.gained), h('td', { class: 'lost' }, '−' + rd.lost),
      h('td', {}, h('ul', { class: 'examples' }, (rd.examples || []).map((e) => h('li', { class: e.change },
        h('a', { href: timelineHref(e), 'data-record': e.record_id, title: t('editor.bt.open') },
          h('span', { class: 'sign' }, e.change === 'lost' ? '−' : '+'), ' ', e.text),
        h('span', { class: 'muted small' }, ' ', e.room, ' · ', fmtTime(e.at), ' · ', fmtMs(e.start_ms))))))))));
  const parts = [table];
  if (!rows.length) parts.push(h('p', { class: 'muted' }, t('editor.bt.same')));
  if (b.partial) parts.push(h('p', { class: 'problem-text', id: 'bt-partial' }, t('editor.bt.partial', { nodes: (b.missing_nodes || []).join(', ') })));
  if (b.truncated) parts.push(h('p', { class: 'problem-text' }, t('editor.bt.truncated')));
  if (b.dispositions && b.dispositions.available) {
    parts.push(h('p', {}, t('editor.bt.reviewed', { lost: b.dispositions.confirmed_lost, raised: b.dispositions.dismissed_still_raised })));
  }
  return parts;
}

// versionsView lists the published versions, newest first, each with a
// roll-back button (none when onRollback is null: a read-only session).
export function versionsView(versions, live, onRollback) {
  return h('table', { id: 'versions' },
    h('thead', {}, h('tr', {}, ['version', 'published', 'author', 'message', 'changes', ''].map((c) => h('th', { scope: 'col' }, c ? t('editor.versions.' + c) : '')))),
    h('tbody', {}, versions.slice().reverse().map((v) => h('tr', { 'data-version': v.version, class: v.version === live ? 'live' : '' },
      h('td', {}, String(v.version), v.version === live ? h('span', { class: 'badge state-live' }, t('editor.versions.live')) : null),
      h('td', {}, fmtTime(v.published_at)), h('td', {}, v.author), h('td', {}, v.message),
      h('td', {}, '+' + v.added + ' −' + v.removed + ' ~' + v.changed),
      h('td', {}, v.version === live || !onRollback ? null : h('button', { type: 'button', class: 'quiet', onclick: () => onRollback(v.version) }, t('editor.versions.rollback')))))));
}
