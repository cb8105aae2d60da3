/**
 * bench/models writes random-weight checkpoints from shape lists; those lists must name exactly the
 * tensors, with exactly the shapes, that a real checkpoint of the same config holds. Checked against
 * the fixture checkpoint (recorded by the reference libraries), component by component, from each
 * component's own config.json. Also the random tensors: deterministic, in range, norms at one.
 */
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetensorsCheckpoint, readConfig } from '../../native-models/safetensors';
import { expectedArWeights, readArConfig } from '../../native-models/ar';
import { loadDitConfig } from '../../native-models/dit';
import { readVaeConfig } from '../../native-models/vae';
import { fromFloat16 } from '../../native-models/onnx';
import { ditWeightShapes, t5WeightShapes, uniformHalf, vaeWeightShapes, visionWeightShapes } from '../../bench/models';
import { randomTensor } from '../../bench/models/random';
import type { RawT5Config, RawVisionConfig, RawVqConfig } from '../../bench/models/shapes';
import { checkpointDir } from '../helpers/fixtures';

async function headerShapes(dir: string, keep: (name: string) => boolean): Promise<Map<string, number[]>> {
  const ckpt = await SafetensorsCheckpoint.open(dir);
  try {
    return new Map(ckpt.names().filter(keep).map((n) => [n, ckpt.entry(n).shape]));
  } finally {
    await ckpt.close();
  }
}

function assertSameShapes(ours: Array<[string, number[]]>, theirs: Map<string, number[]>, what: string): void {
  const mine = new Map(ours);
  assert.equal(mine.size, ours.length, `${what}: no duplicate names`);
  const missing = [...theirs.keys()].filter((n) => !mine.has(n));
  const extra = [...mine.keys()].filter((n) => !theirs.has(n));
  assert.deepEqual(missing, [], `${what}: tensors the checkpoint has and the generator does not`);
  assert.deepEqual(extra, [], `${what}: tensors the generator invents`);
  for (const [n, shape] of theirs) assert.deepEqual(mine.get(n), shape, `${what}: shape of ${n}`);
}

const ckpt = checkpointDir();

test('DiT shapes match the fixture transformer', async () => {
  const dir = path.join(ckpt, 'transformer');
  assertSameShapes(ditWeightShapes(loadDitConfig(dir)), await headerShapes(dir, () => true), 'dit');
});

test('VAE shapes match the fixture AutoencoderKL (encoder + decoder)', async () => {
  const dir = path.join(ckpt, 'vae');
  assertSameShapes(vaeWeightShapes(readVaeConfig(dir)), await headerShapes(dir, () => true), 'vae');
});

test('vision (ViT + VQ) and AR decoder shapes together cover the fixture vision_language_encoder', async () => {
  const dir = path.join(ckpt, 'vision_language_encoder');
  const raw = readConfig<{ vision_config: RawVisionConfig; vq_config: RawVqConfig }>(dir);
  const all = await headerShapes(dir, () => true);
  const vision = visionWeightShapes(raw.vision_config, raw.vq_config);
  const ar = [...expectedArWeights(readArConfig(dir))];
  assertSameShapes([...vision, ...ar], all, 'vision_language_encoder');
});

test('T5 glyph encoder shapes match the fixture text_encoder', async () => {
  const dir = path.join(ckpt, 'text_encoder');
  assertSameShapes(t5WeightShapes(readConfig<RawT5Config>(dir)), await headerShapes(dir, () => true), 'text_encoder');
});

test('random tensors: deterministic per seed, within scale, norm scales one and shifts zero', () => {
  const a = uniformHalf(10_000, 0.25, 7);
  const b = uniformHalf(10_000, 0.25, 7);
  const c = uniformHalf(10_000, 0.25, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const v = fromFloat16(a);
  let sum = 0;
  for (const x of v) {
    assert.ok(Math.abs(x) <= 0.25, `${x} within ±0.25`);
    sum += x;
  }
  assert.ok(Math.abs(sum / v.length) < 0.01, 'mean near zero');
  assert.ok(Math.max(...v) > 0.24 && Math.min(...v) < -0.24, 'the whole range is used');
  const norm = fromFloat16(randomTensor('encoder.mid_block.resnets.0.norm1.weight', [8], 1).data as Uint16Array);
  assert.deepEqual([...norm], Array(8).fill(1));
  const shift = fromFloat16(randomTensor('model.visual.blocks.0.norm2.bias', [8], 1).data as Uint16Array);
  assert.deepEqual([...shift], Array(8).fill(0));
  const rms = fromFloat16(randomTensor('model.language_model.layers.0.post_mlp_layernorm.weight', [4], 1).data as Uint16Array);
  assert.deepEqual([...rms], Array(4).fill(1));
  const w = fromFloat16(randomTensor('transformer_blocks.0.attn1.to_q.weight', [64, 256], 3).data as Uint16Array);
  assert.ok(Math.max(...w.map(Math.abs)) <= 1 / 16 + 1e-3, 'weights scaled by 1/sqrt(fan-in)');
});
