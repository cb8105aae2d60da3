/** 12. decode: the VAE decoder, latents → RGB; in overlapping tiles above the memory plan's size (vae/tiles.ts). */
import { DEFAULT_DECODE_TILES } from '../../vae';
import { need, type Step } from '../state';

export const decode: Step = async (state, { input, sessions, clock, signal }) => {
  clock.begin('vae', 1);
  const decoder = await sessions.get('vaeDecoder');
  const tiles = input.width * input.height > sessions.plan.vaeTileAbovePixels ? DEFAULT_DECODE_TILES : undefined;
  const pixels = await decoder.decode(need(state, 'finalLatents', 'decode'), need(state, 'latentShape', 'decode'), tiles, signal);
  await sessions.endStage(['vaeDecoder']);
  clock.step(1, 1);
  return { ...state, pixels };
};
