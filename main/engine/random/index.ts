export { createRng, gaussianTensor, RNG_STREAMS } from './rng';
export type { Rng } from './rng';
export { seedState, seedToUint64, fnv1a64, mix64 } from './seed';
