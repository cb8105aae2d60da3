/**
 * The Models screen in Chromium against `serve`, with a throw-away models folder and Hugging Face cache: a folder
 * is checked (problems shown) and imported, listed ready and put in use; it is compiled with progress per module
 * until the compiled model is listed ready; the Hugging Face cache is searched; GLM-Image is downloaded from a
 * local fake hub (its address typed into the form), paused part-way through a file, resumed from the kept bytes
 * and finished; the download is removed after a confirmation. Everything is done through the UI; the API and the
 * disk are only read to check it.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import type { ModelDownload, ModelInfo, Settings } from '../../main/contract';
import { chromiumMissingReason, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { FakeHub } from '../helpers/fake-hub';
import { checkpointDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';
import { writableCopy } from '../helpers/writable-copy';

const noChromium = chromiumMissingReason();
if (noChromium) console.log(`# skipping e2e: ${noChromium}`);

const REPO = 'zai-org/GLM-Image';
/** The hub stalls this file part-way (a third of it, from the fixture's own size) until the client lets go. */
const HELD_FILE = 'vae/diffusion_pytorch_model.safetensors';
const HELD_AT = Math.floor(statSync(path.join(checkpointDir(), HELD_FILE)).size / 3);
const NAME = 'tiny-e2e';
/** Any commit id: the snapshot folder name in the fake HF cache. */
const CACHE_COMMIT = 'a'.repeat(40);

let tmp: string;
let source: string;
let serve: ServeProcess;
let api: StudioApi;
let hub: FakeHub;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const needs = (t: TestContext) => canRun(t, noChromium);

const row = (name: string | RegExp) => page.getByTestId('model-row').filter({ hasText: name });
const listModels = async () => (await api.call<{ models: ModelInfo[]; downloads: ModelDownload[] }>('models.list')).models;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-e2e-models-'));
  source = path.join(tmp, 'checkpoint');
  await writableCopy(checkpointDir(), source);
  // a Hugging Face cache holding a snapshot of the repo, as huggingface_hub lays it out
  const cache = path.join(tmp, 'hf-cache');
  const repoDir = path.join(cache, `models--${REPO.replace('/', '--')}`);
  await writableCopy(checkpointDir(), path.join(repoDir, 'snapshots', CACHE_COMMIT));
  await mkdir(path.join(repoDir, 'refs'), { recursive: true });
  await writeFile(path.join(repoDir, 'refs', 'main'), CACHE_COMMIT);
  hub = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [HELD_FILE]: HELD_AT } }).start();
  if (noChromium) return;
  serve = await startServe({ GLIMMER_MODELS_DIR: path.join(tmp, 'models'), HF_HUB_CACHE: cache, HF_HOME: path.join(tmp, 'hf-home') });
  api = await studioApi(serve);
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 1000 }, errors);
  await page.goto(`${serve.openUrl}#/models`);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  await hub?.close();
  await rm(tmp, { recursive: true, force: true });
});

