// editor-yaml.js: the editor's edits to the draft's YAML text. The draft
// stays the policy team's file: a form edit rewrites only the block of the
// rule it edits (or the lexicon's allow: line), and everything else,
// comments, order and layout included, stays as written. Values are
// written as JSON scalars and flow lists, which YAML reads as they are, so
// no quoting rule of YAML has to be reimplemented here. Pure functions of
// text: no DOM.

const plain = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const scalar = (v) => (typeof v === 'string' && plain.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v));
const list = (vs) => '[' + vs.map((v) => JSON.stringify(v)).join(', ') + ']';
const flow = (obj) => '{' + Object.entries(obj).map(([k, v]) => k + ': ' + (Array.isArray(v) ? list(v) : JSON.stringify(v))).join(', ') + '}';
const set = (v) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

// patternYAML is one pattern of the form model ({kind, phrase, digits,
// contact, slop, fuzzy, not_followed_by, not_preceded_by, not_inside}).
export function patternYAML(p) {
  if (p.kind === 'digits') return flow({ digits: Number(p.digits) });
  if (p.kind === 'contact') return flow({ contact: p.contact });
  const opts = {};
  for (const k of ['slop', 'fuzzy', 'not_followed_by', 'not_preceded_by', 'not_inside']) if (set(p[k])) opts[k] = p[k];
  return Object.keys(opts).length ? flow({ phrase: p.phrase, ...opts }) : JSON.stringify(p.phrase);
}

// exceptionYAML is one exception ({phrase, window, slop, fuzzy}).
export function exceptionYAML(x) {
  const opts = {};
  for (const k of ['window', 'slop', 'fuzzy']) if (set(x[k])) opts[k] = x[k];
  return Object.keys(opts).length ? flow({ phrase: x.phrase, ...opts }) : JSON.stringify(x.phrase);
}

// ruleYAML is a rule of the form model as a list item indented by indent
// spaces, every field the lexicon format has (docs/lexicon.md).
export function ruleYAML(r, indent = 2) {
  const a = ' '.repeat(indent);
  const b = a + '  ';
  const out = [a + '- id: ' + scalar(r.id), b + 'category: ' + scalar(r.category), b + 'severity: ' + scalar(r.severity)];
  if (set(r.languages)) out.push(b + 'languages: [' + r.languages.map(scalar).join(', ') + ']');
  if (set(r.description)) out.push(b + 'description: ' + JSON.stringify(r.description));
  out.push(b + 'patterns:', ...r.patterns.map((p) => b + '  - ' + patternYAML(p)));
  if (set(r.exceptions)) out.push(b + 'exceptions:', ...r.exceptions.map((x) => b + '  - ' + exceptionYAML(x)));
  if (set(r.allow)) out.push(b + 'allow: ' + list(r.allow));
  if (r.short_latin_guard === true || r.short_latin_guard === false) out.push(b + 'short_latin_guard: ' + r.short_latin_guard);
  if (r.romanized) out.push(b + 'romanized: true');
  if (r.typed) out.push(b + 'typed: true');
  out.push(b + 'reminder: ' + JSON.stringify(r.reminder || ''));
  if (set(r.policy)) out.push(b + 'policy: ' + JSON.stringify(r.policy));
  if (set(r.cooldown)) out.push(b + 'cooldown: ' + JSON.stringify(r.cooldown));
  return out;
}

const indentOf = (line) => line.length - line.trimStart().length;
const idLine = /^(\s*)-\s+id:\s*(?:"([^"]*)"|'([^']*)'|([^\s#]+))\s*(?:#.*)?$/;
const quiet = (line) => line.trim() === '' || line.trimStart().startsWith('#');

// rulesSection finds the top-level rules: key: its line and the first line
// after the section (a top-level key, or the end).
function rulesSection(lines) {
  const start = lines.findIndex((l) => /^rules:/.test(l));
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && (quiet(lines[end]) || indentOf(lines[end]) > 0 || lines[end].startsWith('-'))) end++;
  while (end > start + 1 && quiet(lines[end - 1])) end--;
  return { start, end };
}

