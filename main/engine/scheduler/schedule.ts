/**
 * GLM-Image's timesteps and sigmas, computed the way diffusers 0.39's GlmImagePipeline computes them:
 *
 *   t_i   = float32(int64(linspace(T, 1, N + 1)[i]))             i = 0..N-1  (T = num_train_timesteps)
 *   s_i   = t_i / T                                                (float32)
 *   mu    = sqrt(imageSeqLen / base_image_seq_len) * max_shift + base_shift
 *   σ_i   = timeShift(mu, s_i)  (linear: mu / (mu + (1/s − 1)); exponential: e^mu / (e^mu + (1/s − 1)))
 *   σ_N   = 0
 *   the DiT is conditioned on t_i − 1 (the unshifted timestep; diffusers 0.40 changed this, the model
 *   was trained against the 0.37–0.39 behaviour).
 *
 * numpy does this arithmetic in float32 (python scalars adopt the array's float32), so every
 * operation below is rounded to float32 with Math.fround; a double result of a single +, −, ×, ÷ on
 * float32 operands rounds to the same float32 numpy gets.
 */
import { GlimmerError } from '../../contract';
import type { FlowMatchConfig } from './config';

const f32 = Math.fround;

export interface Schedule {
  /** Scheduler timesteps t_i (N values, float32, e.g. 1000, 667, 334). */
  timesteps: Float32Array;
  /** Sigmas σ_0..σ_N (N + 1 values, the last is 0). */
  sigmas: Float32Array;
  /** What the DiT receives as `timestep` at step i: t_i − 1. */
  modelTimesteps: Float32Array;
  /** The dynamic shift used (NaN when dynamic shifting is off). */
  mu: number;
  imageSeqLen: number;
}

/** Number of DiT image tokens for an image: (H/vae)·(W/vae) / patch², with the pipeline's integer divisions. */
export function imageSeqLen(height: number, width: number, vaeScaleFactor: number, patchSize: number): number {
  return Math.floor((Math.floor(height / vaeScaleFactor) * Math.floor(width / vaeScaleFactor)) / (patchSize * patchSize));
}

/** The pipeline's `calculate_shift`: mu grows with the square root of the token count. */
export function calculateShift(seqLen: number, cfg: FlowMatchConfig): number {
  return Math.sqrt(seqLen / cfg.baseImageSeqLen) * cfg.maxShift + cfg.baseShift;
}

/** numpy.linspace(start, stop, num) in float64, endpoint included, exactly as numpy evaluates it. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(step === 0 ? ((i / div) * (stop - start)) + start : i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Shifts one float32 sigma s (in (0, 1]) by mu, in float32 like the reference. */
function shiftSigma(s: number, mu: number, cfg: FlowMatchConfig): number {
  if (!cfg.useDynamicShifting) {
    const shift = f32(cfg.shift);
    return f32(f32(shift * s) / f32(1 + f32(f32(shift - 1) * s)));
  }
  const odds = f32(f32(1 / s) - 1); // (1/s − 1) ** 1.0
  const m = f32(cfg.timeShiftType === 'linear' ? mu : Math.exp(mu));
  return f32(m / f32(m + odds));
}

/** The full schedule for `steps` denoising steps over `seqLen` image tokens. */
export function buildSchedule(steps: number, seqLen: number, cfg: FlowMatchConfig): Schedule {
  if (!Number.isInteger(steps) || steps < 1 || steps > cfg.numTrainTimesteps) {
    throw new GlimmerError('bad_request', `The number of steps must be a whole number from 1 to ${cfg.numTrainTimesteps}, not ${steps}.`);
  }
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new GlimmerError('bad_request', `The image is too small to denoise (${seqLen} latent tokens).`);
  }
  const T = cfg.numTrainTimesteps;
  const grid = linspace(T, 1, steps + 1).slice(0, steps);
  const timesteps = new Float32Array(grid.map((v) => Math.trunc(v)));
  const mu = cfg.useDynamicShifting ? calculateShift(seqLen, cfg) : Number.NaN;
  const sigmas = new Float32Array(steps + 1);
  for (let i = 0; i < steps; i++) sigmas[i] = shiftSigma(f32(timesteps[i] / T), mu, cfg);
  sigmas[steps] = 0;
  const modelTimesteps = new Float32Array(timesteps.map((t) => f32(t - 1)));
  return { timesteps, sigmas, modelTimesteps, mu, imageSeqLen: seqLen };
}
