/**
 * Patchify / unpatchify between latents [B, C, h, w] and tokens [B, (h/p)(w/p), C·p·p]
 * (GlmImageImageProjector's order: channel, then row-in-patch, then column-in-patch).
 */
import type { GraphBuilder } from '../onnx';
import { reshapeTo, transpose } from './ops';

export interface PatchGrid {
  batch: string;
  /** h / p and w / p as int64 [1]. */
  gridH: string;
  gridW: string;
}

export function patchGrid(g: GraphBuilder, latents: string, patch: number): PatchGrid {
  const shape = g.op('Shape', [latents]);
  const pick = (i: number) => g.op('Gather', [shape, g.constInt64([i])], { axis: 0 });
  const p = g.constInt64([patch]);
  return { batch: pick(0), gridH: g.op('Div', [pick(2), p]), gridW: g.op('Div', [pick(3), p]) };
}

/** [B, C, h, w] → [B, N, C·p·p] */
export function patchify(g: GraphBuilder, latents: string, grid: PatchGrid, channels: number, patch: number): string {
  const x = reshapeTo(g, latents, [grid.batch, channels, grid.gridH, patch, grid.gridW, patch]);
  return reshapeTo(g, transpose(g, x, [0, 2, 4, 1, 3, 5]), [grid.batch, -1, channels * patch * patch]);
}

/** [B, N, C·p·p] → [B, C, h, w] */
export function unpatchify(g: GraphBuilder, tokens: string, grid: PatchGrid, channels: number, patch: number): string {
  const x = reshapeTo(g, tokens, [grid.batch, grid.gridH, grid.gridW, channels, patch, patch]);
  const t = transpose(g, x, [0, 3, 1, 4, 2, 5]);
  const ph = g.op('Mul', [grid.gridH, g.constInt64([patch])]);
  const pw = g.op('Mul', [grid.gridW, g.constInt64([patch])]);
  return reshapeTo(g, t, [grid.batch, channels, ph, pw]);
}
