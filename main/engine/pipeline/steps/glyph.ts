/** 7. glyph embeddings: the prompt's quoted text (cond) and the empty text (uncond, when guided). */
import { checkCancelled, type Step } from '../state';

export const glyphEmbeddings: Step = async (state, { input, sessions, signal, clock }) => {
  clock.begin('glyph', 1);
  const glyph = await sessions.get('glyph');
  const cond = await glyph.encodePrompt(input.prompt, signal);
  const uncond = input.guidance > 1 ? await glyph.encodeUnconditional() : cond;
  clock.step(1, 1);
  checkCancelled(signal);
  return { ...state, glyphs: { cond, uncond } };
};
