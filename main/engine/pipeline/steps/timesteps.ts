/** 10. timesteps: the flow-matching schedule with GLM-Image's dynamic shift for this image size. */
import { buildSchedule, imageSeqLen } from '../../scheduler';
import type { Step } from '../state';

export const timesteps: Step = async (state, { input, sessions }) => {
  const model = sessions.model;
  const schedule = buildSchedule(input.steps, imageSeqLen(input.height, input.width, model.vae.scaleFactor, model.dit.patchSize), model.scheduler);
  return { ...state, schedule };
};
