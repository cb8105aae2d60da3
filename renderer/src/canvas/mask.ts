/**
 * Mask rasterisation in plain TypeScript (no DOM): strokes in image pixels → one byte per pixel
 * (0 keep … 255 change). A stroke is a round brush swept along its points; hardness sets how much of
 * the radius is solid before a smooth fall-off. Within one stroke coverage is the maximum over its
 * segments (passing twice does not darken); a brush stroke raises the mask to its coverage, an eraser
 * stroke scales it down by (1 − coverage).
 */
import type { Edges, MaskLayer, Rect, Stroke } from './types';

/** Where the raster's pixel (0, 0) is in image pixels (an extended canvas starts left of and above the image). */
export interface Origin {
  x: number;
  y: number;
}

const ZERO: Origin = { x: 0, y: 0 };

/** Coverage 0..1 of a pixel at distance d from the stroke's centre line. */
export function strokeCoverage(d: number, radius: number, hardness: number): number {
  if (radius <= 0) return 0;
  const solid = radius * Math.min(1, Math.max(0, hardness));
  if (d <= solid) return 1;
  if (d >= radius) return 0;
  const t = (d - solid) / (radius - solid);
  return 1 - t * t * (3 - 2 * t);
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}

/** Applies one stroke or selection to `data` (width × height bytes, its pixel (0, 0) at `origin`) in place. */
export function applyStroke(data: Uint8Array, width: number, height: number, stroke: Stroke, origin: Origin = ZERO): void {
  const pts = origin.x === 0 && origin.y === 0 ? stroke.points : stroke.points.map((v, i) => v - (i % 2 === 0 ? origin.x : origin.y));
  if (stroke.shape) return fillShape(data, width, height, stroke.shape, pts, stroke.mode === 'brush' ? 255 : 0);
  const r = stroke.size / 2;
  if (r <= 0 || pts.length < 2) return;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    minX = Math.min(minX, pts[i]!);
    maxX = Math.max(maxX, pts[i]!);
    minY = Math.min(minY, pts[i + 1]!);
    maxY = Math.max(maxY, pts[i + 1]!);
  }
  const x0 = Math.max(0, Math.floor(minX - r));
  const y0 = Math.max(0, Math.floor(minY - r));
  const x1 = Math.min(width, Math.ceil(maxX + r));
  const y1 = Math.min(height, Math.ceil(maxY + r));
  if (x1 <= x0 || y1 <= y0) return;
  const bw = x1 - x0;
  const cover = new Float32Array(bw * (y1 - y0));
  const nSeg = Math.max(1, pts.length / 2 - 1);
  for (let s = 0; s < nSeg; s++) {
    const ax = pts[2 * s]!;
    const ay = pts[2 * s + 1]!;
    const bx = pts.length >= 2 * s + 4 ? pts[2 * s + 2]! : ax;
    const by = pts.length >= 2 * s + 4 ? pts[2 * s + 3]! : ay;
    const sx0 = Math.max(x0, Math.floor(Math.min(ax, bx) - r));
    const sy0 = Math.max(y0, Math.floor(Math.min(ay, by) - r));
    const sx1 = Math.min(x1, Math.ceil(Math.max(ax, bx) + r));
    const sy1 = Math.min(y1, Math.ceil(Math.max(ay, by) + r));
    for (let y = sy0; y < sy1; y++) {
      for (let x = sx0; x < sx1; x++) {
        const c = strokeCoverage(segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by), r, stroke.hardness);
        const k = (y - y0) * bw + (x - x0);
        if (c > cover[k]!) cover[k] = c;
      }
    }
  }
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const c = cover[(y - y0) * bw + (x - x0)]!;
      if (c <= 0) continue;
      const o = y * width + x;
      if (stroke.mode === 'brush') {
        const v = Math.round(c * 255);
        if (v > data[o]!) data[o] = v;
      } else {
        data[o] = Math.round(data[o]! * (1 - c));
      }
    }
  }
}

