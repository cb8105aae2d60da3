/**
 * 2. references: each reference image brought to a size the processor takes (half resolution,
 * multiple of 16), and the mask of a masked edit read once at the output size (the AR's forced cells
 * and the final blend both use it).
 */
import { maskAt } from '../mask';
import { fitReference } from '../references';
import type { Step } from '../state';

export const fitReferences: Step = async (state, { input, sessions, clock }) => {
  clock.begin('tokenize', 1);
  const references = await Promise.all(input.references.map((r) => fitReference(sessions.model.processor, r)));
  const mask = input.mask ? await maskAt(input.mask, input.width, input.height) : undefined;
  return { ...state, references, ...(mask ? { mask } : {}) };
};
