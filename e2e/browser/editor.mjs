// editor.mjs: the policy team's lexicon editor: loads the live version,
// shows validation errors inline, edits a rule through the form, tests a
// sentence, runs a backtest and publishes.
import { launch, shot, step, check, env, watchErrors } from './lib.mjs';

const base = env('EARSHOT_URL');
const token = env('EARSHOT_POLICY_TOKEN');
const errors = [];
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  watchErrors(page, errors);
  await page.goto(`${base}/lexicon#token=${encodeURIComponent(token)}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 10000 });
  const good = await page.inputValue('#yaml');

  await step('the form offers the server\'s vocabularies', async () => {
    const sc = await (await fetch(`${base}/v1/lexicons/schema`, { headers: { Authorization: 'Bearer ' + token } })).json();
    for (const [name, terms] of [['category', sc.categories], ['severity', sc.severities]]) {
      const got = (await page.$$eval(`#rule-form [name=${name}] option`, (os) => os.map((o) => o.value))).join(',');
      check(got === terms.map((x) => x.id).join(','), `${name} options ${got}, want the schema's`);
    }
    const sev = await page.inputValue('#rule-form [name=severity]');
    check(sev === sc.severities[Math.floor(sc.severities.length / 2)].id, 'a new rule starts at severity ' + sev);
    check((await page.textContent('#pattern-kinds')).includes(sc.pattern_kinds[1].label), 'pattern kinds not listed');
  });

  await step('shows the live version', async () => {
    check((await page.textContent('#active')).includes('version 1'), 'active line: ' + await page.textContent('#active'));
    check(good.includes('alpha-rule'), 'draft is not the live YAML');
  });

  await step('inline validation names rule and field', async () => {
    await page.fill('#yaml', good.replace('absolute-claim', 'gossip'));
    const li = await page.waitForSelector('#errors li[data-field=category]', { timeout: 5000 });
    const text = await li.textContent();
    check(text.includes('alpha-rule') && text.includes('gossip'), 'error text: ' + text);
    await shot(page, 'editor-invalid');
    await page.fill('#yaml', good);
    await page.waitForSelector('body[data-valid=true]', { timeout: 5000 });
  });

  await step('form adds a rule to the raw YAML', async () => {
    await page.fill('#rule-form [name=id]', 'beta-rule');
    await page.selectOption('#rule-form [name=category]', 'price-fraud');
    await page.fill('#rule-form [name=patterns]', 'beta phrase');
    await page.fill('#rule-form [name=reminder]', 'Please avoid the beta phrase.');
    await page.click('#rule-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('2 rules'), null, { timeout: 5000 });
    check((await page.inputValue('#yaml')).includes('- id: beta-rule'), 'rule not in YAML');
  });

  await step('tests a sentence against the draft', async () => {
    await page.fill('#test-text', 'here is a beta phrase for you');
    await page.click('#test-form button');
    const hit = await page.waitForSelector('#test-result li.hit', { timeout: 5000 });
    check((await hit.textContent()).includes('beta-rule'), 'hit: ' + await hit.textContent());
  });

  await step('runs a backtest', async () => {
    await page.click('#bt-form button');
    const cap = await page.waitForSelector('#bt-table caption', { timeout: 10000 });
    const text = await cap.textContent();
    check(/\+\d+ gained/.test(text) && !text.includes('+0 gained'), 'backtest caption: ' + text);
    check((await page.textContent('#bt-table')).includes('beta-rule'), 'beta-rule not in the backtest table');
    await shot(page, 'editor-backtest');
  });

  await step('publishes with a policy token', async () => {
    await page.fill('#token', token);
    await page.fill('#message', 'add beta rule from the editor');
    await page.click('#pub-form button');
    await page.waitForSelector('body[data-version="2"]', { timeout: 5000 });
    check((await page.textContent('#pub-result')).includes('published version 2'), await page.textContent('#pub-result'));
  });
  check(errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
}