/** The outline of a selection as a polygon: a rectangle's four corners, or the lasso's points. */
export function shapePolygon(shape: 'rect' | 'lasso', pts: readonly number[]): number[] {
  if (shape === 'lasso' || pts.length < 4) return [...pts];
  const [x0, y0, x1, y1] = pts as [number, number, number, number];
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}

/** Sets every pixel whose centre is inside the shape (even-odd rule) to `value`. */
function fillShape(data: Uint8Array, width: number, height: number, shape: 'rect' | 'lasso', pts: readonly number[], value: number): void {
  const poly = shapePolygon(shape, pts);
  const n = poly.length / 2;
  if (n < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 1; i < poly.length; i += 2) {
    minY = Math.min(minY, poly[i]!);
    maxY = Math.max(maxY, poly[i]!);
  }
  const xs: number[] = [];
  for (let y = Math.max(0, Math.floor(minY)); y < Math.min(height, Math.ceil(maxY)); y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = poly[2 * i]!;
      const ay = poly[2 * i + 1]!;
      const bx = poly[2 * j]!;
      const by = poly[2 * j + 1]!;
      if (ay > cy !== by > cy) xs.push(ax + ((cy - ay) * (bx - ax)) / (by - ay));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const x1 = Math.min(width, Math.ceil(xs[k + 1]! - 0.5));
      if (x1 > x0) data.fill(value, y * width + x0, y * width + x1);
    }
  }
}

export function rasterizeStrokes(strokes: readonly Stroke[], width: number, height: number, origin: Origin = ZERO): Uint8Array {
  const data = new Uint8Array(width * height);
  for (const s of strokes) applyStroke(data, width, height, s, origin);
  return data;
}

/**
 * Distance (in pixels, chamfer 1/√2: within a few percent of Euclidean) from every pixel to the
 * nearest pixel where `inside` is true; 0 on those pixels, Infinity when there are none.
 */
export function distanceTo(inside: (i: number) => boolean, width: number, height: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = inside(i) ? 0 : Infinity;
  const D = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + D);
        if (x + 1 < width) v = Math.min(v, d[i - width + 1]! + D);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x + 1 < width) v = Math.min(v, d[i + 1]! + 1);
      if (y + 1 < height) {
        v = Math.min(v, d[i + width]! + 1);
        if (x + 1 < width) v = Math.min(v, d[i + width + 1]! + D);
        if (x > 0) v = Math.min(v, d[i + width - 1]! + D);
      }
      d[i] = v;
    }
  }
  return d;
}

/** The mask grown by `r` pixels (negative: shrunk); the result is black and white (cut at half). */
export function growMask(data: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(data.length);
  if (r >= 0) {
    const d = distanceTo((i) => data[i]! >= 128, width, height);
    for (let i = 0; i < out.length; i++) out[i] = d[i]! <= r ? 255 : 0;
  } else {
    const d = distanceTo((i) => data[i]! < 128, width, height);
    for (let i = 0; i < out.length; i++) out[i] = d[i]! > -r ? 255 : 0;
  }
  return out;
}

/**
 * A soft edge `f` pixels wide outside the mask: the mask (cut at half) stays 255; outside it the value
 * falls linearly to 0 at distance f + 1. Nothing inside the mask gets weaker.
 */
export function featherMask(data: Uint8Array, width: number, height: number, f: number): Uint8Array {
  if (f <= 0) return data;
  const d = distanceTo((i) => data[i]! >= 128, width, height);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const v = d[i]!;
    out[i] = v === 0 ? 255 : v > f ? 0 : Math.round(255 * (1 - v / (f + 1)));
  }
  return out;
}

/** The document's area in image pixels: the image plus its extension. */
export function docRect(width: number, height: number, extend: Edges | null): Rect {
  const e = extend ?? { left: 0, top: 0, right: 0, bottom: 0 };
  return { x: 0 - e.left, y: 0 - e.top, width: width + e.left + e.right, height: height + e.top + e.bottom };
}

