/**
 * What each image-to-image mode takes from the canvas's reference slots, in the order the prompt
 * sees them (plain values, no DOM): edit the base and up to three visible references; style a content
 * image (the first content slot, else the base) and up to three style slots; identity the first
 * subject slot, else the base. Visible slots a mode cannot take are named so the panel can say so.
 */
import type { CanvasMode } from './form';
import type { Layer } from './types';

/** How the request names an image (contract requestImages roles). */
export type ImageUse = 'source' | 'reference' | 'content' | 'style' | 'subject';

export interface ModeImages {
  images: { layer: Layer; use: ImageUse }[];
  /** Visible slots this mode leaves out. */
  unused: Layer[];
  /** What is missing before the mode can run. */
  missing: 'style' | null;
}

/** Most extra images an edit takes besides its source (contract: images max 4). */
export const MAX_EDIT_REFERENCES = 3;
/** Most style images a style transfer takes (contract: style plus at most two moreStyles). */
export const MAX_STYLES = 3;

export function imagesForMode(mode: CanvasMode, base: Layer, layers: readonly Layer[]): ModeImages {
  const slots = layers.filter((l) => l.role === 'reference' && l.visible);
  if (mode === 'edit') {
    const taken = slots.slice(0, MAX_EDIT_REFERENCES);
    return { images: [{ layer: base, use: 'source' }, ...taken.map((layer) => ({ layer, use: 'reference' as const }))], unused: slots.slice(MAX_EDIT_REFERENCES), missing: null };
  }
  if (mode === 'style') {
    const content = slots.find((l) => l.slot === 'content') ?? base;
    const styles = slots.filter((l) => l.slot === 'style').slice(0, MAX_STYLES);
    const images: ModeImages['images'] = [{ layer: content, use: 'content' }, ...styles.map((layer) => ({ layer, use: 'style' as const }))];
    return { images, unused: slots.filter((l) => l !== content && !styles.includes(l)), missing: styles.length > 0 ? null : 'style' };
  }
  const subject = slots.find((l) => l.slot === 'subject') ?? base;
  return { images: [{ layer: subject, use: 'subject' }], unused: slots.filter((l) => l !== subject), missing: null };
}
