/**
 * Every screen fits its window, in Chromium against `serve` with the tiny checkpoint: at 1280x800,
 * at 1920x1080, and at 200 % zoom (1280x800 at twice the device scale: 640x400 CSS pixels), nothing
 * scrolls sideways: neither the page nor the studio's <main> (whose sideways overflow is hidden, so
 * anything wider would be cut off, not scrollable) has a scrollWidth beyond its clientWidth, and no
 * element on screen reaches past the right edge of the window. The screens hold real content: a
 * generated image with its result panel, imported images in the gallery, the model chosen.
 * Screenshots of each screen at each size go to test-results/screenshots (layout-<screen>-<size>.png);
 * the README's are copied from the 1280x800 ones.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import type { JobInfo } from '../../main/contract';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath } from '../helpers/browser';
import { checkpointDir, fixturesDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { type StudioApi, studioApi } from '../helpers/studio';

const blocked = chromiumMissingReason() ?? (existsSync(checkpointDir()) ? null : `no fixture checkpoint in ${fixturesDir()}`);
if (blocked) console.log(`# skipping e2e: ${blocked}`);

const SCREENS = ['generate', 'canvas', 'gallery', 'models', 'settings', 'system'] as const;
const SIZES = [
  { name: '1280x800', width: 1280, height: 800, scale: 1 },
  { name: '1920x1080', width: 1920, height: 1080, scale: 1 },
  // a 1280x800 window at 200 % zoom lays out like a 640x400 one
  { name: 'zoom200', width: 640, height: 400, scale: 2 },
] as const;
const LONG = 300_000;

let serve: ServeProcess;
let browser: Browser;
let api: StudioApi;
const errors: string[] = [];

/** What overflows sideways on the page now: the scrolling boxes, and elements past the window's right edge. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`the page: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
    const main = document.querySelector('main');
    if (main && main.scrollWidth > main.clientWidth) out.push(`<main>: scrollWidth ${main.scrollWidth} > clientWidth ${main.clientWidth}`);
    const right = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll('main *, nav *, header *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      // inside a box that scrolls or clips sideways on purpose (a virtualised grid, a code block), it is that box's business
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.tagName !== 'MAIN') {
          clipped = true;
          break;
        }
      }
      if (!clipped && r.right > right + 1) {
        const id = el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
        out.push(`<${el.tagName.toLowerCase()}> "${id}" ends at ${Math.round(r.right)} px, past the window's ${right}`);
        if (out.length > 8) break;
      }
    }
    return out;
  });
}

before(async () => {
  if (blocked) return;
  serve = await startServe();
  api = await studioApi(serve);
  await api.call('settings.update', { modelDir: checkpointDir(), precision: 'fp32' });
  // the gallery holds a few images; the generate screen a finished job with a long prompt
  for (let i = 0; i < 6; i++) {
    const bytes = await sharp({ create: { width: 96, height: 128, channels: 3, background: { r: 40 * i, g: 120, b: 200 - 30 * i } } }).png().toBuffer();
    await api.call('library.import', { dataBase64: bytes.toString('base64'), name: `layout ${i}.png` });
  }
  const prompt =
    'A travel poster of a lighthouse on a rocky northern cape at dusk, long shadows, a very long prompt that goes on and on to test wrapping, with the words "NORTH CAPE EXPRESS" across the top';
  const { job } = await api.call<{ job: JobInfo }>('jobs.submit', { mode: 'text', prompt, width: 512, height: 512, steps: 2, seed: 3 });
  for (let i = 0; i < LONG / 250; i++) {
    const { jobs } = await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true });
    const state = jobs.find((j) => j.id === job.id)?.state;
    if (state === 'done') break;
    if (state === 'failed' || state === 'cancelled') throw new Error(`the set-up job ended ${state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await launchChromium();
});
after(() => closeStudio(browser, serve, errors));

for (const size of SIZES) {
  test(`no screen scrolls sideways at ${size.name}`, { skip: blocked ?? false, timeout: LONG }, async () => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: size.scale });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${size.name}: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && !/favicon/.test(msg.text()) && errors.push(`${size.name}: ${msg.text()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) void r.text().then((body) => errors.push(`${size.name}: ${r.status()} for ${r.request().method()} ${new URL(r.url()).pathname} ${r.request().postData() ?? ''}: ${body.slice(0, 300)}`));
    });
    await page.goto(serve.openUrl);
    const problems: string[] = [];
    for (const screen of SCREENS) {
      await page.evaluate((s) => (window.location.hash = `/${s}`), screen);
      await page.waitForTimeout(500);
      // each screen's own content, so the check sees it laid out
      const ready = {
        generate: () => page.getByTestId('result-image').first().waitFor({ timeout: 60_000 }),
        // the canvas with the generated image on it (a document it restored, or opened from the result)
        canvas: async () => {
          if (await page.getByTestId('canvas-run').isVisible()) return;
          await page.evaluate(() => (window.location.hash = '/generate'));
          await page.getByTestId('result-actions').first().getByTestId('action-edit').click();
          await page.getByTestId('canvas-run').waitFor();
        },
        gallery: () => page.getByTestId('gallery-item').first().waitFor(),
        models: () => page.getByTestId('model-current').waitFor(),
        settings: () => page.getByTestId('model-dir').waitFor(),
        system: () => page.getByTestId('ort-version').waitFor({ timeout: 60_000 }),
      }[screen];
      await ready();
      await page.waitForTimeout(300);
      for (const p of await overflow(page)) problems.push(`${screen}: ${p}`);
      await page.screenshot({ path: screenshotPath(`layout-${screen}-${size.name}`) });
    }
    await context.close();
    assert.deepEqual(problems, [], `sideways overflow at ${size.name}`);
  });
}

test('no page errors on any screen', { skip: blocked ?? false }, () => {
  assert.deepEqual(errors, []);
});