/** Whether the mask is its strokes as painted (no invert, grow, feather or extension to apply). */
export function maskIsPlain(mask: MaskLayer, extend: Edges | null): boolean {
  return !mask.invert && mask.grow === 0 && mask.feather === 0 && extend === null;
}

/**
 * What is sent and shown, from the painted strokes (`painted`: one byte per pixel of the document
 * area): inverted, grown or shrunk, the extension's new area added (always changed), then feathered
 * outwards (into the kept area, so an outpaint's seam blends into the original).
 */
export function finishMask(painted: Uint8Array, area: Rect, base: { width: number; height: number }, mask: MaskLayer, extend: Edges | null): Uint8Array {
  const { width, height } = area;
  let data = painted;
  if (mask.invert) data = data.map((v) => 255 - v);
  if (mask.grow !== 0) data = growMask(data, width, height, Math.round(mask.grow));
  if (extend) {
    if (data === painted) data = data.slice();
    // image pixel (0, 0) is the document's (-area.x, -area.y)
    const x0 = -area.x;
    const y0 = -area.y;
    for (let y = 0; y < height; y++) {
      const inRows = y >= y0 && y < y0 + base.height;
      for (let x = 0; x < width; x++) if (!inRows || x < x0 || x >= x0 + base.width) data[y * width + x] = 255;
    }
  }
  return featherMask(data, width, height, Math.round(mask.feather));
}

/** The whole mask of a document: its strokes over the document area, finished (finishMask). */
export function rasterizeMask(mask: MaskLayer, base: { width: number; height: number }, extend: Edges | null): { data: Uint8Array; area: Rect } {
  const area = docRect(base.width, base.height, extend);
  const painted = rasterizeStrokes(mask.strokes, area.width, area.height, area);
  return { data: maskIsPlain(mask, extend) ? painted : finishMask(painted, area, base, mask, extend), area };
}

/**
 * A mask buffer kept in step with a growing list of strokes: when the new list extends the last one
 * (same stroke objects first), only the new strokes are drawn; otherwise (undo, clear) it starts over.
 */
export class MaskRaster {
  readonly data: Uint8Array;
  private applied: readonly Stroke[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
    readonly origin: Origin = ZERO,
  ) {
    this.data = new Uint8Array(width * height);
  }

  /** Returns true when the buffer changed. */
  sync(strokes: readonly Stroke[]): boolean {
    if (strokes === this.applied) return false;
    const extends_ = strokes.length >= this.applied.length && this.applied.every((s, i) => strokes[i] === s);
    if (!extends_) this.data.fill(0);
    for (let i = extends_ ? this.applied.length : 0; i < strokes.length; i++) applyStroke(this.data, this.width, this.height, strokes[i]!, this.origin);
    const changed = !extends_ || strokes.length > this.applied.length;
    this.applied = strokes;
    return changed;
  }
}

/** The part of a mask inside `rect` (integer pixels, clamped to the mask). */
export function cropMask(data: Uint8Array, width: number, height: number, rect: Rect): { data: Uint8Array; width: number; height: number } {
  const x0 = Math.max(0, Math.min(width, Math.round(rect.x)));
  const y0 = Math.max(0, Math.min(height, Math.round(rect.y)));
  const x1 = Math.max(x0, Math.min(width, Math.round(rect.x + rect.width)));
  const y1 = Math.max(y0, Math.min(height, Math.round(rect.y + rect.height)));
  const w = x1 - x0;
  const h = y1 - y0;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(data.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + w), y * w);
  return { data: out, width: w, height: h };
}

/** True when no pixel is marked. */
export function maskIsEmpty(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/** Strokes scaled to an image of another size (a result that came back at a different resolution). */
export function scaleStrokes(strokes: readonly Stroke[], sx: number, sy: number): Stroke[] {
  const s = Math.sqrt(sx * sy);
  // (a selection's points scale the same way; its size is not used)
  return strokes.map((st) => ({ ...st, size: st.size * s, points: st.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy)) }));
}
