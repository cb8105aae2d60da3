/**
 * Mask rasterisation in plain TypeScript (no DOM): strokes in image pixels → one byte per pixel
 * (0 keep … 255 change). A stroke is a round brush swept along its points; hardness sets how much of
 * the radius is solid before a smooth fall-off. Within one stroke coverage is the maximum over its
 * segments (passing twice does not darken); a brush stroke raises the mask to its coverage, an eraser
 * stroke scales it down by (1 − coverage).
 */
import type { Rect, Stroke } from './types';

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

/** Applies one stroke to `data` (width × height bytes) in place. */
export function applyStroke(data: Uint8Array, width: number, height: number, stroke: Stroke): void {
  const r = stroke.size / 2;
  const pts = stroke.points;
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

export function rasterizeStrokes(strokes: readonly Stroke[], width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (const s of strokes) applyStroke(data, width, height, s);
  return data;
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
  ) {
    this.data = new Uint8Array(width * height);
  }

  /** Returns true when the buffer changed. */
  sync(strokes: readonly Stroke[]): boolean {
    if (strokes === this.applied) return false;
    const extends_ = strokes.length >= this.applied.length && this.applied.every((s, i) => strokes[i] === s);
    if (!extends_) this.data.fill(0);
    for (let i = extends_ ? this.applied.length : 0; i < strokes.length; i++) applyStroke(this.data, this.width, this.height, strokes[i]!);
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
  return strokes.map((st) => ({ ...st, size: st.size * s, points: st.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy)) }));
}
