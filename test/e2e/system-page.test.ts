import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProviderReport } from '../../main/contract';
import type { Browser } from 'playwright';
import { contentSecurityPolicyMeta } from '../../main/api/csp';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath } from '../helpers/browser';
import { repoRoot } from '../helpers/fixtures';
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
after(() => closeStudio(browser, serve));

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
  // the device each working provider runs on, as `glimmer info` (the same probe) names it
  const report = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'info', '--json'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as ProviderReport;
  for (const p of report.providers.filter((x) => x.available)) {
    const cell = (await page.getByTestId(`device-${p.name}`).textContent()) ?? '';
    const first = p.devices?.[0];
    if (first) {
      assert.ok(cell.includes(first.vendor), `${p.name}: the device cell names ${first.vendor}: ${cell}`);
      if (first.software) assert.match(cell, /software/);
    } else if (p.adapter) assert.ok(cell.includes(p.adapter), `${p.name}: ${cell}`);
    assert.equal(await page.getByTestId(`check-${p.name}`).count(), (p.checks ?? []).length, `${p.name}: one warning per self-check finding`);
  }
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
