/**
 * Connected regions of a binary map (8-connectivity), each summarised by the outline points a convex
 * hull needs: per row, the leftmost and rightmost pixel. That is what PaddleOCR gets from
 * cv2.findContours (outer contour, simple chain) before its minimum-area rectangle, at a fraction of the
 * work: the hull of the row extremes is the hull of the region.
 */
import type { Point } from './geometry';

export interface Region {
  /** Pixels in the region. */
  area: number;
  /** Leftmost and rightmost pixel centre of each row it covers. */
  outline: Point[];
}

/**
 * Label the regions where `mask[y * width + x]` is non-zero. At most `maxRegions` are returned (the
 * first ones in raster order, as OpenCV's contour scan finds them); `truncated` says some were left.
 */
export function findRegions(mask: Uint8Array, width: number, height: number, maxRegions: number): { regions: Region[]; truncated: boolean } {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} values, expected ${width}x${height}`);
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height);
  const regions: Region[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    if (regions.length >= maxRegions) return { regions, truncated: true };
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let area = 0;
    // the raster scan meets a region first at its top row, so rows only grow downward from here
    const yLo = (start - (start % width)) / width;
    let yHi = yLo;
    rowMin[yLo] = width;
    rowMax[yLo] = -1;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      area++;
      while (yHi < y) {
        yHi++;
        rowMin[yHi] = width;
        rowMax[yHi] = -1;
      }
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    const outline: Point[] = [];
    for (let r = yLo; r <= yHi; r++) {
      if (rowMax[r]! < 0) continue;
      outline.push([rowMin[r]!, r]);
      if (rowMax[r] !== rowMin[r]) outline.push([rowMax[r]!, r]);
    }
    regions.push({ area, outline });
  }
  return { regions, truncated: false };
}
