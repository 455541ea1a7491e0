// appeal.mjs: the appeal round trip. A confirmed alert of the room; its
// anchor appeals with the room token; the overlay (in English and in
// Chinese) says the appeal was received; staff see it under Appeals and
// overturn it with a note; the overlay shows the outcome and the alert is
// dismissed. Another room's anchor and a second appeal are refused.
import { launch, shot, say, step, check, env, watchErrors } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const tok = env('EARSHOT_TOKEN');
const room = env('EARSHOT_ROOM');
const roomTok = env('EARSHOT_ROOM_TOKEN');
const otherTok = env('EARSHOT_OTHER_ROOM_TOKEN');
const errors = [];
const call = async (method, p, token, body) => {
  const res = await fetch(base + p, { method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => null);
  return { status: res.status, body: json };
};

const browser = await launch();
try {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
  const overlay = await ctx.newPage();
  watchErrors(overlay, errors);
  await overlay.goto(`${base}/overlay/${room}#token=${encodeURIComponent(roomTok)}`);
  await overlay.waitForSelector('body[data-state=live]', { state: 'attached', timeout: 10000 });
  const zhCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
  const overlayZh = await zhCtx.newPage();
  watchErrors(overlayZh, errors);
  await overlayZh.goto(`${base}/overlay/${room}?lang=zh-CN#token=${encodeURIComponent(roomTok)}`);
  await overlayZh.waitForSelector('body[data-state=live]', { state: 'attached', timeout: 10000 });

  let alertID;
  await step('only a confirmed alert may be appealed, by its room\'s anchor, once', async () => {
    await say(base, room, 'This cream cures diabetes.');
    await overlay.waitForSelector('.reminder:not(.appeal)', { timeout: 10000 });
    alertID = await overlay.$eval('.reminder:not(.appeal)', (c) => c.dataset.alert);
    check(alertID, 'the reminder card names no alert');
    let r = await call('POST', `/v1/alerts/${alertID}/appeal`, roomTok, { reason: 'I was quoting a customer' });
    check(r.status === 409 && r.body.error.code === 'not_confirmed', 'appeal before review: ' + JSON.stringify(r));
    r = await call('POST', `/v1/alerts/${alertID}/disposition`, tok, { decision: 'confirmed' });
    check(r.status === 201, 'confirm: ' + JSON.stringify(r));
    r = await call('POST', `/v1/alerts/${alertID}/appeal`, otherTok, { reason: 'not my room' });
    check(r.status === 403 && r.body.error.code === 'forbidden', 'another room\'s anchor: ' + JSON.stringify(r));
    r = await call('POST', `/v1/alerts/${alertID}/appeal`, roomTok, { reason: 'I was quoting a customer' });
    check(r.status === 201 && r.body.state === 'pending', 'appeal: ' + JSON.stringify(r));
    r = await call('POST', `/v1/alerts/${alertID}/appeal`, roomTok, { reason: 'again' });
    check(r.status === 409 && r.body.error.code === 'already_appealed', 'second appeal: ' + JSON.stringify(r));
  });

  await step('the overlay says the appeal was received', async () => {
    await overlay.waitForSelector('.reminder.appeal-pending', { timeout: 10000 });
    await overlayZh.waitForSelector('.reminder.appeal-pending', { timeout: 10000 });
    check((await overlayZh.textContent('.reminder.appeal-pending')).includes('申诉已收到'), 'zh overlay: ' + await overlayZh.textContent('.reminder.appeal-pending'));
  });

  await step('staff overturn it from the appeals queue', async () => {
    const page = await ctx.newPage();
    watchErrors(page, errors);
    await page.goto(`${base}/#token=${encodeURIComponent(tok)}`);
    await page.waitForSelector('table.cases', { timeout: 10000 });
    await page.click('[data-nav=appeals]');
    const item = `.appeal-item[data-alert="${alertID}"]`;
    await page.waitForSelector(item, { timeout: 10000 });
    check((await page.textContent(item)).includes('I was quoting a customer'), 'the reason is not shown');
    await page.fill(`${item} textarea`, 'the clip shows a quote');
    await shot(page, 'console-appeals');
    await page.click(`${item} button.overturn`);
    await page.waitForSelector(item, { state: 'detached', timeout: 10000 });
    const a = await call('GET', `/v1/alerts/${alertID}`, tok);
    check(a.body.disposition.decision === 'dismissed' && a.body.disposition.note.includes('the clip shows a quote'), 'alert after overturn: ' + JSON.stringify(a.body.disposition));
    // The alert page names its case and the appeal's outcome.
    await page.goto(`${base}/#/alert/${alertID}`);
    await page.waitForSelector('#alert-appeal[data-state=overturned]', { timeout: 10000 });
    await page.click('#alert-case');
    await page.waitForSelector('.case-hit .badge.appeal-overturned', { timeout: 10000 });
    check((await page.textContent('#notes')).includes('overturned'), 'the case does not note the appeal: ' + await page.textContent('#notes'));
    await shot(page, 'console-case-appeal');
    await page.close();
  });

  await step('the overlay shows the outcome, in both languages', async () => {
    await overlay.waitForSelector('.reminder.appeal-overturned', { timeout: 10000 });
    check((await overlay.textContent('.reminder.appeal-overturned')).includes('the clip shows a quote'), 'the note is not shown');
    await shot(overlay, 'overlay-appeal');
    await overlayZh.waitForSelector('.reminder.appeal-overturned', { timeout: 10000 });
    check((await overlayZh.textContent('.reminder.appeal-overturned')).includes('申诉成立'), 'zh overlay: ' + await overlayZh.textContent('.reminder.appeal-overturned'));
    // The screenshot shows Chinese only if a CJK font draws it (no tofu).
    const r = await cjkRendering(overlayZh, '.reminder.appeal-overturned');
    check(r.fonts.some((f) => /CJK|Han|Hei|Song|Ming|WenQuanYi|Droid Sans Fallback/i.test(f.familyName) && f.glyphCount > 0) && !r.tofu,
      'the zh overlay does not draw its Chinese with a CJK font: ' + JSON.stringify(r));
    await shot(overlayZh, 'overlay-appeal.zh');
  });
} finally {
  await browser.close();
}
if (errors.length) throw new Error(errors.join('\n'));
