/**
 * The canvas editor in Chromium against `serve`: open an image by file dialog, drop and paste; paint
 * the mask, erase, undo and redo (checked on the drawn pixels, not only on counters); zoom, fit,
 * 100 %; crop and undo it; keyboard shortcuts from anywhere on the screen; selections; extend the
 * canvas and run an outpaint (with the tiny checkpoint; that step skips, saying so, without it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import sharp from 'sharp';
import { chromiumMissingReason, closeStudio, launchChromium, screenshotPath, watchedPage } from '../helpers/browser';
import type { JobInfo, LibraryGeneration } from '../../main/contract';
import { checkpointDir } from '../helpers/fixtures';
import { type ServeProcess, startServe } from '../helpers/serve';
import { canRun, type StudioApi, studioApi } from '../helpers/studio';

const missing = chromiumMissingReason();
if (missing) console.log(`# skipping e2e: ${missing}`);

const noModel = existsSync(checkpointDir()) ? null : `the tiny checkpoint is missing at ${checkpointDir()} (GLIMMER_FIXTURES)`;
const LONG = 240_000;

let serve: ServeProcess;
let api: StudioApi;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** A 640×480 picture: a left-to-right red ramp over a mid-grey, blue in the bottom half. */
async function picture(w = 640, h = 480, blue = 40): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      raw[o] = Math.round((255 * x) / (w - 1));
      raw[o + 1] = 128;
      raw[o + 2] = y < h / 2 ? blue : 200;
    }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

async function frame(): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** RGBA of the drawn canvas at a CSS-pixel point relative to the canvas. */
async function pixel(x: number, y: number): Promise<number[]> {
  await frame();
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=canvas]')!;
      const dpr = window.devicePixelRatio || 1;
      return [...c.getContext('2d')!.getImageData(Math.round(px! * dpr), Math.round(py! * dpr), 1, 1).data];
    },
    [x, y],
  );
}

async function canvasBox() {
  const box = await page.getByTestId('canvas').boundingBox();
  assert.ok(box, 'the canvas is on screen');
  return box;
}

async function strokes(): Promise<string> {
  return ((await page.getByTestId('mask-strokes').textContent()) ?? '').trim();
}

async function drag(x0: number, y0: number, x1: number, y1: number): Promise<void> {
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 12 });
  await page.mouse.up();
}

const near = (a: number[], b: number[], tol = 3) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= tol);

before(async () => {
  if (missing) return;
  serve = await startServe();
  api = await studioApi(serve);
  // set-up, not under test: the tiny model for the steps that run a job
  if (!noModel) await api.call('settings.update', { modelDir: checkpointDir(), precision: 'fp32' });
  browser = await launchChromium();
  page = await watchedPage(browser, { width: 1400, height: 900 }, errors);
  await page.goto(`${serve.openUrl}#/canvas`);
});
after(() => closeStudio(browser, serve, errors));

test('open an image from the file dialog: it is fitted and drawn', { skip: missing ?? false }, async () => {
  await page.getByTestId('open-file').setInputFiles({ name: 'ramp.png', mimeType: 'image/png', buffer: await picture() });
  await page.getByTestId('layer-base').getByText('ramp.png').waitFor();
  assert.equal(await page.getByTestId('version').count(), 1);
  const box = await canvasBox();
  // fitted: the image's centre is the canvas centre; the drawn colour there is the picture's (red ≈ 128, green 128, blue 200 just below the middle)
  const c = await pixel(box.width / 2, box.height / 2 + 10);
  assert.ok(Math.abs(c[0]! - 128) <= 8 && Math.abs(c[1]! - 128) <= 3 && Math.abs(c[2]! - 200) <= 3, `centre pixel ${c}`);
  const zoom = ((await page.getByTestId('zoom-readout').textContent()) ?? '').trim();
  assert.match(zoom, /^\d+%$/);
});

