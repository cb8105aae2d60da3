/**
 * Overlapping tiles for the VAE: a large latent (or image) is cut into tiles of `tile` cells that
 * overlap by `overlap` cells, each tile goes through the graph alone, and the outputs are blended
 * back with weights that ramp linearly across each overlap (1 inside a tile, falling to 0 at an edge
 * another tile covers), so no seam shows where tiles meet. Memory then follows the tile, not the
 * image. The VAE's GroupNorm statistics are taken per tile, so a tiled result differs a little from
 * the whole-image one (measured in test/integration/vae-tiles.test.ts and bench/README.md).
 */
import { GlimmerError } from '../../contract';

export interface TileSpec {
  /** Tile side in input cells. */
  tile: number;
  /** Cells two neighbouring tiles share. */
  overlap: number;
}

/** Start of every tile along an axis of `length` cells: stride tile − overlap, the last one flush with the end. */
export function tileStarts(length: number, { tile, overlap }: TileSpec): number[] {
  if (!Number.isInteger(tile) || tile < 1 || !Number.isInteger(overlap) || overlap < 0 || overlap >= tile) {
    throw new Error(`tiles of ${tile} overlapping by ${overlap} are not possible`);
  }
  if (length <= tile) return [0];
  const stride = tile - overlap;
  const starts: number[] = [];
  for (let s = 0; s + tile < length; s += stride) starts.push(s);
  starts.push(length - tile);
  return starts;
}

/**
 * Blend weight of position i (0 ≤ i < size) of a tile along one axis, in output cells: ramps up over
 * `rampBefore` cells where a tile precedes this one and down over `rampAfter` where one follows.
 */
export function rampWeight(i: number, size: number, rampBefore: number, rampAfter: number): number {
  let w = 1;
  if (rampBefore > 0 && i < rampBefore) w = Math.min(w, (i + 0.5) / rampBefore);
  if (rampAfter > 0 && i >= size - rampAfter) w = Math.min(w, (size - i - 0.5) / rampAfter);
  return w;
}

export interface TiledRun {
  /** Channels of the input. */
  inChannels: number;
  /** Channels of the output. */
  outChannels: number;
  /** Output cells per input cell (8 for decode, 1/8 for encode). */
  scale: number;
  /** Runs the graph on one tile: [1, inChannels, th, tw] → [1, outChannels, th·scale, tw·scale]. */
  run(tile: Float32Array, th: number, tw: number): Promise<Float32Array>;
}

/** Runs `r` tile by tile over input [1, C, h, w] and blends the outputs into [1, outC, h·scale, w·scale]. */
export async function runTiled(input: Float32Array, h: number, w: number, spec: TileSpec, r: TiledRun, signal?: AbortSignal): Promise<Float32Array> {
  const ys = tileStarts(h, spec);
  const xs = tileStarts(w, spec);
  const th = Math.min(h, spec.tile);
  const tw = Math.min(w, spec.tile);
  const H = Math.round(h * r.scale);
  const W = Math.round(w * r.scale);
  const oth = Math.round(th * r.scale);
  const otw = Math.round(tw * r.scale);
  const sum = new Float32Array(r.outChannels * H * W);
  const weight = new Float32Array(H * W);
  const tile = new Float32Array(r.inChannels * th * tw);
  for (const [iy, y0] of ys.entries()) {
    for (const [ix, x0] of xs.entries()) {
      if (signal?.aborted) throw new GlimmerError('cancelled', 'Generation was cancelled.');
      for (let c = 0; c < r.inChannels; c++)
        for (let y = 0; y < th; y++) {
          const from = (c * h + y0 + y) * w + x0;
          tile.set(input.subarray(from, from + tw), (c * th + y) * tw);
        }
      const out = await r.run(tile, th, tw);
      // overlap with the previous / next tile along each axis, in output cells
      const before = (starts: number[], i: number) => (i > 0 ? Math.round((starts[i - 1]! + spec.tile - starts[i]!) * r.scale) : 0);
      const after = (starts: number[], i: number) => (i < starts.length - 1 ? Math.round((starts[i]! + spec.tile - starts[i + 1]!) * r.scale) : 0);
      const [ub, ua, vb, va] = [before(ys, iy), after(ys, iy), before(xs, ix), after(xs, ix)];
      const oy0 = Math.round(y0 * r.scale);
      const ox0 = Math.round(x0 * r.scale);
      for (let y = 0; y < oth; y++) {
        const wy = rampWeight(y, oth, ub, ua);
        for (let x = 0; x < otw; x++) {
          const wxy = wy * rampWeight(x, otw, vb, va);
          const at = (oy0 + y) * W + ox0 + x;
          weight[at] += wxy;
          for (let c = 0; c < r.outChannels; c++) sum[c * H * W + at] += wxy * out[(c * oth + y) * otw + x]!;
        }
      }
    }
  }
  for (let c = 0; c < r.outChannels; c++) for (let i = 0; i < H * W; i++) sum[c * H * W + i] /= weight[i]!;
  return sum;
}
