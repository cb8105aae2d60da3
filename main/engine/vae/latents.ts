/**
 * The pipeline's per-channel latent statistics: the DiT works on z_model = (z_vae - mean) / std, the
 * VAE on z_vae = z_model * std + mean (no scaling_factor). Float32 arithmetic, one rounding per op,
 * as torch does it. Without statistics in the config both are the identity.
 */
import { GlimmerError } from '../../contract';

export interface LatentStats {
  channels: number;
  mean: number[] | null;
  std: number[] | null;
}

export type LatentShape = [number, number, number, number];

/** Check a latent tensor's shape [B, C, h, w] against the VAE; throws bad_request before any session runs. */
export function checkLatentShape(data: ArrayLike<number>, shape: readonly number[], channels: number): LatentShape {
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new GlimmerError('bad_request', `Latents must have shape [batch, ${channels}, height/8, width/8]; got [${shape.join(', ')}].`);
  }
  if (shape[1] !== channels) {
    throw new GlimmerError('bad_request', `Latents have ${shape[1]} channels but this VAE uses ${channels}; got shape [${shape.join(', ')}].`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) {
    throw new GlimmerError('bad_request', `Latents hold ${data.length} values but shape [${shape.join(', ')}] needs ${n}.`);
  }
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}

function perChannel(data: Float32Array, shape: LatentShape, fn: (v: number, c: number) => number): Float32Array {
  const [B, C, h, w] = shape;
  const plane = h * w;
  const out = new Float32Array(data.length);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * plane;
      for (let i = 0; i < plane; i++) out[base + i] = fn(data[base + i]!, c);
    }
  }
  return out;
}

/** z_model → z_vae: z * std + mean. */
export function denormalizeLatents(z: Float32Array, shape: LatentShape, stats: LatentStats): Float32Array {
  const f = Math.fround;
  const mean = stats.mean?.map(f);
  const std = stats.std?.map(f);
  return perChannel(z, shape, (v, c) => {
    let r = std ? f(v * std[c]!) : v;
    if (mean) r = f(r + mean[c]!);
    return r;
  });
}

/** z_vae → z_model: (z - mean) / std. */
export function normalizeLatents(z: Float32Array, shape: LatentShape, stats: LatentStats): Float32Array {
  const f = Math.fround;
  const mean = stats.mean?.map(f);
  const std = stats.std?.map(f);
  return perChannel(z, shape, (v, c) => {
    let r = mean ? f(v - mean[c]!) : v;
    if (std) r = f(r / std[c]!);
    return r;
  });
}
