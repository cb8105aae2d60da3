/**
 * The AR generation loop: prefill the prompt, then one token at a time with the KV cache, each
 * token chosen by the composed logits processors and the seeded sampler, until every grid cell is
 * filled (preview grid then target grid for text-to-image; target only for image-to-image).
 * Cancellation is checked between tokens; progress goes to a streamer.
 *
 * Output: the target grid ids (and the preview grid's) with their shapes, and the target grid
 * upsampled 2x (nearest) to the DiT token grid.
 */
import { GlimmerError } from '../../contract';
import type { GridShape, Positions3D } from '../processor';
import type { ArCacheSnapshot, ArStepModel } from './ar-model';
import { type CellRef, GridPlan } from './grid-plan';
import {
  CodebookMaskProcessor,
  type ForcedCells,
  ForcedTokensProcessor,
  type LogitsProcessor,
  LogitsProcessorList,
  type StepContext,
  TemperatureWarper,
  TopKWarper,
  TopPWarper,
} from './logits-processors';
import { type RandomSource, sampleToken } from './sampler';
import { AbortCriterion, checkStop, EndTokenCriterion, type StoppingCriterion } from './stopping';
import type { TokenStreamer } from './streamer';

/** The prompt side of a generation: what the processor produced, placeholders already filled. */
export interface ArPrompt {
  inputIds: ArrayLike<number>;
  rope: { prefill: Positions3D; decode: Positions3D; generationGrids: GridShape[] };
}

export interface GenerateOptions {
  /** Random source for sampling (main/engine/random createRng(seed, 'ar') in the app). */
  rng: RandomSource;
  /** Default 0.9 (GLM-Image generation_config / README). */
  temperature?: number;
  /** Default 0.75. */
  topP?: number;
  /** Default: off (the reference's top_k equals the vision vocabulary, a no-op). */
  topK?: number;
  /** Ids a grid cell may hold: 0..codebookSize-1 (vq_config.num_embeddings). */
  codebookSize: number;
  /** The image-end token that ends generation (config eos_token_id, 16385). */
  endTokenId: number;
  /** Mask ids outside the codebook while a grid is open (default true; the reference does not). */
  maskOutsideCodebook?: boolean;
  /** Fixed ids for some cells (masked edits). */
  forced?: ForcedCells;
  /**
   * Teacher forcing: generated token k is taken from here instead of being chosen (no random draw),
   * for k < teacherTokens.length. For goldens.
   */
  teacherTokens?: ArrayLike<number>;
  /**
   * Also run the end step after the last cell (one more decode) and record the token the model
   * picks there (the image-end token for a trained model). Default false: the grids are all we need.
   */
  sampleEndStep?: boolean;
  signal?: AbortSignal;
  streamer?: TokenStreamer;
  /** Extra processors appended after the built-in ones. */
  processors?: LogitsProcessor[];
  /** Extra stopping criteria. */
  stopping?: StoppingCriterion[];
  /** Sees a copy of each step's raw logits (before any processor), e.g. to compare with goldens. */
  onLogits?: (step: number, logits: Float32Array) => void;
  /** Start from this prompt prefill (prefillPrompt) instead of running the prompt again (best of N). */
  prefill?: ArPrefill;
}

/** The prompt run through the model once: its KV cache and the first step's logits, for several samplings. */
export interface ArPrefill {
  readonly promptLength: number;
  readonly cache: ArCacheSnapshot;
  readonly logits: Float32Array;
}

/**
 * Runs the prompt once and keeps the result, so several generations from the same prompt (best of N:
 * different AR seeds) each start from it: generateImageTokens(..., { prefill }). Each gets its own
 * copy of the first logits; the cache snapshot is shared (see ArModel.snapshot).
 */
export async function prefillPrompt(model: ArStepModel, prompt: ArPrompt): Promise<ArPrefill> {
  if (!model.snapshot || !model.restore) throw new Error('prefillPrompt: this model cannot snapshot its KV cache');
  if (prompt.inputIds.length !== prompt.rope.prefill.length) {
    throw new Error(`prefillPrompt: ${prompt.inputIds.length} prompt ids but ${prompt.rope.prefill.length} positions`);
  }
  model.reset();
  const logits = await model.forward(prompt.inputIds, prompt.rope.prefill);
  return { promptLength: prompt.inputIds.length, cache: model.snapshot(), logits };
}

export interface GridTokens {
  ids: Int32Array;
  shape: GridShape;
}

export interface GenerateResult {
  /** Every generated token, in order (grids, then the end-step token if sampled). */
  tokens: number[];
  target: GridTokens;
  preview?: GridTokens;
  /** The token chosen at the end step, when sampleEndStep. */
  endToken?: number;
}

export const AR_SAMPLING_DEFAULTS = { temperature: 0.9, topP: 0.75 } as const;

/**
 * The built-in processor chain: codebook mask → temperature → top-k → top-p → forced tokens.
 * The mask comes first so the nucleus is taken over ids a cell can hold (masking after top-p could
 * leave nothing when the model puts its mass on an out-of-codebook id).
 */
