/**
 * Compile presets: what a compiled model holds per module, as weight precision (onnx/precision.ts)
 * and compute precision (onnx/compute.ts), two separate choices.
 *
 *   preset      AR     DiT    vision  glyph  VAE
 *   fp32        fp32   fp32   fp32    fp32   fp32   the reference
 *   fp16        fp16   fp16   fp32    fp32   fp32
 *   int8        int8   int8   fp32    fp32   fp32
 *   int4        int4   fp16   fp32    fp32   fp32
 *   int4-mixed  int4   fp16, feed-forward int8          the DiT's feed-forward is 58% of its weights
 *   int4-int8   int4   int8   fp32    fp32   fp32
 *   int4-int4   int4   int4   fp32    fp32   fp32
 *
 * Compute precision (CompileOptions.compute, default fp32):
 *   fp32  CPU graphs. int8/int4 DiT linears use MatMulNBits accuracy_level 4 (int8 activations):
 *         measured on this project's 2-core VM, a 1024x2048x2048 int8 MatMulNBits takes 68-109 ms at
 *         level 4 against 186-636 ms at level 0 and 132-200 ms for the fp32 MatMul (bench/README.md);
 *         the golden DiT calls move from 4.6e-3 to 5.9e-3 (int8). int4 gains nothing at level 4
 *         (142-163 vs 176-207 ms), so int4 keeps the default. fp16 weights under fp32 compute are
 *         widened to fp32 by onnxruntime at load (fp16 saves disk only).
 *   fp16  GPU graphs: the DiT and the vision encoder compute in fp16 (vision weights then fp16: its
 *         ids stay exact on the goldens, int8 flips some); fp32 islands as each builder documents.
 *         The glyph encoder and the VAE stay fp32 (T5 overflows fp16; an fp16 VAE decoder gives NaN
 *         frames with the real weights). The AR computes in fp16 too when its weights are fp16, int8
 *         or int4 (native-models/ar/layer.ts: residual stream, norm statistics and mRoPE angles stay
 *         fp32; the KV cache is fp16).
 * A preset with an fp32 DiT cannot compute in fp16 (fp16 compute needs fp16/int8/int4 weights).
 */
import { NativeModelError } from './errors';
import type { ComputePrecision, WeightPrecision } from './onnx';

export type CompilePrecision = 'fp32' | 'fp16' | 'int8' | 'int4' | 'int4-mixed' | 'int4-int8' | 'int4-int4';
export const COMPILE_PRECISIONS: CompilePrecision[] = ['fp32', 'fp16', 'int8', 'int4', 'int4-mixed', 'int4-int8', 'int4-int4'];

export interface PrecisionPreset {
  label: string;
  ar: WeightPrecision;
  vision: WeightPrecision;
  glyph: WeightPrecision;
  dit: WeightPrecision;
  /** The DiT's feed-forward linears, when they differ from `dit`. */
  ditFf?: WeightPrecision;
}

/** What each preset means per module (weights). The VAE is always fp32; norms stay fp32 everywhere. */
export const PRECISION_PRESETS: Record<CompilePrecision, PrecisionPreset> = {
  fp32: { label: 'fp32 (reference, largest)', ar: 'fp32', vision: 'fp32', glyph: 'fp32', dit: 'fp32' },
  fp16: { label: 'fp16 AR + fp16 DiT', ar: 'fp16', vision: 'fp32', glyph: 'fp32', dit: 'fp16' },
  int8: { label: 'int8 AR + int8 DiT', ar: 'int8', vision: 'fp32', glyph: 'fp32', dit: 'int8' },
  int4: { label: 'int4 AR + fp16 DiT', ar: 'int4', vision: 'fp32', glyph: 'fp32', dit: 'fp16' },
  'int4-mixed': { label: 'int4 AR + fp16 DiT with int8 feed-forward', ar: 'int4', vision: 'fp32', glyph: 'fp32', dit: 'fp16', ditFf: 'int8' },
  'int4-int8': { label: 'int4 AR + int8 DiT', ar: 'int4', vision: 'fp32', glyph: 'fp32', dit: 'int8' },
  'int4-int4': { label: 'int4 AR + int4 DiT', ar: 'int4', vision: 'fp32', glyph: 'fp32', dit: 'int4' },
};

