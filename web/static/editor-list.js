// editor-list.js: the draft's rules as a list beside the YAML, with a
// search box and filters (category, severity, language, pattern kind),
// each rule marked when the draft adds or changes it against the live
// version.
import { h, select } from './dom.js';
import { t, termLabel } from './i18n.js';

const kindOf = (p) => (p.Digits > 0 ? 'digits' : p.Contact ? 'contact' : 'phrase');

// matches: a rule passes the filters f ({q, category, severity, language,
// kind}). A rule with no languages applies to every language.
export function matches(r, f) {
  if (f.category && r.Category !== f.category) return false;
  if (f.severity && r.Severity !== f.severity) return false;
  if (f.language && (r.Languages || []).length && !r.Languages.includes(f.language)) return false;
  if (f.kind && !(r.Patterns || []).some((p) => kindOf(p) === f.kind)) return false;
  const q = (f.q || '').trim().toLowerCase();
  if (!q) return true;
  const text = [r.ID, r.Description, r.Reminder, r.Policy, ...(r.Allow || []),
    ...(r.Patterns || []).map((p) => p.Phrase || p.Contact || (p.Digits ? 'digits ' + p.Digits : '')),
    ...(r.Exceptions || []).map((x) => x.Phrase)].join('\n').toLowerCase();
  return text.includes(q);
}

// filterBar is the search box and the four filters; onChange gets the
// filters whenever one changes.
export function filterBar(schema, f, onChange) {
  const form = h('form', { class: 'filters stacked', role: 'search', 'aria-label': t('editor.list.filters'), onsubmit: (e) => e.preventDefault() },
    h('label', { for: 'rule-search' }, t('editor.list.search')),
    h('input', { id: 'rule-search', name: 'q', type: 'search', value: f.q || '', placeholder: t('editor.list.searchHint') }),
    select('f-category', t('editor.list.category'), schema.categories, f.category),
    select('f-severity', t('editor.list.severity'), schema.severities, f.severity),
    select('f-language', t('editor.list.language'), schema.languages, f.language),
    select('f-kind', t('editor.list.kind'), schema.pattern_kinds, f.kind));
  const read = () => {
    const e = form.elements;
    onChange({ q: e.q.value, category: e['f-category'].value, severity: e['f-severity'].value, language: e['f-language'].value, kind: e['f-kind'].value });
  };
  form.addEventListener('input', read);
  form.addEventListener('change', read);
  return form;
}

// ruleList lists rules passing f; selected is the rule in the form, diff
// the draft's diff against live (added and changed rules are marked).
export function ruleList(schema, rules, f, selected, diff, onPick) {
  const label = (list, id) => termLabel(list.find((x) => x.id === id)) || id;
  const added = new Set(((diff && diff.added) || []).map((x) => x.id));
  const changed = new Set(((diff && diff.changed) || []).map((x) => x.id));
  const shown = rules.filter((r) => matches(r, f));
  const items = shown.map((r) => {
    const mark = added.has(r.ID) ? 'added' : changed.has(r.ID) ? 'changed' : '';
    return h('li', { 'data-rule': r.ID, class: mark },
      h('button', { type: 'button', class: 'rule-item', 'aria-current': r.ID === selected ? 'true' : null, onclick: () => onPick(r.ID) },
        h('span', { class: 'rid' }, r.ID),
        mark ? h('span', { class: 'mark ' + mark, title: t('editor.list.' + mark) }, mark === 'added' ? '+' : '~') : null,
        h('span', { class: 'badge severity-' + r.Severity }, label(schema.severities, r.Severity)),
        h('span', { class: 'muted small meta' }, label(schema.categories, r.Category), ' · ',
          t('editor.list.patterns', { n: (r.Patterns || []).length }),
          (r.Languages || []).length ? ' · ' + r.Languages.map((l) => label(schema.languages, l)).join(', ') : '')));
  });
  return [
    h('p', { class: 'muted small', id: 'rule-count', role: 'status' }, t('editor.list.count', { n: shown.length, total: rules.length })),
    h('ul', { id: 'rule-list', class: 'rule-list' }, items),
  ];
}
