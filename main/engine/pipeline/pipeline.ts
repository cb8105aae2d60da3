/**
 * One GLM-Image generation, top to bottom in named steps (the shape of diffusers'
 * GlmImagePipeline.__call__; our own code). Each step is a function (state, ctx) → state in
 * steps/<name>.ts, run in this order:
 *
 *   1. validate            sizes, mask only with a source image
 *   2. references          reference images brought to sizes the model takes; the mask at output size
 *   3. tokenize            chat template + target-shape suffix (+ <|image|> placeholders)
 *   4. reference tokens    ViT + VQ ids of each reference, placed in the prompt
 *   5. prior tokens        AR sampling (seed's 'ar' stream; masked edit: cells outside the mask forced
 *                          to the source's ids), or reused / injected tokens; upsampled 2x for the DiT
 *   6. reference latents   VAE encoder (image-to-image)
 *   7. glyph embeddings    quoted text (cond) and the empty text (uncond)
 *   8. reference KV cache  one DiT pass at t=0 per reference (image-to-image)
 *   9. latents             injected noise, or Gaussian noise from the seed's 'noise' stream
 *  10. timesteps           flow-matching schedule with GLM-Image's dynamic shift
 *  11. denoise             cond + uncond (prior dropped, no reference) with CFG, Euler steps
 *  12. decode              VAE decoder → RGB
 *  13. masked blend        outside the mask the source's pixels
 *  14. recipe
 *
 * Memory profile: the steps end their stage with ModuleSessions.endStage, which releases its modules
 * under `sequential`. Cancellation (AbortSignal) is checked between tokens, DiT passes and steps.
 * Timings: milliseconds per step, and the bytes every onnxruntime run moved between host and device
 * (main/engine/transfers.ts) per module and per step; the recipe carries them too.
 *
 * Best of N (runCandidates): steps 1-4 once; step 5 samples N target grids with different AR seeds
 * from one prompt prefill (the AR's KV cache after the prompt is kept and each candidate starts from
 * it); steps 6-10 once (reference latents, glyph embeddings, reference KV cache, the same noise,
 * timesteps); steps 11-14 once per candidate. A candidate's timings and transfers are its own steps'
 * plus the shared ones.
 */
import { transfers, transferTimings } from '../transfers';
import { PhaseClock } from './progress';
import { withProfile } from './sessions';
import { GlimmerError } from '../../contract';
import { checkCancelled, need, type PipelineContext, type PipelineInput, type PipelineOutput, type PipelineState, type StepContext } from './state';
import { CONDITION_STEPS, IMAGE_STEPS, PROMPT_STEPS, sampleTargets, STEPS, withPrior } from './steps';

export type { PipelineContext, PipelineInput, PipelineOutput } from './state';

/** Key-wise sum of two timing records (milliseconds, bytes, run counts). */
function addTimings(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** What the steps made, as the pipeline's output (the recipe carries the timings too). */
function output(state: PipelineState, timings: Record<string, number>): PipelineOutput {
  return {
    pixels: need(state, 'pixels', 'output'),
    recipe: { ...need(state, 'recipe', 'output'), timings },
    arTokens: need(state, 'targetIds', 'output'),
    ditPrior: need(state, 'ditPrior', 'output'),
    timings,
  };
}

/** Runs `steps` in order from `state`, checking for a cancel before each and timing each into `timings`. */
async function runSteps(steps: typeof STEPS, state: PipelineState, ctx: StepContext, timings: Record<string, number>): Promise<PipelineState> {
  for (const [name, step] of steps) {
    checkCancelled(ctx.signal);
    transfers.setPhase(name);
    const t0 = performance.now();
    state = await step(state, ctx);
    timings[name] = Math.round(performance.now() - t0);
  }
  return state;
}

export async function runPipeline(input: PipelineInput, ctx: PipelineContext): Promise<PipelineOutput> {
  const stepCtx: StepContext = { ...ctx, input, clock: new PhaseClock(ctx.streamer) };
  const timings: Record<string, number> = {};
  let state: PipelineState = {};
  transfers.reset();
  try {
    state = await runSteps(STEPS, state, stepCtx, timings);
    return output(state, { ...timings, ...transferTimings(transfers.report()) });
  } catch (err) {
    throw withProfile(err, ctx.sessions.profile);
  } finally {
    // device-resident reference keys/values (WebGPU) are freed whatever happened
    state.referenceCache?.dispose();
    ctx.streamer?.end();
  }
}

export interface CandidateOptions {
  /** One AR seed per candidate (the noise comes from input.seed for all of them). */
  arSeeds: readonly number[];
  /** Before a candidate's DiT steps. */
  onCandidateStart?: (index: number) => void;
  /** Each candidate as soon as it is made (awaited before the next one starts). */
  onCandidate: (output: PipelineOutput, index: number) => Promise<void> | void;
}

/**
 * Best of N: N images from one request that differ only in their AR seed. What does not depend on
 * the AR tokens is computed once (the prompt and its prefill, glyph embeddings, references, noise,
 * schedule). Each candidate's timings are its own steps plus the shared ones, with 'ar' the AR
 * stage's time (one prefill, N samplings) divided by N.
 */
export async function runCandidates(input: PipelineInput, ctx: PipelineContext, opts: CandidateOptions): Promise<void> {
  if (opts.arSeeds.length === 0) return;
  if (input.priorTokens) throw new GlimmerError('bad_request', 'Best of N samples new AR tokens for each candidate; it cannot use given tokens.');
  const stepCtx: StepContext = { ...ctx, input, clock: new PhaseClock(ctx.streamer) };
  const shared: Record<string, number> = {};
  let state: PipelineState = {};
  transfers.reset();
  try {
    state = await runSteps(PROMPT_STEPS, state, stepCtx, shared);
    const t0 = performance.now();
    transfers.setPhase('ar');
    const targets = await sampleTargets(state, stepCtx, opts.arSeeds);
    await ctx.sessions.endStage(['ar', 'vision']);
    shared.ar = Math.round((performance.now() - t0) / opts.arSeeds.length);
    state = await runSteps(CONDITION_STEPS, { ...state, tokensFrom: 'sampled' }, stepCtx, shared);
    const sharedTransfers = transferTimings(transfers.report());
    for (const [k, targetIds] of targets.entries()) {
      checkCancelled(ctx.signal);
      opts.onCandidateStart?.(k);
      const timings = { ...shared };
      transfers.reset();
      const done = await runSteps(IMAGE_STEPS, { ...state, ...withPrior(state, targetIds), arSeed: opts.arSeeds[k]! }, stepCtx, timings);
      await opts.onCandidate(output(done, { ...timings, ...addTimings(sharedTransfers, transferTimings(transfers.report())) }), k);
    }
  } catch (err) {
    throw withProfile(err, ctx.sessions.profile);
  } finally {
    state.referenceCache?.dispose();
    ctx.streamer?.end();
  }
}
