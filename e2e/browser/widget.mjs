// widget.mjs: the viewers' widget reports the moment of the stream the
// viewer is at, refuses the same moment twice, shows the poll staff open
// on an alert, takes one vote per viewer with the counts hidden until the
// poll closes, and then shows the result to everyone.
import { launch, shot, step, check, env, post, watchErrors } from './lib.mjs';

const base = env('EARSHOT_URL');
const room = env('EARSHOT_ROOM');
const staff = env('EARSHOT_TOKEN');
const v1 = env('EARSHOT_VIEWER_TOKEN');
const v2 = env('EARSHOT_VIEWER2_TOKEN');
const errors = [];

async function asStaff(method, path, body) {
  const res = await fetch(base + path, {
    method, headers: { Authorization: 'Bearer ' + staff, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// The platform's transcript of the room: the claim is at 3 s to 6 s.
const said = await post(`${base}/v1/rooms/${room}/utterances`, JSON.stringify([
  { text: 'hello everyone welcome to the live room', start_ms: 0, end_ms: 3000 },
  { text: 'this cream cures diabetes', start_ms: 3000, end_ms: 6000 },
]));
check(said.alerts.length === 1, 'no rule alert for the claim: ' + JSON.stringify(said));
const alertID = said.alerts[0].id;

const browser = await launch();
try {
  const ctx1 = await browser.newContext({ viewport: { width: 420, height: 560 } });
  const page = await ctx1.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}/widget/${room}?at_ms=5000&poll_ms=300&lang=en#token=${encodeURIComponent(v1)}`);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 10000 });
  check(!page.url().includes('token='), 'the token stayed in the address bar: ' + page.url());

  await step('reports the current moment', async () => {
    const n = await page.$$eval('#category option', (os) => os.length);
    check(n >= 2, `only ${n} categories offered`);
    await page.selectOption('#category', { index: 0 });
    await page.fill('#text', 'she says the cream cures diabetes');
    await page.click('#send');
    await page.waitForSelector('#report-status[data-state=sent]', { timeout: 5000 });
    const text = await page.textContent('#report-status');
    check(/0:0[5-9]/.test(text), 'the status does not name the moment reported: ' + text);
    const st = await asStaff('GET', `/v1/rooms/${room}`);
    check(st.reports && st.reports.reports >= 1, 'the room counts no report: ' + JSON.stringify(st.reports));
    await shot(page, 'widget-reported');
  });

  await step('the same moment twice is refused', async () => {
    await page.waitForSelector('#send:not([disabled])', { timeout: 5000 });
    await page.click('#send');
    await page.waitForSelector('#report-status[data-state=duplicate_report]', { timeout: 5000 });
  });

  let poll;
  const staffCtx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const consolePage = await staffCtx.newPage();
  watchErrors(consolePage, errors);
  await step('staff open a poll from the console; the widget shows it without counts', async () => {
    await consolePage.goto(`${base}/#token=${encodeURIComponent(staff)}`);
    await consolePage.waitForFunction(() => !location.hash.includes('token='), null, { timeout: 10000 });
    await consolePage.evaluate((id) => { location.hash = '#/alert/' + id; }, alertID);
    await consolePage.waitForSelector('#viewers #poll-open', { timeout: 10000 });
    const corr = await consolePage.textContent('#viewers');
    check(corr.includes('1 viewer reported this moment'), 'the console does not show the report corroborating the alert: ' + corr);
    await consolePage.fill('#poll-question-input', 'Does this cream cure diabetes?');
    await consolePage.click('#poll-open');
    await consolePage.waitForSelector('#poll-state[data-state=open]', { timeout: 5000 });
    poll = (await asStaff('GET', `/v1/alerts/${alertID}`)).poll;
    check(poll && poll.state === 'open', 'the API has no open poll: ' + JSON.stringify(poll));
    await page.waitForSelector('#poll[data-state=open] button[data-option=yes]', { timeout: 5000 });
    check((await page.textContent('#poll-question')).includes('cure diabetes'), 'the question is not shown');
    check(await page.$eval('#poll-results', (e) => e.hidden && e.children.length === 0), 'results shown on an open poll');
  });

  await step('one vote per viewer, counts hidden until the poll closes', async () => {
    await page.click('#poll button[data-option=yes]');
    await page.waitForFunction(() => document.querySelectorAll('#poll-options button').length === 0, null, { timeout: 5000 });
    const ctx2 = await browser.newContext();
    const other = await ctx2.newPage();
    watchErrors(other, errors);
    await other.goto(`${base}/widget/${room}?at_ms=5000&poll_ms=300#token=${encodeURIComponent(v2)}`);
    await other.waitForSelector('#poll[data-state=open] button[data-option=no]', { timeout: 5000 });
    await other.click('#poll button[data-option=no]');
    await other.waitForFunction(() => document.querySelectorAll('#poll-options button').length === 0, null, { timeout: 5000 });
    // A second vote by the same viewer, straight at the API, is refused.
    const res = await fetch(`${base}/v1/rooms/${room}/poll/vote`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + v1, 'Content-Type': 'application/json' },
      body: JSON.stringify({ poll: poll.id, option: 'no' }),
    });
    check(res.status === 409, 'a second vote by viewer 1 answered ' + res.status);
    for (const p of [page, other]) {
      const visible = await p.$eval('#poll', (e) => e.textContent);
      check(!/\byes: \d|\bno: \d/.test(visible), 'running counts shown to a voter: ' + visible);
    }
    const running = await asStaff('GET', `/v1/alerts/${alertID}`);
    check(running.poll && running.poll.counts.yes === 1 && running.poll.counts.no === 1, 'staff do not see the running counts: ' + JSON.stringify(running.poll));
    await shot(page, 'widget-voted');
    await ctx2.close();
  });

  await step('closing the poll from the console shows the result', async () => {
    await consolePage.click('#poll-refresh');
    await consolePage.waitForSelector('#poll-counts li[data-option=no]:text("no: 1")', { timeout: 5000 });
    await consolePage.click('#poll-close');
    await consolePage.waitForSelector('#poll-state[data-state=closed]', { timeout: 5000 });
    const card = await consolePage.textContent('#viewer-poll');
    check(!card.includes('null') && card.includes('2 votes'), 'the closed poll card: ' + card);
    await consolePage.waitForSelector('#alert-case', { timeout: 5000 });
    const whole = await consolePage.innerText('main');
    check(!/\bnull\b/.test(whole), 'the alert page shows "null": ' + whole);
    await shot(consolePage, 'console-poll-closed');
    await page.waitForSelector('#poll[data-state=closed] #poll-results li[data-option=yes]', { timeout: 5000 });
    const rows = await page.$$eval('#poll-results li', (ls) => ls.map((l) => l.textContent));
    check(rows.includes('yes: 1') && rows.includes('no: 1'), 'result rows: ' + rows);
    await shot(page, 'widget-closed');
  });

  await step('the case queue shows the detection the viewer corroborated', async () => {
    await consolePage.goto(`${base}/#/cases`);
    const tag = await consolePage.waitForSelector('table.cases tr .corroborated', { timeout: 10000 });
    const text = await tag.textContent();
    check(text.includes('1 viewer reported it') && (await tag.getAttribute('data-reports')) === '1', 'queue tag: ' + text);
  });

  await step('in Chinese', async () => {
    const zh = await ctx1.newPage();
    watchErrors(zh, errors);
    await zh.goto(`${base}/widget/${room}?lang=zh-CN#token=${encodeURIComponent(v1)}`);
    await zh.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 10000 });
    const h = await zh.textContent('#report-title');
    check(h.includes('直播'), 'the heading is not Chinese: ' + h);
    await zh.waitForSelector('#poll[data-state=closed]', { timeout: 5000 });
    check((await zh.textContent('#poll-status')).includes('投票已结束'), 'the closed poll is not described in Chinese');
    await shot(zh, 'widget-zh');
  });

  await step('a page without a token says so', async () => {
    const bare = await ctx1.newPage();
    watchErrors(bare, errors);
    await bare.goto(`${base}/widget/${room}`);
    await bare.waitForFunction(() => document.getElementById('report-status').textContent.length > 0, null, { timeout: 5000 });
    check(await bare.$eval('#send', (b) => b.disabled), 'the report button works without a token');
  });
  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
