/**
 * Memory per tier (contract/tiers.ts; the estimate of native-models/memory.ts through main/models):
 *   full   the estimate table with the real GLM-Image shapes (from the published configs and tensor
 *          lists; no weights needed) at 1024² and 2048², text-to-image and image-to-image, each tier's
 *          target beside its 1024² text-to-image figure.
 *   small  (and tiny) the random-weight checkpoint of that config: every distinct module build the tiers
 *          use is compiled once and loaded alone on the CPU in a fresh process; its host memory (RSS
 *          after the session is made, less before, plus the weights onnxruntime mapped from the module's
 *          file but has not read yet: a first run reads them) next to the estimate of the same weights held on the
 *          CPU (where onnxruntime widens fp16 to fp32); then each tier's estimate at 512² and 1024² for
 *          that model, as on its GPU.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildAr,
  buildDit,
  buildGlyph,
  buildVae,
  buildVision,
  choiceKey,
  GraphBuilder,
  heldBytes,
  moduleChoice,
  moduleWeightBytes,
  PRECISION_PRESETS,
  readModelShapes,
  readModuleParams,
  type ModelShapes,
  type ModuleChoice,
  type ModuleParams,
  type RuntimeModule,
} from '../../native-models';
import { TIERS, Tier } from '../../main/contract';
import { estimateTier, type ModelMemoryInfo } from '../../main/models';
import { arConfigJson, ditConfigJson, t5ConfigJson, vaeConfigJson } from '../models/configs';
import { benchCheckpoint, ditWeightShapes, paramCount, t5WeightShapes, vaeWeightShapes, visionWeightShapes } from '../models';
import { expectedArWeights, readArConfig } from '../../native-models/ar';
import { loadDitConfig } from '../../native-models/dit';
import { readVaeConfig } from '../../native-models/vae';
import { benchRepoRoot } from '../paths';
import { figure, type Figure } from '../harness';
import type { SuiteContext } from './index';

const GB = 1e9;

/** Shapes and parameters of the real GLM-Image from the bench generator's full configs (config files only, in a temp folder). */
function fullModelInfo(): ModelMemoryInfo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-full-configs-'));
  try {
    const write = (folder: string, json: Record<string, unknown>) => {
      mkdirSync(path.join(dir, folder), { recursive: true });
      writeFileSync(path.join(dir, folder, 'config.json'), JSON.stringify(json));
    };
    write('vision_language_encoder', arConfigJson('full'));
    write('transformer', ditConfigJson('full'));
    write('text_encoder', t5ConfigJson());
    write('vae', vaeConfigJson());
    const shapes: ModelShapes = readModelShapes(dir);
    const arRaw = arConfigJson('full') as { vision_config: Parameters<typeof visionWeightShapes>[0]; vq_config: Parameters<typeof visionWeightShapes>[1] };
    const vae = vaeWeightShapes(readVaeConfig(path.join(dir, 'vae')));
    const params: ModuleParams = {
      ar: paramCount([...expectedArWeights(readArConfig(path.join(dir, 'vision_language_encoder')))]),
      vision: paramCount(visionWeightShapes(arRaw.vision_config, arRaw.vq_config).filter(([n]) => !n.includes('post_quant_conv'))),
      glyph: paramCount(t5WeightShapes(t5ConfigJson() as unknown as Parameters<typeof t5WeightShapes>[0])),
      dit: paramCount(ditWeightShapes(loadDitConfig(path.join(dir, 'transformer')))),
      vaeEncoder: paramCount(vae.filter(([n]) => /^(encoder\.|quant_conv\.)/.test(n))),
      vaeDecoder: paramCount(vae.filter(([n]) => !/^(encoder\.|quant_conv\.)/.test(n))),
    };
    return { shapes, params };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function estimateFigures(info: ModelMemoryInfo, ctx: SuiteContext, sizes: number[], withTargets: boolean): Figure[] {
  const out: Figure[] = [];
  for (const tier of Tier.options) {
    for (const size of sizes) {
      for (const imageToImage of [false, true]) {
        const e = estimateTier(info, tier, { width: size, height: size, imageToImage });
        const target = TIERS[tier].targetBytes;
        out.push(
          figure('memory', `${tier} estimated peak ${size}x${size} ${imageToImage ? 'i2i' : 't2i'}`, 'GB', [e.peakBytes / GB], 'lower', {
            config: ctx.config,
            precision: `${TIERS[tier].precision}, ${TIERS[tier].compute} compute, ${TIERS[tier].memoryProfile}`,
            ...(withTargets && target !== null && size === 1024 && !imageToImage ? { limit: { value: target / GB, basis: `the ${tier} target at 1024²` } } : {}),
            note: e.phases.map((p) => `${p.phase} ${(p.bytes / GB).toFixed(2)} [${p.modules.join('+')}]`).join(', '),
          }),
        );
      }
    }
  }
  return out;
}

/** The distinct module builds the tiers load, with one tier that uses each. */
function distinctBuilds(): Map<string, { module: RuntimeModule; choice: ModuleChoice }> {
  const builds = new Map<string, { module: RuntimeModule; choice: ModuleChoice }>();
  for (const tier of Tier.options) {
    const preset = PRECISION_PRESETS[TIERS[tier].precision];
    for (const module of ['ar', 'vision', 'glyph', 'dit', 'vaeEncoder', 'vaeDecoder'] as RuntimeModule[]) {
      const choice = moduleChoice(module === 'vaeEncoder' || module === 'vaeDecoder' ? 'vae' : module, preset, TIERS[tier].compute);
      builds.set(`${module}:${choiceKey(choice)}`, { module, choice });
    }
  }
  return builds;
}

/** Builds one module alone into `dir`; returns its .onnx file. */
async function buildOne(checkpoint: string, module: RuntimeModule, c: ModuleChoice, dir: string): Promise<string> {
  const at = (sub: string) => path.join(checkpoint, sub);
  switch (module) {
    case 'ar':
      await buildAr(at('vision_language_encoder'), dir, { precision: c.weights });
      return path.join(dir, 'ar.onnx');
    case 'vision':
      await buildVision(at('vision_language_encoder'), dir, { precision: c.weights, compute: c.compute });
      return path.join(dir, 'vision.onnx');
    case 'glyph':
      await buildGlyph(at('text_encoder'), dir, { precision: c.weights, tokenizerDir: at('tokenizer') });
      return path.join(dir, 'glyph.onnx');
    case 'dit': {
      const d = await buildDit(at('transformer'), dir, {
        precision: c.weights,
        compute: c.compute,
        ...(c.ffWeights ? { ffPrecision: c.ffWeights } : {}),
        ...(c.accuracyLevel !== undefined ? { accuracyLevel: c.accuracyLevel } : {}),
      });
      return path.join(dir, d.model);
    }
    case 'vaeEncoder':
    case 'vaeDecoder': {
      const part = module === 'vaeEncoder' ? 'encoder' : 'decoder';
      await buildVae(at('vae'), dir, { parts: [part] });
      return path.join(dir, `vae_${part}.onnx`);
    }
  }
}

/** What a session of one module holds on the CPU provider, measured in a fresh process. */
interface SessionMemory {
  /** RSS after the session is made, less RSS before (onnxruntime loaded and warmed by a one-node session first). */
  rss: number;
  /** Bytes of the module's own files (its .onnx.data) that onnxruntime maps rather than reads. */
  mapped: number;
  /** Of those, the bytes already resident after the load (counted in `rss`). */
  mappedResident: number;
}

/**
 * Host memory a session of `modelFile` takes on the CPU provider, in a fresh process. onnxruntime
 * maps external weight data it does not repack: those pages join the RSS only when a run first reads
 * them, so the RSS right after the load misses them; /proc/self/smaps gives their size.
 */
function sessionRss(modelFile: string, warmFile: string): SessionMemory {
  const script = `
const ort = require(${JSON.stringify(createRequire(path.join(benchRepoRoot(), 'package.json')).resolve('onnxruntime-node'))});
(async () => {
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  await (await ort.InferenceSession.create(${JSON.stringify(warmFile)}, opts)).release();
  if (global.gc) global.gc();
  const before = process.memoryUsage().rss;
  const s = await ort.InferenceSession.create(${JSON.stringify(modelFile)}, opts);
  const after = process.memoryUsage().rss;
  // mappings of this module's own files (its folder): size and resident part
  const dir = ${JSON.stringify(path.dirname(modelFile) + path.sep)};
  let mapped = 0, mappedResident = 0, inModule = false;
  for (const line of require('node:fs').readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inModule = line.includes(dir);
    else if (inModule && line.startsWith('Size:')) mapped += parseInt(line.slice(5), 10) * 1024;
    else if (inModule && line.startsWith('Rss:')) mappedResident += parseInt(line.slice(4), 10) * 1024;
  }
  console.log(JSON.stringify({ rss: after - before, mapped, mappedResident }));
  await s.release();
})();`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as SessionMemory;
}

async function measuredFigures(ctx: SuiteContext): Promise<Figure[]> {
  const checkpoint = await benchCheckpoint(ctx.config);
  const info: ModelMemoryInfo = { shapes: readModelShapes(checkpoint), params: await readModuleParams(checkpoint) };
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-memory-'));
  const figures: Figure[] = [];
  try {
    const warm = new GraphBuilder('warm');
    const x = warm.input('x', 'float32', [1]);
    warm.output(warm.op('Identity', [x]), 'float32', [1], 'y');
    const warmFile = (await warm.save(work, 'warm')).modelPath;
    for (const [key, { module, choice }] of distinctBuilds()) {
      const dir = path.join(work, key.replace(/[^\w.+-]/g, '_'));
      const t0 = performance.now();
      const file = await buildOne(checkpoint, module, choice, dir);
      const buildS = (performance.now() - t0) / 1000;
      const m = sessionRss(file, warmFile);
      // what the session holds once a run has read every weight: the load's RSS plus the mapped weights not yet read
      const measured = m.rss + m.mapped - m.mappedResident;
      const estimate = heldBytes(moduleWeightBytes(module, info.params[module], choice, info.shapes, 'cpu'));
      const split = `RSS after load ${(m.rss / GB).toFixed(3)} GB + weights mapped from its file, not yet read ${((m.mapped - m.mappedResident) / GB).toFixed(3)} GB (mapped ${(m.mapped / GB).toFixed(3)} GB in all)`;
      console.log(`memory ${key}: on cpu ${(measured / GB).toFixed(3)} GB (${split}), estimate ${(estimate / GB).toFixed(3)} GB (built in ${buildS.toFixed(0)} s)`);
      figures.push(
        figure('memory', `${key} session on cpu`, 'GB', [measured / GB], 'lower', {
          provider: 'cpu',
          config: ctx.config,
          precision: choiceKey(choice),
          limit: { value: estimate / GB, basis: 'estimate of the same weights held on the CPU (native-models/memory.ts)' },
          note: `${(info.params[module] / 1e6).toFixed(1)} M parameters; ${split}; measured / estimate ${(measured / estimate).toFixed(2)}`,
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return [...figures, ...estimateFigures(info, ctx, [512, 1024], false)];
}

export async function runMemory(ctx: SuiteContext): Promise<Figure[]> {
  if (ctx.config === 'full') return estimateFigures(fullModelInfo(), ctx, [1024, 2048], true);
  if (!existsSync(benchRepoRoot())) throw new Error('bench: repository root not found');
  return measuredFigures(ctx);
}
