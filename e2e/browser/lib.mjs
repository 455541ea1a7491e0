// lib.mjs: launching Debian's Chromium with playwright-core and small
// helpers shared by the browser tests. Never downloads a browser.
import { chromium } from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`missing env ${name} (run through e2e/browser_test.go)`);
  return v;
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--autoplay-policy=no-user-gesture-required'],
  });
}

const artifacts = process.env.ARTIFACTS_DIR || fs.mkdtempSync('/tmp/earshot-shots-');

export async function shot(page, name, opts = {}) {
  const file = path.join(artifacts, name + '.png');
  await page.screenshot({ path: file, fullPage: true, ...opts });
  console.log('screenshot: ' + file);
  return file;
}

// post sends body as a platform service would, with the ingest token the
// Go test passes in EARSHOT_INGEST_TOKEN.
export async function post(url, body, type = 'application/json') {
  const headers = { 'Content-Type': type };
  if (process.env.EARSHOT_INGEST_TOKEN) headers.Authorization = 'Bearer ' + process.env.EARSHOT_INGEST_TOKEN;
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const say = (base, room, text) => post(`${base}/v1/rooms/${room}/utterances`, JSON.stringify({ text }));

// step runs one named check and prints how long it took.
export async function step(name, fn) {
  const t0 = Date.now();
  await fn();
  console.log(`ok   ${name} (${Date.now() - t0} ms)`);
}

// pageErrors collects uncaught page errors: each is a test failure.
export function watchErrors(page, errors) {
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
}

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
