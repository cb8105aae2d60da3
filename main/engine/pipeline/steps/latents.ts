/** 9. latents: the injected noise, or Gaussian noise from the seed's 'noise' stream. */
import { GlimmerError } from '../../../contract';
import { createRng, gaussianTensor, RNG_STREAMS } from '../../random';
import { need, type Step } from '../state';

export const initialLatents: Step = async (state, { input, sessions }) => {
  const latentShape = [1, sessions.model.dit.inChannels, need(state, 'latentHeight', 'latents'), need(state, 'latentWidth', 'latents')];
  if (input.noise) {
    const n = latentShape.reduce((a, b) => a * b, 1);
    if (input.noise.length !== n) throw new GlimmerError('bad_request', `The given noise has ${input.noise.length} values; this size needs ${n} ([${latentShape.join(', ')}]).`);
    return { ...state, latents: input.noise, latentShape, noiseFrom: 'injected' };
  }
  return { ...state, latents: gaussianTensor(createRng(input.seed, RNG_STREAMS.noise), latentShape), latentShape, noiseFrom: 'seeded' };
};
