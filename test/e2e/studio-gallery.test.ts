/**
 * The gallery with many images (imported through the API with recipes in their PNGs): the grid is
 * virtualised (a few dozen thumbnails in the page however many there are) and pages in more as it
 * scrolls; search, tag and favourite filters; boards; keyboard opening. Needs no model.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import type { LibraryGeneration, LibraryPage } from '../../main/contract';
import { png } from '../../main/library';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';

const noChromium = chromiumMissingReason();
if (noChromium) console.log(`# skipping e2e: ${noChromium}`);

const COUNT = 450;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: StudioApi;
const errors: string[] = [];

const needs = (t: TestContext) => canRun(t, noChromium);

/** A 96×96 tile of one hue with its recipe (prompt "tile N"). */
async function tile(i: number): Promise<Buffer> {
  const hue = (i * 137.5) % 360;
  const [r, g, b] = [0, 120, 240].map((o) => Math.round(127 + 120 * Math.cos(((hue - o) * Math.PI) / 180)));
  const body = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: r!, g: g!, b: b! } } })
    .composite([{ input: Buffer.from(`<svg width="96" height="96"><circle cx="${20 + (i % 7) * 9}" cy="${20 + (i % 5) * 12}" r="18" fill="white" fill-opacity="0.6"/></svg>`), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return png.writePngMetadata(body, { mode: 'text', prompt: `tile ${i} in the test set`, model: 'glm-image-test', seed: i, width: 96, height: 96, steps: 1 });
}

before(async () => {
  if (noChromium) return;
  serve = await startServe();
  api = await studioApi(serve);
  {
    for (let i = 0; i < COUNT; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, COUNT - i) }, async (_, k) => {
          const n = i + k;
          await api.call('library.import', { dataBase64: (await tile(n)).toString('base64'), name: `tile-${n}.png`, tags: [n % 2 === 0 ? 'even' : 'odd'] });
        }),
      );
    }
  }
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 900 }, errors);
  await page.goto(`${serve.openUrl}#/gallery`);
});
after(() => closeStudio(browser, serve, errors));

const countText = async () => ((await page.getByTestId('gallery-count').textContent()) ?? '').trim();
const domItems = () => page.getByTestId('gallery-item').count();

test('a virtualised grid: few thumbnails in the page, more pages load while scrolling', { timeout: 300_000 }, async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('gallery-item').first().waitFor();
  assert.equal(await countText(), '200+ images', 'the first page');
  const inPage = await domItems();
  assert.ok(inPage > 0 && inPage < 100, `${inPage} thumbnails in the page`);
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=gallery-item] img')].every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: screenshotPath('gallery-many') });
  // scroll to the end until every page has loaded
  for (let i = 0; i < 60 && (await countText()) !== `${COUNT} images`; i++) {
    await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(150);
  }
  assert.equal(await countText(), `${COUNT} images`);
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  assert.ok((await domItems()) < 100, 'still only the visible rows');
  // the last item of the whole history (newest first) is in the page now
  const all = await api.call<LibraryPage>('library.search', { limit: 500 });
  assert.equal(all.items.length, COUNT);
  await page.locator(`[data-testid=gallery-item][data-id="${all.items[COUNT - 1]!.id}"]`).waitFor();
});

test('arrow keys move between thumbnails, Enter opens one', async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, 0));
  await page.locator('[data-testid=gallery-item][data-index="0"]').focus();
  /** Waits until the thumbnail with this index has the focus (it moves in the next frame). */
  const focused = async (want: number) => {
    await page.waitForFunction((n) => Number(document.activeElement?.getAttribute('data-index')) === n, want);
    return want;
  };
  const columns = await page.evaluate(() => {
    const tops = [...document.querySelectorAll('[data-testid=gallery-item]')].map((e) => e.getBoundingClientRect().top);
    return tops.filter((t) => t === tops[0]).length;
  });
  assert.ok(columns > 1);
  await page.keyboard.press('ArrowRight');
  await focused(1);
  await page.keyboard.press('ArrowDown');
  await focused(1 + columns);
  await page.keyboard.press('ArrowLeft');
  await focused(columns);
  await page.keyboard.press('ArrowUp');
  await focused(0);
  // End goes to the last loaded thumbnail, scrolling it into the page
  await page.keyboard.press('End');
  await page.waitForFunction((n) => Number(document.activeElement?.getAttribute('data-index')) === n - 1, COUNT);
  await page.keyboard.press('Home');
  await page.waitForFunction(() => Number(document.activeElement?.getAttribute('data-index')) === 0);
  const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  await page.keyboard.press('Enter');
  await page.getByTestId('generation-detail').getByText(label.replace(' (favourite)', '')).waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('generation-detail').waitFor({ state: 'detached' });
});

