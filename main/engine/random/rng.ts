/**
 * Glimmer's reproducible random numbers: xoshiro128** (Blackman & Vigna, 2018) on 32-bit words, seeded
 * per (seed, stream) by SplitMix64 (see seed.ts and README.md). Everything up to nextDouble is integer
 * arithmetic (Math.imul, shifts) plus exact scaling by powers of two, so every platform gives the same bits.
 */
import { seedState } from './seed';

export interface Rng {
  readonly seed: bigint;
  readonly stream: string;
  /** Next 32-bit output, 0 ≤ v < 2^32. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 24 random bits: (u32 >>> 8) / 2^24; exactly representable as float32. */
  nextFloat(): number;
  /** Uniform in [0, 1) with 53 random bits from two outputs: ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53. */
  nextDouble(): number;
  /** Standard normal by Box–Muller; values come in pairs (second one cached for the next call). */
  nextGaussian(): number;
}

const TWO_POW_24 = 16777216;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(
    readonly seed: bigint,
    readonly stream: string,
    state: [number, number, number, number],
  ) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    return (this.nextUint32() >>> 8) / TWO_POW_24;
  }

  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  nextGaussian(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.nextDouble(); // (0, 1]: log never sees 0
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** A generator for one purpose ('ar', 'noise', ...) of one seed; streams of the same seed are independent. */
export function createRng(seed: number | bigint, stream: string): Rng {
  const state = seedState(seed, stream);
  return new Xoshiro128StarStar(BigInt.asUintN(64, BigInt(seed)), stream, state);
}

/** The streams the engine uses: one user seed drives both. */
export const RNG_STREAMS = { ar: 'ar', noise: 'noise' } as const;

/** Float32 tensor of standard normals, filled in row-major order from rng.nextGaussian(). */
export function gaussianTensor(rng: Rng, shape: readonly number[]): Float32Array {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`gaussianTensor: bad dimension ${d} in [${shape.join(', ')}]`);
    n *= d;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextGaussian();
  return out;
}
