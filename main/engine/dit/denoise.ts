/**
 * The denoising loop: for each scheduled step, a conditional pass (glyph text, prior tokens,
 * reference cache) and — when guidance > 1 — an unconditional pass (empty glyph text, prior dropped,
 * no reference), combined by classifier-free guidance, then one Euler step. Cancellation is checked
 * between passes; progress is reported after every step.
 */
import { GlimmerError } from '../../contract';
import { guidanceCombine, scheduleStep, type Schedule } from '../scheduler';
import type { DitModel } from './dit-model';
import type { ReferenceKvCache } from './reference-cache';
import { checkPassShape } from './validate';

export interface GlyphInput {
  /** [1, tokens, textEmbedDim] */
  glyphs: Float32Array;
  glyphTokens: number;
}

export interface DenoiseRequest {
  schedule: Schedule;
  guidanceScale: number;
  latentHeight: number;
  latentWidth: number;
  /** Initial noise [1, C, h, w] (kept unchanged). */
  latents: Float32Array;
  cond: GlyphInput;
  uncond: GlyphInput;
  /** Target-grid prior ids on the DiT grid (h/p · w/p). */
  priorTokenIds: BigInt64Array;
  /** Image size in pixels (height, width). */
  targetSize: readonly [number, number];
  cropCoords?: readonly [number, number];
  /** Reference-image keys/values (image-to-image), read by the conditional passes. */
  reference?: ReferenceKvCache;
  signal?: AbortSignal;
  /** After each step; `latents` are the current ones (for previews; do not modify). */
  onStep?: (step: number, total: number, latents: Float32Array) => void;
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new GlimmerError('cancelled', 'Generation was cancelled.');
}

/** Runs the whole loop; returns the final latents [1, C, h, w] (model space, before de-normalisation). */
export async function denoise(model: DitModel, req: DenoiseRequest): Promise<Float32Array> {
  const { schedule, latentHeight, latentWidth, priorTokenIds } = req;
  const guided = req.guidanceScale > 1;
  if (!Number.isFinite(req.guidanceScale) || req.guidanceScale < 0) {
    throw new GlimmerError('bad_request', `The guidance scale must be a number of at least 0, not ${req.guidanceScale}.`);
  }
  const shape = { latentHeight, latentWidth, latents: req.latents, priorTokenIds };
  checkPassShape({ ...shape, ...req.cond }, model.config);
  if (guided) checkPassShape({ ...shape, ...req.uncond }, model.config);

  let latents = req.latents;
  const total = schedule.timesteps.length;
  for (let i = 0; i < total; i++) {
    checkCancelled(req.signal);
    const common = {
      latentHeight,
      latentWidth,
      latents,
      priorTokenIds,
      timestep: schedule.modelTimesteps[i],
      targetSize: req.targetSize,
      cropCoords: req.cropCoords,
    };
    let velocity = await model.predict({ ...common, ...req.cond, dropPrior: false, reference: req.reference });
    if (guided) {
      checkCancelled(req.signal);
      const uncond = await model.predict({ ...common, ...req.uncond, dropPrior: true });
      velocity = guidanceCombine(velocity, uncond, req.guidanceScale);
    }
    latents = scheduleStep(schedule, i, latents, velocity);
    req.onStep?.(i + 1, total, latents);
  }
  return latents;
}
