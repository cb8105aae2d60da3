/** 4. reference tokens: ViT + VQ ids of each reference, placed where the prompt's <|image|> tokens stand. */
import { checkCancelled, need, type ReferenceTokens, type Step } from '../state';

export const referenceTokens: Step = async (state, { sessions, signal }) => {
  const refs = need(state, 'references', 'reference tokens');
  if (refs.length === 0) return { ...state, referenceTokens: [] };
  const vision = await sessions.get('vision');
  const tokens: ReferenceTokens[] = [];
  for (const r of refs) {
    checkCancelled(signal);
    const tok = await vision.tokenizeImage(r, sessions.model.imageProcessor);
    tokens.push({ ids: tok.ids, grid: tok.grid });
  }
  const all: number[] = [];
  for (const t of tokens) for (const v of t.ids) all.push(Number(v));
  const inputIds = sessions.model.processor.fillImageTokens(need(state, 'inputIds', 'reference tokens'), all);
  return { ...state, referenceTokens: tokens, inputIds };
};
