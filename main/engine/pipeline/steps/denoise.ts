/** 11. denoise: per step a conditional and an unconditional pass (prior dropped, no reference), CFG, an Euler step. */
import { denoise as runDenoise } from '../../dit';
import { latentPreview } from '../preview';
import { checkCancelled, need, type Step } from '../state';

export const denoise: Step = async (state, { input, sessions, signal, clock, previewEvery }) => {
  const latentHeight = need(state, 'latentHeight', 'denoise');
  const latentWidth = need(state, 'latentWidth', 'denoise');
  const glyphs = need(state, 'glyphs', 'denoise');
  const channels = sessions.model.dit.inChannels;
  const dit = await sessions.get('dit');
  clock.begin('dit', input.steps);
  const every = previewEvery ?? Math.max(1, Math.round(input.steps / 10));
  const finalLatents = await runDenoise(dit, {
    schedule: need(state, 'schedule', 'denoise'),
    guidanceScale: input.guidance,
    latentHeight,
    latentWidth,
    latents: need(state, 'latents', 'denoise'),
    cond: { glyphs: glyphs.cond.embeds, glyphTokens: glyphs.cond.tokens },
    uncond: { glyphs: glyphs.uncond.embeds, glyphTokens: glyphs.uncond.tokens },
    priorTokenIds: need(state, 'ditPrior', 'denoise'),
    targetSize: [input.height, input.width],
    reference: state.referenceCache,
    signal,
    onStep: (step, total, current) => {
      const preview = step % every === 0 && step < total ? latentPreview(current, channels, latentHeight, latentWidth) : undefined;
      clock.step(step, total, preview);
    },
  });
  await sessions.endStage(['glyph', 'dit']);
  checkCancelled(signal);
  return { ...state, finalLatents };
};