test('paint a mask, undo and redo it (drawn pixels follow), erase part of it', { skip: missing ?? false }, async () => {
  const box = await canvasBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + 10;
  const before = await pixel(box.width / 2, box.height / 2 + 10);
  const farBefore = await pixel(box.width / 2, box.height / 2 + 120);
  await page.getByTestId('tool-brush').click();
  await drag(cx - 80, cy, cx + 80, cy);
  assert.equal(await strokes(), '1 stroke');
  const painted = await pixel(box.width / 2, box.height / 2 + 10);
  assert.ok(!near(painted, before), `the mask overlay shows: ${before} → ${painted}`);
  assert.ok(painted[0]! > before[0]!, 'tinted towards the mask colour (more red)');
  // a point far from the stroke is untouched
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 120), farBefore));

  await page.getByTestId('undo').click();
  assert.equal(await strokes(), '0 strokes');
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 10), before), 'undo removed the overlay');
  await page.getByTestId('redo').click();
  assert.equal(await strokes(), '1 stroke');
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 10), painted), 'redo drew it again');

  await page.getByTestId('tool-eraser').click();
  await drag(cx, cy - 60, cx, cy + 60);
  assert.equal(await strokes(), '2 strokes');
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 10), before), 'the eraser cleared the middle of the stroke');
  assert.ok(!near(await pixel(box.width / 2 - 60, box.height / 2 + 10), await pixel(box.width / 2 - 60, box.height / 2 + 130)), 'the rest of the stroke stays');

  // keyboard: Ctrl+Z on the focused canvas undoes the eraser
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await strokes(), '1 stroke');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await strokes(), '2 strokes');
  // also with the focus on a toolbar button, but not while typing in a field
  await page.getByTestId('tool-brush').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await strokes(), '1 stroke');
  await page.keyboard.press('Control+y');
  assert.equal(await strokes(), '2 strokes');
  await page.locator('#canvas-prompt').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await strokes(), '2 strokes', 'Ctrl+Z in the prompt undoes typing, not the mask');
  await page.getByTestId('tool-eraser').click();
  await page.screenshot({ path: screenshotPath('canvas-mask') });
});

test('zoom with the wheel, fit, 100 %, and keys', { skip: missing ?? false }, async () => {
  const readout = async () => Number(((await page.getByTestId('zoom-readout').textContent()) ?? '').replace('%', ''));
  const fitted = await readout();
  const box = await canvasBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await frame();
  assert.ok((await readout()) > fitted, 'wheel up zooms in');
  await page.getByTestId('zoom-fit').click();
  assert.equal(await readout(), fitted);
  // a trackpad pinch arrives as Ctrl+wheel: spreading the fingers (negative delta) zooms in
  await page.getByTestId('canvas').evaluate((c, [x, y]) => {
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: -40, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
  }, [box.x + box.width / 2, box.y + box.height / 2]);
  await frame();
  assert.ok((await readout()) > fitted, 'pinch zooms in');
  await page.getByTestId('zoom-fit').click();
  await page.getByRole('button', { name: 'Zoom to 100 %' }).click();
  assert.equal(await readout(), 100);
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('0');
  assert.equal(await readout(), fitted);
  await page.keyboard.press('+');
  assert.ok((await readout()) > fitted);
  await page.keyboard.press('0');

  // pan: what was under the centre moves with the drag
  const at = [box.width / 2 - 40, box.height / 2 + 60] as const;
  const before = await pixel(at[0], at[1]);
  await page.getByTestId('tool-pan').click();
  await drag(box.x + at[0], box.y + at[1], box.x + at[0] + 120, box.y + at[1] + 30);
  assert.ok(near(await pixel(at[0] + 120, at[1] + 30), before), 'the picture moved with the pointer');
  assert.equal(await readout(), fitted, 'panning does not zoom');
  await page.getByTestId('zoom-fit').click();
  await page.getByTestId('tool-brush').click();
});

