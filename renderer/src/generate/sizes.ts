/** Output sizes by aspect ratio, within the studio's one size rule (contract SIZE_RULE: 512..2048, ×32). */
import { SIZE_RULE, isStudioSide } from '../../../main/contract';

export const SIDE_STEP = SIZE_RULE.step;
export const MIN_SIDE = SIZE_RULE.min;
export const MAX_SIDE = SIZE_RULE.max;

export interface Aspect {
  id: string;
  /** Its name's message key (generate.aspects.*). */
  key: 'square' | 'landscape' | 'portrait' | 'photo' | 'poster' | 'wide' | 'tall' | 'cinema';
  w: number;
  h: number;
}

export const ASPECTS: readonly Aspect[] = [
  { id: '1:1', key: 'square', w: 1, h: 1 },
  { id: '4:3', key: 'landscape', w: 4, h: 3 },
  { id: '3:4', key: 'portrait', w: 3, h: 4 },
  { id: '3:2', key: 'photo', w: 3, h: 2 },
  { id: '2:3', key: 'poster', w: 2, h: 3 },
  { id: '16:9', key: 'wide', w: 16, h: 9 },
  { id: '9:16', key: 'tall', w: 9, h: 16 },
  { id: '21:9', key: 'cinema', w: 21, h: 9 },
];

/** Resolution tiers, as the side of a square of the same area (names: generate.tiers.<id>). */
export const TIERS = [
  { id: 'small', side: 640 },
  { id: 'medium', side: 1024 },
  { id: 'large', side: 1536 },
] as const;
export type TierId = (typeof TIERS)[number]['id'];

/** Nearest multiple of 32 within 512..2048. */
export function snapSide(n: number): number {
  if (!Number.isFinite(n)) return MIN_SIDE;
  return Math.min(MAX_SIDE, Math.max(MIN_SIDE, Math.round(n / SIDE_STEP) * SIDE_STEP));
}

/** A size with this aspect and about side² pixels, both sides snapped. */
export function sizeFor(aspectW: number, aspectH: number, side: number): { width: number; height: number } {
  const area = side * side;
  const ratio = aspectW / aspectH;
  return { width: snapSide(Math.sqrt(area * ratio)), height: snapSide(Math.sqrt(area / ratio)) };
}

/** A size for an image of w×h: same aspect (as near as snapping allows), at most about maxSide² pixels. */
export function sizeLike(w: number, h: number, maxSide = 1024): { width: number; height: number } {
  if (!(w > 0 && h > 0)) return { width: maxSide, height: maxSide };
  const side = Math.min(maxSide, Math.sqrt(w * h));
  return sizeFor(w, h, Math.max(MIN_SIDE, side));
}

export const isValidSide = isStudioSide;
