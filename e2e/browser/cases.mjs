// cases.mjs: the compliance queue end to end. Three spoken hits of one
// anchor form one case; the reviewer moves with j/k, assigns it with a,
// opens it with Enter, plays each hit's evidence clip, confirms it with c
// (a disposition on each alert), reads it in Chinese; two text cases are
// selected and dismissed in bulk; ? lists the keys. Screenshots in both
// languages (docs/console-case.png and .zh.png with UPDATE_DOCS=1).
import fs from 'node:fs';
import path from 'node:path';
import { launch, shot, say, step, check, env, post, watchErrors } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const tok = env('EARSHOT_TOKEN');
const subject = env('EARSHOT_SUBJECT');
const room = env('EARSHOT_ROOM');
const anchor = env('EARSHOT_ANCHOR');
const wav = env('EARSHOT_WAV');
const bulkRooms = env('EARSHOT_BULK_ROOMS').split(',');
const docs = process.env.EARSHOT_DOCS || '';
const errors = [];
const get = async (p) => {
  const res = await fetch(base + p, { headers: { Authorization: 'Bearer ' + tok } });
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return res.json();
};

async function docShot(page, name) {
  const file = await shot(page, name);
  if (docs) fs.copyFileSync(file, path.join(docs, name + '.png'));
}

// waitFor polls fn until it returns a truthy value.
async function waitFor(what, fn, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 500));
  }
}