test('search, tag and favourite filters', async (t) => {
  if (!needs(t)) return;
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, 0));
  await page.getByTestId('gallery-search').fill('tile 123');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=gallery-item]').length === 1);
  assert.match((await page.getByTestId('gallery-item').first().getAttribute('aria-label')) ?? '', /^tile 123 in the test set/);
  // open it with the keyboard and make it a favourite
  await page.getByTestId('gallery-item').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('generation-detail').getByText("tile 123 in the test set").waitFor();
  await page.getByTestId('favourite').click();
  await page.locator('[data-testid=favourite][aria-pressed=true]').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('generation-detail').waitFor({ state: 'detached' });
  await page.getByTestId('gallery-search').fill('');
  await page.getByLabel('Favourites').check();
  await page.getByTestId('gallery-count').getByText(/^1 image$/).waitFor();
  await page.getByLabel('Favourites').uncheck();

  await page.getByRole('combobox', { name: 'Tag' }).click();
  await page.getByRole('option', { name: 'odd' }).click();
  const odd = (await api.call<LibraryPage>('library.search', { tag: 'odd', limit: 500 })).items.length;
  assert.equal(odd, COUNT / 2);
  await page.getByTestId('gallery-count').getByText(/^200\+ images$/).waitFor();
  const labels = await page.getByTestId('gallery-item').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  assert.ok(labels.length > 0 && labels.every((l) => Number(/^tile (\d+)/.exec(l)?.[1]) % 2 === 1), 'only odd tiles');
  await page.getByRole('combobox', { name: 'Tag' }).click();
  await page.getByRole('option', { name: 'Any' }).click();
});

test('boards: make one, put an image on it, show only that board', async (t) => {
  if (!needs(t)) return;
  await page.getByRole('button', { name: 'New board' }).click();
  await page.getByLabel('Board name').fill('Posters');
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Boards' }).getByText('Posters').waitFor();
  await page.getByTestId('gallery-empty').waitFor();
  await page.getByRole('navigation', { name: 'Boards' }).getByText('All images').click();
  await page.getByTestId('gallery-search').fill('tile 77');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=gallery-item]').length === 1);
  await page.getByTestId('gallery-item').first().click();
  await page.getByTestId('generation-detail').getByLabel('Board').click();
  await page.getByRole('option', { name: 'Posters' }).click();
  const id = await page.getByTestId('gallery-item').first().getAttribute('data-id');
  for (let i = 0; i < 50; i++) {
    const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
    if (g.projectId !== null) break;
    await page.waitForTimeout(100);
  }
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
  assert.ok(g.projectId, 'moved to the board');
  await page.keyboard.press('Escape');
  await page.getByTestId('gallery-search').fill('');
  await page.getByRole('navigation', { name: 'Boards' }).getByText('Posters').click();
  await page.getByTestId('gallery-count').getByText(/^1 image$/).waitFor();
  await page.getByRole('navigation', { name: 'Boards' }).getByText('1 image').waitFor();

  // export the board into a folder: one PNG with its recipe, and an index
  {
    const dest = mkdtempSync(path.join(os.tmpdir(), 'glimmer-e2e-export-'));
    try {
      await page.getByTestId('export-board').click();
      await page.getByRole('dialog').getByLabel('Folder').fill(dest);
      await page.getByTestId('export-confirm').click();
      const note = page.getByText(/^Exported \d+ files? to /);
      await note.waitFor();
      const folder = /to (.+)$/.exec((await note.textContent()) ?? '')![1]!;
      assert.ok(folder.startsWith(dest), folder);
      const files = readdirSync(folder);
      const pngs = files.filter((f) => f.endsWith('.png'));
      assert.equal(pngs.length, 1, files.join(', '));
      assert.ok(files.includes('index.json'));
      const meta = png.readPngMetadata(readFileSync(path.join(folder, pngs[0]!)));
      assert.equal(meta.recipe?.prompt, 'tile 77 in the test set');
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  }
  await page.getByRole('navigation', { name: 'Boards' }).getByText('All images').click();
  assert.deepEqual(errors, []);
});
