/**
 * The studio end to end in Chromium against `serve` with the tiny checkpoint: point Settings at the
 * model, generate an image and watch its two-phase progress and result, find it by searching its
 * prompt, favourite it, delete it and undo, open it in the canvas, paint a mask, undo and redo, run
 * an edit whose result comes back as a new version linked to its source, and use the queue (cancel,
 * retry, reorder). Each step checks what the UI did against the library/queue through the API.
 * Parts whose backend method has not landed are skipped with the method named.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import type { JobInfo, LibraryGeneration, LibraryPage, Settings } from '../../main/contract';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { checkpointDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';

const noChromium = chromiumMissingReason();
const noCheckpoint = existsSync(checkpointDir()) ? null : `the tiny checkpoint is missing at ${checkpointDir()} (GLIMMER_FIXTURES)`;
const skipAll = noChromium ?? noCheckpoint;
if (skipAll) console.log(`# skipping e2e: ${skipAll}`);

const LONG = 240_000;
const PROMPT = 'A lighthouse poster with the title "NORTH CAPE"';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: StudioApi;
let lighthouseId: string | null = null;
const errors: string[] = [];

const needs = (t: TestContext) => canRun(t, skipAll);

/** Later steps work on the image the generate step made; without it they skip, saying so. */
function haveImage(t: TestContext): boolean {
  if (lighthouseId) return true;
  console.log(`# skipping "${t.name}": the generate step made no image`);
  t.skip('the generate step made no image');
  return false;
}

async function go(route: string): Promise<void> {
  await page.evaluate((r) => (window.location.hash = `/${r}`), route);
}

async function jobs(): Promise<JobInfo[]> {
  return (await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs;
}

before(async () => {
  if (skipAll) return;
  serve = await startServe();
  api = await studioApi(serve);
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 900 }, errors);
  await page.goto(serve.openUrl);
});
after(() => closeStudio(browser, serve, errors));

test('settings: choose the model folder and precision; the engine reports the model', async (t) => {
  if (!needs(t)) return;
  await go('settings');
  await page.getByTestId('model-dir').fill(checkpointDir());
  await page.getByTestId('model-dir-save').click();
  await page.getByTestId('settings-message').getByText('Model folder saved').waitFor();
  await page.getByLabel('Precision when compiling a checkpoint').click();
  await page.getByRole('option', { name: /^fp32/ }).click();
  await page.getByTestId('settings-message').getByText('Precision saved').waitFor();
  const s = await api.call<Settings>('settings.get');
  assert.equal(s.modelDir, checkpointDir());
  assert.equal(s.precision, 'fp32');
  const status = await api.call<{ model: { dir: string } | null }>('engine.status');
  assert.equal(status.model?.dir, checkpointDir(), 'the engine sees the model');
  await page.getByTestId('model-status').getByText(checkpointDir()).waitFor();
  await page.getByTestId('data-dir').getByText(serve.dataDir).waitFor();
  await page.screenshot({ path: screenshotPath('settings'), fullPage: true });

  // the theme: saved in the settings, applied at once, and kept by a fresh window
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByTestId('settings-message').getByText('Theme saved').waitFor();
  assert.equal((await api.call<Settings>('settings.get')).theme, 'dark');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), 'rgb(18, 18, 24)');
  const other = await browser.newPage();
  await other.goto(serve.openUrl);
  await other.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(18, 18, 24)');
  await other.close();
  await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Follow the system' }).check();
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor !== 'rgb(18, 18, 24)');
});

