// editor-form.js: one rule as a form, every field of the lexicon format:
// id, category, severity, languages, description, patterns (phrase with
// slop, fuzzy and adjacency guards; digit run; contact handle), exceptions
// (window, slop, fuzzy), the rule's allow list, the switches
// (short_latin_guard, romanized, typed), reminder, policy and cooldown.
// The choices come from the server's schema; the form reads back into the
// model editor-yaml.js writes.
import { h } from './dom.js';
import { t, termLabel } from './i18n.js';

const options = (terms, current) => terms.map((x) => h('option', { value: x.id, selected: x.id === current, title: x.description || null }, termLabel(x)));
// tri is an optional switch: unset (the format's default), on or off.
const tri = (name, value, id) => h('select', { name, id },
  h('option', { value: '', selected: value == null }, t('editor.form.default')),
  h('option', { value: 'true', selected: value === true }, t('editor.form.on')),
  h('option', { value: 'false', selected: value === false }, t('editor.form.off')));
const readTri = (v) => (v === 'true' ? true : v === 'false' ? false : null);
const readInt = (v) => (String(v).trim() === '' ? null : Number(v));
// Phrase lists in one input are separated by "|", as in the CSV import.
const readList = (v) => String(v || '').split('|').map((s) => s.trim()).filter(Boolean);
const readLines = (v) => String(v || '').split('\n').map((s) => s.trim()).filter(Boolean);
let uid = 0;
const field = (label, input, hint) => {
  const id = input.id || (input.id = 'f' + ++uid);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null);
};

function patternRow(schema, p) {
  const kind = h('select', { name: 'kind', 'aria-label': t('editor.form.kind') }, options(schema.pattern_kinds, p.kind));
  const row = h('fieldset', { class: 'row pattern', 'data-kind': p.kind },
    h('legend', { class: 'sr-only' }, t('editor.form.pattern')),
    field(t('editor.form.kind'), kind),
    h('div', { class: 'when-phrase' },
      field(t('editor.form.phrase'), h('input', { name: 'phrase', value: p.phrase, size: 24 })),
      field(t('editor.form.slop'), h('input', { name: 'slop', type: 'number', min: 0, max: 10, value: p.slop ?? '', placeholder: t('editor.form.default'), class: 'num' })),
      field(t('editor.form.fuzzy'), tri('fuzzy', p.fuzzy)),
      field(t('editor.form.notFollowedBy'), h('input', { name: 'not_followed_by', value: p.not_followed_by.join(' | '), placeholder: 'a | b' })),
      field(t('editor.form.notPrecededBy'), h('input', { name: 'not_preceded_by', value: p.not_preceded_by.join(' | '), placeholder: 'a | b' })),
      field(t('editor.form.notInside'), h('input', { name: 'not_inside', value: p.not_inside.join(' | '), placeholder: 'a | b' }))),
    h('div', { class: 'when-digits' },
      field(t('editor.form.digits'), h('input', { name: 'digits', type: 'number', min: 3, max: 30, value: p.digits || 6, class: 'num' }))),
    h('div', { class: 'when-contact' },
      field(t('editor.form.contact'), h('select', { name: 'contact' }, options(schema.contact_kinds || [], p.contact)))),
    h('button', { type: 'button', class: 'quiet remove', onclick: () => row.remove() }, t('editor.form.remove')));
  kind.addEventListener('change', () => { row.dataset.kind = kind.value; });
  return row;
}

function exceptionRow(x) {
  const row = h('fieldset', { class: 'row exception' },
    h('legend', { class: 'sr-only' }, t('editor.form.exception')),
    field(t('editor.form.phrase'), h('input', { name: 'phrase', value: x.phrase, size: 24 })),
    field(t('editor.form.window'), h('input', { name: 'window', type: 'number', min: 0, max: 50, value: x.window ?? '', placeholder: t('editor.form.default'), class: 'num' })),
    field(t('editor.form.slop'), h('input', { name: 'slop', type: 'number', min: 0, max: 10, value: x.slop ?? '', placeholder: t('editor.form.default'), class: 'num' })),
    field(t('editor.form.fuzzy'), tri('fuzzy', x.fuzzy)),
    h('button', { type: 'button', class: 'quiet remove', onclick: () => row.remove() }, t('editor.form.remove')));
  return row;
}

export const blankPattern = () => ({ kind: 'phrase', phrase: '', digits: '', contact: '', slop: null, fuzzy: null, not_followed_by: [], not_preceded_by: [], not_inside: [] });

// blankRule is a new rule: the first category and the middle severity (the
// list goes from the least to the most severe).
export function blankRule(schema) {
  const mid = schema.severities[Math.floor(schema.severities.length / 2)];
  return {
    id: '', category: (schema.categories[0] || {}).id || '', severity: mid ? mid.id : '', languages: [], description: '',
    reminder: '', policy: '', cooldown: '', short_latin_guard: null, romanized: false, typed: false, allow: [],
    patterns: [blankPattern()], exceptions: [],
  };
}