test('a folder is checked (problems shown), imported, listed ready and put in use', { timeout: 300_000 }, async (t) => {
  if (!needs(t)) return;
  await page.getByRole('heading', { name: 'Models' }).waitFor({ timeout: 60_000 });
  {
    // Settings links here
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByTestId('manage-models').click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    assert.match(page.url(), /#\/models$/);
  }
  // a copy with a weight file missing: the check names it, and Import records nothing
  const broken = path.join(tmp, 'broken');
  await writableCopy(source, broken);
  await unlink(path.join(broken, 'transformer', 'diffusion_pytorch_model.safetensors'));
  await page.getByTestId('import-path').fill(broken);
  await page.getByTestId('import-submit').click();
  const report = page.getByTestId('validate-report');
  await report.waitFor();
  assert.equal(await report.getAttribute('data-ok'), 'false');
  assert.match((await page.getByTestId('validate-problems').textContent()) ?? '', /transformer/);
  assert.equal((await listModels()).some((m) => m.path === broken), false, 'nothing imported');

  // the whole folder, typed and submitted with the keyboard
  await page.getByTestId('import-path').fill(source);
  await page.getByTestId('import-name').fill(NAME);
  await page.getByTestId('import-name').press('Enter');
  // no model was chosen: the one imported is put in use at once, under the name it was given
  await page.getByTestId('models-message').getByText(`${NAME} imported; the studio uses it (no model was chosen).`).waitFor();
  const imported = row(NAME);
  await imported.waitFor();
  assert.equal(await imported.getAttribute('data-status'), 'ready');
  assert.equal(await imported.getByTestId('model-name').textContent(), NAME);
  assert.match((await imported.textContent()) ?? '', /import \(in place\)/);
  assert.equal(await imported.getByTestId('model-precision').textContent(), 'fp32', 'the precision once, as a chip');
  await imported.getByTestId('model-in-use').waitFor();
  const settings = await api.call<Settings>('settings.get');
  assert.equal(settings.modelDir, source);
  assert.equal((await page.getByTestId('model-current').textContent()) ?? '', `In use: ${NAME}`);
  assert.equal((await api.call<{ model: { name: string } | null }>('engine.status')).model?.name, NAME);
});

test('memory tiers of the model in use: a peak per tier, "fits" against the GPU memory entered, a tier chosen', async (t) => {
  if (!needs(t)) return;
  const card = page.getByTestId('tier-card');
  await card.getByTestId('tier-row-gpu-8').waitFor({ timeout: 60_000 });
  const peaks: Record<string, string> = {};
  for (const tier of ['gpu-24', 'gpu-16', 'gpu-12', 'gpu-8', 'cpu']) {
    peaks[tier] = (await card.getByTestId(`tier-peak-${tier}`).textContent()) ?? '';
    assert.match(peaks[tier]!, /\d(\.\d)? (GB|MB)/, `${tier} shows a size`);
  }
  // the tiny fixture needs well under a gigabyte in every tier: 0.1 GB entered is too little, 64 GB enough
  await card.getByTestId('tier-gpu-gb').fill('0.1');
  await card.getByTestId('tier-too-large-gpu-24').waitFor();
  await card.getByTestId('tier-gpu-gb').fill('64');
  await card.getByTestId('tier-fits-gpu-8').waitFor();
  await card.getByTestId('tier-row-gpu-12').getByRole('button', { name: 'Use the GPU 12 GB tier' }).click();
  await page.getByTestId('models-message').getByText('The GPU 12 GB tier is used from the next generation.').waitFor();
  assert.equal((await api.call<Settings>('settings.get')).tier, 'gpu-12');
  await card.getByRole('button', { name: /No tier/ }).click();
  await page.getByTestId('models-message').getByText(/No tier/).waitFor();
  assert.equal((await api.call<Settings>('settings.get')).tier, null);
});

test('compiling the checkpoint shows progress per module, then the compiled model is listed ready', { timeout: 600_000 }, async (t) => {
  if (!needs(t)) return;
  // every text the progress line shows while the compile runs
  await page.evaluate(() => {
    const seen: string[] = [];
    const statuses: string[] = [];
    const w = window as unknown as { __compileTexts: string[]; __rowStatuses: string[] };
    w.__compileTexts = seen;
    w.__rowStatuses = statuses;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=compile] [data-testid=compile-progress]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
      // the table's rows of compiled folders: what their status says meanwhile
      for (const r of document.querySelectorAll('[data-testid=model-row][data-model-id^="compiled:"]')) {
        const s = r.getAttribute('data-status') ?? '';
        if (statuses[statuses.length - 1] !== s) statuses.push(s);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await row(NAME).getByRole('button', { name: `Compile ${NAME}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('compile-precision').click();
  await page.getByRole('option', { name: /^fp16/ }).click();
  await dialog.getByTestId('compile-start').click();
  const compile = page.getByTestId('compile');
  await compile.waitFor();
  await page.locator('[data-testid=compile][data-state=done]').waitFor({ timeout: 540_000 });
  const texts = await page.evaluate(() => (window as unknown as { __compileTexts: string[] }).__compileTexts);
  assert.ok(texts.some((s) => /^Module \d+ of \d+: \w+ building/.test(s)), `progress seen: ${JSON.stringify(texts)}`);
  // per layer, with bytes
  assert.ok(texts.some((s) => /building · layers\.\d+: \d+ of \d+ tensors \([\d.]+ (bytes|kB|MB) of [\d.]+ (kB|MB)\)/.test(s)), `layers seen: ${JSON.stringify(texts.slice(0, 20))}`);
  // the table never called the folder done (or incomplete) while the compile ran: compiling, then ready
  const statuses = await page.evaluate(() => (window as unknown as { __rowStatuses: string[] }).__rowStatuses);
  // (a compile of the tiny model may end before the table lists the folder at all: then it shows ready only)
  assert.ok(!statuses.includes('incomplete'), JSON.stringify(statuses));
  assert.ok(statuses.every((st) => st === 'compiling' || st === 'ready'), JSON.stringify(statuses));
  assert.equal(statuses.at(-1), 'ready', JSON.stringify(statuses));
  const total = Number(/All (\d+) modules compiled/.exec((await compile.getByTestId('compile-progress').textContent()) ?? '')?.[1]);
  assert.ok(total > 1);
  // each module was shown as it finished
  const modules = compile.getByTestId('compile-modules').locator('[data-module]');
  assert.equal(await modules.count(), total);
  for (const state of await modules.evaluateAll((els) => els.map((e) => e.getAttribute('data-module-state')))) assert.equal(state, 'done');

  const compiled = (await listModels()).find((m) => m.kind === 'compiled');
  assert.ok(compiled, 'a compiled model in the list');
  assert.equal(compiled.status, 'ready');
  assert.equal(compiled.precision, 'fp16');
  const compiledRow = page.locator(`[data-testid=model-row][data-model-id="${compiled.id}"]`);
  await compiledRow.waitFor();
  await page.locator(`[data-testid=model-row][data-model-id="${compiled.id}"][data-status=ready]`).waitFor();
  // one name per model: the compiled one is listed under the checkpoint's name, its precision a chip
  assert.equal(compiled.name, NAME);
  assert.equal(await compiledRow.getByTestId('model-name').textContent(), NAME);
  assert.equal(await compiledRow.getByTestId('model-precision').textContent(), 'fp16');
});

test('the Hugging Face cache is searched and its snapshot offered in place', async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('hf-find').click();
  const found = page.getByTestId('hf-found');
  await found.waitFor();
  assert.match((await found.textContent()) ?? '', new RegExp(`${REPO} @ ${CACHE_COMMIT.slice(0, 10)} \\(main\\)`));
  assert.match((await found.textContent()) ?? '', /ready/);
  const cached = row('HF cache');
  await cached.waitFor();
  assert.match((await cached.textContent()) ?? '', /HF cache/);
  assert.equal(await cached.getByRole('button', { name: /^Remove/ }).count(), 0, 'the cache is never deleted by the app');
});

test('download from the hub: progress, pause part-way, resume from the kept bytes, finish', { timeout: 300_000 }, async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('download-endpoint').fill(hub.hubUrl);
  await page.getByTestId('download-start').click();
  const download = page.getByTestId('download').first();
  await download.waitFor();
  await hub.held(HELD_FILE); // the hub sent a third of the file and stalls
  const [job] = (await api.call<{ downloads: ModelDownload[] }>('models.download.list')).downloads;
  assert.ok(job);
  assert.equal(job.state, 'running');
  const part = path.join(job.dir, `${HELD_FILE}.part`);
  // progress on the page: the bar moved and the line says bytes of the total
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=download-bar]')?.getAttribute('aria-valuenow') ?? 0) > 0);
  assert.match((await download.getByTestId('download-progress').textContent()) ?? '', /\d.* of \d.*\(\d+%\)/);

  // leaving the page and coming back keeps the download in view
  await page.getByRole('button', { name: 'System', exact: true }).click();
  await page.getByTestId('ort-version').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.locator('[data-testid=download][data-state=running]').waitFor();

  for (let i = 0; i < 500 && (existsSync(part) ? statSync(part).size : -1) !== HELD_AT; i++) await new Promise((r) => setTimeout(r, 20));
  await download.getByRole('button', { name: /^Pause/ }).click();
  await page.locator('[data-testid=download][data-state=paused]').waitFor();
  assert.equal(statSync(part).size, HELD_AT, 'the bytes received are kept');
  const partial = page.locator(`[data-testid=model-row][data-model-id="checkpoint:${job.id}"]`);
  await partial.waitFor();
  assert.equal(await partial.getAttribute('data-status'), 'partial');

  await download.getByRole('button', { name: /^Resume/ }).click();
  await page.locator('[data-testid=download][data-state=done]').waitFor({ timeout: 240_000 });
  const resumed = hub.served.filter((s) => s.path === HELD_FILE);
  assert.equal(resumed[resumed.length - 1]!.start, HELD_AT, 'resumed with a Range from the kept bytes');
  assert.match((await download.getByTestId('download-progress').textContent()) ?? '', /\(100%\)/);
  await page.waitForFunction((id) => document.querySelector(`[data-testid=model-row][data-model-id="${id}"]`)?.getAttribute('data-status') === 'ready', `checkpoint:${job.id}`);
  const listed = (await listModels()).find((m) => m.id === `checkpoint:${job.id}`);
  assert.equal(listed?.source, 'download');
  assert.equal(listed?.status, 'ready');
  await page.getByTestId('model-current').click(); // no hover or focus ring in the picture
  // the screen scrolls inside <main>: a tall window shows all of it
  await page.setViewportSize({ width: 1400, height: 2000 });
  await page.screenshot({ path: screenshotPath('models') });
  await page.setViewportSize({ width: 1400, height: 1000 });
});

test('cancel stops a download and deletes its partial file', { timeout: 120_000 }, async (t) => {
  if (!needs(t)) return;
  const file = 'vision_language_encoder/model.safetensors';
  const at = Math.floor(statSync(path.join(checkpointDir(), file)).size / 4);
  const hub2 = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [file]: at } }).start();
  t.after(() => hub2.close());
  await page.getByTestId('download-endpoint').fill(hub2.hubUrl);
  await page.getByTestId('download-revision').fill(hub2.commit); // another revision: another download beside the finished one
  await page.getByTestId('download-start').click();
  await hub2.held(file);
  const download = page.locator('[data-testid=download][data-state=running]');
  await download.waitFor();
  const id = await download.getAttribute('data-download-id');
  const job = (await api.call<{ downloads: ModelDownload[] }>('models.download.list')).downloads.find((d) => d.id === id)!;
  const part = path.join(job.dir, `${file}.part`);
  for (let i = 0; i < 500 && (existsSync(part) ? statSync(part).size : -1) !== at; i++) await new Promise((r) => setTimeout(r, 20));
  await download.getByRole('button', { name: /^Cancel/ }).click();
  await page.locator(`[data-testid=download][data-download-id="${id}"][data-state=cancelled]`).waitFor();
  assert.equal(existsSync(part), false);
  await page.getByTestId('download-revision').fill('main');
});

test('a download that cannot start shows what went wrong, without a stack', async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('download-endpoint').fill('ftp://mirror.invalid');
  await page.getByTestId('download-revision').fill('v-bad');
  await page.getByTestId('download-start').click();
  const failed = page.locator('[data-testid=download][data-state=failed]');
  await failed.waitFor();
  const text = (await failed.getByRole('alert').textContent()) ?? '';
  assert.match(text, /ftp:\/\/mirror\.invalid/);
  assert.doesNotMatch(text, /\n\s+at |\.ts:\d+/);
  await failed.getByRole('button', { name: /^Cancel/ }).click();
  await page.locator('[data-testid=download][data-state=failed]').waitFor({ state: 'detached' });
  await page.getByTestId('download-revision').fill('main');
  await page.getByTestId('download-endpoint').fill(hub.hubUrl);
});

test('every control on the screen has a name', async (t) => {
  if (!needs(t)) return;
  const unnamed = await page.locator('main').evaluate((main) =>
    [...main.querySelectorAll<HTMLElement>('button, a[href], input:not([type=hidden]), [role=button], [role=combobox]')]
      .filter((el) => el.getBoundingClientRect().width > 0 && !el.closest('[aria-hidden=true]'))
      .filter((el) => {
        const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])].map((l) => l.textContent ?? '').join('') : '';
        const by = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).map((i) => document.getElementById(i)?.textContent ?? '').join('');
        return ![el.getAttribute('aria-label'), by, labels, el.textContent, el.getAttribute('title')].join('').trim();
      })
      .map((el) => el.outerHTML.slice(0, 160)),
  );
  assert.deepEqual(unnamed, []);
});

test('removing a model asks first, then deletes it', async (t) => {
  if (!needs(t)) return;
  const [job] = (await api.call<{ downloads: ModelDownload[] }>('models.download.list')).downloads;
  assert.ok(job);
  const downloaded = page.locator(`[data-testid=model-row][data-model-id="checkpoint:${job.id}"]`);
  const removeButton = downloaded.getByRole('button', { name: /^Remove/ });
  await removeButton.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Keep it' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal(existsSync(job.dir), true, 'kept when the dialog is dismissed');
  // by keyboard this time
  await removeButton.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByTestId('remove-confirm').click();
  await page.getByTestId('models-message').getByText(/removed/).waitFor();
  await downloaded.waitFor({ state: 'detached' });
  assert.equal(existsSync(job.dir), false);
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
});
