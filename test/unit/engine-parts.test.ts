/** Small pieces of the engine pipeline, each alone: OOM advice per memory profile, masks, recipe tokens, ETA, settings file, CLI request building. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import { buildRequest } from '../../main/cli/generate';
import {
  blendMasked,
  decodeTokens,
  encodeTokens,
  forcedCells,
  maskedCells,
  PhaseClock,
  referenceSize,
  sourceIdsOnGrid,
  tokensHash,
  withProfile,
  type PipelineEvent,
} from '../../main/engine/pipeline';
import { GlmImageProcessor } from '../../main/engine/processor';
import { translateRuntimeError } from '../../main/engine/session';
import { DEFAULT_SETTINGS, SettingsStore } from '../../main/studio/settings';
import { checkpointDir } from '../helpers/fixtures';

describe('out-of-memory errors name the memory profile', () => {
  const ortError = new Error('[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Failed to allocate memory for requested buffer of size 1073741824');
  test('resident → suggests sequential', () => {
    const e = withProfile(translateRuntimeError(ortError, '/m/dit.onnx'), 'resident') as GlimmerError;
    assert.equal(e.code, 'out_of_memory');
    assert.match(e.message, /"resident" memory profile/);
    assert.match(e.message, /"sequential"/);
    assert.equal((e.details as { memoryProfile: string }).memoryProfile, 'resident');
  });
  test('sequential → suggests a smaller precision or size', () => {
    const e = withProfile(translateRuntimeError(ortError, '/m/dit.onnx'), 'sequential') as GlimmerError;
    assert.equal(e.code, 'out_of_memory');
    assert.match(e.message, /"sequential" memory profile/);
    assert.match(e.message, /int4|smaller image/);
  });
  test('other errors pass through unchanged', () => {
    const other = new GlimmerError('bad_image', 'no');
    assert.equal(withProfile(other, 'resident'), other);
  });
});

describe('masks', () => {
  const W = 8;
  const H = 4;
  const alpha = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) alpha[y * W + x] = x >= 6 && y < 2 ? 1 : 0;
  const mask = { width: W, height: H, alpha };

  test('cells touching the mask are free; the others are forced to the source ids', () => {
    const cells = maskedCells(mask, 2, 4); // cell = 2x2 pixels
    assert.deepEqual(cells, [false, false, false, true, false, false, false, false]);
    const src = sourceIdsOnGrid([10, 11, 12, 13, 14, 15, 16, 17], 2, 4, 2, 4);
    assert.deepEqual(Array.from(src), [10, 11, 12, 13, 14, 15, 16, 17]);
    const forced = forcedCells(cells, src);
    assert.equal(forced.size, 7);
    assert.equal(forced.has(3), false);
    assert.equal(forced.get(4), 14);
  });

  test('source grid maps to a finer target grid by nearest cell centre', () => {
    assert.deepEqual(Array.from(sourceIdsOnGrid([1, 2, 3, 4], 2, 2, 4, 4)), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  test('an empty mask is refused', () => {
    assert.throws(() => forcedCells([false, false], new Int32Array([1, 2])), /mask is empty/);
  });

  test('blend: unmasked pixels are the source exactly; deep inside the mask the generated pixels', () => {
    const big = { width: 32, height: 32, alpha: new Float32Array(32 * 32) };
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) big.alpha[y * 32 + x] = x >= 16 ? 1 : 0;
    const src = new Uint8Array(32 * 32 * 3).fill(10);
    const gen = new Uint8Array(32 * 32 * 3).fill(200);
    const out = blendMasked(gen, src, big, 2);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 16; x++) assert.equal(out[(y * 32 + x) * 3], 10);
      assert.equal(out[(y * 32 + 28) * 3], 200);
      const edge = out[(y * 32 + 16) * 3]!;
      assert.ok(edge >= 10 && edge < 200, `feathered edge value ${edge}`);
    }
  });

  test('blend with a feathered (grey) mask: each pixel mixed by its value; 0 is the source exactly', () => {
    const soft = { width: 32, height: 1, alpha: new Float32Array(32) };
    // 0 up to x = 8, a ramp 8..24, 1 from 24 on
    for (let x = 0; x < 32; x++) soft.alpha[x] = Math.min(1, Math.max(0, (x - 8) / 16));
    const src = new Uint8Array(32 * 3).fill(10);
    const gen = new Uint8Array(32 * 3).fill(210);
    const out = blendMasked(gen, src, soft, 2);
    for (let x = 0; x <= 8; x++) assert.equal(out[x * 3], 10, `x=${x}`);
    for (let x = 24; x < 32; x++) assert.equal(out[x * 3], 210, `x=${x}`);
    assert.equal(out[16 * 3], 110, 'half way: half and half');
    for (let x = 9; x < 32; x++) assert.ok(out[x * 3]! >= out[(x - 1) * 3]!, 'rises along the ramp');
  });
});

test('recipe tokens: base64 int32 round trip and a sha256 over the little-endian bytes', () => {
  const ids = Int32Array.from([0, 5, 127, 16383, 3, 9]);
  const enc = encodeTokens(ids, 2, 3);
  const back = decodeTokens({ arTokens: enc })!;
  assert.deepEqual(Array.from(back.ids), Array.from(ids));
  assert.equal(back.rows, 2);
  const view = new DataView(new ArrayBuffer(ids.length * 4));
  ids.forEach((v, i) => view.setInt32(i * 4, v, true));
  assert.equal(tokensHash(ids), createHash('sha256').update(new Uint8Array(view.buffer)).digest('hex'));
  assert.equal(decodeTokens({ arTokens: { rows: 2, cols: 2, data: enc.data } }), null);
  assert.equal(decodeTokens(null), null);
});

test('PhaseClock: ETA from the pace of the phase so far', () => {
  let now = 1000;
  const events: PipelineEvent[] = [];
  const clock = new PhaseClock({ put: (e) => events.push(e), end: () => undefined }, () => now);
  clock.begin('dit', 10);
  now += 400;
  clock.step(2, 10);
  assert.deepEqual(events.map((e) => [e.phase, e.step, e.total, e.etaMs]), [
    ['dit', 0, 10, null],
    ['dit', 2, 10, 1600],
  ]);
});

test('reference sizes: kept when the model takes them, otherwise the nearest size it takes', () => {
  const p = GlmImageProcessor.load(path.join(checkpointDir(), 'processor'));
  assert.deepEqual(referenceSize(p, 512, 512), { width: 512, height: 512 });
  assert.deepEqual(referenceSize(p, 800, 544), { width: 800, height: 544 });
  for (const [w, h] of [[300, 200], [64, 64], [5000, 1000], [1000, 9000], [513, 700]]) {
    const s = referenceSize(p, w!, h!);
    const g = p.referenceGrid(s.height, s.width);
    assert.equal(g.h * 32, s.height, `${w}x${h} → ${s.width}x${s.height}`);
    assert.equal(g.w * 32, s.width, `${w}x${h} → ${s.width}x${s.height}`);
  }
});

describe('settings file', () => {
  test('defaults, atomic update, persisted, damaged file set aside', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-settings-'));
    try {
      const a = new SettingsStore(dir);
      assert.deepEqual(a.get(), DEFAULT_SETTINGS);
      let seen = 0;
      a.onChange(() => seen++);
      await a.update({ memoryProfile: 'resident', provider: 'cpu', modelDir: dir });
      assert.equal(seen, 1);
      assert.equal(new SettingsStore(dir).get().memoryProfile, 'resident');
      await assert.rejects(a.update({ modelDir: path.join(dir, 'nope') }), /does not exist/);
      assert.equal(JSON.parse(readFileSync(a.file, 'utf8')).modelDir, dir);
      writeFileSync(a.file, '{ not json');
      const logs: string[] = [];
      const c = new SettingsStore(dir, (m) => logs.push(m));
      assert.deepEqual(c.get(), DEFAULT_SETTINGS);
      assert.ok(existsSync(`${a.file}.bad`));
      assert.match(logs[0] ?? '', /damaged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI request building', () => {
  test('defaults and modes', () => {
    const r = buildRequest({ prompt: 'a cat', size: '768x512', seed: '3' });
    assert.equal(r.mode, 'text');
    assert.equal(r.width, 768);
    assert.equal(r.height, 512);
    assert.equal(r.steps, 50);
    assert.equal(r.guidance, 1.5);
    assert.equal(r.seed, 3);
  });
  test('errors name the option', () => {
    assert.throws(() => buildRequest({ prompt: '' }), /--prompt/);
    assert.throws(() => buildRequest({ prompt: 'x', size: '4000x4000' }), /--size/);
    assert.throws(() => buildRequest({ prompt: 'x', guidance: 'lots' }), /--guidance/);
    assert.throws(() => buildRequest({ prompt: 'x', mode: 'identity' }), /exactly one --image/);
    assert.throws(() => buildRequest({ prompt: 'x', mask: 'm.png' }), /--mask works with --mode edit/);
    assert.throws(() => buildRequest({ prompt: 'x', mode: 'paint' }), /--mode must be/);
  });
});

test('preview data URL: a PNG with the preview pixels, scaled by whole steps', async () => {
  const { tokenGridPreview } = await import('../../main/engine/pipeline');
  const { previewDataUrl } = (await import('../../main/library')).png;
  const sharp = (await import('sharp')).default;
  const p = tokenGridPreview([1, 2, 3, 4, 5, 6], 2, 3, 1);
  const url = previewDataUrl(p);
  assert.match(url, /^data:image\/png;base64,/);
  const { data, info } = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 3 * 42);
  assert.equal(info.height, 2 * 42);
  for (const [x, y] of [[0, 0], [50, 10], [125, 83]]) {
    const s = (Math.floor(y! / 42) * 3 + Math.floor(x! / 42)) * 3;
    const o = (y! * info.width + x!) * info.channels;
    assert.deepEqual([data[o], data[o + 1], data[o + 2]], [p.rgb[s], p.rgb[s + 1], p.rgb[s + 2]]);
  }
  // different ids, different colours
  assert.notDeepEqual(Array.from(p.rgb.subarray(0, 3)), Array.from(p.rgb.subarray(3, 6)));
});
