/** 6. reference latents: each reference through the VAE encoder (image-to-image). */
import { checkCancelled, need, type ReferenceLatents, type Step } from '../state';

export const referenceLatents: Step = async (state, { sessions, signal, clock }) => {
  const refs = need(state, 'references', 'reference latents');
  if (refs.length === 0) return { ...state, referenceLatents: [] };
  clock.begin('vae', refs.length);
  const encoder = await sessions.get('vaeEncoder');
  const out: ReferenceLatents[] = [];
  for (const r of refs) {
    checkCancelled(signal);
    const e = await encoder.encodeImage(r, sessions.model.latentMultiple);
    out.push({ latents: e.latents, h: e.shape[2], w: e.shape[3], width: e.width, height: e.height });
    clock.step(out.length, refs.length);
  }
  await sessions.endStage(['vaeEncoder']);
  return { ...state, referenceLatents: out };
};
