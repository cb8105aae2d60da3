/**
 * Token grids of GLM-Image: the target grid (output size / 32), the small preview grid generated
 * first in text-to-image (about 16x16 whatever the size), and the text of the target-shape suffix
 * the processor appends to the prompt.
 */
import { GlimmerError } from '../../contract';

/** Pixels per AR token side (the processor's factor). */
export const AR_TOKEN_PIXELS = 32;

export interface GridShape {
  /** rows */
  h: number;
  /** columns */
  w: number;
}

export interface TargetGrids {
  target: GridShape;
  /** Text-to-image only: the preview grid the model writes before the target grid. */
  preview: GridShape;
}

export function checkOutputSize(height: number, width: number): void {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new GlimmerError('bad_request', `The image ${name} ${v} is not a positive whole number of pixels.`);
    }
    if (v % AR_TOKEN_PIXELS !== 0) {
      const lo = Math.max(AR_TOKEN_PIXELS, Math.floor(v / AR_TOKEN_PIXELS) * AR_TOKEN_PIXELS);
      const hi = Math.ceil(v / AR_TOKEN_PIXELS) * AR_TOKEN_PIXELS;
      throw new GlimmerError(
        'bad_request',
        `The image ${name} ${v} is not a multiple of ${AR_TOKEN_PIXELS} pixels. Use ${lo} or ${hi}.`,
      );
    }
  }
}

/** Target and preview grids for an output of height x width pixels (both multiples of 32). */
export function targetGrids(height: number, width: number): TargetGrids {
  checkOutputSize(height, width);
  const th = height / AR_TOKEN_PIXELS;
  const tw = width / AR_TOKEN_PIXELS;
  const ratio = th / tw;
  const half = AR_TOKEN_PIXELS / 2;
  // int(sqrt(ratio) * 16) and int(sqrt(1 / ratio) * 16): truncation toward zero, as the reference.
  const ph = Math.trunc(Math.sqrt(ratio) * half);
  const pw = Math.trunc(Math.sqrt(1 / ratio) * half);
  return { target: { h: th, w: tw }, preview: { h: ph, w: pw } };
}

export interface SuffixTokens {
  gridBos: string;
  gridEos: string;
  bos: string;
}

/**
 * The target-shape suffix: `<sop>{th} {tw}<eop>` then, for text-to-image, `<sop>{ph} {pw}<eop>`, then
 * the image-start token that ends the prompt.
 */
export function targetShapeSuffix(grids: TargetGrids, withPreview: boolean, tokens: SuffixTokens): string {
  const { gridBos, gridEos, bos } = tokens;
  let s = `${gridBos}${grids.target.h} ${grids.target.w}${gridEos}`;
  if (withPreview) s += `${gridBos}${grids.preview.h} ${grids.preview.w}${gridEos}`;
  return s + bos;
}

