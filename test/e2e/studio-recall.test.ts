/**
 * Recall and results in Chromium against `serve` with the tiny checkpoint: a studio PNG dropped on
 * Generate (a real DataTransfer drop) fills the form with its prompt, size, steps, guidance, seed and
 * sampling, and says what it could not fill; a drop never navigates the page; a plain PNG offers the
 * canvas and the library only; a PNG dropped on the canvas opens there with its recipe; an A1111 PNG
 * fills what GLM-Image can use; a paste adds an image to the library; a result card opens the gallery
 * detail and its "edit on canvas" opens that image on the canvas; done queue rows open the detail;
 * the form and the canvas come back after a reload. The studio PNG is made by the real engine (a job
 * submitted through the API as set-up); everything checked is done through the UI.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import type { JobInfo, LibraryGeneration, Workspace } from '../../main/contract';
import { png } from '../../main/library';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { checkpointDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';

const blocked = chromiumMissingReason() ?? (existsSync(checkpointDir()) ? null : `the tiny checkpoint is missing at ${checkpointDir()}`);
if (blocked) console.log(`# skipping e2e: ${blocked}`);

const LONG = 240_000;
const PROMPT = 'A harbour poster with the title "SEA WALL"';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: StudioApi;
let studioPng: Buffer;
let generationId: string;
const errors: string[] = [];
const navigations: string[] = [];

async function waitJob(id: string): Promise<JobInfo> {
  for (let i = 0; i < 2400; i++) {
    const job = (await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs.find((j) => j.id === id)!;
    if (job.state !== 'waiting' && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Drops a file on an element the way a user's drag from the file manager does. */
async function dropFile(selector: string, bytes: Buffer, name: string, type = 'image/png'): Promise<void> {
  const dt = await page.evaluateHandle(
    ({ b64, fileName, mime }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([data], fileName, { type: mime }));
      return d;
    },
    { b64: bytes.toString('base64'), fileName: name, mime: type },
  );
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}

async function go(route: string): Promise<void> {
  await page.evaluate((r) => (window.location.hash = `/${r}`), route);
}

const ok = (t: TestContext) => canRun(t, blocked);

before(async () => {
  if (blocked) return;
  serve = await startServe();
  api = await studioApi(serve);
  // set-up, not under test: the model, and one image made by the real engine
  await api.call('settings.update', { modelDir: checkpointDir(), precision: 'fp32' });
  const { job } = await api.call<{ job: JobInfo }>('jobs.submit', { mode: 'text', prompt: PROMPT, width: 512, height: 512, steps: 3, guidance: 2.5, seed: 77, temperature: 0.8, topP: 0.7 });
  const done = await waitJob(job.id);
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  generationId = done.generationIds[0]!;
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: generationId })).generation;
  const res = await fetch(`${serve.origin}/media/${g.media!.image}`, { headers: { authorization: `Bearer ${new URL(serve.openUrl).searchParams.get('token')}` } });
  studioPng = Buffer.from(await res.arrayBuffer());
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1280, height: 800 }, errors);
  // a document load is a navigation (a hash change inside the studio is not)
  page.on('load', () => navigations.push(page.url()));
  await page.goto(serve.openUrl);
  await page.getByRole('heading', { name: 'Generate' }).waitFor();
});
after(() => closeStudio(browser, serve, errors));

