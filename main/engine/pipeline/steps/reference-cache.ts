/**
 * 8. reference KV cache: one DiT pass at t=0 per reference (image-to-image), its per-layer keys and
 * values kept for every conditional pass, the references concatenated along the sequence.
 */
import { upsampleNearest2x } from '../../ar';
import { ReferenceKvCache } from '../../dit';
import { checkCancelled, need, type Step, toBigInt64 } from '../state';

export const referenceCache: Step = async (state, { sessions, signal }) => {
  const latents = need(state, 'referenceLatents', 'reference cache');
  if (latents.length === 0) return state;
  const tokens = need(state, 'referenceTokens', 'reference cache');
  const dit = await sessions.get('dit');
  const caches: ReferenceKvCache[] = [];
  for (const [k, r] of latents.entries()) {
    checkCancelled(signal);
    const tok = tokens[k]!;
    const prior = upsampleNearest2x(Array.from(tok.ids, Number), { h: tok.grid[1], w: tok.grid[2] });
    const { cache } = await dit.encodeReference({
      latentHeight: r.h,
      latentWidth: r.w,
      latents: r.latents,
      priorTokenIds: toBigInt64(prior.ids),
      targetSize: [r.height, r.width],
    });
    caches.push(cache);
  }
  return { ...state, referenceCache: ReferenceKvCache.concat(caches) };
};
