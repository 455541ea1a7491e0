// overlay.mjs: the anchor overlay shows its own room's reminders live, never
// another room's, reconnects after a server restart, and a wrong token
// draws nothing but says why on the console.
import { launch, shot, say, step, check, env, post, watchErrors } from './lib.mjs';

const base = env('EARSHOT_URL');
const room = env('EARSHOT_ROOM');
const other = env('EARSHOT_OTHER_ROOM');
const tok = env('EARSHOT_ROOM_TOKEN');
const control = env('EARSHOT_CONTROL');
const schemaTok = env('EARSHOT_SCHEMA_TOKEN');
const errors = [];

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  watchErrors(page, errors);
  const logs = [];
  page.on('console', (m) => logs.push(m.type() + ': ' + m.text()));
  await page.goto(`${base}/overlay/${room}?hold=2500#token=${encodeURIComponent(tok)}`);
  await page.waitForSelector('body[data-state=live]', { state: 'attached', timeout: 10000 });
  check(!page.url().includes('token='), 'the token stayed in the address bar: ' + page.url());

  await step('transparent background', async () => {
    const bg = await page.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).backgroundColor]);
    check(bg.every((c) => c === 'rgba(0, 0, 0, 0)' || c === 'transparent'), 'overlay background is not transparent: ' + bg);
  });

  await step('shows its room\'s reminder, not another room\'s', async () => {
    const foreign = await say(base, other, 'Please send the money to my personal bank account.');
    check(foreign.alerts.length > 0, 'no alert for the other room');
    const t0 = Date.now();
    const mine = await say(base, room, 'This cream cures diabetes.');
    check(mine.alerts.length > 0, 'no alert for the overlay\'s room');
    const card = await page.waitForSelector('.reminder', { timeout: 5000 });
    console.log(`reminder drawn ${Date.now() - t0} ms after the utterance was posted`);
    const text = await card.textContent();
    check(text.includes(mine.alerts[0].reminder), `card "${text}" lacks "${mine.alerts[0].reminder}"`);
    const all = await page.$$eval('.reminder', (els) => els.map((e) => e.textContent));
    check(!all.some((t) => t.includes(foreign.alerts[0].reminder)), 'the other room\'s reminder was drawn: ' + all);
    // The card names the category by its label in the page's language
    // (the feed carries the lexicon's names), not by its id.
    const sc = await (await fetch(`${base}/v1/lexicons/schema`, { headers: { Authorization: 'Bearer ' + schemaTok } })).json();
    const cat = sc.categories.find((c) => c.id === mine.alerts[0].category);
    check(cat && cat.label, 'the schema has no label for ' + mine.alerts[0].category);
    const label = await card.$eval('.label', (e) => e.textContent);
    check(label.startsWith(cat.label), `card label "${label}" does not start with the category's label "${cat.label}"; console: ${logs.join(" | ")}`);
    const sev = await card.getAttribute('class');
    check(sev.includes('sev-' + mine.alerts[0].severity), 'card class lacks the severity: ' + sev);
    await shot(page, 'overlay-reminder', { omitBackground: true });
  });

  await step('fades out', async () => {
    await page.waitForFunction(() => document.querySelectorAll('.reminder').length === 0, null, { timeout: 15000 });
  });

  await step('reconnects after a server restart', async () => {
    await post(control + '/restart', '');
    await page.waitForSelector('body[data-state=live]', { state: 'attached', timeout: 20000 });
    const again = await say(base, room, 'It is the best cream in the world.');
    check(again.alerts.length > 0, 'no alert after restart');
    const card = await page.waitForSelector('.reminder', { timeout: 5000 });
    check((await card.textContent()).includes(again.alerts[0].reminder), 'wrong reminder after restart');
  });

  await step('a wrong token shows nothing and logs why', async () => {
    const bad = await browser.newPage();
    watchErrors(bad, errors);
    const msgs = [];
    bad.on('console', (m) => msgs.push(m.type() + ': ' + m.text()));
    await bad.goto(`${base}/overlay/${room}?token=not-a-token`);
    await bad.waitForSelector('body[data-state=denied]', { state: 'attached', timeout: 10000 });
    await say(base, room, 'This is the lowest price ever.');
    await bad.waitForTimeout(1000);
    check((await bad.$$('.reminder')).length === 0, 'a wrong token drew a reminder');
    check(msgs.some((m) => m.startsWith('error: earshot overlay: token rejected')), 'no console error: ' + msgs.join(' | '));
    console.log('console said: ' + msgs.find((m) => m.includes('token rejected')));
  });
} finally {
  await browser.close();
}
if (errors.length) throw new Error(errors.join('\n'));