export function defaultProcessors(opts: GenerateOptions): LogitsProcessorList {
  const list = new LogitsProcessorList();
  if (opts.maskOutsideCodebook ?? true) list.push(new CodebookMaskProcessor(opts.codebookSize));
  list.push(new TemperatureWarper(opts.temperature ?? AR_SAMPLING_DEFAULTS.temperature));
  if (opts.topK !== undefined) list.push(new TopKWarper(opts.topK));
  list.push(new TopPWarper(opts.topP ?? AR_SAMPLING_DEFAULTS.topP));
  if (opts.forced) list.push(new ForcedTokensProcessor(opts.forced));
  for (const p of opts.processors ?? []) list.push(p);
  return list;
}

function checkForced(forced: ForcedCells | undefined, plan: GridPlan, codebookSize: number): void {
  if (!forced) return;
  for (const role of ['target', 'preview'] as const) {
    const cells = forced[role];
    if (!cells) continue;
    const grid = role === 'target' ? plan.target : plan.preview;
    if (!grid) throw new GlimmerError('bad_request', `Forced ${role} tokens were given, but this generation has no ${role} grid.`);
    const n = grid.shape.h * grid.shape.w;
    for (const [cell, id] of cells) {
      if (!Number.isInteger(cell) || cell < 0 || cell >= n) {
        throw new GlimmerError('bad_request', `Forced ${role} cell ${cell} is outside the ${grid.shape.h}x${grid.shape.w} grid.`);
      }
      if (!Number.isInteger(id) || id < 0 || id >= codebookSize) {
        throw new GlimmerError('bad_request', `Forced token ${id} for ${role} cell ${cell} is outside the codebook 0..${codebookSize - 1}.`);
      }
    }
  }
}

export async function generateImageTokens(model: ArStepModel, prompt: ArPrompt, opts: GenerateOptions): Promise<GenerateResult> {
  const plan = new GridPlan(prompt.rope.generationGrids);
  if (prompt.rope.decode.length !== plan.cells + 1) {
    throw new Error(`generateImageTokens: ${prompt.rope.decode.length} decode positions for ${plan.cells} cells (+1 end step)`);
  }
  if (prompt.inputIds.length !== prompt.rope.prefill.length) {
    throw new Error(`generateImageTokens: ${prompt.inputIds.length} prompt ids but ${prompt.rope.prefill.length} positions`);
  }
  checkForced(opts.forced, plan, opts.codebookSize);
  const processors = defaultProcessors(opts);
  const forcedProc = opts.forced ? new ForcedTokensProcessor(opts.forced) : undefined;
  const criteria: StoppingCriterion[] = [new EndTokenCriterion(opts.endTokenId), ...(opts.stopping ?? [])];
  if (opts.signal) criteria.unshift(new AbortCriterion(opts.signal));
  const teacher = opts.teacherTokens;
  const runEnd = opts.sampleEndStep ?? false;
  const total = plan.cells + (runEnd ? 1 : 0);
  const tokens: number[] = [];
  let endToken: number | undefined;

  checkStop(criteria, { tokens, cellsLeft: plan.cells }); // cancelled before start
  const prefill = opts.prefill;
  if (prefill && (prefill.promptLength !== prompt.inputIds.length || prefill.cache.tokens !== prompt.inputIds.length || !model.restore)) {
    throw new Error('generateImageTokens: the prefill is not of this prompt or this model');
  }
  if (!prefill) model.reset();
  try {
    let logits: Float32Array;
    if (prefill) {
      model.restore!(prefill.cache);
      logits = Float32Array.from(prefill.logits);
    } else {
      logits = await model.forward(prompt.inputIds, prompt.rope.prefill);
    }
    for (let step = 0; step < total; step++) {
      const cell: CellRef | null = plan.cellAt(step);
      if (opts.onLogits) opts.onLogits(step, Float32Array.from(logits));
      const ctx: StepContext = { step, cell };
      let token: number;
      if (teacher && step < teacher.length) {
        token = Number(teacher[step]);
      } else {
        processors.apply(logits, ctx);
        token = sampleToken(logits, opts.rng);
      }
      tokens.push(token);
      opts.streamer?.put({
        step,
        total,
        token,
        grid: cell ? cell.grid.role : null,
        cell: cell ? cell.cell : -1,
        row: cell ? cell.row : -1,
        col: cell ? cell.col : -1,
        forced: forcedProc?.forcedId(ctx) !== undefined,
      });
      if (cell === null) {
        endToken = token;
        break;
      }
      if (checkStop(criteria, { tokens, cellsLeft: plan.cells - step - 1 })) {
        throw new GlimmerError(
          'internal',
          `The AR model stopped after ${step + 1} of ${plan.cells} image tokens (it produced the end token inside a grid).`,
        );
      }
      if (token < 0 || token >= opts.codebookSize) {
        throw new GlimmerError(
          'internal',
          `The AR model produced token ${token}, outside the codebook 0..${opts.codebookSize - 1}, for ${cell.grid.role} cell ${cell.cell}.`,
        );
      }
      if (step + 1 < total) {
        logits = await model.forward([token], prompt.rope.decode.slice(step, step + 1));
      }
    }
  } finally {
    opts.streamer?.end();
  }

  const target: GridTokens = { ids: plan.extract(tokens, plan.target), shape: plan.target.shape };
  const preview = plan.preview ? { ids: plan.extract(tokens, plan.preview), shape: plan.preview.shape } : undefined;
  return {
    tokens,
    target,
    ...(preview ? { preview } : {}),
    ...(endToken !== undefined ? { endToken } : {}),
  };
}
