/**
 * Seeded sampling from processed logits. The random source is any object with nextFloat() in [0, 1)
 * (main/engine/random's Rng in the app). One nextFloat() per sampled token, always, so a given seed
 * and a given sequence of logits give the same tokens on every platform.
 */
export interface RandomSource {
  nextFloat(): number;
}

let scratch = new Float64Array(0);

/**
 * Multinomial draw: softmax in float64 over the finite logits, then the inverse CDF in index order
 * at u = nextFloat(). Throws if every logit is -inf (nothing can be sampled). Each exponential is
 * computed once (kept in a scratch array reused between calls).
 */
export function sampleToken(logits: Float32Array, rng: RandomSource): number {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  const u = rng.nextFloat();
  if (max === -Infinity || Number.isNaN(max)) throw new Error('sampleToken: no token can be sampled (all logits are -inf or NaN)');
  if (scratch.length < n) scratch = new Float64Array(n);
  const e = scratch;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    const p = v === -Infinity ? 0 : Math.exp(v - max);
    e[i] = p;
    total += p;
  }
  const target = u * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const p = e[i];
    if (p === 0) continue;
    acc += p;
    last = i;
    if (acc > target) return i;
  }
  return last; // rounding: u*total reached the very top
}

/** Index of the largest logit (first on ties). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}
