// i18n-unit.mjs: the language choice and text lookup of web/static/i18n.js,
// run under node (no DOM) by e2e/i18n_module_test.go.
import assert from 'node:assert/strict';
import { choose, supported, add, t, setLang, lang, onChange } from '../../web/static/i18n.js';

const cases = [
  // [search, stored, browser languages, want]
  ['?lang=zh', '', ['en-US'], 'zh-CN'],
  ['?lang=en', 'zh-CN', ['zh-CN'], 'en'],
  ['?lang=fr', 'zh-CN', ['en'], 'zh-CN'],
  ['', 'en', ['zh-TW'], 'en'],
  ['', '', ['fr-FR', 'zh-HK', 'en'], 'zh-CN'],
  ['', '', ['zh-Hans-CN'], 'zh-CN'],
  ['', '', ['fr', 'de'], 'en'],
  ['', 'xx', [], 'en'],
];
for (const [search, stored, browser, want] of cases) {
  assert.equal(choose(search, stored, browser), want, `choose(${search}, ${stored}, ${browser})`);
}
assert.equal(supported('ZH_cn'), 'zh-CN');
assert.equal(supported('eng'), '');

add({
  en: { 'u.hello': 'Hello {name}', 'u.n': { one: '{n} rule', other: '{n} rules' }, 'u.only': 'English only' },
  'zh-CN': { 'u.hello': '你好，{name}', 'u.n': { other: '{n} 条规则' } },
});
assert.equal(lang(), 'en');
assert.equal(t('u.hello', { name: 'Li' }), 'Hello Li');
assert.equal(t('u.n', { n: 1 }), '1 rule');
assert.equal(t('u.n', { n: 3 }), '3 rules');
assert.equal(t('u.hello'), 'Hello {name}', 'an unknown placeholder stays visible');
assert.equal(t('u.missing'), 'u.missing', 'a missing key shows as itself');
globalThis.localStorage = { setItem() {}, getItem() { return ''; } };
globalThis.location = new URL('http://x/lexicon?lang=en');
globalThis.history = { replaceState(_s, _t, u) { globalThis.location = new URL(u, 'http://x'); } };
let heard = '';
onChange((l) => { heard = l; });
setLang('zh');
assert.equal(lang(), 'zh-CN');
assert.equal(heard, 'zh-CN', 'listeners hear the switch');
assert.equal(location.search, '?lang=zh-CN', 'the address keeps the new ?lang');
assert.equal(t('u.hello', { name: '李娜' }), '你好，李娜');
assert.equal(t('u.n', { n: 1 }), '1 条规则');
assert.equal(t('u.only'), 'English only', 'a key missing in Chinese falls back to English');
console.log('ok i18n: ' + (cases.length + 14) + ' checks');
