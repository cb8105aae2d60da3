/**
 * Seeded sampling from processed logits. The random source is any object with nextFloat() in [0, 1)
 * (main/engine/random's Rng in the app). One nextFloat() per sampled token, always, so a given seed
 * and a given sequence of logits give the same tokens on every platform.
 */
export interface RandomSource {
  nextFloat(): number;
}

/**
 * Multinomial draw: softmax in float64 over the finite logits, then the inverse CDF in index order
 * at u = nextFloat(). Throws if every logit is -inf (nothing can be sampled).
 */
export function sampleToken(logits: Float32Array, rng: RandomSource): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const u = rng.nextFloat();
  if (max === -Infinity || Number.isNaN(max)) throw new Error('sampleToken: no token can be sampled (all logits are -inf or NaN)');
  let total = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) total += Math.exp(logits[i] - max);
  const target = u * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue;
    const p = Math.exp(logits[i] - max);
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
