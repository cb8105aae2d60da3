/**
 * No node of the AR, DiT, glyph, vision or VAE graphs falls back to the CPU under WebGPU. The tiny
 * checkpoint is compiled as the app compiles it (the fp32 preset, and int4 weights with fp16
 * compute, the GPU form), each graph's session is made with the app's session options, and
 * onnxruntime's own placement log is read (test/helpers/placement.ts). A node on the CPU is allowed
 * only when all it computes is integers: the sizes and indices that Reshape, Expand and Slice read
 * on the host, which onnxruntime places on the CPU on every GPU provider; anything with a float
 * output there is a fallback (its tensor would cross to the device on every run) and fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { compileModel } from '../../native-models/compile';
import { checkpointDir } from '../helpers/fixtures';
import { integerOnly, nodePlacement } from '../helpers/placement';
import { describeEachProvider } from '../helpers/providers';

const GPU_PROVIDERS = new Set(['webgpu', 'cuda', 'dml', 'coreml']);

const builds = [
  { name: 'fp32 preset', precision: 'fp32' as const, compute: 'fp32' as const, modules: ['ar', 'vision', 'glyph', 'dit', 'vae'] },
  // the GPU form; glyph and VAE are the same fp32 graphs in every preset
  { name: 'int4 weights, fp16 compute', precision: 'int4' as const, compute: 'fp16' as const, modules: ['ar', 'vision', 'dit'] },
];

describeEachProvider('node placement', (provider) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-placement-model-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const b of builds) {
    test(`${b.name}: no node computing tensor data falls back to the CPU`, { skip: GPU_PROVIDERS.has(provider) ? false : `${provider} is the CPU` }, async () => {
      const dir = path.join(tmp, b.precision);
      const manifest = await compileModel(checkpointDir(), dir, { precision: b.precision, compute: b.compute });
      const graphs = b.modules.flatMap((m) => manifest.modules[m]!.files.filter((f) => f.path.endsWith('.onnx')).map((f) => path.join(dir, f.path)));
      const placements = await nodePlacement(provider, graphs);
      const fallbacks: string[] = [];
      for (const [file, p] of placements) {
        const cpu = p.byProvider.CPUExecutionProvider ?? [];
        const data = cpu.filter((n) => !integerOnly(p, n));
        const counts = Object.entries(p.byProvider).map(([ep, nodes]) => `${ep.replace('ExecutionProvider', '')} ${nodes.length}`);
        console.log(`# ${provider} ${b.name} ${path.relative(dir, file)}: ${counts.join(', ')}${cpu.length > data.length ? ` (CPU: ${cpu.length - data.length} integer shape/index nodes)` : ''}`);
        fallbacks.push(...data.map((n) => `${path.relative(dir, file)}: ${n}`));
      }
      assert.deepEqual(fallbacks, [], 'nodes computing tensor data on the CPU');
    });
  }
});