// ruleFields builds the form's fields for rule r.
export function ruleFields(schema, r) {
  const patterns = h('div', { class: 'rows', id: 'patterns' }, r.patterns.map((p) => patternRow(schema, p)));
  const exceptions = h('div', { class: 'rows', id: 'exceptions' }, r.exceptions.map(exceptionRow));
  return [
    h('div', { class: 'grid3' },
      field(t('editor.form.id'), h('input', { name: 'id', id: 'rule-id', value: r.id, required: true, pattern: '[a-z0-9][a-z0-9._\\-]*', maxlength: 64 })),
      field(t('editor.form.category'), h('select', { name: 'category' }, options(schema.categories, r.category))),
      field(t('editor.form.severity'), h('select', { name: 'severity' }, options(schema.severities, r.severity)))),
    h('fieldset', { class: 'inline' }, h('legend', {}, t('editor.form.languages')),
      schema.languages.map((l) => h('label', {}, h('input', { type: 'checkbox', name: 'languages', value: l.id, checked: r.languages.includes(l.id) }), ' ', termLabel(l))),
      h('p', { class: 'hint' }, t('editor.form.languagesHint'))),
    field(t('editor.form.description'), h('input', { name: 'description', value: r.description })),
    h('fieldset', {}, h('legend', {}, t('editor.form.patterns')), patterns,
      h('button', { type: 'button', class: 'quiet', id: 'add-pattern', onclick: () => patterns.append(patternRow(schema, blankPattern())) }, t('editor.form.addPattern')),
      h('p', { class: 'hint' }, t('editor.form.patternsHint'))),
    h('fieldset', {}, h('legend', {}, t('editor.form.exceptions')), exceptions,
      h('button', { type: 'button', class: 'quiet', id: 'add-exception', onclick: () => exceptions.append(exceptionRow({ phrase: '', window: null, slop: null, fuzzy: null })) }, t('editor.form.addException')),
      h('p', { class: 'hint' }, t('editor.form.exceptionsHint'))),
    field(t('editor.form.allow'), h('textarea', { name: 'allow', rows: 2 }, r.allow.join('\n')), t('editor.form.allowHint')),
    h('fieldset', { class: 'inline' }, h('legend', {}, t('editor.form.switches')),
      field(t('editor.form.shortLatinGuard'), tri('short_latin_guard', r.short_latin_guard)),
      h('label', {}, h('input', { type: 'checkbox', name: 'romanized', checked: r.romanized }), ' ', t('editor.form.romanized')),
      h('label', {}, h('input', { type: 'checkbox', name: 'typed', checked: r.typed }), ' ', t('editor.form.typed')),
      h('p', { class: 'hint' }, t('editor.form.switchesHint'))),
    field(t('editor.form.reminder'), h('textarea', { name: 'reminder', rows: 2 }, r.reminder), t('editor.form.reminderHint')),
    h('div', { class: 'grid2' },
      field(t('editor.form.policy'), h('input', { name: 'policy', value: r.policy })),
      field(t('editor.form.cooldown'), h('input', { name: 'cooldown', value: r.cooldown, placeholder: '30s', size: 8 }))),
  ];
}

// readRule reads form back into the model.
export function readRule(form) {
  const f = form.elements;
  const one = (row, name) => row.querySelector('[name=' + name + ']').value;
  return {
    id: f.id.value.trim(), category: f.category.value, severity: f.severity.value,
    languages: [...form.querySelectorAll('[name=languages]:checked')].map((c) => c.value),
    description: f.description.value.trim(), reminder: f.reminder.value.trim(), policy: f.policy.value.trim(),
    cooldown: f.cooldown.value.trim(), short_latin_guard: readTri(f.short_latin_guard.value),
    romanized: f.romanized.checked, typed: f.typed.checked, allow: readLines(f.allow.value),
    patterns: [...form.querySelectorAll('fieldset.pattern')].map((row) => ({
      kind: one(row, 'kind'), phrase: one(row, 'phrase').trim(), digits: readInt(one(row, 'digits')), contact: one(row, 'contact'),
      slop: readInt(one(row, 'slop')), fuzzy: readTri(one(row, 'fuzzy')),
      not_followed_by: readList(one(row, 'not_followed_by')), not_preceded_by: readList(one(row, 'not_preceded_by')),
      not_inside: readList(one(row, 'not_inside')),
    })).filter((p) => p.kind !== 'phrase' || p.phrase),
    exceptions: [...form.querySelectorAll('fieldset.exception')].map((row) => ({
      phrase: one(row, 'phrase').trim(), window: readInt(one(row, 'window')), slop: readInt(one(row, 'slop')), fuzzy: readTri(one(row, 'fuzzy')),
    })).filter((x) => x.phrase),
  };
}