test('tool keys work with the focus on a toolbar button: H then a drag pans and paints nothing', { skip: missing ?? false }, async () => {
  const box = await canvasBox();
  await page.getByTestId('tool-brush').click();
  assert.equal(await page.getByTestId('brush-size').count(), 1, 'brush controls show for the brush');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  assert.equal(focused, 'tool-brush', 'the toolbar button has the focus, not the canvas');
  const strokesBefore = await strokes();
  await page.keyboard.press('h');
  await page.getByTestId('tool-state').getByText('Pan (H)').waitFor();
  assert.equal(await page.getByTestId('tool-pan').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('brush-size').count(), 0, 'no brush controls for the pan tool');
  const at = [box.width / 2 - 40, box.height / 2 + 60] as const;
  const before = await pixel(at[0], at[1]);
  await drag(box.x + at[0], box.y + at[1], box.x + at[0] + 90, box.y + at[1] + 20);
  assert.ok(near(await pixel(at[0] + 90, at[1] + 20), before), 'the view panned with the pointer');
  assert.equal(await strokes(), strokesBefore, 'no mask stroke was added');
  // B from the same place brings the brush back; typing in the prompt does not switch tools
  await page.keyboard.press('b');
  await page.getByTestId('tool-state').getByText('Brush (B)').waitFor();
  await page.locator('#canvas-prompt').fill('');
  await page.locator('#canvas-prompt').pressSequentially('hc');
  assert.equal(await page.locator('#canvas-prompt').inputValue(), 'hc');
  await page.getByTestId('tool-state').getByText('Brush (B)').waitFor();
  await page.locator('#canvas-prompt').fill('');
  // Space on a focused toolbar button still presses it (it is only "hold to pan" elsewhere)
  await page.getByTestId('tool-pan').focus();
  await page.keyboard.press(' ');
  await page.getByTestId('tool-state').getByText('Pan (H)').waitFor();
  await page.keyboard.press('b');
  await page.getByTestId('zoom-fit').click();
  await page.screenshot({ path: screenshotPath('canvas-keys') });
});

test('mode tabs keep their own text; a "reference first" error goes once a reference is added', { skip: missing ?? false }, async () => {
  await page.getByTestId('mode-edit').click();
  await page.locator('#canvas-prompt').fill('make the sky stormy');
  await page.getByTestId('mode-style').click();
  assert.equal(await page.locator('#canvas-prompt').inputValue(), '', 'the style tab has its own text');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('canvas-error').waitFor();
  await page.getByTestId('add-reference-file').setInputFiles({ name: 'style.png', mimeType: 'image/png', buffer: await picture(128, 128, 250) });
  await page.getByTestId('layer-reference').getByText('style.png').waitFor();
  await page.getByTestId('canvas-error').waitFor({ state: 'detached' });
  await page.getByTestId('mode-edit').click();
  assert.equal(await page.locator('#canvas-prompt').inputValue(), 'make the sky stormy');
  await page.getByTestId('layer-reference').getByRole('button', { name: /^Remove/ }).click();
  await page.getByTestId('layer-reference').waitFor({ state: 'detached' });
});

test('crop by dragging, then undo the crop', { skip: missing ?? false }, async () => {
  const box = await canvasBox();
  await page.getByTestId('tool-crop').click();
  await drag(box.x + box.width / 2 - 100, box.y + box.height / 2 - 80, box.x + box.width / 2 + 100, box.y + box.height / 2 + 80);
  const remove = page.getByRole('button', { name: /Remove crop/ });
  await remove.waitFor();
  // outside the crop is shaded darker than before
  const inside = await pixel(box.width / 2, box.height / 2 + 40);
  const outside = await pixel(box.width / 2, box.height / 2 + 150);
  assert.ok(outside[2]! < 200 - 40, `outside shaded: ${outside}`);
  assert.ok(inside[2]! >= 150, `inside not shaded: ${inside}`);
  await page.getByTestId('undo').click();
  await remove.waitFor({ state: 'detached' });
  await page.getByTestId('tool-brush').click();
});

