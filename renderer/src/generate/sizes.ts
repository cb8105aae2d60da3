/** Output sizes: multiples of 32 between 512 and 2048 (GLM-Image's range), by aspect ratio. */

export const SIDE_STEP = 32;
export const MIN_SIDE = 512;
export const MAX_SIDE = 2048;

export interface Aspect {
  id: string;
  label: string;
  w: number;
  h: number;
}

export const ASPECTS: readonly Aspect[] = [
  { id: '1:1', label: 'Square 1:1', w: 1, h: 1 },
  { id: '4:3', label: 'Landscape 4:3', w: 4, h: 3 },
  { id: '3:4', label: 'Portrait 3:4', w: 3, h: 4 },
  { id: '3:2', label: 'Photo 3:2', w: 3, h: 2 },
  { id: '2:3', label: 'Poster 2:3', w: 2, h: 3 },
  { id: '16:9', label: 'Wide 16:9', w: 16, h: 9 },
  { id: '9:16', label: 'Tall 9:16', w: 9, h: 16 },
  { id: '21:9', label: 'Cinema 21:9', w: 21, h: 9 },
];

/** Resolution tiers, as the side of a square of the same area. */
export const TIERS = [
  { id: 'small', label: 'Small (~0.4 MP)', side: 640 },
  { id: 'medium', label: 'Medium (~1 MP)', side: 1024 },
  { id: 'large', label: 'Large (~2.4 MP)', side: 1536 },
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

export function isValidSide(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_SIDE && n <= MAX_SIDE && n % SIDE_STEP === 0;
}
