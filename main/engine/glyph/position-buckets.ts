/**
 * T5 relative-position buckets, computed here and fed to the glyph graph as the int64 input
 * `position_bucket` [queryLen, keyLen] (the graph gathers its learned bias table with it, once, and
 * every layer shares that bias, as in T5 where only block 0 owns relative_attention_bias).
 *
 * bucket(rel = key - query), bidirectional (encoder):
 *   half = numBuckets / 2; base = rel > 0 ? half : 0; n = |rel|; maxExact = half / 2
 *   n < maxExact → base + n
 *   else          → base + min(half - 1, maxExact + trunc(log(n / maxExact) / log(maxDistance / maxExact) * (half - maxExact)))
 * The log term is evaluated with float32 rounding after every step (Math.fround), the way the reference
 * computes it on float32 tensors, so values that land exactly on an integer (n = 16, 32, 64 for the
 * stock 32/128 setting) truncate the same way.
 */

export interface RelativeAttentionConfig {
  numBuckets: number;
  maxDistance: number;
  bidirectional: boolean;
}

const f32 = Math.fround;

export function relativePositionBucket(rel: number, cfg: RelativeAttentionConfig): number {
  let numBuckets = cfg.numBuckets;
  let base = 0;
  let n: number;
  if (cfg.bidirectional) {
    numBuckets = Math.floor(numBuckets / 2);
    if (rel > 0) base = numBuckets;
    n = Math.abs(rel);
  } else {
    n = -Math.min(rel, 0);
  }
  const maxExact = Math.floor(numBuckets / 2);
  if (n < maxExact) return base + n;
  const ratio = f32(f32(n) / f32(maxExact));
  const logRatio = f32(Math.log(ratio));
  const denom = f32(Math.log(cfg.maxDistance / maxExact));
  const scaled = f32(f32(logRatio / denom) * f32(numBuckets - maxExact));
  const large = Math.min(maxExact + Math.trunc(scaled), numBuckets - 1);
  return base + large;
}

/** [queryLen, keyLen] buckets, row-major, for positions 0..len-1 on both sides. */
export function relativePositionBuckets(queryLen: number, keyLen: number, cfg: RelativeAttentionConfig): BigInt64Array {
  const out = new BigInt64Array(queryLen * keyLen);
  // bucket depends only on key - query: compute each distance once
  const cache = new Map<number, bigint>();
  for (let q = 0; q < queryLen; q++) {
    for (let k = 0; k < keyLen; k++) {
      const rel = k - q;
      let b = cache.get(rel);
      if (b === undefined) {
        b = BigInt(relativePositionBucket(rel, cfg));
        cache.set(rel, b);
      }
      out[q * keyLen + k] = b;
    }
  }
  return out;
}
