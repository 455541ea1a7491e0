// trust.mjs: the trust ledger page, end to end: signs in from the URL,
// ranks the anchors, opens one, shows its score with every indicator's
// value, weight and contribution (they add up to the score), charts the
// score and an indicator over 30 days, offers the CSV export, switches to
// merchants, and reads in Chinese. Screenshots in English and Chinese.
import fs from 'node:fs';
import path from 'node:path';
import { launch, shot, step, check, env, watchErrors } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const token = env('EARSHOT_TOKEN');
const anchor = env('EARSHOT_ANCHOR');
const merchant = env('EARSHOT_MERCHANT');
const docs = process.env.EARSHOT_DOCS || '';
const errors = [];
const want = await (await fetch(`${base}/v1/trust/anchors/${encodeURIComponent(anchor)}`, { headers: { Authorization: 'Bearer ' + token } })).json();

async function docShot(page, name) {
  const file = await shot(page, name);
  if (docs) fs.copyFileSync(file, path.join(docs, name + '.png'));
}

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1300, height: 1000 } });
  const page = await ctx.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}/trust?kind=anchor&id=${encodeURIComponent(anchor)}#token=${encodeURIComponent(token)}`);
  await page.waitForSelector(`body[data-ready=true][data-detail="${anchor}"]`, { state: 'attached', timeout: 15000 }).catch(async (e) => {
    throw new Error(e.message + '\nerrors: ' + errors.join('; ') + '\npage: ' + (await page.evaluate(() => document.body.innerText)).slice(0, 2000));
  });

  await step('signs in from the URL; the header marks the Trust section', async () => {
    check(!page.url().includes('token='), 'the token stayed in the address bar: ' + page.url());
    check((await page.getAttribute('[data-nav=trust]', 'aria-current')) === 'page', 'Trust is not the current section');
    check((await page.$$('input[type=password]')).length === 0, 'the page asks for a token');
  });

  await step('ranks the anchors with the server\'s scores', async () => {
    const rows = await page.$$eval('#accounts tbody tr', (rs) => rs.map((r) => r.dataset.id + '=' + r.querySelector('.score').textContent));
    check(rows.length === 2, 'rows: ' + rows);
    check(rows[0].startsWith(anchor + '='), 'the lowest score is not first: ' + rows);
    check(rows[1] === 'clean-anchor=100', 'the clean anchor: ' + rows);
    const csv = await page.getAttribute('#csv', 'href');
    check(csv === '/v1/trust/anchors?sort=score&format=csv', 'csv link: ' + csv);
    const res = await page.evaluate(async (u) => { const r = await fetch(u); return r.status + ' ' + (await r.text()).split('\n')[0]; }, csv);
    check(res.startsWith('200 kind,id,score,formula,from,to,violations_per_hour'), 'csv: ' + res);
  });

  await step('shows the score and every indicator with weight and contribution', async () => {
    const score = await page.textContent('#detail-score');
    check(score === `${want.score} / 100`, 'score: ' + score + ', want ' + want.score);
    const rows = await page.$$eval('#indicator-table tbody tr', (rs) => rs.map((r) => ({ name: r.dataset.indicator,
      cells: [...r.querySelectorAll('td')].map((td) => td.textContent) })));
    check(rows.length === want.indicators.length, `${rows.length} indicator rows, want ${want.indicators.length}`);
    let sum = 0;
    for (const w of want.indicators) {
      const r = rows.find((x) => x.name === w.name);
      check(r, 'no row for ' + w.name);
      if (w.weight > 0) {
        check(Number(r.cells[2]) === w.weight, `${w.name} weight ${r.cells[2]}, want ${w.weight}`);
        sum += Number(r.cells[4]);
      }
    }
    check(Math.abs(sum - want.score) < 0.05, `contributions add to ${sum}, score ${want.score}`);
    const vph = rows.find((x) => x.name === 'violations_per_hour').cells[0];
    check(vph === 'Violations per hour', 'indicator label: ' + vph);
    const viol = await page.$$eval('#violation-table tbody tr', (rs) => rs.length);
    check(viol === Object.keys(want.violations).length, 'violation rows: ' + viol);
  });

  await step('charts the score and an indicator over 30 days', async () => {
    check(await page.getAttribute('#chart svg', 'data-points') === '30', 'score chart points');
    const last = await page.$eval('#chart svg circle:last-of-type', (c) => c.dataset.value);
    check(Number(last) === want.score, 'today\'s point ' + last + ', want ' + want.score);
    const title = await page.textContent('#chart svg > title');
    check(title === 'Trust score over the last 30 days', 'chart title: ' + title);
    await page.selectOption('#series', 'alerts');
    await page.waitForFunction(() => document.querySelector('#chart svg > title').textContent.startsWith('Alerts'));
    const alerts = await page.$eval('#chart svg circle:last-of-type', (c) => c.dataset.value);
    check(alerts === String(want.indicators.find((i) => i.name === 'alerts').value), 'alerts point: ' + alerts);
    await docShot(page, 'trust');
  });

  await step('lists merchants and opens one', async () => {
    await page.selectOption('#kind', 'merchant');
    await page.waitForSelector(`#accounts tbody tr[data-id="${merchant}"]`);
    check(await page.isHidden('#detail'), 'the anchor stays open on the merchant list');
    await page.click(`#accounts tbody tr[data-id="${merchant}"] button`);
    await page.waitForSelector(`body[data-detail="${merchant}"]`, { state: 'attached' });
    check(page.url().includes('kind=merchant'), 'url: ' + page.url());
  });

  await step('reads in Chinese, drawn with a CJK font', async () => {
    await page.selectOption('#kind', 'anchor');
    await page.click(`#accounts tbody tr[data-id="${anchor}"] button`);
    await page.waitForSelector(`body[data-detail="${anchor}"]`, { state: 'attached' });
    await page.click('[data-lang-switch] button[data-lang="zh-CN"]');
    await page.waitForFunction(() => document.querySelector('h1').textContent === '信用台账', null, { timeout: 5000 });
    check((await page.textContent('[data-nav=trust]')) === '信用', 'nav: ' + await page.textContent('[data-nav=trust]'));
    const label = await page.$eval('#indicator-table tr[data-indicator=violations_per_hour] td', (td) => td.textContent);
    check(label === '每小时违规', 'indicator label: ' + label);
    const viol = await page.$eval('#violation-table tbody tr', (tr) => ({ key: tr.dataset.violation, text: tr.cells[0].textContent }));
    const zh = await page.evaluate(async (key) => {
      const sc = await (await fetch('/v1/lexicons/schema')).json();
      const byID = new Map([...sc.categories, ...sc.severities].map((x) => [x.id, x.label_zh]));
      return key.split('/').map((id) => byID.get(id)).join(' · ');
    }, viol.key);
    check(viol.text === zh, 'violation row in Chinese: ' + viol.text + ', want ' + zh);
    check((await page.textContent('#chart svg > title')).startsWith('近 30 天的'), 'chart title in Chinese: ' + await page.textContent('#chart svg > title'));
    const r = await cjkRendering(page, 'h1');
    check(!r.tofu, 'the Chinese heading is drawn as boxes: ' + JSON.stringify(r.fonts));
    await docShot(page, 'trust.zh');
  });

  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
