// console.mjs: the compliance console lists a new alert live, plays its
// evidence clip, keeps confirm/dismiss across a reload, and finds a phrase
// in the transcript search with it highlighted.
import fs from 'node:fs';
import { launch, shot, say, step, check, env, post, watchErrors } from './lib.mjs';

const base = env('EARSHOT_URL');
const tok = env('EARSHOT_TOKEN');
const room = env('EARSHOT_ROOM');
const textRoom = env('EARSHOT_OTHER_ROOM');
const wav = env('EARSHOT_WAV');
const errors = [];
const notes = [];

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/#token=${encodeURIComponent(tok)}`);
  await page.waitForSelector('body[data-live="1"]', { state: 'attached', timeout: 10000 });
  check(!page.url().includes('token='), 'the token stayed in the address bar');
  check(await page.evaluate(() => localStorage.length === 0 && sessionStorage.length === 0), 'the page stored something (a token?)');
  check((await page.textContent('#whoami')).includes('Li Na (browser test)'), 'reviewer is not the token subject: ' + await page.textContent('#whoami'));
  // The console opens on the case queue (cases.mjs); this test is about the alert log.
  await page.evaluate(() => { location.hash = '#/alerts'; });
  await page.waitForSelector('table.alerts', { timeout: 10000 });

  await step('filters list the server\'s categories and severities', async () => {
    const sc = await (await fetch(`${base}/v1/lexicons/schema`, { headers: { Authorization: 'Bearer ' + tok } })).json();
    const want = (terms) => ['', ...terms.map((x) => x.id)].join(',');
    await page.waitForFunction((n) => document.querySelectorAll('#category option').length === n, sc.categories.length + 1, { timeout: 10000 })
      .catch(async (e) => { throw new Error(`category filter not filled (${e.message}): ${await page.$eval('#category', (s) => s.title + ' | ' + s.outerHTML)}`); });
    for (const [id, terms] of [['category', sc.categories], ['severity', sc.severities]]) {
      const got = (await page.$$eval(`#${id} option`, (os) => os.map((o) => o.value))).join(',');
      check(got === want(terms), `#${id} options ${got}, want the schema's ${want(terms)}`);
    }
    check((await page.textContent('#category')).includes(sc.categories[0].label), 'category options lack the schema labels');
  });

  let audioRow;
  await step('lists new alerts live', async () => {
    await post(`${base}/v1/rooms/${room}/audio?pace=fast`, fs.readFileSync(wav), 'audio/wav');
    await say(base, textRoom, 'Please send the money to my personal bank account.');
    audioRow = await page.waitForSelector(`tbody tr:has(td:text-is("${room}"))`, { timeout: 45000 }).catch(async (e) => {
      const rooms = await (await fetch(`${base}/v1/rooms`, { headers: { Authorization: 'Bearer ' + tok } })).text();
      throw new Error(`no live row for ${room}: ${e.message}\nrooms: ${rooms}`);
    });
    await page.waitForSelector(`tbody tr:has(td:text-is("${textRoom}"))`, { timeout: 10000 });
    check(await audioRow.evaluate((tr) => tr.classList.contains('new')), 'the alert row was not added live');
    await shot(page, 'console-alerts');
  });

  await step('alert page plays its clip', async () => {
    await audioRow.$eval('a', (a) => a.click());
    await page.waitForSelector('blockquote.context mark', { timeout: 10000 });
    const audio = await page.$('audio');
    if (!audio) {
      notes.push('no clip_url on the audio alert: ' + (await page.textContent('#clip-status')));
      return;
    }
    // The clip is written a few seconds after the alert: reload until it is.
    const deadline = Date.now() + 30000;
    let state;
    for (;;) {
      state = await page.$eval('audio', (a) => ({ ready: a.readyState, duration: a.duration, err: a.error && a.error.code }));
      if (state.ready >= 1 && state.duration > 0) break;
      check(Date.now() < deadline, 'clip never loaded: ' + JSON.stringify(state));
      await page.waitForTimeout(1000);
      await page.$eval('audio', (a) => a.load());
    }
    console.log(`clip loaded: readyState ${state.ready}, ${state.duration.toFixed(2)} s`);
    await page.$eval('audio', (a) => { a.muted = true; return a.play(); });
    await page.waitForFunction(() => document.querySelector('audio').currentTime > 0, null, { timeout: 10000 });
    await shot(page, 'console-alert');
  });

  await step('confirm persists across a reload', async () => {
    await page.fill('#note', 'clear cure claim');
    await page.click('button[data-decision=confirmed]');
    await page.waitForSelector('#decision[data-decision=confirmed]', { timeout: 5000 });
    await page.reload();
    await page.waitForSelector('#decision[data-decision=confirmed]', { timeout: 10000 });
    check((await page.textContent('#decision')).includes('clear cure claim'), 'note lost on reload');
    check((await page.textContent('#decision')).includes('by Li Na (browser test)'), 'decision not by the token subject: ' + await page.textContent('#decision'));
    const who = await page.textContent('#whoami');
    check(who.includes('Li Na (browser test)'), 'signed out by a reload: ' + JSON.stringify(who));
    await shot(page, 'console-confirmed');
  });

  await step('dismiss persists across a reload', async () => {
    await page.goto(`${base}/#/alerts?room=${textRoom}`);
    await page.click(`tbody tr:has(td:text-is("${textRoom}")) a`);
    await page.click('button[data-decision=dismissed]');
    await page.waitForSelector('#decision[data-decision=dismissed]', { timeout: 5000 });
    await page.reload();
    await page.waitForSelector('#decision[data-decision=dismissed]', { timeout: 10000 });
    await page.goto(`${base}/#/alerts`);
    await page.waitForSelector('tbody tr .badge.decision-dismissed', { timeout: 10000 });
    await page.waitForSelector('tbody tr .badge.decision-confirmed', { timeout: 10000 });
  });

  await step('search finds a phrase and highlights it', async () => {
    const probe = await fetch(`${base}/v1/transcripts?q=x`, { headers: { Authorization: 'Bearer ' + tok } });
    const json = (probe.headers.get('content-type') || '').includes('json');
    await say(base, textRoom, 'The velvet walrus sings at noon every day.');
    await page.goto(`${base}/#/search`);
    await page.fill('#q', '"velvet walrus"');
    await page.press('#q', 'Enter');
    if (!json) {
      await page.waitForSelector('.problem', { timeout: 10000 });
      notes.push('search endpoint missing; the page says: ' + (await page.textContent('.problem')));
      await shot(page, 'console-search-missing');
      return;
    }
    // Transcripts are indexed in batches: search again until it shows up.
    const deadline = Date.now() + 20000;
    while (!(await page.$('.hit mark'))) {
      check(Date.now() < deadline, 'no highlighted hit: ' + (await page.textContent('.results')));
      await page.waitForTimeout(1000);
      await page.click('form[role=search] button[type=submit]');
      await page.waitForTimeout(300);
    }
    const marks = await page.$$eval('.hit mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    check(marks.some((m) => m.includes('velvet') || m.includes('walrus')), 'highlights: ' + marks);
    await shot(page, 'console-search');
    await page.click('.hit-link');
    await page.waitForSelector('.timeline li.focus, .problem', { timeout: 10000 });
    await shot(page, 'console-timeline');
  });

  await step('rooms page lists both rooms', async () => {
    await page.goto(`${base}/#/rooms`);
    await page.waitForSelector(`th:text-is("${room}")`, { timeout: 10000 });
    await page.waitForSelector(`th:text-is("${textRoom}")`, { timeout: 10000 });
    await shot(page, 'console-rooms');
  });
} finally {
  await browser.close();
}
for (const n of notes) console.log('note: ' + n);
if (errors.length) throw new Error(errors.join('\n'));