test('generate: quoted text is highlighted, progress shows tokens then steps, the image appears', { timeout: LONG }, async (t) => {
  if (!needs(t)) return;
  await go('generate');
  const prompt = page.locator('#prompt');
  await prompt.fill(PROMPT);
  assert.deepEqual(await page.getByTestId('glyph-chip').allTextContents(), ['NORTH CAPE']);
  assert.equal(await page.getByTestId('quoted-text').textContent(), '"NORTH CAPE"');
  await page.getByLabel('Custom').check();
  await page.getByLabel('Width').fill('512');
  await page.getByLabel('Height').fill('512');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('40');
  await prompt.focus();
  await page.keyboard.press('Control+Enter');

  const card = page.getByTestId('job-card').first();
  await card.getByTestId('job-progress').waitFor({ timeout: LONG });
  // the diffusion phase counts steps of the 40 asked for, with the tokens phase already full
  await card.getByTestId('job-count').getByText(/[1-9]\d* \/ 40 steps/).waitFor({ timeout: LONG });
  assert.equal(await card.getByTestId('phase-tokens').getAttribute('aria-valuenow'), '100');
  // the token-grid preview and at least one diffusion-step preview
  await card.locator('[data-testid=job-previews] img').nth(1).waitFor({ timeout: LONG });
  await page.locator('main').evaluate((m) => m.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath('generate-progress') });

  await card.getByTestId('result-image').waitFor({ timeout: LONG });
  const [job] = (await jobs()).filter((j) => j.request.prompt === PROMPT);
  assert.equal(job?.state, 'done');
  assert.equal(job.request.width, 512);
  assert.equal(job.request.steps, 40);
  lighthouseId = job.generationIds[0] ?? null;
  assert.ok(lighthouseId);
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: lighthouseId })).generation;
  assert.equal(g.prompt, PROMPT);
  const src = await card.getByTestId('result-image').getAttribute('src');
  assert.equal(src, `/media/${g.media?.image}`, 'the panel shows the stored image');
  // the image really loaded
  assert.ok(await card.getByTestId('result-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 512));
  await page.screenshot({ path: screenshotPath('generate') });
});

test('gallery: find the image by searching its prompt', { timeout: LONG }, async (t) => {
  if (!needs(t) || !haveImage(t)) return;
  // a second image with another prompt, so the search has something to leave out
  await go('generate');
  await page.locator('#prompt').fill('A bowl of ramen on a wooden table');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('2');
  await page.getByTestId('generate-button').click();
  // done, by the queue's word (the first card may still be the earlier job's for a moment)
  for (let i = 0; !(await jobs()).some((j) => j.request.prompt.startsWith('A bowl of ramen') && j.state === 'done'); i++) {
    assert.ok(i < LONG / 250, 'the ramen job finishes');
    await page.waitForTimeout(250);
  }

  await go('gallery');
  const items = page.getByTestId('gallery-item');
  await page.getByTestId('gallery-count').getByText('2 images').waitFor();
  await page.getByTestId('gallery-search').fill('lighthouse');
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  assert.equal(await items.count(), 1);
  assert.equal(await items.first().getAttribute('data-id'), lighthouseId);
  await page.getByTestId('gallery-search').fill('ramen');
  await page.waitForFunction((id) => {
    const found = [...document.querySelectorAll('[data-testid=gallery-item]')];
    return found.length === 1 && found[0]!.getAttribute('data-id') !== id;
  }, lighthouseId);
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  await page.getByTestId('gallery-search').fill('submarine');
  await page.getByTestId('gallery-empty').waitFor();
  await page.getByTestId('gallery-search').fill('');
  await page.getByTestId('gallery-count').getByText('2 images').waitFor();
  await page.screenshot({ path: screenshotPath('gallery') });
});