test('drop and paste open other images as new documents', { skip: missing ?? false }, async () => {
  const dropped = (await picture(320, 320, 250)).toString('base64');
  const dt = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const d = new DataTransfer();
    d.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    return d;
  }, dropped);
  // the document has a mask: opening another image asks first; keeping it changes nothing
  await page.dispatchEvent('[data-testid=canvas]', 'drop', { dataTransfer: dt });
  await page.getByTestId('replace-dialog').waitFor();
  await page.getByTestId('replace-cancel').click();
  await page.getByTestId('replace-dialog').waitFor({ state: 'detached' });
  assert.match((await page.getByTestId('layer-base').textContent()) ?? '', /ramp\.png/);
  assert.notEqual(await strokes(), '0 strokes');
  await page.dispatchEvent('[data-testid=canvas]', 'drop', { dataTransfer: dt });
  await page.getByTestId('replace-confirm').click();
  await page.getByTestId('layer-base').getByText('dropped.png').waitFor();
  assert.equal(await strokes(), '0 strokes', 'a new document starts without a mask');
  assert.equal(await page.getByTestId('undo').isDisabled(), true, 'and with an empty history');

  const pasted = (await picture(200, 100, 0)).toString('base64');
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const d = new DataTransfer();
    d.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true }));
  }, pasted);
  await page.getByTestId('layer-base').getByText('pasted.png').waitFor();
  assert.match((await page.getByTestId('layer-base').textContent()) ?? '', /200×100/);
  await page.screenshot({ path: screenshotPath('canvas') });
  assert.deepEqual(errors, []);
});

async function jobs(): Promise<JobInfo[]> {
  return (await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs;
}

/** Opens a picture from the file dialog, agreeing to replace the document when asked. */
async function openPicture(name: string, png: Buffer): Promise<void> {
  await page.getByTestId('open-file').setInputFiles({ name, mimeType: 'image/png', buffer: png });
  const confirm = page.getByTestId('replace-confirm');
  const base = page.getByTestId('layer-base').getByText(name);
  await Promise.race([confirm.waitFor().then(() => confirm.click()), base.waitFor()]);
  await base.waitFor();
  // the question's dialog gone, backdrop and all (while it fades out it takes the pointer: a drag
  // started then selects text in the side panel instead)
  await page.locator('.MuiDialog-root').waitFor({ state: 'detached' });
}

test('selections: a rectangle (M) adds to the mask, Alt+drag takes part away; invert shows on the overlay and undoes', { skip: missing ?? false }, async () => {
  await openPicture('select.png', await picture());
  const box = await canvasBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const clean = await pixel(box.width / 2, box.height / 2 + 10);
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('m');
  await page.getByTestId('tool-state').getByText('Select (M)').waitFor();
  assert.equal(await page.getByTestId('brush-size').count(), 0, 'no brush controls for a selection tool');
  await drag(cx - 100, cy - 60, cx + 100, cy + 60);
  assert.equal(await strokes(), '1 stroke');
  const inside = await pixel(box.width / 2, box.height / 2 + 10);
  assert.ok(!near(inside, clean), 'the selected area shows as mask');
  await page.keyboard.down('Alt');
  await drag(cx - 30, cy - 30, cx + 30, cy + 30);
  await page.keyboard.up('Alt');
  assert.equal(await strokes(), '2 strokes');
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 10), clean), 'Alt+drag took the middle away');
  const outside = await pixel(box.width / 2, box.height / 2 + 120);
  await page.getByTestId('mask-invert').click();
  assert.ok(!near(await pixel(box.width / 2, box.height / 2 + 120), outside), 'inverted: outside is now mask');
  assert.ok(!near(await pixel(box.width / 2, box.height / 2 + 10), clean), 'inverted: the hole is mask too');
  await page.getByTestId('undo').click();
  assert.ok(near(await pixel(box.width / 2, box.height / 2 + 120), outside), 'undo: not inverted');
  await page.screenshot({ path: screenshotPath('canvas-selection') });
  await page.getByTestId('clear-mask').click();
  assert.equal(await strokes(), '0 strokes');
});

