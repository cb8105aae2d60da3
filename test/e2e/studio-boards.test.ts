/**
 * Boards that scale, in Chromium against `serve` (no model needed; images imported through the API as
 * set-up): choose three images (click, Ctrl+click, Shift+click), move them to a new board, rename the
 * board, delete it (the images go to the trash), empty the trash after a confirmation; a rubber band
 * chooses what it touches; thumbnails dragged onto a board move there; bulk tag / favourite / rate,
 * each undone from the message line; and a new image arriving while the pointer is over the grid does
 * not change what the click hits (it waits behind a "new results" marker). Each step is checked
 * through the API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import type { LibraryGeneration, LibraryPage, LibraryProject } from '../../main/contract';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import { type ServeProcess, startServe } from '../helpers/serve';
import { type StudioApi, studioApi } from '../helpers/studio';

const skip = chromiumMissingReason();
if (skip) console.log(`# skipping e2e: ${skip}`);

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let api: StudioApi;
const errors: string[] = [];
let seq = 0;

async function importTile(label: string): Promise<LibraryGeneration> {
  seq += 1;
  const hue = (seq * 47) % 255;
  const bytes = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: hue, g: 255 - hue, b: (hue * 3) % 255 } } }).png().toBuffer();
  return (await api.call<{ generation: LibraryGeneration }>('library.import', { dataBase64: bytes.toString('base64'), name: `${label}.png` })).generation;
}

const get = async (id: string) => (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
const item = (id: string) => page.locator(`[data-testid=gallery-item][data-id="${id}"]`);
const shown = () => page.getByTestId('gallery-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never: ${what}`);
}

before(async () => {
  if (skip) return;
  serve = await startServe();
  api = await studioApi(serve);
  for (let i = 0; i < 12; i++) await importTile(`tile ${i}`);
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1280, height: 800 }, errors);
  await page.goto(`${serve.openUrl}#/gallery`);
  await page.getByTestId('gallery-item').first().waitFor();
});
after(() => closeStudio(browser, serve, errors));

test('choose three, move them to a new board, rename it, delete it, empty the trash after a confirmation', { skip: skip ?? false }, async () => {
  const ids = await shown();
  const [a, , c, d] = ids;
  // click (it opens the detail too), Ctrl+click, Shift+click from the anchor
  await item(a!).click();
  await page.getByTestId('generation-detail').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('generation-detail').waitFor({ state: 'detached' });
  await item(c!).click({ modifiers: ['Control'] });
  await item(d!).click({ modifiers: ['Control'] });
  assert.equal(await page.getByTestId('selected-count').textContent(), '3 chosen');
  // Shift+click takes the range from the anchor (d, the last Ctrl+click) to c, and nothing else
  await item(c!).click({ modifiers: ['Shift'] });
  assert.equal(await page.getByTestId('selected-count').textContent(), '2 chosen');
  await item(a!).click({ modifiers: ['Control'] });
  const chosen = await page.locator('[data-testid=gallery-item][data-selected=true]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
  assert.deepEqual(chosen.sort(), [a!, c!, d!].sort());
  await page.screenshot({ path: screenshotPath('gallery-selection') });

  await page.getByTestId('bulk-move').click();
  await page.getByTestId('move-new-board').click();
  await page.getByTestId('move-new-board-name').fill('Picks');
  await page.getByTestId('move-new-board-confirm').click();
  await page.getByText('3 images moved to Picks.').waitFor();
  const board = (await api.call<{ projects: LibraryProject[] }>('projects.list')).projects.find((p) => p.name === 'Picks')!;
  assert.ok(board);
  for (const id of chosen) assert.equal((await get(id)).projectId, board.id);

  // rename
  const boards = page.getByRole('navigation', { name: 'Boards' });
  await boards.getByRole('button', { name: 'Board Picks: rename, export, delete' }).click();
  await page.getByTestId('board-rename').click();
  await page.getByTestId('board-rename-input').fill('Best picks');
  await page.getByTestId('board-rename-confirm').click();
  await boards.getByText('Best picks').waitFor();
  assert.equal((await api.call<{ projects: LibraryProject[] }>('projects.list')).projects.find((p) => p.id === board.id)?.name, 'Best picks');

  // delete: the board and its images go to the trash
  await boards.getByRole('button', { name: 'Board Best picks: rename, export, delete' }).click();
  await page.getByTestId('board-delete').click();
  await page.getByText('Board Best picks deleted; its 3 images went to the trash.').waitFor();
  assert.equal((await api.call<{ projects: LibraryProject[] }>('projects.list')).projects.some((p) => p.id === board.id), false);
  const trash = await api.call<{ projects: LibraryProject[] }>('library.trash');
  assert.deepEqual(trash.projects.map((p) => p.id), [board.id], 'the board is in the trash');
  for (const id of chosen) assert.notEqual((await get(id)).deletedAt, null, 'its images with it');
  // one more image deleted on its own
  const alone = (await shown()).find((id) => !chosen.includes(id))!;
  await item(alone).click({ modifiers: ['Control'] });
  await page.getByTestId('bulk-delete').click();
  await page.getByText('1 image moved to the trash.').waitFor();

  // the trash shows both; emptying it is asked first, and Cancel keeps it
  await page.getByTestId('trash-board').click();
  await page.getByTestId('trashed-board').getByText('Best picks').waitFor();
  await page.getByTestId('gallery-count').getByText('1 image').waitFor();
  await page.screenshot({ path: screenshotPath('gallery-trash') });
  await page.getByTestId('empty-trash').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await api.call<{ projects: unknown[] }>('library.trash')).projects.length, 1);
  await page.getByTestId('empty-trash').click();
  await page.getByRole('dialog').getByText('The 1 image in the trash is deleted for good, with its files. This cannot be undone. With it, 1 board and the images it held.').waitFor();
  await page.getByTestId('empty-trash-confirm').click();
  await page.getByTestId('gallery-empty').getByText('The trash is empty.').waitFor();
  const after = await api.call<{ projects: unknown[]; generations: unknown[] }>('library.trash');
  assert.deepEqual([after.projects.length, after.generations.length], [0, 0]);
  await assert.rejects(get(alone), /There is no generation/);
  for (const id of chosen) await assert.rejects(get(id), /There is no generation/);
  await boards.getByText('All images').click();
  await page.getByTestId('gallery-count').getByText('8 images').waitFor();
});

test('a rubber band chooses what it touches; thumbnails dragged onto a board move there', { skip: skip ?? false }, async () => {
  // a wide window: the nine images take two rows, with empty space below them to start a band in
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, 0));
  const grid = page.getByTestId('gallery-grid');
  const box = (await grid.boundingBox())!;
  const first = (await page.getByTestId('gallery-item').first().boundingBox())!;
  // from empty space below the last row, up and left over the first row's first two cells
  const start = { x: first.x + first.width * 1.5, y: box.y + box.height - 10 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(first.x + 20, first.y + 20, { steps: 8 });
  await page.getByTestId('rubber-band').waitFor();
  await page.mouse.up();
  const chosen = await page.locator('[data-testid=gallery-item][data-selected=true]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  const columns = await page.evaluate(() => {
    const tops = [...document.querySelectorAll('[data-testid=gallery-item]')].map((e) => e.getBoundingClientRect().top);
    return tops.filter((t) => t === tops[0]).length;
  });
  // two columns of every row from the first down to the last
  const rows = Math.ceil(8 / columns);
  const expected = Array.from({ length: rows }, (_, r) => [r * columns, r * columns + 1]).flat().filter((i) => i < 8);
  assert.deepEqual(chosen.sort((x, y) => x - y), expected);
  assert.equal(await page.getByTestId('rubber-band').count(), 0);

  // drag the chosen ones onto a new board
  await page.getByRole('button', { name: 'New board' }).click();
  await page.getByLabel('Board name').fill('Dragged');
  await page.keyboard.press('Enter');
  const boards = page.getByRole('navigation', { name: 'Boards' });
  await boards.getByText('Dragged').waitFor();
  await boards.getByText('All images').click();
  await page.getByTestId('gallery-count').getByText('8 images').waitFor();
  // choose them again (showing another board cleared the choice)
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(first.x + 20, first.y + 20, { steps: 8 });
  await page.mouse.up();
  const ids = await page.locator('[data-testid=gallery-item][data-selected=true]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
  assert.equal(ids.length, expected.length);
  await page.locator(`[data-testid=gallery-item][data-id="${ids[0]}"]`).dragTo(boards.locator('[data-testid=board]').filter({ hasText: 'Dragged' }));
  await page.getByText(new RegExp(`^${ids.length} images moved to Dragged\\.$`)).waitFor();
  const board = (await api.call<{ projects: LibraryProject[] }>('projects.list')).projects.find((p) => p.name === 'Dragged')!;
  for (const id of ids) assert.equal((await get(id)).projectId, board.id);
  // and back, with Undo
  await page.getByTestId('undo').click();
  await page.getByText('Undone.').waitFor();
  for (const id of ids) assert.equal((await get(id)).projectId, null);
  await page.getByTestId('clear-selection').click();
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('bulk tag, favourite and rate, each undone', { skip: skip ?? false }, async () => {
  await page.getByRole('navigation', { name: 'Boards' }).getByText('All images').click();
  await page.getByTestId('gallery-item').first().waitFor();
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, 0));
  const ids = (await shown()).slice(0, 3);
  await item(ids[0]!).click({ modifiers: ['Control'] });
  await item(ids[2]!).click({ modifiers: ['Shift'] });
  assert.equal(await page.getByTestId('selected-count').textContent(), '3 chosen');

  await page.getByTestId('bulk-tag').click();
  await page.getByTestId('bulk-tag-input').fill('harbour');
  await page.getByTestId('bulk-tag-confirm').click();
  await page.getByText('3 images tagged harbour.').waitFor();
  for (const id of ids) assert.ok((await get(id)).tags.includes('harbour'));
  await page.getByTestId('undo').click();
  await page.getByText('Undone.').waitFor();
  for (const id of ids) assert.ok(!(await get(id)).tags.includes('harbour'));

  await page.getByTestId('bulk-favourite').click();
  await page.getByText('3 images added to the favourites.').waitFor();
  for (const id of ids) assert.equal((await get(id)).favourite, true);
  await page.getByTestId('undo').click();
  await page.getByText('Undone.').waitFor();
  for (const id of ids) assert.equal((await get(id)).favourite, false);

  await page.getByTestId('bulk-rate').click();
  await page.getByRole('menuitem', { name: '★★★★', exact: true }).click();
  await page.getByText('3 images rated 4.').waitFor();
  for (const id of ids) assert.equal((await get(id)).rating, 4);
  await page.getByTestId('undo').click();
  await page.getByText('Undone.').waitFor();
  for (const id of ids) assert.equal((await get(id)).rating, 0);

  await page.getByTestId('bulk-delete').click();
  await page.getByText('3 images moved to the trash.').waitFor();
  for (const id of ids) assert.notEqual((await get(id)).deletedAt, null);
  await page.getByTestId('undo').click();
  await page.getByText('Undone.').waitFor();
  for (const id of ids) assert.equal((await get(id)).deletedAt, null);
  // they are back in the grid, where they were (seen before, so not held behind the "new results" marker)
  for (const id of ids) await item(id).waitFor();
  assert.deepEqual((await shown()).slice(0, 3), ids);
  assert.equal(await page.getByTestId('new-results').count(), 0);
  if ((await page.getByTestId('clear-selection').count()) > 0) await page.getByTestId('clear-selection').click();
});

test('a new result arriving during a click does not change what was clicked', { skip: skip ?? false }, async () => {
  // a fresh gallery: nothing held back yet
  await page.reload();
  await page.getByTestId('gallery-item').first().waitFor();
  assert.equal(await page.getByTestId('new-results').count(), 0);
  await page.getByTestId('gallery-grid').evaluate((el) => el.scrollTo(0, 0));
  const target = page.locator('[data-testid=gallery-item][data-index="0"]');
  const aimed = await target.getAttribute('data-id');
  const at = (await target.boundingBox())!;
  await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  await page.mouse.down();
  // a new image lands (another window, a finished job) between the press and the release
  const fresh = await importTile('fresh');
  await page.getByTestId('new-results').waitFor();
  assert.equal(await page.locator('[data-testid=gallery-item][data-index="0"]').getAttribute('data-id'), aimed, 'the grid did not move');
  await page.mouse.up();
  const detail = page.getByTestId('generation-detail');
  await detail.waitFor();
  assert.match((await detail.textContent()) ?? '', new RegExp(`Generation ${aimed}\\b`));
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  // the marker shows it, first
  assert.match((await page.getByTestId('new-results').textContent()) ?? '', /^1 new result/);
  await page.getByTestId('new-results').click();
  await page.getByTestId('new-results').waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid=gallery-item][data-index="0"]').getAttribute('data-id'), fresh.id);
  const all = await api.call<LibraryPage>('library.search', { limit: 100 });
  assert.equal(all.items[0]!.id, fresh.id);
  assert.deepEqual(errors, []);
});
