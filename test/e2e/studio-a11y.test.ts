/**
 * Accessibility of every main screen in Chromium against `serve`: each control has an accessible
 * name, everything on the generate screen is reachable with Tab in a sensible order, and the focused
 * control shows a visible focus ring. Needs no model.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import { chromiumMissingReason, closeStudio, launchChromium } from '../helpers/browser';
import { type ServeProcess, startServe } from '../helpers/serve';

const missing = chromiumMissingReason();
if (missing) console.log(`# skipping e2e: ${missing}`);

let serve: ServeProcess;
let browser: Browser;
let page: Page;

before(async () => {
  if (missing) return;
  serve = await startServe();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(serve.openUrl);
});
after(() => closeStudio(browser, serve));

/** Visible interactive elements without an accessible name (a simplified name computation). */
function unnamedControls(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const sel = 'button, a[href], input:not([type=hidden]):not([type=file]), select, textarea, [role=button], [role=combobox], [role=slider], [role=tab], [role=checkbox], [role=switch]';
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || el.closest('[aria-hidden=true]')) continue;
      if (el instanceof HTMLInputElement && el.type !== 'text' && el.type !== 'number' && el.type !== 'search' && getComputedStyle(el).opacity === '0') continue;
      const labelledBy = (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
      const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])].map((l) => l.textContent ?? '').join(' ') : '';
      const name = [el.getAttribute('aria-label'), labelledBy, labels, el.textContent, el.getAttribute('title'), el.getAttribute('placeholder')].join(' ').trim();
      if (!name) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  });
}

for (const route of ['generate', 'canvas', 'gallery', 'models', 'settings', 'system']) {
  test(`every control on ${route} has a name`, { skip: missing ?? false }, async () => {
    await page.evaluate((r) => (window.location.hash = `/${r}`), route);
    await page.locator('main h2, main [data-testid=not-available], main [data-testid=canvas], main button').first().waitFor();
    if (route === 'canvas') {
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
      await page.getByTestId('open-file').setInputFiles({ name: 'grey.png', mimeType: 'image/png', buffer: png });
      await page.getByTestId('layer-base').waitFor();
    }
    await page.waitForTimeout(300);
    assert.deepEqual(await unnamedControls(page), []);
  });
}

test('the generate screen is keyboard reachable with a visible focus ring', { skip: missing ?? false }, async () => {
  await page.evaluate(() => (window.location.hash = '/generate'));
  const notAvailable = await page.getByTestId('not-available').count();
  if (notAvailable > 0) {
    console.log('# generate screen not available in this build (jobs.submit); checking the navigation only');
  }
  // empty space below the navigation (a click higher up can land on a screen's entry)
  await page.locator('body').click({ position: { x: 5, y: 850 } });
  const seen: string[] = [];
  let ringsMissing: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(async () => {
      // MUI marks keyboard focus with a class in its next render
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none' || el.closest(':focus-within')?.matches('[class*=focused], .Mui-focused') === true;
      const parentRing = el.parentElement ? getComputedStyle(el.parentElement).boxShadow !== 'none' || el.parentElement.closest('.Mui-focused') !== null : false;
      return { id: el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent?.trim().slice(0, 30) || el.id || el.tagName, ring: ring || parentRing };
    });
    if (!info) continue;
    seen.push(info.id);
    if (!info.ring) ringsMissing.push(info.id);
  }
  assert.ok(seen.some((s) => /Generate/.test(s)), `the navigation is reachable: ${seen.join(' | ')}`);
  if (notAvailable === 0) {
    assert.ok(seen.includes('prompt'), 'the prompt');
    assert.ok(seen.includes('generate-button'), `the generate button: ${seen.join(' | ')}`);
    assert.ok(seen.indexOf('prompt') < seen.indexOf('generate-button'), 'prompt before the button');
  }
  ringsMissing = [...new Set(ringsMissing)];
  assert.deepEqual(ringsMissing, [], 'every focused control shows a ring');
});