test('extend by dragging a side handle (X): steps of 32, one undo step', { skip: missing ?? false }, async () => {
  await openPicture('handles.png', await picture(512, 512));
  const box = await canvasBox();
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('x');
  await page.getByTestId('tool-state').getByText('Extend (X)').waitFor();
  const zoom = Number(((await page.getByTestId('zoom-readout').textContent()) ?? '').replace('%', '')) / 100;
  // the right edge of the image, at the middle of its height; 96 image pixels outwards
  const edgeX = box.x + box.width / 2 + 256 * zoom;
  const midY = box.y + box.height / 2;
  await drag(edgeX - 2, midY, edgeX - 2 + 96 * zoom, midY);
  await page.getByTestId('extend-state').getByText('right 96').waitFor();
  await page.screenshot({ path: screenshotPath('canvas-extend-handles') });
  await page.getByTestId('undo').click();
  await page.getByTestId('extend-state').waitFor({ state: 'detached' });
});

test('extend the canvas by 128 px to the right and run an outpaint: the result is a new version, the original area kept', { skip: missing ?? false, timeout: LONG }, async (t) => {
  await openPicture('outpaint.png', await picture(512, 512));
  const box = await canvasBox();
  const bg = await pixel(4, 4);
  await page.getByTestId('extend-by').fill('128');
  await page.getByTestId('extend-right').click();
  await page.getByTestId('extend-state').getByText('right 128').waitFor();
  assert.match((await page.getByTestId('canvas-output').textContent()) ?? '', /640×512/);
  // fitted to the extended document: the new area on the right is drawn with the mask over it
  const zoom = Number(((await page.getByTestId('zoom-readout').textContent()) ?? '').replace('%', '')) / 100;
  const right = await pixel(box.width / 2 + 0.4 * 640 * zoom, box.height / 2);
  const left = await pixel(box.width / 2 - 0.4 * 640 * zoom, box.height / 2 + 10);
  assert.ok(!near(right, bg), `the new area is drawn (${right} vs the background ${bg})`);
  assert.ok(right[0]! > 200 && right[2]! > right[1]!, `the new area is covered by the mask colour: ${right}`);
  assert.ok(left[0]! < 90 && Math.abs(left[1]! - 128) <= 6, `the image's left edge is the picture's own (dark red ramp, green 128): ${left}`);
  await page.screenshot({ path: screenshotPath('canvas-extend') });
  if (!canRun(t, missing ?? noModel)) return;
  // the new area goes filled with the picture's edge carried out (the default blurs the picture over it)
  await page.getByRole('combobox', { name: 'Sent in the new area' }).click();
  await page.getByRole('option', { name: 'Its edge colours, carried out' }).click();
  await page.getByTestId('mode-edit').click();
  await page.locator('#canvas-prompt').fill('a calm sea continues to the right');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('2');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('version').nth(1).waitFor({ timeout: LONG });
  const job = (await jobs()).find((j) => j.request.mode === 'edit');
  assert.ok(job && job.request.mode === 'edit', 'an edit job was submitted');
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  assert.deepEqual([job.request.width, job.request.height], [640, 512]);
  assert.ok(job.request.mask, 'the new area went as the mask');
  const maskB64 = (job.request.mask as { dataBase64: string }).dataBase64;
  const m = await sharp(Buffer.from(maskB64, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([m.info.width, m.info.height], [640, 512]);
  const at = (x: number, y: number) => m.data[(y * 640 + x) * m.info.channels]!;
  assert.equal(at(600, 100), 255, 'the new area is white');
  assert.equal(at(100, 100), 0, 'the original is black');
  const image = (job.request.images as { dataBase64: string }[])[0]!;
  const sent = await sharp(Buffer.from(image.dataBase64, 'base64')).metadata();
  assert.deepEqual([sent.width, sent.height], [640, 512], 'the extended image was sent');
  const sentPixels = await sharp(Buffer.from(image.dataBase64, 'base64')).removeAlpha().raw().toBuffer();
  const original = await sharp(await picture(512, 512)).removeAlpha().raw().toBuffer();
  for (const y of [0, 100, 300, 511]) {
    const edgePixel = [...original.subarray((y * 512 + 511) * 3, (y * 512 + 511) * 3 + 3)];
    for (const x of [512, 575, 639]) {
      const got = [...sentPixels.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3)];
      assert.ok(near(got, edgePixel, 2), `the new area at (${x}, ${y}) carries the edge pixel ${edgePixel} out: ${got}`);
    }
  }
  assert.equal((await page.getByTestId('extend-state').count()), 0, 'the result is not extended');
  assert.match((await page.getByTestId('version').nth(1).textContent()) ?? '', /from Original/);
  // the result's original area is the picture's own pixels, bit for bit
  const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id: job.generationIds[0] })).generation;
  const res = await fetch(`${serve.origin}/media/${g.media!.image}`, { headers: { authorization: `Bearer ${serve.token}` } });
  const out = await sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const src = await sharp(await picture(512, 512)).raw().toBuffer();
  assert.deepEqual([out.info.width, out.info.height], [640, 512]);
  let differ = 0;
  for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) for (let c = 0; c < 3; c++) if (out.data[(y * 640 + x) * 3 + c] !== src[(y * 512 + x) * 3 + c]) differ++;
  assert.equal(differ, 0, 'original pixels changed');
  await page.screenshot({ path: screenshotPath('canvas-outpaint') });

  // before/after: the source lies where it was in the result (the left 512 of 640 px); slid all the
  // way, the new area on the right shows nothing of the source, and the original area is unchanged
  const zoomNow = Number(((await page.getByTestId('zoom-readout').textContent()) ?? '').replace('%', '')) / 100;
  const newArea = [box.width / 2 + 0.4 * 640 * zoomNow, box.height / 2] as const;
  const oldArea = [box.width / 2 - 0.3 * 640 * zoomNow, box.height / 2 + 10] as const;
  const after = { fresh: await pixel(...newArea), kept: await pixel(...oldArea) };
  await page.getByTestId('compare-toggle').click();
  await page.getByRole('slider', { name: 'Before/after split' }).focus();
  await page.keyboard.press('End');
  await frame();
  const before = { fresh: await pixel(...newArea), kept: await pixel(...oldArea) };
  assert.ok(!near(before.fresh, after.fresh), `the new area shows the source's (empty) side: ${before.fresh} vs ${after.fresh}`);
  assert.ok(near(before.kept, after.kept), `the original area is the same before and after: ${before.kept} vs ${after.kept}`);
  await page.screenshot({ path: screenshotPath('canvas-before-after') });
  await page.keyboard.press('Home');
  assert.ok(near(await pixel(...newArea), after.fresh), 'slid back: the result');
  await page.getByTestId('compare-toggle').click();
  assert.deepEqual(errors, []);
});

