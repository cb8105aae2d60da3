/**
 * One flow-matching Euler step and the classifier-free guidance combine, element-wise in float32
 * (the reference upcasts to float32 and rounds after every operation; so do we).
 */
import { GlimmerError } from '../../contract';
import type { Schedule } from './schedule';

const f32 = Math.fround;

function sameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) {
    throw new GlimmerError('internal', `${what}: tensors of ${a.length} and ${b.length} values cannot be combined.`);
  }
}

/** v = v_uncond + scale · (v_cond − v_uncond). Returns a new array. */
export function guidanceCombine(cond: Float32Array, uncond: Float32Array, scale: number): Float32Array {
  sameLength(cond, uncond, 'guidance');
  const g = f32(scale);
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) out[i] = f32(uncond[i] + f32(g * f32(cond[i] - uncond[i])));
  return out;
}

/** x_next = x + (σ_next − σ) · v. Returns a new array. */
export function eulerStep(sample: Float32Array, velocity: Float32Array, sigma: number, sigmaNext: number): Float32Array {
  sameLength(sample, velocity, 'euler step');
  const dt = f32(f32(sigmaNext) - f32(sigma));
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = f32(sample[i] + f32(dt * velocity[i]));
  return out;
}

/** The Euler step for step `index` of a schedule. */
export function scheduleStep(schedule: Schedule, index: number, sample: Float32Array, velocity: Float32Array): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= schedule.timesteps.length) {
    throw new GlimmerError('internal', `Scheduler step ${index} is outside the schedule of ${schedule.timesteps.length} steps.`);
  }
  return eulerStep(sample, velocity, schedule.sigmas[index], schedule.sigmas[index + 1]);
}