// findRule locates rule id's block: [start, end) lines, and the indent of
// its dash. Trailing blank and comment lines belong to what follows.
export function findRule(text, id) {
  const lines = text.split('\n');
  const sec = rulesSection(lines);
  if (!sec) return null;
  for (let i = sec.start + 1; i < sec.end; i++) {
    const m = idLine.exec(lines[i]);
    if (!m || (m[2] ?? m[3] ?? m[4]) !== id) continue;
    const indent = m[1].length;
    let end = i + 1;
    while (end < sec.end && (quiet(lines[end]) || indentOf(lines[end]) > indent)) end++;
    while (end > i + 1 && quiet(lines[end - 1])) end--;
    return { start: i, end, indent };
  }
  return null;
}

// replaceRule puts rule r where rule oldId was (a renamed rule keeps its
// place), or appends it to the rules when there was none. It throws when
// oldId exists but not as a "- id:" block the editor can rewrite.
export function replaceRule(text, oldId, r) {
  const lines = text.split('\n');
  const at = oldId ? findRule(text, oldId) : null;
  if (at) {
    lines.splice(at.start, at.end - at.start, ...ruleYAML(r, at.indent));
    return lines.join('\n');
  }
  if (oldId && new RegExp('\\bid:\\s*["\']?' + oldId.replace(/[.]/g, '\\.') + '["\']?').test(text)) {
    throw new Error('not-a-block');
  }
  let sec = rulesSection(lines);
  if (!sec) {
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    lines.push('rules:');
    sec = { start: lines.length - 1, end: lines.length };
  } else if (/^rules:\s*\[\s*\]\s*(#.*)?$/.test(lines[sec.start])) {
    lines[sec.start] = 'rules:';
  }
  const first = lines.slice(sec.start + 1, sec.end).find((l) => /^\s*-\s/.test(l));
  const indent = first ? indentOf(first) : 2;
  lines.splice(sec.end, 0, ...ruleYAML(r, indent));
  return lines.join('\n').replace(/\n*$/, '\n');
}

// removeRule deletes rule id's block (an unchanged text if it has none).
export function removeRule(text, id) {
  const at = findRule(text, id);
  if (!at) return text;
  const lines = text.split('\n');
  lines.splice(at.start, at.end - at.start);
  return lines.join('\n');
}

// setLexiconAllow writes the lexicon-level allow list (one line, or none
// when it is empty) in place of the one there, else before rules:.
export function setLexiconAllow(text, phrases = []) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^allow:/.test(l));
  const line = phrases.length ? ['allow: ' + list(phrases)] : [];
  if (start >= 0) {
    let end = start + 1;
    while (end < lines.length && (quiet(lines[end]) || indentOf(lines[end]) > 0 || lines[end].startsWith('-'))) end++;
    while (end > start + 1 && quiet(lines[end - 1])) end--;
    lines.splice(start, end - start, ...line);
    return lines.join('\n');
  }
  if (!line.length) return text;
  const rules = lines.findIndex((l) => /^rules:/.test(l));
  lines.splice(rules < 0 ? lines.length : rules, 0, ...line);
  return lines.join('\n');
}

// fromWire turns a rule of POST /v1/lexicons/validate (api.Rule, Go field
// names) into the form model.
export function fromWire(w) {
  const kind = (p) => (p.Digits > 0 ? 'digits' : p.Contact ? 'contact' : 'phrase');
  return {
    id: w.ID, category: w.Category, severity: w.Severity, languages: w.Languages || [],
    description: w.Description || '', reminder: w.Reminder || '', policy: w.Policy || '', cooldown: w.Cooldown || '',
    short_latin_guard: w.ShortLatinGuard ?? null, romanized: !!w.Romanized, typed: !!w.Typed, allow: w.Allow || [],
    patterns: (w.Patterns || []).map((p) => ({
      kind: kind(p), phrase: p.Phrase || '', digits: p.Digits || '', contact: p.Contact || '',
      slop: p.Slop ?? null, fuzzy: p.Fuzzy ?? null,
      not_followed_by: p.NotFollowedBy || [], not_preceded_by: p.NotPrecededBy || [], not_inside: p.NotInside || [],
    })),
    exceptions: (w.Exceptions || []).map((x) => ({ phrase: x.Phrase, window: x.Window ?? null, slop: x.Slop ?? null, fuzzy: x.Fuzzy ?? null })),
  };
}