test('a style transfer with two reference slots: one the content, one the style, in the order shown', { skip: missing ?? false, timeout: LONG }, async (t) => {
  await page.getByTestId('mode-edit').click();
  const content = await sharp({ create: { width: 200, height: 300, channels: 3, background: { r: 200, g: 180, b: 40 } } }).png().toBuffer();
  const style = await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: 30, g: 60, b: 200 } } }).png().toBuffer();
  await page.getByTestId('add-reference-file').setInputFiles({ name: 'paint.png', mimeType: 'image/png', buffer: style });
  await page.getByTestId('layer-reference').getByText('paint.png').waitFor();
  await page.getByTestId('add-reference-file').setInputFiles({ name: 'content.png', mimeType: 'image/png', buffer: content });
  await page.getByTestId('layer-reference').nth(1).getByText('content.png').waitFor();
  assert.equal(await page.getByTestId('slot-thumb').count(), 2, 'both slots show a thumbnail');
  const roles = async () => page.getByTestId('slot-role').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  assert.deepEqual(await roles(), ['content', 'content'], 'added in the edit mode: content');
  // paint.png becomes the style; content.png goes first
  await page.getByRole('combobox', { name: 'Role of paint.png' }).click();
  await page.getByRole('option', { name: 'Style' }).click();
  await page.getByRole('button', { name: 'Move content.png earlier' }).click();
  await page.getByTestId('layer-reference').first().getByText('content.png').waitFor();
  assert.deepEqual(await roles(), ['content', 'style']);
  await page.getByTestId('mode-style').click();
  assert.match((await page.getByTestId('mode-images').textContent()) ?? '', /content\.png \(content\), paint\.png \(style\)/);
  await page.screenshot({ path: screenshotPath('canvas-slots') });
  if (!canRun(t, missing ?? noModel)) return;
  const versions = await page.getByTestId('version').count();
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('2');
  await page.getByTestId('canvas-run').click();
  await page.getByTestId('version').nth(versions).waitFor({ timeout: LONG });
  const job = (await jobs()).find((j) => j.request.mode === 'style');
  assert.ok(job && job.request.mode === 'style');
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  const size = async (ref: unknown) => {
    const m = await sharp(Buffer.from((ref as { dataBase64: string }).dataBase64, 'base64')).metadata();
    return [m.width, m.height];
  };
  assert.deepEqual(await size(job.request.content), [200, 300], 'the content slot went as the content');
  assert.deepEqual(await size(job.request.style), [320, 320], 'the style slot went as the style');
  await page.screenshot({ path: screenshotPath('canvas-style-slots') });
  assert.deepEqual(errors, []);
});

