/** native-models/memory.ts: bytes per parameter, activation sizes, the eviction plan and phase-by-phase estimates. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bytesPerParam,
  estimateMemory,
  moduleActivationBytes,
  moduleWeightBytes,
  planEviction,
  type ModelShapes,
  type RuntimeModule,
} from '../../native-models';

/** The published GLM-Image sizes (GLM-IMAGE-NOTES.md §3, §4, §5, §6). */
const REAL: ModelShapes = {
  ar: { hiddenSize: 4096, numLayers: 40, numKvHeads: 2, headDim: 128, intermediateSize: 13696 },
  vision: { hiddenSize: 1536, depth: 40, intermediateSize: 6144, patchSize: 16 },
  glyph: { dModel: 1472, dFf: 3584, numHeads: 6 },
  dit: { innerDim: 4096, numLayers: 30, numHeads: 32, patchSize: 2, priorCodebookSize: 16384 },
  vae: { blockOutChannels: [128, 512, 1024, 1024], latentChannels: 16, scaleFactor: 8 },
};

describe('memory estimates', () => {
  test('bytes per parameter: fp16 stays fp16 only where it computes in fp16 on a GPU; quantised weights carry their scales', () => {
    assert.equal(bytesPerParam('fp32', 'fp32', 'gpu'), 4);
    assert.equal(bytesPerParam('fp16', 'fp16', 'gpu'), 2);
    assert.equal(bytesPerParam('fp16', 'fp32', 'gpu'), 4, 'the Cast form is folded into fp32 at load');
    assert.equal(bytesPerParam('fp16', 'fp16', 'cpu'), 4, 'the CPU provider widens fp16 graphs');
    assert.equal(bytesPerParam('int8', 'fp32', 'cpu'), 1 + 5 / 32);
    assert.equal(bytesPerParam('int4', 'fp16', 'gpu'), 0.5 + 2.5 / 32);
  });

  test('the DiT prior table stays fp16 when its linears are quantised', () => {
    const params = 6.927e9;
    const table = 16384 * 4096;
    const int4 = moduleWeightBytes('dit', params, { weights: 'int4', compute: 'fp16' }, REAL, 'gpu');
    assert.equal(int4, (params - table) * (0.5 + 2.5 / 32) + table * 2);
    assert.equal(moduleWeightBytes('dit', params, { weights: 'fp16', compute: 'fp16' }, REAL, 'gpu'), params * 2);
  });

  test('activations grow with the image; fused attention has no S² term; tiles bound the VAE', () => {
    const o = { compute: 'fp16' as const, device: 'gpu' as const };
    const dit1k = moduleActivationBytes('dit', REAL, { ...o, width: 1024, height: 1024 });
    const dit2k = moduleActivationBytes('dit', REAL, { ...o, width: 2048, height: 2048 });
    assert.ok(dit2k > 3.5 * dit1k && dit2k < 4.5 * dit1k, 'linear in the token count');
    const plain = moduleActivationBytes('dit', REAL, { ...o, width: 1024, height: 1024, plainAttention: true });
    // 32 heads x 4224² x 4 bytes x 2: the score matrices the fused kernel does not make (about 5.7 GB)
    assert.ok(plain - dit1k > 5e9, `unfused adds ${plain - dit1k}`);
    const vae = moduleActivationBytes('vaeDecoder', REAL, { ...o, width: 1024, height: 1024 });
    const tiled = moduleActivationBytes('vaeDecoder', REAL, { ...o, width: 1024, height: 1024, vaeTilePixels: 512 });
    assert.ok(vae > 5e9 && vae < 1e10, `untiled VAE decode at 1024² ${vae}`);
    assert.ok(Math.abs(tiled / vae - 0.25) < 1e-9, 'a 512² tile is a quarter of 1024²');
  });

  test('planEviction: nothing while it fits; least recently used first; never what the phase needs', () => {
    const loaded = [
      { key: 'ar', bytes: 7, lastUsed: 0 },
      { key: 'glyph', bytes: 1, lastUsed: 1 },
      { key: 'vaeDecoder', bytes: 1, lastUsed: 2 },
    ];
    assert.deepEqual(planEviction(loaded, 5, ['dit'], 20), []);
    assert.deepEqual(planEviction(loaded, 5, ['dit'], null), []);
    assert.deepEqual(planEviction(loaded, 12, ['dit'], 16), ['ar']);
    assert.deepEqual(planEviction(loaded, 12, ['dit', 'ar'], 16), ['glyph', 'vaeDecoder']);
    assert.deepEqual(planEviction(loaded, 12, ['dit'], 16, 3), ['ar', 'glyph']);
    assert.deepEqual(planEviction(loaded, 12, ['dit'], 0), ['ar', 'glyph', 'vaeDecoder']);
  });

  test('estimateMemory: sequential keeps one phase, resident keeps all, a budget keeps what fits', () => {
    const weights: Record<RuntimeModule, number> = { vision: 2e9, ar: 7e9, vaeEncoder: 0.4e9, glyph: 0.9e9, dit: 13.9e9, vaeDecoder: 0.5e9 };
    const activations = { width: 1024, height: 1024, compute: 'fp16' as const, device: 'gpu' as const };
    const seq = estimateMemory({ shapes: REAL, weights, activations, budget: null, profile: 'sequential' });
    assert.deepEqual(
      seq.phases.map((p) => [p.phase, p.modules]),
      [['ar', ['ar']], ['glyph', ['glyph']], ['dit', ['dit']], ['vaeDecoder', ['vaeDecoder']]],
    );
    const res = estimateMemory({ shapes: REAL, weights, activations, budget: null, profile: 'resident' });
    assert.deepEqual(res.phases.at(-1)!.modules, ['ar', 'glyph', 'dit', 'vaeDecoder']);
    assert.ok(res.peakBytes > seq.peakBytes);
    // 16 GB: the AR and the glyph encoder make room for the DiT, the DiT stays for the decoder
    const b16 = estimateMemory({ shapes: REAL, weights, activations, budget: 15e9, profile: 'sequential' });
    assert.deepEqual(b16.phases.find((p) => p.phase === 'dit')!.modules, ['dit']);
    assert.equal(b16.peakBytes, b16.phases.find((p) => p.phase === 'dit')!.bytes);
    // image-to-image adds the vision and VAE-encoder phases and the reference keys/values
    const i2i = estimateMemory({ shapes: REAL, weights, activations: { ...activations, referencePixels: 1024 * 1024 }, budget: 15e9, profile: 'sequential', imageToImage: true });
    assert.deepEqual(i2i.phases.map((p) => p.phase), ['vision', 'ar', 'vaeEncoder', 'glyph', 'dit', 'vaeDecoder']);
    assert.ok(i2i.peakBytes > b16.peakBytes + 1e9, 'the reference cache costs about 2 x 30 x 4096 x 4096 x 4 bytes');
  });
});
