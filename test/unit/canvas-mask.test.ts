import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cropMask, maskIsEmpty, MaskRaster, rasterizeStrokes, scaleStrokes, strokeCoverage, type Stroke } from '../../renderer/src/canvas';

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