test('reload: the document comes back with its versions, references, mask and view', { skip: missing ?? false, timeout: LONG }, async () => {
  const box = await canvasBox();
  await page.getByTestId('tool-brush').click();
  await drag(box.x + box.width / 2 - 60, box.y + box.height / 2, box.x + box.width / 2 + 60, box.y + box.height / 2 + 20);
  await page.getByRole('slider', { name: /^Feather/ }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('canvas').hover();
  await page.mouse.wheel(0, -200);
  const seen = {
    versions: await page.getByTestId('version').evaluateAll((els) => els.map((e) => e.textContent)),
    current: await page.locator('[data-testid=version].Mui-selected').textContent(),
    strokes: await strokes(),
    slots: await page.getByTestId('layer-reference').evaluateAll((els) => els.map((e) => e.textContent)),
    roles: await page.getByTestId('slot-role').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    feather: await page.getByText(/^Feather: \d+ px$/).textContent(),
    zoom: await page.getByTestId('zoom-readout').textContent(),
    centre: await pixel(box.width / 2, box.height / 2 + 10),
  };
  assert.notEqual(seen.strokes, '0 strokes');
  assert.equal(seen.feather, 'Feather: 2 px');
  // kept as the user works: wait until the workspace has this document, then reload
  for (let i = 0; ; i++) {
    const ws = await api.call<{ canvas: { strokes?: unknown[]; versions?: unknown[]; maskEdit?: { feather?: number }; view?: { zoom: number } } | null }>('workspace.get');
    const c = ws.canvas;
    if (c && c.strokes?.length === Number(seen.strokes.split(' ')[0]) && c.versions?.length === seen.versions.length && c.maskEdit?.feather === 2 && c.view && `${Math.round(c.view.zoom * 100)}%` === seen.zoom) break;
    assert.ok(i < 100, `the workspace keeps the document: ${JSON.stringify(c).slice(0, 300)}`);
    await page.waitForTimeout(100);
  }
  await page.reload();
  await page.getByTestId('layer-base').waitFor();
  await page.getByTestId('version').nth(seen.versions.length - 1).waitFor();
  assert.deepEqual(await page.getByTestId('version').evaluateAll((els) => els.map((e) => e.textContent)), seen.versions, 'the versions and their links');
  assert.equal(await page.locator('[data-testid=version].Mui-selected').textContent(), seen.current);
  assert.equal(await strokes(), seen.strokes, 'the mask');
  assert.deepEqual(await page.getByTestId('layer-reference').evaluateAll((els) => els.map((e) => e.textContent)), seen.slots, 'the reference slots');
  assert.deepEqual(await page.getByTestId('slot-role').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), seen.roles);
  assert.equal(await page.getByText(/^Feather: \d+ px$/).textContent(), seen.feather);
  assert.equal(await page.getByTestId('zoom-readout').textContent(), seen.zoom, 'the view');
  for (let tries = 0; !near(await pixel(box.width / 2, box.height / 2 + 10), seen.centre, 4); tries++) {
    assert.ok(tries < 50, 'the same picture is drawn at the same place with the same mask');
    await page.waitForTimeout(100);
  }
  assert.equal(await page.getByTestId('undo').isDisabled(), true, 'a fresh history');
  await page.screenshot({ path: screenshotPath('canvas-restored') });
  assert.deepEqual(errors, []);
});

