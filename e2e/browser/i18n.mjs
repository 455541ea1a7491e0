// i18n.mjs: pages speak Chinese and English: the browser's language picks
// one, ?lang= and the 中文/English switch change it (remembered), and
// Chinese is drawn with a CJK font, not tofu boxes.
import { launch, shot, step, check, env, watchErrors } from './lib.mjs';
import { cjkRendering } from './cjk.mjs';

const base = env('EARSHOT_URL');
const token = env('EARSHOT_TOKEN');
const room = env('EARSHOT_ROOM');
const errors = [];
const browser = await launch();
try {
  await step('a Chinese browser gets the Chinese console', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 700 } });
    const page = await ctx.newPage();
    watchErrors(page, errors);
    await page.goto(`${base}/#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('html[lang=zh-CN] [data-nav=alerts]');
    await page.waitForFunction(() => document.querySelector('[data-nav=alerts]')?.textContent === '告警', null, { timeout: 5000 });
    check((await page.textContent('.top .sub')) === '合规控制台', 'brand: ' + await page.textContent('.top .sub'));
    check((await page.getAttribute('[data-lang-switch] [data-lang=zh-CN]', 'aria-pressed')) === 'true', 'switch does not show 中文 as chosen');
    await page.waitForSelector('#main h1');
    await ctx.close();
  });

  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 700 } });
  const page = await ctx.newPage();
  watchErrors(page, errors);

  await step('?lang=zh-CN overrides an English browser, and Chinese renders as Chinese', async () => {
    await page.goto(`${base}/?lang=zh-CN#token=${encodeURIComponent(token)}`);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && (document.querySelector('#whoami')?.textContent || '') !== '', null, { timeout: 5000 });
    check((await page.textContent('[data-nav=search]')) === '搜索', 'nav: ' + await page.textContent('[data-nav=search]'));
    // The header names the role in the page's language too.
    check((await page.textContent('#whoami')).endsWith('(合规)'), 'whoami: ' + await page.textContent('#whoami'));
    const r = await cjkRendering(page, '[data-nav=alerts]');
    console.log('CJK: ' + JSON.stringify(r));
    check(r.fonts.some((f) => /CJK|Han|Hei|Song|Ming|WenQuanYi|Droid Sans Fallback/i.test(f.familyName) && f.glyphCount > 0),
      'the Chinese nav text is not drawn with a CJK font: ' + JSON.stringify(r.fonts));
    check(!r.tofu, 'Chinese glyphs are drawn as the missing-glyph box');
    await page.goto(`${base}/?lang=zh-CN#/alerts`);
    await page.waitForFunction(() => document.querySelector('#main h1')?.textContent === '告警', null, { timeout: 5000 });
    check((await page.$$eval('table.alerts th', (ths) => ths.map((x) => x.textContent))).includes('所说内容'), 'the alert table is not in Chinese');
    await shot(page, 'console.zh');
  });

  await step('the switch changes the language live and is remembered', async () => {
    await page.click('[data-lang-switch] [data-lang=en]');
    await page.waitForFunction(() => document.querySelector('[data-nav=alerts]')?.textContent === 'Alerts', null, { timeout: 5000 });
    check(page.url().includes('lang=en'), 'the address keeps the old ?lang: ' + page.url());
    await page.click('[data-lang-switch] [data-lang=zh-CN]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && document.querySelector('#main h1'), null, { timeout: 5000 });
    await page.goto(`${base}/#/rooms`);
    await page.waitForFunction(() => document.querySelector('[data-nav=rooms]')?.textContent === '直播间', null, { timeout: 5000 });
    check((await page.evaluate(() => localStorage.getItem('earshot.lang'))) === 'zh-CN', 'choice not kept');
    await page.waitForFunction(() => document.querySelector('#main h1')?.textContent === '直播间', null, { timeout: 5000 });
    await page.goto(`${base}/#/search?q=nothing`);
    await page.waitForFunction(() => /找到 \d+ 句话|搜索失败/.test(document.querySelector('.results')?.textContent), null, { timeout: 5000 });
    check((await page.textContent('label[for=q]')) === '搜索转写文本', 'search form not in Chinese');
    await page.goto(`${base}/#/rooms`);
    await page.click('[data-lang-switch] [data-lang=en]');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-nav=rooms]')?.textContent === 'Rooms', null, { timeout: 5000 });
    await shot(page, 'console.en');
  });

  await step('the overlay follows ?lang=', async () => {
    const ov = await ctx.newPage();
    watchErrors(ov, errors);
    await ov.goto(`${base}/overlay/${room}?lang=zh-CN`);
    await ov.waitForFunction(() => document.documentElement.lang === 'zh-CN' && document.title === 'earshot 主播提醒', null, { timeout: 5000 });
    await ov.close();
  });
  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
