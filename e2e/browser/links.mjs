// links.mjs: the returning-violators page, end to end: signs in from the
// URL, lists the ban list the API holds, bans a second account from the
// form (the decider is the token's subject), opens the new anchor's links
// (the banned anchor first, its shared WeChat id shown raw to compliance),
// marks that id benign from the link (the link goes), removes the mark,
// lifts a ban, and reads in Chinese. Screenshots in English and Chinese.
import { launch, shot, step, check, env, watchErrors } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const token = env('EARSHOT_TOKEN');
const banned = env('EARSHOT_BANNED');
const fresh = env('EARSHOT_NEW');
const errors = [];

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1300, height: 1000 } });
  const page = await ctx.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}/links#token=${encodeURIComponent(token)}`);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 15000 }).catch(async (e) => {
    throw new Error(e.message + '\nerrors: ' + errors.join('; ') + '\npage: ' + (await page.evaluate(() => document.body.innerText)).slice(0, 2000));
  });

  await step('signs in from the URL; the header marks the Links section', async () => {
    check(!page.url().includes('token='), 'the token stayed in the address bar: ' + page.url());
    check((await page.getAttribute('[data-nav=links]', 'aria-current')) === 'page', 'Links is not the current section');
  });

  await step('lists the ban list with reason and decider', async () => {
    const rows = await page.$$eval('#bans tbody tr', (rs) => rs.map((r) => r.dataset.kind + ':' + r.dataset.id + ' ' + r.innerText));
    check(rows.length === 1 && rows[0].startsWith('anchor:' + banned) && rows[0].includes('counterfeit') && rows[0].includes('Banned'), 'rows: ' + rows);
  });

  await step('bans a merchant from the form, by the signed-in reviewer', async () => {
    await page.selectOption('#ban-kind', 'merchant');
    await page.fill('#ban-id', 'shady-shop');
    await page.selectOption('#ban-action', 'flag');
    await page.fill('#ban-reason', 'watch: shares numbers with a banned anchor');
    await page.click('#ban-form button[type=submit]');
    await page.waitForSelector('#bans tbody tr[data-id="shady-shop"]');
    const row = await page.textContent('#bans tbody tr[data-id="shady-shop"]');
    check(row.includes('Flagged') && row.includes('Zhao Min (browser test)'), 'row: ' + row);
    const api = await page.evaluate(async () => (await (await fetch('/v1/bans')).json()).bans.map((b) => b.kind + ':' + b.id + ':' + b.by));
    check(api.includes('merchant:shady-shop:Zhao Min (browser test)'), 'api: ' + api);
  });

  await step('shows the new anchor linked to the banned one, raw values for compliance', async () => {
    await page.selectOption('#view-kind', 'anchor');
    await page.fill('#view-id', fresh);
    await page.click('#view-form button[type=submit]');
    await page.waitForSelector(`body[data-view="anchor:${fresh}"]`, { state: 'attached' });
    const first = await page.$eval('#linked tbody tr', (r) => ({ id: r.dataset.id, strength: r.dataset.strength, text: r.innerText }));
    check(first.id === banned && first.strength === '0.8' && first.text.includes('80%') && first.text.includes('Banned'), 'first link: ' + JSON.stringify(first));
    check(first.text.includes('WeChat') && first.text.includes('abc123'), 'the shared id is not shown raw: ' + first.text);
    check(page.url().includes('kind=anchor') && page.url().includes('id=' + fresh), 'url: ' + page.url());
    await shot(page, 'links');
  });

  await step('marks the shared id benign from the link: the link goes; removing the mark brings it back', async () => {
    await page.click('#linked tbody tr:first-child button.benign');
    await page.waitForSelector('#benign tbody tr');
    await page.waitForFunction(() => !document.querySelector('#linked'));
    check((await page.textContent('#view-box')).includes('No other account said them.'), 'links after benign: ' + await page.textContent('#view-box'));
    await page.click('#benign tbody tr button.unmark');
    await page.waitForSelector('#linked tbody tr');
    check((await page.$$('#benign tbody tr')).length === 0, 'the mark stayed');
  });

  await step('lifts a ban', async () => {
    await page.click('#bans tbody tr[data-id="shady-shop"] button.lift');
    await page.waitForFunction(() => !document.querySelector('#bans tbody tr[data-id="shady-shop"]'));
    check((await page.textContent('#bans-status')).includes('lifted'), 'status: ' + await page.textContent('#bans-status'));
  });

  await step('the alert page names the banned account with the earlier mention', async () => {
    const id = await page.evaluate(async () => (await (await fetch('/v1/alerts?category=returning-violator')).json()).alerts[0].id);
    const alertPage = await ctx.newPage();
    watchErrors(alertPage, errors);
    await alertPage.goto(`${base}/#/alert/${id}`);
    await alertPage.waitForSelector('#alert-links li');
    const li = await alertPage.$eval('#alert-links li', (l) => ({ account: l.dataset.account, text: l.innerText }));
    check(li.account === 'anchor:' + banned, 'linked account: ' + li.account);
    check(li.text.includes('Banned Anchor ' + banned) && li.text.includes('counterfeit') && li.text.includes('room old-room') && li.text.includes('加我微信 abc123'),
      'card: ' + li.text);
    const open = await alertPage.getAttribute('#alert-links a[href^="/links"]', 'href');
    check(open === '/links?kind=anchor&id=' + fresh, 'links view link: ' + open);
    await alertPage.waitForSelector('#alert-case', { timeout: 5000 });
    const whole = await alertPage.innerText('main');
    check(!/\bnull\b/.test(whole), 'the alert page shows "null": ' + whole);
    await shot(alertPage, 'links.alert');
    await alertPage.close();
  });

  await step('reads in Chinese, drawn with a CJK font', async () => {
    await page.click('[data-lang-switch] button[data-lang="zh-CN"]');
    await page.waitForFunction(() => document.querySelector('h1').textContent === '回流违规账号', null, { timeout: 5000 });
    check((await page.textContent('[data-nav=links]')) === '关联', 'nav: ' + await page.textContent('[data-nav=links]'));
    const row = await page.textContent('#linked tbody tr');
    check(row.includes('已封禁') && row.includes('微信'), 'link row in Chinese: ' + row);
    const r = await cjkRendering(page, 'h1');
    check(!r.tofu, 'the Chinese heading is drawn as boxes: ' + JSON.stringify(r.fonts));
    await shot(page, 'links.zh');
  });

  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