export function parseCompilePrecision(value: string | undefined): CompilePrecision {
  const v = (value ?? 'fp32').toLowerCase().trim();
  const alias: Record<string, CompilePrecision> = { 'int4-ar+fp16-dit': 'int4', 'int4 ar + fp16 dit': 'int4' };
  const p = (alias[v] ?? v) as CompilePrecision;
  if (!COMPILE_PRECISIONS.includes(p)) {
    throw new NativeModelError(
      'bad_request',
      `Unknown precision "${value}". Choose one of: ${COMPILE_PRECISIONS.map((c) => `${c} (${PRECISION_PRESETS[c].label})`).join(', ')}.`,
    );
  }
  return p;
}

export const MODULES = ['assets', 'ar', 'vision', 'glyph', 'dit', 'vae'] as const;
export type ModuleName = (typeof MODULES)[number];

/** How one module is built under a preset and a compute precision. */
export interface ModuleChoice {
  weights: WeightPrecision;
  /** The DiT's feed-forward weights, when they differ from `weights`. */
  ffWeights?: WeightPrecision;
  compute: ComputePrecision;
  /** MatMulNBits accuracy_level of its int8/int4 linears, when not the runtime's default. */
  accuracyLevel?: number;
}

/** The MatMulNBits accuracy level that is fastest on the CPU for int8 weights (see the header). */
export const CPU_INT8_ACCURACY_LEVEL = 4;

export function moduleChoice(module: ModuleName, preset: PrecisionPreset, compute: ComputePrecision): ModuleChoice {
  switch (module) {
    case 'ar':
      // fp16 compute needs stored fp16/int weights (native-models/ar); an fp32 AR stays fp32
      return { weights: preset.ar, compute: compute === 'fp16' && preset.ar !== 'fp32' ? 'fp16' : 'fp32' };
    case 'vision':
      return compute === 'fp16' ? { weights: 'fp16', compute: 'fp16' } : { weights: preset.vision, compute: 'fp32' };
    case 'glyph':
      return { weights: preset.glyph, compute: 'fp32' };
    case 'dit': {
      const ff = preset.ditFf && preset.ditFf !== preset.dit ? { ffWeights: preset.ditFf } : {};
      if (compute === 'fp16') return { weights: preset.dit, ...ff, compute: 'fp16' };
      const int8 = preset.dit === 'int8' || preset.ditFf === 'int8';
      return { weights: preset.dit, ...ff, compute: 'fp32', ...(int8 ? { accuracyLevel: CPU_INT8_ACCURACY_LEVEL } : {}) };
    }
    default:
      return { weights: 'fp32', compute: 'fp32' };
  }
}

/**
 * The words a module's build is known by (its resume record; the manifest's precision field keeps
 * the weight precision alone): 'int8', 'fp16+fp16compute', 'int8+acc4'.
 */
export function choiceKey(c: ModuleChoice): string {
  return `${c.weights}${c.ffWeights ? `+ff-${c.ffWeights}` : ''}${c.compute === 'fp16' ? '+fp16compute' : ''}${c.accuracyLevel !== undefined ? `+acc${c.accuracyLevel}` : ''}`;
}

/** Refuses a preset / compute pair that cannot be built, before any work. */
export function checkPresetCompute(precision: CompilePrecision, compute: ComputePrecision): void {
  if (compute === 'fp16' && PRECISION_PRESETS[precision].dit === 'fp32') {
    throw new NativeModelError('bad_request', `The ${precision} preset keeps the DiT in fp32, which computes in fp32; choose a preset with an fp16, int8 or int4 DiT for fp16 compute.`);
  }
}
