/**
 * The reference-image resize arithmetic of GLM-Image's image processor ("smart resize"), as a pure
 * function: which size a reference image is resampled to before the ViT, and so its token grid.
 * Images are tokenized at HALF resolution: a 1024x1024 reference becomes 512x512, a 32x32 grid of
 * 16-px patches, the same granularity as the AR's generated grid (1/32 of the output).
 *
 * Rules (read from transformers GlmImageImageProcessor.smart_resize; our own code):
 *   - both sides >= factor, aspect ratio <= 4
 *   - scale = 1; if the short side < sqrt(minPixels): scale = sqrt(minPixels)/short;
 *     then if long*scale > sqrt(maxPixels): scale = sqrt(maxPixels)/long
 *   - halve (floor) both sides, then round(side*scale/factor)*factor (Python round: half to even), at least factor
 *   - if the longer result exceeds sqrt(maxPixels), shrink both by beta with floor
 * The pixel resampling itself (bicubic) lives with the vision encoder, which imports this function.
 */
import { GlimmerError } from '../../contract';

export interface SmartResizeOptions {
  /** patch_size * merge_size of the image processor (16 for GLM-Image). */
  factor?: number;
  /** size.shortest_edge of preprocessor config: minimum pixel count (512*512). */
  minPixels?: number;
  /** size.longest_edge of preprocessor config: maximum pixel count (2048*2048). */
  maxPixels?: number;
}

export interface ResizedSize {
  height: number;
  width: number;
}

export const DEFAULT_RESIZE: Required<SmartResizeOptions> = { factor: 16, minPixels: 512 * 512, maxPixels: 2048 * 2048 };

/** Python's round(): ties go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function smartResize(height: number, width: number, options: SmartResizeOptions = {}): ResizedSize {
  const { factor, minPixels, maxPixels } = { ...DEFAULT_RESIZE, ...options };
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new GlimmerError('bad_image', `The reference image size ${width}x${height} is not a valid image size.`);
  }
  if (height < factor || width < factor) {
    throw new GlimmerError(
      'bad_image',
      `The reference image is ${width}x${height} pixels; both sides must be at least ${factor} pixels. Use a larger image.`,
    );
  }
  const minSide = Math.min(height, width);
  const maxSide = Math.max(height, width);
  if (maxSide / minSide > 4) {
    throw new GlimmerError(
      'bad_image',
      `The reference image is ${width}x${height} pixels, an aspect ratio above 4:1. Crop it to at most 4:1 and try again.`,
    );
  }
  const shortestEdge = roundHalfEven(Math.sqrt(minPixels));
  const longestEdge = roundHalfEven(Math.sqrt(maxPixels));
  let scale = 1.0;
  if (minSide < shortestEdge) scale = shortestEdge / minSide;
  if (maxSide * scale > longestEdge) scale = longestEdge / maxSide;

  const halfH = Math.floor(height / 2);
  const halfW = Math.floor(width / 2);
  let hBar = Math.max(factor, roundHalfEven((halfH * scale) / factor) * factor);
  let wBar = Math.max(factor, roundHalfEven((halfW * scale) / factor) * factor);
  if (Math.max(hBar, wBar) > longestEdge) {
    const beta = Math.max(hBar, wBar) / longestEdge;
    hBar = Math.max(factor, Math.floor(hBar / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(wBar / beta / factor) * factor);
  }
  return { height: hBar, width: wBar };
}

/** The token grid (rows, cols) of a reference image of the given original size. */
export function referenceGrid(
  height: number,
  width: number,
  options: SmartResizeOptions & { patchSize?: number } = {},
): { h: number; w: number } {
  const patch = options.patchSize ?? options.factor ?? DEFAULT_RESIZE.factor;
  const r = smartResize(height, width, options);
  return { h: r.height / patch, w: r.width / patch };
}
