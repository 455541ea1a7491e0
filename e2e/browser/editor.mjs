// editor.mjs: the policy team's lexicon editor, end to end: signs in from
// the URL like the console, lists and filters the rules, edits a rule and
// adds one through the form (every kind of field), shows the diff against
// the live version, tests a sentence, backtests with links to the stored
// utterances, publishes after reviewing the diff, and the published
// version is live. Screenshots in English and Chinese.
import fs from 'node:fs';
import path from 'node:path';
import { launch, shot, step, check, env, watchErrors, say } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const token = env('EARSHOT_POLICY_TOKEN');
const compliance = env('EARSHOT_COMPLIANCE_TOKEN');
const room = env('EARSHOT_ROOM');
const docs = process.env.EARSHOT_DOCS || '';
const errors = [];
const sc = await (await fetch(`${base}/v1/lexicons/schema`, { headers: { Authorization: 'Bearer ' + token } })).json();
const ids = (terms) => terms.map((x) => x.id).join(',');
const listed = (page) => page.$$eval('#rule-list li', (ls) => ls.map((l) => l.dataset.rule));

async function docShot(page, name) {
  const file = await shot(page, name);
  if (docs) fs.copyFileSync(file, path.join(docs, name + '.png'));
}

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1500, height: 1000 } });
  const page = await ctx.newPage();
  watchErrors(page, errors);
  page.on('dialog', (d) => d.accept());
  page.on('console', (m) => { if (m.type() === 'warning') console.log('page warning: ' + m.text()); });
  await page.goto(`${base}/lexicon#token=${encodeURIComponent(token)}`);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 10000 }).catch(async (e) => {
    throw new Error(e.message + '\nerrors: ' + errors.join('; ') + '\npage: ' + (await page.evaluate(() => document.body.innerText)).slice(0, 2000));
  });
  const good = await page.inputValue('#yaml');

  await step('signs in from the URL, with the console\'s header and navigation', async () => {
    check(!page.url().includes('token='), 'the token stayed in the address bar: ' + page.url());
    check((await page.textContent('#whoami')).includes('Wang Fang'), 'whoami: ' + await page.textContent('#whoami'));
    check((await page.$$('input[type=password]')).length === 0, 'the editor asks for a token');
    const navOf = (p) => p.$$eval('.top nav a', (as) => as.map((a) => a.getAttribute('href') + '=' + a.textContent).join(' '));
    const nav = await navOf(page);
    check(nav.includes('/#/alerts=Alerts') && nav.includes('/lexicon=Lexicon'), 'nav: ' + nav);
    const con = await ctx.newPage();
    await con.goto(`${base}/`);
    await con.waitForSelector('.top nav a[data-nav=alerts]:not(:empty)');
    check(await navOf(con) === nav, 'the console\'s navigation differs: ' + await navOf(con) + ' vs ' + nav);
    await con.close();
    check((await page.getAttribute('[data-nav=lexicon]', 'aria-current')) === 'page', 'Lexicon is not the current section');
    const sheets = await page.$$eval('link[rel=stylesheet]', (ls) => ls.map((l) => new URL(l.href).pathname));
    check(sheets.includes('/static/console.css'), 'not the console stylesheet: ' + sheets);
  });

  await step('the form and filters offer the server\'s vocabularies', async () => {
    check(await page.$eval('#rule-form [name=category]', (s) => [...s.options].map((o) => o.value).join(',')) === ids(sc.categories), 'category options');
    check(await page.$eval('#rule-form [name=severity]', (s) => [...s.options].map((o) => o.value).join(',')) === ids(sc.severities), 'severity options');
    check(await page.inputValue('#rule-form [name=severity]') === sc.severities[Math.floor(sc.severities.length / 2)].id, 'a new rule does not start at the middle severity');
    check(await page.$eval('#rule-form [name=kind]', (s) => [...s.options].map((o) => o.value).join(',')) === ids(sc.pattern_kinds), 'pattern kinds');
    check(await page.$eval('#rule-form [name=contact]', (s) => [...s.options].map((o) => o.value).join(',')) === ids(sc.contact_kinds), 'contact kinds');
    for (const [sel, terms] of [['#f-category', sc.categories], ['#f-severity', sc.severities], ['#f-language', sc.languages], ['#f-kind', sc.pattern_kinds]]) {
      check(await page.$eval(sel, (s) => [...s.options].map((o) => o.value).slice(1).join(',')) === ids(terms), sel + ' options');
    }
  });

  await step('shows the live version', async () => {
    check((await page.textContent('#active')).includes('version 1'), 'active line: ' + await page.textContent('#active'));
    check(good.includes('alpha-rule'), 'draft is not the live YAML');
    check((await page.textContent('#changes')).includes('The draft is the live version'), 'a fresh draft differs: ' + await page.textContent('#changes'));
  });

  await step('inline validation names rule and field', async () => {
    await page.fill('#yaml', good.replace('absolute-claim', 'gossip'));
    const li = await page.waitForSelector('#errors li[data-field=category]', { timeout: 5000 });
    const text = await li.textContent();
    check(text.includes('alpha-rule') && text.includes('gossip'), 'error text: ' + text);
    await page.fill('#yaml', good);
    await page.waitForSelector('body[data-valid=true]', { timeout: 5000 });
  });

  await step('the rule list searches and filters', async () => {
    check((await listed(page)).join() === 'alpha-rule', 'list: ' + await listed(page));
    await page.fill('#rule-search', 'no such words');
    await page.waitForFunction(() => document.querySelectorAll('#rule-list li').length === 0);
    await page.fill('#rule-search', 'ALPHA phr');
    await page.waitForSelector('#rule-list li[data-rule=alpha-rule]');
    const other = sc.severities.find((s) => s.id !== 'medium').id;
    await page.selectOption('#f-severity', other);
    await page.waitForFunction(() => document.querySelectorAll('#rule-list li').length === 0);
    await page.selectOption('#f-severity', 'medium');
    await page.selectOption('#f-kind', 'digits');
    await page.waitForFunction(() => document.querySelectorAll('#rule-list li').length === 0);
    await page.selectOption('#f-kind', 'phrase');
    await page.selectOption('#f-category', 'absolute-claim');
    await page.waitForSelector('#rule-list li[data-rule=alpha-rule]');
    check((await page.textContent('#rule-count')).includes('1 of 1'), 'count: ' + await page.textContent('#rule-count'));
    for (const s of ['#f-severity', '#f-kind', '#f-category']) await page.selectOption(s, '');
    await page.fill('#rule-search', '');
  });

  await step('edits a rule through the form: exception, allow list, switch, reminder', async () => {
    await page.click('#rule-list li[data-rule=alpha-rule] button');
    check(await page.inputValue('#rule-form [name=id]') === 'alpha-rule', 'the form did not load alpha-rule');
    check(await page.inputValue('#patterns [name=phrase]') === 'alpha phrase', 'pattern not loaded');
    await page.click('#add-exception');
    await page.fill('#exceptions fieldset:last-child [name=phrase]', 'never say alpha');
    await page.fill('#exceptions fieldset:last-child [name=window]', '3');
    await page.fill('#rule-form [name=allow]', 'alpha phrase book');
    await page.check('#rule-form [name=typed]');
    await page.fill('#rule-form [name=reminder]', 'Please avoid the alpha phrase, thank you.');
    await page.click('#rule-form button[type=submit]');
    await page.waitForSelector('#rule-list li.changed[data-rule=alpha-rule]', { timeout: 5000 });
    const y = await page.inputValue('#yaml');
    for (const want of ['"alpha phrase book"', 'typed: true', '{phrase: "never say alpha", window: 3}', 'thank you.']) {
      check(y.includes(want), `YAML lacks ${want}:\n${y}`);
    }
    const fields = await page.$$eval('#changes li[data-rule=alpha-rule] [data-field]', (ls) => ls.map((l) => l.dataset.field));
    for (const f of ['exceptions', 'allow', 'typed', 'reminder']) check(fields.includes(f), `diff of alpha-rule lacks ${f}: ${fields}`);
  });

  await step('adds a rule through the form: phrase with options and a contact pattern', async () => {
    await page.click('#new-rule');
    check(await page.inputValue('#rule-form [name=id]') === '', 'New rule kept the old id');
    await page.fill('#rule-form [name=id]', 'beta-rule');
    await page.selectOption('#rule-form [name=category]', 'price-fraud');
    await page.check('#rule-form [name=languages][value=en]');
    await page.fill('#patterns [name=phrase]', 'beta phrase');
    await page.fill('#patterns [name=slop]', '1');
    await page.click('#add-pattern');
    await page.selectOption('#patterns fieldset:last-child [name=kind]', 'contact');
    check(await page.isVisible('#patterns fieldset:last-child [name=contact]'), 'contact kind not shown for a contact pattern');
    check(!(await page.isVisible('#patterns fieldset:last-child [name=phrase]')), 'phrase shown for a contact pattern');
    await page.selectOption('#patterns fieldset:last-child [name=contact]', 'email');
    await page.fill('#rule-form [name=reminder]', 'Please avoid the beta phrase.');
    await page.click('#rule-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent.includes('2 rules'), null, { timeout: 5000 });
    const y = await page.inputValue('#yaml');
    check(y.includes('- id: beta-rule') && y.includes('{phrase: "beta phrase", slop: 1}') && y.includes('{contact: "email"}'), 'rule not in YAML:\n' + y);
    await page.waitForSelector('#rule-list li.added[data-rule=beta-rule]');
    await page.waitForSelector('#changes li.added[data-rule=beta-rule]');
  });

  await step('tests a sentence against the draft', async () => {
    await page.fill('#test-text', 'here is a beta phrase for you');
    await page.click('#test-form button');
    await page.waitForSelector('#test-result li.hit[data-rule=beta-rule]', { timeout: 5000 });
  });

  let href = '';
  await step('backtests, each changed utterance linking to the console timeline', async () => {
    await page.click('#bt-form button');
    const cap = await page.waitForSelector('#bt-table caption', { timeout: 10000 });
    const text = await cap.textContent();
    check(/\+4 gained/.test(text), 'backtest caption: ' + text);
    const links = await page.$$eval('#bt-table tr[data-rule=beta-rule] a', (as) => as.map((a) => a.getAttribute('href')));
    check(links.length > 0 && links.every((l) => l.startsWith(`/#/timeline/${room}?`) && l.includes('id=')), 'links: ' + links);
    href = links[0];
    await page.click('#rule-list li[data-rule=alpha-rule] button');
    await page.click('#bt-table tr[data-rule=beta-rule] th button');
    check(await page.inputValue('#rule-form [name=id]') === 'beta-rule', 'the backtest\'s rule name does not open the rule');
    check(await page.inputValue('#patterns [name=slop]') === '1', 'slop not loaded: ' + await page.inputValue('#patterns [name=slop]'));
    await docShot(page, 'editor');
  });

  await step('a backtest link opens that utterance in the console', async () => {
    const c = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const p = await c.newPage();
    watchErrors(p, errors);
    await p.goto(`${base}/#token=${encodeURIComponent(compliance)}`);
    await p.waitForSelector('#whoami:not(:empty)');
    await p.goto(base + href);
    const focus = await p.waitForSelector('.timeline li[aria-current]', { timeout: 5000 });
    const said = await focus.textContent();
    const id = new URLSearchParams(href.split('?')[1]).get('id');
    check(said.includes('beta phrase again, number ' + id.split('/').pop()) || said.includes('beta phrase'), 'focused utterance: ' + said);
    check((await focus.$$('mark')).length > 0, 'the match is not marked');
    await c.close();
  });

  await step('in Chinese, with a CJK font, keeping the draft and the form', async () => {
    const draft = await page.inputValue('#yaml');
    await page.click('[data-lang-switch] [data-lang=zh-CN]');
    await page.waitForFunction(() => document.querySelector('#editor h1')?.textContent === '词库', null, { timeout: 5000 });
    check((await page.textContent('[data-nav=alerts]')) === '告警', 'nav not in Chinese');
    check((await page.textContent('#rule-form button[type=submit]')) === '应用到草稿', 'form not in Chinese');
    check(await page.inputValue('#yaml') === draft, 'switching language changed the draft');
    check(await page.inputValue('#rule-form [name=id]') === 'beta-rule', 'switching language lost the form');
    const cat = await page.$eval('#rule-form [name=category]', (s) => s.options[s.selectedIndex].textContent);
    check(cat === sc.categories.find((c) => c.id === 'price-fraud').label_zh, 'category label not Chinese: ' + cat);
    await page.click('#test-form button');
    await page.waitForFunction(() => document.querySelector('#test-result li.hit')?.textContent?.includes('触发'), null, { timeout: 5000 });
    await page.click('#bt-form button');
    await page.waitForFunction(() => document.querySelector('#bt-table caption')?.textContent?.includes('句话'), null, { timeout: 10000 });
    const r = await cjkRendering(page, '#editor h1');
    check(r.fonts.some((f) => /CJK/i.test(f.familyName) && f.glyphCount > 0) && !r.tofu, 'Chinese not drawn with a CJK font: ' + JSON.stringify(r));
    await docShot(page, 'editor.zh');
    await page.click('[data-lang-switch] [data-lang=en]');
    await page.waitForFunction(() => document.querySelector('#editor h1')?.textContent === 'Lexicon');
  });

  await step('publishes after showing the diff', async () => {
    await page.fill('#message', 'beta rule; alpha allows the phrase book');
    await page.click('#pub-form button[type=submit]');
    await page.waitForSelector('#pub-dialog[open]', { timeout: 5000 });
    await page.waitForSelector('#pub-diff li.added[data-rule=beta-rule]');
    await page.waitForSelector('#pub-diff li.changed[data-rule=alpha-rule] [data-field=allow]');
    check((await page.textContent('#pub-dialog-msg')).includes('version 1'), 'dialog does not name the live version');
    await shot(page, 'editor-publish');
    await page.click('#confirm-publish');
    await page.waitForSelector('body[data-version="2"]', { timeout: 5000 });
    check((await page.textContent('#pub-result')).includes('Published version 2'), await page.textContent('#pub-result'));
    await page.waitForSelector('#versions tr.live[data-version="2"]');
    check((await page.textContent('#changes')).includes('The draft is the live version'), 'after publishing the draft still differs');
  });

  await step('the published version is live', async () => {
    const hit = await say(base, room, 'and now the beta phrase once more');
    check(hit.alerts.some((a) => a.rule_id === 'beta-rule'), 'no beta-rule alert: ' + JSON.stringify(hit.alerts));
    const allowed = await say(base, room, 'open the alpha phrase book');
    check(!allowed.alerts.some((a) => a.rule_id === 'alpha-rule'), 'the allow list was not published: ' + JSON.stringify(allowed.alerts));
    const still = await say(base, room, 'alpha phrase, once more');
    check(still.alerts.some((a) => a.rule_id === 'alpha-rule'), 'alpha-rule no longer fires: ' + JSON.stringify(still.alerts));
  });
  await step('a compliance session reads the lexicon but does not publish', async () => {
    check((await page.$$('#versions tr[data-version="1"] button')).length === 1, 'the policy author is not offered a rollback to version 1');
    const c = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const p = await c.newPage();
    watchErrors(p, errors);
    await p.goto(`${base}/lexicon?rule=beta-rule#token=${encodeURIComponent(compliance)}`);
    await p.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 10000 });
    check(await p.inputValue('#rule-form [name=id]') === 'beta-rule', '?rule= does not open the rule');
    check(await p.isDisabled('#pub-form button[type=submit]'), 'a compliance session may press publish');
    check((await p.textContent('#pub-result')).includes('publishing needs a policy token'), 'no read-only note: ' + await p.textContent('#pub-result'));
    await p.waitForSelector('#versions tr[data-version="1"]');
    check((await p.$$('#versions button')).length === 0, 'a compliance session is offered a rollback');
    await c.close();
  });
  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