test('gallery detail: favourite, delete, undo', async (t) => {
  if (!needs(t) || !haveImage(t)) return;
  const id = lighthouseId;
  await page.getByTestId('gallery-search').fill('lighthouse');
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  await page.getByTestId('gallery-item').first().click();
  const detail = page.getByTestId('generation-detail');
  await detail.getByTestId('detail-prompt').getByText(PROMPT).waitFor();
  await detail.getByTestId('favourite').click();
  await detail.locator('[data-testid=favourite][aria-pressed=true]').waitFor();
  const get = async () => (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  assert.equal((await get()).favourite, true);
  await page.screenshot({ path: screenshotPath('gallery-detail') });

  await detail.getByTestId('delete').click();
  await page.getByTestId('gallery-empty').waitFor();
  assert.notEqual((await get()).deletedAt, null, 'in the trash');
  await page.getByTestId('undo-delete').click();
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  assert.equal((await get()).deletedAt, null, 'restored');
  assert.equal((await get()).favourite, true, 'still a favourite');

  // deleted again, it can be restored later from the trash
  {
    await detail.getByTestId('delete').click();
    await page.getByTestId('gallery-empty').waitFor();
    await page.getByTestId('trash-board').click();
    await page.locator(`[data-testid=gallery-item][data-id="${id}"]`).click();
    await detail.getByTestId('restore').click();
    await page.getByText('Restored.').waitFor();
    assert.equal((await get()).deletedAt, null, 'restored from the trash');
    await page.getByTestId('gallery-empty').getByText('The trash is empty.').waitFor();
    // the restore button gave way to delete, and the keyboard focus went with it (not to the page body,
    // where Escape would miss the dialog)
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'delete');
    // the detail is a dialog over the window: closed, the boards can be reached again
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Boards' }).getByText('All images').click();
    await page.getByTestId('gallery-count').getByText('1 image').waitFor();
    await page.getByTestId('gallery-item').first().click();
  }
});

test('canvas: open from the gallery, paint a mask, undo and redo, run an edit that comes back as a linked version', { timeout: LONG }, async (t) => {
  if (!needs(t) || !haveImage(t)) return;
  const detail = page.getByTestId('generation-detail');
  await detail.getByTestId('action-edit').click();
  await page.getByTestId('layer-base').waitFor();
  assert.match((await page.getByTestId('layer-base').textContent()) ?? '', /512×512/);
  const box = (await page.getByTestId('canvas').boundingBox())!;
  // the image is drawn: pixels along a row across it differ (the canvas background is one flat colour)
  const drawnRow = () =>
    page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=canvas]')!;
      const ctx = c.getContext('2d')!;
      const y = Math.round(c.height * 0.3);
      return Array.from({ length: 24 }, (_, i) => [...ctx.getImageData(Math.round(c.width * (0.3 + i * 0.016)), y, 1, 1).data].join(','));
    });
  for (let tries = 0; new Set(await drawnRow()).size < 4; tries++) {
    assert.ok(tries < 50, 'the opened image is drawn on the canvas');
    await page.waitForTimeout(100);
  }
  const strokes = async () => ((await page.getByTestId('mask-strokes').textContent()) ?? '').trim();
  await page.getByTestId('tool-brush').click();
  await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 10 });
  await page.mouse.up();
  assert.equal(await strokes(), '1 stroke');
  await page.getByTestId('undo').click();
  assert.equal(await strokes(), '0 strokes');
  await page.getByTestId('redo').click();
  assert.equal(await strokes(), '1 stroke');

  await page.getByTestId('mode-edit').click();
  await page.locator('#canvas-prompt').fill('Make the sky stormy');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('3');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('version').nth(1).waitFor({ timeout: LONG });
  assert.match((await page.getByTestId('version').nth(1).textContent()) ?? '', /from Original/);
  for (let tries = 0; new Set(await drawnRow()).size < 4; tries++) {
    assert.ok(tries < 50, 'the result is drawn on the canvas');
    await page.waitForTimeout(100);
  }
  const edits = await api.call<LibraryPage>('library.search', { mode: 'edit' });
  assert.equal(edits.items.length, 1);
  assert.equal(edits.items[0]!.parentId, lighthouseId, 'the edit is linked to its source');
  assert.equal(edits.items[0]!.prompt, 'Make the sky stormy');
  const editJob = (await jobs()).find((j) => j.request.mode === 'edit');
  assert.ok(editJob && editJob.request.mode === 'edit' && editJob.request.mask, 'the painted mask went with the request');
  await page.screenshot({ path: screenshotPath('canvas-edit') });
});