test('a studio PNG dropped on Generate fills the form: prompt, size, steps, guidance, seed, sampling', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  assert.equal(png.readPngMetadata(studioPng).recipe?.seed, 77, 'the set-up PNG carries its recipe');
  const before = navigations.length;
  await dropFile('main', studioPng, 'harbour.png');
  const dialog = page.getByTestId('recall-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('data-found'), 'glimmer');
  await page.screenshot({ path: screenshotPath('recall-dialog') });
  await page.getByTestId('recall-use').click();
  await page.getByTestId('recall-report').waitFor();
  assert.equal(await page.locator('#prompt').inputValue(), PROMPT);
  assert.equal(await page.getByLabel('Custom').isChecked(), true);
  assert.equal(await page.getByLabel('Width').inputValue(), '512');
  assert.equal(await page.getByLabel('Height').inputValue(), '512');
  assert.equal(await page.getByRole('spinbutton', { name: 'Steps' }).inputValue(), '3');
  assert.equal(await page.getByRole('spinbutton', { name: 'Guidance' }).inputValue(), '2.5');
  assert.equal(await page.getByRole('spinbutton', { name: 'Seed', exact: true }).inputValue(), '77');
  await page.getByTestId('advanced-toggle').click();
  assert.equal(await page.getByTestId('adv-temperature').inputValue(), '0.8');
  assert.equal(await page.getByTestId('adv-top-p').inputValue(), '0.7');
  // the same model: nothing it could not fill
  assert.equal(await page.getByTestId('recall-note').count(), 0);
  assert.match((await page.getByTestId('recall-report').textContent()) ?? '', /Settings from harbour\.png: prompt, width, height, steps, guidance, seed, temperature, top-p/);
  assert.equal(navigations.length, before, 'the drop did not navigate');
  assert.ok(page.url().startsWith(serve.origin));
  await page.screenshot({ path: screenshotPath('recall-filled') });
});

test('drops never navigate; a plain PNG offers the canvas and the library, not settings', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  const before = navigations.length;
  const url = page.url();
  // a link dragged from another window
  const link = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.setData('text/uri-list', 'https://example.com/elsewhere');
    d.setData('text/plain', 'https://example.com/elsewhere');
    return d;
  });
  // the browser navigates on a drop whose default is not prevented: the studio prevents it, anywhere
  const prevented = await page.evaluate(() => {
    const out: boolean[] = [];
    for (const target of [document.querySelector('main')!, document.querySelector('header')!, document.body]) {
      for (const type of ['dragover', 'drop']) {
        const d = new DataTransfer();
        d.setData('text/uri-list', 'https://example.com/elsewhere');
        const ev = new DragEvent(type, { dataTransfer: d, bubbles: true, cancelable: true });
        out.push(!target.dispatchEvent(ev));
      }
    }
    return out;
  });
  assert.deepEqual(prevented, [true, true, true, true, true, true]);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: link });
  await page.dispatchEvent('main', 'drop', { dataTransfer: link });
  const plain = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3366aa' } }).png().toBuffer();
  await dropFile('main', plain, 'plain.png');
  const dialog = page.getByTestId('recall-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('data-found'), 'none');
  assert.equal(await page.getByTestId('recall-use').count(), 0);
  await page.getByTestId('recall-canvas').waitFor();
  await page.getByTestId('recall-library').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(navigations.length, before);
  assert.equal(page.url(), url, 'still the studio, same screen');
});

test('an A1111 PNG fills what GLM-Image can use and says what it could not', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  const base = png.readChunks(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).png().toBuffer());
  const parameters = 'a red fox reading a newspaper\nNegative prompt: blurry, lowres\nSteps: 24, Sampler: Euler a, CFG scale: 5, Seed: 123456, Size: 768x512, Model: sd_xl_base_1.0';
  const a1111 = png.writeChunks([base[0]!, png.textChunk('parameters', parameters), ...base.slice(1)]);
  await dropFile('main', a1111, 'fox.png');
  await page.getByTestId('recall-dialog').waitFor();
  assert.equal(await page.getByTestId('recall-dialog').getAttribute('data-found'), 'a1111');
  await page.getByTestId('recall-use').click();
  const report = page.getByTestId('recall-report');
  await page.waitForFunction(() => document.querySelector('[data-testid=recall-report]')?.getAttribute('data-source') === 'a1111');
  assert.equal(await page.locator('#prompt').inputValue(), 'a red fox reading a newspaper');
  assert.deepEqual([await page.getByLabel('Width').inputValue(), await page.getByLabel('Height').inputValue()], ['768', '512']);
  assert.equal(await page.getByRole('spinbutton', { name: 'Seed', exact: true }).inputValue(), '123456');
  const fields = await report.getByTestId('recall-note').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')).sort());
  assert.deepEqual(fields, ['model', 'negativePrompt', 'sampler']);
  assert.match((await report.textContent()) ?? '', /Negative prompt: GLM-Image does not use one/);
  // where users look for a negative prompt, the studio says why there is none
  await page.getByTestId('negative-prompt-info').click();
  await page.getByText(/There is no negative prompt: GLM-Image's unconditional pass does not read one/).first().waitFor();
  await page.keyboard.press('Escape');
});