test('every result is a layer over its source: hide it, see through it, move it down the stack, export it flattened, delete it', { skip: missing ?? false, timeout: LONG }, async (t) => {
  if (!canRun(t, missing ?? noModel)) return;
  // the line: the outpainted picture, the edit made from it, the style transfer made from the edit (on top)
  const rows = page.getByTestId('layer-result');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2, 'both results of the line are layers');
  const layer = rows.first();
  const name = async (row: typeof layer) => (await row.locator('.MuiListItemText-primary').textContent()) ?? '';
  assert.match(await name(layer), /^Style/i, 'the newest result on top');
  const box = await canvasBox();
  const at = [box.width / 2 + 20, box.height / 2 - 30] as const;
  const shown = await pixel(...at);
  await layer.getByRole('button', { name: /^Hide/ }).click();
  const under = await pixel(...at);
  await layer.getByRole('button', { name: /^Show/ }).click();
  assert.ok(near(await pixel(...at), shown), 'shown again');
  // moved under the edit, the style result is covered by it: what shows is the edit, as when it was hidden
  await layer.getByTestId('result-down').click();
  assert.ok(near(await pixel(...at), under), 'moved down: the edit over it');
  assert.match(await name(rows.first()), /^Edit/i, 'the edit is on top of the stack now');
  await rows.nth(1).getByTestId('result-up').click();
  assert.ok(near(await pixel(...at), shown), 'moved back up');
  const slider = layer.getByRole('slider', { name: /^Opacity of .* over its source$/ });
  await slider.focus();
  await page.keyboard.press('Home');
  assert.ok(near(await pixel(...at), under), 'opacity 0: the source');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  const half = await pixel(...at);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(half[c]! - (shown[c]! + under[c]!) / 2) <= 3, `half way between result and source: ${half} from ${shown} and ${under}`);

  // the export flattens the two as drawn: every pixel half the result and half its source
  const style = (await jobs()).find((j) => j.request.mode === 'style')!;
  const edit = (await jobs()).find((j) => j.request.mode === 'edit')!;
  const image = async (id: string) => {
    const g = (await api.call<{ generation: LibraryGeneration }>('library.get', { id })).generation;
    const res = await fetch(`${serve.origin}/media/${g.media!.image}`, { headers: { authorization: `Bearer ${serve.token}` } });
    return sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  };
  const [top, bottom] = await Promise.all([image(style.generationIds[0]!), image(edit.generationIds[0]!)]);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-flat').click();
  const file = await (await download).path();
  const flat = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([flat.info.width, flat.info.height], [top.info.width, top.info.height]);
  let worst = 0;
  for (let i = 0; i < flat.data.length; i += 997) worst = Math.max(worst, Math.abs(flat.data[i]! - (top.data[i]! + bottom.data[i]!) / 2));
  assert.ok(worst <= 2, `flattened at half opacity (worst difference ${worst})`);
  await page.screenshot({ path: screenshotPath('canvas-layers') });

  // delete the result: back to its source, one version fewer, one undo away
  const count = await page.getByTestId('version').count();
  await layer.getByTestId('result-delete').click();
  assert.equal(await page.getByTestId('version').count(), count - 1);
  assert.match((await page.locator('[data-testid=version].Mui-selected').textContent()) ?? '', /edit #/);
  await page.getByTestId('undo').click();
  assert.equal(await page.getByTestId('version').count(), count);
  assert.deepEqual(errors, []);
});
