/**
 * What flows through one generation: the input (fixed), the context (sessions, cancel signal,
 * progress clock), and the state each step reads and adds to. A step that needs a value an earlier
 * step makes reads it with need(), so a step run out of order fails loudly.
 */
import { type GenerationMode, GlimmerError, type Recipe } from '../../contract';
import type { GlyphEncoding } from '../glyph';
import type { ReferenceKvCache } from '../dit';
import type { DecodedPixels, RgbImage } from '../image';
import type { ProcessedPrompt } from '../processor';
import type { Schedule } from '../scheduler';
import type { PixelMask } from './mask';
import type { PhaseClock, PipelineStreamer } from './progress';
import type { ModuleSessions } from './sessions';

export interface PipelineInput {
  mode: GenerationMode;
  prompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: number;
  /** Decoded reference images in prompt order (empty: text-to-image). */
  references: RgbImage[];
  referenceHashes?: string[];
  /** Masked edit of references[0]: white = change. */
  mask?: RgbImage;
  maskHash?: string;
  /** Target-grid AR ids (rows×cols of the target grid) to use instead of sampling. */
  priorTokens?: { ids: ArrayLike<number>; from: 'reused' | 'injected' };
  /** Initial latents [1, C, H/8, W/8] instead of seeded noise. */
  noise?: Float32Array;
  reuseTokensOf?: string;
  parentId?: string;
  /** AR sampling the request set; what it leaves out comes from the model (generation_config.json). */
  sampling?: { temperature?: number; topP?: number };
}

export interface PipelineContext {
  sessions: ModuleSessions;
  signal?: AbortSignal;
  streamer?: PipelineStreamer;
  app: string;
  /** DiT steps between latent previews (default: about 10 previews per run). */
  previewEvery?: number;
}

/** What a step sees besides the state: the context, the input and the phase clock. */
export interface StepContext extends PipelineContext {
  input: PipelineInput;
  clock: PhaseClock;
}

export interface PipelineOutput {
  pixels: DecodedPixels;
  recipe: Recipe;
  /** Target-grid ids and the DiT prior ids they gave. */
  arTokens: Int32Array;
  ditPrior: BigInt64Array;
  timings: Record<string, number>;
}

export interface ReferenceTokens {
  ids: BigInt64Array;
  grid: [number, number, number];
}

export interface ReferenceLatents {
  latents: Float32Array;
  h: number;
  w: number;
  width: number;
  height: number;
}

/** Everything the steps make, in the order they make it. */
export interface PipelineState {
  /** 1. validate */
  latentHeight?: number;
  latentWidth?: number;
  /** 2. references: brought to sizes the model takes; the mask at the output size. */
  references?: RgbImage[];
  mask?: PixelMask;
  /** 3. tokenize */
  prompt?: ProcessedPrompt;
  /** 4. reference tokens, and the prompt ids with them in place */
  referenceTokens?: ReferenceTokens[];
  inputIds?: number[];
  /** 5. prior tokens: target-grid ids and the DiT's 2x prior ids; the AR seed when it is not the input's (best of N) */
  targetIds?: Int32Array;
  arSeed?: number;
  tokensFrom?: Recipe['tokensFrom'];
  ditPrior?: BigInt64Array;
  /** 6. reference latents */
  referenceLatents?: ReferenceLatents[];
  /** 7. glyph embeddings */
  glyphs?: { cond: GlyphEncoding; uncond: GlyphEncoding };
  /** 8. reference KV cache */
  referenceCache?: ReferenceKvCache;
  /** 9. latents */
  latents?: Float32Array;
  latentShape?: number[];
  noiseFrom?: Recipe['noiseFrom'];
  /** 10. timesteps */
  schedule?: Schedule;
  /** 11. denoise */
  finalLatents?: Float32Array;
  /** 12. decode, 13. masked blend */
  pixels?: DecodedPixels;
  /** 14. recipe */
  recipe?: Recipe;
}

export type Step = (state: PipelineState, ctx: StepContext) => Promise<PipelineState>;

/** A value an earlier step makes; missing means the steps ran out of order (a bug, not user input). */
export function need<K extends keyof PipelineState>(state: PipelineState, key: K, step: string): NonNullable<PipelineState[K]> {
  const v = state[key];
  if (v === undefined || v === null) throw new GlimmerError('internal', `Pipeline step ${step} needs ${String(key)}, which no earlier step made.`);
  return v as NonNullable<PipelineState[K]>;
}

export function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new GlimmerError('cancelled', 'Generation was cancelled.');
}

export function toBigInt64(ids: ArrayLike<number>): BigInt64Array {
  return BigInt64Array.from(Array.from(ids, (v) => BigInt(v)));
}
