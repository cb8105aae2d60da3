/**
 * Seeding: (seed, stream name) → the 128-bit xoshiro128** state. 64-bit integer arithmetic (BigInt),
 * done once per generator.
 *
 *   seed64   = seed mod 2^64 (a negative seed wraps, as two's complement)
 *   h        = FNV-1a 64 of the stream name's UTF-8 bytes (offset 0xcbf29ce484222325, prime 0x100000001b3)
 *   x        = seed64 XOR mix64(h)
 *   a, b     = the first two outputs of SplitMix64 started at x
 *   state    = [lo32(a), hi32(a), lo32(b), hi32(b)]   (all-zero state → replaced by [1, 0, 0, 0]; never seen)
 * mix64 is SplitMix64's finaliser: z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27; z *= 0x94d049bb133111eb; z ^= z >> 31.
 */
import { GlimmerError } from '../../contract';

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

export function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

export function seedToUint64(seed: number | bigint): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new GlimmerError('bad_request', `A seed must be a whole number (up to 2^53 in JSON), got ${seed}.`);
    }
    return BigInt.asUintN(64, BigInt(seed));
  }
  return BigInt.asUintN(64, seed);
}

/** The four 32-bit state words of the xoshiro128** generator for (seed, stream). */
export function seedState(seed: number | bigint, stream: string): [number, number, number, number] {
  let x = seedToUint64(seed) ^ mix64(fnv1a64(stream));
  const next = (): bigint => {
    x = (x + GOLDEN_GAMMA) & MASK64;
    return mix64(x);
  };
  const a = next();
  const b = next();
  const s: [number, number, number, number] = [
    Number(a & 0xffffffffn),
    Number(a >> 32n),
    Number(b & 0xffffffffn),
    Number(b >> 32n),
  ];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}