test('canvas: style transfer from a reference layer, then identity into a new scene; each result a version of the one before', { timeout: LONG }, async (t) => {
  if (!needs(t) || !haveImage(t)) return;
  const edit = (await api.call<LibraryPage>('library.search', { mode: 'edit' })).items[0];
  assert.ok(edit, 'the edit of the previous step');
  const ref = await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: 30, g: 60, b: 200 } } }).png().toBuffer();
  await page.getByTestId('add-reference-file').setInputFiles({ name: 'style.png', mimeType: 'image/png', buffer: ref });
  await page.getByTestId('layer-reference').getByText('style.png').waitFor();
  // added in the edit mode it is a content slot: it becomes the style slot
  await page.getByRole('combobox', { name: 'Role of style.png' }).click();
  await page.getByRole('option', { name: 'Style' }).click();
  await page.getByTestId('mode-style').click();
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('3');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('version').nth(2).waitFor({ timeout: LONG });
  assert.match((await page.getByTestId('version').nth(2).textContent()) ?? '', /from edit #/);
  const style = (await api.call<LibraryPage>('library.search', { mode: 'style' })).items;
  assert.equal(style.length, 1);
  assert.equal(style[0]!.parentId, edit.id, 'made from the edit, the base image at the time');

  await page.getByTestId('mode-identity').click();
  await page.locator('#canvas-prompt').fill('The same lighthouse at night under the northern lights');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('version').nth(3).waitFor({ timeout: LONG });
  const identity = (await api.call<LibraryPage>('library.search', { mode: 'identity' })).items;
  assert.equal(identity.length, 1);
  assert.equal(identity[0]!.parentId, style[0]!.id);
  // going back to the original version is one click and one undo step
  await page.getByTestId('version').first().click();
  await page.locator('[data-testid=version].Mui-selected').getByText('Original').waitFor();
  await page.getByTestId('undo').click();
  await page.locator('[data-testid=version].Mui-selected').getByText(/identity #/).waitFor();
  await page.screenshot({ path: screenshotPath('canvas-versions') });
});

test('gallery detail: vary details, vary composition, reuse settings', { timeout: LONG }, async (t) => {
  if (!needs(t) || !haveImage(t)) return;
  const id = lighthouseId;
  const source = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  await go('gallery');
  // (the identity result of the step before also mentions a lighthouse)
  await page.getByTestId('gallery-search').fill('north cape');
  await page.waitForFunction((want) => {
    const found = [...document.querySelectorAll('[data-testid=gallery-item]')];
    return found.length === 1 && found[0]!.getAttribute('data-id') === want;
  }, id);
  await page.getByTestId('gallery-item').first().click();
  const detail = page.getByTestId('generation-detail');
  const finished = async (pred: (j: JobInfo) => boolean) => {
    for (let i = 0; i < 1200; i++) {
      const j = (await jobs()).find(pred);
      if (j && j.state !== 'waiting' && j.state !== 'running') return j;
      await page.waitForTimeout(200);
    }
    throw new Error('the job did not finish');
  };
  await detail.getByRole('button', { name: 'Vary details' }).click();
  await page.getByText('Queued: vary details').waitFor();
  const details = await finished((j) => j.request.mode === 'text' && j.request.reuseTokensOf === id);
  assert.equal(details.state, 'done', details.error?.message);
  const child = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: details.generationIds[0]! })).generation;
  assert.equal(child.parentId, id);
  assert.equal(child.prompt, PROMPT);
  assert.notEqual(child.seed, source.seed, 'new noise');

  await detail.getByRole('button', { name: 'Vary composition' }).click();
  await page.getByText('Queued: vary composition').waitFor();
  const composition = await finished((j) => j.request.mode === 'text' && j.request.parentId === id && j.request.reuseTokensOf === undefined);
  assert.equal(composition.state, 'done', composition.error?.message);
  // the source lists both (and the canvas edit) as made from it
  const after = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  for (const made of [details.generationIds[0], composition.generationIds[0]]) assert.ok(after.children.includes(made!), `child ${made}`);

  await detail.getByTestId('use-settings').click();
  await page.locator('#prompt').waitFor();
  assert.equal(await page.locator('#prompt').inputValue(), PROMPT);
  assert.equal(await page.getByLabel('Width').inputValue(), String(source.width));
  assert.equal(await page.getByRole('spinbutton', { name: 'Steps' }).inputValue(), '40');
  assert.equal(await page.getByRole('spinbutton', { name: 'Seed' }).inputValue(), String(source.seed));
  assert.equal(await page.getByRole('button', { name: 'Unlock seed (random)' }).getAttribute('aria-pressed'), 'true', 'the seed is locked');
});

