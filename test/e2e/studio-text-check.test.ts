/**
 * The text check in the studio, in Chromium against `serve` with the tiny checkpoint:
 *  - the prompt editor: an apostrophe inside a word is not a quote; an unbalanced quote is named;
 *  - the gallery's detail view: a poster rendered here with one string right and one misspelled,
 *    imported with its recipe, checked from the detail view: a tick, a cross with the read text,
 *    boxes over the image (and the toggle); the "text issues" filter finds it;
 *  - the generate page: "keep the best by text" makes a group; the result panel shows each quoted
 *    string (random weights draw no legible text: crosses), and the group in the detail view.
 * Every step checks what the UI shows against the library through the API. Screenshots go to
 * test-results/screenshots (text-check-detail.png, text-check-result.png).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import type { JobInfo, LibraryGeneration, LibraryPage } from '../../main/contract';
import { png } from '../../main/library';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { checkpointDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';
import { MISSPELT, misspeltPoster, renderTextPng } from '../helpers/text-images';

const noChromium = chromiumMissingReason();
const noCheckpoint = existsSync(checkpointDir()) ? null : `the tiny checkpoint is missing at ${checkpointDir()} (GLIMMER_FIXTURES)`;
const skipAll = noChromium ?? noCheckpoint;
if (skipAll) console.log(`# skipping e2e: ${skipAll}`);

const LONG = 240_000;
const POSTER_PROMPT = MISSPELT.prompt;

let serve: ServeProcess;
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
  serve = await startServe();
  api = await studioApi(serve);
  await api.call('settings.update', { modelDir: checkpointDir(), precision: 'fp32', provider: 'cpu', memoryProfile: 'resident' });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 1000 }, errors);
  await page.goto(serve.openUrl);
});
after(() => closeStudio(browser, serve, errors));

test('prompt editor: an apostrophe in a word is not a quote; an unbalanced quote is named', async (t) => {
  if (!needs(t)) return;
  await go('generate');
  const prompt = page.locator('#prompt');
  await prompt.fill("the cat's sign says 'OPEN");
  assert.equal(await page.getByTestId('glyph-chip').count(), 0, "cat's quotes nothing");
  assert.equal(await page.getByTestId('quoted-text').count(), 0);
  await page.getByTestId('quote-warning').getByText("The quote mark ' at character 21 is never closed").waitFor();
  await prompt.fill("the cat's sign says 'OPEN'");
  assert.deepEqual(await page.getByTestId('glyph-chip').allTextContents(), ['OPEN']);
  assert.equal(await page.getByTestId('quoted-text').textContent(), "'OPEN'");
  assert.equal(await page.getByTestId('quote-warning').count(), 0);
});

test('gallery detail: ticks and crosses for each quoted string, boxes over the image, the text-issues filter', { timeout: LONG }, async (t) => {
  if (!needs(t)) return;
  // a poster with one string as quoted and one misspelled, imported with its recipe (as a dropped PNG would be)
  const poster = await renderTextPng(misspeltPoster(768));
  const withRecipe = png.writePngMetadata(poster, { mode: 'text', prompt: POSTER_PROMPT, model: 'glm-image-test', seed: 3, width: 768, height: 512, steps: 1 });
  const { generation } = await api.call<{ generation: LibraryGeneration }>('library.import', { dataBase64: withRecipe.toString('base64'), name: 'poster.png' });
  const id = generation.id;

  await go('gallery');
  await page.locator(`[data-testid=gallery-item][data-id="${id}"]`).click();
  const detail = page.getByTestId('generation-detail');
  const panel = detail.getByTestId('text-check');
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-status'), 'unchecked');
  await panel.getByTestId('text-check-run').click();
  await detail.locator('[data-testid=text-check][data-status=issues]').waitFor({ timeout: LONG });

  // one row per quoted string: a tick for the one read as written, a cross and the read text for the other
  const rows = panel.getByTestId('text-target');
  assert.equal(await rows.count(), 2);
  const found = panel.locator('[data-testid=text-target][data-found=true]');
  const missed = panel.locator('[data-testid=text-target][data-found=false]');
  assert.match((await found.textContent()) ?? '', /“GRAND OPENING”.*read as written/);
  assert.match((await missed.textContent()) ?? '', /“Fresh Coffee”.*read “Fresh Cofee”/);
  assert.equal(await found.locator('[data-testid=tick]').count(), 1);
  assert.equal(await missed.locator('[data-testid=cross]').count(), 1);
  await panel.getByTestId('text-check-summary').getByText('1 of 2 quoted strings read as written').waitFor();

  // the boxes, over the image where each string was read
  const boxes = detail.getByTestId('text-boxes');
  await boxes.waitFor();
  assert.equal(await boxes.locator('[data-testid=text-box-found]').count(), 1);
  assert.equal(await boxes.locator('[data-testid=text-box-miss]').count(), 1);
  const img = await detail.getByTestId('detail-image').boundingBox();
  const green = await boxes.locator('[data-testid=text-box-found] polygon').boundingBox();
  const red = await boxes.locator('[data-testid=text-box-miss] polygon').boundingBox();
  assert.ok(img && green && red);
  // drawn at the strings' places: GRAND OPENING in the upper part, Fresh Cofee below it, both at the left
  const scale = img.width / 768;
  assert.ok(Math.abs(green.x - img.x - 60 * scale) < 24 * scale && Math.abs(green.y - img.y - 95 * scale) < 30 * scale, JSON.stringify({ img, green }));
  assert.ok(red.y > green.y + green.height && Math.abs(red.x - img.x - 60 * scale) < 24 * scale, JSON.stringify({ img, red }));
  const stored = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  assert.equal(stored.textCheck, 'issues');
  assert.deepEqual(stored.textCheckDetails?.targets.map((x) => [x.target, x.found, x.read]), [
    ['Fresh Coffee', false, 'Fresh Cofee'],
    ['GRAND OPENING', true, 'GRAND OPENING'],
  ]);
  await page.screenshot({ path: screenshotPath('text-check-detail') });

  // the toggle hides and shows the boxes
  await panel.getByTestId('text-boxes-toggle').locator('input').uncheck();
  assert.equal(await detail.getByTestId('text-boxes').count(), 0);
  await panel.getByTestId('text-boxes-toggle').locator('input').check();
  await detail.getByTestId('text-boxes').waitFor();
  await page.keyboard.press('Escape');

  // the gallery's filter: text issues has it, text right does not
  const filter = async (label: string) => {
    await page.getByTestId('text-check-filter').click();
    await page.getByRole('option', { name: label }).click();
  };
  await filter('Text issues');
  await page.waitForFunction((gid) => [...document.querySelectorAll('[data-testid=gallery-item]')].map((e) => e.getAttribute('data-id')).join() === gid, id);
  await filter('Text right');
  await page.getByTestId('gallery-empty').waitFor();
  const right = await api.call<LibraryPage>('library.search', { textCheck: 'ok' });
  assert.deepEqual(right.items, []);
  await filter('Any');
  await page.locator(`[data-testid=gallery-item][data-id="${id}"]`).waitFor();
});

test('generate: keep the best by text makes a group; the result panel shows each quoted string', { timeout: LONG }, async (t) => {
  if (!needs(t)) return;
  const prompt = 'a market banner "NIGHT MARKET" and \'OPEN LATE\'';
  await go('generate');
  await page.locator('#prompt').fill(prompt);
  await page.getByLabel('Custom').check();
  await page.getByLabel('Width').fill('512');
  await page.getByLabel('Height').fill('512');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('2');
  await page.getByTestId('best-by-text').locator('input').check();
  await page.getByRole('spinbutton', { name: 'Count' }).fill('3');
  await page.getByTestId('generate-button').click();

  const card = page.getByTestId('job-card').first();
  await page.locator('[data-testid=job-card][data-state=done]').first().waitFor({ timeout: LONG });
  const job = (await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs.find((j) => j.request.prompt === prompt)!;
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  assert.equal(job.request.bestByText, true);
  assert.equal(job.generationIds.length, 3);
  const best = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: job.generationIds[0] })).generation;
  assert.equal(best.group?.rank, 0);
  assert.deepEqual(best.group?.members, job.generationIds, 'the job lists the group best first');

  // the best big, with its check: random weights draw no legible text, so both strings are crosses
  const panel = card.getByTestId('text-check');
  await panel.locator('[data-testid=text-target]').nth(1).waitFor({ timeout: LONG });
  assert.equal(await panel.getAttribute('data-status'), 'issues');
  assert.deepEqual(await panel.locator('[data-testid=text-target]').evaluateAll((els) => els.map((e) => e.getAttribute('data-found'))), ['false', 'false']);
  assert.match((await panel.textContent()) ?? '', /“OPEN LATE”.*“NIGHT MARKET”/);
  assert.equal(await card.getByTestId('result-image').count(), 3, 'the candidates beside it');
  await card.getByTestId('best-of-note').getByText(/^Best of 3 by text/).waitFor();
  assert.equal(await panel.getByTestId('text-boxes-toggle').count(), 0, 'nothing was read, so no boxes to show');
  await page.locator('main').evaluate((m) => m.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath('text-check-result') });

  // the gallery shows the group as its best; the detail view names it and shows the alternates
  await go('gallery');
  await page.getByTestId('gallery-search').fill('market banner');
  await page.waitForFunction((gid) => [...document.querySelectorAll('[data-testid=gallery-item]')].map((e) => e.getAttribute('data-id')).join() === gid, best.id);
  await page.locator(`[data-testid=gallery-item][data-id="${best.id}"]`).click();
  const detail = page.getByTestId('generation-detail');
  await detail.getByTestId('group-rank').getByText('Best candidate · Best of 3 by text').waitFor();
  await detail.getByTestId('group-member').nth(1).waitFor();
  assert.equal(await detail.getByTestId('group-member').count(), 2);
  await detail.getByTestId('group-member').first().click();
  await detail.getByTestId('group-rank').getByText('Alternate 1 of 2').waitFor();
  await page.getByTestId('gallery-search').fill('');
});