await post(`${base}/v1/rooms/${room}/audio?pace=fast&anchor=${encodeURIComponent(anchor)}&merchant=m-1`, fs.readFileSync(wav), 'audio/wav');
for (const r of bulkRooms) await say(base, r, 'Please send the money to my personal bank account.');
// One more text case, dismissed from the keyboard alone (d on the current row).
const keyRoom = 'key-room';
await say(base, keyRoom, 'Please send the money to my personal bank account.');
const spoken = await waitFor('a case of three spoken hits', async () => {
  const l = await get('/v1/cases?room=' + room);
  return l.cases.find((c) => c.hit_count >= 3);
}, 90000).catch(async (e) => { throw new Error(e.message + ': ' + JSON.stringify(await get('/v1/cases?room=' + room))); });
console.log(`case ${spoken.id}: ${spoken.hit_count} hits, ${spoken.categories.join(', ')}, ${spoken.severity}`);
check(spoken.anchor === anchor && spoken.merchant === 'm-1', 'case anchor/merchant: ' + JSON.stringify(spoken));

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}/#token=${encodeURIComponent(tok)}`);
  await page.waitForSelector('table.cases tbody tr', { timeout: 15000 });

  await step('the queue lists cases, not matches, escalated and most severe first', async () => {
    const rowsOf = () => page.$$eval('table.cases tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
    await page.waitForFunction((n) => document.querySelectorAll('table.cases tbody tr').length >= n, bulkRooms.length + 1, { timeout: 15000 });
    const ids = await rowsOf();
    const api = (await get('/v1/cases')).cases.map((c) => c.id);
    check(ids.join() === api.join(), `queue order ${ids} differs from the API's ${api}`);
    check(ids.includes(spoken.id), 'the spoken case is not listed');
    check((await page.textContent(`tr[data-id="${spoken.id}"] td.num`)) === String(spoken.hit_count), 'hit count');
    await shot(page, 'console-queue');
  });

  await step('j/k move, a assigns to me, Enter opens the case', async () => {
    const ids = await page.$$eval('table.cases tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
    const at = ids.indexOf(spoken.id);
    await page.locator('body').press('Escape');
    for (let i = 0; i < at; i++) await page.keyboard.press('j');
    for (const k of at > 0 ? ['k', 'j'] : ['j', 'k']) await page.keyboard.press(k);
    check(await page.$eval(`tr[data-id="${spoken.id}"]`, (tr) => tr.classList.contains('current')), 'j/k did not land on the spoken case');
    await page.keyboard.press('a');
    await page.waitForFunction(([id, who]) => document.querySelector(`tr[data-id="${id}"] td.assignee`).textContent === who, [spoken.id, subject], { timeout: 10000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.case-hit', { timeout: 10000 });
    check((await page.textContent('#assignee')) === subject, 'the case view does not show the assignee');
  });

  await step('the case shows every hit\'s sentence and plays its evidence clip', async () => {
    const hits = await page.$$('.case-hit');
    check(hits.length === spoken.hit_count, `${hits.length} hits shown, want ${spoken.hit_count}`);
    check((await page.$$('.case-hit blockquote mark')).length >= hits.length, 'a sentence without its match marked');
    const audios = await page.$$('.case-hit audio');
    check(audios.length === hits.length, `${audios.length} clip players for ${hits.length} hits`);
    // Clips are written a few seconds after each hit: reload until all load.
    await waitFor('every clip to load', async () => {
      const ok = await page.$$eval('.case-hit audio', (as) => as.every((a) => a.readyState >= 1 && a.duration > 0));
      if (!ok) {
        await page.reload();
        await page.waitForSelector('.case-hit audio', { timeout: 10000 });
        await page.waitForTimeout(800);
      }
      return ok;
    }, 45000);
    await page.$eval('.case-hit audio', (a) => { a.muted = true; return a.play(); });
    await page.waitForFunction(() => document.querySelector('.case-hit audio').currentTime > 0, null, { timeout: 10000 });
  });

  await step('a note is kept with the case', async () => {
    await page.fill('#case-note', 'clip 1 is clear; 2 and 3 follow within a minute');
    await page.click('#add-note');
    await page.waitForFunction(() => /clip 1 is clear/.test(document.querySelector('#notes').textContent), null, { timeout: 10000 });
    const v = await get('/v1/cases/' + spoken.id);
    check(v.notes.length === 1 && v.notes[0].by === subject, 'notes: ' + JSON.stringify(v.notes));
  });

  await step('c confirms the case: a disposition on each of its alerts', async () => {
    await page.fill('#decision-note', 'three claims in two minutes');
    await page.locator('#decision-note').press('Escape');
    await page.keyboard.press('c');
    await page.waitForSelector('#decision[data-decision=confirmed]', { timeout: 10000 });
    const v = await get('/v1/cases/' + spoken.id);
    check(v.state === 'confirmed' && v.decided_by === subject && v.decision_note === 'three claims in two minutes', 'case after c: ' + JSON.stringify(v));
    for (const h of v.hits) {
      const a = await get('/v1/alerts/' + h.alert_id);
      check(a.disposition && a.disposition.decision === 'confirmed' && a.disposition.by === subject, `alert ${h.alert_id}: ${JSON.stringify(a.disposition)}`);
    }
    check((await page.$$('.case-hit .badge.decision-confirmed')).length === v.hits.length, 'the hits do not show their confirmed decision');
    await page.$$eval('.case-hit audio', (as) => as.forEach((a) => { a.pause(); a.currentTime = 0; }));
    await docShot(page, 'console-case');
  });

  await step('the case in Chinese renders as Chinese', async () => {
    await page.click('[data-lang-switch] [data-lang=zh-CN]');
    // The page redraws on the switch: #case-h is briefly not there.
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && /的案件/.test((document.querySelector('#case-h') || {}).textContent || ''), null, { timeout: 10000 });
    const r = await cjkRendering(page, '#review-h');
    check(r.fonts.some((f) => /CJK|Han|Hei|Song|Ming|WenQuanYi|Droid Sans Fallback/i.test(f.familyName) && f.glyphCount > 0), 'not a CJK font: ' + JSON.stringify(r.fonts));
    check(!r.tofu, 'Chinese drawn as missing-glyph boxes');
    await page.waitForSelector('.case-hit audio', { timeout: 10000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.case-hit audio')].every((a) => a.readyState >= 1), null, { timeout: 15000 });
    await docShot(page, 'console-case.zh');
    await page.click('[data-lang-switch] [data-lang=en]');
  });

  await step('bulk: select two cases and dismiss them together', async () => {
    await page.goto(`${base}/#/cases`);
    await page.waitForSelector('table.cases tbody tr', { timeout: 20000 }).catch(async (e) => {
      throw new Error(e.message + '\npage: ' + (await page.evaluate(() => document.body.innerText)).slice(0, 1500) + '\nerrors: ' + errors.join('; '));
    });
    check(!(await page.$(`tr[data-id="${spoken.id}"]`)), 'a decided case is still in the open queue');
    const bulk = (await get('/v1/cases?state=open')).cases.filter((c) => bulkRooms.includes(c.room));
    check(bulk.length === bulkRooms.length, 'text cases: ' + JSON.stringify(bulk));
    await page.check(`tr[data-id="${bulk[0].id}"] input.pick`);
    // x selects the current row: move to the second one first.
    await page.click(`tr[data-id="${bulk[1].id}"] td:nth-child(4)`);
    await page.keyboard.press('x');
    await page.waitForFunction(() => /2/.test(document.querySelector('#selected-count').textContent), null, { timeout: 5000 });
    await shot(page, 'console-bulk');
    await page.click('#bulk-dismiss');
    await page.waitForFunction((ids) => ids.every((id) => !document.querySelector(`tr[data-id="${id}"]`)), bulk.map((c) => c.id), { timeout: 10000 });
    for (const c of bulk) {
      const v = await get('/v1/cases/' + c.id);
      check(v.state === 'dismissed' && v.hits.every((h) => h.disposition && h.disposition.decision === 'dismissed'), `case ${c.id} after bulk dismiss: ${v.state}`);
    }
  });

  await step('d dismisses the current case from the keyboard', async () => {
    const c = await waitFor('the key-room case', async () => (await get('/v1/cases?state=open&room=' + keyRoom)).cases[0], 20000);
    await page.waitForSelector(`tr[data-id="${c.id}"]`, { timeout: 10000 });
    await page.click(`tr[data-id="${c.id}"] td:nth-child(4)`); // makes it the current row, selects nothing
    await page.waitForFunction(() => /0/.test(document.querySelector('#selected-count').textContent), null, { timeout: 5000 });
    await page.keyboard.press('d');
    await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), c.id, { timeout: 10000 });
    const v = await get('/v1/cases/' + c.id);
    check(v.state === 'dismissed' && v.hits.every((h) => h.disposition && h.disposition.decision === 'dismissed'), `case ${c.id} after d: ${v.state}`);
  });

  await step('? lists the shortcuts', async () => {
    await page.keyboard.press('?');
    await page.waitForSelector('dialog#keys[open]', { timeout: 5000 });
    const keys = await page.$$eval('dialog#keys kbd', (ks) => ks.map((k) => k.textContent));
    for (const k of ['j', 'k', 'a', 'c', 'd', 'x', '?']) check(keys.includes(k), `the help lacks ${k}: ${keys}`);
    await shot(page, 'console-keys');
    await page.keyboard.press('Escape');
  });

  await step('the stats report decision time per category', async () => {
    const st = await get('/v1/cases/stats');
    const decided = st.categories.filter((c) => c.confirmed + c.dismissed > 0);
    check(decided.length > 0 && decided.every((c) => c.p50_seconds > 0), 'stats: ' + JSON.stringify(st));
    // The console shows the same under the queue, in the page's language.
    await page.goto(`${base}/#/cases`);
    // It follows the queue: the decisions just made show without a reload.
    await page.waitForFunction((cats) => cats.every((c) => /\d/.test(document.querySelector(`#case-stats tr[data-category="${c}"] .p50`)?.textContent || '')),
      decided.map((c) => c.category), { timeout: 10000 }).catch(() => {});
    const shown = await page.$$eval('#case-stats tbody tr', (trs) => trs.map((tr) => ({ cat: tr.dataset.category, p50: tr.querySelector('.p50').textContent })));
    check(shown.length === st.categories.length, 'stats rows: ' + JSON.stringify(shown));
    for (const c of decided) {
      const row = shown.find((r) => r.cat === c.category);
      check(row && /\d/.test(row.p50), `no median decision time shown for ${c.category}: ` + JSON.stringify(shown));
    }
    await shot(page, 'console-case-stats');
  });
} finally {
  await browser.close();
}
if (errors.length) throw new Error(errors.join('\n'));
