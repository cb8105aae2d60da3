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
 */
import { PhaseClock } from './progress';
import { withProfile } from './sessions';
import { checkCancelled, need, type PipelineContext, type PipelineInput, type PipelineOutput, type PipelineState, type StepContext } from './state';
import { STEPS } from './steps';

export type { PipelineContext, PipelineInput, PipelineOutput } from './state';

export async function runPipeline(input: PipelineInput, ctx: PipelineContext): Promise<PipelineOutput> {
  const stepCtx: StepContext = { ...ctx, input, clock: new PhaseClock(ctx.streamer) };
  const timings: Record<string, number> = {};
  let state: PipelineState = {};
  try {
    for (const [name, step] of STEPS) {
      checkCancelled(ctx.signal);
      const t0 = performance.now();
      state = await step(state, stepCtx);
      timings[name] = Math.round(performance.now() - t0);
    }
    return {
      pixels: need(state, 'pixels', 'output'),
      recipe: need(state, 'recipe', 'output'),
      arTokens: need(state, 'targetIds', 'output'),
      ditPrior: need(state, 'ditPrior', 'output'),
      timings,
    };
  } catch (err) {
    throw withProfile(err, ctx.sessions.profile);
  } finally {
    ctx.streamer?.end();
  }
}
