/**
 * Plane geometry for the text detector's post-processing, in the coordinates of a pixel grid whose
 * pixel (x, y) has its centre at (x, y) (the convention of OpenCV's contours, which PaddleOCR's DB
 * post-processing and its thresholds are tuned on):
 *  - the convex hull of a set of points (Andrew's monotone chain);
 *  - the minimum-area enclosing rectangle of a convex polygon (rotating calipers: the optimal rectangle
 *    has one side on a hull edge, so each edge direction is tried);
 *  - a rectangle's corners in reading order, growing a rectangle by a margin, a point-in-rectangle test.
 */

export type Point = readonly [number, number];
/** Four corners clockwise from the top-left (in image coordinates, y down): TL, TR, BR, BL. */
export type Quad = [Point, Point, Point, Point];

/** A rectangle of any orientation: centre, unit direction `u` of its `width` side, and its sides. */
export interface RotatedRect {
  cx: number;
  cy: number;
  ux: number;
  uy: number;
  width: number;
  height: number;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull, counter-clockwise in a y-up frame, without collinear points; fewer than 3 points are returned as they are. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Minimum-area rectangle around points (their hull). For each hull edge direction u (unit) and its
 * normal n, the rectangle spanning the points' projections on u and n encloses them; the smallest of
 * those is the minimum-area rectangle (Freeman & Shapira 1975). One point or collinear points give a
 * rectangle of zero width or height.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  if (points.length === 0) throw new RangeError('minAreaRect needs at least one point');
  const hull = convexHull(points);
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  const tryDirection = (ux: number, uy: number) => {
    let minU = Infinity;
    let maxU = -Infinity;
    let minN = Infinity;
    let maxN = -Infinity;
    for (const [x, y] of hull) {
      const pu = x * ux + y * uy;
      const pn = -x * uy + y * ux;
      if (pu < minU) minU = pu;
      if (pu > maxU) maxU = pu;
      if (pn < minN) minN = pn;
      if (pn > maxN) maxN = pn;
    }
    const area = (maxU - minU) * (maxN - minN);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mn = (minN + maxN) / 2;
      best = { cx: mu * ux - mn * uy, cy: mu * uy + mn * ux, ux, uy, width: maxU - minU, height: maxN - minN };
    }
  };
  tryDirection(1, 0);
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len > 0) tryDirection((b[0] - a[0]) / len, (b[1] - a[1]) / len);
  }
  return canonicalRect(best!);
}

/** The same rectangle described with `u` pointing right-ish (ux > 0, or straight down), so width runs along the text line when it is the longer side. */
export function canonicalRect(r: RotatedRect): RotatedRect {
  let { ux, uy, width, height } = r;
  // make u the direction closest to +x (angle in (-45°, 45°]); swap sides when turning by 90°
  if (Math.abs(uy) > Math.abs(ux)) {
    [ux, uy] = [uy, -ux];
    [width, height] = [height, width];
  }
  if (ux < 0 || (ux === 0 && uy < 0)) {
    ux = -ux;
    uy = -uy;
  }
  return { cx: r.cx, cy: r.cy, ux, uy, width, height };
}

/** Corners TL, TR, BR, BL of a rectangle in canonical form (u points right, n = u turned 90° clockwise on screen points down). */
export function rectCorners(r: RotatedRect): Quad {
  const hw = r.width / 2;
  const hh = r.height / 2;
  const nx = -r.uy;
  const ny = r.ux;
  const at = (su: number, sn: number): Point => [r.cx + su * hw * r.ux + sn * hh * nx, r.cy + su * hw * r.uy + sn * hh * ny];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}

/** The rectangle grown by `margin` on every side. */
export function growRect(r: RotatedRect, margin: number): RotatedRect {
  return { ...r, width: r.width + 2 * margin, height: r.height + 2 * margin };
}

/**
 * DB's "unclip" for a rectangle. PaddleOCR offsets the box polygon outward by
 * d = area * ratio / perimeter (pyclipper, round joins) and takes the minimum-area rectangle of the
 * result; for a rectangle w x h that is exactly the rectangle grown by d on each side, with
 * d = w h ratio / (2 (w + h)).
 */
export function unclipRect(r: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (r.width + r.height);
  if (perimeter <= 0) return r;
  return growRect(r, (r.width * r.height * ratio) / perimeter);
}

export function pointInRect(r: RotatedRect, x: number, y: number): boolean {
  const dx = x - r.cx;
  const dy = y - r.cy;
  return Math.abs(dx * r.ux + dy * r.uy) <= r.width / 2 + 1e-9 && Math.abs(-dx * r.uy + dy * r.ux) <= r.height / 2 + 1e-9;
}

/** Axis-aligned bounds of a rectangle. */
export function rectBounds(r: RotatedRect): { x0: number; y0: number; x1: number; y1: number } {
  const c = rectCorners(r);
  const xs = c.map((p) => p[0]);
  const ys = c.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

export function scaleQuad(q: Quad, sx: number, sy: number, maxX: number, maxY: number): Quad {
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  return q.map(([x, y]) => [clamp(x * sx, maxX), clamp(y * sy, maxY)] as Point) as Quad;
}
