/**
 * Weights stay at their stored precision once onnxruntime has loaded a graph: the optimised model it
 * writes (session option optimizedModelFilePath) is what its session holds after constant folding
 * and the other graph transformations. Counted there, by element type:
 *   - the fp16-compute DiT on WebGPU keeps every linear weight fp16 and adds no fp32 weight bytes;
 *   - the old fp16 form (fp16 weight → Cast → MatMul, fp32 compute) gets an fp32 copy of each weight,
 *     which is why GPU presets compute in fp16 (shown here so a runtime change is noticed);
 *   - the int8 DiT with fp32 compute (the CPU tier) keeps its packed weights, no fp32 copy, on the CPU.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, type DitBuildOptions } from '../../native-models/dit';
import { onnxType } from '../../native-models/onnx/schema';
import { DATA_TYPE } from '../../native-models/onnx';
import { createSession, ort } from '../../main/engine/session';
import type { ProviderName } from '../../main/contract';
import { checkpointDir } from '../helpers/fixtures';
import { testProviders } from '../helpers/providers';

const BYTES: Record<number, number> = { [DATA_TYPE.float32]: 4, [DATA_TYPE.float16]: 2, [DATA_TYPE.uint8]: 1, [DATA_TYPE.int64]: 8, [DATA_TYPE.int32]: 4, [DATA_TYPE.bool]: 1 };

interface Tally {
  /** Bytes of initializers by ONNX element type. */
  bytes: Map<number, number>;
  /** Element type of every initializer whose name marks a stored linear weight. */
  linearWeights: Map<string, number>;
}

function tally(modelFile: string): Tally {
  const T = onnxType('ModelProto');
  const m = T.toObject(T.decode(readFileSync(modelFile)), { longs: Number }) as {
    graph: { initializer?: { name: string; data_type: number; dims?: number[] }[] };
  };
  const bytes = new Map<number, number>();
  const linearWeights = new Map<string, number>();
  for (const t of m.graph.initializer ?? []) {
    const n = (t.dims ?? []).reduce((a, b) => a * b, 1);
    bytes.set(t.data_type, (bytes.get(t.data_type) ?? 0) + n * (BYTES[t.data_type] ?? 0));
    if (/\.(weight_t|weight_t_fp16|qweight)$/.test(t.name)) linearWeights.set(t.name, t.data_type);
  }
  return { bytes, linearWeights };
}

let work: string;
before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-dit-weights-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Build the fixture DiT, load it on a provider writing the optimised model; tallies of the source and the loaded model. */
async function loaded(tag: string, opts: DitBuildOptions, provider: ProviderName): Promise<{ source: Tally; optimised: Tally }> {
  const dir = path.join(work, tag);
  const desc = await buildDit(path.join(checkpointDir(), 'transformer'), dir, opts);
  const modelFile = path.join(dir, desc.model);
  const optimisedFile = path.join(dir, 'optimised.onnx');
  const session = await ort.InferenceSession.create(modelFile, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    optimizedModelFilePath: optimisedFile,
  });
  await session.release();
  // the source model's weights live in its external data file: tally them from the same protos
  return { source: tally(modelFile), optimised: tally(optimisedFile) };
}

const fp32Bytes = (t: Tally) => t.bytes.get(DATA_TYPE.float32) ?? 0;
const fp16Bytes = (t: Tally) => t.bytes.get(DATA_TYPE.float16) ?? 0;

describe('DiT weights after onnxruntime loads them', () => {
  const webgpu = testProviders().find((p) => p.name === 'webgpu');
  const skipWebgpu = webgpu ? (webgpu.skip ?? false) : 'webgpu is not among GLIMMER_TEST_PROVIDERS';
  test('fp16 compute on WebGPU: linear weights stay fp16, no fp32 weight bytes appear', { skip: skipWebgpu }, async () => {
    const { source, optimised } = await loaded('fp16c', { precision: 'fp16', compute: 'fp16' }, 'webgpu');
    // the large linears are stored fp16 (the small fp32 layers — patch projection, timestep embedding, output head — stay fp32 by design)
    const large = [...source.linearWeights].filter(([name]) => name.endsWith('_fp16'));
    assert.ok(large.length > 0);
    for (const [name, type] of large) {
      assert.equal(type, DATA_TYPE.float16, `${name} is stored fp16`);
      assert.equal(optimised.linearWeights.get(name), DATA_TYPE.float16, `${name} is still an fp16 initializer after loading`);
    }
    console.log(`  fp16 compute: fp32 initializer bytes ${fp32Bytes(source)} → ${fp32Bytes(optimised)}, fp16 ${fp16Bytes(source)} → ${fp16Bytes(optimised)}`);
    assert.ok(fp32Bytes(optimised) <= fp32Bytes(source), 'no fp32 copy of a weight was made');
    assert.ok(fp16Bytes(optimised) >= 0.99 * fp16Bytes(source), 'the fp16 weights are still there');
  });

  test('the Cast form (fp16 weights, fp32 compute) is widened to fp32 at load: what fp16 compute avoids', { skip: skipWebgpu }, async () => {
    const { source, optimised } = await loaded('fp16w', { precision: 'fp16', compute: 'fp32' }, 'webgpu');
    const linearFp16 = [...source.linearWeights.values()].filter((t) => t === DATA_TYPE.float16).length;
    assert.ok(linearFp16 > 0);
    console.log(`  fp16 weights + fp32 compute: fp32 initializer bytes ${fp32Bytes(source)} → ${fp32Bytes(optimised)}`);
    // every fp16 linear weight became an fp32 copy (twice its bytes)
    assert.ok(fp32Bytes(optimised) - fp32Bytes(source) >= 1.5 * (fp16Bytes(source) - fp16Bytes(optimised)), 'expected onnxruntime to fold the casts into fp32 weights');
  });

  test('int8 weights with fp32 compute (the CPU tier) on the CPU: packed weights stay packed, no fp32 copy', async () => {
    const { source, optimised } = await loaded('int8', { precision: 'int8', compute: 'fp32' }, 'cpu');
    const packed = (t: Tally) => t.bytes.get(DATA_TYPE.uint8) ?? 0;
    console.log(`  int8 / fp32 compute on cpu: fp32 initializer bytes ${fp32Bytes(source)} → ${fp32Bytes(optimised)}, uint8 ${packed(source)} → ${packed(optimised)}`);
    assert.ok(packed(source) > 0);
    assert.equal(packed(optimised), packed(source));
    assert.ok(fp32Bytes(optimised) <= fp32Bytes(source) * 1.01, 'no fp32 copy of a quantised weight');
  });
});

// the loaded sessions also run: a plain check that the fp16-compute graph works where it is tested
test('the session helper loads the fp16-compute DiT on the CPU (fp16 chains run widened there)', async () => {
  const dir = path.join(work, 'cpu16');
  const desc = await buildDit(path.join(checkpointDir(), 'transformer'), dir, { precision: 'fp16', compute: 'fp16' });
  const s = await createSession(path.join(dir, desc.model), { provider: 'cpu' });
  assert.ok(s.inputNames.includes('hidden_states'));
  await s.release();
});
