import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Browser } from 'playwright';
import { contentSecurityPolicyMeta } from '../../main/api/csp';
import { chromiumMissingReason, launchChromium, screenshotPath } from '../helpers/browser';
import { type ServeProcess, startServe } from '../helpers/serve';

const missing = chromiumMissingReason();
if (missing) console.log(`# skipping e2e: ${missing}`);

let serve: ServeProcess;
let browser: Browser;

before(async () => {
  if (missing) return;
  serve = await startServe();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await serve?.stop();
});

test('serve opens the studio in Chromium and the System page shows real onnxruntime-node data', { skip: missing ?? false }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${serve.openUrl}#/system`);
  await page.getByTestId('ort-version').waitFor({ timeout: 60_000 });
  assert.equal((await page.getByTestId('ort-version').textContent())?.trim(), ort.env.versions.node);
  // the probe ran here: CPU works on every machine, and the page says which provider is used and why
  await page.getByTestId('provider-cpu').getByText('available').waitFor();
  assert.match((await page.getByTestId('chosen-provider').textContent()) ?? '', /Using \w+: .+/);
  // the token left the address bar, and the page kept working through the cookie
  assert.doesNotMatch(page.url(), /token=/);
  // ...and the page's script never held it: nothing in web storage, the cookie is HttpOnly
  const stored = await page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }, document.cookie]));
  assert.ok(!stored.includes(serve.token), `the token is readable by the page: ${stored}`);
  // the built page carries its CSP as a <meta> too
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), contentSecurityPolicyMeta());
  await page.screenshot({ path: screenshotPath('system'), fullPage: true });
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
  await page.close();
});

test('a page opened without the token gets no studio', { skip: missing ?? false }, async () => {
  const page = await browser.newPage();
  const response = await page.goto(serve.origin + '/');
  assert.equal(response?.status(), 401);
  await page.close();
});