test('queue: running, waiting, reorder, cancel, retry', { timeout: LONG }, async (t) => {
  if (!needs(t)) return;
  await go('generate');
  // 2048² at 200 steps: each job outlasts this test many times over on any machine, however loaded,
  // so the running job is still the same one when it is cancelled and the waiting ones stay waiting
  // (the cancels at the end stop them within a step)
  const submit = async (prompt: string) => {
    await page.locator('#prompt').fill(prompt);
    await page.getByLabel('Width').fill('2048');
    await page.getByLabel('Height').fill('2048');
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('200');
    await page.getByTestId('generate-button').click();
    await page.waitForFunction((p) => document.querySelector('[data-testid=job-card]')?.textContent?.includes(p), prompt);
  };
  await submit('slow one');
  await submit('slow two');
  await submit('slow three');
  assert.deepEqual(
    (await jobs()).filter((j) => j.request.prompt.startsWith('slow ')).map((j) => [j.request.width, j.request.height, j.request.steps]),
    [[2048, 2048, 200], [2048, 2048, 200], [2048, 2048, 200]],
    'the jobs are the long ones this test relies on',
  );
  await page.getByTestId('queue-button').click();
  const drawer = page.getByTestId('queue-list');
  await drawer.getByTestId('queue-running').first().waitFor({ timeout: LONG / 2 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=queue-waiting]').length === 2, undefined, { timeout: LONG / 4 });
  const waitingOrder = async () => (await jobs()).filter((j) => j.state === 'waiting').sort((a, b) => a.position - b.position).map((j) => j.request.prompt);
  const order = await waitingOrder();
  // move the second waiting job up
  await drawer.getByTestId('queue-waiting').nth(1).getByRole('button', { name: 'Move up' }).click();
  await page.waitForFunction((first) => document.querySelector('[data-testid=queue-waiting]')?.textContent?.includes(first), order[1]!, { timeout: LONG / 4 });
  assert.deepEqual(await waitingOrder(), [order[1], order[0]]);
  await page.screenshot({ path: screenshotPath('queue') });

  // cancel the running one, then retry it: it comes back as a new waiting job
  const runningPrompt = (await jobs()).find((j) => j.state === 'running')!.request.prompt;
  await drawer.getByTestId('queue-running').filter({ hasText: runningPrompt }).getByRole('button', { name: /^Cancel/ }).click();
  await drawer.getByTestId('queue-failed').getByText(runningPrompt).waitFor({ timeout: LONG / 4 });
  await drawer.getByTestId('queue-failed').filter({ hasText: runningPrompt }).getByRole('button', { name: /^Retry/ }).click();
  await page.waitForFunction((p) => [...document.querySelectorAll('[data-testid=queue-waiting], [data-testid=queue-running]')].some((e) => e.textContent?.includes(p)), runningPrompt, { timeout: LONG / 4 });
  const again = (await jobs()).filter((j) => j.request.prompt === runningPrompt).map((j) => j.state).sort();
  assert.ok(again.includes('cancelled') && again.some((s) => s === 'waiting' || s === 'running'), `states of "${runningPrompt}": ${again}`);

  // leave nothing running
  for (const j of (await jobs()).filter((x) => x.state === 'waiting' || x.state === 'running')) await api.call('jobs.cancel', { id: j.id }).catch(() => undefined);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
});
