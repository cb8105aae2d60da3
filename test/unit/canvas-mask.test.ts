import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cropMask, featherMask, growMask, maskIsEmpty, maskIsPlain, MaskRaster, rasterizeMask, rasterizeStrokes, scaleStrokes, strokeCoverage, type Stroke } from '../../renderer/src/canvas';

const brush = (points: number[], size = 20, hardness = 1): Stroke => ({ mode: 'brush', size, hardness, points });
const eraser = (points: number[], size = 20, hardness = 1): Stroke => ({ mode: 'eraser', size, hardness, points });

/** Independent count: pixel centres within distance r of the point. */
function discPixels(cx: number, cy: number, r: number, w: number, h: number): Set<number> {
  const out = new Set<number>();
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r) out.add(y * w + x);
  return out;
}

describe('mask rasterisation', () => {
  test('a hard dab marks exactly the pixels whose centre is inside its radius', () => {
    const w = 64;
    const h = 48;
    const data = rasterizeStrokes([brush([30.2, 20.7], 21, 1)], w, h);
    const expected = discPixels(30.2, 20.7, 10.5, w, h);
    for (let i = 0; i < data.length; i++) assert.equal(data[i], expected.has(i) ? 255 : 0, `pixel ${i % w},${Math.floor(i / w)}`);
  });

  test('a line is a swept disc: pixels near the segment are marked, the rest not', () => {
    const w = 80;
    const h = 40;
    const data = rasterizeStrokes([brush([10, 10, 70, 30], 8, 1)], w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // distance from the pixel centre to the segment, computed independently with a fine walk
        let best = Infinity;
        for (let t = 0; t <= 1; t += 1 / 2000) best = Math.min(best, Math.hypot(x + 0.5 - (10 + 60 * t), y + 0.5 - (10 + 20 * t)));
        if (best < 3.95) assert.equal(data[y * w + x], 255, `${x},${y} inside`);
        if (best > 4.05) assert.equal(data[y * w + x], 0, `${x},${y} outside`);
      }
    }
  });

  test('hardness: solid core, monotone fall-off to zero at the radius', () => {
    const r = 10;
    assert.equal(strokeCoverage(0, r, 0.5), 1);
    assert.equal(strokeCoverage(5, r, 0.5), 1);
    assert.equal(strokeCoverage(10, r, 0.5), 0);
    let prev = 1;
    for (let d = 5; d <= 10; d += 0.25) {
      const c = strokeCoverage(d, r, 0.5);
      assert.ok(c <= prev + 1e-12 && c >= 0 && c <= 1);
      prev = c;
    }
    // soft brush: a soft dab covers less in total than a hard one of the same size
    const soft = rasterizeStrokes([brush([32, 32], 30, 0)], 64, 64).reduce((a, b) => a + b, 0);
    const hard = rasterizeStrokes([brush([32, 32], 30, 1)], 64, 64).reduce((a, b) => a + b, 0);
    assert.ok(soft > 0 && soft < hard * 0.6, `soft ${soft} vs hard ${hard}`);
  });

  test('passing twice in one stroke does not build up; the eraser removes', () => {
    const once = rasterizeStrokes([brush([20, 20, 40, 20], 16, 0.3)], 64, 64);
    const back = rasterizeStrokes([brush([20, 20, 40, 20, 20, 20], 16, 0.3)], 64, 64);
    assert.deepEqual(back, once);
    const erased = rasterizeStrokes([brush([20, 20, 40, 20], 16, 1), eraser([30, 20], 10, 1)], 64, 64);
    assert.equal(erased[20 * 64 + 30], 0);
    assert.equal(erased[20 * 64 + 21], 255);
    // a soft eraser leaves partial values, never more than before
    const partly = rasterizeStrokes([brush([20, 20, 40, 20], 16, 1), eraser([30, 20], 12, 0)], 64, 64);
    const before = rasterizeStrokes([brush([20, 20, 40, 20], 16, 1)], 64, 64);
    for (let i = 0; i < partly.length; i++) assert.ok(partly[i]! <= before[i]!);
    assert.ok(partly.some((v) => v > 0 && v < 255));
  });

  test('points outside the image are clipped, not wrapped', () => {
    const data = rasterizeStrokes([brush([-5, 10], 12, 1)], 16, 16);
    for (let y = 0; y < 16; y++) assert.equal(data[y * 16 + 15], 0, 'nothing on the far edge');
    assert.equal(data[10 * 16 + 0], 255);
    assert.ok(maskIsEmpty(rasterizeStrokes([brush([500, 500], 12)], 16, 16)));
  });

  test('MaskRaster draws only new strokes when the list grows, and starts over on undo', () => {
    const a = brush([10, 10, 30, 30], 10, 0.5);
    const b = eraser([20, 20], 8, 1);
    const c = brush([40, 10], 14, 0.9);
    const raster = new MaskRaster(50, 50);
    assert.equal(raster.sync([a]), true);
    assert.equal(raster.sync([a, b]), true);
    assert.deepEqual(raster.data, rasterizeStrokes([a, b], 50, 50));
    assert.equal(raster.sync([a, b]), false, 'same strokes: nothing to do');
    assert.equal(raster.sync([a]), true);
    assert.deepEqual(raster.data, rasterizeStrokes([a], 50, 50));
    raster.sync([a, c]);
    assert.deepEqual(raster.data, rasterizeStrokes([a, c], 50, 50));
    raster.sync([]);
    assert.ok(maskIsEmpty(raster.data));
  });

  test('cropMask takes the rectangle, clamped to the mask', () => {
    const w = 10;
    const h = 6;
    const data = new Uint8Array(w * h).map((_, i) => i);
    const c = cropMask(data, w, h, { x: 2, y: 1, width: 3, height: 2 });
    assert.deepEqual([c.width, c.height], [3, 2]);
    assert.deepEqual([...c.data], [12, 13, 14, 22, 23, 24]);
    const clamped = cropMask(data, w, h, { x: 8, y: 4, width: 10, height: 10 });
    assert.deepEqual([clamped.width, clamped.height], [2, 2]);
    assert.deepEqual([...clamped.data], [48, 49, 58, 59]);
  });

  test('scaled strokes mark the scaled area', () => {
    const s = [brush([16, 8], 8, 1)];
    const small = rasterizeStrokes(s, 32, 16);
    const big = rasterizeStrokes(scaleStrokes(s, 2, 2), 64, 32);
    const count = (d: Uint8Array) => d.filter((v) => v > 0).length;
    assert.ok(Math.abs(count(big) / count(small) - 4) < 0.5, `${count(big)} vs 4 × ${count(small)}`);
  });
});

