/**
 * buildVision on broken checkpoints: a config whose vision width does not match the weights, a
 * checkpoint without the VQ weights, and a processor whose patches do not fit the model — each a
 * clear error, with no model file left behind.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetensorsCheckpoint, writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';
import { buildVision } from '../../native-models/vision';
import { VisionTokenizer } from '../../main/engine/vision';
import { checkpointDir } from '../helpers/fixtures';

const src = (): string => path.join(checkpointDir(), 'vision_language_encoder');
let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vision-build-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function isCorrupt(re: RegExp) {
  return (e: unknown): boolean => {
    const err = e as { code?: string; message?: string };
    assert.equal(err.code, 'model_corrupt', err.message);
    assert.match(err.message ?? '', re);
    return true;
  };
}

test('a vision config that does not match the weights is refused, naming the weight', async () => {
  const comp = path.join(dir, 'mismatch');
  await mkdir(comp);
  copyFileSync(path.join(src(), 'model.safetensors'), path.join(comp, 'model.safetensors'));
  const cfg = JSON.parse(readFileSync(path.join(src(), 'config.json'), 'utf8'));
  cfg.vision_config.intermediate_size = cfg.vision_config.intermediate_size * 2;
  writeFileSync(path.join(comp, 'config.json'), JSON.stringify(cfg));
  const out = path.join(dir, 'out-mismatch');
  await assert.rejects(buildVision(comp, out), isCorrupt(/mlp\.fc1\.weight .* has shape .* config\.json implies/));
  assert.ok(!existsSync(path.join(out, 'vision.onnx')), 'no model left behind');
});

test('a checkpoint without the VQ weights is refused', async () => {
  const comp = path.join(dir, 'novq');
  await mkdir(comp);
  copyFileSync(path.join(src(), 'config.json'), path.join(comp, 'config.json'));
  const ck = await SafetensorsCheckpoint.open(src());
  const tensors: Record<string, TensorToWrite> = {};
  try {
    for (const n of ck.names()) {
      if (n.includes('vqmodel')) continue;
      const e = ck.entry(n);
      tensors[n] = { dtype: e.dtype, shape: e.shape, data: await ck.readRaw(n) };
    }
  } finally {
    await ck.close();
  }
  await writeSafetensors(path.join(comp, 'model.safetensors'), tensors);
  await assert.rejects(buildVision(comp, path.join(dir, 'out-novq')), isCorrupt(/no vision encoder \/ VQ weights/));
});

test('patches of the wrong size are refused before the session runs', async () => {
  const desc = await buildVision(src(), path.join(dir, 'ok'));
  const tok = await VisionTokenizer.load(desc.modelFile);
  try {
    const n = 4;
    await assert.rejects(
      tok.run({ pixelValues: new Float32Array(n * 12), numPatches: n, patchDim: 12, grid: [1, 2, 2], resized: { width: 32, height: 32 } }),
      (e: { code?: string; message?: string }) => e.code === 'bad_request' && /expects/.test(e.message ?? ''),
    );
    const dim = tok.patchDim;
    await assert.rejects(
      tok.run({ pixelValues: new Float32Array(n * dim), numPatches: n, patchDim: dim, grid: [1, 3, 2], resized: { width: 32, height: 48 } }),
      (e: { code?: string }) => e.code === 'bad_request',
    );
  } finally {
    await tok.release();
  }
});
