/** 1. validate: sizes the model takes, a mask only with a source image, a whole number of steps. */
import { GlimmerError } from '../../../contract';
import { latentSizeFor } from '../../dit';
import { checkOutputSize } from '../../processor';
import type { Step } from '../state';

export const validate: Step = async (state, { input, sessions }) => {
  checkOutputSize(input.height, input.width);
  const model = sessions.model;
  const { latentHeight, latentWidth } = latentSizeFor(input.height, input.width, model.vae.scaleFactor, model.dit);
  if (input.mask && input.references.length === 0) throw new GlimmerError('bad_request', 'A mask needs a source image to edit.');
  if (!Number.isInteger(input.steps) || input.steps < 1) throw new GlimmerError('bad_request', `Steps must be a whole number of at least 1, not ${input.steps}.`);
  return { ...state, latentHeight, latentWidth };
};