test('a studio PNG dropped on the canvas opens there with its recipe', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  await go('canvas');
  await page.getByRole('button', { name: 'Open image…' }).waitFor();
  await dropFile('main', studioPng, 'harbour.png');
  await page.getByTestId('layer-base').getByText('harbour.png').waitFor();
  assert.match((await page.getByTestId('layer-base').textContent()) ?? '', /512×512/);
  assert.equal(await page.locator('#canvas-prompt').inputValue(), PROMPT);
  assert.equal(await page.locator('aside').getByRole('spinbutton', { name: 'Steps' }).inputValue(), '3');
  assert.equal(await page.locator('aside').getByRole('spinbutton', { name: 'Guidance' }).inputValue(), '2.5');
});

test('the form and the canvas come back after a reload', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  // the canvas (opened above) and the form (filled above) are kept in the workspace
  for (let i = 0; i < 100; i++) {
    const ws = await api.call<Workspace>('workspace.get');
    if (ws.canvas?.base && ws.canvas.prompt === PROMPT && ws.generate?.prompt) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await go('generate');
  await page.locator('#prompt').fill('a kept prompt "KEEP"');
  for (let i = 0; i < 100 && (await api.call<Workspace>('workspace.get')).generate?.prompt !== 'a kept prompt "KEEP"'; i++) await new Promise((r) => setTimeout(r, 100));
  await page.reload();
  await page.waitForFunction(() => (document.querySelector<HTMLTextAreaElement>('#prompt')?.value ?? '') === 'a kept prompt "KEEP"');
  assert.equal(await page.getByLabel('Width').inputValue(), '768', 'the size too');
  await go('canvas');
  await page.getByTestId('layer-base').getByText('harbour.png').waitFor();
  assert.equal(await page.locator('#canvas-prompt').inputValue(), PROMPT);
});

test('a result opens the gallery detail; its "edit on canvas" opens that image on the canvas; done queue rows open the detail', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  await go('generate');
  const card = page.getByTestId('job-card').filter({ hasText: PROMPT }).first();
  await card.getByTestId('result-image').waitFor();
  await card.getByTestId('result-open').click();
  const detail = page.getByTestId('generation-detail');
  await detail.getByTestId('detail-prompt').getByText(PROMPT).waitFor();
  assert.match((await detail.textContent()) ?? '', new RegExp(`Generation ${generationId}`));
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  await card.getByTestId('action-edit').click();
  await page.getByTestId('layer-base').waitFor();
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: generationId })).generation;
  const versions = page.getByTestId('version');
  assert.equal(await versions.count(), 1);
  assert.equal(await page.getByTestId('layer-base').locator('img').getAttribute('src'), `/media/${g.media!.image}`);

  await page.getByTestId('queue-button').click();
  await page.getByTestId('queue-done').first().click();
  await detail.waitFor();
  await detail.getByTestId('detail-prompt').getByText(PROMPT).waitFor();
  await page.keyboard.press('Escape');
});

test('a pasted image can be added to the library', { timeout: LONG }, async (t) => {
  if (!ok(t)) return;
  await go('gallery');
  const count = async () => (await api.call<{ items: unknown[] }>('library.search', { limit: 500 })).items.length;
  const before = await count();
  const pasted = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#aa3366' } }).png().toBuffer();
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const d = new DataTransfer();
    d.items.add(new File([bytes], 'clip.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true }));
  }, pasted.toString('base64'));
  await page.getByTestId('recall-dialog').waitFor();
  await page.getByTestId('recall-library').click();
  await page.getByText('clip.png added to the library.').waitFor();
  assert.equal(await count(), before + 1);
  assert.deepEqual(errors, []);
});
