/**
 * Servers end to end in Chromium against `serve`, with a fake OpenAI-style image server on loopback
 * standing in for a GPU box (the GPU is what cannot run here): add the server in Settings (test it
 * before and after adding; the key is never shown again), pick it as the target in the generate
 * panel, see what it cannot take before sending, send a job to it, see the job run there and the
 * image in the gallery with the server named. Each step checks what the UI did through the API.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import type { JobInfo, LibraryGeneration, ServerInfo } from '../../main/contract';
import { chromiumMissingReason, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../helpers/fake-openai-server';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';

const skipAll = chromiumMissingReason();
if (skipAll) console.log(`# skipping e2e: ${skipAll}`);

const KEY = 'sk-e2e-0123456789abcdef';
const PROMPT = 'A travel poster of a harbour, the title "PORTO"';

let serve: ServeProcess;
let fake: FakeOpenAiServer;
let browser: Browser;
let page: Page;
let api: StudioApi;
const errors: string[] = [];
const needs = (t: TestContext) => canRun(t, skipAll);

async function go(route: string): Promise<void> {
  await page.evaluate((r) => (window.location.hash = `/${r}`), route);
}

before(async () => {
  if (skipAll) return;
  fake = await startFakeOpenAiServer({ key: KEY });
  serve = await startServe();
  api = await studioApi(serve);
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 1000 }, errors);
  await page.goto(serve.openUrl);
});
after(async () => {
  if (!skipAll && errors.length > 0) console.log(`# page errors: ${errors.join(' | ')}`);
  await browser?.close();
  await serve?.stop();
  await fake?.close();
});

test('settings: add a server, test it before and after; the key is never read back', async (t) => {
  if (!needs(t)) return;
  await go('settings');
  const card = page.getByTestId('servers-card');
  await card.getByText('No servers yet').waitFor();
  await card.getByTestId('server-name').fill('GPU box');
  await card.getByTestId('server-url').fill(fake.url);
  // without the key the server refuses, and the test says so
  await card.getByTestId('server-test-new').click();
  await card.getByTestId('server-test-result').getByText(/refused the key \(401\)/).waitFor();
  await card.getByTestId('server-key').fill(KEY);
  await card.getByTestId('server-test-new').click();
  await card.getByTestId('server-test-result').getByText('vLLM-Omni answers, serving zai-org/GLM-Image.', { exact: false }).waitFor();
  await card.getByTestId('server-add').click();
  const row = card.getByTestId('server-row');
  await row.getByText('GPU box').waitFor();
  await row.getByTestId('server-key-state').getByText('key set').waitFor();
  // the form is cleared once the server is added (the row may show a moment before)
  for (let i = 0; i < 50 && (await card.getByTestId('server-key').inputValue()) !== ''; i++) await page.waitForTimeout(100);
  assert.equal(await card.getByTestId('server-key').inputValue(), '', 'the key field is emptied');
  const { servers } = await api.call<{ servers: ServerInfo[] }>('servers.list');
  assert.equal(servers.length, 1);
  assert.equal(servers[0]!.keySet, true);
  assert.ok(!JSON.stringify(servers).includes(KEY));
  await row.getByTestId('server-test').click();
  await row.getByTestId('server-test-result').getByText(/vLLM-Omni answers/).waitFor();
  assert.ok(!(await page.content()).includes(KEY), 'the page never holds the key');
  await page.screenshot({ path: screenshotPath('settings-servers'), fullPage: true });
});

test('generate: pick the server, see what it cannot take, send the job; it runs there and lands in the gallery', { timeout: 120_000 }, async (t) => {
  if (!needs(t)) return;
  await go('generate');
  await page.locator('#prompt').fill(PROMPT);
  await page.getByLabel('Custom').check();
  await page.getByLabel('Width').fill('512');
  await page.getByLabel('Height').fill('768');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('30');
  await page.getByRole('combobox', { name: 'Run on' }).click();
  await page.getByRole('option', { name: /GPU box/ }).click();
  // said before sending: no AR seed, progress only an estimate
  await page.getByTestId('target-limit-arSeed').getByText(/GPU box takes no seed for the visual tokens/).waitFor();
  await page.getByTestId('target-limit-progress').waitFor();
  const before = fake.imageRequests().length;
  await page.getByTestId('generate-button').click();

  const card = page.getByTestId('job-card').first();
  await card.getByTestId('job-server').getByText('on GPU box').waitFor();
  await card.getByTestId('result-image').waitFor({ timeout: 60_000 });
  const [job] = (await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs.filter((j) => j.request.prompt === PROMPT);
  assert.equal(job?.state, 'done');
  assert.equal(job.target.type, 'server');
  assert.deepEqual(job.limits, ['arSeed', 'progress']);
  const sent = fake.imageRequests().slice(before);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.json!.prompt, PROMPT);
  assert.equal(sent[0]!.json!.size, '512x768');
  assert.equal(sent[0]!.json!.num_inference_steps, 30);
  assert.equal(sent[0]!.headers.authorization, `Bearer ${KEY}`);
  assert.ok(await card.getByTestId('result-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 512));
  await page.screenshot({ path: screenshotPath('generate-remote') });

  await go('gallery');
  const items = page.getByTestId('gallery-item');
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  const id = await items.first().getAttribute('data-id');
  assert.equal(id, job.generationIds[0]);
  await items.first().click();
  const detail = page.getByTestId('generation-detail');
  await detail.getByText('GPU box (vLLM-Omni, OpenAI-style)').waitFor();
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  assert.equal((g.recipe as { remote: { server: string } }).remote.server, 'GPU box');
  await page.screenshot({ path: screenshotPath('gallery-remote') });
  // the detail is a dialog over the window: closed, the rest of the studio can be reached again
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
});

test('a server that is down: the job fails with a clear message and the queue goes on', { timeout: 120_000 }, async (t) => {
  if (!needs(t)) return;
  fake.next({ kind: 'status', status: 500, body: { detail: 'CUDA out of memory' } });
  await go('generate');
  await page.locator('#prompt').fill('a failing one');
  await page.getByTestId('generate-button').click();
  const card = page.getByTestId('job-card').first();
  await card.getByTestId('job-error').getByText(/"GPU box" failed the job \(500\): CUDA out of memory/).waitFor({ timeout: 60_000 });
  assert.equal(await card.getAttribute('data-state'), 'failed');
  await page.locator('#prompt').fill('the next one');
  await page.getByTestId('generate-button').click();
  await page.getByTestId('job-card').first().getByTestId('result-image').waitFor({ timeout: 60_000 });
});
