/** 13. masked blend: outside the mask the source's pixels, bit for bit; a feathered seam inside it. */
import { blendMasked } from '../mask';
import { resizeCover } from '../references';
import { need, type Step } from '../state';

export const maskedBlend: Step = async (state, { input }) => {
  if (!state.mask) return state;
  const pixels = need(state, 'pixels', 'masked blend');
  const source = await resizeCover(input.references[0]!, input.width, input.height);
  const rgb = blendMasked(pixels.rgb, source.data, state.mask);
  return { ...state, pixels: { ...pixels, rgb, float: Float32Array.from(rgb, (v) => v / 255) } };
};
