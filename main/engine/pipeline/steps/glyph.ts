/**
 * 7. glyph embeddings: the prompt's quoted text (cond) and the empty text (uncond, when guided),
 * computed before the DiT is loaded; the glyph encoder's stage ends here, so under `sequential` it is
 * released before the DiT needs the memory.
 */
import { checkCancelled, type Step } from '../state';

export const glyphEmbeddings: Step = async (state, { input, sessions, signal, clock }) => {
  clock.begin('glyph', 1);
  const glyph = await sessions.get('glyph');
  const cond = await glyph.encodePrompt(input.prompt, signal);
  const uncond = input.guidance > 1 ? await glyph.encodeUnconditional() : cond;
  await sessions.endStage(['glyph']);
  clock.step(1, 1);
  checkCancelled(signal);
  return { ...state, glyphs: { cond, uncond } };
};
