/**
 * Each memory tier's peak memory for one model at one image size: the formula of
 * native-models/memory.ts (documented there and in README.md) fed with the model's shapes and
 * parameter counts, from its manifest (a compiled folder records them) or from the checkpoint's
 * configs and safetensors headers. Where the model is compiled at the tier's own preset and compute
 * precision, the weights are the files' real sizes (basis 'files'); otherwise parameters x bytes per
 * parameter (basis 'params').
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  estimateMemory,
  MANIFEST_FILE,
  moduleChoice,
  moduleWeightBytes,
  PRECISION_PRESETS,
  readManifest,
  readModelShapes,
  readModuleParams,
  RUNTIME_MODULES,
  type DeviceKind,
  type ModelManifest,
  type ModelShapes,
  type ModuleParams,
  type RuntimeModule,
} from '../../native-models';
import { GlimmerError, TIERS, Tier, tierBudget, type TierEstimate } from '../contract';

export interface ModelMemoryInfo {
  shapes: ModelShapes;
  params: ModuleParams;
  /** A compiled folder: its preset, compute precision and module file sizes. */
  compiled?: { precision: string; compute: string; manifest: ModelManifest };
}

/** Shapes and parameters of a compiled folder (from its manifest) or a checkpoint (from its files). */
export async function modelMemoryInfo(dir: string): Promise<ModelMemoryInfo> {
  if (existsSync(path.join(dir, MANIFEST_FILE))) {
    const manifest = readManifest(dir);
    if (!manifest.memory) {
      throw new GlimmerError('model_corrupt', `${dir} was compiled before memory estimates were recorded; compile it again to see its tiers.`, { file: dir });
    }
    return { ...manifest.memory, compiled: { precision: manifest.precision, compute: manifest.compute ?? 'fp32', manifest } };
  }
  if (!existsSync(path.join(dir, 'model_index.json'))) {
    throw new GlimmerError('model_missing', `${dir} is neither a compiled model nor a GLM-Image checkpoint.`, { file: dir });
  }
  return { shapes: readModelShapes(dir), params: await readModuleParams(dir) };
}

/** Module file bytes of a compiled folder, per runtime module (the VAE's two graphs apart). */
function fileBytes(manifest: ModelManifest, m: RuntimeModule): number {
  const mod = manifest.modules[m === 'vaeEncoder' || m === 'vaeDecoder' ? 'vae' : m];
  if (!mod) return 0;
  const files = m === 'vaeEncoder' ? mod.files.filter((f) => f.path.includes('vae_encoder')) : m === 'vaeDecoder' ? mod.files.filter((f) => f.path.includes('vae_decoder')) : mod.files;
  return files.reduce((s, f) => s + f.bytes, 0);
}

export interface TierEstimateOptions {
  width: number;
  height: number;
  /** Estimate an image-to-image job with one reference of the output's size. */
  imageToImage?: boolean;
}

export function estimateTier(info: ModelMemoryInfo, tier: Tier, o: TierEstimateOptions): TierEstimate {
  const spec = TIERS[tier];
  const device: DeviceKind = spec.deviceBytes === null ? 'cpu' : 'gpu';
  const preset = PRECISION_PRESETS[spec.precision];
  const useFiles = info.compiled?.precision === spec.precision && info.compiled.compute === spec.compute;
  const weights = {} as Record<RuntimeModule, number>;
  for (const m of RUNTIME_MODULES) {
    const choice = moduleChoice(m === 'vaeEncoder' || m === 'vaeDecoder' ? 'vae' : m, preset, spec.compute);
    if (useFiles) {
      const widened = choice.weights === 'fp16' && (choice.compute !== 'fp16' || device === 'cpu');
      weights[m] = fileBytes(info.compiled!.manifest, m) * (widened ? 2 : 1);
    } else {
      weights[m] = moduleWeightBytes(m, info.params[m], choice, info.shapes, device);
    }
  }
  const pixels = o.width * o.height;
  const e = estimateMemory({
    shapes: info.shapes,
    weights,
    activations: {
      width: o.width,
      height: o.height,
      compute: spec.compute,
      device,
      ...(pixels > spec.vaeTileAbovePixels ? { vaeTilePixels: 512 } : {}),
      ...(o.imageToImage ? { referencePixels: pixels } : {}),
    },
    budget: tierBudget(spec),
    profile: spec.memoryProfile,
    imageToImage: o.imageToImage ?? false,
  });
  return {
    tier,
    width: o.width,
    height: o.height,
    peakBytes: e.peakBytes,
    phases: e.phases.map((p) => ({ phase: p.phase, bytes: p.bytes, modules: p.modules })),
    modules: e.modules,
    basis: useFiles ? 'files' : 'params',
  };
}

/** Every tier's estimate for the model in `dir` at one size. */
export async function estimateTiers(dir: string, o: TierEstimateOptions): Promise<TierEstimate[]> {
  const info = await modelMemoryInfo(dir);
  return Tier.options.map((t) => estimateTier(info, t, o));
}