describe('selections, invert, grow/shrink, feather and the extension', () => {
  const plain = { strokes: [] as Stroke[], visible: true, opacity: 0.5, invert: false, grow: 0, feather: 0 };
  const rect = (x0: number, y0: number, x1: number, y1: number, mode: 'brush' | 'eraser' = 'brush'): Stroke => ({ mode, shape: 'rect', size: 0, hardness: 1, points: [x0, y0, x1, y1] });
  const count = (d: Uint8Array, pred = (v: number) => v > 0) => d.reduce((n, v) => n + (pred(v) ? 1 : 0), 0);

  test('a rectangle selection marks exactly the pixels whose centre is inside it; Alt (eraser) takes part away', () => {
    const w = 40;
    const h = 30;
    const data = rasterizeStrokes([rect(10, 5, 20.4, 15)], w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) assert.equal(data[y * w + x], x >= 10 && x < 20 && y >= 5 && y < 15 ? 255 : 0, `(${x}, ${y})`);
    // dragged the other way round: the same area
    assert.deepEqual(rasterizeStrokes([rect(20.4, 15, 10, 5)], w, h), data);
    const cut = rasterizeStrokes([rect(10, 5, 20, 15), rect(15, 0, 40, 30, 'eraser')], w, h);
    assert.equal(count(cut), 5 * 10);
  });

  test('a lasso fills its polygon (a triangle: about half its bounding box)', () => {
    const w = 100;
    const data = rasterizeStrokes([{ mode: 'brush', shape: 'lasso', size: 0, hardness: 1, points: [0, 0, 100, 0, 0, 100] }], w, w);
    let expected = 0;
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) if (x + 0.5 + y + 0.5 < 100) expected++;
    assert.equal(count(data), expected);
    assert.equal(data[10 * w + 10], 255);
    assert.equal(data[90 * w + 90], 0);
  });

  test('invert flips the painted area', () => {
    const m = { ...plain, strokes: [rect(0, 0, 10, 20)], invert: true };
    const { data } = rasterizeMask(m, { width: 20, height: 20 }, null);
    assert.equal(count(data, (v) => v === 255), 200);
    assert.equal(data[5 * 20 + 5], 0);
    assert.equal(data[5 * 20 + 15], 255);
  });

  test('grow and shrink move the edge by the given pixels', () => {
    const src = rasterizeStrokes([rect(20, 20, 40, 40)], 60, 60);
    const grown = growMask(src, 60, 60, 5);
    // every pixel within 5 px (Euclidean, pixel to pixel) of the square, and nearly all of them: the
    // distance is a chamfer one (1 and √2 steps), never shorter than the true one
    let exact = 0;
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 60; x++) {
        const dx = Math.max(20 - x, 0, x - 39);
        const dy = Math.max(20 - y, 0, y - 39);
        const inside = Math.hypot(dx, dy) <= 5;
        if (inside) exact++;
        else assert.equal(grown[y * 60 + x], 0, `(${x}, ${y}) is further than 5 px`);
      }
    }
    const n = count(grown);
    assert.ok(n >= exact * 0.95 && n <= exact, `${n} of ${exact} pixels`);
    assert.equal(grown[30 * 60 + 15], 255, '5 px left of the edge is in');
    assert.equal(grown[30 * 60 + 14], 0, '6 px left of the edge is out');
    const shrunk = growMask(src, 60, 60, -5);
    assert.equal(count(shrunk), 10 * 10);
    assert.equal(shrunk[30 * 60 + 25], 255);
    assert.equal(shrunk[30 * 60 + 24], 0);
  });

  test('feather: a ramp outside the edge, falling to 0 after the given pixels; inside stays whole', () => {
    const src = rasterizeStrokes([rect(0, 0, 20, 10)], 60, 10);
    const f = featherMask(src, 60, 10, 8);
    const row = Array.from(f.subarray(5 * 60, 6 * 60));
    for (let x = 0; x < 20; x++) assert.equal(row[x], 255);
    for (let x = 20; x < 28; x++) assert.ok(row[x]! < row[x - 1]! && row[x]! > 0, `falls at ${x}: ${row[x]}`);
    for (let x = 28; x < 60; x++) assert.equal(row[x], 0, `0 beyond the feather at ${x}`);
  });

  test('the extension is always masked, on the document area; the original is not (unless painted)', () => {
    const extend = { left: 0, top: 0, right: 16, bottom: 8 };
    const { data, area } = rasterizeMask(plain, { width: 32, height: 24 }, extend);
    assert.deepEqual(area, { x: 0, y: 0, width: 48, height: 32 });
    for (let y = 0; y < 32; y++) for (let x = 0; x < 48; x++) assert.equal(data[y * 48 + x], x >= 32 || y >= 24 ? 255 : 0, `(${x}, ${y})`);
    // extended left and up: the document starts at negative image pixels; a stroke at image (0, 0) lands inside it
    const left = rasterizeMask({ ...plain, strokes: [rect(0, 0, 4, 4)] }, { width: 32, height: 24 }, { left: 8, top: 4, right: 0, bottom: 0 });
    assert.deepEqual(left.area, { x: -8, y: -4, width: 40, height: 28 });
    assert.equal(left.data[4 * 40 + 8], 255, 'the painted pixel at image (0, 0)');
    assert.equal(left.data[10 * 40 + 20], 0, 'the original elsewhere is kept');
    // feathered, the seam reaches into the original, never weakening the new area
    const soft = rasterizeMask({ ...plain, feather: 6 }, { width: 32, height: 24 }, extend);
    for (let x = 32; x < 48; x++) assert.equal(soft.data[5 * 48 + x], 255);
    assert.ok(soft.data[5 * 48 + 31]! > 0 && soft.data[5 * 48 + 31]! < 255);
    assert.equal(soft.data[5 * 48 + 24], 0);
    // a shrink does not eat into the new area
    const shrunk = rasterizeMask({ ...plain, grow: -4 }, { width: 32, height: 24 }, extend);
    assert.equal(shrunk.data[30 * 48 + 47], 255);
    assert.ok(maskIsPlain(plain, null));
    assert.equal(maskIsPlain(plain, extend), false);
  });
});
