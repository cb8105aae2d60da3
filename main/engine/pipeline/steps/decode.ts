/** 12. decode: the VAE decoder, latents → RGB. */
import { need, type Step } from '../state';

export const decode: Step = async (state, { sessions, clock }) => {
  clock.begin('vae', 1);
  const decoder = await sessions.get('vaeDecoder');
  const pixels = await decoder.decode(need(state, 'finalLatents', 'decode'), need(state, 'latentShape', 'decode'));
  await sessions.endStage(['vaeDecoder']);
  clock.step(1, 1);
  return { ...state, pixels };
};
