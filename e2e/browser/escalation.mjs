// escalation.mjs: an anchor who repeats a medical claim is reminded, then
// escalated; the overlay draws each escalation in its stronger style (not
// as a reminder card), the staff level only at the policy's count and the
// stop_suggested level after it, in the page's language.
import { launch, shot, say, step, check, env, watchErrors } from './lib.mjs';

const base = env('EARSHOT_URL');
const room = env('EARSHOT_ROOM');
const tok = JSON.parse(env('EARSHOT_ROOM_TOKENS')); // language -> the token of room-<language>
const staffAt = parseInt(env('EARSHOT_STAFF_AT'), 10);
const stopAt = parseInt(env('EARSHOT_STOP_AT'), 10);
const claim = 'This cream cures diabetes.';
const errors = [];

const browser = await launch();
try {
  for (const lang of ['en', 'zh-CN']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    watchErrors(page, errors);
    await page.goto(`${base}/overlay/${room}-${lang}?hold=20000&lang=${lang}#token=${encodeURIComponent(tok[lang])}`);
    await page.waitForSelector('body[data-state=live]', { state: 'attached', timeout: 10000 });
    const r = `${room}-${lang}`;

    await step(`${lang}: no escalation before ${staffAt} reminders`, async () => {
      for (let i = 1; i < staffAt; i++) {
        const res = await say(base, r, claim);
        check(res.alerts.length > 0, 'no alert for the claim');
        await page.waitForFunction((n) => document.querySelectorAll('.reminder').length >= n, Math.min(i, 3), { timeout: 5000 });
      }
      // the feed is ordered: a reminder after the last one proves nothing else came between
      check((await page.$$('.escalation')).length === 0, 'an escalation was drawn before the staff count');
    });

    await step(`${lang}: level staff at reminder ${staffAt}, in the stronger style`, async () => {
      await say(base, r, claim);
      const card = await page.waitForSelector('.escalation.level-staff', { timeout: 5000 });
      const text = await card.textContent();
      check(text.includes(lang === 'en' ? 'compliance staff notified' : '已通知合规人员'), `staff card says "${text}"`);
      check(text.includes(String(staffAt)), `staff card lacks the count ${staffAt}: "${text}"`);
      const [esc, rem] = await page.evaluate(() => {
        const style = (el) => { const s = getComputedStyle(el); return { size: parseFloat(s.fontSize), border: parseFloat(s.borderTopWidth), bg: s.backgroundColor, anim: s.animationName }; };
        return [style(document.querySelector('.escalation')), style(document.querySelector('.reminder'))];
      });
      check(esc.size > rem.size, `escalation font ${esc.size}px is not larger than a reminder's ${rem.size}px`);
      check(esc.border >= 4, `escalation border ${esc.border}px: want a thick frame`);
      check(esc.bg !== rem.bg, 'escalation has the reminder background');
      check(esc.anim === 'pulse', 'escalation does not pulse: ' + esc.anim);
      await shot(page, `overlay-escalation-staff-${lang}`, { omitBackground: true });
    });

    await step(`${lang}: level stop_suggested at reminder ${stopAt}, once`, async () => {
      for (let i = staffAt + 1; i <= stopAt; i++) await say(base, r, claim);
      const card = await page.waitForSelector('.escalation.level-stop_suggested', { timeout: 5000 });
      const text = await card.textContent();
      check(text.includes(lang === 'en' ? 'stopping the stream suggested' : '已建议平台暂停直播'), `stop card says "${text}"`);
      await say(base, r, claim); // past stop_suggested: a reminder, no new level
      await page.waitForTimeout(500);
      const levels = await page.$$eval('.escalation', (els) => els.map((e) => e.dataset.level));
      check(levels.join() === 'staff,stop_suggested', 'escalation cards: ' + levels.join());
      await shot(page, `overlay-escalation-stop-${lang}`, { omitBackground: true });
    });
    await page.close();
  }

  await step('console: the escalations list, stored and live, in the stronger style', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watchErrors(page, errors);
    await page.goto(`${base}/?lang=en#token=${encodeURIComponent(env('EARSHOT_COMPLIANCE_TOKEN'))}`);
    await page.waitForSelector('[data-nav=escalations]');
    await page.goto(`${base}/?lang=en#/escalations`);
    await page.waitForSelector('body[data-live="1"]', { state: 'attached', timeout: 10000 });
    await page.waitForFunction(() => document.querySelectorAll('tr.escalation').length >= 4, null, { timeout: 5000 });
    const stored = await page.$$eval('tr.escalation', (els) => els.map((e) => e.dataset.level));
    check(stored.filter((l) => l === 'stop_suggested').length === 2 && stored.filter((l) => l === 'staff').length === 2,
      'stored escalations: ' + stored.join());
    const live = `${room}-live`;
    for (let i = 1; i <= staffAt; i++) await say(base, live, claim);
    const row = await page.waitForSelector('tr.escalation.new.level-staff', { timeout: 5000 });
    check((await row.textContent()).includes(live), 'the live row is not the new room\'s: ' + (await row.textContent()));
    const [esc, plain] = await page.evaluate(() => {
      const shadow = (sel) => getComputedStyle(document.querySelector(sel)).boxShadow;
      return [shadow('tr.escalation.level-stop_suggested'), getComputedStyle(document.querySelector('thead tr')).boxShadow];
    });
    check(esc !== plain && esc !== 'none', 'stop_suggested row has no marker: ' + esc);
    await page.selectOption('#level', 'stop_suggested');
    await page.waitForFunction(() => [...document.querySelectorAll('tr.escalation')].every((e) => e.dataset.level === 'stop_suggested') &&
      document.querySelectorAll('tr.escalation').length === 2, null, { timeout: 5000 });
    await shot(page, 'console-escalations');
    await page.close();
  });
} finally {
  await browser.close();
}
if (errors.length) throw new Error(errors.join('\n'));
